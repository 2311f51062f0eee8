"""Learning-curve experiments for the sigmoid, powerset and pruned-powerset formulations.

Result types live at the top of this module; the experiment itself below them.

The experiment is the same for every formulation, so the comparison is fair: K outer
folds by iterative multilabel stratification (Sechidis et al. 2011), repeated with
different seeds; inside each fold a nested, geometric series of training sizes; scaling
fitted on the training rows only; scores on the outer test part. Every (run, formulation,
size) cell is one independent job, run through joblib or a Dask cluster, and every job
limits BLAS (and torch) to one thread so that a seed gives the same numbers whatever the
number of jobs or the backend.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ._json import json_safe
from .dataset import require_dataset
from .errors import DatasetError, FeasibilityWarning, ParameterError, invalid_parameter
from .labelsets import prune_labelsets, unique_rows, unseen_labelset_share
from .vocab import FORMULATIONS, METRICS


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
            "n_runs_done": [int(k) for k in np.isfinite(self.n_params).sum(axis=0)],
        }
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
        )


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
            "notes": list(self.notes),
        }
        if timings:
            result["timings"] = json_safe(self.timings)
        return result

    @classmethod
    def from_dict(cls, data: dict) -> LearningCurves:
        """Rebuild a result from :meth:`to_dict` output (the report and the cache use JSON).

        Examples
        --------
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
            notes=tuple(data.get("notes", ())),
            timings=dict(data.get("timings", {})),
            r2_cs_train_sizes={k: int(v) for k, v in data.get("r2_cs_train_sizes", {}).items()},
        )


# -- JSON helpers ------------------------------------------------------------------------------




def _float_array(values, shape: tuple[int, ...] | None = None) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    return array.reshape(shape) if shape is not None else array


def _float_or_nan(value) -> float:
    return math.nan if value is None else float(value)


def _nanmean(values: np.ndarray) -> np.ndarray:
    done = np.isfinite(values)
    total = np.where(done, values, 0.0).sum(axis=0)
    count = done.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _summary(values: np.ndarray) -> dict:
    done = np.isfinite(values)
    count = done.sum(axis=0)
    mean = _nanmean(values)
    squares = np.where(done, (values - mean) ** 2, 0.0).sum(axis=0)
    std = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)
    return {"mean": json_safe(mean), "std": json_safe(std), "folds": json_safe(values)}


# -- the experiment ----------------------------------------------------------------------------

#: When ``budget=None`` and the whole grid is predicted to take longer than this, the
#: experiment runs what fits in this many seconds and says so in its notes.
AUTO_BUDGET_SECONDS = 900.0
BACKENDS: tuple[str, ...] = ("loky", "dask")
#: Bump when the meaning of cached results changes.
CACHE_VERSION = 2  # 2: empty-vs-empty samples score 1 in f1_samples and jaccard
#: Levels (training sizes) always run before the cost model predicts anything.
_PROBE_LEVELS = 3
#: The cost model's time ~ a * n^b exponent is kept in this range: fits are at least linear
#: in the rows, and a steeper local slope from noisy small fits should not explode.
_COST_EXPONENT_RANGE = (1.0, 2.5)
#: Plans use predictions times this factor: lbfgs needs more iterations as n grows, and the
#: machine may be shared, so a prediction from smaller sizes tends to be short.
_COST_SAFETY = 1.5
#: A planned job at a later size that is predicted to take less than this share of the
#: budget runs at once (the full-size point of a cheap formulation is then never lost to
#: a slower-than-predicted size of an expensive one).
_EAGER_SHARE = 0.025
_OWNER = "learning_curves"


