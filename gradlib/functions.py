"""The catalogue of teaching functions, each with a numeric and a symbolic form.

Every entry has ``f``, a numpy function written by hand, and ``expr``, the
same function as a sympy column; the tests check one against the other, so
each is an independent reference for the other. ``f`` takes x of shape (n,)
(a scalar t for curves) and returns a float (n_out == 1) or shape (m,); it
also takes complex x (for the complex-step method) and a batch of shape
(n, N), returning (N,) or (m, N) (any (n, *batch), e.g. a grid (n, N, M)).

Fixed matrices (``A``, ``W``, ``B``, ``TARGET``) are literal binary fractions,
so the numeric and the exact sympy forms agree to the last bit, in every
lesson and test.

>>> import numpy as np
>>> import gradlib as gl
>>> g = gl.functions.get("polar_to_cartesian")
>>> g.n_in, g.n_out, g.kind
(2, 2, 'map')
>>> g.jacobian_exact([2.0, np.pi / 2]).round(12)
array([[ 0., -2.],
       [ 1.,  0.]])
"""

import difflib
import types
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from . import symbolic
from .errors import GradlibError
from .shapes import as_points

__all__ = [
    "TeachingFunction",
    "CATALOGUE",
    "KINDS",
    "get",
    "by_kind",
    "composable_pairs",
    "is_entry",
    "A",
    "W",
    "B",
    "TARGET",
]

KINDS = ("scalar field", "curve", "map")


def _constant(rows):
    """A read-only float array and its exact sympy Matrix, from one literal."""
    array = np.array(rows, dtype=float)
    array.setflags(write=False)
    return array, sympy.Matrix(array.tolist()).applyfunc(sympy.Rational)


A, _A = _constant([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]])  # linear_map: R^2 -> R^3
W, _W = _constant([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]])  # neural_layer weights: R^3 -> R^2
B, _B = _constant([0.5, -0.25])  # neural_layer bias
TARGET, _TARGET = _constant([1.0, -0.5])  # squared_error target


def _batch(v, x):
    """A constant vector v, shape (m,), shaped to broadcast against x of shape (n, *batch)."""
    return v.reshape(v.shape + (1,) * (x.ndim - 1))


@dataclass(frozen=True, eq=False)
class TeachingFunction:
    """One function of the catalogue: numeric ``f``, exact ``expr``, and what a lesson needs.

    Attributes
    ----------
    name : str
    description : str
        One line for a learner.
    kind : {"scalar field", "curve", "map"}
    variables : tuple of sympy.Symbol, length n_in
    expr : sympy.ImmutableMatrix, shape (n_out, 1)
    f : callable
        x, shape (n_in,) -> float if n_out == 1, else shape (n_out,); batches
        (n_in, N) -> (N,) or (n_out, N); complex x works.
    point : ndarray, shape (n_in,)
        A sensible default point (read-only).
    domain : tuple of (min, max) pairs, one per input, or None
        Plotting range, e.g. ((xmin, xmax), (ymin, ymax)) for contour plots, or the parameter
        interval ((t0, t1),) a curve is drawn over (every curve has one).
    chain_rule : bool
        Whether the chain-rule lesson offers it (:func:`composable_pairs`, the stepper's menu of
        pairs). False for an entry made for another lesson's pictures, e.g. the plane maps
        ``complex_square`` and ``shear`` of lesson 3's grid, which :func:`by_kind` still lists.
    """

    name: str
    description: str
    kind: str
    variables: tuple
    expr: sympy.ImmutableMatrix
    f: object = field(repr=False)
    point: np.ndarray = field(repr=False)
    domain: tuple = None
    chain_rule: bool = True

    @property
    def n_in(self):
        """n, the number of inputs."""
        return len(self.variables)

    @property
    def n_out(self):
        """m, the number of outputs."""
        return self.expr.rows

    @cached_property
    def jacobian_expr(self):
        """The exact Jacobian, sympy Matrix of shape (n_out, n_in)."""
        return symbolic.jacobian(self.expr, self.variables)

    @cached_property
    def _jacobian_numeric(self):
        return symbolic.lambdify(self.jacobian_expr, self.variables)

    def jacobian_exact(self, x):
        """The exact Jacobian at x, shape (n_out, n_in); for x of shape (n_in, N), (n_out, n_in, N).

        Examples
        --------
        >>> get("paraboloid").jacobian_exact([1.0, 2.0])
        array([[2., 4.]])
        """
        return self._jacobian_numeric(x)

    def latex(self, name="f"):
        """The formula as LaTeX, e.g. ``f(x, y) = x^{2} + y^{2}``.

        Examples
        --------
        >>> print(get("paraboloid").latex())
        f(x, y) = x^{2} + y^{2}
        """
        args = ", ".join(sympy.latex(v) for v in self.variables)
        body = sympy.latex(self.expr[0] if self.n_out == 1 else self.expr)
        return f"{name}({args}) = {body}"

    def __repr__(self):
        return f"<TeachingFunction {self.name}: R^{self.n_in} -> R^{self.n_out}, {self.kind}>"


