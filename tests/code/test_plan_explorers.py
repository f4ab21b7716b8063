"""The planning explorers: pure views with honest summaries, registered factories, light pages."""

from __future__ import annotations

import pytest

from casestudy import explorable, plan


def test_value_view_states_the_value_model_numbers() -> None:
    v = plan.value_view(0.8, 12)
    value = plan.policy_value(plan.precision_recall_at_k(0.8, 400)[0], 400).value
    assert f"£{value:,.0f} a month" in v.summary
    assert v.figure is not None and v.alt and v.table is not None


def test_estimate_view_states_percentiles_and_the_rule() -> None:
    v = plan.estimate_view("assessed", 4)
    assert "P50" in v.summary and "P95" in v.summary and "244 person-days" in v.summary
    assert v.figure is not None and v.alt


def test_estimate_view_for_an_impossible_team_is_a_message() -> None:
    assert "too small" in plan.estimate_view("assessed", 1).message
    with pytest.raises(plan.PlanError, match="'scenario'"):
        plan.estimate_view("everything", 4)


def test_factories_are_registered_with_coarse_grids() -> None:
    explorable.load_all(("casestudy.plan",))
    for name, shape in (("model-value", (7, 5)), ("estimate-factors", (5, 3))):
        explorer = explorable.registry()[name]()
        assert explorer.name == name and explorer.shape == shape
        assert explorer.n_views <= 40


@pytest.mark.slow
@pytest.mark.parametrize("name", ["model-value", "estimate-factors"])
def test_explorer_pages_fit_the_budget(name: str) -> None:
    explorable.load_all(("casestudy.plan",))
    explorer = explorable.get(name)
    views = explorer.precompute()
    assert len(views) == explorer.n_views
    assert not any(v.error for v in views.values())
