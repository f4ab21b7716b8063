"""Benchmark the Bike Shop generator: time, rows per second and peak memory by size.

Each size runs in its own subprocess so that peak memory (``ru_maxrss``) belongs to that size
alone. The generation is measured in memory (all five tables plus the truth); writing CSV is
not included.

Usage::

    .venv/bin/python benchmarks/bench_world.py                 # 10k, 100k and 1M people
    .venv/bin/python benchmarks/bench_world.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = """
import json, resource, sys, time
from casestudy.world import generate_world
n = int(sys.argv[1])
t0 = time.perf_counter()
w = generate_world(n, seed=1)
seconds = time.perf_counter() - t0
print(json.dumps({"people": n, "seconds": seconds, "rows": w.n_rows,
                  "truth_rows": len(w.truth),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(n: int) -> dict[str, float]:
    """Generate a world of ``n`` people in a fresh interpreter; return its measurements."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: list[dict[str, float]]) -> str:
    """The measurements as a fixed-width text table."""
    head = (
        f"{'people':>10} {'seconds':>8} {'rows':>12} {'truth rows':>11} "
        f"{'rows/s':>11} {'peak MB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['people']:>10,} {r['seconds']:>8.1f} {r['rows']:>12,} "
            f"{r['truth_rows']:>11,} {r['rows'] / r['seconds']:>11,.0f} "
            f"{r['peak_mb']:>8,.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    print(table([measure(n) for n in args.sizes]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
