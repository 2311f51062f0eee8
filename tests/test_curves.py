"""Tests for feasibility.curves: the learning-curve experiment."""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score
from sklearn.preprocessing import StandardScaler

from feasibility.curves import (
    FORMULATIONS,
    METRICS,
    WARNING_CODES,
    BudgetMode,
    CostModel,
    CurveNote,
    CurveNoteCode,
    CurveOptions,
    LearningCurves,
    learning_curves,
    outer_splits,
    resolve_train_sizes,
)
from feasibility.curves.budget import makespan, run_with_budget
from feasibility.curves.jobs import Task
from feasibility.curves.notes import is_warning
from feasibility.dataset import MultilabelDataset
from feasibility.errors import DatasetError, FeasibilityWarning, ParameterError
from feasibility.labelsets import prune_labelsets, unseen_labelset_share
from feasibility.synthetic import make_independent_labels, make_latent_class_labels

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
needs_panel = pytest.mark.skipif(
    not PANEL.is_dir(), reason="panel datasets not found at ../shared/datasets"
)

# Small, fast settings for the experiment in tests.
FAST = dict(folds=3, repeats=1, n_sizes=3, jobs=1, engine="sklearn", use_cache=False)


@pytest.fixture(scope="module")
def latent():
    return make_latent_class_labels(240, n_features=6, n_labels=4, n_classes=5, random_state=1)


@pytest.fixture(scope="module")
def latent_curves(latent):
    return learning_curves(latent, **FAST)


def _comparable(curves: LearningCurves) -> dict:
    return curves.to_dict(timings=False)


# -- sizes and splits --------------------------------------------------------------------------


def test_resolve_train_sizes_default_is_geometric_from_max_50_2l():
    sizes, notes = resolve_train_sizes(1000, n_labels=6)
    # 50 * (1000 / 50) ** (k / 7), rounded
    assert sizes.tolist() == [50, 77, 118, 181, 277, 425, 652, 1000]
    assert notes == []
    assert resolve_train_sizes(1000, n_labels=40)[0][0] == 80
    assert resolve_train_sizes(1000, n_labels=6, min_size=10, n_sizes=3)[0].tolist() == [
        10,
        100,
        1000,
    ]


def test_resolve_train_sizes_caps_the_smallest_size_to_the_training_part():
    sizes, notes = resolve_train_sizes(30, n_labels=6)
    assert sizes.tolist() == [30]
    assert notes[0].code == CurveNoteCode.SIZE_CAPPED and "capped to 30" in str(notes[0])


def test_resolve_train_sizes_accepts_counts_and_fractions():
    assert resolve_train_sizes(200, n_labels=3, sizes=[150, 20])[0].tolist() == [20, 150]
    assert resolve_train_sizes(200, n_labels=3, sizes=[0.25, 1.0])[0].tolist() == [50, 200]
    sizes, notes = resolve_train_sizes(200, n_labels=3, sizes=[0.5, 0.501])
    assert sizes.tolist() == [100] and "merged: [0.5, 0.501] -> [100]" in str(notes[0])
    with pytest.raises(ParameterError, match=r"counts <= the training part \(200 rows\)"):
        resolve_train_sizes(200, n_labels=3, sizes=[100, 201])


def test_outer_splits_partition_rows_and_stratify_labels():
    rng = np.random.default_rng(0)
    Y = (rng.random((300, 4)) < [0.5, 0.2, 0.1, 0.05]).astype(np.uint8)
    splits = outer_splits(Y, folds=5, repeats=2, seed=3)
    assert [(r, f) for r, f, _, _ in splits] == [(r, f) for r in range(2) for f in range(5)]
    for repeat in range(2):
        tests = np.concatenate([te for r, _, _, te in splits if r == repeat])
        assert np.array_equal(np.sort(tests), np.arange(300))
    for _, _, train, test in splits:
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == 300
        # Iterative stratification: each test fold holds about a fifth of each label.
        expected = Y.sum(axis=0) / 5
        assert np.all(np.abs(Y[test].sum(axis=0) - expected) <= 1.5)
    # Different repeats, different splits; same seed, same splits.
    assert not np.array_equal(splits[0][3], splits[5][3])
    again = outer_splits(Y, folds=5, repeats=2, seed=3)
    assert all(np.array_equal(a[2], b[2]) for a, b in zip(splits, again))


