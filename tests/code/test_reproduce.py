"""casestudy.reproduce: lock pins, drift, seeds, data checksums, the skeleton table, checklist."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from casestudy import eda, reproduce
from casestudy.data import load_bike_shop


def test_read_lock_normalises_names_and_skips_comments(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pins\nScikit_Learn==1.2.3\nFaker==40.0\n\nnot a pin\n")
    assert reproduce.read_lock(lock) == {"scikit-learn": "1.2.3", "faker": "40.0"}


def test_read_lock_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"scripts/lock\.py"):
        reproduce.read_lock(tmp_path / "nope.lock")


def test_shipped_lock_pins_the_key_packages():
    lock = reproduce.read_lock()
    assert all(p in lock for p in reproduce.KEY_PACKAGES)


def test_environment_report_flags_a_mismatch_and_an_unpinned_package():
    report = reproduce.environment_report(["numpy", "pandas"], lock={"numpy": "0.0.1"})
    assert list(report.columns) == ["locked", "installed", "matches"]
    assert report.index[0] == "python"
    assert not report.loc["numpy", "matches"] and not report.loc["pandas", "matches"]
    assert report.loc["pandas", "locked"] is None or pd.isna(report.loc["pandas", "locked"])


def test_lock_drift_lists_only_differences():
    import numpy

    drift = reproduce.lock_drift(lock={"numpy": numpy.__version__, "pandas": "0.0.1"})
    assert drift["package"].tolist() == ["pandas"]
    assert drift.loc[0, "installed"] == pd.__version__


def test_seed_check_seeded_repeats_and_unseeded_does_not():
    table = reproduce.seed_check(lambda s: np.random.default_rng(s).random(10), seeds=[1, None])
    assert table["repeats_exactly"].tolist() == [True, False]
    assert len(table.loc[0, "fingerprint"]) == 12 and table.loc[1, "fingerprint"] == ""


def test_seed_check_fingerprint_is_stable_across_calls():
    def fn(s):
        return pd.Series(np.random.default_rng(s).random(3))

    a = reproduce.seed_check(fn, seeds=[7])
    b = reproduce.seed_check(fn, seeds=[7])
    assert a.equals(b)


@pytest.mark.parametrize(
    "kwargs", [{"seeds": [0], "repeats": 1}, {"seeds": []}, {"seeds": [0], "repeats": True}]
)
def test_seed_check_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="seed"):
        reproduce.seed_check(lambda s: [1.0], **kwargs)


def test_verify_data_passes_on_the_shipped_files_and_catches_a_change(tmp_path):
    assert reproduce.verify_data()["matches"].all()
    (tmp_path / "a.csv").write_text("x\n1\n")
    digest = hashlib.sha256(b"x\n1\n").hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  a.csv\n{'0' * 64}  gone.csv\n")
    assert reproduce.verify_data(tmp_path)["matches"].tolist() == [True, False]
    before = reproduce.files_version(tmp_path)
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  a.csv\n")
    assert reproduce.files_version(tmp_path) != before


def test_verify_data_without_checksums_says_how_to_write_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="sha256sum"):
        reproduce.verify_data(tmp_path)


@pytest.fixture(scope="module")
def gaps():
    return eda.visit_gaps(load_bike_shop(), [pd.Timestamp("2024-01-01")])


def test_skeleton_table_agrees_with_eda_lapse_rates(gaps):
    table = reproduce.skeleton_table(gaps, "2024-01-01")
    rates = eda.lapse_rates(gaps)
    assert len(table) == rates["active"].iloc[0]
    assert table["lapsed"].mean() == pytest.approx(rates["lapse_rate"].iloc[0])
    assert table.index.is_unique and table["days_since_visit"].max() <= 365


def test_skeleton_table_errors_name_the_problem(gaps):
    with pytest.raises(ValueError, match="lacks column"):
        reproduce.skeleton_table(gaps.drop(columns="until"), "2024-01-01")
    with pytest.raises(ValueError, match="no rows at cut-off"):
        reproduce.skeleton_table(gaps, "1999-01-01")


def test_same_predictions_tells_models_apart():
    x, y = np.arange(20.0).reshape(-1, 1), np.array([0, 1] * 10)
    a = LogisticRegression().fit(x, y)
    b = DummyClassifier().fit(x, y)
    assert reproduce.same_predictions(a, a, x) and not reproduce.same_predictions(a, b, x)


def test_checklist_statuses_and_unknown_ids():
    table = reproduce.reproducibility_checklist({"environment": np.True_, "seeds": False})
    assert table.loc["environment", "status"] == "done"
    assert table.loc["seeds", "status"] == "failing"
    assert table.loc["registry", "status"] == "not checked"
    with pytest.raises(ValueError, match="unknown check id"):
        reproduce.reproducibility_checklist({"vibes": True})
