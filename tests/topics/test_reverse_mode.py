"""Lesson 9, reverse mode: the walk against the engine and gl.jacobian, softmax, the classifier,
the memory count, the exercises, the widget in the kernel and in a browser."""

import numpy as np
import pytest
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    screenshot,
    slider_handle,
    wait_new_image,
)
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

import gradlib as gl
from gradlib import autodiff as ad
from gradlib.exercises import resolve
from gradlib.topics import _style as style
from gradlib.topics import reverse_mode as lesson
from gradlib.topics._widget import fmt

EXAMPLES = sorted(lesson.EXAMPLES)


# ---- the walk: steps against the engine and against gl.jacobian ------------------------------
def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def local_forward(node, parent_index, labels):
    """The node's forward step as a numpy function of one parent's value (the others fixed)."""
    values = [p.value for p in node.parents]

    def f(v):
        args = list(values)
        args[parent_index] = v.reshape(values[parent_index].shape)
        if node.op == "cross_entropy":
            (P,) = args
            return np.atleast_1d(-np.log(P[np.arange(len(labels)), labels]).mean())
        out = {
            "@": lambda a, b: a @ b,
            "+": lambda a, b: a + b,
            "*": lambda a, b: a * b,
            "tanh": np.tanh,
            "softmax": _softmax,
            "sum": np.sum,
        }[node.op](*args)
        return np.ravel(out)

    return f


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_backward_step_is_u_times_the_local_jacobian(name):
    w = lesson.walk(name)
    labels = np.asarray(lesson.EXAMPLES[name].args[-1]) if name == "network" else None
    nodes = w.graph.nodes
    checked = 0
    for s in w.steps:
        if s.phase != "backward":
            continue
        node = nodes[s.node]
        assert s.upstream.shape == node.shape
        for j, (p, contribution) in enumerate(s.sent):
            parent = nodes[p]
            J = gl.jacobian(local_forward(node, j, labels), parent.value.ravel())
            assert J.shape == (max(node.size, 1), parent.size)
            expected = (s.upstream.reshape(1, -1) @ J).reshape(parent.shape)
            assert contribution.shape == parent.shape
            np.testing.assert_allclose(contribution, expected, rtol=1e-6, atol=1e-9)
            checked += 1
    assert checked == len(w.edges)


@pytest.mark.parametrize("name", EXAMPLES)
def test_walk_is_the_engines_backward_pass_and_its_gradients(name):
    ex, w = lesson.EXAMPLES[name], lesson.walk(name)
    fresh = ad.trace(ex.fn, *ex.args, argnums=ex.argnums)
    steps = [s for s in w.steps if s.phase == "backward"]
    engine = list(fresh.backward())
    assert [s.node.op for s in engine] == [w.graph.nodes[s.node].op for s in steps]
    for mine, theirs in zip(steps, engine, strict=True):
        np.testing.assert_array_equal(mine.upstream, theirs.upstream)
        assert [c.tolist() for _, c in mine.sent] == [c.tolist() for _, c in theirs.contributions]
    grads = ad.grad(ex.fn, argnums=ex.argnums)(*ex.args)
    for i, (g, mine) in enumerate(zip(grads, w.gradients, strict=True)):
        np.testing.assert_array_equal(g, mine)
        k = ex.argnums[i]
        args = list(ex.args)

        def whole(v, k=k, args=args):
            args[k] = v.reshape(ex.args[k].shape)
            return float(ex.fn(*args))

        np.testing.assert_allclose(
            mine, gl.gradient(whole, ex.args[k].ravel()).reshape(g.shape), rtol=1e-6, atol=1e-9
        )


def test_steps_order_and_colouring():
    w = lesson.walk("network")
    phases = [s.phase for s in w.steps]
    assert phases == ["start"] + ["forward"] * 7 + ["backward"] * 12
    assert [w.label(s.node) for s in w.steps[1:8]] == ["P1", "Z1", "H", "P2", "Z2", "S", "L"]
    assert [w.label(s.node) for s in w.steps[8:]] == [
        "L",
        "S",
        "Z2",
        "P2",
        "H",
        "Z1",
        "P1",
        "b2",
        "W2",
        "b1",
        "W1",
        "x",
    ]
    assert sum(w.steps[0].computed) == 5 and not any(w.steps[0].complete)
    assert all(w.steps[7].computed) and not any(w.steps[7].complete)
    assert sum(w.steps[12].complete) == 5 and all(w.steps[-1].complete)
    # b2 gets (1, 3) from a (2, 3) U: broadcasting's VJP sums over the batch
    z2 = w.steps[10]
    assert w.label(z2.node) == "Z2"
    sent = {w.label(p): c for p, c in z2.sent}
    np.testing.assert_allclose(sent["b2"], z2.upstream.sum(axis=0, keepdims=True), rtol=1e-15)


