"""gradlib.autodiff: every VJP against finite differences, the graph and its backward steps, errors,
and a two-layer classifier trained with ad.grad."""

import functools
import zlib

import numpy as np
import pytest
import scipy.special
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlib as gl
from gradlib import GradlibError
from gradlib import autodiff as ad

RTOL = 1e-7  # richardson differences are good to ~1e-10 relative on these smooth functions


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)


def fd_vjp(f, args, i, u):
    """u^T J of f with respect to args[i] (gl.jacobian, numerator layout): shaped like args[i]."""
    x = np.asarray(args[i], dtype=float)

    def flat(v):
        a = list(args)
        a[i] = v.reshape(x.shape)
        return np.ravel(f(*a))

    J = gl.jacobian(flat, x.ravel(), method="richardson")
    assert J.shape == (u.size, x.size)  # (outputs, inputs)
    return (u.reshape(1, -1) @ J).reshape(x.shape)


def assert_close(got, expected, rtol=RTOL):
    assert got.shape == expected.shape
    scale = max(1.0, np.abs(expected).max(initial=0.0))
    assert np.abs(got - expected).max(initial=0.0) <= rtol * scale, (got, expected)


def normal(*shape):
    return lambda rng: rng.normal(size=shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, size=shape)


def away(*shape):
    """Entries with |a| >= 0.2: no kink of relu inside a finite-difference stencil."""
    return lambda rng: rng.uniform(0.2, 2.0, size=shape) * rng.choice([-1, 1], size=shape)


C345 = np.random.default_rng(1).normal(size=(3, 4, 5))
C24 = np.random.default_rng(2).normal(size=(2, 4))
LABELS = np.array([2, 0, 2, 1])

