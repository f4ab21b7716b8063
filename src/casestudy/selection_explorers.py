"""Trade-off explorers for chapters 7 and 8: model complexity, threshold value, fairness, A/B.

Each explorer's view reads arrays precomputed once per process (``functools.lru_cache`` on
module-level functions) from one small, fast, deterministic fit: the logistic candidate of
:func:`casestudy.models.candidate_models` trained on :func:`casestudy.models.book_data`
(the model chapter 8 chooses), scored on the test month. Views do no fitting, so each
computes and renders in well under 100 ms.

* ``model-complexity``: tree size and number of trees of gradient boosting against training
  and validation AUC (:func:`casestudy.models.complexity_curve`, five fits).
* ``threshold-value``: decision threshold and offer cost against the money value a month,
  invitations, precision and recall, with the workshop capacity.
* ``fairness-thresholds``: one threshold for everyone against group-aware thresholds by
  age band (equal true positive rate): value against the gap.
* ``ab-planner``: the uplift to detect and the eligible customers a month against the
  sample size and duration of an A/B test (:func:`casestudy.evaluate.ab_test_plan`).

Importing this module computes nothing; the first view does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from casestudy import evaluate as ev
from casestudy.explorable import Dropdown, Explorer, Slider, View, register
from casestudy.plan.value import load_value_assumptions
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "ExplorerScores",
    "ab_planner_explorer",
    "ab_planner_view",
    "explorer_scores",
    "fairness_thresholds_explorer",
    "fairness_thresholds_view",
    "model_complexity_explorer",
    "model_complexity_view",
    "threshold_value_explorer",
    "threshold_value_view",
]

_LEAVES = (3, 7, 15, 31)
_ITERS = (10, 25, 50, 100)
_FAIR_THRESHOLDS = tuple(np.round(np.arange(0.30, 0.701, 0.10), 2))
_FIG = {"width": 5.6, "height": 3.0, "layout": "fixed"}


@dataclass(frozen=True)
class ExplorerScores:
    """Test-month labels, lapse probabilities and age bands of the explorers' model."""

    y: np.ndarray
    p: np.ndarray
    age_band: np.ndarray


@lru_cache(maxsize=1)
def explorer_scores() -> ExplorerScores:
    """The logistic candidate fitted on the book's training months, scored on the test month.

    Deterministic (no randomness in the fit); cached for the process.
    """
    from casestudy._models_fit import fit_clone
    from casestudy.models import book_data, candidate_models, lapse_probability

    data = book_data()
    model = fit_clone(candidate_models()["logistic"], data.train.X, data.train.y)
    return ExplorerScores(
        y=data.test.y.to_numpy(),
        p=lapse_probability(model, data.test.X),
        age_band=data.test.audit["age_band"].astype(str).to_numpy(),
    )


# --- model complexity -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _complexity() -> pd.DataFrame:
    from casestudy.models import book_data, complexity_curve

    return complexity_curve(book_data(), max_leaf_nodes=_LEAVES, n_iter=_ITERS)


def model_complexity_view(max_leaf_nodes: int, n_iter: int) -> View:
    """Training and validation AUC of gradient boosting at one tree size and tree count."""
    grid = _complexity()
    curve = grid[grid["max_leaf_nodes"] == max_leaf_nodes]
    row = curve[curve["n_iter"] == n_iter].iloc[0]
    best = grid.loc[grid["validation_auc"].idxmax()]
    fig, ax = new_figure(**_FIG)
    ax.plot(
        curve["n_iter"], curve["train_auc"], "o--", color=ROLE_COLOURS["neutral"], label="training"
    )
    ax.plot(
        curve["n_iter"],
        curve["validation_auc"],
        "o-",
        color=ROLE_COLOURS["model"],
        label="validation",
    )
    ax.plot(
        [n_iter] * 2,
        [row["validation_auc"], row["train_auc"]],
        color=ROLE_COLOURS["loss"],
        lw=3,
        label="gap",
    )
    ax.set(
        xscale="log",
        ylim=(0.70, 1.0),
        xlabel="Number of trees (log scale)",
        ylabel="ROC AUC",
        title=f"Trees of {max_leaf_nodes} leaves",
    )
    ax.set_xticks(list(_ITERS), [str(n) for n in _ITERS])
    ax.legend(loc="upper left", fontsize=8)
    verdict = (
        "overfitting: it memorises training customers"
        if row["gap"] > 0.03
        else ("little overfitting")
    )
    summary = (
        f"With {n_iter} trees of {max_leaf_nodes} leaves the training AUC is "
        f"{row['train_auc']:.3f} and the validation AUC {row['validation_auc']:.3f}, a gap of "
        f"{row['gap']:.3f} ({verdict}). The best validation AUC on this grid is "
        f"{best['validation_auc']:.3f}, with {int(best['n_iter'])} trees of "
        f"{int(best['max_leaf_nodes'])} leaves."
    )
    alt = (
        f"Line chart of training and validation AUC against the number of trees for trees of "
        f"{max_leaf_nodes} leaves; at {n_iter} trees they are {row['train_auc']:.2f} and "
        f"{row['validation_auc']:.2f}."
    )
    return View(figure=fig, summary=summary, alt=alt)


