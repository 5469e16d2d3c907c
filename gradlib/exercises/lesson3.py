"""Exercises of lesson 3: the Jacobian, gradient rows stacked."""
from . import Exercise, add

add(Exercise(
    id="3.1", lesson=3, kind="jacobian",
    statement="Let $f(x, y) = (x y,\\; x + y^2,\\; \\sin x)$, so $f: \\mathbb{R}^2 \\to \\mathbb{R}^3$. Write "
              "its Jacobian at $(x, y) = (0, 1)$: one row per output, one column per input.",
    hints=("Row i is the gradient of f_i: [[y, x], [1, 2y], [cos x, 0]].",
           "Put x = 0, y = 1 in; the answer has shape (3, 2)."),
    problem={"f": ["x*y", "x + y**2", "sin(x)"], "variables": "x y", "x": [0, 1]},
    examples_wrong=(([[1, 1, 1], [0, 2, 0]], "transposed"), ([[1, 0], [1, 2], [0, 0]], "wrong_entries"),
                    ([[0, 1], [2, 1], [0, 1]], "swapped_columns")),
))

add(Exercise(
    id="3.2", lesson=3, kind="shape",
    statement="A function $f: \\mathbb{R}^3 \\to \\mathbb{R}^2$. What is the shape of its Jacobian?",
    hints=("Numerator layout: (outputs x inputs).", "How many outputs? How many inputs?"),
    problem={"shape": (2, 3)},
    examples_wrong=(((3, 2), "transposed"), ((2, 2), "wrong_shape"), (6, "one_d")),
))

add(Exercise(
    id="3.3", lesson=3, kind="jacobian",
    statement="Polar to Cartesian: $f(r, \\theta) = (r\\cos\\theta,\\; r\\sin\\theta)$. Write its Jacobian "
              "at $(r, \\theta) = (2, \\pi/2)$, with the columns in the order $r, \\theta$. Formulas in "
              "$r$ and $\\theta$ as strings, e.g. `'r**2'`, are fine.",
    hints=("Row 1 is the gradient of r cos(theta): [cos(theta), -r sin(theta)].",
           "Row 2 is the gradient of r sin(theta): [sin(theta), r cos(theta)]. Then put r = 2, theta = pi/2."),
    problem={"f": ["r*cos(theta)", "r*sin(theta)"], "variables": "r theta", "x": [2, 1.5707963267948966]},
    examples_wrong=(([[-2, 0], [0, 1]], "swapped_columns"), ([[0, 1], [-2, 0]], "transposed"),
                    ([[0, 2], [1, 0]], "sign_entries")),
))

add(Exercise(
    id="3.4", lesson=3, kind="gradient",
    statement="For the same $f(r, \\theta) = (r\\cos\\theta,\\; r\\sin\\theta)$, write the gradient of the "
              "second output alone, $f_2 = r \\sin\\theta$, at $(2, \\pi/2)$. Compare it with row 2 of the "
              "Jacobian of 3.3.",
    hints=("It is a row (1, 2): [[df2/dr, df2/dtheta]].", "df2/dr = sin(theta), df2/dtheta = r cos(theta)."),
    problem={"f": "r*sin(theta)", "variables": "r theta", "x": [2, 1.5707963267948966]},
    examples_wrong=(([[1], [0]], "transposed"), ([[0, -2]], "wrong_entries"), ([1, 0], "one_d")),
))
