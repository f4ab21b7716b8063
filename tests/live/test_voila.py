"""An explorer in live mode responds through a real kernel, served by Voila on 127.0.0.1.

The test writes a one-cell notebook that displays ``get("invitation-budget").widget(live=True)``
to ``tmp_path``, starts Voila on a free local port (as root too: Voila's standalone server
does not refuse root, and the kernel's files stay under ``tmp_path``), opens the page in
headless Chromium, presses ArrowRight on the offer-cost slider and waits for the kernel's
recomputed summary. The server is stopped in the fixture's teardown.

Run: ``pytest -m live tests/live/test_voila.py`` (about 20 s).
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
NOTEBOOK_CODE = 'from casestudy.explorable import get\nget("invitation-budget").widget(live=True)'
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


@pytest.fixture
def voila_url(tmp_path: Path) -> Iterator[str]:
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or shutil.which("voila")
    if voila is None:
        pytest.skip("voila is not installed: pip install -e '.[dev]'")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK_CODE)])
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


@pytest.fixture
def live_page() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium")) or shutil.which(
        "chromium"
    )
    if chromium is None:
        pytest.skip("install Debian's chromium: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", _local_only)
            page.set_default_timeout(90_000)
            yield page
        finally:
            browser.close()


def _local_only(route: object) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


def _summary(page: object) -> tuple[dict, str]:
    summary = page.locator(".cs-explorer .cs-summary").first
    return json.loads(summary.get_attribute("data-params")), summary.inner_text()


def test_live_explorer_recomputes_in_the_kernel(voila_url: str, live_page: object) -> None:
    explorer = get("invitation-budget")
    live_page.goto(voila_url)
    live_page.locator(".cs-explorer--live .cs-summary").wait_for(state="visible")
    params, text = _summary(live_page)
    assert params == {"offer_cost": 20, "success_rate": 0.3}
    assert text == explorer.summary_at(**params)
    live_page.locator(".cs-param--offer_cost .noUi-handle").focus()
    live_page.keyboard.press("ArrowRight")
    expected = {"offer_cost": 25, "success_rate": 0.3}
    live_page.wait_for_function(
        "p => JSON.parse(document.querySelector('.cs-explorer .cs-summary').dataset.params)"
        ".offer_cost === p",
        arg=expected["offer_cost"],
        timeout=30_000,
    )
    assert _summary(live_page) == (expected, explorer.summary_at(**expected))
