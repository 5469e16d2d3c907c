"""The cost widget of lesson 6: layer sizes in, multiplications for forward, reverse and the best order out."""
from __future__ import annotations

import html

import ipywidgets

from ..explore import backprop as eb
from ..viz.backprop import ORDER_COLORS, plot_costs
from ._base import LessonWidget, line_html, register

SIZE_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _size_slider(description: str, value: int):
    return ipywidgets.SelectionSlider(options=SIZE_OPTIONS, value=value, description=description,
                                      layout=ipywidgets.Layout(width="260px"))


@register("backprop")
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
        self.step = ipywidgets.IntSlider(value=0, min=0, max=2, description="step:",
                                         layout=ipywidgets.Layout(width="220px"))
        super().__init__([self.n, self.m1, self.m2, self.k, self.step])

    def scene(self):
        return eb.cost_scene([self.n.value, self.m1.value, self.m2.value, self.k.value], self.step.value)

    def draw(self, s):
        artists, self._update = plot_costs(self.axes[0], self.axes[1], s)
        return artists

    def update(self, s):
        self._update(s)

    def panel_html(self, s) -> str:
        c = s.costs
        out = [line_html("sizes n -> m1 -> m2 -> k:", " -> ".join(map(str, s.sizes))),
               line_html("forward (J3 @ (J2 @ J1)):", f"{c['forward']:,}", ORDER_COLORS["forward"]),
               line_html("reverse ((J3 @ J2) @ J1):", f"{c['reverse']:,}", ORDER_COLORS["reverse"]),
               line_html(f"best: {c['bracketing']}:", f"{c['optimal']:,}", ORDER_COLORS["optimal"]),
               line_html("cheaper order:", s.winner)]
        for order in ("forward", "reverse"):
            items = "".join(f"<li style='{'font-weight:bold' if i == s.step else ''}'>{html.escape(t)}</li>"
                            for i, (t, _) in enumerate(s.steps[order]))
            out.append(f"<div style='font-size:12px;color:{ORDER_COLORS[order]}'><b>{order}</b>"
                       f"<ol start='0' style='margin:0;padding-left:20px'>{items}</ol></div>")
        return "".join(out)

    @property
    def state(self) -> dict:
        s = self._scene
        return {"sizes": s.sizes, "forward": s.costs["forward"], "reverse": s.costs["reverse"],
                "optimal": s.costs["optimal"], "bracketing": s.costs["bracketing"], "step": s.step,
                "shapes": {o: [shape for _, shape in s.steps[o]] for o in s.steps}, "winner": s.winner}

    def demo_moves(self):
        moves = [("output k", self.k, 1000), ("input n", self.n, 1), ("step", self.step, 2),
                 ("hidden m1", self.m1, 500), ("output k", self.k, 1), ("input n", self.n, 100),
                 ("step", self.step, 0), ("hidden m1", self.m1, 50)]   # ends where it starts
        return [(f"{label} = {value}", lambda c=control, v=value: setattr(c, "value", v))
                for label, control, value in moves]

    def alt_text(self, s) -> str:
        return (f"Bar chart of multiplications for layer sizes {' -> '.join(map(str, s.sizes))}: forward "
                f"{s.costs['forward']:,}, reverse {s.costs['reverse']:,}, best {s.costs['optimal']:,}; "
                f"beside it the shapes of the accumulated products.")