def test_fan_out_adds_the_contributions():
    w = lesson.walk("expression")
    last = w.steps[-1]
    assert w.label(last.node) == "x" and [w.label(c) for c, _ in last.received] == ["Q", "P"]
    np.testing.assert_allclose(last.upstream, sum(c for _, c in last.received), rtol=1e-15)
    head, lines = lesson.step_lines(w, len(w.steps) - 1)
    assert head == "Backward 6 of 6: at the input x"
    assert lines[0] == "U = ∂L/∂x, shape (1, 2): the sum of 2 contributions (fan-out)"


def test_step_lines_state_the_rule_and_the_shapes():
    w = lesson.walk("network")
    assert lesson.step_lines(w, 0)[1] == [
        "inputs: x, W1, b1, W2, b2",
        "forward: 7 operations, left to right, each value stored",
        "backward: 12 nodes, right to left, one VJP each",
    ]
    assert lesson.step_lines(w, 1) == (
        "Forward 1 of 7: P1 = x @ W1",
        ["P1 has shape (2, 3)", "its value is stored for the backward pass"],
    )
    head, lines = lesson.step_lines(w, 14)
    assert head == "Backward 7 of 12: at P1 = x @ W1"
    assert lines == [
        "U = ∂L/∂P1, shape (2, 3)",
        "VJP of @ (A = x, B = W1): dA = U @ B.T, dB = A.T @ U",
        "sends dA (2, 2) to x, dB (2, 3) to W1",
    ]
    assert lesson.step_lines(w, 8)[1][0] == "U = ∂L/∂L = 1, shape (): the seed"


def test_layout_puts_every_node_in_its_own_place():
    for name in EXAMPLES:
        w = lesson.walk(name)
        assert len(set(w.positions)) == len(w.positions)
        cols = {i: c for i, (c, _) in enumerate(w.positions)}
        for p, c in w.edges:
            assert cols[p] < cols[c], (name, p, c)  # every arrow points to the right
    assert lesson.walk("network").positions[:2] == [(0.0, 0.0), (0.0, 1.0)]  # x above W1


def test_unknown_example_is_refused():
    with pytest.raises(
        gl.GradlibError, match=r"example 'mlp' is not one of \['expression', 'network'\]"
    ):
        lesson.walk("mlp")


# ---- the widget, in the kernel ------------------------------------------------------------
def displayed_pt(size_pt: float) -> float:
    """A font size as shown: the PNG (style.DPI) at its own size on a 96 pixel-per-inch page."""
    return size_pt * style.DPI / 96


def assert_readable_and_inside(widget):
    """Every moving artist inside its axes (the title inside the figure); text >= 9 pt shown."""
    fig, ax = widget.figure, widget.axes[0]
    renderer = fig.canvas.get_renderer()
    box, page = ax.get_window_extent(renderer), fig.bbox
    for artist in widget.drawing.moving:
        if isinstance(artist, Text) and not artist.get_text():
            continue
        bb = artist.get_window_extent(renderer)
        outer = page if artist is ax.title else box
        assert (
            bb.x0 >= outer.x0 - 1
            and bb.x1 <= outer.x1 + 1
            and bb.y0 >= outer.y0 - 1
            and bb.y1 <= outer.y1 + 1
        ), (artist, bb, outer)
    for text in ax.findobj(Text):
        if text.get_text() and text.get_visible():
            assert displayed_pt(text.get_fontsize()) >= 9, (text.get_text(), text.get_fontsize())


def test_stepper_next_previous_slider_and_panel():
    w = lesson.ReverseModeStepper("network")
    walk = lesson.walk("network")
    assert w.state["phase"] == "start" and w.step.max == 19
    w.prev.click()  # stays at the start
    assert w.state["step"] == 0
    w.next.click()
    assert w.state["node"] == "P1" and w.state["phase"] == "forward"
    assert "P1 = x @ W1" in w.panel.value and "(2 x 3)" in w.panel.value
    w.step.value = 13
    s = w.state
    assert (s["node"], s["phase"], s["received"]) == ("Z1", "backward", ["H"])
    np.testing.assert_array_equal(s["upstream"], walk.steps[13].upstream)
    assert s["sent"]["b1"] == np.sum(walk.steps[13].upstream, axis=0, keepdims=True).tolist()
    assert "VJP:</span> dA = U, dB = U (each summed back to its shape)" in w.panel.value
    assert fmt(walk.steps[13].upstream[1, 2]) in w.panel.value
    w.step.value = w.step.max
    w.next.click()  # stays at the end
    assert w.state["step"] == 19 and w.state["complete"] == w.state["computed"]
    assert w.axes[0].get_title() == "Backward 12 of 12: at the input x"


