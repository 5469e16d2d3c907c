"""gradlib.check: feedback on learners' answers, right in every form, wrong in every usual way."""

import numpy as np
import pytest
import sympy as sp

import gradlib as gl
from gradlib import check, functions
from gradlib.errors import GradlibError

# The running exercise: f(x, y, z) = x^2 y + sin(z) at (1, 2, 0); its gradient is [[4, 1, 1]].
F = lambda v: v[0] ** 2 * v[1] + np.sin(v[2])  # noqa: E731
X = [1.0, 2.0, 0.0]
GRAD = np.array([[4.0, 1.0, 1.0]])
J = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # a Jacobian, (3, 2)
CURVE = lambda t: np.array([np.cos(t), np.sin(t)])  # noqa: E731  derivative at 0: [[0], [1]]
J_G2 = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0]])  # (2, 3)
J_G1 = np.array([[3.0, 0.0], [1.0, 1.0], [0.5, 2.0]])  # (3, 2)


def grad(a, **kw):
    return check.gradient(a, f=F, x=X, **kw)


def jac(a, **kw):
    return check.jacobian(a, J, **kw)


def curve(a, **kw):
    return check.derivative(a, f=CURVE, t=0.0, **kw)


def chain(a, **kw):
    return check.chain_product(a, J_g2=J_G2, J_g1=J_G1, **kw)


