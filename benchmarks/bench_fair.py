"""Check the tool's tuned scores against an independent tuned comparison (issue 11).

For each panel dataset: run ``learning_curves`` at the full training size, and redo the
same comparison from scratch with plain scikit-learn on the same outer folds and the same
(pruned) labelsets. The independent side, per outer run: features scaled on the training
part (sparse: ``MaxAbsScaler``; dense: columns of non-negative integers ``MaxAbsScaler``,
the others ``StandardScaler``); the sigmoid head is one ``LogisticRegression`` per label,
each with its C chosen from the tool's grid (the ``C_grid`` its result reports: one value
per decade) by the pooled out-of-fold log-loss of a shuffled inner 3-fold ``KFold`` (its own
folds, not the tool's), every C tried; a powerset head is one multinomial
``LogisticRegression`` over the labelset ids, its C chosen the same way (a class missing
from an inner training part gets probability 0 on that fold's validation rows). The
decoding thresholds are chosen on the out-of-fold probabilities at the chosen C, on the
grid 0.02 .. 0.98 (ties go to the threshold nearest 0.5): hamming_loss 0.5; f1_macro one
threshold per label; the other metrics one threshold for all labels, except the
powersets' subset accuracy (argmax). A powerset is thresholded on its label marginals
(the probability mass of the labelsets containing each label). The outer test part is
scored with scikit-learn's metrics.

Prints per dataset a table (head x metric: tool mean over the runs, independent mean,
absolute difference, within TOLERANCE or not, how often both chose the same C, and with
``--inner-seeds K`` how far apart the means of K references differing only in the shuffle
of their inner folds are: the reference's own noise, which the independent mean averages),
the seconds of each side, and a last line with the count within TOLERANCE and the largest gap.

Run ``python benchmarks/bench_fair.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
#: file name and load options of each dataset
DATASETS = {
    "emotions": ("emotions.arff", {}),
    "yeast": ("yeast.arff.bz2", {}),
    "scene": ("scene.arff.bz2", {}),
    "medical": ("medical.arff", {}),
    "flags": ("flags.csv", {"labels_last": 7}),
}
HEADS = ("sigmoid", "powerset", "pruned-powerset")
METRICS = ("subset_accuracy", "hamming_loss", "f1_micro", "f1_macro", "f1_samples", "jaccard")
GLOBAL_METRICS = ("subset_accuracy", "f1_micro", "f1_samples", "jaccard")
THRESHOLDS = np.round(np.arange(1, 50) * 0.02, 2)
INNER_FOLDS = 3
PRUNE_MIN_COUNT = 2
TOLERANCE = 0.02
#: Offset of the inner folds' seed between two ``--inner-seeds`` of the reference.
INNER_SEED_STEP = 500


# -- the independent side: scikit-learn only -----------------------------------------------------


def _scale(X_train, X_test):
    """Fit the scaling on the training part; return both parts scaled, as float64."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import MaxAbsScaler, StandardScaler

    if sp.issparse(X_train):
        scaler = MaxAbsScaler().fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test)
    counts = np.all((X_train >= 0) & (X_train == np.floor(X_train)), axis=0)
    scaler = ColumnTransformer(
        [
            ("counts", MaxAbsScaler(), np.flatnonzero(counts)),
            ("others", StandardScaler(), np.flatnonzero(~counts)),
        ]
    ).fit(X_train)
    # ColumnTransformer puts the two kinds side by side: put the columns back in order
    order = np.argsort(np.concatenate([np.flatnonzero(counts), np.flatnonzero(~counts)]))
    return scaler.transform(X_train)[:, order], scaler.transform(X_test)[:, order]


