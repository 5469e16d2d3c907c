"""Execute lessons in place, top to bottom in a fresh kernel, so the stored outputs are a clean run.

Usage::

    python scripts/run_lessons.py [notebooks/01_gradient_row.ipynb ...]   # default: every lesson

Runs ``scripts/nav.py`` first when it exists (navigation cells and the index), then for each
lesson: a fresh ``python3`` kernel with the working directory ``notebooks/``, execution counts
1..N, and a clean file for git and for nbval:

* no widget state in the metadata (``metadata.widgets``): it is large and changes every run;
* no widget views in outputs: their model dies with the kernel, so a stored view would show
  "Error displaying widget: model not found" (or nothing). The PNG of the start state stored
  beside it is what JupyterLab (before the lesson is run), GitHub and nbviewer show; running the
  cell shows the live widget again;
* no execution timings, no machine paths (a path in an output is replaced and reported);
* kernelspec ``python3``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gradlib.topics._widget import WIDGET_VIEW

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Machine paths that must not end up in a stored lesson, longest first.
PATHS = sorted({str(ROOT), sys.prefix, str(Path.home()), "/tmp", "/work"}, key=len, reverse=True)
PATH_RE = re.compile("|".join(re.escape(p) for p in PATHS))


def lessons(args) -> list[Path]:
    """The notebooks named on the command line, or every ``NN_*.ipynb`` in notebooks/."""
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _scrub(obj, where, found):
    """Replace machine paths in every string of an output (recursively); note where."""
    if isinstance(obj, str):
        new = PATH_RE.sub("<path>", obj)
        if new != obj:
            found.append(where)
        return new
    if isinstance(obj, list):
        return [_scrub(v, where, found) for v in obj]
    if isinstance(obj, dict):
        return {k: _scrub(v, where, found) for k, v in obj.items()}
    return obj


def coalesce_streams(outputs) -> list:
    """One output per run of prints to the same stream: the kernel flushes stdout when it likes,
    so one loop's prints arrive as one output in one run and two in the next.

    >>> out = [{"output_type": "stream", "name": "stdout", "text": "a\\n"},
    ...        {"output_type": "stream", "name": "stdout", "text": "b\\n"}]
    >>> coalesce_streams(out)
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'a\\nb\\n'}]
    """
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output["output_type"] == last["output_type"] == "stream"
            and output["name"] == last["name"]
        ):
            last["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def clean(nb) -> list[str]:
    """Make an executed notebook deterministic and portable; returns where paths were removed."""
    for key in set(nb.metadata) - {"kernelspec", "language_info"}:  # widget state, editor settings
        del nb.metadata[key]
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    found = []
    for index, cell in enumerate(nb.cells):
        for key in set(cell.metadata) - {"tags"}:  # timings, collapsed/scrolled state, ...
            del cell.metadata[key]
        if cell.cell_type != "code":
            continue
        cell.outputs = coalesce_streams(cell.outputs)
        for output in cell.outputs:
            output.get("data", {}).pop(WIDGET_VIEW, None)
            for key in ("data", "text", "traceback", "evalue"):
                if key in output:
                    output[key] = _scrub(output[key], f"cell {index}", found)
    return found


def run(path: Path, timeout: int = 600) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    found = clean(nb)
    nbformat.write(nb, path)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    note = f"; machine paths removed in {sorted(set(found))}" if found else ""
    print(f"{path.relative_to(ROOT)}: {len(counts)} code cells run{note}")


def main(argv) -> int:
    nav = ROOT / "scripts" / "nav.py"
    if nav.exists():
        subprocess.run([sys.executable, str(nav)], check=True, cwd=ROOT)
    for path in lessons(argv):
        run(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
