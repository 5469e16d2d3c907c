"""The error of finite differences against the step h, on log-log axes: the V shape of lesson 5."""
from __future__ import annotations

from .. import style
from ..explore.steps import EPS, ERROR_FLOOR

#: One color per method, the same in the figure, the panel and the lesson text.
METHOD_COLORS = {
    "forward": style.OKABE_ITO["vermillion"],
    "central": style.OKABE_ITO["blue"],
    "richardson": style.OKABE_ITO["bluish_green"],
    "complex": style.OKABE_ITO["reddish_purple"],
}


def plot_error_curves(ax, scene):
    """Draw every method's relative error over the grid of steps, and mark the step ``scene.h``.

    Parameters
    ----------
    ax : matplotlib Axes
    scene : gradlib.explore.steps.StepScene

    Returns
    -------
    artists : list
        Everything that changes: the curves, the best-h markers, the title, the vertical line at h
        and one dot per method (the axes, labels and legend stay put).
    update : callable
        ``update(scene)`` moves them to a new scene (another step h or another function).
    """
    curves = {m: ax.loglog(scene.hs, scene.hs, color=c, lw=1.6, label=m)[0]
              for m, c in METHOD_COLORS.items()}
    best = {m: ax.plot([], [], marker="v", ms=9, ls="none", color=METHOD_COLORS[m],
                       markeredgecolor="black")[0] for m in ("forward", "central", "richardson")}
    ax.axhline(EPS, color=style.ROLES["grid"], ls=":", lw=1.2)
    ax.text(scene.hs[0], EPS * 2.5, "machine epsilon", fontsize=8, color="#555555")
    ax.set_ylim(ERROR_FLOOR / 2, 1e2)
    ax.set_xlim(scene.hs[0], scene.hs[-1])
    ax.legend(loc="upper center", fontsize=8, ncols=4, frameon=False)
    style.label(ax, "Error of f'(x)", "step h (absolute)", "relative error")
    vline = ax.axvline(scene.h, color=style.ROLES["point"], lw=1, ls="--")
    dots = {m: ax.plot([], [], "o", ms=7, color=c, markeredgecolor="black")[0]
            for m, c in METHOD_COLORS.items()}

    def update(s):
        ax.title.set_text(f"Error of f'(x) for {s.problem.name}  (▼ best h)")
        for m, line in curves.items():
            line.set_data(s.hs, s.curves[m])
        for row in s.optima:
            best[row["method"]].set_data([row["measured h*"]], [row["error at h*"]])
        vline.set_xdata([s.h, s.h])
        for m, dot in dots.items():
            dot.set_data([s.h], [s.errors[m]])
        return [ax.title, *curves.values(), *best.values(), vline, *dots.values()]

    return update(scene), update
