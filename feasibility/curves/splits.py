"""Outer folds, nested training sizes and the seeds derived from the one ``seed``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import is_int
from ..errors import invalid_parameter
from .notes import CurveNote, fewer_sizes_note, size_capped_note, sizes_merged_note
from .options import OWNER

__all__ = ["outer_splits", "resolve_train_sizes", "seed_int"]


def seed_int(*entropy: int) -> int:
    """Return a 31-bit seed derived from ``entropy`` (stable across platforms).

    Examples
    --------
    >>> seed_int(0, 1) == seed_int(0, 1) != seed_int(0, 2)
    True
    """
    return int(np.random.SeedSequence(list(entropy)).generate_state(1)[0] >> 1)


def outer_splits(
    Y: np.ndarray, *, folds: int = 5, repeats: int = 1, seed: int = 0
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """Split the rows into outer folds by iterative stratification, repeated.

    The training rows of each fold come in a seeded random order: the training part of
    size ``n`` for a learning-curve point is the first ``n`` of them, so sizes are nested.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
    folds : int, default=5
    repeats : int, default=1
    seed : int, default=0

    Returns
    -------
    list of (repeat, fold, train_rows, test_rows)
        ``train_rows`` in nested order, ``test_rows`` sorted.

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 1]] * 10)
    >>> [(r, f, len(tr), len(te)) for r, f, tr, te in outer_splits(Y, folds=2)]
    [(0, 0, 10, 10), (0, 1, 10, 10)]
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    Y = np.asarray(Y)
    splits = []
    for repeat in range(repeats):
        splitter = MultilabelStratifiedKFold(
            n_splits=folds, shuffle=True, random_state=seed_int(seed, repeat)
        )
        for fold, (train, test) in enumerate(splitter.split(np.zeros((len(Y), 1)), Y)):
            order = np.random.default_rng([seed, repeat, fold]).permutation(len(train))
            splits.append((repeat, fold, np.asarray(train)[order], np.sort(test)))
    return splits


def resolve_train_sizes(
    n_train_full: int,
    *,
    n_labels: int,
    sizes: Sequence[int] | Sequence[float] | None = None,
    n_sizes: int = 8,
    min_size: int | None = None,
) -> tuple[np.ndarray, list[CurveNote]]:
    """Return the increasing training sizes and notes about any adjustment.

    Parameters
    ----------
    n_train_full : int
        The smallest outer training part.
    n_labels : int
    sizes : list of int or list of float, or None
        Counts, or fractions of ``n_train_full``; None for geometric defaults.
    n_sizes : int, default=8
    min_size : int or None, default=None
        None is ``max(50, 2 * n_labels)``.

    Returns
    -------
    train_sizes : ndarray of int64
    notes : list of CurveNote

    Raises
    ------
    ParameterError
        When a count exceeds ``n_train_full``.

    Examples
    --------
    >>> resolve_train_sizes(1000, n_labels=6)[0].tolist()
    [50, 77, 118, 181, 277, 425, 652, 1000]
    >>> resolve_train_sizes(1000, n_labels=6, sizes=[0.1, 0.5, 1.0])[0].tolist()
    [100, 500, 1000]
    """
    notes: list[CurveNote] = []
    if sizes is None:
        smallest = max(50, 2 * n_labels) if min_size is None else int(min_size)
        if smallest > n_train_full:
            notes.append(size_capped_note(smallest, n_train_full))
            smallest = n_train_full
        # Geometric spacing, as the points of a learning curve are read on a log axis.
        candidates = np.rint(np.geomspace(smallest, n_train_full, n_sizes)).astype(np.int64)
        train_sizes = np.unique(candidates)
        if len(train_sizes) < n_sizes:
            notes.append(fewer_sizes_note(len(train_sizes), smallest, n_train_full, n_sizes))
        return train_sizes, notes
    if all(is_int(s) for s in sizes):
        too_large = [int(s) for s in sizes if s > n_train_full]
        if too_large:
            raise invalid_parameter(
                "sizes", OWNER, f"counts <= the training part ({n_train_full} rows)", list(sizes)
            )
        candidates = np.asarray(sizes, dtype=np.int64)
    else:
        candidates = np.maximum(1, np.rint(np.asarray(sizes) * n_train_full)).astype(np.int64)
    train_sizes = np.unique(candidates)
    if len(train_sizes) < len(sizes):
        notes.append(sizes_merged_note(sizes, train_sizes))
    return train_sizes, notes
