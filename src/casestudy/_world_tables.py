"""Turn the simulation's arrays into the five clean tables and the truth table.

Clean means "as the shop's systems would have recorded them if nothing went wrong";
:mod:`casestudy._world_flaws` then plants the documented problems.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casestudy import _world_params as params
from casestudy._world_people import GENDERS
from casestudy._world_sim import Calendar

FIRST_ID = 100_001
_PRODUCTS = (*params.BIKE_TYPES, *(item for item, _, _, _ in params.ITEMS))
_CATEGORY = np.array(
    [0] * len(params.BIKE_TYPES) + [1 if cat == "parts" else 2 for _, cat, _, _ in params.ITEMS]
)


def to_timestamp(day: np.ndarray, seconds: np.ndarray | int = 0) -> np.ndarray:
    """Day numbers (since 1970-01-01) plus seconds as ``datetime64[s]``."""
    return (np.asarray(day, np.int64) * 86400 + seconds).astype("datetime64[s]")


def stores_table() -> pd.DataFrame:
    """The five stores, one row each."""
    df = pd.DataFrame(list(params.STORES))
    df["opened"] = pd.to_datetime(df["opened"])
    return df


def refund_rows(lines: pd.DataFrame, end_day: int, rng: np.random.Generator) -> pd.DataFrame:
    """About 3% of purchase lines come back 1-28 days later as negative amounts."""
    back = lines[rng.random(len(lines)) < 0.03].copy()
    back["day"] = back["day"] + rng.integers(1, 29, len(back))
    back["amount_gbp"] = -back["amount_gbp"]
    back["sec"] = 10 * 3600 + rng.integers(0, 7 * 3600, len(back))
    return back[back["day"] <= end_day]


def line_frame(rec: dict[str, np.ndarray]) -> pd.DataFrame:
    """Purchase lines with person, day, second of day, store, product code and amount."""
    return pd.DataFrame(
        {
            "person": rec["line_person"],
            "day": rec["line_day"],
            "sec": rec["line_sec"],
            "store": rec["line_store"],
            "product": rec["line_product"],
            "amount_gbp": rec["line_amount"],
        }
    )


def transactions_table(lines: pd.DataFrame, person_id: np.ndarray) -> pd.DataFrame:
    """Purchase and refund lines in time order, numbered from 1."""
    ts = lines["day"].to_numpy() * 86400 + lines["sec"].to_numpy()
    person = lines["person"].to_numpy()
    order = np.argsort(ts * (1 << 22) + person, kind="stable")
    prod = lines["product"].to_numpy()[order]
    return pd.DataFrame(
        {
            "transaction_id": np.arange(1, len(lines) + 1, dtype=np.int64),
            "customer_id": person_id[person[order]],
            "store_code": pd.Categorical.from_codes(
                lines["store"].to_numpy()[order], params.STORE_CODE_CATEGORIES
            ),
            "timestamp": ts[order].astype("datetime64[s]"),
            "category": pd.Categorical.from_codes(_CATEGORY[prod], params.CATEGORY_NAMES),
            "product": pd.Categorical.from_codes(prod, _PRODUCTS),
            "amount_gbp": lines["amount_gbp"].to_numpy()[order],
        }
    )


def note_pool(rng: np.random.Generator, size: int = 200) -> dict[int, np.ndarray]:
    """Rendered technician notes per job type, to be sampled (templated but varied)."""
    pool = {}
    for k, (job, *_rest) in enumerate(params.JOBS):
        templates = params.NOTE_TEMPLATES[job]
        notes = []
        for _ in range(size):
            slots = {s: v[rng.integers(len(v))] for s, v in params.NOTE_SLOTS.items()}
            notes.append(templates[rng.integers(len(templates))].format(**slots).strip())
        pool[k] = np.array(notes, object)
    return pool


def workshop_table(
    rec: dict[str, np.ndarray], person_id: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Workshop jobs in time order with technician notes."""
    day, kind = rec["job_day"], rec["job_type"]
    order = np.argsort(day * (1 << 22) + rec["job_person"], kind="stable")
    day, kind = day[order], kind[order]
    pool = note_pool(rng)
    notes = np.empty(len(kind), object)
    for k, texts in pool.items():
        sel = np.flatnonzero(kind == k)
        notes[sel] = texts[rng.integers(0, len(texts), len(sel))]
    return pd.DataFrame(
        {
            "job_id": np.arange(1, len(day) + 1, dtype=np.int64),
            "customer_id": person_id[rec["job_person"][order]],
            "store_code": pd.Categorical.from_codes(rec["job_store"][order], params.STORE_CODES),
            "booked_in": to_timestamp(day).astype("datetime64[s]"),
            "job_type": pd.Categorical.from_codes(kind, [j[0] for j in params.JOBS]),
            "price_gbp": rec["job_price"][order],
            "technician_notes": notes,
        }
    )


def customers_table(
    people: dict[str, np.ndarray], pii: dict[str, object], person_id: np.ndarray
) -> pd.DataFrame:
    """One row per person with PII, home store and sign-up details, in person order."""
    gender = np.where(people["gender"] == len(GENDERS) - 1, -1, people["gender"])
    df = pd.DataFrame(
        {
            "customer_id": person_id,
            "first_name": pii["first_name"],
            "last_name": pii["last_name"],
            "email": pii["email"],
            "phone": pii["phone"],
            "postcode": pii["postcode"],
            "date_of_birth": to_timestamp(pii["dob_day"]),
            "gender": pd.Categorical.from_codes(gender, GENDERS[:-1]),
            "home_store": pd.Categorical.from_codes(people["home"], params.STORE_CODES),
            "distance_km": people["distance_km"],
            "created_at": to_timestamp(people["join_day"]),
            "marketing_opt_in": people["opt_in"],
        }
    )
    return df


def person_ids(created_day: np.ndarray) -> np.ndarray:
    """CRM ids issued in order of sign-up (ties by person index)."""
    order = np.argsort(created_day, kind="stable")
    ids = np.empty(len(order), np.int64)
    ids[order] = FIRST_ID + np.arange(len(order))
    return ids


def truth_table(rec: dict[str, np.ndarray], person_id: np.ndarray, cal: Calendar) -> pd.DataFrame:
    """Exact lapse probability of each active customer at each cut-off."""
    # Months are recorded in order and people are in id order, so no sort is needed.
    return pd.DataFrame(
        {
            "customer_id": person_id[rec["truth_person"]],
            "cutoff": cal.months.astype("datetime64[s]")[rec["truth_month"]],
            "p_lapse": rec["truth_p"],
        }
    )
