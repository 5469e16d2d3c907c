"""Feedback on a learner's answer: right, or what is wrong with it, in words a learner can act on.

An exercise compares the learner's answer with the truth and shows the
returned :class:`Feedback` (truthy only when the answer is right):

>>> import numpy as np
>>> from gradlib import check
>>> fb = check.gradient([[2.0, 3.0]], f=lambda v: v[0] ** 2 + 3 * v[1], x=[1.0, 2.0])
>>> bool(fb), fb.kind
(True, 'correct')
>>> fb = check.gradient(np.array([[2.0], [3.0]]), f=lambda v: v[0] ** 2 + 3 * v[1], x=[1.0, 2.0])
>>> fb.kind
'transposed'

Where the truth comes from
--------------------------
``expected``: an array or nested list (2-D), a sympy Matrix or expression
(with ``variables`` and the point ``x``), or a :class:`Secret` made by
:func:`hash_answer`, so a notebook stores only a digest, never the values.
``f`` (with ``x``): a numeric callable (gradlib computes the derivative with
:func:`gradlib.jacobian`), a sympy expression or a string (exact derivative
with :mod:`gradlib.symbolic`), or a catalogue entry from
:mod:`gradlib.functions`. Either way the answer is never in plain sight.

What a learner may answer
-------------------------
An ndarray, a nested list, a number (for a 1 x 1 derivative), a sympy Matrix
or expression, a string (read with :func:`gradlib.symbolic.parse`, never
``eval``; so ``"3.0"`` is the number 3 and ``"2*x"`` is evaluated at the
point), a list mixing these, or a callable (called at ``x``, and at two more
points when the truth is a function, so that a function right only at ``x``
is caught). Anything else (None, ``...``, a dict, a ragged list, text that
is not mathematics, nan) gives feedback saying what was given and what is
expected; it never raises. Mistakes in how the exercise itself is set up
(no point, a truth that cannot be evaluated) raise :class:`GradlibError`.

Tolerances
----------
An entry a matches the expected e when ``|a - e| <= atol + rtol * |e|``,
with ``rtol = 1e-6`` and ``atol = 1e-9`` by default. When the truth is a
finite-difference Jacobian, ten times its error estimate is added to atol.
``digits=3`` (what the exercises use) also accepts any answer correct to 3
significant digits: half a unit in the 3rd significant digit of each entry
(:func:`significant_tolerance`); an answer whose wrong entries agree to 2
digits is "close". A :class:`Secret` compares entries rounded to ``digits``
significant digits (default 6, a relative tolerance of about 1e-5), entries
below ``1e-9`` in size counting as 0.

What is revealed
----------------
Messages say which entries are wrong (counting rows and columns from 1, like
the lessons' formulas), never the expected values, nor a ratio or a relative
error a learner could work the answer back from, unless ``reveal=True``; with
a :class:`Secret` only which entries are wrong (the values are not known to
gradlib).
"""

from __future__ import annotations

import decimal
import hashlib
import html
import itertools
import numbers
import time
from collections.abc import Sized
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import functions, numeric, shapes, symbolic
from .chain import call_at, chain_rule
from .errors import FunctionError, GradlibError, ParseError, clip, echo

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
SECRET_ZERO = 1e-9
# Factors a learner typically drops or adds (power rule, halves); tried against secrets
# and used to call a lone-entry ratio a "constant factor" rather than a wrong value.
NICE_FACTORS = (2.0, 3.0, 4.0, 0.5, 1 / 3, 0.25, -2.0, -3.0, -0.5, -1 / 3, 10.0, 0.1)
GREEN, RED, GREY = "#1a7f37", "#b42318", "#57606a"  # right, wrong, not answered yet


# ---------------------------------------------------------------------------
# Feedback


@dataclass(frozen=True)
class EntryError:
    """One wrong entry (i, j): what was given, the expected value (None unless revealed),
    and the relative error |given - expected| / |expected| (None when secret or expected is 0).

    ``i`` and ``j`` count from 0, like numpy's indices; messages and tables show them from 1.

    Examples
    --------
    >>> answer([[3.0, 1.0]], [[2.0, 1.0]]).entries
    (EntryError(i=0, j=0, given=3.0, expected=None, rel_error=0.5),)
    """

    i: int
    j: int
    given: float
    expected: float | None = None
    rel_error: float | None = None


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer; truthy only when it is right.

    Attributes
    ----------
    ok : bool
        True when the answer is right (also the truth value).
    kind : str
        A short code: "correct", "wrong_shape", "one_d", "transposed", "sign",
        "sign_entries", "constant_factor", "swapped_rows", "swapped_columns",
        "wrong_rows", "wrong_columns", "wrong_entries", "wrong_elsewhere",
        "wrong_order", "missing_factor", "elementwise", "wrong_point",
        "transposed_factor", "close", "scalar_for_row", "scalar_for_column",
        "scalar_for_matrix", "no_answer", "wrong_type", "not_a_number", "ragged",
        "non_finite", "parse_error", "wrong_variables", "function_error"; or the
        kind of a mistake an exercise declares (``alternatives``).
    message : str
        Plain text for the learner.
    entries : tuple of EntryError
        The wrong entries, for the table in the notebook.

    Examples
    --------
    >>> fb = answer([[1.0, 5.0]], [[1.0, 4.0]])
    >>> print(fb)
    [not yet] One entry is wrong: (1, 2).
      (row, column)  given
             (1, 2)      5
    >>> print(answer(None, [[1.0]]))  # doctest: +NORMALIZE_WHITESPACE
    [your turn] There is no answer yet (None). Expected a matrix of shape (1, 1), for example one
    number such as 2.5, or [[2.5]].
    """

    ok: bool
    kind: str
    message: str
    entries: tuple[EntryError, ...] = ()

    def __bool__(self) -> bool:
        return self.ok

    def _rows(self):
        """Header and rows of the wrong-entries table, as strings (the relative error only when
        the expected values are revealed: alone, it would let a learner work them out)."""
        show_expected = any(e.expected is not None for e in self.entries)
        show_rel = show_expected and any(e.rel_error is not None for e in self.entries)
        head = ["(row, column)", "given"] + ["expected"] * show_expected + ["rel. error"] * show_rel
        rows = [
            [_position(e), _num(e.given)]
            + [_num(e.expected)] * show_expected
            + [_pct(e.rel_error)] * show_rel
            for e in self.entries
        ]
        return head, rows

    def __str__(self) -> str:
        tag = "correct" if self.ok else "your turn" if self.kind == "no_answer" else "not yet"
        lines = [f"[{tag}] {self.message}"]
        if self.entries:
            head, rows = self._rows()
            widths = [max(len(r[c]) for r in [head, *rows]) for c in range(len(head))]
            lines += [
                "  " + "  ".join(cell.rjust(w) for cell, w in zip(r, widths)) for r in [head, *rows]
            ]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color, tag = (
            (GREEN, "&#10004; correct")
            if self.ok
            else (GREY, "&#9998; your turn")
            if self.kind == "no_answer"
            else (RED, "&#10008; not yet")
        )
        out = [
            f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">',
            f'<span style="background:{color};color:white;border-radius:3px;padding:1px 6px;'
            f'font-weight:bold">{tag}</span> {html.escape(self.message)}',
        ]
        if self.entries:
            head, rows = self._rows()
            cell = 'style="padding:1px 8px;text-align:right"'
            out.append('<table style="margin-top:4px">')
            for tag, row in [("th", head)] + [("td", r) for r in rows]:
                out.append(
                    "<tr>"
                    + "".join(f"<{tag} {cell}>{html.escape(c)}</{tag}>" for c in row)
                    + "</tr>"
                )
            out.append("</table>")
        out.append("</div>")
        return "".join(out)


def _num(v) -> str:
    return "" if v is None else f"{v:.4g}"


def _position(e) -> str:
    """An entry's position as a learner reads it: (row, column), counting from 1."""
    return f"({e.i + 1}, {e.j + 1})"


def _pct(r) -> str:
    if r is None:
        return "n/a"
    return f"{100 * r:.2g}%" if r < 0.01 else f"{100 * r:,.0f}%"


