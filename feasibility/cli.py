"""Command line: ``feasibility info|profile|curves|report|check|render``.

Parses options, calls the pipeline stages and prints; it computes nothing itself.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import FeasibilityError

try:  # recent typer ships its own copy of click; older ones use click itself
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as _click_errors

# click >= 8.2: a bare group asks for its help through this exception
_NoArgsIsHelp = getattr(_click_errors, "NoArgsIsHelpError", ())

app = typer.Typer(
    name="feasibility",
    help=(
        "Sigmoid or powerset? Measure a multilabel dataset before modelling it.\n\n"
        "SOURCE is a MEKA/MULAN ARFF, CSV or Parquet file (optionally .bz2/.gz/.xz) or the name "
        "of an embedded dataset (emotions, flags)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

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


@app.callback()
def _root() -> None:
    """Sigmoid or powerset? Measure a multilabel dataset before modelling it."""


def _load(
    source, xml, labels, labels_last, label_column, label_sep, missing_labels, *, separator=None
):
    from .io import load

    return load(
        source,
        xml=xml,
        labels=labels,
        labels_last=labels_last,
        label_column=label_column,
        label_sep=label_sep,
        separator=separator,
        missing_labels=MissingLabels(missing_labels).value,
    )


def _print_json(payload: dict) -> None:
    typer.echo(json.dumps(payload, indent=2, allow_nan=False))


@app.command()
def info(
    source: SourceArg,
    xml: XmlOpt = None,
    labels: LabelsOpt = None,
    labels_last: LabelsLastOpt = None,
    label_column: LabelColumnOpt = None,
    label_sep: LabelSepOpt = None,
    separator: SeparatorOpt = None,
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    as_json: JsonOpt = False,
) -> int:
    """Load a dataset and print its shape, labels, detected format and loader notes."""
    from .report.text_dataset import dataset_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    if as_json:
        _print_json(dataset.to_dict())
    else:
        typer.echo(dataset_text(dataset))
    return 0


@app.command("profile")
def profile_command(
    source: SourceArg,
    xml: XmlOpt = None,
    labels: LabelsOpt = None,
    labels_last: LabelsLastOpt = None,
    label_column: LabelColumnOpt = None,
    label_sep: LabelSepOpt = None,
    separator: SeparatorOpt = None,
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    hidden: Annotated[
        int | None,
        typer.Option("--hidden", min=1, help="Penultimate layer width d used to size the output layers (default: the number of features)."),
    ] = None,
    alpha: Annotated[
        float, typer.Option("--alpha", min=0.0, max=1.0, help="False discovery rate of the label-pair dependence tests.")
    ] = 0.05,
    max_pairs: Annotated[int, typer.Option("--max-pairs", min=1, help="How many strongest dependent pairs to list.")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Seed for RAkEL subset sampling when L is large.")] = 0,
    max_labelsets: Annotated[
        int, typer.Option("--max-labelsets", min=1, help="Longest labelset frequency table in --json.")
    ] = 1000,
    as_json: JsonOpt = False,
) -> int:
    """Profile the label space: co-occurrence, powerset sparsity, samples per labelset, head sizes."""
    from .profile import profile
    from .report.text_profile import profile_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    label_profile = profile(dataset, hidden=hidden, alpha=alpha, max_pairs=max_pairs, random_state=seed)
    if as_json:
        _print_json(label_profile.to_dict(max_labelsets=max_labelsets))
    else:
        typer.echo(profile_text(label_profile))
    return 0


# ----------------------------------------------------------------------------- curve options

CURVES = "Learning curves"
FITS = "Curve fits"
FoldsOpt = Annotated[int, typer.Option("--folds", min=2, help="Outer folds (iterative multilabel stratification).", rich_help_panel=CURVES)]
RepeatsOpt = Annotated[int, typer.Option("--repeats", min=1, help="Repeats of the K folds with different seeds.", rich_help_panel=CURVES)]
SizesOpt = Annotated[
    str | None,
    typer.Option("--sizes", help="Training sizes: counts (100,400,1600) or fractions of the training part (0.1,0.5,1).", rich_help_panel=CURVES),
]
NSizesOpt = Annotated[int, typer.Option("--n-sizes", min=2, help="Number of geometric training sizes when --sizes is not given.", rich_help_panel=CURVES)]
MinSizeOpt = Annotated[int | None, typer.Option("--min-size", min=1, help="Smallest training size (default max(50, 2L)).", rich_help_panel=CURVES)]
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
PruneOpt = Annotated[int, typer.Option("--prune-min-count", min=1, help="pruned-powerset keeps labelsets seen at least this often.", rich_help_panel=CURVES)]
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
BootstrapOpt = Annotated[int, typer.Option("--n-bootstrap", min=10, help="Bootstrap replicates over folds for the bands.", rich_help_panel=FITS)]


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
    *, folds=5, repeats=1, sizes=None, n_sizes=8, min_size=None, seed=0, jobs=None,
    engine=Engine.auto, model=Model.linear, hidden_layers="100",
    formulations="sigmoid,powerset,pruned-powerset", prune_min_count=2, budget=None,
    backend=Backend.loky, scheduler=None, no_cache=False, progress=False,
) -> dict:
    """Turn the command-line curve options into ``learning_curves`` keyword options
    (defaults are the command line's)."""
    from .errors import ParameterError

    parsed_sizes = _parse_sizes(sizes) if sizes else None
    try:
        hidden = tuple(int(part) for part in _split_list(hidden_layers))
    except ValueError:
        raise ParameterError(f"--hidden-layers must be integers separated by commas. Got {hidden_layers!r} instead.") from None
    return {
        "folds": folds,
        "repeats": repeats,
        "sizes": parsed_sizes,
        "n_sizes": n_sizes,
        "min_size": min_size,
        "seed": seed,
        "jobs": jobs,
        "engine": Engine(engine).value,
        "model": Model(model).value,
        "hidden_layer_sizes": hidden,
        "formulations": tuple(_split_list(formulations)),
        "prune_min_count": prune_min_count,
        "budget": math.inf if budget == 0 else budget,
        "backend": Backend(backend).value,
        "scheduler": scheduler,
        "use_cache": not no_cache,
        "progress": progress,
    }


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


@app.command()
def curves(
    source: SourceArg,
    xml: XmlOpt = None,
    labels: LabelsOpt = None,
    labels_last: LabelsLastOpt = None,
    label_column: LabelColumnOpt = None,
    label_sep: LabelSepOpt = None,
    separator: SeparatorOpt = None,
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    folds: FoldsOpt = 5,
    repeats: RepeatsOpt = 1,
    sizes: SizesOpt = None,
    n_sizes: NSizesOpt = 8,
    min_size: MinSizeOpt = None,
    seed: SeedOpt = 0,
    jobs: JobsOpt = None,
    engine: EngineOpt = Engine.auto,
    model: ModelOpt = Model.linear,
    hidden_layers: HiddenLayersOpt = "100",
    formulations: FormulationsOpt = "sigmoid,powerset,pruned-powerset",
    prune_min_count: PruneOpt = 2,
    budget: BudgetOpt = None,
    backend: BackendOpt = Backend.loky,
    scheduler: SchedulerOpt = None,
    no_cache: NoCacheOpt = False,
    target_n: TargetNOpt = None,
    target: TargetOpt = None,
    n_bootstrap: BootstrapOpt = 200,
    as_json: JsonOpt = False,
) -> int:
    """Learning curves of sigmoid, powerset and pruned-powerset, fitted and extrapolated."""
    from .curves import learning_curves
    from .fit import fit_curves
    from .report.text_curves import curves_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    options = _curve_options(
        folds=folds, repeats=repeats, sizes=sizes, n_sizes=n_sizes, min_size=min_size, seed=seed,
        jobs=jobs, engine=engine, model=model, hidden_layers=hidden_layers,
        formulations=formulations, prune_min_count=prune_min_count, budget=budget,
        backend=backend, scheduler=scheduler, no_cache=no_cache, progress=_show_progress(as_json),
    )
    # Built (and checked) before any model is trained: a bad --target fails now.
    fit_options = _fit_options(target_n=target_n, target=target, n_bootstrap=n_bootstrap, seed=seed)
    measured = learning_curves(dataset, **options)
    fitted = fit_curves(measured, **fit_options)
    if as_json:
        payload = measured.to_dict()
        fits_dict = fitted.to_dict()
        payload["fit_options"] = fits_dict.pop("options", {})
        payload["notes"] = list(payload.get("notes", [])) + list(fits_dict.pop("notes", []))
        payload.update(fits_dict)
        _print_json(payload)
    else:
        typer.echo(curves_text(measured, fitted))
    return 0


# ----------------------------------------------------------------------------- report

class Metric(StrEnum):
    """Headline metric of the verdict."""

    f1_micro = "f1_micro"
    subset_accuracy = "subset_accuracy"
    hamming_loss = "hamming_loss"
    f1_macro = "f1_macro"
    f1_samples = "f1_samples"
    jaccard = "jaccard"


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


def _run_report_pipeline(dataset, curve_options, fit_options, *, metric, target_n, memory_budget, min_positives):
    from .pipeline import run_pipeline

    return run_pipeline(
        dataset,
        # the profile's pruning table includes the level the pruned-powerset curve uses
        profile_options={"prune_counts": sorted({2, 5, 10, curve_options["prune_min_count"]})},
        curve_options=curve_options,
        fit_options=fit_options,
        metric=Metric(metric).value,
        target_n=target_n,
        memory_budget=_parse_bytes(memory_budget),
        min_positives=min_positives,
        command_line="feasibility " + " ".join(sys.argv[1:]),
    )


@app.command()
def report(
    source: SourceArg,
    xml: XmlOpt = None,
    labels: LabelsOpt = None,
    labels_last: LabelsLastOpt = None,
    label_column: LabelColumnOpt = None,
    label_sep: LabelSepOpt = None,
    separator: SeparatorOpt = None,
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    metric: MetricOpt = Metric.f1_micro,
    target_n: ReportTargetNOpt = None,
    memory_budget: MemoryBudgetOpt = "1GiB",
    min_positives: MinPositivesOpt = 10,
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML path (default reports/<name>.html); the JSON goes beside it.")
    ] = None,
    folds: FoldsOpt = 5,
    repeats: RepeatsOpt = 1,
    sizes: SizesOpt = None,
    n_sizes: NSizesOpt = 8,
    min_size: MinSizeOpt = None,
    seed: SeedOpt = 0,
    jobs: JobsOpt = None,
    engine: EngineOpt = Engine.auto,
    model: ModelOpt = Model.linear,
    hidden_layers: HiddenLayersOpt = "100",
    formulations: FormulationsOpt = "sigmoid,powerset,pruned-powerset",
    prune_min_count: PruneOpt = 2,
    budget: BudgetOpt = None,
    backend: BackendOpt = Backend.loky,
    scheduler: SchedulerOpt = None,
    no_cache: NoCacheOpt = False,
    target: TargetOpt = None,
    n_bootstrap: BootstrapOpt = 200,
) -> int:
    """Run the whole analysis and write the HTML report and its JSON; print the verdict."""
    from .pipeline import report_paths
    from .report.render import check_report_path, write_report
    from .report.text_report import verdict_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    html_path, _ = report_paths(dataset.name, out)
    check_report_path(html_path)  # a bad --out fails now, not after the learning curves
    result = _run_report_pipeline(
        dataset,
        _curve_options(
            folds=folds, repeats=repeats, sizes=sizes, n_sizes=n_sizes, min_size=min_size,
            seed=seed, jobs=jobs, engine=engine, model=model, hidden_layers=hidden_layers,
            formulations=formulations, prune_min_count=prune_min_count, budget=budget,
            backend=backend, scheduler=scheduler, no_cache=no_cache,
            progress=_show_progress(False),
        ),
        _fit_options(target_n=None, target=target, n_bootstrap=n_bootstrap, seed=seed),
        metric=metric, target_n=target_n, memory_budget=memory_budget, min_positives=min_positives,
    )
    html_written, json_written = write_report(result, html_path)
    typer.echo(verdict_text(result))
    typer.echo(f"report: {html_written}")
    typer.echo(f"json:   {json_written}")
    return 0


