"""The numbers behind the Jacobian explorers (lesson 3): rows are gradients; a local linear map.

Pure computation, no drawing.

>>> from gradlib.explore import jacobian as ej
>>> s = ej.scene("polar_to_cartesian", [1.0, 0.0], row=1)
>>> s.J.shape, s.row_gradient.shape
((2, 2), (1, 2))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import functions, numeric, shapes, symbolic
from ..errors import GradlibError


def _complex_square(v):
    x, y = np.asarray(v)[0], np.asarray(v)[1]
    return np.array([x * x - y * y, 2 * x * y])


def _shear(v):
    x, y = np.asarray(v)[0], np.asarray(v)[1]
    return np.array([1.5 * x + 0.5 * y, y])


_x, _y = symbolic.symbols("x y")
#: Maps R^2 -> R^2 for the grid picture, besides the catalogue's polar_to_cartesian.
EXTRA_MAPS = {e.name: e for e in [
    functions.TeachingFunction(
        "complex_square", "z -> z^2 for z = x + i y: angles double, areas scale by 4 |z|^2", "map",
        (_x, _y), sp.ImmutableMatrix([_x**2 - _y**2, 2 * _x * _y]), _complex_square,
        np.array([1.0, 0.5]), ((-1.5, 1.5), (-1.5, 1.5))),
    functions.TeachingFunction(
        "shear", "a linear map: stretch x by 1.5 and shear by y / 2; J is the same everywhere", "map",
        (_x, _y), sp.ImmutableMatrix([sp.Rational(3, 2) * _x + _y / 2, _y]), _shear,
        np.array([0.5, 0.5]), ((-2.0, 2.0), (-2.0, 2.0))),
]}
del _x, _y


def entry(name: str):
    """The catalogue entry ``name`` (``gradlib.functions``), or one of :data:`EXTRA_MAPS`."""
    return EXTRA_MAPS[name] if name in EXTRA_MAPS else functions.get(name)


def names(n_in: int | None = None, n_out: int | None = None) -> list[str]:
    """Maps R^n -> R^m (catalogue, then :data:`EXTRA_MAPS`), optionally only given sizes."""
    entries = functions.by_kind("map") + list(EXTRA_MAPS.values())
    return [e.name for e in entries
            if (n_in is None or e.n_in == n_in) and (n_out is None or e.n_out == n_out)]


def bounds(name: str) -> np.ndarray:
    """Window (2, 2) for the first two inputs: the domain, or the default point +- 2."""
    e = entry(name)
    if e.domain is not None:
        return np.asarray(e.domain, dtype=float)[:2]
    return np.asarray(e.point, dtype=float)[:2, None] + np.array([[-2.0, 2.0]])


def vector(name: str):
    """``name`` as f(x) -> ndarray (m,) for x (n,) (or (n, N) -> (m, N))."""
    e = entry(name)

    def f(x):
        x = np.asarray(x, dtype=float)
        return np.asarray(e.f(x), dtype=float).reshape(e.n_out, *x.shape[1:])
    return f


@lru_cache(maxsize=None)
def _symbolic_jacobian(name: str):
    e = entry(name)
    return symbolic.lambdify(symbolic.jacobian(e.expr, e.variables), e.variables)


def point(name: str, x1: float, x2: float) -> np.ndarray:
    """The point (x1, x2, rest of the default point): the explorers move the first two inputs."""
    x = np.array(entry(name).point, dtype=float)
    x[:2] = x1, x2
    return x


def component(name: str, row: int, x) -> callable:
    """f_row as a function of the first two inputs, the others held at x[2:]; batched (2, N) -> (N,)."""
    f = vector(name)
    rest = np.asarray(x, dtype=float)[2:]

    def f_i(p):
        p = np.asarray(p, dtype=float)
        full = np.concatenate([p, np.broadcast_to(rest.reshape(-1, *[1] * (p.ndim - 1)),
                                                  (rest.size, *p.shape[1:]))])
        return f(full)[row]
    return f_i


@dataclass(frozen=True)
class JacobianScene:
    """The Jacobian of a catalogue function at one point, with one row singled out.

    Attributes
    ----------
    name : str
    x : ndarray, shape (n,)
    y : ndarray, shape (m,)
        f(x).
    J : ndarray, shape (m, n)
        Numeric Jacobian (``gl.jacobian``); row i is the gradient of f_i.
    J_symbolic : ndarray, shape (m, n)
        Exact Jacobian (``gl.symbolic.jacobian``) at x.
    row : int
        The highlighted output i (0-based).
    row_gradient : ndarray, shape (1, n)
        ``gl.gradient`` of the single component f_i, computed on its own: it equals J[i].
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    J: np.ndarray
    J_symbolic: np.ndarray
    row: int
    row_gradient: np.ndarray

    @property
    def shape_text(self) -> str:
        m, n = self.J.shape
        return f"f: R^{n} -> R^{m}, so J has shape ({m} x {n}): {m} rows (outputs), {n} columns (inputs)"


