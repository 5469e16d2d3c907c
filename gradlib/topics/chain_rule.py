"""Lesson 4, the chain rule entry by entry: J_f = J_g2(g1(x)) @ J_g1(x), stepped through.

The numbers: a *stop* walks the entries (i, j) of J_f row by row; at each one, row i of J_g2
meets column j of J_g1, their m products are listed and summed, and the entries before it are
finished (:func:`scene`). The drawing: :func:`matrix_grid` draws one matrix as cells with
numbers (lesson 7 builds on it too), :func:`plot_chain_product` the three grids. The widget:
:class:`ChainRuleStepper`. Then the lesson's exercises.

>>> s = scene("polar_to_cartesian", "paraboloid", [2.0, 0.0], step=1)
>>> s.result.shape_text, (s.i, s.j), len(s.terms)
('J_g2 (1x2) @ J_g1 (2x2) -> J_f (1x2)', (0, 1), 2)
>>> s.done.tolist()
[[True, False]]
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets
import numpy as np
import sympy as sp
from matplotlib.patches import Rectangle

from .. import functions
from ..chain import chain_rule
from ..check import GREEN, RED
from ..errors import GradlibError, ShapeError, echo
from ..exercises import Exercise, Mistake, add
from . import _style as style
from ._widget import FormulaStack, LessonWidget, fmt, line_html

#: What ``import gradlib as gl`` exports from this lesson (its widgets).
__all__ = ["ChainRuleStepper"]


# ---- the numbers ----------------------------------------------------------------------
def pairs() -> list[tuple[str, str]]:
    """The composable (g1, g2) name pairs of the catalogue: g1's outputs are g2's inputs."""
    return functions.composable_pairs()


def pair_shape(g1: str, g2: str) -> tuple[int, int, int]:
    """(n, m, k) of f = g2(g1(x)): g1 maps R^n -> R^m, g2 maps R^m -> R^k."""
    G1, G2 = functions.get(g1), functions.get(g2)
    return G1.n_in, G1.n_out, G2.n_out


def shape_label(shape) -> str:
    """How the sizes of a chain read in the stepper's first menu.

    >>> shape_label((2, 2, 1))
    'R^2 -> R^2 -> R^1'
    """
    n, m, k = shape
    return f"R^{n} -> R^{m} -> R^{k}"


def pair_label(g1: str, g2: str) -> str:
    """How a pair reads in a menu: "g2 ∘ g1", outer first, with the sizes.

    >>> pair_label("polar_to_cartesian", "paraboloid")
    'paraboloid ∘ polar_to_cartesian   (R^2 -> R^2 -> R^1)'
    """
    return f"{g2} ∘ {g1}   ({shape_label(pair_shape(g1, g2))})"


def pairs_by_shape() -> dict[tuple, list[tuple[str, str]]]:
    """The composable pairs grouped by their sizes (n, m, k), shapes in increasing order.

    The stepper's menus: first the sizes, then the pairs of those sizes (about five each, not a
    hundred in one list).

    >>> groups = pairs_by_shape()
    >>> ("polar_to_cartesian", "paraboloid") in groups[(2, 2, 1)]
    True
    >>> sum(len(p) for p in groups.values()) == len(pairs())
    True
    """
    groups: dict = {}
    for g1, g2 in pairs():
        groups.setdefault(pair_shape(g1, g2), []).append((g1, g2))
    return dict(sorted(groups.items()))


def parse_point(text: str, n: int) -> np.ndarray:
    """A point typed as "1, 0.5" (or "1 0.5") as an array of shape (n,).

    Raises
    ------
    GradlibError
        If the text is not n numbers; the message says what was typed and what is expected.

    >>> parse_point("2, 0.5", 2)
    array([2. , 0.5])
    """
    parts = text.replace(",", " ").split()
    try:
        x = np.array([float(p) for p in parts])
    except ValueError:
        raise GradlibError(
            f"the point {echo(text, 60)} is not a list of numbers; type {n} numbers separated by "
            "commas, e.g. " + ", ".join(["1.0"] * n) + "."
        ) from None
    if x.size != n:
        raise ShapeError(
            f"the point {echo(text, 60)} has {x.size} numbers; g1 takes {n} inputs, so type {n}."
        )
    if not np.isfinite(x).all():
        raise GradlibError(f"the point {echo(text, 60)} is not finite; type finite numbers.")
    return x


def format_point(x) -> str:
    """The inverse of :func:`parse_point`, rounded for a text box: "2, 0.5236"."""
    return ", ".join(f"{v:.4g}" for v in np.asarray(x, float))


@lru_cache(maxsize=256)
def _numeric(g1: str, g2: str, point: tuple):
    """gl.chain_rule with catalogue entries (their exact Jacobians), as numbers at ``point``."""
    return chain_rule(functions.get(g2), functions.get(g1), np.array(point), mode="numeric")


def _generic(count: int, letter: str):
    """x_1..x_n (just x when n == 1): the names gl.chain_rule gives inputs and middle values."""
    if count == 1:
        return [sp.Symbol(letter)]
    return [sp.Symbol(f"{letter}_{l + 1}") for l in range(count)]


@lru_cache(maxsize=None)
def jacobian_latex(name: str, letter: str) -> tuple:
    """LaTeX of each entry of a catalogue function's exact Jacobian, in generic variables.

    The inputs are renamed ``letter_1, letter_2, ...`` (g1 reads x, g2 reads y = g1(x)), so the
    formulas use the same names as the chain rule's terms.

    >>> jacobian_latex("paraboloid", "y")
    (('2 y_{1}', '2 y_{2}'),)
    """
    entry = functions.get(name)
    rename = dict(zip(entry.variables, _generic(entry.n_in, letter)))
    J = entry.jacobian_expr.xreplace(rename)
    return tuple(tuple(sp.latex(e) for e in row) for row in J.tolist())


def _sub(letter: str, idx: int, count: int) -> str:
    """LaTeX name of component idx (0-based) of count: "y_{2}", or just "y" when count == 1."""
    return letter if count == 1 else f"{letter}_{{{idx + 1}}}"


def _equation(name: str, formula: str, value: float) -> str:
    """ "name = formula = value", or "name = formula" when the formula is already a plain number."""
    try:
        float(formula)
        return f"{name} = {formula}"
    except ValueError:
        return f"{name} = {formula} = {value:.4g}"


@dataclass(frozen=True)
class ChainScene:
    """Everything the chain-rule stepper shows at one step.

    Attributes
    ----------
    g1, g2 : str
        Catalogue names, inner and outer.
    result : gradlib.chain.ChainResult
        Numbers at the point: ``x (n,), y (m,), J_g1 (m, n), J_g2 (k, m), J_f (k, n)``.
    step : int
        0 .. k*n - 1, the entry being computed, row-major.
    i, j : int
        Its row and column in J_f.
    terms : tuple of gradlib.chain.Term, length m
        The entry's terms: a = dg2_i/dy_l at y, b = dy_l/dx_j at x, their product.
    terms_latex : tuple of str, length m
        Each term as LaTeX: "dg2_i/dy_l = formula = a,  dy_l/dx_j = formula = b".
    value : float
        J_f[i, j], the sum of the terms' products.
    done : ndarray of bool, shape (k, n)
        Entries finished before this step.
    formula_latex : str
        The entry in Leibniz notation: df_i/dx_j = sum over l of dg2_i/dy_l dy_l/dx_j.
    """

    g1: str
    g2: str
    result: object
    step: int
    i: int
    j: int
    terms: tuple
    terms_latex: tuple
    value: float
    done: np.ndarray
    formula_latex: str

    @property
    def n_steps(self) -> int:
        """k*n: one step per entry of J_f."""
        return len(self.result.steps)

    @property
    def shape_strip(self) -> str:
        """ "(k x m)(m x n) = (k x n)", the shapes that stay visible."""
        k, m = self.result.J_g2.shape
        n = self.result.J_g1.shape[1]
        return f"({k} x {m})({m} x {n}) = ({k} x {n})"


def scene(g1: str, g2: str, x, step: int = 0) -> ChainScene:
    """The stepper's scene for f = g2(g1(x)) at entry number ``step`` (row-major) of J_f.

    Parameters
    ----------
    g1, g2 : str
        A composable pair of catalogue names (see :func:`pairs`).
    x : array_like, shape (n,)
    step : int
        Clipped to 0 .. k*n - 1.

    Returns
    -------
    ChainScene
    """
    G1, G2 = functions.get(g1), functions.get(g2)
    if G1.n_out != G2.n_in:
        raise ShapeError(
            f"{g2} takes {G2.n_in} inputs but {g1} returns {G1.n_out}: they do not compose. "
            "Pick a pair from gradlib.topics.chain_rule.pairs()."
        )
    result = _numeric(g1, g2, tuple(float(v) for v in np.asarray(x, float).ravel()))
    k, n = result.J_f.shape
    step = int(np.clip(step, 0, k * n - 1))
    st = result.steps[step]
    a_tex, b_tex = jacobian_latex(g2, "y"), jacobian_latex(g1, "x")
    m = result.J_g2.shape[1]
    g2_i = "g_2" if k == 1 else f"g_{{2,{st.i + 1}}}"
    f_i, x_j = _sub("f", st.i, k), _sub("x", st.j, n)
    terms_latex = []
    for t in st.terms:
        y_l = _sub("y", t.l, m)
        a_name = rf"\frac{{\partial {g2_i}}}{{\partial {y_l}}}"
        b_name = rf"\frac{{\partial {y_l}}}{{\partial {x_j}}}"
        terms_latex.append(
            rf"{_equation(a_name, a_tex[st.i][t.l], t.a)} \qquad "
            rf"{_equation(b_name, b_tex[t.l][st.j], t.b)}"
        )
    done = (np.arange(k * n) < step).reshape(k, n)
    formula = rf"\frac{{\partial {f_i}}}{{\partial {x_j}}} = {st.latex}"
    return ChainScene(
        g1,
        g2,
        result,
        step,
        st.i,
        st.j,
        st.terms,
        tuple(terms_latex),
        float(st.value),
        done,
        formula,
    )


def direct_check(g1: str, g2: str, x) -> tuple[np.ndarray, np.ndarray, float]:
    """J_f from the chain rule, the Jacobian of x -> g2(g1(x)) computed directly, and their largest
    gap.

    >>> J_f, J_direct, gap = direct_check("polar_to_cartesian", "paraboloid", [2.0, 0.5])
    >>> J_f.shape, J_direct.shape, bool(gap < 1e-6)
    ((1, 2), (1, 2), True)
    """
    r = _numeric(g1, g2, tuple(float(v) for v in np.asarray(x, float).ravel()))
    return r.J_f, r.direct_J, float(np.max(np.abs(r.J_f - r.direct_J)))


def warm_up() -> None:
    """Lambdify and typeset every Jacobian the stepper offers (``chain_rule`` entries of the
    catalogue) once (about half a second), so that picking a new pair in the stepper costs a
    redraw, not a SymPy computation."""
    for entry in (e for e in functions.CATALOGUE.values() if e.chain_rule):
        entry.jacobian_exact(entry.point)
        jacobian_latex(entry.name, "x")
        jacobian_latex(entry.name, "y")


# ---- the drawing ----------------------------------------------------------------------
_TINT = style.ROLES["highlight"]
_GAP = 1.6  # cells between two matrices, room for "@" and "="
_FONT = 9


def _fmt(v) -> str:
    """A number short enough for a matrix cell, at most 6 characters with its sign: 3 significant
    digits from 0.1 to 999, 2 from 0.01, whole from 1000 to 9999, else one digit and a power of ten
    (the panel shows every number in full).

    >>> [_fmt(v) for v in (0.0, -1e-17, -0.70711, -12.5, 4321.7, -0.01333, 4.05e-05, -2.4e6)]
    ['0', '0', '-0.707', '-12.5', '4322', '-0.013', '4e-5', '-2e6']
    """
    v = float(v)
    size = abs(v)
    if size < 1e-12:
        return "0"
    if 0.01 <= size < 1e3:
        return f"{v:.{3 if size >= 0.1 else 2}g}"
    if 1e3 <= size < 1e4:
        return f"{v:.0f}"
    mantissa, exponent = f"{v:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


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

    The grid is left out of the axes' data limits: set them afterwards (:func:`frame_cells`).
    """
    M = np.atleast_2d(np.asarray(M, float))
    rows, cols = M.shape
    show = np.ones(M.shape, bool) if show is None else show
    # add_artist, not add_patch: the callers set the limits themselves, and updating the data
    # limits for every cell was most of the time a new view of the linear layer took.
    ax.add_artist(
        Rectangle((left, top - rows), cols, rows, fill=False, lw=1.6, color=style.ROLES["text"])
    )
    texts = np.empty(M.shape, dtype=object)
    for r in range(rows):
        for c in range(cols):
            ax.add_artist(
                Rectangle(
                    (left + c, top - r - 1), 1, 1, fill=False, lw=0.5, color=style.ROLES["grid"]
                )
            )
            texts[r, c] = ax.text(
                left + c + 0.5,
                top - r - 0.5,
                _fmt(M[r, c]) if show[r, c] else "",
                ha="center",
                va="center",
                fontsize=_FONT,
                color=style.ROLES["text"],
            )
    label = ax.text(
        left + cols / 2,
        top + 0.25,
        f"{name}  ({rows}x{cols})",
        ha="center",
        va="bottom",
        fontsize=_FONT + 1,
        color=color or style.ROLES["text"],
        fontweight="bold",
    )
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
    """Draw J_g2 @ J_g1 = J_f for a :class:`ChainScene`.

    Row i of J_g2 and column j of J_g1 are shaded; J_f shows its finished entries and the one being
    computed (in the highlight color); the xlabel is the shape strip (k x m)(m x n) = (k x n).

    Returns
    -------
    Drawing
        Its ``moving`` artists are the numbers of J_g2 and J_g1 (they change with the point), the
        three highlight patches over them, the title and J_f's entry texts, in drawing order;
        ``update(scene)`` moves them to another step or another point of the same pair.
    """
    r = scene.result
    (k, m), n = r.J_g2.shape, r.J_g1.shape[1]
    top = max(k, m) / 2
    g2 = matrix_grid(ax, 0.0, top, r.J_g2, "J_g2(y)", color=style.ROLES["gradient"])
    ax.text(m + _GAP / 2, 0, "@", ha="center", va="center", fontsize=16)
    g1 = matrix_grid(ax, m + _GAP, top, r.J_g1, "J_g1(x)", color=style.ROLES["direction"])
    ax.text(m + _GAP + n + _GAP / 2, 0, "=", ha="center", va="center", fontsize=16)
    gf = matrix_grid(
        ax,
        m + n + 2 * _GAP,
        top,
        r.J_f,
        "J_f(x)",
        show=np.zeros((k, n), bool),
        color=style.ROLES["tangent"],
    )
    frame_cells(ax, [g2, g1, gf])
    style.label(
        ax,
        "J_f = J_g2 @ J_g1, one entry at a time",
        f"J_g2 ({k} x {m})  @  J_g1 ({m} x {n})  =  J_f ({k} x {n})",
        "rows = outputs",
    )
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
        ax.title.set_text(
            f"entry ({s.i + 1}, {s.j + 1}) of J_f = row {s.i + 1} of J_g2 · "
            f"column {s.j + 1} of J_g1"
        )
        return [*g2.texts.ravel(), *g1.texts.ravel(), row, col, entry, ax.title, *texts]

    return style.Drawing(update(scene), update)


