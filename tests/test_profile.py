"""Tests of feasibility.profile on small hand-computed and synthetic label matrices."""

from __future__ import annotations

import itertools
import json
import math
import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests

from feasibility.dataset import MultilabelDataset
from feasibility.errors import DatasetError, FeasibilityWarning, ParameterError
from feasibility.profile import (
    FULL_MATRIX_MAX_LABELS,
    LabelProfile,
    ProfileOptions,
    conflicting_duplicates,
    profile,
)
from feasibility.profile.dependence import fisher_two_sided_p_values
from feasibility.profile.matrix import nonzero_bytes
from feasibility.profile.rakel import distinct_projections_dense, distinct_projections_sparse
from feasibility.report.format import human_bytes
from feasibility.report.text_profile import profile_json, profile_text

# Six samples, three labels a, b, c; every expected value below is worked out by hand.
HAND_Y = np.array(
    [
        [1, 1, 0],  # {a, b}
        [1, 1, 0],  # {a, b}
        [1, 0, 0],  # {a}
        [0, 0, 1],  # {c}
        [1, 1, 1],  # {a, b, c}
        [0, 0, 0],  # {}
    ],
    dtype=np.uint8,
)


def _dataset(Y, *, n_features=2, names=None, name="arrays"):
    Y = np.asarray(Y, dtype=np.uint8)
    return MultilabelDataset.from_arrays(
        np.zeros((Y.shape[0], n_features)), Y, label_names=names, name=name
    )


@pytest.fixture(scope="module")
def hand():
    return profile(_dataset(HAND_Y, names=["a", "b", "c"]))


def test_profile_basics_hand_computed(hand):
    assert (hand.n_samples, hand.n_labels, hand.n_features, hand.n_inputs) == (6, 3, 2, 2)
    assert hand.label_counts.tolist() == [4, 3, 2]
    np.testing.assert_allclose(hand.label_frequencies, [4 / 6, 3 / 6, 2 / 6], rtol=1e-15)
    assert hand.cardinality == 9 / 6
    assert hand.density == 0.5
    assert hand.n_samples_without_labels == 1
    assert hand.share_without_labels == 1 / 6
    assert hand.tcs == pytest.approx(math.log(2 * 3 * 5), rel=1e-15)


def test_profile_labelsets_hand_computed(hand):
    ls = hand.labelsets
    assert (ls.n_labelsets, ls.n_single_labelsets, ls.max_labelset_frequency) == (5, 4, 2)
    assert (ls.n_possible_labelsets, ls.max_possible_labelsets) == (8, 6)
    assert ls.powerset_coverage == 5 / 8
    assert ls.log2_powerset_coverage == pytest.approx(math.log2(5 / 8))
    assert ls.counts.tolist() == [2, 1, 1, 1, 1]
    # Ties are ordered by first occurrence; the empty labelset is a labelset (as in mldr).
    assert [ls.labelset(k) for k in range(5)] == [("a", "b"), ("a",), ("c",), ("a", "b", "c"), ()]
    assert ls.tail_thresholds == (2, 5, 10, 30)
    np.testing.assert_allclose(ls.tail_shares, [4 / 6, 1, 1, 1])
    assert ls.tail_labelsets.tolist() == [4, 5, 5, 5]
    assert hand.n_labelsets == 5 and hand.n_single_labelsets == 4
    assert hand.max_labelset_frequency == 2


def test_profile_unseen_and_pruning_hand_computed(hand):
    unseen = hand.unseen
    assert unseen.unseen_labelset_mass == 4 / 6  # N1 / N
    assert (unseen.n_labelsets_seen_once, unseen.n_labelsets_seen_twice) == (4, 1)
    assert unseen.new_labelsets_if_doubled_gt == 4 - 1
    # Efron-Thisted, r = 10: 4 P(Bin(10, 1/2) >= 1) - 1 P(Bin(10, 1/2) >= 2)
    assert unseen.new_labelsets_if_doubled == pytest.approx((4 * 1023 - 1013) / 1024, rel=1e-14)
    assert [(p.min_count, p.n_labelsets) for p in hand.pruning] == [(2, 1), (5, 0), (10, 0)]
    assert [p.share_of_samples for p in hand.pruning] == [2 / 6, 0.0, 0.0]
    assert hand.pruning[0].n_params == 2 * 1 + 1


