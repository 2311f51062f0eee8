"""Tests for feasibility/engines/torch_engine.py (the ``--engine torch`` heads)."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip(
    "torch", reason="torch is not installed (optional extra [torch]; CPU wheel torch==2.13.0)"
)

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.multiclass import OneVsRestClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from feasibility.engines.base import Engine, FittedHead  # noqa: E402
from feasibility.engines.torch_engine import TorchEngine, TorchHead, default_batch_size  # noqa: E402
from feasibility.engines.torch_network import GATHER_ROWS, InputRows, SparseBatch, epoch_batches  # noqa: E402
from feasibility.errors import DatasetError, ParameterError  # noqa: E402

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(autouse=True)
def one_thread():
    """Run each test on one torch and BLAS thread, as a parallel worker does.

    On a busy 2-core machine, tiny fits with several threads spend their time waiting on
    each other (a 0.1 s lbfgs fit took 5 s).
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(previous)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _logistic_labels(seed, n=3000, n_features=8):
    """Four labels from a known logistic model, prevalences about 0.5, 0.3, 0.15, 0.06."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    coef = rng.normal(size=(n_features, 4))
    intercept = np.array([0.0, -1.5, -3.0, -4.0])
    Y = (rng.random((n, 4)) < _sigmoid(X @ coef + intercept)).astype(np.uint8)
    return X, Y


def _multinomial_classes(seed, n=3000, n_features=8, n_classes=6):
    """Class ids drawn from a known multinomial logit model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    logits = X @ rng.normal(size=(n_features, n_classes)) + rng.normal(size=n_classes)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    y = (probabilities.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return X, y


# --- protocol, parameters, bookkeeping -------------------------------------------------


def test_torch_engine_implements_the_engine_protocol():
    engine = TorchEngine()
    X, Y = _logistic_labels(0, n=200)
    head = engine.fit_sigmoid(X, Y, random_state=0)
    assert isinstance(engine, Engine)
    assert engine.name == "torch"
    assert isinstance(head, FittedHead)
    assert isinstance(head, TorchHead)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("hidden_layer_sizes", (10, 0), "a tuple of ints >= 1"),
        ("max_epochs", 0, "an int >= 1"),
        ("batch_size", 0, "None or an int >= 1"),
        ("learning_rate", -0.1, "None or a float > 0"),
        ("weight_decay", -1.0, "a float >= 0"),
        ("patience", 0, "an int >= 1"),
        ("validation_fraction", 1.0, r"a float in \[0, 1\)"),
    ],
)
def test_torch_engine_rejects_bad_options(option, value, expected):
    with pytest.raises(
        ParameterError, match=rf"'{option}' parameter of TorchEngine must be {expected}"
    ):
        TorchEngine(**{option: value})


def test_fit_rejects_bad_targets():
    X = np.zeros((4, 2), dtype=np.float32)
    engine = TorchEngine()
    with pytest.raises(DatasetError, match="only 0 and 1"):
        engine.fit_sigmoid(X, np.array([[0, 2], [1, 0], [0, 1], [1, 1]]), random_state=0)
    with pytest.raises(DatasetError, match="n_samples = 4"):
        engine.fit_sigmoid(X, np.zeros((3, 2), dtype=np.uint8), random_state=0)
    with pytest.raises(DatasetError, match=r"class ids in \[0, 3\)"):
        engine.fit_softmax(X, np.array([0, 1, 2, 3]), n_classes=3, random_state=0)
    with pytest.raises(ParameterError, match="'n_classes' parameter of TorchEngine.fit_softmax"):
        engine.fit_softmax(X, np.zeros(4, dtype=np.int64), n_classes=1, random_state=0)
    with pytest.raises(DatasetError, match="must be 2-D"):
        engine.fit_sigmoid(np.zeros(4), np.zeros((4, 1), dtype=np.uint8), random_state=0)
    head = engine.fit_sigmoid(X, np.array([[0], [1], [0], [1]]), random_state=0)
    with pytest.raises(DatasetError, match="X has 3 features but the head was trained on 2"):
        head.predict_proba(np.zeros((1, 3), dtype=np.float32))


