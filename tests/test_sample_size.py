"""Tests for the analytic sample sizes (feasibility.fit.sample_size, feasibility.fit.analytic) against the published worked examples."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from feasibility.curves import LearningCurves
from feasibility.errors import FeasibilityWarning, ParameterError
from feasibility.fit import (
    CONSERVATIVE_NAGELKERKE,
    AnalyticSampleSize,
    adjusted_r2_cs,
    analytic_sample_size,
    max_r2_cs,
    pate_multinomial,
    riley_binary,
)


def test_riley_binary_reproduces_the_worked_example():
    # Riley et al. (BMJ 2020) / pmsampsize: p = 24, prevalence 0.174, R2_CS 0.288
    result = riley_binary(r2_cs=0.288, prevalence=0.174, n_parameters=24)
    assert (result.n_shrinkage, result.n_optimism, result.n_intercept, result.n) == (
        623,
        662,
        221,
        662,
    )
    assert result.max_r2_cs == pytest.approx(0.6032, abs=5e-5)
    assert result.nagelkerke_r2 == pytest.approx(0.4774, abs=5e-5)
    assert result.shrinkage_optimism == pytest.approx(0.9052, abs=5e-5)
    assert result.events_per_parameter == pytest.approx(4.80, abs=5e-3)


def test_riley_binary_criteria_follow_their_formulas():
    p, phi, r2 = 10, 0.3, 0.1
    result = riley_binary(r2_cs=r2, prevalence=phi, n_parameters=p, shrinkage=0.85, margin=0.03)
    assert result.n_shrinkage == math.ceil(p / ((0.85 - 1) * math.log(1 - r2 / 0.85)))
    assert result.n_intercept == math.ceil((1.96 / 0.03) ** 2 * phi * (1 - phi))
    maximum = 1 - (phi**phi * (1 - phi) ** (1 - phi)) ** 2
    s = r2 / (r2 + 0.05 * maximum)
    assert result.n_optimism == math.ceil(p / ((s - 1) * math.log(1 - r2 / s)))


def test_riley_binary_rejects_an_impossible_r2():
    with pytest.raises(ParameterError, match="'r2_cs' parameter of riley_binary"):
        riley_binary(r2_cs=0.7, prevalence=0.174, n_parameters=24)
    with pytest.raises(ParameterError, match="'prevalence' parameter"):
        riley_binary(r2_cs=0.1, prevalence=1.0, n_parameters=24)


def test_pate_multinomial_reproduces_the_ovarian_example_criteria_ii_iii():
    # Pate et al. (2023) worked example: K = 5 tumour types, 17 parameters, Nagelkerke 0.15
    result = pate_multinomial(
        shares=[2557, 186, 176, 467, 120], n_parameters=17, overall_nagelkerke=0.15
    )
    assert result.n_optimism == 1477
    assert result.n_proportions == 524
    shares = np.array([2557, 186, 176, 467, 120]) / 3506.0
    assert result.overall_max_r2_cs == pytest.approx(1 - np.prod(shares**shares) ** 2)
    assert result.overall_r2_cs == pytest.approx(0.15 * result.overall_max_r2_cs)


def test_pate_multinomial_reproduces_the_three_category_example():
    # multsampsize README: events 50/100/150, pairwise and overall Nagelkerke 0.15, p = 17
    result = pate_multinomial(
        shares=[50, 100, 150], n_parameters=17, overall_nagelkerke=0.15, pairwise_nagelkerke=0.15
    )
    assert result.n_shrinkage == 2660
    assert result.n_optimism == 714
    assert result.n == 2660
    # criterion (iii) with the Bonferroni split alpha / K
    expected = math.ceil(stats.chi2.ppf(1 - 0.05 / 3, 1) * 0.25 / 0.05**2)
    assert result.n_proportions == expected == 574
    # Pate et al.'s code uses alpha / 5 regardless of K; alpha = 0.03 with K = 3 is the same split
    assert (
        pate_multinomial(
            shares=[50, 100, 150], n_parameters=17, overall_nagelkerke=0.15, alpha=0.03
        ).n_proportions
        == 664
    )


def test_pate_multinomial_pairwise_criterion_by_hand():
    shares = np.array([0.6, 0.3, 0.1])
    result = pate_multinomial(shares=shares, n_parameters=5, overall_nagelkerke=0.2)
    worst = 0.0
    for k in range(3):
        for r in range(k + 1, 3):
            phi = shares[r] / (shares[k] + shares[r])
            r2 = 0.2 * (1 - (phi**phi * (1 - phi) ** (1 - phi)) ** 2)
            m = math.ceil(5 / ((0.9 - 1) * math.log(1 - r2 / 0.9)))
            worst = max(worst, m / (shares[k] + shares[r]))
    assert result.n_shrinkage == math.ceil(worst)
    assert result.binding_pair == (1, 2)


def test_pate_multinomial_scales_to_thousands_of_labelsets():
    shares = np.sort(np.random.default_rng(0).dirichlet(np.ones(3000)))[::-1]
    result = pate_multinomial(shares=shares, n_parameters=50, overall_nagelkerke=0.3)
    assert result.binding_pair == (2998, 2999)  # the two rarest labelsets
    assert result.n >= result.n_shrinkage > 0


def test_max_and_adjusted_r2():
    assert max_r2_cs([0.5, 0.5]) == pytest.approx(0.75)
    assert max_r2_cs([0.25] * 4) == pytest.approx(1 - 0.25**2)
    # van Houwelingen: S = 1 + p / (n ln(1 - R2)), R2_adj = S R2
    assert adjusted_r2_cs(0.3, n_samples=1000, n_parameters=10) == pytest.approx(
        (1 + 10 / (1000 * math.log(0.7))) * 0.3
    )
    assert math.isnan(adjusted_r2_cs(0.05, n_samples=100, n_parameters=50))


def _curves(**overrides) -> LearningCurves:
    fields = {
        "dataset_name": "x",
        "dataset_hash": "0",
        "n_samples": 1000,
        "n_labels": 3,
        "n_features": 5,
        "n_train_full": 800,
        "runs": ((0, 0),),
        "curves": {},
        "engine": "test",
        "options": {},
        "label_prevalence": np.array([0.2, 0.0, 0.5]),
        "sigmoid_r2_cs": np.array([0.2, np.nan, 0.3]),
        "powerset_class_shares": np.array([0.5, 0.3, 0.2]),
        "powerset_r2_cs": 0.4,
        "n_predictors": 5,
    }
    fields.update(overrides)
    return LearningCurves(**fields)


def test_analytic_sample_size_uses_adjusted_r2_per_label_and_skips_constant_labels():
    result = analytic_sample_size(_curves())
    assert [entry.label for entry in result.per_label] == [0, 2]
    expected = riley_binary(
        r2_cs=adjusted_r2_cs(0.2, n_samples=800, n_parameters=5), prevalence=0.2, n_parameters=5
    )
    assert result.per_label[0].result.n == expected.n
    assert result.per_label[0].r2_source == "adjusted"
    assert result.sigmoid_n == max(entry.result.n for entry in result.per_label)
    adjusted = adjusted_r2_cs(0.4, n_samples=800, n_parameters=2 * 5)
    assert (
        result.powerset.n
        == pate_multinomial(shares=[0.5, 0.3, 0.2], n_parameters=5, overall_r2_cs=adjusted).n
    )
    assert result.notes == ()


def test_analytic_sample_size_falls_back_to_conservative_r2_when_overfitted():
    curves = _curves(n_predictors=2000, sigmoid_r2_cs=np.array([0.6, np.nan, 0.7]))
    with pytest.warns(FeasibilityWarning, match="conservative"):
        result = analytic_sample_size(curves)
    assert all(entry.r2_source == "conservative" for entry in result.per_label)
    maximum = max_r2_cs([0.2, 0.8])
    assert result.per_label[0].result.r2_cs == pytest.approx(CONSERVATIVE_NAGELKERKE * maximum)
    assert result.powerset_r2_source == "conservative"
    assert any("conservative" in str(note) for note in result.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = analytic_sample_size(curves).to_dict()
    assert data["riley"]["per_label"][0]["criteria"]["shrinkage"] > 2000
    assert data["pate"]["r2_source"] == "conservative"


def test_analytic_sample_size_from_dict_round_trips():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        for curves in (_curves(), _curves(powerset_class_shares=np.array([1.0]))):
            data = analytic_sample_size(curves).to_dict()
            assert AnalyticSampleSize.from_dict(data).to_dict() == data
