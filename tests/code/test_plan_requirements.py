"""Stakeholders, requirements and KPIs: the shipped registers load, and bad entries fail clearly."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from casestudy import plan
from casestudy.plan import PlanError

STAKEHOLDER = {
    "id": "md",
    "name": "MD",
    "role": "Owner",
    "wants": "Growth",
    "why": "Margin",
    "influence": 5,
    "interest": 4,
    "concerns": ["Cost"],
}
REQUIREMENT = {
    "id": "N1",
    "kind": "non-functional",
    "category": "speed",
    "statement": "Fast",
    "priority": "must",
    "owner": "md",
    "acceptance": "Under 30 minutes",
}
KPI_RECORD = {
    "id": "K1",
    "lever": "revenue",
    "name": "Margin kept",
    "mechanism": "Invitations",
    "measure": "Margin",
    "unit": "£",
    "baseline": 0,
    "target": 8000,
    "owner": "md",
}


@pytest.fixture(scope="module")
def stakeholders() -> tuple[plan.Stakeholder, ...]:
    return plan.load_stakeholders()


def test_shipped_stakeholders_are_the_seven_in_the_brief(stakeholders) -> None:
    ids = [s.id for s in stakeholders]
    assert ids == [
        "md",
        "head-of-retail",
        "workshop-manager",
        "marketing-lead",
        "finance",
        "it-contractor",
        "dp-adviser",
    ]
    assert all(1 <= s.influence <= 5 and 1 <= s.interest <= 5 for s in stakeholders)
    assert all(s.concerns and s.wants and s.why for s in stakeholders)


def test_shipped_requirements_cover_every_kind_and_known_owners(stakeholders) -> None:
    reqs = plan.load_requirements(stakeholders=stakeholders)
    assert {r.kind for r in reqs} == set(plan.KINDS)
    cats = {r.category for r in reqs}
    assert {
        "speed",
        "efficacy",
        "cost",
        "carbon",
        "infrastructure",
        "business-continuity",
        "users",
        "stakeholders",
        "it-architecture",
    } <= cats
    assert {r.owner for r in reqs} <= {s.id for s in stakeholders}
    assert all(r.acceptance for r in reqs)


def test_shipped_kpis_cover_the_five_levers_with_numbers(stakeholders) -> None:
    kpis = plan.load_kpis(stakeholders=stakeholders)
    assert [k.lever for k in kpis] == list(plan.LEVERS)
    assert all(isinstance(k.baseline, float) and isinstance(k.target, float) for k in kpis)
    assert all(k.mechanism and k.measure for k in kpis)


def test_requirement_with_unknown_owner_names_field_value_and_fix() -> None:
    md = plan.parse_stakeholders([STAKEHOLDER])
    with pytest.raises(
        PlanError, match=r"Requirement 'N1': 'owner' \('cfo'\).*stakeholders.yaml"
    ) as err:
        plan.parse_requirements([{**REQUIREMENT, "owner": "cfo"}], stakeholders=md)
    assert (err.value.field, err.value.value) == ("owner", "cfo")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nice-to-have"}, "kind"),
        ({"category": "scoring"}, "category"),  # a functional category on a non-functional
        ({"priority": "urgent"}, "priority"),
        ({"acceptance": None}, "acceptance"),
    ],
)
def test_bad_requirements_are_rejected(change: dict, field: str) -> None:
    md = plan.parse_stakeholders([STAKEHOLDER])
    with pytest.raises(PlanError) as err:
        plan.parse_requirements([{**REQUIREMENT, **change}], stakeholders=md)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"influence": 0}, "influence"),
        ({"interest": 6}, "interest"),
        ({"interest": 2.5}, "interest"),
        ({"concerns": 3}, "concerns"),
        ({"why": None}, "why"),
    ],
)
def test_bad_stakeholders_are_rejected(change: dict, field: str) -> None:
    with pytest.raises(PlanError) as err:
        plan.parse_stakeholders([{**STAKEHOLDER, **change}])
    assert err.value.field == field


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(PlanError, match="appears more than once"):
        plan.parse_stakeholders([STAKEHOLDER, STAKEHOLDER])


def test_bad_kpis_are_rejected() -> None:
    md = plan.parse_stakeholders([STAKEHOLDER])
    with pytest.raises(PlanError, match="'lever' \\('profit'\\)"):
        plan.parse_kpis([{**KPI_RECORD, "lever": "profit"}], stakeholders=md)
    with pytest.raises(PlanError, match="'target' \\('lots'\\) must be a finite number"):
        plan.parse_kpis([{**KPI_RECORD, "target": "lots"}], stakeholders=md)


def test_loaders_read_a_given_file_and_report_missing_files(tmp_path) -> None:
    path = tmp_path / "stakeholders.yaml"
    path.write_text(yaml.safe_dump({"stakeholders": [STAKEHOLDER]}))
    assert plan.load_stakeholders(path)[0].name == "MD"
    with pytest.raises(FileNotFoundError, match="not found"):
        plan.load_stakeholders(tmp_path / "nope.yaml")
    path.write_text("people: []\n")
    with pytest.raises(PlanError, match="'stakeholders'"):
        plan.load_stakeholders(path)


def test_stakeholder_map_quadrants(stakeholders) -> None:
    m = plan.stakeholder_map(stakeholders).set_index("id")["approach"]
    assert m["md"] == "manage closely"
    assert m["finance"] == "keep satisfied"
    assert m["workshop-manager"] == "keep informed"
    low = plan.parse_stakeholders([{**STAKEHOLDER, "influence": 2, "interest": 2}])
    assert plan.stakeholder_map(low)["approach"].item() == "monitor"


def test_requirements_matrix_and_to_frame(stakeholders) -> None:
    reqs = plan.load_requirements(stakeholders=stakeholders)
    matrix = plan.requirements_matrix(reqs)
    assert list(matrix.columns) == list(plan.PRIORITIES)
    assert int(matrix.to_numpy().sum()) == len(reqs)
    frame = plan.to_frame(reqs)
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(reqs)


def test_plot_stakeholder_map_returns_a_figure(stakeholders) -> None:
    fig = plan.plot_stakeholder_map(stakeholders)
    assert isinstance(fig, Figure)
    text = " ".join(t.get_text().replace("\n", " ") for t in fig.axes[0].texts)
    assert all(s.name in text for s in stakeholders)


@pytest.mark.parametrize(
    "make_error",
    [
        lambda: plan.parse_kpis(
            [{**KPI_RECORD, "baseline": "ten"}], stakeholders=plan.parse_stakeholders([STAKEHOLDER])
        ),
        lambda: plan.parse_stakeholders([{**STAKEHOLDER, "influence": 9}]),
        lambda: plan.parse_stakeholders([{k: v for k, v in STAKEHOLDER.items() if k != "why"}]),
        lambda: plan.parse_stakeholders(["not a mapping"]),
        lambda: plan.ValueAssumptions(margin=float("nan")),
    ],
)
def test_every_error_names_where_field_value_and_gives_a_fix(make_error) -> None:
    with pytest.raises(PlanError) as err:
        make_error()
    e = err.value
    assert e.where and e.field and e.rule and e.fix
    assert str(e).startswith(f"{e.where}: '{e.field}' (")
    assert str(e).endswith(e.fix)
