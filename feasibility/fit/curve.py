"""Fitting one learning curve: model selection by backtest, bootstrap, interval widths.

:func:`fit_curve` is the public entry for one curve given as arrays;
:func:`~feasibility.fit.fit_curves` calls :func:`_fit_curve` for every formulation and
metric with shared bootstrap resamples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..errors import invalid_parameter
from .bootstrap import (
    Selection,
    _observe,
    _Observed,
    bootstrap_refits,
    calibration_factor,
    expansion_factor,
    fold_noise_halfwidth,
)
from .derived import with_answers
from .models import CURVE_MODELS, MODEL_NAMES, predict
from .notes import FitNote, FitNoteCode
from .options import FitOptions, check_fit_params
from .results import CurveFit
from .solver import least_squares_fit

__all__ = ["fit_curve"]


def _select_and_fit(obs: _Observed, scale: float, models: Sequence[str]) -> Selection:
    """Choose a model by leave-last-point-out error and fit it to all sizes.

    Also keeps the leave-last-point-out params of every candidate that converged
    (starts for the bootstrap's own selection; empty with fewer than 3 sizes). With 2
    sizes log2 goes through both; with 1 size (or when nothing converges) the curve is
    the last observed value (``last1``).
    """
    notes: list[FitNote] = []
    x = obs.sizes / scale
    m = obs.sizes.size
    candidates: dict[str, float] = {}
    backtest_params: dict[str, np.ndarray] = {}
    if m >= 3:
        x_fit, y_fit, s_fit = x[:-1], obs.mean[:-1], obs.sigma[:-1]
        for name in models:
            model = CURVE_MODELS[name]
            if model.n_params > m - 1:
                continue
            params = least_squares_fit(model, x_fit, y_fit, s_fit, model.starts(x_fit, y_fit))
            if params is not None:
                backtest_params[name] = params
            candidates[name] = (
                math.nan
                if params is None
                else float(abs(predict(model, params, x[-1:])[0] - obs.mean[-1]))
            )
        ranked = sorted(
            (error, MODEL_NAMES.index(name) if name in MODEL_NAMES else 99, name)
            for name, error in candidates.items()
            if np.isfinite(error)
        )
        for error, _, name in ranked:
            model = CURVE_MODELS[name]
            params = least_squares_fit(
                model, x, obs.mean, obs.sigma, model.starts(x, obs.mean), polish=True
            )
            if params is not None:
                return Selection(name, params, candidates, error, notes, backtest_params)
            notes.append(FitNote(FitNoteCode.MODEL_NOT_CONVERGED, {"model": name}))
        notes.append(FitNote(FitNoteCode.NO_MODEL_CONVERGED))
    elif m == 2:
        model = CURVE_MODELS["log2"]
        params = least_squares_fit(
            model, x, obs.mean, obs.sigma, model.starts(x, obs.mean), polish=True
        )
        if params is not None:
            notes.append(FitNote(FitNoteCode.TWO_SIZES))
            return Selection("log2", params, candidates, math.nan, notes, backtest_params)
        notes.append(FitNote(FitNoteCode.TWO_SIZES_NOT_CONVERGED))
    else:
        notes.append(FitNote(FitNoteCode.ONE_SIZE))
    return Selection(
        "last1", np.array([float(obs.mean[-1])]), candidates, math.nan, notes, backtest_params
    )


def _empty_fit(
    formulation: str, metric: str, higher_is_better: bool, obs: _Observed, n_boot: int
) -> CurveFit:
    """The fit of a curve without any measured size: nothing to fit, nothing derived."""
    return CurveFit(
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        model=None,
        params={},
        candidates={},
        backtest_error=math.nan,
        last1_error=math.nan,
        train_sizes=obs.sizes,
        observed=obs.mean,
        n_runs=obs.count,
        at_target={},
        samples_needed=None,
        slope=None,
        band=None,
        n_bootstrap=0,
        scale=1.0,
        scaled_params=np.zeros(0),
        bootstrap_params=np.zeros((n_boot, 0)),
        notes=(FitNote(FitNoteCode.NO_SIZE),),
    )


def _fit_curve(
    sizes: np.ndarray,
    values: np.ndarray,
    *,
    formulation: str,
    metric: str,
    higher_is_better: bool,
    models: Sequence[str],
    boot_rows: np.ndarray,
    confidence: float,
    max_train_size: int | None,
    target_n: Sequence[int],
    target: float | None,
) -> CurveFit:
    sizes = np.asarray(sizes, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if max_train_size is not None:
        keep = sizes <= max_train_size
        sizes, values = sizes[keep], values[:, keep]
    score = values if higher_is_better else 1.0 - values
    obs = _observe(score, sizes)
    n_boot = boot_rows.shape[0]
    if obs.sizes.size == 0:
        return _empty_fit(formulation, metric, higher_is_better, obs, n_boot)
    scale = float(obs.sizes[-1])
    selection = _select_and_fit(obs, scale, models)
    name, params, notes = selection.name, selection.params, selection.notes
    model = CURVE_MODELS[name]
    last1 = float(abs(obs.mean[-1] - obs.mean[-2])) if obs.sizes.size >= 2 else math.nan
    x = obs.sizes / scale
    run_values = score[:, np.isin(sizes, obs.sizes)]
    boot_models, boot, held_out = bootstrap_refits(run_values, boot_rows, x, selection)
    n_ok = int(np.sum(boot_models != ""))
    if n_boot and n_ok < 0.8 * n_boot:
        notes.append(
            FitNote(FitNoteCode.FEW_BOOTSTRAP_REFITS, {"n_converged": n_ok, "n_bootstrap": n_boot})
        )

    # Prediction interval of a new fold mean: small-sample expansion of the bootstrap,
    # the fold noise of the measured mean, and the calibration by the backtest.
    expansion = expansion_factor(int(score.shape[0]), confidence)
    noise = fold_noise_halfwidth(run_values, obs.count, confidence, int(obs.count.max()))
    calibration = 1.0
    if (
        n_boot
        and obs.sizes.size >= 3
        and name in selection.backtest_params
        and np.isfinite(held_out).any()
    ):
        calibration = calibration_factor(
            float(obs.mean[-1]),
            float(predict(model, selection.backtest_params[name], x[-1:])[0]),
            held_out,
            confidence=confidence,
            expansion=expansion,
            noise_halfwidth=fold_noise_halfwidth(
                run_values[:, :-1], obs.count[:-1], confidence, int(obs.count[-1])
            ),
        )

    fit = CurveFit(
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        model=name,
        params=dict(zip(model.param_names, (float(v) for v in model.unscale(params, scale)))),
        candidates=selection.candidates,
        backtest_error=selection.backtest_error,
        last1_error=last1,
        train_sizes=obs.sizes,
        observed=obs.mean if higher_is_better else 1.0 - obs.mean,
        n_runs=obs.count,
        at_target={},
        samples_needed=None,
        slope=None,
        band=None,
        n_bootstrap=n_ok,
        scale=scale,
        scaled_params=np.asarray(params, dtype=float),
        bootstrap_params=boot,
        notes=tuple(notes),
        bootstrap_models=tuple(str(v) for v in boot_models),
        noise_halfwidth=noise,
        expansion=expansion,
        calibration=calibration,
        confidence=float(confidence),
    )
    return with_answers(fit, target_n, target, confidence)


def fit_curve(
    train_sizes,
    scores,
    *,
    higher_is_better: bool = True,
    models: Sequence[str] = MODEL_NAMES,
    n_bootstrap: int = FitOptions.n_bootstrap,
    confidence: float = FitOptions.confidence,
    max_train_size: int | None = None,
    target_n: Sequence[int] = (),
    target: float | None = None,
    random_state: int = FitOptions.random_state,
    metric: str = "score",
    formulation: str = "",
) -> CurveFit:
    """Fit one measured learning curve: select a model, bootstrap it, derive the answers.

    See :func:`~feasibility.fit.fit_curves` for the procedure; ``at_target`` and ``band``
    are prediction intervals of a new mean over the runs.

    Parameters
    ----------
    train_sizes : array-like of shape (n_sizes,)
        Increasing training sizes.
    scores : array-like of shape (n_runs, n_sizes)
        Metric per run (outer fold of a repeat) and size; NaN where a job was not run.
    higher_is_better : bool, default=True
        False for a loss (fitted as ``1 - loss``).
    models : sequence of str
        Candidate models among ``CURVE_MODELS`` (default: pow3, exp3, log2, mmf4, wbl4).
    n_bootstrap : int, default=200
        Bootstrap resamples of the runs; 0 gives point estimates without intervals.
    confidence : float, default=0.90
        Coverage of the intervals.
    max_train_size : int, optional
        Use only sizes <= this (to backtest the extrapolation).
    target_n : sequence of int
        Sizes at which to report the metric.
    target : float, optional
        Metric value whose sample size is wanted; None: the size at which the curve comes
        within 5% of its fitted asymptote ("saturation").
    random_state : int, default=0
    metric, formulation : str
        Names recorded in the result.

    Returns
    -------
    CurveFit

    Examples
    --------
    >>> sizes = np.array([50, 100, 200, 400, 800])
    >>> truth = 0.8 - 1.5 * sizes ** -0.5
    >>> fit = fit_curve(sizes, np.tile(truth, (3, 1)), n_bootstrap=0, target_n=[8000])
    >>> fit.model, round(fit.at_target[8000].estimate, 3)
    ('pow3', 0.783)
    """
    owner = "fit_curve"
    train_sizes = np.asarray(train_sizes)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if train_sizes.ndim != 1 or scores.shape[1] != train_sizes.size:
        raise invalid_parameter(
            "scores", owner, f"an array of shape (n_runs, {train_sizes.size})", scores.shape
        )
    target_n = list(target_n)
    check_fit_params(
        {
            "models": models,
            "n_bootstrap": n_bootstrap,
            "confidence": confidence,
            "max_train_size": max_train_size,
            "target_n": target_n,
        },
        owner,
    )
    rng = np.random.default_rng(random_state)
    boot_rows = rng.integers(0, scores.shape[0], size=(n_bootstrap, scores.shape[0]))
    return _fit_curve(
        train_sizes,
        scores,
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        models=models,
        boot_rows=boot_rows,
        confidence=confidence,
        max_train_size=max_train_size,
        target_n=[int(n) for n in target_n],
        target=target,
    )
