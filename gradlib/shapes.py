"""Shape arithmetic in words: "(2x3) @ (3x4) -> (2x4)", and what to do when shapes do not fit.

Every derivative in gradlib is 2-D, (outputs x inputs). A product of matrices
fits when each inner pair of sizes agrees; this module says so in plain text,
names the factors whose sizes disagree, and suggests the usual fixes (swap the
order, transpose one factor).

>>> from gradlib import shapes
>>> print(shapes.describe_product([("J_g2", (2, 3)), ("J_g1", (3, 4))], result="J_f"))
J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .errors import GradlibError, ShapeError, clip, echo

#: The most axes a nested list may have (numpy's own limit): deeper nesting is not a shape.
MAX_DIMS = 32

CHAIN_RULE_NOTE = "the chain rule multiplies the outer function's Jacobian on the left"


@dataclass(frozen=True)
class ProductCheck:
    """Whether a product of matrices fits, in words.

    Attributes
    ----------
    fits : bool
        True when every inner pair of sizes agrees (also the truth value).
    text : str
        The product in words when it fits, else which inner sizes disagree.
    suggestions : tuple of str
        Fixes that would make it fit (swap the order, transpose a factor).
    shape : tuple of int or None
        Shape of the result, (rows of the first factor, columns of the last), when it fits.

    Examples
    --------
    >>> d = diagnose([("J", (2, 3)), ("dx", (3, 1))], result="dy")
    >>> bool(d), d.shape, str(d)
    (True, (2, 1), 'J (2x3) @ dx (3x1) -> dy (2x1)')
    """

    fits: bool
    text: str
    suggestions: tuple[str, ...] = ()
    shape: tuple[int, int] | None = None

    def __bool__(self) -> bool:
        return self.fits

    def __str__(self) -> str:
        return " ".join((self.text, *self.suggestions))


def fmt(shape) -> str:
    """Format a shape as "(axb)", the way products are written in words.

    Parameters
    ----------
    shape : tuple of int, or anything with a ``.shape`` (ndarray, sympy Matrix)

    Returns
    -------
    str

    Examples
    --------
    >>> fmt((2, 3)), fmt((3,)), fmt(())
    ('(2x3)', '(3,)', '()')
    """
    shape = shape_of(shape)
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + "x".join(str(s) for s in shape) + ")"


def shape_of(obj) -> tuple[int, ...]:
    """The shape of an array, a sympy Matrix, a nested list, or a shape tuple itself.

    Examples
    --------
    >>> shape_of((2, 3)), shape_of([[1, 2, 3]]), shape_of([1.0, 2.0])
    ((2, 3), (1, 3), (2,))
    """
    if hasattr(obj, "shape"):
        return tuple(int(s) for s in obj.shape)
    # numbers.Integral: sizes computed with numpy (np.int64) are a shape too, not a vector
    if isinstance(obj, tuple) and all(isinstance(s, numbers.Integral) for s in obj):
        return tuple(int(s) for s in obj)
    shape = []
    while isinstance(obj, (list, tuple)):
        if len(shape) == MAX_DIMS:  # also a list that contains itself
            raise ShapeError(
                f"{echo(obj)} is nested more than {MAX_DIMS} levels deep: "
                "give a matrix as a list of rows, or an array"
            )
        shape.append(len(obj))
        obj = obj[0] if obj else None
    return tuple(shape) + (shape_of(obj) if hasattr(obj, "shape") else ())  # rows given as arrays


def as_point(x, name: str = "x", needed_by: str = "This check") -> np.ndarray:
    """The point ``x`` as finite float64 of shape (n,) (a number counts as n = 1), or a clear error.

    >>> as_point(2).tolist(), as_point([1, 2.5]).shape
    ([2.0], (2,))
    """
    if x is None:
        raise GradlibError(f"{needed_by} needs the point {name}, shape (n,); got none.")
    try:
        p = np.atleast_1d(np.array(x, dtype=float))  # a copy: never a view of the caller's array
    except (TypeError, ValueError, OverflowError) as err:
        raise GradlibError(f"The point {name} must be numbers, shape (n,); got {echo(x)}.") from err
    if p.ndim != 1:
        raise ShapeError(
            f"The point {name} has shape {p.shape}; expected shape (n,): a number or "
            "a 1-D array, one number per input (e.g. np.ravel(x))."
        )
    if not np.isfinite(p).all():
        raise GradlibError(f"The point {name} must be finite; got {echo(p.tolist())}.")
    return p


def as_points(x, n: int, names: str = "x") -> np.ndarray:
    """x as float64 (or complex128) of shape (n, *batch): one point (n,), or N points (n, N).

    A scalar is one point when n == 1, and a 1-D array of N != 1 values is then a batch
    of N points (how ``gl.derivative(..., vectorized=True)`` calls a curve).

    >>> as_points([1, 2], 2).tolist(), as_points([0.0, 0.5, 1.0], 1).shape
    ([1.0, 2.0], (1, 3))
    """
    try:
        x = np.asarray(x)
        x = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64, copy=False)
    except (TypeError, ValueError, OverflowError) as err:
        raise ShapeError(
            f"x must be numbers of shape ({n},) or ({n}, N); could not read it as an "
            f"array: {clip(err)}"
        ) from err
    if n == 1 and x.ndim <= 1 and x.size != 1:
        x = x.reshape(1, -1)
    elif n == 1 and x.ndim == 0:
        x = x.reshape(1)
    if x.ndim == 0 or x.shape[0] != n:
        raise ShapeError(
            f"x has shape {x.shape}; expected shape ({n},) for one point of "
            f"({names}), or ({n}, N) for N points"
        )
    return x


def space(n: int) -> str:
    """R^n written in text, R for n = 1.

    >>> space(1), space(3)
    ('R', 'R^3')
    """
    return "R" if n == 1 else f"R^{n}"


def derivative_name(n: int, m: int) -> str:
    """What the derivative of f: R^n -> R^m is called: gradient, derivative or Jacobian.

    >>> derivative_name(3, 1), derivative_name(1, 2), derivative_name(3, 2)
    ('gradient', 'derivative', 'Jacobian')
    """
    if m == 1 and n > 1:
        return "gradient"
    if n == 1:
        return "derivative"
    return "Jacobian"


def explain_derivative(n: int, m: int, name: str = "f") -> str:
    """The shape of the derivative of f: R^n -> R^m in words (numerator layout).

    Parameters
    ----------
    n, m : int
        Number of inputs and outputs of f.
    name : str
        What to call the function.

    Returns
    -------
    str
        One sentence: the derivative's name, its shape (m, n) and why.

    Examples
    --------
    >>> print(explain_derivative(3, 1))
    f: R^3 -> R has a gradient of shape (1, 3), a row: one row, one column per input.
    >>> print(explain_derivative(1, 2, name="g1"))
    g1: R -> R^2 has a derivative of shape (2, 1), a column: one row per output, one column.
    >>> print(explain_derivative(3, 2))
    f: R^3 -> R^2 has a Jacobian of shape (2, 3): one row per output, one column per input.
    """
    what = derivative_name(n, m)
    form = {(True, False): ", a row", (False, True): ", a column"}.get((m == 1, n == 1), "")
    rows = "one row" if m == 1 else "one row per output"
    cols = "one column" if n == 1 else "one column per input"
    return (
        f"{name}: {space(n)} -> {space(m)} has a {what} of shape ({m}, {n}){form}: {rows}, {cols}."
    )


def _factors(factors):
    """(name, shape) pairs from pairs or bare arrays/shapes (named A1, A2, ...)."""
    out = []
    for idx, item in enumerate(factors, start=1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, obj = item
        else:
            name, obj = f"A{idx}", item
        out.append((name, shape_of(obj)))
    return out


def _join(named):
    return " @ ".join(f"{name} {fmt(shape)}" for name, shape in named)


def _mismatches(named):
    """Inner sizes that disagree, as (left index, right index) pairs."""
    return [(a, a + 1) for a in range(len(named) - 1) if named[a][1][1] != named[a + 1][1][0]]


def diagnose(factors, result: str | None = None) -> ProductCheck:
    """Check that a product of matrices fits, and explain why not when it does not.

    Parameters
    ----------
    factors : sequence of (name, shape or array) pairs, or of bare shapes/arrays
        The factors from left to right. Bare factors are named A1, A2, ...
    result : str, optional
        Name of the product, shown after the arrow.

    Returns
    -------
    ProductCheck
        Truthy when the product fits; ``.text`` says which inner sizes
        disagree (by name and position), ``.suggestions`` which swap or
        transpose would fit.

    Examples
    --------
    >>> d = diagnose([("J_g1", (3, 4)), ("J_g2", (2, 3))])
    >>> bool(d)
    False
    >>> print(d.text)
    J_g1 (3x4) @ J_g2 (2x3): inner sizes 4 and 2 disagree.
    >>> print(d.suggestions[0])  # doctest: +NORMALIZE_WHITESPACE
    Swapping the order gives J_g2 @ J_g1 (2x3)(3x4) -> (2x4), which fits: the chain rule
    multiplies the outer function's Jacobian on the left.
    >>> print(diagnose([("J_g2", (2, 3)), ("J_g1", (4, 3))]).suggestions[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    Transposing J_g1 gives J_g2 @ J_g1.T (2x3)(3x4) -> (2x4), which fits: is J_g1 in
    denominator layout (inputs x outputs)?
    """
    named = _factors(factors)
    if not named:
        raise ShapeError("A product needs at least one factor; got none.")
    flat = [(name, s) for name, s in named if len(s) != 2]
    if flat:
        name, s = flat[0]
        return ProductCheck(
            False,
            f"{name} has shape {fmt(s)}, not 2-D: every factor of a product "
            "of derivatives is a matrix (rows x columns).",
            (
                f"Reshape {name} to a row (1, n) or a column (n, 1)."
                if len(s) == 1
                else f"Give {name} as a 2-D matrix.",
            ),
        )
    bad = _mismatches(named)
    if not bad:
        shape = (named[0][1][0], named[-1][1][1])
        tail = f" -> {result + ' ' if result else ''}{fmt(shape)}"
        return ProductCheck(True, _join(named) + tail, (), shape)
    parts = []
    for a, b in bad:
        where = (
            ""
            if len(named) == 2
            else f" (between factor {a + 1}, {named[a][0]}, and factor {b + 1}, {named[b][0]})"
        )
        parts.append(f"inner sizes {named[a][1][1]} and {named[b][1][0]} disagree{where}")
    text = f"{_join(named)}: {'; '.join(parts)}."
    return ProductCheck(False, text, tuple(_suggestions(named)))


def _suggestions(named):
    """Which single change makes the product fit: reversing the order, or transposing a factor."""
    out = []
    swapped = named[::-1]
    if not _mismatches(swapped):
        word = "Swapping" if len(named) == 2 else "Reversing"
        out.append(
            f"{word} the order gives {' @ '.join(n for n, _ in swapped)} "
            f"{''.join(fmt(s) for _, s in swapped)} -> "
            f"{fmt((swapped[0][1][0], swapped[-1][1][1]))}, which fits: {CHAIN_RULE_NOTE}."
        )
    for idx, (name, (r, c)) in enumerate(named):
        if r == c:
            continue
        trial = list(named)
        trial[idx] = (name + ".T", (c, r))
        if not _mismatches(trial):
            out.append(
                f"Transposing {name} gives {' @ '.join(n for n, _ in trial)} "
                f"{''.join(fmt(s) for _, s in trial)} -> "
                f"{fmt((trial[0][1][0], trial[-1][1][1]))}, which fits: is {name} in "
                "denominator layout (inputs x outputs)?"
            )
    return out


def describe_product(factors, result: str | None = None) -> str:
    """A product of matrices in words, for chains of any length.

    Parameters
    ----------
    factors : sequence of (name, shape or array) pairs, or of bare shapes/arrays
    result : str, optional
        Name of the product.

    Returns
    -------
    str
        For example "J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)".

    Raises
    ------
    ShapeError
        When the shapes do not fit; the message is :func:`diagnose`'s text and suggestions.

    Examples
    --------
    >>> import numpy as np
    >>> print(describe_product([("J3", (1, 10)), ("J2", np.zeros((10, 100))), ("J1", (100, 1000))]))
    J3 (1x10) @ J2 (10x100) @ J1 (100x1000) -> (1x1000)
    >>> print(describe_product([(1, 3), (3, 1)], result="dy"))
    A1 (1x3) @ A2 (3x1) -> dy (1x1)
    """
    check = diagnose(factors, result)
    if not check:
        raise ShapeError(str(check))
    return check.text


def require_product(
    factors, result: str | None = None, context: str = "", suggest: bool = True
) -> tuple[int, int]:
    """The shape of a product of matrices, or a ShapeError explaining why it does not fit.

    Parameters
    ----------
    factors : sequence of (name, shape or array) pairs, or of bare shapes/arrays
    result : str, optional
        Name of the product.
    context : str, optional
        A sentence put in front of the explanation (what was being computed).
    suggest : bool
        Add the suggested fixes (swap, transpose); leave them out when the
        factors come from functions that do not compose, where neither helps.

    Returns
    -------
    tuple of int
        (rows of the first factor, columns of the last).

    Examples
    --------
    >>> require_product([("J_g2", (2, 3)), ("J_g1", (3, 4))])
    (2, 4)
    >>> require_product([("J_g2", (2, 2)), ("J_g1", (3, 4))], context="g1 gives 3, g2 takes 2.")
    Traceback (most recent call last):
    ...
    gradlib.errors.ShapeError: g1 gives 3, g2 takes 2. J_g2 (2x2) @ J_g1 (3x4): inner sizes 2 ...
    """
    check = diagnose(factors, result)
    if not check:
        raise ShapeError(" ".join(filter(None, (context, str(check) if suggest else check.text))))
    return check.shape