@app.command()
def check(
    source: SourceArg,
    xml: XmlOpt = None,
    labels: LabelsOpt = None,
    labels_last: LabelsLastOpt = None,
    label_column: LabelColumnOpt = None,
    label_sep: LabelSepOpt = None,
    separator: SeparatorOpt = None,
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    metric: MetricOpt = Metric.f1_micro,
    target_n: ReportTargetNOpt = None,
    memory_budget: MemoryBudgetOpt = "1GiB",
    min_positives: MinPositivesOpt = 10,
    labels_only: Annotated[
        bool, typer.Option("--labels-only", help="Skip the learning curves: only the checklist items the labels answer.")
    ] = False,
    folds: FoldsOpt = 5,
    n_sizes: NSizesOpt = 8,
    seed: SeedOpt = 0,
    jobs: JobsOpt = None,
    engine: EngineOpt = Engine.auto,
    budget: BudgetOpt = None,
    no_cache: NoCacheOpt = False,
) -> int:
    """Print only the pre-modelling checklist; exit 0 when nothing fails, 1 when something fails."""
    from .report.text_report import checklist_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    if labels_only:
        from .profile import profile
        from .recommend import build_checklist

        checklist = build_checklist(
            dataset, profile(dataset), None, None,
            min_positives=min_positives, memory_budget=_parse_bytes(memory_budget),
            metric=Metric(metric).value,
        ).to_dict()
    else:
        result = _run_report_pipeline(
            dataset,
            _curve_options(
                folds=folds, n_sizes=n_sizes, seed=seed, jobs=jobs, engine=engine, budget=budget,
                no_cache=no_cache, progress=_show_progress(False),
            ),
            _fit_options(target_n=None, target=None, n_bootstrap=200, seed=seed),
            metric=metric, target_n=target_n, memory_budget=memory_budget,
            min_positives=min_positives,
        )
        checklist = result["checklist"]
    typer.echo(checklist_text(checklist))
    if checklist["status"] == "fail":
        raise typer.Exit(code=1)  # a command's return value is not its exit code
    return 0


