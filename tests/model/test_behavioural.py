# ruff: noqa: N806  (X is scikit-learn's name for a feature matrix)
"""Behavioural tests of the lapse model (Made-With-ML style): invariance, direction, floors.

By default the model is the book's choice (the logistic candidate) fitted on the book's
training months. Set ``CASESTUDY_MODEL_RUN_ID`` to test a tracked run's model instead (the
store is ``$CASESTUDY_TRACKING_DIR`` or the repository's).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from casestudy import models as mm
from casestudy._models_fit import fit_clone

pytestmark = pytest.mark.slow

#: The least the model must reach on the test month (the Bayes limit is about 0.83).
AUC_FLOOR = 0.77


@pytest.fixture(scope="module")
def data() -> mm.SplitData:
    return mm.book_data()


@pytest.fixture(scope="module")
def model(data: mm.SplitData):
    run_id = os.environ.get("CASESTUDY_MODEL_RUN_ID")
    if run_id:
        from casestudy.tracking import load_run_model

        return load_run_model(run_id)
    fitted = fit_clone(mm.candidate_models()["logistic"], data.train.X, data.train.y)
    return fitted


@pytest.fixture(scope="module")
def scores(model, data: mm.SplitData) -> np.ndarray:
    return mm.lapse_probability(model, data.test.X)


# --- invariance ---------------------------------------------------------------------------------


def test_protected_attributes_and_keys_are_not_features(data: mm.SplitData) -> None:
    forbidden = {
        "age_band",
        "gender",
        "postcode_area",
        "customer_id",
        "key",
        "date_of_birth",
        "postcode",
        "email",
        "name",
        "account_status",
    }
    assert forbidden.isdisjoint(data.test.X.columns)


def test_changing_the_pseudonymised_key_does_not_change_the_score(model, data, scores) -> None:
    X = data.test.X.copy()
    X.index = X.index.set_levels([f"other{i}" for i in range(X.index.levshape[1])], level="key")
    np.testing.assert_array_equal(mm.lapse_probability(model, X), scores)


def test_changing_gender_in_the_audit_frame_does_not_change_the_score(model, data, scores):
    audit = data.test.audit.copy()
    audit["gender"] = np.where(audit["gender"] == "female", "male", "female")
    table = mm.ModellingTable(X=data.test.X, y=data.test.y, audit=audit, keys=data.test.keys)
    np.testing.assert_array_equal(mm.lapse_probability(model, table.X), scores)


# --- direction -----------------------------------------------------------------------------------


def test_a_more_recent_visit_lowers_the_lapse_probability(model, data) -> None:
    X = data.test.X
    recent = mm.lapse_probability(model, X.assign(recency_days=14))
    long_ago = mm.lapse_probability(model, X.assign(recency_days=300))
    assert recent.mean() < long_ago.mean() - 0.05
    assert np.mean(recent <= long_ago) > 0.95


def test_more_visits_lower_the_lapse_probability_on_average(model, data) -> None:
    X = data.test.X
    few = mm.lapse_probability(model, X.assign(visits_365d=1.0, visits_90d=0.0))
    many = mm.lapse_probability(model, X.assign(visits_365d=8.0, visits_90d=2.0))
    assert many.mean() < few.mean()


# --- minimum functionality ----------------------------------------------------------------------


def test_beats_every_baseline_rule(data, scores) -> None:
    y = data.test.y.to_numpy()
    auc = roc_auc_score(y, scores)
    for name, rule in mm.baseline_rules().items():
        fitted = fit_clone(rule, data.train.X, data.train.y)
        rule_auc = roc_auc_score(y, mm.lapse_probability(fitted, data.test.X))
        assert auc > rule_auc + 0.01, name


def test_metric_floor_and_calibration(data, scores) -> None:
    y = data.test.y.to_numpy()
    assert roc_auc_score(y, scores) >= AUC_FLOOR
    base = y.mean()
    assert np.mean((scores - y) ** 2) < base * (1 - base)  # better than the base rate
    assert abs(scores.mean() - base) < 0.05  # the monthly volume plan relies on this