# id: (f, argument makers); every argument is traced and checked
OPS = {
    "a + b": (lambda a, b: a + b, [normal(3, 4), normal(4)]),
    "a + b, both broadcast": (lambda a, b: a + b, [normal(3, 1), normal(1, 4)]),
    "a + b, smaller on the left": (lambda a, b: a + b, [normal(4), normal(2, 3, 4)]),
    "ndarray + a": (lambda a: C345 + a, [normal(4, 5)]),
    "number + a": (lambda a: 2.5 + a, [normal(2, 3)]),
    "a - b": (lambda a, b: a - b, [normal(2, 3), normal(3)]),
    "ndarray - a": (lambda a: C345 - a, [normal(4, 1)]),
    "a * b": (lambda a, b: a * b, [normal(3, 4), normal(3, 1)]),
    "ndarray * a": (lambda a: C345 * a, [normal(5)]),
    "a / b": (lambda a, b: a / b, [normal(3, 4), positive(4)]),
    "number / a": (lambda a: 1.0 / a, [positive(2, 3)]),
    "a ** 3": (lambda a: a**3, [normal(2, 3)]),
    "a ** b": (lambda a, b: a**b, [positive(2, 3), normal(3)]),
    "number ** a": (lambda a: 2.0**a, [normal(4)]),
    "-a": (lambda a: -a, [normal(2, 3)]),
    "A @ B": (lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    "vector @ B": (lambda a, b: a @ b, [normal(4), normal(4, 2)]),
    "A @ vector": (lambda a, b: a @ b, [normal(3, 4), normal(4)]),
    "vector @ vector": (lambda a, b: a @ b, [normal(4), normal(4)]),
    "batched A @ B": (lambda a, b: a @ b, [normal(2, 3, 4), normal(4, 5)]),
    "ndarray @ A": (lambda a: C24 @ a, [normal(4, 3)]),
    "A.T": (lambda a: a.T, [normal(3, 4)]),
    "A.T, 3 axes": (lambda a: a.T, [normal(2, 3, 4)]),
    "a[1]": (lambda a: a[1], [normal(3, 4)]),
    "a[1:3, ::-2]": (lambda a: a[1:3, ::-2], [normal(4, 5)]),
    "a[[0, 0, 2, 0]], repeated": (lambda a: a[[0, 0, 2, 0]], [normal(3, 2)]),
    "a[:, [1, 1]], repeated": (lambda a: a[:, [1, 1]], [normal(3, 2)]),
    "a[rows, cols], repeated": (
        lambda a: a[np.array([0, 2, 0]), np.array([1, 1, 1])],
        [normal(3, 2)],
    ),
    "a[mask]": (lambda a: a[np.array([True, False, True])], [normal(3, 2)]),
    "sum()": (lambda a: a.sum(), [normal(2, 3, 4)]),
    "sum(axis=0)": (lambda a: a.sum(axis=0), [normal(2, 3, 4)]),
    "sum(axis=-1, keepdims)": (lambda a: a.sum(axis=-1, keepdims=True), [normal(2, 3, 4)]),
    "sum(axis=(0, 2))": (lambda a: a.sum(axis=(0, 2)), [normal(2, 3, 4)]),
    "mean()": (lambda a: a.mean(), [normal(2, 3, 4)]),
    "mean(axis=1)": (lambda a: a.mean(axis=1), [normal(2, 3, 4)]),
    "mean(axis=(0, -1), keepdims)": (
        lambda a: a.mean(axis=(0, -1), keepdims=True),
        [normal(2, 3, 4)],
    ),
    "reshape(6, 4)": (lambda a: a.reshape(6, 4), [normal(2, 3, 4)]),
    "reshape((-1,))": (lambda a: a.reshape((-1,)), [normal(2, 3)]),
    "exp": (ad.exp, [normal(3, 4)]),
    "log": (ad.log, [positive(3, 4)]),
    "tanh": (ad.tanh, [normal(3, 4)]),
    "sigmoid": (ad.sigmoid, [normal(3, 4)]),
    "relu": (ad.relu, [away(3, 4)]),
    "softmax": (ad.softmax, [normal(3, 4)]),
    "softmax, 3 axes": (ad.softmax, [normal(2, 3, 4)]),
    "softmax, 1 axis": (ad.softmax, [normal(5)]),
    "logsumexp": (ad.logsumexp, [normal(3, 4)]),
    "logsumexp, 1 axis": (ad.logsumexp, [normal(5)]),
    # cross_entropy needs rows summing to 1; normalizing positive q keeps them so under the stencil
    "cross_entropy": (
        lambda q: ad.cross_entropy(q / q.sum(axis=1, keepdims=True), LABELS),
        [positive(4, 3)],
    ),
}


@pytest.mark.parametrize("name", OPS)
def test_vjp_matches_finite_differences(name):
    f, makers = OPS[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    args = [make(rng) for make in makers]
    graph = ad.trace(f, *args, argnums=tuple(range(len(args))))
    y = f(*args)  # the same code on plain arrays: plain arrays out
    assert not isinstance(y, ad.Node)
    assert_close(graph.output.value, np.asarray(y, dtype=float), rtol=1e-15)
    u = rng.normal(size=graph.output.shape)
    grads = graph.gradients(u)
    for i, (g, x) in enumerate(zip(grads, args, strict=True)):
        assert g.shape == x.shape
        assert_close(g, fd_vjp(f, args, i, u))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ad.softmax(ad.Node(np.zeros((1, 10**5)))),
        lambda: ad.tanh(ad.Node(np.zeros(10**6))),
        lambda: ad.Node(np.ones((1, 10**5))) @ np.ones((10**5, 1)),
        lambda: ad.logsumexp(ad.Node(np.zeros((2, 10**5)))),
    ],
)
def test_no_vjp_forms_a_jacobian(make):
    # A Jacobian of these would hold 10^10 or more floats (80 GB): the VJPs must work without it.
    out = make()
    x = out.parents[0]
    g = ad.Graph([x], out).gradients(np.ones(out.shape))[0]
    assert g.shape == x.shape


