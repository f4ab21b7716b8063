"""Money value of a targeting policy on a labelled test set (private; see evaluate).

The value model is the project's, imported from :mod:`casestudy.plan.value` and not
re-implemented: ``kept = lapsers invited * success_rate`` and
``value = kept * margin - invitations * offer_cost``. This module only turns a test set, a
threshold and a workshop capacity into the invitations and precision that model needs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from casestudy._evaluate_checks import check_labels_scores, check_number
from casestudy.plan.value import ValueAssumptions, policy_value


@dataclass(frozen=True)
class TargetingOutcome:
    """What a targeting policy does on the test set, and what it is worth per month.

    ``invited``, ``true_positives`` (lapsers invited) and ``false_positives`` (loyal
    customers invited) count test-set customers; ``precision`` is ``nan`` when nobody is
    invited and ``recall`` is ``nan`` when nobody lapses. ``monthly_invitations``, ``kept``
    and ``value`` (pounds) are scaled to ``population`` active customers a month.
    ``capped`` says the workshop capacity cut the invitations below what the threshold chose.
    """

    threshold: float
    invited: int
    true_positives: int
    false_positives: int
    precision: float
    recall: float
    population: int
    monthly_invitations: int
    kept: float
    value: float
    capped: bool


@dataclass(frozen=True)
class _Setting:
    """Validated money assumptions for one test set."""

    assumptions: ValueAssumptions
    n: int
    capacity: int | None  # in test-set customers


def _setting(
    y: np.ndarray,
    *,
    where: str,
    population: Any,
    capacity: Any,
    assumptions: ValueAssumptions | None,
    overrides: dict[str, Any],
) -> _Setting:
    """Combine the stakeholders' assumptions with this test set's size and base rate."""
    a = assumptions or ValueAssumptions()
    for name in ("margin", "offer_cost"):
        if overrides[name] is not None:
            check_number(overrides[name], name, where=where, low=0)
    if overrides["success_rate"] is not None:
        check_number(overrides["success_rate"], "success_rate", where=where, low=0, high=1)
    n = y.size
    big_n = (
        n
        if population is None
        else check_number(population, "population", where=where, low=1, integer=True)
    )
    cap = None
    if capacity is not None:
        cap = math.floor(
            check_number(capacity, "capacity", where=where, low=0, integer=True) * n / big_n + 1e-9
        )
    changes = {k: float(v) for k, v in overrides.items() if v is not None}
    a = replace(a, active_customers=big_n, base_rate=float(y.mean()), **changes)
    return _Setting(a, n, cap)


def outcome_of(
    y: np.ndarray, invited: np.ndarray, setting: _Setting, *, threshold: float, capped: bool = False
) -> TargetingOutcome:
    """Count the invited lapsers and price the policy with the project's value model."""
    k, tp = int(invited.sum()), int(y[invited].sum())
    n_pos, a = int(y.sum()), setting.assumptions
    monthly = math.floor(k * a.active_customers / setting.n + 1e-9)
    precision = tp / k if k else 0.0
    money = policy_value(precision, monthly, assumptions=a)
    return TargetingOutcome(
        threshold=float(threshold),
        invited=k,
        true_positives=tp,
        false_positives=k - tp,
        precision=tp / k if k else np.nan,
        recall=tp / n_pos if n_pos else np.nan,
        population=a.active_customers,
        monthly_invitations=monthly,
        kept=money.kept,
        value=money.value,
        capped=capped,
    )


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` highest scores (ties at the cut broken by position)."""
    mask = np.zeros(scores.size, dtype=bool)
    mask[np.argsort(-scores, kind="stable")[:k]] = True
    return mask


def at_threshold(
    y: np.ndarray, p: np.ndarray, threshold: float, setting: _Setting
) -> TargetingOutcome:
    """Invite everyone scoring at least ``threshold``, then cut to the capacity."""
    chosen = p >= threshold
    if setting.capacity is not None and chosen.sum() > setting.capacity:
        return outcome_of(y, _top(p, setting.capacity), setting, threshold=threshold, capped=True)
    return outcome_of(y, chosen, setting, threshold=threshold)


def targeting(
    y_true: Any,
    y_prob: Any,
    *,
    threshold: Any,
    capacity: Any,
    population: Any,
    assumptions: ValueAssumptions | None,
    **overrides: Any,
) -> TargetingOutcome:
    where = "targeting_outcome"
    y, p = check_labels_scores(y_true, y_prob, where=where, names=("y_prob",))
    t = check_number(threshold, "threshold", where=where, low=0, high=1)
    setting = _setting(
        y,
        where=where,
        population=population,
        capacity=capacity,
        assumptions=assumptions,
        overrides=overrides,
    )
    return at_threshold(y, p, t, setting)


def curve(
    y_true: Any,
    y_prob: Any,
    *,
    thresholds: Any,
    capacity: Any,
    population: Any,
    assumptions: ValueAssumptions | None,
    **overrides: Any,
) -> pd.DataFrame:
    where = "value_curve"
    y, p = check_labels_scores(y_true, y_prob, where=where, names=("y_prob",))
    grid = np.linspace(0.0, 1.0, 101) if thresholds is None else np.asarray(thresholds, float)
    if grid.ndim != 1 or grid.size == 0:
        check_number(None, "thresholds", where=where, low=0, high=1)  # raises a clear error
    for t in grid:
        check_number(float(t), "thresholds", where=where, low=0, high=1)
    setting = _setting(
        y,
        where=where,
        population=population,
        capacity=capacity,
        assumptions=assumptions,
        overrides=overrides,
    )
    return pd.DataFrame([asdict(at_threshold(y, p, float(t), setting)) for t in grid])


def top_k(
    y_true: Any,
    y_score: Any,
    *,
    k: Any,
    population: Any,
    assumptions: ValueAssumptions | None,
    **overrides: Any,
) -> TargetingOutcome:
    where = "value_at_top_k"
    y, s = check_labels_scores(y_true, y_score, where=where, probability=False)
    big_n = y.size if population is None else population
    check_number(k, "k", where=where, low=0, high=big_n, integer=True)
    setting = _setting(
        y,
        where=where,
        population=population,
        capacity=None,
        assumptions=assumptions,
        overrides=overrides,
    )
    k_test = math.floor(int(k) * y.size / setting.assumptions.active_customers + 1e-9)
    mask = _top(s, k_test)
    lowest = float(s[mask].min()) if k_test else np.inf
    return outcome_of(y, mask, setting, threshold=lowest)
