"""Lesson 6, backprop: its numbers against SymPy, its widget in the kernel and in a browser."""

import itertools
from pathlib import Path

import nbformat
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


def brute_force_cheapest(factors):
    """Cheapest bracketing of F_L ... F_1 by trying every bracketing (no dynamic programming).

    factors: (rows, cols, diagonal) with F_1 first. A diagonal factor only scales rows or columns.
    """
    chain = factors[::-1]

    def best(a, b):
        """(cost, rows, cols, diagonal) of the cheapest product chain[a] ... chain[b]."""
        if a == b:
            return (0, *chain[a])
        options = []
        for s in range(a, b):
            c1, p, q, d1 = best(a, s)
            c2, _, r, d2 = best(s + 1, b)
            cost = q if d1 and d2 else q * r if d1 else p * q if d2 else p * q * r
            options.append((c1 + c2 + cost, p, r, d1 and d2))
        return min(options)

    return best(0, len(chain) - 1)[0]


def dense(sizes, tanh=False):
    out = []
    for i in range(1, len(sizes)):
        out.append((sizes[i], sizes[i - 1], False))
        if tanh and i < len(sizes) - 1:
            out.append((sizes[i], sizes[i], True))
    return out


SIZES = [
    (100, 50, 20, 10, 1),
    (1, 10, 100, 1000, 1000),
    (5, 1000, 1, 1000, 5),
    (10, 1, 10, 10, 2),
    (2, 3, 2, 2, 1),
    (1000, 1000, 1000, 1000, 1000),
]


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("tanh", [False, True])
def test_cost_scene_counts_against_brute_force(sizes, tanh):
    n, m1, m2, m3, k = sizes
    s = lesson.cost_scene(sizes, step=1, elementwise=tanh)
    diag = tanh * (m1 + m2 + m3)  # a tanh scales the carried matrix: n columns or k rows
    assert s.costs["forward"] == m2 * m1 * n + m3 * m2 * n + k * m3 * n + diag * n
    assert s.costs["reverse"] == k * m3 * m2 + k * m2 * m1 + k * m1 * n + diag * k
    assert s.costs["optimal"] == brute_force_cheapest(dense(sizes, tanh))
    if not tanh:  # dense factors: the same counts as gradlib.chain.costs
        c = gl.chain.costs(list(sizes))
        assert (s.costs["forward"], s.costs["reverse"], s.costs["optimal"]) == (
            c["forward"],
            c["reverse"],
            c["optimal"],
        )
    assert [shape for _, shape in s.steps["reverse"]][-1] == (k, n)
    expected = [(m1, n), (m2, n), (m3, n), (k, n)]
    if not tanh:
        assert [shape for _, shape in s.steps["forward"]] == expected
    f, r, o = s.costs["forward"], s.costs["reverse"], s.costs["optimal"]
    assert s.winner == (
        "a middle bracketing"
        if o < min(f, r)
        else "tie"
        if f == r
        else min(("forward", "reverse"), key=lambda order: s.costs[order])
    )


def test_three_factors_have_no_middle_bracketing_four_do():
    """Issue 10: with 3 factors the only bracketings are the pure orders; a middle one needs 4."""
    grid = [1, 2, 10, 100, 1000]
    for sizes in itertools.product(grid, repeat=4):
        c = lesson.order_costs(lesson.network_factors(sizes))
        assert c["optimal"] == min(c["forward"], c["reverse"])
    bottleneck = dict(lesson.PRESETS)["a bottleneck in the middle: a middle bracketing wins"]
    c = lesson.cost_scene(bottleneck).costs
    assert c["bracketing"] == "(J4 @ J3) @ (J2 @ J1)"
    assert c["optimal"] * 5 < min(c["forward"], c["reverse"])


def test_the_lesson_network_with_tanh_element_wise():
    """Issue 10: the counts the lesson states for its 2 -> 3 -> 2 -> 1 network, backprop as VJPs."""
    factors = lesson.NETWORK_FACTORS
    c = lesson.network_chain()
    assert [(f.rows, f.cols) for f in factors if f.name != "D"] == [(3, 2), (2, 3), (1, 2)]
    assert [J.shape for J in c.jacobians] == [(3, 2), (2, 3), (1, 2)]
    costs = lesson.order_costs(factors)
    # forward: W J1 (2*3*2), D (2*2, element-wise), J3 (1*2*2);
    # reverse: J3 D (2, element-wise), @ W (1*2*3), @ J1 (1*3*2)
    assert (costs["forward"], costs["reverse"]) == (12 + 4 + 4, 2 + 6 + 6)
    dense_costs = gl.chain.costs(c.sizes)  # the tanh layer's Jacobian formed, as one factor
    assert (dense_costs["forward"], dense_costs["reverse"]) == (16, 12)