def test_forward_values_against_scipy():
    z = np.random.default_rng(3).normal(size=(4, 5)) * 30
    np.testing.assert_allclose(
        ad.softmax(z), scipy.special.softmax(z, axis=-1), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(ad.logsumexp(z), scipy.special.logsumexp(z, axis=-1), rtol=1e-14)
    np.testing.assert_allclose(ad.sigmoid(z), scipy.special.expit(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(ad.relu(z), np.where(z > 0, z, 0.0))
    np.testing.assert_array_equal(
        ad.grad(lambda a: ad.relu(a).sum())(np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 1.0]
    )  # the convention: 0 at the kink
    P = scipy.special.softmax(z[:, :3] / 30, axis=-1)
    assert ad.cross_entropy(P, [0, 2, 1, 1]) == pytest.approx(
        -np.mean(np.log([P[0, 0], P[1, 2], P[2, 1], P[3, 1]])), rel=1e-15
    )
    assert ad.logsumexp(np.array([1e4, 1e4])) == pytest.approx(1e4 + np.log(2), rel=1e-15)


def test_softmax_cross_entropy_gradient_is_s_minus_onehot_over_B():
    rng = np.random.default_rng(4)
    Z, y = rng.normal(size=(6, 4)) * 3, np.array([0, 3, 3, 1, 2, 0])
    g = ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), y))(Z)
    s = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    onehot = np.eye(4)[y]
    assert g.shape == (6, 4)
    assert np.abs(g - (s - onehot) / 6).max() <= 1e-12


def test_softmax_vjp_is_u_times_the_jacobian_diag_s_minus_ssT():
    z, u = np.array([0.5, -1.0, 2.0]), np.array([1.0, -2.0, 0.5])
    s = scipy.special.softmax(z)
    J = np.diag(s) - np.outer(s, s)  # (3, 3), numerator layout; symmetric
    got = ad.trace(ad.softmax, z).gradients(u)[0]
    np.testing.assert_allclose(got, u @ J, rtol=1e-14)


# Random compositions: each op maps a 2-D array to a 2-D array; constants are drawn when built.
COMPOSABLE = {
    "tanh": lambda shape, rng: ad.tanh,
    "sigmoid": lambda shape, rng: ad.sigmoid,
    "relu": lambda shape, rng: ad.relu,
    "exp(-a**2)": lambda shape, rng: lambda a: ad.exp(-(a**2)),
    "log(1 + a*a)": lambda shape, rng: lambda a: ad.log(1 + a * a),
    "1 / (2 + tanh)": lambda shape, rng: lambda a: 1 / (2 + ad.tanh(a)),
    "a / (1 + a*a)": lambda shape, rng: lambda a: a / (1 + a * a),
    "a * tanh(a)": lambda shape, rng: lambda a: a * ad.tanh(a),
    "a + row": lambda shape, rng: (lambda c: lambda a: a + c)(rng.normal(size=shape[1])),
    "column - a": lambda shape, rng: (lambda c: lambda a: c - a)(rng.normal(size=(shape[0], 1))),
    "column * a": lambda shape, rng: (lambda c: lambda a: c * a)(rng.normal(size=(shape[0], 1))),
    "a @ M": lambda shape, rng: (lambda M: lambda a: a @ M)(rng.normal(size=(shape[1], 3)) / 2),
    "M @ a": lambda shape, rng: (lambda M: lambda a: M @ a)(rng.normal(size=(2, shape[0])) / 2),
    "a.T": lambda shape, rng: lambda a: a.T,
    "sum(0, keepdims)": lambda shape, rng: lambda a: a.sum(axis=0, keepdims=True),
    "mean(1, keepdims)": lambda shape, rng: lambda a: a.mean(axis=1, keepdims=True),
    "a - a.mean(0)": lambda shape, rng: lambda a: a - a.mean(axis=0),
    "a * a.sum(1, keepdims)": lambda shape, rng: lambda a: a * a.sum(axis=1, keepdims=True),
    "softmax": lambda shape, rng: ad.softmax,
    "logsumexp": lambda shape, rng: lambda a: ad.logsumexp(a).reshape(-1, 1),
    "rows, repeated": lambda shape, rng: (lambda i: lambda a: a[i])(
        rng.integers(0, shape[0], shape[0] + 1)
    ),
    "a[:, ::-1]": lambda shape, rng: lambda a: a[:, ::-1],
    "reshape": lambda shape, rng: lambda a: a.reshape(shape[1], shape[0]),
}


