"""The in-memory API's overhead: ``feasibility.analyze`` against the CLI on the same data (issue 13).

A synthetic 10,000 x 50-label dataset (labels independent given 20 features) is written
to a CSV; then, in turns (the first of each pair alternating), ``feasibility report
data.csv --labels-last 50 ...`` runs as a command (its wall time, interpreter start
included) and ``analyze((X, Y), ...).to_html(...)`` runs in a fresh interpreter that first
builds the arrays (timed from the call, as a notebook user waits for it, and as a whole
process). Both use the same options (2 folds, 3 sizes, so a run takes about a minute) and
no cache; the ratio of the medians is printed, target <= 1.05. Nothing else should run on
the machine meanwhile.

Run ``python -m benchmarks.bench_analyze [--repeats 3] [--samples 10000]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OPTIONS = {"folds": 2, "n_sizes": 3, "jobs": 2}
N_BOOTSTRAP = 100

_ANALYZE = """
import sys, time, warnings
import numpy as np
import feasibility
from feasibility.synthetic import make_independent_labels
data = make_independent_labels({n}, n_features=20, n_labels=50, random_state=0)
warnings.simplefilter("ignore")
start = time.perf_counter()
feasibility.analyze(
    (data.X, data.Y), name="bench", progress=False,
    curve_options={{"folds": {folds}, "n_sizes": {n_sizes}, "jobs": {jobs}, "use_cache": False}},
    fit_options={{"n_bootstrap": {n_bootstrap}}},
).to_html(sys.argv[1])
print(time.perf_counter() - start)
"""


def main(argv: list[str] | None = None) -> int:
    """Time the CLI and analyze() in turns and print the ratio of the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each")
    parser.add_argument("--samples", type=int, default=10_000, help="rows of the dataset")
    args = parser.parse_args(argv)
    from feasibility.synthetic import make_independent_labels

    data = make_independent_labels(args.samples, n_features=20, n_labels=50, random_state=0)
    folder = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    csv = folder / "bench.csv"
    import polars as pl

    columns = {f"x{j}": data.X[:, j] for j in range(data.X.shape[1])}
    columns |= {f"label_{j}": data.Y[:, j] for j in range(data.Y.shape[1])}
    pl.DataFrame(columns).write_csv(csv)
    cli = [sys.executable, "-m", "feasibility", "report", str(csv), "--labels-last", "50"]
    cli += ["--folds", str(OPTIONS["folds"]), "--n-sizes", str(OPTIONS["n_sizes"])]
    cli += ["--jobs", str(OPTIONS["jobs"]), "--n-bootstrap", str(N_BOOTSTRAP), "--no-cache"]
    cli += ["--out", str(folder / "cli.html")]
    script = _ANALYZE.format(n=args.samples, n_bootstrap=N_BOOTSTRAP, **OPTIONS)
    cli_seconds, api_seconds, api_process_seconds = [], [], []

    def run_cli() -> None:
        start = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True)
        cli_seconds.append(time.perf_counter() - start)

    def run_api() -> None:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", script, str(folder / "api.html")],
            check=True,
            capture_output=True,
            text=True,
        )
        api_process_seconds.append(time.perf_counter() - start)
        api_seconds.append(float(done.stdout.strip().splitlines()[-1]))

    for repeat in range(args.repeats):
        # in turns, the first of each pair alternating, so a drift of the machine's speed
        # weighs on both alike
        for run in (run_cli, run_api) if repeat % 2 == 0 else (run_api, run_cli):
            run()

    def runs(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} s (runs {', '.join(f'{v:.1f}' for v in values)})"

    cli_median = statistics.median(cli_seconds)
    print(f"{args.samples:,} x 50 labels, {args.repeats} runs each, in turns:")
    print(f"  CLI (whole command, CSV read)          {runs(cli_seconds)}")
    print(f"  analyze() call (data in memory)        {runs(api_seconds)}")
    print(f"  analyze() process (imports, data made) {runs(api_process_seconds)}")
    print(
        f"  ratio analyze / CLI: call {statistics.median(api_seconds) / cli_median:.3f}, "
        f"process {statistics.median(api_process_seconds) / cli_median:.3f} (target <= 1.05)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
