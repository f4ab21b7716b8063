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

from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from casestudy.data import truth_at
from casestudy.evaluate import roc_auc_score_ci, targeting_outcome, value_at_top_k
from casestudy.explorable import Explorer, Slider, View, register
from casestudy.plan.value import ValueAssumptions
from casestudy.plotting import ROLE_COLOURS, new_figure

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


# --- Chapter 6: the recency rule's trade-off, a figure of the comparison, the explorer -------

#: The cut-off of chapter 6's first performance estimate: the latest month start whose 180
#: days of outcomes lie inside the history (so its labels are known).
SPRINT1_CUTOFF = pd.Timestamp("2025-07-01")
#: The "no visit in N months" rules the trade-off table and the explorer show.
RECENCY_MONTHS: tuple[int, ...] = tuple(range(1, 13))

__all__ += [
    "RECENCY_MONTHS",
    "SPRINT1_CUTOFF",
    "plot_baseline_comparison",
    "recency_rule_explorer",
    "recency_rule_explorer_for",
    "recency_rule_view",
    "recency_tradeoff",
]


def _policy(name: str, months: float, y: np.ndarray, invite: np.ndarray,
            a: ValueAssumptions) -> dict[str, Any]:  # fmt: skip
    o = targeting_outcome(y, invite.astype(float), threshold=0.5, assumptions=a)
    capped = o.value * min(1.0, a.capacity / o.invited) if o.invited else 0.0
    return {"policy": name, "months": months, "invited": o.invited,
            "precision": o.precision, "recall": o.recall, "value": o.value,
            "value_at_capacity": capped}  # fmt: skip


def recency_tradeoff(
    table: Any,
    *,
    truth: pd.DataFrame | None = None,
    months: tuple[float, ...] = RECENCY_MONTHS,
    assumptions: ValueAssumptions | None = None,
) -> pd.DataFrame:
    """What each "no visit in N months" list would do, priced, beside the best possible.

    Parameters
    ----------
    table : ModellingTable
        One cut-off's table (:func:`casestudy.features.build_modelling_table`).
    truth : pandas.DataFrame, optional
        :func:`casestudy.data.load_truth`: adds two reference rows from the true
        probabilities, "Bayes limit" (invite whenever it pays on average) and "Bayes limit,
        top k" (the ``capacity`` customers likeliest to lapse).
    months : tuple of float, default=1, 2, ..., 12
    assumptions : ValueAssumptions, optional
        The money model and the workshop's ``capacity``; default the stakeholders'.

    Returns
    -------
    pandas.DataFrame
        One row per policy: ``policy``, ``months``, ``invited``, ``precision`` (share of the
        invited who would lapse), ``recall`` (share of lapsers invited), ``value`` (pounds a
        month if every invited customer could be seen) and ``value_at_capacity`` (if only
        ``capacity`` of them, picked at random from the list, can be: the value scales down).

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> from casestudy.features import build_modelling_table
    >>> mt = build_modelling_table(load_bike_shop(), "2024-01-01")
    >>> t = recency_tradeoff(mt, months=(3, 6))
    >>> t["policy"].tolist(), bool(t["invited"].is_monotonic_decreasing)
    (['no visit in 3 months', 'no visit in 6 months'], True)
    """
    X = _check_features(getattr(table, "X", None), "recency_tradeoff")
    y, a = table.y.to_numpy(int), assumptions or ValueAssumptions()
    rows = [_policy(f"no visit in {m:g} months", m, y, recency_rule(X, months=m).to_numpy(), a)
            for m in months]  # fmt: skip
    if truth is not None:
        p = truth_at(truth, table.keys["cutoff"].iloc[0])
        p = p.reindex(table.keys["customer_id"].to_numpy()).to_numpy(float)
        ok = ~np.isnan(p)
        best = p[ok] * a.success_rate * a.margin > a.offer_cost
        rows.append(_policy("Bayes limit", np.nan, y[ok], best, a))
        rows.append(_policy(f"Bayes limit, top {a.capacity}", np.nan, y[ok],
                            _top(p[ok], a.capacity), a))  # fmt: skip
    return pd.DataFrame(rows)


def plot_baseline_comparison(comparison: pd.DataFrame, *, expected_auc: float | None = None):
    """ROC AUC of each rule with its 95 % bootstrap interval, the Bayes limit and the plan."""
    d = comparison.drop_duplicates("auc").reset_index(drop=True)
    names = ["recency (any N)" if r.startswith("no visit") else r for r in d["rule"]]
    fig, ax = new_figure(width=6.4, height=0.6 * len(d) + 1.4)
    pos = np.arange(len(d))[::-1]
    colours = [ROLE_COLOURS["best"] if "Bayes" in r else ROLE_COLOURS["baseline"]
               for r in d["rule"]]  # fmt: skip
    for y, (_, r), c in zip(pos, d.iterrows(), colours, strict=True):
        ax.errorbar(r["auc"], y, xerr=[[r["auc"] - r["auc_low"]], [r["auc_high"] - r["auc"]]],
                    fmt="o", color=c, capsize=4, ms=6)  # fmt: skip
    if expected_auc is not None:
        ax.axvline(expected_auc, color=ROLE_COLOURS["model"], ls="--", lw=1.5)
        ax.text(expected_auc, pos.max() + 0.45, " the plan's assumption",
                color=ROLE_COLOURS["model"], va="bottom", fontsize=9)  # fmt: skip
    ax.set_yticks(pos, names)
    ax.set(xlim=(0.5, 1.0), ylim=(-0.6, len(d) - 0.1), xlabel="ROC AUC (95% bootstrap interval)")
    ax.set_title("Simple rules against the best any model could do")
    return fig


#: Offer costs the trade-off is priced at: the plan's and double (an exercise in the page).
_OFFER_COSTS = (12.0, 24.0)


