"""Lesson 8, derivatives with respect to matrices: its numbers against SymPy and against a finite
difference written out by hand, its exercises, its widget in the kernel and in a browser."""

import itertools
from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy as sp
from lab_browser import (
    SCREENSHOTS,
    open_and_run,
    panel_text,
    press_right,
    screenshot,
    slider_handle,
)
from matplotlib.text import Text

import gradlib as gl
from gradlib.topics import matrix_derivatives as lesson
from gradlib.topics._widget import fmt

SIZES = [(1, 1, 1), (3, 2, 4), (1, 4, 2), (4, 1, 3), (2, 3, 1), (4, 4, 4)]  # (n, m, B)


# ---- independent references ------------------------------------------------------------------
def sympy_layer(n, m, B):
    """The layer in SymPy: symbols for X, W, b and the loss 1/2 sum (X W^T + b - T)^2 at the
    lesson's instance; returns (X, W, b, L) with the targets T substituted."""
    X = sp.Matrix(B, n, lambda r, c: sp.Symbol(f"x{r}{c}", real=True))
    W = sp.Matrix(m, n, lambda r, c: sp.Symbol(f"w{r}{c}", real=True))
    b = sp.Matrix(1, m, lambda _, c: sp.Symbol(f"b{c}", real=True))
    T = sp.Matrix(lesson.instance(n, m, B)[3])
    Y = X * W.T + sp.ones(B, 1) * b
    L = sum((Y - T).applyfunc(lambda e: e**2)) / 2
    return X, W, b, L


def by_hand(f, A, h=1e-5):
    """df/dA shaped like A by central differences written out, one entry at a time."""
    A = np.asarray(A, dtype=float)
    out = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        up, down = A.copy(), A.copy()
        up[idx] += h
        down[idx] -= h
        out[idx] = (f(up) - f(down)) / (2 * h)
    return out


# ---- the numbers ----------------------------------------------------------------------------
def test_wx_jacobian_against_sympy_and_gl_jacobian():
    m, n = 3, 4
    x = np.array([0.5, -1.0, 2.0, 0.25])
    W = sp.Matrix(m, n, lambda r, c: sp.Symbol(f"w{r}{c}"))
    y = W * sp.Matrix(x)
    exact = np.array(
        [[[float(sp.diff(y[i], W[j, k])) for k in range(n)] for j in range(m)] for i in range(m)]
    )
    assert exact.shape == lesson.wx_jacobian(x, m).shape == (3, 3, 4)
    np.testing.assert_array_equal(lesson.wx_jacobian(x, m), exact)
    numeric = gl.jacobian(lambda W_: W_ @ x, np.ones((m, n)))
    np.testing.assert_allclose(numeric, exact, atol=1e-12)
    flat = by_hand(lambda W_: (W_ @ x)[1], np.ones((m, n)))  # slice 2: output y_2 alone
    np.testing.assert_allclose(flat, exact[1], atol=1e-9)
    symbolic = gl.symbolic.jacobian(W * sp.Matrix(sp.symbols("u0:4")), W)
    assert symbolic.shape == (3, 3, 4) and symbolic[2, 2, 3] == sp.Symbol("u3")
    assert symbolic[0, 1, 0] == 0


@pytest.mark.parametrize("n, m, B", SIZES)
def test_layer_gradients_against_sympy_and_by_hand(n, m, B):
    s = lesson.layer_scene(n, m, B, step=4)
    Xs, Ws, bs, L = sympy_layer(n, m, B)
    values = {
        **dict(zip(Xs, s.X.ravel(), strict=True)),
        **dict(zip(Ws, s.W.ravel(), strict=True)),
        **dict(zip(bs, s.b, strict=True)),
    }

    def exact(symbols, shape):
        return np.array([float(sp.diff(L, v).subs(values)) for v in symbols]).reshape(shape)

    dW, db, dX = exact(Ws, (m, n)), exact(bs, (1, m)), exact(Xs, (B, n))
    assert s.dW.shape == (m, n) and s.db.shape == (1, m) and s.dX.shape == (B, n)
    np.testing.assert_array_equal(s.dW, dW)  # whole numbers: exact
    np.testing.assert_array_equal(s.db, db)
    np.testing.assert_array_equal(s.dX, dX)
    assert s.L == pytest.approx(float(L.subs(values)), abs=1e-12)
    for key, want in (("dW", dW), ("db", db), ("dX", dX), ("Delta", s.Y - s.T)):
        np.testing.assert_allclose(s.numeric[key], want, atol=1e-9)
    assert s.error < 1e-9

    def loss_of(W=s.W, b=s.b, X=s.X):
        return lesson.loss(lesson.forward(X, W, b), s.T)

    np.testing.assert_allclose(by_hand(lambda W: loss_of(W=W), s.W), dW, atol=1e-6)
    np.testing.assert_allclose(by_hand(lambda b: loss_of(b=b), s.b), db[0], atol=1e-6)
    np.testing.assert_allclose(by_hand(lambda X: loss_of(X=X), s.X), dX, atol=1e-6)


