"""The torch engine's heads tuned the same way as the scikit-learn ones: the penalty chosen
by the head's own validation log-likelihood, the decoding thresholds chosen on validation
predictions of the training part.

The torch engine already holds out a validation part of the training rows for early
stopping; the same rows choose the penalty. Its weight decay ``wd`` on the mean loss per
row is the inverse penalty ``C = 1 / (wd * n_fit)`` of a logistic regression (``C * sum of
losses + ||W||^2 / 2`` and ``mean loss + wd / 2 * ||W||^2`` have the same minimiser), so
the grid is the scikit-learn engine's C grid expressed as weight decays. The walk goes up the
grid from the strongest penalty, each fit starting from the weights of the one before (early
stopping then ends it soon after it has moved to its own optimum), and stops one clear fall
past the best validation loss (:class:`~feasibility.engines.tuning.PathWalk`: near the prior
the losses are flat, and a flat step must not end the walk at the prior). The head
kept is the one trained at the best penalty (on the fit rows, stopped early on the validation
rows): there is no refit, because early stopping needs those rows.

Unlike the scikit-learn engine, the sigmoid head shares one penalty across its labels (the
network is trained as one model), and the thresholds are chosen on the validation rows only.
"""

from __future__ import annotations

import copy as copy_module

import numpy as np

from .tuning import C_GRID, PathWalk, TunedFit, grid_edge

__all__ = ["replace_weight_decay", "tune_torch_head", "weight_decay_for"]


def weight_decay_for(C: float, n_fit: int) -> float:
    """The weight decay on the mean loss equivalent to the inverse penalty ``C``.

    Examples
    --------
    >>> weight_decay_for(0.01, 1000)
    0.1
    """
    return 1.0 / (C * max(n_fit, 1))


def tune_torch_head(engine, fit, X, n_rows: int, *, random_state: int, groups=None):
    """Fit a torch head at each weight decay of the grid, keep the best on validation.

    Parameters
    ----------
    engine : TorchEngine
    fit : callable
        ``fit(engine_at_one_weight_decay) -> TorchHead``.
    X : ndarray or sparse matrix
        The head's inputs (to predict the validation rows).
    n_rows : int
    random_state : int
    groups : ndarray of shape (n_rows,), optional
        As ``fit`` splits them (whole groups to validation).

    Returns
    -------
    head : TorchHead
    tuning : TunedFit
        ``oof_proba`` holds the validation rows' probabilities (``oof_rows``).
    """
    fit_rows, validation_rows = engine._split(
        n_rows, np.random.default_rng(int(random_state)), groups
    )
    if len(validation_rows) == 0:
        head = fit(engine)
        return head, None
    walk = PathWalk(1)
    best, state, last_index = None, None, 0
    for index, C in enumerate(C_GRID):
        last_index = index
        stepped = replace_weight_decay(engine, weight_decay_for(C, len(fit_rows)))
        stepped.initial_state = state
        head = fit(stepped)
        loss = head.best_validation_loss
        if not np.isfinite(loss):
            continue
        state = {k: v.detach().clone() for k, v in head.network.state_dict().items()}
        if walk.update(index, np.array([-loss * len(validation_rows)]))[0]:
            best = head
        if walk.done():
            break
    best_index = int(walk.best_index[0])
    if best is None:  # no finite validation loss at any C: the last head, and its C
        best, best_index = head, last_index
    proba = best.predict_proba(X[validation_rows])
    tuning = TunedFit(
        fit=None,
        C=np.array([C_GRID[best_index]]),
        at_edge=grid_edge(np.array([best_index])),
        oof_proba=proba,
        converged=True,
        oof_rows=validation_rows,
    )
    return best, tuning


def replace_weight_decay(engine, weight_decay: float):
    """A copy of ``engine`` with another weight decay (the engine holds only settings)."""
    copy = copy_module.copy(engine)
    copy.weight_decay = float(weight_decay)
    return copy
