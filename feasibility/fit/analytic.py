"""The analytic sample-size stage: Riley (per label) and Pate (powerset) from measured curves.

:func:`analytic_sample_size` applies the formulas of :mod:`feasibility.fit.sample_size`
to what :func:`feasibility.curves.learning_curves` measured; :func:`with_sample_size`
attaches the result to the fits (the report's JSON keeps it under ``fits.sample_size``).
It is its own stage, called by :func:`feasibility.pipeline.run_pipeline` after
:func:`~feasibility.fit.fit_curves`, so the curve fits do not depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from .._json import finite_float, float_or_nan
from ..notes import warn_note
from .notes import FitNote, FitNoteCode
from .sample_size import (
    PateResult,
    RileyResult,
    adjusted_r2_cs,
    max_r2_cs,
    pate_multinomial,
    riley_binary,
)
from .status import R2Source

if TYPE_CHECKING:
    from .results import CurveFits

__all__ = [
    "CONSERVATIVE_NAGELKERKE",
    "AnalyticSampleSize",
    "LabelSampleSize",
    "NotApplicable",
    "analytic_sample_size",
    "with_sample_size",
]

#: Nagelkerke R^2 assumed when the data give no usable R^2 (Riley et al. 2020's conservative choice).
CONSERVATIVE_NAGELKERKE = 0.15
#: The criteria are for a model with few predictors per sample: with more than this share
#: of the samples as predictors they say nothing about a penalised model (and they assume
#: an unpenalised maximum-likelihood fit).
MAX_PREDICTOR_SHARE = 0.1


class NotApplicable(StrEnum):
    """Why an analytic criterion does not apply to this data."""

    CONSERVATIVE_R2 = "conservative_r2"  # the binding R^2 was assumed, not measured
    OWN_ESTIMATOR = "own_estimator"  # the heads are the user's model, not logistic ones
    MANY_PREDICTORS = "many_predictors"  # predictors > MAX_PREDICTOR_SHARE x samples


@dataclass(frozen=True, eq=False)
class LabelSampleSize:
    """Riley's answer for one label's sigmoid, with where its R^2 came from."""

    label: int
    r2_cs_apparent: float
    r2_source: R2Source  # "adjusted" (van Houwelingen) or "conservative" (Nagelkerke 0.15)
    result: RileyResult

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "label": int(self.label),
            "r2_cs_apparent": finite_float(self.r2_cs_apparent),
            "r2_source": str(self.r2_source),
            **self.result.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> LabelSampleSize:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            label=int(data["label"]),
            r2_cs_apparent=float_or_nan(data["r2_cs_apparent"]),
            r2_source=R2Source(data["r2_source"]),
            result=RileyResult.from_dict(data),
        )


@dataclass(frozen=True, eq=False)
class AnalyticSampleSize:
    """Result of :func:`analytic_sample_size`."""

    n_predictors: int
    n_fit: int  # training size at which the apparent R^2 were measured
    per_label: tuple[LabelSampleSize, ...]
    sigmoid_n: int | None  # the largest per-label n (every label's model must be fine)
    sigmoid_binding_label: int | None
    powerset: PateResult | None
    powerset_r2_source: R2Source
    notes: tuple[FitNote, ...] = field(default_factory=tuple)
    # why a criterion does not apply (None: it does); a criterion that does not apply
    # is reported, but never drives a checklist warning
    sigmoid_not_applicable: NotApplicable | None = None
    powerset_not_applicable: NotApplicable | None = None

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "n_predictors": int(self.n_predictors),
            "n_fit": int(self.n_fit),
            "riley": {
                "n": None if self.sigmoid_n is None else int(self.sigmoid_n),
                "binding_label": None
                if self.sigmoid_binding_label is None
                else int(self.sigmoid_binding_label),
                "per_label": [entry.to_dict() for entry in self.per_label],
                "not_applicable": _reason(self.sigmoid_not_applicable),
            },
            "pate": None
            if self.powerset is None
            else {
                **self.powerset.to_dict(),
                "r2_source": str(self.powerset_r2_source),
                "not_applicable": _reason(self.powerset_not_applicable),
            },
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_dict(cls, data: dict) -> AnalyticSampleSize:
        """Rebuild from :meth:`to_dict` (without a powerset, its R^2 source reads "adjusted")."""
        riley, pate = data["riley"], data["pate"]
        return cls(
            n_predictors=int(data["n_predictors"]),
            n_fit=int(data["n_fit"]),
            per_label=tuple(LabelSampleSize.from_dict(entry) for entry in riley["per_label"]),
            sigmoid_n=None if riley["n"] is None else int(riley["n"]),
            sigmoid_binding_label=None
            if riley["binding_label"] is None
            else int(riley["binding_label"]),
            powerset=None if pate is None else PateResult.from_dict(pate),
            powerset_r2_source=R2Source.ADJUSTED if pate is None else R2Source(pate["r2_source"]),
            notes=FitNote.from_dicts(data["notes"]),
            sigmoid_not_applicable=_from_reason(riley.get("not_applicable")),
            powerset_not_applicable=None
            if pate is None
            else _from_reason(pate.get("not_applicable")),
        )


def _reason(reason: NotApplicable | None) -> str | None:
    return None if reason is None else str(reason)


def _from_reason(value: str | None) -> NotApplicable | None:
    return None if value is None else NotApplicable(value)


def _applicability(
    source: R2Source, n_predictors: int, n_samples: int, engine: str = ""
) -> NotApplicable | None:
    """Why a criterion does not apply: the user's own model, an assumed R^2, or too many
    predictors per sample."""
    if engine.startswith("estimator-"):
        return NotApplicable.OWN_ESTIMATOR
    if n_predictors > MAX_PREDICTOR_SHARE * n_samples:
        return NotApplicable.MANY_PREDICTORS
    if source == R2Source.CONSERVATIVE:
        return NotApplicable.CONSERVATIVE_R2
    return None


def _per_label(
    curves, p: int, n_fit: int, shrinkage: float
) -> tuple[list[LabelSampleSize], list[FitNote]]:
    """Riley's answer for every non-constant label, and the note when R^2 were assumed."""
    per_label: list[LabelSampleSize] = []
    prevalence = np.asarray(curves.label_prevalence, dtype=float)
    r2_labels = np.asarray(curves.sigmoid_r2_cs, dtype=float)
    n_conservative = 0
    for j, (phi, r2_app) in enumerate(zip(prevalence, r2_labels)):
        if not 0.0 < phi < 1.0:
            continue  # a constant label has no model to size
        maximum = max_r2_cs([phi, 1.0 - phi])
        r2 = (
            adjusted_r2_cs(float(r2_app), n_samples=n_fit, n_parameters=p)
            if np.isfinite(r2_app)
            else math.nan
        )
        source = R2Source.ADJUSTED
        if not (np.isfinite(r2) and 0.0 < r2 < min(maximum, shrinkage)):
            r2, source = CONSERVATIVE_NAGELKERKE * maximum, R2Source.CONSERVATIVE
            n_conservative += 1
        result = riley_binary(r2_cs=r2, prevalence=phi, n_parameters=p, shrinkage=shrinkage)
        per_label.append(
            LabelSampleSize(label=j, r2_cs_apparent=float(r2_app), r2_source=source, result=result)
        )
    notes = []
    if n_conservative:
        values = {"n_conservative": n_conservative, "n_labels": len(per_label)}
        values |= {"n_predictors": p, "n_fit": n_fit, "nagelkerke": CONSERVATIVE_NAGELKERKE}
        notes.append(FitNote(FitNoteCode.RILEY_CONSERVATIVE, values))
    return per_label, notes


