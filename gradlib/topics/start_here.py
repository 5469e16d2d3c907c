"""Lesson 0, start here: the first exercise (the shape explorer is lesson 3's, shown here too)."""

from ..exercises import Exercise, add

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = []

add(
    Exercise(
        id="0.1",
        kind="shape",
        statement="A function $f: \\mathbb{R}^3 \\to \\mathbb{R}$ takes 3 numbers and returns one. "
        "What is the shape of its gradient? Answer with a tuple `(rows, columns)`.",
        hints=(
            "Numerator layout: (outputs x inputs), one row per output, one column per input.",
            "Count what f gives back (rows) and what it takes in (columns).",
        ),
        problem={"shape": (1, 3)},
        examples_wrong=(((3, 1), "transposed"), (3, "one_d"), ((3, 3), "wrong_shape")),
    )
)
