"""One job of the grid: fit one formulation on one training size of one run, and score it.

A job scales the features on its training rows, fits the formulation's head(s) through the
engine, predicts the outer test part and returns plain numbers (a dict, so that it travels
cheaply back from a worker process).
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from dataclasses import dataclass, replace

import numpy as np

from ..labelsets import prune_labelsets, unseen_labelset_share
from ..vocab import METRICS, Formulation, Metric
from .decoding import choose_thresholds, label_marginals, metric_scores, threshold_predictions
from .scaling import make_scaler
from .splits import seed_int

__all__ = ["Grid", "Task", "make_tasks", "run_job"]

#: Formulations whose apparent Cox-Snell R^2 feeds the analytic sample-size cross-check.
_R2_FORMULATIONS = (Formulation.SIGMOID, Formulation.POWERSET)


@dataclass(frozen=True, eq=False)
class Task:
    """One (run, formulation, size) cell of the grid."""

    task_id: int
    run: int
    level: int  # index of the training size
    formulation: str
    size: int
    train_rows: np.ndarray
    test_rows: np.ndarray
    random_state: int
    prune_min_count: int
    r2_cs: bool  # also measure the apparent Cox-Snell R^2 on the training rows
    scaling: str = "auto"  # how the features are scaled (fitted on the training rows)
    repeat: int = 0  # which repeat of the outer folds (a budget cuts later repeats first)


@dataclass(frozen=True, eq=False)
class Grid:
    """The experiment's cells, fixed before the first job: runs x training sizes x
    formulations, one :class:`Task` each."""

    splits: list[tuple[int, int, np.ndarray, np.ndarray]]  # (repeat, fold, train, test) per run
    train_sizes: np.ndarray  # (n_sizes,) int64, increasing
    n_train_full: int  # smallest outer training part
    formulations: tuple[str, ...]
    tasks: list[Task]  # tasks[i].task_id == i


def make_tasks(
    splits, train_sizes, formulations, *, seed: int, prune_min_count: int, scaling: str = "auto"
) -> list[Task]:
    """Every (run, size, formulation) cell, in that order; ``task_id`` is the position.

    The formulations of one (run, size) share a random state, so they see the same
    randomness and differ only in how they model the labels.
    """
    tasks = []
    for run, (repeat, fold, train, test) in enumerate(splits):
        for level, size in enumerate(train_sizes):
            random_state = seed_int(seed, repeat, fold, level)
            for formulation in formulations:
                tasks.append(
                    Task(
                        task_id=len(tasks),
                        run=run,
                        level=level,
                        formulation=formulation,
                        size=int(size),
                        train_rows=train[:size],
                        test_rows=test,
                        random_state=random_state,
                        prune_min_count=prune_min_count,
                        r2_cs=run == 0 and formulation in _R2_FORMULATIONS,
                        scaling=scaling,
                        repeat=int(repeat),
                    )
                )
    return tasks


# -- the two kinds of model ---------------------------------------------------------------------


def _clip(p: np.ndarray) -> np.ndarray:
    return np.clip(p, 1e-15, 1 - 1e-15)


def _cox_snell(ll_null: float, ll_model: float, n: int) -> float:
    # Cox & Snell (1989) R^2, as used by Riley et al. (BMJ 2020): 1 - exp(2 (LL0 - LL1) / n).
    return float(1.0 - math.exp(2.0 * (ll_null - ll_model) / n))


@dataclass(frozen=True, eq=False)
class _SigmoidModel:
    head: object | None  # FittedHead for the non-constant labels
    fitted: np.ndarray  # (L,) bool: labels with a sigmoid
    constant_values: np.ndarray  # (L,) uint8: the prediction of the constant labels

    def label_proba(self, X) -> np.ndarray:
        """(n, L) probability of each label; a constant label's is its constant."""
        proba = np.tile(self.constant_values.astype(np.float64), (X.shape[0], 1))
        if self.head is not None:
            proba[:, self.fitted] = self.head.predict_proba(X)
        return proba

    def predictions(self, X, thresholds: dict | None):
        """The plain predictions and, with ``thresholds``, one set per metric, both from
        one pass of the head over ``X``."""
        proba = self.label_proba(X)
        # Same rule as LogisticRegression.predict: positive when p > 0.5.
        plain = (proba > 0.5).astype(np.uint8)
        if thresholds is None:
            return plain, None
        return plain, {m: threshold_predictions(proba, t) for m, t in thresholds.items()}

    def r2_cs(self, X, Y: np.ndarray) -> np.ndarray:
        r2 = np.full(Y.shape[1], np.nan)
        if self.head is None:
            return r2
        proba = _clip(self.head.predict_proba(X))
        for column, j in enumerate(np.flatnonzero(self.fitted)):
            y = Y[:, j].astype(bool)
            ll_model = np.log(proba[y, column]).sum() + np.log(1 - proba[~y, column]).sum()
            share = y.mean()
            ll_null = y.sum() * math.log(share) + (~y).sum() * math.log(1 - share)
            r2[j] = _cox_snell(ll_null, ll_model, len(y))
        return r2


