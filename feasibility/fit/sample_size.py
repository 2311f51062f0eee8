"""Analytic minimum sample sizes for the two formulations' linear models: the formulas.

The learning curves answer "how many samples" empirically; this module gives the
analytic cross-check used in clinical prediction modelling:

- :func:`riley_binary`: Riley et al.'s three criteria for a binary logistic model
  (BMJ 2020;368:m441; Stat Med 2019;38:1276-1296), applied to each label's sigmoid.
- :func:`pate_multinomial`: the multinomial extension of Pate et al. (Stat Methods
  Med Res 2023;32(3):555-571), applied to the powerset's softmax over labelsets.

:mod:`feasibility.fit.analytic` applies both to what a
:class:`~feasibility.curves.LearningCurves` measured (:func:`analytic_sample_size`).

The PyPI package ``pmsampsize`` (0.1.0) was checked and not reused: it requires
Python >= 3.12 (this project supports 3.11), its binary routine prints a table and
returns ``None``, and it has no multinomial criteria. Its binary formulas are the R
package's and agree with the ones here on Riley's worked example (623 / 662 / 221).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._json import finite_float, float_or_nan
from ..errors import invalid_parameter

__all__ = [
    "PateResult",
    "RileyResult",
    "adjusted_r2_cs",
    "max_r2_cs",
    "pate_multinomial",
    "riley_binary",
]


def _null_loglik_per_sample(shares: np.ndarray) -> float:
    """Return sum_k p_k ln p_k: the intercept-only log-likelihood divided by n."""
    shares = np.asarray(shares, dtype=float)
    shares = shares[shares > 0]
    return float(np.sum(shares * np.log(shares)))


def max_r2_cs(shares) -> float:
    """Return the largest Cox-Snell R^2 a model can reach for given outcome shares.

    ``max R^2_CS = 1 - exp(2 ln L_null / n) = 1 - (prod_k p_k^p_k)^2`` (Riley et al.
    2019, eq. 23; Pate et al. 2023 for K categories).

    Parameters
    ----------
    shares : array-like of shape (K,)
        Share of each outcome category; ``[prevalence, 1 - prevalence]`` for a binary outcome.

    Returns
    -------
    float

    Examples
    --------
    >>> round(max_r2_cs([0.5, 0.5]), 4)
    0.75
    """
    return 1.0 - math.exp(2.0 * _null_loglik_per_sample(shares))


def adjusted_r2_cs(r2_apparent: float, *, n_samples: int, n_parameters: int) -> float:
    """Shrink an apparent Cox-Snell R^2 by van Houwelingen's heuristic shrinkage factor.

    ``S_VH = 1 + p / (n ln(1 - R^2_app))`` and ``R^2_adj = S_VH R^2_app`` (Riley et al.
    2020, BMJ, box 1; Riley et al. 2019, Stat Med, eq. 10). The result is NaN when the
    apparent R^2 is not usable (``S_VH <= 0``: the model is overfitted so much that the
    apparent fit says nothing about new data).

    Examples
    --------
    >>> round(adjusted_r2_cs(0.3, n_samples=1000, n_parameters=10), 4)
    0.2916
    """
    if not (0.0 < r2_apparent < 1.0) or n_samples <= 0:
        return float("nan")
    shrinkage = 1.0 + n_parameters / (n_samples * math.log(1.0 - r2_apparent))
    if shrinkage <= 0.0:
        return float("nan")
    return shrinkage * r2_apparent


def _shrinkage_n(n_parameters: float, r2_cs: float, shrinkage: float) -> float:
    # Riley et al. 2020 criterion (i): n = p / ((S - 1) ln(1 - R^2_CS / S))
    return n_parameters / ((shrinkage - 1.0) * math.log(1.0 - r2_cs / shrinkage))


@dataclass(frozen=True, eq=False)
class RileyResult:
    """Riley et al.'s minimum sample size for one binary logistic model."""

    n_parameters: int
    prevalence: float
    r2_cs: float  # the (adjusted) Cox-Snell R^2 the calculation used
    max_r2_cs: float
    nagelkerke_r2: float
    shrinkage_target: float  # S of criterion (i)
    shrinkage_optimism: float  # S implied by criterion (ii)
    n_shrinkage: int  # criterion (i): expected shrinkage >= S
    n_optimism: int  # criterion (ii): apparent - adjusted Nagelkerke R^2 <= delta
    n_intercept: int  # criterion (iii): overall risk within +/- margin
    n: int  # the largest of the three
    events_per_parameter: float  # at n

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "n_parameters": int(self.n_parameters),
            "prevalence": finite_float(self.prevalence),
            "r2_cs": finite_float(self.r2_cs),
            "max_r2_cs": finite_float(self.max_r2_cs),
            "nagelkerke_r2": finite_float(self.nagelkerke_r2),
            "shrinkage_target": finite_float(self.shrinkage_target),
            "shrinkage_optimism": finite_float(self.shrinkage_optimism),
            "criteria": {
                "shrinkage": int(self.n_shrinkage),
                "optimism": int(self.n_optimism),
                "intercept": int(self.n_intercept),
            },
            "n": int(self.n),
            "events_per_parameter": finite_float(self.events_per_parameter),
        }

    @classmethod
    def from_dict(cls, data: dict) -> RileyResult:
        """Rebuild from :meth:`to_dict` (extra keys, such as a label's, are ignored)."""
        criteria = data["criteria"]
        return cls(
            n_parameters=int(data["n_parameters"]),
            prevalence=float_or_nan(data["prevalence"]),
            r2_cs=float_or_nan(data["r2_cs"]),
            max_r2_cs=float_or_nan(data["max_r2_cs"]),
            nagelkerke_r2=float_or_nan(data["nagelkerke_r2"]),
            shrinkage_target=float_or_nan(data["shrinkage_target"]),
            shrinkage_optimism=float_or_nan(data["shrinkage_optimism"]),
            n_shrinkage=int(criteria["shrinkage"]),
            n_optimism=int(criteria["optimism"]),
            n_intercept=int(criteria["intercept"]),
            n=int(data["n"]),
            events_per_parameter=float_or_nan(data["events_per_parameter"]),
        )


