"""Independent references the tests compare gradlib with: SymPy's own derivatives, brute force."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from gradlib import functions


def exact_jacobian(entry, x):
    """SymPy's own Jacobian of a catalogue entry at x, float (m, n)."""
    J = sp.Matrix(entry.expr).jacobian(sp.Matrix(entry.variables))
    return np.array(J.subs(dict(zip(entry.variables, x))).evalf(), dtype=float)


def exact_jacobian_of(name, x):
    """:func:`exact_jacobian` of the catalogue function called ``name``."""
    return exact_jacobian(functions.get(name), x)


def composed_jacobian(names, x):
    """Jacobian of g_L(...g_1(x)) by SymPy: substitute the formulas into each other,
    differentiate."""
    first = functions.get(names[0])
    expr = sp.Matrix(first.expr)
    for name in names[1:]:
        g = functions.get(name)
        expr = sp.Matrix(g.expr).subs(dict(zip(g.variables, expr)), simultaneous=True)
    J = expr.jacobian(sp.Matrix(first.variables))
    return np.array(J.subs(dict(zip(first.variables, x))).evalf(), dtype=float)


def brute_force_cheapest(sizes):
    """Cheapest bracketing of J_L ... J_1 (sizes n_0..n_L) by trying every one (no dynamic
    programming): the number of multiplications."""
    p = tuple(sizes)[::-1]  # product order: factor t has shape (p[t], p[t+1])

    @lru_cache(None)
    def best(a, b):
        if a == b:
            return 0
        return min(best(a, s) + best(s + 1, b) + p[a] * p[s + 1] * p[b + 1] for s in range(a, b))

    return best(0, len(p) - 2)
