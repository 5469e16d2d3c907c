"""Drawing the gradient (lesson 1): contour map, gradient arrow, step, tangent-plane level lines.

Every ``plot_*`` takes ``ax`` first and returns its artists; :func:`update` moves the artists of
:func:`plot_scene` to a new :class:`gradlib.explore.gradient.GradientScene` without redrawing
the contours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from .. import style
from ..explore import gradient as eg
from ._common import Picture, arrow, move


def plot_contours(ax, X, Y, Z, *, title: str, labels=("x", "y"), count: int = 12):
    """Labelled contour lines of Z over the grid X, Y; returns the ContourSet.

    The aspect is equal (so a gradient looks perpendicular to its contour) unless the window is
    more than twice as long one way as the other.
    """
    cs = ax.contour(X, Y, Z, levels=eg.levels(Z, count), colors=style.ROLES["grid"], linewidths=1.0,
                    negative_linestyles="solid")   # dashes are reserved for linear approximations
    ax.clabel(cs, cs.levels[::2], fontsize=7, fmt="%.3g")   # every other level: readable, and fast
    ax.set_xlim(X.min(), X.max())
    ax.set_ylim(Y.min(), Y.max())
    ratio = np.ptp(X) / np.ptp(Y)
    ax.set_aspect("equal" if 0.5 <= ratio <= 2 else "auto", adjustable="box")
    style.label(ax, title, *labels)
    return cs


def arrow_scale(f, box) -> float:
    """Factor drawing gradients of scalar f at a readable length: the median one at 25% of ``box``."""
    X, Y, _ = eg.grid(f, box, num=15)
    pts = np.stack([X.ravel(), Y.ravel()])
    h = 1e-5
    gx = (f(pts + [[h], [0]]) - f(pts - [[h], [0]])) / (2 * h)
    gy = (f(pts + [[0], [h]]) - f(pts - [[0], [h]])) / (2 * h)
    size = np.ptp(np.asarray(box, dtype=float), axis=1).min()
    return 0.25 * size / max(float(np.median(np.hypot(gx, gy))), 1e-12)


def _gradient_end(s, scale, radius):
    """Tip of the drawn gradient arrow: scaled, kept between radius / 2 and 2 radius long so it
    stays readable and near x (the panel gives the true numbers)."""
    g = s.gradient[0] * scale
    length = np.linalg.norm(g)
    if length < 1e-12:
        return s.x
    return s.x + g * np.clip(length, 0.5 * radius, 2 * radius) / length


@dataclass
class SceneArtists:
    """The moving artists of :func:`plot_scene` and the drawing parameters :func:`update` reuses."""

    tangent: LineCollection
    gradient: object
    step: object
    point: Line2D
    end: Line2D
    scale: float
    levels: np.ndarray
    radius: float

    @property
    def moving(self) -> list:
        """What a widget redraws on every move."""
        return [self.tangent, self.gradient, self.step, self.point, self.end]


def plot_scene(ax, s, *, scale: float, levels, radius: float) -> SceneArtists:
    """Point, gradient arrow (scaled by ``scale``), step h d, tangent-plane level lines.

    Parameters
    ----------
    ax : Axes with the contours already drawn (:func:`plot_contours`).
    s : GradientScene
    scale : float
        Drawing factor for the gradient (see :func:`arrow_scale`); the panel gives true numbers.
    levels : array_like
        The contour levels; the tangent plane's level lines are drawn at the same values.
    radius : float
        Radius of the disk around x in which the tangent plane is drawn.
    """
    end = s.x + s.step[:, 0]
    artists = SceneArtists(
        tangent=ax.add_collection(LineCollection(
            eg.tangent_segments(s, levels, radius), colors=style.ROLES["tangent"],
            linestyles="--", linewidths=1.6, zorder=3)),
        gradient=arrow(ax, s.x, _gradient_end(s, scale, radius), style.ROLES["gradient"], width=2.4),
        step=arrow(ax, s.x, end, style.ROLES["direction"]),
        point=ax.plot(*s.x, "o", color=style.ROLES["point"], ms=6, zorder=5)[0],
        end=ax.plot(*end, "o", mfc="white", mec=style.ROLES["direction"], ms=6, zorder=5)[0],
        scale=scale, levels=np.asarray(levels), radius=radius)
    ax.legend(handles=[
        Line2D([], [], color=style.ROLES["gradient"], lw=2.4, label="gradient (scaled)"),
        Line2D([], [], color=style.ROLES["direction"], lw=2, label="step h d"),
        Line2D([], [], color=style.ROLES["tangent"], lw=1.6, ls="--", label="tangent plane levels"),
    ], loc="upper left", fontsize=7, framealpha=0.85)
    return artists


def update(artists: SceneArtists, s) -> None:
    """Move the artists of :func:`plot_scene` to scene ``s`` (same function, contours untouched)."""
    end = s.x + s.step[:, 0]
    artists.tangent.set_segments(eg.tangent_segments(s, artists.levels, artists.radius))
    move(artists.gradient, s.x, _gradient_end(s, artists.scale, artists.radius))
    move(artists.step, s.x, end)
    artists.point.set_data([s.x[0]], [s.x[1]])
    artists.end.set_data([end[0]], [end[1]])


def slices_figure(name: str, x) -> Picture:
    """Two slices through x: f with y held fixed (slope df/dx) and with x held fixed (slope df/dy).

    Each panel draws the slice and its tangent line, whose slope is one entry of the gradient row.
    """
    s = eg.scene(name, x)
    fig, axes = style.new_figure("wide", 1, 2)
    span = np.linspace(-1.0, 1.0, 101)
    for axis, ax in enumerate(axes):
        var, other = ("x", "y") if axis == 0 else ("y", "x")
        slope = s.gradient[0, axis]
        coords = s.x[axis] + span
        ax.plot(coords, eg.slice_along(name, s.x, axis, span), color=style.ROLES["curve"], lw=2,
                label=f"f with {other} = {s.x[1 - axis]:g} fixed")
        ax.plot(coords, s.value + slope * span, "--", color=style.ROLES["tangent"], lw=1.6,
                label=f"tangent, slope df/d{var} = {slope:.3f}")
        ax.plot(s.x[axis], s.value, "o", color=style.ROLES["point"])
        ax.legend(fontsize=8, loc="upper center")
        style.label(ax, f"Slice: only {var} moves", var, "f")
    alt = (f"Two slices of {name} through ({s.x[0]:g}, {s.x[1]:g}): the tangent slopes are "
           f"df/dx = {s.gradient[0, 0]:.3f} and df/dy = {s.gradient[0, 1]:.3f}.")
    return Picture(fig, alt)
