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
from pathlib import Path

import numpy as np

from ..errors import FeasibilityError, ParameterError
from .sklearn_engine import EstimatorHead
from .tuning import TunedFit, inner_folds

__all__ = [
    "EstimatorEngine",
    "PerLabelHead",
    "accepts_sparse",
    "check_estimator",
    "check_on_data",
    "unset_random_states",
]

#: Inner folds of the parameter search and of the out-of-fold probabilities.
INNER_FOLDS = 3
_EPS = 1e-15


def check_estimator(estimator, param_grid=None) -> list[dict]:
    """Refuse, in one line, an estimator (or grid) that cannot be both heads.

    It must be a scikit-learn estimator (``get_params`` / ``clone``) with
    ``predict_proba`` that can be sent to worker processes (pickled), and every entry of
    ``param_grid`` must name its parameters. Whether it fits a multiclass problem on the
    data is :func:`check_on_data`'s.

    Returns
    -------
    list of dict
        The parameter combinations to search (``[{}]`` without a grid).

    Raises
    ------
    ParameterError
    """
    import pickle

    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    name = type(estimator).__name__
    if isinstance(estimator, type):
        raise ParameterError(
            f"The 'estimator' parameter must be an instance of a scikit-learn classifier "
            f"(e.g. {estimator.__name__}()); got the class {estimator.__name__}."
        )
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
    try:
        pickle.dumps(estimator)
    except Exception as error:  # any pickling failure: said in one line
        raise ParameterError(
            f"The 'estimator' {name} cannot be pickled ({_first_line(error)}), so it cannot "
            "run in the worker processes; define its class in an importable module."
        ) from None
    try:
        candidates = list(ParameterGrid(param_grid)) if param_grid else [{}]
        for params in candidates:
            clone(estimator).set_params(**params)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"The 'param_grid' parameter does not fit the {name}: {_first_line(error)}"
        ) from None
    return candidates


def unset_random_states(estimator, seed: int) -> dict:
    """``random_state`` parameters left at None (nested ones too), each set to ``seed``.

    A job's heads are then the same on every run, as the built-in engines' are; a
    ``random_state`` the user set is kept.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> unset_random_states(RandomForestClassifier(), 7)
    {'random_state': 7}
    >>> unset_random_states(RandomForestClassifier(random_state=1), 7)
    {}
    """
    return {
        key: int(seed)
        for key, value in estimator.get_params(deep=True).items()
        if value is None and (key == "random_state" or key.endswith("__random_state"))
    }


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def accepts_sparse(estimator) -> bool:
    """Whether the estimator takes a sparse X (scikit-learn's input tags; False if unknown)."""
    try:
        from sklearn.utils import get_tags

        return bool(get_tags(estimator).input_tags.sparse)
    except Exception:  # an estimator without tags: dense is the safe side
        return False


#: What to do about an estimator that fails on part of the data (said after its error).
_SMALL_PARTS = (
    f"the learning curves train it on every training size, each split again into "
    f"{INNER_FOLDS} inner folds: make it work on small parts too"
)


def _refuse_non_finite(name: str, proba, rows: str) -> None:
    """Refuse NaN or infinite probabilities: they would score every head alike, and the
    verdict would be about nothing."""
    if not np.isfinite(np.asarray(proba, dtype=float)).all():
        raise ParameterError(
            f"The 'estimator' {name} gave non-finite probabilities (NaN or inf) on {rows}; "
            "the heads are compared on their probabilities."
        )


def check_on_data(estimator, X) -> None:
    """Refuse, in one line, an estimator that cannot fit a 3-class problem on rows of ``X``.

    The powerset head is one multiclass classifier; the check fits a clone on up to 60 of
    the real rows (so a pipeline that selects columns sees the real columns), labelled
    0, 1, 2 in turn.
    """
    from sklearn.base import clone

    name = type(estimator).__name__
    rows = X[: min(60, X.shape[0])]
    if hasattr(rows, "toarray") and not accepts_sparse(estimator):
        rows = rows.toarray()
    y = np.arange(rows.shape[0]) % 3
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            proba = clone(estimator).fit(rows, y).predict_proba(rows)
    except Exception as error:  # whatever the estimator raises: said in one line
        raise ParameterError(
            f"The 'estimator' {name} cannot fit a multiclass problem on this data "
            f"({_first_line(error)}); the powerset head is one classifier over all labelsets."
        ) from None
    if np.shape(proba) != (rows.shape[0], 3):
        raise ParameterError(
            f"The 'estimator' {name} gave probabilities of shape {np.shape(proba)} for 3 "
            "classes; the powerset head needs one column per class."
        )
    _refuse_non_finite(name, proba, "rows of this data")


@dataclass(frozen=True, eq=False)
class PerLabelHead:
    """One fitted binary classifier per label, seen as a sigmoid head."""

    estimators: tuple
    n_params: int = 0  # not known for an arbitrary estimator
    converged: bool = True
    dense: bool = False  # the estimator needs a dense X

    def predict_proba(self, X) -> np.ndarray:
        """Return the (n, n_labels) probability that each label is present."""
        X = X.toarray() if self.dense and hasattr(X, "toarray") else X
        return np.column_stack([_positive(e, e.predict_proba(X)) for e in self.estimators])


@dataclass(frozen=True, eq=False)
class _Densified:
    """A fitted estimator that needs a dense X, given a sparse one at prediction."""

    estimator: object

    @property
    def classes_(self):
        return self.estimator.classes_

    def predict_proba(self, X) -> np.ndarray:
        return self.estimator.predict_proba(X.toarray() if hasattr(X, "toarray") else X)