# (checker, answer, kind, phrases in the message)
WRONG = [
    (
        grad,
        GRAD.T,
        "transposed",
        ["gradient as a column", "numerator layout", "a row, shape (1, 3)", "answer.T"],
    ),
    (
        grad,
        GRAD.ravel(),
        "one_d",
        ["1-D array of shape (3,)", "np.reshape(answer, (1, 3))", "numbers themselves are right"],
    ),
    (grad, np.array([4.0, 1.0, 2.0]), "one_d", ["after reshaping: One entry is wrong: (1, 3)."]),
    (grad, 4.0, "scalar_for_row", ["one number, 4", "a row of 3 numbers", "one column per input"]),
    (
        grad,
        np.ones((2, 3)),
        "wrong_shape",
        [
            "You gave shape (2, 3); expected shape (1, 3)",
            "f: R^3 -> R has a gradient of shape (1, 3), a row",
        ],
    ),
    (grad, np.ones((1, 1, 3)), "wrong_shape", ["has 3 dimensions"]),
    (grad, [[4.0, 1.0], [1.0, 0.0]], "wrong_shape", ["expected shape (1, 3)"]),
    (grad, -GRAD, "sign", ["opposite sign in every entry"]),
    (grad, [[4.0, -1.0, 1.0]], "sign_entries", ["One entry has the wrong sign: (1, 2)"]),
    (grad, 2 * GRAD, "constant_factor", ["gradient is off by the same", "the 2 in d/dx x**2"]),
    (grad, 0.5 * GRAD, "constant_factor", ["a variable held fixed, like the y in d/dx (x**2 y)"]),
    (
        grad,
        [[1.0, 4.0, 1.0]],
        "swapped_columns",
        ["columns 1 and 2 are swapped", "with respect to input j"],
    ),
    (grad, [[4.0, 1.5, 1.0]], "wrong_entries", ["One entry is wrong: (1, 2)."]),
    (
        grad,
        [[5.0, 1.5, 1.0]],
        "wrong_columns",
        ["Column 3 is right; columns 1 and 2 are not: (1, 1) and (1, 2)."],
    ),
    (
        grad,
        [[5.0, 1.5, 0.0]],
        "wrong_entries",
        ["3 of 3 entries are wrong: (1, 1), (1, 2) and (1, 3)."],
    ),
    (
        grad,
        None,
        "no_answer",
        ["no answer yet (None)", "gradient of shape (1, 3)", "np.array([[..., ..., ...]])"],
    ),
    (grad, ..., "no_answer", ["no answer yet (Ellipsis)"]),
    (grad, {"x": 4}, "wrong_type", ["You gave {'x': 4} (a dict)", "a 2-D array or a list of rows"]),
    (grad, [[4.0, 1.0], [1.0]], "ragged", ["row 0 has 2, row 1 has 1", "same number of entries"]),
    (grad, [[4.0, 1.0, [1.0, 2.0]]], "ragged", ["different lengths"]),
    (grad, ["a", 2], "not_a_number", ["Entry (1) is the expression a, not a number"]),
    (grad, [[True, 1.0, 1.0]], "not_a_number", ["Entry (1, 1) is True, a truth value"]),
    (grad, [[4 + 1j, 1.0, 1.0]], "not_a_number", ["complex number (4+1j)"]),
    (grad, [[None, 1.0, 1.0]], "not_a_number", ["Entry (1, 1) is None, not a number"]),
    (grad, [[np.nan, 1.0, 1.0]], "non_finite", ["inf or nan at (1, 1)"]),
    (grad, [[4.0, np.inf, 1.0]], "non_finite", ["inf or nan at (1, 2)"]),
    (
        grad,
        [["2x", "1", "1"]],
        "parse_error",
        ["Entry (1, 1) is the text '2x'", "implicit multiplication"],
    ),
    (grad, [["4", "import os", "1"]], "parse_error", ["Entry (1, 2) is the text 'import os'"]),
    (
        grad,
        lambda v: 1 / 0,
        "function_error",
        ["Calling your function at [1.0, 2.0, 0.0] failed: ZeroDivisionError"],
    ),
    (
        grad,
        lambda v: np.array([[4.0, 1.0, 1.0]]),
        "wrong_elsewhere",
        ["right gradient at x = [1, 2, 0] but not at"],
    ),
    (grad, lambda v: [[2 * v[0] * v[1], v[0] ** 2]], "wrong_shape", ["You gave shape (1, 2)"]),
    (
        jac,
        J[[1, 0, 2]],
        "swapped_rows",
        ["rows 1 and 2 are swapped", "row i is the gradient of output i"],
    ),
    (
        jac,
        J[[1, 2, 0]],
        "swapped_rows",
        ["your row 1 belongs in row 2; your row 2 belongs in row 3; your row 3 belongs in row 1"],
    ),
    (
        jac,
        [[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]],
        "wrong_rows",
        ["Row 1 is right; rows 2 and 3 are not", "gradient of one output"],
    ),
    (jac, J.T, "transposed", ["transpose of the Jacobian", "denominator layout", "shape (3, 2)"]),
    (jac, 3.0, "scalar_for_matrix", ["a (3x2) matrix"]),
    (jac, J[:2], "wrong_shape", ["f: R^2 -> R^3 has a Jacobian of shape (3, 2)"]),
    (jac, J.T + 1, "wrong_shape", ["transposed shape", "values differ too"]),
    (jac, J.ravel(), "wrong_shape", ["It is 1-D; a Jacobian is 2-D"]),
    (curve, [[0.0, 1.0]], "transposed", ["derivative as a row", "a column, shape (2, 1)"]),
    (curve, 1.0, "scalar_for_column", ["a column of 2 numbers"]),
    (curve, np.array([0.0, 1.0]), "one_d", ["np.reshape(answer, (2, 1))"]),
    (
        chain,
        J_G1 @ J_G2,
        "wrong_order",
        ["wrong order: this is J_g1 @ J_g2", "outer function's Jacobian on the left"],
    ),
    (chain, J_G2, "missing_factor", ["J_g2 alone", "inner Jacobian J_g1"]),
    (chain, (J_G2 @ J_G1).T, "transposed", ["J_g1.T @ J_g2.T"]),
    (
        chain,
        np.ones((4, 4)),
        "wrong_shape",
        ["J_g2 (2x3) @ J_g1 (3x2) -> J_f (2x2)", "one column per input of g1 (2)"],
    ),
]


