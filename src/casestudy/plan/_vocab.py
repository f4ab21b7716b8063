"""The planning vocabulary: phases, task groups and roles (private; re-exported)."""

from __future__ import annotations

#: The project lifecycle the course follows, in order.
PHASES: tuple[str, ...] = (
    "pre-project",
    "sprint-0",
    "sprint-1",
    "sprint-2",
    "sprint-3",
    "sprint-omega",
)

#: How each phase is written in prose and on figures.
PHASE_LABELS: dict[str, str] = {
    "pre-project": "Pre-project",
    "sprint-0": "Sprint 0",
    "sprint-1": "Sprint 1",
    "sprint-2": "Sprint 2",
    "sprint-3": "Sprint 3",
    "sprint-omega": "Sprint Ω",
}

#: Task groups: the complexity factors multiply the effort of whole groups.
GROUPS: tuple[str, ...] = (
    "management",
    "data",
    "modelling",
    "evaluation",
    "engineering",
    "ux",
    "governance",
)

#: The roles a team can have (described, with day rates, in roles.yaml).
ROLES: tuple[str, ...] = (
    "data-engineer",
    "data-scientist",
    "ml-engineer",
    "software-engineer",
    "ux-designer",
    "product-owner",
    "domain-expert",
)
