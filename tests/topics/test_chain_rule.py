"""Lesson 4, the chain rule: its numbers against SymPy, its widget in the kernel and in a
browser."""

import numpy as np
import pytest
import sympy as sp
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    screenshot,
    wait_new_image,
    wait_panel,
)
from reference import composed_jacobian, exact_jacobian, exact_jacobian_of

import gradlib as gl
from gradlib import functions
from gradlib.errors import GradlibError, ShapeError
from gradlib.topics import chain_rule as lesson
from gradlib.topics._widget import fmt

# ---- the numbers ----------------------------------------------------------------------

# ---- lesson 4: the chain rule, entry by entry
# ------------------------------------------------------
PAIRS = [
    ("linear_map", "neural_layer", [0.5, -0.5]),
    ("polar_to_cartesian", "paraboloid", [2.0, 0.5]),
    ("helix", "spherical_to_cartesian", [1.0]),
    ("softmax", "cross_entropy", [1.0, 2.0, 0.5]),
]


@pytest.mark.parametrize("g1, g2, x", PAIRS)
def test_chain_scene_every_step_matches_sympy(g1, g2, x):
    expected = composed_jacobian([g1, g2], x)
    k, n = expected.shape
    J_g2 = exact_jacobian(functions.get(g2), functions.get(g1).f(np.array(x, float)))
    for step in range(k * n):
        s = lesson.scene(g1, g2, x, step)
        assert (s.i, s.j) == divmod(step, n)
        assert len(s.terms) == len(s.terms_latex) == J_g2.shape[1]
        assert all(type(t) is gl.chain.Term for t in s.terms)  # the one Term (issue 9)
        np.testing.assert_allclose([t.a for t in s.terms], J_g2[s.i], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            sum(t.product for t in s.terms), expected[s.i, s.j], rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(s.value, expected[s.i, s.j], rtol=1e-10, atol=1e-12)
        assert s.done.shape == (k, n) and s.done.sum() == step and not s.done[s.i, s.j]


def test_chain_scene_shape_strip_and_formula():
    s = lesson.scene("linear_map", "neural_layer", [0.5, -0.5], step=3)
    assert s.shape_strip == "(2 x 3)(3 x 2) = (2 x 2)"
    assert s.formula_latex.startswith(r"\frac{\partial f_{2}}{\partial x_{2}} = ")
    assert s.formula_latex.count(r"\frac") == 1 + 2 * 3  # the entry, then 3 terms of 2 factors
    # column 2 of A: a plain number is written once, a fraction with its value
    assert s.terms_latex[0].endswith(r"\qquad \frac{\partial y_{1}}{\partial x_{2}} = 2")
    assert s.terms_latex[2].endswith(r"{\partial x_{2}} = \frac{1}{2} = 0.5")


def test_chain_scene_clips_the_step_and_rejects_pairs_that_do_not_compose():
    assert lesson.scene("polar_to_cartesian", "paraboloid", [2.0, 0.5], step=99).step == 1
    with pytest.raises(ShapeError, match="paraboloid takes 2 inputs but helix returns 3"):
        lesson.scene("helix", "paraboloid", [1.0])


def test_chain_pairs_all_compose_and_are_labelled():
    pairs = lesson.pairs()
    assert len(pairs) == len(set(pairs)) > 50
    for g1, g2 in pairs:
        assert functions.get(g1).n_out == functions.get(g2).n_in
    assert (
        lesson.pair_label("helix", "neural_layer") == "neural_layer ∘ helix   (R^1 -> R^3 -> R^2)"
    )


def test_jacobian_latex_matches_sympy_in_generic_names():
    y1, y2, y3 = sp.symbols("y_1 y_2 y_3")
    got = lesson.jacobian_latex("neural_layer", "y")
    entry = functions.get("neural_layer")
    J = entry.jacobian_expr.xreplace(dict(zip(entry.variables, (y1, y2, y3))))
    assert got == tuple(tuple(sp.latex(e) for e in row) for row in J.tolist())
    assert len(got) == 2 and len(got[0]) == 3


@pytest.mark.parametrize(
    "text, n, message",
    [
        ("1, x", 2, "is not a list of numbers; type 2 numbers"),
        ("1, 2, 3", 2, "has 3 numbers; g1 takes 2 inputs"),
        ("inf, 1", 2, "is not finite"),
    ],
)
def test_parse_point_says_what_is_wrong(text, n, message):
    with pytest.raises(GradlibError, match=message):
        lesson.parse_point(text, n)


def test_parse_and_format_point_round_trip():
    x = lesson.parse_point(lesson.format_point([2.0, 0.5236]), 2)
    np.testing.assert_array_equal(x, [2.0, 0.5236])


def test_direct_check_agrees_with_sympy():
    J_f, J_direct, gap = lesson.direct_check("linear_map", "neural_layer", [0.5, -0.5])
    expected = composed_jacobian(["linear_map", "neural_layer"], [0.5, -0.5])
    np.testing.assert_allclose(J_f, expected, rtol=1e-12)
    np.testing.assert_allclose(J_direct, expected, rtol=1e-7)
    assert gap < 1e-7


# ---- the widget, in the kernel ------------------------------------------------------------


def test_chain_stepper_past_its_picture_limit():
    w = lesson.ChainRuleStepper()
    pairs, seen_shapes = [], set()
    for sizes in [value for _, value in w.sizes.options]:
        w.sizes.value = sizes
        for g1, g2 in [value for _, value in w.pair.options]:
            w.pair.value = (g1, g2)
            pairs.append((g1, g2))
            seen_shapes.add(lesson.pair_shape(g1, g2))
            assert lesson.pair_shape(*w.pair.value) == sizes and len(w._views) <= w.max_views
    assert sorted(pairs) == sorted(lesson.pairs())
    assert len(seen_shapes) > w.max_views
    g1, g2 = pairs[0]
    w.sizes.value = lesson.pair_shape(g1, g2)
    w.pair.value = (g1, g2)
    x = np.asarray(w.state["x"], dtype=float)
    np.testing.assert_allclose(w.state["J_g1"], exact_jacobian_of(g1, x), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        w.state["J_g2"],
        exact_jacobian_of(g2, np.atleast_1d(functions.get(g1).f(x))),
        rtol=1e-7,
        atol=1e-9,
    )


# ---- lesson 4
# ------------------------------------------------------------------------------------------
def test_chain_stepper_next_previous_and_slider_walk_the_entries():
    w = lesson.ChainRuleStepper("linear_map", "neural_layer", x=(0.5, -0.5))
    J = composed_jacobian(["linear_map", "neural_layer"], [0.5, -0.5])
    assert w.state["entry"] == (0, 0) and (w.entry.min, w.entry.max) == (1, 4)  # counted from 1
    assert w.state["shape_strip"] == "(2 x 3)(3 x 2) = (2 x 2)"
    w.next.click()
    s = w.state
    assert s["entry"] == (0, 1)
    assert s["value"] == pytest.approx(J[0, 1], rel=1e-10)
    assert sum(p for _, _, p in s["terms"]) == pytest.approx(J[0, 1], rel=1e-10)
    assert s["J_f_shown"][0][0] == pytest.approx(J[0, 0], rel=1e-10) and np.isnan(
        s["J_f_shown"][0][1]
    )
    w.prev.click()
    w.prev.click()  # stays at the first entry
    assert w.state["entry"] == (0, 0)
    w.entry.value = 4
    assert w.state["entry"] == (1, 1) and w.state["value"] == pytest.approx(J[1, 1], rel=1e-10)
    assert "entry 4 of 4:</span> row 2, column 2 of J_f" in w.panel.value
    assert "J_f at (2, 2) = sum =" in w.panel.value
    assert "l = 3" in w.panel.value and "l = 0" not in w.panel.value
    assert r"\frac{\partial f_{2}}{\partial x_{2}}" in w.formula.value
    assert w.axes[0].get_title() == "entry (2, 2) of J_f = row 2 of J_g2 · column 2 of J_g1"
    w.next.click()  # stays at the last entry
    assert w.state["entry"] == (1, 1)


def test_chain_stepper_pair_and_point_controls():
    w = lesson.ChainRuleStepper()
    w.sizes.value = (2, 2, 1)
    assert ("polar_to_cartesian", "paraboloid") in [v for _, v in w.pair.options]
    assert all(lesson.pair_shape(*v) == (2, 2, 1) for _, v in w.pair.options)
    w.pair.value = ("polar_to_cartesian", "paraboloid")
    s = w.state
    assert (s["g1"], s["g2"], s["step"]) == ("polar_to_cartesian", "paraboloid", 0)
    assert s["x"] == [2.0, 0.5236]  # g1's catalogue point (2, pi/6), as typed in the text box
    assert w.point.value == "2, 0.5236"
    assert w.entry.max == 2 and s["shape_strip"] == "(1 x 2)(2 x 2) = (1 x 2)"
    w.point.value = "3, 0.25"
    assert w.state["x"] == [3.0, 0.25]
    assert w.state["value"] == pytest.approx(6.0, rel=1e-12)  # f = r^2, df/dr = 2r
    w.point.value = "3, oops"  # a typo keeps the last good point
    assert w.state["x"] == [3.0, 0.25] and "is not a list of numbers" in w.state["message"]
    assert "is not a list of numbers" in w.panel.value


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_4_chain_rule_stepper(page, lab):
    (box,) = open_and_run(page, lab, "04_chain_rule.ipynb")
    g1, g2 = gl.functions.get("linear_map"), gl.functions.get("neural_layer")
    J = gl.jacobian(lambda v: g2.f(g1.f(v)), [0.5, -0.5])
    assert f"J_f at (1, 1) = sum = {fmt(J[0, 0])}" in panel_text(box)
    before = image_src(box)
    box.locator("button", has_text="next").click()
    wait_new_image(page, box, before)
    text = panel_text(box)
    assert "entry 2 of 4: row 1, column 2 of J_f, 3 terms" in text, text
    assert f"J_f at (1, 2) = sum = {fmt(J[0, 1])}" in text, text
    assert "(2 x 3)(3 x 2) = (2 x 2)" in text
    assert box.locator(".widget-htmlmath mjx-container, .widget-htmlmath .MathJax").count() >= 1
    before = image_src(box)
    box.locator("button", has_text="next").click()
    wait_new_image(page, box, before)
    assert f"J_f at (2, 1) = sum = {fmt(J[1, 0])}" in panel_text(box)
    # Back to entry 2: its formula, typeset before, is shown again; the other two are hidden.
    box.locator("button", has_text="previous").click()
    wait_panel(box, "entry 2 of 4")
    formulas = box.locator(".widget-htmlmath")
    formulas.nth(1).wait_for(state="visible")
    for hidden in (0, 2):
        formulas.nth(hidden).wait_for(state="hidden")
    assert formulas.count() == 3
    assert formulas.nth(1).locator("mjx-container, .MathJax").count() >= 1
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson4_after_interaction")


def test_chain_stepper_cells_fit_their_numbers():
    """Issue 10: "4.05e-05" overflowed a cell; every number in a cell has at most 6 characters."""
    w = lesson.ChainRuleStepper("linear_map", "neural_layer", x=(10.0, -10.0))  # tanh saturates
    texts = [t.get_text() for t in w.axes[0].texts if t.get_text() not in ("@", "=")]
    numbers = [t for t in texts if t and t[0] in "-0123456789"]
    assert numbers and max(len(t) for t in numbers) <= 6, numbers
    assert any("e-" in t for t in numbers)  # a tiny entry is still shown, not rounded to 0


def test_chain_stepper_groups_its_pairs_by_sizes():
    """Issue 10: one menu of 102 pairs; now the sizes first, then a handful of pairs."""
    w = lesson.ChainRuleStepper()
    assert len(w.sizes.options) == len(lesson.pairs_by_shape()) < 30
    assert max(len(p) for p in lesson.pairs_by_shape().values()) <= 18
    w.sizes.value = (1, 2, 1)
    assert all(label == f"{b} ∘ {a}" for label, (a, b) in w.pair.options)
    assert w.state["step"] == 0 and lesson.pair_shape(w.state["g1"], w.state["g2"]) == (1, 2, 1)
