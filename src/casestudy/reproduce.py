"""Reproducibility made concrete: the environment, seeds, data versions and a first run.

A result is *reproducible* when someone else, later, can run the same code on the same
data in the same environment and get the same numbers. Sprint 0 checks each ingredient
before the expensive work starts:

* **the environment**: :func:`environment_report` and :func:`lock_drift` compare the
  installed packages with the exact versions pinned in ``requirements.lock``;
* **the randomness**: :func:`seed_check` shows that a seeded computation repeats exactly
  and an unseeded one does not;
* **the data**: :func:`verify_data` checks the shipped files against ``SHA256SUMS`` and
  :func:`files_version` turns that list into one short version string (the content hash of
  loaded tables is :func:`casestudy.survey.data_version`);
* **a walking skeleton**: :func:`skeleton_table` builds the smallest possible modelling
  table (one feature, days since the last visit) so that a first, trivial model can go
  through tracking and the registry end to end (:mod:`casestudy.tracking`);
* **the checklist**: :func:`reproducibility_checklist` turns the evidence into a table a
  manager can read.

Nothing here prints, and no function returns a value that changes from one run to the
next on the same machine (unseeded results are reduced to "repeated: no").
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import casestudy
from casestudy.data import ACTIVE_DAYS, HORIZON_DAYS

__all__ = [
    "CHECKS",
    "KEY_PACKAGES",
    "environment_report",
    "files_version",
    "lock_drift",
    "read_lock",
    "reproducibility_checklist",
    "same_predictions",
    "seed_check",
    "skeleton_table",
    "verify_data",
]

#: The packages whose versions most affect the course's numbers and pages.
KEY_PACKAGES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scikit-learn",
    "scipy",
    "matplotlib",
    "mlflow-skinny",
    "skops",
    "pandera",
    "jupyter-book",
)

#: The reproducibility checklist: id, the check, and why a manager should care.
CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "environment",
        "Exact package versions pinned, and the machine matches the pins",
        "A new library version can change results without any code change",
    ),
    (
        "seeds",
        "Every random step takes a seed, and seeded runs repeat exactly",
        "Without seeds nobody can tell a real improvement from luck",
    ),
    (
        "data",
        "The data files match their checksums, and runs record the data version",
        "A model is only as reproducible as the data it was trained on",
    ),
    (
        "code",
        "Each run records the code version (the git commit)",
        "To rebuild a model you need the code that made it",
    ),
    (
        "tracking",
        "Each run is logged with its parameters, metrics and model",
        "Hundreds of runs get lost without a record of which did what",
    ),
    (
        "registry",
        "The chosen model is registered and loads back with identical predictions",
        "The scoring job must run exactly the model that was approved",
    ),
)

_LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _normalise(name: str) -> str:
    """A package name in PEP 503 form, so 'Scikit_Learn' and 'scikit-learn' compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: str | Path | None = None) -> dict[str, str]:
    """The exact versions pinned in a lock file: ``{normalised name: version}``.

    Parameters
    ----------
    path : str or Path, optional
        A pip-style lock (``name==version`` lines; comments ignored). By default the
        repository's ``requirements.lock``.

    Returns
    -------
    dict of str to str

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the message says how to create it).

    Examples
    --------
    >>> lock = read_lock()
    >>> "numpy" in lock and "scikit-learn" in lock
    True
    """
    path = Path(path) if path is not None else casestudy.PROJECT_ROOT / "requirements.lock"
    if not path.is_file():
        raise FileNotFoundError(
            f"Lock file {str(path)!r} not found. Create it with "
            "'.venv/bin/python scripts/lock.py', or pass path=."
        )
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = _LOCK_LINE.match(line.strip())
        if found:
            pins[_normalise(found.group(1))] = found.group(2)
    return pins


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment_report(
    packages: Iterable[str] = KEY_PACKAGES,
    *,
    lock: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Python and the key packages: the version pinned in the lock, the one installed.

    Parameters
    ----------
    packages : iterable of str, default=KEY_PACKAGES
    lock : mapping of str to str, optional
        Pins as from :func:`read_lock` (default: the repository's lock).

    Returns
    -------
    DataFrame
        Index ``package``; columns ``locked``, ``installed`` and ``matches``. The first row
        is Python itself, compared with the major.minor version in ``environment.yml``.

    Examples
    --------
    >>> report = environment_report(["numpy"], lock={"numpy": "0.0.1"})
    >>> list(report.index), bool(report.loc["numpy", "matches"])
    (['python', 'numpy'], False)
    """
    pins = {_normalise(k): v for k, v in (read_lock() if lock is None else lock).items()}
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    rows = [("python", _python_pin(), python)]
    rows += [(_normalise(p), pins.get(_normalise(p)), _installed(p)) for p in packages]
    frame = pd.DataFrame(rows, columns=["package", "locked", "installed"])
    frame["matches"] = frame["locked"].notna() & (frame["locked"] == frame["installed"])
    return frame.set_index("package")


def _python_pin() -> str | None:
    env = casestudy.PROJECT_ROOT / "environment.yml"
    if not env.is_file():
        return None
    found = re.search(
        r"^\s*-\s*python\s*=\s*([0-9.]+)\s*$", env.read_text(encoding="utf-8"), flags=re.MULTILINE
    )
    return found.group(1) if found else None


def lock_drift(*, lock: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every pinned package whose installed version differs from the lock (or is missing).

    An empty table means the machine matches the pins exactly: the first thing to check
    when two people get different numbers from the same notebook.

    Parameters
    ----------
    lock : mapping of str to str, optional
        Pins as from :func:`read_lock` (default: the repository's lock).

    Returns
    -------
    DataFrame
        Columns ``package``, ``locked`` and ``installed`` (``None`` when not installed),
        sorted by package.

    Examples
    --------
    >>> lock_drift(lock={"numpy": "0.0.1", "no-such-package-xyz": "1.0"})["package"].tolist()
    ['no-such-package-xyz', 'numpy']
    """
    pins = read_lock() if lock is None else lock
    rows = [(name, want, _installed(name)) for name, want in sorted(pins.items())]
    frame = pd.DataFrame(rows, columns=["package", "locked", "installed"])
    return frame[frame["locked"] != frame["installed"]].reset_index(drop=True)


def _fingerprint(value: Any) -> str:
    """A short hash of a result (array, frame, number), to compare without printing it."""
    if isinstance(value, pd.DataFrame | pd.Series):
        data = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
    else:
        data = np.ascontiguousarray(np.asarray(value, dtype=float)).tobytes()
    return hashlib.sha256(data).hexdigest()[:12]


def seed_check(
    fn: Callable[[int | None], Any],
    *,
    seeds: Iterable[int | None],
    repeats: int = 2,
) -> pd.DataFrame:
    """Run ``fn(seed)`` several times per seed and say whether the results repeat exactly.

    Parameters
    ----------
    fn : callable taking a seed (int or None) and returning numbers
        The random computation, e.g. a Monte Carlo estimate or a model fit.
    seeds : iterable of int or None
        ``None`` means "no seed": the computation draws fresh randomness each time.
    repeats : int, default=2

    Returns
    -------
    DataFrame
        One row per seed: ``seed`` ("none" for None), ``repeats_exactly`` and
        ``fingerprint`` (a short hash of the seeded result; blank for an unseeded one,
        whose result changes from run to run).

    Raises
    ------
    ValueError
        If ``repeats`` is below 2 or no seeds are given.

    Examples
    --------
    >>> draw = lambda seed: np.random.default_rng(seed).random(5)
    >>> seed_check(draw, seeds=[0, None])[["seed", "repeats_exactly"]].values.tolist()
    [['0', True], ['none', False]]
    """
    seeds = list(seeds)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 2:
        raise ValueError(
            f"The 'repeats' parameter of seed_check must be an int of at least 2. "
            f"Got {repeats!r} instead."
        )
    if not seeds:
        raise ValueError("seed_check needs at least one seed, e.g. seeds=[0, None].")
    rows = []
    for seed in seeds:
        prints = {_fingerprint(fn(seed)) for _ in range(repeats)}
        same = len(prints) == 1
        shown = next(iter(prints)) if same and seed is not None else ""
        rows.append(("none" if seed is None else str(seed), same, shown))
    return pd.DataFrame(rows, columns=["seed", "repeats_exactly", "fingerprint"])


def verify_data(directory: str | Path | None = None) -> pd.DataFrame:
    """Check every file listed in ``SHA256SUMS`` against its recorded checksum.

    Parameters
    ----------
    directory : str or Path, optional
        A folder with a ``SHA256SUMS`` file (default: the shipped Bike Shop data).

    Returns
    -------
    DataFrame
        Columns ``file``, ``expected`` (first 12 hex characters) and ``matches``.

    Raises
    ------
    FileNotFoundError
        If the folder has no ``SHA256SUMS`` file.

    Examples
    --------
    >>> bool(verify_data()["matches"].all())
    True
    """
    folder = Path(directory) if directory is not None else casestudy.DATA_DIR
    rows = []
    for expected, name in _sums(folder):
        path = folder / name
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        rows.append((name, expected[:12], actual == expected))
    return pd.DataFrame(rows, columns=["file", "expected", "matches"])


def _sums(folder: Path) -> list[tuple[str, str]]:
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        raise FileNotFoundError(
            f"No checksum list {str(sums)!r}. Write one with "
            "'sha256sum <files> > SHA256SUMS' in that folder."
        )
    lines = sums.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(maxsplit=1)) for line in lines if line.strip()]


