"""Benchmark of the profiling stage (issue 4): ``python benchmarks/bench_profile.py``.

1. imdb (120,919 x 28, from the panel): time of :func:`feasibility.profile.profile` after
   loading, next to a naive pandas implementation of the same measures in the same run,
   and their ratio. Skipped with a message when the panel is absent.
2. A synthetic 1,000,000 x 1,000 sparse label matrix, profiled in a fresh subprocess: wall
   time, peak traced allocations of the profile (tracemalloc) and peak resident memory of
   the whole process (which holds the 1 GB dense uint8 label matrix itself).

Targets: imdb under 1 s; synthetic under 60 s and within 2 GB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PANEL = ROOT.parent / "shared" / "datasets"
IMDB = PANEL / "imdb.arff.bz2"
SYNTHETIC_SHAPE = (1_000_000, 1_000)

if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))


def naive_pandas_profile(
    Y: np.ndarray, label_names, *, n_inputs: int, hidden: int, subsets
) -> dict:
    """The profile's main measures written the obvious way with pandas (for the ratio).

    Row-wise labelset strings as mldr builds them, ``value_counts``, a Python loop over
    label pairs with scipy's chi-square / Fisher tests, and ``drop_duplicates`` per RAkEL
    subset (the same subsets the profile evaluated).
    """
    import pandas as pd
    from scipy.stats import chi2_contingency, fisher_exact
    from statsmodels.stats.multitest import multipletests

    df = pd.DataFrame(Y, columns=list(label_names))
    n, n_labels = df.shape
    label_counts = df.sum()
    label_count_per_row = df.sum(axis=1)
    labelset_strings = df.astype(str).agg("".join, axis=1)
    labelset_counts = labelset_strings.value_counts()
    irlbl = (label_counts.max() / label_counts).replace(np.inf, 0.0)

    def row_scumble(row):
        active = irlbl[row.to_numpy() == 1]
        if active.empty:
            return 0.0
        return 1.0 - active.prod() ** (1.0 / len(active)) / active.mean()

    scumble = df.apply(row_scumble, axis=1)
    cooccurrence = df.T.dot(df)
    p_values = []
    for a, b in itertools.combinations(df.columns, 2):
        table = pd.crosstab(df[a], df[b]).reindex(index=[1, 0], columns=[1, 0], fill_value=0)
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            continue
        expected = chi2_contingency(table.to_numpy(), correction=False).expected_freq
        if expected.min() < 5:
            p_values.append(fisher_exact(table.to_numpy()).pvalue)
        else:
            p_values.append(chi2_contingency(table.to_numpy(), correction=False).pvalue)
    reject = multipletests(p_values, alpha=0.05, method="fdr_bh")[0]
    rakel = {}
    for k, chosen in subsets.items():
        distinct = [len(df.iloc[:, list(s)].drop_duplicates()) for s in chosen]
        rakel[k] = float(np.mean(distinct))
    K = len(labelset_counts)
    return {
        "cardinality": float(label_count_per_row.mean()),
        "density": float(label_count_per_row.mean() / n_labels),
        "n_labelsets": K,
        "n_single_labelsets": int((labelset_counts == 1).sum()),
        "max_labelset_frequency": int(labelset_counts.max()),
        "unseen_labelset_mass": float((labelset_counts == 1).sum() / n),
        "tail_shares": [
            float(labelset_counts[labelset_counts < k].sum() / n) for k in (2, 5, 10, 30)
        ],
        "pruned": [int((labelset_counts >= p).sum()) for p in (2, 5, 10)],
        "mean_ir": float(irlbl.mean()),
        "scumble": float(scumble.mean()),
        "scumble_cv": float(scumble.std() / scumble.mean()),
        "tcs": math.log(n_inputs * n_labels * K),
        "cooccurrence_trace": int(np.trace(cooccurrence.to_numpy())),
        "n_dependent_pairs": int(reject.sum()),
        "rakel_mean_distinct": rakel,
        "powerset_params": hidden * K + K,
    }


def bench_imdb(repeats: int = 3) -> None:
    if not IMDB.is_file():
        print(f"imdb: skipped, panel dataset not found at {IMDB}")
        return
    from feasibility import load
    from feasibility.profile import profile
    from feasibility.profile.rakel import _subsets

    started = time.perf_counter()
    dataset = load(IMDB)
    load_seconds = time.perf_counter() - started
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = profile(dataset)
        times.append(time.perf_counter() - started)
    # The naive version evaluates exactly the RAkEL subsets the profile drew.
    rng = np.random.default_rng(0)
    subsets = {k: _subsets(dataset.n_labels, k, 2000, rng)[0] for k in (2, 3, 4)}
    started = time.perf_counter()
    naive = naive_pandas_profile(
        dataset.Y,
        dataset.label_names,
        n_inputs=dataset.n_inputs,
        hidden=result.heads.hidden,
        subsets=subsets,
    )
    naive_seconds = time.perf_counter() - started
    fast = {
        "cardinality": result.cardinality,
        "n_labelsets": result.n_labelsets,
        "n_single_labelsets": result.n_single_labelsets,
        "max_labelset_frequency": result.max_labelset_frequency,
        "unseen_labelset_mass": result.unseen_labelset_mass,
        "mean_ir": result.mean_ir,
        "scumble": result.scumble,
        "scumble_cv": result.imbalance.scumble_cv,
        "tcs": result.tcs,
        "n_dependent_pairs": result.cooccurrence.n_dependent_pairs,
        "rakel_mean_distinct": {r.k: r.mean_distinct_labelsets for r in result.rakel},
        "powerset_params": result.heads.powerset.n_params,
    }
    agree = all(
        naive[key] == fast[key]
        if not isinstance(fast[key], float)
        else math.isclose(naive[key], fast[key], rel_tol=1e-9)
        for key in fast
    )
    best = min(times)
    print(f"imdb {dataset.n_samples:,} x {dataset.n_labels} labels (load {load_seconds:.2f} s)")
    print(f"  profile       first {times[0]:.3f} s, best of {repeats} {best:.3f} s (target < 1 s)")
    print(f"  naive pandas  {naive_seconds:.2f} s")
    print(f"  ratio         naive / profile = {naive_seconds / best:,.0f}x")
    print(
        f"  same measures {'yes' if agree else 'NO: ' + json.dumps({'naive': naive, 'profile': fast}, default=str)}"
    )


def synthetic_labels(n_samples: int, n_labels: int, seed: int = 0) -> np.ndarray:
    """A sparse, Zipf-like 0/1 label matrix (dense uint8) with some dependent label pairs.

    Each sample carries 1 + Poisson(2) labels drawn with probability ~ 1 / (rank + 10);
    label 2j+1 copies label 2j with probability 0.5 for j < 50. Built in row blocks so the
    only large allocation is the matrix itself.
    """
    rng = np.random.default_rng(seed)
    weights = 1.0 / (np.arange(n_labels) + 10.0)
    weights /= weights.sum()
    Y = np.zeros((n_samples, n_labels), dtype=np.uint8)
    pairs = min(50, n_labels // 2)
    for start in range(0, n_samples, 100_000):
        rows = min(100_000, n_samples - start)
        sizes = 1 + rng.poisson(2.0, rows)
        block = Y[start : start + rows]
        block[np.repeat(np.arange(rows), sizes), rng.choice(n_labels, sizes.sum(), p=weights)] = 1
        copy = rng.random((rows, pairs)) < 0.5
        block[:, 1 : 2 * pairs : 2] |= block[:, 0 : 2 * pairs : 2] & copy
    return Y


def _synthetic_worker() -> None:
    import tracemalloc

    from feasibility.dataset import MultilabelDataset
    from feasibility.profile import profile
    from feasibility.report.format import human_bytes

    n_samples, n_labels = SYNTHETIC_SHAPE
    started = time.perf_counter()
    Y = synthetic_labels(n_samples, n_labels)
    dataset = MultilabelDataset(
        X=np.zeros((n_samples, 1), dtype=np.float32),
        Y=Y,
        label_names=tuple(f"label_{j}" for j in range(n_labels)),
        feature_names=("x0",),
        n_inputs=1,
        name="synthetic",
        source="synthetic",
        format="arrays",
    )
    generate_seconds = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = profile(dataset)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "generate_seconds": generate_seconds,
                "profile_seconds": seconds,
                "traced_peak_bytes": traced_peak,
                "max_rss_before_profile_bytes": rss_before,
                "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "label_matrix_bytes": Y.nbytes,
                "n_labelsets": result.n_labelsets,
                "cardinality": result.cardinality,
                "n_dependent_pairs": result.cooccurrence.n_dependent_pairs,
                "n_fisher_tests": result.cooccurrence.n_fisher_tests,
                "full_powerset_bytes": human_bytes(result.heads.full_powerset.float32_bytes),
            }
        )
    )


def bench_synthetic() -> None:
    n_samples, n_labels = SYNTHETIC_SHAPE
    # A fresh process, so that its peak resident memory is this run's alone.
    completed = subprocess.run(
        [sys.executable, __file__, "--synthetic-worker"],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        print(f"synthetic: the worker failed\n{completed.stderr}")
        return
    out = json.loads(completed.stdout.strip().splitlines()[-1])
    gib = 2**30
    print(
        f"synthetic {n_samples:,} x {n_labels:,} sparse labels "
        f"(cardinality {out['cardinality']:.2f}, {out['n_labelsets']:,} labelsets, "
        f"generated in {out['generate_seconds']:.1f} s)"
    )
    print(f"  profile       {out['profile_seconds']:.1f} s (target < 60 s)")
    print(
        f"  memory        peak traced allocations of the profile {out['traced_peak_bytes'] / gib:.2f} GiB; "
        f"process peak RSS {out['max_rss_bytes'] / gib:.2f} GiB "
        f"(before profiling {out['max_rss_before_profile_bytes'] / gib:.2f} GiB, of which the "
        f"dense uint8 label matrix is {out['label_matrix_bytes'] / gib:.2f} GiB) (target < 2 GB)"
    )
    print(
        f"  pairs         {out['n_dependent_pairs']:,} dependent, {out['n_fisher_tests']:,} Fisher tests; "
        f"full powerset head {out['full_powerset_bytes']}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the profiling benchmark: imdb vs naive pandas, then the 1e6 x 1e3 synthetic run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-synthetic", action="store_true", help="only the imdb part")
    args = parser.parse_args(argv)
    if args.synthetic_worker:
        _synthetic_worker()
        return 0
    bench_imdb()
    if not args.skip_synthetic:
        bench_synthetic()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
