"""Robust loading (issue 9): mixed and unsorted sparse ARFF rows, header checks, encodings.

Covers feasibility/io/arff.py and feasibility/io/encoding.py, and the CSV reader's use of
the latter.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility import DatasetError, load
from feasibility.errors import FeasibilityWarning
from feasibility.io.encoding import Utf8Recoder, to_utf8

HEADER = """@relation 'robust: -C 2'
@attribute a {0,1}
@attribute b {0,1}
@attribute x numeric
@attribute colour {red,green,blue}
@attribute y numeric
@data
"""
# Sparse rows leave out zeros, and a nominal attribute's first declared value ('red').
DENSE_ROWS = ["1,0,0.5,red,0", "0,1,0,green,2.5", "0,0,?,blue,0", "1,1,0,red,4"]
SPARSE_ROWS = ["{0 1,2 0.5}", "{1 1,3 green,4 2.5}", "{2 ?,3 blue}", "{0 1,1 1,4 4}"]


def write(path, data: bytes | str, compress: str | None = None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if compress == ".bz2":
        data = bz2.compress(data)
    elif compress == ".gz":
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def dense_X(dataset) -> np.ndarray:
    return dataset.X.toarray() if dataset.is_sparse else np.asarray(dataset.X)


def assert_same_data(left, right) -> None:
    np.testing.assert_array_equal(left.Y, right.Y)
    np.testing.assert_allclose(dense_X(left), dense_X(right), rtol=1e-6)
    assert left.label_names == right.label_names
    assert left.feature_names == right.feature_names


# ----------------------------------------------------------------------------- mixed rows


@pytest.mark.parametrize("first", ["dense", "sparse"])
@pytest.mark.parametrize("compress", [None, ".bz2"])
def test_load_arff_mixed_dense_and_sparse_rows_equal_the_dense_file(tmp_path, first, compress):
    suffix = compress or ""
    dense = load(write(tmp_path / f"dense.arff{suffix}", HEADER + "\n".join(DENSE_ROWS), compress))
    # Alternate the two notations row by row, starting with either.
    offset = 0 if first == "dense" else 1
    rows = [
        (DENSE_ROWS if (index + offset) % 2 == 0 else SPARSE_ROWS)[index]
        for index in range(len(DENSE_ROWS))
    ]
    mixed = load(write(tmp_path / f"mixed.arff{suffix}", HEADER + "\n".join(rows), compress))
    assert_same_data(mixed, dense)
    assert mixed.is_sparse


def test_load_arff_mixed_rows_wrong_number_of_values_names_the_line(tmp_path):
    rows = [SPARSE_ROWS[0], DENSE_ROWS[1], "0,1,0.5", SPARSE_ROWS[3]]
    path = write(tmp_path / "short.arff", HEADER + "\n".join(rows))
    # The header takes lines 1-7, so the third data row is on line 10.
    with pytest.raises(DatasetError, match="short.arff: line 10: row has 3 values .* 5 attributes"):
        load(path)


# ----------------------------------------------------------------------------- sparse indices

UNSORTED = ["{2 1,1 1,4 0.2}", "{0 1,4 2,2 0.5}", "{4 3,0 1,1 1}"]
SORTED = ["{1 1,2 1,4 0.2}", "{0 1,2 0.5,4 2}", "{0 1,1 1,4 3}"]
NUMERIC_HEADER = """@relation 'idx: -C 2'
@attribute a {0,1}
@attribute b {0,1}
@attribute x numeric
@attribute z numeric
@attribute y numeric
@data
"""


@pytest.mark.parametrize("compress", [None, ".gz"])
def test_load_arff_unsorted_sparse_indices_fast_path(tmp_path, compress):
    suffix = compress or ""
    sorted_text, unsorted_text = (NUMERIC_HEADER + "\n".join(rows) for rows in (SORTED, UNSORTED))
    expected = load(write(tmp_path / f"s.arff{suffix}", sorted_text, compress))
    ds = load(write(tmp_path / f"u.arff{suffix}", unsorted_text, compress))
    assert "fast parser" in ds.format
    assert_same_data(ds, expected)
    np.testing.assert_array_equal(ds.Y, [[0, 1], [1, 0], [1, 1]])


def test_load_arff_unsorted_sparse_indices_general_path(tmp_path):
    expected = load(write(tmp_path / "s.arff", NUMERIC_HEADER + "\n".join(SORTED)))
    # A comment sends the data to the general parser.
    text = NUMERIC_HEADER + "% unsorted on purpose\n" + "\n".join(UNSORTED)
    ds = load(write(tmp_path / "u.arff", text))
    assert "general parser" in ds.format
    assert_same_data(ds, expected)


@pytest.mark.parametrize(
    ("comment", "compress"), [("", None), ("", ".bz2"), ("% general parser\n", None)]
)
def test_load_arff_repeated_sparse_index_names_the_line(tmp_path, comment, compress):
    rows = [SORTED[0], "{0 1,0 0,4 1}", SORTED[2]]
    path = write(
        tmp_path / f"rep.arff{compress or ''}", NUMERIC_HEADER + comment + "\n".join(rows), compress
    )
    line = 10 if comment else 9  # the header takes 7 lines; the bad row is the second
    with pytest.raises(DatasetError, match=f"line {line}: sparse index 0 appears twice in the row"):
        load(path)


# ----------------------------------------------------------------------------- header


def test_load_arff_second_relation_line_is_an_error(tmp_path):
    text = """@relation 'first: -C 2'
