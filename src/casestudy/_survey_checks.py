"""Quality checks of the data survey (private; see casestudy.survey).

Generic checks work on any DataFrame; each returns a list of :class:`Finding` (empty when
the column is clean). Thresholds are declared once, in :data:`LIMITS`, so the tests and the
book can quote them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casestudy import _features_clean as fc

SEVERITIES = ("high", "medium", "low", "info")

#: Thresholds of the generic checks.
LIMITS = {
    "outlier_iqr": 3.0,  # fences at Q1 - k*IQR and Q3 + k*IQR (on a log scale if skewed)
    "outlier_min_distinct": 20,  # fewer distinct values: a code, not a measurement
    "negative_share_max": 0.10,  # a few negatives among positive amounts: refunds
    "default_spike_ratio": 50.0,  # top value this many times the median count of a value
    "default_spike_min": 10,
    "code_max_distinct": 50,  # columns with at most this many values are checked as codes
    "leaky_auc": 0.90,
}


@dataclass(frozen=True)
class Finding:
    """One data-quality finding: where, what, how many, examples, how bad, what to do.

    Attributes
    ----------
    table, column : str
        Where the problem is (``column`` may be ``"*"`` for whole rows).
    kind : str
        What it is, e.g. ``"duplicate_customers"``, ``"future_dates"``, ``"pii"``.
    count : int
        Rows (or values, or store-months) affected.
    examples : tuple of str
        A few example values or rows, as text.
    severity : {"high", "medium", "low", "info"}
        ``high``: wrong results if ignored; ``info``: worth knowing, nothing to fix.
    advice : str
        What to do about it.
    """

    table: str
    column: str
    kind: str
    count: int
    examples: tuple[str, ...]
    severity: str
    advice: str


def _ex(values: object, n: int = 3) -> tuple[str, ...]:
    """The first ``n`` distinct values as short text."""
    out = []
    for v in pd.unique(pd.Series(list(values), dtype=object)):
        out.append(str(v) if not isinstance(v, float) else f"{v:g}")
        if len(out) == n:
            break
    return tuple(out)


def is_id_like(s: pd.Series) -> bool:
    """An integer column of unique values (a key): never an outlier or a code."""
    return pd.api.types.is_integer_dtype(s) and s.is_unique


# --- generic checks ------------------------------------------------------------------------


def duplicate_rows(df: pd.DataFrame, table: str) -> list[Finding]:
    dup = df.duplicated()
    if not dup.any():
        return []
    return [
        Finding(
            table,
            "*",
            "duplicate_rows",
            int(dup.sum()),
            _ex(dup[dup].index),
            "medium",
            "Identical rows: find out whether they are real repeats or a double "
            "export, then drop them with df.drop_duplicates().",
        )
    ]


def missing(df: pd.DataFrame, table: str, birth_dates: set[str]) -> list[Finding]:
    out = []
    for col in df.columns:
        n = int(df[col].isna().sum())
        if not n:
            continue
        share = n / len(df)
        dob = col in birth_dates
        out.append(
            Finding(
                table,
                col,
                "missing_birth_date" if dob else "missing_values",
                n,
                (
                    f"{share:.1%} of rows",
                    "e.g. rows " + ", ".join(_ex(df.index[df[col].isna()], 3)),
                ),
                "medium" if share > 0.2 or dob else "low",
                "Ages from this column are unknown for these rows: keep them as an 'unknown' "
                "age band, never impute a birth date."
                if dob
                else "Decide per column: leave missing (and tell the model), impute, or ask "
                "why the value is missing (optional field, lost in a migration?).",
            )
        )
    return out


def constant(df: pd.DataFrame, table: str) -> list[Finding]:
    out = []
    for col in df.columns:
        if len(df) > 1 and df[col].nunique(dropna=True) <= 1:
            out.append(
                Finding(
                    table,
                    col,
                    "constant_column",
                    len(df),
                    _ex(df[col], 1),
                    "low",
                    "One value everywhere carries no information: drop it.",
                )
            )
    return out


def _outlier_values(s: pd.Series) -> pd.Series:
    """The values outside the IQR fences (of log1p(|x|) when the column is skewed)."""
    x = s.dropna().astype(float)
    x = x[np.isfinite(x)]
    pos = x[x >= 0] if (x < 0).mean() <= LIMITS["negative_share_max"] else x
    skewed = pos.min() >= 0 and pos.skew() > 1
    t = np.log1p(pos) if skewed else pos
    q1, q3 = t.quantile([0.25, 0.75])
    k = LIMITS["outlier_iqr"] * (q3 - q1)
    return pos[(t < q1 - k) | (t > q3 + k)]


def outliers(df: pd.DataFrame, table: str) -> list[Finding]:
    out = []
    for col in df.columns:
        s = df[col]
        if (
            not pd.api.types.is_numeric_dtype(s)
            or pd.api.types.is_bool_dtype(s)
            or is_id_like(s)
            or s.nunique() < LIMITS["outlier_min_distinct"]
        ):
            continue
        bad = _outlier_values(s)
        if len(bad):
            top = bad.value_counts().index[:3]
            out.append(
                Finding(
                    table,
                    col,
                    "outliers",
                    len(bad),
                    _ex(top),
                    "low",
                    "Values far outside the bulk (3 x IQR): check a few by hand; "
                    "fix entry errors, keep real extremes (a rare expensive bike).",
                )
            )
    return out


def negative_amounts(df: pd.DataFrame, table: str) -> list[Finding]:
    out = []
    for col in df.columns:
        s = df[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        neg = s < 0
        share = float(neg.mean())
        if 0 < share <= LIMITS["negative_share_max"] and s.median() > 0:
            out.append(
                Finding(
                    table,
                    col,
                    "negative_amounts",
                    int(neg.sum()),
                    _ex(s[neg].head(50)),
                    "medium",
                    "A few negative values among positive amounts are refunds or "
                    "corrections: subtract them from spend, but do not count them "
                    "as visits or purchases.",
                )
            )
    return out


def future_dates(df: pd.DataFrame, table: str, as_of: pd.Timestamp) -> list[Finding]:
    out = []
    end = as_of + pd.Timedelta(days=1)
    for col in df.columns:
        s = df[col]
        if not pd.api.types.is_datetime64_any_dtype(s):
            continue
        late = s >= end
        if late.any():
            out.append(
                Finding(
                    table,
                    col,
                    "future_dates",
                    int(late.sum()),
                    _ex(s[late].sort_values().astype("str")),
                    "high",
                    f"Dated after the export ({as_of.date()}): a wrong clock. Drop "
                    "these rows (or fix them if the error is a known shift); never "
                    "let them into recency or label windows.",
                )
            )
    return out


def default_values(df: pd.DataFrame, table: str, birth_dates: set[str]) -> list[Finding]:
    """Placeholder dates (1900-01-01, 1970-01-01) and other single dates that are far too
    common (a spike: a default, or values clipped to a limit)."""
    out = []
    for col in df.columns:
        s = df[col]
        if not pd.api.types.is_datetime64_any_dtype(s):
            continue
        dob = col in birth_dates
        hits = s[fc.is_default_date(s)].value_counts()
        hits = hits[hits >= LIMITS["default_spike_min"]]  # three people born 1970-01-01 are real
        known = s.isin(list(hits.index))
        if known.any():
            out.append(
                Finding(
                    table,
                    col,
                    "default_birth_date" if dob else "default_value",
                    int(known.sum()),
                    _ex(s[known].dt.date.astype("str")),
                    "medium",
                    "A placeholder the system writes when nobody typed a value: treat it as "
                    "missing (age 'unknown'), never as a real date.",
                )
            )
        counts = s[~known].value_counts()
        if counts.empty:
            continue
        floor = max(LIMITS["default_spike_min"], LIMITS["default_spike_ratio"] * counts.median())
        spikes = counts[counts >= floor]
        if len(spikes):
            out.append(
                Finding(
                    table,
                    col,
                    "date_spike",
                    int(spikes.sum()),
                    tuple(
                        f"{pd.Timestamp(v).date()} ({n} rows)" for v, n in spikes.head(3).items()
                    ),
                    "low",
                    "One date far more common than any other: a default, or values clipped to a "
                    "limit (an age floor?). Ask the data owner; treat as unknown if in doubt.",
                )
            )
    return out


def _code_key(values: pd.Series, reference: list[str] | None, stores: pd.DataFrame | None):
    raw = [str(v) for v in values]
    if stores is not None:
        m = fc.store_code_map(raw, stores)
        return {r: (m[r] if m[r] is not None else r) for r in raw}
    return {r: "".join(ch for ch in r.lower() if ch.isalnum()) for r in raw}


def inconsistent_codes(
    df: pd.DataFrame,
    table: str,
    *,
    stores: pd.DataFrame | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[Finding]:
    """Code columns whose spellings differ for one thing ("CTY", "cty ", "City Centre").

    Without a reference, spellings with the same key (lower case, letters and digits) are one
    code and the most frequent spelling is canonical; with ``stores``, store-code columns are
    matched to the stores table (see ``store_code_map``).
    """
    out = []
    for col in df.columns:
        s = df[col]
        if col in skip or not (
            isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s)
        ):
            continue
        counts = s.astype("str").value_counts()
        if not 1 < len(counts) <= LIMITS["code_max_distinct"]:
            continue
        is_store = stores is not None and counts.index.isin(stores["store_code"]).mean() > 0.1
        key = _code_key(counts.index, None, stores if is_store else None)
        canon = (
            {v: key[v] for v in counts.index}
            if is_store
            else {
                v: counts[[w for w in counts.index if key[w] == key[v]]].idxmax()
                for v in counts.index
            }
        )
        odd = [v for v in counts.index if canon[v] != v]
        if len(odd) and len({key[v] for v in counts.index}) < len(counts):
            n = int(counts[odd].sum())
            out.append(
                Finding(
                    table,
                    col,
                    "inconsistent_codes",
                    n,
                    tuple(f"{v!r} -> {canon[v]!r}" for v in odd[:4]),
                    "high",
                    "One thing spelled several ways splits its rows: map every "
                    "spelling to one code before counting or grouping.",
                )
            )
    return out


def pii(found: pd.DataFrame, table: str, n_rows: int) -> list[Finding]:
    return [
        Finding(
            table,
            r.column,
            "pii",
            n_rows,
            (f"{r.pii}: {r.share:.0%} of values",),
            "high" if r.pii != "postcode" else "medium",
            f"Personal data ({r.pii.replace('_', ' ')}): keep it out of the modelling "
            "table; use a pseudonymous key to join. A postcode can also be a proxy for "
            "deprivation or ethnicity."
            if r.pii == "postcode"
            else f"Personal data ({r.pii.replace('_', ' ')}): keep it out of the modelling "
            "table; use a pseudonymous key to join; restrict who can read it.",
        )
        for r in found.itertuples(index=False)
    ]


def messy_postcodes(df: pd.DataFrame, table: str, columns: list[str]) -> list[Finding]:
    out = []
    for col in columns:
        s = df[col].dropna().astype("str")
        bad = ~s.str.match(fc.POSTCODE_CANONICAL)
        if bad.any():
            out.append(
                Finding(
                    table,
                    col,
                    "messy_postcodes",
                    int(bad.sum()),
                    _ex(s[bad].map(repr)),
                    "low",
                    "Normalise before use: upper case, no stray spaces, one space "
                    "before the last three characters ('SW1A 1AA').",
                )
            )
    return out


def leaky_columns(
    df: pd.DataFrame, y: pd.Series, table: str, *, cutoff: pd.Timestamp | None = None
) -> list[Finding]:
    """Columns that predict the label almost alone (see ``features.single_feature_auc``)."""
    from casestudy.features import single_feature_auc

    cols = [c for c in df.columns if not is_id_like(df[c])]
    aucs = single_feature_auc(df[cols], y)
    out = []
    at = f" at cut-off {cutoff.date()}" if cutoff is not None else ""
    for r in aucs[aucs["auc"] > LIMITS["leaky_auc"]].itertuples(index=False):
        rate = pd.Series(np.asarray(y)).groupby(df[r.feature].astype("str").to_numpy()).mean()
        ex = tuple(f"lapse rate {k}: {v:.0%}" for k, v in rate.items()) if len(rate) <= 6 else ()
        out.append(
            Finding(
                table,
                r.feature,
                "leaky_column",
                len(df),
                (f"AUC {r.auc:.3f} alone{at}", *ex),
                "high",
                "Nearly determined by the label: the value was written after the outcome (e.g. a "
                "status the CRM updates when a customer stops coming). A model using it looks "
                "near-perfect offline and fails in use. Never use it as a feature; if needed, "
                "rebuild it from data dated before the cut-off.",
            )
        )
    return out
