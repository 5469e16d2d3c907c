"""A small reverse-mode autodiff engine for numpy arrays: trace a function, walk its graph back.

Like micrograd's ``engine.py``, but every value is an array. Each operation computes its output
and, right beside it, its vector-Jacobian product (VJP): given ``U``, the gradient of the final
scalar with respect to the operation's output (shaped like the output), it returns the gradient with
respect to each input (shaped like that input). That is ``U^T J`` in numerator layout, computed
without ever forming the Jacobian ``J``: an element-wise operation multiplies element by element,
``@`` does two matrix products. Each operation also keeps its rule in symbols (``rule``), with ``U``
the incoming gradient and ``A``, ``B`` its inputs, so a lesson can show it.

``trace(fn, *args)`` runs ``fn`` on traced arrays (:class:`Node`) and returns the :class:`Graph`;
``Graph.backward()`` yields the reverse pass step by step; :func:`grad` and :func:`value_and_grad`
run it in one go. Plain numpy arrays and numbers mix with nodes freely: they enter the graph as
constants (``op == "const"``), leaves that get no gradient.

>>> import numpy as np
>>> from gradlib import autodiff as ad
>>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> ad.grad(lambda x: ad.tanh(x @ W).sum())(np.zeros((1, 2)))
array([[3., 7.]])
"""

import functools
import inspect
import numbers
from dataclasses import dataclass

import numpy as np

from .errors import GradlibError

__all__ = [
    "Node",
    "Graph",
    "Step",
    "trace",
    "grad",
    "value_and_grad",
    "as_node",
    "record",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "softmax",
    "logsumexp",
    "cross_entropy",
]


