# ruff: noqa: N803, N806  (X is scikit-learn's name for a feature matrix)
"""Fitting and scoring for :mod:`casestudy.models` (private).

Metrics come from :mod:`casestudy.evaluate` (which also validates labels and scores);
nothing here re-implements a metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from casestudy import evaluate as ev
from casestudy._models_build import SplitData, one_thread
from casestudy.plan.value import ValueAssumptions, load_value_assumptions

#: Thresholds searched for the best money value (0.00, 0.01, ..., 1.00).
THRESHOLDS = np.round(np.linspace(0, 1, 101), 2)


@dataclass(frozen=True)
class ModelResult:
    """One fitted model and how it scored.

    ``metrics`` holds floats (log the finite ones with :func:`casestudy.tracking.log_run`):
    ``auc``, ``auc_low``, ``auc_high``, ``pr_auc``, ``pr_auc_low``, ``pr_auc_high``,
    ``brier``, ``value`` (pounds a month at ``threshold``, workshop capacity applied),
    ``invitations`` (a month), ``invited`` (in the scored part), ``precision``,
    ``recall``, ``threshold``, ``train_auc``, ``gap`` (train minus evaluation AUC),
    ``model_size`` and ``score_depth`` (see :func:`model_size`, :func:`score_depth`:
    counts of the fitted model, never timings, so they are the same on every run). ``on``
    says which part they were measured on; the threshold is always chosen on the
    validation part. ``scores`` are the predicted lapse probabilities on that part, in its
    row order.
    """

    name: str
    model: Any
    params: dict[str, Any]
    on: str
    metrics: dict[str, float]
    scores: np.ndarray = field(repr=False)
    run_id: str | None = None


def lapse_probability(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Column 1 of ``predict_proba``: the predicted lapse probability."""
    with one_thread():
        return np.asarray(model.predict_proba(X))[:, 1]


def fit_clone(model: Any, X: pd.DataFrame, y: pd.Series) -> Any:
    """A fitted clone of ``model`` (one thread). Nothing is timed: see benchmarks/."""
    m = clone(model)
    with one_thread():
        m.fit(X, y.to_numpy())
    return m


def _final_step(model: Any) -> Any:
    return model.steps[-1][1] if hasattr(model, "steps") else model


def _trees(step: Any) -> list[tuple[int, int]]:
    """(nodes, max depth) of every tree of a fitted HGB or random forest; [] otherwise."""
    if hasattr(step, "_predictors"):  # HistGradientBoosting: one predictor per tree
        return [(len(p.nodes), int(p.get_max_depth())) for it in step._predictors for p in it]
    if hasattr(step, "estimators_"):  # random forest: sklearn decision trees
        return [(int(t.tree_.node_count), int(t.tree_.max_depth)) for t in step.estimators_]
    return []


def model_size(model: Any) -> int:
    """Learned parameters of a fitted model: a deterministic proxy for its running cost.

    Coefficients and intercepts for a linear model, total tree nodes for tree ensembles,
    bin edges and rates for a baseline rule (1 for a constant). Unlike a fit time it does
    not depend on the machine or its load, so a selection that uses it is reproducible.
    """
    step = _final_step(model)
    trees = _trees(step)
    if trees:
        return int(sum(n for n, _ in trees))
    if hasattr(step, "coef_"):
        return int(np.size(step.coef_) + np.size(step.intercept_))
    if hasattr(step, "rates_"):
        return int(len(step.rates_) + len(step.edges_))
    return 1


def score_depth(model: Any) -> int:
    """Worst-case steps to score one customer: a deterministic proxy for latency.

    Features multiplied for a linear model; the sum over trees of each tree's depth
    (comparisons on the longest path) for ensembles; one look-up for a rule.
    """
    step = _final_step(model)
    trees = _trees(step)
    if trees:
        return int(sum(d for _, d in trees))
    if hasattr(step, "coef_"):
        return int(np.shape(step.coef_)[-1])
    return 1


def population_of(part: Any) -> int:
    """Active customers a month: the part's rows divided by its number of cut-offs."""
    n_cut = part.X.index.get_level_values("cutoff").nunique()
    return max(1, round(len(part.y) / n_cut))


def money(
    y: Any, p: np.ndarray, part: Any, *, threshold: float | None, assumptions: ValueAssumptions
) -> ev.TargetingOutcome:
    """Best threshold (``threshold=None``) or the given one, with the workshop capacity."""
    kw = {
        "capacity": assumptions.capacity,
        "population": population_of(part),
        "assumptions": assumptions,
    }
    if threshold is None:
        return ev.best_threshold(y, p, thresholds=THRESHOLDS, **kw)
    return ev.targeting_outcome(y, p, threshold=threshold, **kw)


