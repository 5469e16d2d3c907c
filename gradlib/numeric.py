"""Finite differences on numpy callables; every derivative is a 2-D matrix (outputs x inputs).

The step rule. Steps are relative to each input, ``h_j = c * |x_j|`` (``c * 1`` where
``x_j == 0``), so the accuracy does not depend on the size of x: ``log`` is differentiated as well
at ``x = 1e-6`` as at ``x = 1e20``. Each step is a power of two and at least the smallest normal
float (2.2e-308, never 0 or subnormal), so ``x + k h`` is exact and differs from x. A relative step
fails where x_j is tiny and f does not scale with it: ``exp`` at ``x = 1e-60`` does not move at all
over ``h = 1e-66``. So where ``|x_j| < 1/32`` and some f_i barely moves with x_j
(``|x_j J_ij| < |f_i| / 32``, the elasticity; ``J_ij == 0`` included) the column is differenced
again with ``h_j = c * max(|x_j|, 1)``, and each entry keeps the result with the smaller error
estimate, provided the two agree within their estimates (nfev counts both; ``info.note`` names the
entries that changed). A PrecisionWarning names an entry that neither step resolves. The Hessian
does the same, keeping H symmetric. A lost entry that is 0 at both steps but moves at
max(|x_j|, 1) / 4 is noise (cos at 2.2e-14), and an AccuracyWarning says so.

Accuracy. A relative step is too large where f varies on a smaller scale than x (sin at 1e4, exp(x -
1000) at 1000). So each result is checked against its error estimate (the scheme at 2h): an entry
above its target (auto and richardson 1e-8 of itself, central 1e-8, forward 1e-5; Hessians 1e-8
complex, 1e-7 central, of the largest entry of H) is differenced again at the step balancing its
truncation against its rounding, per input, up to six times, keeping a new value only where it is in
its Taylor regime and agrees with the first within both estimates ("refined" in info.note); an entry
still above its target warns (AccuracyWarning). Below a floor no step tells a derivative from 0 at
unit scale, and none is asked for: 100 eps^(p/(p+1)) |f_i| / max(|x_j|, 1) for J (p the stencil's
order), 10 eps^(2/3) |g| / s + 100 eps^(1/2) |f| / s_i s_j for H (g the gradient, s = max(|x|, 1)).
auto's real stencil (after complex step was rejected) always has its estimate (8n + 1 evaluations,
not 4n + 1); the explicit central and richardson are estimated and refined only where their one-
sided slopes show h |f''| not small next to |f'| (free: f(x +- h) is there), forward never; with
full_output every entry is estimated and warns if above its target. A Hessian checks its diagonal at
2h (2n evaluations) and, where that or a rounding bound is above the target, estimates and refines
all of H. Refining a Hessian can cost a few Hessians more where f's values are too coarse for its
steps (a large sum); complex step (auto, for an analytic f) rarely needs it.

The stencils live in :data:`STENCILS` (order, offsets, weights, leading error term), and
:func:`difference` applies one to a scalar function at given steps, for lessons and widgets that
show a difference quotient at a step of their own.
"""

import contextlib
import sys
import warnings
from dataclasses import dataclass, replace

import numpy as np

from .errors import (
    AccuracyWarning,
    FunctionError,
    GradlibError,
    NonFiniteError,
    NotAnalyticError,
    NotDifferentiableWarning,
    OneSidedWarning,
    PrecisionWarning,
    ShapeError,
    VectorizationError,
)

__all__ = [
    "DiffInfo",
    "Stencil",
    "STENCILS",
    "difference",
    "jacobian",
    "gradient",
    "derivative",
    "hessian",
    "hvp",
    "jvp",
    "vjp",
]

EPS = np.finfo(float).eps
METHODS = ("auto", "forward", "central", "richardson", "complex")


@dataclass(frozen=True)
class Stencil:
    """A difference quotient of f'(x): ``D(h) = sum_k weights[k] * f(x + offsets[k] * h) / h``.

    Taylor, ``f(x + o h) = sum_p (o h)^p f^(p)(x) / p!``, shows which derivatives it cancels:
    ``D(h) = f'(x) + truncation * h^order * f^(order + 1)(x) + ...``. The step balancing the
    truncation (h^order) against rounding (eps / h) is ``h = eps^(1 / (order + 1))`` relative to x.
    Complex step has one imaginary offset and takes the imaginary part of D: no subtraction, so no
    rounding term.

    Attributes
    ----------
    order : int
    offsets, weights : tuple
        Where f is evaluated, in steps h from x, and with which weights (they sum to 0).
    truncation : float
        The coefficient of the leading error term ``h^order f^(order + 1)(x)``.
    """

    order: int
    offsets: tuple
    weights: tuple
    truncation: float


STENCILS = {
    # (f(x+h) - f(x)) / h                           = f' + h f''/2 + ...
    "forward": Stencil(1, (0, 1), (-1.0, 1.0), 1 / 2),
    # (f(x+h) - f(x-h)) / 2h                        = f' + h^2 f'''/6 + ...
    "central": Stencil(2, (-1, 1), (-1 / 2, 1 / 2), 1 / 6),
    # (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h = f' - h^4 f'''''/30 + ...
    # (one Richardson extrapolation of the central difference: (4 D(h) - D(2h)) / 3)
    "richardson": Stencil(4, (-2, -1, 1, 2), (1 / 12, -8 / 12, 8 / 12, -1 / 12), -1 / 30),
    # Im f(x + ih) / h                              = f' - h^2 f'''/6 + ...
    "complex": Stencil(2, (1j,), (1.0,), -1 / 6),
}
_ONE_SIDED = {  # same order, points on one side of x; mirrored (o -> -o, w -> -w) for the other
    "forward": ((0, 1), (-1.0, 1.0)),
    # (-3f(x) + 4f(x+h) - f(x+2h)) / 2h             = f' - h^2 f'''/3 + ...
    "central": ((0, 1, 2), (-3 / 2, 2.0, -1 / 2)),
    # (-25f(x) + 48f(x+h) - 36f(x+2h) + 16f(x+3h) - 3f(x+4h)) / 12h = f' - h^4 f'''''/5 + ...
    "richardson": ((0, 1, 2, 3, 4), (-25 / 12, 4.0, -3.0, 4 / 3, -1 / 4)),
}
_CS_STEP = 1e-50  # complex step, relative: h^2 vanishes next to eps, x + ih far from underflow
# info.error for stencils: _SAFETY * (leading truncation term), at least _NOISE * |D(h) - D(2h)|
# (that difference also carries the rounding noise of f actually present), plus
# _ROUNDING * eps * sum_k |w_k f_k| / h; for complex step _CS_ULPS * eps * |J|. Constants measured
# on random compositions (bench/README.md).
_SAFETY, _ROUNDING, _CS_ULPS, _NOISE = 2.0, 2.0, 32.0, 1.0
# complex step vs real central difference along a random direction: J from complex step is exact to
# rounding, so rtol bounds the part of J @ w a non-analytic term may hide in; the Hessian's check
# uses a gradient with an O(d^2) error of its own
_CHECK_RTOL, _CHECK_RTOL_HESSIAN = 1e-8, 1e-5
_TINY = np.finfo(float).tiny  # the smallest step: below it a step is subnormal (imprecise) or 0
_BATCH_BYTES = 2**25  # points per call of f (vectorized) at most this much memory: 32 MB
_K = 32  # tiny-x retry: |x_j| < 1 / _K and elasticity |x_j J_ij| / |f_i| < 1 / _K (module doc)
_WARN_RTOL = 1e-5  # after the retry, warn where a lost entry's estimated error is still above this
# the relative error each scheme refines its steps for, and warns above (module docstring)
_TARGET = {
    "forward": 1e-5,
    "central": 1e-8,
    "richardson": 1e-8,
    "H central": 1e-7,
    "H complex": 1e-8,
}
_ASYMPTOTIC = 1e-2  # a retry whose truncation estimate exceeds this part of it is not in the Taylor
# regime. Kink test (_kink): the gap of the one-sided slopes at 2h over that at h is 2^(2k-1) >= 2
# for a smooth f, 1 at a kink, 1/2 at a jump, 2^(p-1) at a cusp |x|^p (0 < p < 1). It flags a ratio
# in _KINK_BAND, where the gap is also above _KINK_ROUNDING times its rounding level and above
# _KINK_SIZE times the larger slope (noise inside f).
_KINK_BAND, _KINK_ROUNDING, _KINK_SIZE = (0.25, 1.25), 1e3, 1e-2


def difference(f, x, h, method="central"):
    """The difference quotient of a scalar function f at x with the absolute step(s) h.

    The same arithmetic as :func:`derivative` at that step (``sum_k w_k (f(x + o_k h) - f(x)) / h``
    with the :data:`STENCILS` entry), without its choice of step, checks or error estimate: for
    showing how the quotient behaves as h changes.

    Parameters
    ----------
    f : callable
        Elementwise on floats (and on complex numbers for ``"complex"``), e.g. ``np.sin``.
    x : float or ndarray
    h : float or ndarray
        Absolute steps, broadcast against x (e.g. shape (H,) for a sweep over steps).
    method : {"forward", "central", "richardson", "complex"}

    Returns
    -------
    D : float or ndarray, the broadcast shape of x and h
        nan where f is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlib.numeric import difference
    >>> h = np.array([1e-2, 1e-4])
    >>> error = difference(np.exp, 1.0, h, "forward") - np.e
    >>> (error / (h * np.e)).round(3)      # the leading term: truncation h^1 f''(x), f'' = e
    array([0.502, 0.5  ])
    >>> STENCILS["forward"].truncation
    0.5
    >>> float(difference(np.exp, 1.0, 1e-20, "complex") - np.e)
    0.0
    """
    if method not in STENCILS:
        raise GradlibError(f"method={method!r} is not one of {', '.join(map(repr, STENCILS))}.")
    s, h = STENCILS[method], np.asarray(h, dtype=float)
    with np.errstate(all="ignore"):
        if method == "complex":
            return np.imag(f(x + 1j * h)) / h
        f0 = f(x)
        terms = zip(s.offsets, s.weights, strict=True)
        return sum(w * ((f(x + o * h) if o else f0) - f0) for o, w in terms) / h


