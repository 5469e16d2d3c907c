"""Lesson 3, the Jacobian: rows are gradients, the local linear map, and the shapes.

The numbers (:func:`scene`, :func:`grid_map`, :func:`shape_scene`), the drawing (``plot_*``
returning a ``Drawing``: the artists that move, and how), the widgets (:class:`JacobianRows`,
:class:`JacobianGrid`, :class:`ShapeExplorer`), then the lesson's exercises.

>>> s = scene("polar_to_cartesian", [1.0, 0.0], row=1)
>>> s.J.shape, s.row_gradient.shape
((2, 2), (1, 2))
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ipywidgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import functions, numeric, shapes, symbolic
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._style import arrow, move
from ._widget import LessonWidget, fmt, line_html, matrix_html, product_html
from .gradient_row import arrow_scale, clip_segment, grid, padded, plot_contours

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["JacobianRows", "JacobianGrid", "ShapeExplorer"]


# ---- the numbers ----------------------------------------------------------------------
def names(n_in: int | None = None, n_out: int | None = None) -> list[str]:
    """The catalogue's maps R^n -> R^m, optionally only given sizes."""
    return [
        e.name
        for e in functions.by_kind("map")
        if (n_in is None or e.n_in == n_in) and (n_out is None or e.n_out == n_out)
    ]


def bounds(name: str) -> np.ndarray:
    """Window (2, 2) for the first two inputs: the domain, or the default point +- 2."""
    e = functions.get(name)
    if e.domain is not None:
        return np.asarray(e.domain, dtype=float)[:2]
    return np.asarray(e.point, dtype=float)[:2, None] + np.array([[-2.0, 2.0]])


def vector(name: str):
    """``name`` as f(x) -> ndarray (m,) for x (n,) (or (n, N) -> (m, N))."""
    e = functions.get(name)

    def f(x):
        x = np.asarray(x, dtype=float)
        return np.asarray(e.f(x), dtype=float).reshape(e.n_out, *x.shape[1:])

    return f


@lru_cache(maxsize=None)
def _symbolic_jacobian(name: str):
    e = functions.get(name)
    return symbolic.lambdify(symbolic.jacobian(e.expr, e.variables), e.variables)


def point(name: str, x1: float, x2: float) -> np.ndarray:
    """The point (x1, x2, rest of the default point): the explorers move the first two inputs."""
    x = np.array(functions.get(name).point, dtype=float)
    x[:2] = x1, x2
    return x


def component(name: str, row: int, x) -> callable:
    """f_row as a function of the first two inputs, the others held at x[2:]; batched
    (2, N) -> (N,)."""
    f = vector(name)
    rest = np.asarray(x, dtype=float)[2:]

    def f_i(p):
        p = np.asarray(p, dtype=float)
        full = np.concatenate(
            [p, np.broadcast_to(rest.reshape(-1, *[1] * (p.ndim - 1)), (rest.size, *p.shape[1:]))]
        )
        return f(full)[row]

    return f_i


