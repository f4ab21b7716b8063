"""Measure how fast the book builds: per notebook, cold, cached, and the site's size.

Targets for the whole course on a 2-core machine (kept as the course grows):

- every notebook executes in under 15 s;
- all notebooks together in under 90 s;
- a cached rebuild (nothing changed) in under 15 s.

The build goes to a temporary folder, so the reader's own ``_build/`` is left alone.
Usage: ``python benchmarks/bench_book.py`` (or ``make bench``). Tests never time anything;
this script is where speed is measured.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_TARGET_S = 15.0
ALL_NOTEBOOKS_TARGET_S = 90.0
CACHED_TARGET_S = 15.0


def build(out: Path) -> float:
    """Run one book build into ``out`` and return its wall time in seconds."""
    jb = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "--keep-going", "-q"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def execution_times(out: Path) -> dict[str, float]:
    """Read each executed page's run time from the build's execution cache."""
    from jupyter_cache import get_cache

    cache = get_cache(out / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        name = Path(record.uri).relative_to(ROOT).as_posix()
        times[name] = float(record.data.get("execution_seconds", float("nan")))
    return dict(sorted(times.items()))


def site_size_mb(html: Path) -> float:
    """Total size of the built site in MB."""
    return sum(p.stat().st_size for p in html.rglob("*") if p.is_file()) / 1e6


def verdict(value: float, target: float) -> str:
    """'ok' when a measurement meets its target, 'SLOW' otherwise."""
    return "ok" if value < target else "SLOW"


def main() -> int:
    """Build cold, then cached, and print the table."""
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        out = Path(tmp)
        cold = build(out)
        times = execution_times(out)
        shutil.rmtree(out / "_build" / "html")
        cached = build(out)
        size = site_size_mb(out / "_build" / "html")
    rows = [(name, f"{t:6.1f} s", verdict(t, NOTEBOOK_TARGET_S)) for name, t in times.items()]
    total = sum(times.values())
    rows += [
        (
            "all notebooks (sum of execution)",
            f"{total:6.1f} s",
            verdict(total, ALL_NOTEBOOKS_TARGET_S),
        ),
        ("cold build (wall)", f"{cold:6.1f} s", ""),
        ("cached rebuild (wall)", f"{cached:6.1f} s", verdict(cached, CACHED_TARGET_S)),
        ("built site size", f"{size:6.1f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'measured':>9}  target")
    print("-" * (width + 19))
    for name, value, ok in rows:
        print(f"{name:<{width}}  {value:>9}  {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
