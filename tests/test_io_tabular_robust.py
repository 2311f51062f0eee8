"""Robust CSV/TSV/Parquet loading (issue 9): odd files load with notes or fail with one line."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from feasibility import DatasetError, load
from feasibility.cli import main
from feasibility.errors import FeasibilityWarning, ParameterError
from feasibility.io.sparse import SPARSE_BELOW_DENSITY, maybe_sparse


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


# ----------------------------------------------------------------------------- 1. empty columns


def test_load_csv_all_missing_feature_columns_are_dropped_with_a_note(tmp_path):
    path = write(tmp_path / "e.csv", "x,empty,nans,a,b\n1,,NA,0,1\n2,,nan,1,0\n3,,?,1,1\n")
    with pytest.warns(FeasibilityWarning, match="without any value"):
        ds = load(path, labels_last=2)
    assert ds.feature_names == ("x",)
    assert ds.n_inputs == 3
    assert any("dropped 2 feature column(s) without any value" in str(note) for note in ds.notes)


def test_load_csv_only_feature_column_empty_loads_like_a_labels_only_file(tmp_path):
    # ARFF and label-only CSVs load with zero features; an empty sole feature column too.
    path = write(tmp_path / "only.csv", "e,a,b\n,0,1\n,1,0\n,1,1\n")
    with pytest.warns(FeasibilityWarning):
        ds = load(path, labels_last=2)
    assert ds.n_features == 0 and ds.n_samples == 3
    assert any("'e'" in str(note) for note in ds.notes)


# ----------------------------------------------------------------------------- 2. empty labelsets


def test_load_csv_empty_tag_cell_is_an_empty_labelset_not_a_missing_one(tmp_path):
    path = write(tmp_path / "t.csv", 'x,tags\n1,a|b\n2,\n3,""\n4,b\n5, \n')
    ds = load(path, label_column="tags", label_sep="|")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 0], [0, 0], [0, 1], [0, 0]])
    assert not any("missing" in str(note) for note in ds.notes)


def test_load_csv_missing_marker_in_tag_column_is_a_missing_labelset(tmp_path):
    path = write(tmp_path / "t.csv", "x,tags\n1,a|b\n2,?\n3,NA\n4,b\n")
    with pytest.raises(
        DatasetError, match=r"2 row\(s\) have missing label values \(first at line 3"
    ):
        load(path, label_column="tags", label_sep="|")
    ds = load(path, label_column="tags", label_sep="|", missing_labels="drop")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 1]])


def test_load_parquet_null_list_is_missing_and_empty_list_is_empty(tmp_path):
    frame = pl.DataFrame({"x": [0.0, 1.0, 2.0], "labels": [["a", "b"], [], None]})
    path = tmp_path / "t.parquet"
    frame.write_parquet(path)
    with pytest.raises(DatasetError, match="missing label values.*row 3"):
        load(path)
    ds = load(path, missing_labels="drop")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 0]])


def test_load_parquet_text_tag_column_null_is_missing_empty_is_empty(tmp_path):
    frame = pl.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "tags": ["a|b", "", None, "b"]})
    path = tmp_path / "t.parquet"
    frame.write_parquet(path)
    ds = load(path, label_column="tags", label_sep="|", missing_labels="drop")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 0], [0, 1]])


def test_load_csv_tag_column_with_numeric_label_ids_is_read_as_text(tmp_path):
    path = write(tmp_path / "t.csv", "x,labels\n1,3\n2,17\n3,\n")
    ds = load(path, label_sep="|")
    assert ds.label_names == ("17", "3")
    np.testing.assert_array_equal(ds.Y, [[0, 1], [1, 0], [0, 0]])


def test_load_csv_doubled_tag_separator_leaves_no_empty_label(tmp_path):
    path = write(tmp_path / "t.csv", "x,tags\n1,a||b\n2,b|\n")
    ds = load(path, label_column="tags", label_sep="|")
    assert ds.label_names == ("a", "b")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 1]])


# ----------------------------------------------------------------------------- 3. duplicate names


def test_load_csv_duplicate_label_name_given_by_labels_names_both_columns(tmp_path):
    path = write(tmp_path / "d.csv", "a,x,a,b\n0,1.5,1,1\n1,2.5,0,0\n")
    with pytest.raises(DatasetError, match="label 'a' is the name of columns 1 and 3"):
        load(path, labels=["a", "b"])


def test_load_csv_duplicate_name_within_labels_last_is_refused(tmp_path):
    path = write(tmp_path / "d.csv", "x,a,a\n1.5,0,1\n2.5,1,0\n")
    with pytest.raises(DatasetError, match="label 'a' is the name of columns 2 and 3"):
        load(path, labels_last=2)


def test_load_csv_label_name_also_naming_a_feature_never_leaks_into_x(tmp_path):
    path = write(tmp_path / "d.csv", "a,x,a,b\n0,1.5,0,1\n1,2.5,1,0\n")
    with pytest.raises(DatasetError, match="columns 1 and 3"):
        load(path, labels_last=2)


def test_load_csv_duplicate_labels_column_is_refused(tmp_path):
    path = write(tmp_path / "d.csv", "x,labels,labels\n1,a|b,a\n2,b,b\n")
    with pytest.raises(DatasetError, match="label 'labels' is the name of columns 2 and 3"):
        load(path, label_sep="|")


def test_load_csv_duplicate_feature_names_are_kept_and_made_unique(tmp_path):
    path = write(tmp_path / "d.csv", "x,x,x.1,a,b\n1,2,3,0,1\n4,5,6,1,0\n")
    with pytest.warns(FeasibilityWarning, match="more than once"):
        ds = load(path, labels_last=2)
    assert ds.feature_names == ("x", "x.2", "x.1")
    np.testing.assert_array_equal(_dense(ds.X), [[1, 2, 3], [4, 5, 6]])
    assert any("'x' names columns 1, 2" in str(note) for note in ds.notes)


def test_load_csv_header_is_read_with_quotes_bom_and_separator(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_bytes('\ufeff"f\t1"\tf\ta\tb\n1\t2\t0\t1\n3\t4\t1\t0\n'.encode())
    ds = load(path, labels=["a", "b"])
    assert ds.feature_names == ("f\t1", "f")


# ----------------------------------------------------------------------------- 4. option clashes


@pytest.mark.parametrize(
    "options, refused",
    [
        ({"labels": "a,b", "labels_last": 2}, "labels_last"),
        ({"labels": ["a", "b"], "label_column": "tags"}, "label_column"),
        ({"labels_last": 2, "label_column": "tags"}, "label_column"),
    ],
)
def test_load_refuses_two_ways_of_naming_labels(tmp_path, options, refused):
    path = write(tmp_path / "c.csv", "x,tags,a,b\n1,a,0,1\n2,b,1,0\n")
    with pytest.raises(ParameterError, match=f"'{refused}' parameter of load must be None when"):
        load(path, **options)


def test_cli_refuses_labels_with_labels_last_in_one_line(tmp_path, capsys):
    path = write(tmp_path / "c.csv", "x,a,b\n1,0,1\n2,1,0\n")
    assert main(["info", str(path), "--labels", "a,b", "--labels-last", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exclusive" in err


def test_embedded_options_still_apply():
    ds = load("flags")
    assert ds.n_labels == 7 and "last 7 columns" in ds.format


# ----------------------------------------------------------------------------- 5. bad numbers


def _numeric_csv(n_rows, bad_row=None, bad="abc"):
    lines = ["f1,f2,f3,a,b"]
    for row in range(n_rows):
        f3 = bad if row == bad_row else str(row * 0.5)
        lines.append(f"{row},{row % 3},{f3},{row % 2},{(row + 1) % 2}")
    return "\n".join(lines) + "\n"


def test_load_csv_single_bad_number_is_refused_with_line_and_column(tmp_path):
    path = write(tmp_path / "x.csv", _numeric_csv(30, bad_row=15))
    with pytest.raises(DatasetError, match=r"'abc' in column 'f3' \(line 17\) is not a number"):
        load(path, labels_last=2)


def test_load_csv_bad_number_after_the_type_inference_rows(tmp_path):
    path = write(tmp_path / "x.csv", _numeric_csv(10_050, bad_row=10_030, bad="1.2.3"))
    with pytest.raises(DatasetError, match=r"'1.2.3' in column 'f3' \(line 10032\)"):
        load(path, labels_last=2)


def test_load_csv_bad_number_line_counts_physical_lines(tmp_path):
    rows = [f"note {row},{'abc' if row == 20 else row},{row % 2},1" for row in range(30)]
    rows[2] = '"a note\non two lines",2,0,1'  # record 3 starts on line 4 and ends on line 5
    path = write(tmp_path / "x.csv", "note,f3,a,b\n" + "\n".join(rows) + "\n")
    with pytest.raises(DatasetError, match=r"'abc' in column 'f3' \(line 23\)"):
        load(path, labels_last=2)


def test_load_csv_missing_markers_are_not_bad_numbers(tmp_path):
    text = "f,a,b\n1,0,1\n?,1,0\nNA,1,1\n,0,0\nnan,0,1\n N/A ,1,1\n3,1,0\n"
    path = write(tmp_path / "m.csv", text)
    ds = load(path, labels_last=2)
    np.testing.assert_allclose(_dense(ds.X)[:, 0], [1, 2, 2, 2, 2, 2, 3])
    assert any("imputed 5" in str(note) for note in ds.notes)


def test_load_csv_text_columns_with_a_few_numbers_stay_text(tmp_path):
    codes = ["red", "blue", "7", "green"] * 10
    ids = [f"user{i}" if i % 4 else str(i) for i in range(40)]
    frame = pl.DataFrame({"code": codes, "id": ids, "a": [0, 1] * 20, "b": [1, 1, 0, 0] * 10})
    frame.write_csv(tmp_path / "t.csv")
    ds = load(tmp_path / "t.csv", labels_last=2)
    assert ds.feature_names == ("code=7", "code=blue", "code=green", "code=red")
    assert any("'id'" in str(note) and "identifiers" in str(note) for note in ds.notes)


def test_load_csv_decimal_commas_in_a_semicolon_file_are_numbers(tmp_path):
    path = write(tmp_path / "d.csv", "x;y;a;b\n1,5;2;0;1\n2,25;3;1;0\n-0,5;4;1;1\n")
    with pytest.warns(FeasibilityWarning, match="decimal comma"):
        ds = load(path, labels_last=2, separator=";")
    np.testing.assert_allclose(_dense(ds.X)[:, 0], [1.5, 2.25, -0.5])


# ----------------------------------------------------------------------------- 6. ragged rows


@pytest.mark.parametrize("labels_first", [True, False])
def test_load_csv_short_row_is_refused_with_its_line(tmp_path, labels_first):
    text = (
        "a,b,x,y\n0,1,1.5,2.5\n1,0,3.5\n1,1,4.5,5.5\n"
        if labels_first
        else ("x,y,a,b\n1.5,2.5,0,1\n3.5,1,0\n4.5,5.5,1,1\n")
    )
    path = write(tmp_path / "short.csv", text)
    options = {"labels": ["a", "b"]} if labels_first else {"labels_last": 2}
    with pytest.raises(DatasetError, match="line 3 has 3 field.s. but the header has 4 columns"):
        load(path, **options)


def test_load_csv_long_row_is_refused_with_its_line(tmp_path):
    path = write(tmp_path / "long.csv", "x,y,a,b\n1,2,0,1\n3,4,1,0\n5,6,7,1,1\n")
    with pytest.raises(DatasetError, match="line 4 has 5 fields but the header has 4 columns"):
        load(path, labels_last=2)


def test_load_csv_ragged_row_line_counts_lines_inside_quotes(tmp_path):
    path = write(tmp_path / "q.csv", 'note,x,a,b\n"two\nlines",1,0,1\nok,2,1\n')
    with pytest.raises(DatasetError, match="line 4 has 3 field"):
        load(path, labels_last=2)


def test_load_csv_blank_lines_are_skipped(tmp_path):
    path = write(tmp_path / "b.csv", "x,a,b\n1,0,1\n\n2,1,0\n3,1,1\n\n\n")
    with pytest.warns(FeasibilityWarning, match="blank line"):
        ds = load(path, labels_last=2)
    assert ds.n_samples == 3
    np.testing.assert_array_equal(ds.Y, [[0, 1], [1, 0], [1, 1]])
    assert any("skipped 1 blank line(s) (the first is line 3)" in str(note) for note in ds.notes)


def test_load_csv_lines_ending_with_the_separator(tmp_path):
    path = write(tmp_path / "t.csv", "x,a,b,\n1.5,0,1,\n2.5,1,0,\n")
    with pytest.warns(FeasibilityWarning, match="unnamed last column"):
        ds = load(path, labels_last=2)
    assert ds.label_names == ("a", "b") and ds.feature_names == ("x",)
    # Only the data lines end with a separator: the header does not announce the column.
    write(path, "x,a,b\n1.5,0,1,\n2.5,1,0,\n")
    with pytest.raises(DatasetError, match=r"line 2 has 4 fields .* \(1 more row\(s\) like it\)"):
        load(path, labels_last=2)


def test_load_csv_header_ending_with_the_separator_alone(tmp_path):
    path = write(tmp_path / "t.csv", "x,a,b,\n1.5,0,1\n2.5,1,0\n")
    with pytest.warns(FeasibilityWarning, match="unnamed last column"):
        ds = load(path, labels_last=2)
    np.testing.assert_array_equal(ds.Y, [[0, 1], [1, 0]])


def test_load_one_column_tag_file_keeps_an_empty_line_as_an_empty_labelset(tmp_path):
    path = write(tmp_path / "t.csv", "labels\na|b\n\nb\n\n")
    ds = load(path, label_sep="|")
    np.testing.assert_array_equal(ds.Y, [[1, 1], [0, 0], [0, 1]])
    assert ds.n_features == 0


def test_load_csv_missing_label_line_counts_skipped_blank_lines(tmp_path):
    path = write(tmp_path / "b.csv", "x,a,b\n1,0,1\n\n2,?,0\n")
    with pytest.warns(FeasibilityWarning):
        with pytest.raises(DatasetError, match=r"first at line 4"):
            load(path, labels_last=2)


# ----------------------------------------------------------------------------- 7. label separator


def test_load_csv_label_sep_that_never_occurs_warns_with_the_likely_one(tmp_path):
    path = write(tmp_path / "t.csv", "x,tags\n1,a;b\n2,b\n3,a;c\n4,c\n")
    with pytest.warns(FeasibilityWarning, match="never occurs.*pass --label-sep ';'"):
        ds = load(path, label_column="tags", label_sep="|")
    assert any("every cell became one label" in str(note) for note in ds.notes)


def test_load_csv_text_label_column_without_label_sep_suggests_one(tmp_path):
    path = write(tmp_path / "t.csv", "x,tags\n1,a;b\n2,b\n")
    with pytest.raises(DatasetError, match="--label-sep ';'"):
        load(path, label_column="tags")


@pytest.mark.parametrize(
    "cells",
    [
        ["\"['a', 'b']\"", "\"['b']\"", "[]", "\"['a', 'c']\""],  # pandas' to_csv of lists
        ['"[""a"", ""b""]"', '"[""b""]"', "[]", '"[""a"", ""c""]"'],  # JSON arrays
        ['"[a, b]"', "[b]", "[]", '"[a, c]"'],  # unquoted
    ],
)
def test_load_csv_label_column_of_list_literals_reads_the_names(tmp_path, cells):
    # before: "holds text, not lists; pass --label-sep ','", and following that hint
    # gave the labels "['a'", " 'b']", "[]", ... without a word
    rows = "".join(f"{i},{cell}\n" for i, cell in enumerate(cells))
    path = write(tmp_path / "lists.csv", "x,tags\n" + rows)
    for label_sep in (None, ","):
        ds = load(path, label_column="tags", label_sep=label_sep)
        assert ds.label_names == ("a", "b", "c")
        assert _dense(ds.Y).tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0], [1, 0, 1]]
        assert "list literals" in ds.format


def test_load_csv_label_column_partly_bracketed_is_still_text(tmp_path):
    path = write(tmp_path / "t.csv", "x,tags\n1,[a]|b\n2,b\n")
    ds = load(path, label_column="tags", label_sep="|")
    assert ds.label_names == ("[a]", "b")
    # every cell bracketed, but "[x]|[y]" is two tags on the separator, not one list
    path = write(tmp_path / "b.csv", "x,tags\n1,[x]|[y]\n2,[x]\n3,[y]\n")
    assert load(path, label_column="tags", label_sep="|").label_names == ("[x]", "[y]")


def test_load_csv_list_literals_with_an_empty_cell_keep_it_as_no_label(tmp_path):
    # pandas writes a NaN in a list column as an empty field; before, that one cell made
    # the column text again (and the --label-sep ',' hint gave labels like "['a'")
    path = write(tmp_path / "l.csv", "x,tags\n1,\"['a', 'b']\"\n2,\"['b']\"\n3,\n4,[]\n")
    ds = load(path, label_column="tags")
    assert ds.label_names == ("a", "b")
    assert _dense(ds.Y).tolist() == [[1, 1], [0, 1], [0, 0], [0, 0]]


def test_load_binary_file_named_csv_is_refused_as_binary(tmp_path):
    # before: polars' "provided `new_columns` does not match ... pass extra_columns='ignore'"
    path = tmp_path / "b.csv"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes())
    with pytest.warns(FeasibilityWarning), pytest.raises(DatasetError, match="holds binary data"):
        load(path, labels_last=2)
    zipped = tmp_path / "z.csv"
    zipped.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"x,a\n" * 20)
    with pytest.raises(DatasetError, match=r"z\.csv: holds binary data.*needs its suffix"):
        load(zipped, labels_last=1)


def test_load_csv_separated_by_a_control_character_is_text(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"x\x1fa\x1fb\n1\x1f0\x1f1\n2\x1f1\x1f0\n3\x1f1\x1f1\n")
    assert load(path, labels_last=2, separator="\x1f").label_names == ("a", "b")


def test_load_utf16_csv_is_text_not_binary(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("x,a,b\n1,0,1\n2,1,0\n3,1,1\n".encode("utf-16"))
    with pytest.warns(FeasibilityWarning):
        ds = load(path, labels_last=2)
    assert ds.label_names == ("a", "b")


# ----------------------------------------------------------------------------- 8. separator


def test_load_semicolon_csv_suggests_the_separator(tmp_path):
    path = write(tmp_path / "s.csv", "x;y;a;b\n1;2;0;1\n3;4;1;0\n")
    expected = r"found 1 column.*is the separator ';'\? use --separator ';'"
    with pytest.raises(DatasetError, match=expected):
        load(path, labels_last=2)
    ds = load(path, labels_last=2, separator=";")
    assert ds.feature_names == ("x", "y") and ds.label_names == ("a", "b")


def test_load_tab_separated_csv_suggests_a_tab(tmp_path):
    path = write(tmp_path / "s.csv", "x\ty\ta\tb\n1\t2\t0\t1\n")
    with pytest.raises(DatasetError, match=r"use --separator '\\t'"):
        load(path, labels_last=2)
    for spelling in ("\t", "\\t", "tab"):
        assert load(path, labels_last=2, separator=spelling).n_features == 2


def test_load_separator_is_refused_when_invalid_or_not_csv(tmp_path):
    path = write(tmp_path / "s.csv", "x,a,b\n1,0,1\n")
    with pytest.raises(ParameterError, match="'separator' parameter of load"):
        load(path, labels_last=2, separator=";;")
    pl.DataFrame({"x": [1.0], "a": [0], "b": [1]}).write_parquet(tmp_path / "p.parquet")
    with pytest.raises(DatasetError, match="--separator applies to CSV"):
        load(tmp_path / "p.parquet", labels_last=2, separator=";")


def test_cli_separator_option(tmp_path, capsys):
    path = write(tmp_path / "s.csv", "x|y|a|b\n1|2|0|1\n3|4|1|0\n")
    assert main(["info", str(path), "--separator", "|", "--labels-last", "2", "--json"]) == 0
    assert '"n_features": 2' in capsys.readouterr().out


# ----------------------------------------------------------------------------- 9. sparse X


def _bag_of_words(n_rows=200, n_words=300, density=0.01, seed=0):
    rng = np.random.default_rng(seed)
    X = (rng.random((n_rows, n_words)) < density).astype(np.float64)
    Y = rng.integers(0, 2, size=(n_rows, 3))
    Y[0] = 0
    return X, Y


def test_load_mostly_zero_csv_and_parquet_are_stored_sparse(tmp_path):
    X, Y = _bag_of_words()
    frame = pl.DataFrame(
        {f"w{j}": X[:, j] for j in range(X.shape[1])} | {f"l{j}": Y[:, j] for j in range(3)}
    )
    frame.write_csv(tmp_path / "bow.csv")
    frame.write_parquet(tmp_path / "bow.parquet")
    for path in (tmp_path / "bow.csv", tmp_path / "bow.parquet"):
        ds = load(path, labels_last=3)
        assert ds.is_sparse and isinstance(ds.X, sp.csr_matrix) and ds.X.dtype == np.float32
        assert "(sparse)" in ds.format
        assert any(str(note).startswith("stored X as sparse: 1.0% non-zeros") for note in ds.notes)
        np.testing.assert_array_equal(ds.X.toarray(), X)


def test_maybe_sparse_threshold():
    X = np.zeros((10, 10))
    X[0, : int(100 * SPARSE_BELOW_DENSITY)] = 1.0  # exactly at the threshold: dense
    assert not sp.issparse(maybe_sparse(X)[0])
    X[0, int(100 * SPARSE_BELOW_DENSITY) - 1] = 0.0
    assert sp.issparse(maybe_sparse(X)[0])


# ----------------------------------------------------------------------------- copies agree


def test_csv_and_parquet_copies_with_empty_labelsets_and_sparse_x_load_equal(tmp_path):
    X, Y = _bag_of_words(n_rows=60, n_words=40, density=0.05, seed=4)
    names = ["l0", "l1", "l2"]
    features = {f"w{j}": X[:, j] for j in range(X.shape[1])}
    labels = {name: Y[:, j] for j, name in enumerate(names)}
    tags = ["|".join(name for j, name in enumerate(names) if Y[row, j]) for row in range(len(Y))]
    lists = [[name for j, name in enumerate(names) if Y[row, j]] for row in range(len(Y))]
    pl.DataFrame(labels | features).write_csv(tmp_path / "first.csv")
    pl.DataFrame(features | labels).write_csv(tmp_path / "last.csv")
    pl.DataFrame(features | {"tags": tags}).write_csv(tmp_path / "tags.csv")
    pl.DataFrame(features | {"labels": lists}).write_parquet(tmp_path / "lists.parquet")
    pl.DataFrame(features | labels).write_parquet(tmp_path / "cols.parquet")
    loaded = [
        load(tmp_path / "first.csv", labels=names),
        load(tmp_path / "last.csv", labels_last=3),
        load(tmp_path / "tags.csv", label_column="tags", label_sep="|"),
        load(tmp_path / "lists.parquet"),
        load(tmp_path / "cols.parquet", labels_last=3),
    ]
    for ds in loaded:
        assert ds.is_sparse, ds.format
        np.testing.assert_array_equal(ds.Y, Y)
        np.testing.assert_array_equal(ds.X.toarray(), X)
        assert ds.label_names == tuple(names)
        assert ds.feature_names == tuple(features)
    assert len({ds.content_hash() for ds in loaded}) == 1


def test_unnamed_row_index_column_is_dropped(tmp_path):
    path = write(tmp_path / "i.csv", ",x,a,b\n0,1.5,0,1\n1,2.5,1,0\n2,3.5,1,1\n")
    ds = load(path, labels_last=2)
    assert ds.feature_names == ("x",)
    assert any("row index" in str(note) for note in ds.notes)
    frame = pl.DataFrame(
        {"__index_level_0__": [4, 9, 2], "x": [1.5, 2.5, 3.5], "a": [0, 1, 1], "b": [1, 0, 1]}
    )
    frame.write_parquet(tmp_path / "i.pq")
    assert load(tmp_path / "i.pq", labels_last=2).feature_names == ("x",)