@pytest.mark.parametrize(
    "checker, given, kind, phrases",
    WRONG,
    ids=[f"{c[0].__name__}-{c[2]}-{k}" for k, c in enumerate(WRONG)],
)
def test_wrong_answers_are_diagnosed(checker, given, kind, phrases):
    fb = checker(given)
    assert not fb and fb.ok is False
    assert fb.kind == kind, fb.message
    for phrase in phrases:
        assert phrase in fb.message
    tag = "[your turn] " if kind == "no_answer" else "[not yet] "
    assert str(fb).startswith(tag + fb.message)


def test_table_covers_at_least_twenty_kinds():
    assert len({case[2] for case in WRONG}) >= 20


def test_chain_mistakes_need_square_factors():
    """J_g1 alone, J_g2 * J_g1 and J_g2 at x are possible answers only when the shapes allow."""
    A, B = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([[3.0, 1.0], [2.0, 0.0]])
    fb = check.chain_product(B, J_g2=A, J_g1=B)
    assert fb.kind == "missing_factor" and "J_g1 alone" in fb.message
    fb = check.chain_product(A * B, J_g2=A, J_g1=B)
    assert fb.kind == "elementwise" and "Use @" in fb.message


def test_chain_wrong_point():
    g1 = lambda x: np.array([x[0] * x[1], x[0] + x[1]])  # noqa: E731
    g2 = lambda y: np.array([np.sin(y[0]), y[0] * y[1]])  # noqa: E731
    x = np.array([1.0, 2.0])
    J_at_x = np.array([[np.cos(1.0), 0.0], [2.0, 1.0]]) @ np.array([[2.0, 1.0], [1.0, 1.0]])
    fb = check.chain_product(J_at_x, g2=g2, g1=g1, x=x)
    assert fb.kind == "wrong_point" and "belongs at y = g1(x)" in fb.message
    y = np.array([2.0, 3.0])
    right = np.array([[np.cos(y[0]), 0.0], [y[1], y[0]]]) @ np.array([[2.0, 1.0], [1.0, 1.0]])
    assert check.chain_product(right, g2=g2, g1=g1, x=x)


def test_chain_product_symbolic_and_catalogue():
    kw = dict(g2="u*v", g1=["x^2", "x*y"], variables="x y", y_variables="u v", x=[1.0, 2.0])
    assert check.chain_product([[6.0, 1.0]], **kw)  # d(x^3 y) = [3x^2 y, x^3]
    assert check.chain_product([[1.0, 2.0]], **kw).kind == "wrong_entries"
    g1, g2 = functions.get("polar_to_cartesian"), functions.get("paraboloid")
    # paraboloid(polar(r, theta)) = r^2: J_f = [[2r, 0]]
    assert check.chain_product([[4.0, 0.0]], g2=g2, g1=g1, x=[2.0, 0.3])


# ---------------------------------------------------------------------------- right answers


x_, y_, z_ = sp.symbols("x y z")


@pytest.mark.parametrize(
    "given",
    [
        GRAD,
        GRAD.tolist(),
        tuple(map(tuple, GRAD)),
        GRAD.astype(int),
        GRAD + 1e-9,
        sp.Matrix([[4, 1, 1]]),
        sp.Matrix([[2 * x_ * y_, x_**2, sp.cos(z_)]]),
        [[2 * x_ * y_, x_**2, sp.cos(z_)]],
        [["2*x*y", "x^2", "cos(z)"]],
        [["4.0", "1", "1.0"]],
        lambda v: np.array([[2 * v[0] * v[1], v[0] ** 2, np.cos(v[2])]]),
        lambda a, b, c: [[2 * a * b, a * a, np.cos(c)]],
    ],
    ids=[
        "array",
        "list",
        "tuple",
        "int",
        "tolerance",
        "Matrix",
        "Matrix-expr",
        "list-expr",
        "strings",
        "number-strings",
        "callable",
        "callable-args",
    ],
)
def test_right_answers_in_every_form(given):
    for truth in (dict(f=F), dict(f="x^2*y + sin(z)"), dict(expected=GRAD)):
        fb = check.gradient(given, x=X, variables="x y z", **truth)
        assert fb and fb.ok and fb.kind == "correct", fb.message
        assert fb.message == "Correct: this is the gradient, shape (1, 3)."
        assert str(fb) == "[correct] " + fb.message


