"""Lesson 6, backprop: its numbers against SymPy, its widget in the kernel and in a browser."""

import numpy as np
import pytest
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    screenshot,
    wait_new_image,
)
from reference import composed_jacobian, exact_jacobian

import gradlib as gl
from gradlib import functions
from gradlib.topics import backprop as lesson

# ---- the numbers ----------------------------------------------------------------------


def test_forward_and_reverse_accumulation_shapes_and_agreement():
    rng = np.random.default_rng(0)
    Js = [rng.normal(size=s) for s in [(4, 5), (3, 4), (1, 3)]]
    fwd, rev = lesson.forward_accumulate(Js), lesson.reverse_accumulate(Js)
    assert [n for n, _ in fwd] == ["J1", "J2 @ J1", "J3 @ J2 @ J1"]
    assert [M.shape for _, M in fwd] == [(4, 5), (3, 5), (1, 5)]
    assert [n for n, _ in rev] == ["J3", "J3 @ J2", "J3 @ J2 @ J1"]
    assert [M.shape for _, M in rev] == [(1, 3), (1, 4), (1, 5)]
    np.testing.assert_allclose(fwd[-1][1], Js[2] @ Js[1] @ Js[0], rtol=1e-12)
    np.testing.assert_allclose(rev[-1][1], fwd[-1][1], rtol=1e-12)


# ---- lesson 6: from the chain rule to backprop
# -----------------------------------------------------------
def test_network_jacobians_and_gradient_match_sympy():
    x = np.array(lesson.NETWORK_X)
    c = lesson.network_chain(x)
    assert c.sizes == [2, 3, 2, 1]
    for name, J, p in zip(lesson.NETWORK, c.jacobians, c.points):
        np.testing.assert_allclose(
            J, exact_jacobian(functions.get(name), p), rtol=1e-12, atol=1e-14
        )
    expected = composed_jacobian(list(lesson.NETWORK), x)
    grad = lesson.reverse_accumulate(c.jacobians)[-1][1]
    assert grad.shape == (1, 2)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    np.testing.assert_allclose(gl.gradient(lesson.network, x), expected, rtol=1e-7)


def test_passes_one_per_input_forward_one_per_output_reverse():
    rng = np.random.default_rng(1)
    Js = [rng.normal(size=s) for s in [(4, 5), (2, 4)]]
    J_f = Js[1] @ Js[0]
    for mode, count in (("forward", 5), ("reverse", 2)):
        J, n = lesson.passes(Js, mode)
        assert n == count and J.shape == (2, 5)
        np.testing.assert_allclose(J, J_f, rtol=1e-12)
    v, u = rng.normal(size=(5, 1)), rng.normal(size=(1, 2))
    np.testing.assert_allclose(lesson.jvp(Js, v), J_f @ v, rtol=1e-12)
    np.testing.assert_allclose(lesson.vjp(Js, u), u @ J_f, rtol=1e-12)
    with pytest.raises(gl.GradlibError, match="mode='sideways'; use 'forward' or 'reverse'"):
        lesson.passes(Js, "sideways")


def brute_force_cheapest(sizes):
    """Cheapest bracketing of J_L ... J_1 by trying every bracketing (no dynamic programming)."""
    p = sizes[::-1]  # product order: factor t has shape (p[t], p[t+1])

    def best(a, b):
        if a == b:
            return 0
        return min(best(a, s) + best(s + 1, b) + p[a] * p[s + 1] * p[b + 1] for s in range(a, b))

    return best(0, len(p) - 2)


@pytest.mark.parametrize(
    "sizes",
    [(100, 50, 20, 1), (1, 10, 100, 1000), (5, 1000, 1000, 5), (10, 1, 10, 10), (2, 3, 2, 1)],
)
def test_cost_scene_counts_against_brute_force(sizes):
    n, m1, m2, k = sizes
    s = lesson.cost_scene(sizes, step=1)
    assert s.costs["forward"] == m2 * m1 * n + k * m2 * n
    assert s.costs["reverse"] == k * m2 * m1 + k * m1 * n
    assert s.costs["optimal"] == brute_force_cheapest(list(sizes))
    assert [shape for _, shape in s.steps["forward"]] == [(m1, n), (m2, n), (k, n)]
    assert [shape for _, shape in s.steps["reverse"]] == [(k, m2), (k, m1), (k, n)]
    assert s.winner == (
        "tie"
        if s.costs["forward"] == s.costs["reverse"]
        else min(("forward", "reverse"), key=lambda o: s.costs[o])
    )


def test_cost_scene_clips_the_step():
    assert lesson.cost_scene([3, 4, 5, 6], step=7).step == 2


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 6
# ------------------------------------------------------------------------------------------------
def test_cost_sliders_change_the_counts():
    w = lesson.AccumulationCost(sizes=(100, 50, 20, 1))
    s = w.state
    assert (s["forward"], s["reverse"], s["winner"]) == (
        50 * 100 * 20 + 20 * 100,
        50 * 100 + 20 * 50,
        "reverse",
    )
    w.k.value = 1000
    w.n.value = 1
    s = w.state
    assert s["sizes"] == (1, 50, 20, 1000)
    assert s["forward"] == 50 * 20 * 1 + 1000 * 20 * 1
    assert s["reverse"] == 1000 * 20 * 50 + 1000 * 50 * 1
    assert s["winner"] == "forward" and s["optimal"] == s["forward"]
    w.step.value = 1
    assert w.state["step"] == 1 and w.state["shapes"]["reverse"][1] == (1000, 50)
    assert "<li style='font-weight:bold'>J3 @ J2: (1000x20)(20x50)" in w.panel.value


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_6_accumulation_cost(page, lab):
    (box,) = open_and_run(page, lab, "06_backprop.ipynb")
    assert f"{gl.chain.costs([100, 50, 20, 1])['forward']:,}" in panel_text(box)
    before = image_src(box)
    box.locator(".noUi-handle").nth(3).focus()  # output k: 1 -> 2
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    c = gl.chain.costs([100, 50, 20, 2])
    text = panel_text(box)
    assert "100 -> 50 -> 20 -> 2" in text, text
    assert f"forward (J3 @ (J2 @ J1)): {c['forward']:,}" in text, text
    assert f"reverse ((J3 @ J2) @ J1): {c['reverse']:,}" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson6_after_interaction")
