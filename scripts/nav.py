#!/usr/bin/env python3
"""Generate the lessons' navigation from the lesson files themselves; never edit it by hand.

For the lessons notebooks/NN_name.ipynb it writes:

- in every lesson, the first cell (markdown, starting with ``<!-- nav -->``):
  previous | index | next, a Binder badge and an nbgitpuller link for a course JupyterHub;
- in lesson 0, the lesson index between ``<!-- index:start -->`` and ``<!-- index:end -->``;
- in README.md, the lesson list between ``<!-- lessons:start -->`` and ``<!-- lessons:end -->``,
  and, where their markers are present, the Binder badge (``badge``) and the teachers'
  launch instructions (``launch``).

A lesson's title and summary come from its title cell, the one after the navigation cell:
a markdown cell starting with ``# N. Title`` and then a one-line summary.

    python scripts/nav.py           # write what is stale
    python scripts/nav.py --check   # write nothing; exit 1 naming every stale file

Only stdlib: it runs with any Python >= 3.10, inside the venv or not.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

# Where the lessons are published. The only place that names it: a fork edits these
# lines and runs `make nav`.
REPO = "gradlib-lessons/gradlib-lessons"  # GitHub owner/name
BRANCH = "main"
HUB_PLACEHOLDER = "YOUR-HUB"
HUB = HUB_PLACEHOLDER  # a course JupyterHub's address, e.g. "hub.example.edu"

BADGE = "https://mybinder.org/badge_logo.svg"
# Zero to JupyterHub's per-student resources (guarantee, limit), from bench/bench_hub.py.
Z2JH_MEMORY = ("400M", "1G")
Z2JH_CPU = (0.05, 1)
NAV_MARKER = "<!-- nav -->"
LESSON_NAME = re.compile(r"(\d{2})_[a-z0-9_]+\.ipynb")
TITLE = re.compile(r"#\s+(\d+)\.\s+(\S.*?)\s*")


class NavError(Exception):
    """A lesson or the README is not in the shape nav.py needs; the message says how to fix it."""


@dataclass(frozen=True)
class Lesson:
    path: Path
    number: int
    title: str
    summary: str

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


def binder_url(file: str) -> str:
    """mybinder.org link opening notebooks/<file> in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/notebooks/{quote(file)}"


def hub_url(file: str, *, hub: str | None = None, repo_url: str | None = None) -> str:
    """nbgitpuller link: clone (or update) the repository on the hub, then open notebooks/<file>.

    ``targetpath`` names the folder in the student's home: without it nbgitpuller uses the last
    part of the repository address, which is ``name.git`` for an address ending in ``.git``, and
    ``urlpath`` would open a folder that does not exist. ``hub`` ("https://host" or "host") and
    ``repo_url`` replace HUB and the GitHub address (the local hub of ``make hub`` uses both).
    """
    name = REPO.split("/")[1]
    query = urlencode(
        {
            "repo": repo_url or f"https://github.com/{REPO}",
            "targetpath": name,
            "urlpath": f"lab/tree/{name}/notebooks/{file}",
            "branch": BRANCH,
        },
        quote_via=quote,
        safe="",
    )
    base = hub or HUB
    base = base if base.startswith(("http://", "https://")) else f"https://{base}"
    return f"{base}/hub/user-redirect/git-pull?{query}"


def binder_badge(file: str, alt: str = "Open in Binder") -> str:
    return f"[![{alt}]({BADGE})]({binder_url(file)})"


def hub_hint() -> str:
    """Tell teachers to put in their hub's address, for as long as the placeholder is there."""
    if HUB != HUB_PLACEHOLDER:
        return ""
    return f" (teachers: replace `{HUB_PLACEHOLDER}` in that link with your JupyterHub's address)"


def nav_cell_text(lessons: list[Lesson], i: int) -> str:
    """The first cell of lessons[i]: neighbours and index, then the launch links."""
    parts = []
    if i > 0:
        parts.append(f"[← {lessons[i - 1].heading}]({lessons[i - 1].file})")
    parts.append(f"[Index]({lessons[0].file})")
    if i + 1 < len(lessons):
        parts.append(f"[{lessons[i + 1].heading} →]({lessons[i + 1].file})")
    file = lessons[i].file
    return "\n".join(
        [
            NAV_MARKER,
            " | ".join(parts),
            "",
            f"{binder_badge(file)} or "
            f"[open on your course JupyterHub]({hub_url(file)}){hub_hint()}.",
        ]
    )


def index_lines(lessons: list[Lesson], folder: str = "", with_binder: bool = False) -> str:
    """One line per lesson: link, title and summary (and its Binder badge in the README)."""
    lines = []
    for lesson in lessons:
        line = f"- [{lesson.heading}]({folder}{lesson.file}): {lesson.summary}"
        lines.append(line + (f" {binder_badge(lesson.file, 'Binder')}" if with_binder else ""))
    return "\n".join(lines)