def test_n_params_counts_all_weights_and_biases():
    X, Y = _logistic_labels(1, n=120, n_features=5)
    linear = TorchEngine(max_epochs=2).fit_sigmoid(X, Y, random_state=0)
    assert linear.n_params == 5 * 4 + 4
    mlp = TorchEngine(hidden_layer_sizes=(7, 3), max_epochs=2)
    softmax = mlp.fit_softmax(
        X, Y[:, 0].astype(np.int64) + 2 * Y[:, 1], n_classes=4, random_state=0
    )
    assert softmax.n_params == (5 * 7 + 7) + (7 * 3 + 3) + (3 * 4 + 4)
    assert softmax.n_outputs == 4


def test_split_and_step_counts_follow_the_options():
    X, Y = _logistic_labels(2, n=100)
    head = TorchEngine(max_epochs=3, batch_size=32, validation_fraction=0.0).fit_sigmoid(
        X, Y, random_state=0
    )
    # No validation part: every row trains, all epochs run, the last weights are kept.
    assert (head.n_train, head.n_validation) == (100, 0)
    assert (head.epochs, head.steps, head.best_epoch, head.best_step) == (3, 12, 3, 12)
    assert np.isnan(head.best_validation_loss)
    held_out = TorchEngine(max_epochs=3, batch_size=32).fit_sigmoid(X, Y, random_state=0)
    assert (held_out.n_train, held_out.n_validation) == (90, 10)
    assert held_out.steps <= 3 * 3


def test_default_batch_size_targets_16_steps_per_epoch_linear_and_32_with_hidden_layers():
    assert default_batch_size(10) == 16
    assert default_batch_size(4096) == 256
    assert default_batch_size(4096, (100,)) == 128
    assert default_batch_size(10_000_000) == 2048


def test_engine_to_dict_lists_its_settings():
    settings = TorchEngine(hidden_layer_sizes=(5,), patience=3).to_dict()
    assert json.loads(json.dumps(settings)) == settings
    assert settings == {
        "name": "torch",
        "model": "mlp",
        "hidden_layer_sizes": [5],
        "max_epochs": 200,
        "batch_size": None,
        "learning_rate": None,
        "weight_decay": 1e-4,
        "patience": 3,
        "validation_fraction": 0.1,
    }


def test_head_to_dict_is_json_safe():
    X, Y = _logistic_labels(3, n=200)
    summary = TorchEngine(max_epochs=5).fit_sigmoid(X, Y, random_state=0).to_dict()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["kind"] == "sigmoid"
    assert summary["n_params"] == 8 * 4 + 4
    assert summary["n_train"] + summary["n_validation"] == 200
    assert set(summary) >= {"epochs", "best_epoch", "best_validation_loss", "fit_seconds"}


# --- determinism and input formats ------------------------------------------------------


def test_fit_is_deterministic_and_leaves_global_state_alone():
    X, y = _multinomial_classes(4, n=400)
    rng_state = torch.get_rng_state()
    engine = TorchEngine(hidden_layer_sizes=(16,), max_epochs=20)
    first = engine.fit_softmax(X, y, n_classes=6, random_state=7).predict_proba(X)
    second = engine.fit_softmax(X, y, n_classes=6, random_state=7).predict_proba(X)
    other = engine.fit_softmax(X, y, n_classes=6, random_state=8).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert np.abs(first - other).max() > 1e-3
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert torch.get_num_threads() == 1


def test_sparse_input_gives_the_dense_result():
    rng = np.random.default_rng(5)
    dense = (rng.random((600, 40)) < 0.1).astype(np.float32) * rng.random((600, 40)).astype(
        np.float32
    )
    Y = (dense[:, :3] > 0).astype(np.uint8)
    Y[:5] = 1 - Y[:5]  # no label is an exact copy of a feature
    engine = TorchEngine(hidden_layer_sizes=(8,), max_epochs=15)
    from_dense = engine.fit_sigmoid(dense, Y, random_state=0)
    from_csr = engine.fit_sigmoid(sp.csr_matrix(dense), Y, random_state=0)
    assert (from_dense.steps, from_dense.best_step) == (from_csr.steps, from_csr.best_step)
    np.testing.assert_allclose(
        from_csr.predict_proba(sp.csr_matrix(dense)), from_dense.predict_proba(dense), atol=1e-4
    )
    # A fitted head predicts either format.
    np.testing.assert_allclose(
        from_csr.predict_proba(dense), from_csr.predict_proba(sp.csr_matrix(dense)), atol=1e-5
    )


