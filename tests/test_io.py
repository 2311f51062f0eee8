"""Tests of the loaders (feasibility/io): formats, conventions, errors, round trips."""

from __future__ import annotations

import bz2
import gzip
import lzma

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feasibility import DatasetError, load
from feasibility.errors import ParameterError

MEKA_DENSE = """% a comment
@relation 'Tiny: -C 2 -split 3'

@attribute a {0,1}
@attribute b {0,1}
@attribute x1 numeric
@attribute 'x two' real
@attribute colour {red,green,blue}
@attribute note string

@data
1,0,0.5,1.5,red,'hello, world'
0,1,?,2.5,green,x
% comment inside the data
1,1,-1,3.5,blue,"y"

"""


def write(path, text, compress=None):
    data = text.encode("utf-8")
    if compress == ".bz2":
        data = bz2.compress(data)
    elif compress == ".gz":
        data = gzip.compress(data)
    elif compress == ".xz":
        data = lzma.compress(data)
    path.write_bytes(data)
    return path


def test_load_meka_dense_general_path(tmp_path):
    ds = load(write(tmp_path / "tiny.arff", MEKA_DENSE))
    assert ds.label_names == ("a", "b")
    np.testing.assert_array_equal(ds.Y, [[1, 0], [0, 1], [1, 1]])
    assert ds.Y.dtype == np.uint8
    assert ds.X.dtype == np.float32
    assert ds.feature_names == ("x1", "x two", "colour=red", "colour=green", "colour=blue")
    # '?' in x1 is imputed with the mean of the observed values (0.5 and -1).
    np.testing.assert_allclose(ds.X[:, 0], [0.5, -0.25, -1.0])
    np.testing.assert_allclose(ds.X[:, 2:], np.eye(3))
    assert ds.n_inputs == 4
    assert "meka -C 2" in ds.format and "general parser" in ds.format
    assert any("string" in str(note) for note in ds.notes)
    assert any("imputed 1 missing" in str(note) for note in ds.notes)


def test_load_meka_negative_c_labels_last(tmp_path):
    text = """@relation "neg: -C -2"
@attribute x numeric
@attribute l1 {0,1}
@attribute l2 numeric
@data
0.1,1,0
0.2,0,1
"""
    ds = load(write(tmp_path / "neg.arff", text))
    assert ds.label_names == ("l1", "l2")
    np.testing.assert_array_equal(ds.Y, [[1, 0], [0, 1]])
    np.testing.assert_allclose(ds.X[:, 0], [0.1, 0.2], rtol=1e-6)


def test_load_dense_fast_path_matches_general_path(tmp_path):
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(40, 3))
    X = rng.normal(size=(40, 4)).round(4)
    header = "@relation 'r: -C 3'\n" + "".join(f"@attribute l{j} {{0,1}}\n" for j in range(3))
    header += "".join(f"@attribute f{j} numeric\n" for j in range(4)) + "@data\n"
    rows = "\n".join(",".join(map(str, list(y) + list(x))) for y, x in zip(Y, X))
    fast = load(write(tmp_path / "fast.arff", header + rows + "\n"))
    slow = load(write(tmp_path / "slow.arff", header + "% force the general path\n" + rows + "\n"))
    assert "fast parser" in fast.format and "general parser" in slow.format
    np.testing.assert_array_equal(fast.Y, Y)
    np.testing.assert_array_equal(fast.Y, slow.Y)
    np.testing.assert_allclose(fast.X, X, rtol=1e-6)
    np.testing.assert_array_equal(fast.X, slow.X)


SPARSE = """@relation 'sp: -C 2'
@attribute l1 {0,1}
@attribute l2 {0,1}
@attribute w1 numeric
@attribute w2 numeric
@attribute kind {b,a}
@data
{0 1,2 3.5}
{1 1,3 2,4 a}
{}
{0 1,1 1,2 1,3 1}
"""


def test_load_sparse_omitted_nominal_is_first_declared_value(tmp_path):
    ds = load(write(tmp_path / "sp.arff", SPARSE))
    assert ds.is_sparse and isinstance(ds.X, sp.csr_matrix)
    np.testing.assert_array_equal(ds.Y, [[1, 0], [0, 1], [0, 0], [1, 1]])
    # 'kind' is {b,a}: omitted means 'b', so the indicator of 'a' is set only in row 1.
    assert ds.feature_names == ("w1", "w2", "kind=a")
    np.testing.assert_allclose(ds.X.toarray(), [[3.5, 0, 0], [0, 2, 1], [0, 0, 0], [1, 1, 0]])


