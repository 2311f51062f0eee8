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

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import polars as pl
import scipy.sparse as sp

from ..dataset import MultilabelDataset
from ..errors import DatasetError
from .common import (
    impute_dense,
    impute_sparse,
    iter_decompressed,
    split_suffixes,
    validate_labels,
)
from .encoding import Utf8Recoder

NUMERIC_TYPES = {"numeric", "real", "integer"}
#: A nominal attribute with more declared values than this and a distinct value in every
#: row is an identifier (e.g. genbase's protein id), not a feature.
ID_MIN_ROWS = 20

#: Decompressed bytes gathered before a piece is parsed: large enough that the per-call
#: overhead of the parser is small, small enough to overlap with decompression.
STREAM_PIECE_BYTES = 4 << 20

_DATA_LINE = re.compile(rb"^[ \t]*@data[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_MEKA_LABELS = re.compile(r"(?:^|\s)-C\s+(-?\d+)")


@dataclass(frozen=True)
class Attribute:
    """One ``@attribute`` declaration."""

    name: str
    kind: str  # "numeric", "nominal", "string" or "date"
    values: tuple[str, ...]  # declared nominal values, in order
    line: int  # 1-based line of the declaration

    @property
    def is_binary01(self) -> bool:
        """Nominal ``{0,1}``: its value index equals its numeric value."""
        return self.kind == "nominal" and self.values == ("0", "1")


@dataclass(frozen=True)
class ArffHeader:
    """Parsed header of an ARFF file."""

    relation: str
    attributes: tuple[Attribute, ...]
    data_line: int  # 1-based line number of the first line after ``@data``
    data_offset: int  # byte offset of that line


# ----------------------------------------------------------------------------- header


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def _read_token(text: str, pos: int) -> tuple[str, int]:
    """Read one possibly quoted token starting at ``pos``; return it and the next position."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos < len(text) and text[pos] in "'\"":
        quote = text[pos]
        end = pos + 1
        while end < len(text) and text[end] != quote:
            end += 2 if text[end] == "\\" else 1
        if end >= len(text):
            raise ValueError("unterminated quote")
        return _unquote(text[pos : end + 1]), end + 1
    end = pos
    while end < len(text) and text[end] not in " \t{":
        end += 1
    return text[pos:end], end


_FIELD = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,]*)\s*(,|$)""")


def _split_fields(text: str) -> list[str]:
    """Split a comma-separated ARFF list, honouring both quote styles; values are unquoted."""
    fields = []
    pos = 0
    while True:
        match = _FIELD.match(text, pos)
        if match is None:
            raise ValueError("cannot split values")
        token = match.group(1)
        fields.append(_unquote(token) if token[:1] in ("'", '"') else token.strip())
        if match.group(2) != ",":
            if match.end() < len(text):
                raise ValueError(f"unexpected text {text[match.end():][:20]!r}")
            return fields
        pos = match.end()


def parse_header(raw: bytes, where: str) -> ArffHeader:
    """Parse the ARFF header (everything before ``@data``).

    Raises
    ------
    DatasetError
        When ``@data`` is missing or a declaration cannot be read.
    """
    match = _DATA_LINE.search(raw)
    if match is None:
        raise DatasetError(f"{where}: no @data line found; is this an ARFF file?")
    header_text = _decode(raw[: match.start()])
    relation = ""
    relation_line = 0
    attributes: list[Attribute] = []
    lines = header_text.split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        keyword = stripped.split(None, 1)[0].lower()
        rest = stripped[len(keyword) :].strip()
        try:
            if keyword == "@relation":
                if relation_line:
                    raise ValueError(
                        f"a second @relation; the first is on line {relation_line} and a file "
                        f"has one, remove the other"
                    )
                relation, relation_line = _read_token(rest, 0)[0], number
            elif keyword == "@attribute":
                attributes.append(_parse_attribute(rest, number))
            else:
                raise ValueError(f"unexpected line {stripped[:40]!r}")
        except ValueError as exc:
            raise DatasetError(f"{where}: cannot read the header at line {number} ({exc}).") from None
    if not attributes:
        raise DatasetError(f"{where}: the header declares no @attribute.")
    data_offset = match.end() + 1 if raw[match.end() : match.end() + 1] == b"\n" else match.end()
    data_line = raw.count(b"\n", 0, data_offset) + 1
    return ArffHeader(relation, tuple(attributes), data_line, data_offset)


def _parse_attribute(rest: str, number: int) -> Attribute:
    name, pos = _read_token(rest, 0)
    if not name:
        raise ValueError("attribute without a name")
    type_text = rest[pos:].strip()
    if type_text.startswith("{"):
        if not type_text.endswith("}"):
            raise ValueError(f"nominal attribute {name!r} has no closing brace")
        values = tuple(_split_fields(type_text[1:-1])) if type_text[1:-1].strip() else ()
        return Attribute(name, "nominal", values, number)
    kind = type_text.split(None, 1)[0].lower() if type_text else ""
    if kind in NUMERIC_TYPES:
        return Attribute(name, "numeric", (), number)
    if kind in ("string", "date"):
        return Attribute(name, kind, (), number)
    raise ValueError(f"attribute {name!r} has unsupported type {type_text[:30]!r}")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# ----------------------------------------------------------------------------- labels


def read_mulan_xml(xml_path: Path) -> list[str]:
    """Return the label names of a MULAN labels XML file, in document order."""
    try:
        root = ElementTree.parse(xml_path).getroot()
    except (ElementTree.ParseError, OSError) as exc:
        raise DatasetError(f"{xml_path}: cannot read the MULAN labels XML ({exc}).") from None
    names = [
        element.get("name")
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "label" and element.get("name") is not None
    ]
    if not names:
        raise DatasetError(f"{xml_path}: no <label name=...> element found.")
    return names


