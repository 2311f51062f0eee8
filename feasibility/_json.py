"""JSON-safe conversion shared by every stage's ``to_dict()``."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np

#: Largest integer a JavaScript number (IEEE double) holds exactly: ``Number.MAX_SAFE_INTEGER``.
MAX_SAFE_INTEGER = 2**53 - 1
#: Said once in every result JSON (``methods``), for readers of the file.
LARGE_INTEGERS_NOTE = (
    "Integers beyond 2^53 - 1 (e.g. the 2^L possible labelsets and the full-powerset head "
    "size) are written as decimal strings, so that JavaScript and other double-based JSON "
    "readers keep them exact instead of rounding them or turning them into Infinity."
)


def json_safe(value):
    """Return ``value`` as plain JSON types: arrays as lists, numpy scalars as Python ones,
    NaN and infinities as ``None``, objects with ``to_dict()`` as their dict, and integers
    beyond ``2**53 - 1`` as decimal strings (see :data:`LARGE_INTEGERS_NOTE`).

    Examples
    --------
    >>> json_safe({"a": np.array([1.0, np.nan]), "b": np.int64(3), "c": 2**64})
    {'a': [1.0, None], 'b': 3, 'c': '18446744073709551616'}
    """
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def json_int(value) -> int | None:
    """Read back an integer that :func:`json_safe` may have written as a string.

    Examples
    --------
    >>> json_int("18446744073709551616") == 2**64, json_int(3), json_int(None)
    (True, 3, None)
    """
    if value is None:
        return None
    return int(value) if isinstance(value, str) else value


def finite_float(value) -> float | None:
    """Return ``value`` as a Python float, or ``None`` when it is missing, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def finite_floats(values) -> list:
    """Flatten ``values`` to a list of :func:`finite_float`."""
    return [finite_float(v) for v in np.asarray(values, dtype=float).ravel()]


def float_or_nan(value) -> float:
    """Read back a :func:`finite_float`: ``None`` (missing, NaN or infinite) becomes NaN.

    Examples
    --------
    >>> float_or_nan(None), float_or_nan(2)
    (nan, 2.0)
    """
    return math.nan if value is None else float(value)


def floats_or_nan(values) -> np.ndarray:
    """Read back :func:`finite_floats` as a float array, ``None`` as NaN."""
    return np.array([float_or_nan(v) for v in values], dtype=float)


def fields_dict(obj) -> dict:
    """Return a dataclass instance's fields as a JSON-safe dict (see :func:`json_safe`)."""
    return {field.name: json_safe(getattr(obj, field.name)) for field in fields(obj)}
