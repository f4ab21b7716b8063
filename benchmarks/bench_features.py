"""Time the feature pipeline: one modelling table at 10k, 100k and 1M simulated people.

Targets (on the course's 2-core machine):

- the shipped data (12,000 people): one modelling table well under 1 s;
- a 1,000,000-person world: one modelling table in under 60 s, growing about linearly.

Worlds come from :func:`casestudy.world.generate_world` (seed 7); generating them is timed
separately and is not part of the target. Usage::

    python benchmarks/bench_features.py [--sizes 10000 100000 1000000] [--cutoff 2024-01-01]

Prints one row per size (generation time, rows, build time, seconds per 100k people, active
customers) and exits with status 1 when a target is missed; tests never time anything.
"""

from __future__ import annotations

import argparse
import sys
import time

from casestudy.data import load_bike_shop
from casestudy.features import build_modelling_table
from casestudy.world import generate_world

SHIPPED_TARGET_S = 1.0
MILLION_TARGET_S = 60.0


def timed(fn, *args, **kwargs) -> tuple[object, float]:
    """The result of ``fn(*args, **kwargs)`` and the seconds it took."""
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cutoff", default="2024-01-01")
    args = parser.parse_args(argv)
    ok = True
    shop = load_bike_shop()
    build_modelling_table(shop, args.cutoff)  # warm-up (imports, Faker-free path)
    mt, secs = timed(build_modelling_table, shop, args.cutoff)
    ok &= secs < SHIPPED_TARGET_S
    print(
        f"shipped data: {len(mt.X):,} active customers, build {secs:.2f} s "
        f"(target < {SHIPPED_TARGET_S:.0f} s)"
    )
    print(
        f"{'people':>10} {'generate s':>11} {'tx rows':>11} {'email rows':>11} "
        f"{'build s':>8} {'s/100k':>7} {'active':>9}"
    )
    for n in args.sizes:
        world, gen = timed(generate_world, n, seed=7)
        mt, secs = timed(build_modelling_table, world, args.cutoff)
        print(
            f"{n:>10,} {gen:>11.1f} {len(world.transactions):>11,} "
            f"{len(world.email_events):>11,} {secs:>8.2f} {secs / n * 1e5:>7.2f} "
            f"{len(mt.X):>9,}",
            flush=True,
        )
        if n >= 1_000_000:
            ok &= secs < MILLION_TARGET_S * n / 1_000_000
        del world, mt
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
