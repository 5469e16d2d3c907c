"""The chain rule as data: every factor, every entry of J_f = J_g2 @ J_g1, the terms that sum to it.

For f = g2(g1(x)) with g1: R^n -> R^m and g2: R^m -> R^k, entry (i, j) of
J_f is row i of J_g2 (taken at y = g1(x)) against column j of J_g1:

    J_f[i, j] = sum over l of dg2_i/dy_l * dy_l/dx_j          (m terms)

:func:`chain_rule` returns all of it, numerically or symbolically, and checks
the product against the Jacobian of the composition computed directly.
:class:`Chain` does the same for any number of functions, and :func:`costs`
counts what each order of multiplying the Jacobians costs (forward against
reverse accumulation, and the cheapest bracketing); :func:`order_costs` does it
for factors of any kind (a diagonal one is multiplied entry by entry).

Counting convention: a (p x q) @ (q x r) product costs p*q*r scalar
multiplications; the first factor is taken as it is (no product with an
identity matrix).

>>> import numpy as np
>>> g1 = lambda x: np.array([x[0] + x[1], x[0] * x[1]])
>>> r = chain_rule(lambda y: y[0] * y[1], g1, [1.0, 2.0])
>>> r.shape_text
'J_g2 (1x2) @ J_g1 (2x2) -> J_f (1x2)'
>>> print(r.steps[1].text())
J_f[0,1] = (2.0)(1.0) + (3.0)(1.0) = 5.0
"""

from __future__ import annotations

import itertools
from collections.abc import Sized
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import sympy as sp

from . import numeric, shapes, symbolic
from .errors import FunctionError, GradlibError, NonFiniteError, ParseError, ShapeError, clip, echo
from .functions import is_entry

__all__ = [
    "chain_rule",
    "ChainResult",
    "Step",
    "Term",
    "Chain",
    "costs",
    "order_costs",
    "Factor",
    "product_cost",
    "call_at",
]


# ---------------------------------------------------------------------------
# One entry of J_f, term by term


class Term(NamedTuple):
    """One of the m terms of J_f[i, j]: a = dg2_i/dy_l (at y = g1(x)), b = dy_l/dx_j, product = a*b.

    Examples
    --------
    >>> r = chain_rule(lambda y: 3 * y[0] + y[1], lambda x: np.array([2 * x[0], x[0]]), [1.0])
    >>> r.step(0, 0).terms[0]
    Term(l=0, a=3.0, b=2.0, product=6.0)
    """

    l: int
    a: object
    b: object
    product: object


@dataclass(frozen=True, eq=False)
class Step:
    r"""Entry (i, j) of J_f: row i of J_g2 against column j of J_g1.

    Attributes
    ----------
    i, j : int
        The entry of J_f (0-based, as in ``J_f[i, j]``).
    terms : tuple of Term, length m
        ``(l, a, b, a*b)``: floats, or sympy expressions in x for a symbolic chain.
    value : float or sympy expression
        Their sum, J_f[i, j].
    formula : str
        The entry in Leibniz notation, with mathematical 1-based subscripts
        (J_f[0, 1] is df_1/dx_2): "∂g2_1/∂y_1 ∂y_1/∂x_2 + ∂g2_1/∂y_2 ∂y_2/∂x_2".
    latex : str
        The same formula as LaTeX.

    Examples
    --------
    >>> r = chain_rule(lambda y: y[0] * y[1], lambda x: np.array([x[0], 2 * x[0]]), [1.5])
    >>> s = r.step(0, 0)
    >>> s.i, s.j, len(s.terms), s.value
    (0, 0, 2, 6.0)
    >>> print(s.formula)
    ∂g2/∂y_1 ∂y_1/∂x + ∂g2/∂y_2 ∂y_2/∂x
    >>> print(s.latex.replace(" + ", "\n+ "))
    \frac{\partial g_2}{\partial y_{1}} \frac{\partial y_{1}}{\partial x}
    + \frac{\partial g_2}{\partial y_{2}} \frac{\partial y_{2}}{\partial x}
    """

    i: int
    j: int
    terms: tuple
    value: object
    formula: str
    latex: str

    def text(self, digits: int = 4) -> str:
        """The entry with its numbers (or expressions), each rounded to ``digits`` decimals.

        >>> r = chain_rule(lambda y: y[0] * y[1], lambda x: np.array([x[0], 2 * x[0]]), [1.5])
        >>> r.step(0, 0).text()
        'J_f[0,0] = (3.0)(1.0) + (1.5)(2.0) = 6.0'
        """
        show = (lambda v: repr(round(float(v), digits) + 0.0)) if _is_number(self.value) else str
        rhs = " + ".join(f"({show(t.a)})({show(t.b)})" for t in self.terms)
        return f"J_f[{self.i},{self.j}] = {rhs} = {show(self.value)}"


def _is_number(v) -> bool:
    return isinstance(v, (float, int, np.floating)) or (isinstance(v, sp.Basic) and v.is_number)


