"""From the chain rule to backprop (lesson 6): multiply a chain of Jacobians right to left or left to right.

Pure computation, no drawing. A network is a chain f = g_L(... g_1(x)); its Jacobian is the product
J_L ... J_1. Forward mode carries a column (J @ v, one pass per input), reverse mode a row
(u^T @ J, one pass per output): for a scalar loss one reverse pass gives the whole gradient.
The counting of multiplications is :func:`gradlib.chain.costs`.

>>> from gradlib.explore import backprop as eb
>>> c = eb.network_chain()
>>> c.sizes, [J.shape for J in c.jacobians]
([2, 3, 2, 1], [(3, 2), (2, 3), (1, 2)])
>>> eb.reverse_accumulate(c.jacobians)[-1][1].shape
(1, 2)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import functions
from ..chain import Chain, accumulation_steps, costs
from ..errors import GradlibError

#: The lesson's network, from the catalogue: a linear layer R^2 -> R^3, a tanh layer R^3 -> R^2,
#: and the squared-error loss R^2 -> R.
NETWORK = ("linear_map", "neural_layer", "squared_error")
NETWORK_X = (0.5, -0.5)


def network_chain(x=NETWORK_X) -> Chain:
    """The lesson's network as a :class:`gradlib.Chain` at input ``x`` (shape (2,)): Jacobians (exact) and sizes."""
    return Chain([functions.get(name) for name in NETWORK], np.asarray(x, float), names=list(NETWORK))


def network(x) -> float:
    """The network's loss at x, shape (2,), as one function (for finite differences of the whole)."""
    for name in NETWORK:
        x = functions.get(name).f(np.asarray(x, float))
    return float(x)


def reverse_accumulate(jacobians) -> list:
    """Left to right: start from the last Jacobian and multiply by the next one on the right.

    Parameters
    ----------
    jacobians : list of ndarray, ``[J_1, ..., J_L]``, J_i of shape (m_i, m_{i-1})

    Returns
    -------
    list of (str, ndarray)
        ``("J3", J_3)``, ``("J3 @ J2", ...)``, ...; the last product is J_f, shape (k, n).
        When k == 1 every product is a row (1, m_i): this is backpropagation.
    """
    L = len(jacobians)
    name, acc = f"J{L}", jacobians[-1]
    out = [(name, acc)]
    for i in range(L - 1, 0, -1):
        name, acc = f"{name} @ J{i}", acc @ jacobians[i - 1]
        out.append((name, acc))
    return out


def forward_accumulate(jacobians) -> list:
    """Right to left: start from J_1 and multiply by the next Jacobian on the left.

    Returns
    -------
    list of (str, ndarray)
        ``("J1", J_1)``, ``("J2 @ J1", ...)``, ...; every product has n columns, one per input.
    """
    name, acc = "J1", jacobians[0]
    out = [(name, acc)]
    for i in range(2, len(jacobians) + 1):
        name, acc = f"J{i} @ {name}", jacobians[i - 1] @ acc
        out.append((name, acc))
    return out


def jvp(jacobians, v) -> np.ndarray:
    """J_f @ v without forming J_f: push the column v, shape (n, 1), through J_1, J_2, ... (forward mode)."""
    for J in jacobians:
        v = J @ v
    return v


def vjp(jacobians, u) -> np.ndarray:
    """u^T @ J_f without forming J_f: pull the row u^T, shape (1, k), back through J_L, ..., J_1 (reverse mode)."""
    for J in reversed(jacobians):
        u = u @ J
    return u


def passes(jacobians, mode: str) -> tuple[np.ndarray, int]:
    """J_f built from whole passes: forward mode, one J @ e_j per input; reverse, one e_i^T @ J per output.

    Returns
    -------
    J_f : ndarray, shape (k, n)
    count : int
        How many passes it took (n for forward, k for reverse).
    """
    k, n = jacobians[-1].shape[0], jacobians[0].shape[1]
    if mode == "forward":
        return np.hstack([jvp(jacobians, np.eye(n)[:, [j]]) for j in range(n)]), n
    if mode == "reverse":
        return np.vstack([vjp(jacobians, np.eye(k)[[i], :]) for i in range(k)]), k
    raise GradlibError(f"mode={mode!r}; use 'forward' or 'reverse'.")


@dataclass(frozen=True)
class CostScene:
    """What the cost widget shows for one set of layer sizes.

    Attributes
    ----------
    sizes : tuple of int
        ``(n, m1, m2, k)``: input size, two hidden sizes, output size.
    costs : dict
        :func:`gradlib.chain.costs`: ``forward``, ``reverse``, ``optimal``, ``bracketing``.
    steps : dict of order -> list of (str, shape)
        :func:`gradlib.chain.accumulation_steps` for "forward" and "reverse".
    step : int
        The accumulation step shown (0 = the first factor alone).
    """

    sizes: tuple
    costs: dict
    steps: dict
    step: int

    @property
    def winner(self) -> str:
        """"forward", "reverse" or "tie": which order costs fewer multiplications."""
        f, r = self.costs["forward"], self.costs["reverse"]
        return "tie" if f == r else ("forward" if f < r else "reverse")


def cost_scene(sizes, step: int = 0) -> CostScene:
    """The cost widget's scene for layer sizes ``[n, m1, ..., k]`` at accumulation step ``step``.

    >>> s = cost_scene([100, 50, 20, 1], step=2)
    >>> s.costs["forward"], s.costs["reverse"], s.winner
    (102000, 6000, 'reverse')
    >>> s.steps["reverse"][2]
    ('(J3 @ J2) @ J1: (1x50)(50x100) -> (1x100), 5,000 multiplications', (1, 100))
    """
    sizes = tuple(int(s) for s in sizes)
    c = costs(sizes)
    steps = {order: accumulation_steps(sizes, order) for order in ("forward", "reverse")}
    return CostScene(sizes, c, steps, int(np.clip(step, 0, len(sizes) - 2)))
