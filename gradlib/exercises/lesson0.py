"""Exercise of lesson 0 (start here): a first answer to check."""
from . import Exercise, add

add(Exercise(
    id="0.1", lesson=0, kind="shape",
    statement="A function $f: \\mathbb{R}^3 \\to \\mathbb{R}$ takes 3 numbers and returns one. "
              "What is the shape of its gradient? Answer with a tuple `(rows, columns)`.",
    hints=("Numerator layout: (outputs x inputs).",
           "One output, three inputs."),
    problem={"shape": (1, 3)},
    examples_wrong=(((3, 1), "transposed"), (3, "one_d"), ((3, 3), "wrong_shape")),
))
