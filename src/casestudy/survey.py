"""The data survey: profiles, quality findings, PII detection, free text and data versions.

Chapter 5 runs the survey on the Bike Shop's tables; learners can run it on any DataFrame.
Two layers:

- **Generic** (any DataFrame): :func:`profile_table` and :func:`top_values` describe each
  column; :func:`survey_table` checks duplicates, missing values, constant columns, outliers
  (3 x IQR, on a log scale for skewed amounts), negative amounts among positive ones,
  placeholder dates, inconsistent code spellings, dates after the export, PII found from
  the values (:func:`detect_pii`) and messy postcodes.
- **The Bike Shop** (:func:`survey_bike_shop`): the generic checks on every table, plus the
  checks that need several tables or domain rules: duplicate customers, test accounts, a
  month missing at one store, and a leaky column.

Each problem is a :class:`Finding`; :func:`survey_report` turns a list of them into one
readable table (:func:`report_markdown` / :func:`report_html` for the book).
:func:`data_version` hashes tables for experiment tracking.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from casestudy import _features_clean as fc
from casestudy import _survey_checks as chk
from casestudy import _survey_pii as pii_
from casestudy._survey_checks import LIMITS, Finding
from casestudy._world_sim import END, HORIZON_DAYS

__all__ = [
    "LIMITS",
    "PARTS",
    "PERSONAL_EXAMPLES",
    "TABLE_NAMES",
    "Finding",
    "TextSurvey",
    "data_version",
    "detect_pii",
    "distributions",
    "plot_store_months",
    "profile_table",
    "profile_tables",
    "report_html",
    "report_markdown",
    "shareable_report",
    "store_month_counts",
    "survey_bike_shop",
    "survey_report",
    "survey_table",
    "survey_text",
    "text_signal",
    "top_values",
]

TABLE_NAMES = ("stores", "customers", "transactions", "workshop_jobs", "email_events")
#: Bike parts and phrases looked for in the technician notes.
PARTS = (
    "chain",
    "brake",
    "pads",
    "tyre",
    "tube",
    "cable",
    "gear",
    "wheel",
    "spoke",
    "bearing",
    "cassette",
    "battery",
    "motor",
    "advised replacement",
    "customer declined",
    "quote given",
)
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "no",
        "ok",
        "not",
        "new",
        "be",
        "is",
        "was",
        "by",
        "as",
        "it",
        "same",
        "very",
        "soon",
        "from",
    )
)
_SEVERITY_ORDER = {s: i for i, s in enumerate(chk.SEVERITIES)}


# --- profiles ------------------------------------------------------------------------------


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    if pd.api.types.is_numeric_dtype(s):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime"
    if isinstance(s.dtype, pd.CategoricalDtype) or s.nunique() <= LIMITS["code_max_distinct"]:
        return "categorical"
    return "text"


def _column_profile(name: str, s: pd.Series) -> dict[str, Any]:
    kind = _kind(s)
    n = len(s)
    top = s.astype("str").value_counts().head(3)
    row: dict[str, Any] = {
        "column": name,
        "dtype": str(s.dtype),
        "kind": kind,
        "rows": n,
        "missing": int(s.isna().sum()),
        "missing_share": float(s.isna().mean()) if n else 0.0,
        "distinct": int(s.nunique()),
        "min": None,
        "median": None,
        "max": None,
        "mean": np.nan,
        "std": np.nan,
        "top_values": ", ".join(f"{v} ({c})" for v, c in top.items()),
    }
    if kind in ("numeric", "datetime") and s.notna().any():
        q = s.dropna().quantile([0, 0.5, 1])
        row.update({"min": str(q.iloc[0]), "median": str(q.iloc[1]), "max": str(q.iloc[2])})
    if kind == "numeric":
        row.update({"mean": float(s.mean()), "std": float(s.std())})
    if kind == "text":
        length = s.dropna().astype("str").str.len()
        row.update(
            {"min": str(length.min()), "median": str(length.median()), "max": str(length.max())}
        )
    return row


def profile_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per column: type, missingness, cardinality, range and most common values.

    ``kind`` is numeric, boolean, datetime, categorical (a category dtype or at most 50
    distinct values) or text; for text, ``min``/``median``/``max`` are lengths.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 2.0, None], "c": ["a", "b", "a"]})
    >>> profile_table(df)[["column", "kind", "missing", "distinct", "top_values"]].values.tolist()
    [['x', 'numeric', 1, 2, '1.0 (1), 2.0 (1)'], ['c', 'categorical', 0, 2, 'a (2), b (1)']]
    """
    _frame(df, "profile_table")
    return pd.DataFrame([_column_profile(str(c), df[c]) for c in df.columns])


