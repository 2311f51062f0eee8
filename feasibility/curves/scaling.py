"""How the features are scaled before a head is fitted (on the training rows of each job).

``"auto"`` scales each column by its kind: a column of counts or 0/1 values (every value a
non-negative integer) is divided by its largest absolute value, which keeps zeros zero and
the bag-of-words geometry intact; any other column is standardised. A sparse matrix is
always max-abs scaled (centring would make it dense). ``"standard"``, ``"maxabs"`` and
``"none"`` apply one rule to every column.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["SCALINGS", "ColumnScaler", "count_columns", "make_scaler"]

SCALINGS: tuple[str, ...] = ("auto", "standard", "maxabs", "none")


def count_columns(X) -> np.ndarray:
    """(n_features,) bool: columns whose every value is a non-negative integer.

    Examples
    --------
    >>> count_columns(np.array([[0.0, 1.5, 3.0], [1.0, -2.0, 0.0]])).tolist()
    [True, False, True]
    """
    if sp.issparse(X):
        return np.ones(X.shape[1], dtype=bool)
    X = np.asarray(X)
    return np.all((X >= 0) & (X == np.round(X)), axis=0)


class ColumnScaler:
    """Subtract a centre and divide by a scale, per column, both learned by :meth:`fit`.

    Parameters
    ----------
    scaling : {"auto", "standard", "maxabs", "none"}

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])
    >>> ColumnScaler("auto").fit_transform(X * [1, 0.5]).round(2).tolist()
    [[0.0, -1.02], [0.5, -0.34], [1.0, 1.36]]
    """

    def __init__(self, scaling: str = "auto"):
        self.scaling = scaling

    def fit(self, X) -> ColumnScaler:
        X = np.asarray(X, dtype=np.float64)
        n_features = X.shape[1]
        self.center_ = np.zeros(n_features)
        self.scale_ = np.ones(n_features)
        if self.scaling == "none" or X.shape[0] == 0:
            return self
        maxabs = (
            count_columns(X)
            if self.scaling == "auto"
            else np.full(n_features, self.scaling == "maxabs")
        )
        largest = np.abs(X).max(axis=0)
        std = X.std(axis=0)
        self.center_ = np.where(maxabs, 0.0, X.mean(axis=0))
        scale = np.where(maxabs, largest, std)
        # A constant column stays as it is (its scale would be 0).
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - self.center_) / self.scale_

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)


def make_scaler(X, scaling: str):
    """The scaler for ``X`` under ``scaling`` (not fitted): max-abs for sparse input
    (unless ``"none"``), :class:`ColumnScaler` otherwise."""
    if sp.issparse(X):
        from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler

        return FunctionTransformer() if scaling == "none" else MaxAbsScaler()
    return ColumnScaler(scaling)
