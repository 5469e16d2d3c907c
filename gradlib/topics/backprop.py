"""Lesson 6, from the chain rule to backprop: multiply a chain of Jacobians in either order.

A network is a chain f = g_L(... g_1(x)); its Jacobian is the product J_L ... J_1. Forward mode
carries a column (J @ v, one pass per input), reverse mode a row (u^T @ J, one pass per output):
for a scalar loss one reverse pass gives the whole gradient. The counting of multiplications is
:func:`gradlib.chain.costs`; :func:`plot_costs` draws it and :class:`AccumulationCost` lets the
learner change the sizes. Then the lesson's exercises.

>>> c = network_chain()
>>> c.sizes, [J.shape for J in c.jacobians]
([2, 3, 2, 1], [(3, 2), (2, 3), (1, 2)])
>>> reverse_accumulate(c.jacobians)[-1][1].shape
(1, 2)
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import functions
from ..chain import Chain, accumulation_steps, costs
from ..errors import GradlibError
from ..exercises import Exercise, add
from . import _style as style
from ._widget import LessonWidget, line_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["AccumulationCost"]

# ---- the numbers ----------------------------------------------------------------------
#: The lesson's network, from the catalogue: a linear layer R^2 -> R^3, a tanh layer R^3 -> R^2,
#: and the squared-error loss R^2 -> R.
NETWORK = ("linear_map", "neural_layer", "squared_error")
NETWORK_X = (0.5, -0.5)


def network_chain(x=NETWORK_X) -> Chain:
    """The lesson's network as a :class:`gradlib.Chain` at input ``x`` (shape (2,)): Jacobians (exact) and sizes."""
    return Chain(
        [functions.get(name) for name in NETWORK], np.asarray(x, float), names=list(NETWORK)
    )


def network(x) -> float:
    """The network's loss at x, shape (2,), as one function (for finite differences of the whole)."""
    for name in NETWORK:
        x = functions.get(name).f(np.asarray(x, float))
    return float(x)


def reverse_accumulate(jacobians) -> list:
    """Left to right: start from the last Jacobian and multiply by the next one on the right.

    Parameters
    ----------
    jacobians : list of ndarray, ``[J_1, ..., J_L]``, J_i of shape (m_i, m_{i-1})

    Returns
    -------
    list of (str, ndarray)
        ``("J3", J_3)``, ``("J3 @ J2", ...)``, ...; the last product is J_f, shape (k, n).
        When k == 1 every product is a row (1, m_i): this is backpropagation.
    """
    L = len(jacobians)
    name, acc = f"J{L}", jacobians[-1]
    out = [(name, acc)]
    for i in range(L - 1, 0, -1):
        name, acc = f"{name} @ J{i}", acc @ jacobians[i - 1]
        out.append((name, acc))
    return out


def forward_accumulate(jacobians) -> list:
    """Right to left: start from J_1 and multiply by the next Jacobian on the left.

    Returns
    -------
    list of (str, ndarray)
        ``("J1", J_1)``, ``("J2 @ J1", ...)``, ...; every product has n columns, one per input.
    """
    name, acc = "J1", jacobians[0]
    out = [(name, acc)]
    for i in range(2, len(jacobians) + 1):
        name, acc = f"J{i} @ {name}", jacobians[i - 1] @ acc
        out.append((name, acc))
    return out


def jvp(jacobians, v) -> np.ndarray:
    """J_f @ v without forming J_f: push the column v, shape (n, 1), through J_1, J_2, ... (forward mode)."""
    for J in jacobians:
        v = J @ v
    return v


def vjp(jacobians, u) -> np.ndarray:
    """u^T @ J_f without forming J_f: pull the row u^T, shape (1, k), back through J_L, ..., J_1 (reverse mode)."""
    for J in reversed(jacobians):
        u = u @ J
    return u


def passes(jacobians, mode: str) -> tuple[np.ndarray, int]:
    """J_f built from whole passes: forward mode, one J @ e_j per input; reverse, one e_i^T @ J per output.

    Returns
    -------
    J_f : ndarray, shape (k, n)
    count : int
        How many passes it took (n for forward, k for reverse).
    """
    k, n = jacobians[-1].shape[0], jacobians[0].shape[1]
    if mode == "forward":
        return np.hstack([jvp(jacobians, np.eye(n)[:, [j]]) for j in range(n)]), n
    if mode == "reverse":
        return np.vstack([vjp(jacobians, np.eye(k)[[i], :]) for i in range(k)]), k
    raise GradlibError(f"mode={mode!r}; use 'forward' or 'reverse'.")


