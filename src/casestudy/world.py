"""The Bike Shop world: a seeded generative model of the chain, its data and its truth.

Four shops (city centre, university town, retail park, coastal tourist town) and a web shop.
Each simulated person has a state at the start of every month (months since the last
visit, visits and workshop jobs in the last 12 months, total spend, e-bike ownership) and
fixed traits (distance to the home shop, e-mail engagement, age, a latent propensity). The
chance of a visit that month is a logistic function of these plus the shop's seasonal
rhythm. Without a visit the state changes deterministically, so the **true** probability
that an active customer lapses (no purchase and no workshop visit in the 180 days after a
cut-off) is an exact product along the no-visit path. The truth is published separately,
for teaching only: no real project has it.

The published tables carry planted problems (duplicates, default birth dates, messy store
codes and postcodes, refunds, a till clock in 2031, a lost month, test accounts and a leaky
``account_status``); ``data/bike_shop/DATASHEET.md`` documents each one.

Command line::

    python -m casestudy.world generate --customers 12000 --seed 2026 --out data/bike_shop
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from casestudy import _world_io
from casestudy._world_assemble import assemble
from casestudy._world_people import pii, traits
from casestudy._world_run import Scenario, simulate
from casestudy._world_sim import ACTIVE_DAYS, END, HORIZON_DAYS, START, Calendar, cutoff_dates

__all__ = [
    "ACTIVE_DAYS",
    "HORIZON_DAYS",
    "SHIPPED_CUSTOMERS",
    "SHIPPED_SEED",
    "Scenario",
    "World",
    "cutoff_dates",
    "generate_world",
    "main",
    "write_world",
]

#: Seed and size of the shipped data set in ``data/bike_shop``.
SHIPPED_SEED = 2026
SHIPPED_CUSTOMERS = 12_000
_LIMITS = {"n_customers": (1, 20_000_000), "seed": (0, 2**63 - 1)}


@dataclass(frozen=True)
class World:
    """Everything one run of the generator makes.

    Attributes
    ----------
    stores, customers, transactions, workshop_jobs, email_events : pandas.DataFrame
        The five published tables, with their planted problems.
    truth : pandas.DataFrame
        ``customer_id``, ``cutoff``, ``p_lapse``: the exact lapse probability of every
        active person at every cut-off (teaching only).
    duplicates : pandas.DataFrame
        ``duplicate_id`` -> ``original_id`` of the re-registered customers (the answer key).
    planted : dict of str to int
        How many records carry each planted problem.
    """

    stores: pd.DataFrame
    customers: pd.DataFrame
    transactions: pd.DataFrame
    workshop_jobs: pd.DataFrame
    email_events: pd.DataFrame
    truth: pd.DataFrame
    duplicates: pd.DataFrame
    planted: dict[str, int] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Rows in all five published tables together."""
        return sum(
            len(getattr(self, t))
            for t in ("stores", "customers", "transactions", "workshop_jobs", "email_events")
        )


def _check(n_customers: int, seed: int, start: str, end: str) -> Calendar:
    """Validate the options of :func:`generate_world`; return the calendar."""
    for name, value in (("n_customers", n_customers), ("seed", seed)):
        lo, hi = _LIMITS[name]
        if not isinstance(value, int | np.integer) or not lo <= value <= hi:
            raise ValueError(
                f"The '{name}' parameter of generate_world must be an int in "
                f"[{lo}, {hi}]. Got {value!r} instead."
            )
    cal = Calendar.between(start, end)
    if len(cal.months) < 19:
        raise ValueError(
            "generate_world needs at least 19 months between 'start' and 'end' "
            f"(a year of history plus a 180-day label window). Got {start} to "
            f"{end}."
        )
    return cal