# -- labelsets ---------------------------------------------------------------------------------


def test_unseen_labelset_share_counts_test_rows_with_new_combinations():
    train = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 0]])
    test = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 0]])
    assert unseen_labelset_share(train, test) == 0.5


def test_prune_labelsets_keeps_every_maximal_frequent_subset():
    Y = np.array(
        [
            [1, 1, 0, 0],  # frequent
            [1, 1, 0, 0],
            [0, 0, 1, 1],  # frequent
            [0, 0, 1, 1],
            [1, 0, 0, 0],  # frequent, but inside [1, 1, 0, 0]: not maximal for row 4
            [1, 0, 0, 0],
            [1, 1, 1, 1],  # rare: copies for [1, 1, 0, 0] and [0, 0, 1, 1]
            [0, 1, 1, 0],  # rare, no frequent non-empty subset: dropped
        ]
    )
    rows, y, labelsets = prune_labelsets(Y, min_count=2)
    assert labelsets.tolist() == [[0, 0, 1, 1], [1, 0, 0, 0], [1, 1, 0, 0]]
    assert rows.tolist() == [0, 1, 2, 3, 4, 5, 6, 6]
    assert y.tolist() == [2, 2, 0, 0, 1, 1, 0, 2]


def test_prune_labelsets_min_count_one_is_the_plain_powerset():
    Y = np.array([[1, 0], [0, 1], [1, 0], [1, 1]])
    rows, y, labelsets = prune_labelsets(Y, min_count=1)
    assert rows.tolist() == [0, 1, 2, 3]
    assert labelsets[y].tolist() == Y.tolist()


def test_prune_labelsets_never_uses_the_empty_labelset_as_replacement():
    Y = np.array([[0, 0], [0, 0], [1, 1]])
    rows, y, labelsets = prune_labelsets(Y, min_count=2)
    assert labelsets.tolist() == [[0, 0]]
    assert rows.tolist() == [0, 1]


# -- the experiment: numbers -------------------------------------------------------------------


def test_learning_curves_shapes_and_nesting(latent_curves):
    curves = latent_curves
    assert set(curves.curves) == set(FORMULATIONS)
    assert curves.runs == ((0, 0), (0, 1), (0, 2))
    # Iterative stratification gives training parts of 166, 156 and 158 rows.
    assert curves.n_train_full == 156
    for curve in curves.curves.values():
        assert curve.train_sizes.tolist() == [50, 88, 156]
        assert set(curve.scores) == set(METRICS)
        for values in curve.scores.values():
            assert values.shape == (3, 3) and np.isfinite(values).all()
        assert curve.unseen_labelset_share.shape == (3, 3)
    assert curves.engine == "sklearn-linear"
    # The unseen share depends on the training rows only, not on the formulation.
    np.testing.assert_array_equal(
        curves.curves["sigmoid"].unseen_labelset_share,
        curves.curves["powerset"].unseen_labelset_share,
    )
    # Five combinations, 160 rows: every test labelset was seen at full size.
    assert np.all(curves.curves["powerset"].unseen_labelset_share[:, -1] == 0)
    np.testing.assert_array_equal(curves.curves["powerset"].n_classes[:, -1], 5)
    np.testing.assert_array_equal(curves.curves["powerset"].n_params[:, -1], 5 * (6 + 1))
    np.testing.assert_array_equal(curves.curves["sigmoid"].n_params[:, -1], 4 * (6 + 1))


