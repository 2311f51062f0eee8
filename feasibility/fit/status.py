"""The fit stage's vocabulary: the statuses it returns and the constants that define them.

Statuses are ``StrEnum`` members: each compares equal to its string (the JSON value), so
``fit.slope.verdict == "flat"`` and the JSON stay as they were, while code can match the
member instead of spelling the string.

Examples
--------
>>> SlopeVerdict.FLAT == "flat", str(NeedStatus.NOT_ESTIMABLE)
(True, 'not_estimable')
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "COVERAGE",
    "HORIZON",
    "MAX_SPAN",
    "CROSSOVER_PAIRS",
    "CROSSOVER_RANGE",
    "EPS",
    "HEADLINE_METRIC",
    "MEANINGFUL_GAIN",
    "SEARCH_CAP",
    "TIE",
    "CrossoverStatus",
    "NeedStatus",
    "NotEstimable",
    "R2Source",
    "SlopeVerdict",
    "TargetKind",
]

#: Metric a single ``target`` float applies to: the usual multilabel summary, and one
#: that neither formulation optimises directly.
HEADLINE_METRIC = "f1_micro"
#: Name used for the coverage curve (1 - unseen_labelset_share) in results.
COVERAGE = "coverage"
#: Searches for "samples needed" stop here.
SEARCH_CAP = 1e9
#: Largest multiple of the largest measured size at which an extrapolation is used for
#: anything: the distance at which the calibrated intervals were checked on LCDB curves
#: they were not learned on (``benchmarks/bench_extrapolation.py --half 2``).
HORIZON = 10.0
#: Crossovers are searched up to the horizon.
CROSSOVER_RANGE = HORIZON
#: A samples-needed or crossover size is stated only when its interval spans at most this
#: factor (high / low); wider, it is "not estimable from this data".
MAX_SPAN = 10.0
#: A doubling of the data that improves the metric by less than this counts as flat.
MEANINGFUL_GAIN = 0.01
#: Pairs compared for crossovers: the sigmoid against each softmax formulation.
CROSSOVER_PAIRS: tuple[tuple[str, str], ...] = (
    ("sigmoid", "powerset"),
    ("sigmoid", "pruned-powerset"),
)
#: Leader of a crossover where the two curves are equal (otherwise a formulation name).
TIE = "tie"
#: Differences below this count as zero (a tie, no sign change, an interval of no width).
EPS = 1e-12


class NeedStatus(StrEnum):
    """Whether a curve reaches its target (see :class:`~feasibility.fit.SamplesNeeded`)."""

    REACHED = "reached"  # measured, or the fitted curve gets there by the largest size
    REACHABLE = "reachable"  # beyond it, with an interval within the horizon and MAX_SPAN
    NOT_ESTIMABLE = "not_estimable"  # the data cannot tell (see NotEstimable for why)
    UNKNOWN = "unknown"  # nothing to extrapolate from (last1) or an undefined curve


class NotEstimable(StrEnum):
    """Why a samples-needed or crossover size is not estimable from the data."""

    BEYOND_HORIZON = "beyond_horizon"  # the size or its interval's end lies past HORIZON
    TOO_WIDE = "too_wide"  # its interval spans more than MAX_SPAN
    LEVELS_OFF = "levels_off"  # the fitted curve levels off below the target


class TargetKind(StrEnum):
    """Where the target of "samples needed" came from."""

    USER = "user"  # given by the user
    FLATTENING = "flattening"  # where a doubling of the data gains less than MEANINGFUL_GAIN


class SlopeVerdict(StrEnum):
    """Whether more data still helps at the largest measured size."""

    HELPING = "helping"  # a doubling gains at least MEANINGFUL_GAIN
    FLAT = "flat"  # it gains less
    UNCERTAIN = "uncertain"  # the interval straddles MEANINGFUL_GAIN
    UNKNOWN = "unknown"  # constant fallback last1: nothing to extrapolate


class CrossoverStatus(StrEnum):
    """Whether two formulations swap places within the horizon (HORIZON x the data)."""

    CROSSOVER = "crossover"  # with an interval within the horizon and MAX_SPAN
    NONE = "none"  # the fitted curves keep their order up to the horizon
    NOT_ESTIMABLE = "not_estimable"  # the fitted curves cross, but the interval is too wide


class R2Source(StrEnum):
    """Where an analytic sample size took its anticipated R^2 from."""

    ADJUSTED = "adjusted"  # the apparent R^2 shrunk by van Houwelingen's heuristic
    CONSERVATIVE = "conservative"  # Riley's / Pate's conservative Nagelkerke R^2 of 0.15
