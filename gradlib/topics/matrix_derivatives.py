"""Lesson 8, derivatives with respect to matrices and the batch dimension: a linear layer.

With respect to an input X of any shape, the derivative of m outputs has shape (m, *X.shape):
the outputs first, then X's own axes. For y = W x (W of shape m x n) that is a 3-D array
(m, m, n); for a scalar loss L it is (1, m, n), whose only slice is the gradient shaped like W,
``delta^T x^T``. Over a batch X (B x n), Y = X W^T + b, the backward pass sums the examples:
dL/dW = Delta^T X, dL/db = 1^T Delta (broadcasting's derivative is a sum), dL/dX = Delta W.

The numbers (:func:`wx_jacobian`, :func:`forward`, :func:`backward`, :func:`layer_scene`), the
drawing (:func:`plot_layer`, a :class:`LayerArtists` drawing), the widget
(:class:`LinearLayerExplorer`), then the lesson's exercises.

>>> s = layer_scene(n=3, m=2, B=4, step=2)
>>> s.dW.shape, s.db.shape, s.dX.shape, s.step.key
((2, 3), (1, 2), (4, 3), 'dW')
>>> bool(np.allclose(s.dW, s.numeric["dW"], atol=1e-9))
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import ipywidgets
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .. import check, exercises, numeric, shapes, symbolic
from ..errors import GradlibError
from ..exercises import DIGITS, Exercise, Mistake, add
from . import _style as style
from ._widget import LessonWidget, fmt, line_html, matrix_html, product_html
from .chain_rule import matrix_grid

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["LinearLayerExplorer"]


# ---- the numbers ----------------------------------------------------------------------
def wx_jacobian(x, m: int) -> np.ndarray:
    """d(W x)/dW for W of shape (m, n), exactly: shape (m, m, n), ``J[i, i, :] = x``, else 0.

    Output i is y_i = sum_k W_ik x_k, so it moves only with row i of W, by x_k for W_ik.

    >>> wx_jacobian([2.0, -1.0, 0.5], 2)[1]
    array([[ 0. ,  0. ,  0. ],
           [ 2. , -1. ,  0.5]])
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    J = np.zeros((m, m, x.size))
    J[np.arange(m), np.arange(m)] = x
    return J


def forward(X, W, b) -> np.ndarray:
    """A linear layer on a batch: Y = X W^T + b, shape (B, m).

    Parameters
    ----------
    X : array_like, shape (B, n)
        One example per row.
    W : array_like, shape (m, n)
    b : array_like, shape (m,)
        Added to every row (numpy broadcasting).
    """
    return np.asarray(X) @ np.asarray(W).T + np.asarray(b)


def loss(Y, T) -> float:
    """The squared error summed over the batch: L = 1/2 sum_b ||y_b - t_b||^2; dL/dY = Y - T."""
    return 0.5 * np.sum((np.asarray(Y) - np.asarray(T)) ** 2)


def backward(X, W, Delta):
    """The backward pass of Y = X W^T + b, given Delta = dL/dY, the rows delta_b stacked.

    Parameters
    ----------
    X : array_like, shape (B, n)
    W : array_like, shape (m, n)
    Delta : array_like, shape (B, m)

    Returns
    -------
    dX : ndarray, shape (B, n)
        dL/dX shaped like X: row b is delta_b W.
    dW : ndarray, shape (m, n)
        dL/dW shaped like W: Delta^T X, the examples' outer products delta_b^T x_b^T summed.
    db : ndarray, shape (1, m)
        dL/db, a row: 1^T Delta, the rows of Delta summed over the batch.

    Examples
    --------
    >>> dX, dW, db = backward([[1.0, 2.0]], [[3.0, 4.0]], [[0.5]])
    >>> dX.tolist(), dW.tolist(), db.tolist()
    ([[1.5, 2.0]], [[0.5, 1.0]], [[0.5]])
    """
    X, W, Delta = (np.asarray(a, dtype=float) for a in (X, W, Delta))
    return Delta @ W, Delta.T @ X, Delta.sum(axis=0, keepdims=True)


def contributions(X, Delta) -> np.ndarray:
    """Each example's part of dL/dW: the outer products delta_b^T x_b^T, shape (B, m, n).

    Their sum over the batch is Delta^T X.
    """
    return np.einsum("bi,bk->bik", np.asarray(Delta, dtype=float), np.asarray(X, dtype=float))


@dataclass(frozen=True)
class Step:
    """One step of the layer's forward and backward pass, as the widget shows it.

    Attributes
    ----------
    key : str
        "forward", "loss", "dW", "db" or "dX".
    label : str
        The slider's label (short: the slider's readout shows about 15 characters).
    formula : str
    result : str
        The block computed in this step; ``inputs`` are the blocks it reads.
    inputs : tuple of str
    summed : tuple of (block, axis, words)
        The axes summed over: axis 0 (rows) or 1 (columns) of that block.
    """

    key: str
    label: str
    formula: str
    result: str
    inputs: tuple
    summed: tuple


