"""The feature pipeline's steps: cleaning the raw tables, then features at one cut-off.

Private; see :mod:`casestudy.features` for the public API and the choices made. Every step
is vectorised (groupby, merge, ``np.searchsorted``); nothing loops over customers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from casestudy import _features_clean as fc

DAY = np.timedelta64(1, "D")
#: Salt of the pseudonymised keys. Public because the course must be reproducible; a real
#: project keeps it secret (with a public salt anyone can rebuild the key of a known id).
KEY_SALT = b"bike-shop-workbook/2026"
#: Months since the last workshop job for customers who never had one (the history length).
NO_JOB_MONTHS = 60.0
BIKE_TYPES = ("road", "mountain", "hybrid", "e-bike", "kids")


@dataclass(frozen=True)
class CleanTables:
    """The five tables after cleaning, with what the cleaning did.

    Attributes
    ----------
    stores, customers, transactions, workshop_jobs, email_events : pandas.DataFrame
        Test accounts removed, duplicate ids replaced by the original id (duplicate customer
        rows dropped), store codes canonical, future timestamps dropped; refunds kept as
        negative amounts. With a cut-off, only rows dated before it.
    duplicates : pandas.DataFrame
        ``duplicate_id`` -> ``original_id`` used.
    gaps : pandas.DataFrame
        Store-months with no transactions (``store``, ``month``, ``rows``, ``expected``).
    log : dict of str to int
        How many rows each step removed or changed.
    """

    stores: pd.DataFrame
    customers: pd.DataFrame
    transactions: pd.DataFrame
    workshop_jobs: pd.DataFrame
    email_events: pd.DataFrame
    duplicates: pd.DataFrame
    gaps: pd.DataFrame
    log: dict[str, int] = field(default_factory=dict)


REQUIRED: dict[str, tuple[str, ...]] = {
    "stores": ("store_code", "name", "town", "kind"),
    "customers": (
        "customer_id", "first_name", "last_name", "email", "postcode", "date_of_birth",
        "gender", "home_store", "distance_km", "created_at",
    ),
    "transactions": ("customer_id", "store_code", "timestamp", "product", "amount_gbp"),
    "workshop_jobs": ("customer_id", "store_code", "booked_in", "job_type"),
    "email_events": ("customer_id", "event", "timestamp"),
}


def check_tables(tables: Any, *, where: str) -> None:
    """Every table and column the pipeline needs is there, or a clear error."""
    for name, cols in REQUIRED.items():
        df = getattr(tables, name, None)
        if not isinstance(df, pd.DataFrame):
            raise TypeError(
                f"{where}: 'tables' must have a '{name}' DataFrame (a BikeShop from "
                f"casestudy.data.load_bike_shop() or a World). Got {type(tables).__name__}."
            )
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(
                f"{where}: table '{name}' lacks column(s) {missing}. Columns present: "
                f"{list(df.columns)}. Load the data with casestudy.data.load_bike_shop()."
            )


# --- cleaning steps ------------------------------------------------------------------------


def drop_test_accounts(customers: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers without the test accounts, and the test accounts' ids."""
    test = fc.is_test_account(customers)
    return customers.loc[~test], customers.loc[test, "customer_id"].to_numpy(np.int64)


def merge_duplicates(customers: pd.DataFrame, dups: pd.DataFrame) -> pd.DataFrame:
    """Customer rows of the originals only (each original was created first)."""
    return customers.loc[~customers["customer_id"].isin(dups["duplicate_id"])]


def fix_events(
    df: pd.DataFrame,
    *,
    time: str,
    dups: pd.DataFrame,
    tests: np.ndarray,
    export_end: pd.Timestamp,
    cutoff: pd.Timestamp | None,
) -> tuple[pd.DataFrame, int]:
    """Drop test-account rows and rows after the export; map duplicate ids; cut at ``cutoff``.

    Returns the cleaned table and the number of rows dated after the export (clock errors).
    """
    t = df[time]
    future = (t > export_end).to_numpy()
    keep = ~future & ~df["customer_id"].isin(tests).to_numpy()
    if cutoff is not None:
        keep &= (t < cutoff).to_numpy()
    out = df.loc[keep].copy()
    out["customer_id"] = fc.remap_ids(out["customer_id"], dups)
    return out, int(future.sum())


