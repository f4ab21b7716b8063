"""Cleaning rules shared by the data survey (which *finds* problems) and the feature pipeline
(which *fixes* them). Each rule is a small pure function on one table; none prints.

The normalisers are deliberately simple and documented, so a learner can argue with them:

- a **name** is compared in lower case with everything but letters removed;
- an **e-mail** in lower case, with the dots of its local part removed (``a.lee`` = ``alee``);
- a **postcode** in upper case with all spaces removed, then checked against the UK pattern;
- a **store code** in lower case with everything but letters and digits removed, then matched
  to the stores table's code, name, town or kind (or a prefix of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Dates that tills and CRMs write when nobody typed one in.
DEFAULT_DATES: tuple[pd.Timestamp, ...] = (pd.Timestamp("1900-01-01"), pd.Timestamp("1970-01-01"))

#: A UK postcode once spaces are removed and letters upper-cased (outward + inward code).
POSTCODE_COMPACT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
#: The canonical written form: upper case, one space before the inward code.
POSTCODE_CANONICAL = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"

#: Words that mark an account as a test, training or demo record (whole words only:
#: "jademorris@..." contains "demo" but is a real customer).
TEST_WORDS = ("test", "tester", "testing", "dummy", "demo", "training", "sample", "fake")
_TEST_NAME = r"\b(?:" + "|".join(TEST_WORDS) + r")\b"
_TEST_LOCAL = r"^(?:" + "|".join(TEST_WORDS) + r")[0-9]*$|^till[._]test"
_TEST_DOMAIN = r"@(?:example|test)\.(?:com|org|net|co\.uk)$"


def norm_text(values: pd.Series) -> pd.Series:
    """Lower case, letters only: ``" O'Brien "`` -> ``"obrien"``."""
    return values.astype("str").str.lower().str.replace(r"[^a-z]", "", regex=True)


def norm_email(values: pd.Series) -> pd.Series:
    """Lower case, stripped, dots of the local part removed: ``A.Lee@X.com`` -> ``alee@x.com``."""
    low = values.astype("str").str.strip().str.lower()
    return email_local(low) + low.str.replace(r"^[^@]*", "", regex=True)


def email_local(values: pd.Series) -> pd.Series:
    """The normalised local part of an e-mail: ``"A.Lee@x.com"`` -> ``"alee"``."""
    low = values.astype("str").str.strip().str.lower()
    return low.str.replace(r"\.|@.*$", "", regex=True)


def compact_postcode(values: pd.Series) -> pd.Series:
    """Upper case with every space removed: ``" sw1a  1aa "`` -> ``"SW1A1AA"``."""
    return values.astype("str").str.upper().str.replace(r"\s+", "", regex=True)


def tidy_postcode(values: pd.Series) -> pd.Series:
    """The canonical form ``"SW1A 1AA"``; values that are not UK postcodes become missing."""
    compact = compact_postcode(values)
    ok = compact.str.match(POSTCODE_COMPACT.pattern).fillna(False).astype(bool)
    tidy = compact.str[:-3] + " " + compact.str[-3:]
    return tidy.where(ok)


def postcode_area(values: pd.Series) -> pd.Series:
    """The postcode area (leading letters): ``"SW1A 1AA"`` -> ``"SW"``; unknown if invalid."""
    area = tidy_postcode(values).str.extract(r"^([A-Z]{1,2})", expand=False)
    return area.fillna("unknown")


def is_test_account(customers: pd.DataFrame) -> pd.Series:
    """True for rows whose name or e-mail says test, dummy, demo, training or example."""
    name = customers["first_name"].astype("str") + " " + customers["last_name"].astype("str")
    by_name = name.str.lower().str.contains(_TEST_NAME, regex=True)
    mail = customers["email"].astype("str").str.strip().str.lower()
    by_local = mail.str.split("@", n=1).str[0].str.contains(_TEST_LOCAL, regex=True)
    by_domain = mail.str.contains(_TEST_DOMAIN, regex=True)
    return (by_name | by_local | by_domain).fillna(False).astype(bool)


def is_default_date(values: pd.Series) -> pd.Series:
    """True where a date equals a known placeholder (1900-01-01, 1970-01-01)."""
    return values.isin(list(DEFAULT_DATES)).fillna(False).astype(bool)


# --- store codes ---------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def store_code_map(raw: Iterable[str], stores: pd.DataFrame) -> dict[str, str | None]:
    """Map every raw store code to a canonical ``stores.store_code`` (None if no match).

    A raw value matches a store when its key (lower case, letters and digits) equals the key
    of the store's code, name, town or kind, or starts with the code's key ("unitown" ->
    UNI), or is a prefix of the name's key ("coast" -> "coastal"). Ambiguous values map to
    None, like unknown ones.
    """
    names = {}
    for row in stores.itertuples(index=False):
        keys = {_key(getattr(row, col)) for col in ("store_code", "name", "town", "kind")}
        names[row.store_code] = (keys, _key(row.store_code), _key(row.name))
    out: dict[str, str | None] = {}
    for value in raw:
        k = _key(value)
        hits = {code for code, (keys, _, _) in names.items() if k in keys}
        if not hits and k:
            hits = {
                code
                for code, (_, ck, nk) in names.items()
                if k.startswith(ck) or (len(k) >= 3 and nk.startswith(k))
            }
        out[value] = hits.pop() if len(hits) == 1 else None
    return out


def canonical_store_codes(codes: pd.Series, stores: pd.DataFrame, *, table: str) -> pd.Series:
    """The column with each raw code replaced by its canonical code (a categorical).

    Raises
    ------
    ValueError
        If a code matches no store (or several); the message lists them.
    """
    cat = codes.astype("category")
    mapping = store_code_map([str(c) for c in cat.cat.categories], stores)
    bad = sorted(k for k, v in mapping.items() if v is None)
    if bad:
        raise ValueError(
            f"Table '{table}' column 'store_code' has codes that match no store: {bad}. "
            "Add them to the stores table (store_code, name, town or kind) or fix the rows."
        )
    canon = list(stores["store_code"])
    new = [mapping[str(c)] for c in cat.cat.categories]
    idx = np.array([canon.index(v) for v in new] + [-1])
    return pd.Series(
        pd.Categorical.from_codes(idx[cat.cat.codes.to_numpy()], canon),
        index=codes.index,
        name=codes.name,
    )


# --- duplicate customers -------------------------------------------------------------------


def _codes(*parts: pd.Series) -> np.ndarray:
    """Integer code of each row's combination of ``parts`` (-1 if any part is missing)."""
    code = np.zeros(len(parts[0]), dtype=np.int64)
    missing = np.zeros(len(parts[0]), dtype=bool)
    for part in parts:
        c, uniques = pd.factorize(part, use_na_sentinel=True)
        missing |= c < 0
        code, _ = pd.factorize(code * (len(uniques) + 1) + c)
    return np.where(missing, -1, code)


