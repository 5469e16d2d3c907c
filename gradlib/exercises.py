"""Exercises of every lesson: a registry, checked with instant feedback from ``gradlib.check``.

In a lesson, two short lines::

    answer = None  # replace None with your answer, e.g. [[1, 2]]
    gl.exercise("1.1").check(answer)

``check`` returns :class:`gradlib.check.Feedback` (truthy only when right; ``None`` gives a
neutral "your turn"). Numbers are accepted when right to 3 significant digits (:data:`DIGITS`).
``gl.exercise("1.1").hint()`` shows the first hint, folded; each further call shows one more.
The truth is computed from the problem's data with ``gradlib.symbolic`` when checking; it is
never written in a notebook and feedback never prints it.

Adding an exercise: one entry at the end of the lesson's topic module
(``gradlib/topics/<lesson>.py``), then a cell ``gl.exercise("4.1")`` in the lesson, which shows
the statement, and the answer cell below it::

    add(Exercise(id="4.1", kind="chain_product", statement="...", hints=("...", "..."),
                 problem={...},
                 mistakes=(Mistake("J_g2 taken at x", transform="J_g2 at x"),
                           Mistake("the partial with respect to y", change={"wrt": "y"},
                                   kind="wrong_variable", message="..."), ...),
                 examples_wrong=(([[1, 2]], "one_d"), ...)))

``problem`` is plain data, so ``tests/test_exercises.py`` computes the right answer, and the
answer of every declared mistake, on its own with SymPy. Its keys by ``kind``:

=============  ==========================================================================
kind           problem keys (expressions as strings, the point ``x`` as a list)
=============  ==========================================================================
gradient       f, variables, x                          -> (1, n)
partial        f, variables, x, wrt (one variable)      -> (1, 1)
directional    f, variables, x, d (direction, length n) -> (1, 1), gradient @ d
derivative     f (list of m), variables (one, t), x     -> (m, 1)
jacobian       f (list of m), variables, x              -> (m, n)
hessian        f, variables, x                          -> (n, n)
chain_product  g2 (list of k), inner (the m names g2 uses), g1 (list of m), variables, x
                                                        -> (k, n), J_g2(g1(x)) @ J_g1(x)
difference     f (one formula or a list of m), variables (one), x, h, method ("forward",
               "backward", "central" or "complex")      -> (m, 1), the estimate itself
shape          shape: the expected (rows, columns), with the reason in ``statement``
code           reference ("gradlib.topics.<topic>:<function>", the right implementation),
               inputs (a list of calls, each a list of arguments as plain data: numbers, lists),
               what (how results are compared: "matrix", "gradient", "jacobian", "derivative")
                                                        -> reference(*inputs[0])
choice         options (a few words), answer (one of them), why_not (optional: option ->
               why it is wrong)                         -> the answer, a word
quadratic_model value (f(x)), gradient (1 x n), hessian (n x n), d (the step, length n)
                                                        -> (1, 1), f(x) + grad f(x) d + d^T H d / 2
=============  ==========================================================================

``mistakes`` declares the typical mistakes of the exercise as :class:`Mistake` data; ``check``
names each of them. ``examples_wrong`` holds more wrong answers with the feedback kind each
must get; for kind "code" an answer may be a string "gradlib.topics.<topic>:<function>"
naming a wrong implementation, which the tests :func:`resolve` into the function.
"""

from __future__ import annotations

import html
import importlib
import numbers
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import check, symbolic
from .errors import GradlibError

#: id -> Exercise, every lesson.
REGISTRY: dict[str, Exercise] = {}

MATRIX_KINDS = (
    "gradient",
    "partial",
    "directional",
    "derivative",
    "jacobian",
    "hessian",
    "chain_product",
    "difference",
)
KINDS = MATRIX_KINDS + ("shape", "code", "choice", "quadratic_model")
CODE_WHATS = ("matrix", "gradient", "jacobian", "derivative")
METHODS = ("forward", "backward", "central", "complex")
#: Significant digits an answer must get right; every numeric statement says so.
DIGITS = 3
#: Mistakes ``check`` recognises by itself (name -> feedback kind); a :class:`Mistake` names one
#: with ``transform=``. The J_... ones are for kind "chain_product" (J_g2 taken at y = g1(x)).
TRANSFORMS = {
    "transposed": "transposed",  # the answer transposed (denominator layout)
    "J_g1 @ J_g2": "wrong_order",
    "J_g2 alone": "missing_factor",
    "J_g1 alone": "missing_factor",
    "J_g2 * J_g1": "elementwise",
    "J_g2 at x": "wrong_point",  # J_g2(x) @ J_g1(x): the outer Jacobian, wrong point
    "J_g2 @ J_g1.T": "transposed_factor",
}
#: How many hints of each exercise have been shown in this session (id -> count).
_HINTS_SHOWN: dict[str, int] = {}


