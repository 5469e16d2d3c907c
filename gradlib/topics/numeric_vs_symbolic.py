"""Lesson 5, numeric vs symbolic: finite differences, their error against the step h, complex step.

Each stencil sits next to the Taylor expansion that explains its error. All of them take a
*fixed absolute* step ``h`` (a number or an array of steps, so one call gives a whole error
curve): that is what makes the V shape of the error visible, with truncation error on the right
and round-off on the left. Then the error curves drawn on log-log axes
(:func:`plot_error_curves`), the widget (:class:`StepSizeWidget`) and the lesson's exercises.

>>> import numpy as np
>>> h = np.array([1e-1, 1e-4])
>>> (central(np.exp, 1.0, h) - np.e).round(6)        # error shrinks like h**2
array([0.004533, 0.      ])
>>> float(complex_step(np.exp, 1.0, 1e-100) - np.e)  # no subtraction, no cancellation
0.0
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import ipywidgets
import numpy as np
import sympy as sp

from .. import numeric, symbolic
from ..errors import GradlibError, echo
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._widget import LessonWidget, line_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["StepSizeWidget"]

# ---- the numbers ----------------------------------------------------------------------
EPS = float(np.finfo(float).eps)

#: Errors below this are drawn at this value on log axes (an exact zero has no logarithm).
ERROR_FLOOR = 1e-17
#: Relative errors above this are off the chart (the panel still lists them).
ERROR_TOP = 10.0

#: The grid of steps behind every error curve: 10**-18 .. 10**0, ten per decade.
H_GRID = np.logspace(-18, 0, 181)


# The stencils. Expand f(x + h) = f + h f' + h^2/2 f'' + h^3/6 f''' + ... and read off the error.


def forward(f, x, h):
    """One-sided difference (f(x + h) - f(x)) / h.

    Taylor: the quotient is f'(x) + h/2 f''(x) + ..., so the error is first order in h.

    Parameters
    ----------
    f : callable, elementwise on numpy arrays
    x : float
    h : float or ndarray, shape (H,)

    Returns
    -------
    float or ndarray, shape (H,)
    """
    return (f(x + h) - f(x)) / h


def central(f, x, h):
    """Symmetric difference (f(x + h) - f(x - h)) / (2h).

    Taylor: the even terms cancel, leaving f'(x) + h^2/6 f'''(x) + ...: second order.
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def richardson(f, x, h):
    """Richardson extrapolation of central differences at h and 2h: (4 D(h) - D(2h)) / 3.

    Written out: (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / (12h). The h^2 terms of
    D(h) and D(2h) cancel, leaving f'(x) - h^4/30 f^(5)(x) + ...: fourth order.
    """
    return (4 * central(f, x, h) - central(f, x, 2 * h)) / 3


def complex_step(f, x, h):
    """Complex step Im f(x + ih) / h, for f analytic and real on the real line.

    Taylor with an imaginary step: f(x + ih) = f + ih f' - h^2/2 f'' - i h^3/6 f''' + ..., so the
    imaginary part over h is f'(x) - h^2/6 f'''(x) + ...: second order, and no subtraction of
    nearby numbers, so no round-off cancellation however small h is.
    """
    return np.imag(f(x + 1j * np.asarray(h))) / h


@dataclass(frozen=True)
class Stencil:
    """A finite-difference method: its formula, order p, and its error model.

    The error model is E(h) = C h^p + R eps |f(x)| / h: truncation (C from the Taylor
    expansion, a multiple of one higher derivative) plus round-off (R eps |f| is the error of the
    difference in the numerator). Minimizing gives h* = (R eps |f| / (p C))^(1/(p+1)).
    """

    name: str
    estimate: object = field(repr=False)
    order: int
    latex: str
    truncation_latex: str
    derivative_in_truncation: int  # which derivative C multiplies
    truncation_factor: float  # C = factor * |f^(d)(x)|
    roundoff_factor: float  # R; 0 when there is no cancellation


def _method(name, estimate, latex, truncation_latex, roundoff):
    """The lesson's view of ``gradlib.numeric.STENCILS[name]``: its order and leading error term
    come from that one table; the formula written out and the round-off factor R are the
    lesson's."""
    stencil = numeric.STENCILS[name]
    return Stencil(
        name,
        estimate,
        stencil.order,
        latex,
        truncation_latex,
        stencil.order + 1,
        abs(stencil.truncation),
        roundoff,
    )