def test_contributions_sum_to_delta_transposed_x():
    s = lesson.layer_scene(3, 2, 4)
    c = lesson.contributions(s.X, s.Delta)
    assert c.shape == (4, 2, 3)
    np.testing.assert_array_equal(c[2], np.outer(s.Delta[2], s.X[2]))
    np.testing.assert_array_equal(c.sum(axis=0), s.dW)


@pytest.mark.parametrize("n, m, B", list(itertools.product(range(1, 5), repeat=3)))
def test_every_instance_has_small_whole_nonzero_deltas(n, m, B):
    X, W, b, T = lesson.instance(n, m, B)
    assert (X.shape, W.shape, b.shape, T.shape) == ((B, n), (m, n), (m,), (B, m))
    Delta = lesson.forward(X, W, b) - T
    assert set(np.unique(np.abs(Delta))) <= {1.0, 2.0, 3.0}
    np.testing.assert_array_equal(lesson.instance(n, m, B)[3], T)  # the same every time
    for M in (X, W, b, T, *lesson.backward(X, W, Delta)):
        assert np.all(M == np.round(M)) and np.abs(M).max() < 100  # fits a cell


def test_shape_text_of_every_step():
    texts = [lesson.shape_text(step, B=4, n=3, m=2) for step in lesson.STEPS]
    assert texts == [
        "X (4x3) @ Wᵀ (3x2) -> X Wᵀ (4x2); + b (1x2) added to every row -> Y (4x2)",
        "Δ = Y − T entry by entry: (4x2) − (4x2) -> Δ (4x2), Y's shape",
        "Δᵀ (2x4) @ X (4x3) -> dL/dW (2x3), W's shape",
        "1ᵀ (1x4) @ Δ (4x2) -> dL/db (1x2), the shape of b as a row",
        "Δ (4x2) @ W (2x3) -> dL/dX (4x3), X's shape",
    ]


def test_scene_refuses_sizes_and_steps_that_do_not_exist():
    with pytest.raises(gl.GradlibError, match="B=5 is not drawn; choose B from 1 to 4"):
        lesson.layer_scene(2, 2, 5)
    with pytest.raises(gl.GradlibError, match=r"step=5 does not exist; the steps are 0..4"):
        lesson.layer_scene(2, 2, 2, step=5)


# ---- the exercises ---------------------------------------------------------------------------
def truth_82():
    """dL/dW of exercise 8.2 by SymPy from its statement's data: L = delta . (W x)."""
    W = sp.Matrix(2, 3, sp.symbols("a0:6"))
    L = (sp.Matrix([lesson._DELTA_82]) * W * sp.Matrix(lesson._X_82))[0]
    return np.array([[float(sp.diff(L, W[j, k])) for k in range(3)] for j in range(2)])


def relative_gap(answer, truth):
    """How far a same-shaped answer is from the truth, relative to the truth's size."""
    answer = np.asarray(answer, dtype=float)
    return np.max(np.abs(answer - truth)) / np.max(np.abs(truth))


def test_exercise_8_2_mistakes_differ_by_more_than_one_percent_and_are_named():
    truth = truth_82()
    D, x = np.array([lesson._DELTA_82]), np.array([lesson._X_82]).T  # (1 x 2), (3 x 1)
    mistakes = {
        "transposed": x @ D,
        "reshaped_transpose": (x @ D).reshape(2, 3),
        "vec_column_major": truth.reshape(1, 6, order="F"),
        "sign": -truth,
    }
    accepted = (truth, truth[None], truth.reshape(1, 6))  # shaped like W, (1, 2, 3), vec(W)
    for kind, answer in mistakes.items():
        for right in accepted:
            assert answer.shape != right.shape or relative_gap(answer, right) > 0.01, kind
        assert gl.exercise("8.2").check(answer).kind == kind
    for right in (*accepted, truth.tolist()):
        assert gl.exercise("8.2").check(right)


