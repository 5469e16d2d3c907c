#!/usr/bin/env python3
"""Install the course's JupyterLab settings defaults, binder/overrides.json, into an environment.

Every launch path runs it: ``make lab`` (into .venv), ``binder/postBuild`` (Binder, and the hub
image that repo2docker builds from this repository) and ``make test-hub`` (the hub's user
environment). The defaults are:

* ``saveState`` of the widget manager: a saved lesson keeps its widgets' last state in its
  metadata, so it reopens showing each widget's last picture instead of "Error displaying widget:
  model not found" (JupyterLab prefers a widget output's live view to the PNG stored beside it,
  and the view's model died with the kernel). Only the widgets alive in the kernel are saved.
* no "Jupyter news" prompt and no update check: a student on a hub cannot act on either.

They are JupyterLab *overrides*: defaults a user can still change in the Settings Editor. The file
goes to ``<prefix>/share/jupyter/lab/settings/overrides.d/gradlib-lessons.json``, beside (never
over) an ``overrides.json`` the environment may already have.

    python scripts/lab_settings.py                      # into this Python's environment
    python scripts/lab_settings.py --settings-dir DIR   # into DIR/overrides.d/, for a JupyterLab
                                                        # run with --LabApp.app_settings_dir=DIR

Only stdlib: it runs with any Python >= 3.10.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "binder" / "overrides.json"
NAME = "gradlib-lessons.json"


def default_settings_dir() -> Path:
    """JupyterLab's application settings folder of this Python's environment."""
    return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def install(settings_dir: Path) -> Path:
    """Copy binder/overrides.json to ``settings_dir/overrides.d/``; return the file written."""
    json.loads(SOURCE.read_text(encoding="utf-8"))  # a broken file fails here, not in the browser
    target = Path(settings_dir) / "overrides.d" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--settings-dir",
        type=Path,
        default=default_settings_dir(),
        help="JupyterLab application settings folder (default: this environment's)",
    )
    args = parser.parse_args(argv)
    print(f"installed {install(args.settings_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