def profile_tables(tables: Any) -> pd.DataFrame:
    """:func:`profile_table` of every table, stacked with a ``table`` column first.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> p = profile_tables(load_bike_shop())
    >>> p.groupby("table", sort=False).size().to_dict()["customers"]
    13
    """
    parts = [profile_table(df).assign(table=name) for name, df in _tables(tables).items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["table", *[c for c in out.columns if c != "table"]]]


def top_values(df: pd.DataFrame, *, n: int = 5) -> pd.DataFrame:
    """The ``n`` most common values of every column (long format: column, value, count, share).

    Examples
    --------
    >>> top_values(pd.DataFrame({"c": ["a", "b", "a"]}), n=1).values.tolist()
    [['c', 'a', 2, 0.6666666666666666]]
    """
    _frame(df, "top_values")
    rows = []
    for col in df.columns:
        counts = df[col].astype("str").value_counts(dropna=False).head(n)
        rows += [(str(col), str(v), int(c), c / len(df)) for v, c in counts.items()]
    return pd.DataFrame(rows, columns=["column", "value", "count", "share"])


def distributions(df: pd.DataFrame, *, bins: int = 10) -> pd.DataFrame:
    """Histogram of every numeric column (long format), for a quick look at shapes.

    Parameters
    ----------
    df : pandas.DataFrame
    bins : int, default=10
        Equal-width bins between each column's minimum and maximum.

    Returns
    -------
    pandas.DataFrame
        ``column``, ``left``, ``right``, ``count``, ``share`` (missing values left out).

    Examples
    --------
    >>> d = distributions(pd.DataFrame({"x": [0.0, 1.0, 1.0, 4.0]}), bins=2)
    >>> d[["left", "right", "count"]].values.tolist()
    [[0.0, 2.0, 3.0], [2.0, 4.0, 1.0]]
    """
    _frame(df, "distributions")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(
            f"The 'bins' parameter of distributions must be an int >= 1. Got {bins!r} instead."
        )
    parts = []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        x = s.dropna().to_numpy(float)
        if not len(x):
            continue
        count, edges = np.histogram(x, bins=bins)
        parts.append(
            pd.DataFrame(
                {
                    "column": str(col),
                    "left": edges[:-1],
                    "right": edges[1:],
                    "count": count.astype(float),
                    "share": count / len(x),
                }
            )
        )
    cols = ["column", "left", "right", "count", "share"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def detect_pii(df: pd.DataFrame, *, reference: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Columns whose *values* look like personal data (the column names are ignored).

    Looks for e-mail addresses, UK phone numbers, UK postcodes, person names (share of values
    whose first word is in a name vocabulary built from Faker's en_GB lists) and birth dates
    (a date column whose values are mostly 10 to 110 years before ``reference``). A column
    needs at least 10 values, and 80% of them matching (50% for names).

    Parameters
    ----------
    df : pandas.DataFrame
    reference : str or Timestamp, optional
        The date ages are taken at; default today.

    Returns
    -------
    pandas.DataFrame
        ``column``, ``pii`` (email, phone, postcode, person_name, date_of_birth), ``share``.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["Oliver", "Amelia", "Harry", "Jack", "Emily"] * 2,
    ...                    "b": ["x1@mail.com", "y@z.org"] * 5, "n": range(10)})
    >>> detect_pii(df)[["column", "pii"]].values.tolist()
    [['a', 'person_name'], ['b', 'email']]
    """
    _frame(df, "detect_pii")
    df = _naive(df)
    ref = None if reference is None else pd.Timestamp(reference)
    return pii_.detect(df, reference=ref)


# --- quality findings ----------------------------------------------------------------------


def survey_table(
    df: pd.DataFrame,
    *,
    table: str = "data",
    as_of: str | pd.Timestamp | None = None,
    stores: pd.DataFrame | None = None,
) -> list[Finding]:
    """The generic quality checks on one DataFrame (any data, not only the Bike Shop's).

    Parameters
    ----------
    df : pandas.DataFrame
    table : str, default="data"
        Name used in the findings.
    as_of : str or Timestamp, optional
        The export date: later dates are findings. Default today.
    stores : pandas.DataFrame, optional
        A stores table; store-code columns are then matched against it.

    Returns
    -------
    list of Finding
        Empty when nothing is wrong.

    Examples
    --------
    >>> df = pd.DataFrame({"amount": [10.0, 12.5, -3.0, 8.0, 9.5, 11.0, 7.5, 10.5, 9.0, 12.0,
    ...                               11.5],
    ...                    "shop": ["A", "a", "A", "A", "B", "B", "A", "B", "A", "B", "A"]})
    >>> [(f.kind, f.column, f.count) for f in survey_table(df)]
    [('negative_amounts', 'amount', 1), ('inconsistent_codes', 'shop', 1)]
    """
    _frame(df, "survey_table")
    df = _naive(df)
    when = pd.Timestamp.now().normalize() if as_of is None else pd.Timestamp(as_of)
    found = pii_.detect(df, reference=when)
    dob = set(found.loc[found["pii"] == "date_of_birth", "column"])
    postcodes = list(found.loc[found["pii"] == "postcode", "column"])
    return [
        *chk.duplicate_rows(df, table),
        *chk.missing(df, table, dob),
        *chk.constant(df, table),
        *chk.default_values(df, table, dob),
        *chk.negative_amounts(df, table),
        *chk.outliers(df, table),
        *chk.future_dates(df, table, when),
        *chk.inconsistent_codes(df, table, stores=stores, skip=set(found["column"])),
        *chk.pii(found, table, len(df)),
        *chk.messy_postcodes(df, table, postcodes),
    ]


def _duplicates(customers: pd.DataFrame) -> list[Finding]:
    dups = fc.duplicate_map(customers)
    if dups.empty:
        return []
    c = customers.set_index("customer_id")
    ex = tuple(
        f"{d} {c.at[d, 'first_name']} {c.at[d, 'last_name']} = {o} {c.at[o, 'first_name']} "
        f"{c.at[o, 'last_name']}"
        for d, o in dups.head(3).itertuples(index=False)
    )
    return [
        Finding(
            "customers",
            "customer_id",
            "duplicate_customers",
            len(dups),
            ex,
            "high",
            "The same person registered twice (same e-mail ignoring case and dots, "
            "or same name or one name and birth date, at the same postcode). Map "
            "every duplicate id to the original before counting visits: otherwise "
            "the old record looks lapsed and the new one looks new.",
        )
    ]


def _odd_activity(tx: pd.DataFrame) -> pd.Series:
    """Customers with two or more till lines at placeholder amounts (£0, 1p, £9,999.99):
    no real sale costs that, but tills are tested with them."""
    odd = tx["amount_gbp"].abs().isin([0.0, 0.01, 9999.99]).to_numpy()
    n = pd.Series(odd.astype(int)).groupby(tx["customer_id"].to_numpy()).sum()
    return n[n >= 2]


def _test_accounts(customers: pd.DataFrame, tx: pd.DataFrame) -> list[Finding]:
    by_name = fc.is_test_account(customers)
    odd = _odd_activity(tx)
    test = by_name | customers["customer_id"].isin(odd.index)
    if not test.any():
        return []
    per = tx["customer_id"].value_counts()
    ex = tuple(
        f"{r.customer_id} {r.first_name} {r.last_name} <{r.email}>: "
        f"{int(per.get(r.customer_id, 0))} till lines, {int(odd.get(r.customer_id, 0))} at "
        "£0, 1p or £9,999.99"
        for r in customers.loc[test].head(3).itertuples(index=False)
    )
    both = int((by_name & customers["customer_id"].isin(odd.index)).sum())
    return [
        Finding(
            "customers",
            "email",
            "test_accounts",
            int(test.sum()),
            (
                *ex,
                f"{int(by_name.sum())} by name or e-mail, {len(odd)} by activity, {both} by both",
            ),
            "high",
            "Till and CRM test accounts are not customers: remove them and all their "
            "rows before any count, average or model.",
        )
    ]


def _missing_months(tables: Any, export_date: str) -> list[Finding]:
    out = []
    for name, time in (("transactions", "timestamp"), ("workshop_jobs", "booked_in")):
        df = getattr(tables, name)
        df = df.loc[df[time] < pd.Timestamp(export_date) + pd.Timedelta(days=1)]
        store = fc.canonical_store_codes(df["store_code"], tables.stores, table=name)
        gaps = fc.missing_months(df[time], store)
        if len(gaps):
            ex = tuple(
                f"{g.store} {g.month}: {g.rows} rows (about {g.expected:.0f} in the "
                "months around it)"
                for g in gaps.itertuples(index=False)
            )
            out.append(
                Finding(
                    name,
                    "store_code",
                    "missing_month",
                    len(gaps),
                    ex,
                    "high",
                    "A store-month with no rows while the others have them: data "
                    "lost (a till migration), not a quiet month. Do not read it as "
                    "customers not visiting; correct window counts that include it "
                    "and say so.",
                )
            )
    return out


def _leaky(tables: Any, export_date: str) -> list[Finding]:
    from casestudy.data import lapse_labels
    from casestudy.features import clean_tables

    end = pd.Timestamp(export_date)
    cutoff = (end - pd.Timedelta(days=HORIZON_DAYS - 1)).to_period("M").to_timestamp()
    y = lapse_labels(clean_tables(tables, export_date=export_date), cutoff, end=end)
    c = tables.customers.set_index("customer_id").reindex(y.index)
    found = set(pii_.detect(c.reset_index(), reference=end)["column"])
    cols = [k for k in c.columns if k not in found and _kind(c[k]) != "text"]
    return chk.leaky_columns(c[cols], y.to_numpy(), "customers", cutoff=cutoff)


def survey_bike_shop(tables: Any, *, export_date: str = END) -> list[Finding]:
    """Every finding on the Bike Shop's tables: the generic checks plus the domain checks.

    Parameters
    ----------
    tables : BikeShop or World
        The raw tables.
    export_date : str, default="2025-12-31"
        The day of the export: later dates are clock errors.

    Returns
    -------
    list of Finding
        In table order; pass to :func:`survey_report` for a table.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> kinds = {f.kind for f in survey_bike_shop(load_bike_shop())}
    >>> {"duplicate_customers", "missing_month", "leaky_column"} <= kinds
    True
    """
    t = _tables(tables)
    findings: list[Finding] = []
    for name, df in t.items():
        findings += survey_table(df, table=name, as_of=export_date, stores=t["stores"])
        if name == "customers":
            findings += _duplicates(df) + _test_accounts(df, t["transactions"])
    findings += _missing_months(tables, export_date) + _leaky(tables, export_date)
    return findings


# --- reports -------------------------------------------------------------------------------


def survey_report(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding, most severe first: the table chapter 5 shows.

    Examples
    --------
    >>> f = Finding("t", "c", "negative_amounts", 2, ("-1", "-2"), "medium", "Refunds.")
    >>> survey_report([f])[["table", "kind", "count", "examples"]].values.tolist()
    [['t', 'negative_amounts', 2, '-1; -2']]
    """
    cols = ["severity", "table", "column", "kind", "count", "examples", "advice"]
    rows = [
        {
            "severity": f.severity,
            "table": f.table,
            "column": f.column,
            "kind": f.kind,
            "count": int(f.count),
            "examples": "; ".join(f.examples),
            "advice": f.advice,
        }
        for f in findings
    ]
    out = pd.DataFrame(rows, columns=cols)
    order = out["severity"].map(_SEVERITY_ORDER)
    return out.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


#: Finding kinds whose examples quote personal details (names, postcodes).
PERSONAL_EXAMPLES = ("duplicate_customers", "messy_postcodes")


def _withhold(example: str) -> str:
    ids = re.findall(r"\b\d{6}\b", example)
    return " = ".join(ids) if ids else "(withheld: personal data)"


def shareable_report(
    findings: list[Finding], *, withhold: tuple[str, ...] = PERSONAL_EXAMPLES
) -> pd.DataFrame:
    """:func:`survey_report` with personal details taken out of the examples.

    The survey report goes to stakeholders who may not see personal data, so it must not
    leak what it found. For the kinds in ``withhold`` each example keeps only the 6-digit
    account numbers it quotes (or says it is withheld); the counts and advice are kept.

    Examples
    --------
    >>> f = Finding("customers", "customer_id", "duplicate_customers", 1,
    ...             ("102113 kieran Brown = 101184 Kieran Brown",), "high", "Merge.")
    >>> shareable_report([f])["examples"].tolist()
    ['102113 = 101184']
    """
    out = survey_report(findings)
    hide = out["kind"].isin(withhold).to_numpy()
    for i in np.flatnonzero(hide):
        kept = [_withhold(e) for e in _split_examples(out.at[i, "examples"])]
        out.at[i, "examples"] = "; ".join(dict.fromkeys(kept))
    return out


def _split_examples(examples: str) -> list[str]:
    """Split the ``examples`` text of :func:`survey_report` back into its examples."""
    return examples.split("; ") if examples else []


def report_markdown(findings: list[Finding], *, advice: bool = True) -> str:
    """The report as a Markdown table (pipes escaped), for a MyST page.

    Examples
    --------
    >>> f = Finding("t", "c", "outliers", 1, ("a|b",), "low", "Check.")
    >>> print(report_markdown([f], advice=False))
    | severity | table | column | kind | count | examples |
    |---|---|---|---|---|---|
    | low | t | c | outliers | 1 | a\\|b |
    """
    df = survey_report(findings)
    if not advice:
        df = df.drop(columns="advice")
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines)


def report_html(findings: list[Finding]) -> str:
    """The report as an HTML table (values escaped), class ``survey-report``.

    Examples
    --------
    >>> f = Finding("t", "c", "outliers", 1, ("<b>",), "low", "Check.")
    >>> "&lt;b&gt;" in report_html([f])
    True
    """
    df = survey_report(findings)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return (
        f'<table class="survey-report"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


# --- free text -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSurvey:
    """What a free-text column holds.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``measure``, ``value``: notes, empty notes, mean/median/max length in characters and
        words, vocabulary size.
    terms : pandas.DataFrame
        ``term``, ``count``, ``notes_share``: the most frequent words (stop words removed).
    mentions : pandas.DataFrame
        ``term``, ``notes``, ``notes_share``: notes mentioning each part or phrase of
        ``parts``, most frequent first: candidate features (e.g. "chain worn" notes may
        bring the customer back for a new chain).
    """

    summary: pd.DataFrame
    terms: pd.DataFrame
    mentions: pd.DataFrame


def survey_text(notes: pd.Series, *, parts: tuple[str, ...] = PARTS, top: int = 20) -> TextSurvey:
    """Lengths, vocabulary, frequent terms and part mentions of a free-text column.

    Examples
    --------
    >>> s = survey_text(pd.Series(["New chain fitted.", "Brake pads low", "Chain worn"]),
    ...                 parts=("chain", "brake"))
    >>> s.mentions.values.tolist()
    [['chain', 2, 0.6666666666666666], ['brake', 1, 0.3333333333333333]]
    """
    if not isinstance(notes, pd.Series):
        raise TypeError(f"survey_text needs a pandas Series of text. Got {type(notes).__name__}.")
    text = notes.fillna("").astype("str").str.lower()
    words = text.str.findall(r"[a-z]+(?:-[a-z]+)?")
    flat = words.explode().dropna()
    flat = flat[~flat.isin(_STOP)]
    n = max(len(text), 1)
    # Notes containing each word (a word repeated in one note counts once).
    pairs = pd.DataFrame({"note": flat.index.to_numpy(), "word": flat.to_numpy()})
    per_note = pairs.drop_duplicates()["word"].value_counts()
    counts = flat.value_counts().head(top)
    terms = pd.DataFrame(
        {
            "term": counts.index,
            "count": counts.to_numpy(),
            "notes_share": per_note.reindex(counts.index).to_numpy() / n,
        }
    )
    hits = [(p, int(text.str.contains(rf"\b{p}", regex=True).sum())) for p in parts]
    mentions = pd.DataFrame(hits, columns=["term", "notes"])
    mentions["notes_share"] = mentions["notes"] / n
    mentions = mentions.sort_values("notes", ascending=False, kind="stable", ignore_index=True)
    n_words = words.str.len()
    length = text.str.len()
    summary = pd.DataFrame(
        {
            "measure": [
                "notes",
                "empty notes",
                "mean characters",
                "median characters",
                "max characters",
                "mean words",
                "vocabulary size",
            ],
            "value": [
                len(text),
                int((length == 0).sum()),
                float(length.mean()),
                float(length.median()),
                int(length.max()),
                float(n_words.mean()),
                int(flat.nunique()),
            ],
        }
    )
    return TextSurvey(summary=summary, terms=terms, mentions=mentions)


def text_signal(
    tables: Any, cutoff: str | pd.Timestamp, *, parts: tuple[str, ...] = PARTS, days: int = 365
) -> pd.DataFrame:
    """What each note term might be worth as a feature: lapse rates with and without it.

    For the active customers at ``cutoff``, a customer "mentions" a term when a workshop note
    of theirs in the ``days`` before the cut-off contains it. Mentions need a workshop job,
    and customers with a job lapse less anyway, so the fair comparison is with customers who
    had a job but no mention (``lapse_rate_other_jobs``). In the Bike Shop every term lowers
    the lapse rate, mostly because a mention means more workshop jobs (and "motor" or
    "battery" an e-bike): check what a term adds beyond ``jobs_365d`` and ``ebike_owner``
    before building a feature from it.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``customers`` (active customers mentioning it), ``lapse_rate_mentioned``,
        ``lapse_rate_other_jobs``, ``difference`` (mentioned minus other jobs),
        ``lapse_rate_all``; largest absolute difference first.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> t = text_signal(load_bike_shop(), "2024-01-01", parts=("chain", "brake"))
    >>> t.columns.tolist()[:3], len(t)
    (['term', 'customers', 'lapse_rate_mentioned'], 2)
    """
    from casestudy.features import build_modelling_table, clean_tables

    mt = build_modelling_table(tables, cutoff)
    y = pd.Series(mt.y.to_numpy(), index=mt.keys["customer_id"].to_numpy())
    jobs = clean_tables(tables, cutoff=cutoff).workshop_jobs
    start = pd.Timestamp(cutoff) - pd.Timedelta(days=days)
    jobs = jobs.loc[(jobs["booked_in"] >= start).to_numpy()]
    text = jobs["technician_notes"].fillna("").astype("str").str.lower()
    had_job = y.index.isin(jobs["customer_id"])
    rows = []
    for term in parts:
        who = y.index.isin(
            jobs.loc[text.str.contains(rf"\b{term}", regex=True).to_numpy(), "customer_id"]
        )
        other = had_job & ~who
        rows.append((term, int(who.sum()), y[who].mean(), y[other].mean(), y.mean()))
    out = pd.DataFrame(
        rows,
        columns=[
            "term",
            "customers",
            "lapse_rate_mentioned",
            "lapse_rate_other_jobs",
            "lapse_rate_all",
        ],
    )
    out.insert(4, "difference", out["lapse_rate_mentioned"] - out["lapse_rate_other_jobs"])
    order = np.argsort(-out["difference"].abs().fillna(0).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


# --- rows per store and month --------------------------------------------------------------

_TIME_COLUMNS = {"transactions": "timestamp", "workshop_jobs": "booked_in"}


def store_month_counts(
    tables: Any, *, table: str = "transactions", export_date: str = END
) -> pd.DataFrame:
    """Rows per month and store, store codes tidied: where a lost month shows as a hole.

    Rows dated after the export (clock errors) are left out, and every spelling of a store
    code is counted under the stores table's code, so a gap is a real gap, not a renamed
    store.

    Parameters
    ----------
    tables : BikeShop or World
    table : {"transactions", "workshop_jobs"}, default="transactions"
    export_date : str, default="2025-12-31"

    Returns
    -------
    pandas.DataFrame
        One row per month (a ``month`` Timestamp index, first day of the month), one column
        per store code, 0 where a store has no rows.

    Examples
    --------
    >>> from casestudy.data import load_bike_shop
    >>> counts = store_month_counts(load_bike_shop())
    >>> int(counts.loc["2024-02-01", "RPK"]), len(counts)
    (0, 60)
    """
    if table not in _TIME_COLUMNS:
        raise ValueError(
            f"The 'table' parameter of store_month_counts must be one of "
            f"{sorted(_TIME_COLUMNS)}. Got {table!r} instead."
        )
    t = _tables(tables)
    df = t[table]
    time = df[_TIME_COLUMNS[table]]
    keep = (time < pd.Timestamp(export_date) + pd.Timedelta(days=1)).to_numpy()
    df = df.loc[keep]
    store = fc.canonical_store_codes(df["store_code"], t["stores"], table=table)
    counts = fc.monthly_counts(df[_TIME_COLUMNS[table]], store)
    counts.index = counts.index.to_timestamp().rename("month")
    counts.columns.name = "store"
    return counts


def plot_store_months(counts: pd.DataFrame, *, title: str | None = None):
    """One line per store of :func:`store_month_counts`; empty store-months marked.

    A month with no rows at a store that has rows before and after it is drawn as a
    vermillion dot on the axis: the eye finds a lost month at once.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from casestudy.plotting import ROLE_COLOURS, new_figure

    fig, ax = new_figure(height=3.4)
    for store in counts.columns:
        ax.plot(counts.index, counts[store].to_numpy(), lw=1.4, label=str(store))
    for store in counts.columns:
        col = counts[store]
        busy = np.flatnonzero(col.to_numpy() > 0)
        if len(busy) < 2:
            continue
        inside = col.iloc[busy[0] : busy[-1] + 1]
        for month in inside.index[inside.to_numpy() == 0]:
            ax.plot([month], [0], "o", ms=9, color=ROLE_COLOURS["loss"], zorder=5)
            ax.annotate(
                f"no {store} rows, {month:%b %Y}",
                (month, 0),
                xytext=(8, 12),
                textcoords="offset points",
                color=ROLE_COLOURS["loss"],
            )
    ax.set_ylim(bottom=-counts.to_numpy().max() * 0.04)
    ax.set(xlabel="Month", ylabel="Rows per month")
    ax.legend(ncols=len(counts.columns), loc="upper left", fontsize=9)
    ax.set_title(title or "Rows per store and month")
    return fig


# --- data versions -------------------------------------------------------------------------


def data_version(tables: Any) -> str:
    """A short, stable hash of the tables' contents, for experiment tracking.

    The same data give the same string on any machine and run (row order, column names,
    dtypes and every value count); one changed value changes it.

    Parameters
    ----------
    tables : BikeShop, World, CleanTables, mapping of name to DataFrame, or DataFrame

    Returns
    -------
    str
        ``"sha256:"`` and 16 hexadecimal characters.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2]})
    >>> data_version(df) == data_version(df.copy()), data_version(df) == data_version(df + 1)
    (True, False)
    >>> data_version(df)[:7]
    'sha256:'
    """
    h = hashlib.sha256()
    for name, df in sorted(_tables(tables).items()):
        h.update(
            f"{name}|{list(map(str, df.columns))}|{list(map(str, df.dtypes))}|{len(df)}".encode()
        )
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return "sha256:" + h.hexdigest()[:16]


# --- helpers -------------------------------------------------------------------------------


def _frame(df: Any, where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{where} needs a pandas DataFrame. Got {type(df).__name__} instead; "
            "wrap arrays with pd.DataFrame(...)."
        )


def _naive(df: pd.DataFrame) -> pd.DataFrame:
    """Time-zone-aware date columns as naive UTC, so they compare with plain dates."""
    aware = [c for c in df.columns if isinstance(df[c].dtype, pd.DatetimeTZDtype)]
    if not aware:
        return df
    return df.assign(**{str(c): df[c].dt.tz_convert("UTC").dt.tz_localize(None) for c in aware})


def _tables(tables: Any) -> dict[str, pd.DataFrame]:
    """Name -> DataFrame for a BikeShop, World, CleanTables, mapping or single DataFrame."""
    if isinstance(tables, pd.DataFrame):
        return {"data": tables}
    if isinstance(tables, dict):
        out = dict(tables)
    else:
        out = {n: getattr(tables, n) for n in TABLE_NAMES if hasattr(tables, n)}
    bad = [n for n, df in out.items() if not isinstance(df, pd.DataFrame)]
    if not out or bad:
        raise TypeError(
            "Expected a BikeShop (casestudy.data.load_bike_shop()), a World, a dict of "
            f"DataFrames or a DataFrame. Got {type(tables).__name__}"
            + (f" with non-DataFrame entries {bad}." if bad else ".")
        )
    return out
