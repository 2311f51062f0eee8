"""The fitted curve: a weighted average of the curve models, weighted by their own backtests.

Each candidate model is fitted to every measured size, and also to the sizes without the
last 1, 2, 3 and 4 of them, each time predicting the largest measured size. A model's
backtest error is the mean absolute error of those predictions; its weight is
``1 / max(error, 1e-3)^2``, normalised. Averaging (rather than picking the model with the
smallest error on one held-out point) is steadier: on the developer half of LCDB 1.0 the
average of pow3, pow4 and mmf4 extrapolated 4x with 0.60 of last1's mean absolute error,
the best single model with 0.66 and selection by one held-out point with 0.78.

Beyond the largest measured size the average never falls (in score space; it stays at
least at its own value there, see :class:`~feasibility.fit.CurveFit`): more data of the
same kind is not expected to hurt, and a fitted dip there was, on LCDB, more often misfit
than truth.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .models import CURVE_MODELS, predict
from .notes import FitNote, FitNoteCode
from .solver import BOOTSTRAP_LM, least_squares_fit, lm_batch, polish_fit

__all__ = ["Average", "MAX_HELD_OUT", "bootstrap_members", "fit_average", "member_slices"]

#: Backtests leave out the last 1 .. MAX_HELD_OUT measured sizes (when enough remain).
MAX_HELD_OUT = 4
#: Backtests fit at least this many sizes (and never fewer than a model's parameters).
MIN_BACKTEST_SIZES = 3
#: The batch of fits stops earlier than a lone fit would: the full fit is polished by
#: scipy afterwards, and a backtest needs its prediction to ~1e-4, not the optimum to 1e-10.
BATCH_LM = {"max_iter": 120, "tolerance": 1e-8}
#: Backtest errors below this count as this (a perfect backtest is luck, not certainty).
ERROR_FLOOR = 1e-3


@dataclass(frozen=True, eq=False)
class Average:
    """The models averaged, their weights and scaled params, and their backtests."""

    names: tuple[str, ...]
    weights: np.ndarray  # (M,), sums to 1
    params: tuple[np.ndarray, ...]  # scaled params of each member, fitted to all sizes
    candidates: dict[str, float]  # every candidate's backtest error (NaN: none possible)
    backtest_error: float  # root mean square of the members' backtest errors, weighted
    notes: list[FitNote] = field(default_factory=list)


def member_slices(names: Sequence[str]) -> list[slice]:
    """Where each member's params sit in the concatenated parameter vector."""
    slices, start = [], 0
    for name in names:
        k = CURVE_MODELS[name].n_params
        slices.append(slice(start, start + k))
        start += k
    return slices


def _fit_and_backtest(
    name: str, x: np.ndarray, y: np.ndarray, sigma: np.ndarray
) -> tuple[np.ndarray | None, float]:
    """Fit ``name`` to all sizes, and its backtest error (NaN when no backtest is possible).

    The backtest error is the mean |error| predicting the largest size from fits without
    the last 1..4 sizes. All those fits, from every start, run as one batch (a held-out
    size has weight 0), which costs about what one fit does.
    """
    model = CURVE_MODELS[name]
    m = x.size
    rows_y, rows_w, starts, held_of_row = [], [], [], []
    for held in range(0, MAX_HELD_OUT + 1):
        used = m - held
        if held and used < max(MIN_BACKTEST_SIZES, model.n_params):
            break
        weights = np.where(np.arange(m) < used, 1.0 / sigma, 0.0)
        for start in model.starts(x[:used], y[:used]):
            rows_y.append(y)
            rows_w.append(weights)
            starts.append(start)
            held_of_row.append(held)
    fitted, cost = lm_batch(
        model, x, np.array(rows_y), np.array(rows_w), np.array(starts), **BATCH_LM
    )
    held_of_row = np.array(held_of_row)
    errors = []
    best_full = None
    for held in np.unique(held_of_row):
        rows = np.flatnonzero((held_of_row == held) & np.isfinite(cost))
        if rows.size == 0:
            continue
        best = fitted[rows[np.argmin(cost[rows])]]
        if held == 0:
            best_full = best
        else:
            errors.append(abs(float(predict(model, best, x[-1:])[0]) - float(y[-1])))
    if best_full is not None:
        best_full = polish_fit(model, x, y, sigma, best_full)
    return best_full, float(np.mean(errors)) if errors else math.nan


