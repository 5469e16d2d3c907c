"""Test cases of the peers' own suites, with their exact references, in gradlib's layout.

Ported from scipy/differentiate/tests/test_differentiate.py (scipy 1.17), scipy/optimize/tests/
test__numdiff.py (approx_derivative) and numdifftools 0.11 (example_functions.py,
tests/test_numdifftools.py), plus the Moré-Garbow-Hillstrom problems that issue 14 names (Brown
badly scaled, trigonometric, Chebyquad; Hessians exact from SymPy). Every function takes a point
x of shape (n,), or a batch of shape (n, k) (scipy.differentiate's convention), and returns a
scalar or shape (m,) (batch: (m, k)). Used by bench/bench_numeric.py (the table against the
peers) and by tests/test_numeric_peers.py (which loads this file by its path).

CASES: list of Case(source, name, kind, f, x, ref): kind "jacobian" (ref (m, n)) or "hessian"
(ref (n, n)); a derivative of f: R -> R is the jacobian of shape (1, 1).
"""

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import optimize, special, stats


@dataclass(frozen=True)
class Case:
    source: str
    name: str
    kind: str
    f: object
    x: np.ndarray
    ref: np.ndarray


CASES = []


def add(source, name, kind, f, x, ref):
    x = np.atleast_1d(np.asarray(x, dtype=float))
    ref = np.asarray(ref, dtype=float)
    ref = ref.reshape(x.size, x.size) if kind == "hessian" else ref.reshape(-1, x.size)
    CASES.append(Case(source, name, kind, f, x, ref))


def scalar(g):
    """f(v) = g(v[0]) for a function g of one real variable (and of arrays, elementwise)."""
    return lambda v: g(v[0])


# ------------------------------------------------------------------ scipy.differentiate
SD = "scipy.differentiate"
for x0 in [0.6, *np.linspace(-0.05, 1.05, 10)]:  # TestDerivative.test_basic
    add(SD, f"ndtr at {x0:.3g}", "jacobian", scalar(special.ndtr), x0, stats.norm.pdf(x0))
for distname, params in stats._distr_params.distcont:  # TestDerivative.test_accuracy
    dist = getattr(stats, distname)(*params)
    x0 = float(dist.median() + 0.1)
    add(SD, f"{distname}.cdf at median + 0.1", "jacobian", scalar(dist.cdf), x0, dist.pdf(x0))


def preserve_shape(v):  # TestDerivative.test_preserve_shape
    x = v[0]
    return np.stack([x, np.sin(3 * x), x + np.sin(10 * x), np.sin(20 * x) * (x - 1) ** 2])


add(
    SD,
    "[x, sin 3x, x + sin 10x, sin(20x)(x-1)^2] at 0",
    "jacobian",
    preserve_shape,
    0.0,
    [[1.0], [3.0], [11.0], [20.0]],
)
add(SD, "x^99 - 1 at 7", "jacobian", scalar(lambda x: x**99 - 1), 7.0, 99 * 7.0**98)
for k in range(6):  # test_special_cases: polynomials
    add(
        SD,
        f"2 x^{k} at 1.5",
        "jacobian",
        scalar(lambda x, k=k: 2 * x**k + 0 * x),
        1.5,
        2 * k * 1.5 ** (k - 1) if k else 0.0,
    )
add(SD, "3x - 1 at 2", "jacobian", scalar(lambda x: 3 * x - 1), 2.0, 3.0)
add(SD, "(x - 1)^3 at 1 (gh-18811)", "jacobian", scalar(lambda x: (x - 1) ** 3), 1.0, 0.0)


