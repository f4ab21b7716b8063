"""Team design: which roles, how much of each, and what they cost.

The balance of skills follows the project's challenge. Here the challenge is read from the
work itself: the expected effort of every task after the complexity factors, summed by
role. Switch on "complex data" and the data tasks double, so the data engineer and data
scientist get a larger share of the team; switch on "distributed compute" and the ML
engineer does. :func:`design_team` shares a team of a given size between the roles in
proportion to that effort, in steps of a quarter FTE, with at least one step for every
role that has work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from casestudy.plan._checks import PlanError, choice, number, read_entries, require, unique_ids
from casestudy.plan._vocab import GROUPS, ROLES
from casestudy.plan.estimate import DAYS_PER_WEEK, Factor, Task, expected_effort
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "Role",
    "challenge_labels",
    "challenge_profile",
    "day_rates",
    "design_team",
    "effort_by_role",
    "load_roles",
    "parse_roles",
    "plot_team",
    "team_cost",
    "team_fte",
]


@dataclass(frozen=True)
class Role:
    """A role a team can have, what it does and its day rate (£ per person-day)."""

    id: str
    name: str
    does: str
    day_rate: float


def parse_roles(records: Sequence[Mapping[str, Any]]) -> tuple[Role, ...]:
    """Validate role records (shaped like roles.yaml) into :class:`Role` objects.

    Parameters
    ----------
    records : sequence of dict
        One dict per role, with the fields of :class:`Role`.

    Returns
    -------
    tuple of Role

    Examples
    --------
    >>> parse_roles([dict(id="wizard", name="Wizard", does="Magic", day_rate=900)])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Role 'wizard': 'id' ('wizard') must be one of [...
    """
    out = []
    for record in records:
        where = f"Role {record.get('id', '?')!r}" if isinstance(record, Mapping) else "Role"
        require(record, ("id", "name", "does", "day_rate"), where=where, source="roles.yaml")
        choice(
            record["id"],
            ROLES,
            where=where,
            field="id",
            fix="Roles are a fixed list (casestudy.plan.ROLES); use one of its ids.",
        )
        rate = number(
            record["day_rate"],
            where=where,
            field="day_rate",
            low=0.0,
            fix="Give the cost of one person-day in pounds.",
        )
        out.append(Role(record["id"], record["name"], record["does"], rate))
    unique_ids((r.id for r in out), what="Role", source="roles.yaml")
    return tuple(out)


def load_roles(path: str | Path | None = None) -> tuple[Role, ...]:
    """Load and validate roles.yaml (default: the Bike Shop's roles and day rates).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/roles.yaml.

    Returns
    -------
    tuple of Role

    Examples
    --------
    >>> day_rates(load_roles())["data-scientist"]
    600.0
    """
    return parse_roles(read_entries(path, "roles.yaml", "roles"))


def day_rates(roles: Iterable[Role]) -> dict[str, float]:
    """Map role id to day rate.

    Parameters
    ----------
    roles : iterable of Role

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> day_rates([Role("ux-designer", "UX", "Design", 500.0)])
    {'ux-designer': 500.0}
    """
    return {r.id: r.day_rate for r in roles}


def effort_by_role(tasks: Sequence[Task], factors: Iterable[Factor] = ()) -> pd.Series:
    """Expected person-days of each role (all roles, in :data:`ROLES` order).

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()

    Returns
    -------
    Series
        Expected person-days indexed by role id.

    Examples
    --------
    >>> e = effort_by_role([Task("T1", "Survey", "sprint-1", "data", "data-scientist", 2, 3, 10)])
    >>> float(e["data-scientist"]), float(e["ux-designer"])
    (4.0, 0.0)
    """
    frame = expected_effort(tasks, factors)
    return frame.groupby("role")["effort_days"].sum().reindex(list(ROLES), fill_value=0.0)


def challenge_profile(tasks: Sequence[Task], factors: Iterable[Factor] = ()) -> pd.Series:
    """Share of the expected effort in each task group: the project's challenge profile.

    Parameters
    ----------
    tasks : sequence of Task
    factors : iterable of Factor, default=()

    Returns
    -------
    Series
        Shares (summing to 1) indexed by the task groups of :data:`GROUPS`.

    Examples
    --------
    >>> from casestudy.plan.estimate import load_tasks
    >>> p = challenge_profile(load_tasks())
    >>> round(float(p.sum()), 6)
    1.0
    """
    frame = expected_effort(tasks, factors)
    effort = frame.groupby("group")["effort_days"].sum().reindex(list(GROUPS), fill_value=0.0)
    return effort / effort.sum()


def challenge_labels(profile: pd.Series, *, threshold: float = 0.3) -> list[str]:
    """Name the heavy sides of a challenge profile (e.g. ``["data-heavy"]``).

    Data and modelling-plus-evaluation count as heavy when their share reaches
    ``threshold``; engineering when it reaches ``threshold`` too.

    Parameters
    ----------
    profile : Series
        From :func:`challenge_profile`.
    threshold : float, default=0.3

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> challenge_labels(pd.Series({"data": 0.45, "modelling": 0.1, "evaluation": 0.05,
    ...                             "engineering": 0.2}))
    ['data-heavy']
    """
    sides = {
        "data-heavy": profile.get("data", 0.0),
        "modelling-heavy": profile.get("modelling", 0.0) + profile.get("evaluation", 0.0),
        "engineering-heavy": profile.get("engineering", 0.0),
    }
    return [name for name, share in sides.items() if share >= threshold]


def _allocate(effort: pd.Series, team_size: float, step: float) -> pd.Series:
    """Largest-remainder split of ``team_size`` in ``step`` units, one unit minimum each."""
    working = effort[effort > 0]
    units = round(team_size / step) - len(working)
    if units < 0:
        raise PlanError(
            "design_team",
            "team_size",
            team_size,
            f"is too small to give each of the {len(working)} roles with work {step:g} FTE",
            f"Use a team_size of at least {len(working) * step:g}.",
        )
    ideal = np.maximum(working / working.sum() * team_size - step, 0.0)
    ideal = ideal / ideal.sum() * units if ideal.sum() > 0 else ideal
    extra = np.floor(ideal)
    order = (ideal - extra).sort_values(ascending=False).index
    extra[order[: int(units - extra.sum())]] += 1
    return ((extra + 1) * step).reindex(effort.index, fill_value=0.0)


def design_team(
    tasks: Sequence[Task],
    factors: Iterable[Factor] = (),
    *,
    team_size: float,
    roles: Iterable[Role],
    step: float = 0.25,
) -> pd.DataFrame:
    """Size each role from the project's work: FTE in proportion to expected effort.

    Parameters
    ----------
    tasks, factors
        The task breakdown and the complexity factors switched on.
    team_size : float
        Total full-time equivalents to share out (rounded to ``step``).
    roles : iterable of Role
        Day rates and names; every role with tasks must be listed.
    step : float, default=0.25
        The smallest slice of a person the team can hire.

    Returns
    -------
    DataFrame
        One row per role with work: ``role``, ``name``, ``effort_days``, ``share``,
        ``fte``, ``day_rate`` and ``weekly_cost`` (``fte * 5 * day_rate``).

    Examples
    --------
    >>> from casestudy.plan.estimate import load_tasks
    >>> team = design_team(load_tasks(), team_size=4.0, roles=load_roles())
    >>> float(team["fte"].sum()), float(team.set_index("role").loc["data-scientist", "fte"])
    (4.0, 1.25)
    """
    number(
        team_size,
        where="design_team",
        field="team_size",
        low=step,
        fix="Give the team's size in full-time equivalents, e.g. 4.0.",
    )
    number(step, where="design_team", field="step", low=0.05, high=1.0)
    rates = day_rates(roles)
    names = {r.id: r.name for r in roles}
    effort = effort_by_role(tasks, factors)
    missing = [r for r in effort[effort > 0].index if r not in rates]
    if missing:
        raise PlanError(
            "design_team", "roles", missing, "have tasks but no day rate", "Add them to roles.yaml."
        )
    fte = _allocate(effort, float(team_size), step)
    frame = pd.DataFrame(
        {"role": effort.index, "effort_days": effort.to_numpy(), "fte": fte.to_numpy()}
    )
    frame = frame[frame["effort_days"] > 0].reset_index(drop=True)
    frame.insert(1, "name", frame["role"].map(names))
    frame.insert(3, "share", frame["effort_days"] / frame["effort_days"].sum())
    frame["day_rate"] = frame["role"].map(rates)
    frame["weekly_cost"] = frame["fte"] * DAYS_PER_WEEK * frame["day_rate"]
    return frame


def team_fte(team: pd.DataFrame) -> dict[str, float]:
    """The team as a mapping of role id to FTE, as :func:`simulate_project` expects.

    Parameters
    ----------
    team : DataFrame
        From :func:`design_team` (columns ``role`` and ``fte``).

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> import pandas as pd
    >>> team_fte(pd.DataFrame({"role": ["data-scientist"], "fte": [1.5]}))
    {'data-scientist': 1.5}
    """
    return {str(r): float(f) for r, f in zip(team["role"], team["fte"], strict=True)}


def team_cost(team: pd.DataFrame, *, weeks: float) -> float:
    """Cost of keeping the team for ``weeks`` working weeks (£; FTE x 5 days x day rate).

    Parameters
    ----------
    team : DataFrame
        Columns ``fte`` and ``day_rate``.
    weeks : float
        Working weeks the whole team is kept.

    Returns
    -------
    float

    Examples
    --------
    >>> import pandas as pd
    >>> team_cost(pd.DataFrame({"fte": [1.0, 0.5], "day_rate": [600.0, 400.0]}), weeks=10)
    40000.0
    """
    number(weeks, where="team_cost", field="weeks", low=0.0, fix="Give weeks, zero or more.")
    return float((team["fte"] * DAYS_PER_WEEK * team["day_rate"]).sum() * weeks)


def plot_team(team: pd.DataFrame) -> Figure:
    """Bar chart of FTE by role, with each role's share of the expected effort.

    Parameters
    ----------
    team : DataFrame
        From :func:`design_team`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from casestudy.plan.estimate import load_tasks
    >>> fig = plot_team(design_team(load_tasks(), team_size=4.0, roles=load_roles()))
    >>> fig.axes[0].get_xlabel()
    'Full-time equivalents'
    """
    fig, ax = new_figure()
    ax.barh(team["name"], team["fte"], color=ROLE_COLOURS["model"])
    for y, (fte, share) in enumerate(zip(team["fte"], team["share"], strict=True)):
        ax.text(fte + 0.03, y, f"{fte:g} FTE ({share:.0%} of effort)", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set(
        xlabel="Full-time equivalents",
        xlim=(0, team["fte"].max() * 2.0),
        title=f"Team of {team['fte'].sum():g} FTE",
    )
    return fig