class Node:
    """A traced array: a value, the operation that made it, its parents and their VJPs.

    Parameters
    ----------
    value : array_like, any shape
        The forward value, stored as float64.
    op : str
        A short label: ``"input"``, ``"const"``, or the operation (``"@"``, ``"tanh"``, ...).
    links : sequence of (Node, callable) pairs
        Each parent with its VJP: a function of ``U`` (shaped like ``value``) returning the
        contribution to the parent's gradient, shaped like the parent.
    rule : str
        The VJP in symbols, e.g. ``"dA = U * (1 - tanh(A)**2)"``.
    name : str
        For inputs: the argument's name.

    Examples
    --------
    >>> x = Node([[1.0, 2.0, 3.0]], name="x")
    >>> y = (2 * x).sum(axis=1)
    >>> y, y.parents
    (Node(sum, shape (1,)), (Node(*, shape (1, 3)),))
    >>> y.parents[0].parents
    (Node(const, shape ()), Node(x, shape (1, 3)))
    """

    def __init__(self, value, op="input", links=(), rule="", name=""):
        self.value = np.asarray(value, dtype=float)
        self.op, self.rule, self.name = op, rule, name
        self.parents = tuple(p for p, _ in links)
        self.vjps = tuple(vjp for _, vjp in links)

    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    def __repr__(self):
        return f"Node({self.name or self.op}, shape {self.shape})"

    def __add__(self, other):
        return _add(self, other)

    def __radd__(self, other):
        return _add(other, self)

    def __sub__(self, other):
        return _sub(self, other)

    def __rsub__(self, other):
        return _sub(other, self)

    def __mul__(self, other):
        return _mul(self, other)

    def __rmul__(self, other):
        return _mul(other, self)

    def __truediv__(self, other):
        return _div(self, other)

    def __rtruediv__(self, other):
        return _div(other, self)

    def __pow__(self, other):
        return _pow(self, other)

    def __rpow__(self, other):
        return _pow(other, self)

    def __matmul__(self, other):
        return _matmul(self, other)

    def __rmatmul__(self, other):
        return _matmul(other, self)

    def __neg__(self):
        return record(-self.value, "neg", "dA = -U", (self, lambda u: -u))

    # Comparisons give plain boolean arrays: a mask has no gradient (x * (x > 0) is relu).
    def __lt__(self, other):
        return _compare(np.less, self, other)

    def __le__(self, other):
        return _compare(np.less_equal, self, other)

    def __gt__(self, other):
        return _compare(np.greater, self, other)

    def __ge__(self, other):
        return _compare(np.greater_equal, self, other)

    def __len__(self):
        return len(self.value)

    @property
    def T(self):
        """The transpose (all axes reversed); its VJP transposes U back."""
        return record(self.value.T, ".T", "dA = U.T", (self, lambda u: u.T))

    def __getitem__(self, index):
        """``x[i]``, slices, integer arrays, masks; repeated indices add up in the VJP."""
        if any(isinstance(i, Node) for i in (index if isinstance(index, tuple) else (index,))):
            raise _error(
                "x[i] got a traced array as the index",
                "integers, slices, integer arrays or masks",
                "index with plain numpy values (an index has no gradient).",
            )

        def vjp(u):
            g = np.zeros(self.shape)
            np.add.at(g, index, u)  # not g[index] += u: a repeated index must collect every share
            return g

        return record(
            self.value[index],
            "[]",
            "dA = zeros like A; dA[index] += U (repeats add up)",
            (self, vjp),
        )

    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all by default); the VJP copies U back along the summed axes."""
        y = self.value.sum(axis=axis, keepdims=keepdims)
        return record(
            y,
            "sum",
            "dA = U copied along the summed axes",
            (self, lambda u: _expand(u, self.shape, axis, keepdims)),
        )

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (all by default); the VJP spreads U / N over those N entries."""
        y = self.value.mean(axis=axis, keepdims=keepdims)
        n = self.size // max(y.size, 1)
        return record(
            y,
            "mean",
            "dA = U / N copied along the averaged axes (N entries each)",
            (self, lambda u: _expand(u / n, self.shape, axis, keepdims)),
        )

    def reshape(self, *shape):
        """The same entries in a new shape (``x.reshape(2, 3)`` or ``x.reshape((2, 3))``)."""
        try:
            y = self.value.reshape(*shape)
        except (TypeError, ValueError) as err:
            raise _error(
                f"reshape got {shape} for an array of shape {self.shape} ({err})",
                f"sizes whose product is {self.size}",
                "give -1 for one size to have it computed.",
            ) from err
        return record(
            y, "reshape", "dA = U.reshape(A.shape)", (self, lambda u: u.reshape(self.shape))
        )

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # numpy on the left (ndarray + node) lands here: send arithmetic to the traced operators.
        if method == "__call__" and ufunc in _UFUNCS and not kwargs:
            return _UFUNCS[ufunc](*inputs)
        raise _numpy_error(ufunc.__name__)

    def __array_function__(self, func, types, args, kwargs):  # np.sum(x), np.dot(x, W), ...
        raise _numpy_error(func.__name__)

    def __array__(self, dtype=None, copy=None):
        raise _error(
            f"numpy was asked to turn {self!r} into a plain array (np.asarray, "
            "np.array([..]), np.dot, ...), which would lose its gradient",
            "traced operations only",
            "use the operators + - * / ** @ and the ad functions; read x.value only to display it.",
        )


def _error(given, expected, fix):
    """A GradlibError in three parts: what was given, what was expected, how to fix it."""
    return GradlibError(f"{given}; expected {expected}. Fix: {fix}")


def _numpy_error(name):
    fix = (
        f"x.{name}(...)"
        if name in ("sum", "mean", "reshape")
        else f"ad.{name}"
        if name in __all__
        else "the ad functions"
    )
    return _error(
        f"np.{name} got a traced array (a Node), which numpy cannot record for the backward pass",
        "a function of this engine",
        f"use {fix}, or the operators + - * / ** @.",
    )


