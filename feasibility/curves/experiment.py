"""The experiment: :func:`learning_curves` measures every formulation on nested training sizes.

The steps, one module each: the options are checked (:mod:`.options`); the cache is asked
(:mod:`.cache`); the rows are split into outer folds and training sizes (:mod:`.splits`);
every (run, formulation, size) cell becomes a job (:mod:`.jobs`) that runs on loky or Dask
(:mod:`.execution`) within a time budget (:mod:`.budget`); the job results become the
result arrays (:mod:`.assemble`). What a run did is said in its notes (:mod:`.notes`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np

from ..dataset import require_dataset
from ..errors import DatasetError
from ..labelsets import unique_rows
from .assemble import assemble
from .budget import run_with_budget
from .cache import cache_key, cache_path, read_cache, write_cache
from .execution import ProgressBar, make_executor, show_progress
from .jobs import Grid, make_tasks
from .notes import CurveNote, auto_engine_note, constant_label_notes, warn_about
from .options import OWNER, CurveOptions
from .results import LearningCurves
from .splits import outer_splits, resolve_train_sizes

__all__ = ["learning_curves"]

#: The signature's defaults are CurveOptions' (the one place they are written).
_DEFAULT = CurveOptions.defaults()
#: Warnings from _measure point at the code that called learning_curves:
#: 1 is _measure, 2 learning_curves, 3 its caller.
_CALLER = 3


def learning_curves(
    dataset,
    *,
    folds: int = _DEFAULT["folds"],
    repeats: int = _DEFAULT["repeats"],
    sizes: Sequence[int] | Sequence[float] | None = _DEFAULT["sizes"],
    n_sizes: int = _DEFAULT["n_sizes"],
    min_size: int | None = _DEFAULT["min_size"],
    seed: int = _DEFAULT["seed"],
    jobs: int | None = _DEFAULT["jobs"],
    engine: str = _DEFAULT["engine"],
    model: str = _DEFAULT["model"],
    hidden_layer_sizes: tuple[int, ...] = _DEFAULT["hidden_layer_sizes"],
    formulations: Iterable[str] = _DEFAULT["formulations"],
    prune_min_count: int = _DEFAULT["prune_min_count"],
    scaling: str = _DEFAULT["scaling"],
    budget: float | None = _DEFAULT["budget"],
    backend: str = _DEFAULT["backend"],
    scheduler: str | None = _DEFAULT["scheduler"],
    cache_dir=_DEFAULT["cache_dir"],
    use_cache: bool = _DEFAULT["use_cache"],
    progress: bool = _DEFAULT["progress"],
    estimator=_DEFAULT["estimator"],
    param_grid=_DEFAULT["param_grid"],
) -> LearningCurves:
    """Measure the learning curve of each formulation on growing subsets of a dataset.

    Parameters
    ----------
    dataset : MultilabelDataset
    folds, repeats, sizes, n_sizes, min_size, seed, jobs, engine, model, \
