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
        negative amounts. With a cut-off, only event rows dated before it, and duplicates
        are looked for only among customers created before it.
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
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "postcode",
        "date_of_birth",
        "gender",
        "home_store",
        "distance_km",
        "created_at",
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


def merge_duplicates(
    customers: pd.DataFrame, dups: pd.DataFrame, tests: np.ndarray
) -> pd.DataFrame:
    """Customer rows of real originals only (no test accounts, no duplicate registrations)."""
    ids = customers["customer_id"]
    return customers.loc[~ids.isin(dups["duplicate_id"]) & ~ids.isin(tests)]


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
    t = df[time].to_numpy()
    future = t > np.datetime64(export_end)
    keep = ~future
    if cutoff is not None:
        keep &= t < np.datetime64(cutoff)
    keep &= ~np.isin(df["customer_id"].to_numpy(), tests)
    out = df.loc[keep]
    out = out.assign(customer_id=fc.remap_ids(out["customer_id"], dups))
    return out, int(future.sum())


def clean(
    tables: Any,
    *,
    cutoff: pd.Timestamp | None,
    export_end: pd.Timestamp,
    people: fc.People | None = None,
    names: tuple[str, ...] = ("transactions", "workshop_jobs", "email_events"),
) -> CleanTables:
    """All cleaning steps, in order (see :func:`casestudy.features.clean_tables`).

    ``people`` (from :func:`~casestudy._features_clean.people_index`) saves redoing the
    string work when cleaning at several cut-offs; ``names`` limits the event tables cleaned
    (the others are returned empty).
    """
    people = fc.people_index(tables.customers) if people is None else people
    cust = tables.customers
    tests = people.test_ids
    dups = fc.duplicates_of(people, created_before=cutoff)
    log = {
        "test_accounts_removed": int(cust["customer_id"].isin(tests).sum()),
        "duplicate_customers_merged": len(dups),
    }
    out: dict[str, pd.DataFrame] = {}
    for name, time in (
        ("transactions", "timestamp"),
        ("workshop_jobs", "booked_in"),
        ("email_events", "timestamp"),
    ):
        df = getattr(tables, name)
        if name not in names:
            out[name] = df.iloc[:0]
            continue
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
        stores=tables.stores,
        customers=merge_duplicates(cust, dups, tests),
        duplicates=dups,
        gaps=gaps,
        log=log,
        **out,
    )


# --- features at a cut-off -----------------------------------------------------------------


def gap_factor(
    store: np.ndarray,
    gaps: pd.DataFrame,
    *,
    start: pd.Timestamp,
    stop: pd.Timestamp,
    stores: list[str],
) -> np.ndarray:
    """Weight of each row in the window ``[start, stop)``: ``W / (W - lost days)`` at a store
    with a missing month inside the window, else 1 (the lost month is filled in at the
    store's own rate over the rest of the window). ``store`` holds codes into ``stores``."""
    w = np.ones(len(store))
    days = (stop - start).days
    for g in gaps.itertuples(index=False):
        lo = max(g.month.start_time, start)
        hi = min(g.month.end_time.normalize() + pd.Timedelta(days=1), stop)
        lost = max((hi - lo).days, 0)
        if 0 < lost < days and g.store in stores:
            w[store == stores.index(g.store)] *= days / (days - lost)
    return w


def visit_days(ct: CleanTables) -> pd.DataFrame:
    """One row per visit record: ``customer_id``, ``day`` (days since 1970), ``store`` (code
    into the stores table), ``job``.

    A visit is a purchase with a positive amount (refunds are not visits) or a workshop job,
    as in :func:`casestudy.data.visits`.
    """
    tx = ct.transactions.loc[(ct.transactions["amount_gbp"] > 0).to_numpy()]
    jobs = ct.workshop_jobs

    def days(t: pd.Series) -> np.ndarray:
        return t.to_numpy().astype("datetime64[D]").astype(np.int64)

    return pd.DataFrame(
        {
            "customer_id": np.concatenate(
                [tx["customer_id"].to_numpy(np.int64), jobs["customer_id"].to_numpy(np.int64)]
            ),
            "day": np.concatenate([days(tx["timestamp"]), days(jobs["booked_in"])]),
            "store": np.concatenate(
                [
                    tx["store_code"].cat.codes.to_numpy(np.int16),
                    jobs["store_code"].cat.codes.to_numpy(np.int16),
                ]
            ),
            "job": np.r_[np.zeros(len(tx), bool), np.ones(len(jobs), bool)],
        }
    )


def day_number(t: pd.Timestamp) -> int:
    """Days since 1970-01-01 of a date."""
    return int(np.datetime64(t, "D").astype(np.int64))


