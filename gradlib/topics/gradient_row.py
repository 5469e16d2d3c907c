"""Lesson 1, the gradient is a row: contours, the gradient row at x, a direction, their product.

Three layers, in this order: the numbers (:func:`scene`, a frozen :class:`GradientScene`), the
drawing (``plot_*(ax, ...)``, :func:`plot_scene` returning a :class:`SceneArtists` drawing that
moves), and the widget (:class:`GradientExplorer`); then the lesson's exercises.

>>> s = scene("paraboloid", [1.0, 0.5], angle=0.0)
>>> s.gradient.shape, s.direction.shape, s.directional.shape
((1, 2), (2, 1), (1, 1))
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from .. import functions, numeric, symbolic
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._style import Picture, arrow, move
from ._widget import LessonWidget, browser_value, fmt, line_html, matrix_html, product_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["GradientExplorer"]


# ---- the numbers ----------------------------------------------------------------------
@lru_cache(maxsize=None)
def _symbolic_gradient(name: str):
    """The exact gradient of catalogue function ``name`` as a fast numpy callable, (1, n)."""
    entry = functions.get(name)
    return symbolic.lambdify(symbolic.gradient(entry.expr[0], entry.variables), entry.variables)


def scalar(name: str):
    """Catalogue function ``name`` as f(x) -> float for x of shape (n,) (or (n, N) -> (N,))."""
    entry = functions.get(name)
    if entry.n_out != 1:
        raise GradlibError(
            f"{name!r} has {entry.n_out} outputs; the gradient explorer needs a "
            f"scalar function (n_out = 1), e.g. one of {names()}."
        )

    def f(x):
        return np.asarray(entry.f(np.asarray(x, dtype=float)), dtype=float).reshape(np.shape(x)[1:])

    return f


def names() -> list[str]:
    """Catalogue functions R^2 -> R, the explorer's choices (sorted as the catalogue lists them)."""
    return [e.name for e in functions.by_kind("scalar field") if e.n_in == 2]


def variable_names(name: str) -> tuple[str, str]:
    """The names of the two inputs of ``name``, e.g. ("x", "y")."""
    return tuple(str(v) for v in functions.get(name).variables)


def unit(angle: float) -> np.ndarray:
    """The unit direction at ``angle`` degrees from the x axis, as a column (2, 1).

    >>> unit(90.0).round(6).tolist()
    [[0.0], [1.0]]
    """
    a = np.deg2rad(angle)
    return np.array([[np.cos(a)], [np.sin(a)]])


@dataclass(frozen=True)
class GradientScene:
    """Everything the gradient explorer shows at one point.

    Attributes
    ----------
    name : str
        Catalogue function, f: R^2 -> R.
    x : ndarray, shape (2,)
        The point.
    value : float
        f(x).
    gradient : ndarray, shape (1, 2)
        Numeric gradient row (``gl.gradient``).
    gradient_symbolic : ndarray, shape (1, 2)
        Exact gradient row (``gl.symbolic.gradient``) evaluated at x.
    angle : float
        Direction angle in degrees.
    direction : ndarray, shape (2, 1)
        Unit direction column d.
    directional : ndarray, shape (1, 1)
        Directional derivative, the product (1 x 2)(2 x 1) = (1 x 1).
    h : float
        Step length along d.
    linear_change : ndarray, shape (1, 1)
        Prediction of the tangent plane: gradient @ (h d).
    true_change : ndarray, shape (1, 1)
        f(x + h d) - f(x).
    alpha : float
        Step size of the gradient step.
    after_gradient_step : float
        f(x - alpha grad f(x)^T), the value where the gradient step lands.
    """

    name: str
    x: np.ndarray
    value: float
    gradient: np.ndarray
    gradient_symbolic: np.ndarray
    angle: float
    direction: np.ndarray
    directional: np.ndarray
    h: float
    linear_change: np.ndarray
    true_change: np.ndarray
    alpha: float
    after_gradient_step: float

    @property
    def step(self) -> np.ndarray:
        """The small change dx = h d, shape (2, 1)."""
        return self.h * self.direction

    @property
    def gradient_step(self) -> np.ndarray:
        """The gradient step -alpha grad f(x)^T, a column (2, 1): downhill, as dx is a column."""
        return -self.alpha * self.gradient.T