@dataclass(frozen=True)
class Mistake:
    """A typical mistake on one exercise, as data: what the learner did and the answer it gives.

    Exactly one of ``change``, ``answer``, ``transform`` and ``function`` says how to get the
    mistaken answer, so that a test can recompute it on its own and check that it is more than
    1% away from the truth and that ``check`` names it.

    Attributes
    ----------
    name : str
        The mistake in a few words, e.g. "the partial with respect to y".
    change : dict, optional
        The exercise's problem with these keys replaced, e.g. ``{"wrt": "y"}``.
    answer : str, nested list of str, number, nested list of numbers, or tuple, optional
        Formulas in the exercise's variables, evaluated at its point (a matrix: a list of rows),
        or the numbers themselves; for kind "shape", the mistaken shape.
    transform : str, optional
        One of :data:`TRANSFORMS`: a mistake ``check`` recognises by itself.
    function : str, optional
        Kind "code": a wrong implementation, "gradlib.topics.<topic>:<function>".
    kind, message : str
        The feedback kind and text ``check`` gives it (from ``check`` for a transform).
    """

    name: str
    change: dict | None = None
    answer: object = None
    transform: str | None = None
    function: str | None = None
    kind: str = ""
    message: str = ""

    def __post_init__(self):
        ways = ("change", "answer", "transform", "function")
        given = [k for k in ways if getattr(self, k) is not None]
        if len(given) != 1:
            raise GradlibError(
                f"Mistake {self.name!r}: give exactly one of change, answer, "
                f"transform, function; got {given or 'none'}."
            )
        if self.transform is not None:
            if self.transform not in TRANSFORMS:
                raise GradlibError(
                    f"Mistake {self.name!r}: transform {self.transform!r} is not "
                    f"one of {sorted(TRANSFORMS)}."
                )
            object.__setattr__(self, "kind", self.kind or TRANSFORMS[self.transform])
        elif not (self.kind and self.message):
            raise GradlibError(
                f"Mistake {self.name!r}: give the feedback kind and message check gives it."
            )


class Hint:
    """The first ``shown`` hints of an exercise, each folded in its own ``<details>`` block.

    >>> print(repr(Hint("9.9", ("Start here.", "Then this.", "Last: this."), shown=2)))
    Hint 1 of 3 for exercise 9.9: Start here.
    Hint 2 of 3 for exercise 9.9: Then this.
    (run the cell again for hint 3 of 3)
    """

    def __init__(self, id: str, hints, shown: int = 1):
        self.id, self.hints = id, tuple(hints)
        self.shown = max(1, min(int(shown), len(self.hints)))

    def _more(self) -> str:
        total = len(self.hints)
        return (
            f"run the cell again for hint {self.shown + 1} of {total}"
            if self.shown < total
            else "that was the last hint"
        )

    def _repr_html_(self) -> str:
        total = len(self.hints)
        tiers = "".join(
            f"<details><summary>Hint {k} of {total} for exercise {self.id} "
            f"(click to open)</summary><p>{html.escape(h)}</p></details>"
            for k, h in enumerate(self.hints[: self.shown], 1)
        )
        return f'{tiers}<div style="color:{check.GREY};font-size:90%">({self._more()})</div>'

    def __repr__(self) -> str:
        total = len(self.hints)
        lines = [
            f"Hint {k} of {total} for exercise {self.id}: {h}"
            for k, h in enumerate(self.hints[: self.shown], 1)
        ]
        return "\n".join([*lines, f"({self._more()})"])


