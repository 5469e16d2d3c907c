"""Benchmark gradlib.autodiff: one training step of a two-layer network, traced vs hand-written.

For a tanh network (B points in 2-D, H hidden units, 3 classes, softmax + cross-entropy) it times,
in one run: the forward pass alone (numpy), the same loss through ``ad.value_and_grad`` (trace +
one reverse pass), the gradient written out by hand in numpy (the floor for any engine), and, for
the smallest network, the gradient by finite differences (``gl.gradient``, what reverse mode
replaces). It also reports the bytes the graph stores (every node's value: what reverse mode must
keep for the backward pass). Prints one table and a targets block with PASS/FAIL; it is not a test.
Run: ``.venv/bin/python bench/bench_autodiff.py`` (``--default-malloc``: see ``keep_freed_memory``).
"""

import ctypes
import functools
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # 2 shared cores: threaded BLAS only adds noise
import platform
import statistics
import sys
import timeit

import numpy as np

import gradlib as gl
from gradlib import autodiff as ad

SIZES = [(300, 32), (300, 100), (3000, 100), (300, 500)]  # (B points, H hidden units)
TARGET_RATIO = 5.0  # traced step <= this many times the hand-written one
TARGET_FD_RATIO = 50.0  # finite differences >= this many times slower than one reverse pass


def keep_freed_memory():
    """Ask glibc to keep freed memory in the process instead of returning it to the system.

    On this project's VM (Firecracker, free page reporting) a fresh array of 128 KB or more
    page-faults on first touch at a cost far above the arithmetic: np.tanh of a (300, 100)
    array took 877 us instead of 58 us. Both the engine and the hand-written code allocate
    such temporaries, the engine more of them, so the ratio would measure the VM, not the engine.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(
        libc.mallopt(M_MMAP_THRESHOLD, 64 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 256 << 20)
    )


def median_seconds(call, budget=0.5):
    number = max(1, int(budget / 5 / max(timeit.timeit(call, number=1), 1e-6)))
    return statistics.median(t / number for t in timeit.repeat(call, number=number, repeat=5))


def interleaved_seconds(calls, rounds=9, budget=0.1):
    """Per call: median seconds of each of ``calls``, timed in alternating rounds (so that the
    load of a shared machine hits all alike), and the per-round times for ratios."""
    numbers = [max(1, int(budget / max(timeit.timeit(c, number=1), 1e-6))) for c in calls]
    per_round = [
        [timeit.timeit(c, number=k) / k for c, k in zip(calls, numbers, strict=True)]
        for _ in range(rounds)
    ]
    return [statistics.median(col) for col in zip(*per_round, strict=True)], per_round


def problem(B, H, seed=0):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(B, 2)), rng.integers(0, 3, B)
    params = [
        rng.normal(size=(2, H)),
        np.zeros(H),
        rng.normal(size=(H, 3)) / np.sqrt(H),
        np.zeros(3),
    ]
    return params, X, y


def loss(W1, b1, W2, b2, X, y):
    return ad.cross_entropy(ad.softmax(ad.tanh(X @ W1 + b1) @ W2 + b2), y)


def by_hand(W1, b1, W2, b2, X, y):
    """The loss and its gradients, backpropagated by hand (softmax + cross-entropy fused)."""
    h = np.tanh(X @ W1 + b1)
    z = h @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    dz = s.copy()
    dz[rows, y] -= 1
    dz /= len(y)
    da = (dz @ W2.T) * (1 - h**2)
    return -np.log(s[rows, y]).mean(), (X.T @ da, da.sum(axis=0), h.T @ dz, dz.sum(axis=0))


def finite_differences_seconds(params, X, y):
    """Time of gl.gradient (central differences) of the loss in all parameters, flattened."""
    flat = np.concatenate([p.ravel() for p in params])
    cut = np.cumsum([p.size for p in params])[:-1]

    def f(v):
        pieces = (w.reshape(p.shape) for w, p in zip(np.split(v, cut), params, strict=True))
        return loss(*pieces, X, y)

    return median_seconds(lambda: gl.gradient(f, flat, method="central"), budget=2.0)


def main():
    kept = "--default-malloc" not in sys.argv and keep_freed_memory()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}; median time per call "
        "over 9 interleaved rounds (ad/hand: median of the per-round ratios); "
        f"OPENBLAS_NUM_THREADS=1; freed memory kept by malloc: {'yes' if kept else 'no'}"
    )
    step = ad.value_and_grad(loss, argnums=(0, 1, 2, 3))
    header = (
        f"{'B x H':>10} {'params':>7} {'forward us':>11} {'ad.grad us':>11} "
        f"{'by hand us':>11} {'ad/hand':>8} {'ad/fwd':>7} {'graph KB':>9} "
        f"{'fin.diff. us':>13}"
    )
    print(header + "\n" + "-" * len(header))
    ratios, fd_ratio = [], None
    for B, H in SIZES:
        params, X, y = problem(B, H)
        value, grads = step(*params, X, y)
        hand_value, hand = by_hand(*params, X, y)
        assert abs(value - hand_value) < 1e-12
        assert all(np.abs(g - h).max() < 1e-12 for g, h in zip(grads, hand, strict=True))
        (t_fwd, t_ad, t_hand), rounds = interleaved_seconds(
            [functools.partial(fn, *params, X, y) for fn in (loss, step, by_hand)]
        )
        ratio = statistics.median(ad_t / hand_t for _, ad_t, hand_t in rounds)
        graph = ad.trace(loss, *params, X, y, argnums=(0, 1, 2, 3))
        kb = sum(n.value.nbytes for n in graph.nodes) / 1024
        n = sum(p.size for p in params)
        fd = ""
        if (B, H) == SIZES[0]:
            t_fd = finite_differences_seconds(params, X, y)
            fd_ratio = t_fd / t_ad
            fd = f"{t_fd * 1e6:13.0f}"
        ratios.append(ratio)
        print(
            f"{f'{B} x {H}':>10} {n:7d} {t_fwd * 1e6:11.0f} {t_ad * 1e6:11.0f} "
            f"{t_hand * 1e6:11.0f} {ratio:8.2f} {t_ad / t_fwd:7.2f} {kb:9.1f} {fd}"
        )
    print(
        "\nad.grad = trace (forward, storing every node) + one reverse pass; by hand = the same "
        "gradient in plain numpy;\nfin.diff. = gl.gradient(method='central'), 2n + 1 forward "
        "passes; graph KB = bytes of all node values kept for the backward pass."
    )
    print("\ntargets")
    for ok, text in [
        (
            max(ratios) <= TARGET_RATIO,
            f"traced step <= {TARGET_RATIO:g}x the hand-written one: worst {max(ratios):.2f}x",
        ),
        (
            fd_ratio >= TARGET_FD_RATIO,
            f"one reverse pass >= {TARGET_FD_RATIO:g}x faster than finite differences "
            f"({SIZES[0][0]} x {SIZES[0][1]}): {fd_ratio:.0f}x",
        ),
    ]:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")


if __name__ == "__main__":
    main()