def composition(names, x, rng):
    """A scalar function of x: the named ops in turn, then a weighted sum of every entry."""
    steps, a = [], x
    for name in names:
        steps.append(COMPOSABLE[name](a.shape, rng))
        a = steps[-1](a)
    W = rng.normal(size=a.shape)
    return lambda v: (functools.reduce(lambda acc, step: step(acc), steps, v) * W).sum()


# Some compositions are constant up to rounding (softmax over an axis of size 1): the differences'
# kink test then sees only noise; a true kink would still fail the comparison.
@pytest.mark.filterwarnings("ignore::gradlib.NotDifferentiableWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(sorted(COMPOSABLE)), min_size=1, max_size=6),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
def test_random_compositions_match_finite_differences(names, rows, cols, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, cols))
    f = composition(names, x, rng)
    value, g = ad.value_and_grad(f)(x)
    assert value == pytest.approx(float(f(x)), rel=1e-14, abs=1e-300)
    assert g.shape == x.shape
    assert_close(
        g,
        gl.gradient(lambda v: f(v.reshape(x.shape)), x.ravel(), method="richardson").reshape(
            x.shape
        ),
        rtol=1e-7,
    )


def test_fan_out_accumulates():
    x = np.array([1.0, -2.0, 3.0])
    graph = ad.trace(lambda x: (x * x + x).sum(), x)
    steps = list(graph.backward())
    mul = next(s for s in steps if s.node.op == "*")
    assert [p for p, _ in mul.contributions] == [graph.inputs[0], graph.inputs[0]]  # x used twice
    np.testing.assert_array_equal(mul.contributions[0][1], x)  # U * B with U = 1 and B = x
    sent_to_x = [c for s in steps for p, c in s.contributions if p is graph.inputs[0]]
    assert len(sent_to_x) == 3  # twice from *, once from +
    final = steps[-1]
    assert final.node is graph.inputs[0] and final.contributions == ()
    np.testing.assert_array_equal(final.upstream, sum(sent_to_x))
    np.testing.assert_array_equal(final.upstream, 2 * x + 1)
    np.testing.assert_array_equal(ad.grad(lambda x: (x * x + x).sum())(x), 2 * x + 1)


def net(x, W):
    return ad.tanh(x @ W + 1.0).sum()


def test_trace_is_topological_inputs_first():
    x, W = np.arange(6.0).reshape(2, 3) / 10, np.ones((3, 4))
    graph = ad.trace(net, x, W, argnums=(0, 1))
    assert [n.op for n in graph.nodes] == ["input", "input", "const", "@", "+", "tanh", "sum"]
    assert [n.name for n in graph.inputs] == ["x", "W"]
    assert graph.nodes[:2] == graph.inputs and graph.nodes[-1] is graph.output
    assert [n.shape for n in graph.nodes] == [(2, 3), (3, 4), (), (2, 4), (2, 4), (2, 4), ()]
    position = {node: i for i, node in enumerate(graph.nodes)}
    for node in graph.nodes:
        assert all(position[p] < position[node] for p in node.parents)
    one, at, plus = graph.nodes[2:5]
    assert at.parents == (graph.inputs[0], graph.inputs[1])
    assert plus.parents == (at, one) and one.value == 1.0 and one.parents == ()
    np.testing.assert_allclose(graph.nodes[5].value, np.tanh(x @ W + 1), rtol=1e-15)
    assert graph.output.value == pytest.approx(np.tanh(x @ W + 1).sum(), rel=1e-15)
    assert at.rule == "dA = U @ B.T, dB = A.T @ U"
    assert graph.nodes[5].rule == "dA = U * (1 - tanh(A)**2)"
    assert all(n.rule for n in graph.nodes[3:])
    assert repr(graph).splitlines() == [
        "n0 = input x          shape (2, 3)",
        "n1 = input W          shape (3, 4)",
        "n2 = const            shape ()",
        "n3 = @(n0, n1)        shape (2, 4)",
        "n4 = +(n3, n2)        shape (2, 4)",
        "n5 = tanh(n4)         shape (2, 4)",
        "n6 = sum(n5)          shape ()",
    ]