def test_load_sparse_fast_path_equals_general_path(tmp_path):
    rng = np.random.default_rng(1)
    dense = (rng.random((60, 12)) < 0.2) * rng.integers(1, 9, size=(60, 12))
    dense[:, :3] = rng.integers(0, 2, size=(60, 3))
    dense[7] = 0  # an empty row
    header = "@relation 'sp: -C 3'\n" + "".join(f"@attribute a{j} numeric\n" for j in range(12))
    rows = "\n".join(
        "{" + ",".join(f"{j} {v}" for j, v in enumerate(row) if v) + "}" for row in dense
    )
    fast = load(write(tmp_path / "f.arff", header + "@data\n\n" + rows + "\n"))
    slow = load(write(tmp_path / "s.arff", header + "@data\n% c\n" + rows + "\n"))
    assert "fast parser" in fast.format and "general parser" in slow.format
    np.testing.assert_array_equal(fast.Y, dense[:, :3])
    np.testing.assert_array_equal(fast.X.toarray(), dense[:, 3:])
    np.testing.assert_array_equal(fast.X.toarray(), slow.X.toarray())


@pytest.mark.parametrize("suffix", [".bz2", ".gz", ".xz"])
def test_load_compressed(tmp_path, suffix):
    ds = load(write(tmp_path / f"tiny.arff{suffix}", MEKA_DENSE, compress=suffix))
    assert ds.n_samples == 3 and ds.name == "tiny"


