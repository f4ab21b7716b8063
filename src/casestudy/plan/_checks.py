"""Validation helpers shared by the planning modules (private).

Every planning input is checked before it is used, and every failure says *where* (which
task, stakeholder or parameter), *which field*, *what arrived* and *how to fix it*, in the
style of the course's conventions: "Task 'Data survey': 'min' (12) must not exceed 'max' (8)."
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real
from pathlib import Path
from typing import Any

import yaml

from casestudy import DATA_DIR

PROJECT_DIR: Path = DATA_DIR / "project"


class PlanError(ValueError):
    """A planning input broke a rule.

    The message reads "<where>: '<field>' (<value>) <rule>. <fix>", and the parts are kept
    as attributes so tests and callers can inspect them.

    Examples
    --------
    >>> err = PlanError("Task 'Data survey'", "min", 12, "must not exceed 'max' (8)", "Swap them.")
    >>> str(err)
    "Task 'Data survey': 'min' (12) must not exceed 'max' (8). Swap them."
    >>> err.field, err.value
    ('min', 12)
    """

    def __init__(self, where: str, field: str, value: Any, rule: str, fix: str = "") -> None:
        self.where, self.field, self.value, self.rule, self.fix = where, field, value, rule, fix
        shown = "missing" if value is _MISSING else repr(value)
        super().__init__(f"{where}: '{field}' ({shown}) {rule}. {fix}".rstrip())


class _Missing:
    def __repr__(self) -> str:
        return "missing"


_MISSING = _Missing()


def require(record: Mapping[str, Any], fields: Iterable[str], *, where: str, source: str) -> None:
    """Raise :class:`PlanError` for the first of ``fields`` absent from ``record``."""
    if not isinstance(record, Mapping):
        raise PlanError(
            where,
            "record",
            record,
            "must be a mapping of field: value",
            f"Write each entry of {source} as 'field: value' lines.",
        )
    for field in fields:
        if field not in record or record[field] is None:
            raise PlanError(
                where,
                field,
                _MISSING,
                "is required",
                f"Add '{field}: ...' to this entry in {source}.",
            )


def number(
    value: Any,
    *,
    where: str,
    field: str,
    low: float | None = None,
    high: float | None = None,
    fix: str = "",
) -> float:
    """Return ``value`` as a float after checking it is a finite number in [low, high]."""
    fix = fix or f"Give '{field}' a plain number (no units or text) within the stated range."
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise PlanError(where, field, value, "must be a finite number", fix)
    if low is not None and value < low:
        rule = f"must be at least {low:g}" if high is None else f"must be in [{low:g}, {high:g}]"
        raise PlanError(where, field, value, rule, fix)
    if high is not None and value > high:
        rule = f"must be at most {high:g}" if low is None else f"must be in [{low:g}, {high:g}]"
        raise PlanError(where, field, value, rule, fix)
    return float(value)


def probability(value: Any, *, where: str, field: str, fix: str = "") -> float:
    """Return ``value`` after checking it is a probability in [0, 1]."""
    return number(
        value,
        where=where,
        field=field,
        low=0.0,
        high=1.0,
        fix=fix or "Give a probability between 0 and 1 (e.g. 0.3 for 30%).",
    )


def choice(value: Any, options: Iterable[str], *, where: str, field: str, fix: str = "") -> str:
    """Return ``value`` after checking it is one of ``options``."""
    options = list(options)
    if value not in options:
        raise PlanError(
            where,
            field,
            value,
            f"must be one of {options}",
            fix or "Use one of the listed ids (spelling and hyphens matter).",
        )
    return value


def unique_ids(ids: Iterable[str], *, what: str, source: str) -> None:
    """Raise :class:`PlanError` if an id appears twice."""
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise PlanError(
                f"{what} '{ident}'",
                "id",
                ident,
                "appears more than once",
                f"Give each entry in {source} its own id.",
            )
        seen.add(ident)


def text_tuple(value: Any, *, where: str, field: str) -> tuple[str, ...]:
    """Return a list of strings (or one string) as a tuple of strings."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
        raise PlanError(
            where,
            field,
            value,
            "must be a list of text items",
            f"Write '{field}:' followed by '- item' lines.",
        )
    return tuple(items)


def read_entries(path: str | Path | None, name: str, key: str) -> list[Any]:
    """Read the list stored under ``key`` in a YAML file (default: the shipped ``name``)."""
    path = Path(path) if path is not None else PROJECT_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Planning file {str(path)!r} not found. Pass the path of a "
            f"YAML file shaped like data/bike_shop/project/{name}."
        )
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(content, dict) or not isinstance(content.get(key), list):
        raise PlanError(
            f"File {path.name!r}",
            key,
            content.get(key) if isinstance(content, dict) else content,
            "must be a list at the top level of the file",
            f"Start the file with '{key}:' followed by '- ...' entries.",
        )
    return content[key]


def read_mapping(path: str | Path | None, name: str) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping (default: the shipped ``name``)."""
    path = Path(path) if path is not None else PROJECT_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Planning file {str(path)!r} not found. Pass the path of a "
            f"YAML file shaped like data/bike_shop/project/{name}."
        )
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(content, dict):
        raise PlanError(
            f"File {path.name!r}",
            "content",
            content,
            "must be a mapping",
            "Write the file as 'field: value' lines.",
        )
    return content