@dataclass(frozen=True)
class JacobianScene:
    """The Jacobian of a catalogue function at one point, with one row singled out.

    Attributes
    ----------
    name : str
    x : ndarray, shape (n,)
    y : ndarray, shape (m,)
        f(x).
    J : ndarray, shape (m, n)
        Numeric Jacobian (``gl.jacobian``); row i is the gradient of f_i.
    J_symbolic : ndarray, shape (m, n)
        Exact Jacobian (``gl.symbolic.jacobian``) at x.
    row : int
        The highlighted output i (0-based).
    row_gradient : ndarray, shape (1, n)
        ``gl.gradient`` of the single component f_i, computed on its own: it equals J[i].
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    J: np.ndarray
    J_symbolic: np.ndarray
    row: int
    row_gradient: np.ndarray

    @property
    def shape_text(self) -> str:
        m, n = self.J.shape
        return (
            f"f: R^{n} -> R^{m}, so J has shape ({m} x {n}): "
            f"{m} rows (outputs), {n} columns (inputs)"
        )


def scene(name: str, x, row: int = 0) -> JacobianScene:
    """Jacobian of catalogue function ``name`` at ``x`` with row ``row`` as its own gradient.

    Examples
    --------
    >>> s = scene("polar_to_cartesian", [2.0, 0.0], row=0)
    >>> (s.J_symbolic.round(6) + 0.0).tolist()   # + 0.0 turns -0.0 into 0.0
    [[1.0, 0.0], [0.0, 2.0]]
    """
    f = vector(name)
    x = np.asarray(x, dtype=float).reshape(-1)
    J = numeric.jacobian(f, x)
    if not 0 <= row < J.shape[0]:
        raise GradlibError(
            f"row={row} does not exist: {name!r} has {J.shape[0]} outputs, rows "
            f"0..{J.shape[0] - 1}."
        )
    exact = np.asarray(_symbolic_jacobian(name)(x), dtype=float).reshape(J.shape)
    grad_i = numeric.gradient(lambda v: f(v)[row], x)  # f_i on its own: the same numbers as J[i]
    return JacobianScene(
        name=name, x=x, y=f(x), J=J, J_symbolic=exact, row=int(row), row_gradient=grad_i
    )


@dataclass(frozen=True)
class GridMap:
    """A small grid around x, its image under f, and its image under the linear map.

    Attributes
    ----------
    x : ndarray, shape (2,)
    y : ndarray, shape (2,)
        f(x), the centre of both images.
    lines : ndarray, shape (L, P, 2)
        L grid lines of P points each, in the input plane.
    image : ndarray, shape (L, P, 2)
        f applied to every point: the true, curved image.
    linear : ndarray, shape (L, P, 2)
        f(x) + J dx: the image under the linearization, straight lines.
    J : ndarray, shape (2, 2)
    det : float
        det J, the factor by which the linear map scales areas (sign: orientation).
    area_ratio : float
        Area of the true image of the grid's square divided by the square's area; tends to
        |det J| as the square shrinks.
    """

    x: np.ndarray
    y: np.ndarray
    lines: np.ndarray
    image: np.ndarray
    linear: np.ndarray
    J: np.ndarray
    det: float
    area_ratio: float


def _polygon_area(p) -> float:
    """Shoelace formula for a closed polygon p, shape (P, 2)."""
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def grid_map(name: str, x, radius: float = 0.5, count: int = 5, points: int = 25) -> GridMap:
    """Map a ``count`` x ``count`` grid of half-width ``radius`` around x by f and by f(x) + J dx.

    Examples
    --------
    >>> g = grid_map("polar_to_cartesian", [1.0, 0.0], radius=0.01)
    >>> g.lines.shape, round(g.det, 6), round(g.area_ratio, 3)
    ((10, 25, 2), 1.0, 1.0)
    """
    f = vector(name)
    x = np.asarray(x, dtype=float).reshape(2)
    e = functions.get(name)
    if (e.n_in, e.n_out) != (2, 2):
        raise GradlibError(
            f"{name!r} is not a map R^2 -> R^2; the grid picture needs one, "
            f"e.g. one of {names(2, 2)}."
        )
    ticks = np.linspace(-radius, radius, count)
    run = np.linspace(-radius, radius, points)
    vertical = [np.stack([np.full(points, a), run], axis=1) for a in ticks]
    horizontal = [np.stack([run, np.full(points, b)], axis=1) for b in ticks]
    dx = np.array(vertical + horizontal)  # (L, P, 2) offsets from x
    lines = x + dx
    image = np.moveaxis(f(lines.reshape(-1, 2).T), 0, -1).reshape(lines.shape)
    J = numeric.jacobian(f, x)
    y = f(x)
    linear = y + dx @ J.T  # each row dx -> J dx
    # walk the square's boundary: bottom edge, right edge, top edge backwards, left edge backwards
    boundary = np.concatenate([image[count], image[count - 1], image[-1][::-1], image[0][::-1]])
    area = _polygon_area(boundary) / (2 * radius) ** 2
    return GridMap(
        x=x,
        y=y,
        lines=lines,
        image=image,
        linear=linear,
        J=J,
        det=float(np.linalg.det(J)),
        area_ratio=float(area),
    )


@dataclass(frozen=True)
class ShapeScene:
    """Shapes in J @ dx = df for f: R^n -> R^m, in numbers and in words."""

    n: int
    m: int
    J: tuple[int, int]
    dx: tuple[int, int]
    df: tuple[int, int]
    text: str
    name: str


def shape_scene(n: int, m: int) -> ShapeScene:
    """The blocks of J (m x n) times dx (n x 1) giving df (m x 1), and what the case is called.

    >>> s = shape_scene(3, 1)
    >>> s.J, s.df, s.name
    ((1, 3), (1, 1), 'gradient: a row')
    """
    if n < 1 or m < 1:
        raise GradlibError(f"sizes must be at least 1, got n={n}, m={m}.")
    text = shapes.describe_product([("J", (m, n)), ("dx", (n, 1))], result="df")
    if m == 1 and n == 1:
        kind = "derivative of f: R -> R: a 1 x 1 matrix"
    elif m == 1:
        kind = "gradient: a row"
    elif n == 1:
        kind = "derivative of a curve: a column"
    else:
        kind = "Jacobian: m rows, one gradient per output"
    return ShapeScene(n=n, m=m, J=(m, n), dx=(n, 1), df=(m, 1), text=text, name=kind)


# ---- the drawing ----------------------------------------------------------------------
# ---- a row of J is the gradient of one output --------------------------------------------------
@dataclass
class RowArtists(style.Drawing):
    """Moving artists of :func:`plot_row`."""

    point: Line2D
    gradient: object
    scale: float
    cap: float
    window: np.ndarray

    @property
    def moving(self) -> list:
        return [self.gradient, self.point]

    def update(self, s) -> None:
        """Move :func:`plot_row`'s artists to scene ``s`` (same function and row)."""
        self.point.set_data([s.x[0]], [s.x[1]])
        move(self.gradient, s.x[:2], _tip(s, self.scale, self.cap, self.window))


