"""What follows from a fitted curve: the metric at target sizes, samples needed, slope, crossover.

Intervals of the metric itself (``at_target``, ``band``) are prediction intervals of a new
fold mean (:meth:`~feasibility.fit.CurveFit.prediction_interval`); samples needed, slopes
and crossovers describe the curve, so they use the bootstrap curves as they are, through
:func:`_interval` (bootstrap percentiles around the point curve's value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy.optimize import brentq

from .._stats import percentile_interval
from .models import limit_score
from .results import Band, Crossover, CurveFit, Interval, SamplesNeeded, Slope
from .status import (
    CROSSOVER_RANGE,
    EPS,
    MEANINGFUL_GAIN,
    SATURATION_GAP,
    SEARCH_CAP,
    TIE,
    CrossoverStatus,
    NeedStatus,
    SlopeVerdict,
    TargetKind,
)

__all__ = ["samples_needed", "with_answers"]


def _interval(point: float, samples: np.ndarray, confidence: float) -> Interval:
    """Percentile interval of bootstrap ``samples`` (NaN ignored) around ``point``."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return Interval(float(point), math.nan, math.nan)
    low, high = percentile_interval(samples, confidence)
    return Interval(float(point), float(low), float(high))


def _metric_interval(interval: Interval, higher_is_better: bool) -> Interval:
    """Convert a score-space interval to the metric's units (a loss swaps the ends)."""
    if higher_is_better:
        return interval
    return Interval(1.0 - interval.estimate, 1.0 - interval.high, 1.0 - interval.low)


def with_answers(
    fit: CurveFit, target_n: Sequence[int], target: float | None, confidence: float
) -> CurveFit:
    """Add the derived answers to a fitted curve: ``at_target``, ``band``, samples needed, slope.

    ``at_target`` and the band (40 sizes from the smallest measured to the largest of
    ``target_n`` and 10x the largest measured) are prediction intervals of a new fold mean.
    """
    at_target = {}
    for n in target_n:
        low, high = fit.prediction_interval([n])
        interval = Interval(float(fit.predict_score([n])[0]), float(low[0]), float(high[0]))
        at_target[int(n)] = _metric_interval(interval, fit.higher_is_better)
    sizes = fit.train_sizes
    grid = np.unique(
        np.round(np.geomspace(sizes[0], max(max(target_n, default=0), 10 * sizes[-1]), 40))
    )
    mid = fit.predict_score(grid)
    low, high = fit.prediction_interval(grid)
    hib = fit.higher_is_better
    band = Band(
        n=grid.astype(np.int64),
        low=fit._to_metric(low if hib else high),
        mid=fit._to_metric(mid),
        high=fit._to_metric(high if hib else low),
    )
    return replace(
        fit,
        at_target=at_target,
        band=band,
        samples_needed=samples_needed(fit, target, confidence),
        slope=_slope(fit, confidence),
    )


# --------------------------------------------------------------------------- samples needed


