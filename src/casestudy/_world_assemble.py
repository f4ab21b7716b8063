"""Assemble the published tables from the simulation, planting the documented problems.

"Record owners" extend the people: indices ``0..n-1`` are people, then one index per
duplicate registration, then one per test account. ``ids[owner]`` is the CRM id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casestudy import _world_flaws as flaws
from casestudy import _world_tables as tables_
from casestudy._world_email import email_table
from casestudy._world_run import Scenario
from casestudy._world_sim import Calendar


@dataclass
class Owners:
    """Who owns records: people, their duplicate registrations and the test accounts."""

    ids: np.ndarray
    n_people: int
    dup_of: np.ndarray
    dup_day: np.ndarray
    test_day: np.ndarray

    @property
    def first_dup(self) -> int:
        """Owner index of the first duplicate registration."""
        return self.n_people

    @property
    def first_test(self) -> int:
        """Owner index of the first test account."""
        return self.n_people + len(self.dup_of)


def plan_owners(join_day: np.ndarray, cal: Calendar, rng: np.random.Generator) -> Owners:
    """Choose the duplicate registrations and test accounts, then issue CRM ids."""
    end_day = int(cal.first_day[-1] + cal.n_days[-1] - 1)
    dup_of, dup_day = flaws.plan_duplicates(join_day, end_day, rng)
    start = int(cal.first_day[0])
    test_day = np.sort(rng.integers(start, start + 3 * 365, len(flaws.TEST_ACCOUNTS)))
    ids = tables_.person_ids(np.concatenate([join_day, dup_day, test_day]))
    return Owners(ids, len(join_day), dup_of, dup_day, test_day)


def owned_lines(
    rec: dict[str, np.ndarray], owners: Owners, end_day: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Purchase lines, refunds and test-account lines, each with its record owner."""
    lines = tables_.line_frame(rec)
    lines = pd.concat([lines, tables_.refund_rows(lines, end_day, rng)], ignore_index=True)
    lines["person"] = flaws.reassign(
        lines["person"].to_numpy(),
        lines["day"].to_numpy(),
        owners.dup_of,
        owners.dup_day,
        owners.first_dup,
    )
    tests = flaws.lines_of_testers(owners.first_test, owners.test_day, end_day, rng)
    return pd.concat([lines, tests], ignore_index=True)


def last_visit_day(lines: pd.DataFrame, rec: dict[str, np.ndarray], n_owners: int) -> np.ndarray:
    """Day of each owner's last purchase (positive amount) or workshop job."""
    last = np.full(n_owners, -(10**9), dtype=np.int64)
    buy = lines["amount_gbp"].to_numpy() > 0
    np.maximum.at(last, lines["person"].to_numpy()[buy], lines["day"].to_numpy()[buy])
    np.maximum.at(last, rec["job_person"], rec["job_day"])
    return last


def last_click_day(email: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Day of each owner's last e-mail click (very early if none)."""
    clicks = email[email["event"] == "click"]
    last = clicks.groupby("customer_id")["timestamp"].max()
    day = last.reindex(ids).to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(last.reindex(ids).to_numpy()), -(10**9), day)


def customer_rows(
    people: dict[str, np.ndarray], pii: dict[str, object], owners: Owners, rng: np.random.Generator
) -> pd.DataFrame:
    """Customer rows of people, duplicates and test accounts, with PII flaws planted."""
    base = tables_.customers_table(people, pii, owners.ids[: owners.n_people])
    dup_ids = owners.ids[owners.first_dup : owners.first_test]
    dups = flaws.duplicate_rows(base, owners.dup_of, dup_ids, owners.dup_day, rng)
    tests = flaws.account_rows_of_testers(owners.ids[owners.first_test :], owners.test_day)
    df = pd.concat([base, dups, tests], ignore_index=True)
    df = flaws.birth_date_flaws(df, np.arange(owners.n_people), rng)
    real = np.arange(owners.first_test)
    messy = rng.choice(real, flaws.count(owners.n_people, "messy_postcode"), replace=False)
    df["postcode"] = flaws.messy_postcodes(df["postcode"], messy, rng)
    return df


def flawed_transactions(
    tx: pd.DataFrame, scenario: Scenario, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Plant the till problems in the transactions; return the counts planted."""
    n0 = len(tx)
    tx = flaws.gap_month(tx)
    counts = {"gap_month_rows_lost": n0 - len(tx)}
    if scenario.till_upgrade_date:
        tx = flaws.till_upgrade(tx, scenario.till_upgrade_date)
    tx, counts["future_timestamps"] = flaws.future_dates(tx)
    tx, counts["store_code_variants"] = flaws.store_code_variants(tx, rng)
    return tx, counts


def assemble(
    people: dict[str, np.ndarray],
    pii: dict[str, object],
    rec: dict[str, np.ndarray],
    cal: Calendar,
    scenario: Scenario,
    rng: np.random.Generator,
) -> dict[str, object]:
    """All published tables, the truth, the duplicate map and the planted counts."""
    end_day = int(cal.first_day[-1] + cal.n_days[-1] - 1)
    owners = plan_owners(people["join_day"], cal, rng)
    lines = owned_lines(rec, owners, end_day, rng)
    rec = dict(
        rec,
        job_person=flaws.reassign(
            rec["job_person"], rec["job_day"], owners.dup_of, owners.dup_day, owners.first_dup
        ),
    )
    tx, counts = flawed_transactions(tables_.transactions_table(lines, owners.ids), scenario, rng)
    email = email_table(people, owners.ids[: owners.n_people], cal, rng)
    customers = customer_rows(people, pii, owners, rng)
    customers["account_status"] = flaws.account_status(
        last_visit_day(lines, rec, len(owners.ids)), last_click_day(email, owners.ids), end_day, rng
    )
    customers = customers.sort_values("customer_id", kind="stable").reset_index(drop=True)
    duplicates = pd.DataFrame(
        {
            "duplicate_id": owners.ids[owners.first_dup : owners.first_test],
            "original_id": owners.ids[owners.dup_of],
        }
    )
    planted = planted_counts(customers, tx, counts, len(duplicates))
    return {
        "stores": tables_.stores_table(),
        "customers": customers,
        "transactions": tx,
        "workshop_jobs": tables_.workshop_table(rec, owners.ids, rng),
        "email_events": email,
        "truth": tables_.truth_table(rec, owners.ids, cal),
        "duplicates": duplicates,
        "planted": planted,
    }


def planted_counts(
    customers: pd.DataFrame, tx: pd.DataFrame, counts: dict[str, int], n_dups: int
) -> dict[str, int]:
    """How many records carry each planted problem (quoted by the datasheet)."""
    dob = customers["date_of_birth"]
    pc = customers["postcode"]
    return {
        "duplicate_customers": n_dups,
        "test_accounts": len(flaws.TEST_ACCOUNTS),
        "missing_birth_date": int(dob.isna().sum()),
        "default_birth_date": int((dob == flaws.DEFAULT_BIRTH_DATE).sum()),
        "messy_postcodes": int(
            (pc != pc.str.strip().str.upper()).sum() + (~pc.str.contains(" ", regex=False)).sum()
        ),
        "refund_rows": int((tx["amount_gbp"] < 0).sum()),
        **counts,
    }
