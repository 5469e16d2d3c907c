"""The widget base (gradlib/topics/_widget.py) and the figure style, for every widget."""

import base64
import io
import threading

import ipywidgets
import numpy as np
import PIL.Image
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import RendererAgg

from gradlib.errors import GradlibError
from gradlib.topics import REGISTRY
from gradlib.topics import _style as style
from gradlib.topics._widget import WIDGET_VIEW, LessonWidget, browser_value, matrix_html


# ---- every registered widget --------------------------------------------------------
@pytest.fixture(params=sorted(REGISTRY), scope="module")
def widget(request):
    return REGISTRY[request.param]()


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
        picture = np.asarray(PIL.Image.open(io.BytesIO(widget.png)))
        widget._blit()  # what the scene draws now (the picture may have been kept from before)
        np.testing.assert_array_equal(picture, widget.figure.canvas.buffer_rgba(), err_msg=label)
        assert picture[..., 3].min() == 255, f"{label}: a transparent pixel"


KEPT = sorted(n for n, cls in REGISTRY.items() if cls.picture_key is not LessonWidget.picture_key)


def test_the_steppers_and_the_layer_keep_their_pictures():
    assert KEPT == ["ChainRuleStepper", "LinearLayerExplorer", "ReverseModeStepper"]


@pytest.mark.parametrize("name", KEPT)
def test_a_kept_picture_is_the_one_drawing_it_again_gives(name, monkeypatch):
    kept, drawn = REGISTRY[name](), REGISTRY[name]()
    monkeypatch.setattr(drawn, "picture_key", lambda scene: None)
    blits = []
    monkeypatch.setattr(kept, "_blit", lambda blit=kept._blit: blits.append(1) or blit())
    moves = len(kept.demo_moves())
    for (label, move), (_, same) in zip(kept.demo_moves() * 3, drawn.demo_moves() * 3):
        move()
        same()
        assert kept.png == drawn.png, label
    # the demo moves come back to pictures shown before: those are not drawn again
    assert len(blits) < 2 * moves, (len(blits), moves)


def test_a_step_shown_before_is_not_drawn_again(monkeypatch):
    w = REGISTRY["ReverseModeStepper"]()
    w.next.click()
    first = w.png
    monkeypatch.setattr(w, "_blit", lambda: pytest.fail("drawn again"))
    w.prev.click()
    w.next.click()
    assert w.png == first and w.state["step"] == 1


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_glyph_cache_draws_the_pixels_plain_agg_draws(name, monkeypatch):
    def pictures():
        w = REGISTRY[name]()
        shown = [w.png]
        for _label, move in w.demo_moves() * 2:  # the second round draws from the cache
            move()
            shown.append(w.png)
        return shown

    cached = pictures()
    monkeypatch.setattr(style, "_Renderer", RendererAgg)
    assert cached == pictures()


def test_glyph_cache_follows_a_text_s_colour_weight_and_place():
    def draw(renderer_class, changes):
        fig, ax = style.new_figure("small")
        style.label(ax, "title", "x", "y")
        text = ax.text(0.5, 0.5, "1.25", fontsize=12)
        fig.canvas.draw()  # every text once
        drawn = []
        for change in changes:
            text.set(**change)
            renderer = fig.canvas.get_renderer()
            assert type(renderer) is renderer_class
            fig.canvas.draw()
            drawn.append(bytes(fig.canvas.buffer_rgba()))
        return drawn, renderer

    changes = [{"color": "red"}, {"fontweight": "bold"}, {"x": 0.25}, {"color": "black"}]
    cached, renderer = draw(style._Renderer, changes)
    assert len(set(cached)) == 4 and {k[0] for k in renderer._glyphs} >= {"1.25", "title"}
    original = style._Renderer
    try:
        style._Renderer = RendererAgg
        assert draw(RendererAgg, changes)[0] == cached
    finally:
        style._Renderer = original