def learning_curves(
    dataset,
    *,
    folds: int = 5,
    repeats: int = 1,
    sizes: Sequence[int] | Sequence[float] | None = None,
    n_sizes: int = 8,
    min_size: int | None = None,
    seed: int = 0,
    jobs: int | None = None,
    engine: str = "auto",
    model: str = "linear",
    hidden_layer_sizes: tuple[int, ...] = (100,),
    formulations: Iterable[str] = FORMULATIONS,
    prune_min_count: int = 2,
    budget: float | None = None,
    backend: str = "loky",
    scheduler: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    use_cache: bool = True,
    progress: bool = False,
) -> LearningCurves:
    """Measure the learning curve of each formulation on growing subsets of a dataset.

    Parameters
    ----------
    dataset : MultilabelDataset
    folds : int, default=5
        Outer folds, split by iterative multilabel stratification
        (``iterstrat.MultilabelStratifiedKFold``).
    repeats : int, default=1
        Repetitions of the outer split, each with its own seed.
    sizes : list of int or list of float, or None, default=None
        Training sizes: counts (ints in ``[1, n_train_full]``) or fractions of the
        training part (floats in ``(0, 1]``). None: ``n_sizes`` geometric sizes from
        ``min_size`` to the whole training part.
    n_sizes : int, default=8
        Number of default sizes.
    min_size : int or None, default=None
        Smallest default size; None is ``max(50, 2 * n_labels)``. Capped to the
        training part.
    seed : int, default=0
        Seeds the splits, the nested order and the models: the same seed gives the same
        result (apart from timings, and from which jobs a ``budget`` cut).
    jobs : int or None, default=None
        Parallel jobs (joblib's ``n_jobs``); None uses all cores.
    engine : {"auto", "sklearn", "torch"}, default="auto"
        ``"auto"`` is torch when it is installed and the data has more than
        :data:`~feasibility.engines.AUTO_TORCH_MIN_CLASSES` labelsets, else scikit-learn.
    model : {"linear", "mlp"}, default="linear"
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers for ``model="mlp"``, the same for both heads.
    formulations : iterable of str, default=FORMULATIONS
        Any of ``"sigmoid"``, ``"powerset"``, ``"pruned-powerset"``.
    prune_min_count : int, default=2
        Read's p: labelsets seen fewer than p times in a training part are pruned.
    budget : float or None, default=None
        Seconds for the whole experiment. The first three sizes always run; then a cost
        model (time ~ a * n^b per formulation, from the jobs done so far) predicts each
        remaining job, and only the jobs predicted to fit are run; the others stay NaN.
        None: no limit unless the whole grid is predicted to take more than
        :data:`AUTO_BUDGET_SECONDS`, in which case that limit applies. ``math.inf``: never
        cut.
    backend : {"loky", "dask"}, default="loky"
    scheduler : str or None, default=None
        Address of a Dask scheduler (``backend="dask"``); None uses the current
        ``distributed`` client.
    cache_dir : path or None, default=None
        Where results are cached; None is ``$FEASIBILITY_CACHE`` or
        ``~/.cache/feasibility``.
    use_cache : bool, default=True
        Read and write the cache.
    progress : bool, default=False
        Show a progress bar on stderr (only when stderr is a terminal).

    Returns
    -------
    LearningCurves

    Raises
    ------
    ParameterError
        For an option out of range.
    DatasetError
        When the data cannot be split into ``folds`` folds.

    See Also
    --------
    feasibility.fit.fit_curves : fit and extrapolate the measured curves.

    Notes
    -----
    Scaling (``StandardScaler`` for dense input, ``MaxAbsScaler`` for sparse) is fitted
    on the training rows of each job. A label constant in a training part is predicted as
    that constant. The powerset predicts the labelset of its most probable class. The
    pruned powerset (Read et al. 2008, "Multi-label classification using ensembles of
    pruned sets") replaces a sample whose labelset is rare by one copy per *maximal*
    frequent sub-labelset (see :func:`prune_labelsets`).

    Examples
    --------
    >>> from feasibility.synthetic import make_latent_class_labels
    >>> data = make_latent_class_labels(300, n_labels=4, n_classes=5, random_state=1)
    >>> curves = learning_curves(data, folds=3, n_sizes=3, jobs=1, use_cache=False)
    >>> curves.runs, curves.curves["powerset"].train_sizes.tolist()
    (((0, 0), (0, 1), (0, 2)), [50, 98, 194])
    """
    from .engines import get_engine

    dataset = require_dataset(dataset, _OWNER)
    started = time.perf_counter()
    options = _validate_options(
        dataset,
        folds=folds,
        repeats=repeats,
        sizes=sizes,
        n_sizes=n_sizes,
        min_size=min_size,
        seed=seed,
        jobs=jobs,
        engine=engine,
        model=model,
        hidden_layer_sizes=hidden_layer_sizes,
        formulations=formulations,
        prune_min_count=prune_min_count,
        budget=budget,
        backend=backend,
        scheduler=scheduler,
    )
    Y = np.ascontiguousarray(dataset.Y, dtype=np.uint8)
    labelsets, _, labelset_counts = unique_rows(Y)
    fitted_engine = get_engine(
        options["engine"],
        options["model"],
        hidden_layer_sizes=tuple(options["hidden_layer_sizes"]) or (100,),
        n_classes=len(labelsets),
    )
    notes: list[str] = []
    if options["engine"] == "auto":
        notes.append(_auto_engine_note(fitted_engine.name, len(labelsets)))

    dataset_hash = dataset.content_hash()
    # How the jobs run (jobs, backend) does not change the numbers: not part of the key.
    cache_key = json_safe(
        {
            "version": CACHE_VERSION,
            "dataset_hash": dataset_hash,
            "options": options,
            "engine": repr(fitted_engine),
        }
    )
    cache_file = None
    if use_cache:
        cache_file = _cache_path(cache_dir, dataset.name, cache_key)
        cached = _read_cache(cache_file, cache_key)
        if cached is not None:
            # Repeat what the run warned about (constant labels, budget cuts): a cache hit
            # must not hide it.
            for note in cached.notes:
                if note.startswith(_WARN_PREFIXES):
                    warnings.warn(note, FeasibilityWarning, stacklevel=2)
            return cached

    splits = outer_splits(Y, folds=options["folds"], repeats=options["repeats"], seed=seed)
    n_train_full = min(len(train) for _, _, train, _ in splits)
    train_sizes, size_notes = resolve_train_sizes(
        n_train_full,
        n_labels=dataset.n_labels,
        sizes=options["sizes"],
        n_sizes=options["n_sizes"],
        min_size=options["min_size"],
    )
    notes.extend(size_notes)
    notes.extend(_constant_label_notes(dataset.label_names, Y))
    split_seconds = time.perf_counter() - started

    tasks = _make_tasks(
        splits, train_sizes, options["formulations"], seed=seed, prune_min_count=prune_min_count
    )
    executor = _make_executor(backend, jobs, scheduler)
    with executor, _ProgressBar(progress and sys.stderr.isatty(), len(tasks)) as bar:
        outcome = _run_with_budget(
            tasks,
            executor=executor.bind(dataset.X, Y, fitted_engine),
            budget=budget,
            started=started,
            bar=bar,
        )
    notes.extend(outcome.notes)

    result = _assemble(
        dataset,
        Y,
        labelset_counts,
        dataset_hash=dataset_hash,
        splits=splits,
        train_sizes=train_sizes,
        n_train_full=n_train_full,
        tasks=tasks,
        results=outcome.results,
        engine_name=fitted_engine.name,
        options=options | {"budget_seconds_applied": outcome.applied_budget},
        notes=notes,
        timings={
            "splits": split_seconds,
            "jobs": outcome.seconds,
            "total": time.perf_counter() - started,
            "predicted_grid_seconds": outcome.predicted_grid_seconds,
            "n_jobs_run": len(outcome.results),
            "n_jobs_total": len(tasks),
            "backend": backend,
            "n_workers": executor.n_workers,
        },
    )
    for note in result.notes:
        if note.startswith(_WARN_PREFIXES):
            warnings.warn(note, FeasibilityWarning, stacklevel=2)
    if cache_file is not None:
        _write_cache(cache_file, cache_key, result)
    return result


