"""The network behind the torch engine's heads: rows (dense or sparse CSR) in, one layer
stack out; :class:`TorchHead`, a fitted head that predicts probabilities; and the pieces
of its training loop (Adam, a warm start, the validation loss)."""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import DatasetError

__all__ = [
    "GATHER_ROWS",
    "PREDICT_ROWS",
    "InputRows",
    "SparseBatch",
    "TorchHead",
    "epoch_batches",
    "make_adam",
    "mean_loss",
    "warm_start",
]

#: Rows per forward pass at prediction and validation time (bounds the memory of the
#: (rows, n_outputs) logits: 4,096 x 4,054 float32 is 66 MB).
PREDICT_ROWS = 4096


class SparseBatch(NamedTuple):
    """A CSR minibatch in ``embedding_bag`` form (``offsets`` is the full indptr)."""

    indices: torch.Tensor
    offsets: torch.Tensor
    values: torch.Tensor


class InputRows:
    """Row access to a dense float32 array or a CSR matrix, without densifying CSR."""

    def __init__(self, X):
        if sp.issparse(X):
            self.csr = sp.csr_matrix(X, dtype=np.float32)
            self.dense = None
            shape = self.csr.shape
        else:
            array = np.ascontiguousarray(X, dtype=np.float32)
            if array.ndim != 2:
                raise DatasetError(
                    f"X must be 2-D (n_samples, n_features); got shape {array.shape}."
                )
            self.csr = None
            self.dense = torch.from_numpy(array)
            shape = array.shape
        self.n_rows, self.n_features = int(shape[0]), int(shape[1])

    def take(self, rows: np.ndarray) -> torch.Tensor | SparseBatch:
        if self.dense is not None:
            return self.dense[torch.from_numpy(rows)]
        part = self.csr[rows]
        return SparseBatch(
            indices=torch.from_numpy(part.indices.astype(np.int64)),
            offsets=torch.from_numpy(part.indptr.astype(np.int64)),
            values=torch.from_numpy(part.data.astype(np.float32, copy=False)),
        )


#: Rows gathered at once by :func:`epoch_batches` (bounds the copy of dense inputs: 8,192
#: rows of 1,000 float32 features are 33 MB).
GATHER_ROWS = 8192


