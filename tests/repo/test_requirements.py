"""Requirements policy: loose *.in files, pinned locks that satisfy them and agree with each other.

The checks live in scripts/check_locks.py (also run by `make lock`); here they run on the
real files, and on small broken copies to show that each message names the package and
both versions.
"""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import check_locks  # noqa: E402  (a script, not a package)

FILES = [
    "requirements.in",
    "requirements.txt",
    "requirements-dev.in",
    "requirements-dev.txt",
    "requirements-hub.in",
    "requirements-hub.txt",
    "binder/requirements.txt",
]


def test_real_locks_follow_the_policy():
    assert check_locks.check(ROOT) == []


def test_binder_lock_is_generated_from_the_lesson_lock():
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert binder == check_locks.binder_lock_text(ROOT), (
        "run: python scripts/check_locks.py --write-binder"
    )


@pytest.fixture
def repo(tmp_path):
    """A copy of the requirement files to break."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    assert check_locks.check(tmp_path) == []
    return tmp_path


def pinned(path: Path, name: str) -> str:
    return check_locks.read_lock(path)[0][name]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_pin_outside_the_input_range_is_named(repo):
    numpy = pinned(repo / "requirements.txt", "numpy")
    edit(repo / "requirements.txt", f"numpy=={numpy}\n", "numpy==1.26.4\n")
    edit(repo / "binder" / "requirements.txt", f"numpy=={numpy}\n", "numpy==1.26.4\n")
    dev = pinned(repo / "requirements-dev.txt", "numpy")
    assert check_locks.check(repo) == [
        "requirements.txt pins numpy==1.26.4, outside requirements.in's range numpy<3,>=2.0; run "
        "make lock",
        f"requirements-dev.txt pins numpy=={dev} but requirements.txt pins numpy==1.26.4",
    ]


def test_dev_pin_contradicting_the_lesson_lock_names_both_versions(repo):
    attrs = pinned(repo / "requirements.txt", "attrs")
    edit(repo / "requirements-dev.txt", f"attrs=={attrs}\n", "attrs==22.1.0\n")
    assert check_locks.check(repo) == [
        f"requirements-dev.txt pins attrs==22.1.0 but requirements.txt pins attrs=={attrs}"
    ]


def test_binder_lock_out_of_step_is_named(repo):
    sympy = pinned(repo / "requirements.txt", "sympy")
    edit(repo / "binder" / "requirements.txt", f"sympy=={sympy}\n", "sympy==1.13.0\nrich==13.0.0\n")
    assert check_locks.check(repo) == [
        f"binder/requirements.txt pins sympy==1.13.0 but requirements.txt pins sympy=={sympy}",
        "binder/requirements.txt pins rich==13.0.0, which requirements.txt does not pin",
    ]
    edit(repo / "binder" / "requirements.txt", "rich==13.0.0\n", "-e .\n")
    line = (repo / "binder" / "requirements.txt").read_text().splitlines().index("-e .") + 1
    assert (
        f"binder/requirements.txt:{line}: '-e .' is not a pin name==version; locks hold only pins "
        "and comments (regenerate with make lock)" in check_locks.check(repo)
    )


def test_unpinned_input_and_loose_lock_line_are_named(repo):
    (repo / "requirements-dev.in").write_text(
        (repo / "requirements-dev.in").read_text() + "tomli-w>=1.0\n"
    )
    edit(repo / "requirements-dev.txt", "\npytest==", "\npytest>=")
    problems = check_locks.check(repo)
    assert any(
        p.startswith("requirements-dev.txt:")
        and "'pytest>=" in p
        and "is not a pin name==version" in p
        for p in problems
    ), problems
    assert (
        "requirements-dev.txt does not pin tomli-w, which requirements-dev.in requires "
        "(tomli-w>=1.0); "
        "run make lock" in problems
    )


def test_write_binder_regenerates_the_copy(repo):
    (repo / "binder" / "requirements.txt").write_text("numpy==1.0\n")
    assert check_locks.main(["--root", str(repo)]) == 1
    assert check_locks.main(["--root", str(repo), "--write-binder"]) == 0
    assert (repo / "binder" / "requirements.txt").read_text() == (
        ROOT / "binder" / "requirements.txt"
    ).read_text()


def test_hub_pin_contradicting_the_lesson_lock_names_both_versions(repo):
    version = pinned(repo / "requirements.txt", "tornado")
    edit(repo / "requirements-hub.txt", f"tornado=={version}", "tornado==6.0")
    assert check_locks.check(repo) == [
        f"requirements-hub.txt pins tornado==6.0 but requirements.txt pins tornado=={version}"
    ]


def test_hub_lock_keeps_jupyterhub_in_its_range(repo):
    edit(
        repo / "requirements-hub.txt",
        f"jupyterhub=={pinned(repo / 'requirements-hub.txt', 'jupyterhub')}",
        "jupyterhub==6.0.0",
    )
    assert check_locks.check(repo) == [
        "requirements-hub.txt pins jupyterhub==6.0.0, outside requirements-hub.in's range "
        "jupyterhub<6,>=5.2; "
        "run make lock"
    ]
