"""The command line's options: Typer declarations, their defaults read from the library's
option dataclasses, and the one mapping from parameter names to flags (:func:`flag_message`).

The defaults are written once, in :class:`~feasibility.curves.CurveOptions`,
:class:`~feasibility.fit.FitOptions`, :class:`~feasibility.profile.ProfileOptions` and
:class:`~feasibility.decide.DecisionOptions`; this module only shows them.
:mod:`feasibility._cli_build` turns the parsed flags into the library's values.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .curves.options import CurveOptions
from .decide import DecisionOptions
from .fit.options import FitOptions
from .profile import LABELSET_TABLE_LIMIT, ProfileOptions
from .vocab import Metric

SourceArg = Annotated[
    str, typer.Argument(help="Dataset file (ARFF, CSV, Parquet; .bz2/.gz/.xz) or embedded name.")
]
XmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--xml",
        help="MULAN labels XML (default: the .xml beside the ARFF).",
        rich_help_panel="Loading",
    ),
]
LabelsOpt = Annotated[
    str | None,
    typer.Option("--labels", help="Comma-separated label column names.", rich_help_panel="Loading"),
]
LabelsLastOpt = Annotated[
    int | None,
    typer.Option(
        "--labels-last", min=1, help="The last N columns are the labels.", rich_help_panel="Loading"
    ),
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
    typer.Option(
        "--label-sep",
        help="Separator of a delimited-text label column, e.g. '|'.",
        rich_help_panel="Loading",
    ),
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


# ----------------------------------------------------------------------------- profile options

#: profile's defaults (ProfileOptions is where they are written).
PROFILE_DEFAULTS = ProfileOptions()
HiddenOpt = Annotated[
    int | None,
    typer.Option(
        "--hidden",
        min=1,
        help="Penultimate layer width d used to size the output layers (default: the number of features).",
    ),
]
AlphaOpt = Annotated[
    float,
    typer.Option(
        "--alpha", min=0.0, max=1.0, help="False discovery rate of the label-pair dependence tests."
    ),
]
MaxPairsOpt = Annotated[
    int, typer.Option("--max-pairs", min=1, help="How many strongest dependent pairs to list.")
]
ProfileSeedOpt = Annotated[
    int, typer.Option("--seed", help="Seed for RAkEL subset sampling when L is large.")
]
MaxLabelsetsOpt = Annotated[
    int, typer.Option("--max-labelsets", min=1, help="Longest labelset frequency table in --json.")
]
#: The longest labelset table of ``profile --json`` (the profile's own limit).
MAX_LABELSETS_DEFAULT = LABELSET_TABLE_LIMIT


# ----------------------------------------------------------------------------- curve options

CURVES = "Learning curves"
FITS = "Curve fits"
#: learning_curves' defaults, read from the library (CurveOptions is where they are written).
CURVE_DEFAULTS = CurveOptions.defaults()
#: fit_curves' defaults (FitOptions is where they are written).
FIT_DEFAULTS = FitOptions()
HIDDEN_LAYERS_DEFAULT = ",".join(str(width) for width in CURVE_DEFAULTS["hidden_layer_sizes"])
FORMULATIONS_DEFAULT = ",".join(CURVE_DEFAULTS["formulations"])
FoldsOpt = Annotated[
    int,
    typer.Option(
        "--folds", help="Outer folds (iterative multilabel stratification).", rich_help_panel=CURVES
    ),
]
RepeatsOpt = Annotated[
    int,
    typer.Option(
        "--repeats", help="Repeats of the K folds with different seeds.", rich_help_panel=CURVES
    ),
]
SizesOpt = Annotated[
    str | None,
    typer.Option(
        "--sizes",
        help="Training sizes: counts (100,400,1600) or fractions of the training part (0.1,0.5,1).",
        rich_help_panel=CURVES,
    ),
]
NSizesOpt = Annotated[
    int,
    typer.Option(
        "--n-sizes",
        help="Number of geometric training sizes when --sizes is not given.",
        rich_help_panel=CURVES,
    ),
]
MinSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--min-size", help="Smallest training size (default max(50, 2L)).", rich_help_panel=CURVES
    ),
]
SeedOpt = Annotated[
    int, typer.Option("--seed", help="Random seed: same seed, same result.", rich_help_panel=CURVES)
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", help="Parallel jobs (default: all cores).", rich_help_panel=CURVES),
]


class Engine(StrEnum):
    """Who trains the heads."""

    auto = "auto"
    sklearn = "sklearn"
    torch = "torch"


class Scaling(StrEnum):
    """How the features are scaled on each training part."""

    auto = "auto"
    standard = "standard"
    maxabs = "maxabs"
    none = "none"


ScalingOpt = Annotated[
    Scaling,
    typer.Option(
        "--scaling",
        help="auto: count and 0/1 columns divided by their max, other columns standardised "
        "(sparse input: max-abs); or one rule for every column.",
        rich_help_panel=CURVES,
    ),
]


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
    typer.Option(
        "--engine",
        help="auto: torch when installed and the powerset has hundreds of classes, else scikit-learn.",
        rich_help_panel=CURVES,
    ),
]
ModelOpt = Annotated[
    Model,
    typer.Option(
        "--model",
        help="linear heads, or an MLP with the same hidden layers under both heads.",
        rich_help_panel=CURVES,
    ),
]
HiddenLayersOpt = Annotated[
    str,
    typer.Option(
        "--hidden-layers", help="MLP hidden layer widths, comma-separated.", rich_help_panel=CURVES
    ),
]
FormulationsOpt = Annotated[
    str,
    typer.Option(
        "--formulations",
        help="Comma-separated: sigmoid, powerset, pruned-powerset.",
        rich_help_panel=CURVES,
    ),
]
PruneOpt = Annotated[
    int,
    typer.Option(
        "--prune-min-count",
        help="pruned-powerset keeps labelsets seen at least this often.",
        rich_help_panel=CURVES,
    ),
]
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
BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="loky (local processes) or dask (a Dask cluster; needs --scheduler).",
        rich_help_panel=CURVES,
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://127.0.0.1:8786.",
        rich_help_panel=CURVES,
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Recompute the learning curves even when cached.", rich_help_panel=CURVES
    ),
]
TargetNOpt = Annotated[
    list[int] | None,
    typer.Option(
        "--target-n",
        min=1,
        help="Training size to predict each metric at (repeatable; default: the dataset size and 10x it).",
        rich_help_panel=FITS,
    ),
]
TargetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        help="Score to reach, as VALUE (for f1_micro) or METRIC=VALUE (repeatable).",
        rich_help_panel=FITS,
    ),
]
BootstrapOpt = Annotated[
    int,
    typer.Option(
        "--n-bootstrap", help="Bootstrap replicates over folds for the bands.", rich_help_panel=FITS
    ),
]


# The decision's defaults are DecisionOptions'; the budget is shown in the unit users type.
DECISION_DEFAULTS = DecisionOptions()
METRIC_DEFAULT = Metric(DECISION_DEFAULTS.metric)
MEMORY_BUDGET_DEFAULT = f"{DECISION_DEFAULTS.memory_budget // 2**30}GiB"


MetricOpt = Annotated[
    Metric,
    typer.Option(
        "--metric",
        help="Headline metric of the verdict (every metric gets its own row too).",
        rich_help_panel="Decision",
    ),
]
ReportTargetNOpt = Annotated[
    int | None,
    typer.Option(
        "--target-n",
        min=1,
        help="Training size the verdict is for (default: the dataset's size; larger sizes use the fitted curves).",
        rich_help_panel="Decision",
    ),
]
MemoryBudgetOpt = Annotated[
    str,
    typer.Option(
        "--memory-budget",
        help="Memory allowed for the powerset output layer (float32), e.g. 1GiB, 500MB, 2e9.",
        rich_help_panel="Decision",
    ),
]
MinPositivesOpt = Annotated[
    int,
    typer.Option(
        "--min-positives",
        min=1,
        help="Positives each label needs for its sigmoid (checklist).",
        rich_help_panel="Decision",
    ),
]
ReportOutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="HTML path (default reports/<name>.html); the JSON goes beside it."),
]
OpenOpt = Annotated[
    bool, typer.Option("--open", help="Open the written report in the default web browser.")
]
LabelsOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--labels-only",
        help="Skip the learning curves: only the checklist items the labels answer.",
    ),
]
ResultJsonArg = Annotated[Path, typer.Argument(help="A report's JSON (reports/<name>.json).")]
RenderOutOpt = Annotated[
    Path | None, typer.Option("--out", help="HTML path (default: beside the JSON).")
]


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
