"""Parameter constraints, declared once and checked with one message template.

Modelled on scikit-learn's ``utils/_param_validation.py``: a parameter's constraint is a
list of accepted kinds (an :class:`Interval`, a :class:`StrOptions`, ``None``, a type, or
a callable predicate wrapped in :class:`Check`); :func:`validate_params` checks a dict of
values against a dict of constraints and raises the one-template
:class:`~feasibility.errors.ParameterError`::

    The 'folds' parameter of learning_curves must be an int >= 2. Got 1 instead.

The library's option dataclasses call it in ``__post_init__``, so the CLI and Python accept
exactly the same ranges; the CLI maps parameter names to flags in one place.

Examples
--------
>>> from numbers import Integral, Real
>>> constraints = {"folds": [Interval(Integral, 2, None, closed="left")],
...                "alpha": [Interval(Real, 0, 1, closed="neither")],
...                "engine": [StrOptions({"auto", "sklearn", "torch"})],
...                "jobs": [Interval(Integral, 1, None, closed="left"), None]}
>>> validate_params({"folds": 5, "alpha": 0.05, "engine": "auto", "jobs": None},
...                 constraints, owner="learning_curves")
>>> validate_params({"folds": 1}, constraints, owner="learning_curves")
Traceback (most recent call last):
...
feasibility.errors.ParameterError: The 'folds' parameter of learning_curves must be an int >= 2. Got 1 instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .errors import invalid_parameter

__all__ = ["Check", "Interval", "StrOptions", "is_int", "validate_params"]


def is_int(value) -> bool:
    """Whether ``value`` is an integer (Python or numpy), not a bool."""
    return isinstance(value, Integral | np.integer) and not isinstance(value, bool | np.bool_)


def _is_real(value) -> bool:
    return isinstance(value, Real | np.floating | np.integer) and not isinstance(
        value, bool | np.bool_
    )


@dataclass(frozen=True)
class Interval:
    """Numbers of a kind (``Integral`` or ``Real``) within bounds (``None``: unbounded).

    ``closed`` is ``"left"``, ``"right"``, ``"both"`` or ``"neither"``.

    Examples
    --------
    >>> Interval(Integral, 1, None, closed="left").describe()
    'an int >= 1'
    >>> Interval(Real, 0, 1, closed="neither").describe()
    'a float in (0, 1)'
    """

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def accepts(self, value) -> bool:
        if self.kind is Integral:
            if not is_int(value):
                return False
        elif not _is_real(value) or math.isnan(float(value)):
            return False
        left_ok = self.left is None or (
            value >= self.left if self.closed in ("left", "both") else value > self.left
        )
        right_ok = self.right is None or (
            value <= self.right if self.closed in ("right", "both") else value < self.right
        )
        return bool(left_ok and right_ok)

    def describe(self) -> str:
        noun = "an int" if self.kind is Integral else "a float"
        if self.left is not None and self.right is not None:
            opening = "[" if self.closed in ("left", "both") else "("
            closing = "]" if self.closed in ("right", "both") else ")"
            return f"{noun} in {opening}{_number(self.left)}, {_number(self.right)}{closing}"
        if self.left is not None:
            sign = ">=" if self.closed in ("left", "both") else ">"
            return f"{noun} {sign} {_number(self.left)}"
        if self.right is not None:
            sign = "<=" if self.closed in ("right", "both") else "<"
            return f"{noun} {sign} {_number(self.right)}"
        return noun


@dataclass(frozen=True)
class StrOptions:
    """One of a fixed set of strings (``StrEnum`` members compare equal to theirs).

    Examples
    --------
    >>> StrOptions({"loky", "dask"}).describe()
    "one of 'dask', 'loky'"
    """

    options: frozenset[str] | set[str]

    def accepts(self, value) -> bool:
        return isinstance(value, str) and value in self.options

    def describe(self) -> str:
        return "one of " + ", ".join(repr(str(o)) for o in sorted(self.options))


@dataclass(frozen=True)
class Check:
    """Any other rule: a predicate and the phrase that describes what it accepts.

    Examples
    --------
    >>> Check(lambda v: len(v) > 0, "a non-empty list").accepts([])
    False
    """

    predicate: Callable[[object], bool]
    description: str

    def accepts(self, value) -> bool:
        try:
            return bool(self.predicate(value))
        except (TypeError, ValueError):
            return False

    def describe(self) -> str:
        return self.description


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _accepts(constraint, value) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, type):
        if constraint is bool:
            return isinstance(value, bool | np.bool_)
        return isinstance(value, constraint)
    return constraint.accepts(value)


def _describe(constraint) -> str:
    if constraint is None:
        return "None"
    if isinstance(constraint, type):
        return {bool: "a bool", str: "a str"}.get(constraint, f"a {constraint.__name__}")
    return constraint.describe()


def describe(constraints: Iterable) -> str:
    """The accepted kinds of one parameter as one phrase, e.g. ``'an int >= 1 or None'``."""
    parts = [_describe(c) for c in constraints]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def validate_params(values: dict, constraints: dict, *, owner: str) -> None:
    """Check each value against its constraints; names without constraints are skipped.

    Raises
    ------
    ParameterError
        For the first value that none of its constraints accepts, with the one template.
    """
    for name, value in values.items():
        accepted = constraints.get(name)
        if accepted is None:
            continue
        if not any(_accepts(constraint, value) for constraint in accepted):
            raise invalid_parameter(name, owner, describe(accepted), value)