def jac_examples():  # TestJacobian.test_examples: Wikipedia's examples and rosen
    def f1(z):
        x, y = z
        return np.stack([x**2 * y, 5 * x + np.sin(y)])

    def df1(z):
        x, y = z
        return [[2 * x * y, x**2], [5.0, np.cos(y)]]

    def f2(z):
        r, phi = z
        return np.stack([r * np.cos(phi), r * np.sin(phi)])

    def df2(z):
        r, phi = z
        return [[np.cos(phi), -r * np.sin(phi)], [np.sin(phi), r * np.cos(phi)]]

    def f3(z):
        r, phi, th = z
        return np.stack(
            [r * np.sin(phi) * np.cos(th), r * np.sin(phi) * np.sin(th), r * np.cos(phi)]
        )

    def df3(z):
        r, phi, th = z
        return [
            [np.sin(phi) * np.cos(th), r * np.cos(phi) * np.cos(th), -r * np.sin(phi) * np.sin(th)],
            [np.sin(phi) * np.sin(th), r * np.cos(phi) * np.sin(th), r * np.sin(phi) * np.cos(th)],
            [np.cos(phi), -r * np.sin(phi), 0.0],
        ]

    def f4(x):
        x1, x2, x3 = x
        return np.stack([x1, 5 * x3, 4 * x2**2 - 2 * x3, x3 * np.sin(x1)])

    def df4(x):
        x1, x2, x3 = x
        return [
            [1.0, 0.0, 0.0],
            [0.0, 0.0, 5.0],
            [0.0, 8 * x2, -2.0],
            [x3 * np.cos(x1), 0.0, np.sin(x1)],
        ]

    def f5(x):
        x1, x2, x3 = x
        return np.stack([5 * x2, 4 * x1**2 - 2 * np.sin(x2 * x3), x2 * x3])

    def df5(x):
        x1, x2, x3 = x
        return [
            [0.0, 5.0, 0.0],
            [8 * x1, -2 * x3 * np.cos(x2 * x3), -2 * x2 * np.cos(x2 * x3)],
            [0.0, x3, x2],
        ]

    rosen = (optimize.rosen, lambda x: optimize.rosen_der(x)[None, :], 5)
    funcs = {
        "f1": (f1, df1, 2),
        "f2": (f2, df2, 2),
        "f3": (f3, df3, 3),
        "f4": (f4, df4, 3),
        "f5": (f5, df5, 3),
        "rosen": rosen,
    }
    for name, (f, df, n) in funcs.items():
        rng = np.random.default_rng(458912319542)
        for size in [(), (6,), (2, 3)]:
            X = rng.random(size=(n,) + size).reshape(n, -1)
            for k in range(X.shape[1]):
                add(SD, f"jacobian {name} #{k} of size {size}", "jacobian", f, X[:, k], df(X[:, k]))
    return f5, df5


f5, df5 = jac_examples()
add(
    SD,
    "jacobian of [cos(x/2) cos y, sin(2x) y^2] at [0.5, 0.25]",
    "jacobian",
    lambda z: np.stack([np.cos(0.5 * z[0]) * np.cos(z[1]), np.sin(2 * z[0]) * z[1] ** 2]),
    [0.5, 0.25],
    [
        [-0.5 * np.sin(0.25) * np.cos(0.25), -np.cos(0.25) * np.sin(0.25)],
        [2 * np.cos(1.0) * 0.0625, 2 * np.sin(1.0) * 0.25],
    ],
)


def restricted_f5(b):  # test_step_direction_size: f5, nan outside a box around b
    def f(x):
        x = np.array(x, dtype=float, copy=True)
        x[0] = np.where((x[0] < b[0]) | (x[0] > b[0] + 0.25), np.nan, x[0])
        x[1] = np.where((x[1] > b[1]) | (x[1] < b[1] - 0.1 - 1e-7), np.nan, x[1])
        return f5(x)

    return f


b = np.random.default_rng(23892589425245).random(3)
add(
    SD,
    "f5 defined only on one side of x (step_direction_size)",
    "jacobian",
    restricted_f5(b),
    b,
    df5(b),
)
for shape in [(), (4,), (2, 4)]:  # TestHessian.test_example
    rng = np.random.default_rng(458912319542)
    X = rng.random((3,) + shape).reshape(3, -1)
    for k in range(X.shape[1]):
        add(
            SD,
            f"hessian rosen #{k} of shape {shape}",
            "hessian",
            optimize.rosen,
            X[:, k],
            optimize.rosen_hess(X[:, k]),
        )
add(
    SD,
    "hessian sin(x) y^3 at [0.5, 0.25]",
    "hessian",
    lambda z: np.sin(z[0]) * z[1] ** 3,
    [0.5, 0.25],
    [
        [-np.sin(0.5) * 0.25**3, 3 * np.cos(0.5) * 0.25**2],
        [3 * np.cos(0.5) * 0.25**2, 6 * np.sin(0.5) * 0.25],
    ],
)

# ------------------------------------------------------------------ scipy.optimize
# approx_derivative
AD = "approx_derivative"


def vector_vector(x):
    return np.stack([x[0] * np.sin(x[1]), x[1] * np.cos(x[0]), x[0] ** 3 * x[1] ** -0.5])


