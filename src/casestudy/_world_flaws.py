"""The planted problems of the shipped data, each documented in DATASHEET.md.

Every function takes clean records and returns flawed copies; the counts it plants go into
a manifest (``truth/planted_problems.json``) so tests and the datasheet can cite them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casestudy import _world_params as params
from casestudy._world_people import GENDERS

RATES = {
    "duplicates": 0.015,
    "missing_birth_date": 0.04,
    "default_birth_date": 0.015,
    "messy_postcode": 0.08,
    "store_code_variant": 0.02,
    "closed_account": 0.01,
}
DEFAULT_BIRTH_DATE = np.datetime64("1900-01-01", "s")
FUTURE_STORE, FUTURE_FROM, FUTURE_TO = "CST", "2023-03-26", "2023-04-10"
FUTURE_SHIFT = np.timedelta64(2922, "D")  # 8 years: 2023-03-26 -> 2031-03-26
GAP_STORE, GAP_MONTH = "RPK", "2024-02"
RENAMED_STORE, RENAMED_FROM, RENAMED_TO = "CTY", "2022-03-01", "2022-09-01"
TEST_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("Test", "User", "test@bikeshop.co.uk"),
    ("Till", "Test", "till.test@bikeshop.co.uk"),
    ("TEST", "ACCOUNT", "test1@bikeshop.co.uk"),
    ("Test", "Customer", "test2@bikeshop.co.uk"),
    ("Training", "Till", "training@bikeshop.co.uk"),
    ("Demo", "User", "demo@example.com"),
)


def count(n: int, what: str) -> int:
    """Number of records to plant for ``what`` in a world of ``n`` people."""
    return round(RATES[what] * n)


def plan_duplicates(
    join_day: np.ndarray, end_day: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """People who re-registered, and the day they did (at least 60 days after joining)."""
    eligible = np.flatnonzero(join_day < end_day - 120)
    who = np.sort(rng.choice(eligible, count(len(join_day), "duplicates"), replace=False))
    lo = np.maximum(join_day[who] + 60, join_day.min())
    day = lo + (rng.random(len(who)) * (end_day - 30 - lo)).astype(np.int64)
    return who, day


def reassign(
    person: np.ndarray, day: np.ndarray, dup_of: np.ndarray, dup_day: np.ndarray, first_dup: int
) -> np.ndarray:
    """Records of a re-registered person from the new sign-up day onward go to the new id."""
    slot = np.full(person.max(initial=0) + 1, -1)
    slot[dup_of] = np.arange(len(dup_of))
    k = slot[person]
    moved = (k >= 0) & (day >= dup_day[k.clip(0)])
    return np.where(moved, first_dup + k, person)


def misspell(names: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Re-typed names: a dropped or swapped letter, a case change or a stray space."""
    out = []
    for name, how in zip(names, rng.integers(0, 5, len(names)), strict=True):
        i = 1 + int(rng.integers(0, max(len(name) - 2, 1)))
        out.append(
            [
                name[:i] + name[i + 1 :],
                name[: i - 1] + name[i : i + 1] + name[i - 1 : i] + name[i + 1 :],
                name.upper(),
                name + " ",
                name.lower(),
            ][how]
            if len(name) > 3
            else name.upper()
        )
    return out


def respell_emails(emails: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Same address with different letter case, or a new free-mail domain."""
    out = []
    for mail, how in zip(emails, rng.integers(0, 3, len(emails)), strict=True):
        local, domain = mail.split("@")
        out.append(
            [
                local.title() + "@" + domain.title(),
                mail.upper(),
                local + "@" + ("outlook.com" if "gmail" in domain else "gmail.com"),
            ][how]
        )
    return out


def duplicate_rows(
    customers: pd.DataFrame,
    rows: np.ndarray,
    new_ids: np.ndarray,
    dup_day: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Customer rows of the re-registrations, with slightly different spelling."""
    dup = customers.iloc[rows].copy()
    dup["customer_id"] = new_ids
    dup["created_at"] = (dup_day * 86400).astype("datetime64[s]")
    names = rng.random(len(dup)) < 0.5
    dup.loc[names, "first_name"] = misspell(dup.loc[names, "first_name"].to_numpy(), rng)
    dup.loc[~names, "last_name"] = misspell(dup.loc[~names, "last_name"].to_numpy(), rng)
    dup["email"] = respell_emails(dup["email"].to_numpy(), rng)
    dup.loc[rng.random(len(dup)) < 0.3, "phone"] = None
    return dup


def account_rows_of_testers(ids: np.ndarray, created_day: np.ndarray) -> pd.DataFrame:
    """The till and CRM test accounts (not real people)."""
    first, last, mail = zip(*TEST_ACCOUNTS, strict=True)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "first_name": first,
            "last_name": last,
            "email": mail,
            "phone": "07000 000000",
            "postcode": "AB1 2CD",
            "date_of_birth": DEFAULT_BIRTH_DATE,
            "gender": pd.Categorical([None] * len(ids), GENDERS[:-1]),
            "home_store": pd.Categorical(["CTY"] * len(ids), params.STORE_CODES),
            "distance_km": 0.0,
            "created_at": (created_day * 86400).astype("datetime64[s]"),
            "marketing_opt_in": False,
        }
    )


