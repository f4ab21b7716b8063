"""The controls of an explorer: :class:`Slider`, :class:`Dropdown` and :class:`Toggle`.

Private module; import these names from :mod:`casestudy.explorable`. Every control is a
frozen description of a *finite grid* of parameter values. The grid is what makes an
explorer work in a static page: one view is precomputed per grid point, and the browser
selects it by the control's integer ``index``.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field

__all__ = ["Control", "Dropdown", "Slider", "Toggle"]

#: A parameter value an explorer can carry to the page (it must survive JSON).
ParamValue = float | int | str | bool


def _check_name(kind: str, name: object) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"The 'name' parameter of {kind} must be a Python identifier (it is passed to the "
            f"view function as a keyword argument). Got {name!r} instead."
        )


def _check_label(kind: str, name: str, label: object) -> None:
    if not isinstance(label, str) or not label.strip():
        raise ValueError(
            f"The 'label' parameter of {kind} {name!r} must be a non-empty string (it is the "
            f"visible label readers and screen readers see). Got {label!r} instead."
        )


def _format(fmt: str | Callable[[ParamValue], str], value: ParamValue) -> str:
    return fmt(value) if callable(fmt) else fmt.format(value)


def _check_unique(kind: str, name: str, labels: Sequence[str]) -> None:
    seen = [label for i, label in enumerate(labels) if label in labels[:i]]
    if seen:
        raise ValueError(
            f"The labels of {kind} {name!r} must be unique, but {seen[:3]} appear more than "
            "once. Use a format with more digits or distinct option labels."
        )


def _default_index(kind: str, name: str, values: Sequence[ParamValue], default: object) -> int:
    if default is None:
        return (len(values) - 1) // 2
    for i, value in enumerate(values):
        same_type = isinstance(value, bool) == isinstance(default, bool)
        if same_type and (value == default or _close(value, default)):
            return i
    raise ValueError(
        f"The 'default' parameter of {kind} {name!r} must be one of its grid values "
        f"{list(values)[:12]}. Got {default!r} instead."
    )


def _close(a: object, b: object) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return False


@dataclass(frozen=True)
class Slider:
    """A numeric parameter on an evenly spaced grid from ``min`` to ``max``.

    Parameters
    ----------
    name : str
        The view function's keyword argument, e.g. ``"offer_cost"``.
    label : str
        The visible label, e.g. ``"Offer cost"``.
    min, max, step : float or int
        The grid. ``max - min`` must be a whole number of steps. If all three are integers
        the values are integers. Each grid value costs one precomputed view (times the
        other control's size), so keep grids coarse: 5 to 10 values.
    default : float or int, optional
        The starting value; must be on the grid. By default the middle of the grid.
    fmt : str or callable, default="{:g}"
        How the readout shows a value: a ``str.format`` pattern such as ``"£{:,.0f}"`` or a
        function returning a string. Labels must be unique across the grid.
    live_step : float or int, optional
        A finer step for :meth:`Explorer.widget` with ``live=True`` (a kernel recomputes
        each view). By default the grid's ``step``.

    Raises
    ------
    ValueError
        If the grid is empty, the step is not positive, the range is not a whole number of
        steps, the default is off the grid or two values format to the same label.

    Examples
    --------
    >>> s = Slider("offer_cost", "Offer cost", 5, 40, 5, default=20, fmt="£{:.0f}")
    >>> s.values
    (5, 10, 15, 20, 25, 30, 35, 40)
    >>> s.labels[s.default_index]
    '£20'
    """

    name: str
    label: str
    min: float
    max: float
    step: float
    _: KW_ONLY
    default: float | None = None
    fmt: str | Callable[[ParamValue], str] = "{:g}"
    live_step: float | None = None
    values: tuple[ParamValue, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name("Slider", self.name)
        _check_label("Slider", self.name, self.label)
        object.__setattr__(self, "values", _slider_grid(self))
        _check_unique("Slider", self.name, self.labels)
        _default_index("Slider", self.name, self.values, self.default)
        if self.live_step is not None and not self.live_step > 0:
            raise ValueError(
                f"The 'live_step' parameter of Slider {self.name!r} must be positive. "
                f"Got {self.live_step!r} instead."
            )

    @property
    def labels(self) -> tuple[str, ...]:
        """The readout text of every grid value."""
        return tuple(_format(self.fmt, v) for v in self.values)

    @property
    def default_index(self) -> int:
        """The grid index of the starting value."""
        return _default_index("Slider", self.name, self.values, self.default)


def _slider_grid(s: Slider) -> tuple[ParamValue, ...]:
    for attr in ("min", "max", "step"):
        value = getattr(s, attr)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(
                f"The '{attr}' parameter of Slider {s.name!r} must be a finite number. "
                f"Got {value!r} instead."
            )
    if not s.step > 0:
        raise ValueError(f"The 'step' parameter of Slider must be positive. Got {s.step} instead.")
    if not s.max > s.min:
        raise ValueError(
            f"The 'max' parameter of Slider {s.name!r} must be greater than 'min' ({s.min}). "
            f"Got {s.max} instead."
        )
    steps = (s.max - s.min) / s.step
    if abs(steps - round(steps)) > 1e-6:
        raise ValueError(
            f"The range of Slider {s.name!r} ({s.min} to {s.max}) must be a whole number of "
            f"steps of {s.step}. Got {steps:.3f} steps; change 'max' or 'step'."
        )
    integer = all(isinstance(v, int) for v in (s.min, s.max, s.step))
    grid = [s.min + i * s.step for i in range(round(steps) + 1)]
    return tuple(int(v) if integer else round(float(v), 12) for v in grid)


@dataclass(frozen=True)
class Dropdown:
    """A choice among a few named options.

    Parameters
    ----------
    name : str
        The view function's keyword argument.
    label : str
        The visible label.
    options : sequence of values or of (label, value) pairs
        Values must be ``str``, ``int``, ``float`` or ``bool`` (they are written into the
        page as JSON). Plain values are labelled with ``str(value)``.
    default : value, optional
        The starting value; by default the first option.

    Examples
    --------
    >>> d = Dropdown("store", "Store", [("City centre", "city"), ("Coast", "coast")])
    >>> d.values, d.labels, d.default_index
    (('city', 'coast'), ('City centre', 'Coast'), 0)
    """

    name: str
    label: str
    options: Sequence[ParamValue | tuple[str, ParamValue]]
    _: KW_ONLY
    default: ParamValue | None = None
    values: tuple[ParamValue, ...] = field(init=False, repr=False)
    labels: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name("Dropdown", self.name)
        _check_label("Dropdown", self.name, self.label)
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in self.options]
        if not pairs:
            raise ValueError(
                f"The 'options' parameter of Dropdown {self.name!r} must not be empty."
            )
        for label, value in pairs:
            if not isinstance(value, str | int | float | bool) or not isinstance(label, str):
                raise ValueError(
                    f"The options of Dropdown {self.name!r} must be str, int, float or bool "
                    f"values or (label, value) pairs. Got {(label, value)!r} instead."
                )
        object.__setattr__(self, "labels", tuple(label for label, _ in pairs))
        object.__setattr__(self, "values", tuple(value for _, value in pairs))
        _check_unique("Dropdown", self.name, self.labels)
        if self.default is not None:
            _default_index("Dropdown", self.name, self.values, self.default)

    @property
    def default_index(self) -> int:
        """The index of the starting option."""
        if self.default is None:
            return 0
        return _default_index("Dropdown", self.name, self.values, self.default)


@dataclass(frozen=True)
class Toggle:
    """An on/off parameter, shown as two toggle buttons.

    Parameters
    ----------
    name : str
        The view function's keyword argument (it receives ``False`` or ``True``).
    label : str
        The visible label.
    default : bool, default=False
        The starting value.
    labels : (str, str), default=("No", "Yes")
        The button texts for ``False`` and ``True``.

    Examples
    --------
    >>> t = Toggle("fair", "Equalise rates across groups", default=True)
    >>> t.values, t.default_index
    ((False, True), 1)
    """

    name: str
    label: str
    _: KW_ONLY
    default: bool = False
    labels: tuple[str, str] = ("No", "Yes")
    values: tuple[bool, bool] = field(init=False, repr=False, default=(False, True))

    def __post_init__(self) -> None:
        _check_name("Toggle", self.name)
        _check_label("Toggle", self.name, self.label)
        if not isinstance(self.default, bool):
            raise ValueError(
                f"The 'default' parameter of Toggle {self.name!r} must be True or False. "
                f"Got {self.default!r} instead."
            )
        if len(self.labels) != 2 or any(not isinstance(s, str) or not s for s in self.labels):
            raise ValueError(
                f"The 'labels' parameter of Toggle {self.name!r} must be two non-empty "
                f"strings. Got {self.labels!r} instead."
            )
        _check_unique("Toggle", self.name, self.labels)

    @property
    def default_index(self) -> int:
        """0 for ``False``, 1 for ``True``."""
        return int(self.default)


#: Any control an :class:`~casestudy.explorable.Explorer` accepts.
Control = Slider | Dropdown | Toggle