STEPS = (
    Step(
        "forward",
        "1 forward Y",
        "Y = X Wᵀ + b",
        "Y",
        ("X", "W", "b"),
        (("X", 1, "n"), ("W", 1, "n")),
    ),
    Step("loss", "2 loss Δ", "Δ = dL/dY = Y − T", "Delta", ("Y",), ()),
    Step("dW", "3 dL/dW", "dL/dW = Δᵀ X", "dW", ("Delta", "X"), (("Delta", 0, "B"), ("X", 0, "B"))),
    Step("db", "4 dL/db", "dL/db = 1ᵀ Δ", "db", ("Delta",), (("Delta", 0, "B"),)),
    Step("dX", "5 dL/dX", "dL/dX = Δ W", "dX", ("Delta", "W"), (("Delta", 1, "m"), ("W", 0, "m"))),
)


def shape_text(step: Step, B: int, n: int, m: int) -> str:
    """The step as shapes in words, the shape detective's line: for "dW" with B, n, m = 4, 3,
    2, "Δᵀ (2x4) @ X (4x3) -> dL/dW (2x3), W's shape".

    >>> print(shape_text(STEPS[3], 4, 3, 2))
    1ᵀ (1x4) @ Δ (4x2) -> dL/db (1x2), the shape of b as a row
    """
    product = {
        "forward": [("X", (B, n)), ("Wᵀ", (n, m))],
        "dW": [("Δᵀ", (m, B)), ("X", (B, n))],
        "db": [("1ᵀ", (1, B)), ("Δ", (B, m))],
        "dX": [("Δ", (B, m)), ("W", (m, n))],
    }
    if step.key == "loss":
        return f"Δ = Y − T entry by entry: ({B}x{m}) − ({B}x{m}) -> Δ ({B}x{m}), Y's shape"
    result, tail = {
        "forward": ("X Wᵀ", f"; + b (1x{m}) added to every row -> Y ({B}x{m})"),
        "dW": ("dL/dW", ", W's shape"),
        "db": ("dL/db", ", the shape of b as a row"),
        "dX": ("dL/dX", ", X's shape"),
    }[step.key]
    return shapes.describe_product(product[step.key], result) + tail


MAX_SIZE = 4  # the largest n, m and B drawn: one cell per entry


def instance(n: int, m: int, B: int):
    """A small random layer of whole numbers, the same for the same sizes.

    Returns
    -------
    X : ndarray, shape (B, n)
    W : ndarray, shape (m, n)
    b : ndarray, shape (m,)
    T : ndarray, shape (B, m)
        Targets, chosen so that Delta = Y - T has small nonzero whole entries (-3..3).
    """
    for name, size in (("n", n), ("m", m), ("B", B)):
        if not 1 <= size <= MAX_SIZE:
            raise GradlibError(f"{name}={size} is not drawn; choose {name} from 1 to {MAX_SIZE}.")
    rng = np.random.default_rng([n, m, B])
    X = rng.integers(-2, 3, (B, n)).astype(float)
    W = rng.integers(-2, 3, (m, n)).astype(float)
    b = rng.integers(-2, 3, m).astype(float)
    Delta = rng.choice([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0], (B, m))
    return X, W, b, forward(X, W, b) - Delta


@dataclass(frozen=True)
class LayerScene:
    """A linear layer on a batch, forward and backward, with every gradient also from gl.gradient.

    Attributes
    ----------
    n, m, B : int
        Inputs, outputs, batch size.
    step : Step
        The step shown (:data:`STEPS`).
    X, W, b, T : ndarray
        Shapes (B, n), (m, n), (m,), (B, m): see :func:`instance`.
    Y : ndarray, shape (B, m)
        X W^T + b.
    L : float
        1/2 sum of (Y - T)^2.
    Delta : ndarray, shape (B, m)
        dL/dY shaped like Y: Y - T.
    dW, db, dX : ndarray, shapes (m, n), (1, m), (B, n)
        :func:`backward`.
    numeric : dict
        "Delta", "dW", "db", "dX" from ``gl.gradient`` of L with respect to Y, W, b, X (the
        gradients shaped like their input; db as the (1, m) row).
    """

    n: int
    m: int
    B: int
    step: Step
    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    T: np.ndarray
    Y: np.ndarray
    L: float
    Delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    dX: np.ndarray
    numeric: dict

    def block(self, name: str) -> np.ndarray:
        """A block as the picture draws it, 2-D: b as a (1, m) row."""
        return np.atleast_2d(getattr(self, name))

    @property
    def error(self) -> float:
        """The largest difference between the formulas and gl.gradient, over every gradient."""
        return max(float(np.max(np.abs(getattr(self, k) - v))) for k, v in self.numeric.items())


@lru_cache(maxsize=64)
def _layer(n: int, m: int, B: int) -> dict:
    X, W, b, T = instance(n, m, B)
    Y = forward(X, W, b)
    Delta = Y - T
    dX, dW, db = backward(X, W, Delta)
    numeric_grads = {
        "Delta": numeric.gradient(lambda Y_: loss(Y_, T), Y)[0],
        "dW": numeric.gradient(lambda W_: loss(forward(X, W_, b), T), W)[0],
        "db": numeric.gradient(lambda b_: loss(forward(X, W, b_), T), b),
        "dX": numeric.gradient(lambda X_: loss(forward(X_, W, b), T), X)[0],
    }
    return dict(
        X=X,
        W=W,
        b=b,
        T=T,
        Y=Y,
        L=float(loss(Y, T)),
        Delta=Delta,
        dW=dW,
        db=db,
        dX=dX,
        numeric=numeric_grads,
    )


