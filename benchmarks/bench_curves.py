"""Benchmark the learning-curve experiment (issue 5): run time of a default run on the panel.

Prints the wall time of a default ``learning_curves`` run on emotions (target < 30 s),
enron (< 2 min) and imdb (< 20 min, ``--skip-imdb`` to leave it out), and the time of the
same enron grid as a plain sequential scikit-learn loop (``learning_curve`` with
``OneVsRestClassifier`` for the sigmoid formulation, a loop for the two powersets), with the
ratio. Run ``python benchmarks/bench_curves.py --help``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PANEL = ROOT.parent / "shared" / "datasets"
TARGETS = {"emotions": 30.0, "enron": 120.0, "imdb": 1200.0}
FILES = {"emotions": "emotions.arff", "enron": "enron.arff.bz2", "imdb": "imdb.arff.bz2"}


def _load(panel: Path, name: str):
    from feasibility import load

    return load(panel / FILES[name])


def _default_run(data, *, jobs, engine):
    from feasibility.curves import learning_curves

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        curves = learning_curves(data, jobs=jobs, engine=engine, use_cache=False)
    return time.perf_counter() - started, curves


def sequential_sklearn_grid(data, *, folds: int = 5, seed: int = 0) -> float:
    """Run the default grid as a plain sequential scikit-learn loop; return its seconds.

    Same outer splits, nested sizes, scaling and models as ``learning_curves`` with
    ``engine="sklearn"``, but one fit after the other: ``learning_curve`` with a
    one-vs-rest logistic regression for the sigmoid formulation, and a loop over folds and
    sizes for the powerset and the pruned powerset.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import learning_curve
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler, StandardScaler

    from feasibility.curves import outer_splits, resolve_train_sizes
    from feasibility.labelsets import prune_labelsets

    X, Y = data.X, data.Y
    splits = outer_splits(Y, folds=folds, seed=seed)
    n_train_full = min(len(train) for _, _, train, _ in splits)
    sizes, _ = resolve_train_sizes(n_train_full, n_labels=data.n_labels)

    def scaler():
        return MaxAbsScaler() if data.is_sparse else StandardScaler()

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learning_curve(
            make_pipeline(scaler(), OneVsRestClassifier(LogisticRegression(max_iter=300))),
            X,
            Y,
            train_sizes=sizes,
            cv=[(train[:n_train_full], test) for _, _, train, test in splits],
            scoring="f1_micro",
            shuffle=False,
            n_jobs=1,
        )
        for min_count in (1, 2):  # powerset, pruned powerset
            for _, _, train, test in splits:
                for size in sizes:
                    rows, y, labelsets = prune_labelsets(Y[train[:size]], min_count=min_count)
                    if len(labelsets) < 2:
                        continue
                    model = make_pipeline(scaler(), LogisticRegression(max_iter=300))
                    model.fit(X[train[:size]][rows], y)
                    accuracy_score(Y[test], labelsets[model.predict(X[test])])
    return time.perf_counter() - started


def _describe(name: str, seconds: float, curves) -> str:
    target = TARGETS[name]
    verdict = "OK" if seconds < target else "OVER TARGET"
    done, total = curves.timings["n_jobs_run"], curves.timings["n_jobs_total"]
    return (
        f"{name:9s} {seconds:8.1f} s  (target < {target:.0f} s: {verdict}); engine "
        f"{curves.engine}; {done}/{total} jobs run; n_train_full {curves.n_train_full}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per measurement; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panel", type=Path, default=PANEL, help="folder of the panel datasets")
    parser.add_argument("--skip-imdb", action="store_true", help="leave out the 20-minute imdb run")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="leave out the sequential scikit-learn loop"
    )
    parser.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: all cores)")
    parser.add_argument("--engine", default="auto", help="engine of the default runs")
    args = parser.parse_args(argv)
    if not args.panel.is_dir():
        print(f"panel datasets not found at {args.panel}; nothing to benchmark", file=sys.stderr)
        return 0
    from joblib import cpu_count

    from feasibility.curves import CurveNoteCode
    from feasibility.engines import torch_available

    print(f"cores: {cpu_count()}, torch installed: {torch_available()}, engine: {args.engine}")
    names = ["emotions", "enron"] + ([] if args.skip_imdb else ["imdb"])
    for name in names:
        data = _load(args.panel, name)
        seconds, curves = _default_run(data, jobs=args.jobs, engine=args.engine)
        print(_describe(name, seconds, curves), flush=True)
        for note in curves.notes:
            if note.code in (CurveNoteCode.AUTO_BUDGET, CurveNoteCode.BUDGET):
                print(f"          note: {note}", flush=True)
        if name == "enron" and not args.skip_baseline:
            same_engine = seconds
            if curves.engine != "sklearn-linear":
                same_engine, _ = _default_run(data, jobs=args.jobs, engine="sklearn")
                print(f"enron     {same_engine:8.1f} s  with engine=sklearn", flush=True)
            baseline = sequential_sklearn_grid(data)
            print(
                f"enron     {baseline:8.1f} s  same grid as a sequential scikit-learn loop; "
                f"ratio {baseline / seconds:.1f}x vs the default run, "
                f"{baseline / same_engine:.1f}x vs engine=sklearn",
                flush=True,
            )
        del data
    return 0


if __name__ == "__main__":
    sys.exit(main())
