"""Exercises of every lesson: a registry, checked with instant feedback from ``gradlib.check``.

In a lesson, two short lines::

    answer = None  # replace None with your answer, e.g. [[1, 2]]
    gl.exercise("1.1").check(answer)

``check`` returns :class:`gradlib.check.Feedback` (truthy only when right; ``None`` gives a
friendly "not answered yet"). ``gl.exercise("1.1").hint()`` shows the hints folded in a
``<details>`` block. The truth is computed from the problem's data with ``gradlib.symbolic``
when checking; it is never written in a notebook and feedback never prints it.

Adding an exercise: one entry at the end of the lesson's topic module
(``gradlib/topics/<lesson>.py``), then a cell ``gl.exercise("4.1")`` in the lesson, which shows
the statement, and the answer cell below it::

    add(Exercise(id="4.1", kind="chain_product", statement="...", hints=("...",),
                 problem={...}, examples_wrong=(([[1, 2]], "transposed"), ...)))

``problem`` is plain data, so ``tests/test_exercises.py`` computes the right answer on its own
with SymPy for every registered exercise. Its keys by ``kind``:

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

``examples_wrong`` holds typical wrong answers with the feedback kind each must get; for kind
"code" an answer may be a string "gradlib.topics.<topic>:<function>" naming a wrong
implementation, which the tests :func:`resolve` into the function.

``mistakes`` declares the typical mistakes the feedback names: ``(answer, kind, message)``, the
wrong answer in the form a learner gives it (a matrix, a shape, a wrong function's name for
kind "code"); an answer equal to it (as the truth is compared) gets ``kind`` and ``message``
instead of gradlib's generic diagnosis.
"""

from __future__ import annotations

import html
import importlib
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import check, symbolic
from .errors import GradlibError

#: id -> Exercise, every lesson.
REGISTRY: dict[str, "Exercise"] = {}

MATRIX_KINDS = (
    "gradient",
    "partial",
    "directional",
    "derivative",
    "jacobian",
    "hessian",
    "chain_product",
)
KINDS = MATRIX_KINDS + ("shape", "code", "choice", "quadratic_model")
CODE_WHATS = ("matrix", "gradient", "jacobian", "derivative")


