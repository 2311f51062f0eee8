"""Tests of the tuned heads: the path solver, the inner-fold choice of C, the decoding
thresholds, the feature scaling and the power of the paired test."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score

from feasibility.curves.decoding import (
    THRESHOLD_GRID,
    choose_thresholds,
    label_marginals,
    metric_scores,
    threshold_predictions,
)
from feasibility.curves.scaling import ColumnScaler, count_columns, make_scaler
from feasibility.decide.compare import min_detectable_difference, overlap_factor
from feasibility.engines.linear_path import fit_logistic_columns, fit_softmax
from feasibility.engines.sklearn_engine import SklearnEngine
from feasibility.engines.tuning import C_GRID, inner_folds, tune_sigmoid, tune_softmax
from feasibility.vocab import Metric


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    strong = (X[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(np.uint8)
    noise = (rng.random(300) < 0.4).astype(np.uint8)
    medium = (X[:, 1] + X[:, 2] + 1.5 * rng.normal(size=300) > 0.5).astype(np.uint8)
    return X, np.column_stack([strong, noise, medium])


# -- the solver agrees with scikit-learn --------------------------------------------------------


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_fit_logistic_columns_matches_scikit_learn_per_label(data, C):
    X, Y = data
    fit = fit_logistic_columns(X, Y, C, gtol=1e-9, max_iter=5000)
    for j in range(Y.shape[1]):
        reference = LogisticRegression(C=C, tol=1e-10, max_iter=5000).fit(X, Y[:, j])
        np.testing.assert_allclose(
            expit(fit.decision_function(X)[:, j]), reference.predict_proba(X)[:, 1], atol=1e-4
        )


def test_fit_logistic_columns_takes_one_C_per_label(data):
    X, Y = data
    joint = fit_logistic_columns(X, Y, np.array([0.01, 1.0, 100.0]), gtol=1e-9, max_iter=5000)
    alone = fit_logistic_columns(X, Y[:, [2]], 100.0, gtol=1e-9, max_iter=5000)
    np.testing.assert_allclose(joint.coef[:, 2], alone.coef[:, 0], atol=1e-4)
    # A stronger penalty shrinks the weights.
    assert np.abs(joint.coef[:, 0]).sum() < np.abs(alone.coef).sum()


@pytest.mark.parametrize("sparse", [False, True])
def test_fit_softmax_matches_scikit_learn_multinomial(data, sparse):
    X, Y = data
    y = Y[:, 0] * 2 + Y[:, 2]
    X_in = sp.csr_matrix(X) if sparse else X
    fit = fit_softmax(X_in, y, 4, 1.0, gtol=1e-9, max_iter=5000)
    reference = LogisticRegression(C=1.0, tol=1e-10, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(
        softmax(fit.decision_function(X), axis=1), reference.predict_proba(X), atol=1e-4
    )


def test_a_warm_start_reaches_the_same_optimum_in_fewer_iterations(data):
    X, Y = data
    cold = fit_logistic_columns(X, Y, 10.0)
    warm = fit_logistic_columns(X, Y, 10.0, start=fit_logistic_columns(X, Y, 1.0))
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-2)
    assert warm.n_iter < cold.n_iter


# -- the choice of C -----------------------------------------------------------------------------


def test_inner_folds_partition_the_rows():
    folds = inner_folds(50, 3, seed=1)
    validation = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(validation), np.arange(50))
    for train, val in folds:
        assert not set(train) & set(val)


def test_tune_sigmoid_penalises_a_noise_label_more_than_a_predictable_one(data):
    X, Y = data
    tuned = tune_sigmoid(X, Y, seed=0)
    strong, noise, _ = tuned.C
    assert noise < strong
    assert noise == C_GRID[0] and tuned.at_edge[1]  # pure noise: the strongest penalty
    assert tuned.oof_proba.shape == Y.shape and np.all(
        (tuned.oof_proba > 0) & (tuned.oof_proba < 1)
    )
    # The refit is the fit at the chosen C on all rows.
    direct = fit_logistic_columns(X, Y, tuned.C)
    np.testing.assert_allclose(tuned.fit.coef, direct.coef, rtol=2e-3, atol=5e-3)


def test_tune_softmax_returns_out_of_fold_class_probabilities(data):
    X, Y = data
    y = Y[:, 0] * 2 + Y[:, 2]
    tuned = tune_softmax(X, y, 4, seed=0)
    assert tuned.C.shape == (1,) and tuned.C[0] in C_GRID
    np.testing.assert_allclose(tuned.oof_proba.sum(axis=1), 1.0)
    # Out of fold: worse on its own rows than the refit's in-sample probabilities.
    in_sample = softmax(tuned.fit.decision_function(X), axis=1)
    rows = np.arange(len(y))
    assert np.log(tuned.oof_proba[rows, y]).mean() < np.log(in_sample[rows, y]).mean()


def test_tune_softmax_handles_a_class_seen_once():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    y[0] = 2  # one row of a third class: absent from two inner training parts
    tuned = tune_softmax(X, y, 3, seed=0)
    assert np.isfinite(tuned.oof_proba).all() and tuned.fit.coef.shape == (3, 3)


@pytest.mark.parametrize("seed", range(4))
def test_grouped_inner_folds_keep_the_copies_of_a_row_together(seed):
    # a pruned powerset repeats a row once per frequent labelset it is split into
    groups = np.random.default_rng(seed).integers(0, 40, size=90)
    folds = inner_folds(90, 3, seed=seed, groups=groups)
    assert len(folds) == 3
    validation = np.concatenate([v for _, v in folds])
    assert sorted(validation.tolist()) == list(range(90))  # every row validated once
    for train, val in folds:
        assert not set(groups[train]) & set(groups[val])
        assert sorted(np.concatenate([train, val]).tolist()) == list(range(90))


# -- the MLP's alpha ----------------------------------------------------------------------------


def test_mlp_alpha_is_tuned_on_validation_rows_and_follows_the_signal():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(240, 6))
    signal = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0]).astype(np.uint8)
    noise = (rng.random((240, 2)) < 0.5).astype(np.uint8)
    engine = SklearnEngine("mlp", hidden_layer_sizes=(16,), max_iter=200)
    head, signal_tuning = engine.tune_sigmoid(X, signal, random_state=0)
    _, noise_tuning = engine.tune_sigmoid(X, noise, random_state=0)
    # rows the network did not train on during the walk: a third of them, each once
    rows = signal_tuning.oof_rows
    assert len(rows) == 80 and len(set(rows.tolist())) == 80
    assert signal_tuning.oof_proba.shape == (80, 2)
    assert signal_tuning.C.shape == (1,) and signal_tuning.C[0] in C_GRID
    # labels that are noise want the strongest penalty the grid offers, signal a weaker one
    assert noise_tuning.C[0] <= 1e-3 < signal_tuning.C[0]
    assert head.predict_proba(X).shape == (240, 2)
    y = signal[:, 0] + 2 * signal[:, 1]  # four classes
    softmax_head, softmax_tuning = engine.tune_softmax(X, y, n_classes=4, random_state=0)
    assert softmax_tuning.oof_proba.shape == (80, 4)
    np.testing.assert_allclose(softmax_tuning.oof_proba.sum(axis=1), 1.0)
    assert softmax_tuning.C[0] > 1e-3
    assert softmax_head.estimator.alpha == pytest.approx(1.0 / softmax_tuning.C[0])


def test_mlp_tuning_reports_only_the_refits_convergence_and_handles_edge_cases():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 4))
    Y = (X[:, :1] > 0).astype(np.uint8)  # one label: scikit-learn's MLP answers with 2 columns
    engine = SklearnEngine("mlp", hidden_layer_sizes=(8,), max_iter=2000)
    head, tuning = engine.tune_sigmoid(X, Y, random_state=0)
    assert head.converged  # walk fits at strong penalties may stop at their cap: not counted
    assert head.predict_proba(X).shape == (120, 1) and tuning.oof_proba.shape == (40, 1)
    y = np.zeros(9, dtype=np.int64)
    y[-1] = 1  # a validation split whose training part may hold a single class
    X9 = rng.normal(size=(9, 2))
    for seed in range(8):
        _, tuned = engine.tune_softmax(X9, y, n_classes=2, random_state=seed)
        np.testing.assert_allclose(tuned.oof_proba.sum(axis=1), 1.0)


# -- decoding ------------------------------------------------------------------------------------


def test_choose_thresholds_maximises_each_metric_on_the_given_rows(data):
    X, Y = data
    proba = tune_sigmoid(X, Y, seed=0).oof_proba
    chosen = choose_thresholds(Y, proba)
    assert chosen["hamming_loss"] == 0.5
    best = max(
        f1_score(Y, threshold_predictions(proba, t), average="micro") for t in THRESHOLD_GRID
    )
    assert f1_score(Y, threshold_predictions(proba, chosen["f1_micro"]), average="micro") == best
    per_label = chosen["f1_macro"]
    assert per_label.shape == (3,)
    for j in range(3):
        scores = [f1_score(Y[:, j], proba[:, j] > t, zero_division=0) for t in THRESHOLD_GRID]
        assert f1_score(Y[:, j], proba[:, j] > per_label[j], zero_division=0) == max(scores)


def test_choose_thresholds_breaks_ties_towards_one_half():
    Y = np.array([[1], [0]])
    proba = np.array([[0.9], [0.1]])  # every threshold in (0.1, 0.9) is perfect
    assert choose_thresholds(Y, proba)["f1_micro"] == 0.5


@pytest.mark.parametrize("seed", range(6))
def test_metric_scores_are_scikit_learns(seed):
    rng = np.random.default_rng(seed)
    Y = (rng.random((40, 5)) < 0.25).astype(np.uint8)
    Y[:, 4] = 0  # a label never present: macro F1's zero division
    Y[:3] = 0  # rows without labels: the samples averages' zero division
    P = {m: (rng.random(Y.shape) < 0.3).astype(np.uint8) for m in Metric}
    P[Metric.F1_SAMPLES][:2] = 0  # empty predicted on an empty row: a perfect match
    P[Metric.JACCARD][:2] = 0
    P[Metric.F1_MACRO][:, 4] = seed % 2  # the absent label predicted everywhere or nowhere
    expected = {
        "subset_accuracy": accuracy_score(Y, P[Metric.SUBSET_ACCURACY]),
        "hamming_loss": hamming_loss(Y, P[Metric.HAMMING_LOSS]),
        "f1_micro": f1_score(Y, P[Metric.F1_MICRO], average="micro", zero_division=0),
        "f1_macro": f1_score(Y, P[Metric.F1_MACRO], average="macro", zero_division=0),
        "f1_samples": f1_score(Y, P[Metric.F1_SAMPLES], average="samples", zero_division=1),
        "jaccard": jaccard_score(Y, P[Metric.JACCARD], average="samples", zero_division=1),
    }
    got = metric_scores(Y, P)
    assert set(got) == set(expected)
    for metric, value in expected.items():
        assert got[metric] == pytest.approx(value, abs=1e-12), metric
    nothing = {m: np.zeros_like(Y) for m in Metric}
    assert metric_scores(np.zeros_like(Y), nothing)["f1_micro"] == f1_score(
        np.zeros_like(Y), np.zeros_like(Y), average="micro", zero_division=0
    )


def test_label_marginals_sum_the_mass_of_the_labelsets_holding_each_label():
    labelsets = np.array([[0, 0], [1, 0], [1, 1]])
    proba = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(label_marginals(proba, labelsets), [[0.8, 0.3], [0.0, 0.0]])


# -- scaling -------------------------------------------------------------------------------------


def test_auto_scaling_keeps_count_columns_sparse_and_standardises_the_rest():
    X = np.array([[0.0, 1.2, 5.0, 3.0], [2.0, -0.4, 5.0, 0.0], [4.0, 2.1, 5.0, 0.0]])
    np.testing.assert_array_equal(count_columns(X), [True, False, True, True])
    scaled = ColumnScaler("auto").fit_transform(X)
    np.testing.assert_allclose(scaled[:, 0], [0.0, 0.5, 1.0])  # divided by its max
    np.testing.assert_allclose(scaled[:, 3], [1.0, 0.0, 0.0])  # zeros stay zeros
    assert scaled[:, 1].mean() == pytest.approx(0.0) and scaled[:, 1].std() == pytest.approx(1.0)
    np.testing.assert_allclose(scaled[:, 2], 1.0)  # a constant count column: max-abs
    standard = ColumnScaler("standard").fit_transform(X)
    assert standard[:, 0].mean() == pytest.approx(0.0)
    np.testing.assert_array_equal(ColumnScaler("none").fit_transform(X), X)


def test_sparse_input_is_max_abs_scaled():
    X = sp.csr_matrix(np.array([[0.0, 2.0], [4.0, 0.0]]))
    scaled = make_scaler(X, "auto").fit_transform(X)
    assert sp.issparse(scaled)
    np.testing.assert_allclose(scaled.toarray(), [[0.0, 1.0], [1.0, 0.0]])


# -- power ---------------------------------------------------------------------------------------


def test_min_detectable_difference_follows_the_power_formula():
    # Normal: (1.960 + 0.842) se.
    assert min_detectable_difference(0.01, None, 0.05, 0.8) == pytest.approx(0.02802, abs=1e-5)
    # Student t with 4 df is wider; with 60 df close to the normal one.
    t4 = min_detectable_difference(0.01, 4, 0.05, 0.8)
    t60 = min_detectable_difference(0.01, 60, 0.05, 0.8)
    assert t4 > t60 > 0.028
    assert math.isnan(min_detectable_difference(0.0, 4, 0.05, 0.8))


def test_overlap_factor_is_nadeau_bengio():
    # 5 runs of 5-fold CV: n_test / n_train = 1/4, factor sqrt(1 + 5/4) = 1.5.
    assert overlap_factor(5, 100, 400) == pytest.approx(1.5)
