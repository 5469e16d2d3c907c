"""Lesson 9, reverse mode as an algorithm: trace a computation, then walk its graph backwards.

Lesson 6 multiplied whole Jacobians, u^T J_L ... J_1. The engine :mod:`gradlib.autodiff` never
forms one: the forward pass stores every intermediate value, the backward pass visits the nodes in
reverse topological order, and each node turns the gradient it receives, U (shaped like its
value), into one contribution per parent with its vector-Jacobian product (VJP); a node used
twice (fan-out) adds up what it receives. This module holds, in order: the numbers (the lesson's
graphs and their step-by-step walk, softmax's Jacobian, the spiral classifier, the memory reverse
mode needs), the drawing (:func:`plot_graph`, :func:`training_picture`), the widget
(:class:`ReverseModeStepper`), and the lesson's exercises.

>>> w = walk("expression")
>>> [node_label(w, i) for i in range(len(w.graph.nodes))]
['x', 'W', 'P', 'T', 'Q', 'L']
>>> len(w.steps), w.steps[5].phase, w.label(w.steps[5].node)
(11, 'backward', 'L')
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import ipywidgets
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import autodiff as ad
from .. import numeric
from ..errors import GradlibError
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._widget import LessonWidget, fmt, line_html, matrix_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["ReverseModeStepper"]


# ---- the numbers: the lesson's two graphs ---------------------------------------------------
def gated(x, W):
    """L = sum(x * tanh(x @ W)): x (1, 2) is used twice, so its gradient is a sum (fan-out).

    >>> float(gated(np.array([[1.0, 0.0]]), np.zeros((2, 2))))
    0.0
    """
    return (x * ad.tanh(x @ W)).sum()


def network(x, W1, b1, W2, b2, labels):
    """A two-layer classifier's loss: CE(softmax(tanh(x @ W1 + b1) @ W2 + b2), labels), a scalar.

    Parameters
    ----------
    x : (B, n) inputs, one row per example
    W1 : (n, H), b1 : (1, H)
        The hidden layer (tanh).
    W2 : (H, C), b2 : (1, C)
        The output layer: C class scores per example, then softmax.
    labels : (B,) int
        The true class of each example, counting from 0.

    Returns
    -------
    Node or ndarray, shape ()
        The mean cross-entropy over the batch.
    """
    hidden = ad.tanh(x @ W1 + b1)
    return ad.cross_entropy(ad.softmax(hidden @ W2 + b2), labels)


@dataclass(frozen=True)
class Example:
    """A small computation the widget steps through.

    Attributes
    ----------
    title : str
        The computation in one line.
    fn : callable
        Written with the engine's operations.
    args : tuple
        The arguments; those at ``argnums`` are traced (the inputs of the graph).
    argnums : tuple of int
    names : tuple of str
        A name for each operation's result, in the graph's topological order.
    """

    title: str
    fn: object
    args: tuple
    argnums: tuple
    names: tuple


EXAMPLES = {
    "expression": Example(
        "L = sum(x * tanh(x @ W))",
        gated,
        (np.array([[0.5, -1.0]]), np.array([[1.0, -0.5], [0.5, 2.0]])),
        (0, 1),
        ("P", "T", "Q", "L"),
    ),
    "network": Example(
        "L = CE(softmax(tanh(x @ W1 + b1) @ W2 + b2), labels)",
        network,
        (
            np.array([[0.5, -1.0], [1.0, 0.5]]),
            np.array([[1.0, -0.5, 0.5], [0.5, 1.0, -1.0]]),
            np.array([[0.1, -0.2, 0.0]]),
            np.array([[1.0, -1.0, 0.5], [-0.5, 1.0, 1.0], [0.5, 0.5, -1.0]]),
            np.array([[0.0, 0.2, -0.1]]),
            np.array([0, 2]),
        ),
        (0, 1, 2, 3, 4),
        ("P1", "Z1", "H", "P2", "Z2", "S", "L"),
    ),
}

#: Short labels of the engine's operations for the boxes of the graph.
SHORT_OPS = {"cross_entropy": "CE", "input": "input"}


@dataclass(frozen=True)
class PassStep:
    """One step of the walk through a graph: the start, a forward step or a backward step.

    Attributes
    ----------
    phase : {"start", "forward", "backward"}
    node : int or None
        Index into ``graph.nodes`` of the node this step is about (None at the start).
    upstream : ndarray or None
        Backward: U, the gradient of L with respect to the node, shaped like its value.
    received : tuple of (int, ndarray)
        Backward: the contributions that add up to U, one per use of the node (its consumer's
        index and the contribution); fan-out is more than one.
    sent : tuple of (int, ndarray)
        Backward: what the node's VJP sends to each parent (the parent's index, shaped like it).
    computed, complete : tuple of bool
        For each node: is its value known; is its gradient complete.
    """

    phase: str
    node: int | None
    upstream: np.ndarray | None
    received: tuple
    sent: tuple
    computed: tuple
    complete: tuple


@dataclass
class Walk:
    """A traced example and every step of its forward and backward pass.

    Attributes
    ----------
    name : str
        Key of :data:`EXAMPLES`.
    graph : gradlib.autodiff.Graph
    steps : list of PassStep
        The start, one forward step per operation, one backward step per node.
    gradients : list of ndarray
        The gradient of L with respect to each input, shaped like it.
    positions : list of (float, float)
        Where each node is drawn (column, row).
    edges : list of (int, int)
        (parent, child) index pairs, one per use (a node used twice by one operation, as in
        x * x, has two).
    """

    name: str
    graph: object
    steps: list
    gradients: list
    positions: list
    edges: list

    def label(self, i: int) -> str:
        """The name of node ``i`` (see :func:`node_label`)."""
        return node_label(self, i)


def node_label(w: Walk, i: int) -> str:
    """The name of node ``i``: its argument's name for an input, the example's for an operation."""
    node = w.graph.nodes[i]
    if not node.parents:
        return node.name or node.op  # an argument's name, or "const" for a plain array
    ops = [n for n in w.graph.nodes if n.parents]
    return EXAMPLES[w.name].names[ops.index(node)]


def expression(w: Walk, i: int) -> str:
    """Node ``i`` as a formula of its parents' names, e.g. ``"tanh(Z1)"`` or ``"P1 + b1"``.

    >>> expression(walk("network"), 5), expression(walk("network"), 11)
    ('x @ W1', 'CE(S, labels)')
    """
    node, index = w.graph.nodes[i], {n: k for k, n in enumerate(w.graph.nodes)}
    args = [node_label(w, index[p]) for p in node.parents]
    if node.op in ("+", "-", "*", "/", "**", "@") and len(args) == 2:
        return f"{args[0]} {node.op} {args[1]}"
    if node.op == "cross_entropy":
        return f"CE({args[0]}, labels)"
    if node.op == ".T":
        return f"{args[0]}.T"
    return f"{node.op}({', '.join(args)})"


def _layout(graph) -> list:
    """(column, row) of each node: an operation one column right of its last parent, an input
    one column left of its first use; in each column operations first, then inputs."""
    nodes = graph.nodes
    index = {n: i for i, n in enumerate(nodes)}
    col = [0] * len(nodes)
    for i, n in enumerate(nodes):
        if n.parents:
            col[i] = 1 + max(col[index[p]] for p in n.parents)
    for i, n in enumerate(nodes):
        if not n.parents:
            uses = [col[k] for k, m in enumerate(nodes) if n in m.parents]
            col[i] = min(uses) - 1 if uses else 0
    order = sorted(range(len(nodes)), key=lambda i: (col[i], not nodes[i].parents, i))
    rows, positions = {}, [None] * len(nodes)
    for i in order:
        positions[i] = (float(col[i]), float(rows.get(col[i], 0)))
        rows[col[i]] = rows.get(col[i], 0) + 1
    return positions


@cache
def walk(name: str) -> Walk:
    """Trace example ``name`` and list its steps: start, forward (operations), backward (all nodes).

    Parameters
    ----------
    name : str
        Key of :data:`EXAMPLES`.

    Returns
    -------
    Walk
        The backward steps come from :meth:`gradlib.autodiff.Graph.backward`, unchanged.

    Examples
    --------
    >>> w = walk("network")
    >>> len(w.graph.nodes), len(w.steps)
    (12, 20)
    >>> s = w.steps[-1]
    >>> s.phase, w.label(s.node), s.upstream.shape, all(s.complete)
    ('backward', 'x', (2, 2), True)
    """
    if name not in EXAMPLES:
        raise GradlibError(f"example {name!r} is not one of {sorted(EXAMPLES)}; pick one of them.")
    ex = EXAMPLES[name]
    graph = ad.trace(ex.fn, *ex.args, argnums=ex.argnums)
    nodes = graph.nodes
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    computed = [not node.parents for node in nodes]
    complete = [False] * n
    steps = [PassStep("start", None, None, (), (), tuple(computed), tuple(complete))]
    for i, node in enumerate(nodes):
        if node.parents:
            computed[i] = True
            steps.append(PassStep("forward", i, None, (), (), tuple(computed), tuple(complete)))
    received = {i: [] for i in range(n)}
    for step in graph.backward():
        i = index[step.node]
        complete[i] = True
        sent = tuple((index[p], c) for p, c in step.contributions)
        for p, c in sent:
            received[p].append((i, c))
        steps.append(
            PassStep(
                "backward",
                i,
                step.upstream,
                tuple(received[i]),
                sent,
                tuple(computed),
                tuple(complete),
            )
        )
    edges = [(index[p], i) for i, node in enumerate(nodes) for p in node.parents]
    final = {s.node: s.upstream for s in steps if s.phase == "backward"}
    gradients = [final[index[x]] for x in graph.inputs]
    return Walk(name, graph, steps, gradients, _layout(graph), edges)


def shape_text(shape) -> str:
    """A shape as the lessons write it: ``(2, 3)``, ``(3,)``, ``()`` for a scalar.

    >>> shape_text((2, 3)), shape_text((3,)), shape_text(())
    ('(2, 3)', '(3,)', '()')
    """
    return str(tuple(shape))


def step_lines(w: Walk, k: int) -> tuple[str, list[str]]:
    """What step ``k`` of walk ``w`` says: a headline and up to three lines, with shapes.

    >>> head, lines = step_lines(walk("network"), 12)
    >>> head
    'Backward 5 of 12: at H = tanh(Z1)'
    >>> lines[1]
    'VJP of tanh (A = Z1): dA = U * (1 - tanh(A)**2)'
    """
    s = w.steps[k]
    nodes = w.graph.nodes
    n_ops = sum(1 for node in nodes if node.parents)
    if s.phase == "start":
        inputs = ", ".join(w.label(i) for i, node in enumerate(nodes) if node.op == "input")
        return (
            "Start: the inputs are given",
            [
                f"inputs: {inputs}",
                f"forward: {n_ops} operations, left to right, each value stored",
                f"backward: {len(nodes)} nodes, right to left, one VJP each",
            ],
        )
    node, name = nodes[s.node], w.label(s.node)
    shape = shape_text(node.shape)
    if s.phase == "forward":
        number = sum(1 for t in w.steps[1 : k + 1] if t.phase == "forward")
        return (
            f"Forward {number} of {n_ops}: {name} = {expression(w, s.node)}",
            [f"{name} has shape {shape}", "its value is stored for the backward pass"],
        )
    number = k - n_ops
    if not node.parents:
        head = f"Backward {number} of {len(nodes)}: at the input {name}"
    else:
        head = f"Backward {number} of {len(nodes)}: at {name} = {expression(w, s.node)}"
    if node is w.graph.output:
        first = f"U = ∂L/∂L = 1, shape {shape}: the seed"
    elif len(s.received) > 1:
        first = (
            f"U = ∂L/∂{name}, shape {shape}: the sum of {len(s.received)} contributions (fan-out)"
        )
    else:
        first = f"U = ∂L/∂{name}, shape {shape}"
    if not node.parents:
        return head, [first, f"{name} is an input: its gradient is complete, shaped like {name}"]
    letters = "AB"
    given = ", ".join(f"{letters[j]} = {w.label(p)}" for j, (p, _) in enumerate(s.sent))
    sent = ", ".join(
        f"d{letters[j]} {shape_text(c.shape)} to {w.label(p)}" for j, (p, c) in enumerate(s.sent)
    )
    op = SHORT_OPS.get(node.op, node.op)
    return head, [first, f"VJP of {op} ({given}): {node.rule}", f"sends {sent}"]


def backward_lines(w: Walk) -> list[str]:
    """The backward pass of walk ``w`` as a table: each node, its U and what it sends, with shapes.

    >>> print(backward_lines(walk("expression"))[1])
    Q = x * T          U (1, 2)   sends to x (1, 2), to T (1, 2)
    """
    out = []
    for s in w.steps:
        if s.phase != "backward":
            continue
        node = w.graph.nodes[s.node]
        what = (
            f"{w.label(s.node)} = {expression(w, s.node)}"
            if node.parents
            else f"{w.label(s.node)} (input)"
        )
        sent = ", ".join(f"to {w.label(p)} {shape_text(c.shape)}" for p, c in s.sent)
        out.append(
            f"{what:<18} U {shape_text(s.upstream.shape):<8} "
            + (f"sends {sent}" if sent else "gradient complete")
        )
    return out


# ---- the numbers: softmax and cross-entropy ---------------------------------------------------
def softmax_jacobian(z) -> np.ndarray:
    """The Jacobian of s = softmax(z), diag(s) - s s^T, formed (for looking at it, not for use).

    Parameters
    ----------
    z : array_like, shape (C,)

    Returns
    -------
    ndarray, shape (C, C)
        Row i is the gradient of s_i; every row sums to 0 (the entries of s always sum to 1).

    Examples
    --------
    >>> softmax_jacobian([0.0, np.log(3.0)]).round(4)
    array([[ 0.1875, -0.1875],
           [-0.1875,  0.1875]])
    """
    s = ad.softmax(np.asarray(z, dtype=float))
    return np.diag(s) - np.outer(s, s)


def vjp_cost(C: int) -> dict:
    """Multiplications for u^T J of softmax over C classes: forming J first, or the VJP.

    Forming J = diag(s) - s s^T takes C^2 products (s s^T) and u^T J another C^2; the VJP
    s * (u - (u . s)) takes C for the dot product and C for the element-wise product.

    >>> vjp_cost(1000)
    {'form J, then u^T J': 2000000, 'VJP s * (u - u.s)': 2000}
    """
    return {"form J, then u^T J": 2 * C * C, "VJP s * (u - u.s)": 2 * C}


def one_hot(label: int, C: int) -> np.ndarray:
    """The row e_label of the (C x C) identity, shape (C,); label counts from 0."""
    return np.eye(C)[label]


# ---- the numbers: a classifier on spirals ----------------------------------------------------
def spiral(n: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """Points on interleaved spiral arms, one arm per class (as in CS231n).

    Returns
    -------
    X : ndarray, shape (n * classes, 2)
    y : ndarray of int, shape (n * classes,)
        The class of each point, counting from 0.

    Examples
    --------
    >>> X, y = spiral()
    >>> X.shape, y.shape, np.bincount(y).tolist()
    ((300, 2), (300,), [100, 100, 100])
    """
    rng = np.random.default_rng(seed)
    r = np.linspace(0.0, 1.0, n)
    angles = [np.linspace(4 * c, 4 * (c + 1), n) + rng.normal(0, noise, n) for c in range(classes)]
    X = np.concatenate([np.c_[r * np.sin(t), r * np.cos(t)] for t in angles])
    return X, np.repeat(np.arange(classes), n)


def init_params(hidden: int = 32, inputs: int = 2, classes: int = 3, seed: int = 0) -> list:
    """Random weights, zero biases: [W1, b1, W2, b2].

    Shapes: W1 (inputs, hidden), b1 (1, hidden), W2 (hidden, classes), b2 (1, classes). W2 is
    scaled by 1/sqrt(hidden), so the first scores are small and the loss starts near log(classes).

    >>> [p.shape for p in init_params(hidden=4)]
    [(2, 4), (1, 4), (4, 3), (1, 3)]
    """
    rng = np.random.default_rng(seed)
    return [
        rng.normal(0, 1, (inputs, hidden)),
        np.zeros((1, hidden)),
        rng.normal(0, hidden**-0.5, (hidden, classes)),
        np.zeros((1, classes)),
    ]


def loss(W1, b1, W2, b2, X, y):
    """The mean cross-entropy on (X, y): :func:`network` with the data last (for ad.grad)."""
    return network(X, W1, b1, W2, b2, y)


def predict(params, X) -> np.ndarray:
    """The predicted class of each row of X, shape (B,): the largest score."""
    W1, b1, W2, b2 = params
    return (np.tanh(X @ W1 + b1) @ W2 + b2).argmax(axis=1)


def accuracy(params, X, y) -> float:
    """The fraction of rows of X whose predicted class is y."""
    return float((predict(params, X) == np.asarray(y)).mean())


def flatten(params) -> np.ndarray:
    """All parameters in one vector, shape (P,), each array row by row."""
    return np.concatenate([np.ravel(p) for p in params])


def unflatten(theta, like) -> list:
    """The inverse of :func:`flatten`: arrays shaped like those of ``like``."""
    sizes = np.cumsum([0] + [np.size(p) for p in like])
    return [np.asarray(theta[a:b]).reshape(np.shape(p)) for a, b, p in zip(sizes, sizes[1:], like)]


def gradient_check(params, X, y) -> dict:
    """The reverse-mode gradient of :func:`loss` against finite differences (``gl.gradient``).

    Returns
    -------
    dict
        ``reverse`` and ``numeric``: the gradient with respect to all P parameters as a (1, P)
        row (flattened like :func:`flatten`); ``max_abs_difference``; ``largest_entry``.

    Examples
    --------
    >>> X, y = spiral(n=10)
    >>> c = gradient_check(init_params(hidden=3), X, y)
    >>> c["reverse"].shape, c["max_abs_difference"] < 1e-8
    ((1, 21), True)
    """
    grads = ad.grad(loss, argnums=(0, 1, 2, 3))(*params, X, y)
    reverse = flatten(grads)[None, :]
    numeric_row = numeric.gradient(
        lambda t: float(loss(*unflatten(t, params), X, y)), flatten(params)
    )
    return {
        "reverse": reverse,
        "numeric": numeric_row,
        "max_abs_difference": float(np.abs(reverse - numeric_row).max()),
        "largest_entry": float(np.abs(reverse).max()),
    }


# ---- the numbers: what reverse mode stores ---------------------------------------------------
def memory(graph) -> dict:
    """What the traced graph holds for the backward pass, in bytes, against forward mode's passes.

    Parameters
    ----------
    graph : gradlib.autodiff.Graph

    Returns
    -------
    dict
        ``intermediates``: (name of the operation, shape, bytes) for every operation's stored
        value; ``stored_bytes``: their sum; ``parameters``: how many numbers the inputs hold
        (the passes forward mode needs, one per input number); ``parameter_bytes``;
        ``largest_bytes``: the largest intermediate.

    Examples
    --------
    >>> m = memory(ad.trace(lambda w: ad.tanh(np.ones((4, 2)) @ w).sum(), np.ones((2, 3))))
    >>> m["intermediates"], m["stored_bytes"], m["parameters"]
    ([('@', (4, 3), 96), ('tanh', (4, 3), 96), ('sum', (), 8)], 200, 6)
    """
    ops = [n for n in graph.nodes if n.parents]
    inter = [(n.op, n.shape, n.value.nbytes) for n in ops]
    return {
        "intermediates": inter,
        "stored_bytes": sum(b for *_, b in inter),
        "parameters": sum(x.size for x in graph.inputs),
        "parameter_bytes": sum(x.value.nbytes for x in graph.inputs),
        "largest_bytes": max(b for *_, b in inter),
    }


# ---- the drawing ---------------------------------------------------------------------------
#: Font size of every text in the lesson's figures: 11 pt at style.DPI (80) is 9.2 pt when the PNG
#: is shown at its own size on a 96-pixel-per-inch page (11 * 80 / 96).
FONT = 11
BOX_W, BOX_H, ROW_GAP = 0.8, 0.62, 1.2
NOT_YET = "#ffffff"
STORED = style.OKABE_ITO["sky_blue"] + "59"  # a value is known (stored in the forward pass)
DONE = style.OKABE_ITO["vermillion"] + "80"  # the gradient is complete
EDGE = style.ROLES["grid"]


def _xy(position) -> tuple[float, float]:
    col, row = position
    return col, -ROW_GAP * row


def plot_graph(ax, w: Walk, step: int = 0):
    """Draw walk ``w``'s graph at ``step``: nodes as boxes with name, operation and shape, edges
    as arrows; the step's headline in the title and its lines under the graph.

    Parameters
    ----------
    ax : matplotlib Axes
    w : Walk
    step : int
        Index into ``w.steps``.

    Returns
    -------
    Drawing
        Its ``moving`` artists are the boxes, the edges, the box texts, the title and the three
        lines (all moving: a box's colour and an edge's direction change with the step). In a
        backward step the arrows to the node's inputs point back, solid (what it sends), and so
        do the arrows from the nodes that used it, dashed (what it received). ``update((w, k))``
        recolours them for step k of the same walk.
    """
    nodes = w.graph.nodes
    xy = [_xy(p) for p in w.positions]
    cols = max(x for x, _ in xy) + 1
    rows = max(-y for _, y in xy) / ROW_GAP + 1
    bottom = -ROW_GAP * (rows - 1) - BOX_H / 2 - 1.0
    ax.set_xlim(-0.55, cols - 0.45)
    ax.set_ylim(bottom, 0.65)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    style.label(
        ax,
        "step",
        "box colour: value stored (blue), gradient complete (red-orange); "
        "current node: thick frame",
        "graph of " + EXAMPLES[w.name].title.split(" = ")[0],
    )
    ax.xaxis.label.set_fontsize(FONT)
    ax.yaxis.label.set_fontsize(FONT)
    ax.title.set_fontsize(FONT + 1)
    boxes, labels = [], []
    for i, node in enumerate(nodes):
        x, y = xy[i]
        box = FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0,rounding_size=0.08",
            lw=1.2,
            zorder=2,
        )
        boxes.append(ax.add_patch(box))
        op = SHORT_OPS.get(node.op, node.op)
        labels.append(
            ax.text(
                x,
                y,
                f"{w.label(i)}\n{op}\n{shape_text(node.shape)}",
                ha="center",
                va="center",
                fontsize=FONT,
                zorder=3,
                linespacing=1.15,
            )
        )
    arrows = []
    for p, c in w.edges:
        (x0, y0), (x1, y1) = xy[p], xy[c]
        bend = 0.25 if (y0 == y1 and x1 - x0 > 1) else 0.0  # over the boxes in between
        arrows.append(
            ax.add_patch(
                FancyArrowPatch(  # from box edge to box edge, computed once (not clipped per draw)
                    _on_box_edge(xy[p], xy[c], bend),
                    _on_box_edge(xy[c], xy[p], -bend),
                    shrinkA=2,
                    shrinkB=2,
                    connectionstyle=f"arc3,rad={bend}",
                    mutation_scale=14,
                    zorder=1,
                )
            )
        )
    lines = [
        ax.text(
            0.0,
            0.2 - 0.085 * k,
            "",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=FONT,
            color=style.ROLES["text"],
        )
        for k in range(3)
    ]

    def update(scene):
        k = scene[1]
        s = w.steps[k]
        sent = {p for p, _ in s.sent}
        received = {c for c, _ in s.received}
        for i, box in enumerate(boxes):
            box.set_facecolor(DONE if s.complete[i] else STORED if s.computed[i] else NOT_YET)
            current = i == s.node
            box.set_edgecolor(style.ROLES["point"] if current else EDGE)
            box.set_linewidth(3.2 if current else 1.2)
        for (p, c), arrow in zip(w.edges, arrows, strict=True):
            forward = s.phase == "forward" and c == s.node
            backward = s.phase == "backward" and c == s.node and p in sent
            arrived = s.phase == "backward" and p == s.node and c in received
            arrow.set_arrowstyle("<|-" if backward or arrived else "-|>")
            arrow.set_color(
                style.ROLES["gradient"]
                if backward or arrived
                else style.ROLES["direction"]
                if forward
                else EDGE
            )
            arrow.set_linewidth(2.5 if forward or backward else 1.6 if arrived else 1.2)
            arrow.set_linestyle("--" if arrived else "-")
        head, text = step_lines(w, k)
        ax.title.set_text(head)
        for line, t in zip(lines, text + [""] * (3 - len(text))):
            line.set_text(t)
        return [*arrows, *boxes, *labels, ax.title, *lines]

    return style.Drawing(update((w, step)), update)


def _on_box_edge(center, toward, bend: float = 0.0) -> tuple[float, float]:
    """Where an arrow from the box at ``center`` toward ``toward`` leaves the box (BOX_W x BOX_H).

    An ``arc3`` connection with ``rad=bend`` leaves its start at ``atan(2 bend)`` clockwise from
    the chord (matplotlib's control point is the chord's middle + bend (dy, -dx)); pass ``-bend``
    for its end.

    >>> _on_box_edge((0.0, 0.0), (3.0, 0.0))
    (0.4, 0.0)
    """
    (x0, y0), (x1, y1) = center, toward
    dx, dy = x1 - x0, y1 - y0
    turn = -np.arctan(2 * bend)  # the arc's tangent there, against the chord
    c, s = np.cos(turn), np.sin(turn)
    dx, dy = c * dx - s * dy, s * dx + c * dy
    t = min(
        BOX_W / 2 / abs(dx) if dx else np.inf,
        BOX_H / 2 / abs(dy) if dy else np.inf,
    )
    return float(x0 + t * dx), float(y0 + t * dy)


CLASS_COLORS = (style.OKABE_ITO["blue"], style.OKABE_ITO["orange"], style.OKABE_ITO["bluish_green"])
CLASS_MARKERS = ("o", "s", "^")


def decision_grid(params, lim: float = 1.15, size: int = 200):
    """The predicted class over a square grid: (xs, ys, classes), classes of shape (size, size)."""
    xs = np.linspace(-lim, lim, size)
    gx, gy = np.meshgrid(xs, xs)
    return xs, xs, predict(params, np.c_[gx.ravel(), gy.ravel()]).reshape(size, size)


def training_picture(losses, params, X, y) -> style.Picture:
    """The loss curve of training (log scale) and the trained network's decision regions.

    Parameters
    ----------
    losses : sequence of float
        The loss before each gradient step.
    params : list of ndarray
        The trained [W1, b1, W2, b2].
    X : ndarray, shape (B, 2)
    y : ndarray of int, shape (B,)

    Returns
    -------
    gradlib.topics._style.Picture
        One PNG with alt text giving the first and last loss and the training accuracy.
    """
    fig, (ax_loss, ax_map) = style.new_figure("wide", 1, 2)
    ax_loss.semilogy(np.arange(len(losses)), losses, color=style.ROLES["gradient"], lw=2)
    style.label(ax_loss, "Training loss", "gradient step", "cross-entropy (log scale)")
    xs, ys, classes = decision_grid(params)
    C = len(CLASS_COLORS)
    ax_map.contourf(xs, ys, classes, levels=np.arange(C + 1) - 0.5, colors=CLASS_COLORS, alpha=0.25)
    for c in range(C):
        ax_map.scatter(
            *X[y == c].T,
            s=14,
            color=CLASS_COLORS[c],
            marker=CLASS_MARKERS[c],
            edgecolors="white",
            linewidths=0.4,
            label=f"class {c + 1}",
        )
    ax_map.set_aspect("equal")
    acc = accuracy(params, X, y)
    style.label(ax_map, f"Decision regions: {100 * acc:.1f}% right", "x1", "x2")
    ax_map.legend(
        loc="upper left",
        fontsize=FONT,
        framealpha=0.9,
        handletextpad=0.2,
        borderpad=0.3,
        bbox_to_anchor=(1.0, 1.0),
    )
    for ax in (ax_loss, ax_map):
        ax.tick_params(labelsize=FONT)
        ax.title.set_fontsize(FONT + 1)
        ax.xaxis.label.set_fontsize(FONT)
        ax.yaxis.label.set_fontsize(FONT)
    alt = (
        f"Left: the training loss over {len(losses)} gradient steps on a log scale, from "
        f"{losses[0]:.3f} down to {losses[-1]:.3f}. Right: the plane coloured by the class the "
        f"trained network predicts, with the {len(y)} spiral points in their true class; "
        f"{100 * acc:.1f}% of them lie in their own class's region."
    )
    return style.Picture(fig, alt)


# ---- the widget ----------------------------------------------------------------------------
def _array_html(value, name: str) -> str:
    """An array of the walk in the panel: a matrix with its shape, or a number for a scalar."""
    value = np.asarray(value, dtype=float)
    if value.ndim == 0:
        return line_html(f"{name} =", f"{fmt(value)}  (shape ())")
    if value.ndim == 1:
        return matrix_html(
            value[None, :], name=f"{name}, shape {shape_text(value.shape)}, as a row"
        )
    return matrix_html(value, name=name)


class ReverseModeStepper(LessonWidget):
    """Step through the forward and then the backward pass of a small traced computation.

    Parameters
    ----------
    example : str
        Key of :data:`EXAMPLES`: "network" (a two-layer classifier on a batch of 2) or
        "expression" (x used twice: fan-out).
    step : int
        The step shown first (0: the inputs).
    """

    text = "Reverse-mode stepper: run the notebook to step through the forward and backward pass."
    size = "wide"
    panel_width = "768px"  # under the figure, as wide as it: the matrices sit side by side

    def __init__(self, example: str = "network", step: int = 0):
        w = walk(example)
        self.example = ipywidgets.Dropdown(
            options=list(EXAMPLES),
            value=example,
            description="graph:",
            layout=ipywidgets.Layout(width="220px"),
        )
        button = ipywidgets.Layout(width="100px")
        self.prev = ipywidgets.Button(description="◀ previous", layout=button)
        self.next = ipywidgets.Button(description="next ▶", layout=button)
        self.step = ipywidgets.IntSlider(
            value=int(np.clip(step, 0, len(w.steps) - 1)),
            min=0,
            max=len(w.steps) - 1,
            description="step:",
            layout=ipywidgets.Layout(width="300px"),
        )
        self.listen(self.prev, self._move, -1)
        self.listen(self.next, self._move, +1)
        self.listen(self.example, self._on_example)  # before the base's: runs first
        super().__init__([self.example, self.prev, self.next, self.step])

    def _move(self, delta: int):
        self.step.value = int(np.clip(self.step.value + delta, self.step.min, self.step.max))

    def _on_example(self, change):
        with self.batch():
            self.step.value = 0
            self.step.max = len(walk(change["new"]).steps) - 1

    def scene(self):
        w = walk(self.example.value)
        return w, min(self.step.value, len(w.steps) - 1)

    def static_key(self, s):
        return s[0].name

    def picture_key(self, s):
        return s[0].name, s[1]

    def prerender_scenes(self):
        return [(walk(name), 0) for name in EXAMPLES]

    def draw(self, s):
        return plot_graph(self.axes[0], *s)

    def panel_html(self, s) -> str:
        w, k = s
        step = w.steps[k]
        head, lines = step_lines(w, k)
        out = [
            f'<div style="font-weight:bold;font-size:13px;margin-bottom:4px">'
            f"{html.escape(head)}</div>"
        ]
        if step.phase == "start":
            for i, node in enumerate(w.graph.nodes):
                if not node.parents:
                    out.append(_array_html(node.value, w.label(i)))
            return "".join(out)
        i = step.node
        node = w.graph.nodes[i]
        if step.phase == "forward":
            out.append(
                line_html(f"{w.label(i)} = {expression(w, i)}", f"shape {shape_text(node.shape)}")
            )
            out.append(_array_html(node.value, w.label(i)))
            return "".join(out)
        if len(step.received) > 1:
            out.append(line_html("fan-out:", f"{len(step.received)} contributions add up to U"))
            out += [_array_html(c, f"from {w.label(child)}") for child, c in step.received]
        out.append(_array_html(step.upstream, f"U = ∂L/∂{w.label(i)}"))
        if node.parents:
            out.append(line_html("VJP:", node.rule))
        for p, c in step.sent:
            out.append(_array_html(c, f"to {w.label(p)}"))
        return "".join(out)

    @property
    def state(self) -> dict:
        w, k = self._scene
        s = w.steps[k]
        return {
            "example": w.name,
            "step": k,
            "steps": len(w.steps),
            "phase": s.phase,
            "node": None if s.node is None else w.label(s.node),
            "upstream": None if s.upstream is None else s.upstream.tolist(),
            "sent": {w.label(p): c.tolist() for p, c in s.sent},
            "received": [w.label(c) for c, _ in s.received],
            "computed": [w.label(i) for i, v in enumerate(s.computed) if v],
            "complete": [w.label(i) for i, v in enumerate(s.complete) if v],
            "title": step_lines(w, k)[0],
        }

    def demo_moves(self):
        return [
            ("next", lambda: self.next.click()),
            ("next", lambda: self.next.click()),
            ("previous", lambda: self.prev.click()),
            ("step slider to the end", lambda: setattr(self.step, "value", self.step.max)),
            ("graph: expression", lambda: setattr(self.example, "value", "expression")),
            ("step slider to 7", lambda: setattr(self.step, "value", 7)),
            ("graph: network", lambda: setattr(self.example, "value", "network")),
            ("step slider to 5", lambda: setattr(self.step, "value", 5)),
        ]

    def alt_text(self, s) -> str:
        w, k = s
        head, _ = step_lines(w, k)
        return (
            f"The computational graph of {EXAMPLES[w.name].title}, {len(w.graph.nodes)} boxes "
            f"(each node with its operation and shape) joined by arrows; {head}."
        )


# ---- exercises -----------------------------------------------------------------------------
def _num(v) -> str:
    """A number as written in a statement: an integer without ``.0``."""
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _tex(M) -> str:
    """An array in LaTeX, rows of a bmatrix (a 1-D array as one row)."""
    M = np.atleast_2d(M)
    return (
        "\\begin{bmatrix} "
        + " \\\\ ".join(" & ".join(_num(v) for v in row) for row in M)
        + " \\end{bmatrix}"
    )


def _weighted_sum(U, terms) -> str:
    """The formula sum_k U_k * terms[k], for an exercise's problem data."""
    return " + ".join(f"({_num(u)})*({t})" for u, t in zip(U, terms))


