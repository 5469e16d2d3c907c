"""gradlib.check for derivatives with respect to an array, shape (m, *X.shape): wrt_array and
array_shape accept every right way of writing them and name the usual mistakes."""

import numpy as np
import pytest

import gradlib as gl
from gradlib import check

# dL/dW for W (2 x 3): the outer product of delta (1 x 2) and x (3,), as (1, 2, 3)
DELTA, X = np.array([[0.5, -2.0]]), np.array([4.0, -1.0, 1.5])
G = np.outer(DELTA, X)[None]
# a batch of 3: each example's contribution (B, 1, 2, 3); the truth is their sum
TERMS = np.stack(
    [
        np.outer([1.0, -1.0], [2.0, 0.5, -1.0]),
        np.outer([0.5, 2.0], [1.0, 3.0, 2.0]),
        np.outer([-1.5, 1.0], [0.0, 1.0, -2.0]),
    ]
)[:, None]
SUM = TERMS.sum(axis=0)


def grad(answer, **kw):
    return check.wrt_array(answer, G, **kw)


def batch(answer):
    return check.wrt_array(answer, SUM, terms=TERMS)


@pytest.mark.parametrize(
    "answer, phrases",
    [
        (G, ["in numerator layout, shape (1, 2, 3)", "then W's axes"]),
        (
            G[0],
            [
                "shaped like W, (2, 3)",
                "PyTorch's W.grad and jax.grad",
                "shape (1, 2, 3)",
                "its only slice, J[0]",
            ],
        ),
        (
            G.reshape(1, 6),
            ["2-D Jacobian with respect to vec(W)", "flattened row by row", "shape (1, 6)"],
        ),
        (G[0].tolist(), ["shaped like W"]),
        (G[0] * (1 + 4e-3), ["shaped like W"]),
    ],
)
def test_right_answers_in_every_layout(answer, phrases):
    fb = grad(answer, rtol=5e-3)
    assert fb and fb.kind == "correct"
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


@pytest.mark.parametrize(
    "answer, kind, phrases",
    [
        (G[0].T, "transposed", ["transposed, shape (3, 2)", "W's shape (2, 3)", "answer.T"]),
        (np.swapaxes(G, 1, 2), "transposed", ["transposed, shape (1, 3, 2)"]),
        (
            G.reshape(1, 6, order="F"),
            "vec_column_major",
            ["column by column", "row by row", "W_kl comes before W_k(l+1)"],
        ),
        (G.reshape(-1, order="F"), "vec_column_major", ["Fortran order"]),
        (
            G[0].T.reshape(2, 3),
            "reshaped_transpose",
            ["transpose (3, 2) reshaped to (2, 3)", "instead of reshaping"],
        ),
        (G.ravel(), "one_d", ["1-D, shape (6,)", "np.reshape(answer, (2, 3))"]),
        (-G[0], "sign", ["opposite sign in every entry"]),
        (3 * G[0], "constant_factor", ["3 times derivative dL/dW"]),
        (
            G[0] + [[0, 1, 0], [0, 0, 0]],
            "wrong_entries",
            ["One entry is wrong: (1, 2)."],
        ),
        (
            np.ones((4, 3)),
            "wrong_shape",
            ["You gave shape (4, 3)", "dL/dW has shape (1, 2, 3)", "or (2, 3) shaped like W"],
        ),
        (None, "no_answer", ["no answer yet", "shape (2, 3)"]),
        ({"W": 1}, "wrong_type", ["You gave {'W': 1} (a dict)"]),
        ([[1.0, np.nan, 0], [0, 0, 0]], "non_finite", ["inf or nan"]),
    ],
)
def test_mistakes_are_named(answer, kind, phrases):
    fb = grad(answer)
    assert not fb and fb.kind == kind, fb
    for phrase in phrases:
        assert phrase in fb.message, (phrase, fb.message)


def test_formulas_are_read_at_the_point():
    names = "W11 W12 W13 W21 W22 W23"
    typed = [["2 + 0*W11", "-0.5", "0.75"], ["-8", "2*W22", "-3"]]  # W22 = 1 at the point
    assert check.wrt_array(typed, G, variables=names, x=[0, 0, 0, 0, 1, 0])
    fb = check.wrt_array([["2", "y", "0.75"], ["-8", "2", "-3"]], G, variables=names, x=np.zeros(6))
    assert fb.kind == "wrong_variables" and "y" in fb.message


