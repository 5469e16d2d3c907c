"""Exercises of lesson 6: a gradient by backprop, shapes of the accumulated products, a layer's Jacobian."""
from . import Exercise, add

add(Exercise(
    id="6.1", lesson=6, kind="shape",
    statement="A layer maps $\\mathbb{R}^{784} \\to \\mathbb{R}^{128}$ (an image of 28 x 28 pixels to 128 "
              "hidden units). What is the shape of its Jacobian? Answer as (rows, columns).",
    hints=("Rows are outputs, columns are inputs.",),
    problem={"shape": (128, 784)},
    examples_wrong=(((784, 128), "transposed"), (128, "one_d"), ((128, 128), "wrong_shape")),
))

add(Exercise(
    id="6.2", lesson=6, kind="shape",
    statement="Reverse mode for a scalar loss: after two steps the accumulated row is $u^T = J_3 J_2$, "
              "shape (1 x 3), and the next factor is $J_1$, shape (3 x 5). What is the shape of "
              "$u^T J_1$? Answer as (rows, columns).",
    hints=("(1 x 3)(3 x 5): the inner 3s meet.", "Reverse mode carries a row all the way: one output."),
    problem={"shape": (1, 5)},
    examples_wrong=(((5, 1), "transposed"), ((3, 5), "wrong_shape"), (5, "one_d")),
))

add(Exercise(
    id="6.3", lesson=6, kind="chain_product",
    statement="Backprop through a linear layer $g_1(x, y) = (2x - y,\\; x + 3y)$ into the loss "
              "$g_2(u, v) = u^2/2 + v$ at $(x, y) = (1, 1)$. Compute the middle point $(u, v) = g_1(1, 1)$, the row "
              "$J_{g_2}$ there (1 x 2) and the weight matrix $J_{g_1}$ (2 x 2), then the gradient "
              "$J_{g_2} J_{g_1}$, shape (1, 2).",
    hints=("(u, v) = g1(1, 1) = (1, 4); J_g2 = [[u, 1]] there.",
           "The Jacobian of a linear layer is its weight matrix: [[2, -1], [1, 3]].",
           "Row times matrix: a (1 x 2) row times a (2 x 2) matrix is a (1 x 2) row."),
    problem={"g2": ["u**2/2 + v"], "inner": "u v", "g1": ["2*x - y", "x + 3*y"], "variables": "x y",
             "x": [1, 1]},
    examples_wrong=(([[3], [2]], "transposed"), ([[1, 4]], "wrong_entries"), ([3, 2], "one_d")),
))

add(Exercise(
    id="6.4", lesson=6, kind="gradient",
    statement="One neuron and a squared error: $L(w_1, w_2) = \\tfrac{1}{2}(2w_1 + 3w_2 - 1)^2$ (input "
              "(2, 3), target 1). Compute the gradient with respect to the weights at $(w_1, w_2) = (1, 0)$, "
              "as a row of shape (1, 2).",
    hints=("Chain rule: dL/dw = (residual) * d(2 w1 + 3 w2)/dw, with residual = 2 w1 + 3 w2 - 1.",
           "At (1, 0): first the residual, then the row of partials of 2 w1 + 3 w2 with respect to (w1, w2); multiply."),
    problem={"f": "(2*w1 + 3*w2 - 1)**2/2", "variables": "w1 w2", "x": [1, 0]},
    examples_wrong=(([[2], [3]], "transposed"), ([[4, 6]], "constant_factor"), ([[3, 2]], "swapped_columns")),
))
