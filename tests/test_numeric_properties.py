"""Property tests: gl.jacobian on random smooth functions R^n -> R^m against SymPy's exact
Jacobian."""

import warnings

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gradlib as gl

EPS = np.finfo(float).eps

X = sp.symbols("x0:4")
# method -> tolerance on max|J - J_exact|, relative to the sizes involved (see scale below). The
# grammar reaches
# functions like sin(4 x^2), whose 5th derivative is ~1e4: the fixed-step stencils lose digits to
# truncation there
# (richardson ~1e-12 on gentle functions, ~1e-9 on these); complex step does not.
TOL = {"forward": 1e-5, "central": 1e-8, "richardson": 1e-9, "complex": 1e-14, "auto": 1e-14}
UNARY = [
    sp.sin,
    sp.cos,
    sp.tanh,
    lambda a: sp.exp(sp.sin(a)),
    lambda a: sp.exp(sp.tanh(a) / 2),
    lambda a: a**2 - a / 3,
    lambda a: a**3 / 4,
]


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
    # safe domain: |x_j| in [0.25, 1.5], where steps relative to |x_j| keep every method in
    # its accuracy
    signs = draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n))
    mags = draw(st.lists(st.floats(0.25, 1.5), min_size=n, max_size=n))
    return exprs, X[:n], np.array(signs) * np.array(mags)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
# CI found this one: richardson is 2e-9 off on exp(sin(quartic)), and says so (estimate 1e-7, a
# warning)
@example(
    (
        [sp.exp(sp.sin(-(X[0] ** 2) / 3 + X[0] / 9 + (X[0] ** 2 - X[0] / 3) ** 2))],
        X[:2],
        np.array([-1.0, -1.0]),
    )
)
def test_jacobian_matches_sympy(problem):
    exprs, variables, x = problem
    f_num = sp.lambdify([variables], exprs, "numpy")
    # constant outputs still follow v's dtype (complex step)
    f = lambda v: np.array(f_num(v)) + 0 * v[0]
    J_exact = np.array(
        sp.lambdify([variables], sp.Matrix(exprs).jacobian(variables), "numpy")(x), dtype=float
    )
    # errors of differences scale with |f| / |x| (rounding) and |J| (truncation)
    scale = max(1.0, np.abs(J_exact).max(), np.abs(f(x)).max())
    for method, tol in TOL.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            J, info = gl.jacobian(f, x, method=method, full_output=True)
        assert J.shape == (len(exprs), len(variables)) and info.error.shape == J.shape
        err = np.abs(J - J_exact)
        if np.all(err <= tol * scale):
            continue
        # not within the method's tolerance: then the estimate covers the true error, and a
        # warning says so
        assert np.all(err <= info.error + 4 * EPS * scale), (method, exprs, x, J, info.error)
        assert any(issubclass(w.category, gl.errors.AccuracyWarning) for w in caught), (
            method,
            exprs,
            x,
        )
        assert method in ("forward", "central", "richardson"), (method, exprs, x)
    assert info.method == "auto->complex"  # every function of this grammar is complex-analytic


@settings(max_examples=25, deadline=None)
@given(problems())
def test_gradient_hessian_match_sympy(problem):
    exprs, variables, x = problem
    expr = sum(exprs)
    f_num = sp.lambdify([variables], expr, "numpy")
    f = lambda v: f_num(v) + 0 * v[0]
    g_exact = np.array(
        sp.lambdify([variables], sp.Matrix([expr]).jacobian(variables), "numpy")(x), dtype=float
    )
    H_exact = np.array(
        sp.lambdify([variables], sp.hessian(expr, variables), "numpy")(x), dtype=float
    )
    scale = max(1.0, np.abs(g_exact).max(), np.abs(H_exact).max(), abs(f(x)))
    g = gl.gradient(f, x)
    assert g.shape == (1, len(variables)) and np.abs(g - g_exact).max() <= 1e-14 * scale
    for method, tol in [("central", 1e-6), ("auto", 1e-6)]:
        H = gl.hessian(f, x, method=method)
        assert H.shape == (len(variables),) * 2 and np.array_equal(H, H.T)
        assert np.abs(H - H_exact).max() <= tol * scale, (method, expr, x)