def clean(
    tables: Any,
    *,
    cutoff: pd.Timestamp | None,
    export_end: pd.Timestamp,
    dups: pd.DataFrame | None = None,
) -> CleanTables:
    """All cleaning steps, in order (see :func:`casestudy.features.clean_tables`)."""
    cust = tables.customers
    if cutoff is not None:
        cust = cust.loc[cust["created_at"] < cutoff]
    cust, tests = drop_test_accounts(cust)
    dups = fc.duplicate_map(cust) if dups is None else dups
    log = {"test_accounts_removed": len(tests), "duplicate_customers_merged": len(dups)}
    out: dict[str, pd.DataFrame] = {}
    for name, time in (
        ("transactions", "timestamp"), ("workshop_jobs", "booked_in"),
        ("email_events", "timestamp"),
    ):
        df = getattr(tables, name)
        if name != "email_events":
            df = df.assign(
                store_code=fc.canonical_store_codes(df["store_code"], tables.stores, table=name)
            )
        out[name], log[f"{name}_future_rows_dropped"] = fix_events(
            df, time=time, dups=dups, tests=tests, export_end=export_end, cutoff=cutoff
        )
    tx = out["transactions"]
    log["refund_rows_kept_as_negative_spend"] = int((tx["amount_gbp"] < 0).sum())
    gaps = fc.missing_months(tx["timestamp"], tx["store_code"], last_complete=cutoff is not None)
    log["missing_store_months"] = len(gaps)
    return CleanTables(
        stores=tables.stores, customers=merge_duplicates(cust, dups), duplicates=dups,
        gaps=gaps, log=log, **out,
    )


# --- features at a cut-off -----------------------------------------------------------------


def gap_factor(
    store: pd.Series, gaps: pd.DataFrame, *, start: pd.Timestamp, stop: pd.Timestamp
) -> np.ndarray:
    """Weight of each row in the window ``[start, stop)``: ``W / (W - lost days)`` at a store
    with a missing month inside the window, else 1 (the lost month is filled in at the
    store's own rate over the rest of the window)."""
    w = np.ones(len(store))
    days = (stop - start).days
    for g in gaps.itertuples(index=False):
        lo = max(g.month.start_time, start)
        hi = min(g.month.end_time.normalize() + pd.Timedelta(days=1), stop)
        lost = max((hi - lo).days, 0)
        if 0 < lost < days:
            w[(store.astype("str") == g.store).to_numpy()] *= days / (days - lost)
    return w


def visit_days(ct: CleanTables) -> pd.DataFrame:
    """One row per customer and visit day: ``customer_id``, ``day``, ``store``, ``kind``.

    A visit is a purchase with a positive amount (refunds are not visits) or a workshop job,
    as in :func:`casestudy.data.visits`.
    """
    tx = ct.transactions.loc[ct.transactions["amount_gbp"] > 0]
    jobs = ct.workshop_jobs
    return pd.DataFrame(
        {
            "customer_id": np.concatenate(
                [tx["customer_id"].to_numpy(np.int64), jobs["customer_id"].to_numpy(np.int64)]
            ),
            "day": np.concatenate(
                [tx["timestamp"].to_numpy().astype("datetime64[D]"),
                 jobs["booked_in"].to_numpy().astype("datetime64[D]")]
            ),
            "store": np.concatenate(
                [tx["store_code"].astype("str").to_numpy(), jobs["store_code"].astype("str")]
            ),
            "job": np.r_[np.zeros(len(tx), bool), np.ones(len(jobs), bool)],
        }
    )


def _in(v: pd.DataFrame, col: str, start: Any, stop: Any) -> pd.DataFrame:
    t = v[col]
    return v.loc[((t >= start) & (t < stop)).to_numpy()]


