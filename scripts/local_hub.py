#!/usr/bin/env python3
"""A course JupyterHub on this machine, serving the lessons of this checkout: ``make hub``.

It starts, all on 127.0.0.1:

* ``git daemon`` serving a bare copy of this checkout's HEAD (as branch ``nav.BRANCH``), the
  stand-in for the course's GitHub repository;
* JupyterHub (hub/jupyterhub_config.py) with its proxy, configurable-http-proxy from npm: any
  name logs in without a password, each student gets a JupyterLab in ``homes/<name>``;

and prints the README's nbgitpuller link with this hub and this repository in it. Ctrl-C stops
everything. ``make hub`` first builds the hub's environment in .hub/ (``make hub-env``).

    python scripts/local_hub.py [--port 8000] [--workdir DIR]

The tests (tests/hub/) and the benchmark (bench/bench_hub.py) use :func:`running_hub`.
Only stdlib, and psutil (in the lessons' lock) to stop every process the hub started.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nav  # noqa: E402  (a script, beside this one)

HUB_ENV = ROOT / ".hub"
CONFIG = ROOT / "hub" / "jupyterhub_config.py"
NAME = nav.REPO.split("/")[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hub:
    """A running hub: its address, an admin API token, where students' homes are, the repository."""

    url: str  # http://127.0.0.1:PORT
    token: str  # API token of the "course-admin" service
    work: Path  # the hub's working folder
    repo_url: str  # git://127.0.0.1:PORT/<name>.git, served by git daemon
    bare: Path  # the bare repository behind repo_url (a teacher pushes here)

    def link(self, lesson: str) -> str:
        """The README's nbgitpuller link to notebooks/<lesson>, for this hub and repository."""
        return nav.hub_url(lesson, hub=self.url, repo_url=self.repo_url)

    def home(self, user: str) -> Path:
        return self.work / "homes" / user

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 60):
        """Call the hub's REST API (``path`` after /hub/api/); return the decoded JSON or None."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}/hub/api/{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
        return json.loads(text) if text else None


def _wait(check, what: str, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s\n{tail}")
        time.sleep(0.3)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/hub/health", timeout=3) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def serve_repository(repo: Path, folder: Path) -> Path:
    """A bare copy of ``repo``'s HEAD as branch nav.BRANCH in folder/<name>.git; returns its
    path."""
    bare = folder / f"{NAME}.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "push", "--quiet", str(bare), f"HEAD:refs/heads/{nav.BRANCH}"],
        check=True,
    )
    subprocess.run(
        ["git", "-C", str(bare), "symbolic-ref", "HEAD", f"refs/heads/{nav.BRANCH}"], check=True
    )
    return bare


def stop_tree(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to a process (the hub stops its proxy and the students' servers itself), then
    SIGKILL to whatever it started that is still there."""
    if proc.poll() is not None:
        return
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for child in family:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


@contextmanager
def running_hub(
    work: Path,
    *,
    port: int | None = None,
    env_dir: Path = HUB_ENV,
    repo: Path = ROOT,
    spawner_args: list[str] = (),
    start_timeout: float = 120,
):
    """Start git daemon and JupyterHub in the empty folder ``work``; yield a :class:`Hub`; stop
    both."""
    python, proxy = (
        env_dir / "venv" / "bin" / "python",
        env_dir / "node_modules" / ".bin" / "configurable-http-proxy",
    )
    for path in (python, proxy):
        if not path.exists():
            raise RuntimeError(f"{path} is missing: run `make hub-env` first (it builds {env_dir})")
    work = Path(work)
    (work / "homes").mkdir(parents=True, exist_ok=True)
    (work / "git").mkdir(exist_ok=True)
    bare = serve_repository(repo, work / "git")
    git_port, port = free_port(), port or free_port()
    daemon = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--export-all",
            f"--base-path={work / 'git'}",
            "--listen=127.0.0.1",
            f"--port={git_port}",
            str(work / "git"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(work / "git-daemon.log", "w"),
    )
    token = secrets.token_hex(32)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
        GRADLIB_HUB_DIR=str(work),
        GRADLIB_HUB_PORT=str(port),
        GRADLIB_HUB_API_PORT=str(free_port()),
        GRADLIB_HUB_PROXY_API=str(free_port()),
        GRADLIB_HUB_PROXY=str(proxy),
        GRADLIB_HUB_TOKEN=token,
        GRADLIB_HUB_SPAWNER_ARGS=json.dumps(list(spawner_args)),
    )
    log = work / "jupyterhub.log"
    hub = subprocess.Popen(
        [str(python.parent / "jupyterhub"), "-f", str(CONFIG)],
        cwd=work,
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _listening(git_port), "git daemon", 30, work / "git-daemon.log")
        _wait(lambda: hub.poll() is None and _healthy(url), "JupyterHub", start_timeout, log)
        yield Hub(url, token, work, f"git://127.0.0.1:{git_port}/{NAME}.git", bare)
    finally:
        stop_tree(hub)
        stop_tree(daemon)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="working folder (default: a new temporary one, removed at the end)",
    )
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="gradlib-hub-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as on Ctrl-C
    # Ctrl-C stops everything even when this was started with SIGINT ignored, as a shell script's
    # background job is (Python then leaves SIGINT ignored, and the hub's test could not stop it)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with running_hub(work, port=args.port) as hub:
            first = nav.find_lessons(ROOT)[0].file
            print(
                f"JupyterHub on {hub.url}/ : log in with any name, no password.\n"
                f"Lessons served from this checkout's HEAD at {hub.repo_url}\n"
                f"Students' homes in {hub.work / 'homes'}\n"
                f"nbgitpuller link to lesson 0 (open it in a browser):\n{hub.link(first)}\n"
                "Ctrl-C stops the hub, the students' servers and git daemon.",
                flush=True,
            )
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