def layer_scene(n: int = 3, m: int = 2, B: int = 4, step: int = 0) -> LayerScene:
    """The layer of sizes n -> m on a batch of B at step ``step`` (0-based, into :data:`STEPS`)."""
    if not 0 <= step < len(STEPS):
        raise GradlibError(f"step={step} does not exist; the steps are 0..{len(STEPS) - 1}.")
    return LayerScene(n=n, m=m, B=B, step=STEPS[step], **_layer(n, m, B))


# ---- the drawing ----------------------------------------------------------------------
_GAP = 2.0  # cells between two slots
_SLOT = MAX_SIZE + _GAP
#: Where each block sits: (column slot, row); the gradients under their variables.
PLACES = {
    "X": (0, 0),
    "W": (1, 0),
    "b": (2, 0),
    "Y": (3, 0),
    "dX": (0, 1),
    "dW": (1, 1),
    "db": (2, 1),
    "Delta": (3, 1),
}
NAMES = {
    "X": "X",
    "W": "W",
    "b": "b",
    "Y": "Y",
    "dX": "dL/dX",
    "dW": "dL/dW",
    "db": "dL/db",
    "Delta": "Δ = dL/dY",
}
_ROW_TOP = (0.0, -7.0)  # top of the forward row and of the backward row
_INPUT, _OUTPUT = style.ROLES["highlight"], style.ROLES["tangent"]
#: A note under a block (a sum's axis, b's copies): left-aligned, below the given point.
_NOTE = dict(ha="left", va="top", fontsize=9, color=style.ROLES["text"], fontweight="bold")


def _origin(name: str) -> tuple[float, float]:
    slot, row = PLACES[name]
    return slot * _SLOT, _ROW_TOP[row]


@dataclass
class LayerArtists(style.Drawing):
    """Moving artists of :func:`plot_layer`."""

    texts: dict  # block -> ndarray of cell Text artists
    tints: dict  # block -> Rectangle over the block
    sums: dict  # (block, axis) -> (arrow, label)
    ghosts: list  # b's copies, the forward step's broadcast
    title: object
    shapes: object  # the step in shapes, over the blocks

    @property
    def moving(self) -> list:
        out = [self.title, self.shapes, *self.tints.values(), *self.ghosts]
        out += [a for pair in self.sums.values() for a in pair]
        return out + [t for texts in self.texts.values() for t in texts.ravel()]

    def update(self, s) -> None:
        """Show step ``s.step``: the blocks computed so far filled in, its own blocks tinted."""
        done = {"X", "W", "b"} | {st.result for st in STEPS[: STEPS.index(s.step) + 1]}
        for name, texts in self.texts.items():
            M = s.block(name)
            for (r, c), t in np.ndenumerate(texts):
                t.set_text(_cell(M[r, c]) if name in done else "")
                t.set_fontweight("bold" if name == s.step.result else "normal")
        for name, tint in self.tints.items():
            role = _OUTPUT if name == s.step.result else _INPUT if name in s.step.inputs else None
            tint.set_visible(role is not None)
            tint.set_color(role or _INPUT)
        marked = {(name, axis) for name, axis, _ in s.step.summed}
        for key, pair in self.sums.items():
            for a in pair:
                a.set_visible(key in marked)
        for g in self.ghosts:
            g.set_visible(s.step.key == "forward")
        index = STEPS.index(s.step) + 1
        kind = "forward" if index == 1 else "backward"
        self.title.set_text(f"Step {index} of {len(STEPS)}, {kind}: {s.step.formula}")
        self.shapes.set_text("shapes: " + shape_text(s.step, s.B, s.n, s.m))


def _sum_marker(ax, name: str, axis: int, shape: tuple, words: str):
    """A double arrow along the summed axis of a block, just outside it, and its words below."""
    left, top = _origin(name)
    rows, cols = shape
    if axis == 0:  # down the rows: an arrow right of the block
        tips = ((left + cols + 0.35, top), (left + cols + 0.35, top - rows))
        text = f"Σ over the {_count(rows, 'row')} ({words})"
    else:  # along the columns: an arrow under the block
        tips = ((left, top - rows - 0.35), (left + cols, top - rows - 0.35))
        text = f"Σ over the {_count(cols, 'column')} ({words})"
    arrow = ax.add_patch(
        FancyArrowPatch(
            *tips,
            arrowstyle="<|-|>",
            mutation_scale=9,
            lw=1.6,
            color=_INPUT,
            shrinkA=0,
            shrinkB=0,
            zorder=4,
        )
    )
    return arrow, ax.text(left, top - rows - 0.75, text, **_NOTE)


