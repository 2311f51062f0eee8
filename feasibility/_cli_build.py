"""The command line's flags turned into the library's inputs: the dataset and the keyword
options of each stage.

A builder takes a command's parsed flags by parameter name (the command's ``locals()``,
as argparse's ``vars(args)``) and reads only the flags it knows: a command with fewer
flags (``check``) leaves the others at the library's defaults, which
:mod:`feasibility._cli_options` reads from the option dataclasses and never restates.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping

from ._cli_options import CURVE_DEFAULTS, FIT_DEFAULTS, MissingLabels
from .dataset import MultilabelDataset
from .errors import ParameterError
from .pipeline import check_fit_options
from .vocab import Metric

__all__ = [
    "CURVE_FLAGS",
    "LOAD_FLAGS",
    "curve_options",
    "decision_options",
    "fit_options",
    "load_dataset",
    "parse_bytes",
    "parse_sizes",
    "show_progress",
]

#: Flags passed to :func:`feasibility.io.load` as they are (``--missing-labels`` is an enum).
LOAD_FLAGS = ("xml", "labels", "labels_last", "label_column", "label_sep", "separator")
#: Flags of :func:`feasibility.curves.learning_curves`' options, by parameter name.
CURVE_FLAGS = (
    "folds",
    "repeats",
    "sizes",
    "n_sizes",
    "min_size",
    "seed",
    "jobs",
    "engine",
    "model",
    "hidden_layers",
    "formulations",
    "prune_min_count",
    "scaling",
    "budget",
    "backend",
    "scheduler",
    "no_cache",
)


def load_dataset(flags: Mapping[str, object]) -> MultilabelDataset:
    """Load ``flags["source"]`` with the loading flags (``--xml`` to ``--missing-labels``)."""
    from .io import load

    return load(
        flags["source"],
        **{name: flags.get(name) for name in LOAD_FLAGS},
        missing_labels=MissingLabels(flags["missing_labels"]).value,
    )


def show_progress(as_json: bool) -> bool:
    """A progress bar only for a person at a terminal, never inside JSON output."""
    return not as_json and sys.stderr.isatty()


def _split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_sizes(text: str) -> list[int] | list[float]:
    """Read ``--sizes``: counts (all whole numbers >= 1) or fractions (all in (0, 1]).

    Examples
    --------
    >>> parse_sizes("100, 400,1600"), parse_sizes("0.1,0.5,1")
    ([100, 400, 1600], [0.1, 0.5, 1.0])
    """
    try:
        numbers = [float(part) for part in _split_list(text)]
    except ValueError:
        numbers = []
    if not numbers or not all(math.isfinite(n) and n > 0 for n in numbers):
        raise ParameterError(
            f"--sizes must be positive counts (100,400,1600) or fractions (0.1,0.5,1). Got {text!r} instead."
        )
    if all(n <= 1 for n in numbers) and any(n < 1 for n in numbers):
        return numbers
    if all(n.is_integer() for n in numbers):
        return [int(n) for n in numbers]
    raise ParameterError(
        f"--sizes must be all whole counts or all fractions in (0, 1]. Got {text!r} instead."
    )


def curve_options(flags: Mapping[str, object], *, progress: bool = False) -> dict:
    """Return the keyword options of :func:`~feasibility.curves.learning_curves`.

    Reads the :data:`CURVE_FLAGS` present in ``flags``; an option not given keeps its
    :class:`~feasibility.curves.CurveOptions` default.

    Examples
    --------
    >>> options = curve_options({"folds": 3, "sizes": "100,200", "budget": 0})
    >>> options["folds"], options["sizes"], options["budget"], options["repeats"]
    (3, [100, 200], inf, 2)
    """
    given = {name: flags[name] for name in CURVE_FLAGS if name in flags}
    sizes, hidden_layers, formulations, budget, no_cache = (
        given.pop(name, None)
        for name in ("sizes", "hidden_layers", "formulations", "budget", "no_cache")
    )
    options = CURVE_DEFAULTS | given
    options["sizes"] = parse_sizes(sizes) if sizes else None
    if hidden_layers is not None:
        try:
            options["hidden_layer_sizes"] = tuple(int(part) for part in _split_list(hidden_layers))
        except ValueError:
            raise ParameterError(
                f"--hidden-layers must be integers separated by commas. Got {hidden_layers!r} instead."
            ) from None
    if formulations is not None:
        options["formulations"] = tuple(_split_list(formulations))
    options["budget"] = math.inf if budget == 0 else budget  # --budget 0: never cut
    for name in ("engine", "model", "scaling", "backend"):  # the command line's enums, as strings
        options[name] = str(options[name])
    options["use_cache"] = not no_cache
    options["progress"] = progress
    return options


def fit_options(
    *,
    target_n: list[int] | None = None,
    target: list[str] | None = None,
    n_bootstrap: int = FIT_DEFAULTS.n_bootstrap,
    seed: int,
) -> dict:
    """Return the keyword options of :func:`~feasibility.fit.fit_curves`, checked now.

    ``target`` holds the ``--target`` texts, ``VALUE`` or ``METRIC=VALUE``; they are checked
    (e.g. an unknown METRIC) before any model is trained.
    """
    targets: dict[str, float] | float | None = None
    for item in target or []:
        metric, _, value = item.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise ParameterError(
                f"--target must be VALUE or METRIC=VALUE. Got {item!r} instead."
            ) from None
        if not 0 < number < 1:  # also refuses nan
            raise ParameterError(
                f"--target must be a score within (0, 1), as VALUE or METRIC=VALUE (e.g. 0.8 or "
                f"subset_accuracy=0.5). Got {item!r} instead."
            )
        if metric:
            targets = dict(targets) if isinstance(targets, dict) else {}
            targets[metric] = number
        else:
            targets = number if targets is None else targets
    options = {"n_bootstrap": n_bootstrap, "random_state": seed, "target": targets}
    if target_n:
        options["target_n"] = sorted(set(target_n))
    check_fit_options(options)
    return options


def parse_bytes(text: str) -> int:
    """Read ``--memory-budget``: a number with an optional SI or IEC unit.

    Examples
    --------
    >>> parse_bytes("1GiB"), parse_bytes("500 MB"), parse_bytes("2e9")
    (1073741824, 500000000, 2000000000)
    """
    units = {
        "": 1,
        "b": 1,
        "kb": 10**3,
        "mb": 10**6,
        "gb": 10**9,
        "tb": 10**12,
        "kib": 2**10,
        "mib": 2**20,
        "gib": 2**30,
        "tib": 2**40,
    }
    cleaned = text.strip().lower().replace(" ", "")
    number = cleaned.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = cleaned[len(number) :]
    try:
        value = float(number) * units[unit]
    except (KeyError, ValueError):
        raise ParameterError(
            f"--memory-budget must be a size such as 1GiB, 500MB or 2e9. Got {text!r} instead."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(
            f"--memory-budget must be a positive, finite size. Got {text!r} instead."
        )
    return int(value)


def decision_options(flags: Mapping[str, object]) -> dict:
    """Return the checklist's keyword options (``metric``, ``memory_budget``,
    ``min_positives``), which the recommendation shares."""
    return {
        "metric": Metric(flags["metric"]).value,
        "memory_budget": parse_bytes(flags["memory_budget"]),
        "min_positives": flags["min_positives"],
    }