def test_fitted_head_pickles():
    X, y = _multinomial_classes(6, n=300)
    head = TorchEngine(max_epochs=5).fit_softmax(X, y, n_classes=6, random_state=0)
    restored = pickle.loads(pickle.dumps(head))
    np.testing.assert_array_equal(restored.predict_proba(X), head.predict_proba(X))


# --- what the heads learn ---------------------------------------------------------------


def test_softmax_probabilities_are_rows_and_empty_classes_stay_unlikely():
    X, y = _multinomial_classes(7, n=600, n_classes=4)
    # Declare 6 classes; classes 4 and 5 have no rows (a labelset of another fold).
    head = TorchEngine().fit_softmax(X, y, n_classes=6, random_state=0)
    probabilities = head.predict_proba(X)
    assert probabilities.shape == (600, 6)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert probabilities[:, 4:].max() < 0.01


def test_sigmoid_head_agrees_with_one_vs_rest_logistic_regression():
    X, Y = _logistic_labels(0)
    train, test = slice(0, 2000), slice(2000, None)
    head = TorchEngine().fit_sigmoid(X[train], Y[train], random_state=0)
    reference = OneVsRestClassifier(LogisticRegression()).fit(X[train], Y[train])
    torch_p, sklearn_p = head.predict_proba(X[test]), reference.predict_proba(X[test])
    torch_f1 = f1_score(Y[test], torch_p > 0.5, average="micro")
    sklearn_f1 = f1_score(Y[test], sklearn_p > 0.5, average="micro")
    assert sklearn_f1 > 0.7  # the problem is learnable: an untrained head scores ~0.4
    assert abs(torch_f1 - sklearn_f1) < 0.03
    # Not just the decisions: the probabilities of the two fits are close.
    assert np.abs(torch_p - sklearn_p).mean() < 0.02
    # Including the rarest label (6% positives), the case that needs many steps.
    assert np.abs(torch_p[:, 3] - sklearn_p[:, 3]).mean() < 0.02


def test_softmax_head_agrees_with_multinomial_logistic_regression():
    X, y = _multinomial_classes(0)
    train, test = slice(0, 2000), slice(2000, None)
    head = TorchEngine().fit_softmax(X[train], y[train], n_classes=6, random_state=0)
    reference = LogisticRegression().fit(X[train], y[train])
    torch_p, sklearn_p = head.predict_proba(X[test]), reference.predict_proba(X[test])
    sklearn_accuracy = accuracy_score(y[test], sklearn_p.argmax(axis=1))
    assert sklearn_accuracy > 0.6  # the majority class alone scores 0.30
    assert abs(accuracy_score(y[test], torch_p.argmax(axis=1)) - sklearn_accuracy) < 0.03
    assert np.abs(torch_p - sklearn_p).mean() < 0.02


def test_early_stopping_keeps_a_noise_model_near_the_prevalence():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(400, 30)).astype(np.float32)
    Y = (rng.random((400, 2)) < [0.5, 0.2]).astype(np.uint8)  # independent of X
    engine = TorchEngine(max_epochs=200)
    head = engine.fit_sigmoid(X, Y, random_state=0)
    assert head.epochs < 200  # stopped on the validation loss, not on the cap
    assert head.epochs - head.best_epoch >= engine.patience - 1  # ... after `patience` checks
    X_new = rng.normal(size=(2000, 30)).astype(np.float32)
    mean_p = head.predict_proba(X_new).mean(axis=0)
    np.testing.assert_allclose(mean_p, Y.mean(axis=0), atol=0.06)