def window_counts(
    v: pd.DataFrame, gaps: pd.DataFrame, cutoff: pd.Timestamp, days: int
) -> pd.DataFrame:
    """Visits, purchase days and jobs per customer in the ``days`` before ``cutoff``.

    Counts are distinct days (several till lines on one day are one purchase), gap-weighted
    for purchases at a store with a missing month in the window.
    """
    start = cutoff - pd.Timedelta(days=days)
    w = _in(v, "day", np.datetime64(start, "D"), np.datetime64(cutoff, "D"))
    w = w.assign(weight=np.where(w["job"], 1.0, gap_factor(w["store"], gaps, start=start,
                                                            stop=cutoff)))
    buy = w.loc[~w["job"]].groupby(["customer_id", "day"])["weight"].max()
    job_days = w.loc[w["job"]].groupby(["customer_id", "day"])["weight"].max()
    visit = pd.concat([buy, job_days]).groupby(level=[0, 1]).max()
    return pd.DataFrame(
        {
            f"visits_{days}d": visit.groupby(level=0).sum(),
            f"purchases_{days}d": buy.groupby(level=0).sum(),
            f"jobs_{days}d": w.loc[w["job"]].groupby("customer_id").size().astype(float),
        }
    )


def spend(tx: pd.DataFrame, gaps: pd.DataFrame, cutoff: pd.Timestamp, days: int) -> pd.Series:
    """Net spend (purchases minus refunds) in the ``days`` before ``cutoff``, gap-weighted."""
    start = cutoff - pd.Timedelta(days=days)
    w = _in(tx, "timestamp", start, cutoff)
    weight = gap_factor(w["store_code"], gaps, start=start, stop=cutoff)
    amount = pd.Series(w["amount_gbp"].to_numpy() * weight, index=w["customer_id"].to_numpy())
    return amount.groupby(level=0).sum().rename(f"spend_{days}d")


def bikes_owned(tx: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per bike type: bought before the cut-off and not refunded."""
    bikes = tx.loc[tx["product"].astype("str").isin(BIKE_TYPES)]
    sign = np.sign(bikes["amount_gbp"].to_numpy())
    net = pd.crosstab(bikes["customer_id"], bikes["product"].astype("str"), values=sign,
                      aggfunc="sum")
    net = net.reindex(columns=list(BIKE_TYPES)).fillna(0) > 0
    names = {b: "ebike_owner" if b == "e-bike" else f"owns_{b}" for b in BIKE_TYPES}
    return net.astype(np.int8).rename(columns=names)


def email_rates(events: pd.DataFrame, cutoff: pd.Timestamp, days: int) -> pd.DataFrame:
    """Sends, open rate and click rate in the ``days`` before ``cutoff`` (0 if none sent)."""
    w = _in(events, "timestamp", cutoff - pd.Timedelta(days=days), cutoff)
    n = pd.crosstab(w["customer_id"], w["event"].astype("str"))
    n = n.reindex(columns=["send", "open", "click"], fill_value=0)
    sent = n["send"].to_numpy(float)
    safe = np.where(sent > 0, sent, 1.0)
    return pd.DataFrame(
        {
            f"emails_sent_{days}d": sent,
            f"email_open_rate_{days}d": np.clip(n["open"].to_numpy() / safe, 0, 1),
            f"email_click_rate_{days}d": np.clip(n["click"].to_numpy() / safe, 0, 1),
        },
        index=n.index,
    )


def last_day(days: pd.Series, ids: pd.Series) -> pd.Series:
    """The latest day per customer."""
    return pd.Series(days.to_numpy(), index=ids.to_numpy()).groupby(level=0).max()


def pseudonymise(ids: np.ndarray) -> np.ndarray:
    """Keyed BLAKE2b hash of each id (16 hex characters), salted with :data:`KEY_SALT`."""
    return np.array(
        [hashlib.blake2b(b"%d" % i, key=KEY_SALT, digest_size=8).hexdigest() for i in ids],
        dtype=object,
    )
