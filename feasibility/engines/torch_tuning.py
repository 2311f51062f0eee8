"""The torch engine's heads tuned the same way as the scikit-learn ones: the penalty chosen
by the head's own validation log-likelihood, the decoding thresholds chosen on validation
predictions of the training part.

The torch engine already holds out a validation part of the training rows for early
stopping; the same rows choose the penalty. Its weight decay ``wd`` on the mean loss per
row is the inverse penalty ``C = 1 / (wd * n_fit)`` of a logistic regression (``C * sum of
losses + ||W||^2 / 2`` and ``mean loss + wd / 2 * ||W||^2`` have the same minimiser), so
the grid is the scikit-learn engine's C grid expressed as weight decays. The search starts
at C = 0.01 and goes up while no step falls clearly past the best validation loss
(:class:`~feasibility.engines.tuning.PathWalk`'s rule), each fit starting from the weights
and Adam's moments of the best one so far (early stopping then ends it soon after it has
moved to its own optimum); when no weaker penalty was better, it goes down, from the null
model, while each step is better. An MLP is searched as the scikit-learn MLP is, from the
weakest penalty towards stronger ones with a fresh fit at each. The head kept is the one trained at the best penalty (on the fit rows, stopped
early on the validation rows): there is no refit, because early stopping needs those rows.

Unlike the scikit-learn engine, the sigmoid head shares one penalty across its labels (the
network is trained as one model), and the thresholds are chosen on the validation rows only.
"""

from __future__ import annotations

import copy as copy_module
import dataclasses

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
    """Search the grid's weight decays for the best validation loss; keep that head.

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
    n_fit = len(fit_rows)
    heads: dict[int, object] = {}
    losses: dict[int, float] = {}

    def fit_at(index: int, best: int | None, from_best: bool) -> None:
        """Train at grid ``index`` (from ``best``'s weights if ``from_best``); keep ``best``."""
        stepped = replace_weight_decay(engine, weight_decay_for(C_GRID[index], n_fit))
        stepped.keeps_moments = True
        if from_best and best is not None and np.isfinite(losses[best]):
            stepped.initial_state = heads[best]  # (never a head whose training failed)
        for other in [k for k in heads if k != best]:
            del heads[other]  # only the best so far is needed (imdb's head is 16 MB)
        heads[index] = fit(stepped)
        loss = heads[index].best_validation_loss
        losses[index] = float(loss) if np.isfinite(loss) else np.inf

    search = _search_from_weakest if engine.hidden_layer_sizes else _search
    best_index = search(fit_at, lambda index: losses[index])
    # Adam's moments served the warm starts; the head kept does not carry them
    best = dataclasses.replace(heads[best_index], optimizer_state=None)
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


#: Where the search starts: C = 0.01, two decades under scikit-learn's default. Above it
#: the search walks up as the scikit-learn engine's does, each fit warm-started from a
#: stronger penalty; the four strongest decades, where the loss is nearly the prior's, are
#: tried only when nothing above beats the start.
START_INDEX = int(np.flatnonzero(C_GRID == 0.01)[0])


def _search(fit_at, loss_at) -> int:
    """Return the grid index of the best validation loss, searched from :data:`START_INDEX`.

    Up the grid while no step falls clearly past the best (:class:`PathWalk`'s rule: a
    flat step goes on), each fit warm-started from the best so far; if no weaker penalty
    was better, down from the start while each step is better. The validation loss of
    one network's shared penalty is unimodal in log C in practice, and starting above the
    prior's flat decades trains half the heads a walk from the strongest penalty does
    (enron: 3 instead of 6).
    """
    walk = PathWalk(1)
    walk.best_index[0] = START_INDEX  # (the start stays best if no loss is finite)
    fit_at(START_INDEX, None, from_best=False)
    _record(walk, START_INDEX, loss_at(START_INDEX))
    for index in range(START_INDEX + 1, len(C_GRID)):
        fit_at(index, int(walk.best_index[0]), from_best=True)
        _record(walk, index, loss_at(index))
        if walk.declines[0] >= 1 or not np.isfinite(loss_at(index)):
            break
    if int(walk.best_index[0]) == START_INDEX:
        for index in range(START_INDEX - 1, -1, -1):
            # from the null model: started from a weaker penalty's weights, early stopping
            # ends a stronger penalty's fit on a plateau far from its own optimum
            fit_at(index, int(walk.best_index[0]), from_best=False)
            if not _record(walk, index, loss_at(index)):
                break
    return int(walk.best_index[0])


def _record(walk: PathWalk, index: int, loss: float) -> bool:
    """Record the validation loss at grid ``index`` (as a likelihood: PathWalk's fall
    tolerance is relative, so the mean per row ranks as the sum would); return whether it
    is the best so far."""
    return bool(walk.update(index, np.array([-loss]))[0])


def _search_from_weakest(fit_at, loss_at) -> int:
    """The MLP's search: from the weakest penalty towards stronger ones, every fit from a
    fresh initialisation, one clear fall past the best ends it (as the scikit-learn MLP's,
    :mod:`~feasibility.engines.mlp_tuning`: a network is not convex, strongly penalised
    fits end on noisy plateaus, and a warm start would carry one C's training into the
    next)."""
    walk = PathWalk(1)
    last = len(C_GRID) - 1
    walk.best_index[0] = last
    for index in range(last, -1, -1):
        fit_at(index, int(walk.best_index[0]), from_best=False)
        _record(walk, index, loss_at(index))
        if walk.declines[0] >= 1:
            break
    return int(walk.best_index[0])


def replace_weight_decay(engine, weight_decay: float):
    """A copy of ``engine`` with another weight decay (the engine holds only settings)."""
    copy = copy_module.copy(engine)
    copy.weight_decay = float(weight_decay)
    return copy
