"""L2-penalised logistic and softmax regressions fitted along a path of C, with warm starts.

The objective is scikit-learn's ``LogisticRegression`` (lbfgs, intercept not penalised):
``C * sum_i loss_i + ||W||^2 / 2``, so a solution here is the one scikit-learn finds at the
same C (up to the solver's tolerance). Two differences make tuning cheap:

- the sigmoid head fits all its labels in one L-BFGS problem (the objective is a sum of
  independent per-label terms, so the joint optimum is every label's own optimum), each
  label with its own C;
- every fit can start from a previous solution (the next C on a path, the refit on the
  whole training part), which is what makes a path of Cs cost little more than one fit.

As in scikit-learn, the objective is divided by ``C * n_samples`` (per label for the
sigmoids), which changes nothing but the scale the tolerance is measured on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, log_expit

__all__ = ["LinearFit", "fit_logistic_columns", "fit_softmax"]

#: L-BFGS stops when the largest gradient entry of the (per-row) objective is below this
#: (scikit-learn's default tol for lbfgs).
GTOL = 1e-4


@dataclass(frozen=True, eq=False)
class LinearFit:
    """Weights of a linear head.

    Attributes
    ----------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    converged : bool
        Whether L-BFGS met its tolerance within ``max_iter`` iterations.
    n_iter : int
    """

    coef: np.ndarray
    intercept: np.ndarray
    converged: bool
    n_iter: int

    def decision_function(self, X) -> np.ndarray:
        """Return the (n, n_outputs) linear scores."""
        return np.asarray(X @ self.coef) + self.intercept

    def packed(self) -> np.ndarray:
        """The weights as the flat vector the solver starts from (a warm start)."""
        return np.concatenate([self.coef.ravel(), self.intercept])


def _unpack(theta: np.ndarray, n_features: int, n_outputs: int):
    coef = theta[: n_features * n_outputs].reshape(n_features, n_outputs)
    return coef, theta[n_features * n_outputs :]


def _minimize(objective, start: LinearFit, scale: np.ndarray, max_iter: int, gtol: float):
    """Minimise ``objective(coef, intercept) -> (value, grad_coef, grad_intercept)`` from
    ``start``, over ``coef / scale``.

    ``scale`` (n_features, n_outputs) is a diagonal preconditioner: with one C per label,
    a strongly penalised label's weights have a curvature thousands of times that of the
    others (and of the intercepts), and plain L-BFGS then crawls, hitting its iteration cap
    on the whole joint problem. Dividing each weight by ``scale`` makes every curvature
    about 1; the optimum is the same.
    """
    n_features, n_outputs = scale.shape

    def scaled(theta):
        u, intercept = _unpack(theta, n_features, n_outputs)
        value, grad_coef, grad_intercept = objective(u * scale, intercept)
        return value, np.concatenate([(grad_coef * scale).ravel(), grad_intercept])

    theta0 = np.concatenate([(start.coef / scale).ravel(), start.intercept])
    result = minimize(
        scaled,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": gtol, "ftol": 64 * np.finfo(float).eps},
    )
    u, intercept = _unpack(result.x, n_features, n_outputs)
    # status 1 is "iteration limit reached"; anything else converged or stalled at the optimum
    # within floating-point precision (ABNORMAL_TERMINATION after a tiny gradient).
    return LinearFit(u * scale, intercept.copy(), bool(result.status != 1), int(result.nit))


def _preconditioner(X, C: np.ndarray, n: int) -> np.ndarray:
    """(n_features, n_outputs): brings each weight's approximate curvature, the data
    term's (a logistic variance of at most 1/4 times the column's mean square) plus the
    penalty's ``1 / (C n)``, to 1/4, an intercept's. A standardised column at a weak
    penalty keeps scale 1, and with it the meaning of the gradient tolerance."""
    square = X.multiply(X) if sp.issparse(X) else X * X
    data = 0.25 * np.asarray(square.mean(axis=0)).ravel()
    return 0.5 / np.sqrt(data[:, None] + 1.0 / (np.asarray(C, dtype=float)[None, :] * n))


def _as_matrix(X):
    return X.tocsr() if sp.issparse(X) else np.asarray(X, dtype=float)


def fit_logistic_columns(
    X, Y: np.ndarray, C, *, start: LinearFit | None = None, max_iter: int = 300, gtol: float = GTOL
) -> LinearFit:
    """Fit one L2 logistic regression per column of ``Y``, all in one L-BFGS problem.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_labels)
        0/1; a constant column gets an intercept driven only by the iteration cap, so
        callers leave constant columns out.
    C : float or ndarray of shape (n_labels,)
        Inverse penalty, one per column or shared.
    start : LinearFit or None
        Weights to start from (a warm start); zeros otherwise.
    max_iter : int, default=300
    gtol : float, default=GTOL
        Tolerance on the largest gradient entry.

    Returns
    -------
    LinearFit
        ``coef`` of shape (n_features, n_labels).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 0], [1, 0]])
    >>> fit = fit_logistic_columns(X, Y, 1.0)
    >>> (expit(fit.decision_function(X)) > 0.5).astype(int).tolist()
    [[0, 1], [0, 1], [1, 0], [1, 0]]
    """
    X = _as_matrix(X)
    Y = np.asarray(Y, dtype=float)
    n, d = X.shape
    n_labels = Y.shape[1]
    C = np.broadcast_to(np.asarray(C, dtype=float), (n_labels,))

    def objective(coef, intercept):
        Z = np.asarray(X @ coef) + intercept
        # log-loss of a sigmoid: -y log p - (1 - y) log(1 - p), computed stably
        loss = -(Y * log_expit(Z) + (1.0 - Y) * log_expit(-Z))
        R = expit(Z) - Y
        value = (loss.sum() + 0.5 * np.sum(coef * coef / C)) / n
        return value, (np.asarray(X.T @ R) + coef / C) / n, R.sum(axis=0) / n

    if start is None:
        # the intercept-only optimum: near the solution at small C, where from zeros the
        # unpenalised intercepts against a stiff penalty make L-BFGS crawl
        rate = np.clip(Y.mean(axis=0), 0.5 / n, 1.0 - 0.5 / n)
        start = LinearFit(np.zeros((d, n_labels)), np.log(rate / (1.0 - rate)), True, 0)
    return _minimize(objective, start, _preconditioner(X, C, n), max_iter, gtol)


def fit_softmax(
    X,
    y: np.ndarray,
    n_classes: int,
    C: float,
    *,
    start: LinearFit | None = None,
    max_iter: int = 300,
    gtol: float = GTOL,
) -> LinearFit:
    """Fit one L2 softmax (multinomial logistic) regression over ``n_classes`` classes.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int in ``[0, n_classes)``
        Every class id should occur: a class without rows has an unpenalised intercept
        driven towards minus infinity, so callers fit only the classes they saw.
    n_classes : int
    C : float
    start : LinearFit or None
    max_iter : int, default=300
    gtol : float, default=GTOL

    Returns
    -------
    LinearFit
        ``coef`` of shape (n_features, n_classes).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> fit = fit_softmax(X, np.array([0, 0, 1, 1, 2, 2]), 3, 10.0)
    >>> np.argmax(fit.decision_function(X), axis=1).tolist()
    [0, 0, 1, 1, 2, 2]
    """
    X = _as_matrix(X)
    y = np.asarray(y, dtype=np.int64)
    n, d = X.shape
    rows = np.arange(n)

    def objective(coef, intercept):
        Z = np.asarray(X @ coef) + intercept
        Z -= Z.max(axis=1, keepdims=True)  # stable: exp of at most 0
        E = np.exp(Z)
        norm = E.sum(axis=1)
        # cross-entropy: log sum_k exp(z_k) - z_y, from the same exponentials as the gradient
        loss = np.log(norm).sum() - Z[rows, y].sum()
        R = E / norm[:, None]
        R[rows, y] -= 1.0
        value = (loss + 0.5 * np.sum(coef * coef) / C) / n
        return value, (np.asarray(X.T @ R) + coef / C) / n, R.sum(axis=0) / n

    if start is None:
        # the intercept-only optimum (log class shares), as for the sigmoids
        counts = np.bincount(y, minlength=n_classes).astype(float)
        start = LinearFit(np.zeros((d, n_classes)), np.log(np.maximum(counts, 0.5) / n), True, 0)
    scale = _preconditioner(X, np.full(n_classes, float(C)), n)
    return _minimize(objective, start, scale, max_iter, gtol)
