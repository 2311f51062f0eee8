"""Turn a head's probabilities into labelsets the way each metric needs, with thresholds
chosen on out-of-fold predictions of the training part.

Which decoding each metric gets (issue 11; the plain decoding is kept beside it):

============== ===================================== ===========================================
metric         sigmoid head                          powerset heads
============== ===================================== ===========================================
hamming_loss   0.5 (optimal for a per-label loss)    0.5 on the label marginals
subset_acc.    one global threshold                  argmax (the most probable labelset)
f1_micro       one global threshold                  one global threshold on the marginals
f1_samples     one global threshold                  one global threshold on the marginals
jaccard        one global threshold                  one global threshold on the marginals
f1_macro       one threshold per label               one threshold per label on the marginals
============== ===================================== ===========================================

A powerset head's *label marginals* are, for each label, the softmax mass of the labelsets
that contain it. The plain decoding is 0.5 for the sigmoids and argmax for a powerset, for
every metric.
"""

from __future__ import annotations

import numpy as np

from ..vocab import Metric

__all__ = [
    "THRESHOLD_GRID",
    "choose_thresholds",
    "label_marginals",
    "metric_scores",
    "threshold_predictions",
]

#: Candidate thresholds: 0.02 .. 0.98 in steps of 0.02 (ties go to the one nearest 0.5).
THRESHOLD_GRID: np.ndarray = np.round(np.arange(1, 50) * 0.02, 2)
#: Metrics decoded with one threshold for all labels, and with one per label.
GLOBAL_THRESHOLD_METRICS = (
    Metric.SUBSET_ACCURACY,
    Metric.F1_MICRO,
    Metric.F1_SAMPLES,
    Metric.JACCARD,
)
PER_LABEL_THRESHOLD_METRICS = (Metric.F1_MACRO,)


def label_marginals(proba: np.ndarray, labelsets: np.ndarray) -> np.ndarray:
    """Return (n, L): the probability mass of the labelsets containing each label.

    Examples
    --------
    >>> label_marginals(np.array([[0.5, 0.3, 0.2]]), np.array([[0, 0], [1, 0], [1, 1]]))
    array([[0.5, 0.2]])
    """
    return proba @ labelsets.astype(np.float64)