def files_version(directory: str | Path | None = None) -> str:
    """One short version string for a data release: a hash of its ``SHA256SUMS`` list.

    Any changed, added or removed file changes it. It versions the *files*; the content
    hash of loaded tables is :func:`casestudy.survey.data_version`.

    Examples
    --------
    >>> files_version().startswith("files:sha256:"), len(files_version())
    (True, 29)
    """
    folder = Path(directory) if directory is not None else casestudy.DATA_DIR
    listing = "\n".join(f"{h}  {n}" for h, n in sorted(_sums(folder), key=lambda x: x[1]))
    return "files:sha256:" + hashlib.sha256(listing.encode()).hexdigest()[:16]


def skeleton_table(
    gaps: pd.DataFrame,
    cutoff: str | pd.Timestamp,
    *,
    horizon_days: int = HORIZON_DAYS,
    active_days: int = ACTIVE_DAYS,
) -> pd.DataFrame:
    """The smallest modelling table: one feature and the lapse label, at one cut-off.

    A *walking skeleton* for sprint 0: just enough data to push a trivial model through
    training, tracking and the registry. It uses the lapse definition of
    :func:`casestudy.eda.lapse_rates` (active if seen in ``active_days``; lapsed if no
    visit in the next ``horizon_days``), on raw data, before any cleaning.

    Parameters
    ----------
    gaps : DataFrame
        From :func:`casestudy.eda.visit_gaps` (``customer_id``, ``cutoff``, ``since``,
        ``until``).
    cutoff : date
        Must be one of the cut-offs in ``gaps``.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``days_since_visit`` (float) and ``lapsed`` (int).

    Raises
    ------
    ValueError
        If ``gaps`` lacks a column or has no rows at ``cutoff``.

    Examples
    --------
    >>> gaps = pd.DataFrame({"customer_id": [1, 2, 3], "cutoff": pd.Timestamp("2024-01-01"),
    ...                      "since": [10, 200, 400], "until": [30, 300, np.nan]})
    >>> skeleton_table(gaps, "2024-01-01")["lapsed"].tolist()
    [0, 1]
    """
    missing = [c for c in ("customer_id", "cutoff", "since", "until") if c not in gaps]
    if missing:
        raise ValueError(
            f"skeleton_table: gaps lacks column(s) {missing}. Build it with "
            "casestudy.eda.visit_gaps(tables, cutoffs)."
        )
    at = gaps[gaps["cutoff"] == pd.Timestamp(cutoff)]
    if at.empty:
        raise ValueError(
            f"skeleton_table: no rows at cut-off {cutoff!s}. Pass one of the "
            "cut-offs given to visit_gaps."
        )
    g = at[at["since"] <= active_days]
    return pd.DataFrame(
        {
            "days_since_visit": g["since"].astype(float).to_numpy(),
            "lapsed": (~(g["until"] < horizon_days)).astype(int).to_numpy(),
        },
        index=pd.Index(g["customer_id"].to_numpy(), name="customer_id"),
    )


