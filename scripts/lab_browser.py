"""JupyterLab on a copy of the lessons, driven by headless Chromium (Playwright): plain functions.

Used by the browser tests (``tests/conftest.py`` wraps these in fixtures and puts scripts/ on
``sys.path``) and by ``bench/bench_widgets_browser.py`` (``import lab_browser`` the same way).

The server serves a temporary copy of notebooks/, so a run never changes the stored lessons; its
settings, workspaces and runtime files live in the same temporary directory, and news and update
checks are off (no network). It has the settings defaults every launch path ships
(binder/overrides.json, installed by scripts/lab_settings.py into its own application settings
folder, so the tests see them without writing into the environment). Screenshots go to
results/screenshots/ at the repository root.

Start-up: :func:`running_lab`, :func:`chromium`, :func:`new_page`.
Page helpers: :func:`open_lesson`, :func:`wait_idle`, :func:`run_all`, :func:`assert_no_errors`,
:func:`screenshot`, :func:`widget_box`, :func:`panel_text`, :func:`wait_panel`, :func:`image_src`,
:func:`slider_handle`, :func:`press_right`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "results" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
# Lab settings for the run: no news and no update notifications; for the tests, every cell laid
# out and painted (windowing "none"), so they can find and see every output without scrolling.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
WINDOWING = "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_settings():
    """scripts/lab_settings.py, the installer of the shipped settings defaults (a script)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lab_settings", ROOT / "scripts/lab_settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_settings(folder: Path, windowing: str | None) -> None:
    settings = dict(SETTINGS)
    if windowing is not None:
        settings[WINDOWING] = {"windowingMode": windowing}
    for rel, values in settings.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class Lab:
    """A running JupyterLab: ``url(path)`` gives an address with the token; ``root`` is the copy
    of notebooks/ it serves."""

    def __init__(self, base: str, token: str, root: Path):
        self.base, self.token, self.root = base, token, root

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"


@contextmanager
def running_lab(
    tmp: Path, start_timeout_s: float = 120, root: Path = ROOT, windowing: str | None = "none"
) -> Iterator[Lab]:
    """Start JupyterLab on 127.0.0.1 over a copy of ``root``'s notebooks/ made in the folder
    ``tmp``, its kernels importing ``root``'s gradlib; stop it (and its kernels) on exit.

    ``windowing`` is the notebooks' windowing mode; None leaves JupyterLab's default, what a
    learner has ("contentVisibility" in JupyterLab 4.6: the browser skips the cells out of view).
    """
    tmp.mkdir(parents=True, exist_ok=True)
    code = root
    root = tmp / "notebooks"
    shutil.copytree(code / "notebooks", root)
    _write_settings(tmp / "settings", windowing)
    _lab_settings().install(tmp / "app-settings")
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--LabApp.app_settings_dir={tmp / 'app-settings'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), PYTHONPATH=str(code))
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "JupyterLab did not start:\n" + (tmp / "lab.log").read_text()[-3000:]
                )
            time.sleep(0.5)
        yield Lab(base, token, root)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@contextmanager
def chromium():
    """Headless Debian Chromium with the flags this machine needs; yields a Playwright Browser."""
    from playwright.sync_api import sync_playwright  # only the browser runs need Playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser, default_timeout_ms: int = 60_000):
    """A page in a fresh browser context (no cookies or storage shared with other pages)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(default_timeout_ms)
    try:
        yield page
    finally:
        context.close()


# ---- page helpers -------------------------------------------------------------------------------
def open_lesson(page, lab: Lab, name: str) -> None:
    """Open notebooks/<name> in JupyterLab, in a workspace of its own (no tabs restored from an
    earlier test), and wait until its kernel is idle."""
    page.goto(lab.url(f"lab/workspaces/{secrets.token_hex(4)}/tree/{name}"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    wait_idle(page)


def wait_idle(page, timeout_ms: int = 180_000) -> None:
    """Wait until the current notebook's kernel exists and is idle."""
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session"""
        """ && w.sessionContext.session.kernel;
            return k && k.status === 'idle';
        }""",
        timeout=timeout_ms,
    )


def run_all(page, timeout_ms: int = 300_000) -> None:
    """Run > Run All Cells, then wait until every code cell shows an execution count and the
    kernel is idle (the commands through ``window.jupyterapp``: no menu or key binding to miss).

    The stored outputs and counts are cleared first, so a count seen afterwards is from this run.
    """
    page.evaluate("""async () => {
        await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0"""
        """ && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
        }""",
        timeout=timeout_ms,
    )
    wait_idle(page)


def assert_no_errors(page) -> None:
    """No stderr or error outputs, no 'Error displaying widget', no traceback in the notebook."""
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook").first
    text = notebook.inner_text()
    assert (
        page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).count()
        == 0
    )
    assert "Error displaying widget" not in text
    assert "Traceback" not in text


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def widget_box(page, index: int):
    """The index-th live lesson widget (its outer box) in the notebook."""
    return page.locator(".jp-OutputArea-output .widget-vbox").nth(index)


def panel_text(box) -> str:
    """The text of a widget's HTML panel, whitespace collapsed."""
    return re.sub(r"\s+", " ", box.locator(".widget-html").first.inner_text())


