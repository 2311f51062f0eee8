"""Fitting one learning curve: the weighted average of the models, its bootstrap, its answers.

:func:`fit_curve` is the public entry for one curve given as arrays;
:func:`~feasibility.fit.fit_curves` calls :func:`_fit_curve` for every formulation and
metric with shared bootstrap resamples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from numbers import Real

import numpy as np
from scipy.stats import spearmanr
from scipy.stats import t as student_t

from .._validation import Interval, is_int, validate_params
from ..errors import invalid_parameter
from .average import bootstrap_members, fit_average
from .bootstrap import _observe, _Observed, expansion_factor, floored_moments, fold_noise_halfwidth
from .derived import with_answers
from .extrapolation import HORIZON, error_scale
from .models import CURVE_MODELS, DEFAULT_MODELS
from .notes import FitNote, FitNoteCode
from .options import FitOptions, check_fit_params
from .results import CurveFit, _param_key
from .status import MEANINGFUL_GAIN

__all__ = ["fit_curve"]


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
    x = obs.sizes / scale
    average = fit_average(x, obs.mean, obs.sigma, models)
    names = average.names
    params = np.concatenate(average.params)
    notes = list(average.notes)
    single = len(names) == 1
    unscaled = {
        _param_key(name, p, len(names)): float(v)
        for name, member in zip(names, average.params, strict=True)
        for p, v in zip(
            CURVE_MODELS[name].param_names, CURVE_MODELS[name].unscale(member, scale), strict=True
        )
    }
    last1 = float(abs(obs.mean[-1] - obs.mean[-2])) if obs.sizes.size >= 2 else math.nan
    run_values = score[:, np.isin(sizes, obs.sizes)]
    boot = np.zeros((0, params.size))
    if n_boot:
        boot = bootstrap_members(average, x, *floored_moments(run_values[boot_rows]))
    n_ok = int(np.isfinite(boot).all(axis=1).sum())
    if n_boot and n_ok < 0.8 * n_boot:
        notes.append(
            FitNote(FitNoteCode.FEW_BOOTSTRAP_REFITS, {"n_converged": n_ok, "n_bootstrap": n_boot})
        )

    fit = CurveFit(
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        model=names[0] if single else "average",
        params=unscaled,
        candidates=average.candidates,
        backtest_error=average.backtest_error,
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
        scaled_params=params,
        bootstrap_params=boot,
        notes=tuple(notes),
        weights=dict(zip(names, (float(w) for w in average.weights), strict=True)),
        # small-sample expansion of the bootstrap, the fold noise of a new measured mean
        expansion=expansion_factor(int(score.shape[0]), confidence),
        noise_halfwidth=fold_noise_halfwidth(
            run_values, obs.count, confidence, int(obs.count.max())
        ),
        confidence=float(confidence),
    )
    standard_error = float(obs.sigma[-1])
    if int(obs.count.max()) < 2:
        # no size has two runs, so no spread was measured (sigma is only a weight):
        # the run's scatter about the fitted curve is its noise
        fit, standard_error = _one_run_noise(fit, obs.mean, confidence)
    if names != ("last1",):
        n = float(obs.sizes[-1])
        gain = float(np.diff(fit.predict_score([n / 2.0, n]))[0])
        fit = replace(fit, error_scale=error_scale(average.backtest_error, gain, standard_error))
    return with_answers(fit, target_n, target, confidence)


def _one_run_noise(
    fit: CurveFit, observed_score: np.ndarray, confidence: float
) -> tuple[CurveFit, float]:
    """A one-run curve with its noise from the residuals about the fit.

    The residuals' degrees of freedom are the sizes less the parameters of the largest
    model in the average, so a curve the models can pass through exactly has none and its
    intervals stay NaN: a single run then says nothing about how far a new one may land.
    A new run's value also carries the fit's own error at that size, about ``p / m`` of
    the noise variance on average over the ``m`` sizes (the mean leverage), hence the
    ``sqrt(1 + p / m)``.
    """
    sizes = fit.train_sizes
    used = [name for name, weight in (fit.weights or {fit.model: 1.0}).items() if weight > 0]
    n_params = max((len(CURVE_MODELS[name].param_names) for name in used), default=1)
    df = sizes.size - n_params
    residuals = fit.predict_score(sizes) - observed_score
    sd = math.sqrt(float(np.sum(residuals**2)) / df) if df >= 1 else math.nan
    widen = math.sqrt(1.0 + n_params / sizes.size)
    halfwidth = float(student_t.ppf(0.5 + confidence / 2.0, max(df, 1))) * sd * widen
    note = FitNote(FitNoteCode.ONE_RUN, {"n_sizes": int(sizes.size), "n_params": n_params})
    return replace(fit, noise_halfwidth=halfwidth, notes=(*fit.notes, note)), sd


#: Rank correlation of the score with the size at or below which a curve "falls".
FALLING_RANK_CORRELATION = -0.8

_CURVE_CONSTRAINTS = {
    "higher_is_better": [bool],
    "target": [None, Interval(Real, 0, 1, closed="neither")],
}


def _shown(value, limit: int = 8):
    """A long array-like cut to its first ``limit`` items for an error message."""
    try:
        items = list(np.asarray(value).ravel().tolist())
    except (TypeError, ValueError):
        return value
    return items if len(items) <= limit else [*items[:limit], "..."]


def _checked_curve(train_sizes, scores, max_train_size) -> tuple[np.ndarray, np.ndarray]:
    """``fit_curve``'s curve as arrays, or a ParameterError naming what is wrong with it."""
    owner = "fit_curve"
    arrays = {}
    for name, value in (("train_sizes", train_sizes), ("scores", scores)):
        try:
            arrays[name] = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise invalid_parameter(name, owner, "a numeric array", _shown(value)) from None
    sizes, values = arrays["train_sizes"], np.atleast_2d(arrays["scores"])
    whole = sizes.ndim == 1 and np.isfinite(sizes).all() and (sizes == np.round(sizes)).all()
    sane = whole and sizes.size and 1 <= sizes.min() and sizes.max() <= 1e18
    if not (sane and (np.diff(sizes) > 0).all()):
        expected = (
            "a non-empty 1-D array of increasing whole numbers in [1, 1e18] (training samples; "
            "sort the columns of scores with them)"
        )
        raise invalid_parameter("train_sizes", owner, expected, _shown(train_sizes))
    if values.ndim != 2 or values.shape[1] != sizes.size:
        expected = f"an array of shape (n_runs, {sizes.size})"
        raise invalid_parameter("scores", owner, expected, values.shape)
    outside = ~np.isnan(values) & ~((values >= 0.0) & (values <= 1.0))
    if outside.any():
        run, column = (int(i[0]) for i in np.nonzero(outside))
        expected = (
            "within [0, 1] or NaN (an accuracy-like score, or a loss bounded by 1 with "
            f"higher_is_better=False; rescale others); run {run} at size {int(sizes[column])} is not"
        )
        raise invalid_parameter("scores", owner, expected, float(values[run, column]))
    if max_train_size is not None and is_int(max_train_size) and max_train_size < sizes[0]:
        expected = f"at least the smallest training size ({int(sizes[0])}), or None"
        raise invalid_parameter("max_train_size", owner, expected, max_train_size)
    return sizes.astype(np.int64), values