def test_learning_curves_scores_match_a_direct_scikit_learn_fit(latent, latent_curves):
    # Recompute the cell (run 0, largest size) by hand with scikit-learn, at the C the
    # tool's inner folds chose, with both decodings.
    _, _, train, test = outer_splits(latent.Y, folds=3, seed=0)[0]
    rows = train[:156]
    scaler = StandardScaler().fit(latent.X[rows])  # the latent features are continuous
    X_train, X_test = scaler.transform(latent.X[rows]), scaler.transform(latent.X[test])
    Y_train, Y_test = latent.Y[rows], latent.Y[test]
    sigmoid_curve = latent_curves.curves["sigmoid"]
    powerset_curve = latent_curves.curves["powerset"]
    C_sigmoid = sigmoid_curve.tuning.C[0, -1]
    (C_powerset,) = powerset_curve.tuning.C[0, -1]
    assert set(np.log10(C_sigmoid).round()) <= set(range(-5, 5))
    sigmoid_proba = np.column_stack(
        [
            LogisticRegression(C=C_sigmoid[j], max_iter=1000, tol=1e-8)
            .fit(X_train, Y_train[:, j])
            .predict_proba(X_test)[:, 1]
            for j in range(4)
        ]
    )
    labelsets, y = np.unique(Y_train, axis=0, return_inverse=True)
    powerset_model = LogisticRegression(C=C_powerset, max_iter=1000, tol=1e-8).fit(X_train, y)
    powerset_pred = labelsets[powerset_model.predict(X_test)]
    plain_sigmoid = (sigmoid_proba > 0.5).astype(int)
    # The tool's lbfgs stops at scikit-learn's default tolerance: a prediction may differ.
    tolerance = 1.5 / len(test)
    assert sigmoid_curve.scores_plain["subset_accuracy"][0, -1] == pytest.approx(
        accuracy_score(Y_test, plain_sigmoid), abs=tolerance
    )
    assert sigmoid_curve.scores["hamming_loss"][0, -1] == pytest.approx(
        hamming_loss(Y_test, plain_sigmoid), abs=tolerance
    )
    threshold = sigmoid_curve.tuning.thresholds["f1_micro"][0, -1]
    assert 0 < threshold < 1
    assert sigmoid_curve.scores["f1_micro"][0, -1] == pytest.approx(
        f1_score(Y_test, (sigmoid_proba > threshold).astype(int), average="micro"), abs=0.02
    )
    assert powerset_curve.scores["subset_accuracy"][0, -1] == pytest.approx(
        accuracy_score(Y_test, powerset_pred), abs=tolerance
    )
    marginals = powerset_model.predict_proba(X_test) @ labelsets
    threshold = powerset_curve.tuning.thresholds["f1_micro"][0, -1]
    assert powerset_curve.scores["f1_micro"][0, -1] == pytest.approx(
        f1_score(Y_test, (marginals > threshold).astype(int), average="micro"), abs=0.02
    )
    # The apparent Cox-Snell R^2 of the powerset model on the same training rows.
    model = powerset_model
    ll_model = np.log(model.predict_proba(X_train)[np.arange(156), y]).sum()
    counts = np.bincount(y)
    ll_null = (counts * np.log(counts / 156)).sum()
    expected_r2 = 1 - math.exp(2 * (ll_null - ll_model) / 156)
    assert latent_curves.powerset_r2_cs == pytest.approx(expected_r2, rel=1e-3)
    assert latent_curves.r2_cs_train_sizes == {"sigmoid": 156, "powerset": 156}


def test_learning_curves_summary_fields(latent, latent_curves):
    np.testing.assert_allclose(latent_curves.label_prevalence, latent.Y.mean(axis=0))
    shares = latent_curves.powerset_class_shares
    assert shares.sum() == pytest.approx(1.0) and np.all(np.diff(shares) <= 0)
    assert len(shares) == 5
    assert latent_curves.n_predictors == 6
    assert np.all((latent_curves.sigmoid_r2_cs > 0) & (latent_curves.sigmoid_r2_cs < 1))


