"""Lesson 5, numeric vs symbolic: its numbers against SymPy, its widget in the kernel and in a
browser."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy as sp
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    screenshot,
    wait_new_image,
)

import gradlib as gl
from gradlib.errors import NotAnalyticError
from gradlib.topics import numeric_vs_symbolic as lesson

# ---- the numbers ----------------------------------------------------------------------

EPS = np.finfo(float).eps


def test_error_curves_shape_floor_and_domain_gaps():
    p = lesson.problem("log(x) at x = 0.01")
    curves = lesson.error_curves(p, lesson.H_GRID)
    assert set(curves) == {"forward", "central", "richardson", "complex"}
    for err in curves.values():
        assert err.shape == lesson.H_GRID.shape
        assert np.nanmin(err) >= lesson.ERROR_FLOOR
    leaves_domain = lesson.H_GRID >= 0.01  # x - h <= 0: log is -inf or NaN
    assert not np.isfinite(curves["central"][leaves_domain]).any()
    assert np.isfinite(curves["central"][~leaves_domain]).all()
    assert np.isfinite(curves["forward"]).all()


def test_complex_step_curve_is_flat_at_machine_precision():
    p = lesson.problem("Squire-Trapp at x = 1.5")
    err = lesson.error_curves(p)["complex"]
    assert err[lesson.H_GRID <= 1e-8].max() < 4 * EPS


# ---- lesson 5: numeric vs symbolic
# --------------------------------------------------------------------
@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
@pytest.mark.parametrize("h", [2.0**-6, 2.0**-12, 2.0**-20])
def test_plain_stencils_match_gl_derivative_at_the_same_absolute_step(method, h):
    f, x = np.sin, 0.75  # x + h exact for these powers of two, so both use the same points
    mine = lesson.STENCILS[method].estimate(f, x, h)
    theirs = gl.derivative(f, x, method=method, step=h)
    assert theirs.shape == (1, 1)
    # same function values, combined in another order: they differ by rounding only
    assert abs(mine - theirs[0, 0]) <= 8 * EPS / h + 1e-14


@pytest.mark.parametrize("h", [1e-6, 1e-10, 1e-30])
def test_complex_step_matches_gl_derivative(h):
    mine = lesson.complex_step(np.exp, 1.0, h)
    assert mine == gl.derivative(np.exp, 1.0, method="complex", step=h)[0, 0]


@pytest.mark.parametrize(
    "method, factor, ratio",
    [("forward", 10, 10), ("central", 10, 100), ("richardson", 2, 16), ("complex", 10, 100)],
)
def test_error_shrinks_with_the_order_of_the_stencil(method, factor, ratio):
    """Truncation-dominated h: error(h) / error(h / factor) = factor ** order."""
    p = lesson.problem("Squire-Trapp at x = 1.5")
    h = np.array([1e-2, 1e-2 / factor])
    err = np.abs(lesson.STENCILS[method].estimate(p.f, p.x0, h) - p.exact)
    assert err[0] / err[1] == pytest.approx(ratio, rel=0.05)


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_leading_truncation_term_matches_the_taylor_coefficient(method):
    s = lesson.STENCILS[method]
    p = lesson.problem("exp(x) at x = 1")
    h = 1e-2 if s.order > 2 else 1e-3
    err = s.estimate(p.f, p.x0, h) - p.exact
    sign = -1 if method in ("richardson", "complex") else 1
    predicted = sign * s.truncation_factor * p.derivatives[s.derivative_in_truncation] * h**s.order
    assert err == pytest.approx(predicted, rel=0.02)


@pytest.mark.parametrize("name", list(lesson.PROBLEMS))
def test_problem_derivatives_match_sympy_to_full_precision(name):
    p = lesson.problem(name)
    text, x0, _ = lesson.PROBLEMS[name]
    x = sp.Symbol("x")
    expr = sp.sympify(text, locals={"x": x})
    for d, value in enumerate(p.derivatives):
        exact = float(sp.diff(expr, x, d).evalf(30, subs={x: sp.Float(x0, 30)}))
        assert value == pytest.approx(exact, rel=1e-13)


def test_predicted_optimal_step_formula_and_measured_optimum():
    p = lesson.problem("exp(x) at x = 1")
    # forward: E = e h / 2 + eps e / h, smallest at h = sqrt(2 eps)
    assert lesson.predicted_optimal_step(p, "forward") == pytest.approx(np.sqrt(2 * EPS), rel=1e-12)
    assert lesson.predicted_optimal_step(p, "complex") == float("inf")
    for row in lesson.optimal_steps(p):
        assert abs(np.log10(row["measured h*"] / row["predicted h*"])) < 1.0, row
        assert row["error at h*"] < 1e-7


def test_scene_estimates_are_the_stencils_at_the_slider_step():
    s = lesson.scene("sin(10x) at x = 1", -4.0)
    p = s.problem
    assert s.h == 1e-4
    for m in lesson.METHODS:
        assert s.estimates[m] == lesson.STENCILS[m].estimate(p.f, p.x0, 1e-4)
        assert s.errors[m] == pytest.approx(
            abs(s.estimates[m] - 10 * np.cos(10.0)) / abs(10 * np.cos(10.0))
        )


def test_central_and_complex_step_err_by_the_same_amount_with_opposite_signs():
    """Issue 10: lesson 5 said both "err by h^2 f'''/6"; their errors have opposite signs."""
    h = 1e-2
    central = lesson.central(np.exp, 1.0, h) - np.e
    complex_step = lesson.complex_step(np.exp, 1.0, h) - np.e
    leading = h**2 * np.e / 6  # f''' = e at x = 1
    assert central == pytest.approx(leading, rel=1e-3)
    assert complex_step == pytest.approx(-leading, rel=1e-3)
    nb = nbformat.read(
        Path(__file__).resolve().parents[2] / "notebooks" / "05_numeric_vs_symbolic.ipynb", 4
    )
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "both err by" not in text and "opposite signs" in text


def test_attempt_reports_errors_and_warnings_as_text():
    a = lesson.attempt(gl.derivative, np.abs, 0.5, method="complex")
    assert a.value is None and a.error.startswith(
        "NotAnalyticError: method='complex' cannot differentiate"
    )
    with pytest.raises(NotAnalyticError):
        gl.derivative(np.abs, 0.5, method="complex")
    b = lesson.attempt(gl.derivative, np.sqrt, 1e-7, method="central", step=1e-6)
    assert b.error is None and b.value.shape == (1, 1)
    assert b.warnings[0].startswith("OneSidedWarning: f is not finite at x[0] - 1e-06")
    kink = str(lesson.attempt(gl.derivative, np.abs, 0.0)).splitlines()
    assert kink[0] == "returned [[0.]]"
    assert kink[1].startswith(
        "warned NotDifferentiableWarning: f seems not differentiable at x = [0.] along input 0"
    )


def test_agreement_table_against_the_closed_form():
    def closed(x):
        return 3 * x**2 * np.sin(x) + x**3 * np.cos(x)

    a = lesson.agreement("x**3*sin(x)", 2.0, closed)
    assert [s for s, _ in a.rows] == [
        "SymPy, lambdified",
        "closed form",
        "gl.derivative central",
        "gl.derivative richardson",
        "gl.derivative complex",
    ]
    for _, v in a.rows:
        assert v == pytest.approx(closed(2.0), rel=1e-8)
    assert "NO" not in str(a) and str(a).count("yes") == 5


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 5
# -------------------------------------------------------------------------------------------
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
    w = lesson.StepSizeWidget("exp(x) at x = 1", log10_h=-5.0)
    w.slider.value = h
    s = w.state
    assert s["h"] == pytest.approx(h, rel=1e-12) and s["exact"] == np.e
    roundoff = 4 * np.finfo(float).eps * np.e / s["h"]  # the same values summed in another order
    for m in ("forward", "central", "richardson", "complex"):
        assert s["estimates"][m] == pytest.approx(
            plain(m, np.exp, 1.0, s["h"]), rel=1e-13, abs=roundoff
        )
        assert s["errors"][m] == pytest.approx(max(abs(s["estimates"][m] - np.e) / np.e, 1e-17))


def test_step_dropdown_switches_function_and_best_steps():
    w = lesson.StepSizeWidget()
    w.dropdown.value = "sin(10x) at x = 1"
    s = w.state
    assert s["exact"] == pytest.approx(10 * np.cos(10.0), rel=1e-15)
    assert s["estimates"]["central"] == pytest.approx(
        plain("central", lambda t: np.sin(10 * t), 1.0, 1e-5), rel=1e-12
    )
    # truncation grows with the higher derivatives (10^p): best steps are smaller than for exp
    w2 = lesson.StepSizeWidget("exp(x) at x = 1")
    assert s["best_h"]["central"] < w2.state["best_h"]["central"]
    assert "sin(10*x)" in w.panel.value


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_5_step_size_explorer(page, lab):
    (box,) = open_and_run(page, lab, "05_numeric_vs_symbolic.ipynb")
    before = image_src(box)
    box.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")  # log10 h: -5 -> -4.5
    wait_new_image(page, box, before)
    s = lesson.scene("exp(x) at x = 1", -4.5)
    text = panel_text(box)
    assert "h = 3e-05" in text, text
    for m in lesson.METHODS:
        assert f"{s.estimates[m]:.12f}" in text, (m, text)
    before = image_src(box)
    box.locator("select").first.select_option(label="sin(10x) at x = 1")
    wait_new_image(page, box, before)
    text = panel_text(box)
    assert f"exact f'(x) = {10 * np.cos(10.0):.12f}" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson5_after_interaction")
