"""scripts/nav.py: navigation cells, lesson 0's index and the README's lesson list, from the
lessons.

Generation runs on fake lessons in a temporary copy, with a made-up repository address;
the last tests check the real repository.
"""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import nav  # noqa: E402  (a script, not a package)

FILES = ["00_start_here.ipynb", "01_gradient_row.ipynb", "02_curve_column.ipynb"]
TITLES = ["Start here", "The gradient as a row", "The derivative of a curve: a column"]
README = """# Lessons

<!-- badge:start -->
<!-- badge:end -->

<!-- lessons:start -->
old list
<!-- lessons:end -->

Text after.
"""
BINDER = "https://mybinder.org/v2/gh/someone/course-x/spring?urlpath=lab/tree/notebooks/"
HUB_LINK = (
    "https://YOUR-HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fsomeone%2Fcourse-x"
    "&targetpath=course-x&urlpath=lab%2Ftree%2Fcourse-x%2Fnotebooks%2F{}&branch=spring"
)
BADGE = "https://mybinder.org/badge_logo.svg"


def lesson(i: int) -> nbformat.NotebookNode:
    cells = [new_markdown_cell(f"# {i}. {TITLES[i]}\n\n*Summary {i}, naïve: (1 × n).*\n\n- a goal")]
    if i == 0:
        cells.append(
            new_markdown_cell("## The lessons\n\n<!-- index:start -->\n<!-- index:end -->\n\nThen.")
        )
    cells.append(
        new_code_cell("print('ü')", outputs=[new_output("stream", name="stdout", text="ü\n")])
    )
    return new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """Three fake lessons, without navigation yet, and a README with the markers."""
    monkeypatch.setattr(nav, "REPO", "someone/course-x")
    monkeypatch.setattr(nav, "BRANCH", "spring")
    (tmp_path / "notebooks").mkdir()
    for i, name in enumerate(FILES):
        nbformat.write(lesson(i), tmp_path / "notebooks" / name)
    (tmp_path / "README.md").write_text(README)
    return tmp_path


def read(repo: Path, i: int) -> nbformat.NotebookNode:
    return nbformat.read(repo / "notebooks" / FILES[i], as_version=4)


def test_writes_navigation_cells_with_neighbours_and_launch_links(repo):
    assert nav.main(["--root", str(repo)]) == 0
    launch = (
        "[![Open in Binder]({badge})]({binder}{file}) or [open on your course JupyterHub]({hub}) "
        "(teachers: replace `YOUR-HUB` in that link with your JupyterHub's address)."
    )
    expected = [
        "[Index](00_start_here.ipynb) | [1. The gradient as a row →](01_gradient_row.ipynb)",
        "[← 0. Start here](00_start_here.ipynb) | [Index](00_start_here.ipynb) | "
        "[2. The derivative of a curve: a column →](02_curve_column.ipynb)",
        "[← 1. The gradient as a row](01_gradient_row.ipynb) | [Index](00_start_here.ipynb)",
    ]
    for i, line in enumerate(expected):
        first = read(repo, i).cells[0]
        assert first.cell_type == "markdown"
        assert first.source == "\n".join(
            [
                "<!-- nav -->",
                line,
                "",
                launch.format(
                    badge=BADGE, binder=BINDER, file=FILES[i], hub=HUB_LINK.format(FILES[i])
                ),
            ]
        )


def test_hub_link_is_url_encoded_and_decodes_to_the_clone_and_the_lesson(repo):
    link = nav.hub_url("03_jacobian.ipynb")
    assert link == HUB_LINK.format("03_jacobian.ipynb")
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "repo": ["https://github.com/someone/course-x"],
        "targetpath": ["course-x"],
        "urlpath": ["lab/tree/course-x/notebooks/03_jacobian.ipynb"],
        "branch": ["spring"],
    }


def test_hub_link_to_a_repository_ending_in_git_still_opens_the_clone(repo):
    # nbgitpuller names the clone after the address's last part ("course-x.git") unless targetpath
    # says otherwise; urlpath opens course-x/: both must name the same folder.
    link = nav.hub_url(
        "03_jacobian.ipynb",
        hub="http://127.0.0.1:8000",
        repo_url="git://127.0.0.1:9418/course-x.git",
    )
    assert link.startswith("http://127.0.0.1:8000/hub/user-redirect/git-pull?")
    query = parse_qs(urlsplit(link).query)
    assert query["repo"] == ["git://127.0.0.1:9418/course-x.git"]
    assert query["targetpath"] == ["course-x"]
    assert query["urlpath"][0].split("/")[2] == query["targetpath"][0]


def test_a_real_hub_drops_the_placeholder_sentence(repo, monkeypatch):
    monkeypatch.setattr(nav, "HUB", "hub.example.edu")
    assert nav.main(["--root", str(repo)]) == 0
    source = read(repo, 1).cells[0].source
    assert "](https://hub.example.edu/hub/user-redirect/git-pull?repo=" in source
    assert "YOUR-HUB" not in source and source.endswith("&branch=spring).")


