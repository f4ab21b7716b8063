# ruff: noqa: N803, N806  (X is scikit-learn's name for a feature matrix)
"""Baseline rules, scored exactly like models, beside the Bayes limit.

Before any model, chapter 6 asks what simple rules the shop could use today and how good
they are: a model must beat them by enough to pay for itself. Each rule gives a **score**
(higher = likelier to lapse, so it has an ROC AUC like a model) and a **policy** (who it
would invite):

- ``no visit in N months``: score = days since the last visit; invite if more than N months.
  Every active customer visited in the last 12 months, so "no visit in 12 months" invites
  nobody at a cut-off: the shop's intuitive rule needs a shorter N.
- ``RFM``: the classic recency, frequency, monetary score, each cut into quintiles
  (5 = most at risk: longest since a visit, fewest visits, lowest spend) and summed (3-15);
  invites the top ``k`` (the workshop's monthly capacity).
- ``Bayes limit``: the true lapse probabilities the generator knows (no real project has
  them): the best any model can do; invites when the expected value is positive.

All metrics come from :mod:`casestudy.evaluate` (bootstrap AUC intervals, the money model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from casestudy.data import truth_at
from casestudy.evaluate import roc_auc_score_ci, targeting_outcome, value_at_top_k
from casestudy.plan.value import ValueAssumptions

__all__ = [
    "DAYS_PER_MONTH",
    "compare_baselines",
    "recency_rule",
    "rfm_score",
]

DAYS_PER_MONTH = 30.4375
_NEEDED = ("recency_days", "visits_365d", "spend_365d")


def _check_features(X: Any, where: str) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{where} needs the features DataFrame (ModellingTable.X). Got {type(X).__name__}."
        )
    missing = [c for c in _NEEDED if c not in X.columns]
    if missing:
        raise ValueError(
            f"{where}: X lacks column(s) {missing}. Build it with "
            "casestudy.features.build_modelling_table."
        )
    return X


def recency_rule(X: pd.DataFrame, *, months: float) -> pd.Series:
    """Invite customers with no visit in the last ``months`` months (1 = invite).

    Parameters
    ----------
    X : pandas.DataFrame
        Features with ``recency_days``.
    months : float > 0
        A month is 30.4375 days.

    Returns
    -------
    pandas.Series of int8, same index as X.

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [10, 200, 400], "visits_365d": 1, "spend_365d": 0})
    >>> recency_rule(X, months=6).tolist()
    [0, 1, 1]
    """
    _check_features(X, "recency_rule")
    if not isinstance(months, int | float) or months <= 0:
        raise ValueError(
            f"The 'months' parameter of recency_rule must be a number > 0. Got {months!r} instead."
        )
    return (X["recency_days"] > months * DAYS_PER_MONTH).astype(np.int8).rename("invite")


def _quintile(values: pd.Series, *, high_is_risky: bool) -> np.ndarray:
    """Quintile 1-5 of each value (ties broken by position, so the five groups are equal)."""
    r = values.rank(method="first", ascending=high_is_risky).to_numpy()
    return 1 + np.floor(5 * (r - 1) / max(len(r), 1)).astype(int)


def rfm_score(X: pd.DataFrame) -> pd.Series:
    """The RFM score: recency, frequency and monetary quintiles summed (3-15, 15 = most at risk).

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [5, 50, 100, 200, 300],
    ...                   "visits_365d": [9, 5, 3, 2, 1], "spend_365d": [900, 500, 100, 50, 0]})
    >>> rfm_score(X).tolist()
    [3, 6, 9, 12, 15]
    """
    _check_features(X, "rfm_score")
    score = (
        _quintile(X["recency_days"], high_is_risky=True)
        + _quintile(X["visits_365d"], high_is_risky=False)
        + _quintile(X["spend_365d"], high_is_risky=False)
    )
    return pd.Series(score, index=X.index, name="rfm")


def _row(
    name: str,
    y: np.ndarray,
    score: np.ndarray,
    invite: np.ndarray,
    *,
    k: int,
    money: dict[str, Any],
    n_resamples: int,
    random_state: int,
) -> dict[str, Any]:
    auc = roc_auc_score_ci(y, score, n_resamples=n_resamples, random_state=random_state)
    policy = targeting_outcome(y, invite.astype(float), threshold=0.5, **money)
    top = value_at_top_k(y, score, k=min(k, len(y)), **money)
    return {
        "rule": name,
        "auc": auc.value,
        "auc_low": auc.low,
        "auc_high": auc.high,
        "invited": policy.invited,
        "precision": policy.precision,
        "recall": policy.recall,
        "value": policy.value,
        "precision_at_k": top.precision,
        "value_at_k": top.value,
        "n_customers": len(y),
    }


def compare_baselines(
    table: Any,
    *,
    truth: pd.DataFrame | None = None,
    months: tuple[float, ...] = (3, 6, 9, 12),
    k: int | None = None,
    assumptions: ValueAssumptions | None = None,
    n_resamples: int = 1000,
    random_state: int = 0,
) -> pd.DataFrame:
    """The baseline rules (and the Bayes limit) side by side, scored like models.

    Parameters
    ----------
    table : ModellingTable
        One cut-off's table from :func:`casestudy.features.build_modelling_table`.
    truth : pandas.DataFrame, optional
        :func:`casestudy.data.load_truth`; adds the "Bayes limit" row (true probabilities),
        on the customers the truth covers.
    months : tuple of float, default=(3, 6, 9, 12)
        The "no visit in N months" rules to score.
    k : int, optional
        Invitations a month for the top-k columns; default the workshop capacity (400).
    assumptions : ValueAssumptions, optional
        The money model; default the stakeholders' (value.yaml).
    n_resamples, random_state : int
        Bootstrap of the AUC interval (see :func:`casestudy.evaluate.roc_auc_score_ci`).

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``rule``, ``auc`` with ``auc_low``/``auc_high`` (95% bootstrap),
        the rule's own policy (``invited``, ``precision``, ``recall``, monthly ``value`` in
        pounds), ``precision_at_k`` and ``value_at_k`` when inviting the ``k`` highest
        scores, and ``n_customers``. The recency rules share one score, hence one AUC.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> from casestudy.features import build_modelling_table
    >>> mt = build_modelling_table(load_bike_shop(), "2024-01-01")
    >>> t = compare_baselines(mt, months=(6,), n_resamples=50)
    >>> t["rule"].tolist(), bool(t["auc"].between(0.6, 0.8).all())
    (['no visit in 6 months', 'RFM score'], True)
    """
    X = _check_features(getattr(table, "X", None), "compare_baselines")
    y = table.y.to_numpy(int)
    a = assumptions or ValueAssumptions()
    k = a.capacity if k is None else k
    money = {"assumptions": a}
    opts = {"k": k, "money": money, "n_resamples": n_resamples, "random_state": random_state}
    recency = X["recency_days"].to_numpy(float)
    rows = [
        _row(f"no visit in {m:g} months", y, recency, recency_rule(X, months=m).to_numpy(), **opts)
        for m in months
    ]
    rfm = rfm_score(X).to_numpy(float)
    rows.append(_row("RFM score", y, rfm, _top(rfm, k), **opts))
    if truth is not None:
        rows.append(_bayes_row(table, truth, a, opts))
    return pd.DataFrame(rows)


def _top(score: np.ndarray, k: int) -> np.ndarray:
    mask = np.zeros(len(score), bool)
    mask[np.argsort(-score, kind="stable")[:k]] = True
    return mask


def _bayes_row(
    table: Any, truth: pd.DataFrame, a: ValueAssumptions, opts: dict[str, Any]
) -> dict[str, Any]:
    """The true probabilities as a 'rule': invite when p * success_rate * margin > cost."""
    keys = table.keys
    if "cutoff" not in keys.columns or keys["cutoff"].nunique() != 1:
        raise ValueError(
            "compare_baselines: the Bayes limit needs a one-cut-off table "
            "(build_modelling_table), not a stacked training set."
        )
    p = truth_at(truth, keys["cutoff"].iloc[0]).reindex(keys["customer_id"].to_numpy())
    ok = p.notna().to_numpy()
    y, prob = table.y.to_numpy(int)[ok], p.to_numpy(float)[ok]
    invite = prob * a.success_rate * a.margin > a.offer_cost
    return _row("Bayes limit (true probabilities)", y, prob, invite, **opts)
