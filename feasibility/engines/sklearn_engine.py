"""scikit-learn engine: both heads as logistic regressions or as MLPClassifier networks.

``model="linear"`` fits the sigmoid head as one L2-penalised logistic regression per label
(one-vs-rest, each label its own binary cross-entropy) and the softmax head as one
multinomial logistic regression, with the same penalty, solver and iteration cap.
``model="mlp"`` fits :class:`~sklearn.neural_network.MLPClassifier` with the same hidden
layers for both heads: on a 0/1 indicator matrix its output layer is one sigmoid per label
trained with binary cross-entropy, on class ids a softmax trained with cross-entropy.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit, softmax

from ..errors import invalid_parameter
from ..vocab import MODEL_FAMILIES
from .mlp_tuning import tune_mlp_sigmoid, tune_mlp_softmax
from .tuning import TunedFit, tune_sigmoid, tune_softmax

if TYPE_CHECKING:  # scikit-learn is imported where a fit needs it: it costs a second to load
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

__all__ = ["SklearnEngine", "LinearSigmoidHead", "LinearSoftmaxHead", "EstimatorHead"]

MODELS: tuple[str, ...] = MODEL_FAMILIES


@dataclass(frozen=True, eq=False)
class LinearSigmoidHead:
    """One logistic regression per label, stacked into a weight matrix.

    Attributes
    ----------
    coef : ndarray of shape (n_features, n_labels)
    intercept : ndarray of shape (n_labels,)
    n_params : int
        ``n_labels * (n_features + 1)``.
    converged : bool
        Whether every per-label fit converged within ``max_iter``.
    """

    coef: np.ndarray
    intercept: np.ndarray
    n_params: int
    converged: bool

    def predict_proba(self, X) -> np.ndarray:
        """Return the (n, n_labels) probability that each label is present."""
        return expit(np.asarray(X @ self.coef) + self.intercept)


@dataclass(frozen=True, eq=False)
class EstimatorHead:
    """A fitted scikit-learn classifier seen as a head.

    For the softmax head the columns of :meth:`predict_proba` are the class ids
    ``0 .. n_outputs - 1``; for the MLP sigmoid head they are the labels.

    Attributes
    ----------
    estimator : LogisticRegression or MLPClassifier
    n_outputs : int
        Number of columns returned by :meth:`predict_proba`.
    n_params : int
        Trainable weights and biases of all layers.
    converged : bool
        Whether the solver stopped before ``max_iter``.
    """

    estimator: LogisticRegression | MLPClassifier
    n_outputs: int
    n_params: int
    converged: bool

    def predict_proba(self, X) -> np.ndarray:
        """Return (n, n_outputs) probabilities."""
        proba = self.estimator.predict_proba(X)
        if proba.shape[1] == self.n_outputs:
            return proba
        if self.n_outputs == 1 and proba.shape[1] == 2:
            return proba[:, 1:]  # an MLP sigmoid head of one label: scikit-learn's two columns
        # A class id absent from the training rows gets probability 0 (only reachable
        # when a caller passes n_classes larger than the ids it uses).
        full = np.zeros((proba.shape[0], self.n_outputs), dtype=proba.dtype)
        full[:, self.estimator.classes_] = proba
        return full


@dataclass(frozen=True, eq=False)
class LinearSoftmaxHead:
    """A softmax regression fitted by :mod:`~feasibility.engines.linear_path`.

    Attributes
    ----------
    coef : ndarray of shape (n_features, n_classes)
    intercept : ndarray of shape (n_classes,)
    n_params : int
    converged : bool
    """

    coef: np.ndarray
    intercept: np.ndarray
    n_params: int
    converged: bool

    def predict_proba(self, X) -> np.ndarray:
        """Return the (n, n_classes) softmax rows."""
        return softmax(np.asarray(X @ self.coef) + self.intercept, axis=1)


def _mlp_n_params(mlp: MLPClassifier) -> int:
    return int(sum(w.size for w in mlp.coefs_) + sum(b.size for b in mlp.intercepts_))


class SklearnEngine:
    """Train the two heads with scikit-learn.

    Parameters
    ----------
    model : {"linear", "mlp"}, default="linear"
        Logistic regressions, or MLPClassifier networks with ``hidden_layer_sizes``.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers of the MLP (ignored for ``"linear"``).
    C : float, default=1.0
        Inverse L2 penalty of the logistic regressions (scikit-learn's default) in
        :meth:`fit_sigmoid` and :meth:`fit_softmax`; the tuned fits choose it.
    alpha : float, default=1e-4
        L2 penalty of the MLP (scikit-learn's default) in :meth:`fit_sigmoid` and
        :meth:`fit_softmax`; the tuned fits choose it (see :attr:`tunes`).
    max_iter : int or None, default=None
        Iteration cap: lbfgs iterations for ``"linear"`` (default 300), epochs for
        ``"mlp"`` (default 200, scikit-learn's). The same for both heads.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.array([[0, 1], [0, 1], [1, 0], [1, 0]], dtype=np.uint8)
    >>> head = SklearnEngine().fit_sigmoid(X, Y, random_state=0)
    >>> head.n_params, (head.predict_proba(X) > 0.5).astype(int).tolist()
    (4, [[0, 1], [0, 1], [1, 0], [1, 0]])
    """

    def __init__(
        self,
        model: str = "linear",
        *,
        hidden_layer_sizes: tuple[int, ...] = (100,),
        C: float = 1.0,
        alpha: float = 1e-4,
        max_iter: int | None = None,
    ):
        if model not in MODELS:
            raise invalid_parameter("model", "SklearnEngine", f"one of {list(MODELS)}", model)
        hidden = tuple(hidden_layer_sizes)
        if model == "mlp" and (
            not hidden or not all(isinstance(h, int | np.integer) and h > 0 for h in hidden)
        ):
            raise invalid_parameter(
                "hidden_layer_sizes", "SklearnEngine", "a non-empty tuple of positive ints", hidden
            )
        if not C > 0:
            raise invalid_parameter("C", "SklearnEngine", "a float > 0", C)
        if not alpha >= 0:
            raise invalid_parameter("alpha", "SklearnEngine", "a float >= 0", alpha)
        if max_iter is not None and (not isinstance(max_iter, int) or max_iter < 1):
            raise invalid_parameter("max_iter", "SklearnEngine", "an int >= 1 or None", max_iter)
        self.model = model
        self.hidden_layer_sizes = tuple(int(h) for h in hidden) if model == "mlp" else ()
        self.C = float(C)
        self.alpha = float(alpha)
        self.max_iter = int(
            max_iter if max_iter is not None else (300 if model == "linear" else 200)
        )

    @property
    def name(self) -> str:
        """``"sklearn-linear"`` or ``"sklearn-mlp"``."""
        return f"sklearn-{self.model}"

    def __repr__(self) -> str:
        if self.model == "linear":
            return f"SklearnEngine(model='linear', C={self.C}, max_iter={self.max_iter})"
        return (
            f"SklearnEngine(model='mlp', hidden_layer_sizes={self.hidden_layer_sizes}, "
            f"alpha={self.alpha}, max_iter={self.max_iter})"
        )

    def to_dict(self) -> dict:
        """Return the JSON-safe settings (they are part of the learning-curve cache key)."""
        return {
            "name": self.name,
            "model": self.model,
            "hidden_layer_sizes": list(self.hidden_layer_sizes),
            "C": self.C,
            "alpha": self.alpha,
            "max_iter": self.max_iter,
        }

    #: :meth:`tune_sigmoid` and :meth:`tune_softmax` choose the penalty on inner data: C
    #: on inner folds for the linear heads, the MLP's alpha (= 1 / C, on the same grid) on
    #: a validation split (:mod:`~feasibility.engines.mlp_tuning`).
    tunes = True

    def tune_sigmoid(self, X, Y: np.ndarray, *, random_state: int):
        """Fit one sigmoid per column of ``Y``, each at the C its inner folds chose.

        Returns
        -------
        head : LinearSigmoidHead or EstimatorHead
        tuning : TunedFit
            The chosen C per label (one shared C, ``1 / alpha``, for the MLP) and the
            out-of-fold (MLP: validation) probabilities.
        """
        if self.model == "mlp":
            Y = np.asarray(Y)
            with _watching_convergence() as caught:
                mlp, tuned = tune_mlp_sigmoid(
                    lambda: self._mlp(random_state), X, Y, seed=random_state
                )
            head = EstimatorHead(mlp, Y.shape[1], _mlp_n_params(mlp), _converged(caught))
            return head, tuned
        tuned: TunedFit = tune_sigmoid(X, Y, seed=random_state, max_iter=self.max_iter)
        fit = tuned.fit
        n_params = int(fit.coef.size + fit.intercept.size)
        return LinearSigmoidHead(fit.coef, fit.intercept, n_params, tuned.converged), tuned

    def tune_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int, groups=None):
        """Fit one softmax over ``n_classes`` class ids at the C its inner folds chose.

        ``groups`` (one id per row, optional) keeps the copies of a row on one side of
        every inner split.

        Returns
        -------
        head : LinearSoftmaxHead or EstimatorHead
        tuning : TunedFit
        """
        if self.model == "mlp":
            with _watching_convergence() as caught:
                warnings.filterwarnings("ignore", message="The number of unique classes is greater")
                mlp, tuned = tune_mlp_softmax(
                    lambda: self._mlp(random_state),
                    X,
                    y,
                    int(n_classes),
                    seed=random_state,
                    groups=groups,
                )
            head = EstimatorHead(mlp, int(n_classes), _mlp_n_params(mlp), _converged(caught))
            return head, tuned
        tuned = tune_softmax(
            X, y, int(n_classes), seed=random_state, max_iter=self.max_iter, groups=groups
        )
        fit = tuned.fit
        n_params = int(fit.coef.size + fit.intercept.size)
        return LinearSoftmaxHead(fit.coef, fit.intercept, n_params, tuned.converged), tuned

    def _logistic(self, random_state: int) -> LogisticRegression:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=self.C, solver="lbfgs", max_iter=self.max_iter, random_state=random_state
        )

    def _mlp(self, random_state: int) -> MLPClassifier:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=self.hidden_layer_sizes,
            alpha=self.alpha,
            max_iter=self.max_iter,
            random_state=random_state,
        )

    def fit_sigmoid(self, X, Y: np.ndarray, *, random_state: int):
        """Fit one sigmoid output per column of ``Y``.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_labels), uint8
            Every column must hold both 0 and 1.
        random_state : int

        Returns
        -------
        LinearSigmoidHead or EstimatorHead
        """
        Y = np.asarray(Y)
        with _watching_convergence() as caught:
            if self.model == "mlp":
                # one label is a binary problem to scikit-learn: a 1-d target
                mlp = self._mlp(random_state).fit(X, Y if Y.shape[1] > 1 else Y[:, 0])
            else:
                coef = np.empty((X.shape[1], Y.shape[1]))
                intercept = np.empty(Y.shape[1])
                for j in range(Y.shape[1]):
                    fitted = self._logistic(random_state).fit(X, Y[:, j])
                    coef[:, j] = fitted.coef_[0]
                    intercept[j] = fitted.intercept_[0]
        converged = _converged(caught)
        if self.model == "mlp":
            return EstimatorHead(mlp, Y.shape[1], _mlp_n_params(mlp), converged)
        return LinearSigmoidHead(coef, intercept, int(coef.size + intercept.size), converged)

    def fit_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int) -> EstimatorHead:
        """Fit one softmax over ``n_classes`` class ids.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,), int
            Class ids in ``[0, n_classes)``.
        n_classes : int
            Number of columns of ``predict_proba`` (at least 2).
        random_state : int

        Returns
        -------
        EstimatorHead
        """
        y = np.asarray(y)
        with _watching_convergence() as caught:
            # A powerset often has more classes than half its rows; that is the point of
            # the comparison, not a sign that y is a regression target.
            warnings.filterwarnings("ignore", message="The number of unique classes is greater")
            if self.model == "mlp":
                estimator = self._mlp(random_state).fit(X, y)
                n_params = _mlp_n_params(estimator)
            else:
                estimator = self._logistic(random_state).fit(X, y)
                n_params = int(estimator.coef_.size + estimator.intercept_.size)
        return EstimatorHead(estimator, int(n_classes), n_params, _converged(caught))


@contextlib.contextmanager
def _watching_convergence():
    """Record every warning of the block, ConvergenceWarning always (see :func:`_converged`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _convergence_warning())
        yield caught


def _convergence_warning() -> type[Warning]:
    from sklearn.exceptions import ConvergenceWarning

    return ConvergenceWarning


def _converged(caught) -> bool:
    """Return whether no ConvergenceWarning was caught; pass every other warning on."""
    ConvergenceWarning = _convergence_warning()  # noqa: N806 (the class, by its name)
    # Convergence is reported through the head's ``converged`` flag (the experiment counts
    # the fits that hit ``max_iter`` and says so once); other warnings go on unchanged.
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return not any(issubclass(w.category, ConvergenceWarning) for w in caught)
