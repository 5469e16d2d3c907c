"""Lesson 7, conventions: numerator against denominator layout, and what libraries return.

In numerator layout the derivative of f: R^n -> R^m is (m x n), outputs down the rows, and the
chain rule reads outside-in: J_f = J_g2 @ J_g1. Denominator layout stores the transpose, (n x m),
inputs down the rows (a gradient is a column), so the same chain rule reads inside-out:
J_f^T = J_g1^T @ J_g2^T. Same numbers, transposed, multiplied in the other order. Then the
drawing (:func:`plot_layout`), the widget (:class:`LayoutToggle`) and the lesson's exercises.

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

import ipywidgets
import numpy as np

from .. import functions, shapes
from ..chain import chain_rule
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._widget import FormulaStack, LessonWidget, line_html
from .chain_rule import _GAP, frame_cells, matrix_grid

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["LayoutToggle"]

# ---- the numbers ----------------------------------------------------------------------
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
        latex = (
            r"\underbrace{\frac{\partial f}{\partial x}}_{%d\times%d} = "
            r"\underbrace{\frac{\partial g_2}{\partial y}}_{%d\times%d}\,"
            r"\underbrace{\frac{\partial g_1}{\partial x}}_{%d\times%d}" % (k, n, k, m, m, n)
        )
        rows, cols = "outputs", "inputs"
    elif layout == "denominator":
        factors = [("J_g1ᵀ", J_g1.T), ("J_g2ᵀ", J_g2.T)]
        result_name = "∇f" if k == 1 else "J_fᵀ"
        latex = (
            r"\underbrace{\frac{\partial f}{\partial x}}_{%d\times%d} = "
            r"\underbrace{\frac{\partial y}{\partial x}}_{%d\times%d}\,"
            r"\underbrace{\frac{\partial f}{\partial y}}_{%d\times%d}" % (n, k, n, m, m, k)
        )
        rows, cols = "inputs", "outputs"
    else:
        raise GradlibError(f"layout={layout!r} is not a layout; use one of {LAYOUTS}.")
    result = factors[0][1] @ factors[1][1]
    text = shapes.describe_product([(name, M.shape) for name, M in factors], result=result_name)
    return LayoutView(layout, factors, result_name, result, text, latex, rows, cols)


# ---- What libraries return -------------------------------------------------------------------
# Shapes for x of shape (n,), f vector-valued of shape (m,), and a matrix input X of shape (p, q).
# "—" means the call does not apply (it needs a scalar output or a 1-D x). Only documented behaviour
# is stated; tests/topics/test_conventions.py checks every row whose library is installed here.

LIBRARY_COLUMNS = ("library", "call", "scalar f", "vector f", "matrix X", "layout")
#: One row per call: library, call, shapes for the three cases, and its layout.
LIBRARY_SHAPES = [
    dict(zip(LIBRARY_COLUMNS, row))
    for row in (
        ("gradlib", "gl.jacobian(f, x)", "(1, n)", "(m, n)", "(m, p, q)", "numerator"),
        ("gradlib", "gl.gradient(f, x)", "(1, n)", "—", "(1, p, q) if f is scalar", "numerator"),
        ("SymPy", "Matrix(exprs).jacobian(xs)", "(1, n)", "(m, n)", "—", "numerator"),
        ("SymPy", "derive_by_array(f, xs)", "(n,)", "(n, m)", "(p, q, m)", "denominator"),
        ("JAX", "jax.jacfwd(f)(x), jax.jacrev(f)(x)", "(n,)", "(m, n)", "(m, p, q)", "numerator"),
        ("JAX", "jax.grad(f)(x)", "(n,)", "—", "(p, q) if f is scalar", "denominator"),
        (
            "PyTorch",
            "torch.autograd.functional.jacobian(f, x)",
            "(n,)",
            "(m, n)",
            "(m, p, q)",
            "numerator",
        ),
        ("PyTorch", "loss.backward(); x.grad", "(n,)", "—", "(p, q) if f is scalar", "denominator"),
        ("numdifftools", "nd.Jacobian(f)(x)", "(1, n)", "(m, n)", "—", "numerator"),
        ("numdifftools", "nd.Gradient(f)(x)", "(n,)", "—", "—", "denominator"),
        ("SciPy", "scipy.optimize.approx_fprime(x, f)", "(n,)", "(m, n)", "—", "numerator"),
        ("SciPy", "scipy.differentiate.jacobian(f, x).df", "(n,)", "(m, n)", "—", "numerator"),
    )
]


def library_table_markdown(rows=None) -> str:
    """:data:`LIBRARY_SHAPES` as a Markdown table (calls in code font).

    >>> print(library_table_markdown(LIBRARY_SHAPES[:1]))
    | library | call | scalar f | vector f | matrix X | layout |
    |---|---|---|---|---|---|
    | gradlib | `gl.jacobian(f, x)` | (1, n) | (m, n) | (m, p, q) | numerator |
    """
    rows = LIBRARY_SHAPES if rows is None else rows
    lines = ["| " + " | ".join(LIBRARY_COLUMNS) + " |", "|" + "---|" * len(LIBRARY_COLUMNS)]
    for r in rows:
        cells = [f"`{r[c]}`" if c == "call" else r[c] for c in LIBRARY_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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


# ---- the drawing ----------------------------------------------------------------------
_COLORS = [style.ROLES["gradient"], style.ROLES["direction"]]


def plot_layout(ax, view):
    """Draw ``factor @ factor = result`` for a :class:`LayoutView`.

    The whole picture depends on the layout, so a toggle redraws it (it is small).

    Returns
    -------
    list
        The grids' artists (texts), for tests to read.
    """
    (n1, A), (n2, B) = view.factors
    top = max(A.shape[0], B.shape[0], view.result.shape[0]) / 2
    ga = matrix_grid(ax, 0.0, top, A, n1, color=_COLORS[0] if n1.startswith("J_g2") else _COLORS[1])
    x = A.shape[1] + _GAP
    ax.text(x - _GAP / 2, 0, "@", ha="center", va="center", fontsize=16)
    gb = matrix_grid(ax, x, top, B, n2, color=_COLORS[0] if n2.startswith("J_g2") else _COLORS[1])
    x += B.shape[1] + _GAP
    ax.text(x - _GAP / 2, 0, "=", ha="center", va="center", fontsize=16)
    gr = matrix_grid(ax, x, top, view.result, view.result_name, color=style.ROLES["tangent"])
    frame_cells(ax, [ga, gb, gr])
    style.label(
        ax,
        f"{view.layout.capitalize()} layout: rows are {view.rows_are}",
        view.shape_text,
        f"rows = {view.rows_are}",
    )
    return [ga, gb, gr]


# ---- the widget ----------------------------------------------------------------------
class LayoutToggle(LessonWidget):
    """ToggleButtons numerator / denominator and a choice of example; shapes, matrices and order
    redrawn.

    Parameters
    ----------
    example : str
        A key of :data:`EXAMPLES`.
    layout : {"numerator", "denominator"}
    """

    text = "Layout toggle: run the notebook to switch between numerator and denominator layout."
    size = "small"
    panel_width = "330px"

    def __init__(
        self, example: str = "scalar loss: square_norm ∘ linear_map", layout: str = "numerator"
    ):
        self.layout_buttons = ipywidgets.ToggleButtons(
            options=list(LAYOUTS), value=layout, description="layout:"
        )
        self.example = ipywidgets.Dropdown(
            options=list(EXAMPLES),
            value=example,
            description="example:",
            layout=ipywidgets.Layout(width="380px"),
        )
        self.formula = FormulaStack(dict(min_height="70px", width="820px"))
        super().__init__([self.layout_buttons, self.example])
        self.box.children = (*self.box.children, self.formula.box)

    def scene(self):
        return scene(self.example.value, self.layout_buttons.value)

    def static_key(self, v):
        return v.layout, v.shape_text, v.result.tobytes()

    def prerender_scenes(self):
        # All four pictures, drawn now: a click then only shows one of them.
        return [scene(ex, lay) for ex in EXAMPLES for lay in LAYOUTS]

    def draw(self, v):
        plot_layout(self.axes[0], v)
        return style.Drawing()  # nothing moves: each (example, layout) is its own picture

    def refresh(self):
        super().refresh()
        self.formula.show(f"$${self._scene.latex}$$")

    def panel_html(self, v) -> str:
        other = "numerator" if v.layout == "denominator" else "denominator"
        return (
            line_html("layout:", v.layout)
            + line_html("rows are:", v.rows_are)
            + line_html("columns are:", v.cols_are)
            + line_html("order:", " @ ".join(name for name, _ in v.factors))
            + line_html("product:", v.shape_text)
            + line_html(
                f"vs {other} layout:", "the same numbers, transposed, multiplied in reverse order"
            )
        )

    @property
    def state(self) -> dict:
        v = self._scene
        return {
            "layout": v.layout,
            "example": self.example.value,
            "order": [n for n, _ in v.factors],
            "shapes": [M.shape for _, M in v.factors],
            "result_name": v.result_name,
            "result": v.result.tolist(),
            "shape_text": v.shape_text,
        }

    def demo_moves(self):
        return [
            ("denominator", lambda: setattr(self.layout_buttons, "value", "denominator")),
            ("numerator", lambda: setattr(self.layout_buttons, "value", "numerator")),
            (
                "vector example",
                lambda: setattr(self.example, "value", "vector output: neural_layer ∘ helix"),
            ),
            ("denominator", lambda: setattr(self.layout_buttons, "value", "denominator")),
            (
                "scalar example",
                lambda: setattr(self.example, "value", "scalar loss: square_norm ∘ linear_map"),
            ),
        ]

    def alt_text(self, v) -> str:
        return f"The chain rule in {v.layout} layout drawn as grids of numbers: {v.shape_text}."


# ---- exercises ----------------------------------------------------------------------
add(
    Exercise(
        id="7.1",
        kind="shape",
        statement="`jax.jacfwd(f)(x)` for $f: \\mathbb{R}^5 \\to \\mathbb{R}^3$ with `x` of shape "
        "(5,): what shape does it return? Answer as (rows, columns).",
        hints=(
            "jacfwd returns the output's shape followed by the input's shape.",
            "Output shape plus input shape is numerator layout: (outputs, inputs).",
        ),
        problem={"shape": (3, 5)},
        examples_wrong=(((5, 3), "transposed"), (15, "one_d"), ((3, 3), "wrong_shape")),
    )
)

add(
    Exercise(
        id="7.2",
        kind="shape",
        statement="For $f: \\mathbb{R}^4 \\to \\mathbb{R}$, PyTorch's `x.grad` has shape (4,) and "
        "a textbook in denominator layout writes the gradient as a (4 x 1) column. What shape "
        "is the gradient in this collection's numerator layout? Answer as (rows, columns).",
        hints=(
            "Numerator layout: one row per output, one column per input.",
            "Count f's outputs and inputs.",
        ),
        problem={"shape": (1, 4)},
        mistakes=(
            Mistake(
                "PyTorch's shape as two numbers",
                answer=(4, 1),
                kind="denominator_layout",
                message="(4, 1) is the denominator layout's column; numerator layout turns it "
                "into a row: one row for the one output.",
            ),
        ),
        examples_wrong=((4, "one_d"), ((4,), "one_d"), ((4, 4), "wrong_shape")),
    )
)

add(
    Exercise(
        id="7.3",
        kind="gradient",
        statement="`jax.grad` returns the gradient of $f(x_1, x_2) = x_1^2 + 3x_1x_2$ at $(2, 1)$ "
        "as an array of shape (2,). Give the same gradient in this collection's numerator "
        "layout, shape (1, 2); 3 significant digits are enough.",
        hints=(
            "The numbers do not depend on the layout; only the shape does.",
            "Two partials: x_1 appears in two terms of f, x_2 in one.",
            "df/dx1 = 2 x_1 + 3 x_2 and df/dx2 = 3 x_1; numerator layout writes them as one row "
            "[[..., ...]].",
        ),
        problem={"f": "x1**2 + 3*x1*x2", "variables": "x1 x2", "x": [2, 1]},
        mistakes=(
            Mistake("a column instead of a row", transform="transposed"),
            Mistake(
                "a term of df/dx1 forgotten",
                answer=[["2*x1", "3*x1"]],
                kind="missing_term",
                message="df/dx1 is missing a term: x_1 appears in both x_1^2 and 3 x_1 x_2.",
            ),
        ),
        examples_wrong=(([7, 6], "one_d"), ([[6, 7]], "swapped_columns")),
    )
)

add(
    Exercise(
        id="7.4",
        kind="chain_product",
        statement="A denominator-layout text writes gradients as columns; in this course's "
        "notation its column is $(\\nabla f)^T$, and its chain rule reads $(\\nabla f)^T = "
        "J_{g_1}^T (\\nabla g_2)^T$. Take $g_1(x_1, x_2) = (x_1 + x_2,\\; x_1 x_2)$ and $g_2(y_1, "
        "y_2) = y_1 y_2$ at $x = (1, 2)$, and give $J_f = \\nabla f$ in numerator layout instead: "
        "$J_{g_2}$ at $y = g_1(x)$ times $J_{g_1}$ at $x$, shape (1, 2); 3 significant "
        "digits are enough.",
        hints=(
            "Numerator layout: the outer Jacobian on the left, and the result is a row.",
            "First the middle point y = g1(x); J_g2 is taken there, J_g1 at x.",
            "J_g2 = [[y_2, y_1]] at y and J_g1 = [[1, 1], [x_2, x_1]] at x.",
        ),
        problem={
            "g2": ["y1*y2"],
            "inner": "y1 y2",
            "g1": ["x1 + x2", "x1*x2"],
            "variables": "x1 x2",
            "x": [1, 2],
        },
        mistakes=(
            Mistake("J_g2 taken at x instead of y = g1(x)", transform="J_g2 at x"),
            Mistake("the denominator layout's column", transform="transposed"),
            Mistake("J_g1 not transposed back", transform="J_g2 @ J_g1.T"),
        ),
        examples_wrong=(([8, 5], "one_d"), ([[5, 8]], "swapped_columns")),
    )
)


def numerator_chain(Jd_g2, Jd_g1):
    """J_f in numerator layout from both Jacobians in denominator layout: the reference of 7.5.

    Denominator layout stores J^T, so J_f = J_g2 @ J_g1 = Jd_g2.T @ Jd_g1.T, shape (k, n).
    """
    return Jd_g2.T @ Jd_g1.T


def _denominator_product(Jd_g2, Jd_g1):
    return Jd_g1 @ Jd_g2


def _numerator_order_unconverted(Jd_g2, Jd_g1):
    return Jd_g2 @ Jd_g1


add(
    Exercise(
        id="7.5",
        kind="code",
        statement="A library hands you both Jacobians of $f = g_2 \\circ g_1$ in denominator "
        "layout, `Jd_g2` $= J_{g_2}^T$ and `Jd_g1` $= J_{g_1}^T$ (NumPy arrays). Write "
        "`numerator_chain(Jd_g2, Jd_g1)` returning $J_f$ in numerator layout, one row per "
        "output of $g_2$. Give the function itself as the answer; it is run on three pairs "
        "of matrices.",
        hints=(
            "Convert each factor to numerator layout first; then apply the chain rule as in "
            "lesson 4.",
            "In NumPy the transpose of A is A.T; the chain rule in numerator layout is "
            "outer @ inner.",
            "J_g2 = Jd_g2.T and J_g1 = Jd_g1.T, and J_f = J_g2 @ J_g1.",
        ),
        problem={
            "reference": "gradlib.topics.conventions:numerator_chain",
            "inputs": [
                [[[1, 2], [3, 4]], [[0, 1], [-1, 2]]],
                [[[2, -1], [0.5, 1]], [[1, 3], [2, -2]]],
                [[[1, 0, 2], [0, 1, -1]], [[1, 2], [0, 1], [3, -1]]],
            ],
            "what": "jacobian",
        },
        mistakes=(
            Mistake(
                "the product left in denominator layout",
                function="gradlib.topics.conventions:_denominator_product",
                kind="transposed",
                message="That is Jd_g1 @ Jd_g2, the chain rule of denominator layout: J_f "
                "transposed. Numerator layout wants its transpose, one row per output.",
            ),
            Mistake(
                "numerator order without converting",
                function="gradlib.topics.conventions:_numerator_order_unconverted",
                kind="not_converted",
                message="That multiplies the denominator-layout matrices in numerator order "
                "without transposing them: convert each one first (J = Jd.T), then "
                "multiply outer @ inner.",
            ),
        ),
        examples_wrong=((np.eye(2), "not_callable"), (len, "function_error")),
    )
)