def scene(name: str, x, angle: float = 0.0, h: float = 0.25, alpha: float = 0.1) -> GradientScene:
    """Gradient, direction, changes and the gradient step of catalogue function ``name`` at ``x``.

    Parameters
    ----------
    name : str
        A catalogue function R^2 -> R (see :func:`names`).
    x : array_like, shape (2,)
    angle : float
        Direction in degrees from the x axis.
    h : float
        Step length for the true-versus-linear comparison.
    alpha : float
        Step size of the gradient step -alpha grad f(x)^T.

    Returns
    -------
    GradientScene

    Examples
    --------
    >>> s = scene("paraboloid", [1.0, 0.5], angle=90.0, h=0.1, alpha=0.25)
    >>> s.gradient_symbolic.round(6).tolist(), s.directional.round(6).tolist()
    ([[2.0, 1.0]], [[1.0]])
    >>> s.gradient_step.round(6).tolist(), round(s.after_gradient_step, 6)   # lands at (0.5, 0.25)
    ([[-0.5], [-0.25]], 0.3125)
    """
    f = scalar(name)
    x = np.asarray(x, dtype=float).reshape(2)
    grad = numeric.gradient(f, x)
    exact = np.asarray(_symbolic_gradient(name)(x), dtype=float).reshape(1, 2)
    d = unit(angle)
    return GradientScene(
        name=name,
        x=x,
        value=float(f(x)),
        gradient=grad,
        gradient_symbolic=exact,
        angle=float(angle),
        direction=d,
        directional=grad @ d,
        h=float(h),
        linear_change=grad @ (h * d),
        true_change=np.array([[f(x + h * d[:, 0]) - f(x)]]),
        alpha=float(alpha),
        after_gradient_step=float(f(x - alpha * grad[0])),
    )


def bounds(name: str) -> np.ndarray:
    """Where the point of ``name`` may go (the sliders' ranges): (low, high) for x and y, (2, 2)."""
    return np.asarray(functions.get(name).domain, dtype=float).reshape(2, 2)


def padded(box, pad: float) -> np.ndarray:
    """``box`` (2, 2) grown by ``pad`` on every side: a window that keeps what is drawn around a
    point of ``box`` in view.

    >>> padded([[-2, 2], [0, 1]], 0.5).tolist()
    [[-2.5, 2.5], [-0.5, 1.5]]
    """
    return np.asarray(box, dtype=float) + np.array([-pad, pad], dtype=float)


def grid(f, box, num: int = 121):
    """Values of a scalar f (batched (2, N) -> (N,)) on a num x num grid over ``box`` (2, 2).

    Returns X, Y, Z, each of shape (num, num).
    """
    (x0, x1), (y0, y1) = np.asarray(box, dtype=float)
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    Z = np.asarray(f(np.stack([X.ravel(), Y.ravel()])), dtype=float).reshape(X.shape)
    return X, Y, Z


def contour_grid(name: str, num: int = 121):
    """Values of catalogue function ``name`` on a grid over :func:`bounds`: X, Y, Z (num, num)."""
    return grid(scalar(name), bounds(name), num)


def levels(Z, count: int = 12) -> np.ndarray:
    """Contour levels spread by quantile, so steep functions (Rosenbrock) still show the valley."""
    return np.unique(np.quantile(Z, np.linspace(0.02, 0.98, count)))


def tangent_segments(s: GradientScene, levels, radius: float) -> np.ndarray:
    """Level lines of the tangent plane L(x + dx) = f(x) + gradient @ dx inside a disk around x.

    Returns
    -------
    ndarray, shape (k, 2, 2)
        One segment (two end points) per level that crosses the disk of ``radius``; near x
        they run along the contour lines of f, which is what "linear approximation" means.
    """
    g = s.gradient[0]
    norm = np.linalg.norm(g)
    if norm < 1e-12:
        return np.zeros((0, 2, 2))  # flat tangent plane: it has no level lines
    offsets = (np.asarray(levels, dtype=float) - s.value) / norm  # signed distance from x
    inside = np.abs(offsets) < radius
    along = np.array([-g[1], g[0]]) / norm
    half = np.sqrt(radius**2 - offsets[inside] ** 2)
    centers = s.x + offsets[inside, None] * g / norm
    return np.stack([centers - half[:, None] * along, centers + half[:, None] * along], axis=1)


def inside(x, box) -> bool:
    """Is the point x, shape (2,), inside the window ``box`` (rows (low, high)), edges included?"""
    box = np.asarray(box, dtype=float)
    return bool(np.all((box[:, 0] <= x) & (x <= box[:, 1])))


