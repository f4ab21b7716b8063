"""Input validation shared by every function of :mod:`casestudy.evaluate` (private).

Every check runs before any computing and every failure raises
:class:`EvaluationInputError`, whose message names the function, the argument, the problem,
what arrived and how to fix it, e.g. "roc_auc_score_ci: y_true has 100 values but y_score
has 99. Pass one score per customer, in the same order as the labels."
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "EvaluationInputError",
    "UndefinedMetricWarning",
    "check_choice",
    "check_groups",
    "check_labels_scores",
    "check_number",
]

#: How many offending values or positions an error message shows at most.
_SHOW = 5


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for this input (for example only one class); it is ``nan``."""


class EvaluationInputError(ValueError):
    """An input to an evaluation function broke a rule.

    The parts of the message are kept as attributes so that tests and callers can inspect
    them: ``function``, ``argument``, ``problem``, ``found`` (the offending values, positions
    or counts) and ``fix``.

    Examples
    --------
    >>> err = EvaluationInputError("brier_loss", "y_prob", "has 2 values outside [0, 1]",
    ...                            found=[1.5, -0.2], fix="Pass probabilities.")
    >>> str(err)
    'brier_loss: y_prob has 2 values outside [0, 1] (found: [1.5, -0.2]). Pass probabilities.'
    >>> err.argument
    'y_prob'
    """

    def __init__(
        self, function: str, argument: str, problem: str, *, found: Any = None, fix: str = ""
    ) -> None:
        self.function, self.argument, self.problem = function, argument, problem
        self.found, self.fix = found, fix
        shown = "" if found is None else f" (found: {found})"
        super().__init__(f"{function}: {argument} {problem}{shown}. {fix}".rstrip())


def _head(values: Any) -> list[Any]:
    """The first few values as plain Python objects, for messages."""
    out = [v.item() if isinstance(v, np.generic) else v for v in list(values)[:_SHOW]]
    return [*out, "..."] if len(values) > _SHOW else out


def _as_series(values: Any, *, where: str, name: str) -> pd.Series:
    """A 1-D input as a Series with a fresh 0..n-1 index (positions, not labels)."""
    if isinstance(values, pd.DataFrame):
        raise EvaluationInputError(
            where,
            name,
            "must be one column, not a DataFrame",
            found=f"columns {list(values.columns)[:_SHOW]}",
            fix="Select one column, e.g. frame['lapsed'].",
        )
    array = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else np.asarray(values)
    if array.ndim != 1:
        raise EvaluationInputError(
            where,
            name,
            "must be one-dimensional",
            found=f"shape {array.shape}",
            fix="For predict_proba output, pass the lapse column: model.predict_proba(X)[:, 1].",
        )
    if array.size == 0:
        raise EvaluationInputError(
            where, name, "is empty", fix="Pass at least one customer's value."
        )
    return pd.Series(array, copy=False)


def _missing_positions(series: pd.Series) -> np.ndarray:
    return np.flatnonzero(series.isna().to_numpy())


def _labels(y_true: Any, *, where: str) -> np.ndarray:
    s = _as_series(y_true, where=where, name="y_true")
    missing = _missing_positions(s)
    if missing.size:
        raise EvaluationInputError(
            where,
            "y_true",
            f"has {missing.size} missing values (NaN)",
            found=f"positions {_head(missing)}",
            fix="Drop those customers or fill their labels first.",
        )
    found = pd.unique(s)
    if not all(
        isinstance(v, bool | int | float | np.number | np.bool_) and v in (0, 1) for v in found
    ):
        raise EvaluationInputError(
            where,
            "y_true",
            "must be binary labels 0/1 or False/True",
            found=f"values {_head(sorted(found, key=str))}",
            fix="Encode the lapse label as 1 and the rest as 0, e.g. (y == 'lapsed').astype(int).",
        )
    return s.to_numpy().astype(np.int8)


def _scores(y_score: Any, *, where: str, name: str, probability: bool) -> np.ndarray:
    s = _as_series(y_score, where=where, name=name)
    missing = _missing_positions(s)
    if missing.size:
        raise EvaluationInputError(
            where,
            name,
            f"has {missing.size} missing values (NaN)",
            found=f"positions {_head(missing)}",
            fix="Score every customer; a model should not return NaN.",
        )
    try:
        scores = s.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise EvaluationInputError(
            where, name, "must be numbers", found=f"values {_head(s)}", fix="Pass numeric scores."
        ) from None
    bad = np.flatnonzero(~np.isfinite(scores))
    if bad.size:
        raise EvaluationInputError(
            where,
            name,
            f"has {bad.size} infinite values",
            found=f"positions {_head(bad)}",
            fix="Pass finite scores.",
        )
    if probability:
        outside = np.flatnonzero((scores < 0) | (scores > 1))
        if outside.size:
            raise EvaluationInputError(
                where,
                name,
                f"has {outside.size} values outside [0, 1]",
                found=f"e.g. {_head(scores[outside])} at positions {_head(outside)}",
                fix="Pass probabilities, e.g. model.predict_proba(X)[:, 1], not raw scores.",
            )
    return scores