@dataclass(frozen=True)
class Exercise:
    """One exercise: what is asked (``statement``), the data behind it (``problem``), hints.

    Attributes
    ----------
    id : str
        "lesson.number", e.g. "1.2".
    kind : str
        One of :data:`KINDS` (see the module docstring for the problem keys of each).
    statement : str
        Markdown; the same text is in the lesson's exercise cell.
    hints : tuple of str
        In tiers: each one more step, none giving the final number, and none before the last
        a formula that leaves only substitution.
    problem : dict
        Plain data; the truth is computed from it.
    mistakes : tuple of Mistake
        The typical mistakes, each named by :meth:`check`.
    examples_wrong : tuple of (answer, feedback kind)
        More wrong answers and the diagnosis each must get (tests use them).
    """

    id: str
    kind: str
    statement: str
    hints: tuple[str, ...]
    problem: dict
    mistakes: tuple = field(default=(), repr=False)
    examples_wrong: tuple = field(default=(), repr=False)

    @property
    def lesson(self) -> int:
        """The lesson's number, the part of the id before the dot."""
        return int(self.id.split(".")[0])

    def __post_init__(self):
        if self.kind not in KINDS:
            raise GradlibError(f"exercise {self.id}: kind {self.kind!r} is not one of {KINDS}.")
        if len(self.examples_wrong) + len(self.mistakes) < 2:
            raise GradlibError(
                f"exercise {self.id}: give at least 2 examples_wrong (answer, kind) "
                "or mistakes, for the tests."
            )
        if not all(isinstance(m, Mistake) for m in self.mistakes):
            raise GradlibError(
                f"exercise {self.id}: each of mistakes is a gradlib.exercises.Mistake, got "
                f"{[type(m).__name__ for m in self.mistakes]}."
            )
        p = self.problem
        if self.kind == "choice" and not _is_option(p.get("answer"), p):
            raise GradlibError(
                f"exercise {self.id}: the answer {p.get('answer')!r} is not one of "
                f"the options {p.get('options')!r}."
            )
        if self.kind == "code" and p.get("what", "matrix") not in CODE_WHATS:
            raise GradlibError(
                f"exercise {self.id}: what={p.get('what')!r} is not one of {CODE_WHATS}."
            )
        if self.kind == "difference" and p.get("method") not in METHODS:
            raise GradlibError(
                f"exercise {self.id}: method={p.get('method')!r} is not one of {METHODS}."
            )

    # ---- truth -------------------------------------------------------------------------------
    def truth(self):
        """The right answer: an ndarray (rows, columns), a shape tuple ("shape") or a word."""
        p, kind = self.problem, self.kind
        if kind == "shape":
            return tuple(int(s) for s in p["shape"])
        if kind == "choice":
            return _word(p["answer"])
        if kind == "code":
            return np.asarray(resolve(p["reference"])(*_arguments(p["inputs"][0])), dtype=float)
        return _matrix_truth(kind, p)

    def mistake_answer(self, mistake: Mistake):
        """The answer ``mistake`` gives (like :meth:`truth`); None for a transform or a function."""
        if mistake.change is not None:
            return Exercise(
                self.id,
                self.kind,
                self.statement,
                self.hints,
                {**self.problem, **mistake.change},
                self.mistakes,
            ).truth()
        if mistake.answer is None:
            return None
        if self.kind == "shape":
            return tuple(int(s) for s in mistake.answer)
        if not _has_formula(mistake.answer):  # plain numbers
            return np.atleast_2d(np.asarray(mistake.answer, dtype=float))
        return _formulas_at(mistake.answer, self.problem["variables"], _point(self.problem))

    def _alternatives(self):
        """(kind, message, answer) of the declared mistakes check cannot know by itself."""
        return [
            (m.kind, m.message, self.mistake_answer(m))
            for m in self.mistakes
            if m.change is not None or m.answer is not None
        ]

    # ---- what the learner calls -------------------------------------------------------------
    def check(self, answer) -> check.Feedback:
        """Feedback on ``answer`` (truthy only when right); never shows the right answer."""
        kind = self.kind
        if kind == "shape":
            return check.shape(answer, self.truth(), self._alternatives())
        if kind == "choice":
            return check_choice(answer, self.problem)
        if kind == "code":
            wrong = [(m.kind, m.message, resolve(m.function)) for m in self.mistakes if m.function]
            return check_code(answer, self.problem, wrong)
        options = dict(digits=DIGITS, alternatives=self._alternatives())
        if kind == "chain_product":  # also names the wrong order, a missing factor, J_g2 at x
            J_g2, J_g1, at_x = _factors(self.problem)
            return check.chain_product(answer, J_g2=J_g2, J_g1=J_g1, J_g2_at_x=at_x, **options)
        what = kind if kind in ("gradient", "derivative", "jacobian") else "matrix"
        if kind == "quadratic_model":  # numbers only: no point, no variables
            return check.answer(answer, expected=self.truth(), what=what, **options)
        return check.answer(
            answer,
            expected=self.truth(),
            x=_point(self.problem),
            variables=symbolic.symbols(self.problem["variables"]),
            what=what,
            **options,
        )

    def hint(self, tier: int | None = None) -> Hint:
        """The next hint: the first call shows hint 1, each further call one more (all folded).

        ``tier`` shows hints 1 to ``tier`` without counting a call.
        """
        if tier is None:
            tier = _HINTS_SHOWN[self.id] = min(_HINTS_SHOWN.get(self.id, 0) + 1, len(self.hints))
        return Hint(self.id, self.hints, tier)

    def _repr_markdown_(self) -> str:
        return f"**Exercise {self.id}.** {self.statement}"


