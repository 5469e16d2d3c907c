"""Lesson widgets: ipywidgets controls wired to ``gradlib.explore`` (numbers) and ``gradlib.viz``.

``from gradlib import widgets`` then e.g. ``widgets.GradientExplorer("rosenbrock")``. Each widget is a
:class:`LessonWidget` (see ``gradlib/widgets/_base.py`` for the contract: ``state``, controls as
attributes, ``demo_moves()``, one display output with the live view, a PNG and fixed text).

``REGISTRY`` maps a name to each widget class; a class decorated with ``@register(name)`` in any
module of this package is listed, since every module here is imported below. The bench
(``bench/bench_widgets.py``) and ``tests/test_widgets.py`` loop over it.
"""
import importlib
import pkgutil

from ._base import REGISTRY, LessonWidget, fmt, line_html, matrix_html, product_html, register
from .curve import CurveExplorer
from .gradient import GradientExplorer
from .jacobian import JacobianGrid, JacobianRows, ShapeExplorer

for _mod in pkgutil.iter_modules(__path__):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")

