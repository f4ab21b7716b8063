"""Trade-off explorers that respond in the published static book *and* in a live kernel.

A chapter author writes a pure **view function** of one to three parameters that returns a
:class:`View` (a figure, its alt text and a one-sentence summary carrying the same numbers),
then wraps it in an :class:`Explorer` with one control per parameter::

    from casestudy.explorable import Explorer, Slider, View, register

    def view(threshold: float, offer_cost: float) -> View:
        fig, ax = new_figure()
        ...
        return View(figure=fig, alt="Line chart of ...", summary="Invite 1,234 customers ...")

    @register("threshold-value")          # stable name, used by the browser tests
    def threshold_explorer() -> Explorer:  # no arguments, deterministic
        return Explorer(
            view,
            Slider("threshold", "Decision threshold", 0.1, 0.9, 0.1, default=0.5),
            Slider("offer_cost", "Offer cost", 5, 40, 5, fmt="£{:.0f}"),
            title="What is a threshold worth?",
        )

    threshold_explorer().widget()          # display this in a notebook cell

**How it works without a kernel.** A published page has no Python. :meth:`Explorer.widget`
therefore computes the view at *every grid point*, puts the views in nested
``ipywidgets.Stack`` containers (one level per control) and ``jslink``s each control's integer
``index`` to the ``selected_index`` of every stack at its level. The browser's widget manager
then switches views with no kernel and no network. With a kernel the same links work, and
``widget(live=True)`` instead recomputes each view in Python at a finer step.

**Choosing the grid.** Every grid point is a stored view, so an explorer's page weight is
about (number of views) x (size of one view). The budget is :data:`PAGE_BUDGET_BYTES`
(1.5 MB) per explorer and :meth:`Explorer.precompute` raises :class:`PageWeightError` when a
grid is too heavy. Rules of thumb: at most about 40 views (e.g. 8 x 5 slider positions); a
small figure (``new_figure(width=5.6, height=3)``) at the default ``dpi=80`` with a 64-colour
palette is about 10 KB for a line chart (the invitation-budget demo: 40 views, 0.44 MB) and
20-30 KB for a busy one; SVG (``image_format="svg"``) is larger for most charts and grows
with every point drawn. Check with ``explorer.page_weight()``; rendering costs about 0.1 s a
view when the notebook executes.

**Invalid combinations.** If the view function raises :class:`ValueError`, or returns
``View(message=...)``, that grid point shows the message as a friendly note (never a
traceback). Any other exception is a bug and fails the build.

**The registry.** :func:`register` names an explorer factory; :func:`registry` returns every
registered factory after :func:`load_all` imports the modules in :data:`EXPLORER_MODULES`
(extend that tuple when a new module defines explorers); :func:`get` builds one by name.
The browser tests use it to recompute, independently of the page, the summary a slider
position should show.

**The page contract** (what ``tests/browser/test_explorers.py`` relies on):

* the explorer's box has the classes ``cs-explorer`` and ``cs-explorer--NAME``
  (live widgets also ``cs-explorer--live``);
* each control has ``cs-control`` and ``cs-param--PARAM`` and a visible ``<label>``;
* exactly one summary is visible per explorer::

      <div class="cs-summary" data-explorer="NAME" data-params="{JSON}">TEXT</div>

  where ``JSON.parse(el.dataset.params)`` gives the parameters and TEXT equals
  ``get(NAME).summary_at(**params)``;
* figures are ``<img class="cs-figure" alt="...">`` with inline ``data:`` images.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from casestudy._explorable_controls import Control, Dropdown, Slider, Toggle
from casestudy._explorable_render import RenderedView, error_html, figure_data_uri, view_html

__all__ = [
    "EXPLORER_MODULES",
    "PAGE_BUDGET_BYTES",
    "Dropdown",
    "Explorer",
    "PageWeightError",
    "RenderedView",
    "Slider",
    "Toggle",
    "View",
    "get",
    "load_all",
    "register",
    "registry",
    "time_views",
]

#: Most bytes an explorer may add to its page (views plus widget bookkeeping).
PAGE_BUDGET_BYTES: int = 1_500_000

#: Widget-state bytes beyond the views' HTML, measured on the embedded state (full state,
#: as nbclient saves it): per stored view (its HTML model), per stack (the stack, its layout
#: and its link), per control (model, style, layout) and once (box, title, shared models).
OVERHEAD_BYTES: dict[str, int] = {"view": 650, "stack": 2_700, "control": 2_900, "fixed": 5_000}

#: Modules that define explorers; :func:`load_all` imports each one that exists.
#: Extend this tuple when you add explorers to another module.
EXPLORER_MODULES: tuple[str, ...] = (
    "casestudy.demo",
    "casestudy.plan",
    "casestudy.eda",
    "casestudy.baselines",
    "casestudy.selection_explorers",
)

_NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGISTRY: dict[str, Callable[[], Explorer]] = {}


class PageWeightError(ValueError):
    """An explorer's precomputed views would make its page too heavy.

    Attributes
    ----------
    name : str
        The explorer's name.
    nbytes : int
        The estimated bytes the explorer would add to its page.
    budget : int
        The allowed bytes.
    """

    def __init__(self, message: str, *, name: str, nbytes: int, budget: int) -> None:
        super().__init__(message)
        self.name, self.nbytes, self.budget = name, nbytes, budget


@dataclass(frozen=True)
class View:
    """What a view function returns for one combination of parameters.

    Parameters
    ----------
    figure : matplotlib.figure.Figure, optional
        Best made with :func:`casestudy.plotting.new_figure` (no pyplot state).
    summary : str
        One or two sentences carrying the same information as the figure, in money, risk
        or fairness terms. Required unless ``message`` is given.
    alt : str
        Alt text describing the figure; required when there is a figure.
    table : pandas.DataFrame, optional
        A small table shown under the summary.
    message : str, optional
        Set instead of a figure to say that this combination has no answer; it is shown as
        a friendly note (the same as raising ``ValueError`` in the view function).

    Raises
    ------
    ValueError
        If the summary or the alt text is missing.

    Examples
    --------
    >>> View(summary="Invite 120 customers; expected value £1,500 a month.").summary
    'Invite 120 customers; expected value £1,500 a month.'
    >>> View(message="The offer cannot cost more than the margin.").message
    'The offer cannot cost more than the margin.'
    """

    figure: Any = None
    summary: str = ""
    alt: str = ""
    table: Any = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.message is not None:
            if not isinstance(self.message, str) or not self.message.strip():
                raise ValueError(
                    f"The 'message' of View must be a non-empty string. Got {self.message!r}."
                )
            return
        if not isinstance(self.summary, str) or not self.summary.strip():
            raise ValueError(
                "The 'summary' of View must be a non-empty string that states what the figure "
                f"shows (the page's text alternative). Got {self.summary!r} instead."
            )
        if self.table is not None and not hasattr(self.table, "to_html"):
            raise ValueError(
                "The 'table' of View must be a pandas DataFrame (or None). "
                f"Got {type(self.table).__name__} instead."
            )
        if self.figure is not None and (not isinstance(self.alt, str) or not self.alt.strip()):
            raise ValueError(
                "The 'alt' of View must describe the figure for readers who cannot see it, "
                f"e.g. 'Line chart of expected value against customers invited'. Got {self.alt!r}."
            )


class Explorer:
    """A trade-off explorer: a view function plus one control per parameter.

    Parameters
    ----------
    view : callable
        A pure function taking each control's ``name`` as a keyword argument and returning
        a :class:`View`. It may raise ``ValueError`` for an impossible combination.
    *controls : Slider, Dropdown or Toggle
        One to three controls; the grid is their product.
    title : str
        A short heading shown above the controls.
    name : str, optional
        Set by :func:`register`; a lower-case slug such as ``"invitation-budget"``.
    dpi : int, default=80
        Resolution of PNG figures.
    image_format : {"png", "svg"}, default="png"
    colours : int, default=64
        PNG palette size (0 for full colour).
    max_bytes : int, default=PAGE_BUDGET_BYTES
        Page-weight budget for the precomputed grid.

    Raises
    ------
    ValueError
        If there are no controls or more than three, names repeat, or the view function's
        signature does not accept exactly the controls' names.

    Examples
    --------
    >>> def view(cost: int) -> View:
    ...     return View(summary=f"An offer costs £{cost}.")
    >>> e = Explorer(view, Slider("cost", "Offer cost", 5, 15, 5), title="Cost", name="cost")
    >>> e.shape, e.summary_at(cost=15)
    ((3,), 'An offer costs £15.')
    """

    def __init__(
        self,
        view: Callable[..., View],
        *controls: Control,
        title: str,
        name: str | None = None,
        dpi: int = 80,
        image_format: str = "png",
        colours: int = 64,
        max_bytes: int = PAGE_BUDGET_BYTES,
    ) -> None:
        self.view, self.controls, self.title, self.name = view, controls, title, name
        self.dpi, self.image_format = dpi, image_format
        self.colours, self.max_bytes = colours, max_bytes
        _validate_explorer(self)

    def __repr__(self) -> str:
        names = ", ".join(c.name for c in self.controls)
        return f"Explorer(name={self.name!r}, controls=({names}), shape={self.shape})"

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of grid values of each control."""
        return tuple(len(c.values) for c in self.controls)

    @property
    def n_views(self) -> int:
        """Number of precomputed views (the product of :attr:`shape`)."""
        return math.prod(self.shape)

    def params_at(self, index: tuple[int, ...]) -> dict[str, Any]:
        """The parameter values at a grid index, e.g. ``(3, 1)``."""
        if len(index) != len(self.controls):
            raise ValueError(
                f"The grid index of explorer {self.name!r} must have {len(self.controls)} "
                f"entries, one per control. Got {index!r} instead."
            )
        return {c.name: c.values[i] for c, i in zip(self.controls, index, strict=True)}

    def default_index(self) -> tuple[int, ...]:
        """The grid index the widget starts at."""
        return tuple(c.default_index for c in self.controls)

    def grid(self) -> Iterator[tuple[int, ...]]:
        """Every grid index, the last control varying fastest."""
        return itertools.product(*(range(n) for n in self.shape))

    def render(self, /, **params: Any) -> RenderedView:
        """Compute the view at ``params`` and render it to HTML, as stored in the page.

        A ``ValueError`` from the view function, or ``View(message=...)``, becomes a
        friendly message view; other exceptions propagate because they are bugs.
        """
        return self._render(params, colours=self.colours)

    def live_render(self, /, **params: Any) -> RenderedView:
        """What a live kernel callback does: :meth:`render` with a full-colour figure.

        Skipping the palette step saves about 10 ms per update; size does not matter when
        the view is sent to a live page instead of stored in it.
        """
        return self._render(params, colours=0)

    def _render(self, params: Mapping[str, Any], *, colours: int) -> RenderedView:
        self._check_params(params)
        try:
            result = self.view(**params)
        except ValueError as exc:
            return self._error_view(params, str(exc) or "These settings are not possible.")
        if not isinstance(result, View):
            raise TypeError(
                f"The view function of explorer {self.name!r} must return a View. "
                f"Got {type(result).__name__} instead."
            )
        if result.message is not None:
            return self._error_view(params, result.message)
        return RenderedView(params, result.summary, self._view_html(params, result, colours))

    def summary_at(self, /, **params: Any) -> str:
        """The plain summary text the explorer shows at ``params``.

        Examples
        --------
        >>> def view(cost: int) -> View:
        ...     if cost > 10:
        ...         raise ValueError("An offer above £10 costs more than it earns.")
        ...     return View(summary=f"An offer costs £{cost}.")
        >>> e = Explorer(view, Slider("cost", "Offer cost", 5, 15, 5), title="Cost")
        >>> e.summary_at(cost=15)
        'An offer above £10 costs more than it earns.'
        """
        return self.render(**params).summary

    def precompute(self) -> dict[tuple[int, ...], RenderedView]:
        """Render every grid point, checking the page-weight budget.

        Raises
        ------
        PageWeightError
            If the views would add more than ``max_bytes`` to the page.
        ValueError
            If every view is a message: the view function is more likely broken than
            every combination impossible.
        """
        views = self.precompute_unchecked()
        if all(v.error for v in views.values()) and len(views) > 1:
            raise ValueError(
                f"Every view of explorer {self.slug!r} is an error message, e.g. "
                f"{next(iter(views.values())).summary!r}. Check the view function."
            )
        self._check_weight(views)
        return views

    def page_weight(self, views: Mapping[tuple[int, ...], RenderedView] | None = None) -> int:
        """Estimated bytes the explorer adds to its page: views plus widget bookkeeping.

        Within a few per cent of the size of the widget state the page embeds (tested).
        """
        views = self.precompute_unchecked() if views is None else views
        stacks = sum(math.prod(self.shape[:level]) for level in range(len(self.shape)))
        overhead = (
            OVERHEAD_BYTES["view"] * len(views)
            + OVERHEAD_BYTES["stack"] * stacks
            + OVERHEAD_BYTES["control"] * len(self.controls)
            + OVERHEAD_BYTES["fixed"]
        )
        return sum(v.nbytes for v in views.values()) + overhead

    def precompute_unchecked(self) -> dict[tuple[int, ...], RenderedView]:
        """Like :meth:`precompute` without the budget check (to measure a heavy grid)."""
        return {index: self.render(**self.params_at(index)) for index in self.grid()}

    def widget(self, *, live: bool = False) -> Any:
        """The ipywidgets widget to display in a notebook cell.

        Parameters
        ----------
        live : bool, default=False
            False: precomputed views switched in the browser (works in the static book and
            with a kernel). True: a kernel recomputes the view on every change, at each
            slider's ``live_step`` (does nothing in a static page).

        Returns
        -------
        ipywidgets.VBox
            With CSS classes ``cs-explorer`` and ``cs-explorer--NAME``.
        """
        from casestudy import _explorable_widgets as build

        if live:
            return build.live_widget(self)
        return build.static_widget(self, self.precompute())

    def _check_params(self, params: Mapping[str, Any]) -> None:
        expected = {c.name for c in self.controls}
        if set(params) != expected:
            raise ValueError(
                f"Explorer {self.name!r} takes the parameters {sorted(expected)}. "
                f"Got {sorted(params)} instead."
            )

    def _error_view(self, params: Mapping[str, Any], message: str) -> RenderedView:
        text = " ".join(message.split())
        return RenderedView(params, text, error_html(self.slug, params, text), error=True)

    def _view_html(self, params: Mapping[str, Any], result: View, colours: int) -> str:
        uri = size = None
        if result.figure is not None:
            uri = figure_data_uri(
                result.figure, dpi=self.dpi, image_format=self.image_format, colours=colours
            )
            width, height = result.figure.get_size_inches()
            size = (round(width * self.dpi), round(height * self.dpi))
        table = None
        if result.table is not None:
            table = result.table.to_html(index=False, border=0, classes="cs-table")
        return view_html(
            self.slug, params, summary=result.summary, image_uri=uri, alt=result.alt,
            table_html=table, size=size,
        )  # fmt: skip

    @property
    def slug(self) -> str:
        """The name written into the page (``"unnamed"`` before :func:`register`)."""
        return self.name or "unnamed"

    def _check_weight(self, views: Mapping[tuple[int, ...], RenderedView]) -> None:
        nbytes = self.page_weight(views)
        if nbytes > self.max_bytes:
            mean = nbytes / max(len(views), 1)
            raise PageWeightError(
                f"Explorer {self.slug!r} would add {nbytes / 1e6:.2f} MB to its page "
                f"({len(views)} views of about {mean / 1e3:.0f} KB), over the "
                f"{self.max_bytes / 1e6:.2f} MB budget. Use a coarser grid (a larger 'step', "
                f"now shape {self.shape}), a smaller figure, a lower 'dpi' (now {self.dpi}) "
                f"or fewer 'colours' (now {self.colours}).",
                name=self.slug, nbytes=nbytes, budget=self.max_bytes,
            )  # fmt: skip


