"""The verdict on data with a known answer (issue 11): labels independent given the inputs
(sigmoid is the right model: a powerset must not be recommended), and labelsets decided by a
latent class (a softmax over the labelsets is the Bayes-optimal model family: the powerset must
win on subset accuracy). Right in at least 9 of 10 seeds each, on the tuned, metric-decoded
comparison at the full training part."""

from __future__ import annotations

import warnings

import pytest

from feasibility.curves import learning_curves
from feasibility.decide import recommend
from feasibility.errors import FeasibilityWarning
from feasibility.profile import profile
from feasibility.synthetic import make_independent_labels, make_latent_class_labels

SEEDS = range(10)


def _verdicts(dataset, seed: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        curves = learning_curves(dataset, sizes=[1.0], seed=seed, use_cache=False, jobs=2)
        recommendation = recommend(profile(dataset), curves, None)
    return {metric: verdict.formulation for metric, verdict in recommendation.per_metric.items()}


@pytest.fixture(scope="module")
def independent_verdicts():
    return [
        _verdicts(make_independent_labels(300, n_features=8, n_labels=5, random_state=s), s)
        for s in SEEDS
    ]


@pytest.fixture(scope="module")
def latent_verdicts():
    return [
        _verdicts(
            make_latent_class_labels(300, n_features=8, n_labels=5, n_classes=6, random_state=s), s
        )
        for s in SEEDS
    ]


@pytest.mark.parametrize("metric", ["f1_micro", "subset_accuracy", "f1_macro", "hamming_loss"])
def test_independent_labels_never_get_a_powerset(independent_verdicts, metric):
    right = sum(v[metric] == "sigmoid" for v in independent_verdicts)
    assert right >= 9, [v[metric] for v in independent_verdicts]


def test_latent_class_labelsets_get_a_powerset_for_exact_matches(latent_verdicts):
    right = sum(v["subset_accuracy"] in ("powerset", "pruned-powerset") for v in latent_verdicts)
    assert right >= 9, [v["subset_accuracy"] for v in latent_verdicts]