# -- options -----------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _validate_options(dataset, **given) -> dict:
    """Check every option; return the JSON-safe options that define the experiment."""
    from .engines import ENGINES, MODELS

    folds, repeats = given["folds"], given["repeats"]
    if not _is_int(folds) or folds < 2:
        raise invalid_parameter("folds", _OWNER, "an int >= 2", folds)
    if not _is_int(repeats) or repeats < 1:
        raise invalid_parameter("repeats", _OWNER, "an int >= 1", repeats)
    if dataset.n_labels < 1:
        raise DatasetError(f"{dataset.name}: the dataset has no labels; nothing to learn.")
    if dataset.n_features == 0:
        raise DatasetError(
            f"{dataset.name}: the dataset has no feature columns; learning curves need "
            f"features (the label profile does not: use 'feasibility profile')."
        )
    if dataset.n_samples < 2 * folds:
        raise DatasetError(
            f"{dataset.name}: {dataset.n_samples} samples cannot be split into {folds} folds "
            f"with at least 2 samples each; use fewer folds or more data."
        )
    n_sizes, min_size = given["n_sizes"], given["min_size"]
    if not _is_int(n_sizes) or n_sizes < 1:
        raise invalid_parameter("n_sizes", _OWNER, "an int >= 1", n_sizes)
    if min_size is not None and (not _is_int(min_size) or min_size < 1):
        raise invalid_parameter("min_size", _OWNER, "an int >= 1 or None", min_size)
    sizes = given["sizes"]
    if sizes is not None:
        sizes = list(sizes)
        all_ints = all(_is_int(s) for s in sizes)
        all_floats = all(isinstance(s, float | np.floating) for s in sizes)
        if not sizes or not (all_ints or all_floats):
            raise invalid_parameter(
                "sizes", _OWNER, "a non-empty list of counts (ints) or of fractions (floats)", sizes
            )
        if all_ints and min(sizes) < 1:
            raise invalid_parameter("sizes", _OWNER, "counts >= 1", sizes)
        if all_floats and not all(0.0 < s <= 1.0 for s in sizes):
            raise invalid_parameter("sizes", _OWNER, "fractions within (0, 1]", sizes)
        sizes = [int(s) for s in sizes] if all_ints else [float(s) for s in sizes]
    seed = given["seed"]
    if not _is_int(seed) or seed < 0:
        raise invalid_parameter("seed", _OWNER, "an int >= 0", seed)
    jobs = given["jobs"]
    if jobs is not None and (not _is_int(jobs) or jobs == 0):
        raise invalid_parameter("jobs", _OWNER, "None or a non-zero int", jobs)
    if given["engine"] not in ENGINES:
        raise invalid_parameter("engine", _OWNER, f"one of {list(ENGINES)}", given["engine"])
    if given["model"] not in MODELS:
        raise invalid_parameter("model", _OWNER, f"one of {list(MODELS)}", given["model"])
    hidden = tuple(given["hidden_layer_sizes"])
    if given["model"] == "mlp" and (not hidden or not all(_is_int(h) and h >= 1 for h in hidden)):
        raise invalid_parameter(
            "hidden_layer_sizes", _OWNER, "a non-empty tuple of ints >= 1", hidden
        )
    requested = (
        [given["formulations"]]
        if isinstance(given["formulations"], str)
        else list(given["formulations"])
    )
    unknown = [f for f in requested if f not in FORMULATIONS]
    if not requested or unknown:
        raise invalid_parameter(
            "formulations", _OWNER, f"a non-empty subset of {list(FORMULATIONS)}", requested
        )
    prune_min_count = given["prune_min_count"]
    if not _is_int(prune_min_count) or prune_min_count < 1:
        raise invalid_parameter("prune_min_count", _OWNER, "an int >= 1", prune_min_count)
    budget = given["budget"]
    if budget is not None and (
        isinstance(budget, bool) or not isinstance(budget, int | float) or not budget > 0
    ):
        raise invalid_parameter("budget", _OWNER, "None or a number of seconds > 0", budget)
    if given["backend"] not in BACKENDS:
        raise invalid_parameter("backend", _OWNER, f"one of {list(BACKENDS)}", given["backend"])
    scheduler = given["scheduler"]
    if scheduler is not None and given["backend"] != "dask":
        raise invalid_parameter("scheduler", _OWNER, "None unless backend='dask'", scheduler)
    return {
        "folds": int(folds),
        "repeats": int(repeats),
        "sizes": sizes,
        "n_sizes": int(n_sizes),
        "min_size": None if min_size is None else int(min_size),
        "seed": int(seed),
        "engine": given["engine"],
        "model": given["model"],
        "hidden_layer_sizes": [int(h) for h in hidden] if given["model"] == "mlp" else [],
        "formulations": [f for f in FORMULATIONS if f in requested],
        "prune_min_count": int(prune_min_count),
        "budget": None if budget is None or math.isinf(budget) else float(budget),
        "budget_mode": "auto" if budget is None else "unlimited" if math.isinf(budget) else "fixed",
    }


