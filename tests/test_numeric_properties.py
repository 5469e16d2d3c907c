"""Property tests: gl.jacobian on random smooth functions R^n -> R^m against SymPy's exact Jacobian."""
import numpy as np
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlib as gl

X = sp.symbols("x0:4")
# method -> tolerance on max|J - J_exact|, relative to the sizes involved (see scale below). The grammar reaches
# functions like sin(4 x^2), whose 5th derivative is ~1e4: the fixed-step stencils lose digits to truncation there
# (richardson ~1e-12 on gentle functions, ~1e-9 on these); complex step does not.
TOL = {"forward": 1e-5, "central": 1e-8, "richardson": 1e-9, "complex": 1e-14, "auto": 1e-14}
UNARY = [sp.sin, sp.cos, sp.tanh, lambda a: sp.exp(sp.sin(a)), lambda a: sp.exp(sp.tanh(a) / 2),
         lambda a: a ** 2 - a / 3, lambda a: a ** 3 / 4]


@st.composite
def expressions(draw, n, depth=3):
    """A smooth expression in x0..x{n-1}: unary functions of bounded growth, sums and products."""
    leaf = st.one_of(st.sampled_from(X[:n]), st.integers(-3, 3).map(lambda k: sp.Rational(k, 2)))
    if depth == 0 or draw(st.booleans()) and draw(st.booleans()):
        return draw(leaf)
    kind = draw(st.sampled_from(["unary", "sum", "product"]))
    a = draw(expressions(n, depth - 1))
    if kind == "unary":
        return draw(st.sampled_from(UNARY))(a)
    b = draw(expressions(n, depth - 1))
    return a + b if kind == "sum" else a * b


@st.composite
def problems(draw):
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    exprs = [draw(expressions(n)) for _ in range(m)]
    # safe domain: |x_j| in [0.25, 1.5], where steps relative to |x_j| keep every method in its accuracy
    signs = draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n))
    mags = draw(st.lists(st.floats(0.25, 1.5), min_size=n, max_size=n))
    return exprs, X[:n], np.array(signs) * np.array(mags)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_jacobian_matches_sympy(problem):
    exprs, variables, x = problem
    f_num = sp.lambdify([variables], exprs, "numpy")
    f = lambda v: np.array(f_num(v)) + 0 * v[0]  # constant outputs still follow v's dtype (complex step)
    J_exact = np.array(sp.lambdify([variables], sp.Matrix(exprs).jacobian(variables), "numpy")(x), dtype=float)
    # errors of differences scale with |f| / |x| (rounding) and |J| (truncation)
    scale = max(1.0, np.abs(J_exact).max(), np.abs(f(x)).max())
    for method, tol in TOL.items():
        J, info = gl.jacobian(f, x, method=method, full_output=True)
        assert J.shape == (len(exprs), len(variables))
        assert np.abs(J - J_exact).max() <= tol * scale, (method, exprs, x)
        assert info.error.shape == J.shape
    assert info.method == "auto->complex"  # every function of this grammar is complex-analytic


@settings(max_examples=25, deadline=None)
@given(problems())
def test_gradient_hessian_match_sympy(problem):
    exprs, variables, x = problem
    expr = sum(exprs)
    f_num = sp.lambdify([variables], expr, "numpy")
    f = lambda v: f_num(v) + 0 * v[0]
    g_exact = np.array(sp.lambdify([variables], sp.Matrix([expr]).jacobian(variables), "numpy")(x), dtype=float)
    H_exact = np.array(sp.lambdify([variables], sp.hessian(expr, variables), "numpy")(x), dtype=float)
    scale = max(1.0, np.abs(g_exact).max(), np.abs(H_exact).max(), abs(f(x)))
    g = gl.gradient(f, x)
    assert g.shape == (1, len(variables)) and np.abs(g - g_exact).max() <= 1e-14 * scale
    for method, tol in [("central", 1e-6), ("auto", 1e-6)]:
        H = gl.hessian(f, x, method=method)
        assert H.shape == (len(variables),) * 2 and np.array_equal(H, H.T)
        assert np.abs(H - H_exact).max() <= tol * scale, (method, expr, x)