def _positive(estimator, proba: np.ndarray) -> np.ndarray:
    classes = list(estimator.classes_)
    return proba[:, classes.index(1)] if 1 in classes else np.zeros(len(proba))


#: The modules that call into a user's estimator (this one; EstimatorHead's for predictions).
_CALLERS = (Path(__file__).resolve(), Path(__file__).resolve().with_name("sklearn_engine.py"))


def _raised_below_us(error: Exception) -> bool:
    """Whether the error was raised outside the package, called from a module that calls
    the user's estimator (the last package frame of its traceback is one of ``_CALLERS``)."""
    package = Path(__file__).resolve().parents[1]
    frames = []
    traceback = error.__traceback__
    while traceback is not None:
        frames.append(Path(traceback.tb_frame.f_code.co_filename).resolve())
        traceback = traceback.tb_next
    ours = [i for i, name in enumerate(frames) if name.is_relative_to(package)]
    return bool(ours) and frames[ours[-1]] in _CALLERS and ours[-1] < len(frames) - 1


class EstimatorEngine:
    """Train both heads from clones of a scikit-learn classifier.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Has ``predict_proba`` and fits multiclass problems (checked when built).
    param_grid : dict or list of dicts, optional
        Parameters searched per head (scikit-learn's ``ParameterGrid`` format), chosen by
        the out-of-fold log-likelihood on 3 inner folds; None: the estimator as given.

    Notes
    -----
    A ``random_state`` the estimator (or a step of it) leaves at None is set to the job's
    seed in each clone, so a report repeats exactly; one the user set is kept.
    """

    tunes = True

    def __init__(self, estimator, param_grid=None):
        self.candidates = check_estimator(estimator, param_grid)
        self.estimator = estimator
        self.param_grid = param_grid
        self.dense = not accepts_sparse(estimator)

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

    def job_error(self, error: Exception, formulation: str, train_size: int) -> Exception:
        """The one-line error for a job whose head failed in the estimator's own code.

        Only an error raised below this module's calls into the estimator is the
        estimator's; any other (the package's own, or out of memory) is returned as is.
        """
        if isinstance(error, FeasibilityError | MemoryError) or not _raised_below_us(error):
            return error
        return ParameterError(
            f"The 'estimator' {type(self.estimator).__name__} failed on the {formulation} head "
            f"at {train_size:,} training samples ({_first_line(error)}); {_SMALL_PARTS}."
        )

    def _input(self, X):
        """``X`` as the estimator takes it: dense when it does not take sparse input."""
        return X.toarray() if self.dense and hasattr(X, "toarray") else X

    def _fit(self, params: dict, X, y, seed: int):
        from sklearn.base import clone

        estimator = clone(self.estimator).set_params(**params)
        estimator.set_params(**unset_random_states(estimator, seed))
        with warnings.catch_warnings():
            # A powerset often has more classes than half its rows; that is the point of
            # the comparison, not a sign that y is a regression target.
            warnings.filterwarnings("ignore", message="The number of unique classes is greater")
            try:
                return estimator.fit(X, y)
            except Exception as error:  # the user's code: said in one line, with where
                name = type(self.estimator).__name__
                setting = f" with {params}" if params else ""
                raise ParameterError(
                    f"The 'estimator' {name}{setting} failed to fit {X.shape[0]} rows and "
                    f"{len(np.unique(y))} classes ({_first_line(error)}); {_SMALL_PARTS} "
                    "(or fix param_grid)."
                ) from None

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
                fitted = self._fit(params, X[train], y[train], seed)
                proba[np.ix_(valid, fitted.classes_.astype(int))] = fitted.predict_proba(X[valid])
            # at every size, not only on the first rows check_on_data tried
            _refuse_non_finite(type(self.estimator).__name__, proba, f"{len(y)} training rows")
            loglik = float(np.mean(np.log(np.clip(proba[np.arange(len(y)), y], _EPS, 1.0))))
            if best is None or loglik > best[0]:
                best = (loglik, params, proba)
        return best[1], best[2]

    def tune_sigmoid(self, X, Y: np.ndarray, *, random_state: int):
        """One binary clone per column of ``Y``, each at the parameters its inner folds chose."""
        X, Y = self._input(X), np.asarray(Y).astype(np.int64)
        estimators, oof = [], np.zeros(Y.shape, dtype=np.float64)
        for j in range(Y.shape[1]):
            params, proba = self._search(X, Y[:, j], 2, random_state + j)
            estimators.append(self._fit(params, X, Y[:, j], random_state + j))
            oof[:, j] = proba[:, 1]
        n = Y.shape[1]
        tuned = TunedFit(None, np.full(n, np.nan), np.zeros(n, dtype=bool), oof, True)
        return PerLabelHead(tuple(estimators), dense=self.dense), tuned

    def tune_softmax(self, X, y: np.ndarray, *, n_classes: int, random_state: int, groups=None):
        """One multiclass clone over the ``n_classes`` class ids, its parameters searched."""
        X, y = self._input(X), np.asarray(y).astype(np.int64)
        params, proba = self._search(X, y, int(n_classes), random_state, groups)
        fitted = self._fit(params, X, y, random_state)
        head = EstimatorHead(_Densified(fitted) if self.dense else fitted, int(n_classes), 0, True)
        tuned = TunedFit(None, np.full(1, np.nan), np.zeros(1, dtype=bool), proba, True)
        return head, tuned
