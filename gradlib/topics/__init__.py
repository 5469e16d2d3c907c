"""The lessons' topics: one module per lesson, named like its notebook without the number.

Each module holds, in this order, the pure numbers a widget shows (a *scene*), the drawing
(``plot_*(ax, ...)`` returning artists), the widget wiring controls to both, and the lesson's
exercises. Everything here needs matplotlib and ipywidgets; the math core does not.

A lesson uses its own module as ``from gradlib.topics import backprop as lesson``; the widgets
are also exported as ``gl.<WidgetName>``. Adding a lesson: its module here and one import line
below (which also registers its exercises).
"""

from . import (
    backprop,
    chain_rule,
    conventions,
    curve_column,
    gradient_row,
    jacobian,
    matrix_derivatives,
    numeric_vs_symbolic,
    reverse_mode,
    second_order,
    start_here,
)
from ._widget import REGISTRY, LessonWidget
from .backprop import *  # noqa: F403  (each module's __all__: its widgets)
from .chain_rule import *  # noqa: F403
from .conventions import *  # noqa: F403
from .curve_column import *  # noqa: F403
from .gradient_row import *  # noqa: F403
from .jacobian import *  # noqa: F403
from .matrix_derivatives import *  # noqa: F403
from .numeric_vs_symbolic import *  # noqa: F403
from .reverse_mode import *  # noqa: F403
from .second_order import *  # noqa: F403
from .start_here import *  # noqa: F403

MODULES = (
    start_here,
    gradient_row,
    curve_column,
    jacobian,
    chain_rule,
    numeric_vs_symbolic,
    backprop,
    conventions,
    matrix_derivatives,
    reverse_mode,
    second_order,
)
__all__ = ["REGISTRY", "LessonWidget", *(name for m in MODULES for name in m.__all__)]
