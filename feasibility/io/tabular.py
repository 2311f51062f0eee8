"""CSV and Parquet reader (polars): label columns, a list column, or a delimited string column."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import polars as pl

from ..dataset import MultilabelDataset
from ..errors import DatasetError
from .common import impute_dense, read_bytes, split_suffixes, validate_labels

#: A text feature column with at most this many distinct values is one-hot encoded;
#: with more it is free text or an identifier and is dropped (with a note).
MAX_CATEGORIES = 50
DEFAULT_LABEL_COLUMN = "labels"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_table(path: Path, fmt: str) -> pl.DataFrame:
    """Read a CSV/TSV or Parquet file with polars, wrapping its errors."""
    try:
        if fmt == ".parquet" or fmt == ".pq":
            return pl.read_parquet(io.BytesIO(read_bytes(path)))
        separator = "\t" if fmt == ".tsv" else ","
        return pl.read_csv(
            io.BytesIO(read_bytes(path)),
            separator=separator,
            null_values=["", "?", "NA", "NaN", "nan"],
            infer_schema_length=10000,
        )
    except DatasetError:
        raise
    except Exception as exc:  # polars raises several error types for malformed input
        raise DatasetError(f"{path}: cannot be read as {fmt[1:]} ({_first_line(exc)}).") from None


def _labels_from_list(series: pl.Series, where: str) -> tuple[np.ndarray, list[str]]:
    """0/1 matrix from a list-of-strings column; a null list is a missing row (NaN)."""
    exploded = (
        series.alias("label").to_frame().with_row_index("row").explode("label").drop_nulls("label")
    )
    exploded = exploded.with_columns(pl.col("label").cast(pl.String).str.strip_chars())
    names = sorted(exploded["label"].unique().to_list())
    if "" in names:
        raise DatasetError(f"{where}: column {series.name!r} contains an empty label name.")
    position = {name: index for index, name in enumerate(names)}
    Y = np.zeros((series.len(), len(names)), dtype=np.float64)
    rows = exploded["row"].to_numpy()
    columns = np.array([position[name] for name in exploded["label"].to_list()], dtype=np.int64)
    Y[rows, columns] = 1.0
    Y[series.is_null().to_numpy()] = np.nan
    return Y, names


def _labels_from_columns(frame: pl.DataFrame, names: list[str], where: str) -> np.ndarray:
    columns = []
    for name in names:
        column = frame[name]
        if column.dtype == pl.Boolean:
            column = column.cast(pl.Float64)
        elif column.dtype == pl.String:
            numbers = column.str.strip_chars().cast(pl.Float64, strict=False)
            if numbers.null_count() != column.null_count():
                bad = column.filter(numbers.is_null() & column.is_not_null()).unique().head(5)
                raise DatasetError(
                    f"{where}: label column {name!r} has values {{{','.join(bad.to_list())}}}; "
                    f"labels must be binary 0/1."
                )
            column = numbers
        elif not column.dtype.is_numeric():
            raise DatasetError(
                f"{where}: label column {name!r} has type {column.dtype}; labels must be binary 0/1."
            )
        columns.append(column.cast(pl.Float64).fill_nan(None).to_numpy().astype(np.float64))
    return np.column_stack(columns)


def _encode_features(frame: pl.DataFrame, where: str) -> tuple[np.ndarray, list[str], list[str]]:
    blocks: list[np.ndarray] = []
    names: list[str] = []
    one_hot: list[str] = []
    dropped_text: list[str] = []
    dropped_other: list[str] = []
    n_rows = frame.height
    for column in frame.iter_columns():
        dtype = column.dtype
        if dtype.is_numeric() or dtype == pl.Boolean:
            blocks.append(column.cast(pl.Float64).fill_null(float("nan")).to_numpy()[:, None])
            names.append(column.name)
        elif dtype in (pl.String, pl.Categorical, pl.Enum):
            text = column.cast(pl.String)
            levels = sorted(text.drop_nulls().unique().to_list())
            if len(levels) > MAX_CATEGORIES or (len(levels) == n_rows and n_rows > 20):
                dropped_text.append(column.name)
                continue
            values = text.to_numpy()
            kept = levels[1:] if len(levels) == 2 else levels
            block = np.column_stack([(values == level).astype(np.float64) for level in kept])
            blocks.append(block)
            names.extend(f"{column.name}={level}" for level in kept)
            one_hot.append(column.name)
        else:
            dropped_other.append(f"{column.name} ({dtype})")
    X = np.hstack(blocks) if blocks else np.zeros((n_rows, 0))
    X, notes = impute_dense(X, names)
    if one_hot:
        notes.append(
            f"encoded {len(one_hot)} text feature column(s) as indicator columns "
            f"(e.g. {one_hot[0]!r})"
        )
    if dropped_text:
        notes.append(
            f"dropped {len(dropped_text)} text column(s) with more than {MAX_CATEGORIES} distinct "
            f"values or a distinct value per row (free text or identifiers): "
            + ", ".join(repr(name) for name in dropped_text[:3])
        )
    if dropped_other:
        notes.append(f"dropped {len(dropped_other)} column(s) of unsupported type: " + ", ".join(dropped_other[:3]))
    return np.ascontiguousarray(X, dtype=np.float32), names, notes


def load_table(
    path: Path,
    *,
    labels: list[str] | None = None,
    labels_last: int | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    missing_labels: str = "error",
    name: str | None = None,
    source: str | None = None,
) -> MultilabelDataset:
    """Load a CSV/TSV or Parquet file into a :class:`MultilabelDataset`."""
    where = str(path)
    stem, fmt, _ = split_suffixes(path)
    frame = read_table(path, fmt)
    if frame.height == 0:
        raise DatasetError(f"{where}: the table has no rows; nothing to analyse.")
    columns = frame.columns
    if label_column is None and not labels and not labels_last and DEFAULT_LABEL_COLUMN in columns:
        label_column = DEFAULT_LABEL_COLUMN

    if label_column is not None:
        if label_column not in columns:
            raise DatasetError(
                f"{where}: no column named {label_column!r}; the columns are "
                + ", ".join(repr(c) for c in columns[:8])
                + (" ..." if len(columns) > 8 else "")
                + "."
            )
        series = frame[label_column]
        if series.dtype == pl.String:
            if not label_sep:
                raise DatasetError(
                    f"{where}: label column {label_column!r} holds text, not lists; pass "
                    f"--label-sep to split it (e.g. --label-sep '|')."
                )
            series = series.str.split(label_sep)
            convention = f"label column {label_column!r} split on {label_sep!r}"
        elif isinstance(series.dtype, (pl.List, pl.Array)):
            convention = f"list column {label_column!r}"
        else:
            raise DatasetError(
                f"{where}: label column {label_column!r} has type {series.dtype}; expected a list "
                f"of label names or delimited text."
            )
        Y, label_names = _labels_from_list(series, where)
        feature_frame = frame.drop(label_column)
    else:
        if labels:
            missing = [label for label in labels if label not in columns]
            if missing:
                raise DatasetError(
                    f"{where}: label {missing[0]!r} given by --labels is not a column of the file; "
                    f"check the names (columns: {', '.join(columns[:8])}{' ...' if len(columns) > 8 else ''})."
                )
            label_names = list(labels)
            convention = "label columns given by --labels"
        elif labels_last:
            if not 0 < labels_last < len(columns):
                raise DatasetError(
                    f"{where}: --labels-last {labels_last} does not fit {len(columns)} columns."
                )
            label_names = columns[-labels_last:]
            convention = f"last {labels_last} columns"
        else:
            raise DatasetError(
                f"{where}: cannot tell which columns are labels; pass --labels a,b,c, "
                f"--labels-last N, or --label-column NAME (a list or delimited text column)."
            )
        if len(set(label_names)) != len(label_names):
            duplicate = next(n for n in label_names if label_names.count(n) > 1)
            raise DatasetError(f"{where}: label {duplicate!r} is named twice; name each label once.")
        Y = _labels_from_columns(frame, label_names, where)
        feature_frame = frame.drop(label_names)

    Y, keep, label_notes = validate_labels(
        Y, label_names, where=where, missing_labels=missing_labels,
        line_of_row=(lambda row: row + 2) if fmt != ".parquet" else None,
    )
    if keep is not None:
        feature_frame = feature_frame.filter(pl.Series(keep))
    X, feature_names, feature_notes = _encode_features(feature_frame, where)
    return MultilabelDataset(
        X=X,
        Y=Y,
        label_names=tuple(label_names),
        feature_names=tuple(feature_names),
        n_inputs=feature_frame.width,
        name=name or stem,
        source=source or where,
        format=f"{'parquet' if fmt in ('.parquet', '.pq') else 'csv'}/{convention} (dense)",
        notes=tuple(label_notes + feature_notes),
    )
