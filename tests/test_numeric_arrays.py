"""Derivatives with respect to an array X (a weight matrix W): shape (m, *X.shape), numeric and
symbolic, against SymPy and against a finite difference written out entry by entry."""

import warnings

import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib import FunctionError, GradlibError, ShapeError, VectorizationError

TOL = {"forward": 1e-6, "central": 1e-9, "richardson": 1e-11, "complex": 1e-14, "auto": 1e-14}
RNG = np.random.default_rng(3)
W0 = RNG.uniform(-1, 1, (3, 4))
X0 = RNG.uniform(-1, 1, 4)

# the same functions of W (3 x 4) with x (4,) fixed, in SymPy and numpy
W_SYM = sp.Matrix(
    3, 4, gl.symbolic.symbols(" ".join(f"w{k}{j}" for k in range(3) for j in range(4)))
)
X_SYM = sp.Matrix(X0)


def softmax_loss_sym():
    z = W_SYM * X_SYM
    return sp.log(sum(sp.exp(z_i) for z_i in z)) - z[1]  # cross-entropy of softmax(Wx), class 1


def softmax_loss(W):
    z = W @ X0
    return np.log(np.sum(np.exp(z))) - z[1]


def exact(expr_or_array, W):
    """A SymPy result with respect to W_SYM, evaluated at W as float64."""
    values = dict(zip(W_SYM, W.ravel(), strict=True))
    return np.array(sp.Array(expr_or_array).subs(values).tolist(), dtype=float)


def by_hand(f, W, h=1e-6):
    """dL/dW by central differences written out: perturb one entry W[k, l] at a time."""
    G = np.zeros(W.shape)
    for k in range(W.shape[0]):
        for j in range(W.shape[1]):
            E = np.zeros(W.shape)
            E[k, j] = h
            G[k, j] = (f(W + E) - f(W - E)) / (2 * h)
    return G


@pytest.mark.parametrize("method", list(TOL))
def test_gradient_of_a_loss_is_shaped_like_W(method):
    g, info = gl.gradient(softmax_loss, W0, method=method, full_output=True)
    truth = exact(gl.symbolic.gradient(softmax_loss_sym(), W_SYM), W0)
    assert g.shape == info.error.shape == truth.shape == (1, 3, 4) and info.step.shape == (3, 4)
    np.testing.assert_allclose(g, truth, rtol=0, atol=TOL[method] * np.abs(truth).max())
    assert np.mean(np.abs(g - truth) <= info.error) >= 0.9  # the estimate covers the true error
    np.testing.assert_allclose(g[0], by_hand(softmax_loss, W0), atol=max(1e-8, 10 * TOL[method]))
    assert "error=<1x3x4, max" in repr(info)


@pytest.mark.parametrize("method", list(TOL))
def test_jacobian_of_W_x_has_one_nonzero_row_per_output(method):
    J = gl.jacobian(lambda W: W @ X0, W0, method=method)
    truth = exact(gl.symbolic.jacobian(W_SYM * X_SYM, W_SYM), W0)
    assert J.shape == truth.shape == (3, 3, 4)
    np.testing.assert_allclose(J, truth, atol=TOL[method])
    for i in range(3):  # J[i, i, :] = x, every other slice row 0
        np.testing.assert_allclose(J[i, i], X0, atol=TOL[method])
        assert np.abs(np.delete(J[i], i, axis=0)).max() <= TOL[method]
    # the 2-D Jacobian with respect to vec(W), row by row, numeric and symbolic alike
    flat = np.array(gl.symbolic.flatten(gl.symbolic.jacobian(W_SYM * X_SYM, W_SYM)), dtype=float)
    np.testing.assert_allclose(J.reshape(3, -1), flat, atol=TOL[method])


@pytest.mark.parametrize("method", list(TOL))
def test_matrix_valued_f_has_one_output_per_entry(method):
    f = lambda W: np.tanh(W) * W[0, 0]  # noqa: E731
    J = gl.jacobian(f, W0, method=method)
    M = W_SYM.applyfunc(sp.tanh) * W_SYM[0, 0]
    truth = exact(gl.symbolic.jacobian(M, W_SYM), W0)
    assert J.shape == truth.shape == (12, 3, 4)  # m = 12 outputs, row by row
    np.testing.assert_allclose(J, truth, atol=10 * TOL[method])


