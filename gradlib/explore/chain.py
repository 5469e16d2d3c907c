"""The numbers behind the chain-rule stepper (lesson 4): J_f = J_g2 @ J_g1, one entry at a time.

Pure computation, no drawing. A *step* s walks the entries (i, j) of J_f row by row; at step s,
row i of J_g2 meets column j of J_g1, their m products are listed and summed, and the entries
before s are finished.

>>> from gradlib.explore import chain as ec
>>> s = ec.scene("polar_to_cartesian", "paraboloid", [2.0, 0.0], step=1)
>>> s.result.shape_text, (s.i, s.j), len(s.terms)
('J_g2 (1x2) @ J_g1 (2x2) -> J_f (1x2)', (0, 1), 2)
>>> s.done.tolist()
[[True, False]]
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import functions
from ..chain import chain_rule
from ..errors import GradlibError, ShapeError


def pairs() -> list[tuple[str, str]]:
    """The composable (g1, g2) name pairs of the catalogue: g1's outputs are g2's inputs."""
    return functions.composable_pairs()


def pair_label(g1: str, g2: str) -> str:
    """How a pair reads in a menu: "g2 ∘ g1", outer first, with the sizes.

    >>> pair_label("polar_to_cartesian", "paraboloid")
    'paraboloid ∘ polar_to_cartesian   (R^2 -> R^2 -> R^1)'
    """
    G1, G2 = functions.get(g1), functions.get(g2)
    return f"{g2} ∘ {g1}   (R^{G1.n_in} -> R^{G1.n_out} -> R^{G2.n_out})"


def parse_point(text: str, n: int) -> np.ndarray:
    """A point typed as "1, 0.5" (or "1 0.5") as an array of shape (n,).

    Raises
    ------
    GradlibError
        If the text is not n numbers; the message says what was typed and what is expected.

    >>> parse_point("2, 0.5", 2)
    array([2. , 0.5])
    """
    parts = text.replace(",", " ").split()
    try:
        x = np.array([float(p) for p in parts])
    except ValueError:
        raise GradlibError(f"the point {text!r} is not a list of numbers; type {n} numbers separated by "
                           "commas, e.g. " + ", ".join(["1.0"] * n) + ".") from None
    if x.size != n:
        raise ShapeError(f"the point {text!r} has {x.size} numbers; g1 takes {n} inputs, so type {n}.")
    if not np.isfinite(x).all():
        raise GradlibError(f"the point {text!r} is not finite; type finite numbers.")
    return x


def format_point(x) -> str:
    """The inverse of :func:`parse_point`, rounded for a text box: "2, 0.5236"."""
    return ", ".join(f"{v:.4g}" for v in np.asarray(x, float))


@lru_cache(maxsize=256)
def _numeric(g1: str, g2: str, point: tuple):
    """gl.chain_rule with catalogue entries (their exact Jacobians), as numbers at ``point``."""
    return chain_rule(functions.get(g2), functions.get(g1), np.array(point), mode="numeric")


def _generic(count: int, letter: str):
    """x_1..x_n (just x when n == 1): the names gl.chain_rule gives inputs and middle values."""
    if count == 1:
        return [sp.Symbol(letter)]
    return [sp.Symbol(f"{letter}_{l + 1}") for l in range(count)]


@lru_cache(maxsize=None)
def jacobian_latex(name: str, letter: str) -> tuple:
    """LaTeX of each entry of a catalogue function's exact Jacobian, in generic variables.

    The inputs are renamed ``letter_1, letter_2, ...`` (g1 reads x, g2 reads y = g1(x)), so the
    formulas use the same names as the chain rule's terms.

    >>> jacobian_latex("paraboloid", "y")
    (('2 y_{1}', '2 y_{2}'),)
    """
    entry = functions.get(name)
    rename = dict(zip(entry.variables, _generic(entry.n_in, letter)))
    J = entry.jacobian_expr.xreplace(rename)
    return tuple(tuple(sp.latex(e) for e in row) for row in J.tolist())


def _sub(letter: str, idx: int, count: int) -> str:
    """LaTeX name of component idx (0-based) of count: "y_{2}", or just "y" when count == 1."""
    return letter if count == 1 else f"{letter}_{{{idx + 1}}}"


@dataclass(frozen=True)
class Term:
    """One of the m terms of the highlighted entry: a = dg2_i/dy_l at y, b = dy_l/dx_j at x.

    ``a_name``, ``b_name`` are the partial derivatives in Leibniz notation (LaTeX), ``a_latex``,
    ``b_latex`` their formulas in the generic variables y_l and x_j, ``a``, ``b`` their values.
    """

    l: int
    a_name: str
    a_latex: str
    a: float
    b_name: str
    b_latex: str
    b: float
    product: float

    @property
    def latex(self) -> str:
        """"d g2_i/d y_l = formula = value,  d y_l/d x_j = formula = value" as LaTeX (a constant once)."""
        return rf"{_equation(self.a_name, self.a_latex, self.a)} \qquad {_equation(self.b_name, self.b_latex, self.b)}"


def _equation(name: str, formula: str, value: float) -> str:
    """"name = formula = value", or "name = formula" when the formula is already a plain number."""
    try:
        float(formula)
        return f"{name} = {formula}"
    except ValueError:
        return f"{name} = {formula} = {value:.4g}"


@dataclass(frozen=True)
class ChainScene:
    """Everything the chain-rule stepper shows at one step.

    Attributes
    ----------
    g1, g2 : str
        Catalogue names, inner and outer.
    result : gradlib.chain.ChainResult
        Numbers at the point: ``x (n,), y (m,), J_g1 (m, n), J_g2 (k, m), J_f (k, n)``.
    step : int
        0 .. k*n - 1, the entry being computed, row-major.
    i, j : int
        Its row and column in J_f.
    terms : tuple of Term, length m
    value : float
        J_f[i, j], the sum of the terms' products.
    done : ndarray of bool, shape (k, n)
        Entries finished before this step.
    formula_latex : str
        The entry in Leibniz notation: df_i/dx_j = sum over l of dg2_i/dy_l dy_l/dx_j.
    """

    g1: str
    g2: str
    result: object
    step: int
    i: int
    j: int
    terms: tuple
    value: float
    done: np.ndarray
    formula_latex: str

    @property
    def n_steps(self) -> int:
        """k*n: one step per entry of J_f."""
        return len(self.result.steps)

    @property
    def shape_strip(self) -> str:
        """"(k x m)(m x n) = (k x n)", the shapes that stay visible."""
        k, m = self.result.J_g2.shape
        n = self.result.J_g1.shape[1]
        return f"({k} x {m})({m} x {n}) = ({k} x {n})"


def scene(g1: str, g2: str, x, step: int = 0) -> ChainScene:
    """The stepper's scene for f = g2(g1(x)) at entry number ``step`` (row-major) of J_f.

    Parameters
    ----------
    g1, g2 : str
        A composable pair of catalogue names (see :func:`pairs`).
    x : array_like, shape (n,)
    step : int
        Clipped to 0 .. k*n - 1.

    Returns
    -------
    ChainScene
    """
    G1, G2 = functions.get(g1), functions.get(g2)
    if G1.n_out != G2.n_in:
        raise ShapeError(f"{g2} takes {G2.n_in} inputs but {g1} returns {G1.n_out}: they do not compose. "
                         "Pick a pair from gradlib.explore.chain.pairs().")
    result = _numeric(g1, g2, tuple(float(v) for v in np.asarray(x, float).ravel()))
    k, n = result.J_f.shape
    step = int(np.clip(step, 0, k * n - 1))
    st = result.steps[step]
    a_tex, b_tex = jacobian_latex(g2, "y"), jacobian_latex(g1, "x")
    m = result.J_g2.shape[1]
    g2_i = "g_2" if k == 1 else f"g_{{2,{st.i + 1}}}"
    f_i, x_j = _sub("f", st.i, k), _sub("x", st.j, n)
    terms = []
    for t in st.terms:
        y_l = _sub("y", t.l, m)
        terms.append(Term(t.l, rf"\frac{{\partial {g2_i}}}{{\partial {y_l}}}", a_tex[st.i][t.l], t.a,
                          rf"\frac{{\partial {y_l}}}{{\partial {x_j}}}", b_tex[t.l][st.j], t.b, t.product))
    terms = tuple(terms)
    done = (np.arange(k * n) < step).reshape(k, n)
    formula = rf"\frac{{\partial {f_i}}}{{\partial {x_j}}} = {st.latex}"
    return ChainScene(g1, g2, result, step, st.i, st.j, terms, float(st.value), done, formula)


def direct_check(g1: str, g2: str, x) -> tuple[np.ndarray, np.ndarray, float]:
    """J_f from the chain rule, the Jacobian of x -> g2(g1(x)) computed directly, and their largest gap.

    >>> J_f, J_direct, gap = direct_check("polar_to_cartesian", "paraboloid", [2.0, 0.5])
    >>> J_f.shape, J_direct.shape, bool(gap < 1e-6)
    ((1, 2), (1, 2), True)
    """
    r = _numeric(g1, g2, tuple(float(v) for v in np.asarray(x, float).ravel()))
    return r.J_f, r.direct_J, float(np.max(np.abs(r.J_f - r.direct_J)))


def warm_up() -> None:
    """Lambdify and typeset every catalogue Jacobian once (about half a second), so that picking a
    new pair in the stepper costs a redraw, not a SymPy computation."""
    for entry in functions.CATALOGUE.values():
        entry.jacobian_exact(entry.point)
        jacobian_latex(entry.name, "x")
        jacobian_latex(entry.name, "y")