def fit_curve(
    train_sizes,
    scores,
    *,
    higher_is_better: bool = True,
    models: Sequence[str] = DEFAULT_MODELS,
    n_bootstrap: int = FitOptions.n_bootstrap,
    confidence: float = FitOptions.confidence,
    max_train_size: int | None = None,
    target_n: Sequence[int] = (),
    target: float | None = None,
    random_state: int = FitOptions.random_state,
    metric: str = "score",
    formulation: str = "",
) -> CurveFit:
    """Fit one measured learning curve: average the models, bootstrap it, derive the answers.

    See :mod:`feasibility.fit` for the procedure; ``at_target`` and ``band`` are
    prediction intervals of a new mean over the runs, calibrated beyond the data on real
    learning curves (LCDB 1.0).

    Parameters
    ----------
    train_sizes : array-like of shape (n_sizes,)
        Increasing training sizes, whole numbers >= 1.
    scores : array-like of shape (n_runs, n_sizes)
        Metric per run (outer fold of a repeat) and size, within [0, 1]; NaN where a job
        was not run. One run (or a 1-D array) works: its noise is then estimated from its
        scatter about the fitted curve (note ``one_run``), and with fewer than 4 sizes its
        intervals are NaN.
    higher_is_better : bool, default=True
        False for a loss (fitted as ``1 - loss``).
    models : sequence of str
        Models averaged, among ``CURVE_MODELS`` (default: pow3, pow4, mmf4).
    n_bootstrap : int, default=200
        Bootstrap resamples of the runs; 0 skips them (faster): the intervals then hold
        the run-to-run noise and the calibrated extrapolation error, without the spread
        of refits on resampled runs.
    confidence : float, default=0.90
        Coverage of the intervals.
    max_train_size : int, optional
        Use only sizes <= this (to backtest the extrapolation).
    target_n : int or sequence of int
        Sizes at which to report the metric. Past ``HORIZON`` (10) times the largest
        training size the interval is not validated: the result then carries the note
        ``target_beyond_horizon``, and such a number should not drive a decision.
    target : float, optional
        Metric value in (0, 1) whose sample size is wanted; None: the size from which a doubling of
        the data gains less than 0.01 ("flattening").
    random_state : int, default=0
    metric, formulation : str
        Names recorded in the result.

    Returns
    -------
    CurveFit

    Raises
    ------
    ParameterError
        For sizes that are not increasing whole numbers >= 1, scores of another shape or
        outside [0, 1] (NaN aside), and any option out of range, naming the parameter.

    Examples
    --------
    >>> sizes = np.array([50, 100, 200, 400, 800])
    >>> truth = 0.8 - 1.5 * sizes ** -0.5
    >>> fit = fit_curve(sizes, np.tile(truth, (3, 1)), n_bootstrap=0, target_n=[8000])
    >>> fit.model, sorted(fit.weights), round(fit.at_target[8000].estimate, 2)
    ('average', ['mmf4', 'pow3', 'pow4'], 0.78)
    """
    owner = "fit_curve"
    train_sizes, scores = _checked_curve(train_sizes, scores, max_train_size)
    if is_int(target_n):
        target_n = [target_n]  # one size asked for
    options = {"models": models, "n_bootstrap": n_bootstrap, "confidence": confidence}
    check_fit_params({**options, "max_train_size": max_train_size, "target_n": target_n}, owner)
    target_n = [int(n) for n in target_n]
    validate_params(
        {"higher_is_better": higher_is_better, "target": target}, _CURVE_CONSTRAINTS, owner=owner
    )
    rng = np.random.default_rng(random_state)
    boot_rows = rng.integers(0, scores.shape[0], size=(n_bootstrap, scores.shape[0]))
    fit = _fit_curve(
        train_sizes,
        scores,
        formulation=formulation,
        metric=metric,
        higher_is_better=higher_is_better,
        models=models,
        boot_rows=boot_rows,
        confidence=confidence,
        max_train_size=max_train_size,
        target_n=target_n,
        target=target,
    )
    return _flag_falling(_flag_beyond_horizon(fit, target_n))