def as_node(x, where="this operation"):
    """``x`` as a :class:`Node`: itself if traced, else a constant (a numpy array or number).

    Parameters
    ----------
    x : Node, array_like or number
    where : str
        What is being computed, for the error message.

    Returns
    -------
    Node
        ``op == "const"`` for a plain value: a constant has no parents and gets no gradient.

    Raises
    ------
    GradlibError
        When x is not numbers (a string, None, a dict, ...).

    Examples
    --------
    >>> as_node(2.0).op, as_node(np.ones((2, 3))).shape
    ('const', (2, 3))
    """
    if isinstance(x, Node):
        return x
    a = np.asarray(x) if isinstance(x, (np.ndarray, numbers.Real, list, tuple)) else None
    if a is None or a.dtype.kind not in "biuf":
        raise _error(
            f"{where} got {type(x).__name__} {x!r:.40}",
            "a traced array, a numpy array or a real number",
            "convert it, e.g. np.asarray(..., dtype=float).",
        )
    return Node(a, "const")


def record(value, op, rule, *links):
    """The output of one operation: a Node wired to its traced parents, or a plain array.

    Parameters
    ----------
    value : ndarray
        The forward result.
    op, rule : str
        The label and the VJP in symbols (see :class:`Node`).
    *links : (Node, callable) pairs
        Each input with its VJP, ``U -> contribution`` (shaped like that input). The VJP of a
        constant input is never called: it needs no gradient.

    Returns
    -------
    Node or ndarray
        A plain ndarray when no input is traced, so the ad functions also work on numpy arrays.

    Examples
    --------
    A new operation is its forward step and its VJP, side by side:

    >>> def softplus(a):
    ...     a = as_node(a, "softplus")
    ...     return record(np.logaddexp(0, a.value), "softplus", "dA = U * sigmoid(A)",
    ...                   (a, lambda u: u * sigmoid(a.value)))
    >>> grad(lambda x: softplus(x).sum())(np.array([0.0, 100.0]))
    array([0.5, 1. ])
    >>> softplus(np.zeros(2)).round(4)
    array([0.6931, 0.6931])
    """
    traced = any(p.op != "const" for p, _ in links)
    return Node(value, op, links, rule) if traced else value


