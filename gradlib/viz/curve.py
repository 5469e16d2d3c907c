"""Drawing a curve and its derivative column (lesson 2), in the plane or in 3-D.

``plot_curve`` draws the whole curve (background), ``plot_scene`` the point f(t), the linear step
derivative @ dt and the true next point f(t + dt); ``update`` moves them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from .. import style
from ..explore import curve as ec
from ._common import arrow, move


def plot_curve(ax, name: str):
    """The whole curve of catalogue function ``name`` with fixed, padded limits; returns its line."""
    pts = ec.trace(name)
    (line,) = ax.plot(*pts, color=style.ROLES["curve"], lw=2)
    low, high = pts.min(axis=1), pts.max(axis=1)
    pad = 0.25 * max(np.max(high - low), 1e-9)   # room for the tangent step near the edge
    setters = [ax.set_xlim, ax.set_ylim] + ([ax.set_zlim] if pts.shape[0] == 3 else [])
    for setter, lo, hi in zip(setters, low - pad, high + pad):
        setter(lo, hi)
    if pts.shape[0] == 2:
        ax.set_aspect("equal", adjustable="box")
        style.label(ax, f"{name}: the point f(t) and its tangent step", "f_1", "f_2")
    else:
        style.label(ax, f"{name}: the point f(t) and its tangent step", "f_1", "f_2", "f_3")
    return line


@dataclass
class SceneArtists:
    """Moving artists of :func:`plot_scene`."""

    point: object
    step: object
    chord: object
    end: object

    @property
    def moving(self) -> list:
        return [self.chord, self.step, self.point, self.end]


def _segment(a, b):
    return [[a[i], b[i]] for i in range(len(a))]


def plot_scene(ax, s) -> SceneArtists:
    """Point f(t), the step derivative @ dt from it (an arrow in 2-D), the true point f(t + dt)."""
    tip = s.point + s.step[:, 0]
    true = s.point + s.true_step[:, 0]
    if s.m == 2:
        step = arrow(ax, s.point, tip, style.ROLES["tangent"], width=2.4)
    else:   # 3-D axes have no arrow patches that follow the view: a thick segment and its tip
        step = ax.plot(*_segment(s.point, tip), color=style.ROLES["tangent"], lw=3)[0]
    artists = SceneArtists(
        point=ax.plot(*[[c] for c in s.point], "o", color=style.ROLES["point"], ms=7, zorder=5)[0],
        step=step,
        chord=ax.plot(*_segment(s.point, true), ":", color=style.ROLES["true"], lw=1.6)[0],
        end=ax.plot(*[[c] for c in true], "o", mfc="white", mec=style.ROLES["true"], ms=7, zorder=5)[0],
    )
    ax.legend(handles=[
        Line2D([], [], color=style.ROLES["curve"], lw=2, label="curve f(t)"),
        Line2D([], [], color=style.ROLES["tangent"], lw=2.4, label="step f'(t) dt"),
        Line2D([], [], color=style.ROLES["true"], ls=":", marker="o", mfc="white", label="true f(t + dt)"),
    ], loc="upper left", fontsize=7, framealpha=0.85)
    return artists


def _set(line, pts):
    if hasattr(line, "set_data_3d"):
        line.set_data_3d(*pts)
    else:
        line.set_data(*pts)


def update(artists: SceneArtists, s) -> None:
    """Move the artists of :func:`plot_scene` to scene ``s``."""
    tip = s.point + s.step[:, 0]
    true = s.point + s.true_step[:, 0]
    if s.m == 2:
        move(artists.step, s.point, tip)
    else:
        _set(artists.step, _segment(s.point, tip))
    _set(artists.point, [[c] for c in s.point])
    _set(artists.chord, _segment(s.point, true))
    _set(artists.end, [[c] for c in true])
