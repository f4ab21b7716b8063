"""The value model against hand computations, and precision at k from a model's AUC."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from matplotlib.figure import Figure

from casestudy import plan
from casestudy.plan import PlanError, ValueAssumptions

A = ValueAssumptions(
    active_customers=1000,
    base_rate=0.2,
    margin=100.0,
    offer_cost=5.0,
    success_rate=0.5,
    blanket_cost=1.0,
    blanket_success_rate=0.1,
    capacity=50,
)


def test_policy_value_matches_the_formula_by_hand() -> None:
    v = plan.policy_value(0.4, 100, assumptions=A)
    # 40 lapsers reached of 200; 20 kept; 20 * 100 - 100 * 5
    assert (v.reached, v.kept, v.revenue, v.cost, v.value) == (40.0, 20.0, 2000.0, 500.0, 1500.0)
    assert v.recall == pytest.approx(0.2)


def test_impossible_precision_is_an_error_with_the_numbers() -> None:
    with pytest.raises(PlanError, match=r"reaches 240 lapsers.*only 200 lapse"):
        plan.policy_value(0.8, 300, assumptions=A)
    with pytest.raises(PlanError, match="loyal"):  # 1000 invited at precision 0 > 800 loyal
        plan.policy_value(0.0, 1000, assumptions=A)
    with pytest.raises(PlanError, match="'invitations'"):
        plan.policy_value(0.2, 1001, assumptions=A)
    with pytest.raises(PlanError, match=r"'precision' \(1\.2\) must be in \[0, 1\]"):
        plan.policy_value(1.2, 10, assumptions=A)


def test_compare_policies_by_hand() -> None:
    t = plan.compare_policies(0.5, 100, assumptions=A).set_index("policy")
    assert t.loc["no action", "value"] == 0
    # blanket: 200 lapsers * 0.1 kept * 100 - 1000 * 1
    assert t.loc["blanket e-mail", "value"] == pytest.approx(1000.0)
    assert t.loc["random targeting", "value"] == pytest.approx(20 * 0.5 * 100 - 500)
    assert t.loc["model", "value"] == pytest.approx(50 * 0.5 * 100 - 500)
    assert t.loc["perfect targeting", "value"] == pytest.approx(100 * 0.5 * 100 - 500)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_rate", -0.1),
        ("success_rate", 2.0),
        ("margin", -1.0),
        ("active_customers", 0),
        ("capacity", 2.5),
    ],
)
def test_assumptions_are_validated(field: str, value: float) -> None:
    with pytest.raises(PlanError) as err:
        replace(A, **{field: value})
    assert err.value.field == field


def test_value_yaml_matches_the_defaults_and_rejects_unknown_fields(tmp_path) -> None:
    assert plan.load_value_assumptions() == ValueAssumptions()
    path = tmp_path / "value.yaml"
    path.write_text(yaml.safe_dump({"margin": 150.0, "margn": 1}))
    with pytest.raises(PlanError, match="'margn'"):
        plan.load_value_assumptions(path)


def test_precision_at_k_for_a_chance_model_is_the_base_rate() -> None:
    p, r = plan.precision_recall_at_k(0.5, 100, assumptions=A)
    assert p == pytest.approx(0.2, abs=1e-6)
    assert r == pytest.approx(0.1, abs=1e-6)


def test_precision_at_k_rises_with_auc_and_falls_with_k() -> None:
    ps = [plan.precision_recall_at_k(auc, 400)[0] for auc in (0.6, 0.7, 0.8, 0.9)]
    assert ps == sorted(ps)
    assert plan.precision_recall_at_k(0.8, 200)[0] > plan.precision_recall_at_k(0.8, 2000)[0]


def test_expected_and_simulated_precision_agree_and_simulation_is_seeded() -> None:
    expected = plan.precision_recall_at_k(0.75, 400)[0]
    sims = [plan.precision_recall_at_k(0.75, 400, method="simulated", seed=s)[0] for s in range(20)]
    assert sum(sims) / len(sims) == pytest.approx(expected, abs=0.02)
    again = plan.precision_recall_at_k(0.75, 400, method="simulated", seed=3)[0]
    assert again == sims[3]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"auc": 0.4}, "auc"),
        ({"auc": 1.0}, "auc"),
        ({"invitations": 0}, "invitations"),
        ({"method": "magic"}, "method"),
    ],
)
def test_precision_at_k_rejects_bad_input(kwargs: dict, field: str) -> None:
    args = {"auc": 0.7, "invitations": 100, **kwargs}
    method = args.pop("method", "expected")
    with pytest.raises(PlanError) as err:
        plan.precision_recall_at_k(args["auc"], args["invitations"], method=method)
    assert err.value.field == field


def test_value_vs_auc_is_tidy_and_consistent_with_policy_value() -> None:
    t = plan.value_vs_auc((0.6, 0.7, 0.8), invitations=(200, 400))
    assert list(t.columns) == ["auc", "invitations", "precision", "recall", "kept", "value"]
    assert len(t) == 6
    row = t[(t["auc"] == 0.7) & (t["invitations"] == 400)].iloc[0]
    assert row["value"] == pytest.approx(plan.policy_value(row["precision"], 400).value)


def test_bike_shop_value_story() -> None:
    """Random invitations lose money, a model at AUC 0.7 and 0.8 earns it, blanket e-mail loses."""
    t = plan.value_vs_auc((0.7, 0.8), invitations=(400,)).set_index("auc")["value"]
    assert 4000 < t[0.7] < t[0.8] < 9600
    policies = plan.compare_policies(0.5, 400).set_index("policy")["value"]
    assert policies["random targeting"] < 0 and policies["blanket e-mail"] < 0


def test_value_curve_covers_policies_and_perfect_is_best() -> None:
    c = plan.value_curve(0.8, points=10)
    wide = c.pivot(index="invitations", columns="policy", values="value")
    assert (wide["perfect targeting"] >= wide["model"] - 1e-9).all()
    assert (wide["model"] >= wide["random targeting"] - 1e-9).all()


def test_value_figures() -> None:
    fig = plan.plot_value_vs_auc(plan.value_vs_auc(invitations=(400,)))
    assert isinstance(fig, Figure) and fig.axes[0].get_xlabel() == "Model quality (ROC AUC)"
    assert isinstance(plan.plot_value_curve(plan.value_curve(0.7, points=5)), Figure)