STENCILS = {
    "forward": _method("forward", forward, r"\frac{f(x+h)-f(x)}{h}", r"\frac{h}{2} f''(x)", 1.0),
    "central": _method(
        "central", central, r"\frac{f(x+h)-f(x-h)}{2h}", r"\frac{h^2}{6} f'''(x)", 0.5
    ),
    "richardson": _method(
        "richardson",
        richardson,
        r"\frac{8\,(f(x+h)-f(x-h)) - (f(x+2h)-f(x-2h))}{12h}",
        r"-\frac{h^4}{30} f^{(5)}(x)",
        0.75,
    ),
    "complex": _method(
        "complex",
        complex_step,
        r"\frac{\operatorname{Im} f(x+ih)}{h}",
        r"-\frac{h^2}{6} f'''(x)",
        0.0,
    ),
}
METHODS = tuple(STENCILS)


@dataclass(frozen=True)
class StepProblem:
    """A scalar function f: R -> R at a point, with its exact derivatives from SymPy.

    Attributes
    ----------
    name : str
        Label for menus.
    expr : sympy.Expr
        f in the real variable ``x`` (read by :func:`gradlib.symbolic.parse`).
    x0 : float
        The point.
    f : callable
        f lambdified, elementwise on real or complex numpy arrays (for the complex step).
    derivatives : tuple of float
        f(x0), f'(x0), ..., f^(5)(x0): exact expressions lambdified and evaluated.
    """

    name: str
    expr: sp.Expr
    x0: float
    f: object = field(repr=False)
    derivatives: tuple

    @property
    def exact(self) -> float:
        """f'(x0), the reference every estimate is compared with."""
        return self.derivatives[1]


#: The functions of the step-size explorer: (expression, point, why it is interesting).
PROBLEMS = {
    "exp(x) at x = 1": ("exp(x)", 1.0, "every derivative equals f: the textbook V"),
    "Squire-Trapp at x = 1.5": (
        "exp(x)/sqrt(sin(x)**3 + cos(x)**3)",
        1.5,
        "the test function of the complex-step paper (1998)",
    ),
    "sin(10x) at x = 1": ("sin(10*x)", 1.0, "large higher derivatives: truncation bites earlier"),
    "log(x) at x = 0.01": ("log(x)", 0.01, "steps past 0 leave the domain: NaN on the right"),
}


def problem(name: str) -> StepProblem:
    """The :data:`PROBLEMS` entry ``name`` with f lambdified and its derivatives evaluated.

    >>> p = problem("exp(x) at x = 1")
    >>> round(p.exact, 12), len(p.derivatives)
    (2.718281828459, 6)
    """
    if name not in PROBLEMS:
        raise GradlibError(f"no step problem {name!r}; choose one of {list(PROBLEMS)}")
    text, x0, _ = PROBLEMS[name]
    expr = symbolic.parse(text, variables="x")
    (x,) = expr.free_symbols
    derivatives = tuple(float(sp.lambdify(x, sp.diff(expr, x, d), "numpy")(x0)) for d in range(6))
    return StepProblem(name, expr, x0, sp.lambdify(x, expr, "numpy"), derivatives)


def estimates(p: StepProblem, h):
    """Every method's estimate of f'(x0) at the absolute step(s) h.

    Returns
    -------
    dict of method -> float or ndarray, shape (H,); NaN where a step leaves f's domain.
    """
    with np.errstate(all="ignore"):  # log(-0.5) is NaN on purpose: the curve shows the gap
        return {m: s.estimate(p.f, p.x0, h) for m, s in STENCILS.items()}


def error_curves(p: StepProblem, hs=H_GRID):
    """Relative error |estimate - f'(x0)| / |f'(x0)| of every method over the steps ``hs``.

    Parameters
    ----------
    p : StepProblem
    hs : ndarray, shape (H,)

    Returns
    -------
    dict of method -> ndarray, shape (H,)
        Floored at :data:`ERROR_FLOOR` for log axes; NaN where the stencil left f's domain.

    Examples
    --------
    >>> p = problem("exp(x) at x = 1")
    >>> e = error_curves(p, np.array([1e-2, 1e-5, 1e-12]))
    >>> [f"{v:.0e}" for v in e["forward"][:2]]   # truncation error shrinks like h
    ['5e-03', '5e-06']
    >>> bool(e["forward"][2] > 1e-5)             # round-off grows like eps / h
    True
    """
    hs = np.asarray(hs, dtype=float)
    with np.errstate(invalid="ignore"):
        return {
            m: np.maximum(np.abs(est - p.exact) / abs(p.exact), ERROR_FLOOR)
            for m, est in estimates(p, hs).items()
        }