def jac_vector_vector(x):
    return [
        [np.sin(x[1]), x[0] * np.cos(x[1])],
        [-x[1] * np.sin(x[0]), np.cos(x[0])],
        [3 * x[0] ** 2 * x[1] ** -0.5, -0.5 * x[0] ** 3 * x[1] ** -1.5],
    ]


def vector_scalar(x):
    return np.sin(x[0] * x[1]) * np.log(x[0])


def jac_vector_scalar(x):
    return [
        [
            x[1] * np.cos(x[0] * x[1]) * np.log(x[0]) + np.sin(x[0] * x[1]) / x[0],
            x[0] * np.cos(x[0] * x[1]) * np.log(x[0]),
        ]
    ]


add(AD, "sinh at 1", "jacobian", scalar(np.sinh), 1.0, np.cosh(1.0))
add(
    AD,
    "[x^2, tan x, exp x] at 0.5",
    "jacobian",
    lambda x: np.stack([x[0] ** 2, np.tan(x[0]), np.exp(x[0])]),
    0.5,
    [[1.0], [np.cos(0.5) ** -2], [np.exp(0.5)]],
)
add(
    AD,
    "sin(x0 x1) log x0 at [100, -0.5]",
    "jacobian",
    vector_scalar,
    [100.0, -0.5],
    jac_vector_scalar(np.array([100.0, -0.5])),
)
for x0 in ([-100.0, 0.2], [-0.1, 0.1], [-1.0, 1.0], [1.0, 2.0], [10.0, 10.0]):
    add(
        AD,
        f"[x0 sin x1, x1 cos x0, x0^3 / sqrt x1] at {x0}",
        "jacobian",
        vector_vector,
        x0,
        jac_vector_vector(np.array(x0)),
    )
add(
    AD,
    "[exp(-x0), exp(x1)] at [1, 1]",
    "jacobian",
    lambda x: np.stack([np.exp(-x[0]), np.exp(x[1])]),
    [1.0, 1.0],
    [[-np.exp(-1.0), 0.0], [0.0, np.exp(1.0)]],
)
add(
    AD,
    "[x0 x1, cos(x0 x1)] at [0, 0] (zero Jacobian rows)",
    "jacobian",
    lambda x: np.stack([x[0] * x[1], np.cos(x[0] * x[1])]),
    [0.0, 0.0],
    [[0.0, 0.0], [0.0, 0.0]],
)
add(
    AD,
    "math.exp at 1 (not numpy)",
    "jacobian",
    lambda x: math.exp(float(np.real(x[0]))),
    1.0,
    math.exp(1.0),
)
add(
    AD,
    "rosen at [0.5, 1.5, 2]",
    "jacobian",
    optimize.rosen,
    [0.5, 1.5, 2.0],
    optimize.rosen_der(np.array([0.5, 1.5, 2.0])),
)


def sparse_example():  # TestApproxDerivativeSparse (Nocedal & Wright p. 198), n = 50
    n = 50
    lb, ub = -0.1 * (1 + np.arange(n)), 0.1 * (1 + np.arange(n))
    x0 = np.empty(n)
    x0[::2], x0[1::2] = (1 - 1e-7) * lb[::2], (1 - 1e-7) * ub[1::2]

    def fun(x):
        e = x[1:] ** 3 - x[:-1] ** 2
        zero = np.zeros_like(x[:1])
        return np.concatenate((zero, 3 * e)) + np.concatenate((2 * e, zero))

    J = np.zeros((n, n))
    J[0, 0], J[0, 1] = -4 * x0[0], 6 * x0[1] ** 2
    for i in range(1, n - 1):
        J[i, i - 1], J[i, i + 1] = -6 * x0[i - 1], 6 * x0[i + 1] ** 2
        J[i, i] = 9 * x0[i] ** 2 - 4 * x0[i]
    J[-1, -1], J[-1, -2] = 9 * x0[-1] ** 2, -6 * x0[-2]
    add(AD, "sparse tridiagonal example, n = 50", "jacobian", fun, x0, J)


sparse_example()
# a kink at x: -|x0 + 1| + |x1 + 1| at [-1, -1] has no gradient (test_absolute_step_sign)
add(
    AD,
    "-|x0 + 1| + |x1 + 1| at its kink [-1, -1]",
    "jacobian",
    lambda x: -np.abs(x[0] + 1) + np.abs(x[1] + 1),
    [-1.0, -1.0],
    [[np.nan, np.nan]],
)

