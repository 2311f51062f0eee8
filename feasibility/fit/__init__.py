"""Parametric fits of the measured learning curves, their uncertainty and what follows from them.

:func:`fit_curves` takes a :class:`~feasibility.curves.LearningCurves` and, for every
formulation and metric, fits the learning-curve models of the Learning Curve Database
study (Mohr et al. 2022, "LCDB 1.0"; Viering & Loog 2023, "The shape of learning
curves: a review") by weighted nonlinear least squares and averages them, each weighted
by how well it extrapolated the curve's own largest size from the smaller ones
(:mod:`~feasibility.fit.average`). Beyond the data the curve never falls.
From it, with 90% intervals:

- the metric at the target training sizes (default: the dataset size and the horizon);
- the samples needed to reach a target score, or to reach the point where a doubling of
  the data gains less than 0.01 -- stated only when the data can tell (see
  :class:`SamplesNeeded`);
- the size at which one formulation overtakes another (within the horizon);
- the slope at the current size (is more data still helping?).

The horizon is ``HORIZON`` (10) times the largest measured size: the distance at which
the intervals were checked on real learning curves they were not learned on. Nothing
beyond it drives a decision, and a size is stated only when its interval spans at most
``MAX_SPAN`` (10x); otherwise it is "not estimable from this data", with the reason.

Intervals for the metric itself (``at_target`` and ``band``) are *prediction*
intervals for what a user would measure: a mean over the same number of runs at that
size. Per side, they are the wider of

1. the bootstrap spread of the curve (its members refitted to resampled runs), widened
   by the small-sample factor of Hesterberg's expanded percentile interval
   (:func:`~feasibility.fit.bootstrap.expansion_factor`), combined in quadrature with the
   fold-to-fold noise of one new mean (:func:`~feasibility.fit.bootstrap.fold_noise_halfwidth`);
2. the calibrated extrapolation error (:mod:`~feasibility.fit.extrapolation`): quantiles,
   per distance, of the error of this very fitter on LCDB 1.0 curves, scaled by the
   curve's own backtest error, gain and noise, with the same fold noise in quadrature.

Slopes and crossovers describe the curve, not one measurement: they use the bootstrap
curves as they are; samples needed for a user target inverts the prediction band.

It also fits the powerset's coverage curve (share of test samples whose labelset was
seen in training: a ceiling on its subset accuracy). The analytic Riley / Pate sample
sizes (:func:`analytic_sample_size`) are their own stage, :func:`with_sample_size`, which
adds them to the fits.

Conventions
-----------
Every model is fitted in *score space*, where higher is better and values lie in
[0, 1]: a score metric as is, a loss metric (``hamming_loss``) as ``1 - loss``. All the
models below then describe a curve rising to an asymptote, exactly as the LCDB models
describe a falling error curve. Reported numbers are converted back to the metric's own
units (a loss interval's ends are swapped accordingly). Predictions are clipped to [0, 1].
Sizes are rescaled by the largest fitted size before fitting (numerical conditioning);
``params`` are reported in the original units of the formulas below (``n`` in samples).

Layout
------
``models`` (the curve models registry), ``solver`` (weighted least squares),
``average`` (the weighted average and its bootstrap refits), ``extrapolation`` (the
calibrated error and its table), ``bootstrap`` (weights, interval widths), ``derived`` (at target,
samples needed, slope, crossover), ``results`` (result types, JSON both ways),
``options`` (:class:`FitOptions`), ``curve`` (one curve), ``stage`` (:func:`fit_curves`),
``status`` (statuses and constants), ``notes`` (the notes' codes), ``sample_size`` (Riley / Pate formulas) and
``analytic`` (the sample-size stage).
"""

from .analytic import (
    CONSERVATIVE_NAGELKERKE,
    AnalyticSampleSize,
    LabelSampleSize,
    analytic_sample_size,
    with_sample_size,
)
from .curve import fit_curve
from .models import CURVE_MODELS, DEFAULT_MODELS, MODEL_NAMES, CurveModel
from .notes import FitNote, FitNoteCode
from .options import FitOptions
from .results import Band, Crossover, CurveFit, CurveFits, Interval, SamplesNeeded, Slope
from .sample_size import (
    PateResult,
    RileyResult,
    adjusted_r2_cs,
    max_r2_cs,
    pate_multinomial,
    riley_binary,
)
from .stage import fit_curves
from .status import (
    COVERAGE,
    CROSSOVER_PAIRS,
    CROSSOVER_RANGE,
    HEADLINE_METRIC,
    HORIZON,
    MAX_SPAN,
    MEANINGFUL_GAIN,
    SEARCH_CAP,
    TIE,
    CrossoverStatus,
    NeedStatus,
    NotEstimable,
    R2Source,
    SlopeVerdict,
    TargetKind,
)

__all__ = [
    # stages
    "fit_curves",
    "fit_curve",
    "with_sample_size",
    "analytic_sample_size",
    # options and models
    "FitOptions",
    "CURVE_MODELS",
    "DEFAULT_MODELS",
    "MODEL_NAMES",
    "CurveModel",
    # results
    "CurveFits",
    "CurveFit",
    "Crossover",
    "SamplesNeeded",
    "Slope",
    "Band",
    "Interval",
    "AnalyticSampleSize",
    "LabelSampleSize",
    "RileyResult",
    "PateResult",
    "FitNote",
    # statuses and constants
    "NeedStatus",
    "NotEstimable",
    "TargetKind",
    "SlopeVerdict",
    "CrossoverStatus",
    "R2Source",
    "FitNoteCode",
    "COVERAGE",
    "CROSSOVER_PAIRS",
    "CROSSOVER_RANGE",
    "HEADLINE_METRIC",
    "MEANINGFUL_GAIN",
    "HORIZON",
    "MAX_SPAN",
    "SEARCH_CAP",
    "TIE",
    # analytic formulas
    "CONSERVATIVE_NAGELKERKE",
    "adjusted_r2_cs",
    "max_r2_cs",
    "pate_multinomial",
    "riley_binary",
]
