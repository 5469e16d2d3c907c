"""gradlib: gradients, Jacobians and the chain rule, every derivative a 2-D matrix (outputs x inputs).

>>> import gradlib as gl
>>> gl.gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 2.0]).round(8)
array([[2., 3.]])
"""
from .errors import (
    GradlibError, ShapeError, NonFiniteError, NotAnalyticError, VectorizationError,
    FunctionError, ParseError, GradlibWarning, PrecisionWarning, OneSidedWarning,
)
# numeric
# symbolic
# chain
# shapes, check, functions
