"""Lesson 7, conventions: its numbers against SymPy, its widget in the kernel and in a browser."""

import numdifftools as nd
import numpy as np
import pytest
import scipy.differentiate
import scipy.optimize
import sympy as sp
from lab_browser import (
    image_src,
    open_and_run,
    panel_text,
    screenshot,
    wait_new_image,
)
from reference import composed_jacobian

import gradlib as gl
from gradlib import functions
from gradlib.errors import ShapeError
from gradlib.topics import conventions as lesson

# ---- the numbers ----------------------------------------------------------------------

# Every row of the library table whose library is installed here, called for real.
N, M = 3, 2


def shape_for(text: str, n: int, m: int, p: int, q: int):
    """Turn a table entry such as "(m, p, q)" into a tuple for given sizes; None for "—"."""
    if text == "—":
        return None
    sizes = {"n": n, "m": m, "p": p, "q": q, "1": 1}
    inner = text.split(")")[0].strip("(")
    return tuple(sizes[s.strip()] for s in inner.split(",") if s.strip())


def test_shape_for_reads_a_table_entry():
    assert shape_for("(m, p, q)", n=3, m=2, p=4, q=5) == (2, 4, 5)
    assert shape_for("(n,)", 3, 2, 4, 5) == (3,)
    assert shape_for("—", 3, 2, 4, 5) is None


X0 = np.array([1.0, 2.0, 0.5])


# ---- lesson 7: conventions
# ----------------------------------------------------------------------------------
def test_layout_views_transpose_and_reverse_the_product():
    rng = np.random.default_rng(2)
    J_g2, J_g1 = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    num, den = (
        lesson.layout_view(J_g2, J_g1, "numerator"),
        lesson.layout_view(J_g2, J_g1, "denominator"),
    )
    assert [n for n, _ in num.factors] == ["J_g2", "J_g1"] and [n for n, _ in den.factors] == [
        "J_g1ᵀ",
        "J_g2ᵀ",
    ]
    np.testing.assert_allclose(num.result, J_g2 @ J_g1, rtol=1e-12)
    np.testing.assert_allclose(den.result, (J_g2 @ J_g1).T, rtol=1e-12)
    assert num.shape_text == "J_g2 (2x3) @ J_g1 (3x4) -> J_f (2x4)"
    assert den.shape_text == "J_g1ᵀ (4x3) @ J_g2ᵀ (3x2) -> J_fᵀ (4x2)"
    assert (num.rows_are, den.rows_are) == ("outputs", "inputs")
    assert r"_{2\times4}" in num.latex and r"_{4\times2}" in den.latex


def test_layout_view_errors_name_the_problem():
    with pytest.raises(gl.GradlibError, match="layout='sideways' is not a layout"):
        lesson.layout_view(np.ones((1, 2)), np.ones((2, 3)), "sideways")
    with pytest.raises(ShapeError, match="inner sizes 2 and 3 disagree"):
        lesson.layout_view(np.ones((1, 2)), np.ones((3, 3)), "numerator")


@pytest.mark.parametrize("example", list(lesson.EXAMPLES))
def test_layout_examples_match_sympy(example):
    g1, g2, x = lesson.EXAMPLES[example]
    expected = composed_jacobian([g1, g2], x)
    np.testing.assert_allclose(lesson.scene(example, "numerator").result, expected, rtol=1e-10)
    np.testing.assert_allclose(lesson.scene(example, "denominator").result, expected.T, rtol=1e-10)
    k, n = expected.shape
    m = functions.get(g1).n_out
    assert len({k, m, n}) == 3, "an example whose sizes differ, so every shape tells which is which"


def _scalar(v):
    return v[0] * v[1] + np.sin(v[2])


def _vector(v):
    return np.array([v[0] * v[1], np.sin(v[2]) + v[0]])


def _sympy_jacobian(vector):
    xs = sp.symbols("a b c")
    exprs = [xs[0] * xs[1], sp.sin(xs[2]) + xs[0]] if vector else [xs[0] * xs[1] + sp.sin(xs[2])]
    return sp.Matrix(exprs).jacobian(xs).shape


def _derive_by_array(vector):
    xs = sp.symbols("a b c")
    exprs = [xs[0] * xs[1], sp.sin(xs[2]) + xs[0]] if vector else xs[0] * xs[1] + sp.sin(xs[2])
    return sp.derive_by_array(exprs, xs).shape


CALLS = {
    "gl.jacobian(f, x)": lambda vector: gl.jacobian(_vector if vector else _scalar, X0).shape,
    "gl.gradient(f, x)": lambda vector: gl.gradient(_scalar, X0).shape,
    "Matrix(exprs).jacobian(xs)": _sympy_jacobian,
    "derive_by_array(f, xs)": _derive_by_array,
    "nd.Jacobian(f)(x)": lambda vector: nd.Jacobian(_vector if vector else _scalar)(X0).shape,
    "nd.Gradient(f)(x)": lambda vector: nd.Gradient(_scalar)(X0).shape,
    "scipy.optimize.approx_fprime(x, f)": lambda vector: (
        scipy.optimize.approx_fprime(X0, _vector if vector else _scalar).shape
    ),
    "scipy.differentiate.jacobian(f, x).df": lambda vector: (
        scipy.differentiate.jacobian(_vector if vector else _scalar, X0).df.shape
    ),
}


