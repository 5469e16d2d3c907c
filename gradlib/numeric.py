"""Finite differences on numpy callables; every derivative is a 2-D matrix (outputs x inputs).

Steps are relative to each input, ``h_j = c * |x_j|`` (``c * 1`` where ``x_j == 0``), so the accuracy does not
depend on the size of x: ``log`` is differentiated as well at ``x = 1e-6`` as at ``x = 1e20``. Each step is a power
of two, so the perturbed point ``x + k h`` and the difference it makes are exact in floating point.
"""
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from .errors import (FunctionError, GradlibError, NonFiniteError, NotAnalyticError, OneSidedWarning,
                     PrecisionWarning, ShapeError, VectorizationError)

__all__ = ["DiffInfo", "jacobian", "gradient", "derivative", "hessian", "jvp", "vjp"]

EPS = np.finfo(float).eps
METHODS = ("auto", "forward", "central", "richardson", "complex")
# Stencils D = sum_k w_k f(x + o_k h) / h. Taylor, f(x + o h) = sum_p (o h)^p f^(p)(x) / p!, shows which
# derivatives each one cancels; the step balancing truncation (h^order) against rounding (eps / h) is
# h = eps^(1 / (order + 1)) relative to x.
_STENCILS = {  # method: (order, offsets, weights)
    # (f(x+h) - f(x)) / h                          = f' + h f''/2 + ...
    "forward": (1, (0, 1), (-1.0, 1.0)),
    # (f(x+h) - f(x-h)) / 2h                        = f' + h^2 f'''/6 + ...
    "central": (2, (-1, 1), (-1 / 2, 1 / 2)),
    # (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h = f' - h^4 f'''''/30 + ...
    # (one Richardson extrapolation of the central difference: (4 D(h) - D(2h)) / 3)
    "richardson": (4, (-2, -1, 1, 2), (1 / 12, -8 / 12, 8 / 12, -1 / 12)),
}
_ONE_SIDED = {  # same order, only points on one side of x; mirrored (o -> -o, w -> -w) for the other side
    "forward": ((0, 1), (-1.0, 1.0)),
    # (-3f(x) + 4f(x+h) - f(x+2h)) / 2h             = f' - h^2 f'''/3 + ...
    "central": ((0, 1, 2), (-3 / 2, 2.0, -1 / 2)),
    # (-25f(x) + 48f(x+h) - 36f(x+2h) + 16f(x+3h) - 3f(x+4h)) / 12h = f' - h^4 f'''''/5 + ...
    "richardson": ((0, 1, 2, 3, 4), (-25 / 12, 4.0, -3.0, 4 / 3, -1 / 4)),
}
_CS_STEP = 1e-50  # complex step, relative: h^2 vanishes next to eps, and x + ih stays far from underflow
# info.error for stencils: _SAFETY * (leading truncation term), at least _NOISE * |D(h) - D(2h)| (that difference
# also carries the rounding noise of f actually present), plus _ROUNDING * eps * sum_k |w_k f_k| / h; for complex
# step _CS_ULPS * eps * |J|. Constants measured on random compositions (bench/numeric.md).
_SAFETY, _ROUNDING, _CS_ULPS, _NOISE = 2.0, 2.0, 32.0, 1.0
_CHECK_RTOL = 1e-5  # complex step vs real central difference along a random direction


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
        The absolute step taken along each input (the imaginary step for complex step).
    note : str
        Why ``"auto"`` did not use complex step, or ``""``.
    """

    error: np.ndarray
    nfev: int
    method: str
    step: np.ndarray
    note: str = ""

    def __repr__(self):
        note = f", note={self.note!r}" if self.note else ""
        return (f"DiffInfo(method={self.method!r}, nfev={self.nfev}, step=[{' '.join(f'{h:.3g}' for h in self.step)}], "
                f"error=<{self.error.shape[0]}x{self.error.shape[1]}, max {self.error.max():.1e}>{note})")


def _warn(message, category):
    """Warn pointing at the learner's line: the first frame outside this module."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _show(p):
    return np.array2string(np.asarray(p), precision=6, threshold=6, separator=", ")