def test_hidden_layers_learn_what_a_linear_head_cannot():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(3000, 2)).astype(np.float32)
    y = ((X[:, 0] * X[:, 1]) > 0).astype(np.int64)  # XOR of the signs
    train, test = slice(0, 2000), slice(2000, None)
    linear = TorchEngine().fit_softmax(X[train], y[train], n_classes=2, random_state=0)
    mlp = TorchEngine(hidden_layer_sizes=(32,)).fit_softmax(
        X[train], y[train], n_classes=2, random_state=0
    )
    # a linear rule scores about 0.5 on XOR; on this sample scikit-learn's gets 0.565
    assert accuracy_score(y[test], linear.predict_proba(X[test]).argmax(axis=1)) < 0.7
    assert accuracy_score(y[test], mlp.predict_proba(X[test]).argmax(axis=1)) > 0.9


# --- a real dataset ---------------------------------------------------------------------


@pytest.mark.panel
@pytest.mark.skipif(not PANEL.is_dir(), reason="panel datasets not found at ../shared/datasets")
def test_heads_agree_with_scikit_learn_on_emotions():
    from sklearn.preprocessing import StandardScaler

    from feasibility import load

    dataset = load(PANEL / "emotions.arff")
    X = np.asarray(dataset.X, dtype=np.float32)
    Y = dataset.Y
    differences = {"f1_micro": [], "subset_accuracy": []}
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(dataset.n_samples)
        test, train = order[:197], order[197:]
        scaler = StandardScaler().fit(X[train])
        X_train = scaler.transform(X[train]).astype(np.float32)
        X_test = scaler.transform(X[test]).astype(np.float32)
        engine = TorchEngine()

        sigmoid = engine.fit_sigmoid(X_train, Y[train], random_state=seed)
        one_vs_rest = OneVsRestClassifier(LogisticRegression(max_iter=2000)).fit(X_train, Y[train])
        differences["f1_micro"].append(
            f1_score(Y[test], sigmoid.predict_proba(X_test) > 0.5, average="micro")
            - f1_score(Y[test], one_vs_rest.predict(X_test), average="micro")
        )

        labelsets, y = np.unique(Y[train], axis=0, return_inverse=True)
        y = y.ravel()
        softmax = engine.fit_softmax(X_train, y, n_classes=len(labelsets), random_state=seed)
        # C = 0.03 is what 3-fold cross-validated log loss picks for the multinomial model on
        # emotions (grid 0.01 ... 1); at the default C = 1 it overfits 24 classes from 395 rows
        # and scores 0.05 lower, while the torch head is regularised by early stopping.
        multinomial = LogisticRegression(C=0.03, max_iter=2000).fit(X_train, y)
        differences["subset_accuracy"].append(
            accuracy_score(Y[test], labelsets[softmax.predict_proba(X_test).argmax(axis=1)])
            - accuracy_score(Y[test], labelsets[multinomial.predict(X_test)])
        )
    assert abs(np.mean(differences["f1_micro"])) < 0.05
    assert abs(np.mean(differences["subset_accuracy"])) < 0.05


def test_tuned_softmax_validates_whole_groups():
    # the pruned powerset's copies of one row (same group) never straddle the split
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    groups = np.repeat(np.arange(60), 2)  # every row twice
    engine = TorchEngine(max_epochs=3, validation_fraction=0.25)
    head, tuning = engine.tune_softmax(X, y, n_classes=3, random_state=0, groups=groups)
    validated = set(groups[tuning.oof_rows].tolist())
    assert validated and not validated & set(groups[np.setdiff1d(np.arange(120), tuning.oof_rows)])
    assert len(tuning.oof_rows) == 2 * len(validated)  # both copies of each validated row
    assert tuning.oof_proba.shape == (len(tuning.oof_rows), 3)


@dataclasses.dataclass(frozen=True)
class _FakeHead:
    """A head whose validation loss is given: the tuning walk sees only that."""

    best_validation_loss: float
    weight_decay: float
    initial_state: object
    network: torch.nn.Module = dataclasses.field(default_factory=lambda: torch.nn.Linear(1, 1))
    optimizer_state: dict | None = None

    def predict_proba(self, X):
        return np.full((X.shape[0], 1), 0.5)