def test_learning_curves_predicts_a_constant_label_as_that_constant():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    Y = np.column_stack([X[:, 0] > 0, np.zeros(150), X[:, 1] > 0]).astype(np.uint8)
    data = MultilabelDataset.from_arrays(X, Y, label_names=["a", "never", "b"])
    with pytest.warns(FeasibilityWarning, match="Constant label in the data: 'never'"):
        curves = learning_curves(data, **FAST, formulations=["sigmoid"])
    sigmoid = curves.curves["sigmoid"]
    np.testing.assert_array_equal(sigmoid.n_classes, 2)  # two sigmoid outputs fitted
    np.testing.assert_array_equal(sigmoid.n_params, 2 * (3 + 1))
    assert any("'never' (always 0)" in str(note) for note in curves.notes)
    assert math.isnan(curves.sigmoid_r2_cs[1])


def test_learning_curves_single_labelset_training_part_predicts_it():
    X = np.random.default_rng(0).normal(size=(60, 2))
    Y = np.tile([1, 0], (60, 1))
    data = MultilabelDataset.from_arrays(X, Y)
    with pytest.warns(FeasibilityWarning):
        curves = learning_curves(data, **FAST, formulations=["powerset", "sigmoid"])
    for curve in curves.curves.values():
        np.testing.assert_array_equal(curve.scores["subset_accuracy"], 1.0)
        np.testing.assert_array_equal(curve.n_params, 0)


# -- validity on synthetic data with a known answer --------------------------------------------


def test_independent_labels_sigmoid_wins_or_ties_on_hamming_loss():
    data = make_independent_labels(900, n_features=10, n_labels=6, random_state=2)
    curves = learning_curves(
        data,
        folds=3,
        sizes=[1.0],
        jobs=1,
        engine="sklearn",
        use_cache=False,
        formulations=["sigmoid", "powerset"],
    )
    sigmoid = curves.curves["sigmoid"].scores["hamming_loss"][:, -1]
    powerset = curves.curves["powerset"].scores["hamming_loss"][:, -1]
    assert sigmoid.mean() <= powerset.mean() + 0.005
    # The powerset cannot even see every combination: 2^6 = 64 possible.
    assert curves.curves["powerset"].unseen_labelset_share[:, -1].mean() > 0


def test_latent_class_labels_powerset_wins_on_subset_accuracy():
    data = make_latent_class_labels(900, n_features=10, n_labels=6, n_classes=8, random_state=2)
    curves = learning_curves(
        data,
        folds=3,
        sizes=[0.1, 1.0],
        jobs=1,
        engine="sklearn",
        use_cache=False,
        formulations=["sigmoid", "powerset"],
    )
    sigmoid = curves.curves["sigmoid"].scores["subset_accuracy"][:, -1]
    powerset = curves.curves["powerset"].scores["subset_accuracy"][:, -1]
    assert powerset.mean() > sigmoid.mean() + 0.05
    assert np.all(powerset > sigmoid)  # in every fold


# -- serialisation, determinism, cache ---------------------------------------------------------


def test_to_dict_is_json_safe_and_follows_the_contract(latent_curves):
    data = latent_curves.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    curve = data["curves"]["powerset"]
    assert curve["train_sizes"] == [50, 88, 156]
    assert set(curve["scores"]) == set(METRICS)
    assert set(curve["scores"]["f1_micro"]) == {"mean", "std", "folds"}
    folds = np.array(curve["scores"]["f1_micro"]["folds"])
    assert folds.shape == (3, 3)
    np.testing.assert_allclose(curve["scores"]["f1_micro"]["mean"], folds.mean(axis=0))
    np.testing.assert_allclose(curve["scores"]["f1_micro"]["std"], folds.std(axis=0, ddof=1))
    assert set(curve["unseen_labelset_share"]) == {"mean", "std", "folds"}
    assert len(curve["fit_seconds"]) == 3 and len(curve["n_params"]) == 3
    for key in ("options", "engine", "runs", "n_train_full", "sigmoid_r2_cs", "notes"):
        assert key in data
    assert data["options"]["folds"] == 3 and data["options"]["engine"] == "sklearn"
    without = latent_curves.to_dict(timings=False)
    assert "timings" not in without and "fit_seconds" not in without["curves"]["sigmoid"]