MULAN_ARFF = """@relation mulan
@attribute f1 numeric
@attribute 'Swainson\\'s Thrush' {0,1}
@attribute "Brown Creeper" {0,1}
@attribute f2 numeric
@attribute "say \\"hi\\"" {0,1}
@data
1.0,1,0,2.0,0
3.0,0,1,4.0,1
"""
MULAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<labels xmlns="http://mulan.sourceforge.net/labels">
<label name="Swainson's Thrush"></label>
<label name="Brown Creeper"><label name="say &quot;hi&quot;"></label></label>
</labels>
"""


def test_load_mulan_xml_beside_with_quotes_and_spaces(tmp_path):
    write(tmp_path / "birds.xml", MULAN_XML)
    ds = load(write(tmp_path / "birds.arff", MULAN_ARFF))
    assert ds.label_names == ("Swainson's Thrush", "Brown Creeper", 'say "hi"')
    assert ds.feature_names == ("f1", "f2")
    np.testing.assert_array_equal(ds.Y, [[1, 0, 0], [0, 1, 1]])
    assert "mulan (birds.xml)" in ds.format


def test_load_mulan_explicit_xml(tmp_path):
    write(tmp_path / "other.xml", MULAN_XML)
    ds = load(write(tmp_path / "data.arff", MULAN_ARFF), xml=tmp_path / "other.xml")
    assert ds.n_labels == 3


def test_load_labels_option_overrides_arff_convention(tmp_path):
    ds = load(write(tmp_path / "tiny.arff", MEKA_DENSE), labels="a,b")
    assert ds.label_names == ("a", "b")


# ----------------------------------------------------------------------------- CSV / Parquet


def test_load_csv_label_columns_and_text_features(tmp_path):
    frame = pl.DataFrame(
        {
            "id": [f"row{i}" for i in range(30)],
            "size": np.arange(30, dtype=float),
            "colour": ["red", "blue", "green"] * 10,
            "y1": [0, 1] * 15,
            "y2": [1, 1, 0] * 10,
        }
    )
    path = tmp_path / "t.csv"
    frame.write_csv(path)
    ds = load(path, labels=["y1", "y2"])
    assert ds.label_names == ("y1", "y2")
    assert ds.feature_names == ("size", "colour=blue", "colour=green", "colour=red")
    assert ds.n_inputs == 3
    assert any("'id'" in str(note) for note in ds.notes)
    last = load(path, labels_last=2)
    np.testing.assert_array_equal(last.Y, ds.Y)


def test_load_parquet_list_column_default(tmp_path):
    frame = pl.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "labels": [["a", "b"], ["b"], [], ["c", "a"]]})
    path = tmp_path / "t.parquet"
    frame.write_parquet(path)
    ds = load(path)
    assert ds.label_names == ("a", "b", "c")
    np.testing.assert_array_equal(ds.Y, [[1, 1, 0], [0, 1, 0], [0, 0, 0], [1, 0, 1]])
    assert "list column 'labels'" in ds.format


def test_load_csv_delimited_label_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("x,tags\n1,a|b\n2,b\n3,c|a\n")
    ds = load(path, label_column="tags", label_sep="|")
    assert ds.label_names == ("a", "b", "c")
    np.testing.assert_array_equal(ds.Y, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    with pytest.raises(DatasetError, match="--label-sep"):
        load(path, label_column="tags")


def test_csv_arff_parquet_copies_load_equal(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25, 3)).round(5)
    Y = rng.integers(0, 2, size=(25, 3))
    names = ["l0", "l1", "l2"]
    frame = pl.DataFrame(
        {f"f{j}": X[:, j] for j in range(3)} | {n: Y[:, j] for j, n in enumerate(names)}
    )
    frame.write_csv(tmp_path / "d.csv")
    frame.write_parquet(tmp_path / "d.parquet")
    header = "@relation 'd: -C -3'\n" + "".join(f"@attribute f{j} numeric\n" for j in range(3))
    header += "".join(f"@attribute {n} {{0,1}}\n" for n in names) + "@data\n"
    rows = "\n".join(",".join(map(str, list(x) + list(y))) for x, y in zip(X, Y))
    write(tmp_path / "d.arff", header + rows + "\n")
    loaded = [
        load(tmp_path / "d.csv", labels_last=3),
        load(tmp_path / "d.parquet", labels_last=3),
        load(tmp_path / "d.arff"),
    ]
    for ds in loaded:
        np.testing.assert_array_equal(ds.Y, Y)
        np.testing.assert_allclose(ds.X, X, rtol=1e-6)
        assert ds.label_names == tuple(names)
        assert ds.feature_names == ("f0", "f1", "f2")


# ----------------------------------------------------------------------------- embedded


def test_load_embedded_emotions():
    ds = load("emotions")
    assert (ds.n_samples, ds.n_labels, ds.n_features) == (592, 6, 71)
    assert ds.label_names[0] == "amazed-suprised"
    assert "fast parser" in ds.format


def test_load_embedded_flags():
    ds = load("flags")
    assert (ds.n_samples, ds.n_labels, ds.n_inputs) == (194, 7, 19)
    assert ds.label_names == ("red", "green", "blue", "yellow", "white", "black", "orange")


# ----------------------------------------------------------------------------- bad input


def test_error_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="no such file or embedded dataset"):
        load(tmp_path / "nope.arff")


def test_error_unknown_format(tmp_path):
    path = write(tmp_path / "data.xlsx", "x")
    with pytest.raises(DatasetError, match="unknown format '.xlsx'"):
        load(path)


def test_error_arff_without_c_or_xml(tmp_path):
    text = "@relation plain\n@attribute a {0,1}\n@attribute b {0,1}\n@data\n0,1\n"
    with pytest.raises(DatasetError, match="no MULAN XML plain.xml beside it"):
        load(write(tmp_path / "plain.arff", text))


def test_error_xml_label_not_an_attribute(tmp_path):
    write(tmp_path / "m.xml", MULAN_XML.replace("Brown Creeper", "Brown Jay"))
    with pytest.raises(DatasetError, match="label 'Brown Jay' is not an attribute of m.arff"):
        load(write(tmp_path / "m.arff", MULAN_ARFF))


def test_error_label_not_binary_names_attribute_and_values(tmp_path):
    text = "@relation 'r: -C 2'\n@attribute a {0,1,2,3}\n@attribute b {0,1}\n@data\n0,1\n3,0\n2,1\n"
    with pytest.raises(DatasetError, match=r"label attribute 'a' has values \{0,2,3\}"):
        load(write(tmp_path / "r.arff", text))


def test_error_missing_labels_and_drop_option(tmp_path):
    text = "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute x numeric\n@data\n0,1,1\n?,0,2\n1,?,3\n1,1,4\n"
    path = write(tmp_path / "r.arff", text)
    with pytest.raises(
        DatasetError,
        match=r"2 row\(s\) have missing label values \(first at line 7.*--missing-labels drop",
    ):
        load(path)
    ds = load(path, missing_labels="drop")
    assert ds.n_samples == 2
    np.testing.assert_allclose(ds.X[:, 0], [1, 4])
    assert any("dropped 2 row(s)" in str(note) for note in ds.notes)


def test_error_wrong_number_of_values_names_line(tmp_path):
    text = "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute x numeric\n@data\n0,1,1\n0,1\n"
    with pytest.raises(DatasetError, match="line 7: row has 2 values but the header declares 3"):
        load(write(tmp_path / "r.arff", text))


def test_error_sparse_index_out_of_range_names_line(tmp_path):
    text = "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute x numeric\n@data\n{0 1}\n{1 1,3 5}\n"
    with pytest.raises(DatasetError, match="line 7: sparse index 3 is out of range"):
        load(write(tmp_path / "r.arff", text))


def test_error_truncated_bz2(tmp_path):
    data = bz2.compress(MEKA_DENSE.encode() * 50)
    path = tmp_path / "cut.arff.bz2"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="bz2 stream is truncated or corrupt"):
        load(path)


def test_error_no_rows(tmp_path):
    text = (
        "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute x numeric\n@data\n"
    )
    with pytest.raises(DatasetError, match="no rows"):
        load(write(tmp_path / "r.arff", text))


def test_error_fewer_than_two_labels(tmp_path):
    text = "@relation 'r: -C 1'\n@attribute a {0,1}\n@attribute x numeric\n@data\n1,0\n"
    with pytest.raises(DatasetError, match="at least 2 labels"):
        load(write(tmp_path / "r.arff", text))


def test_error_duplicate_label_names(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y,y2\n1,0,1\n")
    frame = pl.DataFrame({"x": [1.0, 2.0], "a": [0, 1], "b": [1, 0]})
    frame.write_csv(path)
    with pytest.raises(DatasetError, match="named twice"):
        load(path, labels=["a", "a"])
    text = "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute a {0,1}\n@data\n0,1\n"
    with pytest.raises(DatasetError, match="declared twice"):
        load(write(tmp_path / "r.arff", text))


def test_error_bad_numeric_value_names_line_and_attribute(tmp_path):
    text = "@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@attribute x numeric\n@data\n0,1,1\n0,1,abc\n"
    with pytest.raises(DatasetError, match="line 7: value 'abc' of numeric attribute 'x'"):
        load(write(tmp_path / "r.arff", text))


def test_error_bad_option_value():
    with pytest.raises(ParameterError, match="'missing_labels' parameter of load"):
        load("emotions", missing_labels="zero")


# ----------------------------------------------------------------------------- round trips


def _arff_text(X, Y, sparse, nominal_column):
    n_labels = Y.shape[1]
    lines = [f"@relation 'gen: -C {n_labels}'"]
    lines += [f"@attribute 'label {j}' {{0,1}}" for j in range(n_labels)]
    lines += [f"@attribute f{j} numeric" for j in range(X.shape[1])]
    if nominal_column is not None:
        lines.append("@attribute kind {'p q',r}")
    lines.append("@data")
    for row in range(len(Y)):
        values = [int(v) for v in Y[row]] + [float(v) for v in X[row]]
        if nominal_column is not None:
            values.append("'p q'" if nominal_column[row] == 0 else "r")
        if sparse:
            entries = []
            for index, value in enumerate(values):
                if value in (0, 0.0, "'p q'"):
                    continue  # omitted: 0, or the first declared nominal value
                entries.append(
                    f"{index} {value!r}" if isinstance(value, float) else f"{index} {value}"
                )
            lines.append("{" + ",".join(entries) + "}")
        else:
            lines.append(",".join(repr(v) if isinstance(v, float) else str(v) for v in values))
    return "\n".join(lines) + "\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_rows=st.integers(1, 12),
    n_labels=st.integers(2, 4),
    n_features=st.integers(1, 4),
    sparse=st.booleans(),
    with_nominal=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_generated_arff_round_trips(
    tmp_path, n_rows, n_labels, n_features, sparse, with_nominal, seed
):
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, size=(n_rows, n_labels))
    X = np.where(rng.random((n_rows, n_features)) < 0.5, 0.0, rng.normal(size=(n_rows, n_features)))
    X = X.astype(np.float32).astype(np.float64)  # values representable in float32
    nominal = rng.integers(0, 2, size=n_rows) if with_nominal else None
    path = write(tmp_path / f"gen{seed}.arff", _arff_text(X, Y, sparse, nominal))
    ds = load(path)
    np.testing.assert_array_equal(ds.Y, Y)
    dense_X = ds.X.toarray() if ds.is_sparse else ds.X
    expected = X if nominal is None else np.column_stack([X, nominal == 1])
    np.testing.assert_array_equal(dense_X, expected.astype(np.float32))
    assert ds.is_sparse == sparse
    assert ds.label_names == tuple(f"label {j}" for j in range(n_labels))


def test_non_finite_and_out_of_range_features_are_imputed(tmp_path):
    path = tmp_path / "inf.csv"
    path.write_text("x,big,a,b\ninf,1e300,0,1\n1,2,1,0\n3,4,1,1\n")
    ds = load(path, labels_last=2)
    assert np.isfinite(ds.X).all()
    np.testing.assert_allclose(ds.X[:, 0], [2.0, 1.0, 3.0])  # inf -> mean of 1 and 3
    np.testing.assert_allclose(ds.X[:, 1], [3.0, 2.0, 4.0])  # 1e300 overflows float32
    assert any("non-finite" in str(note) for note in ds.notes)


def test_labels_only_file_loads_and_hashes(tmp_path):
    path = tmp_path / "labels_only.csv"
    path.write_text("a,b\n0,1\n1,0\n1,1\n")
    ds = load(path, labels=["a", "b"])
    assert ds.n_features == 0
    assert len(ds.content_hash()) == 64
