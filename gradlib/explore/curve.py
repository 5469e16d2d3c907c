"""The numbers behind the curve explorer (lesson 2): a curve f: R -> R^m and its derivative column.

Pure computation, no drawing.

>>> from gradlib.explore import curve as ec
>>> s = ec.scene("circle", 0.0, dt=0.1)
>>> s.derivative.shape, s.dt.shape, s.step.shape
((2, 1), (1, 1), (2, 1))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import functions, numeric, symbolic
from ..errors import GradlibError


def names() -> list[str]:
    """Catalogue curves R -> R^2 and R -> R^3, the explorer's choices."""
    return [e.name for e in functions.by_kind("curve") if e.n_out in (2, 3)]


def curve(name: str):
    """Catalogue curve ``name`` as f(t) -> ndarray (m,) for a float t (or (N,) -> (m, N))."""
    entry = functions.get(name)
    if entry.n_in != 1:
        raise GradlibError(f"{name!r} takes {entry.n_in} inputs; a curve takes one number t, "
                           f"e.g. one of {names()}.")

    def f(t):
        t = np.asarray(t, dtype=float)
        return np.asarray(entry.f(t.reshape(1, *t.shape)), dtype=float).reshape(entry.n_out, *t.shape)
    return f


@lru_cache(maxsize=None)
def _symbolic_derivative(name: str):
    entry = functions.get(name)
    return symbolic.lambdify(symbolic.derivative(entry.expr, entry.variables[0]), entry.variables)


@dataclass(frozen=True)
class CurveScene:
    """Everything the curve explorer shows at one parameter value.

    Attributes
    ----------
    name : str
    t : float
    point : ndarray, shape (m,)
        f(t).
    derivative : ndarray, shape (m, 1)
        Numeric derivative column (``gl.derivative``): the velocity, tangent to the curve.
    derivative_symbolic : ndarray, shape (m, 1)
        Exact derivative (``gl.symbolic.derivative``) at t.
    dt : ndarray, shape (1, 1)
        The small change of the input, a 1 x 1 matrix.
    step : ndarray, shape (m, 1)
        Linear prediction of the move: derivative @ dt, (m x 1)(1 x 1) = (m x 1).
    true_step : ndarray, shape (m, 1)
        f(t + dt) - f(t).
    """

    name: str
    t: float
    point: np.ndarray
    derivative: np.ndarray
    derivative_symbolic: np.ndarray
    dt: np.ndarray
    step: np.ndarray
    true_step: np.ndarray

    @property
    def m(self) -> int:
        return self.point.size


def scene(name: str, t: float, dt: float = 0.25) -> CurveScene:
    """Point, derivative column and the step of a catalogue curve at ``t``.

    Examples
    --------
    >>> s = scene("circle", 0.0, dt=0.5)
    >>> (s.derivative_symbolic.round(6) + 0.0).tolist(), s.step.round(6).tolist()   # + 0.0: no -0.0
    ([[0.0], [1.0]], [[0.0], [0.5]])
    """
    f = curve(name)
    t = float(t)
    D = numeric.derivative(f, t)
    exact = np.asarray(_symbolic_derivative(name)(np.array([t])), dtype=float).reshape(D.shape)
    dt_ = np.array([[float(dt)]])
    point = f(t)
    return CurveScene(name=name, t=t, point=point, derivative=D, derivative_symbolic=exact,
                      dt=dt_, step=D @ dt_, true_step=(f(t + float(dt)) - point).reshape(-1, 1))


#: Parameter intervals: once around for closed curves, two turns for the helix and the spiral.
T_RANGES = {"helix": (0.0, 4 * np.pi), "spiral": (0.0, 4 * np.pi)}


def t_range(name: str) -> tuple[float, float]:
    """The parameter interval of ``name``: the catalogue's domain, else :data:`T_RANGES`, else (0, 2 pi)."""
    domain = functions.get(name).domain
    if domain is not None:
        return tuple(float(v) for v in np.asarray(domain, dtype=float).reshape(-1)[:2])
    return T_RANGES.get(name, (0.0, 2 * np.pi))


def trace(name: str, num: int = 400) -> np.ndarray:
    """Points along the whole curve, shape (m, num)."""
    return curve(name)(np.linspace(*t_range(name), num))
