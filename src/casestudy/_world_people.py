"""The people of the Bike Shop world: traits that drive behaviour, and synthetic PII.

Names, postcodes and e-mail domains come from Faker's ``en_GB`` locale. Faker is slow per
row, so a fixed-size pool is drawn once per world (seeded) and people are sampled from it
with numpy; the cost does not grow with the number of customers.
"""

from __future__ import annotations

import numpy as np
from faker import Faker

from casestudy import _world_params as params
from casestudy._world_sim import Calendar

GENDERS: tuple[str, ...] = ("male", "female", "non-binary", "prefer not to say", "")
_GENDER_P = np.array([0.56, 0.31, 0.01, 0.03, 0.09])
_POOL = {"female": 500, "male": 500, "last": 1500, "postcode": 4000, "domain": 40}
_EPOCH_2012 = int(np.datetime64("2012-01-01", "D").astype(np.int64))


def ages(home: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Age in years at the start of the history: students at the university town."""
    n = len(home)
    age = rng.normal(44.0, 14.0, n)
    web = home == params.STORE_CODES.index("WEB")
    age[web] = rng.normal(37.0, 11.0, web.sum())
    student = (home == params.STORE_CODES.index("UNI")) & (rng.random(n) < 0.45)
    age[student] = 18.0 + rng.gamma(2.0, 1.5, student.sum())
    return age.clip(16.0, 88.0)


def distances(home: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Kilometres from home to the home store; the coast has far-away tourists."""
    median = np.array([4.0, 3.0, 9.0, 6.0, 60.0])[home]
    km = median * rng.lognormal(0.0, 0.6, len(home))
    tourist = (home == params.STORE_CODES.index("CST")) & (rng.random(len(home)) < 0.55)
    km[tourist] = rng.uniform(60.0, 320.0, tourist.sum())
    return np.round(km, 1)


def join_months(home: np.ndarray, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """Month index of each person's first visit; -1 for people already in the CRM in 2021."""
    n, t = len(home), len(cal.months)
    out = np.full(n, -1, dtype=np.int64)
    new = rng.random(n) >= 0.38
    growth = np.linspace(1.0, 1.0 + 0.06 * t / 12, t)
    for s in range(len(params.STORE_CODES)):
        who = np.flatnonzero(new & (home == s))
        w = growth * np.exp(params.SEASON[s, cal.month_of_year])
        out[who] = rng.choice(t, len(who), p=w / w.sum())
    return out


def traits(n: int, cal: Calendar, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Behavioural traits of ``n`` people, as arrays of length ``n``, in sign-up order."""
    home = rng.choice(len(params.STORE_CODES), n, p=params.HOME_SHARE)
    age = ages(home, rng)
    join = join_months(home, cal, rng)
    join_day = np.where(
        join >= 0,
        cal.first_day[join.clip(0)] + (rng.random(n) * cal.n_days[join.clip(0)]).astype(np.int64),
        rng.integers(_EPOCH_2012, cal.first_day[0], n),
    )
    workshop = np.where(home == params.STORE_CODES.index("WEB"), rng.integers(0, 4, n), home)
    out = {
        "home": home,
        "age": age,
        "distance_km": distances(home, rng),
        "engagement": rng.normal(0.0, 1.0, n),
        "latent": rng.normal(0.0, 1.0, n),
        "gender": rng.choice(len(GENDERS), n, p=_GENDER_P),
        "join_month": join,
        "join_day": join_day,
        "workshop_store": workshop,
        "opt_in": rng.random(n) < 0.50 + 0.15 * (age < 35),
    }
    order = np.argsort(join_day, kind="stable")  # person order = sign-up order = id order
    return {k: v[order] for k, v in out.items()}


def faker_pool(seed: int) -> dict[str, np.ndarray]:
    """Pools of en_GB first names, surnames, postcodes and free e-mail domains."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return {
        "female": np.array([fake.first_name_female() for _ in range(_POOL["female"])], object),
        "male": np.array([fake.first_name_male() for _ in range(_POOL["male"])], object),
        "last": np.array([fake.last_name() for _ in range(_POOL["last"])], object),
        "postcode": np.array([fake.postcode() for _ in range(_POOL["postcode"])], object),
        "domain": np.array([fake.free_email_domain() for _ in range(_POOL["domain"])], object),
    }


def first_name_index(gender: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index into the combined (female then male) first-name pool, matching gender."""
    n = len(gender)
    female = (gender == 1) | ((gender > 1) & (rng.random(n) < 0.5))
    return np.where(
        female,
        rng.integers(0, _POOL["female"], n),
        _POOL["female"] + rng.integers(0, _POOL["male"], n),
    )


def emails(
    first: np.ndarray,
    initial: np.ndarray,
    last: np.ndarray,
    pool: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """Lower-case e-mail addresses in a few common shapes, some with a number."""
    n = len(first)
    shape = rng.integers(0, 4, n)
    nums = np.array(["", *(str(i) for i in range(1, 1000))], "T")
    num = np.where(rng.random(n) < 0.6, rng.integers(1, 1000, n), 0)
    dom = pool["domain"].astype("T")[rng.integers(0, _POOL["domain"], n)]
    sep = np.array([".", "", "_", "."], "T")[shape]
    local = np.strings.add(np.where(shape == 3, initial, first), sep)
    local = np.strings.add(np.strings.add(local, last), nums[num])
    mail = np.strings.lower(np.strings.add(np.strings.add(local, "@"), dom))
    return np.strings.replace(np.strings.replace(mail, " ", ""), "'", "")


def phones(n: int, rng: np.random.Generator) -> np.ndarray:
    """UK mobile numbers written ``07xxx xxxxxx``."""
    three = np.array([f"{i:03d}" for i in range(1000)], "T")
    a, b, c = (three[rng.integers(0, 1000, n)] for _ in range(3))
    return np.strings.add(np.strings.add(np.strings.add("07", a), np.strings.add(" ", b)), c)


def pii(people: dict[str, np.ndarray], seed: int, rng: np.random.Generator) -> dict[str, object]:
    """Synthetic personal data: names, e-mail, phone, postcode, date of birth."""
    n = len(people["age"])
    pool = faker_pool(seed)
    firsts = np.concatenate([pool["female"], pool["male"]]).astype("T")
    initials = np.array([name[0] for name in firsts], "T")
    k = first_name_index(people["gender"], rng)
    last = pool["last"].astype("T")[rng.integers(0, _POOL["last"], n)]
    mail = emails(firsts[k], initials[k], last, pool, rng)
    block = rng.integers(0, _POOL["postcode"] // 8, n) + people["home"] * (_POOL["postcode"] // 8)
    far = people["distance_km"] > 50
    block[far] = rng.integers(0, _POOL["postcode"], far.sum())
    start = np.datetime64("2021-01-01", "D").astype(np.int64)
    dob = start - (people["age"] * 365.25).astype(np.int64)
    return {
        "first_name": firsts[k].astype(object),
        "last_name": last.astype(object),
        "email": mail.astype(object),
        "phone": phones(n, rng).astype(object),
        "postcode": pool["postcode"][block],
        "dob_day": dob,
    }
