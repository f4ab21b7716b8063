"""The ethics screen and the sampling check: shipped data loads, bad entries fail clearly."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from casestudy import plan
from casestudy.data import load_bike_shop
from casestudy.plan import PlanError
from casestudy.plan.ethics import (
    STATUSES,
    checks_due,
    ethics_status_counts,
    ethics_table,
    load_ethics_checklist,
    parse_ethics_checklist,
    update_checks,
)
from casestudy.plan.sampling import (
    BIKE_TYPES,
    convenient_extract,
    plot_sample_profiles,
    sample_profiles,
)

CHECK = {
    "id": "E1",
    "topic": "Lawful basis",
    "question": "Basis?",
    "answer": "Legitimate interests",
    "status": "ok",
    "action": "Keep it true",
    "owner": "md",
    "recheck": "sprint-1",
}
TOPICS = {
    "Lawful basis",
    "Data minimisation",
    "Protected attributes",
    "Proxies",
    "Biased history",
    "Who could be harmed",
    "Security of the export",
    "Retention",
}


@pytest.fixture(scope="module")
def md() -> tuple[plan.Stakeholder, ...]:
    return plan.parse_stakeholders(
        [
            {
                "id": "md",
                "name": "MD",
                "role": "Owner",
                "wants": "Growth",
                "why": "Margin",
                "influence": 5,
                "interest": 4,
                "concerns": ["Cost"],
            }
        ]
    )


def test_shipped_checklist_covers_the_screen_with_known_owners() -> None:
    checks = load_ethics_checklist()
    owners = {s.id for s in plan.load_stakeholders()}
    assert {c.topic for c in checks} >= TOPICS
    assert {c.owner for c in checks} <= owners
    assert {c.status for c in checks} <= set(STATUSES)
    assert all(c.answer and c.action and c.question.endswith("?") for c in checks)


def test_table_puts_blockers_first_and_names_owners() -> None:
    table = ethics_table(load_ethics_checklist())
    ranks = table["status"].map({"blocker": 0, "needs-action": 1, "ok": 2})
    assert ranks.is_monotonic_increasing
    assert table.index.name == "check"
    assert list(table.columns) == ["topic", "status", "answer", "action", "owner", "re-check"]
    assert table["owner"].notna().all() and table["re-check"].notna().all()


def test_counts_and_due_cover_every_check() -> None:
    checks = load_ethics_checklist()
    assert ethics_status_counts(checks).sum() == len(checks)
    assert sum(len(checks_due(checks, p)) for p in plan.PHASES) == len(checks)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "fine"}, "status"),
        ({"owner": "cfo"}, "owner"),
        ({"recheck": "sprint-9"}, "recheck"),
        ({"answer": None}, "answer"),
    ],
)
def test_bad_checks_are_rejected(md, change: dict, field: str) -> None:
    with pytest.raises(PlanError) as err:
        parse_ethics_checklist([{**CHECK, **change}], stakeholders=md)
    assert err.value.field == field


def test_unknown_owner_message_gives_the_fix(md) -> None:
    with pytest.raises(PlanError, match=r"'owner' \('cfo'\).*stakeholders.yaml"):
        parse_ethics_checklist([{**CHECK, "owner": "cfo"}], stakeholders=md)


def test_duplicate_check_ids_are_rejected(md) -> None:
    with pytest.raises(PlanError, match="appears more than once"):
        parse_ethics_checklist([CHECK, CHECK], stakeholders=md)


def test_update_returns_a_new_validated_list(md) -> None:
    checks = parse_ethics_checklist([CHECK], stakeholders=md)
    new = update_checks(checks, {"E1": {"status": "blocker"}}, stakeholders=md)
    assert new[0].status == "blocker" and checks[0].status == "ok"
    with pytest.raises(PlanError):
        update_checks(checks, {"E1": {"status": "fine"}}, stakeholders=md)
    with pytest.raises(PlanError, match="'id' \\('E7'\\)"):
        update_checks(checks, {"E7": {"status": "ok"}}, stakeholders=md)
    with pytest.raises(PlanError, match="'field' \\('id'\\)"):
        update_checks(checks, {"E1": {"id": "E2"}}, stakeholders=md)


def test_load_from_a_file(tmp_path, md) -> None:
    path = tmp_path / "ethics.yaml"
    path.write_text(yaml.safe_dump({"checks": [CHECK]}))
    assert load_ethics_checklist(path, stakeholders=md)[0].id == "E1"
    path.write_text("checks: nothing")
    with pytest.raises(PlanError, match="must be a list"):
        load_ethics_checklist(path, stakeholders=md)


@pytest.fixture(scope="module")
def tables():
    return load_bike_shop()


def test_convenient_extract_is_one_shop_and_recent(tables) -> None:
    ids = convenient_extract(tables, "2025-07-01", store="UNI", days=30)
    homes = tables.customers.set_index("customer_id").loc[ids, "home_store"].astype(str)
    assert len(ids) > 0 and set(homes) == {"UNI"}
    assert len(ids) < len(convenient_extract(tables, "2025-07-01", store="UNI", days=91))


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"store": "XYZ"}, "store"), ({"store": "CTY", "days": 0}, "days")]
)
def test_convenient_extract_rejects_bad_options(tables, kwargs: dict, field: str) -> None:
    with pytest.raises(PlanError) as err:
        convenient_extract(tables, "2025-07-01", **kwargs)
    assert err.value.field == field


def test_profiles_show_the_extract_is_not_representative(tables) -> None:
    ids = convenient_extract(tables, "2025-07-01", store="CTY")
    profiles = sample_profiles(tables, "2025-07-01", {"extract": ids})
    base, extract = profiles.loc["whole base"], profiles.loc["extract"]
    mix = [f"bike: {b}" for b in BIKE_TYPES]
    assert profiles.loc[:, mix].sum(axis=1).round(6).eq(1).all()
    assert extract["customers"] < base["customers"]
    assert extract["lapse_rate"] < base["lapse_rate"] - 0.05
    assert isinstance(plot_sample_profiles(profiles), Figure)


def test_profiles_reject_empty_groups_and_late_cutoffs(tables) -> None:
    with pytest.raises(PlanError, match="no customers active"):
        sample_profiles(tables, "2025-07-01", {"nobody": pd.Index([1, 2]).to_numpy()})
    with pytest.raises(ValueError, match="after the end of the history"):
        sample_profiles(tables, "2025-10-01", {})
