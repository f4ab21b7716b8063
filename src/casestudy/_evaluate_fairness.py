"""Metrics by group with fairlearn, age bands, and group-aware thresholds (private).

Every metric takes the labels and the *probabilities*; the ones about decisions apply the
threshold themselves. That lets one :class:`fairlearn.metrics.MetricFrame` hold decision
metrics (selection rate, true positive rate, precision) beside calibration (mean predicted
against observed rate), all split by the same groups.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from casestudy._evaluate_checks import (
    EvaluationInputError,
    check_choice,
    check_groups,
    check_labels_scores,
    check_number,
)
from casestudy._evaluate_money import _setting, at_threshold, outcome_of
from casestudy.plan.value import ValueAssumptions

#: The decision metrics a group-aware threshold can equalise.
TARGETS = ("true_positive_rate", "selection_rate")


def _selection_rate(y: np.ndarray, p: np.ndarray, *, threshold: float) -> float:
    return float(np.mean(p >= threshold))


def _true_positive_rate(y: np.ndarray, p: np.ndarray, *, threshold: float) -> float:
    return float(np.mean(p[y == 1] >= threshold)) if (y == 1).any() else np.nan


def _precision(y: np.ndarray, p: np.ndarray, *, threshold: float) -> float:
    chosen = p >= threshold
    return float(np.mean(y[chosen])) if chosen.any() else np.nan


def _count(y: np.ndarray, p: np.ndarray) -> float:
    return float(len(y))


def _mean_predicted(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(p))


def _observed_rate(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(y))


def _metrics(threshold: float) -> dict[str, Any]:
    return {
        "count": _count,
        "selection_rate": partial(_selection_rate, threshold=threshold),
        "true_positive_rate": partial(_true_positive_rate, threshold=threshold),
        "precision": partial(_precision, threshold=threshold),
        "mean_predicted": _mean_predicted,
        "observed_rate": _observed_rate,
    }


def by_group(y_true: Any, y_prob: Any, groups: Any, *, threshold: Any) -> pd.DataFrame:
    """Per-group metrics, overall, max difference and min/max ratio (see evaluate)."""
    from fairlearn.metrics import MetricFrame  # imports scikit-learn: about 2 s, so lazily

    where = "fairness_table"
    y, p = check_labels_scores(y_true, y_prob, where=where, names=("y_prob",))
    g = check_groups(groups, y.size, where=where)
    t = check_number(threshold, "threshold", where=where, low=0, high=1)
    frame = MetricFrame(metrics=_metrics(t), y_true=y, y_pred=p, sensitive_features=g)
    table = frame.by_group.astype(float)
    table["calibration_gap"] = table["mean_predicted"] - table["observed_rate"]
    overall = frame.overall.astype(float)
    overall["calibration_gap"] = overall["mean_predicted"] - overall["observed_rate"]
    spread = table.drop(columns="count")
    difference = spread.max() - spread.min()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = spread.min() / spread.max()
    ratio["calibration_gap"] = np.nan  # a ratio of signed gaps means nothing
    summary = pd.DataFrame({"overall": overall, "difference": difference, "ratio": ratio}).T
    out = pd.concat([table, summary])
    out.index = pd.Index([str(i) for i in out.index], name=g.name)
    out["count"] = out["count"].astype("Int64")
    return out


def age_band(
    dates_of_birth: Any, *, at: Any, edges: tuple[int, ...] = (18, 30, 45, 60), oldest: int = 110
) -> pd.Series:
    """Ordered age bands at a date; missing or implausible birth dates are "unknown"."""
    where = "age_band"
    if at is None or pd.isna(pd.Timestamp(at)):
        raise EvaluationInputError(
            where,
            "at",
            "must be a date",
            found=repr(at),
            fix="Pass the cut-off date, e.g. at='2025-01-01'.",
        )
    if list(edges) != sorted(set(edges)) or len(edges) < 1:
        raise EvaluationInputError(
            where,
            "edges",
            "must be increasing ages",
            found=edges,
            fix="Pass e.g. edges=(18, 30, 45, 60).",
        )
    index = dates_of_birth.index if isinstance(dates_of_birth, pd.Series) else None
    born = pd.to_datetime(pd.Series(dates_of_birth, index=index), errors="coerce")
    at_ts = pd.Timestamp(at)
    had_birthday = (born.dt.month < at_ts.month) | (
        (born.dt.month == at_ts.month) & (born.dt.day <= at_ts.day)
    )
    age = at_ts.year - born.dt.year - (~had_birthday).astype(int)
    labels = [f"under {edges[0]}"] + [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(edges)]
    labels += [f"{edges[-1]}+", "unknown"]
    bands = pd.cut(age, [-np.inf, *edges, np.inf], right=False, labels=labels[:-1])
    bands = bands.cat.add_categories("unknown")
    implausible = age.isna() | (age < 0) | (age > oldest)
    return bands.where(~implausible, "unknown").rename("age_band")


def _threshold_for(scores: np.ndarray, level: float) -> float:
    """Highest threshold that selects at least ``level`` of ``scores``."""
    if scores.size == 0:
        return np.nan
    m = max(1, int(np.ceil(level * scores.size - 1e-9)))
    return float(np.sort(scores)[::-1][m - 1])


def thresholds_for(y_true: Any, y_prob: Any, groups: Any, *, target: str, level: Any) -> pd.Series:
    """Per-group thresholds reaching the same ``target`` rate (see evaluate)."""
    where = "group_thresholds"
    y, p = check_labels_scores(y_true, y_prob, where=where, names=("y_prob",))
    g = check_groups(groups, y.size, where=where)
    check_choice(target, "target", TARGETS, where=where)
    lv = check_number(level, "level", where=where, low=0, high=1, low_open=True)
    out = {}
    for name, idx in g.groupby(g, observed=True, sort=True).groups.items():
        members = np.asarray(idx)
        pool = members[y[members] == 1] if target == "true_positive_rate" else members
        out[str(name)] = _threshold_for(p[pool], lv)
    return pd.Series(out, name="threshold").rename_axis(g.name)


def tradeoff(
    y_true: Any,
    y_prob: Any,
    groups: Any,
    *,
    threshold: Any,
    target: str,
    population: Any,
    assumptions: ValueAssumptions | None,
    **overrides: Any,
) -> pd.DataFrame:
    """Single threshold against group thresholds that equalise ``target`` (see evaluate)."""
    where = "fairness_tradeoff"
    y, p = check_labels_scores(y_true, y_prob, where=where, names=("y_prob",))
    g = check_groups(groups, y.size, where=where)
    t = check_number(threshold, "threshold", where=where, low=0, high=1)
    check_choice(target, "target", TARGETS, where=where)
    setting = _setting(
        y,
        where=where,
        population=population,
        capacity=None,
        assumptions=assumptions,
        overrides=overrides,
    )
    level = _metrics(t)[target](y, p)
    per_group = thresholds_for(y, p, g, target=target, level=level) if level > 0 else None
    rows = [("single threshold", at_threshold(y, p, t, setting), p >= t)]
    if per_group is not None:
        cut = g.astype(str).map(per_group).to_numpy(dtype=float)
        mask = p >= np.nan_to_num(cut, nan=np.inf)
        rows.append(
            (
                f"group thresholds (equal {target.replace('_', ' ')})",
                outcome_of(y, mask, setting, threshold=np.nan),
                mask,
            )
        )
    return pd.DataFrame(
        [_tradeoff_row(name, o, y, mask, g, target) for name, o, mask in rows]
    ).assign(value_cost=lambda d: d["value"].iloc[0] - d["value"])


def _tradeoff_row(
    policy: str, o: Any, y: np.ndarray, mask: np.ndarray, g: pd.Series, target: str
) -> dict[str, Any]:
    keys = g.astype(str).to_numpy()
    rates = []
    for name in np.unique(keys):
        members = keys == name
        pool = members & (y == 1) if target == "true_positive_rate" else members
        rates.append(mask[pool].mean() if pool.any() else np.nan)
    return {
        "policy": policy,
        "invited": o.invited,
        "true_positives": o.true_positives,
        "precision": o.precision,
        "recall": o.recall,
        "value": o.value,
        f"{target}_difference": float(np.nanmax(rates) - np.nanmin(rates)),
    }
