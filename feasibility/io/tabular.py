"""CSV/TSV and Parquet reader (polars): label columns, a list column or a delimited text column."""

from __future__ import annotations

import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from ..dataset import MultilabelDataset
from ..errors import DatasetError
from ..notes import warn_note
from .common import PARQUET_SUFFIXES, read_bytes, split_suffixes, validate_labels
from .csv_text import (
    RecordScan,
    guess_separator,
    head_records,
    parse_separator,
    refuse_ragged,
    scan_records,
    show_separator,
)
from .encoding import refuse_binary, to_utf8
from .notes import LoadNote, LoadNoteCode
from .sparse import maybe_sparse
from .table_features import encode_features
from .table_labels import labels_from_columns, labels_from_list_column

DEFAULT_LABEL_COLUMN = "labels"
#: Rows polars looks at to choose column types; a value that does not fit makes it retry
#: with the whole file (slower, only then).
INFER_SCHEMA_ROWS = 10000


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Table:
    """A table as read, before the label and feature columns are told apart.

    Attributes
    ----------
    frame : polars.DataFrame
        The rows; duplicate or empty column names are made unique (``x``, ``x.1``).
    header : tuple of str
        The column names as written in the file, one per column of ``frame``.
    line_of_row : callable or None
        Physical line of a 0-based row of ``frame`` (CSV); None for Parquet.
    notes : tuple of LoadNote
        What reading did that the user should know about.
    """

    frame: pl.DataFrame
    header: tuple[str, ...]
    line_of_row: Callable[[int], int] | None
    notes: tuple[LoadNote, ...] = ()


def _unique_names(header: list[str]) -> list[str]:
    """Column names for polars: a repeated name gets ``.1``, ``.2``; an empty one its position."""
    taken = set(header)
    names: list[str] = []
    used: set[str] = set()
    for position, name in enumerate(header, start=1):
        candidate = name or f"column {position}"
        suffix = 0
        while candidate in used or (candidate != name and candidate in taken):
            suffix += 1
            candidate = f"{name or f'column {position}'}.{suffix}"
        used.add(candidate)
        names.append(candidate)
    return names


def _polars_csv(
    data: bytes, separator: str, names: list[str], text_columns: dict, where: str, fmt: str
) -> pl.DataFrame:
    def read(infer_rows: int | None) -> pl.DataFrame:
        return pl.read_csv(
            io.BytesIO(data),
            separator=separator,
            new_columns=names,
            schema_overrides=text_columns or None,
            null_values=None,  # missing markers are recognised per column (table_features)
            infer_schema_length=infer_rows,
        )

    try:
        return read(INFER_SCHEMA_ROWS)
    except Exception as exc:  # polars raises several error types for malformed input
        first = exc
    if "more fields" in str(first):
        scan = scan_records(data, separator)
        if scan is not None:
            refuse_ragged(scan, len(names), separator, where)
    else:
        try:
            return read(None)
        except Exception as exc:
            first = exc
    raise DatasetError(f"{where}: cannot be read as {fmt[1:]} ({_first_line(first)}).") from None


def _blank_records(
    scan: RecordScan, n_columns: int, where: str
) -> tuple[np.ndarray | None, list[LoadNote]]:
    """Rows to keep when blank lines are skipped (None: no blank line), and a note."""
    blank = scan.field_counts[1:] == 0
    filled = np.flatnonzero(~blank)
    trailing = np.arange(blank.size) > (filled[-1] if filled.size else -1)
    if n_columns == 1:  # one column: an empty line is an empty value (an empty labelset)
        blank &= trailing
    if not blank.any():
        return None, []
    interior = np.flatnonzero(blank & ~trailing)
    notes = []
    if interior.size:
        line = int(scan.first_lines[interior[0] + 1])
        note = LoadNote(
            LoadNoteCode.BLANK_LINES, {"n_lines": int(interior.size), "first_line": line}
        )
        warn_note(note, where=where, stacklevel=5)
        notes.append(note)
    return np.flatnonzero(~blank), notes


