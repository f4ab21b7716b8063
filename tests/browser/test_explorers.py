"""Every explorer in the built book responds to the keyboard with no kernel and no network.

For each built page whose source contains ``cs-summary``, the test opens the page from a
local HTTP server, finds each explorer (``.cs-explorer``), and for each slider focuses its
handle and presses ArrowRight then ArrowLeft (ArrowLeft first at the top of the grid);
dropdowns select the next option and back, toggles click the other button and back. After
each move the visible summary must show the parameters of the new grid position and
the text that :meth:`casestudy.explorable.Explorer.summary_at` computes for them, from the
package registry, independently of the page. Any request to a non-local host fails the test.

Run: ``pytest -m browser tests/browser/test_explorers.py`` after ``make book``;
``CASESTUDY_BOOK_HTML=/path/to/html`` points it at another build.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest

from casestudy.explorable import Dropdown, Explorer, Slider, Toggle, get

pytestmark = [pytest.mark.browser, pytest.mark.book]

SETTLE_SECONDS = 10.0


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _grid_index(control: Slider | Dropdown | Toggle, value: Any) -> int:
    for i, candidate in enumerate(control.values):
        numbers = isinstance(value, float) and isinstance(candidate, int | float)
        if candidate == value or (numbers and math.isclose(candidate, value, rel_tol=1e-9)):
            return i
    raise AssertionError(f"{value!r} is not on the grid of {control.name!r}: {control.values}")


def _visible_summary(box: Any) -> tuple[dict[str, Any], str]:
    summary = box.locator(".cs-summary:visible")
    summary.first.wait_for(state="visible")
    assert summary.count() == 1, "each explorer must show exactly one summary at a time"
    return json.loads(summary.first.get_attribute("data-params")), summary.first.inner_text()


def _wait_for_params(box: Any, expected: dict[str, Any]) -> str:
    """Wait until the visible summary shows ``expected`` parameters; return its text."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        params, text = _visible_summary(box)
        if params == expected or time.monotonic() > deadline:
            assert params == expected, "the summary did not switch to the new grid position"
            return text
        time.sleep(0.05)


def _explorer_name(box: Any) -> str:
    classes = box.get_attribute("class").split()
    assert "cs-explorer--live" not in classes, "live explorers do nothing in a static page"
    names = [c.removeprefix("cs-explorer--") for c in classes if c.startswith("cs-explorer--")]
    assert len(names) == 1, f"explorer box without a cs-explorer--NAME class: {classes}"
    return names[0]


def _move(page: Any, box: Any, control: Any, index: int, step: int) -> None:
    """Move ``control`` one position the way a reader would."""
    widget = box.locator(f".cs-param--{control.name}")
    if isinstance(control, Slider):
        widget.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight" if step > 0 else "ArrowLeft")
    elif isinstance(control, Dropdown):
        widget.locator("select").select_option(index=index + step)
    else:
        widget.locator("button").nth(index + step).click()


def _step_and_check(page: Any, box: Any, explorer: Explorer, control: Any, step: int) -> None:
    params, _ = _visible_summary(box)
    index = _grid_index(control, params[control.name])
    _move(page, box, control, index, step)
    expected = params | {control.name: control.values[index + step]}
    text = _wait_for_params(box, expected)
    assert _normalise(text) == _normalise(explorer.summary_at(**expected))


def _check_accessible(box: Any) -> None:
    """Every control has a visible label; every visible figure has alt text."""
    controls = box.locator(".cs-control")
    for i in range(controls.count()):
        label = controls.nth(i).locator("label.widget-label").first.inner_text()
        assert label.strip(), "every explorer control needs a visible label"
    figures = box.locator("img.cs-figure:visible")
    for i in range(figures.count()):
        assert (figures.nth(i).get_attribute("alt") or "").strip(), "figure without alt text"


def _check_explorer(page: Any, box: Any) -> None:
    name = _explorer_name(box)
    explorer = get(name)  # from the package registry; fails if the name is unknown
    _check_accessible(box)
    params, text = _visible_summary(box)
    assert _normalise(text) == _normalise(explorer.summary_at(**params))
    for control in explorer.controls:
        if len(control.values) < 2:
            continue
        at_top = _grid_index(control, params[control.name]) == len(control.values) - 1
        for step in (-1, 1) if at_top else (1, -1):
            _step_and_check(page, box, explorer, control, step)


def test_explorers_respond_without_kernel_or_network(
    explorer_page: str, recorded_page: Any
) -> None:
    """``explorer_page`` runs over every built page with an explorer (see conftest.py)."""
    recorded_page.goto(explorer_page)
    page = recorded_page.page
    boxes = page.locator(".cs-explorer")
    boxes.first.wait_for(state="visible")
    for i in range(boxes.count()):
        _check_explorer(page, boxes.nth(i))
    assert not recorded_page.external_requests, (
        f"requests to non-local hosts: {recorded_page.external_requests}"
    )
