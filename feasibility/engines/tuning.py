"""Choose each head's regularisation on inner folds of its training part, then refit.

A head's inverse penalty C is chosen on a decade grid by the head's own validation
log-likelihood, summed over ``n_folds`` inner folds of the training rows (never the outer
test part): one C per label for the sigmoid head, one C for a softmax head. Each fold
walks the grid upwards from the strongest penalty, every fit warm-started from the one
before; an output leaves the walk once its likelihood has fallen for :data:`PATIENCE`
steps in a row past a best that is not the first C, and the walk stops when none is left (the likelihood of a
penalised fit is unimodal in log C in practice, and the weakly penalised fits are the slow
ones; a flat step is not a fall, see :data:`FALL_TOLERANCE`). The
head is then refitted on all training rows at the chosen C. The out-of-fold
probabilities at the chosen C are kept: the decoding thresholds are chosen on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, softmax

from .linear_path import LinearFit, fit_logistic_columns, fit_softmax

__all__ = [
    "C_GRID",
    "INNER_FOLDS",
    "PathWalk",
    "TunedFit",
    "bernoulli_ll",
    "grid_edge",
    "inner_folds",
    "tune_sigmoid",
    "tune_softmax",
]

#: The inverse penalties tried: 1e-5 .. 1e4, one per decade (a heavily pruned or many-class
#: softmax on few rows can want C = 1e-4 or less).
C_GRID: np.ndarray = 10.0 ** np.arange(-5, 5)
#: Inner folds of the training part the validation likelihood is summed over.
INNER_FOLDS = 3
#: Grid steps past its best an output's likelihood must fall before the walk may stop.
PATIENCE = 1
#: A step counts as a fall only when the likelihood drops by more than this share of the
#: best one: near the prior (the smallest Cs) the likelihood is flat to a few parts in a
#: million, and a flat step must not end the walk before the real optimum.
FALL_TOLERANCE = 1e-3
#: Gradient tolerance of the inner fits at C <= 1: they only rank the Cs by validation
#: likelihood, which a looser fit does as well; the final refit uses the solver's default.
INNER_GTOL = 1e-3


def _inner_gtol(C: float) -> float:
    """The inner fits' tolerance at ``C``. With the objective per row, raising C moves the
    gradient at a warm start by only ``||W|| (1 / C_old - 1 / C_new) / n``: at C >= 1000
    that is below a fixed tolerance and L-BFGS would stop at once on the previous C's
    weights, so the tolerance shrinks with C."""
    return INNER_GTOL / max(1.0, float(C))


_EPS = 1e-15


@dataclass(frozen=True, eq=False)
class TunedFit:
    """A head refitted on all training rows at the C its inner folds chose.

    Attributes
    ----------
    fit : LinearFit or None
        None for an engine whose head is its own object (torch).
    C : ndarray of shape (n_outputs,) or (1,)
        The chosen inverse penalty per label (sigmoid) or for the softmax.
    at_edge : ndarray of bool, same shape as ``C``
        Whether the choice is the grid's first or last value (the optimum may lie beyond).
    oof_proba : ndarray of shape (n_samples, n_outputs)
        Out-of-fold probabilities at the chosen C (labels, or class ids for a softmax).
    converged : bool
        Whether the final refit met its tolerance (the inner fits only rank the Cs).
    oof_rows : ndarray of int or None
        The training rows ``oof_proba`` is for, when not all of them (torch: the
        validation rows).
    """

    fit: LinearFit | None
    C: np.ndarray
    at_edge: np.ndarray
    oof_proba: np.ndarray
    converged: bool
    oof_rows: np.ndarray | None = None  # rows of ``oof_proba`` (None: every training row)


def inner_folds(
    n_samples: int, n_folds: int, seed: int, groups: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled K-fold (train, validation) index pairs of ``range(n_samples)``.

    With ``groups`` (one id per row), the rows of a group stay in one fold: a pruned
    powerset repeats a row once per frequent labelset it is split into, and a copy in the
    validation part of a row in the training part would flatter weak penalties.

    Examples
    --------
    >>> [(len(t), len(v)) for t, v in inner_folds(10, 3, seed=0)]
    [(6, 4), (7, 3), (7, 3)]
    >>> [v.tolist() for _, v in inner_folds(4, 2, seed=0, groups=np.array([7, 7, 8, 9]))]
    [[0, 1, 3], [2]]
    """
    rng = np.random.default_rng(seed)
    if groups is None:
        order = rng.permutation(n_samples)
        parts = np.array_split(order, min(n_folds, n_samples))
        return [
            (np.sort(np.concatenate(parts[:k] + parts[k + 1 :])), np.sort(part))
            for k, part in enumerate(parts)
        ]
    unique, inverse = np.unique(np.asarray(groups), return_inverse=True)
    fold_of_group = np.empty(len(unique), dtype=np.int64)
    parts = np.array_split(rng.permutation(len(unique)), min(n_folds, len(unique)))
    for k, part in enumerate(parts):
        fold_of_group[part] = k
    fold = fold_of_group[inverse.ravel()]
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(len(parts))]


