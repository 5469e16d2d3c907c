"""Every registered exercise (all lessons): the right answer, computed here with SymPy alone, is
accepted; each typical wrong answer gets its diagnosis; the statement is the one in the lesson."""
import importlib
from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib.exercises import all_exercises, by_lesson, check_shape

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REGISTRY = all_exercises()
EXERCISES = sorted(REGISTRY.values(), key=lambda e: tuple(int(p) for p in e.id.split(".")))


def symbols(names):
    names = names if isinstance(names, (list, tuple)) else names.replace(",", " ").split()
    return [sp.Symbol(n, real=True) for n in names]


def exprs(items, variables):
    items = [items] if isinstance(items, str) else items
    return sp.Matrix([sp.sympify(e, locals={str(v): v for v in variables}) for e in items])


def at(M, variables, x):
    return np.array(M.subs(dict(zip(variables, x))).evalf(), dtype=float)


def independent_answer(ex):
    """The right answer from the exercise's problem data, with plain SymPy (no gradlib)."""
    p = ex.problem
    if ex.kind == "shape":
        return tuple(p["shape"])
    if ex.kind == "code":   # a call of the reference (checked against gl.gradient in tests/topics)
        module, name = p["reference"].split(":")
        reference = getattr(importlib.import_module(module), name)
        return lambda *args: reference(*args)
    v = symbols(p["variables"])
    x = np.atleast_1d(np.asarray(p["x"], dtype=float))
    if ex.kind == "chain_product":
        u = symbols(p["inner"])
        g1 = exprs(p["g1"], v)
        y = at(g1, v, x).ravel()
        return at(exprs(p["g2"], u).jacobian(u), u, y) @ at(g1.jacobian(v), v, x)
    f = exprs(p["f"], v)
    M = {
        "gradient": lambda: f.jacobian(v),
        "jacobian": lambda: f.jacobian(v),
        "derivative": lambda: f.diff(v[0]),
        "partial": lambda: sp.Matrix([[f[0].diff(symbols(p["wrt"])[0])]]),
        "directional": lambda: f.jacobian(v) * sp.Matrix(p["d"]),
        "hessian": lambda: sp.hessian(f[0], v),
    }[ex.kind]()
    return at(M, v, x)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_right_answer_is_accepted(ex):
    right = independent_answer(ex)
    fb = ex.check(right)
    assert fb and fb.kind == "correct", fb
    if ex.kind not in ("shape", "code"):
        assert right.ndim == 2
        np.testing.assert_allclose(ex.truth(), right, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_typical_wrong_answers_get_their_diagnosis(ex):
    assert len(ex.examples_wrong) >= 2
    for answer, kind in ex.examples_wrong:
        fb = ex.check(answer)
        assert not fb and fb.kind == kind, (answer, fb)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_no_answer_yet_is_friendly_and_falsy(ex):
    fb = ex.check(None)
    assert not fb and fb.kind == "no_answer" and "no answer yet" in fb.message


FORMULA_KINDS = ("gradient", "jacobian", "derivative")


@pytest.mark.parametrize("ex", [e for e in EXERCISES if e.kind in FORMULA_KINDS], ids=lambda e: e.id)
def test_right_answer_typed_as_formulas_is_accepted(ex):
    v = symbols(ex.problem["variables"])
    f = exprs(ex.problem["f"], v)
    M = f.diff(v[0]) if ex.kind == "derivative" else f.jacobian(v)
    typed = [[str(e) for e in row] for row in M.tolist()]
    fb = ex.check(typed)
    assert fb and fb.kind == "correct", (typed, fb)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_statement_is_in_the_lesson_and_hints_are_folded(ex):
    lesson = sorted(NOTEBOOKS.glob(f"{ex.lesson:02d}_*.ipynb"))
    assert len(lesson) == 1, f"exercise {ex.id}: no notebook {ex.lesson:02d}_*.ipynb"
    markdown = "\n".join(c.source for c in nbformat.read(lesson[0], 4).cells if c.cell_type == "markdown")
    assert ex.statement in markdown
    html = ex.hint()._repr_html_()
    assert html.startswith("<details><summary>Hint for exercise") and html.count("<li>") == len(ex.hints) >= 1


def test_exercise_lookup_and_registry():
    assert gl.exercise("1.2") is REGISTRY["1.2"]
    assert [e.id for e in by_lesson(1)] == ["1.1", "1.2", "1.3", "1.4"]
    with pytest.raises(gl.GradlibError, match=r"there is no exercise '9.9'; the exercises are \['0.1'"):
        gl.exercise("9.9")


def test_each_lesson_1_to_3_has_at_least_three_exercises():
    assert [len(by_lesson(n)) >= 3 for n in (1, 2, 3)] == [True, True, True]


@pytest.mark.parametrize("given, kind", [((2, 3), "correct"), ([2, 3], "correct"), ((3, 2), "transposed"),
                                         (6, "one_d"), ((2, 3, 1), "wrong_shape"), ("2x3", "wrong_type"),
                                         ((2.5, 3), "wrong_type"), (None, "no_answer"), ((1, 3), "wrong_shape")])
def test_check_shape_diagnoses(given, kind):
    fb = check_shape(given, (2, 3))
    assert fb.kind == kind and bool(fb) == (kind == "correct")


def test_exercise_needs_two_wrong_examples():
    with pytest.raises(gl.GradlibError, match="exercise 9.1: give at least 2 examples_wrong"):
        gl.exercises.Exercise(id="9.1", kind="shape", statement="s", hints=("h",),
                              problem={"shape": (1, 1)}, examples_wrong=(((2, 2), "wrong_shape"),))
