"""The dataset model every stage consumes: :class:`MultilabelDataset`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:  # io imports this module
    from .io.notes import LoadNote

FeatureMatrix = np.ndarray | sp.csr_matrix


@dataclass(frozen=True, eq=False)
class MultilabelDataset:
    """A multilabel dataset: features ``X`` and a binary label matrix ``Y``.

    Parameters
    ----------
    X : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features), float32
        Input features after encoding (nominal attributes one-hot encoded, string
        attributes dropped, missing values imputed). CSR when the source is sparse.
    Y : ndarray of shape (n_samples, n_labels), uint8
        0/1 label matrix.
    label_names : tuple of str
        One name per column of ``Y``.
    feature_names : tuple of str
        One name per column of ``X``.
    n_inputs : int
        Number of input attributes in the source before any encoding or dropping
        (mldr's ``num.inputs``).
    name : str
        Short dataset name (file stem or embedded name).
    source : str
        The path or embedded name that was loaded.
    format : str
        Which reader and which convention were detected, e.g. ``"arff/meka -C 6 (dense)"``.
    notes : tuple of LoadNote
        What the reader did that the user should know about (codes and their values;
        ``str(note)`` is the sentence).
    """

    X: FeatureMatrix
    Y: np.ndarray
    label_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    n_inputs: int
    name: str
    source: str
    format: str
    notes: tuple[LoadNote, ...] = field(default_factory=tuple)

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self.Y.shape[0])

    @property
    def n_labels(self) -> int:
        """Number of labels ``L``."""
        return int(self.Y.shape[1])

    @property
    def n_features(self) -> int:
        """Number of feature columns after encoding."""
        return int(self.X.shape[1])

    @property
    def is_sparse(self) -> bool:
        """Whether ``X`` is a scipy sparse matrix."""
        return sp.issparse(self.X)

    def content_hash(self) -> str:
        """Return a SHA-256 hex digest of ``X``, ``Y`` and the names (cache key)."""
        digest = hashlib.sha256()
        if sp.issparse(self.X):
            csr = self.X.tocsr()
            parts = [self.Y, csr.indptr, csr.indices, csr.data]
        else:
            parts = [self.Y, self.X]
        for part in parts:
            # memoryview hashes the buffer without copying it (an empty one has no buffer).
            array = np.ascontiguousarray(part)
            digest.update(memoryview(array).cast("B") if array.size else b"")
        digest.update(repr(self.X.shape).encode())
        digest.update("\x00".join(self.label_names).encode())
        digest.update("\x00".join(self.feature_names).encode())
        return digest.hexdigest()

    def to_dict(self) -> dict:
        """Return the JSON-safe summary (no matrices)."""
        return {
            "name": self.name,
            "source": self.source,
            "format": self.format,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "n_inputs": int(self.n_inputs),
            "n_labels": self.n_labels,
            "label_names": list(self.label_names),
            "sparse": self.is_sparse,
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_arrays(
        cls,
        X,
        Y,
        *,
        label_names=None,
        feature_names=None,
        name: str = "arrays",
        n_inputs: int | None = None,
    ) -> MultilabelDataset:
        """Build a dataset from in-memory arrays or data frames.

        Parameters
        ----------
        X : array-like, scipy sparse matrix or DataFrame of shape (n_samples, n_features)
            Numeric features. Missing (NaN, ``None``, pandas ``NA``, polars null) and
            infinite values are replaced by the column mean, with a note and a warning.
        Y : array-like, scipy sparse matrix or DataFrame of shape (n_samples, n_labels)
            0/1 or bool labels; a sparse Y is made dense.
        label_names, feature_names : sequence of str, optional
            One name per column. Default: a pandas or polars DataFrame's column names,
            else ``label_0, label_1, ...`` and ``x0, x1, ...``. Label names must be unique.
        name : str, default="arrays"
            Dataset name used in messages and reports.
        n_inputs : int, optional
            Input attributes before any encoding (default: the number of columns of X).

        Returns
        -------
        MultilabelDataset

        Raises
        ------
        DatasetError
            When X or Y is not 2-D, ragged or not numeric (the message names the column),
            Y holds missing values or values other than 0/1, or their row counts differ.
        ParameterError
            When a list of names has the wrong length or repeats a label name.

        Examples
        --------
        >>> ds = MultilabelDataset.from_arrays(np.zeros((3, 2)), [[0, 1], [1, 1], [0, 0]])
        >>> ds.n_samples, ds.n_labels, ds.label_names
        (3, 2, ('label_0', 'label_1'))
        """
        from ._arrays import features_from, labels_from
        from .errors import DatasetError, invalid_parameter

        owner = "MultilabelDataset.from_arrays"
        if not isinstance(name, str):
            raise invalid_parameter("name", owner, "a str", name)
        if n_inputs is not None and (
            isinstance(n_inputs, bool) or not isinstance(n_inputs, int | np.integer) or n_inputs < 0
        ):
            raise invalid_parameter("n_inputs", owner, "None or an int >= 0", n_inputs)
        Y, label_names = labels_from(Y, label_names, where=name)
        X, feature_names, notes = features_from(X, feature_names, where=name)
        if X.shape[0] != Y.shape[0]:
            raise DatasetError(
                f"{name}: X has {X.shape[0]} rows but Y has {Y.shape[0]}; they must match."
            )
        return cls(
            X=X,
            Y=Y,
            label_names=label_names,
            feature_names=feature_names,
            n_inputs=int(X.shape[1] if n_inputs is None else n_inputs),
            name=name,
            source=name,
            format="arrays",
            notes=notes,
        )


def require_dataset(value, owner: str) -> MultilabelDataset:
    """Return ``value`` when it is a :class:`MultilabelDataset`; else say how to get one.

    Raises
    ------
    ParameterError
        For anything else, e.g. a dataset name: "profile expects a MultilabelDataset; got
        the string 'emotions'. Load it first: feasibility.load('emotions')."
    """
    from .errors import wrong_input

    if isinstance(value, MultilabelDataset):
        return value
    if isinstance(value, str | os.PathLike):
        hint = f"Load it first: feasibility.load({str(value)!r})."
    elif hasattr(value, "shape") or isinstance(value, tuple | list):
        hint = "Wrap arrays with feasibility.MultilabelDataset.from_arrays(X, Y)."
    else:
        hint = (
            "Load one with feasibility.load(path_or_name) or build one with "
            "feasibility.MultilabelDataset.from_arrays(X, Y)."
        )
    raise wrong_input(owner, "a MultilabelDataset", value, hint=hint)
