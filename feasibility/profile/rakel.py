"""RAkEL's k-labelsets: how many label combinations each random subset of k labels has."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._json import fields_dict
from ._restore import restore

__all__ = [
    "KLabelsetStats",
    "distinct_projections_dense",
    "distinct_projections_sparse",
    "k_labelsets",
]

#: Largest RAkEL k for which the one-pass 64-bit dense projection applies (2^6 = 64 bits).
_DENSE_MAX_K = 6


@dataclass(frozen=True)
class KLabelsetStats:
    """RAkEL's k-labelsets: label-powerset problems over random subsets of k labels."""

    k: int
    n_subsets_total: int  # C(L, k), exact
    n_subsets_evaluated: int
    sampled: bool  # True when subsets were drawn at random (C(L, k) above the cap)
    mean_distinct_labelsets: float  # mean over subsets of the distinct combinations present
    max_distinct_labelsets: int
    mean_samples_per_labelset: float  # mean over subsets of n_samples / distinct combinations

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> KLabelsetStats:
        """Rebuild from :meth:`to_dict`."""
        return restore(cls, data)


def _subsets(n_labels: int, k: int, cap: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """All k-subsets of range(n_labels) if there are at most ``cap``, else ``cap`` random ones.

    The random subsets are distinct index rows kept in the order they were first drawn
    (``np.unique(axis=0)`` on index rows, not on 0/1 rows: ``unique_rows`` does not apply).
    """
    total = math.comb(n_labels, k)
    if total <= cap:
        return np.array(list(itertools.combinations(range(n_labels), k)), dtype=np.int64), False
    chosen = np.zeros((0, k), dtype=np.int64)
    batch = max(1, min(2 * cap, 4_000_000 // n_labels))  # at most ~32 MB of draws at once
    while len(chosen) < cap:
        draw = np.sort(np.argpartition(rng.random((batch, n_labels)), k - 1, axis=1)[:, :k], axis=1)
        merged = np.concatenate([chosen, draw])
        _, first = np.unique(merged, axis=0, return_index=True)
        chosen = merged[np.sort(first)]
    return chosen[:cap], True


def k_labelsets(
    members: sp.csr_matrix, n_samples: int, k: int, cap: int, rng: np.random.Generator
) -> KLabelsetStats:
    """Distinct combinations of each k-subset of labels, from the K distinct labelsets.

    The combinations present on a subset S are the projections onto S of the labelsets
    present, so the work is on K rows instead of n.
    """
    n_labelsets, n_labels = members.shape
    subsets, sampled = _subsets(n_labels, k, cap, rng)
    column_sizes = np.bincount(members.indices, minlength=n_labels)
    dense_cost = n_labelsets * k
    sparse_cost = 16 * k * max(float(column_sizes.mean()), 1.0)
    if k <= _DENSE_MAX_K and dense_cost <= sparse_cost and n_labelsets * n_labels <= 50_000_000:
        distinct = distinct_projections_dense(members.toarray().astype(np.uint8), subsets)
    else:
        distinct = distinct_projections_sparse(members.tocsc(), subsets)
    return KLabelsetStats(
        k=k,
        n_subsets_total=math.comb(n_labels, k),
        n_subsets_evaluated=len(subsets),
        sampled=sampled,
        mean_distinct_labelsets=float(distinct.mean()),
        max_distinct_labelsets=int(distinct.max()),
        mean_samples_per_labelset=float((n_samples / distinct).mean()),
    )


def distinct_projections_dense(U: np.ndarray, subsets: np.ndarray) -> np.ndarray:
    """Number of distinct rows of ``U[:, s]`` for each subset s of k <= 6 columns (dense U).

    Each row's combination c on s sets bit c of a 64-bit word; OR-ing the words over the
    rows and counting the set bits gives the number of distinct combinations in one pass,
    without sorting.

    Parameters
    ----------
    U : ndarray of shape (K, L), dtype uint8
        0/1 rows, e.g. the K distinct labelsets of L labels.
    subsets : ndarray of shape (n_subsets, k)
        Column indices of each subset.

    Returns
    -------
    ndarray of shape (n_subsets,)
        Distinct combinations present on each subset.

    Raises
    ------
    ValueError
        When ``k`` exceeds 6 (2^6 combinations fill the 64-bit word).

    See Also
    --------
    distinct_projections_sparse : the same for a sparse U and any k.

    Examples
    --------
    >>> U = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]], dtype=np.uint8)
    >>> distinct_projections_dense(U, np.array([[0, 1], [0, 2], [1, 2]])).tolist()
    [4, 2, 2]
    """
    n_rows = U.shape[0]
    n_subsets, k = subsets.shape
    if k > _DENSE_MAX_K:
        raise ValueError(f"the dense projection handles k <= {_DENSE_MAX_K}; got k={k}")
    columns = np.ascontiguousarray(U.T)  # (L, K): a label's column is one contiguous row
    chunk = max(1, 8_000_000 // max(n_rows, 1))
    out = np.empty(n_subsets, dtype=np.int64)
    for start in range(0, n_subsets, chunk):
        block = subsets[start : start + chunk]
        codes = np.zeros((len(block), n_rows), dtype=np.uint8)
        for bit in range(k):
            codes |= columns[block[:, bit]] << bit
        one_hot = np.left_shift(np.uint64(1), codes, dtype=np.uint64)
        seen = np.bitwise_or.reduce(one_hot, axis=1)
        out[start : start + len(block)] = np.bitwise_count(seen)
    return out


def distinct_projections_sparse(Uc: sp.csc_matrix, subsets: np.ndarray) -> np.ndarray:
    """Number of distinct rows of ``U[:, s]`` for each subset s of columns (U as CSC).

    Only rows with a label in s are touched: their codes are assembled from the column
    lists, and the all-zero combination is present when some row touches none of s.

    Parameters
    ----------
    Uc : scipy.sparse.csc_matrix of shape (K, L)
        0/1 rows, e.g. the K distinct labelsets of L labels.
    subsets : ndarray of shape (n_subsets, k)
        Column indices of each subset.

    Returns
    -------
    ndarray of shape (n_subsets,)
        Distinct combinations present on each subset.

    See Also
    --------
    distinct_projections_dense : one pass over a dense U, for k <= 6.

    Examples
    --------
    >>> U = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]], dtype=np.uint8)
    >>> distinct_projections_sparse(sp.csc_matrix(U), np.array([[0, 1], [0, 2], [1, 2]])).tolist()
    [4, 2, 2]
    """
    n_rows = Uc.shape[0]
    n_subsets, k = subsets.shape
    width = 1 << k
    col_ptr = Uc.indptr.astype(np.int64)
    col_rows = Uc.indices.astype(np.int64)
    sizes = np.diff(col_ptr)
    per_subset = sizes[subsets].sum(axis=1)
    out = np.empty(n_subsets, dtype=np.int64)
    start = 0
    while start < n_subsets:
        # Chunks of about 2 million touched entries keep the temporaries near 200 MB.
        stop = start + 1
        budget = per_subset[start]
        while stop < n_subsets and budget + per_subset[stop] <= 2_000_000:
            budget += per_subset[stop]
            stop += 1
        out[start:stop] = _distinct_sparse_block(
            col_ptr, col_rows, sizes, subsets[start:stop], n_rows, width
        )
        start = stop
    return out


def _distinct_sparse_block(
    col_ptr: np.ndarray,
    col_rows: np.ndarray,
    sizes: np.ndarray,
    block: np.ndarray,
    n_rows: int,
    width: int,
) -> np.ndarray:
    """Distinct combinations of each subset of one block (see the caller)."""
    k = block.shape[1]
    local = np.arange(len(block), dtype=np.int64)
    keys, bits = [], []
    for bit in range(k):
        cols = block[:, bit]
        lengths = sizes[cols]
        total = int(lengths.sum())
        owner = np.repeat(local, lengths)
        position = np.arange(total, dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        rows = col_rows[np.repeat(col_ptr[cols], lengths) + position]
        keys.append(owner * n_rows + rows)
        bits.append(np.full(total, 1 << bit, dtype=np.int64))
    key = np.concatenate(keys)
    bit_values = np.concatenate(bits)
    touched, inverse = np.unique(key, return_inverse=True)
    codes = np.bincount(inverse, weights=bit_values, minlength=touched.size).astype(np.int64)
    owner = touched // n_rows
    n_touched = np.bincount(owner, minlength=len(block))
    pairs = np.unique(owner * width + codes)
    nonzero_distinct = np.bincount(pairs // width, minlength=len(block))
    return nonzero_distinct + (n_touched < n_rows)