def test_from_dict_round_trips(latent_curves):
    data = json.loads(json.dumps(latent_curves.to_dict()))
    rebuilt = LearningCurves.from_dict(data)
    assert rebuilt.to_dict() == latent_curves.to_dict()
    np.testing.assert_array_equal(
        rebuilt.curves["sigmoid"].scores["jaccard"],
        latent_curves.curves["sigmoid"].scores["jaccard"],
    )


def test_learning_curves_same_seed_same_result_whatever_the_jobs(latent, latent_curves):
    parallel = learning_curves(latent, **(FAST | {"jobs": 2}))
    assert _comparable(parallel) == _comparable(latent_curves)
    other_seed = learning_curves(latent, **FAST, seed=1)
    assert _comparable(other_seed) != _comparable(latent_curves)


def test_learning_curves_repeats_use_different_splits(latent):
    curves = learning_curves(latent, **(FAST | {"folds": 2, "n_sizes": 1, "repeats": 2}))
    assert curves.runs == ((0, 0), (0, 1), (1, 0), (1, 1))
    f1 = curves.curves["sigmoid"].scores["f1_micro"][:, 0]
    assert not np.array_equal(f1[:2], f1[2:])


def test_learning_curves_dask_backend_equals_local_run(latent, latent_curves):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        remote = learning_curves(
            latent, **(FAST | {"jobs": None}), backend="dask", scheduler=cluster.scheduler_address
        )
    assert _comparable(remote) == _comparable(latent_curves)
    assert remote.timings["backend"] == "dask"


def test_learning_curves_cache_hit_and_miss(latent, tmp_path, monkeypatch):
    monkeypatch.setenv("FEASIBILITY_CACHE", str(tmp_path))
    options = FAST | {"use_cache": True, "n_sizes": 2}
    first = learning_curves(latent, **options)
    files = list(tmp_path.glob("curves-latent-class-labels-*.json"))
    assert len(files) == 1
    second = learning_curves(latent, **options | {"jobs": 2})  # jobs are not in the key
    assert any(note.code == CurveNoteCode.CACHE_HIT for note in second.notes)
    assert str(second.notes[-1]).startswith("Loaded from the cache")
    assert second.to_dict(timings=False)["curves"] == first.to_dict(timings=False)["curves"]
    third = learning_curves(latent, **options | {"seed": 4})
    assert not any(note.code == CurveNoteCode.CACHE_HIT for note in third.notes)
    assert len(list(tmp_path.glob("*.json"))) == 2
    explicit = tmp_path / "elsewhere"
    learning_curves(latent, **options | {"cache_dir": explicit})
    assert len(list(explicit.glob("*.json"))) == 1


def test_learning_curves_cache_with_text_notes_is_not_read(latent, tmp_path):
    options = FAST | {"use_cache": True, "cache_dir": tmp_path, "n_sizes": 2}
    learning_curves(latent, **options)
    (path,) = tmp_path.glob("*.json")
    stored = json.loads(path.read_text())
    stored["result"]["notes"] = ["engine='auto' chose scikit-learn (4 labelsets)."]
    path.write_text(json.dumps(stored))  # as a version before notes were codes wrote it
    with pytest.raises(ValueError, match="notes are sentences"):
        LearningCurves.from_dict(stored["result"])
    again = learning_curves(latent, **options)
    assert not any(note.code == CurveNoteCode.CACHE_HIT for note in again.notes)


def test_learning_curves_progress_is_quiet_when_stderr_is_not_a_tty(latent, capsys):
    learning_curves(latent, **(FAST | {"n_sizes": 1}), progress=True)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


# -- cost model and budget ---------------------------------------------------------------------


