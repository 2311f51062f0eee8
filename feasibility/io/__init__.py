"""Readers: every file format becomes one :class:`~feasibility.dataset.MultilabelDataset`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..dataset import MultilabelDataset
from ..errors import DatasetError, invalid_parameter
from .common import (
    ARFF_SUFFIXES,
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    embedded_dir,
    embedded_names,
    resolve_source,
    split_suffixes,
)

__all__ = ["embedded_dir", "embedded_names", "load"]

MISSING_LABEL_POLICIES = ("error", "drop")


def _embedded_options() -> dict:
    options_file = embedded_dir() / "datasets.json"
    if not options_file.is_file():
        return {}
    return json.loads(options_file.read_text(encoding="utf-8"))


def load(
    source: str | os.PathLike,
    *,
    xml: str | os.PathLike | None = None,
    labels: list[str] | str | None = None,
    labels_last: int | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    missing_labels: str = "error",
    name: str | None = None,
) -> MultilabelDataset:
    """Load a multilabel dataset from a file or an embedded dataset name.

    Parameters
    ----------
    source : str or path-like
        A path to a MEKA/MULAN ARFF (``.arff``), CSV/TSV or Parquet file, optionally
        compressed (``.bz2``, ``.gz``, ``.xz``), or the name of an embedded dataset
        (``"emotions"``, ``"flags"``).
    xml : path-like, optional
        MULAN labels XML. By default an XML with the ARFF's stem beside it is used when
        the ``@relation`` has no MEKA ``-C n`` option.
    labels : list of str or comma-separated str, optional
        Names of the label columns (any format).
    labels_last : int, optional
        The last ``labels_last`` columns are the labels (any format).
    label_column : str, optional
        CSV/Parquet column holding each row's labels, as a list of strings or as text
        split on ``label_sep``. Default: a column named ``labels`` when there is one.
    label_sep : str, optional
        Separator of a delimited-text label column, e.g. ``"|"``.
    missing_labels : {"error", "drop"}, default="error"
        What to do with rows whose labels are missing (``?`` or null).
    name : str, optional
        Dataset name used in reports; default the file stem.

    Returns
    -------
    MultilabelDataset

    Raises
    ------
    DatasetError
        When the file is missing, unreadable, of unknown format, or not a usable
        multilabel dataset; the message names the file, line or attribute.

    Examples
    --------
    >>> ds = load("emotions")
    >>> ds.n_samples, ds.n_labels, ds.format
    (592, 6, 'arff/meka -C 6 (dense, fast parser)')
    """
    if missing_labels not in MISSING_LABEL_POLICIES:
        raise invalid_parameter("missing_labels", "load", "one of 'error', 'drop'", missing_labels)
    if labels_last is not None and (not isinstance(labels_last, int) or labels_last < 1):
        raise invalid_parameter("labels_last", "load", "a positive int", labels_last)
    if isinstance(labels, str):
        labels = [label.strip() for label in labels.split(",") if label.strip()]
    path = resolve_source(source)
    if path.parent == embedded_dir() and not (labels or labels_last or label_column or xml):
        # Embedded datasets record the options they need (e.g. which columns are labels).
        options = _embedded_options().get(split_suffixes(path)[0], {})
        labels_last = options.get("labels_last", labels_last)
        label_column = options.get("label_column", label_column)
    _, fmt, _ = split_suffixes(path)
    display = str(source) if not Path(str(source)).is_file() else str(path)
    if fmt in ARFF_SUFFIXES:
        from .arff import load_arff

        if label_column is not None:
            raise DatasetError(f"{path}: --label-column applies to CSV and Parquet, not ARFF.")
        return load_arff(
            path, xml=xml, labels=labels, labels_last=labels_last,
            missing_labels=missing_labels, name=name, source=display,
        )
    if fmt in CSV_SUFFIXES | PARQUET_SUFFIXES:
        from .tabular import load_table

        return load_table(
            path, labels=labels, labels_last=labels_last, label_column=label_column,
            label_sep=label_sep, missing_labels=missing_labels, name=name, source=display,
        )
    raise DatasetError(
        f"{path}: unknown format {fmt or '(no suffix)'!r}; expected .arff, .csv, .tsv or .parquet, "
        f"optionally compressed as .bz2, .gz or .xz."
    )
