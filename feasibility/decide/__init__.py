"""The decision stage: :func:`recommend` (sigmoid, powerset or pruned powerset, per metric
and for the headline) and :func:`build_checklist` (the pre-modelling checklist).

Every number comes from the results of :func:`feasibility.profile.profile`,
:func:`feasibility.curves.learning_curves` and :func:`feasibility.fit.fit_curves`, and from
the dataset itself (duplicate feature rows). The results hold numbers, enum statuses and
codes; :mod:`feasibility.report.explain` writes the sentences.

- :mod:`~feasibility.decide.options`: :class:`DecisionOptions`, the only defaults;
- :mod:`~feasibility.decide.compare`: the paired comparisons (measured and extrapolated);
- :mod:`~feasibility.decide.recommend`: the verdict per metric and the headline;
- :mod:`~feasibility.decide.checks`: the checklist's registry and :class:`CheckThresholds`;
- :mod:`~feasibility.decide.results` and :mod:`~feasibility.decide.codes`: the result
  types and their codes.
"""

from ..profile import DuplicateRows, conflicting_duplicates
from .checks import CHECKS, CheckContext, CheckThresholds, build_checklist
from .codes import (
    Basis,
    CheckStatus,
    Concern,
    DecisionWarning,
    EffectSizeKind,
    Note,
    NoteCode,
    PairedTest,
    Place,
    PlaceCode,
    Reason,
    ReasonCode,
    Untestable,
    VerdictCode,
)
from .options import (
    CANDIDATES,
    DEFAULT_MEMORY_BUDGET,
    MIN_PAIRED_RUNS,
    MIN_POSITIVES,
    RARE_LABELSET_COUNT,
    TESTS,
    DecisionOptions,
)
from .recommend import recommend
from .results import CheckItem, Checklist, Comparison, HeadRow, MetricVerdict, Recommendation

__all__ = [
    "CANDIDATES",
    "CHECKS",
    "DEFAULT_MEMORY_BUDGET",
    "MIN_PAIRED_RUNS",
    "MIN_POSITIVES",
    "RARE_LABELSET_COUNT",
    "TESTS",
    "Basis",
    "CheckContext",
    "CheckItem",
    "CheckStatus",
    "CheckThresholds",
    "Checklist",
    "Comparison",
    "Concern",
    "DecisionOptions",
    "DecisionWarning",
    "DuplicateRows",
    "EffectSizeKind",
    "HeadRow",
    "MetricVerdict",
    "Note",
    "NoteCode",
    "PairedTest",
    "Place",
    "PlaceCode",
    "Reason",
    "ReasonCode",
    "Recommendation",
    "Untestable",
    "VerdictCode",
    "build_checklist",
    "conflicting_duplicates",
    "recommend",
]
