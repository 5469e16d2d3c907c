"""Lesson 10, second order: its numbers against SymPy, its widget in the kernel and in a browser."""

import numpy as np
import pytest
import sympy as sp
from lab_browser import (
    count_sent,
    image_src,
    open_and_run,
    press_right,
    screenshot,
    slider_handle,
    wait_new_image,
    wait_panel,
)
from matplotlib.text import Text
from test_widget import sent_by  # tests/topics/test_widget.py

import gradlib as gl
from gradlib import functions
from gradlib.exercises import resolve
from gradlib.topics import second_order as lesson
from gradlib.topics._widget import fmt
from gradlib.topics.gradient_row import inside

NAMES = lesson.names()


def exact(name, x):
    """f(x), its gradient (1, 2) and Hessian (2, 2) by SymPy alone, as floats."""
    entry = functions.get(name)
    f, v = entry.expr[0], sp.Matrix(entry.variables)
    at = dict(zip(entry.variables, x))
    grad = sp.Matrix([f]).jacobian(v)
    return (
        float(f.subs(at)),
        np.array(grad.subs(at).evalf(), dtype=float),
        np.array(sp.hessian(f, v).subs(at).evalf(), dtype=float),
    )


def value(name, x):
    return exact(name, x)[0]


# ---- the numbers ----------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_hessian_is_the_jacobian_of_the_transposed_gradient(name):
    entry = functions.get(name)
    v = sp.Matrix(entry.variables)
    by_jacobian = sp.Matrix([entry.expr[0]]).jacobian(v).T.jacobian(v)
    assert lesson.hessian_expr(name).shape == (2, 2)
    assert sp.simplify(lesson.hessian_expr(name) - by_jacobian) == sp.zeros(2, 2)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("x", [[0.7, -0.4], [-1.3, 1.1]])
