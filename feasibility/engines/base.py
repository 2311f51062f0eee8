"""What every learning-curve engine provides: two output heads on the same inputs.

An engine fits either a ``sigmoid`` head (one independent sigmoid output per label,
binary cross-entropy) or a ``softmax`` head (one softmax over class ids, cross-entropy)
on a training part and returns a :class:`FittedHead`. Label bookkeeping (which labels
are constant, mapping labelsets to class ids, pruning) is the caller's job
(``feasibility.curves``), so that every engine sees exactly the same problem.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class FittedHead(Protocol):
    """A fitted head."""

    n_params: int
    """Number of trainable parameters of the model (weights and biases, all layers)."""

    def predict_proba(self, X) -> np.ndarray:
        """Return probabilities: (n, L) independent sigmoids, or (n, K) softmax rows."""


@runtime_checkable
class Engine(Protocol):
    """A way of training the two heads."""

    name: str
    """Short name shown in the output, e.g. ``"sklearn-linear"`` or ``"torch"``."""

    def fit_sigmoid(self, X, Y: np.ndarray, *, random_state: int) -> FittedHead:
        """Fit one sigmoid per column of ``Y`` (n, L) uint8; every column has both 0 and 1."""

    def fit_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int) -> FittedHead:
        """Fit a softmax over ``n_classes`` >= 2 classes; ``y`` (n,) int64 in [0, n_classes)."""
