"""casestudy.tracking on a throw-away SQLite store (one store per module: creating one is slow)."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import casestudy
from casestudy import tracking as tr


@pytest.fixture(scope="module")
def xy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    y = (x[:, 0] + rng.normal(scale=0.5, size=300) > 0).astype(int)
    return x, y


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    """An empty store, built once: creating the schema takes seconds, copying it does not."""
    from mlflow import MlflowClient

    from casestudy._tracking_support import quiet

    root = tmp_path_factory.mktemp("template")
    with quiet():
        MlflowClient(tracking_uri=tr.tracking_uri(root)).search_experiments()
    return root / "mlruns.db"


@pytest.fixture
def fresh(empty_db, tmp_path):
    """Make a new, empty store folder under tmp_path (a fresh clone's first use)."""

    def make(name: str) -> Path:
        (tmp_path / name).mkdir()
        shutil.copy(empty_db, tmp_path / name / "mlruns.db")
        return tmp_path / name

    return make


@pytest.fixture(scope="module")
def store(tmp_path_factory, empty_db) -> Path:
    root = tmp_path_factory.mktemp("tracking")
    shutil.copy(empty_db, root / "mlruns.db")
    return root


@pytest.fixture(scope="module")
def logged(store, xy):
    """One run with a fitted pipeline, logged once for the module."""
    x, y = xy
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.5)).fit(x, y)
    run_id = tr.log_run(
        "ch07 lapse",
        params={"C": 0.5, "features": "rfm"},
        metrics={"roc_auc": 0.81, "brier": 0.17},
        data_version="sha256:feed",
        model=model,
        tags={"chapter": "7"},
        run_name="logistic",
        root=store,
    )
    return run_id, model


def test_uri_and_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv(tr.ENV_VAR, raising=False)
    assert tr.tracking_uri() == f"sqlite:///{casestudy.PROJECT_ROOT.as_posix()}/mlruns.db"
    monkeypatch.setenv(tr.ENV_VAR, str(tmp_path))
    assert tr.tracking_uri() == f"sqlite:///{tmp_path.as_posix()}/mlruns.db"
    assert tr.artifact_root() == tmp_path / "mlartifacts"
    assert tr.tracking_uri("/elsewhere") == "sqlite:////elsewhere/mlruns.db"  # argument wins
    assert not (tmp_path / "mlruns.db").exists()  # computing a URI creates nothing


def test_import_has_no_side_effects(tmp_path):
    code = "import sys, casestudy.tracking; print('mlflow' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"CASESTUDY_TRACKING_DIR": str(tmp_path / "s")},
        check=True,
    )
    assert out.stdout.strip() == "False"
    assert not (tmp_path / "s").exists() and not list(tmp_path.iterdir())


def test_run_is_listed_with_versions(logged, store):
    run_id, _ = logged
    table = tr.runs_table("ch07 lapse", root=store)
    row = table.set_index("run_id").loc[run_id]
    assert row["run_name"] == "logistic" and row["status"] == "FINISHED"
    assert row["params.C"] == "0.5" and row["params.features"] == "rfm"
    assert row["metrics.roc_auc"] == 0.81 and row["metrics.brier"] == 0.17
    assert row["data_version"] == "sha256:feed"
    assert row["code_version"].startswith(f"{casestudy.__version__}+")
    assert row["git_dirty"] in {"true", "false", "unknown"}
    assert bool(row["has_model"])
    assert (store / "mlruns.db").exists() and (store / "mlartifacts").is_dir()


