"""Command line: ``feasibility info|profile|curves|report|check|render``.

Parses options, calls the pipeline stages and prints; it computes nothing itself.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from ._cli_options import (
    _CURVE,
    _CURVE_FORMULATIONS,
    _CURVE_HIDDEN_LAYERS,
    _DECISION,
    _FIT,
    _MEMORY_BUDGET_DEFAULT,
    _METRIC_DEFAULT,
    Backend,
    BackendOpt,
    BootstrapOpt,
    BudgetOpt,
    Engine,
    EngineOpt,
    FoldsOpt,
    FormulationsOpt,
    HiddenLayersOpt,
    JobsOpt,
    JsonOpt,
    LabelColumnOpt,
    LabelSepOpt,
    LabelsLastOpt,
    LabelsOpt,
    MemoryBudgetOpt,
    MetricOpt,
    MinPositivesOpt,
    MinSizeOpt,
    MissingLabels,
    MissingLabelsOpt,
    Model,
    ModelOpt,
    NoCacheOpt,
    NSizesOpt,
    PruneOpt,
    RepeatsOpt,
    ReportTargetNOpt,
    SchedulerOpt,
    SeedOpt,
    SeparatorOpt,
    SizesOpt,
    SourceArg,
    TargetNOpt,
    TargetOpt,
    XmlOpt,
    _curve_options,
    _fit_options,
    _parse_bytes,
    _show_progress,
    flag_message,
)
from .errors import FeasibilityError
from .vocab import Metric

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
    from .report.text_profile import profile_json, profile_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    label_profile = profile(dataset, hidden=hidden, alpha=alpha, max_pairs=max_pairs, random_state=seed)
    if as_json:
        _print_json(profile_json(label_profile, max_labelsets=max_labelsets))
    else:
        typer.echo(profile_text(label_profile))
    return 0


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
    folds: FoldsOpt = _CURVE["folds"],
    repeats: RepeatsOpt = _CURVE["repeats"],
    sizes: SizesOpt = None,
    n_sizes: NSizesOpt = _CURVE["n_sizes"],
    min_size: MinSizeOpt = _CURVE["min_size"],
    seed: SeedOpt = _CURVE["seed"],
    jobs: JobsOpt = _CURVE["jobs"],
    engine: EngineOpt = Engine(_CURVE["engine"]),
    model: ModelOpt = Model(_CURVE["model"]),
    hidden_layers: HiddenLayersOpt = _CURVE_HIDDEN_LAYERS,
    formulations: FormulationsOpt = _CURVE_FORMULATIONS,
    prune_min_count: PruneOpt = _CURVE["prune_min_count"],
    budget: BudgetOpt = _CURVE["budget"],
    backend: BackendOpt = Backend(_CURVE["backend"]),
    scheduler: SchedulerOpt = _CURVE["scheduler"],
    no_cache: NoCacheOpt = not _CURVE["use_cache"],
    target_n: TargetNOpt = None,
    target: TargetOpt = None,
    n_bootstrap: BootstrapOpt = _FIT.n_bootstrap,
    as_json: JsonOpt = False,
) -> int:
    """Learning curves of sigmoid, powerset and pruned-powerset, fitted and extrapolated."""
    from .curves import learning_curves
    from .fit import fit_curves, with_sample_size
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
    fitted = with_sample_size(fit_curves(measured, **fit_options), measured)
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
    metric: MetricOpt = _METRIC_DEFAULT,
    target_n: ReportTargetNOpt = None,
    memory_budget: MemoryBudgetOpt = _MEMORY_BUDGET_DEFAULT,
    min_positives: MinPositivesOpt = _DECISION.min_positives,
    out: Annotated[
        Path | None, typer.Option("--out", help="HTML path (default reports/<name>.html); the JSON goes beside it.")
    ] = None,
    folds: FoldsOpt = _CURVE["folds"],
    repeats: RepeatsOpt = _CURVE["repeats"],
    sizes: SizesOpt = None,
    n_sizes: NSizesOpt = _CURVE["n_sizes"],
    min_size: MinSizeOpt = _CURVE["min_size"],
    seed: SeedOpt = _CURVE["seed"],
    jobs: JobsOpt = _CURVE["jobs"],
    engine: EngineOpt = Engine(_CURVE["engine"]),
    model: ModelOpt = Model(_CURVE["model"]),
    hidden_layers: HiddenLayersOpt = _CURVE_HIDDEN_LAYERS,
    formulations: FormulationsOpt = _CURVE_FORMULATIONS,
    prune_min_count: PruneOpt = _CURVE["prune_min_count"],
    budget: BudgetOpt = _CURVE["budget"],
    backend: BackendOpt = Backend(_CURVE["backend"]),
    scheduler: SchedulerOpt = _CURVE["scheduler"],
    no_cache: NoCacheOpt = not _CURVE["use_cache"],
    target: TargetOpt = None,
    n_bootstrap: BootstrapOpt = _FIT.n_bootstrap,
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
    metric: MetricOpt = _METRIC_DEFAULT,
    target_n: ReportTargetNOpt = None,
    memory_budget: MemoryBudgetOpt = _MEMORY_BUDGET_DEFAULT,
    min_positives: MinPositivesOpt = _DECISION.min_positives,
    labels_only: Annotated[
        bool, typer.Option("--labels-only", help="Skip the learning curves: only the checklist items the labels answer.")
    ] = False,
    folds: FoldsOpt = _CURVE["folds"],
    n_sizes: NSizesOpt = _CURVE["n_sizes"],
    seed: SeedOpt = _CURVE["seed"],
    jobs: JobsOpt = _CURVE["jobs"],
    engine: EngineOpt = Engine(_CURVE["engine"]),
    budget: BudgetOpt = _CURVE["budget"],
    no_cache: NoCacheOpt = not _CURVE["use_cache"],
) -> int:
    """Print only the pre-modelling checklist; exit 0 when nothing fails, 1 when something fails."""
    from .report.text_report import checklist_text

    dataset = _load(
        source, xml, labels, labels_last, label_column, label_sep, missing_labels,
        separator=separator,
    )
    if labels_only:
        from .decide import build_checklist
        from .profile import profile
        from .report.explain import checklist_json

        checklist = checklist_json(build_checklist(
            dataset, profile(dataset), None, None,
            min_positives=min_positives, memory_budget=_parse_bytes(memory_budget),
            metric=Metric(metric).value,
        ).to_dict())
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
        typer.echo(f"feasibility: error: {_one_line(flag_message(str(exc)))}", err=True)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
