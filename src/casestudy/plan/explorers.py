"""Trade-off explorers for the pre-project chapters (pure views plus registered factories).

* ``model-value``: what is a better model worth? Value per month against invitations, for a
  model of a given ROC AUC, as the offer's cost changes.
* ``estimate-factors``: how do complexity factors and team size move the date? The
  distribution of calendar weeks from a 10,000-run Monte Carlo.

Each view is a pure function of its parameters (the Bike Shop's files are read once and
cached), computes in well under 100 ms, and states its numbers in the summary.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pandas as pd

from casestudy.explorable import Dropdown, Explorer, Slider, View, register
from casestudy.plan._checks import PlanError, choice
from casestudy.plan.estimate import (
    plot_effort_distribution,
    rule_of_thumb,
    select_factors,
    simulate_project,
    summarise,
)
from casestudy.plan.proposal import Project, load_project
from casestudy.plan.team import day_rates, design_team, team_fte
from casestudy.plan.value import (
    compare_policies,
    plot_value_curve,
    precision_recall_at_k,
    value_curve,
)

__all__ = ["SCENARIOS", "estimate_explorer", "estimate_view", "value_explorer", "value_view"]

#: Factor scenarios of the estimate explorer: id -> (label, extra factor ids on top of
#: the factors assessed for the Bike Shop; ``None`` means no factors at all).
SCENARIOS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "plain": ("plain estimates (no factors)", None),
    "assessed": ("the factors assessed for the Bike Shop", ()),
    "complex-data": ("assessed + complex data", ("complex-data",)),
    "complex-big": ("assessed + complex and big data", ("complex-data", "big-data")),
    "all-doubling": (
        "assessed + all three doubling factors",
        ("complex-data", "big-data", "distributed-compute"),
    ),
}
_VIEW_RUNS = 10_000
_VIEW_SIZE = (5.6, 3.0)  # inches: small figures keep pages light and rendering fast


@lru_cache(maxsize=1)
def _bike_shop() -> Project:
    return load_project()


def _money(x: float) -> str:
    return f"£{x:,.0f}" if x >= 0 else f"−£{-x:,.0f}"


def value_view(auc: float, offer_cost: float) -> View:
    """The value of the Bike Shop's targeting policy for a model of ROC AUC ``auc``.

    Parameters
    ----------
    auc : float in [0.5, 1)
        The model's ROC AUC.
    offer_cost : float
        Cost of one invitation (£); the other assumptions are the Bike Shop's.

    Returns
    -------
    casestudy.explorable.View
        The value curve, a summary with the numbers at the workshops' capacity, and a
        table of the policies.

    Examples
    --------
    >>> v = value_view(0.8, 12)
    >>> v.summary.startswith("A model with ROC AUC 0.80")
    True
    """
    a = replace(_bike_shop().value, offer_cost=float(offer_cost))
    curve = value_curve(auc, assumptions=a, points=60)
    model = curve[curve["policy"] == "model"]
    best = model.loc[model["value"].idxmax()]
    precision = precision_recall_at_k(auc, a.capacity, assumptions=a)[0]
    table = compare_policies(precision, a.capacity, assumptions=a)
    at_cap = table.set_index("policy").loc["model"]
    fig = plot_value_curve(
        curve,
        assumptions=a,
        title=f"ROC AUC {auc:.2f}, offer £{offer_cost:g}",
        size=_VIEW_SIZE,
        layout="fixed",
    )
    summary = (
        f"A model with ROC AUC {auc:.2f} and invitations costing £{offer_cost:g}: "
        f"inviting the workshops' capacity of {a.capacity:,} customers a month "
        f"(precision {at_cap['precision']:.0%}, recall {at_cap['recall']:.0%}) keeps "
        f"about {at_cap['kept']:.0f} customers, worth {_money(at_cap['value'])} a month; "
        f"the blanket e-mail is worth "
        f"{_money(table.set_index('policy').loc['blanket e-mail', 'value'])} and no "
        f"action £0. Without the capacity limit the best is about "
        f"{best['invitations']:,.0f} invitations, worth {_money(best['value'])}."
    )
    alt = (
        f"Line chart of monthly value against invitations for the model (AUC {auc:.2f}), "
        "random and perfect targeting, with the blanket e-mail and the workshop capacity "
        "marked."
    )
    small = pd.DataFrame(
        {"policy": table["policy"], "value per month": [_money(v) for v in table["value"]]}
    )
    return View(figure=fig, summary=summary, alt=alt, table=small)


@register("model-value")
def value_explorer() -> Explorer:
    """What is a better model worth? ROC AUC 0.60-0.90 against the offer's cost (35 views).

    Examples
    --------
    >>> value_explorer().shape
    (7, 5)
    """
    return Explorer(
        value_view,
        Slider("auc", "Model quality (ROC AUC)", 0.6, 0.9, 0.05, default=0.75, fmt="{:.2f}"),
        Slider("offer_cost", "Cost of one invitation", 4, 20, 4, default=12, fmt="£{:.0f}"),
        title="What is a better model worth?",
    )


def estimate_view(scenario: str, team_size: float) -> View:
    """Calendar weeks of the Bike Shop project for a factor scenario and a team size.

    Parameters
    ----------
    scenario : str
        A key of :data:`SCENARIOS`.
    team_size : float
        Full-time equivalents shared between the roles by :func:`design_team`.

    Returns
    -------
    casestudy.explorable.View
        The calendar-week histogram and a summary of P50/P80/P95; a message view when
        the team is too small to staff every role.

    Examples
    --------
    >>> v = estimate_view("assessed", 4)
    >>> "P80" in v.summary
    True
    """
    choice(scenario, SCENARIOS, where="estimate_view", field="scenario")
    project = _bike_shop()
    label, extra = SCENARIOS[scenario]
    factors = (
        ()
        if extra is None
        else (*(f for f in project.factors if f.bike_shop), *select_factors(project.factors, extra))
    )
    try:
        team = design_team(project.tasks, factors, team_size=float(team_size), roles=project.roles)
    except PlanError as exc:
        return View(message=str(exc))
    settings = {**project.brief.estimate, "n_runs": _VIEW_RUNS}
    sim = simulate_project(project.tasks, team=team_fte(team), factors=factors, **settings)
    s = summarise(sim, day_rates=day_rates(project.roles))
    rule = rule_of_thumb(project.tasks, factors, rule=project.rule)
    fig = plot_effort_distribution(
        sim,
        title=f"{label[0].upper()}{label[1:]}, {team_size:g} FTE",
        size=_VIEW_SIZE,
        layout="fixed",
    )
    summary = (
        f"With {label} and a team of {team_size:g} FTE, the project takes "
        f"P50 {s.loc['P50', 'weeks']:.0f}, P80 {s.loc['P80', 'weeks']:.0f} and "
        f"P95 {s.loc['P95', 'weeks']:.0f} working weeks, for P50 "
        f"{s.loc['P50', 'effort_days']:.0f} and P80 {s.loc['P80', 'effort_days']:.0f} "
        f"person-days (P80 cost {_money(s.loc['P80', 'cost'])}). The rule of thumb "
        f"says {rule['effort_days']:.0f} person-days."
    )
    alt = (
        f"Histogram of calendar weeks over {_VIEW_RUNS:,} simulated projects, with the "
        "P50, P80 and P95 marked."
    )
    table = pd.DataFrame({
        "": list(s.index),
        "working weeks": [f"{w:.0f}" for w in s["weeks"]],
        "person-days": [f"{e:.0f}" for e in s["effort_days"]],
        "cost": [_money(c) for c in s["cost"]],
    })  # fmt: skip
    return View(figure=fig, summary=summary, alt=alt, table=table)


@register("estimate-factors")
def estimate_explorer() -> Explorer:
    """How complexity factors and team size move the date (5 scenarios x 3 sizes).

    Team sizes step by 2 FTE (2, 4, 6): 15 views keep the workbook fast to execute
    (rendering each view costs far more than simulating it) while still showing both a
    starved team and a generous one.

    Examples
    --------
    >>> estimate_explorer().shape
    (5, 3)
    """
    return Explorer(
        estimate_view,
        Dropdown(
            "scenario",
            "Complexity factors",
            [(label, key) for key, (label, _) in SCENARIOS.items()],
            default="assessed",
        ),
        Slider("team_size", "Team size (FTE)", 2, 6, 2, default=4, fmt="{:g} FTE"),
        title="How do complexity and team size move the date?",
    )
