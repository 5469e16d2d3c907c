"""Regressions of issue 14 in gradlib.numeric: no silently wrong number. Each test failed on the
code before the fix (a wrong number without a warning, or a resource bound broken)."""

import math
import tracemalloc
import warnings

import numpy as np
import pytest

import gradlib as gl
from gradlib import VectorizationError
from gradlib.errors import AccuracyWarning

METHODS = ["auto", "forward", "central", "richardson", "complex"]


# ------------------------------------------------------------------ complex step: per entry
@pytest.mark.parametrize(
    "f, x, exact",
    [
        # a small non-analytic term next to large analytic ones: complex step drops it
        (
            lambda x: 1e3 * np.sum((x - 1) ** 2) + 1e-2 * np.sum(np.abs(x)),
            [2.0, 3.0],
            [[2000.01, 4000.01]],
        ),
        (lambda x: 1e6 * x[0] + abs(x[1]), [1.0, 2.0], [[1e6, 1.0]]),
    ],
)
def test_a_small_non_analytic_term_is_not_lost(f, x, exact):
    g, info = gl.gradient(f, x, full_output=True)
    assert info.method == "auto->richardson" and "not complex-analytic" in info.note
    np.testing.assert_allclose(g, exact, rtol=1e-9)
    assert np.all(np.abs(g - exact) <= info.error)
    with pytest.raises(gl.NotAnalyticError, match="not complex-analytic"):
        gl.gradient(f, x, method="complex")


