"""Output-layer sizes of each formulation and the samples each of their classes learns from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._json import fields_dict
from ..vocab import Formulation
from ._restore import restore

__all__ = [
    "ClassSizeHistogram",
    "HeadSize",
    "HeadSizes",
    "SamplesPerClass",
    "head_params",
    "head_sizes",
    "samples_per_class",
]


@dataclass(frozen=True)
class HeadSize:
    """Size of one output layer on top of a penultimate layer of width d.

    The byte count in words ("1.2 TiB") is formatting: the report layer writes it
    (``feasibility.report.format.human_bytes``).
    """

    n_outputs: int
    n_params: int  # d * n_outputs + n_outputs, exact
    float32_bytes: int  # 4 * n_params, exact
    log10_params: float
    samples_per_param: float  # n_samples / n_params (0.0 once it underflows)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields (exact integers stay integers)."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> HeadSize:
        """Rebuild from :meth:`to_dict` (a ``float32_bytes_human`` text is ignored)."""
        return restore(cls, data)


@dataclass(frozen=True)
class HeadSizes:
    """Output-layer sizes: one sigmoid per label, observed powerset, full powerset."""

    hidden: int  # penultimate width d
    sigmoid: HeadSize  # L outputs
    powerset: HeadSize  # K = n_labelsets outputs
    full_powerset: HeadSize  # 2^L outputs

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> HeadSizes:
        """Rebuild from :meth:`to_dict`."""
        heads = {k: HeadSize.from_dict(data[k]) for k in ("sigmoid", "powerset", "full_powerset")}
        return restore(cls, data, **heads)


@dataclass(frozen=True, eq=False)
class ClassSizeHistogram:
    """How many classes of one formulation learn from each number of samples.

    Built from every labelset (not the capped frequency table), so the report's
    "samples per class" chart shows the whole long tail.
    """

    formulation: Formulation
    min_count: int | None  # Read's p for the pruned powerset, None otherwise
    samples: np.ndarray  # (m,) int64 distinct positive samples-per-class values, increasing
    n_classes: np.ndarray  # (m,) int64 classes that learn from exactly that many samples
    n_empty_classes: int  # classes with no sample at all (labels never positive)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClassSizeHistogram:
        """Rebuild from :meth:`to_dict`."""
        return restore(
            cls,
            data,
            formulation=Formulation(data["formulation"]),
            samples=np.array(data["samples"], np.int64),
            n_classes=np.array(data["n_classes"], np.int64),
        )


@dataclass(frozen=True)
class SamplesPerClass:
    """Samples per class a powerset softmax learns from vs positives per sigmoid."""

    labelset_min: int
    labelset_p10: float  # 10th percentile (linear interpolation) of labelset counts
    labelset_median: float
    label_min: int  # positives of the rarest label
    label_median: float
    # sigmoid, powerset, then pruned-powerset at each of the profile's prune_counts
    histograms: tuple[ClassSizeHistogram, ...] = ()

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SamplesPerClass:
        """Rebuild from :meth:`to_dict`."""
        histograms = tuple(ClassSizeHistogram.from_dict(h) for h in data["histograms"])
        return restore(cls, data, histograms=histograms)


def head_params(d: int, n_outputs: int) -> int:
    """Parameters of a dense output layer of ``n_outputs`` on ``d`` inputs, exact.

    >>> head_params(72, 27)
    1971
    """
    # Dense output layer: a weight per (input, output) plus a bias per output.
    return int(d) * int(n_outputs) + int(n_outputs)


def _head(d: int, n_outputs: int, n_samples: int) -> HeadSize:
    params = head_params(d, n_outputs)
    return HeadSize(
        n_outputs=int(n_outputs),
        n_params=params,
        float32_bytes=4 * params,
        log10_params=math.log10(params) if params > 0 else -math.inf,
        samples_per_param=float(Fraction(n_samples, params)) if params > 0 else math.inf,
    )


def head_sizes(d: int, n_labels: int, n_labelsets: int, n_samples: int) -> HeadSizes:
    """The sigmoid, observed-powerset and full ``2^L`` powerset heads on width ``d``."""
    return HeadSizes(
        hidden=int(d),
        sigmoid=_head(d, n_labels, n_samples),
        powerset=_head(d, n_labelsets, n_samples),
        full_powerset=_head(d, 1 << n_labels, n_samples),
    )


def _class_size_histogram(
    formulation: Formulation, counts: np.ndarray, min_count: int | None = None
) -> ClassSizeHistogram:
    counts = np.asarray(counts, dtype=np.int64)
    if min_count is not None:
        counts = counts[counts >= min_count]
    samples, n_classes = np.unique(counts[counts > 0], return_counts=True)
    return ClassSizeHistogram(
        formulation=formulation,
        min_count=min_count,
        samples=samples.astype(np.int64),
        n_classes=n_classes.astype(np.int64),
        n_empty_classes=int(np.count_nonzero(counts == 0)),
    )


def samples_per_class(
    counts: np.ndarray, label_counts: np.ndarray, prune_counts: tuple[int, ...]
) -> SamplesPerClass:
    """Samples per labelset (``counts``) and positives per label (``label_counts``)."""
    return SamplesPerClass(
        labelset_min=int(counts.min()),
        labelset_p10=float(np.percentile(counts, 10)),
        labelset_median=float(np.median(counts)),
        label_min=int(label_counts.min()),
        label_median=float(np.median(label_counts)),
        histograms=(
            _class_size_histogram(Formulation.SIGMOID, label_counts),
            _class_size_histogram(Formulation.POWERSET, counts),
            *(_class_size_histogram(Formulation.PRUNED_POWERSET, counts, p) for p in prune_counts),
        ),
    )