def score_metrics(y: Any, p: np.ndarray, *, n_resamples: int, random_state: int) -> dict:
    """AUC and PR AUC with intervals, and the Brier loss."""
    auc = ev.roc_auc_score_ci(y, p, n_resamples=n_resamples, random_state=random_state)
    ap = ev.average_precision_score_ci(y, p, n_resamples=n_resamples, random_state=random_state)
    return {
        "auc": auc.value,
        "auc_low": auc.low,
        "auc_high": auc.high,
        "pr_auc": ap.value,
        "pr_auc_low": ap.low,
        "pr_auc_high": ap.high,
        "brier": ev.brier_loss(y, p),
    }


def train_auc(model: Any, data: SplitData, *, max_rows: int = 5000) -> float:
    """AUC on (a fixed sample of) the training rows: the optimistic number."""
    X, y = data.train.X, data.train.y
    if len(y) > max_rows:
        take = np.random.default_rng(0).choice(len(y), max_rows, replace=False)
        X, y = X.iloc[np.sort(take)], y.iloc[np.sort(take)]
    return float(roc_auc_score(y.to_numpy(), lapse_probability(model, X)))


def fit_score(
    model: Any,
    data: SplitData,
    *,
    name: str,
    on: str,
    n_resamples: int,
    random_state: int,
    assumptions: ValueAssumptions | None,
) -> ModelResult:
    """Fit on ``data.train`` and score (see :func:`score_fitted`)."""
    return score_fitted(
        fit_clone(model, data.train.X, data.train.y),
        data,
        name=name,
        on=on,
        n_resamples=n_resamples,
        random_state=random_state,
        assumptions=assumptions,
    )


def score_fitted(
    fitted: Any,
    data: SplitData,
    *,
    name: str,
    on: str,
    n_resamples: int,
    random_state: int,
    assumptions: ValueAssumptions | None,
    known: dict[str, float] | None = None,
) -> ModelResult:
    """Score a fitted model on ``data.<on>``; the threshold is chosen on validation.

    ``known`` may carry the ``threshold`` and ``train_auc`` of an earlier scoring of the
    same fitted model, so that rescoring on test does not recompute them.
    """
    a = assumptions or load_value_assumptions()
    known = known or {}
    val = data.validation
    part = val if on == "validation" else data.test
    if "threshold" in known and on == "test":
        threshold = known["threshold"]
    else:
        p_val = lapse_probability(fitted, val.X)
        threshold = money(val.y.to_numpy(), p_val, val, threshold=None, assumptions=a).threshold
    p = p_val if on == "validation" else lapse_probability(fitted, part.X)
    y = part.y.to_numpy()
    out = money(y, p, part, threshold=threshold, assumptions=a)
    metrics = score_metrics(y, p, n_resamples=n_resamples, random_state=random_state)
    tr = known["train_auc"] if "train_auc" in known else train_auc(fitted, data)
    metrics.update(
        value=out.value,
        invitations=float(out.monthly_invitations),
        invited=float(out.invited),
        precision=float(out.precision),
        recall=float(out.recall),
        threshold=float(threshold),
        train_auc=tr,
        gap=tr - metrics["auc"],
        model_size=model_size(fitted),
        score_depth=score_depth(fitted),
    )
    return ModelResult(
        name=name,
        model=fitted,
        params=model_params(fitted),
        on=on,
        metrics={k: float(v) for k, v in metrics.items()},
        scores=p,
    )


def model_params(model: Any) -> dict[str, Any]:
    """The final step's parameters that are plain values (what a run should record)."""
    step = model.steps[-1][1] if hasattr(model, "steps") else model
    plain = (int, float, str, bool, type(None))
    return {k: v for k, v in step.get_params(deep=False).items() if isinstance(v, plain)}


def results_frame(results: list[ModelResult]) -> pd.DataFrame:
    """One row per result: name, part, run id and every metric."""
    rows = [
        {
            "model": r.name,
            "on": r.on,
            "run_id": r.run_id,
            **{f"param_{k}": v for k, v in r.params.items() if k in SEARCHED},
            **r.metrics,
        }
        for r in results
    ]
    return pd.DataFrame(rows)


#: Parameters the search varies (the table shows these).
SEARCHED = ("C", "max_leaf_nodes", "learning_rate", "min_samples_leaf", "max_iter")
