"""The course's JupyterLab settings defaults (binder/overrides.json) name real settings with valid
values, and every launch path installs them: make lab, Binder's postBuild (and so the hub image).
The browser tests (tests/browser/test_reopen.py) show what they do in a running JupyterLab."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from jupyter_core.paths import jupyter_path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import lab_settings  # noqa: E402  (a script, not a package)

OVERRIDES = json.loads((ROOT / "binder" / "overrides.json").read_text())


def schema_of(plugin: str) -> dict:
    """The JSON schema of a JupyterLab plugin's settings, e.g. "@jupyterlab/foo-extension:bar"."""
    package, name = plugin.split(":")
    folders = [Path(p) / "schemas" for p in jupyter_path("lab")]
    folders += [Path(p) / package / "schemas" for p in jupyter_path("labextensions")]
    for folder in folders:
        path = folder / package / f"{name}.json"
        if path.exists():
            return json.loads(path.read_text())
    raise AssertionError(f"no settings schema for {plugin} in {folders}")


def test_the_defaults_are_widget_state_and_no_news():
    assert OVERRIDES == {
        "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
        "@jupyterlab/apputils-extension:notification": {
            "checkForUpdates": False,
            "fetchNews": "false",
        },
    }


@pytest.mark.parametrize("plugin", sorted(OVERRIDES))
def test_each_default_is_valid_for_its_plugin_schema(plugin):
    schema = schema_of(plugin)
    assert set(OVERRIDES[plugin]) <= set(schema["properties"])
    jsonschema.validate(OVERRIDES[plugin], schema)


def test_a_wrong_value_would_be_caught():
    schema = schema_of("@jupyterlab/apputils-extension:notification")
    with pytest.raises(jsonschema.ValidationError, match="False is not of type 'string'"):
        jsonschema.validate({"fetchNews": False}, schema)  # JupyterLab wants the string "false"


def test_install_puts_the_file_beside_any_overrides_json(tmp_path):
    (tmp_path / "overrides.json").write_text('{"a:b": {}}')
    written = lab_settings.install(tmp_path)
    assert written == tmp_path / "overrides.d" / "gradlib-lessons.json"
    assert json.loads(written.read_text()) == OVERRIDES
    assert (tmp_path / "overrides.json").read_text() == '{"a:b": {}}'


def test_install_defaults_to_this_environments_lab_settings_folder():
    assert lab_settings.default_settings_dir() == Path(sys.prefix) / "share/jupyter/lab/settings"


def test_make_lab_installs_the_settings_before_starting_jupyterlab():
    command = ["make", "--no-print-directory", "-B", "-n", "-o", ".venv/.installed", "lab"]
    dry = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    dry = dry.splitlines()
    install = "python3 scripts/lab_settings.py --settings-dir .venv/share/jupyter/lab/settings"
    assert install in dry and "jupyter lab" in dry[-1], dry
    assert dry.index(install) < len(dry) - 1


def test_binder_postbuild_installs_the_settings_into_the_image_environment():
    lines = [line.strip() for line in (ROOT / "binder" / "postBuild").read_text().splitlines()]
    assert lines[-1] == "python scripts/lab_settings.py"
