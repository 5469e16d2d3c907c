"""Lesson 2, the curve column: its numbers against SymPy, its widget in the kernel and in a
browser."""

import numpy as np
import pytest
from lab_browser import (
    open_and_run,
    panel_text,
    press_right,
    screenshot,
)
from reference import exact_jacobian, exact_jacobian_of

import gradlib as gl
from gradlib import functions
from gradlib.topics import curve_column as lesson
from gradlib.topics._widget import fmt

# ---- the numbers ----------------------------------------------------------------------


# ---- curve --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", lesson.names())
def test_curve_scene_matches_sympy(name):
    s = lesson.scene(name, 1.3, dt=0.2)
    entry = functions.get(name)
    expected = exact_jacobian(entry, [1.3])
    assert (
        s.derivative.shape == (entry.n_out, 1)
        and s.dt.shape == (1, 1)
        and s.step.shape == (entry.n_out, 1)
    )
    np.testing.assert_allclose(s.derivative_symbolic, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.derivative, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(s.step, 0.2 * s.derivative, rtol=1e-14)
    np.testing.assert_allclose(s.true_step[:, 0], entry.f(1.5) - entry.f(1.3), rtol=1e-12)


def test_curve_trace_and_ranges():
    pts = lesson.trace("circle", num=9)
    assert pts.shape == (2, 9)
    np.testing.assert_allclose(np.hypot(*pts), 1.0)
    assert lesson.t_range("helix") == (0.0, pytest.approx(4 * np.pi))


def test_dt_max_takes_the_speed_from_gl_numeric(difference_calls):
    # the forward difference at the samples' own step: the speed between samples, as before
    assert [lesson.dt_max(name) for name in lesson.names()] == [0.5, 0.75, 0.1, 0.4]
    assert [method for _, method in difference_calls] == ["forward"] * 4


def test_curve_refuses_a_field():
    with pytest.raises(
        gl.GradlibError, match="'paraboloid' takes 2 inputs; a curve takes one number t"
    ):
        lesson.curve("paraboloid")


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 2: the curve explorer ---------------------------------------------------------------
def test_curve_explorer_state_follows_t_and_dt():
    w = lesson.CurveExplorer("circle", t=0.0, dt=0.5)
    w.t.value, w.dt.value = np.pi / 2, -0.2
    s = w.state
    np.testing.assert_allclose(s["point"], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(
        s["derivative"], exact_jacobian_of("circle", [np.pi / 2]), atol=1e-7
    )  # (-1, 0)
    np.testing.assert_allclose(s["step"], [[0.2], [0.0]], atol=1e-7)
    assert s["derivative"].shape == (2, 1) and s["dt"].shape == (1, 1)
    np.testing.assert_allclose(w.drawing.point.get_xydata(), [[0.0, 1.0]], atol=1e-12)
    assert "(2 x 1) @ (1 x 1) = (2 x 1)" in w.panel.value


def test_curve_explorer_switches_between_2d_and_3d():
    w = lesson.CurveExplorer("circle")
    assert w.axes[0].name == "rectilinear"
    w.function.value = "helix"
    assert w.axes[0].name == "3d" and w.state["derivative"].shape == (3, 1)
    w.t.value = 2.0
    np.testing.assert_allclose(w.state["derivative"], exact_jacobian_of("helix", [2.0]), atol=1e-7)


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_2_curve_explorer(page, lab):
    (box,) = open_and_run(page, lab, "02_curve_column.ipynb")
    press_right(page, box, 0)  # t: 1.00 -> 1.05
    D = gl.derivative(gl.functions.get("helix").f, 1.05)
    text = panel_text(box)
    for value in D[:, 0]:
        assert fmt(value) in text, (fmt(value), text)
    assert "(3 x 1) @ (1 x 1) = (3 x 1)" in text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson2_after_interaction")
