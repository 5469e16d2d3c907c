"""Lesson 1, the gradient row: its numbers against SymPy, its widget in the kernel and in a browser."""
import numpy as np
import pytest
from browser import (
    image_src,
    open_and_run,
    panel_text,
    press_right,
    screenshot,
    wait_new_image,
)
from matplotlib.contour import ContourSet
from reference import exact_jacobian, exact_jacobian_of

import gradlib as gl
from gradlib import functions
from gradlib.topics import gradient_row as lesson
from gradlib.topics._widget import fmt

# ---- the numbers ----------------------------------------------------------------------

# ---- gradient ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", lesson.names())
def test_gradient_scene_matches_sympy(name):
    x = [0.7, -0.4]
    s = lesson.scene(name, x, angle=30.0, h=0.1)
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
    errors = [abs(lesson.scene("ripple", [0.5, 0.3], 60.0, h).true_change[0, 0]
                  - lesson.scene("ripple", [0.5, 0.3], 60.0, h).linear_change[0, 0]) for h in (0.1, 0.01)]
    assert errors[1] < errors[0] / 50   # second order: the error drops like h**2


def test_tangent_segments_lie_on_the_tangent_plane_levels_inside_the_disk():
    s = lesson.scene("paraboloid", [1.0, 0.5])
    levels = np.array([0.5, 1.0, 1.25, 1.5, 4.0])
    segs = lesson.tangent_segments(s, levels, radius=0.3)
    # levels within 0.3 * |grad| = 0.67 of f(x) = 1.25: 1.0, 1.25, 1.5 (0.5 and 4.0 lie outside)
    assert segs.shape == (3, 2, 2)
    plane = s.value + (segs - s.x) @ s.gradient[0]
    np.testing.assert_allclose(plane, [[1.0, 1.0], [1.25, 1.25], [1.5, 1.5]], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(segs - s.x, axis=2), 0.3, atol=1e-12)


def test_flat_point_has_no_tangent_levels():
    s = lesson.scene("paraboloid", [0.0, 0.0])
    assert lesson.tangent_segments(s, [0.0, 1.0], 0.5).shape == (0, 2, 2)


def test_slice_holds_the_other_variable():
    s = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(lesson.slice_along("paraboloid", [1.0, 0.5], 1, s), 1 + (0.5 + s) ** 2)


def test_grid_and_levels():
    X, Y, Z = lesson.contour_grid("saddle", num=5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    np.testing.assert_allclose(Z, X**2 - Y**2)
    lv = lesson.levels(Z, 4)
    assert np.all(np.diff(lv) > 0) and Z.min() <= lv[0] and lv[-1] <= Z.max()


def test_gradient_explorer_refuses_a_vector_valued_function():
    with pytest.raises(gl.GradlibError, match="'helix' has 3 outputs; the gradient explorer needs a scalar"):
        lesson.scalar("helix")


# ---- the widget, in the kernel ------------------------------------------------------------

# ---- lesson 1: the gradient explorer ----------------------------------------------------------------
def test_gradient_explorer_state_follows_the_sliders():
    w = lesson.GradientExplorer("saddle", x=(1.0, 0.5), angle=0.0, h=0.25)
    ax = w.axes[0]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    w.x1.value, w.x2.value, w.angle.value = -0.5, 1.2, 90.0
    s = w.state
    np.testing.assert_allclose(s["x"], [-0.5, 1.2])
    np.testing.assert_allclose(s["gradient"], exact_jacobian_of("saddle", [-0.5, 1.2]), atol=1e-6)   # [[2x, -2y]]
    np.testing.assert_allclose(s["gradient"], [[-1.0, -2.4]], atol=1e-6)
    np.testing.assert_allclose(s["directional"], [[-2.4]], atol=1e-6)        # d = (0, 1) picks df/dy
    assert s["true_change"][0, 0] == pytest.approx((-0.5) ** 2 - 1.45 ** 2 - (0.25 - 1.44))
    # the moving artists moved; the contours were not redrawn (same objects)
    np.testing.assert_allclose(w._artists_now.point.get_xydata(), [[-0.5, 1.2]])
    assert [c for c in ax.collections if isinstance(c, ContourSet)] == contours
    assert fmt(-2.4) in w.panel.value and "(1 x 2)" in w.panel.value and "(2 x 1)" in w.panel.value


def test_gradient_explorer_new_function_redraws_and_keeps_point_inside():
    w = lesson.GradientExplorer("paraboloid", x=(1.9, -1.9))
    w.function.value = "rosenbrock"            # the point in x in [-2, 2], y in [-1, 3]
    s = w.state
    assert s["function"] == "rosenbrock" and (w.x2.min, w.x2.max) == (-1.0, 3.0)
    # the window leaves room for the longest step h d (h up to 1) around that box
    assert w.axes[0].get_ylim() == (-2.0, 4.0) and w.axes[0].get_xlim() == (-3.0, 3.0)
    np.testing.assert_allclose(s["x"], [1.9, -1.0])
    np.testing.assert_allclose(s["gradient_symbolic"], exact_jacobian_of("rosenbrock", [1.9, -1.0]), rtol=1e-12)
    assert "rosenbrock" in w.axes[0].get_title()


# ---- in a real browser (make test-browser) ------------------------------------------------

@pytest.mark.browser
def test_lesson_1_gradient_explorer(page, lab):
    box, = open_and_run(page, lab, "01_gradient_row.ipynb")
    start = image_src(box)
    press_right(page, box, 0)       # x: 1.00 -> 1.05, y = 0.5
    f = gl.functions.get("paraboloid").f
    grad = gl.gradient(f, [1.05, 0.5])
    d = np.array([[np.cos(np.pi / 4)], [np.sin(np.pi / 4)]])
    text = panel_text(box)
    for value in [*grad[0], (grad @ d)[0, 0]]:
        assert fmt(value) in text, (fmt(value), text)
    assert image_src(box) != start
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson1_after_interaction")


@pytest.mark.browser
def test_lesson_1_keyboard_tab_reaches_a_slider(page, lab):
    box, = open_and_run(page, lab, "01_gradient_row.ipynb")
    box.locator("select").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('noUi-handle')")
    before = image_src(box)
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    assert fmt(gl.gradient(gl.functions.get("paraboloid").f, [1.05, 0.5])[0, 0]) in panel_text(box)