def test_exercise_8_3_mistakes_differ_by_more_than_one_percent_and_are_named():
    Delta = np.array(lesson._DELTA_83)
    truth = Delta.sum(axis=0, keepdims=True)
    ex = gl.exercise("8.3")
    for b in range(3):
        assert relative_gap(Delta[b : b + 1], truth) > 0.01
        fb = ex.check(Delta[b : b + 1])
        assert fb.kind == "one_example" and f"example {b + 1} alone" in fb.message
    assert relative_gap(truth / 3, truth) > 0.01 and ex.check(truth / 3).kind == "batch_mean"
    fb = ex.check(Delta)
    assert fb.kind == "missing_sum" and "not summed" in fb.message and "shape (1, 2)" in fb.message
    assert ex.check(Delta.sum(axis=1, keepdims=True)).kind == "wrong_axis"
    assert ex.check(truth) and ex.check(truth.tolist())


@pytest.mark.parametrize("id", ["8.2", "8.3"])
def test_three_significant_digits_are_enough(id):
    ex = gl.exercise(id)
    truth = ex.truth()
    assert ex.check(truth * 1.004).kind == "correct"  # 3 significant digits
    assert not ex.check(truth * 1.011)  # a mistake is more than 1% off


def test_exercise_8_1_shapes():
    ex = gl.exercise("8.1")
    assert ex.check((1, 3, 5)) and ex.check((3, 5)) and ex.check([1, 3, 5])
    assert "PyTorch's W.grad" in ex.check((3, 5)).message
    for answer, kind in [
        ((5, 3), "transposed"),
        ((1, 5, 3), "transposed"),
        ((15,), "flattened"),
        ((3, 3, 5), "jacobian_of_y"),
        ((1, 3), "shape_of_delta"),
        ((2, 3, 5), "wrong_shape"),
        (("1", "3"), "wrong_type"),
        ((True, 3), "wrong_type"),
        (15, "one_d"),
        (None, "no_answer"),
    ]:
        fb = ex.check(answer)
        assert not fb and fb.kind == kind, (answer, fb)


@pytest.mark.parametrize("id", ["8.1", "8.2", "8.3", "8.4"])
def test_hints_never_give_the_final_numbers(id):
    ex = gl.exercise(id)
    text = " ".join(ex.hints)
    assert len(ex.hints) >= 2
    truth = ex.truth()
    numbers = [] if id == "8.1" else np.ravel(truth[1]) if id == "8.4" else np.ravel(truth)
    for v in numbers:
        if not float(v).is_integer() or abs(v) > 3:  # sizes like 2 x 3 are allowed
            assert f"{v:g}" not in text, v
    if id == "8.1":
        assert "(1, 3, 5)" not in text and "(3, 5)" not in text


def learner_backward(X, W, Delta):
    """A correct backward pass written the way a learner would."""
    return Delta @ W, Delta.T @ X, np.sum(Delta, axis=0, keepdims=True)


def test_code_exercise_runs_every_input_and_names_the_mistakes():
    ex = gl.exercise("8.4")
    assert ex.check(learner_backward) and "all 3 inputs" in ex.check(learner_backward).message
    fb = ex.check(lambda X, W, Delta: learner_backward(X, W, Delta)[:2])
    assert fb.kind == "wrong_type" and "must return 3 arrays, (dX, dW, db)" in fb.message
    fb = ex.check(lambda X, W, Delta: (Delta @ W.T, Delta.T @ X, Delta.sum(0, keepdims=True)))
    assert (
        fb.kind == "function_error"
        and "For input 1 (X (4, 3), W (2, 3), Delta (4, 2))" in fb.message
        and "ValueError" in fb.message
    )
    fb = ex.check(lambda X, W, Delta: (Delta @ W, Delta.T @ X, Delta.sum(axis=0)))
    assert fb.kind == "one_d" and "db:" in fb.message
    first = lesson.backward(*ex.problem["inputs"][0])
    fb = ex.check(lambda X, W, Delta: first)  # right for input 1 only
    assert not fb and fb.message.startswith("For input 2 (X (3, 2), W (4, 2), Delta (3, 4))")
    assert ex.check(lesson.backward).kind == "reference_given"
    assert ex.check("Delta.T @ X").kind == "wrong_type"
    for fn, kind in ex.examples_wrong:
        assert ex.check(fn).kind == kind


