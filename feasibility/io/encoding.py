"""Text encodings of dataset files: whatever a file is written in, the parsers see UTF-8.

Most dataset files are ASCII or UTF-8 and pass through untouched (one ``isascii`` scan,
no copy). The others are recoded, with a note saying what was done:

- a UTF-8 byte-order mark is dropped;
- UTF-16 and UTF-32 (with a byte-order mark, or UTF-16 without one, recognised by the
  NUL bytes that ASCII text leaves in every other byte) are decoded;
- bytes that are not valid UTF-8 (a label name such as ``caf\\xe9`` saved by a Latin-1 or
  Windows editor) are read as Windows-1252, the superset of Latin-1 that such editors
  write, while the valid UTF-8 around them is kept.

:class:`Utf8Recoder` works on a stream of pieces (the decompressed pieces of a ``.bz2``
file); :func:`to_utf8` on a whole file.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

from ..errors import DatasetError
from ..notes import warn_note
from .notes import LoadNote, LoadNoteCode

#: Bytes looked at before deciding how a file is encoded (BOM-less UTF-16 needs a sample).
SNIFF_BYTES = 512

#: Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32", "little"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32", "big"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16", "little"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16", "big"),
)

#: Windows-1252 differs from Latin-1 only in 0x80-0x9F (curly quotes, euro sign, ...);
#: its five undefined bytes there stay the Latin-1 control characters.
_CP1252_OVER_LATIN1 = {
    byte: ord(bytes([byte]).decode("cp1252"))
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_FALLBACK_ERRORS = "feasibility-cp1252"


def _decode_as_cp1252(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: the bytes UTF-8 rejects, read as Windows-1252."""
    bad = exc.object[exc.start : exc.end]
    return bad.decode("latin-1").translate(_CP1252_OVER_LATIN1), exc.end


codecs.register_error(_FALLBACK_ERRORS, _decode_as_cp1252)


def _incomplete_tail(data: bytes) -> int:
    """Length of a UTF-8 sequence cut off at the end of ``data`` (0 when none).

    Pieces of a stream are cut anywhere; such a tail is completed by the next piece.
    """
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # the lead byte says how long its sequence is
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if length > back else 0
    return 0


