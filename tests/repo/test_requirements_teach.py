"""The teachers' requirements (requirements-teach.in, its lock requirements-teach.txt): Jupyter
Book 1 and nbgrader, pinned within their ranges, never against the lessons' pins, and never in the
lessons' own locks. The rules are scripts/check_locks.py's; `make lock-teach` regenerates the lock.
"""

import sys
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import check_locks  # noqa: E402  (a script, not a package)

TEACH_IN, TEACH_LOCK = "requirements-teach.in", "requirements-teach.txt"


def test_teach_lock_pins_its_inputs_and_agrees_with_the_lesson_lock():
    teach, problems = check_locks.read_lock(ROOT / TEACH_LOCK)
    lessons, _ = check_locks.read_lock(ROOT / "requirements.txt")
    inputs = check_locks.read_inputs(ROOT / TEACH_IN)
    assert problems == []
    assert sorted(r.name for r in inputs) == ["jupyter-book", "nbgrader"]
    assert check_locks.check_ranges(inputs, teach, TEACH_IN, TEACH_LOCK) == []
    assert (
        check_locks.check_same_pins(teach, lessons, TEACH_LOCK, "requirements.txt", exact=False)
        == []
    )
    # Jupyter Book 2 (mystmd) downloads its theme at build time; the book is built offline.
    assert Version(teach["jupyter-book"]).major == 1


def test_lessons_locks_hold_no_teachers_tools():
    for lock in ("requirements.txt", "requirements-dev.txt", "binder/requirements.txt"):
        pins, _ = check_locks.read_lock(ROOT / lock)
        assert sorted({"jupyter-book", "nbgrader", "sphinx"} & pins.keys()) == [], lock
