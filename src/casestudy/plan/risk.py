"""The risk register and how exposure burns down sprint by sprint.

Impact is in pounds (what the risk would cost in delay, rework or lost value if it
happened), so exposure ``= likelihood x impact`` is in pounds too and can be set against
the budget and the value model. Each risk's mitigation acts during one phase; from the end
of that phase the risk has its residual likelihood (and residual impact). An ML project is
a process of finding and removing risk, so a good plan front-loads the mitigations: the
burn-down shows whether it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from casestudy.plan._checks import (
    choice,
    number,
    probability,
    read_entries,
    require,
    unique_ids,
)
from casestudy.plan._vocab import PHASE_LABELS, PHASES
from casestudy.plotting import COLOURS, new_figure

__all__ = [
    "Risk",
    "load_risks",
    "parse_risks",
    "plot_risk_burndown",
    "risk_burndown",
    "risk_register",
    "top_risks",
]


@dataclass(frozen=True)
class Risk:
    """A project risk: likelihood in [0, 1], impact in £, and the mitigation's timing."""

    id: str
    title: str
    owner: str
    likelihood: float
    impact: float
    mitigation: str
    mitigation_phase: str
    residual_likelihood: float
    residual_impact: float

    @property
    def exposure(self) -> float:
        """Expected cost before mitigation (£)."""
        return self.likelihood * self.impact

    @property
    def residual_exposure(self) -> float:
        """Expected cost once the mitigation has acted (£)."""
        return self.residual_likelihood * self.residual_impact


_RISK_FIELDS = (
    "id", "title", "owner", "likelihood", "impact", "mitigation", "mitigation_phase",
    "residual_likelihood",
)  # fmt: skip
_OWNER_FIX = "Use a stakeholder id (stakeholders.yaml) or a role id (roles.yaml)."
_MONEY_FIX = "Give the impact in pounds, zero or more."


def _risk(record: Mapping[str, Any], owners: Sequence[str]) -> Risk:
    where = f"Risk {record.get('id', '?')!r}"
    require(record, _RISK_FIELDS, where=where, source="risks.yaml")
    choice(record["owner"], owners, where=where, field="owner", fix=_OWNER_FIX)
    choice(record["mitigation_phase"], PHASES, where=where, field="mitigation_phase")
    impact = number(record["impact"], where=where, field="impact", low=0.0, fix=_MONEY_FIX)
    residual = record.get("residual_impact", impact)
    odds = {f: probability(record[f], where=where, field=f)
            for f in ("likelihood", "residual_likelihood")}  # fmt: skip
    text = {f: str(record[f]) for f in ("id", "title", "owner", "mitigation", "mitigation_phase")}
    return Risk(
        **text, **odds, impact=impact,
        residual_impact=number(residual, where=where, field="residual_impact", low=0.0,
                               fix=_MONEY_FIX),
    )  # fmt: skip


def parse_risks(
    records: Sequence[Mapping[str, Any]],
    *,
    owners: Iterable[str],
) -> tuple[Risk, ...]:
    """Validate risk records into :class:`Risk` objects; owners must be known ids.

    Parameters
    ----------
    records : sequence of dict
        One dict per risk, with the fields of :class:`Risk` (``residual_impact``
        optional).
    owners : iterable of str
        The ids allowed as owners (stakeholders and roles).

    Returns
    -------
    tuple of Risk

    Examples
    --------
    >>> rec = dict(id="R1", title="Late data", owner="md", likelihood=1.5, impact=6000,
    ...            mitigation="Ask early", mitigation_phase="pre-project",
    ...            residual_likelihood=0.1)
    >>> parse_risks([rec], owners=["md"])
    Traceback (most recent call last):
    ...
    casestudy.plan._checks.PlanError: Risk 'R1': 'likelihood' (1.5) must be in [0, 1]. ...
    >>> parse_risks([{**rec, "likelihood": 0.5}], owners=["md"])[0].exposure
    3000.0
    """
    owners = list(owners)
    risks = tuple(_risk(r if isinstance(r, Mapping) else {"record": r}, owners) for r in records)
    unique_ids((r.id for r in risks), what="Risk", source="risks.yaml")
    return risks


