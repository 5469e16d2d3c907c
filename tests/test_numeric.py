"""gradlib.numeric: values against closed forms, shapes, evaluation counts and every error path."""

import warnings

import numpy as np
import pytest
import sympy

import gradlib as gl
from gradlib import (
    FunctionError,
    GradlibError,
    NonFiniteError,
    NotAnalyticError,
    OneSidedWarning,
    PrecisionWarning,
    ShapeError,
    VectorizationError,
)

EPS = np.finfo(float).eps
# method -> relative tolerance against the closed form on smooth functions
TOL = {"forward": 1e-6, "central": 1e-9, "richardson": 1e-11, "complex": 1e-15, "auto": 1e-15}


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)


class Counted:
    def __init__(self, f):
        self.f, self.calls, self.points = f, 0, 0

    def __call__(self, x):
        self.calls += 1
        self.points += 1 if np.ndim(x) == 1 else np.shape(x)[1]
        return self.f(x)


def poly_f(m):
    """R^n -> R^m (m = 0: a scalar), with its exact Jacobian."""

    def f(x):
        rows = [np.sin(x[0]) * np.exp(x[-1]), x.sum() ** 2, np.tanh(x[0] * x[-1]), np.cos(x).prod()]
        return rows[0] if m == 0 else np.array(rows[:m])

    def J(x):
        n = x.size
        r0 = np.zeros(n)
        r0[0] += np.cos(x[0]) * np.exp(x[-1])
        r0[-1] += np.sin(x[0]) * np.exp(x[-1])
        r2 = np.zeros(n)
        s = 1 - np.tanh(x[0] * x[-1]) ** 2
        r2[0] += s * x[-1]
        r2[-1] += s * x[0]
        r3 = np.array([-np.sin(x[k]) * np.prod(np.cos(np.delete(x, k))) for k in range(n)])
        rows = [r0, 2 * x.sum() * np.ones(n), r2, r3]
        return np.array(rows[: max(m, 1)])

    return f, J


@pytest.mark.parametrize("method", list(TOL))
@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("m", [0, 1, 2, 4])
def test_jacobian_matches_closed_form(method, n, m):
    f, J_exact = poly_f(m)
    x = np.linspace(0.3, 1.1, n)
    J = gl.jacobian(f, x, method=method)
    assert J.shape == (max(m, 1), n)
    np.testing.assert_allclose(J, J_exact(x), rtol=0, atol=TOL[method] * np.abs(J_exact(x)).max())


@pytest.mark.parametrize("method", list(TOL))
def test_gradient_derivative_shapes_and_values(method):
    g = gl.gradient(lambda v: v[0] ** 2 * v[1], [1.5, 2.0], method=method)
    assert g.shape == (1, 2)
    np.testing.assert_allclose(g, [[6.0, 2.25]], rtol=TOL[method])
    d = gl.derivative(lambda t: np.array([np.cos(t), np.sin(t), t**3]), 0.5, method=method)
    assert d.shape == (3, 1)
    np.testing.assert_allclose(
        d, [[-np.sin(0.5)], [np.cos(0.5)], [0.75]], rtol=TOL[method], atol=1e-15
    )
    assert gl.derivative(np.exp, np.array([1.0]), method=method).shape == (1, 1)


def test_list_output_and_integer_x():
    np.testing.assert_array_equal(
        gl.jacobian(lambda v: [v[0] * v[1], v[1]], [2, 3]).round(12), [[3.0, 2.0], [0.0, 1.0]]
    )


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex", "auto"])
@pytest.mark.parametrize("x0", [1e-6, 1.0, 1e10, 1e20])
def test_relative_steps_log(method, x0):
    x = x0 * np.array([1.0, 3.0])
    J = gl.jacobian(np.log, x, method=method)
    tol = {"forward": 1e-6, "central": 1e-9}.get(method, 1e-10)
    np.testing.assert_allclose(np.diag(J), 1 / x, rtol=tol)
    assert J[0, 1] == 0 and J[1, 0] == 0  # f_i does not move with x_j: exactly 0


def test_auto_picks_complex_for_analytic_f():
    f = Counted(lambda x: np.array([np.exp(x[0]) * np.sin(x[1]), x[0] / x[2]]))
    x = np.array([0.3, 1.2, 2.0])
    J, info = gl.jacobian(f, x, full_output=True)
    assert info.method == "auto->complex" and info.note == ""
    # n complex points, f(x), 2 real check points
    assert info.nfev == f.points == 3 + 3 <= 4 * 3 + 1
    np.testing.assert_allclose(
        J,
        [[np.exp(0.3) * np.sin(1.2), np.exp(0.3) * np.cos(1.2), 0], [0.5, 0, -0.075]],
        rtol=1e-15,
        atol=1e-16,
    )


@pytest.mark.parametrize(
    "f, why",
    [
        (lambda x: np.abs(x), "real values for complex input"),
        (lambda x: np.abs(x) * x, "not complex-analytic"),
        (lambda x: np.conj(x) * x[0], "not complex-analytic"),
        # float() drops the imaginary part
        (lambda x: x * max(float(x[0]), 0.5), "not complex-analytic"),
        (lambda x: x.real**2, "real values for complex input"),
        (lambda x: x * np.floor(x[0]), "TypeError"),  # np.floor refuses complex input
    ],
)
def test_auto_rejects_non_analytic_f(f, why):
    x = np.array([1.3, -0.7])
    J, info = gl.jacobian(f, x, full_output=True)
    assert info.method == "auto->richardson" and why in info.note
    np.testing.assert_allclose(J, gl.jacobian(f, x, method="central"), rtol=1e-8, atol=1e-9)
    with pytest.raises(NotAnalyticError, match=f"method='complex' cannot.*{why}.*method='central'"):
        gl.jacobian(f, x, method="complex")


def test_max_and_comparisons_stay_exact_with_complex_step():
    # numpy orders complex numbers by their real part first, so max/where keep the imaginary part
    f = lambda x: np.where(x > 0, x, 0.0) * np.max(x)
    J, info = gl.jacobian(f, [2.0, -1.0], full_output=True)
    assert info.method == "auto->complex"
    np.testing.assert_allclose(J, [[4.0, 0.0], [0.0, 0.0]], atol=1e-15)