def clip_segment(start, end, box, margin: float = 0.0):
    """The part of the segment start -> end (each shape (2,), start inside ``box``) in the window,
    ``margin`` of the window's size away from its edges. Arrows drawn at a chosen scale get
    shorter near an edge instead of leaving the picture.

    Returns
    -------
    end : ndarray, shape (2,)
        ``end`` itself, or the point where the segment leaves the window.
    cut : bool
        True when the segment was cut.

    >>> clip_segment([0.0, 0.0], [4.0, 1.0], [[-2, 2], [-2, 2]])
    (array([2. , 0.5]), True)
    >>> clip_segment([0.0, 0.0], [4.0, 1.0], [[-2, 2], [-2, 2]], margin=0.25)[0].tolist()
    [1.0, 0.25]
    """
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    box = np.asarray(box, dtype=float)
    box = box + margin * np.ptp(box, axis=1)[:, None] * np.array([1.0, -1.0])
    d, t = end - start, 1.0
    for i in range(2):
        if d[i]:
            t = min(t, max((box[i, 1 if d[i] > 0 else 0] - start[i]) / d[i], 0.0))
    t = max(t, 0.0)
    return start + t * d, bool(t < 1.0)


def slice_along(name: str, x, axis: int, s) -> np.ndarray:
    """f along one coordinate with the other held fixed: f(x + s e_axis), shape (N,) for s (N,)."""
    x = np.asarray(x, dtype=float).reshape(2)
    s = np.asarray(s, dtype=float)
    points = np.repeat(x[:, None], s.size, axis=1)
    points[axis] += s
    return scalar(name)(points)


# ---- the drawing ----------------------------------------------------------------------
def plot_contours(ax, X, Y, Z, *, title: str, labels=("x", "y"), count: int = 12):
    """Labelled contour lines of Z over the grid X, Y; returns the ContourSet.

    The aspect is equal (so a gradient looks perpendicular to its contour) unless the window is
    more than twice as long one way as the other.
    """
    cs = ax.contour(
        X,
        Y,
        Z,
        levels=levels(Z, count),
        colors=style.ROLES["grid"],
        linewidths=1.0,
        negative_linestyles="solid",
    )  # dashes are reserved for linear approximations
    ax.clabel(cs, cs.levels[::2], fontsize=style.MIN_FONT_SIZE, fmt="%.3g")  # every other level
    ax.set_xlim(X.min(), X.max())
    ax.set_ylim(Y.min(), Y.max())
    ratio = np.ptp(X) / np.ptp(Y)
    ax.set_aspect("equal" if 0.5 <= ratio <= 2 else "auto", adjustable="box")
    style.label(ax, title, *labels)
    return cs


def arrow_scale(f, box) -> float:
    """Factor drawing gradients of scalar f at a readable length: the median one at 25% of
    ``box``."""
    X, Y, _ = grid(f, box, num=15)
    pts = np.stack([X.ravel(), Y.ravel()])
    # both partial derivatives at the 225 points at once: gl.numeric's central difference along
    # each input at a fixed step (a length to a few digits is all the scale needs)
    gx, gy = (
        numeric.difference(lambda s, e=e: f(pts + s * e), 0.0, 1e-5, "central")
        for e in np.eye(2)[:, :, None]
    )
    size = np.ptp(np.asarray(box, dtype=float), axis=1).min()
    return 0.25 * size / max(float(np.median(np.hypot(gx, gy))), 1e-12)


def _gradient_end(s, scale, radius, window):
    """Tip of the drawn gradient arrow: scaled, kept between radius / 2 and radius long so it
    stays readable and near x, and inside the ``window`` (the panel gives the true numbers)."""
    g = s.gradient[0] * scale
    length = np.linalg.norm(g)
    if length < 1e-12:
        return s.x
    end = s.x + g * np.clip(length, 0.5 * radius, radius) / length
    return clip_segment(s.x, end, window, margin=0.03)[0]


@dataclass
class SceneArtists(style.Drawing):
    """The drawing of :func:`plot_scene`: its moving artists and the parameters moving them
    reuses."""

    tangent: LineCollection
    gradient: object
    step: object
    gradient_step: object
    point: Line2D
    end: Line2D
    scale: float
    levels: np.ndarray
    radius: float
    window: np.ndarray

    @property
    def moving(self) -> list:
        """What a widget redraws on every move."""
        return [self.tangent, self.gradient, self.step, self.gradient_step, self.point, self.end]

    def update(self, s) -> None:
        """Move the artists to scene ``s`` (same function, contours untouched)."""
        end = s.x + s.step[:, 0]
        self.tangent.set_segments(tangent_segments(s, self.levels, self.radius))
        move(self.gradient, s.x, _gradient_end(s, self.scale, self.radius, self.window))
        move(self.step, s.x, end)
        move(
            self.gradient_step,
            s.x,
            clip_segment(s.x, s.x + s.gradient_step[:, 0], self.window, margin=0.03)[0],
        )
        self.point.set_data([s.x[0]], [s.x[1]])
        self.end.set_data([end[0]], [end[1]])