def test_cost_model_fits_a_power_law_and_clips_the_exponent():
    cost = CostModel()
    assert math.isnan(cost.predict("sigmoid", 100))
    for n, seconds in [(100, 1.0), (200, 4.0), (400, 16.0)]:
        cost.observe("powerset", n, seconds)
    assert cost.exponent("powerset") == pytest.approx(2.0)
    assert cost.predict("powerset", 800) == pytest.approx(64.0)
    for n, seconds in [(100, 1.0), (200, 1.0), (400, 1.0)]:
        cost.observe("sigmoid", n, seconds)
    assert cost.exponent("sigmoid") == 1.0  # at least linear in the rows
    assert cost.predict("sigmoid", 800) == pytest.approx(2.0)


def test_makespan_is_longest_first_scheduling():
    assert makespan([3, 3, 2, 2, 2], 2) == 7
    assert makespan([5, 1], 4) == 5


class _FakeExecutor:
    """Returns instantly; a job 'takes' size^2 / 1e4 seconds (powerset) or size / 1e3."""

    n_workers = 2

    def __init__(self):
        self.ran: list[int] = []

    def map(self, tasks):
        for task in tasks:
            self.ran.append(task.task_id)
            factor = task.size**2 / 1e4 if task.formulation == "powerset" else task.size / 1e3
            yield {"task_id": task.task_id, "seconds": factor}


class _NoBar:
    def advance(self):
        pass

    def set_total(self, total):
        pass


def _grid(sizes, n_runs=2):
    tasks = []
    for run in range(n_runs):
        for level, size in enumerate(sizes):
            for formulation in ("sigmoid", "powerset"):
                tasks.append(
                    Task(
                        len(tasks),
                        run,
                        level,
                        formulation,
                        size,
                        np.arange(size),
                        np.arange(1),
                        0,
                        2,
                        False,
                    )
                )
    return tasks


def test_budget_runs_the_jobs_predicted_to_fit_and_names_the_rest():
    tasks = _grid([100, 200, 400, 800, 1600, 3200])
    executor = _FakeExecutor()
    outcome = run_with_budget(
        tasks, executor=executor, budget=600.0, started=time.perf_counter(), bar=_NoBar()
    )
    ran = {(tasks[i].formulation, tasks[i].size) for i in outcome.results}
    # Powerset at 800 takes 64 s, 1600 takes 256 s, 3200 takes 1024 s; two workers,
    # 600 s: up to 1600 for both runs fits (2 x 64 / 2 + 2 x 256 / 2 = 320 s), 3200 not.
    assert ("powerset", 1600) in ran and ("powerset", 3200) not in ran
    assert ("sigmoid", 3200) in ran  # cheap jobs still run at the largest size
    assert len(outcome.notes) == 1
    assert str(outcome.notes[0]).startswith("Budget of 600 s: only the jobs predicted to fit")
    assert "powerset at 3,200 (2 of 2 runs)" in str(outcome.notes[0])
    assert outcome.applied_budget == 600.0


def test_budget_none_applies_the_automatic_limit_only_when_needed():
    small = _grid([100, 200, 400, 800])
    outcome = run_with_budget(
        small, executor=_FakeExecutor(), budget=None, started=time.perf_counter(), bar=_NoBar()
    )
    assert len(outcome.results) == len(small) and outcome.notes == []
    assert outcome.applied_budget is None
    large = _grid([100, 400, 1600, 6400])  # powerset at 6,400 'takes' 4,096 s
    outcome = run_with_budget(
        large, executor=_FakeExecutor(), budget=None, started=time.perf_counter(), bar=_NoBar()
    )
    assert outcome.notes[0].code == CurveNoteCode.AUTO_BUDGET
    assert str(outcome.notes[0]).startswith("No budget was given")
    assert "automatic limit of 15 min" in str(outcome.notes[0])
    assert outcome.applied_budget == 900.0
    assert len(outcome.results) == len(large) - 2


