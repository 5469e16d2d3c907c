"""The cost of multiplying a chain of Jacobians: bars for forward, reverse and the best order, and the
shape of the accumulated product step by step."""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .. import style

ORDERS = ("forward", "reverse", "optimal")
ORDER_COLORS = {"forward": style.ROLES["direction"], "reverse": style.ROLES["gradient"],
                "optimal": style.ROLES["tangent"]}


def _side(size: int) -> float:
    """Drawn length of a matrix side: logarithmic, so 1 and 1000 both fit (1 -> 0.15, 1000 -> 1)."""
    return 0.15 + 0.85 * np.log10(size) / 3


def plot_costs(ax_bars, ax_shapes, scene):
    """Bars of multiplications per order (log scale) and the accumulated products' shapes.

    Parameters
    ----------
    ax_bars, ax_shapes : matplotlib Axes
    scene : gradlib.explore.backprop.CostScene

    Returns
    -------
    artists : list
        The moving artists (bars, their labels, the shape boxes and texts, titles).
    update : callable
        ``update(scene)`` moves them to new sizes or another step.
    """
    bars = ax_bars.bar(range(3), [1, 1, 1], color=[ORDER_COLORS[o] for o in ORDERS], width=0.6)
    ax_bars.set_xticks(range(3), ["forward\n(right to left)", "reverse\n(left to right)", "best\nbracketing"],
                       fontsize=8)
    ax_bars.set_yscale("log")
    ax_bars.set_ylim(1, 1e10)
    style.label(ax_bars, "Multiplications for J_f", "order of the products", "scalar multiplications")
    labels = [ax_bars.text(i, 1, "", ha="center", va="bottom", fontsize=8) for i in range(3)]

    L = len(scene.sizes) - 1
    ax_shapes.set_xlim(-0.2, 1.3 * L)
    ax_shapes.set_ylim(-1.3, 1.4)
    ax_shapes.set_xticks([])
    ax_shapes.set_yticks([0.6, -0.75], ["forward", "reverse"], fontsize=9)
    style.label(ax_shapes, "Shape of the accumulated product, step by step",
                "steps 0, 1, 2 (sides on a log scale; current step outlined)", "order")
    boxes, texts = {}, {}
    for order, y0 in (("forward", 0.1), ("reverse", -1.25)):
        boxes[order] = [ax_shapes.add_patch(Rectangle((1.3 * s, y0), 1, 1, fill=True, alpha=0.5,
                                                      color=ORDER_COLORS[order])) for s in range(L)]
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
