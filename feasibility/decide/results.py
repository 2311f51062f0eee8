"""Result types of the decision stage, with ``to_dict`` and ``from_dict`` that round-trip.

They hold numbers, enum statuses and codes (:mod:`feasibility.decide.codes`), never
sentences: ``to_dict()`` gives that machine form, and
:func:`feasibility.report.explain.annotate` turns it into the report JSON, where each code
becomes its sentence (``reasons``, ``compared_at``, the checklist's ``title``,
``value_text``, ``threshold`` and ``explanation`` ...). ``from_dict`` reads either form and
ignores the sentences, which it cannot turn back into codes.

Examples
--------
>>> item = CheckItem("scumble", CheckStatus.WARN, 0.2, Concern.BOTH, {"scumble": 0.2, "limit": 0.1})
>>> checklist = Checklist(items=(item,))
>>> checklist.status, checklist.failed
(<CheckStatus.WARN: 'warn'>, False)
>>> Checklist.from_dict(checklist.to_dict()) == checklist
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._json import fields_dict, float_or_nan, json_int
from .codes import (
    Basis,
    CheckStatus,
    Concern,
    EffectSizeKind,
    Note,
    PairedTest,
    Place,
    Reason,
    Untestable,
)
from .options import MIN_PAIRED_RUNS
from .tuning import HeadTuning

__all__ = ["CheckItem", "Checklist", "Comparison", "HeadRow", "MetricVerdict", "Recommendation"]


def _code(kind, value):
    """``kind(value)``, or None for a value that is not one of its codes (a sentence)."""
    return kind(value) if value in kind._value2member_map_ else None


def _interval(value) -> tuple[float, float]:
    low, high = value if value is not None else (None, None)
    return float_or_nan(low), float_or_nan(high)


@dataclass(frozen=True)
class Comparison:
    """One candidate formulation against sigmoid on one metric at one training size.

    ``difference`` is candidate minus sigmoid in the metric's own units (for
    ``hamming_loss`` a negative difference means the candidate is better); ``advantage``
    and ``effect_size`` carry the sign that makes positive mean "candidate better".
    """

    candidate: str
    metric: str
    basis: Basis
    train_size: int  # training size at which the two were compared
    test: PairedTest | None  # None only when read back from a report JSON
    n_runs: int  # paired runs (measured) or successful bootstrap pairs (extrapolated)
    candidate_score: float
    sigmoid_score: float
    difference: float
    advantage: float
    interval: tuple[float, float]  # of ``difference``, at ``confidence``
    confidence: float  # 1 - alpha / n_compared (Bonferroni)
    p_value: float  # unadjusted two-sided p-value
    p_value_adjusted: float  # Bonferroni over the candidates compared on this metric
    effect_size: float | None  # mean difference / sd of the differences (sign of ``advantage``)
    effect_size_kind: EffectSizeKind | None
    significant: bool  # p_value_adjusted <= alpha
    fits_memory_budget: bool
    head_bytes: int  # float32 bytes of the candidate's output layer
    # runs behind the comparison: the paired runs (measured) or the runs the fitted
    # curves were bootstrapped over (extrapolated); fewer than MIN_PAIRED_RUNS never decide
    n_source_runs: int = 0
    # why the difference could not be tested (NONE when it was): e.g. zero variance
    untestable: Untestable | None = Untestable.NONE
    # the smallest true difference these runs detect with 80% power at the same level
    # (metric units, >= 0; NaN when untestable)
    min_detectable_difference: float = math.nan

    @property
    def decisive(self) -> bool:
        """Significant, and backed by at least :data:`MIN_PAIRED_RUNS` runs."""
        return self.significant and self.n_source_runs >= MIN_PAIRED_RUNS

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields (codes for ``test``, ``effect_size_kind``
        and ``untestable``)."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Comparison:
        """Rebuild from :meth:`to_dict` (or the report JSON, whose texts become None)."""
        return cls(
            candidate=data["candidate"],
            metric=data["metric"],
            basis=Basis(data["basis"]),
            train_size=int(data["train_size"]),
            test=_code(PairedTest, data["test"]),
            n_runs=int(data["n_runs"]),
            candidate_score=float_or_nan(data["candidate_score"]),
            sigmoid_score=float_or_nan(data["sigmoid_score"]),
            difference=float_or_nan(data["difference"]),
            advantage=float_or_nan(data["advantage"]),
            interval=_interval(data["interval"]),
            confidence=float_or_nan(data["confidence"]),
            p_value=float_or_nan(data["p_value"]),
            p_value_adjusted=float_or_nan(data["p_value_adjusted"]),
            effect_size=None if data["effect_size"] is None else float(data["effect_size"]),
            effect_size_kind=_code(EffectSizeKind, data["effect_size_kind"]),
            significant=bool(data["significant"]),
            fits_memory_budget=bool(data["fits_memory_budget"]),
            head_bytes=json_int(data["head_bytes"]),
            n_source_runs=int(data.get("n_source_runs", 0)),
            untestable=_code(Untestable, data.get("untestable", "")),
            min_detectable_difference=float_or_nan(data.get("min_detectable_difference")),
        )


#: Fields of the deciding :class:`Comparison` that a metric's verdict repeats at top level.
DECIDING_KEYS = (
    "candidate",
    "basis",
    "train_size",
    "test",
    "p_value",
    "p_value_adjusted",
    "difference",
    "interval",
    "confidence",
    "effect_size",
    "sigmoid_score",
    "candidate_score",
    "min_detectable_difference",
)


@dataclass(frozen=True)
class MetricVerdict:
    """The verdict on one metric, the comparison that decided it and the reason's code."""

    metric: str
    formulation: str
    too_close_to_call: bool
    lower_is_better: bool
    deciding: Comparison | None  # None when no candidate could be compared
    comparisons: dict[str, Comparison]  # candidate -> comparison
    reason: Reason | None  # a VerdictCode with its numbers (None: read from a report JSON)
    compared_at: Place | None = None  # where the comparison was made (None: nowhere)
    # the same decision on the scores of the plain decoding (0.5 / argmax); None when the
    # heads were not tuned or the comparison is not on measured scores
    plain_decoding: MetricVerdict | None = None
    # the deciding candidate against sigmoid on the fitted curves at the dataset's own size
    # (the measured comparison is at the largest training part, smaller than the dataset)
    at_dataset_size: Comparison | None = None

    def to_dict(self) -> dict:
        """Return ``{"formulation", "too_close_to_call", "lower_is_better", <the deciding
        comparison's keys>, "comparisons", "reason", "compared_at"}``."""
        deciding = (
            self.deciding.to_dict() if self.deciding is not None else {"interval": [None, None]}
        )
        return {
            "formulation": self.formulation,
            "too_close_to_call": bool(self.too_close_to_call),
            "lower_is_better": bool(self.lower_is_better),
            **{key: deciding.get(key) for key in DECIDING_KEYS},
            "comparisons": {name: c.to_dict() for name, c in self.comparisons.items()},
            "reason": None if self.reason is None else self.reason.to_dict(),
            "compared_at": None if self.compared_at is None else self.compared_at.to_dict(),
            "plain_decoding": (
                None if self.plain_decoding is None else self.plain_decoding.to_dict()
            ),
            "at_dataset_size": (
                None if self.at_dataset_size is None else self.at_dataset_size.to_dict()
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping, *, metric: str) -> MetricVerdict:
        """Rebuild from :meth:`to_dict` (``metric`` is the key it was stored under)."""
        comparisons = {name: Comparison.from_dict(c) for name, c in data["comparisons"].items()}
        reason, place = data.get("reason"), data.get("compared_at")
        return cls(
            metric=metric,
            formulation=data["formulation"],
            too_close_to_call=bool(data["too_close_to_call"]),
            lower_is_better=bool(data["lower_is_better"]),
            deciding=comparisons.get(data["candidate"]) if data.get("candidate") else None,
            comparisons=comparisons,
            reason=Reason.from_dict(reason) if isinstance(reason, Mapping) else None,
            compared_at=Place.from_dict(place) if isinstance(place, Mapping) else None,
            plain_decoding=(
                cls.from_dict(data["plain_decoding"], metric=metric)
                if isinstance(data.get("plain_decoding"), Mapping)
                else None
            ),
            at_dataset_size=(
                Comparison.from_dict(data["at_dataset_size"])
                if isinstance(data.get("at_dataset_size"), Mapping)
                else None
            ),
        )


@dataclass(frozen=True)
class HeadRow:
    """One row of the head-size table: an output layer and what it would cost."""

    formulation: str  # sigmoid, powerset, pruned-powerset or full-powerset
    min_count: int | None  # Read's pruning level p of the pruned powerset (else None)
    n_outputs: int
    n_params: int  # exact, may exceed 2^63 for the full powerset
    float32_bytes: int
    samples_per_param: float
    fits_memory_budget: bool
    samples_needed: dict | None  # headline metric, from the fits (fits' to_dict form)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> HeadRow:
        """Rebuild from :meth:`to_dict` (or a report JSON row, without ``min_count``)."""
        return cls(
            formulation=data["formulation"],
            min_count=data.get("min_count"),
            n_outputs=json_int(data["n_outputs"]),
            n_params=json_int(data["n_params"]),
            float32_bytes=json_int(data["float32_bytes"]),
            samples_per_param=math.inf
            if data["samples_per_param"] is None
            else float(data["samples_per_param"]),
            fits_memory_budget=bool(data["fits_memory_budget"]),
            samples_needed=data["samples_needed"],
        )


@dataclass(frozen=True)
class Recommendation:
    """Result of :func:`~feasibility.decide.recommend`: the formulation to train and why."""

    metric: str
    formulation: str
    too_close_to_call: bool
    target_n: int  # the size the decision was asked for
    basis: Basis  # how the headline metric was compared
    reasons: tuple[Reason, ...]  # codes and numbers; the first is the headline verdict's
    per_metric: dict[str, MetricVerdict]
    head_table: tuple[HeadRow, ...]
    memory_budget: int
    alpha: float
    test: str  # option value: "corrected-t" or "paired-t"
    notes: tuple[Note, ...] = field(default_factory=tuple)
    # training size at which the headline metric was actually compared (None: not compared)
    train_size: int | None = None
    # where the headline metric was compared (None: nowhere)
    compared_at: Place | None = None
    # what each head was tuned to at the compared size (empty: not tuned)
    tuning: tuple[HeadTuning, ...] = ()

    def to_dict(self) -> dict:
        """Return the JSON-safe machine dict.

        ``{"metric", "formulation", "too_close_to_call", "target_n", "train_size",
        "compared_at", "basis", "reasons", "per_metric": {METRIC: MetricVerdict.to_dict()},
        "head_table": [HeadRow.to_dict()], "memory_budget", "alpha", "test", "notes"}``;
        :func:`feasibility.report.explain.recommendation_json` gives the report's form.
        """
        return {
            "metric": self.metric,
            "formulation": self.formulation,
            "too_close_to_call": bool(self.too_close_to_call),
            "target_n": int(self.target_n),
            "train_size": None if self.train_size is None else int(self.train_size),
            "compared_at": None if self.compared_at is None else self.compared_at.to_dict(),
            "basis": self.basis,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "per_metric": {m: v.to_dict() for m, v in self.per_metric.items()},
            "head_table": [row.to_dict() for row in self.head_table],
            "memory_budget": int(self.memory_budget),
            "alpha": float(self.alpha),
            "test": self.test,
            "notes": [note.to_dict() for note in self.notes],
            "tuning": [head.to_dict() for head in self.tuning],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Recommendation:
        """Rebuild from :meth:`to_dict`, or from the report JSON (its sentences are dropped)."""
        place = data.get("compared_at")
        return cls(
            metric=data["metric"],
            formulation=data["formulation"],
            too_close_to_call=bool(data["too_close_to_call"]),
            target_n=int(data["target_n"]),
            basis=Basis(data["basis"]),
            reasons=tuple(Reason.from_dict(r) for r in data["reasons"] if isinstance(r, Mapping)),
            per_metric={
                m: MetricVerdict.from_dict(v, metric=m) for m, v in data["per_metric"].items()
            },
            head_table=tuple(HeadRow.from_dict(row) for row in data["head_table"]),
            memory_budget=json_int(data["memory_budget"]),
            alpha=float(data["alpha"]),
            test=data["test"],
            notes=Note.from_dicts(data.get("notes", ())),
            train_size=data.get("train_size"),
            compared_at=Place.from_dict(place) if isinstance(place, Mapping) else None,
            tuning=tuple(HeadTuning.from_dict(head) for head in data.get("tuning", ())),
        )


@dataclass(frozen=True)
class CheckItem:
    """One checklist item: a measured value, its status and the numbers behind both.

    ``details`` holds what the item's texts need (counts, thresholds, names); the report
    layer writes the title, value text, threshold and explanation from them.
    """

    id: str
    status: CheckStatus
    value: float | None
    concerns: Concern
    details: Mapping = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return ``{"id", "status", "value", "concerns", "details"}`` (JSON-safe)."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> CheckItem:
        """Rebuild from :meth:`to_dict`, or from a report JSON item (texts dropped)."""
        value = data["value"]
        return cls(
            id=data["id"],
            status=CheckStatus(data["status"]),
            value=None if value is None else float(value),
            concerns=Concern(data["concerns"]),
            details=dict(data.get("details", {})),
        )


@dataclass(frozen=True)
class Checklist:
    """Result of :func:`~feasibility.decide.build_checklist`."""

    items: tuple[CheckItem, ...]
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def status(self) -> CheckStatus:
        """The worst status of any item (pass when empty)."""
        return max(
            (item.status for item in self.items), key=lambda s: s.rank, default=CheckStatus.PASS
        )

    @property
    def failed(self) -> bool:
        """Whether any item failed (``feasibility check`` exits with 1)."""
        return self.status == CheckStatus.FAIL

    def item(self, item_id: str) -> CheckItem:
        """Return the item with this id (KeyError when absent)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def to_dict(self) -> dict:
        """Return ``{"status", "counts": {"pass", "warn", "fail"}, "items", "notes"}``."""
        counts = {str(status): 0 for status in CheckStatus}
        for item in self.items:
            counts[str(item.status)] += 1
        return {
            "status": self.status,
            "counts": counts,
            "items": [item.to_dict() for item in self.items],
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Checklist:
        """Rebuild from :meth:`to_dict`, or from the report JSON (its sentences dropped)."""
        return cls(
            items=tuple(CheckItem.from_dict(item) for item in data["items"]),
            notes=Note.from_dicts(data.get("notes", ())),
        )