def plot_layer(ax, s: LayerScene) -> LayerArtists:
    """Every array of the layer as a block of cells with its name and shape, forward on top and
    each gradient under its variable; the step's inputs and result tinted, its sums marked.

    Parameters
    ----------
    ax : matplotlib Axes
    s : LayerScene

    Returns
    -------
    LayerArtists
        A drawing: its ``moving`` artists, and ``update(s)`` for another step of the same sizes.
    """
    ax.set_xlim(-0.3, 4 * _SLOT - _GAP + 1.2)
    ax.set_ylim(_ROW_TOP[1] - MAX_SIZE - 1.8, 2.3)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    style.label(
        ax,
        "a linear layer",
        "each gradient sits under its variable, with its shape",
        "backward (bottom)    forward (top)",
    )
    texts, tints, sums = {}, {}, {}
    for name in PLACES:
        M = s.block(name)
        left, top = _origin(name)
        grid = matrix_grid(ax, left, top, M, NAMES[name])
        grid.name.set(x=left, ha="left")  # a long name over a narrow block stays in its slot
        texts[name] = grid.texts
        tints[name] = ax.add_artist(
            Rectangle((left, top - M.shape[0]), M.shape[1], M.shape[0], lw=0, alpha=0.3, zorder=0.5)
        )
    for step in STEPS:
        for name, axis, words in step.summed:
            if (name, axis) not in sums:
                sums[name, axis] = _sum_marker(ax, name, axis, s.block(name).shape, words)
    left, top = _origin("b")
    ghosts = [
        ax.add_artist(
            Rectangle(
                (left, top - 1 - r), s.m, 1, fill=False, ls="--", lw=1.2, color=_INPUT, zorder=3
            )
        )
        for r in range(1, s.B)
    ]
    ghosts.append(ax.text(left, top - s.B - 0.4, f"b copied to every row (B = {s.B})", **_NOTE))
    text = ax.text(
        (4 * _SLOT - _GAP) / 2,
        1.75,
        "",
        ha="center",
        va="center",
        fontsize=10,
        color=style.ROLES["text"],
    )
    artists = LayerArtists(texts, tints, sums, ghosts, ax.title, text)
    artists.update(s)
    return artists


def _count(k: int, word: str) -> str:
    return f"{k} {word}{'s' * (k != 1)}"


def _cell(v) -> str:
    """A cell's number: whole numbers as such (every number of the instance is whole)."""
    return fmt(v, 0) if float(v).is_integer() else fmt(v, 2)


# ---- the widget ----------------------------------------------------------------------
class LinearLayerExplorer(LessonWidget):
    """Sliders for the layer sizes n (inputs), m (outputs), the batch size B and the step.

    Every array of Y = X W^T + b and of its backward pass is a block with its shape; each
    gradient sits under its variable, with the same shape, and is checked against gl.gradient.
    """

    text = (
        "Linear layer explorer: run the notebook to change the sizes n, m, the batch B "
        "and the step."
    )
    size = "wide"
    panel_width = "360px"

    def __init__(self, n: int = 3, m: int = 2, B: int = 4, step: int = 0):
        def slider(value, description):
            return ipywidgets.IntSlider(
                value=value,
                min=1,
                max=MAX_SIZE,
                description=description,
                style={"description_width": "initial"},
                layout=ipywidgets.Layout(width="200px"),
            )

        self.n = slider(n, "n (inputs)")
        self.m = slider(m, "m (outputs)")
        self.B = slider(B, "B (batch)")
        self.step = ipywidgets.SelectionSlider(
            options=[(st.label, i) for i, st in enumerate(STEPS)],
            value=step,
            description="step",
            layout=ipywidgets.Layout(width="330px"),
        )
        super().__init__([self.n, self.m, self.B, self.step])

    def scene(self):
        return layer_scene(self.n.value, self.m.value, self.B.value, self.step.value)

    def static_key(self, s):
        return s.n, s.m, s.B

    def picture_key(self, s):
        return s.n, s.m, s.B, s.step.key

    def prerender_scenes(self):
        # A new size is a new view (some 100 ms to draw): the sizes one press away from the
        # start are drawn after the cell, so a first press on n, m or B only blits.
        start = (self.n.value, self.m.value, self.B.value)
        near = []
        for i in range(3):
            for delta in (-1, 1):
                size = list(start)
                size[i] += delta
                if 1 <= size[i] <= MAX_SIZE:
                    near.append(layer_scene(*size, self.step.value))
        return near

    def draw(self, s):
        return plot_layer(self.axes[0], s)

    def panel_html(self, s) -> str:
        key = s.step.key
        out = [
            line_html("layer:", f"n = {s.n} inputs, m = {s.m} outputs, batch B = {s.B}"),
            line_html(f"step {STEPS.index(s.step) + 1}:", s.step.formula),
            line_html("shapes:", shape_text(s.step, s.B, s.n, s.m)),
        ]
        if key == "forward":
            out.append(product_html(matrix_html(s.Y, name="Y = X Wᵀ + b", color=_OUTPUT)))
            out.append(
                line_html(
                    "",
                    f"b is added to every row (B = {s.B}): broadcasting. In the "
                    "backward pass its gradient sums over those rows.",
                )
            )
            return "".join(out)
        result = {"loss": s.Delta, "dW": s.dW, "db": s.db, "dX": s.dX}[key]
        gl_name = {
            "loss": "gl.gradient(L, Y)[0]",
            "dW": "gl.gradient(L, W)[0]",
            "db": "gl.gradient(L, b)",
            "dX": "gl.gradient(L, X)[0]",
        }[key]
        other = s.numeric["Delta" if key == "loss" else key]
        diff = float(np.max(np.abs(result - other)))
        out.append(
            product_html(
                matrix_html(result, name=s.step.formula.split(" = ")[-1], color=_OUTPUT),
                "=",
                matrix_html(other, name=gl_name),
            )
        )
        out.append(
            line_html(
                "largest difference:", f"{diff:.1e} " + ("✓ agree" if diff < 1e-8 else "✗ differ")
            )
        )
        if key == "loss":
            out.append(line_html("L = ½ Σ (Y − T)² =", fmt(s.L, 1)))
        return "".join(out)

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            **{f.name: getattr(s, f.name) for f in fields(s)},  # the scene's numbers, then:
            "step": s.step.key,
            "shapes": shape_text(s.step, s.B, s.n, s.m),
        }

    def demo_moves(self):
        moves = [
            ("step", self.step, 2),
            ("B", self.B, 1),
            ("step", self.step, 3),
            ("n", self.n, 4),
            ("m", self.m, 4),
            ("step", self.step, 4),
            ("B", self.B, 4),
            ("step", self.step, 0),
            ("n", self.n, 3),
            ("m", self.m, 2),
        ]
        return [
            (f"{label} = {value}", lambda c=control, v=value: setattr(c, "value", v))
            for label, control, value in moves
        ]

    def alt_text(self, s) -> str:
        return (
            f"Blocks of a linear layer with n = {s.n}, m = {s.m}, B = {s.B}: X ({s.B}x{s.n}), "
            f"W ({s.m}x{s.n}), b (1x{s.m}), Y ({s.B}x{s.m}) on top; under each its gradient "
            f"of the same shape. Step {STEPS.index(s.step) + 1}: {s.step.formula}."
        )


