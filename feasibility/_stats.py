"""Small statistics shared by the stages: one home for the bootstrap percentile interval.

The fits (:mod:`feasibility.fit`) and the decision (:mod:`feasibility.decide`) both turn
bootstrap replicates into an equal-tailed percentile interval; they call
:func:`percentile_interval` so that the tails, the interpolation and the handling of
missing replicates are the same everywhere.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["percentile_interval"]


def percentile_interval(samples, confidence: float, *, axis: int | None = None):
    """Ends of the equal-tailed percentile interval of bootstrap ``samples``.

    The ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` percentiles with linear
    interpolation (numpy's default, Hyndman & Fan's type 7); NaN replicates are ignored
    and a slice with none left gives NaN ends.

    Parameters
    ----------
    samples : array-like
        Bootstrap replicates; NaN marks a failed replicate.
    confidence : float
        Coverage of the interval, in (0, 1).
    axis : int, optional
        Axis along which the replicates lie; None: all of ``samples`` is one set.

    Returns
    -------
    low, high : float or ndarray
        Scalars for ``axis=None``, else arrays without ``axis``.

    Examples
    --------
    >>> low, high = percentile_interval(np.arange(101.0), 0.5)
    >>> float(low), float(high)
    (25.0, 75.0)
    >>> percentile_interval([[0.0, 1.0], [2.0, np.nan], [4.0, 3.0]], 0.5, axis=0)
    (array([1. , 1.5]), array([3. , 2.5]))
    """
    tail = 100.0 * (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        # an all-NaN slice (no usable replicate) gives NaN ends, which is the answer
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(
            np.asarray(samples, dtype=float), [tail, 100.0 - tail], axis=axis
        )
    return low, high
