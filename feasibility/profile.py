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
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from fractions import Fraction

import numpy as np
import scipy.sparse as sp
from scipy import special, stats
from statsmodels.stats.multitest import multipletests

from ._json import fields_dict, json_safe
from .dataset import MultilabelDataset, require_dataset
from .errors import DatasetError, FeasibilityWarning, invalid_parameter

__all__ = [
    "ClassSizeHistogram",
    "CooccurrenceStats",
    "HeadSize",
    "HeadSizes",
    "ImbalanceStats",
    "KLabelsetStats",
    "LabelPair",
    "LabelProfile",
    "LabelsetStats",
    "PruneLevel",
    "SamplesPerClass",
    "UnseenStats",
    "human_bytes",
    "profile",
]

#: Full L x L co-occurrence matrices are kept in the result only up to this many labels;
#: above it the result keeps the strongest pairs only (a million cells is not a report).
FULL_MATRIX_MAX_LABELS = 60
#: ``LabelProfile.to_dict()`` lists at most this many labelsets by default (most frequent
#: first) and reports how many it left out; the result object keeps all of them.
LABELSET_TABLE_LIMIT = 1000
#: Fisher's exact test replaces the chi-square test when any expected cell count is below this.
FISHER_MIN_EXPECTED = 5.0
#: Number of terms ``r`` of the Efron-Thisted smoothed Good-Toulmin estimator.
EFRON_THISTED_TERMS = 10
#: Relative tolerance for "as or less probable than the observed table" in Fisher's test
#: (the value R's ``fisher.test`` uses).
_FISHER_RELATIVE_TOLERANCE = 1e-7
#: Largest RAkEL k for which the one-pass 64-bit dense projection applies (2^6 = 64 bits).
_DENSE_MAX_K = 6
#: Largest RAkEL k accepted: combinations are coded in int64 alongside the subset index.
RAKEL_MAX_K = 30
#: Width of the support window over which Fisher's null distribution is summed (see
#: :func:`_fisher_two_sided`); the mass beyond it is below 1e-40.
_FISHER_WINDOW = 64
_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------





@dataclass(frozen=True, eq=False)
class LabelsetStats:
    """Powerset structure: the distinct label combinations (labelsets) and their counts.

    Labelsets are ordered by decreasing count, ties by first occurrence in the data. The
    empty labelset (a sample with no label) is a labelset like any other, as in mldr.
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

    def labelset(self, k: int) -> tuple[str, ...]:
        """Return the label names of the ``k``-th most frequent labelset."""
        members = self.label_indices[self.label_indptr[k] : self.label_indptr[k + 1]]
        return tuple(self.label_names[j] for j in members)

    def to_dict(self, *, max_labelsets: int = LABELSET_TABLE_LIMIT) -> dict:
        """Return a JSON-safe dict; the frequency table lists at most ``max_labelsets`` rows.

        ``table`` holds the most frequent labelsets (``labels``, ``count``, ``share``);
        ``n_labelsets_not_listed`` and ``share_not_listed`` say what was cut.
        """
        listed = min(self.n_labelsets, max_labelsets)
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
            "share_not_listed": json_safe(float(self.shares[listed:].sum())),
        }


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


@dataclass(frozen=True)
class LabelPair:
    """One pair of labels with its co-occurrence, effect sizes and dependence test."""

    label_a: str
    label_b: str
    index_a: int
    index_b: int
    count: int  # samples carrying both
    expected: float  # count expected under independence: n_a * n_b / n
    p_b_given_a: float
    p_a_given_b: float
    lift: float  # count / expected
    phi: float  # phi coefficient (Pearson correlation of the two 0/1 columns)
    p_value: float
    q_value: float  # Benjamini-Hochberg adjusted p-value
    test: str  # "chi2" or "fisher"

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


@dataclass(frozen=True, eq=False)
class CooccurrenceStats:
    """Pairwise co-occurrence and dependence of the labels.

    The full L x L matrices are kept only when ``matrices_included`` (L <= the limit);
    otherwise they are ``None`` and only ``top_pairs`` describes the strongest pairs.
    """

    n_pairs: int  # L (L - 1) / 2
    n_tested_pairs: int  # pairs where neither label is constant
    n_chi2_tests: int
    n_fisher_tests: int
    n_dependent_pairs: int  # BH-adjusted p-value <= alpha
    n_positive_dependent_pairs: int  # dependent with phi > 0 (co-occur more than chance)
    n_negative_dependent_pairs: int
    alpha: float
    matrices_included: bool
    matrix_label_limit: int
    counts: np.ndarray | None  # (L, L) int64; the diagonal holds the label counts
    conditional: np.ndarray | None  # (L, L) P(column label | row label)
    lift: np.ndarray | None  # (L, L) observed / expected; diagonal NaN
    phi: np.ndarray | None  # (L, L); diagonal NaN
    p_values: np.ndarray | None  # (L, L); diagonal and untestable pairs NaN
    q_values: np.ndarray | None  # (L, L) Benjamini-Hochberg adjusted
    top_pairs: tuple[LabelPair, ...]  # dependent pairs, strongest |phi| first, at most max_pairs

    def to_dict(self) -> dict:
        """Return a JSON-safe dict (matrices are ``None`` above the label limit)."""
        return fields_dict(self)


@dataclass(frozen=True)
class HeadSize:
    """Size of one output layer on top of a penultimate layer of width d."""

    n_outputs: int
    n_params: int  # d * n_outputs + n_outputs, exact
    float32_bytes: int  # 4 * n_params, exact
    float32_bytes_human: str  # e.g. "1.2 TiB"; scientific notation beyond YiB
    log10_params: float
    samples_per_param: float  # n_samples / n_params (0.0 once it underflows)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields (exact integers stay integers)."""
        return fields_dict(self)


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


