"""A course JupyterHub, end to end: a student follows the README's nbgitpuller link on a real
JupyterHub (127.0.0.1), logs in, gets a server, the lessons cloned and lesson 0 open; Run All is
clean and a widget answers. The teacher then pushes a change to the lesson and a new file while the
student has edited an answer cell: the second click keeps the edit and brings the change."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import psutil
import pytest
from lab_browser import (
    assert_no_errors,
    new_page,
    nudge,
    picture_digests,
    run_all,
    save,
    wait_idle,
    widget_box,
    widget_lessons,
)

from .conftest import ROOT, local_hub

pytestmark = pytest.mark.hub

FIRST = widget_lessons()[0][0]  # lesson 0, which has a widget
STUDENT = "student1"
ANSWER_STUB = "answer = None"
STUDENT_ANSWER = "answer = (2, 5)  # my answer"
TEACHER_NOTE = "Teacher's note: this week we start on Tuesday."
NEWS = "official Jupyter news"


def readme_link() -> str:
    """The nbgitpuller link in the README's teachers' section."""
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- launch:start -->")[1].split("<!-- launch:end -->")[0]
    links = re.findall(r"^\s*(https://\S+/hub/user-redirect/git-pull\?\S+)$", block, flags=re.M)
    assert len(links) == 1, links
    return links[0]


def local(link: str, hub) -> str:
    """The README's link with this hub's address and the local repository in it."""
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["repo"] = hub.repo_url
    base = urlsplit(hub.url)
    return urlunsplit((base.scheme, base.netloc, parts.path, urlencode(query), ""))


def open_link(page, link: str, lesson: str) -> None:
    """Follow an nbgitpuller link until JupyterLab shows the lesson with an idle kernel."""
    page.goto(link)
    if "/hub/login" in page.url:
        page.fill("input[name=username]", STUDENT)
        page.fill("input[name=password]", "any")
        page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(
        re.compile(rf"/user/{STUDENT}/lab/tree/.*{re.escape(lesson)}"), timeout=240_000
    )
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    wait_idle(page)


def cell_sources(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


def git(*args, cwd) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def teacher_pushes(hub, work: Path, lesson: str) -> str:
    """Clone the course repository, add a note to the lesson's title cell and a new file, push;
    return the new commit."""
    clone = work / "teacher"
    git("clone", "--quiet", str(hub.bare), str(clone), cwd=work)
    path = clone / "notebooks" / lesson
    nb = json.loads(path.read_text())
    title = nb["cells"][1]  # after the navigation cell
    title["source"] = [*title["source"][:-1], title["source"][-1] + "\n", "\n", TEACHER_NOTE]
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    (clone / "notebooks" / "week2.md").write_text("# Week 2\n\nLessons 3 and 4.\n")
    git("add", "-A", cwd=clone)
    git(
        "-c",
        "user.name=Teacher",
        "-c",
        "user.email=teacher@example.edu",
        "commit",
        "--quiet",
        "-m",
        "Note for the class; week 2 plan",
        cwd=clone,
    )
    git("push", "--quiet", "origin", "HEAD", cwd=clone)
    return git("rev-parse", "HEAD", cwd=clone).strip()


def test_readme_link_is_the_one_the_hub_prints(hub):
    assert local(readme_link(), hub) == hub.link(FIRST)
    query = parse_qs(urlsplit(hub.link(FIRST)).query)
    assert query["targetpath"] == ["gradlib-lessons"]
    assert query["urlpath"] == [f"lab/tree/gradlib-lessons/notebooks/{FIRST}"]


def test_student_follows_the_link_runs_the_lesson_and_keeps_an_edit_through_an_update(
    hub, browser, tmp_path
):
    link = local(readme_link(), hub)
    clone = hub.home(STUDENT) / "gradlib-lessons"
    with new_page(browser) as page:
        start = time.monotonic()
        open_link(page, link, FIRST)  # login, spawn, clone, lesson 0
        first_click_s = time.monotonic() - start
        assert (clone / ".git").is_dir() and (clone / "notebooks" / FIRST).exists()
        assert_no_errors(page)
        time.sleep(2)  # a news prompt would be up by now
        assert NEWS not in page.locator("body").inner_text()

        run_all(page)
        assert_no_errors(page)
        before = picture_digests(page)
        nudge(page, widget_box(page, 0))  # the kernel answers a move
        assert picture_digests(page)[0] != before[0]

        # the student answers the first exercise, in the editor, and saves
        cell = page.locator(".jp-CodeCell", has_text=ANSWER_STUB).first
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.type(STUDENT_ANSWER)
        save(page)
        sources = cell_sources(clone / "notebooks" / FIRST)
        assert any(s.startswith(STUDENT_ANSWER) for s in sources), sources

        commit = teacher_pushes(hub, tmp_path, FIRST)

        start = time.monotonic()
        open_link(page, link, FIRST)  # the second click: pull and merge
        second_click_s = time.monotonic() - start
        sources = cell_sources(clone / "notebooks" / FIRST)
        assert any(s.startswith(STUDENT_ANSWER) for s in sources), "the student's answer is gone"
        assert not any(s.startswith(ANSWER_STUB) for s in sources)
        assert TEACHER_NOTE in sources[1], "the teacher's change did not arrive"
        assert (clone / "notebooks" / "week2.md").read_text().startswith("# Week 2")
        assert git("merge-base", "--is-ancestor", commit, "HEAD", cwd=clone) == ""
        shown = page.evaluate(
            """() => {
            const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
            return Array.from({length: cells.length},"""
            """ (_, i) => cells.get(i).sharedModel.getSource());
        }"""
        )  # what JupyterLab opened: both changes
        assert shown == sources
        assert_no_errors(page)
    print(
        f"\nfirst click (login, spawn, clone, open): {first_click_s:.1f} s; "
        f"second click (pull, open): {second_click_s:.1f} s"
    )


def test_readme_recipe_make_hub_serves_the_link_and_ctrl_c_stops_everything(tmp_path):
    block = (
        (ROOT / "README.md").read_text().split("**Try a hub on your laptop**")[1].split("\n- **")[0]
    )
    commands = re.findall(r"```bash\n(.*?)```", block, flags=re.S)
    assert [c.split("#")[0].strip() for c in commands] == ["make hub"]
    port = local_hub.free_port()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "hub", f"HUB_PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    try:
        for line in make.stdout:  # up to the link, or make's end
            lines.append(line)
            if "/hub/user-redirect/git-pull?" in line:
                break
        printed = "".join(lines)
        link = lines[-1].strip()
        assert link.startswith(f"http://127.0.0.1:{port}/hub/user-redirect/git-pull?"), printed
        work = Path(re.search(r"Students' homes in (\S+)/homes", printed).group(1))
        hub_pid = int((work / "jupyterhub.pid").read_text())
        with urllib.request.urlopen(link, timeout=30) as response:  # not logged in: the login page
            assert response.status == 200 and "/hub/login" in response.url
    finally:
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal
        make.wait(timeout=90)
    deadline = time.monotonic() + 60
    while (psutil.pid_exists(hub_pid) or work.exists()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not psutil.pid_exists(hub_pid), "the hub is still running"
    assert not work.exists(), "the temporary working folder is left behind"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/login", timeout=5)
