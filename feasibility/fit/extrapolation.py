"""How far a fitted curve can be trusted: calibrated error quantiles and the horizon.

An extrapolated value's error grows with the distance ``rho = n / n_largest_measured``
in a way no bootstrap of a handful of runs shows (the model itself is wrong, not just
noisy). The width of the interval beyond the measured sizes is therefore learned from
real learning curves: on the LCDB 1.0 curves of ``lcdb_curves.parquet``
(``benchmarks/calibrate_extrapolation.py``) the standardised error
``z = (measured - fitted) / scale`` was collected at every distance, and
:data:`~feasibility.fit._extrapolation_table.QUANTILES` holds its quantiles per
distance. A curve's ``scale`` (:func:`error_scale`) combines what it shows about its
own predictability: its backtest error, its gain over the last doubling and the
standard error of its last mean.

:data:`HORIZON` is the largest distance at which the calibration was checked on curves
it was not learned on (two-fold: learned on one half of the file, scored on the other);
answers farther out are reported as beyond the validated horizon and never drive a
decision.
"""

from __future__ import annotations

import math

import numpy as np

from ._extrapolation_table import PROBABILITIES, QUANTILES, RATIOS
from .status import HORIZON

__all__ = ["HORIZON", "error_scale", "extrapolation_quantiles"]

#: Weight of the gain over the last doubling in :func:`error_scale`.
GAIN_WEIGHT = 0.5
#: Scales below this count as this (a curve that looks perfectly predictable is not).
SCALE_FLOOR = 1e-3


def error_scale(backtest_error: float, gain_per_doubling: float, standard_error: float) -> float:
    """The typical size of a curve's extrapolation error, in score units.

    ``sqrt(backtest^2 + (0.5 gain)^2 + se^2)`` with the backtest error replaced by the
    gain when there is none (fewer than 4 sizes); NaN when neither is known.

    Examples
    --------
    >>> round(error_scale(0.03, 0.08, 0.0), 4)
    0.05
    """
    gain = max(gain_per_doubling, 0.0) if math.isfinite(gain_per_doubling) else math.nan
    backtest = backtest_error if math.isfinite(backtest_error) else gain
    if not math.isfinite(backtest):
        return math.nan
    se = standard_error if math.isfinite(standard_error) else 0.0
    gain = gain if math.isfinite(gain) else 0.0
    return max(math.sqrt(backtest**2 + (GAIN_WEIGHT * gain) ** 2 + se**2), SCALE_FLOOR)


def extrapolation_quantiles(rho, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper quantiles of the standardised error at distances ``rho``.

    Interpolated in ``log rho`` between the calibrated distances (``RATIOS``) and in the
    probability between the calibrated levels; 0 at ``rho <= 1`` (the measured range),
    rising linearly in ``log rho`` to the first calibrated distance, and held constant
    beyond the last one.

    Parameters
    ----------
    rho : array-like
        Sizes as multiples of the largest measured size.
    confidence : float
        Two-sided coverage of the interval.

    Returns
    -------
    low, high : ndarray
        ``low <= 0 <= high``: the error is within ``[low * scale, high * scale]`` with
        probability ``confidence`` on the calibration curves.
    """
    rho = np.atleast_1d(np.asarray(rho, dtype=float))
    tail = (1.0 - confidence) / 2.0
    log_ratios = np.log(np.asarray(RATIOS))
    table = np.asarray(QUANTILES)  # (ratios, probabilities)
    per_ratio_low = [np.interp(tail, PROBABILITIES, row) for row in table]
    per_ratio_high = [np.interp(1.0 - tail, PROBABILITIES, row) for row in table]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rho = np.log(np.maximum(rho, 1.0))
    low = np.interp(log_rho, log_ratios, per_ratio_low)
    high = np.interp(log_rho, log_ratios, per_ratio_high)
    ramp = np.clip(log_rho / log_ratios[0], 0.0, 1.0)
    return np.minimum(low, 0.0) * ramp, np.maximum(high, 0.0) * ramp
