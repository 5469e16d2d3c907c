"""gradlib.shapes: shape arithmetic in words and the diagnosis of products that do not fit."""

import numpy as np
import pytest
import sympy as sp

from gradlib import shapes
from gradlib.errors import ShapeError


@pytest.mark.parametrize(
    "obj, expected",
    [
        ((2, 3), (2, 3)),
        (np.zeros((4, 1)), (4, 1)),
        (sp.zeros(2, 5), (2, 5)),
        ([[1, 2, 3]], (1, 3)),
        ([1.0, 2.0], (2,)),
        (3.0, ()),
    ],
)
def test_shape_of(obj, expected):
    assert shapes.shape_of(obj) == expected


def test_fmt():
    assert shapes.fmt((2, 3)) == "(2x3)"
    assert shapes.fmt(np.zeros((1, 7))) == "(1x7)"
    assert shapes.fmt((5,)) == "(5,)"


@pytest.mark.parametrize(
    "n, m, name, phrase",
    [
        (
            3,
            1,
            "gradient",
            "f: R^3 -> R has a gradient of shape (1, 3), a row: one row, one column per input.",
        ),
        (
            1,
            4,
            "derivative",
            "f: R -> R^4 has a derivative of shape (4, 1), a column: one row per "
            "output, one column.",
        ),
        (
            2,
            3,
            "Jacobian",
            "f: R^2 -> R^3 has a Jacobian of shape (3, 2): one row per output, one "
            "column per input.",
        ),
        (1, 1, "derivative", "f: R -> R has a derivative of shape (1, 1): one row, one column."),
    ],
)
def test_explain_derivative(n, m, name, phrase):
    assert shapes.derivative_name(n, m) == name
    assert shapes.explain_derivative(n, m) == phrase


def test_describe_product_two_and_long_chains():
    assert (
        shapes.describe_product([("J_g2", (2, 3)), ("J_g1", np.ones((3, 4)))], result="J_f")
        == "J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)"
    )
    text = shapes.describe_product([("J4", (1, 2)), ("J3", (2, 5)), ("J2", (5, 6)), ("J1", (6, 9))])
    assert text == "J4 (1x2) @ J3 (2x5) @ J2 (5x6) @ J1 (6x9) -> (1x9)"
    assert shapes.describe_product([sp.ones(1, 3), (3, 1)]) == "A1 (1x3) @ A2 (3x1) -> (1x1)"


def test_describe_product_raises_with_diagnosis():
    with pytest.raises(
        ShapeError,
        match=r"J_g1 \(3x4\) @ J_g2 \(2x3\): inner sizes 4 and 2 "
        r"disagree\. Swapping",
    ):
        shapes.describe_product([("J_g1", (3, 4)), ("J_g2", (2, 3))])


def test_diagnose_fits():
    d = shapes.diagnose([("J_g2", (2, 3)), ("J_g1", (3, 4))], result="J_f")
    assert d and d.fits and d.shape == (2, 4) and d.suggestions == ()
    assert str(d) == "J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)"


def test_diagnose_swapped_order():
    d = shapes.diagnose([("J_g1", (3, 4)), ("J_g2", (2, 3))])
    assert not d
    assert d.shape is None
    assert d.text == "J_g1 (3x4) @ J_g2 (2x3): inner sizes 4 and 2 disagree."
    assert d.suggestions == (
        "Swapping the order gives J_g2 @ J_g1 (2x3)(3x4) -> (2x4), which "
        "fits: the chain rule multiplies the outer function's Jacobian on "
        "the left.",
    )


def test_diagnose_transposed_factor():
    d = shapes.diagnose([("J_g2", (2, 3)), ("J_g1", (4, 3))])
    assert d.text == "J_g2 (2x3) @ J_g1 (4x3): inner sizes 3 and 4 disagree."
    assert len(d.suggestions) == 1
    assert d.suggestions[0].startswith(
        "Transposing J_g1 gives J_g2 @ J_g1.T (2x3)(3x4) -> (2x4), which fits"
    )
    assert "denominator layout" in d.suggestions[0]


def test_diagnose_long_chain_names_position_and_reversal():
    d = shapes.diagnose([("J1", (6, 9)), ("J2", (5, 6)), ("J3", (2, 5))])
    assert "inner sizes 9 and 5 disagree (between factor 1, J1, and factor 2, J2)" in d.text
    assert "inner sizes 6 and 2 disagree (between factor 2, J2, and factor 3, J3)" in d.text
    assert d.suggestions[0].startswith(
        "Reversing the order gives J3 @ J2 @ J1 (2x5)(5x6)(6x9) -> (2x9)"
    )


def test_diagnose_no_fix_and_square_factors_not_transposed():
    d = shapes.diagnose([("A", (2, 2)), ("B", (3, 3))])
    assert not d and d.suggestions == ()
    assert str(d) == "A (2x2) @ B (3x3): inner sizes 2 and 3 disagree."


def test_diagnose_one_d_factor():
    d = shapes.diagnose([("J", (2, 3)), ("dx", (3,))])
    assert not d
    assert d.text.startswith("dx has shape (3,), not 2-D")
    assert d.suggestions == ("Reshape dx to a row (1, n) or a column (n, 1).",)


def test_diagnose_needs_a_factor():
    with pytest.raises(ShapeError, match="at least one factor"):
        shapes.diagnose([])


def test_require_product():
    assert shapes.require_product([("J_g2", (1, 3)), ("J_g1", (3, 2))]) == (1, 2)
    with pytest.raises(
        ShapeError,
        match=r"^g1 returns 3 numbers\. J_g2 \(2x2\) @ J_g1 \(3x1\): "
        r"inner sizes 2 and 3",
    ):
        shapes.require_product(
            [("J_g2", (2, 2)), ("J_g1", (3, 1))], context="g1 returns 3 numbers."
        )


def test_shapes_with_numpy_integers_and_rows_given_as_arrays():
    # sizes computed with numpy are a shape, not a vector of 2 numbers
    m, n = np.int64(2), np.int64(3)
    assert shapes.shape_of((m, n)) == (2, 3) and shapes.fmt((m, n)) == "(2x3)"
    assert shapes.describe_product([("A", (m, n)), ("B", (3, 4))]) == "A (2x3) @ B (3x4) -> (2x4)"
    assert shapes.shape_of([np.zeros(3), np.zeros(3)]) == (2, 3)