def test_constants_are_leaves_without_gradient():
    X = np.ones((5, 2))
    graph = ad.trace(lambda W: (X @ W).sum(), np.ones((2, 3)))
    const, W, at = graph.nodes[1], graph.nodes[0], graph.nodes[2]
    assert (const.op, const.shape, at.parents) == ("const", (5, 2), (const, W))
    assert const.value is X  # the data itself, not a copy
    steps = list(graph.backward())
    assert [s.node.op for s in steps] == ["sum", "@", "input"]  # no step for the constant
    ((parent, dW),) = steps[1].contributions  # only dB = A.T @ U: dA is never computed
    assert parent is W
    np.testing.assert_array_equal(dW, X.T @ np.ones((5, 3)))


def test_trace_lists_inputs_first_in_argnums_order():
    graph = ad.trace(lambda x, b: ad.tanh(x).sum() * b, np.ones(3), 2.0, argnums=(1, 0))
    assert [(n.op, n.name) for n in graph.nodes] == [
        ("input", "b"),
        ("input", "x"),
        ("tanh", ""),
        ("sum", ""),
        ("*", ""),
    ]
    assert graph.nodes[:2] == graph.inputs


class Scaled:
    def __init__(self, k):
        self.k = k

    def __call__(self, weights):
        return (self.k * weights).sum()


@pytest.mark.parametrize(
    "fn, name",
    [
        (lambda w, v: (w * v).sum(), "w"),
        (Scaled(2.0), "weights"),  # a callable object: its __call__'s names, without self
        (Scaled(2.0).__call__, "weights"),  # a bound method
        (functools.partial(lambda k, z: (k * z).sum(), 2.0), "z"),
    ],
)
def test_inputs_are_named_after_the_parameters(fn, name):
    args = (np.ones(2), np.ones(2)) if name == "w" else (np.ones(2),)
    assert ad.trace(fn, *args).inputs[0].name == name


def test_backward_steps_by_hand():
    x, W = np.arange(6.0).reshape(2, 3) / 10, np.linspace(-1, 1, 12).reshape(3, 4)
    graph = ad.trace(net, x, W, argnums=(0, 1))
    steps = list(graph.backward())
    assert [s.node for s in steps] == [n for n in graph.nodes[::-1] if n.op != "const"]
    for s in steps:
        assert s.upstream.shape == s.node.shape
        traced = [p for p in s.node.parents if p.op != "const"]
        assert [(p, c.shape) for p, c in s.contributions] == [(p, p.shape) for p in traced]
    t = np.tanh(x @ W + 1)
    U_tanh = np.ones((2, 4))  # from sum: 1 copied back
    U_at = U_tanh * (1 - t**2)  # tanh's rule; + passes it on unchanged
    by_op = {s.node.op: s for s in steps if s.node.op != "input"}
    assert by_op["sum"].upstream == 1.0
    np.testing.assert_array_equal(by_op["tanh"].upstream, U_tanh)
    np.testing.assert_allclose(by_op["@"].upstream, U_at, rtol=1e-14)
    (px, dx), (pW, dW) = by_op["@"].contributions
    assert (px, pW) == (graph.inputs[0], graph.inputs[1])
    np.testing.assert_allclose(dx, U_at @ W.T, rtol=1e-14)
    np.testing.assert_allclose(dW, x.T @ U_at, rtol=1e-14)
    gx, gW = ad.grad(net, argnums=(0, 1))(x, W)
    np.testing.assert_array_equal(gx, dx)
    np.testing.assert_array_equal(gW, dW)


