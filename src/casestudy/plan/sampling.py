"""Is the data we were given representative? A convenient extract against the whole base.

Security rules often mean a project sees a small, convenient slice of the data first: the
contractor exports one shop's recent customers because that is quick and exposes fewer
records. This module measures how far such a slice is from the whole customer base, so a
manager can ask for a representative sample *before* anyone builds on the slice.

A **convenient extract** here is the customers of one home shop whose last visit fell in the
``days`` before a cut-off. The **whole base** is every customer active at the cut-off (a
visit in the year before it). Both are profiled on the lapse rate (the share with no visit
in the 180 days after the cut-off, so the cut-off must be at least 180 days before the end
of the history) and the bike mix (the share of each bike type among the bikes the group
bought before the cut-off).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casestudy.data import BikeShop, lapse_labels, visits
from casestudy.plan._checks import PlanError, choice, number
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = ["BIKE_TYPES", "convenient_extract", "plot_sample_profiles", "sample_profiles"]

#: The bike types the shops sell, in the order tables and figures show them.
BIKE_TYPES: tuple[str, ...] = ("hybrid", "road", "mountain", "e-bike", "kids")


def convenient_extract(
    tables: BikeShop, cutoff: str | pd.Timestamp, *, store: str, days: int = 91
) -> np.ndarray:
    """Ids of one shop's customers whose last visit fell in the ``days`` before ``cutoff``.

    This is the slice a contractor can send quickly ("the city-centre customers from the
    last three months"); :func:`sample_profiles` shows how it differs from the whole base.

    Parameters
    ----------
    tables : BikeShop
        The loaded shop data.
    cutoff : str or Timestamp
        The day the extract is taken.
    store : str
        A home-shop code from ``tables.stores`` (``"CTY"``, ``"UNI"``, ...).
    days : int, default=91
        How far back "recent" reaches (91 days is about three months).

    Returns
    -------
    numpy.ndarray
        Sorted customer ids.

    Raises
    ------
    PlanError
        If ``store`` is not a shop code or ``days`` is outside [1, 365].

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> ids = convenient_extract(load_bike_shop(), "2025-07-01", store="CTY")
    >>> 1000 < len(ids) < 2500
    True
    """
    codes = [str(c) for c in tables.stores["store_code"]]
    choice(
        store,
        codes,
        where="convenient_extract",
        field="store",
        fix="Use one of the shop codes in the stores table.",
    )
    number(
        days,
        where="convenient_extract",
        field="days",
        low=1,
        high=365,
        fix="Give a whole number of days from 1 to 365.",
    )
    c = pd.Timestamp(cutoff)
    v = visits(tables)
    last = v.loc[v["day"] < c].groupby("customer_id")["day"].max()
    recent = last.index[last >= c - pd.Timedelta(days=int(days))]
    home = tables.customers.set_index("customer_id")["home_store"].astype(str)
    ids = recent[home.reindex(recent).to_numpy() == store]
    return np.sort(ids.to_numpy())


def _bike_mix(tables: BikeShop, ids: np.ndarray, cutoff: pd.Timestamp) -> pd.Series:
    tx = tables.transactions
    bikes = tx.loc[
        (tx["category"] == "bike")
        & (tx["amount_gbp"] > 0)
        & (tx["timestamp"] < cutoff)
        & tx["customer_id"].isin(ids)
    ]
    counts = bikes["product"].astype(str).value_counts().reindex(list(BIKE_TYPES), fill_value=0)
    total = counts.sum()
    return counts / total if total else counts.astype(float) * np.nan


def sample_profiles(
    tables: BikeShop, cutoff: str | pd.Timestamp, groups: Mapping[str, np.ndarray]
) -> pd.DataFrame:
    """Profile the whole active base and each group on size, lapse rate and bike mix.

    Parameters
    ----------
    tables : BikeShop
        The loaded shop data.
    cutoff : str or Timestamp
        The cut-off; its 180-day label window must end inside the history.
    groups : mapping of str to array of int
        Named samples of customer ids (e.g. from :func:`convenient_extract`). Only ids
        active at the cut-off count.

    Returns
    -------
    DataFrame
        One row per group, the whole base first: ``customers``, ``lapse_rate`` and one
        ``bike: <type>`` share per :data:`BIKE_TYPES`.

    Raises
    ------
    ValueError
        If the label window runs past the end of the data (from :func:`lapse_labels`).
    PlanError
        If a group has no active customers.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> t = load_bike_shop()
    >>> p = sample_profiles(t, "2025-07-01", {"extract": convenient_extract(
    ...     t, "2025-07-01", store="CTY")})
    >>> list(p.index), bool(p.loc["extract", "lapse_rate"] < p.loc["whole base", "lapse_rate"])
    (['whole base', 'extract'], True)
    """
    c = pd.Timestamp(cutoff)
    labels = lapse_labels(tables, c)
    rows = {}
    for name, ids in {"whole base": labels.index.to_numpy(), **groups}.items():
        inside = labels[labels.index.isin(np.asarray(ids))]
        if inside.empty:
            raise PlanError(
                "sample_profiles",
                "groups",
                name,
                f"has no customers active at {c.date()}",
                "Check the ids and the cut-off.",
            )
        mix = _bike_mix(tables, inside.index.to_numpy(), c)
        rows[name] = {
            "customers": len(inside),
            "lapse_rate": float(inside.mean()),
            **{f"bike: {k}": float(v) for k, v in mix.items()},
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def plot_sample_profiles(profiles: pd.DataFrame) -> Figure:
    """Two panels: lapse rate by group, and each group's bike mix side by side.

    Parameters
    ----------
    profiles : DataFrame
        From :func:`sample_profiles` (the first row is the whole base).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> frame = pd.DataFrame({"customers": [10, 4], "lapse_rate": [0.4, 0.2],
    ...     **{f"bike: {b}": [0.2, 0.2] for b in BIKE_TYPES}}, index=["whole base", "x"])
    >>> len(plot_sample_profiles(frame).axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, width=7.6, height=3.2)
    colours = [ROLE_COLOURS["baseline"], ROLE_COLOURS["model"], ROLE_COLOURS["highlight"]]
    names = list(profiles.index)
    left.bar(names, profiles["lapse_rate"] * 100, color=colours[: len(names)])
    left.set(ylabel="Lapse rate (%)", title="Who lapses")
    left.tick_params(axis="x", labelsize=9)
    width = 0.8 / len(names)
    x = np.arange(len(BIKE_TYPES))
    for i, name in enumerate(names):
        shares = [profiles.loc[name, f"bike: {b}"] * 100 for b in BIKE_TYPES]
        right.bar(x + i * width, shares, width, label=name, color=colours[i % 3])
    right.set_xticks(x + width * (len(names) - 1) / 2, BIKE_TYPES, fontsize=9)
    right.set(ylabel="Share of bikes bought (%)", title="What they ride")
    right.legend(fontsize=9)
    return fig