@dataclass(frozen=True, eq=False)
class DiffInfo:
    """What ``full_output=True`` returns beside the derivative.

    Attributes
    ----------
    error : ndarray, shape of the derivative
        Estimated absolute error of each entry (truncation from two step sizes plus rounding).
    nfev : int
        Every evaluation of f, the checks included; a vectorized call counts its points.
    method : str
        The method used, e.g. ``"auto->complex"`` when ``method="auto"`` chose complex step.
    step : ndarray, shape (n,)
        The absolute step along each input by the step rule (the imaginary step for complex step).
    note : str
        Why ``"auto"`` did not use complex step, which entries took the larger step at a tiny
        x_j, and which were refined at other steps (see the module docstring), or ``""``.
    """

    error: np.ndarray
    nfev: int
    method: str
    step: np.ndarray
    note: str = ""

    def __repr__(self):
        note = f", note={self.note!r}" if self.note else ""
        steps = " ".join(f"{h:.3g}" for h in np.ravel(self.step))
        shape = "x".join(map(str, self.error.shape))
        return (
            f"DiffInfo(method={self.method!r}, nfev={self.nfev}, step=[{steps}], "
            f"error=<{shape}, max {self.error.max():.1e}>{note})"
        )


def _warn(message, category):
    """Warn pointing at the learner's line: the first frame outside this module."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _show(p):
    return np.array2string(np.asarray(p), precision=6, threshold=6, separator=", ")


def _type_and_shape(y):
    """What f returned (or what was passed as f), for messages: its type, and the shape of an array,
    list or tuple, e.g. "a list of shape (2, 3)"."""
    if y is None:
        return "None (does f forget to return?)"
    name = type(y).__name__
    try:
        shape = f" of shape {np.shape(y)}" if isinstance(y, (list, tuple, np.ndarray)) else ""
    except ValueError:  # ragged
        shape = " of ragged shape"
    return f"{'an' if name[0] in 'aeiou' or name == 'ndarray' else 'a'} {name}{shape}"


class _Calls:
    """Calls f, counts its evaluations (a vectorized call counts its points), turns failures into
    errors.

    Points are vectors of shape (n,). Where x has a shape of its own (a matrix W), ``shape`` is it:
    f gets each point reshaped to it (a batch to (*shape, N)), and its outputs of any shape are
    flattened row by row (``out_shape`` is f's own output shape at x).
    """

    def __init__(self, f, vectorized, shape=None):
        self.f, self.vectorized, self.nfev, self.f0 = f, vectorized, 0, None
        self.shape, self.out_shape, self.quiet = shape, None, False

    def at(self, p, equals="="):
        """The point p for messages, as f sees it: 'x=[1., 2.]' or 'x of shape (2, 2) = [[...]]'."""
        if self.shape is None:
            return f"x{equals}{_show(p)}"
        return f"x of shape {self.shape} = {_show(p.reshape(self.shape))}"

    def _call(self, p):
        # f gets its own copy: a function that changes its argument (v[0] += 1) would otherwise
        # move the point, or the next ones of a batch
        p = p.copy() if self.shape is None else p.reshape(self.shape + p.shape[1:]).copy()
        if self.quiet:  # numpy warnings about values of f are for gradlib, not the learner
            return self.f(p)
        with self._quiet():
            return self.f(p)

    @contextlib.contextmanager
    def _quiet(self):
        """Silence numpy's floating point and ComplexWarnings while f runs (once per batch)."""
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            self.quiet = True
            try:
                yield
            finally:
                self.quiet = False

    def one(self, p):
        """f at one point p, shape (n,), as shape (m,)."""
        self.nfev += 1
        try:
            y = self._call(p)
        except Exception as err:  # chained, so the learner's own error stays visible
            raise FunctionError(
                f"calling f at {self.at(p)} raised {type(err).__name__}: {err}"
            ) from err
        return self._output(y, p)

    def _output(self, y, p):
        try:
            a = np.asarray(y)
        except ValueError as err:
            raise ShapeError(
                f"f returned a ragged {type(y).__name__} at {self.at(p)}; expected a "
                "scalar or shape (m,) of numbers. Return a flat vector, e.g. "
                "np.array([f1, f2])."
            ) from err
        if a.dtype.kind not in "iufc":
            raise ShapeError(
                f"f returned {_type_and_shape(y)} with {a.dtype} entries; expected a scalar "
                "or shape (m,) of numbers. Return numbers, e.g. np.asarray(..., "
                "dtype=float); for SymPy expressions use gl.symbolic.lambdify."
            )
        shape = a.shape
        if self.shape is not None:  # x is an array: so may f's value be, its entries the outputs
            self.out_shape = shape if self.out_shape is None else self.out_shape
            a = a.ravel()
        if a.ndim > 1 or a.size == 0:
            raise ShapeError(
                f"f returned {_type_and_shape(y)}; expected a scalar or shape (m,) with "
                "m >= 1, one number per output. Return a flat vector: np.ravel(...) "
                "of it."
            )
        if self.f0 is not None and a.size != self.f0.size:
            raise ShapeError(
                f"f returned shape {shape} at {self.at(p)} but {self.f0.size} "
                "value(s) at the base point; f must return the same shape at every "
                "point."
            )
        if a.dtype.kind == "c" and np.isrealobj(p):
            if np.any(a.imag):
                raise GradlibError(
                    f"f returned complex values at the real point {self.at(p)}; "
                    "gradlib differentiates real-valued functions. Differentiate "
                    "f.real and f.imag apart."
                )
            a = a.real
        return np.atleast_1d(a if a.dtype.kind in "fc" else a.astype(float))

    def many(self, P):
        """f at the columns of P, shape (n, N), as shape (m, N): one batched call if vectorized and
        N > 1.

        A batch of one point is a single call: f cannot tell a batch of shape (1, 1) (or t of shape
        (1,) for a curve) from one point, so a curve would answer shape (m,) where (m, 1) is meant.
        """
        if not self.vectorized or P.shape[1] == 1:
            with self._quiet():
                return np.stack([self.one(p) for p in P.T], axis=1)
        m, N = self.f0.size, P.shape[1]
        self.nfev += N
        # the points: the columns of P, or along the last axis of (*shape, N) for an array x
        if self.shape is None:
            batch, out, points = P.shape, (m, N), "as columns"
            accept, give, k = "(n, N)", "(m, N)", "column k the output at point P[:, k]"
            reduce = "along axis 0 only (np.sum(x, axis=0))"
        else:
            batch, out, points = self.shape + (N,), self.out_shape + (N,), "along the last axis"
            accept, give = (
                f"({', '.join([*map(str, sh), 'N'])}{',' if not sh else ''})"
                for sh in (self.shape, self.out_shape)
            )
            k = "[..., k] the output at the point [..., k]"
            axes = tuple(range(len(self.shape)))
            reduce = f"over x's own axes only (np.sum(x, axis={axes}))"
        try:
            Y = np.asarray(self._call(P))
        except Exception as err:
            self.one(P[:, -1])  # if f fails on a single point too, that FunctionError is the story
            raise VectorizationError(
                f"vectorized=True: calling f with a batch of shape {batch} "
                f"(points {points}) raised {type(err).__name__}: {err}. f "
                f"must accept shape {accept} and return shape {give}; or pass "
                "vectorized=False."
            ) from err
        if Y.shape == (N,) and m == 1:
            Y = Y[None, :]
        elif self.shape is not None and Y.shape == out:
            Y = Y.reshape(m, N)
        if Y.shape != (m, N) or Y.dtype.kind not in "iufc":
            raise VectorizationError(
                f"vectorized=True: f returned {_type_and_shape(Y)} for a batch "
                f"of {N} points of shape {batch}; expected shape "
                f"{out}, {k}. Reduce {reduce}, or pass "
                "vectorized=False."
            )
        # the batch must agree with single calls, else J is silently wrong. A reduction over the
        # whole batch (x / np.max(x), x * x.flat[-1]) agrees at the point that holds its value, so
        # three points: the last, the first, and the one with the smallest largest entry
        for k in dict.fromkeys([N - 1, 0, int(np.argmin(P.real.max(axis=0)))]):
            y = self.one(P[:, k])
            for part in (np.real, np.imag):
                b, s, s0 = part(Y[:, k]), part(y), part(self.f0)
                if np.any(
                    np.abs(b - s) > 1e-6 * np.abs(s - s0) + 1e3 * EPS * (np.abs(s) + np.abs(s0))
                ):
                    raise VectorizationError(
                        f"vectorized=True: column {k} of a batched call gives "
                        f"{_show(Y[:, k])} but a single call at that point "
                        f"gives {_show(y)}. f mixes the points of a batch "
                        "(e.g. np.sum(x) or np.max(x) instead of np.sum(x, "
                        "axis=0)); fix it or pass vectorized=False."
                    )
        return Y.astype(complex if Y.dtype.kind == "c" else float)

    def at_moves(self, x, I, dI, J, dJ):  # noqa: E741
        """f at the points x + dI[k] e_I[k] + dJ[k] e_J[k], shape (m, K) for K = len(I), in
        batches of at most _BATCH_BYTES (the Hessian's points)."""
        per, F = max(1, _BATCH_BYTES // (16 * x.size)), []
        for start in range(0, len(I), per):
            part = slice(start, start + per)
            cols = np.arange(len(I[part]))
            P = np.repeat(x[:, None].astype(np.result_type(x, dI, dJ)), cols.size, axis=1)
            P[I[part], cols] += dI[part]
            P[J[part], cols] += dJ[part]
            F.append(self.many(P))
        return np.concatenate(F, axis=1)

    def at_offsets(self, x, h, offsets, cols):
        """{o: f(x + o h_j e_j) for j in cols, shape (m, len(cols))} for every offset o.

        h may be complex (complex step: o = 1, h_j = i times the step). The points go to f in
        batches of at most _BATCH_BYTES (memory O(n) per point, not O(n^2) for the whole J).
        """
        cols, offsets, k = list(cols), list(offsets), len(offsets)
        per = max(1, _BATCH_BYTES // (16 * x.size * k))  # columns of J per batch
        F = []
        for start in range(0, len(cols), per):
            part = cols[start : start + per]
            P = np.repeat(x[:, None].astype(np.result_type(x, h)), len(part) * k, axis=1)
            rows = np.repeat(part, k)  # the input each column of P moves
            P[rows, np.arange(rows.size)] += np.tile(offsets, len(part)) * h[rows]
            F.append(self.many(P))
        F = np.concatenate(F, axis=1).reshape(-1, len(cols), k)
        return {o: F[:, :, i] for i, o in enumerate(offsets)}


@dataclass(frozen=True)
class _Options:
    """The keywords every derivative takes (see :func:`jacobian`)."""

    method: str = "auto"
    step: object = None
    vectorized: bool = False
    full_output: bool = False


@dataclass(frozen=True)
class _Diff:
    """One differentiation in progress: f's counted calls, the point x, shape (n,), f(x), shape
    (m,), the precision eps of f's values, the scale of each input (|x_j|, 1 where x_j == 0) that
    relative steps multiply, and the kind of derivative asked for."""

    calls: _Calls
    x: np.ndarray
    f0: np.ndarray
    eps: float
    scale: np.ndarray
    kind: str

    def index(self, j):
        """Input j of the vector x as an index into x's own shape: '3', or '1, 2' for a matrix."""
        shape = self.calls.shape
        return str(j) if shape is None else ", ".join(map(str, np.unravel_index(j, shape)))


@dataclass(frozen=True)
class _Estimate:
    """A derivative D from a scheme of the given order at the steps h, with its error estimate E
    (None when not asked for) and the rounding bound R of its values of f (both D's shape)."""

    D: np.ndarray
    E: np.ndarray
    R: np.ndarray
    h: np.ndarray
    order: int


def _ragged(x):
    """The row lengths of a ragged nesting, for messages: '[2, 1]' ('-' for a number)."""
    return (
        "["
        + ", ".join(str(len(r)) if np.ndim(r) else "-" for r in list(x)[:8])
        + (", ...]" if len(x) > 8 else "]")
    )


def _point(x, kind):
    """x as float64 of shape (n,), or of any shape (p, q, ...) for kind jacobian or gradient,
    warning when its dtype limits the accuracy."""
    try:
        a = np.asarray(x)
    except ValueError:  # numpy refuses ragged nestings
        a = np.empty(len(x), dtype=object)
        for i, row in enumerate(x):
            a[i] = row
    if a.dtype == object and any(np.ndim(v) for v in a.flat):
        raise ShapeError(
            f"x is a ragged {type(x).__name__}: its rows have lengths {_ragged(a)} "
            "('-' a number); expected an array of numbers, every row the same length, "
            "e.g. np.array([[1.0, 2.0], [3.0, 4.0]])."
        )
    if a.dtype == object:
        try:
            a = a.astype(float)
        except (TypeError, ValueError) as err:
            raise GradlibError(
                f"x has entries that are not numbers ({_show(a)}); pass numbers, "
                "e.g. np.array([1.0, 2.0])."
            ) from err
    if a.dtype.kind == "c":
        raise GradlibError(
            f"x is complex ({_show(a)}); gradlib differentiates real functions at "
            "real points. Pass x.real and x.imag as separate real inputs."
        )
    if a.dtype.kind not in "iuf":
        raise GradlibError(
            f"x has dtype {a.dtype}; expected real numbers, e.g. np.array([1.0, 2.0])."
        )
    if kind == "derivative":
        if a.size != 1:
            raise ShapeError(
                f"derivative needs a scalar t; got shape {a.shape}. For f of several "
                "inputs use gl.jacobian(f, x)."
            )
        a = a.reshape(1)
    if a.ndim != 1 and not (kind in ("jacobian", "gradient") and a.ndim > 1):
        fix = (
            "pass [x], or use gl.derivative(f, t) for f: R -> R^m"
            if a.ndim == 0
            else f"flatten it (x.ravel()) and reshape inside f (X = x.reshape{a.shape})"
        )
        raise ShapeError(
            f"x has shape {a.shape}; expected shape (n,), one number per input: {fix}."
        )
    if a.size == 0:
        raise ShapeError(f"x is empty (shape {a.shape}); expected shape (n,) with n >= 1 inputs.")
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        _warn(
            f"x has dtype {a.dtype} (about {np.finfo(a.dtype).precision} digits): gradlib "
            "computes in float64 at these rounded values, but if f computes in low precision the "
            "derivative has only about half of those digits. Pass x as float64 for full "
            "accuracy.",
            PrecisionWarning,
        )
    a = a.astype(float)
    if not np.isfinite(a).all():
        raise NonFiniteError(f"x is not finite: {_show(a)}; pass a finite point.")
    return a


def _steps(x, scale, order, eps, step, floor=_TINY):
    """Absolute steps, shape (n,): step if given, else c * scale, at least floor (module docstring).

    c = eps^(1/(order+1)) rounded to a power of two for a stencil of that order; _CS_STEP for
    complex step (order None).
    """
    if step is None:
        if order is None:
            return np.maximum(_CS_STEP * scale, _TINY)
        return np.maximum(2.0 ** np.round(np.log2(eps) / (order + 1) + np.log2(scale)), floor)
    try:
        h = np.asarray(step, dtype=float)
    except (TypeError, ValueError) as err:
        raise GradlibError(
            f"step must be a positive number or one per input; got {step!r:.60}."
        ) from err
    if h.ndim > 1 or h.size not in (1, x.size):
        raise ShapeError(
            f"step has shape {h.shape}; expected a scalar or shape ({x.size},), one per input."
        )
    if not (np.isfinite(h).all() and (h > 0).all()):
        raise GradlibError(f"step must be positive and finite; got {_show(h)}.")
    h = np.broadcast_to(h, x.shape).astype(float)
    if order is not None:
        h = (x + h) - x  # the step actually taken, exactly representable
        if not (h > 0).all():
            raise GradlibError(
                f"step {_show(step)} is too small to change x={_show(x)}; use a larger step."
            )
    return h


def _combine(vals, stencil, h, eps, estimate):
    """D = sum_k w_k f(x + o_k h) / h, its error estimate E (None unless estimate) and rounding
    bound R.

    The weights sum to 0, so subtracting f(x) changes nothing but makes D exactly 0 where f_i does
    not move. E is the truncation estimate from the same stencil at 2h plus R, even where f_i did
    not move: a step too small to move f_i cannot tell a derivative below R from 0.
    """
    terms = list(zip(stencil.offsets, stencil.weights, strict=True))
    diff = {o: v - vals[0] for o, v in vals.items()}
    D = sum(w * diff[o] for o, w in terms) / h
    R = _ROUNDING * eps * sum(abs(w) * np.abs(vals[o]) for o, w in terms) / h
    if not estimate:
        return D, None, R
    D2 = sum(w * diff[2 * o] for o, w in terms) / (2 * h)
    # D(h) - D(2h) = (1 - 2^order) * (error of D(h)) to leading order
    return D, max(_SAFETY / (2**stencil.order - 1), _NOISE) * np.abs(D - D2) + R, R


def _stencil(d, h, method, estimate, cols=None, one_sided=True):
    """Columns cols (default all) of the stencil's Jacobian, shape (m, len(cols)), as D, E, R (see
    _combine) and the kink test of those entries (_kink), which raises E to at least
    |D+ - D-| / 2 where it flags.

    Where f is not finite the column is one-sided, or with one_sided=False left non-finite.
    """
    cols = np.arange(d.x.size) if cols is None else cols
    stencil = STENCILS[method]
    offsets = stencil.offsets
    need = sorted({o for o in offsets + tuple(2 * o for o in offsets if estimate) if o})
    vals = d.calls.at_offsets(d.x, h, need, cols)
    vals[0] = np.repeat(d.f0[:, None], len(cols), axis=1)
    with np.errstate(all="ignore"):
        D, E, R = _combine(vals, stencil, h[cols], d.eps, estimate)
        kink = _kink(vals, h[cols], d.eps)
    if estimate and kink[0].any():
        E = np.where(kink[0], np.maximum(E, np.abs(kink[1] - kink[2]) / 2), E)
    finite = np.all([np.isfinite(vals[o]).all(axis=0) for o in need], axis=0)
    for c in np.flatnonzero(~finite if one_sided else []):
        col = {o: v[:, c : c + 1] for o, v in vals.items()}
        D[:, c : c + 1], e, R[:, c : c + 1] = _one_sided(d, h, method, cols[c], col, estimate)
        if estimate:
            E[:, c : c + 1] = e
    return D, E, R, kink


def _kink(vals, h, eps):
    """Where f seems not differentiable: (mask, D+, D-), each of shape (m, c), from f at x, x +- h
    and x +- 2h.

    The one-sided slopes D+ = (f(x+h) - f(x)) / h and D- = (f(x) - f(x-h)) / h of a smooth f differ
    by g(h) = (f(x+h) - 2 f(x) + f(x-h)) / h = h f2 + h^3 f4 / 12 + ... (f2, f4: its 2nd and 4th
    derivatives), a gap that grows with h: g(2h) / g(h) = 2 (8 where f2 = 0). At a kink the gap is
    the jump of f' at every small h (ratio 1), at a jump J of f it is J / h (ratio 1/2):
    _KINK_BAND. One step alone cannot tell them apart (x^2 and h |x| agree at x = 0, +-h), so
    without f(x +- h) and f(x +- 2h) (forward, central without full_output) nothing flags; nor do
    non-finite values (one-sided columns).
    """
    if not {-1, 1} <= vals.keys():
        return np.zeros(vals[0].shape, bool), None, None
    D_plus, D_minus = (vals[1] - vals[0]) / h, (vals[0] - vals[-1]) / h
    if not {-2, 2} <= vals.keys():
        return np.zeros(vals[0].shape, bool), D_plus, D_minus
    gap = {k: (vals[k] - 2 * vals[0] + vals[-k]) / (k * h) for k in (1, 2)}
    # rounding of f's values, and of subnormal ones (spaced 5e-324 apart, not eps |f| apart)
    rounding = (
        eps * (np.abs(vals[1]) + 2 * np.abs(vals[0]) + np.abs(vals[-1]))
        + 4 * np.finfo(float).smallest_subnormal
    ) / h
    ratio = gap[2] / gap[1]
    mask = (
        (ratio >= _KINK_BAND[0])
        & (ratio <= _KINK_BAND[1])
        & (np.abs(gap[1]) > _KINK_ROUNDING * rounding)
        & (np.abs(gap[1]) > _KINK_SIZE * np.maximum(np.abs(D_plus), np.abs(D_minus)))
    )
    return mask, D_plus, D_minus


def _warn_kink(d, kink, keep, h, J):
    """A NotDifferentiableWarning naming the first entry the kink test flags (where keep: J still
    from it)."""
    mask, D_plus, D_minus = kink
    flagged = np.argwhere(mask & keep)
    if not flagged.size:
        return
    i, j = flagged[0]
    slopes = abs(D_plus[i, j]) + abs(D_minus[i, j])
    value = J[i, j] if abs(J[i, j]) > 1e-12 * slopes else 0.0  # abs at 0: -2.8e-17, shown as 0
    where, entry = (
        ("at x along the direction v", f"Jv[{i}]")
        if d.kind == "jvp"
        else (f"at {d.calls.at(d.x, ' = ')} along input {d.index(j)}", f"J[{i}, {d.index(j)}]")
    )
    more = {1: "", 2: " (1 more entry too)"}.get(
        len(flagged), f" ({len(flagged) - 1} more entries too)"
    )
    _warn(
        f"f seems not differentiable {where} (output {i}): the one-sided slopes (f(x+h) - f(x)) "
        f"/ h = {D_plus[i, j]:.6g} and (f(x) - f(x-h)) / h = {D_minus[i, j]:.6g} "
        f"(h = {h[j]:.3g}) disagree as much at 2h, as at a kink or a jump (for a smooth f they "
        f"agree ever better as h shrinks). The returned {entry} = {value:.6g} is a symmetric "
        f"difference across the break (their average is {(D_plus[i, j] + D_minus[i, j]) / 2:.6g}"
        f"), not a derivative{more}. Check f there; if one side is what you need, use that "
        "one-sided slope.",
        NotDifferentiableWarning,
    )


def _lost(moves, f0, scale):
    """Entries (bool, shape of moves) where x_j is tiny and f_i barely moves with it (module
    docstring).

    moves: how much f_i moves when x_j changes by its own size, |x_j J_ij| (or |x_j x_k H_jk| for a
    Hessian). Entries that did not move at all are lost even where f_i(x) = 0: (0.5 - 2 x) - 0.5 at
    x = 1e-200.
    """
    return (scale < 1 / _K) & (_K * moves <= np.abs(f0)[:, None])


def _retry(d, first, s2, h2, again, consistent=False):
    """The scheme again at the steps h2 (imaginary steps relative to s2, for the complex Hessian),
    and per entry the better of the two results. Returns an _Estimate (E: the first step's own
    where first.E is None, see below; h: h2 in the columns that changed), the mask of entries
    taken from h2, the rounding bound at h2 (floor) and the mask of entries still 0 (below).

    ``first`` is the _Estimate at the steps first.h (E None: its rounding bound plus the retry's
    truncation scaled by (h / h2)^order); ``again(s2, h2)`` the scheme at h2 as (D2, E2, R2) of
    D's shape, nan where not computed, where f is not finite or across a kink; a FunctionError (f
    undefined that far out: math.log at x_j - h2) keeps the first step.

    The retry's 2h estimate holds only in the Taylor regime: far out (log at 1e-8 with a step of
    1.5e-8) it can be far too small. So D2 counts only if its truncation part T2 = E2 - floor is
    below _ASYMPTOTIC |D2|, or below _ASYMPTOTIC |f_i| (a slope per unit step: cos at 0 has
    D2 = -h/2, all truncation, and is right) where the whole column passes that test (the column
    is "smooth": no output shows structure below the step). It then wins if E2 < E, or if D2 and D
    disagree beyond E + E2: E counts rounding of the values of f, not inside f (1 - 0.5 - 0.5), and
    the larger step suffers less from that. Where D is exactly 0, f_i did not move at all: no
    evidence, and E may miss rounding inside f (a 0 from cancellation). Where neither D nor D2
    moved, D2's small bound is believed only in a smooth column (else log(x_j) + 1e18 would pass):
    those entries are "still". With ``consistent`` (_refine: steps far from the first one) D2
    wins only in its own Taylor regime, with E2 < E, and within E + E2 of D.
    """
    with np.errstate(invalid="ignore"):
        try:
            D2, E2, R2 = again(s2, h2)
        except FunctionError:
            D2 = E2 = R2 = np.full(first.D.shape, np.nan)
    r = first.h / h2
    ratio = np.outer(r, r) if d.kind == "hessian" else r  # a rounding bound scales as 1 / h^k
    D, E = first.D, first.E
    if E is None:
        E = first.R + r**first.order * np.nan_to_num(E2 - R2)
    floor = np.where(np.isfinite(R2), R2, first.R * ratio)
    T2 = np.where(np.isfinite(E2), E2 - floor, np.inf)
    smooth = np.all(T2 <= _ASYMPTOTIC * np.maximum(np.abs(D2), np.abs(d.f0)[:, None]), axis=0)
    taylor = (T2 <= _ASYMPTOTIC * np.abs(D2)) | smooth
    E_first = np.where(D == 0, np.inf, E)
    still = (D == 0) & (D2 == 0) & ~smooth
    better = taylor & ~still & ((E2 < E_first) | (np.abs(D2 - D) > E_first + E2))
    E2_used = E2
    if consistent:
        better = (T2 <= _ASYMPTOTIC * np.abs(D2)) & (E2 < E) & (np.abs(D2 - D) <= E + E2)
        # an exact 0 that D2 confirms (|D2| <= E2) stays 0, with D2's smaller bound
        zero = (D == 0) & ~better & (np.abs(D2) <= E2) & (2 * E2 < E)
        D2, E2_used, better = np.where(zero, 0.0, D2), np.where(zero, 2 * E2, E2), better | zero
    est = _Estimate(
        np.where(better, D2, D),
        np.where(better, E2_used, E),
        np.where(better, floor, first.R),
        np.where(better.any(axis=0), h2, first.h),
        first.order,
    )
    return est, better, floor, still


def _retry_tiny(d, first, lost, tiny, again):
    """The tiny-x retry of J or H (module docstring): the inputs ``tiny`` (bool, shape (n,)) are
    differenced again with steps relative to max(|x_j|, 1) (_retry), and each entry keeps the
    better result. Returns the _Estimate, info.note's part, and the lost entries that are 0 at
    both steps without a warning (for _warn_noise).

    A lost entry whose estimate is still more than 4 times above the rounding bound at the larger
    step and above _WARN_RTOL |D| is resolved by neither step: a PrecisionWarning says so.
    """
    s2 = np.where(tiny, 1.0, d.scale)
    h2 = np.maximum(_steps(d.x, s2, first.order, d.eps, None), first.h)
    est, better, floor, still = _retry(d, first, s2, h2, again)
    D, E = est.D, est.E
    unresolved = lost & ~still & (E > _WARN_RTOL * np.abs(D)) & (E > 4 * floor)
    bad = np.argwhere(unresolved)
    if bad.size:
        i, j = bad[0]
        k = j if abs(d.x[j]) < 1 / _K else i  # of a Hessian entry's two inputs, the tiny one
        name = "H" if d.kind == "hessian" else "J"
        _warn(
            f"{name}[{i}, {d.index(j)}] = {D[i, j]:.6g} is inaccurate (estimated error "
            f"{E[i, j]:.1e}): x[{d.index(k)}] = {d.x[k]:.3g} is tiny, and neither a step "
            f"relative to it nor the step {h2[k]:.3g} resolves how f changes there (lost to "
            "rounding, not finite, or curving too much). Pass a step suited to f (step=...), "
            "or use method='complex' if f is complex-analytic.",
            PrecisionWarning,
        )
    parts = [
        f"{k} of {D.shape[0]} entries along x[{d.index(j)}] = {d.x[j]:.3g} use the step {h2[j]:.3g}"
        for j, k in zip(np.flatnonzero(tiny), better[:, tiny].sum(axis=0), strict=True)
        if k
    ]
    return est, f"tiny x: {'; '.join(parts)}" if parts else "", lost & (D == 0) & ~unresolved


def _warn_noise(d, zeros, h):
    """An AccuracyWarning where a lost entry is 0 (f_i did not move at either step) but f_i has a
    slope at the steps max(|x_j|, 1) / 4 and / 8 (central differences that agree within a half,
    so not their truncation h^2 f'''/6): the 0 is noise, not a derivative (cos at 2.2e-14:
    -2.2e-14, below the rounding of cos's values at every step). A constant stays 0, quietly.
    """
    cols = np.flatnonzero(zeros.any(axis=0))
    if not cols.size:
        return
    slopes = []
    for k in (2, 3):
        hk = h.copy()
        hk[cols] = 2.0 ** (np.floor(np.log2(np.maximum(np.abs(d.x[cols]), 1.0))) - k)
        try:
            D3, _, R3, _ = _stencil(d, hk, "central", False, cols, one_sided=False)
        except FunctionError:
            return
        slopes.append((D3, R3, hk))
    (D3, R3, h3), (D4, R4, _) = slopes
    moved = (
        zeros[:, cols]
        & np.isfinite(D3)
        & np.isfinite(D4)
        & (np.abs(D3) > 4 * R3)
        & (np.abs(D4) > 4 * R4)
        & (np.abs(D3 - D4) <= np.abs(D4) / 2)
    )
    for i, c in np.argwhere(moved)[:1]:
        j = cols[c]
        _warn(
            f"J[{i}, {d.index(j)}] = 0 is noise: f does not change at all over the steps tried "
            f"along x[{d.index(j)}] = {d.x[j]:.3g} (rounding), but does over {h3[j]:.3g}, at a "
            f"slope of about {D4[i, c]:.2g}. No step resolves this derivative to 1e-8 of itself "
            "in float64 values of f: use method='complex' if f is complex-analytic, or "
            "differentiate the formula (gl.symbolic).",
            AccuracyWarning,
        )


def _refine(
    d, first, again, p, k, skip, rtol, floor, zero_floor=np.inf, allowed=True, need_floor=0.0
):
    """Where an entry's error estimate is above rtol of its size, difference again at the step
    that balances its truncation (~h^p) against its rounding (~1 / h^k, k = 1 for J and the
    complex H, 2 for the central H), and keep per entry the better result (_retry), up to 6
    rounds while they halve the total error of the entries refined (a step without a visible
    truncation grows 16 times a round). Then an AccuracyWarning names an entry still above
    max(rtol |D_ij|, floor_ij): the caller's floor is 10-100 times what a difference resolves at
    unit scale (a slope or curvature
    that small next to f's own scale is 0 to f's precision). ``skip`` (bool, D's shape): entries
    to leave alone (a kink, the tiny-x retry). An exact 0 of J (f_i did not move at h nor 2h) is
    left alone too (zero_floor inf); one of H is refined and judged against zero_floor (a 0 from a
    badly scaled f, as in Brown's function, is not resolved by f's own scale). Steps move by
    powers of 2, at most 2^12 per round, each exact (x + h - x = h); the rounds stop when nothing
    improves.

    Returns the _Estimate and the number of entries taken from other steps (for info.note).
    """
    est, changed = first, np.zeros(first.D.shape, bool)
    hh = np.broadcast_to(first.h, first.D.shape).copy()  # the step behind each entry (its column's)

    def zeros(est):  # J: f_i did not move at h nor 2h; H: any 0
        return (est.D == 0) & ((est.E <= est.R) | (d.kind == "hessian"))

    def open_(est):  # entries above their goal: relative (need_floor at least), or zero_floor
        goal = np.where(zeros(est), zero_floor, np.maximum(rtol * np.abs(est.D), need_floor))
        return (est.E > goal) & ~skip & np.isfinite(est.E)

    for _ in range(6):
        need = open_(est) & allowed
        if d.kind == "hessian":
            need = need | need.T
        if not need.any():
            break
        # per input, from its worst entry: minimize T s^p + R s^-k over the step factor s; T
        # without the rounding noise that |D(h) - D(2h)| also carries
        E, R = est.E, est.R
        with np.errstate(over="ignore"):
            worst = np.where(need, E / np.maximum(np.abs(est.D), _TINY), -1.0).argmax(axis=0)
        cols, every = np.flatnonzero(need.any(axis=0)), np.arange(E.shape[1])
        T, Rw, base = np.maximum(E - 3 * R, 0.0)[worst, every], R[worst, every], hh[worst, every]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            s = (k * Rw / (p * T)) ** (1.0 / (p + k))
            # no truncation seen (T = 0: the bound R is pessimistic): grow by 16 and look again
            s = np.log2(np.nan_to_num(s, nan=1.0, posinf=16.0))  # 0 -> -inf -> clipped
        s = 2.0 ** np.clip(np.round(s), -12, 12)
        h2 = first.h.copy()
        h2[cols] = np.maximum(base[cols] * s[cols], _TINY)
        h2 = np.where((d.x + h2) - d.x > 0, (d.x + h2) - d.x, first.h)  # exactly representable
        if np.array_equal(h2[cols], base[cols]):
            break
        before = np.sum(est.E[need])
        est, better, _, _ = _retry(d, est, d.scale, h2, again, consistent=True)
        hh = np.where(better, h2[None, :], hh)
        changed |= better
        if not better.any() or np.sum(est.E[need]) > before / 2:  # no progress worth a round
            break
    target = np.where(zeros(est), zero_floor, np.maximum(rtol * np.abs(est.D), floor))
    bad = np.argwhere((est.E > target) & ~skip)
    if bad.size:
        i, j = bad[0]
        name = "H" if d.kind == "hessian" else "J"
        more = f" ({len(bad) - 1} more entries too)" if len(bad) > 1 else ""
        _warn(
            f"{name}[{i}, {d.index(j)}] = {est.D[i, j]:.10g} is accurate only to about "
            f"{est.E[i, j]:.1e} (estimated), not {rtol:g} of itself: no step from {est.h[j]:.3g} "
            "tried resolves it (f curves too much at that scale, or its values are too noisy)"
            f"{more}. Check f, use method='complex' if f is complex-analytic, or the exact "
            "derivative (gl.symbolic).",
            AccuracyWarning,
        )
    return est, int(changed.sum())


def _at(d, j, dist):
    return f"x[{d.index(j)}] {'-' if dist < 0 else '+'} {abs(dist):.3g}"


def _one_sided(d, h, method, j, col, estimate):
    """Column j from the one-sided stencil on whichever side of x_j f is finite."""
    offsets, weights = _ONE_SIDED[method]
    for side in (1, -1):
        o_s, w_s = tuple(side * o for o in offsets), tuple(side * w for w in weights)
        missing = {o for o in o_s + tuple(2 * o for o in o_s if estimate) if o not in col}
        if missing:
            col.update(d.calls.at_offsets(d.x, h, sorted(missing), [j]))
        bad = [
            (o, i) for o in sorted(col, key=abs) for i in np.flatnonzero(~np.isfinite(col[o][:, 0]))
        ]
        if not [o for o, _ in bad if o * side > 0]:
            _warn(
                f"f is not finite at {_at(d, j, bad[0][0] * h[j])} (output {bad[0][1]}), so "
                f"input {d.index(j)} uses a one-sided difference (less accurate). Keep x away "
                "from the edge of f's domain.",
                OneSidedWarning,
            )
            stencil = replace(STENCILS[method], offsets=o_s, weights=w_s)
            return _combine(col, stencil, h[j : j + 1], d.eps, estimate)
    o, i = bad[0]
    raise NonFiniteError(
        f"f is not finite on either side of x along input {d.index(j)}: output "
        f"{i} is {col[o][i, 0]} at {_at(d, j, o * h[j])}, and on the other side "
        "too, so no difference is possible. Move x away from the singularity or "
        "the edge of f's domain."
    )


def _analytic_reason(d, J, h, rtol=_CHECK_RTOL):
    """Why complex-step J (imaginary steps h) cannot be trusted, or None: J @ w must match a real
    central difference along w, to rtol of |J| @ |w| plus the difference's rounding.

    A non-analytic part (abs, float()) drops out of the complex step: for 1e6 x0 + |x1| the entry
    J[0, 1] is 0, not 1. Along a direction w it shows as a gap of |x1| next to J @ w = 1e6 x0, so
    the columns of w are weighted to make each column's |J_ij w_j| alike (down to 1e-3 of its
    own; further, the rounding of f's values would drown the check): every entry is then checked
    at about rtol n relative to its own size (within 1e-3 of the others), a zero column at rtol n
    relative to the smallest nonzero one. Where a step is not small next to |x_j| (held
    at 2.2e-308 for |x_j| < 1e-290) both sides carry a truncation error of about (step / x_j)^2:
    rtol grows with it, up to 1e-5.
    """
    calls, x, f0 = d.calls, d.x, d.f0
    rng = np.random.default_rng(0)  # a fixed random direction keeps results reproducible
    t = EPS ** (1 / 3)  # w relative to x, but t w a normal number (at subnormal x it rounds to 0)
    w = rng.uniform(0.5, 1.5, x.size) * rng.choice([-1, 1], x.size) * np.maximum(d.scale, _TINY / t)
    size = np.abs(J).max(axis=0) * np.abs(w)  # each column's part of J @ w
    if np.any(size > 0):
        alike = np.clip(size[size > 0].min() / np.where(size > 0, size, 1.0), 1e-3, 1.0)
        w = w * np.where(size > 0, alike, 1.0)

    def gap(t):  # |J w - real central difference at t|, its rounding, and the difference
        p, m = x + t * w, x - t * w  # the direction actually taken is (p - m) / 2t: x + t w rounds
        fp, fm = calls.one(p), calls.one(m)
        if not (np.isfinite(fp).all() and np.isfinite(fm).all()):
            return None, None, None
        d_fd = (fp - fm) / (2 * t)
        # f rounds its values (eps |f|) and its inputs: x0 + x1 in sin((x0 + x1)^2) is off by eps
        # |x|, which moves f by that times its slope near x, about |f(x +- t w) - f(x)| / t |w|
        moved = (np.abs(fp - f0) + np.abs(fm - f0)) / (t * np.abs(w).max())
        return (
            np.abs(J @ ((p - m) / (2 * t)) - d_fd),
            8 * EPS * (np.abs(fp) + np.abs(fm) + np.abs(f0) + np.abs(x).max() * moved) / t,
            d_fd,
        )

    g, rounding, d_fd = gap(t)
    if g is None:
        return "f is not finite near x, so the analyticity check is impossible"
    relative = np.maximum(h, t * np.abs(w)) / d.scale
    tol = np.abs(J) @ (np.abs(w) * np.maximum(rtol, np.minimum(1e-5, 4 * relative**2)))
    bad = np.flatnonzero(g > tol + rounding)
    for t2 in (t / 4, 4 * t) if bad.size else ():
        # The real difference's own truncation t^2 f'''(x) / 6 shrinks 16x at t/4 (at a double or
        # triple root J w is 0: truncation is all there is); rounding inside f (a sum that cancels)
        # shrinks 4x at 4t; the gap of a non-analytic f does neither
        g2, rounding2, _ = gap(t2)
        if g2 is None:
            return "f is not finite near x, so the analyticity check is impossible"
        bad = bad[g2[bad] > np.maximum(tol[bad] + rounding2[bad], g[bad] / 2.5)]
    for i in bad:
        return (
            f"for output {i}, complex step gives {(J @ w)[i]:.10g} along a random direction "
            f"but a real difference gives {d_fd[i]:.10g}, {g[i]:.2g} apart: f is not "
            "complex-analytic (abs, conj, np.real, x.imag or float())"
        )
    return None


def _complex_step(d, h):
    """(J, None, None) from Im f(x + i h e_j) / h = f'(x) + O(h^2), exact to rounding; or
    (None, reason, cause)."""
    try:
        F = d.calls.at_offsets(d.x, 1j * h, [1], range(d.x.size))[1]
    except FunctionError as err:
        cause = err.__cause__
        return None, f"f raised {type(cause).__name__} on complex input ({cause})", err
    if F.dtype.kind != "c":
        return (
            None,
            (
                "f returned real values for complex input (abs, np.real, float() drop the "
                "imaginary part)"
            ),
            None,
        )
    if not np.isfinite(F).all():
        return None, "f is not finite at x + i h e_j", None
    # analytic f: Re f(x + ih) - f(x) = -h^2 f''/2, tiny next to f, to Im f(x + ih) = h f' (log
    # at 1: f = 0) and to h itself (sin((x0 + x1)^2) at x0 + x1 = 0: f, f' = 0, f'' = 2)
    size = np.abs(d.f0).max() + np.abs(F.imag).max() + h
    if np.any(np.abs(F.real - d.f0[:, None]) > 1e-8 * size):
        why = "f uses the imaginary part as data (x.imag, conj)"
        if (_CS_STEP * d.scale < _TINY).any():
            why += f", or x is too close to 0 for a complex step h >= {_TINY:.3g}"
        return None, f"Re f(x + ih) differs from f(x): {why}", None
    J = F.imag / h
    reason = _analytic_reason(d, J, h)
    return (J, None, None) if reason is None else (None, reason, None)


def _complex_error(d, J, h):
    """Error estimate of complex-step J: a few ulps of each entry, plus the truncation h^2 f'''/6.

    With the default h = 1e-50 |x_j| the truncation is negligible. Where h is larger (held at _TINY
    for |x_j| < 1e-290, or a step passed in) it is measured: J(h) - J(2h) = -3 h^2 f'''/6 to
    leading order.
    """
    E = _CS_ULPS * EPS * np.abs(J)
    cols = np.flatnonzero(h > _CS_STEP * d.scale)
    if cols.size:
        J2 = d.calls.at_offsets(d.x, 2j * h, [1], cols)[1].imag / (2 * h[cols])
        E[:, cols] += np.nan_to_num(_SAFETY * np.abs(J[:, cols] - J2) / 3, nan=np.inf)
    return E


def _setup(f, x, kind, method, allowed=METHODS):
    if method not in allowed:
        raise GradlibError(f"method={method!r} is not one of {', '.join(map(repr, allowed))}.")
    if not callable(f):
        raise GradlibError(
            f"f must be a function of x; got {_type_and_shape(f)}. Pass e.g. lambda x: np.sin(x)."
        )
    return _point(x, kind)


def _base(calls, x, kind):
    """f(x), shape (m,), checked for the kind of derivative asked for, and the precision of its
    values."""
    f0 = calls.f0 = calls.one(x)
    if kind in ("gradient", "hessian", "hvp") and f0.size != 1:
        got = f0.shape if calls.shape is None else f"{calls.out_shape} at x of shape {calls.shape}"
        raise ShapeError(
            f"{kind} needs a scalar-valued f; f returned shape {got}. Use "
            "gl.jacobian for a vector-valued f."
        )
    if not np.isfinite(f0).all():
        i = np.flatnonzero(~np.isfinite(f0))[0]
        raise NonFiniteError(
            f"f(x) itself is not finite: output {i} is {f0[i]} at {calls.at(x)}. "
            "Pick a point inside f's domain."
        )
    eps = max(EPS, np.finfo(f0.dtype).eps)
    if eps > EPS:
        _warn(
            f"f returns {f0.dtype} values (eps {eps:.1e}); steps are chosen for that precision, "
            f"expect about {-np.log10(eps) / 2:.0f} correct digits. Compute f in float64 for "
            "full accuracy.",
            PrecisionWarning,
        )
    return f0, eps


def _scale(x):
    return np.where(x != 0, np.abs(x), 1.0)


def _start(f, x, kind, opts, allowed=METHODS, scale=None):
    """The _Diff of f at x: the point checked and flattened (row by row, if x is an array), f(x)
    evaluated (scale: default |x_j|, 1 at 0)."""
    x = _setup(f, x, kind, opts.method, allowed)
    calls = _Calls(f, opts.vectorized, x.shape if x.ndim > 1 else None)
    x = x.ravel()
    f0, eps = _base(calls, x, kind)
    return _Diff(calls, x, f0, eps, _scale(x) if scale is None else scale, kind)


def _jacobian(f, x, kind, opts, scale=None):
    """The engine behind jacobian, gradient, derivative and jvp."""
    d = _start(f, x, kind, opts, scale=scale)
    method, step, full_output = opts.method, opts.step, opts.full_output
    used, note, J = method, "", None
    if method in ("auto", "complex"):
        h = _steps(d.x, d.scale, None, d.eps, step)
        J, reason, cause = _complex_step(d, h)
        E = _complex_error(d, J, h) if J is not None and full_output else None
        if reason is None:
            used = "auto->complex" if method == "auto" else "complex"
        elif method == "complex":
            err = NotAnalyticError(
                f"method='complex' cannot differentiate this f: {reason}. Use "
                "method='central' or method='auto' (which then uses a real "
                "stencil)."
            )
            err.reason = reason  # for hvp's auto, which then falls back
            raise err from cause
        else:
            used, note = "auto->richardson", f"complex step rejected: {reason}"
    if J is None:
        stencil = "richardson" if method == "auto" else method
        order = STENCILS[stencil].order
        h = _steps(d.x, d.scale, order, d.eps, step)
        J, E, R, kink = _stencil(d, h, stencil, full_output or method == "auto")
        D = J.copy()
        lost = np.zeros(J.shape, bool)
        if step is None:
            lost = _lost(np.abs(J) * d.scale, d.f0, d.scale)
        tiny = lost.any(axis=0)
        if tiny.any():

            def again(s2, h2):  # the lost columns at the larger steps; across a kink: never take it
                cols, out = np.flatnonzero(tiny), np.full((3,) + J.shape, np.nan)
                D2, E2, R2, kink2 = _stencil(d, h2, stencil, True, cols, one_sided=False)
                out[:, :, cols] = D2, np.where(kink2[0], np.nan, E2), R2
                return out

            est, retried, zeros = _retry_tiny(d, _Estimate(J, E, R, h, order), lost, tiny, again)
            J, E = est.D, (None if E is None else est.E)
            note = "; ".join(filter(None, [note, retried]))
            _warn_noise(d, zeros, h)
        if step is None:
            est = _Estimate(J, E, R, h, order)
            J, E, refined = _refine_stencil(d, stencil, est, kink, lost, method == "auto")
            note = "; ".join(filter(None, [note, refined]))
        _warn_kink(d, kink, J == D, h, J)
    if d.calls.shape is not None:  # x is an array: (m, *x.shape), the outputs first
        J, h = J.reshape(J.shape[:1] + d.calls.shape), h.reshape(d.calls.shape)
        E = None if E is None else E.reshape(J.shape)
    return (J, DiffInfo(E, d.calls.nfev, used, h, note)) if full_output else J


def _refine_stencil(d, stencil, est, kink, lost, auto):
    """_refine for a stencil's J: J, E (None if est.E was) and info.note's part.

    auto (richardson after complex step was rejected) always has its estimate and refines every
    column that needs it. The explicit methods refine only the columns whose one-sided slopes
    differ by more than 1e-3 (central), 5e-2 (richardson) of the derivative: h |f''| is then not
    small next to |f'| (sin at 1e4 with a step of 0.06). That costs nothing without full_output
    (f at x +- h is there); the estimate is then computed for those columns only. So an explicit
    method gives the same J with and without full_output; forward, without f(x - h), is never
    refined, and warns only with full_output.
    """
    mask, D_plus, D_minus = kink
    skip = mask | lost
    allowed = np.ones(est.D.shape[1], bool)
    if not auto:
        allowed[:] = False
        if D_plus is not None:
            rho = np.abs(D_plus - D_minus) / np.maximum(np.abs(est.D), _TINY)
            allowed = ((rho > {"central": 1e-3, "richardson": 5e-2}[stencil]) & ~skip).any(axis=0)
    E = est.E
    if E is None:
        cols = np.flatnonzero(allowed)
        if not cols.size:
            return est.D, None, ""
        E = est.R.copy()  # columns without a suspicion keep their rounding bound: not refined
        E[:, cols] = _stencil(d, est.h, stencil, True, cols)[1]
    order = STENCILS[stencil].order

    def again(s2, h2):  # the columns whose step changed; across a kink: never take it
        cols, out = np.flatnonzero(h2 != est.h), np.full((3,) + est.D.shape, np.nan)
        D2, E2, R2, kink2 = _stencil(d, h2, stencil, True, cols, one_sided=False)
        out[:, :, cols] = D2, np.where(kink2[0], np.nan, E2), R2
        return out

    first = _Estimate(est.D, E, est.R, est.h, order)
    # 100 times what a difference of f resolves at unit scale, eps^(p/(p+1)) |f_i| / max(|x_j|, 1)
    floor = 100 * d.eps ** (order / (order + 1)) * np.abs(d.f0)[:, None] / np.maximum(d.scale, 1.0)
    out, n = _refine(d, first, again, order, 1, skip, _TARGET[stencil], floor, allowed=allowed)
    steps = ", ".join(f"x[{d.index(j)}]: {out.h[j]:.3g}" for j in np.flatnonzero(out.h != est.h))
    note = f"refined: {n} entries from the steps {steps}" if n else ""
    return out.D, (out.E if est.E is not None else None), note


def jacobian(f, x, *, method="auto", step=None, vectorized=False, full_output=False):
    """Jacobian of f at x by finite differences, in numerator layout: shape (outputs, inputs).

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar (m = 1) or shape (m,) (a flat list of
        numbers works). Where x is an array of shape (p, q, ...) (a weight matrix W), f gets an
        array of that shape and returns a scalar, a vector or an array: its m entries, row by row,
        are the outputs.
    x : array_like, shape (n,), or any shape (p, q, ...)
        The point; integers are computed in float64, float32 warns (PrecisionWarning).
    method : {"auto", "forward", "central", "richardson", "complex"}
        ``"forward"`` (n + 1 evaluations, ~1e-8 relative error), ``"central"`` (2n, ~1e-10),
        ``"richardson"`` (4th-order 5-point stencil, 4n, ~1e-12), ``"complex"`` (complex step
        Im f(x + ih e_j) / h: n plus a 3-evaluation check, exact to rounding, for
        complex-analytic f only), ``"auto"``: complex step when f passes the check, else
        richardson with its error estimate (8n + 1), refined to 1e-8 of each entry or an
        AccuracyWarning (module docstring, "Accuracy").
    step : float or array_like of shape (n,), optional
        Absolute step per input (the imaginary step for complex step), used as given. Default:
        relative to ``|x_j|`` (1 where ``x_j == 0``), a power of two, never below 2.2e-308; where
        x_j is tiny and f does not scale with it (``exp`` at 1e-60) the real stencils also try
        ``c * max(|x_j|, 1)`` per entry (module docstring).
    vectorized : bool
        If True, f is called with all points at once, as the columns of an array of shape (n, N),
        and must return shape (m, N) (or (N,) when m = 1). One column is checked against a single
        call. For x of shape (p, q), the points lie along the last axis: f gets shape (p, q, N)
        and returns its output's shape with N appended.
    full_output : bool
        If True, also return a :class:`DiffInfo` with the error estimate, J's shape.

    Returns
    -------
    J : ndarray, shape (m, n), or (m, *x.shape) for an array x
        Row i is the gradient of f_i; column j is how every output moves with input j. For x of
        shape (p, q), ``J[i]`` has x's shape: how f_i moves with each entry of x; ``J.reshape(m,
        -1)`` is the 2-D Jacobian with respect to x flattened row by row (vec).
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    ShapeError, NonFiniteError, NotAnalyticError, VectorizationError, FunctionError

    Warns
    -----
    NotDifferentiableWarning
        Where the one-sided slopes disagree at the steps h and 2h alike (a kink or a jump of f at
        x); the entry's ``info.error`` is then at least half their gap. Needs f at x +- 2h:
        richardson, auto's fallback, and central with ``full_output=True``. OneSidedWarning,
        PrecisionWarning, AccuracyWarning: see the module docstring.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.jacobian(lambda v: [v[0] * v[1], v[1]], [2.0, 3.0]).round(6)
    array([[3., 2.],
           [0., 1.]])
    >>> J, info = gl.jacobian(np.sin, [0.0, 1.0], full_output=True)
    >>> J.shape, info.method, info.nfev
    ((2, 2), 'auto->complex', 5)

    With respect to a matrix W (2 x 3), f = W @ v has 2 outputs; J[i, k, l] = d(Wv)_i / dW_kl is
    v_l where k = i, and 0 elsewhere:

    >>> v = np.array([1.0, 2.0, 3.0])
    >>> J = gl.jacobian(lambda W: W @ v, np.zeros((2, 3)))
    >>> J.shape
    (2, 2, 3)
    >>> J[1].round(8)
    array([[0., 0., 0.],
           [1., 2., 3.]])
    >>> J.reshape(2, -1).shape        # the 2-D Jacobian with respect to vec(W)
    (2, 6)

    At a tiny x_j where f does not scale with it, the stencils retry with a larger step (module
    docstring):

    >>> J, info = gl.jacobian(lambda v: np.exp(v[0]), [1e-60], method="central", full_output=True)
    >>> J.round(8), info.note
    (array([[1.]]), 'tiny x: 1 of 1 entries along x[0] = 1e-60 use the step 7.63e-06')
    """
    return _jacobian(f, x, "jacobian", _Options(method, step, vectorized, full_output))


def gradient(f, x, **kw):
    """Gradient of a scalar-valued f at x as a row, shape (1, n); keywords as in :func:`jacobian`.

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) (or x's own shape) returns a scalar (or shape (1,)).
    x : array_like, shape (n,), or any shape (p, q, ...)

    Returns
    -------
    g : ndarray, shape (1, n), or (1, *x.shape) for an array x
        The partial derivatives of f, in a row (numerator layout); ``g @ dx`` is the change in f.
        For a matrix W, ``g[0]`` is "the gradient shaped like W" (PyTorch's ``W.grad``).

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.gradient(lambda v: v[0] ** 2 * v[1], [1.0, 3.0]).round(8)
    array([[6., 1.]])

    A loss of a weight matrix: L(W) = sum(W @ x) has dL/dW_kl = x_l in every row k.

    >>> x = np.array([1.0, -1.0, 2.0])
    >>> g = gl.gradient(lambda W: np.sum(W @ x), np.ones((2, 3)))
    >>> g.shape, g[0].round(8)
    ((1, 2, 3), array([[ 1., -1.,  2.],
           [ 1., -1.,  2.]]))
    """
    return _jacobian(f, x, "gradient", _kw(kw))


def derivative(f, t, **kw):
    """Derivative of a curve f: R -> R^m at the scalar t, as a column, shape (m, 1); keywords as in
    :func:`jacobian`.

    Parameters
    ----------
    f : callable
        ``f(t)`` with a scalar t returns a scalar or shape (m,). With ``vectorized=True`` it gets t
        of shape (N,) and returns shape (m, N).
    t : float or array_like of shape (1,)

    Returns
    -------
    d : ndarray, shape (m, 1)
        The velocity of the curve: ``d * dt`` is the change in f.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.derivative(lambda t: [t ** 2, 3 * t], 2.0).round(8)
    array([[4.],
           [3.]])
    """
    return _jacobian(lambda p: f(p[0]), t, "derivative", _kw(kw))


def _kw(kw):
    """The keywords of gradient, derivative, jvp and vjp as _Options."""
    extra = set(kw) - {"method", "step", "vectorized", "full_output"}
    if extra:
        raise GradlibError(
            f"unexpected keyword(s) {sorted(extra)}; use method, step, vectorized, full_output."
        )
    return _Options(**kw)


def jvp(f, x, v, **kw):
    """Jacobian-vector product J(x) @ v, shape (m, 1), from one directional derivative (no full J).

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar or shape (m,).
    x : array_like, shape (n,)
    v : array_like, shape (n,) or (n, 1)
        The direction (a column, like dx).

    Returns
    -------
    Jv : ndarray, shape (m, 1)
        How the outputs move along v; costs a few evaluations of f, not n.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.jvp(lambda x: [x[0] * x[1], x[1] ** 2], [2.0, 3.0], [1.0, 0.0]).round(8)
    array([[3.],
           [0.]])
    """
    x = _setup(f, x, "jvp", kw.get("method", "auto"))
    v, t_scale = _direction(x, v)

    def g(t):  # t: shape (1,), or (1, N) when vectorized
        return f((x if t.ndim == 1 else x[:, None]) + np.multiply.outer(v, t[0]))

    return _jacobian(g, [0.0], "jvp", _kw(kw), scale=np.array([t_scale]))


def _direction(x, v):
    """The direction v, shape (n,), and the scale of t that makes t v move x relative to its
    size."""
    v = _weights(v, "v")
    if v.shape not in ((x.size,), (x.size, 1)):
        raise ShapeError(
            f"v has shape {v.shape}; expected shape ({x.size},) or ({x.size}, 1), one "
            "entry per input."
        )
    v = v.ravel()
    return v, (np.abs(x).max() / np.abs(v).max() if x.any() and v.any() else 1.0)


def vjp(f, x, u, **kw):
    """Vector-Jacobian product u^T @ J(x), shape (1, n): the backward pass of backprop.

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar or shape (m,).
    x : array_like, shape (n,), or any shape (p, q, ...) as in :func:`jacobian`
    u : array_like, shape (m,), (m, 1) or (1, m)
        The weights of the outputs (the upstream gradient).

    Returns
    -------
    uJ : ndarray, shape (1, n), or (1, *x.shape)
        A gradient row: that of ``u . f``. Computed as ``u^T @ J`` from the full Jacobian.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.vjp(lambda x: [x[0] * x[1], x[1] ** 2], [2.0, 3.0], [1.0, 1.0]).round(8)
    array([[3., 8.]])
    """
    out = jacobian(f, x, **kw)
    J = out[0] if kw.get("full_output") else out
    u = _weights(u, "u")
    m = J.shape[0]
    if u.size != m or u.ndim > 2 or (u.ndim == 2 and 1 not in u.shape):
        raise ShapeError(
            f"u has shape {u.shape}; f has {m} outputs, so expected shape ({m},), "
            f"({m}, 1) or (1, {m})."
        )
    uJ = (u.reshape(1, -1) @ J.reshape(m, -1)).reshape((1,) + J.shape[1:])  # x's shape, if any
    return (uJ, out[1]) if kw.get("full_output") else uJ


def _weights(v, name):
    """A direction v (jvp) or output weights u (vjp) as finite floats: a nan there would spread to
    every entry."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError) as err:
        raise GradlibError(
            f"{name} has entries that are not numbers ({v!r:.60}); pass numbers, "
            "e.g. np.array([1.0, 0.0])."
        ) from err
    if not np.isfinite(a).all():
        raise NonFiniteError(f"{name} is not finite: {_show(a)}; pass finite numbers.")
    return a


def _hessian_central(d, h, strict=True, diagonal=False):
    """H, shape (n, n), from f(x), f(x +- h_i e_i) and f(x +- h_i e_i +- h_j e_j): 2n^2 + 1
    evaluations, in batches (memory O(n^2): the values of f, not the n^2 points of length n).

    Taylor: (f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h^2 = f_ii + h^2 f_iiii / 12 + ..., and
    (f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j) = f_ij + (h_i^2 f_iiij + h_j^2 f_ijjj) / 6 + ...:
    the odd terms cancel in both. Returns H (with ``diagonal``: its diagonal only, 2n evaluations,
    nan elsewhere), its rounding error bound and the gradient (f(x + h e_i) - f(x - h e_i)) / 2h.
    """
    n, f0 = d.x.size, d.f0[0]
    i, j = np.triu_indices(n, 1) if not diagonal else (np.zeros(0, int), np.zeros(0, int))
    diag, pm = np.repeat(np.arange(n), 2), np.tile([1.0, -1.0], n)
    a, b = np.tile([1.0, 1.0, -1.0, -1.0], i.size), np.tile([1.0, -1.0, 1.0, -1.0], i.size)
    I = np.concatenate([diag, np.repeat(i, 4)])  # noqa: E741
    J = np.concatenate([diag, np.repeat(j, 4)])
    dI = np.concatenate([pm * h[diag], a * h[I[2 * n :]]])
    dJ = np.concatenate([np.zeros(2 * n), b * h[J[2 * n :]]])
    F = d.calls.at_moves(d.x, I, dI, J, dJ)[0]
    _hessian_finite(F, n, I, dI, J, dJ, strict)
    H, R = np.full((n, n), np.nan), np.full((n, n), np.nan)
    fp, fm = F[0 : 2 * n : 2], F[1 : 2 * n : 2]
    pp, pm_, mp, mm = (F[2 * n + k :: 4] for k in range(4))
    with np.errstate(over="ignore", invalid="ignore"):  # R = inf at a tiny step: the retry fixes it
        H[range(n), range(n)] = (fp - 2 * f0 + fm) / h**2
        R[range(n), range(n)] = (np.abs(fp) + 2 * np.abs(f0) + np.abs(fm)) / h**2
        H[i, j] = H[j, i] = (pp - pm_ - mp + mm) / (4 * h[i] * h[j])
        R[i, j] = R[j, i] = (abs(pp) + abs(pm_) + abs(mp) + abs(mm)) / (4 * h[i] * h[j])
        return H, _ROUNDING * d.eps * R, (fp - fm) / (2 * h)


def _hessian_finite(F, n, I, dI, J, dJ, strict=True):  # noqa: E741
    """NonFiniteError where f is not finite (unless not strict: the tiny-x retry drops those)."""
    if strict and not np.isfinite(F).all():
        k = np.flatnonzero(~np.isfinite(F))[0]
        D = np.real(dI[k]) * np.eye(n)[I[k]]
        D = D + np.real(dJ[k]) * np.eye(n)[J[k]] if dJ[k] else D
        raise NonFiniteError(
            f"f is {F[k]} at x + {_show(D)} (inputs {np.flatnonzero(D)}): the "
            "Hessian needs f finite around x. Move x away from the edge of f's "
            "domain."
        )


def _hessian_complex(d, scale, h, check=True, strict=True, diagonal=False):
    """H from complex step on a central difference, exact symmetric by filling both triangles from
    j <= k.

    Im f(x + i h e_j + d e_k) / h = f_j(x + d e_k) + O(h^2), so
    Im (f(x + i h e_j + d e_k) - f(x + i h e_j - d e_k)) / (2 h d) = f_jk + d^2 f_jkkk / 6 + ...:
    no subtraction of nearly equal values of f, only of derivatives. 2 evaluations per pair j <= k,
    in batches (memory O(n^2)). Returns (H, rounding bound, gradient) or (None, reason, cause);
    with ``diagonal`` only H's diagonal (2n evaluations, nan elsewhere).
    """
    n, ih = d.x.size, _steps(d.x, scale, None, EPS, None)
    H, R = np.full((n, n), np.nan), np.full((n, n), np.nan)
    upper = np.triu_indices(n, 1) if not diagonal else (np.zeros(0, int),) * 2
    for j, k in ((np.arange(n), np.arange(n)), upper):  # diagonal first: the gradient for the check
        if not j.size:
            continue
        jj, kk = np.repeat(j, 2), np.repeat(k, 2)
        dK = np.tile([1.0, -1.0], j.size) * h[kk]
        try:
            F = d.calls.at_moves(d.x, jj, 1j * ih[jj], kk, dK)[0]
        except FunctionError as err:
            return (
                None,
                f"f raised {type(err.__cause__).__name__} on complex input ({err.__cause__})",
                err,
            )
        if F.dtype.kind != "c":
            return None, "f returned real values for complex input (abs, np.real, float())", None
        _hessian_finite(F, n, jj, 1j * ih[jj], kk, dK, strict)
        with np.errstate(over="ignore", invalid="ignore"):  # inf at a tiny step: the retry fixes it
            gp, gm = F[0::2].imag / ih[j], F[1::2].imag / ih[j]  # f_j(x +- d e_k)
            H[j, k] = H[k, j] = (gp - gm) / (2 * h[k])
            R[j, k] = R[k, j] = (abs(gp) + abs(gm)) / (2 * h[k])
        if k is not upper[1]:
            grad = (gp + gm) / 2  # f_j(x) + O(d^2)
            reason = check and _analytic_reason(d, grad[None, :], ih, _CHECK_RTOL_HESSIAN)
            if reason:
                return None, reason, None
    return H, _ROUNDING * d.eps * R, grad


def hessian(f, x, *, method="auto", step=None, vectorized=False, full_output=False):
    """Hessian of a scalar-valued f at x, shape (n, n), exactly symmetric (``H == H.T`` bitwise).

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar.
    x : array_like, shape (n,)
    method : {"auto", "central", "complex"}
        ``"central"``: second differences, 2n^2 + 2n + 1 evaluations (2n check the steps), about
        1e-8 relative error, at most 1e-7 or an AccuracyWarning. ``"complex"``: complex step on a
        central difference, n^2 + 3n + 3 evaluations (the analyticity check included), about
        1e-10, at most 1e-8 or a warning; complex-analytic f only. ``"auto"``: complex when f
        passes the check (for n = 1 too), else central. Where the check of the steps fails, H is
        estimated at 2h (n^2 more) and refined (module docstring, "Accuracy").
    step : float or array_like of shape (n,), optional
        Absolute real step per input. ``vectorized`` and ``full_output`` as in :func:`jacobian`.

    Notes
    -----
    Cost: O(n^2) evaluations of f (above), so O(n^3) time for an f that costs O(n); memory O(n^2)
    (H and the values of f; the points go to f in batches of at most 32 MB). n = 300 by central
    differences: 180,601 evaluations, a few seconds for a cheap f (bench/README.md). For H v
    alone use :func:`hvp` (2 gradients).

    Returns
    -------
    H : ndarray, shape (n, n)
        ``H[i, j]`` is d^2 f / dx_i dx_j; the Jacobian of the gradient.
    info : DiffInfo
        Only with ``full_output=True`` (the estimate evaluates the scheme again at twice the step:
        n^2 more evaluations).

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.hessian(lambda v: v[0] ** 2 * v[1], [1.0, 3.0]).round(6)
    array([[6., 2.],
           [2., 0.]])
    """
    opts = _Options(method, step, vectorized, full_output)
    d = _start(f, x, "hessian", opts, allowed=("auto", "central", "complex"))
    used, note, run = method, "", None
    if method in ("complex", "auto"):
        h = _steps(d.x, d.scale, 2, d.eps, step)
        H, R, g = _hessian_complex(d, d.scale, h)  # H None: R the reason, g the cause
        if H is not None:
            used = "auto->complex" if method == "auto" else "complex"
            order = 2

            def run(s, h, strict=True, diagonal=False):
                H, R, cause = _hessian_complex(d, s, h, False, strict, diagonal)
                if H is None:  # f failed at these steps though it passed the check
                    raise FunctionError(f"complex step at the steps {_show(h)}: {R}") from cause
                return H, R
        elif method == "complex":
            raise NotAnalyticError(
                f"method='complex' cannot differentiate this f: {R}. Use "
                "method='central' or method='auto'."
            ) from g
        else:
            note = f"complex step rejected: {R}"
    if run is None:
        used = "auto->central" if method == "auto" else used
        order = 3

        def run(s, h, strict=True, diagonal=False):
            return _hessian_central(d, h, strict, diagonal)[:2]

        h = _steps(d.x, d.scale, order, d.eps, step, floor=2.0**-511)  # h_i h_j stays normal
        H, R, g = _hessian_central(d, h)

    def error(s, h, H, R, strict=True):  # H(h) - H(2h) = -3 (error of H(h)) to leading order
        return _SAFETY * np.abs(H - run(s, 2 * h, strict)[0]) / 3 + R

    def again(s2, h2):
        H2, R2 = run(s2, h2, strict=False)
        return H2, error(s2, h2, H2, R2, strict=False), R2

    # what each entry must reach: rtol of itself, or 10 times what a difference of the gradient
    # resolves at unit scale, eps^(2/3) |g| / s (a 0), and 100 times what second differences of f
    # do, eps^(1/2) |f| / s_i s_j (not a 0)
    s = np.maximum(d.scale, 1.0)
    g = np.abs(g)
    zero_floor = 10 * d.eps ** (2 / 3) * np.maximum(g[:, None] / s, g[None, :] / s[:, None])
    floor = np.maximum(zero_floor, 100 * d.eps**0.5 * abs(d.f0[0]) / np.outer(s, s))
    rtol = _TARGET["H central" if order == 3 else "H complex"]
    # and rtol of H's largest entry (its norm); the trigger below: complex step works from
    # gradients, f's own size does not limit it
    floor = np.maximum(floor, rtol * np.abs(H).max())
    goal = np.where(
        H == 0,
        zero_floor,
        np.maximum(rtol * np.abs(H), floor if order == 3 else rtol * np.abs(H).max()),
    )
    lost = _lost(np.abs(H) * np.outer(d.scale, d.scale), d.f0, d.scale)
    tiny, lost = lost.any(axis=0), lost | lost.T  # H_jk is lost along x_j or along x_k
    # The estimate is the scheme again at 2h (n^2 more evaluations): always with full_output or a
    # tiny x, else only where the diagonal at 2h (2n evaluations) or the rounding bound of an
    # entry not 0 shows it above its goal (off the diagonal, truncation is of the diagonal's order)
    # (the same decision with and without full_output, so both give the same H)
    E = error(d.scale, h, H, R) if full_output or (step is None and tiny.any()) else None
    refine = False
    if step is None:
        if E is None:
            diag = np.diag(run(d.scale, 2 * h, diagonal=True)[0])
            E_diag = _SAFETY * np.abs(np.diag(H) - diag) / 3 + np.diag(R)
        else:
            E_diag = np.diag(E)
        refine = bool((E_diag > np.diag(goal)).any() or ((R > goal) & (H != 0)).any())
        E = error(d.scale, h, H, R) if refine and E is None else E  # symmetric: H stays so
    if step is None and tiny.any():
        est, retried, _ = _retry_tiny(d, _Estimate(H, E, R, h, order), lost, tiny, again)
        H, E, R = est.D, est.E, est.R
        note = "; ".join(filter(None, [note, retried]))
    if refine:
        first = _Estimate(H, E, R, h, order)
        est, n = _refine(
            d,
            first,
            again,
            2,
            2 if order == 3 else 1,
            lost,
            rtol,
            floor,
            zero_floor,
            need_floor=rtol * np.abs(H).max(),
        )
        if n:
            steps = ", ".join(f"x[{j}]: {est.h[j]:.3g}" for j in np.flatnonzero(est.h != h))
            note = "; ".join(filter(None, [note, f"refined: {n} entries from the steps {steps}"]))
        H, E = est.D, est.E
    return (H, DiffInfo(E, d.calls.nfev, used, h, note)) if full_output else H


def hvp(f, x, v, *, method="auto", step=None, vectorized=False, full_output=False):
    """Hessian-vector product H(x) v, shape (n, 1), without forming H: about 2 gradients.

    In numerator layout H is the Jacobian of the gradient's transpose, so H v is a Jacobian-vector
    product of x -> grad f(x)^T, the change of the gradient along v:
    ``H v = (grad f(x + t v) - grad f(x - t v))^T / 2t + O(t^2)``. Two gradients of n + 3
    evaluations each (complex step), not the n^2 of H: what Newton-CG and trust-region optimizers
    use.

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar.
    x : array_like, shape (n,)
    v : array_like, shape (n,) or (n, 1)
        The direction (a column, like dx).
    method : {"auto", "central", "complex"}
        How the two gradients are computed. ``"complex"``: by complex step (exact to rounding; f
        complex-analytic), with t = 2^-17 |x| / |v| (max norms), about 1e-10 relative error,
        2n + 7 evaluations (f(x), the two analyticity checks). ``"central"``: by central
        differences with the Hessian's steps (eps^(1/4) relative), 4n + 3 evaluations, about
        1e-8. ``"auto"``: complex if f passes the check, else central.
    step : float, optional
        The absolute step t along v (x +- t v), used as given.
    vectorized : bool
        As in :func:`jacobian`: the gradients' points go to f as the columns of one array.
    full_output : bool
        If True, also return a :class:`DiffInfo`: error, shape (n, 1), from the difference at t and
        2t (two more gradients) plus the gradients' own error over 2t; step, shape (1,), is t.

    Returns
    -------
    Hv : ndarray, shape (n, 1)
        ``H(x) @ v`` (H symmetric: also ``(v^T H)^T``).
    info : DiffInfo
        Only with ``full_output=True``.

    Examples
    --------
    >>> from gradlib.numeric import hvp           # also gl.hvp
    >>> f = lambda x: x[0] ** 2 * x[1] + np.exp(x[1])       # H = [[2 x1, 2 x0], [2 x0, e^x1]]
    >>> hvp(f, [1.0, 0.0], [1.0, 2.0]).round(8)
    array([[4.],
           [4.]])
    >>> Hv, info = hvp(f, [1.0, 0.0], [1.0, 2.0], full_output=True)
    >>> info.method, info.nfev        # f(x), 2 gradients of n + 3, 2 more at 2t for info.error
    ('auto->complex', 21)
    """
    opts = _Options(method, step, vectorized, full_output)
    d = _start(f, x, "hvp", opts, allowed=("auto", "central", "complex"))
    v, t_scale = _direction(d.x, v)
    nfev = [d.calls.nfev]

    def counted(p):  # every evaluation of the inner gradients; a batch counts its points
        nfev[0] += 1 if p.ndim == 1 else p.shape[-1]
        return f(p)

    note = ""
    for inner in ["complex", "central"] if method == "auto" else [method]:
        # central difference of exact gradients: t^2 against eps / t, t = eps^(1/3); of central
        # gradients with step h: t^2 + h^2 against eps / (t h), t = h = eps^(1/4) (the Hessian's)
        order, h = (
            (2, None)
            if inner == "complex"
            else (3, _steps(d.x, d.scale, 3, d.eps, None, floor=2.0**-511))
        )
        t = _steps(np.zeros(1), np.array([t_scale]), order, d.eps, step)
        inner_opts = _Options(inner, h, vectorized, full_output)
        try:
            Hv, rounding = _gradient_difference(counted, d.x, v, t[0], inner_opts)
            break
        except NotAnalyticError as err:
            if method == "complex":
                raise
            note = f"complex step rejected: {err.reason}"
    used = f"auto->{inner}" if method == "auto" else method
    if not full_output:
        return Hv
    # Hv(t) - Hv(2t) = -3 (error of Hv(t)) to leading order (second order)
    Hv2 = _gradient_difference(counted, d.x, v, 2 * t[0], inner_opts)[0]
    return Hv, DiffInfo(_SAFETY * np.abs(Hv - Hv2) / 3 + rounding, nfev[0], used, t, note)


def _gradient_difference(f, x, v, t, opts):
    """(grad f(x + t v) - grad f(x - t v))^T / 2t, shape (n, 1), and (with full_output) the error
    of the two gradients over 2t, else None."""
    out = [_jacobian(f, x + s * t * v, "gradient", opts) for s in (1, -1)]
    if not opts.full_output:
        return (out[0] - out[1]).T / (2 * t), None
    (gp, ip), (gm, im) = out
    return (gp - gm).T / (2 * t), (ip.error + im.error).T / (2 * t)