# ---- the widget ----------------------------------------------------------------------
class ChainRuleStepper(LessonWidget):
    """Pick g1 and g2 (composable pairs only) and a point; step through the entries of J_f.

    Parameters
    ----------
    g1, g2 : str
        Catalogue names, inner and outer; (g1, g2) must be in :func:`pairs`.
    x : str or array_like, optional
        The point (default: g1's catalogue point).
    """

    text = "Chain-rule stepper: run the notebook to step through the entries of J_f."
    size = "small"
    panel_width = "300px"
    # Views are drawn when first shown (22 shapes, about 20 ms each, would slow the construction
    # down by half a second) and the 8 shown last are kept: each holds some 3000 matplotlib
    # objects, which every full garbage collection of the kernel walks through.
    max_views = 8

    def __init__(self, g1: str = "linear_map", g2: str = "neural_layer", x=(0.5, -0.5)):
        warm_up()
        self._groups = pairs_by_shape()
        shape = pair_shape(g1, g2)
        self.sizes = ipywidgets.Dropdown(
            options=[(shape_label(k), k) for k in self._groups],
            value=shape,
            description="sizes:",
            layout=ipywidgets.Layout(width="280px"),
        )
        self.pair = ipywidgets.Dropdown(
            options=self._pair_options(shape),
            value=(g1, g2),
            description="g2 ∘ g1:",
            layout=ipywidgets.Layout(width="420px"),
        )
        self.point = ipywidgets.Text(
            value=x if isinstance(x, str) else format_point(x),
            description="x:",
            continuous_update=False,
            layout=ipywidgets.Layout(width="220px"),
        )
        self.prev = ipywidgets.Button(
            description="◀ previous", layout=ipywidgets.Layout(width="100px")
        )
        self.next = ipywidgets.Button(description="next ▶", layout=ipywidgets.Layout(width="100px"))
        self._x = (
            parse_point(x, functions.get(g1).n_in) if isinstance(x, str) else np.asarray(x, float)
        )
        # Entries count from 1, like the formulas: entry 1 is (1, 1), row by row.
        count = len(scene(g1, g2, self._x).result.steps)
        self.entry = ipywidgets.IntSlider(
            value=1, min=1, max=count, description="entry:", layout=ipywidgets.Layout(width="260px")
        )
        self.formula = FormulaStack(dict(min_height="150px", width="820px"))
        self.listen(self.prev, self._move, -1)
        self.listen(self.next, self._move, +1)
        self.listen(self.sizes, self._on_shape)  # before the base's observers: run first
        self.listen(self.pair, self._on_pair)
        self._message = ""
        super().__init__([self.sizes, self.pair, self.point, self.prev, self.next, self.entry])
        self.box.children = (*self.box.children, self.formula.box)

    def _pair_options(self, shape):
        # the sizes are in the first menu: the pairs need only their names
        return [(f"{b} ∘ {a}", (a, b)) for a, b in self._groups[shape]]

    def _move(self, delta: int):
        self.entry.value = int(np.clip(self.entry.value + delta, self.entry.min, self.entry.max))

    def _on_shape(self, change):
        """New sizes: offer their pairs and show the first (the base refreshes once after this)."""
        with self.batch():
            self.pair.options = self._pair_options(change["new"])
            self.pair.value = self._groups[change["new"]][0]

    def _on_pair(self, change):
        if change["new"] is None:  # between two lists of options
            return
        g1, g2 = change["new"]
        with self.batch():
            self._x = functions.get(g1).point.copy()
            self.point.value = format_point(self._x)
            self.entry.value = 1
            self.entry.max = len(scene(g1, g2, self._x).result.steps)

    def refresh(self):
        super().refresh()
        self.formula.show(self._formula_html(self._scene))

    def scene(self):
        """The scene at the typed point; a point that does not parse, or where the numbers
        overflow, keeps the last good point and says why in the panel (callbacks never raise)."""
        g1, g2 = self.pair.value
        step = self.entry.value - 1
        try:
            x = parse_point(self.point.value, functions.get(g1).n_in)
        except GradlibError as err:
            self._message = str(err)
            return scene(g1, g2, self._x, step)
        try:
            s = scene(g1, g2, x, step)
        except GradlibError:
            self._message = (
                f"At the point {echo(self.point.value, 60)} the Jacobians cannot be computed in "
                "floating point (the numbers overflow to inf or nan): the stepper keeps the last "
                "good point. Type smaller numbers."
            )
            return scene(g1, g2, self._x, step)
        self._x, self._message = x, ""
        return s

    def static_key(self, s):
        # The grids, names and shape strip depend on the shapes only: pairs of the same shapes
        # share a view, and a new pair or point only changes numbers drawn over it.
        return s.result.J_g2.shape + s.result.J_g1.shape[1:]

    def picture_key(self, s):
        return s.g1, s.g2, s.result.x.tobytes(), s.step

    def draw(self, s):
        return plot_chain_product(self.axes[0], s)

    def panel_html(self, s) -> str:
        r = s.result
        rows = "".join(
            f'<tr><td>l = {t.l + 1}</td><td style="text-align:right">({fmt(t.a)})</td>'
            f'<td style="text-align:right">({fmt(t.b)})</td><td style="text-align:right">= '
            f"{fmt(t.product)}</td></tr>"
            for t in s.terms
        )
        table = (
            f'<table style="font-family:monospace;font-size:12px"><tr><th></th><th>∂g2_i/∂y_l</th>'
            f"<th>∂y_l/∂x_j</th><th>product</th></tr>{rows}</table>"
        )
        out = [
            line_html("x =", "[" + ", ".join(fmt(v) for v in r.x) + "]"),
            line_html("y = g1(x) =", "[" + ", ".join(fmt(v) for v in r.y) + "]"),
            line_html(
                f"entry {s.step + 1} of {s.n_steps}:",
                f"row {s.i + 1}, column {s.j + 1} of J_f, {len(s.terms)} terms",
            ),
            table,
            line_html(f"J_f at ({s.i + 1}, {s.j + 1}) = sum =", fmt(s.value), GREEN),
            line_html("shapes:", s.shape_strip),
        ]
        if self._message:
            out.insert(
                0, f'<div style="color:{RED};font-size:12px">{html.escape(self._message)}</div>'
            )
        return "".join(out)

    def _formula_html(self, s) -> str:
        terms = "".join(f"<div>${t}$</div>" for t in s.terms_latex)
        return f"<div>$${s.formula_latex}$$</div>{terms}"

    @property
    def state(self) -> dict:
        s = self._scene
        r = s.result
        return {
            "g1": s.g1,
            "g2": s.g2,
            "x": r.x.tolist(),
            "step": s.step,
            "entry": (s.i, s.j),
            "terms": [(t.a, t.b, t.product) for t in s.terms],
            "value": s.value,
            "J_g1": r.J_g1.tolist(),
            "J_g2": r.J_g2.tolist(),
            "J_f_shown": np.where(s.done, r.J_f, np.nan).tolist(),
            "shape_strip": s.shape_strip,
            "message": self._message,
        }

    def demo_moves(self):
        return [
            ("next", lambda: self.next.click()),
            ("next", lambda: self.next.click()),
            ("previous", lambda: self.prev.click()),
            ("entry slider to the end", lambda: setattr(self.entry, "value", self.entry.max)),
            ("sizes: R^2 -> R^2 -> R^1", lambda: setattr(self.sizes, "value", (2, 2, 1))),
            (
                "pair: saddle ∘ polar_to_cartesian",
                lambda: setattr(self.pair, "value", ("polar_to_cartesian", "saddle")),
            ),
            ("point: 1, 0.5", lambda: setattr(self.point, "value", "1, 0.5")),
            ("next", lambda: self.next.click()),
            (
                "sizes: R^2 -> R^3 -> R^2 (neural_layer ∘ linear_map, the first pair)",
                lambda: setattr(self.sizes, "value", (2, 3, 2)),
            ),
        ]

    def alt_text(self, s) -> str:
        k, n = s.result.J_f.shape
        return (
            f"Three grids of numbers: J_g2 times J_g1 equals J_f for {s.g2} after {s.g1}; row "
            f"{s.i + 1} of J_g2 and column {s.j + 1} of J_g1 are shaded, and entry "
            f"({s.i + 1}, {s.j + 1}) of the {k} x {n} matrix J_f is being filled in."
        )


