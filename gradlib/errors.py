"""Errors and warnings gradlib raises: each says what was given, what was expected, and the fix."""


class GradlibError(ValueError):
    """Base of every error gradlib raises (a ValueError, so ``except ValueError`` works)."""


class ShapeError(GradlibError):
    """An input or a function's output does not have the shape the convention needs."""


class NonFiniteError(GradlibError):
    """A function returned inf or nan where a finite number is needed."""


class NotAnalyticError(GradlibError):
    """Complex step was asked for, but f is not complex-analytic (abs, conj, np.real, float(), ...)."""


class VectorizationError(GradlibError):
    """``vectorized=True`` was given, but batched calls of f disagree with single calls."""


class FunctionError(GradlibError):
    """Calling the learner's function raised; the original error is chained as ``__cause__``."""


class ParseError(GradlibError):
    """A typed expression is not plain mathematics; the message points at the offending part."""


class GradlibWarning(UserWarning):
    """Base of every warning gradlib emits."""


class PrecisionWarning(GradlibWarning):
    """The input's precision (float32, float16) limits how accurate a derivative can be."""


class OneSidedWarning(GradlibWarning):
    """A perturbed point was not finite, so a one-sided difference was used instead."""


class NotDifferentiableWarning(GradlibWarning):
    """The one-sided slopes of f disagree at two step sizes alike: a kink or a jump, not a derivative."""


class AccuracyWarning(GradlibWarning):
    """A derivative's estimated error stays above 1e-8 of its size at every step tried, or the
    value is below what any step resolves: it is returned with that estimate (info.error)."""