# ------------------------------------------------------------------ numdifftools
ND = "numdifftools"
_DERIVATIVES = {  # example_functions.py, at x = 0.5: (f, f', f'')
    "cos": (np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x)),
    "sin": (np.sin, np.cos, lambda x: -np.sin(x)),
    "tan": (np.tan, lambda x: 1 / np.cos(x) ** 2, lambda x: 2 * np.tan(x) / np.cos(x) ** 2),
    "cosh": (np.cosh, np.sinh, np.cosh),
    "sinh": (np.sinh, np.cosh, np.sinh),
    "tanh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2, lambda x: -2 * np.sinh(x) / np.cosh(x) ** 3),
    "arcsinh": (np.arcsinh, lambda x: 1 / np.sqrt(1 + x**2), lambda x: -x / (1 + x**2) ** 1.5),
    "exp": (np.exp, np.exp, np.exp),
    "expm1": (np.expm1, np.exp, np.exp),
    "exp2": (np.exp2, lambda x: np.exp2(x) * np.log(2), lambda x: np.exp2(x) * np.log(2) ** 2),
    "square": (np.square, lambda x: 2 * x, lambda x: 2.0 + 0 * x),
    "sqrt": (np.sqrt, lambda x: 0.5 / np.sqrt(x), lambda x: -0.25 / x**1.5),
    "log": (np.log, lambda x: 1 / x, lambda x: -1 / x**2),
    "log1p": (np.log1p, lambda x: 1 / (1 + x), lambda x: -1 / (1 + x) ** 2),
    "log10": (np.log10, lambda x: 1 / (x * np.log(10)), lambda x: -1 / (x**2 * np.log(10))),
    "log2": (np.log2, lambda x: 1 / (x * np.log(2)), lambda x: -1 / (x**2 * np.log(2))),
    "arccos": (np.arccos, lambda x: -1 / np.sqrt(1 - x**2), lambda x: -x / (1 - x**2) ** 1.5),
    "arcsin": (np.arcsin, lambda x: 1 / np.sqrt(1 - x**2), lambda x: x / (1 - x**2) ** 1.5),
    "arctan": (np.arctan, lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2),
}
for name, (g, dg, ddg) in _DERIVATIVES.items():
    add(ND, f"{name}' at 0.5", "jacobian", scalar(g), 0.5, dg(0.5))
    add(ND, f"{name}'' at 0.5 (1-D Hessian)", "hessian", scalar(g), 0.5, ddg(0.5))
for x0 in np.linspace(0, 2 * np.pi, 13):  # test_derivative_sin
    add(ND, f"sin' at {x0:.4g}", "jacobian", scalar(np.sin), x0, np.cos(x0))
add(ND, "exp' at 0", "jacobian", scalar(np.exp), 0.0, 1.0)
add(ND, "log' at 0.001", "jacobian", scalar(np.log), 0.001, 1000.0)
add(ND, "(x^3)' at 2", "jacobian", scalar(lambda x: x * x * x), 2.0, 12.0)
add(
    ND,
    "gradient of x0 x1 x2 + exp(x0) x1 at [3, 5, 7]",
    "jacobian",
    lambda x: x[0] * x[1] * x[2] + np.exp(x[0]) * x[1],
    [3.0, 5.0, 7.0],
    [[35 + 5 * np.exp(3.0), 21 + np.exp(3.0), 15.0]],
)
add(
    ND,
    "gradient of sum(x^2) at [1, 2, 3]",
    "jacobian",
    lambda x: np.sum(x**2, axis=0),
    [1.0, 2.0, 3.0],
    [[2.0, 4.0, 6.0]],
)
add(
    ND,
    "jacobian of x^2 at ones(10) (issue 27)",
    "jacobian",
    lambda x: x**2,
    np.ones(10),
    2 * np.eye(10),
)
for x0 in ([1.0, 2.0], [3.0, 4.0]):  # test_on_matrix_valued_function
    add(
        ND,
        f"jacobian of [x0^2 + x1^2, x0^3 + x1^3] at {x0}",
        "jacobian",
        lambda x: np.stack([x[0] ** 2 + x[1] ** 2, x[0] ** 3 + x[1] ** 3]),
        x0,
        [[2 * x0[0], 2 * x0[1]], [3 * x0[0] ** 2, 3 * x0[1] ** 2]],
    )