# ---- exercises ----------------------------------------------------------------------
add(
    Exercise(
        id="4.1",
        kind="partial",
        statement="Let $g_1(x_1, x_2) = (x_1 x_2,\\; x_1 + x_2^2)$, so its second output is $y_2 = "
        "x_1 + x_2^2$. Compute the entry $\\dfrac{\\partial y_2}{\\partial x_2}$ of $J_{g_1}$ "
        "(row 2, column 2) at $(x_1, x_2) = (2, 3)$ by hand. Answer with one number (or the "
        "(1, 1) matrix `[[...]]`); 3 significant digits are enough.",
        hints=(
            "Row 2 of J_g1 is the gradient of y_2; column 2 means: with respect to x_2, holding "
            "x_1 fixed.",
            "With x_1 fixed, the term x_1 is a constant: it does not change when x_2 moves.",
            "dy2/dx2 = 2 x_2; put x_2 = 3 in.",
        ),
        problem={"f": "x1 + x2**2", "variables": "x1 x2", "x": [2, 3], "wrt": "x2"},
        mistakes=(
            Mistake(
                "the partial with respect to x_1",
                change={"wrt": "x1"},
                kind="wrong_variable",
                message="That is dy2/dx1, entry (2, 1) of J_g1; column 2 is the derivative with "
                "respect to x_2.",
            ),
            Mistake(
                "y_2 itself",
                answer="x1 + x2**2",
                kind="value",
                message="That is the value y_2 at (2, 3), not a slope: differentiate first.",
            ),
            Mistake(
                "the power rule's factor dropped",
                answer="x2",
                kind="dropped_factor",
                message="The derivative of x_2^2 is 2 x_2: the exponent comes down as a factor.",
            ),
            Mistake(
                "all of row 2",
                answer=[["1", "2*x2"]],
                kind="row_for_entry",
                message="That is all of row 2, the gradient of y_2; the exercise asks for one "
                "entry of it, column 2.",
            ),
        ),
        examples_wrong=(([6], "one_d"), ("six", "wrong_variables")),
    )
)

