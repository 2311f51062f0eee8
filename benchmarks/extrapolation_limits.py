"""How good can extrapolation from a curve's own points get on LCDB? (issue 12's targets)

Issue 12 asks, at r = 4, for a 90% interval of mean width <= 0.06 and a mean absolute
error <= 0.6 x last1's. This benchmark measures what is reachable from the information
:func:`feasibility.fit_curve` has (one curve's measured points), on the held-out half of
LCDB 1.0 (OpenML ids = 2 mod 4), with everything learned on the developer half (0 mod 4):

- ``oracle``: the narrowest intervals that cover 90% of the curves if each curve's error
  were known in advance (width |error| on the 90% smallest errors, 0 on the rest). A
  floor, not a method.
- ``constant``: one interval for every curve, ``estimate + [q5, q95]`` of the developer
  half's errors.
- ``learned``: conformalised quantile regression (Romano et al. 2019): scikit-learn's
  gradient-boosted 5% and 95% quantiles of the error from 16 features of the curve's
  own points (backtest error, gain per doubling, noise, run spread, how non-monotone the
  means are, the members' disagreement, ...), cross-fitted on the developer half in 5
  folds grouped by dataset, widened by the 90% quantile of the cross-fitted conformity
  score. Its median gives a corrected point estimate for the MAE target.

The tool's own calibrated intervals are ``bench_extrapolation``'s table. Run
``python -m benchmarks.extrapolation_limits`` (about 7 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from benchmarks.lcdb import RATIOS, load_curves, prefix_fits

CONFIDENCE = 0.9
TAIL = (1.0 - CONFIDENCE) / 2.0
BOOSTING = {"max_iter": 300, "learning_rate": 0.05, "min_samples_leaf": 40, "random_state": 0}
#: Added inside logarithms of quantities that may be 0.
EPS = 1e-4


def _spread(fit, n: float) -> float:
    """The members' disagreement at size n: largest minus smallest member prediction."""
    from feasibility.fit.average import member_slices
    from feasibility.fit.models import CURVE_MODELS, predict

    names = list(fit.weights)
    values = [
        float(predict(CURVE_MODELS[name], fit.scaled_params[where], np.array([n / fit.scale]))[0])
        for name, where in zip(names, member_slices(names), strict=True)
    ]
    return max(values) - min(values)


def curve_rows(curve: dict) -> list[dict]:
    """One row per ratio: the truth, the fit's estimate, last1 and the curve's features."""
    sizes, scores = curve["sizes"], curve["scores"]
    largest = int(sizes[-1])
    rows = []
    for r, used, fit in prefix_fits(curve):
        if fit.model in (None, "last1", "log2"):
            continue
        means = np.nanmean(used, axis=0)
        steps = np.diff(means)
        n = float(fit.n_current)
        fitted = fit.predict_score(sizes[: used.shape[1]])  # the anchors used (a prefix)
        rows.append(
            {
                "openmlid": curve["openmlid"],
                "learner": curve["learner"],
                "r": r,
                "truth": float(np.nanmean(scores[:, -1])),
                "estimate": float(fit.at_target[largest].estimate),
                "last1": float(means[-1]),
                "error_scale": fit.error_scale,
                "backtest": fit.backtest_error,
                "gain": float(np.diff(fit.predict_score([n / 2.0, n]))[0]),
                "noise": float(np.nanstd(used[:, -1]) / math.sqrt(np.isfinite(used[:, -1]).sum())),
                "run_sd": float(np.nanstd(used[:, -1])),
                "rho": largest / n,
                "anchors": int(used.shape[1]),
                "drops": float(-np.minimum(steps, 0.0).sum()),
                "rises": float(np.maximum(steps, 0.0).sum()),
                "residual": float(np.sqrt(np.mean((fitted - means)[-3:] ** 2))),
                "last_step": float(steps[-1]),
                "below_best": float(means.max() - means[-1]),
                "total_gain": float(means[-1] - means[0]),
                "spread": _spread(fit, float(largest)),
            }
        )
    return rows


def features(rows: list[dict]) -> np.ndarray:
    """The learned model's inputs: (rows, 16)."""

    def column(name):
        return np.array([row[name] for row in rows], dtype=float)

    backtest = column("backtest")
    backtest = np.where(np.isfinite(backtest), backtest, column("gain"))
    drops, rises = column("drops"), column("rises")
    return np.column_stack(
        [
            np.log(column("error_scale") + EPS),
            np.log(np.maximum(backtest, 0.0) + EPS),
            np.log(np.maximum(column("gain"), 0.0) + EPS),
            np.log(column("noise") + EPS),
            np.log(column("run_sd") + EPS),
            np.log(column("rho")),
            column("anchors"),
            np.log(1.0 - column("last1") + 1e-3),
            column("estimate") - column("last1"),
            drops / (drops + rises + 1e-9),
            np.log(drops + EPS),
            np.log(column("residual") + EPS),
            column("last_step"),
            column("below_best"),
            column("total_gain"),
            np.log(column("spread") + EPS),
        ]
    )


def _fit_all(half: str, jobs: int) -> list[dict]:
    from joblib import Parallel, delayed

    curves = load_curves(half=half)
    batches = [curves[i : i + 20] for i in range(0, len(curves), 20)]
    done = Parallel(n_jobs=jobs)(
        delayed(lambda b: [row for c in b for row in curve_rows(c)])(b) for b in batches
    )
    return [row for rows in done for row in rows]


