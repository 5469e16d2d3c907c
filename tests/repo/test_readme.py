"""The README is a promise: its two commands exist, and CI runs the test command it shows."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [
        line.split("#")[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip()
    ]


def test_readme_shows_exactly_two_commands():
    assert readme_commands() == ["make lab", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    calls = [line.strip() for line in ci.splitlines() if line.strip().startswith("make ")]
    assert calls[0].startswith(readme_commands()[1]), calls
    assert any(c.startswith("make test-browser") for c in calls), calls


def test_make_knows_both_commands():
    for target in ("lab", "test"):
        out = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "notebooks/00_start_here.ipynb" in dry and "--ip=127.0.0.1" in dry


def test_second_run_reuses_the_environment():
    # The stamp is newer than the lock files, so `make test` / `make lab` go straight to their
    # command.
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "-m venv" not in dry and "pip install" not in dry, dry
    assert dry.strip().endswith("-m pytest -n 2 --dist loadfile")
