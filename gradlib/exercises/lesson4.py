"""Exercises of lesson 4: one partial derivative of g1, the shape of J_f, chain-rule products."""
from . import Exercise, add

add(Exercise(
    id="4.1", lesson=4, kind="partial",
    statement="Let $g_1(x_1, x_2) = (x_1 x_2,\\; x_1 + x_2^2)$, so $y_2 = x_1 + x_2^2$. Compute the entry "
              "$\\dfrac{\\partial y_2}{\\partial x_2}$ of $J_{g_1}$ at $(x_1, x_2) = (2, 3)$ by hand. "
              "Answer with one number (or the (1, 1) matrix `[[...]]`).",
    hints=("Hold x1 fixed: the derivative of x1 + x2^2 with respect to x2 is 2 x2.",
           "Put x2 = 3 into 2 x2."),
    problem={"f": "x1 + x2**2", "variables": "x1 x2", "x": [2, 3], "wrt": "x2"},
    examples_wrong=((3, "constant_factor"), (9, "wrong_entries"), ([[1, 6]], "wrong_shape")),
))

add(Exercise(
    id="4.2", lesson=4, kind="shape",
    statement="$g_1: \\mathbb{R}^3 \\to \\mathbb{R}^2$ and $g_2: \\mathbb{R}^2 \\to \\mathbb{R}^4$. "
              "What is the shape of $J_f = J_{g_2} J_{g_1}$ for $f = g_2 \\circ g_1$? Answer as (rows, columns).",
    hints=("Write the shapes of the factors first: J_g2 is (4 x 2), J_g1 is (2 x 3).",
           "(k x m)(m x n) = (k x n): the inner 2s meet and disappear."),
    problem={"shape": (4, 3)},
    examples_wrong=(((3, 4), "transposed"), ((4, 2), "wrong_shape"), (12, "one_d")),
))

add(Exercise(
    id="4.3", lesson=4, kind="chain_product",
    statement="Let $g_1(x, y) = (xy,\\; x + y)$ and $g_2(u, v) = u^2 + v$ (here $y$ is the second input; "
              "the middle point is called $(u, v)$). At $(x, y) = (1, 2)$: compute $(u, v) = g_1(1, 2)$, "
              "then $J_{g_2}$ at $(u, v)$ (1 x 2) and $J_{g_1}$ at $(1, 2)$ (2 x 2), and give "
              "$J_f = J_{g_2} J_{g_1}$, shape (1, 2).",
    hints=("(u, v) = g1(1, 2) = (2, 3). J_g2 = [[2u, 1]] at (u, v); J_g1 = [[y, x], [1, 1]] at (x, y) = (1, 2).",
           "Entry (0, j) of J_f (counting from 0) is row 0 of J_g2 times column j of J_g1: two products, added."),
    problem={"g2": ["u**2 + v"], "inner": "u v", "g1": ["x*y", "x + y"], "variables": "x y", "x": [1, 2]},
    examples_wrong=(([[9], [5]], "transposed"), ([[8, 4]], "wrong_entries"), ([9, 5], "one_d")),
))

add(Exercise(
    id="4.4", lesson=4, kind="chain_product",
    statement="Now with two outputs: $g_1(x, y) = (x^2,\\; xy)$ and $g_2(u, v) = (uv,\\; u - v)$ at "
              "$(x, y) = (1, 3)$. Compute the middle point $(u, v) = g_1(1, 3)$, then $J_{g_2}$ there (2 x 2) and $J_{g_1}$ (2 x 2), "
              "and give $J_f = J_{g_2} J_{g_1}$, shape (2, 2). Mind the order of the product.",
    hints=("(u, v) = g1(1, 3) = (1, 3). J_g2 = [[v, u], [1, -1]] there; J_g1 = [[2x, 0], [y, x]] at (x, y) = (1, 3).",
           "The outer function's Jacobian goes on the left: J_g2 @ J_g1, not J_g1 @ J_g2."),
    problem={"g2": ["u*v", "u - v"], "inner": "u v", "g1": ["x**2", "x*y"], "variables": "x y", "x": [1, 3]},
    examples_wrong=(([[6, 2], [10, 2]], "wrong_order"), ([[9, -1], [1, -1]], "transposed"),
                    ([[9, 1]], "wrong_shape")),
))
