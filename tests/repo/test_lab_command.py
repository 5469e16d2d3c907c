"""The README's `make lab` starts JupyterLab serving the first lesson (on a port and token we
choose)."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group (JupyterLab shuts down cleanly), SIGKILL after 20 s."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        process.poll()  # reap make, or it would keep the group alive
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_make_lab_serves_the_first_lesson(tmp_path):
    first = sorted((ROOT / "notebooks").glob("00_*.ipynb"))
    assert len(first) == 1, f"expected one first lesson notebooks/00_*.ipynb, found {first}"
    lesson = f"notebooks/{first[0].name}"
    port, token = free_port(), secrets.token_hex(16)
    # -o: the suite already runs inside .venv; never rebuild it under the running tests.
    command = [
        "make",
        "-o",
        ".venv/.installed",
        "lab",
        f"PORT={port}",
        f"LAB_ARGS=--no-browser --IdentityProvider.token={token}",
    ]
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    log = open(tmp_path / "lab.log", "w+")
    # its own process group: make, jupyter and the kernels it may start all go at the end
    lab = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                status, body = get(f"{base}/api/contents/{lesson}?token={token}")
            except OSError:  # not listening yet
                status = None
            if status == 200:
                break
            time.sleep(0.5)
        log.seek(0)
        # the log without our polling requests; it says which folder is served
        lines = "".join(line for line in log if "/api/contents/" not in line)
        assert status == 200, (
            f"no 200 for /api/contents/{lesson} within 60 s (last: {status}); log:\n{lines[-3000:]}"
        )
        model = json.loads(body)
        assert (model["path"], model["type"]) == (lesson, "notebook")
        assert model["content"]["nbformat"] == 4 and model["content"]["cells"]
        status, page = get(f"{base}/lab/tree/{lesson}?token={token}")
        assert status == 200 and b"JupyterLab" in page and lesson.encode() in page
        # the token really guards the server: without it the contents API refuses
        assert get(f"{base}/api/contents/{lesson}")[0] == 403
    finally:
        stop(lab)
        log.close()
