"""Students at once on the local course JupyterHub: spawn, Run All, widget moves, memory.

Starts the hub of ``make hub`` (scripts/local_hub.py: JupyterHub, configurable-http-proxy, the
students' servers as local processes, all on 127.0.0.1) and, for N = 1, 4, 8, 10 students at once,
drives each student through the hub's REST API and the proxy, as a browser would:

1. spawn: create the user and start their server (``POST /hub/api/users/<name>/server``), then
   poll until the hub reports it ready;
2. Run All: start a kernel on the student's server and execute every code cell of lesson 1 in
   order over the kernel's websocket (through the proxy), each waited for; any error fails the run;
3. 20 widget moves: the messages a browser sends when a slider moves (a ``comm_msg`` "update" of
   the slider's model, a new value each time), each timed until the kernel's new picture for the
   widget's image model (a ``comm_msg`` with the PNG as its buffer) is back. No browser per
   student: the frontend's part (drawing the PNG) is left out; bench_widgets_browser.py times it;
4. memory: resident (RSS) and unique (USS) memory of the student's server and kernel together,
   after the moves.

Then every server is stopped before the next N. It prints the slowest spawn, the median Run All,
the move round trip (median, p95) and the memory per student, and the capacity they imply.

    .venv/bin/python bench/bench_hub.py                 # N = 1 4 8 10 (make hub-env first)
    .venv/bin/python bench/bench_hub.py --students 2 --moves 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import struct
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import local_hub  # noqa: E402  (a script, not a package)

LESSON = "01_gradient_row.ipynb"
SLIDERS = {"FloatSliderModel", "IntSliderModel"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MOVE_TARGET_MS = 200.0  # p95 of a move's round trip that still feels immediate


@dataclass
class Student:
    name: str
    spawn_s: float = 0.0
    run_all_s: float = 0.0
    moves_ms: list = field(default_factory=list)
    rss_mib: float = 0.0
    uss_mib: float = 0.0


class Kernel:
    """A kernel's websocket through the hub's proxy: send messages, wait for matching replies."""

    def __init__(self, ws):
        self.ws, self.session = ws, uuid.uuid4().hex
        self.models: dict[str, dict] = {}  # widget models seen: comm_id -> state
        self.views: list[str] = []  # widget views displayed, in order: model ids

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": "bench",
            "date": "",
            "version": "5.3",
        }
        self.ws.write_message(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": channel,
                    "buffers": [],
                }
            )
        )
        return msg_id

    async def receive(self, timeout: float) -> dict:
        raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        if raw is None:
            raise RuntimeError("the kernel's websocket closed")
        if isinstance(raw, bytes):  # a message with buffers: count, offsets, JSON, buffers
            count = struct.unpack("!I", raw[:4])[0]
            offsets = struct.unpack(f"!{count}I", raw[4 : 4 + 4 * count])
            msg = json.loads(raw[offsets[0] : offsets[1] if count > 1 else None])
            msg["buffers"] = count - 1
        else:
            msg = json.loads(raw)
            msg["buffers"] = 0
        kind, content = msg["header"]["msg_type"], msg["content"]
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"]["state"])
        elif kind == "comm_msg" and content["data"].get("method") == "update":
            self.models.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
        elif kind in ("display_data", "execute_result") and WIDGET_VIEW in content.get("data", {}):
            self.views.append(content["data"][WIDGET_VIEW]["model_id"])
        return msg

    async def execute(self, code: str, timeout: float = 300) -> None:
        msg_id = self.send(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        reply = idle = False
        deadline = time.monotonic() + timeout
        while not (reply and idle):
            msg = await self.receive(deadline - time.monotonic())
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["header"]["msg_type"] == "execute_reply":
                if msg["content"]["status"] != "ok":
                    raise RuntimeError(
                        f"cell failed: {msg['content'].get('ename')}: "
                        f"{msg['content'].get('evalue')}"
                        f"\n{code[:300]}"
                    )
                reply = True
            elif msg["header"]["msg_type"] == "error":
                raise RuntimeError(
                    f"cell failed: {msg['content']['ename']}: {msg['content']['evalue']}"
                )
            elif (
                msg["header"]["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                idle = True

    def descendants(self, model_id: str):
        """The widget model and every model among its children, depth first."""
        yield model_id
        for child in self.models.get(model_id, {}).get("children", []):
            yield from self.descendants(child.removeprefix("IPY_MODEL_"))

    async def move(self, slider: str, image: str, value, timeout: float = 60) -> float:
        """Set the slider as a browser does; milliseconds until the new PNG of ``image`` is back."""
        start = time.perf_counter()
        msg_id = self.send(
            "comm_msg",
            {
                "comm_id": slider,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
            },
        )
        deadline = time.monotonic() + timeout
        while True:
            msg = await self.receive(deadline - time.monotonic())
            if (
                msg["header"]["msg_type"] == "comm_msg"
                and msg["content"]["comm_id"] == image
                and msg["parent_header"].get("msg_id") == msg_id
                and msg["buffers"]
            ):
                return (time.perf_counter() - start) * 1e3


def code_cells(lesson: Path) -> list[str]:
    cells = json.loads(lesson.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def moves(state: dict, count: int) -> list:
    """``count`` slider values spread over its range, each different from the one before."""
    low, high, step = state["min"], state["max"], state["step"] or 1
    positions = int(round((high - low) / step))
    values, last = [], state["value"]
    for k in range(count):
        value = low + round(((k + 1) * 0.382 % 1) * positions) * step
        if abs(value - last) < step / 2:
            value = low + ((round((value - low) / step) + 1) % (positions + 1)) * step
        value = round(value, 10)
        values.append(value)
        last = value
    return values


def user_processes(name: str) -> list[psutil.Process]:
    """The student's server and kernel: processes whose environment names the student."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("JUPYTERHUB_USER") == name:
                found.append(proc)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return found


