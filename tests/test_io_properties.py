"""Property and fuzz tests of the loaders: every format loads the same data to the same dataset,
and no byte sequence makes `feasibility info` crash."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feasibility import load
from feasibility.cli import main

pytestmark = pytest.mark.filterwarnings("ignore")


def _label_names(n_labels: int) -> list[str]:
    # Sorted names: a tag column orders labels by name, the other formats by position.
    return [f"lab{j}" for j in range(n_labels)]


def _number(value: float) -> str:
    return repr(float(value))


def _dense_arff(X, Y) -> str:
    names = _label_names(Y.shape[1])
    lines = [f"@relation 'gen: -C {Y.shape[1]}'"]
    lines += [f"@attribute {name} {{0,1}}" for name in names]
    lines += [f"@attribute f{j} numeric" for j in range(X.shape[1])]
    lines.append("@data")
    for x, y in zip(X, Y):
        lines.append(",".join([str(int(v)) for v in y] + [_number(v) for v in x]))
    return "\n".join(lines) + "\n"


def _sparse_arff(X, Y, rng) -> str:
    names = _label_names(Y.shape[1])
    lines = [f"@relation 'gen: -C {Y.shape[1]}'"]
    lines += [f"@attribute {name} {{0,1}}" for name in names]
    lines += [f"@attribute f{j} numeric" for j in range(X.shape[1])]
    lines.append("@data")
    for x, y in zip(X, Y):
        entries = [f"{j} 1" for j in np.flatnonzero(y)]
        entries += [f"{Y.shape[1] + j} {_number(x[j])}" for j in np.flatnonzero(x)]
        rng.shuffle(entries)  # the ARFF spec does not require sorted indices
        lines.append("{" + ",".join(entries) + "}")
    return "\n".join(lines) + "\n"


def _feature_columns(X) -> dict:
    return {f"f{j}": X[:, j] for j in range(X.shape[1])}


def _label_columns(Y) -> dict:
    return {name: Y[:, j].astype(np.int64) for j, name in enumerate(_label_names(Y.shape[1]))}


def _tags(Y) -> list[str]:
    names = _label_names(Y.shape[1])
    return ["|".join(names[j] for j in np.flatnonzero(y)) for y in Y]


def _dense(matrix) -> np.ndarray:
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_rows=st.integers(2, 15),
    n_labels=st.integers(2, 4),
    n_features=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_every_format_loads_to_the_same_dataset(tmp_path, n_rows, n_labels, n_features, seed):
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, size=(n_rows, n_labels))
    Y[0] = 0  # always one empty labelset, a legitimate row
    Y[1 + np.arange(n_labels) % (n_rows - 1), np.arange(n_labels)] = 1  # every label occurs
    X = np.where(rng.random((n_rows, n_features)) < 0.4, 0.0, rng.normal(size=(n_rows, n_features)))
    X[:, 0] = np.where(X[:, 0] == 0, 1.5, X[:, 0])  # some non-zeros: never a constant-0 column
    X = X.astype(np.float32).astype(np.float64)  # values a float32 X represents exactly
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # hypothesis reuses tmp_path across examples

    (folder / "dense.arff").write_text(_dense_arff(X, Y))
    (folder / "sparse.arff").write_text(_sparse_arff(X, Y, rng))
    pl.DataFrame(_label_columns(Y) | _feature_columns(X)).write_csv(folder / "first.csv")
    pl.DataFrame(_feature_columns(X) | _label_columns(Y)).write_csv(folder / "last.csv")
    pl.DataFrame(_feature_columns(X) | {"tags": _tags(Y)}).write_csv(folder / "tags.csv")
    labels_as_lists = [[_label_names(n_labels)[j] for j in np.flatnonzero(y)] for y in Y]
    pl.DataFrame(_feature_columns(X) | {"labels": labels_as_lists}).write_parquet(
        folder / "lists.parquet"
    )
    pl.DataFrame(_feature_columns(X) | _label_columns(Y)).write_parquet(folder / "cols.parquet")

    names = _label_names(n_labels)
    loaded = {
        "dense arff": load(folder / "dense.arff"),
        "sparse arff": load(folder / "sparse.arff"),
        "csv labels first": load(folder / "first.csv", labels=names),
        "csv labels last": load(folder / "last.csv", labels_last=n_labels),
        "csv tag column": load(folder / "tags.csv", label_column="tags", label_sep="|"),
        "parquet list column": load(folder / "lists.parquet"),
        "parquet label columns": load(folder / "cols.parquet", labels_last=n_labels),
    }
    for form, dataset in loaded.items():
        np.testing.assert_array_equal(dataset.Y, Y, err_msg=form)
        np.testing.assert_array_equal(_dense(dataset.X), X.astype(np.float32), err_msg=form)
        assert dataset.label_names == tuple(names), form
        assert dataset.feature_names == tuple(f"f{j}" for j in range(n_features)), form


# ----------------------------------------------------------------------------- fuzzing

VALID_ARFF = b"""% fuzz seed
@relation 'fuzz: -C 2'
@attribute a {0,1}
@attribute 'b b' {0,1}
@attribute x numeric
@attribute k {p,q}
@data
1,0,0.5,p
0,1,1.5,q
{0 1,2 2.5}
1,1,?,p
"""

VALID_CSV = b"""x,k,a,b
0.5,p,1,0
1.5,q,0,1
2.5,p,1,1
"""


def _run_info(path, capsys, *extra) -> int:
    """Run the CLI in-process: an uncaught exception fails the test with its traceback."""
    code = main(["info", str(path), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code == 2:
        assert captured.err.strip().count("\n") == 0, captured.err  # one line
    return code


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    data = bytearray(data)
    for _ in range(int(rng.integers(1, 6))):
        kind = int(rng.integers(0, 5))
        position = int(rng.integers(0, max(len(data), 1)))
        if kind == 0 and data:  # flip a byte
            data[position % len(data)] = int(rng.integers(0, 256))
        elif kind == 1:  # insert an ARFF/CSV-meaningful character
            data.insert(position, int(rng.choice(list(b"{},'\"% \n\t?@\\\x00\xff"))))
        elif kind == 2 and data:  # delete a run
            del data[position : position + int(rng.integers(1, 8))]
        elif kind == 3:  # truncate
            del data[position:]
        else:  # duplicate a line
            lines = bytes(data).split(b"\n")
            line = lines[int(rng.integers(0, len(lines)))]
            lines.insert(int(rng.integers(0, len(lines) + 1)), line)
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), source=st.sampled_from(["arff", "csv", "arff.gz"]))
def test_fuzz_mutated_files_exit_0_or_2(tmp_path, capsys, seed, source):
    rng = np.random.default_rng(seed)
    valid = VALID_CSV if source == "csv" else VALID_ARFF
    data = _mutate(valid, rng)
    if source == "arff.gz":
        data = gzip.compress(data)
        if rng.random() < 0.3:
            data = data[: int(rng.integers(0, len(data)))]  # a truncated archive
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / f"m{seed}.{source}"
    path.write_bytes(data)
    extra = ["--labels-last", "2"] if source == "csv" else []
    assert _run_info(path, capsys, *extra) in (0, 2)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400), suffix=st.sampled_from([".arff", ".csv", ".parquet", ".arff.bz2"])
)
def test_fuzz_random_bytes_exit_0_or_2(tmp_path, capsys, data, suffix):
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / f"random{suffix}"
    path.write_bytes(data)
    extra = ["--labels-last", "2"] if suffix in (".csv", ".parquet") else []
    assert _run_info(path, capsys, *extra) in (0, 2)


def test_fuzz_seeds_are_valid_files(tmp_path):
    """The mutations start from files that load, so the fuzz tests exercise real parsing."""
    (tmp_path / "seed.arff").write_bytes(VALID_ARFF)
    (tmp_path / "seed.csv").write_bytes(VALID_CSV)
    arff = load(tmp_path / "seed.arff", missing_labels="error")
    csv = load(tmp_path / "seed.csv", labels_last=2)
    assert (arff.n_samples, arff.n_labels) == (4, 2)
    assert arff.label_names == ("a", "b b")
    assert (csv.n_samples, csv.n_labels) == (3, 2)
