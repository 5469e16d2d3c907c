"""The step-size explorer of lesson 5: error against h for four difference methods, h on a log slider."""
from __future__ import annotations

import html

import ipywidgets
import numpy as np

from ..explore import steps
from ..viz.steps import METHOD_COLORS, plot_error_curves
from ._base import LessonWidget, line_html, register

_CELL = "padding:1px 6px;text-align:right;font-family:monospace;font-size:12px"


@register("steps")
class StepSizeWidget(LessonWidget):
    """Pick a function and a step h; see each method's estimate of f'(x) and its error.

    Parameters
    ----------
    problem : str
        A key of :data:`gradlib.explore.steps.PROBLEMS`.
    log10_h : float
        Starting step, as a power of ten.
    """

    text = "Step-size explorer: run the notebook to move h and pick a function."
    size = "small"
    view_attrs = ("_artists_now", "_update")

    def __init__(self, problem: str = "exp(x) at x = 1", log10_h: float = -5.0):
        self.dropdown = ipywidgets.Dropdown(options=list(steps.PROBLEMS), value=problem,
                                            description="f:", layout=ipywidgets.Layout(width="250px"))
        self.slider = ipywidgets.FloatLogSlider(value=10.0 ** log10_h, base=10, min=-18, max=0, step=0.5,
                                                description="h:", readout_format=".0e",
                                                continuous_update=True)
        super().__init__([self.dropdown, self.slider])

    def scene(self):
        return steps.scene(self.dropdown.value, round(float(np.log10(self.slider.value)), 6))

    def draw(self, s):
        self._artists_now, self._update = plot_error_curves(self.axes[0], s)
        return self._artists_now

    def update(self, s):
        self._update(s)

    def panel_html(self, s) -> str:
        p = s.problem
        rows = "".join(
            f'<tr><td style="{_CELL};text-align:left;color:{METHOD_COLORS[m]}"><b>{m}</b></td>'
            f'<td style="{_CELL}">{s.estimates[m]:.12f}</td><td style="{_CELL}">{s.errors[m]:.1e}</td></tr>'
            for m in steps.METHODS)
        table = (f'<table style="border-collapse:collapse"><tr><th style="{_CELL}">method</th>'
                 f'<th style="{_CELL}">estimate at h</th><th style="{_CELL}">rel. error</th></tr>{rows}</table>')
        best = "".join(line_html(f"best h, {r['method']}:", f"{r['measured h*']:.0e} "
                                 f"(error {r['error at h*']:.0e})", METHOD_COLORS[r["method"]])
                       for r in s.optima)
        return (line_html("f(x) =", html.escape(str(p.expr))) + line_html("x =", f"{p.x0:g}")
                + line_html("h =", f"{s.h:.0e}") + line_html("exact f'(x) =", f"{p.exact:.12f}")
                + table + best)

    @property
    def state(self) -> dict:
        s = self._scene
        return {"problem": s.problem.name, "h": s.h, "exact": s.problem.exact,
                "estimates": dict(s.estimates), "errors": dict(s.errors),
                "best_h": {r["method"]: r["measured h*"] for r in s.optima}}

    def demo_moves(self):
        return [
            ("h = 1e-8", lambda: setattr(self.slider, "value", 1e-8)),
            ("h = 1e-2", lambda: setattr(self.slider, "value", 1e-2)),
            ("function: sin(10x)", lambda: setattr(self.dropdown, "value", "sin(10x) at x = 1")),
            ("h = 1e-12", lambda: setattr(self.slider, "value", 1e-12)),
            ("function: exp(x)", lambda: setattr(self.dropdown, "value", "exp(x) at x = 1")),
        ]

    def alt_text(self, s) -> str:
        return (f"Log-log plot of the relative error of forward, central, Richardson and complex-step "
                f"derivatives of {s.problem.name} against h; the dashed line marks h = {s.h:.0e}.")
