"""Offline evaluation: metrics with uncertainty, money, calibration, fairness, A/B planning.

Chapters 6 to 8 judge the lapse models with these functions. Every function checks its
inputs first and raises :class:`EvaluationInputError` naming the argument, what arrived
and how to fix it (mismatched lengths, non-binary labels, probabilities outside [0, 1],
NaN, missing groups, empty input). A metric that is undefined for the data (for example
ROC AUC with only one class) warns with :class:`UndefinedMetricWarning` and returns ``nan``,
as scikit-learn does.

Naming: ``*_score`` is better when higher, ``*_loss`` and ``*_cost`` when lower; ``value``
is money in pounds (higher is better). ``y_true`` is 1 for a customer who lapsed, ``y_prob``
a predicted lapse probability, ``y_score`` any score where higher means likelier to lapse.

The money functions price a policy with the project's value model,
:func:`casestudy.plan.value.policy_value` (``kept = lapsers invited * success_rate``,
``value = kept * margin - invitations * offer_cost``); the money assumptions default to the
stakeholders' :class:`~casestudy.plan.value.ValueAssumptions` and each can be overridden.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casestudy import _evaluate_abtest as _ab
from casestudy import _evaluate_fairness as _fair
from casestudy import _evaluate_metrics as _m
from casestudy import _evaluate_money as _money
from casestudy._evaluate_abtest import ABTestPlan
from casestudy._evaluate_checks import EvaluationInputError, UndefinedMetricWarning
from casestudy._evaluate_metrics import Estimate, PairedComparison
from casestudy._evaluate_money import TargetingOutcome
from casestudy.plan.value import ValueAssumptions

__all__ = [
    "ABTestPlan",
    "Estimate",
    "EvaluationInputError",
    "PairedComparison",
    "TargetingOutcome",
    "UndefinedMetricWarning",
    "ab_sample_size",
    "ab_test_plan",
    "age_band",
    "average_precision_score_ci",
    "best_threshold",
    "brier_loss",
    "fairness_table",
    "fairness_tradeoff",
    "group_thresholds",
    "minimal_detectable_effect",
    "paired_auc_difference",
    "plot_reliability",
    "reliability_table",
    "roc_auc_score_ci",
    "targeting_outcome",
    "targeting_value",
    "value_at_top_k",
    "value_curve",
]


# --- ranking metrics with uncertainty ------------------------------------------------------


def roc_auc_score_ci(
    y_true: Any,
    y_score: Any,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
    stratify: bool = True,
) -> Estimate:
    """ROC AUC with a bootstrap confidence interval.

    A test set of a few thousand customers gives an AUC that would move by a percentage point
    or two on another month's customers; the interval shows how much, so two models are not
    ranked on noise. The value is scikit-learn's ``roc_auc_score`` on the whole test set; the
    interval is the percentile interval of the same metric on ``n_resamples`` bootstrap
    resamples, drawn within each class (``stratify=True``) so every resample has the test
    set's lapse rate.

    Parameters
    ----------
    y_true : array-like of shape (n_customers,)
        1 (or True) for a customer who lapsed, 0 otherwise.
    y_score : array-like of shape (n_customers,)
        Any score, higher meaning likelier to lapse (probabilities or a rule's score).
    n_resamples : int, default=1000
    level : float in (0, 1), default=0.95
        Confidence level of the interval.
    random_state : int, default=0
        Seed of the resampling: the same seed gives the same interval.
    stratify : bool, default=True
        Resample lapsers and non-lapsers separately. With ``False`` a resample can miss a
        class; such resamples are ``nan``, left out, and a warning says how many.

    Returns
    -------
    Estimate
        ``value``, ``low``, ``high`` and ``level``; all ``nan`` (with an
        :class:`UndefinedMetricWarning`) if ``y_true`` has only one class.

    Raises
    ------
    EvaluationInputError
        For empty, mismatched, non-binary, missing or non-finite input, or bad options.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 1, 0, 1]
    >>> s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.5, 0.9]
    >>> print(roc_auc_score_ci(y, s, n_resamples=200))
    0.875 (95% CI 0.500 to 1.000)
    """
    return _m.metric_ci(
        y_true,
        y_score,
        metric="roc_auc",
        n_resamples=n_resamples,
        level=level,
        random_state=random_state,
        stratify=stratify,
    )


def average_precision_score_ci(
    y_true: Any,
    y_score: Any,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
    stratify: bool = True,
) -> Estimate:
    """PR AUC (average precision) with a bootstrap confidence interval.

    Average precision summarises precision over all recall levels; unlike ROC AUC it depends
    on the lapse rate, and it is closer to the money question (how many invitations reach a
    lapser). The value matches scikit-learn's ``average_precision_score``; options and
    interval as in :func:`roc_auc_score_ci`. With no lapser in ``y_true`` it warns and
    returns ``nan``.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 1, 0, 1]
    >>> s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.5, 0.9]
    >>> round(average_precision_score_ci(y, s, n_resamples=200).value, 3)
    0.917
    """
    return _m.metric_ci(
        y_true,
        y_score,
        metric="average_precision",
        n_resamples=n_resamples,
        level=level,
        random_state=random_state,
        stratify=stratify,
    )


def paired_auc_difference(
    y_true: Any,
    score_a: Any,
    score_b: Any,
    *,
    metric: str = "roc_auc",
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
    stratify: bool = True,
) -> PairedComparison:
    """Compare two models on the same test set: bootstrap of the difference A - B.

    Both models are scored on the *same* resamples, so the customers that are hard for both
    cancel out and the interval of the difference is much narrower than the two separate
    intervals suggest. Overlapping separate intervals do not mean "no difference"; use this.

    Parameters
    ----------
    y_true : array-like of shape (n_customers,)
    score_a, score_b : array-like of shape (n_customers,)
        The two models' scores for the same customers, in the same order.
    metric : {"roc_auc", "average_precision"}, default="roc_auc"
    n_resamples, level, random_state, stratify
        As in :func:`roc_auc_score_ci`.

    Returns
    -------
    PairedComparison
        ``a``, ``b`` and ``difference`` as :class:`Estimate`; ``share_a_better``, the share of
        resamples where A's metric is strictly higher than B's.

    Examples
    --------
    >>> y = [0, 0, 1, 1, 0, 1, 0, 1]
    >>> a = [0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.5, 0.9]
    >>> b = [0.5, 0.4, 0.35, 0.8, 0.2, 0.3, 0.5, 0.9]
    >>> c = paired_auc_difference(y, a, b, n_resamples=200)
    >>> round(c.difference.value, 3), c.share_a_better > 0.5
    (0.25, True)
    """
    return _m.paired_difference(
        y_true,
        score_a,
        score_b,
        metric=metric,
        n_resamples=n_resamples,
        level=level,
        random_state=random_state,
        stratify=stratify,
    )


# --- calibration ----------------------------------------------------------------------------


def reliability_table(
    y_true: Any,
    y_prob: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
) -> pd.DataFrame:
    """The data of a reliability diagram: mean predicted probability against observed rate.

    A model can rank customers well and still say "40 %" to customers of whom 20 % lapse;
    the money and capacity plans use the probabilities themselves, so they must be right.
    Binning is scikit-learn's ``calibration_curve``'s; empty bins are left out.

    Parameters
    ----------
    y_true, y_prob : array-like of shape (n_customers,)
        Labels and predicted lapse probabilities in [0, 1].
    n_bins : int, default=10
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins, or bins with about the same number of customers.

    Returns
    -------
    DataFrame
        One row per non-empty bin: ``bin``, ``low``, ``high``, ``count``,
        ``mean_predicted``, ``observed_rate``.

    Examples
    --------
    >>> t = reliability_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> t[["count", "mean_predicted", "observed_rate"]].values.tolist()
    [[2.0, 0.15000000000000002, 0.0], [2.0, 0.8, 1.0]]
    """
    return _m.reliability(y_true, y_prob, n_bins=n_bins, strategy=strategy)


def brier_loss(y_true: Any, y_prob: Any) -> float:
    """Brier score: mean squared error of the predicted probabilities (lower is better).

    It rewards both ranking and calibration; always predicting the lapse rate ``b`` scores
    ``b * (1 - b)``, a useful floor to beat. Equal to scikit-learn's ``brier_score_loss``.

    Examples
    --------
    >>> brier_loss([0, 1, 1], [0.1, 0.8, 0.6])
    0.07
    """
    return _m.brier(y_true, y_prob)


def plot_reliability(
    y_true: Any,
    y_prob: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    label: str = "model",
    title: str = "Are the predicted probabilities right?",
) -> Figure:
    """Reliability diagram (top) with the number of customers in each bin (bottom).

    Examples
    --------
    >>> fig = plot_reliability([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> fig.axes[0].get_ylabel()
    'Observed lapse rate'
    """
    table = reliability_table(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    return _m.plot_reliability_table(table, label=label, title=title)


# --- money ----------------------------------------------------------------------------------


def targeting_outcome(
    y_true: Any,
    y_prob: Any,
    *,
    threshold: float,
    capacity: int | None = None,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> TargetingOutcome:
    """Invite customers with ``y_prob >= threshold`` (at most ``capacity``); count and price it.

    The workshop can run only so many safety checks a month: when the threshold would invite
    more than ``capacity``, the ``capacity`` customers with the highest scores are invited
    (ties at the cut go by position) and ``capped`` is True.

    Parameters
    ----------
    y_true, y_prob : array-like of shape (n_customers,)
        Labels and predicted lapse probabilities of the test set.
    threshold : float in [0, 1]
        Invite customers scoring at least this.
    capacity : int, optional
        At most this many invitations a month (in ``population`` units). None: no limit.
    population : int, optional
        Active customers a month. The test set stands for this many customers: counts are
        scaled by ``population / n_customers`` (invitations rounded down to whole ones).
        None: the test set is the month (no scaling).
    assumptions : ValueAssumptions, optional
        Margin, offer cost and success rate; default the stakeholders' (value.yaml).
    margin, offer_cost, success_rate : float, optional
        Override one assumption (pounds per kept customer, pounds per invitation, share of
        invited lapsers kept).

    Returns
    -------
    TargetingOutcome
        Test-set counts (``invited``, ``true_positives``, ``false_positives``, precision,
        recall) and the monthly ``monthly_invitations``, ``kept`` and ``value``.

    Examples
    --------
    Three invited (two lapsers): kept = 2 * 0.5 = 1; value = 1 * 100 - 3 * 10 = 70.

    >>> y = [1, 1, 0, 0, 1, 0]
    >>> p = [0.9, 0.8, 0.7, 0.2, 0.1, 0.3]
    >>> o = targeting_outcome(y, p, threshold=0.5, margin=100, offer_cost=10, success_rate=0.5)
    >>> o.invited, o.true_positives, o.kept, o.value
    (3, 2, 1.0, 70.0)
    >>> targeting_outcome(y, p, threshold=0.5, capacity=2, margin=100, offer_cost=10,
    ...                   success_rate=0.5).value      # the top two are both lapsers
    80.0
    """
    return _money.targeting(
        y_true,
        y_prob,
        threshold=threshold,
        capacity=capacity,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    )


def targeting_value(
    y_true: Any,
    y_prob: Any,
    *,
    threshold: float,
    capacity: int | None = None,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> float:
    """Monthly value in pounds of targeting at ``threshold`` (see :func:`targeting_outcome`).

    Examples
    --------
    >>> targeting_value([1, 0], [0.9, 0.8], threshold=0.5, margin=100, offer_cost=10,
    ...                 success_rate=0.5)
    30.0
    """
    return targeting_outcome(
        y_true,
        y_prob,
        threshold=threshold,
        capacity=capacity,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    ).value


def value_curve(
    y_true: Any,
    y_prob: Any,
    *,
    thresholds: Any = None,
    capacity: int | None = None,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> pd.DataFrame:
    """:func:`targeting_outcome` at each threshold, one row per threshold.

    Parameters
    ----------
    thresholds : array-like of floats in [0, 1], optional
        Default 0.00, 0.01, ..., 1.00.
    capacity, population, assumptions, margin, offer_cost, success_rate
        As in :func:`targeting_outcome`.

    Returns
    -------
    DataFrame
        The fields of :class:`TargetingOutcome` as columns.

    Examples
    --------
    >>> c = value_curve([1, 1, 0, 0], [0.9, 0.6, 0.4, 0.1], thresholds=[0.0, 0.5, 1.0],
    ...                 margin=100, offer_cost=10, success_rate=0.5)
    >>> c[["threshold", "invited", "value"]].values.tolist()
    [[0.0, 4.0, 60.0], [0.5, 2.0, 80.0], [1.0, 0.0, 0.0]]
    """
    return _money.curve(
        y_true,
        y_prob,
        thresholds=thresholds,
        capacity=capacity,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    )


def best_threshold(
    y_true: Any,
    y_prob: Any,
    *,
    thresholds: Any = None,
    capacity: int | None = None,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> TargetingOutcome:
    """The threshold of :func:`value_curve` with the highest value.

    Ties go to the highest threshold (fewest invitations for the same money). The best
    threshold on a test set is itself an estimate: choose it on validation data, report its
    value on test data.

    Examples
    --------
    >>> best_threshold([1, 1, 0, 0], [0.9, 0.6, 0.4, 0.1], margin=100, offer_cost=10,
    ...                success_rate=0.5).threshold
    0.6
    """
    table = value_curve(
        y_true,
        y_prob,
        thresholds=thresholds,
        capacity=capacity,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    )
    best = table.sort_values(["value", "threshold"], ascending=False, kind="stable").iloc[0]
    return TargetingOutcome(**{k: _plain(v) for k, v in best.items()})


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def value_at_top_k(
    y_true: Any,
    y_score: Any,
    *,
    k: int,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> TargetingOutcome:
    """Invite the ``k`` highest-scoring customers a month (any score; ties by position).

    ``k`` is in ``population`` units (monthly invitations) and is scaled down to the test
    set. ``threshold`` in the result is the lowest invited score (``inf`` when ``k`` is 0).

    Examples
    --------
    >>> o = value_at_top_k([1, 1, 0, 0], [0.9, 0.6, 0.4, 0.1], k=3, margin=100,
    ...                    offer_cost=10, success_rate=0.5)
    >>> o.invited, o.true_positives, o.value, o.threshold
    (3, 2, 70.0, 0.4)
    """
    return _money.top_k(
        y_true,
        y_score,
        k=k,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    )


# --- fairness ---------------------------------------------------------------------------------


def fairness_table(y_true: Any, y_prob: Any, groups: Any, *, threshold: float) -> pd.DataFrame:
    """Decision and calibration metrics for each group, overall, and their spread.

    Computed with fairlearn's ``MetricFrame``. Selection rate (who gets the offer), true
    positive rate (which lapsers get it: equal opportunity), precision, and calibration
    (mean predicted probability against observed lapse rate, and their gap) for each value
    of ``groups`` (age band, gender, postcode group: any categorical column).

    Parameters
    ----------
    y_true, y_prob : array-like of shape (n_customers,)
    groups : array-like of shape (n_customers,)
        The group of each customer; no missing values (give them a group first).
    threshold : float in [0, 1]

    Returns
    -------
    DataFrame
        Index: each group, then ``overall``, ``difference`` (max - min over groups) and
        ``ratio`` (min / max). Columns: ``count``, ``selection_rate``,
        ``true_positive_rate``, ``precision``, ``mean_predicted``, ``observed_rate``,
        ``calibration_gap``. A rate undefined for a group (no lapser, nobody selected) is
        ``nan`` and left out of the spread.

    Examples
    --------
    >>> t = fairness_table([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1], ["a", "a", "b", "b"],
    ...                    threshold=0.5)
    >>> t["selection_rate"].to_dict()
    {'a': 1.0, 'b': 0.0, 'overall': 0.5, 'difference': 1.0, 'ratio': 0.0}
    """
    return _fair.by_group(y_true, y_prob, groups, threshold=threshold)


def age_band(
    dates_of_birth: Any,
    *,
    at: Any,
    edges: tuple[int, ...] = (18, 30, 45, 60),
    oldest: int = 110,
) -> pd.Series:
    """Age bands at the date ``at``: "under 18", "18-29", "30-44", "45-59", "60+", "unknown".

    ``at`` has no default: ages must be taken at the data's cut-off, not "today", or the
    bands would change every time the notebook runs. Missing, unparseable, future and
    implausible (older than ``oldest``, e.g. a default 1900-01-01) dates are "unknown".

    Returns
    -------
    Series
        Ordered categorical named ``age_band``, with the input's index.

    Examples
    --------
    >>> dob = ["2000-06-30", "1990-07-01", "1960-01-01", None, "1900-01-01", "2010-01-01"]
    >>> age_band(dob, at="2025-07-01").tolist()
    ['18-29', '30-44', '60+', 'unknown', 'unknown', 'under 18']
    """
    return _fair.age_band(dates_of_birth, at=at, edges=edges, oldest=oldest)


def group_thresholds(
    y_true: Any,
    y_prob: Any,
    groups: Any,
    *,
    target: str = "true_positive_rate",
    level: float,
) -> pd.Series:
    """Per-group thresholds at which every group reaches the same ``target`` rate.

    For each group the highest threshold giving at least ``level`` of the group's lapsers
    (``target="true_positive_rate"``: equal opportunity) or of its customers
    (``"selection_rate"``: demographic parity) an invitation. A group with no lapsers gets
    ``nan`` (nobody is invited there under an equal-TPR policy).

    Examples
    --------
    >>> group_thresholds([1, 1, 0, 1, 1, 0], [0.9, 0.7, 0.8, 0.4, 0.3, 0.1],
    ...                  ["a", "a", "a", "b", "b", "b"], level=0.5).to_dict()
    {'a': 0.9, 'b': 0.4}
    """
    return _fair.thresholds_for(y_true, y_prob, groups, target=target, level=level)


def fairness_tradeoff(
    y_true: Any,
    y_prob: Any,
    groups: Any,
    *,
    threshold: float,
    target: str = "true_positive_rate",
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
    margin: float | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
) -> pd.DataFrame:
    """What equalising ``target`` across groups costs, against one shared threshold.

    The group thresholds reach, in every group, the overall ``target`` rate of the single
    threshold (:func:`group_thresholds`). The table shows both policies' invitations,
    precision, recall, monthly value, the spread of ``target`` across groups, and
    ``value_cost``: the money given up for the smaller spread (the fairness/value trade-off).

    Examples
    --------
    >>> y = [1, 1, 0, 0, 1, 1, 0, 0]
    >>> p = [0.9, 0.8, 0.7, 0.1, 0.45, 0.4, 0.3, 0.2]
    >>> g = ["a"] * 4 + ["b"] * 4
    >>> t = fairness_tradeoff(y, p, g, threshold=0.5, margin=100, offer_cost=10,
    ...                       success_rate=0.5)
    >>> t[["invited", "value", "true_positive_rate_difference", "value_cost"]].values.tolist()
    [[3.0, 70.0, 1.0, 0.0], [2.0, 80.0, 0.0, -10.0]]
    """
    return _fair.tradeoff(
        y_true,
        y_prob,
        groups,
        threshold=threshold,
        target=target,
        population=population,
        assumptions=assumptions,
        margin=margin,
        offer_cost=offer_cost,
        success_rate=success_rate,
    )


# --- A/B test planning ----------------------------------------------------------------------


def ab_sample_size(
    baseline: float,
    *,
    uplift: float,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    continuity_correction: bool = False,
) -> int:
    """Customers per arm to detect a change in a rate (two-proportion test, normal approx.).

    Parameters
    ----------
    baseline : float in (0, 1)
        The control arm's rate (e.g. the share of invited customers who come back).
    uplift : float
        The change to detect: absolute (0.03 = three points) or, with ``relative=True``,
        a share of the baseline (-0.1 = ten per cent lower).
    alpha : float, default=0.05
        Significance level (false positive rate of the test).
    power : float, default=0.8
        Chance of detecting the change if it is real.
    two_sided : bool, default=True
    continuity_correction : bool, default=False
        Fleiss's correction (a slightly larger, more conservative sample).

    Examples
    --------
    The textbook case 10 % against 20 % (Fleiss et al. 2003, table A.4: 199, 219 corrected):

    >>> ab_sample_size(0.10, uplift=0.10), ab_sample_size(0.10, uplift=1.0, relative=True,
    ...                                                    continuity_correction=True)
    (199, 219)
    """
    return _ab.sample_size(
        baseline,
        uplift=uplift,
        relative=relative,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        continuity_correction=continuity_correction,
    )


def ab_test_plan(
    baseline: float,
    *,
    uplift: float,
    monthly_eligible: int,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    continuity_correction: bool = False,
) -> ABTestPlan:
    """Sample size per arm and how many months of eligible customers the test needs.

    Both arms together need ``2 * n_per_arm`` customers; with ``monthly_eligible`` new
    eligible customers a month the test runs ``months = 2 * n_per_arm / monthly_eligible``.

    Examples
    --------
    >>> print(ab_test_plan(0.10, uplift=0.10, monthly_eligible=100))
    10.0% vs 20.0%: 199 customers per arm, 398 in total, 4.0 months
    """
    return _ab.plan(
        baseline,
        uplift=uplift,
        monthly_eligible=monthly_eligible,
        relative=relative,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        continuity_correction=continuity_correction,
    )


def minimal_detectable_effect(
    baseline: float,
    *,
    n_per_arm: int,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    direction: str = "increase",
) -> float:
    """Smallest absolute change in the rate that ``n_per_arm`` customers per arm can detect.

    The inverse of :func:`ab_sample_size`; ``nan`` if no change within (0, 1) is detectable.

    Examples
    --------
    >>> round(minimal_detectable_effect(0.10, n_per_arm=199), 3)
    0.1
    """
    return _ab.detectable_effect(
        baseline,
        n_per_arm=n_per_arm,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        direction=direction,
    )
