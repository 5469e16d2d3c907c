"""Exercises of lesson 7: what libraries return, gradients as rows or columns, the chain rule's order."""
from . import Exercise, add

add(Exercise(
    id="7.1", lesson=7, kind="shape",
    statement="`jax.jacfwd(f)(x)` for $f: \\mathbb{R}^5 \\to \\mathbb{R}^3$ with `x` of shape (5,): what shape "
              "does it return? Answer as (rows, columns).",
    hints=("jacfwd returns output shape + input shape.", "That is numerator layout: (outputs, inputs)."),
    problem={"shape": (3, 5)},
    examples_wrong=(((5, 3), "transposed"), (15, "one_d"), ((3, 3), "wrong_shape")),
))

add(Exercise(
    id="7.2", lesson=7, kind="shape",
    statement="For $f: \\mathbb{R}^4 \\to \\mathbb{R}$, PyTorch's `x.grad` has shape (4,) and a textbook in "
              "denominator layout writes the gradient as a (4 x 1) column. What shape is the gradient in this "
              "collection's numerator layout? Answer as (rows, columns).",
    hints=("Numerator layout: one row per output, one column per input.", "f has one output and four inputs."),
    problem={"shape": (1, 4)},
    examples_wrong=(((4, 1), "transposed"), (4, "one_d"), ((4, 4), "wrong_shape")),
))

add(Exercise(
    id="7.3", lesson=7, kind="gradient",
    statement="`jax.grad` returns the gradient of $f(x_1, x_2) = x_1^2 + 3x_1x_2$ at $(2, 1)$ as an array of "
              "shape (2,). Give the same gradient in this collection's numerator layout, shape (1, 2).",
    hints=("df/dx1 = 2 x1 + 3 x2, df/dx2 = 3 x1.", "Numerator layout: a row, [[a, b]]."),
    problem={"f": "x1**2 + 3*x1*x2", "variables": "x1 x2", "x": [2, 1]},
    examples_wrong=(([[7], [6]], "transposed"), ([7, 6], "one_d"), ([[6, 7]], "swapped_columns")),
))

add(Exercise(
    id="7.4", lesson=7, kind="chain_product",
    statement="A denominator-layout text writes $\\nabla f = J_{g_1}^T \\nabla g_2$ for $g_1(x, y) = (x + y,\\; xy)$ "
              "and $g_2(u, v) = uv$ at $(x, y) = (1, 2)$. Give $J_f$ in numerator layout instead: "
              "$J_{g_2}$ at $g_1(1, 2)$ times $J_{g_1}$ at $(1, 2)$, shape (1, 2).",
    hints=("g1(1, 2) = (3, 2); J_g2 = [[v, u]] there; J_g1 = [[1, 1], [y, x]] at (1, 2).",
           "Numerator layout: outer Jacobian on the left, the result a row."),
    problem={"g2": ["u*v"], "inner": "u v", "g1": ["x + y", "x*y"], "variables": "x y", "x": [1, 2]},
    examples_wrong=(([[8], [5]], "transposed"), ([[5, 7]], "wrong_entries"), ([8, 5], "one_d")),
))