def test_budget_cut_leaves_nan_and_warns(latent):
    with pytest.warns(FeasibilityWarning, match="Budget of 0 s"):
        curves = learning_curves(latent, **(FAST | {"n_sizes": 5}), budget=1e-3)
    f1 = curves.curves["powerset"].scores["f1_micro"]
    assert np.isfinite(f1[:, :3]).all() and np.isnan(f1[:, 3:]).all()  # three probe sizes
    assert curves.to_dict()["curves"]["powerset"]["scores"]["f1_micro"]["mean"][3] is None
    assert curves.to_dict()["curves"]["powerset"]["n_runs_done"] == [3, 3, 3, 0, 0]
    assert curves.options["budget_seconds_applied"] == 1e-3


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"folds": 1}, "'folds' parameter of learning_curves must be an int >= 2. Got 1"),
        ({"sizes": [0.0, 1.2]}, r"must be fractions within \(0, 1\]. Got \[0.0, 1.2\]"),
        ({"sizes": [10, 0.5]}, "a non-empty list of counts"),
        ({"engine": "jax"}, "'engine' parameter of learning_curves must be one of"),
        ({"formulations": ["softmax"]}, "'formulations' parameter"),
        ({"prune_min_count": 0}, "'prune_min_count' parameter"),
        ({"budget": -1}, "'budget' parameter"),
        ({"backend": "ray"}, "'backend' parameter"),
        ({"scheduler": "tcp://x:1"}, "'scheduler' parameter of learning_curves must be None"),
        ({"seed": -1}, "'seed' parameter"),
        ({"model": "mlp", "hidden_layer_sizes": ()}, "'hidden_layer_sizes' parameter"),
    ],
)
def test_learning_curves_rejects_bad_options(latent, options, message):
    with pytest.raises(ParameterError, match=message):
        learning_curves(latent, **(FAST | options))


def test_learning_curves_rejects_too_few_samples():
    data = MultilabelDataset.from_arrays(np.zeros((5, 1)), np.eye(5, 2, dtype=np.uint8))
    with pytest.raises(DatasetError, match="5 samples cannot be split into 3 folds"):
        learning_curves(data, **FAST)


def test_curve_options_hold_the_only_defaults_and_normalise():
    import inspect

    defaults = CurveOptions.defaults()
    signature = inspect.signature(learning_curves).parameters
    assert {name: signature[name].default for name in defaults} == defaults
    # the command line reads them too: test_cli.py::test_cli_curve_options_are_the_librarys_defaults
    options = CurveOptions(sizes=[100, 20], formulations="powerset", budget=math.inf)
    assert options.sizes == (100, 20) and options.formulations == ("powerset",)
    assert options.budget_mode == BudgetMode.UNLIMITED
    assert options.experiment_dict()["budget"] is None
    assert options == CurveOptions(sizes=(100, 20), formulations=["powerset"], budget=math.inf)
    assert learning_curves.__module__ == "feasibility.curves.experiment"


def test_formulation_curve_summaries_are_those_of_its_json(latent_curves):
    curve = latent_curves.curves["powerset"]
    data = curve.to_dict()
    assert curve.mean("f1_micro").tolist() == data["scores"]["f1_micro"]["mean"]
    assert curve.std("jaccard").tolist() == data["scores"]["jaccard"]["std"]
    assert curve.n_runs_done.tolist() == data["n_runs_done"]


def test_every_note_has_a_code_and_warnings_point_at_the_caller(tmp_path):
    X = np.random.default_rng(0).normal(size=(150, 3))
    Y = np.column_stack([X[:, 0] > 0, np.zeros(150), X[:, 1] > 0]).astype(np.uint8)
    data = MultilabelDataset.from_arrays(X, Y)
    options = FAST | {"use_cache": True, "cache_dir": tmp_path, "formulations": ["sigmoid"]}
    for _ in range(2):  # a run, then a cache hit: both warn, from this file
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            curves = learning_curves(data, **options, budget=1e-3, sizes=[0.2, 0.4, 0.6, 1.0])
        assert {w.filename for w in caught} == {__file__}
        assert {str(w.message) for w in caught} == {str(n) for n in curves.notes if is_warning(n)}
    codes = [note.code for note in curves.notes]
    assert codes == [CurveNoteCode.CONSTANT_LABELS, CurveNoteCode.BUDGET, CurveNoteCode.CACHE_HIT]
    assert CurveNoteCode.CONSTANT_LABELS in WARNING_CODES
    assert CurveNoteCode.CACHE_HIT not in WARNING_CODES
    # the notes round-trip through the JSON (and the cache)
    assert CurveNote.from_dicts([n.to_dict() for n in curves.notes]) == curves.notes