class Hint:
    """The hints of an exercise, folded in a ``<details>`` block until the learner opens it."""

    def __init__(self, id: str, hints):
        self.id, self.hints = id, tuple(hints)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(h)}</li>" for h in self.hints)
        return (
            f"<details><summary>Hint for exercise {self.id} (click to open)</summary>"
            f"<ol>{items}</ol></details>"
        )

    def __repr__(self) -> str:
        return f"Hint for exercise {self.id}:\n" + "\n".join(
            f"{i}. {h}" for i, h in enumerate(self.hints, 1)
        )


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
    problem : dict
        Plain data; the truth is computed from it.
    examples_wrong : tuple of (answer, feedback kind)
        Typical wrong answers and the diagnosis each must get (tests use them).
    mistakes : tuple of (answer, feedback kind, message)
        Declared typical mistakes: an answer equal to one gets its kind and message.
    """

    id: str
    kind: str
    statement: str
    hints: tuple[str, ...]
    problem: dict
    examples_wrong: tuple = field(default=(), repr=False)
    mistakes: tuple = field(default=(), repr=False)

    @property
    def lesson(self) -> int:
        """The lesson's number, the part of the id before the dot."""
        return int(self.id.split(".")[0])

    def __post_init__(self):
        if self.kind not in KINDS:
            raise GradlibError(f"exercise {self.id}: kind {self.kind!r} is not one of {KINDS}.")
        if len(self.examples_wrong) < 2:
            raise GradlibError(
                f"exercise {self.id}: give at least 2 examples_wrong (answer, kind) for the tests."
            )
        p = self.problem
        if self.kind == "choice" and _word(p.get("answer")) not in _options(p):
            raise GradlibError(
                f"exercise {self.id}: the answer {p.get('answer')!r} is not one of "
                f"the options {p.get('options')!r}."
            )
        if self.kind == "code" and p.get("what", "matrix") not in CODE_WHATS:
            raise GradlibError(
                f"exercise {self.id}: what={p.get('what')!r} is not one of {CODE_WHATS}."
            )
        if any(len(m) != 3 or not all(isinstance(t, str) for t in m[1:]) for m in self.mistakes):
            raise GradlibError(f"exercise {self.id}: each of mistakes is (answer, kind, message).")

    # ---- truth -------------------------------------------------------------------------------
    def _variables(self, key="variables"):
        return symbolic.symbols(self.problem[key])

    def _exprs(self, key="f", variables=None):
        items = self.problem[key]
        items = [items] if isinstance(items, str) else items
        return sp.Matrix([symbolic.parse(e, variables) for e in items])

    def _point(self):
        return np.atleast_1d(np.asarray(self.problem["x"], dtype=float))

    def _factors(self):
        """(J_g2 at y = g1(x), J_g1 at x) of a chain_product exercise, each (rows, columns)."""
        v, x = self._variables(), self._point()
        inner = symbolic.symbols(self.problem["inner"])
        g1 = self._exprs("g1", v)
        y = symbolic.lambdify(g1, v)(x).reshape(-1)
        J_g2 = symbolic.lambdify(symbolic.jacobian(self._exprs("g2", inner), inner), inner)(y)
        return np.asarray(J_g2, dtype=float), np.asarray(
            symbolic.lambdify(symbolic.jacobian(g1, v), v)(x), dtype=float
        )

    def truth(self):
        """The right answer: an ndarray of shape (rows, columns), or a shape tuple for "shape"."""
        p, kind = self.problem, self.kind
        if kind == "shape":
            return tuple(int(s) for s in p["shape"])
        if kind == "choice":
            return _word(p["answer"])
        if kind == "code":
            return np.asarray(resolve(p["reference"])(*_arguments(p["inputs"][0])), dtype=float)
        if kind == "quadratic_model":
            g, H, d = (
                sp.Matrix(p[k]).applyfunc(sp.nsimplify) for k in ("gradient", "hessian", "d")
            )
            q = sp.Matrix([[sp.nsimplify(p["value"])]]) + g * d + d.T * H * d / 2
            return np.array(q, dtype=float)
        v = self._variables()
        x = self._point()
        if kind == "chain_product":
            J_g2, J_g1 = self._factors()
            return J_g2 @ J_g1
        f = self._exprs("f", v)
        if kind == "gradient":
            M = symbolic.gradient(f[0], v)
        elif kind == "partial":
            M = sp.Matrix([[sp.diff(f[0], symbolic.symbols(p["wrt"])[0])]])
        elif kind == "directional":
            M = symbolic.gradient(f[0], v) * sp.Matrix(p["d"])
        elif kind == "derivative":
            M = symbolic.derivative(f, v[0])
        elif kind == "jacobian":
            M = symbolic.jacobian(f, v)
        else:  # hessian
            M = symbolic.hessian(f[0], v)
        return np.asarray(symbolic.lambdify(M, v)(x), dtype=float).reshape(M.shape)

    # ---- what the learner calls -------------------------------------------------------------
    def check(self, answer) -> check.Feedback:
        """Feedback on ``answer`` (truthy only when right); never shows the right answer.

        An answer equal to a declared mistake (``mistakes``) gets that mistake's kind and message.
        """
        fb = self._check_truth(answer)
        if fb or fb.kind == "no_answer":
            return fb
        for wrong, kind, message in self.mistakes:
            if self._matches(answer, wrong):
                return check.Feedback(False, kind, message)
        return fb

    def _check_truth(self, answer) -> check.Feedback:
        if self.kind == "shape":
            return check_shape(answer, self.truth())
        if self.kind == "choice":
            return check_choice(answer, self.problem)
        if self.kind == "code":
            return check_code(answer, self.problem)
        if self.kind == "chain_product":  # also diagnoses the wrong order and a missing factor
            J_g2, J_g1 = self._factors()
            return check.chain_product(answer, J_g2=J_g2, J_g1=J_g1)
        return self._compare(answer, self.truth())

    def _matches(self, answer, wrong) -> bool:
        """Is ``answer`` the declared wrong answer ``wrong`` (compared as the truth would be)?"""
        if self.kind == "shape":
            return bool(check_shape(answer, tuple(wrong)))
        if self.kind == "choice":
            return isinstance(answer, str) and _word(answer) == _word(wrong)
        if self.kind == "code":
            return bool(check_code(answer, {**self.problem, "reference": wrong}))
        return bool(self._compare(answer, np.atleast_2d(np.asarray(wrong, dtype=float))))

    def _compare(self, answer, expected) -> check.Feedback:
        what = {"gradient": "gradient", "derivative": "derivative", "jacobian": "jacobian"}.get(
            self.kind, "matrix"
        )
        if self.kind == "quadratic_model":  # numbers only: no point, no variables
            return check.answer(answer, expected=expected, what=what)
        return check.answer(
            answer, expected=expected, x=self._point(), variables=self._variables(), what=what
        )

    def hint(self) -> Hint:
        """The hints, folded (open them in the notebook)."""
        return Hint(self.id, self.hints)

    def _repr_markdown_(self) -> str:
        return f"**Exercise {self.id}.** {self.statement}"


