"""gradlib.chain: the chain rule entry by entry, numeric and symbolic, and the cost of each order
of multiplication."""

import itertools
import warnings
from functools import lru_cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import gradlib as gl
from gradlib import chain, functions, symbolic
from gradlib.errors import FunctionError, GradlibError, ParseError, ShapeError

# g1: R^2 -> R^3, g2: R^3 -> R^2, as formulas and as numpy functions
x1, x2 = symbolic.symbols("x1 x2")
u, v, w = symbolic.symbols("u v w")
G1 = sp.Matrix([x1**2 * x2, sp.sin(x1), x1 + sp.exp(x2)])
G2 = sp.Matrix([u * v + w, sp.cos(u) * w])
g1 = lambda x: np.array([x[0] ** 2 * x[1], np.sin(x[0]), x[0] + np.exp(x[1])])  # noqa: E731
g2 = lambda y: np.array([y[0] * y[1] + y[2], np.cos(y[0]) * y[2]])  # noqa: E731
X0 = np.array([0.7, -0.3])


def exact_J_f(point):
    """The reference: SymPy's Jacobian of the composition, no chain rule by hand."""
    f = G2.subs(dict(zip((u, v, w), G1)), simultaneous=True)
    return np.array(f.jacobian([x1, x2]).subs({x1: point[0], x2: point[1]}).evalf(), dtype=float)


def test_numeric_chain_rule_against_sympy():
    r = gl.chain_rule(g2, g1, X0)
    assert r.x.shape == (2,) and r.y.shape == (3,)
    assert r.J_g1.shape == (3, 2) and r.J_g2.shape == (2, 3) and r.J_f.shape == (2, 2)
    np.testing.assert_allclose(r.y, g1(X0))
    np.testing.assert_allclose(r.J_f, exact_J_f(X0), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r.J_f, r.J_g2 @ r.J_g1)
    np.testing.assert_allclose(r.direct_J, exact_J_f(X0), rtol=1e-9, atol=1e-12)
    assert r.check_ok is True and r.symbolic is False and r.numeric is None
    assert r.shape_text == "J_g2 (2x3) @ J_g1 (3x2) -> J_f (2x2)"


def test_symbolic_chain_rule_against_sympy_and_numeric():
    s = gl.chain_rule(G2, G1, X0, variables=[x1, x2], y_variables=[u, v, w])
    assert s.symbolic and s.J_f.shape == (2, 2) and s.J_g2.shape == (2, 3)
    direct = G2.subs(dict(zip((u, v, w), G1)), simultaneous=True).jacobian([x1, x2])
    assert (s.J_f - direct).applyfunc(sp.simplify) == sp.zeros(2, 2)
    assert s.J_g2.free_symbols <= {x1, x2}  # y replaced by g1(x)
    assert s.y == G1 and s.x == sp.Matrix([x1, x2])
    np.testing.assert_allclose(s.numeric.J_f, exact_J_f(X0), rtol=1e-12)
    np.testing.assert_allclose(s.numeric.J_f, gl.chain_rule(g2, g1, X0).J_f, rtol=1e-9, atol=1e-12)
    assert gl.chain_rule(G2, G1, variables=[x1, x2], y_variables=[u, v, w]).numeric is None


def test_symbolic_from_strings():
    s = gl.chain_rule(
        ["u*v + w", "cos(u)*w"],
        ["x1^2*x2", "sin(x1)", "x1 + exp(x2)"],
        variables="x1 x2",
        y_variables="u v w",
        x=X0,
    )
    np.testing.assert_allclose(s.numeric.J_f, exact_J_f(X0), rtol=1e-12)
    assert s.variables == (x1, x2) and s.y_variables == (u, v, w)


