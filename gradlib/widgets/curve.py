"""The curve explorer of lesson 2: f(t) on a curve, the derivative column and the step f'(t) dt."""
from __future__ import annotations

import ipywidgets

from .. import style
from ..explore import curve as ec
from ..viz import curve as vc
from ._base import LessonWidget, fmt, line_html, matrix_html, product_html, register


def _slider(description, value, low, high, step):
    return ipywidgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                  continuous_update=True, readout_format=".2f",
                                  layout=ipywidgets.Layout(width="260px"))


def _projection(name):
    return "3d" if ec.curve(name)(0.0).size == 3 else None


@register("curve")
class CurveExplorer(LessonWidget):
    """A curve f: R -> R^m (m = 2 or 3), the point f(t), the column f'(t) and the step f'(t) dt.

    Parameters
    ----------
    name : str
        A catalogue curve (``gradlib.explore.curve.names()``); the helix is drawn in 3-D.
    t, dt : float
        Starting parameter and step.

    Controls: ``function`` (Dropdown), ``t``, ``dt`` (sliders).
    """

    text = "Curve explorer: run the notebook to move t and the step dt."
    size = "square"
    view_attrs = ("_artists_now",)

    def __init__(self, name: str = "helix", t: float = 1.0, dt: float = 0.5):
        self.function = ipywidgets.Dropdown(options=ec.names(), value=name, description="f",
                                            layout=ipywidgets.Layout(width="190px"))
        low, high = ec.t_range(name)
        self.t = _slider("t", t, low, high, 0.05)
        self.dt = _slider("dt", dt, -1.0, 1.0, 0.05)
        self.projection = _projection(name)   # of the first axes; see view_projection
        self.function.observe(self._new_function, names="value")
        super().__init__([self.function, self.t, self.dt])

    def _new_function(self, change):
        low, high = ec.t_range(change["new"])
        self.t = self.renew_slider(self.t, low, high, self.t.value)

    def scene(self):
        return ec.scene(self.function.value, self.t.value, self.dt.value)

    def static_key(self, s):
        return s.name

    def view_projection(self, s):
        return _projection(s.name)   # the helix is drawn on 3-D axes

    def prerender_scenes(self):
        # Four curves, drawn now: choosing another one then only blits.
        return [ec.scene(name, sum(ec.t_range(name)) / 2) for name in self.function.options]

    def draw(self, s):
        ax = self.axes[0]
        vc.plot_curve(ax, s.name)
        self._artists_now = vc.plot_scene(ax, s)
        return self._artists_now.moving

    def update(self, s):
        vc.update(self._artists_now, s)

    def panel_html(self, s) -> str:
        R = style.ROLES
        m = s.m
        return "".join([
            line_html("t =", f"{fmt(s.t, 2)},  f(t) = (" + ", ".join(fmt(v) for v in s.point) + ")"),
            product_html(matrix_html(s.derivative, name="f'(t)", color=R["tangent"]), "@",
                         matrix_html(s.dt, name="dt", color=R["direction"]), "=",
                         matrix_html(s.step, name="f'(t) dt", color=R["tangent"])),
            line_html(f"({m} x 1) @ (1 x 1) = ({m} x 1):", "the derivative of a curve is a column."),
            line_html("symbolic f'(t):", "[" + ", ".join(fmt(v) for v in s.derivative_symbolic[:, 0]) + "]"),
            product_html(matrix_html(s.true_step, name="f(t + dt) - f(t)", color=R["true"])),
        ])

    @property
    def state(self) -> dict:
        s = self._scene
        return {"function": s.name, "t": s.t, "point": s.point, "derivative": s.derivative,
                "derivative_symbolic": s.derivative_symbolic, "dt": s.dt, "step": s.step,
                "true_step": s.true_step}

    def demo_moves(self):
        moves = []
        for k in range(10):
            moves.append(("move t", lambda v=0.3 + 0.55 * k: setattr(self.t, "value", v)))
            moves.append(("change dt", lambda v=-0.9 + 0.18 * k: setattr(self.dt, "value", v)))
        moves += [("change f", lambda n=n: setattr(self.function, "value", n)) for n in ("circle", "helix")]
        return moves

    def alt_text(self, s) -> str:
        return (f"The curve {s.name} in {s.m} dimensions with the point f({s.t:.2f}), the tangent step "
                f"f'(t) dt for dt = {s.dt[0, 0]:.2f} drawn as a green arrow, and the true point f(t + dt).")