def window_counts(
    v: pd.DataFrame, gaps: pd.DataFrame, cutoff: pd.Timestamp, days: int, stores: list[str]
) -> pd.DataFrame:
    """Visits, purchase days and jobs per customer in the ``days`` before ``cutoff``.

    Counts are distinct days (several till lines on one day are one purchase), gap-weighted
    for purchases at a store with a missing month in the window.
    """
    start = cutoff - pd.Timedelta(days=days)
    day = v["day"].to_numpy()
    inside = (day >= day_number(start)) & (day < day_number(cutoff))
    cid, day, job = v["customer_id"].to_numpy()[inside], day[inside], v["job"].to_numpy()[inside]
    weight = np.where(
        job,
        1.0,
        gap_factor(v["store"].to_numpy()[inside], gaps, start=start, stop=cutoff, stores=stores),
    )
    key = (cid << 20) | (day - day_number(start))  # one integer per customer and day

    def per_customer(mask: np.ndarray) -> pd.Series:
        per_day = pd.Series(weight[mask]).groupby(key[mask]).max()
        return per_day.groupby(per_day.index.to_numpy() >> 20).sum()

    return pd.DataFrame(
        {
            f"visits_{days}d": per_customer(np.ones(len(key), bool)),
            f"purchases_{days}d": per_customer(~job),
            f"jobs_{days}d": pd.Series(job.astype(float)).groupby(cid).sum(),
        }
    )


def spend(
    tx: pd.DataFrame, gaps: pd.DataFrame, cutoff: pd.Timestamp, days: int, stores: list[str]
) -> pd.Series:
    """Net spend (purchases minus refunds) in the ``days`` before ``cutoff``, gap-weighted."""
    start = cutoff - pd.Timedelta(days=days)
    t = tx["timestamp"].to_numpy()
    inside = (t >= np.datetime64(start)) & (t < np.datetime64(cutoff))
    w = tx.loc[inside]
    weight = gap_factor(
        w["store_code"].cat.codes.to_numpy(), gaps, start=start, stop=cutoff, stores=stores
    )
    amount = pd.Series(w["amount_gbp"].to_numpy() * weight)
    return amount.groupby(w["customer_id"].to_numpy()).sum().rename(f"spend_{days}d")


def bikes_owned(tx: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per bike type: bought before the cut-off and not refunded."""
    product = tx["product"].astype("category")
    is_bike = product.isin(BIKE_TYPES).to_numpy()
    bikes = tx.loc[is_bike]
    sign = pd.Series(np.sign(bikes["amount_gbp"].to_numpy()))
    net = (
        sign.groupby([bikes["customer_id"].to_numpy(), bikes["product"].astype("str").to_numpy()])
        .sum()
        .unstack(fill_value=0)
    )
    net = net.reindex(columns=list(BIKE_TYPES), fill_value=0) > 0
    names = {b: "ebike_owner" if b == "e-bike" else f"owns_{b}" for b in BIKE_TYPES}
    return net.astype(np.int8).rename(columns=names)


def email_rates(events: pd.DataFrame, cutoff: pd.Timestamp, days: int) -> pd.DataFrame:
    """Sends, open rate and click rate in the ``days`` before ``cutoff`` (0 if none sent)."""
    t = events["timestamp"].to_numpy()
    inside = (t >= np.datetime64(cutoff - pd.Timedelta(days=days))) & (t < np.datetime64(cutoff))
    cid = events["customer_id"].to_numpy()[inside]
    code, kinds = pd.factorize(events["event"].to_numpy()[inside])
    ids, row = np.unique(cid, return_inverse=True)
    n = np.zeros((len(ids), 3))
    for j, name in enumerate(("send", "open", "click")):
        hits = np.flatnonzero(np.asarray(kinds) == name)
        if len(hits):
            n[:, j] = np.bincount(row[code == hits[0]], minlength=len(ids))
    sent = n[:, 0]
    safe = np.where(sent > 0, sent, 1.0)
    return pd.DataFrame(
        {
            f"emails_sent_{days}d": sent,
            f"email_open_rate_{days}d": np.clip(n[:, 1] / safe, 0, 1),
            f"email_click_rate_{days}d": np.clip(n[:, 2] / safe, 0, 1),
        },
        index=ids,
    )


def last_day(days: pd.Series | np.ndarray, ids: pd.Series | np.ndarray) -> pd.Series:
    """The latest day per customer."""
    return pd.Series(np.asarray(days)).groupby(np.asarray(ids)).max()


def pseudonymise(ids: np.ndarray) -> np.ndarray:
    """Keyed BLAKE2b hash of each id (16 hex characters), salted with :data:`KEY_SALT`."""
    return np.array(
        [hashlib.blake2b(b"%d" % i, key=KEY_SALT, digest_size=8).hexdigest() for i in ids],
        dtype=object,
    )