def _linear(coefficients, names) -> str:
    return " + ".join(f"({_num(c)})*{n}" for c, n in zip(coefficients, names))


# 9.1: y = tanh(a) entry by entry; the points make tanh exact: tanh(ln 2) = 3/5, tanh(ln 3) = 4/5.
TANH_A = (0.0, float(np.log(2.0)), float(-np.log(3.0)))
TANH_U = (2.0, -1.0, 0.5)
# 9.2: y = a @ W (a 1-D, acting as a row); 9.3: y = A @ b (b 1-D, acting as a column).
MATMUL_a, MATMUL_Ua = (3.0, -1.0), (1.0, 2.0, -1.0)
MATMUL_W = np.array([[2.0, -1.0, 1.0], [0.0, 3.0, -2.0]])
MATMUL_b, MATMUL_Ub = (1.0, 0.0, 2.0), (2.0, -1.0)
MATMUL_A = np.array([[1.0, -2.0, 0.0], [3.0, 1.0, -1.0]])
# 9.4: logits whose exponentials are 1, 3, 4: s = (1, 3, 4) / 8 exactly.
SOFTMAX_Z = (0.0, float(np.log(3.0)), float(np.log(4.0)))
_SUM_EXP = "(exp(z1) + exp(z2) + exp(z3))"  # softmax's denominator, for 9.4's mistakes
_SOFTMAX = [f"exp(z{i})/{_SUM_EXP}" for i in (1, 2, 3)]  # s, in the logits z1, z2, z3