def riley_binary(
    *,
    r2_cs: float,
    prevalence: float,
    n_parameters: int,
    shrinkage: float = 0.9,
    delta: float = 0.05,
    margin: float = 0.05,
) -> RileyResult:
    """Minimum sample size for a binary logistic prediction model (Riley et al. 2020).

    Criteria: (i) expected uniform shrinkage >= ``shrinkage``:
    ``n = p / ((S - 1) ln(1 - R^2_CS / S))``; (ii) apparent minus adjusted Nagelkerke
    R^2 <= ``delta``: criterion (i) with ``S = R^2_CS / (R^2_CS + delta max R^2_CS)``;
    (iii) the overall risk estimated within +/- ``margin``:
    ``n = (1.96 / margin)^2 phi (1 - phi)``. Each is rounded up; the answer is the largest.
    These criteria assume unpenalised maximum likelihood.

    Parameters
    ----------
    r2_cs : float
        Anticipated (adjusted) Cox-Snell R^2 of the model, in (0, max R^2_CS).
    prevalence : float
        Outcome prevalence ``phi`` in (0, 1).
    n_parameters : int
        Number of candidate predictor parameters ``p``.
    shrinkage, delta, margin : float
        Targets of criteria (i), (ii), (iii).

    Returns
    -------
    RileyResult

    Raises
    ------
    ParameterError
        When an input is out of range.

    Examples
    --------
    Riley et al.'s worked example (pmsampsize's binary example):

    >>> r = riley_binary(r2_cs=0.288, prevalence=0.174, n_parameters=24)
    >>> r.n_shrinkage, r.n_optimism, r.n_intercept, r.n
    (623, 662, 221, 662)
    """
    owner = "riley_binary"
    if not 0.0 < prevalence < 1.0:
        raise invalid_parameter("prevalence", owner, "within (0, 1)", prevalence)
    if int(n_parameters) < 1:
        raise invalid_parameter("n_parameters", owner, "an int >= 1", n_parameters)
    if not 0.0 < shrinkage < 1.0:
        raise invalid_parameter("shrinkage", owner, "within (0, 1)", shrinkage)
    maximum = max_r2_cs([prevalence, 1.0 - prevalence])
    if not 0.0 < r2_cs < min(maximum, shrinkage):
        raise invalid_parameter(
            "r2_cs",
            owner,
            f"within (0, {min(maximum, shrinkage):.4g}) (max R^2_CS, shrinkage)",
            r2_cs,
        )
    n1 = math.ceil(_shrinkage_n(n_parameters, r2_cs, shrinkage))
    s2 = r2_cs / (r2_cs + delta * maximum)
    n2 = math.ceil(_shrinkage_n(n_parameters, r2_cs, s2))
    # Riley et al. 2020 criterion (iii): n = (1.96 / margin)^2 phi (1 - phi)
    n3 = math.ceil((1.96 / margin) ** 2 * prevalence * (1.0 - prevalence))
    n = max(n1, n2, n3)
    return RileyResult(
        n_parameters=int(n_parameters),
        prevalence=float(prevalence),
        r2_cs=float(r2_cs),
        max_r2_cs=maximum,
        nagelkerke_r2=r2_cs / maximum,
        shrinkage_target=float(shrinkage),
        shrinkage_optimism=s2,
        n_shrinkage=n1,
        n_optimism=n2,
        n_intercept=n3,
        n=n,
        events_per_parameter=n * prevalence / n_parameters,
    )


