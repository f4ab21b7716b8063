# ruff: noqa: N803, N806  (X is scikit-learn's name for a feature matrix)
"""The feature pipeline: from the raw Bike Shop tables to a modelling table at a cut-off.

Chapter 7 builds its models on this table; chapter 5 shows its cleaning steps and data
tests. The steps, each a small pure function in ``_features_build`` / ``_features_clean``:

1. **Test accounts** (names or e-mails saying test, demo, training, example) are removed
   with all their rows.
2. **Duplicate customers** (the same person registered twice: same e-mail local part,
   or same name, or one name plus birth date, always at the same postcode) are merged: every
   row of a duplicate id is given the original (earliest) id. ``CleanTables.log`` says how
   many.
3. **Store codes** ("City Centre", "cty", "UNI.", "online" ...) become the stores table's
   codes; an unknown code is an error naming it.
4. **Refunds** (negative amounts) stay in the transactions: they reduce net spend, and they
   are not visits (as in :func:`casestudy.data.visits`).
5. **Clock errors**: rows dated after the export (a till wrote 2031 for two weeks) are
   dropped; their true dates are unknown and they are 0.1% of the rows.
6. **The missing month** (no till rows at one store for a month after a till migration) is
   not imputed row by row. Counts and spend in a window that contains it are scaled, for
   rows at that store only, by ``window / (window - lost days)``: a customer of that store
   is then compared with others at their own rate, instead of looking a month less active.
   The label is not corrected: a few customers of that store whose only return fell in the
   lost month are labelled lapsed (cut-offs from August 2023 to February 2024).

With a cut-off, cleaning sees only rows dated before it (and looks for duplicates only
among customers created before it), so no feature can use what happened after. The label
alone looks forward, and uses every row, so a customer who re-registered after the cut-off
is not mistaken for a lapser. Visits of an id missing from the customers table are left out
(there is no customer to describe).

Features (one row per active customer, i.e. with a visit in the 365 days before the cut-off)
contain no PII and not ``account_status`` (the CRM writes it after the fact: see
:func:`leaky_naive_model_score`). Age band, gender and postcode area come back separately,
for fairness audits only. Customers are identified by a salted-hash ``key``; the key to id
lookup is kept apart in ``ModellingTable.keys``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from casestudy import _features_build as fb
from casestudy import _features_clean as fc
from casestudy._world_sim import ACTIVE_DAYS, END, HORIZON_DAYS
from casestudy.data import lapse_labels
from casestudy.evaluate import age_band

__all__ = [
    "FEATURES",
    "KEY_SALT",
    "CleanTables",
    "Fold",
    "LeakageDemo",
    "ModellingTable",
    "build_modelling_table",
    "build_training_set",
    "check_no_leakage",
    "clean_tables",
    "leaky_naive_model_score",
    "modelling_table_schema",
    "pseudonymise",
    "rolling_cutoffs",
    "single_feature_auc",
    "validate_modelling_table",
]

KEY_SALT = fb.KEY_SALT
CleanTables = fb.CleanTables

#: The feature columns of ``ModellingTable.X``, in order, with what each means.
FEATURES: dict[str, str] = {
    "recency_days": "days since the last visit (1 = the day before the cut-off)",
    "visits_90d": "visit days in the last 90 days (purchase or workshop job)",
    "visits_365d": "visit days in the last 365 days",
    "purchases_90d": "days with a purchase in the last 90 days",
    "purchases_365d": "days with a purchase in the last 365 days",
    "jobs_90d": "workshop jobs in the last 90 days",
    "jobs_365d": "workshop jobs in the last 365 days",
    "spend_365d": "net spend in pounds in the last 365 days (refunds subtracted)",
    "ebike_owner": "1 if an e-bike was bought and not returned",
    "owns_road": "1 if a road bike was bought and not returned",
    "owns_mountain": "1 if a mountain bike was bought and not returned",
    "owns_hybrid": "1 if a hybrid bike was bought and not returned",
    "owns_kids": "1 if a kids' bike was bought and not returned",
    "home_store": "the customer's home store code (categorical)",
    "distance_km": "distance from home to the home store",
    "emails_sent_180d": "marketing e-mails sent in the last 180 days",
    "email_open_rate_180d": "share of those e-mails opened (0 if none sent)",
    "email_click_rate_180d": "share of those e-mails clicked (0 if none sent)",
    "tenure_days": "days since the customer record was created",
    "months_since_last_job": f"months since the last workshop job ({fb.NO_JOB_MONTHS:g} if none)",
}
_COUNTS = ("visits", "purchases", "jobs")
_STORES = ("CTY", "UNI", "RPK", "CST", "WEB")


@dataclass(frozen=True)
class ModellingTable:
    """Features, label and audit columns of the active customers at one or more cut-offs.

    Attributes
    ----------
    X : pandas.DataFrame
        The :data:`FEATURES`, indexed by ``key`` (or ``cutoff``, ``key`` when stacked).
    y : pandas.Series
        ``lapsed`` (int8): 1 if no visit in the 180 days from the cut-off; same index.
    audit : pandas.DataFrame
        ``age_band``, ``gender``, ``postcode_area``: protected attributes and a proxy, for
        fairness audits only, never for training; same index.
    keys : pandas.DataFrame
        ``customer_id`` and ``cutoff`` of each row: the lookup, kept apart from X.
    """

    X: pd.DataFrame
    y: pd.Series
    audit: pd.DataFrame
    keys: pd.DataFrame


@dataclass(frozen=True)
class Fold:
    """One step of time-based validation: train on ``train`` cut-offs, test on ``test``."""

    train: tuple[pd.Timestamp, ...]
    test: pd.Timestamp


@dataclass(frozen=True)
class LeakageDemo:
    """A naive model with and without ``account_status`` (see :func:`leaky_naive_model_score`).

    ``auc_with`` and ``auc_without`` are :class:`~casestudy.evaluate.Estimate` objects on the
    same held-out customers; ``check`` is :func:`check_no_leakage` on the leaky table.
    """

    auc_with: Any
    auc_without: Any
    check: pd.DataFrame


def _day(value: Any, name: str, where: str) -> pd.Timestamp:
    """A midnight timestamp, or a clear error."""
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError):
        t = pd.NaT
    if pd.isna(t) or t != t.normalize():
        raise ValueError(
            f"The '{name}' parameter of {where} must be a date such as '2024-01-01'. "
            f"Got {value!r} instead."
        )
    return t


def _export_end(export_date: Any, where: str) -> pd.Timestamp:
    """The last instant of the export day."""
    return _day(export_date, "export_date", where) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def pseudonymise(customer_ids: Any) -> np.ndarray:
    """Stable pseudonymous keys: a keyed BLAKE2b hash of each id, salted with ``KEY_SALT``.

    The same id always gives the same key, across runs and cut-offs, so rows can be joined
    over time without carrying the CRM id into the modelling table.

    Parameters
    ----------
    customer_ids : array-like of int

    Returns
    -------
    numpy.ndarray of str
        16 hexadecimal characters per id.

    Examples
    --------
    >>> k = pseudonymise([100001, 100001, 100002])
    >>> len(k[0]), k[0] == k[1], k[0] == k[2]
    (16, True, False)
    """
    return fb.pseudonymise(np.asarray(customer_ids, dtype=np.int64))


def clean_tables(
    tables: Any, *, cutoff: str | pd.Timestamp | None = None, export_date: str = END
) -> CleanTables:
    """Apply every cleaning step (see the module docstring) and log what each did.

    Parameters
    ----------
    tables : BikeShop or World
        The raw tables (from :func:`casestudy.data.load_bike_shop` or ``generate_world``).
    cutoff : str or Timestamp, optional
        Keep only rows dated before it and customers created before it. None: keep all.
    export_date : str, default="2025-12-31"
        The day the data were exported; later timestamps are clock errors and dropped.

    Returns
    -------
    CleanTables

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> ct = clean_tables(load_bike_shop())
    >>> ct.log["duplicate_customers_merged"], ct.log["test_accounts_removed"]
    (180, 6)
    >>> sorted(ct.transactions["store_code"].cat.categories)
    ['CST', 'CTY', 'RPK', 'UNI', 'WEB']
    """
    where = "clean_tables"
    fb.check_tables(tables, where=where)
    c = None if cutoff is None else _day(cutoff, "cutoff", where)
    return fb.clean(tables, cutoff=c, export_end=_export_end(export_date, where))


def _features(ct: CleanTables, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Feature rows of the active customers (indexed by customer_id), from cleaned history."""
    stores = list(ct.stores["store_code"])
    v = fb.visit_days(ct)
    last = fb.last_day(v["day"], v["customer_id"])
    recency = fb.day_number(cutoff) - last.to_numpy()
    cust = ct.customers.set_index("customer_id")
    active = last.index[(recency <= ACTIVE_DAYS) & last.index.isin(cust.index)]
    X = pd.DataFrame({"recency_days": recency}, index=last.index).loc[active]
    for days in (90, 365):
        X = X.join(fb.window_counts(v, ct.gaps, cutoff, days, stores))
    X = X.join(fb.spend(ct.transactions, ct.gaps, cutoff, 365, stores))
    X = X.join(fb.bikes_owned(ct.transactions))
    X = X.join(cust[["home_store", "distance_km"]])
    X = X.join(fb.email_rates(ct.email_events, cutoff, 180))
    X["tenure_days"] = ((cutoff - cust["created_at"].reindex(X.index)).dt.days).clip(lower=0)
    jobs = v.loc[v["job"].to_numpy()]
    last_job = fb.last_day(jobs["day"], jobs["customer_id"]).reindex(X.index)
    X["months_since_last_job"] = (
        ((fb.day_number(cutoff) - last_job) / 30.4375)
        .fillna(fb.NO_JOB_MONTHS)
        .clip(upper=fb.NO_JOB_MONTHS)
    )
    return _typed(X)