# ---- the truth of the matrix kinds, from plain data ------------------------------------------
def _point(problem) -> np.ndarray:
    return np.atleast_1d(np.asarray(problem["x"], dtype=float))


def _exprs(items, variables) -> sp.Matrix:
    """A column of parsed formulas (a string, or a list of them)."""
    items = [items] if isinstance(items, str) else items
    return sp.Matrix([symbolic.parse(e, variables) for e in items])


def _at(M: sp.Matrix, variables, x) -> np.ndarray:
    return np.asarray(symbolic.lambdify(M, variables)(x), dtype=float).reshape(M.shape)


def _has_formula(answer) -> bool:
    """Is there a string (a formula) in ``answer``, a number or nested lists?"""
    if isinstance(answer, str):
        return True
    return isinstance(answer, (list, tuple)) and any(_has_formula(a) for a in answer)


def _formulas_at(formulas, variables, x) -> np.ndarray:
    """Formulas (one, or a matrix as a list of rows) evaluated at x, as a 2-D array."""
    v = symbolic.symbols(variables)
    rows = (
        [[formulas]]
        if isinstance(formulas, str)
        else [[r] if isinstance(r, str) else list(r) for r in formulas]
    )
    M = sp.Matrix([[symbolic.parse(str(e), v) for e in row] for row in rows])
    return _at(M, v, x)


def _factors(p):
    """(J_g2 at y = g1(x), J_g1 at x, J_g2 at x or None) of a chain_product problem."""
    v, x = symbolic.symbols(p["variables"]), _point(p)
    inner = symbolic.symbols(p["inner"])
    g1 = _exprs(p["g1"], v)
    J_g2 = symbolic.jacobian(_exprs(p["g2"], inner), inner)
    y = _at(g1, v, x).reshape(-1)
    at_x = _at(J_g2, inner, x) if len(inner) == len(v) else None
    return _at(J_g2, inner, y), _at(symbolic.jacobian(g1, v), v, x), at_x


def _difference(p) -> np.ndarray:
    """The finite-difference (or complex-step) estimate of a curve's derivative, (m, 1)."""
    (t,) = symbolic.symbols(p["variables"])
    f = _exprs(p["f"], [t])
    x, h = sp.nsimplify(p["x"]), sp.nsimplify(p["h"])
    ahead, here, behind = (f.subs(t, x + s) for s in (h, 0, -h))
    method = p["method"]
    if method == "forward":
        M = (ahead - here) / h
    elif method == "backward":
        M = (here - behind) / h
    elif method == "central":
        M = (ahead - behind) / (2 * h)
    else:  # complex step: Im f(x + i h) / h
        M = f.subs(t, x + sp.I * h).applyfunc(lambda e: sp.im(sp.expand_complex(e))) / h
    return np.array(M.evalf(), dtype=float).reshape(M.shape)


def _matrix_truth(kind, p) -> np.ndarray:
    if kind == "chain_product":
        J_g2, J_g1, _ = _factors(p)
        return J_g2 @ J_g1
    if kind == "difference":
        return _difference(p)
    if kind == "quadratic_model":
        g, H, d = (  # numbers only: float() refuses a string
            sp.Matrix(np.asarray(p[k], dtype=float).tolist()).applyfunc(sp.nsimplify)
            for k in ("gradient", "hessian", "d")
        )
        q = sp.Matrix([[sp.nsimplify(float(p["value"]))]]) + g * d + d.T * H * d / 2
        return np.array(q, dtype=float)
    v = symbolic.symbols(p["variables"])
    f = _exprs(p["f"], v)
    if kind == "gradient":
        M = symbolic.gradient(f[0], v)
    elif kind == "partial":
        M = sp.Matrix([[sp.diff(f[0], symbolic.symbols(p["wrt"])[0])]])
    elif kind == "directional":
        M = symbolic.gradient(f[0], v) * sp.Matrix(np.asarray(p["d"], dtype=float).tolist())
    elif kind == "derivative":
        M = symbolic.derivative(f, v[0])
    elif kind == "jacobian":
        M = symbolic.jacobian(f, v)
    else:  # hessian
        M = symbolic.hessian(f[0], v)
    return _at(M, v, _point(p))