@dataclass(frozen=True)
class CostScene:
    """What the cost widget shows for one set of layer sizes.

    Attributes
    ----------
    sizes : tuple of int
        ``(n, m1, m2, k)``: input size, two hidden sizes, output size.
    costs : dict
        :func:`gradlib.chain.costs`: ``forward``, ``reverse``, ``optimal``, ``bracketing``.
    steps : dict of order -> list of (str, shape)
        :func:`gradlib.chain.accumulation_steps` for "forward" and "reverse".
    step : int
        The accumulation step shown (0 = the first factor alone).
    """

    sizes: tuple
    costs: dict
    steps: dict
    step: int

    @property
    def winner(self) -> str:
        """ "forward", "reverse" or "tie": which order costs fewer multiplications."""
        f, r = self.costs["forward"], self.costs["reverse"]
        return "tie" if f == r else ("forward" if f < r else "reverse")


def cost_scene(sizes, step: int = 0) -> CostScene:
    """The cost widget's scene for layer sizes ``[n, m1, ..., k]`` at accumulation step ``step``.

    >>> s = cost_scene([100, 50, 20, 1], step=2)
    >>> s.costs["forward"], s.costs["reverse"], s.winner
    (102000, 6000, 'reverse')
    >>> s.steps["reverse"][2]
    ('(J3 @ J2) @ J1: (1x50)(50x100) -> (1x100), 5,000 multiplications', (1, 100))
    """
    sizes = tuple(int(s) for s in sizes)
    c = costs(sizes)
    steps = {order: accumulation_steps(sizes, order) for order in ("forward", "reverse")}
    return CostScene(sizes, c, steps, int(np.clip(step, 0, len(sizes) - 2)))


# ---- the drawing ----------------------------------------------------------------------
ORDERS = ("forward", "reverse", "optimal")
ORDER_COLORS = {
    "forward": style.ROLES["direction"],
    "reverse": style.ROLES["gradient"],
    "optimal": style.ROLES["tangent"],
}


def _side(size: int) -> float:
    """Drawn length of a matrix side: logarithmic, so 1 and 1000 both fit (1 -> 0.15, 1000 -> 1)."""
    return 0.15 + 0.85 * np.log10(size) / 3


def plot_costs(ax_bars, ax_shapes, scene):
    """Bars of multiplications per order (log scale) and the accumulated products' shapes.

    Parameters
    ----------
    ax_bars, ax_shapes : matplotlib Axes
    scene : CostScene

    Returns
    -------
    artists : list
        The moving artists (bars, their labels, the shape boxes and texts, titles).
    update : callable
        ``update(scene)`` moves them to new sizes or another step.
    """
    bars = ax_bars.bar(range(3), [1, 1, 1], color=[ORDER_COLORS[o] for o in ORDERS], width=0.6)
    ax_bars.set_xticks(
        range(3),
        ["forward\n(right to left)", "reverse\n(left to right)", "best\nbracketing"],
        fontsize=8,
    )
    ax_bars.set_yscale("log")
    ax_bars.set_ylim(1, 1e10)
    style.label(
        ax_bars, "Multiplications for J_f", "order of the products", "scalar multiplications"
    )
    labels = [ax_bars.text(i, 1, "", ha="center", va="bottom", fontsize=8) for i in range(3)]

    L = len(scene.sizes) - 1
    ax_shapes.set_xlim(-0.2, 1.3 * L)
    ax_shapes.set_ylim(-1.3, 1.4)
    ax_shapes.set_xticks([])
    ax_shapes.set_yticks([0.6, -0.75], ["forward", "reverse"], fontsize=9)
    style.label(
        ax_shapes,
        "Shape of the accumulated product, step by step",
        "steps 0, 1, 2 (sides on a log scale; current step outlined)",
        "order",
    )
    boxes, texts = {}, {}
    for order, y0 in (("forward", 0.1), ("reverse", -1.25)):
        boxes[order] = [
            ax_shapes.add_patch(
                Rectangle((1.3 * s, y0), 1, 1, fill=True, alpha=0.5, color=ORDER_COLORS[order])
            )
            for s in range(L)
        ]
        # one label per order, on the current step's box (text is the slow part of a redraw)
        texts[order] = ax_shapes.text(0, y0, "", fontsize=9, va="bottom", fontweight="bold")

    def update(s):
        for i, order in enumerate(ORDERS):
            v = max(s.costs[order], 1)
            bars[i].set_height(v)
            labels[i].set_position((i, v * 1.3))
            labels[i].set_text(f"{s.costs[order]:,}")
        for order, y0 in (("forward", 0.1), ("reverse", -1.25)):
            for idx, box in enumerate(boxes[order]):
                _, (rows, cols) = s.steps[order][idx]
                box.set_bounds(1.3 * idx, y0 + 1 - _side(rows), _side(cols), _side(rows))
                box.set_alpha(0.85 if idx == s.step else 0.25)
                box.set_edgecolor("black" if idx == s.step else "none")
            rows, cols = s.steps[order][s.step][1]
            texts[order].set_position((1.3 * s.step, y0 + 1.02))
            texts[order].set_text(f"({rows}x{cols})")
        return [*bars, *labels, *[a for o in ("forward", "reverse") for a in (*boxes[o], texts[o])]]

    return update(scene), update