def _describe(y):
    if y is None:
        return "None (does f forget to return?)"
    name = type(y).__name__
    shape = f" of shape {np.shape(y)}" if isinstance(y, (list, tuple, np.ndarray)) else ""
    return f"{'an' if name[0] in 'aeiou' or name == 'ndarray' else 'a'} {name}{shape}"


class _Calls:
    """Calls f, counts its evaluations (a vectorized call counts its points) and turns failures into errors."""

    def __init__(self, f, vectorized):
        self.f, self.vectorized, self.nfev, self.f0 = f, vectorized, 0, None

    def _call(self, p):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            return self.f(p)

    def one(self, p):
        """f at one point p, shape (n,), as shape (m,)."""
        self.nfev += 1
        try:
            y = self._call(p)
        except Exception as err:  # chained, so the learner's own error stays visible
            raise FunctionError(f"calling f at x={_show(p)} raised {type(err).__name__}: {err}") from err
        return self._output(y, p)

    def _output(self, y, p):
        try:
            a = np.asarray(y)
        except ValueError as err:
            raise ShapeError(f"f returned a ragged {type(y).__name__} at x={_show(p)}; expected a scalar or shape "
                             "(m,) of numbers. Return a flat vector, e.g. np.array([f1, f2]).") from err
        if a.dtype.kind not in "iufc":
            raise ShapeError(f"f returned {_describe(y)} with {a.dtype} entries; expected a scalar or shape (m,) of "
                             "numbers. Return numbers, e.g. np.asarray(..., dtype=float); for SymPy expressions "
                             "use gl.symbolic.lambdify.")
        if a.ndim > 1 or a.size == 0:
            raise ShapeError(f"f returned {_describe(y)}; expected a scalar or shape (m,) with m >= 1, one number "
                             "per output. Return a flat vector: np.ravel(...) of it.")
        if self.f0 is not None and a.size != self.f0.size:
            raise ShapeError(f"f returned shape {a.shape} at x={_show(p)} but {self.f0.size} value(s) at the base "
                             "point; f must return the same shape at every point.")
        if a.dtype.kind == "c" and np.isrealobj(p):
            if np.any(a.imag):
                raise GradlibError(f"f returned complex values at the real point x={_show(p)}; gradlib "
                                   "differentiates real-valued functions. Differentiate f.real and f.imag apart.")
            a = a.real
        return np.atleast_1d(a if a.dtype.kind in "fc" else a.astype(float))

    def many(self, P):
        """f at the columns of P, shape (n, N), as shape (m, N): one batched call if vectorized."""
        if not self.vectorized:
            return np.stack([self.one(p) for p in P.T], axis=1)
        m, N = self.f0.size, P.shape[1]
        self.nfev += N
        try:
            Y = np.asarray(self._call(P))
        except Exception as err:
            self.one(P[:, -1])  # if f fails on a single point too, that FunctionError is the real story
            raise VectorizationError(f"vectorized=True: calling f with a batch of shape {P.shape} (points as "
                                     f"columns) raised {type(err).__name__}: {err}. f must accept shape (n, N) and "
                                     "return shape (m, N); or pass vectorized=False.") from err
        if Y.shape == (N,) and m == 1:
            Y = Y[None, :]
        if Y.shape != (m, N) or Y.dtype.kind not in "iufc":
            raise VectorizationError(f"vectorized=True: f returned {_describe(Y)} for a batch "
                                     f"of {N} points of shape {P.shape}; expected shape ({m}, {N}), column k the "
                                     "output at point P[:, k]. Reduce along axis 0 only (np.sum(x, axis=0)), or "
                                     "pass vectorized=False.")
        y = self.one(P[:, -1])  # the batch must agree with a single call, else J would be silently wrong
        for part in (np.real, np.imag):
            b, s, s0 = part(Y[:, -1]), part(y), part(self.f0)
            if np.any(np.abs(b - s) > 1e-6 * np.abs(s - s0) + 1e3 * EPS * (np.abs(s) + np.abs(s0))):
                raise VectorizationError(f"vectorized=True: column {N - 1} of a batched call gives {_show(Y[:, -1])}"
                                         f" but a single call at that point gives {_show(y)}. f mixes the points"
                                         " of a batch (e.g. np.sum(x) instead of np.sum(x, axis=0)); fix it or "
                                         "pass vectorized=False.")
        return Y.astype(complex if Y.dtype.kind == "c" else float)

    def at_offsets(self, x, h, offsets, cols):
        """{o: f(x + o h_j e_j) for j in cols, shape (m, len(cols))} for every offset o."""
        cols, offsets = list(cols), list(offsets)
        P = np.repeat(x[:, None], len(cols) * len(offsets), axis=1)
        for c, j in enumerate(cols):
            P[j, c * len(offsets):(c + 1) * len(offsets)] += np.multiply(offsets, h[j])
        F = self.many(P).reshape(-1, len(cols), len(offsets))
        return {o: F[:, :, k] for k, o in enumerate(offsets)}


