"""casestudy.models on a small synthetic split (fast); the tracked search on a scratch store."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from casestudy import models as mm
from casestudy._models_build import subset, toy_split


@pytest.fixture(scope="module")
def toy() -> mm.SplitData:
    return toy_split(n=500, random_state=0)


# --- the time split ----------------------------------------------------------------------------


@pytest.mark.parametrize("n_train", [1, 3, 6])
def test_time_split_only_uses_labels_known_at_each_step(n_train: int) -> None:
    s = mm.time_split(test=("2025-06-01", "2025-07-01"), n_train=n_train)
    horizon = pd.Timedelta(days=180)
    assert len(s.train) == n_train
    assert max(s.train) + horizon <= s.validation
    assert s.validation + horizon <= min(s.test)
    assert s.cutoffs == sorted(s.cutoffs) and len(s.cutoffs) == n_train + 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_train": 0}, "'n_train' parameter of time_split must be an int >= 1. Got 0"),
        ({"test": ("2025-07-15",)}, "first days of months"),
        ({"test": ()}, "first days of months"),
    ],
)
def test_time_split_rejects_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mm.time_split(**kwargs)


def test_subset_names_a_missing_cutoff(toy: mm.SplitData) -> None:
    with pytest.raises(ValueError, match=r"no rows at cut-off\(s\) \['2030-01-01'\]"):
        subset(toy.train, ["2030-01-01"])


def test_split_parts_do_not_share_cutoffs(toy: mm.SplitData) -> None:
    cuts = [
        set(p.X.index.get_level_values("cutoff")) for p in (toy.train, toy.validation, toy.test)
    ]
    assert not (cuts[0] & cuts[1]) and not (cuts[1] & cuts[2]) and not (cuts[0] & cuts[2])


# --- models ------------------------------------------------------------------------------------


def test_candidates_are_pipelines_with_a_column_transformer() -> None:
    models = mm.candidate_models(random_state=3)
    assert set(models) >= {"logistic", "hgb", "random_forest"}
    for m in models.values():
        assert isinstance(m, Pipeline)
        assert isinstance(m.steps[0][1], ColumnTransformer)
    assert models["random_forest"].named_steps["model"].random_state == 3


def test_candidate_models_rejects_a_bad_seed() -> None:
    with pytest.raises(ValueError, match="'random_state' parameter of candidate_models"):
        mm.candidate_models(random_state=-1)


def test_binned_rate_rule_learns_rates_and_checks_input() -> None:
    x = pd.DataFrame({"recency_days": [1, 2, 3, 300, 310, 320]})
    rule = mm.BinnedRateRule(n_bins=2)
    with pytest.raises(NotFittedError):
        rule.predict_proba(x)
    rule.fit(x, [0, 0, 0, 1, 1, 1])
    assert rule.predict(x).tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="column 'recency_days'"):
        rule.predict_proba(x.rename(columns={"recency_days": "r"}))
    with pytest.raises(ValueError, match="X has 6 rows but y has 2"):
        mm.BinnedRateRule().fit(x, [0, 1])


def test_fit_and_score_returns_metrics_and_chooses_the_threshold_on_validation(
    toy: mm.SplitData,
) -> None:
    model = mm.candidate_models()["logistic"]
    val = mm.fit_and_score(model, toy, name="logistic", n_resamples=50)
    test = mm.fit_and_score(model, toy, name="logistic", on="test", n_resamples=50)
    expected = {
        "auc",
        "auc_low",
        "auc_high",
        "pr_auc",
        "brier",
        "value",
        "threshold",
        "train_auc",
        "gap",
        "model_size",
        "score_depth",
    }
    assert expected <= set(val.metrics)
    assert val.metrics["auc_low"] <= val.metrics["auc"] <= val.metrics["auc_high"]
    assert test.metrics["threshold"] == val.metrics["threshold"]
    assert len(test.scores) == len(toy.test.y)
    assert test.metrics["gap"] == pytest.approx(test.metrics["train_auc"] - test.metrics["auc"])


def test_fit_and_score_rejects_an_unknown_part(toy: mm.SplitData) -> None:
    with pytest.raises(ValueError, match="'on' parameter of fit_and_score"):
        mm.fit_and_score(mm.candidate_models()["logistic"], toy, name="x", on="train")


def test_rescore_keeps_run_threshold_and_model(toy: mm.SplitData) -> None:
    r = mm.fit_and_score(mm.baseline_rules()["rule: recency"], toy, name="rule", n_resamples=20)
    r = mm.ModelResult(r.name, r.model, r.params, r.on, r.metrics, r.scores, run_id="abc")
    t = mm.rescore(r, toy, n_resamples=20)
    assert (t.on, t.run_id, t.model) == ("test", "abc", r.model)
    assert t.metrics["threshold"] == r.metrics["threshold"]


def test_search_without_tracking_fits_every_setting(toy: mm.SplitData) -> None:
    grid = {"logistic": [{"model__C": 1.0}, {"model__C": 0.1}]}
    s = mm.hyperparameter_search(toy, grid=grid, track=False, n_resamples=20, progress=False)
    assert s.table["model"].tolist() == [*mm.baseline_rules(), "logistic", "logistic"]
    assert s.table["param_C"].dropna().tolist() == [1.0, 0.1]
    assert set(mm.best_results(s)) == {*mm.baseline_rules(), "logistic"}


def test_search_rejects_an_unknown_model(toy: mm.SplitData) -> None:
    with pytest.raises(ValueError, match=r"unknown model\(s\) \['svm'\]"):
        mm.hyperparameter_search(toy, grid={"svm": [{}]}, track=False)


@pytest.mark.slow
def test_search_tracks_every_run(toy: mm.SplitData, tmp_path) -> None:
    from casestudy.tracking import load_run_model, runs_table

    grid = {"logistic": [{"model__C": 1.0}], "hgb": [{"model__max_iter": 20}]}
    s = mm.hyperparameter_search(toy, grid=grid, root=tmp_path, n_resamples=20, progress=False)
    runs = runs_table(mm.EXPERIMENT, root=tmp_path)
    assert len(runs) == len(s.results) == len(mm.baseline_rules()) + 2
    assert set(runs["run_id"]) == {r.run_id for r in s.results}
    assert runs["has_model"].all() and runs["data_version"].str.startswith("sha256:").all()
    assert set(runs["params.model_name"]) == {*mm.baseline_rules(), "logistic", "hgb"}
    assert "metrics.val_auc" in runs.columns
    hgb = next(r for r in s.results if r.name == "hgb")
    loaded = load_run_model(hgb.run_id, root=tmp_path)
    np.testing.assert_allclose(mm.lapse_probability(loaded, toy.validation.X), hgb.scores)
    mm.hyperparameter_search(toy, grid=grid, root=tmp_path, n_resamples=20, progress=False)
    again = mm.tracked_results(toy, root=tmp_path)  # the latest run of each setting
    assert len(again.results) == len(s.results)
    assert {r.name for r in again.results} == {r.name for r in s.results}
    back = next(r for r in again.results if r.name == "hgb")
    assert back.metrics["auc"] == pytest.approx(hgb.metrics["auc"])
    np.testing.assert_allclose(back.scores, hgb.scores)
    other = toy_split(n=100, random_state=5)
    with pytest.raises(ValueError, match="has a model trained on data version"):
        mm.tracked_results(other, root=tmp_path)


# --- curves, seeds, smells ----------------------------------------------------------------------


def test_learning_curve_columns_and_sizes(toy: mm.SplitData) -> None:
    t = mm.learning_curve(mm.candidate_models()["logistic"], toy, fractions=(0.25, 1.0))
    assert t.columns.tolist() == ["fraction", "n_train", "train_auc", "validation_auc"]
    assert t["n_train"].tolist() == [round(0.25 * len(toy.train.y)), len(toy.train.y)]
    with pytest.raises(ValueError, match="'fractions' parameter of learning_curve"):
        mm.learning_curve(mm.candidate_models()["logistic"], toy, fractions=(0.0,))


def test_plot_learning_curve_draws_both_curves_per_model(toy: mm.SplitData) -> None:
    t = mm.learning_curve(mm.candidate_models()["logistic"], toy, fractions=(0.5, 1.0))
    fig = mm.plot_learning_curve({"logistic": t, "again": t})
    assert len(fig.axes[0].lines) == 4 and fig.axes[0].get_xscale() == "log"


def test_plot_learning_curve_reference_line_and_plain_ticks(toy: mm.SplitData) -> None:
    t = mm.learning_curve(mm.candidate_models()["logistic"], toy, fractions=(0.5, 1.0))
    ax = mm.plot_learning_curve({"logistic": t}, reference={"Bayes limit": 0.83}).axes[0]
    assert "Bayes limit" in [h.get_label() for h in ax.lines]
    assert list(ax.get_xticks()) == sorted(t["n_train"])
    labels = [ax.xaxis.get_major_formatter()(v, 0) for v in ax.get_xticks()]
    assert labels == [f"{n:,}" for n in sorted(t["n_train"])]


def test_model_size_and_score_depth_are_counts(toy: mm.SplitData) -> None:
    models = mm.candidate_models()
    fitted = {n: mm.fit_and_score(models[n], toy, name=n, n_resamples=10) for n in models}
    size = {n: r.metrics["model_size"] for n, r in fitted.items()}
    assert size["logistic"] < size["hgb"] and size["logistic"] < size["random_forest"]
    again = mm.fit_and_score(models["hgb"], toy, name="hgb", n_resamples=10)
    assert again.metrics["score_depth"] == fitted["hgb"].metrics["score_depth"]


def test_complexity_curve_grid_and_gap(toy: mm.SplitData) -> None:
    t = mm.complexity_curve(toy, max_leaf_nodes=(3, 15), n_iter=(5, 20), max_rows=500)
    assert len(t) == 4
    np.testing.assert_allclose(t["gap"], t["train_auc"] - t["validation_auc"])
    big = t[(t["max_leaf_nodes"] == 15) & (t["n_iter"] == 20)].iloc[0]
    small = t[(t["max_leaf_nodes"] == 3) & (t["n_iter"] == 5)].iloc[0]
    assert big["train_auc"] > small["train_auc"]  # more capacity fits training data better


def test_seed_sensitivity_logistic_has_no_spread(toy: mm.SplitData) -> None:
    t = mm.seed_sensitivity("logistic", toy, seeds=(0, 1))
    assert t.attrs["spread"] == 0.0
    with pytest.raises(ValueError, match="'name' parameter of seed_sensitivity"):
        mm.seed_sensitivity("svm", toy, seeds=(0,))


def test_leakage_check_flags_a_feature_that_restates_the_label(toy: mm.SplitData) -> None:
    assert mm.leakage_check(toy).clean
    leaky = toy.train.X.assign(status=toy.train.y.to_numpy())
    table = mm.ModellingTable(X=leaky, y=toy.train.y, audit=toy.train.audit, keys=toy.train.keys)
    data = mm.SplitData(toy.split, table, toy.validation, toy.test)
    report = mm.leakage_check(data)
    assert not report.clean and report.features.iloc[0]["feature"] == "status"
    smells = mm.smell_checks(
        pd.DataFrame({"model": ["a"], "auc": [0.8], "train_auc": [0.8], "gap": [0.0]}),
        leakage=report,
    )
    assert smells.loc[0, "status"] == "smells"


def test_data_version_changes_with_the_labels(toy: mm.SplitData) -> None:
    t = toy.train
    flipped = mm.ModellingTable(X=t.X, y=1 - t.y, audit=t.audit, keys=t.keys)
    assert mm.data_version_of(t) == mm.data_version_of(t)
    assert mm.data_version_of(t) != mm.data_version_of(flipped)


def test_import_has_no_side_effects(tmp_path) -> None:
    code = (
        "import sys, casestudy.models, casestudy.decide, casestudy.selection_explorers; "
        "print('mlflow' in sys.modules)"
    )
    env = {"CASESTUDY_TRACKING_DIR": str(tmp_path), "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []
