"""Choose the scikit-learn MLP's ``alpha`` on a validation split of the training part.

scikit-learn's MLP adds ``alpha ||W||^2 / (2 n)`` to its mean loss, which is the logistic
regression's ``||W||^2 / (2 C)`` on the summed loss: ``alpha = 1 / C``. The MLP is therefore
tuned on the linear heads' grid (:data:`~feasibility.engines.tuning.C_GRID`) by the same
criterion, the head's validation log-likelihood, stopping one clear fall past the best
(:class:`~feasibility.engines.tuning.PathWalk`). Three differences:

- the walk starts at scikit-learn's own alpha (1e-4, C = 1e4, the grid's weakest penalty)
  and goes towards stronger ones, and every alpha is a fresh fit: at strong penalties Adam
  does not converge in its epochs, so their likelihoods are noise that must not end the
  walk, and a warm start would train the network for more epochs than the refit gets;
- one validation split, the first of the linear heads' inner folds, instead of all three
  (one MLP fit costs as much as a whole linear path);
- the sigmoid head is one network with an output per label, so its labels share one alpha.

The head is then refitted on all training rows at the chosen alpha; the validation rows'
probabilities are kept for the decoding thresholds.
"""

from __future__ import annotations

import warnings

import numpy as np

from .tuning import C_GRID, INNER_FOLDS, PathWalk, TunedFit, bernoulli_ll, grid_edge, inner_folds

__all__ = ["tune_mlp_sigmoid", "tune_mlp_softmax"]

_EPS = 1e-15


def _walk(make_mlp, X, targets, val_ll, seed: int, groups=None):
    """Walk the grid on one split; return (chosen index, its validation output, rows)."""
    from sklearn.exceptions import ConvergenceWarning

    train, val = inner_folds(X.shape[0], INNER_FOLDS, seed, groups)[0]
    walk = PathWalk(1)
    best_output = None
    # from scikit-learn's own alpha (1e-4, the grid's weakest penalty) towards stronger ones
    for step, index in enumerate(range(len(C_GRID) - 1, -1, -1)):
        network = make_mlp().set_params(alpha=1.0 / float(C_GRID[index]))
        with warnings.catch_warnings():
            # a walk fit that stops at its epoch cap only ranks an alpha; whether the head
            # converged is the refit's to say
            warnings.simplefilter("ignore", ConvergenceWarning)
            network.fit(X[train], targets[train])
        ll, output = val_ll(network, X[val], targets[val])
        if walk.update(step, np.array([ll]))[0]:
            best_output = output
        if walk.done():
            break
    return len(C_GRID) - 1 - int(walk.best_index[0]), best_output, val


def tune_mlp_sigmoid(make_mlp, X, Y: np.ndarray, *, seed: int):
    """Tune the multi-output network's alpha, then refit it on all rows.

    Parameters
    ----------
    make_mlp : callable
        Returns a fresh, unfitted ``MLPClassifier`` (the engine's settings).
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_labels), 0/1
    seed : int
        Shuffles the validation split.

    Returns
    -------
    network : MLPClassifier
        Fitted on all rows at the chosen alpha.
    tuning : TunedFit
        ``C`` (shape (1,)) is ``1 / alpha``; ``oof_proba`` are the validation rows'.
    """
    Y = np.asarray(Y)
    # one label is a binary problem to scikit-learn: a 1-d target, two probability columns
    targets = Y if Y.shape[1] > 1 else Y[:, 0]

    def val_ll(network, X_val, targets_val):
        Y_val = targets_val.reshape(len(targets_val), -1)
        proba = network.predict_proba(X_val)
        if Y_val.shape[1] == 1:
            proba = proba[:, 1:]
        return float(bernoulli_ll(proba, Y_val).sum()), proba

    index, proba, val = _walk(make_mlp, X, targets, val_ll, seed)
    network = make_mlp().set_params(alpha=1.0 / float(C_GRID[index])).fit(X, targets)
    return network, _tuned(index, proba, val)


def tune_mlp_softmax(make_mlp, X, y: np.ndarray, n_classes: int, *, seed: int, groups=None):
    """Tune the softmax network's alpha, then refit it on all rows.

    Parameters
    ----------
    make_mlp : callable
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int in ``[0, n_classes)``
    n_classes : int
    seed : int
    groups : ndarray of shape (n_samples,), optional
        Rows of one group stay on one side of the split.

    Returns
    -------
    network : MLPClassifier
    tuning : TunedFit
        ``oof_proba`` has one column per class id (0 for a class the split's training
        part lacked).
    """
    y = np.asarray(y, dtype=np.int64)

    def val_ll(network, X_val, y_val):
        proba = np.zeros((len(y_val), n_classes))
        if len(network.classes_) == 1:  # a single class seen: it gets all the mass
            proba[:, network.classes_] = 1.0
        else:
            proba[:, network.classes_] = network.predict_proba(X_val)
        taken = np.clip(proba[np.arange(len(y_val)), y_val], _EPS, 1.0)
        return float(np.log(taken).sum()), proba

    index, proba, val = _walk(make_mlp, X, y, val_ll, seed, groups)
    network = make_mlp().set_params(alpha=1.0 / float(C_GRID[index])).fit(X, y)
    return network, _tuned(index, proba, val)


def _tuned(index: int, proba: np.ndarray, val: np.ndarray) -> TunedFit:
    chosen = np.array([index])
    return TunedFit(
        fit=None,
        C=C_GRID[chosen],
        at_edge=grid_edge(chosen),
        oof_proba=proba,
        converged=True,
        oof_rows=val,
    )
