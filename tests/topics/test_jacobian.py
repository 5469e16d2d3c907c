"""Lesson 3, the Jacobian: its numbers against SymPy, its widget in the kernel and in a browser."""

import numpy as np
import pytest
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    press_right,
    screenshot,
    wait_new_image,
)
from reference import exact_jacobian, exact_jacobian_of

import gradlib as gl
from gradlib import functions
from gradlib.topics import jacobian as lesson
from gradlib.topics._widget import fmt, matrix_html

# ---- the numbers ----------------------------------------------------------------------


# ---- jacobian -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", lesson.names())
def test_jacobian_scene_matches_sympy_and_rows_are_gradients(name):
    entry = functions.get(name)
    x = np.asarray(entry.point, dtype=float) + 0.1
    for row in range(entry.n_out):
        s = lesson.scene(name, x, row)
        expected = exact_jacobian(entry, x)
        assert s.J.shape == (entry.n_out, entry.n_in) and s.row_gradient.shape == (1, entry.n_in)
        np.testing.assert_allclose(s.J_symbolic, expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.J, expected, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(s.row_gradient[0], expected[row], rtol=1e-6, atol=1e-7)


def test_the_lesson_offers_the_catalogue_maps():
    # complex_square and shear are catalogue entries (issue 9), offered after the others; their
    # f against their formula is tested with every entry's, in tests/test_functions.py
    assert not hasattr(lesson, "EXTRA_MAPS") and not hasattr(lesson, "entry")
    assert lesson.names() == [g.name for g in functions.by_kind("map")]
    assert lesson.names()[-2:] == lesson.names(2, 2)[1:] == ["complex_square", "shear"]


def test_scene_refuses_a_row_that_does_not_exist():
    with pytest.raises(
        gl.GradlibError,
        match=r"row=2 does not exist: 'polar_to_cartesian' has 2 outputs, rows 0..1",
    ):
        lesson.scene("polar_to_cartesian", [1.0, 0.5], row=2)


def test_component_holds_the_other_inputs():
    f_2 = lesson.component("softmax", 1, [0.0, 0.0, 0.5])
    p = np.array([[1.0, 0.0], [2.0, 0.0]])
    z = np.array([[1.0, 0.0], [2.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(f_2(p), np.exp(z[1]) / np.exp(z).sum(axis=0), rtol=1e-14)


def test_grid_map_linear_part_and_area():
    g = lesson.grid_map("polar_to_cartesian", [1.5, 0.3], radius=0.2, count=3, points=5)
    assert g.lines.shape == g.image.shape == g.linear.shape == (6, 5, 2)
    J = exact_jacobian(functions.get("polar_to_cartesian"), [1.5, 0.3])
    np.testing.assert_allclose(g.linear, g.y + (g.lines - g.x) @ J.T, rtol=1e-6, atol=1e-8)
    assert g.det == pytest.approx(1.5, rel=1e-6)  # det of the polar Jacobian is r
    small = lesson.grid_map("polar_to_cartesian", [1.5, 0.3], radius=0.005)
    assert small.area_ratio == pytest.approx(1.5, rel=1e-3)


def test_grid_map_of_a_linear_map_is_exact_jacobian_of():
    g = lesson.grid_map("shear", [0.2, -0.4], radius=0.5)
    np.testing.assert_allclose(g.image, g.linear, atol=1e-9)
    assert g.area_ratio == pytest.approx(1.5, rel=1e-6) and g.det == pytest.approx(1.5, rel=1e-6)


def test_grid_map_needs_a_plane_map():
    with pytest.raises(gl.GradlibError, match="'linear_map' is not a map R\\^2 -> R\\^2"):
        lesson.grid_map("linear_map", [1.0, 2.0])


@pytest.mark.parametrize(
    "n, m, case",
    [
        (3, 1, "gradient: a row"),
        (1, 4, "derivative of a curve: a column"),
        (1, 1, "derivative of f: R -> R: a 1 x 1 matrix"),
        (2, 3, "Jacobian: m rows, one gradient per output"),
    ],
)
def test_shape_scene(n, m, case):
    s = lesson.shape_scene(n, m)
    assert (s.J, s.dx, s.df, s.name) == ((m, n), (n, 1), (m, 1), case)
    assert s.text == f"J ({m}x{n}) @ dx ({n}x1) -> df ({m}x1)"


def test_shape_scene_refuses_zero():
    with pytest.raises(gl.GradlibError, match="sizes must be at least 1, got n=0, m=2"):
        lesson.shape_scene(0, 2)


# ---- the widget, in the kernel ------------------------------------------------------------


def test_dropped_views_are_redrawn_with_the_right_numbers():
    # Keep only 2 pictures, then visit every row of three functions: the oldest views are dropped,
    # and coming back draws them again with the numbers of the point shown now.
    w = lesson.JacobianRows("polar_to_cartesian", x=(1.2, 0.8), row=0)
    w.max_views = 2
    for name in ["spherical_to_cartesian", "softmax", "polar_to_cartesian"]:
        w.function.value = name
        for row in range(functions.get(name).n_out):
            w.row.value = row
            assert len(w._views) <= 2 and w.state["row"] == row
    w.function.value = "polar_to_cartesian"
    w.row.value = 1
    x = w.state["x"]
    np.testing.assert_allclose(
        w.state["J"], exact_jacobian_of("polar_to_cartesian", x), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        w.state["row_gradient"][0],
        exact_jacobian_of("polar_to_cartesian", x)[1],
        rtol=1e-9,
        atol=1e-12,
    )
    assert "row 2 of J" in w.panel.value


# ---- lesson 3: the Jacobian explorers ---------------------------------------------------------
def test_jacobian_rows_highlights_the_chosen_row():
    w = lesson.JacobianRows("polar_to_cartesian", x=(1.2, 0.8), row=0)
    w.row.value = 1
    w.x1.value = 2.0
    s = w.state
    J = exact_jacobian_of("polar_to_cartesian", [2.0, 0.8])
    np.testing.assert_allclose(s["J"], J, atol=1e-6)
    np.testing.assert_allclose(s["row_gradient"], J[1:2], atol=1e-6)
    assert matrix_html(s["J"], name="J_f(x)", highlight_row=1) in w.panel.value
    assert "f_2" in w.axes[0].get_title()


def test_jacobian_rows_on_a_three_input_function():
    w = lesson.JacobianRows("softmax")
    w.row.value = 2
    s = w.state
    assert s["J"].shape == (3, 3) and s["x"].size == 3
    np.testing.assert_allclose(s["J"], exact_jacobian_of("softmax", s["x"]), atol=1e-7)
    assert "held at" in w.panel.value


def test_jacobian_grid_area_ratio_tends_to_det():
    w = lesson.JacobianGrid("polar_to_cartesian", x=(1.2, 0.8), radius=0.3)
    w.radius.value = 0.02
    s = w.state
    assert s["det"] == pytest.approx(1.2, rel=1e-6)  # det of the polar Jacobian is r
    assert s["area_ratio"] == pytest.approx(1.2, rel=1e-3)
    w.x1.value = 1.8
    assert w.state["det"] == pytest.approx(1.8, rel=1e-6)
    np.testing.assert_allclose(w.drawing.x.get_xydata(), [[1.8, 0.8]])


def test_shape_explorer_cases():
    w = lesson.ShapeExplorer(n=3, m=2)
    w.m.value = 1
    assert (w.state["J"], w.state["case"]) == ((1, 3), "gradient: a row")
    w.n.value, w.m.value = 1, 4
    assert (w.state["J"], w.state["df"], w.state["case"]) == (
        (4, 1),
        (4, 1),
        "derivative of a curve: a column",
    )
    assert "J (4x1) @ dx (1x1) -&gt; df (4x1)" in w.panel.value


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
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
        page.wait_for_timeout(1500)  # time for any echo from the browser to come back
        (lo1, _), (lo2, _) = lesson.bounds(name)
        x1, x2 = (
            lo + round((v - lo) / 0.05) * 0.05
            for v, lo in zip(functions.get(name).point[:2], (lo1, lo2))
        )
        readouts = box.locator(".widget-readout").all_inner_texts()
        assert readouts[:2] == [f"{x1:.2f}", f"{x2:.2f}"], (name, readouts)
        assert f"({fmt(x1, 2)}, {fmt(x2, 2)}" in panel_text(box), (name, panel_text(box))
    rows.scroll_into_view_if_needed()
    screenshot(page, "lesson3_rows_after_interaction")
    grid.scroll_into_view_if_needed()
    screenshot(page, "lesson3_grid_after_interaction")
