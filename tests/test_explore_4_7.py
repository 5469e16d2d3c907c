"""The numbers behind lessons 4-7 (gradlib.explore chain, steps, backprop, layout), each against an
independent reference: SymPy's exact derivatives, gl.jacobian, or brute force."""
import numdifftools as nd
import numpy as np
import pytest
import scipy.differentiate
import scipy.optimize
import sympy as sp

import gradlib as gl
from gradlib import functions
from gradlib.errors import GradlibError, NotAnalyticError, ShapeError
from gradlib.explore import backprop as eb
from gradlib.explore import chain as ec
from gradlib.explore import layout as el
from gradlib.explore import steps as es

EPS = np.finfo(float).eps


def exact_jacobian(entry, x):
    """SymPy's own Jacobian of a catalogue entry at x, float (m, n)."""
    J = sp.Matrix(entry.expr).jacobian(sp.Matrix(entry.variables))
    return np.array(J.subs(dict(zip(entry.variables, x))).evalf(), dtype=float)


def composed_jacobian(names, x):
    """Jacobian of g_L(...g_1(x)) by SymPy: substitute the formulas into each other, then differentiate."""
    first = functions.get(names[0])
    expr = sp.Matrix(first.expr)
    for name in names[1:]:
        g = functions.get(name)
        expr = sp.Matrix(g.expr).subs(dict(zip(g.variables, expr)), simultaneous=True)
    J = expr.jacobian(sp.Matrix(first.variables))
    return np.array(J.subs(dict(zip(first.variables, x))).evalf(), dtype=float)


# ---- lesson 4: the chain rule, entry by entry ------------------------------------------------------
PAIRS = [("linear_map", "neural_layer", [0.5, -0.5]), ("polar_to_cartesian", "paraboloid", [2.0, 0.5]),
         ("helix", "spherical_to_cartesian", [1.0]), ("softmax", "cross_entropy", [1.0, 2.0, 0.5])]


