"""The first look at the data: gaps, lapse rates and the lapse-definition explorer."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from casestudy import eda
from casestudy.data import lapse_labels


def _tables(purchases: dict[int, list[str]]) -> SimpleNamespace:
    rows = [(cid, pd.Timestamp(day)) for cid, days in purchases.items() for day in days]
    tx = pd.DataFrame(rows, columns=["customer_id", "timestamp"]).assign(amount_gbp=10.0)
    jobs = pd.DataFrame({"customer_id": pd.Series([], dtype="int64"),
                         "booked_in": pd.to_datetime(pd.Series([], dtype="str"))})  # fmt: skip
    return SimpleNamespace(transactions=tx, workshop_jobs=jobs)


def test_visit_gaps_measures_days_before_and_after_the_cutoff():
    tables = _tables({1: ["2023-12-01", "2024-02-15"], 2: ["2023-01-10"]})
    gaps = eda.visit_gaps(tables, [pd.Timestamp("2024-01-01")]).set_index("customer_id")
    assert gaps.loc[1, "since"] == 31 and gaps.loc[1, "until"] == 45
    assert gaps.loc[2, "since"] == 356 and np.isnan(gaps.loc[2, "until"])


def test_lapse_rates_agree_with_the_official_label():
    tables = _tables({
        1: ["2023-06-01", "2024-03-01"], 2: ["2023-07-01"], 3: ["2022-01-01", "2024-01-05"],
        4: ["2023-12-31", "2024-06-28"],
    })  # fmt: skip
    cutoff = pd.Timestamp("2024-01-01")
    rates = eda.lapse_rates(eda.visit_gaps(tables, [cutoff]), horizon_days=180, active_days=365)
    labels = lapse_labels(tables, cutoff)
    assert rates.loc[cutoff, "active"] == len(labels)
    assert rates.loc[cutoff, "lapse_rate"] == pytest.approx(labels.mean())


def test_lapse_rates_drop_cutoffs_whose_window_runs_past_the_history():
    gaps = pd.DataFrame({"customer_id": [1, 1], "since": [10, 10], "until": [np.nan, np.nan],
                         "cutoff": pd.to_datetime(["2025-01-01", "2025-09-01"])})  # fmt: skip
    assert list(eda.lapse_rates(gaps, horizon_days=180).index) == [pd.Timestamp("2025-01-01")]


@pytest.mark.parametrize("bad", [{"horizon_days": 0}, {"active_days": -5}])
def test_lapse_rates_reject_empty_windows(bad):
    with pytest.raises(ValueError, match="positive windows"):
        eda.lapse_rates(pd.DataFrame(columns=["cutoff", "since", "until"]), **bad)


def test_a_longer_horizon_means_fewer_lapses_on_the_shipped_data():
    gaps = eda._shipped_gaps()
    short = eda.lapse_rates(gaps, horizon_days=90)["lapse_rate"].mean()
    long = eda.lapse_rates(gaps, horizon_days=360)["lapse_rate"].mean()
    assert short > long


def test_the_view_states_the_numbers_it_plots():
    view = eda.lapse_definition_view(180, 365)
    rates = eda.lapse_rates(eda._shipped_gaps(), horizon_days=180, active_days=365)
    assert f"{rates['lapse_rate'].mean():.0%}" in view.summary
    assert "180 days" in view.summary and view.alt


def test_headlines_and_monthly_visits_cover_the_whole_history():
    from casestudy.data import load_bike_shop

    tables = load_bike_shop()
    h = eda.headline_numbers(tables)
    monthly = eda.monthly_visits(tables)
    assert h.customers == len(tables.customers) and h.net_sales_gbp > 0
    assert len(monthly) == 60 and monthly.index.max() == pd.Timestamp("2025-12-01")


# --- chapter 6: exploration of the cleaned data and the ethics re-check ----------------------


@pytest.fixture(scope="module")
def cleaned():
    from casestudy.data import load_bike_shop
    from casestudy.features import clean_tables

    return clean_tables(load_bike_shop())


@pytest.fixture(scope="module")
def sprint1_table():
    from casestudy.baselines import SPRINT1_CUTOFF
    from casestudy.data import load_bike_shop
    from casestudy.features import build_modelling_table

    return build_modelling_table(load_bike_shop(), SPRINT1_CUTOFF)


def test_seasonality_index_averages_one_and_shows_each_shops_peak(cleaned):
    season = eda.seasonality_by_shop(cleaned)
    assert season.groupby("store_code")["index"].mean().round(9).eq(1).all()
    idx = season.set_index(["store_code", "month"])["index"]
    assert idx["CST"].idxmax() in (7, 8) and idx["UNI"].idxmax() in (9, 10)


def test_lapse_by_counts_and_interval_contain_the_rate():
    out = eda.lapse_by([1, 0, 0, 1, 1, 1], ["b", "a", "a", "b", "b", "a"], name="shop")
    assert out["shop"].tolist() == ["a", "b"] and out["customers"].tolist() == [3, 3]
    assert (out["low"] <= out["lapse_rate"]).all() and (out["lapse_rate"] <= out["high"]).all()
    with pytest.raises(ValueError, match="no missing group"):
        eda.lapse_by([1, 0], ["a", None])


def test_who_lapses_covers_every_customer_per_driver(sprint1_table):
    w = eda.who_lapses(sprint1_table)
    assert set(w["driver"]) == set(eda.WHO_LAPSES)
    assert (w.groupby("driver")["customers"].sum() == len(sprint1_table.y)).all()
    freq = w[w["driver"] == "visits in the past year"]["lapse_rate"]
    assert freq.is_monotonic_decreasing


def test_journeys_measure_days_to_the_next_job_and_bike():
    tx = pd.DataFrame({
        "customer_id": [1, 1, 2], "category": ["bike", "bike", "bike"],
        "product": ["road", "e-bike", "kids"], "amount_gbp": [900.0, 2500.0, 200.0],
        "timestamp": pd.to_datetime(["2023-01-01", "2024-01-01", "2023-06-01"]),
    })  # fmt: skip
    jobs = pd.DataFrame(
        {"customer_id": [1, 1], "booked_in": pd.to_datetime(["2023-01-01", "2023-03-02"])}
    )
    j = eda.bike_journeys(SimpleNamespace(transactions=tx, workshop_jobs=jobs))
    first = j[j["bike"] == "road"].iloc[0]
    assert first["days_to_workshop"] == 60 and first["days_to_next_bike"] == 365
    assert np.isnan(j[j["bike"] == "kids"].iloc[0]["days_to_workshop"])


def test_visit_intervals_are_gaps_between_distinct_days(cleaned):
    gaps = eda.visit_intervals(cleaned)
    assert gaps.min() >= 1 and len(gaps) > 10_000


def test_group_profile_rejects_a_feature_column(sprint1_table):
    with pytest.raises(ValueError, match="'attribute' parameter of group_profile"):
        eda.group_profile(sprint1_table, "recency_days")
    age = eda.group_profile(sprint1_table, "age_band")
    assert age["share"].sum() == pytest.approx(1.0)


def test_postcode_carries_no_signal_but_home_shop_does(sprint1_table):
    s = eda.postcode_signal(sprint1_table)
    assert s.loc["postcode area", "p_value"] > 0.05 > s.loc["home shop", "p_value"]


def test_ethics_recheck_states_the_numbers_and_leaves_the_input_alone(sprint1_table):
    from casestudy.plan.ethics import load_ethics_checklist

    checks = load_ethics_checklist()
    new = {c.id: c for c in eda.ethics_recheck(checks, sprint1_table)}
    age = eda.group_profile(sprint1_table, "age_band").set_index("group")
    assert f"{age.loc['18-29', 'lapse_rate']:.0%}" in new["E5"].answer
    assert new["E9"].status == "ok" and [c.status for c in checks if c.id == "E9"] == ["blocker"]
    decided = eda.feature_decisions()
    assert set(decided["check"].str.split(", ").explode()) <= set(new)