def _names(variables, count, letter):
    """(text, latex) names: the variables' own, else letter_1..letter_count (the letter if 1)."""
    if variables is not None:
        return [(str(v), sp.latex(v)) for v in variables]
    if count == 1:
        return [(letter, letter)]
    return [(f"{letter}_{l + 1}", f"{letter}_{{{l + 1}}}") for l in range(count)]


def _steps(J_g2, J_g1, x_names, y_names, number=True):
    """One Step per entry of J_f, row-major: the order a person computes them."""
    k, m = J_g2.shape
    n = J_g1.shape[1]
    g2 = [("g2", "g_2")] if k == 1 else [(f"g2_{i + 1}", f"g_{{2,{i + 1}}}") for i in range(k)]
    entry = float if number else (lambda e: e)
    steps = []
    for i, j in itertools.product(range(k), range(n)):
        # row i of J_g2 against column j of J_g1: dg2_i/dy_l * dy_l/dx_j for each l
        terms = tuple(
            Term(l, a, b, a * b)
            for l, a, b in ((l, entry(J_g2[i, l]), entry(J_g1[l, j])) for l in range(m))
        )
        value = sum((t.product for t in terms), 0.0 if number else sp.Integer(0))
        (gt, gl_), (xt, xl) = g2[i], x_names[j]
        formula = " + ".join(f"∂{gt}/∂{yt} ∂{yt}/∂{xt}" for yt, _ in y_names)
        latex = " + ".join(
            rf"\frac{{\partial {gl_}}}{{\partial {yl}}} "
            rf"\frac{{\partial {yl}}}{{\partial {xl}}}"
            for _, yl in y_names
        )
        steps.append(Step(i, j, terms, value, formula, latex))
    return tuple(steps)


# ---------------------------------------------------------------------------
# The result


@dataclass(frozen=True, eq=False)
class ChainResult:
    """Everything about f = g2(g1(x)) at one point (numeric) or as formulas (symbolic).

    Attributes
    ----------
    x : ndarray (n,), or sympy Matrix (n, 1) of the input variables when symbolic
    y : ndarray (m,) = g1(x), or sympy Matrix (m, 1) of g1's formulas
    J_g1 : ndarray or sympy Matrix, shape (m, n)
        Inner Jacobian, at x.
    J_g2 : ndarray or sympy Matrix, shape (k, m)
        Outer Jacobian, at y = g1(x) (symbolic: with y replaced by g1(x)).
    J_f : ndarray or sympy Matrix, shape (k, n)
        J_g2 @ J_g1.
    steps : tuple of Step, length k*n
        One per entry of J_f, row-major; ``steps[i * n + j]`` is entry (i, j), see :meth:`step`.
    shape_text : str
        "J_g2 (kxm) @ J_g1 (mxn) -> J_f (kxn)".
    direct_J : ndarray or sympy Matrix, shape (k, n)
        The Jacobian of x -> g2(g1(x)) computed directly, without the chain rule.
    check_ok : bool
        Whether J_f agrees with direct_J (to the numeric method's tolerance).
    symbolic : bool
    variables, y_variables : tuple of sympy Symbol, or None when numeric
    numeric : ChainResult or None
        For a symbolic chain with a point: the same, as numbers at that point.

    Examples
    --------
    >>> r = chain_rule(np.sin, lambda x: np.array([x[0] * x[1]]), [1.0, 0.0])
    >>> r
    <ChainResult numeric: J_g2 (1x1) @ J_g1 (1x2) -> J_f (1x2)>
    >>> r.J_f.round(6), r.step(0, 1).value
    (array([[0., 1.]]), 1.0)
    """

    x: object
    y: object
    J_g1: object
    J_g2: object
    J_f: object
    steps: tuple
    shape_text: str
    direct_J: object
    check_ok: bool
    symbolic: bool = False
    variables: tuple | None = None
    y_variables: tuple | None = None
    numeric: ChainResult | None = None

    def step(self, i: int, j: int) -> Step:
        """The step for entry (i, j) of J_f (``steps[i * n + j]``)."""
        return self.steps[i * self.J_f.shape[1] + j]

    def __repr__(self):
        at = "" if self.numeric is None else f" at x = {echo(self.numeric.x.tolist())}"
        return f"<ChainResult {'symbolic' if self.symbolic else 'numeric'}{at}: {self.shape_text}>"


# ---------------------------------------------------------------------------
# Evaluating one function of a chain


def _callable(g, name):
    """A numpy callable for g: itself, or a catalogue entry's f."""
    if is_entry(g):
        return g.f
    if callable(g) and not isinstance(g, sp.Basic):
        return g
    raise GradlibError(
        f"{name} must be a callable, a catalogue entry or (for a symbolic chain) "
        f"a formula; got {type(g).__name__}."
    )


def call_at(fun, p, name="f", role="a function"):
    """``fun`` called with its own copy of the point p (it may change it), as it returns.

    Raises
    ------
    FunctionError
        When fun raises: the message names fun, its role and the point; the
        original error is chained as ``__cause__``.

    Examples
    --------
    >>> def f(v):
    ...     v[0] += 1           # changes its argument
    ...     return v[0]
    >>> p = np.array([1.0])
    >>> float(call_at(f, p)), p
    (2.0, array([1.]))
    """
    try:
        return fun(np.array(p))
    except Exception as err:
        raise FunctionError(
            f"{name} ({role}) raised {type(err).__name__} when called at "
            f"{echo(np.asarray(p).tolist())}: {clip(err)}"
        ) from err


