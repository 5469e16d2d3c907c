"""Lesson 2, the derivative of a curve is a column: f(t) on a curve, f'(t) and the step f'(t) dt.

The numbers (:func:`scene`, a :class:`CurveScene`), the drawing (:func:`plot_curve` for the
whole curve, :func:`plot_scene` for the point f(t), the linear step and the true next point, a
drawing that moves; in the plane or in 3-D), the widget
(:class:`CurveExplorer`), then the lesson's exercises.

>>> s = scene("circle", 0.0, dt=0.1)
>>> s.derivative.shape, s.dt.shape, s.step.shape
((2, 1), (1, 1), (2, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import ipywidgets
import numpy as np
from matplotlib.lines import Line2D

from .. import functions, numeric, symbolic
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._style import arrow, move
from ._widget import LessonWidget, fmt, line_html, matrix_html, product_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["CurveExplorer"]


# ---- the numbers ----------------------------------------------------------------------
def names() -> list[str]:
    """Catalogue curves R -> R^2 and R -> R^3, the explorer's choices."""
    return [e.name for e in functions.by_kind("curve") if e.n_out in (2, 3)]


def curve(name: str):
    """Catalogue curve ``name`` as f(t) -> ndarray (m,) for a float t (or (N,) -> (m, N))."""
    entry = functions.get(name)
    if entry.n_in != 1:
        raise GradlibError(
            f"{name!r} takes {entry.n_in} inputs; a curve takes one number t, "
            f"e.g. one of {names()}."
        )

    def f(t):
        t = np.asarray(t, dtype=float)
        return np.asarray(entry.f(t.reshape(1, *t.shape)), dtype=float).reshape(
            entry.n_out, *t.shape
        )

    return f


@lru_cache(maxsize=None)
def _symbolic_derivative(name: str):
    entry = functions.get(name)
    return symbolic.lambdify(symbolic.derivative(entry.expr, entry.variables[0]), entry.variables)


@dataclass(frozen=True)
class CurveScene:
    """Everything the curve explorer shows at one parameter value.

    Attributes
    ----------
    name : str
    t : float
    point : ndarray, shape (m,)
        f(t).
    derivative : ndarray, shape (m, 1)
        Numeric derivative column (``gl.derivative``): the velocity, tangent to the curve.
    derivative_symbolic : ndarray, shape (m, 1)
        Exact derivative (``gl.symbolic.derivative``) at t.
    dt : ndarray, shape (1, 1)
        The small change of the input, a 1 x 1 matrix.
    step : ndarray, shape (m, 1)
        Linear prediction of the move: derivative @ dt, (m x 1)(1 x 1) = (m x 1).
    true_step : ndarray, shape (m, 1)
        f(t + dt) - f(t).
    """

    name: str
    t: float
    point: np.ndarray
    derivative: np.ndarray
    derivative_symbolic: np.ndarray
    dt: np.ndarray
    step: np.ndarray
    true_step: np.ndarray

    @property
    def m(self) -> int:
        return self.point.size


def scene(name: str, t: float, dt: float = 0.25) -> CurveScene:
    """Point, derivative column and the step of a catalogue curve at ``t``.

    Examples
    --------
    >>> s = scene("circle", 0.0, dt=0.5)
    >>> (s.derivative_symbolic.round(6) + 0.0).tolist(), s.step.round(6).tolist()   # + 0.0: no -0.0
    ([[0.0], [1.0]], [[0.0], [0.5]])
    """
    f = curve(name)
    t = float(t)
    D = numeric.derivative(f, t)
    exact = np.asarray(_symbolic_derivative(name)(np.array([t])), dtype=float).reshape(D.shape)
    dt_ = np.array([[float(dt)]])
    point = f(t)
    return CurveScene(
        name=name,
        t=t,
        point=point,
        derivative=D,
        derivative_symbolic=exact,
        dt=dt_,
        step=D @ dt_,
        true_step=(f(t + float(dt)) - point).reshape(-1, 1),
    )


