"""E-mail campaigns: who was sent each one, who opened, who clicked.

Past marketing reached some groups more than others: under-35s and customers of the city
centre and web shop were mailed more often. Opening and clicking follow each person's
latent engagement, which also raises their visit probability, so observed engagement
carries both a real signal and the history of who was mailed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casestudy import _world_params as params
from casestudy._world_sim import Calendar

_EXTRA_MONTHS = (2, 3, 4, 5, 10)  # zero-based months with a second ("B") campaign


def campaigns(cal: Calendar) -> pd.DataFrame:
    """Campaign ids and send times: the 5th of each month, plus the 20th in busy months."""
    rows = []
    for t, month in enumerate(cal.months):
        rows.append((f"{month}-A", int(cal.first_day[t]) + 4))
        if cal.month_of_year[t] in _EXTRA_MONTHS:
            rows.append((f"{month}-B", int(cal.first_day[t]) + 19))
    return pd.DataFrame(rows, columns=["campaign_id", "day"])


def reach(people: dict[str, np.ndarray]) -> np.ndarray:
    """Chance that a campaign was sent to each opted-in person (the targeting history)."""
    age, home = people["age"], people["home"]
    city_web = np.isin(home, [params.STORE_CODES.index("CTY"), params.STORE_CODES.index("WEB")])
    r = 0.40 + 0.25 * (age < 35) - 0.15 * (age >= 60) + 0.20 * city_web
    return r.clip(0.05, 0.95)


def one_campaign(
    people: dict[str, np.ndarray], day: int, r: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """(person, event code, seconds since send) for one campaign; events 0/1/2 = send/open/click."""
    n = len(r)
    eng = people["engagement"]  # people's arrays in CRM-id order
    sent = people["opt_in"] & (people["join_day"] <= day) & (rng.random(n) < r)
    opened = sent & (rng.random(n) < 1 / (1 + np.exp(1.0 - 0.9 * eng)))
    clicked = opened & (rng.random(n) < 1 / (1 + np.exp(1.6 - 0.9 * eng)))
    s, o, c = np.flatnonzero(sent), np.flatnonzero(opened), np.flatnonzero(clicked)
    jitter = rng.integers(0, 3600, n)
    t_open = jitter + (rng.exponential(10 * 3600, n)).astype(np.int64)
    t_click = t_open + (rng.exponential(300, n)).astype(np.int64)
    person = np.concatenate([s, o, c])
    event = np.repeat(np.array([0, 1, 2], np.int8), [len(s), len(o), len(c)])
    return person, event, np.concatenate([jitter[s], t_open[o], t_click[c]])


def email_table(
    people: dict[str, np.ndarray], person_id: np.ndarray, cal: Calendar, rng: np.random.Generator
) -> pd.DataFrame:
    """All send, open and click events, ordered by campaign, customer and event."""
    camp = campaigns(cal)
    order = np.argsort(person_id, kind="stable")
    by_id = {k: people[k][order] for k in ("opt_in", "join_day", "engagement")}
    r = reach(people)[order]
    ids = person_id[order]
    parts = []
    for k, day in enumerate(camp["day"]):
        person, event, sec = one_campaign(by_id, day, r, rng)
        rows = np.argsort(person * 4 + event, kind="stable")
        parts.append(
            (
                np.full(len(person), k, np.int32),
                ids[person[rows]],
                event[rows],
                day * 86400 + 9 * 3600 + sec[rows],
            )
        )
    k, cid, event, ts = (np.concatenate(x) for x in zip(*parts, strict=True))
    return pd.DataFrame(
        {
            "campaign_id": pd.Categorical.from_codes(k, camp["campaign_id"].tolist()),
            "customer_id": cid,
            "event": pd.Categorical.from_codes(event, ["send", "open", "click"]),
            "timestamp": ts.astype("datetime64[s]"),
        }
    )