def _first_reach(values: np.ndarray, grid: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Smallest grid size (interpolated in log n) where each row of ``values`` reaches ``target``.

    ``values`` is (B, G) on ``grid``; ``target`` broadcasts to (B,). Rows that never reach
    it give inf, rows of NaN give NaN.
    """
    target = np.broadcast_to(np.asarray(target, dtype=float), (values.shape[0],))
    reached = values >= target[:, None]
    first = np.argmax(reached, axis=1)
    out = np.full(values.shape[0], np.inf)
    hit = reached.any(axis=1)
    for row in np.flatnonzero(hit):
        i = first[row]
        if i == 0:
            out[row] = grid[0]
            continue
        y0, y1 = values[row, i - 1], values[row, i]
        frac = 0.0 if y1 == y0 else (target[row] - y0) / (y1 - y0)
        out[row] = math.exp(
            math.log(grid[i - 1]) + frac * (math.log(grid[i]) - math.log(grid[i - 1]))
        )
    out[np.isnan(values).all(axis=1) | np.isnan(target)] = np.nan
    return out


def _search_grid(start: float) -> np.ndarray:
    return np.geomspace(max(start, 1.0), SEARCH_CAP, 721)


def _unknown_samples_needed(fit: CurveFit, target: float | None) -> SamplesNeeded:
    unknown = Interval(math.nan, math.nan, math.nan)
    return SamplesNeeded(
        target=math.nan if target is None else float(target),
        target_kind=TargetKind.SATURATION if target is None else TargetKind.USER,
        status=NeedStatus.UNKNOWN,
        n=unknown,
        p_reachable=math.nan,
        asymptote=unknown,
    )


def _refine(fit: CurveFit, grid: np.ndarray, n_point: float, target_point: float) -> float:
    """Refine the grid's first-reach size by root finding between the two bracketing sizes."""
    i = int(np.searchsorted(grid, n_point))
    lo, hi = grid[max(i - 1, 0)], grid[min(i, grid.size - 1)]

    def f(log_n):
        return float(fit.predict_score(math.exp(log_n))[0]) - target_point

    if lo < hi and f(math.log(lo)) < 0.0 <= f(math.log(hi)):
        return math.exp(brentq(f, math.log(lo), math.log(hi), xtol=1e-6))
    return n_point


def samples_needed(fit: CurveFit, target: float | None, confidence: float) -> SamplesNeeded:
    """Training size at which a fitted curve reaches a target, with its bootstrap interval.

    The point curve and every bootstrap curve are searched on a log grid up to
    ``SEARCH_CAP`` for the first size where they reach the target (the point curve's size
    then refined by root finding). The status comes from the point curve, so it agrees
    with ``n.estimate``; ``p_reachable`` is the share of bootstrap curves that get there
    too (see :class:`~feasibility.fit.SamplesNeeded` for every status).

    Parameters
    ----------
    fit : CurveFit
        A fitted curve (:func:`~feasibility.fit.fit_curve`).
    target : float or None
        Metric value to reach, in the metric's own units (a loss as a loss); None: within
        5% of the fitted asymptote ("saturation").
    confidence : float
        Coverage of the interval of ``n``, in (0, 1).

    Returns
    -------
    SamplesNeeded
        Status ``"unknown"`` for the constant fallback ``last1`` (nothing to extrapolate).

    Examples
    --------
    ``0.8 - 1.5 / sqrt(n)`` reaches 0.75 at ``(1.5 / 0.05)^2 = 900``:

    >>> from feasibility.fit import fit_curve
    >>> sizes = np.array([50, 100, 200, 400, 800])
    >>> fit = fit_curve(sizes, np.tile(0.8 - 1.5 * sizes**-0.5, (3, 1)), n_bootstrap=0)
    >>> needed = samples_needed(fit, 0.75, 0.90)
    >>> str(needed.status), round(needed.n.estimate)
    ('reachable', 900)
    """
    if fit.model in (None, "last1"):
        # a constant through the last value says nothing about where the curve goes
        return _unknown_samples_needed(fit, target)
    grid = _search_grid(1.0)
    point_curve = fit.predict_score(grid)
    boot_curves = fit.bootstrap_scores(grid)
    asym_point, asym_boot = point_curve[-1], boot_curves[:, -1]

    def gap(asym):
        return SATURATION_GAP * (asym if fit.higher_is_better else 1.0 - asym)

    if target is None:
        kind = TargetKind.SATURATION
        target_point = asym_point - gap(asym_point)
        target_boot = asym_boot - gap(asym_boot)
        target_metric = fit._to_metric(target_point)
    else:
        kind = TargetKind.USER
        target_point = target if fit.higher_is_better else 1.0 - target
        target_boot = np.full(asym_boot.shape, target_point)
        target_metric = target
    n_point = float(_first_reach(point_curve[None, :], grid, np.array([target_point]))[0])
    if np.isfinite(n_point) and n_point > grid[0]:
        n_point = _refine(fit, grid, n_point, target_point)
    n_boot = _first_reach(boot_curves, grid, target_boot)
    valid = n_boot[~np.isnan(n_boot)]
    p_reachable = float(np.mean(np.isfinite(valid))) if valid.size else math.nan
    n_interval = _interval(n_point, np.where(np.isinf(n_boot), SEARCH_CAP * 10, n_boot), confidence)
    n_interval = Interval(
        n_interval.estimate,
        math.inf if n_interval.low > SEARCH_CAP else n_interval.low,
        math.inf if n_interval.high > SEARCH_CAP else n_interval.high,
    )
    asymptote = _interval(asym_point, asym_boot, confidence)
    if np.isnan(n_point) or not np.isfinite(target_point):
        return _unknown_samples_needed(fit, target)
    status = _need_status(fit, kind, n_point, target_point, target_metric)
    if status == NeedStatus.REACHED and n_point > fit.n_current:
        # measured at the largest size, though the smoother curve gets there later
        n_interval = replace(n_interval, estimate=float(fit.n_current))
    return SamplesNeeded(
        target=float(target_metric),
        target_kind=kind,
        status=status,
        n=n_interval,
        p_reachable=p_reachable,
        asymptote=_metric_interval(asymptote, fit.higher_is_better),
    )


def _need_status(
    fit: CurveFit, kind: TargetKind, n_point: float, target_point: float, target_metric: float
) -> NeedStatus:
    """Status of samples needed, from the measured mean and the point curve's ``n_point``.

    The status comes from the point curve, like ``n.estimate``, so the two never disagree;
    how many bootstrap curves agree is ``p_reachable``.
    """
    measured_reached = bool(fit.observed.size) and bool(
        (fit.observed[-1] >= target_metric)
        if fit.higher_is_better
        else (fit.observed[-1] <= target_metric)
    )
    if measured_reached or n_point <= fit.n_current:
        return NeedStatus.REACHED
    if np.isfinite(n_point):
        return NeedStatus.REACHABLE
    if kind == TargetKind.USER and limit_score(fit.model, fit.scaled_params) < target_point:
        return NeedStatus.NOT_REACHABLE
    return NeedStatus.BEYOND_CAP


# --------------------------------------------------------------------------- slope


def _slope(fit: CurveFit, confidence: float) -> Slope:
    n = fit.n_current
    if fit.model in (None, "last1") or fit.train_sizes.size < 2:
        # a constant through one value is flat by construction, not by evidence
        unknown = Interval(math.nan, math.nan, math.nan)
        return Slope(n=n, per_doubling=unknown, per_log_n=unknown, verdict=SlopeVerdict.UNKNOWN)
    step = 0.01
    sizes = np.array([n, 2.0 * n, n * math.exp(-step), n * math.exp(step)])
    point, boot = fit.predict_score(sizes), fit.bootstrap_scores(sizes)
    gain = _interval(point[1] - point[0], boot[:, 1] - boot[:, 0], confidence)
    derivative = _interval(
        (point[3] - point[2]) / (2 * step), (boot[:, 3] - boot[:, 2]) / (2 * step), confidence
    )
    if np.isfinite(gain.low):
        if gain.low >= MEANINGFUL_GAIN:
            verdict = SlopeVerdict.HELPING
        else:
            verdict = SlopeVerdict.FLAT if gain.high < MEANINGFUL_GAIN else SlopeVerdict.UNCERTAIN
    else:
        verdict = SlopeVerdict.HELPING if gain.estimate >= MEANINGFUL_GAIN else SlopeVerdict.FLAT
    sign = 1.0 if fit.higher_is_better else -1.0

    def signed(interval: Interval) -> Interval:
        if sign > 0:
            return interval
        return Interval(-interval.estimate, -interval.high, -interval.low)

    return Slope(n=n, per_doubling=signed(gain), per_log_n=signed(derivative), verdict=verdict)


# --------------------------------------------------------------------------- crossovers


def _leader(advantage: float, first: str, second: str) -> str:
    if not np.isfinite(advantage) or abs(advantage) < EPS:
        return TIE
    return first if advantage > 0 else second


def _sign_changes(diff: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per row, the first size where the sign of ``diff`` differs from its sign at grid[0]."""
    sign = np.sign(np.where(np.abs(diff) < EPS, 0.0, diff))
    start = sign[:, :1]
    changed = (sign != start) & (sign != 0) & (start != 0)
    out = np.full(diff.shape[0], np.inf)
    for row in np.flatnonzero(changed.any(axis=1)):
        i = int(np.argmax(changed[row]))
        d0, d1 = diff[row, i - 1], diff[row, i]
        frac = d0 / (d0 - d1) if d0 != d1 else 0.0
        out[row] = math.exp(
            math.log(grid[i - 1]) + frac * (math.log(grid[i]) - math.log(grid[i - 1]))
        )
    out[np.isnan(diff).any(axis=1)] = np.nan
    return out


def _past_crossover(first: CurveFit, second: CurveFit, n_current: int) -> float:
    """Last size within the measured range where the fitted leader changes (NaN: none)."""
    n_small = min(first.train_sizes[0], second.train_sizes[0])
    if not n_small < n_current:
        return math.nan
    measured = np.geomspace(n_small, n_current, 121)
    diff_measured = first.predict_score(measured) - second.predict_score(measured)
    sign = np.sign(np.where(np.abs(diff_measured) < EPS, 0.0, diff_measured))
    flips = np.flatnonzero((sign[1:] != sign[:-1]) & (sign[1:] != 0) & (sign[:-1] != 0))
    return float(measured[flips[-1] + 1]) if flips.size else math.nan


def _crossover(first: CurveFit, second: CurveFit, confidence: float) -> Crossover:
    n_current = min(first.n_current, second.n_current)
    grid = np.geomspace(n_current, CROSSOVER_RANGE * n_current, 241)
    diff_point = (first.predict_score(grid) - second.predict_score(grid))[None, :]
    diff_boot = first.bootstrap_scores(grid) - second.bootstrap_scores(grid)
    n_point = float(_sign_changes(diff_point, grid)[0])
    n_boot = _sign_changes(diff_boot, grid)
    valid = n_boot[~np.isnan(n_boot)]
    beyond = CROSSOVER_RANGE * n_current * 10  # stands for "no crossover" inside the percentiles
    interval = _interval(n_point, np.where(np.isinf(n_boot), beyond, n_boot), confidence)
    interval = Interval(
        interval.estimate,
        math.inf if interval.low >= beyond else interval.low,
        math.inf if interval.high >= beyond else interval.high,
    )
    return Crossover(
        first=first.formulation,
        second=second.formulation,
        metric=first.metric,
        n_current=n_current,
        leader_at_current=_leader(diff_point[0, 0], first.formulation, second.formulation),
        leader_at_limit=_leader(diff_point[0, -1], first.formulation, second.formulation),
        status=CrossoverStatus.CROSSOVER if np.isfinite(n_point) else CrossoverStatus.NONE,
        n=interval,
        p_crossover=float(np.mean(np.isfinite(valid))) if valid.size else math.nan,
        past_crossover_n=_past_crossover(first, second, n_current),
        advantage_at_current=_interval(diff_point[0, 0], diff_boot[:, 0], confidence),
        advantage_at_limit=_interval(diff_point[0, -1], diff_boot[:, -1], confidence),
    )
