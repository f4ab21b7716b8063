# ruff: noqa: N803, N806  (X is scikit-learn's name for a feature matrix)
"""Pipelines, baseline rules and the time split behind :mod:`casestudy.models` (private).

Everything here builds *unfitted* objects or pure data; fitting and scoring live in
``_models_fit``. The feature columns come from :data:`casestudy.features.FEATURES`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from casestudy.features import FEATURES, ModellingTable

#: The one categorical feature; every other feature is numeric.
CATEGORICAL: tuple[str, ...] = ("home_store",)
NUMERIC: tuple[str, ...] = tuple(c for c in FEATURES if c not in CATEGORICAL)
#: Skewed counts and durations: the logistic model sees ``log1p`` of them (the visit
#: hazard falls with the *log* of recency, so a straight line in days fits badly).
SKEWED: tuple[str, ...] = (
    "recency_days",
    "visits_90d",
    "visits_365d",
    "purchases_90d",
    "purchases_365d",
    "jobs_90d",
    "jobs_365d",
    "distance_km",
    "emails_sent_180d",
    "tenure_days",
    "months_since_last_job",
)
_HORIZON_MONTHS = 6  # a label is known 180 days after its cut-off: ~6 months


@contextmanager
def one_thread() -> Iterator[None]:
    """Run OpenMP/BLAS code on one thread.

    On a shared 2-core machine scikit-learn's OpenMP threads spin while they wait for a
    busy core: a gradient-boosting fit measured 22 s with two threads and 2.5 s with one.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def signed_log1p(x: Any) -> Any:
    """``sign(x) * log1p(|x|)``: a log scale for spend, which refunds can make negative."""
    return np.sign(x) * np.log1p(np.abs(x))


def _one_hot(*, dense: bool) -> OneHotEncoder:
    return OneHotEncoder(handle_unknown="ignore", sparse_output=not dense)


def linear_features() -> ColumnTransformer:
    """log1p of the skewed columns, then standardise; one-hot the store."""
    skewed = list(SKEWED)
    rest = [c for c in NUMERIC if c not in SKEWED and c != "spend_365d"]
    log = FunctionTransformer(np.log1p, feature_names_out="one-to-one")
    slog = FunctionTransformer(signed_log1p, feature_names_out="one-to-one")
    return ColumnTransformer(
        [
            ("log", Pipeline([("log1p", log), ("scale", StandardScaler())]), skewed),
            ("spend", Pipeline([("slog", slog), ("scale", StandardScaler())]), ["spend_365d"]),
            ("num", StandardScaler(), rest),
            ("cat", _one_hot(dense=False), list(CATEGORICAL)),
        ]
    )


def tree_features() -> ColumnTransformer:
    """Numbers as they are (trees do not care about scale); one-hot the store, dense."""
    return ColumnTransformer(
        [
            ("num", "passthrough", list(NUMERIC)),
            ("cat", _one_hot(dense=True), list(CATEGORICAL)),
        ]
    )


