"""One chain rule drawn in numerator or denominator layout: the factors as grids, in product order."""
from __future__ import annotations

from .. import style
from .chain import _GAP, frame_cells, matrix_grid

_COLORS = [style.ROLES["gradient"], style.ROLES["direction"]]


def plot_layout(ax, view):
    """Draw ``factor @ factor = result`` for a :class:`gradlib.explore.layout.LayoutView`.

    The whole picture depends on the layout, so a toggle redraws it (it is small).

    Returns
    -------
    list
        The grids' artists (texts), for tests to read.
    """
    (n1, A), (n2, B) = view.factors
    top = max(A.shape[0], B.shape[0], view.result.shape[0]) / 2
    ga = matrix_grid(ax, 0.0, top, A, n1, color=_COLORS[0] if n1.startswith("J_g2") else _COLORS[1])
    x = A.shape[1] + _GAP
    ax.text(x - _GAP / 2, 0, "@", ha="center", va="center", fontsize=16)
    gb = matrix_grid(ax, x, top, B, n2, color=_COLORS[0] if n2.startswith("J_g2") else _COLORS[1])
    x += B.shape[1] + _GAP
    ax.text(x - _GAP / 2, 0, "=", ha="center", va="center", fontsize=16)
    gr = matrix_grid(ax, x, top, view.result, view.result_name, color=style.ROLES["tangent"])
    frame_cells(ax, [ga, gb, gr])
    style.label(ax, f"{view.layout.capitalize()} layout: rows are {view.rows_are}",
                view.shape_text, f"rows = {view.rows_are}")
    return [ga, gb, gr]
