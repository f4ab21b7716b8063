"""Markdown and checklists for :mod:`casestudy.decide` (private): text from computed numbers."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from casestudy._decide_criteria import Criteria, family

_FAMILY_TEXT = {
    "logistic": "logistic regression on log-scaled, standardised features",
    "hgb": "histogram gradient boosting (scikit-learn HistGradientBoostingClassifier)",
    "random_forest": "random forest (scikit-learn RandomForestClassifier)",
    "rule": "a baseline rule (lapse rate by tenth of one feature)",
}


_SHOWN = (
    "C",
    "max_iter",
    "max_leaf_nodes",
    "learning_rate",
    "min_samples_leaf",
    "l2_regularization",
    "n_estimators",
    "max_features",
    "feature",
    "n_bins",
)


def today(date: str | None) -> str:
    """``date`` checked as ISO, or today's UTC date."""
    if date is None:
        return _dt.datetime.now(_dt.UTC).date().isoformat()
    return _dt.date.fromisoformat(str(date)).isoformat()


def _ci(row: pd.Series) -> str:
    return f"{row['auc']:.3f} (95% CI {row['auc_low']:.3f} to {row['auc_high']:.3f})"


def reasons(
    choice: str,
    runner: str | None,
    table: pd.DataFrame,
    scores: pd.DataFrame,
    floor: float,
    comparison: Any,
    crit: Criteria,
) -> list[str]:
    """Sentences that say why ``choice`` won, each carrying its number."""
    c = table.loc[choice]
    out = [
        f"{choice} has the highest weighted score, {scores.loc[choice, 'total']:.2f} of 5"
        + (f" (runner-up {runner}: {scores.loc[runner, 'total']:.2f})." if runner else "."),
        f"Its test AUC is {_ci(c)}, above the best baseline rule's {floor:.3f}.",
        f"At the validation-chosen threshold {c['threshold']:.2f} it invites "
        f"{c['invitations']:,.0f} customers a month (workshop capacity) and is worth "
        f"£{c['value']:,.0f} a month under the value model.",
    ]
    if runner is not None and comparison is not None:
        d = comparison.difference
        clear = d.low > 0
        out.append(
            f"Against {runner} its AUC differs by {d.value:+.3f} (95% CI {d.low:+.3f} "
            f"to {d.high:+.3f}): "
            + (
                "clearly better."
                if clear
                else "not clearly different, so the other criteria decide."
            )
        )
        better = [
            k for k in crit.table.index if scores.loc[choice, k] > scores.loc[runner, k] + 1e-9
        ]
        if better:
            out.append(f"It scores higher than {runner} on: {', '.join(better)}.")
    out.append(f"True-positive-rate gap between age bands: {c['tpr_gap_age']:.3f}.")
    return out


def _alternatives(sel: Any, *, full: bool) -> str:
    """The candidates' table; ``full`` adds each run id's first 8 characters."""
    t = sel.table.join(sel.scores[["total"]]).sort_values("total", ascending=False)
    rows = [
        "| model | AUC (95% CI) | PR AUC | Brier | £/month | TPR gap (age) | size | steps "
        "| score |" + (" run |" if full else ""),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" if full else ""),
    ]
    for name, r in t.iterrows():
        run = (str(r["run_id"])[:8] if isinstance(r["run_id"], str) else "-") + " |"
        rows.append(
            f"| {name} | {r['auc']:.3f} ({r['auc_low']:.3f}-{r['auc_high']:.3f}) | "
            f"{r['pr_auc']:.3f} | {r['brier']:.3f} | {r['value']:,.0f} | "
            f"{r['tpr_gap_age']:.3f} | {r['model_size']:,.0f} | {r['score_depth']:,.0f} | "
            f"{r['total']:.2f} |" + (f" {run}" if full else "")
        )
    return "\n".join(rows)


PROVENANCE = ("stable", "full")


def check_provenance(provenance: Any, where: str) -> bool:
    """True for "full" (run ids shown), False for "stable"; anything else is an error."""
    if provenance not in PROVENANCE:
        raise ValueError(
            f"The 'provenance' parameter of {where} must be 'stable' or 'full'. "
            f"Got {provenance!r} instead."
        )
    return provenance == "full"


