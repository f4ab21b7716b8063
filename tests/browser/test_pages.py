"""Every page of the built book opens cleanly in headless Chromium, offline.

For each page: no console error, no uncaught error, no failed request, no request to
another host; every image loaded; maths typeset by the vendored MathJax; widgets drawn by
the vendored widget manager (never its "Error displaying widget" box). Fixtures come from
``conftest.py`` in this folder.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _broken_images(page) -> list[str]:
    return page.eval_on_selector_all(
        "img",
        "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.currentSrc || i.src || i.outerHTML.slice(0, 80))",
    )


def test_page_opens_cleanly(built_page, recorded_page):
    recorded_page.goto(built_page)
    page = recorded_page.page
    page.locator("article h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    html = page.content()

    if page.locator(".math").count():
        page.locator("mjx-container").first.wait_for(state="attached")
    if WIDGET_STATE in html:
        page.locator(".jupyter-widgets").first.wait_for(state="attached")
        assert "Error displaying widget" not in page.inner_text("body")
    assert not _broken_images(page), f"images that did not load: {_broken_images(page)}"
    recorded_page.assert_clean()


def test_every_notebook_page_has_executed_output(book_dir):
    pages = sorted((book_dir / "notebooks").glob("*.html"))
    assert pages, "the built book has no notebook pages"
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'class="cell_output' in html, f"{path.name} shows no executed output"