@dataclass(frozen=True, eq=False)
class PateResult:
    """Pate et al.'s minimum sample size for one multinomial logistic model."""

    n_categories: int
    n_parameters: int  # predictor parameters per submodel (p); the model has (K - 1) p
    overall_r2_cs: float
    overall_max_r2_cs: float
    pairwise_nagelkerke: float  # NaN when the pairwise R^2 were given per pair
    n_shrinkage: int  # criterion (i): max over pairs of m_kr / p_kr
    binding_pair: tuple[int, int]  # category indices (descending share order) of that maximum
    n_optimism: int  # criterion (ii) on the overall model
    n_proportions: int  # criterion (iii): every category share within +/- margin (simultaneous)
    n: int

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "n_categories": int(self.n_categories),
            "n_parameters": int(self.n_parameters),
            "overall_r2_cs": finite_float(self.overall_r2_cs),
            "overall_max_r2_cs": finite_float(self.overall_max_r2_cs),
            "pairwise_nagelkerke": finite_float(self.pairwise_nagelkerke),
            "criteria": {
                "shrinkage": int(self.n_shrinkage),
                "optimism": int(self.n_optimism),
                "proportions": int(self.n_proportions),
            },
            "binding_pair": [int(k) for k in self.binding_pair],
            "n": int(self.n),
        }

    @classmethod
    def from_dict(cls, data: dict) -> PateResult:
        """Rebuild from :meth:`to_dict` (extra keys, such as ``r2_source``, are ignored)."""
        criteria = data["criteria"]
        first, second = (int(k) for k in data["binding_pair"])
        return cls(
            n_categories=int(data["n_categories"]),
            n_parameters=int(data["n_parameters"]),
            overall_r2_cs=float_or_nan(data["overall_r2_cs"]),
            overall_max_r2_cs=float_or_nan(data["overall_max_r2_cs"]),
            pairwise_nagelkerke=float_or_nan(data["pairwise_nagelkerke"]),
            n_shrinkage=int(criteria["shrinkage"]),
            binding_pair=(first, second),
            n_optimism=int(criteria["optimism"]),
            n_proportions=int(criteria["proportions"]),
            n=int(data["n"]),
        )


def _pairwise_shrinkage_n(
    shares: np.ndarray, n_parameters: int, nagelkerke: float, shrinkage: float
) -> tuple[int, tuple[int, int]]:
    """Pate et al. 2023 criterion (i): ``ceil(max_kr m_kr / (p_k + p_r))`` and its pair (k, r).

    One row of pairs at a time: K can be thousands of labelsets.
    """
    worst, worst_pair = 0.0, (0, 1)
    for k in range(shares.size - 1):
        p_k, p_r = shares[k], shares[k + 1 :]
        pair_share = p_k + p_r
        phi = p_r / pair_share
        null = phi * np.log(phi) + (1.0 - phi) * np.log1p(-phi)
        pair_max = 1.0 - np.exp(2.0 * null)
        r2_pair = nagelkerke * pair_max
        m_pair = np.ceil(n_parameters / ((shrinkage - 1.0) * np.log1p(-r2_pair / shrinkage)))
        n_pair = m_pair / pair_share
        j = int(np.argmax(n_pair))
        if n_pair[j] > worst:
            worst, worst_pair = float(n_pair[j]), (k, k + 1 + j)
    return math.ceil(worst), worst_pair


def _pate_inputs(
    shares, n_parameters, overall_r2_cs, overall_nagelkerke, pairwise_nagelkerke
) -> tuple[np.ndarray, float, float, float]:
    """Check :func:`pate_multinomial`'s inputs; return (shares summing to 1, max R^2_CS,
    overall R^2_CS, pairwise Nagelkerke R^2)."""
    owner = "pate_multinomial"
    shares = np.asarray(shares, dtype=float)
    if shares.ndim != 1 or shares.size < 2 or (shares <= 0).any():
        raise invalid_parameter(
            "shares", owner, "at least 2 positive shares or counts", shares.tolist()
        )
    if int(n_parameters) < 1:
        raise invalid_parameter("n_parameters", owner, "an int >= 1", n_parameters)
    if (overall_r2_cs is None) == (overall_nagelkerke is None):
        raise invalid_parameter(
            "overall_r2_cs",
            owner,
            "given alone (exactly one of overall_r2_cs and overall_nagelkerke)",
            overall_r2_cs,
        )
    shares = shares / shares.sum()
    overall_max = max_r2_cs(shares)
    if overall_r2_cs is None:
        if not 0.0 < overall_nagelkerke < 1.0:
            raise invalid_parameter(
                "overall_nagelkerke", owner, "within (0, 1)", overall_nagelkerke
            )
        overall_r2_cs = overall_nagelkerke * overall_max
    if not 0.0 < overall_r2_cs < overall_max:
        raise invalid_parameter(
            "overall_r2_cs", owner, f"within (0, {overall_max:.4g})", overall_r2_cs
        )
    nagelkerke = overall_r2_cs / overall_max if pairwise_nagelkerke is None else pairwise_nagelkerke
    if not 0.0 < nagelkerke < 1.0:
        raise invalid_parameter("pairwise_nagelkerke", owner, "within (0, 1)", nagelkerke)
    return shares, overall_max, overall_r2_cs, nagelkerke


