"""The numbers behind the widgets (gradlib.explore), each against SymPy or plain arithmetic."""
import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib import functions
from gradlib.explore import curve as ec
from gradlib.explore import gradient as eg
from gradlib.explore import jacobian as ej


def exact_jacobian(entry, x):
    """SymPy's own Jacobian of a catalogue entry at x, float (m, n): the independent reference."""
    J = sp.Matrix(entry.expr).jacobian(sp.Matrix(entry.variables))
    return np.array(J.subs(dict(zip(entry.variables, x))).evalf(), dtype=float)


# ---- gradient ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", eg.names())
def test_gradient_scene_matches_sympy(name):
    x = [0.7, -0.4]
    s = eg.scene(name, x, angle=30.0, h=0.1)
    expected = exact_jacobian(functions.get(name), x)
    assert s.gradient.shape == (1, 2) and s.gradient_symbolic.shape == (1, 2)
    np.testing.assert_allclose(s.gradient_symbolic, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.gradient, expected, rtol=1e-6, atol=1e-6)
    d = np.array([[np.cos(np.pi / 6)], [np.sin(np.pi / 6)]])
    np.testing.assert_allclose(s.direction, d, atol=1e-15)
    np.testing.assert_allclose(s.directional, s.gradient @ d, rtol=1e-14)
    np.testing.assert_allclose(s.linear_change, 0.1 * s.gradient @ d, rtol=1e-14)
    f = functions.get(name).f
    assert s.true_change[0, 0] == pytest.approx(f(np.array(x) + 0.1 * d[:, 0]) - f(np.array(x)), rel=1e-12)


def test_true_change_approaches_linear_change_as_h_shrinks():
    errors = [abs(eg.scene("ripple", [0.5, 0.3], 60.0, h).true_change[0, 0]
                  - eg.scene("ripple", [0.5, 0.3], 60.0, h).linear_change[0, 0]) for h in (0.1, 0.01)]
    assert errors[1] < errors[0] / 50   # second order: the error drops like h**2


def test_tangent_segments_lie_on_the_tangent_plane_levels_inside_the_disk():
    s = eg.scene("paraboloid", [1.0, 0.5])
    levels = np.array([0.5, 1.0, 1.25, 1.5, 4.0])
    segs = eg.tangent_segments(s, levels, radius=0.3)
    # levels within 0.3 * |grad| = 0.67 of f(x) = 1.25: 1.0, 1.25, 1.5 (0.5 and 4.0 lie outside)
    assert segs.shape == (3, 2, 2)
    plane = s.value + (segs - s.x) @ s.gradient[0]
    np.testing.assert_allclose(plane, [[1.0, 1.0], [1.25, 1.25], [1.5, 1.5]], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(segs - s.x, axis=2), 0.3, atol=1e-12)


def test_flat_point_has_no_tangent_levels():
    s = eg.scene("paraboloid", [0.0, 0.0])
    assert eg.tangent_segments(s, [0.0, 1.0], 0.5).shape == (0, 2, 2)


def test_slice_holds_the_other_variable():
    s = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(eg.slice_along("paraboloid", [1.0, 0.5], 1, s), 1 + (0.5 + s) ** 2)


