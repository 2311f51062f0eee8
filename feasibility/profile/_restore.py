"""Rebuild the profile's dataclasses from their JSON-safe dicts (the ``from_dict`` helpers).

:func:`~feasibility._json.json_safe` writes NaN and infinities as ``None`` and integers
beyond 2^53 as strings; these helpers undo that, field by field, from the (string)
annotations of the dataclass, so that ``from_dict(x.to_dict()).to_dict() == x.to_dict()``.
"""

from __future__ import annotations

from dataclasses import fields

from .._json import float_or_nan, json_int

__all__ = ["restore"]


# The field annotations are strings (``from __future__ import annotations``).
_SCALARS = {
    "int": json_int,
    "int | None": json_int,
    "float": float_or_nan,
    "bool": bool,
    "str": str,
}


def restore(cls, data: dict, **given):
    """Build dataclass ``cls`` from ``data``: scalar fields converted by their annotation,
    the others passed in ``given`` (already rebuilt); keys of ``data`` that are not
    fields (texts the report layer added) are ignored.
    """
    values = {}
    for field in fields(cls):
        if field.name in given:
            values[field.name] = given[field.name]
        elif field.name in data:
            values[field.name] = _SCALARS[field.type](data[field.name])
    return cls(**values)