def _unbroadcast(g, shape):
    """Sum g over the axes broadcasting added or stretched, so it has ``shape`` again."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _expand(u, shape, axis, keepdims):
    """U from a reduction over ``axis`` back to ``shape``: restore the reduced axes, copy along."""
    if axis is not None and not keepdims:
        u = np.expand_dims(u, axis)  # negative axes count from the end of `shape`, as they did
    return np.broadcast_to(u, shape)


def _operands(symbol, a, b):
    """Both operands as nodes, after checking that their shapes broadcast."""
    a, b = as_node(a, f"A {symbol} B"), as_node(b, f"A {symbol} B")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise _error(
            f"A {symbol} B got A of shape {a.shape} and B of shape {b.shape}, which do "
            "not broadcast",
            "sizes that agree axis by axis from the right, or are 1",
            "reshape one of them (e.g. b.reshape(-1, 1) for a column) or transpose it with .T.",
        ) from None
    return a, b


# Element-wise binary operations. Broadcasting copies an operand along some axes in the forward
# step, so its VJP sums U over those axes (_unbroadcast): fan-out inside one operation.
def _add(a, b):
    a, b = _operands("+", a, b)
    return record(
        a.value + b.value,
        "+",
        "dA = U, dB = U (each summed back to its shape)",
        (a, lambda u: _unbroadcast(u, a.shape)),
        (b, lambda u: _unbroadcast(u, b.shape)),
    )


def _sub(a, b):
    a, b = _operands("-", a, b)
    return record(
        a.value - b.value,
        "-",
        "dA = U, dB = -U (each summed back to its shape)",
        (a, lambda u: _unbroadcast(u, a.shape)),
        (b, lambda u: _unbroadcast(-u, b.shape)),
    )


def _mul(a, b):
    a, b = _operands("*", a, b)
    return record(
        a.value * b.value,
        "*",
        "dA = U * B, dB = U * A",
        (a, lambda u: _unbroadcast(u * b.value, a.shape)),
        (b, lambda u: _unbroadcast(u * a.value, b.shape)),
    )


def _div(a, b):
    a, b = _operands("/", a, b)
    y = a.value / b.value
    return record(
        y,
        "/",
        "dA = U / B, dB = -U * A / B**2",
        (a, lambda u: _unbroadcast(u / b.value, a.shape)),
        (b, lambda u: _unbroadcast(-u * y / b.value, b.shape)),
    )


def _pow(a, b):
    a, b = _operands("**", a, b)
    y = a.value**b.value
    return record(
        y,
        "**",
        "dA = U * B * A**(B - 1), dB = U * log(A) * A**B",
        (a, lambda u: _unbroadcast(u * b.value * a.value ** (b.value - 1), a.shape)),
        (b, lambda u: _unbroadcast(u * np.log(a.value) * y, b.shape)),
    )


def _matmul(a, b):
    a, b = as_node(a, "A @ B"), as_node(b, "A @ B")
    # A vector acts as a row on the left, as a column on the right; then the matrix rules hold.
    A = a.value[None, :] if a.ndim == 1 else a.value
    B = b.value[:, None] if b.ndim == 1 else b.value
    try:
        Y = A @ B
    except ValueError as err:
        raise _error(
            f"A @ B got A of shape {a.shape} and B of shape {b.shape}",
            "at least one "
            "axis each, and A's last size equal to B's first (second-to-last if B has "
            "more than 2 axes)",
            "transpose one of them (.T) or swap their order; multiply by a number with *.",
        ) from err
    y = np.squeeze(Y, axis=(-2,) * (a.ndim == 1) + (-1,) * (b.ndim == 1))
    T = lambda m: m.swapaxes(-1, -2)  # noqa: E731
    return record(
        y,
        "@",
        "dA = U @ B.T, dB = A.T @ U",
        (a, lambda u: _unbroadcast(u.reshape(Y.shape) @ T(B), A.shape).reshape(a.shape)),
        (b, lambda u: _unbroadcast(T(A) @ u.reshape(Y.shape), B.shape).reshape(b.shape)),
    )


def _compare(ufunc, a, b):
    return ufunc(as_node(a, "a comparison").value, as_node(b, "a comparison").value)


_UFUNCS = {
    np.add: _add,
    np.subtract: _sub,
    np.multiply: _mul,
    np.true_divide: _div,
    np.power: _pow,
    np.matmul: _matmul,
    np.negative: lambda a: -a,
    **{
        c: functools.partial(_compare, c)
        for c in (np.less, np.less_equal, np.greater, np.greater_equal)
    },
}


def _elementwise(a, op, f, df, rule):
    """y = f(A) entry by entry; the Jacobian is diagonal, so the VJP is U * df(A, y) entry-wise."""
    a = as_node(a, op)
    y = f(a.value)
    return record(y, op, rule, (a, lambda u: u * df(a.value, y)))


def exp(a):
    """Element-wise e**a; output shaped like a.

    >>> grad(lambda x: exp(x).sum())(np.array([0.0, 1.0])).round(4)
    array([1.    , 2.7183])
    """
    return _elementwise(a, "exp", np.exp, lambda a, y: y, "dA = U * exp(A)")


def log(a):
    """Element-wise natural logarithm (a > 0); output shaped like a.

    >>> grad(lambda x: log(x).sum())(np.array([1.0, 4.0]))
    array([1.  , 0.25])
    """
    return _elementwise(a, "log", np.log, lambda a, y: 1 / a, "dA = U / A")


def tanh(a):
    """Element-wise hyperbolic tangent; output shaped like a.

    >>> grad(lambda x: tanh(x).sum())(np.array([0.0, 1.0])).round(4)
    array([1.  , 0.42])
    """
    return _elementwise(a, "tanh", np.tanh, lambda a, y: 1 - y**2, "dA = U * (1 - tanh(A)**2)")


def _sigmoid(v):
    e = np.exp(-np.abs(v))  # never overflows; e / (1 + e) keeps tiny results accurate for v < 0
    return np.where(v >= 0, 1.0, e) / (1 + e)


def sigmoid(a):
    """Element-wise 1 / (1 + e**-a), without overflow and accurate far out; output shaped like a.

    >>> grad(lambda x: sigmoid(x).sum())(np.array([0.0, 800.0]))
    array([0.25, 0.  ])
    >>> sigmoid(np.array([-800.0, -40.0]))
    array([0.00000000e+00, 4.24835426e-18])
    """
    return _elementwise(
        a, "sigmoid", _sigmoid, lambda a, y: y * (1 - y), "dA = U * s * (1 - s), s = sigmoid(A)"
    )


def relu(a):
    """Element-wise max(a, 0); its derivative at 0 is taken as 0. Output shaped like a.

    >>> grad(lambda x: relu(x).sum())(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    return _elementwise(
        a,
        "relu",
        lambda v: np.maximum(v, 0.0),
        lambda a, y: (a > 0).astype(float),
        "dA = U * (A > 0)",
    )


def softmax(a):
    """Softmax over the last axis: exp(a) / exp(a).sum(-1), computed without overflow.

    Parameters
    ----------
    a : Node or array_like, shape (..., C)
        Scores (logits), e.g. shape (B, C): one row of C class scores per example.

    Returns
    -------
    Node or ndarray, shape (..., C)
        Each row is positive and sums to 1. Its Jacobian per row is diag(s) - s s^T; the VJP
        ``s * (U - (U * s).sum(-1))`` needs only O(C) work per row and never forms it.

    Examples
    --------
    >>> softmax(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    """
    a = as_node(a, "softmax")
    e = np.exp(a.value - a.value.max(axis=-1, keepdims=True))
    s = e / e.sum(axis=-1, keepdims=True)
    return record(
        s,
        "softmax",
        "dA = s * (U - (U * s).sum(-1, keepdims=True)), s = softmax(A)",
        (a, lambda u: s * (u - (u * s).sum(axis=-1, keepdims=True))),
    )


def logsumexp(a):
    """log(exp(a).sum(-1)) over the last axis, stable for large a.

    Parameters
    ----------
    a : Node or array_like, shape (..., C)

    Returns
    -------
    Node or ndarray, shape (...)
        The last axis is gone. Its gradient is softmax(a): the VJP is ``U[..., None] * softmax(A)``.

    Examples
    --------
    >>> round(float(logsumexp(np.array([1000.0, 1000.0]))) - 1000, 8), round(float(np.log(2)), 8)
    (0.69314718, 0.69314718)
    """
    a = as_node(a, "logsumexp")
    m = a.value.max(axis=-1, keepdims=True)
    y = (m + np.log(np.exp(a.value - m).sum(axis=-1, keepdims=True)))[..., 0]
    return record(
        y,
        "logsumexp",
        "dA = U[..., None] * softmax(A)",
        (a, lambda u: u[..., None] * np.exp(a.value - y[..., None])),
    )


def cross_entropy(probabilities, labels):
    """Mean over the batch of -log(probability of the true class).

    Parameters
    ----------
    probabilities : Node or array_like, shape (B, C)
        One row of class probabilities per example (e.g. ``softmax(logits)``): entries in
        [0, 1], each row summing to 1.
    labels : array_like of int, shape (B,)
        The true class of each example, counting from 0.

    Returns
    -------
    Node or ndarray, shape ()
        The loss ``-mean_b log P[b, labels[b]]``. Only the B picked entries have a gradient,
        ``-U / (B * P[b, labels[b]])``; through softmax it collapses to
        ``(s - onehot(labels)) / B``.
        For logits so confident that a probability underflows to 0, use
        ``(logsumexp(Z) - Z[np.arange(B), labels]).mean()`` instead.

    Examples
    --------
    >>> P = np.array([[0.5, 0.5], [0.25, 0.75]])
    >>> float(cross_entropy(P, [0, 1])) == float(-(np.log(0.5) + np.log(0.75)) / 2)
    True
    >>> grad(cross_entropy)(P, [0, 1])
    array([[-1.        ,  0.        ],
           [ 0.        , -0.66666667]])
    """
    p = as_node(probabilities, "cross_entropy")
    y = _labels(p, labels, check=p.op != "softmax")  # softmax's rows sum to 1 by construction
    rows = np.arange(len(y))
    picked = p.value[rows, y]

    def vjp(u):
        g = np.zeros(p.shape)
        g[rows, y] = -u / (len(y) * picked)
        return g

    return record(
        -np.log(picked).mean(),
        "cross_entropy",
        "dP[b, y_b] = -U / (B * P[b, y_b]), 0 elsewhere",
        (p, vjp),
    )


def _labels(p, labels, check):
    """Check probabilities (B, C), their values too if ``check``, and labels (B,) of integers in
    0..C-1; return the labels as an array."""
    if p.ndim != 2:
        raise _error(
            f"cross_entropy got probabilities of shape {p.shape}",
            "shape (B, C), one row per example",
            "reshape, e.g. p.reshape(1, -1) for a single example.",
        )
    if check:
        low, high, rowsum = p.value.min(), p.value.max(), p.value.sum(axis=1)
        if low < 0 or high > 1 or np.abs(rowsum - 1).max() > 1e-6:
            raise _error(
                f"cross_entropy got rows summing to {rowsum.round(4)[:4]} with entries "
                f"from {low:.3g} to {high:.3g}",
                "probabilities (each row in [0, 1], summing to 1)",
                "pass softmax(logits), not the logits.",
            )
    if isinstance(labels, Node):
        raise _error(
            "cross_entropy got traced labels",
            "plain integer class indices (they have no gradient)",
            "leave them out of argnums.",
        )
    y = np.asarray(labels)
    C = p.shape[1]
    if (
        y.shape != (p.shape[0],)
        or y.dtype.kind not in "iu"
        or (y.size and not 0 <= y.min() <= y.max() < C)
    ):
        raise _error(
            f"cross_entropy got labels of shape {y.shape}, dtype {y.dtype}, values {y.ravel()[:6]}",
            f"shape ({p.shape[0]},) of integers 0 to {C - 1}, the "
            "true class of each row (counting from 0)",
            "e.g. np.asarray(labels, dtype=int).",
        )
    return y


@dataclass(frozen=True)
class Step:
    """One step of the backward pass: a node, its gradient, and what it sends to its parents.

    Attributes
    ----------
    node : Node
    upstream : ndarray, shaped like ``node.value``
        U, the gradient of the output with respect to this node, summed over all its uses.
    contributions : tuple of (Node, ndarray) pairs
        Each parent (but constants) with the VJP's result for it, shaped like that parent; a
        parent's gradient is the sum of the contributions it receives (fan-out adds up).
    """

    node: Node
    upstream: np.ndarray
    contributions: tuple


class Graph:
    """The computational graph of one call: nodes in topological order, inputs first, output last.

    Attributes
    ----------
    nodes : list of Node
        Every node the output depends on, constants included; each comes after its parents.
    inputs : list of Node
        The traced arguments, in argnums order (an input the output ignores is not in ``nodes``).
    output : Node
        The last node.
    """

    def __init__(self, inputs, output):
        self.inputs, self.output = list(inputs), output
        order, seen, stack = [], set(), [(output, False)]
        while stack:  # depth-first, a node is placed when all its parents are: no recursion limit
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in reversed(node.parents))
        rank = {x: i for i, x in enumerate(self.inputs)}  # leaves first: inputs, then constants
        leaves = sorted((n for n in order if not n.parents), key=lambda n: rank.get(n, len(rank)))
        self.nodes = leaves + [n for n in order if n.parents]

    def __repr__(self):
        index = {node: i for i, node in enumerate(self.nodes)}
        lines = []
        for i, n in enumerate(self.nodes):
            parents = ", ".join(f"n{index[p]}" for p in n.parents)
            what = f"{n.op}({parents})" if parents else f"{n.op} {n.name}".strip()
            lines.append(f"n{i} = {what:<16} shape {n.shape}")
        return "\n".join(lines)

    def backward(self, upstream=None):
        """Yield the backward pass, one :class:`Step` per node, in reverse topological order.

        Parameters
        ----------
        upstream : array_like, shaped like the output, optional
            The gradient to start from; by default 1 (the output must then be a scalar).

        Yields
        ------
        Step
            One per node but the constants. A node is reached only after every node using it,
            so its upstream is complete.

        Examples
        --------
        >>> g = trace(lambda x: x * x, np.array(3.0))
        >>> for s in g.backward():
        ...     print(s.node.op, s.upstream, [c for _, c in s.contributions])
        * 1.0 [array(3.), array(3.)]
        input 6.0 []
        """
        grads = {self.output: self._seed(upstream)}
        for node in reversed(self.nodes):
            if node.op == "const":
                continue
            u = grads[node]
            sent = tuple(
                (p, np.asarray(vjp(u), dtype=float))
                for p, vjp in zip(node.parents, node.vjps, strict=True)
                if p.op != "const"
            )
            for p, c in sent:
                if c.shape != p.shape:
                    raise _error(
                        f"the VJP of {node.op!r} returned shape {c.shape} for a parent of "
                        f"shape {p.shape}",
                        "the parent's shape",
                        "correct that VJP.",
                    )
                if p in grads:
                    grads[p] += c  # fan-out: a node used several times sums one share per use
                else:
                    grads[p] = np.array(c)  # our own copy, so += never writes into c
            yield Step(node, u, sent)

    def gradients(self, upstream=None):
        """Run the whole backward pass: each input's gradient, shaped like it (zeros if unused)."""
        final = {s.node: s.upstream for s in self.backward(upstream)}
        return [final.get(x, np.zeros(x.shape)) for x in self.inputs]

    def _seed(self, upstream):
        if upstream is None:
            if self.output.shape != ():
                raise _error(
                    f"backward() got no upstream for an output of shape {self.output.shape}",
                    "a scalar output (shape ()) or an upstream",
                    "pass upstream=U shaped like the output, e.g. np.ones(shape), or "
                    "reduce the output with .sum().",
                )
            return np.ones(())
        u = np.array(upstream, dtype=float)
        if u.shape != self.output.shape:
            raise _error(
                f"backward() got upstream of shape {u.shape}",
                f"the output's shape {self.output.shape}",
                "pass one weight per entry of the output.",
            )
        return u