def measured_optimal_step(hs, errors) -> tuple[float, float]:
    """(h, error) at the smallest error of one curve (NaN entries ignored)."""
    i = int(np.nanargmin(errors))
    return float(hs[i]), float(errors[i])


def predicted_optimal_step(p: StepProblem, method: str) -> float:
    """h* = (R eps |f| / (p C))^(1/(p+1)) from the :class:`Stencil` error model; inf if R = 0.

    >>> p = problem("exp(x) at x = 1")
    >>> [f"{predicted_optimal_step(p, m):.0e}" for m in ("forward", "central", "richardson")]
    ['2e-08', '7e-06', '1e-03']
    """
    s = STENCILS[method]
    if s.roundoff_factor == 0:
        return float("inf")
    c = s.truncation_factor * abs(p.derivatives[s.derivative_in_truncation])
    r = s.roundoff_factor * EPS * abs(p.derivatives[0])
    return float((r / (s.order * c)) ** (1 / (s.order + 1)))


def optimal_steps(p: StepProblem, hs=H_GRID) -> list[dict]:
    """One row per difference method: order, predicted h*, measured best h and its error.

    The complex step has no round-off term, so it has no optimum: it is left out.
    """
    curves = error_curves(p, hs)
    rows = []
    for m in ("forward", "central", "richardson"):
        h_best, e_best = measured_optimal_step(hs, curves[m])
        rows.append(
            {
                "method": m,
                "order": STENCILS[m].order,
                "predicted h*": predicted_optimal_step(p, m),
                "measured h*": h_best,
                "error at h*": e_best,
            }
        )
    return rows


@dataclass(frozen=True)
class Attempt:
    """What happened when a call was tried: its value, or its error message, and any warnings."""

    value: object
    error: str | None
    warnings: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"raised {self.error}" if self.error else f"returned {self.value}"]
        lines += [f"warned {w}" for w in self.warnings]
        return "\n".join(lines)


