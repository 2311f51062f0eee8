"""Weighted nonlinear least squares for the curve models, many problems at once.

:func:`lm_batch` is a vectorised Levenberg-Marquardt over independent problems (the
multi-start fits and the bootstrap refits: one scipy call per problem costs ~10 ms);
:func:`least_squares_fit` picks the best of several starts and can polish it with scipy's
trust-region reflective solver, which handles the bounds exactly.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy.optimize import least_squares

from .models import CurveModel

__all__ = ["BOOTSTRAP_LM", "least_squares_fit", "lm_batch", "polish_fit"]

# Bootstrap refits start at the data's optimum and only need to be as precise as the
# spread they measure (~1e-3 of a score): a looser stop than the point fit's costs 4x less.
BOOTSTRAP_LM = {"max_iter": 100, "tolerance": 1e-6}


def lm_batch(
    model: CurveModel,
    x: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray,
    P0: np.ndarray,
    max_iter: int = 300,
    tolerance: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares for many independent problems at once (Levenberg-Marquardt).

    Row b minimises ``sum_i (W[b, i] (f(x_i; P[b]) - Y[b, i]))^2`` within the model's
    bounds (steps are projected onto them), from ``P0[b]``; ``W = 0`` marks a missing
    size. Used for the multi-start fits and the bootstrap refits, where one scipy call
    per problem costs ~10 ms. A row stops when an accepted step lowers its cost by less
    than ``tolerance`` (relative). Returns (P, cost); rows with an infinite cost failed.
    """
    lower, upper = np.array(model.lower), np.array(model.upper)
    P = np.clip(np.array(P0, dtype=float), lower, upper)
    n_rows, k = P.shape
    Y, W = np.asarray(Y, dtype=float), np.asarray(W, dtype=float)

    def residuals(params, rows):
        with np.errstate(all="ignore"):
            values = model.function(x[None, :], *(params[:, j : j + 1] for j in range(k)))
            return np.where(W[rows] > 0, (values - Y[rows]) * W[rows], 0.0)

    def half_sum_squares(r):
        with np.errstate(all="ignore"):
            cost = 0.5 * np.sum(r * r, axis=1)
        cost[~np.isfinite(cost)] = np.inf
        return cost

    everything = np.arange(n_rows)
    r = residuals(P, everything)
    cost = half_sum_squares(r)
    damping = np.full(n_rows, 1e-3)
    active = np.isfinite(cost)
    identity = np.eye(k)
    for _ in range(max_iter):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        Pa, ra = P[rows], r[rows]
        step = 1.5e-8 * np.maximum(np.abs(Pa), 1e-3)
        J = np.empty((rows.size, x.size, k))
        for j in range(k):
            # forward difference, stepping inward at an upper bound
            sign = np.where(Pa[:, j] + step[:, j] > upper[j], -1.0, 1.0)
            shifted = Pa.copy()
            shifted[:, j] += sign * step[:, j]
            J[:, :, j] = (residuals(shifted, rows) - ra) / (sign * step[:, j])[:, None]
        J[~np.isfinite(J)] = 0.0
        JTJ = np.einsum("bmi,bmj->bij", J, J)
        gradient = np.einsum("bmi,bm->bi", J, ra)
        diag = np.maximum(np.einsum("bii->bi", JTJ), 1e-12)
        A = JTJ + damping[rows, None, None] * diag[:, :, None] * identity[None]
        try:
            delta = np.linalg.solve(A, -gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:
            delta = -np.einsum("bij,bj->bi", np.linalg.pinv(A), gradient)
        trial = np.clip(Pa + delta, lower, upper)
        r_trial = residuals(trial, rows)
        cost_trial = half_sum_squares(r_trial)
        better = cost_trial < cost[rows]
        accept, reject = rows[better], rows[~better]
        small = (cost[accept] - cost_trial[better]) <= tolerance * (cost[accept] + 1e-12)
        P[accept], r[accept], cost[accept] = trial[better], r_trial[better], cost_trial[better]
        damping[accept] = np.maximum(damping[accept] / 3.0, 1e-12)
        damping[reject] *= 4.0
        active[accept[small]] = False
        active[reject[damping[reject] > 1e8]] = False
    return P, cost


def least_squares_fit(
    model: CurveModel,
    x: np.ndarray,
    y: np.ndarray,
    sigma: np.ndarray,
    starts: Sequence[np.ndarray],
    *,
    polish: bool = False,
) -> np.ndarray | None:
    """Weighted least squares from several starts; the best params or None.

    ``polish`` refines the best batch solution with scipy's trust-region reflective
    solver (``scipy.optimize.least_squares``), which handles bounds exactly.
    """
    starts = np.array([np.asarray(s, dtype=float) for s in starts])
    Y = np.broadcast_to(y, (starts.shape[0], y.size))
    W = np.broadcast_to(1.0 / sigma, (starts.shape[0], y.size))
    P, cost = lm_batch(model, x, Y, W, starts)
    if not np.isfinite(cost).any():
        return None
    best = P[int(np.argmin(cost))]
    if polish:
        best = polish_fit(model, x, y, sigma, best)
    return best if np.all(np.isfinite(best)) else None


def polish_fit(model: CurveModel, x, y, sigma, params: np.ndarray) -> np.ndarray | None:
    """Refine ``params`` with scipy's trust-region reflective solver (exact bounds).

    Keeps ``params`` when scipy fails or does not lower the cost; None when they are not
    finite.
    """
    if not np.all(np.isfinite(params)):
        return None
    if model.n_params <= 1:
        return params
    lower, upper = np.array(model.lower), np.array(model.upper)

    def residuals(p):
        return (model.function(x, *p) - y) / sigma

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = np.clip(params, lower, upper)
        start_cost = 0.5 * float(np.sum(residuals(start) ** 2))
        try:
            result = least_squares(
                residuals, start, bounds=(lower, upper), method="trf", max_nfev=200
            )
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):
            return start
    if result.status > 0 and np.all(np.isfinite(result.x)) and result.cost < start_cost:
        return result.x
    return start
