"""Tasks, factors, the Monte Carlo estimate and the rule of thumb."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from matplotlib.figure import Figure

from casestudy import plan
from casestudy.plan import PlanError, Task

TASK = {
    "id": "T1",
    "name": "data survey",
    "phase": "sprint-1",
    "group": "data",
    "role": "data-scientist",
    "min": 4,
    "likely": 6,
    "max": 8,
}
EVERYONE = dict.fromkeys(plan.ROLES, 1.0)


@pytest.fixture(scope="module")
def tasks() -> tuple[Task, ...]:
    return plan.load_tasks()


@pytest.fixture(scope="module")
def factors() -> tuple[plan.Factor, ...]:
    return plan.load_factors()


def test_shipped_tasks_span_the_lifecycle(tasks) -> None:
    assert 20 <= len(tasks) <= 35
    assert {t.phase for t in tasks} == set(plan.PHASES)
    assert all(0 <= t.min <= t.likely <= t.max for t in tasks)
    assert {t.role for t in tasks} == set(plan.ROLES)


def test_the_error_message_from_the_issue() -> None:
    with pytest.raises(PlanError) as err:
        plan.parse_tasks([{**TASK, "min": 12, "likely": 10}])
    assert str(err.value).startswith("Task 'data survey': 'min' (12) must not exceed 'max' (8).")
    assert "min <= likely <= max" in str(err.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min": -1, "likely": 0}, "min"),
        ({"likely": 9}, "likely"),
        ({"role": "wizard"}, "role"),
        ({"phase": "sprint-4"}, "phase"),
        ({"group": "misc"}, "group"),
        ({"max": None}, "max"),
        ({"max": "eight"}, "max"),
    ],
)
def test_bad_tasks_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(PlanError) as err:
        plan.parse_tasks([{**TASK, **change}])
    assert err.value.field == field
    assert "Task 'data survey'" in str(err.value)


def test_factor_table_is_validated(factors) -> None:
    assert [f.id for f in factors if f.doubling] == [
        "complex-data",
        "big-data",
        "distributed-compute",
    ]
    assert all(f.multiplier == 2.0 for f in factors if f.doubling)
    bad = {"id": "x", "label": "X", "multiplier": 1.5, "applies_to": ["nonsense"]}
    with pytest.raises(PlanError, match="'applies_to' \\('nonsense'\\)"):
        plan.parse_factors([bad])
    with pytest.raises(PlanError, match=r"'multiplier' \(0\.5\)"):
        plan.parse_factors([{**bad, "applies_to": ["data"], "multiplier": 0.5}])
    with pytest.raises(PlanError, match="'doubling'"):
        plan.parse_factors([{**bad, "applies_to": ["data"], "doubling": "yes"}])
    with pytest.raises(PlanError, match="'ids' \\('huge-data'\\)"):
        plan.select_factors(factors, ["huge-data"])


def test_rule_of_thumb_settings_load() -> None:
    assert plan.load_rule_of_thumb() == plan.RuleOfThumb(2.0, 20.0)


def test_factor_multipliers_apply_to_their_groups_and_compound(tasks, factors) -> None:
    on = plan.select_factors(factors, ["complex-data", "dirty-data", "big-data"])
    m = dict(zip([t.group for t in tasks], plan.task_multipliers(tasks, on), strict=False))
    assert m["data"] == pytest.approx(2.0 * 1.3 * 2.0)
    assert m["modelling"] == pytest.approx(2.0)
    assert m["engineering"] == pytest.approx(2.0)
    assert m["ux"] == 1.0
    base = plan.expected_effort(tasks)
    more = plan.expected_effort(tasks, on)
    data = base["group"] == "data"
    assert np.allclose(more.loc[data, "effort_days"], base.loc[data, "effort_days"] * 5.2)


def test_expected_effort_is_the_pert_and_triangular_mean() -> None:
    t = plan.parse_tasks([TASK | {"min": 2, "likely": 3, "max": 10}])
    assert plan.expected_effort(t)["effort_days"].item() == pytest.approx(4.0)
    assert plan.expected_effort(t, method="triangular")["effort_days"].item() == pytest.approx(5.0)


@pytest.mark.parametrize("method", ["pert", "triangular"])
def test_sampling_is_seeded_bounded_and_has_the_right_mean(tasks, method: str) -> None:
    draws = plan.sample_effort(tasks, n_runs=50_000, seed=7, method=method)
    again = plan.sample_effort(tasks, n_runs=50_000, seed=7, method=method)
    assert np.array_equal(draws, again)
    assert not np.array_equal(
        draws, plan.sample_effort(tasks, n_runs=50_000, seed=8, method=method)
    )
    lo = np.array([t.min for t in tasks])
    hi = np.array([t.max for t in tasks])
    assert (draws >= lo - 1e-9).all() and (draws <= hi + 1e-9).all()
    mean = plan.expected_effort(tasks, method=method)["effort_days"].to_numpy()
    assert np.abs(draws.mean(axis=0) - mean).max() < 0.05


def test_fixed_tasks_always_take_their_time() -> None:
    t = plan.parse_tasks([TASK | {"min": 3, "likely": 3, "max": 3}])
    for method in ("pert", "triangular"):
        assert np.all(plan.sample_effort(t, n_runs=100, method=method) == 3.0)


def test_correlation_widens_the_total_but_keeps_the_mean(tasks) -> None:
    independent = plan.sample_effort(tasks, n_runs=40_000, seed=1).sum(axis=1)
    shared = plan.sample_effort(tasks, n_runs=40_000, seed=1, correlation=0.5).sum(axis=1)
    assert shared.std() > 2 * independent.std()
    assert shared.mean() == pytest.approx(independent.mean(), rel=0.01)
    with pytest.raises(PlanError, match="'correlation'"):
        plan.sample_effort(tasks, correlation=1.5)


def test_schedule_rule_by_hand() -> None:
    effort = np.array([[[10.0, 5.0], [0.0, 20.0]], [[5.0, 5.0], [10.0, 0.0]]])
    weeks = plan.schedule_weeks(effort, np.array([1.0, 0.5]))
    # run 1: max(10/5, 5/2.5) + max(0, 20/2.5) = 2 + 8; run 2: max(1, 2) + max(2, 0) = 4
    assert weeks.tolist() == [10.0, 4.0]


def test_simulation_is_deterministic_and_percentiles_ordered(tasks) -> None:
    a = plan.simulate_project(tasks, team=EVERYONE, n_runs=20_000, seed=5)
    b = plan.simulate_project(tasks, team=EVERYONE, n_runs=20_000, seed=5)
    assert np.array_equal(a.effort, b.effort) and np.array_equal(a.weeks, b.weeks)
    s = plan.summarise(a, day_rates=dict.fromkeys(plan.ROLES, 500.0))
    for column in ("effort_days", "weeks", "cost"):
        assert s[column].is_monotonic_increasing
    assert s.loc["P50", "cost"] == pytest.approx(500 * s.loc["P50", "effort_days"], rel=1e-9)


def test_factors_raise_effort_and_bigger_teams_finish_sooner(tasks, factors) -> None:
    plain = plan.simulate_project(tasks, team=EVERYONE, n_runs=5000)
    hard = plan.simulate_project(
        tasks, team=EVERYONE, n_runs=5000, factors=plan.select_factors(factors, ["complex-data"])
    )
    double = plan.simulate_project(tasks, team=dict.fromkeys(plan.ROLES, 2.0), n_runs=5000)
    assert np.median(hard.effort) > np.median(plain.effort)
    assert np.allclose(double.weeks, plain.weeks / 2)
    assert np.allclose(double.effort, plain.effort)


def test_team_with_a_missing_role_or_unknown_role_is_an_error(tasks) -> None:
    with pytest.raises(PlanError, match=r"'ux-designer' \(0.0\) is zero, but tasks"):
        plan.simulate_project(tasks, team={**EVERYONE, "ux-designer": 0}, n_runs=10)
    with pytest.raises(PlanError, match="'role' \\('wizard'\\)"):
        plan.simulate_project(tasks, team={**EVERYONE, "wizard": 1.0}, n_runs=10)
    with pytest.raises(PlanError, match="'fte' \\(-1\\)"):
        plan.simulate_project(tasks, team={**EVERYONE, "ux-designer": -1}, n_runs=10)


def test_rule_of_thumb_doubles_and_doubles_again(tasks, factors) -> None:
    base = sum(t.likely for t in tasks)
    assert plan.rule_of_thumb(tasks)["effort_days"] == 2 * base
    three = plan.select_factors(
        factors, ["complex-data", "big-data", "distributed-compute", "dirty-data"]
    )
    r = plan.rule_of_thumb(tasks, three)
    assert r["multiplier"] == 16.0 and r["effort_days"] == 16 * base and r["much_bigger"]
    small = plan.parse_tasks([TASK])
    assert plan.rule_of_thumb(small)["much_bigger"] is False


def test_compare_with_rule_of_thumb_returns_both_numbers(tasks) -> None:
    sim = plan.simulate_project(tasks, team=EVERYONE, n_runs=5000)
    t = plan.compare_with_rule_of_thumb(sim, tasks).set_index("method")["effort_days"]
    assert t["rule of thumb (x2)"] == 2 * sum(x.likely for x in tasks)
    assert t["simulation P50"] == pytest.approx(np.percentile(sim.effort, 50))


def test_phase_table_and_effort_plot(tasks) -> None:
    table = plan.phase_table(tasks)
    assert list(table.index) == list(plan.PHASE_LABELS.values())
    assert table.to_numpy().sum() == pytest.approx(plan.expected_effort(tasks)["effort_days"].sum())
    sim = plan.simulate_project(tasks, team=EVERYONE, n_runs=1000)
    fig = plan.plot_effort_distribution(sim, measure="effort_days", rule_days=244)
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 4
    with pytest.raises(PlanError, match="'measure'"):
        plan.plot_effort_distribution(sim, measure="days")


def test_load_tasks_from_a_file(tmp_path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text(yaml.safe_dump({"tasks": [TASK]}))
    assert plan.load_tasks(path)[0].name == "data survey"
    path.write_text(yaml.safe_dump({"tasks": []}))
    with pytest.raises(PlanError, match="must not be empty"):
        plan.load_tasks(path)


def test_an_unquoted_comma_in_a_task_name_is_caught(tmp_path) -> None:
    """In YAML's one-line form, `name: A, B` silently becomes name 'A' plus a key 'B'."""
    path = tmp_path / "tasks.yaml"
    path.write_text(
        "tasks:\n  - {id: T1, name: Ethics, privacy re-check, phase: sprint-1,"
        " group: governance, role: product-owner, min: 1, likely: 2, max: 4}\n"
    )
    with pytest.raises(PlanError, match="'privacy re-check' \\(None\\) is not a known field"):
        plan.load_tasks(path)


def test_shipped_task_names_are_whole() -> None:
    names = {t.id: t.name for t in plan.load_tasks()}
    assert names["T16"] == "Ethics, privacy and security re-check"