def _link_keys(customers: pd.DataFrame) -> list[np.ndarray]:
    """Blocking keys: two rows sharing any key are the same person.

    Every key pairs a postcode with a second piece of evidence, because in this CRM the
    same e-mail address (``b.brown@outlook.com``) and the same name and birth date belong
    to different people: 1. e-mail local part (case and dots ignored) + postcode;
    2. first + last name + postcode; 3./4. one name + birth date + postcode (re-typed names
    differ in the other). A birth date only links when known and not a placeholder.
    """
    c = customers
    first, last = norm_text(c["first_name"]), norm_text(c["last_name"])
    pc = compact_postcode(c["postcode"])
    dob = c["date_of_birth"]
    d = dob.where(~is_default_date(dob))
    return [
        _codes(email_local(c["email"]), pc),
        _codes(first, last, pc),
        _codes(first, pc, d),
        _codes(last, pc, d),
    ]


def _components(keys: list[np.ndarray]) -> np.ndarray:
    """Root (lowest row number) of each row's linked group, by repeated min-propagation."""
    root = np.arange(len(keys[0]))
    while True:
        before = root.copy()
        for key in keys:
            ok = key >= 0
            low = np.full(key.max(initial=-1) + 1, len(root), dtype=np.int64)
            np.minimum.at(low, key[ok], root[ok])
            root[ok] = np.minimum(root[ok], low[key[ok]])
        root = root[root]
        if np.array_equal(root, before):
            return root


@dataclass(frozen=True)
class People:
    """The customers' string work done once: test flags and integer linking keys.

    Rows (test accounts excluded) are in order of creation (ties: lowest id), so a group's
    lowest row is its original record.
    """

    test_ids: np.ndarray
    ids: np.ndarray
    created: np.ndarray
    dob: np.ndarray
    keys: tuple[np.ndarray, ...]