def test_right_answers_other_truths():
    assert check.jacobian(J, sp.Matrix(J.tolist()))
    assert check.jacobian([[2.0, 4.0]], f=functions.get("paraboloid"), x=[1.0, 2.0])
    assert check.jacobian([[2 * x_, 2 * y_]], f=functions.get("paraboloid"), x=[1.0, 2.0])
    assert check.answer([[6.0]], sp.Matrix([[3 * x_**2]]), x=[2.0**0.5], variables="x")
    assert check.derivative(lambda t: [[-np.sin(t)], [np.cos(t)]], f=CURVE, t=0.0)
    # a number for a 1 x 1 derivative
    assert check.derivative(2.0, f=lambda t: t**2, t=1.0)


def test_tolerances():
    assert check.answer([[1.0 + 1e-7]], [[1.0]], rtol=1e-6)
    assert not check.answer([[1.0 + 1e-5]], [[1.0]], rtol=1e-6)
    assert check.answer([[1e-10]], [[0.0]])  # atol 1e-9 around zero
    assert not check.answer([[1e-8]], [[0.0]])
    assert check.answer([[1.01]], [[1.0]], rtol=0.02)


def test_numeric_truth_widens_atol_by_its_error():
    t = check._truth(None, F, X, None, "gradient", "f", 0.0, 0.0, False)
    # rtol = atol = 0, yet a numeric truth has an error estimate
    assert np.all(t.atol > 0)
    assert check.gradient(GRAD, f=F, x=X, rtol=0.0, atol=0.0)


# ---------------------------------------------------------------------------- what is revealed


def test_reveal_and_entry_table():
    fb = grad([[5.0, 1.0, 1.0]])
    assert fb.entries == (check.EntryError(0, 0, 5.0, None, 0.25),)
    # neither the value nor a ratio or relative error to work it back from (5 / 1.25 = 4)
    assert fb.message == "One entry is wrong: (1, 1)."
    assert str(fb).splitlines()[1:] == ["  (row, column)  given", "         (1, 1)      5"]
    fb = grad([[5.0, 1.0, 1.0]], reveal=True)
    assert "(1, 1) should be 4, not 5" in fb.message
    assert fb.entries[0].expected == pytest.approx(4.0)
    assert str(fb).splitlines()[1:] == [
        "  (row, column)  given  expected  rel. error",
        "         (1, 1)      5         4         25%",
    ]


def test_html_repr():
    fb = check.answer([[0.75, 1.25]], [[0.7071, 1.2345]])
    html = fb._repr_html_()
    assert "not yet" in html and "#b42318" in html and "<table" in html and "(1, 2)" in html
    assert "0.7071" not in html and "1.2345" not in html and "1.234" not in html
    assert "%" not in html and "times" not in html
    waiting = check.answer(None, [[1.0]])._repr_html_()
    assert "your turn" in waiting and "#57606a" in waiting
    assert "not yet" not in waiting and "#b42318" not in waiting
    ok = check.answer([[1.0]], [[1.0]])._repr_html_()
    assert "correct" in ok and "#1a7f37" in ok and "<table" not in ok
    bad = check.answer([["1 <"]], [[1.0]])
    assert "<" in bad.message and "1 <" not in bad._repr_html_() and "1 &lt;" in bad._repr_html_()


# ---------------------------------------------------------------------------- secrets

SECRET_J = np.array([[0.7071, 1.2345], [-2.375, 0.0], [3.0, 7.125]])