def test_not_analytic_error_is_chained_to_type_error():
    with pytest.raises(NotAnalyticError, match="TypeError") as e:
        gl.jacobian(lambda x: x * np.floor(x[0]), [1.5], method="complex")
    assert isinstance(e.value.__cause__.__cause__, TypeError)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_evaluation_counts(n):
    x = np.linspace(0.5, 1.5, n)
    counts = {}
    for method in ["forward", "central", "richardson", "complex", "auto"]:
        f = Counted(np.sin)
        gl.jacobian(f, x, method=method)
        counts[method], f.points = f.points, 0
        assert gl.jacobian(f, x, method=method, full_output=True)[1].nfev == f.points
    assert counts == {
        "forward": n + 1,
        "central": 2 * n + 1,
        "richardson": 4 * n + 1,
        "complex": n + 3,
        "auto": n + 3,
    }
    assert counts["auto"] <= 4 * n + 1


def test_vectorized_is_called_once_and_agrees():
    A = np.random.default_rng(1).standard_normal((4, 6))
    f = Counted(lambda x: np.tanh(np.tensordot(A, x, axes=1)))
    x = np.linspace(-1, 1, 6)
    exact = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    for method in TOL:
        f.calls = 0
        J = gl.jacobian(f, x, method=method, vectorized=True)
        np.testing.assert_allclose(J, exact, atol=TOL[method] * np.abs(exact).max())
        # f(x), one batch, 2 or 3 single calls checking the batch (+ 2 for the analyticity check)
        assert f.calls - (2 if method in ("complex", "auto") else 0) in (4, 5)


def test_vectorized_scalar_f_may_return_shape_N():
    g = gl.gradient(lambda x: np.sum(x**2, axis=0), [1.0, 2.0], vectorized=True)
    np.testing.assert_allclose(g, [[2.0, 4.0]], rtol=1e-15)


@pytest.mark.parametrize(
    "f, match",
    [
        (
            lambda x: np.sum(x**2),
            r"returned an ndarray of shape \(\) for a.*batch of \d+ points.*expected shape \(1, "
            r"\d+\).*axis=0",
        ),
        (lambda x: x - x.mean(), "batched call gives .* single call .*mixes the points"),
        (
            lambda x: x @ x,
            r"batch of shape \(3, \d+\).*raised ValueError|returned an ndarray of shape \(3, 3\)",
        ),
    ],
)
@pytest.mark.parametrize("method", ["central", "auto"])
def test_vectorized_mistakes_raise(f, match, method):
    with pytest.raises(VectorizationError, match=match):
        gl.jacobian(f, [1.0, 2.0, 4.0], method=method, vectorized=True)


def test_full_output_fields():
    J, info = gl.jacobian(np.sin, [0.75, 1.0], method="central", full_output=True)
    assert isinstance(info, gl.numeric.DiffInfo)
    assert info.error.shape == J.shape == (2, 2) and info.step.shape == (2,)
    # the estimate adds the stencil at 2h
    assert info.method == "central" and info.nfev == 1 + 4 * 2
    ratio = info.step / (EPS ** (1 / 3) * np.array([0.75, 1.0]))  # powers of two near eps^(1/3) |x|
    assert np.all(np.log2(info.step) % 1 == 0) and np.all((ratio > 0.7) & (ratio < 1.42))
    assert "DiffInfo(method='central', nfev=9" in repr(info) and "error=<2x2, max" in repr(info)
    with pytest.raises(AttributeError):
        info.nfev = 3  # frozen


def test_step_override_is_absolute():
    J, info = gl.jacobian(np.exp, [1.0, 2.0], method="forward", step=[1e-3, 1e-4], full_output=True)
    # (x + h) - x: exact in floating point
    np.testing.assert_allclose(info.step, [1e-3, 1e-4], rtol=1e-11)
    assert np.all((np.array([1.0, 2.0]) + info.step) - [1.0, 2.0] == info.step)
    np.testing.assert_allclose(
        np.diag(J), np.exp([1.0, 2.0]) * (1 + np.array([1e-3, 1e-4]) / 2), rtol=1e-6
    )


def test_error_estimate_is_honest_and_sharp():
    """Rule (bench/README.md): honest if true <= est; sharp if
    est <= 100 max(true, eps|J|, eps|f_i|/h_j)."""
    fs = [
        (
            lambda x: np.array([np.sin(x[0] * x[1]), np.exp(x[1]) / (1 + x[0] ** 2)]),
            lambda x: np.array(
                [
                    [x[1] * np.cos(x[0] * x[1]), x[0] * np.cos(x[0] * x[1])],
                    [
                        -2 * x[0] * np.exp(x[1]) / (1 + x[0] ** 2) ** 2,
                        np.exp(x[1]) / (1 + x[0] ** 2),
                    ],
                ]
            ),
        ),
        (
            lambda x: np.array([np.log(x[0]) * x[1] ** 3, np.tanh(x[1] - x[0])]),
            lambda x: np.array(
                [
                    [x[1] ** 3 / x[0], 3 * np.log(x[0]) * x[1] ** 2],
                    [-(1 - np.tanh(x[1] - x[0]) ** 2), 1 - np.tanh(x[1] - x[0]) ** 2],
                ]
            ),
        ),
    ]
    points = np.random.default_rng(2).uniform(0.5, 2.0, (25, 2))
    for method in ["forward", "central", "richardson", "auto"]:
        honest, sharp = [], []
        for f, Jf in fs:
            for x in points:
                J, info = gl.jacobian(f, x, method=method, full_output=True)
                true, exact = np.abs(J - Jf(x)), np.abs(Jf(x))
                res = (
                    0 * J
                    if info.method.endswith("complex")
                    else EPS * np.abs(f(x))[:, None] / info.step
                )
                # the float64 closed form itself is off by a few ulps: that much
                # true error is not measurable
                true = np.where(true <= 4 * EPS * exact, 0, true)
                honest.append(true <= info.error)
                sharp.append(info.error <= 100 * np.maximum.reduce([true, EPS * exact, res]))
        assert np.mean(honest) >= 0.99, method
        assert np.mean(sharp) >= 0.99, method


