"""One look for every figure: a colorblind-safe palette with named roles, fixed sizes, no pyplot.

Also the drawing helpers every topic uses: arrows that move, finished pictures with alt text.

Figures are made with :func:`new_figure`, which builds a ``matplotlib.figure.Figure`` on its own
Agg canvas: no pyplot global state, so a widget owns its figure and nothing leaks between cells.
Every axes gets a title and labelled axes through :func:`label`, and :func:`require_labels`
refuses a figure that forgot one.

>>> fig, ax = new_figure("small")
>>> label(ax, "f(x, y) = x^2 + y^2", "x", "y")
>>> require_labels(fig)
>>> png_size(fig)
(614, 384)
"""

from __future__ import annotations

import base64
import struct
import threading
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.patches import FancyArrowPatch

from ..errors import GradlibError

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common color vision
# deficiency, and in grey scale by lightness.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: What each color means, the same in every lesson: the gradient is always vermillion, etc.
ROLES = {
    "gradient": OKABE_ITO["vermillion"],  # the gradient row drawn as an arrow
    "direction": OKABE_ITO["blue"],  # a direction / small change dx
    "tangent": OKABE_ITO["bluish_green"],  # linear approximations: tangent line, plane, map
    "true": OKABE_ITO["reddish_purple"],  # the true change f(x + h) - f(x)
    "highlight": OKABE_ITO["orange"],  # the selected row, column or entry
    "point": OKABE_ITO["black"],  # the point x
    "curve": OKABE_ITO["sky_blue"],  # curves and the function's own graph
    "grid": "#999999",  # grids and contour lines in the background
    "text": "#222222",
}

#: Figure sizes in inches; at ``DPI`` they are 614 x 384, 922 x 384 and 461 x 384 pixels, small
#: enough to store in a notebook and large enough to read.
SIZES = {"small": (6.4, 4.0), "wide": (9.6, 4.0), "square": (4.8, 4.0)}
#: 96 pixels per inch, the browser's own: a PNG shown at its size shows a font of s points at s
#: points, so the smallest text of every figure, :data:`MIN_FONT_SIZE`, is readable as it is shown.
DPI = 96
FONT_SIZE = 10
MIN_FONT_SIZE = 9


def new_figure(size: str = "small", nrows: int = 1, ncols: int = 1, *, projection=None):
    """A Figure on its own Agg canvas (no pyplot) and its axes.

    Parameters
    ----------
    size : {"small", "wide", "square"}
        Key of :data:`SIZES`.
    nrows, ncols : int
        Grid of axes.
    projection : None, str or list of str
        ``"3d"`` for a 3-D axes; a list gives one projection per axes (row-major).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes, or ndarray of Axes, shape (nrows, ncols) squeezed like ``plt.subplots``.
    """
    if size not in SIZES:
        raise GradlibError(f"size={size!r} is not a figure size; use one of {sorted(SIZES)}.")
    fig = Figure(figsize=SIZES[size], dpi=DPI, layout="constrained")
    _Canvas(fig)
    projections = (
        projection if isinstance(projection, (list, tuple)) else [projection] * (nrows * ncols)
    )
    axes = [add_axes(fig, (nrows, ncols, i + 1), projection=p) for i, p in enumerate(projections)]
    if len(axes) == 1:
        return fig, axes[0]
    return fig, np.array(axes, dtype=object).reshape(nrows, ncols).squeeze()


#: Held while a figure is drawn. JupyterLab 4.6 with ipykernel 7 delivers widget messages on a
#: subshell thread (``commsOverSubshells``), so a widget's callback can run while the main thread
#: draws another view or figure; matplotlib (its font and math caches, a figure's Agg buffer) is
#: not thread-safe: two draws of one widget at once raised errors or showed a stale picture.
DRAWING = threading.RLock()

_MATHTEXT = MathTextParser("path")


