"""Parametric fits of the measured learning curves, their uncertainty and what follows from them.

:func:`fit_curves` takes a :class:`~feasibility.curves.LearningCurves` and, for every
formulation and metric, fits the learning-curve models of the Learning Curve Database
study (Mohr et al. 2022, "LCDB 1.0"; Viering & Loog 2023, "The shape of learning
curves: a review") by weighted nonlinear least squares, selects one per curve by how
well it extrapolates (leave the largest size out, predict it), and propagates the
fold-to-fold variation by a bootstrap over runs -- the model selection redone in every
replicate -- into 90% intervals for:

- the metric at the target training sizes (default: the dataset size and 10x it);
- the samples needed to reach a target score (or "not reachable", see
  :class:`SamplesNeeded` for every status);
- the size at which one formulation overtakes another (within 100x the data);
- the slope at the current size (is more data still helping?).

Intervals for the metric itself (``at_target`` and ``band``) are *prediction*
intervals for what a user would measure: a mean over the same number of runs at that
size. Around the selected curve they combine, per side,

1. the bootstrap spread of the curve, with the selection redone per replicate (so the
   choice between, say, pow3 and exp3 widens the band where they disagree), widened by
   the small-sample factor of Hesterberg's expanded percentile interval (a bootstrap
   over 5 runs understates the spread: :func:`~feasibility.fit.bootstrap.expansion_factor`);
2. in quadrature, the fold-to-fold noise of one new mean of runs
   (:func:`~feasibility.fit.bootstrap.fold_noise_halfwidth`);
3. times a calibration factor >= 1 from the curve's own backtest: if the interval built
   the same way on all sizes but the largest did not reach the measured largest size,
   every interval is widened by the ratio needed to reach it
   (:func:`~feasibility.fit.bootstrap.calibration_factor`).

Slopes, samples needed and crossovers describe the curve, not one measurement: they
use the bootstrap curves (with the per-replicate selection) as they are.

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
``bootstrap`` (weights, bootstrap refits, interval widths), ``derived`` (at target,
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
    MEANINGFUL_GAIN,
    SATURATION_GAP,
    SEARCH_CAP,
    TIE,
    CrossoverStatus,
    NeedStatus,
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
    "SATURATION_GAP",
    "SEARCH_CAP",
    "TIE",
    # analytic formulas
    "CONSERVATIVE_NAGELKERKE",
    "adjusted_r2_cs",
    "max_r2_cs",
    "pate_multinomial",
    "riley_binary",
]