def test_hessian_symmetric_accurate_and_cheap():
    f = Counted(lambda x: x[0] ** 2 * np.sin(x[1]) + np.exp(x[2] * x[0]))
    x = np.array([0.5, 1.2, -0.7])
    a, b, c = x
    e = np.exp(a * c)
    exact = np.array(
        [
            [2 * np.sin(b) + c * c * e, 2 * a * np.cos(b), e * (1 + a * c)],
            [2 * a * np.cos(b), -a * a * np.sin(b), 0.0],
            [e * (1 + a * c), 0.0, a * a * e],
        ]
    )
    for method, tol in [("central", 1e-7), ("complex", 1e-10), ("auto", 1e-10)]:
        f.points = 0
        H, info = gl.hessian(f, x, method=method, full_output=True)
        Hs = gl.hessian(f, x, method=method)
        assert H.shape == (3, 3) and np.array_equal(Hs, Hs.T)
        np.testing.assert_allclose(H, exact, atol=tol * np.abs(exact).max())
        assert np.all(np.abs(H - exact) <= info.error)
    # the scheme, plus its diagonal at 2h (2n) to check the steps (issue 14)
    for method, count in [
        ("central", 2 * 9 + 1 + 6),
        ("complex", 9 + 3 + 3 + 6),
        ("auto", 9 + 3 + 3 + 6),
    ]:
        f.points = 0
        gl.hessian(f, x, method=method)
        assert f.points == count <= 2 * 3**2 + 2 * 3 + 1


def test_hessian_one_input_and_non_analytic():
    H, info = gl.hessian(lambda x: x[0] ** 3, [2.0], full_output=True)
    assert H.shape == (1, 1) and info.method == "auto->complex"  # n = 1 too (issue 14)
    np.testing.assert_allclose(H, [[12.0]], rtol=1e-10)
    H, info = gl.hessian(lambda x: np.abs(x[0]) * x[1] ** 2, [1.5, 2.0], full_output=True)
    assert info.method == "auto->central" and "complex step rejected" in info.note
    np.testing.assert_allclose(H, [[0, 4], [4, 3]], atol=1e-6)


def test_jvp_vjp():
    f = lambda x: np.array([x[0] * x[1], np.sin(x[1]), x[0] ** 2])
    x, v, u = np.array([2.0, 3.0]), np.array([1.0, -1.0]), np.array([1.0, 2.0, 3.0])
    J = np.array([[3.0, 2.0], [0.0, np.cos(3.0)], [4.0, 0.0]])
    jv = gl.jvp(f, x, v)
    assert jv.shape == (3, 1)
    np.testing.assert_allclose(jv, J @ v[:, None], rtol=1e-15)
    np.testing.assert_allclose(
        gl.jvp(f, x, v[:, None], method="central"), J @ v[:, None], rtol=1e-9
    )
    np.testing.assert_allclose(
        gl.jvp(f, 1e20 * x, v, method="richardson"), [[1e20], [0], [4e20]], rtol=1e-10, atol=1e-6
    )
    uj = gl.vjp(f, x, u)
    assert uj.shape == (1, 3 - 1)
    np.testing.assert_allclose(uj, u[None, :] @ J, rtol=1e-15)
    np.testing.assert_allclose(gl.vjp(f, x, u[:, None]), u[None, :] @ J, rtol=1e-15)
    f_c = Counted(f)
    assert gl.jvp(f_c, x, v, full_output=True)[1].nfev == f_c.points == 4  # not n: one direction


# ------------------------------------------------------------------ errors, each with its message
@pytest.mark.parametrize(
    "out, match",
    [
        (
            lambda x: np.array([[x[0]], [x[1]]]),
            r"shape \(2, 1\); expected a scalar or shape \(m,\).*np\.ravel",
        ),
        (
            lambda x: [[x[0]], [x[1]]],
            r"a list of shape \(2, 1\); expected a scalar or shape \(m,\)",
        ),
        (lambda x: [x[0], [x[1], 1.0]], r"ragged list.*np\.array"),
        (lambda x: "abc", r"a str .*expected a scalar or shape \(m,\) of numbers"),
        (lambda x: None, r"None \(does f forget to return\?\)"),
        (lambda x: np.zeros(0), r"shape \(0,\).*m >= 1"),
    ],
)
def test_bad_outputs(out, match):
    with pytest.raises(ShapeError, match=match):
        gl.jacobian(out, [1.0, 2.0])


def test_output_shape_must_not_change():
    with pytest.raises(ShapeError, match=r"at the base point; f must return the same shape"):
        gl.jacobian(lambda x: np.ones(2) if x[0] == 1 else np.ones(3), [1.0], method="central")


def test_gradient_needs_scalar_f():
    with pytest.raises(
        ShapeError, match=r"gradient needs a scalar-valued f; f returned shape \(3,\).*gl.jacobian"
    ):
        gl.gradient(lambda x: x**2, [1.0, 2.0, 3.0])


def test_hessian_needs_scalar_f_and_known_method():
    with pytest.raises(
        ShapeError, match=r"hessian needs a scalar-valued f; f returned shape \(2,\)"
    ):
        gl.hessian(lambda x: x, [1.0, 2.0])
    with pytest.raises(
        GradlibError, match=r"method='richardson' is not one of 'auto', 'central', 'complex'"
    ):
        gl.hessian(lambda x: x[0], [1.0], method="richardson")


def test_derivative_needs_scalar_t():
    with pytest.raises(
        ShapeError, match=r"derivative needs a scalar t; got shape \(2,\).*gl.jacobian"
    ):
        gl.derivative(np.sin, [1.0, 2.0])