def plot_scene(ax, s, *, scale: float, levels, radius: float, window) -> SceneArtists:
    """Point, gradient arrow (scaled by ``scale``), step h d, gradient step, tangent-plane levels.

    Parameters
    ----------
    ax : Axes with the contours already drawn (:func:`plot_contours`).
    s : GradientScene
    scale : float
        Drawing factor for the gradient (see :func:`arrow_scale`); the panel gives true numbers.
    levels : array_like
        The contour levels; the tangent plane's level lines are drawn at the same values.
    radius : float
        Radius of the disk around x in which the tangent plane is drawn.
    window : array_like, shape (2, 2)
        The axes' limits: the gradient arrow is shortened to stay inside.

    The gradient step -alpha grad f(x)^T is drawn true to size (a thin arrow), up to the window's
    edge.
    """
    end = s.x + s.step[:, 0]
    window = np.asarray(window, dtype=float)
    artists = SceneArtists(
        tangent=ax.add_collection(
            LineCollection(
                tangent_segments(s, levels, radius),
                colors=style.ROLES["tangent"],
                linestyles="--",
                linewidths=1.6,
                zorder=3,
            )
        ),
        gradient=arrow(
            ax, s.x, _gradient_end(s, scale, radius, window), style.ROLES["gradient"], width=2.4
        ),
        step=arrow(ax, s.x, end, style.ROLES["direction"]),
        gradient_step=arrow(
            ax,
            s.x,
            clip_segment(s.x, s.x + s.gradient_step[:, 0], window, margin=0.03)[0],
            style.ROLES["gradient"],
            width=1.2,
        ),
        point=ax.plot(*s.x, "o", color=style.ROLES["point"], ms=6, zorder=5)[0],
        end=ax.plot(*end, "o", mfc="white", mec=style.ROLES["direction"], ms=6, zorder=5)[0],
        scale=scale,
        levels=np.asarray(levels),
        radius=radius,
        window=window,
    )
    style.legend_beside(  # beside the map, not over it
        ax,
        [
            Line2D([], [], color=style.ROLES["gradient"], lw=2.4, label="gradient\n(scaled)"),
            Line2D([], [], color=style.ROLES["gradient"], lw=1.2, label="gradient step\n-α∇f(x)ᵀ"),
            Line2D([], [], color=style.ROLES["direction"], lw=2, label="step h d"),
            Line2D(
                [],
                [],
                color=style.ROLES["tangent"],
                lw=1.6,
                ls="--",
                label="tangent plane\nlevel lines",
            ),
        ],
    )
    return artists


def slices_figure(name: str, x) -> Picture:
    """Two slices through x: f with y held fixed (slope df/dx) and with x held fixed (slope df/dy).

    Each panel draws the slice and its tangent line, whose slope is one entry of the gradient row.
    """
    s = scene(name, x)
    fig, axes = style.new_figure("wide", 1, 2)
    span = np.linspace(-1.0, 1.0, 101)
    for axis, ax in enumerate(axes):
        var, other = ("x", "y") if axis == 0 else ("y", "x")
        slope = s.gradient[0, axis]
        coords = s.x[axis] + span
        ax.plot(
            coords,
            slice_along(name, s.x, axis, span),
            color=style.ROLES["curve"],
            lw=2,
            label=f"f with {other} = {s.x[1 - axis]:g} fixed",
        )
        ax.plot(
            coords,
            s.value + slope * span,
            "--",
            color=style.ROLES["tangent"],
            lw=1.6,
            label=f"tangent, slope df/d{var} = {slope:.3f}",
        )
        ax.plot(s.x[axis], s.value, "o", color=style.ROLES["point"])
        ax.legend(fontsize=style.MIN_FONT_SIZE, loc="upper center")
        style.label(ax, f"Slice: only {var} moves", var, "f")
    alt = (
        f"Two slices of {name} through ({s.x[0]:g}, {s.x[1]:g}): the tangent slopes are "
        f"df/dx = {s.gradient[0, 0]:.3f} and df/dy = {s.gradient[0, 1]:.3f}."
    )
    return Picture(fig, alt)


# ---- the widget ----------------------------------------------------------------------
def _slider(description, value, low, high, step=0.05, **kw):
    return ipywidgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
        style={"description_width": "initial"},
        layout=ipywidgets.Layout(width="240px"),
        **kw,
    )