@register("model-complexity")
def model_complexity_explorer() -> Explorer:
    """How tree size and the number of trees move training and validation AUC apart."""
    return Explorer(
        model_complexity_view,
        Dropdown("max_leaf_nodes", "Leaves per tree", list(_LEAVES), default=15),
        Dropdown("n_iter", "Number of trees", list(_ITERS), default=100),
        title="When does a more complex model stop paying?",
    )


# --- threshold and value -----------------------------------------------------------------------


_OFFER_COSTS = (8.0, 12.0, 16.0)


@lru_cache(maxsize=1)
def _value_curves() -> dict[float, pd.DataFrame]:
    """The value curve (thresholds 0.00 to 1.00) at every offer cost of the slider."""
    s, a = explorer_scores(), load_value_assumptions()
    return {
        c: ev.value_curve(s.y, s.p, capacity=a.capacity, assumptions=a, offer_cost=c)
        for c in _OFFER_COSTS
    }


@lru_cache(maxsize=1)
def _uncapped_curves() -> dict[float, pd.DataFrame]:
    """The same curves if the workshops could take everyone the threshold picks."""
    s, a = explorer_scores(), load_value_assumptions()
    return {c: ev.value_curve(s.y, s.p, assumptions=a, offer_cost=c) for c in _OFFER_COSTS}


def _value_curve(offer_cost: float) -> pd.DataFrame:
    curves = _value_curves()
    if offer_cost in curves:
        return curves[offer_cost]
    s, a = explorer_scores(), load_value_assumptions()
    return ev.value_curve(s.y, s.p, capacity=a.capacity, assumptions=a, offer_cost=offer_cost)


def threshold_value_view(threshold: float, offer_cost: float) -> View:
    """Money value a month, invitations, precision and recall at one threshold and offer cost."""
    a = load_value_assumptions()
    curve = _value_curve(float(offer_cost))
    row = curve.iloc[int(np.argmin(np.abs(curve["threshold"].to_numpy() - threshold)))]
    best = curve.sort_values(["value", "threshold"], ascending=False).iloc[0]
    wanted = int((explorer_scores().p >= threshold).sum())
    fig, ax = new_figure(**_FIG)
    free = _uncapped_curves().get(float(offer_cost))
    if free is not None:
        ax.plot(
            free["threshold"],
            free["value"],
            color=ROLE_COLOURS["neutral"],
            ls=":",
            lw=1.5,
            label="if the workshops had no limit",
        )
    ax.plot(
        curve["threshold"],
        curve["value"],
        color=ROLE_COLOURS["model"],
        lw=2,
        label=f"at most {a.capacity:,} invitations",
    )
    ax.axhline(0, color=ROLE_COLOURS["neutral"], lw=1)
    ax.axvline(threshold, color=ROLE_COLOURS["highlight"], ls="--", lw=1)
    ax.plot([best["threshold"]], [best["value"]], "o", color=ROLE_COLOURS["best"])
    ax.legend(loc="lower left", fontsize=8)
    ax.set(
        xlabel="Decision threshold (invite if lapse probability is at least this)",
        ylabel="£ a month",
        title=f"Offer £{offer_cost:.0f}: value of the threshold",
    )
    cap = (
        f"The threshold picks {wanted:,} customers but the workshops can take "
        f"{a.capacity:,}, so the {int(row['monthly_invitations']):,} likeliest lapsers are "
        "invited."
        if row["capped"]
        else f"It invites {int(row['monthly_invitations']):,} customers, within the "
        f"workshops' {a.capacity:,} a month."
    )
    summary = (
        f"At threshold {threshold:.2f} with an offer costing £{offer_cost:.0f}: {cap} "
        f"Precision {row['precision']:.2f}, recall {row['recall']:.2f}, value "
        f"£{row['value']:,.0f} a month. The best threshold at this cost is "
        f"{best['threshold']:.2f} (£{best['value']:,.0f}).{_uncapped_text(offer_cost, threshold)}"
    )
    alt = (
        f"Line chart of the monthly value against the threshold for an offer of "
        f"£{offer_cost:.0f}, with and without the workshop limit; at {threshold:.2f} it is "
        f"£{row['value']:,.0f}."
    )
    return View(figure=fig, summary=summary, alt=alt)