def _validate_explorer(e: Explorer) -> None:
    if not callable(e.view):
        raise ValueError(f"The 'view' parameter of Explorer must be callable. Got {e.view!r}.")
    if not 1 <= len(e.controls) <= 3:
        raise ValueError(
            "Explorer takes one to three controls (Slider, Dropdown or Toggle). "
            f"Got {len(e.controls)} instead."
        )
    for c in e.controls:
        if not isinstance(c, Slider | Dropdown | Toggle):
            raise ValueError(
                f"The controls of Explorer must be Slider, Dropdown or Toggle. Got {c!r}."
            )
    names = [c.name for c in e.controls]
    if len(set(names)) != len(names):
        raise ValueError(f"The control names of Explorer must be unique. Got {names} instead.")
    _validate_options(e)
    try:
        inspect.signature(e.view).bind(**{c.name: c.values[0] for c in e.controls})
    except TypeError as exc:
        raise ValueError(
            f"The view function {getattr(e.view, '__name__', e.view)!r} must accept the "
            f"controls' names {names} as keyword arguments ({exc})."
        ) from None


def _validate_options(e: Explorer) -> None:
    if not isinstance(e.title, str) or not e.title.strip():
        raise ValueError(f"The 'title' parameter of Explorer must be non-empty. Got {e.title!r}.")
    if e.name is not None and not _NAME_PATTERN.match(e.name):
        raise ValueError(
            "The 'name' parameter of Explorer must be a lower-case slug like "
            f"'invitation-budget'. Got {e.name!r} instead."
        )
    if e.image_format not in ("png", "svg"):
        raise ValueError(
            f"The 'image_format' parameter of Explorer must be 'png' or 'svg'. "
            f"Got {e.image_format!r} instead."
        )
    for attr, low in (("dpi", 20), ("colours", 0), ("max_bytes", 1)):
        value = getattr(e, attr)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(
                f"The '{attr}' parameter of Explorer must be an integer >= {low}. "
                f"Got {value!r} instead."
            )


