"""Pairwise co-occurrence of the labels and its dependence tests (chi-square / Fisher, BH)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp
from scipy import special

from .._json import fields_dict
from ._restore import restore

__all__ = [
    "FISHER_MIN_EXPECTED",
    "FULL_MATRIX_MAX_LABELS",
    "CooccurrenceStats",
    "LabelPair",
    "PairTest",
    "cooccurrence",
    "fisher_two_sided_p_values",
]

#: Full L x L co-occurrence matrices are kept in the result only up to this many labels;
#: above it the result keeps the strongest pairs only (a million cells is not a report).
FULL_MATRIX_MAX_LABELS = 60
#: Fisher's exact test replaces the chi-square test when any expected cell count is below this.
FISHER_MIN_EXPECTED = 5.0
#: Relative tolerance for "as or less probable than the observed table" in Fisher's test
#: (the value R's ``fisher.test`` uses).
_FISHER_RELATIVE_TOLERANCE = 1e-7
#: Width of the support window over which Fisher's null distribution is summed (see
#: :func:`fisher_two_sided_p_values`); the mass beyond it is below 1e-40.
_FISHER_WINDOW = 64
_MATRICES = ("counts", "conditional", "lift", "phi", "p_values", "q_values")


class PairTest(StrEnum):
    """The dependence test of a label pair."""

    CHI2 = "chi2"  # Pearson's chi-square, no continuity correction
    FISHER = "fisher"  # Fisher's exact test, two-sided (some expected count below 5)


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
    test: PairTest

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LabelPair:
        """Rebuild from :meth:`to_dict`."""
        return restore(cls, data, test=PairTest(data["test"]))


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

    @classmethod
    def from_dict(cls, data: dict) -> CooccurrenceStats:
        """Rebuild from :meth:`to_dict`."""
        matrices = {
            name: None
            if data[name] is None
            else np.array(data[name], np.int64 if name == "counts" else np.float64)
            for name in _MATRICES
        }
        pairs = tuple(LabelPair.from_dict(pair) for pair in data["top_pairs"])
        return restore(cls, data, top_pairs=pairs, **matrices)


def fisher_two_sided_p_values(
    table_a: np.ndarray, row_a: np.ndarray, col_a: np.ndarray, n: int
) -> np.ndarray:
    """Two-sided Fisher exact p-values of many 2x2 tables, vectorised.

    The p-value is the null probability of all tables as or less probable than the
    observed one (relative tolerance 1e-7, as R's fisher.test), which is
    scipy.stats.fisher_exact's definition.

    The 2x2 table is re-expressed through its cell with the smallest expected count
    (margins ``R, C <= n / 2``, so the support starts at 0); the profile calls this only
    when that expectation is below :data:`FISHER_MIN_EXPECTED` (5), so the null pmf is
    summed exactly over the window ``0 .. 63`` built by the ratio recurrence
    ``p(x+1) / p(x) = (R - x)(C - x) / ((x + 1)(n - R - C + x + 1))`` and normalised by its
    sum (the mass beyond the window is below 1e-40). An observed cell beyond the window
    adds its exact upper tail ``P(X >= x)``.

    Parameters
    ----------
    table_a : ndarray of shape (n_tables,)
        Both-positive cell of each table (samples carrying both labels).
    row_a, col_a : ndarray of shape (n_tables,)
        The tables' margins: samples carrying the first label, and the second.
    n : int
        Samples in every table.

    Returns
    -------
    ndarray of shape (n_tables,)
        The p-values, each at most 1.

    Examples
    --------
    The table ``[[3, 1], [2, 14]]``: 3 of 20 samples carry both labels, 4 the first, 5
    the second.

    >>> from scipy.stats import fisher_exact
    >>> p_values = fisher_two_sided_p_values(np.array([3]), np.array([4]), np.array([5]), 20)
    >>> p_values.round(4)
    array([0.032])
    >>> bool(np.isclose(p_values[0], fisher_exact([[3, 1], [2, 14]]).pvalue))
    True
    """
    a = table_a.astype(np.int64)
    r = row_a.astype(np.int64)
    c = col_a.astype(np.int64)
    flip_row = r > n - r
    flip_col = c > n - c
    R = np.where(flip_row, n - r, r)
    C = np.where(flip_col, n - c, c)
    # Cell of the (possibly complemented) row and column.
    x = np.where(flip_row, np.where(flip_col, n - r - c + a, c - a), np.where(flip_col, r - a, a))
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
            from scipy import stats  # loaded when needed: a second to import

            observed[far] = stats.hypergeom.pmf(xc[far], M, Rf, Cf)
            p[far] = stats.hypergeom.sf(xc[far] - 1, M, Rf, Cf)
        threshold = observed * (1 + _FISHER_RELATIVE_TOLERANCE)
        p += np.where(pmf <= threshold[:, None], pmf, 0.0).sum(axis=1)
        out[start : start + chunk] = np.minimum(p, 1.0)
    return out


@dataclass(frozen=True, eq=False)
class _PairTable:
    """Every label pair i < j (upper triangle, row-major), with its 2x2 table and tests."""

    first: np.ndarray  # (P,) label i
    second: np.ndarray  # (P,) label j
    both: np.ndarray  # (P,) samples carrying both
    expected: np.ndarray  # (P,) n_i n_j / n
    lift: np.ndarray
    phi: np.ndarray
    testable: np.ndarray  # neither label constant
    use_fisher: np.ndarray
    use_chi2: np.ndarray
    p_values: np.ndarray
    q_values: np.ndarray
    dependent: np.ndarray  # BH rejects at alpha


def _pair_table(counts: np.ndarray, label_counts: np.ndarray, n: int, alpha: float) -> _PairTable:
    """Effect sizes, chi-square or Fisher p-values and BH q-values of every pair."""
    first, second = np.triu_indices(label_counts.size, 1)
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
        p_values[use_fisher] = fisher_two_sided_p_values(
            both[use_fisher], n_first[use_fisher], n_second[use_fisher], n
        )
    q_values = np.full(both.size, np.nan)
    dependent = np.zeros(both.size, dtype=bool)
    if testable.any():
        # Benjamini-Hochberg over every testable pair (statsmodels fdr_bh).
        from statsmodels.stats.multitest import multipletests  # a second to import

        reject, adjusted, _, _ = multipletests(p_values[testable], alpha=alpha, method="fdr_bh")
        q_values[testable] = adjusted
        dependent[testable] = reject
    return _PairTable(
        first=first,
        second=second,
        both=both,
        expected=expected,
        lift=lift,
        phi=phi,
        testable=testable,
        use_fisher=use_fisher,
        use_chi2=use_chi2,
        p_values=p_values,
        q_values=q_values,
        dependent=dependent,
    )


def _top_pairs(
    pairs: _PairTable, conditional: np.ndarray, label_names: tuple[str, ...], max_pairs: int
) -> tuple[LabelPair, ...]:
    """The dependent pairs, strongest ``|phi|`` first (ties by position), at most max_pairs."""
    strongest = np.flatnonzero(pairs.dependent)
    strongest = strongest[np.lexsort((strongest, -np.abs(pairs.phi[strongest])))][:max_pairs]
    return tuple(
        LabelPair(
            label_a=label_names[pairs.first[t]],
            label_b=label_names[pairs.second[t]],
            index_a=int(pairs.first[t]),
            index_b=int(pairs.second[t]),
            count=int(pairs.both[t]),
            expected=float(pairs.expected[t]),
            p_b_given_a=float(conditional[pairs.first[t], pairs.second[t]]),
            p_a_given_b=float(conditional[pairs.second[t], pairs.first[t]]),
            lift=float(pairs.lift[t]),
            phi=float(pairs.phi[t]),
            p_value=float(pairs.p_values[t]),
            q_value=float(pairs.q_values[t]),
            test=PairTest.FISHER if pairs.use_fisher[t] else PairTest.CHI2,
        )
        for t in strongest
    )


def cooccurrence(
    Ys: sp.csr_matrix,
    label_counts: np.ndarray,
    label_names: tuple[str, ...],
    n: int,
    alpha: float,
    max_pairs: int,
) -> CooccurrenceStats:
    """Co-occurrence counts (``Y^T Y``), effect sizes and dependence tests of every pair."""
    n_labels = label_counts.size
    counts = (Ys.T @ Ys).toarray().astype(np.int64)
    pairs = _pair_table(counts, label_counts, n, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = counts / label_counts[:, None].astype(np.float64)
    conditional[label_counts == 0, :] = np.nan
    include = n_labels <= FULL_MATRIX_MAX_LABELS

    def square(values: np.ndarray) -> np.ndarray | None:
        if not include:
            return None
        matrix = np.full((n_labels, n_labels), np.nan)
        matrix[pairs.first, pairs.second] = values
        matrix[pairs.second, pairs.first] = values
        return matrix

    dependent, phi = pairs.dependent, pairs.phi
    return CooccurrenceStats(
        n_pairs=int(pairs.both.size),
        n_tested_pairs=int(pairs.testable.sum()),
        n_chi2_tests=int(pairs.use_chi2.sum()),
        n_fisher_tests=int(pairs.use_fisher.sum()),
        n_dependent_pairs=int(dependent.sum()),
        n_positive_dependent_pairs=int((dependent & (phi > 0)).sum()),
        n_negative_dependent_pairs=int((dependent & (phi < 0)).sum()),
        alpha=alpha,
        matrices_included=include,
        matrix_label_limit=FULL_MATRIX_MAX_LABELS,
        counts=counts if include else None,
        conditional=conditional if include else None,
        lift=square(pairs.lift),
        phi=square(phi),
        p_values=square(pairs.p_values),
        q_values=square(pairs.q_values),
        top_pairs=_top_pairs(pairs, conditional, label_names, max_pairs),
    )