def _tuned_logistic(X, y, n_classes: int, *, C_grid, random_state: int, max_iter: int):
    """Choose C from ``C_grid`` by the pooled out-of-fold log-loss of inner K-fold; refit.

    ``y`` holds class ids in ``[0, n_classes)``. Returns the refitted estimator's
    probabilities as a function, the chosen C and the out-of-fold probabilities at it
    (n_samples, n_classes).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import KFold

    folds = list(KFold(INNER_FOLDS, shuffle=True, random_state=random_state).split(X))
    # one estimator per fold, warm-started along the increasing Cs (as a path is computed)
    estimators = [LogisticRegression(max_iter=max_iter, warm_start=True) for _ in folds]
    best_loss, best_C, best_oof = np.inf, None, None
    for C in C_grid:
        oof = np.zeros((len(y), n_classes))
        for estimator, (train, val) in zip(estimators, folds):
            seen = np.unique(y[train])
            if len(seen) < 2:
                oof[np.ix_(val, seen)] = 1.0
                continue
            estimator.set_params(C=C).fit(X[train], y[train])
            oof[np.ix_(val, estimator.classes_)] = estimator.predict_proba(X[val])
        loss = log_loss(y, oof, labels=np.arange(n_classes), normalize=False)
        if loss < best_loss:
            best_loss, best_C, best_oof = loss, C, oof
    final = LogisticRegression(C=best_C, max_iter=max_iter).fit(X, y)

    def proba(X_new):
        out = np.zeros((X_new.shape[0], n_classes))
        out[:, final.classes_] = final.predict_proba(X_new)
        return out

    return proba, best_C, best_oof


def _best_threshold(scores: np.ndarray) -> np.ndarray:
    """Index into THRESHOLDS of the best score along axis 0; ties go to the one nearest 0.5."""
    top = scores >= scores.max(axis=0, keepdims=True) - 1e-12
    distance = np.abs(THRESHOLDS - 0.5).reshape((-1,) + (1,) * (scores.ndim - 1))
    return np.argmin(np.where(top, distance, np.inf), axis=0)


def _score(metric: str, Y_true, Y_pred) -> float:
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score

    if metric == "subset_accuracy":
        return float(accuracy_score(Y_true, Y_pred))
    if metric == "hamming_loss":
        return float(hamming_loss(Y_true, Y_pred))
    if metric in ("f1_micro", "f1_macro"):
        return float(f1_score(Y_true, Y_pred, average=metric[3:], zero_division=0))
    if metric == "f1_samples":
        return float(f1_score(Y_true, Y_pred, average="samples", zero_division=1))
    return float(jaccard_score(Y_true, Y_pred, average="samples", zero_division=1))


def _thresholds(Y, proba) -> dict:
    """metric -> threshold (f1_macro: one per label) chosen on out-of-fold ``proba``."""
    from sklearn.metrics import f1_score

    chosen = {"hamming_loss": 0.5}
    for metric in GLOBAL_METRICS:
        scores = np.array([_score(metric, Y, (proba > t).astype(int)) for t in THRESHOLDS])
        chosen[metric] = THRESHOLDS[_best_threshold(scores)]
    per_label = np.array(
        [f1_score(Y, (proba > t).astype(int), average=None, zero_division=0) for t in THRESHOLDS]
    )
    chosen["f1_macro"] = THRESHOLDS[_best_threshold(per_label)]
    return chosen


def _sigmoid_run(X_train, Y_train, X_test, Y_test, **options):
    """Scores of the tuned sigmoid head on one outer run, and its C per label."""
    n_labels = Y_train.shape[1]
    oof = np.zeros(Y_train.shape)
    test_proba = np.zeros((X_test.shape[0], n_labels))
    C = np.full(n_labels, np.nan)
    for j in range(n_labels):
        y = Y_train[:, j].astype(np.int64)
        if y.min() == y.max():  # a constant label is predicted as that constant
            oof[:, j] = test_proba[:, j] = y[0]
            continue
        proba, C[j], label_oof = _tuned_logistic(X_train, y, 2, **options)
        oof[:, j] = label_oof[:, 1]
        test_proba[:, j] = proba(X_test)[:, 1]
    thresholds = _thresholds(Y_train, oof)
    scores = {
        metric: _score(metric, Y_test, (test_proba > thresholds[metric]).astype(int))
        for metric in METRICS
    }
    return scores, C


def _powerset_run(X_train, Y_train, X_test, Y_test, *, pruned, **options):
    """Scores of a tuned powerset head on one outer run, and its C."""
    from feasibility.labelsets import prune_labelsets

    if pruned:
        rows, y, labelsets = prune_labelsets(Y_train, min_count=PRUNE_MIN_COUNT)
    else:
        labelsets, y = np.unique(Y_train, axis=0, return_inverse=True)
        rows, y = np.arange(len(Y_train)), y.reshape(-1)
    if len(labelsets) < 2:
        labelsets = labelsets if len(labelsets) else np.zeros((1, Y_train.shape[1]), int)
        Y_pred = np.repeat(labelsets[:1], X_test.shape[0], axis=0)
        return {metric: _score(metric, Y_test, Y_pred) for metric in METRICS}, np.nan
    proba, C, oof = _tuned_logistic(X_train[rows], y, len(labelsets), **options)
    # the thresholds are chosen against the labelsets the rows really have
    thresholds = _thresholds(Y_train[rows], oof @ labelsets)
    test_proba = proba(X_test)
    marginals = test_proba @ labelsets
    scores = {
        metric: _score(metric, Y_test, (marginals > thresholds[metric]).astype(int))
        for metric in METRICS
    }
    scores["subset_accuracy"] = _score(
        "subset_accuracy", Y_test, labelsets[np.argmax(test_proba, axis=1)]
    )
    return scores, C


def independent_run(X, Y, train, test, *, C_grid, random_state: int, max_iter: int) -> dict:
    """Every head's scores and chosen C on one outer run (train rows, test rows)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        X_train, X_test = _scale(X[train], X[test])
        Y_train, Y_test = Y[train], Y[test]
        options = {"C_grid": C_grid, "random_state": random_state, "max_iter": max_iter}
        result = {"sigmoid": _sigmoid_run(X_train, Y_train, X_test, Y_test, **options)}
        for head in HEADS[1:]:
            result[head] = _powerset_run(
                X_train, Y_train, X_test, Y_test, pruned=head == "pruned-powerset", **options
            )
    return result