def generate_world(
    n_customers: int = SHIPPED_CUSTOMERS,
    *,
    seed: int = SHIPPED_SEED,
    start: str = START,
    end: str = END,
    scenario: Scenario | None = None,
    progress: bool = False,
) -> World:
    """Simulate the Bike Shop and return its tables, truth and planted-problem counts.

    Parameters
    ----------
    n_customers : int, default=12000
        Number of simulated people. The customer table has slightly more rows: duplicate
        registrations (1.5%) and six test accounts.
    seed : int, default=2026
        Seed of every random draw (numpy and the Faker pool); equal seeds give equal worlds.
    start, end : str, default="2021-01-01", "2025-12-31"
        The history, whole months. Scenarios for the production chapters use a later
        ``end`` such as ``"2026-12-31"``; a different range is a different draw.
    scenario : Scenario or None, default=None
        Production-chapter switches; None means all off (the shipped world).
    progress : bool, default=False
        Show a tqdm progress bar over the simulated months.

    Returns
    -------
    World

    Raises
    ------
    ValueError
        If ``n_customers`` or ``seed`` is out of range, or the history is too short.

    Examples
    --------
    >>> w = generate_world(300, seed=1)
    >>> sorted(w.customers.columns)[:3]
    ['account_status', 'created_at', 'customer_id']
    >>> bool(w.truth["p_lapse"].between(0, 1).all())
    True
    """
    cal = _check(n_customers, seed, start, end)
    scenario = scenario or Scenario()
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
    people = traits(int(n_customers), cal, rngs[0])
    cut = {
        int(np.searchsorted(cal.months, np.datetime64(c, "M"))) for c in cutoff_dates(start, end)
    }
    bar = _progress_bar(len(cal.months), progress)
    rec, _ = simulate(
        people,
        cal,
        cutoff_months=cut,
        scenario=scenario,
        rng=rngs[1],
        progress=bar.update if bar else None,
    )
    if bar:
        bar.close()
    tables = assemble(people, pii(people, seed, rngs[2]), rec, cal, scenario, rngs[3])
    return World(**tables)


def _progress_bar(total: int, show: bool):
    """A tqdm bar over months, or None."""
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="simulating months", unit="month")


def write_world(world: World, out: str | Path) -> Path:
    """Write the world's tables as deterministic ``.csv.gz`` files plus ``SHA256SUMS``.

    Parameters
    ----------
    world : World
    out : str or Path
        Output folder (created if needed). Truth files go under ``out/truth``.

    Returns
    -------
    Path
        The ``SHA256SUMS`` file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sums = write_world(generate_world(200, seed=3), d)
    ...     print(sums.name, len(sums.read_text().splitlines()))
    SHA256SUMS 8
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {k: getattr(world, k) for k in _world_io.FILES} | {"planted": world.planted}
    return _world_io.write_sums(out, _world_io.write_tables(tables, out))


def _parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m casestudy.world``."""
    parser = argparse.ArgumentParser(
        prog="python -m casestudy.world", description="Generate the Bike Shop data set."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="simulate and write the tables")
    gen.add_argument(
        "--customers",
        type=int,
        default=SHIPPED_CUSTOMERS,
        help="number of simulated people (default: %(default)s)",
    )
    gen.add_argument(
        "--seed", type=int, default=SHIPPED_SEED, help="random seed (default: %(default)s)"
    )
    gen.add_argument("--out", type=Path, required=True, help="output folder")
    gen.add_argument("--end", default=END, help="last day of history (default: %(default)s)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.add_argument("--ebike-growth", action="store_true", help="scenario: e-bike share grows")
    gen.add_argument("--competitor", metavar="STORE", help="scenario: competitor near STORE")
    gen.add_argument("--competitor-date", default="2026-03-01", help="when it opens")
    gen.add_argument("--till-upgrade", metavar="DATE", help="scenario: categories renamed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m casestudy.world generate --customers N --seed S --out DIR``.

    Scenario switches (off by default): ``--ebike-growth``, ``--competitor STORE``
    (``--competitor-date``), ``--till-upgrade DATE``; use them with ``--end 2026-12-31``.
    """
    args = _parser().parse_args(argv)
    scenario = Scenario(
        ebike_growth=args.ebike_growth,
        competitor_store=args.competitor,
        competitor_date=args.competitor_date,
        till_upgrade_date=args.till_upgrade,
    )
    world = generate_world(
        args.customers, seed=args.seed, end=args.end, scenario=scenario, progress=not args.quiet
    )
    sums = write_world(world, args.out)
    print(f"wrote {world.n_rows:,} rows for {args.customers:,} people; checksums in {sums}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