def test_the_code_exercise_mistakes_differ_by_more_than_one_percent_on_the_first_input():
    # the first input is where the check meets them (the third, a batch of one, cannot tell a
    # missing sum over the batch: there is nothing to add)
    ex = gl.exercise("8.4")
    args = [np.array(a) for a in ex.problem["inputs"][0]]
    for fn, kind in ex.examples_wrong[:4]:
        gaps = [
            np.inf if np.shape(got) != want.shape else relative_gap(got, want)
            for got, want in zip(fn(*args), lesson.backward(*args), strict=True)
        ]
        assert max(gaps) > 0.01, (fn.__name__, gaps)
        assert ex.check(fn).message.startswith("For input 1"), kind


def test_the_code_exercise_reference_is_the_gradient_of_the_loss():
    # with L = sum(Delta * Y), dL/dY is Delta exactly: the reference must give gl.gradient's numbers
    for X, W, Delta in gl.exercise("8.4").problem["inputs"]:
        X, W, Delta = (np.array(a) for a in (X, W, Delta))
        b = np.zeros(W.shape[0])

        def L(X=X, W=W, b=b, Delta=Delta):
            return np.sum(Delta * lesson.forward(X, W, b))

        dX, dW, db = lesson.backward(X, W, Delta)
        np.testing.assert_allclose(dW, gl.gradient(lambda W_: L(W=W_), W)[0], atol=1e-12)
        np.testing.assert_allclose(db, gl.gradient(lambda b_: L(b=b_), b), atol=1e-12)
        np.testing.assert_allclose(dX, gl.gradient(lambda X_: L(X=X_), X)[0], atol=1e-12)


def test_lesson_0_card_has_the_matrix_row():
    nb = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "00_start_here.ipynb", 4)
    card = next(c.source for c in nb.cells if "convention card" in c.source)
    assert "| $(m, p, q)$ |" in card and "shaped like $W$" in card and "(lesson 8)" in card
    assert "Every derivative with respect to a vector is a **2-D matrix" in card


# ---- the widget, in the kernel ------------------------------------------------------------
def texts_and_patches(w):
    ax = w.axes[0]
    renderer = w.figure.canvas.get_renderer()
    for a in [*ax.texts, *ax.patches]:
        if a.get_visible() and not (isinstance(a, Text) and not a.get_text()):
            yield a, a.get_window_extent(renderer), ax.get_window_extent(renderer)


def assert_readable(w):
    """Every artist inside the axes, every text at least 9 pt, no error in the panel."""
    for artist, box, inside in texts_and_patches(w):
        assert (
            box.x0 >= inside.x0 - 1
            and box.x1 <= inside.x1 + 1
            and box.y0 >= inside.y0 - 1
            and box.y1 <= inside.y1 + 1
        ), (artist, box, inside)
    for text in w.figure.findobj(Text):
        if text.get_visible() and text.get_text():
            assert text.get_fontsize() >= 9, text
    assert "✓ agree" in w.panel.value or w.state["step"] == "forward"


@pytest.fixture(scope="module")
def widget():
    return lesson.LinearLayerExplorer(n=3, m=2, B=4)


@pytest.mark.parametrize("slider", ["n", "m", "B", "step"])
def test_every_slider_to_both_ends(widget, slider, tmp_path):
    control = getattr(widget, slider)
    ends = (
        (control.min, control.max)
        if slider != "step"
        else (control.options[0][1], control.options[-1][1])
    )
    for step in range(len(lesson.STEPS)):
        widget.step.value = step
        for value in ends:
            control.value = value
            assert_readable(widget)
            s = widget.state
            assert (s["n"], s["m"], s["B"]) == (widget.n.value, widget.m.value, widget.B.value)
            assert s["dW"].shape == (s["m"], s["n"]) and s["dX"].shape == (s["B"], s["n"])
    widget.n.value, widget.m.value, widget.B.value, widget.step.value = 3, 2, 4, 0


