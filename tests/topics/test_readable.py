"""Issue 10: every widget readable at every slider's ends, for every choice of its first menu.

Text is at least 9 pt as shown (a PNG at its own size in the browser, 96 pixels per inch), the
moving artists stay inside their axes (a title inside the figure), and titles, axis labels and
legends are not cut off by the figure's edge. Set GRADLIB_PNGS to a folder to keep the pictures.
"""

import os

import ipywidgets
import pytest

from gradlib.topics import REGISTRY
from gradlib.topics import _style as style

SLIDERS = (
    ipywidgets.FloatSlider,
    ipywidgets.IntSlider,
    ipywidgets.SelectionSlider,
    ipywidgets.FloatLogSlider,
)
PNGS = os.environ.get("GRADLIB_PNGS")


def ends(slider):
    if isinstance(slider, ipywidgets.SelectionSlider):
        return slider._options_values[0], slider._options_values[-1]  # values, not (label, value)
    if isinstance(slider, ipywidgets.FloatLogSlider):
        return slider.base**slider.min, slider.base**slider.max
    return slider.min, slider.max


def outside(extent, box) -> bool:
    return (
        extent.x0 < box.x0 - 1
        or extent.x1 > box.x1 + 1
        or extent.y0 < box.y0 - 1
        or extent.y1 > box.y1 + 1
    )


def unreadable(widget) -> list[str]:
    """What is too small, out of its axes or cut off in the picture shown now."""
    fig = widget.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in widget.axes:
        box = ax.get_window_extent(renderer)
        for artist in widget.drawing.moving:
            if artist.axes is not ax or not artist.get_visible():
                continue
            extent = artist.get_window_extent(renderer)
            if extent.width or extent.height:
                if outside(extent, fig.bbox if artist is ax.title else box):
                    found.append(
                        f"{type(artist).__name__} {getattr(artist, 'get_text', str)()!r} "
                        "leaves its axes"
                    )
        legend = ax.get_legend()
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *(legend.get_texts() if legend else [])]
        for text in texts:
            if (
                text.get_visible()
                and text.get_text()
                and outside(text.get_window_extent(renderer), fig.bbox)
            ):
                found.append(f"{text.get_text()!r} is cut off by the figure's edge")
    for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        shown = text.get_fontsize() * style.DPI / 96  # points as the PNG is shown
        if text.get_visible() and text.get_text() and shown < 9 - 1e-9:
            found.append(f"{text.get_text()!r} is {shown:.1f} pt")
    return found


def choices(widget):
    """The first menu's options (each its own picture), or just the widget as it is."""
    menus = [c for c in widget.controls if isinstance(c, ipywidgets.Dropdown)]
    if not menus:
        return [(None, None)]
    return [(menus[0], value) for value in menus[0]._options_values if value not in (None, ())]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_slider_end_is_readable_and_in_view(name):
    widget = REGISTRY[name]()
    problems = {}
    for menu, value in choices(widget):
        if menu is not None:
            menu.value = value
        for slider in [c for c in widget.controls if isinstance(c, SLIDERS)]:
            start = slider.value
            for end, v in zip(("min", "max"), ends(slider), strict=True):
                slider.value = v
                where = f"{value} / {slider.description} at its {end}"
                found = unreadable(widget)
                if found:
                    problems[where] = found
                if PNGS:
                    label = "".join(ch if ch.isalnum() else "_" for ch in where)
                    with open(os.path.join(PNGS, f"{name}_{label}.png"), "wb") as out:
                        out.write(widget.png)
            slider.value = start
    assert not problems, problems
    widget.close() if hasattr(widget, "close") else None


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_no_legend_covers_the_picture(name):
    """Issue 10: GradientExplorer's legend covered the plot; legends now sit beside or under it."""
    widget = REGISTRY[name]()
    fig = widget.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in widget.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box, leg = ax.get_window_extent(renderer), legend.get_window_extent(renderer)
        overlap_w = min(box.x1, leg.x1) - max(box.x0, leg.x0)
        overlap_h = min(box.y1, leg.y1) - max(box.y0, leg.y0)
        assert min(overlap_w, overlap_h) <= 1, f"{name}: the legend lies over the axes"
        assert not outside(leg, fig.bbox), f"{name}: the legend is cut off"


def test_gradient_explorer_is_larger_and_its_menu_fits_the_names():
    """Issue 10: the explorer was 384 x 320 with a menu too narrow for the functions' names."""
    w = REGISTRY["GradientExplorer"]()
    width, height = style.png_size(w.figure)
    assert width >= 600 and height >= 380
    longest = max(len(v) for v in w.function.options)
    assert int(w.function.layout.width.rstrip("px")) >= 120 + 9 * longest


def test_jacobian_grid_image_is_not_tiny_at_the_default_size():
    """Issue 10: the mapped grid was a speck in the output axes; magnified, it fills a good part."""
    import numpy as np

    from gradlib.topics import jacobian

    w = REGISTRY["JacobianGrid"]()
    name, g = w._scene
    curved, straight = jacobian.magnified(g)
    (u0, u1), (v0, v1) = w.axes[1].get_xlim(), w.axes[1].get_ylim()
    assert np.ptp(straight[..., 0]) / (u1 - u0) > 0.4 and np.ptp(straight[..., 1]) / (v1 - v0) > 0.4


def test_shape_panel_keeps_each_formula_on_one_line():
    """Issue 10: lesson 0's side panel wrapped in the middle of a formula."""
    w = REGISTRY["ShapeExplorer"]()
    html = w.panel.value
    assert html.count("white-space:nowrap") >= 3
    assert 'white-space:nowrap">(m x n)(n x 1) = (m x 1)</div>' in html