def test_stepper_graph_choice_resets_the_step():
    w = lesson.ReverseModeStepper("network", step=12)
    assert w.state["node"] == "H"
    w.example.value = "expression"
    assert (w.state["example"], w.state["step"], w.step.max) == ("expression", 0, 10)
    w.step.value = 10
    assert w.state["received"] == ["Q", "P"]
    assert "fan-out:" in w.panel.value and "from Q" in w.panel.value
    arrows = [a for a in w.drawing.moving if isinstance(a, FancyArrowPatch)]
    dashed = [a for a in arrows if a.get_linestyle() == "--"]
    assert len(arrows) == 6 and len(dashed) == 2  # x -> P and x -> Q, drawn backwards
    assert all(a.get_edgecolor()[:3] == to_rgb(style.ROLES["gradient"]) for a in dashed)
    w.example.value = "network"
    assert w.state["step"] == 0 and w.step.max == 19


@pytest.mark.parametrize("name", EXAMPLES)
def test_stepper_every_control_to_both_ends_is_readable(name):
    w = lesson.ReverseModeStepper(name)
    for value in (0, w.step.max, 0, w.step.max // 2):
        w.step.value = value
        assert w.state["step"] == value
        assert_readable_and_inside(w)
    for button, end in ((w.next, w.step.max), (w.prev, 0)):
        for _ in range(w.step.max + 2):
            button.click()
        assert w.state["step"] == end
        assert_readable_and_inside(w)


# ---- softmax and cross-entropy ------------------------------------------------------------
def test_softmax_jacobian_against_finite_differences_and_its_vjp():
    z = np.array([1.0, 2.0, 0.5])
    J = lesson.softmax_jacobian(z)
    assert J.shape == (3, 3)
    np.testing.assert_allclose(J, gl.jacobian(ad.softmax, z), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)
    u = np.array([0.5, -1.0, 2.0])
    s = ad.softmax(z)
    np.testing.assert_allclose(ad.trace(ad.softmax, z).gradients(upstream=u)[0], u @ J, rtol=1e-12)
    np.testing.assert_allclose(s * (u - u @ s), u @ J, rtol=1e-12)
    assert lesson.vjp_cost(3) == {"form J, then u^T J": 18, "VJP s * (u - u.s)": 6}


def test_softmax_with_cross_entropy_is_s_minus_y():
    z = np.array([[1.0, 2.0, 0.5]])
    dz = ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [1]))(z)
    np.testing.assert_allclose(dz, ad.softmax(z) - lesson.one_hot(1, 3), rtol=1e-12)


# ---- the classifier ------------------------------------------------------------------------
def test_spiral_data():
    X, y = lesson.spiral(n=100, classes=3, seed=0)
    assert X.shape == (300, 2) and y.shape == (300,) and np.bincount(y).tolist() == [100] * 3
    assert np.abs(X).max() <= 1.0 + 1e-12
    X2, _ = lesson.spiral(n=100, classes=3, seed=0)
    np.testing.assert_array_equal(X, X2)


def test_gradient_check_of_the_lessons_network():
    X, y = lesson.spiral()
    params = lesson.init_params(hidden=32, seed=0)
    assert sum(p.size for p in params) == 195
    c = lesson.gradient_check(params, X, y)
    assert c["reverse"].shape == c["numeric"].shape == (1, 195)
    assert c["max_abs_difference"] < 1e-8 and c["largest_entry"] == pytest.approx(0.1765, abs=5e-5)
    theta = lesson.flatten(params)
    back = lesson.unflatten(theta, params)
    assert all(np.array_equal(a, b) for a, b in zip(back, params, strict=True))


def test_training_as_in_the_lesson_reaches_95_percent():
    X, y = lesson.spiral()
    params = lesson.init_params(hidden=32, seed=0)
    step = ad.value_and_grad(lesson.loss, argnums=(0, 1, 2, 3))
    losses = []
    for _ in range(1000):
        value, grads = step(*params, X, y)
        params = [p - 0.5 * g for p, g in zip(params, grads, strict=True)]
        losses.append(value)
    assert losses[0] == pytest.approx(np.log(3), abs=0.1)
    assert np.all(np.diff(losses) < 0)  # no step goes up at this learning rate
    assert lesson.accuracy(params, X, y) >= 0.95
    pic = lesson.training_picture(losses, params, X, y)
    assert pic.size == style.png_size(style.new_figure("wide")[0])
    assert f"{100 * lesson.accuracy(params, X, y):.1f}% of them" in pic.alt
    assert f"from {losses[0]:.3f} down to {losses[-1]:.3f}" in pic.alt


