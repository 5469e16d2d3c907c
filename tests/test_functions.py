"""gl.functions: every catalogue entry's hand-written numpy f against its sympy expr (at points,
batched, complex), its exact Jacobian against gl.jacobian, and the catalogue's access functions."""

from pathlib import Path

import numpy as np
import pytest
import sympy

import gradlib as gl
from gradlib import functions, symbolic

NAMES = list(functions.CATALOGUE)


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)


def exact(entry):
    """The sympy form as a numpy function, shape (n_out, 1, *batch)."""
    return symbolic.lambdify(entry.expr, entry.variables)


def random_points(entry, count=5):
    """Points around the default point, shape (n_in, count)."""
    return entry.point[:, None] + np.random.uniform(-1.0, 1.0, (entry.n_in, count))


def test_the_catalogue_has_what_the_lessons_need():
    required = {
        "paraboloid": (2, 1),
        "rosenbrock": (2, 1),
        "saddle": (2, 1),
        "ripple": (2, 1),
        "circle": (1, 2),
        "helix": (1, 3),
        "lissajous": (1, 2),
        "polar_to_cartesian": (2, 2),
        "spherical_to_cartesian": (3, 3),
        "softmax": (3, 3),
        "linear_map": (2, 3),
        "sigmoid": (3, 3),
        "neural_layer": (3, 2),
        "cross_entropy": (3, 1),
        "squared_error": (2, 1),
        "square_norm": (3, 1),
    }
    sizes = {name: (g.n_in, g.n_out) for name, g in functions.CATALOGUE.items()}
    assert {name: sizes.get(name) for name in required} == required


@pytest.mark.parametrize("name", NAMES)
def test_sizes_kind_and_text_are_consistent(name):
    g = functions.get(name)
    assert g.name == name
    assert g.expr.shape == (g.n_out, 1)
    assert g.point.shape == (g.n_in,)
    assert g.expr.free_symbols <= set(g.variables) and all(v.is_real for v in g.variables)
    assert g.kind in functions.KINDS
    assert g.kind != "scalar field" or g.n_out == 1
    assert g.kind != "curve" or g.n_in == 1
    assert g.description.strip() and "\n" not in g.description
    assert g.domain is not None or g.kind != "curve"  # a curve is drawn over its domain
    if g.domain is not None:
        assert len(g.domain) == g.n_in and all(lo < hi for lo, hi in g.domain)
    assert not g.point.flags.writeable


@pytest.mark.parametrize("name", NAMES)
def test_f_matches_expr_at_the_point_and_at_random_points(name):
    g = functions.get(name)
    value = g.f(g.point)
    assert np.shape(value) == (() if g.n_out == 1 else (g.n_out,))
    np.testing.assert_allclose(value, exact(g)(g.point)[:, 0].reshape(np.shape(value)), rtol=1e-12)
    for p in random_points(g).T:
        np.testing.assert_allclose(
            g.f(p), exact(g)(p)[:, 0].reshape(np.shape(value)), rtol=1e-12, atol=1e-14
        )


@pytest.mark.parametrize("name", NAMES)
def test_f_takes_a_batch(name):
    g = functions.get(name)
    X = random_points(g, 6)
    Y = g.f(X)
    assert Y.shape == ((6,) if g.n_out == 1 else (g.n_out, 6))
    np.testing.assert_allclose(Y.reshape(g.n_out, 6), exact(g)(X)[:, 0], rtol=1e-12, atol=1e-14)
    for k in range(6):
        np.testing.assert_allclose(
            np.reshape(Y, (g.n_out, 6))[:, k], np.ravel(g.f(X[:, k])), rtol=1e-14
        )