def test_grads_are_shaped_like_their_arguments():
    f = lambda s, v, M, k: s * (v @ M).sum() + k  # noqa: E731
    args = (2.0, [1.0, 2.0], np.ones((2, 3)), 5)
    gs, gv, gM, gk = ad.grad(f, argnums=(0, 1, 2, 3))(*args)
    assert (gs.shape, gv.shape, gM.shape, gk.shape) == ((), (2,), (2, 3), ())
    assert gs == 9.0 and gk == 1.0
    np.testing.assert_array_equal(gv, [6.0, 6.0])
    np.testing.assert_array_equal(gM, [[2.0, 2.0, 2.0], [4.0, 4.0, 4.0]])  # s * v[i]
    gM_only = ad.grad(f, argnums=2)(*args)
    assert isinstance(gM_only, np.ndarray) and gM_only.shape == (2, 3)
    gW = ad.grad(lambda W, x: (x @ W).sum(), argnums=0)(np.ones((3, 2)), np.ones((4, 3)))
    np.testing.assert_array_equal(gW, np.full((3, 2), 4.0))


def test_argnums_order_and_unused_argument():
    f = lambda a, b, c: (a * 3 + c).sum()  # noqa: E731
    gc, ga, gb = ad.grad(f, argnums=(2, 0, 1))(np.ones(2), np.ones(3), np.ones(2))
    np.testing.assert_array_equal(ga, [3.0, 3.0])
    np.testing.assert_array_equal(gb, np.zeros(3))  # b is not used: its gradient is 0
    np.testing.assert_array_equal(gc, [1.0, 1.0])


def test_value_and_grad_and_the_arguments_stay_untouched():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = x.copy()
    value, g = ad.value_and_grad(lambda x: (x**2).mean())(x)
    assert isinstance(value, float) and value == 7.5
    np.testing.assert_array_equal(g, x / 2)
    np.testing.assert_array_equal(x, before)


def test_comparisons_give_masks_without_gradient():
    x = np.array([-1.5, 0.5, 2.0])
    g = ad.grad(lambda x: (x * (x > 0)).sum() + (x * (0.0 >= x)).sum() * 3)(x)
    np.testing.assert_array_equal(g, [3.0, 1.0, 1.0])
    seen = []

    def f(x):
        seen.extend([x < 1, np.zeros(3) < x, x <= 0.5, x >= 0.5, len(x)])
        return x.sum()

    ad.grad(f)(x)
    assert all(isinstance(m, np.ndarray) and m.dtype == bool for m in seen[:4])
    assert [m.tolist() for m in seen[:4]] == [
        [True, True, False],
        [False, True, True],
        [True, True, False],
        [False, True, True],
    ]
    assert seen[4] == 3


def test_deep_graph_needs_no_recursion():
    def f(x):
        for _ in range(5000):
            x = x * 1.0001
        return x.sum()

    assert ad.grad(f)(np.ones(2)) == pytest.approx(1.0001**5000 * np.ones(2), rel=1e-12)


def test_new_operation_with_record():
    def cube(a):
        a = ad.as_node(a, "cube")
        return ad.record(a.value**3, "cube", "dA = U * 3 A**2", (a, lambda u: u * 3 * a.value**2))

    x = np.array([1.0, -2.0])
    np.testing.assert_array_equal(ad.grad(lambda x: cube(x).sum())(x), 3 * x**2)
    assert ad.trace(lambda x: cube(x).sum(), x).nodes[1].rule == "dA = U * 3 A**2"


def raises(call, *phrases):
    with pytest.raises(GradlibError) as info:
        call()
    for phrase in phrases:
        assert phrase in str(info.value), (phrase, str(info.value))
    assert isinstance(info.value, ValueError)
    return str(info.value)


X = np.ones((2, 3))


