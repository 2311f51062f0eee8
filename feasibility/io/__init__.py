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
from .notes import LoadNote, LoadNoteCode

__all__ = ["LoadNote", "LoadNoteCode", "embedded_dir", "embedded_names", "load"]

MISSING_LABEL_POLICIES = ("error", "drop")


def _embedded_options() -> dict:
    options_file = embedded_dir() / "datasets.json"
    if not options_file.is_file():
        return {}
    return json.loads(options_file.read_text(encoding="utf-8"))


def _refuse_two_label_options(**given) -> None:
    """Each of ``labels``, ``labels_last`` and ``label_column`` says alone which are the labels."""
    named = [option for option, value in given.items() if value]
    if len(named) > 1:
        first, second = named[:2]
        raise invalid_parameter(
            second,
            "load",
            f"None when {first!r} is given (--labels, --labels-last and "
            f"--label-column are exclusive: name the labels one way)",
            given[second],
        )


def load(
    source: str | os.PathLike,
    *,
    xml: str | os.PathLike | None = None,
    labels: list[str] | str | None = None,
    labels_last: int | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    separator: str | None = None,
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
        ``labels``, ``labels_last`` and ``label_column`` are exclusive: give one at most.
    label_sep : str, optional
        Separator of a delimited-text label column, e.g. ``"|"``.
    separator : str, optional
        Field separator of a CSV file, one character (``";"``, ``"|"``, ``"\\t"`` or
        ``"tab"``). Default: a tab for ``.tsv``, else a comma.
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
    ParameterError
        For an option out of range, or more than one of ``labels``, ``labels_last`` and
        ``label_column``.

    Notes
    -----
    CSV and Parquet files (the README's "Loading data" section has every rule):

    - In a label-list column, a row without any label is an empty list ``[]`` or an
      empty text cell (nothing, or ``""``); a missing labelset is a null list or a text
      cell ``?``, ``NA``, ``N/A``, ``NaN`` or ``null`` (also a null in a Parquet text
      column). Empty labelsets are data; missing ones follow ``missing_labels``.
    - Feature values that are empty, ``?``, ``NA``, ``N/A``, ``NaN`` or ``null`` are
      missing and imputed with the column mean. A column of text in which at least 90% of
      the present values are numbers is numeric: its other values are refused with their
      line. Other text columns are one-hot encoded (at most 50 distinct values) or dropped
      as free text or identifiers. A column without any value is dropped.
    - A row with more or fewer fields than the header is refused with its line (blank
      lines are skipped). A label name that names two columns is refused; repeated
      feature names are kept as ``x``, ``x.1``.
    - A header read as one column while ``;``, tab, ``|`` or ``,`` splits it is refused
      with the ``--separator`` to use; a decimal comma is read where commas do not separate.
    - X is stored as a float32 CSR matrix when fewer than 10% of its values are non-zero.

    Examples
    --------
    >>> ds = load("emotions")
    >>> ds.n_samples, ds.n_labels, ds.format
    (592, 6, 'arff/meka -C 6 (dense, fast parser)')
    """
    labels = _checked_labels(labels, labels_last, label_column, missing_labels)
    return _read_file(
        source,
        xml=xml,
        labels=labels,
        labels_last=labels_last,
        label_column=label_column,
        label_sep=label_sep,
        separator=separator,
        missing_labels=missing_labels,
        name=name,
    )


def _checked_labels(labels, labels_last, label_column, missing_labels) -> list[str] | None:
    """Check the label options of :func:`load` before any file is opened; return
    ``labels`` as a list (a comma-separated string split)."""
    if missing_labels not in MISSING_LABEL_POLICIES:
        raise invalid_parameter("missing_labels", "load", "one of 'error', 'drop'", missing_labels)
    if labels_last is not None and (not isinstance(labels_last, int) or labels_last < 1):
        raise invalid_parameter("labels_last", "load", "a positive int", labels_last)
    if isinstance(labels, str):
        labels = [label.strip() for label in labels.split(",") if label.strip()]
    _refuse_two_label_options(labels=labels, labels_last=labels_last, label_column=label_column)
    return labels


def _read_file(
    source: str | os.PathLike,
    *,
    xml,
    labels,
    labels_last,
    label_column,
    label_sep,
    separator,
    missing_labels,
    name,
) -> MultilabelDataset:
    """Find the file of ``source`` and hand it to its format's reader; refuse options that
    do not apply to it."""
    path = resolve_source(source)
    if path.parent == embedded_dir() and not (labels or labels_last or label_column or xml):
        # Embedded datasets record the options they need (e.g. which columns are labels).
        options = _embedded_options().get(split_suffixes(path)[0], {})
        labels_last = options.get("labels_last", labels_last)
        label_column = options.get("label_column", label_column)
    display = str(source) if not Path(str(source)).is_file() else str(path)
    _, fmt, _ = split_suffixes(path)
    if fmt in ARFF_SUFFIXES:
        from .arff import load_arff

        if label_column is not None:
            raise DatasetError(f"{path}: --label-column applies to CSV and Parquet, not ARFF.")
        if separator is not None:
            raise DatasetError(f"{path}: --separator applies to CSV/TSV files, not ARFF.")
        return load_arff(
            path,
            xml=xml,
            labels=labels,
            labels_last=labels_last,
            missing_labels=missing_labels,
            name=name,
            source=display,
        )
    if fmt in CSV_SUFFIXES | PARQUET_SUFFIXES:
        from .tabular import load_table

        return load_table(
            path,
            labels=labels,
            labels_last=labels_last,
            label_column=label_column,
            label_sep=label_sep,
            separator=separator,
            missing_labels=missing_labels,
            name=name,
            source=display,
        )
    raise DatasetError(
        f"{path}: unknown format {fmt or '(no suffix)'!r}; expected .arff, .csv, .tsv or .parquet, "
        f"optionally compressed as .bz2, .gz or .xz."
    )