@pytest.mark.parametrize(
    "answer, kind, phrase",
    [
        (TERMS, "missing_sum", "These are the 3 examples' contributions, not summed"),
        (TERMS[:, 0], "missing_sum", "sum over the batch"),
        (TERMS[1], "one_example", "example 2 alone"),
        (TERMS[2, 0], "one_example", "example 3 alone"),
        (SUM[0] / 3, "batch_mean", "mean over the 3 examples"),
    ],
)
def test_a_forgotten_sum_over_the_batch_is_named(answer, kind, phrase):
    fb = batch(answer)
    assert not fb and fb.kind == kind and phrase in fb.message, fb
    assert batch(SUM[0]) and batch(SUM)


def test_a_vector_input_keeps_the_row_and_names_the_batch_mistakes():
    Delta = np.array([[1.0, -2.0], [0.5, 1.5], [-3.0, 0.0]])
    right = Delta.sum(axis=0, keepdims=True)

    def db(answer):
        return check.wrt_array(answer, right, wrt="b", terms=Delta[:, None, :])

    assert db(right).kind == "correct"
    assert db(Delta).kind == "missing_sum" and "b is used by every one of them" in db(Delta).message
    assert db(Delta[:1]).kind == "one_example"
    assert db(right / 3).kind == "batch_mean"
    assert db(Delta.sum(axis=1, keepdims=True)).kind == "wrong_axis"
    fb = db(right.ravel())
    assert fb.kind == "one_d" and "numbers themselves are right" in fb.message


def test_several_outputs():
    x = np.array([2.0, -1.0, 0.5])
    J = gl.jacobian(lambda W: W @ x, np.ones((2, 3)))  # d(Wx)/dW, (2, 2, 3)
    exact = np.zeros((2, 2, 3))
    exact[0, 0], exact[1, 1] = x, x
    assert check.wrt_array(exact, J, of="y").kind == "correct"
    assert check.wrt_array(exact.reshape(2, 6), J, of="y").kind == "correct"
    assert check.wrt_array(exact[0], J, of="y").kind == "wrong_shape"  # one slice is not all
    assert check.wrt_array(exact.reshape(2, 6, order="F"), J, of="y").kind == "vec_column_major"
    assert check.wrt_array(np.swapaxes(exact, 1, 2), J, of="y").kind == "transposed"
    fb = check.wrt_array(2 * exact, J, of="y")
    assert fb.kind == "constant_factor" and "2 times derivative dy/dW" in fb.message


def test_the_exercise_set_up_wrongly_raises():
    with pytest.raises(gl.GradlibError, match=r"at least 2-D; got shape \(3,\)"):
        check.wrt_array([1, 2, 3], [1.0, 2.0, 3.0])
    with pytest.raises(
        gl.GradlibError,
        match=r"terms must have shape \(B, \*\(1, 2, 3\)\) and "
        r"sum to expected",
    ):
        check.wrt_array(G, G, terms=TERMS)


@pytest.mark.parametrize(
    "given, kind, phrase",
    [
        ((1, 3, 5), "correct", "one axis for the 1 output of L, then W's axes (3, 5)"),
        ([1, 3, 5], "correct", "(1, 3, 5)"),
        ((3, 5), "correct", "PyTorch's W.grad"),
        ((np.int64(3), 5), "correct", "W's shape"),
        ((5, 3), "transposed", "W's shape transposed"),
        ((1, 5, 3), "transposed", "come in W's order, (3, 5)"),
        ((1, 15), "flattened", "derivative with respect to vec(W)"),
        ((15,), "flattened", "keeps W's 2 axes (3, 5)"),
        ((3, 3, 5), "wrong_shape", "one axis for the outputs of L (1)"),
        (15, "one_d", "one number, 15"),
        ((3.0, 5.0), "correct", "W's shape"),
        ((3.5, 5), "wrong_type", "whole numbers"),
        ((float("inf"), 5), "wrong_type", "whole numbers"),
        ((True, 5), "wrong_type", "whole numbers"),
        ("(3, 5)", "wrong_type", "You gave '(3, 5)'"),
        ((), "wrong_type", "one per axis"),
        (None, "no_answer", "no answer yet"),
    ],
)
def test_array_shape(given, kind, phrase):
    fb = check.array_shape(given, (1, 3, 5))
    assert fb.kind == kind and bool(fb) == (kind == "correct") and phrase in fb.message, fb


def test_array_shape_names_an_exercise_s_own_mistakes():
    mistakes = {(3, 3, 5): ("jacobian_of_y", "the shape of dy/dW")}
    fb = check.array_shape((3, 3, 5), (1, 3, 5), mistakes=mistakes)
    assert (fb.kind, fb.message) == ("jacobian_of_y", "the shape of dy/dW")
    assert check.array_shape((2, 3, 3), (2, 3, 3), of="y").message.startswith(
        "Right: (2, 3, 3), one axis for the 2 outputs of y"
    )
