"""Loading the shipped Bike Shop data, its contract, the label and the Bayes limit.

Definitions used across the course (one place, so every chapter means the same thing):

- A **visit** is a purchase (a transaction with a positive amount; refunds do not count) or
  a workshop job, on the day it happened.
- A **cut-off** is the first day of a month; everything before it is history.
- A customer is **active** at a cut-off if they visited in the 365 days before it.
- An active customer **lapses** if they do not visit in the 180 days from the cut-off
  (the cut-off day included): ``lapsed = 1``. Higher ``p_lapse`` means more likely to lapse.

The functions work on the raw tables as loaded (planted problems included) or on cleaned
copies; cleaning is the data survey's job, not the loader's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from casestudy import DATA_DIR
from casestudy._data_contracts import TABLES, TRUTH, schema
from casestudy._data_read import DataValidationError, read_table
from casestudy._world_sim import ACTIVE_DAYS, END, HORIZON_DAYS, cutoff_dates

__all__ = [
    "ACTIVE_DAYS",
    "HORIZON_DAYS",
    "BayesLimit",
    "BikeShop",
    "DataValidationError",
    "active_customers",
    "bayes_limit",
    "cutoff_dates",
    "lapse_labels",
    "load_bike_shop",
    "load_truth",
    "raw_contract",
    "truth_at",
    "visits",
]


@dataclass(frozen=True)
class BikeShop:
    """The five raw tables of the Bike Shop, typed and checked against the raw contract."""

    stores: pd.DataFrame
    customers: pd.DataFrame
    transactions: pd.DataFrame
    workshop_jobs: pd.DataFrame
    email_events: pd.DataFrame


def _folder(path: str | Path | None) -> Path:
    """The data folder: the given one or the repository's ``data/bike_shop``."""
    return DATA_DIR if path is None else Path(path)


def load_bike_shop(path: str | Path | None = None) -> BikeShop:
    """Load the Bike Shop tables, typed and validated against the raw-data contract.

    Parameters
    ----------
    path : str or Path or None, default=None
        Folder holding the ``.csv.gz`` files; None means the shipped ``data/bike_shop``.

    Returns
    -------
    BikeShop
        ``stores``, ``customers``, ``transactions``, ``workshop_jobs``, ``email_events``.

    Raises
    ------
    DataValidationError
        If any file is missing, empty, truncated or corrupt, not UTF-8, lacks or renames a
        column, has a value of the wrong type or duplicate primary keys. The message names
        the file, the column and example rows.

    Examples
    --------
    >>> shop = load_bike_shop()
    >>> shop.customers["customer_id"].is_unique
    True
    >>> str(shop.transactions["timestamp"].dtype)
    'datetime64[s]'
    """
    folder = _folder(path)
    return BikeShop(**{name: read_table(folder, spec) for name, spec in TABLES.items()})


