"""Choosing the lapse model against stated criteria, and writing the decision down.

Chapter 8 turns the tracked candidates of chapter 7 into a decision:

1. :func:`criteria_table` collects, for each candidate scored on the test month, the
   quantitative criteria (ROC AUC with its interval, PR AUC, Brier loss, money value a month
   at the validation-chosen threshold under the value model and the workshop capacity) and
   the measured or judged qualitative ones (explainability, running cost as the fitted
   model's size, latency as the worst-case steps to score one customer, maintainability,
   fairness as the true-positive-rate gap between age bands). Every criterion is computed
   from the fitted model and the data, never timed, so the decision is the same on every run.
2. :func:`select_model` scores every criterion 1-5 with the rubric and weights of
   ``data/bike_shop/project/selection.yaml`` (:func:`load_selection_criteria`), picks the
   highest weighted total among candidates that beat the best baseline rule, and says why in
   sentences carrying the numbers, including a paired AUC comparison with the runner-up.
3. :func:`bayes_gap` compares the choice with the best possible model (the true lapse
   probabilities, which only a simulation has): AUC gap and money gap;
   :func:`feature_limit_auc` says how much of the gap better modelling could close at all.
4. :func:`decision_record`, :func:`model_card` (the sections of Mitchell et al. 2019) and
   :func:`post_modelling_checklist` write it down as Markdown and data, from computed values.
5. :func:`register_champion` registers the chosen run's model with the alias ``champion``.

Naming: ``*_score``/``auc``/``value`` higher is better; ``brier``, ``*_gap`` lower is better.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casestudy import _decide_criteria as dc
from casestudy import _decide_text as dt
from casestudy import evaluate as ev
from casestudy._decide_criteria import Criteria
from casestudy._models_build import SplitData
from casestudy._models_fit import ModelResult, model_size, population_of, score_depth
from casestudy.plan.value import ValueAssumptions, load_value_assumptions

__all__ = [
    "MODEL_NAME",
    "BayesGap",
    "Criteria",
    "Selection",
    "ab_test_rates",
    "bayes_gap",
    "criteria_table",
    "decision_record",
    "fairness_by_group",
    "feature_limit_auc",
    "load_selection_criteria",
    "model_card",
    "post_modelling_checklist",
    "register_champion",
    "select_model",
    "true_probabilities",
]

#: The registered model's name.
MODEL_NAME = "bike-shop-lapse"


def load_selection_criteria(path: str | Path | None = None) -> Criteria:
    """Load selection.yaml: criteria, weights (summing to 1) and the qualitative rubric.

    Raises
    ------
    ValueError
        For unknown criteria, weights that do not sum to 1, or a criterion with no rubric.

    Examples
    --------
    >>> c = load_selection_criteria()
    >>> round(float(c.table["weight"].sum()), 6), c.table.loc["value", "better"]
    (1.0, 'higher')
    """
    return dc.load(path)


# --- the criteria table ----------------------------------------------------------------------


def _part(data: SplitData, on: str) -> Any:
    return data.test if on == "test" else data.validation


def _tpr_gap(result: ModelResult, data: SplitData, column: str = "age_band") -> float:
    """True-positive-rate difference between groups at the model's (capped) policy.

    The same number as ``evaluate.fairness_table(...).loc["difference",
    "true_positive_rate"]`` (groups without lapsers are left out), computed directly: the
    criteria table needs it for every candidate and rule.
    """
    part = _part(data, result.on)
    thr = dc.effective_threshold(
        result.scores, result.metrics["threshold"], int(result.metrics.get("invited", 0))
    )
    y, hit = part.y.to_numpy() == 1, result.scores >= min(thr, 1.0)
    g = part.audit[column].astype(str).to_numpy()
    rates = [hit[y & (g == k)].mean() for k in np.unique(g) if (y & (g == k)).any()]
    return float(max(rates) - min(rates)) if rates else float("nan")


def criteria_table(results: Mapping[str, ModelResult], data: SplitData) -> pd.DataFrame:
    """Every selection criterion's raw value for each candidate (one row per model).

    Parameters
    ----------
    results : mapping of name to ModelResult
        Candidates scored on the same part (normally ``rescore(..., on="test")``).
    data : SplitData
        The split they were scored on (for the audit columns of the fairness criterion).

    Returns
    -------
    pandas.DataFrame
        Index ``model``; ``auc``, ``auc_low``, ``auc_high``, ``pr_auc``, ``brier``,
        ``value``, ``invitations``, ``threshold``, ``model_size`` (learned parameters:
        running cost), ``score_depth`` (worst-case steps to score a customer: latency),
        ``tpr_gap_age``, ``explainability`` and
        ``maintainability`` (the rubric's family scores), ``run_id``.
    """
    crit = load_selection_criteria()
    ons = {r.on for r in results.values()}
    if len(ons) != 1:
        raise ValueError(
            f"criteria_table needs results scored on one part; got {sorted(ons)}. "
            "Rescore them all with models.rescore(result, data, on='test')."
        )
    rows = []
    for name, r in results.items():
        m = r.metrics
        rows.append(
            {
                "model": name,
                **{
                    k: m[k]
                    for k in (
                        "auc",
                        "auc_low",
                        "auc_high",
                        "pr_auc",
                        "brier",
                        "value",
                        "invitations",
                        "threshold",
                    )
                },
                "model_size": model_size(r.model),
                "score_depth": score_depth(r.model),
                "tpr_gap_age": _tpr_gap(r, data),
                "run_id": r.run_id,
            }
        )
    table = pd.DataFrame(rows).set_index("model")
    for c in ("explainability", "maintainability"):
        table[c] = dc.qualitative_score(table, c, crit.rubric)
    return table


# --- selection -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The chosen model, the runner-up and why.

    ``table`` is :func:`criteria_table`; ``scores`` the 1-5 score of every criterion and the
    weighted ``total`` (best first); ``eligible`` the models that beat the best baseline
    rule's AUC; ``comparison`` the paired AUC difference choice minus runner-up.
    """

    choice: str
    runner_up: str | None
    reasons: list[str]
    table: pd.DataFrame
    scores: pd.DataFrame
    eligible: list[str]
    comparison: Any = None
    criteria: Criteria | None = field(default=None, repr=False)


def _eligible(table: pd.DataFrame) -> tuple[list[str], float]:
    rules = [m for m in table.index if dc.family(m) == "rule"]
    floor = float(table.loc[rules, "auc"].max()) if rules else 0.5
    ok = [m for m in table.index if dc.family(m) != "rule" and table.loc[m, "auc"] > floor]
    return ok, floor


def select_model(
    results: Mapping[str, ModelResult],
    data: SplitData,
    *,
    criteria: Criteria | None = None,
    n_resamples: int = 1000,
    random_state: int = 0,
) -> Selection:
    """Score the candidates on the criteria and choose one, with reasons.

    Only models whose AUC beats the best baseline rule's are eligible (a model that cannot
    beat a rule the shop could write down is not worth running). Among them the highest
    weighted total wins.

    Parameters
    ----------
    results : mapping of name to ModelResult
        Candidates and rules, scored on the test part (``models.rescore``).
    data : SplitData
    criteria : Criteria, optional
        Default :func:`load_selection_criteria`.
    n_resamples, random_state : int
        Bootstrap of the paired comparison with the runner-up.

    Returns
    -------
    Selection

    Raises
    ------
    ValueError
        If no candidate beats the best baseline rule.
    """
    crit = criteria or load_selection_criteria()
    table = criteria_table(results, data)
    scores = dc.score(table, crit)
    eligible, floor = _eligible(table)
    if not eligible:
        raise ValueError(
            f"No candidate beats the best baseline rule's AUC ({floor:.3f}). "
            "Keep the rule, or improve features before choosing a model."
        )
    ranked = [m for m in scores.index if m in eligible]
    choice, runner = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    comparison = None
    if runner is not None:
        y = _part(data, results[choice].on).y.to_numpy()
        comparison = ev.paired_auc_difference(
            y,
            results[choice].scores,
            results[runner].scores,
            n_resamples=n_resamples,
            random_state=random_state,
        )
    reasons = dt.reasons(choice, runner, table, scores, floor, comparison, crit)
    return Selection(
        choice=choice,
        runner_up=runner,
        reasons=reasons,
        table=table,
        scores=scores,
        eligible=eligible,
        comparison=comparison,
        criteria=crit,
    )


# --- the Bayes limit -------------------------------------------------------------------------


@dataclass(frozen=True)
class BayesGap:
    """The chosen model against the true probabilities on the same test customers.

    ``auc_features`` (optional) is :func:`feature_limit_auc`: what a model on our features
    could reach at best. ``*_realised`` values use the realised labels (what the month
    would have paid); ``*_expected`` values use the true probabilities (the same policies
    without the luck of one month). Both policies invite at most the workshop capacity;
    the model's uses its validation-chosen threshold, the limit's the break-even probability
    ``offer_cost / (success_rate * margin)``.
    """

    auc_model: float
    auc_limit: float
    value_model_realised: float
    value_limit_realised: float
    value_model_expected: float
    value_limit_expected: float
    n_customers: int
    auc_features: float = float("nan")

    @property
    def auc_gap(self) -> float:
        """Limit minus model AUC (how much ranking is left on the table)."""
        return self.auc_limit - self.auc_model

    @property
    def value_gap(self) -> float:
        """Limit minus model expected value in pounds a month."""
        return self.value_limit_expected - self.value_model_expected

    def __str__(self) -> str:
        features = (
            ""
            if np.isnan(self.auc_features)
            else f"; trained on the truth, our features reach AUC {self.auc_features:.3f}"
        )
        return self._text() + features

    def _text(self) -> str:
        return (
            f"AUC {self.auc_model:.3f} vs limit {self.auc_limit:.3f} (gap "
            f"{self.auc_gap:.3f}); expected value £{self.value_model_expected:,.0f} vs "
            f"£{self.value_limit_expected:,.0f} a month (gap £{self.value_gap:,.0f})"
        )


def true_probabilities(part: Any, *, truth: pd.DataFrame | None = None) -> np.ndarray:
    """The true lapse probability of every row of a split part, in its row order.

    Teaching only: the simulation knows each customer's chance of lapsing at each cut-off
    (the Bayes limit). Aligning it with a part (``data.validation``, ``data.test``) lets a
    page score "the best possible model" like any other, e.g. with an interval:
    ``evaluate.roc_auc_score_ci(part.y, true_probabilities(part))``.

    Parameters
    ----------
    part : ModellingTable
        A part of :class:`casestudy.models.SplitData`.
    truth : pandas.DataFrame, optional
        :func:`casestudy.data.load_truth` (read once per process when omitted).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        If a customer of the part has no true probability (another data set's truth).
    """
    from casestudy.data import truth_at

    truth = _shipped_truth() if truth is None else truth
    cut = part.X.index.get_level_values("cutoff")
    ids = part.keys["customer_id"].to_numpy()
    p = np.empty(len(ids))
    for c in pd.unique(cut):
        at = cut == c
        p[at] = truth_at(truth, c).reindex(ids[at]).to_numpy()
    if np.isnan(p).any():
        raise ValueError(
            f"{int(np.isnan(p).sum())} of {len(p)} customers of the part have no true "
            "probability. "
            "Pass the truth of the same data (casestudy.data.load_truth())."
        )
    return p


@lru_cache(maxsize=1)
def _shipped_truth() -> pd.DataFrame:
    """The shipped true probabilities, read once per process (about 1.5 s to read)."""
    from casestudy.data import load_truth

    return load_truth()


def _truth_of(part: Any, truth: pd.DataFrame) -> np.ndarray:
    return true_probabilities(part, truth=truth)


def ab_test_rates(
    y: Any,
    p: np.ndarray,
    *,
    threshold: float = 0.0,
    population: int | None = None,
    assumptions: ValueAssumptions | None = None,
) -> tuple[float, float]:
    """The control return rate and the expected uplift of an A/B test of the invitation.

    The test's customers are those the model would invite: the highest scores at or above
    ``threshold``, up to the workshop capacity (scaled to the part's months). Without an
    invitation those who do not lapse come back: the control arm's return rate. The value
    model expects the offer to keep ``success_rate`` of the lapsers among them, which lifts
    the return rate by ``success_rate`` times their lapse rate: the expected uplift.

    Parameters
    ----------
    y : array-like of 0/1
        Lapse labels of the part.
    p : numpy.ndarray
        The model's lapse probabilities on it.
    threshold : float, default=0.0
        The model's decision threshold (0: the top of the list up to capacity).
    population : int, optional
        Active customers a month (:func:`casestudy.models.monthly_population`); default
        ``len(y)`` (one month).
    assumptions : ValueAssumptions, optional

    Returns
    -------
    (float, float)
        ``(control_return_rate, expected_uplift)``, shares in [0, 1].

    Examples
    --------
    >>> y, p = np.array([1, 1, 0, 0]), np.array([0.9, 0.8, 0.7, 0.1])
    >>> a = load_value_assumptions()
    >>> ab_test_rates(y, p) == (0.5, a.success_rate * 0.5)
    True
    """
    a = assumptions or load_value_assumptions()
    y = np.asarray(y)
    pop = len(y) if population is None else int(population)
    k = int(np.floor(a.capacity * len(y) / pop + 1e-9))
    lapsed = float(y[_invited(np.asarray(p, float), threshold, k)].mean())
    return 1 - lapsed, a.success_rate * lapsed


def _expected(p_true: np.ndarray, invited: np.ndarray, a: ValueAssumptions, scale: float) -> float:
    gain = a.success_rate * a.margin
    return float(np.sum(p_true[invited] * gain - a.offer_cost) * scale)


def _invited(scores: np.ndarray, threshold: float, k: int) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    chosen = order[: min(k, int((scores >= threshold).sum()))]
    out = np.zeros(len(scores), bool)
    out[chosen] = True
    return out


def bayes_gap(
    result: ModelResult,
    data: SplitData,
    *,
    truth: pd.DataFrame | None = None,
    assumptions: ValueAssumptions | None = None,
    with_feature_limit: bool = False,
) -> BayesGap:
    """How far the model is from the best possible model (the Bayes limit) on test.

    Parameters
    ----------
    result : ModelResult
        The chosen model scored on the test part.
    data : SplitData
    truth : pandas.DataFrame, optional
        :func:`casestudy.data.load_truth` (read once per process when omitted).
    assumptions : ValueAssumptions, optional
    with_feature_limit : bool, default=False
        Also compute :func:`feature_limit_auc` (one more fit, about a second) into
        ``auc_features``.

    Returns
    -------
    BayesGap
    """
    from sklearn.metrics import roc_auc_score

    a = assumptions or load_value_assumptions()
    part = _part(data, result.on)
    truth = _shipped_truth() if truth is None else truth
    p_true = _truth_of(part, truth)
    y = part.y.to_numpy()
    pop = population_of(part)
    k = int(np.floor(a.capacity * len(y) / pop + 1e-9))
    scale = pop / len(y)
    limit_thr = a.offer_cost / (a.success_rate * a.margin)
    inv_m = _invited(result.scores, result.metrics["threshold"], k)
    inv_l = _invited(p_true, limit_thr, k)
    kw = {"capacity": a.capacity, "population": pop, "assumptions": a}
    lim = ev.targeting_outcome(y, p_true, threshold=limit_thr, **kw)
    return BayesGap(
        auc_model=result.metrics["auc"],
        auc_limit=float(roc_auc_score(y, p_true)),
        value_model_realised=result.metrics["value"],
        value_limit_realised=lim.value,
        value_model_expected=_expected(p_true, inv_m, a, scale),
        value_limit_expected=_expected(p_true, inv_l, a, scale),
        n_customers=len(y),
        auc_features=feature_limit_auc(data, truth=truth) if with_feature_limit else np.nan,
    )


def feature_limit_auc(
    data: SplitData, *, truth: pd.DataFrame | None = None, random_state: int = 0
) -> float:
    """Test AUC of a model trained on the *true* lapse probabilities from our features.

    Teaching only (no real project has the truth). Gradient boosting regresses the true
    lapse log-odds of the training customers on the same features the candidates see; its
    test AUC estimates the best any model on these features can reach. The Bayes gap then
    splits into what better modelling could win (this limit minus the model) and what only
    new information could win (the Bayes limit minus this limit).

    Returns
    -------
    float
        ROC AUC on the test part against the realised labels.
    """
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import Pipeline

    from casestudy._models_build import one_thread, tree_features

    t = _shipped_truth() if truth is None else truth
    p = np.clip(_truth_of(data.train, t), 1e-4, 1 - 1e-4)
    model = Pipeline(
        [
            ("features", tree_features()),
            (
                "model",
                HistGradientBoostingRegressor(
                    max_iter=300, learning_rate=0.05, max_leaf_nodes=15, random_state=random_state
                ),
            ),
        ]
    )
    with one_thread():
        model.fit(data.train.X, np.log(p / (1 - p)))
        score = model.predict(data.test.X)
    return float(roc_auc_score(data.test.y.to_numpy(), score))


# --- fairness --------------------------------------------------------------------------------


def fairness_by_group(
    result: ModelResult,
    data: SplitData,
    *,
    columns: Sequence[str] = ("age_band", "gender", "postcode_area"),
    min_count: int = 100,
) -> dict[str, pd.DataFrame]:
    """:func:`casestudy.evaluate.fairness_table` by each audit column, at the model's policy.

    Groups smaller than ``min_count`` customers are pooled as "other" (tiny groups give
    rates that are mostly noise; postcode areas are many and small).
    """
    part = _part(data, result.on)
    thr = dc.effective_threshold(
        result.scores, result.metrics["threshold"], int(result.metrics.get("invited", 0))
    )
    out = {}
    for col in columns:
        g = part.audit[col].astype(str)
        counts = g.value_counts()
        g = g.where(g.map(counts) >= min_count, "other")
        out[col] = ev.fairness_table(
            part.y.to_numpy(), result.scores, g.to_numpy(), threshold=min(thr, 1.0)
        )
    return out


# --- records ---------------------------------------------------------------------------------


def _source(
    provenance: str, where: str, *, experiment: Any, code_version: Any, version: Any
) -> dict[str, Any]:
    if code_version is None:
        from casestudy.tracking import code_version as current

        code_version = current()["code_version"]
    return {
        "full": dt.check_provenance(provenance, where),
        "experiment": experiment,
        "code_version": code_version,
        "version": version,
        "model_name": MODEL_NAME,
    }


def decision_record(
    selection: Selection,
    *,
    data_version: str,
    bayes: BayesGap | None = None,
    risks: Sequence[str] | None = None,
    date: str | None = None,
    split: Any = None,
    experiment: str | None = None,
    version: int | None = None,
    code_version: str | None = None,
    provenance: str = "stable",
) -> str:
    """The decision record as Markdown: what was chosen, why, alternatives, risks, provenance.

    Parameters
    ----------
    selection : Selection
    data_version : str
        Hash of the data (see :func:`casestudy.models.data_version_of`).
    bayes : BayesGap, optional
    risks : sequence of str, optional
        Extra risks; the record always lists those the numbers show.
    date : str, optional
        ISO date of the decision; default today (UTC). Pass one for a reproducible record.
    split : TimeSplit, optional
        The cut-offs, for the provenance section.
    experiment : str, optional
        The tracking experiment the candidates were logged to.
    version : int, optional
        The registered model version (:func:`register_champion`).
    code_version : str, optional
        Default :func:`casestudy.tracking.code_version` of the working copy.
    provenance : {"stable", "full"}, default="stable"
        "stable" names the experiment, data version, code version and registered version:
        the same on every run of the same code and data (what a book page shows). "full"
        also lists the MLflow run ids (random, new on every run): what the team files.

    Raises
    ------
    ValueError
        If ``provenance`` is neither "stable" nor "full".
    """
    source = _source(
        provenance,
        "decision_record",
        experiment=experiment,
        code_version=code_version,
        version=version,
    )
    return dt.decision_record(
        selection,
        data_version=data_version,
        bayes=bayes,
        risks=list(risks or []),
        date=dt.today(date),
        split=split,
        source=source,
    )


def model_card(
    result: ModelResult,
    data: SplitData,
    *,
    data_version: str,
    bayes: BayesGap | None = None,
    selection: Selection | None = None,
    assumptions: ValueAssumptions | None = None,
    date: str | None = None,
    version: int | None = None,
    experiment: str | None = None,
    code_version: str | None = None,
    provenance: str = "stable",
) -> str:
    """A model card (Mitchell et al. 2019) as Markdown, every number computed.

    Sections: Model details, Intended use, Factors, Metrics, Evaluation data, Training data,
    Quantitative analyses (overall, and by age band, gender and postcode area), Ethical
    considerations, Caveats and recommendations. ``experiment``, ``version``,
    ``code_version`` and ``provenance`` are as in :func:`decision_record` ("stable" leaves
    out the run id).

    Raises
    ------
    ValueError
        If ``provenance`` is neither "stable" nor "full".
    """
    source = _source(
        provenance, "model_card", experiment=experiment, code_version=code_version, version=version
    )
    a = assumptions or load_value_assumptions()
    groups = fairness_by_group(result, data)
    return dt.model_card(
        result,
        data,
        groups=groups,
        data_version=data_version,
        bayes=bayes,
        selection=selection,
        assumptions=a,
        date=dt.today(date),
        source=source,
    )


def post_modelling_checklist(
    selection: Selection,
    data: SplitData,
    *,
    results: Mapping[str, ModelResult],
    leakage: Any = None,
    bayes: BayesGap | None = None,
    registered_version: int | None = None,
    max_gap: float = 0.03,
    max_tpr_gap: float = 0.10,
) -> pd.DataFrame:
    """The post-modelling checklist as data, with a computed status where possible.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``status`` ("done", "attention" or "to do": a person must do it) and
        ``evidence`` (the number or fact behind the status).
    """
    return dt.checklist(
        selection,
        data,
        results=results,
        leakage=leakage,
        bayes=bayes,
        registered_version=registered_version,
        max_gap=max_gap,
        max_tpr_gap=max_tpr_gap,
    )


def register_champion(
    selection: Selection,
    *,
    name: str = MODEL_NAME,
    alias: str = "champion",
    root: str | Path | None = None,
) -> int:
    """Register the chosen model's tracked run and point ``alias`` at it.

    Raises
    ------
    ValueError
        If the chosen result has no run id (it was not tracked).
    """
    from casestudy.tracking import register_model

    run_id = selection.table.loc[selection.choice, "run_id"]
    if not isinstance(run_id, str) or not run_id:
        raise ValueError(
            f"The chosen model {selection.choice!r} has no run id: it was not "
            "tracked. Run hyperparameter_search(..., track=True) first."
        )
    return register_model(run_id, name, alias=alias, root=root)