def _uncapped_text(offer_cost: float, threshold: float) -> str:
    free = _uncapped_curves().get(float(offer_cost))
    if free is None:
        return ""
    row = free.iloc[int(np.argmin(np.abs(free["threshold"].to_numpy() - threshold)))]
    return (
        f" Without the workshop limit this threshold would be worth £{row['value']:,.0f} a month."
    )


def _signed(amount: float) -> str:
    """'+£1,234' or '-£36'."""
    return f"{'-' if amount < 0 else '+'}£{abs(amount):,.0f}"


@register("threshold-value")
def threshold_value_explorer() -> Explorer:
    """Move the threshold and the offer cost; see the money, with the workshop capacity."""
    return Explorer(
        threshold_value_view,
        Slider("threshold", "Decision threshold", 0.3, 0.7, 0.1, default=0.5, fmt="{:.1f}"),
        Slider("offer_cost", "Offer cost", 8, 16, 4, default=12, fmt="£{:.0f}"),
        title="What is a threshold worth?",
    )


# --- fairness ------------------------------------------------------------------------------------

_POLICIES = {"single": "one threshold for everyone", "group": "thresholds by age band"}


@lru_cache(maxsize=1)
def _fairness() -> dict[float, dict[str, object]]:
    """Per threshold: the trade-off table and each policy's TPR by age band (no capacity)."""
    s = explorer_scores()
    out: dict[float, dict[str, object]] = {}
    for thr in _FAIR_THRESHOLDS:
        trade = ev.fairness_tradeoff(s.y, s.p, s.age_band, threshold=float(thr))
        single = s.p >= thr
        tpr_all = single[s.y == 1].mean()
        gthr = ev.group_thresholds(s.y, s.p, s.age_band, level=float(tpr_all))
        group = s.p >= gthr.reindex(s.age_band).to_numpy()
        out[float(thr)] = {
            "overall": float(tpr_all),
            "trade": trade,
            "single": _tpr_by(s, single),
            "group": _tpr_by(s, group),
            "thresholds": gthr,
        }
    return out


def _tpr_by(s: ExplorerScores, invited: np.ndarray) -> pd.Series:
    lapsers = s.y == 1
    return pd.Series(invited[lapsers]).groupby(s.age_band[lapsers]).mean()


def fairness_thresholds_view(threshold: float, policy: str) -> View:
    """True positive rate by age band under one threshold or under group-aware thresholds."""
    f = _fairness()[float(round(threshold, 2))]
    trade = f["trade"]
    one, grp = trade.iloc[0], trade.iloc[1]
    tpr = f[policy]
    fig, ax = new_figure(**_FIG)
    colour = ROLE_COLOURS["model"] if policy == "single" else ROLE_COLOURS["highlight"]
    ax.bar(tpr.index, tpr.to_numpy(), color=colour)
    ax.axhline(f["overall"], color=ROLE_COLOURS["neutral"], ls="--", lw=1)
    ax.set(
        ylim=(0, 1),
        xlabel="Age band",
        ylabel="Lapsers invited (TPR)",
        title=f"{_POLICIES[policy].capitalize()}, threshold {threshold:.2f}",
    )
    gap_one = one["true_positive_rate_difference"]
    gap_grp = grp["true_positive_rate_difference"]
    summary = (
        f"One threshold of {threshold:.2f}: value £{one['value']:,.0f} a month, TPR gap between "
        f"age bands {gap_one:.2f}. Thresholds by age band that give every band the same TPR: "
        f"£{grp['value']:,.0f} a month, gap {gap_grp:.2f} (a difference of "
        f"{_signed(grp['value'] - one['value'])}). Closing the gap means treating customers with "
        "the same score differently by age, a protected characteristic: a decision for the "
        "data-protection adviser, not the model. (No workshop cap in this comparison.)"
    )
    alt = (
        f"Bar chart of the share of lapsers invited in each age band under "
        f"{_POLICIES[policy]}; the largest gap is "
        f"{(gap_one if policy == 'single' else gap_grp):.2f}."
    )
    return View(figure=fig, summary=summary, alt=alt)


