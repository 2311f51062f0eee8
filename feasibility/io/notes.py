"""The notes of the loaders (:attr:`MultilabelDataset.notes
<feasibility.dataset.MultilabelDataset.notes>`): :class:`LoadNote` and its codes.

What a reader did that the user should know (a recoded file, dropped columns, imputed
values) is a code with its numbers and the names it concerns; the sentences are in
:mod:`feasibility.report.explain_notes`. A note about many columns names the first
:data:`NAMES_SHOWN` and counts them all.

Examples
--------
>>> some_names(LoadNoteCode.EMPTY_DROPPED, ["a", "b", "c", "d"]).to_dict()
{'code': 'empty_dropped', 'n_columns': 4, 'examples': ['a', 'b', 'c']}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from ..notes import Note

__all__ = ["NAMES_SHOWN", "LoadNote", "LoadNoteCode", "some_names"]

#: Column names a note lists (it counts them all).
NAMES_SHOWN = 3


class LoadNoteCode(StrEnum):
    """What a note of a loaded dataset is about."""

    # the text of the file
    DECODED = "decoded"  # UTF-16/32 decoded to UTF-8
    NOT_UTF8 = "not_utf8"  # bytes that are not UTF-8 read as Windows-1252
    BLANK_LINES = "blank_lines"  # blank lines inside a CSV skipped
    TRAILING_COLUMN = "trailing_column"  # an empty unnamed last column ignored
    # labels
    LABEL_SEP_UNUSED = "label_sep_unused"  # --label-sep never occurs, another char does
    MISSING_LABELS_DROPPED = "missing_labels_dropped"  # rows with missing labels dropped
    # features (tables)
    DUPLICATE_FEATURE_NAMES = "duplicate_feature_names"
    ROW_INDEX_DROPPED = "row_index_dropped"  # a pandas row index saved with the data
    TEXT_ONE_HOT = "text_one_hot"  # text feature columns as indicator columns
    TEXT_DROPPED = "text_dropped"  # free text or identifiers
    UNSUPPORTED_DROPPED = "unsupported_dropped"  # columns of a type that is not read
    EMPTY_DROPPED = "empty_dropped"  # feature columns without any value
    DECIMAL_COMMA = "decimal_comma"  # numbers written with a decimal comma
    # features (ARFF)
    NOMINAL_ONE_HOT = "nominal_one_hot"
    STRING_DROPPED = "string_dropped"  # string and date attributes
    IDENTIFIER_DROPPED = "identifier_dropped"  # a distinct value in every row
    CONSTANT_NOMINAL_DROPPED = "constant_nominal_dropped"  # a single declared value
    # any X
    IMPUTED = "imputed"  # missing or non-finite values replaced by the column mean
    STORED_SPARSE = "stored_sparse"  # a mostly-zero X stored as CSR


@dataclass(frozen=True)
class LoadNote(Note):
    """A note of a loader (or of ``MultilabelDataset.from_arrays``)."""

    codes: ClassVar[type[StrEnum]] = LoadNoteCode


def some_names(code: LoadNoteCode, names: Sequence[str], **values) -> LoadNote:
    """A note about ``names`` (columns or attributes): their count and the first few."""
    return LoadNote(
        code, {**values, "n_columns": len(names), "examples": list(names[:NAMES_SHOWN])}
    )