@pytest.mark.parametrize(
    "row", [r for r in lesson.LIBRARY_SHAPES if r["call"] in CALLS], ids=lambda r: r["call"]
)
def test_library_table_rows_are_what_the_libraries_return(row):
    call = CALLS[row["call"]]
    for column, vector in (("scalar f", False), ("vector f", True)):
        expected = shape_for(row[column], n=N, m=M, p=0, q=0)
        if expected is not None:
            assert call(vector) == expected, (row["call"], column)


def test_library_table_matrix_column_for_sympy_and_gradlib():
    X = sp.Array(sp.symbols("x0:6")).reshape(2, 3)
    f = sp.Array([X[0, 0] * X[1, 2], sp.sin(X[0, 1])])
    rows = {r["call"]: r["matrix X"] for r in lesson.LIBRARY_SHAPES}
    assert sp.derive_by_array(f, X).shape == shape_for(
        rows["derive_by_array(f, xs)"], n=0, m=2, p=2, q=3
    )
    W = np.arange(1.0, 7.0).reshape(2, 3)
    J = gl.jacobian(lambda w: np.array([w[0, 0] * w[1, 2], np.sin(w[0, 1])]), W)
    assert J.shape == shape_for(rows["gl.jacobian(f, x)"], n=0, m=2, p=2, q=3)
    G = gl.gradient(lambda w: (w**2).sum(), W)
    assert G.shape == shape_for(rows["gl.gradient(f, x)"], n=0, m=1, p=2, q=3)
    np.testing.assert_allclose(G[0], 2 * W, rtol=1e-8)


def test_library_table_is_complete_and_renders():
    calls = [r["call"] for r in lesson.LIBRARY_SHAPES]
    assert len(calls) == len(set(calls))
    for r in lesson.LIBRARY_SHAPES:
        assert set(r) == set(lesson.LIBRARY_COLUMNS) and r["layout"] in lesson.LAYOUTS
    text = lesson.library_table_markdown()
    assert text.count("\n") == len(lesson.LIBRARY_SHAPES) + 1
    assert (
        "| JAX | `jax.jacfwd(f)(x), jax.jacrev(f)(x)` | (n,) | (m, n) | (m, p, q) | numerator |"
        in text
    )


def test_every_library_call_with_an_installed_library_is_tested():
    installed = {"gradlib", "SymPy", "numdifftools", "SciPy"}
    untested = [
        r["call"]
        for r in lesson.LIBRARY_SHAPES
        if r["library"] in installed and r["call"] not in CALLS
    ]
    assert untested == []


# ---- the widget, in the kernel ------------------------------------------------------------


# ---- lesson 7
# ------------------------------------------------------------------------------------------------
def test_layout_toggle_transposes_and_reverses():
    w = lesson.LayoutToggle()
    J = composed_jacobian(["linear_map", "square_norm"], [1.0, 2.0])
    s = w.state
    assert s["order"] == ["J_g2", "J_g1"] and s["shapes"] == [(1, 3), (3, 2)]
    np.testing.assert_allclose(s["result"], J, rtol=1e-12)
    png = w.png
    w.layout_buttons.value = "denominator"
    s = w.state
    assert (
        s["order"] == ["J_g1ᵀ", "J_g2ᵀ"]
        and s["shapes"] == [(2, 3), (3, 1)]
        and s["result_name"] == "∇f"
    )
    np.testing.assert_allclose(s["result"], J.T, rtol=1e-12)
    assert w.png != png and r"\frac{\partial y}{\partial x}" in w.formula.value
    w.example.value = "vector output: neural_layer ∘ helix"
    s = w.state
    np.testing.assert_allclose(
        s["result"], composed_jacobian(["helix", "neural_layer"], [1.0]).T, rtol=1e-10
    )
    assert s["shape_text"] == "J_g1ᵀ (1x3) @ J_g2ᵀ (3x2) -> J_fᵀ (1x2)"


# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_7_layout_toggle(page, lab):
    (box,) = open_and_run(page, lab, "07_conventions.ipynb")
    assert "J_g2 (1x3) @ J_g1 (3x2) -> J_f (1x2)" in panel_text(box)
    before = image_src(box)
    box.locator("button", has_text="denominator").click()
    wait_new_image(page, box, before)
    text = panel_text(box)
    expected = lesson.scene("scalar loss: square_norm ∘ linear_map", "denominator")
    assert f"product: {expected.shape_text}" in text, text
    assert expected.shape_text == "J_g1ᵀ (2x3) @ J_g2ᵀ (3x1) -> ∇f (2x1)"
    assert "rows are: inputs" in text and "order: J_g1ᵀ @ J_g2ᵀ" in text
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson7_after_interaction")