def plot_row(ax, s) -> RowArtists:
    """Contours of the component f_i (i = ``s.row``) and its gradient, row i of J, at x."""
    name = s.name
    box = bounds(name)
    cap = 0.3 * np.ptp(box, axis=1).min()  # the longest arrow drawn
    window = padded(box, cap)  # so that it fits from a point on the edge
    f_i = component(name, s.row, s.x)
    X, Y, Z = grid(f_i, window)
    variables = [str(v) for v in functions.get(name).variables[:2]]
    plot_contours(
        ax,
        X,
        Y,
        Z,
        title=f"{name}: contours of f_{s.row + 1}, row {s.row + 1} of J",
        labels=variables,
    )
    scale = arrow_scale(f_i, box)
    artists = RowArtists(
        point=ax.plot(*s.x[:2], "o", color=style.ROLES["point"], ms=6, zorder=5)[0],
        gradient=arrow(
            ax, s.x[:2], _tip(s, scale, cap, window), style.ROLES["gradient"], width=2.4
        ),
        scale=scale,
        cap=cap,
        window=window,
    )
    part = " (first two entries)" if s.x.size > 2 else ""
    ax.legend(
        handles=[
            Line2D(
                [],
                [],
                color=style.ROLES["gradient"],
                lw=2.4,
                label=f"row {s.row + 1} of J = gradient of f_{s.row + 1}{part}, scaled",
            )
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        fontsize=style.MIN_FONT_SIZE,
        frameon=False,
    )  # under the map, not over it
    return artists


def _tip(s, scale, cap, window):
    """Tip of the arrow for row i, drawn in the plane of the first two inputs (scaled, capped,
    and inside the window)."""
    g = s.J[s.row, :2] * scale
    length = np.linalg.norm(g)
    end = s.x[:2] + (g if length <= cap else g * cap / length)
    return clip_segment(s.x[:2], end, window, margin=0.03)[0]


# ---- the local linear map ----------------------------------------------------------------------
@dataclass
class GridArtists(style.Drawing):
    """Moving artists of :func:`plot_grid_map`."""

    lines: LineCollection
    image: LineCollection
    linear: LineCollection
    x: Line2D
    y: Line2D

    @property
    def moving(self) -> list:
        return [self.lines, self.image, self.linear, self.x, self.y]

    def update(self, s) -> None:
        """Move :func:`plot_grid_map`'s artists to the new :class:`GridMap` of ``s``."""
        g = s.grid
        curved, straight = magnified(g)
        self.lines.set_segments(g.lines)
        self.image.set_segments(curved)
        self.linear.set_segments(straight)
        self.x.set_data([g.x[0]], [g.x[1]])


#: The largest half-width of the grid (the size slider's end).
RADIUS_MAX = 0.6


def magnified(g: GridMap) -> tuple[np.ndarray, np.ndarray]:
    """The two images of the grid relative to f(x), divided by the grid's half-width r:
    (f(x + dx) - f(x)) / r and J dx / r, each shaped like ``g.image``.

    Divided by r they keep their size as the grid shrinks: the straight one is J applied to the
    unit square, and the curved one straightens onto it.

    >>> g = grid_map("polar_to_cartesian", [1.0, 0.0], radius=0.5)
    >>> curved, straight = magnified(g)
    >>> float(np.abs(straight).max().round(6)), bool(np.abs(curved - straight).max() > 0.01)
    (1.0, True)
    """
    r = np.abs(g.lines - g.x).max()
    return (g.image - g.y) / r, (g.linear - g.y) / r


@lru_cache(maxsize=None)
def magnified_box(name: str) -> np.ndarray:
    """Limits (2, 2), centred at 0, holding :func:`magnified` for every x of the window and every
    size up to :data:`RADIUS_MAX` (the curved image bends most at the largest size)."""
    (x0, x1), (y0, y1) = bounds(name)
    reach = 0.0
    for a in np.linspace(x0, x1, 7):
        for b in np.linspace(y0, y1, 7):
            for radius in (0.02, RADIUS_MAX):
                reach = max(
                    reach,
                    *(
                        float(np.abs(m).max())
                        for m in magnified(grid_map(name, [a, b], radius=radius, count=3, points=9))
                    ),
                )
    reach *= 1.1
    return np.array([[-reach, reach], [-reach, reach]])


def plot_grid_map(ax_in, ax_out, s) -> GridArtists:
    """Left: a small grid around x. Right, magnified around f(x): its image under f (curved) and
    under f(x) + J dx (straight), both relative to f(x) and divided by the grid's size.

    ``s`` is a :class:`_GridScene`: the function's name and its :class:`GridMap`."""
    name, g = s
    # room around the sliders' box for the largest grid
    (x0, x1), (y0, y1) = padded(bounds(name), RADIUS_MAX * 1.05)
    ax_in.set_xlim(x0, x1)
    ax_in.set_ylim(y0, y1)
    (u0, u1), (v0, v1) = magnified_box(name)
    ax_out.set_xlim(u0, u1)
    ax_out.set_ylim(v0, v1)
    # equal aspect keeps squares square, unless the window is very long one way (polar: r, theta)
    ax_in.set_aspect("equal" if 0.5 <= (x1 - x0) / (y1 - y0) <= 2 else "auto", adjustable="box")
    ax_out.set_aspect("equal", adjustable="box")
    style.label(
        ax_in, "input: a small grid around x", *[str(v) for v in functions.get(name).variables]
    )
    style.label(ax_out, "output near f(x), magnified 1 / size", "df_1 / size", "df_2 / size")
    curved, straight = magnified(g)
    artists = GridArtists(
        lines=ax_in.add_collection(
            LineCollection(g.lines, colors=style.ROLES["direction"], linewidths=1)
        ),
        image=ax_out.add_collection(
            LineCollection(curved, colors=style.ROLES["true"], linewidths=1.4)
        ),
        linear=ax_out.add_collection(
            LineCollection(straight, colors=style.ROLES["tangent"], linewidths=1.2, linestyles="--")
        ),
        x=ax_in.plot(*g.x, "o", color=style.ROLES["point"], ms=5, zorder=5)[0],
        y=ax_out.plot(0.0, 0.0, "o", color=style.ROLES["point"], ms=5, zorder=5)[0],
    )
    style.legend_beside(
        ax_out,
        [
            Line2D([], [], color=style.ROLES["true"], lw=1.4, label="f(x + dx) - f(x)"),
            Line2D([], [], color=style.ROLES["tangent"], lw=1.2, ls="--", label="J dx"),
        ],
    )
    return artists


# ---- shapes: J (m x n) @ dx (n x 1) = df (m x 1) ------------------------------------------------
MAX_SIZE = 5  # the largest n and m drawn: one square per entry


@dataclass
class ShapeArtists(style.Drawing):
    """Every square and label the shape picture can need; :meth:`update` shows the right
    ones."""

    J: list
    dx: list
    df: list
    labels: list
    ops: list
    case: object

    @property
    def moving(self) -> list:
        squares = [sq for grid in (self.J, self.dx, self.df) for row in grid for sq in row]
        return [*squares, *self.labels, *self.ops, self.case]

    def update(self, s) -> None:
        """Show the squares of J (m x n), dx (n x 1), df (m x 1) for ``s``; hide the others."""
        top = max(s.m, s.n)
        blocks = [
            (self.J, (s.m, s.n), 0.0),
            (self.dx, (s.n, 1), s.n + 1.2),
            (self.df, (s.m, 1), s.n + 3.4),
        ]
        for (cells, (rows, cols), left), label, name in zip(blocks, self.labels, ("J", "dx", "df")):
            for i, row in enumerate(cells):
                for j, square in enumerate(row):
                    square.set_visible(i < rows and j < cols)
                    square.set_xy((left + j, top - 1 - i))
            label.set_position((left + cols / 2, top + 0.2))
            label.set_text(f"{name}\n({rows} x {cols})")
        self.ops[0].set_position((s.n + 0.6, top - 0.5))
        self.ops[1].set_position((s.n + 2.8, top - 0.5))
        self.case.set_text(s.name)


def plot_shapes(ax, s) -> ShapeArtists:
    """Blocks of J (m x n), dx (n x 1) and df (m x 1), one square per entry, for sizes up to 5."""

    def squares(rows, cols, color):
        return [
            [
                ax.add_patch(
                    Rectangle((0, 0), 0.92, 0.92, facecolor=color, alpha=0.55, edgecolor="#333")
                )
                for _ in range(cols)
            ]
            for _ in range(rows)
        ]

    artists = ShapeArtists(
        J=squares(MAX_SIZE, MAX_SIZE, style.ROLES["highlight"]),
        dx=squares(MAX_SIZE, 1, style.ROLES["direction"]),
        df=squares(MAX_SIZE, 1, style.ROLES["tangent"]),
        labels=[ax.text(0, 0, "", ha="center", va="bottom", fontsize=10) for _ in range(3)],
        ops=[ax.text(0, 0, op, ha="center", va="center", fontsize=16) for op in "@="],
        case=ax.text(
            5.25, 7.0, "", ha="center", va="center", fontsize=11, color=style.ROLES["text"]
        ),
    )
    ax.set_xlim(-0.5, 11.0)
    ax.set_ylim(-0.4, 7.6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    style.label(
        ax, "J dx = df: one square per entry", "columns: one per input", "rows: one per output"
    )
    artists.update(s)
    return artists


# ---- the widget ----------------------------------------------------------------------
def _point_sliders(name, x):
    """Sliders for the first two inputs of ``name``, over its window."""
    (x0, x1), (y0, y1) = bounds(name)
    labels = [str(v) for v in functions.get(name).variables[:2]]
    return [
        ipywidgets.FloatSlider(
            value=v,
            min=lo,
            max=hi,
            step=0.05,
            description=lab,
            continuous_update=True,
            readout_format=".2f",
            layout=ipywidgets.Layout(width="240px"),
        )
        for v, lo, hi, lab in ((x[0], x0, x1, labels[0]), (x[1], y0, y1, labels[1]))
    ]


class _PointWidget(LessonWidget):
    """Shared by the two map explorers: a function dropdown and sliders for (x1, x2)."""

    def __init__(self, options, name, x, extra=()):
        self.function = ipywidgets.Dropdown(
            options=options, value=name, description="f", layout=ipywidgets.Layout(width="230px")
        )
        start = point(name, *(x if x is not None else functions.get(name).point[:2]))
        self.x1, self.x2 = _point_sliders(name, start)
        self.listen(self.function, self._new_function)
        super().__init__([self.function, self.x1, self.x2, *extra])

    def _new_function(self, change):
        # New window, new variable names, the catalogue's default point; one refresh follows.
        name = change["new"]
        (x0, x1), (y0, y1) = bounds(name)
        e = functions.get(name)
        start = e.point
        var1, var2 = (str(v) for v in e.variables[:2])
        self.x1 = self.renew_slider(self.x1, x0, x1, float(start[0]), var1)
        self.x2 = self.renew_slider(self.x2, y0, y1, float(start[1]), var2)

    @property
    def x(self) -> np.ndarray:
        """The full point: the two sliders, then the rest of the catalogue's default point."""
        return point(self.function.value, self.x1.value, self.x2.value)


class JacobianRows(_PointWidget):
    """The Jacobian of f: R^n -> R^m at x with row i highlighted: it is the gradient of f_i.

    The picture shows the contours of f_i over the first two inputs (any others held fixed) and
    row i as an arrow. Controls: ``function``, ``x1``, ``x2``, ``row`` (Dropdown of outputs).
    """

    text = "Jacobian rows explorer: run the notebook to pick a function, a point and a row."
    size = "square"
    panel_width = "380px"

    def __init__(self, name: str = "polar_to_cartesian", x=None, row: int = 0):
        self.row = ipywidgets.Dropdown(
            options=self._rows(name),
            value=row,
            description="row",
            layout=ipywidgets.Layout(width="150px"),
        )
        super().__init__(names(), name, x, extra=[self.row])

    @staticmethod
    def _rows(name):
        return [(f"f_{i + 1}", i) for i in range(functions.get(name).n_out)]

    def _new_function(self, change):
        with self.batch():
            super()._new_function(change)
            self.row.options = self._rows(change["new"])
            self.row.value = 0

    def scene(self):
        return scene(self.function.value, self.x, self.row.value)

    def static_key(self, s):
        return s.name, s.row, tuple(s.x[2:])

    def prerender_scenes(self):
        # Row 1 of every function (and its SymPy Jacobian), drawn now: a new function only blits.
        return [scene(name, functions.get(name).point, 0) for name in self.function.options]

    def draw(self, s):
        return plot_row(self.axes[0], s)

    def panel_html(self, s) -> str:
        R = style.ROLES
        i = s.row
        m, n = s.J.shape
        held = (
            (
                f"inputs {', '.join(str(v) for v in functions.get(s.name).variables[2:])} held at "
                + ", ".join(fmt(v, 2) for v in s.x[2:])
            )
            if n > 2
            else ""
        )
        return "".join(
            [
                line_html("x =", "(" + ", ".join(fmt(v, 2) for v in s.x) + ")"),
                line_html("", held) if held else "",
                product_html(matrix_html(s.J, name="J_f(x)", highlight_row=i)),
                line_html(
                    f"f: R^{n} -> R^{m}, J is ({m} x {n}):",
                    "one row per output, one column per input.",
                ),
                product_html(
                    matrix_html(
                        s.row_gradient, name=f"∇f_{i + 1}(x), computed alone", color=R["gradient"]
                    )
                ),
                line_html(
                    f"row {i + 1} of J = ∇f_{i + 1}(x):",
                    "yes" if np.allclose(s.J[i], s.row_gradient[0], rtol=1e-6, atol=1e-8) else "no",
                ),
            ]
        )

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "function": s.name,
            "x": s.x,
            "y": s.y,
            "J": s.J,
            "J_symbolic": s.J_symbolic,
            "row": s.row,
            "row_gradient": s.row_gradient,
        }

    def demo_moves(self):
        (x0, x1), (y0, y1) = bounds(self.function.value)
        moves = []
        for k in range(10):
            moves.append(
                (
                    "move x1",
                    lambda v=x0 + (x1 - x0) * (0.1 + 0.08 * k): setattr(self.x1, "value", v),
                )
            )
            moves.append(
                (
                    "move x2",
                    lambda v=y0 + (y1 - y0) * (0.9 - 0.08 * k): setattr(self.x2, "value", v),
                )
            )
        moves.append(("change row", lambda: setattr(self.row, "value", 1)))
        moves.append(("change f", lambda: setattr(self.function, "value", "softmax")))
        return moves

    def alt_text(self, s) -> str:
        return (
            f"Contour map of output f_{s.row + 1} of {s.name} with the point x and row {s.row + 1} "
            "of "
            f"the Jacobian drawn as its gradient arrow, perpendicular to the contour through x."
        )


class _GridScene(NamedTuple):
    """The grid picture of one function: its name (the view) and the numbers."""

    name: str
    grid: GridMap


class JacobianGrid(_PointWidget):
    """A small grid around x, its image under f, and under the linear map f(x) + J dx.

    Controls: ``function`` (maps R^2 -> R^2), ``x1``, ``x2``, ``radius`` (half-width of the grid).
    """

    text = "Linear map explorer: run the notebook to move the grid and change its size."
    size = "wide"
    nrows, ncols = 1, 2
    panel_width = "300px"

    def __init__(self, name: str = "polar_to_cartesian", x=None, radius: float = 0.3):
        self.radius = ipywidgets.FloatSlider(
            value=radius,
            min=0.02,
            max=RADIUS_MAX,
            step=0.02,
            description="size",
            continuous_update=True,
            readout_format=".2f",
            layout=ipywidgets.Layout(width="240px"),
        )
        super().__init__(names(2, 2), name, x, extra=[self.radius])

    def scene(self):
        name = self.function.value
        return _GridScene(name, grid_map(name, self.x, radius=self.radius.value))

    def static_key(self, s):
        return s.name

    def prerender_scenes(self):
        # Three maps, drawn now: choosing another one then only blits.
        return [
            _GridScene(
                name, grid_map(name, functions.get(name).point[:2], radius=self.radius.value)
            )
            for name in self.function.options
        ]

    def draw(self, s):
        return plot_grid_map(self.axes[0], self.axes[1], s)

    def panel_html(self, s) -> str:
        g = s.grid
        return "".join(
            [
                line_html(
                    "x =",
                    f"({fmt(g.x[0], 2)}, {fmt(g.x[1], 2)}),  f(x) = ({fmt(g.y[0])}, {fmt(g.y[1])})",
                ),
                product_html(matrix_html(g.J, name="J_f(x)")),
                line_html("det J =", f"{fmt(g.det)}: the linear map scales areas by |det J|."),
                line_html(
                    "area of f(square) / area of square =", fmt(g.area_ratio), style.ROLES["true"]
                ),
                line_html(
                    "",
                    "Right: both images relative to f(x), divided by the size, so they keep "
                    "their size. Shrink the grid: the curved image straightens onto J dx, "
                    "and the area ratio tends to |det J|.",
                ),
            ]
        )

    @property
    def state(self) -> dict:
        name, g = self._scene
        return {
            "function": name,
            "x": g.x,
            "y": g.y,
            "J": g.J,
            "det": g.det,
            "area_ratio": g.area_ratio,
            "radius": self.radius.value,
        }

    def demo_moves(self):
        (x0, x1), (y0, y1) = bounds(self.function.value)
        moves = []
        for k in range(8):
            moves.append(
                (
                    "move x1",
                    lambda v=x0 + (x1 - x0) * (0.2 + 0.08 * k): setattr(self.x1, "value", v),
                )
            )
            moves.append(
                (
                    "move x2",
                    lambda v=y0 + (y1 - y0) * (0.8 - 0.08 * k): setattr(self.x2, "value", v),
                )
            )
            moves.append(("resize", lambda v=0.04 + 0.07 * k: setattr(self.radius, "value", v)))
        moves.append(("change f", lambda: setattr(self.function, "value", "complex_square")))
        return moves

    def alt_text(self, s) -> str:
        name, g = s
        return (
            f"Left: a small square grid around x = ({g.x[0]:.2f}, {g.x[1]:.2f}). Right, "
            f"relative to f(x) and magnified: its curved image under {name} and its straight "
            f"image J dx; det J = {g.det:.3f}."
        )


class ShapeExplorer(LessonWidget):
    """Sliders for n (inputs) and m (outputs): the blocks of J (m x n) @ dx (n x 1) = df (m x 1).

    Controls: ``n``, ``m`` (integer sliders 1..5).
    """

    text = "Shape explorer: run the notebook to change the number of inputs n and outputs m."
    size = "small"
    panel_width = "320px"

    def __init__(self, n: int = 3, m: int = 2):
        self.n = ipywidgets.IntSlider(
            value=n, min=1, max=5, description="n (inputs)", style={"description_width": "initial"}
        )
        self.m = ipywidgets.IntSlider(
            value=m, min=1, max=5, description="m (outputs)", style={"description_width": "initial"}
        )
        super().__init__([self.n, self.m])

    def scene(self):
        return shape_scene(self.n.value, self.m.value)

    def draw(self, s):
        return plot_shapes(self.axes[0], s)

    def panel_html(self, s) -> str:
        # A formula is one unbreakable line: a narrow panel wraps between formulas, not inside one.
        def formula(text):
            return (
                f'<div style="margin:2px 0;font-size:13px;white-space:nowrap">'
                f"{html.escape(text)}</div>"
            )

        return "".join(
            [
                formula(s.text),
                line_html("This case:", s.name),
                formula(f"f: R^{s.n} -> R^{s.m}."),
                line_html("", "Inner sizes cancel:"),
                formula("(m x n)(n x 1) = (m x 1)"),
            ]
        )

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "n": s.n,
            "m": s.m,
            "J": s.J,
            "dx": s.dx,
            "df": s.df,
            "text": s.text,
            "case": s.name,
        }

    def demo_moves(self):
        return [
            (
                "change n" if k % 2 else "change m",
                lambda k=k: setattr(self.n if k % 2 else self.m, "value", 1 + (k * 3) % 5),
            )
            for k in range(20)
        ]

    def alt_text(self, s) -> str:
        return (
            f"Blocks: J with {s.m} rows and {s.n} columns, times dx with {s.n} rows, equals df "
            "with "
            f"{s.m} rows."
        )


