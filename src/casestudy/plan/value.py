"""The value model: what a targeting policy is worth each month, in pounds.

Each month the shop invites ``k`` of its ``N`` active customers. With base lapse rate ``b``
and precision ``p`` (the share of invited customers who would really lapse):

* lapsers reached ``= p * k``; recall ``= p * k / (b * N)``;
* customers kept ``= p * k * success_rate`` (invited lapsers who stay because of the offer);
* value ``= kept * margin - k * offer_cost``.

A precision and ``k`` are only possible together if ``p * k <= b * N`` (no more lapsers
reached than exist) and ``(1 - p) * k <= (1 - b) * N``; otherwise the functions raise.

To ask "what is a better model worth?" before any model exists, :func:`precision_recall_at_k`
turns a model quality (ROC AUC) into precision at ``k`` under the *binormal* model: scores of
lapsers and of loyal customers are normal with equal variance, separated by
``d = sqrt(2) * Phi^-1(AUC)``. Higher is better for ``*_value``; lower for ``*_cost``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casestudy.plan._checks import PlanError, number, probability, read_mapping
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "PolicyValue",
    "ValueAssumptions",
    "compare_policies",
    "load_value_assumptions",
    "plot_value_curve",
    "plot_value_vs_auc",
    "policy_value",
    "precision_recall_at_k",
    "value_curve",
    "value_vs_auc",
]

_NORMAL = NormalDist()


@dataclass(frozen=True)
class ValueAssumptions:
    """The money assumptions of the value model (defaults: the Bike Shop's value.yaml).

    Change one with :func:`dataclasses.replace`, which re-validates.

    Examples
    --------
    >>> from dataclasses import replace
    >>> replace(ValueAssumptions(), offer_cost=15.0).offer_cost
    15.0
    >>> replace(ValueAssumptions(), base_rate=1.3)
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Value assumptions: 'base_rate' (1.3) must be in [0, 1]. ...
    """

    active_customers: int = 8000
    base_rate: float = 0.30
    margin: float = 180.0
    offer_cost: float = 12.0
    success_rate: float = 0.20
    blanket_cost: float = 1.50
    blanket_success_rate: float = 0.02
    capacity: int = 400

    def __post_init__(self) -> None:
        where = "Value assumptions"
        for name in ("base_rate", "success_rate", "blanket_success_rate"):
            probability(getattr(self, name), where=where, field=name)
        for name in ("margin", "offer_cost", "blanket_cost"):
            number(
                getattr(self, name),
                where=where,
                field=name,
                low=0.0,
                fix="Give an amount in pounds, zero or more.",
            )
        for name in ("active_customers", "capacity"):
            value = getattr(self, name)
            number(value, where=where, field=name, low=1, fix="Give a whole number >= 1.")
            if int(value) != value:
                raise PlanError(where, name, value, "must be a whole number", "Round it.")


def _pounds_tick(x: float, _pos: int | None = None) -> str:
    """Axis label for money: £1,000 or −£1,000 (the sign before the pound sign)."""
    return f"−£{-x:,.0f}" if x < 0 else f"£{x:,.0f}"


def load_value_assumptions(path: str | Path | None = None) -> ValueAssumptions:
    """Load value.yaml (default: the Bike Shop's) into :class:`ValueAssumptions`.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/value.yaml.

    Returns
    -------
    ValueAssumptions

    Examples
    --------
    >>> load_value_assumptions() == ValueAssumptions()
    True
    """
    content = read_mapping(path, "value.yaml")
    known = {f.name for f in fields(ValueAssumptions)}
    unknown = sorted(set(content) - known)
    if unknown:
        raise PlanError(
            "File 'value.yaml'",
            "field",
            unknown[0],
            "is not a value assumption",
            f"Use only {sorted(known)}.",
        )
    return ValueAssumptions(**content)


@dataclass(frozen=True)
class PolicyValue:
    """The outcome of a targeting policy for one month (money in pounds)."""

    policy: str
    invitations: int
    precision: float
    recall: float
    reached: float
    kept: float
    revenue: float
    cost: float
    value: float


def _check_invitations(k: Any, a: ValueAssumptions) -> int:
    number(
        k,
        where="policy_value",
        field="invitations",
        low=0,
        high=a.active_customers,
        fix="Invite between 0 and the number of active customers.",
    )
    return int(k)


def policy_value(
    precision: float,
    invitations: int,
    *,
    assumptions: ValueAssumptions | None = None,
    offer_cost: float | None = None,
    success_rate: float | None = None,
    policy: str = "model",
) -> PolicyValue:
    """Money value of inviting ``invitations`` customers at a given precision.

    ``value = p*k*success_rate*margin - k*offer_cost`` (see the module docstring).

    Parameters
    ----------
    precision : float in [0, 1]
        Share of invited customers who would lapse without the invitation.
    invitations : int
        Customers invited this month (``k``).
    assumptions : ValueAssumptions, default=the Bike Shop's
    offer_cost, success_rate : float, optional
        Override the assumptions' values (used for the blanket e-mail).
    policy : str, default="model"
        A name for the row.

    Raises
    ------
    PlanError
        If the precision is impossible at this ``k`` (more lapsers reached than exist).

    Examples
    --------
    >>> v = policy_value(0.6, 400)
    >>> v.reached, v.kept, v.value          # 240 reached, 48 kept, 48*180 - 400*12
    (240.0, 48.0, 3840.0)
    >>> round(v.recall, 3)                  # 240 of 0.3 * 8000 = 2400 lapsers
    0.1
    >>> policy_value(0.9, 3000)
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: policy_value: 'precision' (0.9) is impossible at 3000 ...
    """
    a = assumptions or ValueAssumptions()
    p = probability(precision, where="policy_value", field="precision")
    k = _check_invitations(invitations, a)
    lapsers = a.base_rate * a.active_customers
    loyal = a.active_customers - lapsers
    if p * k > lapsers + 1e-9 or (1 - p) * k > loyal + 1e-9:
        raise PlanError(
            "policy_value",
            "precision",
            precision,
            f"is impossible at {k} invitations: it reaches {p * k:g} lapsers and "
            f"{(1 - p) * k:g} loyal customers, but only {lapsers:g} lapse and "
            f"{loyal:g} stay (base rate {a.base_rate} of {a.active_customers})",
            "Lower the precision or the invitations, or check the base rate.",
        )
    cost_each = a.offer_cost if offer_cost is None else offer_cost
    success = a.success_rate if success_rate is None else success_rate
    reached = p * k
    kept = reached * success
    revenue, cost = kept * a.margin, k * cost_each
    recall = reached / lapsers if lapsers else float("nan")
    return PolicyValue(policy, k, p, recall, reached, kept, revenue, cost, revenue - cost)


def _perfect_precision(k: int, a: ValueAssumptions) -> float:
    return min(1.0, a.base_rate * a.active_customers / k) if k else a.base_rate


def compare_policies(
    precision: float,
    invitations: int,
    *,
    assumptions: ValueAssumptions | None = None,
) -> pd.DataFrame:
    """Compare the model's policy with no action, blanket e-mail, random and perfect targeting.

    Random and perfect targeting invite the same ``k`` customers as the model (random: the
    precision equals the base rate; perfect: every invitation reaches a lapser while any are
    left). The blanket e-mail goes to every active customer at ``blanket_cost`` each and
    keeps ``blanket_success_rate`` of the lapsers.

    Parameters
    ----------
    precision : float in [0, 1]
        The model's precision at ``invitations``.
    invitations : int
        Customers invited a month by the model, random and perfect targeting.
    assumptions : ValueAssumptions, default=the Bike Shop's

    Returns
    -------
    DataFrame
        One row per policy with the fields of :class:`PolicyValue`.

    Examples
    --------
    >>> t = compare_policies(0.6, 400).set_index("policy")["value"]
    >>> t.round().tolist()     # no action, blanket, random, model, perfect
    [0.0, -3360.0, -480.0, 3840.0, 9600.0]
    """
    a = assumptions or ValueAssumptions()
    k = _check_invitations(invitations, a)
    rows = [
        policy_value(a.base_rate, 0, assumptions=a, policy="no action"),
        policy_value(
            a.base_rate,
            a.active_customers,
            assumptions=a,
            policy="blanket e-mail",
            offer_cost=a.blanket_cost,
            success_rate=a.blanket_success_rate,
        ),
        policy_value(a.base_rate, k, assumptions=a, policy="random targeting"),
        policy_value(precision, k, assumptions=a, policy="model"),
        policy_value(_perfect_precision(k, a), k, assumptions=a, policy="perfect targeting"),
    ]
    return pd.DataFrame([asdict(r) for r in rows])


def _expected_precision(d: float, share: float, b: float) -> float:
    """Precision of the top ``share`` of customers when lapsers' scores sit ``d`` higher."""

    def selected(t: float) -> float:
        return b * (1 - _NORMAL.cdf(t - d)) + (1 - b) * (1 - _NORMAL.cdf(t))

    low, high = -12.0, 12.0 + d
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if selected(mid) > share else (low, mid)
    t = (low + high) / 2
    return b * (1 - _NORMAL.cdf(t - d)) / share


def _simulated_precision(d: float, k: int, a: ValueAssumptions, seed: int) -> float:
    rng = np.random.default_rng(seed)
    n_pos = round(a.base_rate * a.active_customers)
    labels = np.arange(a.active_customers) < n_pos
    scores = rng.standard_normal(a.active_customers) + d * labels
    top = np.argpartition(-scores, k - 1)[:k]
    return float(labels[top].mean())


def precision_recall_at_k(
    auc: float,
    invitations: int,
    *,
    assumptions: ValueAssumptions | None = None,
    method: str = "expected",
    seed: int = 0,
) -> tuple[float, float]:
    """Precision and recall when inviting the top ``k`` customers of a model with a given AUC.

    Under the binormal model, lapsers' scores are ``N(d, 1)`` and loyal customers' ``N(0, 1)``
    with ``d = sqrt(2) * Phi^-1(auc)``. ``method="expected"`` solves for the score threshold
    that selects ``k`` customers in expectation (exact, deterministic, fast);
    ``method="simulated"`` draws one seeded population of scores and counts the top ``k``.

    Parameters
    ----------
    auc : float in [0.5, 1)
        The model's ROC AUC.
    invitations : int
        How many of the highest-scored customers are invited (``k``).
    assumptions : ValueAssumptions, default=the Bike Shop's
        Gives the number of active customers and the base rate.
    method : {"expected", "simulated"}, default="expected"
    seed : int, default=0
        Used by ``method="simulated"`` only.

    Returns
    -------
    (float, float)
        Precision and recall at ``k``.

    Raises
    ------
    PlanError
        If ``auc`` is outside [0.5, 1) or ``invitations`` outside [1, N].

    Examples
    --------
    >>> p, r = precision_recall_at_k(0.5, 400)       # a useless model: precision = base rate
    >>> round(p, 3), round(r, 4)
    (0.3, 0.05)
    >>> round(precision_recall_at_k(0.8, 400)[0], 2)
    0.84
    >>> round(precision_recall_at_k(0.8, 400, method="simulated", seed=1)[0], 2)
    0.83
    """
    a = assumptions or ValueAssumptions()
    number(
        auc,
        where="precision_recall_at_k",
        field="auc",
        low=0.5,
        high=0.9999,
        fix="Give a ROC AUC from 0.5 (no better than chance) to just below 1.",
    )
    number(
        invitations,
        where="precision_recall_at_k",
        field="invitations",
        low=1,
        high=a.active_customers,
        fix="Invite at least one and at most every customer.",
    )
    k = int(invitations)
    d = math.sqrt(2) * _NORMAL.inv_cdf(auc)
    if method == "expected":
        p = _expected_precision(d, k / a.active_customers, a.base_rate)
    elif method == "simulated":
        p = _simulated_precision(d, k, a, seed)
    else:
        raise PlanError(
            "precision_recall_at_k",
            "method",
            method,
            "must be 'expected' or 'simulated'",
            "Pick one of the two.",
        )
    return p, p * k / (a.base_rate * a.active_customers)


def value_curve(
    auc: float,
    *,
    assumptions: ValueAssumptions | None = None,
    points: int = 40,
) -> pd.DataFrame:
    """Monthly value against the number of invitations, for the model, random and perfect.

    Parameters
    ----------
    auc : float in [0.5, 1)
    assumptions : ValueAssumptions, default=the Bike Shop's
    points : int, default=40
        Number of invitation levels from 1 to N (keep it small in explorer views).

    Returns
    -------
    DataFrame
        Tidy: columns ``policy``, ``invitations``, ``precision``, ``recall``, ``kept`` and
        ``value``.

    Examples
    --------
    >>> c = value_curve(0.8, points=5)
    >>> sorted(c["policy"].unique())
    ['model', 'perfect targeting', 'random targeting']
    """
    a = assumptions or ValueAssumptions()
    ks = np.unique(np.linspace(1, a.active_customers, points).round().astype(int))
    rows = []
    for k in ks:
        p_model = precision_recall_at_k(auc, int(k), assumptions=a)[0]
        for policy, p in (
            ("model", p_model),
            ("random targeting", a.base_rate),
            ("perfect targeting", _perfect_precision(int(k), a)),
        ):
            v = policy_value(min(p, 1.0), int(k), assumptions=a, policy=policy)
            rows.append(
                {
                    "policy": policy,
                    "invitations": int(k),
                    "precision": v.precision,
                    "recall": v.recall,
                    "kept": v.kept,
                    "value": v.value,
                }
            )
    return pd.DataFrame(rows)


def value_vs_auc(
    aucs: Any = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9),
    *,
    invitations: Any = (400,),
    assumptions: ValueAssumptions | None = None,
) -> pd.DataFrame:
    """Monthly value of the model's policy for each AUC and number of invitations.

    Parameters
    ----------
    aucs : sequence of float, default=0.60 to 0.90 in steps of 0.05
    invitations : sequence of int, default=(400,)
    assumptions : ValueAssumptions, default=the Bike Shop's

    Returns
    -------
    DataFrame
        Columns ``auc``, ``invitations``, ``precision``, ``recall``, ``kept`` and ``value``.

    Examples
    --------
    >>> t = value_vs_auc((0.7, 0.8), invitations=(400,))
    >>> t[["auc", "invitations"]].values.tolist()
    [[0.7, 400.0], [0.8, 400.0]]
    >>> bool(t["value"].is_monotonic_increasing)
    True
    """
    a = assumptions or ValueAssumptions()
    rows = []
    for k in invitations:
        for auc in aucs:
            p, r = precision_recall_at_k(auc, k, assumptions=a)
            v = policy_value(p, k, assumptions=a)
            rows.append(
                {
                    "auc": float(auc),
                    "invitations": int(k),
                    "precision": p,
                    "recall": r,
                    "kept": v.kept,
                    "value": v.value,
                }
            )
    return pd.DataFrame(rows)


def plot_value_vs_auc(
    frame: pd.DataFrame,
    *,
    assumptions: ValueAssumptions | None = None,
) -> Figure:
    """Plot monthly value against AUC (one line per number of invitations), with the
    blanket e-mail and no action for comparison.

    Parameters
    ----------
    frame : DataFrame
        From :func:`value_vs_auc`.
    assumptions : ValueAssumptions, default=the Bike Shop's
        For the blanket e-mail line.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_value_vs_auc(value_vs_auc(invitations=(200, 400)))
    >>> len(fig.axes[0].lines)
    4
    """
    a = assumptions or ValueAssumptions()
    blanket = compare_policies(a.base_rate, 0, assumptions=a).set_index("policy")
    fig, ax = new_figure()
    colours = [ROLE_COLOURS["model"], ROLE_COLOURS["secondary"], ROLE_COLOURS["highlight"]]
    for i, (k, part) in enumerate(frame.groupby("invitations")):
        ax.plot(
            part["auc"],
            part["value"],
            marker="o",
            color=colours[i % 3],
            label=f"model, {k:,} invitations",
        )
    ax.axhline(
        blanket.loc["blanket e-mail", "value"],
        color=ROLE_COLOURS["baseline"],
        ls="--",
        label="blanket e-mail",
    )
    ax.axhline(0, color=ROLE_COLOURS["neutral"], lw=1, label="no action")
    ax.set(
        xlabel="Model quality (ROC AUC)",
        ylabel="Value (£ per month)",
        title="What is a better model worth?",
    )
    ax.yaxis.set_major_formatter(_pounds_tick)
    ax.legend(fontsize=9)
    return fig


def plot_value_curve(
    curve: pd.DataFrame,
    *,
    assumptions: ValueAssumptions | None = None,
    title: str = "Monthly value by number of invitations",
    size: tuple[float, float] = (6.4, 3.6),
    layout: str = "constrained",
) -> Figure:
    """Plot a :func:`value_curve` with the blanket e-mail and the workshop capacity.

    Parameters
    ----------
    curve : DataFrame
        From :func:`value_curve`.
    assumptions : ValueAssumptions, default=the Bike Shop's
        For the blanket e-mail and capacity lines.
    title : str
    size : (float, float), default=(6.4, 3.6)
        Width and height in inches.
    layout : {"constrained", "fixed"}, default="constrained"
        "fixed" draws about twice as fast (explorer views); see :func:`new_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_value_curve(value_curve(0.75, points=8))
    >>> fig.axes[0].get_ylabel()
    'Value (£ per month)'
    """
    a = assumptions or ValueAssumptions()
    styles = {
        "model": ("model", "-"),
        "random targeting": ("baseline", ":"),
        "perfect targeting": ("best", "--"),
    }
    fig, ax = new_figure(width=size[0], height=size[1], layout=layout)
    for policy, part in curve.groupby("policy", sort=False):
        role, ls = styles[policy]
        ax.plot(part["invitations"], part["value"], ls=ls, color=ROLE_COLOURS[role], label=policy)
    blanket = policy_value(
        a.base_rate,
        a.active_customers,
        assumptions=a,
        offer_cost=a.blanket_cost,
        success_rate=a.blanket_success_rate,
    )
    ax.axhline(blanket.value, color=ROLE_COLOURS["loss"], lw=1, label="blanket e-mail")
    ax.axvline(a.capacity, color=ROLE_COLOURS["neutral"], lw=1, ls="-.", label="workshop capacity")
    ax.axhline(0, color="black", lw=0.6)
    ax.set(xlabel="Invitations per month", ylabel="Value (£ per month)", title=title)
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.yaxis.set_major_formatter(_pounds_tick)
    ax.legend(fontsize=9)
    return fig
