"""The Jacobian explorers of lesson 3: rows are gradients, the local linear map, the shapes."""
from __future__ import annotations

from typing import NamedTuple

import ipywidgets
import numpy as np

from .. import style
from ..explore import jacobian as ej
from ..viz import jacobian as vj
from ._base import LessonWidget, fmt, line_html, matrix_html, product_html, register


def _point_sliders(name, x):
    """Sliders for the first two inputs of ``name``, over its window."""
    (x0, x1), (y0, y1) = ej.bounds(name)
    labels = [str(v) for v in ej.entry(name).variables[:2]]
    return [ipywidgets.FloatSlider(value=v, min=lo, max=hi, step=0.05, description=lab,
                                   continuous_update=True, readout_format=".2f",
                                   layout=ipywidgets.Layout(width="240px"))
            for v, lo, hi, lab in ((x[0], x0, x1, labels[0]), (x[1], y0, y1, labels[1]))]


class _PointWidget(LessonWidget):
    """Shared by the two map explorers: a function dropdown and sliders for (x1, x2)."""

    def __init__(self, options, name, x, extra=()):
        self.function = ipywidgets.Dropdown(options=options, value=name, description="f",
                                            layout=ipywidgets.Layout(width="230px"))
        start = ej.point(name, *(x if x is not None else ej.entry(name).point[:2]))
        self.x1, self.x2 = _point_sliders(name, start)
        self.function.observe(self._new_function, names="value")
        super().__init__([self.function, self.x1, self.x2, *extra])

    def _new_function(self, change):
        # New window, new variable names, the catalogue's default point; one refresh follows.
        name = change["new"]
        (x0, x1), (y0, y1) = ej.bounds(name)
        start = ej.entry(name).point
        var1, var2 = (str(v) for v in ej.entry(name).variables[:2])
        self.x1 = self.renew_slider(self.x1, x0, x1, float(start[0]), var1)
        self.x2 = self.renew_slider(self.x2, y0, y1, float(start[1]), var2)

    @property
    def x(self) -> np.ndarray:
        """The full point: the two sliders, then the rest of the catalogue's default point."""
        return ej.point(self.function.value, self.x1.value, self.x2.value)