async def student_session(
    hub: local_hub.Hub, student: Student, cells: list[str], n_moves: int
) -> None:
    http = AsyncHTTPClient()
    auth = {"Authorization": f"token {hub.token}"}

    async def call(method, url, body=None, timeout=300):
        request = HTTPRequest(
            url,
            method=method,
            headers=auth,
            request_timeout=timeout,
            body=json.dumps(body) if body is not None else (b"" if method == "POST" else None),
        )
        response = await http.fetch(request, raise_error=True)
        return json.loads(response.body) if response.body else None

    api = f"{hub.url}/hub/api/users/{student.name}"
    start = time.perf_counter()
    await call("POST", api)
    await call("POST", f"{api}/server")
    deadline = time.monotonic() + 300
    while True:
        server = (await call("GET", api))["servers"].get("")
        if server and server.get("ready"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{student.name}'s server did not start within 300 s")
        await asyncio.sleep(0.25)
    student.spawn_s = time.perf_counter() - start

    base = f"{hub.url}/user/{student.name}/api/kernels"
    kernel_id = (await call("POST", base, {"name": "python3"}))["id"]
    ws = await websocket_connect(
        HTTPRequest(f"{base.replace('http', 'ws', 1)}/{kernel_id}/channels", headers=auth),
        max_message_size=64 << 20,
    )
    kernel = Kernel(ws)
    try:
        start = time.perf_counter()
        for code in cells:
            await kernel.execute(code)
        student.run_all_s = time.perf_counter() - start

        box = kernel.views[0]  # the lesson's first widget
        family = list(kernel.descendants(box))
        slider = next(m for m in family if kernel.models[m].get("_model_name") in SLIDERS)
        image = next(m for m in family if kernel.models[m].get("_model_name") == "ImageModel")
        for value in moves(kernel.models[slider], n_moves):
            student.moves_ms.append(await kernel.move(slider, image, value))

        procs = user_processes(student.name)
        student.rss_mib = sum(p.memory_info().rss for p in procs) / 2**20
        student.uss_mib = sum(p.memory_full_info().uss for p in procs) / 2**20
        if len(procs) < 2:
            raise RuntimeError(
                f"found {len(procs)} processes of {student.name}, expected a server and a kernel"
            )
    finally:
        ws.close()


async def stop_all(hub: local_hub.Hub, students: list[Student]) -> None:
    http = AsyncHTTPClient()
    auth = {"Authorization": f"token {hub.token}"}
    for s in students:
        await http.fetch(
            HTTPRequest(
                f"{hub.url}/hub/api/users/{s.name}/server",
                method="DELETE",
                headers=auth,
                request_timeout=120,
            ),
            raise_error=False,
        )
    deadline = time.monotonic() + 120
    while any(user_processes(s.name) for s in students) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def round_of(hub: local_hub.Hub, n: int, cells: list[str], n_moves: int) -> list[Student]:
    students = [Student(f"n{n}-student{i + 1}") for i in range(n)]
    try:
        await asyncio.gather(*(student_session(hub, s, cells, n_moves) for s in students))
    finally:
        await stop_all(hub, students)
    return students


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 4, 8, 10])
    parser.add_argument("--moves", type=int, default=20)
    args = parser.parse_args(argv)
    cells = code_cells(ROOT / "notebooks" / LESSON)
    cores = os.cpu_count()
    total_gib = psutil.virtual_memory().total / 2**30
    print(
        f"# Course JupyterHub, students at once: {platform.node() or 'this machine'}, {cores} "
        "cores, "
        f"{total_gib:.0f} GiB; Python {platform.python_version()}"
    )
    print(
        f"# each student: spawn, Run All of {LESSON} ({len(cells)} code cells), {args.moves} "
        "slider moves of its "
        "first widget (comm messages as a browser sends them, no browser)\n"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as work:
        with local_hub.running_hub(Path(work)) as hub:
            for n in args.students:
                started = time.perf_counter()
                students = asyncio.run(round_of(hub, n, cells, args.moves))
                moves_ms = [m for s in students for m in s.moves_ms]
                rows.append(
                    {
                        "N": n,
                        "slowest spawn (s)": max(s.spawn_s for s in students),
                        "median Run All (s)": statistics.median(s.run_all_s for s in students),
                        "slowest Run All (s)": max(s.run_all_s for s in students),
                        "move median (ms)": statistics.median(moves_ms),
                        "move p95 (ms)": percentile(moves_ms, 0.95),
                        "RSS / student (MiB)": statistics.mean(s.rss_mib for s in students),
                        "USS / student (MiB)": statistics.mean(s.uss_mib for s in students),
                        "round (s)": time.perf_counter() - started,
                    }
                )
                print(f"N = {n} done in {rows[-1]['round (s)']:.0f} s", file=sys.stderr, flush=True)
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---:|" * len(header))
    for row in rows:
        print(
            "| "
            + " | ".join(
                f"{row[h]:.0f}" if h == "N" else f"{row[h]:.1f}" if "(s)" in h else f"{row[h]:.0f}"
                for h in header
            )
            + " |"
        )
    ok = [r["N"] for r in rows if r["move p95 (ms)"] <= MOVE_TARGET_MS]
    uss = max(r["USS / student (MiB)"] for r in rows)
    rss = max(r["RSS / student (MiB)"] for r in rows)
    print(
        f"\nCapacity: moves stay under {MOVE_TARGET_MS:.0f} ms (p95) up to N = "
        f"{max(ok) if ok else 0} of the "
        f"N tested on {cores} cores, i.e. at least {(max(ok) if ok else 0) / cores:.1f} active "
        "students per core; "
        f"memory {uss:.0f} MiB unique ({rss:.0f} MiB resident) per student, i.e. about "
        f"{1024 / uss:.1f} students "
        f"per GiB (with shared libraries counted once), {1024 / rss:.1f} counting each student's "
        "RSS in full."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