@app.command()
def render(
    result_json: Annotated[Path, typer.Argument(help="A report's JSON (reports/<name>.json).")],
    out: Annotated[Path | None, typer.Option("--out", help="HTML path (default: beside the JSON).")] = None,
) -> int:
    """Re-render a report's HTML from its JSON without recomputing anything."""
    from .report.render import read_result, write_report

    result = read_result(result_json)
    html_written, _ = write_report(result, out or result_json.with_suffix(".html"))
    typer.echo(f"report: {html_written}")
    return 0


def _one_line(message) -> str:
    """One terminal-safe line: whitespace collapsed, control characters shown escaped."""
    from .report.terminal import terminal_safe

    return terminal_safe(" ".join(str(message).split()))


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings are notes for the user: one line, no source location."""
    typer.echo(f"feasibility: warning: {_one_line(message)}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 check failed, 2 bad input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    warnings.showwarning = _show_warning
    try:
        # Not standalone: click raises its usage errors here instead of printing a usage box,
        # so that every bad input ends as one line and exit code 2.
        code = app(args=args, prog_name="feasibility", standalone_mode=False)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except _NoArgsIsHelp as exc:
        exc.show()  # a bare command asks for its help: print it, as click would
        return exc.exit_code
    except _click_errors.ClickException as exc:
        where = exc.ctx.command_path if getattr(exc, "ctx", None) else "feasibility"
        hint = f" (see '{where} --help')" if isinstance(exc, _click_errors.UsageError) else ""
        typer.echo(f"feasibility: error: {_one_line(exc.format_message())}{hint}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("feasibility: error: aborted", err=True)
        return 1
    except FeasibilityError as exc:
        typer.echo(f"feasibility: error: {_one_line(exc)}", err=True)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