def test_hash_answer_stores_no_values():
    s = check.hash_answer(SECRET_J)
    assert s.shape == (3, 2) and len(s.digests) == 6 and s.digits == 6
    assert "0.7071" not in repr(s) and "1.2345" not in repr(s)
    assert eval(repr(s), {"Secret": check.Secret}) == s
    assert s.matches(SECRET_J).all()
    assert s.matches(SECRET_J * (1 + 1e-8)).all()
    assert not s.matches(SECRET_J + 1e-3)[0, 0]


def test_secret_rounding_boundary_and_digits():
    s = check.hash_answer([[0.1234565]])
    assert s.matches([[0.12345649999]]).all() and s.matches([[0.12345650001]]).all()
    s4 = check.hash_answer([[1.0 / 3.0]], digits=3)
    assert check.answer([[0.333]], s4) and not check.answer([[0.33]], s4)
    assert check.hash_answer([[1e-12]]).matches([[0.0]]).all()  # below 1e-9 counts as 0


@pytest.mark.parametrize(
    "given, kind, phrase",
    [
        (SECRET_J, "correct", "Correct"),
        (SECRET_J.T, "transposed", "denominator layout"),
        (-SECRET_J, "sign", "opposite sign"),
        (3 * SECRET_J, "constant_factor", "off by the same factor"),
        (SECRET_J[[1, 0, 2]], "swapped_rows", "rows 1 and 2 are swapped"),
        (SECRET_J[:, [1, 0]], "swapped_columns", "columns 1 and 2 are swapped"),
        (
            SECRET_J * [[1, 1], [1, -1], [1, 1]] + [[0, 0], [0, 1], [0, 0]],
            "wrong_entries",
            "One entry is wrong: (2, 2).",
        ),
        (SECRET_J * [[1, 1], [-1, 1], [1, 1]], "sign_entries", "(2, 1)"),
        (SECRET_J[:2], "wrong_shape", "expected shape (3, 2)"),
        ([[1, 2]], "wrong_shape", "expected shape (3, 2)"),
        ("nonsense(", "parse_error", "not a math expression"),
    ],
)
def test_secret_diagnoses(given, kind, phrase):
    # reveal cannot reveal a secret
    fb = check.jacobian(given, check.hash_answer(SECRET_J), reveal=True)
    assert fb.kind == kind and phrase in fb.message
    assert bool(fb) == (kind == "correct")
    html = fb._repr_html_()
    own = {f"{abs(v):.4g}" for v in np.ravel(given)} if not isinstance(given, str) else set()
    # the learner's own numbers may show
    for value in {"0.7071", "1.2345", "2.375", "7.125"} - own:
        assert value not in html and value not in str(fb)
    assert all(e.expected is None and e.rel_error is None for e in fb.entries)


def test_secret_html_shows_message_and_which_entries():
    fb = check.jacobian(SECRET_J + [[0, 0], [0, 1], [0, 0]], check.hash_answer(SECRET_J))
    html = fb._repr_html_()
    assert fb.message in html and "(2, 2)" in html
    assert "rel. error" not in html and "expected" not in html


def test_secret_errors():
    with pytest.raises(
        GradlibError,
        match=r"needs a 2-D array \(outputs x inputs\); got shape "
        r"\(3,\)",
    ):
        check.hash_answer([1.0, 2.0, 3.0])
    with pytest.raises(GradlibError, match="needs finite values"):
        check.hash_answer([[np.nan]])
    with pytest.raises(GradlibError, match=r"A Secret of shape \(1, 2\) needs 2 digests; got 1"):
        check.Secret((1, 2), ("abc",))


# ------------------------------------------------------------------------ the learner's variables