# ---- exercises ----------------------------------------------------------------------
_DEGREES = (
    "These are the values at theta = 60 radians: the angle went in as degrees. Angles "
    "here are radians: pi/3, not 60 (np.cos(np.pi / 3), or 'cos(pi/3)' in a string)."
)

add(
    Exercise(
        id="3.1",
        kind="jacobian",
        statement="Let $f(x, y) = (x y,\\; x + y^2,\\; \\sin x)$, so $f: \\mathbb{R}^2 \\to "
        "\\mathbb{R}^3$. Write its Jacobian at $(x, y) = (1, 2)$: one row per output, one "
        "column per input; 3 significant digits are enough.",
        hints=(
            "Row i is the gradient of output f_i: its partial with respect to x, then with respect "
            "to y.",
            "Three rows of two entries, shape (3, 2). In the first row each partial holds the "
            "other variable fixed, so it stays as a factor.",
            "The rows are [y, x], [1, 2y] and [cos x, 0]. Put x = 1 and y = 2 in (radians).",
        ),
        problem={"f": ["x*y", "x + y**2", "sin(x)"], "variables": "x y", "x": [1, 2]},
        mistakes=(
            Mistake("one row per input", transform="transposed"),
            Mistake(
                "the partials of row 1 swapped",
                answer=[["x", "y"], ["1", "2*y"], ["cos(x)", "0"]],
                kind="swapped_partials",
                message="Row 1 has its partials the wrong way round: d(x y)/dx holds y fixed and "
                "leaves y. Column 1 is always the derivative with respect to x.",
            ),
            Mistake(
                "the power rule's factor dropped",
                answer=[["y", "x"], ["1", "y"], ["cos(x)", "0"]],
                kind="dropped_factor",
                message="In row 2 the derivative of y^2 lost its factor 2: d/dy y^2 = 2y.",
            ),
        ),
        examples_wrong=(
            ([[2, 1], [1, 4], [-0.5403, 0]], "sign_entries"),
            ([[1, 2], [4, 1], [0, 0.5403]], "swapped_columns"),
        ),
    )
)