def is_entry(obj) -> bool:
    """Whether obj is a catalogue entry (a :class:`TeachingFunction`).

    >>> is_entry(get("paraboloid")), is_entry(lambda v: v)
    (True, False)
    """
    return isinstance(obj, TeachingFunction)


def _entry(name, description, kind, variables, exprs, f, point, domain=None, *, chain_rule=True):
    point = np.array(point, dtype=float)
    point.setflags(write=False)
    return TeachingFunction(
        name,
        description,
        kind,
        tuple(variables),
        sympy.ImmutableMatrix(exprs),
        f,
        point,
        domain,
        chain_rule,
    )


# --- the numeric forms, written by hand (the sympy forms below are the reference) ---


def _paraboloid(v):
    x, y = as_points(v, 2)
    return x**2 + y**2


def _rosenbrock(v):
    x, y = as_points(v, 2)
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _saddle(v):
    x, y = as_points(v, 2)
    return x**2 - y**2


def _ripple(v):
    x, y = as_points(v, 2)
    return np.sin(x) * np.cos(y)


def _bump(v):
    x, y = as_points(v, 2)
    return np.exp(-(x**2 + y**2) / 2)


def _circle(v):
    (t,) = as_points(v, 1)
    return np.array([np.cos(t), np.sin(t)])


def _helix(v):
    (t,) = as_points(v, 1)
    return np.array([np.cos(t), np.sin(t), t / 4])


def _lissajous(v):
    (t,) = as_points(v, 1)
    return np.array([np.sin(3 * t), np.sin(2 * t)])


def _spiral(v):
    (t,) = as_points(v, 1)
    return np.array([t * np.cos(t), t * np.sin(t)])


def _polar_to_cartesian(v):
    r, theta = as_points(v, 2)
    return np.array([r * np.cos(theta), r * np.sin(theta)])


def _spherical_to_cartesian(v):
    r, theta, phi = as_points(v, 3)
    return np.array(
        [r * np.sin(theta) * np.cos(phi), r * np.sin(theta) * np.sin(phi), r * np.cos(theta)]
    )


def _matvec(M, x):
    """M @ x for x of shape (n,) or a batch (n, *batch), points along the first axis."""
    return np.tensordot(M, x, axes=(1, 0))


def _linear_map(v):
    return _matvec(A, as_points(v, 2))


def _complex_square(v):
    x, y = as_points(v, 2)
    return np.array([x * x - y * y, 2 * x * y])


def _shear(v):
    x, y = as_points(v, 2)
    return np.array([1.5 * x + 0.5 * y, y])


def _sigmoid(v):
    return 1 / (1 + np.exp(-as_points(v, 3)))


def _neural_layer(v):
    x = as_points(v, 3)
    return np.tanh(_matvec(W, x) + _batch(B, x))


def _softmax(v):
    z = as_points(v, 3)
    # Shifting by a real constant changes nothing mathematically and avoids overflow;
    # using the real part keeps f complex-analytic for the complex step.
    e = np.exp(z - z.real.max(axis=0))
    return e / e.sum(axis=0)


def _cross_entropy(v):
    z = as_points(v, 3)
    c = z.real.max(axis=0)
    return c + np.log(np.exp(z - c).sum(axis=0)) - z[0]


def _squared_error(v):
    y = as_points(v, 2)
    return ((y - _batch(TARGET, y)) ** 2).sum(axis=0) / 2


def _square_norm(v):
    return (as_points(v, 3) ** 2).sum(axis=0)