add(
    Exercise(
        id="4.2",
        kind="shape",
        statement="$g_1: \\mathbb{R}^3 \\to \\mathbb{R}^2$ and $g_2: \\mathbb{R}^2 \\to "
        "\\mathbb{R}^4$. What is the shape of $J_f = J_{g_2} J_{g_1}$ for $f = g_2 \\circ "
        "g_1$? Answer as (rows, columns).",
        hints=(
            "Write the shapes of the two factors first, each in numerator layout (outputs x "
            "inputs).",
            "(k x m)(m x n): the inner sizes meet and disappear; the outer ones remain.",
        ),
        problem={"shape": (4, 3)},
        mistakes=(
            Mistake(
                "J_g2's shape alone",
                answer=(4, 2),
                kind="factor_shape",
                message="(4, 2) is the shape of J_g2 alone; the product J_g2 J_g1 keeps the rows "
                "of J_g2 and the columns of J_g1.",
            ),
            Mistake(
                "J_g1's shape alone",
                answer=(2, 3),
                kind="factor_shape",
                message="(2, 3) is the shape of J_g1 alone; the product J_g2 J_g1 keeps the rows "
                "of J_g2 and the columns of J_g1.",
            ),
        ),
        examples_wrong=(((3, 4), "transposed"), (12, "one_d")),
    )
)

