"""Time casestudy.evaluate on a Bike-Shop-sized test set, and casestudy.tracking's overheads.

Measures (median of ``--repeat`` runs after one warm-up) the bootstrap intervals, the paired
comparison, the value curve, the fairness table and trade-off on ``--n`` synthetic customers;
then, each in a fresh Python process, the import time of MLflow, the first :func:`log_run`
on a new store (which creates the SQLite schema) and the first on an existing store, and
the median of later runs in the same process.

Usage: ``python benchmarks/bench_evaluate.py [--n 12000] [--repeat 3] [--no-tracking]``.
Tests never time anything; this script is for the report and for spotting regressions.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from casestudy import evaluate as ev


def _data(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.3).astype(int)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 1)))
    q = np.clip(p + rng.normal(scale=0.1, size=n), 0, 1)
    g = pd.Series(rng.choice(["18-29", "30-44", "45-59", "60+", "unknown"], size=n))
    return y, p, q, g


def _time(fn: Callable[[], object], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench_evaluate(n: int, repeat: int) -> None:
    y, p, q, g = _data(n)
    money = {"population": 8000, "capacity": 400}
    cases = {
        "roc_auc_score_ci (1000 resamples)": lambda: ev.roc_auc_score_ci(y, p),
        "average_precision_score_ci (1000)": lambda: ev.average_precision_score_ci(y, p),
        "paired_auc_difference (1000)": lambda: ev.paired_auc_difference(y, p, q),
        "value_curve (101 thresholds)": lambda: ev.value_curve(y, p, **money),
        "reliability_table": lambda: ev.reliability_table(y, p),
        "fairness_table": lambda: ev.fairness_table(y, p, g, threshold=0.5),
        "fairness_tradeoff": lambda: ev.fairness_tradeoff(y, p, g, threshold=0.5),
    }
    print(f"casestudy.evaluate, {n:,} customers, median of {repeat}:")
    for name, fn in cases.items():
        print(f"  {name:<36} {_time(fn, repeat) * 1000:8.1f} ms")


_PROBE = """
import sys, time
t = time.perf_counter(); import mlflow; t_import = time.perf_counter() - t
import numpy as np
from sklearn.linear_model import LogisticRegression
from casestudy import tracking as tr
x = np.random.default_rng(0).normal(size=(500, 5)); y = (x[:, 0] > 0).astype(int)
model = LogisticRegression().fit(x, y)
def run():
    t = time.perf_counter()
    tr.log_run("bench", params={"C": 1.0}, metrics={"auc": 0.8}, data_version="sha256:0",
               model=model, root=sys.argv[1])
    return time.perf_counter() - t
first = run(); later = sorted(run() for _ in range(5))[2]
print(f"{t_import:.2f} {first:.2f} {later:.3f}")
"""


def bench_tracking() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label in ("new store", "existing store"):
            out = subprocess.run(
                [sys.executable, "-c", _PROBE, tmp], capture_output=True, text=True, check=True
            ).stdout.split()
            rows.append((label, *map(float, out)))
    print("casestudy.tracking (fresh process each):")
    for label, t_import, first, later in rows:
        print(
            f"  {label:<15} import mlflow {t_import:5.2f} s   first log_run {first:5.2f} s"
            f"   later log_run (median) {later * 1000:6.0f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tracking", action="store_true")
    args = parser.parse_args(argv)
    bench_evaluate(args.n, args.repeat)
    if not args.no_tracking:
        bench_tracking()
    return 0


if __name__ == "__main__":
    sys.exit(main())
