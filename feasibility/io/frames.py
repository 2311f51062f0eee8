"""In-memory data frames as datasets: the same rules and errors as a CSV file.

A pandas or polars DataFrame goes through :func:`feasibility.io.tabular.dataset_from_table`,
the code that reads a CSV's columns once the file is parsed: label columns by name, or
one list / delimited-text column of tags; feature columns encoded (numbers, one-hot
categories, missing values imputed) with the same notes; errors name the row and column.
"""

from __future__ import annotations

import re

import polars as pl

from ..dataset import MultilabelDataset
from ..errors import DatasetError
from .tabular import Table, _unique_names, dataset_from_table

__all__ = ["dataset_from_frame", "is_frame", "python_spelling"]


def is_frame(data) -> bool:
    """True for a polars or pandas DataFrame (pandas is not imported to tell)."""
    if isinstance(data, pl.DataFrame):
        return True
    module = type(data).__module__
    return module.startswith("pandas") and type(data).__name__ == "DataFrame"


def _as_polars(frame, where: str) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The frame in polars with unique column names, and the names as given."""
    header = tuple(str(column) for column in frame.columns)
    names = _unique_names(list(header))  # repeated names made unique, as the CSV reader does
    if isinstance(frame, pl.DataFrame):
        converted = frame.rename(dict(zip(frame.columns, names, strict=True)))
    else:
        # the index is not a feature (as a CSV's row-number column is not)
        frame = frame.reset_index(drop=True)
        frame.columns = names
        converted = _from_pandas(frame, where)
    # a categorical tag or feature column reads as its text
    categorical = [
        name
        for name, dtype in converted.schema.items()
        if dtype.base_type() in (pl.Categorical, pl.Enum)
    ]
    if categorical:
        converted = converted.with_columns(pl.col(categorical).cast(pl.String))
    return converted, header


def _from_pandas(frame, where: str) -> pl.DataFrame:
    try:
        return pl.from_pandas(frame)
    except Exception as error:  # pyarrow's and polars' conversion errors vary by dtype
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatasetError(
            f"{where}: the pandas DataFrame could not be converted ({first}); convert its "
            "object columns to numbers, strings or lists of strings."
        ) from None


def dataset_from_frame(
    frame,
    *,
    labels: list[str] | str | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    missing_labels: str = "error",
    name: str = "dataframe",
) -> MultilabelDataset:
    """Build a dataset from a pandas or polars DataFrame.

    Parameters
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        One row per sample.
    labels : list of str or comma-separated str, optional
        The label columns (0/1 or bool values).
    label_column : str, optional
        One column holding each row's labels, as lists of strings or as text split on
        ``label_sep`` (detected when not given). Default: a column named ``labels``.
    label_sep : str, optional
        Separator of the tags in ``label_column``.
    missing_labels : {"error", "drop"}, default="error"
        What to do with rows whose labels are missing.
    name : str, default="dataframe"
        Dataset name used in messages and reports.

    Returns
    -------
    MultilabelDataset
        Every other column is a feature; the index of a pandas frame is not one.

    Raises
    ------
    DatasetError
        One line naming the column or row, as for a CSV file.

    Examples
    --------
    >>> frame = pl.DataFrame({"x": [0.1, 0.5, 0.9, 0.3], "tags": ["a,b", "b", "a", ""]})
    >>> dataset = dataset_from_frame(frame, label_column="tags", label_sep=",")
    >>> dataset.label_names, dataset.Y.tolist()
    (('a', 'b'), [[1, 1], [0, 1], [1, 0], [0, 0]])
    """
    where = f"DataFrame {name!r}"
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split(",") if part.strip()]
    elif labels is not None:
        labels = [str(label) for label in labels]  # column names are compared as text
    polars_frame, header = _as_polars(frame, where)
    table = Table(frame=polars_frame, header=header, line_of_row=None)
    try:
        return dataset_from_table(
            table,
            labels=labels,
            label_column=label_column,
            label_sep=label_sep,
            missing_labels=missing_labels,
            where=where,
            name=name,
            source=where,
            format_name="dataframe",
        )
    except DatasetError as error:
        raise DatasetError(python_spelling(str(error))) from None


_OPTIONS = (
    (re.compile(r"--label-sep ('[^']*')"), r"label_sep=\1"),
    (re.compile(r"--label-sep\b"), "label_sep"),
    (re.compile(r"--labels-last N,? ?"), ""),
    (re.compile(r"--labels a,b,c"), 'labels=["a", "b", "c"]'),
    (re.compile(r"--labels\b"), "labels"),
    (re.compile(r"--label-column NAME"), 'label_column="NAME"'),
    (re.compile(r"--label-column\b"), "label_column"),
    (re.compile(r"--missing-labels (\w+)"), r'missing_labels="\1"'),
)


def python_spelling(message: str) -> str:
    """A loader message with the CLI's options spelt as the Python keywords.

    Examples
    --------
    >>> python_spelling("pass --label-sep to split it (--label-sep ',').")
    "pass label_sep to split it (label_sep=',')."
    """
    for pattern, replacement in _OPTIONS:
        message = pattern.sub(replacement, message)
    return message