def _vector_at(fun, p, name, role):
    """fun(p) as a float vector (m,), or an error naming the function and the point."""
    out = call_at(fun, p, name, role)
    try:
        out = np.asarray(out, dtype=float)
    except (TypeError, ValueError, OverflowError) as err:
        raise ShapeError(
            f"{name} returned {echo(out, 60)} at {echo(p.tolist())}; expected a "
            "number or shape (m,) of numbers. Return a flat vector of numbers, e.g. "
            "np.array([y1, y2])."
        ) from err
    if out.ndim > 1:
        raise ShapeError(
            f"{name} returned shape {out.shape} at {echo(p.tolist())}; expected a "
            "number or shape (m,), one number per output. Return a flat vector: "
            "np.ravel(...) of it."
        )
    return np.atleast_1d(out)


def _jacobian(g, p, name, role, method):
    """(J, error estimate): exact for a catalogue entry, gradlib.numeric otherwise."""
    if is_entry(g):
        return np.asarray(g.jacobian_exact(p), dtype=float), np.zeros((g.n_out, g.n_in))
    try:
        J, info = numeric.jacobian(g, p, method=method, full_output=True)
    except GradlibError as err:
        raise type(err)(f"{name} ({role}): {err}") from err
    return J, info.error


def _not_composable(fun, y, J_prev, name, prev_name, err):
    """The error when a function fails on the previous output y: which sizes it does take."""
    accepted = []
    for size in range(1, 9):  # probe: most functions written for a fixed size fail on the others
        if size != y.size:
            try:
                accepted.append((size, _vector_at(fun, np.full(size, 0.5), name, "").size))
            except GradlibError:
                pass
    cause = err.__cause__
    head = (
        f"{prev_name} returns {y.size} numbers (y has shape ({y.size},)), but {name} failed "
        f"when called with them: {type(cause).__name__}: {cause}."
    )
    if not accepted:
        raise FunctionError(
            f"{head} It failed with every other number of inputs too, so the "
            f"problem is in {name} itself, not in the sizes."
        ) from cause
    if len(accepted) == 1:
        size, k = accepted[0]
        shapes.require_product(
            [(f"J_{name}", (k, size)), (f"J_{prev_name}", J_prev.shape)],
            context=f"{head} {name} works with {size} inputs, so they do not compose:",
            suggest=False,
        )
    sizes = [s for s, _ in accepted]
    sizes = (
        f"{sizes[0]} or more" if sizes == list(range(sizes[0], 9)) else " or ".join(map(str, sizes))
    )
    raise ShapeError(
        f"{head} {name} works when called with {sizes} numbers: does it expect a "
        "different number of inputs? The outer function must take as many inputs as "
        "the inner one returns."
    ) from cause


def _require_sizes(steps, names):
    """For catalogue entries the sizes are known: check that each n_out matches the next n_in."""
    for (inner, a), (outer, b) in itertools.pairwise(zip(steps, names)):
        if is_entry(inner) and is_entry(outer):
            shapes.require_product(
                [(f"J_{b}", (outer.n_out, outer.n_in)), (f"J_{a}", (inner.n_out, inner.n_in))],
                context=f"{a} ({inner.name}: {_maps(inner)}) returns {inner.n_out} numbers, but "
                f"{b} ({outer.name}: {_maps(outer)}) takes {outer.n_in}:",
                suggest=False,
            )


def _maps(entry):
    return f"{shapes.space(entry.n_in)} -> {shapes.space(entry.n_out)}"


# ---------------------------------------------------------------------------
# Chains of any length


