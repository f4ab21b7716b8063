"""The month-by-month run of the Bike Shop world: visits, records and the exact truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from casestudy import _world_params as params
from casestudy._world_sim import (
    ACTIVE_DAYS,
    Calendar,
    State,
    exact_lapse,
    hazard,
    initial_state,
    static_logit,
)
from casestudy._world_visits import visit_outcome


@dataclass(frozen=True)
class Scenario:
    """Switches for the production chapters; all off by default (the shipped world).

    Parameters
    ----------
    ebike_growth : bool, default=False
        E-bikes' share of bike sales grows steadily from 2023 (slow drift).
    competitor_store : str or None, default=None
        Store code near which a competitor opens; its customers visit less from then on.
    competitor_date : str, default="2026-03-01"
        Month the competitor opens.
    till_upgrade_date : str or None, default=None
        From this date the tills write renamed product categories (a silent break).

    Examples
    --------
    >>> Scenario().is_default
    True
    >>> Scenario(competitor_store="CST").is_default
    False
    """

    ebike_growth: bool = False
    competitor_store: str | None = None
    competitor_date: str = "2026-03-01"
    till_upgrade_date: str | None = None

    def __post_init__(self) -> None:
        codes = params.STORE_CODES
        if self.competitor_store is not None and self.competitor_store not in codes:
            raise ValueError(
                f"The 'competitor_store' parameter of Scenario must be one of "
                f"{codes} or None. Got {self.competitor_store!r} instead."
            )
        for name in ("competitor_date", "till_upgrade_date"):
            value = getattr(self, name)
            try:
                np.datetime64(value or "2000-01-01", "D")
            except ValueError as err:
                raise ValueError(
                    f"The '{name}' parameter of Scenario must be a date "
                    f"'YYYY-MM-DD'. Got {value!r} instead."
                ) from err

    @property
    def is_default(self) -> bool:
        """True when every switch is off."""
        return self == Scenario()


@dataclass
class Records:
    """Arrays collected month by month, concatenated at the end."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **arrays: np.ndarray) -> None:
        """Append one month's arrays under their names."""
        for name, arr in arrays.items():
            self.parts.setdefault(name, []).append(arr)

    def done(self) -> dict[str, np.ndarray]:
        """All collected arrays, concatenated per name."""
        return {k: np.concatenate(v) for k, v in self.parts.items()}


def shift_function(
    home: np.ndarray, cal: Calendar, scenario: Scenario
) -> Callable[..., np.ndarray]:
    """``shift(t, idx)``: month-``t`` logit shift of people ``idx`` (default everyone).

    The shift is the home store's rhythm plus any competitor shock.
    """
    moy = cal.month_of_year
    comp_month = np.datetime64(scenario.competitor_date, "M")
    hit = (
        home == params.STORE_CODES.index(scenario.competitor_store)
        if scenario.competitor_store
        else np.zeros(len(home), bool)
    )

    def shift(t: int, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        out = params.SEASON[:, moy[t]][home[idx]]
        if cal.months[t] >= comp_month:
            out = out + params.HAZARD["competitor"] * hit[idx]
        return out

    return shift


def ebike_boost(cal: Calendar, t: int, scenario: Scenario) -> float:
    """Multiplier of the e-bike weight in bike sales in month ``t`` (1 unless growing)."""
    if not scenario.ebike_growth:
        return 1.0
    years = (cal.months[t] - np.datetime64("2023-01", "M")).astype(int) / 12.0
    return float(np.exp(0.45 * max(years, 0.0)))


def record_truth(
    rec: Records,
    state: State,
    base: np.ndarray,
    shift: Callable[..., np.ndarray],
    cal: Calendar,
    t: int,
    joined: np.ndarray,
) -> None:
    """Store the exact lapse probability of everyone active at the first day of month ``t``."""
    active = np.flatnonzero(joined & (state.last_day >= cal.first_day[t] - ACTIVE_DAYS))
    p = exact_lapse(state.subset(active), base[active], lambda m: shift(m, active), cal, t)
    rec.add(
        truth_person=active.astype(np.int32),
        truth_month=np.full(len(active), t, np.int16),
        truth_p=p,
    )


def record_month(rec: Records, idx: np.ndarray, day: np.ndarray, out) -> None:
    """Store one month's visits, purchase lines and workshop jobs."""
    rec.add(visit_person=idx, visit_day=day, visit_store=out.store)
    rec.add(
        line_person=idx[out.line_visit],
        line_day=day[out.line_visit],
        line_sec=out.seconds[out.line_visit],
        line_store=out.store[out.line_visit],
        line_product=out.line_product,
        line_amount=out.line_amount,
    )
    rec.add(
        job_person=idx[out.job_visit],
        job_day=day[out.job_visit],
        job_store=out.store[out.job_visit],
        job_type=out.job_type,
        job_price=out.job_price,
    )


def update_state(state: State, idx: np.ndarray, day: np.ndarray, out, visited: np.ndarray) -> None:
    """Apply one month's visits to the state and advance it by a month."""
    state.spend[idx] += out.spend
    state.ebike[idx] |= out.ebike_bought
    state.refresh_terms(idx)
    state.last_day[idx] = day
    state.age_one_month(visited)
    state.jmask[idx[out.had_job]] |= 1


def simulate(
    people: dict[str, np.ndarray],
    cal: Calendar,
    *,
    cutoff_months: set[int],
    scenario: Scenario,
    rng: np.random.Generator,
    progress: Callable[[], None] | None = None,
) -> tuple[dict[str, np.ndarray], State]:
    """Run the world month by month; return the collected records and the final state."""
    n = len(people["age"])
    state = initial_state(people, cal, rng)
    base = static_logit(people)
    shift = shift_function(people["home"], cal, scenario)
    joined = people["join_month"] < 0
    rec = Records()
    for t in range(len(cal.months)):
        if t in cutoff_months:
            record_truth(rec, state, base, shift, cal, t, joined)
        new = people["join_month"] == t
        joined |= new
        visited = joined & ((rng.random(n) < hazard(state, base, shift(t))) | new)
        idx = np.flatnonzero(visited)
        day = np.where(
            new[idx],
            people["join_day"][idx],
            cal.first_day[t] + (rng.random(len(idx)) * cal.n_days[t]).astype(np.int64),
        )
        out = visit_outcome(
            people, idx, new[idx], state.ebike[idx], ebike_boost(cal, t, scenario), rng
        )
        record_month(rec, idx, day, out)
        update_state(state, idx, day, out, visited)
        if progress is not None:
            progress()
    return rec.done(), state
