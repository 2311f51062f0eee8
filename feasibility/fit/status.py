"""The fit stage's vocabulary: the statuses it returns and the constants that define them.

Statuses are ``StrEnum`` members: each compares equal to its string (the JSON value), so
``fit.slope.verdict == "flat"`` and the JSON stay as they were, while code can match the
member instead of spelling the string.

Examples
--------
>>> SlopeVerdict.FLAT == "flat", str(CrossoverStatus.CROSSOVER)
(True, 'crossover within 100x')
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "COVERAGE",
    "CROSSOVER_PAIRS",
    "CROSSOVER_RANGE",
    "EPS",
    "HEADLINE_METRIC",
    "MEANINGFUL_GAIN",
    "SATURATION_GAP",
    "SEARCH_CAP",
    "TIE",
    "CrossoverStatus",
    "NeedStatus",
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
#: Crossovers are searched up to this multiple of the largest measured size.
CROSSOVER_RANGE = 100.0
#: A doubling of the data that improves the metric by less than this counts as flat.
MEANINGFUL_GAIN = 0.01
#: Fraction of the asymptote's gap that defines "saturation" when no target is given.
SATURATION_GAP = 0.05
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
    REACHABLE = "reachable"  # the fitted curve gets there beyond it, within SEARCH_CAP
    BEYOND_CAP = "beyond_cap"  # the limit meets the target, but only past SEARCH_CAP
    NOT_REACHABLE = "not_reachable"  # the limit stays below a user target
    UNKNOWN = "unknown"  # nothing to extrapolate from (last1) or an undefined curve


class TargetKind(StrEnum):
    """Where the target of "samples needed" came from."""

    USER = "user"  # given by the user
    SATURATION = "saturation"  # within SATURATION_GAP of the fitted asymptote


class SlopeVerdict(StrEnum):
    """Whether more data still helps at the largest measured size."""

    HELPING = "helping"  # a doubling gains at least MEANINGFUL_GAIN
    FLAT = "flat"  # it gains less
    UNCERTAIN = "uncertain"  # the interval straddles MEANINGFUL_GAIN
    UNKNOWN = "unknown"  # constant fallback last1: nothing to extrapolate


class CrossoverStatus(StrEnum):
    """Whether two formulations swap places within CROSSOVER_RANGE x the data."""

    CROSSOVER = "crossover within 100x"
    NONE = "none within 100x"


class R2Source(StrEnum):
    """Where an analytic sample size took its anticipated R^2 from."""

    ADJUSTED = "adjusted"  # the apparent R^2 shrunk by van Houwelingen's heuristic
    CONSERVATIVE = "conservative"  # Riley's / Pate's conservative Nagelkerke R^2 of 0.15
