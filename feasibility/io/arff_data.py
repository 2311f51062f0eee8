"""ARFF ``@data`` section: a vectorised fast path and a general line-by-line parser.

Both produce one "raw" matrix with one column per attribute (a number for numeric
attributes, the 0-based index of the declared value for nominal ones, NaN for ``?``).
The fast path (numpy locates rows and fields, polars' CSV parser tokenises them) serves
the common large files with no quoting or comments; when it meets anything it does not
expect, it hands over to the general path, which also produces the line-exact errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from ..errors import DatasetError
from .arff_header import (
    DATA_LINE,
    STREAM_PIECE_BYTES,
    ArffHeader,
    Attribute,
    decode_text,
    parse_header,
    split_fields,
    unquote,
)
from .common import iter_decompressed
from .encoding import Utf8Recoder

# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class RawData:
    """The ``@data`` section as numbers: one column per attribute."""

    matrix: np.ndarray | sp.csr_matrix  # float64; nominal = value index; NaN = '?'
    sparse: bool
    row_lines: np.ndarray | None  # 1-based file line of each row (general path only)
    path: str  # "fast" or "general"


def parse_data(raw: bytes, header: ArffHeader, where: str) -> RawData:
    """Parse the ``@data`` section, by the fast path when it applies."""
    body = raw[header.data_offset :]
    fast = _parse_fast(body, header)
    if fast is not None:
        return fast
    return _parse_general(body, header, where)


def _parse_fast(body: bytes, header: ArffHeader) -> RawData | None:
    """Vectorised parse; ``None`` means "use the general path"."""
    if b"%" in body or b"'" in body or b'"' in body:
        return None
    stripped = body.lstrip()
    if not stripped:
        return None
    if stripped[:1] == b"{":
        if any(a.kind == "nominal" and not a.is_binary01 for a in header.attributes):
            return None
        return _parse_fast_sparse(body, len(header.attributes))
    if b"{" in body:
        return None
    return _parse_fast_dense(body, header)


def _parse_fast_sparse(body: bytes, n_attributes: int) -> RawData | None:
    buffer = np.frombuffer(body, dtype=np.uint8)
    opens = np.flatnonzero(buffer == ord("{"))
    closes = np.flatnonzero(buffer == ord("}"))
    n_rows = len(opens)
    if n_rows == 0 or len(closes) != n_rows or np.any(closes < opens):
        return None
    if n_rows > 1 and np.any(opens[1:] < closes[:-1]):
        return None
    # Mark what lies strictly inside a pair of braces (one int8 cumsum over the text).
    marks = np.zeros(len(buffer) + 1, dtype=np.int8)
    marks[opens + 1] += 1
    marks[closes] -= 1
    keep = np.cumsum(marks[:-1], dtype=np.int8) > 0
    # Everything outside the braces (the braces aside) must be whitespace.
    if np.count_nonzero((buffer > 32) & ~keep) != 2 * n_rows:
        return None
    commas = np.flatnonzero(buffer == ord(","))
    commas_per_row = np.searchsorted(commas, closes) - np.searchsorted(commas, opens)
    # "{ }" with only blanks inside leaves a blank line and is caught by the count check below.
    non_empty = (closes - opens) > 1
    pairs_per_row = np.where(non_empty, commas_per_row + 1, 0)
    # One "index value" pair per line: keep only what is inside the braces, turn each
    # closing brace of a non-empty row into a line break and each comma into one.
    keep[closes[non_empty]] = True
    pairs = buffer[keep]
    pairs[pairs == ord("}")] = ord("\n")
    pairs[pairs == ord(",")] = ord("\n")
    total = int(pairs_per_row.sum())
    if total == 0:
        matrix = sp.csr_matrix((n_rows, n_attributes), dtype=np.float64)
        return RawData(matrix, True, None, "fast")
    try:
        table = pl.read_csv(
            pairs.tobytes(),
            has_header=False,
            separator=" ",
            schema={"index": pl.Int32, "value": pl.Float32},  # X is float32 anyway
            null_values="?",
            eol_char="\n",
        )
    except Exception:  # any tokenising surprise: the general path explains it
        return None
    if table.height != total or table["index"].null_count():
        return None
    indices = table["index"].to_numpy()
    values = table["value"].to_numpy()
    if indices.min() < 0 or indices.max() >= n_attributes:
        return None
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(pairs_per_row, out=indptr[1:])
    matrix = sp.csr_matrix((values, indices, indptr), shape=(n_rows, n_attributes))
    if not matrix.has_canonical_format:
        # Unsorted indices are valid ARFF: sort copies (polars' arrays are read-only). A
        # repeated index is not: the general path names its line.
        matrix = sp.csr_matrix(
            (values.copy(), indices.copy(), indptr), shape=(n_rows, n_attributes)
        )
        matrix.sort_indices()
        # A fresh matrix over the sorted arrays, since the old one cached "not canonical".
        matrix = sp.csr_matrix((matrix.data, matrix.indices, indptr), shape=matrix.shape)
        if not matrix.has_canonical_format:
            return None
    return RawData(matrix, True, None, "fast")


def _parse_fast_dense(body: bytes, header: ArffHeader) -> RawData | None:
    n_attributes = len(header.attributes)
    try:
        table = pl.read_csv(
            body.lstrip(),
            has_header=False,
            infer_schema=False,
            new_columns=[f"c{index}" for index in range(n_attributes)],
            quote_char=None,
        )
    except Exception:  # ragged rows and the like: the general path gives the line number
        return None
    if table.width != n_attributes:
        return None
    # Blank lines come back as rows of nulls; a short row has only some nulls.
    table = table.filter(~pl.all_horizontal(pl.all().is_null()))
    if table.height == 0:
        return None
    if any(table[column].null_count() for column in table.columns):
        return None  # a short row or an empty field
    columns = []
    for attribute, column in zip(header.attributes, table.columns):
        text = table[column].str.strip_chars()
        if attribute.kind == "numeric":
            numbers = text.cast(pl.Float64, strict=False)
            if numbers.null_count() != (text == "?").sum():
                return None
            columns.append(numbers.fill_null(float("nan")).to_numpy())
        elif attribute.kind == "nominal":
            mapping = {value: float(index) for index, value in enumerate(attribute.values)}
            mapping["?"] = float("nan")
            codes = text.replace_strict(mapping, default=None, return_dtype=pl.Float64)
            if codes.null_count():
                return None
            columns.append(codes.to_numpy())
        else:
            columns.append(np.zeros(table.height))
    return RawData(np.column_stack(columns), False, None, "fast")


def _parse_general(body: bytes, header: ArffHeader, where: str) -> RawData:
    """Line-by-line parse with exact error locations.

    Dense and sparse ``{index value, ...}`` rows may be mixed, as the ARFF specification
    allows; one sparse row makes the result sparse.
    """
    attributes = header.attributes
    n_attributes = len(attributes)
    lookups = [
        {value: index for index, value in enumerate(a.values)} if a.kind == "nominal" else None
        for a in attributes
    ]
    text = decode_text(body)
    row_lines: list[int] = []
    dense_rows: list[list[float]] = []
    dense_row_numbers: list[int] = []  # row number of each dense row, for a mixed file
    sparse_rows: list[int] = []
    sparse_columns: list[int] = []
    sparse_values: list[float] = []

    def convert(token: str, column: int, line: int) -> float:
        return _raw_value(token, attributes[column], lookups[column], where, line)

    for offset, line_text in enumerate(text.split("\n")):
        line = header.data_line + offset
        stripped = line_text.strip()
        if not stripped or stripped.startswith("%"):
            continue
        is_sparse = stripped.startswith("{")
        try:
            if is_sparse:
                if not stripped.endswith("}"):
                    raise ValueError("sparse row has no closing brace")
                inner = stripped[1:-1].strip()
                fields = split_fields(inner) if inner else []
            else:
                fields = split_fields(stripped)
        except ValueError as exc:
            raise DatasetError(f"{where}: line {line}: cannot read the row ({exc}).") from None
        row = len(row_lines)
        row_lines.append(line)
        if is_sparse:
            columns_in_row: set[int] = set()
            for pair in fields:
                index_text, token = (pair.split(None, 1) + ["", ""])[:2]
                try:
                    column = int(index_text)
                except ValueError:
                    raise DatasetError(
                        f"{where}: line {line}: sparse entry {pair.strip()!r} does not start with "
                        f"an attribute index."
                    ) from None
                if not 0 <= column < n_attributes:
                    raise DatasetError(
                        f"{where}: line {line}: sparse index {column} is out of range; the file "
                        f"declares {n_attributes} attributes (indices 0..{n_attributes - 1})."
                    )
                if column in columns_in_row:
                    raise DatasetError(
                        f"{where}: line {line}: sparse index {column} appears twice in the row; "
                        f"give each attribute at most once."
                    )
                columns_in_row.add(column)
                sparse_rows.append(row)
                sparse_columns.append(column)
                sparse_values.append(convert(unquote(token.strip()), column, line))
        else:
            if len(fields) != n_attributes:
                raise DatasetError(
                    f"{where}: line {line}: row has {len(fields)} values but the header declares "
                    f"{n_attributes} attributes; fix or remove that row."
                )
            dense_rows.append([convert(token, column, line) for column, token in enumerate(fields)])
            dense_row_numbers.append(row)
    return _general_matrix(
        row_lines,
        dense_rows,
        dense_row_numbers,
        (sparse_rows, sparse_columns, sparse_values),
        n_attributes,
    )


def _raw_value(
    token: str, attribute: Attribute, lookup: dict[str, int] | None, where: str, line: int
) -> float:
    """One field of the general parser as a raw number: the value of a numeric attribute,
    the index of a nominal one's value (``lookup``), NaN for ``?``, 0 for the rest."""
    if token == "?":
        return float("nan")
    if attribute.kind == "numeric":
        try:
            return float(token)
        except ValueError:
            raise DatasetError(
                f"{where}: line {line}: value {token!r} of numeric attribute "
                f"{attribute.name!r} is not a number; fix the value or declare the attribute "
                f"nominal."
            ) from None
    if attribute.kind == "nominal":
        index = lookup.get(token)
        if index is None:
            shown = ",".join(attribute.values[:10]) + (",..." if len(attribute.values) > 10 else "")
            raise DatasetError(
                f"{where}: line {line}: value {token!r} of nominal attribute "
                f"{attribute.name!r} is not one of its declared values {{{shown}}}."
            )
        return float(index)
    return 0.0  # string and date attributes are dropped later


