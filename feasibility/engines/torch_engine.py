"""PyTorch engine: both heads as the output layer of one minibatch network trained with Adam.

The sigmoid head (one sigmoid per label, binary cross-entropy) and the softmax head (one
softmax over class ids, cross-entropy) are the same network with the same optimiser, the
same search for the weight decay and the same tuning effort: Adam on minibatches, early
stopping on the loss of a held-out validation part of the training data (the best weights
are restored), and a cap on the number of epochs. Equal epochs would not be equal care: with rare
positives a sigmoid head needs many more steps than a softmax head to leave its starting
point, so each head trains until its own validation loss stops improving.

Sparse input stays sparse. A CSR matrix is sliced per minibatch and its first layer is an
``embedding_bag`` sum over the non-zero entries, so the cost of a step is proportional to
the number of non-zeros times the layer width. Densifying would cost memory (imdb's
120,919 x 1,001 float32 matrix is 484 MB, and every parallel worker would hold its own
copy) and time (a dense 2,048 x 1,001 by 1,001 x 4,054 product is ~4x slower than the
sparse one with imdb's 19 non-zeros per row).

This module imports torch; ``feasibility.engines.torch_available()`` tells whether it can
be imported. It never changes torch's global state: the number of threads is the caller's
(``torch.set_num_threads``), and all randomness comes from a ``torch.Generator`` and a
numpy ``Generator`` seeded with ``random_state``.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import DatasetError, invalid_parameter
from .torch_network import PREDICT_ROWS as _PREDICT_ROWS
from .torch_network import (
    InputRows,
    TorchHead,
    _Network,
    epoch_batches,
    make_adam,
    mean_loss,
    warm_start,
)

__all__ = ["TorchEngine", "TorchHead", "default_batch_size", "default_learning_rate"]

#: Absolute decrease of the validation loss that counts as an improvement (as
#: scikit-learn's MLPClassifier ``tol``).
_TOLERANCE = 1e-4
#: Training rows between two validation checks inside an epoch. On large data the
#: optimum often comes within an epoch or two; checking only once per epoch would spend
#: ``patience`` whole epochs confirming it (10 x 100,000 rows on imdb).
_CHECK_ROWS = 32_768
#: After this many validation checks without improvement, training goes back to the best
#: weights with Adam's learning rate times _LR_DROP_FACTOR, at most _LR_DROPS times. The
#: checks after a drop still count towards the patience: a drop that finds nothing better
#: does not buy another full patience (on enron's heads that was a third of the epochs).
_LR_DROP_AFTER = 3
_LR_DROP_FACTOR = 0.1
_LR_DROPS = 2


def default_batch_size(n_train: int, hidden_layer_sizes: tuple[int, ...] = ()) -> int:
    """Return the minibatch size used when ``batch_size=None``.

    A power of two near ``n_train / steps``, at least 16 and at most 2,048 rows, for
    about ``steps`` steps per epoch: 16 for a linear model, 32 with hidden layers. Early
    stopping counts epochs, and a linear head (a convex problem, Adam at step size 0.01)
    needs about as many epochs with 16 steps as with 32, while a step's cost is mostly
    Adam's pass over every weight whatever the batch: on enron's largest training part
    the tuned linear heads trained 1.1-1.7x faster with 64-row batches than with 32, at
    the same validation losses. An MLP (step size 0.001) needs the updates.

    Parameters
    ----------
    n_train : int
        Number of rows the network is trained on (after the validation split).
    hidden_layer_sizes : tuple of int, default=()
        The network's hidden layers (``()``: a linear model).

    Returns
    -------
    int

    Examples
    --------
    >>> [default_batch_size(n) for n in (45, 500, 1_223, 30_000, 97_000)]
    [16, 32, 64, 2048, 2048]
    >>> [default_batch_size(n, (100,)) for n in (45, 500, 1_223, 30_000, 97_000)]
    [16, 16, 32, 1024, 2048]
    """
    steps = 32 if len(hidden_layer_sizes) else 16
    target = max(1.0, n_train / steps)
    return int(min(2048, max(16, 2 ** round(math.log2(target)))))


def default_learning_rate(hidden_layer_sizes: tuple[int, ...]) -> float:
    """Return Adam's learning rate used when ``learning_rate=None``.

    0.01 for a linear model (a convex problem started at the null model, where Adam's
    usual 0.001 needs hundreds of epochs on rare labels), 0.001 with hidden layers
    (Adam's default, as scikit-learn's MLPClassifier).

    Examples
    --------
    >>> default_learning_rate(()), default_learning_rate((100,))
    (0.01, 0.001)
    """
    return 0.01 if len(hidden_layer_sizes) == 0 else 0.001


class TorchEngine:
    """Train the sigmoid and the softmax head as one network with Adam and early stopping.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=()
        Widths of the ReLU hidden layers; ``()`` is a linear model (logistic regression:
        one-vs-rest for the sigmoid head, multinomial for the softmax head).
    max_epochs : int, default=200
        Cap on the number of passes over the training rows.
    batch_size : int or None, default=None
        Minibatch rows; None picks :func:`default_batch_size` of the training rows.
    learning_rate : float or None, default=None
        Adam's step size; None picks :func:`default_learning_rate`.
    weight_decay : float, default=1e-4
        L2 penalty ``weight_decay / 2 * ||W||^2`` on the weights (not the biases), added to
        the mean loss per row. The sigmoid loss of a row is summed over labels, so each
        label's sigmoid gets the same penalty as a one-vs-rest logistic regression would.
        The plain fits use it; the tuned ones (:meth:`tune_sigmoid`, :meth:`tune_softmax`,
        what the learning curves call) choose their own on the validation rows.
    patience : int, default=6
        Validation checks without an improvement of the validation loss of at least 1e-4
        before stopping. A check follows every epoch and, when an epoch is longer than
        32,768 rows, every 32,768 rows within it: on small data patience counts epochs
        (as scikit-learn's ``n_iter_no_change``), on large data confirming an optimum does
        not cost ``patience`` full passes. Every 3 checks without an improvement (at most
        twice, and only while the patience lasts) training goes back to the best weights
        with a tenth of the step size; these checks count towards the patience. The
        default 6 is 3 checks at the step size and 3 at a tenth of it. A second drop, to
        a hundredth (patience 10), bought almost nothing: on imdb's 30,000-row softmax 76
        epochs instead of 5 for a validation loss of 4.783 instead of 4.787 and the same
        test scores; on enron's largest training part the tuned heads reached the same
        validation losses.
    validation_fraction : float, default=0.1
        Share of the training rows held out for early stopping, in [0, 1). 0 trains
        ``max_epochs`` epochs on every row and keeps the last weights.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3)).astype(np.float32)
    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0.5]).astype(np.uint8)
    >>> head = TorchEngine(max_epochs=20).fit_sigmoid(X, Y, random_state=0)
    >>> head.n_params, head.predict_proba(X).shape
    (8, (200, 2))
    >>> bool(((head.predict_proba(X) > 0.5) == Y).mean() > 0.9)
    True
    """

    name = "torch"

    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (),
        max_epochs: int = 200,
        batch_size: int | None = None,
        learning_rate: float | None = None,
        weight_decay: float = 1e-4,
        patience: int = 6,
        validation_fraction: float = 0.1,
    ):
        owner = "TorchEngine"
        sizes = tuple(hidden_layer_sizes)
        if not all(isinstance(h, (int, np.integer)) and h >= 1 for h in sizes):
            raise invalid_parameter(
                "hidden_layer_sizes", owner, "a tuple of ints >= 1", hidden_layer_sizes
            )
        if not isinstance(max_epochs, (int, np.integer)) or max_epochs < 1:
            raise invalid_parameter("max_epochs", owner, "an int >= 1", max_epochs)
        if batch_size is not None and (
            not isinstance(batch_size, (int, np.integer)) or batch_size < 1
        ):
            raise invalid_parameter("batch_size", owner, "None or an int >= 1", batch_size)
        if learning_rate is not None and not (
            isinstance(learning_rate, (int, float)) and learning_rate > 0
        ):
            raise invalid_parameter("learning_rate", owner, "None or a float > 0", learning_rate)
        if not (isinstance(weight_decay, (int, float)) and weight_decay >= 0):
            raise invalid_parameter("weight_decay", owner, "a float >= 0", weight_decay)
        if not isinstance(patience, (int, np.integer)) or patience < 1:
            raise invalid_parameter("patience", owner, "an int >= 1", patience)
        if not (isinstance(validation_fraction, (int, float)) and 0 <= validation_fraction < 1):
            raise invalid_parameter(
                "validation_fraction", owner, "a float in [0, 1)", validation_fraction
            )
        self.hidden_layer_sizes = tuple(int(h) for h in sizes)
        self.max_epochs = int(max_epochs)
        self.batch_size = None if batch_size is None else int(batch_size)
        self.learning_rate = None if learning_rate is None else float(learning_rate)
        self.weight_decay = float(weight_decay)
        self.patience = int(patience)
        self.validation_fraction = float(validation_fraction)

    def __repr__(self) -> str:
        return (
            f"TorchEngine(hidden_layer_sizes={self.hidden_layer_sizes}, "
            f"max_epochs={self.max_epochs}, batch_size={self.batch_size}, "
            f"learning_rate={self.learning_rate}, weight_decay={self.weight_decay}, "
            f"patience={self.patience}, validation_fraction={self.validation_fraction})"
        )

    def to_dict(self) -> dict:
        """Return the JSON-safe settings (part of the learning-curve cache key).

        ``batch_size`` and ``learning_rate`` stay None when automatic: the values used
        depend on the training size and are in each head's :meth:`TorchHead.to_dict`.
        """
        return {
            "name": self.name,
            "model": "mlp" if self.hidden_layer_sizes else "linear",
            "hidden_layer_sizes": list(self.hidden_layer_sizes),
            "max_epochs": self.max_epochs,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "weight_decay": self.weight_decay,
            "patience": self.patience,
            "validation_fraction": self.validation_fraction,
        }

    #: :meth:`tune_sigmoid` and :meth:`tune_softmax` choose the weight decay on the
    #: validation rows, for the linear model and the MLP alike (as scikit-learn's MLP
    #: ``alpha``, the weight decay of every layer is ``1 / (C * n_fit)``; the MLP is
    #: searched as scikit-learn's, from the weakest penalty with fresh fits).
    tunes = True

    def tune_sigmoid(self, X, Y: np.ndarray, *, random_state: int):
        """Fit the sigmoid head at the weight decay its validation rows choose.

        Returns
        -------
        head : TorchHead
        tuning : TunedFit or None
            The chosen C (as :func:`~feasibility.engines.torch_tuning.weight_decay_for`
            maps it) and the validation rows' probabilities; None without validation rows.
        """
        from .torch_tuning import tune_torch_head

        return tune_torch_head(
            self,
            lambda engine: engine.fit_sigmoid(X, Y, random_state=random_state),
            X,
            len(Y),
            random_state=random_state,
        )

    def tune_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int, groups=None):
        """Fit the softmax head at the weight decay its validation rows choose (the rows
        of one of ``groups`` stay on one side of the validation split)."""
        from .torch_tuning import tune_torch_head

        return tune_torch_head(
            self,
            lambda engine: engine.fit_softmax(
                X, y, n_classes=n_classes, random_state=random_state, groups=groups
            ),
            X,
            len(y),
            random_state=random_state,
            groups=groups,
        )

    def fit_sigmoid(self, X, Y: np.ndarray, *, random_state: int) -> TorchHead:
        """Fit one sigmoid output per column of ``Y`` with binary cross-entropy.

        Parameters
        ----------
        X : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features)
            Preprocessed inputs (the caller scales them).
        Y : ndarray of shape (n_samples, n_labels)
            0/1 targets.
        random_state : int
            Seed of the initial weights, the validation split and the batch order.

        Returns
        -------
        TorchHead
        """
        rows = InputRows(X)
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[0] != rows.n_rows:
            raise DatasetError(
                f"Y must have shape (n_samples, n_labels) with n_samples = {rows.n_rows}; "
                f"got {Y.shape}."
            )
        if not np.isin(Y, (0, 1)).all():
            raise DatasetError("Y must hold only 0 and 1.")
        targets = torch.from_numpy(Y.astype(np.float32))

        def prior(fit_rows: np.ndarray) -> torch.Tensor:
            # Add-one-half smoothed log-odds, finite when a label is constant in the fit rows.
            positives = targets[torch.from_numpy(fit_rows)].sum(dim=0).double()
            share = (positives + 0.5) / (len(fit_rows) + 1.0)
            return torch.log(share / (1 - share)).float()

        def loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            # Summed over labels, averaged over rows: one-vs-rest's per-label loss scale.
            return F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(target)

        return self._fit("sigmoid", rows, targets, Y.shape[1], prior, loss, random_state)

    def fit_softmax(
        self, X, y: np.ndarray, *, n_classes: int, random_state: int, groups=None
    ) -> TorchHead:
        """Fit a softmax over ``n_classes`` classes with cross-entropy.

        Parameters
        ----------
        X : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features)
            Preprocessed inputs (the caller scales them).
        y : ndarray of shape (n_samples,)
            Class ids in ``[0, n_classes)``.
        n_classes : int
            Number of softmax outputs, >= 2 (classes without rows are allowed).
        random_state : int
            Seed of the initial weights, the validation split and the batch order.
        groups : ndarray of shape (n_samples,), optional
            The rows of one group go to the same side of the validation split.

        Returns
        -------
        TorchHead
        """
        if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
            raise invalid_parameter(
                "n_classes", "TorchEngine.fit_softmax", "an int >= 2", n_classes
            )
        rows = InputRows(X)
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != rows.n_rows:
            raise DatasetError(
                f"y must have shape (n_samples,) with n_samples = {rows.n_rows}; got {y.shape}."
            )
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise DatasetError(
                f"y must hold class ids in [0, {n_classes}); got values in [{y.min()}, {y.max()}]."
            )
        targets = torch.from_numpy(y.astype(np.int64))

        def prior(fit_rows: np.ndarray) -> torch.Tensor:
            # Add-one-half smoothed log shares; a class without fit rows gets a finite bias.
            counts = torch.bincount(targets[torch.from_numpy(fit_rows)], minlength=n_classes)
            return torch.log((counts.double() + 0.5) / (len(fit_rows) + 0.5 * n_classes)).float()

        return self._fit(
            "softmax", rows, targets, int(n_classes), prior, F.cross_entropy, random_state, groups
        )

    #: The head a fit starts from instead of its initialisation, its weights and Adam's
    #: moments (set only on the copies the tuning path makes, see
    #: :mod:`~feasibility.engines.torch_tuning`).
    initial_state: TorchHead | None = None
    #: Whether the head keeps Adam's moments at its best weights for such a warm start
    #: (twice the weights' memory: only the tuning path's copies do).
    keeps_moments: bool = False

    def _split(
        self, n_rows: int, rng: np.random.Generator, groups=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (fit rows, validation rows); no validation rows when there are too few
        rows. With ``groups``, whole groups go to validation."""
        if groups is not None:
            unique, inverse = np.unique(np.asarray(groups), return_inverse=True)
            chosen = self._split(len(unique), rng)[1]
            in_validation = np.isin(inverse.ravel(), chosen)
            return np.flatnonzero(~in_validation), np.flatnonzero(in_validation)
        n_validation = int(round(self.validation_fraction * n_rows))
        if self.validation_fraction > 0:
            n_validation = max(1, n_validation)
        if n_rows - n_validation < 1:
            n_validation = 0
        order = rng.permutation(n_rows)
        return np.sort(order[n_validation:]), np.sort(order[:n_validation])

    def _fit(
        self, kind, rows, targets, n_outputs, prior, loss_fn, random_state, groups=None
    ) -> TorchHead:
        start_time = time.perf_counter()
        seed = int(random_state)
        fit_rows, validation_rows = self._split(rows.n_rows, np.random.default_rng(seed), groups)
        generator = torch.Generator().manual_seed(seed)
        batch_size = self.batch_size or default_batch_size(len(fit_rows), self.hidden_layer_sizes)
        learning_rate = self.learning_rate or default_learning_rate(self.hidden_layer_sizes)

        network = _Network((rows.n_features, *self.hidden_layer_sizes, n_outputs))
        network.initialize(generator, prior(fit_rows))
        optimizer = make_adam(
            [
                {"params": list(network.weights), "weight_decay": self.weight_decay},
                {"params": list(network.biases), "weight_decay": 0.0},
            ],
            learning_rate,
        )
        if self.initial_state is not None:  # a warm start along the tuning path
            warm_start(network, optimizer, self.initial_state)
        judged = validation_rows
        if kind == "softmax":
            # A validation row of a class without fit rows can only be predicted worse the
            # longer Adam pushes that class's bias down: its loss would end training (and
            # choose the penalty) by the number of steps, not by the fit. As scikit-learn's
            # engine, which fits only the classes it has rows of, it is not judged.
            fitted = np.unique(targets[torch.from_numpy(fit_rows)].numpy())
            learnable = np.isin(targets[torch.from_numpy(validation_rows)], fitted)
            # (none learnable, as with many one-row labelsets on few rows: judge them all)
            judged = validation_rows[learnable] if learnable.any() else validation_rows
        validation_batches = [
            (rows.take(part), targets[torch.from_numpy(part)])
            for part in np.array_split(judged, max(1, math.ceil(len(judged) / _PREDICT_ROWS)))
            if len(part)
        ]

        # Validation checks after every epoch and, within long epochs, every _CHECK_ROWS rows.
        check_every = max(1, _CHECK_ROWS // batch_size)
        best_loss, best_step, best_epoch, best_state, stale = math.inf, 0, 0, None, 0
        best_moments = None
        drops = 0
        steps, epoch = 0, 0
        while epoch < self.max_epochs and stale < self.patience:
            epoch += 1
            order = fit_rows[torch.randperm(len(fit_rows), generator=generator).numpy()]
            batches = epoch_batches(rows, targets, order, batch_size)
            for count, (inputs, target) in enumerate(batches, start=1):
                network.train()
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(network(inputs), target)
                loss.backward()
                optimizer.step()
                steps += 1
                end_of_epoch = count * batch_size >= len(order)
                if not validation_batches or not (end_of_epoch or steps % check_every == 0):
                    continue
                validation_loss = mean_loss(network, validation_batches, loss_fn)
                if validation_loss < best_loss - _TOLERANCE:
                    best_loss, best_step, best_epoch, stale = validation_loss, steps, epoch, 0
                    best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
                    if self.keeps_moments:
                        best_moments = copy.deepcopy(optimizer.state_dict())
                else:
                    stale += 1
                    if stale >= self.patience:
                        break
                    drop = stale % _LR_DROP_AFTER == 0 and drops < _LR_DROPS
                    if drop and best_state is not None:
                        # Adam's steps are about lr per weight whatever the gradient: near
                        # the optimum they are noise, which over hundreds of outputs is worse
                        # than the prior. Back to the best weights, with smaller steps.
                        network.load_state_dict(best_state)
                        optimizer.state.clear()  # the moments belong to the abandoned path
                        drops += 1  # patience still counts from the last improvement
                        for group in optimizer.param_groups:
                            group["lr"] *= _LR_DROP_FACTOR
        if best_state is not None:
            network.load_state_dict(best_state)
        else:
            best_step, best_epoch = steps, epoch
        network.eval()
        return TorchHead(
            kind=kind,
            network=network,
            n_params=int(sum(p.numel() for p in network.parameters())),
            n_outputs=int(n_outputs),
            n_train=int(len(fit_rows)),
            n_validation=int(len(validation_rows)),
            epochs=int(epoch),
            steps=int(steps),
            best_epoch=int(best_epoch),
            best_step=int(best_step),
            best_validation_loss=float(best_loss) if best_state is not None else math.nan,
            batch_size=int(batch_size),
            learning_rate=float(learning_rate),
            fit_seconds=time.perf_counter() - start_time,
            optimizer_state=best_moments,
        )
