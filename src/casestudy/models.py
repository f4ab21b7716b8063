# ruff: noqa: N803, N806  (X is scikit-learn's name for a feature matrix)
"""Baseline rules and candidate lapse models, trained on earlier months and tested on later ones.

Chapter 7 builds its models here. Every model is a scikit-learn :class:`~sklearn.pipeline.Pipeline`
over :attr:`casestudy.features.ModellingTable.X`: a ``ColumnTransformer`` prepares the
numeric and categorical features (log scales for the logistic model, raw numbers for the
trees, one-hot for the home store), then a classifier predicts the lapse probability.

**Time, not rows.** :func:`time_split` trains on earlier cut-offs, chooses models and the
decision threshold on a later *validation* cut-off, and reports on the latest *test*
cut-off(s). Each step only uses labels that were known on the day it stands for (a label is
known 180 days after its cut-off). Random rows across time would let the model learn from
the months it is tested on.

**Every run is tracked.** :func:`hyperparameter_search` fits a handful of seeded settings
per model and logs each run with :func:`casestudy.tracking.log_run` (parameters, metrics,
data version, the fitted pipeline). Metrics come from :mod:`casestudy.evaluate`: AUC and PR
AUC with bootstrap intervals, the Brier loss, and the money value a month at the best
threshold under the value model and the workshop capacity (``value``).

**Smelly models.** :func:`leakage_check` (a feature that predicts the label almost alone),
the train/validation gap in every result (overfitting), :func:`seed_sensitivity` (does the
AUC depend on the seed?) and :func:`smell_checks` (all of them as one table).

Fits run on one thread (see ``_models_build.one_thread``): on a shared 2-core machine
OpenMP threads that wait for a busy core made gradient boosting ten times slower.
Naming: ``*_auc`` and ``value`` are better when higher, ``brier`` and ``gap`` when lower.
Importing this module fits nothing and creates no tracking store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from casestudy import _models_build as mb
from casestudy import _models_fit as mf
from casestudy._models_build import BinnedRateRule, SplitData, TimeSplit
from casestudy._models_fit import ModelResult
from casestudy.features import ModellingTable
from casestudy.plan.value import ValueAssumptions
from casestudy.plotting import ROLE_COLOURS, new_figure

__all__ = [
    "DEFAULT_GRID",
    "DISPLAY_NAMES",
    "EXPERIMENT",
    "BinnedRateRule",
    "LeakageReport",
    "ModelResult",
    "SearchResult",
    "SplitData",
    "TimeSplit",
    "baseline_rules",
    "best_results",
    "book_data",
    "build_split_data",
    "candidate_models",
    "complexity_curve",
    "data_version_of",
    "fit_and_score",
    "hyperparameter_search",
    "lapse_probability",
    "leakage_check",
    "learning_curve",
    "model_size",
    "monthly_population",
    "plot_learning_curve",
    "rescore",
    "score_depth",
    "search_view",
    "seed_sensitivity",
    "smell_checks",
    "time_split",
    "tracked_results",
]

#: The experiment chapter 7 logs its runs to.
EXPERIMENT = "ch07 lapse models"

#: The book's search: a handful of settings per candidate (6 fits), the defaults included.
#: The second setting of the trees (bigger trees, smaller leaves) is there to show
#: overfitting. Fits are kept small (100 boosting rounds, 40 forest trees on 30% samples)
#: so that a chapter notebook runs in seconds on a 2-core machine.
DEFAULT_GRID: dict[str, list[dict[str, Any]]] = {
    "logistic": [{"model__C": 1.0}, {"model__C": 0.05}],
    "hgb": [
        {"model__max_leaf_nodes": 7, "model__learning_rate": 0.05},
        {"model__max_leaf_nodes": 15, "model__learning_rate": 0.1},
    ],
    "random_forest": [{"model__min_samples_leaf": 40}, {"model__min_samples_leaf": 5}],
}


#: Readable names of the candidates and rules, for tables and figures a manager reads.
DISPLAY_NAMES: dict[str, str] = {
    "logistic": "logistic regression",
    "hgb": "gradient boosting",
    "random_forest": "random forest",
    "rule: base rate": "rule: base rate",
    "rule: recency": "rule: recency",
    "rule: visits": "rule: visits",
    "rule: RFM": "rule: RFM",
}

#: Readable labels of the searched settings (``param_*`` columns of a search table).
_SETTING_LABELS = {
    "param_C": "C",
    "param_max_leaf_nodes": "leaves",
    "param_learning_rate": "learning rate",
    "param_min_samples_leaf": "min leaf",
}


def _where_int(value: Any, name: str, where: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(
            f"The '{name}' parameter of {where} must be an int >= {low}. Got {value!r} instead."
        )
    return int(value)


# --- the time split ----------------------------------------------------------------------------


def time_split(*, test: Sequence[str] = ("2025-07-01",), n_train: int = 3) -> TimeSplit:
    """Training, validation and test cut-offs that respect time.

    The validation cut-off is the latest month whose 180-day label is known by the first
    test cut-off; the ``n_train`` training cut-offs are the latest consecutive months whose
    labels are known by the validation cut-off.

    Parameters
    ----------
    test : sequence of str, default=("2025-07-01",)
        Test cut-offs (first days of months); the default is the last labelled month.
    n_train : int, default=3
        Training cut-offs (more months: more rows, an older mix of customers).

    Returns
    -------
    TimeSplit

    Examples
    --------
    >>> s = time_split()
    >>> [str(c.date()) for c in s.train], str(s.validation.date()), str(s.test[0].date())
    (['2024-05-01', '2024-06-01', '2024-07-01'], '2025-01-01', '2025-07-01')
    """
    n = _where_int(n_train, "n_train", "time_split")
    tests = tuple(sorted(pd.Timestamp(t) for t in test))
    if not tests or any(t != t.to_period("M").to_timestamp() for t in tests):
        raise ValueError(
            f"The 'test' parameter of time_split must list first days of "
            f"months, e.g. ('2025-07-01',). Got {tuple(test)!r} instead."
        )
    validation = mb.months_before(tests[0], 6)
    newest = mb.months_before(validation, 6)
    train = tuple(pd.date_range(end=newest, periods=n, freq="MS"))
    return TimeSplit(train=train, validation=validation, test=tests)


def build_split_data(tables: Any, split: TimeSplit) -> SplitData:
    """Build the modelling table at every cut-off of ``split`` and cut it into its parts.

    Parameters
    ----------
    tables : BikeShop or World
        Raw tables (see :func:`casestudy.features.build_training_set`).
    split : TimeSplit

    Returns
    -------
    SplitData
    """
    from casestudy.features import build_training_set

    table = build_training_set(tables, split.cutoffs)
    return SplitData(
        split=split,
        train=mb.subset(table, split.train),
        validation=mb.subset(table, [split.validation]),
        test=mb.subset(table, split.test),
    )


@lru_cache(maxsize=4)
def book_data(*, n_train: int = 3) -> SplitData:
    """The shipped data cut by :func:`time_split` (cached in the process and on disk).

    Building it takes about 3 s; every notebook and page is its own process, so the split is
    also kept in ``$CASESTUDY_CACHE_DIR`` (default ``<repo>/.cache``), keyed by a hash of the
    data files and the package code: any change to either rebuilds it.

    Examples
    --------
    >>> d = book_data()
    >>> len(d.train.y) > len(d.validation.y) > 5000
    True
    """
    from casestudy import DATA_DIR
    from casestudy.data import load_bike_shop

    n = _where_int(n_train, "n_train", "book_data")
    return mb.disk_cached(
        "book-data",
        mb._cache_key(Path(DATA_DIR), n),
        lambda: build_split_data(load_bike_shop(), time_split(n_train=n)),
    )


def monthly_population(part: ModellingTable) -> int:
    """Active customers a month in a split part: its rows divided by its cut-offs.

    The value model prices a month; a part with several cut-offs holds several months.

    Examples
    --------
    >>> test = book_data().test  # one cut-off: one month
    >>> monthly_population(test) == len(test.y)
    True
    """
    return mf.population_of(part)


def model_size(model: Any) -> int:
    """Learned parameters of a fitted model (coefficients, or total tree nodes).

    The selection's deterministic measure of running cost (see selection.yaml).

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [1, 2, 300, 400]})
    >>> model_size(BinnedRateRule(n_bins=2).fit(X, [0, 0, 1, 1]))
    3
    """
    return mf.model_size(model)


def score_depth(model: Any) -> int:
    """Worst-case steps to score one customer (features, or the sum of tree depths).

    The selection's deterministic measure of latency (see selection.yaml).

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [1, 2, 300, 400]})
    >>> score_depth(BinnedRateRule(n_bins=2).fit(X, [0, 0, 1, 1]))
    1
    """
    return mf.score_depth(model)


def data_version_of(*tables: ModellingTable) -> str:
    """A hash of the features and labels a model was trained and tested on.

    Uses :func:`casestudy.survey.data_version` on ``X`` and ``y`` of each table.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1.0, 2.0]}); y = pd.Series([0, 1])
    >>> t = ModellingTable(X=X, y=y, audit=X, keys=X)
    >>> data_version_of(t) == data_version_of(t), data_version_of(t)[:7]
    (True, 'sha256:')
    """
    from casestudy.survey import data_version

    frames = {
        f"{i}_{part}": getattr(t, part).to_frame() if part == "y" else t.X
        for i, t in enumerate(tables)
        for part in ("X", "y")
    }
    return data_version(frames)


# --- models ------------------------------------------------------------------------------------


def baseline_rules() -> dict[str, Pipeline]:
    """Rules a shop manager could write down, as pipelines to fit and score like models.

    ``"rule: base rate"`` gives everyone the training lapse rate (AUC 0.5);
    ``"rule: recency"``, ``"rule: visits"`` and ``"rule: RFM"`` give the training lapse
    rate of the customer's tenth of ``recency_days``, ``visits_365d`` or chapter 6's RFM
    score (:class:`BinnedRateRule`).

    Examples
    --------
    >>> sorted(baseline_rules())
    ['rule: RFM', 'rule: base rate', 'rule: recency', 'rule: visits']
    """
    return mb.baseline_pipelines()


def candidate_models(*, random_state: int = 0) -> dict[str, Pipeline]:
    """The candidate models, unfitted, at the settings the search starts from.

    ``"logistic"``: logistic regression on log-scaled, standardised features (explainable,
    fast). ``"hgb"``: histogram gradient boosting (100 trees of 7 leaves, learning rate
    0.05, at least 100 customers a leaf). ``"random_forest"``: 40 trees, each grown on a
    30% sample, at least 40 customers a leaf.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the models that use randomness.

    Examples
    --------
    >>> m = candidate_models(random_state=1)
    >>> sorted(m), m["hgb"].named_steps["model"].random_state
    (['hgb', 'logistic', 'random_forest'], 1)
    """
    return mb.candidate_pipelines(
        _where_int(random_state, "random_state", "candidate_models", low=0)
    )


def lapse_probability(model: Any, X: pd.DataFrame) -> np.ndarray:
    """The predicted lapse probability of each row of ``X`` (one thread).

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [1, 300]})
    >>> lapse_probability(BinnedRateRule(n_bins=2).fit(X, [0, 1]), X).tolist()
    [0.0, 1.0]
    """
    return mf.lapse_probability(model, X)


def fit_and_score(
    model: Any,
    data: SplitData,
    *,
    name: str,
    on: str = "validation",
    n_resamples: int = 500,
    random_state: int = 0,
    assumptions: ValueAssumptions | None = None,
) -> ModelResult:
    """Fit on the training cut-offs, score on the validation or test cut-offs.

    The money threshold is always chosen on validation and then applied where the model is
    scored, so the test value is an honest estimate.

    Parameters
    ----------
    model : scikit-learn estimator
        Unfitted; it is cloned.
    data : SplitData
    name : str
        A readable name, e.g. ``"hgb"``.
    on : {"validation", "test"}, default="validation"
        Choose models on validation; touch test once, for the final report.
    n_resamples : int, default=500
        Bootstrap resamples of the AUC and PR AUC intervals.
    random_state : int, default=0
        Seed of the bootstrap.
    assumptions : ValueAssumptions, optional
        Money assumptions and workshop capacity; default value.yaml's.

    Returns
    -------
    ModelResult
        The fitted model, its metrics (see :class:`ModelResult`) and its scores.

    Raises
    ------
    ValueError
        If ``on`` is not "validation" or "test".
    """
    _check_on(on, "fit_and_score")
    return mf.fit_score(
        model,
        data,
        name=name,
        on=on,
        n_resamples=n_resamples,
        random_state=random_state,
        assumptions=assumptions,
    )


def rescore(
    result: ModelResult,
    data: SplitData,
    *,
    on: str = "test",
    n_resamples: int = 1000,
    random_state: int = 0,
    assumptions: ValueAssumptions | None = None,
) -> ModelResult:
    """Score an already fitted result on another part (usually test), without refitting.

    The run id, the validation-chosen threshold and the training AUC are
    kept, so the test numbers belong to the tracked run. ``gap`` becomes train minus test.
    """
    _check_on(on, "rescore")
    out = mf.score_fitted(
        result.model,
        data,
        name=result.name,
        on=on,
        n_resamples=n_resamples,
        random_state=random_state,
        assumptions=assumptions,
        known={k: result.metrics[k] for k in ("threshold", "train_auc") if k in result.metrics},
    )
    return ModelResult(
        name=out.name,
        model=out.model,
        params=result.params,
        on=on,
        metrics=out.metrics,
        scores=out.scores,
        run_id=result.run_id,
    )


def _check_on(on: Any, where: str) -> None:
    if on not in ("validation", "test"):
        raise ValueError(
            f"The 'on' parameter of {where} must be 'validation' or 'test'. Got {on!r} instead."
        )


# --- the search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """Every run of a search: ``table`` (one row per run) and the ``results`` themselves."""

    table: pd.DataFrame
    results: list[ModelResult]


def _settings(
    grid: Mapping[str, list[dict[str, Any]]], random_state: int, with_rules: bool
) -> list[tuple[str, Pipeline]]:
    models = candidate_models(random_state=random_state)
    unknown = sorted(set(grid) - set(models))
    if unknown:
        raise ValueError(
            f"The 'grid' parameter of hyperparameter_search names unknown "
            f"model(s) {unknown}. Known: {sorted(models)}."
        )
    runs = list(baseline_rules().items()) if with_rules else []
    for name, settings in grid.items():
        runs += [(name, clone(models[name]).set_params(**s)) for s in settings]
    return runs


def hyperparameter_search(
    data: SplitData,
    *,
    grid: Mapping[str, list[dict[str, Any]]] | None = None,
    experiment: str = EXPERIMENT,
    track: bool = True,
    root: str | Path | None = None,
    random_state: int = 0,
    n_resamples: int = 200,
    with_rules: bool = True,
    assumptions: ValueAssumptions | None = None,
    progress: bool | None = None,
) -> SearchResult:
    """Fit every setting of ``grid`` (and the baseline rules), score on validation, log each.

    Parameters
    ----------
    data : SplitData
    grid : mapping of model name to list of ``set_params`` dicts, optional
        Default :data:`DEFAULT_GRID` (six fits).
    experiment : str, default=EXPERIMENT
    track : bool, default=True
        Log every run with :func:`casestudy.tracking.log_run` (params, metrics, data version,
        fitted pipeline). The first run in a new store takes several seconds (MLflow).
    root : str or Path, optional
        Tracking store folder (default ``$CASESTUDY_TRACKING_DIR`` or the repository).
    random_state : int, default=0
        Seed of the models and of the bootstrap.
    n_resamples : int, default=200
    with_rules : bool, default=True
        Also fit and log the baseline rules.
    assumptions : ValueAssumptions, optional
    progress : bool or None, default=None
        tqdm progress bar; None shows it only on a terminal.

    Returns
    -------
    SearchResult
        ``table`` columns: ``model``, ``on``, ``run_id``, the searched ``param_*`` and the
        metrics of :class:`ModelResult`.
    """
    from tqdm.auto import tqdm

    runs = _settings(grid if grid is not None else DEFAULT_GRID, random_state, with_rules)
    version = data_version_of(data.train, data.validation) if track else None
    results = []
    for name, model in tqdm(runs, desc="fits", disable=None if progress is None else not progress):
        r = mf.fit_score(
            model,
            data,
            name=name,
            on="validation",
            n_resamples=n_resamples,
            random_state=random_state,
            assumptions=assumptions,
        )
        if track:
            r = _logged(r, experiment=experiment, data_version=version, root=root, split=data.split)
        results.append(r)
    return SearchResult(table=mf.results_frame(results), results=results)


def _logged(
    r: ModelResult, *, experiment: str, data_version: str, root: Any, split: TimeSplit
) -> ModelResult:
    from casestudy.tracking import log_run

    params = {
        "model_name": r.name,
        **r.params,
        "train_cutoffs": ",".join(str(c.date()) for c in split.train),
        "validation_cutoff": str(split.validation.date()),
    }
    metrics = {f"val_{k}": v for k, v in r.metrics.items() if math.isfinite(v)}
    run_id = log_run(
        experiment,
        params=params,
        metrics=metrics,
        data_version=data_version,
        model=r.model,
        run_name=r.name,
        root=root,
        tags={"chapter": "7"},
    )
    return ModelResult(
        name=r.name,
        model=r.model,
        params=r.params,
        on=r.on,
        metrics=r.metrics,
        scores=r.scores,
        run_id=run_id,
    )


def tracked_results(
    data: SplitData, *, experiment: str = EXPERIMENT, root: str | Path | None = None
) -> SearchResult:
    """Rebuild a search from its tracked runs: the logged models and validation metrics.

    Chapter 8 starts from chapter 7's runs instead of refitting: only runs whose
    ``data_version`` matches ``data`` (training and validation parts) are used, and when a
    setting was logged several times (the notebook ran again) the latest run counts.
    The validation scores are recomputed from the loaded models (a prediction, no fit).

    Raises
    ------
    ValueError
        If the experiment has no run with a model for this data version.
    """
    from casestudy.tracking import load_run_model, runs_table

    runs = runs_table(experiment, root=root)
    version = data_version_of(data.train, data.validation)
    runs = runs[(runs["data_version"] == version) & runs["has_model"]]
    if runs.empty:
        raise ValueError(
            f"No run in experiment {experiment!r} has a model trained on data version "
            f"{version}. Run hyperparameter_search(data, track=True) first (chapter 7)."
        )
    params = [c for c in runs.columns if c.startswith("params.")]
    runs = runs.drop_duplicates(params, keep="last")
    results = [
        _from_run(r, load_run_model(r["run_id"], root=root), data) for _, r in runs.iterrows()
    ]
    return SearchResult(table=mf.results_frame(results), results=results)


def _from_run(run: pd.Series, model: Any, data: SplitData) -> ModelResult:
    metrics = {
        k.removeprefix("metrics.val_"): float(v)
        for k, v in run.items()
        if k.startswith("metrics.val_") and pd.notna(v)
    }
    return ModelResult(
        name=run["run_name"],
        model=model,
        params=mf.model_params(model),
        on="validation",
        metrics=metrics,
        scores=lapse_probability(model, data.validation.X),
        run_id=run["run_id"],
    )


def best_results(search: SearchResult, *, metric: str = "auc") -> dict[str, ModelResult]:
    """The best setting of each model (highest validation ``metric``), rules included.

    Examples
    --------
    >>> r = [ModelResult("a", None, {}, "validation", {"auc": v}, np.zeros(1)) for v in (.6, .7)]
    >>> best_results(SearchResult(pd.DataFrame(), r))["a"].metrics["auc"]
    0.7
    """
    best: dict[str, ModelResult] = {}
    for r in search.results:
        if r.name not in best or r.metrics[metric] > best[r.name].metrics[metric]:
            best[r.name] = r
    return best


# --- learning, complexity, seeds ---------------------------------------------------------------


def learning_curve(
    model: Any,
    data: SplitData,
    *,
    fractions: Sequence[float] = (0.1, 0.25, 0.5, 1.0),
    random_state: int = 0,
) -> pd.DataFrame:
    """Training and validation AUC as the model sees more training customers.

    Does more data help? If the validation AUC still rises at the full size, more months of
    history would pay; if it is flat, effort is better spent on features or labels.

    Parameters
    ----------
    model : scikit-learn estimator (unfitted)
    data : SplitData
    fractions : sequence of float in (0, 1], default=(0.1, 0.25, 0.5, 1.0)
        Shares of the training rows (a seeded random sample of them).
    random_state : int, default=0

    Returns
    -------
    pandas.DataFrame
        ``fraction``, ``n_train``, ``train_auc``, ``validation_auc``.
    """
    fr = [float(f) for f in fractions]
    if not fr or any(not 0 < f <= 1 for f in fr):
        raise ValueError(
            f"The 'fractions' parameter of learning_curve must be floats in "
            f"(0, 1]. Got {list(fractions)!r} instead."
        )
    X, y = data.train.X, data.train.y
    order = np.random.default_rng(random_state).permutation(len(y))
    rows = []
    for f in fr:
        take = np.sort(order[: max(50, round(f * len(y)))])
        fitted = mf.fit_clone(model, X.iloc[take], y.iloc[take])
        rows.append(
            {
                "fraction": f,
                "n_train": len(take),
                "train_auc": _auc(y.iloc[take], lapse_probability(fitted, X.iloc[take])),
                "validation_auc": _auc(
                    data.validation.y, lapse_probability(fitted, data.validation.X)
                ),
            }
        )
    return pd.DataFrame(rows)


def _auc(y: pd.Series, p: np.ndarray) -> float:
    return float(roc_auc_score(np.asarray(y), p))


def plot_learning_curve(
    curves: Mapping[str, pd.DataFrame], *, reference: Mapping[str, float] | None = None
) -> Figure:
    """Learning curves of one or more models: solid validation, dashed training AUC.

    Parameters
    ----------
    curves : mapping of label to :func:`learning_curve` output
    reference : mapping of label to AUC, optional
        Horizontal dotted lines to read the curves against, e.g.
        ``{"Bayes limit": 0.83}`` (the best possible model on the same month).

    Returns
    -------
    matplotlib.figure.Figure
        The x-axis is logarithmic with plain tick labels (2,000, not 2x10^3).
    """
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig, ax = new_figure(width=6.0, height=3.4)
    colours = [ROLE_COLOURS["model"], ROLE_COLOURS["baseline"], ROLE_COLOURS["highlight"]]
    for (name, t), colour in zip(curves.items(), colours * 3, strict=False):
        ax.plot(t["n_train"], t["validation_auc"], "o-", color=colour, label=f"{name} (valid.)")
        ax.plot(
            t["n_train"], t["train_auc"], "o--", color=colour, alpha=0.6, label=f"{name} (train)"
        )
    for label, auc in (reference or {}).items():
        ax.axhline(float(auc), ls=":", color=ROLE_COLOURS["best"], label=label)
    sizes = sorted({int(n) for t in curves.values() for n in t["n_train"]})
    ax.set(xscale="log", xlabel="Training customers (log scale)", ylabel="ROC AUC")
    ax.set(title="Does more data help?", xticks=sizes)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(fontsize=8, ncol=2)
    return fig


def _as_search_table(table: pd.DataFrame) -> pd.DataFrame:
    """A tracker's runs table renamed to the columns of :attr:`SearchResult.table`."""
    if "run_name" not in table.columns:
        return table
    out = {"model": table["run_name"]}
    for c in table.columns:
        if c.startswith("metrics.val_"):
            out[c.removeprefix("metrics.val_")] = table[c]
        elif c.startswith("params.") and f"param_{c.removeprefix('params.')}" in _SETTING_LABELS:
            out[f"param_{c.removeprefix('params.')}"] = pd.to_numeric(table[c], errors="coerce")
    return pd.DataFrame(out)


