"""The project bundle and the one-page proposal generated from it.

:func:`load_project` reads every planning file and cross-checks them (owners are known
stakeholders or roles, tasks use known roles). :func:`plan_project` runs the numbers: the
team, the Monte Carlo estimate, the rule-of-thumb comparison, the value at the workshops'
capacity and the top risks. :func:`write_proposal` turns them into Markdown, so the
proposal a chapter shows always agrees with the data and the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casestudy.plan._checks import (
    PROJECT_DIR,
    PlanError,
    choice,
    number,
    read_mapping,
    require,
    text_tuple,
    unique_ids,
)
from casestudy.plan._vocab import PHASE_LABELS
from casestudy.plan.estimate import (
    Factor,
    RuleOfThumb,
    Simulation,
    Task,
    _no_extra_fields,
    assessed_factors,
    compare_with_rule_of_thumb,
    load_factors,
    load_rule_of_thumb,
    parse_tasks,
    read_entries,
    simulate_project,
    summarise,
)
from casestudy.plan.requirements import (
    KPI,
    Requirement,
    Stakeholder,
    load_kpis,
    load_requirements,
    load_stakeholders,
)
from casestudy.plan.risk import Risk, load_risks, top_risks
from casestudy.plan.team import Role, day_rates, design_team, load_roles, team_fte
from casestudy.plan.value import (
    ValueAssumptions,
    compare_policies,
    load_value_assumptions,
    precision_recall_at_k,
)

__all__ = [
    "CHECK_STATUSES",
    "ChecklistItem",
    "Project",
    "ProjectPlan",
    "ProposalBrief",
    "load_project",
    "parse_checklist",
    "plan_project",
    "presales_checklist",
    "write_proposal",
]

#: The states of a pre-sales check, from not started to done.
CHECK_STATUSES: tuple[str, ...] = ("open", "in progress", "done")
_COMMITMENTS = ("P50", "P80", "P95")


@dataclass(frozen=True)
class ChecklistItem:
    """One pre-sales check: what must be true before signing, why, who, and its status."""

    id: str
    check: str
    why: str
    owner: str
    status: str


@dataclass(frozen=True)
class ProposalBrief:
    """The words of the proposal and the settings of its estimate (proposal.yaml)."""

    title: str
    client: str
    hypothesis: str
    scope_in: tuple[str, ...]
    scope_out: tuple[str, ...]
    assumptions: tuple[str, ...]
    team_size: float = 4.0
    expected_auc: float = 0.75
    estimate: dict[str, Any] = field(default_factory=dict)
    test: str = ""
    commitment: str = "P80"
    checklist: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True)
class Project:
    """Every planning register of one project, validated and cross-checked."""

    stakeholders: tuple[Stakeholder, ...]
    requirements: tuple[Requirement, ...]
    kpis: tuple[KPI, ...]
    tasks: tuple[Task, ...]
    factors: tuple[Factor, ...]
    rule: RuleOfThumb
    roles: tuple[Role, ...]
    risks: tuple[Risk, ...]
    value: ValueAssumptions
    brief: ProposalBrief


def parse_checklist(
    records: list[Any],
    *,
    owners: list[str] | tuple[str, ...],
) -> tuple[ChecklistItem, ...]:
    """Validate pre-sales checklist records (proposal.yaml's ``checklist``).

    Parameters
    ----------
    records : list of dict
        One dict per check: ``id``, ``check``, ``why``, ``owner``, ``status``.
    owners : sequence of str
        The ids allowed as owners (stakeholders and roles).

    Returns
    -------
    tuple of ChecklistItem

    Raises
    ------
    PlanError
        For a missing field, an unknown owner, a status not in :data:`CHECK_STATUSES`,
        or a repeated id.

    Examples
    --------
    >>> rec = dict(id="C1", check="Data access agreed", why="No data, no project",
    ...            owner="md", status="nearly")
    >>> parse_checklist([rec], owners=["md"])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Check 'C1': 'status' ('nearly') must be one of [...
    >>> parse_checklist([{**rec, "status": "done"}], owners=["md"])[0].status
    'done'
    """
    if not isinstance(records, list):
        raise PlanError(
            "Proposal",
            "checklist",
            records,
            "must be a list",
            "Write 'checklist:' followed by '- {id: ..., check: ...}' entries.",
        )
    items = []
    for record in records:
        where = f"Check {record.get('id', '?')!r}" if isinstance(record, dict) else "Check"
        fields = ("id", "check", "why", "owner", "status")
        require(record, fields, where=where, source="proposal.yaml")
        _no_extra_fields(record, fields, where=where)
        choice(
            record["owner"],
            owners,
            where=where,
            field="owner",
            fix="Use a stakeholder id (stakeholders.yaml) or a role id (roles.yaml).",
        )
        choice(record["status"], CHECK_STATUSES, where=where, field="status")
        items.append(ChecklistItem(*(str(record[f]) for f in fields)))
    unique_ids((i.id for i in items), what="Check", source="proposal.yaml")
    return tuple(items)


def presales_checklist(
    items: tuple[ChecklistItem, ...],
    *,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The pre-sales checklist as a readable table: check, why, owner, status.

    Parameters
    ----------
    items : tuple of ChecklistItem
    names : dict of str to str, optional
        Display names for owner ids (e.g. ``{"md": "Managing director"}``).

    Returns
    -------
    DataFrame
        Columns ``check``, ``why``, ``owner`` and ``status``, one row per check.

    Examples
    --------
    >>> item = ChecklistItem("C1", "Data access agreed", "No data, no project", "md", "done")
    >>> presales_checklist((item,), names={"md": "Managing director"})["owner"].tolist()
    ['Managing director']
    """
    names = names or {}
    return pd.DataFrame(
        [(i.check, i.why, names.get(i.owner, i.owner), i.status) for i in items],
        columns=["check", "why", "owner", "status"],
    )


def _brief(path: Path, owners: list[str] | None = None) -> ProposalBrief:
    raw = read_mapping(path, "proposal.yaml")
    where = "Proposal"
    for name in ("title", "client", "hypothesis", "scope_in", "scope_out", "assumptions"):
        if name not in raw:
            raise PlanError(where, name, None, "is required", f"Add '{name}:' to proposal.yaml.")
    lists = {
        n: text_tuple(raw[n], where=where, field=n)
        for n in ("scope_in", "scope_out", "assumptions")
    }
    estimate = raw.get("estimate", {}) or {}
    known = {"n_runs", "seed", "method", "correlation"}
    if not isinstance(estimate, dict) or set(estimate) - known:
        raise PlanError(
            where, "estimate", estimate, f"may only set {sorted(known)}", "Remove the other keys."
        )
    return ProposalBrief(
        raw["title"],
        raw["client"],
        raw["hypothesis"],
        **lists,
        team_size=number(raw.get("team_size", 4.0), where=where, field="team_size", low=0.25),
        expected_auc=number(
            raw.get("expected_auc", 0.75), where=where, field="expected_auc", low=0.5, high=0.9999
        ),
        estimate=dict(estimate),
        test=str(raw.get("test", "")),
        commitment=choice(
            raw.get("commitment", "P80"),
            _COMMITMENTS,
            where=where,
            field="commitment",
            fix="Commit to one of the simulated percentiles.",
        ),
        checklist=parse_checklist(raw.get("checklist", []), owners=owners or []),
    )


def load_project(directory: str | Path | None = None) -> Project:
    """Load and cross-check every planning file in ``directory`` (default: the Bike Shop's).

    Parameters
    ----------
    directory : str or Path, optional
        A folder holding the nine planning files; by default data/bike_shop/project.

    Returns
    -------
    Project

    Raises
    ------
    PlanError
        If any file breaks its schema or refers to an unknown stakeholder or role.

    Examples
    --------
    >>> p = load_project()
    >>> len(p.stakeholders), len(p.tasks), len(p.risks)
    (7, 32, 8)
    """
    d = Path(directory) if directory is not None else PROJECT_DIR
    stakeholders = load_stakeholders(d / "stakeholders.yaml")
    roles = load_roles(d / "roles.yaml")
    owners = [s.id for s in stakeholders] + [r.id for r in roles]
    return Project(
        stakeholders=stakeholders,
        requirements=load_requirements(d / "requirements.yaml", stakeholders=stakeholders),
        kpis=load_kpis(d / "kpis.yaml", stakeholders=stakeholders),
        tasks=parse_tasks(
            read_entries(d / "tasks.yaml", "tasks.yaml", "tasks"), roles=[r.id for r in roles]
        ),
        factors=load_factors(d / "factors.yaml"),
        rule=load_rule_of_thumb(d / "factors.yaml"),
        roles=roles,
        risks=load_risks(d / "risks.yaml", owners=owners),
        value=load_value_assumptions(d / "value.yaml"),
        brief=_brief(d / "proposal.yaml", owners),
    )


@dataclass(frozen=True, eq=False)
class ProjectPlan:
    """The numbers behind a proposal (see :func:`plan_project`)."""

    factors: tuple[Factor, ...]
    team: pd.DataFrame
    simulation: Simulation
    summary: pd.DataFrame
    rule_comparison: pd.DataFrame
    policies: pd.DataFrame
    precision: float
    top_risks: pd.DataFrame


def plan_project(
    project: Project,
    *,
    factors: tuple[Factor, ...] | None = None,
    team_size: float | None = None,
    n_runs: int | None = None,
    seed: int | None = None,
    n_risks: int = 3,
) -> ProjectPlan:
    """Run the numbers: team, Monte Carlo estimate, rule of thumb, value and top risks.

    Options default to proposal.yaml and the factors assessed for the project.

    Parameters
    ----------
    project : Project
    factors : tuple of Factor, optional
        By default the factors assessed for the project (``bike_shop: true``).
    team_size : float, optional
        By default proposal.yaml's ``team_size``.
    n_runs, seed : int, optional
        By default proposal.yaml's ``estimate`` settings.
    n_risks : int, default=3

    Returns
    -------
    ProjectPlan
        The team, the simulation and its summary (effort, weeks, cost), the
        rule-of-thumb comparison, the policies at capacity and the top risks.

    Examples
    --------
    >>> plan = plan_project(load_project(), n_runs=2000)
    >>> list(plan.summary.columns)
    ['effort_days', 'weeks', 'cost']
    """
    brief = project.brief
    factors = assessed_factors(project.factors) if factors is None else tuple(factors)
    size = brief.team_size if team_size is None else team_size
    team = design_team(project.tasks, factors, team_size=size, roles=project.roles)
    settings = {
        **brief.estimate,
        **{k: v for k, v in (("n_runs", n_runs), ("seed", seed)) if v is not None},
    }
    sim = simulate_project(project.tasks, team=team_fte(team), factors=factors, **settings)
    a = project.value
    precision = precision_recall_at_k(brief.expected_auc, a.capacity, assumptions=a)[0]
    return ProjectPlan(
        factors,
        team,
        sim,
        summarise(sim, day_rates=day_rates(project.roles)),
        compare_with_rule_of_thumb(sim, project.tasks, factors, rule=project.rule),
        compare_policies(precision, a.capacity, assumptions=a),
        precision,
        top_risks(project.risks, n_risks),
    )


def _money(x: float) -> str:
    return f"£{x:,.0f}" if x >= 0 else f"−£{-x:,.0f}"


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [f"- {item}" for item in items]


def _estimate_section(project: Project, plan: ProjectPlan) -> list[str]:
    s, rule = plan.summary, plan.rule_comparison.set_index("method")["effort_days"]
    lines = [
        "## Estimate",
        "",
        "| | Effort (person-days) | Calendar (working weeks) | Cost |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {q} | {s.loc[q, 'effort_days']:.0f} | {s.loc[q, 'weeks']:.0f} | "
        f"{_money(s.loc[q, 'cost'])} |"
        for q in s.index
    ]
    applied = (
        ", ".join(
            f"{f.label.lower()} (×{f.multiplier:g} on {', '.join(f.applies_to)})"
            for f in plan.factors
        )
        or "none"
    )
    thumb = next(m for m in rule.index if m.startswith("rule of thumb"))
    q = project.brief.commitment
    lines += [
        "",
        f"**We commit to the {q}:** {s.loc[q, 'weeks']:.0f} working weeks and "
        f"{_money(s.loc[q, 'cost'])}, a figure the simulated project meets in "
        f"{q[1:]} runs out of 100. The team plans to the P50; the gap up to the P95 is "
        "the sponsor's contingency, released only by a decision.",
        "",
        f"From {len(project.tasks)} tasks with three-point estimates, "
        f"{plan.simulation.n_runs:,} Monte Carlo runs. Complexity factors: {applied}. "
        f"For comparison, the sum of the most-likely estimates is "
        f"{rule['sum of most-likely estimates']:.0f} person-days and the "
        f"{thumb} gives {rule[thumb]:.0f}.",
    ]
    return lines


def _team_section(plan: ProjectPlan) -> list[str]:
    t = plan.team
    lines = [
        "## Team and cost",
        "",
        "| Role | FTE | Day rate | Expected effort (days) |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.fte:g} | {_money(r.day_rate)} | {r.effort_days:.0f} |"
        for r in t.itertuples()
    ]
    lines += [
        "",
        f"The team of {t['fte'].sum():g} FTE costs {_money(t['weekly_cost'].sum())} "
        "a week when everyone is fully allocated; the costs in the estimate count only "
        "the days worked, because each role joins when its tasks start.",
    ]
    return lines


def _value_section(project: Project, plan: ProjectPlan) -> list[str]:
    v = plan.policies.set_index("policy")["value"]
    a, auc = project.value, project.brief.expected_auc
    return [
        "## Value",
        "",
        f"Inviting {a.capacity:,} customers a month (the workshops' capacity) with a model "
        f"of ROC AUC {auc:g} (so that {plan.precision:.0%} of the invited customers would "
        "otherwise lapse) would be worth about "
        f"{_money(v['model'])} a month, against {_money(v['blanket e-mail'])} for the "
        f"blanket e-mail, {_money(v['random targeting'])} for random invitations and "
        f"{_money(v['perfect targeting'])} for perfect targeting.",
    ]


def _risk_section(project: Project, plan: ProjectPlan) -> list[str]:
    names = {x.id: x.name for x in (*project.stakeholders, *project.roles)}
    lines = [
        "## Top risks",
        "",
        "| Risk | Owner | Exposure | Mitigation (when) | Residual |",
        "|---|---|---:|---|---:|",
    ]
    lines += [
        f"| {r.title} | {names.get(r.owner, r.owner)} | {_money(r.exposure)} | {r.mitigation} "
        f"({PHASE_LABELS[r.mitigation_phase]}) | {_money(r.residual_exposure)} |"
        for r in plan.top_risks.itertuples()
    ]
    return lines


def _assumptions_section(project: Project, plan: ProjectPlan) -> list[str]:
    sim = plan.simulation
    return [
        "## Assumptions", "", *_bullets(project.brief.assumptions),
        f"- The estimate: {sim.method.upper()} three-point draws with a fixed random seed "
        f"({sim.seed}), so it re-runs exactly; tasks share their luck "
        f"with correlation {sim.correlation:g}; phases run in sequence and each role works at "
        "its FTE (no holidays).",
        _value_assumption(project.value),
    ]  # fmt: skip


def _checklist_section(project: Project) -> list[str]:
    items = project.brief.checklist
    if not items:
        return []
    names = {x.id: x.name for x in (*project.stakeholders, *project.roles)}
    done = sum(i.status == "done" for i in items)
    lines = ["## Before signing", "", f"{done} of {len(items)} pre-sales checks are done."]
    still = [i for i in items if i.status != "done"]
    if still:
        lines += ["", "Still to close:", ""]
        lines += [f"- {i.check} ({names.get(i.owner, i.owner)}, {i.status})" for i in still]
    return lines


def _value_assumption(a: ValueAssumptions) -> str:
    return (
        f"- The value model: {a.base_rate:.0%} of {a.active_customers:,} active customers "
        f"lapse; a kept customer is worth {_money(a.margin)}; an invitation costs "
        f"{_money(a.offer_cost)} and keeps {a.success_rate:.0%} of the lapsers it reaches."
    )


def write_proposal(
    project: Project,
    *,
    plan: ProjectPlan | None = None,
    heading_level: int = 1,
) -> str:
    """The one-page proposal as Markdown: hypothesis, scope, value, estimate, team, risks.

    Display it in a notebook with ``IPython.display.Markdown(write_proposal(project))``.

    Parameters
    ----------
    project : Project
    plan : ProjectPlan, optional
        By default :func:`plan_project` with proposal.yaml's settings (100,000 runs).
    heading_level : int, default=1
        Level of the title heading; sections are one level below. Use 3 to show the
        proposal inside a book page without adding to the page's own outline.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> project = load_project()
    >>> text = write_proposal(project, plan=plan_project(project, n_runs=2000))
    >>> text.splitlines()[0]
    '# Proposal: Keeping Bike Shop customers coming back'
    >>> "| P80 |" in text
    True
    >>> write_proposal(project, plan=plan_project(project, n_runs=2000),
    ...                heading_level=3).splitlines()[0]
    '### Proposal: Keeping Bike Shop customers coming back'
    """
    level = int(
        number(
            heading_level,
            where="write_proposal",
            field="heading_level",
            low=1,
            high=5,
            fix="Use a heading level from 1 to 5.",
        )
    )
    plan = plan or plan_project(project)
    b = project.brief
    sections = [
        [f"# Proposal: {b.title}", "", f"**Client:** {b.client}"],
        ["## Hypothesis", "", b.hypothesis, *(["", f"**How we will test it:** {b.test}"]
                                             if b.test else [])],
        ["## Scope", "", "In scope:", "", *_bullets(b.scope_in), "", "Out of scope:", "",
         *_bullets(b.scope_out)],
        _value_section(project, plan),
        _estimate_section(project, plan),
        _team_section(plan),
        _risk_section(project, plan),
        _assumptions_section(project, plan),
        _checklist_section(project),
    ]  # fmt: skip
    text = "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"
    if level > 1:  # every heading starts a line with "#"; push each down a few levels
        text = "\n".join(
            "#" * (level - 1) + line if line.startswith("#") else line for line in text.split("\n")
        )
    return text
