"""The lessons' topics: one module per lesson, named like its notebook without the number.

Each module holds, in this order, the pure numbers a widget shows (a *scene*), the drawing
(``plot_*(ax, ...)``, returning a ``_style.Drawing``: the artists that move, and how), the
widget wiring controls to both, and the lesson's exercises. Everything here needs matplotlib
and ipywidgets; the math core does not.

A lesson uses its own module as ``from gradlib.topics import backprop as lesson``; the widgets
are also exported as ``gl.<WidgetName>``. Adding a lesson: its module here and its name in
:data:`MODULES` below.
"""

import importlib

from ._widget import REGISTRY, LessonWidget

#: The lessons' modules, in lesson order (lesson 0 first). Importing one registers its widgets
#: and exercises; its ``__all__`` (its widgets) is exported from here and as ``gl.<WidgetName>``.
MODULES = tuple(
    importlib.import_module(f"{__name__}.{name}")
    for name in (
        "start_here",
        "gradient_row",
        "curve_column",
        "jacobian",
        "chain_rule",
        "numeric_vs_symbolic",
        "backprop",
        "conventions",
        "matrix_derivatives",
        "reverse_mode",
        "second_order",
    )
)
globals().update({name: getattr(m, name) for m in MODULES for name in m.__all__})
__all__ = ["REGISTRY", "LessonWidget", *(name for m in MODULES for name in m.__all__)]