@register("jacobian_rows")
class JacobianRows(_PointWidget):
    """The Jacobian of f: R^n -> R^m at x with row i highlighted: it is the gradient of f_i.

    The picture shows the contours of f_i over the first two inputs (any others held fixed) and
    row i as an arrow. Controls: ``function``, ``x1``, ``x2``, ``row`` (Dropdown of outputs).
    """

    text = "Jacobian rows explorer: run the notebook to pick a function, a point and a row."
    size = "square"
    panel_width = "380px"
    view_attrs = ("_artists_now",)

    def __init__(self, name: str = "polar_to_cartesian", x=None, row: int = 0):
        self.row = ipywidgets.Dropdown(options=self._rows(name), value=row, description="row",
                                       layout=ipywidgets.Layout(width="150px"))
        super().__init__(ej.names(), name, x, extra=[self.row])

    @staticmethod
    def _rows(name):
        return [(f"f_{i + 1}", i) for i in range(ej.entry(name).n_out)]

    def _new_function(self, change):
        super()._new_function(change)
        self.row.unobserve(self._on_change, names="value")
        self.row.options = self._rows(change["new"])
        self.row.value = 0
        self.row.observe(self._on_change, names="value")

    def scene(self):
        return ej.scene(self.function.value, self.x, self.row.value)

    def static_key(self, s):
        return s.name, s.row, tuple(s.x[2:])

    def frame_key(self, s):
        return s.name   # the rows of one function share axes, ticks and labels: a new row draws fast

    def prerender_scenes(self):
        # Row 1 of every function (and its SymPy Jacobian), drawn now: a new function only blits.
        return [ej.scene(name, ej.entry(name).point, 0) for name in self.function.options]

    def draw(self, s):
        self._artists_now = vj.plot_row(self.axes[0], s.name, s)
        return self._artists_now.moving

    def update(self, s):
        vj.update_row(self._artists_now, s)

    def panel_html(self, s) -> str:
        R = style.ROLES
        i = s.row
        m, n = s.J.shape
        held = (f"inputs {', '.join(str(v) for v in ej.entry(s.name).variables[2:])} held at "
                + ", ".join(fmt(v, 2) for v in s.x[2:])) if n > 2 else ""
        return "".join([
            line_html("x =", "(" + ", ".join(fmt(v, 2) for v in s.x) + ")"),
            line_html("", held) if held else "",
            product_html(matrix_html(s.J, name="J_f(x)", highlight_row=i)),
            line_html(f"f: R^{n} -> R^{m}, J is ({m} x {n}):", "one row per output, one column per input."),
            product_html(matrix_html(s.row_gradient, name=f"∇f_{i + 1}(x), computed alone",
                                     color=R["gradient"])),
            line_html(f"row {i + 1} of J = ∇f_{i + 1}(x):",
                      "yes" if np.allclose(s.J[i], s.row_gradient[0], rtol=1e-6, atol=1e-8) else "no"),
        ])

    @property
    def state(self) -> dict:
        s = self._scene
        return {"function": s.name, "x": s.x, "y": s.y, "J": s.J, "J_symbolic": s.J_symbolic,
                "row": s.row, "row_gradient": s.row_gradient}

    def demo_moves(self):
        (x0, x1), (y0, y1) = ej.bounds(self.function.value)
        moves = []
        for k in range(10):
            moves.append(("move x1", lambda v=x0 + (x1 - x0) * (0.1 + 0.08 * k): setattr(self.x1, "value", v)))
            moves.append(("move x2", lambda v=y0 + (y1 - y0) * (0.9 - 0.08 * k): setattr(self.x2, "value", v)))
        moves.append(("change row", lambda: setattr(self.row, "value", 1)))
        moves.append(("change f", lambda: setattr(self.function, "value", "softmax")))
        return moves

    def alt_text(self, s) -> str:
        return (f"Contour map of output f_{s.row + 1} of {s.name} with the point x and row {s.row + 1} of "
                f"the Jacobian drawn as its gradient arrow, perpendicular to the contour through x.")


class _GridScene(NamedTuple):
    """The grid picture of one function: its name (the view) and the numbers."""

    name: str
    grid: ej.GridMap