add(
    Exercise(
        id="9.1",
        kind="gradient",
        statement="An element-wise $y = \\tanh(a)$ at $a = (0,\\ \\ln 2,\\ -\\ln 3)$, where "
        "$y = (0,\\ 0.6,\\ -0.8)$. The backward pass brings $U = \\partial L / \\partial y = "
        "(2,\\ -1,\\ 0.5)$. Compute the VJP $\\partial L / \\partial a$ as a row of shape "
        "(1, 3); 3 significant digits are enough.",
        hints=(
            "An element-wise function has a diagonal Jacobian, so U^T J is an entry-by-entry "
            "product: entry i is U_i times the derivative of tanh at a_i.",
            "The derivative of tanh is 1 - tanh(a)^2 = 1 - y^2: the VJP uses the output y that the "
            "forward pass stored.",
        ),
        problem={
            "f": _weighted_sum(TANH_U, ["tanh(a1)", "tanh(a2)", "tanh(a3)"]),
            "variables": "a1 a2 a3",
            "x": list(TANH_A),
        },
        mistakes=(
            Mistake(
                "U dropped: the local derivative alone",
                answer=[[f"1 - tanh(a{i})**2" for i in (1, 2, 3)]],
                kind="missing_upstream",
                message="This is the local derivative 1 - y^2 alone: the gradient U that the "
                "backward pass brings is missing. A VJP multiplies what arrives, U, by the local "
                "derivative, entry by entry.",
            ),
            Mistake(
                "the derivative taken at the input: U * (1 - a^2)",
                answer=[[f"({_num(u)})*(1 - a{i}**2)" for i, u in enumerate(TANH_U, 1)]],
                kind="wrong_point",
                message="You put the input a into 1 - y^2; that formula needs the output y = "
                "tanh(a), the value the forward pass stored for this node.",
            ),
            Mistake(
                "U times the value y, not the derivative",
                answer=[[f"({_num(u)})*tanh(a{i})" for i, u in enumerate(TANH_U, 1)]],
                kind="value_not_derivative",
                message="This is U times the stored value y = tanh(a); the VJP multiplies U by "
                "the derivative of tanh at a, not by tanh itself.",
            ),
            Mistake("a column instead of a row", transform="transposed"),
        ),
        examples_wrong=(
            ([[2, -0.4, 0.9]], "wrong_columns"),  # U * (1 - y): the square forgotten
            (1.54, "scalar_for_row"),  # summed over the entries
            (np.diag([2, -0.64, 0.18]).tolist(), "wrong_shape"),  # the Jacobian diag(U * (1 - y^2))
        ),
    )
)

