"""The base every lesson widget builds on: one Agg figure as a PNG, an HTML panel, ipywidgets
controls.

There is no ipympl: a widget owns one ``matplotlib.figure.Figure`` on an Agg canvas and shows it in
an ``ipywidgets.Image``. Moving a control recomputes a pure *scene* (the topic's numbers), moves
the existing artists (the topic's ``Drawing``) and re-encodes the PNG into the same Image:
no flicker, no growing output. Artists that move are drawn with Agg blitting over a cached
background, so a callback costs a few milliseconds (``bench/bench_widgets.py`` times every widget).

Each value of ``static_key`` (e.g. each function of a dropdown) is a *view*: its own axes, drawn
once, with its background rasterized once. Going back to a view shows its axes again and blits
its moving artists over its background; only a view never shown before is drawn. A widget may
draw some views when it is built (``prerender_scenes``), so that even a first click on a dropdown
only blits. Views are kept up to :attr:`LessonWidget.max_views`, least recently shown dropped first.
A widget whose controls take few values (a stepper) may also name what its whole picture depends on
(``picture_key``): a picture shown before is then shown again without drawing.
Controls that change together (a new function resets the sliders) do so inside
``with self.batch():`` in an observer of the control that changed, registered with
:meth:`LessonWidget.listen` before the base's own observer, which then refreshes once.

Writing a widget (see ``gradlib/topics/gradient_row.py``)::

    class MyWidget(LessonWidget):
        text = "My widget: run the notebook to use the sliders."   # fixed, nbval compares it
        size = "small"                                              # key of _style.SIZES

        def __init__(self, ...):
            self.slider = ipywidgets.FloatSlider(...)              # controls are attributes
            super().__init__([self.slider])
        def scene(self):            ...  # pure: the topic's scene(...) from the controls
        def static_key(self, s):    ...  # one view (axes + background) per value
        def picture_key(self, s):   ...  # optional: one kept PNG per value
        def draw(self, s):          ...  # draw on self.axes; return a Drawing (what moves, how)
        def panel_html(self, s):    ...  # numbers and matrices (use matrix_html)
        @property
        def state(self):            ...  # dict of the numbers shown (unrounded)
        def demo_moves(self):       ...  # [(label, callable)] scripted control changes
        def alt_text(self, s):      ...  # one sentence describing the picture

Display: ``_repr_mimebundle_`` emits ONE output holding the live widget view, a PNG of the
current state and a fixed ``text/plain`` sentence. JupyterLab shows the live widget; the stored
lesson keeps only the PNG (scripts/run_lessons.py drops the view, whose model dies with the
kernel), so a lesson opened before it is run, GitHub and nbviewer all show the picture.
"""

from __future__ import annotations

import asyncio
import base64
import html
import math
import sys
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass

import ipywidgets
import numpy as np