def _tune_on_losses(losses, hidden_layer_sizes=()):
    """Tune with fake heads whose validation loss at grid index i is ``losses[i]``; return
    the tuning, the chosen head and (grid index, warm-started) of each fit in order."""
    from feasibility.engines.torch_tuning import tune_torch_head
    from feasibility.engines.tuning import C_GRID

    engine = TorchEngine(hidden_layer_sizes=hidden_layer_sizes, validation_fraction=0.25)
    n_fit = 30  # 40 rows, a quarter of them for validation
    seen = []

    def fit(stepped):
        index = int(np.argmin(np.abs(np.log(C_GRID * stepped.weight_decay * n_fit))))
        seen.append((index, stepped.initial_state is not None))
        return _FakeHead(losses[index], stepped.weight_decay, stepped.initial_state)

    head, tuning = tune_torch_head(engine, fit, np.zeros((40, 1)), 40, random_state=0)
    return tuning, head, seen


def test_torch_tuning_walks_up_past_flat_steps_with_warm_starts():
    from feasibility.engines.torch_tuning import weight_decay_for

    # from the start (C = 0.01, index 3): better, flat, better up to C = 100, then worse
    losses = [2.0, 2.0, 2.0, 1.5, 1.2, 1.2, 1.1, 1.0, 1.3, 1.4]
    tuning, head, seen = _tune_on_losses(losses)
    assert tuning.C[0] == 100.0 and not tuning.at_edge[0]
    assert head.weight_decay == pytest.approx(weight_decay_for(100.0, 30))
    # one clear fall past the best ends the walk; a flat step does not
    assert seen == [(3, False), (4, True), (5, True), (6, True), (7, True), (8, True)]


def test_torch_tuning_goes_down_from_the_null_model_when_nothing_above_is_better():
    losses = [2.0, 1.0, 1.2, 1.5, 1.6, 1.8, 1.9, 2.0, 2.0, 2.0]
    tuning, _, seen = _tune_on_losses(losses)
    assert tuning.C[0] == pytest.approx(1e-4) and not tuning.at_edge[0]
    assert seen == [(3, False), (4, True), (2, False), (1, False), (0, False)]
    # and at the grid's strongest penalty, the choice is flagged as at the edge
    tuning, _, seen = _tune_on_losses([0.5, 1.0, 1.2, 1.5, 1.6, 1.8, 1.9, 2.0, 2.0, 2.0])
    assert tuning.C[0] == pytest.approx(1e-5) and tuning.at_edge[0]


def test_softmax_validation_loss_leaves_out_classes_without_fit_rows():
    # Classes seen only in validation rows cannot be learnt; Adam would push their biases
    # down with every step, so judging them would end training by its length.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    y[:30] = np.arange(2, 32)  # thirty classes of one row each
    engine = TorchEngine(max_epochs=20, validation_fraction=0.3)
    head, tuning = engine.tune_softmax(X, y, n_classes=32, random_state=0)
    val = tuning.oof_rows
    fit_rows = np.setdiff1d(np.arange(200), val)
    seen = np.isin(y[val], y[fit_rows])  # classes the network has fit rows of
    assert seen.sum() < len(val)  # some validation rows are of unlearnable classes
    proba = head.predict_proba(X[val])
    loss = -np.mean(np.log(proba[np.flatnonzero(seen), y[val][seen]]))
    assert head.best_validation_loss == pytest.approx(loss, rel=1e-3)


def test_torch_softmax_with_no_learnable_validation_row_is_still_judged():
    # every class has one row: no validation row's class has fit rows, so the head is
    # judged on all of them rather than on none (which would train every C to max_epochs
    # and report a C the returned head was not trained at)
    X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
    y = np.arange(20)
    engine = TorchEngine(max_epochs=3, validation_fraction=0.25)
    head, tuning = engine.tune_softmax(X, y, n_classes=20, random_state=0)
    assert np.isfinite(head.best_validation_loss)
    assert tuning.oof_rows.size == 5 and tuning.oof_proba.shape == (5, 20)