def analytic_sample_size(curves, *, shrinkage: float = 0.9) -> AnalyticSampleSize:
    """Riley (per label) and Pate (powerset) minimum sample sizes for a dataset.

    Uses what :func:`feasibility.curves.learning_curves` measured: each label's
    apparent Cox-Snell R^2 and the powerset model's, both at the largest training size
    of the first run (``n_train_full`` samples), the label prevalences, the labelset
    shares and the number of predictor parameters (``n_predictors``, the feature count).
    Apparent R^2 are shrunk with van Houwelingen's heuristic (:func:`adjusted_r2_cs`);
    when that is not possible (the apparent fit is so overfitted that the heuristic
    shrinkage is <= 0, or the R^2 is missing) the conservative Nagelkerke R^2 of 0.15
    that Riley et al. recommend is used instead and a note says so. Pate's criterion is
    computed on the labelsets the pruned powerset keeps (those seen at least
    ``prune_min_count`` times; all of them when fewer than 2 are).

    A criterion is marked not applicable (``sigmoid_not_applicable``,
    ``powerset_not_applicable``) when the predictors outnumber a tenth of the samples or
    its binding R^2 was assumed: both criteria are for an unpenalised maximum-likelihood
    model, and then they measure the assumption, not the data.

    Parameters
    ----------
    curves : LearningCurves
    shrinkage : float, default=0.9

    Returns
    -------
    AnalyticSampleSize
    """
    p = max(int(curves.n_predictors), 1)
    n_fit = int(curves.n_train_full)
    per_label, notes = _per_label(curves, p, n_fit, shrinkage)
    n_samples = int(getattr(curves, "n_samples", n_fit))
    engine = str(getattr(curves, "engine", ""))
    sigmoid_n = binding = sigmoid_not_applicable = None
    if per_label:
        best = max(per_label, key=lambda entry: entry.result.n)
        sigmoid_n, binding = best.result.n, best.label
        sigmoid_not_applicable = _applicability(best.r2_source, p, n_samples, engine)

    powerset = None
    source = R2Source.ADJUSTED
    shares = np.asarray(curves.powerset_class_shares, dtype=float)
    shares = shares[shares > 0]
    # the pruned powerset's classes: the labelsets seen at least prune_min_count times
    min_count = int((getattr(curves, "options", {}) or {}).get("prune_min_count", 1) or 1)
    frequent = shares[shares * n_samples >= min_count - 1e-9]
    if frequent.size >= 2:
        shares = frequent / frequent.sum()
    powerset_not_applicable = None
    if shares.size >= 2:
        maximum = max_r2_cs(shares)
        n_model_params = (shares.size - 1) * p
        r2 = adjusted_r2_cs(
            float(curves.powerset_r2_cs), n_samples=n_fit, n_parameters=n_model_params
        )
        if not (np.isfinite(r2) and 0.0 < r2 < maximum):
            r2, source = CONSERVATIVE_NAGELKERKE * maximum, R2Source.CONSERVATIVE
            values = {"n_labelsets": int(shares.size), "n_predictors": p, "n_fit": n_fit}
            values["nagelkerke"] = CONSERVATIVE_NAGELKERKE
            notes.append(FitNote(FitNoteCode.PATE_CONSERVATIVE, values))
        powerset = pate_multinomial(
            shares=shares, n_parameters=p, overall_r2_cs=r2, shrinkage=shrinkage
        )
        powerset_not_applicable = _applicability(source, p, n_samples, engine)
    else:
        notes.append(FitNote(FitNoteCode.PATE_TOO_FEW_LABELSETS))
    for note in notes:
        warn_note(note, stacklevel=2)
    return AnalyticSampleSize(
        n_predictors=p,
        n_fit=n_fit,
        per_label=tuple(per_label),
        sigmoid_n=sigmoid_n,
        sigmoid_binding_label=binding,
        powerset=powerset,
        powerset_r2_source=source,
        notes=tuple(notes),
        sigmoid_not_applicable=sigmoid_not_applicable,
        powerset_not_applicable=powerset_not_applicable,
    )


def with_sample_size(fits: CurveFits, curves) -> CurveFits:
    """Attach the analytic sample sizes of ``curves`` to ``fits`` (the sample-size stage).

    The result's ``sample_size`` is :func:`analytic_sample_size` of the curves, and its
    notes follow the fits' own notes. When the inputs cannot be sized (a
    ``ParameterError`` from the formulas) ``sample_size`` is None and a note says why.

    Parameters
    ----------
    fits : CurveFits
        Output of :func:`~feasibility.fit.fit_curves` on ``curves``.
    curves : LearningCurves
        The measured curves (their apparent R^2, prevalences and labelset shares).

    Returns
    -------
    CurveFits
        A copy of ``fits`` with ``sample_size`` and the notes added.

    Warns
    -----
    FeasibilityWarning
        For each note, when an R^2 had to be assumed or nothing could be sized.
    """
    try:
        sample_size = analytic_sample_size(curves)
    except ValueError as error:
        note = FitNote(FitNoteCode.SAMPLE_SIZE_FAILED, {"error": str(error)})
        warn_note(note, stacklevel=2)
        return replace(fits, sample_size=None, notes=(*fits.notes, note))
    return replace(fits, sample_size=sample_size, notes=(*fits.notes, *sample_size.notes))