add(
    Exercise(
        id="3.2",
        kind="shape",
        statement="A function $f: \\mathbb{R}^3 \\to \\mathbb{R}^2$. What is the shape of its "
        "Jacobian? Answer as (rows, columns).",
        hints=(
            "Numerator layout: (outputs x inputs).",
            "Count what f takes in and what it gives back: each output is a row, each input a "
            "column.",
        ),
        problem={"shape": (2, 3)},
        examples_wrong=(((3, 2), "transposed"), ((2, 2), "wrong_shape"), (6, "one_d")),
    )
)

add(
    Exercise(
        id="3.3",
        kind="jacobian",
        statement="Polar to Cartesian: $f(r, \\theta) = (r\\cos\\theta,\\; r\\sin\\theta)$. Write "
        "its Jacobian at $(r, \\theta) = (2, \\pi/3)$, with the columns in the order $r, "
        "\\theta$; 3 significant digits are enough. Formulas in $r$ and $\\theta$ typed as "
        "strings, e.g. `'r**2'` or `'sin(theta)'`, are fine; angles are in radians.",
        hints=(
            "Row 1 is the gradient of r cos(theta), row 2 of r sin(theta); column 1 holds the "
            "derivatives with respect to r, column 2 those with respect to theta.",
            "With theta fixed, r cos(theta) is a constant times r; with r fixed, it is the "
            "constant r times a function of theta.",
            "J = [[cos(theta), -r sin(theta)], [sin(theta), r cos(theta)]]. Put r = 2 and "
            "theta = pi/3 in: cos(pi/3) = 1/2, sin(pi/3) = sqrt(3)/2.",
        ),
        problem={
            "f": ["r*cos(theta)", "r*sin(theta)"],
            "variables": "r theta",
            "x": [2, 1.0471975511965976],
        },
        mistakes=(
            Mistake("one row per input", transform="transposed"),
            Mistake(
                "degrees for radians",
                answer=[
                    ["cos(theta*180/pi)", "-r*sin(theta*180/pi)"],
                    ["sin(theta*180/pi)", "r*cos(theta*180/pi)"],
                ],
                kind="degrees",
                message=_DEGREES,
            ),
            Mistake(
                "the factor r dropped",
                answer=[["cos(theta)", "-sin(theta)"], ["sin(theta)", "cos(theta)"]],
                kind="dropped_factor",
                message="Column 2 lost its factor r: with r held fixed, r cos(theta) is the "
                "constant r times cos(theta), and the constant stays.",
            ),
        ),
        examples_wrong=(
            ([[-1.732, 0.5], [1, 0.866]], "swapped_columns"),
            ([[0.5, 1.732], [0.866, 1]], "sign_entries"),
        ),
    )
)