def _read_delimited(
    data: bytes, where: str, fmt: str, separator: str, text_columns: Collection[str]
) -> Table:
    if not data.strip():
        raise DatasetError(f"{where}: the file is empty; nothing to analyse.")
    records = head_records(data, separator)
    header = records[0] if records else []
    if len(header) <= 1:
        guess = guess_separator(data, separator)
        if guess is not None:
            shown = show_separator(guess)
            raise DatasetError(
                f"{where}: found 1 column with the separator {show_separator(separator)}; is the "
                f"separator {shown}? use --separator {shown}."
            )
    names = _unique_names(header)
    overrides = {name: pl.String for name in text_columns if name in names}
    frame = _polars_csv(data, separator, names, overrides, where, fmt)
    n_records = frame.height + 1
    scan_cache: list = []

    def scan():
        if not scan_cache:
            found = scan_records(data, separator)
            # A record count polars disagrees with cannot map rows to lines.
            scan_cache.append(found if found and len(found.field_counts) == n_records else None)
        return scan_cache[0]

    notes: list[LoadNote] = []
    kept_records = None
    # An unnamed last column without any value comes from lines ending with the separator.
    trailing_empty = (
        len(names) > 1 and not header[-1] and frame[names[-1]].null_count() == frame.height
    )
    # polars pads a short row with nulls and reads a blank line as a row of nulls: both leave
    # a null in the last column, and only then are the records counted.
    if frame.height and frame[names[-1]].null_count() and scan() is not None:
        refuse_ragged(scan(), len(names), separator, where, allow_one_less=trailing_empty)
        kept_records, blank_notes = _blank_records(scan(), len(names), where)
        notes += blank_notes
        if kept_records is not None:
            frame = frame[kept_records]
    if trailing_empty:
        frame = frame.drop(names[-1])
        header = header[:-1]
        note = LoadNote(LoadNoteCode.TRAILING_COLUMN)
        warn_note(note, where=where, stacklevel=4)
        notes.append(note)

    def line_of_row(row: int) -> int:
        record = (int(kept_records[row]) if kept_records is not None else row) + 1
        found = scan()
        return int(found.first_lines[record]) if found is not None else record + 1

    return Table(frame, tuple(header), line_of_row, tuple(notes))


def read_table(
    path: Path, fmt: str, *, separator: str = ",", text_columns: Collection[str] = ()
) -> Table:
    """Read a CSV/TSV or Parquet file with polars, wrapping its errors.

    Parameters
    ----------
    path : Path
        The file (optionally compressed).
    fmt : str
        Its format suffix, e.g. ``".csv"``.
    separator : str, default=","
        Field separator of a delimited file (one character).
    text_columns : collection of str
        CSV columns to read as text whatever they hold (a label-list column of numeric ids).

    Raises
    ------
    DatasetError
        When the file cannot be parsed, a row has more or fewer fields than the header
        (naming its line), or a single column suggests another separator.
    """
    data = read_bytes(path)  # the one place where the file's bytes are obtained
    where = str(path)
    if fmt not in PARQUET_SUFFIXES:
        data, encoding_notes = to_utf8(data, where)  # UTF-16, Latin-1 or a BOM: UTF-8 now
        refuse_binary(data, where, separator)
        table = _read_delimited(data, where, fmt, separator, text_columns)
        return Table(table.frame, table.header, table.line_of_row, (*encoding_notes, *table.notes))
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # polars raises several error types for malformed input
        raise DatasetError(f"{where}: cannot be read as {fmt[1:]} ({_first_line(exc)}).") from None
    return Table(frame, tuple(frame.columns), None)


def _columns_text(header: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in header[:8]) + (" ..." if len(header) > 8 else "")


def _positions(header: tuple[str, ...]) -> dict[str, list[int]]:
    """1-based column positions of each name."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        positions.setdefault(name, []).append(position)
    return positions


def _refuse_shared_label_name(name: str, positions: dict[str, list[int]], where: str) -> None:
    """A label's name must name one column only: a second one would be read as a feature."""
    found = positions.get(name, [])
    if len(found) > 1:
        shown = ", ".join(map(str, found[:-1])) + f" and {found[-1]}"
        raise DatasetError(
            f"{where}: label {name!r} is the name of columns {shown}; rename the other column(s) "
            f"so that each label column is named once (a copy of a label must not be a feature)."
        )


