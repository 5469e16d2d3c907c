"""gradlib: gradients, Jacobians and the chain rule, each derivative shaped (outputs x inputs).

``import gradlib as gl`` gives the math (no plotting) and, on first use, the lessons' widgets
(``gl.GradientExplorer``, ...), which load matplotlib and ipywidgets from :mod:`gradlib.topics`.

>>> import gradlib as gl
>>> gl.gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 2.0]).round(8)
array([[2., 3.]])
"""

import importlib

from . import autodiff, chain, check, exercises, functions, numeric, shapes, symbolic
from .chain import Chain, chain_rule
from .errors import (
    AccuracyWarning,
    FunctionError,
    GradlibError,
    GradlibWarning,
    NonFiniteError,
    NotAnalyticError,
    NotDifferentiableWarning,
    OneSidedWarning,
    ParseError,
    PrecisionWarning,
    ShapeError,
    VectorizationError,
)
from .exercises import exercise
from .numeric import derivative, gradient, hessian, hvp, jacobian, jvp, vjp

__all__ = [
    "autodiff",
    "chain",
    "check",
    "exercises",
    "functions",
    "numeric",
    "shapes",
    "symbolic",
    "Chain",
    "chain_rule",
    "exercise",
    "derivative",
    "gradient",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "vjp",
    "GradlibError",
    "ShapeError",
    "NonFiniteError",
    "NotAnalyticError",
    "VectorizationError",
    "FunctionError",
    "ParseError",
    "GradlibWarning",
    "PrecisionWarning",
    "OneSidedWarning",
    "NotDifferentiableWarning",
    "AccuracyWarning",
]


def __getattr__(name):
    """The widgets (``gl.GradientExplorer``, ...) and ``gl.topics``, imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    topics = importlib.import_module(f"{__name__}.topics")  # sets gradlib.topics
    if name == "topics":
        return topics
    if name in topics.__all__:
        return getattr(topics, name)
    raise AttributeError(f"module 'gradlib' has no attribute {name!r}")