hidden_layer_sizes, formulations, prune_min_count, scaling, budget, backend, scheduler, \
cache_dir, use_cache, progress, estimator, param_grid
        The options of :class:`~feasibility.curves.CurveOptions`, which documents each
        one and holds the defaults.

    Returns
    -------
    LearningCurves

    Raises
    ------
    ParameterError
        For an option out of range.
    DatasetError
        When the data has no labels or no features, or cannot be split into ``folds``
        folds.

    See Also
    --------
    feasibility.fit.fit_curves : fit and extrapolate the measured curves.

    Notes
    -----
    The same experiment for every formulation, so the comparison is fair: K outer folds
    by iterative multilabel stratification (Sechidis et al. 2011), repeated with
    different seeds; inside each fold a nested, geometric series of training sizes.
    Scaling (``StandardScaler`` for dense input, ``MaxAbsScaler`` for sparse) is fitted
    on the training rows of each job. A label constant in a training part is predicted as
    that constant. The powerset predicts the labelset of its most probable class. The
    pruned powerset (Read et al. 2008, "Multi-label classification using ensembles of
    pruned sets") replaces a sample whose labelset is rare by one copy per *maximal*
    frequent sub-labelset (see :func:`feasibility.labelsets.prune_labelsets`).

    Examples
    --------
    >>> from feasibility.synthetic import make_latent_class_labels
    >>> data = make_latent_class_labels(300, n_labels=4, n_classes=5, random_state=1)
    >>> curves = learning_curves(data, folds=3, n_sizes=3, jobs=1, use_cache=False)
    >>> curves.runs, curves.curves["powerset"].train_sizes.tolist()
    (((0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)), [50, 98, 194])
    """
    dataset = require_dataset(dataset, OWNER)
    options = CurveOptions(
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
        scaling=scaling,
        budget=budget,
        backend=backend,
        scheduler=scheduler,
        cache_dir=cache_dir,
        use_cache=use_cache,
        progress=progress,
        estimator=estimator,
        param_grid=param_grid,
    )
    return _measure(dataset, options)


def _measure(dataset, options: CurveOptions) -> LearningCurves:
    """Return the cached result, or run the experiment and cache it."""
    started = time.perf_counter()
    _check_dataset(dataset, options.folds)
    Y = np.ascontiguousarray(dataset.Y, dtype=np.uint8)
    _, _, labelset_counts = unique_rows(Y)
    engine, notes = _choose_engine(options, len(labelset_counts), dataset.X)
    dataset_hash = dataset.content_hash()
    key = cache_key(dataset_hash, options.experiment_dict(), engine)
    # an estimator's repr does not pin its numbers (truncated reprs, edited classes, unseeded
    # randomness): its curves are never cached
    cached_ok = options.use_cache and options.estimator is None
    cache_file = cache_path(options.cache_dir, dataset.name, key) if cached_ok else None
    cached = read_cache(cache_file, key) if cache_file is not None else None
    if cached is not None:
        # Repeat what the run warned about (constant labels, budget cuts): a cache hit
        # must not hide it.
        warn_about(cached.notes, stacklevel=_CALLER)
        return cached

    grid, grid_notes = _grid(Y, dataset, options)
    notes.extend(grid_notes)
    split_seconds = time.perf_counter() - started
    executor = make_executor(options.backend, options.jobs, options.scheduler)
    with executor, ProgressBar(show_progress(options.progress), len(grid.tasks)) as bar:
        outcome = run_with_budget(
            grid.tasks,
            executor=executor.bind(dataset.X, Y, engine),
            budget=options.budget,
            started=started,
            bar=bar,
        )
    notes.extend(outcome.notes)
    result = assemble(
        dataset,
        Y,
        labelset_counts,
        dataset_hash=dataset_hash,
        grid=grid,
        outcome=outcome,
        engine_name=engine.name,
        options=options.experiment_dict() | {"budget_seconds_applied": outcome.applied_budget},
        notes=notes,
        timings={
            "splits": split_seconds,
            "jobs": outcome.seconds,
            "total": time.perf_counter() - started,
            "predicted_grid_seconds": outcome.predicted_grid_seconds,
            "n_jobs_run": len(outcome.results),
            "n_jobs_total": len(grid.tasks),
            "backend": options.backend,
            "n_workers": executor.n_workers,
        },
    )
    warn_about(result.notes, stacklevel=_CALLER)
    if cache_file is not None:
        write_cache(cache_file, key, result, stacklevel=_CALLER)
    return result


def _check_dataset(dataset, folds: int) -> None:
    """Refuse data the experiment cannot run on, saying what to do instead."""
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


def _choose_engine(options: CurveOptions, n_labelsets: int, X=None):
    """Return the engine and, for ``engine="auto"``, a note saying which one it chose."""
    from ..engines import AUTO_TORCH_MIN_CLASSES, get_engine, torch_available

    if options.estimator is not None:
        from ..engines.estimator_engine import EstimatorEngine, check_on_data

        check_on_data(options.estimator, X)  # before any job: one line if it cannot
        return EstimatorEngine(options.estimator, options.param_grid), []

    engine = get_engine(
        options.engine,
        options.model,
        hidden_layer_sizes=options.hidden_layer_sizes,
        n_classes=n_labelsets,
    )
    if options.engine != "auto":
        return engine, []
    note = auto_engine_note(
        engine.name,
        n_labelsets,
        threshold=AUTO_TORCH_MIN_CLASSES,
        torch_installed=torch_available(),
    )
    return engine, [note]


def _grid(Y: np.ndarray, dataset, options: CurveOptions) -> tuple[Grid, list[CurveNote]]:
    """Split the rows, resolve the training sizes and lay out the tasks; with the notes
    on the sizes and on constant labels."""
    splits = outer_splits(Y, folds=options.folds, repeats=options.repeats, seed=options.seed)
    n_train_full = min(len(train) for _, _, train, _ in splits)
    train_sizes, notes = resolve_train_sizes(
        n_train_full,
        n_labels=dataset.n_labels,
        sizes=options.sizes,
        n_sizes=options.n_sizes,
        min_size=options.min_size,
    )
    notes.extend(constant_label_notes(dataset.label_names, Y))
    tasks = make_tasks(
        splits,
        train_sizes,
        options.formulations,
        seed=options.seed,
        prune_min_count=options.prune_min_count,
        scaling=options.scaling,
    )
    return Grid(splits, train_sizes, n_train_full, options.formulations, tasks), notes
