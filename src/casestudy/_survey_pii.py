"""PII detection from a column's *content*, never its name (private; see casestudy.survey).

A column is flagged when at least ``min_share`` of its non-missing values look like one kind
of personal data: e-mail addresses, UK phone numbers, UK postcodes, person names (found in a
vocabulary built from Faker's ``en_GB`` name lists) or birth dates (a date column whose values
are mostly 10 to 110 years before the reference date).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from casestudy._features_clean import POSTCODE_COMPACT, compact_postcode, is_default_date

EMAIL = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
UK_PHONE = r"^(?:\+44|0044|0)(?:7\d{9}|[1-3]\d{8,9}|800\d{6,7})$"
MIN_SHARE = 0.8
NAME_SHARE = 0.5
#: Columns with fewer non-missing values are not judged (a five-row stores table's
#: postcodes are business addresses, and five values prove nothing).
MIN_VALUES = 10
_SAMPLE = 20_000


@lru_cache(maxsize=1)
def name_vocabulary() -> frozenset[str]:
    """Lower-case first and last names from Faker's en_GB person provider (built on first use)."""
    from faker.providers.person.en_GB import Provider

    names: set[str] = set()
    for attr in ("first_names_male", "first_names_female", "last_names", "first_names"):
        names.update(str(n).lower() for n in getattr(Provider, attr, ()))
    return frozenset(names)


def _sample(values: pd.Series) -> pd.Series:
    """Non-missing values, at most ``_SAMPLE`` of them (a fixed, evenly spaced subset)."""
    v = values.dropna()
    if len(v) > _SAMPLE:
        v = v.iloc[np.linspace(0, len(v) - 1, _SAMPLE).astype(int)]
    return v


def _text_share(v: pd.Series) -> dict[str, float]:
    """Share of text values that look like each kind of PII."""
    s = v.astype("str").str.strip()
    digits = s.str.replace(r"[\s()\-.]", "", regex=True)
    words = s.str.lower().str.replace(r"[^a-z ]", "", regex=True).str.split()
    vocab = name_vocabulary()
    first_word = words.str[0].astype(object).where(words.str.len() > 0, "")
    return {
        "email": float(s.str.match(EMAIL).mean()),
        "phone": float(digits.str.match(UK_PHONE).mean()),
        "postcode": float(compact_postcode(s).str.match(POSTCODE_COMPACT.pattern).mean()),
        "person_name": float(first_word.isin(vocab).mean()) if s.str.len().median() < 30 else 0.0,
    }


def _birth_date_share(v: pd.Series, reference: pd.Timestamp) -> float:
    """Share of dates that are plausible birth dates (10 to 110 years before ``reference``),
    counting placeholder dates (1900-01-01) as part of a birth-date column's noise."""
    t = pd.to_datetime(v, errors="coerce")
    age = (reference - t).dt.days / 365.25
    plausible = age.between(10, 110) | is_default_date(t)
    spread = age[age.between(10, 110)]
    if len(spread) < 2 or spread.std() < 5:
        return 0.0
    return float(plausible.mean())


def detect(df: pd.DataFrame, *, reference: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per column that looks like PII: ``column``, ``pii``, ``share``."""
    ref = reference
    rows = []
    for col in df.columns:
        s = df[col]
        v = _sample(s)
        if len(v) < MIN_VALUES or pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            r = ref if ref is not None else pd.Timestamp.now().normalize()
            share = _birth_date_share(v, r)
            if share >= MIN_SHARE:
                rows.append((col, "date_of_birth", share))
            continue
        shares = _text_share(v)
        kind, share = max(shares.items(), key=lambda kv: kv[1])
        if share >= (NAME_SHARE if kind == "person_name" else MIN_SHARE):
            rows.append((col, kind, share))
    return pd.DataFrame(rows, columns=["column", "pii", "share"])