def test_profile_imbalance_hand_computed(hand):
    imb = hand.imbalance
    np.testing.assert_allclose(imb.irlbl, [1, 4 / 3, 2], rtol=1e-15)
    assert imb.mean_ir == pytest.approx(13 / 9, rel=1e-15)
    assert imb.max_ir == 2.0
    assert imb.cvir == pytest.approx(math.sqrt(21) / 13, rel=1e-14)
    two = 1 - math.sqrt(4 / 3) / (7 / 6)  # samples {a, b}
    three = 1 - (8 / 3) ** (1 / 3) / (13 / 9)  # sample {a, b, c}
    per_sample = np.array([two, two, 0, 0, three, 0])
    assert imb.scumble == pytest.approx(per_sample.mean(), rel=1e-13)
    assert imb.scumble_cv == pytest.approx(per_sample.std(ddof=1) / per_sample.mean(), rel=1e-12)
    # lblSCUMBLE: mean SCUMBLE of the samples that carry the label.
    np.testing.assert_allclose(
        imb.label_scumble, [(2 * two + three) / 4, (2 * two + three) / 3, three / 2], rtol=1e-13
    )
    assert hand.mean_ir == imb.mean_ir and hand.scumble == imb.scumble


def test_profile_cooccurrence_hand_computed(hand):
    co = hand.cooccurrence
    assert co.matrices_included and co.matrix_label_limit == FULL_MATRIX_MAX_LABELS
    assert co.counts.tolist() == [[4, 3, 1], [3, 3, 1], [1, 1, 2]]
    assert co.conditional[0, 1] == 3 / 4 and co.conditional[1, 0] == 1.0
    assert co.lift[0, 1] == pytest.approx(3 * 6 / (4 * 3))
    assert co.phi[0, 1] == pytest.approx(6 / math.sqrt(72))  # (ad - bc) / sqrt(margins)
    assert np.isnan(co.phi[0, 0])
    # Every pair has an expected count below 5: Fisher's exact test throughout.
    assert (co.n_pairs, co.n_tested_pairs, co.n_fisher_tests, co.n_chi2_tests) == (3, 3, 3, 0)
    table_ab = [[3, 1], [0, 2]]
    assert co.p_values[0, 1] == pytest.approx(fisher_exact(table_ab).pvalue, rel=1e-12)


def test_profile_heads_and_samples_per_class_hand_computed(hand):
    heads = hand.heads
    assert heads.hidden == 2  # default: the number of features
    assert (heads.sigmoid.n_outputs, heads.sigmoid.n_params) == (3, 2 * 3 + 3)
    assert (heads.powerset.n_outputs, heads.powerset.n_params) == (5, 2 * 5 + 5)
    assert (heads.full_powerset.n_outputs, heads.full_powerset.n_params) == (8, 2 * 8 + 8)
    assert heads.sigmoid.float32_bytes == 36 and human_bytes(heads.sigmoid.float32_bytes) == "36 B"
    assert heads.sigmoid.samples_per_param == 6 / 9
    spc = hand.samples_per_class
    assert (spc.labelset_min, spc.labelset_p10, spc.labelset_median) == (1, 1.0, 1.0)
    assert (spc.label_min, spc.label_median) == (2, 3.0)


def test_profile_rakel_hand_computed(hand):
    by_k = {r.k: r for r in hand.rakel}
    assert sorted(by_k) == [2, 3]  # k = 4 exceeds the 3 labels
    assert any("k=4 skipped" in str(note) for note in hand.notes)
    two = by_k[2]
    # {a,b}: 11 10 00 -> 3; {a,c}: 10 01 11 00 -> 4; {b,c}: 10 00 01 11 -> 4
    assert (two.n_subsets_total, two.n_subsets_evaluated, two.sampled) == (3, 3, False)
    assert two.mean_distinct_labelsets == pytest.approx(11 / 3)
    assert two.max_distinct_labelsets == 4
    assert two.mean_samples_per_labelset == pytest.approx((6 / 3 + 6 / 4 + 6 / 4) / 3)
    assert by_k[3].mean_distinct_labelsets == 5 and by_k[3].mean_samples_per_labelset == 6 / 5


