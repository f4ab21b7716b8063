"""A first look at the Bike Shop: headline numbers, rhythms and what "lapse" means.

Chapter 1 meets the data before anyone has cleaned it, so these functions work on the raw
tables as loaded by :func:`casestudy.data.load_bike_shop`. The numbers are honest but
provisional: the data survey (chapter 5) finds duplicates, test accounts and clock errors
that move them a little.

The lapse definition is a business decision, not a fact of nature. A customer is *active*
if they visited in the ``active_days`` before a cut-off and *lapses* if they do not visit
in the ``horizon_days`` from it. :func:`lapse_rates` computes the share who lapse for any
definition, and the ``lapse-definition`` explorer shows how that choice moves the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.dates import DateFormatter, YearLocator

from casestudy.data import ACTIVE_DAYS, HORIZON_DAYS, BikeShop, load_bike_shop, visits
from casestudy.explorable import Dropdown, Explorer, Slider, View, register
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "END",
    "Headlines",
    "headline_numbers",
    "lapse_definition_explorer",
    "lapse_definition_view",
    "lapse_rates",
    "monthly_visits",
    "plot_monthly_visits",
    "standard_cutoffs",
    "visit_gaps",
]

#: The last day of the shipped history.
END = pd.Timestamp("2025-12-31")


@dataclass(frozen=True)
class Headlines:
    """The numbers a newcomer asks for first, from the raw tables."""

    customers: int
    shops: int
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    transactions: int
    workshop_jobs: int
    email_events: int
    net_sales_gbp: float
    sales_per_year_gbp: float


def headline_numbers(tables: BikeShop) -> Headlines:
    """Count rows and sum sales, ignoring records dated after the end of the history.

    Examples
    --------
    >>> h = headline_numbers(load_bike_shop())
    >>> h.shops, h.first_day.year, h.last_day.year
    (4, 2021, 2025)
    """
    tx = tables.transactions[tables.transactions["timestamp"] <= END + pd.Timedelta(days=1)]
    first, last = tx["timestamp"].min().normalize(), tx["timestamp"].max().normalize()
    years = (last - first).days / 365.25
    net = float(tx["amount_gbp"].sum())
    return Headlines(
        customers=len(tables.customers),
        shops=int(tables.stores["has_workshop"].sum()),
        first_day=first,
        last_day=last,
        transactions=len(tables.transactions),
        workshop_jobs=len(tables.workshop_jobs),
        email_events=len(tables.email_events),
        net_sales_gbp=net,
        sales_per_year_gbp=net / years,
    )


def monthly_visits(tables: BikeShop) -> pd.Series:
    """Number of visits (purchases and workshop jobs) per calendar month, up to the end.

    Examples
    --------
    >>> m = monthly_visits(load_bike_shop())
    >>> str(m.index[0].date()), len(m)
    ('2021-01-01', 60)
    """
    v = visits(tables)
    v = v[v["day"] <= END]
    return v.groupby(v["day"].dt.to_period("M").dt.to_timestamp()).size().rename("visits")


def plot_monthly_visits(monthly: pd.Series):
    """Line chart of visits per month: the spring peak and winter trough at a glance."""
    fig, ax = new_figure(height=3.2)
    ax.plot(monthly.index, monthly.to_numpy(), color=ROLE_COLOURS["model"], lw=2)
    ax.set_ylim(0, monthly.max() * 1.1)
    ax.set(xlabel="Month", ylabel="Visits (purchases and workshop jobs)")
    ax.set_title("Every spring the shops get busy; every winter they go quiet")
    return fig


def visit_gaps(tables: BikeShop, cutoffs: list[pd.Timestamp]) -> pd.DataFrame:
    """For each customer and cut-off: days since the last visit and until the next one.

    ``since`` is the number of days from the last visit before the cut-off to the cut-off
    (NaN if none); ``until`` the days from the cut-off to the next visit on or after it
    (NaN if none before the end of the history). Any lapse definition is then a comparison
    of these two columns, which keeps the explorer's views fast.
    """
    v = visits(tables)
    v = v[v["day"] <= END].drop_duplicates().sort_values("day")
    grid = (
        pd.MultiIndex.from_product(
            [np.unique(v["customer_id"]), pd.DatetimeIndex(cutoffs).astype(v["day"].dtype)],
            names=["customer_id", "cutoff"],
        )
        .to_frame(index=False)
        .sort_values("cutoff")
    )
    before = pd.merge_asof(
        grid, v.rename(columns={"day": "last"}), left_on="cutoff", right_on="last",
        by="customer_id", allow_exact_matches=False, direction="backward",
    )  # fmt: skip
    after = pd.merge_asof(
        grid, v.rename(columns={"day": "next"}), left_on="cutoff", right_on="next",
        by="customer_id", direction="forward",
    )  # fmt: skip
    return pd.DataFrame({
        "customer_id": grid["customer_id"].to_numpy(),
        "cutoff": grid["cutoff"].to_numpy(),
        "since": (before["cutoff"] - before["last"]).dt.days.to_numpy(),
        "until": (after["next"] - after["cutoff"]).dt.days.to_numpy(),
    })  # fmt: skip


def lapse_rates(
    gaps: pd.DataFrame, *, horizon_days: int = HORIZON_DAYS, active_days: int = ACTIVE_DAYS
) -> pd.DataFrame:
    """Active customers and the share who lapse, per cut-off, for one lapse definition.

    Only cut-offs whose whole label window lies inside the history are kept: later ones
    would make customers look lapsed just because the data stops.

    Examples
    --------
    >>> gaps = pd.DataFrame({"customer_id": [1, 2, 3], "cutoff": pd.Timestamp("2024-01-01"),
    ...                      "since": [10, 200, 400], "until": [30, 300, np.nan]})
    >>> lapse_rates(gaps, horizon_days=180, active_days=365)[["active", "lapse_rate"]]
                active  lapse_rate
    cutoff
    2024-01-01       2         0.5
    """
    if horizon_days <= 0 or active_days <= 0:
        raise ValueError(
            "A lapse definition needs positive windows. Got "
            f"horizon_days={horizon_days}, active_days={active_days}."
        )
    last_cutoff = END + pd.Timedelta(days=1) - pd.Timedelta(days=horizon_days)
    g = gaps[(gaps["since"] <= active_days) & (gaps["cutoff"] <= last_cutoff)]
    lapsed = ~(g["until"] < horizon_days)
    out = lapsed.groupby(g["cutoff"]).agg(active="size", lapse_rate="mean")
    return out.astype({"active": int})


def standard_cutoffs() -> list[pd.Timestamp]:
    """Every month start with a full year of history before it and 180 days after it.

    Examples
    --------
    >>> cutoffs = standard_cutoffs()
    >>> str(cutoffs[0].date()), str(cutoffs[-1].date()), len(cutoffs)
    ('2022-01-01', '2025-07-01', 43)
    """
    return list(pd.date_range("2022-01-01", "2025-07-01", freq="MS"))


@lru_cache(maxsize=1)
def _shipped_gaps() -> pd.DataFrame:
    """Visit gaps of the shipped data at every standard cut-off (the explorer's input)."""
    return visit_gaps(load_bike_shop(), standard_cutoffs())


def lapse_definition_view(horizon_days: int, active_days: int) -> View:
    """How the share of lapsing customers depends on how "active" and "lapse" are defined."""
    rates = lapse_rates(_shipped_gaps(), horizon_days=horizon_days, active_days=active_days)
    mean, low, high = rates["lapse_rate"].agg(["mean", "min", "max"])
    fig, ax = new_figure(width=5.6, height=3.0, layout="fixed")
    ax.plot(rates.index, rates["lapse_rate"] * 100, color=ROLE_COLOURS["model"], lw=2)
    ax.axhline(mean * 100, color=ROLE_COLOURS["neutral"], ls="--", lw=1)
    ax.set(ylim=(0, 100), xlabel="Cut-off (first day of the month)", ylabel="Lapse (%)")
    ax.xaxis.set_major_locator(YearLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.set_title(f"On average {mean:.0%} of active customers lapse")
    summary = (
        f"If 'active' means a visit in the previous {active_days} days and 'lapsed' means no "
        f"visit in the next {horizon_days} days, on average {mean:.0%} of the "
        f"{rates['active'].mean():,.0f} active customers lapse (from {low:.0%} to {high:.0%} "
        f"across {len(rates)} monthly cut-offs). Each prediction can be checked only "
        f"{horizon_days} days after it is made."
    )
    alt = (
        f"Line chart of the monthly share of active customers who lapse, "
        f"between {low:.0%} and {high:.0%}, with its average of {mean:.0%} dashed."
    )
    return View(figure=fig, summary=summary, alt=alt)


@register("lapse-definition")
def lapse_definition_explorer() -> Explorer:
    """Move the two windows that define the target and watch the lapse rate move."""
    return Explorer(
        lapse_definition_view,
        Slider("horizon_days", "Lapse if no visit within (days)", 90, 360, 45, default=180),
        Dropdown(
            "active_days", "Active if a visit within the past",
            [("6 months", 182), ("1 year", 365), ("18 months", 547), ("2 years", 730)],
            default=ACTIVE_DAYS,
        ),
        title="What counts as a lapsed customer?",
    )  # fmt: skip
