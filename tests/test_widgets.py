"""Widgets driven in the kernel (no browser): controls change ``state`` to independently computed
values, artists move without redrawing the background, and the display bundle is complete."""
import base64

import numpy as np
import pytest
import sympy as sp
from matplotlib.contour import ContourSet

from gradlib import GradlibError, functions, style, widgets
from gradlib.widgets._base import WIDGET_VIEW, fmt, matrix_html


def exact(name, x):
    e = functions.get(name)
    J = sp.Matrix(e.expr).jacobian(sp.Matrix(e.variables))
    return np.array(J.subs(dict(zip(e.variables, x))).evalf(), dtype=float)


# ---- every registered widget, lessons 0-7 --------------------------------------------------------
@pytest.fixture(params=sorted(widgets.REGISTRY), scope="module")
def widget(request):
    return widgets.REGISTRY[request.param]()


def test_display_bundle_has_live_view_png_and_fixed_text(widget):
    data, metadata = widget._repr_mimebundle_()
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == widget.box.model_id
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert data["text/plain"].startswith(widget.text) and "run the notebook" in widget.text
    assert metadata["image/png"]["alt"] in data["text/plain"]


def test_image_has_fixed_size_of_the_figure(widget):
    width, height = style.png_size(widget.figure)
    assert (widget.image.layout.width, widget.image.layout.height) == (f"{width}px", f"{height}px")
    style.require_labels(widget.figure)


def test_demo_moves_change_what_is_shown(widget):
    moves = widget.demo_moves()
    assert len(moves) >= 4
    for label, move in moves:
        before_png, before_panel = widget.png, widget.panel.value
        move()
        assert widget.image.value == widget.png
        assert (widget.png, widget.panel.value) != (before_png, before_panel), label
        assert widget.last_callback_ms > 0


# ---- lesson 1: the gradient explorer ----------------------------------------------------------------
def test_gradient_explorer_state_follows_the_sliders():
    w = widgets.GradientExplorer("saddle", x=(1.0, 0.5), angle=0.0, h=0.25)
    ax = w.axes[0]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    w.x1.value, w.x2.value, w.angle.value = -0.5, 1.2, 90.0
    s = w.state
    np.testing.assert_allclose(s["x"], [-0.5, 1.2])
    np.testing.assert_allclose(s["gradient"], exact("saddle", [-0.5, 1.2]), atol=1e-6)   # [[2x, -2y]]
    np.testing.assert_allclose(s["gradient"], [[-1.0, -2.4]], atol=1e-6)
    np.testing.assert_allclose(s["directional"], [[-2.4]], atol=1e-6)        # d = (0, 1) picks df/dy
    assert s["true_change"][0, 0] == pytest.approx((-0.5) ** 2 - 1.45 ** 2 - (0.25 - 1.44))
    # the moving artists moved; the contours were not redrawn (same objects)
    np.testing.assert_allclose(w._artists_now.point.get_xydata(), [[-0.5, 1.2]])
    assert [c for c in ax.collections if isinstance(c, ContourSet)] == contours
    assert fmt(-2.4) in w.panel.value and "(1 x 2)" in w.panel.value and "(2 x 1)" in w.panel.value


def test_gradient_explorer_new_function_redraws_and_keeps_point_inside():
    w = widgets.GradientExplorer("paraboloid", x=(1.9, -1.9))
    w.function.value = "rosenbrock"            # window x in [-2, 2], y in [-1, 3]
    s = w.state
    assert s["function"] == "rosenbrock" and w.axes[0].get_ylim() == (-1.0, 3.0)
    np.testing.assert_allclose(s["x"], [1.9, -1.0])
    np.testing.assert_allclose(s["gradient_symbolic"], exact("rosenbrock", [1.9, -1.0]), rtol=1e-12)
    assert "rosenbrock" in w.axes[0].get_title()


