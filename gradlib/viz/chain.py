"""J_g2 @ J_g1 = J_f drawn as three grids of numbers: the highlighted row meets the highlighted column.

:func:`matrix_grid` draws one matrix as cells with numbers in them; the chain-rule stepper and the
layout lesson both build on it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from .. import style

_TINT = style.ROLES["highlight"]
_GAP = 1.6          # cells between two matrices, room for "@" and "="
_FONT = 9


def _fmt(v) -> str:
    text = f"{float(v):.3g}"
    return "0" if text in ("-0", "0") else text


@dataclass
class MatrixGrid:
    """The artists of one drawn matrix: its cells' texts (rows x cols), name and origin.

    ``left, top`` is the upper-left corner in data coordinates; cell (r, c) spans
    [left + c, left + c + 1] x [top - r - 1, top - r].
    """

    left: float
    top: float
    shape: tuple
    texts: np.ndarray
    name: object

    def cell(self, r: int, c: int) -> tuple[float, float]:
        """Lower-left corner of cell (r, c)."""
        return self.left + c, self.top - r - 1


def matrix_grid(ax, left: float, top: float, M, name: str, *, color=None, show=None) -> MatrixGrid:
    """Draw matrix ``M`` (rows x cols) as a grid of numbered cells with its name and shape above.

    Parameters
    ----------
    ax : matplotlib Axes (data units are cells)
    left, top : float
        Upper-left corner.
    M : array_like, shape (rows, cols)
    name : str
    color : str, optional
        Color of the name.
    show : ndarray of bool, shape (rows, cols), optional
        Which entries show their number (the others are blank, to be filled in).

    Returns
    -------
    MatrixGrid
    """
    M = np.atleast_2d(np.asarray(M, float))
    rows, cols = M.shape
    show = np.ones(M.shape, bool) if show is None else show
    ax.add_patch(Rectangle((left, top - rows), cols, rows, fill=False, lw=1.6, color=style.ROLES["text"]))
    texts = np.empty(M.shape, dtype=object)
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((left + c, top - r - 1), 1, 1, fill=False, lw=0.5, color=style.ROLES["grid"]))
            texts[r, c] = ax.text(left + c + 0.5, top - r - 0.5, _fmt(M[r, c]) if show[r, c] else "",
                                  ha="center", va="center", fontsize=_FONT, color=style.ROLES["text"])
    label = ax.text(left + cols / 2, top + 0.25, f"{name}  ({rows}x{cols})", ha="center", va="bottom",
                    fontsize=_FONT + 1, color=color or style.ROLES["text"], fontweight="bold")
    return MatrixGrid(left, top, (rows, cols), texts, label)


def frame_cells(ax, grids, extra_width: float = 0.0):
    """Fit the axes to the drawn grids, equal aspect, no ticks (the xlabel carries the shapes)."""
    right = max(g.left + g.shape[1] for g in grids) + extra_width
    top = max(g.top for g in grids) + 1.0
    bottom = min(g.top - g.shape[0] for g in grids) - 0.3
    ax.set_xlim(-0.3, right + 0.3)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_chain_product(ax, scene):
    """Draw J_g2 @ J_g1 = J_f for a :class:`gradlib.explore.chain.ChainScene`.

    Row i of J_g2 and column j of J_g1 are shaded; J_f shows its finished entries and the one being
    computed (in the highlight color); the xlabel is the shape strip (k x m)(m x n) = (k x n).

    Returns
    -------
    artists : list
        The moving artists: the numbers of J_g2 and J_g1 (they change with the point), the three
        highlight patches over them, the title and J_f's entry texts, in drawing order.
    update : callable
        ``update(scene)`` moves them to another step or another point of the same pair.
    """
    r = scene.result
    (k, m), n = r.J_g2.shape, r.J_g1.shape[1]
    top = max(k, m) / 2
    g2 = matrix_grid(ax, 0.0, top, r.J_g2, "J_g2(y)", color=style.ROLES["gradient"])
    ax.text(m + _GAP / 2, 0, "@", ha="center", va="center", fontsize=16)
    g1 = matrix_grid(ax, m + _GAP, top, r.J_g1, "J_g1(x)", color=style.ROLES["direction"])
    ax.text(m + _GAP + n + _GAP / 2, 0, "=", ha="center", va="center", fontsize=16)
    gf = matrix_grid(ax, m + n + 2 * _GAP, top, r.J_f, "J_f(x)", show=np.zeros((k, n), bool),
                     color=style.ROLES["tangent"])
    frame_cells(ax, [g2, g1, gf])
    style.label(ax, "J_f = J_g2 @ J_g1, one entry at a time",
                f"J_g2 ({k} x {m})  @  J_g1 ({m} x {n})  =  J_f ({k} x {n})", "rows = outputs")
    row = ax.add_patch(Rectangle((0, 0), m, 1, color=_TINT, alpha=0.35, lw=0))
    col = ax.add_patch(Rectangle((0, 0), 1, m, color=_TINT, alpha=0.35, lw=0))
    entry = ax.add_patch(Rectangle((0, 0), 1, 1, color=_TINT, alpha=0.6, lw=0))
    texts = list(gf.texts.ravel())

    def update(s):
        for grid, M in ((g2, s.result.J_g2), (g1, s.result.J_g1)):
            for text, value in zip(grid.texts.ravel(), np.ravel(M)):
                text.set_text(_fmt(value))
        row.set_xy(g2.cell(s.i, 0))
        col.set_xy(g1.cell(m - 1, s.j))
        entry.set_xy(gf.cell(s.i, s.j))
        for idx, t in enumerate(texts):
            a, b = divmod(idx, n)
            t.set_text(_fmt(s.result.J_f[a, b]) if s.done[a, b] or (a, b) == (s.i, s.j) else "")
            t.set_fontweight("bold" if (a, b) == (s.i, s.j) else "normal")
        ax.title.set_text(f"J_f[{s.i}, {s.j}] = row {s.i} of J_g2 · column {s.j} of J_g1")
        return [*g2.texts.ravel(), *g1.texts.ravel(), row, col, entry, ax.title, *texts]

    return update(scene), update
