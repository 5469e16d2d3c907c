"""Binder works: repo2docker builds from binder/, and every lesson runs in exactly that environment.

The slow test (marker ``binder``, ~2 min with a warm pip cache) builds a fresh virtual environment
from binder/'s
files only, as repo2docker does, and executes every lesson in it. It runs in the default
suite, once: the environment is a session fixture shared by all pytest-xdist workers.
"""

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in kernel tracebacks
SMOKE = (
    "binder_smoke.ipynb"  # written into the copy: proves the kernel uses the Binder env's gradlib
)


def runtime_version() -> str:
    """The Python version binder/runtime.txt asks for, e.g. "3.11"."""
    text = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt says {text!r}; expected python-X.Y"
    return match.group(1)


def run(command, **kwargs):
    """Run a build step; on failure show its command and the end of its output."""
    out = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{command} failed:\n{(out.stdout + out.stderr)[-4000:]}"
    return out


def test_runtime_is_python_311_and_allowed_by_pyproject():
    assert runtime_version() == "3.11"
    requires = re.search(
        r'requires-python\s*=\s*">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text()
    )
    assert (3, 11) >= (int(requires.group(1)), int(requires.group(2))), requires.group(0)


def test_postbuild_is_an_executable_strict_bash_script():
    post = ROOT / "binder" / "postBuild"
    lines = post.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -euo pipefail" in lines
    assert os.access(post, os.X_OK), (
        "binder/postBuild must be executable (chmod +x binder/postBuild)"
    )


def test_repo2docker_builds_python_311_from_binder_files():
    # --no-build only prints the Dockerfile: no Docker engine needed, no file written.
    # NB_UID 1000 as on mybinder.org.
    out = subprocess.run(
        [
            Path(sys.executable).with_name("jupyter-repo2docker"),
            "--no-build",
            "--debug",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert f"Building conda environment for python={runtime_version()}" in out.stderr, out.stderr
    steps = [line for line in out.stdout.splitlines() if line.startswith(("COPY", "RUN"))]
    install = (
        'RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"'
    )
    order = [
        "COPY --chown=1000:1000 src/binder/requirements.txt ${REPO_DIR}/binder/requirements.txt",
        install,
        "COPY --chown=1000:1000 src/ ${REPO_DIR}/",
        "RUN ./binder/postBuild",
    ]
    # The pins are installed before the repository is copied in: Binder caches that layer
    # until binder/requirements.txt changes. postBuild runs after, from the repository root.
    # The only install is ours: repo2docker does not `pip install .` by itself when binder/ exists.
    assert [step for step in steps if step in order] == order, "\n".join(steps)
    assert [step for step in steps if "pip install" in step] == [install], "\n".join(steps)


def test_postbuild_installs_every_gradlib_file(tmp_path):
    """`pip install .` (postBuild, a hub's image) installs the wheel: it must hold all of
    gradlib."""
    src = tmp_path / "src"  # a copy: building writes build/ and *.egg-info into the source tree
    shutil.copytree(ROOT / "gradlib", src / "gradlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "wheel"),
            str(src),
        ]
    )
    (wheel,) = (tmp_path / "wheel").glob("gradlib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    source = {p.relative_to(src).as_posix() for p in (src / "gradlib").rglob("*") if p.is_file()}
    missing = sorted(source - packed)
    assert not missing, (
        f"the wheel lacks {len(missing)} files, e.g. {missing[:3]}: have pyproject.toml "
        'install every subpackage ([tool.setuptools.packages.find] include = ["gradlib*"])'
    )


# The slow part: a fresh environment from binder/'s files, and every lesson run in it.


@contextlib.contextmanager
def exclusive(lock_file: Path):
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def runtime_python() -> str:
    version = runtime_version()
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    assert found, (
        f"binder/runtime.txt asks for Python {version}: install python{version} to run this test"
    )
    return found


def copy_repository(destination: Path) -> None:
    """What Binder would clone: the files git tracks or would track (ignored ones left out)."""
    files = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT
    ).stdout
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)  # keeps postBuild's executable bit


