"""The stored lessons: clean, portable, complete (the skeleton of DESIGN.md), small.

Outputs are compared with a fresh run by nbval (pyproject's addopts); this file checks what nbval
does not: how the files were stored. Regenerate them with ``python scripts/run_lessons.py``.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from gradlib.topics._widget import WIDGET_VIEW

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
MACHINE_PATH = re.compile(r"(/root|/home|/tmp|/work)\b")
MAX_BYTES = 1.5e6


@pytest.fixture(params=LESSONS, ids=lambda p: p.stem)
def lesson(request):
    return request.param


def read(path):
    return nbformat.read(path, as_version=4)


def number(path) -> int:
    return int(path.name[:2])


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def sections(nb):
    """{heading text: [cells until the next ## heading]} for the ## headings of markdown cells."""
    out, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            current = cell.source.splitlines()[0][3:].strip()
            out[current] = []
        if current is not None:
            out[current].append(cell)
    return out


def test_lessons_exist_in_order():
    assert [number(p) for p in LESSONS][:4] == [0, 1, 2, 3]
    assert len({number(p) for p in LESSONS}) == len(LESSONS)


def test_valid_notebook_of_python3(lesson):
    json.loads(lesson.read_text())
    nb = read(lesson)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert lesson.stat().st_size < MAX_BYTES


def test_executed_in_order_once(lesson):
    counts = [c.execution_count for c in code_cells(read(lesson))]
    assert counts == list(range(1, len(counts) + 1)), (
        "run: python scripts/run_lessons.py " + lesson.name
    )


def test_no_errors_or_warnings_stored(lesson):
    for i, cell in enumerate(code_cells(read(lesson))):
        for out in cell.outputs:
            assert out.output_type != "error", (
                f"code cell {i}: {out.get('ename')}: {out.get('evalue')}"
            )
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"code cell {i}: {out.text[:200]}"
            )
            assert "Error displaying widget" not in json.dumps(out), f"code cell {i}"


def test_prints_to_one_stream_are_one_output(lesson):
    # The kernel flushes stdout when it likes: without run_lessons.py's coalescing, a loop's
    # prints were stored as one output in one run and two in the next.
    for i, cell in enumerate(code_cells(read(lesson))):
        streams = [o.get("name") if o.output_type == "stream" else None for o in cell.outputs]
        assert not any(a and a == b for a, b in zip(streams, streams[1:])), (
            f"code cell {i}: two {streams} outputs in a row; run scripts/run_lessons.py"
        )


def test_no_machine_paths_and_no_widget_state(lesson):
    nb = read(lesson)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, (
        "clean metadata: run scripts/run_lessons.py"
    )
    assert all(not set(c.metadata) - {"tags"} for c in nb.cells), "cell metadata other than tags"
    stored = json.dumps([nb.metadata] + [[c.metadata, c.get("outputs", [])] for c in nb.cells])
    assert MACHINE_PATH.search(stored) is None, MACHINE_PATH.search(stored)
    for cell in code_cells(nb):
        for out in cell.outputs:
            assert WIDGET_VIEW not in out.get("data", {}), (
                "stored widget view: run scripts/run_lessons.py"
            )


def test_navigation_and_title_cells(lesson):
    nb = read(lesson)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("<!-- nav -->")
    title = nb.cells[1]
    assert title.cell_type == "markdown"
    first, *rest = title.source.splitlines()
    assert re.fullmatch(rf"# {number(lesson)}\. \S.*", first), first
    assert len(rest) == 1 and rest[0].startswith("*") and rest[0].endswith("*"), (
        "one-line italic summary"
    )


def widget_cells(nb):
    """Cells whose output is a gradlib widget: stored as the PNG of its start state, with alt
    text."""
    return [
        c
        for c in code_cells(nb)
        if any("widget" in o.get("metadata", {}).get("gradlib", {}) for o in c.outputs)
    ]


def test_every_stored_picture_has_alt_text(lesson):
    for i, cell in enumerate(code_cells(read(lesson))):
        for out in cell.outputs:
            if "image/png" in out.get("data", {}):
                alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert len(alt) > 40, f"code cell {i}: a PNG without a sentence of alt text"
    for cell in widget_cells(read(lesson)):
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), (
            "widget cell without its start picture"
        )


def exercise_checks(nb):
    return [c for c in code_cells(nb) if "gl.exercise(" in c.source and ".check(" in c.source]


@pytest.mark.parametrize("path", [p for p in LESSONS if number(p) >= 1], ids=lambda p: p.stem)
def test_lesson_skeleton(path):
    nb = read(path)
    parts = sections(nb)
    goals = parts.get("Learning goals")
    assert goals, "a '## Learning goals' section"
    bullets = [line for line in goals[0].source.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5
    assert widget_cells(nb), "at least one widget cell (stored as the PNG of its start state)"
    assert "Exercises" in parts and len(exercise_checks(nb)) >= 4
    assert "Summary" in parts
    for cell in widget_cells(nb):
        assert cell.source.count("\n") <= 3, "a widget sits alone in a short cell"


def test_start_here():
    path = NOTEBOOKS / "00_start_here.ipynb"
    nb = read(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    card = next(
        c.source for c in nb.cells if c.cell_type == "markdown" and "convention card" in c.source
    )
    for shape in ["$(1, n)$", "$(m, 1)$", "$(m, n)$", "$(k, m)\\,(m, n) = (k, n)$"]:
        assert shape in card
    parts = sections(nb)
    assert any("widget" in h for h in parts) and widget_cells(nb)
    assert any("check an answer" in h for h in parts) and exercise_checks(nb)
    for other in LESSONS[1:]:
        assert f"({other.name})" in markdown, f"lesson 0 links to {other.name} (run scripts/nav.py)"