def test_expressions_need_variables_and_point():
    fb = check.gradient([["2*x*y", "x^2", "1"]], GRAD)  # no variables, no point
    assert fb.kind == "not_a_number" and "this exercise expects numbers" in fb.message
    fb = check.gradient([["2*x*q", "x^2", "1"]], f=F, x=X, variables="x y z")
    assert fb.kind == "wrong_variables"
    assert fb.message == (
        "Entry (1, 1) uses q, which is not a variable of this exercise (the variables are x, y, z)."
    )
    fb = check.gradient([["2*a*b", "x^2", "1"]], f=F, x=X, variables="x y z")
    assert "uses a, b, which are not" in fb.message
    fb = check.answer(sp.sqrt(-(x_**2) - 1), [[1.0]], x=[1.0], variables="x")
    assert fb.kind == "not_a_number" and "not a real number" in fb.message
    fb = check.answer("log(x - 1)", [[1.0]], x=[1.0], variables="x")
    assert fb.kind == "non_finite" and fb.message == (
        "Your answer has no finite value at the point (a division by zero, or the log of 0?)."
    )


def test_function_answer_without_point():
    fb = check.gradient(lambda v: v, GRAD)
    assert fb.kind == "wrong_type" and "no point to call it at" in fb.message


# ----------------------------------------------------------------------- mistakes of the exercise


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: check.gradient(GRAD), "either as expected=... .* got neither"),
        (lambda: check.gradient(GRAD, GRAD, f=F, x=X), "got both"),
        (lambda: check.gradient(GRAD, f=F), "needs the point x"),
        (
            lambda: check.gradient(GRAD, J),
            r"A gradient was asked for, but the truth has shape \(3, "
            r"2\)",
        ),
        (
            lambda: check.derivative(GRAD, GRAD),
            r"A derivative was asked for, but the truth has shape "
            r"\(1, 3\)",
        ),
        (lambda: check.answer(GRAD, [1.0, 2.0]), r"expected must be 2-D .* got shape \(2,\)"),
        (lambda: check.gradient(GRAD, f="x*y", x=[1.0, 2.0]), "pass variables="),
        (lambda: check.gradient(GRAD, f=3, x=[1.0]), "f must be a callable, a sympy expression"),
        (
            lambda: check.gradient(GRAD, f=F, x=[[1.0, 2.0]]),
            r"x has shape \(1, 2\); expected shape "
            r"\(n,\): a number or a 1-D array",
        ),
        (lambda: check.gradient(GRAD, f=F, x=["a"]), "must be numbers"),
        (lambda: check.chain_product(GRAD, J_g2=J_G2), "needs J_g2 and J_g1"),
        (
            lambda: check.chain_product(GRAD, J_g2=J_G2, J_g1=J_G2),
            r"do not fit\. J_g2 \(2x3\) @ J_g1 "
            r"\(2x3\)",
        ),
        (
            lambda: check.chain_product(GRAD, J_g2=J_G2, J_g1=J_G1, mode="numeric"),
            "only apply with g2 and g1",
        ),
    ],
)
def test_exercise_setup_errors(call, message):
    with pytest.raises(GradlibError, match=message):
        call()


# ---------------------------------------------------------------------------- regressions (review)


@pytest.mark.parametrize(
    "expected, given",
    [
        # keys 2.37123 | 2.37124: a relative nudge of 5e-6 jumps over 2.37123
        (2.3712349, 2.3712351),
        (-999.99854, -999.99846),
        (99999.949, 99999.951),
    ],
)
def test_secret_accepts_answers_next_to_a_rounding_boundary(expected, given):
    assert abs(given - expected) <= 2e-7 * abs(expected)
    fb = check.answer([[given]], check.hash_answer([[expected]]))
    assert fb.kind == "correct", fb.message


def test_secret_still_rejects_answers_off_by_a_unit_in_the_last_digit():
    assert check.hash_answer([[2.37123]]).matches([[2.37125]]).tolist() == [[False]]