def _general_matrix(row_lines, dense_rows, dense_row_numbers, sparse_entries, n_attributes):
    """The raw matrix of the general parser: dense, or CSR when any row was sparse."""
    sparse_rows, sparse_columns, sparse_values = sparse_entries
    n_rows = len(row_lines)
    if len(dense_rows) == n_rows:  # no sparse row
        matrix = np.array(dense_rows, dtype=np.float64).reshape(n_rows, n_attributes)
        return RawData(matrix, False, np.asarray(row_lines), "general")
    rows = np.asarray(sparse_rows, dtype=np.int64)
    columns = np.asarray(sparse_columns, dtype=np.int64)
    values = np.asarray(sparse_values, dtype=np.float64)
    if dense_rows:  # their non-zero values (NaN included) become entries
        block = np.array(dense_rows, dtype=np.float64).reshape(-1, n_attributes)
        in_block, block_columns = np.nonzero(block)
        rows = np.concatenate([rows, np.asarray(dense_row_numbers, dtype=np.int64)[in_block]])
        columns = np.concatenate([columns, block_columns])
        values = np.concatenate([values, block[in_block, block_columns]])
    matrix = sp.csr_matrix((values, (rows, columns)), shape=(n_rows, n_attributes))
    matrix.sum_duplicates()  # sorts the indices; no index repeats (checked above)
    return RawData(matrix, True, np.asarray(row_lines), "general")


