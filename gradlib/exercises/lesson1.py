"""Exercises of lesson 1: partial derivatives, the gradient row, the directional derivative."""
from . import Exercise, add

add(Exercise(
    id="1.1", lesson=1, kind="partial",
    statement="Let $f(x, y) = x^2 y + 3y$. Hold $y$ fixed and compute the partial derivative "
              "$\\dfrac{\\partial f}{\\partial x}$ at the point $(x, y) = (1, 2)$. Answer with one number (or the (1, 1) matrix `[[...]]`).",
    hints=("Treat y as a constant: the derivative of x^2 y with respect to x is 2 x y; 3y is a constant.",
           "Now put x = 1 and y = 2 into 2 x y."),
    problem={"f": "x**2*y + 3*y", "variables": "x y", "x": [1, 2], "wrt": "x"},
    examples_wrong=((2, "constant_factor"), (5, "wrong_entries"), ([[4, 4]], "wrong_shape")),
))

add(Exercise(
    id="1.2", lesson=1, kind="gradient",
    statement="Let $f(x, y, z) = x y + y z^2$. Write its gradient at $(x, y, z) = (1, 2, -1)$ as a row "
              "of shape (1, 3), e.g. `[[a, b, c]]`. You may also type formulas as strings, e.g. "
              "`[['y', '...', '...']]`: they are evaluated at the point.",
    hints=("Three partial derivatives, one per input, in the order x, y, z.",
           "df/dx = y, df/dy = x + z^2, df/dz = 2 y z.",
           "A row is a list inside a list: [[df/dx, df/dy, df/dz]]."),
    problem={"f": "x*y + y*z**2", "variables": "x y z", "x": [1, 2, -1]},
    examples_wrong=(([[2], [2], [-4]], "transposed"), ([2, 2, -4], "one_d"), ([[2, 2, 4]], "sign_entries")),
))

add(Exercise(
    id="1.3", lesson=1, kind="directional",
    statement="Let $f(x, y) = x^2 + 3y$ and the unit direction $d = (0.6, 0.8)$. Compute the "
              "directional derivative $\\nabla f(x)\\, d$ at $(x, y) = (1, 2)$: a (1 x 2) row times a "
              "(2 x 1) column. Answer with one number (or the (1, 1) matrix `[[...]]`).",
    hints=("First the gradient row at (1, 2): [[2x, 3]].",
           "Then multiply row by column: first entry times first entry, plus second times second."),
    problem={"f": "x**2 + 3*y", "variables": "x y", "x": [1, 2], "d": [0.6, 0.8]},
    examples_wrong=((5, "wrong_entries"), ([[1.2, 2.4]], "wrong_shape"), (-3.6, "sign")),
))

add(Exercise(
    id="1.4", lesson=1, kind="shape",
    statement="A function $f: \\mathbb{R}^5 \\to \\mathbb{R}$ has a gradient $\\nabla f(x)$ and a small "
              "change $dx$ of shape (5, 1). What is the shape of the product $\\nabla f(x)\\, dx$?",
    hints=("The gradient is (1 x 5).", "(1 x 5)(5 x 1): the inner sizes cancel."),
    problem={"shape": (1, 1)},
    examples_wrong=(((5, 5), "wrong_shape"), ((1, 5), "wrong_shape"), (1, "one_d")),
))