def _argnums(argnums):
    nums = (argnums,) if isinstance(argnums, numbers.Integral) else argnums
    if (
        not isinstance(nums, tuple)
        or not nums
        or isinstance(argnums, bool)
        or not all(isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in nums)
        or len(set(nums)) < len(nums)
    ):
        raise _error(
            f"argnums={argnums!r}",
            "an int or a tuple of distinct ints, the positions of "
            "the arguments to differentiate (counting from 0)",
            "e.g. argnums=0 or argnums=(0, 1).",
        )
    return tuple(int(i) for i in nums)


def _input(arg, i, name):
    a = np.asarray(arg) if isinstance(arg, (np.ndarray, numbers.Real, list, tuple)) else None
    if a is None or a.dtype.kind not in "biuf":
        raise _error(
            f"argument {i} ({name}) is {type(arg).__name__} {arg!r:.40}",
            "a real number or an array of them to differentiate with respect to",
            "pass np.asarray(..., dtype=float), or leave this position out of argnums.",
        )
    return Node(np.array(a, dtype=float), "input", name=name)  # a copy: fn cannot change arg


def _parameter_names(fn):
    """fn's parameter names, to name the inputs; the code object is 10x faster than inspect."""
    if inspect.isfunction(fn):
        return fn.__code__.co_varnames[: fn.__code__.co_argcount]
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # some builtins have no signature
        return []


