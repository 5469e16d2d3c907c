"""The math modules never load matplotlib or ipywidgets: they must work without a display stack."""

import subprocess
import sys
from pathlib import Path

import pytest

# Every module of the package outside gradlib/topics/, found on disk so a new one is covered.
PACKAGE = Path(__file__).resolve().parents[1] / "gradlib"
MATH_MODULES = ["gradlib"] + [
    f"gradlib.{p.stem}" for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"
]
PROBE = (
    "import importlib, sys; importlib.import_module({!r}); "
    "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
)


def loaded_by(module: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("module", MATH_MODULES)
def test_math_module_does_not_load_plotting(module):
    assert loaded_by(module) == "[]"


def test_probe_sees_plotting_when_it_is_loaded():
    # The same probe on the widgets package must report both: the check above can fail.
    assert loaded_by("gradlib.topics") == "['ipywidgets', 'matplotlib']"


def test_feedback_colours_are_defined_once():
    # right, wrong, not answered yet: gradlib.check's, used by the exercises and the widgets
    from gradlib.check import GREEN, GREY, RED

    for colour in (GREEN, GREY, RED):
        defined = [
            p.relative_to(PACKAGE).as_posix()
            for p in sorted(PACKAGE.rglob("*.py"))
            if colour.lower() in p.read_text().lower()
        ]
        assert defined == ["check.py"], (colour, defined)
