"""Synthetic multilabel datasets whose best formulation is known in advance.

Two generators, one per side of the sigmoid-or-powerset question:

- :func:`make_independent_labels`: each label is its own logistic model of the inputs and
  the labels are independent given the inputs. One sigmoid per label is the true model;
  a powerset must learn up to ``2 ** n_labels`` combinations from the same data.
- :func:`make_latent_class_labels`: a latent class (a Gaussian mixture component) decides
  the whole labelset, so only ``n_classes`` combinations occur. The class posterior is a
  multinomial logistic model of the inputs (shared covariance), so a linear softmax over
  labelsets is the true model, while a label is a union of classes that no single linear
  sigmoid can separate.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .dataset import MultilabelDataset
from .errors import invalid_parameter

__all__ = ["make_independent_labels", "make_latent_class_labels"]


def _check_int(value, name: str, owner: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise invalid_parameter(name, owner, f"an int >= {minimum}", value)
    return int(value)


def make_independent_labels(
    n_samples: int = 1000,
    *,
    n_features: int = 20,
    n_labels: int = 5,
    signal: float = 2.0,
    random_state: int = 0,
) -> MultilabelDataset:
    """Generate labels that are independent given the inputs.

    ``X ~ N(0, I)``; label ``j`` is Bernoulli(sigmoid(signal * x . w_j + b_j)) with a
    random unit vector ``w_j`` and an intercept ``b_j ~ U(-1, 1)``, drawn independently
    for every label.

    Parameters
    ----------
    n_samples : int, default=1000
    n_features : int, default=20
    n_labels : int, default=5
    signal : float, default=2.0
        Scale of the logits: larger is less label noise.
    random_state : int, default=0

    Returns
    -------
    MultilabelDataset
        Named ``"independent-labels"``.

    See Also
    --------
    make_latent_class_labels : labels decided jointly by a latent class.

    Examples
    --------
    >>> ds = make_independent_labels(200, n_features=4, n_labels=3)
    >>> ds.X.shape, ds.Y.shape, ds.name
    ((200, 4), (200, 3), 'independent-labels')
    """
    owner = "make_independent_labels"
    n_samples = _check_int(n_samples, "n_samples", owner, 1)
    n_features = _check_int(n_features, "n_features", owner, 1)
    n_labels = _check_int(n_labels, "n_labels", owner, 1)
    if not signal > 0:
        raise invalid_parameter("signal", owner, "a float > 0", signal)
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, n_features))
    directions = rng.normal(size=(n_features, n_labels))
    directions /= np.linalg.norm(directions, axis=0)
    intercepts = rng.uniform(-1.0, 1.0, size=n_labels)
    probability = expit(signal * (X @ directions) + intercepts)
    Y = (rng.random((n_samples, n_labels)) < probability).astype(np.uint8)
    return MultilabelDataset.from_arrays(X, Y, name="independent-labels")


def make_latent_class_labels(
    n_samples: int = 1000,
    *,
    n_features: int = 20,
    n_labels: int = 6,
    n_classes: int = 8,
    separation: float = 2.0,
    random_state: int = 0,
) -> MultilabelDataset:
    """Generate labelsets decided by a latent class, so few combinations occur.

    A latent class ``z`` is drawn uniformly from ``n_classes``; the inputs are
    ``X ~ N(separation * m_z, I)`` with a random unit vector ``m_z`` per class, and the
    labelset is the fixed, non-empty combination ``S_z`` of that class (the ``S_z`` are
    distinct). With a shared covariance ``P(z | x)`` is a softmax of linear functions of
    ``x`` (linear discriminant analysis), so a multinomial logistic regression over the
    labelsets is the Bayes-optimal model family.

    Parameters
    ----------
    n_samples : int, default=1000
    n_features : int, default=20
    n_labels : int, default=6
    n_classes : int, default=8
        Number of latent classes, hence of distinct labelsets; at most
        ``2 ** n_labels - 1``.
    separation : float, default=2.0
        Distance of the class means from the origin: larger is easier.
    random_state : int, default=0

    Returns
    -------
    MultilabelDataset
        Named ``"latent-class-labels"``.

    See Also
    --------
    make_independent_labels : labels independent given the inputs.

    Examples
    --------
    >>> ds = make_latent_class_labels(300, n_labels=4, n_classes=5)
    >>> len({tuple(row) for row in ds.Y})
    5
    """
    owner = "make_latent_class_labels"
    n_samples = _check_int(n_samples, "n_samples", owner, 1)
    n_features = _check_int(n_features, "n_features", owner, 1)
    n_labels = _check_int(n_labels, "n_labels", owner, 1)
    n_classes = _check_int(n_classes, "n_classes", owner, 1)
    if n_labels < 63 and n_classes > 2**n_labels - 1:
        raise invalid_parameter(
            "n_classes", owner, f"at most 2 ** n_labels - 1 = {2**n_labels - 1}", n_classes
        )
    if not separation > 0:
        raise invalid_parameter("separation", owner, "a float > 0", separation)
    rng = np.random.default_rng(random_state)
    labelsets: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()
    while len(labelsets) < n_classes:
        candidate = tuple(int(v) for v in rng.integers(0, 2, size=n_labels))
        if any(candidate) and candidate not in seen:
            seen.add(candidate)
            labelsets.append(candidate)
    means = rng.normal(size=(n_classes, n_features))
    means *= separation / np.linalg.norm(means, axis=1, keepdims=True)
    z = rng.integers(0, n_classes, size=n_samples)
    X = means[z] + rng.normal(size=(n_samples, n_features))
    Y = np.asarray(labelsets, dtype=np.uint8)[z]
    return MultilabelDataset.from_arrays(X, Y, name="latent-class-labels")