def test_function_answer_elsewhere_uses_the_exercise_atol():
    # a learner's forward difference, right to ~5e-5: the exercise's atol=1e-3 accepts it at x
    # and elsewhere
    def forward_difference(v):
        return [[(np.sin(v[0] + 1e-4) - np.sin(v[0])) / 1e-4]]

    for f in ("sin(x)", lambda v: np.sin(v[0])):
        fb = check.gradient(forward_difference, f=f, x=[1.0], atol=1e-3)
        assert fb.kind == "correct", fb.message
    assert check.gradient(forward_difference, f="sin(x)", x=[1.0]).kind == "wrong_entries"


def test_sympy_array_answer():
    x, y = sp.symbols("x y")
    fb = check.gradient(sp.Array([[2 * x * y, x**2]]), f=x**2 * y, x=[1.0, 2.0], variables=[x, y])
    assert fb.kind == "correct", fb.message
    fb = check.gradient(sp.Array([2 * x * y, x**2]), f=x**2 * y, x=[1.0, 2.0], variables=[x, y])
    assert fb.kind == "one_d" and "the numbers themselves are right" in fb.message


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: check.gradient(GRAD, expected=[["2*x", "1"]]),
            r"expected must be a 2-D array of "
            r"numbers.*'2\*x'",
        ),
        (
            lambda: check.gradient(GRAD, expected=[[1.0, 2.0], [3.0]]),
            "could not read .* as numbers",
        ),
        (
            lambda: check.gradient(GRAD, expected=[[np.nan, 1.0]]),
            r"The truth has inf or nan entries "
            r"\(\[\[nan, 1.0\]\]\)",
        ),
        (
            lambda: check.gradient(GRAD, f=functions.get("paraboloid"), x=[np.nan, 1.0]),
            r"The point x must be finite; got \[nan, 1.0\]",
        ),
    ],
)
def test_exercise_setup_errors_are_gradlib_errors(call, message):
    with pytest.raises(GradlibError, match=message):
        call()


def test_formula_strings_in_a_list_truth_are_parsed_not_evaluated():
    assert gl.check.jacobian([[2, 1]], f=["x**2 + y"], x=[1.0, 3.0], variables="x y")
    with pytest.raises(gl.ParseError, match="__import__"):
        gl.check.jacobian([[1]], f=["__import__('os').getcwd()"], x=[1.0], variables="x")


# ------------------------------------------------------------------ issue 10: digits, mistakes


@pytest.mark.parametrize(
    "given, truth, kind",
    [
        (2.72, np.e, "correct"),
        (2.718, np.e, "correct"),
        (0.54, np.cos(1), "correct"),
        (0.540, np.cos(1), "correct"),
        (2.71, np.e, "close"),
        (2.7, np.e, "close"),
        (2.6, np.e, "wrong_entries"),
        (0.541, np.cos(1), "close"),
        (1000.4, 1000.0, "correct"),
        (1006, 1000.0, "close"),
        (-2.72, np.e, "sign"),
    ],
)
def test_three_significant_digits_are_accepted(given, truth, kind):
    fb = check.answer(given, [[truth]], digits=3)
    assert fb.kind == kind and bool(fb) == (kind == "correct"), fb


def test_close_names_the_digit_that_is_off_without_the_answer():
    fb = check.jacobian([[0.0, -2.0], [1.01, 0.0004]], [[6e-17, -2.0], [1.0, 1.2e-16]], digits=3)
    assert fb.kind == "close" and fb.message.startswith(
        "Close, but not right to 3 significant digits: (2, 1) agrees to 2 digits and its 3rd "
        "significant digit is off."
    )
    assert "1.0" not in fb.message.replace("1.01", "")
    # an entry that is 0 takes the unit of the matrix's largest entry: 0.0004 next to 2 is 0
    assert check.jacobian([[0.0, -2.0], [1.0, 0.0004]], [[6e-17, -2.0], [1.0, 1.2e-16]], digits=3)