from ..check import RED
from ..errors import GradlibError
from . import _style as style

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: class name -> widget class, every concrete widget (a factory: calling it with no arguments
#: gives the lesson's default). Filled by :meth:`LessonWidget.__init_subclass__`.
REGISTRY: dict[str, type] = {}


@dataclass
class _View:
    """One picture of a widget: its axes, its rasterized background and the artists drawn over
    it."""

    axes: list
    background: object  # Agg region of the whole figure, without the moving artists
    drawing: style.Drawing  # the moving artists (drawn over the background by _blit), and how


class LessonWidget:
    """Base class; see the module docstring for the hooks a subclass implements.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The widget's own figure (Agg canvas, no pyplot).
    axes : list of Axes
        The axes of the view shown now (one view per value of ``static_key``).
    image : ipywidgets.Image
        The rendered figure, PNG bytes; its layout height is fixed so the page never jumps.
    panel : ipywidgets.HTML
        Numbers and matrices, with their shapes.
    controls : list of ipywidgets widgets
        Also available as named attributes set by the subclass.
    box : ipywidgets.Box
        Everything laid out; this is what the notebook displays.
    last_callback_ms : float
        Kernel time of the last control callback (compute + draw + PNG encode), in milliseconds.

    Examples
    --------
    Each function of the gradient explorer is a view with its own axes, drawn when the widget is
    built; going back to a function shows the same axes and picture again:

    >>> from gradlib.topics import GradientExplorer
    >>> w = GradientExplorer("paraboloid")
    >>> ax, png = w.axes[0], w.png
    >>> len(w.figure.axes), sum(a.get_visible() for a in w.figure.axes)
    (6, 1)
    >>> w.function.value = "saddle"
    >>> w.axes[0] is ax, "saddle" in w.axes[0].get_title()
    (False, True)
    >>> w.function.value = "paraboloid"
    >>> w.axes[0] is ax, w.png == png
    (True, True)
    """

    text = "Interactive figure: run the notebook to use the controls."
    size = "small"
    nrows, ncols, projection = 1, 1, None
    panel_width = "340px"
    #: Views kept at most; a widget with many static keys drops the least recently shown. Each
    #: costs a figure-sized RGBA buffer and a few thousand matplotlib objects (which every full
    #: garbage collection of the kernel walks through).
    max_views = 16
    #: Pictures kept at most by :meth:`picture_key` (some 20-100 kB each).
    max_pictures = 64

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            REGISTRY[cls.__name__] = cls

    def __init__(self, controls):
        self.figure, axes = style.new_figure(
            self.size, self.nrows, self.ncols, projection=self.projection
        )
        self.axes = list(np.atleast_1d(axes).ravel())
        width, height = style.png_size(self.figure)
        self.image = ipywidgets.Image(
            format="png",
            layout=ipywidgets.Layout(
                width=f"{width}px", height=f"{height}px", max_width="100%", object_fit="contain"
            ),
        )
        self.panel = ipywidgets.HTML(
            layout=ipywidgets.Layout(width=self.panel_width, min_width="260px", margin="0 0 0 12px")
        )
        self.controls = list(controls)
        # Controls wrap onto more lines and the panel goes below the figure in a narrow window.
        row = dict(flex_flow="row wrap", align_items="flex-start")
        self.box = ipywidgets.VBox(
            [
                ipywidgets.HBox(self.controls, layout=ipywidgets.Layout(**row)),
                ipywidgets.HBox([self.image, self.panel], layout=ipywidgets.Layout(**row)),
            ]
        )
        self._views: dict = {}  # static_key -> _View, the most recently shown last
        self._pictures: dict = {}  # picture_key -> PNG bytes, the most recently shown last
        self._view = None  # the _View shown now
        self._positions = {}  # projection -> axes positions of the first view drawn with it
        self._held = 0  # > 0 inside batch(): no refresh
        self.last_callback_ms = 0.0
        self._on_change_weak = _weak(self._on_change)
        for control in self.controls:
            _no_echo(control)
            if hasattr(control, "value"):
                control.observe(self._on_change_weak, names="value")
        # ipywidgets keeps every model until it is closed, and each control keeps its callbacks:
        # these hold the widget only weakly, so a dropped widget is collected, and then this
        # closes its models (it holds the box, not the widget).
        self._finalizer = weakref.finalize(self, _close_tree, self.box)
        self.refresh()
        self._unrendered = list(self.prerender_scenes())
        loop = _kernel_loop()
        if loop is None:  # a script or a test: draw them now
            while self._prerender_one():
                pass
        else:  # in a kernel: after the cell, one view per turn of its event loop
            loop.call_later(PRERENDER_AFTER_S, _weak(self._prerender_later), loop)

    def listen(self, control, method, *args):
        """Call ``method`` when ``control`` changes (``method(change)``) or, for a button, is
        clicked (``method(*args)``), without the control keeping the widget alive."""
        callback = _weak(method)
        if isinstance(control, ipywidgets.Button):
            control.on_click(lambda _button: callback(*args))
        else:
            control.observe(callback, names="value")

    def close(self):
        """Close every model of the widget (controls, picture, panel) and free its figure."""
        with style.DRAWING:
            self._finalizer()
            self._views.clear()
            self._pictures.clear()
            self._view = None
            self.figure.clear()

    # ---- hooks for subclasses -------------------------------------------------------------
    def scene(self):
        raise NotImplementedError

    def static_key(self, scene):
        """What the background depends on (e.g. the function's name): one view per value."""
        return None

    def view_projection(self, scene):
        """Projection of the axes of ``scene``'s view (None, or "3d")."""
        return self.projection

    def _prerender_one(self) -> bool:
        """Draw the next scene of :meth:`prerender_scenes` not drawn yet (the view shown stays);
        False when none is left or the widget is closed."""
        with style.DRAWING:
            while self._unrendered and self._view is not None:
                scene = self._unrendered.pop(0)
                key = self.static_key(scene)
                if key in self._views:
                    continue
                shown = self._view
                self._views[key] = self._draw_view(scene)
                self._show(shown)
                return True
            return False

    def _prerender_later(self, loop):
        """One view, then yield the kernel's event loop (a click waits for one view at most)."""
        try:
            more = self._prerender_one()
        except Exception:  # never a traceback in a later cell: the view is drawn when first shown
            self._unrendered = []
            return
        if more:
            loop.call_later(0, _weak(self._prerender_later), loop)

    def prerender_scenes(self):
        """Scenes whose views are drawn ahead (default none: each is drawn when first shown).

        A widget whose dropdown has a few choices returns one scene per choice, so that choosing
        one later only blits. In a kernel they are drawn just after the cell that built the widget
        (one per turn of the kernel's event loop, so the widget appears and responds at once);
        elsewhere, when the widget is built.
        """
        return []

    def picture_key(self, scene):
        """What the whole picture depends on, for a widget whose controls take few values (a
        stepper's step, a layer's sizes): each picture is then encoded once, and shown again as it
        was when the learner comes back to it. None (the default): every picture is blitted."""
        return None

    def draw(self, scene) -> style.Drawing:
        """Draw the whole picture for ``scene`` on the (new, empty) ``self.axes``; return its
        :class:`~._style.Drawing` (the artists that move, and how), kept with the view."""
        raise NotImplementedError

    @property
    def drawing(self) -> style.Drawing:
        """The :class:`~._style.Drawing` of the view shown now."""
        return self._view.drawing

    def panel_html(self, scene) -> str:
        return ""

    @property
    def state(self) -> dict:
        raise NotImplementedError

    def demo_moves(self):
        """Scripted interactions ``[(label, callable), ...]``: at least 4, each changing what is
        shown.

        Each callable sets one control, as a learner would; the label names the kind of move
        ("move x", "change f") so the bench reports point moves apart from function changes. The
        bench cycles through the list until it has timed at least 20 moves.
        """
        raise NotImplementedError

    def alt_text(self, scene) -> str:
        return self.text

    # ---- machinery -------------------------------------------------------------------------
    @contextmanager
    def batch(self):
        """Change several controls with no refresh: for an observer (the base's own observer
        refreshes once after it) or a method that refreshes itself when done."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    def refresh(self):
        """Recompute the scene from the controls and re-render figure and panel."""
        with style.DRAWING:
            if self._held:
                return
            scene = self.scene()
            self._scene = scene
            key = self.static_key(scene)
            view = self._views.pop(key, None)
            if view is None:
                view = self._draw_view(scene)
            else:
                self._show(view)
                view.drawing.update(scene)
            self._views[key] = view  # most recently shown last
            self._forget_old_views()
            self._png = self._picture(scene)
            self.image.value = self._png
            self.panel.value = self.panel_html(scene)

    def redraw(self):
        """Draw the view shown now again from scratch (what re-plotting on every change costs)."""
        with style.DRAWING:
            view = self._view
            for key, other in list(self._views.items()):  # their artists go with the cleared axes
                if other is not view and other.axes is view.axes:
                    del self._views[key]
            for ax in view.axes:
                ax.cla()
            key = self.static_key(self._scene)
            self._views[key] = self._draw_view(self._scene, view.axes)
            self._png = self._blit()
            self.image.value = self._png

    def _new_axes(self, projection) -> list:
        """Empty axes for a new view, at the place of the first view drawn with this projection."""
        if self._view is None:  # the first view: the figure's own axes
            return self.axes
        positions = self._positions.get(projection)
        if positions is not None:
            return [style.add_axes(self.figure, pos, projection=projection) for pos in positions]
        # A projection not drawn yet (CurveExplorer: a 3-D curve after a 2-D one): lay out the new
        # axes afresh, leaving the other views' axes out of that layout.
        for ax in self.figure.axes:
            ax.set_in_layout(False)
        self.figure.set_layout_engine("constrained")
        return [
            style.add_axes(self.figure, (self.nrows, self.ncols, i + 1), projection=projection)
            for i in range(self.nrows * self.ncols)
        ]

    def _draw_view(self, scene, axes=None) -> _View:
        """Draw ``scene`` on new axes (or on ``axes``, cleared), rasterize its background, show
        it."""
        projection = self.view_projection(scene)
        if axes is None:
            axes = self._new_axes(projection)
        for ax in self.figure.axes:
            ax.set_visible(any(ax is a for a in axes))
        self.axes = axes
        drawing = self.draw(scene)
        for artist in drawing.moving:
            artist.set_animated(True)  # left out of the background, drawn by _blit
        style.require_labels(self.figure)
        canvas = self.figure.canvas
        canvas.draw()
        if projection not in self._positions:
            # Freeze the constrained layout found on the first draw: laying out again costs more
            # than the whole redraw, and the axes should not jump when the function changes.
            self.figure.set_layout_engine("none")
            self._positions[projection] = [ax.get_position(original=True) for ax in axes]
        self._view = _View(axes, canvas.copy_from_bbox(self.figure.bbox), drawing)
        return self._view

    def _show(self, view: _View):
        """Make ``view`` the one drawn: its axes visible, the others hidden."""
        if view is self._view:
            return
        for old in self._view.axes:
            old.set_visible(False)
        for ax in view.axes:
            ax.set_visible(True)
        self.axes = view.axes
        self._view = view

    def _forget_old_views(self):
        while len(self._views) > self.max_views:
            for ax in self._views.pop(next(iter(self._views))).axes:
                ax.remove()

    def _picture(self, scene) -> bytes:
        """The PNG of ``scene``, whose view is shown and drawing updated: kept by
        :meth:`picture_key` (up to :attr:`max_pictures`, least recently shown dropped first), or
        blitted."""
        key = self.picture_key(scene)
        if key is None:
            return self._blit()
        png = self._pictures.pop(key, None) or self._blit()
        self._pictures[key] = png  # most recently shown last
        while len(self._pictures) > self.max_pictures:
            del self._pictures[next(iter(self._pictures))]
        return png

    def _blit(self) -> bytes:
        canvas, view = self.figure.canvas, self._view
        canvas.restore_region(view.background)
        for artist in view.drawing.moving:
            self.figure.draw_artist(artist)
        return style.encode_png(canvas.buffer_rgba())

    def renew_slider(self, old, low: float, high: float, value: float, description=None):
        """Put a new slider over ``[low, high]`` at ``value`` in the place of ``old``; return it.

        Changing min, max and value of a live slider takes several messages, and the browser clamps
        and snaps its value against the range it has at each one and sends that back: the point
        shown could end up stale. A new slider starts consistent. ``value`` is clipped to the range
        and put on the slider's step as the browser puts it (:func:`browser_value`), so the browser
        has nothing to snap.
        """
        step = old.step
        if isinstance(old, ipywidgets.FloatSlider):
            value = browser_value(value, low, high, step)
        else:
            value = min(max(low + round((value - low) / step) * step, low), high)
        new = type(old)(
            value=value,
            min=low,
            max=high,
            step=step,
            description=description or old.description,
            continuous_update=old.continuous_update,
            readout_format=old.readout_format,
            layout=old.layout,
            style=old.style,
        )
        old.unobserve(self._on_change_weak, names="value")
        _no_echo(new)
        new.observe(self._on_change_weak, names="value")
        self.controls[self.controls.index(old)] = new
        row = self.box.children[0]
        row.children = tuple(new if c is old else c for c in row.children)
        old.close()
        return new

    def _on_change(self, change):
        """A control changed: refresh. A callback never raises (ipywidgets would only log it and
        the widget would go silent): a GradlibError is shown in the panel over the last picture.

        A value that changed by float rounding only is the browser's slider putting the value the
        kernel set on its own step grid (-0.4 comes back as -0.3999999999999999): nothing to
        redraw, and no second callback for one click."""
        if change is not None and _rounding_only(change):
            return
        start = time.perf_counter()
        try:
            self.refresh()
        except GradlibError as err:
            shown = self.panel.value.split(_ERROR_END, 1)[-1]  # without an earlier error
            self.panel.value = f"{_ERROR_START}{html.escape(str(err))}{_ERROR_END}{shown}"
        self.last_callback_ms = (time.perf_counter() - start) * 1e3

    @property
    def png(self) -> bytes:
        """PNG bytes of what is shown now."""
        return self._png

    def _repr_mimebundle_(self, include=None, exclude=None):
        _replace_earlier_run(self)
        alt = self.alt_text(self._scene)
        data = {
            WIDGET_VIEW: self.box._repr_mimebundle_()[WIDGET_VIEW],
            "image/png": base64.b64encode(self._png).decode("ascii"),
            "text/plain": f"{self.text}\n{alt}",
        }
        width, height = style.png_size(self.figure)
        # "gradlib" marks the output as a widget's, so tests and run_lessons.py can find it.
        return data, {
            "image/png": {"alt": alt, "width": width, "height": height},
            "gradlib": {"widget": type(self).__name__},
        }


class FormulaStack:
    """Formulas under a widget, each typeset once: one ``ipywidgets.HTMLMath`` per formula shown,
    the others hidden.

    The browser typesets an HTMLMath with MathJax each time its value changes (some 50 ms on the
    page, more than the rest of a step), so a formula shown before is shown again by switching
    which one is visible. Keeps ``size`` formulas at most, reusing the least recently shown.

    Parameters
    ----------
    layout : dict
        ``ipywidgets.Layout`` arguments of the box that holds them (its size).
    size : int
        Formulas kept.

    >>> f = FormulaStack(dict(width="400px"), size=2)
    >>> f.show("$a$"); f.show("$b$"); f.show("$a$")
    >>> f.value, len(f.box.children), [c.layout.display for c in f.box.children]
    ('$a$', 2, ['', 'none'])
    >>> f.show("$c$")  # replaces the least recently shown, $b$
    >>> sorted(c.value for c in f.box.children)
    ['$a$', '$c$']
    """

    def __init__(self, layout: dict, size: int = 8):
        self.box = ipywidgets.VBox(layout=ipywidgets.Layout(**layout))
        self.size = size
        self._kept: dict = {}  # value -> HTMLMath, the one shown last

    @property
    def value(self) -> str:
        """The formula shown ("" before the first)."""
        return next(reversed(self._kept), "")

    def show(self, value: str) -> None:
        shown = self._kept.get(self.value)
        child = self._kept.pop(value, None)
        if child is None and len(self._kept) >= self.size:
            child = self._kept.pop(next(iter(self._kept)))  # the least recently shown
        if child is not shown and shown is not None:
            shown.layout.display = "none"
        if child is None:
            child = ipywidgets.HTMLMath(value=value, layout=ipywidgets.Layout(display=""))
            self.box.children = (*self.box.children, child)
        else:
            child.layout.display = ""  # visible before it is typeset again (MathJax measures)
            child.value = value
        self._kept[value] = child


#: notebook cell id -> (id of the run that showed them, weak references to the widgets shown)
_SHOWN_BY_CELL: dict = {}


def _replace_earlier_run(widget) -> None:
    """Close the widgets an earlier run of the same notebook cell showed.

    Running a cell again replaces its output; the old widgets' models would otherwise stay in the
    kernel, and a notebook saved with its widget state (the lessons' JupyterLab setting) would
    keep every earlier run's pictures too.
    """
    try:
        from IPython import get_ipython

        parent = get_ipython().get_parent()
    except (ImportError, AttributeError):
        return
    cell = (parent or {}).get("metadata", {}).get("cellId")
    run = (parent or {}).get("header", {}).get("msg_id")
    if not cell or not run:
        return
    earlier, refs = _SHOWN_BY_CELL.get(cell, (run, []))
    if earlier != run:
        for ref in refs:
            other = ref()
            if other is not None and other is not widget:
                other.close()
        refs = []
    if all(ref() is not widget for ref in refs):
        refs.append(weakref.ref(widget))
    _SHOWN_BY_CELL[cell] = (run, refs)


_ERROR_START, _ERROR_END = f'<div class="gradlib-error" style="color:{RED}">', "</div><!--e-->"


#: Seconds after the building cell before the views of ``prerender_scenes`` are drawn.
PRERENDER_AFTER_S = 0.05


def _kernel_loop():
    """The running event loop of an IPython kernel (running this cell), else None."""
    if "ipykernel" not in sys.modules:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def browser_value(value: float, low: float, high: float, step: float) -> float:
    """``value`` clipped to ``[low, high]`` and put on a float slider's steps, to the last bit as
    the browser's slider computes it.

    ipywidgets' FloatSlider view (noUiSlider 15) turns a value into a percentage of the range,
    rounds that to a whole number of steps and turns it back; when the result differs from the
    value the kernel set, even by a rounding error, it sends it back: one more message and
    callback. The same operations in the same order give the same double.

    >>> browser_value(1.05, -2.0, 2.0, 0.05), browser_value(0.6, -2.0, 2.0, 0.05)
    (1.0499999999999998, 0.6000000000000001)
    >>> browser_value(0.333, 0.0, 1.0, 0.01), browser_value(7.0, -2.0, 2.0, 0.05)
    (0.33, 2.0)
    """
    value = min(max(float(value), low), high)
    if value >= high:
        return float(high)
    span = high - low
    percent = 100 * (value + abs(low) if low < 0 else value - low) / span
    step_percent = 100 * step / span
    percent = math.floor(percent / step_percent + 0.5) * step_percent  # JavaScript's Math.round
    if percent >= 100:
        return float(high)
    return percent * span / 100 + low


def _rounding_only(change) -> bool:
    """Did a float value change by rounding only (at most 1e-12 relative)?

    >>> _rounding_only({"old": -0.4, "new": -0.3999999999999999})
    True
    >>> _rounding_only({"old": -0.4, "new": -0.35}), _rounding_only({"old": 1, "new": 1})
    (False, False)
    """
    old, new = change.get("old"), change.get("new")
    return (
        isinstance(old, float)
        and isinstance(new, float)
        and abs(new - old) <= 1e-12 * max(1.0, abs(old))
    )


def _no_echo(control) -> None:
    """Take what the page sets on ``control`` (a slider's value, a choice's index) without an echo.

    ipywidgets 8 sends each such change back to the page ("echo_update"), for other browser windows
    on the same kernel. The page that changed the control has the value already; the echo is one
    more message for it to take, and a redraw of the control, on every move (bench/README.md: the
    browser run without the echo). Without it, a second window on the same kernel sees the pictures
    change but not its own controls move, as with ipywidgets 7.
    """
    for name in ("value", "index"):
        if name in control.keys:
            # traitlets reads a trait's metadata from ``_<name>_metadata`` first: this control only
            setattr(control, f"_{name}_metadata", {"echo_update": False})


def _weak(method):
    """A callback calling the bound ``method`` while its object lives, without keeping it alive."""
    ref = weakref.WeakMethod(method)

    def callback(*args):
        bound = ref()
        if bound is not None:
            bound(*args)

    return callback


def _close_tree(widget):
    """Close an ipywidgets widget, its children, their layouts and styles."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None), widget):
        if part is not None:
            part.close()


# ---- HTML panels ------------------------------------------------------------------------------
_TABLE = (
    "border-collapse:collapse;margin:2px 4px;border-left:2px solid #444;"
    "border-right:2px solid #444;font-family:monospace;font-size:13px"
)
_CELL = "padding:2px 7px;text-align:right;"


def fmt(value, digits: int = 3) -> str:
    """A number as the lessons show it: fixed decimals, no ``-0.000``.

    >>> fmt(2), fmt(-1e-9), fmt(1 / 3)
    ('2.000', '0.000', '0.333')
    """
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def matrix_html(
    M,
    *,
    name: str = "",
    highlight_row=None,
    highlight_col=None,
    digits: int = 3,
    color: str | None = None,
) -> str:
    """A small HTML table of a 2-D matrix with its shape under it, e.g. ``∇f(x)  (1 x 2)``.

    Parameters
    ----------
    M : array_like, shape (m, n)
        Must be 2-D: the lessons never show a 1-D derivative.
    highlight_row, highlight_col : int, optional
        Row or column shaded in the highlight color.
    color : str, optional
        Color of the name (a :data:`gradlib.style.ROLES` color).

    >>> html_text = matrix_html([[1.0, 2.0]], name="grad")
    >>> "(1 x 2)" in html_text and html_text.count("<td") == 2
    True
    """
    M = np.asarray(M, dtype=float)
    if M.ndim != 2:
        raise GradlibError(
            f"matrix_html needs a 2-D matrix, got shape {M.shape}; reshape it to (m, n)."
        )
    tint = style.ROLES["highlight"] + "55"
    rows = []
    for i, row in enumerate(M):
        cells = []
        for j, v in enumerate(row):
            bg = f"background:{tint};" if i == highlight_row or j == highlight_col else ""
            cells.append(f'<td style="{_CELL}{bg}">{fmt(v, digits)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f'<table style="{_TABLE}">' + "".join(rows) + "</table>"
    col = f"color:{color};" if color else ""
    title = f'<div style="{col}font-weight:bold">{html.escape(name)}</div>' if name else ""
    shape = f'<div style="color:#555;font-size:12px">({M.shape[0]} x {M.shape[1]})</div>'
    return (
        '<div style="display:inline-block;text-align:center;vertical-align:middle">'
        f"{title}{table}{shape}</div>"
    )


def product_html(*parts) -> str:
    """Matrices and operators in one row: ``product_html(A_html, "@", B_html, "=", C_html)``."""

    def op(p):
        return (
            '<span style="font-size:18px;padding:0 4px;vertical-align:middle">'
            f"{html.escape(p)}</span>"
        )

    inner = "".join(p if p.startswith("<") else op(p) for p in parts)
    return f'<div style="display:flex;align-items:center;flex-wrap:wrap;margin:4px 0">{inner}</div>'


def line_html(label: str, value: str, color: str | None = None) -> str:
    """One labelled line of the panel, e.g. ``line_html("f(x)", fmt(v))``."""
    col = f"color:{color};" if color else ""
    return (
        f'<div style="margin:2px 0;font-size:13px"><span style="{col}font-weight:bold">'
        f"{html.escape(label)}</span> {html.escape(value)}</div>"
    )