@dataclass(frozen=True, eq=False)
class ClassSizeHistogram:
    """How many classes of one formulation learn from each number of samples.

    Built from every labelset (not the capped frequency table), so the report's
    "samples per class" chart shows the whole long tail.
    """

    formulation: str  # "sigmoid", "powerset" or "pruned-powerset"
    min_count: int | None  # Read's p for the pruned powerset, None otherwise
    samples: np.ndarray  # (m,) int64 distinct positive samples-per-class values, increasing
    n_classes: np.ndarray  # (m,) int64 classes that learn from exactly that many samples
    n_empty_classes: int  # classes with no sample at all (labels never positive)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


def _class_size_histogram(
    formulation: str, counts: np.ndarray, min_count: int | None = None
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


@dataclass(frozen=True, eq=False)
class LabelProfile:
    """Result of :func:`profile`: label statistics of one dataset.

    ``to_dict()`` nests the groups under their field names: ``labelsets``, ``unseen``,
    ``pruning``, ``rakel``, ``imbalance``, ``cooccurrence``, ``heads``,
    ``samples_per_class``; the basics are top-level keys.
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
    options: dict  # JSON-safe options that produced this result
    notes: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0  # wall time of the profile

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
        }


# --------------------------------------------------------------------------------------
# Small public helpers
# --------------------------------------------------------------------------------------


def human_bytes(n_bytes: int) -> str:
    """Format a byte count with binary units, in scientific notation beyond YiB.

    Parameters
    ----------
    n_bytes : int
        Non-negative exact byte count (may be far larger than a double can hold).

    Returns
    -------
    str

    Examples
    --------
    >>> human_bytes(512), human_bytes(1536), human_bytes(4 * 2**40 + 2**39)
    ('512 B', '1.5 KiB', '4.5 TiB')
    >>> human_bytes(2**1000)
    '1.1e+301 bytes'
    """
    n_bytes = int(n_bytes)
    if n_bytes < 1024:
        return f"{n_bytes} B"
    exponent = min((n_bytes.bit_length() - 1) // 10, len(_BYTE_UNITS) - 1)
    if n_bytes >= 1024 ** len(_BYTE_UNITS):
        return f"{Decimal(n_bytes):.1e} bytes"
    value = n_bytes / 1024**exponent
    if value >= 1023.95 and exponent < len(_BYTE_UNITS) - 1:
        exponent, value = exponent + 1, value / 1024
    return f"{value:.1f} {_BYTE_UNITS[exponent]}"


# --------------------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------------------


def _some_labels(label_names: Sequence[str], columns: np.ndarray, shown: int = 5) -> str:
    """``"label 'a' is"`` or ``"7 labels ('a', 'b', ... and 2 more) are"`` for a note.

    >>> _some_labels(["a", "b", "c"], np.array([0, 2]), shown=1)
    "2 labels ('a' and 1 more) are"
    """
    if len(columns) == 1:
        return f"label {label_names[columns[0]]!r} is"
    names = ", ".join(repr(label_names[j]) for j in columns[:shown])
    more = f" and {len(columns) - shown:,} more" if len(columns) > shown else ""
    return f"{len(columns):,} labels ({names}{more}) are"


def profile(
    dataset: MultilabelDataset,
    *,
    hidden: int | None = None,
    tail_thresholds: Sequence[int] = (2, 5, 10, 30),
    prune_counts: Sequence[int] = (2, 5, 10),
    rakel_k: Sequence[int] = (2, 3, 4),
    rakel_max_subsets: int = 2000,
    max_pairs: int = 50,
    alpha: float = 0.05,
    random_state: int | None = 0,
) -> LabelProfile:
    """Measure the label space of a multilabel dataset.

    Parameters
    ----------
    dataset : MultilabelDataset
        The data; only ``Y`` and the names and sizes are used. ``Y`` may also be a scipy
        sparse 0/1 matrix.
    hidden : int or None, default=None
        Width ``d`` of the penultimate layer used to size the output layers. ``None`` means
        the number of input features.
    tail_thresholds : sequence of int, default=(2, 5, 10, 30)
        For each k, the share of samples whose labelset occurs fewer than k times.
    prune_counts : sequence of int, default=(2, 5, 10)
        Minimum counts p of Read's pruned sets: labelsets with count >= p survive.
    rakel_k : sequence of int in [1, 30], default=(2, 3, 4)
        Sizes of RAkEL's k-labelsets; sizes larger than L are skipped with a note.
    rakel_max_subsets : int, default=2000
        All C(L, k) subsets are evaluated up to this many; above it this many distinct
        subsets are drawn at random with ``random_state``.
    max_pairs : int, default=50
        How many significantly dependent label pairs (strongest ``|phi|`` first) the result
        lists.
    alpha : float, default=0.05
        False discovery rate of the Benjamini-Hochberg correction over all label pairs.
    random_state : int or None, default=0
        Seed of the RAkEL subset sample.

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
    owner = "profile"
    dataset = require_dataset(dataset, owner)
    hidden = _check_optional_int(hidden, "hidden", owner, minimum=1)
    tail_thresholds = _check_int_tuple(tail_thresholds, "tail_thresholds", owner, minimum=1)
    prune_counts = _check_int_tuple(prune_counts, "prune_counts", owner, minimum=1)
    rakel_k = _check_int_tuple(rakel_k, "rakel_k", owner, minimum=1, maximum=RAKEL_MAX_K)
    rakel_max_subsets = _check_int(rakel_max_subsets, "rakel_max_subsets", owner, minimum=1)
    max_pairs = _check_int(max_pairs, "max_pairs", owner, minimum=0)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise invalid_parameter("alpha", owner, "a float in (0, 1)", alpha)
    alpha = float(alpha)
    if random_state is not None:
        random_state = _check_int(random_state, "random_state", owner, minimum=0)

    name = dataset.name
    Y = dataset.Y
    if Y.ndim != 2:
        raise DatasetError(f"{name}: the label matrix must be 2-D; got shape {Y.shape}.")
    n_samples, n_labels = (int(s) for s in Y.shape)
    if n_labels < 2:
        raise DatasetError(
            f"{name}: found {n_labels} label(s); a multilabel problem needs at least 2 "
            "(with one label, train a single binary classifier)."
        )
    if n_samples == 0:
        raise DatasetError(f"{name}: the dataset has no rows; there is nothing to profile.")
    label_names = tuple(dataset.label_names)
    if len(label_names) != n_labels:
        raise DatasetError(f"{name}: {len(label_names)} label names for {n_labels} label columns.")
    d = dataset.n_features if hidden is None else hidden
    notes: list[str] = []

    def note(message: str, *, warn: bool) -> None:
        notes.append(message)
        if warn:
            warnings.warn(message, FeasibilityWarning, stacklevel=3)

    Ys = _label_csr(Y, name)
    indptr = Ys.indptr.astype(np.int64)
    row_sizes = np.diff(indptr)

    # Basics.
    label_counts = np.bincount(Ys.indices, minlength=n_labels).astype(np.int64)
    label_frequencies = label_counts / n_samples
    cardinality = float(row_sizes.sum()) / n_samples  # mldr: mean(.labelcount)
    density = cardinality / n_labels
    n_without = int(np.count_nonzero(row_sizes == 0))
    # One note per kind, not per label: a dataset can have thousands of constant labels.
    never = np.flatnonzero(label_counts == 0)
    if never.size:
        note(
            f"{_some_labels(label_names, never)} never positive in {name}; a model cannot "
            f"learn {'it' if never.size == 1 else 'them'} from this data (IRLbl set to 0, as "
            "mldr does).",
            warn=True,
        )
    always = np.flatnonzero(label_counts == n_samples)
    if always.size:
        note(
            f"{_some_labels(label_names, always)} positive in every sample of {name}; "
            f"{'it carries' if always.size == 1 else 'they carry'} no information (predict "
            f"{'it' if always.size == 1 else 'them'} as a constant).",
            warn=True,
        )

    # Powerset structure.
    ls = _labelsets(Ys)
    counts = ls.counts
    n_labelsets = int(counts.size)
    n_possible = 1 << n_labels
    shares = counts / n_samples
    tails = np.array([counts[counts < k].sum() / n_samples for k in tail_thresholds])
    tail_sets = np.array([np.count_nonzero(counts < k) for k in tail_thresholds], dtype=np.int64)
    members = Ys[ls.representatives]
    labelsets = LabelsetStats(
        n_labelsets=n_labelsets,
        n_single_labelsets=int(np.count_nonzero(counts == 1)),
        max_labelset_frequency=int(counts[0]),
        n_possible_labelsets=n_possible,
        max_possible_labelsets=min(n_possible, n_samples),
        powerset_coverage=math.ldexp(float(n_labelsets), -n_labels),
        log2_powerset_coverage=math.log2(n_labelsets) - n_labels,
        counts=counts,
        shares=shares,
        label_indptr=members.indptr.astype(np.int64),
        label_indices=members.indices.astype(np.int64),
        label_names=label_names,
        tail_thresholds=tail_thresholds,
        tail_shares=tails,
        tail_labelsets=tail_sets,
    )

    unseen = _unseen(counts, n_samples)
    pruning = tuple(
        PruneLevel(
            min_count=p,
            n_labelsets=int(np.count_nonzero(counts >= p)),
            share_of_samples=float(counts[counts >= p].sum() / n_samples),
            n_params=_head_params(d, int(np.count_nonzero(counts >= p))),
        )
        for p in prune_counts
    )

    rng = np.random.default_rng(random_state)
    rakel = []
    for k in rakel_k:
        if k > n_labels:
            note(f"RAkEL k={k} skipped: it exceeds the {n_labels} labels.", warn=False)
            continue
        rakel.append(_k_labelsets(members, n_samples, k, rakel_max_subsets, rng))

    imbalance = _imbalance(Ys, label_counts, row_sizes, n_samples)
    # TCS (Charte et al. 2019), as computed by mldr: log(num.inputs * num.labels * num.labelsets)
    tcs = math.log(dataset.n_inputs * n_labels * n_labelsets) if dataset.n_inputs > 0 else math.nan
    cooccurrence = _cooccurrence(Ys, label_counts, label_names, n_samples, alpha, max_pairs)
    heads = HeadSizes(
        hidden=int(d),
        sigmoid=_head(d, n_labels, n_samples),
        powerset=_head(d, n_labelsets, n_samples),
        full_powerset=_head(d, n_possible, n_samples),
    )
    samples_per_class = SamplesPerClass(
        labelset_min=int(counts.min()),
        labelset_p10=float(np.percentile(counts, 10)),
        labelset_median=float(np.median(counts)),
        label_min=int(label_counts.min()),
        label_median=float(np.median(label_counts)),
        histograms=(
            _class_size_histogram("sigmoid", label_counts),
            _class_size_histogram("powerset", counts),
            *(_class_size_histogram("pruned-powerset", counts, p) for p in prune_counts),
        ),
    )
    options = {
        "hidden": hidden,
        "tail_thresholds": list(tail_thresholds),
        "prune_counts": list(prune_counts),
        "rakel_k": list(rakel_k),
        "rakel_max_subsets": rakel_max_subsets,
        "max_pairs": max_pairs,
        "alpha": alpha,
        "random_state": random_state,
    }
    return LabelProfile(
        dataset_name=name,
        n_samples=n_samples,
        n_labels=n_labels,
        n_features=int(dataset.n_features),
        n_inputs=int(dataset.n_inputs),
        label_names=label_names,
        label_counts=label_counts,
        label_frequencies=label_frequencies,
        cardinality=cardinality,
        density=density,
        n_samples_without_labels=n_without,
        share_without_labels=n_without / n_samples,
        tcs=tcs,
        labelsets=labelsets,
        unseen=unseen,
        pruning=pruning,
        rakel=tuple(rakel),
        imbalance=imbalance,
        cooccurrence=cooccurrence,
        heads=heads,
        samples_per_class=samples_per_class,
        options=options,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )


# --------------------------------------------------------------------------------------
# Option checks
# --------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_int(value, name: str, owner: str, *, minimum: int) -> int:
    if not _is_int(value) or value < minimum:
        raise invalid_parameter(name, owner, f"an int >= {minimum}", value)
    return int(value)


def _check_optional_int(value, name: str, owner: str, *, minimum: int) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or value < minimum:
        raise invalid_parameter(name, owner, f"None or an int >= {minimum}", value)
    return int(value)


def _check_int_tuple(
    values, name: str, owner: str, *, minimum: int, maximum: int | None = None
) -> tuple[int, ...]:
    expected = (
        f"a non-empty sequence of distinct ints >= {minimum}"
        if maximum is None
        else f"a non-empty sequence of distinct ints in [{minimum}, {maximum}]"
    )
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise invalid_parameter(name, owner, expected, values)
    items = list(values)
    upper = math.inf if maximum is None else maximum
    if (
        not items
        or not all(_is_int(v) and minimum <= v <= upper for v in items)
        or len(set(items)) != len(items)
    ):
        raise invalid_parameter(name, owner, expected, values)
    return tuple(sorted(int(v) for v in items))


# --------------------------------------------------------------------------------------
# Label matrix and labelsets
# --------------------------------------------------------------------------------------


def _label_csr(Y, name: str) -> sp.csr_matrix:
    """Return the label matrix as CSR with int64 ones, sorted indices, checked to be 0/1.

    A dense ``Y`` is converted in row blocks so that no temporary is as large as ``Y``.
    """
    n_samples, n_labels = Y.shape
    if sp.issparse(Y):
        csr = sp.csr_matrix(Y, copy=True)
        csr.sum_duplicates()
        csr.eliminate_zeros()
        if csr.nnz and not np.all(csr.data == 1):
            raise DatasetError(f"{name}: the label matrix must hold only 0 and 1.")
        csr.sort_indices()
        return sp.csr_matrix(
            (np.ones(csr.nnz, dtype=np.int64), csr.indices.astype(np.int32), csr.indptr),
            shape=(n_samples, n_labels),
        )
    Y = np.asarray(Y)
    block = max(1, (1 << 24) // max(n_labels, 1))
    indices_parts = []
    row_sizes = np.empty(n_samples, dtype=np.int64)
    bytewise = Y.dtype.itemsize == 1 and Y.dtype.kind in "ub" and Y.flags.c_contiguous
    for start in range(0, n_samples, block):
        chunk = Y[start : start + block]
        if bytewise:
            rows, cols = _nonzero_bytes(chunk)
        else:
            rows, cols = np.nonzero(chunk)
        if chunk.dtype != np.bool_ and rows.size:
            values = chunk[rows, cols]
            if values.max() > 1 or values.min() < 0:
                bad = int(np.flatnonzero((values > 1) | (values < 0))[0])
                raise DatasetError(
                    f"{name}: the label matrix must hold only 0 and 1; row {start + rows[bad]}, "
                    f"label column {cols[bad]} holds {values[bad]}."
                )
        row_sizes[start : start + len(chunk)] = np.bincount(rows, minlength=len(chunk))
        indices_parts.append(cols.astype(np.int32))
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    np.cumsum(row_sizes, out=indptr[1:])
    indices = np.concatenate(indices_parts) if indices_parts else np.zeros(0, np.int32)
    return sp.csr_matrix(
        (np.ones(indices.size, dtype=np.int64), indices, indptr), shape=(n_samples, n_labels)
    )


def _nonzero_bytes(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a C-contiguous one-byte matrix, scanning 8 bytes at a time.

    Label matrices are mostly zeros, so finding the non-zero 64-bit words first and
    looking inside those only is several times faster than a byte-by-byte scan.
    """
    n_cols = chunk.shape[1]
    flat = chunk.reshape(-1).view(np.uint8)
    n_words = flat.size // 8
    words = flat[: n_words * 8].view(np.uint64)
    word_at = np.flatnonzero(words)
    inner_row, inner_byte = np.nonzero(flat[: n_words * 8].reshape(n_words, 8)[word_at])
    position = word_at[inner_row] * 8 + inner_byte
    tail = np.flatnonzero(flat[n_words * 8 :]) + n_words * 8
    position = np.concatenate([position, tail])
    return position // n_cols, position % n_cols


@dataclass(frozen=True, eq=False)
class _Labelsets:
    counts: np.ndarray  # (K,) decreasing
    representatives: np.ndarray  # (K,) first row carrying each labelset
    sample_labelset: np.ndarray  # (n,) index into counts of each sample's labelset


def _labelsets(Ys: sp.csr_matrix) -> _Labelsets:
    """Find the distinct rows of a CSR 0/1 matrix without building anything of size 2^L.

    Each row is hashed to the wrapping sum of one random 64-bit key per active label (a
    set hash), rows are grouped by hash, and every row is then compared exactly with the
    first row of its group; on a collision (probability ~K^2 / 2^64) the keys are redrawn.
    """
    n_samples, n_labels = Ys.shape
    indptr = Ys.indptr.astype(np.int64)
    indices = Ys.indices
    row_sizes = np.diff(indptr)
    row_of_entry = np.repeat(np.arange(n_samples, dtype=np.int64), row_sizes)
    offset_in_row = np.arange(indices.size, dtype=np.int64) - indptr[row_of_entry]
    for seed in range(64):
        keys = np.frombuffer(np.random.default_rng(seed).bytes(8 * n_labels), dtype=np.uint64)
        cumulative = np.zeros(indices.size + 1, dtype=np.uint64)
        np.cumsum(keys[indices], out=cumulative[1:])  # wraps modulo 2^64 by design
        hashes = cumulative[indptr[1:]] - cumulative[indptr[:-1]]
        _, first, inverse, counts = np.unique(
            hashes, return_index=True, return_inverse=True, return_counts=True
        )
        representative = first[inverse]
        same = np.array_equal(row_sizes, row_sizes[representative]) and np.array_equal(
            indices, indices[indptr[representative[row_of_entry]] + offset_in_row]
        )
        if same:
            break
    else:  # pragma: no cover - needs 64 independent 64-bit collisions
        raise RuntimeError("could not separate the labelsets after 64 hash seeds")
    order = np.lexsort((first, -counts))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return _Labelsets(
        counts=counts[order].astype(np.int64),
        representatives=first[order].astype(np.int64),
        sample_labelset=rank[inverse].astype(np.int64),
    )


# --------------------------------------------------------------------------------------
# Unseen labelsets, RAkEL, heads
# --------------------------------------------------------------------------------------


def _unseen(counts: np.ndarray, n_samples: int) -> UnseenStats:
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


def _subsets(n_labels: int, k: int, cap: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """All k-subsets of range(n_labels) if there are at most ``cap``, else ``cap`` random ones."""
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


def _k_labelsets(
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
        distinct = _distinct_projections_dense(members.toarray().astype(np.uint8), subsets)
    else:
        distinct = _distinct_projections_sparse(members.tocsc(), subsets)
    return KLabelsetStats(
        k=k,
        n_subsets_total=math.comb(n_labels, k),
        n_subsets_evaluated=len(subsets),
        sampled=sampled,
        mean_distinct_labelsets=float(distinct.mean()),
        max_distinct_labelsets=int(distinct.max()),
        mean_samples_per_labelset=float((n_samples / distinct).mean()),
    )


def _distinct_projections_dense(U: np.ndarray, subsets: np.ndarray) -> np.ndarray:
    """Number of distinct rows of ``U[:, s]`` for each subset s (dense U, K x L, k <= 6).

    Each row's combination c on s sets bit c of a 64-bit word; OR-ing the words over the
    rows and counting the set bits gives the number of distinct combinations in one pass,
    without sorting.
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


def _distinct_projections_sparse(Uc: sp.csc_matrix, subsets: np.ndarray) -> np.ndarray:
    """Number of distinct rows of ``U[:, s]`` for each subset s (U as CSC, K x L).

    Only rows with a label in s are touched: their codes are assembled from the column
    lists, and the all-zero combination is present when some row touches none of s.
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
        block = subsets[start:stop]
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
        out[start:stop] = nonzero_distinct + (n_touched < n_rows)
        start = stop
    return out


def _head_params(d: int, n_outputs: int) -> int:
    # Dense output layer: a weight per (input, output) plus a bias per output.
    return int(d) * int(n_outputs) + int(n_outputs)


def _head(d: int, n_outputs: int, n_samples: int) -> HeadSize:
    params = _head_params(d, n_outputs)
    return HeadSize(
        n_outputs=int(n_outputs),
        n_params=params,
        float32_bytes=4 * params,
        float32_bytes_human=human_bytes(4 * params),
        log10_params=math.log10(params) if params > 0 else -math.inf,
        samples_per_param=float(Fraction(n_samples, params)) if params > 0 else math.inf,
    )


# --------------------------------------------------------------------------------------
# Imbalance
# --------------------------------------------------------------------------------------


def _imbalance(
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

    # SCUMBLE (Charte et al. 2019), as computed by mldr:
    # 1 - (prod IRLbl)^(1/|Y_i|) / mean IRLbl over the sample's labels, 0 for no label.
    # mldr multiplies the IRLbls directly; doing the same keeps single-label samples at
    # exactly 0 (exp(log x) != x in floating point), which matters when scumble is ~1e-7.
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


# --------------------------------------------------------------------------------------
# Co-occurrence and dependence
# --------------------------------------------------------------------------------------


def _fisher_two_sided(
    table_a: np.ndarray, row_a: np.ndarray, col_a: np.ndarray, n: int
) -> np.ndarray:
    """Two-sided Fisher exact p-values of many 2x2 tables, vectorised.

    Table t has both-positive cell ``table_a[t]`` and margins ``row_a[t]``, ``col_a[t]``
    out of ``n``. The p-value is the null probability of all tables as or less probable
    than the observed one (relative tolerance 1e-7, as R's fisher.test), which is
    scipy.stats.fisher_exact's definition.

    The 2x2 table is re-expressed through its cell with the smallest expected count
    (margins ``R, C <= n / 2``, so the support starts at 0); this is only called when that
    expectation is below 5, so the null pmf is summed exactly over the window
    ``0 .. 63`` built by the ratio recurrence
    ``p(x+1) / p(x) = (R - x)(C - x) / ((x + 1)(n - R - C + x + 1))`` and normalised by its
    sum (the mass beyond the window is below 1e-40). An observed cell beyond the window
    adds its exact upper tail ``P(X >= x)``.
    """
    a = table_a.astype(np.int64)
    r = row_a.astype(np.int64)
    c = col_a.astype(np.int64)
    flip_row = r > n - r
    flip_col = c > n - c
    R = np.where(flip_row, n - r, r)
    C = np.where(flip_col, n - c, c)
    # Cell of the (possibly complemented) row and column.
    x = np.where(
        flip_row,
        np.where(flip_col, n - r - c + a, c - a),
        np.where(flip_col, r - a, a),
    )
    out = np.empty(a.size)
    window = np.arange(_FISHER_WINDOW, dtype=np.float64)
    chunk = 50_000
    for start in range(0, a.size, chunk):
        Rc = R[start : start + chunk, None].astype(np.float64)
        Cc = C[start : start + chunk, None].astype(np.float64)
        xc = x[start : start + chunk]
        upper = np.minimum(Rc, Cc)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (Rc - window) * (Cc - window) / ((window + 1) * (n - Rc - Cc + window + 1))
            log_ratio = np.where(window < upper, np.log(ratio), -np.inf)
        log_pmf = np.zeros((len(xc), _FISHER_WINDOW))
        np.cumsum(log_ratio[:, :-1], axis=1, out=log_pmf[:, 1:])
        pmf = np.exp(log_pmf)
        pmf /= pmf.sum(axis=1, keepdims=True)
        inside = xc < _FISHER_WINDOW
        observed = np.empty(len(xc))
        observed[inside] = pmf[np.flatnonzero(inside), xc[inside]]
        p = np.zeros(len(xc))
        if (~inside).any():
            far = np.flatnonzero(~inside)
            M, Rf, Cf = n, R[start + far], C[start + far]
            observed[far] = stats.hypergeom.pmf(xc[far], M, Rf, Cf)
            p[far] = stats.hypergeom.sf(xc[far] - 1, M, Rf, Cf)
        threshold = observed * (1 + _FISHER_RELATIVE_TOLERANCE)
        p += np.where(pmf <= threshold[:, None], pmf, 0.0).sum(axis=1)
        out[start : start + chunk] = np.minimum(p, 1.0)
    return out


def _cooccurrence(
    Ys: sp.csr_matrix,
    label_counts: np.ndarray,
    label_names: tuple[str, ...],
    n: int,
    alpha: float,
    max_pairs: int,
) -> CooccurrenceStats:
    n_labels = label_counts.size
    counts = (Ys.T @ Ys).toarray().astype(np.int64)
    first, second = np.triu_indices(n_labels, 1)
    both = counts[first, second]
    n_first = label_counts[first]
    n_second = label_counts[second]
    only_first = n_first - both
    only_second = n_second - both
    neither = n - n_first - n_second + both
    margins = (
        n_first.astype(np.float64) * (n - n_first) * n_second.astype(np.float64) * (n - n_second)
    )
    testable = margins > 0
    cross = (both * neither - only_first * only_second).astype(np.float64)  # ad - bc
    expected = n_first * n_second / n
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(testable, cross / np.sqrt(margins), np.nan)
        lift = np.where(expected > 0, both / expected, np.nan)
    min_expected = np.minimum(n_first, n - n_first) * np.minimum(n_second, n - n_second) / n
    use_fisher = testable & (min_expected < FISHER_MIN_EXPECTED)
    use_chi2 = testable & ~use_fisher
    p_values = np.full(both.size, np.nan)
    # Pearson chi-square of a 2x2 table, no continuity correction: n (ad - bc)^2 / margins
    chi2 = n * cross[use_chi2] ** 2 / margins[use_chi2]
    p_values[use_chi2] = special.chdtrc(1, chi2)
    if use_fisher.any():
        p_values[use_fisher] = _fisher_two_sided(
            both[use_fisher], n_first[use_fisher], n_second[use_fisher], n
        )
    q_values = np.full(both.size, np.nan)
    dependent = np.zeros(both.size, dtype=bool)
    if testable.any():
        # Benjamini-Hochberg over every testable pair (statsmodels fdr_bh).
        reject, adjusted, _, _ = multipletests(p_values[testable], alpha=alpha, method="fdr_bh")
        q_values[testable] = adjusted
        dependent[testable] = reject
    strongest = np.flatnonzero(dependent)
    strongest = strongest[np.lexsort((strongest, -np.abs(phi[strongest])))][:max_pairs]
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = counts / label_counts[:, None].astype(np.float64)
    conditional[label_counts == 0, :] = np.nan
    top_pairs = tuple(
        LabelPair(
            label_a=label_names[first[t]],
            label_b=label_names[second[t]],
            index_a=int(first[t]),
            index_b=int(second[t]),
            count=int(both[t]),
            expected=float(expected[t]),
            p_b_given_a=float(conditional[first[t], second[t]]),
            p_a_given_b=float(conditional[second[t], first[t]]),
            lift=float(lift[t]),
            phi=float(phi[t]),
            p_value=float(p_values[t]),
            q_value=float(q_values[t]),
            test="fisher" if use_fisher[t] else "chi2",
        )
        for t in strongest
    )
    include = n_labels <= FULL_MATRIX_MAX_LABELS

    def square(values: np.ndarray) -> np.ndarray:
        matrix = np.full((n_labels, n_labels), np.nan)
        matrix[first, second] = values
        matrix[second, first] = values
        return matrix

    return CooccurrenceStats(
        n_pairs=int(both.size),
        n_tested_pairs=int(testable.sum()),
        n_chi2_tests=int(use_chi2.sum()),
        n_fisher_tests=int(use_fisher.sum()),
        n_dependent_pairs=int(dependent.sum()),
        n_positive_dependent_pairs=int((dependent & (phi > 0)).sum()),
        n_negative_dependent_pairs=int((dependent & (phi < 0)).sum()),
        alpha=alpha,
        matrices_included=include,
        matrix_label_limit=FULL_MATRIX_MAX_LABELS,
        counts=counts if include else None,
        conditional=conditional if include else None,
        lift=square(lift) if include else None,
        phi=square(phi) if include else None,
        p_values=square(p_values) if include else None,
        q_values=square(q_values) if include else None,
        top_pairs=top_pairs,
    )
