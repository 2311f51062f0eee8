"""What each head was tuned to at the compared training size, summed up over the runs.

The learning-curve stage records, for every run and size, the C each head's inner folds
chose and the decoding thresholds (:class:`~feasibility.curves.CurveTuning`); the verdict
card shows them at the size the verdict was measured at, so this stage summarises them
there: the median and range of C (over runs, and over labels for the sigmoids), how often
the choice sat at the edge of the grid, and the median threshold per metric.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._json import fields_dict, float_or_nan

__all__ = ["HeadTuning", "tuning_summary"]


@dataclass(frozen=True)
class HeadTuning:
    """The tuning of one head at one training size.

    Attributes
    ----------
    formulation : str
    train_size : int
    C_median, C_low, C_high : float
        Median, smallest and largest chosen inverse penalty over the runs (and the labels
        of the sigmoid head).
    C_at_edge_share : float
        Share of those choices at the first or last value of the grid.
    thresholds : dict of str to float
        Median decoding threshold per metric (over runs, and labels for ``f1_macro``);
        NaN where the head decodes by argmax.
    """

    formulation: str
    train_size: int
    C_median: float
    C_low: float
    C_high: float
    C_at_edge_share: float
    thresholds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> HeadTuning:
        return cls(
            formulation=data["formulation"],
            train_size=int(data["train_size"]),
            C_median=float_or_nan(data["C_median"]),
            C_low=float_or_nan(data["C_low"]),
            C_high=float_or_nan(data["C_high"]),
            C_at_edge_share=float_or_nan(data["C_at_edge_share"]),
            thresholds={m: float_or_nan(v) for m, v in data["thresholds"].items()},
        )


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else math.nan


def tuning_summary(curves, train_size: int | None) -> tuple[HeadTuning, ...]:
    """One :class:`HeadTuning` per tuned formulation at the largest measured size up to
    ``train_size`` (the largest of all when None or beyond the data); empty when the heads
    were not tuned."""
    summaries = []
    for name, curve in curves.curves.items():
        tuning = curve.tuning
        if tuning is None:
            continue
        sizes = curve.train_sizes
        bound = sizes[-1] if train_size is None else train_size
        below = np.flatnonzero(sizes <= bound)
        index = int(below[-1]) if below.size else 0
        train_size_here = int(sizes[index])
        C = tuning.C[:, index, :]
        chosen = C[np.isfinite(C)]
        if chosen.size == 0:
            continue
        edge = tuning.C_at_edge[:, index, :]
        summaries.append(
            HeadTuning(
                formulation=name,
                train_size=train_size_here,
                C_median=float(np.median(chosen)),
                C_low=float(chosen.min()),
                C_high=float(chosen.max()),
                C_at_edge_share=float(np.mean(edge[np.isfinite(edge)])),
                thresholds={m: _median(t[:, index]) for m, t in tuning.thresholds.items()},
            )
        )
    return tuple(summaries)