@pytest.mark.parametrize("method", list(TOL))
def test_vectorized_over_the_last_axis_agrees(method):
    calls = []

    def f(W):  # W: (3, 4) for one point, (3, 4, N) for a batch
        calls.append(W.shape)
        return np.tanh(np.tensordot(W, X0, axes=([1], [0]))) if W.ndim == 3 else np.tanh(W @ X0)

    J, info = gl.jacobian(f, W0, method=method, vectorized=True, full_output=True)
    J1 = gl.jacobian(f, W0, method=method)
    np.testing.assert_allclose(J, J1, rtol=0, atol=TOL[method])  # batched products round apart
    assert J.shape == info.error.shape == (3, 3, 4)
    assert any(len(s) == 3 and s[:2] == (3, 4) for s in calls)


def test_scalar_loss_vectorized_may_return_shape_N():
    L = lambda W: np.sum(W**2, axis=(0, 1))  # noqa: E731
    np.testing.assert_allclose(gl.gradient(L, W0, vectorized=True), 2 * W0[None], rtol=1e-14)


def test_higher_rank_and_column_inputs():
    T = RNG.uniform(0.5, 1.5, (2, 2, 3))
    g = gl.gradient(lambda T: np.sum(np.log(T) * T), T)
    assert g.shape == (1, 2, 2, 3)
    np.testing.assert_allclose(g[0], np.log(T) + 1, rtol=1e-14)
    col = np.array([[1.0], [2.0]])  # a column is an array of shape (2, 1): so is its derivative
    J = gl.jacobian(lambda c: c**2, col)
    np.testing.assert_allclose(J.reshape(2, 2), gl.jacobian(lambda v: v**2, col.ravel()))
    assert J.shape == (2, 2, 1)


def test_a_vector_x_keeps_its_2d_jacobian():
    J = gl.jacobian(lambda v: [v[0] * v[1], v[1]], np.array([2.0, 3.0]))
    assert J.shape == (2, 2)


def test_vjp_gives_the_gradient_shaped_like_W():
    u = np.array([1.0, -2.0, 0.5])
    uJ = gl.vjp(lambda W: np.tanh(W @ X0), W0, u)
    assert uJ.shape == (1, 3, 4)
    np.testing.assert_allclose(uJ[0], np.outer(u * (1 - np.tanh(W0 @ X0) ** 2), X0), rtol=1e-13)


# ------------------------------------------------------------------ errors name both shapes
def test_function_error_names_the_shape_of_W():
    with pytest.raises(
        FunctionError,
        match=r"(?s)calling f at x of shape \(3, 4\) = \[\[.*"
        r"raised ValueError: matmul",
    ):
        gl.jacobian(lambda W: W @ np.ones(3), W0)


def test_changing_output_shape_names_both_shapes():
    f = lambda W: np.ones(2) if W[0, 0] == W0[0, 0] else np.ones((3, 3))  # noqa: E731
    with pytest.raises(
        ShapeError,
        match=r"(?s)f returned shape \(3, 3\) at x of shape \(3, 4\) = "
        r".* but 2 value\(s\) at the base point",
    ):
        gl.jacobian(f, W0, method="central")


def test_gradient_of_a_matrix_valued_f_names_both_shapes():
    with pytest.raises(
        ShapeError,
        match=r"gradient needs a scalar-valued f; f returned shape "
        r"\(3,\) at x of shape \(3, 4\)\. Use gl.jacobian",
    ):
        gl.gradient(lambda W: W @ X0, W0)


def test_vectorized_mistakes_name_the_batch_shape():
    with pytest.raises(
        VectorizationError,
        match=r"batch of shape \(3, 4, 24\) \(points along the "
        r"last axis\) raised ValueError.*must accept shape \(3, 4, N\) and return "
        r"shape \(3, N\)",
    ):
        gl.jacobian(lambda W: W @ X0, W0, method="central", vectorized=True)
    with pytest.raises(
        VectorizationError,
        match=r"shape \(\) for a batch of 24 points of shape "
        r"\(3, 4, 24\); expected shape \(24,\).*np.sum\(x, axis=\(0, 1\)\)",
    ):
        gl.gradient(lambda W: np.sum(W**2), W0, method="central", vectorized=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda: gl.hessian(softmax_loss, W0),
        lambda: gl.jvp(softmax_loss, W0, W0),
        lambda: gl.derivative(np.sin, W0),
    ],
)
def test_vector_only_derivatives_refuse_a_matrix(call):
    with pytest.raises(ShapeError, match=r"shape \(3, 4\)"):
        call()