def _point(x, kind):
    """x as float64 of shape (n,), warning when its dtype limits the accuracy."""
    a = np.asarray(x)
    if a.dtype == object:
        try:
            a = a.astype(float)
        except (TypeError, ValueError) as err:
            raise GradlibError(f"x has entries that are not numbers ({_show(a)}); pass numbers, e.g. "
                               "np.array([1.0, 2.0]).") from err
    if a.dtype.kind == "c":
        raise GradlibError(f"x is complex ({_show(a)}); gradlib differentiates real functions at real points. "
                           "Pass x.real and x.imag as separate real inputs.")
    if a.dtype.kind not in "iuf":
        raise GradlibError(f"x has dtype {a.dtype}; expected real numbers, e.g. np.array([1.0, 2.0]).")
    if kind == "derivative":
        if a.size != 1:
            raise ShapeError(f"derivative needs a scalar t; got shape {a.shape}. For f of several inputs use "
                             "gl.jacobian(f, x).")
        a = a.reshape(1)
    if a.ndim != 1:
        fix = ("pass [x], or use gl.derivative(f, t) for f: R -> R^m" if a.ndim == 0 else
               f"flatten it (x.ravel()) and reshape inside f (X = x.reshape{a.shape})")
        raise ShapeError(f"x has shape {a.shape}; expected shape (n,), one number per input: {fix}.")
    if a.size == 0:
        raise ShapeError("x is empty (shape (0,)); expected shape (n,) with n >= 1 inputs.")
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        _warn(f"x has dtype {a.dtype} (about {np.finfo(a.dtype).precision} digits): gradlib computes in float64 at"
              " these rounded values, but if f computes in low precision the derivative has only about half of "
              "those digits. Pass x as float64 for full accuracy.", PrecisionWarning)
    a = a.astype(float)
    if not np.isfinite(a).all():
        raise NonFiniteError(f"x is not finite: {_show(a)}; pass a finite point.")
    return a


def _steps(x, scale, order, eps, step):
    """Absolute steps, shape (n,): step if given, else a power of two near eps^(1/(order+1)) * scale."""
    if step is None:
        rel = _CS_STEP if order is None else eps ** (1 / (order + 1))
        return scale * rel if order is None else 2.0 ** np.round(np.log2(rel * scale))
    h = np.asarray(step, dtype=float)
    if h.ndim > 1 or h.size not in (1, x.size):
        raise ShapeError(f"step has shape {h.shape}; expected a scalar or shape ({x.size},), one per input.")
    if not (np.isfinite(h).all() and (h > 0).all()):
        raise GradlibError(f"step must be positive and finite; got {_show(h)}.")
    h = np.broadcast_to(h, x.shape).astype(float)
    if order is not None:
        h = (x + h) - x  # the step actually taken, exactly representable
        if not (h > 0).all():
            raise GradlibError(f"step {_show(step)} is too small to change x={_show(x)}; use a larger step.")
    return h