# ------------------------------------------------------------------ tiny, huge, zero and
# subnormal coordinates
TINY = st.floats(-320, -4).map(lambda e: 10.0**e)  # 1e-320 (subnormal) .. 1e-4
SIGNED_TINY = st.tuples(st.sampled_from([-1.0, 1.0]), TINY).map(lambda p: p[0] * p[1])
EDGE = st.sampled_from([0.0, 5e-324, -5e-324, 2.2e-308, 1e-300])
MODERATE = st.floats(-4.0, 4.0)
# name: (g, g', coordinates where g and g' are finite). Relative steps fit log and polynomials at
# any size;
# exp, sin and cos change on the scale 1, so at large |x| only their honest error estimate is
# asserted.
ELEMENTS = {
    "exp": (np.exp, np.exp, st.one_of(EDGE, SIGNED_TINY, MODERATE, st.floats(-100.0, 100.0))),
    "sin": (np.sin, np.cos, st.one_of(EDGE, SIGNED_TINY, MODERATE)),
    "cos": (np.cos, lambda a: -np.sin(a), st.one_of(EDGE, SIGNED_TINY, MODERATE)),
    "log": (np.log, lambda a: 1 / a, st.floats(-300.0, 300.0).map(lambda e: 10.0**e)),
    "poly": (
        lambda a: a**3 - 2 * a + 0.5,
        lambda a: 3 * a**2 - 2,
        st.one_of(EDGE, SIGNED_TINY, MODERATE, st.floats(-30.0, 30.0).map(lambda e: 10.0**e)),
    ),
}
# method -> tolerance relative to what a difference can resolve (see test): forward eps^(1/2),
# central eps^(2/3)
TOL_EDGE = {"forward": 1e-6, "central": 1e-9, "richardson": 1e-11, "complex": 1e-14, "auto": 1e-14}


@st.composite
def separable(draw):
    """f(x) = [g_0(x_0), ..., g_{n-1}(x_{n-1}), sum_j g_j(x_j)]: a diagonal, exact zeros, and a
    mixing row."""
    names = draw(st.lists(st.sampled_from(sorted(ELEMENTS)), min_size=1, max_size=3))
    x = np.array([draw(ELEMENTS[name][2]) for name in names])
    return names, x


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(separable())
def test_every_method_at_tiny_huge_zero_and_subnormal_points(case):
    names, x = case
    g = [ELEMENTS[name][0] for name in names]
    dg = np.array([ELEMENTS[name][1](a) for name, a in zip(names, x)])

    def f(v):
        parts = [gj(vj) for gj, vj in zip(g, v)]
        return np.array(parts + [sum(parts)])

    exact = np.vstack([np.diag(dg), dg])
    parts = np.abs([gj(a) for gj, a in zip(g, x)])
    # rounding of f_i: eps |f_i|, or eps sum |parts| in the sum
    fx = np.append(parts, parts.sum())[:, None]
    for method, tol in TOL_EDGE.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            J, info = gl.jacobian(f, x, method=method, full_output=True)
        assert J.shape == exact.shape and info.error.shape == exact.shape
        err = np.abs(J - exact)
        # accurate: within tol of |J_ij| (times the tiny-x threshold 32, below which the
        # larger step is tried),
        # or of the smallest slope a difference of f_i resolves at a unit step (|f_i| /
        # max(|x_j|, 1))
        accurate = err <= tol * (32 * np.abs(exact) + fx / np.maximum(np.abs(x), 1.0))
        # ... or else honestly flagged: the estimate covers the true error (beyond the
        # closed form's own ulps)
        honest = err <= info.error + 4 * EPS * np.abs(exact)
        assert np.all(accurate | honest), (method, names, x, J, info)
        assert np.all(
            exact[:-1][~np.eye(x.size, dtype=bool)] == J[:-1][~np.eye(x.size, dtype=bool)]
        )  # zeros
        for w in caught:  # a warning is about an entry that the estimate shows inaccurate
            # (PrecisionWarning: above 1e-5 of it; AccuracyWarning: above the method's target)
            categories = (gl.PrecisionWarning, gl.errors.AccuracyWarning)
            assert issubclass(w.category, categories), w.message
            rtol = 1e-5 if issubclass(w.category, gl.PrecisionWarning) else 1e-8
            assert np.any(info.error > rtol * np.abs(J)), w.message


# ------------------------------------------------------------------ no false
# NotDifferentiableWarning
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problems(),
    st.lists(
        st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, 1e-8, -1e-300])),
        min_size=4,
        max_size=4,
    ),
)
def test_smooth_functions_never_warn_not_differentiable(problem, point):
    exprs, variables, _ = problem
    f_num = sp.lambdify([variables], exprs, "numpy")
    f = lambda v: np.array(f_num(v)) + 0 * v[0]
    # anywhere, 0 and extrema included, not only the safe domain
    x = np.array(point[: len(variables)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", gl.NotDifferentiableWarning)
        for method, full_output in [("richardson", False), ("central", True), ("auto", True)]:
            J = gl.jacobian(f, x, method=method, full_output=full_output)
            assert np.shape(J[0] if full_output else J) == (len(exprs), len(variables))