class Chain:
    """f = g_L(...g_2(g_1(x))): every point, every Jacobian, and what each order of products costs.

    Parameters
    ----------
    functions : sequence of callables or catalogue entries, length L >= 1
        In the order they are applied: ``functions[0]`` is g1, applied to x first.
    x : array_like, shape (n,)
    method : str
        Finite-difference method for callables (see :func:`gradlib.jacobian`);
        catalogue entries use their exact Jacobian.
    strict : bool
        Raise a GradlibError when J_f disagrees with the directly computed
        Jacobian of the composition (else only set ``check_ok``).
    names : sequence of str, optional
        What to call the functions in messages (default g1, g2, ...).

    Attributes
    ----------
    points : list of ndarray
        ``[x, y1, ..., yL]``: x (n,), then each function's output (m_i,).
    jacobians : list of ndarray
        ``[J_1, ..., J_L]``, J_i of shape (m_i, m_{i-1}) at points[i-1].
    sizes : list of int
        ``[n, m1, ..., k]``.
    J_f : ndarray, shape (k, n)
        J_L @ ... @ J_1.
    direct_J : ndarray, shape (k, n)
        Jacobian of the whole composition, computed directly.
    check_ok : bool

    Examples
    --------
    >>> c = Chain([np.sin, lambda y: y ** 2, np.sum], [0.0, 1.0, 2.0])
    >>> c.sizes, c.J_f.shape, c.check_ok
    ([3, 3, 3, 1], (1, 3), True)
    >>> print(c.shape_text)
    J3 (1x3) @ J2 (3x3) @ J1 (3x3) -> J_f (1x3)
    >>> c.costs()["reverse"], c.costs()["forward"]
    (18, 36)
    """

    def __init__(self, functions, x, *, method="auto", strict=True, names=None):
        self.functions = list(functions)
        if not self.functions:
            raise GradlibError("A chain needs at least one function; got none.")
        L = len(self.functions)
        self.names = list(names) if names else [f"g{i}" for i in range(1, L + 1)]
        if len(self.names) != L:  # zip below would silently drop the functions without a name
            raise GradlibError(
                f"names has {len(self.names)} entries for {L} functions; give one "
                "name per function."
            )
        _require_sizes(self.functions, self.names)
        self.points = [shapes.as_point(x, needed_by="A numeric chain")]
        self.jacobians, errors = [], []
        for idx, (g, name) in enumerate(zip(self.functions, self.names)):
            role = "the inner function" if idx == 0 else "applied to the previous output"
            fun, p = _callable(g, name), self.points[-1]
            try:
                out = _vector_at(fun, p, name, role)
            except FunctionError as err:
                if idx == 0:
                    raise
                _not_composable(fun, p, self.jacobians[-1], name, self.names[idx - 1], err)
            J, E = _jacobian(g, p, name, role, method)
            self.points.append(out)
            self.jacobians.append(J)
            errors.append(E)
        self.sizes = [self.points[0].size] + [J.shape[0] for J in self.jacobians]
        self.J_f = _product(self.jacobians)
        self.direct_J, error = self._direct(method, errors)
        # Agree to ten times the error estimates (plus a tiny relative slack), and those estimates
        # must be small: near a kink or a jump they are large, and then neither can be trusted.
        scale = max(1.0, float(np.max(np.abs(self.direct_J))))
        diff = np.abs(self.J_f - self.direct_J)
        slack = 10 * error + 1e-8 * np.abs(self.direct_J) + 1e-10 * scale
        self.check_ok = bool(np.all(diff <= slack) and np.all(error <= 1e-6 * scale))
        if strict and not self.check_ok:
            raise GradlibError(
                "The chain-rule product J_f differs from the Jacobian of the "
                f"composition computed directly by up to {diff.max():.3g} at x = "
                f"{echo(self.points[0].tolist())}, with finite-difference errors "
                f"estimated up to {error.max():.3g}. A function may not be "
                "differentiable there (abs, max, a kink, a jump); try another "
                "point, or pass strict=False to inspect both (.J_f, .direct_J)."
            )

    def _direct(self, method, errors):
        """The composition's Jacobian computed directly, and how far J_f may differ from it."""
        funs = [_callable(g, name) for g, name in zip(self.functions, self.names)]

        def f(v):
            for fun in funs:
                v = np.atleast_1d(fun(v))
            return v

        J_d, info = numeric.jacobian(f, self.points[0], method=method, full_output=True)
        # First-order error of the product: each factor's error, carried by the others' sizes.
        carried = sum(
            _product([E if a == b else np.abs(J) for a, J in enumerate(self.jacobians)])
            for b, E in enumerate(errors)
        )
        return J_d, info.error + carried

    @property
    def shape_text(self) -> str:
        """The product in words, e.g. "J3 (1x3) @ J2 (3x3) @ J1 (3x3) -> J_f (1x3)"."""
        L = len(self.jacobians)
        factors = [(f"J{i}", self.jacobians[i - 1]) for i in range(L, 0, -1)]
        return shapes.describe_product(factors, "J_f")

    def costs(self) -> dict:
        """:func:`costs` of this chain's sizes."""
        return costs(self.sizes)

    def __repr__(self):
        at = echo(self.points[0].tolist())
        return f"<Chain of {len(self.functions)} at x = {at}: {self.shape_text}>"


def _product(matrices):
    """J_L @ ... @ J_1 for matrices listed J_1 first."""
    out = matrices[0]
    for M in matrices[1:]:
        out = M @ out
    return out


# ---------------------------------------------------------------------------
# The cost of each order of multiplication


#: The longest chain costs() takes: the cheapest bracketing takes time L^3.
MAX_FUNCTIONS = 100


def _check_sizes(sizes):
    try:
        count = len(sizes) if isinstance(sizes, Sized) else 0
    except OverflowError:  # range(10**20)
        count = MAX_FUNCTIONS + 2
    if count > MAX_FUNCTIONS + 1:
        raise GradlibError(
            f"costs takes chains of at most {MAX_FUNCTIONS} functions "
            f"({MAX_FUNCTIONS + 1} sizes); got {echo(sizes)}."
        )
    try:
        if not isinstance(sizes, Sized):  # an endless iterator is never read
            raise TypeError
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError, OverflowError) as err:
        raise GradlibError(
            f"sizes must be whole numbers [n, m1, ..., k]; got {echo(sizes)}."
        ) from err
    if len(sizes) < 2 or min(sizes) < 1:
        raise GradlibError(
            "sizes must be [n, m1, ..., k]: at least two positive sizes, the "
            f"input size first; got {echo(sizes)}."
        )
    return sizes


