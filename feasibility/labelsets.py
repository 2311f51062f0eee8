"""Operations on labelsets (the distinct rows of a 0/1 label matrix), shared by every stage."""

from __future__ import annotations

import numpy as np

__all__ = ["prune_labelsets", "row_keys", "unique_rows", "unseen_labelset_share"]


def unique_rows(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the distinct rows of a 0/1 matrix: ``(labelsets, inverse, counts)``.

    ``labelsets`` (K, L) sorted, ``inverse`` (n,) the labelset of each row, ``counts`` (K,).

    Examples
    --------
    >>> labelsets, inverse, counts = unique_rows(np.array([[1, 0], [0, 1], [1, 0]]))
    >>> labelsets.tolist(), inverse.tolist(), counts.tolist()
    ([[0, 1], [1, 0]], [1, 0, 1], [1, 2])
    """
    labelsets, inverse, counts = np.unique(
        np.asarray(Y, dtype=np.uint8), axis=0, return_inverse=True, return_counts=True
    )
    return labelsets, inverse.reshape(-1), counts


def row_keys(Y: np.ndarray) -> list[bytes]:
    """One hashable key per row of a 0/1 matrix (its packed bits)."""
    return [row.tobytes() for row in np.packbits(np.asarray(Y, dtype=np.uint8), axis=1)]


def unseen_labelset_share(Y_train: np.ndarray, Y_test: np.ndarray) -> float:
    """Return the share of test rows whose labelset never occurs in the training rows.

    Examples
    --------
    >>> unseen_labelset_share(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 1]]))
    0.5
    """
    seen = set(row_keys(Y_train))
    test_keys = row_keys(Y_test)
    return float(sum(key not in seen for key in test_keys) / max(len(test_keys), 1))


def prune_labelsets(
    Y: np.ndarray, *, min_count: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read's pruned sets: replace rare labelsets by their frequent sub-labelsets.

    A labelset seen fewer than ``min_count`` times is rare. Each sample with a rare
    labelset is replaced by one copy per *maximal* frequent sub-labelset: a frequent,
    non-empty labelset contained in the rare one and not contained in another such
    labelset (Read, Pfahringer & Holmes 2008, "Multi-label classification using ensembles
    of pruned sets", ICDM; this is their strategy of re-introducing pruned samples with
    frequent subsets, keeping all maximal ones rather than the best single one, so that
    no frequent part of the true labelset is lost). A sample without any frequent
    non-empty sub-labelset is dropped; the empty labelset is never used as a replacement.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
    min_count : int, default=2
        Read's p; 1 keeps every labelset (the plain powerset).

    Returns
    -------
    rows : ndarray of shape (n_kept,)
        Row of ``Y`` behind each training sample (a row repeats once per copy).
    y : ndarray of shape (n_kept,)
        Class id of each training sample.
    labelsets : ndarray of shape (n_classes, n_labels)
        The labelset of each class id: the frequent labelsets, sorted.

    Examples
    --------
    >>> Y = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 1, 1], [0, 0, 1]])
    >>> rows, y, labelsets = prune_labelsets(Y, min_count=2)
    >>> labelsets.tolist()
    [[0, 1, 1], [1, 1, 0]]
    >>> rows.tolist(), y.tolist()
    ([0, 1, 2, 3, 4, 4], [1, 1, 0, 0, 0, 1])
    """
    labelsets, inverse, counts = unique_rows(Y)
    frequent = counts >= min_count
    kept = labelsets[frequent]
    class_id = np.full(len(labelsets), -1, dtype=np.int64)
    class_id[frequent] = np.arange(int(frequent.sum()))
    row_parts = [np.flatnonzero(frequent[inverse])]
    class_parts = [class_id[inverse[row_parts[0]]]]
    candidates = np.flatnonzero(kept.any(axis=1))
    candidate_sets = kept[candidates].astype(np.int64)
    candidate_sizes = candidate_sets.sum(axis=1)
    for rare in np.flatnonzero(~frequent):
        outside = 1 - labelsets[rare].astype(np.int64)
        inside = np.flatnonzero(candidate_sets @ outside == 0)
        if inside.size == 0:
            continue
        subsets = candidate_sets[inside]
        # contained[s, t]: subset s lies strictly inside subset t, so s is not maximal.
        contained = ((subsets @ (1 - subsets).T) == 0) & (
            candidate_sizes[inside][None, :] > candidate_sizes[inside][:, None]
        )
        members = np.flatnonzero(inverse == rare)
        for maximal in inside[~contained.any(axis=1)]:
            row_parts.append(members)
            class_parts.append(np.full(len(members), candidates[maximal], dtype=np.int64))
    rows = np.concatenate(row_parts)
    y = np.concatenate(class_parts)
    order = np.lexsort((y, rows))
    return rows[order], y[order], kept
