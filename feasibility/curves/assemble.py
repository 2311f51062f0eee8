"""From the job results to a :class:`~feasibility.curves.LearningCurves`: one array per
quantity and formulation, the analytic sample-size inputs, and the convergence note."""

from __future__ import annotations

import math

import numpy as np

from ..engines.tuning import C_GRID
from ..vocab import METRICS, Formulation, Metric
from .budget import Outcome
from .jobs import Grid
from .notes import CurveNote, not_converged_note
from .results import CurveTuning, FormulationCurve, LearningCurves

__all__ = ["assemble"]


def assemble(
    dataset,
    Y: np.ndarray,
    labelset_counts: np.ndarray,
    *,
    dataset_hash: str,
    grid: Grid,
    outcome: Outcome,
    engine_name: str,
    options: dict,
    notes: list[CurveNote],
    timings: dict,
) -> LearningCurves:
    """Build the result; ``notes`` gets the convergence note when some fit hit its cap."""
    results = outcome.results
    curves = {f: _curve(f, grid, results) for f in grid.formulations}
    r2_sigmoid, r2_powerset, r2_sizes = _r2_inputs(grid, results, dataset.n_labels)
    not_converged = _not_converged(grid, results)
    if not_converged:
        notes.append(not_converged_note(not_converged))
    return LearningCurves(
        dataset_name=dataset.name,
        dataset_hash=dataset_hash,
        n_samples=dataset.n_samples,
        n_labels=dataset.n_labels,
        n_features=dataset.n_features,
        n_train_full=int(grid.n_train_full),
        runs=tuple((int(repeat), int(fold)) for repeat, fold, _, _ in grid.splits),
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


def _curve(formulation: str, grid: Grid, results: dict[int, dict]) -> FormulationCurve:
    """One (n_runs, n_sizes) array per quantity; NaN where the job did not run."""
    shape = (len(grid.splits), len(grid.train_sizes))
    grids = {
        key: np.full(shape, np.nan)
        for key in ("unseen", "n_params", "n_classes", "fit", "predict", *METRICS)
    }
    plain = {metric: np.full(shape, np.nan) for metric in METRICS}
    has_tuning = False
    for task in grid.tasks:
        if task.formulation != formulation or task.task_id not in results:
            continue
        result = results[task.task_id]
        cell = (task.run, task.level)
        for metric in METRICS:
            grids[metric][cell] = result["scores"][metric]
            plain[metric][cell] = result["scores_plain"][metric]
        # A job without a record (an engine that could not tune it) keeps NaN in the
        # tuning arrays; its scores are its plain ones.
        has_tuning |= result["tuning"] is not None
        grids["unseen"][cell] = result["unseen_labelset_share"]
        grids["n_params"][cell] = result["n_params"]
        grids["n_classes"][cell] = result["n_classes"]
        grids["fit"][cell] = result["fit_seconds"]
        grids["predict"][cell] = result["predict_seconds"]
    return FormulationCurve(
        formulation=formulation,
        train_sizes=grid.train_sizes.astype(np.int64),
        scores={metric: grids[metric] for metric in METRICS},
        unseen_labelset_share=grids["unseen"],
        n_params=grids["n_params"],
        n_classes=grids["n_classes"],
        fit_seconds=grids["fit"],
        predict_seconds=grids["predict"],
        scores_plain=plain if has_tuning else {},
        tuning=_tuning(formulation, grid, results, shape) if has_tuning else None,
    )


def _tuning(formulation: str, grid: Grid, results: dict[int, dict], shape) -> CurveTuning:
    """Stack what each job's inner folds chose into (n_runs, n_sizes, ...) arrays."""
    tasks = [
        t
        for t in grid.tasks
        if t.formulation == formulation and results.get(t.task_id, {}).get("tuning") is not None
    ]
    first = results[tasks[0].task_id]["tuning"]
    n_outputs = len(first["C"])
    C = np.full((*shape, n_outputs), np.nan)
    at_edge = np.full((*shape, n_outputs), np.nan)
    thresholds = {m: np.full(shape + np.shape(t), np.nan) for m, t in first["thresholds"].items()}
    thresholds.setdefault(Metric.SUBSET_ACCURACY.value, np.full(shape, np.nan))
    for task in tasks:
        record, cell = results[task.task_id]["tuning"], (task.run, task.level)
        C[cell] = record["C"]
        at_edge[cell] = np.asarray(record["C_at_edge"], dtype=np.float64)
        for metric, value in record["thresholds"].items():
            thresholds[metric][cell] = value
    if formulation != Formulation.SIGMOID:
        # A powerset answers subset accuracy by argmax: no threshold.
        thresholds[Metric.SUBSET_ACCURACY.value][:] = np.nan
    return CurveTuning(C=C, C_at_edge=at_edge, thresholds=thresholds, C_grid=C_GRID.copy())


def _r2_inputs(grid: Grid, results: dict[int, dict], n_labels: int):
    """The apparent Cox-Snell R^2 of the sigmoid and the powerset at the largest size run
    in the first run, and that size per formulation."""
    r2_sigmoid = np.full(n_labels, np.nan)
    r2_powerset = math.nan
    r2_sizes: dict[str, int] = {}
    for task in grid.tasks:
        result = results.get(task.task_id)
        if result is None or result["r2_cs"] is None:
            continue
        if task.size >= r2_sizes.get(task.formulation, 0):
            r2_sizes[task.formulation] = task.size
            if task.formulation == Formulation.SIGMOID:
                r2_sigmoid = np.asarray(result["r2_cs"], dtype=np.float64)
            else:
                r2_powerset = float(result["r2_cs"])
    # In the order of the formulations, as the JSON always had it.
    return r2_sigmoid, r2_powerset, {f: r2_sizes[f] for f in grid.formulations if f in r2_sizes}


def _not_converged(grid: Grid, results: dict[int, dict]) -> list[tuple[str, int, int]]:
    """``[("powerset", 3, 40), ...]``: jobs whose fit hit its iteration cap, and the jobs, per
    formulation (only those with some)."""
    counts = []
    for formulation in grid.formulations:
        tasks = [t for t in grid.tasks if t.formulation == formulation]
        failed = sum(
            1 for t in tasks if t.task_id in results and not results[t.task_id]["converged"]
        )
        if failed:
            counts.append((str(formulation), failed, len(tasks)))
    return counts
