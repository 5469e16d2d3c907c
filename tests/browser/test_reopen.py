"""A saved lesson reopens with its widgets' pictures, never "Error displaying widget".

JupyterLab renders a widget output by its live view, whose model dies with the kernel; the PNG
stored beside it is not used. The settings defaults every launch path ships (binder/overrides.json,
the widget manager's ``saveState``) save the widgets' state in the notebook, and a reopened lesson
shows each widget as it was last seen. Every lesson with a widget is checked, found from the
stored outputs, so a new lesson is covered without editing this file.
"""

import json
import secrets
import shutil
from pathlib import Path

import pytest
from lab_browser import (
    WIDGET_OUTPUT,
    assert_no_errors,
    new_page,
    nudge,
    open_and_run,
    open_lesson,
    picture_digests,
    save,
    screenshot,
    shutdown_kernels,
    wait_idle,
    wait_widget_outputs,
    widget_box,
    widget_lessons,
)

pytestmark = pytest.mark.browser

LESSONS = widget_lessons()
STATE = "application/vnd.jupyter.widget-state+json"


def own_copy(lab, name: str) -> str:
    """A copy of the lesson in a folder of its own: saving it leaves the lab's lessons as stored."""
    folder = f"reopen-{secrets.token_hex(4)}"
    (lab.root / folder).mkdir()
    shutil.copy(lab.root / name, lab.root / folder / name)
    return f"{folder}/{name}"


def test_every_widget_lesson_is_checked():
    # lessons 0-7 all have a widget today; a lesson loses this check only by losing its widgets
    assert [name[:2] for name, _ in LESSONS][:8] == [f"{i:02d}" for i in range(8)]


@pytest.mark.parametrize("name, widgets", LESSONS, ids=[name for name, _ in LESSONS])
def test_saved_lesson_reopens_with_each_widgets_last_picture(browser, lab, name, widgets):
    name = own_copy(lab, name)
    with new_page(browser) as page:
        boxes = open_and_run(page, lab, name, widgets)
        nudge(page, boxes[0])  # the last state is not the start state
        live = picture_digests(page)
        save(page)
    assert len(live) == widgets and all(live), live
    saved = json.loads((lab.root / name).read_text(encoding="utf-8"))
    models = saved["metadata"]["widgets"][STATE]["state"].values()
    assert sum(m["model_name"] == "ImageModel" for m in models) >= widgets
    assert shutdown_kernels(lab) >= 1

    with new_page(browser) as page:  # a new tab: nothing left of the old page
        open_lesson(page, lab, name)  # a new kernel, without any widget
        wait_widget_outputs(page, widgets)
        assert_no_errors(page)
        assert page.locator(f"{WIDGET_OUTPUT} .widget-vbox img").count() == widgets
        assert picture_digests(page) == live
        page.locator(WIDGET_OUTPUT).first.scroll_into_view_if_needed()
        screenshot(page, f"reopened_{Path(name).stem}")
    shutdown_kernels(lab)


def test_reloaded_page_shows_the_live_widget_of_the_running_kernel(page, lab):
    name, widgets = LESSONS[0]
    name = own_copy(lab, name)
    box = open_and_run(page, lab, name, widgets)[0]
    nudge(page, box)
    live = picture_digests(page)
    save(page)
    page.reload()
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    wait_idle(page)
    wait_widget_outputs(page, widgets)
    assert_no_errors(page)
    assert picture_digests(page) == live
    nudge(page, widget_box(page, 0))  # still connected: the kernel answers a move
    assert picture_digests(page)[0] != live[0]
    shutdown_kernels(lab)