# ---- exercises ----------------------------------------------------------------------
class Gradients(tuple):
    """A backward pass's result ``(dX, dW, db)``: a tuple of arrays of different shapes.

    As an array (``np.asarray``) it is every entry in one row, those of dX, then dW, then db,
    each read row by row: so two backward passes compare as one array, as the tests of
    exercise 8.4 compare a wrong backward pass with the right one.

    >>> dX, dW, db = g = Gradients(backward([[1.0, 2.0]], [[3.0, 4.0]], [[0.5]]))
    >>> np.asarray(g).tolist(), db.tolist()
    ([[1.5, 2.0, 0.5, 1.0, 0.5]], [[0.5]])
    """

    def __array__(self, dtype=None, copy=None):
        row = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in self])[None, :]
        return row if dtype is None else row.astype(dtype)


@dataclass(frozen=True)
class ArrayExercise(Exercise):
    """Lesson 8's exercises: answers shaped like a matrix, shapes with three numbers, code.

    Until :mod:`gradlib.exercises` reads these problem keys itself, this class checks them:

    - kind "gradient" with "wrt_shape" (the input's shape, e.g. [2, 3] for W): the truth of the
      base class, a row (1, p*q) over the flattened input, is compared as (1, *wrt_shape) by
      :func:`gradlib.check.wrt_array`; "terms" (a list of per-example rows, (B, m)) adds the
      batch mistakes for a vector input; an answer that is not right and matches a declared
      :class:`~gradlib.exercises.Mistake` gets that mistake's kind and message;
    - kind "shape" with a shape of three numbers: :func:`gradlib.check.array_shape`, with the
      exercise's own "mistakes" ([shape, kind, message] each);
    - kind "code" (the spec of EXERCISE_KINDS.md): "reference" names the right function,
      "inputs" lists the calls' arguments, "returns" names the arrays it returns; the learner's
      function is called on every input and each returned array compared with the reference's,
      and a result that is wrong and agrees with a declared mistake's function is named by it.
      The truth is the reference's result on the first input, as :class:`Gradients`.

    Answers correct to 3 significant digits are accepted (``rtol`` 0.5%).
    """

    RTOL = 5e-3

    def truth(self):
        if self.kind == "code":
            return Gradients(
                exercises.resolve(self.problem["reference"])(*self.problem["inputs"][0])
            )
        return super().truth()

    def check(self, answer) -> check.Feedback:
        p = self.problem
        if self.kind == "code":
            wrong = [
                (m.kind, m.message, exercises.resolve(m.function))
                for m in self.mistakes
                if m.function
            ]
            return _check_code(answer, p, wrong)
        if self.kind == "shape" and len(p["shape"]) != 2:
            mistakes = {tuple(shape): (kind, message) for shape, kind, message in p["mistakes"]}
            return check.array_shape(
                answer, p["shape"], of=p["of"], wrt=p["wrt"], mistakes=mistakes
            )
        if "wrt_shape" in p:
            expected = self.truth().reshape(1, *p["wrt_shape"])
            terms = None if "terms" not in p else np.asarray(p["terms"], float)[:, None, :]
            variables, x = symbolic.symbols(p["variables"]), exercises._point(p)
            fb = check.wrt_array(
                answer,
                expected,
                of=p["of"],
                wrt=p["wrt"],
                terms=terms,
                variables=variables,
                x=x,
                rtol=self.RTOL,
            )
            if fb:
                return fb
            for kind, message, M in self._alternatives():  # the declared mistakes
                if check.answer(answer, M, x=x, variables=variables, rtol=self.RTOL, digits=DIGITS):
                    return check.Feedback(False, kind, message)
            return fb
        return super().check(answer)


def _same_arrays(result, wrong) -> bool:
    """Does a learner's result hold the arrays ``wrong`` holds (same shapes, to 3 digits)?"""
    try:
        pairs = [
            (np.asarray(a, dtype=float), np.asarray(b, dtype=float))
            for a, b in zip(result, wrong, strict=True)
        ]
    except (TypeError, ValueError):
        return False
    return all(
        a.shape == b.shape and np.allclose(a, b, rtol=ArrayExercise.RTOL, atol=1e-12)
        for a, b in pairs
    )