def t_range(name: str) -> tuple[float, float]:
    """The parameter interval of curve ``name``, its catalogue domain (once around a closed curve,
    two turns of the helix and the spiral).

    >>> t_range("circle")
    (0.0, 6.283185307179586)
    """
    ((low, high),) = functions.get(name).domain
    return float(low), float(high)


def trace(name: str, num: int = 400) -> np.ndarray:
    """Points along the whole curve, shape (m, num)."""
    return curve(name)(np.linspace(*t_range(name), num))


#: The dt slider's largest end; a fast curve gets a shorter one (:func:`dt_max`).
DT_MAX = 1.0


def dt_max(name: str) -> float:
    """The longest step dt whose tangent step f'(t) dt stays inside the picture from every point:
    the window's margin (a quarter of the curve's span) over the curve's largest speed, at most
    :data:`DT_MAX`, in steps of 0.05.

    >>> dt_max("circle"), dt_max("lissajous")
    (0.5, 0.1)
    """
    low, high = t_range(name)
    t = np.linspace(low, high, 2001)
    pts = curve(name)(t)
    # the largest speed between samples: gl.numeric's forward difference at the samples' step
    velocity = numeric.difference(curve(name), t[:-1], t[1] - t[0], "forward")
    speed = np.linalg.norm(velocity, axis=0).max()
    margin = 0.25 * np.ptp(pts, axis=1).max()
    return float(min(DT_MAX, max(0.05, np.floor(20 * margin / speed) / 20)))


# ---- the drawing ----------------------------------------------------------------------
def plot_curve(ax, name: str):
    """The whole curve of catalogue function ``name`` with fixed, padded limits; returns its
    line."""
    pts = trace(name)
    (line,) = ax.plot(*pts, color=style.ROLES["curve"], lw=2)
    low, high = pts.min(axis=1), pts.max(axis=1)
    pad = 0.25 * max(np.max(high - low), 1e-9)  # room for the tangent step near the edge
    setters = [ax.set_xlim, ax.set_ylim] + ([ax.set_zlim] if pts.shape[0] == 3 else [])
    for setter, lo, hi in zip(setters, low - pad, high + pad):
        setter(lo, hi)
    if pts.shape[0] == 2:
        ax.set_aspect("equal", adjustable="box")
        style.label(ax, f"{name}: the point f(t) and its tangent step", "f_1", "f_2")
    else:
        style.label(ax, f"{name}: the point f(t) and its tangent step", "f_1", "f_2", "f_3")
    return line


@dataclass
class SceneArtists(style.Drawing):
    """Moving artists of :func:`plot_scene`."""

    point: object
    step: object
    chord: object
    end: object

    @property
    def moving(self) -> list:
        return [self.chord, self.step, self.point, self.end]

    def update(self, s) -> None:
        """Move the artists of :func:`plot_scene` to scene ``s``."""
        tip = s.point + s.step[:, 0]
        true = s.point + s.true_step[:, 0]
        if s.m == 2:
            move(self.step, s.point, tip)
        else:
            _set(self.step, _segment(s.point, tip))
        _set(self.point, [[c] for c in s.point])
        _set(self.chord, _segment(s.point, true))
        _set(self.end, [[c] for c in true])


def _segment(a, b):
    return [[a[i], b[i]] for i in range(len(a))]