@pytest.mark.parametrize(
    "x, err, match",
    [
        ([[1.0, 2.0], [3.0]], ShapeError, r"x is a ragged list: its rows have lengths \[2, 1\]"),
        (
            np.array([np.ones(2), 1.0], dtype=object),
            ShapeError,
            r"x is a ragged ndarray: its rows have "
            r"lengths \[2, -\] \('-' a number\); expected an array of numbers, every row the same "
            r"length",
        ),
        (np.array([[1.0, {}]], dtype=object), GradlibError, r"x has entries that are not numbers"),
        (1.0, ShapeError, r"x has shape \(\); expected shape \(n,\).*pass \[x\].*gl.derivative"),
        ([], ShapeError, r"x is empty"),
        ([1 + 1j, 2.0], GradlibError, r"x is complex.*x.real and x.imag"),
        (["a", "b"], GradlibError, r"x has dtype <U1; expected real numbers"),
        ([1.0, np.nan], NonFiniteError, r"x is not finite"),
    ],
)
def test_bad_x(x, err, match):
    with pytest.raises(err, match=match):
        gl.jacobian(np.sin, x)


def test_float32_x_warns_and_still_works():
    with pytest.warns(PrecisionWarning, match="float32.*Pass x as float64"):
        J = gl.jacobian(np.sin, np.array([1.0, 2.0], dtype=np.float32))
    np.testing.assert_allclose(np.diag(J), np.cos(np.float32([1.0, 2.0]).astype(float)), rtol=1e-15)


def test_float32_output_warns():
    with pytest.warns(PrecisionWarning, match="f returns float32 values"):
        J = gl.jacobian(lambda x: np.sin(x).astype(np.float32), [1.0, 2.0], method="central")
    np.testing.assert_allclose(np.diag(J), np.cos([1.0, 2.0]), rtol=1e-3)


def test_complex_output_at_real_x():
    with pytest.raises(GradlibError, match="complex values at the real point.*f.real and f.imag"):
        gl.jacobian(lambda x: np.exp(1j * x), [1.0], method="central")


def test_non_finite_at_base_point():
    with pytest.raises(NonFiniteError, match=r"f\(x\) itself is not finite: output 1 is -inf"):
        gl.jacobian(lambda x: np.array([x[0], np.log(x[1])]), [1.0, 0.0])


@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
def test_one_sided_near_domain_edge(method):
    f = lambda x: np.array([np.sqrt(1.0 - x[0]) * x[1], x[1] ** 2])
    with pytest.warns(
        OneSidedWarning, match=r"not finite at x\[0\] \+ .*input 0 uses a one-sided difference"
    ):
        J = gl.jacobian(f, [0.999, 2.0], method=method, step=[2e-3, 1e-4])
    assert J.shape == (2, 2) and np.isfinite(J).all()
    # steep: a rough, finite slope
    np.testing.assert_allclose(J[:, 0], [-2 / (2 * np.sqrt(1e-3)), 0.0], rtol=0.5)


def test_one_sided_value():
    with pytest.warns(OneSidedWarning, match=r"x\[0\] - "):
        J = gl.jacobian(lambda x: np.sqrt(x), [0.0], method="richardson")
    # the derivative blows up at 0: a finite, one-sided, large slope (with a warning)
    assert J[0, 0] > 10
    with pytest.warns(OneSidedWarning):
        J = gl.jacobian(lambda x: np.log(x), [1e-3], method="central", step=2e-3)
    # 2nd order, but the step is as large as x itself
    np.testing.assert_allclose(J, [[1e3]], rtol=0.5)


def test_non_finite_on_both_sides():
    with pytest.raises(
        NonFiniteError, match=r"not finite on either side of x along input 0: output 0 is nan"
    ):
        gl.jacobian(lambda x: np.sqrt(x[0] - 1) + np.sqrt(1 - x[0]), [1.0], method="central")


def test_function_error_is_chained():
    with pytest.raises(
        FunctionError, match=r"calling f at x=\[0\.\] raised ZeroDivisionError: float division"
    ) as e:
        gl.jacobian(lambda x: 1 / float(x[0]), [0.0])
    assert isinstance(e.value.__cause__, ZeroDivisionError)


@pytest.mark.parametrize(
    "kw, err, match",
    [
        ({"method": "bogus"}, GradlibError, r"method='bogus' is not one of 'auto', 'forward'"),
        (
            {"step": [1e-3, 1e-3, 1e-3]},
            ShapeError,
            r"step has shape \(3,\); expected a scalar or shape \(2,\)",
        ),
        ({"step": -1.0}, GradlibError, r"step must be positive and finite"),
        ({"step": 1e-30, "method": "central"}, GradlibError, r"too small to change x"),
    ],
)
def test_bad_options(kw, err, match):
    with pytest.raises(err, match=match):
        gl.jacobian(np.sin, [1.0, 2.0], **kw)


def test_bad_v_u_and_f():
    with pytest.raises(ShapeError, match=r"v has shape \(3,\); expected shape \(2,\) or \(2, 1\)"):
        gl.jvp(np.sin, [1.0, 2.0], [1.0, 1.0, 1.0])
    with pytest.raises(ShapeError, match=r"u has shape \(3,\); f has 2 outputs"):
        gl.vjp(np.sin, [1.0, 2.0], [1.0, 1.0, 1.0])
    with pytest.raises(GradlibError, match="f must be a function of x; got a list"):
        gl.jacobian([1, 2], [1.0])


def test_no_warnings_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gl.jacobian(np.log, [1e-6, 1e20], method="richardson")
        gl.hessian(lambda x: np.exp(x[0] * x[1]), [1.0, 2.0])


# ------------------------------------------------------------------ tiny x: f that does not scale
# with x_j
STENCILS = ["forward", "central", "richardson"]


@pytest.mark.parametrize("method", list(TOL))
@pytest.mark.parametrize("x0", [1e-60, 1e-300, 5e-324, -5e-324, 1e-8, 0.01])
def test_exp_at_tiny_x_is_accurate_and_honest(method, x0):
    # regression: the relative step 1e-66 at x = 1e-60 gave [[0.]], at 5e-324 a zero step and
    # [[nan]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J, info = gl.jacobian(lambda v: np.exp(v[0]), [x0], method=method, full_output=True)
        J_plain = gl.jacobian(lambda v: np.exp(v[0]), [x0], method=method)
    np.testing.assert_allclose(J, [[np.exp(x0)]], rtol=TOL[method])
    # full_output changes the estimate only, not the choice of step
    assert np.array_equal(J, J_plain)
    assert abs(J[0, 0] - np.exp(x0)) <= info.error[0, 0] < 1e3 * TOL[method]
    assert info.step[0] >= np.finfo(float).tiny  # never zero, never subnormal