def provenance(
    run_id: Any,
    *,
    full: bool,
    experiment: str | None,
    code_version: str | None,
    version: int | None,
    data_version: str,
    model_name: str,
) -> list[str]:
    """Where the model came from, as Markdown bullets.

    "stable" names what a reader can look up and that is the same on every run of the same
    code and data (experiment, data and code versions, registered version); "full" adds the
    run id (a random uuid: the exact run, different every time).
    """
    lines = [
        f"- **Experiment:** {experiment or 'not tracked'}",
        "- **Registered model:** "
        + (f"{model_name} version {version}" if version else "not registered yet"),
        f"- **Data version:** {data_version}",
        f"- **Code version:** {code_version or 'unknown'}",
    ]
    if full:
        lines.insert(1, f"- **Run:** {run_id if isinstance(run_id, str) else 'not tracked'}")
    return lines


def _risks(sel: Any, bayes: Any) -> list[str]:
    c = sel.table.loc[sel.choice]
    out = [
        f"The value (£{c['value']:,.0f} a month) rests on assumed margin, offer cost and "
        "success rate; only an A/B test can confirm the success rate.",
        "Customers change: the model must be monitored and retrained (chapter 10).",
    ]
    if sel.comparison is not None and sel.comparison.difference.low <= 0:
        out.append(
            f"The AUC lead over {sel.runner_up} is within noise; the choice rests on "
            "the qualitative criteria and their weights."
        )
    if c["tpr_gap_age"] > 0.10:
        out.append(
            f"Lapsers in some age bands are invited less often (TPR gap "
            f"{c['tpr_gap_age']:.2f}); see the fairness section of the model card."
        )
    if bayes is not None and bayes.auc_gap > 0.02:
        out.append(
            f"The model is {bayes.auc_gap:.3f} AUC below the best possible model "
            f"(£{bayes.value_gap:,.0f} a month expected); better features could pay."
        )
    if bayes is not None and np.isfinite(bayes.auc_features):
        out.append(
            f"Even trained on the true probabilities, a model on these features reaches AUC "
            f"{bayes.auc_features:.3f}: better modelling can win at most "
            f"{max(bayes.auc_features - bayes.auc_model, 0):.3f}; the other "
            f"{bayes.auc_limit - bayes.auc_features:.3f} needs information the features lack."
        )
    return out


def decision_record(
    sel: Any,
    *,
    data_version: str,
    bayes: Any,
    risks: list[str],
    date: str,
    split: Any,
    source: dict[str, Any],
) -> str:
    """The decision record (ADR style) as Markdown; ``source`` feeds :func:`provenance`."""
    c = sel.table.loc[sel.choice]
    lines = [
        "# Decision record: lapse model for the safety-check invitations",
        "",
        f"- **Date:** {date}",
        f"- **Decision:** deploy **{sel.choice}** "
        f"({_FAMILY_TEXT.get(family(sel.choice), sel.choice)}) as the champion.",
        *provenance(c["run_id"], data_version=data_version, **source),
    ]
    if split is not None:
        lines.append(
            f"- **Cut-offs:** train {', '.join(str(t.date()) for t in split.train)}; "
            f"validation {split.validation.date()}; test "
            f"{', '.join(str(t.date()) for t in split.test)}"
        )
    lines += [
        "",
        "## Why",
        "",
        *[f"- {r}" for r in sel.reasons],
        "",
        "## Alternatives considered (test month)",
        "",
        _alternatives(sel, full=source["full"]),
        "",
        "Criteria weights: "
        + ", ".join(f"{k} {w:.2f}" for k, w in sel.criteria.table["weight"].items())
        + ".",
        "",
    ]
    if bayes is not None:
        lines += ["## Distance from the best possible model", "", f"- {bayes}", ""]
    lines += ["## Risks", "", *[f"- {r}" for r in [*_risks(sel, bayes), *risks]], ""]
    return "\n".join(lines)


def _table_md(t: pd.DataFrame, cols: list[str]) -> str:
    head = "| group | " + " | ".join(cols) + " |"
    rows = [head, "|---" * (len(cols) + 1) + "|"]
    for g, r in t[cols].iterrows():
        rows.append(
            f"| {g} | "
            + " | ".join(
                "-" if pd.isna(v) else (f"{v:,.0f}" if c == "count" else f"{v:.3f}")
                for c, v in r.items()
            )
            + " |"
        )
    return "\n".join(rows)


