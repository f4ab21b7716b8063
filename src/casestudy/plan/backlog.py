"""The sprint-0 backlog: what must be true before the expensive work starts.

Sprint 0 is a short sprint that gets the team ready: people and their days, access and
permissions, the development environment, ways of working, and a re-checked estimate. Its
backlog lives as validated data in ``backlog.yaml``:

* **items**, each with an area, an owner (a stakeholder or a role), a status, a
  *blocking* flag (sprint 1 cannot start until a blocking item is done) and an acceptance
  test anyone can check; a blocked item names the item it waits for;
* **re-estimates**: what sprint 0 learned, as new three-point estimates for tasks in
  ``tasks.yaml``, so :func:`recheck_estimate` can re-run the Monte Carlo and show how far
  the P80 moved;
* **definitions of done** for data, models and notebooks.

Statuses, in order: ``to-do``, ``in-progress``, ``blocked``, ``done``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from casestudy.plan._checks import (
    PROJECT_DIR,
    PlanError,
    choice,
    read_entries,
    read_mapping,
    require,
    text_tuple,
    unique_ids,
)
from casestudy.plan.estimate import Task, parse_tasks, simulate_project, summarise
from casestudy.plan.proposal import Project, ProjectPlan, plan_project
from casestudy.plan.requirements import load_stakeholders
from casestudy.plan.team import day_rates, load_roles, team_fte

__all__ = [
    "AREAS",
    "DONE_KINDS",
    "STATUSES",
    "Backlog",
    "BacklogItem",
    "Reestimate",
    "backlog_table",
    "definition_of_done_table",
    "load_backlog",
    "not_ready",
    "parse_backlog",
    "parse_definition_of_done",
    "parse_reestimates",
    "recheck_estimate",
    "reestimate_table",
    "status_counts",
    "update_items",
    "updated_tasks",
]

#: What sprint 0 sorts out, in the order the chapter takes them.
AREAS: tuple[str, ...] = ("team", "access", "environment", "ways-of-working", "estimate")
#: An item's states, from not started to finished.
STATUSES: tuple[str, ...] = ("to-do", "in-progress", "blocked", "done")
#: The kinds of work that have a definition of done.
DONE_KINDS: tuple[str, ...] = ("data", "model", "notebook")
_FIELDS = ("id", "title", "area", "owner", "status", "blocking", "acceptance")
_OWNER_FIX = "Use a stakeholder id (stakeholders.yaml) or a role id (roles.yaml)."


@dataclass(frozen=True)
class BacklogItem:
    """One sprint-0 item: who owns it, where it stands, and how we know it is done."""

    id: str
    title: str
    area: str
    owner: str
    status: str
    blocking: bool
    acceptance: str
    waiting_for: str = ""


@dataclass(frozen=True)
class Reestimate:
    """A task's new three-point estimate (person-days) and the reason for it."""

    task: str
    min: float
    likely: float
    max: float
    why: str


@dataclass(frozen=True)
class Backlog:
    """The whole of backlog.yaml, validated."""

    items: tuple[BacklogItem, ...]
    reestimates: tuple[Reestimate, ...]
    definition_of_done: dict[str, tuple[str, ...]]


def _item(record: Mapping[str, Any], owners: Sequence[str]) -> BacklogItem:
    where = f"Backlog item {record.get('id', '?')!r}" if isinstance(record, Mapping) else "Item"
    require(record, _FIELDS, where=where, source="backlog.yaml")
    choice(record["area"], AREAS, where=where, field="area")
    choice(record["owner"], owners, where=where, field="owner", fix=_OWNER_FIX)
    choice(record["status"], STATUSES, where=where, field="status")
    if not isinstance(record["blocking"], bool):
        raise PlanError(
            where,
            "blocking",
            record["blocking"],
            "must be true or false",
            "Write 'blocking: true' if sprint 1 cannot start without it.",
        )
    waiting = str(record.get("waiting_for") or "")
    if record["status"] == "blocked" and not waiting:
        raise PlanError(
            where,
            "waiting_for",
            "",
            "is required for a blocked item",
            "Name the item it waits for, e.g. 'waiting_for: S0-03'.",
        )
    return BacklogItem(
        *(str(record[f]) for f in _FIELDS[:5]),
        record["blocking"],
        str(record["acceptance"]),
        waiting,
    )


