"""The contract of the shipped Bike Shop data: checksums, schema, keys, planted problems,
truth, datasheet and byte-identical regeneration."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from casestudy import DATA_DIR, data, world
from casestudy._data_contracts import TABLES, TRUTH

#: Counts of the planted problems as the datasheet states them (seed 2026, 12,000 people).
DOCUMENTED = {
    "duplicate_customers": 180,
    "test_accounts": 6,
    "missing_birth_date": 480,
    "default_birth_date": 186,
    "messy_postcodes": 960,
    "refund_rows": 3070,
    "gap_month_rows_lost": 277,
    "future_timestamps": 87,
    "store_code_variants": 5244,
}
ROWS = {
    "stores": 5,
    "customers": 12_186,
    "transactions": 102_639,
    "workshop_jobs": 33_655,
    "email_events": 297_240,
}
POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}"
DATASHEET = DATA_DIR / "DATASHEET.md"


@pytest.fixture(scope="module")
def shop() -> data.BikeShop:
    return data.load_bike_shop()


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return data.load_truth()


def sums() -> dict[str, str]:
    lines = (DATA_DIR / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split("  ") for line in lines)}


def test_checksums_match() -> None:
    listed = sums()
    assert set(listed) >= {t.file for t in TABLES.values()} | {TRUTH.file}
    for name, digest in listed.items():
        assert hashlib.sha256((DATA_DIR / name).read_bytes()).hexdigest() == digest, name


def test_total_size_is_small() -> None:
    size = sum((DATA_DIR / name).stat().st_size for name in sums())
    assert size <= 15 * 2**20


def test_tables_load_with_contract_and_row_counts(shop: data.BikeShop) -> None:
    for name, n in ROWS.items():
        assert len(getattr(shop, name)) == n, name


def test_primary_keys_unique(shop: data.BikeShop, truth: pd.DataFrame) -> None:
    for name, spec in TABLES.items():
        assert not getattr(shop, name).duplicated(list(spec.key)).any(), name
    assert not truth.duplicated(["customer_id", "cutoff"]).any()


def test_manifest_matches_datasheet_counts() -> None:
    planted = json.loads((DATA_DIR / "truth" / "planted_problems.json").read_text())
    assert planted == DOCUMENTED


def test_duplicate_customers(shop: data.BikeShop) -> None:
    dups = pd.read_csv(DATA_DIR / "truth" / "duplicates.csv.gz")
    assert len(dups) == DOCUMENTED["duplicate_customers"]
    cust = shop.customers.set_index("customer_id")
    new, old = cust.loc[dups["duplicate_id"]], cust.loc[dups["original_id"]]
    assert (new["date_of_birth"].to_numpy() == old["date_of_birth"].to_numpy()).mean() > 0.9
    assert (new["email"].str.lower().to_numpy() == old["email"].to_numpy()).mean() > 0.5
    assert (new["created_at"].to_numpy() > old["created_at"].to_numpy()).all()


def test_birth_dates(shop: data.BikeShop) -> None:
    dob = shop.customers["date_of_birth"]
    assert dob.isna().sum() == DOCUMENTED["missing_birth_date"]
    assert (dob == "1900-01-01").sum() == DOCUMENTED["default_birth_date"]


def test_store_code_variants(shop: data.BikeShop) -> None:
    codes = shop.transactions["store_code"].astype(str)
    assert (~codes.isin(["CTY", "UNI", "RPK", "CST", "WEB"])).sum() == DOCUMENTED[
        "store_code_variants"
    ]
    assert {"City Centre", "cty", "CTY "} <= set(codes)


def test_refunds_are_negative_amounts(shop: data.BikeShop) -> None:
    assert (shop.transactions["amount_gbp"] < 0).sum() == DOCUMENTED["refund_rows"]


def test_future_timestamps(shop: data.BikeShop) -> None:
    ts = shop.transactions["timestamp"]
    future = shop.transactions[ts > "2026-01-01"]
    assert len(future) == DOCUMENTED["future_timestamps"]
    assert set(future["timestamp"].dt.year) == {2031}
    assert set(future["store_code"].astype(str).str.upper().str[:2]) <= {"CS", "CO"}


def test_missing_month_at_retail_park(shop: data.BikeShop) -> None:
    tx = shop.transactions
    rpk = tx["store_code"].astype(str).isin(["RPK", "rpk", "Retail Park", "R.PK"])
    months = tx.loc[rpk, "timestamp"].dt.to_period("M").value_counts()
    assert months.get(pd.Period("2024-02", "M"), 0) == 0
    assert months[pd.Period("2024-01", "M")] > 100 and months[pd.Period("2024-03", "M")] > 100
    jobs = shop.workshop_jobs
    assert (
        (jobs["store_code"] == "RPK") & (jobs["booked_in"].dt.strftime("%Y-%m") == "2024-02")
    ).sum() > 0  # the workshop system was not migrated


def test_test_accounts(shop: data.BikeShop) -> None:
    c = shop.customers
    tests = c[c["email"].str.contains("@bikeshop.co.uk|@example.com")]
    assert len(tests) == DOCUMENTED["test_accounts"]
    tx = shop.transactions[shop.transactions["customer_id"].isin(tests["customer_id"])]
    assert tx["amount_gbp"].abs().isin([0.0, 0.01, 1.0, 9999.99]).all()


def test_messy_postcodes(shop: data.BikeShop) -> None:
    pc = shop.customers["postcode"]
    assert (~pc.str.fullmatch(POSTCODE)).sum() == DOCUMENTED["messy_postcodes"]


def test_account_status_leaks_the_label(shop: data.BikeShop) -> None:
    status = shop.customers.set_index("customer_id")["account_status"]
    late = data.lapse_labels(shop, "2025-07-01")
    early = data.lapse_labels(shop, "2023-01-01")

    def auc(y: pd.Series) -> float:
        return roc_auc_score(y, (status.reindex(y.index) != "active").astype(int))

    assert auc(late) > 0.9 > auc(early)


def test_truth_agrees_with_labels_from_the_data(shop: data.BikeShop, truth: pd.DataFrame) -> None:
    cuts = data.cutoff_dates()
    assert sorted(truth["cutoff"].unique()) == list(cuts)
    for cut in cuts[::6]:
        both = pd.concat(
            [data.truth_at(truth, cut), data.lapse_labels(shop, cut)], axis=1, join="inner"
        )
        se = np.sqrt((both["p_lapse"] * (1 - both["p_lapse"])).sum()) / len(both)
        # planted problems (duplicates, lost month) blur the labels slightly
        assert abs(both["p_lapse"].mean() - both["lapsed"].mean()) < 4 * se + 0.01, cut


def test_bayes_limit_in_target_range(shop: data.BikeShop, truth: pd.DataFrame) -> None:
    cut = "2024-07-01"
    b = data.bayes_limit(
        data.truth_at(truth, cut),
        data.lapse_labels(shop, cut),
        margin=150.0,
        offer_cost=10.0,
        success_rate=0.3,
    )
    assert 0.75 <= b.auc <= 0.87


def test_datasheet_documents_every_column_and_problem() -> None:
    text = DATASHEET.read_text(encoding="utf-8")
    for section in (
        "Motivation",
        "Composition",
        "Collection",
        "Preprocessing",
        "Uses",
        "Distribution",
        "Maintenance",
    ):
        assert re.search(rf"^## .*{section}", text, re.MULTILINE | re.IGNORECASE), section
    for spec in (*TABLES.values(), TRUTH):
        for col in spec.names:
            assert f"`{col}`" in text, (spec.file, col)
    for count in DOCUMENTED.values():
        assert f"{count:,}" in text, count


def test_regeneration_is_byte_identical(tmp_path) -> None:
    world.write_world(
        world.generate_world(world.SHIPPED_CUSTOMERS, seed=world.SHIPPED_SEED), tmp_path
    )
    assert (tmp_path / "SHA256SUMS").read_text() == (DATA_DIR / "SHA256SUMS").read_text()