def plot_scene(ax, s) -> SceneArtists:
    """Point f(t), the step derivative @ dt from it (an arrow in 2-D), the true point f(t + dt)."""
    tip = s.point + s.step[:, 0]
    true = s.point + s.true_step[:, 0]
    if s.m == 2:
        step = arrow(ax, s.point, tip, style.ROLES["tangent"], width=2.4)
    else:  # 3-D axes have no arrow patches that follow the view: a thick segment and its tip
        step = ax.plot(*_segment(s.point, tip), color=style.ROLES["tangent"], lw=3)[0]
    artists = SceneArtists(
        point=ax.plot(*[[c] for c in s.point], "o", color=style.ROLES["point"], ms=7, zorder=5)[0],
        step=step,
        chord=ax.plot(*_segment(s.point, true), ":", color=style.ROLES["true"], lw=1.6)[0],
        end=ax.plot(
            *[[c] for c in true], "o", mfc="white", mec=style.ROLES["true"], ms=7, zorder=5
        )[0],
    )
    ax.legend(
        handles=[  # under the picture, not over the curve
            Line2D([], [], color=style.ROLES["curve"], lw=2, label="curve f(t)"),
            Line2D([], [], color=style.ROLES["tangent"], lw=2.4, label="step f'(t) dt"),
            Line2D(
                [],
                [],
                color=style.ROLES["true"],
                ls=":",
                marker="o",
                mfc="white",
                label="true f(t + dt)",
            ),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncols=3,
        fontsize=style.MIN_FONT_SIZE,
        frameon=False,
        handlelength=1.5,
        columnspacing=1.0,
    )
    return artists


def _set(line, pts):
    if hasattr(line, "set_data_3d"):
        line.set_data_3d(*pts)
    else:
        line.set_data(*pts)


# ---- the widget ----------------------------------------------------------------------
def _slider(description, value, low, high, step):
    return ipywidgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
        layout=ipywidgets.Layout(width="260px"),
    )


def _projection(name):
    return "3d" if curve(name)(0.0).size == 3 else None


class CurveExplorer(LessonWidget):
    """A curve f: R -> R^m (m = 2 or 3), the point f(t), the column f'(t) and the step f'(t) dt.

    Parameters
    ----------
    name : str
        A catalogue curve (:func:`names`); the helix is drawn in 3-D.
    t, dt : float
        Starting parameter and step.

    Controls: ``function`` (Dropdown), ``t``, ``dt`` (sliders).
    """

    text = "Curve explorer: run the notebook to move t and the step dt."
    size = "square"

    def __init__(self, name: str = "helix", t: float = 1.0, dt: float = 0.5):
        self.function = ipywidgets.Dropdown(
            options=names(), value=name, description="f", layout=ipywidgets.Layout(width="190px")
        )
        low, high = t_range(name)
        self.t = _slider("t", t, low, high, 0.05)
        reach = dt_max(name)
        self.dt = _slider("dt", float(np.clip(dt, -reach, reach)), -reach, reach, 0.05)
        self.projection = _projection(name)  # of the first axes; see view_projection
        self.listen(self.function, self._new_function)
        super().__init__([self.function, self.t, self.dt])

    def _new_function(self, change):
        low, high = t_range(change["new"])
        self.t = self.renew_slider(self.t, low, high, self.t.value)
        reach = dt_max(change["new"])
        self.dt = self.renew_slider(self.dt, -reach, reach, self.dt.value)

    def scene(self):
        return scene(self.function.value, self.t.value, self.dt.value)

    def static_key(self, s):
        return s.name

    def view_projection(self, s):
        return _projection(s.name)  # the helix is drawn on 3-D axes

    def prerender_scenes(self):
        # Four curves, drawn now: choosing another one then only blits.
        return [scene(name, sum(t_range(name)) / 2) for name in self.function.options]

    def draw(self, s):
        ax = self.axes[0]
        plot_curve(ax, s.name)
        return plot_scene(ax, s)

    def panel_html(self, s) -> str:
        R = style.ROLES
        m = s.m
        return "".join(
            [
                line_html(
                    "t =", f"{fmt(s.t, 2)},  f(t) = (" + ", ".join(fmt(v) for v in s.point) + ")"
                ),
                product_html(
                    matrix_html(s.derivative, name="f'(t)", color=R["tangent"]),
                    "@",
                    matrix_html(s.dt, name="dt", color=R["direction"]),
                    "=",
                    matrix_html(s.step, name="f'(t) dt", color=R["tangent"]),
                ),
                line_html(
                    f"({m} x 1) @ (1 x 1) = ({m} x 1):", "the derivative of a curve is a column."
                ),
                line_html(
                    "symbolic f'(t):",
                    "[" + ", ".join(fmt(v) for v in s.derivative_symbolic[:, 0]) + "]",
                ),
                product_html(matrix_html(s.true_step, name="f(t + dt) - f(t)", color=R["true"])),
            ]
        )

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "function": s.name,
            **{f.name: getattr(s, f.name) for f in fields(s) if f.name != "name"},
        }

    def demo_moves(self):
        moves = []
        for k in range(10):
            moves.append(("move t", lambda v=0.3 + 0.55 * k: setattr(self.t, "value", v)))
            moves.append(("change dt", lambda v=-0.9 + 0.18 * k: setattr(self.dt, "value", v)))
        moves += [
            ("change f", lambda n=n: setattr(self.function, "value", n))
            for n in ("circle", "helix")
        ]
        return moves

    def alt_text(self, s) -> str:
        return (
            f"The curve {s.name} in {s.m} dimensions with the point f({s.t:.2f}), the tangent step "
            f"f'(t) dt for dt = {s.dt[0, 0]:.2f} drawn as a green arrow, and the true point f(t + "
            "dt)."
        )