@attribute a {0,1}
@relation second
@attribute b {0,1}
@attribute x numeric
@data
1,0,1
0,1,2
"""
    path = write(tmp_path / "two.arff", text)
    with pytest.raises(DatasetError, match=r"two.arff: .*line 3 \(a second @relation.*line 1"):
        load(path)


# ----------------------------------------------------------------------------- encodings

ACCENTED = """% étiquettes
@relation 'enc: -C 2'
@attribute café {0,1}
@attribute naïve {0,1}
@attribute x numeric
@attribute couleur {rouge,'déjà vu'}
@data
1,0,0.5,rouge
0,1,1.5,'déjà vu'
1,1,2.5,rouge
"""


def loaded_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return load(path)


def test_load_arff_with_utf8_bom(tmp_path):
    expected = load(write(tmp_path / "plain.arff", ACCENTED))
    for compress in (None, ".bz2"):
        path = tmp_path / f"bom.arff{compress or ''}"
        ds = load(write(path, codecs.BOM_UTF8 + ACCENTED.encode("utf-8"), compress))
        assert_same_data(ds, expected)
        assert ds.label_names == ("café", "naïve")
        assert not any("UTF" in str(note) for note in ds.notes)


@pytest.mark.parametrize(
    ("encoded", "described"),
    [
        (codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le"), "UTF-16 (little-endian)"),
        (codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"), "UTF-16 (big-endian)"),
        (ACCENTED.encode("utf-16-le"), "UTF-16 (little-endian, no byte-order mark)"),
        (ACCENTED.encode("utf-16-be"), "UTF-16 (big-endian, no byte-order mark)"),
        (ACCENTED.encode("utf-32"), "UTF-32"),
    ],
)
@pytest.mark.parametrize("compress", [None, ".bz2"])
def test_load_arff_utf16_is_decoded_with_a_note(tmp_path, encoded, described, compress):
    expected = load(write(tmp_path / "plain.arff", ACCENTED))
    path = write(tmp_path / f"wide.arff{compress or ''}", encoded, compress)
    with pytest.warns(FeasibilityWarning, match="decoded from UTF-"):
        ds = load(path)
    assert_same_data(ds, expected)
    assert ds.label_names == ("café", "naïve")
    assert any(str(note).startswith(f"decoded from {described}") for note in ds.notes)


def test_load_arff_broken_utf16_is_refused(tmp_path):
    # A byte-order mark, then a lone high surrogate: not UTF-16 text.
    path = write(tmp_path / "broken.arff", codecs.BOM_UTF16_LE + b"\x00\xd8" + b"@\x00r\x00")
    with pytest.raises(DatasetError, match="broken.arff: file is UTF-16.*convert it to UTF-8"):
        loaded_quietly(path)


@pytest.mark.parametrize("compress", [None, ".bz2"])
def test_load_arff_latin1_names_are_decoded_with_a_note(tmp_path, compress):
    expected = load(write(tmp_path / "plain.arff", ACCENTED))
    path = write(tmp_path / f"latin.arff{compress or ''}", ACCENTED.encode("latin-1"), compress)
    with pytest.warns(FeasibilityWarning, match="latin.arff.*not valid UTF-8"):
        ds = load(path)
    assert_same_data(ds, expected)
    assert ds.label_names == ("café", "naïve")
    # The first byte that is not UTF-8 is the 'é' of the comment on line 1.
    assert any("not valid UTF-8 (first at line 1, byte 0xE9)" in str(note) for note in ds.notes)
    assert any("Windows-1252" in str(note) for note in ds.notes)


def test_load_arff_utf8_and_cp1252_in_one_file(tmp_path):
    # 'naïve' saved as UTF-8, then a label typed in a Windows editor: 'prix€' (0x80 in cp1252).
    text = ACCENTED.replace("café", "prix€").encode("utf-8").replace("€".encode(), b"\x80")
    ds = loaded_quietly(write(tmp_path / "both.arff", text))
    assert ds.label_names == ("prix€", "naïve")
    assert any("first at line 3, byte 0x80" in str(note) for note in ds.notes)


def test_load_csv_latin1_column_names_are_decoded(tmp_path):
    text = "café,naïve,x\n1,0,0.5\n0,1,1.5\n1,1,2.5\n"
    path = write(tmp_path / "latin.csv", text.encode("latin-1"))
    with pytest.warns(FeasibilityWarning, match="latin.csv.*not valid UTF-8.*line 1"):
        ds = load(path, labels=["café", "naïve"])
    assert ds.label_names == ("café", "naïve")
    np.testing.assert_array_equal(ds.Y, [[1, 0], [0, 1], [1, 1]])
    assert any("not valid UTF-8 (first at line 1, byte 0xE9)" in str(note) for note in ds.notes)


def test_load_csv_utf16_is_decoded(tmp_path):
    text = "café,naïve,x\n1,0,0.5\n0,1,1.5\n"
    path = write(tmp_path / "wide.csv", text.encode("utf-16"))
    with pytest.warns(FeasibilityWarning, match="wide.csv: decoded from UTF-16"):
        ds = load(path, labels=["café", "naïve"])
    assert ds.label_names == ("café", "naïve") and ds.feature_names == ("x",)
    assert any(str(note).startswith("decoded from UTF-16") for note in ds.notes)


# ----------------------------------------------------------------------------- the recoder


def test_to_utf8_passes_utf8_through_without_a_copy():
    raw = b"ascii,only\n" * 1000
    text, notes = to_utf8(raw, "f.arff")
    assert text is raw and notes == []
    accented = ACCENTED.encode("utf-8")
    text, notes = to_utf8(accented, "f.arff")
    assert text is accented and notes == []


def test_to_utf8_stray_nul_is_not_utf16():
    raw = b"\x00" + b"a,b\n" * 200  # a stray NUL is not the every-other-byte pattern
    text, notes = to_utf8(raw, "f.csv")
    assert text == raw and notes == []


@st.composite
def pieces_of(draw):
    # No NUL, 'ÿ' or 'þ': Latin-1 text starting 'ÿþ' would be a UTF-16 byte-order mark.
    # '€', '中' and '😀' take 3 and 4 bytes in UTF-8, so a cut can fall inside them.
    alphabet = st.one_of(
        st.characters(min_codepoint=1, max_codepoint=0x2FF, exclude_characters="ÿþ"),
        st.sampled_from("€中😀§"),
    )
    text = draw(st.text(alphabet=alphabet, max_size=60))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "mixed"]))
    if encoding == "mixed":  # UTF-8 with Latin-1 bytes where the text has '§'
        raw = text.encode("utf-8").replace("§".encode(), b"\xa7")
    else:
        raw = text.encode(encoding, errors="replace")
    cuts = sorted(draw(st.lists(st.integers(0, len(raw)), max_size=6)))
    return raw, [raw[start:end] for start, end in zip([0, *cuts], [*cuts, len(raw)])]


@settings(max_examples=300, deadline=None)
@given(pieces_of())
def test_recoder_output_does_not_depend_on_where_the_stream_is_cut(case):
    raw, pieces = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        whole, whole_notes = to_utf8(raw, "f")
        recoder = Utf8Recoder("f")
        streamed = b"".join(recoder.recode(pieces))
    assert streamed == whole
    # The example quoted in a note comes from the piece at hand; the rest must agree.
    assert [str(n).split(" (e.g.")[0] for n in recoder.notes] == [
        str(n).split(" (e.g.")[0] for n in whole_notes
    ]
    whole.decode("utf-8")  # always valid UTF-8
