"""Shared fixtures for browser tests of the built book (Playwright driving Debian's Chromium).

Everything runs offline: pages are served from ``_build/html`` by a local HTTP server on
127.0.0.1, and any request to another host is **aborted and recorded** so a test can fail on
it (the published book must not depend on a CDN).

Fixtures
--------
chromium_path : str (session)
    Path of a Chromium executable: ``$CHROMIUM`` if set, else ``/usr/bin/chromium``,
    ``chromium`` or ``chromium-browser`` on ``PATH``. Skips the test with
    "install Debian's chromium: apt-get install -y chromium" when none exists.
browser : playwright.sync_api.Browser (session)
    Headless Chromium launched with :data:`CHROMIUM_ARGS` (no sandbox, no GPU, no QUIC,
    no background networking), closed at the end of the session.
book_dir : pathlib.Path (session)
    The built book, ``$CASESTUDY_BOOK_HTML`` if set, else ``<repo>/_build/html``. Skips
    with "run `make book` first" when it does not exist.
book_server : str (session)
    Base URL (``http://127.0.0.1:PORT/``) of a quiet threaded HTTP server serving
    ``book_dir``; shut down at the end of the session.
recorded_page : RecordedPage (function)
    A fresh browser context and page that records console errors, uncaught page errors,
    failed requests and requests to non-local hosts (which are aborted). Call
    ``recorded_page.goto(path)`` with a path relative to the book, and
    ``recorded_page.assert_clean()`` to fail on anything recorded.

Parametrizing arguments (by ``pytest_generate_tests`` below)
-----------------------------------------------------------
built_page : str
    A test taking ``built_page`` runs once per HTML page of the built book (a path relative
    to the book, e.g. ``"book/ch01-why.html"``; ``_static``, ``_sources`` and other
    ``_*`` folders and ``genindex``/``search`` pages are left out).
explorer_page : str
    Once per built page whose source contains ``cs-summary`` (a page with an explorer).

Without a built book these run once and skip with "run `make book` first"; with a book but
no explorer, ``explorer_page`` tests skip saying so. Test modules cannot import from this
conftest (``tests/browser`` is not a package), so everything reusable is a fixture or one
of these arguments.

Example
-------
::

    def test_page_renders(built_page, recorded_page):
        recorded_page.goto(built_page)
        recorded_page.page.locator("main h1").first.wait_for()
        recorded_page.assert_clean()
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from casestudy import PROJECT_ROOT

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "file", "chrome-extension"})
SKIP_NO_CHROMIUM = "install Debian's chromium: apt-get install -y chromium"
SKIP_NO_BOOK = "run `make book` first"


def find_chromium() -> str | None:
    """The first Chromium executable found (``$CHROMIUM`` first), or None."""
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def book_root() -> Path:
    """Where the built book is expected (``$CASESTUDY_BOOK_HTML`` overrides)."""
    return Path(os.environ.get("CASESTUDY_BOOK_HTML", PROJECT_ROOT / "_build" / "html"))


SKIPPED_PAGES = frozenset({"genindex.html", "search.html", "py-modindex.html"})


def built_pages(book_dir: Path, containing: str | None = None) -> list[str]:
    """The built book's HTML pages, relative to ``book_dir``, optionally filtered by text."""
    pages = []
    for path in sorted(book_dir.rglob("*.html")):
        parts = path.relative_to(book_dir).parts
        if any(p.startswith(("_", ".")) for p in parts[:-1]) or parts[-1] in SKIPPED_PAGES:
            continue  # _static, _sources, _sphinx_design_static, index pages ...
        if containing is None or containing in path.read_text(encoding="utf-8", errors="ignore"):
            pages.append(path.relative_to(book_dir).as_posix())
    return pages


def _page_params(containing: str | None, nothing: str) -> list[object]:
    root = book_root()
    if not root.is_dir():
        return [pytest.param(None, id="no-book", marks=pytest.mark.skip(reason=SKIP_NO_BOOK))]
    pages = built_pages(root, containing)
    return pages or [pytest.param(None, id="none", marks=pytest.mark.skip(reason=nothing))]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``built_page`` and ``explorer_page`` over the built book's pages."""
    if "built_page" in metafunc.fixturenames:
        metafunc.parametrize("built_page", _page_params(None, "the built book has no pages"))
    if "explorer_page" in metafunc.fixturenames:
        nothing = "no page of the built book contains an explorer (cs-summary)"
        metafunc.parametrize("explorer_page", _page_params("cs-summary", nothing))


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.1, data:, blob:, file:, ...)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class RecordedPage:
    """A Playwright page plus what went wrong while it was open."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def goto(self, path: str, *, wait_until: str = "load") -> object:
        """Open ``path`` (relative to the book root) and return the response."""
        return self.page.goto(self.base_url + path.lstrip("/"), wait_until=wait_until)

    def problems(self) -> dict[str, list[str]]:
        """Everything recorded so far, by kind (empty lists when clean)."""
        return {
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "failed requests": self.failed_requests,
            "requests to non-local hosts": self.external_requests,
        }

    def assert_clean(self, *, allow_console_errors: bool = False) -> None:
        """Fail listing every recorded problem (console errors optional)."""
        problems = {k: v for k, v in self.problems().items() if v}
        if allow_console_errors:
            problems.pop("console errors", None)
        assert not problems, f"Problems on {self.page.url}: {problems}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CASESTUDY_REQUIRE_BROWSER"):
            pytest.fail(
                f"CASESTUDY_REQUIRE_BROWSER is set but no Chromium was found: {SKIP_NO_CHROMIUM}"
            )
        pytest.skip(SKIP_NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def book_dir() -> Path:
    root = book_root()
    if not (root / "index.html").exists() and not any(root.glob("*.html")):
        pytest.skip(f"{SKIP_NO_BOOK} (no built book in {root})")
    return root


@pytest.fixture(scope="session")
def book_server(book_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(book_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _record(page: object, log: RecordedPage) -> None:
    page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on(
        "requestfailed",
        lambda r: is_local(r.url) and log.failed_requests.append(f"{r.url} ({r.failure})"),
    )


def _block_external(route: object, log: RecordedPage) -> None:
    url = route.request.url
    if is_local(url):
        route.continue_()
    else:
        log.external_requests.append(url)
        route.abort()


@pytest.fixture
def recorded_page(browser: object, book_server: str) -> Iterator[RecordedPage]:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.set_default_timeout(30_000)
    log = RecordedPage(page=page, base_url=book_server)
    context.route("**/*", lambda route: _block_external(route, log))
    _record(page, log)
    try:
        yield log
    finally:
        context.close()
