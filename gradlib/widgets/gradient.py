"""The gradient explorer of lesson 1: a point, a direction, and the row times column product."""
from __future__ import annotations

import ipywidgets
import numpy as np

from .. import style
from ..explore import gradient as eg
from ..viz import gradient as vg
from ._base import LessonWidget, fmt, line_html, matrix_html, product_html, register


def _slider(description, value, low, high, step=0.05, **kw):
    return ipywidgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                  continuous_update=True, readout_format=".2f",
                                  style={"description_width": "initial"},
                                  layout=ipywidgets.Layout(width="240px"), **kw)


@register("gradient")
class GradientExplorer(LessonWidget):
    """Contours of f: R^2 -> R, the gradient row at x, a direction d and the product (1 x 2)(2 x 1).

    Parameters
    ----------
    name : str
        A scalar field of the catalogue with two inputs (``gradlib.explore.gradient.names()``).
    x : (float, float)
        Starting point.
    angle : float
        Direction in degrees.
    h : float
        Step length along d.

    Controls: ``function`` (Dropdown), ``x1``, ``x2`` (the point), ``angle``, ``h`` (sliders).
    """

    text = "Gradient explorer: run the notebook to move the point and the direction."
    size = "square"
    view_attrs = ("_artists_now",)

    def __init__(self, name: str = "paraboloid", x=(1.0, 0.5), angle: float = 45.0, h: float = 0.5):
        self.function = ipywidgets.Dropdown(options=eg.names(), value=name, description="f",
                                            layout=ipywidgets.Layout(width="190px"))
        (x0, x1), (y0, y1) = eg.bounds(name)
        var1, var2 = eg.variable_names(name)
        self.x1 = _slider(var1, x[0], x0, x1)
        self.x2 = _slider(var2, x[1], y0, y1)
        self.angle = _slider("angle of d (deg)", angle, -180.0, 180.0, step=5.0)
        self.h = _slider("step h", h, 0.05, 1.0)
        self.function.observe(self._new_function, names="value")
        super().__init__([self.function, self.x1, self.x2, self.angle, self.h])

    def _new_function(self, change):
        # Keep the point inside the new function's window; the refresh follows from the dropdown.
        (x0, x1), (y0, y1) = eg.bounds(change["new"])
        var1, var2 = eg.variable_names(change["new"])
        self.x1 = self.renew_slider(self.x1, x0, x1, self.x1.value, var1)
        self.x2 = self.renew_slider(self.x2, y0, y1, self.x2.value, var2)

    def scene(self):
        return eg.scene(self.function.value, [self.x1.value, self.x2.value], self.angle.value, self.h.value)

    def static_key(self, s):
        return s.name

    def prerender_scenes(self):
        # Six contour maps, drawn now: choosing another function then only blits.
        return [eg.scene(name, eg.bounds(name).mean(axis=1)) for name in self.function.options]

    def draw(self, s):
        ax = self.axes[0]
        X, Y, Z = eg.contour_grid(s.name)
        cs = vg.plot_contours(ax, X, Y, Z, title=f"{s.name}: contours, gradient, step",
                              labels=eg.variable_names(s.name))
        box = eg.bounds(s.name)
        self._artists_now = vg.plot_scene(ax, s, scale=vg.arrow_scale(eg.scalar(s.name), box),
                                          levels=cs.levels, radius=0.2 * np.ptp(box, axis=1).min())
        return self._artists_now.moving

    def update(self, s):
        vg.update(self._artists_now, s)

    def panel_html(self, s) -> str:
        R = style.ROLES
        return "".join([
            line_html("x =", f"({fmt(s.x[0], 2)}, {fmt(s.x[1], 2)}),  f(x) = {fmt(s.value)}"),
            product_html(matrix_html(s.gradient, name="∇f(x)", color=R["gradient"]), "@",
                         matrix_html(s.direction, name="d", color=R["direction"]), "=",
                         matrix_html(s.directional, name="∇f(x) d")),
            line_html("(1 x 2) @ (2 x 1) = (1 x 1):", "the directional derivative, a 1 x 1 matrix."),
            line_html("symbolic ∇f(x):", "[" + ", ".join(fmt(v) for v in s.gradient_symbolic[0]) + "]"),
            line_html(f"step h = {fmt(s.h, 2)}: linear change h ∇f(x) d =", fmt(s.linear_change[0, 0]),
                      R["tangent"]),
            line_html("true change f(x + h d) - f(x) =", fmt(s.true_change[0, 0]), R["true"]),
        ])

    @property
    def state(self) -> dict:
        s = self._scene
        return {"function": s.name, "x": s.x, "value": s.value, "gradient": s.gradient,
                "gradient_symbolic": s.gradient_symbolic, "direction": s.direction,
                "directional": s.directional, "h": s.h, "linear_change": s.linear_change,
                "true_change": s.true_change}

    def demo_moves(self):
        moves = []
        for k in range(8):
            moves.append(("move x", lambda v=-1.5 + 0.4 * k: setattr(self.x1, "value", v)))
            moves.append(("move y", lambda v=1.5 - 0.35 * k: setattr(self.x2, "value", v)))
            moves.append(("turn d", lambda v=-170.0 + 45 * k: setattr(self.angle, "value", v)))
        moves.append(("change h", lambda: setattr(self.h, "value", 0.3)))
        moves += [("change f", lambda n=n: setattr(self.function, "value", n)) for n in ("saddle", "paraboloid")]
        return moves

    def alt_text(self, s) -> str:
        g = s.gradient[0]
        return (f"Contour map of {s.name} with the point x = ({s.x[0]:.2f}, {s.x[1]:.2f}), the gradient "
                f"row [{g[0]:.3f}, {g[1]:.3f}] drawn as an arrow, a step of length {s.h:.2f} at "
                f"{s.angle:.0f} degrees, and the tangent plane's level lines near x.")

