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


def _describe(value: object) -> str:
    """Name a wrong argument the way a user would recognise it: its value when short."""
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "None"
    text = repr(value)
    kind = type(value).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    return f"{article} {kind} ({text})" if len(text) <= 40 else f"{article} {kind}"


def wrong_input(owner: str, expected: str, got: object, *, hint: str = "") -> ParameterError:
    """Build the error for a stage given the wrong kind of object (e.g. a name, not a dataset).

    Parameters
    ----------
    owner : str
        The function that was called.
    expected : str
        What it takes, e.g. ``"a MultilabelDataset"``.
    got : object
        What it was given.
    hint : str, optional
        How to get the right object, e.g. ``"Load it first: feasibility.load('emotions')."``

    Examples
    --------
    >>> error = wrong_input("profile", "a MultilabelDataset", "emotions", hint="Load it first.")
    >>> str(error)
    "profile expects a MultilabelDataset; got the string 'emotions'. Load it first."
    """
    message = f"{owner} expects {expected}; got {_describe(got)}."
    return ParameterError(f"{message} {hint}" if hint else message)