def _combine(vals, offsets, weights, h, order, eps, estimate):
    """D = sum_k w_k f(x + o_k h) / h and its error estimate from the same stencil at 2h (or None).

    The weights sum to 0, so subtracting f(x) changes nothing but makes D exactly 0 where f_i does not move.
    """
    diff = {o: v - vals[0] for o, v in vals.items()}
    D = sum(w * diff[o] for o, w in zip(offsets, weights)) / h
    if not estimate:
        return D, None
    D2 = sum(w * diff[2 * o] for o, w in zip(offsets, weights)) / (2 * h)
    # D(h) - D(2h) = (1 - 2^order) * (error of D(h)) to leading order; rounding adds eps |f| |w| / h
    rounding = _ROUNDING * eps * sum(abs(w) * np.abs(vals[o]) for o, w in zip(offsets, weights)) / h
    moved = np.any([diff[o] != 0 for o in offsets + tuple(2 * o for o in offsets)], axis=0)
    return D, np.where(moved, max(_SAFETY / (2 ** order - 1), _NOISE) * np.abs(D - D2) + rounding, 0.0)


def _stencil(calls, x, f0, h, method, eps, estimate):
    """Finite-difference Jacobian and error estimate (or None), shape (m, n); one-sided where f is not finite."""
    order, offsets, weights = _STENCILS[method]
    need = sorted({o for o in offsets + tuple(2 * o for o in offsets if estimate) if o})
    vals = calls.at_offsets(x, h, need, range(x.size))
    vals[0] = np.repeat(f0[:, None], x.size, axis=1)
    D, E = _combine(vals, offsets, weights, h, order, eps, estimate)
    for j in np.flatnonzero(~np.all([np.isfinite(vals[o]).all(axis=0) for o in need], axis=0)):
        col = {o: v[:, j:j + 1] for o, v in vals.items()}
        D[:, j:j + 1], e = _one_sided(calls, x, h, method, j, col, eps, estimate)
        if estimate:
            E[:, j:j + 1] = e
    return D, E


def _at(j, d):
    return f"x[{j}] {'-' if d < 0 else '+'} {abs(d):.3g}"


def _one_sided(calls, x, h, method, j, col, eps, estimate):
    """Column j from the one-sided stencil on whichever side of x_j f is finite."""
    offsets, weights = _ONE_SIDED[method]
    for side in (1, -1):
        o_s, w_s = tuple(side * o for o in offsets), tuple(side * w for w in weights)
        missing = {o for o in o_s + tuple(2 * o for o in o_s if estimate) if o not in col}
        if missing:
            col.update(calls.at_offsets(x, h, sorted(missing), [j]))
        bad = [(o, i) for o in sorted(col, key=abs) for i in np.flatnonzero(~np.isfinite(col[o][:, 0]))]
        if not [o for o, _ in bad if o * side > 0]:
            _warn(f"f is not finite at {_at(j, bad[0][0] * h[j])} (output {bad[0][1]}), so input {j} uses a "
                  "one-sided difference (less accurate). Keep x away from the edge of f's domain.", OneSidedWarning)
            h1 = h[j:j + 1]
            return _combine(col, o_s, w_s, h1, _STENCILS[method][0], eps, estimate)
    o, i = bad[0]
    raise NonFiniteError(f"f is not finite on either side of x along input {j}: output {i} is {col[o][i, 0]} at "
                         f"{_at(j, o * h[j])}, and on the other side too, so no difference is possible. "
                         "Move x away from the singularity or the edge of f's domain.")


def _analytic_reason(calls, x, f0, scale, J):
    """Why complex-step J cannot be trusted, or None: J @ w must match a real central difference along w."""
    rng = np.random.default_rng(0)  # a fixed random direction keeps results reproducible
    w = rng.uniform(0.5, 1.5, x.size) * rng.choice([-1, 1], x.size) * scale
    t = EPS ** (1 / 3)
    fp, fm = calls.one(x + t * w), calls.one(x - t * w)
    if not (np.isfinite(fp).all() and np.isfinite(fm).all()):
        return "f is not finite near x, so the analyticity check is impossible"
    d_fd, d_cs = (fp - fm) / (2 * t), J @ w
    tol = _CHECK_RTOL * (np.abs(J) @ np.abs(w)) + 8 * EPS * (np.abs(fp) + np.abs(fm) + np.abs(f0)) / t
    for i in np.flatnonzero(np.abs(d_cs - d_fd) > tol):
        return (f"for output {i}, complex step gives {d_cs[i]:.6g} along a random direction but a real difference "
                f"gives {d_fd[i]:.6g}: f is not complex-analytic (abs, conj, np.real, x.imag or float())")
    return None


