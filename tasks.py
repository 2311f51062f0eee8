"""Invoke tasks for common analysis runs. List them with ``invoke --list`` (or ``inv --list``)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).parent
REPORTS = ROOT / "reports"
PANEL = ROOT.parent / "shared" / "datasets"
DATA_SUFFIXES = (
    ".arff",
    ".arff.bz2",
    ".arff.gz",
    ".arff.xz",
    ".csv",
    ".csv.bz2",
    ".csv.gz",
    ".parquet",
)
#: Load options for files that cannot say themselves which columns are labels.
PANEL_OPTIONS = {"flags.csv": "--labels-last 7"}
#: Files in the panel folder that are not multilabel datasets (its README says what they are).
PANEL_NOT_DATASETS = {"lcdb_curves.parquet"}
BENCHMARKS = (
    "bench_analyze",
    "bench_load",
    "bench_profile",
    "bench_curves",
    "bench_torch",
    "bench_extrapolation",
    "bench_fair",
)


@task(help={"args": "Extra pytest arguments, e.g. '-k profile -x'."})
def test(c, args=""):
    """Run the test suite."""
    result = c.run(f"{sys.executable} -m pytest {args}", warn=True, pty=False)
    if result.exited:
        raise Exit("tests failed", code=1)


@task
def lint(c):
    """Check the code with ruff."""
    result = c.run(
        f"{sys.executable} -m ruff check feasibility tests benchmarks tasks.py", warn=True
    )
    if result.exited:
        raise Exit("lint failed", code=1)


@task(
    help={
        "only": "Comma-separated benchmark names (default: all): "
        + ", ".join(name.removeprefix("bench_") for name in BENCHMARKS),
        "skip_imdb": "Skip the 20-minute imdb learning-curve run.",
    }
)
def bench(c, only="", skip_imdb=False):
    """Run the speed and memory benchmarks and print the measured ratios."""
    wanted = {f"bench_{name.strip()}" for name in only.split(",") if name.strip()} or set(
        BENCHMARKS
    )
    for name in BENCHMARKS:
        if name not in wanted or not (ROOT / "benchmarks" / f"{name}.py").is_file():
            continue
        print(f"\n=== {name}", flush=True)
        extra = " --skip-imdb" if skip_imdb and name == "bench_curves" else ""
        result = c.run(f"{sys.executable} -m benchmarks.{name}{extra}", warn=True, pty=False)
        if result.exited:
            raise Exit(f"benchmark {name} failed", code=1)


@task(help={"dataset": "Dataset file or embedded name (default: emotions).", "json": "Print JSON."})
def info(c, dataset="emotions", json=False):
    """Show what the loader makes of a dataset."""
    c.run(f"{sys.executable} -m feasibility info {dataset}{' --json' if json else ''}", pty=False)


@task(
    help={
        "dataset": "Dataset file or embedded name (default: emotions).",
        "out": "HTML path (default reports/<name>.html; the JSON goes beside it).",
        "options": "Extra options for 'feasibility report', e.g. '--metric subset_accuracy --budget 600'.",
    }
)
def report(c, dataset="emotions", out="", options=""):
    """Write the HTML report (and its JSON) for one dataset."""
    out_option = f" --out {shlex.quote(out)}" if out else ""
    result = c.run(
        f"{sys.executable} -m feasibility report {shlex.quote(dataset)}{out_option} {options}",
        warn=True,
        pty=False,
    )
    if result.exited:
        raise Exit(f"report for {dataset} failed", code=result.exited)


@task(
    help={
        "folder": "Folder of datasets (default ../shared/datasets).",
        "out": "Output folder (default reports/panel).",
        "options": "Extra options for every 'feasibility report' run.",
    }
)
def panel(c, folder=str(PANEL), out=str(REPORTS / "panel"), options=""):
    """A report for every dataset in a folder, plus an index page (one row per dataset)."""
    import json as json_module

    sys.path.insert(0, str(ROOT))
    from feasibility.report.index import error_row, index_markdown, index_row, write_index

    folder_path, out_path = Path(folder), Path(out)
    files = sorted(
        p
        for p in folder_path.iterdir()
        if p.name.lower().endswith(DATA_SUFFIXES) and p.name not in PANEL_NOT_DATASETS
    )
    if not files:
        raise Exit(f"no dataset files ({', '.join(DATA_SUFFIXES)}) in {folder_path}", code=1)
    rows = []
    for path in files:
        stem = path.name.split(".")[0]
        html = out_path / f"{stem}.html"
        extra = PANEL_OPTIONS.get(path.name, "")
        print(f"\n=== {path.name}", flush=True)
        result = c.run(
            f"{sys.executable} -m feasibility report {shlex.quote(str(path))} "
            f"--out {shlex.quote(str(html))} {extra} {options}",
            warn=True,
            pty=False,
        )
        if result.exited:
            lines = (result.stderr or "").strip().splitlines()
            rows.append(error_row(stem, lines[-1] if lines else "the report failed"))
            continue
        payload = json_module.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
        rows.append(index_row(payload, html.name))
    index = write_index(rows, out_path / "index.html")
    (out_path / "index.md").write_text(index_markdown(rows) + "\n", encoding="utf-8")
    print(f"\nindex: {index}\n")
    print(index_markdown(rows))