def test_mixed_formula_and_callable_is_numeric():
    r = gl.chain_rule(["u*v + w", "cos(u)*w"], g1, X0, y_variables="u v w")
    assert not r.symbolic
    np.testing.assert_allclose(r.J_f, exact_J_f(X0), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mode", ["numeric", "symbolic"])
def test_steps(mode):
    if mode == "numeric":
        r = gl.chain_rule(g2, g1, X0)
    else:
        r = gl.chain_rule(G2, G1, X0, variables=[x1, x2], y_variables=[u, v, w]).numeric
    k, m, n = 2, 3, 2
    assert len(r.steps) == k * n
    assert [(s.i, s.j) for s in r.steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for s in r.steps:
        assert len(s.terms) == m
        assert [t.l for t in s.terms] == [0, 1, 2]
        for t in s.terms:
            assert t.a == r.J_g2[s.i, t.l] and t.b == r.J_g1[t.l, s.j] and t.product == t.a * t.b
        assert s.value == pytest.approx(r.J_f[s.i, s.j], rel=1e-12, abs=1e-15)
        assert r.step(s.i, s.j) is s


def test_step_text_and_formula():
    r = gl.chain_rule(
        lambda y: np.array([0.5 * y[0] + y[1], y[2]]),
        lambda x: np.array([2 * x[0], -x[0], 3 * x[0]]),
        [1.0],
    )
    assert r.step(0, 0).text() == "J_f[0,0] = (0.5)(2.0) + (1.0)(-1.0) + (0.0)(3.0) = 0.0"
    assert r.step(0, 0).formula == "∂g2_1/∂y_1 ∂y_1/∂x + ∂g2_1/∂y_2 ∂y_2/∂x + ∂g2_1/∂y_3 ∂y_3/∂x"
    assert r.step(1, 0).latex.startswith(
        r"\frac{\partial g_{2,2}}{\partial y_{1}} "
        r"\frac{\partial y_{1}}{\partial x}"
    )
    assert r.step(1, 0).text(digits=1) == "J_f[1,0] = (0.0)(2.0) + (0.0)(-1.0) + (1.0)(3.0) = 3.0"


def test_symbolic_steps_are_formulas():
    s = gl.chain_rule("u*v", ["x^2", "x*y"], variables="x y", y_variables="u v")
    step = s.step(0, 1)
    assert step.formula == "∂g2/∂u ∂u/∂y + ∂g2/∂v ∂v/∂y"
    assert step.latex == (
        r"\frac{\partial g_2}{\partial u} \frac{\partial u}{\partial y} + "
        r"\frac{\partial g_2}{\partial v} \frac{\partial v}{\partial y}"
    )
    x, y = symbolic.symbols("x y")
    # dg2/du = v = x*y, dg2/dv = u = x^2
    assert [t.a for t in step.terms] == [x * y, x**2]
    assert [t.b for t in step.terms] == [0, x]
    assert sp.simplify(step.value - x**3) == 0
    assert step.text() == "J_f[0,1] = (x*y)(0) + (x**2)(x) = x**3"
    assert repr(s) == "<ChainResult symbolic: J_g2 (1x2) @ J_g1 (2x2) -> J_f (1x2)>"


def test_y_names_in_formulas():
    s = gl.chain_rule(functions.get("saddle"), functions.get("polar_to_cartesian"))
    assert s.step(0, 0).formula == "∂g2/∂x ∂x/∂r + ∂g2/∂y ∂y/∂r"  # g2's own inputs (x, y)
    # both use x, y: y_l instead
    s = gl.chain_rule(functions.get("square_norm"), functions.get("linear_map"))
    assert s.step(0, 0).formula == "∂g2/∂y_1 ∂y_1/∂x + ∂g2/∂y_2 ∂y_2/∂x + ∂g2/∂y_3 ∂y_3/∂x"


@pytest.mark.parametrize("pair", functions.composable_pairs(), ids="{0[0]}->{0[1]}".format)
def test_every_catalogue_pair(pair):
    g1_, g2_ = (functions.get(name) for name in pair)
    s = gl.chain_rule(g2_, g1_, g1_.point)
    n_ = gl.chain_rule(g2_, g1_, g1_.point, mode="numeric")
    assert s.J_f.shape == (g2_.n_out, g1_.n_in) == n_.J_f.shape
    composed = g2_.expr.subs(dict(zip(g2_.variables, g1_.expr)), simultaneous=True)
    at_point = dict(zip(g1_.variables, g1_.point))
    exact = np.array(composed.jacobian(g1_.variables).subs(at_point).evalf(), dtype=float)
    np.testing.assert_allclose(s.numeric.J_f, exact, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(n_.J_f, exact, rtol=1e-8, atol=1e-10)
    assert len(s.steps) == g2_.n_out * g1_.n_in
    assert all(len(st_.terms) == g1_.n_out for st_ in s.steps)


# ---------------------------------------------------------------------------- errors


def test_not_composable_numeric_one_size():
    def g2_two(y):
        a, b = y
        return a * b

    with pytest.raises(ShapeError) as err:
        gl.chain_rule(g2_two, g1, X0)
    assert str(err.value) == (
        "g1 returns 3 numbers (y has shape (3,)), but g2 failed when called with them: "
        "ValueError: too many values to unpack (expected 2). g2 works with 2 inputs, so they do "
        "not compose: J_g2 (1x2) @ J_g1 (3x2): inner sizes 2 and 3 disagree."
    )


def test_not_composable_numeric_several_sizes():
    with pytest.raises(
        ShapeError,
        match=r"g1 returns 2 numbers \(y has shape \(2,\)\), but g2 "
        r"failed when called with them: IndexError: .* g2 works "
        r"when called with 3 or more numbers",
    ):
        gl.chain_rule(lambda y: y[0] * y[2], lambda x: x * 2.0, X0)


def test_outer_function_that_always_fails():
    with pytest.raises(FunctionError, match="problem is in g2 itself, not in the sizes"):
        gl.chain_rule(lambda y: 1 / 0, g1, X0)
    with pytest.raises(
        FunctionError,
        match=r"g1 \(the inner function\) raised ZeroDivisionError "
        r"when called at \[0.7, -0.3\]",
    ):
        gl.chain_rule(g2, lambda x: 1 / 0, X0)


def test_not_composable_catalogue():
    with pytest.raises(ShapeError) as err:
        gl.chain_rule(functions.get("paraboloid"), functions.get("helix"), [1.0])
    assert str(err.value) == (
        "g1 (helix: R -> R^3) returns 3 numbers, but g2 (paraboloid: R^2 "
        "-> R) takes 2: J_g2 (1x2) @ J_g1 (3x1): inner sizes 2 and 3 "
        "disagree."
    )
    with pytest.raises(ShapeError, match=r"g1 \(helix: R -> R\^3\) returns 3 numbers"):
        gl.chain_rule(functions.get("paraboloid"), functions.get("helix"), [1.0], mode="numeric")


def test_not_composable_formulas():
    with pytest.raises(
        ShapeError,
        match=r"g1 returns 3 numbers, but g2 takes 2 inputs \(u, v\): "
        r"J_g2 \(1x2\) @ J_g1 \(3x2\): inner sizes 2 and 3 "
        r"disagree\.$",
    ):
        gl.chain_rule("u*v", G1, variables=[x1, x2], y_variables="u v")


def test_self_check_catches_a_jump():
    step = lambda y: (y > 0).astype(float)  # noqa: E731
    with (
        pytest.raises(
            GradlibError,
            match="differs from the Jacobian of the composition "
            "computed directly .* may not be differentiable "
            "there",
        ),
        pytest.warns(gl.NotDifferentiableWarning, match="seems not differentiable at x = \\[0.\\]"),
    ):
        gl.chain_rule(step, lambda x: 2 * x, [0.0])
    with pytest.warns(gl.NotDifferentiableWarning):
        r = gl.chain_rule(step, lambda x: 2 * x, [0.0], strict=False)
    assert r.check_ok is False and not np.allclose(r.J_f, r.direct_J)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: gl.chain_rule(g2, g1), GradlibError, r"A numeric chain needs the point x"),
        (
            lambda: gl.chain_rule(g2, g1, [[1.0, 2.0]]),
            ShapeError,
            r"x has shape \(1, 2\); expected "
            r"shape \(n,\)",
        ),
        (
            lambda: gl.chain_rule("u*v", "x"),
            GradlibError,
            r"inner function g1 is a formula; say which "
            r"symbols",
        ),
        (
            lambda: gl.chain_rule("u*v", "x", variables="x"),
            GradlibError,
            r"outer function g2 is a "
            r"formula",
        ),
        (
            lambda: gl.chain_rule(u * sp.Symbol("q"), "x", variables="x", y_variables="u"),
            GradlibError,
            "The outer function g2 uses q, which is not among its variables",
        ),
        (
            lambda: gl.chain_rule("u*q", "x", variables="x", y_variables="u"),
            ParseError,
            "The outer function g2: unknown variable",
        ),
        (
            lambda: gl.chain_rule(g2, G1, variables=[x1, x2], mode="symbolic"),
            GradlibError,
            "A symbolic chain needs formulas or catalogue entries; the outer function g2 is a "
            "Python "
            "function",
        ),
        (
            lambda: gl.chain_rule(g2, g1, X0, mode="fast"),
            GradlibError,
            "mode must be 'auto', 'numeric' or 'symbolic'",
        ),
        (
            lambda: gl.chain_rule("u", "x", variables="x", y_variables="u", x=[1.0, 2.0]),
            ShapeError,
            r"x has 2 numbers; g1 takes 1 inputs \(x\)",
        ),
        (
            lambda: gl.chain_rule(g2, lambda x: np.ones((2, 2)), X0),
            ShapeError,
            r"g1 returned shape \(2, 2\) at \[0.7, -0.3\]; expected a number or shape \(m,\)",
        ),
        (
            lambda: gl.chain_rule(3, g1, X0),
            GradlibError,
            "The outer function g2 must be a callable, a catalogue entry or a formula",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------- Chain and costs


def test_chain_of_three():
    c = gl.chain.Chain([g1, g2, lambda z: z[0] * z[1]], X0)
    assert c.sizes == [2, 3, 2, 1]
    assert [p.shape for p in c.points] == [(2,), (3,), (2,), (1,)]
    assert [J.shape for J in c.jacobians] == [(3, 2), (2, 3), (1, 2)]
    np.testing.assert_allclose(c.points[2], g2(g1(X0)))
    np.testing.assert_allclose(c.J_f, c.jacobians[2] @ c.jacobians[1] @ c.jacobians[0])
    y = g2(g1(X0))
    np.testing.assert_allclose(
        c.J_f, np.array([[y[1], y[0]]]) @ exact_J_f(X0), rtol=1e-9, atol=1e-12
    )
    assert c.check_ok and c.shape_text == "J3 (1x2) @ J2 (2x3) @ J1 (3x2) -> J_f (1x2)"
    assert c.costs() == chain.costs([2, 3, 2, 1])
    assert repr(c) == "<Chain of 3 at x = [0.7, -0.3]: J3 (1x2) @ J2 (2x3) @ J1 (3x2) -> J_f (1x2)>"


def test_chain_with_catalogue_entries_is_exact():
    c = gl.chain.Chain(
        [functions.get("polar_to_cartesian"), functions.get("paraboloid")], [2.0, 0.5]
    )
    np.testing.assert_allclose(c.J_f, [[4.0, 0.0]], atol=1e-15)  # r^2


def test_chain_errors():
    with pytest.raises(GradlibError, match="at least one function"):
        gl.chain.Chain([], X0)
    with pytest.raises(ShapeError, match=r"g2 failed when called with them"):
        gl.chain.Chain([g1, lambda y: y[0] * y[3]], X0)


def test_costs_by_formula():
    # sizes [n, m1, m2, k] = [4, 3, 2, 5]: J1 (3x4), J2 (2x3), J3 (5x2)
    c = chain.costs([4, 3, 2, 5])
    assert c["forward"] == 2 * 3 * 4 + 5 * 2 * 4  # (J2 @ J1) then J3 @ that
    assert c["reverse"] == 5 * 2 * 3 + 5 * 3 * 4  # (J3 @ J2) then that @ J1
    assert c["optimal"] == min(c["forward"], c["reverse"]) == 64
    assert c["bracketing"] == "J3 @ (J2 @ J1)" and c["tree"] == ("J3", ("J2", "J1"))


def test_costs_reverse_wins_for_one_output():
    c = chain.costs([1000, 100, 10, 1])
    assert (c["forward"], c["reverse"], c["optimal"]) == (1_010_000, 101_000, 101_000)
    assert c["bracketing"] == "(J3 @ J2) @ J1"
    c = chain.costs([1, 10, 100, 1000])  # one input: forward wins
    assert c["forward"] < c["reverse"] and c["optimal"] == c["forward"]


def test_costs_middle_bracketing():
    # neither forward nor reverse is best
    c = chain.costs([1, 1, 1, 5, 2])
    assert (c["forward"], c["reverse"], c["optimal"]) == (16, 14, 13)
    assert c["bracketing"] == "(J4 @ J3) @ (J2 @ J1)"
    assert chain.costs([1, 1, 2, 1, 2])["bracketing"] == "J4 @ ((J3 @ J2) @ J1)"


def brute_force(p):
    """Cheapest cost over every bracketing of matrices of shapes (p[t], p[t+1]), by recursion."""

    @lru_cache(None)
    def best(a, b):
        if a == b:
            return 0
        return min(best(a, s) + best(s + 1, b) + p[a] * p[s + 1] * p[b + 1] for s in range(a, b))

    return best(0, len(p) - 2)


def tree_cost(tree, shape):
    """Cost of a bracketing tree of names, computed from the names' shapes."""
    if isinstance(tree, str):
        return 0, shape[tree]
    (ca, (p, q)), (cb, (_, r)) = tree_cost(tree[0], shape), tree_cost(tree[1], shape)
    return ca + cb + p * q * r, (p, r)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=2, max_size=8))
def test_optimal_cost_is_the_brute_force_minimum(sizes):
    c = chain.costs(sizes)
    assert c["optimal"] == brute_force(tuple(sizes[::-1]))
    assert c["optimal"] <= min(c["forward"], c["reverse"])
    shape = {f"J{i}": (sizes[i], sizes[i - 1]) for i in range(1, len(sizes))}
    assert tree_cost(c["tree"], shape) == (c["optimal"], (sizes[-1], sizes[0]))


def test_forward_and_reverse_by_formula_on_all_small_sizes():
    for sizes in itertools.product([1, 2, 5], repeat=4):
        n, k = sizes[0], sizes[-1]
        c = chain.costs(sizes)
        assert c["forward"] == sum(sizes[i + 1] * sizes[i] * n for i in range(1, 3))
        assert c["reverse"] == sum(k * sizes[i + 1] * sizes[i] for i in range(2))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: chain.costs([5]), r"at least two positive sizes, the input size first; got \[5\]"),
        (lambda: chain.costs([5, 0, 2]), r"got \[5, 0, 2\]"),
    ],
)
def test_cost_errors(call, message):
    with pytest.raises(GradlibError, match=message):
        call()