def alpha_slider(value: float = 0.1):
    """The step size alpha of a gradient step, log scale from 0.001 to 1 (arrow keys: x 1.26)."""
    return ipywidgets.FloatLogSlider(
        value=value,
        base=10,
        min=-3,
        max=0,
        step=0.1,
        description="step size α",
        continuous_update=True,
        readout_format=".3f",
        style={"description_width": "initial"},
        layout=ipywidgets.Layout(width="260px"),
    )


def on_grid(slider, value: float) -> float:
    """``value`` clipped to the slider's range and put on its grid of steps (what it can show),
    as the browser's slider puts it there (:func:`~._widget.browser_value`)."""
    return browser_value(value, slider.min, slider.max, slider.step)


class SteppedPoint:
    """Mixin for a widget whose point (sliders ``x1``, ``x2``) also moves by steps (buttons).

    A slider moves on a grid (0.05 apart); a gradient or Newton step lands anywhere. The exact
    point is kept in ``_x``: the sliders show it on their grid, :meth:`point` takes a coordinate
    from its slider only when the learner moved that slider, and :meth:`move_point` moves it
    exactly, refusing (with a message in ``step_message``) a step that leaves the window.
    ``path`` holds the points visited since the learner last put the point somewhere (or chose
    another function), ``steps`` counts the steps taken since then by kind.
    Call :meth:`_start_point` before ``LessonWidget.__init__``.
    """

    def _start_point(self):
        self._x = np.array([self.x1.value, self.x2.value], dtype=float)
        self._shown = (self.x1.value, self.x2.value)
        self._key = None

    def _forget_steps(self):
        self.path = [self._x.copy()]
        self.steps: dict = {}  # kind of step -> how many were taken
        self.step_message = ""  # the last step taken, or why it was refused

    def point(self, key=None) -> np.ndarray:
        """The exact point, shape (2,); a coordinate whose slider the learner moved comes from it.

        ``key`` names what the point lives on (the function): a new key starts a new path.
        """
        shown = (self.x1.value, self.x2.value)
        moved = [i for i in range(2) if abs(shown[i] - self._shown[i]) > 1e-9]
        for i in moved:
            self._x[i] = shown[i]
        if moved or key != self._key:
            self._forget_steps()
        self._shown, self._key = shown, key
        return self._x.copy()

    def _set_point(self, x):
        with self.batch():  # the caller refreshes, once for both sliders
            self.x1.value, self.x2.value = on_grid(self.x1, x[0]), on_grid(self.x2, x[1])
        self._x, self._shown = np.array(x, dtype=float), (self.x1.value, self.x2.value)

    @contextmanager
    def _sliders_after_picture(self):
        """Send the sliders' new values to the browser after the new picture and panel.

        The browser redraws a slider it is sent and may send its value back on its own step grid
        (a rounding-only echo, ignored here): sent first, both delayed the picture of a click.
        """
        with self.x1.hold_sync(), self.x2.hold_sync():
            yield

    def move_point(self, x, what: str, before: float, after: float) -> bool:
        """Move the point exactly to ``x`` (shape (2,)) by a step called ``what``; refresh.

        ``before`` and ``after`` are f at the old and the new point, for the message. A point
        outside the window is refused: the point stays and the message says where it would land.
        """
        x = np.asarray(x, dtype=float)
        if not (np.isfinite(x).all() and inside(x, self.window())):
            self.step_message = (
                f"The {what} would land at ({fmt(x[0], 2)}, {fmt(x[1], 2)}), "
                "outside the window: the point stays."
            )
            self.refresh()
            return False
        with self._sliders_after_picture():
            self._set_point(x)
            self.path.append(x.copy())
            self.steps[what] = self.steps.get(what, 0) + 1
            self.step_message = f"Took a {what}: f went from {fmt(before)} to {fmt(after)}."
            self._on_change(None)  # the refresh, timed like a slider's
        return True

    def window(self) -> np.ndarray:
        """The plotted window, rows (low, high), shape (2, 2)."""
        return bounds(self.function.value)


class GradientExplorer(SteppedPoint, LessonWidget):
    """Contours of f: R^2 -> R, the gradient row at x, a direction d and the product (1 x 2)(2 x 1).

    Parameters
    ----------
    name : str
        A scalar field of the catalogue with two inputs (:func:`names`).
    x : (float, float)
        Starting point.
    angle : float
        Direction in degrees.
    h : float
        Step length along d.
    alpha : float
        Step size of the gradient step -alpha grad f(x)^T.

    Controls: ``function`` (Dropdown), ``x1``, ``x2`` (the point), ``angle``, ``h``, ``alpha``
    (sliders), ``take_step`` (Button: moves the point by the gradient step).

    Examples
    --------
    >>> w = GradientExplorer("paraboloid", x=(1.0, 0.5), alpha=0.25)
    >>> w.take_step.click()          # x - 0.25 [2, 1]^T: half way to the minimum
    >>> w.state["x"].tolist(), w.state["value"]
    ([0.5, 0.25], 0.3125)
    """

    text = "Gradient explorer: run the notebook to move the point and the direction."
    size = "small"
    #: The longest step h d the slider allows: the window leaves that much room around the box.
    H_MAX = 1.0

    def __init__(
        self,
        name: str = "paraboloid",
        x=(1.0, 0.5),
        angle: float = 45.0,
        h: float = 0.5,
        alpha: float = 0.1,
    ):
        self.function = ipywidgets.Dropdown(
            options=names(), value=name, description="f", layout=ipywidgets.Layout(width="240px")
        )
        (x0, x1), (y0, y1) = bounds(name)
        var1, var2 = variable_names(name)
        self.x1 = _slider(var1, x[0], x0, x1)
        self.x2 = _slider(var2, x[1], y0, y1)
        self.angle = _slider("angle of d (deg)", angle, -180.0, 180.0, step=5.0)
        self.h = _slider("step h", h, 0.05, self.H_MAX)
        self.alpha = alpha_slider(alpha)
        self.take_step = ipywidgets.Button(
            description="take a gradient step", layout=ipywidgets.Layout(width="180px")
        )
        self.listen(self.take_step, self.gradient_step)
        self.listen(self.function, self._new_function)
        self._start_point()
        super().__init__(
            [self.function, self.x1, self.x2, self.angle, self.h, self.alpha, self.take_step]
        )

    def gradient_step(self):
        s = self._scene
        self.move_point(
            s.x + s.gradient_step[:, 0], "gradient step", s.value, s.after_gradient_step
        )

    def _new_function(self, change):
        # Keep the point inside the new function's window; the refresh follows from the dropdown.
        (x0, x1), (y0, y1) = bounds(change["new"])
        var1, var2 = variable_names(change["new"])
        self.x1 = self.renew_slider(self.x1, x0, x1, self.x1.value, var1)
        self.x2 = self.renew_slider(self.x2, y0, y1, self.x2.value, var2)

    def scene(self):
        x = self.point(key=self.function.value)
        return scene(self.function.value, x, self.angle.value, self.h.value, self.alpha.value)

    def static_key(self, s):
        return s.name

    def prerender_scenes(self):
        # Six contour maps, drawn now: choosing another function then only blits.
        return [scene(name, bounds(name).mean(axis=1)) for name in self.function.options]

    def draw(self, s):
        ax = self.axes[0]
        box = bounds(s.name)
        radius = 0.2 * np.ptp(box, axis=1).min()
        # room around the sliders' box for the longest step, the arrow and the tangent disk
        window = padded(box, max(self.H_MAX, radius))
        X, Y, Z = grid(scalar(s.name), window)
        cs = plot_contours(
            ax, X, Y, Z, title=f"{s.name}: contours, gradient, step", labels=variable_names(s.name)
        )
        return plot_scene(
            ax,
            s,
            scale=arrow_scale(scalar(s.name), box),
            levels=cs.levels,
            radius=radius,
            window=window,
        )

    def panel_html(self, s) -> str:
        R = style.ROLES
        return "".join(
            [
                line_html("x =", f"({fmt(s.x[0])}, {fmt(s.x[1])}),  f(x) = {fmt(s.value)}"),
                product_html(
                    matrix_html(s.gradient, name="∇f(x)", color=R["gradient"]),
                    "@",
                    matrix_html(s.direction, name="d", color=R["direction"]),
                    "=",
                    matrix_html(s.directional, name="∇f(x) d"),
                ),
                line_html(
                    "(1 x 2) @ (2 x 1) = (1 x 1):", "the directional derivative, a 1 x 1 matrix."
                ),
                line_html(
                    "symbolic ∇f(x):", "[" + ", ".join(fmt(v) for v in s.gradient_symbolic[0]) + "]"
                ),
                line_html(
                    f"step h = {fmt(s.h, 2)}: linear change h ∇f(x) d =",
                    fmt(s.linear_change[0, 0]),
                    R["tangent"],
                ),
                line_html("true change f(x + h d) - f(x) =", fmt(s.true_change[0, 0]), R["true"]),
                line_html(
                    f"gradient step -α∇f(x)ᵀ, α = {fmt(s.alpha)}:",
                    f"[{fmt(s.gradient_step[0, 0])}, {fmt(s.gradient_step[1, 0])}]ᵀ, "
                    f"f there = {fmt(s.after_gradient_step)}",
                    R["gradient"],
                ),
            ]
            + ([line_html("", self.step_message)] if self.step_message else [])
        )

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "function": s.name,
            "x": s.x,
            "value": s.value,
            "gradient": s.gradient,
            "gradient_symbolic": s.gradient_symbolic,
            "direction": s.direction,
            "directional": s.directional,
            "h": s.h,
            "linear_change": s.linear_change,
            "true_change": s.true_change,
            "alpha": s.alpha,
            "gradient_step": s.gradient_step,
            "after_gradient_step": s.after_gradient_step,
            "steps": dict(self.steps),
            "step_message": self.step_message,
        }

    def demo_moves(self):
        moves = []
        for k in range(8):
            moves.append(("move x", lambda v=-1.5 + 0.4 * k: setattr(self.x1, "value", v)))
            moves.append(("move y", lambda v=1.5 - 0.35 * k: setattr(self.x2, "value", v)))
            moves.append(("turn d", lambda v=-170.0 + 45 * k: setattr(self.angle, "value", v)))
        moves.append(("change h", lambda: setattr(self.h, "value", 0.3)))
        moves.append(("change alpha", lambda: setattr(self.alpha, "value", 0.2)))
        moves.append(("gradient step", self.take_step.click))
        moves += [
            ("change f", lambda n=n: setattr(self.function, "value", n))
            for n in ("saddle", "paraboloid")
        ]
        return moves

    def alt_text(self, s) -> str:
        g = s.gradient[0]
        return (
            f"Contour map of {s.name} with the point x = ({s.x[0]:.2f}, {s.x[1]:.2f}), the "
            "gradient "
            f"row [{g[0]:.3f}, {g[1]:.3f}] drawn as an arrow, a step of length {s.h:.2f} at "
            f"{s.angle:.0f} degrees, the tangent plane's level lines near x, and the gradient "
            f"step of size alpha = {s.alpha:.3f}."
        )