x, y, z, t = symbolic.symbols("x y z t")
r, theta, phi = symbolic.symbols("r theta phi")
x1, x2, x3 = symbolic.symbols("x1 x2 x3")
y1, y2 = symbolic.symbols("y1 y2")
z1, z2, z3 = symbolic.symbols("z1 z2 z3")
_PLANE = ((-2.0, 2.0), (-2.0, 2.0))

CATALOGUE = types.MappingProxyType(
    {
        e.name: e
        for e in [
            _entry(
                "paraboloid",
                "a round bowl, lowest at the origin",
                "scalar field",
                (x, y),
                [x**2 + y**2],
                _paraboloid,
                [1.0, 2.0],
                _PLANE,
            ),
            _entry(
                "rosenbrock",
                "a curved narrow valley, the classic hard case for optimizers",
                "scalar field",
                (x, y),
                [(1 - x) ** 2 + 100 * (y - x**2) ** 2],
                _rosenbrock,
                [0.5, 0.5],
                ((-2.0, 2.0), (-1.0, 3.0)),
            ),
            _entry(
                "saddle",
                "up along x, down along y: a flat point that is no minimum",
                "scalar field",
                (x, y),
                [x**2 - y**2],
                _saddle,
                [1.0, 0.5],
                _PLANE,
            ),
            _entry(
                "ripple",
                "an egg-crate of hills and valleys",
                "scalar field",
                (x, y),
                [sympy.sin(x) * sympy.cos(y)],
                _ripple,
                [1.0, 0.5],
                ((-3.0, 3.0), (-3.0, 3.0)),
            ),
            _entry(
                "bump",
                "a Gaussian hill centred at the origin",
                "scalar field",
                (x, y),
                [sympy.exp(-(x**2 + y**2) / 2)],
                _bump,
                [1.0, -0.5],
                ((-3.0, 3.0), (-3.0, 3.0)),
            ),
            _entry(
                "circle",
                "the unit circle, once around as t goes from 0 to 2 pi",
                "curve",
                (t,),
                [sympy.cos(t), sympy.sin(t)],
                _circle,
                [np.pi / 4],
                ((0.0, 2 * np.pi),),
            ),
            _entry(
                "helix",
                "a spring climbing the z axis",
                "curve",
                (t,),
                [sympy.cos(t), sympy.sin(t), t / 4],
                _helix,
                [1.0],
                ((0.0, 4 * np.pi),),
            ),
            _entry(
                "lissajous",
                "a Lissajous figure, frequencies 3 and 2",
                "curve",
                (t,),
                [sympy.sin(3 * t), sympy.sin(2 * t)],
                _lissajous,
                [0.3],
                ((0.0, 2 * np.pi),),
            ),
            _entry(
                "spiral",
                "an Archimedean spiral, moving out as it turns",
                "curve",
                (t,),
                [t * sympy.cos(t), t * sympy.sin(t)],
                _spiral,
                [2.0],
                ((0.0, 4 * np.pi),),
            ),
            _entry(
                "polar_to_cartesian",
                "polar coordinates (r, theta) to the plane (x, y)",
                "map",
                (r, theta),
                [r * sympy.cos(theta), r * sympy.sin(theta)],
                _polar_to_cartesian,
                [2.0, np.pi / 6],
                ((0.0, 2.0), (0.0, 2 * np.pi)),
            ),
            _entry(
                "spherical_to_cartesian",
                "spherical coordinates (r, theta, phi) to space (x, y, z)",
                "map",
                (r, theta, phi),
                [
                    r * sympy.sin(theta) * sympy.cos(phi),
                    r * sympy.sin(theta) * sympy.sin(phi),
                    r * sympy.cos(theta),
                ],
                _spherical_to_cartesian,
                [2.0, np.pi / 4, np.pi / 3],
            ),
            _entry(
                "linear_map",
                "x -> A x with a fixed 3x2 matrix A: its Jacobian is A everywhere",
                "map",
                (x, y),
                list(_A @ sympy.Matrix([x, y])),
                _linear_map,
                [1.0, 2.0],
            ),
            _entry(
                "sigmoid",
                "the logistic sigmoid applied to each entry: a diagonal Jacobian",
                "map",
                (x1, x2, x3),
                [1 / (1 + sympy.exp(-v)) for v in (x1, x2, x3)],
                _sigmoid,
                [0.5, -1.0, 2.0],
            ),
            _entry(
                "neural_layer",
                "a neural network layer tanh(W x + b), fixed W (2x3) and b",
                "map",
                (x1, x2, x3),
                list((_W @ sympy.Matrix([x1, x2, x3]) + _B).applyfunc(sympy.tanh)),
                _neural_layer,
                [1.0, -0.5, 2.0],
            ),
            _entry(
                "softmax",
                "softmax: scores to probabilities that sum to 1",
                "map",
                (z1, z2, z3),
                [sympy.exp(v) / sum(sympy.exp(u) for u in (z1, z2, z3)) for v in (z1, z2, z3)],
                _softmax,
                [1.0, 2.0, 0.5],
            ),
            _entry(
                "cross_entropy",
                "cross-entropy loss of scores z when the true class is the first",
                "scalar field",
                (z1, z2, z3),
                [sympy.log(sum(sympy.exp(u) for u in (z1, z2, z3))) - z1],
                _cross_entropy,
                [1.0, 2.0, 0.5],
            ),
            _entry(
                "squared_error",
                "half the squared distance of y to a fixed target (1, -0.5)",
                "scalar field",
                (y1, y2),
                [((y1 - _TARGET[0]) ** 2 + (y2 - _TARGET[1]) ** 2) / 2],
                _squared_error,
                [0.5, 0.25],
                _PLANE,
            ),
            _entry(
                "square_norm",
                "the squared length x^2 + y^2 + z^2 of a vector in space",
                "scalar field",
                (x, y, z),
                [x**2 + y**2 + z**2],
                _square_norm,
                [1.0, 2.0, 2.0],
            ),
            # Lesson 3's grid picture also bends the plane with these two; the chain rule's
            # menu of pairs leaves them out.
            _entry(
                "complex_square",
                "z -> z^2 for z = x + i y: angles double, areas scale by 4 |z|^2",
                "map",
                (x, y),
                [x**2 - y**2, 2 * x * y],
                _complex_square,
                [1.0, 0.5],
                ((-1.5, 1.5), (-1.5, 1.5)),
                chain_rule=False,
            ),
            _entry(
                "shear",
                "a linear map: stretch x by 1.5 and shear by y / 2; J is the same everywhere",
                "map",
                (x, y),
                [sympy.Rational(3, 2) * x + y / 2, y],
                _shear,
                [0.5, 0.5],
                _PLANE,
                chain_rule=False,
            ),
        ]
    }
)
del x, y, z, t, r, theta, phi, x1, x2, x3, y1, y2, z1, z2, z3


