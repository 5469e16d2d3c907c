"""The math modules never load matplotlib or ipywidgets: they must work without a display stack."""
import pkgutil
import subprocess
import sys

import pytest

import gradlib.explore

MATH_MODULES = ["gradlib", "gradlib.numeric", "gradlib.symbolic", "gradlib.chain", "gradlib.shapes",
                "gradlib.check", "gradlib.functions", "gradlib.explore", "gradlib.exercises"] + [
    f"gradlib.explore.{m.name}" for m in pkgutil.iter_modules(gradlib.explore.__path__)]
PROBE = ("import importlib, sys; importlib.import_module({!r}); "
         "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")


def loaded_by(module: str) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE.format(module)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("module", MATH_MODULES)
def test_math_module_does_not_load_plotting(module):
    assert loaded_by(module) == "[]"


def test_probe_sees_plotting_when_it_is_loaded():
    # The same probe on the widgets package must report both: the check above can fail.
    assert loaded_by("gradlib.widgets") == "['ipywidgets', 'matplotlib']"