add(
    Exercise(
        id="3.4",
        kind="gradient",
        statement="For the same $f(r, \\theta) = (r\\cos\\theta,\\; r\\sin\\theta)$, write the "
        "gradient of the second output alone, $f_2 = r \\sin\\theta$, at $(2, \\pi/3)$: a "
        "row (1, 2); 3 significant digits are enough. Compare it with row 2 of your Jacobian "
        "in 3.3.",
        hints=(
            "The gradient of one output is a row: [df2/dr, df2/dtheta].",
            "It is one row of the Jacobian of 3.3: the row that belongs to f_2.",
            "df2/dr = sin(theta) and df2/dtheta = r cos(theta); put r = 2 and theta = pi/3 in.",
        ),
        problem={"f": "r*sin(theta)", "variables": "r theta", "x": [2, 1.0471975511965976]},
        mistakes=(
            Mistake("a column instead of a row", transform="transposed"),
            Mistake(
                "the gradient of f_1",
                answer=[["cos(theta)", "-r*sin(theta)"]],
                kind="wrong_row",
                message="That is the gradient of f_1 = r cos(theta), row 1 of the Jacobian; "
                "f_2 = r sin(theta) is row 2.",
            ),
            Mistake(
                "degrees for radians",
                answer=[["sin(theta*180/pi)", "r*cos(theta*180/pi)"]],
                kind="degrees",
                message=_DEGREES,
            ),
        ),
        examples_wrong=(([0.866, 1], "one_d"), ([[1, 0.866]], "swapped_columns")),
    )
)