def _label_indices(
    header: ArffHeader,
    path: Path,
    *,
    xml: Path | None,
    labels: list[str] | None,
    labels_last: int | None,
) -> tuple[list[int], str]:
    """Decide which attributes are labels; return their indices and the convention used."""
    where = str(path)
    names = [attribute.name for attribute in header.attributes]
    n_attributes = len(names)
    position = {name: index for index, name in enumerate(names)}
    if len(position) != n_attributes:
        duplicate = next(name for name in names if names.count(name) > 1)
        raise DatasetError(
            f"{where}: attribute {duplicate!r} is declared twice; attribute names must be unique."
        )

    def by_name(wanted: list[str], origin: str) -> list[int]:
        missing = [name for name in wanted if name not in position]
        if missing:
            raise DatasetError(
                f"{origin}: label {missing[0]!r} is not an attribute of {path.name}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                + "; check the label names."
            )
        return [position[name] for name in wanted]

    if labels:
        return by_name(list(labels), where), "labels given by --labels"
    if labels_last:
        if not 0 < labels_last < n_attributes:
            raise DatasetError(
                f"{where}: --labels-last {labels_last} does not fit {n_attributes} attributes."
            )
        return list(range(n_attributes - labels_last, n_attributes)), f"last {labels_last} attributes"
    if xml is not None:
        return by_name(read_mulan_xml(Path(xml)), str(xml)), f"mulan ({Path(xml).name})"
    match = _MEKA_LABELS.search(header.relation)
    if match:
        count = int(match.group(1))
        if count == 0 or abs(count) > n_attributes:
            raise DatasetError(
                f"{where}: @relation says -C {count} but the file has {n_attributes} attributes; "
                f"fix the -C option."
            )
        if count > 0:
            return list(range(count)), f"meka -C {count}"
        return list(range(n_attributes + count, n_attributes)), f"meka -C {count}"
    stem = split_suffixes(path)[0]
    beside = path.with_name(stem + ".xml")
    if beside.is_file():
        return by_name(read_mulan_xml(beside), str(beside)), f"mulan ({beside.name})"
    raise DatasetError(
        f"{where}: cannot tell which attributes are labels: the @relation has no MEKA '-C n' "
        f"option and there is no MULAN XML {beside.name} beside it; pass --xml PATH, "
        f"--labels a,b,c or --labels-last N."
    )


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
    text = _decode(body)
    row_lines: list[int] = []
    dense_rows: list[list[float]] = []
    dense_row_numbers: list[int] = []  # row number of each dense row, for a mixed file
    n_sparse_rows = 0
    sparse_rows: list[int] = []
    sparse_columns: list[int] = []
    sparse_values: list[float] = []

    def convert(token: str, column: int, line: int) -> float:
        attribute = attributes[column]
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
            index = lookups[column].get(token)
            if index is None:
                shown = ",".join(attribute.values[:10]) + (",..." if len(attribute.values) > 10 else "")
                raise DatasetError(
                    f"{where}: line {line}: value {token!r} of nominal attribute "
                    f"{attribute.name!r} is not one of its declared values {{{shown}}}."
                )
            return float(index)
        return 0.0  # string and date attributes are dropped later

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
                fields = _split_fields(inner) if inner else []
            else:
                fields = _split_fields(stripped)
        except ValueError as exc:
            raise DatasetError(f"{where}: line {line}: cannot read the row ({exc}).") from None
        row = len(row_lines)
        row_lines.append(line)
        if is_sparse:
            n_sparse_rows += 1
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
                sparse_values.append(convert(_unquote(token.strip()), column, line))
        else:
            if len(fields) != n_attributes:
                raise DatasetError(
                    f"{where}: line {line}: row has {len(fields)} values but the header declares "
                    f"{n_attributes} attributes; fix or remove that row."
                )
            dense_rows.append([convert(token, column, line) for column, token in enumerate(fields)])
            dense_row_numbers.append(row)
    n_rows = len(row_lines)
    if not n_sparse_rows:
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
            match = _DATA_LINE.search(joined)
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
) -> tuple[np.ndarray | sp.csr_matrix, list[str], list[str]]:
    """Turn feature attributes into float32 columns; return X, names and notes."""
    matrix = raw.matrix
    n_rows = matrix.shape[0]
    blocks: list = []
    names: list[str] = []
    notes: list[str] = []
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
    if one_hot:
        notes.append(
            f"encoded {len(one_hot)} nominal feature(s) as indicator columns "
            f"(e.g. {one_hot[0]!r}; two-valued ones as one 0/1 column)"
        )
    if dropped_string:
        notes.append(
            f"dropped {len(dropped_string)} string/date attribute(s): {_some(dropped_string)}"
        )
    if dropped_ids:
        notes.append(
            f"dropped {len(dropped_ids)} identifier attribute(s) (a distinct value in every row): "
            f"{_some(dropped_ids)}"
        )
    if dropped_constant:
        notes.append(
            f"dropped {len(dropped_constant)} nominal attribute(s) declaring a single value "
            f"(constant): {_some(dropped_constant)}"
        )
    if raw.sparse:
        X = X.astype(np.float32)
    else:
        X = np.ascontiguousarray(X, dtype=np.float32)
    return X, names, notes


def _some(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


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
    label_indices, convention = _label_indices(
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
