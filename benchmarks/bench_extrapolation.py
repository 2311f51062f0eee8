"""Extrapolation benchmarks: real LCDB learning curves (issue 12), then the panel's self-backtest.

The LCDB part is :mod:`benchmarks.lcdb` (fit on the anchors <= largest / r, r = 2, 4, 10,
predict the mean at the largest anchor). The panel part (issue 5) follows.

For each dataset: measure the default learning curves, fit them using only the training
sizes up to 25% of the full training part, and predict the measured full-size f1_micro
and subset accuracy. Prints, per dataset and formulation, whether the measured value is
inside the 90% band (a prediction interval of the measured fold mean), the absolute
error of the selected fit, and the absolute error of the naive baseline that repeats the
last observed point (<= 25%); then the counts, the means and the mean band width (a band
covers more by being wider, so the width is reported next to the coverage).

Run ``python benchmarks/bench_extrapolation.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
DATASETS = {
    "emotions": "emotions.arff",
    "yeast": "yeast.arff.bz2",
    "scene": "scene.arff.bz2",
    "medical": "medical.arff",
    "genbase": "genbase.arff",
    "enron": "enron.arff.bz2",
}
BACKTEST_METRICS = ("f1_micro", "subset_accuracy")
FRACTION = 0.25


def backtest(curves, *, fraction: float = FRACTION, n_bootstrap: int = 200) -> list[dict]:
    """Fit on sizes <= ``fraction`` of the largest size; compare with the measured largest size.

    Returns one row per formulation and metric with the measured value, the selected
    model's prediction and 90% band, and both absolute errors.
    """
    from feasibility.errors import FeasibilityWarning
    from feasibility.fit import fit_curves

    rows = []
    first = next(iter(curves.curves.values()))
    n_full = int(first.train_sizes[-1])
    cap = int(fraction * n_full)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        fits = fit_curves(curves, target_n=[n_full], max_train_size=cap, n_bootstrap=n_bootstrap)
    for formulation, by_metric in fits.fits.items():
        sizes = curves.curves[formulation].train_sizes
        column = int(np.flatnonzero(sizes == n_full)[0])
        for metric in BACKTEST_METRICS:
            fit = by_metric.get(metric)
            measured_cells = curves.curves[formulation].scores[metric][:, column]
            if fit is None or fit.model is None or not np.isfinite(measured_cells).any():
                continue
            measured = float(np.nanmean(measured_cells))
            interval = fit.at_target[n_full]
            rows.append(
                {
                    "formulation": formulation,
                    "metric": metric,
                    "n_points": int(fit.train_sizes.size),
                    "largest_used": int(fit.train_sizes[-1]),
                    "n_full": n_full,
                    "model": fit.model,
                    "measured": measured,
                    "predicted": interval.estimate,
                    "low": interval.low,
                    "high": interval.high,
                    "inside": bool(interval.low <= measured <= interval.high),
                    "width": interval.high - interval.low,
                    "fit_error": abs(interval.estimate - measured),
                    "last1_error": abs(float(fit.observed[-1]) - measured),
                }
            )
    return rows


def _print_rows(name: str, rows: list[dict], seconds: float) -> None:
    print(f"\n{name}: learning_curves {seconds:.1f} s")
    print(
        f"  {'formulation':16} {'metric':16} {'pts':>3} {'<=n':>5} {'model':6} {'measured':>8} "
        f"{'predicted [90% band]':>26} {'inside':>6} {'|fit err|':>9} {'|last1|':>8}"
    )
    for row in rows:
        band = f"{row['predicted']:.3f} [{row['low']:.3f}, {row['high']:.3f}]"
        print(
            f"  {row['formulation']:16} {row['metric']:16} {row['n_points']:>3} {row['largest_used']:>5} "
            f"{row['model']:6} {row['measured']:8.3f} {band:>26} {'yes' if row['inside'] else 'no':>6} "
            f"{row['fit_error']:9.4f} {row['last1_error']:8.4f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the backtest on the panel datasets and print the table and means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", type=Path, default=PANEL, help="folder with the panel datasets")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS), help="datasets to run")
    parser.add_argument(
        "--n-sizes", type=int, default=None, help="training sizes (default: learning_curves')"
    )
    parser.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: all cores)")
    parser.add_argument("--n-bootstrap", type=int, default=200, help="bootstrap resamples")
    parser.add_argument("--skip-lcdb", action="store_true", help="only the panel backtest")
    parser.add_argument("--skip-panel", action="store_true", help="only the LCDB curves")
    parser.add_argument(
        "--max-curves", type=int, default=None, help="a seeded sample of LCDB curves (default all)"
    )
    parser.add_argument(
        "--half", choices=["all", "0", "2"], default="all", help="LCDB ids = 0 or 2 mod 4"
    )
    args = parser.parse_args(argv)
    if not args.skip_lcdb:
        from benchmarks import lcdb

        if not lcdb.LCDB.is_file():
            print(f"LCDB curves not found at {lcdb.LCDB}; skipping them.", file=sys.stderr)
        else:
            start = time.perf_counter()
            rows = lcdb.run(
                half=args.half,
                max_curves=args.max_curves,
                jobs=-1 if args.jobs is None else args.jobs,
                n_bootstrap=args.n_bootstrap,
            )
            print(
                f"LCDB 1.0 curves (half {args.half}): fit on anchors <= largest / r, predict the "
                f"mean at the largest ({time.perf_counter() - start:.0f} s)"
            )
            lcdb.print_summary(rows)
            sys.stdout.flush()
    if args.skip_panel:
        return 0
    if not args.panel.is_dir():
        print(f"panel datasets not found at {args.panel}; nothing to benchmark.", file=sys.stderr)
        return 1

    from feasibility import load
    from feasibility.curves import learning_curves

    options = {} if args.n_sizes is None else {"n_sizes": args.n_sizes}
    all_rows = []
    for name in args.datasets:
        dataset = load(args.panel / DATASETS[name])
        start = time.perf_counter()
        curves = learning_curves(dataset, jobs=args.jobs, use_cache=False, **options)
        seconds = time.perf_counter() - start
        rows = backtest(curves, n_bootstrap=args.n_bootstrap)
        _print_rows(name, rows, seconds)
        for row in rows:
            row["dataset"] = name
        all_rows.extend(rows)
        sys.stdout.flush()
    if not all_rows:
        return 1
    print(
        f"\nfit on sizes <= {int(100 * FRACTION)}% of the full training part, predict the full size"
    )
    for metric in (*BACKTEST_METRICS, None):
        chosen = [row for row in all_rows if metric is None or row["metric"] == metric]
        inside = sum(row["inside"] for row in chosen)
        fit_error = float(np.mean([row["fit_error"] for row in chosen]))
        last1_error = float(np.mean([row["last1_error"] for row in chosen]))
        wins = sum(row["fit_error"] < row["last1_error"] for row in chosen)
        width = float(np.mean([row["width"] for row in chosen]))
        label = metric or "all"
        print(
            f"  {label:16} inside 90% band {inside}/{len(chosen)} (mean width {width:.3f}); "
            f"mean |error| fit {fit_error:.4f} vs last point {last1_error:.4f} "
            f"(fit better in {wins}/{len(chosen)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
