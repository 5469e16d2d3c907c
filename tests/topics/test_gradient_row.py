"""Lesson 1, the gradient row: its numbers against SymPy, its widget in the kernel and in a
browser."""

import numpy as np
import pytest
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    press_right,
    screenshot,
    wait_new_image,
    wait_panel,
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
    assert s.true_change[0, 0] == pytest.approx(
        f(np.array(x) + 0.1 * d[:, 0]) - f(np.array(x)), rel=1e-12
    )


def test_true_change_approaches_linear_change_as_h_shrinks():
    errors = [
        abs(
            lesson.scene("ripple", [0.5, 0.3], 60.0, h).true_change[0, 0]
            - lesson.scene("ripple", [0.5, 0.3], 60.0, h).linear_change[0, 0]
        )
        for h in (0.1, 0.01)
    ]
    assert errors[1] < errors[0] / 50  # second order: the error drops like h**2


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
    np.testing.assert_allclose(
        lesson.slice_along("paraboloid", [1.0, 0.5], 1, s), 1 + (0.5 + s) ** 2
    )


def test_grid_and_levels():
    X, Y, Z = lesson.contour_grid("saddle", num=5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    np.testing.assert_allclose(Z, X**2 - Y**2)
    lv = lesson.levels(Z, 4)
    assert np.all(np.diff(lv) > 0) and Z.min() <= lv[0] and lv[-1] <= Z.max()


@pytest.mark.parametrize("name", lesson.names())
def test_gradient_step_is_minus_alpha_gradient_transposed(name):
    x, alpha = np.array([0.7, -0.4]), 0.03
    s = lesson.scene(name, x, alpha=alpha)
    exact = exact_jacobian(functions.get(name), x)  # (1, 2) by SymPy
    assert s.gradient_step.shape == (2, 1)
    np.testing.assert_allclose(s.gradient_step, -alpha * exact.T, rtol=1e-6, atol=1e-9)
    entry = functions.get(name)
    landing = x - alpha * exact[0]
    expected = float(entry.expr[0].subs(dict(zip(entry.variables, landing))))
    assert s.after_gradient_step == pytest.approx(expected, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", ["rosenbrock", "ripple"])
def test_arrow_scale_differences_come_from_gl_numeric(difference_calls, name):
    f, box = lesson.scalar(name), lesson.bounds(name)
    scale = lesson.arrow_scale(f, box)
    # one call per partial derivative, each at all the points at once
    assert difference_calls == [(1e-5, "central")] * 2
    # the number is the hand-written central difference it replaced, to the bit: same pictures
    X, Y, _ = lesson.grid(f, box, num=15)
    pts, h = np.stack([X.ravel(), Y.ravel()]), 1e-5
    gx = (f(pts + [[h], [0]]) - f(pts - [[h], [0]])) / (2 * h)
    gy = (f(pts + [[0], [h]]) - f(pts - [[0], [h]])) / (2 * h)
    assert scale == 0.25 * np.ptp(box, axis=1).min() / np.median(np.hypot(gx, gy))


def test_clip_segment_stops_at_the_window_edge():
    box = [[-2.0, 2.0], [-1.0, 3.0]]
    end, cut = lesson.clip_segment([1.0, 0.0], [3.0, -2.0], box)  # leaves through x = 2
    np.testing.assert_allclose(end, [2.0, -1.0])
    assert cut
    end, cut = lesson.clip_segment([1.0, 0.0], [1.5, 0.5], box)
    np.testing.assert_allclose(end, [1.5, 0.5])
    assert not cut
    assert lesson.inside([2.0, 3.0], box) and not lesson.inside([2.0, 3.01], box)


def test_gradient_explorer_refuses_a_vector_valued_function():
    with pytest.raises(
        gl.GradlibError, match="'helix' has 3 outputs; the gradient explorer needs a scalar"
    ):
        lesson.scalar("helix")


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 1: the gradient explorer
# ----------------------------------------------------------------
def test_gradient_explorer_state_follows_the_sliders():
    w = lesson.GradientExplorer("saddle", x=(1.0, 0.5), angle=0.0, h=0.25)
    ax = w.axes[0]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    w.x1.value, w.x2.value, w.angle.value = -0.5, 1.2, 90.0
    s = w.state
    np.testing.assert_allclose(s["x"], [-0.5, 1.2])
    np.testing.assert_allclose(
        s["gradient"], exact_jacobian_of("saddle", [-0.5, 1.2]), atol=1e-6
    )  # [[2x, -2y]]
    np.testing.assert_allclose(s["gradient"], [[-1.0, -2.4]], atol=1e-6)
    np.testing.assert_allclose(s["directional"], [[-2.4]], atol=1e-6)  # d = (0, 1) picks df/dy
    assert s["true_change"][0, 0] == pytest.approx((-0.5) ** 2 - 1.45**2 - (0.25 - 1.44))
    # the moving artists moved; the contours were not redrawn (same objects)
    np.testing.assert_allclose(w.drawing.point.get_xydata(), [[-0.5, 1.2]])
    assert [c for c in ax.collections if isinstance(c, ContourSet)] == contours
    assert fmt(-2.4) in w.panel.value and "(1 x 2)" in w.panel.value and "(2 x 1)" in w.panel.value


def test_gradient_explorer_new_function_redraws_and_keeps_point_inside():
    w = lesson.GradientExplorer("paraboloid", x=(1.9, -1.9))
    w.function.value = "rosenbrock"  # the point in x in [-2, 2], y in [-1, 3]
    s = w.state
    assert s["function"] == "rosenbrock" and (w.x2.min, w.x2.max) == (-1.0, 3.0)
    # the window leaves room for the longest step h d (h up to 1) around that box
    assert w.axes[0].get_ylim() == (-2.0, 4.0) and w.axes[0].get_xlim() == (-3.0, 3.0)
    np.testing.assert_allclose(s["x"], [1.9, -1.0])
    np.testing.assert_allclose(
        s["gradient_symbolic"], exact_jacobian_of("rosenbrock", [1.9, -1.0]), rtol=1e-12
    )
    assert "rosenbrock" in w.axes[0].get_title()


def test_gradient_explorer_takes_exact_gradient_steps():
    w = lesson.GradientExplorer("paraboloid", x=(1.0, 0.5), alpha=0.25)
    w.alpha.value = 0.1  # the step uses the slider's alpha
    w.take_step.click()  # x - 0.1 [2, 1]^T = (0.8, 0.4)
    s = w.state
    np.testing.assert_allclose(s["x"], [0.8, 0.4], rtol=1e-12)
    assert (w.x1.value, w.x2.value) == pytest.approx((0.8, 0.4), abs=1e-12)  # the browser's bits
    w.take_step.click()  # (0.64, 0.32): the sliders show it on their grid
    s = w.state
    np.testing.assert_allclose(s["x"], [0.64, 0.32], rtol=1e-12)
    assert (w.x1.value, w.x2.value) == pytest.approx((0.65, 0.3), abs=1e-12)
    assert s["value"] == pytest.approx(0.64**2 + 0.32**2, rel=1e-12)
    assert s["steps"] == {"gradient step": 2}
    message = f"Took a gradient step: f went from {fmt(0.8)} to {fmt(0.64**2 + 0.32**2)}."
    assert message in w.panel.value
    np.testing.assert_allclose(s["gradient_step"], -0.1 * np.array([[1.28], [0.64]]), rtol=1e-6)
    # moving one slider takes that coordinate from it and keeps the other exact
    w.x1.value = 0.5
    np.testing.assert_allclose(w.state["x"], [0.5, 0.32], rtol=1e-12)
    assert w.state["steps"] == {} and "Took" not in w.panel.value


def test_gradient_explorer_refuses_a_step_out_of_the_window():
    w = lesson.GradientExplorer("rosenbrock", x=(-1.0, 1.0), alpha=1.0)  # grad f = (-4, 0)
    before = w.png
    w.take_step.click()  # would land at (3, 1), outside x in [-2, 2]
    np.testing.assert_allclose(w.state["x"], [-1.0, 1.0])
    assert w.state["steps"] == {}
    message = "The gradient step would land at (3.00, 1.00), outside the window: the point stays."
    assert message in w.panel.value
    assert w.png == before
    w.alpha.value = 0.1
    w.take_step.click()
    np.testing.assert_allclose(w.state["x"], [-0.6, 1.0], rtol=1e-9)
    assert w.state["steps"] == {"gradient step": 1} and "outside" not in w.panel.value


def test_gradient_step_arrow_stays_inside_the_axes_at_every_slider_end():
    w = lesson.GradientExplorer("rosenbrock")
    box = w.axes[0].get_window_extent()
    for slider in (w.x1, w.x2, w.angle, w.h, w.alpha):
        for end in (slider.min, slider.max):
            slider.value = 10**end if slider is w.alpha else end
            w.take_step.click()
            extent = w.drawing.gradient_step.get_window_extent(w.figure.canvas.get_renderer())
            assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, (slider.description, end)
            assert box.y0 - 1 <= extent.y0 and extent.y1 <= box.y1 + 1, (slider.description, end)
            assert lesson.inside(w.state["x"], lesson.bounds("rosenbrock"))


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_1_gradient_explorer(page, lab):
    (box,) = open_and_run(page, lab, "01_gradient_row.ipynb")
    start = image_src(box)
    press_right(page, box, 0)  # x: 1.00 -> 1.05, y = 0.5
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
def test_lesson_1_gradient_step_button(page, lab):
    (box,) = open_and_run(page, lab, "01_gradient_row.ipynb")
    before = image_src(box)
    box.get_by_role("button", name="take a gradient step").click()
    wait_new_image(page, box, before)
    x = np.array([1.0, 0.5]) - 0.1 * np.array([2.0, 1.0])  # alpha = 0.1, grad f = (2, 1)
    expected = [
        f"x = ({fmt(x[0])}, {fmt(x[1])})",
        f"Took a gradient step: f went from {fmt(1.25)} to {fmt(x @ x)}.",
    ]
    text = wait_panel(box, *expected)
    assert all(e in text for e in expected), text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson1_after_gradient_step")


@pytest.mark.browser
def test_lesson_1_keyboard_tab_reaches_a_slider(page, lab):
    (box,) = open_and_run(page, lab, "01_gradient_row.ipynb")
    box.locator("select").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('noUi-handle')")
    before = image_src(box)
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    expected = fmt(gl.gradient(gl.functions.get("paraboloid").f, [1.05, 0.5])[0, 0])
    assert expected in wait_panel(box, expected)


def test_lesson_1_raise_alpha_on_rosenbrock_and_f_goes_up():
    """Lesson 1: "raise alpha on rosenbrock and watch f go up instead" (from its start point)."""
    small = lesson.GradientExplorer("rosenbrock", alpha=0.001)
    small.take_step.click()
    assert small.state["steps"] == {"gradient step": 1} and small.state["value"] < 25.0
    large = lesson.GradientExplorer("rosenbrock", alpha=0.005)
    large.take_step.click()  # from (1, 0.5), f = 25, to (0, 1), f = 101: inside the window
    np.testing.assert_allclose(large.state["x"], [0.0, 1.0], atol=1e-12)
    assert large.state["steps"] == {"gradient step": 1} and large.state["value"] == 101.0