# ---- lesson 2: the curve explorer ---------------------------------------------------------------
def test_curve_explorer_state_follows_t_and_dt():
    w = widgets.CurveExplorer("circle", t=0.0, dt=0.5)
    w.t.value, w.dt.value = np.pi / 2, -0.2
    s = w.state
    np.testing.assert_allclose(s["point"], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(s["derivative"], exact("circle", [np.pi / 2]), atol=1e-7)   # (-1, 0)
    np.testing.assert_allclose(s["step"], [[0.2], [0.0]], atol=1e-7)
    assert s["derivative"].shape == (2, 1) and s["dt"].shape == (1, 1)
    np.testing.assert_allclose(w._artists_now.point.get_xydata(), [[0.0, 1.0]], atol=1e-12)
    assert "(2 x 1) @ (1 x 1) = (2 x 1)" in w.panel.value


def test_curve_explorer_switches_between_2d_and_3d():
    w = widgets.CurveExplorer("circle")
    assert w.axes[0].name == "rectilinear"
    w.function.value = "helix"
    assert w.axes[0].name == "3d" and w.state["derivative"].shape == (3, 1)
    w.t.value = 2.0
    np.testing.assert_allclose(w.state["derivative"], exact("helix", [2.0]), atol=1e-7)


# ---- lesson 3: the Jacobian explorers ---------------------------------------------------------
def test_jacobian_rows_highlights_the_chosen_row():
    w = widgets.JacobianRows("polar_to_cartesian", x=(1.2, 0.8), row=0)
    w.row.value = 1
    w.x1.value = 2.0
    s = w.state
    J = exact("polar_to_cartesian", [2.0, 0.8])
    np.testing.assert_allclose(s["J"], J, atol=1e-6)
    np.testing.assert_allclose(s["row_gradient"], J[1:2], atol=1e-6)
    assert matrix_html(s["J"], name="J_f(x)", highlight_row=1) in w.panel.value
    assert "f_2" in w.axes[0].get_title()


def test_jacobian_rows_on_a_three_input_function():
    w = widgets.JacobianRows("softmax")
    w.row.value = 2
    s = w.state
    assert s["J"].shape == (3, 3) and s["x"].size == 3
    np.testing.assert_allclose(s["J"], exact("softmax", s["x"]), atol=1e-7)
    assert "held at" in w.panel.value


def test_jacobian_grid_area_ratio_tends_to_det():
    w = widgets.JacobianGrid("polar_to_cartesian", x=(1.2, 0.8), radius=0.3)
    w.radius.value = 0.02
    s = w.state
    assert s["det"] == pytest.approx(1.2, rel=1e-6)          # det of the polar Jacobian is r
    assert s["area_ratio"] == pytest.approx(1.2, rel=1e-3)
    w.x1.value = 1.8
    assert w.state["det"] == pytest.approx(1.8, rel=1e-6)
    np.testing.assert_allclose(w._artists_now.x.get_xydata(), [[1.8, 0.8]])


def test_shape_explorer_cases():
    w = widgets.ShapeExplorer(n=3, m=2)
    w.m.value = 1
    assert (w.state["J"], w.state["case"]) == ((1, 3), "gradient: a row")
    w.n.value, w.m.value = 1, 4
    assert (w.state["J"], w.state["df"], w.state["case"]) == ((4, 1), (4, 1), "derivative of a curve: a column")
    assert "J (4x1) @ dx (1x1) -&gt; df (4x1)" in w.panel.value


# ---- panels ---------------------------------------------------------------------------------------
def test_matrix_html_refuses_1d():
    with pytest.raises(GradlibError, match=r"matrix_html needs a 2-D matrix, got shape \(2,\)"):
        matrix_html([1.0, 2.0])


def test_label_refuses_missing_title():
    fig, ax = style.new_figure()
    with pytest.raises(GradlibError, match="label\\(\\) needs a non-empty title"):
        style.label(ax, "", "x", "y")
    with pytest.raises(GradlibError, match="axes 0 of the figure has no title, xlabel, ylabel"):
        style.require_labels(fig)


def test_dropped_views_are_redrawn_with_the_right_numbers():
    # Keep only 2 pictures, then visit every row of three functions: the oldest views are dropped,
    # and coming back draws them again with the numbers of the point shown now.
    w = widgets.JacobianRows("polar_to_cartesian", x=(1.2, 0.8), row=0)
    w.max_views = 2
    for name in ["spherical_to_cartesian", "softmax", "polar_to_cartesian"]:
        w.function.value = name
        for row in range(functions.get(name).n_out):
            w.row.value = row
            assert len(w._views) <= 2 and w.state["row"] == row
    w.function.value = "polar_to_cartesian"
    w.row.value = 1
    x = w.state["x"]
    np.testing.assert_allclose(w.state["J"], exact("polar_to_cartesian", x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.state["row_gradient"][0], exact("polar_to_cartesian", x)[1], rtol=1e-9, atol=1e-12)
    assert "row 2 of J" in w.panel.value


def test_chain_stepper_past_its_picture_limit():
    w = widgets.REGISTRY["chain"]()
    pairs = [value for _, value in w.pair.options]
    seen_shapes = set()
    for g1, g2 in pairs:
        w.pair.value = (g1, g2)
        seen_shapes.add((functions.get(g1).n_in, functions.get(g1).n_out, functions.get(g2).n_out))
        assert len(w._views) <= w.max_views
    assert len(seen_shapes) > w.max_views
    g1, g2 = pairs[0]
    w.pair.value = (g1, g2)
    x = np.asarray(w.state["x"], dtype=float)
    np.testing.assert_allclose(w.state["J_g1"], exact(g1, x), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(w.state["J_g2"], exact(g2, np.atleast_1d(functions.get(g1).f(x))), rtol=1e-7, atol=1e-9)