def lines_of_testers(
    first_person: int, created_day: np.ndarray, end_day: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Odd purchases of the test accounts: bursts of 1p, £0 and £9,999.99 lines, refunded."""
    parts = []
    for k, start in enumerate(created_day):
        n = int(rng.integers(12, 30))
        days = rng.choice(np.arange(start, end_day), 3, replace=False)[rng.integers(0, 3, n)]
        amount = rng.choice([0.01, 0.0, 1.0, 9999.99], n)
        sign = np.where(rng.random(n) < 0.4, -1.0, 1.0)
        parts.append(
            pd.DataFrame(
                {
                    "person": first_person + k,
                    "day": days,
                    "sec": 7 * 3600 + rng.integers(0, 1800, n),
                    "store": rng.integers(0, 4, n),
                    "product": rng.integers(0, 21, n),
                    "amount_gbp": np.round(amount * sign, 2),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def birth_date_flaws(
    customers: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Blank birth dates and the till's default 1900-01-01 for some real customers."""
    out = customers.copy()
    k = count(len(rows), "missing_birth_date")
    pick = rng.choice(rows, k + count(len(rows), "default_birth_date"), replace=False)
    col = out.columns.get_loc("date_of_birth")
    out.iloc[pick[:k], col] = pd.NaT
    out.iloc[pick[k:], col] = DEFAULT_BIRTH_DATE
    return out


def messy_postcodes(postcode: pd.Series, rows: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Lower case, a missing space or stray spaces in the chosen rows."""
    out = postcode.copy()
    how = rng.integers(0, 3, len(rows))
    old = out.iloc[rows].to_numpy()
    new = [
        [pc.lower(), pc.replace(" ", ""), " " + pc.replace(" ", "  ") + " "][h]
        for pc, h in zip(old, how, strict=True)
    ]
    out.iloc[rows] = new
    return out


def store_is(tx: pd.DataFrame, code: str) -> np.ndarray:
    """Rows of a transactions table whose (still canonical) store code is ``code``."""
    return tx["store_code"].cat.codes.to_numpy() == params.STORE_CODE_CATEGORIES.index(code)


def gap_month(tx: pd.DataFrame) -> pd.DataFrame:
    """Drop one store's transactions for the month lost in the till migration."""
    month = tx["timestamp"].to_numpy().astype("datetime64[M]")
    lost = store_is(tx, GAP_STORE) & (month == np.datetime64(GAP_MONTH))
    return tx[~lost].reset_index(drop=True)


def future_dates(tx: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One store's till clock wrote 2031 instead of 2023 for two weeks."""
    ts = tx["timestamp"].to_numpy()
    hit = (
        store_is(tx, FUTURE_STORE)
        & (ts >= np.datetime64(FUTURE_FROM))
        & (ts < np.datetime64(FUTURE_TO))
    )
    out = tx.copy()
    out["timestamp"] = np.where(hit, ts + FUTURE_SHIFT, ts).astype("datetime64[s]")
    return out, int(hit.sum())


def store_code_variants(tx: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Codes written as names or in other cases: one till's export, plus scattered rows."""
    code = tx["store_code"].cat.codes.to_numpy().copy()
    ts = tx["timestamp"].to_numpy()
    renamed = (
        store_is(tx, RENAMED_STORE)
        & (ts >= np.datetime64(RENAMED_FROM))
        & (ts < np.datetime64(RENAMED_TO))
    )
    code[renamed] = params.STORE_CODE_CATEGORIES.index(params.STORE_CODE_VARIANTS[RENAMED_STORE][1])
    scatter = np.flatnonzero(~renamed & (rng.random(len(code)) < RATES["store_code_variant"]))
    code[scatter] = len(params.STORE_CODES) + 3 * code[scatter] + rng.integers(0, 3, len(scatter))
    out = tx.copy()
    out["store_code"] = pd.Categorical.from_codes(code, params.STORE_CODE_CATEGORIES)
    return out, int(renamed.sum() + len(scatter))


def till_upgrade(tx: pd.DataFrame, date: str) -> pd.DataFrame:
    """Scenario: from ``date`` the upgraded tills write renamed product categories."""
    code = tx["category"].cat.codes.to_numpy().copy()
    code[tx["timestamp"].to_numpy() >= np.datetime64(date)] += 3
    out = tx.copy()
    out["category"] = pd.Categorical.from_codes(code, params.CATEGORY_NAMES)
    return out


def account_status(
    last_visit_day: np.ndarray, last_click_day: np.ndarray, end_day: int, rng: np.random.Generator
) -> pd.Categorical:
    """The CRM's status at export: the leaky column (written after every cut-off)."""
    active = (last_visit_day > end_day - 182) | (last_click_day > end_day - 90)
    status = np.where(active, 0, 1)
    status[rng.random(len(status)) < RATES["closed_account"]] = 2
    return pd.Categorical.from_codes(status, ["active", "dormant", "closed"])
