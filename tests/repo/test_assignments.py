"""Grading with nbgrader (scripts/assignments.py, `make assignments`).

The source notebooks are checked against the exercise registry and the lessons; then nbgrader
itself (from requirements-teach.txt, in .venv-teach, which `make teach-env` sets up) releases
every assignment and autogrades two students: one with the right answers, computed from each
exercise's problem data as tests/test_exercises.py does, who gets full marks, and one with wrong
answers, who gets zero and sees gradlib's feedback in the autograded notebook.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
import assignments  # noqa: E402, I001  (scripts, not a package)
import nav  # noqa: E402
from test_exercises import independent_answer  # noqa: E402

from gradlib.exercises import all_exercises  # noqa: E402

REGISTRY = all_exercises()

TEACH_BIN = ROOT / ".venv-teach" / "bin"
LESSONS = {lesson.number: lesson for lesson in nav.find_lessons(ROOT)}
BY_LESSON = assignments.exercises_by_lesson()


def lesson_stub(lesson: nav.Lesson, id: str) -> str:
    """The stub line(s) of the lesson's own cell for exercise id (all but its check line)."""
    check = f'gl.exercise("{id}").check(answer)'
    cells = [
        nav.cell_text(c).rstrip()
        for c in nav.read_notebook(lesson.path)["cells"]
        if c["cell_type"] == "code"
    ]
    [cell] = [c for c in cells if c.endswith(check)]
    return cell.rsplit("\n", 1)[0]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("course")
    assert assignments.main(["--out", str(out), "--points", "2"]) == 0
    return out


def cells_by_id(path: Path) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(path, 4).cells}


def flags(cell, keys=("solution", "grade", "locked", "points")) -> dict:
    return {k: v for k, v in cell.metadata["nbgrader"].items() if k in keys}


def test_every_exercise_is_in_its_lessons_assignment_in_order(course):
    written = sorted(p.relative_to(course).as_posix() for p in course.glob("source/*/*.ipynb"))
    assert written == [
        f"source/{LESSONS[n].path.stem}/{LESSONS[n].file}" for n in sorted(BY_LESSON)
    ]
    assert sorted(ex.id for exercises in BY_LESSON.values() for ex in exercises) == sorted(REGISTRY)
    for number, exercises in BY_LESSON.items():
        lesson = LESSONS[number]
        cells = cells_by_id(course / "source" / lesson.path.stem / lesson.file)
        keys = [ex.id.replace(".", "_") for ex in exercises]
        assert list(cells) == ["title", "setup"] + [
            f"{kind}_{key}" for key in keys for kind in ("statement", "answer", "check")
        ]
        title = cells["title"].source
        assert title.startswith(f"# Exercises of lesson {lesson.heading}\n")
        n = len(exercises)
        assert f"{n} exercises, 2 points each, {2 * n} in all." in title
        for ex, key in zip(exercises, keys, strict=True):
            statement, answer, check = (
                cells[f"{kind}_{key}"] for kind in ("statement", "answer", "check")
            )
            assert statement.source == f"**Exercise {ex.id}.** {ex.statement}"
            stub = lesson_stub(lesson, ex.id)
            assert any(line.startswith("answer = None") for line in stub.splitlines())
            assert answer.source.startswith(f"{stub}\n### BEGIN SOLUTION\n")
            assert answer.source.endswith("\n### END SOLUTION")
            assert check.source.splitlines()[1:] == [
                f'feedback = gl.exercise("{ex.id}").check(answer)',
                "assert feedback, str(feedback)",
                "feedback",
            ]
            assert flags(statement) == {"solution": False, "grade": False, "locked": True}
            assert flags(answer) == {"solution": True, "grade": False, "locked": False}
            assert flags(check) == {"solution": False, "grade": True, "locked": True, "points": 2}


def test_an_exercise_without_its_cell_in_the_lesson_is_named(tmp_path):
    number = min(n for n in BY_LESSON if n > 0)
    lesson, first = LESSONS[number], BY_LESSON[number][0].id
    (tmp_path / "notebooks").mkdir()
    for other in LESSONS.values():
        nb = nav.read_notebook(other.path)
        if other is lesson:
            nb["cells"] = [
                c for c in nb["cells"] if f'gl.exercise("{first}").check' not in nav.cell_text(c)
            ]
        (tmp_path / "notebooks" / other.file).write_text(nav.dump_notebook(nb))
    with pytest.raises(assignments.AssignmentError) as error:
        assignments.write(tmp_path, tmp_path / "out")
    assert str(error.value) == (
        f"notebooks/{lesson.file}: no exercise cell for {first}; each exercise's cell is its "
        "stub line(s), e.g. 'answer = None  # ...', then the line "
        f'gl.exercise("{first}").check(answer).'
    )
    assert assignments.main(["--root", str(tmp_path), "--out", str(tmp_path / "out")]) == 2


# ---- nbgrader itself -----------------------------------------------------------------------------
class Source(str):
    """Python source of an answer, written into the answer cell as it is (its repr is itself)."""

    def __repr__(self) -> str:
        return str(self)


def right_answer(ex):
    """Computed from the exercise's problem data with plain SymPy (tests/test_exercises.py); for
    a code exercise, a function of the student's own that calls the reference (the reference
    itself is refused: "write the function yourself")."""
    if ex.kind == "code":
        return Source(
            "lambda *args: __import__('gradlib.exercises').exercises"
            f".resolve({ex.problem['reference']!r})(*args)"
        )
    right = independent_answer(ex)
    if ex.kind == "choice":
        return right
    return tuple(int(s) for s in right) if isinstance(right, tuple) else right.tolist()