add(
    Exercise(
        id="9.2",
        kind="gradient",
        statement=f"A matrix product $y = a W$ with the row $a = {_tex(MATMUL_a)}$ (1 x 2) and "
        f"$W = {_tex(MATMUL_W)}$ (2 x 3), so $y$ is (1 x 3). The backward pass brings "
        f"$U = \\partial L / \\partial y = {_tex(MATMUL_Ua)}$. Compute the VJP with respect "
        "to the left argument, $\\partial L / \\partial a$, shaped like $a$: (1, 2); "
        "3 significant digits are enough.",
        hints=(
            "The answer is shaped like a, (1 x 2). Which product of U (1 x 3) and W (2 x 3), one "
            "of them transposed, has that shape?",
            "Entry i of dL/da is the dot product of U with row i of W: a_i reaches y through row i "
            "of W. The value of a itself does not enter.",
        ),
        problem={
            "f": _weighted_sum(MATMUL_Ua, [_linear(col, ["a1", "a2"]) for col in MATMUL_W.T]),
            "variables": "a1 a2",
            "x": list(MATMUL_a),
        },
        mistakes=(
            Mistake(
                "a^T U: the rule for W",
                answer=[[f"({_num(u)})*a{i}" for u in MATMUL_Ua] for i in (1, 2)],
                kind="wrong_argument",
                message="a^T U (2 x 3) is dL/dW, the VJP for the other argument, shaped like W. "
                "dL/da is shaped like a, (1 x 2): it sends U back through W, not through a.",
            ),
            Mistake(
                "U dropped: the rows of W summed",
                answer=[MATMUL_W.sum(axis=1).tolist()],
                kind="missing_upstream",
                message="These are the rows of W summed, as if U were all ones: the gradient U "
                "that the backward pass brings is missing. Weigh row i of W by U entry by entry.",
            ),
            Mistake(
                "U passed on unchanged",
                answer=[list(MATMUL_Ua)],
                kind="missing_factor",
                message="This is U = dL/dy itself, shaped like y (1 x 3); the node y = a W still "
                "has to send it back through W, to a (1 x 2).",
            ),
            Mistake("W U^T, a column", transform="transposed"),
        ),
        examples_wrong=(
            ([-1, 8], "one_d"),  # W @ U with 1-D arrays
            ([[1, 8]], "sign_entries"),  # a sign lost in row 1 of W
        ),
    )
)