def test_profile_hidden_option_sizes_heads():
    p = profile(_dataset(HAND_Y), hidden=100)
    assert p.heads.hidden == 100
    assert p.heads.full_powerset.n_params == 100 * 8 + 8
    assert p.options.hidden == 100 and p.to_dict()["options"]["hidden"] == 100


def test_profile_to_dict_is_json_safe_and_caps_the_table(hand):
    d = hand.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["labelsets"]["table"][0] == {
        "labels": ["a", "b"],
        "count": 2,
        "share": 2 / 6,
    }
    for key in (
        "labelsets",
        "unseen",
        "pruning",
        "rakel",
        "imbalance",
        "cooccurrence",
        "heads",
        "samples_per_class",
        "notes",
        "options",
    ):
        assert key in d
    assert d["cooccurrence"]["phi"][0][0] is None  # NaN -> None
    capped = hand.to_dict(max_labelsets=2)["labelsets"]
    assert len(capped["table"]) == 2
    assert capped["n_labelsets_not_listed"] == 3
    assert capped["share_not_listed"] == pytest.approx(3 / 6)


def test_profile_rejects_a_single_label():
    with pytest.raises(DatasetError, match="at least 2"):
        profile(_dataset([[1], [0], [1]]))


def test_profile_rejects_non_binary_labels():
    Y = np.array([[1, 0], [2, 1]], dtype=np.uint8)
    ds = MultilabelDataset(
        X=np.zeros((2, 1), np.float32),
        Y=Y,
        label_names=("a", "b"),
        feature_names=("x",),
        n_inputs=1,
        name="bad",
        source="bad",
        format="arrays",
    )
    with pytest.raises(DatasetError, match="only 0 and 1; row 1, label column 0 holds 2"):
        profile(ds)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("hidden", 0, "'hidden' parameter of profile must be None or an int >= 1. Got 0"),
        ("alpha", 1.5, "'alpha' parameter of profile must be a float in \\(0, 1\\)"),
        ("tail_thresholds", (), "'tail_thresholds' parameter of profile must be a non-empty"),
        ("prune_counts", (2, 2), "'prune_counts' parameter"),
        ("rakel_k", (0,), "'rakel_k' parameter of profile must be a non-empty sequence"),
        ("rakel_k", (2, 31), "distinct ints in \\[1, 30\\]. Got \\(2, 31\\)"),
        ("max_pairs", -1, "'max_pairs' parameter of profile must be an int >= 0"),
        ("rakel_max_subsets", 2.5, "'rakel_max_subsets' parameter"),
    ],
)
def test_profile_rejects_bad_options(option, value, message):
    with pytest.raises(ParameterError, match=message):
        profile(_dataset(HAND_Y), **{option: value})


def test_profile_warns_on_constant_labels():
    Y = np.array([[1, 0, 1], [1, 0, 0], [1, 0, 1], [1, 0, 0]])
    with pytest.warns(FeasibilityWarning) as record:
        p = profile(_dataset(Y, names=["always", "never", "some"]))
    messages = [str(w.message) for w in record]
    assert any("'never' is never positive" in m for m in messages)
    assert any("'always' is positive in every sample" in m for m in messages)
    warned = [note for note in p.notes if note.code != "rakel_skipped"]  # k=4 > 3 labels
    assert messages == [str(note) for note in warned]
    assert [note.code for note in warned] == ["never_positive", "always_positive"]
    # mldr sets IRLbl to 0 for the empty label and still averages it.
    assert p.imbalance.irlbl.tolist() == [1.0, 0.0, 2.0]
    assert p.mean_ir == 1.0
    assert p.imbalance.max_ir == 2.0
    # A constant label cannot be tested against anything.
    assert p.cooccurrence.n_tested_pairs == 0
    assert p.cooccurrence.n_dependent_pairs == 0
    json.dumps(p.to_dict(), allow_nan=False)