@register("jacobian_grid")
class JacobianGrid(_PointWidget):
    """A small grid around x, its image under f, and under the linear map f(x) + J dx.

    Controls: ``function`` (maps R^2 -> R^2), ``x1``, ``x2``, ``radius`` (half-width of the grid).
    """

    text = "Linear map explorer: run the notebook to move the grid and change its size."
    size = "wide"
    nrows, ncols = 1, 2
    panel_width = "300px"
    view_attrs = ("_artists_now",)

    def __init__(self, name: str = "polar_to_cartesian", x=None, radius: float = 0.3):
        self.radius = ipywidgets.FloatSlider(value=radius, min=0.02, max=0.6, step=0.02, description="size",
                                             continuous_update=True, readout_format=".2f",
                                             layout=ipywidgets.Layout(width="240px"))
        super().__init__(ej.names(2, 2), name, x, extra=[self.radius])

    def scene(self):
        name = self.function.value
        return _GridScene(name, ej.grid_map(name, self.x, radius=self.radius.value))

    def static_key(self, s):
        return s.name

    def prerender_scenes(self):
        # Three maps, drawn now: choosing another one then only blits.
        return [_GridScene(name, ej.grid_map(name, ej.entry(name).point[:2], radius=self.radius.value))
                for name in self.function.options]

    def draw(self, s):
        self._artists_now = vj.plot_grid_map(self.axes[0], self.axes[1], s.name, s.grid)
        return self._artists_now.moving

    def update(self, s):
        vj.update_grid_map(self._artists_now, s.grid)

    def panel_html(self, s) -> str:
        g = s.grid
        return "".join([
            line_html("x =", f"({fmt(g.x[0], 2)}, {fmt(g.x[1], 2)}),  f(x) = ({fmt(g.y[0])}, {fmt(g.y[1])})"),
            product_html(matrix_html(g.J, name="J_f(x)")),
            line_html("det J =", f"{fmt(g.det)}: the linear map scales areas by |det J|."),
            line_html("area of f(square) / area of square =", fmt(g.area_ratio), style.ROLES["true"]),
            line_html("", "Shrink the grid: the curved image and the straight one agree, "
                          "and the area ratio tends to |det J|."),
        ])

    @property
    def state(self) -> dict:
        name, g = self._scene
        return {"function": name, "x": g.x, "y": g.y, "J": g.J, "det": g.det,
                "area_ratio": g.area_ratio, "radius": self.radius.value}

    def demo_moves(self):
        (x0, x1), (y0, y1) = ej.bounds(self.function.value)
        moves = []
        for k in range(8):
            moves.append(("move x1", lambda v=x0 + (x1 - x0) * (0.2 + 0.08 * k): setattr(self.x1, "value", v)))
            moves.append(("move x2", lambda v=y0 + (y1 - y0) * (0.8 - 0.08 * k): setattr(self.x2, "value", v)))
            moves.append(("resize", lambda v=0.04 + 0.07 * k: setattr(self.radius, "value", v)))
        moves.append(("change f", lambda: setattr(self.function, "value", "complex_square")))
        return moves

    def alt_text(self, s) -> str:
        name, g = s
        return (f"Left: a small square grid around x = ({g.x[0]:.2f}, {g.x[1]:.2f}). Right: its curved "
                f"image under {name} and its straight image under f(x) + J dx; "
                f"det J = {g.det:.3f}.")


@register("jacobian_shapes")
class ShapeExplorer(LessonWidget):
    """Sliders for n (inputs) and m (outputs): the blocks of J (m x n) @ dx (n x 1) = df (m x 1).

    Controls: ``n``, ``m`` (integer sliders 1..5).
    """

    text = "Shape explorer: run the notebook to change the number of inputs n and outputs m."
    size = "small"
    panel_width = "300px"
    view_attrs = ("_artists_now",)

    def __init__(self, n: int = 3, m: int = 2):
        self.n = ipywidgets.IntSlider(value=n, min=1, max=5, description="n (inputs)",
                                      style={"description_width": "initial"})
        self.m = ipywidgets.IntSlider(value=m, min=1, max=5, description="m (outputs)",
                                      style={"description_width": "initial"})
        super().__init__([self.n, self.m])

    def scene(self):
        return ej.shape_scene(self.n.value, self.m.value)

    def draw(self, s):
        self._artists_now = vj.plot_shapes(self.axes[0], s)
        return self._artists_now.moving

    def update(self, s):
        vj.update_shapes(self._artists_now, s)

    def panel_html(self, s) -> str:
        return "".join([
            line_html("", s.text),
            line_html("This case:", s.name),
            line_html("", f"f: R^{s.n} -> R^{s.m}. Inner sizes cancel: (m x n)(n x 1) = (m x 1)."),
        ])

    @property
    def state(self) -> dict:
        s = self._scene
        return {"n": s.n, "m": s.m, "J": s.J, "dx": s.dx, "df": s.df, "text": s.text, "case": s.name}

    def demo_moves(self):
        return [("change n" if k % 2 else "change m",
                 lambda k=k: setattr(self.n if k % 2 else self.m, "value", 1 + (k * 3) % 5))
                for k in range(20)]

    def alt_text(self, s) -> str:
        return (f"Blocks: J with {s.m} rows and {s.n} columns, times dx with {s.n} rows, equals df with "
                f"{s.m} rows.")
