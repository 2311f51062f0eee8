"""The project's vocabulary, declared once: formulations, metrics and engine model families.

Every stage, the CLI, the JSON and the report use these names. The enums are ``StrEnum``,
so a member compares equal to its string (``Formulation.SIGMOID == "sigmoid"``) and the JSON
keys stay plain strings.

Examples
--------
>>> [str(f) for f in Formulation]
['sigmoid', 'powerset', 'pruned-powerset']
>>> Metric.HAMMING_LOSS in LOSS_METRICS, Metric.F1_MICRO in LOSS_METRICS
(True, False)
"""

from __future__ import annotations

from enum import StrEnum


class Formulation(StrEnum):
    """How the labels are modelled."""

    SIGMOID = "sigmoid"  # one sigmoid output per label (binary relevance)
    POWERSET = "powerset"  # one softmax over the labelsets seen in training
    PRUNED_POWERSET = "pruned-powerset"  # Read's pruned sets: rare labelsets split


class Metric(StrEnum):
    """Multilabel scores measured on the test part (``*_loss``: lower is better)."""

    SUBSET_ACCURACY = "subset_accuracy"
    HAMMING_LOSS = "hamming_loss"
    F1_MICRO = "f1_micro"
    F1_MACRO = "f1_macro"
    F1_SAMPLES = "f1_samples"
    JACCARD = "jaccard"


class ModelFamily(StrEnum):
    """The estimator behind both heads of a learning curve."""

    LINEAR = "linear"  # logistic regression (one-vs-rest / multinomial)
    MLP = "mlp"  # scikit-learn's MLPClassifier with the same hidden layers for both heads


#: Formulations in their display order.
FORMULATIONS: tuple[str, ...] = tuple(str(f) for f in Formulation)
#: Metrics in their display order.
METRICS: tuple[str, ...] = tuple(str(m) for m in Metric)
#: Metrics where lower is better (scikit-learn's ``*_loss`` convention).
LOSS_METRICS: frozenset[str] = frozenset({str(Metric.HAMMING_LOSS)})
#: Model families of the learning-curve engines.
MODEL_FAMILIES: tuple[str, ...] = tuple(str(m) for m in ModelFamily)