def launch_text(first: Lesson) -> str:
    """README's launch instructions for teachers; generated so that the address lives only here."""
    name = REPO.split("/")[1]
    if HUB == HUB_PLACEHOLDER:
        set_hub = (
            f"Replace `{HUB_PLACEHOLDER}` with your hub's address, "
            "or set `HUB` at the top of `scripts/nav.py`"
        )
    else:
        set_hub = "For another hub, set `HUB` at the top of `scripts/nav.py`"
    return (
        f"""\
- **Binder**, nothing to install: {binder_badge(first.file)} opens lesson {first.number} in
  JupyterLab, and the badge in the first cell of every lesson opens that lesson. Binder builds
  from `binder/` (the pins of `requirements.txt`, then `binder/postBuild` installs gradlib); the
  first launch after a change takes a few minutes. Sessions are temporary: download your work.
- **A course JupyterHub** with [nbgitpuller](https://nbgitpuller.readthedocs.io): this link clones
  the repository into each student's home as `{name}/` on the first click, pulls new
  commits without overwriting the student's own changes on later clicks, and opens lesson """
        f"""{first.number}:

  ```
  {hub_url(first.file)}
  ```

  {set_hub}
  and run `make nav` to put it into every lesson's link too. The students' image is the one
  repo2docker builds from this repository (as Binder does): `binder/postBuild` adds gradlib,
  nbgitpuller and jupyterhub-singleuser (`requirements-hub.txt`) and the JupyterLab settings
  of `binder/overrides.json` (a saved lesson reopens with its widgets' pictures; no news prompt).
- **Try a hub on your laptop** (what `make test-hub` checks, in headless Chromium):

  ```bash
  make hub    # JupyterHub on http://127.0.0.1:8000 serving this checkout; Ctrl-C stops it
  ```

  It needs `python3`, `make`, `git` and `npm`, builds `.hub/` the first time (the students'
  environment, and configurable-http-proxy from npm), serves this checkout's last commit with
  `git daemon` on 127.0.0.1 and prints the link above with the local hub and repository in it.
  Open it and log in with any name: lesson {first.number} opens in JupyterLab. Commit a change to
  a lesson and click the link again: the change arrives and the student's edits stay. Only for
  trying: any name logs in, and the students' servers are not isolated from each other.
- **Zero to JupyterHub on Kubernetes**, for a class of hundreds (on paper; not tested here):
  build and push the students' image with repo2docker,

  ```bash
  jupyter-repo2docker --no-run --push --user-id 1000 --user-name jovyan --ref {BRANCH} \\
      --image-name REGISTRY/{name}:TAG https://github.com/{REPO}
  ```

  and install the chart (`helm upgrade --install` of `jupyterhub/jupyterhub`, version 4, whose
  JupyterHub 5 matches the image's) with these values, your institution's authenticator added:

  ```yaml
  singleuser:
    image:
      name: REGISTRY/{name}
      tag: TAG
    defaultUrl: /lab
    memory:
      guarantee: {Z2JH_MEMORY[0]}
      limit: {Z2JH_MEMORY[1]}
    cpu:
      guarantee: {Z2JH_CPU[0]}
      limit: {Z2JH_CPU[1]}
  ```

  Then send the students the link above with your hub's address. The memory and CPU values come
  from `bench/bench_hub.py` (bench/README.md): one student running a lesson and its widgets."""
    )


