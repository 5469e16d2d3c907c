"""Exercises of lesson 5: the exact derivatives behind the error of finite differences, and shapes."""
from . import Exercise, add

add(Exercise(
    id="5.1", lesson=5, kind="partial",
    statement="The forward difference of $f(x) = x^3$ at $x = 2$ is off by about $\\frac{h}{2} f''(2)$. "
              "Compute $f''(2)$ by hand: differentiate $f'(x) = 3x^2$ and put $x = 2$. Answer with one number (or the (1, 1) matrix `[[...]]`).",
    hints=("The derivative of 3 x^2 is 6 x.",
           "Put x = 2 into 6 x."),
    problem={"f": "3*x**2", "variables": "x", "x": [2], "wrt": "x"},
    examples_wrong=((6, "constant_factor"), (12.5, "wrong_entries"), ([[12, 12]], "wrong_shape")),
))

add(Exercise(
    id="5.2", lesson=5, kind="gradient",
    statement="SymPy is the reference a numeric gradient is checked against. Compute by hand what it "
              "returns for $f(x, y) = x\\,e^{y}$ at $(x, y) = (2, 0)$: the gradient as a row of shape "
              "(1, 2), e.g. `[[a, b]]`.",
    hints=("df/dx = e^y and df/dy = x e^y.",
           "At (2, 0): e^0 = 1."),
    problem={"f": "x*exp(y)", "variables": "x y", "x": [2, 0]},
    examples_wrong=(([[1], [2]], "transposed"), ([[2, 1]], "swapped_columns"), ([1, 2], "one_d")),
))

add(Exercise(
    id="5.3", lesson=5, kind="shape",
    statement="`gl.jacobian(f, x, method=\"central\")` for $f: \\mathbb{R}^4 \\to \\mathbb{R}^2$ builds one "
              "column from each pair $f(x \\pm h e_j)$. What shape does it return? Answer as (rows, columns).",
    hints=("One column per input, one row per output.",
           "Numerator layout: (outputs, inputs)."),
    problem={"shape": (2, 4)},
    examples_wrong=(((4, 2), "transposed"), (8, "one_d"), ((2, 8), "wrong_shape")),
))

add(Exercise(
    id="5.4", lesson=5, kind="derivative",
    statement="The complex step differentiates a curve one output at a time: "
              "$\\operatorname{Im} f(t + ih) / h$. For $f(t) = (t^3, \\sin t)$ the imaginary part of "
              "$(t + ih)^3$ is $3t^2 h - h^3$. What does the complex step return at $t = 1$ as $h \\to 0$? "
              "Give the derivative of the curve as a column of shape (2, 1); formulas as strings, e.g. `'sqrt(2)'`, are fine.",
    hints=("Im (t + ih)^3 / h = 3 t^2 - h^2, which tends to 3 t^2.",
           "The second output: d/dt sin t = cos t.",
           "A column: [[a], [b]]."),
    problem={"f": ["t**3", "sin(t)"], "variables": "t", "x": [1]},
    examples_wrong=(([[3, "cos(1)"]], "transposed"), ([[2], ["cos(1)"]], "wrong_entries"),
                    ([3, "cos(1)"], "one_d")),
))
