"""Powerset structure: labelset counts, their tail, unseen labelsets and Read's pruning."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._json import fields_dict, float_or_nan, json_safe
from ._restore import restore
from .heads import head_params

__all__ = [
    "EFRON_THISTED_TERMS",
    "LABELSET_TABLE_LIMIT",
    "LabelsetStats",
    "PruneLevel",
    "UnseenStats",
    "labelset_stats",
    "prune_level",
    "unseen_labelsets",
]

#: ``LabelProfile.to_dict()`` lists at most this many labelsets by default (most frequent
#: first) and reports how many it left out; the result object keeps all of them.
LABELSET_TABLE_LIMIT = 1000
#: Number of terms ``r`` of the Efron-Thisted smoothed Good-Toulmin estimator.
EFRON_THISTED_TERMS = 10


@dataclass(frozen=True, eq=False)
class LabelsetStats:
    """Powerset structure: the distinct label combinations (labelsets) and their counts.

    Labelsets are ordered by decreasing count, ties by first occurrence in the data. The
    empty labelset (a sample with no label) is a labelset like any other, as in mldr.

    A profile rebuilt from a JSON whose frequency table was capped holds only the listed
    labelsets: ``counts`` is then shorter than ``n_labelsets`` and ``share_not_held`` is
    the share of samples in the others.
    """

    n_labelsets: int  # distinct labelsets present (mldr num.labelsets)
    n_single_labelsets: int  # labelsets that occur exactly once (mldr num.single.labelsets)
    max_labelset_frequency: int  # count of the most frequent labelset (mldr max.frequency)
    n_possible_labelsets: int  # 2^L, exact
    max_possible_labelsets: int  # min(2^L, n_samples), exact
    powerset_coverage: float  # n_labelsets / 2^L (0.0 once it underflows a double)
    log2_powerset_coverage: float  # log2(n_labelsets) - L, finite for any L
    counts: np.ndarray  # (K,) int64, decreasing
    shares: np.ndarray  # (K,) float64, counts / n_samples
    # Members of labelset k are label_indices[label_indptr[k]:label_indptr[k + 1]] (CSR).
    label_indptr: np.ndarray  # (K + 1,) int64
    label_indices: np.ndarray  # (sum of labelset sizes,) int64, increasing within a labelset
    label_names: tuple[str, ...]
    tail_thresholds: tuple[int, ...]
    tail_shares: np.ndarray  # share of samples whose labelset occurs fewer than k times
    tail_labelsets: np.ndarray  # number of labelsets that occur fewer than k times
    share_not_held: float = 0.0

    def labelset(self, k: int) -> tuple[str, ...]:
        """Return the label names of the ``k``-th most frequent labelset."""
        members = self.label_indices[self.label_indptr[k] : self.label_indptr[k + 1]]
        return tuple(self.label_names[j] for j in members)

    def rare(self, fewer_than: int) -> tuple[float, int]:
        """Share of samples, and number of labelsets, with a labelset seen fewer than
        ``fewer_than`` times (the tail, or the counts when it is not a tail threshold).
        """
        if fewer_than in self.tail_thresholds:
            at = self.tail_thresholds.index(fewer_than)
            return float(self.tail_shares[at]), int(self.tail_labelsets[at])
        self._require_all_counts()
        rare = self.counts < fewer_than
        n_samples = int(self.counts.sum())
        return float(self.counts[rare].sum()) / n_samples, int(np.count_nonzero(rare))

    def _require_all_counts(self) -> None:
        if self.counts.size != self.n_labelsets:
            raise ValueError(
                f"this profile holds {self.counts.size} of its {self.n_labelsets} labelset "
                "counts (rebuilt from a capped table); profile the dataset again"
            )

    def to_dict(self, *, max_labelsets: int = LABELSET_TABLE_LIMIT) -> dict:
        """Return a JSON-safe dict; the frequency table lists at most ``max_labelsets`` rows.

        ``table`` holds the most frequent labelsets (``labels``, ``count``, ``share``);
        ``n_labelsets_not_listed`` and ``share_not_listed`` say what was cut.
        """
        listed = min(self.n_labelsets, max_labelsets, self.counts.size)
        table = [
            {
                "labels": list(self.labelset(k)),
                "count": int(self.counts[k]),
                "share": float(self.shares[k]),
            }
            for k in range(listed)
        ]
        return {
            "n_labelsets": self.n_labelsets,
            "n_single_labelsets": self.n_single_labelsets,
            "max_labelset_frequency": self.max_labelset_frequency,
            "n_possible_labelsets": json_safe(self.n_possible_labelsets),  # 2^L: a string
            "max_possible_labelsets": self.max_possible_labelsets,
            "powerset_coverage": json_safe(self.powerset_coverage),
            "log2_powerset_coverage": json_safe(self.log2_powerset_coverage),
            "tail": [
                {"fewer_than": k, "share_of_samples": json_safe(s), "n_labelsets": int(c)}
                for k, s, c in zip(self.tail_thresholds, self.tail_shares, self.tail_labelsets)
            ],
            "table": table,
            "table_limit": max_labelsets,
            "n_labelsets_not_listed": self.n_labelsets - listed,
            # + 0.0 is exact: the sum is unchanged for a profile that holds every count.
            "share_not_listed": json_safe(float(self.shares[listed:].sum()) + self.share_not_held),
        }

    @classmethod
    def from_dict(cls, data: dict, label_names: tuple[str, ...]) -> LabelsetStats:
        """Rebuild from :meth:`to_dict`; only the listed labelsets come back (see above)."""
        position = {name: j for j, name in reversed(list(enumerate(label_names)))}
        members = [sorted(position[name] for name in row["labels"]) for row in data["table"]]
        tail = data["tail"]
        return restore(
            cls,
            data,
            counts=np.array([row["count"] for row in data["table"]], np.int64),
            shares=np.array([row["share"] for row in data["table"]], np.float64),
            label_indptr=np.cumsum([0] + [len(m) for m in members], dtype=np.int64),
            label_indices=np.array([j for m in members for j in m], np.int64),
            label_names=tuple(label_names),
            tail_thresholds=tuple(int(t["fewer_than"]) for t in tail),
            tail_shares=np.array([t["share_of_samples"] for t in tail], np.float64),
            tail_labelsets=np.array([t["n_labelsets"] for t in tail], np.int64),
            share_not_held=float_or_nan(data["share_not_listed"]),
        )


def labelset_stats(
    counts: np.ndarray,
    members: sp.csr_matrix,
    label_names: tuple[str, ...],
    tail_thresholds: tuple[int, ...],
) -> LabelsetStats:
    """Labelset statistics from the counts (decreasing) and the labelsets' rows."""
    n_samples = int(counts.sum())
    n_labels = len(label_names)
    n_labelsets = int(counts.size)
    n_possible = 1 << n_labels
    return LabelsetStats(
        n_labelsets=n_labelsets,
        n_single_labelsets=int(np.count_nonzero(counts == 1)),
        max_labelset_frequency=int(counts[0]),
        n_possible_labelsets=n_possible,
        max_possible_labelsets=min(n_possible, n_samples),
        powerset_coverage=math.ldexp(float(n_labelsets), -n_labels),
        log2_powerset_coverage=math.log2(n_labelsets) - n_labels,
        counts=counts,
        shares=counts / n_samples,
        label_indptr=members.indptr.astype(np.int64),
        label_indices=members.indices.astype(np.int64),
        label_names=label_names,
        tail_thresholds=tail_thresholds,
        tail_shares=np.array([counts[counts < k].sum() / n_samples for k in tail_thresholds]),
        tail_labelsets=np.array(
            [np.count_nonzero(counts < k) for k in tail_thresholds], dtype=np.int64
        ),
    )