@dataclass(frozen=True, eq=False)
class _PowersetModel:
    head: object | None  # FittedHead over the class ids, None with fewer than two classes
    labelsets: np.ndarray  # (K, L) uint8: labelset of each class id

    def class_proba(self, X) -> np.ndarray:
        if self.head is None:
            return np.ones((X.shape[0], 1))
        return self.head.predict_proba(X)

    def predictions(self, X, thresholds: dict | None):
        """The plain predictions (argmax) and, with ``thresholds``, one set per metric, both
        from one pass of the head over ``X``."""
        proba = self.class_proba(X)
        plain = self.labelsets[np.argmax(proba, axis=1)]
        if thresholds is None:
            return plain, None
        marginals = label_marginals(proba, self.labelsets)
        decoded = {m: threshold_predictions(marginals, t) for m, t in thresholds.items()}
        # Subset accuracy asks for the most probable labelset: argmax, not marginals.
        decoded[Metric.SUBSET_ACCURACY.value] = plain
        return plain, decoded

    def r2_cs(self, X, y: np.ndarray) -> float:
        if self.head is None:
            return math.nan
        proba = _clip(self.head.predict_proba(X))
        ll_model = np.log(proba[np.arange(len(y)), y]).sum()
        counts = np.bincount(y, minlength=len(self.labelsets))
        counts = counts[counts > 0]
        ll_null = float((counts * np.log(counts / len(y))).sum())
        return _cox_snell(ll_null, ll_model, len(y))


@dataclass(frozen=True)
class _Fitted:
    """One fitted formulation and what its tuning chose (``C``/``thresholds`` None when the
    engine does not tune)."""

    model: _SigmoidModel | _PowersetModel
    n_params: int
    n_classes: int
    converged: bool
    r2: object
    C: np.ndarray | None = None  # (n_labels,) sigmoid (NaN for a constant label), (1,) powerset
    C_at_edge: np.ndarray | None = None
    thresholds: dict | None = None


def _fit_formulation(engine, task: Task, X_train, Y_train: np.ndarray) -> _Fitted:
    """Fit one formulation: tuned on inner folds when the engine can, plain otherwise."""
    tunes = getattr(engine, "tunes", False)
    if task.formulation == Formulation.SIGMOID:
        fitted = Y_train.min(axis=0) != Y_train.max(axis=0)
        head = tuning = None
        if fitted.any() and tunes:
            head, tuning = engine.tune_sigmoid(
                X_train, Y_train[:, fitted], random_state=task.random_state
            )
        elif fitted.any():
            head = engine.fit_sigmoid(X_train, Y_train[:, fitted], random_state=task.random_state)
        model = _SigmoidModel(head, fitted, Y_train[0].copy() * ~fitted)
        r2 = model.r2_cs(X_train, Y_train) if task.r2_cs else None
        result = _Fitted(model, _n_params(head), int(fitted.sum()), _converged(head), r2)
        if not tunes or (head is not None and tuning is None):
            return result  # not tuned (or no validation rows to tune on): plain decoding
        C = np.full(Y_train.shape[1], np.nan)
        at_edge = np.zeros(Y_train.shape[1], dtype=bool)
        oof = model.constant_values[None, :].astype(np.float64).repeat(len(Y_train), axis=0)
        rows = np.arange(len(Y_train))
        if tuning is not None:
            rows = rows if tuning.oof_rows is None else tuning.oof_rows
            # one C per label, or one shared by all (torch): both broadcast
            C[fitted], at_edge[fitted] = tuning.C, tuning.at_edge
            oof[np.ix_(rows, np.flatnonzero(fitted))] = tuning.oof_proba
        thresholds = choose_thresholds(Y_train[rows], oof[rows])
        return replace(result, C=C, C_at_edge=at_edge, thresholds=thresholds)
    min_count = task.prune_min_count if task.formulation == Formulation.PRUNED_POWERSET else 1
    rows, y, labelsets = prune_labelsets(Y_train, min_count=min_count)
    if len(labelsets) == 0:
        # Every labelset was rare and none had a frequent part: predict the empty labelset.
        labelsets = np.zeros((1, Y_train.shape[1]), dtype=np.uint8)
    head = tuning = None
    # Without pruning every row is kept once, in order.
    X_rows = X_train if min_count == 1 else X_train[rows]
    if len(labelsets) >= 2 and tunes:
        # a row split into several frequent labelsets stays on one side of inner splits
        grouped = {} if min_count == 1 else {"groups": rows}
        head, tuning = engine.tune_softmax(
            X_rows, y, n_classes=len(labelsets), random_state=task.random_state, **grouped
        )
    elif len(labelsets) >= 2:
        head = engine.fit_softmax(
            X_rows, y, n_classes=len(labelsets), random_state=task.random_state
        )
    model = _PowersetModel(head, labelsets)
    r2 = model.r2_cs(X_train, y) if task.r2_cs else None
    result = _Fitted(model, _n_params(head), len(labelsets), _converged(head), r2)
    if not tunes or (head is not None and tuning is None):
        return result  # not tuned (or no validation rows to tune on): plain decoding
    if tuning is None:
        return replace(
            result,
            C=np.array([np.nan]),
            C_at_edge=np.array([False]),
            thresholds=choose_thresholds(Y_train, np.zeros(Y_train.shape) + labelsets[0]),
        )
    # Thresholds are chosen against the labelsets the rows really have (not their pruned ones).
    truth = Y_train if min_count == 1 else Y_train[rows]
    if tuning.oof_rows is not None:
        truth = truth[tuning.oof_rows]
    marginals = label_marginals(tuning.oof_proba, labelsets)
    return replace(
        result, C=tuning.C, C_at_edge=tuning.at_edge, thresholds=choose_thresholds(truth, marginals)
    )