def test_memory_of_the_network_grows_with_the_batch():
    params = lesson.init_params(hidden=32, seed=0)
    for B in (1, 10, 300):
        X, y = lesson.spiral(n=B, classes=3)
        X, y = X[:B], y[:B]
        m = lesson.memory(ad.trace(lesson.loss, *params, X, y, argnums=(0, 1, 2, 3)))
        assert m["stored_bytes"] == 8 * (3 * 32 + 3 * 3) * B + 8 == 840 * B + 8
        assert m["parameters"] == 195 and m["parameter_bytes"] == 1560
        assert m["largest_bytes"] == 8 * 32 * B
        assert [op for op, *_ in m["intermediates"]] == [
            "@",
            "+",
            "tanh",
            "@",
            "+",
            "softmax",
            "cross_entropy",
        ]


# ---- the exercises ------------------------------------------------------------------------
HAND = ["9.1", "9.2", "9.3", "9.4"]


def test_hand_exercises_match_their_statements():
    a, U = np.array(lesson.TANH_A), np.array(lesson.TANH_U)
    np.testing.assert_allclose(np.tanh(a), [0, 0.6, -0.8], atol=1e-15)
    expected = {
        "9.1": (U * (1 - np.tanh(a) ** 2))[None, :],
        "9.2": (np.array(lesson.MATMUL_Ua) @ lesson.MATMUL_W.T)[None, :],
        "9.3": (np.array(lesson.MATMUL_Ub) @ lesson.MATMUL_A)[None, :],
        "9.4": (ad.softmax(np.array(lesson.SOFTMAX_Z)) - lesson.one_hot(1, 3))[None, :],
    }
    for id in HAND:
        truth = gl.exercise(id).truth()
        np.testing.assert_allclose(truth, expected[id], rtol=1e-12, atol=1e-12)
        # exact with at most 3 significant digits, as the lesson says
        rounded = np.array([float(f"{v:.3g}") for v in truth.ravel()]).reshape(truth.shape)
        np.testing.assert_allclose(rounded, truth, rtol=1e-12, atol=1e-12)
        assert gl.exercise(id).check(rounded)
    assert "(2,\\ -1,\\ 0.5)" in gl.exercise("9.1").statement
    W = "\\begin{bmatrix} 2 & -1 & 1 \\\\ 0 & 3 & -2 \\end{bmatrix}"
    assert W in gl.exercise("9.2").statement


def differs_by_more_than_one_percent(answer, truth) -> bool:
    answer = np.asarray(answer, dtype=float)
    if answer.shape != truth.shape:
        return True
    return np.linalg.norm(answer - truth) > 0.01 * np.linalg.norm(truth)


@pytest.mark.parametrize("id", HAND)
def test_every_typical_mistake_is_more_than_one_percent_off(id):
    ex = gl.exercise(id)
    truth = ex.truth()
    for answer, kind in ex.examples_wrong:
        assert differs_by_more_than_one_percent(answer, truth), (answer, kind)
        assert not ex.check(answer)


def test_hand_exercise_mistakes_are_what_their_names_say():
    """Each declared mistake of 9.1-9.4, recomputed with numpy from the lesson's data."""
    a, U = np.array(lesson.TANH_A), np.array(lesson.TANH_U)
    y = np.tanh(a)
    aa, Ua, W = np.array(lesson.MATMUL_a), np.array(lesson.MATMUL_Ua), lesson.MATMUL_W
    b, Ub, A = np.array(lesson.MATMUL_b), np.array(lesson.MATMUL_Ub), lesson.MATMUL_A
    s = ad.softmax(np.array(lesson.SOFTMAX_Z))
    expected = {
        "9.1": {
            "missing_upstream": [1 - y**2],
            "wrong_point": [U * (1 - a**2)],  # the input a where the output y belongs
            "value_not_derivative": [U * y],
            "transposed": (U * (1 - y**2))[:, None],
        },
        "9.2": {
            "wrong_argument": np.outer(aa, Ua),  # dL/dW
            "missing_upstream": [W @ np.ones(3)],
            "missing_factor": [Ua],
            "transposed": W @ Ua[:, None],
        },
        "9.3": {
            "wrong_argument": np.outer(Ub, b),  # dL/dA
            "missing_upstream": [np.ones(2) @ A],
            "missing_factor": [Ub],
            "transposed": A.T @ Ub[:, None],
        },
        "9.4": {
            "missing_one_hot": [s],
            "wrong_class": [s - lesson.one_hot(2, 3)],
            "sign": [lesson.one_hot(1, 3) - s],
            "stopped_before_softmax": [-lesson.one_hot(1, 3) / s[1]],
            "transposed": (s - lesson.one_hot(1, 3))[:, None],
        },
    }
    for id in HAND:
        ex = gl.exercise(id)
        assert sorted(m.kind for m in ex.mistakes) == sorted(expected[id]), id
        for m in ex.mistakes:
            want = np.array(expected[id][m.kind], dtype=float)
            got = ex.truth().T if m.transform else ex.mistake_answer(m)
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=m.name)
            assert differs_by_more_than_one_percent(want, ex.truth()), m.name
            fb = ex.check(want.tolist())
            assert not fb and fb.kind == m.kind, (m.name, fb)


