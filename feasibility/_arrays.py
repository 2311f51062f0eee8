"""In-memory arrays and data frames turned into the checked ``X`` and ``Y`` of a dataset.

Used by :meth:`feasibility.dataset.MultilabelDataset.from_arrays`. Accepts numpy arrays,
nested lists, scipy sparse matrices and pandas or polars DataFrames (their column names
become the feature or label names). Everything a user can get wrong here ends in a
:class:`~feasibility.errors.DatasetError` or :class:`~feasibility.errors.ParameterError`
that names the column or row, never in a numpy or pandas traceback.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .errors import DatasetError, ParameterError
from .notes import warn_note

_OWNER = "MultilabelDataset.from_arrays"
#: What to do with a text column of X, said once for every way it can reach us.
_ENCODE_HINT = (
    "encode it as numbers first (e.g. pandas.get_dummies), or save the table as CSV or Parquet "
    "and use feasibility.load, which one-hot encodes text columns"
)


def _frame_library(value) -> str | None:
    """``"pandas"`` or ``"polars"`` for a DataFrame of either, else None (imports neither)."""
    library = type(value).__module__.split(".")[0]
    if library in ("pandas", "polars") and hasattr(value, "columns"):
        return library
    return None


def _first_non_number(values) -> object:
    for value in values:
        if value is None:
            continue
        try:
            float(value)
        except (TypeError, ValueError):
            return value
    return None


def _not_numeric(where: str, role: str, column: str, dtype, example) -> DatasetError:
    if role == "X":
        what = _ENCODE_HINT
    else:
        what = "labels must be 0/1 or bool"
    return DatasetError(
        f"{where}: {role} column {column!r} is not numeric (dtype {dtype}, e.g. {example!r}); "
        f"{what}."
    )


def _pandas_columns(frame, *, where: str, role: str) -> tuple[np.ndarray, tuple[str, ...]]:
    names = tuple(str(column) for column in frame.columns)
    columns = []
    for position, name in enumerate(names):
        series = frame.iloc[:, position]  # by position: pandas allows repeated column names
        if series.dtype.kind == "c":
            raise _not_numeric(where, role, name, series.dtype, series.iloc[0])
        try:
            # Nullable Int64 / boolean / Float64 columns: pd.NA becomes NaN (missing).
            columns.append(series.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            example = _first_non_number(series.tolist())
            raise _not_numeric(where, role, name, series.dtype, example) from None
    matrix = np.column_stack(columns) if columns else np.zeros((len(frame), 0))
    return matrix, names


def _polars_columns(frame, *, where: str, role: str) -> tuple[np.ndarray, tuple[str, ...]]:
    import polars as pl

    names = tuple(frame.columns)
    columns = []
    for name in names:
        series = frame.get_column(name)
        try:
            # Nulls become NaN (missing) once the column is Float64.
            columns.append(series.cast(pl.Float64, strict=True).to_numpy().astype(np.float64))
        except (pl.exceptions.PolarsError, TypeError, ValueError):
            example = _first_non_number(series.to_list())
            raise _not_numeric(where, role, name, series.dtype, example) from None
    matrix = np.column_stack(columns) if columns else np.zeros((frame.height, 0))
    return matrix, names


def _dense_float(value, *, where: str, role: str) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """Return ``value`` as a float array (float32 kept, else float64; NaN = missing) and its
    column names, if any."""
    if value is None:
        raise DatasetError(f"{where}: {role} is None; give a 2-D array-like or a DataFrame.")
    library = _frame_library(value)
    if library == "pandas":
        return _pandas_columns(value, where=where, role=role)
    if library == "polars":
        return _polars_columns(value, where=where, role=role)
    try:
        array = np.asarray(value)
    except ValueError:
        array = None  # numpy refuses rows of different lengths
    if array is None or (array.dtype == object and array.ndim == 1 and _has_sequences(array)):
        raise DatasetError(
            f"{where}: {role} is ragged (its rows have different lengths); every row needs the "
            f"same number of columns."
        )
    if array.dtype == np.float32:
        return array, None  # already X's dtype: no copy of a large matrix
    if array.dtype.kind in "biuf":
        return array.astype(np.float64), None
    if array.dtype.kind in "OUS":
        if array.dtype == object:
            array = np.where(np.equal(array, None), np.nan, array)  # None is a missing value
        try:
            return array.astype(np.float64), None
        except (TypeError, ValueError):
            example = _first_non_number(array.ravel().tolist())
            if role == "X":
                hint = _ENCODE_HINT
            else:
                hint = "labels must be 0/1 or bool"
            raise DatasetError(
                f"{where}: {role} holds values that are not numbers (e.g. {example!r}); {hint}."
            ) from None
    raise DatasetError(
        f"{where}: {role} has dtype {array.dtype}, which is not numeric; "
        + ("give numbers (float or int)." if role == "X" else "labels must be 0/1 or bool.")
    )


def _has_sequences(array: np.ndarray) -> bool:
    return any(isinstance(item, list | tuple | np.ndarray) for item in array.tolist())


def _check_2d(shape: tuple[int, ...], *, where: str, role: str) -> None:
    if len(shape) == 2:
        return
    columns = "n_features" if role == "X" else "n_labels"
    if len(shape) == 0:
        fix = "give a 2-D array-like (a numpy array, a list of rows or a DataFrame)"
    elif len(shape) == 1:
        fix = (
            "a single feature is X.reshape(-1, 1)"
            if role == "X"
            else "one binary target is not a multilabel problem; give one 0/1 column per label"
        )
    else:
        fix = f"flatten each sample first, e.g. {role}.reshape(len({role}), -1)"
    raise DatasetError(
        f"{where}: {role} must be 2-D (n_samples, {columns}); got shape {tuple(shape)}: {fix}."
    )


def resolve_names(
    given,
    from_frame: tuple[str, ...] | None,
    n_columns: int,
    *,
    parameter: str,
    prefix: str,
    where: str,
    unique: bool,
) -> tuple[str, ...]:
    """Return one name per column: ``given``, else the DataFrame's columns, else numbered.

    Raises
    ------
    ParameterError
        When ``given`` is one string, has the wrong length or (``unique``) repeats a name.
    DatasetError
        When a DataFrame repeats a column name and ``unique`` is asked.
    """
    if given is None:
        names = (
            from_frame
            if from_frame is not None
            else tuple(f"{prefix}{j}" for j in range(n_columns))
        )
        error = DatasetError
    else:
        if isinstance(given, str | bytes) or not hasattr(given, "__iter__"):
            raise ParameterError(
                f"The {parameter!r} parameter of {_OWNER} must be a list of names, one per "
                f"column. Got {given!r} instead."
            )
        names = tuple(str(name) for name in given)
        error = ParameterError
        if len(names) != n_columns:
            raise ParameterError(
                f"The {parameter!r} parameter of {_OWNER} must hold one name per column "
                f"({n_columns}). Got {len(names)} name(s) instead."
            )
    if unique and len(set(names)) != len(names):
        seen: set[str] = set()
        repeated = next(name for name in names if name in seen or seen.add(name))
        raise error(
            f"{where}: label name {repeated!r} appears twice; label names must be unique "
            f"(rename one of them)."
        )
    return names


def features_from(value, feature_names, *, where: str):
    """Return ``(X float32 dense or CSR, feature names, notes)``; NaN/inf imputed with a note.

    Raises
    ------
    DatasetError
        For X that is not 2-D, ragged, or holds text.
    """
    from .io.common import impute_dense, impute_sparse

    if sp.issparse(value):
        matrix = sp.csr_matrix(value)  # any sparse format or a csr_array, without copying CSR
        if matrix.dtype not in (np.float32, np.float64):
            matrix = matrix.astype(np.float64)
        from_frame = None
    else:
        matrix, from_frame = _dense_float(value, where=where, role="X")
    _check_2d(matrix.shape, where=where, role="X")
    names = resolve_names(
        feature_names,
        from_frame,
        matrix.shape[1],
        parameter="feature_names",
        prefix="x",
        where=where,
        unique=False,
    )
    impute = impute_sparse if sp.issparse(matrix) else impute_dense
    matrix, notes = impute(matrix, list(names))
    for note in notes:
        warn_note(note, where=where, stacklevel=3)
    return matrix.astype(np.float32, copy=False), names, tuple(notes)


def labels_from(value, label_names, *, where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return ``(Y uint8 dense, label names)``; a sparse or boolean Y is accepted.

    Raises
    ------
    DatasetError
        For Y that is not 2-D, has no rows, holds missing values or values other than 0/1.
    """
    if sp.issparse(value):
        matrix, from_frame = np.asarray(value.toarray(), dtype=np.float64), None
    else:
        matrix, from_frame = _dense_float(value, where=where, role="Y")
    _check_2d(matrix.shape, where=where, role="Y")
    names = resolve_names(
        label_names,
        from_frame,
        matrix.shape[1],
        parameter="label_names",
        prefix="label_",
        where=where,
        unique=True,
    )
    if matrix.shape[0] == 0:
        raise DatasetError(f"{where}: Y has no rows; there is nothing to analyse.")
    missing = np.isnan(matrix)
    if missing.any():
        row, column = (int(i[0]) for i in np.nonzero(missing))
        raise DatasetError(
            f"{where}: Y has {int(missing.sum())} missing label value(s) (first at row index "
            f"{row}, label {names[column]!r}); labels must be 0/1: drop or fill those rows first."
        )
    binary = (matrix == 0) | (matrix == 1)
    if not binary.all():
        column = int(np.flatnonzero(~binary.all(axis=0))[0])
        values = np.unique(matrix[:, column])
        shown = ",".join(f"{v:g}" for v in values[:12]) + (",..." if len(values) > 12 else "")
        raise DatasetError(
            f"{where}: label {names[column]!r} has values {{{shown}}}; labels must be binary "
            f"0/1 (or bool)."
        )
    return matrix.astype(np.uint8), names