def model_card(
    result: Any,
    data: Any,
    *,
    groups: dict[str, pd.DataFrame],
    data_version: str,
    bayes: Any,
    selection: Any,
    assumptions: Any,
    date: str,
    source: dict[str, Any],
) -> str:
    """The model card as Markdown (sections of Mitchell et al. 2019)."""
    m, s, a = result.metrics, data.split, assumptions
    tr, te = data.train, data.test if result.on == "test" else data.validation
    cols = ["count", "selection_rate", "true_positive_rate", "precision", "calibration_gap"]
    gap = {k: t.loc["difference", "true_positive_rate"] for k, t in groups.items()}
    out = [
        f"# Model card: {result.name} (Bike Shop lapse model)",
        "",
        "## Model details",
        "",
        f"- {_FAMILY_TEXT.get(family(result.name), result.name)}; scikit-learn pipeline "
        "(ColumnTransformer then classifier), saved with skops.",
        "- Settings: "
        + (
            ", ".join(f"{k}={v}" for k, v in sorted(result.params.items()) if k in _SHOWN)
            or "defaults"
        )
        + ".",
        *provenance(result.run_id, data_version=data_version, **source),
        f"- Card date: {date}.",
        "- Owner: the Bike Shop ML project team; questions to the marketing lead.",
        "",
        "## Intended use",
        "",
        "- Each month, rank active customers by their probability of lapsing (no visit in "
        f"the next 180 days) and invite at most {a.capacity:,} of them to a free safety check.",
        "- Not for: pricing, credit, staff assessment, or any decision about an individual "
        "beyond an invitation; not for customers inactive for over a year.",
        "",
        "## Factors",
        "",
        "- Audited groups: age band, self-reported gender and postcode area (a proxy for "
        "deprivation). None of them is a model input; the audit columns are kept apart.",
        "- Engagement features (e-mail opens and clicks) carry past marketing, which reached "
        "some groups more than others.",
        "",
        "## Metrics",
        "",
        "- ROC AUC and PR AUC with 95% bootstrap intervals; Brier loss (calibration); money "
        f"value a month (margin £{a.margin:,.0f}, offer £{a.offer_cost:,.0f}, success rate "
        f"{a.success_rate:.0%}, capacity {a.capacity:,}); true-positive-rate gap between "
        "groups (equal opportunity).",
        f"- The decision threshold ({m['threshold']:.2f}) was chosen on the validation month.",
        "",
        "## Evaluation data",
        "",
        f"- Active customers at cut-off(s) {', '.join(str(t.date()) for t in s.test)}: "
        f"{len(te.y):,} customers, {te.y.mean():.1%} lapsed.",
        "",
        "## Training data",
        "",
        f"- Active customers at {len(s.train)} monthly cut-offs "
        f"{s.train[0].date()} to {s.train[-1].date()}: {len(tr.y):,} rows, "
        f"{tr.y.mean():.1%} lapsed; validation month {s.validation.date()}. Cleaned as in "
        "casestudy.features (test accounts removed, duplicates merged, clock errors dropped).",
        "",
        "## Quantitative analyses",
        "",
        f"- Test ROC AUC {m['auc']:.3f} (95% CI {m['auc_low']:.3f} to {m['auc_high']:.3f}); "
        f"PR AUC {m['pr_auc']:.3f}; Brier {m['brier']:.3f}; value £{m['value']:,.0f} a month "
        f"inviting {m['invitations']:,.0f} customers (precision {m['precision']:.2f}, recall "
        f"{m['recall']:.2f}).",
    ]
    out.append(_calibration_line(te.y.to_numpy(), result.scores))
    if bayes is not None:
        out.append(f"- Against the true probabilities (simulation only): {bayes}.")
    for col, t in groups.items():
        out += ["", f"### By {col.replace('_', ' ')}", "", _table_md(t, cols)]
    out += [
        "",
        "## Ethical considerations",
        "",
        "- Personal data: no names, e-mails, birth dates or postcodes reach the model; "
        "customers are keyed by a salted hash.",
        "- Largest true-positive-rate gaps: "
        + "; ".join(f"{k.replace('_', ' ')} {v:.3f}" for k, v in gap.items())
        + ". An invitation "
        "is a benefit, so a group with a low rate misses out on an offer.",
        "- Group-aware thresholds could equalise the rates at some cost in value (chapter "
        "8's fairness explorer); any such policy needs the data-protection adviser.",
        "",
        "## Caveats and recommendations",
        "",
        "- The value rests on assumptions until an A/B test measures the success rate.",
        "- Retrain monthly and monitor drift; a till upgrade or a competitor can break it.",
        "- Probabilities were checked on one month; recheck calibration before using them "
        "for capacity planning.",
    ]
    if selection is not None:
        out.append(f"- Chosen over {selection.runner_up}; see the decision record.")
    return "\n".join(out) + "\n"


