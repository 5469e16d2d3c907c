"""The chain-rule stepper of lesson 4: walk the entries of J_f = J_g2 @ J_g1 with previous / next."""
from __future__ import annotations

import html

import ipywidgets
import numpy as np

from ..errors import GradlibError
from ..explore import chain as ec
from ..viz.chain import plot_chain_product
from ._base import LessonWidget, fmt, line_html, register


@register("chain")
class ChainRuleStepper(LessonWidget):
    """Pick g1 and g2 (composable pairs only) and a point; step through the entries of J_f.

    Parameters
    ----------
    g1, g2 : str
        Catalogue names, inner and outer; (g1, g2) must be in :func:`gradlib.explore.chain.pairs`.
    x : str or array_like, optional
        The point (default: g1's catalogue point).
    """

    text = "Chain-rule stepper: run the notebook to step through the entries of J_f."
    size = "small"
    panel_width = "300px"
    view_attrs = ("_update",)
    # Views are drawn when first shown (22 shapes, about 20 ms each, would slow the construction
    # down by half a second) and the 8 shown last are kept: each holds some 3000 matplotlib
    # objects, which every full garbage collection of the kernel walks through.
    max_views = 8

    def __init__(self, g1: str = "linear_map", g2: str = "neural_layer", x=(0.5, -0.5)):
        self._hold = True   # no refresh while the controls are being set up together
        ec.warm_up()
        self.pair = ipywidgets.Dropdown(options=[(ec.pair_label(a, b), (a, b)) for a, b in ec.pairs()],
                                        value=(g1, g2), description="g2 ∘ g1:",
                                        layout=ipywidgets.Layout(width="420px"))
        self.point = ipywidgets.Text(value=x if isinstance(x, str) else ec.format_point(x), description="x:", continuous_update=False,
                                     layout=ipywidgets.Layout(width="220px"))
        self.prev = ipywidgets.Button(description="◀ previous", layout=ipywidgets.Layout(width="100px"))
        self.next = ipywidgets.Button(description="next ▶", layout=ipywidgets.Layout(width="100px"))
        self._x = ec.parse_point(x, ec.functions.get(g1).n_in) if isinstance(x, str) else np.asarray(x, float)
        self.entry = ipywidgets.IntSlider(value=0, min=0, max=len(ec.scene(g1, g2, self._x).result.steps) - 1,
                                          description="entry:", layout=ipywidgets.Layout(width="260px"))
        self.formula = ipywidgets.HTMLMath(layout=ipywidgets.Layout(min_height="150px", width="820px"))
        self.prev.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(+1))
        self.pair.observe(self._on_pair, names="value")     # before the base's observer: runs first
        self._message = ""
        self._hold = False
        super().__init__([self.pair, self.point, self.prev, self.next, self.entry])
        self.box.children = (*self.box.children, self.formula)

    def _move(self, delta: int):
        self.entry.value = int(np.clip(self.entry.value + delta, self.entry.min, self.entry.max))

    def _on_pair(self, change):
        g1, g2 = change["new"]
        self._hold = True
        try:
            self._x = ec.functions.get(g1).point.copy()
            self.point.value = ec.format_point(self._x)
            self.entry.value = 0
            self.entry.max = len(ec.scene(g1, g2, self._x).result.steps) - 1
        finally:
            self._hold = False

    def refresh(self):
        if self._hold:
            return
        super().refresh()
        self.formula.value = self._formula_html(self._scene)

    def scene(self):
        g1, g2 = self.pair.value
        try:
            self._x = ec.parse_point(self.point.value, ec.functions.get(g1).n_in)
            self._message = ""
        except GradlibError as err:   # keep the last good point and say why
            self._message = str(err)
        return ec.scene(g1, g2, self._x, self.entry.value)

    def static_key(self, s):
        # The grids, names and shape strip depend on the shapes only: pairs of the same shapes
        # share a view, and a new pair or point only changes numbers drawn over it.
        return s.result.J_g2.shape + s.result.J_g1.shape[1:]

    def settled(self, s):
        # The numbers of J_g2 and J_g1, first of the moving artists, change with the pair and point
        # only, not with each step.
        return s.result.J_g2.size + s.result.J_g1.size, (s.g1, s.g2, tuple(s.result.x))

    def draw(self, s):
        artists, self._update = plot_chain_product(self.axes[0], s)
        return artists

    def update(self, s):
        self._update(s)

    def panel_html(self, s) -> str:
        r = s.result
        rows = "".join(f'<tr><td>l = {t.l}</td><td style="text-align:right">({fmt(t.a)})</td>'
                       f'<td style="text-align:right">({fmt(t.b)})</td><td style="text-align:right">= '
                       f'{fmt(t.product)}</td></tr>' for t in s.terms)
        table = (f'<table style="font-family:monospace;font-size:12px"><tr><th></th><th>∂g2_i/∂y_l</th>'
                 f'<th>∂y_l/∂x_j</th><th>product</th></tr>{rows}</table>')
        out = [line_html("x =", "[" + ", ".join(fmt(v) for v in r.x) + "]"),
               line_html("y = g1(x) =", "[" + ", ".join(fmt(v) for v in r.y) + "]"),
               line_html(f"entry {s.step + 1} of {s.n_steps}:", f"J_f[{s.i}, {s.j}], {len(s.terms)} terms"),
               table,
               line_html(f"J_f[{s.i}, {s.j}] = sum =", fmt(s.value), "#1a7f37"),
               line_html("shapes:", s.shape_strip)]
        if self._message:
            out.insert(0, f'<div style="color:#b42318;font-size:12px">{html.escape(self._message)}</div>')
        return "".join(out)

    def _formula_html(self, s) -> str:
        terms = "".join(f"<div>${t.latex}$</div>" for t in s.terms)
        return f"<div>$${s.formula_latex}$$</div>{terms}"

    @property
    def state(self) -> dict:
        s = self._scene
        r = s.result
        return {"g1": s.g1, "g2": s.g2, "x": r.x.tolist(), "step": s.step, "entry": (s.i, s.j),
                "terms": [(t.a, t.b, t.product) for t in s.terms], "value": s.value,
                "J_g1": r.J_g1.tolist(), "J_g2": r.J_g2.tolist(),
                "J_f_shown": np.where(s.done, r.J_f, np.nan).tolist(), "shape_strip": s.shape_strip,
                "message": self._message}

    def demo_moves(self):
        return [
            ("next", lambda: self.next.click()),
            ("next", lambda: self.next.click()),
            ("previous", lambda: self.prev.click()),
            ("entry slider to the end", lambda: setattr(self.entry, "value", self.entry.max)),
            ("pair: paraboloid ∘ polar_to_cartesian",
             lambda: setattr(self.pair, "value", ("polar_to_cartesian", "paraboloid"))),
            ("point: 1, 0.5", lambda: setattr(self.point, "value", "1, 0.5")),
            ("next", lambda: self.next.click()),
            ("pair: neural_layer ∘ linear_map", lambda: setattr(self.pair, "value", ("linear_map", "neural_layer"))),
        ]

    def alt_text(self, s) -> str:
        k, n = s.result.J_f.shape
        return (f"Three grids of numbers: J_g2 times J_g1 equals J_f for {s.g2} after {s.g1}; row {s.i} of "
                f"J_g2 and column {s.j} of J_g1 are shaded, and entry ({s.i}, {s.j}) of the {k} x {n} "
                f"matrix J_f is being filled in.")