# ---- exercises ----------------------------------------------------------------------
_DEGREES = (
    "These are the values at {angle} degrees: your calculator or formula read the angle in "
    "degrees. Angles here are radians: t = {angle} means {angle} radian(s), about "
    "{degrees} degrees."
)

add(
    Exercise(
        id="2.1",
        kind="derivative",
        statement="A steeper helix than the lesson's, $f(t) = (\\cos t, \\sin t, t)$, maps "
        "$\\mathbb{R} \\to \\mathbb{R}^3$. Write its derivative at $t = 1$ as a column of "
        "shape (3, 1), e.g. `[[a], [b], [c]]`; 3 significant digits are enough, and entries "
        "may be formulas in $t$ typed as strings, such as `'t**2'`, evaluated at $t = 1$.",
        hints=(
            "Differentiate each component on its own: one entry per output, stacked in a column.",
            "Recall which of sin and cos picks up a minus sign when it is differentiated; the "
            "third component is t itself.",
            "f'(t) = (-sin t, cos t, 1). Put t = 1 in (radians).",
        ),
        problem={"f": ["cos(t)", "sin(t)", "t"], "variables": "t", "x": 1},
        mistakes=(
            Mistake("a row instead of a column", transform="transposed"),
            Mistake(
                "the minus sign of (cos t)' lost",
                answer=[["sin(t)"], ["cos(t)"], ["1"]],
                kind="sign_of_cos",
                message="The first entry has the wrong sign: the derivative of cos t is -sin t "
                "(and that of sin t is +cos t).",
            ),
            Mistake(
                "the point on the curve, not its velocity",
                answer=[["cos(t)"], ["sin(t)"], ["t"]],
                kind="value",
                message="That is the point f(1) on the curve, not its derivative: differentiate "
                "each component first.",
            ),
            Mistake(
                "degrees for radians",
                answer=[["-sin(t*pi/180)"], ["cos(t*pi/180)"], ["1"]],
                kind="degrees",
                message=_DEGREES.format(angle=1, degrees=57),
            ),
        ),
        examples_wrong=(([-0.841, 0.540, 1], "one_d"), ([[0], [1], [1]], "wrong_rows")),
    )
)

add(
    Exercise(
        id="2.2",
        kind="shape",
        statement="A curve $f: \\mathbb{R} \\to \\mathbb{R}^4$ describes a point moving in 4 "
        "dimensions. What is the shape of its derivative $f'(t)$? Answer as (rows, columns).",
        hints=(
            "Numerator layout: (outputs x inputs).",
            "Count: f takes a single number t and returns a point with 4 coordinates.",
        ),
        problem={"shape": (4, 1)},
        mistakes=(
            Mistake(
                "a square matrix",
                answer=(4, 4),
                kind="square",
                message="(4, 4) would be the Jacobian of a map from R^4 to R^4; this f has a "
                "single input, t.",
            ),
        ),
        examples_wrong=(((1, 4), "transposed"), (4, "one_d"), ((4,), "one_d")),
    )
)

