"""The widgets of lessons 4-7 driven in the kernel (no browser): each control changes ``state`` to
values computed here independently (SymPy, plain stencils, brute-force counting)."""
import numpy as np
import pytest
import sympy as sp

from gradlib import functions, widgets
from gradlib.widgets.backprop import AccumulationCost
from gradlib.widgets.chain import ChainRuleStepper
from gradlib.widgets.layout import LayoutToggle
from gradlib.widgets.steps import StepSizeWidget


def composed_jacobian(g1, g2, x):
    G1, G2 = functions.get(g1), functions.get(g2)
    expr = sp.Matrix(G2.expr).subs(dict(zip(G2.variables, G1.expr)), simultaneous=True)
    J = expr.jacobian(sp.Matrix(G1.variables))
    return np.array(J.subs(dict(zip(G1.variables, x))).evalf(), dtype=float)


def test_lesson_widgets_are_registered():
    for name, cls in [("chain", ChainRuleStepper), ("steps", StepSizeWidget), ("backprop", AccumulationCost),
                      ("layout", LayoutToggle)]:
        assert widgets.REGISTRY[name] is cls


# ---- lesson 4 ------------------------------------------------------------------------------------------
def test_chain_stepper_next_previous_and_slider_walk_the_entries():
    w = ChainRuleStepper("linear_map", "neural_layer", x=(0.5, -0.5))
    J = composed_jacobian("linear_map", "neural_layer", [0.5, -0.5])
    assert w.state["entry"] == (0, 0) and w.entry.max == 3
    assert w.state["shape_strip"] == "(2 x 3)(3 x 2) = (2 x 2)"
    w.next.click()
    s = w.state
    assert s["entry"] == (0, 1)
    assert s["value"] == pytest.approx(J[0, 1], rel=1e-10)
    assert sum(p for _, _, p in s["terms"]) == pytest.approx(J[0, 1], rel=1e-10)
    assert s["J_f_shown"][0][0] == pytest.approx(J[0, 0], rel=1e-10) and np.isnan(s["J_f_shown"][0][1])
    w.prev.click()
    w.prev.click()                       # stays at the first entry
    assert w.state["entry"] == (0, 0)
    w.entry.value = 3
    assert w.state["entry"] == (1, 1) and w.state["value"] == pytest.approx(J[1, 1], rel=1e-10)
    assert "J_f[1, 1]" in w.panel.value and r"\frac{\partial f_{2}}{\partial x_{2}}" in w.formula.value
    w.next.click()                       # stays at the last entry
    assert w.state["entry"] == (1, 1)


def test_chain_stepper_pair_and_point_controls():
    w = ChainRuleStepper()
    w.pair.value = ("polar_to_cartesian", "paraboloid")
    s = w.state
    assert (s["g1"], s["g2"], s["step"]) == ("polar_to_cartesian", "paraboloid", 0)
    assert s["x"] == [2.0, 0.5236]       # g1's catalogue point (2, pi/6), as typed in the text box
    assert w.point.value == "2, 0.5236"
    assert w.entry.max == 1 and s["shape_strip"] == "(1 x 2)(2 x 2) = (1 x 2)"
    w.point.value = "3, 0.25"
    assert w.state["x"] == [3.0, 0.25]
    assert w.state["value"] == pytest.approx(6.0, rel=1e-12)         # f = r^2, df/dr = 2r
    w.point.value = "3, oops"                                          # a typo keeps the last good point
    assert w.state["x"] == [3.0, 0.25] and "is not a list of numbers" in w.state["message"]
    assert "is not a list of numbers" in w.panel.value


# ---- lesson 5 -------------------------------------------------------------------------------------------
def plain(method, f, x, h):
    """The stencils written once more, independently of gradlib."""
    if method == "forward":
        return (f(x + h) - f(x)) / h
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    if method == "richardson":
        return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)
    return np.imag(f(x + 1j * h)) / h


@pytest.mark.parametrize("h", [1e-2, 1e-6, 1e-12])
def test_step_slider_shows_each_method_at_that_step(h):
    w = StepSizeWidget("exp(x) at x = 1", log10_h=-5.0)
    w.slider.value = h
    s = w.state
    assert s["h"] == pytest.approx(h, rel=1e-12) and s["exact"] == np.e
    roundoff = 4 * np.finfo(float).eps * np.e / s["h"]    # the same values summed in another order
    for m in ("forward", "central", "richardson", "complex"):
        assert s["estimates"][m] == pytest.approx(plain(m, np.exp, 1.0, s["h"]), rel=1e-13, abs=roundoff)
        assert s["errors"][m] == pytest.approx(max(abs(s["estimates"][m] - np.e) / np.e, 1e-17))


def test_step_dropdown_switches_function_and_best_steps():
    w = StepSizeWidget()
    w.dropdown.value = "sin(10x) at x = 1"
    s = w.state
    assert s["exact"] == pytest.approx(10 * np.cos(10.0), rel=1e-15)
    assert s["estimates"]["central"] == pytest.approx(plain("central", lambda t: np.sin(10 * t), 1.0, 1e-5),
                                                      rel=1e-12)
    # truncation grows with the higher derivatives (10^p): best steps are smaller than for exp
    w2 = StepSizeWidget("exp(x) at x = 1")
    assert s["best_h"]["central"] < w2.state["best_h"]["central"]
    assert "sin(10*x)" in w.panel.value


# ---- lesson 6 ------------------------------------------------------------------------------------------------
def test_cost_sliders_change_the_counts():
    w = AccumulationCost(sizes=(100, 50, 20, 1))
    s = w.state
    assert (s["forward"], s["reverse"], s["winner"]) == (50 * 100 * 20 + 20 * 100, 50 * 100 + 20 * 50, "reverse")
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


# ---- lesson 7 ------------------------------------------------------------------------------------------------
def test_layout_toggle_transposes_and_reverses():
    w = LayoutToggle()
    J = composed_jacobian("linear_map", "square_norm", [1.0, 2.0])
    s = w.state
    assert s["order"] == ["J_g2", "J_g1"] and s["shapes"] == [(1, 3), (3, 2)]
    np.testing.assert_allclose(s["result"], J, rtol=1e-12)
    png = w.png
    w.layout_buttons.value = "denominator"
    s = w.state
    assert s["order"] == ["J_g1ᵀ", "J_g2ᵀ"] and s["shapes"] == [(2, 3), (3, 1)] and s["result_name"] == "∇f"
    np.testing.assert_allclose(s["result"], J.T, rtol=1e-12)
    assert w.png != png and r"\frac{\partial y}{\partial x}" in w.formula.value
    w.example.value = "vector output: neural_layer ∘ helix"
    s = w.state
    np.testing.assert_allclose(s["result"], composed_jacobian("helix", "neural_layer", [1.0]).T, rtol=1e-10)
    assert s["shape_text"] == "J_g1ᵀ (1x3) @ J_g2ᵀ (3x2) -> J_fᵀ (1x2)"
