"""The command line's options: Typer declarations, their defaults read from the library's
option dataclasses, and the parsers that turn flag text into the library's values.

The defaults are written once, in :class:`~feasibility.curves.CurveOptions`,
:class:`~feasibility.fit.FitOptions` and :class:`~feasibility.decide.DecisionOptions`; this
module only shows them and maps flags to parameter names.
"""

from __future__ import annotations

import math
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .curves.options import CurveOptions
from .decide import DecisionOptions
from .fit.options import FitOptions
from .vocab import Metric

SourceArg = Annotated[
    str, typer.Argument(help="Dataset file (ARFF, CSV, Parquet; .bz2/.gz/.xz) or embedded name.")
]
XmlOpt = Annotated[
    Path | None,
    typer.Option("--xml", help="MULAN labels XML (default: the .xml beside the ARFF).", rich_help_panel="Loading"),
]
LabelsOpt = Annotated[
    str | None,
    typer.Option("--labels", help="Comma-separated label column names.", rich_help_panel="Loading"),
]
LabelsLastOpt = Annotated[
    int | None,
    typer.Option("--labels-last", min=1, help="The last N columns are the labels.", rich_help_panel="Loading"),
]
LabelColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--label-column",
        help="CSV/Parquet column holding each row's labels as a list (default: 'labels' if present) "
        "or as text split on --label-sep.",
        rich_help_panel="Loading",
    ),
]
LabelSepOpt = Annotated[
    str | None,
    typer.Option("--label-sep", help="Separator of a delimited-text label column, e.g. '|'.", rich_help_panel="Loading"),
]
SeparatorOpt = Annotated[
    str | None,
    typer.Option(
        "--separator",
        help="CSV field separator, one character: ';', '|' or '\\t' (default: tab for .tsv, "
        "else comma).",
        rich_help_panel="Loading",
    ),
]
class MissingLabels(StrEnum):
    """What to do with rows whose labels are missing."""

    error = "error"
    drop = "drop"


