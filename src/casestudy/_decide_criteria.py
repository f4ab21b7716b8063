"""Selection criteria: loading selection.yaml and scoring candidates (private; see decide)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casestudy.plan._checks import read_mapping

QUANTITATIVE = ("auc", "pr_auc", "brier", "value")
QUALITATIVE = ("explainability", "running_cost", "latency", "maintainability", "fairness")
#: Which column of the criteria table a measured rubric reads.
MEASURED = {
    "running_cost": "model_size",
    "latency": "score_depth",
    "fairness": "tpr_gap_age",
}


@dataclass(frozen=True)
class Criteria:
    """Weights, directions, tolerances and the rubric of the selection criteria."""

    table: pd.DataFrame  # index: criterion; kind, weight, better, tolerance, description
    rubric: dict[str, Any]


def _fail(path: Any, what: str, fix: str) -> ValueError:
    return ValueError(f"selection criteria ({path or 'selection.yaml'}): {what}. {fix}")


def load(path: str | Path | None) -> Criteria:
    """Read and validate selection.yaml."""
    content = read_mapping(path, "selection.yaml")
    crit, rubric = content.get("criteria"), content.get("rubric")
    if not isinstance(crit, dict) or not isinstance(rubric, dict):
        raise _fail(
            path,
            "needs the mappings 'criteria' and 'rubric'",
            "See data/bike_shop/project/selection.yaml.",
        )
    unknown = sorted(set(crit) - set(QUANTITATIVE) - set(QUALITATIVE))
    if unknown:
        raise _fail(
            path, f"unknown criteria {unknown}", f"Use some of {list(QUANTITATIVE + QUALITATIVE)}."
        )
    table = pd.DataFrame.from_dict(crit, orient="index")
    table.index.name = "criterion"
    w = table["weight"].astype(float)
    if (w < 0).any() or not math.isclose(w.sum(), 1.0, abs_tol=1e-6):
        raise _fail(
            path,
            f"weights must be >= 0 and sum to 1; they sum to {w.sum():.3f}",
            "Adjust the weights.",
        )
    missing = [c for c in table.index if c in QUALITATIVE and c not in rubric]
    if missing:
        raise _fail(path, f"no rubric for {missing}", "Add them under 'rubric'.")
    return Criteria(table=table.assign(weight=w), rubric=rubric)


def family(name: str) -> str:
    """The model family of a candidate name: "rule: recency" -> "rule"."""
    return name.split(":")[0].strip()


def banded(value: float, bands: list[list[float]]) -> int:
    """The score of a measured value: the first band whose upper limit it does not exceed.

    >>> banded(0.3, [[0.5, 5], [2.0, 4]]), banded(9.0, [[0.5, 5], [2.0, 4]])
    (5, 1)
    """
    if not math.isfinite(value):
        return 1
    for limit, score in bands:
        if value <= limit:
            return int(score)
    return 1


def quantitative_score(values: pd.Series, *, better: str, tolerance: float) -> pd.Series:
    """5 for the best, minus 4 points per ``tolerance`` behind it, at least 1."""
    best = values.max() if better == "higher" else values.min()
    behind = (best - values) if better == "higher" else (values - best)
    return (5 - 4 * behind / tolerance).clip(lower=1, upper=5)


def qualitative_score(table: pd.DataFrame, criterion: str, rubric: dict[str, Any]) -> pd.Series:
    """Rubric score of every candidate for one qualitative criterion."""
    rule = rubric[criterion]
    if criterion in MEASURED:
        col = table[MEASURED[criterion]].astype(float)
        return col.map(lambda v: banded(v, rule)).astype(float)
    fams = table.index.map(family)
    unknown = sorted(set(fams) - set(rule))
    if unknown:
        raise ValueError(
            f"The rubric for {criterion!r} has no score for model family "
            f"{unknown}. Add it to selection.yaml (families: {sorted(rule)})."
        )
    return pd.Series([float(rule[f]) for f in fams], index=table.index)


def score(table: pd.DataFrame, criteria: Criteria) -> pd.DataFrame:
    """Score (1-5) of every candidate on every criterion, and the weighted ``total``."""
    out = pd.DataFrame(index=table.index)
    for name, row in criteria.table.iterrows():
        if row["kind"] == "quantitative":
            out[name] = quantitative_score(
                table[name].astype(float), better=row["better"], tolerance=float(row["tolerance"])
            )
        else:
            out[name] = qualitative_score(table, name, criteria.rubric)
    weights = criteria.table["weight"].reindex(out.columns).to_numpy()
    out["total"] = out.to_numpy() @ weights
    return out.sort_values("total", ascending=False, kind="stable")


def effective_threshold(p: np.ndarray, threshold: float, invitations: int) -> float:
    """The lowest score actually invited once the workshop capacity has cut the list."""
    if invitations <= 0:
        return float(threshold)
    top = np.sort(p)[::-1]
    return float(max(threshold, top[min(invitations, len(top)) - 1]))