class _Renderer(RendererAgg):
    """An Agg renderer that keeps the glyph bitmaps of each text it drew, per text and place.

    A widget draws the same labels at the same places on every move (its moving artists, blitted
    over the background); laying out and rendering their glyphs with FreeType was most of a move's
    time (the linear layer's 70 numbers: 0.6 ms each). Drawn again, a text pastes its bitmaps: the
    same pixels, in the colour, alpha and clip of its own graphics context.
    """

    max_texts = 4096  # the least recently drawn are dropped first

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._glyphs = {}  # (text, place, font, ...) -> [(bitmap, x, y, angle), ...]
        self._agg = self._renderer  # the real one, put back after recording a text
        # One parser for every figure: its cache of parsed math ($10^{3}$ on a log axis) then
        # serves every widget, not only the figure that parsed it (about 20 ms a label)
        self.mathtext_parser = _MATHTEXT

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext and (mtext.get_fontfeatures(), mtext.get_language())
        font = (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight())
        font += (prop.get_stretch(), prop.get_size_in_points(), prop.get_file())
        key = (s, x, y, angle, font, gc.get_antialiased(), get_hinting_flag(), features)
        glyphs = self._glyphs.pop(key, None)
        if glyphs is None:
            glyphs = []
            recorder = self._renderer = _Recorder(self._agg, glyphs)
            try:
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            finally:
                self._renderer = self._agg
            if not recorder.complete:  # drawn, but not by glyph bitmaps alone: not kept
                return
            if len(self._glyphs) >= self.max_texts:
                del self._glyphs[next(iter(self._glyphs))]
        else:
            for bitmap, bx, by, bangle in glyphs:
                self._renderer.draw_text_image(bitmap, bx, by, bangle, gc)
        self._glyphs[key] = glyphs  # most recently drawn last


class _Recorder:
    """Stands in for the Agg renderer while a text is drawn: keeps a copy of each glyph bitmap.

    Anything else the text draws (a box, which plain text has none of in matplotlib 3.11) is
    passed on to Agg, and the recording is marked incomplete: such a text is drawn anew each time.
    """

    def __init__(self, agg, glyphs):
        self._agg, self._glyphs, self.complete = agg, glyphs, True

    def draw_text_image(self, bitmap, x, y, angle, gc):
        self._glyphs.append((np.array(bitmap), x, y, angle))
        self._agg.draw_text_image(bitmap, x, y, angle, gc)

    def __getattr__(self, name):
        self.complete = False
        return getattr(self._agg, name)


