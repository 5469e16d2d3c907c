"""Time every lesson widget's callbacks (Agg backend, in this process, no browser) and print tables.

For each widget in ``gradlib.topics.REGISTRY`` the scripted moves of ``demo_moves()`` are run in a
cycle until at least 20 have been timed. A move is timed from setting the control to the new PNG
being in the Image widget: compute, draw, encode, exactly the kernel time of a learner's slider
move. Next to it, the peer: the same move with the whole figure redrawn (what re-plotting on every
change costs, e.g. ``interactive_output`` around a plotting function), to show what blitting saves.

    python bench/bench_widgets.py        # make bench runs it too
    python bench/bench_widgets.py --baseline b02ea50   # and this code against an older commit

With ``--baseline REV`` it prints a second table, side by side for the code of REV (checked out in
a temporary git worktree) and the code here, each widget measured in a fresh process, the two
versions alternating so that they share the machine's load: the cell ``w = Widget()`` in an IPython
kernel (what a learner waits for; views drawn ahead come after the cell) and until those views are
ready, construction in this process (median of 3, every view drawn at once), the first
move after construction, the median and worst of the demo moves, and the memory (RSS) still held
after building, moving and dropping 10 of the widget.

The budget is 50 ms per callback, function changes included. A move that shows a view (a function,
row or pair: one value of the widget's ``static_key``) never shown before draws it and is labelled
"[new view]"; the other moves, a return to a view included, only blit. A widget with a few choices
draws their views ahead (``prerender_scenes``: in a kernel just after the cell that built it, in
this script when it is built), so the construction line after the table includes them. The
garbage of one widget is collected before the next is timed, so that no widget pays for another's.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import gradlib  # noqa: E402  (after choosing the backend)

if (Path(gradlib.__file__).parent / "topics").is_dir():
    from gradlib.topics import REGISTRY
else:  # the code before gradlib/topics/ (a --baseline run): the same classes, other keys
    from gradlib.widgets import REGISTRY as _OLD

    REGISTRY = {cls.__name__: cls for cls in _OLD.values()}

ROOT = Path(__file__).resolve().parents[1]

MIN_MOVES = 20
BUDGET_MS = 50.0


def timed(move) -> float:
    start = time.perf_counter()
    move()
    return (time.perf_counter() - start) * 1e3


def redraw_everything(widget):
    """The peer: clear the axes shown and draw the whole figure again, as re-plotting would."""
    widget.redraw()


def bench(name: str):
    """Construction ms, and {label: [(ours ms, peer ms), ...]} over at least MIN_MOVES moves that
    changed the picture."""
    gc.collect()
    built = timed(lambda: REGISTRY[name]())
    gc.collect()
    widget = REGISTRY[name]()
    moves = widget.demo_moves()
    rows, done = {}, 0
    # Cycle through the moves; one that changes nothing (a control set to its current value)
    # runs no callback and is not counted. Stop after 10 cycles whatever happens.
    for label, move in islice(cycle(moves), 10 * max(MIN_MOVES, len(moves))):
        before = widget.png, widget.panel.value
        views = list(widget._views.values())
        ours = timed(move)
        if (widget.png, widget.panel.value) == before:
            continue
        if all(widget._view is not v for v in views):
            label += " [new view]"
        peer = timed(lambda: redraw_everything(widget))
        rows.setdefault(label, []).append((ours, peer))
        done += 1
        if done >= max(MIN_MOVES, len(moves)):
            break
    return built, rows


def fmt_row(cells, widths):
    return "  ".join(
        str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_move_and_drop(cls) -> None:
    """Build a widget, make 6 of its demo moves, drop it. In a function of its own: a loop
    variable left holding the last move (a closure over the widget) kept the tenth widget alive,
    and the memory held after 10 counted it (about 17 MB for JacobianRows)."""
    widget = cls()
    for _, move in widget.demo_moves()[:6]:
        move()


def measure(name: str) -> dict:
    """One widget in this process: build (median of 3), first move, demo moves, memory of 10
    drops."""
    cls = REGISTRY[name]
    builds = []
    for _ in range(3):
        gc.collect()
        builds.append(timed(cls))
    gc.collect()
    widget = cls()
    moves = [timed(move) for _, move in islice(cycle(widget.demo_moves()), MIN_MOVES)]
    del widget
    gc.collect()
    before = rss_mb()
    for _ in range(10):
        build_move_and_drop(cls)
        gc.collect()
    return {
        **kernel_build(name),
        "build": statistics.median(builds),
        "first": moves[0],
        "median": statistics.median(moves),
        "worst": max(moves),
        "memory": rss_mb() - before,
    }


KERNEL_BUILD = """
import asyncio, gc, json, time
from pathlib import Path
import gradlib
if (Path(gradlib.__file__).parent / "topics").is_dir():
    from gradlib.topics import REGISTRY
