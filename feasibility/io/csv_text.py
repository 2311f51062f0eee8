"""Delimited text as written, before polars parses it: the header, the separator, the records.

polars renames duplicate column names, pads short rows with nulls, reads a blank line as a
row of nulls and reports a long row without its line. Python's :mod:`csv` module, which
follows the same quoting rules, reads the header and, only when polars' result shows a
possible problem, counts the fields of every record and the physical line it starts on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from ..errors import DatasetError, invalid_parameter

#: Separators tried when the header parses as a single column.
SEPARATOR_CANDIDATES = (",", ";", "\t", "|")
#: Spellings of a tab that survive a shell (``--separator '\t'`` passes a backslash and a t).
_TAB_SPELLINGS = {"\\t": "\t", "tab": "\t", "TAB": "\t"}
#: Records read to tell a separator (a header may wrap across lines inside quotes).
_HEAD_RECORDS = 20
_HEAD_BYTES = 1 << 16


def parse_separator(separator: str | None, fmt: str) -> str:
    """Return the one-character field separator of a delimited file.

    Parameters
    ----------
    separator : str or None
        What the user gave (``";"``, ``"\\t"``, ``"tab"``); None for the default of the suffix.
    fmt : str
        The format suffix: ``".tsv"`` defaults to a tab, the others to a comma.

    Raises
    ------
    ParameterError
        When ``separator`` is not a single character usable as a separator.

    Examples
    --------
    >>> parse_separator(None, ".tsv") == "\\t", parse_separator("\\\\t", ".csv") == "\\t"
    (True, True)
    >>> parse_separator(";", ".csv")
    ';'
    """
    if separator is None:
        return "\t" if fmt == ".tsv" else ","
    separator = _TAB_SPELLINGS.get(separator, separator)
    if len(separator) != 1 or len(separator.encode("utf-8")) != 1 or separator in '"\r\n':
        raise invalid_parameter(
            "separator",
            "load",
            "one ASCII character other than a quote or a newline, such as ',', ';', '|' or '\\t'",
            separator,
        )
    return separator


def show_separator(separator: str) -> str:
    """Quote a separator the way a user types it: ``';'``, ``'\\t'``."""
    return "'\\t'" if separator == "\t" else repr(separator)


def _records(text: str, separator: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    records = []
    for record in reader:
        if not records and not record:
            continue  # polars skips blank lines before the header
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def head_records(data: bytes, separator: str) -> list[list[str]]:
    """Return the first complete records (the header first), read as Python's csv does.

    A UTF-8 byte-order mark is dropped. Only the start of the file is decoded, enough for
    :data:`_HEAD_RECORDS` records or the whole file.
    """
    size = _HEAD_BYTES
    while True:
        whole = size >= len(data)
        text = data[:size].decode("utf-8", errors="replace").removeprefix("\ufeff")
        try:
            records = _records(text, separator, _HEAD_RECORDS + 1)
        except csv.Error:
            records = []
        if whole:
            return records[:_HEAD_RECORDS]
        if len(records) > _HEAD_RECORDS:  # the last one may be cut: it is not returned
            return records[:_HEAD_RECORDS]
        size *= 4


def guess_separator(data: bytes, separator: str) -> str | None:
    """Return the separator a file seems to use, when ``separator`` finds a single column.

    The candidates other than ``separator`` are tried; None when none splits the header.
    A candidate wins when it splits the header into the most columns, preferring one that
    splits the first records into as many fields as the header.

    Examples
    --------
    >>> guess_separator(b"a;b;c\\n1;2;3\\n", ",")
    ';'
    >>> guess_separator(b"a,b\\n1,2\\n", ",") is None
    True
    """
    best: tuple[bool, int] | None = None
    guess = None
    for candidate in SEPARATOR_CANDIDATES:
        if candidate == separator:
            continue
        records = [record for record in head_records(data, candidate) if record]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (all(len(record) == width for record in records[1:]), width)
        if best is None or score > best:
            best, guess = score, candidate
    return guess


@dataclass(frozen=True)
class RecordScan:
    """Fields per record and where each record starts, header included (record 0).

    Attributes
    ----------
    field_counts : ndarray of int
        Fields per record; 0 for a blank line (or one holding only spaces).
    first_lines : ndarray of int
        1-based physical line on which each record starts (a quoted field may span lines).
    """

    field_counts: np.ndarray
    first_lines: np.ndarray


def _scan_unquoted(data: bytes, separator: str) -> RecordScan:
    """:func:`scan_records` without quotes: one record per line, counted with numpy."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buffer == ord("\n"))
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    separators = np.flatnonzero(buffer == ord(separator))
    counts = np.searchsorted(separators, ends) - np.searchsorted(separators, starts) + 1
    for line in np.flatnonzero(counts == 1):  # few, except in a one-column file
        if not data[starts[line] : ends[line]].strip().removeprefix(b"\xef\xbb\xbf"):
            counts[line] = 0
    lines = np.arange(1, counts.size + 1)
    filled = np.flatnonzero(counts)
    first = int(filled[0]) if filled.size else counts.size  # blank lines before the header
    return RecordScan(counts[first:].astype(np.int64), lines[first:])


def scan_records(data: bytes, separator: str) -> RecordScan | None:
    """Count the fields of every record of a delimited file; None when csv cannot read it.

    Examples
    --------
    >>> scan = scan_records(b"a,b\\n1,2\\n\\n3\\n", ",")
    >>> scan.field_counts.tolist(), scan.first_lines.tolist()
    ([2, 2, 0, 1], [1, 2, 3, 4])
    >>> scan_records(b'a,b\\n"x\\ny",2\\n3,4', ",").first_lines.tolist()
    [1, 2, 4]
    """
    if b'"' not in data:
        return _scan_unquoted(data, separator)
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    counts: list[int] = []
    lines: list[int] = []
    previous_line = 0
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long text cell is a value, not an error
    try:
        for record in reader:
            blank = not record or (len(record) == 1 and not record[0].strip())
            if counts or not blank:  # polars skips blank lines before the header
                counts.append(0 if blank else len(record))
                lines.append(previous_line + 1)
            previous_line = reader.line_num
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(limit)
    return RecordScan(np.array(counts, dtype=np.int64), np.array(lines, dtype=np.int64))


def _more(n_more: int) -> str:
    return f" ({n_more} more row(s) like it)" if n_more else ""


def refuse_ragged(
    scan: RecordScan, n_columns: int, separator: str, where: str, *, allow_one_less: bool = False
) -> None:
    """Raise for the first record (blank lines aside) with more or fewer fields than the header.

    ``allow_one_less`` accepts records one field short (a header ending with a separator).

    Raises
    ------
    DatasetError
        Naming the physical line and both field counts.
    """
    counts = scan.field_counts[1:]
    fits = (counts == n_columns) | (counts == 0)
    if allow_one_less:
        fits |= counts == n_columns - 1
    ragged = np.flatnonzero(~fits)
    if not ragged.size:
        return
    record = int(ragged[0]) + 1
    found = int(scan.field_counts[record])
    line = int(scan.first_lines[record])
    shown = show_separator(separator)
    if found < n_columns:
        raise DatasetError(
            f"{where}: line {line} has {found} field(s) but the header has {n_columns} columns"
            f"{_more(ragged.size - 1)}; add the missing value(s) (an empty field or ? marks a "
            f"value as missing) or check the separator ({shown})."
        )
    raise DatasetError(
        f"{where}: line {line} has {found} fields but the header has {n_columns} columns"
        f"{_more(ragged.size - 1)}; remove the extra field(s) or quote values that contain the "
        f"separator {shown}."
    )
