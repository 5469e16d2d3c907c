"""Exercises of lesson 2: the derivative of a curve is a column."""
from . import Exercise, add

add(Exercise(
    id="2.1", lesson=2, kind="derivative",
    statement="A steeper helix than the lesson's, $f(t) = (\\cos t, \\sin t, t)$, maps $\\mathbb{R} \\to \\mathbb{R}^3$. Write its "
              "derivative at $t = 0$ as a column of shape (3, 1), e.g. `[[a], [b], [c]]`.",
    hints=("Differentiate each component: (-sin t, cos t, 1).",
           "At t = 0: sin 0 = 0 and cos 0 = 1. A column is one number per inner list."),
    problem={"f": ["cos(t)", "sin(t)", "t"], "variables": "t", "x": 0},
    examples_wrong=(([[0, 1, 1]], "transposed"), ([0, 1, 1], "one_d"), ([[0], [1], [0]], "wrong_entries")),
))

add(Exercise(
    id="2.2", lesson=2, kind="shape",
    statement="A curve $f: \\mathbb{R} \\to \\mathbb{R}^4$ describes a point moving in 4 dimensions. What "
              "is the shape of its derivative $f'(t)$?",
    hints=("Numerator layout: (outputs x inputs).", "Four outputs, one input."),
    problem={"shape": (4, 1)},
    examples_wrong=(((1, 4), "transposed"), (4, "one_d"), ((4, 4), "wrong_shape")),
))

add(Exercise(
    id="2.3", lesson=2, kind="derivative",
    statement="Let $f(t) = (t^2, e^t)$. Write $f'(1)$ as a column (2, 1). Formulas as strings are "
              "fine, e.g. `'sqrt(t)'`: they are evaluated at $t = 1$.",
    hints=("d/dt t^2 = 2t and d/dt e^t = e^t.", "Put t = 1 into both; e^1 can be typed as 'e' or 'exp(1)'."),
    problem={"f": ["t**2", "exp(t)"], "variables": "t", "x": 1},
    examples_wrong=(([[2, 2.718281828459045]], "transposed"), ([[1], [2.718281828459045]], "wrong_entries"),
                    ([2, 2.718281828459045], "one_d")),
))
