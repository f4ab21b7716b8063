# ruff: noqa: N806, N812  (X and F/B follow the scikit-learn habit)
"""Data tests of the clean modelling table: the contract, behaviour and leakage."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from casestudy import features as F
from casestudy.data import load_bike_shop

CUTOFFS = ["2022-06-01", "2024-01-01", "2025-07-01"]


@pytest.fixture(scope="module")
def shop():
    return load_bike_shop()


@pytest.fixture(scope="module", params=CUTOFFS)
def table(request, shop):
    return F.build_modelling_table(shop, request.param)


def test_table_meets_its_contract(table):
    assert F.validate_modelling_table(table) is table


def test_keys_are_unique_and_labels_binary(table):
    assert table.X.index.is_unique
    assert set(table.y.unique()) == {0, 1}
    assert table.keys["customer_id"].is_unique


def test_no_column_of_X_is_pii_by_content(table):
    from casestudy.survey import detect_pii

    assert detect_pii(table.X).empty


def test_recency_and_activity_are_consistent(table):
    X = table.X
    assert (X["recency_days"] >= 1).all() and (X["recency_days"] <= 365).all()
    recent = X["recency_days"] <= 90
    assert (X.loc[recent, "visits_90d"] >= 1).all()
    assert (X.loc[~recent, "visits_90d"] == 0).all()
    assert (X["purchases_365d"] <= X["visits_365d"] + 1e-9).all()


def test_no_single_feature_leaks(table):
    check = F.check_no_leakage(table.X, table.y)
    assert not check["leaky"].any(), check.head()


def test_the_leak_check_catches_account_status(shop):
    t = F.build_modelling_table(shop, "2025-07-01")
    status = shop.customers.set_index("customer_id")["account_status"]
    X = t.X.assign(account_status=status.reindex(t.keys["customer_id"]).to_numpy())
    check = F.check_no_leakage(X, t.y).set_index("feature")
    assert check.loc["account_status", "leaky"]
    assert check["leaky"].sum() == 1


def test_contract_rejects_a_broken_table(shop):
    t = F.build_modelling_table(shop, "2024-01-01")
    bad = t.X.copy()
    bad.iloc[0, bad.columns.get_loc("recency_days")] = -3
    bad["email_open_rate_180d"] = bad["email_open_rate_180d"].astype(float)
    bad.iloc[1, bad.columns.get_loc("email_open_rate_180d")] = 1.5
    with pytest.raises(pa.errors.SchemaErrors) as info:
        F.validate_modelling_table(F.ModellingTable(bad, t.y, t.audit, t.keys))
    failed = set(info.value.failure_cases["column"])
    assert {"recency_days", "email_open_rate_180d"} <= failed


def test_contract_rejects_pii_and_duplicate_keys(shop):
    t = F.build_modelling_table(shop, "2024-01-01")
    with pytest.raises(pa.errors.SchemaErrors):
        F.validate_modelling_table(
            F.ModellingTable(
                t.X.assign(email=shop.customers["email"].iloc[: len(t.X)].to_numpy()),
                t.y,
                t.audit,
                t.keys,
            )
        )
    dup = pd.concat([t.X.iloc[:2], t.X.iloc[:1]])
    with pytest.raises(ValueError, match="duplicate keys"):
        F.validate_modelling_table(
            F.ModellingTable(
                dup, t.y.reindex(dup.index), t.audit.reindex(dup.index), t.keys.reindex(dup.index)
            )
        )
