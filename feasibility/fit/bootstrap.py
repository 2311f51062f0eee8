"""The sampling uncertainty of a fitted curve: weights, and interval widths from the bootstrap.

- :func:`floored_moments` / :func:`_observe`: mean, floored standard error (the fit's weights)
  and run count per size;
- :func:`expansion_factor`, :func:`fold_noise_halfwidth` and :func:`_prediction_bounds`: the
  prediction interval of a new fold mean built from the bootstrap curves (the refits are
  :func:`feasibility.fit.average.bootstrap_members`; see the :mod:`feasibility.fit`
  docstring for how this interval and the calibrated one combine).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

from .._stats import percentile_interval
from ..curves import size_moments

__all__ = ["expansion_factor", "floored_moments", "fold_noise_halfwidth"]

_SIGMA_ABS_FLOOR = 1e-3


@dataclass(frozen=True, eq=False)
class _Observed:
    sizes: np.ndarray  # (m,) int64, sizes with at least one finite value
    mean: np.ndarray  # (m,) score space
    sigma: np.ndarray  # (m,) standard error of the mean, floored
    count: np.ndarray  # (m,) runs that contributed


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
) -> tuple[np.ndarray, np.ndarray]:
    """Prediction interval (score space) of a new fold mean around the fitted ``point``.

    ``boot`` is (B, G) bootstrap curves (NaN rows ignored). Per side, the percentile of
    the deviations from ``point`` (widened by ``expansion``) is combined in quadrature
    with the noise of a new fold mean (``noise_halfwidth``). Ends are clipped to [0, 1];
    NaN when no replicate is usable.
    """
    point = np.asarray(point, dtype=float)
    deviations = np.asarray(boot, dtype=float) - point[None, :]
    usable = ~np.isnan(deviations).all(axis=1)
    if not usable.any():
        return np.full(point.shape, np.nan), np.full(point.shape, np.nan)
    below, above = percentile_interval(deviations[usable], confidence, axis=0)
    below = expansion * np.maximum(-np.nan_to_num(below), 0.0)
    above = expansion * np.maximum(np.nan_to_num(above), 0.0)
    low = point - np.hypot(below, noise_halfwidth)
    high = point + np.hypot(above, noise_halfwidth)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
