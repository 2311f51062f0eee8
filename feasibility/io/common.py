"""Shared pieces of the readers: opening files, embedded datasets, turning columns into X and Y."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import DatasetError
from .notes import LoadNote, LoadNoteCode

#: Folder of the small datasets shipped inside the package (see feasibility/datasets/README.md),
#: so that a wheel install can load them by name.
EMBEDDED_DIR = Path(__file__).resolve().parents[1] / "datasets"

COMPRESSED_SUFFIXES = {".bz2": bz2, ".gz": gzip, ".xz": lzma}
ARFF_SUFFIXES = {".arff"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def embedded_dir() -> Path:
    """Return the folder of embedded datasets (``$FEASIBILITY_DATASETS`` overrides it)."""
    override = os.environ.get("FEASIBILITY_DATASETS")
    return Path(override) if override else EMBEDDED_DIR


def embedded_names() -> list[str]:
    """Return the names of the embedded datasets, e.g. ``['emotions', 'flags']``."""
    folder = embedded_dir()
    if not folder.is_dir():
        return []
    names = {
        split_suffixes(path)[0]
        for path in folder.iterdir()
        if path.is_file()
        and split_suffixes(path)[1] in ARFF_SUFFIXES | CSV_SUFFIXES | PARQUET_SUFFIXES
    }
    return sorted(names)


def resolve_source(source: str | os.PathLike) -> Path:
    """Turn a path or an embedded dataset name into an existing file path.

    Raises
    ------
    DatasetError
        When neither a file nor an embedded dataset has that name.
    ParameterError
        When ``source`` is not a str or path (e.g. None, a number, a DataFrame).
    """
    if not isinstance(source, str | os.PathLike) or not str(source).strip():
        from ..errors import wrong_input

        raise wrong_input(
            "load",
            "a file path or an embedded dataset name",
            source,
            hint=f"Pass a path to an ARFF, CSV or Parquet file or an embedded name "
            f"({', '.join(embedded_names()) or 'none found'}); for arrays in memory use "
            f"feasibility.MultilabelDataset.from_arrays(X, Y).",
        )
    path = Path(source).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder; give a dataset file (ARFF, CSV or Parquet).")
    folder = embedded_dir()
    if folder.is_dir() and os.sep not in str(source) and "/" not in str(source):
        for candidate in sorted(folder.iterdir()):
            if (
                candidate.is_file()
                and split_suffixes(candidate)[0] == str(source)
                and (
                    split_suffixes(candidate)[1] in ARFF_SUFFIXES | CSV_SUFFIXES | PARQUET_SUFFIXES
                )
            ):
                return candidate
    names = ", ".join(embedded_names()) or "none found"
    raise DatasetError(
        f"{source}: no such file or embedded dataset; give a path to an ARFF, CSV or Parquet file "
        f"or one of the embedded datasets ({names})."
    )


def split_suffixes(path: Path) -> tuple[str, str, str]:
    """Return ``(stem, format_suffix, compression_suffix)`` of a path.

    Examples
    --------
    >>> split_suffixes(Path("data/yeast.arff.bz2"))
    ('yeast', '.arff', '.bz2')
    >>> split_suffixes(Path("flags.csv"))
    ('flags', '.csv', '')
    """
    name = path.name
    compression = ""
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            compression = suffix
            name = name[: -len(suffix)]
            break
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, "", compression
    return stem, "." + ext.lower(), compression


def read_bytes(path: Path) -> bytes:
    """Read a file, decompressing ``.bz2``, ``.gz`` and ``.xz`` by suffix.

    Raises
    ------
    DatasetError
        When the file cannot be read or the compressed stream is truncated or corrupt.
    """
    _, _, compression = split_suffixes(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not compression:
        return raw
    module = COMPRESSED_SUFFIXES[compression]
    try:
        return module.decompress(raw)
    except (EOFError, OSError, ValueError, zlib.error, lzma.LZMAError) as exc:
        raise DatasetError(
            f"{path}: the {compression[1:]} stream is truncated or corrupt ({exc}); "
            f"download or copy the file again."
        ) from None


@dataclass(frozen=True)
class EncodedFeatures:
    """Feature matrix after encoding, with what was done to get there."""

    X: np.ndarray | sp.csr_matrix
    feature_names: tuple[str, ...]
    notes: tuple[LoadNote, ...]


def validate_labels(
    Y: np.ndarray, label_names: list[str], *, where: str, missing_labels: str, line_of_row=None
) -> tuple[np.ndarray, np.ndarray | None, list[LoadNote]]:
    """Check a float label matrix (NaN = missing) and turn it into uint8.

    Returns the uint8 matrix, the boolean mask of kept rows (None when all kept)
    and notes.
    """
    notes: list[LoadNote] = []
    seen: set[str] = set()
    for name in label_names:
        if name in seen:
            raise DatasetError(
                f"{where}: label name {name!r} appears twice; label names must be unique "
                f"(rename one of the columns)."
            )
        seen.add(name)
    if len(label_names) < 2:
        raise DatasetError(
            f"{where}: found {len(label_names)} label(s) ({', '.join(label_names) or 'none'}); "
            f"a multilabel problem needs at least 2 labels."
        )
    keep = None
    missing_rows = np.isnan(Y).any(axis=1)
    n_missing = int(missing_rows.sum())
    if n_missing:
        if missing_labels == "drop":
            keep = ~missing_rows
            Y = Y[keep]
            notes.append(LoadNote(LoadNoteCode.MISSING_LABELS_DROPPED, {"n_rows": n_missing}))
        else:
            first = int(np.flatnonzero(missing_rows)[0])
            column = int(np.flatnonzero(np.isnan(Y[first]))[0])
            location = f"line {line_of_row(first)}" if line_of_row else f"row {first + 1}"
            raise DatasetError(
                f"{where}: {n_missing} row(s) have missing label values (first at {location}, "
                f"label {label_names[column]!r}); fix them or pass --missing-labels drop to drop "
                f"those rows."
            )
    for column, name in enumerate(label_names):
        values = np.unique(Y[:, column])
        if not np.isin(values, (0.0, 1.0)).all():
            shown = ",".join(_format_number(v) for v in values[:12])
            more = ",..." if len(values) > 12 else ""
            raise DatasetError(
                f"{where}: label attribute {name!r} has values {{{shown}{more}}}; labels must be "
                f"binary 0/1 (is it a multi-class target or a feature? choose other label columns)."
            )
    if Y.shape[0] == 0:
        raise DatasetError(f"{where}: the dataset has no rows; nothing to analyse.")
    return Y.astype(np.uint8), keep, notes


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


#: Values beyond float32's range cannot be represented in X (float32): they count as missing.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def _imputed_note(n_values: int, columns: np.ndarray, feature_names: list[str]) -> LoadNote:
    values = {"n_values": n_values, "n_columns": len(columns), "example": feature_names[columns[0]]}
    return LoadNote(LoadNoteCode.IMPUTED, values)


def impute_dense(X: np.ndarray, feature_names: list[str]) -> tuple[np.ndarray, list[LoadNote]]:
    """Replace missing (NaN), infinite or out-of-float32-range values by the column mean of
    the observed values (0 when a column has none)."""
    with np.errstate(invalid="ignore"):
        missing = ~(np.abs(X) <= FLOAT32_MAX)
    if not missing.any():
        return X, []
    counts = missing.sum(axis=0)
    with warnings.catch_warnings():  # an all-missing column has no mean: it gets 0 below
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(np.where(missing, np.nan, X), axis=0)
    means = np.nan_to_num(means)
    X = np.where(missing, means, X)
    return X, [_imputed_note(int(counts.sum()), np.flatnonzero(counts), feature_names)]


def impute_sparse(
    X: sp.csr_matrix, feature_names: list[str]
) -> tuple[sp.csr_matrix, list[LoadNote]]:
    """Replace stored NaN, infinite or out-of-float32-range values by the column mean of the
    observed values (implicit zeros count)."""
    with np.errstate(invalid="ignore"):
        nan_mask = ~(np.abs(X.data) <= FLOAT32_MAX)
    if not nan_mask.any():
        return X, []
    X = X.tocsr(copy=True)
    n_rows = X.shape[0]
    columns_of_data = X.indices
    observed = ~nan_mask
    sums = np.bincount(columns_of_data[observed], weights=X.data[observed], minlength=X.shape[1])
    missing_per_column = np.bincount(columns_of_data[nan_mask], minlength=X.shape[1])
    means = sums / np.maximum(n_rows - missing_per_column, 1)
    X.data[nan_mask] = means[columns_of_data[nan_mask]]
    return X, [
        _imputed_note(int(nan_mask.sum()), np.flatnonzero(missing_per_column), feature_names)
    ]


def _decompressor(compression: str):
    if compression == ".bz2":
        return bz2.BZ2Decompressor()
    if compression == ".xz":
        return lzma.LZMADecompressor()
    return zlib.decompressobj(wbits=31)  # gzip container


def iter_decompressed(path: Path, *, piece_size: int = 1 << 18):
    """Yield the decompressed content of ``path`` in pieces, decompressing in a thread.

    The decompressors release the GIL, so the caller can parse one piece while the
    next is being decompressed. Concatenated streams (pbzip2, multi-member gzip) are
    followed. Uncompressed files are yielded whole.

    Raises
    ------
    DatasetError
        When the file cannot be read or the compressed stream is truncated or corrupt.
    """
    import queue
    import threading

    _, _, compression = split_suffixes(path)
    if not compression:
        yield read_bytes(path)
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    pieces: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()

    def work() -> None:
        try:
            data = raw
            while True:  # one pass per concatenated stream
                decompressor = _decompressor(compression)
                position = 0
                while position < len(data) and not decompressor.eof:
                    if stop.is_set():
                        return
                    block = data[position : position + piece_size]
                    position += len(block)
                    output = decompressor.decompress(block)
                    if output:
                        pieces.put(output)
                if not decompressor.eof:
                    raise EOFError("the stream ends before its end-of-stream marker")
                data = decompressor.unused_data + data[position:]
                if not data.strip(b"\x00"):
                    break
            pieces.put(None)
        except (EOFError, OSError, ValueError, zlib.error, lzma.LZMAError) as exc:
            pieces.put(exc)

    thread = threading.Thread(target=work, name="feasibility-decompress", daemon=True)
    thread.start()
    try:
        while True:
            item = pieces.get()
            if item is None:
                return
            if isinstance(item, Exception):
                raise DatasetError(
                    f"{path}: the {compression[1:]} stream is truncated or corrupt ({item}); "
                    f"download or copy the file again."
                )
            yield item
    finally:
        stop.set()
        while not pieces.empty():  # unblock the worker so that it sees the stop
            pieces.get_nowait()