def search_view(table: pd.DataFrame) -> pd.DataFrame:
    """A search table as a manager reads it: readable names, one setting column, no ids.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`SearchResult.table`, or the same runs read back from the tracker
        (:func:`casestudy.tracking.runs_table`: ``run_name``, ``params.*``,
        ``metrics.val_*``).

    Returns
    -------
    pandas.DataFrame
        ``run`` (:data:`DISPLAY_NAMES`), ``setting`` (e.g. "leaves = 7, learning rate =
        0.05"; "-" for defaults), ``validation AUC``, ``95% CI``, ``training AUC``, ``gap``
        and ``£ a month``.

    Examples
    --------
    >>> t = pd.DataFrame({"model": ["hgb"], "param_max_leaf_nodes": [7], "auc": [0.8],
    ...     "auc_low": [0.79], "auc_high": [0.81], "train_auc": [0.82], "gap": [0.02],
    ...     "value": [1000.0]})
    >>> search_view(t)[["run", "setting"]].values.tolist()
    [['gradient boosting', 'leaves = 7']]
    """

    table = _as_search_table(table)

    def setting(row: pd.Series) -> str:
        parts = [
            f"{label} = {row[c]:g}"
            for c, label in _SETTING_LABELS.items()
            if c in row and pd.notna(row[c])
        ]
        return ", ".join(parts) or "-"

    return pd.DataFrame(
        {
            "run": table["model"].map(lambda m: DISPLAY_NAMES.get(m, m)),
            "setting": table.apply(setting, axis=1),
            "validation AUC": table["auc"],
            "95% CI": [
                f"{lo:.3f}-{hi:.3f}"
                for lo, hi in zip(table["auc_low"], table["auc_high"], strict=True)
            ],
            "training AUC": table["train_auc"],
            "gap": table["gap"],
            "£ a month": table["value"],
        }
    )


