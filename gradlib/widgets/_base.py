"""The base every lesson widget builds on: one Agg figure as a PNG, an HTML panel, ipywidgets controls.

There is no ipympl: a widget owns one ``matplotlib.figure.Figure`` on an Agg canvas and shows it in
an ``ipywidgets.Image``. Moving a control recomputes a pure *scene* (``gradlib.explore``), moves the
existing artists (``gradlib.viz`` ``update_*`` helpers) and re-encodes the PNG into the same Image:
no flicker, no growing output. Artists that move are drawn with Agg blitting (the background with
contours is rasterized once per function, then only moving artists are drawn on top of a copy), so
a callback costs a few milliseconds (``bench/bench_widgets.py`` times every widget).

Writing a widget (see ``gradlib/widgets/gradient.py``)::

    @register("my_widget")
    class MyWidget(LessonWidget):
        text = "My widget: run the notebook to use the sliders."   # fixed, nbval compares it
        size = "small"                                              # key of gradlib.style.SIZES

        def __init__(self, ...):
            self.slider = ipywidgets.FloatSlider(...)              # controls are attributes
            super().__init__([self.slider])
        def scene(self):            ...  # pure: gradlib.explore.<topic>.scene(...) from controls
        def static_key(self, s):    ...  # redraw the background only when this changes
        def draw(self, s):          ...  # clear + draw everything; return the moving artists
        def update(self, s):        ...  # move the artists returned by draw
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

import base64
import html
import time

import ipywidgets
import numpy as np

from .. import style

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: name -> widget class (a factory: calling it with no arguments gives the lesson's default).
REGISTRY: dict[str, type] = {}


def register(name: str):
    """Class decorator: add a widget class to :data:`REGISTRY` under ``name``."""
    def deco(cls):
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise ValueError(f"widget name {name!r} is already registered by {REGISTRY[name].__name__}")
        cls.name = name
        REGISTRY[name] = cls
        return cls
    return deco


class LessonWidget:
    """Base class; see the module docstring for the hooks a subclass implements.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The widget's own figure (Agg canvas, no pyplot).
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
    """

    name = ""
    text = "Interactive figure: run the notebook to use the controls."
    size = "small"
    nrows, ncols, projection = 1, 1, None
    panel_width = "340px"

    def __init__(self, controls):
        self.figure, axes = style.new_figure(self.size, self.nrows, self.ncols, projection=self.projection)
        self.axes = list(np.atleast_1d(axes).ravel())
        width, height = style.png_size(self.figure)
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(
            width=f"{width}px", height=f"{height}px", max_width="100%", object_fit="contain"))
        self.panel = ipywidgets.HTML(layout=ipywidgets.Layout(width=self.panel_width, min_width="260px",
                                                              margin="0 0 0 12px"))
        self.controls = list(controls)
        # Controls wrap onto more lines and the panel goes below the figure in a narrow window.
        row = dict(flex_flow="row wrap", align_items="flex-start")
        self.box = ipywidgets.VBox([
            ipywidgets.HBox(self.controls, layout=ipywidgets.Layout(**row)),
            ipywidgets.HBox([self.image, self.panel], layout=ipywidgets.Layout(**row)),
        ])
        self._static = None        # static_key of the drawn background
        self._background = None    # Agg copy of the background without the moving artists
        self._artists = []         # the moving artists, drawn over the background
        self.last_callback_ms = 0.0
        for control in self.controls:
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        self.refresh()

    # ---- hooks for subclasses -------------------------------------------------------------
    def scene(self):
        raise NotImplementedError

    def static_key(self, scene):
        """What the background depends on (e.g. the function's name); redrawn only when it changes."""
        return None

    def draw(self, scene):
        """Clear and draw the whole figure for ``scene``; return the list of moving artists."""
        raise NotImplementedError

    def update(self, scene):
        """Move the artists returned by :meth:`draw` to ``scene``."""
        raise NotImplementedError

    def panel_html(self, scene) -> str:
        return ""

    @property
    def state(self) -> dict:
        raise NotImplementedError

    def demo_moves(self):
        """Scripted interactions ``[(label, callable), ...]``: at least 4, each changing what is shown.

        Each callable sets one control, as a learner would; the label names the kind of move
        ("move x", "change f") so the bench reports point moves apart from function changes. The
        bench cycles through the list until it has timed at least 20 moves.
        """
        raise NotImplementedError

    def alt_text(self, scene) -> str:
        return self.text

    # ---- machinery -------------------------------------------------------------------------
    def refresh(self):
        """Recompute the scene from the controls and re-render figure and panel."""
        scene = self.scene()
        self._scene = scene
        key = self.static_key(scene)
        canvas = self.figure.canvas
        if self._background is None or key != self._static:
            for ax in self.axes:
                ax.cla()
            self._artists = [a for a in self.draw(scene) if a is not None]
            for artist in self._artists:
                artist.set_animated(True)   # left out of the background, drawn by _blit
            style.require_labels(self.figure)
            canvas.draw()
            # Freeze the constrained layout found on the first draw: laying out again costs more
            # than the whole redraw, and the axes should not jump when the function changes.
            self.figure.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._static = key
        else:
            self.update(scene)
        self._png = self._blit()
        self.image.value = self._png
        self.panel.value = self.panel_html(scene)

    def _blit(self) -> bytes:
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self._artists:
            self.figure.draw_artist(artist)
        return style.encode_png(canvas.buffer_rgba())

    def _on_change(self, change):
        start = time.perf_counter()
        self.refresh()
        self.last_callback_ms = (time.perf_counter() - start) * 1e3

    @property
    def png(self) -> bytes:
        """PNG bytes of what is shown now."""
        return self._png

    def _repr_mimebundle_(self, include=None, exclude=None):
        alt = self.alt_text(self._scene)
        data = {
            WIDGET_VIEW: self.box._repr_mimebundle_()[WIDGET_VIEW],
            "image/png": base64.b64encode(self._png).decode("ascii"),
            "text/plain": f"{self.text}\n{alt}",
        }
        width, height = style.png_size(self.figure)
        # "gradlib" marks the output as a widget's, so tests and run_lessons.py can find it.
        return data, {"image/png": {"alt": alt, "width": width, "height": height},
                      "gradlib": {"widget": type(self).__name__}}


# ---- HTML panels ------------------------------------------------------------------------------
_TABLE = ("border-collapse:collapse;margin:2px 4px;border-left:2px solid #444;"
          "border-right:2px solid #444;font-family:monospace;font-size:13px")
_CELL = "padding:2px 7px;text-align:right;"


def fmt(value, digits: int = 3) -> str:
    """A number as the lessons show it: fixed decimals, no ``-0.000``.

    >>> fmt(2), fmt(-1e-9), fmt(1 / 3)
    ('2.000', '0.000', '0.333')
    """
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def matrix_html(M, *, name: str = "", highlight_row=None, highlight_col=None, digits: int = 3,
                color: str | None = None) -> str:
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
        raise ValueError(f"matrix_html needs a 2-D matrix, got shape {M.shape}; reshape it to (m, n).")
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
    return f'<div style="display:inline-block;text-align:center;vertical-align:middle">{title}{table}{shape}</div>'


def product_html(*parts) -> str:
    """Matrices and operators in one row: ``product_html(A_html, "@", B_html, "=", C_html)``."""
    def op(p):
        return f'<span style="font-size:18px;padding:0 4px;vertical-align:middle">{html.escape(p)}</span>'
    inner = "".join(p if p.startswith("<") else op(p) for p in parts)
    return f'<div style="display:flex;align-items:center;flex-wrap:wrap;margin:4px 0">{inner}</div>'


def line_html(label: str, value: str, color: str | None = None) -> str:
    """One labelled line of the panel, e.g. ``line_html("f(x)", fmt(v))``."""
    col = f"color:{color};" if color else ""
    return (f'<div style="margin:2px 0;font-size:13px"><span style="{col}font-weight:bold">'
            f'{html.escape(label)}</span> {html.escape(value)}</div>')
