"""Label imbalance: IRLbl, MeanIR, MaxIR, CVIR and SCUMBLE as mldr and MULAN compute them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._json import fields_dict
from ._restore import restore

__all__ = ["ImbalanceStats", "imbalance"]


@dataclass(frozen=True, eq=False)
class ImbalanceStats:
    """Imbalance measures of mldr (Charte et al.) and MULAN's ImbalancedStatistics."""

    irlbl: np.ndarray  # (L,) max count / count; 0 for a label with no positives (as mldr)
    mean_ir: float  # mean of irlbl over all L labels, zeros included (as mldr)
    max_ir: float  # largest finite irlbl (labels with positives)
    cvir: float  # sample sd of irlbl / mean_ir (same vector as mean_ir)
    scumble: float  # mean over samples of the per-sample SCUMBLE
    scumble_cv: float  # sample sd / mean of the per-sample SCUMBLE
    label_scumble: np.ndarray  # (L,) mean SCUMBLE of the samples carrying each label (0 if none)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImbalanceStats:
        """Rebuild from :meth:`to_dict`."""
        return restore(
            cls,
            data,
            irlbl=np.array(data["irlbl"], np.float64),
            label_scumble=np.array(data["label_scumble"], np.float64),
        )


def imbalance(
    Ys: sp.csr_matrix, label_counts: np.ndarray, row_sizes: np.ndarray, n_samples: int
) -> ImbalanceStats:
    """IRLbl, meanIR, maxIR, CVIR and SCUMBLE as mldr and MULAN compute them."""
    n_labels = label_counts.size
    max_count = label_counts.max()
    # IRLbl (Charte et al. 2015): max count / count; mldr sets Inf (no positives) to 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        irlbl = np.where(label_counts > 0, max_count / label_counts, 0.0)
    if max_count == 0:
        nan_labels = np.full(n_labels, math.nan)
        return ImbalanceStats(
            irlbl=irlbl,
            mean_ir=math.nan,
            max_ir=math.nan,
            cvir=math.nan,
            scumble=0.0,
            scumble_cv=math.nan,
            label_scumble=nan_labels,
        )
    mean_ir = float(irlbl.mean())  # mldr meanIR: mean over all labels, zeros included
    max_ir = float(irlbl[label_counts > 0].max())  # MULAN MaxIR
    cvir = float(irlbl.std(ddof=1) / mean_ir)  # MULAN CVIR: sample sd / mean
    per_sample = _scumble_per_sample(Ys, irlbl, row_sizes, n_samples)
    scumble = float(per_sample.mean())
    # mldr scumble.cv: sd (n - 1 denominator) / mean
    scumble_cv = (
        float(per_sample.std(ddof=1) / scumble) if n_samples > 1 and scumble != 0 else math.nan
    )
    rows = np.repeat(np.arange(n_samples), row_sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        label_scumble = np.where(
            label_counts > 0,
            np.bincount(Ys.indices, weights=per_sample[rows], minlength=n_labels) / label_counts,
            0.0,
        )
    return ImbalanceStats(
        irlbl=irlbl,
        mean_ir=mean_ir,
        max_ir=max_ir,
        cvir=cvir,
        scumble=scumble,
        scumble_cv=scumble_cv,
        label_scumble=label_scumble,
    )


def _scumble_per_sample(
    Ys: sp.csr_matrix, irlbl: np.ndarray, row_sizes: np.ndarray, n_samples: int
) -> np.ndarray:
    """SCUMBLE of each sample (Charte et al. 2019), as computed by mldr.

    ``1 - (prod IRLbl)^(1/|Y_i|) / mean IRLbl`` over the sample's labels, 0 for no label.
    mldr multiplies the IRLbls directly; doing the same keeps single-label samples at
    exactly 0 (exp(log x) != x in floating point), which matters when scumble is ~1e-7.
    """
    has_labels = row_sizes > 0
    starts = Ys.indptr[:-1][has_labels]
    values = irlbl[Ys.indices]
    sizes = row_sizes[has_labels].astype(np.float64)
    product = np.multiply.reduceat(values, starts) if starts.size else np.zeros(0)
    total = np.add.reduceat(values, starts) if starts.size else np.zeros(0)
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        geometric = product ** (1.0 / sizes)
    overflowed = ~np.isfinite(product) | (product == 0)
    if overflowed.any():
        # Products past the double range: the same geometric mean in log space.
        logs = np.add.reduceat(np.log(values), starts)
        geometric[overflowed] = np.exp(logs[overflowed] / sizes[overflowed])
    per_sample = np.zeros(n_samples)
    per_sample[has_labels] = 1.0 - geometric / (total / sizes)
    return per_sample
