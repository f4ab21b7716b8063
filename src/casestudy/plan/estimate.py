"""Estimating time and effort: task breakdown, three-point estimates and Monte Carlo.

Each task has a three-point estimate in person-days (``min``, ``likely``, ``max``) made *as
if the data were clean and simple*. Complexity factors (factors.yaml) then multiply whole
task groups: the author's rule doubles for each of complex data, big data and a complex
compute platform, and this course adds smaller, arguable multipliers for dirty data,
ethics and privacy work, several models, unstructured data, complicated evaluation and
heavy documentation. Factors on the same group multiply together.

The simulation draws every task's effort from a PERT-beta (default) or triangular
distribution, all runs at once in one ``(n_runs, n_tasks)`` array, and turns effort into
calendar time with a deliberately simple **scheduling rule**:

* phases run one after another (pre-project, sprint 0, sprints 1-3, sprint Ω);
* within a phase, each role works through its own tasks at its FTE (1 FTE = 5 person-days
  a week), so the phase lasts as long as its busiest role needs;
* the project's calendar time is the sum of the phase lengths, in working weeks.

The rule ignores holidays, hand-offs and waiting, so real calendars are longer; it is for
comparing options, not for promising a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casestudy.plan._checks import (
    PlanError,
    choice,
    number,
    read_entries,
    read_mapping,
    require,
    text_tuple,
    unique_ids,
)
from casestudy.plan._vocab import GROUPS, PHASE_LABELS, PHASES, ROLES
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "DAYS_PER_WEEK",
    "Factor",
    "RuleOfThumb",
    "Simulation",
    "Task",
    "assessed_factors",
    "compare_with_rule_of_thumb",
    "expected_effort",
    "load_factors",
    "load_rule_of_thumb",
    "load_tasks",
    "parse_factors",
    "parse_tasks",
    "phase_table",
    "plot_effort_distribution",
    "rule_of_thumb",
    "sample_effort",
    "schedule_weeks",
    "select_factors",
    "simulate_project",
    "summarise",
    "task_multipliers",
]

#: Person-days one full-time person works in a week.
DAYS_PER_WEEK = 5.0
_METHODS = ("pert", "triangular")


@dataclass(frozen=True)
class Task:
    """A task with a three-point estimate in person-days, its phase, group and role."""

    id: str
    name: str
    phase: str
    group: str
    role: str
    min: float
    likely: float
    max: float


@dataclass(frozen=True)
class Factor:
    """A complexity factor: multiplies the effort of the task groups in ``applies_to``."""

    id: str
    label: str
    multiplier: float
    applies_to: tuple[str, ...]
    doubling: bool = False
    bike_shop: bool = False


@dataclass(frozen=True)
class RuleOfThumb:
    """The author's rule for a first project: double it; more than ~20 days is much bigger."""

    first_project_multiplier: float = 2.0
    much_bigger_above_days: float = 20.0


_TASK_FIELDS = ("id", "name", "phase", "group", "role", "min", "likely", "max")
_ROLE_FIX = "Use a role id from roles.yaml (see casestudy.plan.ROLES)."


def _three_point(record: Mapping[str, Any], where: str) -> tuple[float, float, float]:
    fix = "Durations are person-days, zero or more."
    lo, mid, hi = (
        number(record[f], where=where, field=f, low=0.0, fix=fix) for f in ("min", "likely", "max")
    )
    fix = "Order the three-point estimate so that min <= likely <= max."
    if lo > hi:
        rule = f"must not exceed 'max' ({record['max']})"
        raise PlanError(where, "min", record["min"], rule, fix)
    if not lo <= mid <= hi:
        rule = f"must lie between 'min' ({record['min']}) and 'max' ({record['max']})"
        raise PlanError(where, "likely", record["likely"], rule, fix)
    return lo, mid, hi


