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
