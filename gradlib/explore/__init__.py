"""Pure computation behind the widgets: scenes of numbers and arrays, no matplotlib, no ipywidgets.

One module per topic (``gradient``, ``curve``, ``jacobian``, ...). Each returns frozen dataclasses
or arrays that ``gradlib.viz`` draws and ``gradlib.widgets`` shows, so the numbers a learner sees
are testable without a figure. Every module of this package is imported here, so
``gl.explore.<topic>`` works after ``import gradlib``.
"""
import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")