def register(name: str) -> Callable[[Callable[[], Explorer]], Callable[[], Explorer]]:
    """Register an explorer factory under a stable name.

    The factory takes no arguments and must be deterministic: the browser tests call it to
    recompute what the published page should show. The decorated factory returns its
    explorer with ``name`` set.

    Parameters
    ----------
    name : str
        A lower-case slug, unique across the package, e.g. ``"invitation-budget"``.

    Raises
    ------
    ValueError
        If the name is not a slug or is already taken by a different factory.

    Examples
    --------
    >>> @register("doctest-cost")
    ... def cost_explorer() -> Explorer:
    ...     view = lambda cost: View(summary=f"£{cost}")
    ...     return Explorer(view, Slider("cost", "Cost", 1, 3, 1), title="Cost")
    >>> cost_explorer().name, "doctest-cost" in registry()
    ('doctest-cost', True)
    """
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        raise ValueError(
            "The 'name' parameter of register must be a lower-case slug like "
            f"'invitation-budget'. Got {name!r} instead."
        )

    def decorator(factory: Callable[[], Explorer]) -> Callable[[], Explorer]:
        def named_factory() -> Explorer:
            explorer = factory()
            if explorer.name not in (None, name):
                raise ValueError(
                    f"Factory {factory.__qualname__} is registered as {name!r} but its "
                    f"Explorer is named {explorer.name!r}. Drop the 'name' argument."
                )
            explorer.name = name
            return explorer

        named_factory.__name__, named_factory.__doc__ = factory.__name__, factory.__doc__
        named_factory.__qualname__ = factory.__qualname__
        named_factory.__module__ = factory.__module__
        _add_to_registry(name, named_factory)
        return named_factory

    return decorator


