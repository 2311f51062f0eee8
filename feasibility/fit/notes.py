"""The notes of the fits and of the analytic sample sizes: :class:`FitNote` and its codes.

A curve's own notes (:attr:`CurveFit.notes <feasibility.fit.CurveFit.notes>`) hold the
code and its values; the stage's notes (:attr:`CurveFits.notes
<feasibility.fit.CurveFits.notes>`) add ``formulation`` and ``metric``, the curve they are
about. The sentences are in :mod:`feasibility.report.explain_notes`.

Examples
--------
>>> note = FitNote(FitNoteCode.ONE_SIZE)
>>> about_curve(note, "sigmoid", "f1_micro").to_dict()
{'code': 'one_size', 'formulation': 'sigmoid', 'metric': 'f1_micro'}
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from ..notes import Note

__all__ = ["FitNote", "FitNoteCode", "about_curve"]


class FitNoteCode(StrEnum):
    """What a note of the fits, or of the analytic sample sizes, is about."""

    # one curve's fit and bootstrap
    MODEL_NOT_CONVERGED = "model_not_converged"  # a model failed on all sizes; left out
    NO_MODEL_CONVERGED = "no_model_converged"  # last1 used
    TWO_SIZES = "two_sizes"  # log2 through both, no backtest
    TWO_SIZES_NOT_CONVERGED = "two_sizes_not_converged"  # last1 used
    ONE_SIZE = "one_size"  # last1, nothing extrapolates
    NO_SIZE = "no_size"  # nothing to fit
    FEW_BOOTSTRAP_REFITS = "few_bootstrap_refits"  # under 80% of the refits converged
    ONE_RUN = "one_run"  # no size has two runs: the noise is the scatter about the fit
    FALLING = "falling"  # fit_curve's scores fall as the data grows (a loss passed as a score?)
    TARGET_BEYOND_HORIZON = "target_beyond_horizon"  # a target_n of fit_curve past it
    # the analytic sample sizes (Riley per label, Pate for the powerset)
    RILEY_CONSERVATIVE = "riley_conservative"  # conservative R^2 assumed for some labels
    PATE_CONSERVATIVE = "pate_conservative"  # conservative R^2 assumed for the powerset
    PATE_TOO_FEW_LABELSETS = "pate_too_few_labelsets"  # no multinomial model to size
    SAMPLE_SIZE_FAILED = "sample_size_failed"  # the formulas refused their inputs
    # warned only: fit_curves sums its notes up in one warning
    FIT_NOTES = "fit_notes"


@dataclass(frozen=True)
class FitNote(Note):
    """A note of the fit stage or of the analytic sample sizes."""

    codes: ClassVar[type[StrEnum]] = FitNoteCode


def about_curve(note: FitNote, formulation: str, metric: str) -> FitNote:
    """``note`` with the curve it is about (``formulation``, ``metric``) among its values."""
    return FitNote(note.code, {"formulation": formulation, "metric": metric, **note.values})