def _duplicate_feature_note(
    header: tuple[str, ...], names: list[str], features: list[int], where: str
) -> list[LoadNote]:
    """Note (and warn) feature names written more than once; all columns are kept."""
    positions = _positions(tuple(header[index] for index in features))
    repeated = [name for name, found in positions.items() if len(found) > 1]
    if not repeated:
        return []
    first = repeated[0]
    columns = [index + 1 for index in features if header[index] == first]
    renamed = [names[index] for index in features if header[index] == first][1:]
    values = {"n_names": len(repeated), "name": first, "columns": columns, "renamed": renamed[:3]}
    note = LoadNote(LoadNoteCode.DUPLICATE_FEATURE_NAMES, values)
    warn_note(note, where=where, stacklevel=3)
    return [note]


def _row_index_columns(
    frame: pl.DataFrame, header: tuple[str, ...], features: list[int]
) -> list[str]:
    """Row indexes saved by pandas: ``__index_level_0__`` (Parquet), or an unnamed integer
    column counting the rows (``DataFrame.to_csv`` without ``index=False``)."""
    found = []
    for index in features:
        name = header[index]
        column = frame.get_column(frame.columns[index])
        if name.startswith("__index_level_"):
            found.append(column.name)
            continue
        if name and not name.startswith("Unnamed:"):
            continue
        if not column.dtype.is_integer() or column.null_count() or column.len() < 2:
            continue
        start = int(column[0])
        counting = np.arange(start, start + column.len())
        if start in (0, 1) and np.array_equal(column.to_numpy(), counting):
            found.append(column.name)
    return found


def _choose_labels(
    table: Table,
    *,
    labels: list[str] | None,
    labels_last: int | None,
    label_column: str | None,
    label_sep: str | None,
    where: str,
) -> tuple[np.ndarray, list[str], list[int], str, list[LoadNote]]:
    """Read the labels; return Y (NaN = missing), names, 0-based columns, convention, notes."""
    frame, header = table.frame, table.header
    positions = _positions(header)
    if label_column is None and not (labels or labels_last) and DEFAULT_LABEL_COLUMN in positions:
        label_column = DEFAULT_LABEL_COLUMN
    if label_column is not None:
        if label_column not in positions:
            raise DatasetError(
                f"{where}: no column named {label_column!r}; the columns are "
                f"{_columns_text(header)}."
            )
        _refuse_shared_label_name(label_column, positions, where)
        Y, label_names, convention, notes = labels_from_list_column(
            frame[label_column],
            label_sep=label_sep,
            where=where,
            from_csv=table.line_of_row is not None,
        )
        return Y, label_names, [positions[label_column][0] - 1], convention, notes
    if labels:
        missing = [label for label in labels if label not in positions]
        if missing:
            raise DatasetError(
                f"{where}: label {missing[0]!r} given by --labels is not a column of the file; "
                f"check the names (columns: {_columns_text(header)})."
            )
        if len(set(labels)) != len(labels):
            duplicate = next(n for n in labels if labels.count(n) > 1)
            raise DatasetError(
                f"{where}: label {duplicate!r} is named twice; name each label once."
            )
        label_names = list(labels)
        convention = "label columns given by --labels"
    elif labels_last:
        if not 0 < labels_last < len(header):
            raise DatasetError(
                f"{where}: --labels-last {labels_last} does not fit {len(header)} columns."
            )
        label_names = list(header[-labels_last:])
        convention = f"last {labels_last} columns"
    else:
        raise DatasetError(
            f"{where}: cannot tell which columns are labels; pass --labels a,b,c, "
            f"--labels-last N, or --label-column NAME (a list or delimited text column)."
        )
    for label in label_names:
        _refuse_shared_label_name(label, positions, where)
    columns = [positions[label][0] - 1 for label in label_names]
    Y = labels_from_columns(frame, [frame.columns[index] for index in columns], where)
    return Y, label_names, columns, convention, []