def parse_backlog(
    records: Sequence[Mapping[str, Any]],
    *,
    owners: Sequence[str],
) -> tuple[BacklogItem, ...]:
    """Validate backlog item records (dicts shaped like backlog.yaml's ``items``).

    Parameters
    ----------
    records : sequence of dict
        One dict per item, with the fields of :class:`BacklogItem`.
    owners : sequence of str
        The ids allowed as owners (stakeholders and roles).

    Returns
    -------
    tuple of BacklogItem

    Raises
    ------
    PlanError
        For a missing field, an unknown area, owner or status, a non-boolean ``blocking``,
        a blocked item that names nothing to wait for, a ``waiting_for`` that is not an
        item, or a repeated id.

    Examples
    --------
    >>> rec = dict(id="S0-1", title="Access", area="access", owner="it-contractor",
    ...            status="waiting", blocking=True, acceptance="Extract arrives")
    >>> parse_backlog([rec], owners=["it-contractor"])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Backlog item 'S0-1': 'status' ('waiting') must be one of [...
    >>> parse_backlog([{**rec, "status": "done"}], owners=["it-contractor"])[0].status
    'done'
    """
    items = tuple(_item(r if isinstance(r, Mapping) else {"record": r}, owners) for r in records)
    unique_ids((i.id for i in items), what="Backlog item", source="backlog.yaml")
    ids = [i.id for i in items]
    for item in items:
        if item.waiting_for:
            choice(
                item.waiting_for,
                ids,
                where=f"Backlog item {item.id!r}",
                field="waiting_for",
                fix="Name another item's id from this backlog.",
            )
    return items


def parse_reestimates(
    records: Sequence[Mapping[str, Any]],
    *,
    tasks: Sequence[Task],
) -> tuple[Reestimate, ...]:
    """Validate re-estimate records against the task list (ids known, min <= likely <= max).

    Examples
    --------
    >>> from casestudy.plan import load_tasks
    >>> parse_reestimates([dict(task="T99", min=1, likely=2, max=3, why="?")],
    ...                   tasks=load_tasks())
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Re-estimate 'T99': 'task' ('T99') must be one of [...
    """
    known = [t.id for t in tasks]
    out = []
    for record in records:
        rec = record if isinstance(record, Mapping) else {"record": record}
        where = f"Re-estimate {rec.get('task', '?')!r}"
        require(rec, ("task", "min", "likely", "max", "why"), where=where, source="backlog.yaml")
        choice(rec["task"], known, where=where, field="task", fix="Use a task id from tasks.yaml.")
        out.append(
            Reestimate(str(rec["task"]), rec["min"], rec["likely"], rec["max"], str(rec["why"]))
        )
    unique_ids((r.task for r in out), what="Re-estimate", source="backlog.yaml")
    updated_tasks(tasks, out)  # checks each three-point estimate with the task rules
    return tuple(out)