def load_risks(
    path: str | Path | None = None,
    *,
    owners: Iterable[str] | None = None,
) -> tuple[Risk, ...]:
    """Load and validate risks.yaml; owners default to the Bike Shop's stakeholders and roles.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file shaped like data/bike_shop/project/risks.yaml.
    owners : iterable of str, optional
        Allowed owners; by default the shipped stakeholder and role ids.

    Returns
    -------
    tuple of Risk

    Examples
    --------
    >>> len(load_risks())
    8
    """
    if owners is None:
        from casestudy.plan.requirements import load_stakeholders
        from casestudy.plan.team import load_roles

        owners = [s.id for s in load_stakeholders()] + [r.id for r in load_roles()]
    return parse_risks(read_entries(path, "risks.yaml", "risks"), owners=owners)


def risk_register(risks: Iterable[Risk]) -> pd.DataFrame:
    """The register as a table with exposure before and after mitigation, largest first.

    Parameters
    ----------
    risks : iterable of Risk

    Returns
    -------
    DataFrame
        The fields of :class:`Risk` plus ``exposure`` and ``residual_exposure``.

    Examples
    --------
    >>> risk_register(load_risks())["id"].iloc[0]
    'R2'
    """
    frame = pd.DataFrame([asdict(r) for r in risks])
    frame["exposure"] = frame["likelihood"] * frame["impact"]
    frame["residual_exposure"] = frame["residual_likelihood"] * frame["residual_impact"]
    return frame.sort_values(["exposure", "id"], ascending=[False, True]).reset_index(drop=True)


def top_risks(risks: Iterable[Risk], n: int = 3) -> pd.DataFrame:
    """The ``n`` risks with the largest exposure before mitigation.

    Parameters
    ----------
    risks : iterable of Risk
    n : int, default=3

    Returns
    -------
    DataFrame
        The first ``n`` rows of :func:`risk_register`.

    Examples
    --------
    >>> top_risks(load_risks(), 3)["id"].tolist()
    ['R2', 'R4', 'R3']
    """
    number(n, where="top_risks", field="n", low=1, fix="Ask for at least one risk.")
    return risk_register(risks).head(int(n))


def risk_burndown(risks: Iterable[Risk]) -> pd.DataFrame:
    """Exposure of each risk at the start and at the end of every phase (tidy).

    Parameters
    ----------
    risks : iterable of Risk

    Returns
    -------
    DataFrame
        Columns ``id``, ``title``, ``step`` (0 = start, then one per phase), ``phase``
        (``"start"`` or a phase id), ``label``, ``likelihood``, ``impact`` and ``exposure``.

    Examples
    --------
    >>> b = risk_burndown(load_risks())
    >>> total = b.groupby("step")["exposure"].sum()
    >>> float(total.iloc[0]), float(total.iloc[-1])
    (32300.0, 9850.0)
    """
    rows = []
    for risk in risks:
        done_at = PHASES.index(risk.mitigation_phase) + 1
        for step, phase in enumerate(("start", *PHASES)):
            mitigated = step >= done_at
            lik = risk.residual_likelihood if mitigated else risk.likelihood
            imp = risk.residual_impact if mitigated else risk.impact
            rows.append(
                {
                    "id": risk.id,
                    "title": risk.title,
                    "step": step,
                    "phase": phase,
                    "label": PHASE_LABELS.get(phase, "Start"),
                    "likelihood": lik,
                    "impact": imp,
                    "exposure": lik * imp,
                }
            )
    return pd.DataFrame(rows)


def plot_risk_burndown(burndown: pd.DataFrame, *, title: str = "Risk exposure burn-down") -> Figure:
    """Stacked exposure of every risk at the start and the end of each phase.

    Parameters
    ----------
    burndown : DataFrame
        From :func:`risk_burndown`.
    title : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_risk_burndown(risk_burndown(load_risks()))
    >>> fig.axes[0].get_ylabel()
    'Exposure (£, likelihood × impact)'
    """
    wide = burndown.pivot_table(index="step", columns="id", values="exposure", aggfunc="sum")
    labels = burndown.drop_duplicates("step").set_index("step")["label"]
    fig, ax = new_figure(height=4.0)
    palette = list(COLOURS.values())[1:]
    ax.stackplot(
        wide.index,
        wide.T.to_numpy(),
        labels=list(wide.columns),
        colors=[palette[i % len(palette)] for i in range(len(wide.columns))],
        alpha=0.85,
    )
    ax.set_xticks(list(labels.index), list(labels), rotation=30, ha="right")
    ax.set(ylabel="Exposure (£, likelihood × impact)", title=title)
    ax.yaxis.set_major_formatter("£{x:,.0f}")
    ax.legend(fontsize=9, ncols=2, loc="upper right", title="risk id", title_fontsize=9)
    return fig