def raw_contract(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one raw table (or ``"truth"``), as the loader applies it.

    It accepts the planted problems on purpose; chapters that clean the data add stricter
    contracts on top.

    Parameters
    ----------
    table : str
        ``"stores"``, ``"customers"``, ``"transactions"``, ``"workshop_jobs"``,
        ``"email_events"`` or ``"truth"``.

    Returns
    -------
    pandera.pandas.DataFrameSchema

    Examples
    --------
    >>> list(raw_contract("email_events").columns)
    ['campaign_id', 'customer_id', 'event', 'timestamp']
    """
    specs = {**TABLES, "truth": TRUTH}
    if table not in specs:
        raise ValueError(
            f"The 'table' parameter of raw_contract must be one of "
            f"{sorted(specs)}. Got {table!r} instead."
        )
    return schema(specs[table])


def load_truth(path: str | Path | None = None) -> pd.DataFrame:
    """Load the true lapse probabilities (teaching only: no real project has these).

    Parameters
    ----------
    path : str or Path or None, default=None
        The data folder (the truth is in its ``truth/`` sub-folder); None = shipped data.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (int64), ``cutoff`` (datetime64[s]), ``p_lapse`` (float64).

    Raises
    ------
    DataValidationError
        If the truth file is missing or breaks its contract.

    Examples
    --------
    >>> truth = load_truth()
    >>> bool(truth["p_lapse"].between(0, 1).all())
    True
    """
    return read_table(_folder(path), TRUTH)


def truth_at(truth: pd.DataFrame, cutoff: str | pd.Timestamp) -> pd.Series:
    """The true lapse probabilities at one cut-off, indexed by ``customer_id``.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": [1, 2], "cutoff": pd.Timestamp("2024-01-01"),
    ...                   "p_lapse": [0.2, 0.7]})
    >>> truth_at(t, "2024-01-01").to_dict()
    {1: 0.2, 2: 0.7}
    """
    at = truth[truth["cutoff"] == pd.Timestamp(cutoff)]
    if at.empty:
        raise ValueError(
            f"The truth has no rows at cut-off {cutoff}. Cut-offs in it: "
            f"{sorted(str(c.date()) for c in truth['cutoff'].unique())[:5]}..."
        )
    return at.set_index("customer_id")["p_lapse"]


def visits(tables: BikeShop) -> pd.DataFrame:
    """Every visit day: purchases with a positive amount and workshop jobs.

    Parameters
    ----------
    tables : BikeShop or World
        Anything with ``transactions`` and ``workshop_jobs`` tables.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` and ``day`` (datetime64, midnight), one row per record.
    """
    tx = tables.transactions
    buy = tx.loc[tx["amount_gbp"] > 0, ["customer_id", "timestamp"]]
    jobs = tables.workshop_jobs[["customer_id", "booked_in"]]
    day = np.concatenate(
        [
            buy["timestamp"].to_numpy().astype("datetime64[D]"),
            jobs["booked_in"].to_numpy().astype("datetime64[D]"),
        ]
    )
    cid = np.concatenate([buy["customer_id"].to_numpy(), jobs["customer_id"].to_numpy()])
    cid = cid.astype(np.int64)
    return pd.DataFrame({"customer_id": cid, "day": day.astype("datetime64[s]")})


def _ids_between(v: pd.DataFrame, start: pd.Timestamp, stop: pd.Timestamp) -> np.ndarray:
    """Sorted unique customer ids with a visit day in ``[start, stop)``."""
    inside = (v["day"] >= start) & (v["day"] < stop)
    return np.unique(v.loc[inside, "customer_id"].to_numpy())


def active_customers(tables: BikeShop, cutoff: str | pd.Timestamp) -> np.ndarray:
    """Ids of customers with a visit in the 365 days before ``cutoff``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount_gbp": [10.0, 5.0, -5.0],
    ...     "timestamp": pd.to_datetime(["2023-06-01", "2022-01-01", "2023-06-01"])})
    >>> jobs = pd.DataFrame({"customer_id": [4], "booked_in": pd.to_datetime(["2023-12-31"])})
    >>> active_customers(SimpleNamespace(transactions=tx, workshop_jobs=jobs), "2024-01-01")
    array([1, 4])
    """
    c = pd.Timestamp(cutoff)
    return _ids_between(visits(tables), c - pd.Timedelta(days=ACTIVE_DAYS), c)


def lapse_labels(
    tables: BikeShop, cutoff: str | pd.Timestamp, *, end: str | pd.Timestamp = END
) -> pd.Series:
    """The lapse label of every active customer at ``cutoff`` (1 = no visit in 180 days).

    Parameters
    ----------
    tables : BikeShop or World
        Anything with ``transactions`` and ``workshop_jobs``.
    cutoff : str or Timestamp
        The cut-off day (the course uses the first day of a month).
    end : str or Timestamp, default="2025-12-31"
        Last day of the history. The whole 180-day window must lie within it, otherwise a
        customer would look lapsed only because the data stops.

    Returns
    -------
    pandas.Series
        ``lapsed`` (int8, 0 or 1), indexed by ``customer_id`` of the active customers.

    Raises
    ------
    ValueError
        If the label window runs past ``end``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1], "amount_gbp": [10.0, 5.0, 8.0],
    ...     "timestamp": pd.to_datetime(["2023-06-01", "2023-07-01", "2024-03-01"])})
    >>> jobs = pd.DataFrame({"customer_id": [], "booked_in": pd.to_datetime([])})
    >>> lapse_labels(SimpleNamespace(transactions=tx, workshop_jobs=jobs), "2024-01-01").to_dict()
    {1: 0, 2: 1}
    """
    c = pd.Timestamp(cutoff)
    stop = c + pd.Timedelta(days=HORIZON_DAYS)
    if stop > pd.Timestamp(end) + pd.Timedelta(days=1):
        raise ValueError(
            f"The label window of cut-off {c.date()} ends {stop.date()}, after "
            f"the end of the history ({pd.Timestamp(end).date()}). Use a cut-off "
            f"on or before {(pd.Timestamp(end) - pd.Timedelta(days=179)).date()}."
        )
    v = visits(tables)
    active = _ids_between(v, c - pd.Timedelta(days=ACTIVE_DAYS), c)
    came_back = np.isin(active, _ids_between(v, c, stop))
    return pd.Series(
        (~came_back).astype(np.int8), index=pd.Index(active, name="customer_id"), name="lapsed"
    )


@dataclass(frozen=True)
class BayesLimit:
    """The best any model could do at one cut-off, using the true probabilities.

    Attributes
    ----------
    auc : float
        ROC AUC of the true probabilities against the realised labels (nan if one class).
    expected_value : float
        Expected money (pounds) of the best policy: sum of ``p*success_rate*margin -
        offer_cost`` over the invited.
    realised_value : float
        Money the same invitations made given the realised labels.
    threshold : float
        Invite when ``p_lapse`` exceeds this: ``offer_cost / (success_rate * margin)``.
    n_invited, n_customers : int
        Invited customers, and customers in both ``truth`` and ``labels``.
    """

    auc: float
    expected_value: float
    realised_value: float
    threshold: float
    n_invited: int
    n_customers: int


def _check_money(margin: float, offer_cost: float, success_rate: float) -> None:
    """Validate the money parameters of :func:`bayes_limit`."""
    limits = {
        "margin": (margin, 0.0, np.inf, "a float > 0"),
        "offer_cost": (offer_cost, 0.0, np.inf, "a float >= 0"),
        "success_rate": (success_rate, 0.0, 1.0, "a float in (0, 1]"),
    }
    for name, (value, lo, hi, text) in limits.items():
        ok = isinstance(value, int | float) and lo <= value <= hi
        ok = ok and (value > 0 or name == "offer_cost")
        if not ok:
            raise ValueError(
                f"The '{name}' parameter of bayes_limit must be {text}. Got {value!r} instead."
            )


def bayes_limit(
    truth: pd.Series, labels: pd.Series, *, margin: float, offer_cost: float, success_rate: float
) -> BayesLimit:
    """Best achievable ROC AUC and money value of targeting at one cut-off (the Bayes limit).

    Inviting a customer costs ``offer_cost``; a lapser who is invited is kept with
    probability ``success_rate`` and is then worth ``margin``. The expected value of inviting
    customer *i* is ``p_i * success_rate * margin - offer_cost``; the best policy invites
    everyone for whom it is positive. No model can beat this on average.

    Parameters
    ----------
    truth : pandas.Series
        True lapse probabilities indexed by ``customer_id`` (see :func:`truth_at`).
    labels : pandas.Series
        Realised labels (1 = lapsed) indexed by ``customer_id`` (see :func:`lapse_labels`).
        Only customers in both are used.
    margin, offer_cost, success_rate : float
        The money assumptions (pounds, pounds, probability); keyword-only.

    Returns
    -------
    BayesLimit

    Raises
    ------
    ValueError
        If a money parameter is out of range or ``truth`` and ``labels`` share no customer.

    Examples
    --------
    >>> truth = pd.Series([0.9, 0.2, 0.6, 0.1], index=[1, 2, 3, 4])
    >>> labels = pd.Series([1, 0, 0, 0], index=[1, 2, 3, 4])
    >>> b = bayes_limit(truth, labels, margin=100.0, offer_cost=10.0, success_rate=0.5)
    >>> b.auc, b.threshold, b.n_invited, b.expected_value, b.realised_value
    (1.0, 0.2, 2, 55.0, 30.0)
    """
    from sklearn.metrics import roc_auc_score

    _check_money(margin, offer_cost, success_rate)
    both = pd.concat([truth.rename("p"), labels.rename("y")], axis=1, join="inner")
    if both.empty:
        raise ValueError(
            "bayes_limit found no customer_id in both 'truth' and 'labels'. "
            "Pass both indexed by customer_id, for the same cut-off."
        )
    p, y = both["p"].to_numpy(float), both["y"].to_numpy(int)
    gain = success_rate * margin
    invite = p * gain - offer_cost > 0
    if len(np.unique(y)) < 2:
        warnings.warn("Only one class in 'labels': the AUC is undefined.", stacklevel=2)
        auc = float("nan")
    else:
        auc = float(roc_auc_score(y, p))
    return BayesLimit(
        auc=auc,
        expected_value=float(np.sum(p[invite] * gain - offer_cost)),
        realised_value=float(np.sum(y[invite] * gain - offer_cost)),
        threshold=offer_cost / gain,
        n_invited=int(invite.sum()),
        n_customers=len(both),
    )