def test_adams_moments_travel_with_a_head_to_the_next_fit_of_the_walk_only():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    engine = TorchEngine(max_epochs=5)
    assert engine.fit_softmax(X, y, n_classes=3, random_state=0).optimizer_state is None
    engine.keeps_moments = True  # as the tuning path's copies
    head = engine.fit_softmax(X, y, n_classes=3, random_state=0)
    moments = head.optimizer_state["state"]
    assert {tuple(m["exp_avg"].shape) for m in moments.values()} == {(5, 3), (3,)}
    warm = TorchEngine(max_epochs=5, weight_decay=1.0, learning_rate=0.05)
    warm.keeps_moments, warm.initial_state = True, head
    again = warm.fit_softmax(X, y, n_classes=3, random_state=0)
    groups = again.optimizer_state["param_groups"]
    assert groups[0]["weight_decay"] == 1.0 and groups[1]["weight_decay"] == 0.0  # its own
    assert groups[0]["lr"] in (0.05, 0.005, 0.0005)  # its own step size (or its drops)
    tuned, _ = engine.tune_softmax(X, y, n_classes=3, random_state=0)
    assert tuned.optimizer_state is None  # the kept head does not carry them


def test_the_torch_mlp_is_searched_from_the_weakest_penalty_with_fresh_fits():
    # issue 11: --model mlp tunes its penalty on both engines, as scikit-learn's MLP is
    # (a network is not convex: no warm starts, and noisy strong-penalty plateaus come last)
    losses = [2.0, 2.0, 1.9, 1.5, 1.2, 1.0, 1.1, 1.1, 1.2, 1.3]
    tuning, _, seen = _tune_on_losses(losses, hidden_layer_sizes=(8,))
    assert tuning.C[0] == pytest.approx(1.0)
    assert seen == [(9, False), (8, False), (7, False), (6, False), (5, False), (4, False)]


def test_the_torch_mlp_tuning_runs_end_to_end_and_repeats_itself():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(400, 2)).astype(np.float32)
    y = ((X[:, 0] * X[:, 1]) > 0).astype(np.int64)
    engine = TorchEngine(hidden_layer_sizes=(16,), max_epochs=30)
    assert engine.tunes
    head, tuning = engine.tune_softmax(X, y, n_classes=2, random_state=0)
    again, tuning_again = engine.tune_softmax(X, y, n_classes=2, random_state=0)
    assert tuning.oof_proba.shape == (len(tuning.oof_rows), 2)
    assert head.n_params == 2 * 16 + 16 + 16 * 2 + 2  # the MLP, not a linear head
    assert tuning.C[0] == tuning_again.C[0]  # same seed, same choice and same network
    np.testing.assert_array_equal(head.predict_proba(X), again.predict_proba(X))


def test_a_failed_start_is_never_warm_started_from():
    # the start's training gave no finite validation loss: the next C starts afresh
    losses = [2.0, 2.0, 2.0, np.inf, 1.2, 1.1, 1.0, 1.3, 1.4, 1.5]
    tuning, _, seen = _tune_on_losses(losses)
    assert tuning.C[0] == pytest.approx(10.0)
    assert seen[:3] == [(3, False), (4, False), (5, True)]


def _dense(batch, n_features: int) -> np.ndarray:
    """A minibatch (dense tensor or SparseBatch) as a dense array."""
    if not isinstance(batch, SparseBatch):
        return batch.numpy()
    indptr = batch.offsets.numpy()
    shape = (len(indptr) - 1, n_features)
    return sp.csr_matrix((batch.values.numpy(), batch.indices.numpy(), indptr), shape).toarray()


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("batch_size", [7, 1000, GATHER_ROWS + 5])
def test_epoch_batches_are_the_rows_in_order_across_gathers(sparse, batch_size):
    rng = np.random.default_rng(3)
    n = 2 * GATHER_ROWS + 123  # more than one gather, a partial last batch
    X = sp.random(n, 40, density=0.1, format="csr", random_state=3, dtype=np.float32)
    X = X if sparse else X.toarray()
    targets = torch.from_numpy(rng.integers(0, 5, n))
    order = rng.permutation(n)[: n - 50]
    expected = X[order].toarray() if sparse else X[order]
    seen, first = 0, 0
    for inputs, target in epoch_batches(InputRows(X), targets, order, batch_size):
        rows = order[first : first + len(target)]
        assert len(target) == min(batch_size, len(order) - first)
        np.testing.assert_array_equal(_dense(inputs, 40), expected[first : first + len(target)])
        np.testing.assert_array_equal(target.numpy(), targets.numpy()[rows])
        first += len(target)
        seen += 1
    assert first == len(order)