@register("fairness-thresholds")
def fairness_thresholds_explorer() -> Explorer:
    """One threshold against thresholds by age band: the value and the fairness gap."""
    return Explorer(
        fairness_thresholds_view,
        Slider("threshold", "Shared threshold", 0.3, 0.7, 0.1, default=0.5, fmt="{:.1f}"),
        Dropdown("policy", "Policy", [(v, k) for k, v in _POLICIES.items()], default="single"),
        title="Equal opportunity across age bands: what does it cost?",
    )


# --- A/B test planning ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _control_return_rate() -> float:
    """Share of the customers the model would invite (top by score, up to capacity) who
    come back without an invitation: the control arm's rate in an A/B test."""
    from casestudy.decide import ab_test_rates

    s = explorer_scores()
    return ab_test_rates(s.y, s.p)[0]


@lru_cache(maxsize=8)
def _months_curve(monthly_eligible: int) -> tuple[np.ndarray, list[float]]:
    """Months of enrolment against uplifts of 4 to 16 points."""
    base = _control_return_rate()
    ups = np.round(np.arange(0.04, 0.161, 0.01), 2)
    plans = [ev.ab_test_plan(base, uplift=float(u), monthly_eligible=monthly_eligible) for u in ups]
    return ups, [p.months for p in plans]


def ab_planner_view(uplift: float, monthly_eligible: int) -> View:
    """Sample size and duration of an A/B test of the invitation."""
    base, a = _control_return_rate(), load_value_assumptions()
    plan = ev.ab_test_plan(base, uplift=uplift, monthly_eligible=monthly_eligible)
    ups, months = _months_curve(int(monthly_eligible))
    assumed = a.success_rate * (1 - base)
    fig, ax = new_figure(**_FIG)
    ax.plot(ups * 100, months, color=ROLE_COLOURS["model"], lw=2)
    ax.plot([uplift * 100], [plan.months], "o", color=ROLE_COLOURS["highlight"])
    ax.axvline(assumed * 100, color=ROLE_COLOURS["neutral"], ls="--", lw=1)
    ax.set(
        ylim=(0, None),
        xlabel="Rise in the return rate to detect (points)",
        ylabel="Months of enrolment",
        title=f"{monthly_eligible:,} eligible a month",
    )
    summary = (
        f"Without an invitation {base:.0%} of the customers the model would invite come back. "
        f"To detect a rise to {plan.treatment:.0%} (+{uplift * 100:.0f} points) with 80% power "
        f"at 5% significance needs {plan.n_per_arm:,} customers per arm, {plan.n_total:,} in "
        f"all: {plan.months:.1f} months of enrolment at {monthly_eligible:,} a month, then 6 "
        f"months before the last outcome is known. The value model assumes "
        f"+{assumed * 100:.0f} points."
    )
    alt = (
        f"Line chart of the months an A/B test needs against the uplift to detect, for "
        f"{monthly_eligible:,} eligible customers a month; {plan.months:.1f} months at "
        f"+{uplift * 100:.0f} points."
    )
    return View(figure=fig, summary=summary, alt=alt)


@register("ab-planner")
def ab_planner_explorer() -> Explorer:
    """How big a change, and how many customers a month, decide how long the test runs."""
    return Explorer(
        ab_planner_view,
        Slider(
            "uplift",
            "Uplift to detect",
            0.04,
            0.12,
            0.02,
            default=0.06,
            fmt=lambda v: f"+{v * 100:.0f} points",
        ),
        Dropdown(
            "monthly_eligible",
            "Eligible customers a month",
            [("200", 200), ("400 (workshop capacity)", 400), ("800", 800)],
            default=400,
        ),
        title="How long must the A/B test run?",
    )