def trace(fn, *args, argnums=0):
    """Run ``fn(*args)`` with the arguments at ``argnums`` traced; return its :class:`Graph`.

    Parameters
    ----------
    fn : callable
        Written with the operators + - * / ** @, indexing, ``.sum``, ``.mean``, ``.reshape``, ``.T``
        and the ad functions; plain numpy arrays in it are constants.
    *args : arrays, numbers, or anything fn takes
        Those at ``argnums`` are traced (as float64 copies); the others are passed as they are.
    argnums : int or tuple of int
        Positions of the traced arguments, counting from 0.

    Returns
    -------
    Graph
        ``nodes`` in topological order (inputs first, output last), ``output`` and ``backward()``.

    Examples
    --------
    >>> W = np.ones((2, 3))
    >>> g = trace(lambda x: tanh(x @ W).sum(), np.ones((4, 2)))
    >>> g
    n0 = input x          shape (4, 2)
    n1 = const            shape (2, 3)
    n2 = @(n0, n1)        shape (4, 3)
    n3 = tanh(n2)         shape (4, 3)
    n4 = sum(n3)          shape ()
    >>> [(s.node.op, s.upstream.shape) for s in g.backward()]
    [('sum', ()), ('tanh', (4, 3)), ('@', (4, 3)), ('input', (4, 2))]
    >>> g.nodes[2].rule
    'dA = U @ B.T, dB = A.T @ U'
    """
    nums = _argnums(argnums)
    if max(nums) >= len(args) or min(nums) < 0:
        raise _error(
            f"argnums={argnums!r} for a call with {len(args)} argument(s)",
            f"positions from 0 to {len(args) - 1}",
            "choose positions in that range, counting from 0.",
        )
    names = _parameter_names(fn)
    args = list(args)
    inputs = [_input(args[i], i, names[i] if i < len(names) else f"arg{i}") for i in nums]  # copies
    for i, node in zip(nums, inputs, strict=True):
        args[i] = node
    out = fn(*args)
    if not isinstance(out, Node):
        raise _error(
            f"fn returned {type(out).__name__} {out!r:.40}, which does not depend on the "
            f"traced argument(s) {[x.name for x in inputs]}",
            "the result of traced operations",
            "compute with the operators and the ad functions (ad.exp, not np.exp; not "
            "x.value or float(x)).",
        )
    return Graph(inputs, out)