class _Canvas(FigureCanvasAgg):
    """An Agg canvas drawing with :class:`_Renderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer, self._lastKey = _Renderer(w, h, self.figure.dpi), key
        return self.renderer


def add_axes(fig, where, *, projection=None):
    """One more axes on ``fig`` with the house tick labels.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    where : (nrows, ncols, index) or Bbox or (left, bottom, width, height)
        A subplot of a grid (placed by the figure's layout engine), or a fixed position in figure
        coordinates (e.g. another axes' ``get_position()``, to draw a second picture in its place).
    projection : None or "3d"
    """
    if isinstance(where, tuple) and len(where) == 3 and all(isinstance(v, int) for v in where):
        ax = fig.add_subplot(*where, projection=projection)
    else:
        ax = fig.add_axes(where, projection=projection)
    ax.tick_params(labelsize=FONT_SIZE - 1)
    return ax


def label(ax, title: str, xlabel: str, ylabel: str, zlabel: str | None = None) -> None:
    """Give ``ax`` its title and axis labels (all required: a figure explains itself)."""
    for what, text in [("title", title), ("xlabel", xlabel), ("ylabel", ylabel)]:
        if not text:
            raise GradlibError(
                f"label() needs a non-empty {what}; every figure is titled and labelled."
            )
    ax.set_title(title, fontsize=FONT_SIZE + 1)
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    ax.set_ylabel(ylabel, fontsize=FONT_SIZE)
    if zlabel is not None:
        ax.set_zlabel(zlabel, fontsize=FONT_SIZE)


def require_labels(fig) -> None:
    """Raise ValueError naming the first axes of ``fig`` without a title or an axis label."""
    for i, ax in enumerate(fig.axes):
        missing = [
            w
            for w, t in [
                ("title", ax.get_title()),
                ("xlabel", ax.get_xlabel()),
                ("ylabel", ax.get_ylabel()),
            ]
            if not t
        ]
        if missing:
            raise GradlibError(
                f"axes {i} of the figure has no {', '.join(missing)}; "
                "call gradlib.style.label(ax, title, xlabel, ylabel)."
            )


def png_size(fig) -> tuple[int, int]:
    """(width, height) in pixels of ``fig`` rendered at :data:`DPI`."""
    w, h = fig.get_size_inches() * DPI
    return int(round(w)), int(round(h))


def encode_png(rgba) -> bytes:
    """PNG bytes of an RGBA buffer, shape (h, w, 4): every row unfiltered, zlib at level 1.

    A widget encodes a PNG on every move, so speed matters more than size: this takes about a
    third of Pillow's time (which tries a filter per row) and its files are no larger for line
    art. The figures are opaque, so the alpha channel is all 255.

    >>> import io, PIL.Image
    >>> rgba = np.full((2, 3, 4), 255, np.uint8)
    >>> rgba[1, 2] = (0, 114, 178, 255)
    >>> picture = PIL.Image.open(io.BytesIO(encode_png(rgba)))
    >>> picture.size, picture.mode, picture.getpixel((2, 1))
    ((3, 2), 'RGBA', (0, 114, 178, 255))
    """
    rgba = np.asarray(rgba)
    h, w, _ = rgba.shape
    rows = np.zeros((h, 1 + 4 * w), np.uint8)  # each row: filter type 0, then its pixels
    rows[:, 1:] = rgba.reshape(h, -1)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows, 1)),
            _png_chunk(b"IEND", b""),
        ]
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(fig) -> bytes:
    """Draw ``fig`` completely and return it as PNG bytes (a static picture)."""
    require_labels(fig)
    with DRAWING:
        fig.canvas.draw()
        return encode_png(fig.canvas.buffer_rgba())


def legend_beside(ax, handles, **options):
    """The legend right of the axes, top-aligned, without a frame: never over the picture."""
    options = {"fontsize": MIN_FONT_SIZE, **options}
    return ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, **options
    )


class Drawing:
    """What a topic's ``plot_*`` function returns to a widget: the artists that move and how.

    ``moving`` lists the artists a new scene changes; a widget draws them over its view's fixed
    background. ``update(scene)`` moves them to ``scene`` (a scene of the same view). A topic
    either subclasses this (a dataclass naming its artists, with an ``update`` method) or returns
    ``Drawing(moving, update)`` built from a closure; ``Drawing()`` is a picture where nothing
    moves.

    >>> fig, ax = new_figure("small")
    >>> point = ax.plot([0.0], [0.0], "o")[0]
    >>> drawing = Drawing([point], lambda x: point.set_data([x], [x]))
    >>> drawing.update(2.0)
    >>> point.get_xydata().tolist(), Drawing().moving
    ([[2.0, 2.0]], [])
    """

    def __init__(self, moving=(), update=None):
        self.moving = list(moving)
        if update is not None:
            self.update = update

    def update(self, scene) -> None:
        """Move :attr:`moving` to ``scene``; here nothing moves."""


def arrow(ax, start, end, color, *, label=None, width=2.0, zorder=4):
    """An arrow from ``start`` to ``end`` (data coordinates, shape (2,)) that :func:`move` can
    move."""
    a = FancyArrowPatch(
        tuple(start),
        tuple(end),
        arrowstyle="-|>",
        mutation_scale=14,
        color=color,
        linewidth=width,
        label=label,
        zorder=zorder,
        shrinkA=0,
        shrinkB=0,
    )
    ax.add_patch(a)
    return a


def move(arrow_patch, start, end):
    """Move an arrow made by :func:`arrow`."""
    arrow_patch.set_positions(tuple(np.asarray(start, float)), tuple(np.asarray(end, float)))


class Picture:
    """A finished figure shown as one PNG with alt text (no pyplot, deterministic text output).

    In a notebook, ``Picture(fig, "A contour map ...")`` displays the image; its ``text/plain``
    is the alt text, so a notebook test compares words, not pixels.
    """

    def __init__(self, fig, alt: str):
        self.png = png_bytes(fig)
        self.alt = alt
        self.size = png_size(fig)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"alt": self.alt, "width": self.size[0], "height": self.size[1]}}