@pytest.mark.parametrize("method", STENCILS)
def test_tiny_x_retry_is_counted_and_noted(method):
    f = Counted(lambda v: np.exp(v[0]))
    J, info = gl.jacobian(f, [1e-60], method=method, full_output=True)
    # points at h and 2h (+-1, 2, 4 h)
    n_stencil = {"forward": 2, "central": 4, "richardson": 6}[method]
    assert info.nfev == f.points == 1 + 2 * n_stencil  # f(x), the relative step, the retry
    h2 = 2.0 ** np.round(np.log2(EPS) / (1 + {"forward": 1, "central": 2, "richardson": 4}[method]))
    assert info.note == f"tiny x: 1 of 1 entries along x[0] = 1e-60 use the step {h2:.3g}"
    assert info.step[0] < 1e-60  # the step of the relative rule; the note names the larger one


@pytest.mark.parametrize("method", STENCILS)
def test_constant_direction_at_tiny_x_stays_exactly_zero(method):
    # column 1: f does not depend on x_1, so every difference is 0 at either step; no loop, an
    # honest 0
    f = Counted(lambda v: np.array([np.exp(v[0]), np.cos(v[0]) + 2.0]))
    J, info = gl.jacobian(f, [1e-60, 1e-40], method=method, full_output=True)
    np.testing.assert_allclose(J[:, 0], [1.0, 0.0], atol=TOL[method])
    assert np.all(J[:, 1] == 0.0)
    # rounding of f ~ 3 at step ~1
    assert np.all(info.error[:, 1] <= 1e3 * EPS * 3.0 / info.step.max() + 1e-9)
    assert info.nfev == f.points <= 3 * (1 + 2 * 8)


@pytest.mark.parametrize("method", list(TOL))
@pytest.mark.parametrize("x0", [1e-6, 1e-20, 1e-300])
def test_log_at_tiny_x_keeps_the_relative_step(method, x0):
    # log scales with x: the relative step is right, a step of 1e-8 would leave its domain or
    # its regime
    x = x0 * np.array([1.0, 3.0])
    # |log x| = 690 dwarfs its change over 1.5e-8 |x|: 5 digits
    if (method, x0) == ("forward", 1e-300):
        with pytest.warns(PrecisionWarning, match=r"J\[0, 0\] = 9\.99997e\+299 is inaccurate"):
            J, info = gl.jacobian(np.log, x, method=method, full_output=True)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            J, info = gl.jacobian(np.log, x, method=method, full_output=True)
        np.testing.assert_allclose(
            np.diag(J), 1 / x, rtol={"forward": 1e-6, "central": 1e-9}.get(method, 1e-10)
        )
    assert J[0, 1] == 0 and J[1, 0] == 0
    assert np.all(np.abs(J - np.diag(1 / x)) <= info.error)
    # only the zeros off the diagonal took the larger step, never log's entry
    assert "2 of 2" not in info.note


@pytest.mark.parametrize("method", STENCILS)
def test_mixed_column_picks_the_step_per_entry(method):
    # d/dt [log t, exp t, 3] at t = 1e-60: log needs the relative step, exp the larger one
    # (forward differences
    # of log at the larger step look plausible, 8e9, but leave the Taylor regime); the
    # constant moves at neither
    # step, and as log shows structure below the larger step along t, its 0 keeps the first
    # step's bound
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d, info = gl.derivative(
            lambda t: np.array([np.log(t), np.exp(t), 3.0 + 0 * t]),
            1e-60,
            method=method,
            full_output=True,
        )
    np.testing.assert_allclose(d, [[1e60], [1.0], [0.0]], rtol=10 * TOL[method], atol=TOL[method])
    assert "1 of 3 entries along x[0] = 1e-60" in info.note
    assert info.error[2, 0] > 1e40 and info.error[1, 0] < 1e3 * TOL[method]


def test_separable_map_at_tiny_and_huge_x():
    f = lambda v: np.array([np.log(v[0]), np.exp(v[1]), v[2] ** 3 - 2 * v[2]])
    x = np.array([1e-6, 1e-30, 1e20])
    exact = np.diag([1e6, 1.0, 3e40 - 2])
    for method in TOL:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            J, info = gl.jacobian(f, x, method=method, full_output=True)
        np.testing.assert_allclose(J, exact, rtol=10 * TOL[method], atol=TOL[method])
        assert np.all(np.abs(J - exact) <= info.error)


def test_unresolvable_entry_warns_and_its_error_says_so():
    # exp(1e4 t) at t = 1e-60: the relative step does not move f, and the step 7.6e-6 is too
    # coarse for
    # a function that changes on the scale 1e-4: flagged in info.error and by a warning, never
    # silent
    f = lambda t: np.exp(1e4 * t)
    with pytest.warns(
        PrecisionWarning,
        match=r"J\[0, 0\] = 100\d\d\.\d is inaccurate \(estimated error .*\): "
        r"x\[0\] = 1e-60 is tiny, and neither a step relative to it nor the step 7\.63e-06 "
        r"resolves.*Pass a step suited to f \(step=\.\.\.\), or use method='complex'",
    ):
        d, info = gl.derivative(f, 1e-60, method="central", full_output=True)
    assert abs(d[0, 0] - 1e4) <= info.error[0, 0] and info.error[0, 0] > 1e-5 * 1e4
    np.testing.assert_allclose(
        gl.derivative(f, 1e-60, method="central", step=1e-9), [[1e4]], rtol=1e-8
    )
    np.testing.assert_allclose(gl.derivative(f, 1e-60), [[1e4]], rtol=1e-15)  # auto: complex step