def test_glyph_cache_keeps_no_text_that_draws_more_than_glyphs(monkeypatch):
    # Plain text draws glyph bitmaps only in matplotlib 3.11; a text that also drew a box (as
    # mathtext does) was kept as its glyphs alone, and drawn again without the box.
    draw_boxes = RendererAgg._draw_text_glyphs_and_boxes

    def with_a_box(self, gc, x, y, angle, glyphs, boxes):
        draw_boxes(self, gc, x, y, angle, glyphs, [*boxes, (0, -3, 30, 2)])

    monkeypatch.setattr(RendererAgg, "_draw_text_glyphs_and_boxes", with_a_box)
    fig, ax = style.new_figure("small")
    style.label(ax, "title", "x", "y")
    ax.text(0.5, 0.5, "1.25", fontsize=12)
    pictures = []
    for _ in range(2):  # the second draw would paste what the first kept
        fig.canvas.draw()
        pictures.append(bytes(fig.canvas.buffer_rgba()))
    assert pictures[0] == pictures[1]
    assert not fig.canvas.get_renderer()._glyphs


def test_figures_share_one_math_parser_and_its_cache():
    # a log axis labels its ticks $10^{k}$; parsing them took ~20 ms each, in every new figure
    renderers = [style.new_figure("small")[0].canvas.get_renderer() for _ in range(2)]
    assert renderers[0].mathtext_parser is renderers[1].mathtext_parser is style._MATHTEXT
    fig, ax = style.new_figure("small")
    ax.set_yscale("log")
    ax.set_ylim(1, 1e3)
    style.label(ax, "title", "x", "y")
    fig.canvas.draw()
    with_cache = bytes(fig.canvas.buffer_rgba())
    plain = RendererAgg(*fig.canvas.get_width_height(physical=True), fig.dpi)
    fig.draw(plain)
    assert bytes(plain.buffer_rgba()) == with_cache


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_callbacks_on_two_threads_at_once_draw_one_at_a_time(name, monkeypatch):
    # JupyterLab 4.6 + ipykernel 7 run widget callbacks on a subshell thread, beside the main
    # thread's (the views drawn ahead, other cells): before the lock, two draws of one figure at
    # once raised (IndexError, or the glyph cache's stand-in left in place of the Agg buffer)
    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    w = REGISTRY[name]()
    moves = [move for _label, move in w.demo_moves()] * 2
    callbacks = threading.Thread(target=lambda: [move() for move in moves])
    ahead = threading.Thread(target=lambda: [w.redraw() for _ in range(len(moves))])
    for t in (callbacks, ahead):
        t.start()
    for t in (callbacks, ahead):
        t.join()
    assert errors == [] and "Error" not in w.panel.value
    renderer = w.figure.canvas.get_renderer()
    assert renderer._renderer is renderer._agg