def _add_to_registry(name: str, factory: Callable[[], Explorer]) -> None:
    old = _REGISTRY.get(name)
    same = old is not None and (old.__module__, old.__qualname__) == (
        factory.__module__,
        factory.__qualname__,
    )
    if old is not None and not same:
        raise ValueError(
            f"The explorer name {name!r} is already registered by "
            f"{old.__module__}.{old.__qualname__}. Choose another name."
        )
    _REGISTRY[name] = factory


def registry() -> dict[str, Callable[[], Explorer]]:
    """Every registered explorer factory by name (call :func:`load_all` first).

    Returns
    -------
    dict of str to callable
        A copy; changing it does not change the registry.
    """
    return dict(_REGISTRY)


def load_all(modules: tuple[str, ...] | None = None) -> list[str]:
    """Import the modules that define explorers, skipping those that do not exist yet.

    Parameters
    ----------
    modules : tuple of str, optional
        Defaults to :data:`EXPLORER_MODULES`.

    Returns
    -------
    list of str
        The modules imported. A module that exists but fails to import raises, because
        that is a bug, not a missing chapter.

    Examples
    --------
    >>> "casestudy.demo" in load_all()
    True
    >>> load_all(("casestudy.no_such_module",))
    []
    """
    loaded = []
    for module in EXPLORER_MODULES if modules is None else modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if not (module == missing or module.startswith(missing + ".")):
                raise
            continue
        loaded.append(module)
    return loaded