def independent(
    dataset,
    *,
    folds: int,
    repeats: int,
    seed: int,
    C_grid,
    jobs: int,
    max_iter: int,
    inner_seed: int = 0,
) -> list[dict]:
    """One :func:`independent_run` per outer run of ``outer_splits`` (the tool's folds),
    on the first ``n`` training rows with ``n`` the smallest training part (the tool's
    full size); ``inner_seed`` reshuffles only the reference's own inner folds."""
    from joblib import Parallel, delayed

    from feasibility.curves.splits import outer_splits

    X = dataset.X.astype(np.float64)
    X = X.tocsr() if sp.issparse(X) else np.asarray(X)
    Y = np.asarray(dataset.Y, dtype=np.int64)
    splits = outer_splits(Y, folds=folds, repeats=repeats, seed=seed)
    n_full = min(len(train) for _, _, train, _ in splits)
    return Parallel(n_jobs=jobs)(
        delayed(independent_run)(
            X,
            Y,
            train[:n_full],
            test,
            C_grid=C_grid,
            random_state=seed * 1000 + run + INNER_SEED_STEP * inner_seed,
            max_iter=max_iter,
        )
        for run, (_, _, train, test) in enumerate(splits)
    )


# -- the comparison ------------------------------------------------------------------------------


def compare(curves, runs_per_seed: list[list[dict]]) -> list[dict]:
    """One row per head and metric: the tool's mean over the runs, the reference's (its mean
    over the inner seeds, and how far apart the seeds' means are), the gap, the C agreement
    (with the first seed's reference)."""
    rows = []
    for head in HEADS:
        curve = curves.curves[head]
        tool_C = curve.tuning.C[:, 0, :]
        own_C = np.array([np.atleast_1d(run[head][1]) for run in runs_per_seed[0]], dtype=float)
        both = np.isfinite(tool_C) & np.isfinite(own_C)
        same_C = int(np.sum(np.isclose(tool_C, own_C) & both))
        for metric in METRICS:
            tool = float(np.nanmean(curve.scores[metric][:, 0]))
            per_seed = [np.mean([run[head][0][metric] for run in runs]) for runs in runs_per_seed]
            own = float(np.mean(per_seed))
            rows.append(
                {
                    "head": head,
                    "metric": metric,
                    "tool": tool,
                    "independent": own,
                    "seed_spread": float(np.max(per_seed) - np.min(per_seed)),
                    "gap": abs(tool - own),
                    "within": abs(tool - own) <= TOLERANCE,
                    "same_C": same_C,
                    "n_C": int(both.sum()),
                }
            )
    return rows