# ------------------------------------------------------------------ vectorized=True and reductions
@pytest.mark.parametrize(
    "f, x",
    [
        (lambda x: x / np.max(x), [1.0, 2.0, 4.0]),
        (lambda x: x[0] * np.max(x[1]), [1.0, 2.0]),
        (lambda x: x * x.max(), [1.0, 2.0, 4.0]),
        (lambda x: x[0] * x.flat[-1], [1.0, 2.0, 3.0]),
        (lambda x: x * x.min(), [4.0, 2.0, 1.0]),
        (lambda x: x[0] * x.flat[0], [1.0, 2.0, 3.0]),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_a_reduction_over_the_whole_batch_is_refused(f, x, method):
    with pytest.raises(
        VectorizationError,
        match=r"column \d+ of a batched call gives .* but a "
        r"single call at that point gives .*f mixes the points of a batch",
    ):
        gl.jacobian(f, x, method=method, vectorized=True)


# ------------------------------------------------------------------ f changes its argument
def grows(v):
    v[0] += 1  # a learner's f that changes its argument in place
    return v[0] ** 2 * v[1]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("vectorized", [False, True])
def test_f_gets_its_own_copy_of_each_point(method, vectorized):
    x = np.array([1.0, 1.0])
    g = gl.gradient(grows, x, method=method, vectorized=vectorized)
    np.testing.assert_allclose(g, [[4.0, 4.0]], rtol=1e-6)  # d/dv of (v0 + 1)^2 v1 at (1, 1)
    assert np.array_equal(x, [1.0, 1.0])
    np.testing.assert_allclose(gl.hessian(grows, x), [[2.0, 4.0], [4.0, 0.0]], atol=1e-6)


# ------------------------------------------------------------------ Hessians
@pytest.mark.parametrize(
    "f, x, exact",
    [  # numdifftools' 1-D examples
        (np.exp, 1.0, np.e),
        (np.sin, 0.5, -np.sin(0.5)),
        (lambda t: t**3, 2.0, 12.0),
        (np.log, 3.0, -1 / 9),
        (lambda t: 1 / t, 0.7, 2 / 0.7**3),
    ],
)
def test_one_dimensional_hessian_uses_complex_step(f, x, exact):
    H, info = gl.hessian(lambda v: f(v[0]), [x], full_output=True)
    assert info.method == "auto->complex"
    assert abs(H[0, 0] - exact) <= 1e-10 * abs(exact)  # central gave 2e-8 to 7e-8


def test_hessian_memory_is_quadratic_in_n():
    # n = 150: 45,001 points of length 150; before, all of them at once (over 200 MB)
    n = 150
    rng = np.random.default_rng(0)
    A, x = rng.standard_normal((n, n)) / n, rng.uniform(0.5, 1.5, n)

    def f(v):  # a batch of points as columns
        z = np.tensordot(A, v, axes=1)
        return np.sum(np.log1p(np.exp(z)), axis=0) + 0.5 * np.sum(v * v, axis=0)

    tracemalloc.start()
    try:
        H = gl.hessian(f, x, method="central", vectorized=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert H.shape == (n, n) and np.array_equal(H, H.T)
    assert peak < 100e6, f"peak {peak / 1e6:.0f} MB"


# ------------------------------------------------------------------ steps refined where f varies
# on an O(1) scale
@pytest.mark.parametrize(
    "f, t, method",
    [
        (math.sin, 1000.0, "auto"),  # math.sin: no complex step; was 3% off
        (lambda t: math.exp(t - 1000), 1000.0, "auto"),  # was 3.8% off
        (np.exp, -700.0, "auto"),  # complex step underflows; was 2e-3 off
        (np.sin, 1e4, "central"),  # step 0.06; was 6.5e-4 off
    ],
)
def test_steps_too_large_for_f_are_refined(f, t, method):
    exact = {
        1000.0: math.cos(1000.0) if f is math.sin else 1.0,
        -700.0: np.exp(-700.0),
        1e4: np.cos(1e4),
    }[t]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d, info = gl.derivative(f, t, method=method, full_output=True)
        d_plain = gl.derivative(f, t, method=method)
    assert abs(d[0, 0] - exact) <= 1e-8 * abs(exact)
    assert abs(d_plain[0, 0] - exact) <= 1e-8 * abs(exact)
    assert abs(d[0, 0] - exact) <= info.error[0, 0] <= 1e-8 * abs(exact)
    assert "refined: 1 entries from the steps x[0]" in info.note


def test_a_step_that_cannot_be_refined_warns():
    # a function with noise at every scale: no step gets its error below 1e-8 of the derivative
    rng = np.random.default_rng(0)
    f = lambda t: math.sin(t) + 1e-9 * rng.standard_normal()  # noqa: E731  (no complex step)
    with pytest.warns(
        AccuracyWarning,
        match=r"J\[0, 0\] = .* is accurate only to about .* not "
        r"1e-08 of itself: no step from .* tried resolves it",
    ):
        gl.derivative(f, 1.0)


def test_noise_below_every_step_warns():
    # cos'(2.22e-14) = -2.22e-14: cos's values do not change over any step below 0.01, so central
    # differences give exactly 0 (the tiny-x retry included); a constant along x_1 stays 0, quietly
    with pytest.warns(
        AccuracyWarning,
        match=r"J\[0, 0\] = 0 is noise: f does not change at all "
        r"over the steps tried along x\[0\] = 2.22e-14 .* slope of about -2.2e-14",
    ):
        d = gl.derivative(np.cos, 2.22e-14, method="central")
    assert d[0, 0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = gl.jacobian(
            lambda v: np.array([np.exp(v[0]), 3.0 + 0 * v[1]]), [1e-60, 1e-40], method="central"
        )
    assert J[1, 1] == 0.0


# ------------------------------------------------------------------ Hessians: badly scaled,
# trigonometric, Chebyquad
def brown(v):  # Moré-Garbow-Hillstrom: Brown badly scaled, f ~ 1e12 at [1, 1]
    return (v[0] - 1e6) ** 2 + (v[1] - 2e-6) ** 2 + (v[0] * v[1] - 2) ** 2


@pytest.mark.parametrize("method, rtol", [("central", 1e-8), ("complex", 1e-5), ("auto", 1e-5)])
@pytest.mark.parametrize("full_output", [False, True])
def test_hessian_of_a_badly_scaled_sum(method, rtol, full_output):
    # second differences of f ~ 1e12 over steps ~1e-4 are lost to rounding: central gave all zeros,
    # silently; now its steps grow. Complex step differences gradients ~2e6, to ~1e-4 absolute
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = gl.hessian(brown, [1.0, 1.0], method=method, full_output=full_output)
    H = out[0] if full_output else out
    np.testing.assert_allclose(H, [[4.0, 0.0], [0.0, 4.0]], rtol=0, atol=4 * rtol)
    if full_output:
        # honest, up to rounding inside f (f_1 = 2 - 2 at [1, 1]) that no bound sees
        assert np.all(np.abs(H - [[4.0, 0.0], [0.0, 4.0]]) <= out[1].error + 1e-10)


def test_trigonometric_and_chebyquad_hessians_within_their_accuracy():
    from test_numeric_peers import CASES  # the MGH cases, with Hessians exact from SymPy

    for case in [c for c in CASES if c.source == "MGH" and not c.name.startswith("Brown")]:
        for method, rtol in [("central", 1e-7), ("auto", 1e-8)]:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                H = gl.hessian(case.f, case.x, method=method)
            err = np.abs(H - case.ref).max() / np.abs(case.ref).max()
            warned = any(issubclass(w.category, gl.GradlibWarning) for w in caught)
            assert err <= rtol or warned, (case.name, method, err)
