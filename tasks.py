"""Invoke tasks for common analysis runs. List them with ``invoke --list`` (or ``inv --list``)."""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).parent
REPORTS = ROOT / "reports"
PANEL = ROOT.parent / "shared" / "datasets"
BENCHMARKS = ("bench_load", "bench_profile", "bench_curves", "bench_torch", "bench_extrapolation")


@task(help={"args": "Extra pytest arguments, e.g. '-k profile -x'."})
def test(c, args=""):
    """Run the test suite."""
    result = c.run(f"{sys.executable} -m pytest {args}", warn=True, pty=False)
    if result.exited:
        raise Exit("tests failed", code=1)


@task
def lint(c):
    """Check the code with ruff."""
    result = c.run(f"{sys.executable} -m ruff check feasibility tests benchmarks tasks.py", warn=True)
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
    wanted = {f"bench_{name.strip()}" for name in only.split(",") if name.strip()} or set(BENCHMARKS)
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
