"""The decision's vocabulary: statuses, and the codes that stand for its reasons and notes.

The decision stage returns numbers and codes, never sentences. A reason, a note or the
place where a metric was compared is a *code with its numbers* (:class:`Reason`,
:class:`Note`, :class:`Place`); :mod:`feasibility.report.explain` turns each code into
the sentence the report shows. Every enum is a ``StrEnum``, so a member equals its string
and the JSON keeps plain strings.

Examples
--------
>>> note = Note(NoteCode.NO_FITTED_CURVE, {"metric": "f1_micro", "candidate": "powerset", "train_size": 80})
>>> note.to_dict()
{'code': 'no_fitted_curve', 'metric': 'f1_micro', 'candidate': 'powerset', 'train_size': 80}
>>> Note.from_dict(note.to_dict()) == note
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from ..notes import Coded, FeasibilityNoteWarning
from ..notes import Note as BaseNote

__all__ = [
    "Basis",
    "CheckStatus",
    "Concern",
    "EffectSizeKind",
    "Note",
    "NoteCode",
    "PairedTest",
    "Place",
    "PlaceCode",
    "Reason",
    "ReasonCode",
    "Untestable",
    "VerdictCode",
    "DecisionWarning",
]


class CheckStatus(StrEnum):
    """Outcome of one checklist item, from best to worst."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        """0 for pass, 1 for warn, 2 for fail (the checklist's status is the worst)."""
        return list(CheckStatus).index(self)


class Concern(StrEnum):
    """Which formulation a checklist item speaks to."""

    SIGMOID = "sigmoid"
    POWERSET = "powerset"
    BOTH = "both"
    DATA = "data"


class Basis(StrEnum):
    """How two formulations were compared."""

    MEASURED = "measured"  # scores measured at one training size, paired across runs
    EXTRAPOLATED = "extrapolated"  # the fitted curves and their paired bootstrap


class PairedTest(StrEnum):
    """The test behind a comparison (the first two are the ``test=`` options of recommend)."""

    CORRECTED_T = "corrected-t"  # corrected resampled t-test (Nadeau & Bengio 2003)
    PAIRED_T = "paired-t"  # the plain paired t-test
    BOOTSTRAP = "bootstrap"  # the paired bootstrap of the fitted curves (extrapolated)


class EffectSizeKind(StrEnum):
    """What the effect size of a comparison divides by."""

    RUN_SD = "run_sd"  # mean difference / sd of the run differences (Cohen's d_z)
    BOOTSTRAP_SD = "bootstrap_sd"  # difference / bootstrap sd of the difference


class Untestable(StrEnum):
    """Why a difference could not be tested (NONE: it was tested)."""

    NONE = ""
    EQUAL_RUNS = "equal_runs"  # every paired run gave the same difference
    EQUAL_BOOTSTRAP = "equal_bootstrap"  # every bootstrap refit gave the same difference


class VerdictCode(StrEnum):
    """Why a metric's verdict is what it is."""

    # the candidate compared and the outcome (the numbers are the deciding comparison's)
    CANDIDATE_BETTER = "candidate_better"  # significantly better and within the memory budget
    OVER_BUDGET = "over_budget"  # significantly better, but its head is over the budget
    CLOSE_UNTESTABLE = "close_untestable"  # no variance to test the difference against
    CLOSE_FEW_RUNS = "close_few_runs"  # significant on fewer than MIN_PAIRED_RUNS runs
    CLOSE = "close"  # the interval includes 0
    SIGMOID_BETTER = "sigmoid_better"  # every candidate significantly worse
    # nothing could be compared; sigmoid, the default, stays
    NO_SIGMOID_CURVE = "no_sigmoid_curve"
    NO_CANDIDATE_CURVE = "no_candidate_curve"
    DIFFERENT_SIZES = "different_sizes"
    NO_SIZE = "no_size"  # no measured size at or below the bound and no fits
    NO_PAIRED_SIZE = "no_paired_size"  # no size with 2 runs of every formulation
    NO_FITTED_CURVES = "no_fitted_curves"
    NO_LABEL_VARIES = "no_label_varies"  # every label constant: nothing to learn or compare
    BEYOND_HORIZON = "beyond_horizon"  # the target size is past the fits' validated horizon


class ReasonCode(StrEnum):
    """The reasons behind the headline, in the order they are given."""

    HEADLINE_VERDICT = "headline_verdict"  # the headline metric's verdict (its own code)
    SIGMOID_DEFAULT = "sigmoid_default"
    RARE_LABELSETS = "rare_labelsets"
    UNSEEN_LABELSETS = "unseen_labelsets"
    HEAD_MEMORY = "head_memory"
    LABEL_DEPENDENCE = "label_dependence"
    SLOPES = "slopes"
    CROSSOVER = "crossover"
    OTHER_METRICS = "other_metrics"


class PlaceCode(StrEnum):
    """Where (at which training size, on which basis) a metric was compared."""

    EXTRAPOLATED_BEYOND = "extrapolated_beyond"  # target beyond the dataset
    FITTED_BELOW_SMALLEST = "fitted_below_smallest"  # bound below the smallest size
    FITTED_SIZE_CUT = "fitted_size_cut"  # the bound's size was cut by the budget
    MEASURED_LARGEST_COMMON = "measured_largest_common"  # largest every formulation reached
    MEASURED_LARGEST_EVERY_FOLD = "measured_largest_every_fold"
    MEASURED_LARGEST = "measured_largest"
    MEASURED_AT_TARGET = "measured_at_target"
    MEASURED_BELOW_TARGET = "measured_below_target"


class NoteCode(StrEnum):
    """Notes of the decision stage (each also warned as a :class:`DecisionWarning`)."""

    SIZE_CUT_FITTED = "size_cut_fitted"  # compared on the fitted curves instead
    SIZE_CUT_EARLIER = "size_cut_earlier"  # compared at an earlier measured size
    UNTESTABLE = "untestable"  # a difference without variance, treated as not significant
    NO_FITTED_CURVE = "no_fitted_curve"
    CONFLICTING_DUPLICATES = "conflicting_duplicates"


@dataclass(frozen=True)
class Reason(Coded):
    """A reason: a :class:`ReasonCode` or, for a metric's verdict, a :class:`VerdictCode`."""

    codes: ClassVar[type[StrEnum]] = ReasonCode

    @classmethod
    def from_dict(cls, data: Mapping) -> Reason:
        values = dict(data)
        code = values.pop("code")
        kind = ReasonCode if code in ReasonCode._value2member_map_ else VerdictCode
        return cls(kind(code), values)


@dataclass(frozen=True)
class Place(Coded):
    """Where a metric was compared: ``train_size`` and the numbers the phrase needs."""

    codes: ClassVar[type[StrEnum]] = PlaceCode


@dataclass(frozen=True)
class Note(BaseNote):
    """A note of the decision stage (``str(note)`` is its sentence)."""

    codes: ClassVar[type[StrEnum]] = NoteCode


class DecisionWarning(FeasibilityNoteWarning):
    """A :class:`Note` of the decision stage, warned; its message is the note's sentence."""
