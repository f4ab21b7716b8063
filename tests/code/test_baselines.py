# ruff: noqa: N806, N812  (X and F/B follow the scikit-learn habit)
"""Baseline rules are scored like models and sit below the Bayes limit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casestudy import baselines as B
from casestudy.data import bayes_limit, load_bike_shop, load_truth, truth_at
from casestudy.evaluate import roc_auc_score_ci
from casestudy.features import build_modelling_table, build_training_set

CUT = "2024-01-01"


@pytest.fixture(scope="module")
def table():
    return build_modelling_table(load_bike_shop(), CUT)


@pytest.fixture(scope="module")
def truth():
    return load_truth()


@pytest.fixture(scope="module")
def comparison(table, truth):
    return B.compare_baselines(table, truth=truth, n_resamples=200)


def test_one_row_per_rule_with_intervals(comparison):
    assert comparison["rule"].tolist() == [
        "no visit in 3 months",
        "no visit in 6 months",
        "no visit in 9 months",
        "no visit in 12 months",
        "RFM score",
        "Bayes limit (true probabilities)",
    ]
    assert (comparison["auc_low"] <= comparison["auc"]).all()
    assert (comparison["auc"] <= comparison["auc_high"]).all()


def test_rules_are_better_than_chance_and_below_the_bayes_limit(comparison):
    auc = comparison.set_index("rule")["auc"]
    bayes = auc["Bayes limit (true probabilities)"]
    assert 0.6 < auc["no visit in 6 months"] < auc["RFM score"] < bayes < 0.9


def test_twelve_months_invites_no_active_customer(comparison):
    row = comparison.set_index("rule").loc["no visit in 12 months"]
    assert row["invited"] == 0 and row["value"] == 0


def test_auc_is_evaluates_bootstrap_auc_of_recency(table, comparison):
    est = roc_auc_score_ci(table.y, table.X["recency_days"], n_resamples=200)
    row = comparison.iloc[0]
    assert (row["auc"], row["auc_low"], row["auc_high"]) == (est.value, est.low, est.high)


def test_bayes_row_matches_data_bayes_limit(table, truth, comparison):
    p = truth_at(truth, CUT)
    y = pd.Series(table.y.to_numpy(), index=table.keys["customer_id"].to_numpy())
    limit = bayes_limit(p, y, margin=180.0, offer_cost=12.0, success_rate=0.2)
    row = comparison.set_index("rule").loc["Bayes limit (true probabilities)"]
    assert row["auc"] == pytest.approx(limit.auc)
    assert row["invited"] == limit.n_invited
    assert row["value"] == pytest.approx(limit.realised_value)


def test_rfm_score_range_and_direction(table):
    s = B.rfm_score(table.X)
    assert s.between(3, 15).all() and s.index.equals(table.X.index)
    assert np.corrcoef(s, table.X["recency_days"])[0, 1] > 0


def test_recency_rule_threshold():
    X = pd.DataFrame({"recency_days": [30, 31, 200], "visits_365d": 1, "spend_365d": 0.0})
    assert B.recency_rule(X, months=1).tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="'months' parameter of recency_rule"):
        B.recency_rule(X, months=0)


def test_bad_tables_are_refused():
    with pytest.raises(TypeError, match=r"ModellingTable\.X"):
        B.compare_baselines(object())
    ts = build_training_set(load_bike_shop(), ["2024-01-01", "2024-02-01"])
    with pytest.raises(ValueError, match="one-cut-off table"):
        B.compare_baselines(ts, truth=load_truth(), n_resamples=20)


# --- chapter 6: the recency trade-off and its explorer --------------------------------------


@pytest.fixture(scope="module")
def tradeoff(table, truth):
    return B.recency_tradeoff(table, truth=truth)


def test_longer_gaps_invite_fewer_more_precisely(tradeoff):
    rules = tradeoff[tradeoff["months"].notna()]
    assert rules["invited"].is_monotonic_decreasing
    assert rules["precision"].iloc[:-1].is_monotonic_increasing  # 12 months invites nobody


def test_capped_value_scales_down_to_the_workshop_capacity(tradeoff):
    r = tradeoff.set_index("policy").loc["no visit in 3 months"]
    assert r["invited"] > 400
    assert r["value_at_capacity"] == pytest.approx(r["value"] * 400 / r["invited"])


def test_bayes_rows_match_compare_baselines(tradeoff, comparison):
    t = tradeoff.set_index("policy")
    c = comparison.set_index("rule").loc["Bayes limit (true probabilities)"]
    assert t.loc["Bayes limit", "invited"] == c["invited"]
    assert t.loc["Bayes limit, top 400", "value"] == pytest.approx(c["value_at_k"])


def test_recency_explorer_summary_matches_its_table():
    from casestudy.explorable import get

    e = get("recency-rule")
    assert e.shape == (12,)
    t = B._shipped_tradeoffs()[12.0].set_index("months").loc[6]
    assert f"{t['invited']:,.0f} customers" in e.summary_at(months=6)
    assert "invites nobody" in e.summary_at(months=12)
    assert "-£" in B.recency_rule_view(6, 24.0).summary  # a dearer offer loses money


def test_explorer_for_a_table_in_memory_keeps_the_name_only_for_the_shipped_cutoff(truth):
    mt = build_modelling_table(load_bike_shop(), B.SPRINT1_CUTOFF)
    assert B.recency_rule_explorer_for(mt, truth=truth).name == "recency-rule"
    other = build_modelling_table(load_bike_shop(), CUT)
    assert B.recency_rule_explorer_for(other, truth=truth).name is None


def test_recency_views_are_fast():
    import time

    B._shipped_tradeoffs()
    start = time.process_time()
    B.recency_rule_view(6, 12.0)
    assert time.process_time() - start < 0.1


def test_baseline_figure_has_one_point_per_distinct_auc(comparison):
    fig = B.plot_baseline_comparison(comparison, expected_auc=0.75)
    assert len(fig.axes[0].get_yticklabels()) == comparison["auc"].nunique()