# ---- exercises ----------------------------------------------------------------------
add(
    Exercise(
        id="1.1",
        kind="partial",
        statement="Let $f(x, y) = x^2 y + 3y$. Hold $y$ fixed and compute the partial derivative "
        "$\\dfrac{\\partial f}{\\partial x}$ at the point $(x, y) = (2, 3)$. Answer with one "
        "number (or the (1, 1) matrix `[[...]]`); 3 significant digits are enough.",
        hints=(
            "Holding y fixed means y behaves like a number: f becomes a function of x alone.",
            "With y a constant, x^2 y is a constant times x^2, and the term 3y does not change "
            "with x at all.",
            "df/dx = 2 x y + 0: the power rule on x^2, the constant factor y stays. Now put x = 2 "
            "and y = 3 in.",
        ),
        problem={"f": "x**2*y + 3*y", "variables": "x y", "x": [2, 3], "wrt": "x"},
        mistakes=(
            Mistake(
                "the partial with respect to y",
                change={"wrt": "y"},
                kind="wrong_variable",
                message="That is df/dy, the slope when y moves. df/dx holds y fixed and lets x "
                "move.",
            ),
            Mistake(
                "f itself, not its derivative",
                answer="x**2*y + 3*y",
                kind="value",
                message="That is the value f(2, 3), not a slope: differentiate first, then put "
                "the point in.",
            ),
            Mistake(
                "one derivative too many",
                answer="2*y",
                kind="second_derivative",
                message="That is the second derivative d2f/dx2, the derivative of the "
                "derivative: differentiate only once.",
            ),
            Mistake(
                "the constant factor y dropped",
                answer="2*x",
                kind="dropped_factor",
                message="The factor y went missing: holding y fixed makes it a constant factor, "
                "and a constant factor stays in the derivative (d/dx 5 x^2 = 10 x).",
            ),
            Mistake(
                "both partials",
                answer=[["2*x*y", "x**2 + 3"]],
                kind="gradient_for_partial",
                message="That is the whole gradient, [df/dx, df/dy]; the exercise asks for one "
                "entry of it, df/dx: one number.",
            ),
        ),
        examples_wrong=(([12], "one_d"), ("12,", "parse_error")),
    )
)

