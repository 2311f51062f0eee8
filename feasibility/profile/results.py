"""The result of :func:`~feasibility.profile.profile`: :class:`LabelProfile`, to and from JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .._json import json_safe
from ._restore import restore
from .dependence import CooccurrenceStats
from .duplicates import DuplicateRows
from .heads import HeadSizes, SamplesPerClass
from .imbalance import ImbalanceStats
from .notes import ProfileNote
from .options import ProfileOptions
from .powerset import LABELSET_TABLE_LIMIT, LabelsetStats, PruneLevel, UnseenStats, prune_level
from .rakel import KLabelsetStats

__all__ = ["LabelProfile"]

#: Fields that ``to_dict()`` leaves out: statistics the checklist reads, not in the JSON.
_NOT_IN_JSON = {"json": False}


@dataclass(frozen=True, eq=False)
class LabelProfile:
    """Result of :func:`~feasibility.profile.profile`: label statistics of one dataset.

    ``to_dict()`` nests the groups under their field names: ``labelsets``, ``unseen``,
    ``pruning``, ``rakel``, ``imbalance``, ``cooccurrence``, ``heads``,
    ``samples_per_class``; the basics are top-level keys. ``duplicates`` (identical
    feature rows with different labelsets) is for the checklist and is not in the dict.
    """

    dataset_name: str
    n_samples: int
    n_labels: int
    n_features: int
    n_inputs: int
    label_names: tuple[str, ...]
    label_counts: np.ndarray  # (L,) int64 positives per label
    label_frequencies: np.ndarray  # (L,) float64 label_counts / n_samples
    cardinality: float  # mean labels per sample
    density: float  # cardinality / L
    n_samples_without_labels: int
    share_without_labels: float
    tcs: float  # ln(n_inputs * L * n_labelsets), mldr's TCS
    labelsets: LabelsetStats
    unseen: UnseenStats
    pruning: tuple[PruneLevel, ...]
    rakel: tuple[KLabelsetStats, ...]
    imbalance: ImbalanceStats
    cooccurrence: CooccurrenceStats
    heads: HeadSizes
    samples_per_class: SamplesPerClass
    options: ProfileOptions  # the options that produced this result
    notes: tuple[ProfileNote, ...] = field(default_factory=tuple)
    seconds: float = 0.0  # wall time of the profile
    duplicates: DuplicateRows | None = field(default=None, metadata=_NOT_IN_JSON)

    # Shortcuts to the headline scalars, named as in the issue and in mldr.
    @property
    def n_labelsets(self) -> int:
        """Distinct labelsets present."""
        return self.labelsets.n_labelsets

    @property
    def n_single_labelsets(self) -> int:
        """Labelsets that occur exactly once."""
        return self.labelsets.n_single_labelsets

    @property
    def max_labelset_frequency(self) -> int:
        """Count of the most frequent labelset."""
        return self.labelsets.max_labelset_frequency

    @property
    def unseen_labelset_mass(self) -> float:
        """Good-Turing probability that a new sample carries an unseen labelset."""
        return self.unseen.unseen_labelset_mass

    @property
    def mean_ir(self) -> float:
        """Mean imbalance ratio per label (mldr's meanIR)."""
        return self.imbalance.mean_ir

    @property
    def scumble(self) -> float:
        """Mean SCUMBLE (mldr's scumble)."""
        return self.imbalance.scumble

    def rare_labelsets(self, fewer_than: int) -> tuple[float, int]:
        """Share of samples, and number of labelsets, in labelsets seen fewer than
        ``fewer_than`` times (what a powerset softmax can barely learn).
        """
        return self.labelsets.rare(fewer_than)

    def prune_level(self, min_count: int) -> PruneLevel:
        """Read's pruned powerset at ``min_count``: the level of ``pruning`` when the
        profile measured it, else computed from the labelset counts.
        """
        for level in self.pruning:
            if level.min_count == min_count:
                return level
        self.labelsets._require_all_counts()
        return prune_level(self.labelsets.counts, self.n_samples, self.heads.hidden, min_count)

    def to_dict(self, *, max_labelsets: int = LABELSET_TABLE_LIMIT) -> dict:
        """Return the JSON-safe dict of the profile.

        Parameters
        ----------
        max_labelsets : int, default=1000
            Longest labelset frequency table to list (most frequent first); the rest is
            summarised by ``labelsets.n_labelsets_not_listed`` and ``share_not_listed``.
        """
        return {
            f.name: (
                self.labelsets.to_dict(max_labelsets=max_labelsets)
                if f.name == "labelsets"
                else json_safe(getattr(self, f.name))
            )
            for f in fields(self)
            if f.metadata.get("json", True)
        }

    @classmethod
    def from_dict(cls, data: dict) -> LabelProfile:
        """Rebuild a profile from :meth:`to_dict` (or the ``profile`` of a report JSON).

        ``LabelProfile.from_dict(p.to_dict()).to_dict() == p.to_dict()``. Only the listed
        labelsets come back when the table was capped (see :class:`LabelsetStats`), and
        ``duplicates`` is ``None``.
        """
        label_names = tuple(data["label_names"])
        return restore(
            cls,
            data,
            label_names=label_names,
            label_counts=np.array(data["label_counts"], np.int64),
            label_frequencies=np.array(data["label_frequencies"], np.float64),
            labelsets=LabelsetStats.from_dict(data["labelsets"], label_names),
            unseen=UnseenStats.from_dict(data["unseen"]),
            pruning=tuple(PruneLevel.from_dict(level) for level in data["pruning"]),
            rakel=tuple(KLabelsetStats.from_dict(r) for r in data["rakel"]),
            imbalance=ImbalanceStats.from_dict(data["imbalance"]),
            cooccurrence=CooccurrenceStats.from_dict(data["cooccurrence"]),
            heads=HeadSizes.from_dict(data["heads"]),
            samples_per_class=SamplesPerClass.from_dict(data["samples_per_class"]),
            options=ProfileOptions.from_dict(data["options"]),
            notes=ProfileNote.from_dicts(data["notes"]),
            duplicates=None,
        )