def epoch_batches(rows: InputRows, targets: torch.Tensor, order: np.ndarray, batch_size: int):
    """Yield ``(inputs, targets)`` minibatches of ``order``'s rows, in that order.

    Rows are gathered a few thousand at a time and each batch is a slice of them:
    gathering CSR rows batch by batch (scipy's fancy indexing, int64 copies per batch)
    cost a tenth of a linear head's step on enron.
    """
    chunk_rows = batch_size * max(1, GATHER_ROWS // batch_size)
    for chunk_start in range(0, len(order), chunk_rows):
        chunk = order[chunk_start : chunk_start + chunk_rows]
        part = rows.take(chunk)
        part_targets = targets[torch.from_numpy(chunk)]
        for first in range(0, len(chunk), batch_size):
            last = min(first + batch_size, len(chunk))
            if isinstance(part, SparseBatch):
                start, stop = int(part.offsets[first]), int(part.offsets[last])
                inputs = SparseBatch(
                    indices=part.indices[start:stop],
                    offsets=part.offsets[first : last + 1] - start,
                    values=part.values[start:stop],
                )
            else:
                inputs = part[first:last]
            yield inputs, part_targets[first:last]


class _Network(nn.Module):
    """Fully connected ReLU network; weights stored (in, out) for ``embedding_bag``."""

    def __init__(self, widths: tuple[int, ...]):
        super().__init__()
        pairs = list(zip(widths[:-1], widths[1:]))
        # torch.empty, not nn.Linear: nn.Linear would draw its initial weights from
        # torch's global generator, which belongs to the caller.
        self.weights = nn.ParameterList(nn.Parameter(torch.empty(a, b)) for a, b in pairs)
        self.biases = nn.ParameterList(nn.Parameter(torch.empty(b)) for _, b in pairs)

    def initialize(self, generator: torch.Generator, output_bias: torch.Tensor) -> None:
        """Hidden layers as nn.Linear does; output layer at the null (intercept-only) model."""
        with torch.no_grad():
            for weight, bias in zip(self.weights[:-1], self.biases[:-1]):
                # nn.Linear's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and bias
                bound = 1.0 / math.sqrt(weight.shape[0])
                weight.uniform_(-bound, bound, generator=generator)
                bias.uniform_(-bound, bound, generator=generator)
            # Zero output weights and prior log-odds biases: both heads start from the
            # model that predicts the training prevalence, as an intercept-only GLM.
            self.weights[-1].zero_()
            self.biases[-1].copy_(output_bias)

    def forward(self, batch: torch.Tensor | SparseBatch) -> torch.Tensor:
        if isinstance(batch, SparseBatch):
            z = (
                F.embedding_bag(
                    batch.indices,
                    self.weights[0],
                    batch.offsets,
                    mode="sum",
                    per_sample_weights=batch.values,
                    include_last_offset=True,
                )
                + self.biases[0]
            )
        else:
            z = torch.addmm(self.biases[0], batch, self.weights[0])
        for weight, bias in zip(self.weights[1:], self.biases[1:]):
            z = torch.addmm(bias, torch.relu(z), weight)
        return z


@dataclass(frozen=True, eq=False)
class TorchHead:
    """A head fitted by :class:`TorchEngine` (implements ``FittedHead``).

    Attributes
    ----------
    kind : str
        ``"sigmoid"`` or ``"softmax"``.
    network : torch.nn.Module
        The trained network, with the weights of the best validation epoch.
    n_params : int
        Number of trainable parameters (weights and biases, all layers).
    n_outputs : int
        Labels (sigmoid) or classes (softmax).
    n_train : int
        Rows the weights were trained on (the training part minus the validation part).
    n_validation : int
        Rows held out for early stopping (0: no early stopping, ``max_epochs`` epochs).
    epochs : int
        Epochs started before stopping (the last one may be partial).
    steps : int
        Optimiser steps (minibatches) taken.
    best_epoch : int
        Epoch during which the kept weights were reached.
    best_step : int
        Step at which the kept weights were reached.
    best_validation_loss : float
        Validation loss at ``best_epoch`` (NaN without a validation part): mean over rows
        of the binary cross-entropy summed over labels (sigmoid) or of the cross-entropy
        (softmax).
    batch_size : int
    learning_rate : float
    fit_seconds : float
        Wall time of the training loop.
    """

    kind: str
    network: nn.Module
    n_params: int
    n_outputs: int
    n_train: int
    n_validation: int
    epochs: int
    steps: int
    best_epoch: int
    best_step: int
    best_validation_loss: float
    batch_size: int
    learning_rate: float
    fit_seconds: float
    #: Adam's state at the kept weights (a later fit of the tuning path starts from it).
    optimizer_state: dict | None = field(default=None, repr=False)

    def predict_proba(self, X) -> np.ndarray:
        """Return probabilities as float32: (n, L) independent sigmoids or (n, K) softmax rows.

        float32, not float64: imdb's 24,000 test rows by 4,054 classes are 390 MB already.
        """
        rows = InputRows(X)
        n_features = int(self.network.weights[0].shape[0])
        if rows.n_features != n_features:
            raise DatasetError(
                f"X has {rows.n_features} features but the head was trained on {n_features}."
            )
        out = np.empty((rows.n_rows, self.n_outputs), dtype=np.float32)
        link = torch.sigmoid if self.kind == "sigmoid" else (lambda z: torch.softmax(z, dim=1))
        self.network.eval()
        with torch.no_grad():
            for start in range(0, rows.n_rows, PREDICT_ROWS):
                chunk = np.arange(start, min(start + PREDICT_ROWS, rows.n_rows))
                out[chunk] = link(self.network(rows.take(chunk))).numpy()
        return out

    def to_dict(self) -> dict:
        """Return the JSON-safe training summary (no weights)."""
        loss = self.best_validation_loss
        return {
            "kind": self.kind,
            "n_params": int(self.n_params),
            "n_outputs": int(self.n_outputs),
            "n_train": int(self.n_train),
            "n_validation": int(self.n_validation),
            "epochs": int(self.epochs),
            "steps": int(self.steps),
            "best_epoch": int(self.best_epoch),
            "best_step": int(self.best_step),
            "best_validation_loss": None if math.isnan(loss) else float(loss),
            "batch_size": int(self.batch_size),
            "learning_rate": float(self.learning_rate),
            "fit_seconds": float(self.fit_seconds),
        }


def warm_start(network: _Network, optimizer: torch.optim.Optimizer, head: TorchHead) -> None:
    """Start from ``head``'s weights and Adam moments, at this fit's step size and penalty.

    Without the moments, Adam's first steps are about the step size on every weight
    whatever the gradient: on enron's powerset they threw the network so far from the
    previous optimum that the next penalty's fit needed 40 epochs to come back.
    """
    network.load_state_dict(head.network.state_dict())  # copied into the parameters
    if head.optimizer_state is None:
        return
    own = [(group["lr"], group["weight_decay"]) for group in optimizer.param_groups]
    optimizer.load_state_dict(copy.deepcopy(head.optimizer_state))  # also sets lr and decay
    for group, (learning_rate, weight_decay) in zip(optimizer.param_groups, own):
        group["lr"], group["weight_decay"] = learning_rate, weight_decay


def make_adam(groups: list[dict], learning_rate: float) -> torch.optim.Optimizer:
    """Adam, fused where torch has a fused CPU kernel (2.4 and later).

    On a linear head the optimiser is most of a step: enron's 1,001 x 753 softmax takes
    7.5 ms a step with the per-parameter loop and 2.3 ms fused (one thread, batch 32).
    """
    return torch.optim.Adam(groups, lr=learning_rate, fused=_fused_adam_works() or None)


@functools.cache
def _fused_adam_works() -> bool:
    """Whether a fused Adam step runs on CPU here (probed once per process): torch before
    2.4 refuses it when the optimiser is built, later versions check at the first step."""
    try:
        weight = nn.Parameter(torch.zeros(2))
        probe = torch.optim.Adam([weight], lr=0.1, fused=True)
        weight.grad = torch.ones(2)
        probe.step()
    except (RuntimeError, TypeError, ValueError):
        return False
    return True


def mean_loss(network: nn.Module, batches: list, loss_fn) -> float:
    """Row-weighted mean of ``loss_fn`` (a per-row mean) over the validation batches."""
    network.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for inputs, target in batches:
            total += float(loss_fn(network(inputs), target)) * len(target)
            count += len(target)
    return total / count
