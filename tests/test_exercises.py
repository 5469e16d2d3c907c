"""Every registered exercise (all lessons): the right answer, computed here with SymPy alone, is
accepted to 3 significant digits; every declared mistake, computed here too, is more than 1% away
and named; hints come in tiers that do not give the answer; the statement is the one in the lesson.
Then the kinds themselves (shape, choice, code) and the registry."""

import math
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib import exercises
from gradlib.check import shape as check_shape
from gradlib.exercises import Exercise, Mistake, all_exercises, by_lesson, resolve

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REGISTRY = all_exercises()
EXERCISES = sorted(REGISTRY.values(), key=lambda e: tuple(int(p) for p in e.id.split(".")))
MATRIX = [e for e in EXERCISES if e.kind in exercises.MATRIX_KINDS]
OURS = [e for e in EXERCISES if e.lesson <= 7]  # lessons 0-7 (8-10 have their own helpers)


# ---- SymPy alone: the truth and each mistake ----------------------------------------------------
def symbols(names):
    names = names if isinstance(names, (list, tuple)) else names.replace(",", " ").split()
    return [sp.Symbol(n, real=True) for n in names]


def exprs(items, variables):
    items = [items] if isinstance(items, str) else items
    return sp.Matrix([sp.sympify(e, locals={str(v): v for v in variables}) for e in items])


def at(M, variables, x):
    return np.array(M.subs(dict(zip(variables, x, strict=True))).evalf(), dtype=float)


def chain_factors(p):
    """J_g2 at y = g1(x), J_g1 at x, J_g2 at x (None when g2 cannot take x)."""
    v, u = symbols(p["variables"]), symbols(p["inner"])
    x = np.atleast_1d(np.asarray(p["x"], dtype=float))
    g1, J_g2 = exprs(p["g1"], v), exprs(p["g2"], u).jacobian(u)
    y = at(g1, v, x).ravel()
    at_x = at(J_g2, u, x) if len(u) == len(v) else None
    return at(J_g2, u, y), at(g1.jacobian(v), v, x), at_x


def difference(p):
    (t,) = symbols(p["variables"])
    f, x, h = exprs(p["f"], [t]), sp.Rational(str(p["x"])), sp.Rational(str(p["h"]))
    if p["method"] == "complex":
        M = f.subs(t, x + sp.I * h).applyfunc(lambda e: sp.im(sp.expand(e, complex=True))) / h
    else:
        ahead, back = {"forward": (h, 0), "backward": (0, -h), "central": (h, -h)}[p["method"]]
        M = (f.subs(t, x + ahead) - f.subs(t, x + back)) / (ahead - back)
    return np.array(M.evalf(), dtype=float)


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
    if ex.kind == "chain_product":
        J_g2, J_g1, _ = chain_factors(p)
        return J_g2 @ J_g1
    if ex.kind == "difference":
        return difference(p)
    v = symbols(p["variables"])
    x = np.atleast_1d(np.asarray(p["x"], dtype=float))
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


def independent_mistake(ex, m):
    """The answer a declared mistake gives, with plain SymPy (a function: what it returns)."""
    p = ex.problem
    if m.change is not None:
        return independent_answer(replace(ex, problem={**p, **m.change}))
    if m.function is not None:
        return np.asarray(resolve(m.function)(*exercises._arguments(p["inputs"][0])), dtype=float)
    if m.answer is not None:
        if ex.kind == "shape":
            return tuple(m.answer)
        if not any(isinstance(e, str) for e in np.ravel(np.array(m.answer, dtype=object))):
            return np.atleast_2d(np.asarray(m.answer, dtype=float))  # plain numbers
        v = symbols(p["variables"])
        rows = [[m.answer]] if isinstance(m.answer, str) else m.answer
        M = sp.Matrix([[sp.sympify(e, locals={str(s): s for s in v}) for e in row] for row in rows])
        return at(M, v, np.atleast_1d(np.asarray(p["x"], dtype=float)))
    truth = independent_answer(ex)
    if m.transform == "transposed":
        return tuple(reversed(truth)) if ex.kind == "shape" else truth.T
    J_g2, J_g1, J_g2_at_x = chain_factors(p)
    return {
        "J_g1 @ J_g2": lambda: J_g1 @ J_g2,
        "J_g2 alone": lambda: J_g2,
        "J_g1 alone": lambda: J_g1,
        "J_g2 * J_g1": lambda: J_g2 * J_g1,
        "J_g2 at x": lambda: J_g2_at_x @ J_g1,
        "J_g2 @ J_g1.T": lambda: J_g2 @ J_g1.T,
    }[m.transform]()


