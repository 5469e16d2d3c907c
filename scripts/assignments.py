#!/usr/bin/env python3
"""Write nbgrader assignments of the lessons' exercises, generated from gradlib's exercise registry.

    python scripts/assignments.py                    # make assignments: into assignments/
    python scripts/assignments.py --out COURSE --points 2

For each lesson with exercises, ``<out>/source/NN_name/NN_name.ipynb`` is an nbgrader *source*
notebook (nbgrader's course layout: ``nbgrader generate_assignment NN_name`` in ``<out>``
writes the students' version into ``release/``). Per exercise, in the lesson's order:

- the statement (markdown, locked), as the lesson shows it;
- the answer cell, an nbgrader solution cell: the lesson's own stub line, e.g.
  ``answer = None  # replace None with your answer, a number``, then an empty solution region
  (``### BEGIN SOLUTION`` / ``### END SOLUTION``) where a teacher may keep a worked answer;
- the check cell, locked and graded (``--points``, default 1): it passes only when
  ``gl.exercise(id).check(answer)`` says the answer is right, and otherwise fails with
  gradlib's feedback as its message, which the autograded notebook shows.

``<out>/nbgrader_config.py`` sets ``ClearSolutions.code_stub`` to nothing for Python, so the
released answer cell is exactly the lesson's stub line (nbgrader's default stub would add
``raise NotImplementedError()``). A course with its own nbgrader_config.py needs that line too.

The answers are never written anywhere: gradlib computes the truth from each exercise's data
when the check cell runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nav  # noqa: E402  (a script beside this one)

ROOT = Path(__file__).resolve().parents[1]
OUT = Path("assignments")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CONFIG = """\
# nbgrader settings for the gradlib-lessons assignments (written by scripts/assignments.py).
c = get_config()  # noqa: F821  (nbgrader provides get_config)

# The released answer cell keeps only the lesson's stub line, "answer = None  # ...": the
# solution region is removed and nothing is put in its place.
c.ClearSolutions.code_stub = {"python": ""}
"""
KERNEL = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python"},
}


class AssignmentError(Exception):
    """A lesson and the exercise registry do not fit together; the message says how to fix it."""


def check_line(id: str) -> str:
    return f'gl.exercise("{id}").check(answer)'


def lesson_stubs(nb: dict, ids: list[str], where: str) -> dict[str, str]:
    """The stub of each exercise: the lines before its check line in the lesson's exercise cell."""
    stubs = {}
    for cell in nb["cells"]:
        lines = nav.cell_text(cell).rstrip().splitlines() if cell.get("cell_type") == "code" else []
        for id in ids:
            if lines and lines[-1].strip() == check_line(id) and len(lines) > 1:
                stubs[id] = "\n".join(lines[:-1])
    missing = [id for id in ids if id not in stubs]
    if missing:
        raise AssignmentError(
            f"{where}: no exercise cell for {', '.join(missing)}; each exercise's cell is its stub "
            f"line(s), e.g. 'answer = None  # ...', then the line {check_line(missing[0])}."
        )
    return stubs


def nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {
        "grade_id": grade_id,
        "solution": solution,
        "grade": grade,
        "locked": locked,
        "task": False,
        "schema_version": 3,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook(lesson: nav.Lesson, exercises: list, stubs: dict[str, str], points: int):
    """The nbgrader source notebook of one lesson's exercises."""
    total = points * len(exercises)
    cells = [
        new_markdown_cell(
            f"# Exercises of lesson {lesson.heading}\n\n{lesson.summary}\n\n"
            "In each answer cell replace `None` with your answer, then run the cell below it: it "
            f"checks your answer with gradlib and says what is right or wrong. {len(exercises)} "
            f"exercises, {points} point{'s' * (points != 1)} each, {total} in all.",
            metadata=nbgrader("title", locked=True),
            id="title",
        ),
        new_code_cell(
            "import numpy as np\nimport gradlib as gl",
            metadata=nbgrader("setup", locked=True),
            id="setup",
        ),
    ]
    for ex in exercises:
        key = ex.id.replace(".", "_")
        region = f"{BEGIN}\n# A worked answer may go here; students do not see it.\n{END}"
        cells += [
            new_markdown_cell(
                f"**Exercise {ex.id}.** {ex.statement}",
                id=f"statement-{key}",
                metadata=nbgrader(f"statement_{key}", locked=True),
            ),
            new_code_cell(
                f"{stubs[ex.id]}\n{region}",
                id=f"answer-{key}",
                metadata=nbgrader(f"answer_{key}", solution=True),
            ),
            new_code_cell(
                f"# Checks exercise {ex.id} ({points} point{'s' * (points != 1)}).\n"
                f"feedback = {check_line(ex.id)}\n"
                "assert feedback, str(feedback)\n"
                "feedback",
                metadata=nbgrader(f"check_{key}", grade=True, locked=True, points=points),
                id=f"check-{key}",
            ),
        ]
    return new_notebook(cells=cells, metadata=KERNEL)


def exercises_by_lesson() -> dict[int, list]:
    """Every registered exercise, by lesson number (the id's first part), in id order."""
    from gradlib.exercises import all_exercises

    lessons: dict[int, list] = {}
    for ex in sorted(
        all_exercises().values(), key=lambda e: tuple(int(p) for p in e.id.split("."))
    ):
        lessons.setdefault(int(ex.id.split(".")[0]), []).append(ex)
    return lessons


def write(root: Path, out: Path, points: int = 1) -> list[Path]:
    """Write out/nbgrader_config.py and one source notebook per lesson; return the notebooks."""
    lessons = {lesson.number: lesson for lesson in nav.find_lessons(root)}
    by_lesson = exercises_by_lesson()
    unknown = sorted(set(by_lesson) - set(lessons))
    if unknown:
        ids = [ex.id for n in unknown for ex in by_lesson[n]]
        raise AssignmentError(
            f"exercises {', '.join(ids)} belong to no lesson in {root / 'notebooks'}."
        )
    written = []
    for number, exercises in sorted(by_lesson.items()):
        lesson = lessons[number]
        where = f"notebooks/{lesson.file}"
        stubs = lesson_stubs(nav.read_notebook(lesson.path), [ex.id for ex in exercises], where)
        nb = source_notebook(lesson, exercises, stubs, points)
        nbformat.validate(nb)
        path = out / "source" / lesson.path.stem / lesson.file
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        written.append(path)
    (out / "nbgrader_config.py").write_text(CONFIG)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / OUT, help="the course folder (default: assignments/)"
    )
    parser.add_argument("--points", type=int, default=1, help="points per exercise (default: 1)")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    args = parser.parse_args(argv)
    if args.points < 1:
        parser.error(f"--points must be a whole number >= 1, not {args.points}")
    try:
        written = write(args.root, args.out, args.points)
    except (AssignmentError, nav.NavError) as error:
        print(f"assignments.py: error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(
        f"then, in {args.out}: nbgrader generate_assignment NN_name "
        "(the students' version goes to release/)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
