"""Drawing the Jacobian (lesson 3): a row as the gradient of one output, the local linear map, shapes.

Every ``plot_*`` takes its axes first and returns its artists; ``update_*`` moves them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import style
from ..explore import gradient as eg
from ..explore import jacobian as ej
from . import gradient as vg
from ._common import arrow, move


# ---- a row of J is the gradient of one output --------------------------------------------------
@dataclass
class RowArtists:
    """Moving artists of :func:`plot_row`."""

    point: Line2D
    gradient: object
    scale: float
    cap: float

    @property
    def moving(self) -> list:
        return [self.gradient, self.point]


def plot_row(ax, name: str, s) -> RowArtists:
    """Contours of the component f_i (i = ``s.row``) and its gradient, row i of J, at x."""
    box = ej.bounds(name)
    f_i = ej.component(name, s.row, s.x)
    X, Y, Z = eg.grid(f_i, box)
    variables = [str(v) for v in ej.entry(name).variables[:2]]
    vg.plot_contours(ax, X, Y, Z, title=f"{name}: contours of f_{s.row + 1}, row {s.row + 1} of J",
                     labels=variables)
    scale, cap = vg.arrow_scale(f_i, box), 0.3 * np.ptp(box, axis=1).min()
    artists = RowArtists(point=ax.plot(*s.x[:2], "o", color=style.ROLES["point"], ms=6, zorder=5)[0],
                         gradient=arrow(ax, s.x[:2], _tip(s, scale, cap), style.ROLES["gradient"], width=2.4),
                         scale=scale, cap=cap)
    part = " (first two entries)" if s.x.size > 2 else ""
    ax.legend(handles=[Line2D([], [], color=style.ROLES["gradient"], lw=2.4,
                              label=f"row {s.row + 1} of J = gradient of f_{s.row + 1}{part}, scaled")],
              loc="upper left", fontsize=7, framealpha=0.85)
    return artists


def _tip(s, scale, cap):
    """Tip of the arrow for row i, drawn in the plane of the first two inputs (scaled, capped)."""
    g = s.J[s.row, :2] * scale
    length = np.linalg.norm(g)
    return s.x[:2] + (g if length <= cap else g * cap / length)


def update_row(artists: RowArtists, s) -> None:
    """Move :func:`plot_row`'s artists to scene ``s`` (same function and row)."""
    artists.point.set_data([s.x[0]], [s.x[1]])
    move(artists.gradient, s.x[:2], _tip(s, artists.scale, artists.cap))


# ---- the local linear map ----------------------------------------------------------------------
@dataclass
class GridArtists:
    """Moving artists of :func:`plot_grid_map`."""

    lines: LineCollection
    image: LineCollection
    linear: LineCollection
    x: Line2D
    y: Line2D

    @property
    def moving(self) -> list:
        return [self.lines, self.image, self.linear, self.x, self.y]


def image_box(name: str) -> np.ndarray:
    """Limits (2, 2) that hold the image of the whole domain of ``name``, padded by 10%."""
    X, Y, _ = eg.grid(lambda p: p[0], ej.bounds(name), num=41)
    pts = ej.vector(name)(np.stack([X.ravel(), Y.ravel()]))
    low, high = pts.min(axis=1), pts.max(axis=1)
    pad = 0.1 * (high - low).max()
    return np.stack([low - pad, high + pad], axis=1)


