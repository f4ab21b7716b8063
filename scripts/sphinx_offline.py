"""A small Sphinx extension that keeps the published book free of network dependencies.

Jupyter Book 1 always loads sphinx-thebe (live code cells through Binder). This book does
not use it, and its set-up script names a CDN address and is added twice to every page,
which raises "Identifier 'THEBE_JS_URL' has already been declared" in the browser. This
extension removes sphinx-thebe's scripts and stylesheet from each page as it is written.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe", "thebe@")


def _is_thebe(asset: Any) -> bool:
    """True for a script or stylesheet entry that belongs to sphinx-thebe."""
    text = f"{getattr(asset, 'filename', '') or ''} {getattr(asset, 'attributes', {})}"
    return any(marker in text or marker in str(asset) for marker in THEBE_MARKERS)


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Remove sphinx-thebe's assets from the page about to be written."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the page hook."""
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