def get(name: str) -> Explorer:
    """Build the registered explorer ``name``, importing explorer modules only as needed.

    Modules in :data:`EXPLORER_MODULES` are imported in order until ``name`` is registered,
    so a chapter's module that fails to import does not break other chapters' explorers;
    its error is reported only if ``name`` is never found.

    Raises
    ------
    ValueError
        If no module registers ``name``.

    Examples
    --------
    >>> get("invitation-budget").shape
    (8, 5)
    """
    failures: list[str] = []
    for module in EXPLORER_MODULES:
        if name in _REGISTRY:
            break
        try:
            load_all((module,))
        except ImportError as exc:
            failures.append(f"{module}: {exc}")
    if name not in _REGISTRY:
        broken = f" Modules that failed to import: {failures}." if failures else ""
        raise ValueError(
            f"No explorer is registered as {name!r}. Registered: {sorted(_REGISTRY)}. "
            f"Add its module to casestudy.explorable.EXPLORER_MODULES.{broken}"
        )
    return _REGISTRY[name]()


def time_views(
    explorer: Explorer,
    *,
    repeat: int = 1,
    live: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Seconds to compute and render each grid view, one timing per view and repeat.

    With ``live=True`` this times :meth:`Explorer.live_render`, what one live callback
    costs; with ``live=False`` it times :meth:`Explorer.render`, one precomputed view.
    ``clock=time.process_time`` measures CPU time, which other jobs on a shared machine
    disturb less than wall time. Used by ``benchmarks/bench_explorers.py``.
    """
    timings = []
    for _ in range(repeat):
        for index in explorer.grid():
            params = explorer.params_at(index)
            render = explorer.live_render if live else explorer.render
            start = clock()
            render(**params)
            timings.append(clock() - start)
    return timings