def complexity_curve(
    data: SplitData,
    *,
    max_leaf_nodes: Sequence[int] = (3, 7, 15, 31, 63),
    n_iter: Sequence[int] = (10, 25, 50, 100),
    learning_rate: float = 0.1,
    max_rows: int = 4000,
    random_state: int = 0,
) -> pd.DataFrame:
    """Training and validation AUC of gradient boosting by tree size and number of trees.

    One fit per tree size; the AUC after each number of trees comes from
    ``staged_predict_proba``, so the grid costs ``len(max_leaf_nodes)`` fits. A sample of
    ``max_rows`` training customers keeps it fast and makes overfitting easier to see.

    Returns
    -------
    pandas.DataFrame
        ``max_leaf_nodes``, ``n_iter``, ``train_auc``, ``validation_auc``, ``gap``.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    iters = sorted({_where_int(n, "n_iter", "complexity_curve") for n in n_iter})
    X, y = data.train.X, data.train.y
    take = np.sort(np.random.default_rng(random_state).permutation(len(y))[:max_rows])
    prep = mb.tree_features().fit(X.iloc[take])
    Xt, Xv = prep.transform(X.iloc[take]), prep.transform(data.validation.X)
    rows = []
    for leaves in max_leaf_nodes:
        hgb = HistGradientBoostingClassifier(
            max_iter=iters[-1],
            learning_rate=learning_rate,
            early_stopping=False,
            max_leaf_nodes=_where_int(leaves, "max_leaf_nodes", "complexity_curve", low=2),
            random_state=random_state,
        )
        with mb.one_thread():
            hgb.fit(Xt, y.iloc[take].to_numpy())
            stages_t = _staged_auc(hgb, Xt, y.iloc[take], iters)
            stages_v = _staged_auc(hgb, Xv, data.validation.y, iters)
        rows += [
            {"max_leaf_nodes": leaves, "n_iter": n, "train_auc": a, "validation_auc": b}
            for n, a, b in zip(iters, stages_t, stages_v, strict=True)
        ]
    out = pd.DataFrame(rows)
    return out.assign(gap=out["train_auc"] - out["validation_auc"])


def _staged_auc(hgb: Any, X: Any, y: pd.Series, iters: list[int]) -> list[float]:
    wanted, out = set(iters), []
    for i, p in enumerate(hgb.staged_predict_proba(X), start=1):
        if i in wanted:
            out.append(_auc(y, p[:, 1]))
    return out


def seed_sensitivity(
    name: str,
    data: SplitData,
    *,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> pd.DataFrame:
    """Validation AUC of one candidate refitted with different ``random_state`` values.

    A spread comparable to the gap between two models means the ranking is luck. The
    logistic model and gradient boosting without early stopping use no randomness; the
    random forest does (bootstrap rows, random features).

    Returns
    -------
    pandas.DataFrame
        ``seed``, ``validation_auc``; ``.attrs["spread"]`` is max minus min.
    """
    rows = []
    for seed in seeds:
        models = candidate_models(random_state=_where_int(seed, "seeds", "seed_sensitivity", low=0))
        if name not in models:
            raise ValueError(
                f"The 'name' parameter of seed_sensitivity must be one of "
                f"{sorted(models)}. Got {name!r} instead."
            )
        fitted = mf.fit_clone(models[name], data.train.X, data.train.y)
        rows.append(
            {
                "seed": seed,
                "validation_auc": _auc(
                    data.validation.y, lapse_probability(fitted, data.validation.X)
                ),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["spread"] = float(out["validation_auc"].max() - out["validation_auc"].min())
    return out


# --- smells ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeakageReport:
    """The leakage checks: the data test on our features, and the account-status demo.

    ``features`` is :func:`casestudy.features.check_no_leakage` on the training features;
    ``demo`` is :func:`casestudy.features.leaky_naive_model_score` (None if not run).
    """

    features: pd.DataFrame
    demo: Any = None

    @property
    def clean(self) -> bool:
        """True when no feature of ours is flagged as leaky."""
        return not bool(self.features["leaky"].any())


def leakage_check(data: SplitData, *, tables: Any = None, n_resamples: int = 200) -> LeakageReport:
    """Is any feature too good to be true? And what would ``account_status`` have done?

    Parameters
    ----------
    data : SplitData
    tables : BikeShop, optional
        The raw tables; when given, also run the account-status demo (a model with the
        leaky CRM column next to one without it).
    n_resamples : int, default=200
    """
    from casestudy.features import check_no_leakage, leaky_naive_model_score

    report = check_no_leakage(data.train.X, data.train.y)
    demo = None
    if tables is not None:
        demo = leaky_naive_model_score(tables, data.split.test[-1], n_resamples=n_resamples)
    return LeakageReport(features=report, demo=demo)


def smell_checks(
    table: pd.DataFrame,
    *,
    leakage: LeakageReport | None = None,
    seeds: Mapping[str, pd.DataFrame] | None = None,
    max_gap: float = 0.03,
    max_seed_spread: float = 0.005,
) -> pd.DataFrame:
    """The "smelly model" checks as one table: leakage, overfitting, seed sensitivity.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`SearchResult.table` (needs ``model``, ``auc``, ``train_auc``, ``gap``).
    leakage : LeakageReport, optional
    seeds : mapping of model name to :func:`seed_sensitivity` output, optional
    max_gap : float, default=0.03
        Train minus validation AUC above this smells of overfitting.
    max_seed_spread : float, default=0.005
        An AUC spread across seeds above this makes rankings by a few thousandths luck.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``subject``, ``value``, ``limit``, ``status`` ("ok" / "smells").

    Examples
    --------
    >>> t = pd.DataFrame({"model": ["a", "b"], "auc": [0.8, 0.79], "train_auc": [0.81, 0.9],
    ...                   "gap": [0.01, 0.11]})
    >>> smell_checks(t)[["subject", "status"]].values.tolist()
    [['a', 'ok'], ['b', 'smells']]
    """
    rows = []
    if leakage is not None:
        top = leakage.features.iloc[0]
        rows.append(
            (
                "leakage: best single-feature AUC",
                str(top["feature"]),
                float(top["auc"]),
                0.95,
                not leakage.clean,
            )
        )
    worst = table.sort_values("gap", ascending=False).drop_duplicates("model")
    for _, r in worst.sort_values("model").iterrows():
        rows.append(
            (
                "overfitting: train - validation AUC (worst setting)",
                r["model"],
                float(r["gap"]),
                max_gap,
                r["gap"] > max_gap,
            )
        )
    for name, t in (seeds or {}).items():
        spread = float(t.attrs.get("spread", t["validation_auc"].max() - t["validation_auc"].min()))
        rows.append(
            (
                "seed sensitivity: AUC spread",
                name,
                spread,
                max_seed_spread,
                spread > max_seed_spread,
            )
        )
    out = pd.DataFrame(rows, columns=["check", "subject", "value", "limit", "smelly"])
    out["status"] = np.where(out["smelly"], "smells", "ok")
    return out.drop(columns="smelly")