@pytest.mark.parametrize(
    "call, phrases",
    [
        (
            lambda: ad.grad(lambda x: x * 2)(X),
            [
                "grad got fn returning shape (2, 3)",
                "expected a scalar",
                "Fix: reduce it with .sum() or .mean()",
            ],
        ),
        (lambda: ad.grad(lambda x: x * 2)(np.ones(1)), ["shape (1,)", "y[0]"]),
        (
            lambda: ad.grad(lambda x: x.sum(), argnums="0"),
            ["argnums='0'", "expected an int or a tuple", "Fix: e.g. argnums=0"],
        ),
        (lambda: ad.grad(lambda x: x.sum(), argnums=(0, 0)), ["argnums=(0, 0)", "distinct"]),
        (lambda: ad.grad(lambda x: x.sum(), argnums=1.0), ["argnums=1.0"]),
        (lambda: ad.grad(lambda x: x.sum(), argnums=True), ["argnums=True"]),
        (lambda: ad.grad(lambda x: x.sum(), argnums=()), ["argnums=()"]),
        (
            lambda: ad.grad(lambda x: x.sum(), argnums=1)(X),
            ["argnums=1 for a call with 1 argument", "expected positions from 0 to 0"],
        ),
        (lambda: ad.grad(lambda x: x.sum(), argnums=-1)(X), ["argnums=-1"]),
        (
            lambda: ad.grad(lambda x: (x + "a").sum())(X),
            ["A + B got str 'a'", "expected a traced array", "Fix: convert it"],
        ),
        (lambda: ad.grad(lambda x: ("a" + x).sum())(X), ["A + B got str"]),
        (lambda: ad.grad(lambda x: (x * None).sum())(X), ["A * B got NoneType None"]),
        (lambda: ad.grad(lambda x: (x @ {1: 2}).sum())(X), ["A @ B got dict"]),
        (lambda: ad.grad(lambda x: ad.exp([x]).sum())(X), ["plain array", "lose its gradient"]),
        (
            lambda: ad.grad(lambda x: (x + np.ones(4)).sum())(X),
            [
                "A + B got A of shape (2, 3) and B of shape (4,), which do not broadcast",
                "expected sizes that agree axis by axis",
                "Fix: reshape one of them",
            ],
        ),
        (
            lambda: ad.grad(lambda x: (np.ones((3, 2)) * x).sum())(X),
            ["A * B got A of shape (3, 2) and B of shape (2, 3)"],
        ),
        (
            lambda: ad.grad(lambda x: (x @ x).sum())(X),
            [
                "A @ B got A of shape (2, 3) and B of shape (2, 3)",
                "A's last size equal to B's first",
                "transpose",
            ],
        ),
        (lambda: ad.grad(lambda x: (x @ 2.0).sum())(X), ["B of shape ()", "at least one axis"]),
        (
            lambda: ad.grad(lambda x: x.reshape(4, 2).sum())(X),
            ["reshape got (4, 2) for an array of shape (2, 3)", "product is 6", "-1"],
        ),
        (lambda: ad.grad(lambda x: x[x].sum())(X), ["traced array as the index", "plain numpy"]),
        (
            lambda: ad.grad(lambda x: np.exp(x).sum())(X),
            ["np.exp got a traced array", "use ad.exp"],
        ),
        (
            lambda: ad.grad(lambda x: np.sin(x).sum())(X),
            ["np.sin got a traced array", "the ad functions"],
        ),
        (lambda: ad.grad(lambda x: np.asarray(x).sum())(X), ["plain array (np.asarray"]),
        (lambda: ad.grad(lambda x: np.sum(x))(X), ["np.sum got a traced array", "use x.sum(...)"]),
        (lambda: ad.grad(lambda x: np.dot(x, x.T).sum())(X), ["np.dot got", "the ad functions"]),
        (
            lambda: ad.grad(lambda x: float(np.tanh(x.value).sum()))(X),
            ["fn returned float", "does not depend on the traced argument(s) ['x']", "not np.exp"],
        ),
        (
            lambda: ad.grad(lambda x: x.sum())("abc"),
            [
                "argument 0 (x) is str 'abc'",
                "expected a real number",
                "leave this position out of argnums",
            ],
        ),
        (lambda: ad.grad(lambda x: x.sum())(np.array([1j])), ["argument 0 (x) is ndarray"]),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(z, [0, 1]))(np.ones((2, 2))),
            [
                "cross_entropy got rows summing to [2. 2.]",
                "probabilities",
                "softmax(logits), not the logits",
            ],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [0, 1, 1]))(np.ones((2, 2))),
            ["labels of shape (3,)", "expected shape (2,) of integers 0 to 1"],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [0.0, 1.0]))(np.ones((2, 2))),
            ["dtype float64", "np.asarray(labels, dtype=int)"],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [0, 2]))(np.ones((2, 2))),
            ["values [0 2]", "integers 0 to 1"],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [0, -1]))(np.ones((2, 2))),
            ["[ 0 -1]"],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), z))(np.ones((2, 2))),
            ["traced labels", "leave them out of argnums"],
        ),
        (
            lambda: ad.grad(lambda z: ad.cross_entropy(ad.softmax(z), [0]))(np.ones(2)),
            ["probabilities of shape (2,)", "shape (B, C)", "p.reshape(1, -1)"],
        ),
        (
            lambda: list(ad.trace(lambda x: x * 2, X).backward()),
            ["backward() got no upstream for an output of shape (2, 3)", "upstream=U"],
        ),
        (
            lambda: ad.trace(lambda x: x * 2, X).gradients(np.ones(3)),
            ["upstream of shape (3,)", "the output's shape (2, 3)"],
        ),
        (
            lambda: ad.grad(lambda x: ad.record(x.value, "bad", "", (x, lambda u: u[0])).sum())(X),
            [
                "the VJP of 'bad' returned shape (3,) for a parent of shape (2, 3)",
                "correct that VJP",
            ],
        ),
    ],
)
def test_errors_say_what_was_given_expected_and_the_fix(call, phrases):
    message = raises(call, *phrases)
    assert "expected" in message and "Fix:" in message