add(
    Exercise(
        id="9.3",
        kind="gradient",
        statement=f"A matrix product $y = A b$ with $A = {_tex(MATMUL_A)}$ (2 x 3) and the vector "
        f"$b = {_tex(MATMUL_b)}^T$ (3 numbers), so $y$ has 2 numbers. The backward pass "
        f"brings $U = \\partial L / \\partial y = {_tex(MATMUL_Ub)}$. Compute the VJP with "
        "respect to the right argument, $\\partial L / \\partial b$, as a row of shape "
        "(1, 3); 3 significant digits are enough.",
        hints=(
            "The answer has one number per entry of b, written as a row (1 x 3). Which product of "
            "U (1 x 2) and A (2 x 3) has that shape?",
            "Entry j of dL/db is the dot product of U with column j of A: b_j reaches y through "
            "column j of A. The value of b itself does not enter.",
        ),
        problem={
            "f": _weighted_sum(MATMUL_Ub, [_linear(row, ["b1", "b2", "b3"]) for row in MATMUL_A]),
            "variables": "b1 b2 b3",
            "x": list(MATMUL_b),
        },
        mistakes=(
            Mistake(
                "U^T b^T: the rule for A",
                answer=[[f"({_num(u)})*b{j}" for j in (1, 2, 3)] for u in MATMUL_Ub],
                kind="wrong_argument",
                message="U^T b^T (2 x 3) is dL/dA, the VJP for the other argument, shaped like "
                "A. dL/db has one number per entry of b: it sends U back through A, not through "
                "b.",
            ),
            Mistake(
                "U dropped: the columns of A summed",
                answer=[MATMUL_A.sum(axis=0).tolist()],
                kind="missing_upstream",
                message="These are the columns of A summed, as if U were all ones: the gradient "
                "U that the backward pass brings is missing. Weigh row i of A by U_i.",
            ),
            Mistake(
                "U passed on unchanged",
                answer=[list(MATMUL_Ub)],
                kind="missing_factor",
                message="This is U = dL/dy itself, one number per entry of y (1 x 2); the node "
                "y = A b still has to send it back through A, to b (1 x 3).",
            ),
            Mistake("A^T U^T, a column", transform="transposed"),
        ),
        examples_wrong=(
            ([-1, -5, 1], "one_d"),  # A.T @ U with 1-D arrays
        ),
    )
)