def test_complex_step_far_below_normal_numbers():
    # the imaginary step is held at 2.2e-308 where 1e-50 |x| would underflow; its truncation
    # is then measured
    J, info = gl.jacobian(lambda v: np.exp(v[0]), [5e-324], method="complex", full_output=True)
    assert J[0, 0] == 1.0 and info.step[0] == np.finfo(float).tiny and info.error[0, 0] < 1e-14
    J, info = gl.jacobian(np.log, [1e-305], method="complex", full_output=True)
    assert 1e-7 < abs(J[0, 0] * 1e-305 - 1) and abs(J[0, 0] - 1e305) <= info.error[0, 0]
    with pytest.raises(
        NotAnalyticError,
        match=r"Re f\(x \+ ih\) differs.*or x is too close to 0 for a complex "
        r"step h >= 2\.23e-308",
    ):
        gl.jacobian(np.log, [1e-307], method="complex")


@pytest.mark.parametrize("method, rtol", [("auto", 1e-9), ("complex", 1e-9), ("central", 1e-6)])
@pytest.mark.parametrize("x", [[1e-60, 1e-60], [5e-324, 0.0], [1e-200, 3.0]])
def test_hessian_at_tiny_x(method, rtol, x):
    f = Counted(lambda v: np.exp(v[0] + 2 * v[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        H, info = gl.hessian(f, x, method=method, full_output=True)
    exact = np.exp(x[0] + 2 * x[1]) * np.array([[1.0, 2.0], [2.0, 4.0]])
    assert np.array_equal(H, H.T) and info.nfev == f.points
    np.testing.assert_allclose(H, exact, rtol=rtol)
    assert np.all(np.abs(H - exact) <= info.error)
    assert info.note.startswith("tiny x: 2 of 2 entries along x[0]")


def test_hessian_keeps_relative_steps_where_f_scales():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        H = gl.hessian(lambda v: np.log(v[0]) + v[1] ** 2, [1e-6, 1.0])
    np.testing.assert_allclose(H, [[-1e12, 0.0], [0.0, 2.0]], rtol=1e-9)


# ------------------------------------------------------------------ vectorized=True, batches of
# one point
def test_vectorized_curve_with_a_batch_of_one():
    # regression: complex step along t is a batch of one point; f(t of shape (1,)) returned
    # shape (2,)
    circle = gl.functions.get("circle")
    for method in TOL:
        d = gl.derivative(circle.f, 0.3, vectorized=True, method=method)
        np.testing.assert_allclose(d, [[-np.sin(0.3)], [np.cos(0.3)]], rtol=TOL[method])


@pytest.mark.parametrize("name", list(gl.functions.CATALOGUE))
@pytest.mark.parametrize("method", list(TOL))
def test_every_catalogue_function_vectorized(name, method):
    g = gl.functions.get(name)
    if g.kind == "curve":
        call = lambda **kw: gl.derivative(g.f, g.point[0], method=method, **kw)
    else:
        call = lambda **kw: gl.jacobian(g.f, g.point, method=method, **kw)
    J = call(vectorized=True)
    assert J.shape == (g.n_out, g.n_in)
    np.testing.assert_allclose(J, call(vectorized=False), rtol=1e-12, atol=1e-14)
    exact = np.asarray(g.jacobian_exact(g.point), dtype=float)
    np.testing.assert_allclose(J, exact, atol=TOL[method] * max(1.0, np.abs(exact).max()))


def test_unknown_keyword_is_a_gradlib_error():
    with pytest.raises(
        gl.GradlibError, match=r"unexpected keyword\(s\) \['stepsize'\]; use method, step"
    ):
        gl.derivative(np.sin, 1.0, stepsize=1e-3)


# ------------------------------------------------------------------ regressions (review)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: gl.jvp(np.sin, [1.0, 2.0], ["a", "b"]),
            GradlibError,
            r"v has entries that are not numbers",
        ),
        (
            lambda: gl.jvp(np.sin, [1.0, 2.0], [np.nan, 1.0]),
            NonFiniteError,
            r"v is not finite: \[nan,  1\.\]",
        ),
        (
            lambda: gl.vjp(np.sin, [1.0, 2.0], "ab"),
            GradlibError,
            r"u has entries that are not numbers \('ab'\)",
        ),
        # was a silent nan
        (lambda: gl.vjp(np.sin, [1.0, 2.0], [np.nan, 1.0]), NonFiniteError, r"u is not finite"),
        (
            lambda: gl.jacobian(np.sin, [1.0], step="a"),
            GradlibError,
            r"step must be a positive number .* got 'a'",
        ),
    ],
)
def test_direction_weights_and_step_must_be_numbers(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------ kinks and jumps:
# NotDifferentiableWarning
# the methods whose evaluations include f(x +- h) and f(x +- 2h), as (method, full_output)
KINK_METHODS = [
    ("richardson", False),
    ("richardson", True),
    ("auto", False),
    ("auto", True),
    ("central", True),
]


def kink_call(f, x, method, full_output):
    """gl.jacobian, its NotDifferentiableWarnings and its info (None unless full_output)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = gl.jacobian(f, x, method=method, full_output=full_output)
    J, info = out if full_output else (out, None)
    return J, info, [str(w.message) for w in caught if w.category is gl.NotDifferentiableWarning]


@pytest.mark.parametrize("method, full_output", KINK_METHODS)
@pytest.mark.parametrize(
    "f, x, slopes, value",
    [
        (np.abs, [0.0], (1, -1), 0.0),
        (lambda v: np.maximum(v, 0.0), [0.0], (1, 0), 0.5),  # relu
        # kink along input 0 only
        (lambda v: np.abs(v[0] - 1.5) + np.abs(v[1]) ** 2, [1.5, 0.5], (1, -1), 0.0),
    ],
)
def test_kink_warns_and_names_the_entry(f, x, slopes, value, method, full_output):
    J, info, caught = kink_call(f, x, method, full_output)
    assert len(caught) == 1
    assert caught[0].startswith(
        f"f seems not differentiable at x = {np.array2string(np.array(x), separator=', ')} "
        "along input 0 (output 0): the one-sided slopes (f(x+h) - f(x)) / h = "
        f"{slopes[0]} and (f(x) - f(x-h)) / h = {slopes[1]} (h = "
    )
    assert (
        f"The returned J[0, 0] = {value:g} is a symmetric difference across the break" in caught[0]
    )
    assert f"(their average is {sum(slopes) / 2:g}), not a derivative." in caught[0]
    # the stencil's number is unchanged: the average of the slopes
    assert abs(J[0, 0] - value) < 1e-12
    if full_output:
        # honest: the derivative is not pinned down
        assert info.error[0, 0] >= abs(slopes[0] - slopes[1]) / 2
        # the smooth input keeps its estimate
        assert np.all(info.error[:, 1:] < 1e-8)


@pytest.mark.parametrize("method, full_output", KINK_METHODS)
def test_jump_warns_for_each_input(method, full_output):
    f = lambda v: np.array(v, dtype=int) ** 2  # a staircase: jumps at the integers
    J, info, caught = kink_call(f, [2.0, 3.0], method, full_output)
    assert len(caught) == 1
    assert (
        "at x = [2., 3.] along input 0 (output 0): the one-sided slopes (f(x+h) - f(x)) / h = 0 and"
        in caught[0]
    )
    assert "(1 more entry too)" in caught[0]
    h = kink_call(f, [2.0, 3.0], method, True)[1].step
    assert f"(f(x) - f(x-h)) / h = {3 / h[0]:.6g} (h = {h[0]:.3g})" in caught[0]
    if full_output:  # the jumps 4 - 1 and 9 - 4 over one step
        np.testing.assert_array_less(
            [3 / h[0] / 2, 5 / h[1] / 2], np.diag(info.error) * (1 + 1e-12)
        )


def test_kink_in_jvp_names_the_direction():
    with pytest.warns(
        gl.NotDifferentiableWarning,
        match=r"not differentiable at x along the direction v \(output "
        r"1\).* The returned Jv\[1\] = 0 is a symmetric difference",
    ):
        Jv = gl.jvp(
            lambda v: [v[0] ** 2, abs(v[0] - v[1])], [1.0, 1.0], [1.0, 0.0], method="richardson"
        )
    np.testing.assert_allclose(Jv, [[2.0], [0.0]], atol=1e-9)


def test_retry_at_tiny_x_never_takes_a_step_across_a_kink():
    # |x| + 1 at 1e-8 does not move with x at the relative step; the retry's step 1e-3
    # straddles the kink at 0
    # and used to give 1.2e-5. The kink test rejects that retry: the first step's 1 stays
    # (with a PrecisionWarning).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        J = gl.jacobian(lambda v: np.abs(v) + 1, [1e-8], method="richardson")
    assert [w.category for w in caught] == [PrecisionWarning]
    np.testing.assert_allclose(J, [[1.0]], rtol=1e-3)


@pytest.mark.parametrize(
    "f, x",
    [
        (lambda v: v**2, 0.0),
        (lambda v: v**3, 0.0),
        (lambda v: v**4, 0.0),
        (np.cos, 0.0),
        (np.sin, 0.0),
        (lambda v: (v - 1) ** 2, 1.0),
        (lambda v: np.abs(v) ** 1.5, 0.0),
        (np.exp, 100.0),
        (np.exp, -700.0),
        (lambda v: v**3 - 2 * v, 1e20),
        (np.log, 1e-300),
        (lambda v: np.abs(v), 1e-8),
        (lambda v: 1e18 + v, 3.0),
    ],
)
@pytest.mark.parametrize(
    "method, full_output", KINK_METHODS + [("central", False), ("forward", True)]
)
def test_smooth_at_critical_and_extreme_points_never_warns(f, x, method, full_output):
    # x^2 at 0 is what a kink looks like at one step (h |x|); only the second step 2h tells
    # them apart
    assert kink_call(f, [x], method, full_output)[2] == []


@pytest.mark.parametrize("name", list(gl.functions.CATALOGUE))
@pytest.mark.parametrize("method, full_output", KINK_METHODS)
def test_catalogue_at_default_points_never_warns(name, method, full_output):
    g = gl.functions.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = gl.jacobian(g.f, g.point, method=method, full_output=full_output)
    assert np.shape(J[0] if full_output else J) == (g.n_out, g.n_in)


def test_complex_step_accepted_at_a_triple_root():
    # J w = 0 there: the check's real difference is all truncation (t^2 f'''/6), which shrinks
    # at t/4
    J = gl.jacobian(lambda v: (v[0] + 1) ** 3 / 4, [-1.0, -1.0], method="complex")
    assert J.shape == (1, 2) and np.abs(J).max() < 1e-90
    with pytest.raises(gl.NotAnalyticError, match="not complex-analytic"):
        gl.jacobian(lambda v: np.conj(v) * v, [0.3, 0.5], method="complex")


@pytest.mark.parametrize("method", ["complex", "auto"])
def test_complex_step_accepted_where_f_and_its_gradient_are_zero(method):
    # sin((x0 + x1)^2) at x0 + x1 = 0: Re f(x + ih) = sin(-h^2) is all that moves (found by the
    # property test; it was refused as "uses the imaginary part as data")
    f = lambda v: np.sin((v[0] + v[1]) ** 2)
    J, info = gl.jacobian(f, [-1.0, 1.0], method=method, full_output=True)
    assert J.tolist() == [[0.0, 0.0]] and info.method.endswith("complex")
    # ... and beside another output: the check's real difference of this one is all rounding of
    # x0 + x1 inside f (1.4e-16), not a sign of abs or conj
    g = lambda v: np.array([np.sin(v[0] + v[1] + np.sin(v[0])), f(v)])
    J, info = gl.jacobian(g, [-1.0, 1.0], method=method, full_output=True)
    assert J[1].tolist() == [0.0, 0.0] and info.method.endswith("complex")
    np.testing.assert_allclose(J[0], np.cos(np.sin(-1.0)) * np.array([1 + np.cos(1.0), 1]))
    np.testing.assert_allclose(gl.jacobian(f, [-1.0, 1.5], method=method), [[np.cos(0.25)] * 2])


# ------------------------------------------------------------------ the stencil table, public
@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_difference_is_the_engines_quotient_at_that_step(method):
    h = 2.0**-12 if method != "complex" else 1e-20  # x + h - x == h: the engine takes this step
    D = gl.numeric.difference(np.sin, 0.7, h, method)
    assert D == gl.derivative(np.sin, 0.7, method=method, step=h)[0, 0]
    s = gl.numeric.STENCILS[method]
    assert len(s.offsets) == len(s.weights) and abs(sum(s.weights) - (method == "complex")) < 1e-15


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_stencil_truncation_is_the_leading_error_term(method):
    # exp: every derivative is e, so D(h) - e = truncation * h^order * e + O(h^(order+1))
    s = gl.numeric.STENCILS[method]
    h = np.array([2e-2, 1e-2]) if s.order < 4 else np.array([0.2, 0.1])
    ratio = (gl.numeric.difference(np.exp, 1.0, h, method) - np.e) / (h**s.order * np.e)
    np.testing.assert_allclose(ratio, s.truncation, rtol=0.02)
    assert gl.numeric.difference(np.exp, 1.0, h, method).shape == (2,)


def test_difference_refuses_an_unknown_method():
    with pytest.raises(GradlibError, match="method='backward' is not one of 'forward', 'central'"):
        gl.numeric.difference(np.exp, 1.0, 1e-3, "backward")


# ------------------------------------------------------------------ Hessian-vector products
# (issue 13)
def logistic_problem(n=10, seed=0):
    """f(x) = sum(log(1 + exp(A x))) + |x|^2 / 2 with its exact Hessian A^T diag(s(1 - s)) A + I."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3 * n, n))
    # noqa: E731
    f = lambda x: np.sum(np.log1p(np.exp(A @ x)), axis=0) + 0.5 * np.sum(x * x, axis=0)

    def H(x):
        s = 1 / (1 + np.exp(-(A @ x)))
        return A.T @ np.diag(s * (1 - s)) @ A + np.eye(n)

    return f, H, rng.standard_normal(n), rng.standard_normal(n)


@pytest.mark.parametrize(
    "method, rtol, count",
    [
        ("auto", 1e-9, lambda n: 2 * n + 7),
        ("complex", 1e-9, lambda n: 2 * n + 7),
        ("central", 1e-6, lambda n: 4 * n + 3),
    ],
)
def test_hvp_matches_the_hessian_times_v_at_2_gradients_cost(method, rtol, count):
    f, H, x, v = logistic_problem()
    fc = Counted(f)
    Hv = gl.numeric.hvp(fc, x, v, method=method)
    assert Hv.shape == (10, 1) and fc.points == count(10)  # never n^2
    exact = H(x) @ v[:, None]
    np.testing.assert_allclose(Hv, exact, rtol=0, atol=rtol * np.abs(exact).max())
    np.testing.assert_allclose(
        Hv, gl.hessian(f, x) @ v[:, None], rtol=0, atol=rtol * np.abs(exact).max()
    )
    Hv2, info = gl.numeric.hvp(f, x, v[:, None], method=method, full_output=True)
    np.testing.assert_array_equal(Hv, Hv2)
    assert info.error.shape == (10, 1) and np.all(np.abs(Hv - exact) <= info.error)
    assert info.method == {"auto": "auto->complex"}.get(method, method) and info.step.shape == (1,)


def test_hvp_matches_sympy_and_is_vectorizable():
    x0, x1, x2 = X = gl.symbolic.symbols("x0 x1 x2")
    expr = sympy.exp(x0 * x1) * sympy.sin(x2) + x0**3 * x2
    f = sympy.lambdify([X], expr, "numpy")
    point, v = np.array([0.3, -0.8, 1.1]), np.array([1.0, 0.5, -2.0])
    H = np.array(gl.symbolic.hessian(expr, X).subs(dict(zip(X, point, strict=True))), dtype=float)
    np.testing.assert_allclose(gl.numeric.hvp(f, point, v), H @ v[:, None], rtol=1e-9)
    fv = Counted(lambda x: f(x) + 0 * x[0])
    Hv = gl.numeric.hvp(fv, point, v, method="central", vectorized=True)
    np.testing.assert_allclose(Hv, H @ v[:, None], rtol=1e-6)
    # f(x); per gradient f at its point, one batch, 2 or 3 single calls checking it
    assert 1 + 2 * (1 + 1 + 2) <= fv.calls <= 1 + 2 * (1 + 1 + 3)


def test_hvp_of_a_non_analytic_f_falls_back_to_central():
    # noqa: E731  H = [[6 x0, 2 x1], [2 x1, 2|x0|]]
    f = lambda x: np.abs(x[0]) * x[1] ** 2 + x[0] ** 3
    Hv, info = gl.numeric.hvp(f, [1.5, 2.0], [1.0, 1.0], full_output=True)
    np.testing.assert_allclose(Hv, [[13.0], [7.0]], rtol=1e-7)
    assert info.method == "auto->central" and info.note.startswith(
        "complex step rejected: for output 0"
    )
    with pytest.raises(NotAnalyticError, match="method='complex' cannot differentiate this f"):
        gl.numeric.hvp(f, [1.5, 2.0], [1.0, 1.0], method="complex")


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: gl.numeric.hvp(np.sin, [1.0, 2.0], [1.0, 0.0]),
            ShapeError,
            r"hvp needs a scalar-valued f; f returned shape \(2,\)",
        ),
        (
            lambda: gl.numeric.hvp(np.sum, [1.0, 2.0], [1.0, 0.0, 1.0]),
            ShapeError,
            r"v has shape \(3,\); expected shape \(2,\) or \(2, 1\)",
        ),
        (
            lambda: gl.numeric.hvp(np.sum, [1.0, 2.0], [np.nan, 1.0]),
            NonFiniteError,
            r"v is not finite",
        ),
        (
            lambda: gl.numeric.hvp(np.sum, [1.0, 2.0], [1.0, 1.0], method="richardson"),
            GradlibError,
            r"method='richardson' is not one of 'auto', 'central', 'complex'",
        ),
        (
            lambda: gl.numeric.hvp(np.sum, np.ones((2, 2)), np.ones((2, 2))),
            ShapeError,
            r"x has shape \(2, 2\); expected shape \(n,\)",
        ),
    ],
)
def test_hvp_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