def wrong_answer(ex):
    """Far from the truth in every entry (by 1 + |truth|), or a shape with one row too many; for
    a code exercise, a number where a function is wanted."""
    if ex.kind == "code":
        return 0
    if ex.kind == "choice":  # another of the options
        return next(o for o in ex.problem["options"] if o != ex.problem["answer"])
    right = independent_answer(ex)
    if isinstance(right, tuple):
        return (right[0] + 1, right[1])
    return (right + 1 + np.abs(right)).tolist()


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # PATH as in an activated venv: nbgrader runs `alembic` to set up its database.
    env = dict(os.environ, PATH=f"{TEACH_BIN}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        [str(TEACH_BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return done


def submit(course: Path, student: str, name: str, answer_of) -> None:
    """Copy the released notebook into submitted/<student>/ with each answer cell filled in."""
    nb = nbformat.read(course / "release" / name / f"{name}.ipynb", 4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer_"):
            ex = REGISTRY[grade_id.removeprefix("answer_").replace("_", ".")]
            lines = cell.source.splitlines()
            assert "answer = None" in (line.split("#")[0].strip() for line in lines), cell.source
            cell.source = "\n".join(
                f"answer = {answer_of(ex)!r}" if line.startswith("answer = None") else line
                for line in lines
            )
    path = course / "submitted" / student / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def teach_env():
    made = subprocess.run(
        ["make", "--no-print-directory", "teach-env"], cwd=ROOT, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return TEACH_BIN


def readme_grading_commands() -> list[str]:
    """The commands of the README's section "Grading with nbgrader", without their comments."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Grading with nbgrader", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```bash\n(.*?)```", section, flags=re.S)[0]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_grading_commands_start_with_the_make_target():
    assert readme_grading_commands()[:3] == [
        "make assignments",
        "source .venv-teach/bin/activate",
        "cd assignments",
    ]
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "assignments"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert dry.strip().splitlines()[-1] == ".venv-teach/bin/python scripts/assignments.py"


def test_nbgrader_gives_right_answers_full_marks_and_wrong_ones_zero_with_feedback(
    course, teach_env
):
    """The README's nbgrader commands, run in a course folder with two students."""
    release, autograde, export = (shlex.split(c) for c in readme_grading_commands()[3:])
    assert (release[:2], autograde[:2], export[:2]) == (
        ["nbgrader", "generate_assignment"],
        ["nbgrader", "autograde"],
        ["nbgrader", "export"],
    )
    started = time.monotonic()
    names = {n: LESSONS[n].path.stem for n in sorted(BY_LESSON)}
    nbgrader(course, *release[1:])
    for number, name in names.items():
        released = cells_by_id(course / "release" / name / f"{name}.ipynb")
        for ex in BY_LESSON[number]:  # students get the lesson's stub line, nothing else
            key = ex.id.replace(".", "_")
            assert released[f"answer_{key}"].source == lesson_stub(LESSONS[number], ex.id) + "\n"
        submit(course, "right", name, right_answer)
        submit(course, "wrong", name, wrong_answer)
    nbgrader(course, *autograde[1:])
    nbgrader(course, *export[1:])
    with open(course / export[-1], newline="") as f:
        scores = {
            (r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"]))
            for r in csv.DictReader(f)
        }
    full = {n: 2.0 * len(BY_LESSON[n]) for n in names}
    assert scores == {
        **{(name, "right"): (full[n], full[n]) for n, name in names.items()},
        **{(name, "wrong"): (0.0, full[n]) for n, name in names.items()},
    }

    for number, name in names.items():
        graded = {
            student: cells_by_id(course / "autograded" / student / name / f"{name}.ipynb")
            for student in ("right", "wrong")
        }
        for ex in BY_LESSON[number]:
            key = f"check_{ex.id.replace('.', '_')}"
            assert [o.output_type for o in graded["right"][key].outputs] == ["execute_result"]
            [error] = graded["wrong"][key].outputs
            feedback = ex.check(wrong_answer(ex))
            assert not feedback
            assert (error.output_type, error.ename, error.evalue) == (
                "error",
                "AssertionError",
                str(feedback),
            )
    print(
        f"nbgrader: {len(names)} assignments released and autograded for 2 students in "
        f"{time.monotonic() - started:.0f} s"
    )


def test_without_the_course_setting_nbgrader_adds_its_own_stub(course, teach_env, tmp_path):
    """Why the README asks a course to keep ClearSolutions.code_stub: nbgrader's default stub."""
    lesson, ex = LESSONS[min(BY_LESSON)], BY_LESSON[min(BY_LESSON)][0]
    name = lesson.path.stem
    shutil.copytree(course / "source" / name, tmp_path / "source" / name)  # no nbgrader_config.py
    nbgrader(tmp_path, "generate_assignment", name)
    cells = cells_by_id(tmp_path / "release" / name / f"{name}.ipynb")
    assert cells[f"answer_{ex.id.replace('.', '_')}"].source == (
        f"{lesson_stub(lesson, ex.id)}\n# YOUR CODE HERE\nraise NotImplementedError()"
    )