def replace_block(text: str, name: str, body: str, where: str) -> str:
    """Put body between <!-- name:start --> and <!-- name:end --> (each exactly once in text)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise NavError(
            f"{where}: expected the markers {start} and {end} once each, in that order "
            f"(found {text.count(start)} and {text.count(end)}); "
            f"put them around the place for the {name}."
        )
    head, rest = text.split(start)
    return head + start + "\n" + body + "\n" + end + rest.split(end)[1]


# Notebooks are read and written as plain JSON in nbformat's own layout (sorted keys,
# indent 1, UTF-8, trailing newline, sources as lists of lines), so a notebook saved by
# nbformat (JupyterLab, run_lessons.py) and by nav.py is the same bytes.
def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump_notebook(nb: dict) -> str:
    return (
        json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False) + "\n"
    )


def cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def set_cell_text(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def has_nav_cell(cells: list[dict]) -> bool:
    return (
        bool(cells)
        and cells[0].get("cell_type") == "markdown"
        and cell_text(cells[0]).startswith(NAV_MARKER)
    )


def read_lesson(path: Path, number: int, where: str) -> Lesson:
    """Title and summary from the title cell: "# N. Title", then a one-line summary."""
    cells = read_notebook(path).get("cells", [])
    position = 1 if has_nav_cell(cells) else 0
    text = cell_text(cells[position]) if len(cells) > position else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    match = TITLE.fullmatch(lines[0]) if lines else None
    if not (
        len(cells) > position
        and cells[position].get("cell_type") == "markdown"
        and match
        and len(lines) > 1
    ):
        first = lines[0] if lines else "nothing"
        raise NavError(
            f"{where}: cell {position + 1} must be a markdown cell "
            f"with the title '# {number}. Title' and then "
            f"a one-line summary; it starts with {first!r}."
        )
    if int(match.group(1)) != number:
        raise NavError(
            f"{where}: the title says lesson {match.group(1)}, the file name says {number}; "
            "make them agree."
        )
    return Lesson(path, number, match.group(2), lines[1])


def find_lessons(root: Path) -> list[Lesson]:
    folder = root / "notebooks"
    paths = sorted(p for p in folder.glob("*.ipynb") if LESSON_NAME.fullmatch(p.name))
    if not paths:
        raise NavError(
            f"no lessons in {folder}: expected files named NN_name.ipynb, "
            "starting with 00_start_here.ipynb."
        )
    numbers = [int(p.name[:2]) for p in paths]
    if numbers[0] != 0 or len(set(numbers)) != len(numbers):
        raise NavError(
            "lessons must be numbered from 00 with no number used twice; "
            f"found {[p.name for p in paths]}."
        )
    return [read_lesson(p, n, f"notebooks/{p.name}") for p, n in zip(paths, numbers)]


def update_lesson(nb: dict, lessons: list[Lesson], i: int, where: str) -> list[str]:
    """Bring nb's generated parts up to date in place; return what was stale."""
    stale = []
    cells = nb["cells"]
    text = nav_cell_text(lessons, i)
    if not has_nav_cell(cells):
        cell = {"cell_type": "markdown", "metadata": {}, "source": []}
        if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (
            4,
            5,
        ):  # cell ids since nbformat 4.5
            cell["id"] = "nav"
        cells.insert(0, cell)
        stale.append("missing navigation cell")
    elif cell_text(cells[0]) != text:
        stale.append("navigation cell")
    set_cell_text(cells[0], text)
    if i == 0:
        holders = [
            c
            for c in cells
            if c.get("cell_type") == "markdown" and "<!-- index:start -->" in cell_text(c)
        ]
        if len(holders) != 1:
            raise NavError(
                f"{where}: expected one markdown cell with <!-- index:start --> and "
                "<!-- index:end --> "
                f"around the lesson index; found {len(holders)}."
            )
        old = cell_text(holders[0])
        new = replace_block(old, "index", index_lines(lessons), where)
        if new != old:
            set_cell_text(holders[0], new)
            stale.append("index")
    return stale


def update_readme(text: str, lessons: list[Lesson]) -> tuple[str, list[str]]:
    """README with its generated blocks up to date, and the names of the stale ones."""
    blocks = {
        "lessons": index_lines(lessons, folder="notebooks/", with_binder=True),
        "badge": binder_badge(lessons[0].file, "Binder"),
        "launch": launch_text(lessons[0]),
    }
    stale = []
    for name, body in blocks.items():
        if name != "lessons" and f"<!-- {name}:start -->" not in text:
            continue  # optional blocks: filled only where the README has their markers
        new = replace_block(text, name, body, "README.md")
        if new != text:
            stale.append(f"{name} block")
        text = new
    return text, stale


def plan(root: Path) -> dict[Path, tuple[str, list[str]]]:
    """Every stale file under root, with its new text and what was stale in it."""
    lessons = find_lessons(root)
    changes = {}
    for i, lesson in enumerate(lessons):
        nb = read_notebook(lesson.path)
        stale = update_lesson(nb, lessons, i, f"notebooks/{lesson.file}")
        if stale:
            changes[lesson.path] = (dump_notebook(nb), stale)
    readme = root / "README.md"
    if not readme.exists():
        raise NavError(
            f"{readme} does not exist; it needs <!-- lessons:start --> and <!-- lessons:end -->."
        )
    text, stale = update_readme(readme.read_text(encoding="utf-8"), lessons)
    if stale:
        changes[readme] = (text, stale)
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is stale"
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parents[1],
        help="repository root (default: this script's repository)",
    )
    args = parser.parse_args(argv)
    try:
        changes = plan(args.root)
    except NavError as error:
        print(f"nav.py: error: {error}", file=sys.stderr)
        return 2
    for path, (text, stale) in changes.items():
        where = path.relative_to(args.root)
        if args.check:
            print(
                f"stale: {where} ({', '.join(stale)}); run `python scripts/nav.py` (make nav)",
                file=sys.stderr,
            )
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"updated {where} ({', '.join(stale)})")
    return 1 if args.check and changes else 0


if __name__ == "__main__":
    sys.exit(main())
