"""Helpers of :mod:`casestudy.tracking` (private): quiet MLflow, git state, skops files.

Nothing here runs on import: MLflow is imported inside the functions (importing it takes
about a second and configures its loggers), and its log noise is turned down only for the
duration of a call, then restored.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Loggers whose INFO chatter ("Creating initial MLflow database tables...") is hidden.
_NOISY_LOGGERS = ("mlflow", "alembic", "sqlalchemy")

#: Type prefixes a model file may contain to be loaded. skops refuses anything else, so a
#: tampered or foreign file cannot run code on load (unlike pickle).
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "casestudy.")


class TrackingError(ValueError):
    """A tracking call cannot go ahead; the message says why and how to fix it."""


@contextmanager
def quiet() -> Iterator[None]:
    """Silence MLflow's INFO logs, progress bars and known warnings inside the block only."""
    import mlflow  # noqa: F401  (importing it resets its logger levels, so import first)

    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    levels = [lg.level for lg in loggers]
    bar = os.environ.get("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR")
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    try:
        for lg in loggers:
            lg.setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"mlflow(\..*)?")
            warnings.filterwarnings("ignore", module=r"alembic(\..*)?")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        if bar is None:
            os.environ.pop("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", None)
        else:
            os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = bar


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state(repo: Path) -> tuple[str, str]:
    """The commit checked out in ``repo`` and whether tracked files have uncommitted changes.

    Returns ``("unknown", "unknown")`` outside a git clone (e.g. an installed package).
    Untracked files do not count as dirty (as in ``git describe --dirty``).
    """
    commit = _git(repo, "rev-parse", "HEAD")
    if not commit:
        return "unknown", "unknown"
    status = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return commit, "unknown" if status is None else str(bool(status)).lower()


def save_model(model: Any, path: Path) -> Path:
    """Save a fitted estimator with skops (safe persistence: no pickle)."""
    import skops.io as sio

    sio.dump(model, path)
    return path


def load_model_file(path: Path) -> Any:
    """Load a skops file, trusting only types from scikit-learn, numpy, scipy and casestudy."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise TrackingError(
            f"The model file {path} contains types that are not trusted: {refused}. Only types "
            f"from {list(TRUSTED_PREFIXES)} are loaded; inspect the file with "
            "skops.io.get_untrusted_types before trusting it."
        )
    return sio.load(path, trusted=untrusted)
