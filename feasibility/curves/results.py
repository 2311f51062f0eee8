"""The result types of the learning-curve stage and their JSON: :class:`LearningCurves`.

Every array has one row per run (an outer fold of one repeat) and one column per training
size; a NaN cell is a job that did not run. Per-size summaries (mean over the runs done,
sample standard deviation, number of runs) are methods of :class:`FormulationCurve`, so
that later stages read them instead of recomputing them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import json_safe
from .notes import CurveNote

__all__ = ["CurveTuning", "FormulationCurve", "LearningCurves", "size_moments"]


def size_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, sample standard deviation and number of runs per size, over the runs done.

    Parameters
    ----------
    values : ndarray of shape (n_runs, n_sizes)
        NaN where a job did not run.

    Returns
    -------
    mean : ndarray of shape (n_sizes,)
        NaN where no run was done.
    std : ndarray of shape (n_sizes,)
        Sample standard deviation (``ddof=1``), NaN with fewer than two runs.
    count : ndarray of int, shape (n_sizes,)

    Examples
    --------
    >>> mean, std, count = size_moments(np.array([[1.0, 2.0, np.nan], [3.0, np.nan, np.nan]]))
    >>> mean.tolist(), std.tolist()[0], count.tolist()
    ([2.0, 2.0, nan], 1.4142135623730951, [2, 1, 0])
    """
    done = np.isfinite(values)
    count = done.sum(axis=0)
    total = np.where(done, values, 0.0).sum(axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    squares = np.where(done, (values - mean) ** 2, 0.0).sum(axis=0)
    std = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)
    return mean, std, count


def _summary(values: np.ndarray) -> dict:
    mean, std, _ = size_moments(values)
    return {"mean": json_safe(mean), "std": json_safe(std), "folds": json_safe(values)}


def _nanmean(values: np.ndarray) -> np.ndarray:
    return size_moments(values)[0]


def _float_array(values, shape: tuple[int, ...] | None = None) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    return array.reshape(shape) if shape is not None else array


