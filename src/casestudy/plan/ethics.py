"""The privacy, security and ethics screen: a checklist kept as validated data.

The screen is done before the project starts (chapter 2) and done again with the data in
hand (chapter 6). Each check asks one question, records the Bike Shop's answer, a status,
the action that would clear it, an owner who is a known stakeholder, and the phase where it
is checked again. Keeping it as data means a re-check is a diff, not a rewrite: load the
list, apply :func:`update_checks` with what was learnt, and show :func:`ethics_table`.

Statuses, from best to worst: ``ok`` (nothing to do but keep it true), ``needs-action``
(work is planned and owned) and ``blocker`` (the work it names must not start until it is
cleared).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from casestudy.plan._checks import choice, read_entries, require, unique_ids
from casestudy.plan._vocab import PHASE_LABELS, PHASES
from casestudy.plan.requirements import Stakeholder, load_stakeholders

__all__ = [
    "STATUSES",
    "EthicsCheck",
    "checks_due",
    "ethics_status_counts",
    "ethics_table",
    "load_ethics_checklist",
    "parse_ethics_checklist",
    "update_checks",
]

#: Allowed statuses, best first.
STATUSES: tuple[str, ...] = ("ok", "needs-action", "blocker")
_FIELDS = ("id", "topic", "question", "answer", "status", "action", "owner", "recheck")


@dataclass(frozen=True)
class EthicsCheck:
    """One question of the screen, the shop's answer, its status, owner and re-check phase."""

    id: str
    topic: str
    question: str
    answer: str
    status: str
    action: str
    owner: str
    recheck: str


def _check_record(record: Mapping[str, Any], owners: Sequence[str]) -> EthicsCheck:
    where = f"Ethics check {record.get('id', '?')!r}" if isinstance(record, Mapping) else "?"
    require(record, _FIELDS, where=where, source="ethics.yaml")
    choice(
        record["status"],
        STATUSES,
        where=where,
        field="status",
        fix="Use ok, needs-action or blocker.",
    )
    choice(
        record["owner"],
        owners,
        where=where,
        field="owner",
        fix="Use a stakeholder id from stakeholders.yaml (every check needs an owner).",
    )
    choice(
        record["recheck"],
        PHASES,
        where=where,
        field="recheck",
        fix="Name the phase where the answer is checked again.",
    )
    return EthicsCheck(**{f: str(record[f]) for f in _FIELDS})


def parse_ethics_checklist(
    records: Sequence[Mapping[str, Any]], *, stakeholders: Iterable[Stakeholder]
) -> tuple[EthicsCheck, ...]:
    """Validate checklist records (dicts shaped like ethics.yaml) into dataclasses.

    Parameters
    ----------
    records : sequence of dict
        One dict per check, with the fields of :class:`EthicsCheck`.
    stakeholders : iterable of Stakeholder
        The known owners.

    Returns
    -------
    tuple of EthicsCheck

    Raises
    ------
    PlanError
        If a field is missing, the status, owner or re-check phase is unknown, or an id
        repeats.

    Examples
    --------
    >>> dp = Stakeholder("dp", "Adviser", "GDPR", "Lawful use", "Law", 4, 3, ())
    >>> rec = dict(id="E1", topic="Lawful basis", question="Basis?", answer="LI",
    ...            status="ok", action="None", owner="dp", recheck="sprint-1")
    >>> parse_ethics_checklist([rec], stakeholders=[dp])[0].status
    'ok'
    >>> parse_ethics_checklist([{**rec, "status": "fine"}], stakeholders=[dp])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Ethics check 'E1': 'status' ('fine') must be one of ...
    """
    owners = [s.id for s in stakeholders]
    out = tuple(_check_record(record, owners) for record in records)
    unique_ids((c.id for c in out), what="Ethics check", source="ethics.yaml")
    return out


def load_ethics_checklist(
    path: str | Path | None = None, *, stakeholders: Iterable[Stakeholder] | None = None
) -> tuple[EthicsCheck, ...]:
    """Load and validate ethics.yaml (default: the Bike Shop's pre-project screen).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/ethics.yaml.
    stakeholders : iterable of Stakeholder, optional
        The known owners; by default the shipped stakeholders.

    Returns
    -------
    tuple of EthicsCheck

    Examples
    --------
    >>> checks = load_ethics_checklist()
    >>> checks[0].topic
    'Lawful basis'
    """
    stakeholders = load_stakeholders() if stakeholders is None else stakeholders
    records = read_entries(path, "ethics.yaml", "checks")
    return parse_ethics_checklist(records, stakeholders=stakeholders)