def pate_multinomial(
    *,
    shares,
    n_parameters: int,
    overall_r2_cs: float | None = None,
    overall_nagelkerke: float | None = None,
    pairwise_nagelkerke: float | None = None,
    shrinkage: float = 0.9,
    delta: float = 0.05,
    margin: float = 0.05,
    alpha: float = 0.05,
) -> PateResult:
    """Minimum sample size for a multinomial logistic prediction model (Pate et al. 2023).

    Criteria, for K categories with shares ``p_k`` and ``p`` predictor parameters per
    submodel:

    (i) for every pair (k, r) the distinct one-to-one logistic submodel needs
        ``m_kr = ceil(p / ((S - 1) ln(1 - R^2_kr / S)))`` samples of categories k and r,
        so ``n_kr = m_kr / (p_k + p_r)``; the criterion is ``ceil(max n_kr)``;
    (ii) the overall model's apparent and adjusted Nagelkerke R^2 differ by at most
        ``delta``: ``n = (K - 1) p / ((S2 - 1) ln(1 - R^2 - delta max R^2))`` with
        ``S2 = R^2 / (R^2 + delta max R^2)``;
    (iii) every share within +/- ``margin`` simultaneously:
        ``n = max_k chi2_{1, 1 - alpha / K} p_k (1 - p_k) / margin^2``.

    Simplification: the pairwise Cox-Snell R^2 are derived from one pairwise Nagelkerke
    R^2 shared by all pairs, ``R^2_kr = R^2_Nag max R^2_kr`` with
    ``max R^2_kr = 1 - (phi^phi (1 - phi)^(1 - phi))^2``, ``phi = p_r / (p_k + p_r)``,
    as in Pate et al.'s worked examples when no pairwise C-statistics are known. By
    default that Nagelkerke R^2 is the overall model's. Criterion (iii) uses the
    Bonferroni split ``alpha / K`` (Pate et al.'s code hard-codes ``alpha / 5``, the
    K of their ovarian-tumour example; the two agree for K = 5).

    Parameters
    ----------
    shares : array-like of shape (K,)
        Share (or count: only ratios matter) of each category, K >= 2.
    n_parameters : int
        Predictor parameters per submodel.
    overall_r2_cs, overall_nagelkerke : float, optional
        Exactly one: the overall model's (adjusted) Cox-Snell or Nagelkerke R^2.
    pairwise_nagelkerke : float, optional
        Nagelkerke R^2 of every pairwise submodel; default: the overall one.
    shrinkage, delta, margin, alpha : float
        Targets of the three criteria.

    Returns
    -------
    PateResult

    Examples
    --------
    Pate et al.'s ovarian-tumour example (K = 5, p = 17, overall Nagelkerke 0.15),
    criteria (ii) and (iii):

    >>> r = pate_multinomial(shares=[2557, 186, 176, 467, 120], n_parameters=17,
    ...                      overall_nagelkerke=0.15)
    >>> r.n_optimism, r.n_proportions
    (1477, 524)
    """
    shares, overall_max, overall_r2_cs, nagelkerke = _pate_inputs(
        shares, n_parameters, overall_r2_cs, overall_nagelkerke, pairwise_nagelkerke
    )
    n_categories = int(shares.size)
    n1, worst_pair = _pairwise_shrinkage_n(shares, n_parameters, nagelkerke, shrinkage)
    s2 = overall_r2_cs / (overall_r2_cs + delta * overall_max)
    # Pate et al. 2023 criterion (ii), with (K - 1) p parameters in the multinomial model
    n2 = math.ceil(
        (n_categories - 1)
        * n_parameters
        / ((s2 - 1.0) * math.log(1.0 - overall_r2_cs - delta * overall_max))
    )
    chi2 = stats.chi2.ppf(1.0 - alpha / n_categories, 1)
    n3 = math.ceil(float(np.max(chi2 * shares * (1.0 - shares) / margin**2)))
    return PateResult(
        n_categories=n_categories,
        n_parameters=int(n_parameters),
        overall_r2_cs=float(overall_r2_cs),
        overall_max_r2_cs=overall_max,
        pairwise_nagelkerke=float(nagelkerke),
        n_shrinkage=n1,
        binding_pair=worst_pair,
        n_optimism=n2,
        n_proportions=n3,
        n=max(n1, n2, n3),
    )
