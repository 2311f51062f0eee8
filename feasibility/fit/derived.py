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
from .results import Band, Crossover, CurveFit, Interval, SamplesNeeded, Slope
from .status import (
    CROSSOVER_RANGE,
    EPS,
    HORIZON,
    MAX_SPAN,
    MEANINGFUL_GAIN,
    SEARCH_CAP,
    TIE,
    CrossoverStatus,
    NeedStatus,
    NotEstimable,
    SlopeVerdict,
    TargetKind,
)

__all__ = ["judge_estimate", "samples_needed", "with_answers"]


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
    ``target_n`` and the horizon) are prediction intervals of a new fold mean.
    """
    at_target = {}
    for n in target_n:
        low, high = fit.prediction_interval([n])
        interval = Interval(float(fit.predict_score([n])[0]), float(low[0]), float(high[0]))
        at_target[int(n)] = _metric_interval(interval, fit.higher_is_better)
    sizes = fit.train_sizes
    grid = np.unique(
        np.round(np.geomspace(sizes[0], max(max(target_n, default=0), HORIZON * sizes[-1]), 40))
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
        target_kind=TargetKind.FLATTENING if target is None else TargetKind.USER,
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


def _first_flat(values_at_n: np.ndarray, values_at_2n: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per row, the first grid size from which a doubling gains less than MEANINGFUL_GAIN."""
    gain = values_at_2n - values_at_n
    return _first_reach(-gain, grid, np.full(gain.shape[0], -MEANINGFUL_GAIN + 1e-12))


def judge_estimate(n: Interval, n_current: float, *, reached: bool = False):
    """Status of an extrapolated size and, when not estimable, why (``None`` otherwise).

    Stated only when the estimate and both ends of its interval lie within
    ``HORIZON x n_current`` and the interval spans at most ``MAX_SPAN``.
    """
    if reached:
        return NeedStatus.REACHED, None
    if not math.isfinite(n.estimate):
        return NeedStatus.NOT_ESTIMABLE, NotEstimable.LEVELS_OFF
    horizon_n = HORIZON * n_current
    if n.estimate > horizon_n or not n.high <= horizon_n:
        return NeedStatus.NOT_ESTIMABLE, NotEstimable.BEYOND_HORIZON
    # an estimate outside its own interval means the interval says nothing about it
    if not (0 < n.low <= n.estimate <= n.high <= MAX_SPAN * n.low):
        return NeedStatus.NOT_ESTIMABLE, NotEstimable.TOO_WIDE
    return NeedStatus.REACHABLE, None