def test_scene_matches_sympy(name, x):
    s = lesson.scene(name, x, alpha=0.01)
    f0, g, H = exact(name, x)
    assert s.gradient.shape == (1, 2) and s.hessian.shape == s.hessian_exact.shape == (2, 2)
    assert s.value == pytest.approx(f0, rel=1e-12)
    np.testing.assert_allclose(s.gradient, g, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(s.hessian_exact, H, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s.hessian, H, rtol=1e-6, atol=1e-6)
    assert (s.hessian == s.hessian.T).all()  # exactly symmetric
    np.testing.assert_allclose(s.eigenvalues, np.linalg.eigvalsh(H), rtol=1e-6, atol=1e-6)
    V = s.eigenvectors
    np.testing.assert_allclose(s.hessian @ V, V * s.eigenvalues, atol=1e-6)
    np.testing.assert_allclose(s.gradient_step, -0.01 * g.T, rtol=1e-6, atol=1e-9)
    assert s.after_gradient == pytest.approx(value(name, x - 0.01 * g[0]), rel=1e-6, abs=1e-9)
    d = s.gradient_step
    model = f0 + (g @ d)[0, 0] + 0.5 * (d.T @ H @ d)[0, 0]
    assert s.model_gradient == pytest.approx(model, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_newton_step_solves_h_d_equals_minus_gradient_transposed(name):
    x = [0.7, -0.4]
    s = lesson.scene(name, x)
    _, g, H = exact(name, x)
    assert s.newton_step.shape == (2, 1)
    np.testing.assert_allclose(s.hessian @ s.newton_step, -s.gradient.T, rtol=1e-9, atol=1e-9)
    exact_H = sp.Matrix(H).applyfunc(sp.nsimplify)
    exact_step = np.array(exact_H.LUsolve(-sp.Matrix(g.T)), dtype=float)
    np.testing.assert_allclose(s.newton_step, exact_step, rtol=1e-5, atol=1e-6)
    landing = np.asarray(x) + exact_step[:, 0]
    assert s.after_newton == pytest.approx(value(name, landing), rel=1e-5, abs=1e-6)


def test_newton_step_refuses_a_singular_hessian():
    message = r"H = \[\[1.0, 2.0\], \[2.0, 4.0\]\] is singular .* no Newton step"
    with pytest.raises(gl.GradlibError, match=message):
        lesson.newton_step([[1.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]])
    # Rosenbrock at (0, 0.005): H = [[0, 0], [0, 200]] exactly; numerically 2e-8 instead of 0
    s = lesson.scene("rosenbrock", [0.0, 0.005])
    assert s.newton_step is None and np.isnan(s.after_newton) and s.kind == "undecided"


def test_quadratic_model_shapes_and_values():
    g, H = np.array([[-3.0, 1.0]]), np.array([[6.0, -1.0], [-1.0, 4.0]])
    q = lesson.quadratic_model(3.0, g, H, [[0.5], [0.25]])
    assert q.shape == (1, 1) and q[0, 0] == 2.5  # 3 - 1.25 + (1.5 - 0.25 + 0.25) / 2
    D = np.array([[0.5, 0.0, -1.0], [0.25, 0.0, 2.0]])
    np.testing.assert_allclose(
        lesson.quadratic_model(3.0, g, H, D), [[2.5, 3.0, 3 + 3 + 2 + (6 + 4 + 16) / 2]]
    )


@pytest.mark.parametrize("name", ["paraboloid", "saddle", "squared_error"])
def test_the_model_of_a_quadratic_is_the_function_itself(name):
    s = lesson.scene(name, [0.4, -1.2])
    rng = np.random.default_rng(1)
    D = rng.uniform(-2, 2, (2, 5))
    np.testing.assert_allclose(
        s.model(D)[0], [value(name, s.x + d) for d in D.T], rtol=1e-7, atol=1e-9
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_model_error_shrinks_like_the_cube_of_the_step(name):
    s = lesson.scene(name, [0.7, -0.4])
    d = np.array([[0.6], [-0.8]])
    errors = [abs(value(name, s.x + t * d[:, 0]) - s.model(t * d)[0, 0]) for t in (0.02, 0.01)]
    if errors[0] > 1e-12:  # exactly 0 for a quadratic f
        assert 6 < errors[0] / errors[1] < 10


@pytest.mark.parametrize(
    "lam, kind",
    [
        ([2.0, 3.0], "minimum"),
        ([-1.0, -0.5], "maximum"),
        ([3.0, -0.5], "saddle"),
        ([1.0, 0.0], "undecided"),
        ([1e-12, 400.0], "undecided"),
        ([-6.0, 2.0, 1.0], "saddle"),
    ],
)
def test_classify_by_the_signs_of_the_eigenvalues(lam, kind):
    assert lesson.classify(lam) == kind


def test_stationary_points_of_the_catalogue_as_the_lesson_prints_them():
    kinds = {
        name: lesson.classify(np.linalg.eigvalsh(gl.hessian(functions.get(name).f, point)))
        for name, point in [
            ("paraboloid", [0, 0]),
            ("bump", [0, 0]),
            ("saddle", [0, 0]),
            ("rosenbrock", [1, 1]),
        ]
    }
    assert kinds == {
        "paraboloid": "minimum",
        "bump": "maximum",
        "saddle": "saddle",
        "rosenbrock": "minimum",
    }


# ---- the race, as the lesson tells it -------------------------------------------------
def test_newton_reaches_rosenbrocks_minimum_in_six_steps_after_a_jump_up():
    f = functions.get("rosenbrock").f
    newton = lesson.path("rosenbrock", [-0.5, 0.0], "newton", steps=6)
    assert newton.shape == (7, 2)
    values = [f(p) for p in newton]
    assert values[2] > 100 * values[1]  # "jumps up on its second step"
    second = lesson.scene("rosenbrock", newton[1])
    assert second.model_newton < second.value  # the model predicted a decrease
    np.testing.assert_allclose(newton[-1], [1.0, 1.0], atol=1e-8)
    assert all(inside(p, lesson.bounds("rosenbrock")) for p in newton)


def test_gradient_steps_creep_and_overshoot_above_two_over_lambda_max():
    f = functions.get("rosenbrock").f
    x = [-0.5, 0.0]
    descent = lesson.path("rosenbrock", x, "gradient", steps=6, alpha=0.002)
    values = [f(p) for p in descent]
    assert all(b < a for a, b in zip(values, values[1:])) and values[-1] > 1.8
    assert f(lesson.path("rosenbrock", x, "gradient", steps=1000, alpha=0.002)[-1]) > 0.03
    lam_max = np.linalg.eigvalsh(exact("rosenbrock", x)[2]).max()
    assert 0.004 < 2 / lam_max < 0.01
    assert f(lesson.path("rosenbrock", x, "gradient", steps=1, alpha=0.01)[-1]) > values[0]


def test_newton_goes_uphill_to_the_saddle_point_and_stays():
    newton = lesson.path("saddle", [1.0, 1.5], "newton", steps=2)
    np.testing.assert_allclose(newton[1:], 0.0, atol=1e-9)
    assert value("saddle", newton[1]) > value("saddle", newton[0])
    assert lesson.scene("saddle", [1.0, 1.5]).newton_uphill
    descent = lesson.path("saddle", [1.0, 1.5], "gradient", steps=3, alpha=0.1)
    values = [value("saddle", p) for p in descent]
    assert values == sorted(values, reverse=True)
    assert abs(descent[-1, 1]) > 1.5  # sliding away from y = 0


def test_newton_climbs_to_the_bumps_maximum():
    s = lesson.scene("bump", [0.3, 0.2])
    assert s.kind == "maximum" and s.newton_uphill
    assert s.after_newton > s.value
    assert np.linalg.norm(s.x + s.newton_step[:, 0]) < 0.06


def test_path_refuses_an_unknown_method():
    with pytest.raises(gl.GradlibError, match="method='newtn': use 'gradient' or 'newton'"):
        lesson.path("paraboloid", [1.0, 0.5], "newtn", steps=1)


# ---- hessian-vector products ------------------------------------------------------------
def test_rosenbrock_n_and_its_hessian_vector_product_against_sympy():
    xs = sp.symbols("x1:5")
    expr = sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(3))
    point, v = np.array([0.5, -0.3, 1.2, 0.8]), np.array([1.0, 2.0, -1.0, 0.5])
    at = dict(zip(xs, point))
    assert lesson.rosenbrock_n(point) == pytest.approx(float(expr.subs(at)), rel=1e-14)
    H = np.array(sp.hessian(expr, xs).subs(at), dtype=float)
    np.testing.assert_allclose(gl.hvp(lesson.rosenbrock_n, point, v), H @ v[:, None], rtol=1e-8)
    assert lesson.rosenbrock_n([0.5, 0.25]) == functions.get("rosenbrock").f(np.array([0.5, 0.25]))


@pytest.mark.parametrize("n", [2, 10])
def test_evaluation_counts_of_hvp_and_hessian(n):
    point, v = np.full(n, 0.5), np.ones(n)
    thrice = lambda f, x: [f(x) for _ in range(3)]
    assert lesson.evaluations(thrice, lesson.rosenbrock_n, point) == 3
    # what the lesson prints: H v costs about 2 gradients, H about n^2 evaluations
    assert lesson.evaluations(gl.hvp, lesson.rosenbrock_n, point, v) == 2 * n + 7
    assert lesson.evaluations(gl.hessian, lesson.rosenbrock_n, point) == n * n + 3 * n + 3


def test_curvature_reference_against_sympy_on_the_exercise_inputs():
    entry = functions.get("rosenbrock")
    for x, v in gl.exercise("10.5").problem["inputs"]:
        H = exact("rosenbrock", x)[2]
        v = np.array(v, dtype=float)[:, None]
        np.testing.assert_allclose(
            lesson.curvature(np.array(x), v[:, 0]), v.T @ H @ v / (v.T @ v), rtol=1e-8
        )
    # along an eigenvector the curvature is its eigenvalue
    lam, V = np.linalg.eigh(exact("rosenbrock", [-0.5, 0.0])[2])
    assert lesson.curvature([-0.5, 0.0], V[:, 0])[0, 0] == pytest.approx(lam[0], rel=1e-8)
    assert entry.n_in == 2


# ---- the exercises' declared mistakes, recomputed with SymPy ------------------------------
def test_exercise_10_1_mistakes_are_what_their_names_say():
    ex = gl.exercise("10.1")
    x, y = sp.symbols("x y")
    f = x**3 * y + y**3
    at = {x: 2, y: sp.Rational(3, 2)}
    H = np.array(sp.hessian(f, (x, y)).subs(at), dtype=float)
    grad = np.array(sp.Matrix([f]).jacobian([x, y]).subs(at), dtype=float)
    expected = {
        "missing_mixed_term": [np.diag(np.diag(H))],
        "swapped_variables": [H[::-1, ::-1]],
        "gradient_instead": [grad, grad.T],
    }
    for m in ex.mistakes:
        wrong = np.array(m.answer, dtype=float)
        assert any(np.array_equal(wrong, e) for e in expected[m.kind]), (wrong, m.kind)
        assert m.message
    assert not np.array_equal(H, H[::-1, ::-1]) and H[0, 1] != 0


def test_exercise_10_3_mistakes_are_what_their_names_say():
    p = gl.exercise("10.3").problem
    g, H, d = (sp.Matrix(p[k]).applyfunc(sp.nsimplify) for k in ("gradient", "hessian", "d"))
    f0, lin = sp.nsimplify(p["value"]), (g * d)[0]
    quad, mixed = (d.T * H * d)[0], 2 * H[0, 1] * d[0] * d[1]
    expected = {
        "missing_half": f0 + lin + quad,
        "missing_value": lin + quad / 2,
        "linear_only": f0 + lin,
        "sign_of_linear_term": f0 - lin + quad / 2,
        "mixed_term_once": f0 + lin + (quad - mixed / 2) / 2,
        "diagonal_only": f0 + lin + (quad - mixed) / 2,
    }
    mistakes = {m.kind: m.answer for m in gl.exercise("10.3").mistakes}
    assert mistakes == {kind: float(v) for kind, v in expected.items()}
    truth = float(f0 + lin + quad / 2)
    values = [truth, *mistakes.values()]
    pairs = [(a, b) for i, a in enumerate(values) for b in values[i + 1 :]]
    assert all(abs(a - b) > 0.01 * max(abs(a), abs(b)) for a, b in pairs)
    assert float(f"{truth:.3g}") == truth  # exact with 3 significant digits


def test_exercise_10_4_choice_matches_the_eigenvalues():
    H = sp.Matrix([[2, 4], [4, 2]])
    x, y = sp.symbols("x y")
    assert sp.hessian(x**2 + 4 * x * y + y**2, (x, y)) == H
    eigenvalues = np.array(sorted(H.eigenvals()), dtype=float)
    assert lesson.classify(eigenvalues) == gl.exercise("10.4").problem["answer"]


def test_exercise_10_5_mistakes_are_what_their_names_say():
    x, v = (np.array(a, dtype=float) for a in gl.exercise("10.5").problem["inputs"][0])
    H = exact("rosenbrock", x)[2]
    c = v @ H @ v
    expected = {"not_normalized": c, "divided_by_length": c / np.linalg.norm(v)}
    for m in gl.exercise("10.5").mistakes:
        got = resolve(m.function)(x, v)
        if m.kind == "hv_not_curvature":
            np.testing.assert_allclose(got, H @ v[:, None], rtol=1e-8)
        else:
            assert got.shape == (1, 1)
            assert got[0, 0] == pytest.approx(expected[m.kind], rel=1e-8)
            assert abs(got[0, 0] - c / (v @ v)) > 0.01 * abs(c / (v @ v))


def test_right_answers_to_3_significant_digits_are_accepted():
    assert gl.exercise("10.3").check(2.50) and gl.exercise("10.3").check("2.5")
    assert gl.exercise("10.1").check([[18, 12], [12, 9]]) and gl.exercise("10.2").check((4, 4))
    assert gl.exercise("10.4").check(" Saddle ") and gl.exercise("10.5").check(lesson.curvature)
    assert not gl.exercise("10.3").check(2.51)


# ---- the drawing ----------------------------------------------------------------------
def test_model_lines_are_level_lines_of_the_model_inside_the_disk():
    s = lesson.scene("rosenbrock", [-0.5, 0.0])
    box = lesson.bounds("rosenbrock")
    levels = np.array([5.0, 10.0, 50.0])
    lines = lesson.model_lines(s, levels, box, radius=1.0, num=201)
    assert lines
    for line in lines:
        q = s.model((line - s.x).T)[0]
        assert np.min(np.abs(q[:, None] - levels), axis=1).max() < 0.02 * levels.max()
        assert np.hypot(*(line - s.x).T).max() <= 1.0 + 0.03


def test_eigen_segments_run_along_the_eigenvectors_and_stay_in_the_window():
    s = lesson.scene("saddle", [1.9, -1.9])  # near a corner: both ends cut
    box = lesson.bounds("saddle")
    seg = lesson.eigen_segments(s, box, length=0.6)
    assert seg.shape == (2, 2, 2)
    for i in range(2):
        direction = seg[i, 1] - seg[i, 0]
        v = s.eigenvectors[:, i]
        assert abs(direction[0] * v[1] - direction[1] * v[0]) < 1e-12  # parallel to v
        assert all(inside(p, box) for p in seg[i])


# ---- the widget, in the kernel ------------------------------------------------------------
def test_explorer_state_follows_the_sliders():
    w = lesson.SecondOrderExplorer("rosenbrock", x=(-0.5, 0.0), alpha=0.002)
    w.x1.value, w.x2.value = 0.5, 1.0
    s = w.state
    _, g, H = exact("rosenbrock", [0.5, 1.0])
    np.testing.assert_allclose(s["x"], [0.5, 1.0])
    np.testing.assert_allclose(s["hessian"], H, rtol=1e-6)
    np.testing.assert_allclose(s["hessian"] @ s["newton_step"], -s["gradient"].T, atol=1e-8)
    assert s["kind"] == "saddle"  # H = [[102, -200], [-200, 200]]
    for number in (*H.ravel(), s["value"]):
        assert fmt(number) in w.panel.value
    assert "(2 x 2)" in w.panel.value and "(1 x 2)" in w.panel.value and "saddle" in w.panel.value


def test_newton_and_gradient_buttons_take_exact_steps_and_back_returns():
    w = lesson.SecondOrderExplorer("rosenbrock", x=(-0.5, 0.0), alpha=0.002)
    w.newton_button.click()
    expected = lesson.path("rosenbrock", [-0.5, 0.0], "newton", steps=1)[-1]
    np.testing.assert_allclose(w.state["x"], expected, rtol=1e-12)
    message = f"Took a Newton step: f went from {fmt(8.5)} to {fmt(value('rosenbrock', expected))}."
    assert message in w.panel.value
    w.gradient_button.click()
    expected = lesson.path("rosenbrock", expected, "gradient", steps=1, alpha=0.002)[-1]
    np.testing.assert_allclose(w.state["x"], expected, rtol=1e-12)
    assert w.state["steps"] == {"Newton step": 1, "gradient step": 1}
    assert "So far: 1 Newton step, 1 gradient step." in w.panel.value
    assert w.state["path"].shape == (3, 2)
    np.testing.assert_allclose(w.drawing.path.get_xydata(), w.state["path"])
    w.back.click()
    np.testing.assert_allclose(w.state["x"], [-0.5, 0.0])
    assert w.state["steps"] == {} and w.state["path"].shape == (1, 2)
    assert "Took" not in w.panel.value


def test_a_step_out_of_the_window_is_refused_and_a_singular_h_has_no_newton_step():
    w = lesson.SecondOrderExplorer("rosenbrock", x=(-1.0, 1.0))
    w.newton_button.click()  # lands at (1, -3): below y = -1
    np.testing.assert_allclose(w.state["x"], [-1.0, 1.0])
    message = "The Newton step would land at (1.00, -3.00), outside the window: the point stays."
    assert message in w.panel.value
    w._set_point([0.0, 0.005])  # H = [[0, 0], [0, 200]]
    w.refresh()
    assert w.state["newton_step"] is None
    assert not w.drawing.newton_step.get_visible()
    w.newton_button.click()
    np.testing.assert_allclose(w.state["x"], [0.0, 0.005])
    assert "H is singular here: there is no Newton step. The point stays." in w.panel.value


def test_a_slider_move_starts_a_new_path_and_keeps_the_other_coordinate_exact():
    w = lesson.SecondOrderExplorer("rosenbrock", x=(-0.5, 0.0))
    w.newton_button.click()
    x = w.state["x"].copy()
    w.x1.value = 0.0
    np.testing.assert_allclose(w.state["x"], [0.0, x[1]], rtol=1e-12)
    assert w.state["path"].shape == (1, 2) and w.state["steps"] == {}
    w.function.value = "saddle"
    assert w.state["function"] == "saddle" and w.state["path"].shape == (1, 2)
    np.testing.assert_allclose(w.state["x"], [0.0, x[1]], rtol=1e-12)


def _texts(figure):
    """Every visible text of the figure's visible axes (title, labels, ticks, legend, labels)."""
    out = []
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        out += [t for t in ax.findobj(Text) if t.get_visible() and t.get_text()]
    return out


def _inside(artist, box, renderer, tolerance=1.0):
    extent = artist.get_window_extent(renderer)
    return (
        box.x0 - tolerance <= extent.x0
        and extent.x1 <= box.x1 + tolerance
        and box.y0 - tolerance <= extent.y0
        and extent.y1 <= box.y1 + tolerance
    )


def sent_messages(w):
    """Record, in order, which of the widget's picture, panel and point sliders send an update to
    the browser (as they do in a kernel)."""
    parts = {"image": w.image, "panel": w.panel, "x1": w.x1, "x2": w.x2}
    log = []
    for name, part in parts.items():
        sent_by(part, log, name)
    return log


@pytest.mark.parametrize("button", ["newton_button", "back"])
def test_a_step_sends_the_picture_before_the_sliders(button):
    # A slider's new value, sent first, made the browser redraw it and send it back on its own
    # step grid before it showed the new picture (3 messages from the page for one click).
    w = lesson.SecondOrderExplorer("paraboloid", x=(1.0, 0.5))
    if button == "back":
        w.newton_button.click()
    log = sent_messages(w)
    getattr(w, button).click()
    assert log[:2] == ["image", "panel"] and sorted(log[2:]) == ["x1", "x2"]
    assert (w.x1.value, w.x2.value) == ((0.0, 0.0) if button == "newton_button" else (1.0, 0.5))


@pytest.mark.parametrize("name", NAMES)
def test_every_slider_to_both_ends_and_every_button(name):
    w = lesson.SecondOrderExplorer(name)
    renderer = w.figure.canvas.get_renderer()
    for slider in (w.x1, w.x2, w.alpha):
        for end in (slider.min, slider.max):
            slider.value = 10**end if slider is w.alpha else end
            for button in (w.newton_button, w.gradient_button, w.back):
                button.click()
                assert not w.panel.value.count("Traceback")
                a = w.drawing
                box = w.axes[0].get_window_extent(renderer)
                for artist in [a.model, *a.eigen, *a.eigen_labels, a.gradient_step, a.newton_step]:
                    if artist.get_visible():
                        where = (name, slider.description, end, artist)
                        assert _inside(artist, box, renderer), where
                assert inside(w.state["x"], lesson.bounds(name))  # the sliders' range
                for marker in (a.point, a.newton_end, a.path):  # drawn in the picture
                    if not marker.get_visible():
                        continue
                    assert all(inside(p, lesson.window(name)) for p in marker.get_xydata())
    w.figure.canvas.draw()
    sizes = [t.get_fontsize() for t in _texts(w.figure)]
    assert len(sizes) > 20 and min(sizes) >= 9


# ---- in a real browser (make test-browser) ------------------------------------------------
@pytest.mark.browser
def test_lesson_10_second_order_explorer(page, lab):
    (box,) = open_and_run(page, lab, "10_second_order.ipynb")
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson10_start")
    start = image_src(box)
    press_right(page, box, 0)  # x: -0.50 -> -0.45, y = 0
    x = np.array([-0.45, 0.0])
    f0, g, H = exact("rosenbrock", x)
    numbers = [fmt(number) for number in (f0, *g[0], *H.ravel())]
    text = wait_panel(box, *numbers)
    for number in numbers:
        assert number in text, (number, text)
    assert image_src(box) != start
    before = image_src(box)
    sent = count_sent(page)
    box.get_by_role("button", name="Newton step").click()
    wait_new_image(page, box, before)
    landing = x + np.linalg.solve(H, -g[0])
    after = value("rosenbrock", landing)
    expected = [
        f"x = ({fmt(landing[0])}, {fmt(landing[1])})",
        f"Took a Newton step: f went from {fmt(f0)} to {fmt(after)}.",
    ]
    text = wait_panel(box, *expected)
    assert all(e in text for e in expected), text
    # The sliders show the landing point (-0.40, 0.15) on their steps, as the browser computes
    # them: they send nothing back (they did: -0.4 came back as -0.3999999999999999).
    page.wait_for_timeout(500)
    assert sent() == 1  # the click
    screenshot(page, "lesson10_after_newton_step")
    for key, name in (("End", "alpha_max"), ("Home", "alpha_min")):  # alpha to both ends
        before = image_src(box)
        slider_handle(box, 2).focus()
        page.keyboard.press(key)
        wait_new_image(page, box, before)
        alpha = {"End": "α = 1.000", "Home": "α = 0.001"}[key]
        assert alpha in wait_panel(box, alpha)
        screenshot(page, f"lesson10_{name}")
