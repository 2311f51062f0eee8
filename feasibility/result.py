"""One typed result for the whole analysis: :class:`AnalysisResult`.

Each stage returns a frozen dataclass with ``to_dict()`` / ``from_dict()``; the analysis
result holds one of each, plus the dataset summary and the methods (versions, options,
timings). ``AnalysisResult.to_dict()`` is the JSON written beside every report (the keys
are documented in ``feasibility/report/report.schema.json``), and
``AnalysisResult.from_dict()`` rebuilds the typed result from that JSON, so ``feasibility
render`` re-renders a report without recomputing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._json import json_safe
from .curves import LearningCurves
from .dataset import MultilabelDataset
from .decide import Checklist, Recommendation
from .fit import CurveFits
from .io.notes import LoadNote
from .profile import LabelProfile

__all__ = ["RESULT_KEYS", "AnalysisResult", "DatasetSummary", "Methods"]

#: Top-level keys of the result dict (and of the JSON written beside a report).
RESULT_KEYS: tuple[str, ...] = (
    "dataset",
    "profile",
    "curves",
    "fits",
    "checklist",
    "recommendation",
    "methods",
)


@dataclass(frozen=True)
class DatasetSummary:
    """What was loaded, without the matrices (the ``dataset`` key of the JSON)."""

    name: str
    source: str
    format: str
    n_samples: int
    n_features: int
    n_inputs: int
    n_labels: int
    label_names: tuple[str, ...]
    sparse: bool
    notes: tuple[LoadNote, ...] = ()

    @classmethod
    def of(cls, dataset: MultilabelDataset) -> DatasetSummary:
        """Summarise a loaded dataset."""
        return cls.from_dict(dataset.to_dict())

    def to_dict(self) -> dict:
        """Return the JSON-safe dict (the keys of ``MultilabelDataset.to_dict``)."""
        return {
            "name": self.name,
            "source": self.source,
            "format": self.format,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "n_inputs": self.n_inputs,
            "n_labels": self.n_labels,
            "label_names": list(self.label_names),
            "sparse": self.sparse,
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_dict(cls, data: dict) -> DatasetSummary:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            name=str(data["name"]),
            source=str(data["source"]),
            format=str(data["format"]),
            n_samples=int(data["n_samples"]),
            n_features=int(data["n_features"]),
            n_inputs=int(data.get("n_inputs", data["n_features"])),
            n_labels=int(data["n_labels"]),
            label_names=tuple(data["label_names"]),
            sparse=bool(data["sparse"]),
            notes=LoadNote.from_dicts(data.get("notes", ())),
        )


@dataclass(frozen=True)
class Methods:
    """How the result was computed: versions, options, seed, timings, platform."""

    versions: dict[str, str | None]
    seed: int | None
    command_line: str | None
    timings: dict[str, float]
    curve_timings: dict[str, object]
    engine: str | None
    options: dict[str, object]
    created: str
    platform: str
    large_integers: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    _KEYS = (
        "versions",
        "seed",
        "command_line",
        "timings",
        "curve_timings",
        "engine",
        "options",
        "created",
        "platform",
        "large_integers",
    )

    def to_dict(self) -> dict:
        """Return the JSON-safe dict (the ``methods`` key of the JSON)."""
        data = {key: getattr(self, key) for key in self._KEYS}
        if not self.large_integers:
            del data["large_integers"]
        return json_safe(data | self.extra)

    @classmethod
    def from_dict(cls, data: dict) -> Methods:
        """Rebuild from :meth:`to_dict` output; unknown keys are kept in ``extra``."""
        return cls(
            versions=dict(data.get("versions", {})),
            seed=data.get("seed"),
            command_line=data.get("command_line"),
            timings=dict(data.get("timings", {})),
            curve_timings=dict(data.get("curve_timings", {})),
            engine=data.get("engine"),
            options=dict(data.get("options", {})),
            created=str(data.get("created", "")),
            platform=str(data.get("platform", "")),
            large_integers=str(data.get("large_integers", "")),
            extra={key: value for key, value in data.items() if key not in cls._KEYS},
        )


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one analysis found, typed; ``to_dict()`` is the report JSON.

    Attributes
    ----------
    dataset : DatasetSummary
    profile : LabelProfile
    curves : LearningCurves
    fits : CurveFits
        Includes the analytic sample sizes (Riley / Pate) as ``fits.sample_size``.
    checklist : Checklist
    recommendation : Recommendation
    methods : Methods
    """

    dataset: DatasetSummary
    profile: LabelProfile
    curves: LearningCurves
    fits: CurveFits
    checklist: Checklist
    recommendation: Recommendation
    methods: Methods

    def to_dict(self) -> dict:
        """Return the JSON-safe dict with the keys :data:`RESULT_KEYS`."""
        return {key: getattr(self, key).to_dict() for key in RESULT_KEYS}

    @classmethod
    def from_dict(cls, data: dict) -> AnalysisResult:
        """Rebuild the typed result from :meth:`to_dict` or a report JSON.

        A report JSON's checklist and recommendation are read from its ``codes`` (their
        written-out forms lose the codes); text keys are ignored.
        """
        codes = data.get("codes") or {}
        return cls(
            dataset=DatasetSummary.from_dict(data["dataset"]),
            profile=LabelProfile.from_dict(data["profile"]),
            curves=LearningCurves.from_dict(data["curves"]),
            fits=CurveFits.from_dict(data["fits"]),
            checklist=Checklist.from_dict(codes.get("checklist", data["checklist"])),
            recommendation=Recommendation.from_dict(
                codes.get("recommendation", data["recommendation"])
            ),
            methods=Methods.from_dict(data["methods"]),
        )
