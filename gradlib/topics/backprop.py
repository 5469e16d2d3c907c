"""Lesson 6, from the chain rule to backprop: multiply a chain of Jacobians in either order.

A network is a chain f = g_L(... g_1(x)); its Jacobian is the product J_L ... J_1. Forward mode
carries a column (J @ v, one pass per input), reverse mode a row (u^T @ J, one pass per output):
for a scalar loss one reverse pass gives the whole gradient. The counting of multiplications is
:func:`gradlib.chain.order_costs` (a tanh layer's diagonal Jacobian counted element-wise);
:func:`plot_costs` draws it and :class:`AccumulationCost` lets the learner change the sizes. Then
the lesson's exercises.

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
from ..chain import Chain, Factor, order_costs, product_cost  # noqa: F401 (lesson.product_cost)
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
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
    """The lesson's network as a :class:`gradlib.Chain` at input ``x`` (shape (2,)): Jacobians
    (exact) and sizes."""
    return Chain(
        [functions.get(name) for name in NETWORK], np.asarray(x, float), names=list(NETWORK)
    )


def network(x) -> float:
    """The network's loss at x, shape (2,), as one function (for finite differences of the
    whole)."""
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
    """J_f @ v without forming J_f: push the column v, shape (n, 1), through J_1, J_2, ... (forward
    mode)."""
    for J in jacobians:
        v = J @ v
    return v


def vjp(jacobians, u) -> np.ndarray:
    """u^T @ J_f without forming J_f: pull the row u^T, shape (1, k), back through J_L, ..., J_1
    (reverse mode)."""
    for J in reversed(jacobians):
        u = u @ J
    return u


def passes(jacobians, mode: str) -> tuple[np.ndarray, int]:
    """J_f built from whole passes: forward mode, one J @ e_j per input; reverse, one e_i^T @ J per
    output.

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


def network_factors(sizes, elementwise: bool = False) -> list[Factor]:
    """The Jacobians of a chain of dense layers ``[n, m1, ..., k]``, J1 first.

    With ``elementwise``, a tanh after each hidden layer adds a diagonal factor D_i (m_i x m_i).

    >>> [f"{f.name} {f.rows}x{f.cols}{' diagonal' * f.diagonal}"
    ...  for f in network_factors([2, 3, 1], True)]
    ['J1 3x2', 'D1 3x3 diagonal', 'J2 1x3']
    """
    sizes = [int(v) for v in sizes]
    out = []
    for i in range(1, len(sizes)):
        out.append(Factor(f"J{i}", sizes[i], sizes[i - 1]))
        if elementwise and i < len(sizes) - 1:
            out.append(Factor(f"D{i}", sizes[i], sizes[i], diagonal=True))
    return out


#: The lesson's network as backprop sees it: the linear layer, the affine part W y + b of the tanh
#: layer, the tanh itself (element-wise: a diagonal Jacobian) and the loss.
NETWORK_FACTORS = (
    Factor("J1", 3, 2),
    Factor("W", 2, 3),
    Factor("D", 2, 2, diagonal=True),
    Factor("J3", 1, 2),
)


@dataclass(frozen=True)
class CostScene:
    """What the cost widget shows for one set of layer sizes.

    Attributes
    ----------
    sizes : tuple of int
        ``(n, m1, m2, m3, k)``: input size, three hidden sizes, output size (four dense factors).
    elementwise : bool
        A tanh after each hidden layer (three diagonal factors, counted element-wise).
    factors : tuple of Factor
    costs : dict
        :func:`gradlib.chain.order_costs`: ``forward``, ``reverse``, ``optimal``, ``bracketing``,
        ``tree``, ``steps``.
    step : int
        The accumulation step shown (0 = the first factor alone).
    """

    sizes: tuple
    elementwise: bool
    factors: tuple
    costs: dict
    step: int

    @property
    def steps(self) -> dict:
        """order -> list of (text, shape), one per product formed."""
        return self.costs["steps"]

    @property
    def winner(self) -> str:
        """ "forward", "reverse", "tie", or "a middle bracketing" (cheaper than both pure
        orders)."""
        f, r, o = self.costs["forward"], self.costs["reverse"], self.costs["optimal"]
        if o < min(f, r):
            return "a middle bracketing"
        return "tie" if f == r else ("forward" if f < r else "reverse")


