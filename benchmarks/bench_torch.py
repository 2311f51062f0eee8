"""Torch engine benchmark: both heads on imdb, 30,000 training rows and all the rest.

The split is the issue's: 20,000 test rows drawn at random (seed 0), training on the first
30,000 of the remaining rows and on all 100,919 of them. Inputs are max-abs scaled on the
training part, as in the learning-curve jobs. Each head is fitted with the engine's
defaults (early stopping on the validation loss) and scored on the test rows; one extra
line trains the sigmoid head without early stopping, to show what the stopping rule does
to its micro-F1. Torch runs on ``--threads`` threads (default 1: what each parallel
learning-curve job gets). Run with ``inv bench --only torch`` or
``python -m benchmarks.bench_torch [PATH] [--threads N]``.

Reference (issue 5, measured with 10 epochs, batch 2,048, no early stopping): softmax head
on 30,000 rows (2,223 classes) in 4 s, subset accuracy 0.099; on 97,000 rows (4,054
classes) in 20 s, subset accuracy 0.115; sigmoid head micro-F1 0.04.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
DEFAULT = PANEL / "imdb.arff.bz2"
N_TEST = 20_000
SMALL_TRAIN = 30_000
#: Epochs for the sigmoid head without early stopping (the diagnostic line).
FIXED_EPOCHS = 20


def _scores(Y_true: np.ndarray, Y_pred: np.ndarray) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    return {
        "subset_accuracy": float(accuracy_score(Y_true, Y_pred)),
        "f1_micro": float(f1_score(Y_true, Y_pred, average="micro", zero_division=0)),
        "hamming_loss": float(hamming_loss(Y_true, Y_pred)),
    }


def _run_head(engine, head_kind: str, X_train, Y_train, X_test, Y_test) -> dict:
    """Fit one head, predict the test rows, return timings, training summary and scores."""
    start = time.perf_counter()
    if head_kind == "sigmoid":
        head = engine.fit_sigmoid(X_train, Y_train, random_state=0)
        n_classes = Y_train.shape[1]
    else:
        labelsets, y = np.unique(Y_train, axis=0, return_inverse=True)
        n_classes = len(labelsets)
        head = engine.fit_softmax(X_train, y.ravel(), n_classes=n_classes, random_state=0)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    probabilities = head.predict_proba(X_test)
    if head_kind == "sigmoid":
        Y_pred = (probabilities > 0.5).astype(np.uint8)
    else:
        Y_pred = labelsets[probabilities.argmax(axis=1)]
    predict_seconds = time.perf_counter() - start
    return {
        "head": head_kind,
        "n_train": int(X_train.shape[0]),
        "n_classes": int(n_classes),
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        "training": head.to_dict(),
        **_scores(Y_test, Y_pred),
    }


def _print_row(label: str, row: dict) -> None:
    training = row["training"]
    loss = training["best_validation_loss"]
    print(
        f"  {label:<28} n={row['n_train']:>7,} outputs={row['n_classes']:>5,}  "
        f"fit {row['fit_seconds']:6.1f} s  predict {row['predict_seconds']:4.1f} s  "
        f"epochs {training['epochs']:>3} (best {training['best_epoch']:>3}, "
        f"batch {training['batch_size']}, lr {training['learning_rate']:g})  "
        f"val NLL/row {'-' if loss is None else f'{loss:.3f}'}  "
        f"subset acc {row['subset_accuracy']:.3f}  micro-F1 {row['f1_micro']:.3f}  "
        f"hamming {row['hamming_loss']:.4f}"
    )


def main(argv: list[str] | None = None) -> dict:
    """Print and return fit seconds and test scores of both torch heads on imdb."""
    parser = argparse.ArgumentParser(prog="bench_torch", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT), help="imdb.arff.bz2")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if importlib.util.find_spec("torch") is None:
        print("bench_torch: skipped, torch is not installed (pip install torch==2.13.0, CPU)")
        return {}
    if not path.is_file():
        print(f"bench_torch: skipped, {path} not found (the panel lives in ../shared/datasets)")
        return {}

    import torch
    from sklearn.preprocessing import MaxAbsScaler
    from threadpoolctl import threadpool_limits

    from feasibility import load
    from feasibility.engines.torch_engine import TorchEngine

    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    dataset = load(path)
    load_seconds = time.perf_counter() - start
    order = np.random.default_rng(0).permutation(dataset.n_samples)
    test, rest = order[:N_TEST], order[N_TEST:]
    print(
        f"bench_torch: {dataset.name} {dataset.n_samples:,} rows x {dataset.n_features:,} "
        f"features ({'sparse' if dataset.is_sparse else 'dense'}), {dataset.n_labels} labels; "
        f"loaded in {load_seconds:.1f} s; {N_TEST:,} test rows; torch {torch.__version__} "
        f"on {torch.get_num_threads()} thread(s)"
    )

    rows = []
    with threadpool_limits(limits=args.threads):
        for train in (rest[:SMALL_TRAIN], rest):
            scaler = MaxAbsScaler().fit(dataset.X[train])
            X_train, X_test = scaler.transform(dataset.X[train]), scaler.transform(dataset.X[test])
            Y_train, Y_test = dataset.Y[train], dataset.Y[test]
            for head_kind in ("sigmoid", "softmax"):
                row = _run_head(TorchEngine(), head_kind, X_train, Y_train, X_test, Y_test)
                row["early_stopping"] = True
                _print_row(f"{head_kind} (early stopping)", row)
                rows.append(row)
            if len(train) == SMALL_TRAIN:
                fixed = TorchEngine(max_epochs=FIXED_EPOCHS, validation_fraction=0.0)
                row = _run_head(fixed, "sigmoid", X_train, Y_train, X_test, Y_test)
                row["early_stopping"] = False
                _print_row(f"sigmoid ({FIXED_EPOCHS} epochs, no stop)", row)
                rows.append(row)
    print(
        "  reference (issue 5, 10 epochs, batch 2,048): softmax 30,000 rows 4 s, subset acc "
        "0.099; 97,000 rows 20 s, subset acc 0.115; sigmoid micro-F1 0.04"
    )
    return {
        "dataset": dataset.name,
        "threads": args.threads,
        "load_seconds": load_seconds,
        "rows": rows,
    }


if __name__ == "__main__":
    main()