def _sniff_utf16(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``head`` looks like BOM-less UTF-16 text."""
    pairs = len(head) // 2
    if pairs < 2 or b"\x00" not in head:
        return None
    even_nuls = head[0 : 2 * pairs : 2].count(0)
    odd_nuls = head[1 : 2 * pairs : 2].count(0)
    # Text in a Latin script puts a NUL in (nearly) every high byte and none in the low ones.
    if odd_nuls >= 0.6 * pairs and even_nuls <= 0.1 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.6 * pairs and odd_nuls <= 0.1 * pairs:
        return "utf-16-be"
    return None


class Utf8Recoder:
    """Turn the pieces of a file into UTF-8, whatever its encoding; see the module docstring.

    Parameters
    ----------
    where : str
        The file, for messages.

    Attributes
    ----------
    notes : list of LoadNote
        What was done to the text (empty for a UTF-8 or ASCII file). Each note is also
        warned as a :class:`~feasibility.notes.FeasibilityNoteWarning`.

    Examples
    --------
    >>> import warnings
    >>> recoder = Utf8Recoder("labels.csv")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     b"".join(recoder.recode([b"a,caf", b"\\xe9\\n"])).decode()
    'a,café\\n'
    >>> recoder.notes[0].to_dict()
    {'code': 'not_utf8', 'line': 1, 'byte': 233, 'example': 'a,café'}
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self.notes: list[LoadNote] = []
        self._head = b""  # the first bytes, until the encoding is decided
        self._decoder = None  # incremental decoder for UTF-16/32, None for UTF-8
        self._encoding: dict = {}  # what the file is: {"encoding", "byte_order", "bom"}
        self._decided = False
        self._carry = b""  # a UTF-8 sequence cut at the end of the previous piece
        # Pieces already passed on: kept (references only) until the first invalid byte,
        # to give its line without counting the newlines of every valid file.
        self._passed: list[bytes] | None = []

    def recode(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Yield the UTF-8 text of ``pieces``, piece by piece (empty pieces are skipped)."""
        for piece in pieces:
            out = self.feed(piece)
            if out:
                yield out
        out = self.finish()
        if out:
            yield out

    def feed(self, piece: bytes) -> bytes:
        """Recode the next piece; may hold back a few bytes until the next call."""
        if not self._decided:
            self._head = self._head + piece if self._head else piece
            if len(self._head) < SNIFF_BYTES:
                return b""
            piece, self._head = self._decide(self._head), b""
        return self._recode(piece, final=False)

    def finish(self) -> bytes:
        """Recode what is held back at the end of the file."""
        piece = b""
        if not self._decided:
            piece, self._head = self._decide(self._head), b""
        return self._recode(piece, final=True)

    def _decide(self, head: bytes) -> bytes:
        """Choose the encoding from the first bytes; return ``head`` without a UTF-8 BOM."""
        self._decided = True
        if head.startswith(codecs.BOM_UTF8):
            return head[len(codecs.BOM_UTF8) :]
        for bom, codec, name, order in _BOMS:
            if head.startswith(bom):
                self._start_decoder(codec, {"encoding": name, "byte_order": order, "bom": True})
                return head
        sniffed = _sniff_utf16(head[:SNIFF_BYTES])
        if sniffed is not None:
            order = "little" if sniffed.endswith("le") else "big"
            self._start_decoder(sniffed, {"encoding": "UTF-16", "byte_order": order, "bom": False})
        return head

    def _start_decoder(self, codec: str, encoding: dict) -> None:
        self._decoder = codecs.getincrementaldecoder(codec)("strict")
        self._encoding = encoding

    def _recode(self, piece: bytes, *, final: bool) -> bytes:
        if self._decoder is not None:
            try:
                text = self._decoder.decode(piece, final)
            except UnicodeDecodeError as exc:
                encoding = self._encoding
                raise DatasetError(
                    f"{self.where}: file is {encoding['encoding']} ({encoding['byte_order']}-endian"
                    f"{'' if encoding['bom'] else ', no byte-order mark'}) but cannot be decoded "
                    f"as such ({exc.reason}); convert it to UTF-8."
                ) from None
            if final:  # noted once the whole file has decoded
                self._note(LoadNote(LoadNoteCode.DECODED, self._encoding))
            return text.encode("utf-8")
        if self._carry:
            piece, self._carry = self._carry + piece, b""
        if piece.isascii():
            return self._passed_on(piece)
        if not final:
            cut = _incomplete_tail(piece)
            if cut:
                piece, self._carry = piece[:-cut], piece[-cut:]
        try:
            piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            if self._passed is not None:
                self._note_fallback(piece, exc.start)
            return piece.decode("utf-8", _FALLBACK_ERRORS).encode("utf-8")
        return self._passed_on(piece)

    def _passed_on(self, piece: bytes) -> bytes:
        if self._passed is not None:
            self._passed.append(piece)
        return piece

    def _note_fallback(self, piece: bytes, start: int) -> None:
        """Note the first byte that is not UTF-8, with its line and how it was read."""
        lines_before = sum(passed.count(b"\n") for passed in self._passed)
        line = 1 + lines_before + piece.count(b"\n", 0, start)
        self._passed = None
        line_start = piece.rfind(b"\n", 0, start) + 1
        line_end = piece.find(b"\n", start)
        context = piece[max(line_start, start - 20) : line_end if line_end >= 0 else start + 20]
        shown = context[:40].decode("utf-8", _FALLBACK_ERRORS).strip()
        values = {"line": line, "byte": piece[start], "example": shown}
        self._note(LoadNote(LoadNoteCode.NOT_UTF8, values))

    def _note(self, note: LoadNote) -> None:
        self.notes.append(note)
        warn_note(note, where=self.where, stacklevel=2)


def to_utf8(raw: bytes, where: str) -> tuple[bytes, list[LoadNote]]:
    """Return the content of a whole file as UTF-8 bytes, and notes on what was done.

    ASCII and UTF-8 content is returned as is (the same object, no copy).

    Parameters
    ----------
    raw : bytes
        The file's content (decompressed).
    where : str
        The file, for messages.

    Returns
    -------
    text : bytes
        The content as UTF-8, without a byte-order mark.
    notes : list of LoadNote
        One note per recoding step (also warned); empty for UTF-8 files.

    Raises
    ------
    DatasetError
        When a file marked or recognised as UTF-16/32 cannot be decoded as such.

    See Also
    --------
    Utf8Recoder : the same for a stream of pieces.

    Examples
    --------
    >>> to_utf8(b"\\xef\\xbb\\xbf@relation r", "r.arff")
    (b'@relation r', [])
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     text, notes = to_utf8("a,b\\n".encode("utf-16"), "t.csv")
    >>> text, notes[0].to_dict()
    (b'a,b\\n', {'code': 'decoded', 'encoding': 'UTF-16', 'byte_order': 'little', 'bom': True})
    """
    recoder = Utf8Recoder(where)
    parts = list(recoder.recode([raw]))
    text = parts[0] if len(parts) == 1 else b"".join(parts)
    return text, recoder.notes


#: Bytes no text table holds (C0 controls other than tab, newlines, form feed and escape).
_BINARY_BYTES = bytes(set(range(32)) - set(b"\t\n\r\f\x0b\x1b"))
#: Share of such bytes in the first block above which a file is binary, not text.
BINARY_SHARE = 0.01


def refuse_binary(text: bytes, where: str, separator: str = ",", block: int = 65536) -> None:
    """Raise a DatasetError when a file's (UTF-8) content is binary data, not a text table.

    Checked on the first ``block`` bytes after :func:`to_utf8` (so UTF-16 text, whose NUL
    bytes are gone by then, passes): any NUL, or more than ``BINARY_SHARE`` control bytes
    other than the field ``separator`` (a file may be separated by, e.g., ``\\x1f``).

    Examples
    --------
    >>> refuse_binary(b"a,b\\n1,0\\n", "t.csv")
    >>> refuse_binary(b"PK\\x03\\x04\\x00\\x00", "t.csv")
    Traceback (most recent call last):
    ...
    feasibility.errors.DatasetError: t.csv: holds binary data, not text (byte 2 is 0x03); is it the right file? A compressed file needs its suffix (.gz, .bz2 or .xz).
    """
    head = text[:block]
    binary = set(_BINARY_BYTES) - set(separator.encode("utf-8"))
    n_controls = sum(head.count(byte) for byte in binary)
    if b"\x00" in head or n_controls > BINARY_SHARE * max(len(head), 1):
        position = next(i for i, byte in enumerate(head) if byte in binary or byte == 0)
        raise DatasetError(
            f"{where}: holds binary data, not text (byte {position} is 0x{head[position]:02X}); "
            f"is it the right file? A compressed file needs its suffix (.gz, .bz2 or .xz)."
        )
