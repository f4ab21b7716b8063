"""Unit tests of the Bike Shop generator: determinism, truth, rhythms, scenarios, CLI."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from casestudy import world
from casestudy._world_people import traits
from casestudy._world_run import simulate
from casestudy._world_sim import HORIZON_DAYS, Calendar
from casestudy.data import lapse_labels, truth_at

N_SMALL = 2_000


@pytest.fixture(scope="module")
def small() -> world.World:
    return world.generate_world(N_SMALL, seed=7)


@pytest.fixture(scope="module")
def clean_run() -> dict[str, np.ndarray]:
    """The raw simulation of 20,000 people: clean visits and the exact truth."""
    cal = Calendar.between(world.START, world.END)
    rng = np.random.default_rng(11)
    people = traits(20_000, cal, rng)
    cut = set(range(12, 55, 3))
    rec, _ = simulate(people, cal, cutoff_months=cut, scenario=world.Scenario(), rng=rng)
    return {"cal": cal, "n": 20_000, **rec}


def realised(run: dict, month: int) -> tuple[np.ndarray, np.ndarray]:
    """(true p, realised lapse 0/1) of the people active at cut-off ``month``."""
    sel = run["truth_month"] == month
    who, p = run["truth_person"][sel], run["truth_p"][sel]
    start = run["cal"].first_day[month]
    inside = (run["visit_day"] >= start) & (run["visit_day"] < start + HORIZON_DAYS)
    back = np.zeros(run["n"], bool)
    back[run["visit_person"][inside]] = True
    return p, (~back[who]).astype(int)


def pooled(run: dict) -> tuple[np.ndarray, np.ndarray]:
    """True p and realised labels pooled over all recorded cut-offs."""
    parts = [realised(run, m) for m in np.unique(run["truth_month"])]
    return np.concatenate([p for p, _ in parts]), np.concatenate([y for _, y in parts])


def test_same_seed_same_world(small: world.World) -> None:
    again = world.generate_world(N_SMALL, seed=7)
    for name in ("customers", "transactions", "workshop_jobs", "email_events", "truth"):
        pd.testing.assert_frame_equal(getattr(small, name), getattr(again, name))


def test_other_seed_other_world(small: world.World) -> None:
    other = world.generate_world(N_SMALL, seed=8)
    assert not small.transactions["amount_gbp"].equals(other.transactions["amount_gbp"])


def test_true_p_matches_realised_rate_at_each_cutoff(clean_run: dict) -> None:
    for month in np.unique(clean_run["truth_month"]):
        p, y = realised(clean_run, month)
        se = np.sqrt(np.sum(p * (1 - p))) / len(p)
        assert abs(p.mean() - y.mean()) < 4 * se, (month, p.mean(), y.mean())


def test_true_p_is_calibrated_by_decile(clean_run: dict) -> None:
    p, y = pooled(clean_run)
    decile = np.minimum((pd.Series(p).rank(pct=True).to_numpy() * 10).astype(int), 9)
    for d in range(10):
        pd_, yd = p[decile == d], y[decile == d]
        se = np.sqrt(np.sum(pd_ * (1 - pd_))) / len(pd_)
        # pooled cut-offs share people, so allow a wider band than independent draws would
        assert abs(pd_.mean() - yd.mean()) < 6 * se + 0.005, (d, pd_.mean(), yd.mean())


def test_bayes_auc_and_base_rate_in_target_range(clean_run: dict) -> None:
    p, y = pooled(clean_run)
    assert 0.75 <= roc_auc_score(y, p) <= 0.87
    assert 0.30 <= y.mean() <= 0.47


def test_truth_covers_exactly_the_active_customers(small: world.World) -> None:
    cut = world.cutoff_dates()[10]
    labels = lapse_labels(small, cut)
    truth = truth_at(small.truth, cut)
    tester = ids_of_testers(small)
    dups = set(small.duplicates["duplicate_id"])
    from_data = set(labels.index) - set(tester) - dups
    # duplicates move visits to the new id, so a few originals look inactive in the data
    assert len(from_data ^ set(truth.index)) <= 0.03 * len(truth)
    assert small.truth.duplicated(["customer_id", "cutoff"]).sum() == 0
    assert small.truth["p_lapse"].between(0, 1).all()


def test_tables_have_documented_columns(small: world.World) -> None:
    assert list(small.transactions.columns) == [
        "transaction_id",
        "customer_id",
        "store_code",
        "timestamp",
        "category",
        "product",
        "amount_gbp",
    ]
    assert list(small.email_events.columns) == ["campaign_id", "customer_id", "event", "timestamp"]
    assert small.customers["customer_id"].is_unique
    assert small.transactions["transaction_id"].is_unique


def ids_of_testers(w: world.World) -> pd.Series:
    """Ids of the till and CRM test accounts."""
    mail = w.customers["email"]
    return w.customers.loc[mail.str.contains("@bikeshop.co.uk|@example.com"), "customer_id"]


def test_ebike_prices_and_refunds(small: world.World) -> None:
    tx = small.transactions
    tx = tx[~tx["customer_id"].isin(ids_of_testers(small))]
    ebikes = tx.loc[(tx["product"] == "e-bike") & (tx["amount_gbp"] > 0), "amount_gbp"]
    assert ebikes.between(1_499, 4_000).all() and len(ebikes) > 20
    assert (tx["amount_gbp"] < 0).sum() > 0


def visits_by_month(w: world.World, store: str) -> pd.Series:
    tx = w.transactions
    ts = tx.loc[(tx["store_code"] == store) & (tx["timestamp"].dt.year < 2030), "timestamp"]
    return ts.dt.month.value_counts().sort_index()


def test_seasonal_rhythms() -> None:
    w = world.generate_world(8_000, seed=3)
    city, uni, coast = (visits_by_month(w, s) for s in ("CTY", "UNI", "CST"))
    assert city[[5, 6, 7]].sum() > 1.4 * city[[12, 1, 2]].sum()
    assert uni[[7, 8]].mean() < uni[[10, 11]].mean()
    assert coast[[7, 8]].mean() > 2.0 * coast[[1, 2]].mean()


def test_notes_are_templated_but_varied(small: world.World) -> None:
    notes = small.workshop_jobs["technician_notes"]
    assert notes.nunique() > 100
    assert notes.str.contains("brake pads").any()


def test_scenarios_are_off_by_default() -> None:
    assert world.Scenario().is_default
    assert not world.Scenario(ebike_growth=True).is_default


@pytest.fixture(scope="module")
def extended() -> dict[str, world.World]:
    kw = {"seed": 5, "end": "2026-12-31"}
    shock = world.Scenario(
        competitor_store="CST", till_upgrade_date="2026-04-01", ebike_growth=True
    )
    return {
        "base": world.generate_world(6_000, **kw),
        "shock": world.generate_world(6_000, scenario=shock, **kw),
    }


def coastal_truth(w: world.World, cutoff: str) -> float:
    home = w.customers.set_index("customer_id")["home_store"]
    t = truth_at(w.truth, cutoff)
    return float(t[home.reindex(t.index).to_numpy() == "CST"].mean())


def test_competitor_raises_lapse_at_its_shop(extended: dict[str, world.World]) -> None:
    assert max(c.year for c in world.cutoff_dates(end="2026-12-31")) == 2026
    before = coastal_truth(extended["shock"], "2025-06-01") - coastal_truth(
        extended["base"], "2025-06-01"
    )
    after = coastal_truth(extended["shock"], "2026-04-01") - coastal_truth(
        extended["base"], "2026-04-01"
    )
    assert after > before + 0.05


def test_till_upgrade_renames_categories(extended: dict[str, world.World]) -> None:
    tx = extended["shock"].transactions
    late = tx[(tx["timestamp"] >= "2026-04-01") & (tx["timestamp"].dt.year < 2030)]
    early = tx[tx["timestamp"] < "2026-04-01"]
    assert set(late["category"].unique()) == {"Bicycles", "Components", "Clothing & Accessories"}
    assert set(early["category"].unique()) == {"bike", "parts", "accessories"}
    base = extended["base"].transactions
    assert set(base["category"].unique()) == {"bike", "parts", "accessories"}


def ebike_share(w: world.World, year: int) -> float:
    tx = w.transactions
    bikes = tx[
        (tx["category"].isin(["bike", "Bicycles"]))
        & (tx["amount_gbp"] > 0)
        & (tx["timestamp"].dt.year == year)
    ]
    return float((bikes["product"] == "e-bike").mean())


def test_ebike_share_grows(extended: dict[str, world.World]) -> None:
    assert ebike_share(extended["shock"], 2026) > ebike_share(extended["shock"], 2021) + 0.1
    assert abs(ebike_share(extended["base"], 2026) - ebike_share(extended["base"], 2021)) < 0.08


def test_command_line_writes_deterministic_files(tmp_path) -> None:
    args = ["generate", "--customers", "300", "--seed", "4", "--quiet", "--out"]
    assert world.main([*args, str(tmp_path / "a")]) == 0
    assert world.main([*args, str(tmp_path / "b")]) == 0
    sums = (tmp_path / "a" / "SHA256SUMS").read_text()
    assert sums == (tmp_path / "b" / "SHA256SUMS").read_text()
    assert "truth/lapse_truth.csv.gz" in sums
    raw = (tmp_path / "a" / "customers.csv.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0" and not raw[3] & 0x08  # mtime 0, no file name
    assert gzip.decompress(raw).startswith(b"customer_id,first_name")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_customers": 0}, "'n_customers' parameter of generate_world"),
        ({"n_customers": 2.5}, "'n_customers' parameter of generate_world"),
        ({"seed": -1}, "'seed' parameter of generate_world"),
        ({"end": "2021-06-30"}, "at least 19 months"),
    ],
)
def test_bad_options_raise_clear_errors(kwargs: dict, match: str) -> None:
    args = {"n_customers": 100} | kwargs
    n = args.pop("n_customers")
    with pytest.raises(ValueError, match=match):
        world.generate_world(n, **args)


def test_cutoffs_leave_a_full_year_and_horizon() -> None:
    cuts = world.cutoff_dates()
    assert cuts[0] == pd.Timestamp("2022-01-01")
    assert cuts[-1] + pd.Timedelta(days=180) <= pd.Timestamp("2026-01-01")
    assert all(c.day == 1 for c in cuts)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"competitor_store": "XYZ"}, "'competitor_store' parameter of Scenario"),
        ({"till_upgrade_date": "soon"}, "'till_upgrade_date' parameter of Scenario"),
    ],
)
def test_bad_scenario_raises_clear_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        world.Scenario(**kwargs)


def test_command_line_scenario_switches(tmp_path) -> None:
    args = [
        "generate",
        "--customers",
        "300",
        "--seed",
        "4",
        "--quiet",
        "--end",
        "2026-12-31",
        "--till-upgrade",
        "2026-04-01",
        "--competitor",
        "UNI",
        "--out",
        str(tmp_path),
    ]
    assert world.main(args) == 0
    tx = pd.read_csv(tmp_path / "transactions.csv.gz")
    assert "Components" in set(tx["category"])
