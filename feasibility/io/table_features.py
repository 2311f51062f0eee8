"""Feature columns of a CSV or Parquet table -> a float32 matrix X.

Rules, applied column by column:

- A value that is empty, ``?``, ``NA``, ``N/A``, ``NaN`` or ``null`` (any case, spaces
  around ignored) is missing; missing values are imputed with the column mean.
- A column whose every present value is a number is numeric. A column with no present
  value is dropped (with a note).
- A text column in which at least :data:`NUMERIC_SHARE` of the present values are numbers
  is a numeric column with bad values: the first one is refused with its line. Otherwise the
  column is text: one-hot encoded when it has at most :data:`MAX_CATEGORIES` distinct
  values, dropped (with a note) as free text or an identifier when it has more.
- In a file separated by something other than a comma, a column of numbers written with a
  decimal comma (``1,5``) is read as numbers (with a note).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from ..errors import DatasetError
from ..notes import warn_note
from .common import impute_dense
from .notes import NAMES_SHOWN, LoadNote, LoadNoteCode, some_names

#: Cell values that mean "missing", compared lower-cased after stripping spaces.
MISSING_MARKERS = ("", "?", "na", "n/a", "nan", "null")
#: A text column in which at least this share of the present values are numbers is numeric
#: and its other values are typos or stray text (refused), not categories: a real category
#: column has few numeric-looking values, an identifier column none or all.
NUMERIC_SHARE = 0.9
#: A text feature column with at most this many distinct values is one-hot encoded;
#: with more it is free text or an identifier and is dropped (with a note).
MAX_CATEGORIES = 50
#: A text column with a distinct value in every row is an identifier from this many rows on.
ID_MIN_ROWS = 20


def missing_as_null(column: pl.Series) -> pl.Series:
    """Return a column as stripped text with the missing markers as null.

    Examples
    --------
    >>> missing_as_null(pl.Series("f", [" 1.5", "NA", "?", "", None, "x"])).to_list()
    ['1.5', None, None, None, None, 'x']
    """
    text = column.cast(pl.String).str.strip_chars()
    return (
        text.to_frame()
        .select(
            pl.when(pl.col(column.name).str.to_lowercase().is_in(MISSING_MARKERS))
            .then(None)
            .otherwise(pl.col(column.name))
            .alias(column.name)
        )
        .to_series()
    )


def _numbers_with_decimal_comma(text: pl.Series) -> pl.Series | None:
    """The numbers of a column written with decimal commas (``1,5``), or None."""
    if not text.str.contains(",", literal=True).any():
        return None
    numbers = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return numbers if numbers.null_count() == text.null_count() else None


def _refuse_bad_number(
    text: pl.Series, numbers: pl.Series, where: str, locate: Callable[[int], str]
) -> None:
    bad = (text.is_not_null() & numbers.is_null()).arg_true()
    row = int(bad[0])
    raise DatasetError(
        f"{where}: value {text[row]!r} in column {text.name!r} ({locate(row)}) is not a number "
        f"({bad.len()} such value(s) in a column of numbers); fix it, or write ? or leave the "
        f"field empty if the value is missing."
    )


def _is_all_missing(numbers: pl.Series) -> bool:
    return numbers.null_count() + numbers.is_nan().sum() == numbers.len()


def encode_features(
    frame: pl.DataFrame, *, where: str, locate: Callable[[int], str], decimal_comma: bool = False
) -> tuple[np.ndarray, list[str], list[str]]:
    """Turn the feature columns of a table into a dense float32 matrix (rules: module docstring).

    Parameters
    ----------
    frame : polars.DataFrame
        The feature columns, with unique names.
    where : str
        The file, for messages.
    locate : callable
        Maps a 0-based row to where it is in the file, e.g. ``"line 17"`` or ``"row 16"``.
    decimal_comma : bool, default=False
        Whether a column of numbers with decimal commas may be read as numbers (not in a
        comma-separated file, where such a value must be quoted and is more likely text).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float32
    feature_names : list of str
    notes : list of LoadNote

    Raises
    ------
    DatasetError
        For a value that is not a number in a column of numbers, naming value, column and line.
    """
    blocks: list[np.ndarray] = []
    names: list[str] = []
    one_hot: list[str] = []
    dropped_text: list[str] = []
    dropped_empty: list[str] = []
    dropped_other: list[str] = []
    decimal_commas: list[str] = []
    n_rows = frame.height
    for column in frame.iter_columns():
        dtype = column.dtype
        if dtype.is_numeric() or dtype == pl.Boolean:
            numbers = column.cast(pl.Float64)
        elif dtype in (pl.String, pl.Categorical, pl.Enum):
            text = missing_as_null(column)
            numbers = text.cast(pl.Float64, strict=False)
            if numbers.null_count() != text.null_count():
                with_commas = _numbers_with_decimal_comma(text) if decimal_comma else None
                if with_commas is not None:
                    numbers = with_commas
                    decimal_commas.append(column.name)
                elif numbers.is_not_null().sum() >= NUMERIC_SHARE * text.is_not_null().sum():
                    _refuse_bad_number(text, numbers, where, locate)
                else:
                    levels = sorted(text.drop_nulls().unique().to_list())
                    if len(levels) > MAX_CATEGORIES or (
                        len(levels) == n_rows and n_rows > ID_MIN_ROWS
                    ):
                        dropped_text.append(column.name)
                        continue
                    values = text.to_numpy()
                    kept = levels[1:] if len(levels) == 2 else levels
                    blocks.append(
                        np.column_stack([(values == level).astype(np.float64) for level in kept])
                    )
                    names.extend(f"{column.name}={level}" for level in kept)
                    one_hot.append(column.name)
                    continue
        else:
            dropped_other.append((column.name, str(dtype)))
            continue
        if _is_all_missing(numbers):
            dropped_empty.append(column.name)
            continue
        blocks.append(numbers.fill_null(float("nan")).to_numpy()[:, None])
        names.append(column.name)
    X = np.hstack(blocks) if blocks else np.zeros((n_rows, 0))
    X, notes = impute_dense(X, names)
    dropped = {"text": dropped_text, "other": dropped_other, "empty": dropped_empty}
    notes += _encoding_notes(where, one_hot, dropped, decimal_commas)
    return np.ascontiguousarray(X, dtype=np.float32), names, notes


def _encoding_notes(where, one_hot, dropped, decimal_commas) -> list[LoadNote]:
    """What the encoding did, for the dataset's notes; the oddities are also warned."""
    dropped_text, dropped_other, dropped_empty = dropped["text"], dropped["other"], dropped["empty"]
    notes: list[LoadNote] = []
    if one_hot:
        notes.append(some_names(LoadNoteCode.TEXT_ONE_HOT, one_hot))
    if dropped_text:
        notes.append(
            some_names(LoadNoteCode.TEXT_DROPPED, dropped_text, max_categories=MAX_CATEGORIES)
        )
    if dropped_other:
        names = [name for name, _ in dropped_other]
        dtypes = [dtype for _, dtype in dropped_other[:NAMES_SHOWN]]  # of the names shown
        notes.append(some_names(LoadNoteCode.UNSUPPORTED_DROPPED, names, dtypes=dtypes))
    oddities = []
    if dropped_empty:
        oddities.append(some_names(LoadNoteCode.EMPTY_DROPPED, dropped_empty))
    if decimal_commas:
        oddities.append(some_names(LoadNoteCode.DECIMAL_COMMA, decimal_commas))
    for note in oddities:
        warn_note(note, where=where, stacklevel=4)
    return notes + oddities