add(
    Exercise(
        id="4.3",
        kind="chain_product",
        statement="Let $g_1(x_1, x_2) = (x_1 x_2,\\; x_1 + x_2)$ and $g_2(y_1, y_2) = y_1^2 + "
        "y_2$. At $x = (1, 2)$: compute the middle point $y = g_1(x)$, then $J_{g_2}$ at $y$ (1 x "
        "2) and $J_{g_1}$ at $x$ (2 x 2), and give $J_f = J_{g_2} J_{g_1}$, shape (1, 2); 3 "
        "significant digits are enough.",
        hints=(
            "Three steps, in order: the middle point y = g1(x); the two Jacobians, each at its own "
            "point; their product.",
            "J_g2 is taken where g2 is applied: at y, not at x. J_g1 has one row per output of g1 "
            "and one column per input.",
            "J_g2 = [[2 y_1, 1]] and J_g1 = [[x_2, x_1], [1, 1]]; entry j of J_f is the row J_g2 "
            "times column j of J_g1.",
        ),
        problem={
            "g2": ["y1**2 + y2"],
            "inner": "y1 y2",
            "g1": ["x1*x2", "x1 + x2"],
            "variables": "x1 x2",
            "x": [1, 2],
        },
        mistakes=(
            Mistake("J_g2 taken at x instead of y = g1(x)", transform="J_g2 at x"),
            Mistake("the inner Jacobian forgotten", transform="J_g2 alone"),
            Mistake("a column instead of a row", transform="transposed"),
        ),
        examples_wrong=(([9, 5], "one_d"), ([[9, 6]], "wrong_entries")),
    )
)