# A 3-class spiral (3 x 100 points, as in CS231n) and a two-layer network trained with ad.grad.
def spiral(n=100, classes=3, seed=0):
    """Points (n * classes, 2) on interleaved spiral arms, and their class labels (n * classes,)."""
    rng = np.random.default_rng(seed)
    r = np.linspace(0.0, 1.0, n)  # radius
    angles = [np.linspace(4 * c, 4 * (c + 1), n) + rng.normal(0, 0.2, n) for c in range(classes)]
    X = np.concatenate([np.c_[r * np.sin(t), r * np.cos(t)] for t in angles])
    return X, np.repeat(np.arange(classes), n)


def loss(W1, b1, W2, b2, X, y):
    hidden = ad.tanh(X @ W1 + b1)  # (B, H)
    return ad.cross_entropy(ad.softmax(hidden @ W2 + b2), y)


def test_two_layer_network_learns_the_spiral():
    X, y = spiral()
    rng = np.random.default_rng(0)
    H, lr, steps = 32, 1.0, 1000
    params = [rng.normal(0, 1, (2, H)), np.zeros(H), rng.normal(0, H**-0.5, (H, 3)), np.zeros(3)]
    step = ad.value_and_grad(loss, argnums=(0, 1, 2, 3))
    # a gradient check before training, against finite differences of the same loss
    grads = step(*params, X, y)[1]
    for i in range(4):
        assert_close(grads[i], fd_vjp(lambda *p: loss(*p, X, y), params, i, np.ones(())), rtol=1e-8)
    first = step(*params, X, y)[0]
    for _ in range(steps):
        value, grads = step(*params, X, y)
        params = [p - lr * g for p, g in zip(params, grads, strict=True)]
    W1, b1, W2, b2 = params
    accuracy = ((np.tanh(X @ W1 + b1) @ W2 + b2).argmax(axis=1) == y).mean()
    assert first == pytest.approx(np.log(3), abs=0.3) and value < 0.1 * first
    assert accuracy >= 0.95
