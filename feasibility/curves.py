"""Learning-curve experiments for the sigmoid, powerset and pruned-powerset formulations.

Result types live at the top of this module; the experiment itself below them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FORMULATIONS: tuple[str, ...] = ("sigmoid", "powerset", "pruned-powerset")
METRICS: tuple[str, ...] = (
    "subset_accuracy",
    "hamming_loss",
    "f1_micro",
    "f1_macro",
    "f1_samples",
    "jaccard",
)
#: Metrics where lower is better (scikit-learn's ``*_loss`` convention).
LOSS_METRICS: frozenset[str] = frozenset({"hamming_loss"})


@dataclass(frozen=True, eq=False)
class FormulationCurve:
    """Measured learning curve of one formulation.

    Every array has one row per run (an outer fold of one repeat, in the order of
    :attr:`LearningCurves.runs`) and one column per training size; a cell is NaN
    when that (run, size) job was not run (for example cut by ``--budget``).
    Rows are aligned across formulations, so fold-paired comparisons are valid.
    """

    formulation: str
    train_sizes: np.ndarray  # (n_sizes,) int64, increasing, nested within a run
    scores: dict[str, np.ndarray]  # metric -> (n_runs, n_sizes) float64
    unseen_labelset_share: np.ndarray  # (n_runs, n_sizes): test samples whose labelset is not in the training part
    n_params: np.ndarray  # (n_runs, n_sizes) float64 (NaN when not run)
    n_classes: np.ndarray  # (n_runs, n_sizes): softmax classes (powerset) or sigmoid outputs
    fit_seconds: np.ndarray  # (n_runs, n_sizes)
    predict_seconds: np.ndarray  # (n_runs, n_sizes)


@dataclass(frozen=True, eq=False)
class LearningCurves:
    """Result of :func:`learning_curves`."""

    dataset_name: str
    dataset_hash: str
    n_samples: int
    n_labels: int
    n_features: int
    n_train_full: int  # smallest outer training part: the largest size every run can reach
    runs: tuple[tuple[int, int], ...]  # (repeat, fold) per row of every array
    curves: dict[str, FormulationCurve]  # formulation -> curve
    engine: str
    options: dict  # JSON-safe options that produced this result (seed, folds, sizes, ...)
    # Inputs of the analytic sample-size cross-check, measured on the largest training size
    # of the first run (apparent Cox-Snell R^2: 1 - exp(2 (LL_null - LL_model) / n)).
    label_prevalence: np.ndarray  # (n_labels,) share of positives per label in the full data
    sigmoid_r2_cs: np.ndarray  # (n_labels,) NaN for a constant label
    powerset_class_shares: np.ndarray  # (K,) share of each labelset in the full data, descending
    powerset_r2_cs: float
    n_predictors: int  # number of candidate predictor parameters (n_features)
    notes: tuple[str, ...] = field(default_factory=tuple)
    timings: dict = field(default_factory=dict)  # stage -> seconds
