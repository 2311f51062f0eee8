"""When a feature matrix is mostly zeros, store it as scipy CSR (as sparse ARFF files are)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .notes import LoadNote, LoadNoteCode

#: X is stored as CSR when fewer than this share of its values are non-zero. Below about
#: 10% the CSR arrays (a float32 value and an int32 index per non-zero) take less memory
#: than the dense float32 matrix, and the engines then scale without centring (MaxAbs, not
#: Standard scaling), which keeps bag-of-words and indicator features sparse and 0/1-like.
SPARSE_BELOW_DENSITY = 0.10


def maybe_sparse(X: np.ndarray | sp.spmatrix) -> tuple[np.ndarray | sp.csr_matrix, list[LoadNote]]:
    """Return ``X`` as float32 CSR when it is mostly zeros, with a note saying so.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Encoded features without missing values.

    Returns
    -------
    X : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features), float32
        CSR when the share of non-zeros is below :data:`SPARSE_BELOW_DENSITY`, otherwise
        ``X`` unchanged (a sparse input stays sparse).
    notes : list of LoadNote
        One ``stored_sparse`` note with the ``density`` when a dense ``X`` was converted,
        else ``[]``.

    Examples
    --------
    >>> X = np.zeros((100, 10), dtype=np.float32)
    >>> X[::10, 0] = 1.0
    >>> sparse_X, notes = maybe_sparse(X)
    >>> type(sparse_X).__name__, sparse_X.dtype, [note.to_dict() for note in notes]
    ('csr_matrix', dtype('float32'), [{'code': 'stored_sparse', 'density': 0.01}])
    >>> maybe_sparse(np.ones((3, 2)))[1]
    []
    """
    if sp.issparse(X) or X.size == 0:
        return X, []
    density = np.count_nonzero(X) / X.size
    if density >= SPARSE_BELOW_DENSITY:
        return X, []
    note = LoadNote(LoadNoteCode.STORED_SPARSE, {"density": float(density)})
    return sp.csr_matrix(X, dtype=np.float32), [note]