def _complex_step(calls, x, f0, h, scale):
    """(J, None) from Im f(x + i h e_j) / h = f'(x) + O(h^2), exact to rounding; or (None, reason, cause)."""
    try:
        F = calls.many(x[:, None] + 1j * np.diag(h))
    except FunctionError as err:
        return None, f"f raised {type(err.__cause__).__name__} on complex input ({err.__cause__})", err
    if F.dtype.kind != "c":
        return None, "f returned real values for complex input (abs, np.real, float() drop the imaginary part)", None
    if not np.isfinite(F).all():
        return None, "f is not finite at x + i h e_j", None
    if np.any(np.abs(F.real - f0[:, None]) > 1e-8 * np.abs(f0).max()):
        return None, "Re f(x + ih) differs from f(x): f uses the imaginary part as data (x.imag, conj)", None
    J = F.imag / h
    reason = _analytic_reason(calls, x, f0, scale, J)
    return (J, None, None) if reason is None else (None, reason, None)


def _setup(f, x, kind, method, allowed=METHODS):
    if method not in allowed:
        raise GradlibError(f"method={method!r} is not one of {', '.join(map(repr, allowed))}.")
    if not callable(f):
        raise GradlibError(f"f must be a function of x; got {_describe(f)}. Pass e.g. lambda x: np.sin(x).")
    return _point(x, kind)


def _base(calls, x, kind):
    """f(x), shape (m,), checked for the kind of derivative asked for, and the precision of its values."""
    f0 = calls.f0 = calls.one(x)
    if kind in ("gradient", "hessian") and f0.size != 1:
        raise ShapeError(f"{kind} needs a scalar-valued f; f returned shape {f0.shape}. Use gl.jacobian for a "
                         "vector-valued f.")
    if not np.isfinite(f0).all():
        i = np.flatnonzero(~np.isfinite(f0))[0]
        raise NonFiniteError(f"f(x) itself is not finite: output {i} is {f0[i]} at x={_show(x)}. Pick a point "
                             "inside f's domain.")
    eps = max(EPS, np.finfo(f0.dtype).eps)
    if eps > EPS:
        _warn(f"f returns {f0.dtype} values (eps {eps:.1e}); steps are chosen for that precision, expect about "
              f"{-np.log10(eps) / 2:.0f} correct digits. Compute f in float64 for full accuracy.", PrecisionWarning)
    return f0, eps


def _scale(x):
    return np.where(x != 0, np.abs(x), 1.0)


def _jacobian(f, x, kind, method, step, vectorized, full_output, scale=None):
    """The engine behind jacobian, gradient, derivative and jvp."""
    x = _setup(f, x, kind, method)
    calls = _Calls(f, vectorized)
    f0, eps = _base(calls, x, kind)
    scale = _scale(x) if scale is None else scale
    used, note, J = method, "", None
    if method in ("auto", "complex"):
        h = _steps(x, scale, None, eps, step)
        J, reason, cause = _complex_step(calls, x, f0, h, scale)
        # complex step is exact to rounding: a few ulps of each entry, relative to the row's size for cancellation
        E = _CS_ULPS * EPS * np.abs(J) if J is not None else None
        if reason is None:
            used = "auto->complex" if method == "auto" else "complex"
        elif method == "complex":
            raise NotAnalyticError(f"method='complex' cannot differentiate this f: {reason}. Use "
                                   "method='central' or method='auto' (which then uses a real stencil).") from cause
        else:
            used, note = "auto->richardson", f"complex step rejected: {reason}"
    if J is None:
        stencil = "richardson" if method == "auto" else method
        h = _steps(x, scale, _STENCILS[stencil][0], eps, step)
        J, E = _stencil(calls, x, f0, h, stencil, eps, full_output)
    return (J, DiffInfo(E, calls.nfev, used, h, note)) if full_output else J


