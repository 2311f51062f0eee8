"""The uncertainty of a fitted curve: weights, the bootstrap over runs and interval widths.

- :func:`floored_moments` / :func:`_observe`: mean, floored standard error (the fit's weights)
  and run count per size;
- :func:`bootstrap_refits`: the whole fit redone on resampled runs, the model selection
  included (:func:`_bootstrap_select`);
- :func:`expansion_factor`, :func:`fold_noise_halfwidth`, :func:`calibration_factor` and
  :func:`_prediction_bounds`: the prediction interval of a new fold mean built from the
  bootstrap curves (see the :mod:`feasibility.fit` docstring for how they combine).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

from .._stats import percentile_interval
from ..curves import size_moments
from .models import CURVE_MODELS, MODEL_NAMES, predict
from .notes import FitNote
from .solver import BOOTSTRAP_LM, lm_batch
from .status import EPS

__all__ = [
    "Selection",
    "bootstrap_refits",
    "calibration_factor",
    "expansion_factor",
    "floored_moments",
    "fold_noise_halfwidth",
]

_SIGMA_ABS_FLOOR = 1e-3


@dataclass(frozen=True, eq=False)
class _Observed:
    sizes: np.ndarray  # (m,) int64, sizes with at least one finite value
    mean: np.ndarray  # (m,) score space
    sigma: np.ndarray  # (m,) standard error of the mean, floored
    count: np.ndarray  # (m,) runs that contributed


@dataclass(frozen=True, eq=False)
class Selection:
    """The model chosen on the data, its fit, and what the bootstrap starts from."""

    name: str
    params: np.ndarray  # scaled params of ``name`` fitted to all sizes
    candidates: dict[str, float]  # model -> leave-last-point-out abs error (NaN: not fitted)
    backtest_error: float  # of ``name`` (NaN when fewer than 3 sizes)
    notes: list[FitNote]
    # leave-last-point-out params of every candidate that converged (empty below 3 sizes)
    backtest_params: dict[str, np.ndarray]


def floored_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, floored standard error and run count per size for a stack of run matrices.

    The mean and standard deviation of each run matrix are the curves' own per-size
    moments (:func:`feasibility.curves.size_moments`, what the report shows). A size no
    run reached gets mean NaN and sigma inf. The standard error is floored at a quarter of
    the median standard error of its row (and 1e-3) so that a size where every fold
    happened to score the same (e.g. subset accuracy 0 on tiny training sets) does not
    dominate the weights; a size seen by one run only gets the row's largest standard
    error; a row with no standard error at all (one run) weighs every size equally.

    Parameters
    ----------
    values : ndarray of shape (B, n_runs, n_sizes)
        B run matrices in score space; NaN cells (runs that did not reach a size) are
        ignored.

    Returns
    -------
    mean, sigma, count : ndarray of shape (B, n_sizes)
        Mean over the runs, its floored standard error (the fit's weights are
        ``1 / sigma``) and the number of runs per size.

    See Also
    --------
    feasibility.curves.size_moments : the plain mean, standard deviation and count.

    Examples
    --------
    The first size scored 0 in every run: its standard error of 0 is floored.

    >>> values = np.array([[[0.0, 0.1, 0.2], [0.0, 0.3, 0.2], [0.0, 0.2, 0.5]]])
    >>> mean, sigma, count = floored_moments(values)
    >>> mean.round(3).tolist(), sigma.round(3).tolist(), count.tolist()
    ([[0.0, 0.2, 0.3]], [[0.014, 0.058, 0.1]], [[3, 3, 3]])
    """
    # size_moments reduces over its first axis: move the runs there for the whole stack
    mean, std, count = size_moments(np.moveaxis(values, 1, 0))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        se = np.where(count >= 2, std / np.sqrt(np.maximum(count, 1)), np.nan)
        floor = np.maximum(_SIGMA_ABS_FLOOR, 0.25 * np.nanmedian(se, axis=1))
        largest = np.nanmax(se, axis=1)
    no_se = ~np.isfinite(floor)
    floor[no_se], largest[no_se] = 1.0, 1.0
    sigma = np.maximum(np.where(np.isfinite(se), se, largest[:, None]), floor[:, None])
    sigma[count == 0] = np.inf
    return mean, sigma, count


def _observe(values: np.ndarray, sizes: np.ndarray) -> _Observed:
    """Mean over the available runs per size (see :func:`floored_moments`); empty sizes dropped."""
    mean, sigma, count = (a[0] for a in floored_moments(values[None]))
    keep = count > 0
    return _Observed(
        sizes=np.asarray(sizes)[keep].astype(np.int64),
        mean=mean[keep],
        sigma=sigma[keep],
        count=count[keep].astype(np.int64),
    )


