"""Numerator layout (this collection) versus denominator layout, and what common libraries return.

In numerator layout the derivative of f: R^n -> R^m is (m x n), outputs down the rows, and the chain
rule reads outside-in: J_f = J_g2 @ J_g1. Denominator layout stores the transpose, (n x m), inputs
down the rows (a gradient is a column), so the same chain rule reads inside-out:
J_f^T = J_g1^T @ J_g2^T. Same numbers, transposed, multiplied in the other order.

>>> import numpy as np
>>> J_g2, J_g1 = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 3.0], [0.0, 1.0, 1.0]])
>>> v = layout_view(J_g2, J_g1, "denominator")
>>> v.shape_text
'J_g1ᵀ (3x2) @ J_g2ᵀ (2x1) -> ∇f (3x1)'
>>> v.result.ravel().tolist()
[1.0, 2.0, 5.0]
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import functions, shapes
from ..chain import chain_rule
from ..errors import GradlibError

LAYOUTS = ("numerator", "denominator")


@dataclass(frozen=True)
class LayoutView:
    """One chain rule f = g2(g1(x)) written in one layout.

    Attributes
    ----------
    layout : {"numerator", "denominator"}
    factors : list of (name, ndarray)
        The factors in the order they are multiplied, left to right.
    result_name : str
    result : ndarray
        (k, n) in numerator layout, (n, k) in denominator layout.
    shape_text : str
        The product in words, e.g. "J_g2 (1x2) @ J_g1 (2x3) -> J_f (1x3)".
    latex : str
        The chain rule in Leibniz notation with the shapes under it.
    rows_are, cols_are : str
        What the rows and the columns of every factor index.
    """

    layout: str
    factors: list
    result_name: str
    result: np.ndarray
    shape_text: str
    latex: str
    rows_are: str
    cols_are: str


def layout_view(J_g2, J_g1, layout: str) -> LayoutView:
    """The chain rule for J_g2 (k, m) and J_g1 (m, n), both numerator layout, written in ``layout``.

    Parameters
    ----------
    J_g2 : array_like, shape (k, m)
    J_g1 : array_like, shape (m, n)
    layout : {"numerator", "denominator"}

    Returns
    -------
    LayoutView
        Its ``result`` is J_f (k, n) for "numerator" and J_f^T (n, k) for "denominator".
    """
    J_g2, J_g1 = np.atleast_2d(np.asarray(J_g2, float)), np.atleast_2d(np.asarray(J_g1, float))
    k, m = J_g2.shape
    n = J_g1.shape[1]
    shapes.require_product([("J_g2", J_g2.shape), ("J_g1", J_g1.shape)], result="J_f")
    if layout == "numerator":
        factors = [("J_g2", J_g2), ("J_g1", J_g1)]
        result_name = "J_f"
        latex = (r"\underbrace{\frac{\partial f}{\partial x}}_{%d\times%d} = "
                 r"\underbrace{\frac{\partial g_2}{\partial y}}_{%d\times%d}\,"
                 r"\underbrace{\frac{\partial g_1}{\partial x}}_{%d\times%d}" % (k, n, k, m, m, n))
        rows, cols = "outputs", "inputs"
    elif layout == "denominator":
        factors = [("J_g1ᵀ", J_g1.T), ("J_g2ᵀ", J_g2.T)]
        result_name = "∇f" if k == 1 else "J_fᵀ"
        latex = (r"\underbrace{\frac{\partial f}{\partial x}}_{%d\times%d} = "
                 r"\underbrace{\frac{\partial y}{\partial x}}_{%d\times%d}\,"
                 r"\underbrace{\frac{\partial f}{\partial y}}_{%d\times%d}" % (n, k, n, m, m, k))
        rows, cols = "inputs", "outputs"
    else:
        raise GradlibError(f"layout={layout!r} is not a layout; use one of {LAYOUTS}.")
    result = factors[0][1] @ factors[1][1]
    text = shapes.describe_product([(name, M.shape) for name, M in factors], result=result_name)
    return LayoutView(layout, factors, result_name, result, text, latex, rows, cols)


# ---- What libraries return -------------------------------------------------------------------
# Shapes for x of shape (n,), f vector-valued of shape (m,), and a matrix input X of shape (p, q).
# "—" means the call does not apply (it needs a scalar output or a 1-D x). Only documented behaviour
# is stated; tests/test_explore_4_7.py checks every row whose library is installed here.

#: One row per call: library, call, shapes for the three cases, and its layout.
LIBRARY_SHAPES = [
    {"library": "gradlib", "call": "gl.jacobian(f, x)",
     "scalar f": "(1, n)", "vector f": "(m, n)", "matrix X": "—", "layout": "numerator"},
    {"library": "gradlib", "call": "gl.gradient(f, x)",
     "scalar f": "(1, n)", "vector f": "—", "matrix X": "—", "layout": "numerator"},
    {"library": "SymPy", "call": "Matrix(exprs).jacobian(xs)",
     "scalar f": "(1, n)", "vector f": "(m, n)", "matrix X": "—", "layout": "numerator"},
    {"library": "SymPy", "call": "derive_by_array(f, xs)",
     "scalar f": "(n,)", "vector f": "(n, m)", "matrix X": "(p, q, m)", "layout": "denominator"},
    {"library": "JAX", "call": "jax.jacfwd(f)(x), jax.jacrev(f)(x)",
     "scalar f": "(n,)", "vector f": "(m, n)", "matrix X": "(m, p, q)", "layout": "numerator"},
    {"library": "JAX", "call": "jax.grad(f)(x)",
     "scalar f": "(n,)", "vector f": "—", "matrix X": "(p, q) if f is scalar", "layout": "denominator"},
    {"library": "PyTorch", "call": "torch.autograd.functional.jacobian(f, x)",
     "scalar f": "(n,)", "vector f": "(m, n)", "matrix X": "(m, p, q)", "layout": "numerator"},
    {"library": "PyTorch", "call": "loss.backward(); x.grad",
     "scalar f": "(n,)", "vector f": "—", "matrix X": "(p, q) if f is scalar", "layout": "denominator"},
    {"library": "numdifftools", "call": "nd.Jacobian(f)(x)",
     "scalar f": "(1, n)", "vector f": "(m, n)", "matrix X": "—", "layout": "numerator"},
    {"library": "numdifftools", "call": "nd.Gradient(f)(x)",
     "scalar f": "(n,)", "vector f": "—", "matrix X": "—", "layout": "denominator"},
    {"library": "SciPy", "call": "scipy.optimize.approx_fprime(x, f)",
     "scalar f": "(n,)", "vector f": "(m, n)", "matrix X": "—", "layout": "numerator"},
    {"library": "SciPy", "call": "scipy.differentiate.jacobian(f, x).df",
     "scalar f": "(n,)", "vector f": "(m, n)", "matrix X": "—", "layout": "numerator"},
]

LIBRARY_COLUMNS = ("library", "call", "scalar f", "vector f", "matrix X", "layout")


def library_table_markdown(rows=None) -> str:
    """:data:`LIBRARY_SHAPES` as a Markdown table (calls in code font).

    >>> print(library_table_markdown(LIBRARY_SHAPES[:1]))
    | library | call | scalar f | vector f | matrix X | layout |
    |---|---|---|---|---|---|
    | gradlib | `gl.jacobian(f, x)` | (1, n) | (m, n) | — | numerator |
    """
    rows = LIBRARY_SHAPES if rows is None else rows
    lines = ["| " + " | ".join(LIBRARY_COLUMNS) + " |", "|" + "---|" * len(LIBRARY_COLUMNS)]
    for r in rows:
        cells = [f"`{r[c]}`" if c == "call" else r[c] for c in LIBRARY_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def shape_for(text: str, n: int, m: int, p: int, q: int):
    """Turn a table entry such as "(m, p, q)" into a tuple for given sizes; None for "—".

    >>> shape_for("(m, p, q)", n=3, m=2, p=4, q=5), shape_for("(n,)", 3, 2, 4, 5)
    ((2, 4, 5), (3,))
    """
    if text == "—":
        return None
    sizes = {"n": n, "m": m, "p": p, "q": q, "1": 1}
    inner = text.split(")")[0].strip("(")
    return tuple(sizes[s.strip()] for s in inner.split(",") if s.strip())


# ---- One example, drawn in either layout ------------------------------------------------------

#: The layout widget's examples: (g1, g2, x) from the catalogue, with k, m, n all different.
EXAMPLES = {
    "scalar loss: square_norm ∘ linear_map": ("linear_map", "square_norm", (1.0, 2.0)),
    "vector output: neural_layer ∘ helix": ("helix", "neural_layer", (1.0,)),
}


@lru_cache(maxsize=None)
def _jacobians(example: str):
    g1, g2, x = EXAMPLES[example]
    r = chain_rule(functions.get(g2), functions.get(g1), np.array(x), mode="numeric")
    return r.J_g2, r.J_g1


def scene(example: str, layout: str) -> LayoutView:
    """The example's chain rule written in ``layout`` ("numerator" or "denominator").

    >>> v = scene("scalar loss: square_norm ∘ linear_map", "numerator")
    >>> v.shape_text
    'J_g2 (1x3) @ J_g1 (3x2) -> J_f (1x2)'
    >>> scene("scalar loss: square_norm ∘ linear_map", "denominator").shape_text
    'J_g1ᵀ (2x3) @ J_g2ᵀ (3x1) -> ∇f (2x1)'
    """
    if example not in EXAMPLES:
        raise GradlibError(f"no layout example {example!r}; choose one of {list(EXAMPLES)}")
    return layout_view(*_jacobians(example), layout)
