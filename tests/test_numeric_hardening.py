"""Regressions of issue 14 in gradlib.numeric: no silently wrong number. Each test failed on the
code before the fix (a wrong number without a warning, or a resource bound broken)."""
import tracemalloc

import numpy as np
import pytest

import gradlib as gl
from gradlib import VectorizationError

METHODS = ["auto", "forward", "central", "richardson", "complex"]


# ------------------------------------------------------------------ complex step: per entry
@pytest.mark.parametrize("f, x, exact", [
    # a small non-analytic term next to large analytic ones: complex step drops it
    (lambda x: 1e3 * np.sum((x - 1) ** 2) + 1e-2 * np.sum(np.abs(x)), [2.0, 3.0], [[2000.01, 4000.01]]),
    (lambda x: 1e6 * x[0] + abs(x[1]), [1.0, 2.0], [[1e6, 1.0]]),
])
def test_a_small_non_analytic_term_is_not_lost(f, x, exact):
    g, info = gl.gradient(f, x, full_output=True)
    assert info.method == "auto->richardson" and "not complex-analytic" in info.note
    np.testing.assert_allclose(g, exact, rtol=1e-9)
    assert np.all(np.abs(g - exact) <= info.error)
    with pytest.raises(gl.NotAnalyticError, match="not complex-analytic"):
        gl.gradient(f, x, method="complex")


# ------------------------------------------------------------------ vectorized=True and reductions
@pytest.mark.parametrize("f, x", [
    (lambda x: x / np.max(x), [1.0, 2.0, 4.0]),
    (lambda x: x[0] * np.max(x[1]), [1.0, 2.0]),
    (lambda x: x * x.max(), [1.0, 2.0, 4.0]),
    (lambda x: x[0] * x.flat[-1], [1.0, 2.0, 3.0]),
    (lambda x: x * x.min(), [4.0, 2.0, 1.0]),
    (lambda x: x[0] * x.flat[0], [1.0, 2.0, 3.0]),
])
@pytest.mark.parametrize("method", METHODS)
def test_a_reduction_over_the_whole_batch_is_refused(f, x, method):
    with pytest.raises(VectorizationError, match=r"column \d+ of a batched call gives .* but a single "
                       r"call at that point gives .*f mixes the points of a batch"):
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
@pytest.mark.parametrize("f, x, exact", [  # numdifftools' 1-D examples
    (np.exp, 1.0, np.e), (np.sin, 0.5, -np.sin(0.5)), (lambda t: t ** 3, 2.0, 12.0),
    (np.log, 3.0, -1 / 9), (lambda t: 1 / t, 0.7, 2 / 0.7 ** 3),
])
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
        return np.sum(np.log1p(np.exp(np.tensordot(A, v, axes=1))), axis=0) + 0.5 * np.sum(v * v, axis=0)

    tracemalloc.start()
    try:
        H = gl.hessian(f, x, method="central", vectorized=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert H.shape == (n, n) and np.array_equal(H, H.T)
    assert peak < 100e6, f"peak {peak / 1e6:.0f} MB"