def _auto_engine_note(engine_name: str, n_labelsets: int) -> str:
    from .engines import AUTO_TORCH_MIN_CLASSES, torch_available

    if engine_name == "torch":
        return (
            f"engine='auto' chose torch: the data has {n_labelsets} labelsets "
            f"(> {AUTO_TORCH_MIN_CLASSES}), where scikit-learn's lbfgs softmax gets slow."
        )
    if n_labelsets > AUTO_TORCH_MIN_CLASSES and not torch_available():
        return (
            f"engine='auto' chose scikit-learn: the data has {n_labelsets} labelsets "
            f"(> {AUTO_TORCH_MIN_CLASSES}) but torch is not installed; the powerset fits "
            f"may be slow (install the [torch] extra for a faster engine)."
        )
    return f"engine='auto' chose scikit-learn ({n_labelsets} labelsets)."


# -- splits and sizes --------------------------------------------------------------------------


def _seed_int(*entropy: int) -> int:
    """Return a 31-bit seed derived from ``entropy`` (stable across platforms)."""
    return int(np.random.SeedSequence(list(entropy)).generate_state(1)[0] >> 1)


def outer_splits(
    Y: np.ndarray, *, folds: int = 5, repeats: int = 1, seed: int = 0
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """Split the rows into outer folds by iterative stratification, repeated.

    The training rows of each fold come in a seeded random order: the training part of
    size ``n`` for a learning-curve point is the first ``n`` of them, so sizes are nested.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
    folds : int, default=5
    repeats : int, default=1
    seed : int, default=0

    Returns
    -------
    list of (repeat, fold, train_rows, test_rows)
        ``train_rows`` in nested order, ``test_rows`` sorted.

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 1]] * 10)
    >>> [(r, f, len(tr), len(te)) for r, f, tr, te in outer_splits(Y, folds=2)]
    [(0, 0, 10, 10), (0, 1, 10, 10)]
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    Y = np.asarray(Y)
    splits = []
    for repeat in range(repeats):
        splitter = MultilabelStratifiedKFold(
            n_splits=folds, shuffle=True, random_state=_seed_int(seed, repeat)
        )
        for fold, (train, test) in enumerate(splitter.split(np.zeros((len(Y), 1)), Y)):
            order = np.random.default_rng([seed, repeat, fold]).permutation(len(train))
            splits.append((repeat, fold, np.asarray(train)[order], np.sort(test)))
    return splits


def resolve_train_sizes(
    n_train_full: int,
    *,
    n_labels: int,
    sizes: Sequence[int] | Sequence[float] | None = None,
    n_sizes: int = 8,
    min_size: int | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Return the increasing training sizes and notes about any adjustment.

    Parameters
    ----------
    n_train_full : int
        The smallest outer training part.
    n_labels : int
    sizes : list of int or list of float, or None
        Counts, or fractions of ``n_train_full``; None for geometric defaults.
    n_sizes : int, default=8
    min_size : int or None, default=None
        None is ``max(50, 2 * n_labels)``.

    Returns
    -------
    train_sizes : ndarray of int64
    notes : list of str

    Raises
    ------
    ParameterError
        When a count exceeds ``n_train_full``.

    Examples
    --------
    >>> resolve_train_sizes(1000, n_labels=6)[0].tolist()
    [50, 77, 118, 181, 277, 425, 652, 1000]
    >>> resolve_train_sizes(1000, n_labels=6, sizes=[0.1, 0.5, 1.0])[0].tolist()
    [100, 500, 1000]
    """
    notes: list[str] = []
    if sizes is None:
        smallest = max(50, 2 * n_labels) if min_size is None else int(min_size)
        if smallest > n_train_full:
            notes.append(
                f"The smallest training size {smallest} exceeds the training part "
                f"({n_train_full} rows); it was capped to {n_train_full}."
            )
            smallest = n_train_full
        # Geometric spacing, as the points of a learning curve are read on a log axis.
        candidates = np.rint(np.geomspace(smallest, n_train_full, n_sizes)).astype(np.int64)
        train_sizes = np.unique(candidates)
        if len(train_sizes) < n_sizes:
            notes.append(
                f"Only {len(train_sizes)} distinct training sizes fit between {smallest} and "
                f"{n_train_full} rows (asked for {n_sizes})."
            )
        return train_sizes, notes
    if all(_is_int(s) for s in sizes):
        too_large = [int(s) for s in sizes if s > n_train_full]
        if too_large:
            raise invalid_parameter(
                "sizes", _OWNER, f"counts <= the training part ({n_train_full} rows)", list(sizes)
            )
        candidates = np.asarray(sizes, dtype=np.int64)
    else:
        candidates = np.maximum(1, np.rint(np.asarray(sizes) * n_train_full)).astype(np.int64)
    train_sizes = np.unique(candidates)
    if len(train_sizes) < len(sizes):
        notes.append(
            f"Duplicate training sizes were merged: {list(sizes)} -> {train_sizes.tolist()}."
        )
    return train_sizes, notes


def _constant_label_notes(label_names: Sequence[str], Y: np.ndarray) -> list[str]:
    """One note for all constant labels (a dataset may have a thousand never-positive ones)."""
    constant = np.flatnonzero(Y.min(axis=0) == Y.max(axis=0))
    if not len(constant):
        return []
    shown = ", ".join(f"{label_names[j]!r} (always {int(Y[0, j])})" for j in constant[:5])
    more = f" and {len(constant) - 5} more" if len(constant) > 5 else ""
    plural = len(constant) > 1
    return [
        f"Constant label{f's in the data ({len(constant)})' if plural else ' in the data'}: "
        f"{shown}{more}; "
        f"every formulation predicts {'them' if plural else 'it'} as that constant."
    ]


# -- one job -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Task:
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


def _make_tasks(splits, train_sizes, formulations, *, seed: int, prune_min_count: int):
    tasks = []
    for run, (repeat, fold, train, test) in enumerate(splits):
        for level, size in enumerate(train_sizes):
            random_state = _seed_int(seed, repeat, fold, level)
            for formulation in formulations:
                tasks.append(
                    _Task(
                        task_id=len(tasks),
                        run=run,
                        level=level,
                        formulation=formulation,
                        size=int(size),
                        train_rows=train[:size],
                        test_rows=test,
                        random_state=random_state,
                        prune_min_count=prune_min_count,
                        r2_cs=run == 0 and formulation in ("sigmoid", "powerset"),
                    )
                )
    return tasks


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

    def predict(self, X) -> np.ndarray:
        Y = np.tile(self.constant_values, (X.shape[0], 1))
        if self.head is not None:
            # Same rule as LogisticRegression.predict: positive when p > 0.5.
            Y[:, self.fitted] = self.head.predict_proba(X) > 0.5
        return Y

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

    def predict(self, X) -> np.ndarray:
        if self.head is None:
            return np.tile(self.labelsets[0], (X.shape[0], 1))
        return self.labelsets[np.argmax(self.head.predict_proba(X), axis=1)]

    def r2_cs(self, X, y: np.ndarray) -> float:
        if self.head is None:
            return math.nan
        proba = _clip(self.head.predict_proba(X))
        ll_model = np.log(proba[np.arange(len(y)), y]).sum()
        counts = np.bincount(y, minlength=len(self.labelsets))
        counts = counts[counts > 0]
        ll_null = float((counts * np.log(counts / len(y))).sum())
        return _cox_snell(ll_null, ll_model, len(y))


def _fit_formulation(engine, task: _Task, X_train, Y_train: np.ndarray):
    """Return (model, n_params, n_classes, converged, r2) for one formulation."""
    if task.formulation == "sigmoid":
        fitted = Y_train.min(axis=0) != Y_train.max(axis=0)
        head = None
        if fitted.any():
            head = engine.fit_sigmoid(X_train, Y_train[:, fitted], random_state=task.random_state)
        model = _SigmoidModel(head, fitted, Y_train[0].copy() * ~fitted)
        r2 = model.r2_cs(X_train, Y_train) if task.r2_cs else None
        return model, _n_params(head), int(fitted.sum()), _converged(head), r2
    min_count = task.prune_min_count if task.formulation == "pruned-powerset" else 1
    rows, y, labelsets = prune_labelsets(Y_train, min_count=min_count)
    if len(labelsets) == 0:
        # Every labelset was rare and none had a frequent part: predict the empty labelset.
        labelsets = np.zeros((1, Y_train.shape[1]), dtype=np.uint8)
    head = None
    if len(labelsets) >= 2:
        # Without pruning every row is kept once, in order.
        X_rows = X_train if min_count == 1 else X_train[rows]
        head = engine.fit_softmax(
            X_rows, y, n_classes=len(labelsets), random_state=task.random_state
        )
    model = _PowersetModel(head, labelsets)
    r2 = model.r2_cs(X_train, y) if task.r2_cs else None
    return model, _n_params(head), len(labelsets), _converged(head), r2


def _n_params(head) -> int:
    return 0 if head is None else int(head.n_params)


def _converged(head) -> bool:
    return bool(getattr(head, "converged", True))


def _scores(Y_true: np.ndarray, Y_pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score

    return {
        "subset_accuracy": float(accuracy_score(Y_true, Y_pred)),
        "hamming_loss": float(hamming_loss(Y_true, Y_pred)),
        "f1_micro": float(f1_score(Y_true, Y_pred, average="micro", zero_division=0)),
        "f1_macro": float(f1_score(Y_true, Y_pred, average="macro", zero_division=0)),
        # A sample with no label predicted as having none is a perfect match: the
        # samples-averaged scores count it as 1 (zero_division=1), not 0.
        "f1_samples": float(f1_score(Y_true, Y_pred, average="samples", zero_division=1)),
        "jaccard": float(jaccard_score(Y_true, Y_pred, average="samples", zero_division=1)),
    }


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


def _run_job(X, Y: np.ndarray, task: _Task, engine) -> dict:
    """Fit and score one formulation on one training size of one run."""
    from sklearn.preprocessing import MaxAbsScaler, StandardScaler

    started = time.perf_counter()
    with _single_thread(engine):
        X_train, X_test = X[task.train_rows], X[task.test_rows]
        scaler = MaxAbsScaler() if sp.issparse(X) else StandardScaler()
        X_train = scaler.fit_transform(X_train)
        X_test = scaler.transform(X_test)
        Y_train, Y_test = Y[task.train_rows], Y[task.test_rows]
        fit_started = time.perf_counter()
        model, n_params, n_classes, converged, r2 = _fit_formulation(engine, task, X_train, Y_train)
        fit_seconds = time.perf_counter() - fit_started
        predict_started = time.perf_counter()
        Y_pred = model.predict(X_test)
        predict_seconds = time.perf_counter() - predict_started
        scores = _scores(Y_test, Y_pred)
    return {
        "task_id": task.task_id,
        "scores": scores,
        "unseen_labelset_share": unseen_labelset_share(Y_train, Y_test),
        "n_params": n_params,
        "n_classes": n_classes,
        "converged": converged,
        "r2_cs": r2,
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "seconds": time.perf_counter() - started,
    }


# -- execution ---------------------------------------------------------------------------------


class _LokyExecutor:
    """Runs jobs through joblib (loky processes; in-process when jobs == 1)."""

    def __init__(self, jobs: int | None):
        from joblib import Parallel, effective_n_jobs

        self.n_jobs = -1 if jobs is None else jobs
        self.n_workers = int(effective_n_jobs(self.n_jobs))
        self._parallel = Parallel(
            n_jobs=self.n_jobs, backend="loky", return_as="generator_unordered"
        )
        self._data = None

    def __enter__(self):
        self._parallel.__enter__()
        return self

    def __exit__(self, *exc):
        self._parallel.__exit__(*exc)
        return False

    def bind(self, X, Y, engine):
        self._data = (X, Y, engine)
        return self

    def map(self, tasks: Sequence[_Task]) -> Iterator[dict]:
        from joblib import delayed

        X, Y, engine = self._data
        yield from self._parallel(delayed(_run_job)(X, Y, task, engine) for task in tasks)


class _DaskExecutor:
    """Runs jobs on a Dask distributed cluster; the data is scattered to every worker once."""

    def __init__(self, scheduler: str | None):
        try:
            import distributed
        except ImportError as error:
            raise ParameterError(
                "The 'backend' parameter is 'dask' but dask.distributed is not installed; "
                "install the [distributed] extra or use backend='loky'."
            ) from error
        if scheduler is None:
            try:
                self.client = distributed.get_client()
            except ValueError as error:
                raise ParameterError(
                    "The 'scheduler' parameter of learning_curves must be the address of a "
                    "Dask scheduler (or a distributed.Client must be active) when "
                    "backend='dask'. Got None instead."
                ) from error
            self._owns_client = False
        else:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except OSError as error:
                raise ParameterError(
                    f"The Dask scheduler at {scheduler!r} cannot be reached ({error}); check "
                    f"the --scheduler address and that the scheduler is running."
                ) from None
            self._owns_client = True
        self.n_workers = max(1, sum(self.client.nthreads().values()))
        self._data = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._owns_client:
            self.client.close()
        return False

    def bind(self, X, Y, engine):
        X_future, Y_future = self.client.scatter([X, Y], broadcast=True, hash=False)
        self._data = (X_future, Y_future, engine)
        return self

    def map(self, tasks: Sequence[_Task]) -> Iterator[dict]:
        from distributed import as_completed

        X, Y, engine = self._data
        futures = [self.client.submit(_run_job, X, Y, task, engine, pure=False) for task in tasks]
        for _, result in as_completed(futures, with_results=True):
            yield result


def _make_executor(backend: str, jobs: int | None, scheduler: str | None):
    return _DaskExecutor(scheduler) if backend == "dask" else _LokyExecutor(jobs)


class _ProgressBar:
    """A rich progress bar on stderr (jobs done / total, elapsed), or nothing."""

    def __init__(self, enabled: bool, total: int):
        self._progress = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("learning curves"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("jobs"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._task = self._progress.add_task("jobs", total=total)

    def __enter__(self):
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def set_total(self, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=total)


# -- cost model and budget ---------------------------------------------------------------------


class CostModel:
    """Predict a job's seconds from the jobs done so far: time ~ a * n^b per formulation.

    The exponent ``b`` is the log-log slope over the (up to) three largest sizes measured,
    kept within [1, 2.5]; the curve passes through the median time at the largest size
    measured, so the prediction is anchored where it matters.

    Examples
    --------
    >>> cost = CostModel()
    >>> for n, seconds in [(100, 0.5), (200, 2.0), (400, 8.0)]:
    ...     cost.observe("powerset", n, seconds)
    >>> round(cost.exponent("powerset"), 6), round(cost.predict("powerset", 800), 6)
    (2.0, 32.0)
    """

    def __init__(self):
        self._seconds: dict[str, dict[int, list[float]]] = {}

    def observe(self, formulation: str, size: int, seconds: float) -> None:
        """Record the wall time of one job."""
        self._seconds.setdefault(formulation, {}).setdefault(int(size), []).append(seconds)

    def _anchor(self, formulation: str) -> tuple[np.ndarray, np.ndarray]:
        by_size = self._seconds.get(formulation, {})
        sizes = np.array(sorted(by_size), dtype=float)
        medians = np.array([np.median(by_size[int(n)]) for n in sizes])
        return sizes, np.maximum(medians, 1e-4)

    def exponent(self, formulation: str) -> float:
        """Return the fitted exponent ``b`` (1 with fewer than two sizes measured)."""
        sizes, seconds = self._anchor(formulation)
        if len(sizes) < 2:
            return _COST_EXPONENT_RANGE[0]
        slope = np.polyfit(np.log(sizes[-3:]), np.log(seconds[-3:]), 1)[0]
        return float(np.clip(slope, *_COST_EXPONENT_RANGE))

    def predict(self, formulation: str, size: int) -> float:
        """Return the predicted seconds of one job (NaN before any measurement)."""
        sizes, seconds = self._anchor(formulation)
        if len(sizes) == 0:
            return math.nan
        return float(seconds[-1] * (size / sizes[-1]) ** self.exponent(formulation))


def _makespan(seconds: Sequence[float], n_workers: int) -> float:
    """Wall time of running jobs on ``n_workers``, longest first (LPT scheduling)."""
    loads = [0.0] * max(1, n_workers)
    for value in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += value
    return max(loads)


@dataclass
class _Outcome:
    results: dict[int, dict]
    notes: list[str]
    seconds: float
    applied_budget: float | None
    predicted_grid_seconds: float | None


def _run_with_budget(tasks, *, executor, budget, started, bar) -> _Outcome:
    """Run the tasks level by level, letting the cost model cut what would not fit."""
    jobs_started = time.perf_counter()
    results: dict[int, dict] = {}
    cost = CostModel()
    levels = sorted({t.level for t in tasks})
    by_level = {level: [t for t in tasks if t.level == level] for level in levels}

    def run(batch: list[_Task], predicted: dict[int, float] | None = None) -> None:
        # Longest first packs the workers best; without predictions larger sizes are longer.
        order = sorted(
            batch,
            key=lambda t: (-(predicted or {}).get(t.task_id, 0.0), -t.size, t.task_id),
        )
        for result in executor.map(order):
            results[result["task_id"]] = result
            task = tasks[result["task_id"]]
            cost.observe(task.formulation, task.size, result["seconds"])
            bar.advance()

    if budget is not None and math.isinf(budget):
        run(list(tasks))
        return _Outcome(results, [], time.perf_counter() - jobs_started, None, None)

    limit = AUTO_BUDGET_SECONDS if budget is None else float(budget)
    probe = [t for level in levels[:_PROBE_LEVELS] for t in by_level[level]]
    run(probe)
    pending = [t for t in tasks if t.task_id not in results]
    predicted_grid = None
    if pending:
        elapsed = time.perf_counter() - started
        predicted = {t.task_id: cost.predict(t.formulation, t.size) for t in pending}
        remaining = sum(
            _makespan(
                [predicted[t.task_id] for t in pending if t.level == level], executor.n_workers
            )
            for level in levels
        )
        predicted_grid = elapsed + remaining
        if predicted_grid <= limit * 0.5:
            # Comfortably inside the limit: one dispatch, no waiting between sizes.
            run(pending, predicted)
            pending = []
    skipped: list[_Task] = []
    # Runs of a formulation whose job at a smaller size was cut: larger ones are cut too.
    cut_chains: set[tuple[str, int]] = set()
    for level in levels[_PROBE_LEVELS:]:
        if not pending:
            break
        seconds_left = limit - (time.perf_counter() - started)
        done = {(tasks[i].formulation, tasks[i].run, tasks[i].level) for i in results}
        plan = _plan(pending, cost, executor.n_workers, seconds_left, cut_chains, done)
        predicted = {t.task_id: cost.predict(t.formulation, t.size) for t in pending}
        batch = [
            t
            for t in pending
            if t.task_id in plan
            and (t.level == level or _COST_SAFETY * predicted[t.task_id] <= _EAGER_SHARE * limit)
        ]
        for task in pending:
            if task.level == level and task.task_id not in plan:
                skipped.append(task)
                cut_chains.add((task.formulation, task.run))
        bar.set_total(len(results) + len(plan))
        if batch:
            run(batch, predicted)
        pending = [t for t in pending if t.level > level and t.task_id not in results]
    notes = []
    if skipped:
        notes.append(_budget_note(skipped, tasks, budget, limit, predicted_grid))
    return _Outcome(
        results,
        notes,
        time.perf_counter() - jobs_started,
        limit if skipped or budget is not None else None,
        predicted_grid,
    )


def _plan(
    pending, cost: CostModel, n_workers: int, seconds_left: float, cut_chains, done
) -> set[int]:
    """Pick the largest set of pending jobs predicted to fit in ``seconds_left``.

    Cheapest jobs first (which maximises how many jobs run); a job joins only when the
    same run's job at the previous size is done or planned, so every measured curve is a
    prefix of the sizes. The wall time of a plan is the sum over sizes of the LPT
    makespan, since sizes run one after the other; predictions count ``_COST_SAFETY``
    times.
    """
    predicted = {t.task_id: _COST_SAFETY * cost.predict(t.formulation, t.size) for t in pending}
    planned: set[int] = set()
    planned_chain: set[tuple[str, int, int]] = set(done)
    per_level: dict[int, list[float]] = {}
    first_level = min(t.level for t in pending)
    for task in sorted(pending, key=lambda t: (predicted[t.task_id], t.level, t.task_id)):
        if (task.formulation, task.run) in cut_chains:
            continue
        if (
            task.level > first_level
            and (task.formulation, task.run, task.level - 1) not in planned_chain
        ):
            continue
        trial = per_level | {task.level: per_level.get(task.level, []) + [predicted[task.task_id]]}
        wall = sum(_makespan(v, n_workers) for v in trial.values())
        if wall <= seconds_left:
            per_level = trial
            planned.add(task.task_id)
            planned_chain.add((task.formulation, task.run, task.level))
    return planned


def _budget_note(skipped, tasks, budget, limit, predicted_grid) -> str:
    n_runs = len({t.run for t in tasks})
    parts = []
    for formulation in FORMULATIONS:
        cut = [t for t in skipped if t.formulation == formulation]
        if not cut:
            continue
        sizes = sorted({t.size for t in cut})
        described = ", ".join(
            f"{n:,} ({sum(t.size == n for t in cut)} of {n_runs} runs)" for n in sizes
        )
        parts.append(f"{formulation} at {described}")
    if budget is None:
        head = (
            f"{_AUTO_BUDGET_PREFIX} the full grid was predicted to take about "
            f"{predicted_grid / 60:.0f} min, too close to the automatic limit of "
            f"{limit / 60:.0f} min once each job's predicted time gets a {_COST_SAFETY:g}x safety "
            f"margin, so only the jobs predicted to fit were run (--budget SECONDS sets the "
            f"limit, --budget 0 never cuts)."
        )
    else:
        head = f"{_BUDGET_PREFIX} {limit:,.0f} s: only the jobs predicted to fit were run."
    return f"{head} Not run (left empty; the fitted curves extrapolate there): {'; '.join(parts)}."


_AUTO_BUDGET_PREFIX = "No budget was given and"
_BUDGET_PREFIX = "Budget of"
_CONVERGENCE_PREFIX = "The solver did not converge"
_WARN_PREFIXES = (_AUTO_BUDGET_PREFIX, _BUDGET_PREFIX, _CONVERGENCE_PREFIX, "Constant label")


# -- assembling the result ---------------------------------------------------------------------


def _assemble(
    dataset,
    Y: np.ndarray,
    labelset_counts: np.ndarray,
    *,
    dataset_hash: str,
    splits,
    train_sizes: np.ndarray,
    n_train_full: int,
    tasks: list[_Task],
    results: dict[int, dict],
    engine_name: str,
    options: dict,
    notes: list[str],
    timings: dict,
) -> LearningCurves:
    n_runs, n_sizes = len(splits), len(train_sizes)
    curves = {}
    r2_sigmoid = np.full(dataset.n_labels, np.nan)
    r2_powerset = math.nan
    r2_sizes: dict[str, int] = {}
    not_converged: dict[str, int] = {}
    for formulation in options["formulations"]:
        grid = {
            key: np.full((n_runs, n_sizes), np.nan)
            for key in ("unseen", "n_params", "n_classes", "fit", "predict", *METRICS)
        }
        for task in tasks:
            if task.formulation != formulation or task.task_id not in results:
                continue
            result = results[task.task_id]
            cell = (task.run, task.level)
            for metric in METRICS:
                grid[metric][cell] = result["scores"][metric]
            grid["unseen"][cell] = result["unseen_labelset_share"]
            grid["n_params"][cell] = result["n_params"]
            grid["n_classes"][cell] = result["n_classes"]
            grid["fit"][cell] = result["fit_seconds"]
            grid["predict"][cell] = result["predict_seconds"]
            if not result["converged"]:
                not_converged[formulation] = not_converged.get(formulation, 0) + 1
            if result["r2_cs"] is not None and task.size >= r2_sizes.get(formulation, 0):
                r2_sizes[formulation] = task.size
                if formulation == "sigmoid":
                    r2_sigmoid = np.asarray(result["r2_cs"], dtype=np.float64)
                else:
                    r2_powerset = float(result["r2_cs"])
        curves[formulation] = FormulationCurve(
            formulation=formulation,
            train_sizes=train_sizes.astype(np.int64),
            scores={metric: grid[metric] for metric in METRICS},
            unseen_labelset_share=grid["unseen"],
            n_params=grid["n_params"],
            n_classes=grid["n_classes"],
            fit_seconds=grid["fit"],
            predict_seconds=grid["predict"],
        )
    if not_converged:
        counts = ", ".join(
            f"{formulation}: {count} of {sum(t.formulation == formulation for t in tasks)}"
            for formulation, count in not_converged.items()
        )
        notes.append(
            f"{_CONVERGENCE_PREFIX} within its iteration cap in some fits ({counts} jobs); "
            f"their scores may be slightly pessimistic."
        )
    return LearningCurves(
        dataset_name=dataset.name,
        dataset_hash=dataset_hash,
        n_samples=dataset.n_samples,
        n_labels=dataset.n_labels,
        n_features=dataset.n_features,
        n_train_full=int(n_train_full),
        runs=tuple((int(repeat), int(fold)) for repeat, fold, _, _ in splits),
        curves=curves,
        engine=engine_name,
        options=options,
        label_prevalence=Y.mean(axis=0, dtype=np.float64),
        sigmoid_r2_cs=r2_sigmoid,
        powerset_class_shares=np.sort(labelset_counts)[::-1] / dataset.n_samples,
        powerset_r2_cs=r2_powerset,
        n_predictors=dataset.n_features,
        notes=tuple(notes),
        timings=timings,
        r2_cs_train_sizes=r2_sizes,
    )


# -- cache -------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Return ``$FEASIBILITY_CACHE`` or ``~/.cache/feasibility``."""
    return Path(os.environ.get("FEASIBILITY_CACHE") or Path.home() / ".cache" / "feasibility")


def _cache_path(cache_dir, dataset_name: str, cache_key: dict) -> Path:
    digest = hashlib.sha256(json.dumps(cache_key, sort_keys=True).encode()).hexdigest()[:24]
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in dataset_name)[:40]
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return folder / f"curves-{safe_name}-{digest}.json"


def _read_cache(path: Path, cache_key: dict) -> LearningCurves | None:
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if stored.get("key") != cache_key:
        return None
    try:
        curves = LearningCurves.from_dict(stored["result"])
    except (KeyError, TypeError, ValueError):
        return None
    note = f"Loaded from the cache ({path}); delete that file or pass use_cache=False to refit."
    return LearningCurves(**{**curves.__dict__, "notes": curves.notes + (note,)})


def _write_cache(path: Path, cache_key: dict, result: LearningCurves) -> None:
    payload = json.dumps({"key": cache_key, "result": result.to_dict()}, allow_nan=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
        ) as handle:
            handle.write(payload)
        os.replace(handle.name, path)
    except OSError as error:
        warnings.warn(
            f"Could not write the learning-curve cache {path}: {error}",
            FeasibilityWarning,
            stacklevel=3,
        )