def read_and_parse(path: Path, where: str) -> tuple[bytes, ArffHeader, RawData, list[str]]:
    """Read, decompress and parse a file, parsing each decompressed piece by the fast path
    while the next one is being decompressed (the ratio to decompression alone stays small).

    Any piece the fast path declines sends the whole body to :func:`parse_data`. The text
    is recoded to UTF-8 on the way (:class:`~feasibility.io.encoding.Utf8Recoder`); the
    last item returned is its notes.
    """
    recoder = Utf8Recoder(where)
    chunks: list[bytes] = []
    header: ArffHeader | None = None
    pending = b""
    parts: list[RawData] = []
    streaming = True
    for chunk in recoder.recode(iter_decompressed(path)):
        chunks.append(chunk)
        if header is None:
            joined = b"".join(chunks)
            match = DATA_LINE.search(joined)
            if match is None or match.end() >= len(joined):
                continue
            header = parse_header(joined, where)
            pending = joined[header.data_offset :]
        else:
            pending += chunk
        if not streaming or len(pending) < STREAM_PIECE_BYTES:
            continue
        cut = pending.rfind(b"\n")
        if cut < 0:
            continue
        piece, pending = pending[: cut + 1], pending[cut + 1 :]
        streaming = _parse_piece(piece, header, parts)
    raw_bytes = b"".join(chunks) if len(chunks) != 1 else chunks[0]
    if header is None:
        header = parse_header(raw_bytes, where)  # raises the "no @data" error
        return raw_bytes, header, parse_data(raw_bytes, header, where), recoder.notes
    if streaming and pending:
        streaming = _parse_piece(pending, header, parts)
    if streaming and parts and len({part.sparse for part in parts}) == 1:
        if parts[0].sparse:
            matrix = sp.vstack([part.matrix for part in parts], format="csr")
        else:
            matrix = np.vstack([part.matrix for part in parts])
        return raw_bytes, header, RawData(matrix, parts[0].sparse, None, "fast"), recoder.notes
    return raw_bytes, header, parse_data(raw_bytes, header, where), recoder.notes


def _parse_piece(piece: bytes, header: ArffHeader, parts: list[RawData]) -> bool:
    """Fast-parse one run of whole lines into ``parts``; False when the fast path declines."""
    if not piece.strip():
        return True
    part = _parse_fast(piece, header)
    if part is None:
        return False
    parts.append(part)
    return True