def _typed(X: pd.DataFrame) -> pd.DataFrame:
    """Columns in :data:`FEATURES` order with their final dtypes; absent counts are 0."""
    X = X.reindex(columns=list(FEATURES))
    flags = [c for c in FEATURES if c.startswith(("owns_", "ebike"))]
    floats = [c for c in FEATURES if c not in flags and c not in ("home_store", "recency_days")]
    X[floats] = X[floats].astype(float).fillna(0.0)
    X[flags] = X[flags].fillna(0).astype(np.int8)
    X["recency_days"] = X["recency_days"].astype(np.int64)
    X["home_store"] = pd.Categorical(X["home_store"].astype("str"), categories=list(_STORES))
    return X


def _audit(customers: pd.DataFrame, ids: pd.Index, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Age band at the cut-off, gender and postcode area of each customer."""
    c = customers.set_index("customer_id").reindex(ids)
    return pd.DataFrame(
        {
            "age_band": age_band(c["date_of_birth"], at=cutoff).to_numpy(),
            "gender": c["gender"].astype("str").fillna("unknown").to_numpy(),
            "postcode_area": fc.postcode_area(c["postcode"]).to_numpy(),
        },
        index=ids,
    )


def _labels(
    tables: Any, full: CleanTables, ids: pd.Index, cutoff: pd.Timestamp, end: Any
) -> pd.Series:
    """The label of each feature customer, using every row (all duplicates merged)."""
    root = fc.remap_ids(pd.Series(ids, index=ids), full.duplicates)
    y = lapse_labels(full, cutoff, end=end)
    out = y.reindex(root.to_numpy())
    if out.isna().any():
        raise RuntimeError(
            f"build_modelling_table: {int(out.isna().sum())} active customers have no label "
            f"at {cutoff.date()}. This is a bug in casestudy.features; please report it."
        )
    return pd.Series(out.to_numpy(np.int8), index=ids, name="lapsed")


def _table(
    tables: Any,
    cutoff: pd.Timestamp,
    *,
    export_date: str,
    full: CleanTables | None,
    label: bool,
    people: fc.People,
) -> ModellingTable:
    """One cut-off's modelling table (``full``: the cleaning without a cut-off, for labels)."""
    export_end = _export_end(export_date, "build_modelling_table")
    ct = fb.clean(tables, cutoff=cutoff, export_end=export_end, people=people)
    X = _features(ct, cutoff)
    ids = X.index
    keys = pd.Index(pseudonymise(ids.to_numpy()), name="key")
    y = (
        _labels(tables, full, ids, cutoff, export_date)
        if label
        else pd.Series(np.full(len(ids), -1, np.int8), index=ids, name="lapsed")
    )
    audit = _audit(ct.customers, ids, cutoff)
    for frame in (X, y, audit):
        frame.index = keys
    lookup = pd.DataFrame({"customer_id": ids.to_numpy(np.int64), "cutoff": cutoff}, index=keys)
    return ModellingTable(X=X, y=y, audit=audit, keys=lookup)


def _label_tables(tables: Any, export_date: str, people: fc.People, where: str) -> CleanTables:
    """Purchases and jobs cleaned with every row (all duplicates known): for labels only."""
    return fb.clean(
        tables,
        cutoff=None,
        export_end=_export_end(export_date, where),
        people=people,
        names=("transactions", "workshop_jobs"),
    )


def build_modelling_table(
    tables: Any,
    cutoff: str | pd.Timestamp,
    *,
    export_date: str = END,
    label: bool = True,
) -> ModellingTable:
    """Features, lapse label and audit columns of every active customer at ``cutoff``.

    Parameters
    ----------
    tables : BikeShop or World
        Raw tables; they are cleaned here (see :func:`clean_tables`).
    cutoff : str or Timestamp
        The first day of the month to score; features use only rows dated before it.
    export_date : str, default="2025-12-31"
        Last day of the data; the label window (180 days from the cut-off) must end by then.
    label : bool, default=True
        False for a cut-off whose outcome is not known yet (scoring): ``y`` is then -1.

    Returns
    -------
    ModellingTable
        ``X`` (:data:`FEATURES`), ``y`` (``lapsed``), ``audit``, ``keys``.

    Raises
    ------
    ValueError
        If a table or column is missing, the cut-off is not a date, or (with ``label``) the
        label window runs past ``export_date``.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> mt = build_modelling_table(load_bike_shop(), "2024-01-01")
    >>> list(mt.X.columns[:3]), mt.X.index.name, bool(mt.X.index.is_unique)
    (['recency_days', 'visits_90d', 'visits_365d'], 'key', True)
    >>> int(mt.X["recency_days"].min()) >= 1, set(mt.y.unique()) == {0, 1}
    (True, True)
    """
    where = "build_modelling_table"
    fb.check_tables(tables, where=where)
    c = _day(cutoff, "cutoff", where)
    end = _day(export_date, "export_date", where)
    if label and c + pd.Timedelta(days=HORIZON_DAYS) > end + pd.Timedelta(days=1):
        raise ValueError(
            f"The label window of cut-off {c.date()} runs past the export date {end.date()}. "
            f"Use a cut-off on or before {(end - pd.Timedelta(days=179)).date()}, or pass "
            "label=False to build features for scoring."
        )
    people = fc.people_index(tables.customers)
    full = _label_tables(tables, export_date, people, where) if label else None
    return _table(tables, c, export_date=export_date, full=full, label=label, people=people)


def build_training_set(tables: Any, cutoffs: Any, *, export_date: str = END) -> ModellingTable:
    """Modelling tables at several cut-offs, stacked (index ``cutoff``, ``key``).

    A customer appears once per cut-off at which they are active; time-based validation
    keeps the cut-offs of training and test apart (see :func:`rolling_cutoffs`).

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> ts = build_training_set(load_bike_shop(), ["2024-01-01", "2024-02-01"])
    >>> list(ts.X.index.names), ts.X.index.get_level_values("cutoff").nunique()
    (['cutoff', 'key'], 2)
    """
    where = "build_training_set"
    fb.check_tables(tables, where=where)
    cuts = [_day(c, "cutoffs", where) for c in pd.Index(cutoffs)]
    if not cuts:
        raise ValueError(f"{where}: 'cutoffs' is empty. Pass e.g. ['2024-01-01', '2024-02-01'].")
    people = fc.people_index(tables.customers)
    full = _label_tables(tables, export_date, people, where)
    parts = [
        _table(tables, c, export_date=export_date, full=full, label=True, people=people)
        for c in cuts
    ]

    def stack(frames: list[Any]) -> Any:
        return pd.concat(frames, keys=cuts, names=["cutoff", "key"])

    X = stack([p.X for p in parts])
    X["home_store"] = pd.Categorical(X["home_store"].astype("str"), categories=list(_STORES))
    return ModellingTable(
        X=X,
        y=stack([p.y for p in parts]),
        audit=stack([p.audit for p in parts]),
        keys=stack([p.keys for p in parts]),
    )


def rolling_cutoffs(
    *, last_test: str = "2025-07-01", n_folds: int = 3, n_train: int = 6, every: int = 1
) -> list[Fold]:
    """Folds for time-based validation: train on earlier cut-offs, test on a later one.

    Training labels look 180 days ahead, so a training cut-off must be at least 180 days
    before the test cut-off; otherwise the model would learn from the test period.

    Parameters
    ----------
    last_test : str, default="2025-07-01"
        The last test cut-off (the last one whose label window the data covers).
    n_folds : int, default=3
        Number of folds; their test cut-offs are ``every`` months apart.
    n_train : int, default=6
        Training cut-offs per fold (consecutive months).
    every : int, default=1
        Months between consecutive test cut-offs.

    Returns
    -------
    list of Fold

    Examples
    --------
    >>> f = rolling_cutoffs(last_test="2025-07-01", n_folds=2, n_train=2)
    >>> [(str(f_.train[0].date()), str(f_.train[-1].date()), str(f_.test.date())) for f_ in f]
    [('2024-11-01', '2024-12-01', '2025-06-01'), ('2024-12-01', '2025-01-01', '2025-07-01')]
    """
    where = "rolling_cutoffs"
    for name, v in (("n_folds", n_folds), ("n_train", n_train), ("every", every)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(
                f"The '{name}' parameter of {where} must be an int >= 1. Got {v!r} instead."
            )
    last = _day(last_test, "last_test", where)
    folds = []
    for i in range(n_folds):
        test = last - pd.DateOffset(months=every * (n_folds - 1 - i))
        newest = (test - pd.Timedelta(days=HORIZON_DAYS)).to_period("M").to_timestamp()
        train = pd.date_range(end=newest, periods=n_train, freq="MS")
        folds.append(Fold(train=tuple(train), test=pd.Timestamp(test)))
    return folds


# --- data tests ----------------------------------------------------------------------------


def modelling_table_schema() -> pa.DataFrameSchema:
    """The pandera contract of ``ModellingTable.X`` (columns, dtypes, ranges, no nulls).

    Examples
    --------
    >>> s = modelling_table_schema()
    >>> s.columns["recency_days"].dtype, len(s.columns) == len(FEATURES)
    (DataType(int64), True)
    """
    ge0 = [pa.Check.ge(0)]
    rate = [pa.Check.in_range(0.0, 1.0)]
    flag = [pa.Check.isin([0, 1])]
    cols: dict[str, pa.Column] = {
        "recency_days": pa.Column("int64", pa.Check.in_range(1, ACTIVE_DAYS)),
        **{f"{k}_{d}d": pa.Column("float64", ge0) for k in _COUNTS for d in (90, 365)},
        "spend_365d": pa.Column(
            "float64", pa.Check(np.isfinite, element_wise=True, error="finite")
        ),
        **{c: pa.Column("int8", flag) for c in FEATURES if c.startswith(("owns_", "ebike"))},
        "home_store": pa.Column(pd.CategoricalDtype(list(_STORES)), pa.Check.isin(_STORES)),
        "distance_km": pa.Column("float64", ge0),
        "emails_sent_180d": pa.Column("float64", ge0),
        "email_open_rate_180d": pa.Column("float64", rate),
        "email_click_rate_180d": pa.Column("float64", rate),
        "tenure_days": pa.Column("float64", ge0),
        "months_since_last_job": pa.Column("float64", pa.Check.in_range(0, fb.NO_JOB_MONTHS)),
    }
    checks = [
        pa.Check(
            lambda df: df["visits_90d"] <= df["visits_365d"] + 1e-9,
            error="visits_90d <= visits_365d",
        ),
        pa.Check(lambda df: df["visits_365d"] >= 1 - 1e-9, error="active: visits_365d >= 1"),
    ]
    return pa.DataFrameSchema(
        {c: cols[c] for c in FEATURES},
        checks=checks,
        strict=True,
        ordered=True,
        unique_column_names=True,
        name="modelling table X",
    )


def validate_modelling_table(table: ModellingTable) -> ModellingTable:
    """Check a modelling table against its contract; return it unchanged.

    The contract: :func:`modelling_table_schema` on ``X`` (lazy: every failure listed),
    unique keys, the same index on ``X``, ``y``, ``audit`` and ``keys``, labels 0/1, and no
    column of ``X`` that looks like PII *by its content* (see
    :func:`casestudy.survey.detect_pii`).

    Raises
    ------
    pandera.errors.SchemaErrors
        For contract failures in ``X``.
    ValueError
        For duplicate keys, misaligned frames, bad labels or a PII column.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> mt = validate_modelling_table(build_modelling_table(load_bike_shop(), "2024-01-01"))
    """
    from casestudy.survey import detect_pii

    modelling_table_schema().validate(table.X, lazy=True)
    if not table.X.index.is_unique:
        dup = table.X.index[table.X.index.duplicated()][:3].tolist()
        raise ValueError(f"ModellingTable.X has duplicate keys, e.g. {dup}. Deduplicate first.")
    for name in ("y", "audit", "keys"):
        if not getattr(table, name).index.equals(table.X.index):
            raise ValueError(f"ModellingTable.{name} is not aligned with X (different index).")
    if not table.y.isin([0, 1]).all():
        raise ValueError(f"ModellingTable.y must be 0/1. Got values {sorted(table.y.unique())}.")
    pii = detect_pii(table.X)
    if not pii.empty:
        raise ValueError(
            f"ModellingTable.X has column(s) whose content looks like PII: "
            f"{pii[['column', 'pii']].values.tolist()}. Drop them from the features."
        )
    return table


def single_feature_auc(X: pd.DataFrame, y: Any) -> pd.DataFrame:
    """ROC AUC of each column of ``X`` on its own (direction-free: ``max(auc, 1 - auc)``).

    A categorical or text column is scored by the lapse rate of its value (in-sample, which
    flatters it slightly); one with more than 50 distinct values (an identifier, free text)
    gets ``nan``. Dates count as numbers. Missing values are scored as their own value.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2, 3, 4], "b": ["x", "y", "x", "y"]})
    >>> single_feature_auc(X, [0, 0, 1, 1])["auc"].tolist()
    [1.0, 0.5]
    """
    from sklearn.metrics import roc_auc_score

    yy = np.asarray(y).astype(int)
    rows = []
    for col in X.columns:
        s = X[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = (s - pd.Timestamp("1970-01-01")).dt.days
        elif pd.api.types.is_bool_dtype(s):
            s = s.astype(float)
        if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(s):
            if s.nunique() > 50:
                rows.append((col, np.nan))  # an identifier or free text: not judged
                continue
            g = s.astype("str").fillna("<missing>")
            score = pd.Series(yy, index=s.index).groupby(g.to_numpy()).transform("mean")
            score = score.to_numpy()
        else:
            score = s.to_numpy(float)
            score = np.where(np.isnan(score), np.nanmin(score, initial=0) - 1, score)
        auc = roc_auc_score(yy, score) if len(np.unique(yy)) == 2 else np.nan
        rows.append((col, max(auc, 1 - auc)))
    out = pd.DataFrame(rows, columns=["feature", "auc"])
    return out.sort_values("auc", ascending=False, kind="stable", ignore_index=True)


def check_no_leakage(X: pd.DataFrame, y: Any, *, threshold: float = 0.90) -> pd.DataFrame:
    """The leakage data test: flag any feature that predicts the label almost alone.

    No honest single feature separates lapsers this well: the best single feature (visits
    in the last year) reaches about 0.76 and the best possible model, with the true
    probabilities, about 0.83 (the Bayes limit). A feature above ``threshold`` was almost
    certainly written *after* the outcome, like the CRM's ``account_status`` (0.94 alone at
    2025-07-01; a threshold of 0.95 would let it through, hence 0.90).

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like of 0/1, same length as X
    threshold : float, default=0.90

    Returns
    -------
    pandas.DataFrame
        ``feature``, ``auc`` (single-feature, direction-free) and ``leaky`` (auc > threshold),
        strongest first. Assert ``not result["leaky"].any()`` in a data test.

    Examples
    --------
    >>> X = pd.DataFrame({"honest": [3, 1, 4, 1, 5, 9], "status": [1, 1, 1, 0, 0, 0]})
    >>> check_no_leakage(X, [1, 1, 1, 0, 0, 0]).values.tolist()
    [['status', 1.0, True], ['honest', 0.7222222222222222, False]]
    """
    if len(X) != len(np.asarray(y)):
        raise ValueError(
            f"check_no_leakage: X has {len(X)} rows but y has "
            f"{len(np.asarray(y))}. Pass the label of every row of X."
        )
    if not 0.5 < threshold <= 1:
        raise ValueError(
            f"The 'threshold' parameter of check_no_leakage must be a float in "
            f"(0.5, 1]. Got {threshold!r} instead."
        )
    out = single_feature_auc(X, y)
    out["leaky"] = out["auc"] > threshold
    return out


def leaky_naive_model_score(
    tables: Any,
    cutoff: str | pd.Timestamp = "2025-07-01",
    *,
    test_size: float = 0.3,
    random_state: int = 0,
    n_resamples: int = 500,
) -> LeakageDemo:
    """A quick logistic regression with and without ``account_status``: the leak in numbers.

    A naive analyst joins the CRM's ``account_status`` to the features. The CRM sets it to
    "dormant" when a customer has not visited for six months *at the export*, i.e. after
    the cut-off; it nearly restates the label, so the model looks far better than any honest
    model can be.

    Parameters
    ----------
    tables : BikeShop or World
    cutoff : str, default="2025-07-01"
        The latest labelled cut-off, where the export-time status leaks most.
    test_size : float, default=0.3
        Share of customers held out (stratified).
    random_state : int, default=0
    n_resamples : int, default=500
        Bootstrap resamples of the AUC intervals.

    Returns
    -------
    LeakageDemo
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from casestudy.evaluate import roc_auc_score_ci

    mt = build_modelling_table(tables, cutoff)
    status = tables.customers.set_index("customer_id")["account_status"].astype("str")
    leak = status.reindex(mt.keys["customer_id"]).to_numpy()
    honest = pd.get_dummies(mt.X, columns=["home_store"], dtype=float)
    leaky = honest.assign(
        **{f"status_{v}": (leak == v).astype(float) for v in sorted(set(leak) - {"nan"})}
    )
    tr, te = train_test_split(
        np.arange(len(mt.y)), test_size=test_size, random_state=random_state, stratify=mt.y
    )
    aucs = []
    for frame in (leaky, honest):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(frame.iloc[tr], mt.y.iloc[tr])
        p = model.predict_proba(frame.iloc[te])[:, 1]
        aucs.append(
            roc_auc_score_ci(mt.y.iloc[te], p, n_resamples=n_resamples, random_state=random_state)
        )
    check = check_no_leakage(mt.X.assign(account_status=leak), mt.y)
    return LeakageDemo(auc_with=aucs[0], auc_without=aucs[1], check=check)
