"""Command line: ``feasibility info|profile|curves|report|check|render``.

Parses options, calls the pipeline stages and prints; it computes nothing itself.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .errors import FeasibilityError

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
class MissingLabels(str, Enum):
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


def _load(source, xml, labels, labels_last, label_column, label_sep, missing_labels):
    from .io import load

    return load(
        source,
        xml=xml,
        labels=labels,
        labels_last=labels_last,
        label_column=label_column,
        label_sep=label_sep,
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
    missing_labels: MissingLabelsOpt = MissingLabels.error,
    as_json: JsonOpt = False,
) -> int:
    """Load a dataset and print its shape, labels, detected format and loader notes."""
    from .report.text_dataset import dataset_text

    dataset = _load(source, xml, labels, labels_last, label_column, label_sep, missing_labels)
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

    dataset = _load(source, xml, labels, labels_last, label_column, label_sep, missing_labels)
    label_profile = profile(dataset, hidden=hidden, alpha=alpha, max_pairs=max_pairs, random_state=seed)
    if as_json:
        _print_json(label_profile.to_dict(max_labelsets=max_labelsets))
    else:
        typer.echo(profile_text(label_profile))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 check failed, 2 bad input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Typer/click print usage errors themselves and exit with 2.
        app(args=args, prog_name="feasibility", standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except FeasibilityError as exc:
        message = " ".join(str(exc).split())
        typer.echo(f"feasibility: error: {message}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
