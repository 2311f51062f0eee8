"""The label matrix as checked 0/1 CSR, and its distinct rows (labelsets) by hashing.

Labelsets are found without building anything of size ``2^L`` and without densifying a
sparse ``Y``: this is what lets the profile handle a million rows and a thousand labels
(see ``benchmarks/bench_profile.py``). :func:`feasibility.labelsets.unique_rows` is the
small dense variant the learning curves use on training parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..dataset import MultilabelDataset
from ..errors import DatasetError

__all__ = ["Labelsets", "distinct_labelsets", "label_matrix", "nonzero_bytes"]


def label_matrix(dataset: MultilabelDataset) -> sp.csr_matrix:
    """Return the dataset's label matrix as checked CSR (see :func:`_label_csr`).

    Raises
    ------
    DatasetError
        If ``Y`` is not 2-D, has fewer than 2 labels or no rows, holds values other than
        0 and 1, or does not match the label names.
    """
    name, Y = dataset.name, dataset.Y
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
    if len(dataset.label_names) != n_labels:
        raise DatasetError(
            f"{name}: {len(dataset.label_names)} label names for {n_labels} label columns."
        )
    return _label_csr(Y, name)


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
            rows, cols = nonzero_bytes(chunk)
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


def nonzero_bytes(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a C-contiguous one-byte matrix, scanning 8 bytes at a time.

    Label matrices are mostly zeros, so finding the non-zero 64-bit words first and
    looking inside those only is several times faster than a byte-by-byte scan.

    Parameters
    ----------
    chunk : ndarray of shape (n_rows, n_cols)
        C-contiguous, of any one-byte dtype (``uint8``, ``bool``).

    Returns
    -------
    rows, cols : ndarray of shape (n_nonzero,)
        Row and column of every non-zero byte in row-major order, as ``np.nonzero``.

    Examples
    --------
    >>> Y = np.array([[0, 1, 0], [0, 0, 0], [1, 0, 1]], dtype=np.uint8)
    >>> rows, cols = nonzero_bytes(Y)
    >>> rows.tolist(), cols.tolist()
    ([0, 2, 2], [1, 0, 2])
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
class Labelsets:
    """The distinct rows of a label matrix, most frequent first."""

    counts: np.ndarray  # (K,) decreasing; ties by first occurrence
    representatives: np.ndarray  # (K,) first row carrying each labelset
    sample_labelset: np.ndarray  # (n,) index into counts of each sample's labelset


def distinct_labelsets(Ys: sp.csr_matrix) -> Labelsets:
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
    return Labelsets(
        counts=counts[order].astype(np.int64),
        representatives=first[order].astype(np.int64),
        sample_labelset=rank[inverse].astype(np.int64),
    )
