"""The user's own scikit-learn classifier as both heads: clones per label and one over labelsets.

:class:`EstimatorEngine` trains the sigmoid formulation as one binary clone of the
estimator per label and the powerset formulations as one multiclass clone over the
labelset ids, so the comparison is between the two ways of framing the labels with the
model family the user means to use (a ``Pipeline`` with a gradient-boosting model, an MLP
on embeddings, ...). Like the built-in heads, each is tuned and decoded on inner data: an
optional ``param_grid`` is searched per head by the out-of-fold log-likelihood on 3
inner folds of the training part, and the out-of-fold probabilities at the chosen
parameters give the decoding thresholds.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .sklearn_engine import EstimatorHead
from .tuning import TunedFit, inner_folds

__all__ = ["EstimatorEngine", "PerLabelHead", "check_estimator"]

#: Inner folds of the parameter search and of the out-of-fold probabilities.
INNER_FOLDS = 3
_EPS = 1e-15


def check_estimator(estimator) -> None:
    """Refuse, in one line, an estimator that cannot be both heads.

    It must be a scikit-learn estimator (``get_params`` / ``clone``) with
    ``predict_proba``, and fit a 3-class problem with one probability column per class.

    Raises
    ------
    ParameterError
    """
    from sklearn.base import clone

    name = type(estimator).__name__
    if not hasattr(estimator, "fit") or not hasattr(estimator, "get_params"):
        raise ParameterError(
            f"The 'estimator' parameter must be a scikit-learn classifier; got a {name}."
        )
    if not hasattr(estimator, "predict_proba"):
        raise ParameterError(
            f"The 'estimator' {name} has no predict_proba: both heads need probabilities "
            "(wrap it in sklearn.calibration.CalibratedClassifierCV, or pick a classifier "
            "that has it)."
        )
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = np.repeat([0, 1, 2], 10)
    try:
        proba = clone(estimator).fit(X, y).predict_proba(X)
    except Exception as error:  # whatever the estimator raises: said in one line
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ParameterError(
            f"The 'estimator' {name} cannot fit a multiclass problem ({first}); the powerset "
            "head is one classifier over all labelsets."
        ) from None
    if np.shape(proba) != (30, 3):
        raise ParameterError(
            f"The 'estimator' {name} gave probabilities of shape {np.shape(proba)} for 3 "
            "classes; the powerset head needs one column per class."
        )


@dataclass(frozen=True, eq=False)
class PerLabelHead:
    """One fitted binary classifier per label, seen as a sigmoid head."""

    estimators: tuple
    n_params: int = 0  # not known for an arbitrary estimator
    converged: bool = True

    def predict_proba(self, X) -> np.ndarray:
        """Return the (n, n_labels) probability that each label is present."""
        return np.column_stack([_positive(e, e.predict_proba(X)) for e in self.estimators])


def _positive(estimator, proba: np.ndarray) -> np.ndarray:
    classes = list(estimator.classes_)
    return proba[:, classes.index(1)] if 1 in classes else np.zeros(len(proba))


class EstimatorEngine:
    """Train both heads from clones of a scikit-learn classifier.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Has ``predict_proba`` and fits multiclass problems (checked when built).
    param_grid : dict or list of dicts, optional
        Parameters searched per head (scikit-learn's ``ParameterGrid`` format), chosen by
        the out-of-fold log-likelihood on 3 inner folds; None: the estimator as given.
    """

    tunes = True

    def __init__(self, estimator, param_grid=None):
        from sklearn.model_selection import ParameterGrid

        check_estimator(estimator)
        try:
            self.candidates = list(ParameterGrid(param_grid)) if param_grid else [{}]
        except (TypeError, ValueError) as error:
            raise ParameterError(
                f"The 'param_grid' parameter is not a parameter grid: {error}"
            ) from None
        self.estimator = estimator
        self.param_grid = param_grid

    @property
    def name(self) -> str:
        """``"estimator-<class name>"`` (the last step's, for a pipeline)."""
        steps = getattr(self.estimator, "steps", None)
        final = steps[-1][1] if steps else self.estimator
        return f"estimator-{type(final).__name__}"

    def __repr__(self) -> str:
        return f"EstimatorEngine({self.estimator!r}, param_grid={self.param_grid!r})"

    def to_dict(self) -> dict:
        """Return the JSON-safe settings."""
        return {"name": self.name, "estimator": repr(self.estimator), "grid": repr(self.param_grid)}

    def _fit(self, params: dict, X, y):
        from sklearn.base import clone

        with warnings.catch_warnings():
            # A powerset often has more classes than half its rows; that is the point of
            # the comparison, not a sign that y is a regression target.
            warnings.filterwarnings("ignore", message="The number of unique classes is greater")
            return clone(self.estimator).set_params(**params).fit(X, y)

    def _search(self, X, y: np.ndarray, n_classes: int, seed: int, groups=None):
        """The parameters with the best out-of-fold log-likelihood, and those probabilities."""
        folds = inner_folds(len(y), INNER_FOLDS, seed, groups)
        best = None
        for params in self.candidates:
            proba = np.zeros((len(y), n_classes))
            for train, valid in folds:
                if len(np.unique(y[train])) < 2:
                    # one class in this inner training part: it is all a model could say
                    proba[np.ix_(valid, [int(y[train][0])])] = 1.0
                    continue
                fitted = self._fit(params, X[train], y[train])
                proba[np.ix_(valid, fitted.classes_.astype(int))] = fitted.predict_proba(X[valid])
            loglik = float(np.mean(np.log(np.clip(proba[np.arange(len(y)), y], _EPS, 1.0))))
            if best is None or loglik > best[0]:
                best = (loglik, params, proba)
        return best[1], best[2]

    def tune_sigmoid(self, X, Y: np.ndarray, *, random_state: int):
        """One binary clone per column of ``Y``, each at the parameters its inner folds chose."""
        Y = np.asarray(Y).astype(np.int64)
        estimators, oof = [], np.zeros(Y.shape, dtype=np.float64)
        for j in range(Y.shape[1]):
            params, proba = self._search(X, Y[:, j], 2, random_state + j)
            estimators.append(self._fit(params, X, Y[:, j]))
            oof[:, j] = proba[:, 1]
        n = Y.shape[1]
        tuned = TunedFit(None, np.full(n, np.nan), np.zeros(n, dtype=bool), oof, True)
        return PerLabelHead(tuple(estimators)), tuned

    def tune_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int, groups=None):
        """One multiclass clone over the ``n_classes`` class ids, its parameters searched."""
        y = np.asarray(y).astype(np.int64)
        params, proba = self._search(X, y, int(n_classes), random_state, groups)
        head = EstimatorHead(self._fit(params, X, y), int(n_classes), 0, True)
        tuned = TunedFit(None, np.full(1, np.nan), np.zeros(1, dtype=bool), proba, True)
        return head, tuned