def _cross_fitted_quantiles(x, y, groups) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.model_selection import GroupKFold

    low, high = np.zeros(y.size), np.zeros(y.size)
    for train, test in GroupKFold(5).split(x, y, groups):
        for out, q in ((low, TAIL), (high, 1.0 - TAIL)):
            model = HistGradientBoostingRegressor(loss="quantile", quantile=q, **BOOSTING)
            out[test] = model.fit(x[train], y[train]).predict(x[test])
    return low, high


def compare(developer: list[dict], held_out: list[dict]) -> list[dict]:
    """Per ratio: the oracle, constant and learned intervals and point errors on ``held_out``."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    x0, x2 = features(developer), features(held_out)
    y0 = np.array([row["truth"] - row["estimate"] for row in developer])
    y2 = np.array([row["truth"] - row["estimate"] for row in held_out])
    r0 = np.array([row["r"] for row in developer])
    r2 = np.array([row["r"] for row in held_out])
    estimate2 = np.array([row["estimate"] for row in held_out])
    truth2 = np.array([row["truth"] for row in held_out])
    last2 = np.array([row["last1"] for row in held_out])
    cross_low, cross_high = _cross_fitted_quantiles(
        x0, y0, np.array([row["openmlid"] for row in developer])
    )
    models = {
        q: HistGradientBoostingRegressor(loss="quantile", quantile=q, **BOOSTING).fit(x0, y0)
        for q in (TAIL, 0.5, 1.0 - TAIL)
    }
    low2, mid2, high2 = (models[q].predict(x2) for q in (TAIL, 0.5, 1.0 - TAIL))
    out = []
    for r in RATIOS:
        d, h = r0 == r, r2 == r
        errors = np.sort(np.abs(y2[h]))
        kept = int(math.ceil(CONFIDENCE * errors.size))
        q_low, q_high = np.quantile(y0[d], [TAIL, 1.0 - TAIL])
        score = np.maximum(cross_low[d] - y0[d], y0[d] - cross_high[d])
        widen = float(np.quantile(score, CONFIDENCE))
        ends = np.clip(
            estimate2[h, None] + np.column_stack([low2[h] - widen, high2[h] + widen]), 0, 1
        )
        corrected = np.clip(estimate2[h] + mid2[h], 0.0, 1.0)
        last1_mae = float(np.mean(np.abs(last2[h] - truth2[h])))
        constant = np.clip(estimate2[h, None] + np.array([q_low, q_high]), 0, 1)
        out.append(
            {
                "r": r,
                "curves": int(h.sum()),
                "oracle_width": float(errors[:kept].sum() / errors.size),
                "constant_cover": _cover(constant, truth2[h]),
                "constant_width": float(np.mean(constant[:, 1] - constant[:, 0])),
                "learned_cover": _cover(ends, truth2[h]),
                "learned_width": float(np.mean(ends[:, 1] - ends[:, 0])),
                "fit_ratio": float(np.mean(np.abs(y2[h]))) / last1_mae,
                "learned_ratio": float(np.mean(np.abs(corrected - truth2[h]))) / last1_mae,
            }
        )
    return out


def by_learner(rows: list[dict], r: int) -> list[tuple[str, float, float]]:
    """Per learner at ratio r: (learner, share of the fit's total error, fit MAE / last1 MAE)."""
    chosen = [row for row in rows if row["r"] == r]
    total = sum(abs(row["estimate"] - row["truth"]) for row in chosen)
    out = []
    for learner in sorted({row["learner"] for row in chosen}):
        mine = [row for row in chosen if row["learner"] == learner]
        fit = sum(abs(row["estimate"] - row["truth"]) for row in mine)
        last1 = sum(abs(row["last1"] - row["truth"]) for row in mine)
        out.append((learner, fit / total, fit / last1 if last1 else math.nan))
    return sorted(out, key=lambda item: -item[1])


def _cover(ends: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean((ends[:, 0] <= truth) & (truth <= ends[:, 1])))


def main(argv: list[str] | None = None) -> int:
    """Fit both halves, learn on ids = 0 mod 4, print the table for ids = 2 mod 4."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=-1, help="parallel processes (default all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    developer, held_out = _fit_all("0", args.jobs), _fit_all("2", args.jobs)
    print(
        f"LCDB 1.0, learned on ids = 0 mod 4 ({len(developer)} fits), "
        f"scored on ids = 2 mod 4 ({len(held_out)} fits), {time.perf_counter() - start:.0f} s"
    )
    print(
        f"  {'r':>3} {'curves':>6} {'oracle w':>9} {'constant cov/w':>15} {'learned cov/w':>14} "
        f"{'MAE/last1 fit':>14} {'learned':>8}"
    )
    for row in compare(developer, held_out):
        print(
            f"  {row['r']:>3} {row['curves']:>6} {row['oracle_width']:>9.3f} "
            f"{100 * row['constant_cover']:>8.1f}% {row['constant_width']:.3f} "
            f"{100 * row['learned_cover']:>7.1f}% {row['learned_width']:.3f} "
            f"{row['fit_ratio']:>14.2f} {row['learned_ratio']:>8.2f}"
        )
    print(
        "  where the fit's error comes from at r = 4 (held-out half): learner, share, MAE / last1"
    )
    for learner, share, ratio in by_learner(held_out, 4):
        print(f"    {learner.removeprefix('sklearn.'):<50} {100 * share:5.1f}% {ratio:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
