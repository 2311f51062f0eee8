"""The fit stage: :func:`fit_curves` fits every curve of a :class:`LearningCurves`."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from ..curves import LearningCurves
from ..errors import wrong_input
from ..notes import warn_note
from ..vocab import FORMULATIONS, LOSS_METRICS, METRICS
from .curve import _fit_curve
from .derived import _crossover
from .notes import FitNote, FitNoteCode, about_curve
from .options import FitOptions
from .results import Crossover, CurveFit, CurveFits
from .status import COVERAGE, CROSSOVER_PAIRS, HEADLINE_METRIC, HORIZON

__all__ = ["fit_curves"]


def fit_curves(
    curves,
    *,
    target_n: Sequence[int] | None = FitOptions.target_n,
    target: float | dict[str, float] | None = FitOptions.target,
    models: Sequence[str] = FitOptions.models,
    n_bootstrap: int = FitOptions.n_bootstrap,
    confidence: float = FitOptions.confidence,
    max_train_size: int | None = FitOptions.max_train_size,
    random_state: int = FitOptions.random_state,
    jobs: int | None = FitOptions.jobs,
) -> CurveFits:
    """Fit and extrapolate every learning curve of a :class:`LearningCurves`.

    For each formulation and metric: weighted nonlinear least squares (weights from the
    standard error of the fold mean, floored) for each model, averaged with weights from
    each model's backtest (fits without the last 1 to 4 sizes predicting the largest;
    ``backtest_error`` is the average's, ``last1_error`` the naive baseline of
    predicting it with the second largest size). Every model is refitted on
    ``n_bootstrap`` resamples of the runs (the same resampled runs for every
    formulation, so crossovers are paired). ``at_target`` and ``band`` are prediction
    intervals of a measured mean of runs: per side the wider of the bootstrap's and the
    calibrated extrapolation error's (see the module docstring). With 3 sizes only pow3
    is fitted and with fewer than 4 there is no backtest; 2 sizes get log2, 1 size the
    last value (``last1``). A ``last1`` curve
    makes no extrapolated claim: its slope verdict and samples-needed status are
    ``"unknown"`` (values NaN / None) and it takes part in no crossover.

    The analytic Riley / Pate sample sizes are a stage of their own
    (:func:`~feasibility.fit.with_sample_size`); the result's ``sample_size`` is None
    until it runs.

    Parameters
    ----------
    curves : LearningCurves
        Output of :func:`feasibility.curves.learning_curves`.
    target_n, target, models, n_bootstrap, confidence, max_train_size, random_state, jobs
        The options, with their defaults and meaning in :class:`~feasibility.fit.FitOptions`.

    Returns
    -------
    CurveFits

    Raises
    ------
    ParameterError
        When an option is out of range.

    Warns
    -----
    FeasibilityWarning
        Once, summing up the fits' notes, when there are any.

    See Also
    --------
    fit_curve : the same for one curve given as arrays.
    feasibility.fit.with_sample_size : the analytic cross-check, added after this stage.
    """
    curves = _require_curves(curves)
    options = FitOptions(
        target_n=_target_sizes(curves, target_n),
        target=target,
        models=models,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        max_train_size=max_train_size,
        random_state=random_state,
        jobs=jobs,
    )
    targets = options.targets
    fits, coverage, notes = _fit_all(curves, options, targets)
    crossover = _crossovers(fits, confidence)
    if notes:
        summary = {"n_notes": len(notes), "first": notes[0].to_dict()}
        warn_note(FitNote(FitNoteCode.FIT_NOTES, summary), stacklevel=2)
    return CurveFits(
        fits=fits,
        crossover=crossover,
        coverage=coverage,
        sample_size=None,
        target_n=tuple(int(n) for n in options.target_n),
        targets=targets,
        headline_metric=HEADLINE_METRIC,
        confidence=float(confidence),
        options=_options_record(options, targets),
        notes=tuple(notes),
    )


def _require_curves(curves) -> LearningCurves:
    """Refuse anything but a :class:`LearningCurves`, saying how to compute one."""
    if not isinstance(curves, LearningCurves):
        raise wrong_input(
            "fit_curves",
            "a LearningCurves",
            curves,
            hint="Compute it with feasibility.learning_curves(dataset).",
        )
    return curves


def _target_sizes(curves: LearningCurves, target_n):
    """``target_n`` as a list, by default the dataset's size and the horizon.

    The horizon is ``HORIZON`` x the largest training size measured: the farthest
    extrapolation validated (see :mod:`feasibility.fit.extrapolation`).

    A list once, because the option check iterates it and a generator would then be used
    up; anything else is left to the check to refuse.
    """
    if target_n is None:
        largest = max(
            (int(c.train_sizes.max()) for c in curves.curves.values() if c.train_sizes.size),
            default=int(curves.n_samples),
        )
        return sorted({int(curves.n_samples), int(HORIZON * largest)})
    if hasattr(target_n, "__iter__") and not isinstance(target_n, str):
        return list(target_n)
    return target_n


def _options_record(options: FitOptions, targets: dict[str, float]) -> dict:
    """The options as the result records them (JSON-safe, targets as a dict)."""
    return {
        "target_n": [int(n) for n in options.target_n],
        "target": targets,
        "models": list(options.models),
        "n_bootstrap": int(options.n_bootstrap),
        "confidence": float(options.confidence),
        "max_train_size": None if options.max_train_size is None else int(options.max_train_size),
        "random_state": int(options.random_state),
    }


def _fit_all(
    curves: LearningCurves, options: FitOptions, targets: dict[str, float]
) -> tuple[dict[str, dict[str, CurveFit]], dict[str, CurveFit], list[FitNote]]:
    """Fit every metric of every formulation, and the softmax formulations' coverage.

    Every curve uses the same bootstrap resamples of the runs (so crossovers are paired).
    Returns (fits, coverage, notes with the curve they are about).
    """
    n_runs = len(curves.runs)
    if n_runs == 0:
        first = next(iter(curves.curves.values()), None)
        n_runs = 0 if first is None else int(first.unseen_labelset_share.shape[0])
    rng = np.random.default_rng(options.random_state)
    boot_rows = rng.integers(0, max(n_runs, 1), size=(options.n_bootstrap, max(n_runs, 1)))
    common = {
        "models": tuple(options.models),
        "boot_rows": boot_rows,
        "confidence": float(options.confidence),
        "max_train_size": options.max_train_size,
        "target_n": [int(n) for n in options.target_n],
    }
    # every curve is its own problem: fitted in parallel, assembled in a fixed order
    tasks = []
    fits: dict[str, dict[str, CurveFit]] = {}
    for formulation in [f for f in FORMULATIONS if f in curves.curves]:
        curve = curves.curves[formulation]
        fits[formulation] = {}
        for metric in [m for m in METRICS if m in curve.scores]:
            tasks.append(
                (
                    formulation,
                    metric,
                    curve.train_sizes,
                    curve.scores[metric],
                    metric not in LOSS_METRICS,
                )
            )
        if formulation != "sigmoid":
            # share of test samples whose labelset was seen in training: a ceiling on the
            # softmax's subset accuracy
            share = 1.0 - np.asarray(curve.unseen_labelset_share, dtype=float)
            tasks.append((formulation, COVERAGE, curve.train_sizes, share, True))
    results = _map(
        functools.partial(_fit_task, targets=targets, common=common), tasks, options.jobs
    )
    notes: list[FitNote] = []
    coverage: dict[str, CurveFit] = {}
    for (formulation, metric, *_), fit in zip(tasks, results):
        if metric == COVERAGE:
            coverage[formulation] = fit
        else:
            fits[formulation][metric] = fit
        notes.extend(about_curve(note, formulation, metric) for note in fit.notes)
    return fits, coverage, notes


def _fit_task(formulation, metric, sizes, values, higher_is_better, *, targets, common):
    """One curve of :func:`_fit_all` (a module-level function: it travels to the workers
    with only its own curve)."""
    return _fit_curve(
        sizes,
        values,
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        target=targets.get(metric),
        **common,
    )


def _map(function, tasks: list[tuple], jobs: int | None) -> list:
    """``function(*task)`` for every task, in joblib's processes when there are several
    cores and tasks (the fits are numpy-bound and independent), in order."""
    from joblib import Parallel, delayed, effective_n_jobs

    n_jobs = min(int(effective_n_jobs(-1 if jobs is None else jobs)), len(tasks))
    if n_jobs <= 1:
        return [function(*task) for task in tasks]
    return Parallel(n_jobs=n_jobs, backend="loky")(delayed(function)(*task) for task in tasks)


def _crossovers(
    fits: dict[str, dict[str, CurveFit]], confidence: float
) -> dict[str, dict[str, Crossover]]:
    """Crossovers of the sigmoid with each softmax formulation, per metric."""
    crossover: dict[str, dict[str, Crossover]] = {}
    for metric in METRICS:
        for first, second in CROSSOVER_PAIRS:
            a, b = fits.get(first, {}).get(metric), fits.get(second, {}).get(metric)
            # no crossover claim from a constant fallback (one measured size)
            if a is None or b is None or a.model in (None, "last1") or b.model in (None, "last1"):
                continue
            crossover.setdefault(metric, {})[f"{first}_vs_{second}"] = _crossover(a, b, confidence)
    return crossover
