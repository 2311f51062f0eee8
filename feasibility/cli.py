"""Command line: ``feasibility info|profile|curves|report|check|render``.

Parses options, calls the pipeline stages and prints; it computes nothing itself. The
options are declared in :mod:`feasibility._cli_options` (their defaults are the library's)
and turned into the library's inputs by :mod:`feasibility._cli_build`.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import typer

from . import _cli_build as build
from . import _cli_options as opt
from .curves import learning_curves
from .errors import FeasibilityError
from .fit import fit_curves, with_sample_size
from .pipeline import labels_checklist, report_paths, run_pipeline
from .profile import profile
from .report.explain import checklist_json
from .report.render import check_report_path, read_result, write_report
from .report.result_json import curves_json
from .report.terminal import one_line, warning_line
from .report.text_curves import curves_text
from .report.text_dataset import dataset_text
from .report.text_profile import profile_json, profile_text
from .report.text_report import checklist_text, verdict_text

try:  # recent typer ships its own copy of click; older ones use click itself
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as _click_errors

# click >= 8.2: a bare group asks for its help through this exception
_NoArgsIsHelp = getattr(_click_errors, "NoArgsIsHelpError", ())
CURVE, FIT, DECISION = opt.CURVE_DEFAULTS, opt.FIT_DEFAULTS, opt.DECISION_DEFAULTS

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


def _print_json(payload: dict) -> None:
    typer.echo(json.dumps(payload, indent=2, allow_nan=False))


def _command_line() -> str:
    return "feasibility " + " ".join(sys.argv[1:])


@app.command()
def info(
    source: opt.SourceArg,
    xml: opt.XmlOpt = None,
    labels: opt.LabelsOpt = None,
    labels_last: opt.LabelsLastOpt = None,
    label_column: opt.LabelColumnOpt = None,
    label_sep: opt.LabelSepOpt = None,
    separator: opt.SeparatorOpt = None,
    missing_labels: opt.MissingLabelsOpt = opt.MissingLabels.error,
    as_json: opt.JsonOpt = False,
) -> int:
    """Load a dataset and print its shape, labels, detected format and loader notes."""
    flags = locals()  # the parsed command line by parameter name, as argparse's vars(args)
    dataset = build.load_dataset(flags)
    if as_json:
        _print_json(dataset.to_dict())
    else:
        typer.echo(dataset_text(dataset))
    return 0


@app.command("profile")
def profile_command(
    source: opt.SourceArg,
    xml: opt.XmlOpt = None,
    labels: opt.LabelsOpt = None,
    labels_last: opt.LabelsLastOpt = None,
    label_column: opt.LabelColumnOpt = None,
    label_sep: opt.LabelSepOpt = None,
    separator: opt.SeparatorOpt = None,
    missing_labels: opt.MissingLabelsOpt = opt.MissingLabels.error,
    hidden: opt.HiddenOpt = opt.PROFILE_DEFAULTS.hidden,
    alpha: opt.AlphaOpt = opt.PROFILE_DEFAULTS.alpha,
    max_pairs: opt.MaxPairsOpt = opt.PROFILE_DEFAULTS.max_pairs,
    seed: opt.ProfileSeedOpt = opt.PROFILE_DEFAULTS.random_state,
    max_labelsets: opt.MaxLabelsetsOpt = opt.MAX_LABELSETS_DEFAULT,
    as_json: opt.JsonOpt = False,
) -> int:
    """Profile the label space: co-occurrence, powerset sparsity, samples per labelset, head sizes."""
    flags = locals()  # the parsed command line by parameter name, as argparse's vars(args)
    dataset = build.load_dataset(flags)
    label_profile = profile(
        dataset, hidden=hidden, alpha=alpha, max_pairs=max_pairs, random_state=seed
    )
    if as_json:
        _print_json(profile_json(label_profile, max_labelsets=max_labelsets))
    else:
        typer.echo(profile_text(label_profile))
    return 0


@app.command()
def curves(
    source: opt.SourceArg,
    xml: opt.XmlOpt = None,
    labels: opt.LabelsOpt = None,
    labels_last: opt.LabelsLastOpt = None,
    label_column: opt.LabelColumnOpt = None,
    label_sep: opt.LabelSepOpt = None,
    separator: opt.SeparatorOpt = None,
    missing_labels: opt.MissingLabelsOpt = opt.MissingLabels.error,
    folds: opt.FoldsOpt = CURVE["folds"],
    repeats: opt.RepeatsOpt = CURVE["repeats"],
    sizes: opt.SizesOpt = None,
    n_sizes: opt.NSizesOpt = CURVE["n_sizes"],
    min_size: opt.MinSizeOpt = CURVE["min_size"],
    seed: opt.SeedOpt = CURVE["seed"],
    jobs: opt.JobsOpt = CURVE["jobs"],
    engine: opt.EngineOpt = opt.Engine(CURVE["engine"]),
    model: opt.ModelOpt = opt.Model(CURVE["model"]),
    hidden_layers: opt.HiddenLayersOpt = opt.HIDDEN_LAYERS_DEFAULT,
    formulations: opt.FormulationsOpt = opt.FORMULATIONS_DEFAULT,
    prune_min_count: opt.PruneOpt = CURVE["prune_min_count"],
    scaling: opt.ScalingOpt = opt.Scaling(CURVE["scaling"]),
    budget: opt.BudgetOpt = CURVE["budget"],
    backend: opt.BackendOpt = opt.Backend(CURVE["backend"]),
    scheduler: opt.SchedulerOpt = CURVE["scheduler"],
    no_cache: opt.NoCacheOpt = not CURVE["use_cache"],
    target_n: opt.TargetNOpt = None,
    target: opt.TargetOpt = None,
    n_bootstrap: opt.BootstrapOpt = FIT.n_bootstrap,
    as_json: opt.JsonOpt = False,
) -> int:
    """Learning curves of sigmoid, powerset and pruned-powerset, fitted and extrapolated."""
    flags = locals()  # the parsed command line by parameter name, as argparse's vars(args)
    dataset = build.load_dataset(flags)
    curve_options = build.curve_options(flags, progress=build.show_progress(as_json))
    # Built (and checked) before any model is trained: a bad --target fails now.
    fit_options = build.fit_options(
        target_n=target_n, target=target, n_bootstrap=n_bootstrap, seed=seed
    )
    measured = learning_curves(dataset, **curve_options)
    fitted = with_sample_size(fit_curves(measured, **fit_options), measured)
    if as_json:
        _print_json(curves_json(measured, fitted))
    else:
        typer.echo(curves_text(measured, fitted))
    return 0


@app.command()
def report(
    source: opt.SourceArg,
    xml: opt.XmlOpt = None,
    labels: opt.LabelsOpt = None,
    labels_last: opt.LabelsLastOpt = None,
    label_column: opt.LabelColumnOpt = None,
    label_sep: opt.LabelSepOpt = None,
    separator: opt.SeparatorOpt = None,
    missing_labels: opt.MissingLabelsOpt = opt.MissingLabels.error,
    metric: opt.MetricOpt = opt.METRIC_DEFAULT,
    target_n: opt.ReportTargetNOpt = None,
    memory_budget: opt.MemoryBudgetOpt = opt.MEMORY_BUDGET_DEFAULT,
    min_positives: opt.MinPositivesOpt = DECISION.min_positives,
    out: opt.ReportOutOpt = None,
    folds: opt.FoldsOpt = CURVE["folds"],
    repeats: opt.RepeatsOpt = CURVE["repeats"],
    sizes: opt.SizesOpt = None,
    n_sizes: opt.NSizesOpt = CURVE["n_sizes"],
    min_size: opt.MinSizeOpt = CURVE["min_size"],
    seed: opt.SeedOpt = CURVE["seed"],
    jobs: opt.JobsOpt = CURVE["jobs"],
    engine: opt.EngineOpt = opt.Engine(CURVE["engine"]),
    model: opt.ModelOpt = opt.Model(CURVE["model"]),
    hidden_layers: opt.HiddenLayersOpt = opt.HIDDEN_LAYERS_DEFAULT,
    formulations: opt.FormulationsOpt = opt.FORMULATIONS_DEFAULT,
    prune_min_count: opt.PruneOpt = CURVE["prune_min_count"],
    scaling: opt.ScalingOpt = opt.Scaling(CURVE["scaling"]),
    budget: opt.BudgetOpt = CURVE["budget"],
    backend: opt.BackendOpt = opt.Backend(CURVE["backend"]),
    scheduler: opt.SchedulerOpt = CURVE["scheduler"],
    no_cache: opt.NoCacheOpt = not CURVE["use_cache"],
    target: opt.TargetOpt = None,
    n_bootstrap: opt.BootstrapOpt = FIT.n_bootstrap,
    open_report: opt.OpenOpt = False,
) -> int:
    """Run the whole analysis and write the HTML report and its JSON; print the verdict."""
    flags = locals()  # the parsed command line by parameter name, as argparse's vars(args)
    dataset = build.load_dataset(flags)
    html_path, _ = report_paths(dataset.name, out)
    check_report_path(html_path)  # a bad --out fails now, not after the learning curves
    result = run_pipeline(
        dataset,
        curve_options=build.curve_options(flags, progress=build.show_progress(False)),
        fit_options=build.fit_options(target=target, n_bootstrap=n_bootstrap, seed=seed),
        target_n=target_n,
        command_line=_command_line(),
        **build.decision_options(flags),
    )
    html_written, json_written = write_report(result, html_path)
    typer.echo(verdict_text(result))
    typer.echo(f"report: {html_written}")
    typer.echo(f"json:   {json_written}")
    if open_report:
        _open_in_browser(html_written)
    return 0


def _open_in_browser(path: Path) -> None:
    """Open a written report in the default browser; say so when there is none."""
    import webbrowser

    if not webbrowser.open(path.resolve().as_uri()):
        typer.echo(f"feasibility: no web browser to open {path}; open it by hand.", err=True)


@app.command()
def check(
    source: opt.SourceArg,
    xml: opt.XmlOpt = None,
    labels: opt.LabelsOpt = None,
    labels_last: opt.LabelsLastOpt = None,
    label_column: opt.LabelColumnOpt = None,
    label_sep: opt.LabelSepOpt = None,
    separator: opt.SeparatorOpt = None,
    missing_labels: opt.MissingLabelsOpt = opt.MissingLabels.error,
    metric: opt.MetricOpt = opt.METRIC_DEFAULT,
    target_n: opt.ReportTargetNOpt = None,
    memory_budget: opt.MemoryBudgetOpt = opt.MEMORY_BUDGET_DEFAULT,
    min_positives: opt.MinPositivesOpt = DECISION.min_positives,
    labels_only: opt.LabelsOnlyOpt = False,
    folds: opt.FoldsOpt = CURVE["folds"],
    n_sizes: opt.NSizesOpt = CURVE["n_sizes"],
    seed: opt.SeedOpt = CURVE["seed"],
    jobs: opt.JobsOpt = CURVE["jobs"],
    engine: opt.EngineOpt = opt.Engine(CURVE["engine"]),
    budget: opt.BudgetOpt = CURVE["budget"],
    no_cache: opt.NoCacheOpt = not CURVE["use_cache"],
) -> int:
    """Print only the pre-modelling checklist; exit 0 when nothing fails, 1 when something fails."""
    flags = locals()  # the parsed command line by parameter name, as argparse's vars(args)
    dataset = build.load_dataset(flags)
    if labels_only:
        checklist = checklist_json(
            labels_checklist(dataset, **build.decision_options(flags)).to_dict()
        )
    else:
        checklist = run_pipeline(
            dataset,
            curve_options=build.curve_options(flags, progress=build.show_progress(False)),
            fit_options=build.fit_options(seed=seed),
            target_n=target_n,
            command_line=_command_line(),
            **build.decision_options(flags),
        )["checklist"]
    typer.echo(checklist_text(checklist))
    if checklist["status"] == "fail":
        raise typer.Exit(code=1)  # a command's return value is not its exit code
    return 0


@app.command()
def render(result_json: opt.ResultJsonArg, out: opt.RenderOutOpt = None) -> int:
    """Re-render a report's HTML from its JSON without recomputing anything."""
    html_written, _ = write_report(
        read_result(result_json), out or result_json.with_suffix(".html")
    )
    typer.echo(f"report: {html_written}")
    return 0


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings are notes for the user: one line, no source location."""
    typer.echo(warning_line(message), err=True)


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
        typer.echo(f"feasibility: error: {one_line(exc.format_message())}{hint}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("feasibility: error: aborted", err=True)
        return 1
    except FeasibilityError as exc:
        typer.echo(f"feasibility: error: {one_line(opt.flag_message(str(exc)))}", err=True)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