def test_widget_fills_the_blocks_step_by_step_and_checks_them(widget):
    widget.n.value, widget.m.value, widget.B.value, widget.step.value = 3, 2, 4, 0
    texts = widget.drawing.texts
    assert all(t.get_text() == "" for t in texts["dW"].ravel())
    Y = widget.state["Y"]
    assert [t.get_text() for t in texts["Y"].ravel()] == [fmt(v, 0) for v in Y.ravel()]
    widget.step.value = 2
    s = widget.state
    assert [t.get_text() for t in texts["dW"].ravel()] == [fmt(v, 0) for v in s["dW"].ravel()]
    assert all(t.get_text() == "" for t in texts["db"].ravel())
    np.testing.assert_allclose(s["dW"], s["numeric"]["dW"], atol=1e-9)
    assert "Δᵀ (2x4) @ X (4x3) -&gt; dL/dW (2x3), W&#x27;s shape" in widget.panel.value
    assert "gl.gradient(L, W)[0]" in widget.panel.value and "✓ agree" in widget.panel.value
    assert all(fmt(v) in widget.panel.value for v in s["numeric"]["dW"].ravel())
    markers = widget.drawing.sums
    assert markers["Delta", 0][0].get_visible() and markers["X", 0][0].get_visible()
    assert not markers["W", 0][0].get_visible()
    assert markers["Delta", 0][1].get_text() == "Σ over the 4 rows (B)"
    widget.step.value = 3
    assert widget.drawing.tints["db"].get_visible()
    assert "gl.gradient(L, b)" in widget.panel.value
    widget.step.value = 0


@pytest.mark.parametrize("slider", ["n", "m", "B"])
def test_a_first_press_on_a_size_draws_no_new_view(slider, monkeypatch):
    # A new size is a new view (~100 ms to draw, 120-260 ms from a key press to the browser):
    # the sizes one press away from the start are drawn after the cell.
    w = lesson.LinearLayerExplorer(n=3, m=2, B=4)
    monkeypatch.setattr(w, "_draw_view", lambda *a: pytest.fail("a new view drawn"))
    control = getattr(w, slider)
    for delta in (1, -1) if control.value < control.max else (-1,):
        start = control.value
        control.value = start + delta
        assert w.state[slider] == start + delta
        control.value = start


def test_widget_pictures_at_both_ends():
    """PNGs at the smallest and largest sizes, first, middle and last step, all different; written
    to results/screenshots/ to look at."""
    w = lesson.LinearLayerExplorer(n=1, m=1, B=1)
    pictures = []
    for size in (1, 4):
        w.n.value = w.m.value = w.B.value = size
        for step in (0, 2, 4):
            w.step.value = step
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / f"lesson8_widget_size{size}_step{step + 1}.png").write_bytes(w.png)
            pictures.append(w.png)
            assert_readable(w)
    assert len(set(pictures)) == len(pictures)


# ---- in a real browser (make test-browser) ------------------------------------------------
@pytest.mark.browser
def test_lesson_8_layer_explorer(page, lab):
    (box,) = open_and_run(page, lab, "08_matrix_derivatives.ipynb", widgets=1)
    assert "n = 3 inputs, m = 2 outputs, batch B = 4" in panel_text(box)
    press_right(page, box, 0)  # n: 3 -> 4
    press_right(page, box, 3)  # step 1 -> 2: the loss
    press_right(page, box, 3)  # step 2 -> 3: dL/dW
    text = panel_text(box)
    s = lesson.layer_scene(4, 2, 4, step=2)
    assert "n = 4 inputs" in text and "step 3: dL/dW = Δᵀ X" in text, text
    assert "Δᵀ (2x4) @ X (4x4) -> dL/dW (2x4), W's shape" in text and "✓ agree" in text
    assert all(fmt(v) in text for v in s.dW.ravel()), text
    assert slider_handle(box, 3).is_visible()
    readouts = box.locator(".widget-readout").all_inner_texts()
    assert readouts == ["4", "2", "4", "3 dL/dW"], readouts
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson8_layer_after_interaction")
