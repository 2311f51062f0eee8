"""Profile the label space of a multilabel dataset: :func:`profile` -> :class:`LabelProfile`.

The first half of the answer to "sigmoid or powerset?" is in the labels alone: how many
label combinations (labelsets) a powerset softmax would have to learn, how many samples
each of them has, how much probability mass falls on combinations never seen in training,
how imbalanced and entangled the labels are, and how large each output layer would be.

Nothing here is ``O(2^L)``: labelsets are found by hashing the rows of the sparse label
matrix, co-occurrence is ``Y^T Y`` on the sparse matrix, and ``2^L`` only ever appears as an
exact Python integer or through ``log2`` arithmetic.

The scalar measures shared with the R package mldr (Charte & Charte 2015) follow mldr's
code exactly so that they reproduce its published values: ``cardinality``, ``density``,
``n_labelsets``, ``n_single_labelsets``, ``max_labelset_frequency``, ``mean_ir``,
``scumble``, ``scumble_cv`` and ``tcs``.

One module per concern: :mod:`.matrix` (the label matrix and its distinct rows),
:mod:`.powerset` (labelset counts, Good-Turing, Read's pruning), :mod:`.rakel`,
:mod:`.imbalance`, :mod:`.dependence` (co-occurrence, chi-square / Fisher, BH),
:mod:`.heads` (output-layer sizes), :mod:`.duplicates`, :mod:`.options`, :mod:`.notes` and
:mod:`.results`. The stage returns numbers and codes; the report layer writes them out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from ..dataset import MultilabelDataset, require_dataset
from ..notes import warn_note
from .dependence import (
    FISHER_MIN_EXPECTED,
    FULL_MATRIX_MAX_LABELS,
    CooccurrenceStats,
    LabelPair,
    PairTest,
    cooccurrence,
)
from .duplicates import DuplicateRows, conflicting_duplicates, duplicate_rows
from .heads import ClassSizeHistogram, HeadSize, HeadSizes, SamplesPerClass, head_sizes
from .heads import samples_per_class as samples_per_class_stats
from .imbalance import ImbalanceStats, imbalance
from .matrix import distinct_labelsets, label_matrix
from .notes import CONSTANT_LABELS_SHOWN, ProfileNote, ProfileNoteCode
from .options import RAKEL_MAX_K, ProfileOptions
from .powerset import (
    EFRON_THISTED_TERMS,
    LABELSET_TABLE_LIMIT,
    LabelsetStats,
    PruneLevel,
    UnseenStats,
    labelset_stats,
    prune_level,
    unseen_labelsets,
)
from .rakel import KLabelsetStats, k_labelsets
from .results import LabelProfile

__all__ = [
    "EFRON_THISTED_TERMS",
    "FISHER_MIN_EXPECTED",
    "FULL_MATRIX_MAX_LABELS",
    "LABELSET_TABLE_LIMIT",
    "RAKEL_MAX_K",
    "ClassSizeHistogram",
    "CooccurrenceStats",
    "DuplicateRows",
    "HeadSize",
    "HeadSizes",
    "ImbalanceStats",
    "KLabelsetStats",
    "LabelPair",
    "LabelProfile",
    "LabelsetStats",
    "PairTest",
    "ProfileOptions",
    "ProfileNote",
    "ProfileNoteCode",
    "PruneLevel",
    "SamplesPerClass",
    "UnseenStats",
    "conflicting_duplicates",
    "profile",
]

_DEFAULTS = ProfileOptions


def profile(
    dataset: MultilabelDataset,
    *,
    options: ProfileOptions | None = None,
    hidden: int | None = _DEFAULTS.hidden,
    tail_thresholds: Sequence[int] = _DEFAULTS.tail_thresholds,
    prune_counts: Sequence[int] = _DEFAULTS.prune_counts,
    rakel_k: Sequence[int] = _DEFAULTS.rakel_k,
    rakel_max_subsets: int = _DEFAULTS.rakel_max_subsets,
    max_pairs: int = _DEFAULTS.max_pairs,
    alpha: float = _DEFAULTS.alpha,
    random_state: int | None = _DEFAULTS.random_state,
) -> LabelProfile:
    """Measure the label space of a multilabel dataset.

    Parameters
    ----------
    dataset : MultilabelDataset
        The data: ``Y`` (which may be a scipy sparse 0/1 matrix), the names and sizes,
        and ``X`` for the duplicate feature rows only.
    options : ProfileOptions, optional
        All the options at once; a keyword below that differs from its default replaces
        the option's value.
    hidden, tail_thresholds, prune_counts, rakel_k, rakel_max_subsets, max_pairs, alpha, random_state
        The fields of :class:`ProfileOptions` (its docstring says what each does), with
        the same defaults.

    Returns
    -------
    LabelProfile

    Raises
    ------
    DatasetError
        If the dataset has fewer than 2 labels (not a multilabel problem), no rows, or a
        label matrix that is not 0/1.
    ParameterError
        If an option is out of range, or ``dataset`` is not a MultilabelDataset (e.g. a
        dataset name: load it first with :func:`feasibility.load`).

    Warns
    -----
    FeasibilityWarning
        Once for the labels that are never positive and once for those always positive,
        naming a few of them (also recorded in ``notes``).

    See Also
    --------
    feasibility.load : build the dataset from a file.

    Notes
    -----
    Dependence of each label pair is tested with Pearson's chi-square test without
    continuity correction, or with Fisher's exact test (two-sided, "as or less probable
    than observed") when any expected cell count is below 5; the p-values of all testable
    pairs are adjusted together with Benjamini-Hochberg (statsmodels ``fdr_bh``).

    Examples
    --------
    >>> import numpy as np
    >>> from feasibility.dataset import MultilabelDataset
    >>> Y = [[1, 0, 0], [1, 1, 0], [1, 1, 0], [0, 0, 1]]
    >>> p = profile(MultilabelDataset.from_arrays(np.zeros((4, 2)), Y))
    >>> p.cardinality, p.n_labelsets, p.n_single_labelsets, p.labelsets.counts.tolist()
    (1.5, 3, 2, [2, 1, 1])
    >>> p.labelsets.labelset(0)
    ('label_0', 'label_1')
    """
    started = time.perf_counter()
    dataset = require_dataset(dataset, "profile")
    options = ProfileOptions.merged(
        options,
        hidden=hidden,
        tail_thresholds=tail_thresholds,
        prune_counts=prune_counts,
        rakel_k=rakel_k,
        rakel_max_subsets=rakel_max_subsets,
        max_pairs=max_pairs,
        alpha=alpha,
        random_state=random_state,
    )
    return _measure(dataset, label_matrix(dataset), options, started)


def _measure(
    dataset: MultilabelDataset, Ys, options: ProfileOptions, started: float
) -> LabelProfile:
    """The profile of checked CSR labels ``Ys`` (the body of :func:`profile`)."""
    name = dataset.name
    n_samples, n_labels = (int(s) for s in Ys.shape)
    label_names = tuple(dataset.label_names)
    d = dataset.n_features if options.hidden is None else options.hidden
    row_sizes = np.diff(Ys.indptr.astype(np.int64))
    label_counts = np.bincount(Ys.indices, minlength=n_labels).astype(np.int64)
    cardinality = float(row_sizes.sum()) / n_samples  # mldr: mean(.labelcount)
    n_without = int(np.count_nonzero(row_sizes == 0))
    notes = _constant_label_notes(label_counts, n_samples, label_names, name)

    distinct = distinct_labelsets(Ys)
    counts = distinct.counts
    members = Ys[distinct.representatives]
    rng = np.random.default_rng(options.random_state)
    rakel = []
    for k in options.rakel_k:
        if k > n_labels:
            notes.append(ProfileNote(ProfileNoteCode.RAKEL_SKIPPED, {"k": k, "n_labels": n_labels}))
            continue
        rakel.append(k_labelsets(members, n_samples, k, options.rakel_max_subsets, rng))
    # TCS (Charte et al. 2019), as computed by mldr: log(num.inputs * num.labels * num.labelsets)
    n_inputs = int(dataset.n_inputs)
    tcs = math.log(n_inputs * n_labels * counts.size) if n_inputs > 0 else math.nan
    co = cooccurrence(Ys, label_counts, label_names, n_samples, options.alpha, options.max_pairs)
    duplicates = duplicate_rows(dataset.X, distinct.sample_labelset)
    return LabelProfile(
        dataset_name=name,
        n_samples=n_samples,
        n_labels=n_labels,
        n_features=int(dataset.n_features),
        n_inputs=n_inputs,
        label_names=label_names,
        label_counts=label_counts,
        label_frequencies=label_counts / n_samples,
        cardinality=cardinality,
        density=cardinality / n_labels,
        n_samples_without_labels=n_without,
        share_without_labels=n_without / n_samples,
        tcs=tcs,
        labelsets=labelset_stats(counts, members, label_names, options.tail_thresholds),
        unseen=unseen_labelsets(counts, n_samples),
        pruning=tuple(prune_level(counts, n_samples, d, p) for p in options.prune_counts),
        rakel=tuple(rakel),
        imbalance=imbalance(Ys, label_counts, row_sizes, n_samples),
        cooccurrence=co,
        heads=head_sizes(d, n_labels, counts.size, n_samples),
        samples_per_class=samples_per_class_stats(counts, label_counts, options.prune_counts),
        options=options,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
        duplicates=duplicates,
    )


def _constant_label_notes(
    label_counts: np.ndarray, n_samples: int, label_names: tuple[str, ...], name: str
) -> list[ProfileNote]:
    """Warn once for the labels never positive and once for those always positive.

    One warning per kind, not per label: a dataset can have thousands of constant labels,
    and a note names the first few. The warnings are also returned, as the profile's notes.
    """
    notes = []
    kinds = (
        (ProfileNoteCode.NEVER_POSITIVE, np.flatnonzero(label_counts == 0)),
        (ProfileNoteCode.ALWAYS_POSITIVE, np.flatnonzero(label_counts == n_samples)),
    )
    for code, columns in kinds:
        if columns.size:
            shown = [label_names[j] for j in columns[:CONSTANT_LABELS_SHOWN]]
            values = {"n_labels": int(columns.size), "labels": shown, "dataset": name}
            notes.append(ProfileNote(code, values))
    for note in notes:
        # stacklevel 4 (here, _measure, profile): the warning points at profile's caller.
        warn_note(note, stacklevel=4)
    return notes
