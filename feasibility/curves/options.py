"""The options of :func:`~feasibility.curves.learning_curves`: :class:`CurveOptions`.

The dataclass holds the only defaults (the function's signature and the command line read
them from here) and checks every value when it is built, with the one message template of
:mod:`feasibility._validation`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields
from enum import StrEnum
from numbers import Integral

import numpy as np

from .._validation import Check, Interval, StrOptions, is_int, validate_params
from ..errors import invalid_parameter
from ..vocab import FORMULATIONS, MODEL_FAMILIES
from .scaling import SCALINGS

__all__ = ["BACKENDS", "OWNER", "BudgetMode", "CurveOptions"]

#: Where the jobs run: local processes (joblib's loky) or a Dask cluster.
BACKENDS: tuple[str, ...] = ("loky", "dask")
#: The function named in parameter errors.
OWNER = "learning_curves"


class BudgetMode(StrEnum):
    """How the time budget was set (``options["budget_mode"]`` of the result)."""

    AUTO = "auto"  # budget=None: a limit applies only when the grid is predicted to be long
    UNLIMITED = "unlimited"  # budget=math.inf: never cut
    FIXED = "fixed"  # a number of seconds


@dataclass(frozen=True)
class CurveOptions:
    """Options of :func:`~feasibility.curves.learning_curves`, checked when built.

    Parameters
    ----------
    folds : int, default=5
        Outer folds, split by iterative multilabel stratification
        (``iterstrat.MultilabelStratifiedKFold``).
    repeats : int, default=2
        Repetitions of the outer split, each with its own seed. Two repeats of five
        folds give ten paired runs, which detect a difference about 30% smaller than
        five runs do (see the minimum detectable difference in the decision); when the
        time budget is short, the jobs of the later repeats are cut first, and the
        budget note says so.
    sizes : list of int or list of float, or None, default=None
        Training sizes: counts (ints in ``[1, n_train_full]``) or fractions of the
        training part (floats in ``(0, 1]``). None: ``n_sizes`` geometric sizes from
        ``min_size`` to the whole training part.
    n_sizes : int, default=8
        Number of default sizes.
    min_size : int or None, default=None
        Smallest default size; None is ``max(50, 2 * n_labels)``. Capped to the
        training part.
    seed : int, default=0
        Seeds the splits, the nested order and the models: the same seed gives the same
        result (apart from timings, and from which jobs a ``budget`` cut).
    jobs : int or None, default=None
        Parallel jobs (joblib's ``n_jobs``); None uses all cores.
    engine : {"auto", "sklearn", "torch"}, default="auto"
        ``"auto"`` is torch when it is installed and the data has more than
        :data:`~feasibility.engines.AUTO_TORCH_MIN_CLASSES` labelsets, else scikit-learn.
    model : {"linear", "mlp"}, default="linear"
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden layers for ``model="mlp"``, the same for both heads.
    formulations : iterable of str, default=FORMULATIONS
        Any of ``"sigmoid"``, ``"powerset"``, ``"pruned-powerset"`` (kept in that order).
    prune_min_count : int, default=2
        Read's p: labelsets seen fewer than p times in a training part are pruned.
    scaling : {"auto", "standard", "maxabs", "none"}, default="auto"
        How each job scales the features on its training rows: ``"auto"`` divides
        count and 0/1 columns by their largest value and standardises the others (a
        sparse matrix is always max-abs scaled); see :mod:`feasibility.curves.scaling`.
    budget : float or None, default=None
        Seconds for the whole experiment. The first three sizes always run; then a cost
        model (time ~ a * n^b per formulation, from the jobs done so far) predicts each
        remaining job, and only the jobs predicted to fit are run; the others stay NaN.
        None: no limit unless the whole grid is predicted to take more than
        :data:`~feasibility.curves.AUTO_BUDGET_SECONDS`, in which case that limit
        applies. ``math.inf``: never cut.
    backend : {"loky", "dask"}, default="loky"
    scheduler : str or None, default=None
        Address of a Dask scheduler (``backend="dask"``); None uses the current
        ``distributed`` client.
    cache_dir : path or None, default=None
        Where results are cached; None is ``$FEASIBILITY_CACHE`` or
        ``~/.cache/feasibility``.
    use_cache : bool, default=True
        Read and write the cache.
    progress : bool, default=False
        Show a progress bar on stderr (only when stderr is a terminal, or in a Jupyter
        notebook with ipywidgets).
    estimator : scikit-learn classifier, optional
        The user's own model for both heads, replacing ``engine`` and ``model``: one
        binary clone per label (sigmoid) and one multiclass clone over the labelsets
        (powerset), each tuned on inner folds (:class:`~feasibility.engines.EstimatorEngine`).
        It must have ``predict_proba`` and handle multiclass (checked when the options are
        built).
    param_grid : dict or list of dicts, optional
        Parameters of ``estimator`` searched per head (scikit-learn's grid format).

    Raises
    ------
    ParameterError
        For an option out of range, with the one template of
        :func:`~feasibility._validation.validate_params`.

    Examples
    --------
    >>> options = CurveOptions(folds=3, sizes=[0.5, 1.0], formulations=["powerset", "sigmoid"])
    >>> options.sizes, options.formulations
    ((0.5, 1.0), ('sigmoid', 'powerset'))
    >>> options.experiment_dict()["budget_mode"]
    'auto'
    >>> CurveOptions.defaults()["n_sizes"]
    8
    >>> CurveOptions(folds=1)
    Traceback (most recent call last):
    ...
    feasibility.errors.ParameterError: The 'folds' parameter of learning_curves must be an int >= 2. Got 1 instead.
    """

    folds: int = 5
    repeats: int = 2
    sizes: tuple[int, ...] | tuple[float, ...] | None = None
    n_sizes: int = 8
    min_size: int | None = None
    seed: int = 0
    jobs: int | None = None
    engine: str = "auto"
    model: str = "linear"
    hidden_layer_sizes: tuple[int, ...] = (100,)
    formulations: tuple[str, ...] = FORMULATIONS
    prune_min_count: int = 2
    scaling: str = "auto"
    budget: float | None = None
    backend: str = "loky"
    scheduler: str | None = None
    cache_dir: str | os.PathLike | None = None
    use_cache: bool = True
    progress: bool = False
    estimator: object | None = None
    param_grid: dict | list | None = None

    def __post_init__(self):
        validate_params(self.to_kwargs(), _constraints(), owner=OWNER)
        # The frozen dataclass holds its values normalised (tuples, formulations in
        # display order), so equal options compare and hash equal.
        object.__setattr__(self, "sizes", _checked_sizes(self.sizes))
        hidden = tuple(self.hidden_layer_sizes)
        if self.model == "mlp" and (not hidden or not all(is_int(h) and h >= 1 for h in hidden)):
            raise invalid_parameter(
                "hidden_layer_sizes", OWNER, "a non-empty tuple of ints >= 1", hidden
            )
        object.__setattr__(self, "hidden_layer_sizes", hidden)
        object.__setattr__(self, "formulations", _checked_formulations(self.formulations))
        if self.scheduler is not None and self.backend != "dask":
            raise invalid_parameter(
                "scheduler", OWNER, "None unless backend='dask'", self.scheduler
            )
        if self.estimator is not None:
            from ..engines.estimator_engine import check_estimator

            check_estimator(self.estimator, self.param_grid)  # refuses a bad one now
        elif self.param_grid is not None:
            raise invalid_parameter("param_grid", OWNER, "None without an estimator", "a grid")

    @classmethod
    def defaults(cls) -> dict:
        """Return the default of every option, without building (or checking) an instance."""
        return {f.name: f.default for f in fields(cls)}

    def to_kwargs(self) -> dict:
        """Return the options as keyword arguments of :func:`learning_curves`."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def budget_mode(self) -> BudgetMode:
        """Whether the budget is automatic, unlimited or a fixed number of seconds."""
        if self.budget is None:
            return BudgetMode.AUTO
        return BudgetMode.UNLIMITED if math.isinf(self.budget) else BudgetMode.FIXED

    def experiment_dict(self) -> dict:
        """Return the JSON-safe options that define the experiment's numbers.

        How the jobs run (``jobs``, ``backend``, ``scheduler``, the cache, the progress
        bar) does not change the numbers, so it is not here: this dict is the
        ``options`` of the result and part of the cache key.
        """
        return {
            "folds": int(self.folds),
            "repeats": int(self.repeats),
            "sizes": None if self.sizes is None else list(self.sizes),
            "n_sizes": int(self.n_sizes),
            "min_size": None if self.min_size is None else int(self.min_size),
            "seed": int(self.seed),
            "engine": self.engine,
            "model": self.model,
            "hidden_layer_sizes": (
                [int(h) for h in self.hidden_layer_sizes] if self.model == "mlp" else []
            ),
            "formulations": list(self.formulations),
            "prune_min_count": int(self.prune_min_count),
            "scaling": self.scaling,
            "budget": None if self.budget_mode != BudgetMode.FIXED else float(self.budget),
            "budget_mode": self.budget_mode.value,
        } | (
            {}
            if self.estimator is None
            else {"estimator": repr(self.estimator), "param_grid": repr(self.param_grid)}
        )


def _is_seconds(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _constraints() -> dict:
    # Imported here: the engines import scikit-learn, which `import feasibility` avoids.
    from ..engines import ENGINES

    at_least = {n: Interval(Integral, n, None, closed="left") for n in (0, 1, 2)}
    return {
        "folds": [at_least[2]],
        "repeats": [at_least[1]],
        "n_sizes": [at_least[1]],
        "min_size": [at_least[1], None],
        "seed": [at_least[0]],
        "jobs": [None, Check(lambda v: is_int(v) and v != 0, "a non-zero int")],
        "engine": [StrOptions(set(ENGINES))],
        "model": [StrOptions(set(MODEL_FAMILIES))],
        "prune_min_count": [at_least[1]],
        "scaling": [StrOptions(set(SCALINGS))],
        "budget": [None, Check(_is_seconds, "a number of seconds > 0")],
        "backend": [StrOptions(set(BACKENDS))],
    }


def _checked_sizes(sizes) -> tuple[int, ...] | tuple[float, ...] | None:
    """Counts (ints >= 1) or fractions (floats in (0, 1]), as a tuple in the given order."""
    if sizes is None:
        return None
    sizes = list(sizes)
    all_ints = all(is_int(s) for s in sizes)
    all_floats = all(isinstance(s, float | np.floating) for s in sizes)
    if not sizes or not (all_ints or all_floats):
        raise invalid_parameter(
            "sizes", OWNER, "a non-empty list of counts (ints) or of fractions (floats)", sizes
        )
    if all_ints and min(sizes) < 1:
        raise invalid_parameter("sizes", OWNER, "counts >= 1", sizes)
    if all_floats and not all(0.0 < s <= 1.0 for s in sizes):
        raise invalid_parameter("sizes", OWNER, "fractions within (0, 1]", sizes)
    return tuple(int(s) for s in sizes) if all_ints else tuple(float(s) for s in sizes)


def _checked_formulations(formulations) -> tuple[str, ...]:
    """A non-empty subset of :data:`FORMULATIONS`, in that order (one name alone is fine)."""
    requested = [formulations] if isinstance(formulations, str) else list(formulations)
    unknown = [f for f in requested if f not in FORMULATIONS]
    if not requested or unknown:
        raise invalid_parameter(
            "formulations", OWNER, f"a non-empty subset of {list(FORMULATIONS)}", requested
        )
    return tuple(f for f in FORMULATIONS if f in requested)