add(
    ND,
    "jacobian of [sum(x^2) - 1] at [1, 2] (issue 68)",
    "jacobian",
    lambda x: np.stack([np.sum(x**2, axis=0) - 1]),
    [1.0, 2.0],
    [[2.0, 4.0]],
)
xdata = np.arange(0, 1, 0.1)
ydata = 1 + 2 * np.exp(0.75 * xdata)
add(
    ND,
    "residuals (c0 + c1 exp(c2 t) - y)^2 at the solution [1, 2, 0.75]",
    "jacobian",
    lambda c: (
        (
            c[0]
            + c[1] * np.exp(np.multiply.outer(xdata, c[2]))
            - ydata.reshape((-1,) + (1,) * (np.ndim(c) - 1))
        )
        ** 2
    ),
    [1.0, 2.0, 0.75],
    np.zeros((10, 3)),
)
add(
    ND,
    "hessian of x0 x1 x2 + exp(x0) x1 at [3, 5, 7]",
    "hessian",
    lambda x: x[0] * x[1] * x[2] + np.exp(x[0]) * x[1],
    [3.0, 5.0, 7.0],
    [[np.exp(3.0) * 5, np.exp(3.0) + 7, 5.0], [np.exp(3.0) + 7, 0.0, 3.0], [5.0, 3.0, 0.0]],
)
add(
    ND,
    "hessian of cos(x - y) at [0, 0]",
    "hessian",
    lambda z: np.cos(z[0] - z[1]),
    [0.0, 0.0],
    [[-1.0, 1.0], [1.0, -1.0]],
)
add(
    ND,
    "hessian of x0 + x1^2 + x2^3 at [1, 2, 3] (Hessdiag)",
    "hessian",
    lambda x: x[0] + x[1] ** 2 + x[2] ** 3,
    [1.0, 2.0, 3.0],
    np.diag([0.0, 2.0, 18.0]),
)
add(
    ND,
    "hessian of 1 / (exp(x0) + cos(x1) + 10) at [1, 2] (issue 39)",
    "hessian",
    lambda x: 1 / (np.exp(x[0]) + np.cos(x[1]) + 10),
    [1.0, 2.0],
    np.array(
        sp.hessian(1 / (sp.exp(sp.Symbol("a")) + sp.cos(sp.Symbol("b")) + 10), sp.symbols("a b"))
        .subs({"a": 1, "b": 2})
        .evalf(30),
        dtype=float,
    ),
)


# ------------------------------------------------------------------ Moré-Garbow-Hillstrom (issue
# 14)
def mgh(name, expr, symbols, x0):
    """A sum of squares from SymPy: f and its exact Hessian at x0 (30 digits)."""
    f = sp.lambdify([symbols], expr, "numpy")
    H = sp.hessian(expr, symbols).subs(dict(zip(symbols, x0, strict=True))).evalf(30)
    add("MGH", name, "hessian", f, x0, np.array(H, dtype=float))


a, b = sp.symbols("a b")
mgh(
    "Brown badly scaled at [1, 1]",
    (a - 10**6) ** 2 + (b - sp.Rational(2, 10**6)) ** 2 + (a * b - 2) ** 2,
    (a, b),
    [1.0, 1.0],
)
mgh(
    "Brown badly scaled at its minimum [1e6, 2e-6]",
    (a - 10**6) ** 2 + (b - sp.Rational(2, 10**6)) ** 2 + (a * b - 2) ** 2,
    (a, b),
    [1e6, 2e-6],
)
for n in (2, 5):
    X = sp.symbols(f"x0:{n}")
    trig = sum(
        (n - sum(sp.cos(v) for v in X) + (i + 1) * (1 - sp.cos(X[i])) - sp.sin(X[i])) ** 2
        for i in range(n)
    )
    mgh(f"trigonometric n = {n} at 1/n", trig, X, [1.0 / n] * n)
    mgh(f"trigonometric n = {n} at 1", trig, X, [1.0] * n)
    cheb = [sum(sp.chebyshevt(i, 2 * v - 1) for v in X) / n for i in range(1, n + 1)]
    cheb = [c - (sp.Rational(-1, i**2 - 1) if i % 2 == 0 else 0) for i, c in enumerate(cheb, 1)]
    mgh(
        f"Chebyquad n = {n} at j/(n+1)",
        sum(c**2 for c in cheb),
        X,
        [(j + 1) / (n + 1) for j in range(n)],
    )