def test_vjp_through_tanh_is_element_wise_and_equals_the_matrix_product():
    rng = np.random.default_rng(3)
    z, u = rng.normal(size=4), rng.normal(size=(1, 4))
    np.testing.assert_allclose(lesson.vjp_tanh(z, u), u @ np.diag(1 - np.tanh(z) ** 2), rtol=1e-14)
    D = lesson.Factor("D", 4, 4, diagonal=True)
    assert lesson.product_cost(lesson.Factor("u", 1, 4), D) == 4  # not 16


def test_cost_scene_clips_the_step():
    assert lesson.cost_scene([3, 4, 5, 6, 7], step=7).step == 3
    assert lesson.cost_scene([3, 4, 5, 6, 7], step=7, elementwise=True).step == 6


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 6
# ------------------------------------------------------------------------------------------------
def test_cost_sliders_change_the_counts():
    w = lesson.AccumulationCost(sizes=(100, 50, 20, 10, 1))
    s = w.state
    assert (s["forward"], s["reverse"], s["winner"]) == (121000, 6200, "reverse")
    w.k.value = 1000
    w.n.value = 1
    s = w.state
    assert s["sizes"] == (1, 50, 20, 10, 1000)
    assert s["forward"] == 50 * 20 + 20 * 10 + 10 * 1000
    assert s["reverse"] == 1000 * 10 * 20 + 1000 * 20 * 50 + 1000 * 50
    assert s["winner"] == "forward" and s["optimal"] == s["forward"]
    w.step.value = 1
    assert w.state["step"] == 1 and w.state["shapes"]["reverse"][1] == (1000, 20)
    assert "<li style='font-weight:bold'>J4 @ J3: (1000x10)(10x20)" in w.panel.value


def test_cost_presets_and_tanh():
    w = lesson.AccumulationCost()
    w.preset.value = dict(lesson.PRESETS)["a bottleneck in the middle: a middle bracketing wins"]
    s = w.state
    assert s["sizes"] == (10, 1000, 1, 1000, 10) and s["winner"] == "a middle bracketing"
    assert "best: (J4 @ J3) @ (J2 @ J1):" in w.panel.value
    w.tanh.value = True
    assert w.step.max == 6 and w.state["elementwise"]
    assert w.state["forward"] == 120000 + (1000 + 1 + 1000) * 10
    assert "element-wise" in w.panel.value


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_6_accumulation_cost(page, lab):
    (box,) = open_and_run(page, lab, "06_backprop.ipynb")
    assert f"{gl.chain.costs([1000, 100, 50, 10, 1])['forward']:,}" in panel_text(box)
    before = image_src(box)
    box.locator(".noUi-handle").nth(4).focus()  # output k: 1 -> 2
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)
    c = gl.chain.costs([1000, 100, 50, 10, 2])
    text = panel_text(box)
    assert "sizes: 1000 -> 100 -> 50 -> 10 -> 2" in text, text
    assert f"forward (right to left): {c['forward']:,}" in text, text
    assert f"reverse (left to right): {c['reverse']:,}" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson6_after_interaction")


def test_what_lesson_6_says_about_costs_is_true():
    """Issue 10: lesson 6's statements with numbers in them, computed."""
    nb = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "06_backprop.ipynb", 4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "by far the cheapest" not in text and "splits elsewhere" not in text
    c = lesson.order_costs(lesson.NETWORK_FACTORS)
    assert f"{c['forward']} against {c['reverse']}: reverse mode wins" in text
    b = lesson.cost_scene((10, 1000, 1, 1000, 10)).costs
    assert "(10 → 1000 → 1 → 1000 → 10)" in text and "about six times less than either" in text
    assert 5.5 < min(b["forward"], b["reverse"]) / b["optimal"] < 6.5
    assert "(J_4 J_3)(J_2 J_1)" in text and b["bracketing"] == "(J4 @ J3) @ (J2 @ J1)"