@pytest.mark.parametrize("g1, g2, x", PAIRS)
def test_chain_scene_every_step_matches_sympy(g1, g2, x):
    expected = composed_jacobian([g1, g2], x)
    k, n = expected.shape
    J_g2 = exact_jacobian(functions.get(g2), functions.get(g1).f(np.array(x, float)))
    for step in range(k * n):
        s = ec.scene(g1, g2, x, step)
        assert (s.i, s.j) == divmod(step, n)
        assert len(s.terms) == J_g2.shape[1]
        np.testing.assert_allclose([t.a for t in s.terms], J_g2[s.i], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(sum(t.product for t in s.terms), expected[s.i, s.j], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(s.value, expected[s.i, s.j], rtol=1e-10, atol=1e-12)
        assert s.done.shape == (k, n) and s.done.sum() == step and not s.done[s.i, s.j]


def test_chain_scene_shape_strip_and_formula():
    s = ec.scene("linear_map", "neural_layer", [0.5, -0.5], step=3)
    assert s.shape_strip == "(2 x 3)(3 x 2) = (2 x 2)"
    assert s.formula_latex.startswith(r"\frac{\partial f_{2}}{\partial x_{2}} = ")
    assert s.formula_latex.count(r"\frac") == 1 + 2 * 3      # the entry, then 3 terms of 2 factors
    assert s.terms[0].b_latex == "2" and s.terms[2].b_latex == r"\frac{1}{2}"   # column 1 of A


def test_chain_scene_clips_the_step_and_rejects_pairs_that_do_not_compose():
    assert ec.scene("polar_to_cartesian", "paraboloid", [2.0, 0.5], step=99).step == 1
    with pytest.raises(ShapeError, match="paraboloid takes 2 inputs but helix returns 3"):
        ec.scene("helix", "paraboloid", [1.0])


def test_chain_pairs_all_compose_and_are_labelled():
    pairs = ec.pairs()
    assert len(pairs) == len(set(pairs)) > 50
    for g1, g2 in pairs:
        assert functions.get(g1).n_out == functions.get(g2).n_in
    assert ec.pair_label("helix", "neural_layer") == "neural_layer ∘ helix   (R^1 -> R^3 -> R^2)"


def test_jacobian_latex_matches_sympy_in_generic_names():
    y1, y2, y3 = sp.symbols("y_1 y_2 y_3")
    got = ec.jacobian_latex("neural_layer", "y")
    entry = functions.get("neural_layer")
    J = entry.jacobian_expr.xreplace(dict(zip(entry.variables, (y1, y2, y3))))
    assert got == tuple(tuple(sp.latex(e) for e in row) for row in J.tolist())
    assert len(got) == 2 and len(got[0]) == 3


@pytest.mark.parametrize("text, n, message", [
    ("1, x", 2, "is not a list of numbers; type 2 numbers"),
    ("1, 2, 3", 2, "has 3 numbers; g1 takes 2 inputs"),
    ("inf, 1", 2, "is not finite"),
])
def test_parse_point_says_what_is_wrong(text, n, message):
    with pytest.raises(GradlibError, match=message):
        ec.parse_point(text, n)


def test_parse_and_format_point_round_trip():
    x = ec.parse_point(ec.format_point([2.0, 0.5236]), 2)
    np.testing.assert_array_equal(x, [2.0, 0.5236])


def test_direct_check_agrees_with_sympy():
    J_f, J_direct, gap = ec.direct_check("linear_map", "neural_layer", [0.5, -0.5])
    expected = composed_jacobian(["linear_map", "neural_layer"], [0.5, -0.5])
    np.testing.assert_allclose(J_f, expected, rtol=1e-12)
    np.testing.assert_allclose(J_direct, expected, rtol=1e-7)
    assert gap < 1e-7


# ---- lesson 5: numeric vs symbolic --------------------------------------------------------------------
@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
@pytest.mark.parametrize("h", [2.0 ** -6, 2.0 ** -12, 2.0 ** -20])
def test_plain_stencils_match_gl_derivative_at_the_same_absolute_step(method, h):
    f, x = np.sin, 0.75      # x + h exact for these powers of two, so both use the same points
    mine = es.STENCILS[method].estimate(f, x, h)
    theirs = gl.derivative(f, x, method=method, step=h)
    assert theirs.shape == (1, 1)
    # same function values, combined in another order: they differ by rounding only
    assert abs(mine - theirs[0, 0]) <= 8 * EPS / h + 1e-14


@pytest.mark.parametrize("h", [1e-6, 1e-10, 1e-30])
def test_complex_step_matches_gl_derivative(h):
    mine = es.complex_step(np.exp, 1.0, h)
    assert mine == gl.derivative(np.exp, 1.0, method="complex", step=h)[0, 0]


@pytest.mark.parametrize("method, factor, ratio", [("forward", 10, 10), ("central", 10, 100),
                                                   ("richardson", 2, 16), ("complex", 10, 100)])
def test_error_shrinks_with_the_order_of_the_stencil(method, factor, ratio):
    """Truncation-dominated h: error(h) / error(h / factor) = factor ** order."""
    p = es.problem("Squire-Trapp at x = 1.5")
    h = np.array([1e-2, 1e-2 / factor])
    err = np.abs(es.STENCILS[method].estimate(p.f, p.x0, h) - p.exact)
    assert err[0] / err[1] == pytest.approx(ratio, rel=0.05)


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_leading_truncation_term_matches_the_taylor_coefficient(method):
    s = es.STENCILS[method]
    p = es.problem("exp(x) at x = 1")
    h = 1e-2 if s.order > 2 else 1e-3
    err = s.estimate(p.f, p.x0, h) - p.exact
    sign = -1 if method in ("richardson", "complex") else 1
    predicted = sign * s.truncation_factor * p.derivatives[s.derivative_in_truncation] * h ** s.order
    assert err == pytest.approx(predicted, rel=0.02)


@pytest.mark.parametrize("name", list(es.PROBLEMS))
def test_problem_derivatives_match_sympy_to_full_precision(name):
    p = es.problem(name)
    text, x0, _ = es.PROBLEMS[name]
    x = sp.Symbol("x")
    expr = sp.sympify(text, locals={"x": x})
    for d, value in enumerate(p.derivatives):
        exact = float(sp.diff(expr, x, d).evalf(30, subs={x: sp.Float(x0, 30)}))
        assert value == pytest.approx(exact, rel=1e-13)


def test_error_curves_shape_floor_and_domain_gaps():
    p = es.problem("log(x) at x = 0.01")
    curves = es.error_curves(p, es.H_GRID)
    assert set(curves) == {"forward", "central", "richardson", "complex"}
    for err in curves.values():
        assert err.shape == es.H_GRID.shape
        assert np.nanmin(err) >= es.ERROR_FLOOR
    leaves_domain = es.H_GRID >= 0.01     # x - h <= 0: log is -inf or NaN
    assert not np.isfinite(curves["central"][leaves_domain]).any()
    assert np.isfinite(curves["central"][~leaves_domain]).all()
    assert np.isfinite(curves["forward"]).all()


def test_complex_step_curve_is_flat_at_machine_precision():
    p = es.problem("Squire-Trapp at x = 1.5")
    err = es.error_curves(p)["complex"]
    assert err[es.H_GRID <= 1e-8].max() < 4 * EPS


def test_predicted_optimal_step_formula_and_measured_optimum():
    p = es.problem("exp(x) at x = 1")
    # forward: E = e h / 2 + eps e / h, smallest at h = sqrt(2 eps)
    assert es.predicted_optimal_step(p, "forward") == pytest.approx(np.sqrt(2 * EPS), rel=1e-12)
    assert es.predicted_optimal_step(p, "complex") == float("inf")
    for row in es.optimal_steps(p):
        assert abs(np.log10(row["measured h*"] / row["predicted h*"])) < 1.0, row
        assert row["error at h*"] < 1e-7


def test_scene_estimates_are_the_stencils_at_the_slider_step():
    s = es.scene("sin(10x) at x = 1", -4.0)
    p = s.problem
    assert s.h == 1e-4
    for m in es.METHODS:
        assert s.estimates[m] == es.STENCILS[m].estimate(p.f, p.x0, 1e-4)
        assert s.errors[m] == pytest.approx(abs(s.estimates[m] - 10 * np.cos(10.0)) / abs(10 * np.cos(10.0)))


def test_attempt_reports_errors_and_warnings_as_text():
    a = es.attempt(gl.derivative, np.abs, 0.5, method="complex")
    assert a.value is None and a.error.startswith("NotAnalyticError: method='complex' cannot differentiate")
    with pytest.raises(NotAnalyticError):
        gl.derivative(np.abs, 0.5, method="complex")
    b = es.attempt(gl.derivative, np.sqrt, 1e-7, method="central", step=1e-6)
    assert b.error is None and b.value.shape == (1, 1)
    assert b.warnings[0].startswith("OneSidedWarning: f is not finite at x[0] - 1e-06")
    kink = str(es.attempt(gl.derivative, np.abs, 0.0)).splitlines()
    assert kink[0] == "returned [[0.]]"
    assert kink[1].startswith("warned NotDifferentiableWarning: f seems not differentiable at x = [0.] along input 0")


def test_agreement_table_against_the_closed_form():
    def closed(x):
        return 3 * x**2 * np.sin(x) + x**3 * np.cos(x)
    a = es.agreement("x**3*sin(x)", 2.0, closed)
    assert [s for s, _ in a.rows] == ["SymPy, lambdified", "closed form", "gl.derivative central",
                                      "gl.derivative richardson", "gl.derivative complex"]
    for _, v in a.rows:
        assert v == pytest.approx(closed(2.0), rel=1e-8)
    assert "NO" not in str(a) and str(a).count("yes") == 5


# ---- lesson 6: from the chain rule to backprop -----------------------------------------------------------
def test_network_jacobians_and_gradient_match_sympy():
    x = np.array(eb.NETWORK_X)
    c = eb.network_chain(x)
    assert c.sizes == [2, 3, 2, 1]
    for name, J, p in zip(eb.NETWORK, c.jacobians, c.points):
        np.testing.assert_allclose(J, exact_jacobian(functions.get(name), p), rtol=1e-12, atol=1e-14)
    expected = composed_jacobian(list(eb.NETWORK), x)
    grad = eb.reverse_accumulate(c.jacobians)[-1][1]
    assert grad.shape == (1, 2)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    np.testing.assert_allclose(gl.gradient(eb.network, x), expected, rtol=1e-7)


def test_forward_and_reverse_accumulation_shapes_and_agreement():
    rng = np.random.default_rng(0)
    Js = [rng.normal(size=s) for s in [(4, 5), (3, 4), (1, 3)]]
    fwd, rev = eb.forward_accumulate(Js), eb.reverse_accumulate(Js)
    assert [n for n, _ in fwd] == ["J1", "J2 @ J1", "J3 @ J2 @ J1"]
    assert [M.shape for _, M in fwd] == [(4, 5), (3, 5), (1, 5)]
    assert [n for n, _ in rev] == ["J3", "J3 @ J2", "J3 @ J2 @ J1"]
    assert [M.shape for _, M in rev] == [(1, 3), (1, 4), (1, 5)]
    np.testing.assert_allclose(fwd[-1][1], Js[2] @ Js[1] @ Js[0], rtol=1e-12)
    np.testing.assert_allclose(rev[-1][1], fwd[-1][1], rtol=1e-12)


def test_passes_one_per_input_forward_one_per_output_reverse():
    rng = np.random.default_rng(1)
    Js = [rng.normal(size=s) for s in [(4, 5), (2, 4)]]
    J_f = Js[1] @ Js[0]
    for mode, count in (("forward", 5), ("reverse", 2)):
        J, n = eb.passes(Js, mode)
        assert n == count and J.shape == (2, 5)
        np.testing.assert_allclose(J, J_f, rtol=1e-12)
    v, u = rng.normal(size=(5, 1)), rng.normal(size=(1, 2))
    np.testing.assert_allclose(eb.jvp(Js, v), J_f @ v, rtol=1e-12)
    np.testing.assert_allclose(eb.vjp(Js, u), u @ J_f, rtol=1e-12)
    with pytest.raises(gl.GradlibError, match="mode='sideways'; use 'forward' or 'reverse'"):
        eb.passes(Js, "sideways")


def brute_force_cheapest(sizes):
    """Cheapest bracketing of J_L ... J_1 by trying every bracketing (no dynamic programming)."""
    p = sizes[::-1]     # product order: factor t has shape (p[t], p[t+1])

    def best(a, b):
        if a == b:
            return 0
        return min(best(a, s) + best(s + 1, b) + p[a] * p[s + 1] * p[b + 1] for s in range(a, b))
    return best(0, len(p) - 2)


@pytest.mark.parametrize("sizes", [(100, 50, 20, 1), (1, 10, 100, 1000), (5, 1000, 1000, 5),
                                   (10, 1, 10, 10), (2, 3, 2, 1)])
def test_cost_scene_counts_against_brute_force(sizes):
    n, m1, m2, k = sizes
    s = eb.cost_scene(sizes, step=1)
    assert s.costs["forward"] == m2 * m1 * n + k * m2 * n
    assert s.costs["reverse"] == k * m2 * m1 + k * m1 * n
    assert s.costs["optimal"] == brute_force_cheapest(list(sizes))
    assert [shape for _, shape in s.steps["forward"]] == [(m1, n), (m2, n), (k, n)]
    assert [shape for _, shape in s.steps["reverse"]] == [(k, m2), (k, m1), (k, n)]
    assert s.winner == ("tie" if s.costs["forward"] == s.costs["reverse"] else
                        min(("forward", "reverse"), key=lambda o: s.costs[o]))


def test_cost_scene_clips_the_step():
    assert eb.cost_scene([3, 4, 5, 6], step=7).step == 2


# ---- lesson 7: conventions ----------------------------------------------------------------------------------
def test_layout_views_transpose_and_reverse_the_product():
    rng = np.random.default_rng(2)
    J_g2, J_g1 = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    num, den = el.layout_view(J_g2, J_g1, "numerator"), el.layout_view(J_g2, J_g1, "denominator")
    assert [n for n, _ in num.factors] == ["J_g2", "J_g1"] and [n for n, _ in den.factors] == ["J_g1ᵀ", "J_g2ᵀ"]
    np.testing.assert_allclose(num.result, J_g2 @ J_g1, rtol=1e-12)
    np.testing.assert_allclose(den.result, (J_g2 @ J_g1).T, rtol=1e-12)
    assert num.shape_text == "J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)"
    assert den.shape_text == "J_g1ᵀ (4x3) @ J_g2ᵀ (3x2) -> J_fᵀ (4x2)"
    assert (num.rows_are, den.rows_are) == ("outputs", "inputs")
    assert r"_{2\times4}" in num.latex and r"_{4\times2}" in den.latex


def test_layout_view_errors_name_the_problem():
    with pytest.raises(gl.GradlibError, match="layout='sideways' is not a layout"):
        el.layout_view(np.ones((1, 2)), np.ones((2, 3)), "sideways")
    with pytest.raises(ShapeError, match="inner sizes 2 and 3 disagree"):
        el.layout_view(np.ones((1, 2)), np.ones((3, 3)), "numerator")


@pytest.mark.parametrize("example", list(el.EXAMPLES))
def test_layout_examples_match_sympy(example):
    g1, g2, x = el.EXAMPLES[example]
    expected = composed_jacobian([g1, g2], x)
    np.testing.assert_allclose(el.scene(example, "numerator").result, expected, rtol=1e-10)
    np.testing.assert_allclose(el.scene(example, "denominator").result, expected.T, rtol=1e-10)
    k, n = expected.shape
    m = functions.get(g1).n_out
    assert len({k, m, n}) == 3, "an example whose sizes differ, so every shape tells which is which"


# Every row of the library table whose library is installed here, called for real.
N, M = 3, 2


def _scalar(v):
    return v[0] * v[1] + np.sin(v[2])


def _vector(v):
    return np.array([v[0] * v[1], np.sin(v[2]) + v[0]])


def _sympy_jacobian(vector):
    xs = sp.symbols("a b c")
    exprs = [xs[0] * xs[1], sp.sin(xs[2]) + xs[0]] if vector else [xs[0] * xs[1] + sp.sin(xs[2])]
    return sp.Matrix(exprs).jacobian(xs).shape


def _derive_by_array(vector):
    xs = sp.symbols("a b c")
    exprs = [xs[0] * xs[1], sp.sin(xs[2]) + xs[0]] if vector else xs[0] * xs[1] + sp.sin(xs[2])
    return sp.derive_by_array(exprs, xs).shape


X0 = np.array([1.0, 2.0, 0.5])
CALLS = {
    "gl.jacobian(f, x)": lambda vector: gl.jacobian(_vector if vector else _scalar, X0).shape,
    "gl.gradient(f, x)": lambda vector: gl.gradient(_scalar, X0).shape,
    "Matrix(exprs).jacobian(xs)": _sympy_jacobian,
    "derive_by_array(f, xs)": _derive_by_array,
    "nd.Jacobian(f)(x)": lambda vector: nd.Jacobian(_vector if vector else _scalar)(X0).shape,
    "nd.Gradient(f)(x)": lambda vector: nd.Gradient(_scalar)(X0).shape,
    "scipy.optimize.approx_fprime(x, f)":
        lambda vector: scipy.optimize.approx_fprime(X0, _vector if vector else _scalar).shape,
    "scipy.differentiate.jacobian(f, x).df":
        lambda vector: scipy.differentiate.jacobian(_vector if vector else _scalar, X0).df.shape,
}


@pytest.mark.parametrize("row", [r for r in el.LIBRARY_SHAPES if r["call"] in CALLS], ids=lambda r: r["call"])
def test_library_table_rows_are_what_the_libraries_return(row):
    call = CALLS[row["call"]]
    for column, vector in (("scalar f", False), ("vector f", True)):
        expected = el.shape_for(row[column], n=N, m=M, p=0, q=0)
        if expected is not None:
            assert call(vector) == expected, (row["call"], column)


def test_library_table_matrix_column_for_sympy_and_the_gradlib_refusal():
    X = sp.Array(sp.symbols("x0:6")).reshape(2, 3)
    f = sp.Array([X[0, 0] * X[1, 2], sp.sin(X[0, 1])])
    row = next(r for r in el.LIBRARY_SHAPES if r["call"] == "derive_by_array(f, xs)")
    assert sp.derive_by_array(f, X).shape == el.shape_for(row["matrix X"], n=0, m=2, p=2, q=3)
    with pytest.raises(ShapeError, match=r"x has shape \(2, 3\); expected shape \(n,\)"):
        gl.jacobian(lambda v: v.sum(), np.ones((2, 3)))


def test_library_table_is_complete_and_renders():
    calls = [r["call"] for r in el.LIBRARY_SHAPES]
    assert len(calls) == len(set(calls))
    for r in el.LIBRARY_SHAPES:
        assert set(r) == set(el.LIBRARY_COLUMNS) and r["layout"] in el.LAYOUTS
    text = el.library_table_markdown()
    assert text.count("\n") == len(el.LIBRARY_SHAPES) + 1
    assert "| JAX | `jax.jacfwd(f)(x), jax.jacrev(f)(x)` | (n,) | (m, n) | (m, p, q) | numerator |" in text


def test_every_library_call_with_an_installed_library_is_tested():
    installed = {"gradlib", "SymPy", "numdifftools", "SciPy"}
    untested = [r["call"] for r in el.LIBRARY_SHAPES if r["library"] in installed and r["call"] not in CALLS]
    assert untested == []