def wait_panel(box, *texts: str, timeout_s: float = 30.0) -> str:
    """Wait until the widget's panel shows every one of ``texts``; return the panel's text.

    The kernel sends a new picture and a new panel as two messages: after the picture has
    changed, the panel may still show the numbers from before for a moment.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        text = panel_text(box)
        if all(t in text for t in texts) or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def image_src(box) -> str:
    return box.locator("img.widget-image, .widget-image img, img").first.get_attribute("src")


def wait_new_image(page, box, before: str) -> None:
    """Wait until the widget's picture is no longer ``before`` and the kernel is idle again, so
    every update of that callback (the picture, then the panel) has arrived."""
    page.wait_for_function(
        "([img, src]) => img.getAttribute('src') !== src",
        arg=[box.locator("img").first.element_handle(), before],
    )
    wait_idle(page)


def open_and_run(page, lab: Lab, name: str, widgets: int = 1) -> list:
    """Open a lesson (the stored pictures show, no widget error), Run All, and return its first
    ``widgets`` widget boxes, each checked to be the live widget (an image and its controls)."""
    open_lesson(page, lab, name)
    assert_no_errors(page)
    assert page.locator(".jp-OutputArea-output img").count() >= widgets  # the stored start pictures
    run_all(page)
    assert_no_errors(page)
    boxes = [widget_box(page, i) for i in range(widgets)]
    for box in boxes:
        assert box.locator("img").count() == 1
        assert box.locator(".noUi-handle, select, button").count() >= 1
    return boxes


def count_sent(page):
    """Count the comm messages the page sends the kernel from now on (a click, a value a view
    changed); returns a function that reads the count."""
    page.evaluate(
        """() => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            window.__sent = 0;
            kernel.anyMessage.connect((_, args) => {
                const comm = args.msg.header.msg_type === 'comm_msg';
                if (args.direction === 'send' && comm) window.__sent++;
            });
        }"""
    )
    return lambda: page.evaluate("() => window.__sent")


def slider_handle(box, index: int):
    """The handle of slider number ``index`` (counting from 0) of a widget's box."""
    return box.locator(".widget-slider .noUi-handle, .widget-hslider .noUi-handle").nth(index)


def press_right(page, box, index: int):
    """Focus slider number ``index`` of the widget and press the right arrow key once."""
    before = image_src(box)
    slider_handle(box, index).focus()
    page.keyboard.press("ArrowRight")
    wait_new_image(page, box, before)


def widget_lessons(folder: Path = ROOT / "notebooks") -> list[tuple[str, int]]:
    """``(file name, number of widget outputs)`` of every lesson NN_*.ipynb with a widget, found
    from the stored outputs (a widget's output carries ``metadata.gradlib``), in lesson order."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        count = sum(
            "gradlib" in output.get("metadata", {})
            for cell in cells
            if cell["cell_type"] == "code"
            for output in cell["outputs"]
        )
        if count:
            found.append((path.name, count))
    return found


# ---- saving, reopening -------------------------------------------------------------------------
# The widget manager's renderer (a live view, "Loading widget..." or "Error displaying widget")
# is the one output renderer that sets no data-mime-type.
WIDGET_OUTPUT = ".jp-OutputArea-output:not([data-mime-type])"


def save(page) -> None:
    """File > Save of the current notebook; returns once the file is written."""
    page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")


def shutdown_kernels(lab: Lab) -> int:
    """Shut every session down through the REST API (its kernel with it); return how many."""
    with urllib.request.urlopen(lab.url("api/sessions"), timeout=30) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(lab.url(f"api/sessions/{session['id']}"), method="DELETE")
        urllib.request.urlopen(request, timeout=60).close()
    return len(sessions)


def wait_widget_outputs(page, count: int, timeout_ms: int = 120_000) -> None:
    """Wait until ``count`` widget outputs have finished rendering: each shows a view or an error,
    none says "Loading widget..." any more (the widget manager has restored what it can)."""
    page.wait_for_function(
        """([selector, count]) => {
            const outputs = [...document.querySelectorAll(selector)];
            return outputs.length === count && outputs.every(o =>
                !o.textContent.includes('Loading widget') && (o.querySelector('.widget-vbox img')
                                                              || o.textContent.includes('Error')));
        }""",
        arg=[WIDGET_OUTPUT, count],
        timeout=timeout_ms,
    )


def picture_digests(page) -> list[str]:
    """SHA-256 of the picture each widget output shows, in notebook order (an image's src is a
    blob: address that changes with every page, its bytes do not); "" for an image not loaded."""
    return page.evaluate(
        """async (selector) => {
            const hex = b => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0'))
                                                   .join('');
            const out = [];
            for (const o of document.querySelectorAll(selector)) {
                const img = o.querySelector('.widget-vbox img');
                if (!img || !img.complete || img.naturalWidth === 0) { out.push(''); continue; }
                const bytes = await (await fetch(img.src)).arrayBuffer();
                out.push(hex(await crypto.subtle.digest('SHA-256', bytes)));
            }
            return out;
        }""",
        WIDGET_OUTPUT,
    )


def nudge(page, box) -> None:
    """Change what a widget shows, as a learner would: its first slider one step right (left when
    it is at its right end; keyboard), else its first enabled button not already pressed, else the
    next choice of its first dropdown."""
    before = image_src(box)
    slider = box.locator(".noUi-handle")
    button = box.locator("button:not([disabled]):not(.mod-active)")
    if slider.count():
        handle = slider.first
        now, high = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemax"))
        at_end = now is not None and high is not None and float(now) >= float(high)
        handle.focus()
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
    elif button.count():
        button.first.click()
    else:
        select = box.locator("select").first
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % len(options))
    wait_new_image(page, box, before)