def update_checks(
    checks: Sequence[EthicsCheck],
    updates: Mapping[str, Mapping[str, str]],
    *,
    stakeholders: Iterable[Stakeholder] | None = None,
) -> tuple[EthicsCheck, ...]:
    """Return the checklist with some checks' fields changed, re-validated (for re-checks).

    Parameters
    ----------
    checks : sequence of EthicsCheck
    updates : mapping of check id to {field: new value}
        E.g. ``{"E9": {"status": "ok", "answer": "Encrypted transfer agreed"}}``.
    stakeholders : iterable of Stakeholder, optional
        The known owners; by default the shipped stakeholders.

    Returns
    -------
    tuple of EthicsCheck
        A new checklist, in the same order; the input is unchanged.

    Raises
    ------
    PlanError
        If an id is not in the list, a field is not a check field, or a new value breaks
        a rule.

    Examples
    --------
    >>> new = update_checks(load_ethics_checklist(), {"E9": {"status": "ok"}})
    >>> [c.status for c in new if c.id == "E9"]
    ['ok']
    """
    known = {c.id for c in checks}
    for ident, change in updates.items():
        choice(
            ident,
            sorted(known),
            where="update_checks",
            field="id",
            fix="Update a check that is in the list.",
        )
        for field in change:
            choice(
                field,
                _FIELDS[1:],
                where=f"Ethics check {ident!r}",
                field="field",
                fix="Change one of the check's fields (not its id).",
            )
    records = [asdict(replace(c, **updates.get(c.id, {}))) for c in checks]
    stakeholders = load_stakeholders() if stakeholders is None else stakeholders
    return parse_ethics_checklist(records, stakeholders=stakeholders)


def checks_due(checks: Iterable[EthicsCheck], phase: str) -> tuple[EthicsCheck, ...]:
    """The checks to look at again in ``phase`` (a phase id such as ``"sprint-1"``).

    Examples
    --------
    >>> [c.id for c in checks_due(load_ethics_checklist(), "sprint-0")]
    ['E1', 'E4', 'E9']
    """
    choice(phase, PHASES, where="checks_due", field="phase", fix="Use a phase id.")
    return tuple(c for c in checks if c.recheck == phase)


def ethics_status_counts(checks: Iterable[EthicsCheck]) -> pd.Series:
    """How many checks have each status (all statuses shown, best first).

    Examples
    --------
    >>> ethics_status_counts(load_ethics_checklist()).to_dict()
    {'ok': 2, 'needs-action': 8, 'blocker': 1}
    """
    statuses = pd.Series([c.status for c in checks], dtype=object)
    return statuses.value_counts().reindex(list(STATUSES), fill_value=0).rename("checks")


def ethics_table(
    checks: Iterable[EthicsCheck], *, stakeholders: Iterable[Stakeholder] | None = None
) -> pd.DataFrame:
    """The checklist as a readable table: owners by name, phases as written in the book.

    Blockers come first, then checks that need action, then those that are ok.

    Parameters
    ----------
    checks : iterable of EthicsCheck
    stakeholders : iterable of Stakeholder, optional
        To turn owner ids into names; by default the shipped stakeholders.

    Returns
    -------
    DataFrame
        Columns ``topic``, ``status``, ``answer``, ``action``, ``owner`` and ``re-check``,
        indexed by the check id (index name ``check``).

    Examples
    --------
    >>> t = ethics_table(load_ethics_checklist())
    >>> t.iloc[0][["topic", "status", "owner"]].tolist()
    ['Security of the export', 'blocker', 'IT contractor']
    """
    stakeholders = load_stakeholders() if stakeholders is None else stakeholders
    names = {s.id: s.name for s in stakeholders}
    frame = pd.DataFrame([asdict(c) for c in checks])
    rank = frame["status"].map({s: i for i, s in enumerate(reversed(STATUSES))})
    frame = frame.assign(_rank=rank).sort_values("_rank", kind="stable")
    return pd.DataFrame(
        {
            "topic": frame["topic"],
            "status": frame["status"],
            "answer": frame["answer"],
            "action": frame["action"],
            "owner": frame["owner"].map(names),
            "re-check": frame["recheck"].map(PHASE_LABELS),
        }
    ).set_axis(frame["id"].rename("check"))