@dataclass(frozen=True)
class Factor:
    """One Jacobian of a chain: its name and shape; ``diagonal`` when its layer acts entry by entry.

    A layer like tanh maps z to tanh(z) entry by entry: its Jacobian diag(1 - tanh(z)^2) is never
    formed. Multiplying by it scales rows or columns: as many multiplications as entries, an
    element-wise product (see :func:`product_cost`).
    """

    name: str
    rows: int
    cols: int
    diagonal: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.cols


def product_cost(left: Factor, right: Factor) -> int:
    """Scalar multiplications for ``left @ right``, shapes (p x q)(q x r).

    A dense product costs p q r. A diagonal factor only scales: the rows of the other (q r) or its
    columns (p q); two diagonals, q.

    >>> product_cost(Factor("A", 1, 3), Factor("B", 3, 5))
    15
    >>> product_cost(Factor("u", 1, 3), Factor("D", 3, 3, diagonal=True))   # scales u's columns
    3
    """
    p, q, r = left.rows, left.cols, right.cols
    if left.diagonal and right.diagonal:
        return q
    if left.diagonal:
        return q * r
    if right.diagonal:
        return p * q
    return p * q * r


def _times(left: Factor, right: Factor) -> tuple[Factor, str, int]:
    """The product as a factor, the text of the step, its cost."""
    wrap = lambda n: f"({n})" if " " in n else n
    name = f"{wrap(left.name)} @ {wrap(right.name)}"
    cost = product_cost(left, right)
    how = ", element-wise" if left.diagonal != right.diagonal else ""
    text = (
        f"{name}: ({left.rows}x{left.cols})({right.rows}x{right.cols}) -> "
        f"({left.rows}x{right.cols}), {cost:,} multiplication{'s' * (cost != 1)}{how}"
    )
    return Factor(name, left.rows, right.cols, left.diagonal and right.diagonal), text, cost


def _cheapest(factors):
    """The cheapest bracketing of a product of factors (F_L first), by dynamic programming.

    Returns (cost, tree), the tree as nested pairs of names. A span of factors multiplies out to
    a diagonal matrix when all of them are diagonal. Ties go to the later split, the
    left-to-right (reverse) order.
    """
    L = len(factors)
    span = {  # what factors a..b multiply out to
        (a, b): Factor(
            "", factors[a].rows, factors[b].cols, all(f.diagonal for f in factors[a : b + 1])
        )
        for a in range(L)
        for b in range(a, L)
    }
    best = {(t, t): (0, factors[t].name) for t in range(L)}
    for size in range(2, L + 1):
        for a in range(L - size + 1):
            b = a + size - 1
            best[a, b] = min(
                (
                    best[a, s][0] + best[s + 1, b][0] + product_cost(span[a, s], span[s + 1, b]),
                    -s,
                    (best[a, s][1], best[s + 1, b][1]),
                )
                for s in range(a, b)
            )[::2]
    return best[0, L - 1]


def _bracket(tree, top=True) -> str:
    if isinstance(tree, str):
        return tree
    text = f"{_bracket(tree[0], False)} @ {_bracket(tree[1], False)}"
    return text if top else f"({text})"


def costs(sizes) -> dict:
    """Scalar multiplications to form J_f = J_L @ ... @ J_1 in each order, from the sizes alone.

    Parameters
    ----------
    sizes : sequence of int, ``[n, m1, ..., k]``
        Input size first; J_i has shape (sizes[i], sizes[i-1]).

    Returns
    -------
    dict
        ``forward``: right to left, J_L @ (... @ (J_2 @ J_1)), carrying an
        (m_i x n) matrix: sum of m_{i+1} * m_i * n.
        ``reverse``: left to right, ((J_L @ J_{L-1}) @ ...) @ J_1, carrying a
        (k x m_i) matrix: sum of k * m_{i+1} * m_i.
        ``optimal``: the cheapest bracketing (matrix-chain dynamic programming);
        ``bracketing``: it as text; ``tree``: it as nested pairs of names.
        A (p x q) @ (q x r) product counts p*q*r.

    Examples
    --------
    One output, many inputs (a loss of a network): reverse mode wins.

    >>> c = costs([1000, 100, 10, 1])
    >>> c["forward"], c["reverse"], c["optimal"], c["bracketing"]
    (1010000, 101000, 101000, '(J3 @ J2) @ J1')
    >>> costs([1, 10, 100, 1000])["bracketing"]
    'J3 @ (J2 @ J1)'
    >>> costs([5, 5])
    {'forward': 0, 'reverse': 0, 'optimal': 0, 'bracketing': 'J1', 'tree': 'J1'}
    """
    sizes = _check_sizes(sizes)
    c = order_costs([Factor(f"J{i}", sizes[i], sizes[i - 1]) for i in range(1, len(sizes))])
    return {key: c[key] for key in ("forward", "reverse", "optimal", "bracketing", "tree")}