def test_grid_and_levels():
    X, Y, Z = eg.contour_grid("saddle", num=5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    np.testing.assert_allclose(Z, X**2 - Y**2)
    lv = eg.levels(Z, 4)
    assert np.all(np.diff(lv) > 0) and Z.min() <= lv[0] and lv[-1] <= Z.max()


def test_gradient_explorer_refuses_a_vector_valued_function():
    with pytest.raises(gl.GradlibError, match="'helix' has 3 outputs; the gradient explorer needs a scalar"):
        eg.scalar("helix")


# ---- curve --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ec.names())
def test_curve_scene_matches_sympy(name):
    s = ec.scene(name, 1.3, dt=0.2)
    entry = functions.get(name)
    expected = exact_jacobian(entry, [1.3])
    assert s.derivative.shape == (entry.n_out, 1) and s.dt.shape == (1, 1) and s.step.shape == (entry.n_out, 1)
    np.testing.assert_allclose(s.derivative_symbolic, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.derivative, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(s.step, 0.2 * s.derivative, rtol=1e-14)
    np.testing.assert_allclose(s.true_step[:, 0], entry.f(1.5) - entry.f(1.3), rtol=1e-12)


def test_curve_trace_and_ranges():
    pts = ec.trace("circle", num=9)
    assert pts.shape == (2, 9)
    np.testing.assert_allclose(np.hypot(*pts), 1.0)
    assert ec.t_range("helix") == (0.0, pytest.approx(4 * np.pi))


def test_curve_refuses_a_field():
    with pytest.raises(gl.GradlibError, match="'paraboloid' takes 2 inputs; a curve takes one number t"):
        ec.curve("paraboloid")


# ---- jacobian -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ej.names())
def test_jacobian_scene_matches_sympy_and_rows_are_gradients(name):
    entry = ej.entry(name)
    x = np.asarray(entry.point, dtype=float) + 0.1
    for row in range(entry.n_out):
        s = ej.scene(name, x, row)
        expected = exact_jacobian(entry, x)
        assert s.J.shape == (entry.n_out, entry.n_in) and s.row_gradient.shape == (1, entry.n_in)
        np.testing.assert_allclose(s.J_symbolic, expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.J, expected, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(s.row_gradient[0], expected[row], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(ej.EXTRA_MAPS))
def test_extra_maps_numeric_form_equals_formula(name):
    e = ej.EXTRA_MAPS[name]
    pts = np.array([[0.3, -1.2, 2.0], [0.7, 0.4, -0.5]])
    exact = sp.lambdify(e.variables, e.expr, "numpy")(*pts)
    np.testing.assert_allclose(e.f(pts), np.asarray(exact, dtype=float).reshape(2, 3), rtol=1e-14)


def test_scene_refuses_a_row_that_does_not_exist():
    with pytest.raises(gl.GradlibError, match=r"row=2 does not exist: 'polar_to_cartesian' has 2 outputs, rows 0..1"):
        ej.scene("polar_to_cartesian", [1.0, 0.5], row=2)


def test_component_holds_the_other_inputs():
    f_2 = ej.component("softmax", 1, [0.0, 0.0, 0.5])
    p = np.array([[1.0, 0.0], [2.0, 0.0]])
    z = np.array([[1.0, 0.0], [2.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(f_2(p), np.exp(z[1]) / np.exp(z).sum(axis=0), rtol=1e-14)


def test_grid_map_linear_part_and_area():
    g = ej.grid_map("polar_to_cartesian", [1.5, 0.3], radius=0.2, count=3, points=5)
    assert g.lines.shape == g.image.shape == g.linear.shape == (6, 5, 2)
    J = exact_jacobian(functions.get("polar_to_cartesian"), [1.5, 0.3])
    np.testing.assert_allclose(g.linear, g.y + (g.lines - g.x) @ J.T, rtol=1e-6, atol=1e-8)
    assert g.det == pytest.approx(1.5, rel=1e-6)        # det of the polar Jacobian is r
    small = ej.grid_map("polar_to_cartesian", [1.5, 0.3], radius=0.005)
    assert small.area_ratio == pytest.approx(1.5, rel=1e-3)


def test_grid_map_of_a_linear_map_is_exact():
    g = ej.grid_map("shear", [0.2, -0.4], radius=0.5)
    np.testing.assert_allclose(g.image, g.linear, atol=1e-9)
    assert g.area_ratio == pytest.approx(1.5, rel=1e-6) and g.det == pytest.approx(1.5, rel=1e-6)


def test_grid_map_needs_a_plane_map():
    with pytest.raises(gl.GradlibError, match="'linear_map' is not a map R\\^2 -> R\\^2"):
        ej.grid_map("linear_map", [1.0, 2.0])


@pytest.mark.parametrize("n, m, case", [(3, 1, "gradient: a row"), (1, 4, "derivative of a curve: a column"),
                                        (1, 1, "derivative of f: R -> R: a 1 x 1 matrix"),
                                        (2, 3, "Jacobian: m rows, one gradient per output")])
def test_shape_scene(n, m, case):
    s = ej.shape_scene(n, m)
    assert (s.J, s.dx, s.df, s.name) == ((m, n), (n, 1), (m, 1), case)
    assert s.text == f"J ({m}x{n}) @ dx ({n}x1) -> df ({m}x1)"


def test_shape_scene_refuses_zero():
    with pytest.raises(gl.GradlibError, match="sizes must be at least 1, got n=0, m=2"):
        ej.shape_scene(0, 2)