class BinnedRateRule(ClassifierMixin, BaseEstimator):
    """A baseline rule: the training lapse rate of the customer's bin of one feature.

    A rule a shop manager could write down ("customers not seen for 8-10 months lapse
    55% of the time"). Bins are quantiles of ``feature`` on the training rows, so the rule
    ranks customers by that one feature and its probabilities are calibrated in-sample.

    Parameters
    ----------
    feature : str, default="recency_days"
        A numeric column of ``X`` (a DataFrame), or ``"rfm"`` for chapter 6's RFM score
        (:func:`casestudy.baselines.rfm_score`, quintiles of the scored batch).
    n_bins : int, default=10

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    edges_ : ndarray
        Inner bin edges.
    rates_ : ndarray
        Lapse rate of each bin (overall rate for an empty bin).

    Examples
    --------
    >>> X = pd.DataFrame({"recency_days": [1, 2, 3, 200, 250, 300]})
    >>> rule = BinnedRateRule(n_bins=2).fit(X, [0, 0, 1, 1, 1, 0])
    >>> rule.predict_proba(X)[:, 1].round(2).tolist()
    [0.33, 0.33, 0.33, 0.67, 0.67, 0.67]
    """

    def __init__(self, feature: str = "recency_days", n_bins: int = 10) -> None:
        self.feature = feature
        self.n_bins = n_bins

    def _column(self, X: Any) -> np.ndarray:
        if self.feature == "rfm" and isinstance(X, pd.DataFrame):
            from casestudy.baselines import rfm_score

            return rfm_score(X).to_numpy(float)
        if not isinstance(X, pd.DataFrame) or self.feature not in X.columns:
            cols = list(X.columns)[:8] if isinstance(X, pd.DataFrame) else type(X).__name__
            raise ValueError(
                f"BinnedRateRule needs a DataFrame with the column "
                f"{self.feature!r}. Got {cols} instead."
            )
        return X[self.feature].to_numpy(float)

    def fit(self, X: Any, y: Any) -> BinnedRateRule:
        """Learn the bin edges and each bin's lapse rate."""
        x, yy = self._column(X), np.asarray(y, dtype=float)
        if len(x) != len(yy):
            raise ValueError(f"BinnedRateRule.fit: X has {len(x)} rows but y has {len(yy)}.")
        self.classes_ = np.array([0, 1])
        qs = np.linspace(0, 1, self.n_bins + 1)[1:-1]
        self.edges_ = np.unique(np.quantile(x, qs))
        bins = np.searchsorted(self.edges_, x, side="right")
        counts = np.bincount(bins, minlength=len(self.edges_) + 1)
        sums = np.bincount(bins, weights=yy, minlength=len(self.edges_) + 1)
        self.rates_ = np.where(counts > 0, sums / np.maximum(counts, 1), yy.mean())
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class (column 1: lapse)."""
        check_is_fitted(self, "rates_")
        p = self.rates_[np.searchsorted(self.edges_, self._column(X), side="right")]
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """1 where the lapse probability is at least 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def baseline_pipelines() -> dict[str, Pipeline]:
    """The baseline rules (unfitted): the base rate, recency, visit count and RFM score."""
    return {
        "rule: base rate": Pipeline([("rule", DummyClassifier(strategy="prior"))]),
        "rule: recency": Pipeline([("rule", BinnedRateRule(feature="recency_days"))]),
        "rule: visits": Pipeline([("rule", BinnedRateRule(feature="visits_365d"))]),
        "rule: RFM": Pipeline([("rule", BinnedRateRule(feature="rfm"))]),
    }


def candidate_pipelines(random_state: int) -> dict[str, Pipeline]:
    """The candidate models (unfitted), each with the settings the search starts from."""
    hgb = {
        "max_iter": 100,
        "learning_rate": 0.05,
        "max_leaf_nodes": 7,
        "min_samples_leaf": 100,
        "l2_regularization": 1.0,
        "early_stopping": False,
        "random_state": random_state,
    }
    return {
        "logistic": Pipeline(
            [("features", linear_features()), ("model", LogisticRegression(C=1.0, max_iter=1000))]
        ),
        "hgb": Pipeline(
            [("features", tree_features()), ("model", HistGradientBoostingClassifier(**hgb))]
        ),
        "random_forest": Pipeline(
            [
                ("features", tree_features()),
                (
                    "model",
                    RandomForestClassifier(
                        n_estimators=40,
                        min_samples_leaf=40,
                        max_features=0.4,
                        max_samples=0.3,
                        n_jobs=1,
                        random_state=random_state,
                    ),
                ),
            ]
        ),
    }


# --- the time split ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeSplit:
    """Cut-offs for training, validation (model choice) and test (the final report).

    Every training label (180 days from its cut-off) is known before the validation
    cut-off, and every validation label before the first test cut-off: at each step the
    model has only what the shop would have had on that day.
    """

    train: tuple[pd.Timestamp, ...]
    validation: pd.Timestamp
    test: tuple[pd.Timestamp, ...]

    @property
    def cutoffs(self) -> list[pd.Timestamp]:
        """All cut-offs, oldest first."""
        return sorted({*self.train, self.validation, *self.test})


def months_before(day: pd.Timestamp, months: int) -> pd.Timestamp:
    """The first of the month ``months`` before ``day`` whose 180-day label ends before it."""
    t = (day - pd.DateOffset(months=months)).to_period("M").to_timestamp()
    while t + pd.Timedelta(days=180) > day:
        t = (t - pd.DateOffset(months=1)).to_period("M").to_timestamp()
    return pd.Timestamp(t)


@dataclass(frozen=True)
class SplitData:
    """A modelling table cut into training, validation and test parts by cut-off."""

    split: TimeSplit
    train: ModellingTable
    validation: ModellingTable
    test: ModellingTable


def subset(table: ModellingTable, cutoffs: Any) -> ModellingTable:
    """The rows of a stacked modelling table at the given cut-offs."""
    level = table.X.index.get_level_values("cutoff")
    wanted = pd.DatetimeIndex(pd.to_datetime(list(cutoffs)))
    missing = sorted(str(c.date()) for c in wanted if c not in set(level))
    if missing:
        have = sorted({str(c.date()) for c in level})
        raise ValueError(
            f"The modelling table has no rows at cut-off(s) {missing}. It has "
            f"{have[:6]}{'...' if len(have) > 6 else ''}. Build it with "
            "build_training_set(tables, split.cutoffs)."
        )
    keep = level.isin(wanted)
    return ModellingTable(
        X=table.X[keep], y=table.y[keep], audit=table.audit[keep], keys=table.keys[keep]
    )


