"""gradlib: gradients, Jacobians and the chain rule, every derivative a 2-D matrix (outputs x inputs).

>>> import gradlib as gl
>>> gl.gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 2.0]).round(8)
array([[2., 3.]])
"""
from .errors import (
    GradlibError, ShapeError, NonFiniteError, NotAnalyticError, VectorizationError,
    FunctionError, ParseError, GradlibWarning, PrecisionWarning, OneSidedWarning, NotDifferentiableWarning,
)
from . import numeric, symbolic, functions, shapes, check, chain
from .numeric import jacobian, gradient, derivative, hessian, jvp, vjp
from .chain import chain_rule, Chain
# what the lessons' widgets compute (no plotting), and the exercises
from . import explore, exercises
from .exercises import exercise