def order_costs(factors) -> dict:
    """What forming J_f = F_L @ ... @ F_1 costs in each order, and the products one by one.

    Parameters
    ----------
    factors : sequence of Factor, F_1 (the first layer's) first

    Returns
    -------
    dict
        ``forward`` (right to left, carrying n columns), ``reverse`` (left to right, carrying k
        rows), ``optimal`` (the cheapest bracketing, by dynamic programming over the split
        points), its ``bracketing`` as text and its ``tree`` as nested pairs of names, all in
        scalar multiplications (see :func:`product_cost`); ``steps``: for "forward" and
        "reverse", ``(text, shape)`` of each product formed, the first factor taken as it is.

    Examples
    --------
    Lesson 6's network with its tanh as a diagonal factor D, multiplied entry by entry:

    >>> net = [Factor("J1", 3, 2), Factor("W", 2, 3), Factor("D", 2, 2, True), Factor("J3", 1, 2)]
    >>> c = order_costs(net)
    >>> c["forward"], c["reverse"], c["optimal"], c["bracketing"]
    (20, 14, 14, '((J3 @ D) @ W) @ J1')
    """
    factors = list(factors)
    steps, totals = {}, {}
    for order in ("forward", "reverse"):
        seq = factors if order == "forward" else factors[::-1]
        acc, total = seq[0], 0
        out = [(f"start with {acc.name} ({acc.rows}x{acc.cols})", acc.shape)]
        for nxt in seq[1:]:
            acc, text, cost = _times(nxt, acc) if order == "forward" else _times(acc, nxt)
            total += cost
            out.append((text, acc.shape))
        steps[order], totals[order] = out, total
    optimal, tree = _cheapest(factors[::-1])  # in product order: the last layer's first
    return {
        "forward": totals["forward"],
        "reverse": totals["reverse"],
        "optimal": optimal,
        "bracketing": _bracket(tree),
        "tree": tree,
        "steps": steps,
    }


# ---------------------------------------------------------------------------
# Two functions: chain_rule


def chain_rule(
    g2, g1, x=None, *, variables=None, y_variables=None, mode="auto", method="auto", strict=True
) -> ChainResult:
    """The chain rule for f = g2(g1(x)), entry by entry: J_f = J_g2(g1(x)) @ J_g1(x).

    Parameters
    ----------
    g2, g1 : callable, catalogue entry, or formula
        The outer and inner function (outer first, as in g2(g1(x))).
        Numeric: callables taking shape (n,) / (m,) and returning a number or
        shape (m,) / (k,). Symbolic: sympy Matrices, lists of expressions or
        strings (read with :func:`gradlib.symbolic.parse`), or catalogue entries
        from :mod:`gradlib.functions` (which carry their own variables).
    x : array_like, shape (n,), optional
        The point; required for a numeric chain. For a symbolic chain it adds
        the values there (``result.numeric``).
    variables : str or sequence of Symbols, optional
        g1's inputs (x), in column order; for formulas, unless g1 is a catalogue entry.
    y_variables : str or sequence of Symbols, optional
        g2's inputs (y), in order; they are replaced by g1's outputs.
    mode : {"auto", "numeric", "symbolic"}
        "auto" is symbolic when neither function is a plain callable.
    method : str
        Finite-difference method for numeric callables (see :func:`gradlib.jacobian`).
    strict : bool
        Raise a GradlibError when J_f disagrees with the directly computed
        Jacobian of g2(g1(x)) (else only set ``check_ok``).

    Returns
    -------
    ChainResult
        ``x, y, J_g1 (m, n), J_g2 (k, m), J_f (k, n), steps`` (k*n of them,
        each with m terms), ``shape_text``, ``direct_J``, ``check_ok``.

    Raises
    ------
    ShapeError
        When g2 does not take as many inputs as g1 returns (names both shapes).
    FunctionError
        When g1 or g2 raises.
    GradlibError
        When the self-check fails (with ``strict=True``), or the input is not understood.

    Examples
    --------
    >>> import numpy as np
    >>> g1 = lambda x: np.array([x[0] ** 2, x[0] * x[1], x[1]])     # R^2 -> R^3
    >>> g2 = lambda y: np.array([y[0] + y[1], y[1] * y[2]])         # R^3 -> R^2
    >>> r = chain_rule(g2, g1, [1.0, 2.0])
    >>> r.shape_text
    'J_g2 (2x3) @ J_g1 (3x2) -> J_f (2x2)'
    >>> len(r.steps), len(r.steps[0].terms), r.check_ok
    (4, 3, True)
    >>> print(r.step(1, 1).text())
    J_f[1,1] = (0.0)(0.0) + (2.0)(1.0) + (2.0)(1.0) = 4.0

    Symbolic, with formulas, and with catalogue entries:

    >>> s = chain_rule("u*v", ["x^2", "x*y"], variables="x y", y_variables="u v", x=[1.0, 2.0])
    >>> s.J_f
    Matrix([[3*x**2*y, x**3]])
    >>> print(s.step(0, 0).formula)
    ∂g2/∂u ∂u/∂x + ∂g2/∂v ∂v/∂x
    >>> s.numeric.J_f
    array([[6., 1.]])
    >>> from gradlib import functions
    >>> chain_rule(functions.get("paraboloid"), functions.get("polar_to_cartesian")).J_f
    Matrix([[2*r*sin(theta)**2 + 2*r*cos(theta)**2, 0]])
    """
    if mode not in ("auto", "numeric", "symbolic"):
        raise GradlibError(f"mode must be 'auto', 'numeric' or 'symbolic'; got {echo(mode)}.")
    plain = [callable(g) and not is_entry(g) and not isinstance(g, sp.Basic) for g in (g2, g1)]
    if mode == "symbolic" or (mode == "auto" and not any(plain)):
        return _symbolic_chain(g2, g1, x, variables, y_variables, method)
    g2n = _as_numeric(g2, y_variables, "outer function g2")
    g1n = _as_numeric(g1, variables, "inner function g1")
    c = Chain([g1n, g2n], x, method=method, strict=strict, names=["g1", "g2"])
    return _numeric_result(c.points[0], c.points[1], *c.jacobians, c.direct_J, c.check_ok)