def _check_code(fn, p, mistakes=()) -> check.Feedback:
    """Call the learner's function on every input of the exercise; compare each returned array.

    ``mistakes`` are known wrong backward passes, (kind, message, function): a result that is
    wrong and agrees with one of them gets its kind and message.
    """
    names, function = p["returns"], p["reference"].partition(":")[2]
    signature = f"{function}({', '.join(p['arguments'])})"
    if fn is None:
        return check.Feedback(
            False,
            "no_answer",
            f"There is no answer yet (None). Write the "
            f"function {signature}, then set answer = {function}.",
        )
    if not callable(fn):
        return check.Feedback(
            False,
            "wrong_type",
            f"You gave {type(fn).__name__}, not a function: "
            f"write {signature} and give the function itself, answer = "
            f"{function} (no parentheses).",
        )
    reference = exercises.resolve(p["reference"])
    if fn is reference:
        return check.Feedback(
            False,
            "reference_given",
            f"That is the lesson's own reference, {p['reference']}: write the function yourself.",
        )
    for number, args in enumerate(p["inputs"], 1):
        arrays = [np.array(a, dtype=float) for a in args]
        given_shapes = ", ".join(
            f"{name} {a.shape}" for name, a in zip(p["arguments"], arrays, strict=True)
        )
        where = f"For input {number} ({given_shapes})"
        try:
            result = fn(*[a.copy() for a in arrays])
        except Exception as exc:  # the learner's code: any error is feedback
            return check.Feedback(
                False, "function_error", f"{where} your function raised {type(exc).__name__}: {exc}"
            )
        if not isinstance(result, (tuple, list)) or len(result) != len(names):
            return check.Feedback(
                False,
                "wrong_type",
                f"{where} your function returned "
                f"{type(result).__name__}; it must return {len(names)} arrays, "
                f"({', '.join(names)}).",
            )
        X, W, Delta = arrays
        terms = {"dW": contributions(X, Delta)[:, None], "db": Delta[:, None, :]}
        for name, got, want in zip(names, result, reference(*arrays), strict=True):
            wrt = name[1:]
            expected = want if name == "db" else want[None]
            fb = check.wrt_array(
                got, expected, of="L", wrt=wrt, terms=terms.get(name), rtol=ArrayExercise.RTOL
            )
            if not fb:
                for kind, message, wrong in mistakes:
                    if _same_arrays(result, wrong(*[a.copy() for a in arrays])):
                        return check.Feedback(False, kind, f"{where}: {message}")
                return check.Feedback(False, fb.kind, f"{where}, {name}: {fb.message}", fb.entries)
    return check.Feedback(
        True,
        "correct",
        f"Correct on all {len(p['inputs'])} inputs: "
        f"{', '.join(names)} match the reference backward pass.",
    )


# The wrong backward passes learners write: the declared mistakes of exercise 8.4.
def _backward_dW_transposed(X, W, Delta):
    dX, dW, db = backward(X, W, Delta)
    return Gradients((dX, np.asarray(X).T @ np.asarray(Delta), db))


def _backward_db_not_summed(X, W, Delta):
    dX, dW, _ = backward(X, W, Delta)
    return Gradients((dX, dW, np.asarray(Delta)))


def _backward_db_mean(X, W, Delta):
    dX, dW, _ = backward(X, W, Delta)
    return Gradients((dX, dW, np.asarray(Delta).mean(axis=0, keepdims=True)))


def _backward_dX_transposed(X, W, Delta):
    _, dW, db = backward(X, W, Delta)
    return Gradients((np.asarray(W).T @ np.asarray(Delta).T, dW, db))


def _matrix_text(M) -> str:
    rows = ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in M)
    return f"[{rows}]"


def _layer_loss(delta, x) -> str:
    """L = sum_i delta_i y_i with y = W x: the loss whose dL/dy is the row delta."""
    return " + ".join(
        f"({d:g})*(" + " + ".join(f"({xk:g})*W{i}{k}" for k, xk in enumerate(x, 1)) + ")"
        for i, d in enumerate(delta, 1)
    )


add(
    ArrayExercise(
        id="8.1",
        kind="shape",
        statement="A linear layer $y = W x + b$ maps $x \\in \\mathbb{R}^5$ to $y \\in "
        "\\mathbb{R}^3$, "
        "and a loss $L(y)$ is one number. What shape does $dL/dW$ have? Answer with a tuple, "
        "e.g. `(2, 7)`.",
        hints=(
            "First the shape of W itself: y = W x takes 5 numbers to 3.",
            "How many outputs does L have? In numerator layout the outputs' axis comes first, "
            "then the input's own axes.",
        ),
        problem={
            "shape": (1, 3, 5),
            "of": "L",
            "wrt": "W",
            "mistakes": [
                [
                    (3, 3, 5),
                    "jacobian_of_y",
                    "(3, 3, 5) is the shape of dy/dW, the derivative of the "
                    "layer's 3 outputs. L is one number: one output axis, of "
                    "length 1.",
                ],
                [
                    (1, 3),
                    "shape_of_delta",
                    "(1, 3) is the shape of dL/dy = δ (and of dL/db). dL/dW has "
                    "one entry for each of W's 15 weights.",
                ],
            ],
        },
        examples_wrong=(
            ((5, 3), "transposed"),
            ((1, 15), "flattened"),
            ((3, 3, 5), "jacobian_of_y"),
            ((1, 3), "shape_of_delta"),
            (15, "one_d"),
        ),
    )
)

