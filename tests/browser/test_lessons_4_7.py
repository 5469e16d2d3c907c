"""Lessons 4-7 in a real JupyterLab: they run without errors, their widgets are live, and pressing a
button, moving a slider or toggling the layout changes the numbers shown to the right values."""
import numpy as np
import pytest

import gradlib as gl
from gradlib.explore import layout, steps
from gradlib.widgets import fmt

from .conftest import image_src, open_and_run, panel_text, screenshot, wait_new_image

pytestmark = pytest.mark.browser


def test_lesson_4_chain_rule_stepper(page, lab):
    box, = open_and_run(page, lab, "04_chain_rule.ipynb")
    g1, g2 = gl.functions.get("linear_map"), gl.functions.get("neural_layer")
    J = gl.jacobian(lambda v: g2.f(g1.f(v)), [0.5, -0.5])
    assert f"J_f[0, 0] = sum = {fmt(J[0, 0])}" in panel_text(box)
    before = image_src(box)
    box.locator("button", has_text="next").click()
    wait_new_image(page, box, before)
    text = panel_text(box)
    assert "entry 2 of 4: J_f[0, 1], 3 terms" in text, text
    assert f"J_f[0, 1] = sum = {fmt(J[0, 1])}" in text, text
    assert "(2 x 3)(3 x 2) = (2 x 2)" in text
    assert box.locator(".widget-htmlmath mjx-container, .widget-htmlmath .MathJax").count() >= 1
    before = image_src(box)
    box.locator("button", has_text="next").click()
    wait_new_image(page, box, before)
    assert f"J_f[1, 0] = sum = {fmt(J[1, 0])}" in panel_text(box)
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson4_after_interaction")


def test_lesson_5_step_size_explorer(page, lab):
    box, = open_and_run(page, lab, "05_numeric_vs_symbolic.ipynb")
    before = image_src(box)
    box.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")           # log10 h: -5 -> -4.5
    wait_new_image(page, box, before)
    s = steps.scene("exp(x) at x = 1", -4.5)
    text = panel_text(box)
    assert "h = 3e-05" in text, text
    for m in steps.METHODS:
        assert f"{s.estimates[m]:.12f}" in text, (m, text)
    before = image_src(box)
    box.locator("select").first.select_option(label="sin(10x) at x = 1")
    wait_new_image(page, box, before)
    text = panel_text(box)
    assert f"exact f'(x) = {10 * np.cos(10.0):.12f}" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson5_after_interaction")


def test_lesson_6_accumulation_cost(page, lab):
    box, = open_and_run(page, lab, "06_backprop.ipynb")
    assert f"{gl.chain.costs([100, 50, 20, 1])['forward']:,}" in panel_text(box)
    before = image_src(box)
    box.locator(".noUi-handle").nth(3).focus()          # output k: 1 -> 2
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    c = gl.chain.costs([100, 50, 20, 2])
    text = panel_text(box)
    assert "100 -> 50 -> 20 -> 2" in text, text
    assert f"forward (J3 @ (J2 @ J1)): {c['forward']:,}" in text, text
    assert f"reverse ((J3 @ J2) @ J1): {c['reverse']:,}" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson6_after_interaction")


def test_lesson_7_layout_toggle(page, lab):
    box, = open_and_run(page, lab, "07_conventions.ipynb")
    assert "J_g2 (1x3) @ J_g1 (3x2) -> J_f (1x2)" in panel_text(box)
    before = image_src(box)
    box.locator("button", has_text="denominator").click()
    wait_new_image(page, box, before)
    text = panel_text(box)
    expected = layout.scene("scalar loss: square_norm ∘ linear_map", "denominator")
    assert f"product: {expected.shape_text}" in text, text
    assert expected.shape_text == "J_g1ᵀ (2x3) @ J_g2ᵀ (3x1) -> ∇f (2x1)"
    assert "rows are: inputs" in text and "order: J_g1ᵀ @ J_g2ᵀ" in text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson7_after_interaction")