def build_binder_env(base: Path) -> dict:
    """repo: a copy of the repository; venv: built from binder/ only; env: to run its tools."""
    repo, venv, home = base / "repo", base / "venv", base / "jupyter-home"
    copy_repository(repo)
    run([runtime_python(), "-m", "venv", str(venv)])
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        VIRTUAL_ENV=str(venv),
        # no kernel spec, config or IPython startup file from this machine's home
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
    )
    # pip's own cache (not --no-cache-dir as on Binder): wheels are reused between runs
    run(
        [
            venv / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "binder/requirements.txt",
        ],
        cwd=repo,
        env=env,
        timeout=1200,
    )
    run(["./binder/postBuild"], cwd=repo, env=env, timeout=600)
    smoke = new_notebook(
        cells=[
            new_code_cell(
                "import os, sys, gradlib\n"
                f"assert os.path.realpath(sys.prefix) == {os.path.realpath(venv)!r}, sys.prefix\n"
                "# installed by postBuild into site-packages, not imported from the source tree\n"
                "assert os.path.realpath(gradlib.__file__).startswith("
                "os.path.realpath(sys.prefix)), gradlib.__file__\n"
                "print(issubclass(gradlib.GradlibError, ValueError))"
            )
        ]
    )
    (repo / "notebooks").mkdir(exist_ok=True)  # git keeps no empty folder
    nbformat.write(smoke, repo / "notebooks" / SMOKE)
    return {"repo": str(repo), "venv": str(venv), "env": env}


@pytest.fixture(scope="session")
def binder_env(tmp_path_factory):
    """Built once per test session, even with pytest-xdist: workers share it under a file lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the workers' common temporary directory
    shared, ready = base / "binder-env", base / "binder-env.json"
    with exclusive(base / "binder-env.lock"):
        if not ready.exists():
            shutil.rmtree(shared, ignore_errors=True)  # a half-built one from a failed attempt
            ready.write_text(json.dumps(build_binder_env(shared)))
    return json.loads(ready.read_text())


def error_outputs(nb: dict) -> list[str]:
    return [
        f"cell {i}: {output['ename']}: {output['evalue']}"
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
        if output["output_type"] == "error"
    ]


@pytest.mark.binder
def test_binder_env_is_also_a_course_hub_image(binder_env):
    """postBuild adds what a hub needs (nbgitpuller, jupyterhub-singleuser) and the lab settings."""
    bin_dir = Path(binder_env["venv"], "bin")
    out = run(
        [bin_dir / "python", "-c", "import nbgitpuller, jupyterhub; print(jupyterhub.__version__)"],
        env=binder_env["env"],
    )
    assert out.stdout.strip().split(".")[0] == "5"
    assert (bin_dir / "jupyterhub-singleuser").exists()
    settings = Path(
        binder_env["venv"], "share/jupyter/lab/settings/overrides.d/gradlib-lessons.json"
    )
    assert json.loads(settings.read_text()) == json.loads(
        (ROOT / "binder" / "overrides.json").read_text()
    )


@pytest.mark.binder
@pytest.mark.parametrize("notebook", [SMOKE] + LESSONS)
def test_notebook_runs_in_binder_env(binder_env, notebook, tmp_path):
    out = subprocess.run(
        [
            Path(binder_env["venv"], "bin", "jupyter"),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--output-dir",
            str(tmp_path),
            f"notebooks/{notebook}",
        ],
        cwd=binder_env["repo"],
        env=binder_env["env"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    error = ANSI.sub("", out.stderr)
    error = error[
        max(error.find("An error occurred while executing"), 0) :
    ]  # nbclient's cell and traceback
    assert out.returncode == 0, f"{notebook} fails in the Binder environment:\n{error[-3000:]}"
    executed = nbformat.read(tmp_path / notebook, as_version=4)
    assert error_outputs(executed) == []
    if notebook == SMOKE:
        assert executed.cells[0].outputs[0]["text"] == "True\n"
