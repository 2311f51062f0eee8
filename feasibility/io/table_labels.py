"""Label columns of a CSV or Parquet table -> a float label matrix (NaN = missing).

Two layouts: one 0/1 column per label, or one column holding each row's labels, as a list
(Parquet), as list literals (``['a', 'b']``, as pandas writes a list column to CSV, or
JSON's ``["a", "b"]``) or as text split on a separator (``a|b``).

Empty and missing labelsets in a label-list column:

- a list column: a null list is missing, an empty list ``[]`` is a row without any label;
- a text column: an empty cell (nothing between the separators, or ``""``) is a row without
  any label; ``?``, ``NA``, ``N/A``, ``NaN`` or ``null`` is missing (and a null in a Parquet
  text column too).
"""

from __future__ import annotations

import ast

import numpy as np
import polars as pl

from ..errors import DatasetError
from ..notes import warn_note
from .notes import LoadNote, LoadNoteCode
from .table_features import MISSING_MARKERS, missing_as_null

#: Separators looked for in a label-list text column split on another (or on nothing).
TAG_SEPARATOR_CANDIDATES = (",", ";", "|", " ", "\t", "/")
#: Warn when --label-sep never occurs but this share of the cells contains a candidate.
TAG_SEPARATOR_SHARE = 0.2


def _likely_tag_separator(cells: pl.Series, exclude: str | None) -> tuple[str, float] | None:
    """The candidate separator found in most non-empty cells, with that share."""
    present = cells.drop_nulls()
    present = present.filter(present != "")
    if present.len() == 0:
        return None
    shares = {
        candidate: float(present.str.contains(candidate, literal=True).mean())
        for candidate in TAG_SEPARATOR_CANDIDATES
        if candidate != exclude
    }
    candidate = max(shares, key=shares.get)
    return (candidate, shares[candidate]) if shares[candidate] > 0 else None


def _label_cells(series: pl.Series, *, from_csv: bool) -> pl.Series:
    """A text label column's cells, stripped, with the missing markers as null."""
    if from_csv:
        # polars reads an empty CSV field as null; the ragged-row check has ruled out that
        # the field is absent, so it is an empty labelset, not a missing one.
        series = series.fill_null("")
    cells = series.str.strip_chars()
    lowered = cells.str.to_lowercase()
    missing = lowered.is_in([marker for marker in MISSING_MARKERS if marker]) | cells.is_null()
    return (
        cells.to_frame()
        .select(pl.when(missing).then(None).otherwise(pl.col(series.name)).alias(series.name))
        .to_series()
    )


def _list_literals(cells: pl.Series) -> pl.Series | None:
    """The cells as lists when every present one is a list literal, else None.

    ``['a', 'b']`` (a pandas list column written by ``to_csv``), ``["a", "b"]`` (JSON) or
    ``[a, b]``; read with :func:`ast.literal_eval`, which evaluates literals only, never code.
    """
    # an empty cell is an empty labelset (pandas writes a NaN list as nothing)
    present = cells.drop_nulls().filter(cells.drop_nulls() != "")
    if present.len() == 0 or not (
        present.str.starts_with("[").all() and present.str.ends_with("]").all()
    ):
        return None
    parsed = []
    for cell in cells.to_list():
        names = None if cell is None else [] if cell == "" else _list_literal(cell)
        if names is False:
            return None  # e.g. "[a]|[b]": brackets inside, so text for --label-sep
        parsed.append(names)
    return pl.Series(cells.name, parsed, dtype=pl.List(pl.String))


def _list_literal(cell: str) -> list[str] | bool:
    """One bracketed cell's names: a Python or JSON list of names, or split on commas when
    there is no other bracket inside ("[a, b]"); False when it is not one list."""
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = None
    if isinstance(value, list) and all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return [str(v) for v in value]
    inner = cell[1:-1]
    if "[" in inner or "]" in inner:
        return False
    pieces = (piece.strip().strip("'\"").strip() for piece in inner.split(","))
    return [piece for piece in pieces if piece]


