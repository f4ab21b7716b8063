"""An explorer in live mode responds through a real kernel, served by Voila on 127.0.0.1.

The tests write a notebook that displays ``get("invitation-budget").widget(live=True)``
and the static ``get("invitation-budget").widget()`` to a temporary folder, start Voila on
a free local port (as root too: Voila's standalone server does not refuse root, and the
kernel's runtime files stay in the temporary folder), open the page in headless Chromium,
press ArrowRight on the offer-cost slider and wait for the kernel's recomputed summary; the
static widget's browser-side links must work with a kernel too. The server is stopped in
the module fixture's teardown.

Run: ``pytest -m live tests/live/test_voila.py`` (about 30 s).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from casestudy.explorable import get

pytestmark = pytest.mark.live

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK_CELLS = (
    'from casestudy.explorable import get\nget("invitation-budget").widget(live=True)',
    'get("invitation-budget").widget()',
)
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"Voila exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"Voila did not answer {url} in {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("voila")
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or shutil.which("voila")
    if voila is None:
        pytest.skip("voila is not installed: pip install -e '.[dev]'")
    cells = [nbformat.v4.new_code_cell(code) for code in NOTEBOOK_CELLS]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, tmp_path / "explorer.ipynb")
    port = _free_port()
    env = os.environ | {"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env |= {"IPYTHONDIR": str(tmp_path / "ipython"), "MPLBACKEND": "Agg"}
    command = [voila, "explorer.ipynb", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    log = tmp_path / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}/", process, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium")) or shutil.which(
        "chromium"
    )
    if chromium is None:
        message = "install Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CASESTUDY_REQUIRE_BROWSER"):
            pytest.fail(f"CASESTUDY_REQUIRE_BROWSER is set but no Chromium was found: {message}")
        pytest.skip(message)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_page(browser: object) -> Iterator[object]:
    page = browser.new_page()
    page.route("**/*", _local_only)
    page.set_default_timeout(90_000)
    try:
        yield page
    finally:
        page.close()


def _local_only(route: object) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


def _summary(box: object) -> tuple[dict, str]:
    summary = box.locator(".cs-summary:visible").first
    return json.loads(summary.get_attribute("data-params")), summary.inner_text()


def _press_right_and_wait(page: object, box: object, expected: dict) -> tuple[dict, str]:
    box.locator(".cs-param--offer_cost .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + 30
    while _summary(box)[0] != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return _summary(box)


def test_live_explorer_recomputes_in_the_kernel(voila_url: str, live_page: object) -> None:
    explorer = get("invitation-budget")
    live_page.goto(voila_url)
    box = live_page.locator(".cs-explorer--live")
    box.locator(".cs-summary").wait_for(state="visible")
    params, text = _summary(box)
    assert params == {"offer_cost": 20, "success_rate": 0.3}
    assert text == explorer.summary_at(**params)
    expected = {"offer_cost": 25, "success_rate": 0.3}
    assert _press_right_and_wait(live_page, box, expected) == (
        expected,
        explorer.summary_at(**expected),
    )


def test_static_explorer_also_responds_with_a_kernel(voila_url: str, live_page: object) -> None:
    explorer = get("invitation-budget")
    live_page.goto(voila_url)
    box = live_page.locator(".cs-explorer:not(.cs-explorer--live)")
    box.locator(".cs-summary").wait_for(state="visible")
    expected = {"offer_cost": 25, "success_rate": 0.3}
    assert _press_right_and_wait(live_page, box, expected) == (
        expected,
        explorer.summary_at(**expected),
    )
