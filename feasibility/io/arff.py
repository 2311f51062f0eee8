"""ARFF reader for MEKA and MULAN multilabel files, dense or sparse.

Two paths parse the ``@data`` section into one "raw" matrix with one column per
attribute (a number for numeric attributes, the 0-based index of the declared value
for nominal ones, NaN for ``?``):

- a vectorised fast path for the common large files (numpy locates rows and fields,
  polars' CSV parser tokenises them), used when the data has no quoting or comments;
- a general line-by-line path for everything else (quoted values, ``%`` comments,
  nominal values that are not ``0``/``1``). It is also the path that produces
  line-exact error messages: when the fast path meets anything it does not expect, it
  hands over to the general path rather than guessing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..dataset import MultilabelDataset
from ..errors import DatasetError
from .arff_data import RawData, read_and_parse
from .arff_header import ID_MIN_ROWS, ArffHeader, find_label_indices
from .common import impute_dense, impute_sparse, split_suffixes, validate_labels
from .notes import LoadNote, LoadNoteCode, some_names

# ----------------------------------------------------------------------------- dataset


def _row_lines(body: bytes, data_line: int) -> np.ndarray:
    """1-based line of every data row (for error messages from the fast path)."""
    lines = []
    for offset, line_text in enumerate(body.split(b"\n")):
        stripped = line_text.strip()
        if stripped and not stripped.startswith(b"%"):
            lines.append(data_line + offset)
    return np.asarray(lines)


def _label_matrix(raw: RawData, header: ArffHeader, label_indices: list[int], where: str):
    if raw.sparse:
        values = raw.matrix[:, label_indices].toarray()
    else:
        values = raw.matrix[:, label_indices].copy()
    for position, index in enumerate(label_indices):
        attribute = header.attributes[index]
        if attribute.kind == "nominal":
            # Value index -> the declared value as a number, so {0,1} and {1,0} both work.
            try:
                numbers = np.array([float(v) for v in attribute.values] + [np.nan])
            except ValueError:
                raise DatasetError(
                    f"{where}: label attribute {attribute.name!r} has values "
                    f"{{{','.join(attribute.values)}}}; labels must be binary 0/1 "
                    f"(line {attribute.line})."
                ) from None
            codes = values[:, position]
            codes = np.where(np.isnan(codes), len(attribute.values), codes).astype(np.int64)
            values[:, position] = numbers[codes]
        elif attribute.kind != "numeric":
            raise DatasetError(
                f"{where}: label attribute {attribute.name!r} is a {attribute.kind} attribute "
                f"(line {attribute.line}); labels must be binary 0/1."
            )
    return values


def _encode_features(
    raw: RawData, header: ArffHeader, feature_indices: list[int]
) -> tuple[np.ndarray | sp.csr_matrix, list[str], list[LoadNote]]:
    """Turn feature attributes into float32 columns; return X, names and notes."""
    matrix = raw.matrix
    n_rows = matrix.shape[0]
    blocks: list = []
    names: list[str] = []
    notes: list[LoadNote] = []
    passthrough: list[int] = []
    dropped_string: list[str] = []
    dropped_constant: list[str] = []
    dropped_ids: list[str] = []
    one_hot: list[str] = []

    def flush() -> None:
        if passthrough:
            blocks.append(matrix[:, passthrough])
            names.extend(header.attributes[index].name for index in passthrough)
            passthrough.clear()

    def column_values(index: int) -> np.ndarray:
        column = matrix[:, [index]]
        return (column.toarray() if raw.sparse else column).ravel()

    for index in feature_indices:
        attribute = header.attributes[index]
        if attribute.kind == "numeric" or attribute.is_binary01:
            passthrough.append(index)
            continue
        flush()
        if attribute.kind in ("string", "date"):
            dropped_string.append(attribute.name)
            continue
        n_values = len(attribute.values)
        if n_values <= 1:
            dropped_constant.append(attribute.name)
            continue
        codes = column_values(index)
        observed = codes[~np.isnan(codes)]
        if n_values > 2 and n_rows > ID_MIN_ROWS and len(np.unique(observed)) == n_rows:
            dropped_ids.append(attribute.name)
            continue
        # Binary nominal: one indicator for the second value; otherwise one column per value.
        levels = [1] if n_values == 2 else list(range(n_values))
        indicator = np.column_stack([(codes == level).astype(np.float64) for level in levels])
        indicator[np.isnan(codes)] = 0.0
        blocks.append(sp.csr_matrix(indicator) if raw.sparse else indicator)
        names.extend(f"{attribute.name}={attribute.values[level]}" for level in levels)
        one_hot.append(attribute.name)
    flush()

    if raw.sparse:
        X = sp.hstack(blocks, format="csr") if blocks else sp.csr_matrix((n_rows, 0))
        X, imputed = impute_sparse(X.tocsr(), names)
    else:
        X = np.hstack(blocks) if blocks else np.zeros((n_rows, 0))
        X, imputed = impute_dense(X, names)
    notes.extend(imputed)
    for code, names_of in (
        (LoadNoteCode.NOMINAL_ONE_HOT, one_hot),
        (LoadNoteCode.STRING_DROPPED, dropped_string),
        (LoadNoteCode.IDENTIFIER_DROPPED, dropped_ids),
        (LoadNoteCode.CONSTANT_NOMINAL_DROPPED, dropped_constant),
    ):
        if names_of:
            notes.append(some_names(code, names_of))
    if raw.sparse:
        X = X.astype(np.float32)
    else:
        X = np.ascontiguousarray(X, dtype=np.float32)
    return X, names, notes


def load_arff(
    path: Path,
    *,
    xml: str | Path | None = None,
    labels: list[str] | None = None,
    labels_last: int | None = None,
    missing_labels: str = "error",
    name: str | None = None,
    source: str | None = None,
) -> MultilabelDataset:
    """Load a MEKA or MULAN ARFF file (optionally compressed) into a :class:`MultilabelDataset`."""
    where = str(path)
    raw_bytes, header, raw, encoding_notes = read_and_parse(path, where)
    label_indices, convention = find_label_indices(
        header, path, xml=Path(xml) if xml else None, labels=labels, labels_last=labels_last
    )
    if raw.matrix.shape[0] == 0:
        raise DatasetError(f"{where}: the @data section has no rows; nothing to analyse.")
    label_names = [header.attributes[index].name for index in label_indices]

    def line_of_row(row: int) -> int:
        lines = raw.row_lines
        if lines is None:
            lines = _row_lines(raw_bytes[header.data_offset :], header.data_line)
        return int(lines[row])

    Y, keep, label_notes = validate_labels(
        _label_matrix(raw, header, label_indices, where),
        label_names,
        where=where,
        missing_labels=missing_labels,
        line_of_row=line_of_row,
    )
    label_set = set(label_indices)
    feature_indices = [index for index in range(len(header.attributes)) if index not in label_set]
    X, feature_names, feature_notes = _encode_features(raw, header, feature_indices)
    if keep is not None:
        X = X[keep]
    layout = "sparse" if raw.sparse else "dense"
    return MultilabelDataset(
        X=X,
        Y=Y,
        label_names=tuple(label_names),
        feature_names=tuple(feature_names),
        n_inputs=len(feature_indices),
        name=name or split_suffixes(path)[0],
        source=source or where,
        format=f"arff/{convention} ({layout}, {raw.path} parser)",
        notes=tuple(encoding_notes + label_notes + feature_notes),
    )
