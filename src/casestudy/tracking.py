"""Experiment runs and the model registry: MLflow on a local SQLite file, no server.

Every model the course trains is logged as a *run* that records what is needed to rebuild
it: the parameters, the metrics, the data version (a hash of the data it was trained on),
the code version (the git commit, whether the working tree had uncommitted changes, and the
package version) and the fitted model itself, saved with skops rather than pickle so that
loading a file cannot run arbitrary code.

The store is ``<root>/mlruns.db`` with artefacts under ``<root>/mlartifacts``, where
``root`` is the repository root, or the directory in the environment variable
``CASESTUDY_TRACKING_DIR`` (tests and workshop machines point it at a scratch folder), or
the ``root`` argument of each function. Importing this module does nothing: MLflow is
imported, and the store created, on first use. The functions use :class:`mlflow.MlflowClient`
with an explicit URI and never set MLflow's global tracking URI, and they hide MLflow's log
chatter only while they run.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import casestudy
from casestudy._tracking_support import (
    TRUSTED_PREFIXES,
    TrackingError,
    git_state,
    load_model_file,
    quiet,
    save_model,
)

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = [
    "ENV_VAR",
    "MODEL_ARTIFACT",
    "TRUSTED_PREFIXES",
    "TrackingError",
    "artifact_root",
    "code_version",
    "load_model",
    "load_run_model",
    "log_run",
    "register_model",
    "runs_table",
    "tracking_root",
    "tracking_uri",
]

#: Environment variable that moves the store (e.g. to a temporary directory in tests).
ENV_VAR = "CASESTUDY_TRACKING_DIR"

#: Where the empty-store template is cached (default ``<repo>/.cache``).
CACHE_ENV_VAR = "CASESTUDY_CACHE_DIR"

#: Where a run's model lives inside its artefacts.
MODEL_ARTIFACT = "model/model.skops"

#: Tags every run carries (besides MLflow's own).
_TAGS = ("data_version", "code_version", "git_commit", "git_dirty", "package_version")


def tracking_root(root: str | Path | None = None) -> Path:
    """The folder holding the store: ``root``, else ``$CASESTUDY_TRACKING_DIR``, else the repo.

    Examples
    --------
    >>> tracking_root("/tmp/runs").as_posix()
    '/tmp/runs'
    """
    chosen = root if root is not None else os.environ.get(ENV_VAR) or casestudy.PROJECT_ROOT
    return Path(chosen).expanduser().resolve()


def tracking_uri(root: str | Path | None = None) -> str:
    """The MLflow tracking (and registry) URI of the store: ``sqlite:///<root>/mlruns.db``.

    Examples
    --------
    >>> tracking_uri("/tmp/runs")
    'sqlite:////tmp/runs/mlruns.db'
    """
    return f"sqlite:///{tracking_root(root).as_posix()}/mlruns.db"


def artifact_root(root: str | Path | None = None) -> Path:
    """Where run artefacts (the saved models) are stored: ``<root>/mlartifacts``.

    Examples
    --------
    >>> artifact_root("/tmp/runs").as_posix()
    '/tmp/runs/mlartifacts'
    """
    return tracking_root(root) / "mlartifacts"


def code_version(repo: str | Path | None = None) -> dict[str, str]:
    """The code a run used: git commit, dirty flag and package version, and one summary.

    ``code_version`` reads like a PEP 440 local version, ``0.1.0+g<commit>`` with ``.dirty``
    appended when tracked files had uncommitted changes: a dirty run cannot be rebuilt
    exactly from the commit alone.

    Examples
    --------
    >>> sorted(code_version())
    ['code_version', 'git_commit', 'git_dirty', 'package_version']
    """
    commit, dirty = git_state(Path(repo) if repo is not None else casestudy.PROJECT_ROOT)
    summary = (
        f"{casestudy.__version__}+g{commit[:12]}"
        if commit != "unknown"
        else f"{casestudy.__version__}+unknown"
    )
    return {
        "code_version": summary + (".dirty" if dirty == "true" else ""),
        "git_commit": commit,
        "git_dirty": dirty,
        "package_version": casestudy.__version__,
    }


def _client(root: str | Path | None) -> MlflowClient:
    """A client on the store, creating the folder and database on first use."""
    from mlflow import MlflowClient

    folder = tracking_root(root)
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "mlruns.db"
    if not database.exists():
        shutil.copyfile(_empty_store_template(), database)
    uri = tracking_uri(folder)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _empty_store_template() -> Path:
    """An empty, fully migrated store to copy, built once per MLflow version and machine.

    Creating a new SQLite store runs MLflow's schema migrations, which take several seconds;
    notebooks that start from a fresh temporary store would pay that every time they run.
    Copying a migrated empty database instead takes milliseconds. The template lives in
    ``$CASESTUDY_CACHE_DIR`` (default ``<repo>/.cache``) and is written atomically, so two
    processes building it at once cannot leave a half-written file.
    """
    import mlflow
    from mlflow import MlflowClient

    cache = Path(os.environ.get(CACHE_ENV_VAR) or casestudy.PROJECT_ROOT / ".cache")
    template = cache / f"mlruns-empty-mlflow-{mlflow.__version__}.db"
    if template.exists():
        return template
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        building = Path(tmp) / "mlruns.db"
        uri = f"sqlite:///{building.as_posix()}"
        with quiet():
            MlflowClient(tracking_uri=uri, registry_uri=uri).search_experiments()
        os.replace(building, template)
    return template


def _experiment_id(
    client: MlflowClient, name: str, root: str | Path | None, *, create: bool
) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    if not create:
        known = sorted(e.name for e in client.search_experiments())
        raise TrackingError(
            f"No experiment {name!r} in {tracking_uri(root)}. Experiments "
            f"there: {known}. Log a run with log_run({name!r}, ...) first, "
            f"or check ${ENV_VAR}."
        )
    return client.create_experiment(name, artifact_location=artifact_root(root).as_uri())


def _check_run_inputs(experiment: Any, params: Any, metrics: Any, data_version: Any) -> None:
    if not isinstance(experiment, str) or not experiment.strip():
        raise TrackingError(
            f"log_run: 'experiment' must be a non-empty name. Got {experiment!r} instead."
        )
    for name, value in (("params", params), ("metrics", metrics)):
        if not isinstance(value, Mapping):
            raise TrackingError(
                f"log_run: '{name}' must be a mapping of name: value. Got "
                f"{type(value).__name__} instead."
            )
    bad = {
        k: v
        for k, v in metrics.items()
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
    }
    if bad:
        raise TrackingError(
            f"log_run: every metric must be a finite number. Got {bad}. "
            "Pass e.g. float(estimate.value), not the Estimate or nan."
        )
    if not isinstance(data_version, str) or not data_version.strip():
        raise TrackingError(
            "log_run: 'data_version' must be the data's hash string, e.g. "
            f"from casestudy.survey. Got {data_version!r} instead."
        )


def log_run(
    experiment: str,
    *,
    params: Mapping[str, Any],
    metrics: Mapping[str, float],
    data_version: str,
    model: Any = None,
    tags: Mapping[str, str] | None = None,
    run_name: str | None = None,
    root: str | Path | None = None,
) -> str:
    """Record one training run: parameters, metrics, data and code versions, and the model.

    Parameters
    ----------
    experiment : str
        The experiment (a question, e.g. "ch07 lapse models"); created if new.
    params : mapping of str to any
        Settings that define the run (stored as strings, as MLflow does).
    metrics : mapping of str to float
        Finite numbers (log an :class:`~casestudy.evaluate.Estimate`'s value, low and high
        as three metrics).
    data_version : str
        The hash of the data the model was trained and tested on.
    model : fitted scikit-learn estimator, optional
        Saved with skops as the artefact ``model/model.skops``.
    tags : mapping of str to str, optional
        Extra labels, e.g. ``{"chapter": "7"}``.
    run_name : str, optional
        A readable name (MLflow invents one otherwise).
    root : str or Path, optional
        Store folder (default: ``$CASESTUDY_TRACKING_DIR`` or the repository root).

    Returns
    -------
    str
        The run id.

    Raises
    ------
    TrackingError
        For an empty experiment name, non-mapping params or metrics, non-finite metrics or a
        missing data version. A failure while logging marks the run FAILED and re-raises.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     run_id = log_run("demo", params={"C": 1.0}, metrics={"auc": 0.78},
    ...                      data_version="sha256:abc", run_name="first", root=tmp)
    ...     runs_table("demo", root=tmp)[["run_name", "params.C", "metrics.auc"]].values.tolist()
    [['first', '1.0', 0.78]]
    """
    _check_run_inputs(experiment, params, metrics, data_version)
    all_tags = {**code_version(), "data_version": data_version, **(tags or {})}
    with quiet():
        from mlflow.entities import Metric, Param, RunTag

        client = _client(root)
        run = client.create_run(
            _experiment_id(client, experiment, root, create=True),
            tags={"mlflow.source.git.commit": all_tags["git_commit"]},
            run_name=run_name,
        )
        run_id = run.info.run_id
        try:
            stamp = run.info.start_time
            client.log_batch(
                run_id,
                params=[Param(str(k), str(v)) for k, v in params.items()],
                metrics=[Metric(str(k), float(v), stamp, 0) for k, v in metrics.items()],
                tags=[RunTag(str(k), str(v)) for k, v in all_tags.items()],
            )
            if model is not None:
                _log_model(client, run_id, model)
        except BaseException:
            client.set_terminated(run_id, status="FAILED")
            raise
        client.set_terminated(run_id)
    return run_id


def _log_model(client: MlflowClient, run_id: str, model: Any) -> None:
    folder, name = MODEL_ARTIFACT.rsplit("/", 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = save_model(model, Path(tmp) / name)
        client.log_artifact(run_id, str(path), artifact_path=folder)
    client.set_tag(run_id, "casestudy.model", MODEL_ARTIFACT)


def runs_table(experiment: str, *, root: str | Path | None = None) -> pd.DataFrame:
    """The experiment's runs, oldest first: ids, names, versions, params and metrics.

    Columns: ``run_id``, ``run_name``, ``status``, ``start_time``, ``data_version``,
    ``code_version``, ``git_dirty``, ``has_model``, then ``params.<name>`` (strings) and
    ``metrics.<name>`` (floats), each group sorted by name.

    Raises
    ------
    TrackingError
        If the experiment does not exist in this store (the message lists those that do).
    """
    with quiet():
        client = _client(root)
        exp = _experiment_id(client, experiment, root, create=False)
        runs, token = [], None
        while True:
            page = client.search_runs(
                [exp], max_results=1000, page_token=token, order_by=["attributes.start_time ASC"]
            )
            runs.extend(page)
            token = page.token
            if not token:
                break
    return _table([_row(r) for r in runs])


def _row(run: Any) -> dict[str, Any]:
    tags = run.data.tags
    row = {
        "run_id": run.info.run_id,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "start_time": pd.Timestamp(run.info.start_time, unit="ms", tz="UTC"),
        **{k: tags.get(k) for k in ("data_version", "code_version", "git_dirty")},
        "has_model": tags.get("casestudy.model") == MODEL_ARTIFACT,
    }
    row.update({f"params.{k}": v for k, v in run.data.params.items()})
    row.update({f"metrics.{k}": v for k, v in run.data.metrics.items()})
    return row


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    fixed = [
        "run_id",
        "run_name",
        "status",
        "start_time",
        "data_version",
        "code_version",
        "git_dirty",
        "has_model",
    ]
    frame = pd.DataFrame(rows, columns=None if rows else fixed)
    extra = sorted(c for c in frame.columns if c not in fixed)
    params = [c for c in extra if c.startswith("params.")]
    metrics = [c for c in extra if c.startswith("metrics.")]
    frame = frame.reindex(columns=fixed + params + metrics)
    return frame.sort_values(["start_time", "run_name"], kind="stable").reset_index(drop=True)


def load_run_model(run_id: str, *, root: str | Path | None = None) -> Any:
    """Load the model saved with a run (skops; only trusted types, see TRUSTED_PREFIXES).

    Raises
    ------
    TrackingError
        If the run has no model, or the file holds types outside the trusted prefixes.
    """
    with quiet():
        client = _client(root)
        run = client.get_run(run_id)
        if run.data.tags.get("casestudy.model") != MODEL_ARTIFACT:
            raise TrackingError(
                f"Run {run_id} has no model: it was logged without model=. "
                "Log the fitted estimator with log_run(..., model=fitted)."
            )
        with tempfile.TemporaryDirectory() as tmp:
            path = client.download_artifacts(run_id, MODEL_ARTIFACT, tmp)
            return load_model_file(Path(path))


def register_model(
    run_id: str,
    name: str,
    *,
    alias: str | None = None,
    root: str | Path | None = None,
) -> int:
    """Register a run's model under ``name`` as a new version; optionally point ``alias`` at it.

    Aliases ("champion", "challenger") let the scoring job load "the champion" without
    knowing which version it is; moving the alias is the decision to deploy.

    Returns
    -------
    int
        The new version number (1, 2, ...).
    """
    with quiet():
        client = _client(root)
        run = client.get_run(run_id)
        if run.data.tags.get("casestudy.model") != MODEL_ARTIFACT:
            raise TrackingError(
                f"Run {run_id} has no model to register. Log one with "
                "log_run(..., model=fitted) first."
            )
        from mlflow.exceptions import MlflowException

        try:
            client.get_registered_model(name)
        except MlflowException:
            client.create_registered_model(name)
        version = client.create_model_version(
            name,
            source=f"{run.info.artifact_uri}/{MODEL_ARTIFACT.rsplit('/', 1)[0]}",
            run_id=run_id,
        )
        if alias is not None:
            client.set_registered_model_alias(name, alias, version.version)
    return int(version.version)


def load_model(name: str, alias: str = "champion", *, root: str | Path | None = None) -> Any:
    """Load the registered model version that ``alias`` points to.

    Raises
    ------
    TrackingError
        If the model or alias does not exist (the message lists the aliases that do).
    """
    with quiet():
        from mlflow.exceptions import MlflowException

        client = _client(root)
        try:
            version = client.get_model_version_by_alias(name, alias)
        except MlflowException:
            try:
                aliases = sorted(client.get_registered_model(name).aliases)
            except MlflowException:
                aliases = None
            where = (
                f"model {name!r} has aliases {aliases}"
                if aliases is not None
                else f"there is no registered model {name!r}"
            )
            raise TrackingError(
                f"Cannot load {name!r}@{alias!r}: {where} in "
                f"{tracking_uri(root)}. Register one with "
                f"register_model(run_id, {name!r}, alias={alias!r})."
            ) from None
    return load_run_model(version.run_id, root=root)
