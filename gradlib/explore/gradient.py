"""The numbers behind the gradient explorer (lesson 1): gradient row, direction column, their product.

Pure computation, no drawing: every function returns arrays or a frozen dataclass that
``gradlib.viz.gradient`` draws and ``gradlib.widgets.gradient`` shows.

>>> from gradlib.explore import gradient as eg
>>> s = eg.scene("paraboloid", [1.0, 0.5], angle=0.0)
>>> s.gradient.shape, s.direction.shape, s.directional.shape
((1, 2), (2, 1), (1, 1))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import functions, numeric, symbolic
from ..errors import GradlibError


@lru_cache(maxsize=None)
def _symbolic_gradient(name: str):
    """The exact gradient of catalogue function ``name`` as a fast numpy callable, (1, n)."""
    entry = functions.get(name)
    return symbolic.lambdify(symbolic.gradient(entry.expr[0], entry.variables), entry.variables)


def scalar(name: str):
    """Catalogue function ``name`` as f(x) -> float for x of shape (n,) (or (n, N) -> (N,))."""
    entry = functions.get(name)
    if entry.n_out != 1:
        raise GradlibError(f"{name!r} has {entry.n_out} outputs; the gradient explorer needs a "
                           f"scalar function (n_out = 1), e.g. one of {names()}.")

    def f(x):
        return np.asarray(entry.f(np.asarray(x, dtype=float)), dtype=float).reshape(np.shape(x)[1:])
    return f


def names() -> list[str]:
    """Catalogue functions R^2 -> R, the explorer's choices (sorted as the catalogue lists them)."""
    return [e.name for e in functions.by_kind("scalar field") if e.n_in == 2]


def variable_names(name: str) -> tuple[str, str]:
    """The names of the two inputs of ``name``, e.g. ("x", "y")."""
    return tuple(str(v) for v in functions.get(name).variables)


def unit(angle: float) -> np.ndarray:
    """The unit direction at ``angle`` degrees from the x axis, as a column (2, 1).

    >>> unit(90.0).round(6).tolist()
    [[0.0], [1.0]]
    """
    a = np.deg2rad(angle)
    return np.array([[np.cos(a)], [np.sin(a)]])


@dataclass(frozen=True)
class GradientScene:
    """Everything the gradient explorer shows at one point.

    Attributes
    ----------
    name : str
        Catalogue function, f: R^2 -> R.
    x : ndarray, shape (2,)
        The point.
    value : float
        f(x).
    gradient : ndarray, shape (1, 2)
        Numeric gradient row (``gl.gradient``).
    gradient_symbolic : ndarray, shape (1, 2)
        Exact gradient row (``gl.symbolic.gradient``) evaluated at x.
    angle : float
        Direction angle in degrees.
    direction : ndarray, shape (2, 1)
        Unit direction column d.
    directional : ndarray, shape (1, 1)
        Directional derivative, the product (1 x 2)(2 x 1) = (1 x 1).
    h : float
        Step length along d.
    linear_change : ndarray, shape (1, 1)
        Prediction of the tangent plane: gradient @ (h d).
    true_change : ndarray, shape (1, 1)
        f(x + h d) - f(x).
    """

    name: str
    x: np.ndarray
    value: float
    gradient: np.ndarray
    gradient_symbolic: np.ndarray
    angle: float
    direction: np.ndarray
    directional: np.ndarray
    h: float
    linear_change: np.ndarray
    true_change: np.ndarray

    @property
    def step(self) -> np.ndarray:
        """The small change dx = h d, shape (2, 1)."""
        return self.h * self.direction


def scene(name: str, x, angle: float = 0.0, h: float = 0.25) -> GradientScene:
    """Gradient, direction and changes of catalogue function ``name`` at ``x``.

    Parameters
    ----------
    name : str
        A catalogue function R^2 -> R (see :func:`names`).
    x : array_like, shape (2,)
    angle : float
        Direction in degrees from the x axis.
    h : float
        Step length for the true-versus-linear comparison.

    Returns
    -------
    GradientScene

    Examples
    --------
    >>> s = scene("paraboloid", [1.0, 0.5], angle=90.0, h=0.1)
    >>> s.gradient_symbolic.round(6).tolist(), s.directional.round(6).tolist()
    ([[2.0, 1.0]], [[1.0]])
    """
    f = scalar(name)
    x = np.asarray(x, dtype=float).reshape(2)
    grad = numeric.gradient(f, x)
    exact = np.asarray(_symbolic_gradient(name)(x), dtype=float).reshape(1, 2)
    d = unit(angle)
    return GradientScene(
        name=name, x=x, value=float(f(x)), gradient=grad, gradient_symbolic=exact,
        angle=float(angle), direction=d, directional=grad @ d, h=float(h),
        linear_change=grad @ (h * d),
        true_change=np.array([[f(x + h * d[:, 0]) - f(x)]]),
    )


def bounds(name: str) -> np.ndarray:
    """Plot window of ``name``: rows (low, high) for x and y, shape (2, 2)."""
    return np.asarray(functions.get(name).domain, dtype=float).reshape(2, 2)


def grid(f, box, num: int = 121):
    """Values of a scalar f (batched (2, N) -> (N,)) on a num x num grid over ``box`` (2, 2).

    Returns X, Y, Z, each of shape (num, num).
    """
    (x0, x1), (y0, y1) = np.asarray(box, dtype=float)
    X, Y = np.meshgrid(np.linspace(x0, x1, num), np.linspace(y0, y1, num))
    Z = np.asarray(f(np.stack([X.ravel(), Y.ravel()])), dtype=float).reshape(X.shape)
    return X, Y, Z


def contour_grid(name: str, num: int = 121):
    """Values of catalogue function ``name`` on a grid over :func:`bounds`: X, Y, Z (num, num)."""
    return grid(scalar(name), bounds(name), num)


def levels(Z, count: int = 12) -> np.ndarray:
    """Contour levels spread by quantile, so steep functions (Rosenbrock) still show the valley."""
    return np.unique(np.quantile(Z, np.linspace(0.02, 0.98, count)))


def tangent_segments(s: GradientScene, levels, radius: float) -> np.ndarray:
    """Level lines of the tangent plane L(x + dx) = f(x) + gradient @ dx inside a disk around x.

    Returns
    -------
    ndarray, shape (k, 2, 2)
        One segment (two end points) per level that crosses the disk of ``radius``; near x
        they run along the contour lines of f, which is what "linear approximation" means.
    """
    g = s.gradient[0]
    norm = np.linalg.norm(g)
    if norm < 1e-12:
        return np.zeros((0, 2, 2))   # flat tangent plane: it has no level lines
    offsets = (np.asarray(levels, dtype=float) - s.value) / norm   # signed distance from x
    inside = np.abs(offsets) < radius
    along = np.array([-g[1], g[0]]) / norm
    half = np.sqrt(radius ** 2 - offsets[inside] ** 2)
    centers = s.x + offsets[inside, None] * g / norm
    return np.stack([centers - half[:, None] * along, centers + half[:, None] * along], axis=1)


def slice_along(name: str, x, axis: int, s) -> np.ndarray:
    """f along one coordinate with the other held fixed: f(x + s e_axis), shape (N,) for s (N,)."""
    x = np.asarray(x, dtype=float).reshape(2)
    s = np.asarray(s, dtype=float)
    points = np.repeat(x[:, None], s.size, axis=1)
    points[axis] += s
    return scalar(name)(points)