def _print_rows(rows: list[dict], tool_seconds: float, own_seconds: float) -> None:
    print(f"  seconds: tool {tool_seconds:.1f}, independent {own_seconds:.1f}")
    print(
        f"  {'head':16} {'metric':16} {'tool':>7} {'indep.':>7} {'|diff|':>7} "
        f"{'<=' + str(TOLERANCE):>6} {'same C':>8} {'seeds':>6}"
    )
    for row in rows:
        same = f"{row['same_C']}/{row['n_C']}"
        print(
            f"  {row['head']:16} {row['metric']:16} {row['tool']:7.4f} {row['independent']:7.4f} "
            f"{row['gap']:7.4f} {'yes' if row['within'] else 'NO':>6} {same:>8} "
            f"{row['seed_spread']:6.4f}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run both sides on the panel datasets and print the tables and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", type=Path, default=PANEL, help="folder with the panel datasets")
    parser.add_argument(
        "--datasets",
        nargs="*",
        default=list(DATASETS),
        choices=list(DATASETS),
        help="datasets to run",
    )
    parser.add_argument("--folds", type=int, default=5, help="outer folds")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="repeats of the outer folds (the tool's default is 2)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the outer folds")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs of each side")
    parser.add_argument(
        "--max-iter", type=int, default=1000, help="L-BFGS iterations of the independent fits"
    )
    parser.add_argument(
        "--engine",
        choices=("sklearn", "torch"),
        default="sklearn",
        help="the tool's engine (torch: Adam with early stopping, tuned on its validation rows)",
    )
    parser.add_argument(
        "--inner-seeds",
        type=int,
        default=2,
        help="reference runs with differently shuffled inner folds, averaged (the 'seeds' "
        "column: how far apart their means are)",
    )
    args = parser.parse_args(argv)
    if not args.panel.is_dir():
        print(f"panel datasets not found at {args.panel}; nothing to benchmark.", file=sys.stderr)
        return 1

    from feasibility import learning_curves, load

    all_rows = []
    for name in args.datasets:
        file_name, options = DATASETS[name]
        if not (args.panel / file_name).is_file():
            print(f"\n{name}: {args.panel / file_name} not found; skipped.")
            continue
        dataset = load(args.panel / file_name, **options)
        start = time.perf_counter()
        # every job at the full size (no budget cut)
        curves = learning_curves(
            dataset,
            sizes=[1.0],
            folds=args.folds,
            repeats=args.repeats,
            seed=args.seed,
            jobs=args.jobs,
            engine=args.engine,
            budget=math.inf,
            use_cache=False,
            progress=False,
        )
        tool_seconds = time.perf_counter() - start
        C_grid = curves.curves["sigmoid"].tuning.C_grid
        start = time.perf_counter()
        runs_per_seed = [
            independent(
                dataset,
                folds=args.folds,
                repeats=args.repeats,
                seed=args.seed,
                C_grid=C_grid,
                jobs=args.jobs,
                max_iter=args.max_iter,
                inner_seed=inner_seed,
            )
            for inner_seed in range(args.inner_seeds)
        ]
        own_seconds = time.perf_counter() - start
        rows = compare(curves, runs_per_seed)
        print(
            f"\n{name}: {len(runs_per_seed[0])} runs x {args.inner_seeds} inner seeds of the "
            f"reference, C from {C_grid.min():g} to {C_grid.max():g}"
        )
        _print_rows(rows, tool_seconds, own_seconds)
        for row in rows:
            row["dataset"] = name
        all_rows.extend(rows)
        sys.stdout.flush()
    if not all_rows:
        return 1
    within = sum(row["within"] for row in all_rows)
    largest = max(all_rows, key=lambda row: row["gap"])
    print(
        f"\nwithin {TOLERANCE}: {within}/{len(all_rows)}; largest gap {largest['gap']:.4f} "
        f"({largest['dataset']}, {largest['head']}, {largest['metric']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
