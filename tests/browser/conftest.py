"""Browser fixtures: JupyterLab on a copy of the lessons, driven by headless Chromium (Playwright).

``make test-browser`` runs these (they are marked ``browser``; the default run excludes them).
The start-up code and the page helpers live in :mod:`lab` (shared with
``bench/bench_widgets_browser.py``); the fixtures here are thin wrappers around it, and the helpers
are re-exported so the tests can keep importing them from here.

Helpers for the tests: :func:`open_lesson`, :func:`run_all`, :func:`assert_no_errors`,
:func:`screenshot`, :func:`panel_text`, :func:`image_src`.
"""
from __future__ import annotations

import pytest

from .lab import (Lab, assert_no_errors, chromium, image_src, new_page, open_and_run, open_lesson,  # noqa: F401
                  panel_text, run_all, running_lab, screenshot, wait_idle, wait_new_image, widget_box)


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    with running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    with new_page(browser) as pg:
        yield pg