def samples_needed(fit: CurveFit, target: float | None, confidence: float) -> SamplesNeeded:
    """Training size at which a fitted curve reaches a target, when the data can tell.

    With a user ``target``: the size where the fitted curve reaches it, and as its
    interval the sizes where the upper and the lower end of the prediction band reach it
    (the calibrated band, so the interval widens as the extrapolation grows). Without
    one: the size from which a doubling of the data gains less than ``MEANINGFUL_GAIN``
    ("flattening"), with the interval of reaching the level the curve has there. Either
    is stated (``"reachable"``) only when the estimate and its interval lie within the
    horizon and the interval spans at most ``MAX_SPAN``; otherwise the status is
    ``"not_estimable"`` with the ``reason``. ``p_reachable`` is the share of bootstrap
    curves that get there within the horizon (or flatten within it).

    Parameters
    ----------
    fit : CurveFit
        A fitted curve (:func:`~feasibility.fit.fit_curve`).
    target : float or None
        Metric value to reach, in the metric's own units (a loss as a loss); None: where
        the curve flattens.
    confidence : float
        Coverage of the interval of ``n``, in (0, 1).

    Returns
    -------
    SamplesNeeded
        Status ``"unknown"`` for the constant fallback ``last1`` (nothing to extrapolate).

    Examples
    --------
    ``0.8 - 1.5 / sqrt(n)`` reaches 0.748 at ``(1.5 / 0.052)^2 = 832``; 0.75 at 900 is
    not estimable, as the calibrated band's lower end never reaches it:

    >>> from feasibility.fit import fit_curve
    >>> sizes = np.array([50, 100, 200, 400, 800])
    >>> fit = fit_curve(sizes, np.tile(0.8 - 1.5 * sizes**-0.5, (3, 1)), n_bootstrap=0)
    >>> [(str(need.status), round(need.n.estimate, -1)) for need in
    ...  (samples_needed(fit, 0.748, 0.90), samples_needed(fit, 0.75, 0.90))]
    [('reachable', 830.0), ('not_estimable', 900.0)]
    """
    if fit.model in (None, "last1"):
        # a constant through the last value says nothing about where the curve goes
        return _unknown_samples_needed(fit, target)
    grid = _search_grid(float(fit.train_sizes[0]))
    horizon_n = HORIZON * fit.n_current
    point_curve = fit.predict_score(grid)
    boot_curves = fit.bootstrap_scores(grid)
    if target is None:
        # where a doubling gains < MEANINGFUL_GAIN; its uncertainty is that of reaching
        # the level the curve has there, from the band as for a user target
        kind = TargetKind.FLATTENING
        n_point = float(_first_flat(point_curve[None], fit.predict_score(2 * grid)[None], grid)[0])
        target_point = float(fit.predict_score([n_point])[0]) if np.isfinite(n_point) else math.nan
        n_boot = _first_flat(boot_curves, fit.bootstrap_scores(2 * grid), grid)
        target_metric = float(fit._to_metric(target_point))
        reached = np.isfinite(n_point) and n_point <= fit.n_current
    else:
        kind = TargetKind.USER
        target_point = target if fit.higher_is_better else 1.0 - target
        n_point = float(_first_reach(point_curve[None, :], grid, np.array([target_point]))[0])
        if np.isfinite(n_point) and n_point > grid[0]:
            n_point = _refine(fit, grid, n_point, target_point)
        n_boot = _first_reach(boot_curves, grid, np.full(boot_curves.shape[0], target_point))
        target_metric = float(target)
        measured = float(fit.observed[-1])
        reached = (measured >= target) if fit.higher_is_better else (measured <= target)
        reached = bool(reached) or n_point <= fit.n_current
    interval = Interval(n_point, math.nan, math.nan)
    if np.isfinite(target_point):
        low, high = fit.prediction_interval(grid)
        # the optimistic end of the band gets there first, the pessimistic one last
        ends = _first_reach(np.vstack([high, low]), grid, np.full(2, target_point))
        interval = Interval(n_point, float(ends[0]), float(ends[1]))
    if np.isnan(n_point):
        return _unknown_samples_needed(fit, target)
    interval = Interval(
        interval.estimate,
        math.inf if interval.low > SEARCH_CAP else interval.low,
        math.inf if interval.high > SEARCH_CAP else interval.high,
    )
    valid = n_boot[~np.isnan(n_boot)]
    p_reachable = float(np.mean(valid <= horizon_n)) if valid.size else math.nan
    status, reason = judge_estimate(interval, fit.n_current, reached=bool(reached))
    if status == NeedStatus.REACHED and interval.estimate > fit.n_current:
        # measured at the largest size, though the smoother curve gets there later
        interval = replace(interval, estimate=float(fit.n_current))
    at_horizon = _interval(
        float(point_curve[np.searchsorted(grid, horizon_n) - 1]),
        boot_curves[:, np.searchsorted(grid, horizon_n) - 1],
        confidence,
    )
    return SamplesNeeded(
        target=target_metric,
        target_kind=kind,
        status=status,
        n=interval,
        p_reachable=p_reachable,
        asymptote=_metric_interval(at_horizon, fit.higher_is_better),
        reason=reason,
    )


# --------------------------------------------------------------------------- slope