def test_digits_also_hold_for_a_function_answer_elsewhere():
    fb = check.gradient(
        lambda v: [[2 * v[0] * v[1] * 1.001, v[0] ** 2]],
        f="x**2*y",
        x=[1.0, 2.0],
        variables="x y",
        digits=3,
    )
    assert fb.kind == "correct"
    fb = check.gradient(
        lambda v: [[2 * v[0] * v[1] * 1.01, v[0] ** 2]],
        f="x**2*y",
        x=[1.0, 2.0],
        variables="x y",
        digits=3,
    )
    assert fb.kind == "close"


def test_declared_mistakes_are_named_first():
    mistakes = [("wrong_variable", "That is df/dy.", [[7.0]])]
    fb = check.answer(7.004, [[12.0]], digits=3, alternatives=mistakes)
    assert fb.kind == "wrong_variable" and fb.message == "That is df/dy."
    assert check.answer(12.0, [[12.0]], digits=3, alternatives=mistakes)


def test_wrong_entries_read_as_one_list_where_the_truth_is_zero():
    """Regression: '(0, 0), (1, 0) is off by 100%, ...' mixed positions with percentages."""
    fb = check.jacobian([[0, 0], [0, 0], [0, 0]], [[2.0, 0.0], [1.0, 2.0], [1.0, 0.0]])
    assert fb.message == "4 of 6 entries are wrong: (1, 1), (2, 1), (2, 2) and (3, 1)."


def test_constant_factor_does_not_give_the_factor():
    """Regression: 'Your answer is 0.5 times the matrix' let the learner double it."""
    fb = check.jacobian(0.5 * J, J)
    assert fb.kind == "constant_factor" and "0.5" not in fb.message and "times" not in fb.message


def test_chain_product_names_J_g2_taken_at_x_from_the_exercise():
    J_g2, J_g1 = np.array([[2.0, 1.0]]), np.array([[2.0, 1.0], [1.0, 1.0]])
    at_x = np.array([[4.0, 1.0]])
    fb = check.chain_product(at_x @ J_g1, J_g2=J_g2, J_g1=J_g1, J_g2_at_x=at_x, digits=3)
    assert fb.kind == "wrong_point"
    assert "first compute y = g1(x), then put y into J_g2" in fb.message
    assert check.chain_product(J_g2 @ J_g1 * 1.001, J_g2=J_g2, J_g1=J_g1, J_g2_at_x=at_x, digits=3)


@pytest.mark.parametrize(
    "text, unfinished",
    [
        ("[[8, 5", " (and 2 '[' are never closed)"),
        ("[[8, 5]", " (and 1 '[' is never closed)"),
        ("[[8, 5]]", ""),
    ],
)
def test_a_matrix_typed_as_text_gets_a_way_out(text, unfinished):
    """Regression: '[[8, 5' gave a parser message about square brackets in formulas."""
    fb = check.jacobian(text, [[1.0, 2.0], [3.0, 4.0]])
    assert fb.kind == "parse_error" and fb.message == (
        f"Your answer is the text {text!r}: a matrix typed inside quotes{unfinished}. Write the "
        "matrix without quotes, as a list of rows, for example np.array([[..., ...], [..., ...]]); "
        "only a single entry may be a formula in quotes, such as [['2*x', '1']]."
    )


def test_check_and_numeric_each_name_their_own_description():
    """Issue 9: one name per meaning. check describes a learner's answer by its short repr,
    gradlib.numeric what f returned by its type and shape; both helpers were called _describe."""
    from gradlib import numeric

    assert not hasattr(check, "_describe") and not hasattr(numeric, "_describe")
    assert check._short_repr([1, 2]) == "[1, 2] (a list)"
    assert numeric._type_and_shape([1, 2]) == "a list of shape (2,)"
    # the messages they go into read as before
    fb = check.gradient(None, f="x**2 + y", x=[1.0, 2.0], variables="x y")
    assert not fb and "There is no answer yet (None)." in fb.message
    with pytest.raises(gl.ShapeError, match=r"^f returned None \(does f forget to return\?\) with"):
        gl.jacobian(lambda x: None, [1.0])
