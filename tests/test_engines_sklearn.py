"""Tests for feasibility.engines (get_engine, torch_available) and the scikit-learn engine."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from feasibility import engines
from feasibility.engines import AUTO_TORCH_MIN_CLASSES, get_engine, torch_available
from feasibility.engines.base import Engine, FittedHead
from feasibility.engines.sklearn_engine import SklearnEngine
from feasibility.errors import ParameterError


@pytest.fixture
def problem():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0.3, X[:, 3] > 0.8]).astype(np.uint8)
    return X, Y


def test_sklearn_engine_satisfies_protocols(problem):
    X, Y = problem
    engine = SklearnEngine()
    assert isinstance(engine, Engine)
    assert isinstance(engine.fit_sigmoid(X, Y, random_state=0), FittedHead)


def test_fit_sigmoid_linear_matches_one_logistic_regression_per_label(problem):
    X, Y = problem
    head = SklearnEngine().fit_sigmoid(X, Y, random_state=0)
    expected = np.column_stack(
        [
            LogisticRegression(C=1.0, max_iter=300).fit(X, Y[:, j]).predict_proba(X)[:, 1]
            for j in range(Y.shape[1])
        ]
    )
    np.testing.assert_allclose(head.predict_proba(X), expected, rtol=1e-10, atol=1e-12)
    assert head.n_params == 3 * (5 + 1)
    assert head.converged


def test_fit_softmax_linear_matches_multinomial_logistic_regression(problem):
    X, Y = problem
    y = Y[:, 0] * 2 + Y[:, 1]  # four classes
    head = SklearnEngine().fit_softmax(X, y, n_classes=4, random_state=0)
    expected = LogisticRegression(C=1.0, max_iter=300).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(head.predict_proba(X), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(head.predict_proba(X).sum(axis=1), 1.0)
    assert head.n_params == 4 * (5 + 1)


def test_fit_softmax_two_classes_is_one_logistic_output(problem):
    X, Y = problem
    head = SklearnEngine().fit_softmax(X, Y[:, 0].astype(np.int64), n_classes=2, random_state=0)
    assert head.predict_proba(X).shape == (120, 2)
    assert head.n_params == 5 + 1


def test_fit_softmax_gives_zero_to_absent_class_ids(problem):
    X, Y = problem
    y = Y[:, 0] * 2  # ids 0 and 2 only
    proba = SklearnEngine().fit_softmax(X, y, n_classes=3, random_state=0).predict_proba(X)
    assert proba.shape == (120, 3)
    assert np.all(proba[:, 1] == 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_fit_sigmoid_sparse_input_matches_dense(problem):
    X, Y = problem
    X = np.where(np.abs(X) > 0.7, X, 0.0)
    dense = SklearnEngine().fit_sigmoid(X, Y, random_state=0).predict_proba(X)
    sparse = SklearnEngine().fit_sigmoid(sp.csr_matrix(X), Y, random_state=0)
    np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense, atol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mlp_heads_have_the_same_hidden_layers(problem):
    X, Y = problem
    engine = SklearnEngine("mlp", hidden_layer_sizes=(7,), max_iter=50)
    sigmoid = engine.fit_sigmoid(X, Y, random_state=0)
    softmax = engine.fit_softmax(X, Y[:, 0] * 2 + Y[:, 1], n_classes=4, random_state=0)
    assert sigmoid.predict_proba(X).shape == (120, 3)
    assert softmax.predict_proba(X).shape == (120, 4)
    # 5 inputs -> 7 hidden -> outputs, weights and biases.
    assert sigmoid.n_params == 5 * 7 + 7 + 7 * 3 + 3
    assert softmax.n_params == 5 * 7 + 7 + 7 * 4 + 4
    # The multilabel MLP is exactly scikit-learn's MLPClassifier on the indicator matrix.
    reference = MLPClassifier(hidden_layer_sizes=(7,), max_iter=50, random_state=0).fit(X, Y)
    np.testing.assert_allclose(sigmoid.predict_proba(X), reference.predict_proba(X))
    assert not sigmoid.converged  # 50 epochs are not enough at tol=1e-4


def test_mlp_is_deterministic_for_a_random_state(problem):
    X, Y = problem
    engine = SklearnEngine("mlp", hidden_layer_sizes=(4,), max_iter=30)
    first = engine.fit_sigmoid(X, Y, random_state=5).predict_proba(X)
    again = engine.fit_sigmoid(X, Y, random_state=5).predict_proba(X)
    other = engine.fit_sigmoid(X, Y, random_state=6).predict_proba(X)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_convergence_is_reported_not_warned(problem, recwarn):
    X, Y = problem
    head = SklearnEngine(max_iter=1).fit_sigmoid(X, Y, random_state=0)
    assert not head.converged
    assert not recwarn.list


def test_sklearn_engine_rejects_bad_options():
    with pytest.raises(ParameterError, match="'model' parameter of SklearnEngine must be one of"):
        SklearnEngine("forest")
    with pytest.raises(ParameterError, match="'hidden_layer_sizes' parameter"):
        SklearnEngine("mlp", hidden_layer_sizes=())
    with pytest.raises(ParameterError, match="'C' parameter of SklearnEngine must be a float > 0"):
        SklearnEngine(C=0)


def test_sklearn_engine_default_iteration_caps():
    assert SklearnEngine().max_iter == 300
    assert SklearnEngine("mlp").max_iter == 200
    assert SklearnEngine().name == "sklearn-linear"
    assert SklearnEngine("mlp").name == "sklearn-mlp"


def test_get_engine_auto_is_sklearn_for_few_classes():
    engine = get_engine("auto", "mlp", hidden_layer_sizes=(8, 4), n_classes=AUTO_TORCH_MIN_CLASSES)
    assert isinstance(engine, SklearnEngine)
    assert engine.hidden_layer_sizes == (8, 4)


def test_get_engine_auto_without_torch_is_sklearn(monkeypatch):
    monkeypatch.setattr(engines, "torch_available", lambda: False)
    assert get_engine("auto", n_classes=10_000).name == "sklearn-linear"
    with pytest.raises(ParameterError, match="PyTorch is not installed"):
        get_engine("torch")


@pytest.mark.skipif(not torch_available(), reason="torch is not installed")
def test_get_engine_auto_picks_torch_for_many_classes():
    engine = get_engine("auto", "linear", n_classes=AUTO_TORCH_MIN_CLASSES + 1)
    assert engine.name == "torch"
    assert engine.hidden_layer_sizes == ()
    assert get_engine("torch", "mlp", hidden_layer_sizes=(16,)).hidden_layer_sizes == (16,)


def test_get_engine_rejects_unknown_names():
    with pytest.raises(ParameterError, match="'engine' parameter of get_engine must be one of"):
        get_engine("jax")
    with pytest.raises(ParameterError, match="'model' parameter of get_engine"):
        get_engine("sklearn", "svm")


def test_torch_available_does_not_import_torch():
    code = (
        "import sys, feasibility.engines as e; e.torch_available(); print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
