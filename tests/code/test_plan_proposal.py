"""The project bundle cross-checks its files; the proposal states the computed numbers."""

from __future__ import annotations

import shutil

import pytest
import yaml

from casestudy import plan
from casestudy.plan import PlanError


@pytest.fixture(scope="module")
def project() -> plan.Project:
    return plan.load_project()


@pytest.fixture(scope="module")
def bike_plan(project) -> plan.ProjectPlan:
    return plan.plan_project(project, n_runs=20_000)


def test_load_project_reads_every_register(project) -> None:
    assert len(project.stakeholders) == 7 and len(project.kpis) == 5
    assert project.brief.team_size == 4.0
    assert project.brief.estimate["correlation"] == 0.5
    assert project.value == plan.ValueAssumptions()


def test_cross_file_owner_check(tmp_path) -> None:
    shutil.copytree(plan.PROJECT_DIR, tmp_path, dirs_exist_ok=True)
    risks = yaml.safe_load((tmp_path / "risks.yaml").read_text())
    risks["risks"][0]["owner"] = "the-board"
    (tmp_path / "risks.yaml").write_text(yaml.safe_dump(risks))
    with pytest.raises(PlanError, match="Risk 'R1': 'owner' \\('the-board'\\)"):
        plan.load_project(tmp_path)


def test_brief_is_validated(tmp_path) -> None:
    shutil.copytree(plan.PROJECT_DIR, tmp_path, dirs_exist_ok=True)
    brief = yaml.safe_load((tmp_path / "proposal.yaml").read_text())
    brief["estimate"]["speed"] = "fast"
    (tmp_path / "proposal.yaml").write_text(yaml.safe_dump(brief))
    with pytest.raises(PlanError, match="'estimate'"):
        plan.load_project(tmp_path)


def test_plan_project_numbers_are_consistent(project, bike_plan) -> None:
    s = bike_plan.summary
    assert list(s.index) == ["P50", "P80", "P95"]
    assert s["effort_days"].is_monotonic_increasing and s["weeks"].is_monotonic_increasing
    assert [f.id for f in bike_plan.factors] == ["dirty-data", "ethics-privacy", "documentation"]
    assert bike_plan.team["fte"].sum() == pytest.approx(project.brief.team_size)
    assert bike_plan.top_risks["id"].tolist() == ["R2", "R4", "R3"]
    rule = bike_plan.rule_comparison.set_index("method")["effort_days"]
    assert rule["rule of thumb (x2)"] == 2 * sum(t.likely for t in project.tasks)


def test_proposal_contains_the_numbers(project, bike_plan) -> None:
    text = plan.write_proposal(project, plan=bike_plan)
    for heading in (
        "## Hypothesis",
        "## Scope",
        "## Value",
        "## Estimate",
        "## Team and cost",
        "## Top risks",
        "## Assumptions",
    ):
        assert heading in text
    s = bike_plan.summary
    for q in ("P50", "P80", "P95"):
        assert (
            f"| {q} | {s.loc[q, 'effort_days']:.0f} | {s.loc[q, 'weeks']:.0f} | "
            f"£{s.loc[q, 'cost']:,.0f} |"
        ) in text
    value = bike_plan.policies.set_index("policy").loc["model", "value"]
    assert f"£{value:,.0f} a month" in text
    assert bike_plan.top_risks["title"].iloc[0] in text
    assert f"gives {2 * sum(t.likely for t in project.tasks):.0f}" in text
    assert project.brief.hypothesis in text


def test_proposal_is_deterministic(project) -> None:
    one = plan.write_proposal(project, plan=plan.plan_project(project, n_runs=3000, seed=2))
    two = plan.write_proposal(project, plan=plan.plan_project(project, n_runs=3000, seed=2))
    assert one == two


def test_checklist_is_loaded_and_validated(project, tmp_path) -> None:
    from casestudy.plan.proposal import CHECK_STATUSES, presales_checklist

    items = project.brief.checklist
    assert len(items) >= 8 and all(i.status in CHECK_STATUSES for i in items)
    table = presales_checklist(items, names={s.id: s.name for s in project.stakeholders})
    assert list(table.columns) == ["check", "why", "owner", "status"]
    assert "Managing director" in table["owner"].tolist()
    shutil.copytree(plan.PROJECT_DIR, tmp_path, dirs_exist_ok=True)
    brief = yaml.safe_load((tmp_path / "proposal.yaml").read_text())
    brief["checklist"][0]["owner"] = "the-board"
    (tmp_path / "proposal.yaml").write_text(yaml.safe_dump(brief))
    with pytest.raises(PlanError, match="Check 'C01': 'owner' \\('the-board'\\)"):
        plan.load_project(tmp_path)


def test_commitment_is_validated(tmp_path) -> None:
    shutil.copytree(plan.PROJECT_DIR, tmp_path, dirs_exist_ok=True)
    brief = yaml.safe_load((tmp_path / "proposal.yaml").read_text())
    brief["commitment"] = "P99"
    (tmp_path / "proposal.yaml").write_text(yaml.safe_dump(brief))
    with pytest.raises(PlanError, match="'commitment' \\('P99'\\)"):
        plan.load_project(tmp_path)


def test_proposal_states_test_commitment_and_open_checks(project, bike_plan) -> None:
    text = plan.write_proposal(project, plan=bike_plan)
    s = bike_plan.summary
    assert "**How we will test it:**" in text
    assert f"We commit to the P80:** {s.loc['P80', 'weeks']:.0f} working weeks" in text
    open_checks = [i for i in project.brief.checklist if i.status != "done"]
    assert "## Before signing" in text and all(i.check in text for i in open_checks)


def test_heading_level_moves_every_heading(project, bike_plan) -> None:
    text = plan.write_proposal(project, plan=bike_plan, heading_level=3)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("### Proposal:")
    assert all(h.startswith("### ") or h.startswith("#### ") for h in headings)
    with pytest.raises(PlanError, match="'heading_level' \\(0\\)"):
        plan.write_proposal(project, plan=bike_plan, heading_level=0)