def parse_definition_of_done(content: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Validate the definitions of done: a list of criteria for each of :data:`DONE_KINDS`.

    Examples
    --------
    >>> parse_definition_of_done({"data": ["Tests pass"], "model": ["Tracked"]})
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Definition of done: 'notebook' (missing) is required. ...
    """
    require(content, DONE_KINDS, where="Definition of done", source="backlog.yaml")
    return {k: text_tuple(content[k], where="Definition of done", field=k) for k in DONE_KINDS}


def load_backlog(directory: str | Path | None = None) -> Backlog:
    """Load backlog.yaml and check it against the stakeholders, roles and tasks beside it.

    Parameters
    ----------
    directory : str or Path, optional
        A folder with backlog.yaml, stakeholders.yaml, roles.yaml and tasks.yaml
        (default: the Bike Shop's project folder).

    Returns
    -------
    Backlog

    Examples
    --------
    >>> b = load_backlog()
    >>> len(b.items), [r.task for r in b.reestimates][:2], sorted(b.definition_of_done)
    (12, ['T06', 'T07'], ['data', 'model', 'notebook'])
    """
    d = Path(directory) if directory is not None else PROJECT_DIR
    roles = load_roles(d / "roles.yaml")
    owners = [s.id for s in load_stakeholders(d / "stakeholders.yaml")] + [r.id for r in roles]
    tasks = parse_tasks(
        read_entries(d / "tasks.yaml", "tasks.yaml", "tasks"), roles=[r.id for r in roles]
    )
    path = d / "backlog.yaml"
    content = read_mapping(path, "backlog.yaml")
    return Backlog(
        parse_backlog(read_entries(path, "backlog.yaml", "items"), owners=owners),
        parse_reestimates(content.get("reestimate") or [], tasks=tasks),
        parse_definition_of_done(content.get("definition_of_done") or {}),
    )


def backlog_table(
    items: Iterable[BacklogItem],
    *,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The backlog as a table, in area order: item, owner, status, blocking, acceptance.

    ``blocking`` reads "yes" or "no", because the table is shown to stakeholders.

    Examples
    --------
    >>> backlog_table(load_backlog().items)["area"].iloc[0]
    'team'
    """
    names = names or {}
    frame = pd.DataFrame([asdict(i) for i in items]).set_index("id")
    frame["owner"] = frame["owner"].map(lambda o: names.get(o, o))
    frame["area"] = pd.Categorical(frame["area"], categories=AREAS, ordered=True)
    frame = frame.sort_values("area", kind="stable")
    frame["area"] = frame["area"].astype(str)
    frame["blocking"] = frame["blocking"].map({True: "yes", False: "no"})  # for readers
    return frame[["area", "title", "owner", "status", "blocking", "waiting_for", "acceptance"]]


def status_counts(items: Iterable[BacklogItem]) -> pd.Series:
    """How many items are in each status (every status listed, in order).

    Examples
    --------
    >>> status_counts(load_backlog().items)["done"]
    np.int64(6)
    """
    statuses = pd.Series([i.status for i in items], dtype="object")
    return statuses.value_counts().reindex(STATUSES, fill_value=0).rename("items")


def not_ready(items: Iterable[BacklogItem]) -> tuple[BacklogItem, ...]:
    """The blocking items not yet done: sprint 1 may start when this is empty.

    Examples
    --------
    >>> [i.id for i in not_ready(load_backlog().items)]
    ['S0-03', 'S0-05', 'S0-06', 'S0-11', 'S0-12']
    """
    return tuple(i for i in items if i.blocking and i.status != "done")


def update_items(
    items: Sequence[BacklogItem],
    changes: Mapping[str, str],
) -> tuple[BacklogItem, ...]:
    """A new backlog with some statuses changed (the old one is left as it was).

    Parameters
    ----------
    items : sequence of BacklogItem
    changes : mapping of item id to new status

    Raises
    ------
    PlanError
        For an unknown item id or status.

    Examples
    --------
    >>> items = update_items(load_backlog().items, {"S0-03": "done"})
    >>> [i.status for i in items if i.id == "S0-03"]
    ['done']
    """
    ids = [i.id for i in items]
    for item_id, status in changes.items():
        choice(item_id, ids, where="update_items", field="id")
        choice(status, STATUSES, where=f"Backlog item {item_id!r}", field="status")
    return tuple(replace(i, status=changes.get(i.id, i.status)) for i in items)


def updated_tasks(tasks: Sequence[Task], changes: Iterable[Reestimate]) -> tuple[Task, ...]:
    """The task list with new three-point estimates applied, validated like tasks.yaml.

    Examples
    --------
    >>> from casestudy.plan import load_tasks
    >>> new = updated_tasks(load_tasks(), load_backlog().reestimates)
    >>> [(t.min, t.likely, t.max) for t in new if t.id == "T06"]
    [(6.0, 6.0, 6.0)]
    """
    by_task = {c.task: c for c in changes}
    records = []
    for t in tasks:
        rec = asdict(t)
        if t.id in by_task:
            rec.update(min=by_task[t.id].min, likely=by_task[t.id].likely, max=by_task[t.id].max)
        records.append(rec)
    roles = sorted({t.role for t in tasks})
    return parse_tasks(records, roles=roles)


def reestimate_table(tasks: Sequence[Task], changes: Iterable[Reestimate]) -> pd.DataFrame:
    """Each re-estimated task: its old and new three-point estimates, and why.

    Examples
    --------
    >>> from casestudy.plan import load_tasks
    >>> reestimate_table(load_tasks(), load_backlog().reestimates).loc["T06", "before"]
    '2-3-6'
    """
    by_id = {t.id: t for t in tasks}
    rows = [(c.task, by_id[c.task].name, _three(by_id[c.task]), _three(c), c.why) for c in changes]
    return pd.DataFrame(rows, columns=["task", "name", "before", "after", "why"]).set_index("task")


def _three(x: Task | Reestimate) -> str:
    return f"{x.min:g}-{x.likely:g}-{x.max:g}"


def recheck_estimate(
    project: Project,
    changes: Iterable[Reestimate],
    *,
    n_runs: int | None = None,
    baseline: ProjectPlan | None = None,
) -> pd.DataFrame:
    """Re-run the proposal's Monte Carlo with sprint 0's re-estimates, same team and seed.

    The team is the one designed for the proposal (finalised in sprint 0), and the
    simulation settings are proposal.yaml's, so only the estimates differ.

    Parameters
    ----------
    project : Project
    changes : iterable of Reestimate
    n_runs : int, optional
        By default proposal.yaml's number of runs (ignored when ``baseline`` is given).
    baseline : ProjectPlan, optional
        The proposal's plan from :func:`~casestudy.plan.plan_project`, if already run
        (saves running it again); its team, factors and settings are reused.

    Returns
    -------
    DataFrame
        Rows ``P50``, ``P80``, ``P95``; columns ``weeks_before``, ``weeks_after``,
        ``cost_before`` and ``cost_after``.

    Examples
    --------
    >>> from casestudy.plan import load_project
    >>> r = recheck_estimate(load_project(), load_backlog().reestimates, n_runs=2000)
    >>> bool(r.loc["P80", "weeks_after"] > r.loc["P80", "weeks_before"])
    True
    """
    plan = baseline if baseline is not None else plan_project(project, n_runs=n_runs)
    sim = plan.simulation
    after = simulate_project(
        updated_tasks(project.tasks, changes),
        team=team_fte(plan.team),
        factors=plan.factors,
        n_runs=sim.n_runs,
        seed=sim.seed,
        method=sim.method,
        correlation=sim.correlation,
    )
    rates = day_rates(project.roles)
    before, later = plan.summary, summarise(after, day_rates=rates)
    return pd.DataFrame(
        {
            "weeks_before": before["weeks"],
            "weeks_after": later["weeks"],
            "cost_before": before["cost"],
            "cost_after": later["cost"],
        }
    )


def definition_of_done_table(done: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The definitions of done as one table: kind of work, and each criterion.

    Examples
    --------
    >>> definition_of_done_table(load_backlog().definition_of_done)["kind"].unique().tolist()
    ['data', 'model', 'notebook']
    """
    rows = [(kind, criterion) for kind in done for criterion in done[kind]]
    return pd.DataFrame(rows, columns=["kind", "criterion"])