def jacobian(f, x, *, method="auto", step=None, vectorized=False, full_output=False):
    """Jacobian of f at x by finite differences, in numerator layout: shape (outputs, inputs).

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar (m = 1) or shape (m,) (a flat list of numbers works).
    x : array_like, shape (n,)
        The point; integers are computed in float64, float32 warns (PrecisionWarning).
    method : {"auto", "forward", "central", "richardson", "complex"}
        ``"forward"`` (n + 1 evaluations, ~1e-8 relative error), ``"central"`` (2n, ~1e-10),
        ``"richardson"`` (4th-order 5-point stencil, 4n, ~1e-12), ``"complex"`` (complex step
        Im f(x + ih e_j) / h: n plus a 3-evaluation check, exact to rounding, for complex-analytic f only),
        ``"auto"``: complex step when f passes the check, else richardson.
    step : float or array_like of shape (n,), optional
        Absolute step per input (the imaginary step for complex step). Default: relative to ``|x_j|``
        (1 where ``x_j == 0``), a power of two. Where x_j is tiny but not 0 and f does not scale with it
        (``exp`` at 1e-8), the real stencils lose digits: ``info.error`` shows it; pass ``step``.
    vectorized : bool
        If True, f is called with all points at once, as the columns of an array of shape (n, N), and
        must return shape (m, N) (or (N,) when m = 1). One column is checked against a single call.
    full_output : bool
        If True, also return a :class:`DiffInfo` with the error estimate, shape (m, n).

    Returns
    -------
    J : ndarray, shape (m, n)
        Row i is the gradient of f_i; column j is how every output moves with input j.
    info : DiffInfo
        Only with ``full_output=True``.

    Raises
    ------
    ShapeError, NonFiniteError, NotAnalyticError, VectorizationError, FunctionError

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.jacobian(lambda v: [v[0] * v[1], v[1]], [2.0, 3.0]).round(6)
    array([[3., 2.],
           [0., 1.]])
    >>> J, info = gl.jacobian(np.sin, [0.0, 1.0], full_output=True)
    >>> J.shape, info.method, info.nfev
    ((2, 2), 'auto->complex', 5)
    """
    return _jacobian(f, x, "jacobian", method, step, vectorized, full_output)


def gradient(f, x, **kw):
    """Gradient of a scalar-valued f at x as a row, shape (1, n); keywords as in :func:`jacobian`.

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar (or shape (1,)).
    x : array_like, shape (n,)

    Returns
    -------
    g : ndarray, shape (1, n)
        The partial derivatives of f, in a row (numerator layout); ``g @ dx`` is the change in f.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.gradient(lambda v: v[0] ** 2 * v[1], [1.0, 3.0]).round(8)
    array([[6., 1.]])
    """
    return _jacobian(f, x, "gradient", kw.pop("method", "auto"), **_kw(kw))