else:
    from gradlib.widgets import REGISTRY as _OLD
    REGISTRY = {{cls.__name__: cls for cls in _OLD.values()}}
cls = REGISTRY[{name!r}]
w = cls()  # the first build pays for imports and fonts: not counted
while getattr(w, "_unrendered", None):
    await asyncio.sleep(0.01)
del w
cells, ready = [], []
for _ in range(3):
    gc.collect()
    start = time.perf_counter()
    w = cls()
    cells.append((time.perf_counter() - start) * 1e3)
    while getattr(w, "_unrendered", None):  # the views drawn after the cell, if any
        await asyncio.sleep(0.01)
    ready.append((time.perf_counter() - start) * 1e3)
    del w
print(json.dumps({{"cell": sorted(cells)[1], "ready": sorted(ready)[1]}}))
"""


def kernel_build(name: str) -> dict:
    """The cell ``w = Widget()`` in an IPython kernel (this process's PYTHONPATH), median of 3:
    what a learner waits for before the widget shows ("cell"), and until the views drawn after
    the cell are ready too ("ready")."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env=dict(os.environ, MPLBACKEND="Agg"))
    try:
        out = []
        reply = kc.execute_interactive(
            KERNEL_BUILD.format(name=name),
            timeout=600,
            output_hook=lambda m: out.append(m["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", out
        return json.loads("".join(out).strip().splitlines()[-1])
    finally:
        km.shutdown_kernel(now=True)


def compare(rev: str) -> None:
    """The table of ``--baseline``: REV's code and this code, widget by widget."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(old), rev], cwd=ROOT, check=True
        )
        try:
            trees = {"old": old, "new": ROOT}
            names = sorted(REGISTRY)
            results = {}
            for name in names:
                for label, tree in trees.items():
                    env = dict(os.environ, PYTHONPATH=str(tree), MPLBACKEND="Agg")
                    out = subprocess.run(
                        [sys.executable, __file__, "--measure", name],
                        env=env,
                        capture_output=True,
                        text=True,
                        cwd=tree,
                    )
                    if out.returncode:  # a widget the old code does not have
                        continue
                    results[name, label] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
    keys = [
        ("cell", "cell ms in a kernel"),
        ("ready", "all views ready ms"),
        ("build", "build ms"),
        ("first", "first move ms"),
        ("median", "median move ms"),
        ("worst", "worst move ms"),
        ("memory", "MB held after 10 dropped"),
    ]
    head = ["widget"] + [f"{title} old / new" for _, title in keys]
    widths = [16] + [max(len(h), 15) for h in head[1:]]
    print(f"\nThis code against {rev}, kernel time (Agg), each widget in a fresh process:\n")
    print(fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for name in names:
        o, n = results.get((name, "old")), results[name, "new"]
        cells = [f"{o[k]:.1f} / {n[k]:.1f}" if o else f"- / {n[k]:.1f}" for k, _ in keys]
        print(fmt_row([name, *cells], widths))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--baseline", metavar="REV", help="also compare with the code of this commit"
    )
    parser.add_argument("--measure", metavar="WIDGET", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    head = [
        "widget",
        "move",
        "n",
        "median ms",
        "worst ms",
        "redraw-all median ms",
        "ratio",
        "<= 50 ms",
    ]
    widths = [16, 50, 3, 9, 8, 20, 6, 8]
    print(
        f"Widget callbacks, kernel time per move (Agg, matplotlib {matplotlib.__version__}); "
        f"peer = redraw the whole figure on every move.\n"
    )
    print(fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    slow, built = [], {}
    for name in sorted(REGISTRY):
        built[name], rows = bench(name)
        everything = [t for times in rows.values() for t in times]
        for label, times in list(rows.items()) + [("ALL", everything)]:
            ours = [t[0] for t in times]
            peer = [t[1] for t in times]
            med, worst, pmed = statistics.median(ours), max(ours), statistics.median(peer)
            ok = "yes" if worst <= BUDGET_MS else "NO"
            if worst > BUDGET_MS and label != "ALL":
                slow.append(f"{name}: {label}")
            print(
                fmt_row(
                    [
                        name if label == "ALL" else "",
                        label,
                        len(ours),
                        f"{med:.1f}",
                        f"{worst:.1f}",
                        f"{pmed:.1f}",
                        f"{pmed / med:.1f}x",
                        ok,
                    ],
                    widths,
                )
            )
        print()
    if slow:
        print("Over the 50 ms budget (worst case): " + "; ".join(slow) + "\n")
    print("Construction (widget built, first picture and the views drawn in advance), ms:")
    print("  ".join(f"{name} {ms:.0f}" for name, ms in built.items()))
    if args.baseline:
        compare(args.baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
