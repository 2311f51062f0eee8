"""Identical feature rows, and those whose labelsets disagree (label noise no model can fit)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._json import fields_dict
from ..dataset import MultilabelDataset, require_dataset
from .matrix import distinct_labelsets, label_matrix

__all__ = ["DuplicateRows", "conflicting_duplicates", "duplicate_rows"]


@dataclass(frozen=True)
class DuplicateRows:
    """Groups of identical feature rows, and those whose labelsets disagree."""

    n_duplicate_groups: int  # groups of >= 2 identical feature rows
    n_duplicate_samples: int  # samples in those groups
    n_conflicting_groups: int  # groups whose rows carry more than one labelset
    n_conflicting_samples: int
    share_conflicting: float  # n_conflicting_samples / n_samples
    examples: tuple[tuple[int, ...], ...]  # row indices of up to 5 conflicting groups

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


def conflicting_duplicates(dataset: MultilabelDataset, *, max_examples: int = 5) -> DuplicateRows:
    """Find identical feature rows and those that carry different labelsets.

    Rows are grouped by a vectorised 64-bit hash and the candidate groups are then
    confirmed by comparing the exact bytes of the rows, so collisions cannot merge rows.
    :func:`~feasibility.profile.profile` computes the same (``LabelProfile.duplicates``).

    Parameters
    ----------
    dataset : MultilabelDataset
    max_examples : int, default=5
        How many conflicting groups to list (their row indices).

    Returns
    -------
    DuplicateRows

    Examples
    --------
    >>> X = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [2, 2]])
    >>> Y = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [0, 0]])
    >>> d = conflicting_duplicates(MultilabelDataset.from_arrays(X, Y))
    >>> d.n_duplicate_groups, d.n_conflicting_groups, d.n_conflicting_samples, d.examples
    (2, 1, 2, ((0, 1),))
    """
    dataset = require_dataset(dataset, "conflicting_duplicates")
    labelsets = distinct_labelsets(label_matrix(dataset))
    return duplicate_rows(dataset.X, labelsets.sample_labelset, max_examples=max_examples)


def duplicate_rows(X, sample_labelset: np.ndarray, *, max_examples: int = 5) -> DuplicateRows:
    """Duplicate and conflicting groups of the rows of ``X``; ``sample_labelset`` gives
    each row's labelset id (rows carry the same labelset iff their ids are equal).
    """
    n = X.shape[0]
    candidates = _hash_candidates(X)
    group = _exact_groups(X, candidates)  # group id of each candidate row
    # Groups of one row are not duplicates; candidates are increasing, so are group rows.
    sizes = np.bincount(group, minlength=group.max() + 1 if group.size else 0)
    in_duplicate = sizes[group] >= 2
    rows, group = candidates[in_duplicate], group[in_duplicate]
    # A group conflicts when its rows carry more than one labelset: count the distinct
    # (group, labelset) pairs of each group, coded as one int64 (both ids are below n).
    pairs = np.unique(group * max(n, 1) + sample_labelset[rows])
    n_labelsets = np.bincount(pairs // max(n, 1), minlength=sizes.size)
    conflicting = n_labelsets[group] > 1
    conflicting_ids = np.unique(group[conflicting])
    # Examples: the first max_examples conflicting groups in the order of their first row
    # (rows are increasing, so a group's first occurrence is its first row).
    _, first_at = np.unique(group[conflicting], return_index=True)
    shown = group[conflicting][np.sort(first_at)[:max_examples]]
    examples = [rows[group == g].tolist() for g in shown]
    n_conflicting = int(np.count_nonzero(conflicting))
    return DuplicateRows(
        n_duplicate_groups=int(np.count_nonzero(sizes >= 2)),
        n_duplicate_samples=int(rows.size),
        n_conflicting_groups=int(conflicting_ids.size),
        n_conflicting_samples=n_conflicting,
        share_conflicting=n_conflicting / n if n else 0.0,
        examples=tuple(tuple(members) for members in examples),
    )


def _hash_candidates(X) -> np.ndarray:
    """Rows whose 64-bit row hash is shared with another row (superset of duplicates)."""
    rng = np.random.default_rng(12345)
    n_rows, n_cols = X.shape
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64)
    # Two independent random projections of the row; equal rows give equal values, and
    # unequal rows almost never do. Exactness is restored by the byte comparison after.
    weights = rng.standard_normal((n_cols, 2))
    if sp.issparse(X):
        projection = np.asarray(X.tocsr().astype(np.float64) @ weights)
    else:
        projection = np.asarray(X, dtype=np.float64) @ weights
    projection = np.round(projection, 6) + 0.0  # + 0.0 folds -0.0 into 0.0
    # Rows whose projection pair equals another row's: sort the pairs, compare neighbours
    # (a NaN equals nothing, as in np.unique(axis=0), which is several times slower).
    order = np.lexsort((projection[:, 1], projection[:, 0]))
    ranked = projection[order]
    same = np.all(ranked[1:] == ranked[:-1], axis=1)
    shared = np.zeros(n_rows, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    return np.sort(order[shared])


def _exact_groups(X, rows: np.ndarray) -> np.ndarray:
    """Group id of each of ``rows`` such that two rows share an id iff their float32
    values are identical (indices and values for CSR; -0.0 counts as 0.0).
    """
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    if sp.issparse(X):
        keys = _sparse_row_bytes(X[rows])
        ids: dict[bytes, int] = {}
        return np.array([ids.setdefault(key, len(ids)) for key in keys], dtype=np.int64)
    dense = np.ascontiguousarray(X[rows], dtype=np.float32)
    if dense.shape[1] == 0:
        return np.zeros(rows.size, dtype=np.int64)  # no feature: every row is the same
    dense = dense + np.float32(0.0)  # folds -0.0 into 0.0 so equal values compare equal
    # Each row as one opaque byte string: np.unique compares the exact bytes.
    row_type = np.dtype((np.void, dense.dtype.itemsize * dense.shape[1]))
    _, inverse = np.unique(dense.view(row_type).ravel(), return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def _sparse_row_bytes(X) -> list[bytes]:
    """Exact byte key of each CSR feature row (its column indices and float32 values)."""
    csr = X.tocsr()
    csr.sum_duplicates()
    csr.eliminate_zeros()
    csr.sort_indices()
    indptr, indices = csr.indptr, csr.indices.astype(np.int32)
    data = csr.data.astype(np.float32)
    return [
        indices[a:b].tobytes() + b"|" + data[a:b].tobytes() for a, b in zip(indptr[:-1], indptr[1:])
    ]