def test_profile_pair_tests_match_scipy_and_statsmodels():
    rng = np.random.default_rng(3)
    n = 400
    base = rng.random((n, 1))
    Y = (rng.random((n, 7)) < np.array([0.5, 0.4, 0.3, 0.02, 0.01, 0.6, 0.5])).astype(np.uint8)
    Y[:, 1] = (base[:, 0] < 0.45).astype(np.uint8)
    Y[:, 2] = ((base[:, 0] < 0.3) | (rng.random(n) < 0.05)).astype(np.uint8)  # depends on 1
    p = profile(_dataset(Y), max_pairs=100)
    co = p.cooccurrence
    expected_p, tests = [], []
    for i, j in itertools.combinations(range(7), 2):
        a, n_i, n_j = int((Y[:, i] & Y[:, j]).sum()), int(Y[:, i].sum()), int(Y[:, j].sum())
        table = np.array([[a, n_i - a], [n_j - a, n - n_i - n_j + a]])
        if chi2_contingency(table, correction=False).expected_freq.min() < 5:
            expected_p.append(fisher_exact(table).pvalue)
            tests.append("fisher")
        else:
            expected_p.append(chi2_contingency(table, correction=False).pvalue)
            tests.append("chi2")
        assert co.p_values[i, j] == pytest.approx(expected_p[-1], rel=1e-9)
        assert co.phi[i, j] == pytest.approx(np.corrcoef(Y[:, i], Y[:, j])[0, 1], rel=1e-9)
    reject, q, _, _ = multipletests(expected_p, alpha=0.05, method="fdr_bh")
    first, second = np.triu_indices(7, 1)
    np.testing.assert_allclose(co.q_values[first, second], q, rtol=1e-9)
    assert co.n_dependent_pairs == int(reject.sum())
    assert co.n_fisher_tests == tests.count("fisher") and co.n_fisher_tests > 0
    assert co.n_chi2_tests == tests.count("chi2") and co.n_chi2_tests > 0
    # The listed pairs are the dependent ones, strongest |phi| first.
    assert len(co.top_pairs) == co.n_dependent_pairs
    strengths = [abs(pair.phi) for pair in co.top_pairs]
    assert strengths == sorted(strengths, reverse=True)
    top = co.top_pairs[0]
    assert (top.index_a, top.index_b) == (1, 2)
    assert top.q_value <= 0.05 and top.test == "chi2"
    assert top.count == int((Y[:, 1] & Y[:, 2]).sum())
    assert top.p_b_given_a == pytest.approx(top.count / Y[:, 1].sum())
    assert top.p_a_given_b == pytest.approx(top.count / Y[:, 2].sum())
    assert profile(_dataset(Y), max_pairs=1).cooccurrence.top_pairs == co.top_pairs[:1]