def load_table(
    path: Path,
    *,
    labels: list[str] | None = None,
    labels_last: int | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    separator: str | None = None,
    missing_labels: str = "error",
    name: str | None = None,
    source: str | None = None,
) -> MultilabelDataset:
    """Load a CSV/TSV or Parquet file into a :class:`MultilabelDataset` (rules: ``load``)."""
    where = str(path)
    stem, fmt, _ = split_suffixes(path)
    is_parquet = fmt in PARQUET_SUFFIXES
    if is_parquet and separator is not None:
        raise DatasetError(f"{where}: --separator applies to CSV/TSV files, not Parquet.")
    separator = parse_separator(separator, fmt)
    # A label-list column is read as text, also when its label names look like numbers.
    tag_column = label_column or (None if labels or labels_last else DEFAULT_LABEL_COLUMN)
    table = read_table(
        path, fmt, separator=separator, text_columns=[tag_column] if tag_column else []
    )
    return dataset_from_table(
        table,
        labels=labels,
        labels_last=labels_last,
        label_column=label_column,
        label_sep=label_sep,
        missing_labels=missing_labels,
        where=where,
        name=name or stem,
        source=source or where,
        format_name="parquet" if is_parquet else "csv",
        decimal_comma=separator != "," and not is_parquet,
    )


def dataset_from_table(
    table: Table,
    *,
    labels: list[str] | None = None,
    labels_last: int | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    missing_labels: str = "error",
    where: str,
    name: str,
    source: str,
    format_name: str,
    decimal_comma: bool = False,
) -> MultilabelDataset:
    """Tell a read table's label and feature columns apart and encode them (rules: ``load``).

    Shared by the file loaders and by in-memory data frames
    (:func:`feasibility.io.frames.dataset_from_frame`), so both give the same dataset
    and the same one-line errors.
    """
    frame, header, line_of_row = table.frame, table.header, table.line_of_row
    if frame.height == 0:
        raise DatasetError(f"{where}: the table has no rows; nothing to analyse.")
    Y, label_names, label_columns, convention, label_notes = _choose_labels(
        table,
        labels=labels,
        labels_last=labels_last,
        label_column=label_column,
        label_sep=label_sep,
        where=where,
    )
    Y, keep, validate_notes = validate_labels(
        Y, label_names, where=where, missing_labels=missing_labels, line_of_row=line_of_row
    )
    features = [index for index in range(len(header)) if index not in set(label_columns)]
    notes = list(table.notes) + label_notes + validate_notes
    notes += _duplicate_feature_note(header, frame.columns, features, where)
    feature_frame = frame.select([frame.columns[index] for index in features])
    n_inputs = feature_frame.width
    row_index = _row_index_columns(frame, header, features)
    if row_index:
        feature_frame = feature_frame.drop(row_index)
        notes.append(LoadNote(LoadNoteCode.ROW_INDEX_DROPPED, {"columns": list(row_index)}))
    kept_rows = np.arange(frame.height)
    if keep is not None:
        feature_frame = feature_frame.filter(pl.Series(keep))
        kept_rows = kept_rows[keep]

    def locate(row: int) -> str:
        original = int(kept_rows[row])
        return f"line {line_of_row(original)}" if line_of_row else f"row {original + 1}"

    X, feature_names, feature_notes = encode_features(
        feature_frame, where=where, locate=locate, decimal_comma=decimal_comma
    )
    X, sparse_notes = maybe_sparse(X)
    layout = "sparse" if sp.issparse(X) else "dense"
    return MultilabelDataset(
        X=X,
        Y=Y,
        label_names=tuple(label_names),
        feature_names=tuple(feature_names),
        n_inputs=n_inputs,
        name=name,
        source=source,
        format=f"{format_name}/{convention} ({layout})",
        notes=tuple(notes + feature_notes + sparse_notes),
    )
