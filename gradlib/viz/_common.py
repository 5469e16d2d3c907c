"""Small drawing helpers shared by the viz modules: arrows that can move, and static pictures."""
from __future__ import annotations

import base64

import numpy as np
from matplotlib.patches import FancyArrowPatch

from .. import style


def arrow(ax, start, end, color, *, label=None, width=2.0, zorder=4):
    """An arrow from ``start`` to ``end`` (data coordinates, shape (2,)) that :func:`move` can move."""
    a = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=14,
                        color=color, linewidth=width, label=label, zorder=zorder, shrinkA=0, shrinkB=0)
    ax.add_patch(a)
    return a


def move(arrow_patch, start, end):
    """Move an arrow made by :func:`arrow`."""
    arrow_patch.set_positions(tuple(np.asarray(start, float)), tuple(np.asarray(end, float)))


class Picture:
    """A finished figure shown as one PNG with alt text (no pyplot, deterministic text output).

    In a notebook, ``Picture(fig, "A contour map ...")`` displays the image; its ``text/plain``
    is the alt text, so a notebook test compares words, not pixels.
    """

    def __init__(self, fig, alt: str):
        self.png = style.png_bytes(fig)
        self.alt = alt
        self.size = style.png_size(fig)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"alt": self.alt, "width": self.size[0], "height": self.size[1]}}
