"""A/B test planning for two proportions, normal approximation (private; see evaluate).

Per arm, to tell rates ``p1`` and ``p2`` apart at significance ``alpha`` with power
``1 - beta`` (Fleiss, Levin and Paik, *Statistical Methods for Rates and Proportions*, 2003,
eq. 4.14, without or with the continuity correction of eq. 4.15)::

    n = (z_a * sqrt(2 * pbar * (1 - pbar)) + z_b * sqrt(p1 (1 - p1) + p2 (1 - p2)))**2
        / (p1 - p2)**2
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from casestudy._evaluate_checks import EvaluationInputError, check_number

_Z = NormalDist()


@dataclass(frozen=True)
class ABTestPlan:
    """Sample size and duration of an A/B test (customers per arm, months)."""

    baseline: float
    treatment: float
    n_per_arm: int
    n_total: int
    monthly_eligible: int | None
    months: float

    def __str__(self) -> str:
        return (
            f"{self.baseline:.1%} vs {self.treatment:.1%}: {self.n_per_arm:,} customers per "
            f"arm, {self.n_total:,} in total, {self.months:.1f} months"
        )


def _z(alpha: float, power: float, two_sided: bool) -> tuple[float, float]:
    return _Z.inv_cdf(1 - alpha / (2 if two_sided else 1)), _Z.inv_cdf(power)


def _n(p1: float, p2: float, za: float, zb: float, correction: bool) -> float:
    pbar, delta = (p1 + p2) / 2, abs(p2 - p1)
    root = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    n = root**2 / delta**2
    return n / 4 * (1 + math.sqrt(1 + 4 / (n * delta))) ** 2 if correction else n


def _check(where: str, baseline: Any, alpha: Any, power: Any) -> tuple[float, float, float]:
    b = check_number(
        baseline, "baseline", where=where, low=0, high=1, low_open=True, high_open=True
    )
    a = check_number(alpha, "alpha", where=where, low=0, high=1, low_open=True, high_open=True)
    pw = check_number(power, "power", where=where, low=0, high=1, low_open=True, high_open=True)
    return b, a, pw


def _treatment(where: str, b: float, uplift: Any, relative: bool) -> float:
    u = check_number(uplift, "uplift", where=where)
    p2 = b * (1 + u) if relative else b + u
    if not 0 < p2 < 1 or u == 0:
        raise EvaluationInputError(
            where,
            "uplift",
            f"gives a treatment rate of {p2:g}, which must differ from the "
            f"baseline {b:g} and lie strictly between 0 and 1",
            found=repr(uplift),
            fix="Pass an absolute change (e.g. 0.03) or relative=True with e.g. -0.1.",
        )
    return p2


def sample_size(
    baseline: Any,
    *,
    uplift: Any,
    relative: bool = False,
    alpha: Any = 0.05,
    power: Any = 0.8,
    two_sided: bool = True,
    continuity_correction: bool = False,
) -> int:
    where = "ab_sample_size"
    b, a, pw = _check(where, baseline, alpha, power)
    p2 = _treatment(where, b, uplift, relative)
    return math.ceil(_n(b, p2, *_z(a, pw, two_sided), continuity_correction) - 1e-9)


def plan(
    baseline: Any,
    *,
    uplift: Any,
    monthly_eligible: Any,
    relative: bool = False,
    alpha: Any = 0.05,
    power: Any = 0.8,
    two_sided: bool = True,
    continuity_correction: bool = False,
) -> ABTestPlan:
    n = sample_size(
        baseline,
        uplift=uplift,
        relative=relative,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        continuity_correction=continuity_correction,
    )
    eligible = check_number(
        monthly_eligible, "monthly_eligible", where="ab_test_plan", low=1, integer=True
    )
    b = float(baseline)
    p2 = b * (1 + float(uplift)) if relative else b + float(uplift)
    return ABTestPlan(b, p2, n, 2 * n, eligible, 2 * n / eligible)


def detectable_effect(
    baseline: Any,
    *,
    n_per_arm: Any,
    alpha: Any = 0.05,
    power: Any = 0.8,
    two_sided: bool = True,
    direction: str = "increase",
) -> float:
    where = "minimal_detectable_effect"
    b, a, pw = _check(where, baseline, alpha, power)
    n = check_number(n_per_arm, "n_per_arm", where=where, low=1)
    if direction not in ("increase", "decrease"):
        raise EvaluationInputError(
            where,
            "direction",
            "must be 'increase' or 'decrease'",
            found=repr(direction),
            fix="Pick one of them.",
        )
    sign = 1 if direction == "increase" else -1
    room = (1 - b) if sign > 0 else b
    za, zb = _z(a, pw, two_sided)
    low, high = 0.0, room * (1 - 1e-12)
    if _n(b, b + sign * high, za, zb, False) > n:
        return math.nan  # even the largest possible change needs more customers
    for _ in range(100):  # n falls as the effect grows, so bisect on the effect
        mid = (low + high) / 2
        low, high = (mid, high) if _n(b, b + sign * mid, za, zb, False) > n else (low, mid)
    return high
