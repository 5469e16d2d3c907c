"""gl.symbolic: shapes and values of gradient/jacobian/derivative/hessian, every error and its
message, lambdify's shapes and values, and random expressions checked against finite
differences."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Matrix, cos, exp, sin, tanh

import gradlib as gl
from gradlib import symbolic

x, y, z, t, r, theta, phi = symbolic.symbols("x y z t r theta phi")


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)


# --- derivatives: shapes and values ---


def test_gradient_is_a_row():
    g = symbolic.gradient("x^2*y + sin(y)", "x y")
    assert g.shape == (1, 2)
    assert g == Matrix([[2 * x * y, x**2 + cos(y)]])


@pytest.mark.parametrize("variables", ["x y", "x, y", ["x", "y"], [x, y], (x, "y"), Matrix([x, y])])
def test_variables_in_every_form(variables):
    assert symbolic.gradient(x * y**2, variables) == Matrix([[y**2, 2 * x * y]])


def test_variable_names_take_the_expressions_own_symbols():
    plain = sympy.Symbol("x")  # no assumptions, as sympy.symbols makes them
    assert symbolic.gradient(plain**3, "x") == Matrix([[3 * plain**2]])


def test_jacobian_rows_are_gradients():
    J = symbolic.jacobian(["r*cos(theta)", "r*sin(theta)"], "r theta")
    assert J.shape == (2, 2)
    assert J == Matrix([[cos(theta), -r * sin(theta)], [sin(theta), r * cos(theta)]])
    assert sympy.simplify(J.det()) == r
    for i, f_i in enumerate(["r*cos(theta)", "r*sin(theta)"]):
        assert J[i, :] == symbolic.gradient(f_i, "r theta")


@pytest.mark.parametrize(
    "exprs", [Matrix([x * y, x + z]), Matrix([[x * y, x + z]]), [x * y, "x + z"]]
)
def test_jacobian_of_a_column_a_row_or_a_list(exprs):
    assert symbolic.jacobian(exprs, "x y z") == Matrix([[y, x, 0], [1, 0, 1]])


def test_jacobian_of_one_expression_is_one_row():
    assert symbolic.jacobian("x*y", "x y").shape == (1, 2)


def test_derivative_is_a_column():
    d = symbolic.derivative(["cos(t)", "sin(t)", "t/4"], "t")
    assert d.shape == (3, 1)
    assert d == Matrix([-sin(t), cos(t), sympy.Rational(1, 4)])
    assert symbolic.derivative("t^3", [t]) == Matrix([[3 * t**2]])


def test_hessian_values_and_exact_symmetry():
    H = symbolic.hessian("x^3*y + exp(x*y)", "x y")
    assert H.shape == (2, 2)
    assert H == H.T
    assert sympy.simplify(H[0, 1] - (3 * x**2 + exp(x * y) * (1 + x * y))) == 0
    assert H[0, 0] == 6 * x * y + y**2 * exp(x * y)


def test_numbers_are_constant_functions():
    assert symbolic.jacobian([2, 0.5, "x"], "x y") == Matrix([[0, 0], [0, 0], [1, 0]])


# --- every error with its message ---


def test_gradient_of_a_vector_points_to_jacobian():
    with pytest.raises(
        gl.ShapeError,
        match=r"gradient needs one scalar-valued expression; got 2 "
        r"expressions .*use gl.symbolic.jacobian, shape \(2, n\)",
    ):
        symbolic.gradient(["x", "y"], "x y")


def test_hessian_of_a_vector_refused():
    with pytest.raises(gl.ShapeError, match="hessian needs one scalar-valued expression; got 3"):
        symbolic.hessian(Matrix([x, y, x * y]), "x y")


def test_symbols_outside_the_variables_are_named_with_the_fix():
    with pytest.raises(
        gl.GradlibError,
        match=r"the expression contains z, which is not among the "
        r"variables \(x, y\): add z to the variables, or substitute numbers first",
    ):
        symbolic.jacobian([x * y * z, x], [x, y])


def test_unknown_name_in_a_formula_string():
    with pytest.raises(gl.ParseError, match="unknown variable"):
        symbolic.gradient("x*z", "x y")


def test_same_name_different_assumptions_explained():
    with pytest.raises(
        gl.GradlibError,
        match=r"the expression's x \(not known to be real\) and "
        r"the variable x \(real\) are different sympy Symbols: make both with "
        r"gl.symbolic.symbols",
    ):
        symbolic.gradient(sympy.Symbol("x") ** 2, [x])


def test_derivative_with_two_variables_refused():
    with pytest.raises(
        gl.GradlibError,
        match=r"derivative is for curves R -> R\^m in one "
        r"variable; got 2 variables \(x, y\)\. .*jacobian",
    ):
        symbolic.derivative("x*y", "x y")


@pytest.mark.parametrize(
    "variables, message",
    [
        ("2x y", "'2x' is not a valid variable name"),
        ("x x", r"the variable\(s\) x appear more than once"),
        ("", "no variables given"),
        (
            42,
            "variables must be a list of names or sympy Symbols, or a string like 'x y z'; got int",
        ),
        (["sin"], "'sin' is a function or constant in formulas"),
        ([x, 3], "each variable must be a name or a sympy Symbol; got 3"),
    ],
)
def test_bad_variables(variables, message):
    with pytest.raises(gl.GradlibError, match=message):
        symbolic.jacobian("1", variables)


def test_a_numpy_function_is_pointed_to_the_numeric_module():
    with pytest.raises(gl.GradlibError, match="For a numpy function use gl.jacobian"):
        symbolic.gradient(lambda v: v[0] ** 2, "x")


def test_a_matrix_is_not_a_vector():
    with pytest.raises(gl.ShapeError, match=r"expected a vector of expressions.* got a 2x2 matrix"):
        symbolic.jacobian(Matrix([[x, y], [y, x]]), "x y")


def test_no_expressions():
    with pytest.raises(gl.GradlibError, match="no expressions given"):
        symbolic.jacobian([], "x")


# --- lambdify ---

SPHERICAL = symbolic.jacobian(
    ["r*sin(theta)*cos(phi)", "r*sin(theta)*sin(phi)", "r*cos(theta)"], "r theta phi"
)


def subs_value(matrix, variables, point):
    return np.array(matrix.subs(dict(zip(variables, point))).evalf(), dtype=float)


def test_lambdify_point_matches_subs():
    f = symbolic.lambdify(SPHERICAL, "r theta phi")
    p = [2.0, 0.7, 1.3]
    J = f(p)
    assert J.shape == (3, 3) and J.dtype == np.float64
    np.testing.assert_allclose(J, subs_value(SPHERICAL, (r, theta, phi), p), rtol=1e-13, atol=1e-15)


def test_lambdify_batch_stacks_points_on_the_last_axis():
    f = symbolic.lambdify(SPHERICAL, "r theta phi")
    X = np.random.uniform(0.1, 2.0, (3, 7))
    J = f(X)
    assert J.shape == (3, 3, 7)
    for k in range(7):
        np.testing.assert_allclose(J[:, :, k], f(X[:, k]), rtol=1e-14)


def test_lambdify_broadcasts_constant_entries():
    M = Matrix([[x, 2], [0, y * x]])
    f = symbolic.lambdify(M, "x y")
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = f(X)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[0, 1], [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(out[1, 0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(out[1, 1], X[0] * X[1])


def test_lambdify_all_constant_matrix():
    f = symbolic.lambdify(Matrix([[1, 2], [3, 4]]), "x")
    np.testing.assert_array_equal(f(5.0), [[1.0, 2.0], [3.0, 4.0]])
    assert f(np.zeros((1, 4))).shape == (2, 2, 4)


def test_lambdify_one_by_one_and_one_variable():
    f = symbolic.lambdify("x^2", "x")
    np.testing.assert_array_equal(f(3.0), [[9.0]])
    np.testing.assert_array_equal(f([3.0]), [[9.0]])
    assert f(np.array([[1.0, 2.0, 3.0]])).shape == (1, 1, 3)
    np.testing.assert_array_equal(f(np.array([1.0, 2.0, 3.0])), [[[1.0, 4.0, 9.0]]])


def test_lambdify_list_and_ints():
    f = symbolic.lambdify(["x*y", "x - y"], "x y")
    out = f([3, 2])
    assert out.shape == (2, 1) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [[6.0], [1.0]])


def test_lambdify_point_and_batch_agree_where_math_fails():
    f = symbolic.lambdify(["log(x)", "1/x", "x^(1/3)", "acosh(x)", "x^2"], "x")
    X = np.array([[-1.0, 0.0, 8.0, 1e200]])
    with np.errstate(all="ignore"):
        batch = f(X)
        points = np.stack([f(X[:, k]) for k in range(4)], axis=-1)
    np.testing.assert_array_equal(points, batch)  # nan and inf in the same places
    assert np.isnan(batch[0, 0, 0]) and batch[1, 0, 1] == np.inf and batch[2, 0, 2] == 2.0
    assert batch[4, 0, 3] == np.inf


def test_lambdify_complex_input():
    f = symbolic.lambdify(Matrix([[sin(x) * y]]), "x y")
    out = f(np.array([0.5 + 1e-20j, 2.0]))
    assert out.dtype == np.complex128
    assert out[0, 0].imag == pytest.approx(np.cos(0.5) * 2.0 * 1e-20, rel=1e-12)


def test_lambdify_complex_constant():
    out = symbolic.lambdify(Matrix([[sympy.I * x, x]]), "x")(2.0)
    assert out.dtype == np.complex128
    np.testing.assert_array_equal(out, [[2j, 2.0]])


@pytest.mark.parametrize(
    "bad, shape", [([1.0, 2.0], r"\(2,\)"), (np.zeros((2, 5)), r"\(2, 5\)"), (5.0, r"\(\)")]
)
def test_lambdify_wrong_length_names_n(bad, shape):
    f = symbolic.lambdify(SPHERICAL, "r theta phi")
    with pytest.raises(
        gl.ShapeError,
        match=rf"x has shape {shape}; expected shape \(3,\) for one "
        r"point of \(r, theta, phi\), or \(3, N\) for N points",
    ):
        f(bad)


def test_lambdify_ragged_input():
    with pytest.raises(gl.ShapeError, match=r"x must be numbers of shape \(2,\) or \(2, N\)"):
        symbolic.lambdify("x*y", "x y")([[1.0, 2.0], [3.0]])


def test_lambdify_refuses_a_missing_variable():
    with pytest.raises(gl.GradlibError, match="the expression contains y"):
        symbolic.lambdify(Matrix([x * y]), "x")


def test_lambdified_repr():
    assert (
        repr(symbolic.lambdify(SPHERICAL, "r theta phi"))
        == "<LambdifiedMatrix 3x3 of (r, theta, phi)>"
    )


# --- random expressions: symbolic vs numeric, and a directional difference of the symbolic side ---

VARIABLES = symbolic.symbols("x1 x2 x3")


def _expressions(n):
    leaves = st.sampled_from(VARIABLES[:n]) | st.integers(-2, 2).map(sympy.Integer)
    unary = [sin, cos, tanh, lambda u: exp(tanh(u))]  # exp of a bounded argument

    def extend(children):
        return (
            st.tuples(st.sampled_from(unary), children).map(lambda a: a[0](a[1]))
            | st.tuples(children, children).map(lambda a: a[0] + a[1])
            | st.tuples(children, children).map(lambda a: a[0] * a[1])
            | st.tuples(children, st.integers(1, 3)).map(lambda a: a[0] ** a[1])
        )

    return st.recursive(leaves, extend, max_leaves=8)


EXPRESSIONS = {n: _expressions(n) for n in (1, 2, 3)}
# Points as in the lessons.
COORDINATES = st.floats(-1.5, 1.5)


@st.composite
def functions_and_points(draw):
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    exprs = [draw(EXPRESSIONS[n]) for _ in range(m)]
    point = draw(st.lists(COORDINATES, min_size=n, max_size=n))
    direction = draw(st.lists(st.floats(-1.0, 1.0), min_size=n, max_size=n))
    return exprs, VARIABLES[:n], np.array(point), np.array(direction)


@settings(max_examples=60, deadline=None)
@given(functions_and_points())
def test_symbolic_jacobian_matches_numeric(case):
    exprs, variables, point, _ = case
    J = symbolic.lambdify(symbolic.jacobian(exprs, variables), variables)(point)
    F = symbolic.lambdify(exprs, variables)
    assert J.shape == (len(exprs), len(variables))
    for method in ("central", "auto"):
        J_num = gl.jacobian(lambda v: F(v)[:, 0], point, method=method)
        np.testing.assert_allclose(J_num, J, rtol=1e-6, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(functions_and_points())
def test_symbolic_jacobian_along_a_direction(case):
    exprs, variables, point, v = case
    J = symbolic.lambdify(symbolic.jacobian(exprs, variables), variables)(point)
    F = symbolic.lambdify(exprs, variables)
    h = 1e-5
    directional = (F(point + h * v) - F(point - h * v))[:, 0] / (2 * h)  # J @ v to O(h^2)
    np.testing.assert_allclose(J @ v, directional, rtol=1e-6, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(functions_and_points())
def test_printed_expressions_parse_back(case):
    exprs, variables, _, _ = case
    for e in exprs:
        # no functions of constants
        if all(f.args[0].free_symbols for f in e.atoms(sympy.Function)):
            check_parse_back(e, variables)


def check_parse_back(e, variables):
    """``str(e)`` parses back to ``e``, or is refused for nesting functions too deep."""
    if function_depth(e) > symbolic.MAX_NESTING:  # learner input that deep is refused
        with pytest.raises(gl.ParseError, match="functions and roots are nested more than 4 deep"):
            symbolic.parse(str(e), variables)
    else:  # SymPy may print -(a + b)*c and build (-a - b)*c back: equal, not identical
        assert sympy.expand(symbolic.parse(str(e), variables) - e) == 0


def function_depth(e) -> int:
    """How deep functions nest in ``e``: sin(exp(tanh(x))) is 3."""
    inner = max((function_depth(a) for a in e.args), default=0)
    return inner + isinstance(e, sympy.Function)


def test_a_printed_expression_nested_deeper_than_parse_allows_is_refused():
    # The case hypothesis drew: an expression nesting functions deeper than parse allows.
    x1 = VARIABLES[0]
    deep = sin(sin(sin(exp(tanh(x1)))))
    assert function_depth(deep) == 5 and function_depth(sin(exp(tanh(x1)))) == 3
    check_parse_back(deep, (x1,))
    check_parse_back(sin(sin(exp(tanh(x1)))), (x1,))


def test_lambdify_variables_named_like_cse_temporaries():
    # sympy's common-subexpression temporaries are called x0, x1, ...: they must not clash
    J = symbolic.jacobian(["sin(x0)*exp(x1*x0)", "exp(x1*x0)*x2"], "x0 x1 x2")
    p = [0.3, 0.7, 1.1]
    np.testing.assert_allclose(
        symbolic.lambdify(J, "x0 x1 x2")(p),
        subs_value(J, symbolic.symbols("x0 x1 x2"), p),
        rtol=1e-14,
    )


def test_resolve_variables_matches_names():
    plain = sympy.Symbol("x1")
    got = symbolic.resolve_variables("x1 x2", [plain**2], symbols_by_name=True)
    assert got[0] == plain and got[0].is_real is None and got[1].name == "x2" and got[1].is_real
    real = sympy.Symbol("x1", real=True)
    assert symbolic.resolve_variables([real], [plain**2])[0].is_real  # a Symbol is kept...
    assert symbolic.resolve_variables([real], [plain**2], symbols_by_name=True)[0].is_real is None
