"""Stakeholders, the requirements register and KPIs of the Bike Shop project.

The three registers are kept as YAML under ``data/bike_shop/project/`` so managers can edit
them without touching code; loading checks every entry against its schema (required fields,
allowed kinds and priorities, scores in range, owners that are known stakeholders) and turns
it into a frozen dataclass, so a typo fails loudly with the fix instead of quietly producing
a wrong plan. :func:`to_frame` turns any register into a DataFrame for display.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from casestudy.plan._checks import (
    PlanError,
    choice,
    number,
    read_entries,
    require,
    text_tuple,
    unique_ids,
)
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "KINDS",
    "KPI",
    "LEVERS",
    "PRIORITIES",
    "Requirement",
    "Stakeholder",
    "load_kpis",
    "load_requirements",
    "load_stakeholders",
    "parse_kpis",
    "parse_requirements",
    "parse_stakeholders",
    "plot_stakeholder_map",
    "requirements_matrix",
    "stakeholder_map",
    "to_frame",
]

#: Requirement kinds and the categories allowed within each.
KINDS: dict[str, tuple[str, ...]] = {
    "functional": ("scoring", "targeting", "explanation", "reporting"),
    "non-functional": ("speed", "efficacy", "cost", "carbon", "privacy", "security"),
    "system": ("infrastructure", "business-continuity"),
    "business": ("users", "stakeholders", "it-architecture"),
}
#: MoSCoW priorities, most important first.
PRIORITIES: tuple[str, ...] = ("must", "should", "could", "wont")
#: The levers through which an ML system moves a business (the author's list).
LEVERS: tuple[str, ...] = (
    "revenue",
    "cost-saving",
    "cycle-time",
    "people-intensity",
    "customer-experience",
)


@dataclass(frozen=True)
class Stakeholder:
    """A person or group with a stake in the project; influence and interest score 1-5."""

    id: str
    name: str
    role: str
    wants: str
    why: str
    influence: int
    interest: int
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    """One requirement: what, of which kind, how important, whose, and how it is tested."""

    id: str
    kind: str
    category: str
    statement: str
    priority: str
    owner: str
    acceptance: str


@dataclass(frozen=True)
class KPI:
    """A key performance indicator: the lever, the mechanism that moves it, and its measure."""

    id: str
    lever: str
    name: str
    mechanism: str
    measure: str
    unit: str
    baseline: float
    target: float
    owner: str


def _score(record: Mapping[str, Any], field: str, where: str) -> int:
    value = number(
        record[field],
        where=where,
        field=field,
        low=1,
        high=5,
        fix="Score it from 1 (low) to 5 (high) in stakeholders.yaml.",
    )
    if value != int(value):
        raise PlanError(
            where,
            field,
            record[field],
            "must be a whole number from 1 to 5",
            "Round it to a whole score.",
        )
    return int(value)


def parse_stakeholders(records: Sequence[Mapping[str, Any]]) -> tuple[Stakeholder, ...]:
    """Validate stakeholder records (dicts shaped like stakeholders.yaml) into dataclasses.

    Parameters
    ----------
    records : sequence of dict
        One dict per stakeholder, with the fields of :class:`Stakeholder`.

    Returns
    -------
    tuple of Stakeholder

    Raises
    ------
    PlanError
        If a field is missing, a score is outside 1-5, or an id repeats.

    Examples
    --------
    >>> rec = dict(id="md", name="MD", role="Owner", wants="Growth", why="Margin",
    ...            influence=5, interest=4, concerns=["Cost"])
    >>> parse_stakeholders([rec])[0].influence
    5
    >>> parse_stakeholders([{**rec, "interest": 7}])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Stakeholder 'md': 'interest' (7) must be in [1, 5]. ...
    """
    out = []
    for record in records:
        where = f"Stakeholder {record.get('id', '?')!r}" if isinstance(record, Mapping) else "?"
        require(
            record,
            ("id", "name", "role", "wants", "why", "influence", "interest", "concerns"),
            where=where,
            source="stakeholders.yaml",
        )
        out.append(
            Stakeholder(
                id=str(record["id"]),
                name=record["name"],
                role=record["role"],
                wants=record["wants"],
                why=record["why"],
                influence=_score(record, "influence", where),
                interest=_score(record, "interest", where),
                concerns=text_tuple(record["concerns"], where=where, field="concerns"),
            )
        )
    unique_ids((s.id for s in out), what="Stakeholder", source="stakeholders.yaml")
    return tuple(out)


def _owner(value: Any, owners: Iterable[str], where: str, source: str) -> str:
    return choice(
        value,
        owners,
        where=where,
        field="owner",
        fix=f"Use a stakeholder id from stakeholders.yaml, or add the stakeholder "
        f"there first (owners are checked so every {source} entry has someone "
        f"to answer for it).",
    )


def parse_requirements(
    records: Sequence[Mapping[str, Any]],
    *,
    stakeholders: Iterable[Stakeholder],
) -> tuple[Requirement, ...]:
    """Validate requirement records into dataclasses; owners must be known stakeholders.

    Parameters
    ----------
    records : sequence of dict
        One dict per requirement, with the fields of :class:`Requirement`.
    stakeholders : iterable of Stakeholder
        The known owners.

    Returns
    -------
    tuple of Requirement

    Examples
    --------
    >>> md = Stakeholder("md", "MD", "Owner", "Growth", "Margin", 5, 4, ())
    >>> rec = dict(id="N1", kind="non-functional", category="speed", statement="Fast",
    ...            priority="must", owner="md", acceptance="Under 30 minutes")
    >>> parse_requirements([rec], stakeholders=[md])[0].priority
    'must'
    >>> parse_requirements([{**rec, "owner": "cfo"}], stakeholders=[md])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Requirement 'N1': 'owner' ('cfo') must be one of ['md']. ...
    """
    owners = [s.id for s in stakeholders]
    out = []
    for record in records:
        where = f"Requirement {record.get('id', '?')!r}" if isinstance(record, Mapping) else "?"
        fields = ("id", "kind", "category", "statement", "priority", "owner", "acceptance")
        require(record, fields, where=where, source="requirements.yaml")
        kind = choice(record["kind"], KINDS, where=where, field="kind")
        choice(
            record["category"],
            KINDS[kind],
            where=where,
            field="category",
            fix=f"Pick a category that belongs to the kind {kind!r}.",
        )
        choice(
            record["priority"],
            PRIORITIES,
            where=where,
            field="priority",
            fix="Use MoSCoW: must, should, could or wont.",
        )
        _owner(record["owner"], owners, where, "requirement")
        out.append(Requirement(**{f: record[f] for f in fields}))
    unique_ids((r.id for r in out), what="Requirement", source="requirements.yaml")
    return tuple(out)


def parse_kpis(
    records: Sequence[Mapping[str, Any]],
    *,
    stakeholders: Iterable[Stakeholder],
) -> tuple[KPI, ...]:
    """Validate KPI records into dataclasses; levers from :data:`LEVERS`, owners known.

    Parameters
    ----------
    records : sequence of dict
        One dict per KPI, with the fields of :class:`KPI`.
    stakeholders : iterable of Stakeholder
        The known owners.

    Returns
    -------
    tuple of KPI

    Examples
    --------
    >>> md = Stakeholder("md", "MD", "Owner", "Growth", "Margin", 5, 4, ())
    >>> rec = dict(id="K1", lever="revenue", name="Margin kept", mechanism="Invitations",
    ...            measure="Margin", unit="£", baseline=0, target=8000, owner="md")
    >>> parse_kpis([rec], stakeholders=[md])[0].target
    8000.0
    """
    owners = [s.id for s in stakeholders]
    out = []
    for record in records:
        where = f"KPI {record.get('id', '?')!r}" if isinstance(record, Mapping) else "?"
        fields = (
            "id",
            "lever",
            "name",
            "mechanism",
            "measure",
            "unit",
            "baseline",
            "target",
            "owner",
        )
        require(record, fields, where=where, source="kpis.yaml")
        choice(record["lever"], LEVERS, where=where, field="lever")
        _owner(record["owner"], owners, where, "KPI")
        values = {f: number(record[f], where=where, field=f) for f in ("baseline", "target")}
        out.append(KPI(**{**{f: record[f] for f in fields}, **values}))
    unique_ids((k.id for k in out), what="KPI", source="kpis.yaml")
    return tuple(out)


def load_stakeholders(path: str | Path | None = None) -> tuple[Stakeholder, ...]:
    """Load and validate stakeholders.yaml (default: the shipped Bike Shop file).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/stakeholders.yaml.

    Returns
    -------
    tuple of Stakeholder

    Examples
    --------
    >>> [s.id for s in load_stakeholders()][:3]
    ['md', 'head-of-retail', 'workshop-manager']
    """
    return parse_stakeholders(read_entries(path, "stakeholders.yaml", "stakeholders"))


def load_requirements(
    path: str | Path | None = None,
    *,
    stakeholders: Iterable[Stakeholder] | None = None,
) -> tuple[Requirement, ...]:
    """Load and validate requirements.yaml, checking owners against the stakeholders.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like requirements.yaml.
    stakeholders : iterable of Stakeholder, optional
        The known owners; by default the shipped stakeholders.

    Returns
    -------
    tuple of Requirement

    Examples
    --------
    >>> sorted({r.kind for r in load_requirements()})
    ['business', 'functional', 'non-functional', 'system']
    """
    stakeholders = load_stakeholders() if stakeholders is None else stakeholders
    records = read_entries(path, "requirements.yaml", "requirements")
    return parse_requirements(records, stakeholders=stakeholders)


def load_kpis(
    path: str | Path | None = None,
    *,
    stakeholders: Iterable[Stakeholder] | None = None,
) -> tuple[KPI, ...]:
    """Load and validate kpis.yaml, checking owners against the stakeholders.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like kpis.yaml.
    stakeholders : iterable of Stakeholder, optional
        The known owners; by default the shipped stakeholders.

    Returns
    -------
    tuple of KPI

    Examples
    --------
    >>> [k.lever for k in load_kpis()] == list(LEVERS)
    True
    """
    stakeholders = load_stakeholders() if stakeholders is None else stakeholders
    return parse_kpis(read_entries(path, "kpis.yaml", "kpis"), stakeholders=stakeholders)


def to_frame(items: Iterable[Any]) -> pd.DataFrame:
    """Turn a register (any sequence of the planning dataclasses) into a DataFrame.

    Parameters
    ----------
    items : iterable of dataclass instances

    Returns
    -------
    DataFrame
        One row per item, one column per field.

    Examples
    --------
    >>> to_frame(load_kpis())[["id", "lever"]].iloc[0].tolist()
    ['K1', 'revenue']
    """
    return pd.DataFrame([asdict(item) for item in items])


def _quadrant(influence: int, interest: int, *, high: int) -> str:
    if influence >= high:
        return "manage closely" if interest >= high else "keep satisfied"
    return "keep informed" if interest >= high else "monitor"


def stakeholder_map(stakeholders: Iterable[Stakeholder], *, high: int = 4) -> pd.DataFrame:
    """Place each stakeholder on the influence-interest grid and name the approach.

    Scores of ``high`` or more count as high: high influence and interest means *manage
    closely*, high influence only *keep satisfied*, high interest only *keep informed*,
    neither *monitor*.

    Parameters
    ----------
    stakeholders : iterable of Stakeholder
    high : int, default=4
        The score from which influence or interest counts as high.

    Returns
    -------
    DataFrame
        Columns ``id``, ``name``, ``influence``, ``interest``, ``approach`` and ``wants``.

    Examples
    --------
    >>> m = stakeholder_map(load_stakeholders())
    >>> m.set_index("id").loc["md", "approach"]
    'manage closely'
    """
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "influence": s.influence,
            "interest": s.interest,
            "approach": _quadrant(s.influence, s.interest, high=high),
            "wants": s.wants,
        }
        for s in stakeholders
    ]
    return pd.DataFrame(rows)


def requirements_matrix(requirements: Iterable[Requirement]) -> pd.DataFrame:
    """Count requirements by kind (rows) and MoSCoW priority (columns).

    Parameters
    ----------
    requirements : iterable of Requirement

    Returns
    -------
    DataFrame
        Counts with the kinds of :data:`KINDS` as rows and :data:`PRIORITIES` as columns.

    Examples
    --------
    >>> int(requirements_matrix(load_requirements()).loc["functional", "must"])
    3
    """
    frame = to_frame(requirements)
    table = pd.crosstab(frame["kind"], frame["priority"])
    return table.reindex(index=list(KINDS), columns=list(PRIORITIES), fill_value=0)


def plot_stakeholder_map(stakeholders: Iterable[Stakeholder], *, high: int = 4) -> Figure:
    """Draw the influence-interest map with each stakeholder labelled.

    Parameters
    ----------
    stakeholders : iterable of Stakeholder
    high : int, default=4
        Where the quadrant lines fall.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_stakeholder_map(load_stakeholders())
    >>> len(fig.axes[0].texts) >= 7
    True
    """
    frame = stakeholder_map(stakeholders, high=high)
    fig, ax = new_figure(width=7.0, height=4.2)
    ax.axvline(high - 0.5, color=ROLE_COLOURS["neutral"], lw=0.8)
    ax.axhline(high - 0.5, color=ROLE_COLOURS["neutral"], lw=0.8)
    ax.scatter(frame["interest"], frame["influence"], color=ROLE_COLOURS["model"], zorder=3)
    for (interest, influence), group in frame.groupby(["interest", "influence"]):
        names = "\n".join(textwrap.fill(n, 16) for n in group["name"])
        ax.annotate(names, (interest, influence), fontsize=8, xytext=(6, 0),
                    textcoords="offset points", va="center")  # fmt: skip
    for x, y, label in (
        (1.1, 5.3, "keep satisfied"),
        (4.0, 5.3, "manage closely"),
        (1.1, 0.7, "monitor"),
        (4.0, 0.7, "keep informed"),
    ):
        ax.text(x, y, label, color=ROLE_COLOURS["neutral"], fontsize=8, style="italic")
    ax.set(
        xlim=(0.5, 6.3),
        ylim=(0.5, 5.6),
        xlabel="Interest (1-5)",
        ylabel="Influence (1-5)",
        title="Stakeholder map",
    )
    return fig
