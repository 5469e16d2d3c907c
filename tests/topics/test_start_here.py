"""Lesson 0, start here: its numbers against SymPy, its widget in the kernel and in a browser."""

import pytest
from lab_browser import open_and_run, panel_text, press_right, screenshot

# ---- in a real browser (make test-browser) ------------------------------------------------


@pytest.mark.browser
def test_lesson_0_opens_clean_runs_and_shows_a_live_widget(page, lab):
    (box,) = open_and_run(page, lab, "00_start_here.ipynb")
    press_right(page, box, 0)  # n: 3 -> 4
    assert "J (2x4) @ dx (4x1) -> df (2x1)" in panel_text(box)
    box.scroll_into_view_if_needed()
    screenshot(page, "lesson0_after_interaction")