def expansion_factor(n_runs: int, confidence: float) -> float:
    """Factor that widens bootstrap deviations computed from only ``n_runs`` resampled runs.

    The bootstrap of a mean of ``R`` runs has variance ``(R - 1) / R`` times the usual
    estimate, and normal quantiles ignore that the spread itself is estimated from ``R``
    values. Hesterberg's expanded percentile interval (Hesterberg 2015, "What teachers
    should know about the bootstrap", The American Statistician 69(4)) corrects both by
    ``sqrt(R / (R - 1)) * t_{R-1} / z``; applied here to the deviations from the point
    estimate (stabler than moving to the extreme percentiles of 200 replicates).

    Parameters
    ----------
    n_runs : int
        Runs the bootstrap resamples (``R``).
    confidence : float
        Two-sided coverage of the interval, in (0, 1).

    Returns
    -------
    float
        The factor (> 1, tending to 1 as ``n_runs`` grows); 1 when there is no spread to
        correct (fewer than 2 runs).

    Examples
    --------
    >>> round(expansion_factor(5, 0.90), 4), expansion_factor(1, 0.90)
    (1.4491, 1.0)
    """
    if n_runs < 2:
        return 1.0
    q = 0.5 + confidence / 2.0
    return float(math.sqrt(n_runs / (n_runs - 1)) * student_t.ppf(q, n_runs - 1) / norm.ppf(q))