def test_code_version_matches_git(logged, store):
    from mlflow import MlflowClient

    run_id, _ = logged
    tags = MlflowClient(tracking_uri=tr.tracking_uri(store)).get_run(run_id).data.tags
    head = subprocess.run(
        ["git", "-C", str(casestudy.PROJECT_ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert len(tags["git_commit"]) == 40  # a commit (HEAD may have moved on since: shared tree)
    assert len(head) == 40
    assert tags["package_version"] == casestudy.__version__
    assert tags["chapter"] == "7"
    assert tags["mlflow.source.git.commit"] == tags["git_commit"]


def test_model_loads_back_and_predicts_identically(logged, store, xy):
    run_id, model = logged
    loaded = tr.load_run_model(run_id, root=store)
    np.testing.assert_array_equal(loaded.predict_proba(xy[0]), model.predict_proba(xy[0]))
    artefact = next((store / "mlartifacts").rglob("model.skops"))
    assert artefact.read_bytes()[:2] == b"PK"  # a skops zip file, not a pickle


def test_registry_alias(logged, store, xy):
    run_id, model = logged
    x, y = xy
    other = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(x, y)
    other_id = tr.log_run(
        "ch07 lapse",
        params={"max_iter": 10},
        metrics={"roc_auc": 0.79},
        data_version="sha256:feed",
        model=other,
        root=store,
    )
    assert tr.register_model(run_id, "lapse", alias="champion", root=store) == 1
    assert tr.register_model(other_id, "lapse", alias="challenger", root=store) == 2
    champion = tr.load_model("lapse", root=store)
    np.testing.assert_array_equal(champion.predict_proba(x), model.predict_proba(x))
    challenger = tr.load_model("lapse", "challenger", root=store)
    np.testing.assert_array_equal(challenger.predict_proba(x), other.predict_proba(x))
    tr.register_model(other_id, "lapse", alias="champion", root=store)  # promote: version 3
    np.testing.assert_array_equal(
        tr.load_model("lapse", root=store).predict_proba(x), other.predict_proba(x)
    )
    with pytest.raises(tr.TrackingError, match=r"has aliases \['challenger', 'champion'\]"):
        tr.load_model("lapse", "retired", root=store)


def test_untrusted_model_types_are_refused(store, xy):
    x, _ = xy
    odd = FunctionTransformer(func=math.sqrt).fit(np.abs(x))
    run_id = tr.log_run(
        "ch07 lapse", params={}, metrics={}, data_version="sha256:feed", model=odd, root=store
    )
    with pytest.raises(tr.TrackingError, match=r"not trusted: \['math.sqrt'\]"):
        tr.load_run_model(run_id, root=store)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"experiment": ""}, "'experiment' must be a non-empty name"),
        ({"params": [1, 2]}, "'params' must be a mapping"),
        ({"metrics": {"auc": float("nan")}}, "every metric must be a finite number"),
        ({"metrics": {"auc": "0.8"}}, "every metric must be a finite number"),
        ({"data_version": None}, "'data_version' must be the data's hash"),
    ],
)
def test_bad_run_inputs(kwargs, message, tmp_path):
    args = {"experiment": "x", "params": {}, "metrics": {}, "data_version": "v"} | kwargs
    with pytest.raises(tr.TrackingError, match=message):
        tr.log_run(args.pop("experiment"), root=tmp_path, **args)
    assert not (tmp_path / "mlruns.db").exists()  # rejected before touching the store


def test_missing_things_say_what_exists(store, logged):
    with pytest.raises(tr.TrackingError, match=r"No experiment 'nope'.*'ch07 lapse'"):
        tr.runs_table("nope", root=store)
    no_model = tr.log_run("ch07 lapse", params={}, metrics={}, data_version="v", root=store)
    with pytest.raises(tr.TrackingError, match="has no model"):
        tr.load_run_model(no_model, root=store)
    with pytest.raises(tr.TrackingError, match="no model to register"):
        tr.register_model(no_model, "lapse", root=store)


def _notebook(root: Path, xy) -> pd.DataFrame:
    """What a chapter notebook does: fit two candidates, log both, list the runs."""
    x, y = xy
    for c in (0.1, 1.0):
        model = LogisticRegression(C=c).fit(x, y)
        auc = float(np.round(model.score(x, y), 6))
        tr.log_run(
            "notebook",
            params={"C": c},
            metrics={"accuracy": auc},
            data_version="sha256:feed",
            model=model,
            run_name=f"C={c}",
            root=root,
        )
    return tr.runs_table("notebook", root=root)


def test_rerunning_a_notebook_gives_the_same_table(fresh, xy):
    first = _notebook(fresh("a"), xy)
    second = _notebook(fresh("b"), xy)
    volatile = ["run_id", "start_time"]
    pd.testing.assert_frame_equal(first.drop(columns=volatile), second.drop(columns=volatile))
    assert first["run_name"].tolist() == ["C=0.1", "C=1.0"]
    assert first["run_id"].is_unique


def test_first_use_is_quiet(tmp_path, capfd):
    """Creating the store and logging print nothing (no MLflow INFO lines, no progress bars),
    and MLflow's logger levels are left as they were."""
    import logging

    import mlflow  # noqa: F401  (sets MLflow's own logger level on import)

    before = logging.getLogger("mlflow").level
    run_id = tr.log_run(
        "quiet",
        params={"a": 1},
        metrics={"m": 1.0},
        data_version="v",
        model=LogisticRegression().fit([[0], [1]], [0, 1]),
        root=tmp_path,
    )
    tr.load_run_model(run_id, root=tmp_path)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert logging.getLogger("mlflow").level == before


def test_fresh_stores_are_copied_from_one_migrated_template(tmp_path, monkeypatch):
    monkeypatch.setenv("CASESTUDY_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("a", "b"):
        tr.log_run("template", params={"p": 1}, metrics={"m": 0.5}, data_version="v",
                   root=tmp_path / name)  # fmt: skip
    templates = list((tmp_path / "cache").glob("mlruns-empty-mlflow-*.db"))
    assert len(templates) == 1
    assert len(tr.runs_table("template", root=tmp_path / "b")) == 1