class PathWalk:
    """Per-output bookkeeping of the walk up the grid: best likelihood, its C, patience."""

    def __init__(self, n_outputs: int):
        self.best_ll = np.full(n_outputs, -np.inf)
        self.best_index = np.zeros(n_outputs, dtype=np.int64)
        self.declines = np.zeros(n_outputs, dtype=np.int64)

    def update(self, index: int, ll: np.ndarray) -> np.ndarray:
        """Record the likelihoods at grid ``index``; return which outputs improved."""
        better = ll > self.best_ll
        fell = ll < self.best_ll - FALL_TOLERANCE * np.abs(self.best_ll)
        self.best_ll[better] = ll[better]
        self.best_index[better] = index
        self.declines[better] = 0
        self.declines[fell] += 1
        return better

    def active(self) -> np.ndarray:
        """Outputs still walking: not yet fallen past their best, or best at the grid's first
        C (a rare label's likelihood can dip just past the prior and rise far above it at a
        weak penalty; leaving there would keep the prior)."""
        return (self.declines < PATIENCE) | (self.best_index == 0)

    def done(self) -> bool:
        return not self.active().any()


def tune_sigmoid(X, Y: np.ndarray, *, seed: int, max_iter: int = 300) -> TunedFit:
    """Tune one C per label on inner folds, then refit every label at its C.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_labels)
        0/1, every column holding both values.
    seed : int
        Shuffles the inner folds.
    max_iter : int, default=300
        L-BFGS iterations per fit.

    Returns
    -------
    TunedFit
    """
    Y = np.asarray(Y, dtype=np.float64)
    n, n_labels = Y.shape
    folds = inner_folds(n, INNER_FOLDS, seed)
    starts: list[LinearFit | None] = [None] * len(folds)
    walk = PathWalk(n_labels)
    oof_best = np.full((n, n_labels), np.nan)
    # the mean of the folds' weights at each label's best C: where the final refit starts
    coef_best = np.zeros((X.shape[1], n_labels))
    intercept_best = np.zeros(n_labels)
    for index, C in enumerate(C_GRID):
        # a label whose likelihood has fallen past its best is done: the weakly penalised
        # fits are the slow ones, and a few labels wanting a large C must not drag the rest
        active = walk.active()
        oof = np.empty((n, n_labels))
        coef_mean, intercept_mean = np.zeros_like(coef_best), np.zeros_like(intercept_best)
        for k, (train, val) in enumerate(folds):
            fit, proba = _fold_sigmoid(X, Y, train, val, C, starts[k], max_iter, active)
            starts[k] = fit
            oof[val] = proba
            coef_mean += fit.coef / len(folds)
            intercept_mean += fit.intercept / len(folds)
        better = walk.update(index, np.where(active, bernoulli_ll(oof, Y), -np.inf))
        oof_best[:, better] = oof[:, better]
        coef_best[:, better], intercept_best[better] = coef_mean[:, better], intercept_mean[better]
        if walk.done():
            break
    C_chosen = C_GRID[walk.best_index]
    start = LinearFit(coef_best, intercept_best, True, 0)
    # All labels are one L-BFGS problem, with n_labels times the parameters of one: more
    # iterations than a single logistic regression's cap.
    final = fit_logistic_columns(X, Y, C_chosen, start=start, max_iter=3 * max_iter)
    return TunedFit(final, C_chosen, grid_edge(walk.best_index), oof_best, bool(final.converged))


