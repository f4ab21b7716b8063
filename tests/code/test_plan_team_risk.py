"""Team design from the challenge profile, its cost, and the risk register's burn-down."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from casestudy import plan
from casestudy.plan import PlanError

RISK = {
    "id": "R1",
    "title": "Late data",
    "owner": "md",
    "likelihood": 0.5,
    "impact": 6000,
    "mitigation": "Ask early",
    "mitigation_phase": "sprint-0",
    "residual_likelihood": 0.1,
}


@pytest.fixture(scope="module")
def tasks():
    return plan.load_tasks()


@pytest.fixture(scope="module")
def roles():
    return plan.load_roles()


def test_roles_load_with_day_rates(roles) -> None:
    assert [r.id for r in roles] == list(plan.ROLES)
    rates = plan.day_rates(roles)
    assert rates["ml-engineer"] == 650.0 and all(v > 0 for v in rates.values())


@pytest.mark.parametrize(
    ("change", "field"),
    [({"id": "wizard"}, "id"), ({"day_rate": -5}, "day_rate"), ({"does": None}, "does")],
)
def test_bad_roles_are_rejected(change: dict, field: str) -> None:
    record = {"id": "ux-designer", "name": "UX", "does": "Design", "day_rate": 500}
    with pytest.raises(PlanError) as err:
        plan.parse_roles([{**record, **change}])
    assert err.value.field == field


def test_effort_by_role_sums_to_expected_effort(tasks) -> None:
    e = plan.effort_by_role(tasks)
    assert list(e.index) == list(plan.ROLES)
    assert e.sum() == pytest.approx(plan.expected_effort(tasks)["effort_days"].sum())


def test_challenge_profile_follows_the_factors(tasks) -> None:
    factors = plan.load_factors()
    plain = plan.challenge_profile(tasks)
    data_heavy = plan.challenge_profile(tasks, plan.select_factors(factors, ["complex-data"]))
    assert data_heavy["data"] > plain["data"]
    assert "data-heavy" in plan.challenge_labels(data_heavy)
    compute = plan.challenge_profile(tasks, plan.select_factors(factors, ["distributed-compute"]))
    assert plan.challenge_labels(compute) == ["engineering-heavy"]


def test_design_team_adds_up_and_follows_the_challenge(tasks, roles) -> None:
    factors = plan.load_factors()
    base = plan.design_team(tasks, team_size=4.0, roles=roles).set_index("role")
    assert base["fte"].sum() == pytest.approx(4.0)
    assert (base["fte"] >= 0.25).all()
    assert base["fte"].idxmax() == "data-scientist"
    data = plan.design_team(
        tasks,
        plan.select_factors(factors, ["complex-data", "big-data"]),
        team_size=4.0,
        roles=roles,
    ).set_index("role")
    assert data.loc["data-engineer", "fte"] > base.loc["data-engineer", "fte"]
    assert (base["weekly_cost"] == base["fte"] * 5 * base["day_rate"]).all()


def test_design_team_rejects_a_team_too_small_and_missing_rates(tasks, roles) -> None:
    with pytest.raises(PlanError, match=r"'team_size' \(1.0\) is too small.*at least 1.75"):
        plan.design_team(tasks, team_size=1.0, roles=roles)
    with pytest.raises(PlanError, match="have tasks but no day rate"):
        plan.design_team(tasks, team_size=4.0, roles=roles[:3])


def test_team_fte_and_cost_by_hand() -> None:
    team = pd.DataFrame(
        {"role": ["data-scientist", "ux-designer"], "fte": [1.0, 0.5], "day_rate": [600.0, 400.0]}
    )
    assert plan.team_fte(team) == {"data-scientist": 1.0, "ux-designer": 0.5}
    assert plan.team_cost(team, weeks=10) == 10 * 5 * (600 + 200)
    with pytest.raises(PlanError, match="'weeks'"):
        plan.team_cost(team, weeks=-1)


def test_plot_team(tasks, roles) -> None:
    assert isinstance(plan.plot_team(plan.design_team(tasks, team_size=4, roles=roles)), Figure)


def test_shipped_risks_and_register() -> None:
    risks = plan.load_risks()
    assert all(0 <= r.likelihood <= 1 and r.residual_likelihood <= r.likelihood for r in risks)
    register = plan.risk_register(risks)
    assert register["exposure"].is_monotonic_decreasing
    assert register.loc[0, "exposure"] == 0.4 * 15000
    assert plan.top_risks(risks, 2)["id"].tolist() == ["R2", "R4"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"likelihood": 1.2}, "likelihood"),
        ({"residual_likelihood": -0.1}, "residual_likelihood"),
        ({"owner": "nobody"}, "owner"),
        ({"impact": -10}, "impact"),
        ({"mitigation_phase": "sprint-9"}, "mitigation_phase"),
    ],
)
def test_bad_risks_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(PlanError) as err:
        plan.parse_risks([{**RISK, **change}], owners=["md"])
    assert err.value.field == field


def test_burndown_by_hand() -> None:
    risks = plan.parse_risks(
        [RISK, {**RISK, "id": "R2", "mitigation_phase": "sprint-3", "residual_impact": 1000}],
        owners=["md"],
    )
    b = plan.risk_burndown(risks)
    assert len(b) == 2 * (len(plan.PHASES) + 1)
    r1 = b[b["id"] == "R1"].set_index("phase")["exposure"]
    assert r1["start"] == r1["pre-project"] == 3000.0
    assert r1["sprint-0"] == r1["sprint-omega"] == pytest.approx(600.0)
    r2 = b[b["id"] == "R2"].set_index("phase")["exposure"]
    assert r2["sprint-2"] == 3000.0 and r2["sprint-3"] == pytest.approx(100.0)
    assert b.groupby("step")["exposure"].sum().is_monotonic_decreasing


def test_plot_risk_burndown() -> None:
    fig = plan.plot_risk_burndown(plan.risk_burndown(plan.load_risks()))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "Start" and labels[-1] == "Sprint Ω"