# ---------------------------------------------------------------------------- regressions (review)


def test_chain_names_must_match_the_functions():
    # zip would silently drop g2, giving J_f of sin alone
    with pytest.raises(GradlibError, match="names has 1 entries for 2 functions"):
        gl.Chain([np.sin, np.cos], [1.0], names=["a"])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: gl.chain_rule(np.sin, lambda x: "a", [1.0]),
            ShapeError,
            r"g1 returned 'a' at \[1.0\]; expected a number or shape \(m,\) of numbers",
        ),
        (
            lambda: gl.chain_rule(np.sin, lambda x: [x[0], [1.0, 2.0]], [1.0]),
            ShapeError,
            "g1 returned .* of numbers",
        ),
        (
            lambda: gl.chain_rule(np.sin, np.cos, ["a"]),
            GradlibError,
            r"x must be numbers, shape "
            r"\(n,\); got \['a'\]",
        ),
        (
            lambda: chain.costs(["a", 2]),
            GradlibError,
            r"sizes must be whole numbers .* got \['a', 2\]",
        ),
    ],
)
def test_inputs_that_are_not_numbers(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "g2, x, what",
    [
        ("1/u", 0.0, r"g2\(g1\(x\)\) is not a finite real number at x = \[0.0\]: \[\[inf\]\]"),
        (
            "sqrt(u)",
            -1.0,
            r"g2\(g1\(x\)\) is not a finite real "
            r"number",
        ),  # J_g2 complex: was silently dropped
        (
            "log(u)",
            -1.0,
            r"g2\(g1\(x\)\) is not a finite real "
            r"number",
        ),  # J_g2 = 1/u is finite, g2 is not
        ("u^2", 1.0, None),
    ],
)
def test_symbolic_chain_at_a_point_outside_the_domain(g2, x, what):
    call = lambda: gl.chain_rule(g2, ["x"], variables="x", y_variables="u", x=[x])  # noqa: E731
    if what is None:
        np.testing.assert_allclose(call().numeric.J_f, [[2.0]])
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning on the way
        with pytest.raises(gl.NonFiniteError, match=what):
            call()


def test_symbolic_chain_refuses_a_matrix_that_is_not_a_column():
    with pytest.raises(
        gl.ShapeError,
        match=r"inner function g1 is a 2 x 2 Matrix; a function's "
        r"formulas are one column",
    ):
        gl.chain_rule(["u + v"], sp.Matrix([[1, 2], [3, 4]]), variables="x y", y_variables="u v")


def test_symbolic_chain_never_sympifies_nested_entries():
    with pytest.raises(
        gl.GradlibError,
        match=r"has an entry of type list .*each entry must be "
        r"one formula",
    ):
        gl.chain_rule(["u"], [["__import__('os').system('true')"]], variables="x", y_variables="u")
