"""What happens at a visit: where, a purchase and/or a workshop job, what is bought.

All draws are vectorised over the month's visitors. Product codes: 0-4 are the bike types of
``BIKE_TYPES``, 5 and up index ``ITEMS``; job codes index ``JOBS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casestudy import _world_params as params

N_BIKES = len(params.BIKE_TYPES)
WEB = params.STORE_CODES.index("WEB")
EBIKE = params.BIKE_TYPES.index("e-bike")
_ITEM_WEIGHT = 1.0 / np.sqrt(np.array([hi for _, _, _, hi in params.ITEMS]))
_ITEM_WEIGHT /= _ITEM_WEIGHT.sum()
_JOB_WEIGHT = np.array([0.25, 0.12, 0.20, 0.15, 0.12, 0.06, 0.10, 0.0])


@dataclass
class VisitOutcome:
    """Records made by one month's visits, plus what the state needs to know."""

    line_visit: np.ndarray  # position in the visitor array of each line
    line_product: np.ndarray
    line_amount: np.ndarray
    job_visit: np.ndarray
    job_type: np.ndarray
    job_price: np.ndarray
    store: np.ndarray  # per visitor
    seconds: np.ndarray  # per visitor, time of day
    spend: np.ndarray  # per visitor
    ebike_bought: np.ndarray  # per visitor
    had_job: np.ndarray  # per visitor


def log_uniform(lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Prices drawn log-uniformly between ``lo`` and ``hi``, rounded to pence."""
    u = rng.random(np.shape(lo))
    return np.round(np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo))), 2)


def bike_price(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Bike prices ending in .99 (shop style), log-uniform within each type's range."""
    raw = log_uniform(params.BIKE_PRICE[kind, 0], params.BIKE_PRICE[kind, 1], rng)
    return np.round(np.ceil(raw / 50.0) * 50.0 - 0.01, 2)


def choose_rows(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of a (n, k) weight matrix."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1).clip(0, weights.shape[1] - 1)


def bike_types(
    home: np.ndarray, age: np.ndarray, ebike_boost: float, rng: np.random.Generator
) -> np.ndarray:
    """Bike type of each bike bought: store mix, older riders lean to e-bikes and hybrids."""
    w = params.BIKE_SHARE[home].copy()
    older = age >= 55
    w[older, EBIKE] *= 2.0
    w[older, 0] *= 0.6
    w[:, EBIKE] *= ebike_boost
    return choose_rows(w, rng)


def visit_store(home: np.ndarray, workshop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Store of each visit: mostly the home store; web customers use a shop for repairs."""
    u = rng.random(len(home))
    store = np.where((home == WEB) & (u < 0.3), workshop, home)
    other = rng.integers(0, len(params.STORE_CODES), len(home))
    return np.where(rng.random(len(home)) < 0.08, other, store)


def visit_kinds(
    store: np.ndarray, new: np.ndarray, ebike: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each visit has a workshop job and whether it has a purchase (at least one)."""
    n = len(store)
    job = (store != WEB) & ~new & (rng.random(n) < 0.40 + 0.20 * ebike)
    buy = ~job | (rng.random(n) < 0.40)
    return job, buy


def time_of_day(store: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Seconds after midnight: shop hours 09:00-17:30, the web shop mostly in the evening."""
    n = len(store)
    shop = 9 * 3600 + rng.integers(0, int(8.5 * 3600), n)
    web = (rng.normal(20.0, 3.5, n) % 24 * 3600).astype(np.int64)
    return np.where(store == WEB, web, shop)


def purchase_lines(
    buy: np.ndarray,
    new: np.ndarray,
    home: np.ndarray,
    age: np.ndarray,
    ebike_boost: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, ...]:
    """Line items of the purchases: (visit position, product code, amount)."""
    n_lines = np.where(buy, 1 + rng.poisson(0.5, len(buy)), 0)
    visit = np.repeat(np.arange(len(buy)), n_lines)
    first = np.ones(len(visit), dtype=bool)
    first[1:] = visit[1:] != visit[:-1]
    p_bike = np.where(new, 0.6, 0.06)[visit]
    is_bike = first & (rng.random(len(visit)) < p_bike)
    product = 5 + rng.choice(len(params.ITEMS), len(visit), p=_ITEM_WEIGHT)
    kinds = bike_types(home[visit[is_bike]], age[visit[is_bike]], ebike_boost, rng)
    product[is_bike] = kinds
    lo = np.array([lo for _, _, lo, _ in params.ITEMS])[np.maximum(product - 5, 0)]
    hi = np.array([hi for _, _, _, hi in params.ITEMS])[np.maximum(product - 5, 0)]
    amount = log_uniform(lo, hi, rng)
    amount[is_bike] = bike_price(kinds, rng)
    return visit, product, amount


def workshop_jobs(
    job: np.ndarray, ebike: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """Workshop jobs: (visit position, job type, price); e-bike owners get diagnostics."""
    visit = np.flatnonzero(job)
    w = np.tile(_JOB_WEIGHT, (len(visit), 1))
    w[:, -1] = np.where(ebike[visit], 0.35, 0.0)
    kind = choose_rows(w, rng)
    lo = np.array([j[1] for j in params.JOBS])[kind]
    hi = np.array([j[2] for j in params.JOBS])[kind]
    price = np.round(lo + rng.random(len(kind)) * (hi - lo))
    return visit, kind, price


def visit_outcome(
    people: dict[str, np.ndarray],
    idx: np.ndarray,
    new: np.ndarray,
    ebike: np.ndarray,
    ebike_boost: float,
    rng: np.random.Generator,
) -> VisitOutcome:
    """Everything recorded at this month's visits by the people in ``idx``."""
    home, age = people["home"][idx], people["age"][idx]
    store = visit_store(home, people["workshop_store"][idx], rng)
    job, buy = visit_kinds(store, new, ebike, rng)
    buy |= new
    lv, lp, la = purchase_lines(buy, new, home, age, ebike_boost, rng)
    jv, jk, jp = workshop_jobs(job, ebike, rng)
    spend = np.bincount(lv, la, len(idx)) + np.bincount(jv, jp, len(idx))
    bought = np.bincount(lv[lp == EBIKE], minlength=len(idx)) > 0
    return VisitOutcome(lv, lp, la, jv, jk, jp, store, time_of_day(store, rng), spend, bought, job)