def plot_grid_map(ax_in, ax_out, name: str, g) -> GridArtists:
    """Left: a small grid around x. Right: its image under f (curved) and under f(x) + J dx (straight)."""
    (x0, x1), (y0, y1) = ej.bounds(name)
    ax_in.set_xlim(x0, x1)
    ax_in.set_ylim(y0, y1)
    (u0, u1), (v0, v1) = image_box(name)
    ax_out.set_xlim(u0, u1)
    ax_out.set_ylim(v0, v1)
    # equal aspect keeps squares square, unless the window is very long one way (polar: r, theta)
    ax_in.set_aspect("equal" if 0.5 <= (x1 - x0) / (y1 - y0) <= 2 else "auto", adjustable="box")
    ax_out.set_aspect("equal", adjustable="box")
    style.label(ax_in, "input: a small grid around x", *[str(v) for v in ej.entry(name).variables])
    style.label(ax_out, "output: f (curved) vs f(x) + J dx", "f_1", "f_2")
    artists = GridArtists(
        lines=ax_in.add_collection(LineCollection(g.lines, colors=style.ROLES["direction"], linewidths=1)),
        image=ax_out.add_collection(LineCollection(g.image, colors=style.ROLES["true"], linewidths=1.4)),
        linear=ax_out.add_collection(LineCollection(g.linear, colors=style.ROLES["tangent"],
                                                    linewidths=1.2, linestyles="--")),
        x=ax_in.plot(*g.x, "o", color=style.ROLES["point"], ms=5, zorder=5)[0],
        y=ax_out.plot(*g.y, "o", color=style.ROLES["point"], ms=5, zorder=5)[0],
    )
    ax_out.legend(handles=[
        Line2D([], [], color=style.ROLES["true"], lw=1.4, label="f(grid)"),
        Line2D([], [], color=style.ROLES["tangent"], lw=1.2, ls="--", label="f(x) + J dx"),
    ], loc="upper left", fontsize=7, framealpha=0.85)
    return artists


def update_grid_map(artists: GridArtists, g) -> None:
    """Move :func:`plot_grid_map`'s artists to the new :class:`~gradlib.explore.jacobian.GridMap`."""
    artists.lines.set_segments(g.lines)
    artists.image.set_segments(g.image)
    artists.linear.set_segments(g.linear)
    artists.x.set_data([g.x[0]], [g.x[1]])
    artists.y.set_data([g.y[0]], [g.y[1]])


# ---- shapes: J (m x n) @ dx (n x 1) = df (m x 1) ------------------------------------------------
MAX_SIZE = 5    # the largest n and m drawn: one square per entry


@dataclass
class ShapeArtists:
    """Every square and label the shape picture can need; :func:`update_shapes` shows the right ones."""

    J: list
    dx: list
    df: list
    labels: list
    ops: list
    case: object

    @property
    def moving(self) -> list:
        squares = [sq for grid in (self.J, self.dx, self.df) for row in grid for sq in row]
        return [*squares, *self.labels, *self.ops, self.case]


def plot_shapes(ax, s) -> ShapeArtists:
    """Blocks of J (m x n), dx (n x 1) and df (m x 1), one square per entry, for sizes up to 5."""
    def squares(rows, cols, color):
        return [[ax.add_patch(Rectangle((0, 0), 0.92, 0.92, facecolor=color, alpha=0.55, edgecolor="#333"))
                 for _ in range(cols)] for _ in range(rows)]
    artists = ShapeArtists(
        J=squares(MAX_SIZE, MAX_SIZE, style.ROLES["highlight"]),
        dx=squares(MAX_SIZE, 1, style.ROLES["direction"]),
        df=squares(MAX_SIZE, 1, style.ROLES["tangent"]),
        labels=[ax.text(0, 0, "", ha="center", va="bottom", fontsize=10) for _ in range(3)],
        ops=[ax.text(0, 0, op, ha="center", va="center", fontsize=16) for op in "@="],
        case=ax.text(5.25, 7.0, "", ha="center", va="center", fontsize=11, color=style.ROLES["text"]),
    )
    ax.set_xlim(-0.5, 11.0)
    ax.set_ylim(-0.4, 7.6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    style.label(ax, "J dx = df: one square per entry", "columns: one per input", "rows: one per output")
    update_shapes(artists, s)
    return artists


def update_shapes(artists: ShapeArtists, s) -> None:
    """Show the squares of J (m x n), dx (n x 1), df (m x 1) for scene ``s``; hide the others."""
    top = max(s.m, s.n)
    blocks = [(artists.J, (s.m, s.n), 0.0), (artists.dx, (s.n, 1), s.n + 1.2), (artists.df, (s.m, 1), s.n + 3.4)]
    for (grid, (rows, cols), left), label, name in zip(blocks, artists.labels, ("J", "dx", "df")):
        for i, row in enumerate(grid):
            for j, square in enumerate(row):
                square.set_visible(i < rows and j < cols)
                square.set_xy((left + j, top - 1 - i))
        label.set_position((left + cols / 2, top + 0.2))
        label.set_text(f"{name}\n({rows} x {cols})")
    artists.ops[0].set_position((s.n + 0.6, top - 0.5))
    artists.ops[1].set_position((s.n + 2.8, top - 0.5))
    artists.case.set_text(s.name)