MissingLabelsOpt = Annotated[
    MissingLabels,
    typer.Option(
        "--missing-labels",
        help="Rows with missing label values: stop with an error, or drop them (reported).",
        rich_help_panel="Loading",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")]


# ----------------------------------------------------------------------------- curve options

CURVES = "Learning curves"
FITS = "Curve fits"
#: learning_curves' defaults, read from the library (CurveOptions is where they are written).
_CURVE = CurveOptions.defaults()
#: fit_curves' defaults (FitOptions is where they are written).
_FIT = FitOptions()
_CURVE_HIDDEN_LAYERS = ",".join(str(width) for width in _CURVE["hidden_layer_sizes"])
_CURVE_FORMULATIONS = ",".join(_CURVE["formulations"])
FoldsOpt = Annotated[int, typer.Option("--folds", help="Outer folds (iterative multilabel stratification).", rich_help_panel=CURVES)]
RepeatsOpt = Annotated[int, typer.Option("--repeats", help="Repeats of the K folds with different seeds.", rich_help_panel=CURVES)]
SizesOpt = Annotated[
    str | None,
    typer.Option("--sizes", help="Training sizes: counts (100,400,1600) or fractions of the training part (0.1,0.5,1).", rich_help_panel=CURVES),
]
NSizesOpt = Annotated[int, typer.Option("--n-sizes", help="Number of geometric training sizes when --sizes is not given.", rich_help_panel=CURVES)]
MinSizeOpt = Annotated[int | None, typer.Option("--min-size", help="Smallest training size (default max(50, 2L)).", rich_help_panel=CURVES)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.", rich_help_panel=CURVES)]
JobsOpt = Annotated[int | None, typer.Option("--jobs", help="Parallel jobs (default: all cores).", rich_help_panel=CURVES)]


class Engine(StrEnum):
    """Who trains the heads."""

    auto = "auto"
    sklearn = "sklearn"
    torch = "torch"


class Model(StrEnum):
    """The network under the two heads."""

    linear = "linear"
    mlp = "mlp"


class Backend(StrEnum):
    """Where the jobs run."""

    loky = "loky"
    dask = "dask"


EngineOpt = Annotated[
    Engine,
    typer.Option("--engine", help="auto: torch when installed and the powerset has hundreds of classes, else scikit-learn.", rich_help_panel=CURVES),
]
ModelOpt = Annotated[Model, typer.Option("--model", help="linear heads, or an MLP with the same hidden layers under both heads.", rich_help_panel=CURVES)]
HiddenLayersOpt = Annotated[str, typer.Option("--hidden-layers", help="MLP hidden layer widths, comma-separated.", rich_help_panel=CURVES)]
FormulationsOpt = Annotated[
    str, typer.Option("--formulations", help="Comma-separated: sigmoid, powerset, pruned-powerset.", rich_help_panel=CURVES)
]
PruneOpt = Annotated[int, typer.Option("--prune-min-count", help="pruned-powerset keeps labelsets seen at least this often.", rich_help_panel=CURVES)]
BudgetOpt = Annotated[
    float | None,
    typer.Option(
        "--budget",
        min=0.0,
        help="Seconds for the experiment: a cost model runs the largest sizes that fit and the fitted "
        "curves extrapolate the rest (default: automatic, 15 min when the full grid would take longer; "
        "0 = never cut).",
        rich_help_panel=CURVES,
    ),
]
BackendOpt = Annotated[Backend, typer.Option("--backend", help="loky (local processes) or dask (a Dask cluster; needs --scheduler).", rich_help_panel=CURVES)]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786.", rich_help_panel=CURVES)]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Recompute the learning curves even when cached.", rich_help_panel=CURVES)]
TargetNOpt = Annotated[
    list[int] | None,
    typer.Option("--target-n", min=1, help="Training size to predict each metric at (repeatable; default: the dataset size and 10x it).", rich_help_panel=FITS),
]
TargetOpt = Annotated[
    list[str] | None,
    typer.Option("--target", help="Score to reach, as VALUE (for f1_micro) or METRIC=VALUE (repeatable).", rich_help_panel=FITS),
]
BootstrapOpt = Annotated[int, typer.Option("--n-bootstrap", help="Bootstrap replicates over folds for the bands.", rich_help_panel=FITS)]


def _split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _parse_sizes(text: str) -> list[int] | list[float]:
    """Counts (all whole numbers >= 1) or fractions (all in (0, 1]) of the training part."""
    from .errors import ParameterError

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


def _curve_options(
    *, sizes=None, hidden_layers=None, formulations=None, budget=None, no_cache=False, **given
) -> dict:
    """Turn the command-line curve options into ``learning_curves`` keyword options; an
    option not given keeps its :class:`~feasibility.curves.CurveOptions` default."""
    from .errors import ParameterError

    options = _CURVE | given
    options["sizes"] = _parse_sizes(sizes) if sizes else None
    if hidden_layers is not None:
        try:
            options["hidden_layer_sizes"] = tuple(int(part) for part in _split_list(hidden_layers))
        except ValueError:
            raise ParameterError(f"--hidden-layers must be integers separated by commas. Got {hidden_layers!r} instead.") from None
    if formulations is not None:
        options["formulations"] = tuple(_split_list(formulations))
    options["budget"] = math.inf if budget == 0 else budget  # --budget 0: never cut
    for name in ("engine", "model", "backend"):  # the command line's enums, as plain strings
        options[name] = str(options[name])
    options["use_cache"] = not no_cache
    return options


def _fit_options(*, target_n, target, n_bootstrap, seed) -> dict:
    from .errors import ParameterError

    targets: dict[str, float] | float | None = None
    for item in target or []:
        metric, _, value = item.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise ParameterError(f"--target must be VALUE or METRIC=VALUE. Got {item!r} instead.") from None
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
    from .pipeline import check_fit_options

    check_fit_options(options)  # e.g. an unknown METRIC in --target, before any training
    return options


def _show_progress(as_json: bool) -> bool:
    return not as_json and sys.stderr.isatty()


# The decision's defaults are DecisionOptions'; the budget is shown in the unit users type.
_DECISION = DecisionOptions()
_METRIC_DEFAULT = Metric(_DECISION.metric)
_MEMORY_BUDGET_DEFAULT = f"{_DECISION.memory_budget // 2**30}GiB"


MetricOpt = Annotated[
    Metric,
    typer.Option("--metric", help="Headline metric of the verdict (every metric gets its own row too).", rich_help_panel="Decision"),
]
ReportTargetNOpt = Annotated[
    int | None,
    typer.Option("--target-n", min=1, help="Training size the verdict is for (default: the dataset's size; larger sizes use the fitted curves).", rich_help_panel="Decision"),
]
MemoryBudgetOpt = Annotated[
    str, typer.Option("--memory-budget", help="Memory allowed for the powerset output layer (float32), e.g. 1GiB, 500MB, 2e9.", rich_help_panel="Decision")
]
MinPositivesOpt = Annotated[int, typer.Option("--min-positives", min=1, help="Positives each label needs for its sigmoid (checklist).", rich_help_panel="Decision")]


def _parse_bytes(text: str) -> int:
    from .errors import ParameterError

    units = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
             "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
    cleaned = text.strip().lower().replace(" ", "")
    number = cleaned.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = cleaned[len(number):]
    try:
        value = float(number) * units[unit]
    except (KeyError, ValueError):
        raise ParameterError(f"--memory-budget must be a size such as 1GiB, 500MB or 2e9. Got {text!r} instead.") from None
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"--memory-budget must be a positive, finite size. Got {text!r} instead.")
    return int(value)


#: Library parameter -> command-line flag, where the flag is not the parameter's name with
#: dashes. The curve and fit options have no ranges of their own here: the library's
#: constraints (CurveOptions, FitOptions) are the only ones, and their errors name the flag.
FLAG_OF_PARAMETER = {
    "hidden_layer_sizes": "--hidden-layers",
    "use_cache": "--no-cache",
    "random_state": "--seed",
    "target": "--target",
}
_PARAMETER_MESSAGE = re.compile(r"^The '(\w+)' parameter of [\w.]+ must be")


def flag_message(message: str) -> str:
    """Say a library parameter error in the CLI's terms: the flag instead of the parameter.

    Examples
    --------
    >>> flag_message("The 'n_sizes' parameter of learning_curves must be an int >= 1. Got 0 instead.")
    '--n-sizes must be an int >= 1. Got 0 instead.'
    """
    match = _PARAMETER_MESSAGE.match(message)
    if not match:
        return message
    name = match.group(1)
    flag = FLAG_OF_PARAMETER.get(name, "--" + name.replace("_", "-"))
    return f"{flag} must be" + message[match.end() :]
