"""A real JupyterHub on 127.0.0.1 (scripts/local_hub.py, what ``make hub`` runs) and headless
Chromium.

``make test-hub`` runs these tests (``-m hub``); it first builds the hub's environment in .hub/
(``make hub-env``: requirements.txt + requirements-hub.txt + gradlib + binder/overrides.json in
.hub/venv, configurable-http-proxy from npm in .hub/node_modules). Any other run deselects them,
as it does the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
import local_hub  # noqa: E402  (a script, not a package)
from lab_browser import chromium  # noqa: E402

# Test-only: the page exposes window.jupyterapp, so the helpers of scripts/lab_browser.py work.
SPAWNER_ARGS = ["--LabApp.expose_app_in_browser=True"]


def pytest_configure(config):
    config.addinivalue_line("markers", "hub: a real JupyterHub on 127.0.0.1 (make test-hub)")


def pytest_collection_modifyitems(config, items):
    """Deselect the hub tests unless the run asks for them (``-m hub``): they need .hub/."""
    if "hub" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if item.get_closest_marker("hub") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("hub")])
        items[:] = kept


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> local_hub.Hub:
    with local_hub.running_hub(
        tmp_path_factory.mktemp("hub"), spawner_args=SPAWNER_ARGS
    ) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b