def relative_gap(M, T):
    """Largest entrywise |M - T| relative to |T| (to the largest |T| for an entry that is 0)."""
    M, T = np.asarray(M, dtype=float), np.asarray(T, dtype=float)
    if M.shape != T.shape:
        return math.inf
    scale = np.abs(T).max()
    return float(np.max(np.abs(M - T) / np.where(np.abs(T) > 1e-9 * scale, np.abs(T), scale)))


def to_digits(M, digits):
    """Each entry rounded to ``digits`` significant digits, as a learner writes it down."""
    return [[float(f"{v:.{digits}g}") for v in row] for row in np.asarray(M, dtype=float)]


def learner(answer):
    """A mistake's answer as a learner types it: numbers (a function stays a function)."""
    return answer.tolist() if isinstance(answer, np.ndarray) else answer


# ---- the right answer ----------------------------------------------------------------------------
@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_right_answer_is_accepted(ex):
    right = independent_answer(ex)
    fb = ex.check(right)
    assert fb and fb.kind == "correct", fb
    if ex.kind in exercises.MATRIX_KINDS:
        assert right.ndim == 2
        np.testing.assert_allclose(ex.truth(), right, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ex", MATRIX, ids=lambda e: e.id)
def test_three_significant_digits_are_enough_and_the_statement_says_so(ex):
    right = independent_answer(ex)
    assert ex.check(to_digits(right, 3)), to_digits(right, 3)
    assert ex.check(to_digits(right, 4))
    assert "3 significant digits are enough" in ex.statement


@pytest.mark.parametrize(
    "ex", [e for e in MATRIX if "f" in e.problem and e.kind != "difference"], ids=lambda e: e.id
)
def test_right_answer_typed_as_formulas_is_accepted(ex):
    v = symbols(ex.problem["variables"])
    f = exprs(ex.problem["f"], v)
    M = {
        "derivative": lambda: f.diff(v[0]),
        "hessian": lambda: sp.hessian(f[0], v),
        "partial": lambda: sp.Matrix([[f[0].diff(symbols(ex.problem["wrt"])[0])]]),
        "directional": lambda: f.jacobian(v) * sp.Matrix(ex.problem["d"]),
    }.get(ex.kind, lambda: f.jacobian(v))()
    typed = [[str(e) for e in row] for row in M.tolist()]
    fb = ex.check(typed)
    assert fb and fb.kind == "correct", (typed, fb)


# ---- declared mistakes -------------------------------------------------------------------------
MISTAKES = [(e, m) for e in EXERCISES for m in e.mistakes]


@pytest.mark.parametrize("ex, m", MISTAKES, ids=[f"{e.id}-{m.name}" for e, m in MISTAKES])
def test_each_mistake_is_far_from_the_truth_and_named(ex, m):
    mistaken, truth = independent_mistake(ex, m), independent_answer(ex)
    if ex.kind == "shape":
        assert mistaken != truth
    elif ex.kind == "code":
        assert relative_gap(mistaken, ex.truth()) > 0.01
    else:
        assert relative_gap(mistaken, truth) > 0.01, (mistaken, truth)
    fb = ex.check(resolve(m.function) if m.function else learner(mistaken))
    assert not fb and fb.kind == m.kind, (m.name, fb)
    if m.message:
        assert fb.message.endswith(m.message)
    if ex.kind in exercises.MATRIX_KINDS:  # worked out by hand and rounded, still named
        assert ex.check(to_digits(mistaken, 3)).kind == m.kind


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_typical_wrong_answers_get_their_diagnosis(ex):
    for answer, kind in ex.examples_wrong:
        if ex.kind == "code" and isinstance(answer, str) and answer.startswith("gradlib."):
            answer = resolve(answer)
        fb = ex.check(answer)
        assert not fb and fb.kind == kind, (answer, fb)


@pytest.mark.parametrize("ex", [e for e in EXERCISES if e.lesson >= 1], ids=lambda e: e.id)
def test_every_lesson_declares_its_mistakes(ex):
    needed = 2 if ex.kind in exercises.MATRIX_KINDS + ("code",) else 0
    assert len(ex.mistakes) >= needed
    assert len(ex.mistakes) + len(ex.examples_wrong) >= 2


@pytest.mark.parametrize(
    "ex", [e for e in EXERCISES if e.kind == "chain_product"], ids=lambda e: e.id
)
def test_chain_rule_exercises_name_J_g2_taken_at_x(ex):
    """Issue 10: the chain rule's central mistake is diagnosed, not "2 of 2 entries are wrong"."""
    assert any(m.transform == "J_g2 at x" for m in ex.mistakes)
    J_g2, J_g1, J_g2_at_x = chain_factors(ex.problem)
    fb = ex.check(learner(J_g2_at_x @ J_g1))
    assert fb.kind == "wrong_point"
    assert "first compute y = g1(x), then put y into J_g2" in fb.message


# The points of issue 10 where two ways of reasoning gave the same number: now they differ.
@pytest.mark.parametrize(
    "id, wrong",
    [
        (
            "1.1",
            lambda p: independent_answer(replace(gl.exercise("1.1"), problem={**p, "wrt": "y"})),
        ),
        (
            "5.1",
            lambda p: at(sp.Matrix([[3 * sp.Symbol("x", real=True) ** 2]]), symbols("x"), p["x"]),
        ),
        ("6.4", lambda p: np.array([[2.0, 3.0]])),
        ("2.3", lambda p: np.array([[2.0, math.exp(p["x"])]]).T),
    ],
)
def test_issue_10_coincidences_are_gone(id, wrong):
    ex = gl.exercise(id)
    assert relative_gap(wrong(ex.problem), independent_answer(ex)) > 0.01
    assert not ex.check(learner(wrong(ex.problem)))


def test_1_3_direction_is_not_parallel_to_the_gradient():
    """Issue 10: at (1, 2) the gradient's length was within 0.15% of the answer."""
    ex = gl.exercise("1.3")
    length = np.linalg.norm(independent_answer(replace(ex, kind="gradient")))
    assert relative_gap([[length]], independent_answer(ex)) > 0.05


# ---- hints ---------------------------------------------------------------------------------------
def numbers_in(text):
    """The numbers a text states (not those that count: "row 2", "lesson 4", "hint 3")."""
    text = re.sub(
        r"\b(lesson|row|column|exercise|entry|output|input|hint|tier)s? \d+",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return {float(s) for s in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?", text)}


def final_numbers(ex):
    """What must never stand in a hint: the answer's numbers (those not given in the statement)."""
    if ex.kind == "shape":
        return set()
    if ex.kind == "choice":
        return set()
    truth = ex.truth()
    given = numbers_in(ex.statement)
    values = {round(float(v), 3) for v in np.ravel(truth)}
    return {
        v for v in values if abs(v) not in (0, 1, 2) and not any(abs(v - g) < 1e-9 for g in given)
    }


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_hints_come_in_tiers_and_never_give_the_answer(ex):
    assert len(ex.hints) >= 2
    for tier in ex.hints:
        shown = {round(v, 3) for v in numbers_in(tier)} | {round(-v, 3) for v in numbers_in(tier)}
        assert not final_numbers(ex) & shown, (tier, final_numbers(ex))
        if ex.kind == "shape":
            shape = ex.truth()  # (rows, columns), or (outputs, rows, columns) for lesson 8
            assert str(shape) not in tier and f"({' x '.join(map(str, shape))})" not in tier
        if ex.kind == "choice":
            answer = ex.problem["answer"]
            assert f"is {answer}" not in tier and f"p = {answer}" not in tier


def compact(text):
    return re.sub(r"\s+", "", text.replace("**", "^"))


@pytest.mark.parametrize(
    "ex", [e for e in MATRIX if "f" in e.problem and e.kind != "difference"], ids=lambda e: e.id
)
def test_only_the_last_hint_gives_the_derivative_formulas(ex):
    v = symbols(ex.problem["variables"])
    f = exprs(ex.problem["f"], v)
    D = f.diff(v[0]) if ex.kind == "derivative" else sp.Matrix([[*f.jacobian(v)]])
    stated = compact(" ".join(str(e) for e in f))  # parts of f itself may be named
    formulas = {compact(str(e)) for e in D if not e.is_number and len(str(e)) > 2} - {
        s for s in (compact(str(e)) for e in D) if s in stated
    }
    for tier in ex.hints[:-1]:
        assert not any(s in compact(tier) for s in formulas), (tier, formulas)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_statement_is_in_the_lesson_with_a_hint_cell(ex):
    lesson = sorted(NOTEBOOKS.glob(f"{ex.lesson:02d}_*.ipynb"))
    assert len(lesson) == 1, f"exercise {ex.id}: no notebook {ex.lesson:02d}_*.ipynb"
    cells = nbformat.read(lesson[0], 4).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert ex.statement in markdown
    assert any(
        c.cell_type == "code" and c.source.strip() == f'gl.exercise("{ex.id}").hint()'
        for c in cells
    ), f"exercise {ex.id} has no hint cell"


def test_each_call_of_hint_reveals_one_more_tier(monkeypatch):
    monkeypatch.setattr(exercises, "_HINTS_SHOWN", {})
    ex = gl.exercise("1.1")
    first = ex.hint()._repr_html_()
    assert first.count("<details>") == 1 and "Hint 1 of 3 for exercise 1.1" in first
    assert "run the cell again for hint 2 of 3" in first
    second = ex.hint()._repr_html_()
    assert second.count("<details>") == 2 and "Hint 2 of 3" in second
    ex.hint()
    last = ex.hint()._repr_html_()  # no tier beyond the last
    assert last.count("<details>") == 3 and "that was the last hint" in last
    assert ex.hint(tier=1)._repr_html_().count("<details>") == 1
    assert gl.exercise("1.2").hint()._repr_html_().count("<details>") == 1  # each its own count


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_no_answer_yet_is_neutral(ex):
    fb = ex.check(None)
    assert not fb and fb.kind == "no_answer" and "no answer yet" in fb.message
    html = fb._repr_html_()
    assert "your turn" in html and "not yet" not in html and "#b42318" not in html


# ---- lessons have what issue 10 asks -----------------------------------------------------------
def test_every_lesson_1_to_7_has_at_least_four_exercises():
    assert {n: len(by_lesson(n)) >= 4 for n in range(1, 8)} == {n: True for n in range(1, 8)}


def test_lessons_4_to_7_ask_for_code_and_lesson_5_tests_lesson_5():
    assert all(any(e.kind == "code" for e in by_lesson(n)) for n in (4, 5, 6, 7))
    assert {e.kind for e in by_lesson(5)} >= {"difference", "choice", "code", "hessian"}


def test_5_3_table_is_the_method_s_true_errors_and_its_order():
    p = gl.exercise("5.3").problem
    t, x = p["table"], p["table"]["x"]
    errors = [
        abs(
            difference({"f": t["f"], "variables": "x", "x": x, "h": h, "method": t["method"]})[0, 0]
            - math.exp(x)
        )
        for h in t["h"]
    ]
    for h, e in zip(t["h"], errors, strict=True):
        assert f"| {h} | {e:.2e} |" in gl.exercise("5.3").statement
    orders = [
        math.log10(a / b) / math.log10(g / k)
        for a, b, g, k in zip(errors, errors[1:], t["h"], t["h"][1:], strict=False)
    ]
    assert [round(o) for o in orders] == [int(p["answer"])] * 2


def test_5_5_best_step_minimises_the_model_and_the_measured_error():
    p = gl.exercise("5.5").problem
    eps, e = np.finfo(float).eps, math.e
    model = {o: float(o) ** 2 / 6 * e + eps * e / float(o) for o in p["options"]}
    assert min(model, key=model.get) == p["answer"]
    measured = {
        o: abs((np.exp(1 + float(o)) - np.exp(1 - float(o))) / (2 * float(o)) - e)
        for o in p["options"]
    }
    assert min(measured, key=measured.get) == p["answer"]


# Code exercises: each reference against SymPy at every input.
X1, X2, W1, W2 = symbols("x1 x2 w1 w2")
SYMPY_REFERENCES = {
    "4.5": lambda x: chain_factors({**gl.exercise("4.4").problem, "x": list(x)}),
    "5.6": lambda w: at(sp.Matrix([W1**2 * sp.sin(W2) + W2**3]).jacobian([W1, W2]), [W1, W2], w),
    "6.5": lambda z, u: np.asarray(u) * np.array([float(1 - sp.tanh(sp.Float(v)) ** 2) for v in z]),
    "7.5": lambda d2, d1: np.array((sp.Matrix(d2).T * sp.Matrix(d1).T).evalf(), dtype=float),
}


@pytest.mark.parametrize("id", sorted(SYMPY_REFERENCES))
def test_code_references_agree_with_sympy(id):
    ex = gl.exercise(id)
    reference = resolve(ex.problem["reference"])
    for args in ex.problem["inputs"]:
        want = SYMPY_REFERENCES[id](*args)
        if id == "4.5":
            want = want[0] @ want[1]
        np.testing.assert_allclose(reference(*exercises._arguments(args)), want, rtol=1e-12)


# ---- registry and kinds --------------------------------------------------------------------------
def test_exercise_lookup_and_registry():
    assert gl.exercise("1.2") is REGISTRY["1.2"]
    assert [e.id for e in by_lesson(1)] == ["1.1", "1.2", "1.3", "1.4"]
    with pytest.raises(
        gl.GradlibError,
        match=r"there is no exercise '99.9'; the exercises are "
        r"\['0.1'",
    ):
        gl.exercise("99.9")


@pytest.mark.parametrize(
    "given, kind",
    [
        ((2, 3), "correct"),
        ([2, 3], "correct"),
        ((3, 2), "transposed"),
        (6, "one_d"),
        ((6,), "one_d"),
        ((2, 3, 1), "wrong_shape"),
        ("2x3", "wrong_type"),
        ("23", "wrong_type"),
        ((2.5, 3), "wrong_type"),
        (None, "no_answer"),
        ((1, 3), "wrong_shape"),
    ],
)
def test_check_shape_diagnoses(given, kind):
    fb = check_shape(given, (2, 3))
    assert fb.kind == kind and bool(fb) == (kind == "correct")


@pytest.mark.parametrize("given", [(True, 3), (1, np.True_), [True, True]])
def test_a_truth_value_is_not_a_size(given):
    """Regression: (True, 3) got a green tick for (1, 3) (True == 1 in Python)."""
    fb = check_shape(given, (1, 3) if len(given) == 2 and given[1] == 3 else (1, 1))
    assert fb.kind == "wrong_type" and not fb
    assert "two whole numbers in parentheses" in fb.message


def test_a_shape_of_one_number_says_so():
    """Regression: (3,) got "You gave 1 numbers"."""
    assert check_shape((3,), (1, 3)).message == (
        "You gave one number, (3,); a shape here is two "
        "numbers (rows, columns): every derivative here "
        "is a 2-D matrix."
    )


def test_exercise_needs_two_wrong_examples_or_mistakes():
    with pytest.raises(gl.GradlibError, match="exercise 99.1: give at least 2 examples_wrong"):
        Exercise(
            id="99.1",
            kind="shape",
            statement="s",
            hints=("h",),
            problem={"shape": (1, 1)},
            examples_wrong=(((2, 2), "wrong_shape"),),
        )


def test_a_declared_mistake_must_be_mistake_data():
    message = r"exercise 99.1: each of mistakes is a gradlib.exercises.Mistake, got \['tuple'\]"
    with pytest.raises(gl.GradlibError, match=message):
        Exercise(
            id="99.1",
            kind="shape",
            statement="s",
            hints=("h",),
            problem={"shape": (1, 1)},
            examples_wrong=(((2, 2), "wrong_shape"), ((3, 3), "wrong_shape")),
            mistakes=(((2, 2), "gradient_shape", "m"),),
        )


def test_mistakes_are_checked_when_declared():
    with pytest.raises(gl.GradlibError, match="give exactly one of change, answer, transform"):
        Mistake("two ways", change={"wrt": "y"}, answer="2*x", kind="k", message="m")
    with pytest.raises(gl.GradlibError, match="transform 'J_g2 at y' is not one of"):
        Mistake("typo", transform="J_g2 at y")
    with pytest.raises(gl.GradlibError, match="give the feedback kind and message"):
        Mistake("silent", answer="2*x")
    assert Mistake("order", transform="J_g1 @ J_g2").kind == "wrong_order"


# ---- kind "difference" ---------------------------------------------------------------------------
def test_difference_methods_against_plain_arithmetic():
    base = {"f": "x**3", "variables": "x", "x": 2, "h": 0.5}
    cube = lambda v: v**3  # noqa: E731
    expected = {
        "forward": (cube(2.5) - cube(2)) / 0.5,
        "backward": (cube(2) - cube(1.5)) / 0.5,
        "central": (cube(2.5) - cube(1.5)) / 1.0,
        "complex": ((2 + 0.5j) ** 3).imag / 0.5,
    }
    for method, value in expected.items():
        ex = Exercise(
            id="99.5",
            kind="difference",
            statement="s",
            hints=("h", "i"),
            problem={**base, "method": method},
            examples_wrong=((1, "x"), (2, "y")),
        )
        assert ex.truth().shape == (1, 1) and ex.truth()[0, 0] == pytest.approx(value, rel=1e-14)
    with pytest.raises(gl.GradlibError, match="method='symmetric' is not one of"):
        Exercise(
            id="99.5",
            kind="difference",
            statement="s",
            hints=("h",),
            problem={**base, "method": "symmetric"},
            examples_wrong=((1, "x"), (2, "y")),
        )


# ---- kind "choice" -------------------------------------------------------------------------------
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
        (3, "not_an_option"),
        (["saddle"], "wrong_type"),
        (True, "wrong_type"),
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


@pytest.mark.parametrize("given", [2, 2.0, "2", " 2.0 ", np.int64(2)])
def test_choice_of_a_number_may_be_typed_as_a_number(given):
    ex = gl.exercise("5.3")
    assert ex.check(given)
    assert gl.exercise("5.5").check(1e-5) and gl.exercise("5.5").check("1E-05")


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


# ---- kind "code" ---------------------------------------------------------------------------------
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
    """A code exercise whose reference (a test function) is reachable under a gradlib name."""
    monkeypatch.setattr(exercises, "reference_jacobian", reference_jacobian, raising=False)
    monkeypatch.setattr(exercises, "transposed_jacobian", transposed_jacobian, raising=False)
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
    assert fb.kind == "no_result" and "returned None: end your function with return" in fb.message
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
