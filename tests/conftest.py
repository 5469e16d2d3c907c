"""Shared by every test: scripts/ on the path (the browser driver), the browser fixtures, and a
spy on gradlib.numeric's difference quotients.

The fixtures start JupyterLab on a copy of the lessons and headless Chromium (Playwright, Debian's
chromium); only tests marked ``browser`` use them (``make test-browser``), the default run
excludes those.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw new examples on every developer's run; CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci) draws the same ones every time, so a red CI is a change, not a dice roll.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import lab_browser  # noqa: E402  (scripts/lab_browser.py)


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> lab_browser.Lab:
    with lab_browser.running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    with lab_browser.chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    with lab_browser.new_page(browser) as pg:
        yield pg


@pytest.fixture
def difference_calls(monkeypatch) -> list:
    """(h, method) of every ``gradlib.numeric.difference`` call the test makes: the lessons take
    their difference quotients from gradlib.numeric (issue 9), and tests can see it."""
    from gradlib import numeric

    calls, difference = [], numeric.difference

    def spy(f, x, h, method="central"):
        calls.append((float(h), method))
        return difference(f, x, h, method)

    monkeypatch.setattr(numeric, "difference", spy)
    return calls