def test_index_in_lesson_0_and_readme_list_in_lesson_order(repo):
    assert nav.main(["--root", str(repo)]) == 0
    index = read(repo, 0).cells[2].source
    assert index == "\n".join(
        [
            "## The lessons",
            "",
            "<!-- index:start -->",
            "- [0. Start here](00_start_here.ipynb): *Summary 0, naïve: (1 × n).*",
            "- [1. The gradient as a row](01_gradient_row.ipynb): *Summary 1, naïve: (1 × n).*",
            "- [2. The derivative of a curve: a column](02_curve_column.ipynb): *Summary 2, naïve: "
            "(1 × n).*",
            "<!-- index:end -->",
            "",
            "Then.",
        ]
    )
    readme = (repo / "README.md").read_text()
    lines = [
        f"- [{i}. {TITLES[i]}](notebooks/{FILES[i]}): *Summary {i}, naïve: (1 × n).* "
        f"[![Binder]({BADGE})]({BINDER}{FILES[i]})"
        for i in range(3)
    ]
    assert readme == README.replace("old list", "\n".join(lines)).replace(
        "<!-- badge:start -->\n",
        f"<!-- badge:start -->\n[![Binder]({BADGE})]({BINDER}00_start_here.ipynb)\n",
    )


def test_rest_of_each_notebook_is_kept_and_stays_in_nbformat_layout(repo):
    before = [read(repo, i) for i in range(3)]
    assert nav.main(["--root", str(repo)]) == 0
    for i in range(3):
        path = repo / "notebooks" / FILES[i]
        after = nbformat.read(path, as_version=4)
        nbformat.validate(after)
        assert after.cells[0].id == "nav"
        # every cell but the navigation cell and lesson 0's index cell is as it was
        assert [c for c in after.cells[1:] if "index:start" not in c.source] == [
            c for c in before[i].cells if "index:start" not in c.source
        ]
        assert after.metadata == before[i].metadata
        # nbformat (JupyterLab, run_lessons.py) writes exactly these bytes back: no fight over
        # layout
        assert path.read_text(encoding="utf-8") == nbformat.writes(after) + "\n"


def test_second_run_changes_nothing_and_check_passes(repo, capsys):
    assert nav.main(["--root", str(repo)]) == 0
    first = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert nav.main(["--root", str(repo)]) == 0
    assert nav.main(["--root", str(repo), "--check"]) == 0
    assert capsys.readouterr().out == ""
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == first


def test_check_names_every_stale_file_and_writes_nothing(repo, capsys):
    assert nav.main(["--root", str(repo)]) == 0
    nb = read(repo, 1)
    nb.cells[1].source = nb.cells[1].source.replace("The gradient as a row", "Gradients are rows")
    nbformat.write(nb, repo / "notebooks" / FILES[1])
    files = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert nav.main(["--root", str(repo), "--check"]) == 1
    stale = sorted(line.split(" (")[0] for line in capsys.readouterr().err.splitlines())
    # lesson 1's title shows in its neighbours' navigation, the index and the README
    assert stale == [
        "stale: README.md",
        "stale: notebooks/00_start_here.ipynb",
        "stale: notebooks/02_curve_column.ipynb",
    ]
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == files


def test_check_flags_a_lesson_without_navigation_cell(repo, capsys):
    assert nav.main(["--root", str(repo), "--check"]) == 1
    err = capsys.readouterr().err
    assert (
        "stale: notebooks/01_gradient_row.ipynb (missing navigation cell); run `python "
        "scripts/nav.py`" in err
    )


@pytest.mark.parametrize(
    "title, message",
    [
        (
            "## Gradients\n\nSummary.",
            "notebooks/01_gradient_row.ipynb: cell 1 must be a markdown cell with the title "
            "'# 1. Title' and then a one-line summary; it starts with '## Gradients'.",
        ),
        (
            "# 1. Gradients",
            "notebooks/01_gradient_row.ipynb: cell 1 must be a markdown cell with the title "
            "'# 1. Title' and then a one-line summary; it starts with '# 1. Gradients'.",
        ),
        (
            "# 4. Gradients\n*Summary.*",
            "notebooks/01_gradient_row.ipynb: the title says lesson 4, the file name says 1; "
            "make them agree.",
        ),
    ],
)
def test_malformed_title_cell_is_explained(repo, capsys, title, message):
    nb = read(repo, 1)
    nb.cells[0].source = title
    nbformat.write(nb, repo / "notebooks" / FILES[1])
    assert nav.main(["--root", str(repo), "--check"]) == 2
    assert capsys.readouterr().err == f"nav.py: error: {message}\n"


def test_missing_readme_markers_are_explained(repo, capsys):
    (repo / "README.md").write_text("# Lessons\n")
    assert nav.main(["--root", str(repo)]) == 2
    assert capsys.readouterr().err == (
        "nav.py: error: README.md: expected the markers <!-- lessons:start --> and <!-- "
        "lessons:end --> once each, "
        "in that order (found 0 and 0); put them around the place for the lessons.\n"
    )


def test_real_repository_navigation_is_up_to_date():
    out = subprocess.run(
        [sys.executable, ROOT / "scripts" / "nav.py", "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_repository_address_is_written_only_by_nav():
    """A fork edits REPO in scripts/nav.py: no hand-written copy of the address may hide
    elsewhere."""
    generated = re.compile(r"<!-- (\w+):start -->.*?<!-- \1:end -->", re.S)
    texts = {"README.md": generated.sub("", (ROOT / "README.md").read_text())}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        texts[path.name] = "\n".join(
            generated.sub("", c.source) for c in cells if not c.source.startswith("<!-- nav -->")
        )
    for name, text in texts.items():
        for address in (nav.REPO, "mybinder.org/v2/", "git-pull?"):
            assert address not in text, (
                f"{name} names {address} by hand; let scripts/nav.py write it"
            )
