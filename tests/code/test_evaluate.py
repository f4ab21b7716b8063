"""casestudy.evaluate against scikit-learn, fairlearn, hand computation and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate, true_positive_rate
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

from casestudy import evaluate as ev
from casestudy.evaluate import EvaluationInputError, UndefinedMetricWarning
from casestudy.plan.value import ValueAssumptions, policy_value

MONEY = {"margin": 150.0, "offer_cost": 10.0, "success_rate": 0.3}


def _data(n: int = 600, seed: int = 1, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 1)))
    return y, (np.round(p, 1) if ties else p)


@pytest.fixture
def yp():
    return _data()


# --- agreement with scikit-learn ----------------------------------------------------------


@pytest.mark.parametrize("ties", [False, True])
def test_point_estimates_match_sklearn(ties):
    y, p = _data(ties=ties)
    assert ev.roc_auc_score_ci(y, p, n_resamples=10).value == pytest.approx(roc_auc_score(y, p))
    assert ev.average_precision_score_ci(y, p, n_resamples=10).value == pytest.approx(
        average_precision_score(y, p)
    )


@pytest.mark.parametrize("metric", ["roc_auc", "average_precision"])
@pytest.mark.parametrize("stratify", [True, False])
def test_vectorised_bootstrap_equals_sklearn_on_each_resample(metric, stratify):
    """Redraw the same resamples by hand and score each one with scikit-learn."""
    from casestudy._evaluate_metrics import _bootstrap, _draws

    y, p = _data(n=200, ties=True)
    fast = _bootstrap(metric, y, [p], n_resamples=20, random_state=3, stratify=stratify)[0]
    draws = _draws(y, 20, np.random.default_rng(3), stratify)
    sk = {"roc_auc": roc_auc_score, "average_precision": average_precision_score}[metric]
    slow = [sk(y[d], p[d]) for d in draws]
    np.testing.assert_allclose(fast, slow)


def test_stratified_resamples_keep_class_counts(yp):
    from casestudy._evaluate_metrics import _draws

    y, _ = yp
    draws = _draws(y, 50, np.random.default_rng(0), True)
    assert draws.shape == (50, y.size)
    assert (y[draws].sum(axis=1) == y.sum()).all()


def test_interval_brackets_value_and_is_deterministic(yp):
    y, p = yp
    first = ev.roc_auc_score_ci(y, p, n_resamples=300, random_state=7)
    again = ev.roc_auc_score_ci(y, p, n_resamples=300, random_state=7)
    other = ev.roc_auc_score_ci(y, p, n_resamples=300, random_state=8)
    assert first == again
    assert first != other
    assert first.low < first.value < first.high
    assert first.level == 0.95


def test_estimate_str():
    assert str(ev.Estimate(0.7812, 0.7701, 0.7923, 0.95)) == "0.781 (95% CI 0.770 to 0.792)"
    assert str(ev.Estimate(0.5, 0.4, 0.6, 0.9)) == "0.500 (90% CI 0.400 to 0.600)"


def test_one_class_warns_and_returns_nan():
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        est = ev.roc_auc_score_ci([1, 1, 1], [0.2, 0.5, 0.9], n_resamples=10)
    assert np.isnan([est.value, est.low, est.high]).all()


def test_unstratified_degenerate_resamples_warn_and_are_left_out():
    y, p = [0, 0, 0, 0, 0, 0, 1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9]
    with pytest.warns(UndefinedMetricWarning, match="resamples had only one class"):
        est = ev.roc_auc_score_ci(y, p, n_resamples=200, stratify=False)
    assert est.value == 1.0 and np.isfinite(est.low)


def test_paired_difference(yp):
    y, p = yp
    noisy = p + np.random.default_rng(0).normal(scale=0.3, size=p.size)
    noisy = np.clip(noisy, 0, 1)
    c = ev.paired_auc_difference(y, p, noisy, n_resamples=300, random_state=1)
    assert c.a.value == pytest.approx(roc_auc_score(y, p))
    assert c.b.value == pytest.approx(roc_auc_score(y, noisy))
    assert c.difference.value == pytest.approx(c.a.value - c.b.value)
    assert c.difference.low > 0 and c.share_a_better > 0.95
    assert c == ev.paired_auc_difference(y, p, noisy, n_resamples=300, random_state=1)
    same = ev.paired_auc_difference(y, p, p, n_resamples=50)
    assert same.difference.value == 0 and same.share_a_better == 0
    assert "A better in" in str(c)


def test_paired_difference_uses_the_same_resamples(yp):
    """The paired interval is narrower than the spread of two independent ones."""
    y, p = yp
    q = np.clip(p + np.random.default_rng(5).normal(scale=0.05, size=p.size), 0, 1)
    c = ev.paired_auc_difference(y, p, q, n_resamples=300)
    a = ev.roc_auc_score_ci(y, p, n_resamples=300)
    assert (c.difference.high - c.difference.low) < (a.high - a.low) / 2
    assert c.a == a  # same seed, same resamples as the single-model interval


# --- calibration ------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_reliability_matches_calibration_curve(yp, strategy):
    y, p = yp
    t = ev.reliability_table(y, p, n_bins=8, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=8, strategy=strategy)
    np.testing.assert_allclose(t["observed_rate"], prob_true)
    np.testing.assert_allclose(t["mean_predicted"], prob_pred)
    assert t["count"].sum() == y.size


def test_brier_matches_sklearn(yp):
    y, p = yp
    assert ev.brier_loss(y, p) == pytest.approx(brier_score_loss(y, p))


def test_plot_reliability_uses_the_course_palette(yp):
    from casestudy.plotting import ROLE_COLOURS

    fig = ev.plot_reliability(*yp, label="logistic")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["perfectly calibrated", "logistic"]
    assert ax.lines[1].get_color() == ROLE_COLOURS["model"]
    assert len(fig.axes) == 2


# --- money ------------------------------------------------------------------------------------

Y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0]
P = [0.95, 0.9, 0.85, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05]


def test_value_by_hand():
    # threshold 0.5: invite 5 (TP 3, FP 2); kept = 3 * 0.3 = 0.9; 0.9 * 150 - 5 * 10 = 85
    o = ev.targeting_outcome(Y, P, threshold=0.5, **MONEY)
    assert (o.invited, o.true_positives, o.false_positives) == (5, 3, 2)
    assert o.precision == 0.6 and o.recall == 0.75
    assert o.kept == pytest.approx(0.9) and o.value == pytest.approx(85.0)
    assert not o.capped and o.population == 10 and o.monthly_invitations == 5


def test_value_reuses_plan_value_model():
    o = ev.targeting_outcome(Y, P, threshold=0.5, **MONEY)
    a = ValueAssumptions(active_customers=10, base_rate=0.4, **MONEY)
    assert o.value == policy_value(0.6, 5, assumptions=a).value


def test_precision_recall_match_sklearn(yp):
    y, p = yp
    o = ev.targeting_outcome(y, p, threshold=0.4, **MONEY)
    assert o.precision == pytest.approx(precision_score(y, p >= 0.4))
    assert o.recall == pytest.approx(recall_score(y, p >= 0.4))


def test_capacity_invites_the_top_scores():
    # capacity 2: the top two (0.95, 0.9) are lapsers; 2 * 0.3 * 150 - 2 * 10 = 70
    o = ev.targeting_outcome(Y, P, threshold=0.5, capacity=2, **MONEY)
    assert (o.invited, o.true_positives, o.capped) == (2, 2, True)
    assert o.value == pytest.approx(70.0)
    assert not ev.targeting_outcome(Y, P, threshold=0.5, capacity=5, **MONEY).capped


def test_population_scaling():
    # the 10 customers stand for 1,000: invite 500, reach 300, keep 90: 90*150 - 500*10 = 8,500
    o = ev.targeting_outcome(Y, P, threshold=0.5, population=1000, **MONEY)
    assert (o.invited, o.monthly_invitations, o.population) == (5, 500, 1000)
    assert o.value == pytest.approx(8500.0)
    # a monthly capacity of 200 is 2 of the 10 test customers
    capped = ev.targeting_outcome(Y, P, threshold=0.5, population=1000, capacity=200, **MONEY)
    assert capped.invited == 2 and capped.value == pytest.approx(200 * 0.3 * 150 - 200 * 10)


def test_assumptions_default_and_override():
    a = ValueAssumptions()
    default = ev.targeting_value(Y, P, threshold=0.5)
    assert default == pytest.approx(3 * a.success_rate * a.margin - 5 * a.offer_cost)
    assert ev.targeting_value(Y, P, threshold=0.5, assumptions=a, margin=0.0) == -5 * a.offer_cost


def test_value_curve_and_best_threshold():
    c = ev.value_curve(Y, P, **MONEY)
    assert len(c) == 101 and c["invited"].is_monotonic_decreasing
    assert c.loc[c["threshold"] == 0.5, "value"].item() == pytest.approx(85.0)
    best = ev.best_threshold(Y, P, **MONEY)
    assert best.value == c["value"].max()
    # each lapser invited earns 0.3 * 150 - 10 = 35, each loyal one costs 10: stop after the
    # last lapser (0.3, 7 invited, 4 lapsers): 4 * 35 - 3 * 10 = 110; ties go to the highest
    assert (best.threshold, best.invited, best.value) == (0.3, 7, pytest.approx(110.0))
    assert isinstance(best, ev.TargetingOutcome) and isinstance(best.invited, int)


def test_value_at_top_k():
    o = ev.value_at_top_k(Y, P, k=4, **MONEY)
    assert (o.invited, o.true_positives, o.threshold) == (4, 3, 0.7)
    assert o.value == pytest.approx(3 * 0.3 * 150 - 4 * 10)
    scaled = ev.value_at_top_k(Y, P, k=400, population=1000, **MONEY)
    assert scaled.invited == 4 and scaled.monthly_invitations == 400
    assert ev.value_at_top_k(Y, P, k=0, **MONEY).value == 0


def test_nobody_invited():
    o = ev.targeting_outcome(Y, P, threshold=1.0, **MONEY)
    assert o.invited == 0 and np.isnan(o.precision) and o.recall == 0 and o.value == 0


# --- fairness ---------------------------------------------------------------------------------


def _groups(n: int, seed: int = 2) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.choice(["18-29", "30-44", "45-59", "60+"], size=n), name="age_band")


def test_fairness_table_matches_metricframe(yp):
    y, p = yp
    g = _groups(y.size)
    t = ev.fairness_table(y, p, g, threshold=0.4)
    pred = (p >= 0.4).astype(int)
    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "precision": precision_score,
        },
        y_true=y,
        y_pred=pred,
        sensitive_features=g,
    )
    for col in mf.by_group.columns:
        np.testing.assert_allclose(t.loc[mf.by_group.index, col], mf.by_group[col])
        assert t.loc["overall", col] == pytest.approx(mf.overall[col])
    np.testing.assert_allclose(
        t.loc["difference", ["selection_rate", "true_positive_rate"]],
        mf.difference()[["selection_rate", "true_positive_rate"]],
    )
    np.testing.assert_allclose(
        t.loc["ratio", ["selection_rate", "true_positive_rate"]],
        mf.ratio()[["selection_rate", "true_positive_rate"]],
    )
    calib = pd.DataFrame({"y": y, "p": p, "g": g}).groupby("g")[["p", "y"]].mean()
    np.testing.assert_allclose(t.loc[calib.index, "mean_predicted"], calib["p"])
    np.testing.assert_allclose(t.loc[calib.index, "observed_rate"], calib["y"])
    assert t.index.name == "age_band"
    assert t.loc["overall", "count"] == y.size


def test_age_band_boundaries():
    dob = pd.Series(
        [
            "2007-07-02",
            "2007-07-01",
            "1995-07-01",
            "1995-07-02",
            "1980-07-01",
            "1965-07-01",
            "1965-07-02",
            "not a date",
            "2030-01-01",
        ],
        index=list("abcdefghi"),
    )
    bands = ev.age_band(dob, at="2025-07-01")
    assert bands.tolist() == [
        "under 18",
        "18-29",
        "30-44",
        "18-29",
        "45-59",
        "60+",
        "45-59",
        "unknown",
        "unknown",
    ]
    assert list(bands.index) == list("abcdefghi")
    assert bands.cat.ordered
    with pytest.raises(EvaluationInputError, match="at must be a date"):
        ev.age_band(dob, at=None)


def test_group_thresholds_equalise_the_target(yp):
    y, p = yp
    g = _groups(y.size)
    for target in ("true_positive_rate", "selection_rate"):
        th = ev.group_thresholds(y, p, g, target=target, level=0.5)
        t = g.map(th).to_numpy()
        for name in th.index:
            pool = (g == name).to_numpy() & ((y == 1) if target == "true_positive_rate" else True)
            assert (p[pool] >= t[pool]).mean() >= 0.5  # reaches the level ...
            assert (p[pool] > th[name]).mean() < 0.5  # ... with the highest such threshold


def test_fairness_tradeoff(yp):
    y, p = yp
    g = _groups(y.size)
    t = ev.fairness_tradeoff(y, p, g, threshold=0.4, **MONEY)
    single, grouped = t.iloc[0], t.iloc[1]
    assert single["value"] == pytest.approx(ev.targeting_value(y, p, threshold=0.4, **MONEY))
    assert grouped["true_positive_rate_difference"] < single["true_positive_rate_difference"]
    assert grouped["value_cost"] == pytest.approx(single["value"] - grouped["value"])


# --- A/B planning -----------------------------------------------------------------------------


def test_sample_size_textbook_values():
    # Fleiss, Levin & Paik (2003), 10% vs 20%, alpha 0.05 two-sided, power 0.8: 199 / 219
    assert ev.ab_sample_size(0.10, uplift=0.10) == 199
    assert ev.ab_sample_size(0.10, uplift=0.10, continuity_correction=True) == 219
    assert ev.ab_sample_size(0.20, uplift=-0.10) == 199  # symmetric in the two rates
    assert ev.ab_sample_size(0.10, uplift=1.0, relative=True) == 199


def test_plan_and_mde_invert_each_other():
    plan = ev.ab_test_plan(0.30, uplift=-0.05, monthly_eligible=400)
    assert plan.n_total == 2 * plan.n_per_arm and plan.months == pytest.approx(plan.n_total / 400)
    mde = ev.minimal_detectable_effect(0.30, n_per_arm=plan.n_per_arm, direction="decrease")
    assert mde <= 0.05 + 1e-9
    assert ev.ab_sample_size(0.30, uplift=-mde) <= plan.n_per_arm
    assert np.isnan(ev.minimal_detectable_effect(0.5, n_per_arm=1))


def test_more_power_needs_more_customers():
    sizes = [ev.ab_sample_size(0.3, uplift=0.03, power=pw) for pw in (0.7, 0.8, 0.9)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


# --- bad input --------------------------------------------------------------------------------

BAD = [
    (
        "lengths",
        {"y_true": [0, 1, 1], "y_score": [0.1, 0.2]},
        "y_true has 3 values but y_score has 2",
    ),
    (
        "labels",
        {"y_true": [0, 1, 2], "y_score": [0.1, 0.2, 0.3]},
        r"must be binary labels 0/1 or False/True \(found: values \[0, 1, 2\]\)",
    ),
    ("string labels", {"y_true": ["yes", "no"], "y_score": [0.1, 0.2]}, r"values \['no', 'yes'\]"),
    (
        "label nan",
        {"y_true": [0, np.nan, 1], "y_score": [0.1, 0.2, 0.3]},
        r"y_true has 1 missing values \(NaN\) \(found: positions \[1\]\)",
    ),
    (
        "score nan",
        {"y_true": [0, 1, 1], "y_score": [0.1, np.nan, np.nan]},
        r"y_score has 2 missing values \(NaN\) \(found: positions \[1, 2\]\)",
    ),
    ("empty", {"y_true": [], "y_score": []}, "y_true is empty"),
    ("2-D", {"y_true": [0, 1], "y_score": [[0.1, 0.9], [0.8, 0.2]]}, r"predict_proba\(X\)\[:, 1\]"),
    ("inf", {"y_true": [0, 1], "y_score": [0.1, np.inf]}, "1 infinite values"),
]


@pytest.mark.parametrize(("case", "kwargs", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_a_helpful_error(case, kwargs, message):
    with pytest.raises(EvaluationInputError, match=message) as info:
        ev.roc_auc_score_ci(kwargs["y_true"], kwargs["y_score"], n_resamples=10)
    assert isinstance(info.value, ValueError)
    assert info.value.function == "roc_auc_score_ci"


def test_probabilities_outside_unit_interval():
    with pytest.raises(EvaluationInputError, match=r"y_prob has 2 values outside \[0, 1\]") as e:
        ev.brier_loss([0, 1, 1], [0.1, 1.5, -0.2])
    assert "e.g. [1.5, -0.2] at positions [1, 2]" in str(e.value)
    assert e.value.argument == "y_prob"
    # ranking metrics accept any score (a rule's score need not be a probability)
    assert ev.roc_auc_score_ci([0, 1, 1], [0.1, 1.5, 3.0], n_resamples=5).value == 1.0


def test_group_column_with_missing_values():
    g = pd.Series(["a", None, "b", np.nan])
    with pytest.raises(
        EvaluationInputError,
        match=r"groups has 2 missing values .*positions "
        r"\[1, 3\].*fillna\('unknown'\)",
    ):
        ev.fairness_table([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], g, threshold=0.5)
    with pytest.raises(EvaluationInputError, match="groups has 3 values but y_true has 4"):
        ev.fairness_table([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], ["a", "b", "c"], threshold=0.5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ev.targeting_outcome(Y, P, threshold=1.5),
            r"threshold must be a number in \[0, 1\]"
            r" \(found: 1.5\)",
        ),
        (lambda: ev.targeting_outcome(Y, P, threshold=0.5, capacity=-1), "capacity must be"),
        (lambda: ev.targeting_outcome(Y, P, threshold=0.5, success_rate=2), "success_rate must be"),
        (lambda: ev.roc_auc_score_ci(Y, P, level=95), r"level must be a number in \(0, 1\)"),
        (lambda: ev.paired_auc_difference(Y, P, P, metric="f1"), "metric must be one of"),
        (lambda: ev.reliability_table(Y, P, strategy="equal"), "strategy must be one of"),
        (lambda: ev.ab_sample_size(0.1, uplift=0.95), "treatment rate of 1.05"),
        (lambda: ev.ab_sample_size(0.1, uplift=0.0), "must differ from the baseline"),
        (lambda: ev.ab_sample_size(1.2, uplift=0.1), r"baseline must be a number in \(0, 1\)"),
        (lambda: ev.value_at_top_k(Y, P, k=11), r"k must be a whole number in \[0, 10\]"),
        (lambda: ev.group_thresholds(Y, P, ["a"] * 10, target="parity", level=0.5), "target must"),
    ],
)
def test_bad_options(call, message):
    with pytest.raises(EvaluationInputError, match=message):
        call()


def test_no_warnings_on_good_input(yp):
    y, p = yp
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev.roc_auc_score_ci(y, p, n_resamples=50)
        ev.fairness_table(y, p, _groups(y.size), threshold=0.4)
        ev.value_curve(y, p, **MONEY)


def test_pandas_inputs_with_any_index(yp):
    y, p = yp
    idx = np.arange(y.size)[::-1] + 1000
    ys, ps = pd.Series(y, index=idx), pd.Series(p, index=idx)
    assert ev.brier_loss(ys, ps) == ev.brier_loss(y, p)
    assert ev.brier_loss(ys.astype(bool), ps) == ev.brier_loss(y, p)
    assert ev.brier_loss(ys.astype("Int64"), ps.astype("Float64")) == ev.brier_loss(y, p)


def test_fairness_table_with_age_bands(yp):
    y, p = yp
    rng = np.random.default_rng(4)
    dob = pd.Series(
        pd.Timestamp("2025-01-01")
        - pd.to_timedelta(rng.integers(20 * 365, 70 * 365, size=y.size), unit="D")
    )
    bands = ev.age_band(dob, at="2025-01-01")
    t = ev.fairness_table(y, p, bands, threshold=0.4)
    assert list(t.index) == ["18-29", "30-44", "45-59", "60+", "overall", "difference", "ratio"]
    assert t.loc[["18-29", "30-44", "45-59", "60+"], "count"].sum() == y.size
