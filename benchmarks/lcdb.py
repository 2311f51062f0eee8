"""Extrapolation on real learning curves: LCDB 1.0 (issue 12).

For every curve (one OpenML dataset x one learner) and extrapolation ratio r: fit the
runs' accuracies at the anchors <= largest / r with :func:`feasibility.fit_curve`, predict
the mean accuracy at the largest anchor, and compare with the measured mean there. The
baseline ``last1`` repeats the mean at the largest anchor used. Reported per r: MAE,
median and RMSE of both, the share of curves where the fit is closer, and the coverage and
mean width of the fit's 90% interval.

The file holds the datasets with an even OpenML id; ``--half`` picks ids = 0 or 2 mod 4,
so that anything calibrated on one half can be checked on the other.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

LCDB = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "lcdb_curves.parquet"
RATIOS = (2, 4, 10)
CONFIDENCE = 0.9
#: Fewer anchors than this below largest / r: the curve is not scored at that r.
MIN_ANCHORS = 3


def load_curves(path: Path = LCDB, half: str = "all") -> list[dict]:
    """Every curve as ``{"openmlid", "learner", "sizes", "scores"}``, scores (runs, anchors)."""
    import polars as pl

    frame = pl.read_parquet(path)
    if half in ("0", "2"):
        frame = frame.filter(pl.col("openmlid") % 4 == int(half))
    frame = frame.with_columns(pl.col("learner").cast(pl.String)).sort(
        "openmlid", "learner", "size_train", "run"
    )
    curves = []
    for (openmlid, learner), part in frame.group_by(["openmlid", "learner"], maintain_order=True):
        sizes = np.unique(part["size_train"].to_numpy())
        runs = np.unique(part["run"].to_numpy())
        scores = np.full((len(runs), len(sizes)), np.nan)
        scores[
            np.searchsorted(runs, part["run"].to_numpy()),
            np.searchsorted(sizes, part["size_train"].to_numpy()),
        ] = part["accuracy"].to_numpy()
        curves.append(
            {"openmlid": int(openmlid), "learner": learner, "sizes": sizes, "scores": scores}
        )
    return curves


def prefix_fits(curve: dict, ratios=RATIOS, n_bootstrap: int = 0):
    """Yield ``(r, used, fit)`` for each ratio r at which the curve has enough anchors.

    ``used`` is the runs' scores at the anchors <= largest / r, and ``fit`` is
    :func:`feasibility.fit_curve` on them, answering at the largest anchor.
    """
    from feasibility import fit_curve
    from feasibility.errors import FeasibilityWarning

    sizes, scores = curve["sizes"], curve["scores"]
    largest = int(sizes[-1])
    for r in ratios:
        keep = sizes <= largest / r
        if keep.sum() < MIN_ANCHORS:
            continue
        used = scores[:, keep]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeasibilityWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = fit_curve(
                sizes[keep],
                used,
                target_n=[largest],
                confidence=CONFIDENCE,
                higher_is_better=True,
                n_bootstrap=n_bootstrap,
            )
        yield r, used, fit


def score_curve(curve: dict, ratios=RATIOS, n_bootstrap: int = 200) -> list[dict]:
    """One row per ratio r at which the curve has enough anchors."""
    largest = int(curve["sizes"][-1])
    truth = float(np.nanmean(curve["scores"][:, -1]))
    rows = []
    for r, used, fit in prefix_fits(curve, ratios, n_bootstrap):
        answer = fit.at_target[largest]
        last1 = float(np.nanmean(used[:, -1]))
        rows.append(
            {
                "openmlid": curve["openmlid"],
                "learner": curve["learner"],
                "r": r,
                "truth": truth,
                "estimate": float(answer.estimate),
                "low": float(answer.low),
                "high": float(answer.high),
                "last1": last1,
                "model": fit.model,
            }
        )
    return rows


def _score_batch(batch: list[dict], n_bootstrap: int) -> list[dict]:
    return [row for curve in batch for row in score_curve(curve, n_bootstrap=n_bootstrap)]


def run(
    *, half: str = "all", max_curves: int | None = None, jobs: int = -1, n_bootstrap: int = 200
) -> list[dict]:
    """Score the curves (a seeded sample of ``max_curves`` of them when given)."""
    from joblib import Parallel, delayed

    curves = load_curves(half=half)
    if max_curves is not None and max_curves < len(curves):
        chosen = np.sort(np.random.default_rng(0).choice(len(curves), max_curves, replace=False))
        curves = [curves[i] for i in chosen]
    batches = [curves[i : i + 20] for i in range(0, len(curves), 20)]
    results = Parallel(n_jobs=jobs)(delayed(_score_batch)(b, n_bootstrap) for b in batches)
    return [row for rows in results for row in rows]


def summary(rows: list[dict], r: int) -> dict:
    """The benchmark's numbers at one ratio."""
    chosen = [row for row in rows if row["r"] == r]
    if not chosen:
        return {"r": r, "n": 0}
    truth = np.array([row["truth"] for row in chosen])
    estimate = np.array([row["estimate"] for row in chosen])
    last1 = np.array([row["last1"] for row in chosen])
    low = np.array([row["low"] for row in chosen])
    high = np.array([row["high"] for row in chosen])
    fit_error, last1_error = np.abs(estimate - truth), np.abs(last1 - truth)
    finite = np.isfinite(low) & np.isfinite(high)
    return {
        "r": r,
        "n": len(chosen),
        "mae": float(np.mean(fit_error)),
        "mae_last1": float(np.mean(last1_error)),
        "median": float(np.median(fit_error)),
        "median_last1": float(np.median(last1_error)),
        "rmse": float(math.sqrt(np.mean(fit_error**2))),
        "rmse_last1": float(math.sqrt(np.mean(last1_error**2))),
        "closer": float(np.mean(fit_error < last1_error)),
        "coverage": float(np.mean(finite & (low <= truth) & (truth <= high))),
        "width": float(np.mean((high - low)[finite])) if finite.any() else math.nan,
        "no_interval": int((~finite).sum()),
    }


def print_summary(rows: list[dict]) -> None:
    print(
        f"  {'r':>3} {'curves':>6} {'MAE fit/last1':>15} {'ratio':>6} {'median':>13} "
        f"{'RMSE':>13} {'closer':>7} {'90% cover':>9} {'width':>6}"
    )
    for r in RATIOS:
        s = summary(rows, r)
        if not s["n"]:
            continue
        print(
            f"  {r:>3} {s['n']:>6} {s['mae']:.4f}/{s['mae_last1']:.4f} "
            f"{s['mae'] / s['mae_last1']:>6.2f} {s['median']:.4f}/{s['median_last1']:.4f} "
            f"{s['rmse']:.4f}/{s['rmse_last1']:.4f} {100 * s['closer']:>6.0f}% "
            f"{100 * s['coverage']:>8.1f}% {s['width']:>6.3f}"
        )