def _no_extra_fields(record: Mapping[str, Any], known: Sequence[str], *, where: str) -> None:
    """Reject unknown fields: in YAML's one-line {...} form an unquoted comma splits a value."""
    for key in record:
        if key not in known:
            raise PlanError(
                where,
                str(key),
                record[key],
                f"is not a known field (known: {list(known)})",
                'If it is part of a text with a comma, quote the text: name: "A, B and C".',
            )


def _task(record: Mapping[str, Any], roles: Sequence[str]) -> Task:
    where = f"Task {record.get('name', record.get('id', '?'))!r}"
    require(record, _TASK_FIELDS, where=where, source="tasks.yaml")
    _no_extra_fields(record, _TASK_FIELDS, where=where)
    choice(record["phase"], PHASES, where=where, field="phase")
    choice(record["group"], GROUPS, where=where, field="group")
    choice(record["role"], roles, where=where, field="role", fix=_ROLE_FIX)
    lo, mid, hi = _three_point(record, where)
    text = {f: str(record[f]) for f in _TASK_FIELDS[:5]}
    return Task(**text, min=lo, likely=mid, max=hi)


def parse_tasks(
    records: Sequence[Mapping[str, Any]],
    *,
    roles: Sequence[str] = ROLES,
) -> tuple[Task, ...]:
    """Validate task records (dicts shaped like tasks.yaml) into :class:`Task` objects.

    Parameters
    ----------
    records : sequence of dict
        One dict per task, with the fields of :class:`Task`.
    roles : sequence of str, default=ROLES
        The role ids tasks may use.

    Returns
    -------
    tuple of Task

    Raises
    ------
    PlanError
        For a missing field, an unknown phase, group or role, a negative duration, or a
        three-point estimate out of order.

    Examples
    --------
    >>> rec = dict(id="T1", name="Data survey", phase="sprint-1", group="data",
    ...            role="data-scientist", min=12, likely=10, max=8)
    >>> parse_tasks([rec])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Task 'Data survey': 'min' (12) must not exceed 'max' (8). ...
    >>> parse_tasks([{**rec, "min": 4, "role": "wizard"}])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Task 'Data survey': 'role' ('wizard') must be one of [...
    >>> parse_tasks([{**rec, "min": 4, "name": "Ethics", "privacy and security": None}])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Task 'Ethics': 'privacy and security' (None) is not ...
    """
    tasks = tuple(_task(r if isinstance(r, Mapping) else {"record": r}, roles) for r in records)
    unique_ids((t.id for t in tasks), what="Task", source="tasks.yaml")
    if not tasks:
        raise PlanError("Tasks", "tasks", [], "must not be empty", "List at least one task.")
    return tasks


def load_tasks(path: str | Path | None = None) -> tuple[Task, ...]:
    """Load and validate tasks.yaml (default: the Bike Shop's task breakdown).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/tasks.yaml.

    Returns
    -------
    tuple of Task

    Examples
    --------
    >>> tasks = load_tasks()
    >>> len(tasks), tasks[0].phase, tasks[-1].phase
    (32, 'pre-project', 'sprint-omega')
    """
    return parse_tasks(read_entries(path, "tasks.yaml", "tasks"))


def _factor(record: Mapping[str, Any]) -> Factor:
    where = f"Factor {record.get('id', '?')!r}"
    require(record, ("id", "label", "multiplier", "applies_to"), where=where, source="factors.yaml")
    multiplier = number(
        record["multiplier"],
        where=where,
        field="multiplier",
        low=1.0,
        fix="A complexity factor can only add work: use 1 or more.",
    )
    groups = text_tuple(record["applies_to"], where=where, field="applies_to")
    for group in groups:
        choice(group, GROUPS, where=where, field="applies_to")
    flags = {f: record.get(f, False) for f in ("doubling", "bike_shop")}
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise PlanError(where, name, flag, "must be true or false", "Write true or false.")
    return Factor(str(record["id"]), record["label"], multiplier, groups, **flags)