@pytest.mark.parametrize("name", NAMES)
def test_f_takes_a_grid(name):
    g = functions.get(name)
    X = random_points(g, 12).reshape(g.n_in, 4, 3)
    Y = g.f(X)
    assert Y.shape == ((4, 3) if g.n_out == 1 else (g.n_out, 4, 3))
    np.testing.assert_allclose(Y.reshape(g.n_out, 4, 3), exact(g)(X)[:, 0], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_f_takes_complex_input(name):
    g = functions.get(name)
    p = g.point + 0.1j * np.random.uniform(-1.0, 1.0, g.n_in)
    value = g.f(p)
    assert np.iscomplexobj(value)
    np.testing.assert_allclose(np.ravel(value), exact(g)(p)[:, 0, ...].ravel(), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_exact_jacobian_matches_numeric(name):
    g = functions.get(name)
    J = g.jacobian_exact(g.point)
    assert J.shape == (g.n_out, g.n_in) and g.jacobian_expr.shape == (g.n_out, g.n_in)
    np.testing.assert_allclose(gl.jacobian(g.f, g.point), J, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        gl.jacobian(g.f, g.point, method="central", vectorized=True), J, rtol=1e-6, atol=1e-8
    )


@pytest.mark.parametrize("name", NAMES)
def test_latex_shows_the_variables(name):
    g = functions.get(name)
    text = g.latex()
    assert text.startswith("f(" + ", ".join(sympy.latex(v) for v in g.variables) + ") = ")
    assert text.endswith(sympy.latex(g.expr[0] if g.n_out == 1 else g.expr))


def test_composable_pairs_are_exactly_the_matching_sizes():
    pairs = functions.composable_pairs()
    entries = functions.CATALOGUE
    chain = [name for name, g in entries.items() if g.chain_rule]
    expected = [(a, b) for a in chain for b in chain if entries[a].n_out == entries[b].n_in]
    assert pairs == expected
    assert ("polar_to_cartesian", "paraboloid") in pairs
    assert ("neural_layer", "squared_error") in pairs
    assert ("paraboloid", "paraboloid") not in pairs


@pytest.mark.parametrize("g1, g2", functions.composable_pairs())
def test_chain_rule_holds_for_every_pair(g1, g2):
    g1, g2 = functions.get(g1), functions.get(g2)
    x = g1.point
    J_f = g2.jacobian_exact(np.ravel(g1.f(x))) @ g1.jacobian_exact(x)
    composed = gl.jacobian(lambda v: g2.f(g1.f(v)), x)
    np.testing.assert_allclose(composed, J_f, rtol=1e-8, atol=1e-10)


def test_teaching_functions_live_only_in_the_catalogue():
    """Issue 9: adding a teaching function is a one-file change, so no other module of gradlib
    builds one (lesson 3's plane maps were once a second dictionary in its module)."""
    package = Path(gl.__file__).parent
    others = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path != package / "functions.py" and "TeachingFunction" in path.read_text()
    ]
    assert others == []
    plane = ["complex_square", "shear"]
    assert [g.name for g in functions.by_kind("map")][-2:] == plane  # lesson 3's menus list them
    assert [functions.get(name).chain_rule for name in plane] == [False, False]
    assert [name for name in NAMES if not functions.get(name).chain_rule] == plane
    # ... and the chain rule's menu of pairs is what it was: the other 18 entries' 102 pairs
    pairs = functions.composable_pairs()
    assert len(pairs) == 102 and not {name for pair in pairs for name in pair} & set(plane)


def test_unknown_name_lists_the_names_and_a_suggestion():
    with pytest.raises(
        gl.GradlibError,
        match="no teaching function called 'rosenbrok'. Did you "
        "mean 'rosenbrock'\\? The catalogue has: paraboloid, rosenbrock, saddle",
    ):
        functions.get("rosenbrok")


def test_by_kind_partitions_the_catalogue():
    groups = [functions.by_kind(kind) for kind in functions.KINDS]
    assert all(groups)
    assert sorted(g.name for group in groups for g in group) == sorted(NAMES)
    curves = ["circle", "helix", "lissajous", "spiral"]
    assert [g.name for g in functions.by_kind("curve")] == curves
    with pytest.raises(
        gl.GradlibError, match="unknown kind 'field'; the kinds are: scalar field, curve, map"
    ):
        functions.by_kind("field")


def test_fixed_matrices_are_literal_and_read_only():
    assert functions.A.shape == (3, 2) and functions.W.shape == (2, 3) and functions.B.shape == (2,)
    with pytest.raises(ValueError, match="read-only"):
        functions.W[0, 0] = 1.0
    exact = sympy.Matrix(functions.A.tolist()).applyfunc(sympy.Rational)
    assert functions.get("linear_map").jacobian_expr == exact
    with pytest.raises(TypeError):
        functions.CATALOGUE["new"] = functions.get("saddle")


def test_parse_and_catalogue_share_symbols():
    assert symbolic.parse("x^2 + y^2") == functions.get("paraboloid").expr[0]


def test_curves_take_a_scalar_and_a_row_of_times():
    circle = functions.get("circle")
    np.testing.assert_allclose(circle.f(0.0), [1.0, 0.0])
    t = np.linspace(0.0, np.pi, 5)
    np.testing.assert_allclose(circle.f(t), [np.cos(t), np.sin(t)])
    np.testing.assert_allclose(
        gl.derivative(circle.f, 0.5), [[-np.sin(0.5)], [np.cos(0.5)]], rtol=1e-10
    )


def test_softmax_is_a_probability_vector_even_for_large_scores():
    p = functions.get("softmax").f([1000.0, 1001.0, 999.0])
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)


def test_f_refuses_a_wrong_length():
    with pytest.raises(gl.ShapeError, match=r"x has shape \(3,\); expected shape \(2,\)"):
        functions.get("rosenbrock").f([1.0, 2.0, 3.0])