# ---- the widget ----------------------------------------------------------------------
SIZE_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _size_slider(description: str, value: int):
    return ipywidgets.SelectionSlider(
        options=SIZE_OPTIONS,
        value=value,
        description=description,
        layout=ipywidgets.Layout(width="260px"),
    )


class AccumulationCost(LessonWidget):
    """Sliders for the input size n, two hidden sizes and the output size k of J_3 J_2 J_1.

    Parameters
    ----------
    sizes : sequence of 4 int from :data:`SIZE_OPTIONS`
        ``(n, m1, m2, k)``.
    """

    text = "Accumulation cost: run the notebook to change the layer sizes."
    size = "wide"
    ncols = 2
    panel_width = "330px"
    view_attrs = ("_update",)

    def __init__(self, sizes=(100, 50, 20, 1)):
        n, m1, m2, k = sizes
        self.n = _size_slider("input n:", n)
        self.m1 = _size_slider("hidden m1:", m1)
        self.m2 = _size_slider("hidden m2:", m2)
        self.k = _size_slider("output k:", k)
        self.step = ipywidgets.IntSlider(
            value=0, min=0, max=2, description="step:", layout=ipywidgets.Layout(width="220px")
        )
        super().__init__([self.n, self.m1, self.m2, self.k, self.step])

    def scene(self):
        return cost_scene(
            [self.n.value, self.m1.value, self.m2.value, self.k.value], self.step.value
        )

    def draw(self, s):
        artists, self._update = plot_costs(self.axes[0], self.axes[1], s)
        return artists

    def update(self, s):
        self._update(s)

    def panel_html(self, s) -> str:
        c = s.costs
        out = [
            line_html("sizes n -> m1 -> m2 -> k:", " -> ".join(map(str, s.sizes))),
            line_html("forward (J3 @ (J2 @ J1)):", f"{c['forward']:,}", ORDER_COLORS["forward"]),
            line_html("reverse ((J3 @ J2) @ J1):", f"{c['reverse']:,}", ORDER_COLORS["reverse"]),
            line_html(f"best: {c['bracketing']}:", f"{c['optimal']:,}", ORDER_COLORS["optimal"]),
            line_html("cheaper order:", s.winner),
        ]
        for order in ("forward", "reverse"):
            items = "".join(
                f"<li style='{'font-weight:bold' if i == s.step else ''}'>{html.escape(t)}</li>"
                for i, (t, _) in enumerate(s.steps[order])
            )
            out.append(
                f"<div style='font-size:12px;color:{ORDER_COLORS[order]}'><b>{order}</b>"
                f"<ol start='0' style='margin:0;padding-left:20px'>{items}</ol></div>"
            )
        return "".join(out)

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "sizes": s.sizes,
            "forward": s.costs["forward"],
            "reverse": s.costs["reverse"],
            "optimal": s.costs["optimal"],
            "bracketing": s.costs["bracketing"],
            "step": s.step,
            "shapes": {o: [shape for _, shape in s.steps[o]] for o in s.steps},
            "winner": s.winner,
        }

    def demo_moves(self):
        moves = [
            ("output k", self.k, 1000),
            ("input n", self.n, 1),
            ("step", self.step, 2),
            ("hidden m1", self.m1, 500),
            ("output k", self.k, 1),
            ("input n", self.n, 100),
            ("step", self.step, 0),
            ("hidden m1", self.m1, 50),
        ]  # ends where it starts
        return [
            (f"{label} = {value}", lambda c=control, v=value: setattr(c, "value", v))
            for label, control, value in moves
        ]

    def alt_text(self, s) -> str:
        return (
            f"Bar chart of multiplications for layer sizes {' -> '.join(map(str, s.sizes))}: "
            "forward "
            f"{s.costs['forward']:,}, reverse {s.costs['reverse']:,}, best {s.costs['optimal']:,}; "
            f"beside it the shapes of the accumulated products."
        )


