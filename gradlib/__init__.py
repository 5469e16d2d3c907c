"""gradlib: gradients, Jacobians and the chain rule, every derivative a 2-D matrix (outputs x inputs).

>>> import gradlib as gl
>>> gl.gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 2.0]).round(8)
array([[2., 3.]])
"""
from .errors import (
    GradlibError, ShapeError, NonFiniteError, NotAnalyticError, VectorizationError,
    FunctionError, ParseError, GradlibWarning, PrecisionWarning, OneSidedWarning,
)
from .errors import NotDifferentiableWarning
from . import numeric
from .numeric import jacobian, gradient, derivative, hessian, jvp, vjp
from . import symbolic, functions
from .chain import chain_rule, Chain
from . import shapes, check, chain
# explore, exercises (lessons)
from . import explore, exercises
from .exercises import exercise