def test_fisher_two_sided_p_values_match_scipy_on_small_expected_tables():
    rng = np.random.default_rng(0)
    for n in (10, 37, 200, 5000, 1_000_000):
        tables = []
        while len(tables) < 60:
            c = int(rng.integers(1, n))
            small = int(rng.integers(1, min(n - 1, 5 * n // min(c, n - c)) + 1))
            r = small if rng.random() < 0.5 else n - small
            if min(r, n - r) * min(c, n - c) / n >= 5:
                continue
            a = int(rng.integers(max(0, r + c - n), min(r, c) + 1))  # anywhere in the support
            tables.append((a, r, c))
        a, r, c = (np.array(column) for column in zip(*tables))
        got = fisher_two_sided_p_values(a, r, c, n)
        want = [
            fisher_exact([[x, y - x], [z - x, n - y - z + x]]).pvalue for x, y, z in zip(a, r, c)
        ]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


def test_distinct_projections_dense_and_sparse_match_brute_force():
    rng = np.random.default_rng(1)
    for _ in range(20):
        n_rows, n_labels = int(rng.integers(1, 40)), int(rng.integers(2, 10))
        U = (rng.random((n_rows, n_labels)) < rng.random()).astype(np.uint8)
        for k in range(1, min(n_labels, 9) + 1):
            subsets = np.array(list(itertools.combinations(range(n_labels), k)))[:30]
            brute = [len({tuple(row) for row in U[:, s]}) for s in subsets]
            if k <= 6:
                assert distinct_projections_dense(U, subsets).tolist() == brute
            assert distinct_projections_sparse(sp.csc_matrix(U), subsets).tolist() == brute


def test_profile_rakel_samples_subsets_above_the_cap():
    rng = np.random.default_rng(2)
    Y = (rng.random((300, 12)) < 0.3).astype(np.uint8)
    ds = _dataset(Y)
    p = profile(ds, rakel_k=(2, 3), rakel_max_subsets=60, random_state=5)
    two, three = p.rakel
    assert (two.n_subsets_total, two.n_subsets_evaluated, two.sampled) == (66, 60, True)
    assert (three.n_subsets_total, three.n_subsets_evaluated, three.sampled) == (220, 60, True)
    again = profile(ds, rakel_k=(2, 3), rakel_max_subsets=60, random_state=5)
    assert again.rakel == p.rakel  # reproducible with random_state
    full = profile(ds, rakel_k=(2,), rakel_max_subsets=66).rakel[0]
    assert not full.sampled
    brute = [len({tuple(r) for r in Y[:, list(s)]}) for s in itertools.combinations(range(12), 2)]
    assert full.mean_distinct_labelsets == pytest.approx(np.mean(brute))
    assert full.mean_samples_per_labelset == pytest.approx(np.mean([300 / b for b in brute]))


def test_profile_accepts_a_sparse_label_matrix_with_equal_results():
    rng = np.random.default_rng(4)
    Y = (rng.random((200, 9)) < 0.2).astype(np.uint8)
    dense = profile(_dataset(Y))
    ds = MultilabelDataset(
        X=np.zeros((200, 2), np.float32),
        Y=sp.csr_matrix(Y),
        label_names=dense.label_names,
        feature_names=("x0", "x1"),
        n_inputs=2,
        name="sparse",
        source="sparse",
        format="arrays",
    )
    sparse = profile(ds)
    assert sparse.labelsets.counts.tolist() == dense.labelsets.counts.tolist()
    assert sparse.scumble == dense.scumble
    np.testing.assert_array_equal(sparse.cooccurrence.counts, dense.cooccurrence.counts)


def test_nonzero_bytes_matches_numpy():
    rng = np.random.default_rng(5)
    for shape in [(7, 3), (100, 13), (50, 16), (1, 1), (3, 5)]:
        Y = (rng.random(shape) < 0.2).astype(np.uint8)
        for start in range(shape[0]):
            got, want = nonzero_bytes(Y[start:]), np.nonzero(Y[start:])
            assert all(np.array_equal(g, w) for g, w in zip(got, want))


def test_human_bytes_units():
    assert human_bytes(0) == "0 B"
    assert human_bytes(1023) == "1023 B"
    assert human_bytes(1024) == "1.0 KiB"
    assert human_bytes(int(1.2 * 2**40)) == "1.2 TiB"
    assert human_bytes(1024**8 * 5) == "5.0 YiB"
    assert human_bytes(2**966) == "6.2e+290 bytes"


def test_profile_many_labels_builds_nothing_of_size_two_to_the_l():
    # 1,000 labels and 100,000 rows (issue 4, bad input): no 2^L object, no L x L report.
    rng = np.random.default_rng(6)
    n, n_labels = 100_000, 1000
    sizes = 1 + rng.poisson(1.5, n)
    weights = 1.0 / (np.arange(n_labels) + 5.0)
    Y = np.zeros((n, n_labels), dtype=np.uint8)
    Y[
        np.repeat(np.arange(n), sizes), rng.choice(n_labels, sizes.sum(), p=weights / weights.sum())
    ] = 1
    for j in range(0, 24, 2):  # twelve strongly dependent pairs (j, j + 1)
        Y[:, j + 1] = Y[:, j] & (rng.random(n) < 0.7)
    ds = MultilabelDataset(
        X=np.zeros((n, 1), np.float32),
        Y=Y,
        label_names=tuple(f"l{j}" for j in range(n_labels)),
        feature_names=("x",),
        n_inputs=1,
        name="wide",
        source="wide",
        format="arrays",
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        p = profile(ds, max_pairs=10)
    assert time.perf_counter() - started < 30
    assert p.labelsets.n_possible_labelsets == 2**1000
    assert p.labelsets.max_possible_labelsets == n
    assert 0 < p.labelsets.powerset_coverage < 1e-290
    assert p.labelsets.log2_powerset_coverage == pytest.approx(math.log2(p.n_labelsets) - 1000)
    assert p.heads.full_powerset.n_params == 1 * 2**1000 + 2**1000
    assert human_bytes(p.heads.full_powerset.float32_bytes).endswith("e+301 bytes")
    assert p.heads.full_powerset.samples_per_param == pytest.approx(n / 2**1001)
    co = p.cooccurrence
    assert not co.matrices_included and co.counts is None and co.phi is None
    assert co.n_pairs == 1000 * 999 // 2
    assert co.n_dependent_pairs >= 12 and len(co.top_pairs) == 10
    assert all(pair.index_b == pair.index_a + 1 < 24 for pair in co.top_pairs)
    assert all(pair.phi > 0.5 and pair.q_value <= 0.05 for pair in co.top_pairs)
    assert [r.sampled for r in p.rakel] == [True, True, True]
    assert p.labelsets.counts.sum() == n
    d = p.to_dict()
    assert len(d["labelsets"]["table"]) == 1000
    assert d["labelsets"]["n_labelsets_not_listed"] == p.n_labelsets - 1000
    json.dumps(d, allow_nan=False)


# ---- properties (issue 4): permuting labels permutes; duplicating rows doubles counts ----

label_matrices = st.integers(2, 6).flatmap(
    lambda n_labels: st.integers(1, 30).flatmap(
        lambda n: arrays(np.uint8, (n, n_labels), elements=st.integers(0, 1))
    )
)


def _quiet_profile(Y, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return profile(_dataset(Y), **options)


def _same_frequency_scalars(p, q, *, rel=1e-12):
    """Scalars that depend on the label frequencies only (same under permutation and copy)."""
    for name in ("cardinality", "density", "mean_ir", "scumble", "share_without_labels"):
        assert getattr(p, name) == pytest.approx(getattr(q, name), rel=rel, abs=1e-15, nan_ok=True)
    assert p.imbalance.max_ir == pytest.approx(q.imbalance.max_ir, nan_ok=True)
    assert p.imbalance.cvir == pytest.approx(q.imbalance.cvir, rel=rel, nan_ok=True)
    assert p.labelsets.n_labelsets == q.labelsets.n_labelsets


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), Y=label_matrices)
def test_profile_permuting_labels_permutes_per_label_results(data, Y):
    order = np.array(data.draw(st.permutations(range(Y.shape[1]))))
    p, q = _quiet_profile(Y), _quiet_profile(Y[:, order])
    _same_frequency_scalars(p, q)
    assert p.n_samples_without_labels == q.n_samples_without_labels
    assert p.imbalance.scumble_cv == pytest.approx(q.imbalance.scumble_cv, rel=1e-9, nan_ok=True)
    np.testing.assert_array_equal(p.labelsets.tail_shares, q.labelsets.tail_shares)
    assert p.pruning == q.pruning
    assert q.labelsets.counts.tolist() == p.labelsets.counts.tolist()
    assert p.n_single_labelsets == q.n_single_labelsets
    assert p.unseen == q.unseen
    np.testing.assert_array_equal(q.label_counts, p.label_counts[order])
    np.testing.assert_array_equal(q.label_frequencies, p.label_frequencies[order])
    np.testing.assert_array_equal(q.imbalance.irlbl, p.imbalance.irlbl[order])
    np.testing.assert_allclose(
        q.imbalance.label_scumble, p.imbalance.label_scumble[order], rtol=1e-12, atol=1e-15
    )
    grid = np.ix_(order, order)
    co_p, co_q = p.cooccurrence, q.cooccurrence
    np.testing.assert_array_equal(co_q.counts, co_p.counts[grid])
    for matrix in ("conditional", "lift", "phi", "p_values"):
        np.testing.assert_allclose(getattr(co_q, matrix), getattr(co_p, matrix)[grid], rtol=1e-12)
    assert co_q.n_dependent_pairs == co_p.n_dependent_pairs
    for r_p, r_q in zip(p.rakel, q.rakel):  # all subsets enumerated for L <= 6
        assert r_q.mean_distinct_labelsets == pytest.approx(r_p.mean_distinct_labelsets)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(Y=label_matrices)
def test_profile_duplicating_rows_doubles_counts(Y):
    p, q = _quiet_profile(Y), _quiet_profile(np.vstack([Y, Y]))
    assert q.n_samples == 2 * p.n_samples
    _same_frequency_scalars(p, q)
    assert q.n_samples_without_labels == 2 * p.n_samples_without_labels
    assert q.max_labelset_frequency == 2 * p.max_labelset_frequency
    np.testing.assert_array_equal(q.label_counts, 2 * p.label_counts)
    np.testing.assert_allclose(q.label_frequencies, p.label_frequencies)
    assert q.labelsets.counts.tolist() == (2 * p.labelsets.counts).tolist()
    np.testing.assert_allclose(q.labelsets.shares, p.labelsets.shares)
    assert q.n_single_labelsets == 0
    co_p, co_q = p.cooccurrence, q.cooccurrence
    np.testing.assert_array_equal(co_q.counts, 2 * co_p.counts)
    for matrix in ("conditional", "lift", "phi"):
        np.testing.assert_allclose(getattr(co_q, matrix), getattr(co_p, matrix), rtol=1e-12)
    for r_p, r_q in zip(p.rakel, q.rakel):
        assert r_q.mean_distinct_labelsets == r_p.mean_distinct_labelsets


def test_profile_text_prints_the_fields(hand):
    text = profile_text(hand)
    assert "6 samples, 3 labels, 2 features" in text
    assert "5 distinct of 8 possible" in text
    assert "4 occur once; the most frequent occurs 2 times" in text
    assert "k=2 66.7%" in text
    assert "probability 66.7% (Good-Turing N1/N)" in text
    assert "meanIR 1.44" in text
    assert "(no label)" in text and "a, b" in text
    assert "RAkEL k=4 skipped" in text


def test_profile_text_handles_two_to_the_thousand():
    rng = np.random.default_rng(7)
    Y = (rng.random((50, 1000)) < 0.01).astype(np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        text = profile_text(profile(_dataset(Y)))
    assert "of 2^1000 possible" in text
    assert "2^1000 outputs" in text and "e+301 params" in text and "e+302 bytes" in text


def test_profile_same_for_fortran_ordered_and_wider_label_dtypes():
    reference = profile(_dataset(HAND_Y))
    for Y in (np.asfortranarray(HAND_Y), HAND_Y.astype(np.int64), HAND_Y.astype(bool)):
        ds = MultilabelDataset(
            X=np.zeros((6, 2), np.float32),
            Y=Y,
            label_names=reference.label_names,
            feature_names=("x0", "x1"),
            n_inputs=2,
            name="arrays",
            source="arrays",
            format="arrays",
        )
        p = profile(ds)
        assert p.labelsets.counts.tolist() == reference.labelsets.counts.tolist()
        np.testing.assert_array_equal(p.cooccurrence.counts, reference.cooccurrence.counts)
        assert p.scumble == reference.scumble


def test_profile_class_size_histograms_cover_every_class():
    Y = np.array(
        [[1, 0, 0]] * 5 + [[0, 1, 0]] * 2 + [[1, 1, 0]] * 2 + [[0, 0, 0]] * 1, dtype=np.uint8
    )
    ds = MultilabelDataset.from_arrays(np.zeros((10, 1)), Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        prof = profile(ds, prune_counts=(2, 5))
    by_name = {(h.formulation, h.min_count): h for h in prof.samples_per_class.histograms}
    sigmoid = by_name[("sigmoid", None)]  # positives 7, 4, 0
    assert sigmoid.samples.tolist() == [4, 7] and sigmoid.n_classes.tolist() == [1, 1]
    assert sigmoid.n_empty_classes == 1
    powerset = by_name[("powerset", None)]  # labelset counts 5, 2, 2, 1
    assert powerset.samples.tolist() == [1, 2, 5] and powerset.n_classes.tolist() == [1, 2, 1]
    assert by_name[("pruned-powerset", 2)].samples.tolist() == [2, 5]
    assert by_name[("pruned-powerset", 2)].n_classes.tolist() == [2, 1]
    assert by_name[("pruned-powerset", 5)].n_classes.tolist() == [1]
    d = prof.to_dict()["samples_per_class"]["histograms"]
    json.dumps(d, allow_nan=False)
    assert d[1] == {
        "formulation": "powerset",
        "min_count": None,
        "samples": [1, 2, 5],
        "n_classes": [1, 2, 1],
        "n_empty_classes": 0,
    }


# ---- issue 10: one typed result, options in one dataclass, statistics the checklist reads ----


def _wide_profile(n=300, n_labels=70, seed=8):
    """Above FULL_MATRIX_MAX_LABELS (no matrices) and with many labelsets."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, n_labels)) < 0.04).astype(np.uint8)
    Y[:, -1] = 0  # a label never positive: NaN fields on the way through the JSON
    X = rng.integers(0, 2, (n, 4)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return profile(MultilabelDataset.from_arrays(X, Y, name="wide"), rakel_max_subsets=40)


@pytest.mark.parametrize("max_labelsets", [1000, 3, 0])
def test_profile_from_dict_round_trips(hand, max_labelsets):
    for p in (hand, _wide_profile()):
        d = p.to_dict(max_labelsets=max_labelsets)
        again = LabelProfile.from_dict(json.loads(json.dumps(d, allow_nan=False)))
        assert again.to_dict(max_labelsets=max_labelsets) == d
        assert json.dumps(again.to_dict(max_labelsets=max_labelsets)) == json.dumps(d)
        assert again.options == p.options and again.duplicates is None
    # The report JSON's byte texts are the report layer's: from_dict reads past them.
    assert LabelProfile.from_dict(profile_json(hand)).to_dict() == hand.to_dict()


def test_profile_json_spells_out_the_head_bytes_after_the_number(hand):
    assert "float32_bytes_human" not in hand.to_dict()["heads"]["sigmoid"]
    heads = profile_json(hand)["heads"]
    assert list(heads["sigmoid"]) == [
        "n_outputs", "n_params", "float32_bytes", "float32_bytes_human", "log10_params",
        "samples_per_param",
    ]  # fmt: skip
    assert heads["sigmoid"]["float32_bytes_human"] == "36 B"
    assert heads["full_powerset"]["float32_bytes_human"] == human_bytes(4 * (2 * 8 + 8))


def test_profile_options_hold_the_defaults_and_merge_keywords(hand):
    assert hand.options == ProfileOptions()
    assert hand.to_dict()["options"] == {
        "hidden": None, "tail_thresholds": [2, 5, 10, 30], "prune_counts": [2, 5, 10],
        "rakel_k": [2, 3, 4], "rakel_max_subsets": 2000, "max_pairs": 50, "alpha": 0.05,
        "random_state": 0,
    }  # fmt: skip
    options = ProfileOptions(alpha=0.01, prune_counts=(5, 3))
    assert options.prune_counts == (3, 5)
    p = profile(_dataset(HAND_Y), options=options, max_pairs=1)
    assert (p.options.alpha, p.options.prune_counts, p.options.max_pairs) == (0.01, (3, 5), 1)
    assert [level.min_count for level in p.pruning] == [3, 5]
    with pytest.raises(ParameterError, match="'options' parameter of profile"):
        profile(_dataset(HAND_Y), options={"alpha": 0.01})
    with pytest.raises(ParameterError, match="'random_state' parameter of profile"):
        ProfileOptions(random_state=-1)


def test_profile_computes_the_conflicting_duplicates_outside_the_json():
    X = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [2, 2], [1, 0]], dtype=float)
    Y = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [0, 0], [1, 0]], dtype=np.uint8)
    for features in (X, sp.csr_matrix(X)):
        ds = MultilabelDataset.from_arrays(features, Y)
        dup = profile(ds).duplicates
        assert dup == conflicting_duplicates(ds)
        assert (dup.n_duplicate_groups, dup.n_duplicate_samples) == (2, 5)
        assert (dup.n_conflicting_groups, dup.n_conflicting_samples) == (1, 3)
        assert dup.examples == ((0, 1, 5),) and dup.share_conflicting == 3 / 6
    assert "duplicates" not in profile(ds).to_dict()


def test_profile_rare_labelsets_and_prune_level(hand):
    # counts 2, 1, 1, 1, 1 of 6 samples; 5 is a tail threshold, 3 is not.
    assert hand.rare_labelsets(5) == (1.0, 5)
    assert hand.rare_labelsets(2) == (4 / 6, 4)
    assert hand.rare_labelsets(3) == (1.0, 5)
    assert hand.prune_level(2) is hand.pruning[0]
    level = hand.prune_level(1)  # not measured: from the counts
    assert (level.n_labelsets, level.share_of_samples, level.n_params) == (5, 1.0, 2 * 5 + 5)
    capped = LabelProfile.from_dict(hand.to_dict(max_labelsets=2))
    assert capped.rare_labelsets(5) == (1.0, 5) and capped.prune_level(5) == hand.pruning[1]
    with pytest.raises(ValueError, match="holds 2 of its 5 labelset counts"):
        capped.prune_level(1)