# ---- kind "choice" ---------------------------------------------------------------------------
def _word(text) -> str:
    """A word as compared: lower case, runs of white space made one space."""
    return " ".join(str(text).split()).lower()


def _as_number(text):
    """The float a word or a number stands for ("1e-5", 2), or None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, numbers.Real):
        return float(text)
    try:
        return float(str(text).strip())
    except ValueError:
        return None


def _same(a, b) -> bool:
    """Two options are the same word, or the same number however written (2, "2.0", "2")."""
    x, y = _as_number(a), _as_number(b)
    if x is not None and y is not None:
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    return _word(a) == _word(b)


def _is_option(answer, problem) -> bool:
    return any(_same(answer, o) for o in problem.get("options", ()))


def check_choice(answer, problem) -> check.Feedback:
    """Feedback on one word picked from ``problem["options"]`` (case and spaces do not matter).

    A number may be given as a number or as text: ``2``, ``"2"`` and ``"2.0"`` are the same.

    >>> p = {"options": ["minimum", "maximum", "saddle"], "answer": "saddle",
    ...      "why_not": {"minimum": "a minimum needs every eigenvalue > 0."}}
    >>> check_choice(" Saddle", p).kind, check_choice("maximum", p).kind, check_choice(2, p).kind
    ('correct', 'wrong_choice', 'not_an_option')
    >>> print(check_choice("minimum", p).message)
    Not 'minimum': a minimum needs every eigenvalue > 0.
    >>> print(check_choice("valley", p).message)  # doctest: +NORMALIZE_WHITESPACE
    'valley' is not one of the options; answer with one of 'minimum', 'maximum', 'saddle'
    (as a string, in quotes).
    >>> check_choice(1e-5, {"options": ["1e-2", "1e-5"], "answer": "1e-5"}).kind
    'correct'
    """
    options = ", ".join(repr(o) for o in problem["options"]) + " (as a string, in quotes)."
    if answer is None:
        return check.Feedback(
            False, "no_answer", f"There is no answer yet (None). Answer with one of {options}"
        )
    if not isinstance(answer, (str, numbers.Real)) or isinstance(answer, bool):
        return check.Feedback(
            False,
            "wrong_type",
            f"You gave {answer!r:.40}, not a word; answer with one of {options}",
        )
    picked = next((o for o in problem["options"] if _same(answer, o)), None)
    if picked is None:
        shown = repr(answer.strip() if isinstance(answer, str) else answer)
        return check.Feedback(
            False,
            "not_an_option",
            f"{shown:.40} is not one of the options; answer with one of {options}",
        )
    if _same(picked, problem["answer"]):
        return check.Feedback(True, "correct", f"Right: {_word(picked)}.")
    why = {_word(k): v for k, v in problem.get("why_not", {}).items()}.get(
        _word(picked), "think again."
    )
    return check.Feedback(False, "wrong_choice", f"Not {_word(picked)!r}: {why}")


# ---- kind "code" -----------------------------------------------------------------------------
def resolve(name: str):
    """The function named ``"gradlib.<module>:<function>"`` (a code exercise's reference).

    >>> resolve("gradlib.numeric:jacobian").__name__
    'jacobian'
    """
    module, _, attr = str(name).partition(":")
    if not (module == "gradlib" or module.startswith("gradlib.")) or not attr:
        raise GradlibError(
            f"{name!r} does not name a function of gradlib; write "
            "'gradlib.topics.<topic>:<function>'."
        )
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise GradlibError(f"{name!r} names no function: {exc}.") from None


def _arguments(args) -> list:
    """A call's arguments as functions get them: lists become float arrays, each a fresh copy."""
    return [np.array(a, dtype=float) if isinstance(a, (list, tuple)) else a for a in args]


def _shown(args) -> str:
    return ", ".join(repr(list(a) if isinstance(a, tuple) else a) for a in args)


def check_code(answer, problem, mistakes=()) -> check.Feedback:
    """Feedback on a learner's function, called on every input and compared with the reference.

    Each call gets its own copy of the arguments (lists as float arrays). The first input where the
    result differs gets the diagnosis of :func:`gradlib.check.answer`, naming that input;
    ``mistakes`` are known wrong implementations, (kind, message, function), named first.

    >>> p = {"reference": "gradlib.exercises:_example_reference", "inputs": [[[1, 2]], [[3, -1]]],
    ...      "what": "gradient"}
    >>> check_code(lambda x: np.array([[2 * x[0], 1.0]]), p).kind
    'correct'
    >>> print(check_code(lambda x: np.array([[2 * x[0]], [1.0]]), p).message)
    ... # doctest: +NORMALIZE_WHITESPACE
    With the input f([1, 2]): You gave the gradient as a column, shape (2, 1); this collection
    uses numerator layout, where a gradient is a row, shape (1, 2). Use answer.T.
    >>> print(check_code(lambda x: x[5], p).message)  # doctest: +NORMALIZE_WHITESPACE
    Your function raised IndexError: index 5 is out of bounds for axis 0 with size 2,
    called as f([1, 2]).
    >>> check_code([[2, 1]], p).kind
    'not_callable'
    """
    if answer is None:
        return check.Feedback(
            False,
            "no_answer",
            "There is no answer yet (None). Write a function "
            "with def, then give its name (without calling it) as the answer.",
        )
    if not callable(answer) or isinstance(answer, type):
        return check.Feedback(
            False,
            "not_callable",
            f"You gave {answer!r:.40}; this exercise "
            "wants a function: define it with def, then give its name without "
            "parentheses.",
        )
    reference = resolve(problem["reference"])
    what = problem.get("what", "matrix")
    for args in problem["inputs"]:
        call = f"f({_shown(args)})"
        expected = np.asarray(reference(*_arguments(args)), dtype=float)
        try:
            result = answer(*_arguments(args))
        except Exception as exc:  # the learner's code: any error is feedback
            return check.Feedback(
                False,
                "function_error",
                f"Your function raised {type(exc).__name__}: {exc}, called as {call}.",
            )
        if result is None:
            return check.Feedback(
                False,
                "no_result",
                f"With the input {call}: it returned None: end your function with return ...",
            )
        alternatives = [
            (kind, message, np.asarray(wrong(*_arguments(args)), dtype=float))
            for kind, message, wrong in mistakes
        ]
        fb = check.answer(
            result, expected=expected, what=what, digits=DIGITS, alternatives=alternatives
        )
        if not fb:
            return check.Feedback(
                False, fb.kind, f"With the input {call}: {fb.message}", fb.entries
            )
    return check.Feedback(
        True,
        "correct",
        f"Correct: your function agrees with the reference on all {len(problem['inputs'])} inputs.",
    )


def _example_reference(x):
    """The gradient of x1**2 + x2, (1, 2): the reference of the doctests above."""
    return np.array([[2 * x[0], 1.0]])


# ---- the registry ----------------------------------------------------------------------------
def add(ex: Exercise) -> Exercise:
    """Register ``ex`` (ids are unique)."""
    if ex.id in REGISTRY:
        raise GradlibError(f"exercise id {ex.id!r} is registered twice.")
    REGISTRY[ex.id] = ex
    return ex


def exercise(id: str) -> Exercise:
    """The exercise with this id, e.g. ``gl.exercise("1.1")``.

    >>> exercise("1.2").kind
    'gradient'
    """
    registry = all_exercises()
    try:
        return registry[str(id)]
    except KeyError:
        raise GradlibError(
            f"there is no exercise {id!r}; the exercises are {sorted(registry)}."
        ) from None


def by_lesson(lesson: int) -> list[Exercise]:
    """The exercises of one lesson, in id order."""
    return sorted(
        (e for e in all_exercises().values() if e.lesson == lesson),
        key=lambda e: tuple(int(p) for p in e.id.split(".")),
    )


def all_exercises() -> dict[str, Exercise]:
    """Every exercise of the course, id -> Exercise.

    Each lesson's exercises are entries in its topic module (``gradlib/topics/<lesson>.py``),
    registered when :mod:`gradlib.topics` is imported; importing it here, on first use, keeps
    ``import gradlib.exercises`` free of matplotlib.
    """
    from . import topics  # noqa: F401

    return REGISTRY