def _as_numeric(g, variables, role):
    """Formulas become callables (lambdified); callables and catalogue entries stay as they are."""
    if callable(g) or is_entry(g):
        return g
    column, variables = _column(g, variables, role)
    fun = symbolic.lambdify(column, variables)
    return lambda p: fun(p).ravel()


def _numeric_result(x, y, J_g1, J_g2, direct_J, check_ok):
    names_x, names_y = _names(None, x.size, "x"), _names(None, y.size, "y")
    J_f = J_g2 @ J_g1
    return ChainResult(
        x,
        y,
        J_g1,
        J_g2,
        J_f,
        _steps(J_g2, J_g1, names_x, names_y),
        shapes.describe_product([("J_g2", J_g2), ("J_g1", J_g1)], "J_f"),
        direct_J,
        check_ok,
    )


def _column(g, variables, role, max_functions=None, note=""):
    """A formula (entry, Matrix, list, expression, string) as a column (m, 1), and its variables.

    ``max_functions`` limits the functions and roots of all its formulas together; ``note``
    says why in a ParseError.
    """
    if is_entry(g):
        return sp.Matrix(g.expr), tuple(g.variables)
    if callable(g) and not isinstance(g, sp.Basic):
        raise GradlibError(
            f"A symbolic chain needs formulas or catalogue entries; the {role} is "
            "a Python function. Use mode='numeric' with a point x, or give it as "
            "a formula."
        )
    if not isinstance(g, (str, sp.Basic, sp.MatrixBase, list, tuple)):
        raise GradlibError(
            f"The {role} must be a callable, a catalogue entry or a formula (a "
            f"string or a sympy expression); got {type(g).__name__}."
        )
    if variables is None:
        raise GradlibError(
            f"The {role} is a formula; say which symbols are its inputs, in order "
            f"({'variables' if role == 'inner function g1' else 'y_variables'}"
            '="x y").'
        )
    if isinstance(g, sp.MatrixBase) and min(g.shape) > 1:
        raise ShapeError(
            f"The {role} is a {g.shape[0]} x {g.shape[1]} Matrix; a function's "
            "formulas are one column (one entry per output): pass "
            "sympy.Matrix([...]) with one entry per output."
        )
    items = list(g) if isinstance(g, (list, tuple, sp.MatrixBase)) else [g]
    for e in items:  # anything else (a nested list, an object) is not one formula
        if not isinstance(e, (str, sp.Expr, int, float)) or isinstance(e, bool):
            raise GradlibError(
                f"The {role} has an entry of type {type(e).__name__} "
                f"({echo(e, 40)}); each entry must be one formula: a string such "
                'as "x*y", a sympy expression or a number.'
            )
    symbols = symbolic.resolve_variables(
        variables, [e for e in items if isinstance(e, sp.Basic)], symbols_by_name=True
    )
    names = [str(v) for v in symbols]
    try:
        column = symbolic.as_matrix(items, symbols, max_functions=max_functions)
    except ParseError as err:
        raise ParseError(f"The {role}{note}: {err}") from err
    stray = sorted(str(s) for s in column.free_symbols if s not in symbols)
    if stray:
        raise GradlibError(
            f"The {role} uses {', '.join(stray)}, which "
            f"{'is' if len(stray) == 1 else 'are'} not among its variables "
            f"({', '.join(names)})."
        )
    return column, symbols