def cost_scene(sizes, step: int = 0, elementwise: bool = False) -> CostScene:
    """The cost widget's scene for layer sizes ``[n, m1, ..., k]`` at accumulation step ``step``.

    >>> s = cost_scene([100, 50, 20, 10, 1], step=3)
    >>> s.costs["forward"], s.costs["reverse"], s.winner
    (121000, 6200, 'reverse')
    >>> s.steps["reverse"][3]
    ('((J4 @ J3) @ J2) @ J1: (1x50)(50x100) -> (1x100), 5,000 multiplications', (1, 100))
    """
    sizes = tuple(int(v) for v in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise GradlibError(
            f"sizes must be [n, m1, ..., k], at least two positive sizes; got {sizes}."
        )
    factors = tuple(network_factors(sizes, elementwise))
    c = order_costs(factors)
    return CostScene(sizes, bool(elementwise), factors, c, int(np.clip(step, 0, len(factors) - 1)))


#: Sizes that show each case: (label, (n, m1, m2, m3, k)).
PRESETS = (
    ("one loss, many inputs: reverse wins", (1000, 100, 50, 10, 1)),
    ("one input, many outputs: forward wins", (1, 10, 50, 100, 1000)),
    ("a bottleneck in the middle: a middle bracketing wins", (10, 1000, 1, 1000, 10)),
    ("all the same size: a tie", (100, 100, 100, 100, 100)),
)


# ---- the drawing ----------------------------------------------------------------------
ORDERS = ("forward", "reverse", "optimal")
ORDER_COLORS = {
    "forward": style.ROLES["direction"],
    "reverse": style.ROLES["gradient"],
    "optimal": style.ROLES["tangent"],
}
_BOX_GAP = 1.3  # distance between two step boxes


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
    Drawing
        Its ``moving`` artists are the bars, their labels, the shape boxes and texts;
        ``update(scene)`` moves them to new sizes or another step (same number of factors).
    """
    # from 1, the bottom of the log axis (a bar from 0 would run out of the axes)
    bars = ax_bars.bar(
        range(3), [0, 0, 0], bottom=1, color=[ORDER_COLORS[o] for o in ORDERS], width=0.6
    )
    ax_bars.set_xticks(
        range(3),
        ["forward\n(right to left)", "reverse\n(left to right)", "best\nbracketing"],
        fontsize=style.FONT_SIZE,
    )
    ax_bars.set_yscale("log")
    ax_bars.set_ylim(1, 1e12)
    style.label(
        ax_bars, "Multiplications for J_f", "order of the products", "scalar multiplications"
    )
    labels = [
        ax_bars.text(i, 1, "", ha="center", va="bottom", fontsize=style.FONT_SIZE) for i in range(3)
    ]

    L = len(scene.factors)
    ax_shapes.set_xlim(-0.2, _BOX_GAP * L)
    ax_shapes.set_ylim(-1.35, 1.45)
    ax_shapes.set_xticks([])
    ax_shapes.set_yticks([0.6, -0.75], ["forward", "reverse"], fontsize=style.FONT_SIZE)
    style.label(
        ax_shapes,
        "Shape of the accumulated product",
        f"steps 0 to {L - 1} (sides on a log scale; the current step outlined)",
        "order",
    )
    boxes, texts = {}, {}
    for order, y0 in (("forward", 0.1), ("reverse", -1.25)):
        boxes[order] = [
            ax_shapes.add_patch(
                Rectangle((_BOX_GAP * s, y0), 1, 1, fill=True, alpha=0.5, color=ORDER_COLORS[order])
            )
            for s in range(L)
        ]
        # one label per order, on the current step's box (text is the slow part of a redraw)
        texts[order] = ax_shapes.text(
            0, y0, "", fontsize=style.FONT_SIZE, va="bottom", fontweight="bold"
        )

    def update(s):
        for i, order in enumerate(ORDERS):
            v = max(s.costs[order], 1)
            bars[i].set_height(v - 1)
            labels[i].set_position((i, v * 1.3))
            labels[i].set_text(f"{s.costs[order]:,}")
        for order, y0 in (("forward", 0.1), ("reverse", -1.25)):
            for idx, box in enumerate(boxes[order]):
                _, (rows, cols) = s.steps[order][idx]
                box.set_bounds(_BOX_GAP * idx, y0 + 1 - _side(rows), _side(cols), _side(rows))
                box.set_alpha(0.85 if idx == s.step else 0.25)
                box.set_edgecolor("black" if idx == s.step else "none")
            rows, cols = s.steps[order][s.step][1]
            # the label sits on the current box, kept inside the axes at the last step
            x = min(_BOX_GAP * s.step, _BOX_GAP * L - 1.4)
            texts[order].set_position((x, y0 + 1.02))
            texts[order].set_text(f"({rows}x{cols})")
        return [*bars, *labels, *[a for o in ("forward", "reverse") for a in (*boxes[o], texts[o])]]

    return style.Drawing(update(scene), update)


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
    """Sliders for the sizes n -> m1 -> m2 -> m3 -> k of a chain of four Jacobians J4 J3 J2 J1.

    Parameters
    ----------
    sizes : sequence of 5 int from :data:`SIZE_OPTIONS`
        ``(n, m1, m2, m3, k)``.
    elementwise : bool
        A tanh after each hidden layer: diagonal Jacobians, counted as element-wise products.
    """

    text = "Accumulation cost: run the notebook to change the layer sizes."
    size = "wide"
    ncols = 2
    panel_width = "360px"

    def __init__(self, sizes=(1000, 100, 50, 10, 1), elementwise: bool = False):
        n, m1, m2, m3, k = sizes
        self.preset = ipywidgets.Dropdown(
            options=[("choose a preset ...", ()), *PRESETS],
            value=(),
            description="preset:",
            layout=ipywidgets.Layout(width="420px"),
        )
        self.n = _size_slider("input n:", n)
        self.m1 = _size_slider("hidden m1:", m1)
        self.m2 = _size_slider("hidden m2:", m2)
        self.m3 = _size_slider("hidden m3:", m3)
        self.k = _size_slider("output k:", k)
        self.tanh = ipywidgets.Checkbox(
            value=bool(elementwise),
            indent=False,
            description="tanh after each hidden layer",
            layout=ipywidgets.Layout(width="300px"),
        )
        self.step = ipywidgets.IntSlider(
            value=0, min=0, max=3, description="step:", layout=ipywidgets.Layout(width="220px")
        )
        self.listen(self.preset, self._on_preset)  # before the base's observer
        self.listen(self.tanh, self._on_tanh)
        super().__init__(
            [self.preset, self.n, self.m1, self.m2, self.m3, self.k, self.tanh, self.step]
        )
        self._on_tanh({"new": self.tanh.value})

    def _on_preset(self, change):
        if not change["new"]:  # "choose a preset ..."
            return
        with self.batch():
            for slider, value in zip((self.n, self.m1, self.m2, self.m3, self.k), change["new"]):
                slider.value = value

    def _on_tanh(self, change):
        with self.batch():
            self.step.max = 6 if change["new"] else 3

    @property
    def sizes(self) -> tuple:
        return tuple(c.value for c in (self.n, self.m1, self.m2, self.m3, self.k))

    def scene(self):
        return cost_scene(self.sizes, self.step.value, self.tanh.value)

    def static_key(self, s):
        return len(s.factors)  # the boxes: one per factor

    def draw(self, s):
        return plot_costs(self.axes[0], self.axes[1], s)

    def panel_html(self, s) -> str:
        c = s.costs
        out = [
            line_html("sizes:", " -> ".join(map(str, s.sizes))),
            line_html(
                "factors:",
                " ".join(f.name for f in s.factors[::-1])
                + ("  (D: tanh, diagonal, element-wise)" if s.elementwise else ""),
            ),
            line_html("forward (right to left):", f"{c['forward']:,}", ORDER_COLORS["forward"]),
            line_html("reverse (left to right):", f"{c['reverse']:,}", ORDER_COLORS["reverse"]),
            line_html(f"best: {c['bracketing']}:", f"{c['optimal']:,}", ORDER_COLORS["optimal"]),
            line_html("cheapest:", s.winner),
        ]
        for order in ("forward", "reverse"):
            items = "".join(
                f"<li style='{'font-weight:bold' if i == s.step else ''}'>{html.escape(t)}</li>"
                for i, (t, _) in enumerate(s.steps[order])
            )
            out.append(
                f"<div style='font-size:12px;color:{ORDER_COLORS[order]}'><b>{order}</b> "
                "(step 0 is the first factor)"
                "<ol start='0' style='margin:0;padding-left:20px'>"
                f"{items}</ol></div>"
            )
        return "".join(out)

    @property
    def state(self) -> dict:
        s = self._scene
        return {
            "sizes": s.sizes,
            "elementwise": s.elementwise,
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
            ("hidden m2", self.m2, 1),
            ("output k", self.k, 1),
            ("input n", self.n, 1000),
            ("step", self.step, 0),
            ("hidden m2", self.m2, 50),
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
        "pixels to 128 hidden units). What is the shape of its Jacobian? Answer as (rows, "
        "columns).",
        hints=(
            "Numerator layout: rows are outputs, columns are inputs.",
            "The layer sees the image flattened: 28 x 28 numbers go in, one column each.",
        ),
        problem={"shape": (128, 784)},
        mistakes=(
            Mistake(
                "the image's shape",
                answer=(28, 28),
                kind="image_shape",
                message="(28, 28) is the image's own shape; the layer sees it flattened into 784 "
                "inputs, and its Jacobian pairs each of its outputs with each input.",
            ),
        ),
        examples_wrong=(((784, 128), "transposed"), (128, "one_d"), ((128, 128), "wrong_shape")),
    )
)

add(
    Exercise(
        id="6.2",
        kind="shape",
        statement="Reverse mode for a scalar loss: after two steps the accumulated row is $u^T = "
        "J_3 J_2$, shape (1 x 3), and the next factor is $J_1$, shape (3 x 5). What is the shape "
        "of $u^T J_1$? Answer as (rows, columns).",
        hints=(
            "(1 x 3)(3 x 5): the inner sizes meet and disappear.",
            "Reverse mode carries one row per output of the loss, all the way back to the input.",
        ),
        problem={"shape": (1, 5)},
        mistakes=(
            Mistake(
                "J_1's own shape",
                answer=(3, 5),
                kind="factor_shape",
                message="(3, 5) is J_1's own shape; multiplying the row u^T (1 x 3) by it keeps "
                "the single row of u^T.",
            ),
        ),
        examples_wrong=(((5, 1), "transposed"), (5, "one_d")),
    )
)

add(
    Exercise(
        id="6.3",
        kind="chain_product",
        statement="Backprop through a linear layer $g_1(x_1, x_2) = (2x_1 - x_2,\\; x_1 + 3x_2)$ "
        "into the loss $g_2(y_1, y_2) = y_1^2/2 + y_2$ at $x = (1, -2)$. Compute the middle point "
        "$y = g_1(x)$, the row $J_{g_2}$ there (1 x 2) and the weight matrix $J_{g_1}$ (2 x "
        "2), then the gradient $J_{g_2} J_{g_1}$, shape (1, 2); 3 significant digits are "
        "enough.",
        hints=(
            "Forward first: the middle point y = g1(x). Then backward: the loss's row J_g2 at y, "
            "times the layer's Jacobian.",
            "The Jacobian of a linear layer is its weight matrix, the same at every point; J_g2 "
            "changes with y.",
            "J_g2 = [[y_1, 1]] at y and J_g1 = [[2, -1], [1, 3]]; the gradient is that row times "
            "that matrix.",
        ),
        problem={
            "g2": ["y1**2/2 + y2"],
            "inner": "y1 y2",
            "g1": ["2*x1 - x2", "x1 + 3*x2"],
            "variables": "x1 x2",
            "x": [1, -2],
        },
        mistakes=(
            Mistake("J_g2 taken at x instead of y = g1(x)", transform="J_g2 at x"),
            Mistake("the weight matrix transposed", transform="J_g2 @ J_g1.T"),
            Mistake("the layer forgotten", transform="J_g2 alone"),
            Mistake("a column instead of a row", transform="transposed"),
        ),
        examples_wrong=(([9, -1], "one_d"), ([[9, 1]], "sign_entries")),
    )
)

add(
    Exercise(
        id="6.4",
        kind="gradient",
        statement="One neuron and a squared error: $L(w_1, w_2) = \\tfrac{1}{2}(2w_1 + 3w_2 - "
        "1)^2$ (input (2, 3), target 1). Compute the gradient with respect to the weights at "
        "$(w_1, w_2) = (1, 1)$, as a row of shape (1, 2); 3 significant digits are enough.",
        hints=(
            "L is a chain: the residual r = 2 w1 + 3 w2 - 1, then L = r^2 / 2. Backprop: first "
            "dL/dr, then dr/dw.",
            "dL/dr is a (1 x 1) number and dr/dw a (1 x 2) row, the input: their product is the "
            "gradient.",
            "dL/dw = r [2, 3], with the residual r evaluated at (1, 1).",
        ),
        problem={"f": "(2*w1 + 3*w2 - 1)**2/2", "variables": "w1 w2", "x": [1, 1]},
        mistakes=(
            Mistake(
                "the outer factor dL/dr forgotten",
                answer=[["2", "3"]],
                kind="missing_factor",
                message="That is dr/dw alone, the input (2, 3): the outer factor dL/dr = r, the "
                "residual at the point, is missing.",
            ),
            Mistake(
                "the inner factor dr/dw forgotten",
                answer=[["2*w1 + 3*w2 - 1", "2*w1 + 3*w2 - 1"]],
                kind="missing_factor",
                message="That is dL/dr = r in both entries: the inner factor dr/dw = (2, 3), the "
                "input, is missing.",
            ),
            Mistake(
                "the 1/2 kept after differentiating",
                answer=[["(2*w1 + 3*w2 - 1)", "3*(2*w1 + 3*w2 - 1)/2"]],
                kind="half_kept",
                message="The 1/2 in front cancels the 2 that comes down from the square: "
                "d(r^2 / 2)/dr = r, so no 1/2 is left.",
            ),
            Mistake("a column instead of a row", transform="transposed"),
        ),
        examples_wrong=(([[12, 8]], "swapped_columns"), ([8, 12], "one_d")),
    )
)


def vjp_tanh(z, u):
    """u @ diag(1 - tanh(z)^2) without forming the diagonal: z shape (m,), u shape (1, m) -> (1, m).

    The reference of exercise 6.5: m multiplications, where the full Jacobian would take m^2.

    >>> vjp_tanh(np.array([0.0, 1e3]), np.array([[2.0, 5.0]]))
    array([[2., 0.]])
    """
    return u * (1 - np.tanh(z) ** 2)


def _vjp_tanh_value(z, u):
    return u * np.tanh(z)


def _vjp_tanh_in_z(z, u):
    return u * (1 - z**2)


add(
    Exercise(
        id="6.5",
        kind="code",
        statement="The layer $a = \\tanh(z)$ acts entry by entry, so its Jacobian is diagonal: "
        "$\\operatorname{diag}(1 - \\tanh^2 z)$. Write `vjp_tanh(z, u)`: given `z` (shape "
        "(m,)) and the row `u` (shape (1, m)) arriving from the loss, return $u\\,J$ without "
        "forming $J$, an element-wise product of shape (1, m): m multiplications instead of "
        "the m x m of a full matrix product. Give the function itself as the answer; it is "
        "run on three inputs.",
        hints=(
            "The diagonal matrix scales entry i of u by the slope of tanh at z_i, and does nothing "
            "else.",
            "NumPy multiplies arrays entry by entry with *, and np.tanh acts entry by entry too.",
            "The slope of tanh at z is 1 - tanh(z)^2; a (1, m) row times an (m,) array broadcasts "
            "to (1, m).",
        ),
        problem={
            "reference": "gradlib.topics.backprop:vjp_tanh",
            "inputs": [
                [[0.5, -1.0, 2.0], [[1.0, 2.0, 3.0]]],
                [[0.0, 0.3], [[-1.0, 0.5]]],
                [[1.5, -0.2, 0.7, 0.1], [[0.3, -2.0, 1.0, 4.0]]],
            ],
            "what": "matrix",
        },
        mistakes=(
            Mistake(
                "tanh instead of its slope",
                function="gradlib.topics.backprop:_vjp_tanh_value",
                kind="value_not_derivative",
                message="That multiplies u by tanh(z) itself; the backward pass multiplies by its "
                "derivative, the slope of tanh at z.",
            ),
            Mistake(
                "1 - z^2 instead of 1 - tanh(z)^2",
                function="gradlib.topics.backprop:_vjp_tanh_in_z",
                kind="derivative_of_output",
                message="1 - a^2 is tanh's slope written in its output a = tanh(z); here you have "
                "the input z, so use 1 - tanh(z)**2 (or keep a from the forward pass).",
            ),
        ),
        examples_wrong=((len, "function_error"), ([[1, 2, 3]], "not_callable")),
    )
)