def people_index(customers: pd.DataFrame) -> People:
    """Normalise the customers once (names, e-mails, postcodes) for :func:`duplicates_of`."""
    test = is_test_account(customers).to_numpy()
    c = customers.loc[~test]
    order = np.lexsort((c["customer_id"].to_numpy(), c["created_at"].to_numpy()))
    c = c.iloc[order].reset_index(drop=True)
    return People(
        test_ids=customers.loc[test, "customer_id"].to_numpy(np.int64),
        ids=c["customer_id"].to_numpy(np.int64),
        created=c["created_at"].to_numpy(),
        dob=c["date_of_birth"].where(~is_default_date(c["date_of_birth"])).to_numpy(),
        keys=tuple(_link_keys(c)),
    )


def duplicates_of(people: People, *, created_before: object = None) -> pd.DataFrame:
    """Duplicate -> original ids among the customers created before ``created_before``."""
    rows = np.arange(len(people.ids))
    if created_before is not None:
        rows = rows[people.created < np.datetime64(pd.Timestamp(created_before))]
    if len(rows) == 0:
        return pd.DataFrame(
            {"duplicate_id": np.array([], np.int64), "original_id": np.array([], np.int64)}
        )
    root = _components([k[rows] for k in people.keys])
    ids, dob = people.ids[rows], people.dob[rows]
    clash = ~pd.isna(dob) & ~pd.isna(dob[root]) & (dob != dob[root])
    dup = (root != np.arange(len(rows))) & ~clash
    out = pd.DataFrame({"duplicate_id": ids[dup], "original_id": ids[root[dup]]})
    return out.sort_values("duplicate_id", ignore_index=True)


def duplicate_map(customers: pd.DataFrame) -> pd.DataFrame:
    """Each duplicate registration's id and the id of its original (earliest) record.

    Rows linked by any key of :func:`_link_keys`, directly or through other rows, are one
    person; the original is the row created first (ties: lowest id). Two rows with known,
    different birth dates are never linked (same name and postcode: a namesake neighbour),
    nor are test accounts.

    Returns
    -------
    pandas.DataFrame
        ``duplicate_id``, ``original_id`` (int64), sorted by ``duplicate_id``.
    """
    return duplicates_of(people_index(customers))


def remap_ids(ids: pd.Series, dups: pd.DataFrame) -> pd.Series:
    """Replace duplicate ids by their original ids (``np.searchsorted`` on sorted ids)."""
    if dups.empty:
        return ids
    k = dups["duplicate_id"].to_numpy(np.int64)
    v = dups["original_id"].to_numpy(np.int64)
    order = np.argsort(k)
    k, v = k[order], v[order]
    a = ids.to_numpy(np.int64)
    pos = np.clip(np.searchsorted(k, a), 0, len(k) - 1)
    return pd.Series(np.where(k[pos] == a, v[pos], a), index=ids.index, name=ids.name)


# --- missing months ------------------------------------------------------------------------


def monthly_counts(times: pd.Series, stores: pd.Series) -> pd.DataFrame:
    """Rows per month (rows) and store (columns), zeros where a store has none."""
    month = times.dt.to_period("M")
    counts = pd.crosstab(month, stores.astype("str")).sort_index()
    if counts.empty:
        return counts
    every = pd.period_range(counts.index.min(), counts.index.max(), freq="M")
    return counts.reindex(every, fill_value=0)


def missing_months(
    times: pd.Series, stores: pd.Series, *, min_share: float = 0.1, last_complete: bool = False
) -> pd.DataFrame:
    """Store-months with (almost) no rows while the store is busy before and after.

    A month is missing at a store when its count is below ``min_share`` of the median of the
    store's months around it (up to two before and two after, at least two in all), while
    the other stores have rows that month. The first month is never flagged, nor the last
    unless ``last_complete`` (e.g. the history stops at a cut-off, the first of a month).

    Returns
    -------
    pandas.DataFrame
        ``store``, ``month`` (Period), ``rows``, ``expected`` (the neighbours' median).
    """
    counts = monthly_counts(times, stores)
    rows = []
    stop = len(counts) if last_complete else len(counts) - 1
    for store in counts.columns:
        col = counts[store].to_numpy(float)
        others = counts.drop(columns=store).sum(axis=1).to_numpy()
        for i in range(1, stop):
            near = np.r_[col[max(i - 2, 0) : i], col[i + 1 : i + 3]]
            expected = float(np.median(near)) if len(near) >= 2 else 0.0
            if expected >= 10 and col[i] < min_share * expected and others[i] > 0:
                rows.append((store, counts.index[i], int(col[i]), expected))
    return pd.DataFrame(rows, columns=["store", "month", "rows", "expected"])