def attempt(fn, *args, digits: int = 10, **kwargs) -> Attempt:
    """Call ``fn(*args, **kwargs)`` and report, instead of a traceback, what happened.

    Used by the lessons to show an error message or a warning as text (a stored traceback would
    differ between machines). Array values are rounded to ``digits``.

    >>> print(attempt(lambda: 1 / 0))
    raised ZeroDivisionError: division by zero
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = fn(*args, **kwargs), None
        except Exception as exc:  # noqa: BLE001 - showing any failure is the point
            value, error = None, f"{type(exc).__name__}: {exc}"
    if value is not None and error is None:
        value = np.round(np.asarray(value, dtype=float), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return Attempt(value, error, tuple(f"{w.category.__name__}: {w.message}" for w in caught))


@lru_cache(maxsize=None)
def _curves(name: str):
    """The problem and its error curves over :data:`H_GRID`, computed once per problem."""
    p = problem(name)
    return p, error_curves(p), tuple(optimal_steps(p))


@dataclass(frozen=True)
class StepScene:
    """What the step-size explorer shows: the error curves and every method at one step h.

    Attributes
    ----------
    problem : StepProblem
    hs : ndarray, shape (H,)
        The grid of steps, :data:`H_GRID`.
    curves : dict of method -> ndarray, shape (H,)
        Relative errors over ``hs``.
    h : float
        The selected step.
    estimates, errors : dict of method -> float
        Every method's estimate of f'(x0) at ``h`` and its relative error (floored).
    optima : tuple of dict
        :func:`optimal_steps` rows (forward, central, richardson).
    """

    problem: StepProblem
    hs: np.ndarray
    curves: dict
    h: float
    estimates: dict
    errors: dict
    optima: tuple


def scene(name: str, log10_h: float) -> StepScene:
    """The explorer's scene for problem ``name`` at the step h = 10**log10_h.

    >>> s = scene("exp(x) at x = 1", -5.0)
    >>> s.h, f"{s.errors['central']:.0e}", s.curves["forward"].shape
    (1e-05, '2e-11', (181,))
    """
    p, curves, optima = _curves(name)
    h = float(10.0**log10_h)
    est = {m: float(v) for m, v in estimates(p, h).items()}
    err = {
        m: float(max(abs(v - p.exact) / abs(p.exact), ERROR_FLOOR))
        if np.isfinite(v)
        else float("nan")
        for m, v in est.items()
    }
    return StepScene(p, H_GRID, curves, h, est, err, optima)


@dataclass(frozen=True)
class Agreement:
    """The same derivative from SymPy, a closed form, and gradlib's numeric methods.

    Attributes
    ----------
    rows : list of (source, value)
        Every value a float from a (1, 1) derivative.
    reference : float
        The symbolic value: SymPy's exact derivative, lambdified.
    """

    rows: list
    reference: float

    def __str__(self) -> str:
        width = max(len(s) for s, _ in self.rows)
        lines = [f"{'source':<{width}}  {'value':>16}  agrees with SymPy to 1e-8"]
        for source, v in self.rows:
            ok = abs(v - self.reference) <= 1e-8 * abs(self.reference)
            lines.append(f"{source:<{width}}  {v:16.9f}  {'yes' if ok else 'NO'}")
        return "\n".join(lines)


def agreement(
    text: str, x0: float, closed_form, methods=("central", "richardson", "complex")
) -> Agreement:
    """f'(x0) three ways: SymPy's exact derivative (lambdified), a closed form by hand,
    gl.derivative.

    Parameters
    ----------
    text : str
        f as a formula in one variable, read by :func:`gradlib.symbolic.parse`.
    x0 : float
    closed_form : callable
        f' typed by hand, ``closed_form(x0) -> float``.
    methods : sequence of str
        Methods of :func:`gradlib.derivative` to include.

    >>> a = agreement("x**2", 3.0, lambda x: 2 * x, methods=("central",))
    >>> [(s, round(v, 9)) for s, v in a.rows]
    [('SymPy, lambdified', 6.0), ('closed form', 6.0), ('gl.derivative central', 6.0)]
    >>> agreement("3", 1.0, lambda x: 0, methods=("central",)).reference
    0.0
    >>> agreement("x*y", 1.0, lambda x: 0)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    gradlib.errors.GradlibError: f = 'x*y' has 2 variables (x, y); agreement needs a formula in
    one variable, such as 'x**2'.
    """
    expr = symbolic.parse(text)
    names = sorted(expr.free_symbols, key=str)
    if len(names) > 1:
        raise GradlibError(
            f"f = {echo(text, 60)} has {len(names)} variables ({', '.join(map(str, names))}); "
            "agreement needs a formula in one variable, such as 'x**2'."
        )
    t = names[0] if names else symbolic.symbols("x")[0]  # a constant: f' = 0
    fprime = symbolic.lambdify(symbolic.derivative(expr, t), [t])
    reference = float(fprime(x0)[0, 0])
    f = sp.lambdify(t, expr, "numpy")
    rows = [("SymPy, lambdified", reference), ("closed form", float(closed_form(x0)))]
    rows += [
        (f"gl.derivative {m}", float(numeric.derivative(f, x0, method=m)[0, 0])) for m in methods
    ]
    return Agreement(rows, reference)


# ---- the drawing ----------------------------------------------------------------------
#: One color per method, the same in the figure, the panel and the lesson text.
METHOD_COLORS = {
    "forward": style.OKABE_ITO["vermillion"],
    "central": style.OKABE_ITO["blue"],
    "richardson": style.OKABE_ITO["bluish_green"],
    "complex": style.OKABE_ITO["reddish_purple"],
}


def plot_error_curves(ax, scene):
    """Draw every method's relative error over the grid of steps, and mark the step ``scene.h``.

    Parameters
    ----------
    ax : matplotlib Axes
    scene : gradlib.explore.StepScene

    Returns
    -------
    Drawing
        Its ``moving`` artists are everything that changes: the curves, the best-h markers, the
        title, the vertical line at h and one dot per method (the axes, labels and legend stay
        put); ``update(scene)`` moves them to a new scene (another step h or another function).
    """
    curves = {
        m: ax.loglog(scene.hs, scene.hs, color=c, lw=1.6, label=m)[0]
        for m, c in METHOD_COLORS.items()
    }
    best = {
        m: ax.plot(
            [], [], marker="v", ms=9, ls="none", color=METHOD_COLORS[m], markeredgecolor="black"
        )[0]
        for m in ("forward", "central", "richardson")
    }
    ax.axhline(EPS, color=style.ROLES["grid"], ls=":", lw=1.2)
    ax.text(
        scene.hs[0] * 3, EPS * 2.5, "machine epsilon", fontsize=style.FONT_SIZE, color="#555555"
    )
    # room for a marker at either end of the slider and of the chart
    ax.set_ylim(ERROR_FLOOR / 10, ERROR_TOP * 10)
    ax.set_xlim(scene.hs[0] / 3, scene.hs[-1] * 3)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        fontsize=style.MIN_FONT_SIZE,
        ncols=4,
        frameon=False,
    )  # under the axes, not over the curves
    style.label(ax, "Error of f'(x)", "step h (absolute)", "relative error")
    vline = ax.axvline(scene.h, color=style.ROLES["point"], lw=1, ls="--")
    dots = {
        m: ax.plot([], [], "o", ms=7, color=c, markeredgecolor="black")[0]
        for m, c in METHOD_COLORS.items()
    }

    def update(s):
        ax.title.set_text(f"Error of f'(x) for {s.problem.name}  (▼ best h)")
        for m, line in curves.items():  # an error beyond the top leaves the picture: not drawn
            line.set_data(s.hs, np.where(s.curves[m] <= ERROR_TOP, s.curves[m], np.nan))
        for row in s.optima:
            best[row["method"]].set_data([row["measured h*"]], [row["error at h*"]])
        vline.set_xdata([s.h, s.h])
        for m, dot in dots.items():  # the panel lists every error, also those off the chart
            dot.set_data([s.h], [s.errors[m] if s.errors[m] <= ERROR_TOP else np.nan])
        return [ax.title, *curves.values(), *best.values(), vline, *dots.values()]

    return style.Drawing(update(scene), update)


# ---- the widget ----------------------------------------------------------------------
_CELL = "padding:1px 6px;text-align:right;font-family:monospace;font-size:12px"


class StepSizeWidget(LessonWidget):
    """Pick a function and a step h; see each method's estimate of f'(x) and its error.

    Parameters
    ----------
    problem : str
        A key of :data:`PROBLEMS`.
    log10_h : float
        Starting step, as a power of ten.
    """

    text = "Step-size explorer: run the notebook to move h and pick a function."
    size = "small"

    def __init__(self, problem: str = "exp(x) at x = 1", log10_h: float = -5.0):
        self.dropdown = ipywidgets.Dropdown(
            options=list(PROBLEMS),
            value=problem,
            description="f:",
            layout=ipywidgets.Layout(width="250px"),
        )
        self.slider = ipywidgets.FloatLogSlider(
            value=10.0**log10_h,
            base=10,
            min=-18,
            max=0,
            step=0.5,
            description="h:",
            readout_format=".0e",
            continuous_update=True,
        )
        super().__init__([self.dropdown, self.slider])

    def scene(self):
        return scene(self.dropdown.value, round(float(np.log10(self.slider.value)), 6))

    def draw(self, s):
        return plot_error_curves(self.axes[0], s)

    def panel_html(self, s) -> str:
        p = s.problem
        rows = "".join(
            f'<tr><td style="{_CELL};text-align:left;color:{METHOD_COLORS[m]}"><b>{m}</b></td>'
            f'<td style="{_CELL}">{s.estimates[m]:.12f}</td><td '
            f'style="{_CELL}">{s.errors[m]:.1e}</td></tr>'
            for m in METHODS
        )
        table = (
            f'<table style="border-collapse:collapse"><tr><th style="{_CELL}">method</th>'
            f'<th style="{_CELL}">estimate at h</th><th style="{_CELL}">rel. '
            f"error</th></tr>{rows}</table>"
        )
        best = "".join(
            line_html(
                f"best h, {r['method']}:",
                f"{r['measured h*']:.0e} (error {r['error at h*']:.0e})",
                METHOD_COLORS[r["method"]],
            )
            for r in s.optima
        )
        return (
            line_html("f(x) =", html.escape(str(p.expr)))
            + line_html("x =", f"{p.x0:g}")
            + line_html("h =", f"{s.h:.0e}")
            + line_html("exact f'(x) =", f"{p.exact:.12f}")
            + table
            + best
        )

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "problem": s.problem.name,
            "h": s.h,
            "exact": s.problem.exact,
            "estimates": dict(s.estimates),
            "errors": dict(s.errors),
            "best_h": {r["method"]: r["measured h*"] for r in s.optima},
        }

    def demo_moves(self):
        return [
            ("h = 1e-8", lambda: setattr(self.slider, "value", 1e-8)),
            ("h = 1e-2", lambda: setattr(self.slider, "value", 1e-2)),
            ("function: sin(10x)", lambda: setattr(self.dropdown, "value", "sin(10x) at x = 1")),
            ("h = 1e-12", lambda: setattr(self.slider, "value", 1e-12)),
            ("function: exp(x)", lambda: setattr(self.dropdown, "value", "exp(x) at x = 1")),
        ]

    def alt_text(self, s) -> str:
        return (
            f"Log-log plot of the relative error of forward, central, Richardson and complex-step "
            f"derivatives of {s.problem.name} against h; the dashed line marks h = {s.h:.0e}."
        )


# ---- exercises ----------------------------------------------------------------------
add(
    Exercise(
        id="5.1",
        kind="hessian",
        statement="The forward difference of $f(x) = x^3$ at $x = 4$ is off by about $\\frac{h}{2} "
        "f''(4)$. Compute $f''(4)$ by hand. Answer with one number (or the (1, 1) matrix "
        "`[[...]]`); 3 significant digits are enough.",
        hints=(
            "f'' is the derivative of the derivative: differentiate twice, then put x in.",
            "The power rule, once, turns x^3 into a multiple of x^2; once more gives a multiple of "
            "x.",
            "f'(x) = 3 x^2, so f''(x) = 6 x. Put x = 4 in.",
        ),
        problem={"f": "x**3", "variables": "x", "x": [4]},
        mistakes=(
            Mistake(
                "f' instead of f''",
                answer="3*x**2",
                kind="first_derivative",
                message="That is f'(4), the derivative itself; the error term needs the second "
                "derivative, the derivative of f'.",
            ),
            Mistake(
                "f''' instead of f''",
                answer="6",
                kind="third_derivative",
                message="That is f''', one derivative too many (it is the central difference's "
                "error term that has f''').",
            ),
            Mistake(
                "f itself",
                answer="x**3",
                kind="value",
                message="That is f(4), not a derivative: differentiate twice first.",
            ),
        ),
        examples_wrong=(([[24, 24]], "wrong_shape"), ([24], "one_d")),
    )
)

add(
    Exercise(
        id="5.2",
        kind="difference",
        statement="Estimate the derivative of $f(x) = x^3$ at $x = 2$ by hand, with the central "
        "difference $\\dfrac{f(x + h) - f(x - h)}{2h}$ and the (large) step $h = 0.5$. Give "
        "the estimate itself, not the exact derivative; 3 significant digits are enough.",
        hints=(
            "Two values of f, one on each side of x; then their difference over the distance "
            "between the two points.",
            "The two points are x + h = 2.5 and x - h = 1.5; cube both.",
            "The estimate is (2.5^3 - 1.5^3) / (2 * 0.5).",
        ),
        problem={"f": "x**3", "variables": "x", "x": 2, "h": 0.5, "method": "central"},
        mistakes=(
            Mistake(
                "the exact derivative",
                answer="3*x**2",
                kind="exact_not_estimate",
                message="That is the exact derivative f'(2); the exercise asks for the estimate "
                "with h = 0.5, which is not the same: their gap is the truncation error "
                "this lesson is about.",
            ),
            Mistake(
                "the forward difference",
                change={"method": "forward"},
                kind="forward_not_central",
                message="That is the forward difference (f(x + h) - f(x)) / h; the central "
                "difference uses the two points x + h and x - h.",
            ),
            Mistake(
                "the backward difference",
                change={"method": "backward"},
                kind="backward_not_central",
                message="That is the backward difference (f(x) - f(x - h)) / h; the central "
                "difference uses the two points x + h and x - h.",
            ),
            Mistake(
                "divided by h instead of 2h",
                answer="((x + 0.5)**3 - (x - 0.5)**3) / 0.5",
                kind="divided_by_h",
                message="The points x + h and x - h are 2h apart: divide their difference by 2h, "
                "not by h.",
            ),
        ),
        examples_wrong=(([[12.25, 12.25]], "wrong_shape"), ([12.25], "one_d")),
    )
)

add(
    Exercise(
        id="5.3",
        kind="choice",
        statement="A finite-difference method estimates the derivative of $f(x) = e^x$ at $x = 1$. "
        "Its errors for three steps $h$:\n\n| $h$ | error |\n|---|---|\n| 0.1 | 4.53e-03 |\n| "
        "0.01 | 4.53e-05 |\n| 0.001 | 4.53e-07 |\n\nThe error behaves like $C h^p$. What is "
        "the order $p$? Answer with one of 1, 2, 3 or 4.",
        hints=(
            "Compare neighbouring rows: h shrinks by a factor of 10 each time. By what factor does "
            "the error shrink?",
            "If the error is C h^p, dividing h by 10 divides the error by 10^p.",
        ),
        problem={
            "options": ["1", "2", "3", "4"],
            "answer": "2",
            "why_not": {
                "1": "with p = 1 the error would shrink like h, by 10 per row; here it "
                "shrinks by more.",
                "3": "with p = 3 the error would shrink by 1000 per row; count the "
                "powers of ten between neighbouring rows again.",
                "4": "with p = 4 the error would shrink by 10,000 per row; count the "
                "powers of ten between neighbouring rows again.",
            },
            # the table, for the tests: the errors of this method at these steps
            "table": {"f": "exp(x)", "x": 1, "method": "central", "h": [0.1, 0.01, 0.001]},
        },
        examples_wrong=(("1", "wrong_choice"), ("h^2", "not_an_option"), (3, "wrong_choice")),
    )
)

add(
    Exercise(
        id="5.4",
        kind="difference",
        statement="The complex step estimates a curve's derivative one output at a time: "
        "$\\operatorname{Im} f(t + ih) / h$. Do it by hand for $f(t) = (t^3, \\sin t)$ at $t "
        "= 1$ with the (large) step $h = 0.5$: expand $(1 + 0.5i)^3$, and use $\\sin(a + ib) "
        "= \\sin a \\cosh b + i \\cos a \\sinh b$. Give the two estimates as a column (2, "
        "1), not the exact derivative; 3 significant digits are enough, and formulas typed "
        "as strings, e.g. `'sqrt(2)'`, are fine.",
        hints=(
            "Only the imaginary part counts: expand, keep the terms with i, then divide by h.",
            "(a + ib)^3 = a^3 + 3 a^2 (ib) + 3 a (ib)^2 + (ib)^3, with i^2 = -1 and i^3 = -i.",
            "Im (t + ih)^3 = 3 t^2 h - h^3 and Im sin(t + ih) = cos t sinh h; divide each by h "
            "and put t = 1 and h = 0.5 in.",
        ),
        problem={"f": ["t**3", "sin(t)"], "variables": "t", "x": 1, "h": 0.5, "method": "complex"},
        mistakes=(
            Mistake(
                "the exact derivative",
                answer=[["3*t**2"], ["cos(t)"]],
                kind="exact_not_estimate",
                message="That is the exact derivative; with h = 0.5 the complex step still has a "
                "truncation error, of order h^2: give the estimate itself.",
            ),
            Mistake(
                "the central difference",
                change={"method": "central"},
                kind="central_not_complex",
                message="That is the central difference (f(t + h) - f(t - h)) / 2h; the complex "
                "step evaluates f once, at the complex point t + ih.",
            ),
            Mistake(
                "not divided by h",
                answer=[["3*t**2*0.5 - 0.5**3"], ["cos(t)*sinh(0.5)"]],
                kind="not_divided",
                message="These are the imaginary parts themselves: divide each by h = 0.5.",
            ),
            Mistake("a row instead of a column", transform="transposed"),
        ),
        examples_wrong=(([2.75, 0.563], "one_d"), ([[2.75], [-0.563]], "sign_entries")),
    )
)

add(
    Exercise(
        id="5.5",
        kind="choice",
        statement="In float64 (machine epsilon $\\varepsilon \\approx 2.2 \\times 10^{-16}$) the "
        "central difference of $f(x) = e^x$ at $x = 1$ errs by about "
        "$\\frac{h^2}{6}|f'''(1)| + \\frac{\\varepsilon |f(1)|}{h}$: truncation plus "
        "rounding. Which step makes the total smallest? Answer with one of '1e-2', '1e-5', "
        "'1e-8' or '1e-12'.",
        hints=(
            "Evaluate both terms for each candidate h (here f''' = f = e^x); the total is about "
            "the larger of the two.",
            "The two terms are equal where h^3 is about 6 epsilon: the best step is near the cube "
            "root of a few times epsilon.",
        ),
        problem={
            "options": ["1e-2", "1e-5", "1e-8", "1e-12"],
            "answer": "1e-5",
            "why_not": {
                "1e-2": "at h = 1e-2 the truncation error h^2 e / 6 dominates: a smaller "
                "step is better.",
                "1e-8": "about sqrt(epsilon), the forward difference's best step. The "
                "central difference's truncation error falls like h^2, so it "
                "can afford a larger step; at 1e-8 its rounding error dominates.",
                "1e-12": "at h = 1e-12 the rounding error epsilon e / h, about 6e-4, "
                "dominates: a larger step is better.",
            },
            # the model, for the tests
            "model": {"f": "exp(x)", "x": 1, "method": "central"},
        },
        examples_wrong=(
            ("1e-8", "wrong_choice"),
            (1e-12, "wrong_choice"),
            ("1e-6", "not_an_option"),
        ),
    )
)


def loss(w) -> float:
    """L(w1, w2) = w1^2 sin(w2) + w2^3, for the gradient check of exercise 5.6; w has shape (2,)."""
    return float(w[0] ** 2 * np.sin(w[1]) + w[1] ** 3)


def loss_gradient(w) -> np.ndarray:
    """The gradient of :func:`loss` by hand, shape (1, 2): the reference of exercise 5.6."""
    return np.array([[2 * w[0] * np.sin(w[1]), w[0] ** 2 * np.cos(w[1]) + 3 * w[1] ** 2]])


def _loss_gradient_minus_cos(w):
    return np.array([[2 * w[0] * np.sin(w[1]), -(w[0] ** 2) * np.cos(w[1]) + 3 * w[1] ** 2]])


def _loss_gradient_column(w):
    return loss_gradient(w).T


add(
    Exercise(
        id="5.6",
        kind="code",
        statement="A gradient check. `lesson.loss(w)` computes $L(w_1, w_2) = w_1^2 \\sin w_2 + "
        "w_2^3$ for `w` of shape (2,). Write a function `grad_L(w)` that returns its gradient by "
        "hand (a formula, no finite differences) as a row of shape (1, 2). Check it yourself "
        "first: at a point of your choice, `gl.gradient(lesson.loss, w)` should agree with "
        "it to about 8 digits. Then give `grad_L` itself (without calling it) as the answer: "
        "it is run at three points. In code `w[0]` is $w_1$: NumPy counts from 0.",
        hints=(
            "One partial per weight, each with the other weight held fixed; return them as "
            "np.array([[dL/dw1, dL/dw2]]).",
            "For dL/dw2 both terms depend on w2: differentiate each; w1^2 is a constant factor "
            "there.",
            "dL/dw1 = 2 w1 sin(w2) and dL/dw2 = w1^2 cos(w2) + 3 w2^2.",
        ),
        problem={
            "reference": "gradlib.topics.numeric_vs_symbolic:loss_gradient",
            "inputs": [[[1.0, 2.0]], [[-0.5, 0.3]], [[2.0, -1.0]]],
            "what": "gradient",
        },
        mistakes=(
            Mistake(
                "(sin)' = -cos",
                function="gradlib.topics.numeric_vs_symbolic:_loss_gradient_minus_cos",
                kind="sign_of_sin",
                message="Your dL/dw2 has the derivative of sin with a minus sign: (sin)' = cos, "
                "and (cos)' = -sin.",
            ),
            Mistake(
                "a column instead of a row",
                function="gradlib.topics.numeric_vs_symbolic:_loss_gradient_column",
                kind="transposed",
                message="Your function returns a column, shape (2, 1); in numerator layout a "
                "gradient is a row, shape (1, 2): return np.array([[..., ...]]).",
            ),
        ),
        examples_wrong=(
            ("gradlib.topics.numeric_vs_symbolic:loss", "scalar_for_row"),
            (lambda w: [[0.0, 0.0]], "wrong_entries"),
        ),
    )
)