def derivative(f, t, **kw):
    """Derivative of a curve f: R -> R^m at the scalar t, as a column, shape (m, 1); keywords as in :func:`jacobian`.

    Parameters
    ----------
    f : callable
        ``f(t)`` with a scalar t returns a scalar or shape (m,). With ``vectorized=True`` it gets t of
        shape (N,) and returns shape (m, N).
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
    return _jacobian(lambda p: f(p[0]), t, "derivative", kw.pop("method", "auto"), **_kw(kw))


def _kw(kw):
    extra = set(kw) - {"step", "vectorized", "full_output"}
    if extra:
        raise TypeError(f"unexpected keyword(s) {sorted(extra)}; use method, step, vectorized, full_output.")
    return {"step": kw.get("step"), "vectorized": kw.get("vectorized", False),
            "full_output": kw.get("full_output", False)}


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
    x = _setup(f, x, "jacobian", kw.get("method", "auto"))
    v = np.asarray(v, dtype=float)
    if v.shape not in ((x.size,), (x.size, 1)):
        raise ShapeError(f"v has shape {v.shape}; expected shape ({x.size},) or ({x.size}, 1), one entry per input.")
    v = v.ravel()
    t_scale = np.abs(x).max() / np.abs(v).max() if x.any() and v.any() else 1.0  # t v moves x relative to its size
    g = lambda t: f((x if t.ndim == 1 else x[:, None]) + np.multiply.outer(v, t[0]))  # t: (1,) or (1, N)
    return _jacobian(g, [0.0], "jvp", kw.pop("method", "auto"), **_kw(kw), scale=np.array([t_scale]))


def vjp(f, x, u, **kw):
    """Vector-Jacobian product u^T @ J(x), shape (1, n): the backward pass of backprop.

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar or shape (m,).
    x : array_like, shape (n,)
    u : array_like, shape (m,), (m, 1) or (1, m)
        The weights of the outputs (the upstream gradient).

    Returns
    -------
    uJ : ndarray, shape (1, n)
        A gradient row: that of ``u . f``. Computed as ``u^T @ J`` from the full Jacobian.

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.vjp(lambda x: [x[0] * x[1], x[1] ** 2], [2.0, 3.0], [1.0, 1.0]).round(8)
    array([[3., 8.]])
    """
    out = jacobian(f, x, **kw)
    J = out[0] if kw.get("full_output") else out
    u = np.asarray(u, dtype=float)
    if u.size != J.shape[0] or u.ndim > 2 or (u.ndim == 2 and 1 not in u.shape):
        raise ShapeError(f"u has shape {u.shape}; f has {J.shape[0]} outputs, so expected shape ({J.shape[0]},), "
                         f"({J.shape[0]}, 1) or (1, {J.shape[0]}).")
    uJ = u.reshape(1, -1) @ J
    return (uJ, out[1]) if kw.get("full_output") else uJ


def _hessian_central(calls, x, f0, h):
    """H, shape (n, n), from f(x), f(x +- h_i e_i) and f(x +- h_i e_i +- h_j e_j): 2n^2 + 1 evaluations.

    Taylor: (f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h^2 = f_ii + h^2 f_iiii / 12 + ..., and
    (f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j) = f_ij + O(h^2): the odd terms cancel in both.
    Returns H and its rounding error bound.
    """
    n, I = x.size, np.eye(x.size)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    D = [s * h[i] * I[i] for i in range(n) for s in (1, -1)]
    D += [a * h[i] * I[i] + b * h[j] * I[j] for i, j in pairs for a in (1, -1) for b in (1, -1)]
    F = calls.many(x[:, None] + np.array(D).T)[0]
    _hessian_finite(F, D, x)
    H, R = np.empty((n, n)), np.empty((n, n))
    fp, fm = F[0:2 * n:2], F[1:2 * n:2]
    H[range(n), range(n)] = (fp - 2 * f0[0] + fm) / h ** 2
    R[range(n), range(n)] = (np.abs(fp) + 2 * np.abs(f0[0]) + np.abs(fm)) / h ** 2
    for k, (i, j) in enumerate(pairs):
        pp, pm, mp, mm = F[2 * n + 4 * k:2 * n + 4 * k + 4]
        H[i, j] = H[j, i] = (pp - pm - mp + mm) / (4 * h[i] * h[j])
        R[i, j] = R[j, i] = (abs(pp) + abs(pm) + abs(mp) + abs(mm)) / (4 * h[i] * h[j])
    return H, R


def _hessian_finite(F, D, x):
    if not np.isfinite(F).all():
        k = np.flatnonzero(~np.isfinite(F))[0]
        raise NonFiniteError(f"f is {F[k]} at x + {_show(np.real(D[k]))} (inputs {np.flatnonzero(np.real(D[k]))}):"
                             " the Hessian needs f finite around x. Move x away from the edge of f's domain.")


def _hessian_complex(calls, x, f0, scale, d, check=True):
    """H from complex step on a central difference, exact symmetric by filling both triangles from j <= k.

    Im f(x + i h e_j + d e_k) / h = f_j(x + d e_k) + O(h^2), so
    Im (f(x + i h e_j + d e_k) - f(x + i h e_j - d e_k)) / (2 h d) = f_jk + d^2 f_jkkk / 6 + ...:
    no subtraction of nearly equal values of f, only of derivatives. 2 evaluations per pair j <= k.
    Returns (H, rounding bound) or (None, reason, cause).
    """
    n, ih = x.size, scale * _CS_STEP
    diag = [(j, j) for j in range(n)]
    off = [(j, k) for j in range(n) for k in range(j + 1, n)]
    out = {}
    for group in (diag, off):  # diagonal first: it gives the gradient for the check, before the n^2 / 2 others
        if not group:
            continue
        D = [1j * ih[j] * np.eye(n)[j] + s * d[k] * np.eye(n)[k] for j, k in group for s in (1, -1)]
        try:
            F = calls.many(x[:, None] + np.array(D).T)[0]
        except FunctionError as err:
            return None, f"f raised {type(err.__cause__).__name__} on complex input ({err.__cause__})", err
        if F.dtype.kind != "c":
            return None, "f returned real values for complex input (abs, np.real, float())", None
        _hessian_finite(F, D, x)
        for p, (j, k) in enumerate(group):
            out[j, k] = F[2 * p].imag / ih[j], F[2 * p + 1].imag / ih[j]  # f_j(x + d e_k), f_j(x - d e_k)
        if group is diag and check:
            grad = np.array([[sum(out[j, j]) / 2 for j in range(n)]])  # f_j(x) + O(d^2)
            reason = _analytic_reason(calls, x, f0, scale, grad)
            if reason:
                return None, reason, None
    H, R = np.empty((n, n)), np.empty((n, n))
    for (j, k), (gp, gm) in out.items():
        H[j, k] = H[k, j] = (gp - gm) / (2 * d[k])
        R[j, k] = R[k, j] = (abs(gp) + abs(gm)) / (2 * d[k])
    return H, R, None


def hessian(f, x, *, method="auto", step=None, vectorized=False, full_output=False):
    """Hessian of a scalar-valued f at x, shape (n, n), exactly symmetric (``H == H.T`` bitwise).

    Parameters
    ----------
    f : callable
        ``f(x)`` with x of shape (n,) returns a scalar.
    x : array_like, shape (n,)
    method : {"auto", "central", "complex"}
        ``"central"``: second differences, 2n^2 + 1 evaluations, about 1e-8 relative error.
        ``"complex"``: complex step on a central difference, n^2 + n + 3 evaluations (the analyticity check
        included), about 1e-10 relative error; complex-analytic f only. ``"auto"``: complex when n >= 2 and f
        passes the check (then within 2n^2 + 1), else central.
    step : float or array_like of shape (n,), optional
        Absolute real step per input. ``vectorized`` and ``full_output`` as in :func:`jacobian`.

    Returns
    -------
    H : ndarray, shape (n, n)
        ``H[i, j]`` is d^2 f / dx_i dx_j; the Jacobian of the gradient.
    info : DiffInfo
        Only with ``full_output=True`` (the estimate evaluates the scheme again at twice the step).

    Examples
    --------
    >>> import gradlib as gl
    >>> gl.hessian(lambda v: v[0] ** 2 * v[1], [1.0, 3.0]).round(6)
    array([[6., 2.],
           [2., 0.]])
    """
    x = _setup(f, x, "hessian", method, ("auto", "central", "complex"))
    calls = _Calls(f, vectorized)
    f0, eps = _base(calls, x, "hessian")
    scale, used, note, H = _scale(x), method, "", None
    if method == "complex" or (method == "auto" and x.size >= 2):
        h = _steps(x, scale, 2, eps, step)
        H, R, cause = _hessian_complex(calls, x, f0, scale, h)
        if H is not None:
            used = "auto->complex" if method == "auto" else "complex"
            if full_output:
                H2, _, _ = _hessian_complex(calls, x, f0, scale, 2 * h, check=False)
        elif method == "complex":
            raise NotAnalyticError(f"method='complex' cannot differentiate this f: {R}. Use method='central' or "
                                   "method='auto'.") from cause
        else:
            note = f"complex step rejected: {R}"
    if H is None:
        used = "auto->central" if method == "auto" else used
        h = _steps(x, scale, 3, eps, step)
        H, R = _hessian_central(calls, x, f0, h)
        if full_output:
            H2, _ = _hessian_central(calls, x, f0, 2 * h)
    if not full_output:
        return H
    # H(h) - H(2h) = -3 (error of H(h)) to leading order (both schemes are second order)
    return H, DiffInfo(_SAFETY * np.abs(H - H2) / 3 + _ROUNDING * eps * R, calls.nfev, used, h, note)