add(
    Exercise(
        id="9.4",
        kind="gradient",
        statement="One example with logits $z = (0,\\ \\ln 3,\\ \\ln 4)$ and true class 2 (classes "
        "counted 1, 2, 3). Its loss is $L = -\\log s_2$ with "
        "$s = \\operatorname{softmax}(z)$. "
        "Compute $\\partial L / \\partial z$ as a row of shape (1, 3); 3 significant digits "
        "are enough.",
        hints=(
            "Compute s = softmax(z) first: the exponentials of 0, ln 3 and ln 4 are whole numbers.",
            "Through softmax and cross-entropy together the gradient with respect to z collapses "
            "to "
            "s - y, where y is the one-hot row of the true class.",
        ),
        problem={
            "f": "-log(exp(z2)/(exp(z1) + exp(z2) + exp(z3)))",
            "variables": "z1 z2 z3",
            "x": list(SOFTMAX_Z),
        },
        mistakes=(
            Mistake(
                "s alone: the one-hot row forgotten",
                answer=[_SOFTMAX],
                kind="missing_one_hot",
                message="This is s = softmax(z) alone; the gradient of the cross-entropy through "
                "softmax is s - y: subtract the one-hot row y of the true class.",
            ),
            Mistake(
                "class 2 counted from 0: the third class",
                answer=[[_SOFTMAX[0], _SOFTMAX[1], f"{_SOFTMAX[2]} - 1"]],
                kind="wrong_class",
                message="The 1 is subtracted at the third entry: class 2, counting from 1 as the "
                "statement does, is the second entry.",
            ),
            Mistake(
                "y - s",
                answer=[[f"-{_SOFTMAX[0]}", f"1 - {_SOFTMAX[1]}", f"-{_SOFTMAX[2]}"]],
                kind="sign",
                message="This is y - s, the opposite sign: L = -log s_2 grows when z_2 falls, so "
                "the gradient is s - y, negative only at the true class.",
            ),
            Mistake(
                "dL/ds: stopped before softmax",
                answer=[["0", f"-{_SUM_EXP}/exp(z2)", "0"]],
                kind="stopped_before_softmax",
                message="This is dL/ds = -1/s_2 at the true class, the gradient with respect to "
                "the probabilities s; the backward pass still has to go through softmax, to z.",
            ),
            Mistake("a column instead of a row", transform="transposed"),
        ),
        examples_wrong=(
            (0.981, "scalar_for_row"),  # the loss -log(3/8), not its gradient
        ),
    )
)


