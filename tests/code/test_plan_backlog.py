"""casestudy.plan.backlog: the shipped sprint-0 backlog loads; bad entries fail clearly."""

from __future__ import annotations

import shutil

import pytest
import yaml

from casestudy.plan import PROJECT_DIR, PlanError, load_project, load_tasks
from casestudy.plan import backlog as bl

ITEM = {
    "id": "S0-1",
    "title": "Extract",
    "area": "access",
    "owner": "it-contractor",
    "status": "to-do",
    "blocking": True,
    "acceptance": "It arrives",
}
OWNERS = ["it-contractor", "data-engineer"]


def test_shipped_backlog_loads_and_covers_every_area():
    b = bl.load_backlog()
    assert {i.area for i in b.items} == set(bl.AREAS)
    assert sum(bl.status_counts(b.items)) == len(b.items)
    assert any(i.area == "estimate" for i in b.items)


def test_shipped_backlog_tells_the_week_one_story():
    items = {i.id: i for i in bl.load_backlog().items}
    extract = next(i for i in items.values() if i.owner == "it-contractor")
    assert extract.status == "blocked" and items[extract.waiting_for].owner == "dp-adviser"
    assert not bl.not_ready(
        bl.update_items(tuple(items.values()), {i.id: "done" for i in bl.not_ready(items.values())})
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": "wizard"}, "owner"),
        ({"area": "misc"}, "area"),
        ({"status": "nearly"}, "status"),
        ({"blocking": "yes"}, "blocking"),
        ({"status": "blocked"}, "waiting_for"),
        ({"acceptance": None}, "acceptance"),
        ({"waiting_for": "S0-9"}, "waiting_for"),
    ],
)
def test_bad_items_name_the_field(change, field):
    with pytest.raises(PlanError) as err:
        bl.parse_backlog([{**ITEM, **change}], owners=OWNERS)
    assert err.value.field == field


def test_repeated_ids_fail():
    with pytest.raises(PlanError, match="more than once"):
        bl.parse_backlog([ITEM, ITEM], owners=OWNERS)


def test_owner_must_exist_in_the_project_files(tmp_path):
    for f in ("stakeholders.yaml", "roles.yaml", "tasks.yaml", "backlog.yaml"):
        shutil.copy(PROJECT_DIR / f, tmp_path / f)
    content = yaml.safe_load((tmp_path / "backlog.yaml").read_text())
    content["items"][0]["owner"] = "the-intern"
    (tmp_path / "backlog.yaml").write_text(yaml.safe_dump(content))
    with pytest.raises(PlanError, match="the-intern"):
        bl.load_backlog(tmp_path)


def test_reestimates_are_checked_against_tasks():
    tasks = load_tasks()
    with pytest.raises(PlanError, match="T99"):
        bl.parse_reestimates(
            [{"task": "T99", "min": 1, "likely": 2, "max": 3, "why": "x"}], tasks=tasks
        )
    with pytest.raises(PlanError, match="min"):
        bl.parse_reestimates(
            [{"task": "T11", "min": 9, "likely": 2, "max": 3, "why": "x"}], tasks=tasks
        )


def test_updated_tasks_changes_only_the_named_tasks():
    tasks = load_tasks()
    new = bl.updated_tasks(tasks, [bl.Reestimate("T11", 6, 10, 18, "why")])
    changed = [t.id for t, u in zip(tasks, new, strict=True) if t != u]
    assert changed == ["T11"] and new[10].likely == 10


def test_update_items_is_pure_and_validated():
    items = bl.load_backlog().items
    new = bl.update_items(items, {"S0-05": "done"})
    assert next(i for i in items if i.id == "S0-05").status == "blocked"
    assert next(i for i in new if i.id == "S0-05").status == "done"
    with pytest.raises(PlanError):
        bl.update_items(items, {"S0-05": "finished"})


def test_recheck_moves_p80_up_with_the_shipped_reestimates():
    r = bl.recheck_estimate(load_project(), bl.load_backlog().reestimates, n_runs=5000)
    assert (r["weeks_after"] > r["weeks_before"]).all()
    assert (r["cost_after"] > r["cost_before"]).all()
    same = bl.recheck_estimate(load_project(), [], n_runs=5000)
    assert (same["weeks_after"] == same["weeks_before"]).all()


def test_definition_of_done_needs_every_kind():
    done = bl.load_backlog().definition_of_done
    assert set(done) == set(bl.DONE_KINDS) and all(done.values())
    table = bl.definition_of_done_table(done)
    assert list(table.columns) == ["kind", "criterion"]
    with pytest.raises(PlanError, match="notebook"):
        bl.parse_definition_of_done({"data": ["a"], "model": ["b"]})


def test_backlog_table_uses_display_names():
    b = bl.load_backlog()
    table = bl.backlog_table(b.items, names={"dp-adviser": "Data-protection adviser"})
    assert "Data-protection adviser" in set(table["owner"])
    assert table["area"].tolist() == sorted(table["area"], key=bl.AREAS.index)


def test_recheck_reuses_a_baseline_plan():
    from casestudy.plan import plan_project

    project = load_project()
    base = plan_project(project, n_runs=3000)
    changes = bl.load_backlog().reestimates
    reused = bl.recheck_estimate(project, changes, baseline=base)
    assert reused.equals(bl.recheck_estimate(project, changes, n_runs=3000))