def test_warnings_name_the_entry_of_W():
    W = np.array([[1e-60, 1.0], [2.0, 3.0]])
    with pytest.warns(
        gl.NotDifferentiableWarning, match=r"along input 1, 1 \(output 0\).*J\[0, 1, 1\]"
    ):
        gl.gradient(lambda W: np.abs(W[1, 1] - 3.0) + W[0, 1], W, method="richardson")
    J, info = gl.jacobian(lambda W: np.exp(W), W, method="central", full_output=True)
    # every output along W[0, 0]: exp(W_00) and the zeros, which do not move at either step
    assert info.note == "tiny x: 4 of 4 entries along x[0, 0] = 1e-60 use the step 7.63e-06"
    np.testing.assert_allclose(J.reshape(4, 4), np.diag(np.exp(W.ravel())), rtol=1e-9)


# ------------------------------------------------------------------ symbolic side
def test_symbolic_jacobian_and_gradient_with_respect_to_W():
    W = sp.Matrix(2, 3, gl.symbolic.symbols("a b c d g h"))
    x = sp.Matrix(gl.symbolic.symbols("x y z"))
    J = gl.symbolic.jacobian(W * x, W)
    assert isinstance(J, sp.NDimArray) and J.shape == (2, 2, 3)
    assert J[1] == sp.Array([[0, 0, 0], list(x)])  # J[i, i, k] = x_k: x is a constant here
    flat = gl.symbolic.flatten(J)
    assert flat.shape == (2, 6) and flat[1, 3:] == sp.Matrix([list(x)])
    g = gl.symbolic.gradient("log(exp(a) + h)", W)
    assert g.shape == (1, 2, 3) and g[0, 1, 2] == 1 / (sp.exp(W[0, 0]) + W[1, 2])
    assert gl.symbolic.jacobian(["a*b", "c*h"], W).shape == (2, 2, 3)
    # a Matrix is returned as it is
    assert gl.symbolic.flatten(gl.symbolic.jacobian("a", "a b")) == sp.Matrix([[1, 0]])


def test_symbolic_row_or_column_of_variables_is_still_a_vector():
    v = sp.Matrix(gl.symbolic.symbols("x y"))
    assert gl.symbolic.jacobian(["x*y", "y"], v) == sp.Matrix([[v[1], v[0]], [0, 1]])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda W: gl.symbolic.jacobian("a*x", W), gl.ParseError, r"unknown variable\(s\) x"),
        (
            lambda W: gl.symbolic.jacobian(W[0, 0] * sp.Symbol("a"), W),
            GradlibError,
            r"the expression's a \(not known to be real\) and "
            r"the variable a \(real\) are different",
        ),
        (
            lambda W: gl.symbolic.gradient(W * sp.Matrix([1, 2, 3]), W),
            ShapeError,
            r"gradient needs one scalar-valued expression; got 2",
        ),
        (
            lambda W: gl.symbolic.jacobian("a", sp.Matrix([[W[0, 0], 1], [2, 3]])),
            GradlibError,
            r"each variable must be a name or a sympy Symbol; got 1",
        ),
        (
            lambda W: gl.symbolic.flatten(3),
            GradlibError,
            r"flatten needs a sympy Array of shape \(m, p, q\)",
        ),
    ],
)
def test_symbolic_errors(call, error, match):
    W = sp.Matrix(2, 3, gl.symbolic.symbols("a b c d g h"))
    with pytest.raises(error, match=match):
        call(W)


def test_numeric_matches_symbolic_on_random_points():
    rng = np.random.default_rng(11)
    G = gl.symbolic.flatten(gl.symbolic.gradient(softmax_loss_sym(), W_SYM))
    G = sp.lambdify([list(W_SYM)], G)
    for _ in range(5):
        W = rng.uniform(-2, 2, (3, 4))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            g = gl.gradient(softmax_loss, W)
        np.testing.assert_allclose(g.reshape(1, -1), G(W.ravel()), rtol=1e-13, atol=1e-15)