add(
    Exercise(
        id="2.3",
        kind="derivative",
        statement="Let $f(t) = (t^2, e^t)$. Write $f'(3)$ as a column (2, 1); 3 significant digits "
        "are enough. Formulas as strings are fine, e.g. `'sqrt(t)'`: they are evaluated at $t = "
        "3$.",
        hints=(
            "Differentiate each component; the result is a column of two entries.",
            "The power rule handles t^2; the exponential is the one function that is its own "
            "derivative.",
            "f'(t) = (2t, e^t). Put t = 3 in; e^3 can be typed as 'exp(3)'.",
        ),
        problem={"f": ["t**2", "exp(t)"], "variables": "t", "x": 3},
        mistakes=(
            Mistake("a row instead of a column", transform="transposed"),
            Mistake(
                "the point, not the velocity",
                answer=[["t**2"], ["exp(t)"]],
                kind="value",
                message="That is f(3) itself, the point on the curve: differentiate each "
                "component first.",
            ),
            Mistake(
                "one derivative too many",
                answer=[["2"], ["exp(t)"]],
                kind="second_derivative",
                message="The first entry is the second derivative of t^2: differentiate once.",
            ),
            Mistake(
                "the power rule on e^t",
                answer=[["2*t"], ["t*exp(t - 1)"]],
                kind="power_rule_on_exp",
                message="The power rule is for t^n, a variable base with a fixed exponent; e^t has "
                "a fixed base and a variable exponent, and its derivative is e^t itself.",
            ),
        ),
        examples_wrong=(([6, 20.09], "one_d"), ([[6], [20]], "close")),
    )
)

add(
    Exercise(
        id="2.4",
        kind="derivative",
        statement="A spiral, $f(t) = (t\\cos t,\\; t\\sin t)$: its distance from the origin grows "
        "with $t$. Write its derivative at $t = \\pi/2$ as a column (2, 1); 3 significant digits "
        "are enough, and formulas in $t$ typed as strings are fine.",
        hints=(
            "Each component is a product of two functions of t: use the product rule, "
            "(u v)' = u' v + u v'.",
            "For t cos t take u = t and v = cos t; for t sin t, u = t and v = sin t. Each entry "
            "gets two terms.",
            "f'(t) = (cos t - t sin t, sin t + t cos t). Put t = pi/2 in: cos(pi/2) = 0, "
            "sin(pi/2) = 1.",
        ),
        problem={"f": ["t*cos(t)", "t*sin(t)"], "variables": "t", "x": 1.5707963267948966},
        mistakes=(
            Mistake("a row instead of a column", transform="transposed"),
            Mistake(
                "half of the product rule: u' v",
                answer=[["cos(t)"], ["sin(t)"]],
                kind="product_rule",
                message="Only half of the product rule: (t cos t)' = (t)' cos t + t (cos t)', and "
                "the second term is missing in both entries.",
            ),
            Mistake(
                "half of the product rule: u v'",
                answer=[["-t*sin(t)"], ["t*cos(t)"]],
                kind="product_rule",
                message="Only half of the product rule: (t cos t)' = (t)' cos t + t (cos t)', and "
                "the first term is missing in both entries.",
            ),
            Mistake(
                "the point, not the velocity",
                answer=[["t*cos(t)"], ["t*sin(t)"]],
                kind="value",
                message="That is the point f(pi/2) on the spiral: differentiate each component "
                "first.",
            ),
        ),
        examples_wrong=(([-1.571, 1], "one_d"), ("[[-1.571], [1]", "parse_error")),
    )
)