def _float_or_nan(value) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True, eq=False)
class CurveTuning:
    """What the inner folds of each job chose for one formulation (NaN where a job did not
    run; for the sigmoid also where a label was constant in the training part).

    Attributes
    ----------
    C : ndarray of shape (n_runs, n_sizes, n_outputs)
        Chosen inverse penalty: one per label for the sigmoid head, one (``n_outputs=1``)
        for a powerset head.
    C_at_edge : ndarray of shape (n_runs, n_sizes, n_outputs)
        1.0 where the choice is the grid's first or last value, else 0.0.
    thresholds : dict of str to ndarray
        Decoding threshold per metric: (n_runs, n_sizes) for one threshold, (n_runs,
        n_sizes, n_labels) for ``f1_macro``; NaN for a powerset's ``subset_accuracy``
        (argmax).
    C_grid : ndarray
        The values C was chosen from.
    """

    C: np.ndarray
    C_at_edge: np.ndarray
    thresholds: dict[str, np.ndarray]
    C_grid: np.ndarray

    def to_dict(self) -> dict:
        """Return ``{"C_grid", "C", "C_at_edge", "thresholds": {METRIC: ...}}``."""
        return {
            "C_grid": json_safe(self.C_grid),
            "C": json_safe(self.C),
            "C_at_edge": json_safe(self.C_at_edge),
            "thresholds": {m: json_safe(v) for m, v in self.thresholds.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> CurveTuning:
        return cls(
            C=_float_array(data["C"]),
            C_at_edge=_float_array(data["C_at_edge"]),
            thresholds={m: _float_array(v) for m, v in data["thresholds"].items()},
            C_grid=_float_array(data["C_grid"]),
        )


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
    unseen_labelset_share: (
        np.ndarray
    )  # (n_runs, n_sizes): test samples whose labelset is not in the training part
    n_params: np.ndarray  # (n_runs, n_sizes) float64 (NaN when not run)
    n_classes: np.ndarray  # (n_runs, n_sizes): softmax classes (powerset) or sigmoid outputs
    fit_seconds: np.ndarray  # (n_runs, n_sizes)
    predict_seconds: np.ndarray  # (n_runs, n_sizes)
    # The same scores with the plain decoding (0.5 / argmax); empty when the engine does
    # not tune (then ``scores`` are the plain ones).
    scores_plain: dict[str, np.ndarray] = field(default_factory=dict)
    tuning: CurveTuning | None = None

    def mean(self, metric: str) -> np.ndarray:
        """Per size, the mean score over the runs done (NaN where none was)."""
        return size_moments(self.scores[metric])[0]

    def std(self, metric: str) -> np.ndarray:
        """Per size, the sample standard deviation over the runs done (NaN below two)."""
        return size_moments(self.scores[metric])[1]

    @property
    def n_runs_done(self) -> np.ndarray:
        """Per size, how many runs were done (a job cut by the budget is not)."""
        return np.isfinite(self.n_params).sum(axis=0)

    def to_dict(self, *, timings: bool = True) -> dict:
        """Return the JSON-safe dictionary: per size ``mean``/``std`` and per run ``folds``.

        Parameters
        ----------
        timings : bool, default=True
            Include ``fit_seconds`` and ``predict_seconds`` (and their ``*_folds``).
        """
        result = {
            "train_sizes": [int(n) for n in self.train_sizes],
            "scores": {metric: _summary(values) for metric, values in self.scores.items()},
            "unseen_labelset_share": _summary(self.unseen_labelset_share),
            "n_params": json_safe(_nanmean(self.n_params)),
            "n_params_folds": json_safe(self.n_params),
            "n_classes": json_safe(_nanmean(self.n_classes)),
            "n_classes_folds": json_safe(self.n_classes),
            "n_runs_done": [int(k) for k in self.n_runs_done],
        }
        if self.scores_plain:
            result["scores_plain"] = {m: _summary(v) for m, v in self.scores_plain.items()}
        if self.tuning is not None:
            result["tuning"] = self.tuning.to_dict()
        if timings:
            result["fit_seconds"] = json_safe(_nanmean(self.fit_seconds))
            result["fit_seconds_folds"] = json_safe(self.fit_seconds)
            result["predict_seconds"] = json_safe(_nanmean(self.predict_seconds))
            result["predict_seconds_folds"] = json_safe(self.predict_seconds)
        return result

    @classmethod
    def from_dict(cls, formulation: str, data: dict) -> FormulationCurve:
        """Rebuild a curve from :meth:`to_dict` output (timings become NaN when absent)."""
        shape = (len(data["n_params_folds"]), len(data["train_sizes"]))
        missing = np.full(shape, np.nan)
        return cls(
            formulation=formulation,
            train_sizes=np.asarray(data["train_sizes"], dtype=np.int64),
            scores={m: _float_array(v["folds"], shape) for m, v in data["scores"].items()},
            unseen_labelset_share=_float_array(data["unseen_labelset_share"]["folds"], shape),
            n_params=_float_array(data["n_params_folds"], shape),
            n_classes=_float_array(data["n_classes_folds"], shape),
            fit_seconds=_float_array(data["fit_seconds_folds"], shape)
            if "fit_seconds_folds" in data
            else missing,
            predict_seconds=_float_array(data["predict_seconds_folds"], shape)
            if "predict_seconds_folds" in data
            else missing.copy(),
            scores_plain={
                m: _float_array(v["folds"], shape) for m, v in data.get("scores_plain", {}).items()
            },
            tuning=CurveTuning.from_dict(data["tuning"]) if data.get("tuning") else None,
        )


@dataclass(frozen=True, eq=False)
class LearningCurves:
    """Result of :func:`~feasibility.curves.learning_curves`."""

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
    notes: tuple[CurveNote, ...] = field(default_factory=tuple)
    timings: dict = field(default_factory=dict)  # stage -> seconds
    # Training size n at which sigmoid_r2_cs / powerset_r2_cs were measured ("sigmoid",
    # "powerset"): the largest size run in the first run (smaller when --budget cut it).
    r2_cs_train_sizes: dict[str, int] = field(default_factory=dict)

    def to_dict(self, *, timings: bool = True) -> dict:
        """Return the JSON-safe dictionary (NaN becomes None).

        Parameters
        ----------
        timings : bool, default=True
            Include the wall-clock fields (``fit_seconds``, ``predict_seconds`` and their
            ``*_folds`` per curve, and ``timings``). Without them two runs with the same
            seed give equal dictionaries.

        Returns
        -------
        dict
            ``{"curves": {FORMULATION: {"train_sizes", "scores": {METRIC: {"mean",
            "std", "folds"}}, "unseen_labelset_share": {...}, "n_params",
            "n_params_folds", "n_classes", "n_classes_folds", "n_runs_done",
            "fit_seconds", "fit_seconds_folds", "predict_seconds",
            "predict_seconds_folds"}}, "options", "engine", "runs", "n_train_full",
            "dataset_name", "dataset_hash", "n_samples", "n_labels", "n_features",
            "label_prevalence", "sigmoid_r2_cs", "powerset_class_shares",
            "powerset_r2_cs", "n_predictors", "r2_cs_train_sizes", "notes",
            "timings"}``. ``mean`` and ``std`` are over the runs done at each size
            (``std`` is the sample standard deviation, None with fewer than two runs).
        """
        result = {
            "dataset_name": self.dataset_name,
            "dataset_hash": self.dataset_hash,
            "n_samples": int(self.n_samples),
            "n_labels": int(self.n_labels),
            "n_features": int(self.n_features),
            "n_train_full": int(self.n_train_full),
            "runs": [[int(r), int(f)] for r, f in self.runs],
            "engine": self.engine,
            "options": json_safe(self.options),
            "curves": {name: curve.to_dict(timings=timings) for name, curve in self.curves.items()},
            "label_prevalence": json_safe(self.label_prevalence),
            "sigmoid_r2_cs": json_safe(self.sigmoid_r2_cs),
            "powerset_class_shares": json_safe(self.powerset_class_shares),
            "powerset_r2_cs": json_safe(self.powerset_r2_cs),
            "n_predictors": int(self.n_predictors),
            "r2_cs_train_sizes": json_safe(self.r2_cs_train_sizes),
            "notes": [note.to_dict() for note in self.notes],
        }
        if timings:
            result["timings"] = json_safe(self.timings)
        return result

    @classmethod
    def from_dict(cls, data: dict) -> LearningCurves:
        """Rebuild a result from :meth:`to_dict` output (the report and the cache use JSON).

        Raises ``ValueError`` for notes written as sentences (a JSON or cache of a
        version before notes were codes).

        Examples
        --------
        >>> from feasibility.curves import learning_curves
        >>> from feasibility.synthetic import make_independent_labels
        >>> curves = learning_curves(make_independent_labels(120, n_labels=2), folds=2,
        ...                          n_sizes=2, jobs=1, use_cache=False)
        >>> LearningCurves.from_dict(curves.to_dict()).to_dict() == curves.to_dict()
        True
        """
        return cls(
            dataset_name=data["dataset_name"],
            dataset_hash=data["dataset_hash"],
            n_samples=int(data["n_samples"]),
            n_labels=int(data["n_labels"]),
            n_features=int(data["n_features"]),
            n_train_full=int(data["n_train_full"]),
            runs=tuple((int(r), int(f)) for r, f in data["runs"]),
            curves={
                name: FormulationCurve.from_dict(name, curve)
                for name, curve in data["curves"].items()
            },
            engine=data["engine"],
            options=dict(data["options"]),
            label_prevalence=_float_array(data["label_prevalence"]),
            sigmoid_r2_cs=_float_array(data["sigmoid_r2_cs"]),
            powerset_class_shares=_float_array(data["powerset_class_shares"]),
            powerset_r2_cs=_float_or_nan(data["powerset_r2_cs"]),
            n_predictors=int(data["n_predictors"]),
            notes=CurveNote.from_dicts(data.get("notes", ())),
            timings=dict(data.get("timings", {})),
            r2_cs_train_sizes={k: int(v) for k, v in data.get("r2_cs_train_sizes", {}).items()},
        )