def test_learning_curves_mlp_model(latent):
    with pytest.warns(FeasibilityWarning, match="did not converge"):
        curves = learning_curves(
            latent,
            **(FAST | {"n_sizes": 1}),
            model="mlp",
            hidden_layer_sizes=(5,),
            formulations=["sigmoid"],
        )
    assert curves.engine == "sklearn-mlp"
    # 6 inputs -> 5 hidden -> 4 sigmoid outputs.
    np.testing.assert_array_equal(curves.curves["sigmoid"].n_params, 6 * 5 + 5 + 5 * 4 + 4)
    assert curves.options["hidden_layer_sizes"] == [5]


# -- real data ---------------------------------------------------------------------------------


def _load(name: str):
    try:
        from feasibility import load
    except ImportError:
        pytest.skip("feasibility.load is not available")
    return load(PANEL / name)


@pytest.mark.panel
@needs_panel
def test_learning_curves_on_emotions():
    data = _load("emotions.arff")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        curves = learning_curves(data, folds=3, n_sizes=4, engine="sklearn", use_cache=False)
    assert 380 <= curves.n_train_full <= 395  # 592 rows, 3 folds, iterative stratification
    for formulation, curve in curves.curves.items():
        f1 = curve.scores["f1_micro"].mean(axis=0)
        assert f1[-1] > f1[0], formulation  # more data helps on emotions
        assert 0.5 < f1[-1] < 0.8
    # emotions has 27 labelsets; a small training part misses some of them.
    unseen = curves.curves["powerset"].unseen_labelset_share.mean(axis=0)
    assert unseen[0] > unseen[-1] >= 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_scores_count_an_empty_labelset_predicted_empty_as_a_match():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    Y = (X + rng.normal(scale=0.5, size=X.shape) > 0.6).astype(np.uint8)  # half the rows empty
    curve = learning_curves(
        MultilabelDataset.from_arrays(X, Y), **FAST, formulations=["sigmoid"]
    ).curves["sigmoid"]
    # The cell (run 0, largest size) by hand, as in the scikit-learn test above.
    _, _, train, test = outer_splits(Y, folds=3, seed=0)[0]
    rows = train[: curve.train_sizes[-1]]
    scaler = StandardScaler().fit(X[rows])
    X_train, X_test = scaler.transform(X[rows]), scaler.transform(X[test])
    C = curve.tuning.C[0, -1]  # the tool's chosen C per label; the plain decoding (0.5)
    predicted = np.column_stack(
        [
            LogisticRegression(C=C[j], tol=1e-8, max_iter=1000)
            .fit(X_train, Y[rows, j])
            .predict(X_test)
            for j in range(2)
        ]
    )
    both_empty = ~Y[test].any(axis=1) & ~predicted.any(axis=1)
    assert both_empty.any() and (Y[test] != predicted).any()  # matches, misses and empty rows
    for metric, score in (("f1_samples", f1_score), ("jaccard", jaccard_score)):
        expected = score(Y[test], predicted, average="samples", zero_division=1)
        assert curve.scores_plain[metric][0, -1] == pytest.approx(expected, abs=1 / len(test))
        # counting an empty row predicted empty as 0 would give less
        assert expected > score(Y[test], predicted, average="samples", zero_division=0)


def test_learning_curves_refuses_a_dataset_without_features():
    from feasibility import DatasetError
    from feasibility.dataset import MultilabelDataset

    data = MultilabelDataset.from_arrays(np.zeros((40, 0)), np.eye(2, dtype=int)[np.arange(40) % 2])
    with pytest.raises(DatasetError, match="no feature columns"):
        learning_curves(data, folds=2, use_cache=False)