def _flag_falling(fit: CurveFit) -> CurveFit:
    """``fit`` with a note when its measured score falls steadily as the data grows.

    The models only rise (or stay flat), so such a curve is fitted flat at its end; the
    usual cause is a loss passed with ``higher_is_better=True`` (or the reverse).
    """
    score = fit.observed if fit.higher_is_better else 1.0 - fit.observed
    if score.size < 3:
        return fit
    falls = spearmanr(np.arange(score.size), score).statistic <= FALLING_RANK_CORRELATION
    drop = float(score[0] - score[-1])
    noise = fit.noise_halfwidth if math.isfinite(fit.noise_halfwidth) else 0.0
    if not (falls and drop > max(noise, MEANINGFUL_GAIN)):
        return fit
    values = {
        "first": float(fit.observed[0]),
        "last": float(fit.observed[-1]),
        "higher_is_better": bool(fit.higher_is_better),
    }
    return replace(fit, notes=(*fit.notes, FitNote(FitNoteCode.FALLING, values)))


def _flag_beyond_horizon(fit: CurveFit, target_n: list[int]) -> CurveFit:
    """``fit`` with a note naming the sizes asked for past the validated horizon, if any."""
    beyond = [n for n in target_n if fit.n_current and n > HORIZON * fit.n_current]
    if not beyond:
        return fit
    limit = int(HORIZON * fit.n_current)
    note = FitNote(FitNoteCode.TARGET_BEYOND_HORIZON, {"sizes": beyond, "limit": limit})
    return replace(fit, notes=(*fit.notes, note))