class _Reject(Exception):
    """Internal: the answer cannot be compared; carries the feedback kind and message."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


# ---------------------------------------------------------------------------
# Secrets: store a digest instead of the values


def _key(v: float, digits: int) -> str:
    return "0" if abs(v) < SECRET_ZERO else f"{v:.{digits - 1}e}"


def _digest(i: int, j: int, key: str) -> str:
    return hashlib.sha256(f"gradlib:{i},{j}:{key}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Secret:
    """The truth of an exercise as digests: its shape in the clear, each entry hashed.

    Make one with :func:`hash_answer` and paste its repr into the exercise.
    Each entry is rounded to ``digits`` significant digits before hashing, so
    an answer matches when it agrees to about that many digits.

    Examples
    --------
    >>> s = hash_answer([[2.0, 3.0]])
    >>> s
    Secret(shape=(1, 2), digests=('0734e83ff13d', '2f6545a48fd3'), digits=6)
    >>> s.matches(np.array([[2.0000001, 4.0]])).tolist()
    [[True, False]]
    """

    shape: tuple[int, int]
    digests: tuple[str, ...]
    digits: int = 6

    def __post_init__(self):
        m, n = self.shape
        if len(self.digests) != m * n:
            raise GradlibError(
                f"A Secret of shape {self.shape} needs {m * n} digests; got {len(self.digests)}."
            )

    def matches(self, A) -> np.ndarray:
        """Entrywise: does A[i, j] round to the hashed value? A has ``self.shape``; so do the bools.

        A value is also tried nudged by half a unit in its last kept digit (and in the digit
        below, for a value just above a power of 10), so that values next to a rounding
        boundary are not rejected.

        >>> hash_answer([[0.5, 1.0]]).matches([[0.5, -1.0]]).tolist()
        [[True, False]]
        >>> hash_answer([[2.3712349]]).matches([[2.3712351]]).tolist()   # 2.37123 | 2.37124
        [[True]]
        """
        A = np.asarray(A, dtype=float)
        nudge = 0.5 * 10.0 ** (1 - self.digits)
        out = np.zeros(self.shape, dtype=bool)
        for (i, j), a in np.ndenumerate(A):
            # A relative nudge of a is half a unit only for a mantissa near 1 (at 2.37 it jumps a
            # whole key), so also nudge by half a unit of a's last kept digit.
            unit = nudge * 10.0 ** np.floor(np.log10(abs(a))) if a else 0.0
            keys = {_key(a * s, self.digits) for s in (1.0, 1 - nudge, 1 + nudge)}
            keys |= {_key(a + d, self.digits) for d in (-unit, unit, -unit / 10, unit / 10)}
            out[i, j] = self.digests[i * self.shape[1] + j] in {_digest(i, j, k) for k in keys}
        return out


def hash_answer(expected, digits: int = 6) -> Secret:
    """A :class:`Secret` for a 2-D array of expected values.

    Parameters
    ----------
    expected : array_like, shape (m, n)
        The truth; 2-D, as every derivative in gradlib.
    digits : int
        Significant digits compared (6: relative tolerance about 1e-5; use 3
        or 4 when learners may answer with finite differences).

    Returns
    -------
    Secret

    Examples
    --------
    >>> s = hash_answer(np.array([[1.0], [-0.5]]), digits=4)
    >>> s.shape, len(s.digests)
    ((2, 1), 2)
    >>> gradient_secret_ok = derivative([[1.00001], [-0.5]], expected=s)
    >>> bool(gradient_secret_ok)
    True
    """
    E = np.asarray(expected, dtype=float)
    if E.ndim != 2:
        raise GradlibError(
            "hash_answer needs a 2-D array (outputs x inputs); got shape "
            f"{E.shape}. Reshape a gradient to (1, n) and a curve's derivative to "
            "(m, 1)."
        )
    if not np.isfinite(E).all():
        raise GradlibError("hash_answer needs finite values; the expected array has inf or nan.")
    digests = tuple(_digest(i, j, _key(e, digits)) for (i, j), e in np.ndenumerate(E))
    return Secret(E.shape, digests, digits)


# ---------------------------------------------------------------------------
# The truth an answer is compared with


@dataclass
class _Truth:
    """Everything the diagnosis needs: shape, a matcher, and what the expected object is called."""

    shape: tuple[int, int]
    values: np.ndarray | None = None  # None when secret
    secret: Secret | None = None
    rtol: float = DEFAULT_RTOL
    atol: float | np.ndarray = DEFAULT_ATOL
    given_atol: float = DEFAULT_ATOL  # the exercise's own, before a numeric truth's error
    reveal: bool = False
    what: str = "matrix"  # gradient, derivative, Jacobian, matrix, product J_f
    explanation: str = ""  # why the shape is what it is
    variables: tuple | None = None  # symbols a learner's expression may use
    point: np.ndarray | None = None
    at: object = None  # callable: expected values at another point
    alternatives: list = field(default_factory=list)  # (kind, message, matrix) known mistakes
    transposed_note: str = ""
    digits: int | None = None  # also accept answers right to this many digits

    def match(self, A, digits=None) -> np.ndarray:
        """Entrywise: is A right (to ``digits`` significant digits, default ``self.digits``)?"""
        if self.secret is not None:
            return self.secret.matches(A)
        return _matches(A, self.values, self.rtol, self.atol, digits or self.digits)


def _matches(A, E, rtol, atol, digits=None) -> np.ndarray:
    """Entrywise ``|A - E| <= atol + rtol |E|``, widened to ``digits`` significant digits."""
    if digits:
        atol = atol + significant_tolerance(E, digits)
    return _close(A, E, rtol, atol)


def significant_tolerance(E, digits: int = 3) -> np.ndarray:
    """Entrywise: half a unit in the ``digits``-th significant digit of each entry of E.

    An answer within it is right to that many significant digits. An entry that is 0 (to
    floating point, below 1e-9 of the largest) takes the largest entry's unit: at 3 digits,
    0.0008 counts as 0 next to 2, as cos(1.57) next to 2 sin(1.57).

    Parameters
    ----------
    E : array_like, shape (m, n)
    digits : int

    Returns
    -------
    ndarray, shape (m, n)

    Examples
    --------
    >>> significant_tolerance([[2.718281828, 0.5403], [-2.0, 1e-17]]).round(6).tolist()
    [[0.005, 0.0005], [0.005, 0.005]]
    >>> bool(abs(2.72 - np.e) <= significant_tolerance([[np.e]])[0, 0])      # 2.72 is e to 3 digits
    True
    """
    E = np.abs(np.asarray(E, dtype=float))
    scale = float(E.max()) if E.size else 0.0
    ref = np.where(E > 1e-9 * scale, E, scale if scale > 0 else 1.0)
    return 0.5 * 10.0 ** (np.floor(np.log10(ref)) - digits + 1) * (1 + 1e-9)


def _agreeing_digits(a, e, scale, digits) -> int:
    """How many leading significant digits of e the value a gets right (0 to ``digits``)."""
    tol = significant_tolerance([[e, scale]], digits)[0, 0]
    return next((d for d in range(digits, 0, -1) if abs(a - e) <= tol * 10.0 ** (digits - d)), 0)


def _close(A, E, rtol, atol) -> np.ndarray:
    return np.abs(A - E) <= atol + rtol * np.abs(E)


def _variables(variables, expr) -> tuple:
    """The variables of an expression: as given (matched by name), or its only free symbol."""
    if variables is not None:
        return symbolic.resolve_variables(
            variables, [] if expr is None else [expr], symbols_by_name=True
        )
    free = sorted(expr.free_symbols, key=str)
    if len(free) > 1:
        raise GradlibError(
            f"The expression uses {', '.join(map(str, free))}; pass variables=[...] "
            "to say which is input 1, input 2, ... (the order of the columns)."
        )
    return tuple(free)


def _flat(items, depth=0) -> list:
    """The entries of nested lists, row by row (every string stays a string, for parse)."""
    if depth > shapes.MAX_DIMS:
        raise GradlibError(
            f"f is nested more than {shapes.MAX_DIMS} levels deep: give one formula "
            "per output, in a list."
        )
    if isinstance(items, (list, tuple)):
        return [e for item in items for e in _flat(item, depth + 1)]
    return [items]


def _symbolic_truth(expr, variables):
    """Exact Jacobian of formulas (string, sympy, list), as a function of the point: (values, 0)."""
    if isinstance(expr, sp.MatrixBase):
        M = sp.Matrix(expr)
    else:  # strings (also inside lists) are parsed, never sympified
        M = symbolic.as_matrix(_flat(expr), variables)
    M = M.reshape(M.shape[0] * M.shape[1], 1)
    variables = _variables(variables, M)
    J = _evaluator(M.jacobian(sp.Matrix(variables)), variables)
    return variables, lambda p: (J(p), 0.0)


def _numeric_truth(f, what):
    """Expected values from gradlib.numeric, with ten times its error estimate as extra atol."""
    differentiate = numeric.derivative if what == "derivative" else numeric.jacobian

    def at(p):
        J, info = differentiate(f, p[0] if what == "derivative" else p, full_output=True)
        return J, 10 * info.error

    return at


def _evaluator(M, variables):
    """A sympy Matrix (of the exercise, not the learner's) as a function: point -> floats.

    Variables are matched by name (a parsed x and a plain sympy x are the same x);
    evaluated in floating point (numpy), so every formula takes time linear in its size.
    """

    def fail(reason, point="any point"):
        raise GradlibError(
            f"The expected matrix {echo(M)} could not be evaluated at {point} with "
            f"variables {variables}: {reason}"
        )

    try:
        f = symbolic.lambdify(M, symbolic.resolve_variables(variables, [M], symbols_by_name=True))
    except GradlibError as exc:
        fail(exc)

    def at(point):
        with np.errstate(all="ignore"):
            values = f(point)
        if np.iscomplexobj(values) and np.any(values.imag):
            fail("it is not real there", echo(list(point)))
        return values.real.astype(float)

    return at


def _truth(expected, f, x, variables, what, name, rtol, atol, reveal) -> _Truth:
    """Build the truth from exactly one of ``expected`` or ``f``."""
    if (expected is None) == (f is None):
        got = "got neither." if f is None else "got both."
        raise GradlibError(
            "Give the truth either as expected=... (an array, a sympy Matrix, a "
            f"Secret) or as f=... with the point x=...; {got}"
        )
    t = _Truth(
        (0, 0),
        rtol=rtol,
        atol=atol,
        given_atol=atol,
        reveal=reveal,
        what="Jacobian" if what == "jacobian" else what,
    )
    if x is not None:
        t.point = shapes.as_point(x)
    if isinstance(expected, Secret):
        t.secret, t.shape, t.reveal = expected, tuple(expected.shape), False
    elif f is not None:
        t.point = shapes.as_point(x)
        if functions.is_entry(f):  # exact
            t.variables, t.at = _symbolic_truth(f.expr, f.variables)
        elif isinstance(f, (str, sp.Basic, sp.MatrixBase, list, tuple)):
            t.variables, t.at = _symbolic_truth(f, variables)
        elif callable(f):
            t.at = _numeric_truth(f, what)
        else:
            raise GradlibError(
                "f must be a callable, a sympy expression, a string or a "
                f"catalogue entry; got {type(f).__name__}."
            )
        t.values, extra = t.at(t.point)
        t.atol = atol + extra
    elif isinstance(expected, (sp.Basic, sp.MatrixBase)) and expected.free_symbols:
        t.point = shapes.as_point(x)
        t.variables = _variables(variables, expected)
        M = sp.Matrix([[expected]]) if isinstance(expected, sp.Basic) else expected
        t.values = _evaluator(M, t.variables)(t.point)
    else:
        try:
            rows = expected.tolist() if isinstance(expected, sp.MatrixBase) else expected
            t.values = np.array(rows, dtype=float)
        except (TypeError, ValueError, OverflowError) as exc:
            raise GradlibError(
                "expected must be a 2-D array of numbers, a sympy Matrix or "
                f"expression, or a Secret; could not read {echo(expected, 60)} as "
                f"numbers ({clip(exc)}). For a formula give f=... and the point "
                "x=..., and gradlib computes its derivative."
            ) from exc
        if t.values.ndim == 0:
            t.values = t.values.reshape(1, 1)
        if t.values.ndim != 2:
            raise GradlibError(
                "expected must be 2-D (outputs x inputs); got shape "
                f"{t.values.shape}. A gradient is (1, n), a curve's derivative (m, "
                "1)."
            )
    if t.values is not None:
        t.shape = t.values.shape
        if not np.isfinite(t.values).all():
            raise GradlibError(
                f"The truth has inf or nan entries ({echo(t.values.tolist())}): no "
                "answer could match it. Pick a point where the derivative exists."
            )
    if variables is not None and t.variables is None:
        t.variables = _variables(variables, None)
    m, n = t.shape
    if what == "gradient" and m != 1 or what == "derivative" and n != 1:
        raise GradlibError(
            f"A {what} was asked for, but the truth has shape {t.shape}: "
            + shapes.explain_derivative(n, m, name)
        )
    t.explanation = (
        shapes.explain_derivative(n, m, name)
        if what != "matrix"
        else f"The expected matrix has shape ({m}, {n})."
    )
    return t


# ---------------------------------------------------------------------------
# The learner's answer as numbers


def _short_repr(given) -> str:
    """What a learner gave (an answer, or one entry of it), in a few words, for messages: its short
    repr, else its type."""
    if isinstance(given, str):
        return repr(given if len(given) < 40 else given[:37] + "...")
    text = echo(given)
    kind = type(given).__name__
    if given is None or given is Ellipsis or isinstance(given, (int, float)):
        return text
    return f"{text} (a {kind})" if len(text) < 30 else f"a {kind}"


def _number(v, where, t, deadline=None) -> float:
    """One entry of the answer as a float, or a _Reject saying why it is not a number."""
    if isinstance(v, (bool, np.bool_)):
        raise _Reject("not_a_number", f"{where} is {v}, a truth value, not a number.")
    if isinstance(v, (numbers.Real, decimal.Decimal)):
        try:
            return float(v)
        except OverflowError:
            raise _Reject(
                "non_finite",
                f"{where} is {echo(v, 40)}, too large for a number here "
                "(floating point goes up to about 1.8e308).",
            ) from None
        except ValueError:  # Decimal('sNaN')
            raise _Reject("not_a_number", f"{where} is {echo(v, 40)}, not a number.") from None
    if isinstance(v, numbers.Complex):
        if v.imag == 0:
            return float(v.real)
        raise _Reject(
            "not_a_number", f"{where} is the complex number {v}; derivatives here are real numbers."
        )
    if isinstance(v, (str, sp.Basic)) and deadline is not None:
        try:
            symbolic.check_deadline(deadline, "the formulas of your answer")
        except ParseError as exc:
            raise _Reject("parse_error", f"{where}: {exc}.") from None
    if isinstance(v, str):
        v = _parse(v, where)
    if isinstance(v, sp.Basic):
        return _sympy_number(v, where, t)
    raise _Reject("not_a_number", f"{where} is {_short_repr(v)}, not a number.")


def _parse(text, where):
    try:
        return symbolic.parse(text)
    except ParseError as exc:
        raise _Reject(
            "parse_error",
            f"{where} is the text {echo(text)}, which is not a math "
            f"expression gradlib can read: {exc}",
        ) from None


def _sympy_number(expr, where, t) -> float:
    """An expression's value at the exercise's point, in floating point (numpy): linear time."""
    free = sorted(map(str, expr.free_symbols))
    variables, point = (sp.Dummy(),), np.zeros(1)  # a constant needs no variables
    if free:
        names = [str(v) for v in t.variables or ()]
        unknown = [s for s in free if s not in names]
        if unknown and names:
            raise _Reject(
                "wrong_variables",
                f"{where} uses {clip(', '.join(unknown))}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not a variable of this exercise "
                f"(the variables are {', '.join(names)}).",
            )
        if unknown or t.point is None:
            raise _Reject(
                "not_a_number",
                f"{where} is the expression {echo(expr)}, not a number; "
                "this exercise expects numbers.",
            )
        variables = symbolic.resolve_variables(t.variables, [expr], symbols_by_name=True)
        point = t.point
    try:
        f = symbolic.lambdify(sp.Matrix([[expr]]), variables)
        with np.errstate(all="ignore"):
            value = f(point)[0, 0]
            if not np.isfinite(value):  # sqrt(-2) is nan in real numbers: is it complex?
                value = f(point.astype(complex))[0, 0]
    except (GradlibError, ArithmeticError, TypeError, ValueError, NameError, RecursionError):
        raise _Reject(
            "not_a_number", f"{where} is {echo(expr)}, which gradlib cannot evaluate as a number."
        ) from None
    if not np.isfinite(value):
        raise _Reject(
            "non_finite",
            f"{where} has no finite value at the point (a division by zero, or the log of 0?).",
        )
    if value.imag != 0:
        raise _Reject("not_a_number", f"{where} is {echo(expr)}, not a real number.")
    return float(value.real)


def _nested(obj, where, t, depth=0, deadline=None):
    """Nested lists (possibly of strings or expressions) with every entry made a float.

    Formulas are read until ``deadline`` (a ``time.process_time()``, default a
    second from now): an answer of many slow formulas is refused, not waited for.
    """
    if deadline is None:
        deadline = time.process_time() + symbolic.TIME_BUDGET
    if depth > shapes.MAX_DIMS:  # also a list that contains itself
        raise _Reject(
            "wrong_shape",
            f"Your answer is nested more than {shapes.MAX_DIMS} levels "
            f"deep; expected a {t.what} of shape {t.shape}: a list of rows, for example "
            f"{_example(t.shape)}.",
        )
    if isinstance(obj, np.ndarray):
        obj = np.asarray(obj).tolist()  # the plain data of a subclass (masked array, np.matrix)
    elif isinstance(obj, sp.NDimArray):
        obj = obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [
            _nested(v, _entry_label(where, k), t, depth + 1, deadline) for k, v in enumerate(obj)
        ]
    return _number(obj, f"Entry ({where})" if where else "Your answer", t, deadline)


def _entry_label(where: str, k: int) -> str:
    """Where an entry of nested lists is, as a learner counts: '1, 2' is row 1, column 2."""
    return f"{where}, {k + 1}" if where else str(k + 1)


def _array(nested) -> np.ndarray:
    try:
        return np.array(nested, dtype=float)
    except ValueError:
        pass
    rows = ", ".join(
        f"row {k} has {len(v) if isinstance(v, list) else 'a single number'}"
        for k, v in enumerate(nested)
    )
    raise _Reject(
        "ragged",
        f"The rows of your answer have different lengths ({rows}); every row "
        "of a matrix has the same number of entries, one per input.",
    )


def _to_array(given, t, call=True) -> np.ndarray:
    """The learner's answer as a float array (any number of dimensions), or a _Reject."""
    if given is None or given is Ellipsis:
        raise _Reject(
            "no_answer",
            f"There is no answer yet ({_short_repr(given)}). Expected a "
            f"{t.what} of shape {t.shape}, for example {_example(t.shape)}.",
        )
    if isinstance(given, str):
        _reject_matrix_as_text(given, t)
    if call and callable(given) and not isinstance(given, (sp.Basic, sp.MatrixBase)):
        if t.point is None:
            raise _Reject(
                "wrong_type",
                "You gave a function, but this exercise has no point to "
                f"call it at; give the numbers, a {t.what} of shape {t.shape}.",
            )
        at = t.point[0] if t.what == "derivative" else t.point
        return _to_array(_call_learner_function(given, at), t, call=False)
    if isinstance(given, sp.MatrixBase):
        return _array(_nested(given.tolist(), "", t))
    if isinstance(given, np.ndarray):
        given = np.asarray(given)  # the plain data of a subclass: hidden (masked) entries too
        if given.dtype.kind in "iuf":
            return given.astype(float)
    if isinstance(given, (list, tuple, np.ndarray, str, numbers.Number, sp.Basic)):
        return _array(_nested(given, "", t))
    raise _Reject(
        "wrong_type",
        f"You gave {_short_repr(given)}; expected a {t.what} of shape "
        f"{t.shape}: a 2-D array or a list of rows, for example {_example(t.shape)}.",
    )


def _reject_matrix_as_text(text: str, t) -> None:
    """A whole matrix typed inside quotes, '[[8, 5' or '[[8, 5]]': say how to write it instead."""
    if not text.lstrip().startswith("["):
        return
    opened = text.count("[") - text.count("]")
    unfinished = (
        f" (and {opened} '[' {'is' if opened == 1 else 'are'} never closed)" if opened > 0 else ""
    )
    raise _Reject(
        "parse_error",
        f"Your answer is the text {_short_repr(text)}: a matrix typed "
        f"inside quotes{unfinished}. Write the matrix without quotes, as a list of rows, "
        f"for example {_example(t.shape)}; only a single entry may be a formula in "
        "quotes, such as [['2*x', '1']].",
    )


def _call_learner_function(fun, point):
    """Call the learner's function at the point, as f(x) or, failing that, as f(x1, x2, ...)."""
    try:
        return call_at(fun, point)
    except FunctionError as first:
        error = first.__cause__
    if isinstance(error, TypeError) and np.size(point) > 1:
        try:
            return call_at(lambda v: fun(*v), point)
        except FunctionError:
            pass
    raise _Reject(
        "function_error",
        f"Calling your function at {echo(np.round(point, 6).tolist())} "
        f"failed: {type(error).__name__}: {clip(error)}",
    )


def _example(shape) -> str:
    """np.array([[..., ...], [..., ...]]) written out for small shapes."""
    m, n = shape
    if (m, n) == (1, 1):  # a plain number is accepted for a 1 x 1 answer
        return "one number such as 2.5, or [[2.5]]"
    if m > 4 or n > 4:
        return f"an array with {m} rows of {n} numbers"
    row = "[" + ", ".join(["..."] * n) + "]"
    return "np.array([" + ", ".join([row] * m) + "])"


# ---------------------------------------------------------------------------
# Diagnosis


def _check(given, t: _Truth) -> Feedback:
    try:
        A = _to_array(given, t)
        if not np.isfinite(A).all():
            bad = [str(tuple(int(v) + 1 for v in idx)) for idx in np.argwhere(~np.isfinite(A))]
            where = f" at {', '.join(bad[:4])}" if A.ndim == 2 and bad else ""
            raise _Reject(
                "non_finite",
                f"Your answer has inf or nan{where}. A derivative of a "
                "smooth function is finite; check for a division by zero or a log of a "
                "negative number.",
            )
        fb = _diagnose(A, t)
    except _Reject as r:
        return Feedback(False, r.kind, r.message)
    if fb.ok and callable(given) and t.at is not None:
        elsewhere = _check_elsewhere(given, t)  # a falsy Feedback when wrong there, so no `or`
        return fb if elsewhere is None else elsewhere
    return fb


def _check_elsewhere(fun, t):
    """A function right at x is also tried at two nearby points; None when right there too."""
    rng = np.random.default_rng(0)
    for _ in range(2):
        p = t.point + 0.3 * (1 + np.abs(t.point)) * rng.uniform(-1, 1, t.point.size)
        try:
            E, extra = t.at(p)
        except GradlibError:
            continue  # the truth is not defined there; nothing to learn
        if not np.isfinite(E).all():
            continue
        other = _Truth(
            t.shape,
            E,
            rtol=t.rtol,
            atol=t.given_atol + extra,
            what=t.what,
            explanation=t.explanation,
            variables=t.variables,
            point=p,
            digits=t.digits,
        )
        try:
            fb = _diagnose(_to_array(fun, other), other)
        except _Reject as r:
            fb = Feedback(False, r.kind, r.message)
        if not fb.ok:
            return Feedback(
                False,
                "wrong_elsewhere",
                f"Your function gives the right {t.what} at "
                f"x = {_fmt_point(t.point)} but not at x = {_fmt_point(p)}: "
                f"{fb.message}",
                fb.entries,
            )
    return None


def _fmt_point(p):
    return "[" + ", ".join(f"{v:.3g}" for v in p) + "]"


def _diagnose(A, t: _Truth) -> Feedback:
    m, n = t.shape
    if A.ndim == 0:
        if (m, n) == (1, 1):
            return _diagnose(A.reshape(1, 1), t)
        return _scalar_given(A, t)
    if A.ndim == 1 and A.size == m * n and 1 in (m, n):
        inner = _diagnose(A.reshape(m, n), t)
        how = (
            "the numbers themselves are right." if inner.ok else "after reshaping: " + inner.message
        )
        return Feedback(
            False,
            "one_d",
            f"You gave a 1-D array of shape ({A.size},); a {t.what} "
            f"is 2-D, shape ({m}, {n}): use np.reshape(answer, ({m}, {n})) or write "
            f"it as {_example(t.shape)}. Apart from that, {how}",
            inner.entries,
        )
    if A.ndim == 2:
        if A.shape == t.shape and t.match(A).all():
            return Feedback(True, "correct", _correct_message(t))
        for kind, message, M in t.alternatives:
            if M.shape == A.shape and _matches(A, M, t.rtol, np.max(t.atol), t.digits).all():
                return Feedback(False, kind, message)
        if A.shape == (n, m) and t.match(A.T).all():
            return _transposed(A, t)
        if A.shape == t.shape:
            return _same_shape(A, t)
    return _wrong_shape(A, t)


def _correct_message(t):
    return f"Correct: this is the {t.what}, shape {t.shape}."


def _scalar_given(A, t):
    m, n = t.shape
    kind, form = (
        ("scalar_for_row", f"a row of {n} numbers")
        if m == 1
        else ("scalar_for_column", f"a column of {m} numbers")
        if n == 1
        else ("scalar_for_matrix", f"a ({m}x{n}) matrix")
    )
    return Feedback(
        False,
        kind,
        f"You gave one number, {float(A):.4g}; a {t.what} here is {form}, "
        f"shape {t.shape}. {t.explanation}",
    )


def _transposed(A, t):
    m, n = t.shape
    if m == 1:
        text = (
            f"You gave the gradient as a column, shape {A.shape}; this collection uses "
            f"numerator layout, where a gradient is a row, shape {t.shape}."
        )
    elif n == 1:
        text = (
            f"You gave the derivative as a row, shape {A.shape}; this collection uses "
            f"numerator layout, where the derivative of a curve is a column, shape {t.shape}."
        )
    else:
        text = (
            f"You gave the transpose of the {t.what} (denominator layout: one row per input). "
            f"This collection uses numerator layout: one row per output, shape {t.shape}."
        )
    return Feedback(
        False, "transposed", " ".join(filter(None, (text, t.transposed_note, "Use answer.T.")))
    )


def _same_shape(A, t):
    m, n = t.shape
    if t.match(-A).all():
        return Feedback(
            False,
            "sign",
            f"Your {t.what} has the opposite sign in every entry: look "
            "for a minus sign lost or added (the derivative of cos is -sin, of 1/x "
            "is -1/x**2).",
        )
    close = _close_digits(A, t)  # a falsy Feedback when close, so no `or`
    if close is not None:
        return close
    if _constant_factor(A, t) is not None:  # not the factor itself: it gives the answer away
        return Feedback(
            False,
            "constant_factor",
            f"Every entry of your {t.what} is off by the "
            "same factor. Look for a factor dropped or added: a constant, like the 2 "
            "in d/dx x**2 = 2*x, or a variable held fixed, like the y in "
            "d/dx (x**2 y) = 2*x*y.",
        )
    for axis, word in ((0, "rows"), (1, "columns")):
        moved = _permuted(A, t, axis)
        if moved:
            meaning = (
                "row i is the gradient of output i"
                if axis == 0
                else "column j holds the derivatives with respect to input j"
            )
            return Feedback(
                False,
                f"swapped_{word}",
                f"The {word} are right but in the wrong order ({moved}): {meaning}, in order.",
            )
    wrong = ~t.match(A)
    entries = _entries(A, t, wrong)
    if t.match(-A)[wrong].all():
        return Feedback(
            False,
            "sign_entries",
            f"{_count(wrong.sum())} "
            f"{'has' if wrong.sum() == 1 else 'have'} the wrong sign: {_positions(entries)}. "
            "Check the minus signs there.",
            entries,
        )
    right_rows = [i for i in range(m) if not wrong[i].any()]
    right_cols = [j for j in range(n) if not wrong[:, j].any()]
    if wrong.sum() > 1 and m > 1 and right_rows:
        bad = [i for i in range(m) if wrong[i].any()]
        return Feedback(
            False,
            "wrong_rows",
            f"{_listed('Row', right_rows)} right; "
            f"{_listed('row', bad)} not: {_offs(entries)}. Each row is the gradient "
            "of one output.",
            entries,
        )
    if wrong.sum() > 1 and n > 1 and right_cols:
        bad = [j for j in range(n) if wrong[:, j].any()]
        return Feedback(
            False,
            "wrong_columns",
            f"{_listed('Column', right_cols)} right; "
            f"{_listed('column', bad)} not: {_offs(entries)}. Each column holds the "
            "derivatives with respect to one input.",
            entries,
        )
    return _wrong_entries(wrong, entries)


def _wrong_entries(wrong, entries) -> Feedback:
    """Feedback "wrong_entries": how many entries are wrong, and where."""
    head = (
        "One entry is wrong"
        if wrong.sum() == 1
        else f"{wrong.sum()} of {wrong.size} entries are wrong"
    )
    return Feedback(False, "wrong_entries", f"{head}: {_offs(entries)}.", entries)


def _count(k):
    return "One entry" if k == 1 else f"{k} entries"


def _listed(word, idx):
    """'Row 2 is', 'rows 1 and 3 are': 0-based indices shown counting from 1."""
    return (
        f"{word}{'s' if len(idx) > 1 else ''} {_and([str(i + 1) for i in idx])} "
        f"{'are' if len(idx) > 1 else 'is'}"
    )


def _and(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _positions(entries) -> str:
    """'(1, 2)', '(1, 1) and (2, 1)': where the wrong entries are."""
    return _and([_position(e) for e in entries])


def _offs(entries):
    """The wrong entries in words: where they are, and the expected values when revealed."""
    if entries and all(e.expected is not None for e in entries):
        return _and(
            [f"{_position(e)} should be {e.expected:.4g}, not {e.given:.4g}" for e in entries]
        )
    return _positions(entries)


def _close_digits(A, t):
    """Feedback "close": every wrong entry is right to all but the last of ``t.digits`` digits."""
    if not t.digits or t.values is None:
        return None
    wrong = ~t.match(A)
    scale = float(np.max(np.abs(t.values)))
    agree = {
        (int(i), int(j)): _agreeing_digits(A[i, j], t.values[i, j], scale, t.digits)
        for i, j in zip(*np.nonzero(wrong))
    }
    if not agree or min(agree.values()) < t.digits - 1:
        return None
    entries = _entries(A, t, wrong)
    d = t.digits
    where = _positions(entries)
    verb = "agrees" if len(entries) == 1 else "agree"
    its = "its" if len(entries) == 1 else "their"
    return Feedback(
        False,
        "close",
        f"Close, but not right to {d} significant digits: {where} "
        f"{verb} to {d - 1} digits and {its} {_ordinal(d)} significant digit is off. "
        "Round rather than cut off, and keep more digits in the steps in between.",
        entries,
    )


def _ordinal(k) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(k, f"{k}th")


def _entries(A, t, wrong):
    out = []
    for i, j in zip(*np.nonzero(wrong)):
        a = float(A[i, j])
        if t.values is None:
            out.append(EntryError(int(i), int(j), a))
            continue
        e = float(t.values[i, j])
        rel = abs(a - e) / abs(e) if abs(e) > DEFAULT_ATOL else None
        out.append(EntryError(int(i), int(j), a, e if t.reveal else None, rel))
    return tuple(out)


def _constant_factor(A, t):
    """The factor c with A = c * expected (c not 0, 1 or -1), or None."""
    if t.values is None:
        return next((c for c in NICE_FACTORS if t.match(A / c).all()), None)
    E = t.values
    nonzero = np.abs(E) > DEFAULT_ATOL
    if not nonzero.any():
        return None
    c = float(np.median(A[nonzero] / E[nonzero]))
    # Near 1 or -1 a "factor" is just small errors (or the sign, diagnosed before).
    if c == 0 or abs(abs(c) - 1) < 1e-3 or not _close(A, c * E, t.rtol, t.atol).all():
        return None
    nice = any(abs(c - f) < 1e-6 * abs(f) for f in NICE_FACTORS)
    return c if nonzero.sum() >= 2 or nice else None


def _permuted(A, t, axis):
    """How rows (axis 0) or columns (axis 1) are permuted, in words; "" when they are not."""
    size = t.shape[axis]
    if size < 2:
        return ""
    candidates = (
        itertools.permutations(range(size))
        if size <= 5
        else (_swap(size, a, b) for a, b in itertools.combinations(range(size), 2))
    )
    word = "row" if axis == 0 else "column"
    for perm in candidates:
        perm = list(perm)
        if perm == sorted(perm) or not t.match(np.take(A, perm, axis=axis)).all():
            continue
        moved = [k for k in range(size) if perm[k] != k]
        if len(moved) == 2:
            return f"{word}s {moved[0] + 1} and {moved[1] + 1} are swapped"
        return "; ".join(
            f"your {word} {k + 1} belongs in {word} {perm.index(k) + 1}" for k in moved
        )
    return ""


def _swap(size, a, b):
    perm = list(range(size))
    perm[a], perm[b] = b, a
    return perm


def _wrong_shape(A, t):
    m, n = t.shape
    notes = []
    if A.ndim == 2 and A.shape == (n, m):
        notes.append(
            "That is the transposed shape (one row per input, denominator layout), and "
            "the values differ too."
        )
    elif A.ndim == 1:
        notes.append(
            f"It is 1-D; a {t.what} is 2-D: a list of rows, for example {_example(t.shape)}."
        )
    elif A.ndim > 2:
        notes.append(f"It has {A.ndim} dimensions; a {t.what} has 2, rows and columns.")
    elif A.size == m * n:
        notes.append(f"It has the right number of entries; arrange them as {m} row(s) of {n}.")
    return Feedback(
        False,
        "wrong_shape",
        " ".join([f"You gave shape {A.shape}; expected shape {t.shape}.", t.explanation, *notes]),
    )


# ---------------------------------------------------------------------------
# Public checks


def answer(
    given,
    expected=None,
    *,
    f=None,
    x=None,
    variables=None,
    what="matrix",
    name="f",
    rtol=DEFAULT_RTOL,
    atol=DEFAULT_ATOL,
    reveal=False,
    digits=None,
    alternatives=(),
) -> Feedback:
    """Compare a learner's answer with the truth and say what is right or wrong.

    Parameters
    ----------
    given : array_like, number, str, sympy Matrix or expression, or callable
        The learner's answer (see the module docstring for every accepted form).
    expected : array_like (m, n), sympy Matrix or expression, or Secret, optional
        The truth, given directly. Exactly one of ``expected`` and ``f``.
    f : callable, str, sympy expression or catalogue entry, optional
        The function whose derivative is the truth (computed by gradlib).
    x : array_like, shape (n,), optional
        The point: where f's derivative is taken, and where expressions and
        callables in the answer are evaluated.
    variables : sequence of sympy Symbols or str, optional
        Input variables, in column order, for expressions (``"x y"`` works).
    what : {"matrix", "gradient", "jacobian", "derivative"}
        What the truth is; used in messages and shape explanations.
    name : str
        The function's name in messages.
    rtol, atol : float
        Entrywise tolerance: ``|a - e| <= atol + rtol * |e|``.
    reveal : bool
        Show expected values of wrong entries (never possible with a Secret).
    digits : int, optional
        Also accept an answer right to this many significant digits (see
        :func:`significant_tolerance`); wrong only in the last of them is "close".
    alternatives : sequence of (kind, message, matrix)
        Known mistakes of this exercise: an answer matching one of the matrices (to ``digits``)
        gets that kind and message, before any generic diagnosis.

    Returns
    -------
    Feedback
        Truthy only when the answer is right; ``.kind`` and ``.message`` say why.

    Raises
    ------
    GradlibError
        When the exercise is set up wrongly (no truth, no point, truth not 2-D).

    Examples
    --------
    >>> answer([[1, 2], [3, 4]], [[1, 2], [3, 4]]).kind
    'correct'
    >>> print(answer([[2, 1], [4, 3]], [[1, 2], [3, 4]]).message)  # doctest: +NORMALIZE_WHITESPACE
    The columns are right but in the wrong order (columns 1 and 2 are swapped): column j holds the
    derivatives with respect to input j, in order.
    >>> answer(2.72, [[np.e]], digits=3).kind, answer(2.71, [[np.e]], digits=3).kind
    ('correct', 'close')
    >>> print(answer([[4]], [[2]], alternatives=[("value", "That is f, not f'.", [[4]])]).message)
    That is f, not f'.
    """
    t = _truth(expected, f, x, variables, what, name, rtol, atol, reveal)
    t.digits = digits
    t.alternatives = [
        (kind, message, np.asarray(M, dtype=float)) for kind, message, M in alternatives
    ]
    return _check(given, t)


def gradient(given, expected=None, *, f=None, x=None, **options) -> Feedback:
    """Check a gradient of f: R^n -> R, a row of shape (1, n).

    Parameters are those of :func:`answer` (``what="gradient"``).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> fb = gradient("2*x", f=x**2 * y, x=[1.0, 2.0], variables=[x, y])
    >>> print(fb.message)  # doctest: +NORMALIZE_WHITESPACE
    You gave one number, 2; a gradient here is a row of 2 numbers, shape (1, 2). f: R^2 -> R
    has a gradient of shape (1, 2), a row: one row, one column per input.
    >>> bool(gradient(["2*x*y", "x**2"], f="x**2*y", x=[1.0, 2.0], variables="x y"))
    False
    >>> bool(gradient([["2*x*y", "x**2"]], f="x**2*y", x=[1.0, 2.0], variables="x y"))
    True
    """
    return answer(given, expected, f=f, x=x, what="gradient", **options)


def jacobian(given, expected=None, *, f=None, x=None, **options) -> Feedback:
    """Check a Jacobian of f: R^n -> R^m, shape (m, n), row i the gradient of f_i.

    Parameters are those of :func:`answer` (``what="jacobian"``).

    Examples
    --------
    >>> f = lambda v: np.array([v[0] * v[1], v[0] + v[1]])
    >>> jacobian([[2.0, 1.0], [1.0, 1.0]], f=f, x=[1.0, 2.0]).kind
    'correct'
    >>> jacobian([[2.0, 1.0], [1.0, 1.0]], f=f, x=[1.0, 2.0], rtol=0).kind   # atol covers its error
    'correct'
    >>> print(jacobian([[2.0, 1.0], [1.0, 1.0]], f=f, x=[2.0, 1.0]).message)
    ... # doctest: +NORMALIZE_WHITESPACE
    The columns are right but in the wrong order (columns 1 and 2 are swapped): column j holds the
    derivatives with respect to input j, in order.
    """
    return answer(given, expected, f=f, x=x, what="jacobian", **options)


def derivative(given, expected=None, *, f=None, t=None, **options) -> Feedback:
    """Check the derivative of a curve f: R -> R^m, a column of shape (m, 1).

    Parameters are those of :func:`answer` (``what="derivative"``), with the
    point called ``t``.

    Examples
    --------
    >>> curve = lambda t: np.array([np.cos(t), np.sin(t)])
    >>> derivative([[0.0], [1.0]], f=curve, t=0.0).kind
    'correct'
    >>> print(derivative([[0.0, 1.0]], f=curve, t=0.0).message)  # doctest: +NORMALIZE_WHITESPACE
    You gave the derivative as a row, shape (1, 2); this collection uses numerator layout, where
    the derivative of a curve is a column, shape (2, 1). Use answer.T.
    """
    return answer(given, expected, f=f, x=t, what="derivative", **options)


def shape(given, expected, alternatives=()) -> Feedback:
    """Check a predicted shape ``(rows, columns)`` of a derivative.

    Parameters
    ----------
    given : the learner's answer
        Two whole numbers, e.g. ``(2, 5)`` or ``[2, 5]``.
    expected : tuple of int, (rows, columns)
    alternatives : sequence of (kind, message, shape)
        Known mistakes, named before the generic diagnoses (an exercise's declared mistakes).

    Returns
    -------
    Feedback
        "correct", "transposed" (the columns and rows swapped), "wrong_shape",
        "one_d" (a single number), "no_answer" or "wrong_type" (not two whole
        numbers: text, truth values, inf, an endless iterator, ...).

    Examples
    --------
    >>> shape((1, 3), (1, 3)).kind, shape((3, 1), (1, 3)).kind, shape(3, (1, 3)).kind
    ('correct', 'transposed', 'one_d')
    >>> print(shape((True, True), (1, 1)).message)  # doctest: +NORMALIZE_WHITESPACE
    You gave (True, True); write a shape as two whole numbers in parentheses, (rows, columns),
    e.g. (2, 5). True and False are truth values, not sizes.
    >>> print(shape((3,), (1, 3)).message)  # doctest: +NORMALIZE_WHITESPACE
    You gave one number, (3,); a shape here is two numbers (rows, columns): every derivative here
    is a 2-D matrix.
    >>> print(shape((3, 3), (1, 3), [("outer", "That is d times the gradient.", (3, 3))]))
    [not yet] That is d times the gradient.
    """
    rows, cols = expected
    if given is None:
        return Feedback(
            False,
            "no_answer",
            "There is no answer yet (None). Expected a shape (rows, columns), for example (2, 5).",
        )
    if isinstance(given, (int, np.integer)) and not isinstance(given, bool):
        return Feedback(
            False,
            "one_d",
            f"You gave one number, {echo(given)}; a shape is two "
            "numbers (rows, columns): every derivative here is a 2-D matrix.",
        )
    wrong_type = Feedback(
        False,
        "wrong_type",
        f"You gave {echo(given)}; write a shape as two "
        "whole numbers in parentheses, (rows, columns), e.g. (2, 5).",
    )
    try:  # only sized containers: an endless iterator is never read
        count = len(given) if isinstance(given, Sized) and not isinstance(given, str) else None
    except (TypeError, ValueError, OverflowError):
        count = None
    if count is None:
        return wrong_type
    if count == 1:
        return Feedback(
            False,
            "one_d",
            f"You gave one number, {echo(given)}; a shape here is two numbers (rows, columns): "
            "every derivative here is a 2-D matrix.",
        )
    if count != 2:
        return Feedback(
            False,
            "wrong_shape",
            f"You gave {count} numbers; a shape here is exactly "
            "two: (rows, columns) = (outputs, inputs).",
        )
    try:
        given = tuple(_size(s) for s in given)
    except ValueError as exc:
        return Feedback(False, "wrong_type", f"{wrong_type.message}{exc}")
    if given == (rows, cols):
        return Feedback(True, "correct", f"Right: shape {given} = (outputs, inputs).")
    for kind, message, known in alternatives:
        if given == tuple(known):
            return Feedback(False, kind, message)
    if given == (cols, rows):
        return Feedback(
            False,
            "transposed",
            f"{given} is the transpose: in numerator layout the "
            "rows are the outputs and the columns the inputs.",
        )
    return Feedback(
        False,
        "wrong_shape",
        f"{echo(given)} is not it: count the outputs (rows) and "
        "the inputs (columns) of the derivative.",
    )


def _size(s) -> int:
    """One size of a shape: a whole number (2, 2.0, np.int64(2), Fraction(2)), else ValueError."""
    if isinstance(s, (bool, np.bool_)):
        raise ValueError(" True and False are truth values, not sizes.")
    if (
        not isinstance(s, (numbers.Number, decimal.Decimal))
        or isinstance(s, numbers.Complex)
        and (not isinstance(s, numbers.Real))
    ):
        raise ValueError("")
    try:
        size = int(s)
    except (OverflowError, ValueError, TypeError, decimal.InvalidOperation):  # inf, nan
        raise ValueError("") from None
    if size != s:
        raise ValueError("")
    return size


def chain_product(
    given,
    *,
    J_g2=None,
    J_g1=None,
    g2=None,
    g1=None,
    x=None,
    rtol=DEFAULT_RTOL,
    atol=DEFAULT_ATOL,
    reveal=False,
    J_g2_at_x=None,
    digits=None,
    alternatives=(),
    **chain_options,
) -> Feedback:
    """Check J_f = J_g2 @ J_g1 and recognise the usual chain-rule mistakes.

    Parameters
    ----------
    given : answer in any accepted form (see :func:`answer`)
    J_g2 : array_like, shape (k, m), optional
        Outer Jacobian, evaluated at y = g1(x).
    J_g1 : array_like, shape (m, n), optional
        Inner Jacobian, evaluated at x.
    g2, g1, x : optional
        Instead of the Jacobians: the functions (anything :func:`gradlib.chain_rule`
        accepts) and the point; then "J_g2 evaluated at x instead of g1(x)" is
        also recognised.
    rtol, atol, reveal, digits, alternatives
        As in :func:`answer`.
    J_g2_at_x : array_like, shape (k, m), optional
        J_g2 evaluated at x instead of y = g1(x) (when m = n), so that the chain rule's central
        mistake, J_g2(x) @ J_g1(x), is named ("wrong_point"); with g2, g1 and x it is computed.
    **chain_options
        ``variables``, ``y_variables``, ``mode``, ``method`` for :func:`gradlib.chain_rule`.

    Returns
    -------
    Feedback
        Besides the kinds of :func:`answer`: "wrong_order" (J_g1 @ J_g2),
        "missing_factor" (J_g2 or J_g1 alone), "elementwise" (J_g2 * J_g1),
        "wrong_point" (J_g2 taken at x), "transposed_factor" (J_g2 @ J_g1.T); a transposed
        J_f is "transposed".

    Examples
    --------
    >>> J_g2, J_g1 = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[3.0, 0.0], [1.0, 1.0]])
    >>> chain_product(J_g2 @ J_g1, J_g2=J_g2, J_g1=J_g1).kind
    'correct'
    >>> fb = chain_product(J_g1 @ J_g2, J_g2=J_g2, J_g1=J_g1)
    >>> fb.kind
    'wrong_order'
    >>> print(chain_product(J_g2, J_g2=J_g2, J_g1=J_g1).message)  # doctest: +NORMALIZE_WHITESPACE
    This is J_g2 alone: the inner Jacobian J_g1 (the derivative of the inner function g1) is
    missing. J_f = J_g2 @ J_g1.
    >>> at_x = np.array([[1.0, 5.0], [0.0, 1.0]])      # J_g2 where g2's input is x, not g1(x)
    >>> chain_product(at_x @ J_g1, J_g2=J_g2, J_g1=J_g1, J_g2_at_x=at_x).kind
    'wrong_point'
    """
    at_x = None if J_g2_at_x is None else np.asarray(J_g2_at_x, dtype=float)
    if g2 is not None or g1 is not None:
        r = chain_rule(g2, g1, shapes.as_point(x), **chain_options)
        r = r.numeric if r.symbolic else r
        J_g2, J_g1 = r.J_g2, r.J_g1
        if r.x.size == r.y.size:
            # "J_g2 taken at x": the chain with g1 the identity has J_g2 at x.
            y_vars = chain_options.get("y_variables")
            at_x = chain_rule(
                g2, lambda v: v, r.x, y_variables=y_vars, mode="numeric", strict=False
            ).J_g2
    elif chain_options:
        raise GradlibError(f"{', '.join(chain_options)} only apply with g2 and g1.")
    if J_g2 is None or J_g1 is None:
        raise GradlibError("chain_product needs J_g2 and J_g1 (arrays), or g2, g1 and the point x.")
    J_g2, J_g1 = np.asarray(J_g2, dtype=float), np.asarray(J_g1, dtype=float)
    shape = shapes.require_product(
        [("J_g2", J_g2), ("J_g1", J_g1)],
        "J_f",
        context="chain_product: the exercise's Jacobians do not fit.",
    )
    k, n = shape
    t = _Truth(
        shape,
        J_g2 @ J_g1,
        rtol=rtol,
        atol=atol,
        reveal=reveal,
        what="product J_f",
        digits=digits,
        point=None if x is None else shapes.as_point(x),
        explanation="J_f = J_g2 @ J_g1 is "
        + shapes.describe_product([("J_g2", J_g2), ("J_g1", J_g1)], "J_f")
        + f": one row per output of g2 ({k}), one column per input of g1 ({n}).",
        transposed_note="That is what J_g1.T @ J_g2.T gives (the factors transposed and swapped).",
    )
    rule = "J_f = J_g2 @ J_g1."
    t.alternatives = [
        (
            "wrong_order",
            "The factors are in the wrong order: this is J_g1 @ J_g2. The chain rule "
            "puts the outer function's Jacobian on the left: " + rule,
            J_g1 @ J_g2 if J_g1.shape[1] == J_g2.shape[0] else None,
        ),
        (
            "missing_factor",
            "This is J_g2 alone: the inner Jacobian J_g1 (the derivative of the "
            "inner function g1) is missing. " + rule,
            J_g2,
        ),
        (
            "missing_factor",
            "This is J_g1 alone: the outer Jacobian J_g2 (the derivative of the "
            "outer function g2, at y = g1(x)) is missing. " + rule,
            J_g1,
        ),
        (
            "elementwise",
            "You multiplied entry by entry (J_g2 * J_g1); the chain rule is a matrix "
            "product, " + rule + " Use @.",
            J_g2 * J_g1 if J_g2.shape == J_g1.shape else None,
        ),
        (
            "wrong_point",
            "J_g2 was evaluated at x; it belongs at y = g1(x), the point where g2 is "
            "applied: first compute y = g1(x), then put y into J_g2. " + rule,
            None if at_x is None else at_x @ J_g1,
        ),
        (
            "transposed_factor",
            "This is J_g2 @ J_g1.T: the inner Jacobian is transposed. Row i of "
            "J_g1 is the gradient of g1's output i, one column per input of g1. " + rule,
            J_g2 @ J_g1.T if J_g1.shape[0] == J_g1.shape[1] else None,
        ),
    ]
    declared = [(kind, message, np.asarray(M, dtype=float)) for kind, message, M in alternatives]
    t.alternatives = declared + [a for a in t.alternatives if a[2] is not None]
    return _check(given, t)


# ---------------------------------------------------------------------------
# Derivatives with respect to an array X (a weight matrix W): shape (m, *X.shape)


def wrt_array(
    given,
    expected,
    *,
    of="L",
    wrt="W",
    terms=None,
    variables=None,
    x=None,
    rtol=DEFAULT_RTOL,
    atol=DEFAULT_ATOL,
) -> Feedback:
    """Check a derivative with respect to an array, shape (m, *X.shape): outputs, then X's axes.

    Accepted as right: the (m, *X.shape) array; for one output (m = 1, a loss) its slice shaped
    like X, ``J[0]`` (what PyTorch's ``W.grad`` and ``jax.grad`` hold; the feedback says which
    convention it is); and the 2-D Jacobian (m, X.size) with respect to X flattened row by row.

    Parameters
    ----------
    given : the learner's answer, in any form :func:`answer` reads (numbers, lists, formulas)
    expected : array_like, shape (m, *X.shape)
        The truth. For a vector input (X.shape = (n,)) this is the usual (m, n) matrix.
    of, wrt : str
        Names of the output and the input, for messages: "dL/dW".
    terms : array_like, shape (B, *expected.shape), optional
        The contributions of the B examples of a batch, whose sum is ``expected``; then the
        unsummed stack, one example's term and the batch mean are diagnosed.
    variables, x : optional
        For answers typed as formulas: the variables and the point they are evaluated at.
    rtol, atol : float
        Entrywise tolerance, as in :func:`answer`.

    Returns
    -------
    Feedback
        Besides the kinds of :func:`answer`: "transposed" (X's last two axes swapped),
        "vec_column_major" (flattened column by column), "reshaped_transpose" (the transpose
        reshaped to X's shape), "missing_sum", "one_example", "batch_mean", "wrong_axis".

    Examples
    --------
    >>> J = np.array([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]])    # dL/dW for W (2 x 3): (1, 2, 3)
    >>> wrt_array(J, J).kind, wrt_array(J[0], J).kind, wrt_array(J.reshape(1, 6), J).kind
    ('correct', 'correct', 'correct')
    >>> print(wrt_array(J[0].T, J).message)  # doctest: +NORMALIZE_WHITESPACE
    You gave dL/dW transposed, shape (3, 2): entry (k, l) of dL/dW is the derivative with respect
    to W_kl, so it has W's shape (2, 3). Use answer.T.
    >>> wrt_array(J.reshape(1, 6, order="F"), J).kind
    'vec_column_major'
    >>> wrt_array(np.stack([J, 2 * J]), 3 * J, terms=np.stack([J, 2 * J])).kind
    'missing_sum'
    """
    E = np.asarray(expected, dtype=float)
    if E.ndim < 2 or not np.isfinite(E).all():
        raise GradlibError(
            f"wrt_array needs a finite expected array of shape (m, *X.shape), at "
            f"least 2-D; got shape {E.shape}."
        )
    m, S = E.shape[0], E.shape[1:]
    name = f"d{of}/d{wrt}"
    if terms is not None:
        terms = np.asarray(terms, dtype=float)
        if terms.shape[1:] != E.shape or not np.allclose(terms.sum(axis=0), E, atol=1e-12):
            raise GradlibError(
                f"terms must have shape (B, *{E.shape}) and sum to expected; got "
                f"shape {terms.shape}."
            )
    truth = dict(  # what both readings of the truth below share
        rtol=rtol,
        atol=atol,
        given_atol=atol,
        what=f"derivative {name}",
        point=None if x is None else shapes.as_point(x, needed_by="This check"),
        variables=None if variables is None else _variables(variables, None),
    )
    if len(S) == 1:  # a vector input: the usual (m, n) matrix, and the batch mistakes
        t = _Truth(
            E.shape,
            E,
            explanation=f"{name} has shape {E.shape}: one row per output "
            f"of {of}, one column per entry of {wrt}.",
            **truth,
        )
        t.alternatives = [
            (kind, message, M)
            for _, kind, message, M in _batch_readings(terms, name, wrt, E.shape, vector=True)
        ]
        return _check(given, t)
    flat = (m, int(np.prod(S)))
    shown = S if m == 1 else flat  # the shape that messages ask for
    t = _Truth(shown, E.reshape(shown), **truth)
    try:
        A = _to_array(given, t, call=False)
        if not np.isfinite(A).all():
            raise _Reject(
                "non_finite",
                "Your answer has inf or nan. A derivative of a smooth "
                "function is finite; check for a division by zero.",
            )
    except _Reject as r:
        return Feedback(False, r.kind, r.message)
    readings = _array_readings(E, name, wrt) + _batch_readings(terms, name, wrt, shown)
    for ok, kind, message, M in readings:
        if M.shape == A.shape and _close(A, M, rtol, atol).all():
            return Feedback(ok, kind, message.replace("{shape}", str(A.shape)))
    if A.shape in (E.shape, flat, shown):
        return _wrong_values(A.reshape(shown), t)
    also = f", or {S} shaped like {wrt} (its only slice)" if m == 1 else ""
    return Feedback(
        False,
        "wrong_shape",
        f"You gave shape {A.shape}; {name} has shape {E.shape}: "
        f"one axis for the {m} output{'s' * (m > 1)} of {of}, then {wrt}'s axes "
        f"{S}{also}.",
    )


def _array_readings(E, name, wrt) -> list:
    """(right?, kind, message, array) for ways of writing E, shape (m, *S), right and wrong."""
    m, S = E.shape[0], E.shape[1:]
    flat = (m, int(np.prod(S)))
    out = [
        (
            True,
            "correct",
            f"Correct: this is {name} in numerator layout, shape {E.shape}: the "
            f"output{'s' * (m > 1)} first, then {wrt}'s axes.",
            E,
        )
    ]
    if m == 1:
        out.append(
            (
                True,
                "correct",
                f"Correct: this is {name} shaped like {wrt}, {S}: the numbers "
                f"PyTorch's {wrt}.grad and jax.grad hold. In numerator layout the derivative "
                f"of the one output has shape {E.shape}; this is its only slice, J[0].",
                E[0],
            )
        )
    out.append(
        (
            True,
            "correct",
            f"Correct: this is the 2-D Jacobian with respect to vec({wrt}), "
            f"{wrt} flattened row by row, shape {flat}: the same numbers as the {E.shape} "
            "array.",
            E.reshape(flat),
        )
    )
    vec = E.reshape(flat, order="F")
    colmajor = (
        False,
        "vec_column_major",
        f"The right numbers in the wrong order: {wrt} "
        "flattened column by column (Fortran order, the vec of many textbooks). Here "
        f"arrays are flattened row by row (numpy's reshape), so {wrt}_kl comes before "
        f"{wrt}_k(l+1).",
    )
    out += [(*colmajor, vec)]
    if m == 1:
        out += [
            (*colmajor, vec.reshape(-1)),
            (
                False,
                "one_d",
                f"The right numbers, row by row, but 1-D, shape {{shape}}: give "
                f"{name} shaped like {wrt}, {S}, e.g. np.reshape(answer, {S}).",
                E.reshape(-1),
            ),
        ]
    if len(S) == 2:
        T = np.swapaxes(E, -1, -2)
        transposed = (
            False,
            "transposed",
            f"You gave {name} transposed, shape {{shape}}: entry "
            f"(k, l) of {name} is the derivative with respect to {wrt}_kl, so it has "
            f"{wrt}'s shape {S}. Use answer.T.",
        )
        out += [(*transposed, T)] + ([(*transposed, T[0])] if m == 1 else [])
        if m == 1:
            out.append(
                (
                    False,
                    "reshaped_transpose",
                    f"The right numbers in the wrong places: "
                    f"this is the transpose {S[::-1]} reshaped to {S}, which reads its entries "
                    f"in the wrong order. Entry (k, l) must be the derivative with respect to "
                    f"{wrt}_kl: transpose the {S[::-1]} matrix (answer.T) instead of reshaping "
                    "it.",
                    T[0].reshape(S),
                )
            )
    return out


def _batch_readings(terms, name, wrt, shape, vector=False) -> list:
    """(False, kind, message, array): the batch's contributions not summed, one alone, their
    mean; for a vector input (a bias b), also the sum over its entries instead of the batch."""
    if terms is None:
        return []
    B, single = terms.shape[0], terms.shape[1] == 1

    def forms(M, axis):
        """M, and for one output also M without its output axis (shaped like the input)."""
        return [M, np.take(M, 0, axis=axis)] if single else [M]

    out = [
        (
            False,
            "missing_sum",
            f"These are the {B} examples' contributions, not summed: {name} "
            f"is their sum over the batch (the loss adds up the examples, and {wrt} is used by "
            f"every one of them), shape {shape}.",
            M,
        )
        for M in forms(terms, 1)
    ]
    for b in range(B):
        out += [
            (
                False,
                "one_example",
                f"This is the contribution of example {b + 1} alone; "
                f"{name} sums the contributions of all {B} examples of the batch.",
                M,
            )
            for M in forms(terms[b], 0)
        ]
    out += [
        (
            False,
            "batch_mean",
            f"This is the mean over the {B} examples; the loss here is "
            f"their sum, so {name} is the sum of the contributions, {B} times this.",
            M,
        )
        for M in forms(terms.mean(axis=0), 0)
    ]
    if vector and single:
        rows = terms[:, 0].sum(axis=-1)
        out += [
            (
                False,
                "wrong_axis",
                f"You summed over the entries of {wrt} instead of over the "
                f"batch: {name} keeps {wrt}'s axis and sums the {B} examples (axis 0).",
                M,
            )
            for M in (rows.reshape(B, 1), rows.reshape(1, B))
        ]
    return out


def _wrong_values(A, t) -> Feedback:
    """The right shape, wrong numbers: the sign, a constant factor, else which entries."""
    if t.match(-A).all():
        return Feedback(
            False,
            "sign",
            f"Your {t.what} has the opposite sign in every entry: look "
            "for a minus sign lost or added.",
        )
    factor = _constant_factor(A, t)
    if factor is not None:
        return Feedback(
            False,
            "constant_factor",
            f"Your answer is {factor:.4g} times {t.what}: "
            "every entry is off by the same factor. Look for a constant dropped or "
            "added.",
        )
    wrong = ~t.match(A)
    return _wrong_entries(wrong, _entries(A, t, wrong))


def array_shape(given, expected, *, of="L", wrt="W", mistakes=None) -> Feedback:
    """Check a predicted shape (m, *X.shape) of the derivative of m outputs with respect to X.

    Parameters
    ----------
    given : the learner's answer, a tuple of whole numbers
    expected : tuple of int, (m, *X.shape)
    of, wrt : str
        Names of the output and the input, for messages.
    mistakes : dict, optional
        ``{shape: (kind, message)}``: mistakes of one exercise (e.g. the shape of dy/dW).

    Returns
    -------
    Feedback
        "correct" (also X's own shape when m = 1: the gradient shaped like X), "transposed",
        "flattened", a kind of ``mistakes``, "one_d", "wrong_type", "no_answer", "wrong_shape".

    Examples
    --------
    >>> array_shape((1, 3, 5), (1, 3, 5)).kind, array_shape((3, 5), (1, 3, 5)).kind
    ('correct', 'correct')
    >>> print(array_shape((5, 3), (1, 3, 5)).message)  # doctest: +NORMALIZE_WHITESPACE
    (5, 3) is W's shape transposed: entry (k, l) of dL/dW is the derivative with respect to W_kl,
    so W's axes come in W's order, (3, 5).
    """
    expected = tuple(int(s) for s in expected)
    m, S = expected[0], expected[1:]
    name, size = f"d{of}/d{wrt}", int(np.prod(S))
    if given is None:
        return Feedback(
            False,
            "no_answer",
            "There is no answer yet (None). Expected a shape, a "
            "tuple of whole numbers such as (2, 5).",
        )
    if isinstance(given, (int, np.integer)) and not isinstance(given, bool):
        return Feedback(
            False,
            "one_d",
            f"You gave one number, {given}; a shape is a tuple, one number per axis, e.g. (2, 5).",
        )
    try:  # whole numbers: 3, np.int64(3), 3.0; not True, 3.5, inf or "3"
        shape = tuple(given)
        if not shape or any(
            isinstance(s, (bool, np.bool_))
            or not isinstance(s, numbers.Real)
            or not np.isfinite(s)
            or s != int(s)
            for s in shape
        ):
            raise TypeError
    except TypeError:
        return Feedback(
            False,
            "wrong_type",
            f"You gave {_short_repr(given)}; write a shape as whole "
            "numbers in parentheses, one per axis, e.g. (2, 5).",
        )
    shape = tuple(int(s) for s in shape)
    mistakes = {tuple(k): v for k, v in (mistakes or {}).items()}
    if shape == expected:
        return Feedback(
            True,
            "correct",
            f"Right: {shape}, one axis for the {m} "
            f"output{'s' * (m > 1)} of {of}, then {wrt}'s axes {S}.",
        )
    if m == 1 and shape == S:
        return Feedback(
            True,
            "correct",
            f"Right: {shape} is {wrt}'s shape, the shape of {name} "
            f"shaped like {wrt} (PyTorch's {wrt}.grad). In numerator layout it has one "
            f"more axis in front, for the one output {of}: {expected}.",
        )
    if len(S) == 2 and shape in ((m, *S[::-1]), S[::-1] if m == 1 else None):
        return Feedback(
            False,
            "transposed",
            f"{shape} is {wrt}'s shape transposed: entry (k, l) "
            f"of {name} is the derivative with respect to {wrt}_kl, so {wrt}'s axes "
            f"come in {wrt}'s order, {S}.",
        )
    if shape in ((m, size), (size,) if m == 1 else None):
        return Feedback(
            False,
            "flattened",
            f"{shape} is the shape of the derivative with respect "
            f"to vec({wrt}), {wrt} flattened. {name} keeps {wrt}'s {len(S)} axes {S}.",
        )
    if shape in mistakes:
        return Feedback(False, *mistakes[shape])
    return Feedback(
        False,
        "wrong_shape",
        f"{shape} is not it: {name} has one axis for the "
        f"outputs of {of} ({m}), then one per axis of {wrt}.",
    )