def parse_factors(records: Sequence[Mapping[str, Any]]) -> tuple[Factor, ...]:
    """Validate complexity-factor records into :class:`Factor` objects.

    Parameters
    ----------
    records : sequence of dict
        One dict per factor, with the fields of :class:`Factor`.

    Returns
    -------
    tuple of Factor

    Examples
    --------
    >>> parse_factors([dict(id="big-data", label="Big data", multiplier=0.5,
    ...                     applies_to=["data"])])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Factor 'big-data': 'multiplier' (0.5) must be at least 1. ...
    """
    factors = tuple(_factor(r if isinstance(r, Mapping) else {"record": r}) for r in records)
    unique_ids((f.id for f in factors), what="Factor", source="factors.yaml")
    return factors


def load_factors(path: str | Path | None = None) -> tuple[Factor, ...]:
    """Load and validate the complexity factors from factors.yaml.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/factors.yaml.

    Returns
    -------
    tuple of Factor

    Examples
    --------
    >>> [f.id for f in load_factors() if f.doubling]
    ['complex-data', 'big-data', 'distributed-compute']
    """
    return parse_factors(read_entries(path, "factors.yaml", "factors"))


def load_rule_of_thumb(path: str | Path | None = None) -> RuleOfThumb:
    """Load the rule-of-thumb settings from factors.yaml.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like factors.yaml (its ``rule_of_thumb`` mapping).

    Returns
    -------
    RuleOfThumb

    Examples
    --------
    >>> load_rule_of_thumb()
    RuleOfThumb(first_project_multiplier=2.0, much_bigger_above_days=20.0)
    """
    content = read_mapping(path, "factors.yaml").get("rule_of_thumb", {})
    where = "Rule of thumb"
    return RuleOfThumb(
        number(
            content.get("first_project_multiplier", 2.0),
            where=where,
            field="first_project_multiplier",
            low=1.0,
        ),
        number(
            content.get("much_bigger_above_days", 20.0),
            where=where,
            field="much_bigger_above_days",
            low=0.0,
        ),
    )


def select_factors(factors: Iterable[Factor], ids: Iterable[str]) -> tuple[Factor, ...]:
    """Pick factors by id, in the order given; unknown ids raise with the known ones.

    Parameters
    ----------
    factors : iterable of Factor
        The factor table.
    ids : iterable of str
        The factors to switch on.

    Returns
    -------
    tuple of Factor

    Examples
    --------
    >>> [f.multiplier for f in select_factors(load_factors(), ["big-data"])]
    [2.0]
    """
    by_id = {f.id: f for f in factors}
    return tuple(by_id[choice(i, by_id, where="select_factors", field="ids")] for i in ids)


def assessed_factors(factors: Iterable[Factor]) -> tuple[Factor, ...]:
    """The factors assessed as present for the Bike Shop (``bike_shop: true``).

    Parameters
    ----------
    factors : iterable of Factor

    Returns
    -------
    tuple of Factor

    Examples
    --------
    >>> [f.id for f in assessed_factors(load_factors())]
    ['dirty-data', 'ethics-privacy', 'documentation']
    """
    return tuple(f for f in factors if f.bike_shop)


def task_multipliers(tasks: Sequence[Task], factors: Iterable[Factor] = ()) -> np.ndarray:
    """Each task's effort multiplier: the product of the factors applying to its group.

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()
        The factors switched on.

    Returns
    -------
    ndarray of shape (n_tasks,)

    Examples
    --------
    >>> f = select_factors(load_factors(), ["complex-data", "dirty-data"])
    >>> t = load_tasks()
    >>> [(x.group, float(m)) for x, m in zip(t[:3], task_multipliers(t[:3], f))]
    [('management', 1.0), ('data', 2.6), ('governance', 1.0)]
    """
    factors = tuple(factors)
    return np.array(
        [np.prod([f.multiplier for f in factors if t.group in f.applies_to]) for t in tasks],
        dtype=float,
    )


