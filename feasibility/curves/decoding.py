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
    Metric.SUBSET_ACCURACY, Metric.F1_MICRO, Metric.F1_SAMPLES, Metric.JACCARD,
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


def _counts(Y: np.ndarray, proba: np.ndarray, thresholds: np.ndarray):
    """True positives, predicted and true positives per (threshold, row, label)."""
    predicted = proba[None, :, :] > thresholds[:, None, None]
    truth = Y.astype(bool)[None, :, :]
    return predicted & truth, predicted, truth


def _global_score(metric: str, Y: np.ndarray, proba: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The metric at every threshold of ``grid``, each applied to all labels."""
    tp, predicted, truth = _counts(Y, proba, grid)
    if metric == Metric.SUBSET_ACCURACY:
        return np.all(predicted == truth, axis=2).mean(axis=1)
    if metric == Metric.F1_MICRO:
        tp_sum = tp.sum(axis=(1, 2))
        denominator = predicted.sum(axis=(1, 2)) + truth.sum()
        return np.divide(2.0 * tp_sum, denominator, out=np.zeros(len(grid)), where=denominator > 0)
    tp_row = tp.sum(axis=2)
    if metric == Metric.F1_SAMPLES:
        denominator = predicted.sum(axis=2) + truth.sum(axis=2)
        per_row = np.divide(2.0 * tp_row, denominator, out=np.ones(denominator.shape),
                            where=denominator > 0)
        return per_row.mean(axis=1)
    # jaccard: |intersection| / |union| per row, 1 when both are empty (zero_division=1)
    union = (predicted | truth).sum(axis=2)
    per_row = np.divide(tp_row, union, out=np.ones(union.shape), where=union > 0)
    return per_row.mean(axis=1)


def _per_label_f1(Y: np.ndarray, proba: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(n_thresholds, L) F1 of each label at each threshold (0 when undefined)."""
    tp, predicted, truth = _counts(Y, proba, grid)
    denominator = predicted.sum(axis=1) + truth.sum(axis=1)
    return np.divide(2.0 * tp.sum(axis=1), denominator, out=np.zeros(denominator.shape),
                     where=denominator > 0)


def _best(scores: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Index of the best score along axis 0; ties go to the threshold nearest 0.5."""
    top = scores >= scores.max(axis=0, keepdims=True) - 1e-12
    distance = np.where(top, np.abs(grid - 0.5).reshape((-1,) + (1,) * (scores.ndim - 1)), np.inf)
    return np.argmin(distance, axis=0)


def choose_thresholds(Y: np.ndarray, proba: np.ndarray, *, grid: np.ndarray = THRESHOLD_GRID) -> dict:
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
    """Score each metric on its own predictions (``predictions[metric]`` is (n, L) 0/1)."""
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score

    return {
        Metric.SUBSET_ACCURACY.value: float(
            accuracy_score(Y_true, predictions[Metric.SUBSET_ACCURACY])
        ),
        Metric.HAMMING_LOSS.value: float(hamming_loss(Y_true, predictions[Metric.HAMMING_LOSS])),
        Metric.F1_MICRO.value: float(
            f1_score(Y_true, predictions[Metric.F1_MICRO], average="micro", zero_division=0)
        ),
        Metric.F1_MACRO.value: float(
            f1_score(Y_true, predictions[Metric.F1_MACRO], average="macro", zero_division=0)
        ),
        # A sample with no label predicted as having none is a perfect match: the
        # samples-averaged scores count it as 1 (zero_division=1), not 0.
        Metric.F1_SAMPLES.value: float(
            f1_score(Y_true, predictions[Metric.F1_SAMPLES], average="samples", zero_division=1)
        ),
        Metric.JACCARD.value: float(
            jaccard_score(Y_true, predictions[Metric.JACCARD], average="samples", zero_division=1)
        ),
    }
