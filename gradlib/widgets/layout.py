"""The layout toggle of lesson 7: one chain rule redrawn in numerator or denominator layout."""
from __future__ import annotations

import ipywidgets

from ..explore import layout as el
from ..viz.layout import plot_layout
from ._base import LessonWidget, line_html, register


@register("layout")
class LayoutToggle(LessonWidget):
    """ToggleButtons numerator / denominator and a choice of example; shapes, matrices and order redrawn.

    Parameters
    ----------
    example : str
        A key of :data:`gradlib.explore.layout.EXAMPLES`.
    layout : {"numerator", "denominator"}
    """

    text = "Layout toggle: run the notebook to switch between numerator and denominator layout."
    size = "small"
    panel_width = "330px"
    view_attrs = ("_grids",)

    def __init__(self, example: str = "scalar loss: square_norm ∘ linear_map", layout: str = "numerator"):
        self.layout_buttons = ipywidgets.ToggleButtons(options=list(el.LAYOUTS), value=layout,
                                                       description="layout:")
        self.example = ipywidgets.Dropdown(options=list(el.EXAMPLES), value=example, description="example:",
                                           layout=ipywidgets.Layout(width="380px"))
        self.formula = ipywidgets.HTMLMath(layout=ipywidgets.Layout(min_height="70px", width="820px"))
        self._pngs = {}   # (example, layout) -> PNG: four pictures, drawn once each
        super().__init__([self.layout_buttons, self.example])
        self.box.children = (*self.box.children, self.formula)
        for ex in el.EXAMPLES:       # draw all four now, so a click only swaps pictures
            for lay in el.LAYOUTS:
                self.example.value, self.layout_buttons.value = ex, lay
        self.example.value, self.layout_buttons.value = example, layout

    def scene(self):
        return el.scene(self.example.value, self.layout_buttons.value)

    def static_key(self, v):
        return (self.example.value, v.layout)

    def draw(self, v):
        self._grids = plot_layout(self.axes[0], v)
        return []

    def update(self, v):
        """Nothing moves: each (example, layout) is its own picture, drawn by :meth:`draw`."""

    def refresh(self):
        key = (self.example.value, self.layout_buttons.value)
        if key in self._pngs:
            self._scene = self.scene()
            self._png = self._pngs[key]
            self.image.value = self._png
            self.panel.value = self.panel_html(self._scene)
        else:
            super().refresh()
            self._pngs[key] = self._png
        self.formula.value = self._formula(self._scene)

    @staticmethod
    def _formula(v) -> str:
        return f"$${v.latex}$$"

    def panel_html(self, v) -> str:
        other = "numerator" if v.layout == "denominator" else "denominator"
        return (line_html("layout:", v.layout) + line_html("rows are:", v.rows_are)
                + line_html("columns are:", v.cols_are)
                + line_html("order:", " @ ".join(name for name, _ in v.factors))
                + line_html("product:", v.shape_text)
                + line_html(f"vs {other} layout:", "the same numbers, transposed, multiplied in reverse order"))

    @property
    def state(self) -> dict:
        v = self._scene
        return {"layout": v.layout, "example": self.example.value, "order": [n for n, _ in v.factors],
                "shapes": [M.shape for _, M in v.factors], "result_name": v.result_name,
                "result": v.result.tolist(), "shape_text": v.shape_text}

    def demo_moves(self):
        return [
            ("denominator", lambda: setattr(self.layout_buttons, "value", "denominator")),
            ("numerator", lambda: setattr(self.layout_buttons, "value", "numerator")),
            ("vector example", lambda: setattr(self.example, "value", "vector output: neural_layer ∘ helix")),
            ("denominator", lambda: setattr(self.layout_buttons, "value", "denominator")),
            ("scalar example", lambda: setattr(self.example, "value", "scalar loss: square_norm ∘ linear_map")),
        ]

    def alt_text(self, v) -> str:
        return f"The chain rule in {v.layout} layout drawn as grids of numbers: {v.shape_text}."