def _bounds(tasks: Sequence[Task]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return tuple(
        np.array([getattr(t, f) for t in tasks], dtype=float) for f in ("min", "likely", "max")
    )


@lru_cache(maxsize=32)
def _pert_table(bounds: tuple[tuple[float, float, float], ...], grid: int) -> np.ndarray:
    """Quantiles of each task's standard PERT-Beta at ``grid`` even levels (cached)."""
    lo, mid, hi = (np.array(v) for v in zip(*bounds, strict=True))
    width = np.where(hi - lo > 0, hi - lo, 1.0)
    a, b = 1 + 4 * (mid - lo) / width, 1 + 4 * (hi - mid) / width
    x = np.linspace(0.0, 1.0, 4 * grid)
    pdf = x[:, None] ** (a - 1) * (1 - x[:, None]) ** (b - 1)
    cdf = np.vstack([np.zeros(len(a)), np.cumsum((pdf[1:] + pdf[:-1]) / 2, axis=0)])
    levels = np.linspace(0.0, 1.0, grid)
    return np.column_stack([np.interp(levels, cdf[:, j] / cdf[-1, j], x) for j in range(len(a))])


def _pert_inverse_cdf(
    u: np.ndarray, lo: np.ndarray, mid: np.ndarray, hi: np.ndarray, *, grid: int = 4097
) -> np.ndarray:
    """PERT quantiles from a table of each task's Beta quantiles at ``grid`` even steps.

    The Beta CDF is integrated numerically on a fine grid (the PERT shapes are >= 1, so the
    density is bounded) and inverted once per task; the big array of uniforms is then
    mapped by linear interpolation in one vectorised step.
    """
    table = _pert_table(tuple(zip(lo.tolist(), mid.tolist(), hi.tolist(), strict=True)), grid)
    pos = u * (grid - 1)
    i = np.minimum(pos.astype(np.intp), grid - 2)
    cols = np.arange(len(lo))
    flat = i * len(lo) + cols  # one gather per array instead of three
    q = table.ravel()[flat] + (pos - i) * np.diff(table, axis=0).ravel()[flat]
    return lo + (hi - lo) * q


def _triangular_inverse_cdf(
    u: np.ndarray, lo: np.ndarray, mid: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    width = hi - lo
    c = (mid - lo) / np.where(width > 0, width, 1.0)
    left = lo + np.sqrt(u * width * (mid - lo))
    right = hi - np.sqrt((1 - u) * width * (hi - mid))
    return np.where(u < c, left, right)


def sample_effort(
    tasks: Sequence[Task],
    *,
    n_runs: int = 100_000,
    seed: int = 0,
    method: str = "pert",
    correlation: float = 0.0,
) -> np.ndarray:
    """Draw every task's effort for ``n_runs`` runs at once: an ``(n_runs, n_tasks)`` array.

    ``"pert"`` is ``min + (max - min) * Beta(a, b)`` with ``a = 1 + 4 (likely - min) /
    (max - min)`` and ``b = 1 + 4 (max - likely) / (max - min)`` (mean ``(min + 4 likely +
    max) / 6``); ``"triangular"`` is the triangular distribution. Both are drawn by the
    inverse-CDF method from one array of uniforms. A task with ``min == max`` always takes
    that long. The same seed gives the same draws.

    Independent tasks make the total too certain (their errors cancel), while real tasks
    share causes (the data is worse than hoped for *every* task). ``correlation`` models
    this simply: in each run, each task follows the project's common luck with probability
    ``correlation`` and its own luck otherwise, so any two tasks have rank correlation
    ``correlation``.

    Parameters
    ----------
    tasks : sequence of Task
    n_runs : int, default=100_000
    seed : int, default=0
    method : {"pert", "triangular"}, default="pert"
    correlation : float in [0, 1], default=0.0

    Returns
    -------
    ndarray of shape (n_runs, n_tasks)
        Person-days, before any complexity factor.

    Examples
    --------
    >>> draws = sample_effort(load_tasks(), n_runs=1000, seed=1)
    >>> draws.shape
    (1000, 32)
    >>> bool((draws == sample_effort(load_tasks(), n_runs=1000, seed=1)).all())
    True
    """
    number(n_runs, where="sample_effort", field="n_runs", low=1, fix="Use at least one run.")
    choice(method, _METHODS, where="sample_effort", field="method")
    rho = number(
        correlation,
        where="sample_effort",
        field="correlation",
        low=0.0,
        high=1.0,
        fix="Give a correlation between 0 (independent tasks) and 1 (all alike).",
    )
    lo, mid, hi = _bounds(tasks)
    rng = np.random.default_rng(seed)
    u = rng.random((int(n_runs), len(lo)))
    if rho > 0:
        common = rng.random((int(n_runs), 1))
        u = np.where(rng.random(u.shape) < rho, common, u)
    if method == "pert":
        return _pert_inverse_cdf(u, lo, mid, hi)
    return _triangular_inverse_cdf(u, lo, mid, hi)


def expected_effort(
    tasks: Sequence[Task],
    factors: Iterable[Factor] = (),
    *,
    method: str = "pert",
) -> pd.DataFrame:
    """Each task's mean effort after the factors: a DataFrame for tables and team design.

    The PERT mean is ``(min + 4 likely + max) / 6``; the triangular mean is
    ``(min + likely + max) / 3``.

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()
    method : {"pert", "triangular"}, default="pert"

    Returns
    -------
    DataFrame
        One row per task: ``id``, ``name``, ``phase``, ``group``, ``role``,
        ``multiplier`` and ``effort_days``.

    Examples
    --------
    >>> e = expected_effort(load_tasks())
    >>> round(float(e["effort_days"].sum()), 1)
    131.7
    """
    choice(method, _METHODS, where="expected_effort", field="method")
    lo, mid, hi = _bounds(tasks)
    mean = (lo + 4 * mid + hi) / 6 if method == "pert" else (lo + mid + hi) / 3
    frame = pd.DataFrame(
        [
            {"id": t.id, "name": t.name, "phase": t.phase, "group": t.group, "role": t.role}
            for t in tasks
        ]
    )
    frame["multiplier"] = task_multipliers(tasks, factors)
    frame["effort_days"] = mean * frame["multiplier"].to_numpy()
    return frame


def _check_team_entries(team: Mapping[str, float]) -> None:
    if not isinstance(team, Mapping):
        example = "Pass e.g. {'data-scientist': 1.0, 'data-engineer': 0.5, ...}."
        raise PlanError("Team", "team", team, "must map role ids to FTE", example)
    for role, fte in team.items():
        choice(role, ROLES, where="Team", field="role", fix=_ROLE_FIX)
        fix = "Give a full-time equivalent of zero or more (0.5 = half time)."
        number(fte, where=f"Team role {role!r}", field="fte", low=0.0, fix=fix)


def _check_team(team: Mapping[str, float], tasks: Sequence[Task]) -> np.ndarray:
    """The team's FTE in ROLES order, after checking every role with tasks has some."""
    _check_team_entries(team)
    fte = np.array([float(team.get(r, 0.0)) for r in ROLES])
    for role, n in zip(ROLES, fte, strict=True):
        needing = [t.id for t in tasks if t.role == role]
        if needing and n <= 0:
            rule = f"is zero, but tasks {needing} need it"
            fix = f"Give '{role}' some capacity (e.g. 0.25) or reassign the tasks."
            raise PlanError("Team", role, float(n), rule, fix)
    return fte


def schedule_weeks(effort: np.ndarray, fte: np.ndarray) -> np.ndarray:
    """Calendar weeks from effort by phase and role: the course's scheduling rule.

    Parameters
    ----------
    effort : array of shape (n_runs, n_phases, n_roles)
        Person-days of work for each role in each phase.
    fte : array of shape (n_roles,)
        Each role's full-time equivalents; a role with no work may have 0.

    Returns
    -------
    array of shape (n_runs,)
        ``sum over phases of max over roles of effort / (fte * DAYS_PER_WEEK)``.

    Examples
    --------
    >>> effort = np.array([[[10.0, 5.0], [0.0, 20.0]]])   # one run, two phases, two roles
    >>> schedule_weeks(effort, np.array([1.0, 0.5]))       # 2 weeks, then 8 weeks
    array([10.])
    """
    capacity = np.where(fte > 0, fte * DAYS_PER_WEEK, np.inf)
    return (effort / capacity).max(axis=2).sum(axis=1)


@dataclass(frozen=True, eq=False)
class Simulation:
    """The runs of a Monte Carlo estimate (arrays of one value per run)."""

    effort_by_role: np.ndarray = field(repr=False)
    weeks: np.ndarray = field(repr=False)
    team: dict[str, float]
    factors: tuple[str, ...]
    n_runs: int
    seed: int
    method: str
    correlation: float = 0.0

    @property
    def effort(self) -> np.ndarray:
        """Total person-days in each run."""
        return self.effort_by_role.sum(axis=1)

    def cost(self, day_rates: Mapping[str, float]) -> np.ndarray:
        """Cost of the effort in each run (person-days of each role times its day rate)."""
        rates = np.array([float(day_rates.get(r, 0.0)) for r in ROLES])
        return self.effort_by_role @ rates


def simulate_project(
    tasks: Sequence[Task],
    *,
    team: Mapping[str, float],
    factors: Iterable[Factor] = (),
    n_runs: int = 100_000,
    seed: int = 0,
    method: str = "pert",
    correlation: float = 0.0,
) -> Simulation:
    """Monte Carlo of the project's effort and calendar time (vectorised, seeded).

    Parameters
    ----------
    tasks : sequence of Task
    team : mapping of role id to FTE
        Capacity of each role; every role with tasks needs some.
    factors : iterable of Factor, default=()
        The complexity factors switched on (see :func:`select_factors`).
    n_runs : int, default=100_000
    seed : int, default=0
    method : {"pert", "triangular"}, default="pert"
    correlation : float in [0, 1], default=0.0
        How far tasks share their luck (see :func:`sample_effort`).

    Returns
    -------
    Simulation
        Effort by role and calendar weeks for every run; see :func:`summarise`.

    Examples
    --------
    >>> team = {r: 1.0 for r in ("data-engineer", "data-scientist", "ml-engineer",
    ...         "software-engineer", "ux-designer", "product-owner", "domain-expert")}
    >>> sim = simulate_project(load_tasks(), team=team, n_runs=2000, seed=3)
    >>> bool(sim.effort.min() > 0), sim.weeks.shape
    (True, (2000,))
    """
    fte = _check_team(team, tasks)
    factors = tuple(factors)
    draws = sample_effort(tasks, n_runs=n_runs, seed=seed, method=method, correlation=correlation)
    draws *= task_multipliers(tasks, factors)
    cell = np.zeros((len(tasks), len(PHASES) * len(ROLES)))
    for i, t in enumerate(tasks):
        cell[i, PHASES.index(t.phase) * len(ROLES) + ROLES.index(t.role)] = 1.0
    effort = (draws @ cell).reshape(len(draws), len(PHASES), len(ROLES))
    return Simulation(
        effort.sum(axis=1),
        schedule_weeks(effort, fte),
        {r: float(team.get(r, 0.0)) for r in ROLES},
        tuple(f.id for f in factors),
        int(n_runs),
        seed,
        method,
        float(correlation),
    )


def summarise(
    sim: Simulation,
    *,
    day_rates: Mapping[str, float] | None = None,
    percentiles: Sequence[float] = (50, 80, 95),
) -> pd.DataFrame:
    """Percentiles of effort (person-days), calendar time (weeks) and, with day rates, cost.

    Parameters
    ----------
    sim : Simulation
    day_rates : mapping of role id to £ per day, optional
        Adds a ``cost`` column.
    percentiles : sequence of float, default=(50, 80, 95)

    Returns
    -------
    DataFrame
        Rows ``P50``, ``P80``, ``P95``; columns ``effort_days``, ``weeks`` (and ``cost``).

    Examples
    --------
    >>> team = dict.fromkeys(("data-engineer", "data-scientist", "ml-engineer",
    ...     "software-engineer", "ux-designer", "product-owner", "domain-expert"), 1.0)
    >>> s = summarise(simulate_project(load_tasks(), team=team, n_runs=5000))
    >>> list(s.index), list(s.columns)
    (['P50', 'P80', 'P95'], ['effort_days', 'weeks'])
    >>> bool(s["effort_days"].is_monotonic_increasing)
    True
    """
    for q in percentiles:
        number(q, where="summarise", field="percentiles", low=0, high=100)
    columns = {"effort_days": sim.effort, "weeks": sim.weeks}
    if day_rates is not None:
        columns["cost"] = sim.cost(day_rates)
    index = [f"P{q:g}" for q in percentiles]
    return pd.DataFrame({k: np.percentile(v, percentiles) for k, v in columns.items()}, index=index)


def rule_of_thumb(
    tasks: Sequence[Task],
    factors: Iterable[Factor] = (),
    *,
    rule: RuleOfThumb = RuleOfThumb(),
) -> dict[str, Any]:
    """The author's rule of thumb applied to the sum of the most-likely estimates.

    Double the single-person estimate for a first project, then double again (the factor's
    multiplier) for each *doubling* factor switched on (complex data, big data, complex
    compute platform). Other factors are "to weigh" and are not in the rule.

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()
        The factors switched on; only the doubling ones count.
    rule : RuleOfThumb, default=RuleOfThumb()

    Returns
    -------
    dict
        ``sum_of_likely``, ``multiplier``, ``effort_days`` and ``much_bigger`` (True when
        the plain sum already exceeds the rule's threshold of about 20 days).

    Examples
    --------
    >>> r = rule_of_thumb(load_tasks(), select_factors(load_factors(), ["complex-data"]))
    >>> r["sum_of_likely"], r["multiplier"], r["effort_days"], r["much_bigger"]
    (122.0, 4.0, 488.0, True)
    """
    base = float(sum(t.likely for t in tasks))
    multiplier = rule.first_project_multiplier * float(
        np.prod([f.multiplier for f in factors if f.doubling])
    )
    return {
        "sum_of_likely": base,
        "multiplier": multiplier,
        "effort_days": base * multiplier,
        "much_bigger": base > rule.much_bigger_above_days,
    }


def compare_with_rule_of_thumb(
    sim: Simulation,
    tasks: Sequence[Task],
    factors: Iterable[Factor] = (),
    *,
    rule: RuleOfThumb = RuleOfThumb(),
) -> pd.DataFrame:
    """Set the simulation's P50/P80/P95 effort beside the sum of estimates and the rule.

    Parameters
    ----------
    sim : Simulation
    tasks : sequence of Task
    factors : iterable of Factor, default=()
        Should be the factors the simulation used.
    rule : RuleOfThumb, default=RuleOfThumb()

    Returns
    -------
    DataFrame
        Columns ``method`` and ``effort_days``: the sum of the most-likely estimates, the
        rule of thumb, and the simulation's P50, P80 and P95.

    Examples
    --------
    >>> team = dict.fromkeys(("data-engineer", "data-scientist", "ml-engineer",
    ...     "software-engineer", "ux-designer", "product-owner", "domain-expert"), 1.0)
    >>> sim = simulate_project(load_tasks(), team=team, n_runs=5000)
    >>> compare_with_rule_of_thumb(sim, load_tasks())["method"].tolist()
    ['sum of most-likely estimates', 'rule of thumb (x2)', 'simulation P50', ...]
    """
    r = rule_of_thumb(tasks, factors, rule=rule)
    p50, p80, p95 = np.percentile(sim.effort, (50, 80, 95))
    rows = [
        ("sum of most-likely estimates", r["sum_of_likely"]),
        (f"rule of thumb (x{r['multiplier']:g})", r["effort_days"]),
        ("simulation P50", p50),
        ("simulation P80", p80),
        ("simulation P95", p95),
    ]
    return pd.DataFrame(rows, columns=["method", "effort_days"])


def plot_effort_distribution(
    sim: Simulation,
    *,
    measure: str = "weeks",
    rule_days: float | None = None,
    title: str | None = None,
    size: tuple[float, float] = (6.4, 3.6),
    layout: str = "constrained",
) -> Figure:
    """Histogram of calendar weeks or effort with P50, P80 and P95 marked.

    Parameters
    ----------
    measure : {"weeks", "effort_days"}
    rule_days : float, optional
        The rule-of-thumb effort, drawn as a line when ``measure="effort_days"``.
    title : str, optional
    size : (float, float), default=(6.4, 3.6)
        Width and height in inches (explorer views use a smaller figure).
    layout : {"constrained", "fixed"}, default="constrained"
        "fixed" draws about twice as fast (explorer views); see :func:`new_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> team = dict.fromkeys(("data-engineer", "data-scientist", "ml-engineer",
    ...     "software-engineer", "ux-designer", "product-owner", "domain-expert"), 1.0)
    >>> fig = plot_effort_distribution(simulate_project(load_tasks(), team=team, n_runs=500))
    >>> len(fig.axes[0].lines)
    3
    """
    choice(measure, ("weeks", "effort_days"), where="plot_effort_distribution", field="measure")
    values = sim.weeks if measure == "weeks" else sim.effort
    fig, ax = new_figure(width=size[0], height=size[1], layout=layout)
    counts, edges = np.histogram(values, bins=60)
    ax.stairs(counts, edges, fill=True, color=ROLE_COLOURS["model"], alpha=0.6)
    for q, ls in ((50, "-"), (80, "--"), (95, ":")):
        x = float(np.percentile(values, q))
        ax.axvline(x, color=ROLE_COLOURS["highlight"], ls=ls, label=f"P{q}: {x:.0f}")
    if rule_days is not None and measure == "effort_days":
        ax.axvline(
            rule_days, color=ROLE_COLOURS["baseline"], lw=2, label=f"rule of thumb: {rule_days:.0f}"
        )
    unit = "working weeks" if measure == "weeks" else "person-days"
    ax.set(
        xlabel=f"Calendar time ({unit})" if measure == "weeks" else f"Effort ({unit})",
        ylabel="Runs",
        title=title or f"Monte Carlo estimate ({sim.n_runs:,} runs)",
    )
    ax.legend(fontsize=9)
    return fig


def phase_table(tasks: Sequence[Task], factors: Iterable[Factor] = ()) -> pd.DataFrame:
    """Expected effort by phase (rows, in lifecycle order) and role (columns).

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()

    Returns
    -------
    DataFrame
        Expected person-days; phases as rows (labels such as "Sprint 0"), roles as columns.

    Examples
    --------
    >>> phase_table(load_tasks()).index[0]
    'Pre-project'
    """
    frame = expected_effort(tasks, factors)
    table = frame.pivot_table(
        index="phase", columns="role", values="effort_days", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(index=[p for p in PHASES if p in table.index])
    return table.rename(index=PHASE_LABELS)