def scene(name: str, x, row: int = 0) -> JacobianScene:
    """Jacobian of catalogue function ``name`` at ``x`` with row ``row`` as its own gradient.

    Examples
    --------
    >>> s = scene("polar_to_cartesian", [2.0, 0.0], row=0)
    >>> (s.J_symbolic.round(6) + 0.0).tolist()   # + 0.0 turns -0.0 into 0.0
    [[1.0, 0.0], [0.0, 2.0]]
    """
    f = vector(name)
    x = np.asarray(x, dtype=float).reshape(-1)
    J = numeric.jacobian(f, x)
    if not 0 <= row < J.shape[0]:
        raise GradlibError(f"row={row} does not exist: {name!r} has {J.shape[0]} outputs, rows 0..{J.shape[0] - 1}.")
    exact = np.asarray(_symbolic_jacobian(name)(x), dtype=float).reshape(J.shape)
    grad_i = numeric.gradient(lambda v: f(v)[row], x)   # f_i on its own: the same numbers as J[i]
    return JacobianScene(name=name, x=x, y=f(x), J=J, J_symbolic=exact, row=int(row), row_gradient=grad_i)


@dataclass(frozen=True)
class GridMap:
    """A small grid around x, its image under f, and its image under the linear map.

    Attributes
    ----------
    x : ndarray, shape (2,)
    y : ndarray, shape (2,)
        f(x), the centre of both images.
    lines : ndarray, shape (L, P, 2)
        L grid lines of P points each, in the input plane.
    image : ndarray, shape (L, P, 2)
        f applied to every point: the true, curved image.
    linear : ndarray, shape (L, P, 2)
        f(x) + J dx: the image under the linearization, straight lines.
    J : ndarray, shape (2, 2)
    det : float
        det J, the factor by which the linear map scales areas (sign: orientation).
    area_ratio : float
        Area of the true image of the grid's square divided by the square's area; tends to
        |det J| as the square shrinks.
    """

    x: np.ndarray
    y: np.ndarray
    lines: np.ndarray
    image: np.ndarray
    linear: np.ndarray
    J: np.ndarray
    det: float
    area_ratio: float


def _polygon_area(p) -> float:
    """Shoelace formula for a closed polygon p, shape (P, 2)."""
    x, y = p[:, 0], p[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def grid_map(name: str, x, radius: float = 0.5, count: int = 5, points: int = 25) -> GridMap:
    """Map a ``count`` x ``count`` grid of half-width ``radius`` around x by f and by f(x) + J dx.

    Examples
    --------
    >>> g = grid_map("polar_to_cartesian", [1.0, 0.0], radius=0.01)
    >>> g.lines.shape, round(g.det, 6), round(g.area_ratio, 3)
    ((10, 25, 2), 1.0, 1.0)
    """
    f = vector(name)
    x = np.asarray(x, dtype=float).reshape(2)
    if (entry(name).n_in, entry(name).n_out) != (2, 2):
        raise GradlibError(f"{name!r} is not a map R^2 -> R^2; the grid picture needs one, "
                           f"e.g. one of {names(2, 2)}.")
    ticks = np.linspace(-radius, radius, count)
    run = np.linspace(-radius, radius, points)
    vertical = [np.stack([np.full(points, a), run], axis=1) for a in ticks]
    horizontal = [np.stack([run, np.full(points, b)], axis=1) for b in ticks]
    dx = np.array(vertical + horizontal)                         # (L, P, 2) offsets from x
    lines = x + dx
    image = np.moveaxis(f(lines.reshape(-1, 2).T), 0, -1).reshape(lines.shape)
    J = numeric.jacobian(f, x)
    y = f(x)
    linear = y + dx @ J.T                                     # each row dx -> J dx
    # walk the square's boundary: bottom edge, right edge, top edge backwards, left edge backwards
    boundary = np.concatenate([image[count], image[count - 1], image[-1][::-1], image[0][::-1]])
    area = _polygon_area(boundary) / (2 * radius) ** 2
    return GridMap(x=x, y=y, lines=lines, image=image, linear=linear, J=J,
                   det=float(np.linalg.det(J)), area_ratio=float(area))


@dataclass(frozen=True)
class ShapeScene:
    """Shapes in J @ dx = df for f: R^n -> R^m, in numbers and in words."""

    n: int
    m: int
    J: tuple[int, int]
    dx: tuple[int, int]
    df: tuple[int, int]
    text: str
    name: str


def shape_scene(n: int, m: int) -> ShapeScene:
    """The blocks of J (m x n) times dx (n x 1) giving df (m x 1), and what the case is called.

    >>> s = shape_scene(3, 1)
    >>> s.J, s.df, s.name
    ((1, 3), (1, 1), 'gradient: a row')
    """
    if n < 1 or m < 1:
        raise GradlibError(f"sizes must be at least 1, got n={n}, m={m}.")
    text = shapes.describe_product([("J", (m, n)), ("dx", (n, 1))], result="df")
    if m == 1 and n == 1:
        kind = "derivative of f: R -> R: a 1 x 1 matrix"
    elif m == 1:
        kind = "gradient: a row"
    elif n == 1:
        kind = "derivative of a curve: a column"
    else:
        kind = "Jacobian: m rows, one gradient per output"
    return ShapeScene(n=n, m=m, J=(m, n), dx=(n, 1), df=(m, 1), text=text, name=kind)
