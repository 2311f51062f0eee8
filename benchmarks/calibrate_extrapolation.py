"""Learn the extrapolation error quantiles of :mod:`feasibility.fit.extrapolation` on LCDB.

For every curve of LCDB 1.0 in ``lcdb_curves.parquet`` (or of one half of it) and r = 2, 4
and 10: fit :func:`feasibility.fit_curve` (no bootstrap) on the anchors <= largest / r,
then at every larger anchor record the standardised error
``z = (measured mean - fitted) / fit.error_scale`` and the distance
``rho = anchor / largest anchor used``. The quantiles of z per distance (pooled to the
nearest calibrated distance, sqrt(2)^k for k = 1..8) are the table of
``feasibility/fit/_extrapolation_table.py``; ``--write`` rewrites that file.

The method is checked by two-fold cross-calibration: learned on ids = 0 mod 4 (``--half 0``)
and scored by ``python -m benchmarks.bench_extrapolation --half 2``, and the other way
round. Each half has about 60 datasets and the halves differ: learned on half 0 the 90%
intervals cover 87-91% of half 2, learned on half 2 they cover 96% of half 0. The table
the package ships is learned on the whole file (the default), the best estimate for
other curves; LCDB's odd ids, not in the file, are the independent check.

Run ``python -m benchmarks.calibrate_extrapolation [--write] [--half 0|2|all]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.lcdb import load_curves, prefix_fits

TABLE = Path(__file__).resolve().parents[1] / "feasibility" / "fit" / "_extrapolation_table.py"
DISTANCES = tuple(float(2 ** (k / 2)) for k in range(1, 9))
PROBABILITIES = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    0.7,
    0.8,
    0.9,
    0.95,
    0.975,
    0.99,
    0.995,
)


def standardised_errors(curve: dict) -> list[tuple[float, float]]:
    """(rho, z) at every anchor beyond the cut, for every ratio the curve allows."""
    sizes, scores = curve["sizes"], curve["scores"]
    means = np.nanmean(scores, axis=0)
    out = []
    for _, used, fit in prefix_fits(curve):
        keep = np.arange(sizes.size) < used.shape[1]  # the anchors used (a prefix)
        if not np.isfinite(fit.error_scale):
            continue
        beyond = ~keep & np.isfinite(means)
        predicted = fit.predict_score(sizes[beyond])
        rho = sizes[beyond] / fit.n_current
        z = (means[beyond] - predicted) / fit.error_scale
        out.extend(zip(rho.tolist(), z.tolist(), strict=True))
    return out


def _batch(curves: list[dict]) -> list[tuple[float, float]]:
    return [pair for curve in curves for pair in standardised_errors(curve)]


def quantile_table(
    pairs: list[tuple[float, float]],
) -> tuple[tuple[tuple[float, ...], ...], np.ndarray]:
    """Quantiles of z at PROBABILITIES for each of DISTANCES (nearest in log rho).

    Made monotone in the distance (lower quantiles never rise, upper ones never fall as
    rho grows): an interval must not narrow farther out because one distance had fewer,
    easier curves.
    """
    rho = np.array([p[0] for p in pairs])
    z = np.array([p[1] for p in pairs])
    nearest = np.argmin(np.abs(np.log(rho)[:, None] - np.log(DISTANCES)[None, :]), axis=1)
    raw = np.array([np.quantile(z[nearest == k], PROBABILITIES) for k in range(len(DISTANCES))])
    lower = np.array(PROBABILITIES) < 0.5
    upper = np.array(PROBABILITIES) > 0.5
    raw[:, lower] = np.minimum.accumulate(raw[:, lower], axis=0)
    raw[:, upper] = np.maximum.accumulate(raw[:, upper], axis=0)
    table = tuple(tuple(round(float(q), 4) for q in row) for row in raw)
    return table, np.bincount(nearest, minlength=len(DISTANCES))


def write_table(table, counts, half: str) -> None:
    rows = "\n".join(f"    {row},  # {n} errors" for row, n in zip(table, counts, strict=True))
    learned_on = "every curve of the file (even ids)" if half == "all" else f"ids = {half} mod 4"
    TABLE.write_text(
        f'''"""Calibrated quantiles of the standardised extrapolation error (written by a script).

Learned on LCDB 1.0, {learned_on}, by ``python -m benchmarks.calibrate_extrapolation
--write --half {half}``; see :mod:`feasibility.fit.extrapolation`. Do not edit by hand.
"""

#: Distances (multiples of the largest measured size) the quantiles were measured at.
RATIOS = {tuple(round(d, 6) for d in DISTANCES)}
#: Probabilities of the quantiles.
PROBABILITIES = {PROBABILITIES}
#: QUANTILES[i][j]: quantile PROBABILITIES[j] of the standardised error at RATIOS[i].
QUANTILES = (
{rows}
)
''',
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    """Compute (and with ``--write`` store) the quantile table."""
    from joblib import Parallel, delayed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--half",
        choices=["0", "2", "all"],
        default="all",
        help="learn on LCDB ids = 0 or 2 mod 4, or on all of the file (default)",
    )
    parser.add_argument("--write", action="store_true", help=f"rewrite {TABLE.name}")
    parser.add_argument("--jobs", type=int, default=-1, help="parallel processes (default all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    curves = load_curves(half=args.half)
    batches = [curves[i : i + 20] for i in range(0, len(curves), 20)]
    results = Parallel(n_jobs=args.jobs)(delayed(_batch)(b) for b in batches)
    pairs = [pair for rows in results for pair in rows]
    table, counts = quantile_table(pairs)
    print(f"{len(curves)} curves, {len(pairs)} errors, {time.perf_counter() - start:.0f} s")
    for distance, row, n in zip(DISTANCES, table, counts, strict=True):
        print(
            f"  rho {distance:5.2f} ({n:5d}): 5% {row[3]:+.2f}  50% {row[7]:+.2f}  95% {row[11]:+.2f}"
        )
    if args.write:
        write_table(table, counts, args.half)
        print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
