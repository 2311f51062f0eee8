"""The decision's options (one frozen dataclass holding the only defaults) and its inputs.

:class:`DecisionOptions` is validated with :mod:`feasibility._validation`, so
:func:`~feasibility.decide.recommend`, :func:`~feasibility.decide.build_checklist` and
:func:`feasibility.pipeline.run_pipeline` accept exactly the same values and refuse the
others with the one message template.

Examples
--------
>>> DecisionOptions().memory_budget == 2**30
True
>>> DecisionOptions.checked("recommend", alpha=1.5)
Traceback (most recent call last):
...
feasibility.errors.ParameterError: The 'alpha' parameter of recommend must be a float in (0, 1). Got 1.5 instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral, Real

from .._validation import Check, Interval, StrOptions, is_int, validate_params
from ..errors import wrong_input
from ..vocab import METRICS, Formulation
from .codes import PairedTest

__all__ = [
    "CANDIDATES",
    "DEFAULT_MEMORY_BUDGET",
    "MIN_PAIRED_RUNS",
    "MIN_POSITIVES",
    "RARE_LABELSET_COUNT",
    "TESTS",
    "DecisionOptions",
    "check_stage_results",
]

#: Formulations that must beat sigmoid to be recommended.
CANDIDATES: tuple[str, ...] = (str(Formulation.POWERSET), str(Formulation.PRUNED_POWERSET))
#: Paired tests across runs at the dataset's size (``test=`` option of recommend).
TESTS: tuple[str, ...] = (str(PairedTest.CORRECTED_T), str(PairedTest.PAIRED_T))
#: Default memory budget for the powerset output layer (float32 weights and biases).
DEFAULT_MEMORY_BUDGET = 2**30
#: A sigmoid needs at least this many positives of its label to be estimated at all
#: (the usual events-per-variable floor for one intercept plus a little signal).
MIN_POSITIVES = 10
#: Labelsets seen fewer than this many times are "rare" for a powerset class.
RARE_LABELSET_COUNT = 5
#: Paired runs a comparison needs before a significant difference may decide the verdict:
#: with two runs the sd of the differences rests on one degree of freedom.
MIN_PAIRED_RUNS = 3

_CONSTRAINTS = {
    "metric": [StrOptions(set(METRICS))],
    "target_n": [None, Interval(Integral, 1, None, closed="left")],
    "memory_budget": [Check(lambda v: is_int(v) and v > 0, "an int > 0 (bytes)")],
    "min_positives": [Interval(Integral, 1, None, closed="left")],
    "rare_count": [Interval(Integral, 2, None, closed="left")],
    "alpha": [Interval(Real, 0, 1, closed="neither")],
    "test": [StrOptions(set(TESTS))],
}


@dataclass(frozen=True)
class DecisionOptions:
    """Options of the decision and the checklist; the defaults live here only.

    Parameters
    ----------
    metric : str, default="f1_micro"
        Headline metric (one of ``feasibility.vocab.METRICS``).
    target_n : int or None, default=None
        Training size the decision is for; None is the dataset's size.
    memory_budget : int, default=2**30
        Bytes allowed for the powerset output layer in float32 (weights and biases).
    min_positives : int, default=10
        Positives a label needs for its sigmoid (checklist).
    rare_count : int, default=5
        Labelsets seen fewer times than this are rare (checklist).
    alpha : float, default=0.05
        Significance level; Bonferroni-adjusted over the candidates compared per metric.
    test : {"corrected-t", "paired-t"}, default="corrected-t"
        Paired test across runs at the dataset's size.
    """

    metric: str = "f1_micro"
    target_n: int | None = None
    memory_budget: int = DEFAULT_MEMORY_BUDGET
    min_positives: int = MIN_POSITIVES
    rare_count: int = RARE_LABELSET_COUNT
    alpha: float = 0.05
    test: str = str(PairedTest.CORRECTED_T)

    def __post_init__(self) -> None:
        validate_params(asdict(self), _CONSTRAINTS, owner=type(self).__name__)

    @classmethod
    def checked(cls, owner: str, **values) -> DecisionOptions:
        """Validate ``values`` in their order, naming ``owner`` in the error, then build.

        Raises
        ------
        ParameterError
            For the first value out of its range.
        """
        validate_params(values, _CONSTRAINTS, owner=owner)
        return cls(**values)


#: How to make each stage result, for the message when a stage gets something else.
_MADE_BY = {
    "profile": "feasibility.profile(dataset)",
    "curves": "feasibility.learning_curves(dataset)",
    "fits": "feasibility.fit_curves(curves)",
}


def check_stage_results(owner: str, profile, curves, fits, *, curves_optional: bool) -> None:
    """Refuse a name, a dict or a dataset where a stage result is expected, saying how to
    compute it (an AttributeError deep inside would not).

    Raises
    ------
    ParameterError
        Naming the parameter, what it takes and how to compute it.
    """
    from ..curves import LearningCurves
    from ..fit import CurveFits
    from ..profile import LabelProfile

    expected = (
        ("profile", profile, LabelProfile, False),
        ("curves", curves, LearningCurves, curves_optional),
        ("fits", fits, CurveFits, True),
    )
    for parameter, value, kind, optional in expected:
        if isinstance(value, kind) or (optional and value is None):
            continue
        on = f" on feasibility.load({value!r})" if isinstance(value, str) else ""
        raise wrong_input(
            owner,
            f"a {kind.__name__}{' or None' if optional else ''} as {parameter!r}",
            value,
            hint=f"Compute it with {_MADE_BY[parameter]}{on}.",
        )