def _slope(fit: CurveFit, confidence: float) -> Slope:
    n = fit.n_current
    if fit.model in (None, "last1") or fit.train_sizes.size < 2:
        # a constant through one value is flat by construction, not by evidence
        unknown = Interval(math.nan, math.nan, math.nan)
        return Slope(n=n, per_doubling=unknown, per_log_n=unknown, verdict=SlopeVerdict.UNKNOWN)
    # the derivative from the left: the fitted curve where it was measured (beyond the
    # largest size it may be held level, which would halve a central difference)
    step = 0.01
    sizes = np.array([n, 2.0 * n, n * math.exp(-step)])
    point, boot = fit.predict_score(sizes), fit.bootstrap_scores(sizes)
    gain = _interval(point[1] - point[0], boot[:, 1] - boot[:, 0], confidence)
    derivative = _interval(
        (point[0] - point[2]) / step, (boot[:, 0] - boot[:, 2]) / step, confidence
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


def _first_below(values: np.ndarray, grid: np.ndarray) -> float:
    """First size where ``values`` (one row on ``grid``) goes below 0, interpolated in
    log n as :func:`_sign_changes` does; the first size when it starts below; inf never."""
    below = np.flatnonzero(values < 0.0)
    if not below.size:
        return math.inf
    i = int(below[0])
    if i == 0:
        return float(grid[0])
    v0, v1 = values[i - 1], values[i]
    frac = v0 / (v0 - v1) if v0 != v1 else 0.0
    return math.exp(math.log(grid[i - 1]) + frac * (math.log(grid[i]) - math.log(grid[i - 1])))


def _crossover_interval(
    first: CurveFit, second: CurveFit, grid: np.ndarray, diff: np.ndarray, n_point: float
) -> Interval:
    """Where the leader changes, with the sizes between which the data cannot tell.

    The difference's band combines the two curves' prediction bands per side in
    quadrature (their errors are treated as independent, which widens it when they are
    positively correlated, as paired runs are). Orienting the difference so that the
    current leader is ahead: the low end is the first size where the band includes 0
    (a change of leader can no longer be excluded), the high end the first where the
    whole band is past 0 (the other leads for sure); inf when that never happens.
    """
    low_1, high_1 = first.prediction_interval(grid)
    low_2, high_2 = second.prediction_interval(grid)
    point_1, point_2 = first.predict_score(grid), second.predict_score(grid)
    diff_low = diff - np.hypot(point_1 - low_1, high_2 - point_2)
    diff_high = diff + np.hypot(high_1 - point_1, point_2 - low_2)
    if diff[0] < 0:  # the second leads now: look at the difference the other way round
        diff_low, diff_high = -diff_high, -diff_low
    return Interval(n_point, _first_below(diff_low, grid), _first_below(diff_high, grid))


def _crossover(first: CurveFit, second: CurveFit, confidence: float) -> Crossover:
    """Whether, where and how surely ``second`` overtakes ``first`` (or back) within the horizon.

    The point is where the fitted curves' difference changes sign; its interval comes
    from the two prediction bands (:func:`_crossover_interval`), and it is stated only
    within the horizon and MAX_SPAN (:func:`judge_estimate`); ``p_crossover`` is the share
    of bootstrap curve pairs that cross within the horizon.
    """
    n_current = min(first.n_current, second.n_current)
    grid = np.geomspace(n_current, CROSSOVER_RANGE * n_current, 241)
    diff_point = (first.predict_score(grid) - second.predict_score(grid))[None, :]
    diff_boot = first.bootstrap_scores(grid) - second.bootstrap_scores(grid)
    n_point = float(_sign_changes(diff_point, grid)[0])
    n_boot = _sign_changes(diff_boot, grid)
    valid = n_boot[~np.isnan(n_boot)]
    interval = _crossover_interval(first, second, grid, diff_point[0], n_point)
    reason = None
    if np.isfinite(n_point):
        _, reason = judge_estimate(interval, n_current)
        status = CrossoverStatus.CROSSOVER if reason is None else CrossoverStatus.NOT_ESTIMABLE
    else:
        status = CrossoverStatus.NONE
    return Crossover(
        first=first.formulation,
        second=second.formulation,
        metric=first.metric,
        n_current=n_current,
        leader_at_current=_leader(diff_point[0, 0], first.formulation, second.formulation),
        leader_at_limit=_leader(diff_point[0, -1], first.formulation, second.formulation),
        status=status,
        n=interval,
        p_crossover=float(np.mean(np.isfinite(valid))) if valid.size else math.nan,
        past_crossover_n=_past_crossover(first, second, n_current),
        advantage_at_current=_interval(diff_point[0, 0], diff_boot[:, 0], confidence),
        advantage_at_limit=_interval(diff_point[0, -1], diff_boot[:, -1], confidence),
        reason=reason,
    )