def _fold_sigmoid(X, Y, train, val, C, start, max_iter, active):
    """Fit the ``active`` labels that vary on the inner training rows; an active label
    constant there gets its share, an inactive one keeps its weights (and NaN)."""
    Y_train = Y[train]
    varies = (Y_train.min(axis=0) != Y_train.max(axis=0)) & active
    d, n_labels = X.shape[1], Y.shape[1]
    first = start is None  # the first C: the solver starts at the intercept-only optimum
    if first:
        start = LinearFit(np.zeros((d, n_labels)), np.zeros(n_labels), True, 0)
    coef, intercept = start.coef.copy(), start.intercept.copy()
    proba = np.full((len(val), n_labels), np.nan)
    # A label constant on these rows: the smoothed share, the same for every C.
    constant = ~varies & active
    proba[:, constant] = (Y_train[:, constant].sum(axis=0) + 0.5) / (len(train) + 1.0)
    converged = True
    if varies.any():
        part_start = None if first else LinearFit(coef[:, varies], intercept[varies], True, 0)
        part = fit_logistic_columns(
            X[train],
            Y_train[:, varies],
            C,
            start=part_start,
            max_iter=max_iter,
            gtol=_inner_gtol(C),
        )
        coef[:, varies], intercept[varies] = part.coef, part.intercept
        proba[:, varies] = expit(part.decision_function(X[val]))
        converged = part.converged
    return LinearFit(coef, intercept, converged, 0), proba


def tune_softmax(
    X, y: np.ndarray, n_classes: int, *, seed: int, max_iter: int = 300, groups=None
) -> TunedFit:
    """Tune the softmax's C on inner folds, then refit it at that C.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int in ``[0, n_classes)``
        Every class id occurs at least once.
    n_classes : int
    seed : int
    max_iter : int, default=300
    groups : ndarray of shape (n_samples,), optional
        Rows of one group stay in one inner fold (see :func:`inner_folds`).

    Returns
    -------
    TunedFit
        ``oof_proba`` has one column per class id; a class absent from an inner
        training part gets probability 0 on that fold's validation rows.
    """
    y = np.asarray(y, dtype=np.int64)
    n = len(y)
    folds = inner_folds(n, INNER_FOLDS, seed, groups)
    starts: list[LinearFit | None] = [None] * len(folds)
    walk = PathWalk(1)
    oof_best = np.zeros((n, n_classes))
    start_best: LinearFit | None = None
    for index, C in enumerate(C_GRID):
        oof = np.zeros((n, n_classes))
        # the folds' weights mapped to the class ids, averaged: the final refit's start
        coef_sum = np.zeros((X.shape[1], n_classes))
        intercept_sum, seen_count = np.zeros(n_classes), np.zeros(n_classes)
        for k, (train, val) in enumerate(folds):
            seen, local = np.unique(y[train], return_inverse=True)
            if len(seen) < 2:
                oof[np.ix_(val, seen)] = 1.0
                continue
            fit = fit_softmax(
                X[train],
                local,
                len(seen),
                C,
                start=starts[k],
                max_iter=max_iter,
                gtol=_inner_gtol(C),
            )
            starts[k] = fit
            oof[np.ix_(val, seen)] = softmax(fit.decision_function(X[val]), axis=1)
            coef_sum[:, seen] += fit.coef
            intercept_sum[seen] += fit.intercept
            seen_count[seen] += 1
        ll = np.log(np.clip(oof[np.arange(n), y], _EPS, 1.0)).sum()
        if walk.update(index, np.array([ll]))[0]:
            oof_best = oof
            start_best = _mean_start(coef_sum, intercept_sum, seen_count)
        if walk.done():
            break
    C_chosen = C_GRID[walk.best_index]
    final = fit_softmax(X, y, n_classes, float(C_chosen[0]), start=start_best, max_iter=max_iter)
    return TunedFit(final, C_chosen, grid_edge(walk.best_index), oof_best, bool(final.converged))


def _mean_start(coef_sum, intercept_sum, seen_count) -> LinearFit:
    """The folds' mean weights per class; a class no fold saw starts at the lowest
    intercept (it has a single row, in the validation part of every fold that missed it)."""
    seen = seen_count > 0
    count = np.maximum(seen_count, 1)
    intercept = intercept_sum / count
    if seen.any():
        intercept[~seen] = intercept[seen].min()
    return LinearFit(coef_sum / count, intercept, True, 0)


def bernoulli_ll(proba: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-column log-likelihood of 0/1 ``Y`` under ``proba``."""
    p = np.clip(proba, _EPS, 1.0 - _EPS)
    return (Y * np.log(p) + (1.0 - Y) * np.log1p(-p)).sum(axis=0)


def grid_edge(best_index: np.ndarray) -> np.ndarray:
    """Whether each chosen grid index is the first or last (the optimum may lie beyond)."""
    return (best_index == 0) | (best_index == len(C_GRID) - 1)
