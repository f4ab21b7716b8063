"""Measure every registered explorer: callback time, build time and page weight.

Targets (on the course's 2-core machine):

- a live callback (computing and rendering one view, :meth:`Explorer.live_render`) takes
  under 100 ms at the median;
- an explorer adds at most 1.5 MB to its page (:data:`casestudy.explorable.PAGE_BUDGET_BYTES`).

For each explorer found by :func:`casestudy.explorable.load_all` and
:func:`~casestudy.explorable.registry`, the script times every grid view ``--repeat`` times
(after one warm-up pass), and prints the median and 95th percentile of the live callback and
of one precomputed (palette PNG) view, the build time of the whole static widget, the views'
page weight and the embedded widget state's actual size.

Usage: ``python benchmarks/bench_explorers.py [--repeat 3] [NAME ...]``. It exits with status
1 when an explorer misses a target, so CI can run it; tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass

from casestudy.explorable import PAGE_BUDGET_BYTES, Explorer, load_all, registry, time_views

CALLBACK_TARGET_MS = 100.0


@dataclass(frozen=True)
class Result:
    """One explorer's measurements (times in ms, sizes in bytes)."""

    name: str
    views: int
    live_median: float
    live_p95: float
    live_cpu_median: float
    static_median: float
    static_p95: float
    build_seconds: float
    page_weight: int
    state_bytes: int

    @property
    def ok(self) -> bool:
        """True when the explorer meets both targets."""
        heaviest = max(self.page_weight, self.state_bytes)
        return self.live_median < CALLBACK_TARGET_MS and heaviest <= PAGE_BUDGET_BYTES


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def widget_state_bytes(explorer: Explorer) -> tuple[float, int]:
    """Seconds to build the static widget, and its embedded state's JSON size."""
    from ipywidgets.embed import dependency_state

    start = time.perf_counter()
    widget = explorer.widget()
    seconds = time.perf_counter() - start
    size = len(json.dumps(dependency_state(widget, drop_defaults=False)))
    widget.close()
    return seconds, size


def measure(name: str, explorer: Explorer, repeat: int) -> Result:
    """Time one explorer's views and measure its page weight."""
    time_views(explorer, live=True)  # warm-up: fonts, caches
    live = [t * 1e3 for t in time_views(explorer, repeat=repeat, live=True)]
    cpu = [t * 1e3 for t in time_views(explorer, repeat=repeat, clock=time.process_time)]
    static = [t * 1e3 for t in time_views(explorer, repeat=repeat, live=False)]
    build_seconds, state = widget_state_bytes(explorer)
    return Result(
        name=name,
        views=explorer.n_views,
        live_median=statistics.median(live),
        live_p95=percentile(live, 95),
        live_cpu_median=statistics.median(cpu),
        static_median=statistics.median(static),
        static_p95=percentile(static, 95),
        build_seconds=build_seconds,
        page_weight=explorer.page_weight(),
        state_bytes=state,
    )


def table(results: list[Result]) -> str:
    """The results as a plain-text table."""
    header = (
        f"{'explorer':<24}{'views':>6}{'live med':>10}{'live p95':>10}{'cpu med':>9}{'png med':>9}"
        f"{'png p95':>9}{'build s':>9}{'views KB':>10}{'state KB':>10}  target"
    )
    rows = [header, "-" * len(header)]
    for r in results:
        rows.append(
            f"{r.name:<24}{r.views:>6}{r.live_median:>10.1f}{r.live_p95:>10.1f}"
            f"{r.live_cpu_median:>9.1f}"
            f"{r.static_median:>9.1f}{r.static_p95:>9.1f}{r.build_seconds:>9.1f}"
            f"{r.page_weight / 1e3:>10.0f}{r.state_bytes / 1e3:>10.0f}"
            f"  {'ok' if r.ok else 'MISSED'}"
        )
    rows.append(
        "(times in ms per view: live = one kernel callback, wall and CPU time; png = one "
        "precomputed view; build = the whole static widget)"
    )
    rows.append(
        f"(targets: live median < {CALLBACK_TARGET_MS:.0f} ms, "
        f"page weight <= {PAGE_BUDGET_BYTES / 1e6:.1f} MB)"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="explorers to measure (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the grid")
    args = parser.parse_args(argv)
    loaded = load_all()
    factories = registry()
    unknown = sorted(set(args.names) - set(factories))
    if unknown:
        parser.error(f"unknown explorers {unknown}; registered: {sorted(factories)}")
    names = args.names or sorted(factories)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"modules loaded: {', '.join(loaded)}; load average {load} on {os.cpu_count()} CPUs")
    results = [measure(name, factories[name](), args.repeat) for name in names]
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
