"""Turning one :class:`~casestudy.explorable.View` into a small, self-contained HTML string.

Private module used by :mod:`casestudy.explorable`. The HTML of a view is what a static
page stores for every grid point, so its size *is* the explorer's page weight: figures are
rendered to small palette PNGs (or SVG) and inlined as ``data:`` URIs.

The summary DOM contract (relied on by ``tests/browser``)::

    <div class="cs-summary" data-explorer="NAME" data-params="{JSON}">TEXT</div>

``data-params`` is the JSON object of the view's parameter values, HTML-escaped inside a
double-quoted attribute, so ``JSON.parse(el.dataset.params)`` recovers it.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["RenderedView", "error_html", "figure_data_uri", "view_html"]


@dataclass(frozen=True)
class RenderedView:
    """One precomputed view: its parameters, plain summary text and HTML.

    Attributes
    ----------
    params : dict
        The parameter values the view was computed at.
    summary : str
        The plain text of the summary (what a screen reader reads, and what tests compare).
    html : str
        The self-contained HTML shown for this grid point.
    error : bool
        True when the view function rejected the parameters (a friendly message is shown).
    """

    params: Mapping[str, Any]
    summary: str
    html: str
    error: bool = False

    @property
    def nbytes(self) -> int:
        """Size of the HTML as a page stores it: a JSON string in the widget state."""
        return len(json.dumps(self.html))


def figure_data_uri(figure: Any, *, dpi: int, image_format: str, colours: int) -> str:
    """Render a Matplotlib figure to a ``data:`` URI (palette PNG or SVG).

    A palette of ``colours`` colours (0 keeps full colour) cuts a line chart's PNG to a
    third of its size with no visible change, because the course style uses few colours.
    """
    buffer = io.BytesIO()
    if image_format == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    png = _quantise(buffer.getvalue(), colours) if colours else buffer.getvalue()
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _quantise(png: bytes, colours: int) -> bytes:
    from PIL import Image  # Pillow is a Matplotlib dependency

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=colours, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG")  # optimize=True: 8 % smaller, 2x slower
    return out.getvalue()


def _summary_div(name: str, params: Mapping[str, Any], text: str) -> str:
    data = html.escape(json.dumps(dict(params), sort_keys=True), quote=True)
    return (
        f'<div class="cs-summary" data-explorer="{html.escape(name, quote=True)}" '
        f'data-params="{data}" aria-live="polite">{html.escape(text)}</div>'
    )


def view_html(
    name: str,
    params: Mapping[str, Any],
    *,
    summary: str,
    image_uri: str | None,
    alt: str,
    table_html: str | None,
    size: tuple[int, int] | None,
) -> str:
    """The HTML of one view: figure (with alt text), summary and optional table."""
    parts = ['<div class="cs-view">']
    if image_uri is not None:
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        parts.append(
            f'<img class="cs-figure" src="{image_uri}" alt="{html.escape(alt, quote=True)}"'
            f'{dims} style="max-width:100%;height:auto">'
        )
    parts.append(_summary_div(name, params, summary))
    if table_html:
        parts.append(table_html)
    parts.append("</div>")
    return "".join(parts)


def error_html(name: str, params: Mapping[str, Any], message: str) -> str:
    """The HTML shown where the view function rejected the parameters: the message only."""
    return (
        '<div class="cs-view cs-error" role="note" style="padding:0.75em;'
        'border-left:4px solid #D55E00;background:#fdf3ec">'
        "<strong>No result for these settings.</strong>"
        f"{_summary_div(name, params, message)}</div>"
    )