def test_after_callbacks_on_two_threads_the_picture_is_the_state_s():
    w = REGISTRY["LinearLayerExplorer"]()

    def steps():
        for k in range(30):
            w.step.value = k % 5

    def sizes():
        for k in range(30):
            w.n.value = 1 + k % 4

    threads = [threading.Thread(target=steps), threading.Thread(target=sizes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.n.value, w.step.value = 2, 3
    w.n.value = 3
    assert w.png == REGISTRY["LinearLayerExplorer"](n=3, step=3).png


# ---- panels
# ---------------------------------------------------------------------------------------
def test_matrix_html_refuses_1d():
    with pytest.raises(GradlibError, match=r"matrix_html needs a 2-D matrix, got shape \(2,\)"):
        matrix_html([1.0, 2.0])


def test_label_refuses_missing_title():
    fig, ax = style.new_figure()
    with pytest.raises(GradlibError, match="label\\(\\) needs a non-empty title"):
        style.label(ax, "", "x", "y")
    with pytest.raises(GradlibError, match="axes 0 of the figure has no title, xlabel, ylabel"):
        style.require_labels(fig)


# ---- letting go of memory ------------------------------------------------------------------
def live_models():
    """How many ipywidgets models the kernel keeps (every model until it is closed)."""
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_dropped_widget_is_collected_and_its_models_closed(name):
    import gc
    import weakref

    gc.collect()
    before = live_models()
    w = REGISTRY[name]()
    for _, move in w.demo_moves()[:4]:
        move()
    assert live_models() > before
    ref = weakref.ref(w)
    del w, move
    gc.collect()
    assert ref() is None, f"{name} is still referenced after del"
    assert live_models() == before


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_close_frees_the_figure_and_every_model(name):
    import gc

    gc.collect()
    before = live_models()
    w = REGISTRY[name]()
    w.close()
    assert live_models() == before
    assert w.figure.axes == [] and w._views == {}


def test_running_a_cell_again_closes_the_widgets_its_earlier_run_showed(monkeypatch):
    import gc

    from gradlib.topics import _widget

    class Shell:
        parent = {}

        def get_parent(self):
            return self.parent

    shell = Shell()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr(_widget, "_SHOWN_BY_CELL", {})
    gc.collect()
    before = live_models()
    shell.parent = {"metadata": {"cellId": "c1"}, "header": {"msg_id": "run-1"}}
    first = REGISTRY["ShapeExplorer"]()
    first._repr_mimebundle_()
    first._repr_mimebundle_()  # shown twice by one run: kept
    shown = live_models()
    shell.parent = {"metadata": {"cellId": "c1"}, "header": {"msg_id": "run-2"}}
    second = REGISTRY["ShapeExplorer"]()
    second._repr_mimebundle_()  # the cell ran again: the first widget is closed
    assert live_models() == shown
    assert first.figure.axes == [] and second.figure.axes != []
    shell.parent = {"metadata": {"cellId": "c2"}, "header": {"msg_id": "run-3"}}
    third = REGISTRY["ShapeExplorer"]()
    third._repr_mimebundle_()  # another cell: nothing closed
    assert second.figure.axes != [] and live_models() > shown
    assert before < shown


# ---- hostile input in the widgets' own text boxes (issue 14) ------------------------------------
HOSTILE_TEXT = [
    "1e200, 1e200, 1e200",
    "-1e200, -1e200, 1e5",
    "1e308, 1e308, -1e308",
    "x" * 10**6,
    "nan, 1, 1",
    "inf, 1, 1",
    "",
    "1, 2, 3, 4, 5, 6",
    "__import__('os').system('true')",
    "1e-320, 5e-324, 0",
]
INVALID = HOSTILE_TEXT[3:9]  # never a point: the panel says why


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_text_inputs_never_raise_say_why_and_recover(name):
    """Every text box of every widget, in every pair of its menus: a hostile value raises nothing,
    puts a short message in the panel, keeps a picture, and a good value afterwards recovers."""
    import ipywidgets

    w = REGISTRY[name]()
    texts = [c for c in w.controls if isinstance(c, ipywidgets.Text)]
    menus = [c for c in w.controls if isinstance(c, ipywidgets.Dropdown)]
    for value in menus[-1]._options_values if menus else [None]:
        if value is not None:
            menus[-1].value = value
        for box in texts:
            good = box.value
            for bad in HOSTILE_TEXT:
                box.value = bad  # raises nothing
                assert len(w.panel.value) < 20_000, (value, bad[:20])  # echoes are cut short
                assert w.png  # the last good picture stays
                if bad in INVALID:
                    assert "color:#b42318" in w.panel.value, (value, bad[:20])  # and says why
            box.value = good
            assert "color:#b42318" not in w.panel.value, value
    w.close()


# ---- views drawn ahead: after the building cell in a kernel, at once elsewhere (issue 9) --------
def test_in_a_kernel_the_other_views_are_drawn_after_the_cell():
    """The widget appears after drawing the view it shows; the dropdown's other views follow one
    per turn of the kernel's event loop, and a choice made meanwhile is drawn on demand."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:

        def run(code):
            reply = kc.execute_interactive(code, timeout=120, output_hook=outputs.append)
            assert reply["content"]["status"] == "ok", outputs

        outputs = []
        run(
            "import gradlib as gl\n"
            "w = gl.GradientExplorer('paraboloid')\n"
            "built = len(w._views)\n"
            "w.function.value = 'saddle'  # before the views ahead are drawn: on demand\n"
            "chosen = len(w._views)"
        )
        outputs.clear()
        run(  # top-level await lets the kernel's event loop run while this cell waits
            "import asyncio\n"
            "for _ in range(600):\n"
            "    if len(w._views) == len(w.function.options): break\n"
            "    await asyncio.sleep(0.05)\n"
            "print(built, chosen, len(w._views), len(w.function.options), "
            "w.function.value in w.axes[0].get_title())"
        )
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        built, chosen, views, options, title_ok = text.split()
        assert (built, chosen, title_ok) == ("1", "2", "True"), text
        assert views == options, text  # every function's view, drawn after the cell
    finally:
        km.shutdown_kernel(now=True)


def test_a_value_the_browser_s_slider_sends_back_rounded_redraws_nothing(monkeypatch):
    # A gradient step sets the sliders to -0.4 and 0.1; the browser's sliders put them on their
    # step grid as -0.3999999999999999 and 0.10000000000000009 and send those back. That was two
    # more redraws (and pictures sent) for one click.
    w = REGISTRY["SecondOrderExplorer"]()
    w.gradient_button.click()
    refreshes = []
    monkeypatch.setattr(w, "refresh", lambda: refreshes.append(w.x1.value))
    x = w.x1.value
    w.x1.value = float(np.nextafter(x, -np.inf))
    assert refreshes == []
    w.x1.value = x - w.x1.step  # a learner's move still redraws
    assert refreshes == [x - w.x1.step]


@pytest.mark.parametrize(
    "name, there, back",
    [
        ("ChainRuleStepper", lambda w: w.next.click(), lambda w: w.prev.click()),
        (
            "LayoutToggle",
            lambda w: setattr(w.layout_buttons, "value", "denominator"),
            lambda w: setattr(w.layout_buttons, "value", "numerator"),
        ),
    ],
)
def test_a_formula_shown_before_is_shown_again_not_typeset_again(name, there, back):
    # The browser typesets an HTMLMath each time its value changes (MathJax, ~50 ms a step).
    w = REGISTRY[name]()
    first = w.formula.value
    there(w)
    second = w.formula.value
    assert second != first
    values = [c.value for c in w.formula.box.children]
    for _ in range(3):
        back(w)
        assert w.formula.value == first
        there(w)
        assert w.formula.value == second
    assert [c.value for c in w.formula.box.children] == values  # none typeset again
    shown = [c.value for c in w.formula.box.children if c.layout.display != "none"]
    assert shown == [second]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([(-2.0, 2.0, 0.05), (-1.0, 3.0, 0.05), (0.0, 1.0, 0.01), (0.001, 1.0, 0.001)]),
    st.floats(-4.0, 4.0),
)
def test_browser_value_is_on_the_steps_and_the_browser_keeps_it(slider, value):
    # The browser's slider applies the same operation to the value it is sent: a value that it
    # changes (by a rounding error) is sent back. So the result must be a fixed point.
    low, high, step = slider
    v = browser_value(value, low, high, step)
    assert low <= v <= high
    assert abs(v - (low + round((v - low) / step) * step)) < 1e-12
    assert abs(v - min(max(value, low), high)) <= step / 2 + 1e-12
    assert browser_value(v, low, high, step) == v


def sent_by(control, log=None, name=None) -> list:
    """Record in ``log`` (a new list by default) each message ``control`` sends the page from now
    on, as it does in a kernel: the message, or ``name`` in its place. Return ``log``."""
    log = [] if log is None else log
    control.comm.kernel = object()  # a DummyComm sends only with a kernel
    control._send = lambda msg, buffers=None: log.append(msg if name is None else name)
    return log


def from_the_page(control) -> dict:
    """A change of ``control`` as the page sends it: a choice's index, a slider's value."""
    if "index" in control.keys:
        return {"index": (control.index + 1) % len(control.options)}
    if not hasattr(control, "min"):  # a text box: the page sends what it holds
        return {"value": control.value}
    low, high = control.min, control.max
    if isinstance(control, ipywidgets.FloatLogSlider):  # min and max are exponents
        low, high = control.base**low, control.base**high
    return {"value": high if control.value != high else low}


def test_a_plain_control_echoes_what_the_page_sets():
    # what every control of a lesson widget did: the page's own change came back to it
    slider = ipywidgets.FloatSlider(min=0, max=1, step=0.1)
    log = sent_by(slider)
    slider.set_state({"value": 0.5})
    assert [m["method"] for m in log] == ["echo_update"]


#: widgets with a control that may leave the picture as it is (a preset chosen already, the same
#: point typed again)
QUIET = {"AccumulationCost", "ChainRuleStepper"}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_change_from_the_page_is_not_echoed_back_to_it(name):
    w = REGISTRY[name]()
    if name == "GradientExplorer":  # new sliders after a function change (renew_slider)
        w.function.value = "saddle"
    changeable = [i for i, c in enumerate(w.controls) if "value" in c.keys or "index" in c.keys]
    assert changeable
    for i in changeable:
        control = w.controls[i]  # a function change puts new sliders in place
        log, picture = sent_by(control), w.png
        state = from_the_page(control)
        control.set_state(state)
        assert [m for m in log if m["method"] == "echo_update"] == [], (control.description, state)
        assert w.png != picture or name in QUIET, (control.description, state)