def get(name):
    """The catalogue entry called ``name``.

    Raises
    ------
    GradlibError
        For an unknown name, listing the valid names (and the closest one).

    Examples
    --------
    >>> get("helix")
    <TeachingFunction helix: R^1 -> R^3, curve>
    """
    try:
        return CATALOGUE[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), CATALOGUE, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise GradlibError(
            f"no teaching function called {name!r}.{hint} The catalogue has: "
            + ", ".join(CATALOGUE)
        ) from None


def by_kind(kind):
    """The entries of one kind, in catalogue order: a list of TeachingFunction.

    Examples
    --------
    >>> [g.name for g in by_kind("curve")]
    ['circle', 'helix', 'lissajous', 'spiral']
    """
    if kind not in KINDS:
        raise GradlibError(f"unknown kind {kind!r}; the kinds are: " + ", ".join(KINDS))
    return [entry for entry in CATALOGUE.values() if entry.kind == kind]


def composable_pairs():
    """Every (g1, g2) pair of names where g2(g1(x)) makes sense: g1.n_out == g2.n_in.

    Only entries with ``chain_rule`` set take part.

    Returns
    -------
    list of (str, str)
        In catalogue order of g1, then g2. The chain-rule lesson offers only these.

    Examples
    --------
    >>> ("polar_to_cartesian", "paraboloid") in composable_pairs()
    True
    """
    return [
        (g1.name, g2.name)
        for g1 in CATALOGUE.values()
        for g2 in CATALOGUE.values()
        if g1.chain_rule and g2.chain_rule and g1.n_out == g2.n_in
    ]
