"""Plot helpers: each ``plot_*(ax, ...)`` takes its axes first and returns its artists.

The companion ``update*(artists, scene)`` moves those artists to a new scene from
``gradlib.explore`` without redrawing what does not move (contours, curves). Colors and sizes
come from ``gradlib.style``; figures are made with ``gradlib.style.new_figure`` (no pyplot).
``Picture(fig, alt)`` shows a finished figure in a notebook as a PNG with alt text.

Not imported by ``import gradlib``: matplotlib stays optional for the math. Use
``from gradlib import viz``; every module of this package is imported here.
"""
import importlib
import pkgutil

from ._common import Picture, arrow, move

for _mod in pkgutil.iter_modules(__path__):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")