def _n_params(head) -> int:
    return 0 if head is None else int(head.n_params)


def _converged(head) -> bool:
    return bool(getattr(head, "converged", True))


# -- scoring and running ------------------------------------------------------------------------


def _scores(Y_true: np.ndarray, Y_pred: np.ndarray) -> dict[str, float]:
    """Every metric on one set of predictions (the plain decoding)."""
    return metric_scores(Y_true, {metric: Y_pred for metric in METRICS})


@contextlib.contextmanager
def _single_thread(engine):
    """Run with one BLAS (and torch) thread: jobs are the unit of parallelism, and a fixed
    thread count keeps floating-point sums, hence results, identical across backends."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch") if engine.name.startswith("torch") else None
    threads = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(threads)


def run_job(X, Y: np.ndarray, task: Task, engine) -> dict:
    """Fit and score one formulation on one training size of one run.

    Returns
    -------
    dict
        ``task_id``, ``scores`` (metric -> float), ``unseen_labelset_share``,
        ``n_params``, ``n_classes``, ``converged``, ``r2_cs`` (None unless the task asks
        for it), ``fit_seconds``, ``predict_seconds`` and ``seconds`` (the whole job).
    """
    started = time.perf_counter()
    with _single_thread(engine):
        X_train, X_test = X[task.train_rows], X[task.test_rows]
        scaler = make_scaler(X_train, task.scaling)
        X_train = scaler.fit_transform(X_train)
        X_test = scaler.transform(X_test)
        Y_train, Y_test = Y[task.train_rows], Y[task.test_rows]
        fit_started = time.perf_counter()
        try:
            fitted = _fit_formulation(engine, task, X_train, Y_train)
            fit_seconds = time.perf_counter() - fit_started
            predict_started = time.perf_counter()
            Y_plain, decoded = fitted.model.predictions(X_test, fitted.thresholds)
        except Exception as error:
            # a user's own estimator fails in its own words; say where, in one line
            explain = getattr(engine, "job_error", None)
            said = error if explain is None else explain(error, task.formulation, task.size)
            if said is error:
                raise
            raise said from error
        predict_seconds = time.perf_counter() - predict_started
        scores_plain = _scores(Y_test, Y_plain)
        scores = scores_plain if decoded is None else metric_scores(Y_test, decoded)
    return {
        "task_id": task.task_id,
        "scores": scores,
        "scores_plain": scores_plain,
        "tuning": _tuning_record(fitted),
        "unseen_labelset_share": unseen_labelset_share(Y_train, Y_test),
        "n_params": fitted.n_params,
        "n_classes": fitted.n_classes,
        "converged": fitted.converged,
        "r2_cs": fitted.r2,
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "seconds": time.perf_counter() - started,
    }


def _tuning_record(fitted: _Fitted) -> dict | None:
    """What the tuning chose, as plain lists (None when the engine does not tune)."""
    if fitted.C is None:
        return None
    return {
        "C": fitted.C.tolist(),
        "C_at_edge": fitted.C_at_edge.tolist(),
        "thresholds": {
            metric: (np.asarray(t).tolist() if np.ndim(t) else float(t))
            for metric, t in fitted.thresholds.items()
        },
    }
