"""casestudy.decide on a small synthetic split: criteria, selection, records, the Bayes gap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from casestudy import decide as dd
from casestudy import models as mm
from casestudy._decide_criteria import banded, quantitative_score
from casestudy._models_build import toy_split

MITCHELL = [
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
]


@pytest.fixture(scope="module")
def toy() -> mm.SplitData:
    return toy_split(n=500, random_state=1)


@pytest.fixture(scope="module")
def results(toy: mm.SplitData) -> dict[str, mm.ModelResult]:
    out = {}
    pipes = {**mm.baseline_rules(), **mm.candidate_models()}
    for name in ("rule: base rate", "rule: recency", "logistic", "hgb"):
        r = mm.fit_and_score(pipes[name], toy, name=name, n_resamples=30)
        r = mm.ModelResult(
            r.name, r.model, r.params, r.on, r.metrics, r.scores, run_id=f"run-{len(out)}"
        )
        out[name] = mm.rescore(r, toy, n_resamples=30)
    return out


@pytest.fixture(scope="module")
def selection(results, toy) -> dd.Selection:
    return dd.select_model(results, toy, n_resamples=50)


# --- criteria ----------------------------------------------------------------------------------


def test_shipped_criteria_weights_sum_to_one_and_cover_the_brief() -> None:
    c = dd.load_selection_criteria()
    assert set(c.table.index) == {
        "auc",
        "pr_auc",
        "brier",
        "value",
        "explainability",
        "running_cost",
        "latency",
        "maintainability",
        "fairness",
    }
    assert c.table["weight"].sum() == pytest.approx(1.0)


def _write(tmp_path: Path, change) -> Path:
    content = yaml.safe_load(
        (Path(dd.__file__).parents[2] / "data/bike_shop/project/selection.yaml").read_text()
    )
    change(content)
    path = tmp_path / "selection.yaml"
    path.write_text(yaml.safe_dump(content))
    return path


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda c: c["criteria"]["auc"].update(weight=0.5), "sum to 1; they sum to 1.350"),
        (
            lambda c: c["criteria"].update(speed={"kind": "qualitative", "weight": 0.0}),
            r"unknown criteria \['speed'\]",
        ),
        (lambda c: c["rubric"].pop("latency"), r"no rubric for \['latency'\]"),
    ],
)
def test_bad_criteria_files_are_rejected(tmp_path: Path, change, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        dd.load_selection_criteria(_write(tmp_path, change))


def test_rubric_helpers() -> None:
    assert banded(0.04, [[0.05, 5], [0.1, 4]]) == 5
    assert banded(float("nan"), [[0.05, 5]]) == 1
    s = quantitative_score(pd.Series([0.80, 0.79, 0.70]), better="higher", tolerance=0.05)
    assert s.round(2).tolist() == [5.0, 4.2, 1.0]
    s = quantitative_score(pd.Series([0.17, 0.18]), better="lower", tolerance=0.02)
    assert s.round(6).tolist() == [5.0, 3.0]


# --- selection ---------------------------------------------------------------------------------


def test_criteria_table_has_every_criterion(results, toy) -> None:
    t = dd.criteria_table(results, toy)
    for col in (
        "auc",
        "auc_low",
        "pr_auc",
        "brier",
        "value",
        "model_size",
        "score_depth",
        "tpr_gap_age",
        "explainability",
        "maintainability",
    ):
        assert col in t.columns
    assert t.loc["logistic", "explainability"] == 5 and t.loc["hgb", "explainability"] == 2


def test_selection_picks_an_eligible_model_and_explains_it(selection, results) -> None:
    assert selection.choice in {"logistic", "hgb"}
    assert selection.choice in selection.eligible
    assert all(not n.startswith("rule") for n in selection.eligible)
    assert selection.scores.index[0] in (
        selection.choice,
        *[n for n in results if n.startswith("rule")],
    )
    text = " ".join(selection.reasons)
    assert f"{results[selection.choice].metrics['auc']:.3f}" in text
    assert selection.runner_up is not None and selection.runner_up in text


def test_selection_refuses_when_no_model_beats_the_rules(results, toy) -> None:
    weak = {k: v for k, v in results.items() if k.startswith("rule")}
    worse = results["rule: base rate"]
    weak["logistic"] = mm.ModelResult(
        "logistic", worse.model, {}, "test", {**worse.metrics}, worse.scores
    )
    with pytest.raises(ValueError, match="No candidate beats the best baseline rule"):
        dd.select_model(weak, toy)


def test_register_champion_needs_a_tracked_run(selection) -> None:
    untracked = dd.Selection(
        selection.choice,
        None,
        [],
        selection.table.assign(run_id=None),
        selection.scores,
        selection.eligible,
    )
    with pytest.raises(ValueError, match="has no run id"):
        dd.register_champion(untracked)


# --- the Bayes gap -----------------------------------------------------------------------------


def _truth(toy: mm.SplitData, noise: float) -> pd.DataFrame:
    part = toy.test
    rng = np.random.default_rng(0)
    p = np.clip(part.y.to_numpy() * 0.6 + 0.2 + rng.normal(0, noise, len(part.y)), 0, 1)
    return pd.DataFrame(
        {
            "customer_id": part.keys["customer_id"].to_numpy(),
            "cutoff": part.X.index.get_level_values("cutoff"),
            "p_lapse": p,
        }
    )


def test_bayes_gap_against_a_near_perfect_truth(results, toy) -> None:
    gap = dd.bayes_gap(results["logistic"], toy, truth=_truth(toy, 0.05))
    assert gap.auc_limit > 0.95 and gap.auc_gap > 0
    assert gap.value_limit_expected >= gap.value_model_expected
    assert "gap" in str(gap) and gap.n_customers == len(toy.test.y)


def test_bayes_gap_names_missing_customers(results, toy) -> None:
    truth = _truth(toy, 0.05).iloc[5:]
    with pytest.raises(ValueError, match="5 of 500 customers of the part have no true probability"):
        dd.bayes_gap(results["logistic"], toy, truth=truth)


# --- records -----------------------------------------------------------------------------------


def test_decision_record_carries_choice_numbers_and_provenance(selection, toy) -> None:
    md = dd.decision_record(
        selection,
        data_version="sha256:abc",
        date="2026-01-15",
        split=toy.split,
        risks=["The till upgrade in March."],
    )
    assert "2026-01-15" in md and "sha256:abc" in md and selection.choice in md
    for heading in ("## Why", "## Alternatives considered", "## Risks"):
        assert heading in md
    assert "The till upgrade in March." in md
    assert all(name in md for name in selection.table.index)


def test_model_card_has_the_mitchell_sections_and_groups(results, toy) -> None:
    md = dd.model_card(results["logistic"], toy, data_version="sha256:abc", date="2026-01-15")
    positions = [md.index(f"## {s}") for s in MITCHELL]
    assert positions == sorted(positions)
    for group in ("### By age band", "### By gender", "### By postcode area"):
        assert group in md
    assert f"{results['logistic'].metrics['auc']:.3f}" in md
    assert "- Calibration (tenths of the score)" in md


def test_fairness_by_group_pools_small_groups(results, toy) -> None:
    t = dd.fairness_by_group(
        results["logistic"], toy, columns=("postcode_area",), min_count=10_000
    )["postcode_area"]
    assert list(t.index[:1]) == ["other"]


def test_checklist_statuses(selection, results, toy) -> None:
    c = dd.post_modelling_checklist(selection, toy, results=results)
    assert c.columns.tolist() == ["item", "status", "evidence"]
    assert set(c["status"]) <= {"done", "attention", "to do"}
    status = dict(zip(c["item"], c["status"], strict=True))
    assert status["Beats the best baseline rule on test AUC"] == "done"
    assert status["Model registered as champion"] == "to do"
    assert status["Every candidate tracked with its data version"] == "done"


# --- the chapter 7-8 explorers ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["model-complexity", "threshold-value", "fairness-thresholds", "ab-planner"]
)
def test_selection_explorers_meet_the_contract(name: str) -> None:
    from casestudy import selection_explorers  # noqa: F401  (registers the explorers)
    from casestudy.explorable import get

    explorer = get(name)
    assert explorer.n_views <= 40
    views = explorer.precompute()  # every grid point, within the page budget
    assert not any(v.error for v in views.values())
    default = explorer.params_at(explorer.default_index())
    assert get(name).summary_at(**default) == views[explorer.default_index()].summary


@pytest.mark.slow
def test_threshold_value_summary_matches_evaluate() -> None:
    from casestudy import evaluate as ev
    from casestudy import selection_explorers as se
    from casestudy.plan.value import load_value_assumptions

    s, a = se.explorer_scores(), load_value_assumptions()
    out = ev.targeting_outcome(s.y, s.p, threshold=0.5, capacity=a.capacity, offer_cost=12.0)
    summary = se.threshold_value_view(0.5, 12.0).summary
    assert f"£{out.value:,.0f} a month" in summary
    assert f"Precision {out.precision:.2f}" in summary


def test_feature_limit_is_near_the_truth_when_the_truth_follows_the_features(toy) -> None:
    from sklearn.metrics import roc_auc_score

    frames = []
    for part in (toy.train, toy.test):
        logit = -1.0 + 0.008 * part.X["recency_days"] - 0.25 * part.X["visits_365d"]
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": part.keys["customer_id"].to_numpy(),
                    "cutoff": part.X.index.get_level_values("cutoff"),
                    "p_lapse": 1 / (1 + np.exp(-logit.to_numpy())),
                }
            )
        )
    limit = dd.feature_limit_auc(toy, truth=pd.concat(frames))
    truth_auc = roc_auc_score(toy.test.y, frames[1]["p_lapse"])
    assert limit == pytest.approx(truth_auc, abs=0.03)


# --- determinism and provenance ----------------------------------------------------------------


def test_running_cost_and_latency_are_counts_not_timings(results, toy) -> None:
    t = dd.criteria_table(results, toy)
    again = dd.criteria_table(results, toy)
    pd.testing.assert_frame_equal(t, again)
    assert t.loc["logistic", "model_size"] < t.loc["hgb", "model_size"]
    assert t.loc["rule: recency", "score_depth"] <= t.loc["logistic", "score_depth"]


def test_stable_provenance_names_versions_not_run_ids(selection, results, toy) -> None:
    kw = {"data_version": "sha256:x", "date": "2026-01-15", "code_version": "0.1.0+gabc"}
    stable = dd.decision_record(selection, experiment="ch08", version=3, **kw)
    full = dd.decision_record(selection, experiment="ch08", version=3, provenance="full", **kw)
    runs = [r.run_id for r in results.values()]
    assert not any(r in stable or r[:8] in stable for r in runs)
    assert results[selection.choice].run_id in full
    assert "ch08" in stable and "version 3" in stable and "0.1.0+gabc" in stable
    card = dd.model_card(results[selection.choice], toy, **kw)
    assert results[selection.choice].run_id not in card and "0.1.0+gabc" in card
    with pytest.raises(ValueError, match="'provenance' parameter of model_card"):
        dd.model_card(results[selection.choice], toy, provenance="ids", **kw)


def test_true_probabilities_follow_the_part_order(toy) -> None:
    truth = _truth(toy, 0.05)
    p = dd.true_probabilities(toy.test, truth=truth)
    np.testing.assert_array_equal(p, truth["p_lapse"].to_numpy())


def test_ab_test_rates_of_the_invited(results, toy) -> None:
    r = results[next(n for n in results if not n.startswith("rule"))]
    control, uplift = dd.ab_test_rates(toy.test.y, r.scores, threshold=r.metrics["threshold"])
    assert 0 <= control <= 1 and 0 <= uplift <= 1 - control
