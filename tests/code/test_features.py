# ruff: noqa: N812  (F follows the scikit-learn habit)
"""The feature pipeline: cleaning steps, behaviour of features, no look-ahead, labels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from casestudy import features as F
from casestudy.data import BikeShop, lapse_labels, load_bike_shop
from casestudy.world import generate_world

CUT = pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def shop() -> BikeShop:
    return load_bike_shop()


@pytest.fixture(scope="module")
def table(shop) -> F.ModellingTable:
    return F.build_modelling_table(shop, CUT)


@pytest.fixture(scope="module")
def world():
    return generate_world(600, seed=11)


def test_cleaning_log_counts_every_step(shop):
    log = F.clean_tables(shop).log
    assert log["duplicate_customers_merged"] == 180
    assert log["test_accounts_removed"] == 6
    assert log["transactions_future_rows_dropped"] == 87
    assert log["missing_store_months"] == 1
    assert log["refund_rows_kept_as_negative_spend"] > 0


def test_clean_tables_normalise_codes_and_drop_tests(shop):
    ct = F.clean_tables(shop)
    assert set(ct.transactions["store_code"].astype("str")) <= {"CTY", "UNI", "RPK", "CST", "WEB"}
    assert not ct.transactions["customer_id"].isin(ct.duplicates["duplicate_id"]).any()
    assert ct.transactions["timestamp"].max() <= pd.Timestamp("2025-12-31 23:59:59")
    assert not ct.customers["email"].str.contains("bikeshop.co.uk").any()


def test_no_pii_and_no_account_status_in_X(table):
    assert "account_status" not in table.X.columns
    pii_names = {
        "first_name",
        "last_name",
        "email",
        "phone",
        "postcode",
        "date_of_birth",
        "customer_id",
        "gender",
    }
    assert not pii_names & set(table.X.columns)
    assert list(table.X.columns) == list(F.FEATURES)


def test_keys_are_stable_salted_hashes(table, shop):
    again = F.build_modelling_table(shop, CUT)
    assert table.X.index.equals(again.X.index)
    ids = table.keys["customer_id"].to_numpy()
    assert (F.pseudonymise(ids) == table.X.index.to_numpy()).all()
    assert not table.X.index.isin(ids.astype(str)).any()


def test_label_agrees_with_the_data_module(table, shop):
    y = lapse_labels(F.clean_tables(shop), CUT)
    assert len(y) == len(table.y)
    assert (y.reindex(table.keys["customer_id"]).to_numpy() == table.y.to_numpy()).all()


def test_audit_frame_is_separate_and_aligned(table):
    assert list(table.audit.columns) == ["age_band", "gender", "postcode_area"]
    assert table.audit.index.equals(table.X.index)
    assert table.audit.notna().all().all()


def add_rows(df: pd.DataFrame, rows: dict) -> pd.DataFrame:
    extra = pd.DataFrame(rows)
    for col in df.columns:
        if col in extra and isinstance(df[col].dtype, pd.CategoricalDtype):
            extra[col] = pd.Categorical(extra[col], categories=df[col].cat.categories)
    return pd.concat([df, extra[df.columns]], ignore_index=True)


def after_cut_changed(w, cut: pd.Timestamp):
    """Change, delete and add records dated on or after ``cut``."""
    tx, jobs, mail, cust = w.transactions, w.workshop_jobs, w.email_events, w.customers
    late = tx["timestamp"] >= cut
    tx = tx.assign(amount_gbp=np.where(late, tx["amount_gbp"] * 3, tx["amount_gbp"]))
    tx = tx.loc[~(late & (tx.index % 2 == 0))]
    some = int(cust["customer_id"].iloc[5])
    tx = add_rows(
        tx,
        {
            "transaction_id": [10**9],
            "customer_id": [some],
            "store_code": ["UNI"],
            "timestamp": [cut],
            "category": ["bike"],
            "product": ["road"],
            "amount_gbp": [999.0],
        },
    )
    jobs = jobs.loc[jobs["booked_in"] < cut + pd.Timedelta(days=40)]
    mail = mail.loc[~((mail["timestamp"] >= cut) & (mail["event"] == "open"))]
    new = cust.iloc[[0]].assign(customer_id=10**8, created_at=cut + pd.Timedelta(days=3))
    cust = pd.concat([cust, new], ignore_index=True)
    return replace(w, transactions=tx, workshop_jobs=jobs, email_events=mail, customers=cust)


@pytest.mark.parametrize("cut", ["2022-06-01", "2024-03-01"])
def test_nothing_after_the_cutoff_changes_the_features(world, cut):
    cut = pd.Timestamp(cut)
    before = F.build_modelling_table(world, cut, label=False)
    after = F.build_modelling_table(after_cut_changed(world, cut), cut, label=False)
    pd.testing.assert_frame_equal(before.X, after.X)
    pd.testing.assert_frame_equal(before.audit, after.audit)


def with_visit(w, customer_id: int, when: pd.Timestamp, amount: float):
    tx = add_rows(
        w.transactions,
        {
            "transaction_id": [10**9],
            "customer_id": [customer_id],
            "store_code": ["CTY"],
            "timestamp": [when],
            "category": ["parts"],
            "product": ["chain"],
            "amount_gbp": [amount],
        },
    )
    return replace(w, transactions=tx)


def row_of(table, customer_id):
    key = F.pseudonymise([customer_id])[0]
    return table.X.loc[key]


def test_a_visit_yesterday_means_recency_one(world):
    cid = int(world.customers["customer_id"].iloc[10])
    t = F.build_modelling_table(with_visit(world, cid, CUT - pd.Timedelta(hours=14), 20.0), CUT)
    assert row_of(t, cid)["recency_days"] == 1
    assert (t.X["recency_days"] >= 1).all() and (t.X["recency_days"] <= 365).all()


def test_a_refund_lowers_spend_but_is_not_a_visit(world):
    base = F.build_modelling_table(world, CUT)
    cid = int(base.keys["customer_id"].iloc[0])
    before = row_of(base, cid)
    after = row_of(
        F.build_modelling_table(with_visit(world, cid, CUT - pd.Timedelta(days=3), -50.0), CUT), cid
    )
    assert after["spend_365d"] == pytest.approx(before["spend_365d"] - 50.0, abs=1e-6)
    assert after["visits_365d"] == before["visits_365d"]
    assert after["recency_days"] == before["recency_days"]


def test_a_duplicate_is_merged_into_its_original(world):
    t = F.build_modelling_table(world, "2025-06-01")
    assert not t.keys["customer_id"].isin(world.duplicates["duplicate_id"]).any()


def test_the_missing_month_is_filled_in_at_the_store_rate(shop):
    ct = F.clean_tables(shop, cutoff="2024-06-01")
    assert ct.gaps[["store", "rows"]].values.tolist() == [["RPK", 0]]
    from casestudy._features_build import gap_factor

    stores = ["CTY", "UNI", "RPK", "CST", "WEB"]
    codes = np.array([2, 0])  # RPK, CTY
    w = gap_factor(
        codes,
        ct.gaps,
        start=pd.Timestamp("2024-03-03"),
        stop=pd.Timestamp("2024-06-01"),
        stores=stores,
    )
    assert w.tolist() == [1.0, 1.0]  # the window does not contain February
    w = gap_factor(
        codes,
        ct.gaps,
        start=pd.Timestamp("2023-06-02"),
        stop=pd.Timestamp("2024-06-01"),
        stores=stores,
    )
    assert w[0] == pytest.approx(365 / (365 - 29)) and w[1] == 1.0


def test_training_set_stacks_cutoffs(shop):
    ts = F.build_training_set(shop, ["2024-01-01", "2024-02-01"])
    assert list(ts.X.index.names) == ["cutoff", "key"]
    assert ts.X.index.is_unique and ts.y.index.equals(ts.X.index)
    one = F.build_modelling_table(shop, "2024-02-01")
    pd.testing.assert_frame_equal(ts.X.xs(pd.Timestamp("2024-02-01")), one.X)


def test_rolling_cutoffs_keep_label_windows_apart():
    for fold in F.rolling_cutoffs(n_folds=3, n_train=4):
        assert max(fold.train) + pd.Timedelta(days=180) <= fold.test
        assert len(fold.train) == 4


def test_label_window_past_the_export_is_refused(shop):
    with pytest.raises(ValueError, match="label=False"):
        F.build_modelling_table(shop, "2025-09-01")
    t = F.build_modelling_table(shop, "2025-09-01", label=False)
    assert (t.y == -1).all()


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-01-01 10:00", None])
def test_bad_cutoff_is_a_clear_error(shop, bad):
    with pytest.raises(ValueError, match="'cutoff' parameter of build_modelling_table"):
        F.build_modelling_table(shop, bad)


def test_missing_table_or_column_is_named(shop):
    with pytest.raises(TypeError, match="'stores' DataFrame"):
        F.build_modelling_table(object(), CUT)
    broken = replace(shop, transactions=shop.transactions.drop(columns="amount_gbp"))
    with pytest.raises(ValueError, match=r"'transactions' lacks column\(s\) \['amount_gbp'\]"):
        F.build_modelling_table(broken, CUT)


def test_leak_helper_shows_a_too_good_model(shop):
    demo = F.leaky_naive_model_score(shop, n_resamples=50)
    assert demo.auc_with.value > 0.95 > 0.85 > demo.auc_without.value
    assert demo.check.iloc[0]["feature"] == "account_status" and demo.check.iloc[0]["leaky"]