@dataclass(frozen=True)
class UnseenStats:
    """What a powerset model cannot learn: combinations missing from the training data."""

    unseen_labelset_mass: float  # Good-Turing N1 / N
    n_labelsets_seen_once: int  # N1
    n_labelsets_seen_twice: int  # N2
    new_labelsets_if_doubled: float  # Efron-Thisted smoothed Good-Toulmin at t = 1, floored at 0
    new_labelsets_if_doubled_gt: int  # plain Good-Toulmin at t = 1: N1 - N2 + N3 - ...
    efron_thisted_terms: int

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> UnseenStats:
        """Rebuild from :meth:`to_dict`."""
        return restore(cls, data)


def unseen_labelsets(counts: np.ndarray, n_samples: int) -> UnseenStats:
    """Good-Turing mass of unseen labelsets and Good-Toulmin new labelsets at t = 1.

    With ``N_k`` the number of labelsets seen exactly k times in ``N`` samples:

    - Good-Turing (Good 1953): the probability that the next sample's labelset is new is
      ``N_1 / N``.
    - Good-Toulmin (1956): the expected number of new labelsets in ``t N`` further samples
      is ``-sum_k (-t)^k N_k``; at ``t = 1`` (doubling the data) that is
      ``N_1 - N_2 + N_3 - ...``. Every term enters with weight 1 and alternating sign, so a
      single frequent labelset can swing it by its N_k: it is unbiased but noisy, and may
      even be negative. It is reported as ``new_labelsets_if_doubled_gt``.
    - Efron & Thisted (1976) damp the series with a binomial tail: weights
      ``P(Bin(r, 1/(1+t)) >= k)`` for ``k <= r`` and 0 beyond (here ``r = 10``, ``t = 1``).
      This trades a little bias for a much smaller variance; it is the headline
      ``new_labelsets_if_doubled`` (floored at 0: a negative estimate means none).

    Examples
    --------
    >>> u = unseen_labelsets(np.array([2, 1, 1, 1, 1]), 6)
    >>> u.unseen_labelset_mass, u.new_labelsets_if_doubled_gt
    (0.6666666666666666, 3)
    """
    frequency_of_frequency = np.bincount(counts)
    n_k = np.zeros(max(frequency_of_frequency.size, EFRON_THISTED_TERMS + 1), dtype=np.int64)
    n_k[: frequency_of_frequency.size] = frequency_of_frequency
    k = np.arange(n_k.size)
    signs = np.where(k % 2 == 1, 1, -1)
    # Good-Toulmin at t = 1: sum_k (-1)^(k+1) N_k, exact in integers.
    plain = int((signs[1:] * n_k[1:]).sum())
    # Efron-Thisted (1976): sum_{k<=r} (-1)^(k+1) t^k N_k P(Bin(r, 1/(1+t)) >= k), t = 1.
    r = EFRON_THISTED_TERMS
    kk = np.arange(1, r + 1)
    from scipy import stats  # loaded when needed: a second to import

    weights = stats.binom.sf(kk - 1, r, 0.5)
    smoothed = float((signs[kk] * n_k[kk] * weights).sum())
    return UnseenStats(
        unseen_labelset_mass=float(n_k[1]) / n_samples,  # Good-Turing N1 / N
        n_labelsets_seen_once=int(n_k[1]),
        n_labelsets_seen_twice=int(n_k[2]),
        new_labelsets_if_doubled=max(smoothed, 0.0),
        new_labelsets_if_doubled_gt=plain,
        efron_thisted_terms=r,
    )


@dataclass(frozen=True)
class PruneLevel:
    """Read's pruned sets at one minimum count: labelsets kept and samples they cover."""

    min_count: int
    n_labelsets: int  # labelsets with count >= min_count
    share_of_samples: float  # share of samples whose labelset survives
    n_params: int  # output-layer parameters of the pruned-powerset head: d*K_p + K_p

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PruneLevel:
        """Rebuild from :meth:`to_dict`."""
        return restore(cls, data)


def prune_level(counts: np.ndarray, n_samples: int, d: int, min_count: int) -> PruneLevel:
    """Read's pruned powerset at ``min_count``: labelsets kept, samples covered, head size.

    >>> prune_level(np.array([2, 1, 1, 1, 1]), 6, 2, 2)
    PruneLevel(min_count=2, n_labelsets=1, share_of_samples=0.3333333333333333, n_params=3)
    """
    kept = counts >= min_count
    n_kept = int(np.count_nonzero(kept))
    return PruneLevel(
        min_count=min_count,
        n_labelsets=n_kept,
        share_of_samples=float(counts[kept].sum() / n_samples),
        n_params=head_params(d, n_kept),
    )