add(
    Exercise(
        id="1.2",
        kind="gradient",
        statement="Let $f(x, y, z) = x y + y z^2$. Write its gradient at $(x, y, z) = (1, 3, -2)$ "
        "as a row of shape (1, 3), e.g. `[[a, b, c]]`; 3 significant digits are enough. Entries "
        "may also be formulas in $x, y, z$ typed as strings, such as `'x*z'`: they are "
        "evaluated at the point.",
        hints=(
            "The gradient has one partial derivative per input, in the order x, y, z: three "
            "slices, each with the other two variables held fixed.",
            "For df/dy both terms contain y; for df/dz only the second does; for df/dx only the "
            "first.",
            "df/dx = y, df/dy = x + z^2, df/dz = 2 y z. Put the point in and write the three "
            "numbers as one row [[..., ..., ...]].",
        ),
        problem={"f": "x*y + y*z**2", "variables": "x y z", "x": [1, 3, -2]},
        mistakes=(
            Mistake("a column instead of a row", transform="transposed"),
            Mistake(
                "a term of df/dy forgotten",
                answer=[["y", "z**2", "2*y*z"]],
                kind="missing_term",
                message="df/dy is missing a term: y appears in both x y and y z^2, and each term "
                "contributes its own slope.",
            ),
            Mistake(
                "the factor y dropped in df/dz",
                answer=[["y", "x + z**2", "2*z"]],
                kind="dropped_factor",
                message="df/dz lost its factor y: with y held fixed, y z^2 is a constant times "
                "z^2, and the constant stays.",
            ),
        ),
        examples_wrong=(([3, 5, -12], "one_d"), ([[5, 3, -12]], "swapped_columns")),
    )
)

add(
    Exercise(
        id="1.3",
        kind="directional",
        statement="Let $f(x, y) = x^2 + 3y$ and the unit direction $d = (0.6, 0.8)$. Compute the "
        "directional derivative $\\nabla f(x)\\, d$ at $(x, y) = (3, 1)$: a (1 x 2) row "
        "times a (2 x 1) column. Answer with one number (or the (1, 1) matrix `[[...]]`); 3 "
        "significant digits are enough.",
        hints=(
            "Two steps: first the gradient row at the point, then the product of that row with "
            "the column d.",
            "The gradient of x^2 + 3y is a row of two partials; only the first one depends on the "
            "point.",
            "The gradient is [[2x, 3]]. A row times a column is one number: first entry times "
            "first entry, plus second times second.",
        ),
        problem={"f": "x**2 + 3*y", "variables": "x y", "x": [3, 1], "d": [0.6, 0.8]},
        mistakes=(
            Mistake(
                "the products side by side, not summed",
                answer=[["2*x*0.6", "3*0.8"]],
                kind="elementwise",
                message="These are the two products side by side, entry by entry; a row times a "
                "column also adds them up: one number, shape (1, 1).",
            ),
            Mistake(
                "the gradient's length",
                answer="sqrt(4*x**2 + 9)",
                kind="gradient_length",
                message="That is the gradient's length |grad f|, the steepest slope at the "
                "point. The slope along d is the product grad f d, row times column.",
            ),
            Mistake(
                "the components of d swapped",
                answer="2*x*0.8 + 3*0.6",
                kind="swapped_direction",
                message="The components of d are paired with the wrong partials: the first entry "
                "of the gradient (df/dx) goes with the first entry of d, 0.6.",
            ),
            Mistake(
                "the gradient, not the product",
                answer=[["2*x", "3"]],
                kind="gradient_not_product",
                message="That is the gradient itself, shape (1, 2); multiply it by the column d "
                "to get the slope along d, shape (1, 1).",
            ),
        ),
        examples_wrong=((-6.0, "sign"), ([[3.6], [2.4]], "wrong_shape")),
    )
)

add(
    Exercise(
        id="1.4",
        kind="shape",
        statement="A function $f: \\mathbb{R}^5 \\to \\mathbb{R}$ has a gradient $\\nabla f(x)$ "
        "and a small change $dx$ of shape (5, 1). What is the shape of the product $\\nabla "
        "f(x)\\, dx$? Answer as (rows, columns).",
        hints=(
            "Write the two shapes side by side: the gradient first, then dx.",
            "In (p x q)(q x r) the inner sizes q must agree and cancel; the outer sizes remain.",
        ),
        problem={"shape": (1, 1)},
        mistakes=(
            Mistake(
                "the outer product",
                answer=(5, 5),
                kind="outer_product",
                message="(5, 5) is the shape of dx times the gradient, the other order (an outer "
                "product). The gradient comes first: (1 x 5)(5 x 1).",
            ),
            Mistake(
                "the gradient's own shape",
                answer=(1, 5),
                kind="factor_shape",
                message="(1, 5) is the gradient's own shape; the product with dx keeps only the "
                "outer sizes of (1 x 5)(5 x 1).",
            ),
        ),
        examples_wrong=((1, "one_d"), ((5, 1), "wrong_shape")),
    )
)
