"""Project-management tools for the pre-project chapters: the Bike Shop's plan as code.

The registers live as validated YAML in ``data/bike_shop/project/``; the functions here load
them, check them, and compute from them:

* :mod:`~casestudy.plan.requirements`: stakeholders and their map, the requirements
  register (MoSCoW, owners, acceptance tests) and KPIs by lever.
* :mod:`~casestudy.plan.value`: the money value of a targeting policy, and what a better
  model (higher ROC AUC) is worth.
* :mod:`~casestudy.plan.estimate`: task breakdown, three-point estimates, complexity
  factors, a vectorised Monte Carlo of effort and calendar time, and the rule of thumb.
* :mod:`~casestudy.plan.team`: team design from the project's challenge profile, and cost.
* :mod:`~casestudy.plan.risk`: the risk register and its burn-down.
* :mod:`~casestudy.plan.proposal`: the whole project, its numbers, and the one-page
  proposal in Markdown.
* :mod:`~casestudy.plan.explorers`: the ``model-value`` and ``estimate-factors`` explorers.

Every input error is a :class:`PlanError` (a ``ValueError``) naming the entry, the field,
the value and the fix. Importing the package has no side effects beyond registering its two
explorers.

Examples
--------
>>> from casestudy import plan
>>> project = plan.load_project()
>>> [k.lever for k in project.kpis][:2]
['revenue', 'cost-saving']
"""

from __future__ import annotations

from casestudy.plan._checks import PROJECT_DIR, PlanError
from casestudy.plan._vocab import GROUPS, PHASE_LABELS, PHASES, ROLES
from casestudy.plan.estimate import (
    DAYS_PER_WEEK,
    Factor,
    RuleOfThumb,
    Simulation,
    Task,
    assessed_factors,
    compare_with_rule_of_thumb,
    expected_effort,
    load_factors,
    load_rule_of_thumb,
    load_tasks,
    parse_factors,
    parse_tasks,
    phase_table,
    plot_effort_distribution,
    rule_of_thumb,
    sample_effort,
    schedule_weeks,
    select_factors,
    simulate_project,
    summarise,
    task_multipliers,
)
from casestudy.plan.explorers import (
    SCENARIOS,
    estimate_explorer,
    estimate_view,
    value_explorer,
    value_view,
)
from casestudy.plan.proposal import (
    Project,
    ProjectPlan,
    ProposalBrief,
    load_project,
    plan_project,
    write_proposal,
)
from casestudy.plan.requirements import (
    KINDS,
    KPI,
    LEVERS,
    PRIORITIES,
    Requirement,
    Stakeholder,
    load_kpis,
    load_requirements,
    load_stakeholders,
    parse_kpis,
    parse_requirements,
    parse_stakeholders,
    plot_stakeholder_map,
    requirements_matrix,
    stakeholder_map,
    to_frame,
)
from casestudy.plan.risk import (
    Risk,
    load_risks,
    parse_risks,
    plot_risk_burndown,
    risk_burndown,
    risk_register,
    top_risks,
)
from casestudy.plan.team import (
    Role,
    challenge_labels,
    challenge_profile,
    day_rates,
    design_team,
    effort_by_role,
    load_roles,
    parse_roles,
    plot_team,
    team_cost,
    team_fte,
)
from casestudy.plan.value import (
    PolicyValue,
    ValueAssumptions,
    compare_policies,
    load_value_assumptions,
    plot_value_curve,
    plot_value_vs_auc,
    policy_value,
    precision_recall_at_k,
    value_curve,
    value_vs_auc,
)

__all__ = [
    "DAYS_PER_WEEK",
    "GROUPS",
    "KINDS",
    "KPI",
    "LEVERS",
    "PHASES",
    "PHASE_LABELS",
    "PRIORITIES",
    "PROJECT_DIR",
    "ROLES",
    "SCENARIOS",
    "Factor",
    "PlanError",
    "PolicyValue",
    "Project",
    "ProjectPlan",
    "ProposalBrief",
    "Requirement",
    "Risk",
    "Role",
    "RuleOfThumb",
    "Simulation",
    "Stakeholder",
    "Task",
    "ValueAssumptions",
    "assessed_factors",
    "challenge_labels",
    "challenge_profile",
    "compare_policies",
    "compare_with_rule_of_thumb",
    "day_rates",
    "design_team",
    "effort_by_role",
    "estimate_explorer",
    "estimate_view",
    "expected_effort",
    "load_factors",
    "load_kpis",
    "load_project",
    "load_requirements",
    "load_risks",
    "load_roles",
    "load_rule_of_thumb",
    "load_stakeholders",
    "load_tasks",
    "load_value_assumptions",
    "parse_factors",
    "parse_kpis",
    "parse_requirements",
    "parse_risks",
    "parse_roles",
    "parse_stakeholders",
    "parse_tasks",
    "phase_table",
    "plan_project",
    "plot_effort_distribution",
    "plot_risk_burndown",
    "plot_stakeholder_map",
    "plot_team",
    "plot_value_curve",
    "plot_value_vs_auc",
    "policy_value",
    "precision_recall_at_k",
    "requirements_matrix",
    "risk_burndown",
    "risk_register",
    "rule_of_thumb",
    "sample_effort",
    "schedule_weeks",
    "select_factors",
    "simulate_project",
    "stakeholder_map",
    "summarise",
    "task_multipliers",
    "team_cost",
    "team_fte",
    "to_frame",
    "top_risks",
    "value_curve",
    "value_explorer",
    "value_view",
    "value_vs_auc",
    "write_proposal",
]