def _tradeoffs(table: Any, truth: pd.DataFrame) -> dict[float, pd.DataFrame]:
    """:func:`recency_tradeoff` at each of the explorer's offer costs."""
    base = ValueAssumptions()
    return {
        cost: recency_tradeoff(table, truth=truth, assumptions=replace(base, offer_cost=cost))
        for cost in _OFFER_COSTS
    }


@lru_cache(maxsize=1)
def _shipped_tradeoffs() -> dict[float, pd.DataFrame]:
    """The trade-off tables of the shipped data at :data:`SPRINT1_CUTOFF`."""
    from casestudy.data import load_bike_shop, load_truth
    from casestudy.features import build_modelling_table

    return _tradeoffs(build_modelling_table(load_bike_shop(), SPRINT1_CUTOFF), load_truth())


def recency_rule_view(months: int, offer_cost: float = 12.0) -> View:
    """The 'no visit in N months' list on the shipped data: its size, and its money value.

    ``offer_cost`` is 12 (the plan) or 24; the explorer shows the plan's cost.
    """
    return _recency_view(_shipped_tradeoffs(), months, offer_cost)


def _recency_view(tradeoffs: dict[float, pd.DataFrame], months: int, offer_cost: float) -> View:
    """Bars of the list's size against capacity; its value beside the best possible."""
    t = tradeoffs[offer_cost]
    rules, cap = t[t["months"].notna()], ValueAssumptions().capacity
    r = rules.set_index("months").loc[months]
    top = t.set_index("policy").loc[f"Bayes limit, top {cap}", "value"]
    fig, (left, right) = new_figure(1, 2, width=7.6, height=3.0, layout="fixed")
    fig.subplots_adjust(left=0.1, right=0.98, wspace=0.38)
    shade = [ROLE_COLOURS["highlight"] if m == months else ROLE_COLOURS["neutral"]
             for m in rules["months"]]  # fmt: skip
    left.bar(rules["months"], rules["invited"], color=shade)
    left.axhline(cap, color=ROLE_COLOURS["loss"], ls="--", lw=1.5)
    left.set(xlabel="N (months without a visit)", ylabel="Customers invited")
    left.set_title(f"Dashed: workshop capacity ({cap})", fontsize=10)
    right.plot(rules["months"], rules["value"], color=ROLE_COLOURS["baseline"], lw=2)
    right.plot(rules["months"], rules["value_at_capacity"], color=ROLE_COLOURS["baseline"],
               lw=1.5, ls=":")  # fmt: skip
    right.axhline(top, color=ROLE_COLOURS["best"], lw=1.5, ls="--")
    right.axhline(0, color=ROLE_COLOURS["neutral"], lw=0.8)
    right.plot([months], [r["value"]], "o", color=ROLE_COLOURS["highlight"], ms=8)
    right.set(xlabel="N (months without a visit)", ylabel="£ a month")
    right.set_title("Rule: all / capped (dotted); best: dashed", fontsize=10)
    for ax in (left, right):
        ax.set_xticks([1, 3, 6, 9, 12])
    return View(figure=fig, summary=_recency_summary(r, months, offer_cost, top, cap),
                alt=f"Bar chart of customers invited by N with the capacity line at {cap}; "
                    "line chart of the rule's monthly value by N, capped and uncapped, with "
                    "the best possible value at capacity dashed.")  # fmt: skip


def _gbp(value: float) -> str:
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def _recency_summary(r: pd.Series, months: int, cost: float, top: float, cap: int) -> str:
    best = f"The best possible {cap} invitations (true probabilities) would be worth {_gbp(top)}."
    if r["invited"] == 0:
        return (
            f"'No visit in {months} months' invites nobody: every active customer visited "
            f"in the past year. {best}"
        )
    times = f"{r['invited'] / cap:.1f} times" if r["invited"] > cap else "within"
    return (
        f"'No visit in {months} months' invites {r['invited']:,.0f} customers ({times} the "
        f"workshop's {cap} free checks). {r['precision']:.0%} of them would lapse (precision) "
        f"and they are {r['recall']:.0%} of all lapsers (recall). At £{cost:.0f} an "
        f"invitation the list is worth {_gbp(r['value'])} a month if all can be seen, "
        f"{_gbp(r['value_at_capacity'])} if only {cap} can. {best}"
    )


def _recency_explorer(tradeoffs: dict[float, pd.DataFrame], name: str | None) -> Explorer:
    def view(months: int) -> View:
        return _recency_view(tradeoffs, months, ValueAssumptions().offer_cost)

    return Explorer(
        view,
        Slider("months", "No visit in N months, N =", 1, 12, 1, default=6),
        title="Can we just use the 'no visit in six months' list?",
        name=name,
    )


@register("recency-rule")
def recency_rule_explorer() -> Explorer:
    """Move N in "no visit in N months"; see the list against capacity, its value, the best.

    Built on the shipped data at :data:`SPRINT1_CUTOFF` (loads it once, then cached).
    """
    return _recency_explorer(_shipped_tradeoffs(), None)


def recency_rule_explorer_for(table: Any, *, truth: pd.DataFrame) -> Explorer:
    """The ``recency-rule`` explorer on a table already in memory (saves reloading the data).

    Parameters
    ----------
    table : ModellingTable
        The shipped data's table at :data:`SPRINT1_CUTOFF`; the explorer keeps the name
        ``recency-rule`` only then, so the published page matches the registered explorer.
    truth : pandas.DataFrame
        :func:`casestudy.data.load_truth`.

    Returns
    -------
    Explorer
    """
    same = (table.keys["cutoff"] == SPRINT1_CUTOFF).all()
    return _recency_explorer(_tradeoffs(table, truth), "recency-rule" if same else None)