def fit_average(x: np.ndarray, y: np.ndarray, sigma: np.ndarray, models: Sequence[str]) -> Average:
    """Fit the weighted average of ``models`` to the means ``y`` at scaled sizes ``x``.

    With 3 or more sizes every model with at most as many parameters as sizes is fitted
    and backtested; with 2 sizes the curve is ``log2`` through both; with 1 (or when no
    model converges) it is the constant ``last1``.

    Parameters
    ----------
    x, y, sigma : ndarray of shape (m,)
        Scaled sizes (increasing), mean score and its standard error per size.
    models : sequence of str
        Candidate models (names of ``CURVE_MODELS``).

    Returns
    -------
    Average
    """
    m = x.size
    notes: list[FitNote] = []
    if m >= 3:
        names, params, errors, candidates = [], [], [], {}
        for name in models:
            model = CURVE_MODELS[name]
            if model.n_params > m:
                continue
            fitted, error = _fit_and_backtest(name, x, y, sigma)
            candidates[name] = error
            if fitted is None:
                notes.append(FitNote(FitNoteCode.MODEL_NOT_CONVERGED, {"model": name}))
                continue
            names.append(name)
            params.append(fitted)
            errors.append(error)
        if names:
            errors = np.array(errors)
            known = np.isfinite(errors)
            if known.any():
                # a model too big to backtest counts as the worst one that could be
                errors = np.where(known, errors, np.max(errors[known]))
                weights = 1.0 / np.maximum(errors, ERROR_FLOOR) ** 2
                weights /= weights.sum()
                rms = float(math.sqrt(np.sum(weights * errors**2)))
            else:
                weights = np.full(len(names), 1.0 / len(names))
                rms = math.nan
            return Average(tuple(names), weights, tuple(params), candidates, rms, notes)
        notes.append(FitNote(FitNoteCode.NO_MODEL_CONVERGED))
    elif m == 2:
        model = CURVE_MODELS["log2"]
        fitted = least_squares_fit(model, x, y, sigma, model.starts(x, y), polish=True)
        if fitted is not None:
            notes.append(FitNote(FitNoteCode.TWO_SIZES))
            return Average(("log2",), np.ones(1), (fitted,), {}, math.nan, notes)
        notes.append(FitNote(FitNoteCode.TWO_SIZES_NOT_CONVERGED))
    else:
        notes.append(FitNote(FitNoteCode.ONE_SIZE))
    return Average(("last1",), np.ones(1), (np.array([float(y[-1])]),), {}, math.nan, notes)


def bootstrap_members(
    average: Average, x: np.ndarray, mean_b: np.ndarray, sigma_b: np.ndarray, count_b: np.ndarray
) -> np.ndarray:
    """Refit every member to each bootstrap replicate of the means (weights kept).

    Row b of ``mean_b`` / ``sigma_b`` / ``count_b`` is one replicate's mean, standard
    error and run count per size. Each member is refitted from its own params (a
    Levenberg-Marquardt batch over the replicates); a ``last1`` curve takes each
    replicate's last measured mean. Returns (B, sum of the members' params), NaN where a
    refit failed.
    """
    n_rows = mean_b.shape[0]
    slices = member_slices(average.names)
    out = np.full((n_rows, slices[-1].stop), np.nan)
    if average.names == ("last1",):
        last = np.where(count_b > 0, np.arange(mean_b.shape[1])[None, :], -1).max(axis=1)
        usable = last >= 0
        out[usable, 0] = mean_b[usable, last[usable]]
        return out
    weights = np.where(np.isfinite(sigma_b) & (count_b > 0), 1.0 / sigma_b, 0.0)
    targets = np.where(count_b > 0, mean_b, 0.0)
    available = (count_b > 0).sum(axis=1)
    for name, params, where in zip(average.names, average.params, slices, strict=True):
        model = CURVE_MODELS[name]
        rows = np.flatnonzero(available >= min(model.n_params, x.size))
        if rows.size == 0:
            continue
        fitted, cost = lm_batch(
            model, x, targets[rows], weights[rows], np.tile(params, (rows.size, 1)), **BOOTSTRAP_LM
        )
        good = np.isfinite(cost) & np.isfinite(fitted).all(axis=1)
        out[rows[good], where] = fitted[good]
    return out