def check_labels_scores(
    y_true: Any,
    *scores: Any,
    where: str,
    names: tuple[str, ...] = ("y_score",),
    probability: bool = True,
) -> tuple[np.ndarray, ...]:
    """Validate labels and one or more score arrays of the same length.

    Returns the labels as an ``int8`` array of 0/1 followed by each score array as float.

    Examples
    --------
    >>> y, s = check_labels_scores([0, 1, True], [0.1, 0.9, 0.5], where="demo")
    >>> y.tolist(), s.tolist()
    ([0, 1, 1], [0.1, 0.9, 0.5])
    >>> check_labels_scores([0, 1], [0.2], where="demo")
    Traceback (most recent call last):
    ...
    casestudy...EvaluationInputError: demo: y_true has 2 values but y_score has 1. ...
    """
    labels = _labels(y_true, where=where)
    arrays = [
        _scores(s, where=where, name=n, probability=probability)
        for s, n in zip(scores, names, strict=True)
    ]
    for name, array in zip(names, arrays, strict=True):
        if array.size != labels.size:
            raise EvaluationInputError(
                where,
                "y_true",
                f"has {labels.size} values but {name} has {array.size}",
                fix="Pass one score per customer, in the same order as the labels.",
            )
    return (labels, *arrays)


def check_groups(groups: Any, n: int, *, where: str, name: str = "groups") -> pd.Series:
    """Validate a group column (any categorical values) of length ``n``; no missing values.

    Examples
    --------
    >>> check_groups(["a", None, "b"], 3, where="demo")
    Traceback (most recent call last):
    ...
    casestudy...EvaluationInputError: demo: groups has 1 missing values (found: positions [1])....
    """
    s = _as_series(groups, where=where, name=name)
    if len(s) != n:
        raise EvaluationInputError(
            where,
            name,
            f"has {len(s)} values but y_true has {n}",
            fix="Pass one group per customer, in the same order.",
        )
    missing = _missing_positions(s)
    if missing.size:
        raise EvaluationInputError(
            where,
            name,
            f"has {missing.size} missing values",
            found=f"positions {_head(missing)}",
            fix="Give missing values their own group first, e.g. groups.fillna('unknown').",
        )
    out = s.rename(getattr(groups, "name", None) or name)
    return out.cat.remove_unused_categories() if isinstance(out.dtype, pd.CategoricalDtype) else out


def check_number(
    value: Any,
    name: str,
    *,
    where: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """Validate a scalar option against its limits and return it.

    Examples
    --------
    >>> check_number(1.5, "threshold", where="demo", low=0, high=1)
    Traceback (most recent call last):
    ...
    casestudy...EvaluationInputError: demo: threshold must be a number in [0, 1] (found: 1.5). ...
    """
    kind = "a whole number" if integer else "a number"
    span = (
        f" in {'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open else ']'}"
        if low is not None and high is not None
        else f" {'>' if low_open else '>='} {_fmt(low)}"
        if low is not None
        else f" {'<' if high_open else '<='} {_fmt(high)}"
        if high is not None
        else ""
    )
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)
    ok = ok and np.isfinite(value) and (not integer or float(value).is_integer())
    ok = ok and (low is None or (value > low if low_open else value >= low))
    ok = ok and (high is None or (value < high if high_open else value <= high))
    if not ok:
        raise EvaluationInputError(
            where, name, f"must be {kind}{span}", found=repr(value), fix=f"Pass {kind}{span}."
        )
    return int(value) if integer else float(value)


def _fmt(x: float | None) -> str:
    return "inf" if x is None else f"{x:g}"


def check_choice(value: Any, name: str, choices: tuple[str, ...], *, where: str) -> str:
    """Validate a string option against its allowed values."""
    if value not in choices:
        raise EvaluationInputError(
            where,
            name,
            f"must be one of {list(choices)}",
            found=repr(value),
            fix="Pick one of them.",
        )
    return value


def warn_undefined(message: str) -> None:
    """Warn that a metric is undefined (it is returned as ``nan``)."""
    warnings.warn(message, UndefinedMetricWarning, stacklevel=3)
