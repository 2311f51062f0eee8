"""Exceptions raised by feasibility. Each one is a ``ValueError`` a user can act on."""

from __future__ import annotations


class FeasibilityError(ValueError):
    """Raised when feasibility cannot go on; the message says what to do."""


class DatasetError(FeasibilityError):
    """Raised when a dataset cannot be read or is not a usable multilabel problem."""


class ParameterError(FeasibilityError):
    """Raised when an option has a value outside its allowed range."""


class FeasibilityWarning(UserWarning):
    """Warned when the data has a fixable oddity; the result records it in its notes."""


def invalid_parameter(name: str, owner: str, expected: str, got: object) -> ParameterError:
    """Build the one-template parameter error (as scikit-learn's ``_param_validation``).

    Examples
    --------
    >>> str(invalid_parameter("folds", "learning_curves", "an int >= 2", 1))
    "The 'folds' parameter of learning_curves must be an int >= 2. Got 1 instead."
    """
    return ParameterError(
        f"The {name!r} parameter of {owner} must be {expected}. Got {got!r} instead."
    )