def test_code_exercise_mistakes_are_what_their_names_say():
    ex = gl.exercise("9.5")
    x, u = (np.array(v) for v in ex.problem["inputs"][0])
    expected = {  # L = sum(u * sin(x)^2): sin's VJP gets 2 u sin(x)
        "missing_upstream": np.cos(x),
        "sign": -u * np.sin(2 * x),
        "wrong_point": 2 * u * np.sin(x) * np.cos(np.sin(x)),
        "wrong_forward": 2 * u * np.cos(x) ** 2,
    }
    assert sorted(m.kind for m in ex.mistakes) == sorted(expected)
    for m in ex.mistakes:
        np.testing.assert_allclose(resolve(m.function)(x, u), expected[m.kind], rtol=1e-12)
        fb = ex.check(resolve(m.function))
        assert not fb and fb.kind == m.kind and fb.message.endswith(m.message)


def right_sin(a):
    a = ad.as_node(a, "sin")
    return ad.record(np.sin(a.value), "sin", "dA = U * cos(A)", (a, lambda u: u * np.cos(a.value)))


def test_code_exercise_accepts_a_right_sin_and_its_reference_is_a_gradient_check():
    ex = gl.exercise("9.5")
    assert ex.check(lesson.gradient_through(right_sin))
    for x, u in ex.problem["inputs"]:
        x, u = np.array(x), np.array(u)
        np.testing.assert_allclose(lesson.sin_gradient_check(x, u), u * np.sin(2 * x), rtol=1e-8)
        truth = u * np.sin(2 * x)
        for m in ex.mistakes:
            assert differs_by_more_than_one_percent(resolve(m.function)(x, u), truth), m.name
    fb = ex.check(lesson.gradient_through(lambda a: ad.exp(a)))
    assert not fb
    assert fb.message.startswith("With the input f([[0.5, -1.0, 2.0]], [[1.0, 2.0, -0.5]])")


def test_code_exercise_feedback_for_numpy_inside_and_the_template():
    ex = gl.exercise("9.5")
    fb = ex.check(lesson.gradient_through(lambda a: np.sin(a)))
    assert fb.kind == "function_error" and "np.sin got a traced array" in fb.message

    def template(a):
        a = ad.as_node(a, "sin")
        return None

    fb = ex.check(lesson.gradient_through(template))
    assert fb.kind == "function_error" and "TypeError" in fb.message


# ---- in a real browser (make test-browser) ------------------------------------------------
@pytest.mark.browser
def test_lesson_9_reverse_mode_stepper(page, lab):
    (box,) = open_and_run(page, lab, "09_reverse_mode.ipynb")
    assert "Start: the inputs are given" in panel_text(box)
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson9_start")
    before = image_src(box)
    box.locator("button", has_text="next").click()
    wait_new_image(page, box, before)
    text = panel_text(box)
    assert "Forward 1 of 7: P1 = x @ W1" in text and "(2 x 3)" in text, text
    walk = lesson.walk("network")
    for _ in range(12):  # slider from step 1 to step 13
        before = image_src(box)
        slider_handle(box, 0).focus()
        page.keyboard.press("ArrowRight")
        wait_new_image(page, box, before)
    text = panel_text(box)
    assert "Backward 6 of 12: at Z1 = P1 + b1" in text, text
    assert fmt(walk.steps[13].upstream[0, 0]) in text and "to b1" in text, text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson9_backward_step")
    before = image_src(box)
    slider_handle(box, 0).focus()
    page.keyboard.press("End")
    wait_new_image(page, box, before)
    assert "Backward 12 of 12: at the input x" in panel_text(box)
    screenshot(page, "lesson9_last_step")