def gradient_through(op):
    """The function ``(x, u) -> dL/dx`` for L(x) = sum(u * op(x) ** 2), by one reverse pass.

    ``op`` is a new operation of the engine (a learner's ``sin``); squaring its result after it
    makes both its forward value and its VJP matter.

    Parameters
    ----------
    op : callable
        Takes a traced array, returns one of the same shape.

    Returns
    -------
    callable
        ``(x, u)``, both of shape (1, n), to the gradient shaped like x, (1, n).

    Examples
    --------
    >>> g = gradient_through(ad.tanh)
    >>> g(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])).round(4)
    array([[0.    , 0.6397]])
    """

    def gradient(x, u):
        return ad.grad(lambda a: (u * op(a) ** 2).sum())(x)

    return gradient


def sin_gradient_check(x, u) -> np.ndarray:
    """The reference of exercise 9.5: dL/dx for L = sum(u * sin(x) ** 2) by finite differences.

    Parameters
    ----------
    x, u : ndarray, shape (1, n)

    Returns
    -------
    ndarray, shape (1, n)
        ``gl.gradient`` of L at x (x flattened row by row, so (1, n) as it is).
    """
    return numeric.gradient(lambda v: float((u.ravel() * np.sin(v) ** 2).sum()), x.ravel())


def _sin_like(forward, vjp):
    """A sin-like operation with the VJP ``vjp(u, a, y)``: the wrong answers of exercise 9.5."""

    def op(a):
        a = ad.as_node(a, "sin")
        y = forward(a.value)
        return ad.record(y, "sin", "", (a, lambda u: vjp(u, a.value, y)))

    return op


