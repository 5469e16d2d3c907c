"""Errors and warnings gradlib raises: each says what was given, what was expected, and the fix."""

import reprlib

#: The longest echo of a learner's input in a message (characters).
ECHO_LIMIT = 80


class GradlibError(ValueError):
    """Base of every error gradlib raises (a ValueError, so ``except ValueError`` works)."""


class ShapeError(GradlibError):
    """An input or a function's output does not have the shape the convention needs."""


class NonFiniteError(GradlibError):
    """A function returned inf or nan where a finite number is needed."""


class NotAnalyticError(GradlibError):
    """Complex step was asked for, but f is not complex-analytic (abs, conj, np.real,
    float(), ...)."""


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
    """The one-sided slopes of f disagree at two step sizes alike: a kink or a jump, not a
    derivative."""


class AccuracyWarning(GradlibWarning):
    """A derivative's estimated error stays above 1e-8 of its size at every step tried, or the
    value is below what any step resolves: it is returned with that estimate (info.error)."""


class _Repr(reprlib.Repr):
    def repr_int(self, x, level):
        try:
            return super().repr_int(x, level)
        except ValueError:  # beyond Python's 4,300-digit conversion limit
            return _long_int(x)


_REPR = _Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 3, 8, 8, 4
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = ECHO_LIMIT


def echo(value, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` for a message, at most ``limit`` characters ("..." marks a cut); no errors.

    Learner input can be huge (a 10^6-character string, a 10**5000 integer, a list
    nested 2,000 deep or containing itself): the echo stays short and is built
    without printing the whole value first.

    Examples
    --------
    >>> echo("x" * 1000)[-6:], len(echo("x" * 1000))
    ("xx...'", 80)
    >>> echo([1, 2.5, None]), echo(10**5000)
    ('[1, 2.5, None]', '10000000000000000000... (about 5,001 digits)')
    >>> a = [1]; a.append(a); echo(a)
    '[1, [...]]'
    """
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= limit else repr(value[: max(limit - 5, 1)] + "...")
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001  a learner's object whose __repr__ fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clip(text, limit: int = 200) -> str:
    """Plain text (e.g. the message of a learner's own exception) cut to ``limit`` characters.

    >>> clip("abc"), clip("x" * 500, 10)
    ('abc', 'xxxxxxx...')
    """
    try:
        text = str(text)
    except Exception:  # noqa: BLE001  an exception whose __str__ fails
        text = f"<{type(text).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _long_int(value: int) -> str:
    """The leading digits of an int too long for repr, and about how many digits it has."""
    digits = int(value.bit_length() * 0.30103) + 1
    lead = str(abs(value) // 10 ** (digits - 25))[:20]
    return f"{'-' if value < 0 else ''}{lead}... (about {digits:,} digits)"