def _symbolic_chain(g2, g1, x, variables, y_variables, method):
    _require_sizes([g1, g2], ["g1", "g2"])
    G1, X = _column(g1, variables, "inner function g1")
    typed = not (is_entry(g1) and is_entry(g2))  # a typed formula in the chain
    budget, note = None, ""
    if typed:  # g2(g1(x)) gets the limits of one formula: g2 has what g1 leaves
        used = sum(symbolic.complexity(g).functions for g in G1)
        budget = symbolic.MAX_FUNCTIONS - used
        if used:
            note = (
                f" (g1 already has {used} of the {symbolic.MAX_FUNCTIONS} functions and roots "
                "a symbolic chain of typed formulas may have)"
            )
    G2, Y = _column(g2, y_variables, "outer function g2", budget, note)
    shapes.require_product(
        [("J_g2", (G2.rows, len(Y))), ("J_g1", (G1.rows, len(X)))],
        "J_f",
        context=f"g1 returns {G1.rows} numbers, but g2 takes {len(Y)} inputs "
        f"({', '.join(map(str, Y))}):",
        suggest=False,
    )
    if typed:
        _require_small_composition(G2, Y, G1)
    y_of_x = dict(zip(Y, G1))
    J_g1 = G1.jacobian(X)
    J_g2 = G2.jacobian(Y).subs(y_of_x, simultaneous=True)
    J_f = J_g2 * J_g1
    direct = G2.subs(y_of_x, simultaneous=True).jacobian(X)
    if not _same(J_f, direct, X):
        raise GradlibError(
            "The symbolic chain-rule product J_g2 @ J_g1 differs from the "
            f"Jacobian of g2(g1(x)) computed directly: {J_f} versus {direct}. "
            "Please report this."
        )
    # Name y by its own symbols unless they clash with x's (a catalogue g2 on (x, y) after
    # g1 -> (x, y)).
    y_names = _names(None if {str(v) for v in Y} & {str(v) for v in X} else Y, len(Y), "y")
    steps = _steps(J_g2, J_g1, _names(X, len(X), "x"), y_names, number=False)
    values = None
    if x is not None:
        p = shapes.as_point(x, needed_by="A numeric chain")
        if p.size != len(X):
            raise ShapeError(
                f"x has {p.size} numbers; g1 takes {len(X)} inputs ({', '.join(map(str, X))})."
            )
        ev = lambda M, what: _evaluate(M, X, p, what)  # noqa: E731  (reads as a formula)
        y = ev(G1, "y = g1(x)").ravel()
        ev(G2.subs(y_of_x, simultaneous=True), "g2(g1(x))")  # inside g2's domain too (log at y < 0)
        values = _numeric_result(p, y, ev(J_g1, "J_g1"), ev(J_g2, "J_g2"), ev(direct, "J_f"), True)
    shape_text = shapes.describe_product([("J_g2", J_g2), ("J_g1", J_g1)], "J_f")
    return ChainResult(
        sp.Matrix(X), G1, J_g1, J_g2, J_f, steps, shape_text, direct, True, True, X, Y, values
    )


def _require_small_composition(G2, Y, G1):
    """Refuse a chain whose composition g2(g1(x)) is beyond what parse accepts in one formula.

    Building g2(g1(x)) makes sympy evaluate every function of g2 again on g1's formulas;
    two formulas that parse accepts can compose into one that takes seconds (an exp tower
    in u after one in x: 2 s), so the composition gets the limits of one formula.
    """
    inside = {y: symbolic.complexity(g) for y, g in zip(Y, G1, strict=True)}
    sizes = [symbolic.complexity(g, inside) for g in G2]
    nesting, count = max(c.nesting for c in sizes), sum(c.functions for c in sizes)
    depth = max(c.depth for c in sizes)
    if (
        nesting > symbolic.MAX_NESTING
        or count > symbolic.MAX_FUNCTIONS
        or depth > symbolic.MAX_TREE_DEPTH
    ):
        raise GradlibError(
            f"g2(g1(x)) written out is too large for a symbolic chain: it nests functions and "
            f"roots {nesting} deep, has {count} of them and is {depth} levels deep; a chain of "
            f"typed formulas gets the limits of one formula (at most {symbolic.MAX_NESTING} deep, "
            f"{symbolic.MAX_FUNCTIONS} functions, {symbolic.MAX_TREE_DEPTH} levels). Use simpler "
            "formulas, or mode='numeric' with the point x."
        )


def _evaluate(M, X, p, what):
    """M at the point p as floats, or a NonFiniteError where it is not finite and real (log(-1))."""
    with np.errstate(all="ignore"):
        values = symbolic.lambdify(M, X)(p)
    if not np.isfinite(values).all() or np.iscomplexobj(values) and np.any(values.imag):
        raise NonFiniteError(
            f"{what} is not a finite real number at x = {echo(p.tolist())}: "
            f"{numeric._show(values)}. The chain is not differentiable there; "
            "pick a point inside the functions' domains."
        )
    return values.real.astype(float)


def _same(A, B, X):
    """Whether two matrices of formulas agree: equal as written, or else at random points.

    Both come from sympy's own differentiation, so they agree unless gradlib has a bug;
    expanding or simplifying them to prove it took minutes on nested functions (an exp
    tower 35 deep: 78 s), so numbers at three random points decide, in linear time.
    """
    if A == B:
        return True
    both = symbolic.lambdify(A.col_join(B), X)  # one function: common parts computed once
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        pairs = [np.split(both(p), 2) for p in rng.uniform(0.5, 1.5, (3, len(X)))]
    return all(
        np.allclose(a[ok], b[ok], rtol=1e-9, atol=1e-12)
        for a, b in pairs
        for ok in [np.isfinite(a) & np.isfinite(b)]
    )
