"""The options of :func:`~feasibility.profile.profile`, with their only defaults."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from numbers import Integral, Real

import numpy as np

from .._json import fields_dict
from .._validation import Check, Interval, is_int, validate_params
from ..errors import invalid_parameter

__all__ = ["RAKEL_MAX_K", "ProfileOptions"]

#: Largest RAkEL k accepted: combinations are coded in int64 alongside the subset index.
RAKEL_MAX_K = 30
_OWNER = "profile"


def _int_set(minimum: int, maximum: float = math.inf) -> Check:
    """A non-empty sequence of distinct ints within bounds (normalised to a sorted tuple)."""

    def accepts(values) -> bool:
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            return False
        items = list(values)
        return (
            bool(items)
            and all(is_int(v) and minimum <= v <= maximum for v in items)
            and len(set(items)) == len(items)
        )

    bounds = f">= {minimum}" if maximum == math.inf else f"in [{minimum}, {maximum}]"
    return Check(accepts, f"a non-empty sequence of distinct ints {bounds}")


_CONSTRAINTS = {
    "hidden": [None, Interval(Integral, 1, None, closed="left")],
    "tail_thresholds": [_int_set(1)],
    "prune_counts": [_int_set(1)],
    "rakel_k": [_int_set(1, RAKEL_MAX_K)],
    "rakel_max_subsets": [Interval(Integral, 1, None, closed="left")],
    "max_pairs": [Interval(Integral, 0, None, closed="left")],
    "alpha": [Interval(Real, 0, 1, closed="neither")],
    "random_state": [None, Interval(Integral, 0, None, closed="left")],
}


@dataclass(frozen=True)
class ProfileOptions:
    """Options of :func:`~feasibility.profile.profile`, checked when built.

    Parameters
    ----------
    hidden : int or None, default=None
        Width ``d`` of the penultimate layer used to size the output layers. ``None`` means
        the number of input features.
    tail_thresholds : sequence of int, default=(2, 5, 10, 30)
        For each k, the share of samples whose labelset occurs fewer than k times.
    prune_counts : sequence of int, default=(2, 5, 10)
        Minimum counts p of Read's pruned sets: labelsets with count >= p survive.
    rakel_k : sequence of int in [1, 30], default=(2, 3, 4)
        Sizes of RAkEL's k-labelsets; sizes larger than L are skipped with a note.
    rakel_max_subsets : int, default=2000
        All C(L, k) subsets are evaluated up to this many; above it this many distinct
        subsets are drawn at random with ``random_state``.
    max_pairs : int, default=50
        How many significantly dependent label pairs (strongest ``|phi|`` first) the result
        lists.
    alpha : float, default=0.05
        False discovery rate of the Benjamini-Hochberg correction over all label pairs.
    random_state : int or None, default=0
        Seed of the RAkEL subset sample.

    Raises
    ------
    ParameterError
        For an option out of range, in the one template of :mod:`feasibility._validation`.

    Examples
    --------
    >>> ProfileOptions(prune_counts=[10, 2]).prune_counts
    (2, 10)
    >>> ProfileOptions(alpha=1.5)
    Traceback (most recent call last):
    ...
    feasibility.errors.ParameterError: The 'alpha' parameter of profile must be a float in (0, 1). Got 1.5 instead.
    """

    hidden: int | None = None
    tail_thresholds: tuple[int, ...] = (2, 5, 10, 30)
    prune_counts: tuple[int, ...] = (2, 5, 10)
    rakel_k: tuple[int, ...] = (2, 3, 4)
    rakel_max_subsets: int = 2000
    max_pairs: int = 50
    alpha: float = 0.05
    random_state: int | None = 0

    def __post_init__(self) -> None:
        validate_params(
            {f.name: getattr(self, f.name) for f in fields(self)}, _CONSTRAINTS, owner=_OWNER
        )
        # Plain Python values, so that the options read the same in the JSON and the cache.
        for name in ("tail_thresholds", "prune_counts", "rakel_k"):
            object.__setattr__(self, name, tuple(sorted(int(v) for v in getattr(self, name))))
        for name in ("hidden", "rakel_max_subsets", "max_pairs", "random_state"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else int(value))
        object.__setattr__(self, "alpha", float(self.alpha))

    @classmethod
    def merged(cls, options: ProfileOptions | None, **values) -> ProfileOptions:
        """Return ``options`` (default: the defaults) with the ``values`` that differ from
        the defaults put in (how :func:`~feasibility.profile.profile` reads its keywords).

        Examples
        --------
        >>> ProfileOptions.merged(ProfileOptions(alpha=0.01), max_pairs=5).alpha
        0.01
        """
        if options is None:
            return cls(**values)
        if not isinstance(options, cls):
            raise invalid_parameter("options", _OWNER, "None or a ProfileOptions", options)
        # A keyword equal to its default (same type and value) was not given.
        changed = {
            name: value
            for name, value in values.items()
            if not (type(value) is type(getattr(cls, name)) and value == getattr(cls, name))
        }
        return replace(options, **changed) if changed else options

    def to_dict(self) -> dict:
        """Return the options as a JSON-safe dict (the ``options`` of the profile JSON)."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ProfileOptions:
        """Rebuild the options from :meth:`to_dict` (unknown keys are refused)."""
        return cls(**data)
