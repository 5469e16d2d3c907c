"""Benchmark: gradlib.symbolic.lambdify against sympy.lambdify and Matrix.subs, and the parse guard.

Run:  .venv/bin/python bench/bench_symbolic.py
Prints one table (median times) and a targets block with PASS/FAIL; it is not a test.
"""

import importlib.metadata
import pathlib
import platform
import statistics
import sys
import timeit

import numpy as np
import sympy

import gradlib as gl
from gradlib import functions, symbolic

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from test_parse import HOSTILE  # noqa: E402  (the hostile strings live with their tests)

N_BATCH = 10_000
TARGET_POINT_US, TARGET_BATCH_MS, TARGET_REFUSE_MS = 20.0, 5.0, 100.0


def median_seconds(call, number, repeat=15):
    """Median over ``repeat`` runs of the time of one call (each run averages ``number`` calls)."""
    return statistics.median(t / number for t in timeit.repeat(call, number=number, repeat=repeat))


def cases():
    x, y, z = symbolic.symbols("x y z")
    spherical = functions.get("spherical_to_cartesian")
    softmax = functions.get("softmax")
    mixed = symbolic.jacobian(
        [x + 2 * y - z, sympy.sin(x) * y, 3 * z + sympy.exp(x * y)], (x, y, z)
    )
    return [
        (
            "spherical_to_cartesian (one 0 entry)",
            spherical.jacobian_expr,
            spherical.variables,
            spherical.point,
        ),
        ("linear + nonlinear (5 constant entries)", mixed, (x, y, z), np.array([0.5, -1.0, 2.0])),
        ("softmax (no constant entry)", softmax.jacobian_expr, softmax.variables, softmax.point),
    ]


def time_case(J, variables, point):
    rng = np.random.default_rng(0)
    X = point[:, None] + rng.uniform(-0.5, 0.5, (len(variables), N_BATCH))
    ours = symbolic.lambdify(J, variables)
    plain = sympy.lambdify(variables, J, modules="numpy")
    values = dict(zip(variables, point))

    def subs():
        return np.array(J.subs(values).evalf(), dtype=float)

    assert np.allclose(ours(point), plain(*point)) and np.allclose(ours(point), subs())
    row = {
        "ours_point": median_seconds(lambda: ours(point), 2000) * 1e6,
        "plain_point": median_seconds(lambda: plain(*point), 2000) * 1e6,
        "subs_point": median_seconds(subs, 5, repeat=5) * 1e6,
        "ours_batch": median_seconds(lambda: ours(X), 5) * 1e3,
    }
    try:
        batch = np.asarray(plain(*X))
        assert np.allclose(batch, ours(X))
        plain_ms = median_seconds(lambda: plain(*X), 5) * 1e3
        row["plain_batch"] = f"{plain_ms:15.2f} {plain_ms / row['ours_batch']:6.2f}"
    except ValueError as err:  # numpy cannot stack a constant entry with arrays of N values
        reason = "inhomogeneous shape" if "inhomogeneous" in str(err) else str(err)[:50]
        row["plain_batch"] = f"fails: ValueError ({reason})"
    row["subs_batch"] = f"n/a (~{row['subs_point'] * N_BATCH / 1e6:.0f} s)"
    return row


def refusal_times():
    """Per hostile string, the slowest of 5 refusals (ms)."""
    times = []
    for text, _ in HOSTILE:
        worst = 0.0
        for _ in range(5):
            start = timeit.default_timer()
            try:
                symbolic.parse(text)
            except gl.ParseError:
                pass
            else:
                raise AssertionError(f"accepted hostile string {text!r}")
            worst = max(worst, timeit.default_timer() - start)
        times.append(worst * 1e3)
    return times


def main():
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, sympy {sympy.__version__}, "
        f"gradlib {importlib.metadata.version('gradlib')}, {platform.machine()}"
    )
    print(
        f"\n3x3 Jacobians: time per point (median, us) and per batch of {N_BATCH:,} points "
        "(median, ms);"
        "\nratio = the peer's time / gradlib's time\n"
    )
    header = (
        f"{'matrix':40} {'':10} {'gradlib':>9} {'sympy.lambdify':>15} {'ratio':>6} "
        f"{'Matrix.subs':>12} {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for name, J, variables, point in cases():
        row = time_case(J, variables, point)
        rows.append(row)
        print(
            f"{name:40} {'point us':10} {row['ours_point']:9.2f} {row['plain_point']:15.2f} "
            f"{row['plain_point'] / row['ours_point']:6.2f} {row['subs_point']:12.0f} "
            f"{row['subs_point'] / row['ours_point']:7.0f}"
        )
        print(f"{'':40} {'batch ms':10} {row['ours_batch']:9.2f} {row['plain_batch']}")
        print(f"{'':40} {'':10} {'':9} Matrix.subs: {row['subs_batch']}")
    times = refusal_times()
    print(
        f"\nparse guard: {len(HOSTILE)} hostile strings refused; per string the slowest of 5 runs: "
        f"median {statistics.median(times):.3f} ms, max {max(times):.3f} ms "
        f"({HOSTILE[int(np.argmax(times))][0][:30]!r})"
    )

    worst_point = max(r["ours_point"] for r in rows)
    worst_batch = max(r["ours_batch"] for r in rows)
    print("\ntargets")
    for label, value, limit, unit in [
        ("3x3 Jacobian per point", worst_point, TARGET_POINT_US, "us"),
        (f"3x3 Jacobian per {N_BATCH:,} points", worst_batch, TARGET_BATCH_MS, "ms"),
        ("every hostile string refused", max(times), TARGET_REFUSE_MS, "ms"),
    ]:
        verdict = "PASS" if value <= limit else "FAIL"
        print(f"  {verdict}  {label}: worst {value:.2f} {unit} <= {limit:g} {unit}")


if __name__ == "__main__":
    main()
