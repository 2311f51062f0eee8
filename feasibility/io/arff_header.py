"""ARFF header: attributes, the MEKA ``-C`` option, MULAN label XML, label columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from ..errors import DatasetError
from .common import split_suffixes

NUMERIC_TYPES = {"numeric", "real", "integer"}
#: A nominal attribute with more declared values than this and a distinct value in every
#: row is an identifier (e.g. genbase's protein id), not a feature.
ID_MIN_ROWS = 20

#: Decompressed bytes gathered before a piece is parsed: large enough that the per-call
#: overhead of the parser is small, small enough to overlap with decompression.
STREAM_PIECE_BYTES = 4 << 20

DATA_LINE = re.compile(rb"^[ \t]*@data[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
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


def unquote(token: str) -> str:
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
        return unquote(text[pos : end + 1]), end + 1
    end = pos
    while end < len(text) and text[end] not in " \t{":
        end += 1
    return text[pos:end], end


_FIELD = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,]*)\s*(,|$)""")


def split_fields(text: str) -> list[str]:
    """Split a comma-separated ARFF list, honouring both quote styles; values are unquoted."""
    fields = []
    pos = 0
    while True:
        match = _FIELD.match(text, pos)
        if match is None:
            raise ValueError("cannot split values")
        token = match.group(1)
        fields.append(unquote(token) if token[:1] in ("'", '"') else token.strip())
        if match.group(2) != ",":
            if match.end() < len(text):
                raise ValueError(f"unexpected text {text[match.end() :][:20]!r}")
            return fields
        pos = match.end()


def parse_header(raw: bytes, where: str) -> ArffHeader:
    """Parse the ARFF header (everything before ``@data``).

    Raises
    ------
    DatasetError
        When ``@data`` is missing or a declaration cannot be read.
    """
    match = DATA_LINE.search(raw)
    if match is None:
        raise DatasetError(f"{where}: no @data line found; is this an ARFF file?")
    header_text = decode_text(raw[: match.start()])
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
            raise DatasetError(
                f"{where}: cannot read the header at line {number} ({exc})."
            ) from None
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
        values = tuple(split_fields(type_text[1:-1])) if type_text[1:-1].strip() else ()
        return Attribute(name, "nominal", values, number)
    kind = type_text.split(None, 1)[0].lower() if type_text else ""
    if kind in NUMERIC_TYPES:
        return Attribute(name, "numeric", (), number)
    if kind in ("string", "date"):
        return Attribute(name, kind, (), number)
    raise ValueError(f"attribute {name!r} has unsupported type {type_text[:30]!r}")


def decode_text(data: bytes) -> str:
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


def find_label_indices(
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
        return list(
            range(n_attributes - labels_last, n_attributes)
        ), f"last {labels_last} attributes"
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
