"""The decision (recommend) and the pre-modelling checklist (build_checklist).

The stage returns numbers and codes; the sentences checked here come from the report
layer (feasibility.report.explain), as in the report JSON.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats

from feasibility.curves import METRICS, FormulationCurve, LearningCurves
from feasibility.dataset import MultilabelDataset
from feasibility.decide import (
    CHECKS,
    CheckItem,
    Checklist,
    CheckStatus,
    CheckThresholds,
    DecisionOptions,
    DecisionWarning,
    Recommendation,
    build_checklist,
    conflicting_duplicates,
    recommend,
)
from feasibility.decide.compare import overlap_factor
from feasibility.errors import FeasibilityWarning, ParameterError
from feasibility.fit import fit_curves
from feasibility.profile import profile
from feasibility.report.explain import (
    TEST_NAMES,
    annotate,
    checklist_json,
    item_texts,
    note_text,
    place_text,
    recommendation_json,
)
from feasibility.report.text_report import verdict_text

N_SAMPLES = 100
SIZES = np.array([20, 40, 80])
SIGMOID_LAST = np.array([0.50, 0.52, 0.51, 0.49, 0.50])


def _dataset(n_features: int = 4) -> MultilabelDataset:
    rng = np.random.default_rng(0)
    Y = np.zeros((N_SAMPLES, 3), dtype=np.uint8)
    Y[:40, 0] = 1
    Y[20:70, 1] = 1
    Y[60:, 2] = 1
    Y[99, :2] = 1  # a labelset seen once: the pruned powerset drops it
    return MultilabelDataset.from_arrays(rng.normal(size=(N_SAMPLES, n_features)), Y, name="toy")


def _curve(name: str, last: np.ndarray, *, loss_last: np.ndarray | None = None) -> FormulationCurve:
    """Scores that rise to ``last`` at the largest size (every metric the same curve)."""
    runs = last.size
    shape = (runs, SIZES.size)
    values = np.column_stack([last - 0.10, last - 0.05, last])
    scores = {metric: values.copy() for metric in METRICS}
    if loss_last is not None:
        scores["hamming_loss"] = np.column_stack([loss_last + 0.10, loss_last + 0.05, loss_last])
    else:
        scores["hamming_loss"] = 1.0 - values
    return FormulationCurve(
        formulation=name,
        train_sizes=SIZES.copy(),
        scores=scores,
        unseen_labelset_share=np.full(shape, 0.02),
        n_params=np.full(shape, 15.0),
        n_classes=np.full(shape, 3.0),
        fit_seconds=np.full(shape, 0.01),
        predict_seconds=np.full(shape, 0.001),
    )


def _curves(powerset_last, pruned_last, **loss) -> LearningCurves:
    curves = {
        "sigmoid": _curve("sigmoid", SIGMOID_LAST, loss_last=loss.get("sigmoid")),
        "powerset": _curve("powerset", np.asarray(powerset_last), loss_last=loss.get("powerset")),
        "pruned-powerset": _curve(
            "pruned-powerset", np.asarray(pruned_last), loss_last=loss.get("pruned")
        ),
    }
    return LearningCurves(
        dataset_name="toy",
        dataset_hash="0",
        n_samples=N_SAMPLES,
        n_labels=3,
        n_features=4,
        n_train_full=80,
        runs=tuple((0, f) for f in range(5)),
        curves=curves,
        engine="test",
        options={"folds": 5, "repeats": 1, "prune_min_count": 2, "seed": 0},
        label_prevalence=np.array([0.4, 0.5, 0.4]),
        sigmoid_r2_cs=np.array([0.2, 0.2, 0.2]),
        powerset_class_shares=np.array([0.3, 0.2, 0.2, 0.2, 0.1]),
        powerset_r2_cs=0.3,
        n_predictors=4,
    )


BETTER = SIGMOID_LAST + np.array([0.10, 0.12, 0.08, 0.11, 0.09])
WORSE = SIGMOID_LAST - np.array([0.20, 0.21, 0.19, 0.22, 0.18])
NOISE = SIGMOID_LAST + np.array([0.05, -0.04, 0.03, -0.05, 0.01])


@pytest.fixture(scope="module")
def toy_profile():
    return profile(_dataset())


def _json(rec: Recommendation) -> dict:
    """The recommendation as the report JSON holds it (codes written out)."""
    return recommendation_json(rec.to_dict())


def _compared_at(rec) -> str:
    return place_text(None if rec.compared_at is None else rec.compared_at.to_dict())


def test_recommend_powerset_when_significantly_better_paired_t(toy_profile):
    curves = _curves(BETTER, WORSE)
    rec = recommend(toy_profile, curves, None, test="paired-t")
    verdict = rec.per_metric["f1_micro"]
    assert rec.formulation == "powerset" and not rec.too_close_to_call
    diffs = BETTER - SIGMOID_LAST
    expected = stats.ttest_rel(BETTER, SIGMOID_LAST)
    c = verdict.deciding
    assert c.candidate == "powerset" and c.basis == "measured" and c.train_size == 80
    assert c.difference == pytest.approx(0.10)
    assert c.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert c.p_value_adjusted == pytest.approx(min(1.0, 2 * expected.pvalue))
    assert c.effect_size == pytest.approx(diffs.mean() / diffs.std(ddof=1))
    # Bonferroni over 2 candidates: a 97.5% t interval of the mean difference.
    half = stats.t.ppf(1 - 0.025 / 2, df=4) * diffs.std(ddof=1) / math.sqrt(5)
    assert c.interval == pytest.approx((0.10 - half, 0.10 + half))
    assert c.confidence == pytest.approx(0.975)


def test_recommend_corrected_t_matches_nadeau_bengio(toy_profile):
    curves = _curves(BETTER, WORSE)
    c = recommend(toy_profile, curves, None).per_metric["f1_micro"].deciding
    diffs = BETTER - SIGMOID_LAST
    # n_test = 100 / 5 folds = 20, n_train = 80: var factor 1/5 + 20/80 = 0.45
    se = diffs.std(ddof=1) * math.sqrt(0.45)
    assert c.p_value == pytest.approx(2 * stats.t.sf(0.10 / se, df=4), rel=1e-9)
    assert c.test == "corrected-t" and "Nadeau" in TEST_NAMES[c.test]
    assert "Nadeau" in _json(recommend(toy_profile, curves, None))["per_metric"]["f1_micro"]["test"]
    plain = recommend(toy_profile, curves, None, test="paired-t").per_metric["f1_micro"].deciding
    assert c.p_value > plain.p_value  # the correction is more conservative


def test_recommend_too_close_to_call_keeps_sigmoid(toy_profile):
    rec = recommend(toy_profile, _curves(NOISE, WORSE), None)
    assert rec.formulation == "sigmoid" and rec.too_close_to_call
    verdict = rec.per_metric["f1_micro"]
    # The deciding comparison is the one inside the noise, and its interval holds 0.
    assert verdict.deciding.candidate == "powerset"
    low, high = verdict.deciding.interval
    assert low < 0 < high and verdict.deciding.p_value_adjusted > 0.05
    assert "no detectable difference" in _json(rec)["reasons"][0]
    assert "cannot be detected with these runs" in _json(rec)["reasons"][0]


def test_recommend_sigmoid_significantly_better_is_not_close(toy_profile):
    rec = recommend(toy_profile, _curves(WORSE, WORSE), None)
    assert rec.formulation == "sigmoid" and not rec.too_close_to_call
    assert rec.per_metric["f1_micro"].deciding.advantage < 0


def test_recommend_memory_budget_overrules_a_better_powerset(toy_profile):
    curves = _curves(BETTER, BETTER)
    head = toy_profile.heads.powerset.float32_bytes
    pruned = (
        recommend(toy_profile, curves, None).per_metric["f1_micro"].comparisons["pruned-powerset"]
    )
    assert pruned.head_bytes < head  # the pruned powerset drops the labelset seen once
    rec = recommend(toy_profile, curves, None, memory_budget=pruned.head_bytes - 1)
    assert rec.formulation == "sigmoid" and not rec.too_close_to_call
    assert "memory budget" in _json(rec)["reasons"][0]
    # a budget between the two heads: only the pruned powerset fits
    rec = recommend(toy_profile, curves, None, memory_budget=pruned.head_bytes)
    assert rec.formulation == "pruned-powerset"


def test_recommend_hamming_loss_lower_is_better(toy_profile):
    loss = {
        "sigmoid": np.full(5, 0.20) + [0.0, 0.01, -0.01, 0.0, 0.0],
        "powerset": np.full(5, 0.12) + [0.0, 0.0, 0.01, -0.01, 0.0],
        "pruned": np.full(5, 0.30) + [0.01, 0.0, 0.0, 0.0, -0.01],
    }
    rec = recommend(toy_profile, _curves(NOISE, WORSE, **loss), None, metric="hamming_loss")
    verdict = rec.per_metric["hamming_loss"]
    assert verdict.lower_is_better and rec.formulation == "powerset"
    assert verdict.deciding.difference == pytest.approx(-0.08)
    assert verdict.deciding.advantage == pytest.approx(0.08) and verdict.deciding.effect_size > 0
    assert verdict.deciding.interval[1] < 0


def test_recommend_extrapolates_with_paired_bootstrap(toy_profile):
    curves = _curves(BETTER, WORSE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        fits = fit_curves(curves, n_bootstrap=50)
    # 600: beyond the dataset's 100 samples, within the horizon (10x the largest size, 80)
    rec = recommend(toy_profile, curves, fits, target_n=600)
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert rec.basis == "extrapolated" and c.basis == "extrapolated" and c.train_size == 600
    sig, cand = fits.fits["sigmoid"]["f1_micro"], fits.fits["powerset"]["f1_micro"]
    assert c.difference == pytest.approx(float(cand.predict([600])[0] - sig.predict([600])[0]))
    boot = cand.bootstrap_scores([600])[:, 0] - sig.bootstrap_scores([600])[:, 0]
    boot = boot[np.isfinite(boot)]
    assert c.n_runs == boot.size
    # The runs overlap, so the bootstrap is widened around its centre by Nadeau & Bengio's
    # factor, and the interval and the p-value come from that one distribution.
    folds = curves.options["folds"]
    factor = overlap_factor(c.n_source_runs, curves.n_samples / folds, curves.n_train_full)
    assert factor > 1
    widened = c.difference + (boot - boot.mean()) * factor
    assert c.interval[0] == pytest.approx(np.percentile(widened, 1.25))
    assert c.interval[1] == pytest.approx(np.percentile(widened, 98.75))
    assert c.interval[1] - c.interval[0] > np.percentile(boot, 98.75) - np.percentile(boot, 1.25)
    assert c.min_detectable_difference > 0


def test_extrapolated_p_value_and_interval_agree(toy_profile):
    # The old bootstrap could print p = 0.03 and "too close to call" next to an interval
    # excluding 0: now significant <=> the interval (at the Bonferroni level) excludes 0.
    for sigmoid, candidate in [(BETTER, WORSE), (NOISE, WORSE), (WORSE, BETTER)]:
        curves = _curves(sigmoid, candidate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeasibilityWarning)
            fits = fit_curves(curves, n_bootstrap=50)
            rec = recommend(toy_profile, curves, fits, target_n=600)
        assert rec.per_metric["f1_micro"].comparisons
        for c in rec.per_metric["f1_micro"].comparisons.values():
            excludes_zero = c.interval[0] > 0 or c.interval[1] < 0
            assert (c.p_value_adjusted <= rec.alpha) == excludes_zero


def test_recommend_draws_no_verdict_beyond_the_horizon(toy_profile):
    curves = _curves(BETTER, WORSE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        fits = fit_curves(curves, n_bootstrap=20)
        rec = recommend(toy_profile, curves, fits, target_n=801)  # horizon: 10 x 80
    verdict = rec.per_metric["f1_micro"]
    assert verdict.comparisons == {} and rec.formulation == "sigmoid"
    assert verdict.reason.code == "beyond_horizon"
    assert verdict.reason.values == {"metric": "f1_micro", "train_size": 801, "limit": 800}
    text = _json(rec)["per_metric"]["f1_micro"]["reason"]
    assert "beyond the validated horizon (800" in text and "sigmoid (the default) stays" in text
    # nothing was compared, which is not a tie: before, "no detectable difference"
    assert not verdict.too_close_to_call and not rec.too_close_to_call
    headline = verdict_text(_json(rec)).splitlines()[0]
    assert headline == "verdict: sigmoid (nothing was compared: only the default)"


def test_recommend_to_dict_is_json_with_documented_keys(toy_profile):
    rec = recommend(toy_profile, _curves(NOISE, WORSE), None)
    json.dumps(rec.to_dict(), allow_nan=False)
    d = _json(rec)
    json.dumps(d, allow_nan=False)
    assert all(isinstance(reason, str) for reason in d["reasons"])
    for key in (
        "metric",
        "formulation",
        "too_close_to_call",
        "reasons",
        "per_metric",
        "head_table",
    ):
        assert key in d
    assert set(d["per_metric"]) == set(METRICS)
    for entry in d["per_metric"].values():
        for key in ("formulation", "p_value", "difference", "interval", "test", "effect_size"):
            assert key in entry
    heads = {row["formulation"]: row for row in d["head_table"]}
    assert heads["sigmoid"]["n_params"] == 4 * 3 + 3
    assert heads["full-powerset"]["n_outputs"] == 8


def test_recommend_reasons_carry_the_numbers(toy_profile):
    rec = recommend(toy_profile, _curves(NOISE, WORSE), None)
    text = " ".join(_json(rec)["reasons"])
    n_labelsets = toy_profile.labelsets.n_labelsets
    assert f"softmax over {n_labelsets} combinations" in text
    assert f"{toy_profile.heads.powerset.n_params:,} parameters" in text


@pytest.mark.parametrize(
    "options, match",
    [
        ({"metric": "accuracy"}, "'metric' parameter of recommend"),
        ({"alpha": 1.5}, "'alpha' parameter"),
        ({"memory_budget": 0}, "'memory_budget' parameter"),
        ({"test": "wilcoxon"}, "'test' parameter"),
        ({"target_n": 10_000}, "'target_n' parameter"),
    ],
)
def test_recommend_rejects_bad_options(toy_profile, options, match):
    with pytest.raises(ParameterError, match=match):
        recommend(toy_profile, _curves(NOISE, WORSE), None, **options)


def test_conflicting_duplicates_dense_and_sparse_agree():
    X = np.array(
        [[1, 0, 2], [1, 0, 2], [0, 1, 0], [0, 1, 0], [0, 1, 0], [3, 3, 3], [-0.0, 0, 0], [0, 0, 0]]
    )
    Y = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [1, 1], [0, 0], [1, 0], [0, 1]])
    dense = conflicting_duplicates(MultilabelDataset.from_arrays(X, Y))
    sparse = conflicting_duplicates(MultilabelDataset.from_arrays(sp.csr_matrix(X), Y))
    for result in (dense, sparse):
        assert result.n_duplicate_groups == 3
        assert result.n_duplicate_samples == 7
        assert result.n_conflicting_groups == 2
        assert result.n_conflicting_samples == 4
        assert result.share_conflicting == pytest.approx(4 / 8)
        assert result.examples == ((0, 1), (6, 7))


def test_build_checklist_items_and_statuses():
    rng = np.random.default_rng(1)
    n = 60
    X = rng.normal(size=(n, 3))
    X[1] = X[0]  # a conflicting duplicate pair
    Y = np.zeros((n, 4), dtype=np.uint8)
    Y[:30, 0] = 1
    Y[:3, 1] = 1  # 3 positives: below 10
    Y[::2, 2] = 1
    Y[1, 0] = 0  # row 1 differs from row 0 in its labels
    ds = MultilabelDataset.from_arrays(X, Y, label_names=["a", "rare", "c", "never"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prof = profile(ds)
        checklist = build_checklist(ds, prof, None, None, memory_budget=10)
    assert any("identical feature rows" in str(w.message) for w in caught)
    assert any(issubclass(w.category, DecisionWarning) for w in caught)
    status = {item.id: item.status for item in checklist.items}
    assert status["label_positives"] == "warn"  # 1 of 3 learnable labels below 10
    assert checklist.item("label_positives").value == 3
    constant = checklist.item("constant_labels")
    assert (
        status["constant_labels"] == "warn"
        and "'never'" in item_texts(constant.to_dict())["explanation"]
    )
    assert status["powerset_memory"] == "fail" and checklist.failed
    assert status["conflicting_duplicates"] == "warn"
    assert checklist.item("conflicting_duplicates").value == pytest.approx(2 / n)
    counts = prof.labelsets.counts
    rare = checklist.item("rare_labelsets")
    assert rare.value == pytest.approx(counts[counts < 5].sum() / n)
    assert checklist.item("unseen_labelsets").value == pytest.approx(np.sum(counts == 1) / n)
    assert checklist.item("imbalance").value == pytest.approx(prof.imbalance.mean_ir)
    assert checklist.notes and "identical feature rows" in note_text(checklist.notes[0].to_dict())
    d = checklist_json(checklist.to_dict())
    json.dumps(d, allow_nan=False)
    assert d["status"] == "fail" and sum(d["counts"].values()) == len(d["items"])
    for item in d["items"]:
        assert set(item) >= {"id", "title", "status", "value", "threshold", "explanation"}


def test_build_checklist_passes_with_generous_budget():
    ds = _dataset()
    prof = profile(ds)
    checklist = build_checklist(ds, prof, None, None)
    assert checklist.item("powerset_memory").status == "pass"
    assert checklist.item("conflicting_duplicates").status == "pass"
    assert checklist.item("label_positives").status == "pass"


@pytest.fixture(scope="module")
def emotions_results():
    from feasibility import load
    from feasibility.curves import learning_curves

    ds = load("emotions")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        prof = profile(ds)
        curves = learning_curves(ds, folds=3, repeats=1, n_sizes=4, jobs=2, use_cache=False)
        fits = fit_curves(curves, n_bootstrap=50)
    return ds, prof, curves, fits


def test_recommend_on_emotions_is_consistent(emotions_results):
    ds, prof, curves, fits = emotions_results
    rec = recommend(prof, curves, fits)
    for metric, verdict in rec.per_metric.items():
        c = verdict.deciding
        assert c is not None and c.n_runs == 3
        # the decision agrees with its own numbers
        significant = c.p_value_adjusted <= 0.05
        assert verdict.too_close_to_call == (not significant) or verdict.formulation == "sigmoid"
        if verdict.formulation != "sigmoid":
            assert significant and c.advantage > 0
        sig = curves.curves["sigmoid"].scores[metric][:, -1]
        assert c.sigmoid_score == pytest.approx(sig.mean())
    checklist = build_checklist(ds, prof, curves, fits)
    ids = [item.id for item in checklist.items]
    assert {"curve_slope", "samples_needed_sigmoid", "samples_needed_powerset"} <= set(ids)
    assert checklist.item("label_positives").value == prof.label_counts.min()


# ---- the size compared is the size reported -------------------------------------------


def _cut(curves: LearningCurves, name: str, rows, column: int = -1) -> LearningCurves:
    """Blank (as a budget cut does) the given runs of one formulation at one size column."""
    curve = curves.curves[name]
    scores = {metric: values.copy() for metric, values in curve.scores.items()}
    for values in scores.values():
        values[rows, column] = np.nan
    new = FormulationCurve(
        formulation=name,
        train_sizes=curve.train_sizes,
        scores=scores,
        unseen_labelset_share=curve.unseen_labelset_share,
        n_params=curve.n_params,
        n_classes=curve.n_classes,
        fit_seconds=curve.fit_seconds,
        predict_seconds=curve.predict_seconds,
    )
    return dataclasses.replace(curves, curves={**curves.curves, name: new})


def test_recommend_reports_the_size_it_compared(toy_profile):
    rec = recommend(toy_profile, _curves(BETTER, WORSE), None)
    # 5-fold CV of 100 samples trains on at most 80: that is what was compared
    assert rec.target_n == 100 and rec.train_size == 80 and rec.basis == "measured"
    assert _compared_at(rec) == (
        "measured at 80 training samples (the largest every fold reached; the dataset has 100)"
    )
    d = _json(rec)
    assert d["train_size"] == 80 and d["compared_at"] == _compared_at(rec)
    assert d["per_metric"]["f1_micro"]["compared_at"] == _compared_at(rec)


def test_recommend_target_below_n_train_full_uses_largest_measured_size_below_it(toy_profile):
    rec = recommend(toy_profile, _curves(BETTER, WORSE), None, target_n=50)
    c = rec.per_metric["f1_micro"].deciding
    assert rec.train_size == 40 and c.train_size == 40 and c.basis == "measured"
    assert c.sigmoid_score == pytest.approx(float(np.mean(SIGMOID_LAST - 0.05)))
    assert _compared_at(rec) == (
        "measured at 40 training samples (the largest measured size at or below the target 50)"
    )
    exact = recommend(toy_profile, _curves(BETTER, WORSE), None, target_n=40)
    assert exact.train_size == 40 and _compared_at(exact) == "measured at 40 training samples"


def test_recommend_budget_cut_largest_size_uses_fitted_curves_with_a_note(toy_profile):
    curves = _cut(_curves(BETTER, WORSE), "powerset", slice(None))  # powerset never ran at 80
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        fits = fit_curves(curves, n_bootstrap=50)
        rec = recommend(toy_profile, curves, fits)
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.basis == "extrapolated" and c.train_size == 80 and rec.basis == "extrapolated"
    sig, cand = fits.fits["sigmoid"]["f1_micro"], fits.fits["powerset"]["f1_micro"]
    assert c.difference == pytest.approx(float(cand.predict([80])[0] - sig.predict([80])[0]))
    where = _compared_at(rec)
    assert "fitted curves at 80" in where and "not every formulation was measured at 80" in where
    texts = [note_text(note) for note in _json(rec)["notes"]]  # the JSON keeps the codes
    assert sum("not every formulation was measured at 80" in text for text in texts) == 1
    # without fits: the largest size that every formulation reached, said so in a note
    with pytest.warns(FeasibilityWarning, match="compared at 40"):
        rec = recommend(toy_profile, curves, None)
    assert rec.train_size == 40 and rec.per_metric["f1_micro"].deciding.basis == "measured"
    assert "measured at 40 training samples" in _compared_at(rec)


def test_recommend_budget_cut_to_too_few_runs_uses_the_fitted_curves(toy_profile):
    # the budget left runs 0 and 1 of 5 at the largest size for the powerset: measured, those
    # two could never decide; the fitted curves (over every run) can, and say why they are used
    curves = _cut(_curves(BETTER, WORSE), "powerset", slice(2, None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        fits = fit_curves(curves, n_bootstrap=50)
        rec = recommend(toy_profile, curves, fits)
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.basis == "extrapolated" and c.train_size == 80 and c.n_source_runs == 5
    assert rec.formulation == "powerset" and not rec.too_close_to_call
    where = _compared_at(rec)
    assert "only 2 of 5 runs measured every formulation at 80, fewer than the 3" in where
    texts = [note_text(note) for note in _json(rec)["notes"]]
    assert sum("only 2 of 5 runs measured every formulation at 80" in t for t in texts) == 1
    # three paired runs can decide: measured, as without a cut
    curves = _cut(_curves(BETTER, WORSE), "powerset", slice(3, None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        rec = recommend(toy_profile, curves, fit_curves(curves, n_bootstrap=50))
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.basis == "measured" and c.n_runs == 3 and c.train_size == 80


def test_recommend_two_runs_by_design_are_compared_where_measured(toy_profile):
    # a user who asked for 2 runs in all has no cut: the largest size stays measured
    curves = _curves(BETTER[:2], WORSE[:2])
    curves = dataclasses.replace(
        curves,
        runs=curves.runs[:2],
        curves={**curves.curves, "sigmoid": _curve("sigmoid", SIGMOID_LAST[:2])},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        rec = recommend(toy_profile, curves, fit_curves(curves, n_bootstrap=50))
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.basis == "measured" and c.n_runs == 2 and c.train_size == 80


# ---- untestable differences --------------------------------------------------------------

DYADIC = np.array([0.5, 0.625, 0.5625, 0.4375, 0.5])  # exact in binary: differences are exact


def test_recommend_zero_variance_difference_is_not_significant(toy_profile):
    curves = _curves(BETTER, WORSE)
    sigmoid = curves.curves["sigmoid"]
    scores = {m: v.copy() for m, v in sigmoid.scores.items()}
    cand_scores = {m: v.copy() for m, v in curves.curves["powerset"].scores.items()}
    scores["f1_micro"][:, -1] = DYADIC
    cand_scores["f1_micro"][:, -1] = DYADIC + 0.125  # every run 0.125 better, exactly
    curves = dataclasses.replace(
        curves,
        curves={
            **curves.curves,
            "sigmoid": dataclasses.replace(sigmoid, scores=scores),
            "powerset": dataclasses.replace(curves.curves["powerset"], scores=cand_scores),
        },
    )
    with pytest.warns(FeasibilityWarning, match="no variance"):
        rec = recommend(toy_profile, curves, None)
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.difference == 0.125 and c.p_value == 1.0 and not c.significant
    assert c.effect_size is None and c.to_dict()["effect_size"] is None
    assert rec.formulation == "sigmoid" and rec.too_close_to_call
    assert "no variance" in _json(rec)["reasons"][0]
    json.dumps(_json(rec), allow_nan=False)


def test_recommend_needs_three_paired_runs_to_call_a_difference(toy_profile):
    big = SIGMOID_LAST + np.array([0.100, 0.101, 0.10, 0.10, 0.10])
    curves = _curves(big, WORSE)
    for name in ("sigmoid", "powerset", "pruned-powerset"):
        curves = _cut(curves, name, slice(2, None))  # only runs 0 and 1 reached 80
    rec = recommend(toy_profile, curves, None, test="paired-t")
    c = rec.per_metric["f1_micro"].comparisons["powerset"]
    assert c.n_runs == 2 and c.train_size == 80
    assert c.significant  # the t-test alone would call it ...
    assert c.p_value == pytest.approx(stats.ttest_rel(big[:2], SIGMOID_LAST[:2]).pvalue)
    assert rec.formulation == "sigmoid" and rec.too_close_to_call  # ... but 2 runs cannot decide
    assert "only 2 paired run(s)" in _json(rec)["reasons"][0]


def test_recommend_without_a_sigmoid_curve_says_so(toy_profile):
    curves = _curves(BETTER, WORSE)
    curves = dataclasses.replace(curves, curves={"powerset": curves.curves["powerset"]})
    rec = recommend(toy_profile, curves, None)
    assert rec.formulation == "sigmoid" and rec.per_metric["f1_micro"].deciding is None
    reason = _json(rec)["reasons"][0]
    assert "No sigmoid curve was measured" in reason and "measured: powerset" in reason
    assert "No powerset curve" not in reason


def test_build_checklist_rarest_label_is_na_when_no_label_is_learnable():
    Y = np.zeros((20, 2), dtype=np.uint8)
    Y[:, 0] = 1  # always positive; label 1 never
    ds = MultilabelDataset.from_arrays(np.arange(40.0).reshape(20, 2), Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        item = build_checklist(ds, profile(ds), None, None).item("label_positives")
    assert item.value is None
    value_text = item_texts(item.to_dict())["value_text"]
    assert value_text.startswith("rarest label: n/a;") and "0 positives" not in value_text


# ---- typed results: numbers and codes that round-trip; texts from the report layer --------


def test_recommendation_round_trips_through_its_dict(toy_profile):
    for rec in (
        recommend(toy_profile, _curves(BETTER, WORSE), None),
        recommend(toy_profile, _curves(NOISE, WORSE), None, metric="hamming_loss"),
    ):
        d = rec.to_dict()
        assert Recommendation.from_dict(d).to_dict() == d
        assert Recommendation.from_dict(json.loads(json.dumps(d))).to_dict() == d
        # the report JSON reads back too: its sentences are dropped, its numbers kept
        back = Recommendation.from_dict(_json(rec))
        assert back.reasons == () and back.per_metric["f1_micro"].reason is None
        assert (
            back.per_metric["f1_micro"].deciding.p_value
            == rec.per_metric["f1_micro"].deciding.p_value
        )


def test_checklist_round_trips_and_is_a_registry_of_checks():
    ds = _dataset()
    checklist = build_checklist(ds, profile(ds), None, None)
    d = checklist.to_dict()
    assert Checklist.from_dict(d).to_dict() == d and Checklist.from_dict(d) == checklist
    assert all(isinstance(item.status, CheckStatus) for item in checklist.items)
    # without curves and fits only the checks that need neither answer, in registry order
    ids = [item.id for item in checklist.items]
    assert ids == [key for key in CHECKS if key in ids]
    assert ids == [
        "label_positives",
        "constant_labels",
        "rare_labelsets",
        "unseen_labelsets",
        "powerset_memory",
        "imbalance",
        "scumble",
        "label_dependence",
        "conflicting_duplicates",
    ]
    # the report JSON's items keep today's keys, in today's order
    item = checklist_json(d)["items"][0]
    assert list(item) == [
        "id",
        "title",
        "status",
        "value",
        "value_text",
        "threshold",
        "explanation",
        "concerns",
    ]
    back = Checklist.from_dict(checklist_json(d))
    assert [i.status for i in back.items] == [i.status for i in checklist.items]


def test_check_thresholds_drive_the_statuses_and_the_texts():
    ds = _dataset()
    prof = profile(ds)
    strict = CheckThresholds(mean_ir_imbalanced=0.5)
    from feasibility.decide import CheckContext

    item = CHECKS["imbalance"](CheckContext(ds, prof, None, None, "f1_micro", strict))
    assert isinstance(item, CheckItem) and item.status == "warn"
    assert item_texts(item.to_dict())["threshold"] == "<= 0.5 (Charte et al. 2015)"
    default = build_checklist(ds, prof, None, None).item("imbalance")
    assert item_texts(default.to_dict())["threshold"] == "<= 1.5 (Charte et al. 2015)"


def test_decision_options_hold_the_defaults_and_validate():
    options = DecisionOptions()
    assert (options.metric, options.memory_budget, options.min_positives, options.alpha) == (
        "f1_micro",
        2**30,
        10,
        0.05,
    )
    with pytest.raises(
        ParameterError, match="'rare_count' parameter of DecisionOptions must be an int >= 2"
    ):
        DecisionOptions(rare_count=1)
    with pytest.raises(ParameterError, match="'min_positives' parameter of build_checklist"):
        build_checklist(_dataset(), profile(_dataset()), None, None, min_positives=0)


def test_annotate_writes_out_the_codes_once(toy_profile):
    ds = _dataset()
    rec = recommend(toy_profile, _curves(NOISE, WORSE), None)
    result = {
        "recommendation": rec.to_dict(),
        "checklist": build_checklist(ds, toy_profile, None, None).to_dict(),
    }
    annotate(result)
    first = json.dumps(result)
    assert "memory_budget_human" in result["recommendation"]
    assert all("title" in item for item in result["checklist"]["items"])
    assert json.dumps(annotate(json.loads(first))) == first  # already written out: unchanged


def test_decision_warning_message_is_the_note_sentence(toy_profile):
    curves = _cut(_curves(BETTER, WORSE), "powerset", slice(None))
    with pytest.warns(DecisionWarning) as record:
        rec = recommend(toy_profile, curves, None)
    assert [str(w.message) for w in record] == [note_text(n) for n in _json(rec)["notes"]]
    assert _json(rec)["notes"] == [note.to_dict() for note in rec.notes]
    assert Recommendation.from_dict(rec.to_dict()).notes == rec.notes