def same_predictions(first: Any, second: Any, X: Any) -> bool:  # noqa: N803 (sklearn style)
    """True if two fitted classifiers give bit-for-bit identical probabilities on ``X``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> a = DummyClassifier().fit([[0], [1]], [0, 1])
    >>> same_predictions(a, a, [[0], [5]])
    True
    """
    return bool(np.array_equal(first.predict_proba(X), second.predict_proba(X)))


def reproducibility_checklist(evidence: Mapping[str, bool | None]) -> pd.DataFrame:
    """The reproducibility checklist with each check's status from the evidence gathered.

    Parameters
    ----------
    evidence : mapping of check id to bool or None
        ``True`` (shown to hold), ``False`` (checked and failing) or ``None`` / absent
        (not checked yet). Ids are those of :data:`CHECKS`.

    Returns
    -------
    DataFrame
        Columns ``check``, ``why`` and ``status`` ("done", "failing" or "not checked").

    Raises
    ------
    ValueError
        For an id that is not in :data:`CHECKS` (the message lists the known ids).

    Examples
    --------
    >>> reproducibility_checklist({"seeds": True, "data": False})["status"].tolist()
    ['not checked', 'done', 'failing', 'not checked', 'not checked', 'not checked']
    """
    known = [c[0] for c in CHECKS]
    unknown = sorted(set(evidence) - set(known))
    if unknown:
        raise ValueError(
            f"reproducibility_checklist: unknown check id(s) {unknown}. Use ids from {known}."
        )
    label = {True: "done", False: "failing", None: "not checked"}
    states = {cid: None if evidence.get(cid) is None else bool(evidence[cid]) for cid in known}
    rows = [(check, why, label[states[cid]]) for cid, check, why in CHECKS]
    return pd.DataFrame(rows, columns=["check", "why", "status"], index=pd.Index(known, name="id"))
