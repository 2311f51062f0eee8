"""The options of :func:`~feasibility.fit.fit_curves`: their only defaults and their checks.

:class:`FitOptions` holds the defaults; building one checks every value with
:func:`feasibility._validation.validate_params` (one message template), so
:func:`~feasibility.fit.fit_curves`, :func:`~feasibility.fit.fit_curve`,
:func:`feasibility.pipeline.check_fit_options` and the CLI accept exactly the same values.

Examples
--------
>>> FitOptions(target=0.8).targets
{'f1_micro': 0.8}
>>> FitOptions(confidence=1.5)
Traceback (most recent call last):
...
feasibility.errors.ParameterError: The 'confidence' parameter of fit_curves must be a float in (0, 1). Got 1.5 instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

from .._validation import Check, Interval, is_int, validate_params
from ..vocab import METRICS
from .models import DEFAULT_MODELS, MODEL_NAMES
from .status import COVERAGE, HEADLINE_METRIC

__all__ = ["FitOptions", "check_fit_params", "normalise_targets"]

_CONSTRAINTS = {
    "models": [
        Check(
            lambda v: (
                not isinstance(v, str) and len(v) > 0 and all(name in MODEL_NAMES for name in v)
            ),
            f"a non-empty subset of {list(MODEL_NAMES)}",
        )
    ],
    "n_bootstrap": [Interval(Integral, 0, None, closed="left")],
    "confidence": [Interval(Real, 0, 1, closed="neither")],
    "max_train_size": [None, Interval(Integral, 1, None, closed="left")],
    "jobs": [None, Check(lambda v: is_int(v) and v != 0, "a non-zero int")],
    "target_n": [
        None,
        Check(
            lambda v: not isinstance(v, str) and all(is_int(n) and 1 <= n <= 10**18 for n in v),
            "a list of ints in [1, 10**18]",
        ),
    ],
}
_TARGET_METRICS = (*METRICS, COVERAGE)


def normalise_targets(target, owner: str = "fit_curves") -> dict[str, float]:
    """Return the targets as a dict metric -> value; a single float is the headline metric's.

    Raises
    ------
    ParameterError
        For anything but None, a float or a dict of metrics (or ``"coverage"``) to values
        in (0, 1).

    Examples
    --------
    >>> normalise_targets(None), normalise_targets(0.7), normalise_targets({"jaccard": 0.5})
    ({}, {'f1_micro': 0.7}, {'jaccard': 0.5})
    """
    if target is None:
        return {}
    if isinstance(target, int | float) and not isinstance(target, bool):
        target = {HEADLINE_METRIC: float(target)}
    # three checks in turn, so that the message names the first thing that is wrong
    for accepted in (
        Check(lambda t: isinstance(t, dict), "None, a float or a dict metric -> value"),
        Check(
            lambda t: all(metric in _TARGET_METRICS for metric in t),
            f"keyed by metrics among {list(METRICS)}",
        ),
        Check(
            lambda t: all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0.0 < v < 1.0
                for v in t.values()
            ),
            "values within (0, 1)",
        ),
    ):
        validate_params({"target": target}, {"target": [accepted]}, owner=owner)
    return {metric: float(value) for metric, value in target.items()}


def check_fit_params(values: dict, owner: str = "fit_curves") -> None:
    """Check fit options given by name (``models``, ``n_bootstrap``, ``confidence``,
    ``max_train_size``, ``target_n``, ``target``); unknown names are not checked.

    Raises
    ------
    ParameterError
        For the first value out of range, naming ``owner``.
    """
    validate_params(values, _CONSTRAINTS, owner=owner)
    if "target" in values:
        normalise_targets(values["target"], owner)


@dataclass(frozen=True)
class FitOptions:
    """Options of :func:`~feasibility.fit.fit_curves`, checked when built.

    Parameters
    ----------
    target_n : sequence of int, optional
        Training sizes at which to report every metric; None: the dataset's size and the
        horizon (``HORIZON`` x the largest training size measured).
    target : float or dict, optional
        Targets of "samples needed": a dict metric -> value (a loss as a loss), or one
        float for the headline metric (``f1_micro``); None: for every metric, the size
        from which a doubling of the data gains less than 0.01 ("flattening").
    models : sequence of str, default=("pow3", "pow4", "mmf4")
        Curve models averaged (names of ``CURVE_MODELS``), each weighted by its backtest.
    n_bootstrap : int, default=200
        Bootstrap resamples of the runs; 0 disables the intervals.
    confidence : float, default=0.90
        Coverage of every interval.
    max_train_size : int, optional
        Fit only sizes <= this (the self-backtest of the extrapolation).
    random_state : int, default=0
        Seed of the bootstrap.
    jobs : int, optional
        Processes the curves are fitted in (joblib's convention: -1 all cores); None: all
        cores. The numbers do not depend on it.
    """

    target_n: Sequence[int] | None = None
    target: float | dict[str, float] | None = None
    models: Sequence[str] = DEFAULT_MODELS
    n_bootstrap: int = 200
    confidence: float = 0.90
    max_train_size: int | None = None
    random_state: int = 0
    jobs: int | None = None

    def __post_init__(self) -> None:
        check_fit_params(
            {
                "models": self.models,
                "n_bootstrap": self.n_bootstrap,
                "confidence": self.confidence,
                "max_train_size": self.max_train_size,
                "target_n": self.target_n,
                "target": self.target,
                "jobs": self.jobs,
            }
        )

    @property
    def targets(self) -> dict[str, float]:
        """The targets as a dict metric -> value (see :func:`normalise_targets`)."""
        return normalise_targets(self.target)