_DELTA_82, _X_82, _W_82 = [0.5, -2.0], [4.0, -1.0, 1.5], [[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]
add(
    ArrayExercise(
        id="8.2",
        kind="gradient",
        statement="A linear layer $y = W x + b$ with $W$ of shape $2 \\times 3$ gets the input "
        f"$x = ({', '.join(f'{v:g}' for v in _X_82)})^T$, and backprop delivers "
        f"$\\delta = dL/dy = {_matrix_text([_DELTA_82])}$, a $1 \\times 2$ row. Compute "
        "$dL/dW$ by hand, shaped like $W$ (or as the full $(1, 2, 3)$ array); 3 significant "
        "digits are enough.",
        hints=(
            "Which weights does output y_i depend on? y_i = sum_k W_ik x_k.",
            "Chain rule entry by entry: dL/dW_jk = sum over i of delta_i * dy_i/dW_jk. Which "
            "terms of that sum are not zero?",
            "Only i = j: entry (j, k) is delta_j x_k, the outer product of the column delta^T "
            "and the row x^T, a matrix shaped like W (one row per output, one column per input).",
        ),
        problem={
            "f": _layer_loss(_DELTA_82, _X_82),
            "variables": "W11 W12 W13 W21 W22 W23",
            "x": np.ravel(_W_82).tolist(),
            "wrt_shape": [2, 3],
            "of": "L",
            "wrt": "W",
        },
        mistakes=(
            Mistake(
                "x delta: the transpose, shaped (3, 2)",
                answer=np.outer(_X_82, _DELTA_82).tolist(),
                kind="transposed",
                message="This is x δ, the column x times the row δ, shape (3, 2): the transpose. "
                "Entry (j, k) of dL/dW is the derivative with respect to W_jk, so dL/dW has W's "
                "shape (2, 3): the column δ^T times the row x^T.",
            ),
            Mistake(
                "x delta reshaped to W's shape",
                answer=np.outer(_X_82, _DELTA_82).reshape(2, 3).tolist(),
                kind="reshaped_transpose",
                message="This is x δ (3 x 2) reshaped to (2, 3): reshaping reads its entries in "
                "the wrong order, so the numbers land in the wrong places. Entry (j, k) must be "
                "δ_j x_k: transpose instead of reshaping, or compute δ^T x^T.",
            ),
            Mistake(
                "W flattened column by column",
                answer=np.outer(_DELTA_82, _X_82).reshape(1, 6, order="F").tolist(),
                kind="vec_column_major",
                message="The right numbers in the wrong order: dL/dW flattened column by column "
                "(the vec of many textbooks). Here a flattened W is read row by row (numpy's "
                "reshape), W11, W12, W13, W21, ...; or give dL/dW shaped like W.",
            ),
            Mistake(
                "the sign flipped",
                answer=(-np.outer(_DELTA_82, _X_82)).tolist(),
                kind="sign",
                message="Every entry has the opposite sign: L = δ · y with y = W x adds δ_j x_k "
                "for each weight W_jk; there is no minus sign anywhere on the way.",
            ),
        ),
        examples_wrong=(
            (np.outer(_X_82, _DELTA_82), "transposed"),
            (np.outer(_X_82, _DELTA_82).reshape(2, 3), "reshaped_transpose"),
            (np.outer(_DELTA_82, _X_82).reshape(1, 6, order="F"), "vec_column_major"),
            (-np.outer(_DELTA_82, _X_82), "sign"),
            (np.outer(_DELTA_82, _X_82).ravel(), "one_d"),
        ),
    )
)

_DELTA_83 = [[1.0, -2.0], [0.5, 1.5], [-3.0, 0.0]]
add(
    ArrayExercise(
        id="8.3",
        kind="gradient",
        statement="A batch of 3 examples goes through the same layer, $y_b = W x_b + b$ with "
        "$b \\in \\mathbb{R}^2$, and backprop delivers each example's row "
        "$\\delta_b = dL/dy_b$, stacked as the $3 \\times 2$ matrix "
        f"$\\Delta = {_matrix_text(_DELTA_83)}$. The loss is the sum over the batch. "
        "Compute $dL/db$, a $1 \\times 2$ row; 3 significant digits are enough.",
        hints=(
            "b is added to the output of every example: each example's delta_b is one "
            "contribution to dL/db.",
            "dL/db collects all 3 contributions: which axis of Delta (3 x 2) do you sum over, "
            "and which one do you keep?",
        ),
        problem={
            "f": " + ".join(f"({d:g})*b{i}" for row in _DELTA_83 for i, d in enumerate(row, 1)),
            "variables": "b1 b2",
            "x": [0, 0],
            "wrt_shape": [2],
            "of": "L",
            "wrt": "b",
            "terms": _DELTA_83,
        },
        mistakes=(
            Mistake(
                "Delta itself: the examples not summed",
                answer=_DELTA_83,
                kind="missing_sum",
                message="This is Δ itself, the 3 examples' rows δ_b, not summed: b is added to "
                "every example and the loss adds up the examples, so dL/db is the sum of the rows "
                "over the batch, one row of shape (1, 2).",
            ),
            Mistake(
                "the mean over the batch",
                answer=np.mean(_DELTA_83, axis=0, keepdims=True).tolist(),
                kind="batch_mean",
                message="This is the mean of the 3 rows of Δ; the loss here is the sum over the "
                "batch, not the mean, so dL/db is the sum of the rows, 3 times this.",
            ),
            Mistake(
                "summed over the entries of b instead of the batch",
                answer=np.sum(_DELTA_83, axis=1, keepdims=True).tolist(),
                kind="wrong_axis",
                message="You summed each row of Δ, over the entries of b, instead of over the "
                "batch: dL/db keeps b's axis (the columns of Δ) and sums the 3 examples (axis 0, "
                "the rows).",
            ),
        ),
        examples_wrong=(
            (_DELTA_83, "missing_sum"),
            ([_DELTA_83[0]], "one_example"),
            (np.mean(_DELTA_83, axis=0, keepdims=True), "batch_mean"),
            (np.sum(_DELTA_83, axis=1, keepdims=True), "wrong_axis"),
            (np.sum(_DELTA_83, axis=0), "one_d"),
        ),
    )
)

_INPUTS_84 = [  # [X (B x n), W (m x n), Delta (B x m)]: sizes differ, so no transpose fits
    [
        [[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [2.0, -2.0, 1.0], [0.0, 1.0, -1.0]],
        [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]],
        [[1.0, -2.0], [0.5, 1.0], [-1.5, 0.0], [2.0, 3.0]],
    ],
    [
        [[0.3, -1.2], [2.5, 0.7], [-0.4, 1.1]],
        [[1.5, -0.5], [0.2, 0.8], [-1.0, 2.0], [0.6, 0.4]],
        [[0.1, -0.7, 1.2, 0.4], [2.0, 0.3, -0.6, -1.1], [-0.8, 0.5, 0.9, 1.3]],
    ],
    [
        [[1.0, -1.0, 2.0, 0.5, 1.5]],
        [[0.7, -0.2, 1.1, 0.4, -0.9], [1.3, 0.6, -0.5, 2.2, 0.1]],
        [[-1.2, 0.8]],
    ],
]
add(
    ArrayExercise(
        id="8.4",
        kind="code",
        statement="Write the backward pass of a linear layer $Y = X W^T + b$ on a batch: a "
        "function "
        "`backward(X, W, Delta)` that gets $X$ ($B \\times n$), $W$ ($m \\times n$) and "
        "$\\Delta = dL/dY$ ($B \\times m$, one row $\\delta_b$ per example) and returns "
        "`(dX, dW, db)`: $dL/dX$ shaped like $X$, $dL/dW$ shaped like $W$, and $dL/db$ as "
        "a $1 \\times m$ row. It is checked on three batches of different sizes.",
        hints=(
            "Shapes first: dW must be (m x n) from Delta (B x m) and X (B x n); which product of "
            "the two, one of them transposed, has that shape and sums over the B examples?",
            "db: b is added to every example, so its gradient sums over one axis of Delta. "
            "Which axis is the batch? Keep the result a (1 x m) row (keepdims=True).",
            "dX has X's shape (B x n): row b is delta_b (1 x m) times W (m x n).",
        ),
        problem={
            "reference": "gradlib.topics.matrix_derivatives:backward",
            "inputs": _INPUTS_84,
            "what": "matrix",
            "arguments": ["X", "W", "Delta"],
            "returns": ["dX", "dW", "db"],
        },
        mistakes=(
            Mistake(
                "dW transposed: X^T Delta",
                function="gradlib.topics.matrix_derivatives:_backward_dW_transposed",
                kind="transposed",
                message="Your dW is the transpose of dL/dW, shape (n, m): X^T Δ. dL/dW has W's "
                "shape (m x n), entry (i, k) summing δ_bi x_bk over the examples: transpose it.",
            ),
            Mistake(
                "db not summed over the batch",
                function="gradlib.topics.matrix_derivatives:_backward_db_not_summed",
                kind="missing_sum",
                message="Your db is Δ itself, one row per example: b is added to every example, "
                "so dL/db sums the rows of Δ over the batch (axis 0), a (1 x m) row.",
            ),
            Mistake(
                "db the mean over the batch",
                function="gradlib.topics.matrix_derivatives:_backward_db_mean",
                kind="batch_mean",
                message="Your db is the mean of the rows of Δ; the loss adds up the examples, so "
                "dL/db is their sum, B times that.",
            ),
            Mistake(
                "dX transposed: W^T Delta^T",
                function="gradlib.topics.matrix_derivatives:_backward_dX_transposed",
                kind="transposed",
                message="Your dX is the transpose of dL/dX, shape (n, B): W^T Δ^T. dL/dX has X's "
                "shape (B x n), one row δ_b W per example: transpose it.",
            ),
        ),
        examples_wrong=(
            (_backward_dW_transposed, "transposed"),
            (_backward_db_not_summed, "missing_sum"),
            (_backward_db_mean, "batch_mean"),
            (_backward_dX_transposed, "transposed"),
            (lambda X, W, Delta: None, "wrong_type"),
        ),
    )
)
