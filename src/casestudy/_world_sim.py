"""The monthly simulation behind :mod:`casestudy.world` and its exact lapse truth.

Each person has a state at the start of every month: months since the last visit, a 12-bit
mask of the months with a visit and another of the months with a workshop job, cumulative
spend and e-bike ownership. The monthly visit probability is a logistic function of that
state, of static traits (distance, e-mail engagement, age, a latent propensity) and of the
store's seasonal rhythm. Without a visit the state evolves deterministically, so the chance
of no visit in the 180 days after a cut-off is an exact product along the no-visit path.
A visit falls on a uniformly drawn day of its month, which gives the partly covered last
month its exact weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casestudy import _world_params as params

HORIZON_DAYS = 180
ACTIVE_DAYS = 365
START, END = "2021-01-01", "2025-12-31"
_MASK = 0xFFF
_LOG = np.log(np.arange(1000, dtype=float).clip(1))  # _LOG[r] = log(r), months since a visit
_LOG1P_POP = np.log1p(np.array([bin(i).count("1") for i in range(4096)], dtype=float))


def cutoff_dates(start: str = START, end: str = END) -> list[pd.Timestamp]:
    """Monthly cut-offs with a full year of history before and 180 days of data after.

    A cut-off is the first day of a month: history is everything before it, the label
    window is the 180 days from it.

    Parameters
    ----------
    start, end : str, default="2021-01-01", "2025-12-31"
        First and last day of the history.

    Returns
    -------
    list of pandas.Timestamp

    Examples
    --------
    >>> cuts = cutoff_dates()
    >>> str(cuts[0].date()), str(cuts[-1].date()), len(cuts)
    ('2022-01-01', '2025-07-01', 43)
    """
    first = pd.Timestamp(start) + pd.DateOffset(days=ACTIVE_DAYS)
    first = first if first.day == 1 else first + pd.offsets.MonthBegin(1)
    last = pd.Timestamp(end) + pd.Timedelta(days=1) - pd.Timedelta(days=HORIZON_DAYS)
    return list(pd.date_range(first, last, freq="MS"))


@dataclass
class Calendar:
    """Months of the simulation: first day (days since 1970-01-01) and length of each."""

    months: np.ndarray  # datetime64[M]
    first_day: np.ndarray  # int64
    n_days: np.ndarray  # int64

    @classmethod
    def between(cls, start: str, end: str) -> Calendar:
        """Build the calendar of whole months from ``start`` to ``end`` inclusive."""
        months = np.arange(np.datetime64(start, "M"), np.datetime64(end, "M") + 1)
        first = months.astype("datetime64[D]").astype(np.int64)
        nxt = (months + 1).astype("datetime64[D]").astype(np.int64)
        return cls(months, first, nxt - first)

    @property
    def month_of_year(self) -> np.ndarray:
        """Zero-based month of year (0 = January) of each month."""
        return (self.months.astype(np.int64) % 12).astype(np.int64)


@dataclass
class State:
    """Per-person state at the start of a month (see the module docstring)."""

    recency: np.ndarray  # months since last visit, >= 1
    vmask: np.ndarray  # bit 0 = visit last month
    jmask: np.ndarray  # bit 0 = workshop job last month
    spend: np.ndarray
    ebike: np.ndarray
    last_day: np.ndarray  # day number of the last visit
    terms: np.ndarray | None = None  # spend and e-bike part of the logit, kept up to date

    def __post_init__(self) -> None:
        if self.terms is None:
            self.terms = np.zeros(len(self.spend))
            self.refresh_terms(slice(None))

    def refresh_terms(self, idx: np.ndarray | slice) -> None:
        """Recompute the spend and e-bike logit terms of the people in ``idx``."""
        h = params.HAZARD
        self.terms[idx] = (
            h["log_spend"] * (np.log1p(self.spend[idx]) - 6.0) + h["ebike"] * self.ebike[idx]
        )

    def subset(self, idx: np.ndarray) -> State:
        """Copy of the state of the people in ``idx``."""
        return State(*(getattr(self, f)[idx].copy() for f in self.__dataclass_fields__))

    def age_one_month(self, visited: np.ndarray | None = None) -> None:
        """Advance masks and recency by a month; ``visited`` marks who visited (or nobody)."""
        bit = 0 if visited is None else visited.astype(np.int16)
        self.vmask = ((self.vmask << 1) | bit) & _MASK
        self.jmask = (self.jmask << 1) & _MASK
        self.recency = self.recency + 1
        if visited is not None:
            self.recency[visited] = 1


def static_logit(people: dict[str, np.ndarray]) -> np.ndarray:
    """Part of the visit logit that never changes for a person."""
    h = params.HAZARD
    return (
        h["intercept"]
        + h["log1p_distance"] * np.log1p(people["distance_km"])
        + h["engagement"] * people["engagement"]
        + h["age_per_decade"] * (people["age"] - 40.0) / 10.0
        + h["latent_sd"] * people["latent"]
    )


def hazard(state: State, base: np.ndarray, season: np.ndarray) -> np.ndarray:
    """Monthly visit probability from the state, the static logit and the month's shift.

    ``season`` already holds the store rhythm and any scenario shock for each person.
    """
    h = params.HAZARD
    logit = (
        base
        + season
        + state.terms
        + h["log_recency"] * _LOG[state.recency]
        + h["log1p_visits_12m"] * _LOG1P_POP[state.vmask]
        + h["log1p_jobs_12m"] * _LOG1P_POP[state.jmask]
    )
    return 1.0 / (1.0 + np.exp(-logit))


def exact_lapse(
    state: State, base: np.ndarray, shifts: Callable[[int], np.ndarray], cal: Calendar, m: int
) -> np.ndarray:
    """P(no visit in the 180 days from the first day of month ``m``) for the given people.

    ``shifts(t)`` returns the month-``t`` logit shift of the same people. Months that the
    horizon covers only in part count with the covered fraction of their days.
    """
    s = State(
        state.recency.copy(),
        state.vmask.copy(),
        state.jmask.copy(),
        state.spend,
        state.ebike,
        state.last_day,
        state.terms,
    )
    surv = np.ones(len(base))
    end = cal.first_day[m] + HORIZON_DAYS
    for t in range(m, len(cal.months)):
        covered = min(end - cal.first_day[t], cal.n_days[t])
        if covered <= 0:
            break
        surv *= 1.0 - hazard(s, base, shifts(t)) * covered / cal.n_days[t]
        s.age_one_month()
    return surv


def initial_state(people: dict[str, np.ndarray], cal: Calendar, rng: np.random.Generator) -> State:
    """State at the first month: history for people already in the CRM, empty otherwise."""
    n = len(people["age"])
    pre = people["join_month"] < 0
    rec = np.where(pre, 1 + rng.geometric(1 / 10, n), 1).clip(1, 60).astype(np.int64)
    older = rng.random((n, 12)) < 0.12
    bits = (older * (1 << np.arange(12))).sum(axis=1)
    last_bit = np.where(rec <= 12, 1 << (rec - 1), 0)
    vmask = np.where(rec <= 12, (bits & ~((1 << rec) - 1)) | last_bit, 0)
    vmask = np.where(pre, vmask & _MASK, 0).astype(np.int16)
    jmask = np.where(pre, vmask & (rng.random(n) < 0.4) * _MASK, 0).astype(np.int16)
    spend = np.where(pre, rng.lognormal(6.3, 1.0, n), 0.0)
    ebike = pre & (rng.random(n) < 0.07)
    last_day = cal.first_day[0] - (rec - 1) * 30 - rng.integers(1, 31, n)
    last_day = np.where(pre, last_day, np.iinfo(np.int64).min // 2)
    return State(rec, vmask, jmask, spend, ebike, last_day)