def _global_score(metric: str, Y: np.ndarray, proba: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The metric at every threshold of ``grid``, each applied to all labels.

    One threshold at a time, so memory stays that of one (n, L) matrix.
    """
    truth = Y.astype(bool)
    true_per_row = truth.sum(axis=1)
    scores = np.empty(len(grid))
    for k, threshold in enumerate(grid):
        predicted = proba > threshold
        if metric == Metric.SUBSET_ACCURACY:
            scores[k] = np.all(predicted == truth, axis=1).mean()
            continue
        tp_row = (predicted & truth).sum(axis=1)
        predicted_row = predicted.sum(axis=1)
        if metric == Metric.F1_MICRO:
            denominator = predicted_row.sum() + true_per_row.sum()
            scores[k] = 2.0 * tp_row.sum() / denominator if denominator > 0 else 0.0
            continue
        if metric == Metric.F1_SAMPLES:
            denominator = predicted_row + true_per_row
            per_row = np.divide(
                2.0 * tp_row, denominator, out=np.ones(len(Y)), where=denominator > 0
            )
        else:  # jaccard: |intersection| / |union| per row, 1 when both are empty
            union = predicted_row + true_per_row - tp_row
            per_row = np.divide(tp_row, union, out=np.ones(len(Y)), where=union > 0)
        scores[k] = per_row.mean()
    return scores


def _per_label_f1(Y: np.ndarray, proba: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(n_thresholds, L) F1 of each label at each threshold (0 when undefined)."""
    truth = Y.astype(bool)
    true_per_label = truth.sum(axis=0)
    scores = np.empty((len(grid), Y.shape[1]))
    for k, threshold in enumerate(grid):
        predicted = proba > threshold
        denominator = predicted.sum(axis=0) + true_per_label
        scores[k] = np.divide(
            2.0 * (predicted & truth).sum(axis=0),
            denominator,
            out=np.zeros(Y.shape[1]),
            where=denominator > 0,
        )
    return scores


def _best(scores: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Index of the best score along axis 0; ties go to the threshold nearest 0.5."""
    top = scores >= scores.max(axis=0, keepdims=True) - 1e-12
    distance = np.where(top, np.abs(grid - 0.5).reshape((-1,) + (1,) * (scores.ndim - 1)), np.inf)
    return np.argmin(distance, axis=0)


def choose_thresholds(
    Y: np.ndarray, proba: np.ndarray, *, grid: np.ndarray = THRESHOLD_GRID
) -> dict:
    """Choose, for each thresholded metric, the threshold(s) that maximise it on ``proba``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels), 0/1
        The training part's labels (the rows ``proba`` was predicted for out of fold).
    proba : ndarray of shape (n_samples, n_labels)
        Out-of-fold label probabilities (or a powerset's label marginals).
    grid : ndarray, default=THRESHOLD_GRID

    Returns
    -------
    dict
        metric -> float (one threshold) or ndarray of shape (n_labels,) (f1_macro);
        hamming_loss is always 0.5.

    Examples
    --------
    >>> Y = np.array([[1, 0], [1, 1], [0, 0], [0, 1]])
    >>> proba = np.array([[0.4, 0.1], [0.45, 0.3], [0.1, 0.2], [0.2, 0.35]])
    >>> t = choose_thresholds(Y, proba)
    >>> float(t["f1_micro"]), t["f1_macro"].tolist(), float(t["hamming_loss"])
    (0.28, [0.38, 0.28], 0.5)
    """
    chosen: dict = {Metric.HAMMING_LOSS.value: 0.5}
    for metric in GLOBAL_THRESHOLD_METRICS:
        chosen[metric.value] = float(grid[_best(_global_score(metric, Y, proba, grid), grid)])
    chosen[Metric.F1_MACRO.value] = grid[_best(_per_label_f1(Y, proba, grid), grid)]
    return chosen


def threshold_predictions(proba: np.ndarray, threshold) -> np.ndarray:
    """Return 0/1 predictions: ``proba > threshold`` (a float, or one per label)."""
    return (proba > np.asarray(threshold)).astype(np.uint8)


def metric_scores(Y_true: np.ndarray, predictions: dict[str, np.ndarray]) -> dict[str, float]:
    """Score each metric on its own predictions (``predictions[metric]`` is (n, L) 0/1).

    The definitions are scikit-learn's (``accuracy_score``, ``hamming_loss``, ``f1_score``
    micro/macro with ``zero_division=0``, ``f1_score`` and ``jaccard_score`` samples with
    ``zero_division=1``), computed from counts: scikit-learn's input checks cost more than
    the scores on a small test part, and every job scores twice.

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 0], [1, 1]])
    >>> P = np.array([[1, 1], [0, 0], [1, 0]])
    >>> s = metric_scores(Y, {m: P for m in Metric})
    >>> round(s["f1_micro"], 4), round(s["f1_samples"], 4), round(s["hamming_loss"], 4)
    (0.6667, 0.7778, 0.3333)
    """
    truth = np.asarray(Y_true).astype(bool)
    n, n_labels = truth.shape

    def predicted(metric: Metric) -> np.ndarray:
        return np.asarray(predictions[metric]).astype(bool)

    subset = predicted(Metric.SUBSET_ACCURACY)
    hamming = predicted(Metric.HAMMING_LOSS)
    micro = predicted(Metric.F1_MICRO)
    micro_denominator = micro.sum() + truth.sum()
    macro = predicted(Metric.F1_MACRO)
    per_label = _ratio(
        2.0 * (macro & truth).sum(axis=0), macro.sum(axis=0) + truth.sum(axis=0), 0.0
    )
    # A sample with no label predicted as having none is a perfect match: the
    # samples-averaged scores count it as 1 (zero_division=1), not 0.
    samples = predicted(Metric.F1_SAMPLES)
    per_row_f1 = _ratio(
        2.0 * (samples & truth).sum(axis=1), samples.sum(axis=1) + truth.sum(axis=1), 1.0
    )
    jaccard = predicted(Metric.JACCARD)
    per_row_jaccard = _ratio((jaccard & truth).sum(axis=1), (jaccard | truth).sum(axis=1), 1.0)
    return {
        Metric.SUBSET_ACCURACY.value: float(np.all(subset == truth, axis=1).mean()),
        Metric.HAMMING_LOSS.value: float((hamming != truth).sum() / (n * n_labels)),
        Metric.F1_MICRO.value: float(2.0 * (micro & truth).sum() / micro_denominator)
        if micro_denominator > 0
        else 0.0,
        Metric.F1_MACRO.value: float(per_label.mean()),
        Metric.F1_SAMPLES.value: float(per_row_f1.mean()),
        Metric.JACCARD.value: float(per_row_jaccard.mean()),
    }


def _ratio(numerator: np.ndarray, denominator: np.ndarray, undefined: float) -> np.ndarray:
    """``numerator / denominator``, ``undefined`` where the denominator is 0."""
    out = np.full(np.shape(numerator), undefined, dtype=np.float64)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)