def check_shape(answer, expected: tuple[int, int]) -> check.Feedback:
    """Feedback on a predicted shape ``(rows, columns)``.

    >>> check_shape((1, 3), (1, 3)).kind, check_shape((3, 1), (1, 3)).kind, check_shape(3, (1, 3)).kind
    ('correct', 'transposed', 'one_d')
    """
    rows, cols = expected
    if answer is None:
        return check.Feedback(
            False,
            "no_answer",
            "There is no answer yet (None). Expected a shape (rows, columns), for example (2, 5).",
        )
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        return check.Feedback(
            False,
            "one_d",
            f"You gave one number, {answer}; a shape is two numbers "
            "(rows, columns): every derivative here is a 2-D matrix.",
        )
    try:
        given = tuple(int(s) for s in answer)
        if any(g != s for g, s in zip(given, answer)):
            raise ValueError
    except (TypeError, ValueError):
        return check.Feedback(
            False,
            "wrong_type",
            f"You gave {answer!r}; write a shape as two whole "
            "numbers in parentheses, (rows, columns), e.g. (2, 5).",
        )
    if len(given) != 2:
        return check.Feedback(
            False,
            "wrong_shape",
            f"You gave {len(given)} numbers; a shape here is "
            "exactly two: (rows, columns) = (outputs, inputs).",
        )
    if given == (rows, cols):
        return check.Feedback(True, "correct", f"Right: shape {given} = (outputs, inputs).")
    if given == (cols, rows):
        return check.Feedback(
            False,
            "transposed",
            f"{given} is the transpose: in numerator layout the "
            "rows are the outputs and the columns the inputs.",
        )
    return check.Feedback(
        False,
        "wrong_shape",
        f"{given} is not it: count the outputs (rows) and the inputs (columns) of the derivative.",
    )


def _word(text) -> str:
    """A word as compared: lower case, runs of white space made one space."""
    return " ".join(str(text).split()).lower()


def _options(problem) -> list[str]:
    return [_word(o) for o in problem.get("options", ())]


def check_choice(answer, problem) -> check.Feedback:
    """Feedback on one word picked from ``problem["options"]`` (case and spaces do not matter).

    >>> p = {"options": ["minimum", "maximum", "saddle"], "answer": "saddle",
    ...      "why_not": {"minimum": "a minimum needs every eigenvalue > 0."}}
    >>> check_choice(" Saddle", p).kind, check_choice("maximum", p).kind, check_choice(2, p).kind
    ('correct', 'wrong_choice', 'wrong_type')
    >>> print(check_choice("minimum", p).message)
    Not 'minimum': a minimum needs every eigenvalue > 0.
    >>> print(check_choice("valley", p).message)  # doctest: +NORMALIZE_WHITESPACE
    'valley' is not one of the options; answer with one of 'minimum', 'maximum', 'saddle'
    (as a string, in quotes).
    """
    options = ", ".join(repr(o) for o in problem["options"]) + " (as a string, in quotes)."
    if answer is None:
        return check.Feedback(
            False, "no_answer", f"There is no answer yet (None). Answer with one of {options}"
        )
    if not isinstance(answer, str):
        return check.Feedback(
            False,
            "wrong_type",
            f"You gave {answer!r:.40}, not a word; answer with one of {options}",
        )
    given = _word(answer)
    if given not in _options(problem):
        return check.Feedback(
            False,
            "not_an_option",
            f"{answer.strip()!r:.40} is not one of the options; answer with one of {options}",
        )
    if given == _word(problem["answer"]):
        return check.Feedback(True, "correct", f"Right: {given}.")
    why = {_word(k): v for k, v in problem.get("why_not", {}).items()}.get(given, "think again.")
    return check.Feedback(False, "wrong_choice", f"Not {given!r}: {why}")


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


def check_code(answer, problem) -> check.Feedback:
    """Feedback on a learner's function, called on every input and compared with the reference.

    Each call gets its own copy of the arguments (lists as float arrays). The first input where the
    result differs gets the usual diagnosis of :func:`gradlib.check.answer`, naming that input.

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
        fb = check.answer(result, expected=expected, what=what)
        if not fb:
            kind = "no_result" if result is None else fb.kind
            text = "it returned None: end it with return ..." if result is None else fb.message
            return check.Feedback(False, kind, f"With the input {call}: {text}", fb.entries)
    return check.Feedback(
        True,
        "correct",
        f"Correct: your function agrees with the reference on all {len(problem['inputs'])} inputs.",
    )


def _example_reference(x):
    """The gradient of x1**2 + x2, (1, 2): the reference of the doctests above."""
    return np.array([[2 * x[0], 1.0]])


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