def toy_split(*, n: int = 600, random_state: int = 0) -> SplitData:
    """A small synthetic :class:`SplitData` with every feature column (for tests and examples).

    Lapse depends on recency and visits, as in the shop; audit columns and keys are made up.
    """
    rng = np.random.default_rng(random_state)
    split = TimeSplit(
        train=(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")),
        validation=pd.Timestamp("2024-08-01"),
        test=(pd.Timestamp("2025-02-01"),),
    )
    parts = [_toy_part(c, n, rng) for c in split.cutoffs]
    table = ModellingTable(
        *(pd.concat([getattr(p, f) for p in parts]) for f in ("X", "y", "audit", "keys"))
    )
    return SplitData(
        split=split,
        train=subset(table, split.train),
        validation=subset(table, [split.validation]),
        test=subset(table, split.test),
    )


def _toy_part(cutoff: pd.Timestamp, n: int, rng: np.random.Generator) -> ModellingTable:
    X = pd.DataFrame({c: rng.poisson(3, n).astype(float) for c in NUMERIC})
    X["recency_days"] = rng.integers(1, 366, n).astype(np.int64)
    X["visits_365d"] = X["visits_90d"] + rng.poisson(2, n) + 1
    for c in ("ebike_owner", "owns_road", "owns_mountain", "owns_hybrid", "owns_kids"):
        X[c] = rng.integers(0, 2, n).astype(np.int8)
    for c in ("email_open_rate_180d", "email_click_rate_180d"):
        X[c] = rng.uniform(0, 1, n)
    X["home_store"] = pd.Categorical(
        rng.choice(["CTY", "UNI", "RPK", "CST", "WEB"], n),
        categories=["CTY", "UNI", "RPK", "CST", "WEB"],
    )
    X = X[list(FEATURES)]
    logit = -1.0 + 0.008 * X["recency_days"] - 0.25 * X["visits_365d"] + rng.normal(0, 0.5, n)
    p = 1 / (1 + np.exp(-logit.to_numpy()))
    ids = np.arange(n) + 100_000
    index = pd.MultiIndex.from_arrays(
        [[cutoff] * n, [f"k{i:06d}" for i in ids]], names=["cutoff", "key"]
    )
    X.index = index
    y = pd.Series((rng.uniform(size=n) < p).astype(np.int8), index=index, name="lapsed")
    audit = pd.DataFrame(
        {
            "age_band": rng.choice(["18-29", "30-44", "45-59", "60+"], n),
            "gender": rng.choice(["female", "male"], n),
            "postcode_area": rng.choice(["B", "M", "L"], n),
        },
        index=index,
    )
    keys = pd.DataFrame({"customer_id": ids}, index=index)
    return ModellingTable(X=X, y=y, audit=audit, keys=keys)


# --- the on-disk cache of the book's split --------------------------------------------------


def _cache_key(data_dir: Path, n_train: int) -> str:
    """A hash of everything the book's split depends on: data files, package code, pandas."""
    import casestudy

    h = hashlib.sha256(f"n_train={n_train};pandas={pd.__version__}".encode())
    package = Path(casestudy.__file__).parent
    for f in [*sorted(data_dir.glob("*.csv.gz")), *sorted(package.rglob("*.py"))]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def disk_cached(name: str, key: str, build: Callable[[], Any]) -> Any:
    """``build()``, kept in ``$CASESTUDY_CACHE_DIR`` (default ``<repo>/.cache``) under ``key``.

    Every notebook and page runs in its own process, so an in-process cache alone rebuilds
    the book's split (~3 s) in each of them. The key hashes the data and the package code,
    so any change rebuilds; the file is written atomically (two builds at once are safe),
    and an unreadable file is rebuilt. The cache holds only what this package wrote.
    """
    import casestudy

    cache = Path(os.environ.get("CASESTUDY_CACHE_DIR") or casestudy.PROJECT_ROOT / ".cache")
    path = cache / f"{name}-{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except Exception:
            path.unlink(missing_ok=True)
    value = build()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, delete=False, suffix=".tmp") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, path)
        for old in cache.glob(f"{name}-*.pkl"):  # keep one version: older keys are stale
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only checkout still works, just without the cache
        pass
    return value