def _split_tags(
    cells: pl.Series, label_sep: str | None, *, where: str
) -> tuple[pl.Series, list[LoadNote]]:
    """Split a text label column's cells into a list column; return it and notes."""
    if not label_sep:
        guess = _likely_tag_separator(cells, None)
        hint = f"--label-sep {guess[0]!r}" if guess else "e.g. --label-sep '|'"
        raise DatasetError(
            f"{where}: label column {cells.name!r} holds text, not lists; pass --label-sep to "
            f"split it ({hint})."
        )
    notes: list[LoadNote] = []
    if not cells.str.contains(label_sep, literal=True).any():
        guess = _likely_tag_separator(cells, label_sep)
        if guess and guess[1] >= TAG_SEPARATOR_SHARE:
            example = cells.filter(cells.str.contains(guess[0], literal=True))[0]
            values = {"label_sep": label_sep, "column": cells.name, "example": example}
            values |= {"guess": guess[0], "share": float(guess[1])}
            note = LoadNote(LoadNoteCode.LABEL_SEP_UNUSED, values)
            warn_note(note, where=where, stacklevel=4)
            notes.append(note)
    return cells.str.split(label_sep), notes


def labels_from_list_column(
    series: pl.Series, *, label_sep: str | None, where: str, from_csv: bool
) -> tuple[np.ndarray, list[str], str, list[LoadNote]]:
    """0/1 matrix (NaN rows = missing) from a list column or a delimited text column.

    Returns
    -------
    Y : ndarray of shape (n_samples, n_labels), float64
    label_names : list of str
        Sorted.
    convention : str
        How the column was read, for the dataset's ``format``.
    notes : list of LoadNote
    """
    name = series.name
    notes: list[LoadNote] = []
    cells = _label_cells(series, from_csv=from_csv) if series.dtype == pl.String else None
    literals = None if cells is None else _list_literals(cells)
    if literals is not None:
        lists = literals
        convention = f"list literals in label column {name!r}"
        drop_empty_names = False
    elif cells is not None:
        lists, notes = _split_tags(cells, label_sep, where=where)
        convention = f"label column {name!r} split on {label_sep!r}"
        drop_empty_names = True  # "a||b" and "a|" leave an empty piece, not an empty name
    elif isinstance(series.dtype, (pl.List, pl.Array)):
        lists = series
        convention = f"list column {name!r}"
        drop_empty_names = False
    else:
        raise DatasetError(
            f"{where}: label column {name!r} has type {series.dtype}; expected a list "
            f"of label names or delimited text."
        )
    exploded = (
        lists.alias("label").to_frame().with_row_index("row").explode("label").drop_nulls("label")
    )
    exploded = exploded.with_columns(pl.col("label").cast(pl.String).str.strip_chars())
    if drop_empty_names:
        exploded = exploded.filter(pl.col("label") != "")
    names = sorted(exploded["label"].unique().to_list())
    if "" in names:
        raise DatasetError(f"{where}: column {name!r} contains an empty label name.")
    position = {label: index for index, label in enumerate(names)}
    Y = np.zeros((series.len(), len(names)), dtype=np.float64)
    rows = exploded["row"].to_numpy()
    columns = np.array([position[label] for label in exploded["label"].to_list()], dtype=np.int64)
    Y[rows, columns] = 1.0
    Y[lists.is_null().to_numpy()] = np.nan
    return Y, names, convention, notes


def labels_from_columns(frame: pl.DataFrame, names: list[str], where: str) -> np.ndarray:
    """0/1 matrix (NaN = missing) from one column per label, in the order of ``names``."""
    columns = []
    for name in names:
        column = frame[name]
        if column.dtype == pl.Boolean:
            column = column.cast(pl.Float64)
        elif column.dtype in (pl.String, pl.Categorical, pl.Enum):
            text = missing_as_null(column)
            numbers = text.cast(pl.Float64, strict=False)
            if numbers.null_count() != text.null_count():
                bad = text.filter(numbers.is_null() & text.is_not_null()).unique().sort().head(5)
                raise DatasetError(
                    f"{where}: label column {name!r} has values {{{','.join(bad.to_list())}}}; "
                    f"labels must be binary 0/1."
                )
            column = numbers
        elif not column.dtype.is_numeric():
            raise DatasetError(
                f"{where}: label column {name!r} has type {column.dtype}; labels must be "
                f"binary 0/1."
            )
        columns.append(column.cast(pl.Float64).fill_nan(None).to_numpy().astype(np.float64))
    return np.column_stack(columns)