# Typical wrong sins of exercise 9.5, as the check sees them (through gradient_through), and the
# operation given without gradient_through.
_sin_without_upstream = gradient_through(_sin_like(np.sin, lambda u, a, y: np.cos(a)))
_sin_wrong_sign = gradient_through(_sin_like(np.sin, lambda u, a, y: -u * np.cos(a)))
_sin_derivative_at_output = gradient_through(_sin_like(np.sin, lambda u, a, y: u * np.cos(y)))
_sin_forward_is_cos = gradient_through(_sin_like(np.cos, lambda u, a, y: u * np.cos(a)))
_sin_not_wrapped = _sin_like(np.sin, lambda u, a, y: -u * np.cos(a))

add(
    Exercise(
        id="9.5",
        kind="code",
        statement="The engine has no sine. Write `sin(a)` the way the engine writes its operations "
        '(`ad` is `gl.autodiff`): `a = ad.as_node(a, "sin")`, then '
        '`return ad.record(forward value, "sin", rule, (a, vjp))`, with the forward value '
        "computed from `a.value` and `vjp` a function of `u`. Then answer with "
        "`gl.topics.reverse_mode.gradient_through(sin)` (in the lesson also "
        "`lesson.gradient_through(sin)`). The check is a gradient check: for three rows $x$ "
        "and weights $u$ (each 1 x 3) it computes the gradient of "
        "$L(x) = \\sum_i u_i \\sin(x_i)^2$ by one reverse pass through your `sin` and "
        "compares it with finite differences.",
        hints=(
            "Copy the pattern of ad.exp or ad.tanh in gradlib/autodiff.py: the forward value and "
            "the VJP sit side by side.",
            "The VJP of an element-wise function multiplies u entry by entry with the derivative, "
            "taken at the input a.value (for tanh the output was handier; here it is not).",
        ),
        problem={
            "reference": "gradlib.topics.reverse_mode:sin_gradient_check",
            "inputs": [
                [[[0.5, -1.0, 2.0]], [[1.0, 2.0, -0.5]]],
                [[[1.5, 0.25, -2.5]], [[-1.0, 0.5, 3.0]]],
                [[[3.0, -0.7, 1.2]], [[2.0, 2.0, 1.0]]],
            ],
            "what": "gradient",
        },
        mistakes=(
            Mistake(
                "u dropped: the VJP returns cos(a)",
                function="gradlib.topics.reverse_mode:_sin_without_upstream",
                kind="missing_upstream",
                message="Your VJP returns the local derivative cos(a) alone: it must multiply "
                "the gradient u that arrives by it, entry by entry, or everything upstream of "
                "sin is lost.",
            ),
            Mistake(
                "the sign: -u * cos(a)",
                function="gradlib.topics.reverse_mode:_sin_wrong_sign",
                kind="sign",
                message="Your VJP has a minus sign too many: the derivative of sin is +cos (it is "
                "cos whose derivative is -sin).",
            ),
            Mistake(
                "the derivative at the output: u * cos(y)",
                function="gradlib.topics.reverse_mode:_sin_derivative_at_output",
                kind="wrong_point",
                message="Your VJP takes cos at the output y = sin(a); the derivative of sin is "
                "cos at the input, a.value.",
            ),
            Mistake(
                "the forward value cos(a)",
                function="gradlib.topics.reverse_mode:_sin_forward_is_cos",
                kind="wrong_forward",
                message="Your forward value is cos(a), not sin(a): the operation's value is "
                "what the rest of the graph gets, so the gradient of L is wrong too.",
            ),
        ),
        examples_wrong=(
            ("gradlib.topics.reverse_mode:_sin_not_wrapped", "function_error"),
            (3.0, "not_callable"),
        ),
    )
)