def value_and_grad(fn, argnums=0):
    """Like :func:`grad`, but the function returns ``(value, gradients)`` from the same pass.

    Parameters
    ----------
    fn : callable
        Returns a scalar (shape ()) computed from its traced arguments (see :func:`trace`).
    argnums : int or tuple of int
        Which arguments to differentiate with respect to, counting from 0.

    Returns
    -------
    callable
        Takes fn's arguments; returns ``(float, gradient)`` for an int argnums, ``(float,
        tuple of gradients)`` for a tuple; each gradient shaped like its argument.

    Examples
    --------
    >>> value_and_grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(np.array([2.0]), np.array([5.0]))
    (10.0, (array([5.]), array([2.])))
    """
    _argnums(argnums)

    def value_and_gradients(*args):
        graph = trace(fn, *args, argnums=argnums)
        if graph.output.shape != ():
            raise _error(
                f"grad got fn returning shape {graph.output.shape}",
                "a scalar (shape ()), the loss",
                "reduce it with .sum() or .mean(), or take one entry, e.g. y[0].",
            )
        grads = graph.gradients()
        one = isinstance(argnums, numbers.Integral)
        return float(graph.output.value), grads[0] if one else tuple(grads)

    return value_and_gradients


def grad(fn, argnums=0):
    """The gradient function of a scalar-valued ``fn``, by one reverse pass.

    Parameters
    ----------
    fn : callable
        Returns a scalar (shape ()) computed from its traced arguments (see :func:`trace`).
    argnums : int or tuple of int
        Which arguments to differentiate with respect to, counting from 0.

    Returns
    -------
    callable
        Takes fn's arguments; returns the gradient for argument ``argnums``, shaped like it
        (the only slice of the (1, *shape) derivative), or a tuple of them for a tuple argnums.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> grad(lambda x: (x ** 2).sum())(x)
    array([[2., 4.],
           [6., 8.]])
    >>> grad(lambda w, b: (w * b).sum(), argnums=(0, 1))(x, np.ones(2))
    (array([[1., 1.],
           [1., 1.]]), array([4., 6.]))
    """
    value_and_gradients = value_and_grad(fn, argnums)
    return lambda *args: value_and_gradients(*args)[1]