# ---- exercises ----------------------------------------------------------------------
add(
    Exercise(
        id="6.1",
        kind="shape",
        statement="A layer maps $\\mathbb{R}^{784} \\to \\mathbb{R}^{128}$ (an image of 28 x 28 "
        "pixels to 128 "
        "hidden units). What is the shape of its Jacobian? Answer as (rows, columns).",
        hints=("Rows are outputs, columns are inputs.",),
        problem={"shape": (128, 784)},
        examples_wrong=(((784, 128), "transposed"), (128, "one_d"), ((128, 128), "wrong_shape")),
    )
)

add(
    Exercise(
        id="6.2",
        kind="shape",
        statement="Reverse mode for a scalar loss: after two steps the accumulated row is $u^T = "
        "J_3 J_2$, "
        "shape (1 x 3), and the next factor is $J_1$, shape (3 x 5). What is the shape of "
        "$u^T J_1$? Answer as (rows, columns).",
        hints=(
            "(1 x 3)(3 x 5): the inner 3s meet.",
            "Reverse mode carries a row all the way: one output.",
        ),
        problem={"shape": (1, 5)},
        examples_wrong=(((5, 1), "transposed"), ((3, 5), "wrong_shape"), (5, "one_d")),
    )
)

add(
    Exercise(
        id="6.3",
        kind="chain_product",
        statement="Backprop through a linear layer $g_1(x, y) = (2x - y,\\; x + 3y)$ into the loss "
        "$g_2(u, v) = u^2/2 + v$ at $(x, y) = (1, 1)$. Compute the middle point $(u, v) = g_1(1, "
        "1)$, the row "
        "$J_{g_2}$ there (1 x 2) and the weight matrix $J_{g_1}$ (2 x 2), then the gradient "
        "$J_{g_2} J_{g_1}$, shape (1, 2).",
        hints=(
            "(u, v) = g1(1, 1) = (1, 4); J_g2 = [[u, 1]] there.",
            "The Jacobian of a linear layer is its weight matrix: [[2, -1], [1, 3]].",
            "Row times matrix: a (1 x 2) row times a (2 x 2) matrix is a (1 x 2) row.",
        ),
        problem={
            "g2": ["u**2/2 + v"],
            "inner": "u v",
            "g1": ["2*x - y", "x + 3*y"],
            "variables": "x y",
            "x": [1, 1],
        },
        examples_wrong=(([[3], [2]], "transposed"), ([[1, 4]], "wrong_entries"), ([3, 2], "one_d")),
    )
)

add(
    Exercise(
        id="6.4",
        kind="gradient",
        statement="One neuron and a squared error: $L(w_1, w_2) = \\tfrac{1}{2}(2w_1 + 3w_2 - "
        "1)^2$ (input "
        "(2, 3), target 1). Compute the gradient with respect to the weights at $(w_1, w_2) = (1, "
        "0)$, "
        "as a row of shape (1, 2).",
        hints=(
            "Chain rule: dL/dw = (residual) * d(2 w1 + 3 w2)/dw, with residual = 2 w1 + 3 w2 - 1.",
            "At (1, 0): first the residual, then the row of partials of 2 w1 + 3 w2 with respect "
            "to (w1, w2); multiply.",
        ),
        problem={"f": "(2*w1 + 3*w2 - 1)**2/2", "variables": "w1 w2", "x": [1, 0]},
        examples_wrong=(
            ([[2], [3]], "transposed"),
            ([[4, 6]], "constant_factor"),
            ([[3, 2]], "swapped_columns"),
        ),
    )
)
