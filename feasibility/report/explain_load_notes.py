"""The sentences of the loaders' notes (:class:`feasibility.io.notes.LoadNote`).

Registered by :mod:`.explain_notes` with the other stages' sentences. Column and label
names are the data's: a sentence shows them with ``repr``, and the page escapes it.

Examples
--------
>>> LOAD_NOTE_TEXTS["empty_dropped"]({"n_columns": 4, "examples": ["a", "b", "c"]})
"dropped 4 feature column(s) without any value (every value empty or missing): 'a', 'b', 'c' and 1 more"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..io.notes import LoadNoteCode

__all__ = ["LOAD_NOTE_TEXTS"]


def _some(note: Mapping, names=None) -> str:
    """The names a note shows (repr), and how many more it counts."""
    shown = note["examples"] if names is None else names
    more = note["n_columns"] - len(shown)
    return ", ".join(repr(name) for name in shown) + (f" and {more} more" if more > 0 else "")


def _decoded(note: Mapping) -> str:
    mark = "" if note["bom"] else ", no byte-order mark"
    return (
        f"decoded from {note['encoding']} ({note['byte_order']}-endian{mark}); save the file as "
        f"UTF-8 to skip this step"
    )


def _duplicate_feature_names(note: Mapping) -> str:
    columns = ", ".join(map(str, note["columns"]))
    renamed = ", ".join(repr(name) for name in note["renamed"])
    return (
        f"{note['n_names']} feature name(s) appear more than once (e.g. {note['name']!r} names "
        f"columns {columns}); kept every column, renamed {renamed} in the feature names"
    )


def _unsupported(note: Mapping) -> str:
    shown = [f"{name} ({dtype})" for name, dtype in zip(note["examples"], note["dtypes"])]
    return f"dropped {note['n_columns']} column(s) of unsupported type: {_some(note, shown)}"


LOAD_NOTE_TEXTS: dict[str, Callable[[Mapping], str]] = {
    LoadNoteCode.DECODED: _decoded,
    LoadNoteCode.NOT_UTF8: lambda n: (
        f"the file is not valid UTF-8 (first at line {n['line']}, byte 0x{n['byte']:02X}); read "
        f"those bytes as Windows-1252/Latin-1 (e.g. {n['example']!r}); save the file as UTF-8 "
        f"to be sure of the text"
    ),
    LoadNoteCode.BLANK_LINES: lambda n: (
        f"skipped {n['n_lines']} blank line(s) (the first is line {n['first_line']})"
    ),
    LoadNoteCode.TRAILING_COLUMN: lambda n: (
        "ignored the unnamed last column without any value (lines end with the separator)"
    ),
    LoadNoteCode.LABEL_SEP_UNUSED: lambda n: (
        f"--label-sep {n['label_sep']!r} never occurs in label column {n['column']!r}, so every "
        f"cell became one label (e.g. {n['example']!r}); {n['share']:.0%} of the cells contain "
        f"{n['guess']!r}: pass --label-sep {n['guess']!r} if it separates the labels"
    ),
    LoadNoteCode.MISSING_LABELS_DROPPED: lambda n: (
        f"dropped {n['n_rows']} row(s) with missing label values (--missing-labels drop)"
    ),
    LoadNoteCode.DUPLICATE_FEATURE_NAMES: _duplicate_feature_names,
    LoadNoteCode.ROW_INDEX_DROPPED: lambda n: (
        f"dropped {len(n['columns'])} row index column(s) saved with the data: "
        + ", ".join(repr(column) for column in n["columns"])
    ),
    LoadNoteCode.TEXT_ONE_HOT: lambda n: (
        f"encoded {n['n_columns']} text feature column(s) as indicator columns "
        f"(e.g. {n['examples'][0]!r})"
    ),
    LoadNoteCode.TEXT_DROPPED: lambda n: (
        f"dropped {n['n_columns']} text column(s) with more than {n['max_categories']} distinct "
        f"values or a distinct value per row (free text or identifiers): {_some(n)}"
    ),
    LoadNoteCode.UNSUPPORTED_DROPPED: _unsupported,
    LoadNoteCode.EMPTY_DROPPED: lambda n: (
        f"dropped {n['n_columns']} feature column(s) without any value (every value empty or "
        f"missing): {_some(n)}"
    ),
    LoadNoteCode.DECIMAL_COMMA: lambda n: (
        f"read {n['n_columns']} column(s) of numbers written with a decimal comma ('1,5' as "
        f"1.5): {_some(n)}"
    ),
    LoadNoteCode.NOMINAL_ONE_HOT: lambda n: (
        f"encoded {n['n_columns']} nominal feature(s) as indicator columns "
        f"(e.g. {n['examples'][0]!r}; two-valued ones as one 0/1 column)"
    ),
    LoadNoteCode.STRING_DROPPED: lambda n: (
        f"dropped {n['n_columns']} string/date attribute(s): {_some(n)}"
    ),
    LoadNoteCode.IDENTIFIER_DROPPED: lambda n: (
        f"dropped {n['n_columns']} identifier attribute(s) (a distinct value in every row): "
        f"{_some(n)}"
    ),
    LoadNoteCode.CONSTANT_NOMINAL_DROPPED: lambda n: (
        f"dropped {n['n_columns']} nominal attribute(s) declaring a single value (constant): "
        f"{_some(n)}"
    ),
    LoadNoteCode.IMPUTED: lambda n: (
        f"imputed {n['n_values']} missing, non-finite or beyond-float32 feature value(s) in "
        f"{n['n_columns']} column(s) with the column mean (e.g. {n['example']!r}); rescale "
        f"a column of huge values"
    ),
    LoadNoteCode.STORED_SPARSE: lambda n: f"stored X as sparse: {n['density']:.1%} non-zeros",
}