add(
    Exercise(
        id="4.4",
        kind="chain_product",
        statement="Now with two outputs: $g_1(x_1, x_2) = (x_1^2,\\; x_1 x_2)$ and $g_2(y_1, y_2) "
        "= (y_1 y_2,\\; y_1 - y_2)$ at $x = (2, 1)$. Compute the middle point $y = g_1(x)$, "
        "then $J_{g_2}$ there (2 x 2) and $J_{g_1}$ at $x$ (2 x 2), and give $J_f = J_{g_2} "
        "J_{g_1}$, shape (2, 2); 3 significant digits are enough. Mind the order of the "
        "product.",
        hints=(
            "The same three steps: y = g1(x), the two Jacobians at their own points, the product.",
            "Both factors are (2 x 2), so both orders of the product exist, but only one is the "
            "chain rule: the outer function's Jacobian comes first.",
            "J_g2 = [[y_2, y_1], [1, -1]] at y; J_g1 = [[2 x_1, 0], [x_2, x_1]] at x; "
            "J_f = J_g2 @ J_g1.",
        ),
        problem={
            "g2": ["y1*y2", "y1 - y2"],
            "inner": "y1 y2",
            "g1": ["x1**2", "x1*x2"],
            "variables": "x1 x2",
            "x": [2, 1],
        },
        mistakes=(
            Mistake("J_g2 taken at x instead of y = g1(x)", transform="J_g2 at x"),
            Mistake("the factors in the wrong order", transform="J_g1 @ J_g2"),
            Mistake("entry by entry instead of a matrix product", transform="J_g2 * J_g1"),
            Mistake("the inner Jacobian transposed", transform="J_g2 @ J_g1.T"),
            Mistake("one row per input", transform="transposed"),
        ),
        examples_wrong=(([[12, 8]], "wrong_shape"), ([[12, 8], [3, 2]], "sign_entries")),
    )
)