def _calibration_line(y: np.ndarray, p: np.ndarray) -> str:
    """One sentence on calibration from the reliability table (deciles of the score)."""
    from casestudy.evaluate import reliability_table

    t = reliability_table(y, p, n_bins=10, strategy="quantile")
    worst = t.loc[(t["observed_rate"] - t["mean_predicted"]).abs().idxmax()]
    return (
        f"- Calibration (tenths of the score): mean predicted {p.mean():.3f} against observed "
        f"{y.mean():.3f}; the worst tenth predicts {worst['mean_predicted']:.3f} and observes "
        f"{worst['observed_rate']:.3f}."
    )


def checklist(
    sel: Any,
    data: Any,
    *,
    results: dict,
    leakage: Any,
    bayes: Any,
    registered_version: int | None,
    max_gap: float,
    max_tpr_gap: float,
) -> pd.DataFrame:
    """The post-modelling checklist rows (item, status, evidence)."""
    c, s = sel.table.loc[sel.choice], data.split
    r = results[sel.choice]
    base = float(data.test.y.mean())

    def row(item: str, ok: bool | None, evidence: str) -> tuple[str, str, str]:
        return item, ("to do" if ok is None else "done" if ok else "attention"), evidence

    rules = [m for m in sel.table.index if family(m) == "rule"]
    best_rule = float(sel.table.loc[rules, "auc"].max()) if rules else 0.5
    rows = [
        row(
            "Time-based split: test month after every training and validation label",
            s.validation + pd.Timedelta(days=180) <= s.test[0],
            f"train to {s.train[-1].date()}, validation {s.validation.date()}, "
            f"test {s.test[0].date()}",
        ),
        row(
            "Beats the best baseline rule on test AUC",
            c["auc"] > best_rule,
            f"{c['auc']:.3f} vs {best_rule:.3f}",
        ),
        row(
            "Uncertainty reported (95% CI)",
            bool(np.isfinite(c["auc_low"])),
            f"AUC {c['auc_low']:.3f} to {c['auc_high']:.3f}",
        ),
        row(
            "Calibrated better than the base rate",
            c["brier"] < base * (1 - base),
            f"Brier {c['brier']:.3f} vs {base * (1 - base):.3f}",
        ),
        row(
            "Positive money value at the chosen threshold",
            c["value"] > 0,
            f"£{c['value']:,.0f} a month at {c['threshold']:.2f}",
        ),
        row(
            "No overfitting (train - test AUC)",
            r.metrics["gap"] <= max_gap,
            f"gap {r.metrics['gap']:.3f} (limit {max_gap})",
        ),
        row(
            "Fairness reviewed: TPR gap between age bands",
            c["tpr_gap_age"] <= max_tpr_gap,
            f"{c['tpr_gap_age']:.3f} (limit {max_tpr_gap})",
        ),
        row(
            "No leaky feature",
            None if leakage is None else leakage.clean,
            "not run"
            if leakage is None
            else f"best single feature {leakage.features.iloc[0]['feature']} "
            f"AUC {leakage.features.iloc[0]['auc']:.3f}",
        ),
        row(
            "Every candidate tracked with its data version",
            all(isinstance(x.run_id, str) for x in results.values()),
            f"{sum(isinstance(x.run_id, str) for x in results.values())} of {len(results)} runs",
        ),
        row(
            "Compared with the best possible model",
            None if bayes is None else bayes.auc_gap <= 0.02,
            "not run" if bayes is None else f"AUC gap {bayes.auc_gap:.3f}",
        ),
        row(
            "Model registered as champion",
            None if registered_version is None else True,
            "not yet" if registered_version is None else f"version {registered_version}",
        ),
        row("Decision record and model card written", True, "decide.decision_record, model_card"),
        row(
            "Stakeholders signed off (marketing, workshop, data protection)",
            None,
            "a meeting, not code",
        ),
        row("A/B test planned before full roll-out", None, "see the ab-planner explorer"),
    ]
    return pd.DataFrame(rows, columns=["item", "status", "evidence"])