def fold_noise_halfwidth(
    score: np.ndarray, count: np.ndarray, confidence: float, n_runs: int
) -> float:
    """Half-width of the fold-to-fold noise of one mean over ``n_runs`` new runs.

    The measured value at a target size is itself a mean over runs, so a prediction
    interval must add its noise to the uncertainty of the curve (the usual
    ``se_fit^2 + sigma^2`` of a regression prediction interval). The run-to-run variance
    is pooled over the larger half of the sizes: the sizes nearest the targets; the
    spread usually shrinks as the training set grows, so using smaller sizes errs on the
    wide side. The quantile is Student's t with the pooled degrees of freedom.

    Parameters
    ----------
    score : ndarray of shape (n_measured_runs, m)
        Run values in score space, columns in increasing size; NaN where a run did not
        reach a size.
    count : ndarray of shape (m,)
        Runs that reached each size.
    confidence : float
        Two-sided coverage, in (0, 1).
    n_runs : int
        Runs in the new mean whose noise is wanted.

    Returns
    -------
    float
        The half-width in score space; 0 without any spread (no size with 2 runs, or
        ``n_runs`` below 1).

    Examples
    --------
    The larger half is the last 2 sizes: variances 0.0004 and 0.0012 with 2 degrees of
    freedom each pool to 0.0008, and ``t_{0.95, 4} * sqrt(0.0008 / 5)`` is 0.027.

    >>> score = np.array([[0.50, 0.60, 0.70], [0.52, 0.64, 0.70], [0.54, 0.62, 0.76]])
    >>> round(fold_noise_halfwidth(score, np.array([3, 3, 3]), 0.90, 5), 4)
    0.027
    """
    m = score.shape[1]
    tail = score[:, m - (m + 1) // 2 :]
    df_per_size = np.maximum(count[m - (m + 1) // 2 :] - 1, 0)
    df = int(df_per_size.sum())
    if df == 0 or n_runs < 1:
        return 0.0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        variance = np.where(df_per_size > 0, np.nanvar(tail, axis=0, ddof=1), 0.0)
    pooled = float(np.sum(df_per_size * variance) / df)
    q = student_t.ppf(0.5 + confidence / 2.0, df)
    return float(q * math.sqrt(pooled / n_runs))


def _prediction_bounds(
    point: np.ndarray,
    boot: np.ndarray,
    *,
    confidence: float,
    expansion: float,
    noise_halfwidth: float,
    calibration: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Prediction interval (score space) of a new fold mean around the fitted ``point``.

    ``boot`` is (B, G) bootstrap curves (NaN rows ignored). Per side, the percentile of
    the deviations from ``point`` (widened by ``expansion``) is combined in quadrature
    with the noise of a new fold mean (``noise_halfwidth``), then multiplied by
    ``calibration`` (>= 1, from the backtest). Ends are clipped to [0, 1]; NaN when no
    replicate is usable.
    """
    point = np.asarray(point, dtype=float)
    deviations = np.asarray(boot, dtype=float) - point[None, :]
    usable = ~np.isnan(deviations).all(axis=1)
    if not usable.any():
        return np.full(point.shape, np.nan), np.full(point.shape, np.nan)
    below, above = percentile_interval(deviations[usable], confidence, axis=0)
    below = expansion * np.maximum(-np.nan_to_num(below), 0.0)
    above = expansion * np.maximum(np.nan_to_num(above), 0.0)
    low = point - calibration * np.hypot(below, noise_halfwidth)
    high = point + calibration * np.hypot(above, noise_halfwidth)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def calibration_factor(
    observed: float,
    point: float,
    held_out: np.ndarray,
    *,
    confidence: float,
    expansion: float,
    noise_halfwidth: float,
) -> float:
    """Widening factor (>= 1) so the backtest's band would have covered the held-out size.

    The backtest fits the sizes without the largest and predicts it (``point``, the
    selected model; ``held_out`` the same prediction per bootstrap replicate, each with
    its own model selection). If the observed mean there lies outside that prediction
    interval, every interval is widened by the ratio of the observed error to the
    half-width on its side, so that the interval would have just reached it. This
    carries the user's own extrapolation error over to larger distances (the bootstrap
    half-widths already grow with distance); it only ever widens, since one held-out
    point cannot show that a band is too wide.

    Parameters
    ----------
    observed : float
        Mean measured at the largest size, in score space (NaN: no calibration).
    point : float
        The backtest's prediction of it by the selected model.
    held_out : ndarray of shape (B,)
        The same prediction per bootstrap replicate (NaN rows ignored).
    confidence : float
        Two-sided coverage of the interval, in (0, 1).
    expansion : float
        Small-sample widening of the bootstrap deviations (:func:`expansion_factor`).
    noise_halfwidth : float
        Fold noise of the measured mean (:func:`fold_noise_halfwidth`).

    Returns
    -------
    float
        The ratio of the observed error to the backtest's half-width on its side when
        the error is larger, else 1.

    Examples
    --------
    The half-width is ``hypot(0.018, 0.024) = 0.03``: an error of 0.1 needs 0.1 / 0.03,
    an error of 0.02 needs nothing.

    >>> held_out = 0.6 + np.linspace(-0.02, 0.02, 201)
    >>> options = {"confidence": 0.90, "expansion": 1.0, "noise_halfwidth": 0.024}
    >>> round(calibration_factor(0.70, 0.6, held_out, **options), 4)
    3.3333
    >>> calibration_factor(0.62, 0.6, held_out, **options)
    1.0
    """
    if not (np.isfinite(observed) and np.isfinite(point)):
        return 1.0
    low, high = _prediction_bounds(
        np.array([point]),
        np.asarray(held_out, dtype=float)[:, None],
        confidence=confidence,
        expansion=expansion,
        noise_halfwidth=noise_halfwidth,
        calibration=1.0,
    )
    error = observed - point
    half = (high[0] - point) if error > 0 else (point - low[0])
    if not np.isfinite(half) or abs(error) <= half:
        return 1.0
    if half <= EPS:
        return 1.0
    return float(abs(error) / half)


def _bootstrap_select(
    x: np.ndarray,
    mean_b: np.ndarray,
    sigma_b: np.ndarray,
    count_b: np.ndarray,
    names: Sequence[str],
    backtest_params: dict[str, np.ndarray],
    selected: str,
    selected_params: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Redo the model selection in every bootstrap replicate, then refit the chosen model.

    Each replicate (row of ``mean_b``) fits every candidate without its largest size,
    keeps the one that predicts that size best (ties: fewer parameters first, as on the
    data) and refits it to all sizes, so the replicates vary in model as well as in
    parameters: the spread of the bootstrap curves includes the uncertainty of the
    selection, which a bootstrap of the selected model alone misses. A replicate without
    a measurement at the largest size keeps the model selected on the data.

    Returns (model name per row, "" when the refit failed; params (B, k_max) NaN-padded;
    the backtest prediction of the largest size per row, NaN when unavailable).
    """
    n_rows, m = mean_b.shape
    weights = np.where(np.isfinite(sigma_b) & (count_b > 0), 1.0 / sigma_b, 0.0)
    targets = np.where(count_b > 0, mean_b, 0.0)
    held_weights = weights.copy()
    held_weights[:, -1] = 0.0
    errors = np.full((n_rows, len(names)), np.inf)
    predictions = np.full((n_rows, len(names)), np.nan)
    sizes_before = (count_b[:, :-1] > 0).sum(axis=1)
    for j, name in enumerate(names):
        model = CURVE_MODELS[name]
        fitted, cost = lm_batch(
            model,
            x,
            targets,
            held_weights,
            np.tile(backtest_params[name], (n_rows, 1)),
            **BOOTSTRAP_LM,
        )
        ok = np.isfinite(cost) & (sizes_before >= model.n_params)
        predictions[ok, j] = predict(model, fitted[ok], x[-1:])[:, 0]
        errors[ok, j] = np.abs(predictions[ok, j] - mean_b[ok, -1])
    errors[~np.isfinite(errors)] = np.inf
    choice = np.argmin(errors, axis=1)
    fallback = ~np.isfinite(errors[np.arange(n_rows), choice]) | (count_b[:, -1] == 0)
    chosen = np.array(names, dtype=object)[choice]
    chosen[fallback] = selected
    held_out = predictions[np.arange(n_rows), choice]
    if selected in names:
        held_out[fallback] = predictions[fallback, list(names).index(selected)]
    else:
        held_out[fallback] = np.nan

    k_max = max(CURVE_MODELS[name].n_params for name in (*names, selected))
    params = np.full((n_rows, k_max), np.nan)
    models_out = np.full(n_rows, "", dtype=object)
    for name in np.unique(chosen.astype(str)):
        model = CURVE_MODELS[name]
        rows = np.flatnonzero(chosen == name)
        rows = rows[(count_b[rows] > 0).sum(axis=1) >= model.n_params]
        if rows.size == 0:
            continue
        start = selected_params if name == selected else backtest_params[name]
        fitted, cost = lm_batch(
            model, x, targets[rows], weights[rows], np.tile(start, (rows.size, 1)), **BOOTSTRAP_LM
        )
        good = np.isfinite(cost) & np.isfinite(fitted).all(axis=1)
        params[rows[good], : model.n_params] = fitted[good]
        models_out[rows[good]] = name
    return models_out.astype(str), params, held_out


def bootstrap_refits(
    score: np.ndarray, boot_rows: np.ndarray, x: np.ndarray, selection: Selection
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refit the curve on every bootstrap resample of the runs.

    Whole rows (folds) are resampled (``boot_rows``, (B, n_runs) indices), the means and
    weights recomputed, and the whole procedure redone in every replicate -- the model
    selection included, when there is one -- so that the spread covers the choice of
    model too. ``score`` is (n_runs, m) in score space on the measured sizes ``x``
    (scaled). A ``last1`` curve takes each replicate's last measured mean.

    Returns (model name per row, "" when the refit failed; params (B, k) NaN where it
    failed; the backtest prediction of the largest size per row, NaN when unavailable).
    """
    model = CURVE_MODELS[selection.name]
    n_boot, n_sizes = boot_rows.shape[0], score.shape[1]
    boot = np.full((n_boot, model.n_params), np.nan)
    boot_models = np.full(n_boot, "", dtype=object)
    held_out = np.full(n_boot, np.nan)
    names = [n for n in MODEL_NAMES if n in selection.backtest_params]
    if not n_boot:
        return boot_models, boot, held_out
    mean_b, sigma_b, count_b = floored_moments(score[boot_rows])
    available = (count_b > 0).sum(axis=1)
    if selection.name == "last1":
        last = np.where(count_b > 0, np.arange(n_sizes)[None, :], -1).max(axis=1)
        usable = last >= 0
        boot[usable, 0] = mean_b[usable, last[usable]]
        boot_models[usable] = selection.name
    elif names and n_sizes >= 3:
        boot_models, boot, held_out = _bootstrap_select(
            x,
            mean_b,
            sigma_b,
            count_b,
            names,
            selection.backtest_params,
            selection.name,
            selection.params,
        )
    else:
        usable = available >= min(model.n_params, n_sizes)
        if usable.any():
            weights = np.where(np.isfinite(sigma_b[usable]), 1.0 / sigma_b[usable], 0.0)
            targets = np.where(count_b[usable] > 0, mean_b[usable], 0.0)
            start = np.tile(selection.params, (int(usable.sum()), 1))
            found, cost = lm_batch(model, x, targets, weights, start, **BOOTSTRAP_LM)
            found[~np.isfinite(cost)] = np.nan
            boot[usable] = found
            boot_models[usable] = np.where(np.isfinite(found).all(axis=1), selection.name, "")
    return boot_models, boot, held_out