def chain_4_4(x):
    """J_f(x) = J_g2(g1(x)) @ J_g1(x) of exercise 4.4, shape (2, 2): the reference of 4.5."""
    y = np.array([x[0] ** 2, x[0] * x[1]])
    return _J_g2_4_4(y) @ _J_g1_4_4(x)


def _J_g1_4_4(x):
    return np.array([[2 * x[0], 0.0], [x[1], x[0]]])


def _J_g2_4_4(y):
    return np.array([[y[1], y[0]], [1.0, -1.0]])


def _chain_4_4_at_x(x):
    """The chain rule's central mistake: J_g2 evaluated at x instead of y = g1(x)."""
    return _J_g2_4_4(x) @ _J_g1_4_4(x)


def _chain_4_4_wrong_order(x):
    y = np.array([x[0] ** 2, x[0] * x[1]])
    return _J_g1_4_4(x) @ _J_g2_4_4(y)


add(
    Exercise(
        id="4.5",
        kind="code",
        statement="Write the chain rule of exercise 4.4 as code: a function `J_f(x)` that takes "
        "`x`, a NumPy array of shape (2,), and returns $J_{g_2}(g_1(x))\\, J_{g_1}(x)$, shape (2, "
        "2). Give the function itself (its name, without calling it) as the answer: the "
        "check runs it at three points, so it must be right everywhere, not only at $x = (2, "
        "1)$. In code `x[0]` is $x_1$ and `x[1]` is $x_2$: NumPy counts from 0.",
        hints=(
            "Write three small pieces first: g1(x) returning y, J_g1(x) and J_g2(y), each "
            "returning an np.array.",
            "J_f then computes y = g1(x) and returns J_g2(y) @ J_g1(x). Take care to call J_g2 "
            "with y, not with x.",
            "J_g1 = [[2 x_1, 0], [x_2, x_1]] and J_g2 = [[y_2, y_1], [1, -1]], with "
            "y = (x_1^2, x_1 x_2).",
        ),
        problem={
            "reference": "gradlib.topics.chain_rule:chain_4_4",
            "inputs": [[[2, 1]], [[-1, 0.5]], [[0.5, 3]]],
            "what": "jacobian",
        },
        mistakes=(
            Mistake(
                "J_g2 taken at x",
                function="gradlib.topics.chain_rule:_chain_4_4_at_x",
                kind="wrong_point",
                message="Your function evaluates J_g2 at x; it belongs at y = g1(x): compute "
                "y = g1(x) first and call J_g2(y).",
            ),
            Mistake(
                "the factors in the wrong order",
                function="gradlib.topics.chain_rule:_chain_4_4_wrong_order",
                kind="wrong_order",
                message="Your function multiplies J_g1 @ J_g2; the chain rule puts the outer "
                "Jacobian on the left: J_g2 @ J_g1.",
            ),
        ),
        examples_wrong=(([[12, 8], [3, -2]], "not_callable"), ("J_f", "not_callable")),
    )
)
