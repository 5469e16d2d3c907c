"""Every registered exercise (all lessons): the right answer, computed here with SymPy alone, is
accepted; each typical wrong answer gets its diagnosis; the statement is the one in the lesson."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib.exercises import Exercise, all_exercises, by_lesson, check_shape, resolve

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
    if ex.kind == "choice":
        return p["answer"]
    if ex.kind == "code":  # a fresh function calling the reference (some checks refuse the
        reference = resolve(p["reference"])  # reference object itself as an answer)
        return lambda *args: reference(*args)
    if ex.kind == "quadratic_model":
        g, H, d = (sp.Matrix(p[k]) for k in ("gradient", "hessian", "d"))
        return np.array(sp.Matrix([[p["value"]]]) + g * d + d.T * H * d / 2, dtype=float)
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
    if ex.kind not in ("shape", "choice", "code"):
        assert right.ndim == 2
        np.testing.assert_allclose(ex.truth(), right, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_typical_wrong_answers_get_their_diagnosis(ex):
    assert len(ex.examples_wrong) >= 2
    for answer, kind in ex.examples_wrong:
        if ex.kind == "code" and isinstance(answer, str):
            answer = resolve(answer)
        fb = ex.check(answer)
        assert not fb and fb.kind == kind, (answer, fb)


@pytest.mark.parametrize("ex", [e for e in EXERCISES if e.mistakes], ids=lambda e: e.id)
def test_declared_mistakes_are_named_and_more_than_1_percent_off(ex):
    truth = ex.truth()
    for wrong, kind, message in ex.mistakes:
        answer = resolve(wrong) if ex.kind == "code" else wrong
        fb = ex.check(answer)
        assert not fb and (fb.kind, fb.message) == (kind, message), (wrong, fb)
        if ex.kind == "code":
            answer = answer(*[np.array(a, dtype=float) for a in ex.problem["inputs"][0]])
        if ex.kind not in ("shape", "choice") and np.shape(np.atleast_2d(answer)) == truth.shape:
            off = np.abs(np.atleast_2d(answer) - truth) / np.maximum(np.abs(truth), 1e-12)
            assert off.max() > 0.01, (wrong, off)


def test_a_declared_mistake_must_say_its_kind_and_message():
    message = r"exercise 9.1: each of mistakes is \(answer, kind, message\)"
    with pytest.raises(gl.GradlibError, match=message):
        Exercise(
            id="9.1",
            kind="shape",
            statement="s",
            hints=("h",),
            problem={"shape": (1, 1)},
            examples_wrong=(((2, 2), "wrong_shape"), ((3, 3), "wrong_shape")),
            mistakes=(((2, 2), "gradient_shape"),),
        )


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_no_answer_yet_is_friendly_and_falsy(ex):
    fb = ex.check(None)
    assert not fb and fb.kind == "no_answer" and "no answer yet" in fb.message


FORMULA_KINDS = ("gradient", "jacobian", "derivative")


@pytest.mark.parametrize(
    "ex", [e for e in EXERCISES if e.kind in FORMULA_KINDS], ids=lambda e: e.id
)
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
    markdown = "\n".join(
        c.source for c in nbformat.read(lesson[0], 4).cells if c.cell_type == "markdown"
    )
    assert ex.statement in markdown
    html = ex.hint()._repr_html_()
    assert (
        html.startswith("<details><summary>Hint for exercise")
        and html.count("<li>") == len(ex.hints) >= 1
    )


def test_exercise_lookup_and_registry():
    assert gl.exercise("1.2") is REGISTRY["1.2"]
    assert [e.id for e in by_lesson(1)] == ["1.1", "1.2", "1.3", "1.4"]
    with pytest.raises(
        gl.GradlibError, match=r"there is no exercise '9.9'; the exercises are \['0.1'"
    ):
        gl.exercise("9.9")


def test_each_lesson_1_to_3_has_at_least_three_exercises():
    assert [len(by_lesson(n)) >= 3 for n in (1, 2, 3)] == [True, True, True]


@pytest.mark.parametrize(
    "given, kind",
    [
        ((2, 3), "correct"),
        ([2, 3], "correct"),
        ((3, 2), "transposed"),
        (6, "one_d"),
        ((2, 3, 1), "wrong_shape"),
        ("2x3", "wrong_type"),
        ((2.5, 3), "wrong_type"),
        (None, "no_answer"),
        ((1, 3), "wrong_shape"),
    ],
)
def test_check_shape_diagnoses(given, kind):
    fb = check_shape(given, (2, 3))
    assert fb.kind == kind and bool(fb) == (kind == "correct")


def test_exercise_needs_two_wrong_examples():
    with pytest.raises(gl.GradlibError, match="exercise 9.1: give at least 2 examples_wrong"):
        gl.exercises.Exercise(
            id="9.1",
            kind="shape",
            statement="s",
            hints=("h",),
            problem={"shape": (1, 1)},
            examples_wrong=(((2, 2), "wrong_shape"),),
        )


# ---- kind "choice" ------------------------------------------------------------------------------
CHOICE = Exercise(
    id="99.1",
    kind="choice",
    statement="s",
    hints=("h",),
    problem={
        "options": ["minimum", "maximum", "saddle"],
        "answer": "saddle",
        "why_not": {"minimum": "a minimum needs every eigenvalue > 0."},
    },
    examples_wrong=(("minimum", "wrong_choice"), ("valley", "not_an_option")),
)


@pytest.mark.parametrize(
    "given, kind",
    [
        ("saddle", "correct"),
        ("  SADDLE \n", "correct"),
        ("maximum", "wrong_choice"),
        ("minimum", "wrong_choice"),
        ("sad dle", "not_an_option"),
        ("", "not_an_option"),
        (3, "wrong_type"),
        (["saddle"], "wrong_type"),
        (None, "no_answer"),
    ],
)
def test_choice_diagnoses(given, kind):
    fb = CHOICE.check(given)
    assert fb.kind == kind and bool(fb) == (kind == "correct"), fb


def test_choice_messages_explain_and_list_the_options():
    assert CHOICE.check("Minimum").message == "Not 'minimum': a minimum needs every eigenvalue > 0."
    assert CHOICE.check("maximum").message == "Not 'maximum': think again."
    assert CHOICE.check("valley").message == (
        "'valley' is not one of the options; answer with one of 'minimum', 'maximum', 'saddle' "
        "(as a string, in quotes)."
    )
    assert CHOICE.truth() == "saddle"


def test_choice_answer_must_be_an_option():
    with pytest.raises(gl.GradlibError, match=r"exercise 99.2: the answer 'ridge' is not one of"):
        Exercise(
            id="99.2",
            kind="choice",
            statement="s",
            hints=("h",),
            problem={"options": ["minimum", "saddle"], "answer": "ridge"},
            examples_wrong=(("minimum", "wrong_choice"), ("x", "not_an_option")),
        )


# ---- kind "code" --------------------------------------------------------------------------------
def reference_jacobian(x):
    """J of (x1 * x2, x1 + x2**2): the reference of the code exercise below."""
    return np.array([[x[1], x[0]], [1.0, 2 * x[1]]])


def transposed_jacobian(x):
    return reference_jacobian(x).T


def test_resolve_names_only_gradlib_functions():
    assert resolve("gradlib.numeric:jacobian") is gl.jacobian
    with pytest.raises(gl.GradlibError, match=r"'os:system' does not name a function of gradlib"):
        resolve("os:system")
    with pytest.raises(gl.GradlibError, match=r"'gradlib.numeric:nope' names no function"):
        resolve("gradlib.numeric:nope")


@pytest.fixture
def code_exercise(monkeypatch):
    """CODE, with its reference (a test function) reachable under a gradlib name."""
    import gradlib.exercises as module

    monkeypatch.setattr(module, "reference_jacobian", reference_jacobian, raising=False)
    monkeypatch.setattr(module, "transposed_jacobian", transposed_jacobian, raising=False)
    problem = {
        "reference": "gradlib.exercises:reference_jacobian",
        "inputs": [[[2, 1]], [[3, -1]], [[0.5, 0.25]]],
        "what": "jacobian",
    }
    return Exercise(
        id="99.3",
        kind="code",
        statement="s",
        hints=("h",),
        problem=problem,
        examples_wrong=(
            ("gradlib.exercises:transposed_jacobian", "transposed"),
            (3, "not_callable"),
        ),
    )


def test_code_right_function_is_accepted_and_truth_is_the_first_call(code_exercise):
    fb = code_exercise.check(lambda x: np.array([[x[1], x[0]], [1, 2 * x[1]]]))
    assert fb and fb.kind == "correct" and "all 3 inputs" in fb.message
    np.testing.assert_array_equal(code_exercise.truth(), [[1, 2], [1, 2]])


def test_code_wrong_functions_are_diagnosed_at_the_first_failing_input(code_exercise):
    fb = code_exercise.check(resolve("gradlib.exercises:transposed_jacobian"))
    assert not fb and fb.kind == "transposed"
    assert fb.message.startswith("With the input f([2, 1]): You gave the transpose of the Jacobian")
    # right at the first input only: the second input names it
    fb = code_exercise.check(lambda x: np.array([[1.0, 2.0], [1.0, 2.0]]))
    assert not fb and fb.message.startswith("With the input f([3, -1]): ")
    fb = code_exercise.check(lambda x: np.array([[x[1], x[0]]]))
    assert fb.kind == "wrong_shape" and "expected shape (2, 2)" in fb.message


def test_code_errors_of_the_learner_are_feedback(code_exercise):
    fb = code_exercise.check(lambda x: [[x[1], x[0]], [1, 2 * x[2]]])
    assert fb.kind == "function_error" and fb.message == (
        "Your function raised IndexError: index 2 is out of bounds for axis 0 with size 2, "
        "called as f([2, 1])."
    )
    fb = code_exercise.check(lambda x: None)
    assert fb.kind == "no_result" and "returned None: end it with return" in fb.message
    assert code_exercise.check(np.eye(2)).kind == "not_callable"
    assert code_exercise.check(None).kind == "no_answer"


def test_code_each_call_gets_its_own_copy(code_exercise):
    def mutating(x):
        out = reference_jacobian(x)
        x[:] = 1e6
        return out

    assert code_exercise.check(mutating)


def test_code_what_must_be_known():
    with pytest.raises(gl.GradlibError, match=r"exercise 99.4: what='vector' is not one of"):
        Exercise(
            id="99.4",
            kind="code",
            statement="s",
            hints=("h",),
            problem={"reference": "gradlib.numeric:jacobian", "inputs": [[1]], "what": "vector"},
            examples_wrong=((1, "not_callable"), (2, "not_callable")),
        )
