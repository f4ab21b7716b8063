"""Time the planning toolkit: the 100,000-run Monte Carlo, the explorer views, the proposal.

Targets (on the course's 2-core machine):

- a 100,000-run Monte Carlo of the Bike Shop project (32 tasks, PERT draws) in under 1 s;
- each explorer view (``value_view``, ``estimate_view``, figure included, no PNG) in under
  100 ms at the median.

Usage: ``python benchmarks/bench_plan.py [--repeat 5]``. Prints a table of the best and
median times and exits with status 1 when a target is missed; tests never time anything.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from casestudy import plan

MONTE_CARLO_TARGET_S = 1.0
VIEW_TARGET_S = 0.1


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds for each of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def cases(project: plan.Project) -> list[tuple[str, Callable[[], object], float | None]]:
    """The timed calls: (label, call, target in seconds or None)."""
    tasks, factors = project.tasks, plan.assessed_factors(project.factors)
    team = plan.team_fte(plan.design_team(tasks, factors, team_size=4.0, roles=project.roles))

    def mc(method: str, correlation: float) -> Callable[[], object]:
        return lambda: plan.simulate_project(
            tasks, team=team, factors=factors, n_runs=100_000, method=method,
            correlation=correlation,
        )  # fmt: skip

    return [
        ("sample_effort 100,000 x 32, PERT", lambda: plan.sample_effort(tasks), None),
        ("simulate_project 100,000, PERT", mc("pert", 0.0), MONTE_CARLO_TARGET_S),
        ("simulate_project 100,000, PERT, corr 0.5", mc("pert", 0.5), MONTE_CARLO_TARGET_S),
        ("simulate_project 100,000, triangular", mc("triangular", 0.0), MONTE_CARLO_TARGET_S),
        ("value_view(0.75, 12)", lambda: plan.value_view(0.75, 12), VIEW_TARGET_S),
        ("estimate_view('assessed', 4)", lambda: plan.estimate_view("assessed", 4),
         VIEW_TARGET_S),
        ("estimate_view('all-doubling', 2)", lambda: plan.estimate_view("all-doubling", 2),
         VIEW_TARGET_S),
        ("plan_project + write_proposal (100,000 runs)",
         lambda: plan.write_proposal(project, plan=plan.plan_project(project)), None),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    project = plan.load_project()
    print(f"{'call':46} {'best s':>8} {'median s':>9} {'target s':>9}  ok")
    failed = False
    for label, fn, target in cases(project):
        t = timings(fn, args.repeat)
        best, median = min(t), statistics.median(t)
        ok = target is None or median < target
        failed |= not ok
        shown = f"{target:9.3f}" if target is not None else f"{'-':>9}"
        print(f"{label:46} {best:8.3f} {median:9.3f} {shown}  {'yes' if ok else 'NO'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
