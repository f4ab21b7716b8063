"""The data survey finds every planted problem, raises no false alarm, and works on any frame."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from casestudy import DATA_DIR, survey
from casestudy.data import load_bike_shop


@pytest.fixture(scope="module")
def shop():
    return load_bike_shop()


@pytest.fixture(scope="module")
def findings(shop):
    return survey.survey_bike_shop(shop)


@pytest.fixture(scope="module")
def planted() -> dict[str, int]:
    return json.loads((DATA_DIR / "truth" / "planted_problems.json").read_text())


def by_kind(findings, kind, table=None, column=None):
    hits = [
        f
        for f in findings
        if f.kind == kind
        and (table is None or f.table == table)
        and (column is None or f.column == column)
    ]
    assert len(hits) == 1, f"expected one {kind} finding, got {hits}"
    return hits[0]


@pytest.mark.parametrize(
    ("kind", "table", "column", "planted_key"),
    [
        ("duplicate_customers", "customers", "customer_id", "duplicate_customers"),
        ("test_accounts", "customers", "email", "test_accounts"),
        ("missing_birth_date", "customers", "date_of_birth", "missing_birth_date"),
        ("default_birth_date", "customers", "date_of_birth", "default_birth_date"),
        ("messy_postcodes", "customers", "postcode", "messy_postcodes"),
        ("negative_amounts", "transactions", "amount_gbp", "refund_rows"),
        ("future_dates", "transactions", "timestamp", "future_timestamps"),
        ("inconsistent_codes", "transactions", "store_code", "store_code_variants"),
    ],
)
def test_every_planted_problem_is_found_with_its_count(
    findings, planted, kind, table, column, planted_key
):
    f = by_kind(findings, kind, table, column)
    assert f.count == planted[planted_key]
    assert f.examples and f.advice and f.severity in ("high", "medium", "low", "info")


def test_the_missing_month_is_rpk_february_2024(findings):
    f = by_kind(findings, "missing_month", "transactions")
    assert f.count == 1 and f.examples[0].startswith("RPK 2024-02")


def test_the_leaky_column_is_account_status_with_an_explanation(findings):
    f = by_kind(findings, "leaky_column")
    assert (f.table, f.column) == ("customers", "account_status")
    assert "after the outcome" in f.advice and "AUC" in f.examples[0]


def test_duplicates_match_the_answer_key(shop):
    from casestudy._features_clean import duplicate_map

    truth = pd.read_csv(DATA_DIR / "truth" / "duplicates.csv.gz")
    found = duplicate_map(shop.customers)
    pd.testing.assert_frame_equal(
        found.sort_values("duplicate_id", ignore_index=True),
        truth.sort_values("duplicate_id", ignore_index=True),
        check_dtype=False,
    )


def test_clean_columns_raise_no_alarm(findings):
    flagged = {(f.table, f.column) for f in findings}
    clean = [
        ("customers", c) for c in ("home_store", "distance_km", "created_at", "marketing_opt_in")
    ]
    clean += [("transactions", c) for c in ("transaction_id", "customer_id", "category", "product")]
    clean += [("workshop_jobs", "*"), ("email_events", "*"), ("stores", "*")]
    for table, column in clean:
        hits = {(t, c) for t, c in flagged if t == table and column in ("*", c)}
        assert not hits, f"false alarm on clean column(s) {hits}"


def test_pii_is_found_by_content_not_by_name(shop):
    c = shop.customers
    renamed = pd.DataFrame(
        {
            "c1": c["first_name"],
            "c2": c["email"],
            "c3": c["phone"],
            "c4": c["postcode"],
            "c5": c["date_of_birth"],
            "email": c["home_store"].astype("str"),
            "c7": c["distance_km"],
        }
    )
    found = survey.detect_pii(renamed, reference="2025-12-31")
    assert dict(zip(found["column"], found["pii"], strict=True)) == {
        "c1": "person_name",
        "c2": "email",
        "c3": "phone",
        "c4": "postcode",
        "c5": "date_of_birth",
    }


def test_a_record_date_is_not_a_birth_date(shop):
    found = survey.detect_pii(shop.customers[["created_at"]], reference="2025-12-31")
    assert found.empty


def small_messy_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 40
    df = pd.DataFrame(
        {
            "price": np.round(rng.uniform(10, 20, n), 2),
            "shop": rng.choice(["North", "South"], n),
            "const": "x",
            "seen": pd.date_range("2024-01-01", periods=n, freq="D"),
            "contact": [f"person{i}@mail.com" for i in range(n)],
            "score": rng.normal(0, 1, n),
        }
    )
    df.loc[3, "price"] = 5000.0
    df.loc[5, "price"] = -12.0
    df.loc[7, "shop"] = "north "
    df.loc[9, "seen"] = pd.Timestamp("2031-01-01")
    df.loc[11, "score"] = np.nan
    return pd.concat([df, df.iloc[[0]]], ignore_index=True)


def test_generic_checks_on_a_frame_never_seen():
    found = {
        (f.kind, f.column): f.count
        for f in survey.survey_table(small_messy_frame(), as_of="2025-01-01")
    }
    assert found == {
        ("duplicate_rows", "*"): 1,
        ("missing_values", "score"): 1,
        ("constant_column", "const"): 41,
        ("negative_amounts", "price"): 1,
        ("outliers", "price"): 1,
        ("future_dates", "seen"): 1,
        ("inconsistent_codes", "shop"): 1,
        ("pii", "contact"): 41,
    }


def test_a_clean_public_dataset_gives_no_findings():
    from sklearn.datasets import load_diabetes

    df = load_diabetes(as_frame=True).frame
    assert survey.survey_table(df) == []
    p = survey.profile_table(df)
    assert list(p["column"]) == list(df.columns) and (p["missing"] == 0).all()


def test_profile_and_top_values_are_tidy(shop):
    p = survey.profile_tables(shop)
    assert {"table", "column", "kind", "missing", "distinct", "top_values"} <= set(p.columns)
    assert len(p) == sum(len(getattr(shop, t).columns) for t in survey.TABLE_NAMES)
    kinds = p.set_index(["table", "column"])["kind"]
    assert kinds["workshop_jobs", "technician_notes"] == "text"
    assert kinds["customers", "date_of_birth"] == "datetime"
    tv = survey.top_values(shop.stores, n=2)
    assert list(tv.columns) == ["column", "value", "count", "share"]


def test_report_has_one_row_per_finding_most_severe_first(findings):
    r = survey.survey_report(findings)
    assert len(r) == len(findings)
    order = r["severity"].map({"high": 0, "medium": 1, "low": 2, "info": 3})
    assert order.is_monotonic_increasing
    md = survey.report_markdown(findings)
    assert len(md.splitlines()) == len(findings) + 2
    assert survey.report_html(findings).count("<tr>") == len(findings) + 1


def test_technician_notes_survey(shop):
    t = survey.survey_text(shop.workshop_jobs["technician_notes"])
    share = t.mentions.set_index("term")["notes_share"]
    assert share["chain"] > 0.05 and share["brake"] > 0.05 and share["tyre"] > 0.05
    measures = t.summary.set_index("measure")["value"]
    assert measures["notes"] == len(shop.workshop_jobs) and measures["vocabulary size"] > 20


def test_data_version_is_stable_and_sensitive(shop):
    v = survey.data_version(shop)
    assert v == survey.data_version(load_bike_shop()) and v.startswith("sha256:")
    changed = shop.transactions.copy()
    changed.loc[0, "amount_gbp"] += 0.01
    other = {**{n: getattr(shop, n) for n in survey.TABLE_NAMES}, "transactions": changed}
    assert survey.data_version(other) != v


@pytest.mark.parametrize("bad", [None, [1, 2], "table"])
def test_bad_input_names_the_fix(bad):
    with pytest.raises(TypeError, match="DataFrame"):
        survey.survey_table(bad)
    with pytest.raises(TypeError, match="BikeShop"):
        survey.data_version(bad)


def test_a_fresh_world_gives_its_planted_counts():
    from casestudy.world import generate_world

    w = generate_world(1500, seed=5)
    found = {f.kind: f.count for f in survey.survey_bike_shop(w) if f.kind != "pii"}
    p = w.planted
    assert found["duplicate_customers"] == p["duplicate_customers"] == len(w.duplicates)
    assert found["test_accounts"] == p["test_accounts"]
    assert found["future_dates"] == p["future_timestamps"]
    assert found["inconsistent_codes"] == p["store_code_variants"]
    assert found["negative_amounts"] == p["refund_rows"]
    assert found["messy_postcodes"] == p["messy_postcodes"]
    assert found["missing_birth_date"] == p["missing_birth_date"]
    assert found["default_birth_date"] == p["default_birth_date"]
    assert found["missing_month"] == 1 and "leaky_column" in found


def test_text_signal_compares_with_other_workshop_customers(shop):
    t = survey.text_signal(shop, "2024-01-01", parts=("chain", "battery"))
    assert set(t["term"]) == {"chain", "battery"}
    assert (t["customers"] > 0).all()
    assert t["difference"].tolist() == pytest.approx(
        (t["lapse_rate_mentioned"] - t["lapse_rate_other_jobs"]).tolist()
    )


def test_time_zone_aware_dates_are_handled():
    df = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=30, tz="Europe/London")})
    found = survey.survey_table(df, as_of="2024-01-20")
    assert [(f.kind, f.count) for f in found] == [("future_dates", 10)]


def test_distributions_cover_numeric_columns(shop):
    d = survey.distributions(shop.transactions, bins=5)
    assert set(d["column"]) == {"transaction_id", "customer_id", "amount_gbp"}
    assert d.groupby("column")["count"].sum().eq(len(shop.transactions)).all()


def test_store_month_counts_show_the_lost_month_and_no_other(shop):
    counts = survey.store_month_counts(shop)
    assert list(counts.columns) == ["CST", "CTY", "RPK", "UNI", "WEB"]
    assert counts.index[0] == pd.Timestamp("2021-01-01") and len(counts) == 60
    zeros = counts.stack()[lambda s: s == 0]
    assert zeros.index.tolist() == [(pd.Timestamp("2024-02-01"), "RPK")]
    tx = shop.transactions
    assert counts.to_numpy().sum() == (tx["timestamp"] < pd.Timestamp("2026-01-01")).sum()
    jobs = survey.store_month_counts(shop, table="workshop_jobs")
    assert (jobs > 0).all().all()


def test_store_month_counts_names_the_allowed_tables(shop):
    with pytest.raises(ValueError, match="'table' parameter of store_month_counts"):
        survey.store_month_counts(shop, table="customers")


def test_plot_store_months_marks_the_empty_month(shop):
    fig = survey.plot_store_months(survey.store_month_counts(shop), title="t")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["no RPK rows, Feb 2024"]


def test_shareable_report_keeps_counts_and_drops_personal_details(shop, findings):
    full = survey.survey_report(findings)
    shared = survey.shareable_report(findings)
    assert shared.drop(columns="examples").equals(full.drop(columns="examples"))
    c = shop.customers
    names = set(c["last_name"].str.lower()) | set(c["first_name"].str.lower())
    for kind in survey.PERSONAL_EXAMPLES:
        text = shared.loc[shared["kind"] == kind, "examples"].item()
        assert not set(text.lower().replace(";", " ").split()) & names, text
    dup = shared.loc[shared["kind"] == "duplicate_customers", "examples"].item()
    assert dup.startswith("102113 = 101184")
    keep = shared["kind"] != "duplicate_customers"
    keep &= shared["kind"] != "messy_postcodes"
    assert shared.loc[keep, "examples"].equals(full.loc[keep, "examples"])
