"""Lesson 10, second order: the Hessian, the quadratic model, Newton's step against a gradient step.

Three layers, in this order: the numbers (:func:`scene`, a frozen :class:`SecondOrderScene`), the
drawing (:func:`plot_second_order`, returning a :class:`SecondOrderArtists` drawing that moves),
and the widget (:class:`SecondOrderExplorer`); then the lesson's exercises.

>>> s = scene("paraboloid", [1.0, 0.5])
>>> s.gradient.shape, s.hessian.shape, s.newton_step.shape
((1, 2), (2, 2), (2, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

import contourpy
import ipywidgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from .. import functions, numeric, symbolic
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._style import arrow, move
from ._widget import LessonWidget, fmt, line_html, matrix_html, product_html
from .gradient_row import (
    SteppedPoint,
    _slider,
    alpha_slider,
    bounds,
    clip_segment,
    grid,
    names,
    plot_contours,
    scalar,
    variable_names,
)

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["SecondOrderExplorer"]

#: H counts as singular (no Newton step) when its condition number exceeds this: an eigenvalue
#: below 1e-8 of the largest is within the error of a finite-difference Hessian (``gl.hessian``).
SINGULAR = 1e8


# ---- the numbers ----------------------------------------------------------------------
@cache
def hessian_expr(name: str):
    """The exact Hessian of catalogue function ``name``, a sympy Matrix (n, n).

    >>> hessian_expr("rosenbrock")
    Matrix([
    [1200*x**2 - 400*y + 2, -400*x],
    [               -400*x,    200]])
    """
    entry = functions.get(name)
    return symbolic.hessian(entry.expr[0], entry.variables)


@cache
def _exact_hessian(name: str):
    return symbolic.lambdify(hessian_expr(name), functions.get(name).variables)


def quadratic_model(value: float, gradient, hessian, d) -> np.ndarray:
    """The second-order Taylor model q(d) = f(x) + grad f(x) d + 1/2 d^T H d.

    Parameters
    ----------
    value : float
        f(x).
    gradient : array_like, shape (1, n)
        The gradient row at x.
    hessian : array_like, shape (n, n)
        H at x.
    d : array_like, shape (n, 1), or (n, N) for N steps at once
        Steps from x, as columns (like dx).

    Returns
    -------
    ndarray, shape (1, 1), or (1, N)
        (1 x 1) + (1 x n)(n x 1) + (1 x n)(n x n)(n x 1) / 2: every term is (1 x 1).

    Examples
    --------
    >>> quadratic_model(1.0, [[2.0, 0.0]], [[2.0, 0.0], [0.0, 4.0]], [[-1.0], [1.0]])
    array([[2.]])
    """
    g, H = np.asarray(gradient, dtype=float), np.asarray(hessian, dtype=float)
    d = np.asarray(d, dtype=float)
    return value + g @ d + 0.5 * np.sum(d * (H @ d), axis=0, keepdims=True)


def newton_step(gradient, hessian) -> np.ndarray:
    """Newton's step: the d that solves H d = -grad f(x)^T, a column (n, 1).

    It is the stationary point of the quadratic model (where the model's gradient
    grad f(x) + d^T H is zero): its minimum when H is positive definite, else a saddle or a
    maximum of the model.

    Raises
    ------
    GradlibError
        When H is singular (condition number above :data:`SINGULAR`): the model then has no single
        stationary point.

    Examples
    --------
    >>> newton_step([[2.0, -4.0]], [[2.0, 0.0], [0.0, 4.0]])
    array([[-1.],
           [ 1.]])
    >>> newton_step([[2.0, -4.0]], [[2.0, 2.0], [2.0, 2.0]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradlib.errors.GradlibError: H = [[2.0, 2.0], [2.0, 2.0]] is singular (an eigenvalue is 0): ...
    """
    g, H = np.asarray(gradient, dtype=float), np.asarray(hessian, dtype=float)
    if not np.linalg.cond(H) <= SINGULAR:  # also inf and nan
        raise GradlibError(
            f"H = {H.round(6).tolist()} is singular (an eigenvalue is 0): the "
            "quadratic model has no single stationary point, so there is no Newton "
            "step. Take a gradient step, or move the point."
        )
    return np.linalg.solve(H, -g.T)


def classify(eigenvalues, tol: float = 1 / SINGULAR) -> str:
    """What a stationary point is, from the eigenvalues of H there.

    Returns "minimum" (all > 0), "maximum" (all < 0), "saddle" (both signs) or "undecided" (an
    eigenvalue within ``tol`` of 0, relative to the largest: second order cannot tell).

    >>> classify([2.0, 3.0]), classify([-1.0, -0.5]), classify([3.0, -0.5]), classify([1.0, 0.0])
    ('minimum', 'maximum', 'saddle', 'undecided')
    """
    lam = np.asarray(eigenvalues, dtype=float)
    if np.any(np.abs(lam) <= tol * max(np.abs(lam).max(), 1e-300)):
        return "undecided"
    if np.all(lam > 0):
        return "minimum"
    return "maximum" if np.all(lam < 0) else "saddle"


#: The model's shape, in words, by :func:`classify` of H's eigenvalues.
MODEL_SHAPE = {
    "minimum": "both > 0: the model is a bowl, and Newton's step goes to its bottom",
    "maximum": "both < 0: the model is a dome, and Newton's step goes to its top (uphill)",
    "saddle": "signs differ: the model is a saddle, and Newton's step goes to its saddle point",
    "undecided": "one is 0: the model is flat along its eigenvector; no single Newton step",
}


@dataclass(frozen=True)
class SecondOrderScene:
    """Everything the second-order explorer shows at one point.

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
    hessian : ndarray, shape (2, 2)
        Numeric Hessian (``gl.hessian``), exactly symmetric.
    hessian_exact : ndarray, shape (2, 2)
        ``gl.symbolic.hessian`` of the catalogue formula, evaluated at x.
    eigenvalues : ndarray, shape (2,)
        Of H, ascending.
    eigenvectors : ndarray, shape (2, 2)
        Column i is the unit eigenvector of eigenvalue i.
    alpha : float
        Step size of the gradient step.
    gradient_step : ndarray, shape (2, 1)
        -alpha grad f(x)^T.
    newton_step : ndarray, shape (2, 1), or None
        The solution of H d = -grad f(x)^T; None when H is singular.
    after_gradient, after_newton : float
        f at x + step (nan for a missing Newton step).
    model_gradient, model_newton : float
        The quadratic model's value for each step (nan for a missing Newton step).
    path : ndarray, shape (k, 2)
        The points visited by the steps taken so far, x last (x alone unless given).
    """

    name: str
    x: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    hessian_exact: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    alpha: float
    gradient_step: np.ndarray
    newton_step: np.ndarray | None
    after_gradient: float
    after_newton: float
    model_gradient: float
    model_newton: float
    path: np.ndarray

    @property
    def kind(self) -> str:
        """:func:`classify` of H's eigenvalues: the shape of the model at x."""
        return classify(self.eigenvalues)

    def model(self, d) -> np.ndarray:
        """The quadratic model at x for steps d, shape (2, N): values, shape (1, N)."""
        return quadratic_model(self.value, self.gradient, self.hessian, d)

    @property
    def newton_uphill(self) -> bool:
        """Does Newton's step start uphill (grad f(x) d > 0)? Only if H is not positive definite."""
        return self.newton_step is not None and float((self.gradient @ self.newton_step)[0, 0]) > 0


def scene(name: str, x, alpha: float = 0.002, path=None) -> SecondOrderScene:
    """Gradient, Hessian, its eigenvectors and both steps of catalogue function ``name`` at ``x``.

    Parameters
    ----------
    name : str
        A catalogue function R^2 -> R (see :func:`gradlib.topics.gradient_row.names`).
    x : array_like, shape (2,)
    alpha : float
        Step size of the gradient step -alpha grad f(x)^T.
    path : array_like, shape (k, 2), optional
        The points visited so far, x last (the explorer's path); default x alone.

    Examples
    --------
    >>> s = scene("saddle", [1.0, 0.5], alpha=0.25)
    >>> s.hessian_exact.tolist(), s.kind
    ([[2.0, 0.0], [0.0, -2.0]], 'saddle')
    >>> s.newton_step.round(6).tolist(), s.gradient_step.round(6).tolist()
    ([[-1.0], [-0.5]], [[-0.5], [0.25]])
    """
    f = functions.get(name).f  # complex-analytic: gl.hessian takes the complex step
    x = np.asarray(x, dtype=float).reshape(2)
    value = float(f(x))
    g = numeric.gradient(f, x)
    H = numeric.hessian(f, x)
    lam, V = np.linalg.eigh(H)
    try:
        d_newton = newton_step(g, H)
    except GradlibError:
        d_newton = None
    d_gradient = -alpha * g.T
    return SecondOrderScene(
        name=name,
        x=x,
        value=value,
        gradient=g,
        hessian=H,
        hessian_exact=np.asarray(_exact_hessian(name)(x), dtype=float).reshape(2, 2),
        eigenvalues=lam,
        eigenvectors=V,
        alpha=float(alpha),
        gradient_step=d_gradient,
        newton_step=d_newton,
        after_gradient=float(f(x + d_gradient[:, 0])),
        after_newton=float("nan") if d_newton is None else float(f(x + d_newton[:, 0])),
        model_gradient=float(quadratic_model(value, g, H, d_gradient)[0, 0]),
        model_newton=(
            float("nan")
            if d_newton is None
            else float(quadratic_model(value, g, H, d_newton)[0, 0])
        ),
        path=np.array([x]) if path is None else np.asarray(path, dtype=float).reshape(-1, 2),
    )


def path(name: str, x, method: str, steps: int, alpha: float = 0.002) -> np.ndarray:
    """The points visited by ``steps`` gradient steps (``method="gradient"``) or Newton steps.

    Each step is the one :func:`scene` computes (the explorer's buttons take the same). The path
    stops early where H is singular (no Newton step).

    Returns
    -------
    ndarray, shape (k + 1, 2)
        Row 0 is x, row k the point after k steps.

    Examples
    --------
    >>> path("paraboloid", [1.0, 0.5], "newton", steps=2).round(12).tolist()   # the model is f
    [[1.0, 0.5], [0.0, 0.0], [0.0, 0.0]]
    """
    if method not in ("gradient", "newton"):
        raise GradlibError(f"method={method!r}: use 'gradient' or 'newton'.")
    points = [np.asarray(x, dtype=float).reshape(2)]
    for _ in range(steps):
        s = scene(name, points[-1], alpha)
        d = s.gradient_step if method == "gradient" else s.newton_step
        if d is None:
            break
        points.append(s.x + d[:, 0])
    return np.array(points)


def rosenbrock_n(x):
    """Rosenbrock's function of n inputs, sum of 100 (x_(i+1) - x_i^2)^2 + (1 - x_i)^2; x: (n,).

    For n = 2 it is the catalogue's ``rosenbrock``; here it has as many inputs as a cost needs.

    >>> float(rosenbrock_n(np.ones(5)))
    0.0
    >>> bool(rosenbrock_n([0.5, 0.5]) == functions.get("rosenbrock").f([0.5, 0.5]))
    True
    """
    x = np.asarray(x)
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def evaluations(compute, f, *args) -> int:
    """How many points ``compute(f, *args)`` (e.g. ``gl.hvp``, ``gl.hessian``) evaluates f at.

    >>> evaluations(numeric.hessian, rosenbrock_n, np.full(3, 0.5))  # n^2 + 3n + 3 here
    21
    """
    count = [0]

    def counted(x):
        count[0] += 1
        return f(x)

    compute(counted, *args)
    return count[0]


def model_lines(s: SecondOrderScene, levels, box, radius: float, num: int = 81) -> list:
    """Level lines of the quadratic model at ``s.x``, inside the disk of ``radius`` around x.

    Parameters
    ----------
    s : SecondOrderScene
    levels : array_like
        The values whose level lines are drawn.
    box : array_like, shape (2, 2)
        The window, rows (low, high); the model is evaluated on a num x num grid over it.
    radius : float
        Far from x the model is not f: its lines are drawn only near x.

    Returns
    -------
    list of ndarray, each shape (k, 2)
        Polylines (points of the plane) where the model equals one of ``levels``.
    """
    X, Y, _ = grid(lambda p: np.zeros(p.shape[1]), box, num)
    D = np.stack([X.ravel() - s.x[0], Y.ravel() - s.x[1]])
    Q = s.model(D).reshape(X.shape)
    Q = np.ma.masked_where(np.hypot(*D).reshape(X.shape) > radius, Q)
    gen = contourpy.contour_generator(X, Y, Q)
    return [line for level in levels for line in gen.lines(level) if len(line) > 1]


def eigen_segments(s: SecondOrderScene, box, length: float) -> np.ndarray:
    """The eigenvector lines through x, each ``length`` on both sides, cut at the window.

    Returns
    -------
    ndarray, shape (2, 2, 2)
        Segment i (start, end) along eigenvector i, pointing like the eigenvector from start to end.
    """
    out = []
    for i in range(2):
        v = s.eigenvectors[:, i]
        a = clip_segment(s.x, s.x - length * v, box)[0]
        b = clip_segment(s.x, s.x + length * v, box)[0]
        out.append([a, b])
    return np.array(out)


# ---- the drawing ----------------------------------------------------------------------
TEXT_SIZE = 9  # every text of the figure, in points


@dataclass
class SecondOrderArtists(style.Drawing):
    """The drawing of :func:`plot_second_order`: its moving artists and what moving them uses."""

    model: LineCollection
    eigen: list  # two Line2D
    eigen_labels: list  # two Text
    gradient_step: object
    newton_step: object
    newton_end: Line2D
    path: Line2D
    point: Line2D
    levels: np.ndarray
    box: np.ndarray

    @property
    def moving(self) -> list:
        return [
            self.model,
            *self.eigen,
            *self.eigen_labels,
            self.path,
            self.gradient_step,
            self.newton_step,
            self.newton_end,
            self.point,
        ]

    def update(self, s) -> None:
        """Move the artists of :func:`plot_second_order` to scene ``s`` (same function)."""
        box = self.box
        self.model.set_segments(model_lines(s, self.levels, box, model_radius(box)))
        segments = eigen_segments(s, box, _eigen_length(box))
        ends = label_ends(segments, s.x, box)
        for i, (line, label) in enumerate(zip(self.eigen, self.eigen_labels)):
            lam = s.eigenvalues[i]
            line.set_data(segments[i, :, 0], segments[i, :, 1])
            line.set_linestyle("-" if lam >= 0 else ":")
            pos, ha, va = _label_place(ends[i], box)
            label.set_position(pos)
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            label.set_text(f"λ{i + 1} = {eigenvalue_text(lam, s.eigenvalues)}")
        _move_step(self.gradient_step, s.x, *_step_end(s.x, s.gradient_step, box))
        end, cut = _step_end(s.x, s.newton_step, box)
        _move_step(self.newton_step, s.x, end, cut)
        self.newton_step.set_visible(s.newton_step is not None)
        self.newton_end.set_data([end[0]], [end[1]])
        self.newton_end.set_visible(s.newton_step is not None and not cut)  # where it lands
        self.path.set_data(s.path[:, 0], s.path[:, 1])
        self.point.set_data([s.x[0]], [s.x[1]])


def window(name: str) -> np.ndarray:
    """The explorer's picture of ``name``: the sliders' range grown by 4% on every side, so that
    the point, even at a slider's end, is drawn whole. Rows (low, high), shape (2, 2).

    >>> window("paraboloid").round(2).tolist()
    [[-2.16, 2.16], [-2.16, 2.16]]
    """
    box = bounds(name)
    return box + 0.04 * np.ptp(box, axis=1).min() * np.array([-1.0, 1.0])


def model_radius(box) -> float:
    """Radius of the disk around x where the explorer draws the model: 30% of the window."""
    return 0.3 * np.ptp(np.asarray(box, dtype=float), axis=1).min()


def _eigen_length(box) -> float:
    return 0.15 * np.ptp(np.asarray(box, dtype=float), axis=1).min()


def eigenvalue_text(lam: float, eigenvalues) -> str:
    """An eigenvalue to 4 significant digits; "0" when it is 0 to H's accuracy (:data:`SINGULAR`).

    >>> eigenvalue_text(457.4, [44.6, 457.4]), eigenvalue_text(-2.1e-12, [-2.1e-12, 0.28])
    ('457.4', '0')
    """
    if abs(lam) <= np.abs(eigenvalues).max() / SINGULAR:
        return "0"
    return f"{lam:.4g}"


def label_ends(segments, x, box) -> np.ndarray:
    """Where the eigenvalues are written: an end of each eigenvector's line, apart from each other.

    Each label goes to the end of its line farther from x (the other may be cut short by the
    window's edge); the second label moves to its line's other end when that is farther from the
    first label, and a tenth of the window up or down (towards the middle) when the two labels
    would still overlap (in a corner, where the lines are cut short): a label is about a quarter
    of the window wide and a twentieth high.

    Returns
    -------
    ndarray, shape (2, 2)
        Row i is the point where eigenvalue i is written.

    >>> label_ends(np.array([[[0.0, -1.0], [0.0, 1.0]], [[-1.0, 0.0], [1.0, 0.0]]]), [0.0, 0.0],
    ...            [[-2.0, 2.0], [-2.0, 2.0]]).tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    box = np.asarray(box, dtype=float)
    size = np.ptp(box, axis=1)

    def apart(a, b):
        return float(np.linalg.norm((b - a) / size))

    def overlap(a, b):
        return bool(np.all(np.abs((b - a) / size) < [0.3, 0.08]))

    def far(a, b, frm):
        return b if apart(frm, b) >= apart(frm, a) else a

    first = far(*segments[0], x)
    second = far(*segments[1], x)
    other = segments[1, 0] if np.array_equal(second, segments[1, 1]) else segments[1, 1]
    second = far(second, other, first)
    if overlap(first, second):
        up = 1.0 if first[1] < box[1].mean() else -1.0
        second = first + [0.0, up * 0.1 * size[1]]
    return np.array([first, second])


def _label_place(end, box):
    """Where to write an eigenvalue: at ``end``, inside the window, the text running inwards."""
    box = np.asarray(box, dtype=float)
    size = np.ptp(box, axis=1)
    centre = box.mean(axis=1)
    pos = np.clip(end, box[:, 0] + 0.03 * size, box[:, 1] - 0.03 * size)
    ha = "right" if pos[0] > centre[0] else "left"
    va = "top" if pos[1] > centre[1] else "bottom"
    return pos, ha, va


def _step_end(x, d, box):
    """The drawn end of a step d (2, 1) from x: the landing point, or the window's edge."""
    if d is None:
        return x, False
    return clip_segment(x, x + d[:, 0], box)


#: Shortest arrow (pixels) drawn with a head: a head is about 6 pixels long and wide, and on a
#: shorter arrow it would stick out behind the arrow's start.
HEAD_PIXELS = 8.0


def _move_step(patch, start, end, cut: bool):
    """Move a step's arrow; a head only where the step ends in the window and is long enough."""
    move(patch, start, end)
    pixels = np.ptp(patch.axes.transData.transform([start, end]), axis=0)
    long_enough = float(np.hypot(*pixels)) >= HEAD_PIXELS
    patch.set_arrowstyle("-|>" if long_enough and not cut else "-")


def plot_second_order(ax, s: SecondOrderScene, *, levels) -> SecondOrderArtists:
    """The quadratic model's level lines, H's eigenvectors, both steps, the path and the point.

    Parameters
    ----------
    ax : Axes with the contours of f already drawn (:func:`plot_contours`).
    s : SecondOrderScene
    levels : array_like
        f's contour levels: the model's level lines are drawn at the same values, so near x they
        lie on f's contour lines.

    The points the scene's path visited are joined by a thin line.
    """
    box = window(s.name)
    R = style.ROLES
    artists = SecondOrderArtists(
        model=ax.add_collection(
            LineCollection([], colors=R["tangent"], linestyles="--", linewidths=1.4, zorder=3)
        ),
        eigen=[ax.plot([], [], color=R["highlight"], lw=2.2, zorder=4)[0] for _ in range(2)],
        eigen_labels=[
            ax.text(
                0,
                0,
                "",
                color="#8a5a00",
                fontsize=TEXT_SIZE,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            for _ in range(2)
        ],
        gradient_step=arrow(ax, s.x, s.x, R["gradient"], width=2.2, zorder=5),
        newton_step=arrow(ax, s.x, s.x, R["direction"], width=2.2, zorder=5),
        newton_end=ax.plot([], [], "o", mfc="white", mec=R["direction"], ms=6, zorder=6)[0],
        path=ax.plot([], [], "-", color=R["point"], lw=0.9, marker=".", ms=4, zorder=4)[0],
        point=ax.plot([], [], "o", color=R["point"], ms=6, zorder=7)[0],
        levels=np.asarray(levels),
        box=box,
    )
    artists.update(s)
    return artists


def legend_handles() -> list:
    """What the colours and lines of the explorer mean."""
    R = style.ROLES
    return [
        Line2D([], [], color=R["grid"], lw=1.0, label="f: contours"),
        Line2D(
            [],
            [],
            color=R["tangent"],
            lw=1.4,
            ls="--",
            label="quadratic model\nnear x, same levels",
        ),
        Line2D([], [], color=R["highlight"], lw=2.2, label="eigenvectors of H\n(dotted: λ < 0)"),
        Line2D([], [], color=R["gradient"], lw=2.2, label="gradient step\n-α∇f(x)ᵀ"),
        Line2D([], [], color=R["direction"], lw=2.2, label="Newton step\n-H⁻¹∇f(x)ᵀ"),
        Line2D([], [], color=R["point"], lw=0.9, marker=".", label="path so far"),
    ]


# ---- the widget ----------------------------------------------------------------------
class SecondOrderExplorer(SteppedPoint, LessonWidget):
    """Contours of f, the quadratic model at x, H's eigenvectors, and a gradient and a Newton step.

    Parameters
    ----------
    name : str
        A scalar field of the catalogue with two inputs (:func:`gradlib.topics.gradient_row.names`).
    x : (float, float)
        Starting point.
    alpha : float
        Step size of the gradient step -alpha grad f(x)^T.

    Controls: ``function`` (Dropdown), ``x1``, ``x2`` (the point), ``alpha`` (sliders), and the
    buttons ``gradient_button`` and ``newton_button`` (take that step) and ``back`` (back to the
    point where the path started).

    Examples
    --------
    >>> w = SecondOrderExplorer("paraboloid", x=(1.0, 0.5))
    >>> w.newton_button.click()          # the model of a quadratic is the function itself
    >>> w.state["x"].round(12).tolist(), w.state["steps"]
    ([0.0, 0.0], {'Newton step': 1})
    """

    text = (
        "Second-order explorer: run the notebook to move the point and race the gradient step "
        "against Newton's step."
    )
    size = "small"
    panel_width = "320px"

    def __init__(self, name: str = "rosenbrock", x=(-0.5, 0.0), alpha: float = 0.002):
        self.function = ipywidgets.Dropdown(
            options=names(), value=name, description="f", layout=ipywidgets.Layout(width="190px")
        )
        (x0, x1), (y0, y1) = bounds(name)
        var1, var2 = variable_names(name)
        self.x1 = _slider(var1, x[0], x0, x1)
        self.x2 = _slider(var2, x[1], y0, y1)
        self.alpha = alpha_slider(alpha)
        button = ipywidgets.Layout(width="150px")
        self.gradient_button = ipywidgets.Button(
            description="gradient step", layout=button, tooltip="move the point by -α ∇f(x)ᵀ"
        )
        self.newton_button = ipywidgets.Button(
            description="Newton step", layout=button, tooltip="move the point by -H⁻¹ ∇f(x)ᵀ"
        )
        self.back = ipywidgets.Button(
            description="back to start", layout=button, tooltip="back to where the path started"
        )
        self.listen(self.gradient_button, self.take, "gradient")
        self.listen(self.newton_button, self.take, "newton")
        self.listen(self.back, self.back_to_start)
        self.listen(self.function, self._new_function)
        self._start_point()
        super().__init__(
            [
                self.function,
                self.x1,
                self.x2,
                self.alpha,
                self.gradient_button,
                self.newton_button,
                self.back,
            ]
        )

    def _new_function(self, change):
        # Keep the point inside the new function's window; the refresh follows from the dropdown.
        (x0, x1), (y0, y1) = bounds(change["new"])
        var1, var2 = variable_names(change["new"])
        self.x1 = self.renew_slider(self.x1, x0, x1, self.x1.value, var1)
        self.x2 = self.renew_slider(self.x2, y0, y1, self.x2.value, var2)

    def take(self, method: str) -> bool:
        """Take the gradient step (``method="gradient"``) or Newton's step (``"newton"``)."""
        s = self._scene
        if method == "gradient":
            return self.move_point(
                s.x + s.gradient_step[:, 0], "gradient step", s.value, s.after_gradient
            )
        if s.newton_step is None:
            self.step_message = "H is singular here: there is no Newton step. The point stays."
            self.refresh()
            return False
        return self.move_point(s.x + s.newton_step[:, 0], "Newton step", s.value, s.after_newton)

    def back_to_start(self):
        """Back to the first point of the path; the path starts again."""
        with self._sliders_after_picture():
            self._set_point(self.path[0])
            self._forget_steps()
            self.refresh()

    def scene(self):
        x = self.point(key=self.function.value)  # first: a new point starts a new path
        return scene(self.function.value, x, self.alpha.value, path=self.path)

    def static_key(self, s):
        return s.name

    def prerender_scenes(self):
        return [scene(name, bounds(name).mean(axis=1)) for name in self.function.options]

    def draw(self, s):
        ax = self.axes[0]
        X, Y, Z = grid(scalar(s.name), window(s.name))
        cs = plot_contours(
            ax,
            X,
            Y,
            Z,
            title=f"{s.name}: f, its quadratic model at x, two steps",
            labels=variable_names(s.name),
        )
        for text in cs.labelTexts:
            text.set_fontsize(TEXT_SIZE)
        ax.title.set_fontsize(TEXT_SIZE + 1)
        style.legend_beside(
            ax, legend_handles(), fontsize=TEXT_SIZE, borderaxespad=0.0, handlelength=1.6
        )
        return plot_second_order(ax, s, levels=cs.levels)

    def panel_html(self, s) -> str:
        R = style.ROLES
        lam = s.eigenvalues
        out = [
            line_html("x =", f"({fmt(s.x[0])}, {fmt(s.x[1])}),  f(x) = {fmt(s.value)}"),
            product_html(
                matrix_html(s.gradient, name="∇f(x)", color=R["gradient"]),
                matrix_html(s.hessian, name="H(x)"),
            ),
            line_html(
                "symbolic H(x) agrees:",
                f"largest difference {np.abs(s.hessian - s.hessian_exact).max():.1e}; H = Hᵀ",
            ),
            line_html(
                f"eigenvalues {lam[0]:.4g}, {lam[1]:.4g}:", MODEL_SHAPE[s.kind], R["highlight"]
            ),
            line_html(
                f"gradient step -α∇f(x)ᵀ (2 x 1), α = {fmt(s.alpha)}:",
                f"[{fmt(s.gradient_step[0, 0])}, {fmt(s.gradient_step[1, 0])}]ᵀ; f there "
                f"{fmt(s.after_gradient)}, model {fmt(s.model_gradient)}",
                R["gradient"],
            ),
        ]
        if s.newton_step is None:
            out.append(line_html("Newton step:", "none, H is singular.", R["direction"]))
        else:
            uphill = " It starts uphill: ∇f(x) d > 0." if s.newton_uphill else ""
            d = s.newton_step
            out.append(
                line_html(
                    "Newton step -H⁻¹∇f(x)ᵀ (2 x 1):",
                    f"[{fmt(d[0, 0])}, {fmt(d[1, 0])}]ᵀ; f there "
                    f"{fmt(s.after_newton)}, model {fmt(s.model_newton)}.{uphill}",
                    R["direction"],
                )
            )
        if self.step_message:
            counts = ", ".join(
                f"{n} {what}{'s' if n > 1 else ''}" for what, n in self.steps.items()
            )
            out.append(line_html(self.step_message, f"So far: {counts}." if counts else ""))
        return "".join(out)

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "function": s.name,
            **{f.name: getattr(s, f.name) for f in fields(s) if f.name != "name"},
            "kind": s.kind,
            "path": np.array(self.path),
            "steps": dict(self.steps),
            "step_message": self.step_message,
        }

    def demo_moves(self):
        return [
            ("Newton step", self.newton_button.click),
            ("gradient step", self.gradient_button.click),
            ("back to start", self.back.click),
            ("move x", lambda: setattr(self.x1, "value", 0.5)),
            ("move y", lambda: setattr(self.x2, "value", 1.5)),
            ("change alpha", lambda: setattr(self.alpha, "value", 0.001)),
            ("change f", lambda: setattr(self.function, "value", "saddle")),
            ("Newton step", self.newton_button.click),
            ("change f", lambda: setattr(self.function, "value", "rosenbrock")),
        ]

    def alt_text(self, s) -> str:
        lam = s.eigenvalues
        newton = (
            "no Newton step (H is singular)"
            if s.newton_step is None
            else f"Newton's step [{s.newton_step[0, 0]:.3f}, {s.newton_step[1, 0]:.3f}]"
        )
        return (
            f"Contour map of {s.name} with the point x = ({s.x[0]:.2f}, {s.x[1]:.2f}), the "
            f"dashed level lines of the quadratic model at x, the eigenvectors of H with "
            f"eigenvalues {lam[0]:.3g} and {lam[1]:.3g}, the gradient step of size alpha = "
            f"{s.alpha:.3f} and {newton} as arrows."
        )


# ---- exercises ----------------------------------------------------------------------
_ROSENBROCK = functions.get("rosenbrock").f


def curvature(x, v) -> np.ndarray:
    """The curvature of Rosenbrock at x along v, v^T H(x) v / (v^T v), shape (1, 1), from one H v.

    The reference of exercise 10.5. Along an eigenvector of H it is that eigenvalue.

    >>> curvature([1.0, 1.0], [1.0, 0.0]).round(4)        # H[0, 0] = 1200 - 400 + 2
    array([[802.]])
    """
    v = np.asarray(v, dtype=float).reshape(-1, 1)
    return v.T @ numeric.hvp(_ROSENBROCK, x, v) / (v.T @ v)


def _curvature_unnormalized(x, v):
    """Exercise 10.5's mistake: v^T H v without dividing by v^T v."""
    v = np.asarray(v, dtype=float).reshape(-1, 1)
    return v.T @ numeric.hvp(_ROSENBROCK, x, v)


def _curvature_by_length(x, v):
    """Exercise 10.5's mistake: divided by the length |v| instead of v^T v."""
    v = np.asarray(v, dtype=float).reshape(-1, 1)
    return v.T @ numeric.hvp(_ROSENBROCK, x, v) / np.linalg.norm(v)


def _hessian_times_v(x, v):
    """Exercise 10.5's mistake: H v itself, a (2, 1) column, not the number v^T H v / v^T v."""
    return numeric.hvp(_ROSENBROCK, x, v)


add(
    Exercise(
        id="10.1",
        kind="hessian",
        statement="Let $f(x, y) = x^3 y + y^3$. Compute its Hessian at $(x, y) = (2, 1.5)$ by "
        "hand, as a (2, 2) matrix `[[..., ...], [..., ...]]`: row $i$, column $j$ holds "
        "$\\partial^2 f / \\partial x_i \\partial x_j$, with $x_1 = x$ and $x_2 = y$ "
        "(3 significant digits are enough).",
        hints=(
            "The Hessian is the Jacobian of the transposed gradient: write the gradient row first, "
            "one partial derivative per variable.",
            "Row 1 holds the derivatives of df/dx by x (column 1) and by y (column 2), row 2 "
            "those of df/dy; the two off-diagonal entries must come out equal.",
            "Differentiate df/dx = 3x^2 y and df/dy = x^3 + 3y^2 once more each, then put in the "
            "point.",
        ),
        problem={"f": "x**3*y + y**3", "variables": "x y", "x": [2, 1.5]},
        mistakes=(
            Mistake(
                "the mixed second derivatives left out",
                answer=[[18, 0], [0, 9]],
                kind="missing_mixed_term",
                message="The diagonal is right, but the mixed second derivatives are missing: the "
                "off-diagonal "
                "entries are d^2f/dx dy = d^2f/dy dx, the derivative of df/dx with respect to y.",
            ),
            Mistake(
                "x and y swapped",
                answer=[[9, 12], [12, 18]],
                kind="swapped_variables",
                message="These are the right entries in the wrong places: row 1 and column 1 "
                "belong to x_1 = x, so the top-left entry is d^2f/dx^2.",
            ),
            Mistake(
                "the gradient instead",
                answer=[[18, 14.75]],
                kind="gradient_instead",
                message="This is the gradient, the first derivatives (1 x 2); the Hessian "
                "holds the second derivatives: differentiate each entry of the gradient once "
                "more, by x and by y (2 x 2).",
            ),
            Mistake(
                "the gradient instead (transposed)",
                answer=[[18], [14.75]],
                kind="gradient_instead",
                message="This is the transposed gradient, the first derivatives (2 x 1); the "
                "Hessian is its Jacobian: differentiate each entry once more, by x and by y (2 "
                "x 2).",
            ),
        ),
        examples_wrong=(
            ([[18, 0], [0, 9]], "missing_mixed_term"),
            ([[9, 12], [12, 18]], "swapped_variables"),
            ([[18, 14.75]], "gradient_instead"),
            ([18, 12, 12, 9], "wrong_shape"),
        ),
    )
)

add(
    Exercise(
        id="10.2",
        kind="shape",
        statement="A function $f: \\mathbb{R}^4 \\to \\mathbb{R}$ has the quadratic model "
        "$f(x) + \\nabla f(x)\\, d + \\tfrac{1}{2} d^T H d$ for a step $d$ of shape (4, 1). "
        "What is the shape of its Hessian $H$? Answer as `(rows, columns)`.",
        hints=(
            "H is the Jacobian of the map x -> grad f(x)^T, whose value is a column.",
            "A Jacobian of a map R^n -> R^m has shape (m, n): count the outputs of x -> grad "
            "f(x)^T "
            "and its inputs.",
            "Check with the model: d^T H d must be (1 x 1) for a step d of shape (4, 1).",
        ),
        problem={"shape": (4, 4)},
        mistakes=(
            Mistake(
                "the gradient's shape",
                answer=(1, 4),
                kind="gradient_shape",
                message="(1, 4) is the shape of the gradient, the first derivatives; the "
                "Hessian has one row for each entry of the gradient.",
            ),
            Mistake(
                "the gradient's shape (a column)",
                answer=(4, 1),
                kind="gradient_shape",
                message="(4, 1) is the shape of the transposed gradient (or of d); the Hessian "
                "is its Jacobian: one column for each of the 4 inputs.",
            ),
        ),
        examples_wrong=(((1, 4), "gradient_shape"), ((4, 1), "gradient_shape"), (16, "one_d")),
    )
)

add(
    Exercise(
        id="10.3",
        kind="quadratic_model",
        statement="At a point $x$ a function has $f(x) = 3$, $\\nabla f(x) = [-3,\\ 1]$ and "
        "$H = \\begin{bmatrix} 6 & -1 \\\\ -1 & 4 \\end{bmatrix}$. What does the quadratic "
        "model $f(x) + \\nabla f(x)\\, d + \\tfrac{1}{2} d^T H d$ predict for the step "
        "$d = (0.5,\\ 0.25)^T$? Answer with one number (3 significant digits are enough).",
        hints=(
            "Three terms: f(x), the linear term grad f(x) d (a 1 x 2 row times a 2 x 1 column), "
            "and "
            "the quadratic term (1/2) d^T H d.",
            "d^T H d = H11 d1^2 + 2 H12 d1 d2 + H22 d2^2: the mixed entry counts twice because "
            "H12 = H21.",
            "Compute H d first (a 2 x 1 column), then d^T (H d), a 1 x 1 number; do not forget "
            "the 1/2.",
        ),
        problem={
            "value": 3,
            "gradient": [[-3, 1]],
            "hessian": [[6, -1], [-1, 4]],
            "d": [0.5, 0.25],
        },
        mistakes=(
            Mistake(
                "the 1/2 left out",
                answer=3.25,
                kind="missing_half",
                message="You added d^T H d without the factor 1/2: the quadratic term of "
                "Taylor's formula is (1/2) d^T H d, as (1/2) f'' h^2 in one variable.",
            ),
            Mistake(
                "f(x) left out",
                answer=-0.5,
                kind="missing_value",
                message="This is the predicted change f(x + d) - f(x); the model's value "
                "also has f(x) itself.",
            ),
            Mistake(
                "the linear model only",
                answer=1.75,
                kind="linear_only",
                message="This is the linear (tangent) model f(x) + grad f(x) d; the "
                "quadratic model adds (1/2) d^T H d.",
            ),
            Mistake(
                "the linear term's sign flipped",
                answer=5.0,
                kind="sign_of_linear_term",
                message="The linear term has the wrong sign: it is + grad f(x) d (the "
                "minus belongs to a gradient step's direction, not to the model).",
            ),
            Mistake(
                "the mixed entry counted once",
                answer=2.5625,
                kind="mixed_term_once",
                message="The mixed entry H12 = H21 counts twice in d^T H d: "
                "H11 d1^2 + 2 H12 d1 d2 + H22 d2^2.",
            ),
            Mistake(
                "the diagonal only",
                answer=2.625,
                kind="diagonal_only",
                message="d^T H d also has the mixed terms 2 H12 d1 d2, not only the "
                "diagonal H11 d1^2 + H22 d2^2.",
            ),
        ),
        examples_wrong=(
            (3.25, "missing_half"),
            (-0.5, "missing_value"),
            (1.75, "linear_only"),
            (2.5625, "mixed_term_once"),
            ([[2.75], [0.5]], "wrong_shape"),
            ("3 +", "parse_error"),
        ),
    )
)

add(
    Exercise(
        id="10.4",
        kind="choice",
        statement="The function $f(x, y) = x^2 + 4xy + y^2$ has $\\nabla f = [0,\\ 0]$ at the "
        "origin, "
        "where its Hessian is $H = \\begin{bmatrix} 2 & 4 \\\\ 4 & 2 \\end{bmatrix}$. Is the "
        'origin a `"minimum"`, a `"maximum"` or a `"saddle"`?',
        hints=(
            "Where the gradient is 0, the eigenvalues of H decide: all > 0 a minimum, all < 0 a "
            "maximum, both signs a saddle.",
            "For a 2 x 2 matrix, det H = lambda1 lambda2 and trace H = lambda1 + lambda2.",
            "The sign of det H tells whether the two eigenvalues have the same sign.",
        ),
        problem={
            "options": ["minimum", "maximum", "saddle"],
            "answer": "saddle",
            "why_not": {
                "minimum": "both diagonal entries are > 0, but the diagonal does not "
                "decide; the eigenvalues do. Their product is det H: what is "
                "its sign?",
                "maximum": "a maximum needs every eigenvalue < 0, and their sum, the "
                "trace 2 + 2, is > 0.",
            },
        },
        examples_wrong=(
            ("minimum", "wrong_choice"),
            ("maximum", "wrong_choice"),
            ("valley", "not_an_option"),
        ),
    )
)

add(
    Exercise(
        id="10.5",
        kind="code",
        statement="Write a function `curvature(x, v)` that returns the curvature of the Rosenbrock "
        'function `f = gl.functions.get("rosenbrock").f` at the point x along the '
        "direction v, $v^T H(x)\\, v \\,/\\, (v^T v)$, as a (1, 1) matrix. Use "
        "`gl.hvp(f, x, v)`, never H itself. x and v arrive as arrays of shape (2,).",
        hints=(
            "gl.hvp(f, x, v) returns H(x) v, a (2, 1) column, from two gradients.",
            "v^T (H v) is a (1 x 2) @ (2 x 1) product: make v a column with v.reshape(-1, 1), then "
            "use its transpose.",
            "Divide by v^T v (also 1 x 1), so that the length of v does not matter.",
        ),
        problem={
            "reference": "gradlib.topics.second_order:curvature",
            "inputs": [[[-0.5, 0.0], [1, 2]], [[0.0, 2.0], [1, 0]], [[1.0, 1.0], [2, -1]]],
            "what": "matrix",
        },
        mistakes=(
            Mistake(
                "not divided by v^T v",
                function="gradlib.topics.second_order:_curvature_unnormalized",
                kind="not_normalized",
                message="This is v^T H v; divide it by v^T v, so that a longer v does not give "
                "a larger curvature.",
            ),
            Mistake(
                "divided by |v|",
                function="gradlib.topics.second_order:_curvature_by_length",
                kind="divided_by_length",
                message="You divided by the length |v|; v^T H v grows like |v|^2, so divide by "
                "v^T v.",
            ),
            Mistake(
                "H v returned",
                function="gradlib.topics.second_order:_hessian_times_v",
                kind="hv_not_curvature",
                message="This is H v, a (2, 1) column; the curvature is the number v^T (H v) / "
                "(v^T v).",
            ),
        ),
        examples_wrong=(
            ("gradlib.topics.second_order:_curvature_unnormalized", "not_normalized"),
            ("gradlib.topics.second_order:_curvature_by_length", "divided_by_length"),
            ("gradlib.topics.second_order:_hessian_times_v", "hv_not_curvature"),
        ),
    )
)
