# ruff: noqa: N803  (X is scikit-learn's name for a feature matrix)
"""Time casestudy.models and casestudy.decide as chapters 7 and 8 use them.

Prints, in one process: building the book's data (:func:`casestudy.models.book_data`), the
fit and predict time of every baseline rule and candidate (one thread, predict per 1,000
customers), the default search without tracking, learning and complexity curves, seed
sensitivity, rescoring on test, selection, the Bayes gap and the records; then the
explorers' first (cached) computation and their mean time per view. With ``--tracking``
it also times the tracked search on a fresh store (MLflow import and schema creation
included) in a fresh process. Finally two "chapter" totals: what a chapter-7 and a
chapter-8 notebook would run, each in a fresh Python process.

Usage: ``python benchmarks/bench_models.py [--tracking] [--no-chapters]``.
Tests never time anything; this script is for the report and for spotting regressions.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

CH07 = """
from casestudy import models as mm
d = mm.book_data()
s = mm.hyperparameter_search(d, track={track}, root={root!r}, progress=False)
lc = mm.learning_curve(mm.candidate_models()["hgb"], d, fractions=(0.25, 0.5, 1.0))
seeds = mm.seed_sensitivity("random_forest", d, seeds=(0, 1, 2))
leak = mm.leakage_check(d)
smells = mm.smell_checks(s.table, leakage=leak, seeds={{"random_forest": seeds}})
"""

CH08 = """
from casestudy import decide as dd, models as mm
from casestudy.data import load_truth
d = mm.book_data()
if {track}:  # chapter 7's tracked runs: load, do not refit
    s = mm.tracked_results(d, root={root!r})
else:
    s = mm.hyperparameter_search(d, grid={{"logistic": [{{"model__C": 0.05}}],
        "hgb": [{{}}], "random_forest": [{{}}]}}, track=False, progress=False)
test = {{n: mm.rescore(r, d) for n, r in mm.best_results(s).items()}}
sel = dd.select_model(test, d)
gap = dd.bayes_gap(test[sel.choice], d, truth=load_truth())
dv = mm.data_version_of(d.train, d.validation, d.test)
rec = dd.decision_record(sel, data_version=dv, bayes=gap, split=d.split)
card = dd.model_card(test[sel.choice], d, data_version=dv, bayes=gap, selection=sel)
if {track}:
    dd.register_champion(sel, root={root!r})
"""


def _time(label: str, fn: Callable[[], object]) -> object:
    start = time.perf_counter()
    out = fn()
    print(f"  {label:<52s} {time.perf_counter() - start:7.2f} s")
    return out


def timed_fit(model: object, X: object, y: object) -> tuple[object, float]:
    """A fitted clone of ``model`` and the seconds the fit took (one thread)."""
    from casestudy._models_fit import fit_clone

    start = time.perf_counter()
    fitted = fit_clone(model, X, y)
    return fitted, time.perf_counter() - start


def predict_ms_per_1000(model: object, X: object, *, repeats: int = 3) -> float:
    """Best-of-``repeats`` milliseconds to score 1,000 customers (batch latency)."""
    import numpy as np

    from casestudy.models import lapse_probability

    rows = X.iloc[np.arange(1000) % len(X)]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        lapse_probability(model, rows)
        best = min(best, time.perf_counter() - start)
    return 1000 * best


def bench_models() -> None:
    from casestudy import decide as dd
    from casestudy import models as mm
    from casestudy.data import load_truth

    print("casestudy.models / decide (wall time, one thread per fit):")
    d = _time("book_data (load + 5 cut-offs)", mm.book_data)
    print(
        f"    train {len(d.train.y):,} rows, validation {len(d.validation.y):,}, "
        f"test {len(d.test.y):,}"
    )
    for name, pipe in {**mm.baseline_rules(), **mm.candidate_models()}.items():
        fitted, secs = timed_fit(pipe, d.train.X, d.train.y)
        ms = predict_ms_per_1000(fitted, d.test.X)
        print(
            f"  fit {name:<20s} {secs:6.2f} s   predict {ms:6.1f} ms / 1,000 customers   "
            f"(size {mm.model_size(fitted):,}, steps {mm.score_depth(fitted):,})"
        )
    s = _time(
        "hyperparameter_search (rules + 6 fits, untracked)",
        lambda: mm.hyperparameter_search(d, track=False, progress=False),
    )
    _time(
        "learning_curve (hgb, 4 sizes)", lambda: mm.learning_curve(mm.candidate_models()["hgb"], d)
    )
    _time("complexity_curve (5 tree sizes x 4 tree counts)", lambda: mm.complexity_curve(d))
    _time(
        "seed_sensitivity (random forest, 5 seeds)", lambda: mm.seed_sensitivity("random_forest", d)
    )
    test = _time(
        "rescore best of each on test (1000 resamples)",
        lambda: {n: mm.rescore(r, d) for n, r in mm.best_results(s).items()},
    )
    sel = _time("select_model", lambda: dd.select_model(test, d))
    truth = _time("load_truth", load_truth)
    _time("bayes_gap", lambda: dd.bayes_gap(test[sel.choice], d, truth=truth))
    _time("model_card", lambda: dd.model_card(test[sel.choice], d, data_version="x"))


def bench_explorers() -> None:
    from casestudy import selection_explorers as se
    from casestudy.explorable import time_views

    print("selection explorers (first = cached precomputation; views include PNG render):")
    for factory in (
        se.model_complexity_explorer,
        se.threshold_value_explorer,
        se.fairness_thresholds_explorer,
        se.ab_planner_explorer,
    ):
        e = factory()
        start = time.perf_counter()
        e.summary_at(**e.params_at(e.default_index()))
        first = time.perf_counter() - start
        views = time_views(e, live=False)
        print(
            f"  {e.name:<22s} first {first:5.2f} s, {e.n_views} views, mean "
            f"{1000 * sum(views) / len(views):5.0f} ms, max {1000 * max(views):5.0f} ms"
        )


def _fresh(label: str, code: str) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=os.environ.copy())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  {label:<52s} {time.perf_counter() - start:7.2f} s wall, {cpu:6.2f} s CPU")


def bench_chapters(tracking: bool) -> None:
    print(
        "chapter scenarios, each in a fresh process (imports included; the machine is "
        f"shared, load average {os.getloadavg()[0]:.1f}):"
    )
    with tempfile.TemporaryDirectory() as root:
        for name, code in (("chapter 7", CH07), ("chapter 8", CH08)):
            _fresh(f"{name}, untracked", code.format(track=False, root=root))
        if tracking:
            _fresh(
                "chapter 7, tracked (new store: MLflow import + schema)",
                CH07.format(track=True, root=root),
            )
            _fresh(
                "chapter 8, from chapter 7's runs + register champion",
                CH08.format(track=True, root=root),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking", action="store_true", help="also time tracked runs")
    parser.add_argument("--no-chapters", action="store_true", help="skip the chapter totals")
    args = parser.parse_args()
    bench_models()
    bench_explorers()
    if not args.no_chapters:
        bench_chapters(args.tracking)


if __name__ == "__main__":
    main()
