"""Lessons 0-3 in a real JupyterLab: they run without errors, their widgets are live, and moving a
control (by keyboard, as a learner could) changes the numbers shown to the right values."""
import numpy as np
import pytest

import gradlib as gl
from gradlib.explore import jacobian as ej
from gradlib.widgets import fmt

from .conftest import image_src, open_and_run, panel_text, screenshot, wait_new_image

pytestmark = pytest.mark.browser


def slider_handle(box, index: int):
    return box.locator(".widget-slider .noUi-handle, .widget-hslider .noUi-handle").nth(index)


def press_right(page, box, index: int):
    """Focus slider number ``index`` of the widget and press the right arrow key once."""
    before = image_src(box)
    slider_handle(box, index).focus()
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)


def test_lesson_0_opens_clean_runs_and_shows_a_live_widget(page, lab):
    box, = open_and_run(page, lab, "00_start_here.ipynb")
    press_right(page, box, 0)       # n: 3 -> 4
    assert "J (2x4) @ dx (4x1) -> df (2x1)" in panel_text(box)
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson0_after_interaction")


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


def test_lesson_1_keyboard_tab_reaches_a_slider(page, lab):
    box, = open_and_run(page, lab, "01_gradient_row.ipynb")
    box.locator("select").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('noUi-handle')")
    before = image_src(box)
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    assert fmt(gl.gradient(gl.functions.get("paraboloid").f, [1.05, 0.5])[0, 0]) in panel_text(box)


def test_lesson_2_curve_explorer(page, lab):
    box, = open_and_run(page, lab, "02_curve_column.ipynb")
    press_right(page, box, 0)       # t: 1.00 -> 1.05
    D = gl.derivative(gl.functions.get("helix").f, 1.05)
    text = panel_text(box)
    for value in D[:, 0]:
        assert fmt(value) in text, (fmt(value), text)
    assert "(3 x 1) @ (1 x 1) = (3 x 1)" in text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson2_after_interaction")


def test_lesson_3_jacobian_explorers(page, lab):
    rows, grid, shapes = open_and_run(page, lab, "03_jacobian.ipynb", widgets=3)
    f = gl.functions.get("polar_to_cartesian").f
    # rows: pick f_2, then move r: 1.20 -> 1.25; the row shown alone is the gradient of f_2
    before = image_src(rows)
    rows.locator("select").nth(1).select_option(label="f_2")
    wait_new_image(page, rows, before)
    press_right(page, rows, 0)
    J = gl.jacobian(f, [1.25, 0.8])
    text = panel_text(rows)
    assert "f_2" in text and all(fmt(v) in text for v in J[1]), text
    # grid: move r, the determinant (= r) follows
    press_right(page, grid, 0)
    assert f"det J = {fmt(1.25)}" in panel_text(grid)
    # shapes: m 2 -> 3
    press_right(page, shapes, 1)
    assert "J (3x3) @ dx (3x1) -> df (3x1)" in panel_text(shapes)
    # a new function: its default point is shown, once, and stays (no stale slider values come back)
    for box, name in ((rows, "softmax"), (grid, "complex_square")):
        before = image_src(box)
        box.locator("select").first.select_option(label=name)
        wait_new_image(page, box, before)
        page.wait_for_timeout(1500)   # time for any echo from the browser to come back
        (lo1, _), (lo2, _) = ej.bounds(name)
        x1, x2 = (lo + round((v - lo) / 0.05) * 0.05 for v, lo in zip(ej.entry(name).point[:2], (lo1, lo2)))
        readouts = box.locator(".widget-readout").all_inner_texts()
        assert readouts[:2] == [f"{x1:.2f}", f"{x2:.2f}"], (name, readouts)
        assert f"({fmt(x1, 2)}, {fmt(x2, 2)}" in panel_text(box), (name, panel_text(box))
    rows.scroll_into_view_if_needed()
    screenshot(page, "lesson3_rows_after_interaction")
    grid.scroll_into_view_if_needed()
    screenshot(page, "lesson3_grid_after_interaction")
