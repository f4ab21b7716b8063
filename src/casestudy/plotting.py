"""One consistent, colour-blind-safe figure style for the whole course.

Every figure in the book goes through :func:`use_style` and the palette below, so a reader
learns the visual language once: the same colour always means the same thing (the model
in blue, the baseline in orange, the best possible in green, money lost in vermillion).
The palette is Okabe and Ito's (2008), chosen because it stays distinguishable for the
common forms of colour blindness and in greyscale print.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "COLOURS",
    "FIXED_MARGINS",
    "ROLE_COLOURS",
    "STYLE",
    "new_figure",
    "style_context",
    "use_style",
]

#: Okabe-Ito colours by name.
COLOURS: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}

#: What each colour means across the book; use these names, not raw colours.
ROLE_COLOURS: dict[str, str] = {
    "model": COLOURS["blue"],
    "baseline": COLOURS["orange"],
    "best": COLOURS["green"],
    "loss": COLOURS["vermillion"],
    "gain": COLOURS["green"],
    "neutral": COLOURS["grey"],
    "highlight": COLOURS["purple"],
    "secondary": COLOURS["sky"],
}

#: Matplotlib rc settings of the course style. Small figures with large text read well in
#: a narrow book column and keep pages light.
STYLE: dict[str, object] = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.autolayout": False,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(
        color=[
            COLOURS["blue"],
            COLOURS["orange"],
            COLOURS["green"],
            COLOURS["vermillion"],
            COLOURS["purple"],
            COLOURS["sky"],
            COLOURS["yellow"],
            COLOURS["black"],
        ]
    ),
    "image.cmap": "cividis",
    "svg.hashsalt": "casestudy",
}


def use_style() -> None:
    """Apply the course style globally (call once at the top of a notebook).

    In a notebook it also lets a bare :class:`~matplotlib.figure.Figure` made by
    :func:`new_figure` display as an image when it ends a cell; such figures are not
    registered with pyplot, so without this they would print as ``<Figure size ...>``.
    """
    mpl.rcParams.update(STYLE)
    _enable_notebook_figures()


def _enable_notebook_figures() -> None:
    """Register a PNG formatter for figures when running under IPython (else do nothing)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always installed with the book
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")
    _number_styled_tables(shell)


def _number_styled_tables(shell: object) -> None:
    """Give styled tables ids ``cs1``, ``cs2``... in display order, not random ones.

    pandas gives every ``DataFrame.style`` table a random id, so a notebook's HTML output
    would differ each time it runs. Numbering them in order keeps outputs identical run
    after run, which is what lets a reader (and a test) compare two runs.
    """
    from pandas.io.formats.style import Styler

    counter = itertools.count(1)
    formatter = shell.display_formatter.formatters["text/html"]  # type: ignore[attr-defined]
    formatter.for_type(Styler, lambda styler: styler.set_uuid(f"cs{next(counter)}").to_html())
    # The plain-text fallback would otherwise show a memory address that changes each run.
    plain = shell.display_formatter.formatters["text/plain"]  # type: ignore[attr-defined]
    plain.for_type(Styler, lambda styler, printer, cycle: printer.text(styler.data.to_string()))


@contextmanager
def style_context() -> Iterator[None]:
    """Apply the course style only inside a ``with`` block (for package code)."""
    with mpl.rc_context(STYLE):
        yield


#: Margins used by ``new_figure(layout="fixed")``, as fractions of the figure.
FIXED_MARGINS: dict[str, float] = {"left": 0.15, "right": 0.97, "bottom": 0.19, "top": 0.88}


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = 6.4,
    height: float = 3.6,
    layout: str = "constrained",
) -> tuple[Figure, Axes | object]:
    """Create a figure in the course style without touching pyplot's global state.

    Figures made here are not registered with pyplot, so package functions can build
    many (for example every view of an explorer) without leaking memory or showing
    stray figures in a notebook.

    Parameters
    ----------
    nrows, ncols : int, default=1
        Grid of axes.
    width, height : float
        Size in inches.
    layout : {"constrained", "fixed"}, default="constrained"
        "constrained" fits labels automatically. "fixed" uses :data:`FIXED_MARGINS` and
        draws about twice as fast, which matters for explorers that render dozens of
        views of the same layout when the book is built.

    Returns
    -------
    (Figure, Axes or array of Axes)

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> ax.get_xaxis().get_visible()
    True
    >>> new_figure(layout="fixed")[0].get_layout_engine() is None
    True
    """
    if layout not in ("constrained", "fixed"):
        raise ValueError(
            f"The 'layout' parameter of new_figure must be 'constrained' or 'fixed'. "
            f"Got {layout!r} instead."
        )
    with style_context():
        if layout == "fixed":
            fig = Figure(figsize=(width, height), layout="none")
            fig.subplots_adjust(**FIXED_MARGINS)
        else:
            fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols)
    return fig, axes


def close(fig: Figure) -> None:
    """Release a pyplot-managed figure (no-op for figures from :func:`new_figure`)."""
    plt.close(fig)
