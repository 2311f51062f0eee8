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
   over 5 runs understates the spread: :func:`_expansion`);
2. in quadrature, the fold-to-fold noise of one new mean of runs (:func:`_noise_halfwidth`);
3. times a calibration factor >= 1 from the curve's own backtest: if the interval built
   the same way on all sizes but the largest did not reach the measured largest size,
   every interval is widened by the ratio needed to reach it (:func:`_calibration`).

Slopes, samples needed and crossovers describe the curve, not one measurement: they
use the bootstrap curves (with the per-replicate selection) as they are.

It also fits the powerset's coverage curve (share of test samples whose labelset was
seen in training: a ceiling on its subset accuracy) and adds the analytic Riley / Pate
sample sizes of :mod:`feasibility.sample_size`.

Conventions
-----------
Every model is fitted in *score space*, where higher is better and values lie in
[0, 1]: a score metric as is, a loss metric (``hamming_loss``) as ``1 - loss``. All the
models below then describe a curve rising to an asymptote, exactly as the LCDB models
describe a falling error curve. Reported numbers are converted back to the metric's own
units (a loss interval's ends are swapped accordingly). Predictions are clipped to [0, 1].
Sizes are rescaled by the largest fitted size before fitting (numerical conditioning);
``params`` are reported in the original units of the formulas below (``n`` in samples).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import brentq, least_squares
from scipy.stats import norm
from scipy.stats import t as student_t

from ._json import finite_float, finite_floats
from .curves import LearningCurves
from .errors import FeasibilityWarning, invalid_parameter, wrong_input
from .sample_size import AnalyticSampleSize, analytic_sample_size
from .vocab import FORMULATIONS, LOSS_METRICS, METRICS

#: Metric a single ``target`` float applies to: the usual multilabel summary, and one
#: that neither formulation optimises directly.
HEADLINE_METRIC = "f1_micro"
#: Name used for the coverage curve (1 - unseen_labelset_share) in results.
COVERAGE = "coverage"
#: Candidate models, in the order used to break ties (fewer parameters first).
MODEL_NAMES: tuple[str, ...] = ("log2", "pow3", "exp3", "mmf4", "wbl4")
#: Searches for "samples needed" stop here.
SEARCH_CAP = 1e9
#: Crossovers are searched up to this multiple of the largest measured size.
CROSSOVER_RANGE = 100.0
#: A doubling of the data that improves the metric by less than this counts as flat.
MEANINGFUL_GAIN = 0.01
#: Fraction of the asymptote's gap that defines "saturation" when no target is given.
SATURATION_GAP = 0.05
#: Pairs compared for crossovers: the sigmoid against each softmax formulation.
CROSSOVER_PAIRS: tuple[tuple[str, str], ...] = (("sigmoid", "powerset"), ("sigmoid", "pruned-powerset"))

_SIGMA_ABS_FLOOR = 1e-3
# Bootstrap refits start at the data's optimum and only need to be as precise as the
# spread they measure (~1e-3 of a score): a looser stop than the point fit's costs 4x less.
_BOOT_LM = {"max_iter": 100, "tolerance": 1e-6}
_EPS = 1e-12


# --------------------------------------------------------------------------- models


@dataclass(frozen=True)
class CurveModel:
    """A parametric learning-curve model ``y = f(n; params)`` in score space."""

    name: str
    formula: str
    param_names: tuple[str, ...]
    function: Callable[..., np.ndarray]  # f(x, *params) with x = n / scale
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    starts: Callable[[np.ndarray, np.ndarray], list[np.ndarray]]
    unscale: Callable[[np.ndarray, float], np.ndarray]  # scaled params -> params in samples

    @property
    def n_params(self) -> int:
        """Number of free parameters."""
        return len(self.param_names)


def _gap(y: np.ndarray) -> tuple[float, float, float]:
    """Return (first mean, a ceiling above the last mean, the rise between them)."""
    top = float(np.clip(np.max(y) + 0.05, 0.02, 1.0))
    first = float(y[0])
    return first, top, max(top - first, 1e-3)


def _starts_pow3(x, y):
    _, top, rise = _gap(y)
    return [np.array([a, rise * x[0] ** c, c]) for a in (top, min(1.0, top + 0.2)) for c in (0.3, 1.0)]


def _starts_exp3(x, y):
    _, top, rise = _gap(y)
    return [np.array([top, rise * math.exp(c * x[0]), c]) for c in (2.0, 10.0)]


def _starts_log2(x, y):
    span = math.log(x[-1]) - math.log(x[0])
    slope = max((y[-1] - y[0]) / span, 1e-4) if span > 0 else 1e-4
    return [np.array([float(y[-1]) - slope * math.log(x[-1]), slope])]


def _starts_mmf4(x, y):
    first, top, _ = _gap(y)
    mid = float(x[len(x) // 2])
    return [np.array([first - 0.05, mid**d, top, d]) for d in (0.5, 1.0, 2.0)]


def _starts_wbl4(x, y):
    _, top, rise = _gap(y)
    return [np.array([a, rise * math.exp(a * x[0]), top, 1.0]) for a in (1.0, 5.0)]


MODELS: dict[str, CurveModel] = {
    # LCDB pow3 (Mohr et al. 2022, table 2): a - b n^-c
    "pow3": CurveModel(
        "pow3", "a - b * n^(-c)", ("a", "b", "c"),
        lambda x, a, b, c: a - b * np.power(x, -c),
        (0.0, 0.0, 1e-3), (1.0, np.inf, 4.0), _starts_pow3,
        lambda p, s: np.array([p[0], p[1] * s ** p[2], p[2]]),
    ),
    # LCDB exp3 is a exp(-b n) + c; the same curve written as a rise to the asymptote a
    "exp3": CurveModel(
        "exp3", "a - b * exp(-c * n)", ("a", "b", "c"),
        lambda x, a, b, c: a - b * np.exp(-c * x),
        (0.0, 0.0, 1e-3), (1.0, np.inf, 200.0), _starts_exp3,
        lambda p, s: np.array([p[0], p[1], p[2] / s]),
    ),
    # LCDB log2 is -a log(n) + b for an error; for a score: a + b log(n)
    "log2": CurveModel(
        "log2", "a + b * log(n)", ("a", "b"),
        lambda x, a, b: a + b * np.log(x),
        (-2.0, 0.0), (2.0, 1.0), _starts_log2,
        lambda p, s: np.array([p[0] - p[1] * math.log(s), p[1]]),
    ),
    # LCDB mmf4 (Morgan-Mercer-Flodin): (a b + c n^d) / (b + n^d); a at n=0, c the asymptote
    "mmf4": CurveModel(
        "mmf4", "(a * b + c * n^d) / (b + n^d)", ("a", "b", "c", "d"),
        lambda x, a, b, c, d: (a * b + c * np.power(x, d)) / (b + np.power(x, d)),
        (-1.0, 1e-9, 0.0, 1e-3), (1.0, np.inf, 1.0, 5.0), _starts_mmf4,
        lambda p, s: np.array([p[0], p[1] * s ** p[3], p[2], p[3]]),
    ),
    # LCDB wbl4 (Weibull): c - b exp(-a n^d)
    "wbl4": CurveModel(
        "wbl4", "c - b * exp(-a * n^d)", ("a", "b", "c", "d"),
        lambda x, a, b, c, d: c - b * np.exp(-a * np.power(x, d)),
        (1e-6, 0.0, 0.0, 1e-3), (np.inf, np.inf, 1.0, 5.0), _starts_wbl4,
        lambda p, s: np.array([p[0] * s ** (-p[3]), p[1], p[2], p[3]]),
    ),
    # LCDB last1: the last observed value, used only as a fallback (one measured size)
    "last1": CurveModel(
        "last1", "a", ("a",),
        lambda x, a: a + 0.0 * x,
        (0.0,), (1.0,), lambda x, y: [np.array([float(y[-1])])],
        lambda p, s: np.array([p[0]]),
    ),
}


def _predict(model: CurveModel, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Evaluate ``model`` at scaled sizes ``x`` for params (k,) or (B, k); clipped to [0, 1]."""
    params = np.asarray(params, dtype=float)
    with np.errstate(all="ignore"):
        if params.ndim == 1:
            values = model.function(x, *params)
        else:
            values = model.function(x[None, :], *(params[:, j : j + 1] for j in range(params.shape[1])))
    return np.clip(values, 0.0, 1.0)


def _lm_batch(
    model: CurveModel,
    x: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray,
    P0: np.ndarray,
    max_iter: int = 300,
    tolerance: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares for many independent problems at once (Levenberg-Marquardt).

    Row b minimises ``sum_i (W[b, i] (f(x_i; P[b]) - Y[b, i]))^2`` within the model's
    bounds (steps are projected onto them), from ``P0[b]``; ``W = 0`` marks a missing
    size. Used for the multi-start fits and the bootstrap refits, where one scipy call
    per problem costs ~10 ms. A row stops when an accepted step lowers its cost by less
    than ``tolerance`` (relative). Returns (P, cost); rows with an infinite cost failed.
    """
    lower, upper = np.array(model.lower), np.array(model.upper)
    P = np.clip(np.array(P0, dtype=float), lower, upper)
    n_rows, k = P.shape
    Y, W = np.asarray(Y, dtype=float), np.asarray(W, dtype=float)

    def residuals(params, rows):
        with np.errstate(all="ignore"):
            values = model.function(x[None, :], *(params[:, j : j + 1] for j in range(k)))
            return np.where(W[rows] > 0, (values - Y[rows]) * W[rows], 0.0)

    def half_sum_squares(r):
        with np.errstate(all="ignore"):
            cost = 0.5 * np.sum(r * r, axis=1)
        cost[~np.isfinite(cost)] = np.inf
        return cost

    everything = np.arange(n_rows)
    r = residuals(P, everything)
    cost = half_sum_squares(r)
    damping = np.full(n_rows, 1e-3)
    active = np.isfinite(cost)
    identity = np.eye(k)
    for _ in range(max_iter):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        Pa, ra = P[rows], r[rows]
        step = 1.5e-8 * np.maximum(np.abs(Pa), 1e-3)
        J = np.empty((rows.size, x.size, k))
        for j in range(k):
            # forward difference, stepping inward at an upper bound
            sign = np.where(Pa[:, j] + step[:, j] > upper[j], -1.0, 1.0)
            shifted = Pa.copy()
            shifted[:, j] += sign * step[:, j]
            J[:, :, j] = (residuals(shifted, rows) - ra) / (sign * step[:, j])[:, None]
        J[~np.isfinite(J)] = 0.0
        JTJ = np.einsum("bmi,bmj->bij", J, J)
        gradient = np.einsum("bmi,bm->bi", J, ra)
        diag = np.maximum(np.einsum("bii->bi", JTJ), 1e-12)
        A = JTJ + damping[rows, None, None] * diag[:, :, None] * identity[None]
        try:
            delta = np.linalg.solve(A, -gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:
            delta = -np.einsum("bij,bj->bi", np.linalg.pinv(A), gradient)
        trial = np.clip(Pa + delta, lower, upper)
        r_trial = residuals(trial, rows)
        cost_trial = half_sum_squares(r_trial)
        better = cost_trial < cost[rows]
        accept, reject = rows[better], rows[~better]
        small = (cost[accept] - cost_trial[better]) <= tolerance * (cost[accept] + 1e-12)
        P[accept], r[accept], cost[accept] = trial[better], r_trial[better], cost_trial[better]
        damping[accept] = np.maximum(damping[accept] / 3.0, 1e-12)
        damping[reject] *= 4.0
        active[accept[small]] = False
        active[reject[damping[reject] > 1e8]] = False
    return P, cost


def _least_squares(
    model: CurveModel,
    x: np.ndarray,
    y: np.ndarray,
    sigma: np.ndarray,
    starts: Sequence[np.ndarray],
    *,
    polish: bool = False,
) -> np.ndarray | None:
    """Weighted least squares from several starts; the best params or None.

    ``polish`` refines the best batch solution with scipy's trust-region reflective
    solver (``scipy.optimize.least_squares``), which handles bounds exactly.
    """
    starts = np.array([np.asarray(s, dtype=float) for s in starts])
    Y = np.broadcast_to(y, (starts.shape[0], y.size))
    W = np.broadcast_to(1.0 / sigma, (starts.shape[0], y.size))
    P, cost = _lm_batch(model, x, Y, W, starts)
    if not np.isfinite(cost).any():
        return None
    best = P[int(np.argmin(cost))]
    if polish and model.n_params > 1:
        lower, upper = np.array(model.lower), np.array(model.upper)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = least_squares(
                    lambda p: (model.function(x, *p) - y) / sigma,
                    np.clip(best, lower, upper), bounds=(lower, upper), method="trf", max_nfev=200,
                )
                if result.status > 0 and np.all(np.isfinite(result.x)) and result.cost < float(np.min(cost)):
                    best = result.x
            except (ValueError, FloatingPointError, np.linalg.LinAlgError):
                pass
    return best if np.all(np.isfinite(best)) else None


# --------------------------------------------------------------------------- observations


@dataclass(frozen=True, eq=False)
class _Observed:
    sizes: np.ndarray  # (m,) int64, sizes with at least one finite value
    mean: np.ndarray  # (m,) score space
    sigma: np.ndarray  # (m,) standard error of the mean, floored
    count: np.ndarray  # (m,) runs that contributed


def _moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, floored standard error and run count per size for a stack of run matrices.

    ``values`` is (B, n_runs, n_sizes); NaN cells are ignored. A size no run reached
    gets mean NaN and sigma inf. The standard error is floored at a quarter of the
    median standard error of its row (and 1e-3) so that a size where every fold happened
    to score the same (e.g. subset accuracy 0 on tiny training sets) does not dominate
    the weights; a size seen by one run only gets the row's largest standard error; a
    row with no standard error at all (one run) weighs every size equally.
    """
    finite = np.isfinite(values)
    count = finite.sum(axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=1)
        std = np.nanstd(values, axis=1, ddof=1)
        se = np.where(count >= 2, std / np.sqrt(np.maximum(count, 1)), np.nan)
        floor = np.maximum(_SIGMA_ABS_FLOOR, 0.25 * np.nanmedian(se, axis=1))
        largest = np.nanmax(se, axis=1)
    no_se = ~np.isfinite(floor)
    floor[no_se], largest[no_se] = 1.0, 1.0
    sigma = np.maximum(np.where(np.isfinite(se), se, largest[:, None]), floor[:, None])
    sigma[count == 0] = np.inf
    return mean, sigma, count


def _observe(values: np.ndarray, sizes: np.ndarray) -> _Observed:
    """Mean over the available runs per size (see :func:`_moments`); empty sizes dropped."""
    mean, sigma, count = (a[0] for a in _moments(values[None]))
    keep = count > 0
    return _Observed(
        sizes=np.asarray(sizes)[keep].astype(np.int64), mean=mean[keep], sigma=sigma[keep],
        count=count[keep].astype(np.int64),
    )


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided interval; NaN means unknown, inf unbounded."""

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict:
        """Return ``{"estimate", "low", "high"}`` with NaN and infinities as None."""
        return {"estimate": finite_float(self.estimate), "low": finite_float(self.low), "high": finite_float(self.high)}


def _flagged(interval: Interval, bound: str) -> dict:
    """``interval.to_dict()`` plus ``<end>_beyond_<bound>`` flags for ends at +inf.

    Both +inf ("beyond the search range") and NaN ("unknown") become None in JSON; the
    flags keep them apart.
    """
    out = interval.to_dict()
    for key in ("estimate", "low", "high"):
        value = getattr(interval, key)
        out[f"{key}_beyond_{bound}"] = bool(math.isinf(value) and value > 0)
    return out


@dataclass(frozen=True, eq=False)
class SamplesNeeded:
    """Training size at which a curve reaches a target.

    ``status`` is decided from the point curve, so it always agrees with ``n.estimate``;
    ``p_reachable`` reports beside it how many bootstrap curves agree:

    - ``"reached"``: the measured mean at the largest size meets the target, or the
      fitted curve reaches it by that size (``n.estimate`` <= the largest size);
    - ``"reachable"``: the fitted curve reaches it beyond the largest size, within
      ``SEARCH_CAP`` (``n.estimate`` is that size);
    - ``"beyond_cap"``: the fitted curve's limit meets the target but only past
      ``SEARCH_CAP`` (``n.estimate`` inf);
    - ``"not_reachable"``: the fitted curve's limit stays below a user target
      (``n.estimate`` inf);
    - ``"unknown"``: nothing to extrapolate from -- the selected model is the constant
      fallback ``last1`` (one measured size, or no model converged) -- or the fitted
      curve is undefined; ``n``, ``asymptote`` and ``p_reachable`` are NaN, and so is a
      saturation ``target``.

    In ``to_dict`` an infinite end of ``n`` ("beyond the search cap") and an unknown one
    (NaN: no usable bootstrap replicate) are both None; the flags ``estimate_beyond_cap``,
    ``low_beyond_cap`` and ``high_beyond_cap`` tell them apart.
    """

    target: float  # in the metric's own units; NaN for "saturation" of an unknown curve
    target_kind: str  # "user" or "saturation" (within 5% of the fitted asymptote)
    status: str  # "reached", "reachable", "beyond_cap", "not_reachable" or "unknown"
    n: Interval  # inf: not reached by SEARCH_CAP; NaN: unknown
    p_reachable: float  # share of bootstrap fits that reach the target by SEARCH_CAP
    asymptote: Interval  # the metric at SEARCH_CAP samples (NaN when unknown)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict; ``n`` carries the ``*_beyond_cap`` flags."""
        return {
            "target": finite_float(self.target),
            "target_kind": self.target_kind,
            "status": self.status,
            "n": _flagged(self.n, "cap"),
            "p_reachable": finite_float(self.p_reachable),
            "asymptote": self.asymptote.to_dict(),
            "cap": SEARCH_CAP,
        }


@dataclass(frozen=True, eq=False)
class Slope:
    """How the metric changes around the largest measured size ``n``."""

    n: int
    per_doubling: Interval  # change of the metric (own units, signed) from n to 2n
    per_log_n: Interval  # d metric / d ln(n) at n
    # "helping" (gain >= MEANINGFUL_GAIN), "flat" (< it), "uncertain" (interval straddles
    # it) or "unknown" (constant fallback ``last1``: one measured size, nothing to
    # extrapolate; both intervals NaN)
    verdict: str

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "n": int(self.n),
            "per_doubling": self.per_doubling.to_dict(),
            "per_log_n": self.per_log_n.to_dict(),
            "verdict": self.verdict,
            "meaningful_gain": MEANINGFUL_GAIN,
        }


@dataclass(frozen=True, eq=False)
class Band:
    """Fitted curve and its pointwise interval on a grid of training sizes."""

    n: np.ndarray
    low: np.ndarray
    mid: np.ndarray
    high: np.ndarray

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of lists."""
        return {
            "n": [int(v) for v in self.n],
            "low": finite_floats(self.low),
            "mid": finite_floats(self.mid),
            "high": finite_floats(self.high),
        }


@dataclass(frozen=True, eq=False)
class CurveFit:
    """The selected fit of one learning curve and everything derived from it."""

    formulation: str
    metric: str  # a METRICS name or "coverage"
    higher_is_better: bool
    model: str | None  # None: no measured size at all
    params: dict[str, float]  # in the original units of ``MODELS[model].formula``
    candidates: dict[str, float]  # model -> leave-last-point-out abs error (NaN: not fitted)
    backtest_error: float  # of the selected model (NaN when fewer than 3 sizes)
    last1_error: float  # of predicting the largest size with the second largest
    train_sizes: np.ndarray  # sizes that had data (and were <= max_train_size)
    observed: np.ndarray  # mean metric per size, own units
    n_runs: np.ndarray  # runs that contributed per size
    at_target: dict[int, Interval]
    samples_needed: SamplesNeeded | None
    slope: Slope | None
    band: Band | None
    n_bootstrap: int  # bootstrap refits that succeeded
    scale: float
    scaled_params: np.ndarray  # (k,) params for n / scale
    bootstrap_params: np.ndarray  # (n_bootstrap requested, k_max); NaN rows failed, NaN-padded
    notes: tuple[str, ...] = field(default_factory=tuple)
    # model of each bootstrap row (selection is redone per replicate; "" = failed);
    # empty: every row uses ``model``
    bootstrap_models: tuple[str, ...] = ()
    # half-width (score space, at ``confidence``) of the fold-to-fold noise of one new
    # fold mean, added in quadrature to the curve's interval for ``at_target`` and ``band``
    noise_halfwidth: float = 0.0
    # small-sample expansion of the bootstrap deviations (Hesterberg's expanded percentile)
    expansion: float = 1.0
    # widening from the leave-last-point-out backtest (>= 1; 1 = the band covered it)
    calibration: float = 1.0
    confidence: float = 0.90

    @property
    def n_current(self) -> int:
        """Largest size with data (0 when none)."""
        return int(self.train_sizes[-1]) if self.train_sizes.size else 0

    def predict_score(self, n) -> np.ndarray:
        """Fitted curve in score space (higher is better, [0, 1]) at sizes ``n``."""
        n = np.atleast_1d(np.asarray(n, dtype=float))
        if self.model is None:
            return np.full(n.shape, np.nan)
        return _predict(MODELS[self.model], self.scaled_params, n / self.scale)

    def bootstrap_scores(self, n) -> np.ndarray:
        """Bootstrap curves in score space, shape (n_bootstrap requested, len(n))."""
        n = np.atleast_1d(np.asarray(n, dtype=float))
        n_rows = self.bootstrap_params.shape[0]
        values = np.full((n_rows, n.size), np.nan)
        if self.model is None or n_rows == 0:
            return values
        names = np.array(self.bootstrap_models if self.bootstrap_models else [self.model] * n_rows)
        for name in np.unique(names[names != ""]):
            model = MODELS[str(name)]
            rows = np.flatnonzero(names == name)
            params = self.bootstrap_params[rows, : model.n_params]
            rows, params = rows[np.isfinite(params).all(axis=1)], params[np.isfinite(params).all(axis=1)]
            if rows.size:
                values[rows] = _predict(model, params, n / self.scale)
        return values

    def prediction_interval(self, n) -> tuple[np.ndarray, np.ndarray]:
        """Ends (score space) of the prediction interval of a new fold mean at sizes ``n``.

        See :func:`_prediction_bounds`; NaN without bootstrap replicates.
        """
        n = np.atleast_1d(np.asarray(n, dtype=float))
        return _prediction_bounds(
            self.predict_score(n), self.bootstrap_scores(n), confidence=self.confidence,
            expansion=self.expansion, noise_halfwidth=self.noise_halfwidth, calibration=self.calibration,
        )

    def predict(self, n) -> np.ndarray:
        """Fitted metric in its own units at sizes ``n``."""
        return self._to_metric(self.predict_score(n))

    def _to_metric(self, score):
        return score if self.higher_is_better else 1.0 - score

    def to_dict(self) -> dict:
        """Return a JSON-safe dict (see :meth:`CurveFits.to_dict`)."""
        return {
            "model": self.model,
            "formula": None if self.model is None else MODELS[self.model].formula,
            "params": {name: finite_float(value) for name, value in self.params.items()},
            "candidates": {name: finite_float(value) for name, value in self.candidates.items()},
            "backtest_error": finite_float(self.backtest_error),
            "last1_error": finite_float(self.last1_error),
            "train_sizes": [int(v) for v in self.train_sizes],
            "observed": finite_floats(self.observed),
            "n_runs": [int(v) for v in self.n_runs],
            "at_target": {str(n): interval.to_dict() for n, interval in self.at_target.items()},
            "samples_needed": None if self.samples_needed is None else self.samples_needed.to_dict(),
            "slope_at_current": None if self.slope is None else self.slope.to_dict(),
            "band": None if self.band is None else self.band.to_dict(),
            "n_bootstrap": int(self.n_bootstrap),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, eq=False)
class Crossover:
    """Where ``first`` and ``second`` swap places on one metric, from the fitted curves."""

    first: str
    second: str
    metric: str
    n_current: int
    leader_at_current: str  # formulation name or "tie"
    leader_at_limit: str  # at CROSSOVER_RANGE x n_current
    status: str  # "crossover within 100x" or "none within 100x"
    n: Interval  # first size after n_current where the leader changes; inf: none
    p_crossover: float  # share of bootstrap fits that cross within the range
    past_crossover_n: float  # last change of leader within the measured sizes (NaN: none)
    advantage_at_current: Interval  # first minus second in score space (positive: first better)
    advantage_at_limit: Interval

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "first": self.first,
            "second": self.second,
            "n_current": int(self.n_current),
            "limit": round(CROSSOVER_RANGE * self.n_current),
            "leader_at_current": self.leader_at_current,
            "leader_at_limit": self.leader_at_limit,
            "status": self.status,
            "n": _flagged(self.n, "limit"),
            "p_crossover": finite_float(self.p_crossover),
            "past_crossover_n": finite_float(self.past_crossover_n),
            "advantage_at_current": self.advantage_at_current.to_dict(),
            "advantage_at_limit": self.advantage_at_limit.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class CurveFits:
    """Result of :func:`fit_curves`."""

    fits: dict[str, dict[str, CurveFit]]  # formulation -> metric -> fit
    crossover: dict[str, dict[str, Crossover]]  # metric -> "first_vs_second" -> crossover
    coverage: dict[str, CurveFit]  # formulation (not sigmoid) -> fit of 1 - unseen_labelset_share
    sample_size: AnalyticSampleSize | None
    target_n: tuple[int, ...]
    targets: dict[str, float]  # metric -> user target (own units)
    headline_metric: str
    confidence: float
    options: dict
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Return the JSON-safe dict.

        ``{"fits": {FORMULATION: {METRIC: {"model", "formula", "params", "candidates",
        "backtest_error", "last1_error", "train_sizes", "observed", "n_runs", "at_target":
        {N: {"estimate", "low", "high"}}, "samples_needed", "slope_at_current", "band":
        {"n", "low", "mid", "high"}, "n_bootstrap", "notes"}}}, "crossover": {METRIC:
        {"sigmoid_vs_powerset": {...}, ...}}, "coverage": {FORMULATION: {... as a fit}},
        "sample_size": {"riley": ..., "pate": ...}, "target_n", "targets",
        "headline_metric", "confidence", "options", "notes"}``.
        """
        return {
            "fits": {
                formulation: {metric: fit.to_dict() for metric, fit in by_metric.items()}
                for formulation, by_metric in self.fits.items()
            },
            "crossover": {
                metric: {pair: crossing.to_dict() for pair, crossing in by_pair.items()}
                for metric, by_pair in self.crossover.items()
            },
            "coverage": {formulation: fit.to_dict() for formulation, fit in self.coverage.items()},
            "sample_size": None if self.sample_size is None else self.sample_size.to_dict(),
            "target_n": [int(n) for n in self.target_n],
            "targets": {metric: float(value) for metric, value in self.targets.items()},
            "headline_metric": self.headline_metric,
            "confidence": float(self.confidence),
            "options": dict(self.options),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- fitting one curve


def _interval(point: float, samples: np.ndarray, confidence: float) -> Interval:
    """Percentile interval of bootstrap ``samples`` (NaN ignored) around ``point``."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return Interval(float(point), math.nan, math.nan)
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(samples, [tail, 100.0 - tail], method="linear")
    return Interval(float(point), float(low), float(high))


def _metric_interval(interval: Interval, higher_is_better: bool) -> Interval:
    """Convert a score-space interval to the metric's units (a loss swaps the ends)."""
    if higher_is_better:
        return interval
    return Interval(1.0 - interval.estimate, 1.0 - interval.high, 1.0 - interval.low)


def _first_reach(values: np.ndarray, grid: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Smallest grid size (interpolated in log n) where each row of ``values`` reaches ``target``.

    ``values`` is (B, G) on ``grid``; ``target`` broadcasts to (B,). Rows that never reach
    it give inf, rows of NaN give NaN.
    """
    target = np.broadcast_to(np.asarray(target, dtype=float), (values.shape[0],))
    reached = values >= target[:, None]
    first = np.argmax(reached, axis=1)
    out = np.full(values.shape[0], np.inf)
    hit = reached.any(axis=1)
    for row in np.flatnonzero(hit):
        i = first[row]
        if i == 0:
            out[row] = grid[0]
            continue
        y0, y1 = values[row, i - 1], values[row, i]
        frac = 0.0 if y1 == y0 else (target[row] - y0) / (y1 - y0)
        out[row] = math.exp(math.log(grid[i - 1]) + frac * (math.log(grid[i]) - math.log(grid[i - 1])))
    out[np.isnan(values).all(axis=1) | np.isnan(target)] = np.nan
    return out


def _search_grid(start: float) -> np.ndarray:
    return np.geomspace(max(start, 1.0), SEARCH_CAP, 721)


def _limit_score(model: str, scaled_params: np.ndarray) -> float:
    """Limit of the fitted curve as n -> infinity, in score space (clipped to [0, 1]).

    pow3 / exp3: a; mmf4 / wbl4: c (every exponent is bounded above 0); log2 grows
    without bound when its slope b > 0; last1: its constant.
    """
    p = np.asarray(scaled_params, dtype=float)
    if model in ("mmf4", "wbl4"):
        value = p[2]
    elif model == "log2":
        value = math.inf if p[1] > 0 else p[0]
    else:
        value = p[0]
    return float(np.clip(value, 0.0, 1.0))


def _unknown_samples_needed(fit: CurveFit, target: float | None) -> SamplesNeeded:
    unknown = Interval(math.nan, math.nan, math.nan)
    return SamplesNeeded(
        target=math.nan if target is None else float(target),
        target_kind="saturation" if target is None else "user",
        status="unknown", n=unknown, p_reachable=math.nan, asymptote=unknown,
    )


def _samples_needed(fit: CurveFit, target: float | None, confidence: float) -> SamplesNeeded:
    if fit.model in (None, "last1"):
        # a constant through the last value says nothing about where the curve goes
        return _unknown_samples_needed(fit, target)
    grid = _search_grid(1.0)
    point_curve = fit.predict_score(grid)
    boot_curves = fit.bootstrap_scores(grid)
    asym_point, asym_boot = point_curve[-1], boot_curves[:, -1]

    def gap(asym):
        return SATURATION_GAP * (asym if fit.higher_is_better else 1.0 - asym)

    if target is None:
        kind = "saturation"
        target_point = asym_point - gap(asym_point)
        target_boot = asym_boot - gap(asym_boot)
        target_metric = fit._to_metric(target_point)
    else:
        kind = "user"
        target_point = target if fit.higher_is_better else 1.0 - target
        target_boot = np.full(asym_boot.shape, target_point)
        target_metric = target
    n_point = float(_first_reach(point_curve[None, :], grid, np.array([target_point]))[0])
    if np.isfinite(n_point) and n_point > grid[0]:
        # refine between the two grid points that bracket the crossing
        i = int(np.searchsorted(grid, n_point))
        lo, hi = grid[max(i - 1, 0)], grid[min(i, grid.size - 1)]

        def f(log_n):
            return float(fit.predict_score(math.exp(log_n))[0]) - target_point

        if lo < hi and f(math.log(lo)) < 0.0 <= f(math.log(hi)):
            n_point = math.exp(brentq(f, math.log(lo), math.log(hi), xtol=1e-6))
    n_boot = _first_reach(boot_curves, grid, target_boot)
    valid = n_boot[~np.isnan(n_boot)]
    p_reachable = float(np.mean(np.isfinite(valid))) if valid.size else math.nan
    n_interval = _interval(n_point, np.where(np.isinf(n_boot), SEARCH_CAP * 10, n_boot), confidence)
    n_interval = Interval(
        n_interval.estimate,
        math.inf if n_interval.low > SEARCH_CAP else n_interval.low,
        math.inf if n_interval.high > SEARCH_CAP else n_interval.high,
    )
    asymptote = _interval(asym_point, asym_boot, confidence)
    if np.isnan(n_point) or not np.isfinite(target_point):
        return _unknown_samples_needed(fit, target)
    # The status comes from the point curve, like n.estimate, so the two never disagree;
    # how many bootstrap curves agree is p_reachable.
    n_current = fit.n_current
    measured_reached = bool(fit.observed.size) and bool(
        (fit.observed[-1] >= target_metric) if fit.higher_is_better else (fit.observed[-1] <= target_metric)
    )
    if measured_reached or n_point <= n_current:
        status = "reached"
        if n_point > n_current:
            # measured at the largest size, though the smoother curve gets there later
            n_interval = replace(n_interval, estimate=float(n_current))
    elif np.isfinite(n_point):
        status = "reachable"
    elif kind == "user" and _limit_score(fit.model, fit.scaled_params) < target_point:
        status = "not_reachable"
    else:
        status = "beyond_cap"
    return SamplesNeeded(
        target=float(target_metric),
        target_kind=kind,
        status=status,
        n=n_interval,
        p_reachable=p_reachable,
        asymptote=_metric_interval(asymptote, fit.higher_is_better),
    )


def _slope(fit: CurveFit, confidence: float) -> Slope:
    n = fit.n_current
    if fit.model in (None, "last1") or fit.train_sizes.size < 2:
        # a constant through one value is flat by construction, not by evidence
        unknown = Interval(math.nan, math.nan, math.nan)
        return Slope(n=n, per_doubling=unknown, per_log_n=unknown, verdict="unknown")
    step = 0.01
    sizes = np.array([n, 2.0 * n, n * math.exp(-step), n * math.exp(step)])
    point, boot = fit.predict_score(sizes), fit.bootstrap_scores(sizes)
    gain = _interval(point[1] - point[0], boot[:, 1] - boot[:, 0], confidence)
    derivative = _interval((point[3] - point[2]) / (2 * step), (boot[:, 3] - boot[:, 2]) / (2 * step), confidence)
    if np.isfinite(gain.low):
        verdict = "helping" if gain.low >= MEANINGFUL_GAIN else "flat" if gain.high < MEANINGFUL_GAIN else "uncertain"
    else:
        verdict = "helping" if gain.estimate >= MEANINGFUL_GAIN else "flat"
    sign = 1.0 if fit.higher_is_better else -1.0

    def signed(interval: Interval) -> Interval:
        if sign > 0:
            return interval
        return Interval(-interval.estimate, -interval.high, -interval.low)

    return Slope(n=n, per_doubling=signed(gain), per_log_n=signed(derivative), verdict=verdict)


def _expansion(n_runs: int, confidence: float) -> float:
    """Factor that widens bootstrap deviations computed from only ``n_runs`` resampled runs.

    The bootstrap of a mean of ``R`` runs has variance ``(R - 1) / R`` times the usual
    estimate, and normal quantiles ignore that the spread itself is estimated from ``R``
    values. Hesterberg's expanded percentile interval (Hesterberg 2015, "What teachers
    should know about the bootstrap", The American Statistician 69(4)) corrects both by
    ``sqrt(R / (R - 1)) * t_{R-1} / z``; applied here to the deviations from the point
    estimate (stabler than moving to the extreme percentiles of 200 replicates). 1 when
    there is no spread to correct (fewer than 2 runs).
    """
    if n_runs < 2:
        return 1.0
    q = 0.5 + confidence / 2.0
    return float(math.sqrt(n_runs / (n_runs - 1)) * student_t.ppf(q, n_runs - 1) / norm.ppf(q))


def _noise_halfwidth(score: np.ndarray, count: np.ndarray, confidence: float, n_runs: int) -> float:
    """Half-width of the fold-to-fold noise of one mean over ``n_runs`` new runs.

    The measured value at a target size is itself a mean over runs, so a prediction
    interval must add its noise to the uncertainty of the curve (the usual
    ``se_fit^2 + sigma^2`` of a regression prediction interval). The run-to-run variance
    is pooled over the larger half of the sizes (``score`` is (n_runs, m) in score space,
    columns in increasing size): the sizes nearest the targets; the spread usually
    shrinks as the training set grows, so using smaller sizes errs on the wide side. The
    quantile is Student's t with the pooled degrees of freedom. 0 without any spread.
    """
    m = score.shape[1]
    tail = score[:, m - (m + 1) // 2 :]
    df_per_size = np.maximum(count[m - (m + 1) // 2 :] - 1, 0)
    df = int(df_per_size.sum())
    if df == 0 or n_runs < 1:
        return 0.0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        variance = np.where(df_per_size > 0, np.nanvar(tail, axis=0, ddof=1), 0.0)
    pooled = float(np.sum(df_per_size * variance) / df)
    q = student_t.ppf(0.5 + confidence / 2.0, df)
    return float(q * math.sqrt(pooled / n_runs))


def _prediction_bounds(
    point: np.ndarray,
    boot: np.ndarray,
    *,
    confidence: float,
    expansion: float,
    noise_halfwidth: float,
    calibration: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Prediction interval (score space) of a new fold mean around the fitted ``point``.

    ``boot`` is (B, G) bootstrap curves (NaN rows ignored). Per side, the percentile of
    the deviations from ``point`` (widened by ``expansion``) is combined in quadrature
    with the noise of a new fold mean (``noise_halfwidth``), then multiplied by
    ``calibration`` (>= 1, from the backtest). Ends are clipped to [0, 1]; NaN when no
    replicate is usable.
    """
    point = np.asarray(point, dtype=float)
    deviations = np.asarray(boot, dtype=float) - point[None, :]
    usable = ~np.isnan(deviations).all(axis=1)
    if not usable.any():
        return np.full(point.shape, np.nan), np.full(point.shape, np.nan)
    tail = 100.0 * (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        below, above = np.nanpercentile(deviations[usable], [tail, 100.0 - tail], axis=0)
    below = expansion * np.maximum(-np.nan_to_num(below), 0.0)
    above = expansion * np.maximum(np.nan_to_num(above), 0.0)
    low = point - calibration * np.hypot(below, noise_halfwidth)
    high = point + calibration * np.hypot(above, noise_halfwidth)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def _calibration(
    observed: float,
    point: float,
    held_out: np.ndarray,
    *,
    confidence: float,
    expansion: float,
    noise_halfwidth: float,
) -> float:
    """Widening factor (>= 1) so the backtest's band would have covered the held-out size.

    The backtest fits the sizes without the largest and predicts it (``point``, the
    selected model; ``held_out`` the same prediction per bootstrap replicate, each with
    its own model selection). If the observed mean there lies outside that prediction
    interval, every interval is widened by the ratio of the observed error to the
    half-width on its side, so that the interval would have just reached it. This
    carries the user's own extrapolation error over to larger distances (the bootstrap
    half-widths already grow with distance); it only ever widens, since one held-out
    point cannot show that a band is too wide.
    """
    if not (np.isfinite(observed) and np.isfinite(point)):
        return 1.0
    low, high = _prediction_bounds(
        np.array([point]), np.asarray(held_out, dtype=float)[:, None], confidence=confidence,
        expansion=expansion, noise_halfwidth=noise_halfwidth, calibration=1.0,
    )
    error = observed - point
    half = (high[0] - point) if error > 0 else (point - low[0])
    if not np.isfinite(half) or abs(error) <= half:
        return 1.0
    if half <= _EPS:
        return 1.0
    return float(abs(error) / half)


def _bootstrap_select(
    x: np.ndarray,
    mean_b: np.ndarray,
    sigma_b: np.ndarray,
    count_b: np.ndarray,
    names: Sequence[str],
    backtest_params: dict[str, np.ndarray],
    selected: str,
    selected_params: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Redo the model selection in every bootstrap replicate, then refit the chosen model.

    Each replicate (row of ``mean_b``) fits every candidate without its largest size,
    keeps the one that predicts that size best (ties: fewer parameters first, as on the
    data) and refits it to all sizes, so the replicates vary in model as well as in
    parameters: the spread of the bootstrap curves includes the uncertainty of the
    selection, which a bootstrap of the selected model alone misses. A replicate without
    a measurement at the largest size keeps the model selected on the data.

    Returns (model name per row, "" when the refit failed; params (B, k_max) NaN-padded;
    the backtest prediction of the largest size per row, NaN when unavailable).
    """
    n_rows, m = mean_b.shape
    weights = np.where(np.isfinite(sigma_b) & (count_b > 0), 1.0 / sigma_b, 0.0)
    targets = np.where(count_b > 0, mean_b, 0.0)
    held_weights = weights.copy()
    held_weights[:, -1] = 0.0
    errors = np.full((n_rows, len(names)), np.inf)
    predictions = np.full((n_rows, len(names)), np.nan)
    sizes_before = (count_b[:, :-1] > 0).sum(axis=1)
    for j, name in enumerate(names):
        model = MODELS[name]
        fitted, cost = _lm_batch(
            model, x, targets, held_weights, np.tile(backtest_params[name], (n_rows, 1)), **_BOOT_LM
        )
        ok = np.isfinite(cost) & (sizes_before >= model.n_params)
        predictions[ok, j] = _predict(model, fitted[ok], x[-1:])[:, 0]
        errors[ok, j] = np.abs(predictions[ok, j] - mean_b[ok, -1])
    errors[~np.isfinite(errors)] = np.inf
    choice = np.argmin(errors, axis=1)
    fallback = ~np.isfinite(errors[np.arange(n_rows), choice]) | (count_b[:, -1] == 0)
    chosen = np.array(names, dtype=object)[choice]
    chosen[fallback] = selected
    held_out = predictions[np.arange(n_rows), choice]
    if selected in names:
        held_out[fallback] = predictions[fallback, list(names).index(selected)]
    else:
        held_out[fallback] = np.nan

    k_max = max(MODELS[name].n_params for name in (*names, selected))
    params = np.full((n_rows, k_max), np.nan)
    models_out = np.full(n_rows, "", dtype=object)
    for name in np.unique(chosen.astype(str)):
        model = MODELS[name]
        rows = np.flatnonzero(chosen == name)
        rows = rows[(count_b[rows] > 0).sum(axis=1) >= model.n_params]
        if rows.size == 0:
            continue
        start = selected_params if name == selected else backtest_params[name]
        fitted, cost = _lm_batch(model, x, targets[rows], weights[rows], np.tile(start, (rows.size, 1)), **_BOOT_LM)
        good = np.isfinite(cost) & np.isfinite(fitted).all(axis=1)
        params[rows[good], : model.n_params] = fitted[good]
        models_out[rows[good]] = name
    return models_out.astype(str), params, held_out


def _select_and_fit(
    obs: _Observed, scale: float, models: Sequence[str]
) -> tuple[str, np.ndarray, dict[str, float], float, list[str], dict[str, np.ndarray]]:
    """Choose a model by leave-last-point-out error and fit it to all sizes.

    Also returns the leave-last-point-out params of every candidate that converged
    (starts for the bootstrap's own selection; empty with fewer than 3 sizes).
    """
    notes: list[str] = []
    x = obs.sizes / scale
    m = obs.sizes.size
    candidates: dict[str, float] = {}
    backtest_params: dict[str, np.ndarray] = {}
    if m >= 3:
        x_fit, y_fit, s_fit = x[:-1], obs.mean[:-1], obs.sigma[:-1]
        for name in models:
            model = MODELS[name]
            if model.n_params > m - 1:
                continue
            params = _least_squares(model, x_fit, y_fit, s_fit, model.starts(x_fit, y_fit))
            if params is not None:
                backtest_params[name] = params
            candidates[name] = (
                math.nan if params is None else float(abs(_predict(model, params, x[-1:])[0] - obs.mean[-1]))
            )
        ranked = sorted(
            (error, MODEL_NAMES.index(name) if name in MODEL_NAMES else 99, name)
            for name, error in candidates.items()
            if np.isfinite(error)
        )
        for error, _, name in ranked:
            model = MODELS[name]
            params = _least_squares(model, x, obs.mean, obs.sigma, model.starts(x, obs.mean), polish=True)
            if params is not None:
                return name, params, candidates, error, notes, backtest_params
            notes.append(f"{name} extrapolated best but did not converge on all sizes; next best used.")
        notes.append("no candidate model converged; the last observed value is used (last1).")
    elif m == 2:
        model = MODELS["log2"]
        params = _least_squares(model, x, obs.mean, obs.sigma, model.starts(x, obs.mean), polish=True)
        if params is not None:
            notes.append("only 2 sizes: log2 through both, no backtest possible.")
            return "log2", params, candidates, math.nan, notes, backtest_params
        notes.append("only 2 sizes and log2 did not converge; the last observed value is used (last1).")
    else:
        notes.append("only 1 size: the curve is the last observed value (last1), nothing extrapolates.")
    return "last1", np.array([float(obs.mean[-1])]), candidates, math.nan, notes, backtest_params


def _fit_curve(
    sizes: np.ndarray,
    values: np.ndarray,
    *,
    formulation: str,
    metric: str,
    higher_is_better: bool,
    models: Sequence[str],
    boot_rows: np.ndarray,
    confidence: float,
    max_train_size: int | None,
    target_n: Sequence[int],
    target: float | None,
    with_samples_needed: bool,
) -> CurveFit:
    sizes = np.asarray(sizes, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if max_train_size is not None:
        keep = sizes <= max_train_size
        sizes, values = sizes[keep], values[:, keep]
    score = values if higher_is_better else 1.0 - values
    obs = _observe(score, sizes)
    n_boot = boot_rows.shape[0]

    def metric_units(score_values):
        return score_values if higher_is_better else 1.0 - score_values

    if obs.sizes.size == 0:
        return CurveFit(
            formulation=formulation, metric=metric, higher_is_better=higher_is_better, model=None,
            params={}, candidates={}, backtest_error=math.nan, last1_error=math.nan,
            train_sizes=obs.sizes, observed=obs.mean, n_runs=obs.count, at_target={},
            samples_needed=None, slope=None, band=None, n_bootstrap=0, scale=1.0,
            scaled_params=np.zeros(0), bootstrap_params=np.zeros((n_boot, 0)),
            notes=("no measured size: nothing to fit.",),
        )
    scale = float(obs.sizes[-1])
    name, params, candidates, backtest, notes, backtest_params = _select_and_fit(obs, scale, models)
    model = MODELS[name]
    last1 = float(abs(obs.mean[-1] - obs.mean[-2])) if obs.sizes.size >= 2 else math.nan
    x = obs.sizes / scale

    # Bootstrap over runs: resample whole rows (folds), recompute means and weights, and
    # redo the whole procedure in every replicate -- the model selection included, when
    # there is one -- so that the spread covers the choice of model too.
    columns = np.isin(sizes, obs.sizes)
    boot = np.full((n_boot, model.n_params), np.nan)
    boot_models = np.full(n_boot, "", dtype=object)
    held_out = np.full(n_boot, np.nan)
    names = [n for n in MODEL_NAMES if n in backtest_params]
    if n_boot:
        mean_b, sigma_b, count_b = _moments(score[:, columns][boot_rows])
        available = (count_b > 0).sum(axis=1)
        if name == "last1":
            last = np.where(count_b > 0, np.arange(obs.sizes.size)[None, :], -1).max(axis=1)
            usable = last >= 0
            boot[usable, 0] = mean_b[usable, last[usable]]
            boot_models[usable] = name
        elif names and obs.sizes.size >= 3:
            boot_models, boot, held_out = _bootstrap_select(
                x, mean_b, sigma_b, count_b, names, backtest_params, name, params
            )
        else:
            usable = available >= min(model.n_params, obs.sizes.size)
            if usable.any():
                weights = np.where(np.isfinite(sigma_b[usable]), 1.0 / sigma_b[usable], 0.0)
                targets = np.where(count_b[usable] > 0, mean_b[usable], 0.0)
                start = np.tile(params, (int(usable.sum()), 1))
                found, cost = _lm_batch(model, x, targets, weights, start, **_BOOT_LM)
                found[~np.isfinite(cost)] = np.nan
                boot[usable] = found
                boot_models[usable] = np.where(np.isfinite(found).all(axis=1), name, "")
    n_ok = int(np.sum(boot_models != ""))
    if n_boot and n_ok < 0.8 * n_boot:
        notes.append(f"only {n_ok} of {n_boot} bootstrap refits converged; intervals are rough.")

    # Prediction interval of a new fold mean: small-sample expansion of the bootstrap,
    # the fold noise of the measured mean, and the calibration by the backtest.
    n_runs_total = int(score.shape[0])
    expansion = _expansion(n_runs_total, confidence)
    run_values = score[:, columns]
    n_target_runs = int(obs.count.max())
    noise = _noise_halfwidth(run_values, obs.count, confidence, n_target_runs)
    calibration = 1.0
    if n_boot and obs.sizes.size >= 3 and name in backtest_params and np.isfinite(held_out).any():
        calibration = _calibration(
            float(obs.mean[-1]),
            float(_predict(model, backtest_params[name], x[-1:])[0]),
            held_out,
            confidence=confidence,
            expansion=expansion,
            noise_halfwidth=_noise_halfwidth(run_values[:, :-1], obs.count[:-1], confidence, int(obs.count[-1])),
        )

    fit = CurveFit(
        formulation=formulation, metric=metric, higher_is_better=higher_is_better, model=name,
        params=dict(zip(model.param_names, (float(v) for v in model.unscale(params, scale)))),
        candidates=candidates, backtest_error=backtest, last1_error=last1,
        train_sizes=obs.sizes, observed=metric_units(obs.mean), n_runs=obs.count, at_target={},
        samples_needed=None, slope=None, band=None, n_bootstrap=n_ok, scale=scale,
        scaled_params=np.asarray(params, dtype=float), bootstrap_params=boot, notes=tuple(notes),
        bootstrap_models=tuple(str(v) for v in boot_models), noise_halfwidth=noise,
        expansion=expansion, calibration=calibration, confidence=float(confidence),
    )
    at_target = {}
    for n in target_n:
        low, high = fit.prediction_interval([n])
        interval = Interval(float(fit.predict_score([n])[0]), float(low[0]), float(high[0]))
        at_target[int(n)] = _metric_interval(interval, higher_is_better)
    grid = np.unique(np.round(np.geomspace(obs.sizes[0], max(max(target_n, default=0), 10 * obs.sizes[-1]), 40)))
    mid = fit.predict_score(grid)
    low, high = fit.prediction_interval(grid)
    band = Band(n=grid.astype(np.int64), low=metric_units(low if higher_is_better else high),
                mid=metric_units(mid), high=metric_units(high if higher_is_better else low))
    samples_needed = _samples_needed(fit, target, confidence) if with_samples_needed else None
    return replace(fit, at_target=at_target, band=band, samples_needed=samples_needed, slope=_slope(fit, confidence))


def fit_curve(
    train_sizes,
    scores,
    *,
    higher_is_better: bool = True,
    models: Sequence[str] = MODEL_NAMES,
    n_bootstrap: int = 200,
    confidence: float = 0.90,
    max_train_size: int | None = None,
    target_n: Sequence[int] = (),
    target: float | None = None,
    random_state: int = 0,
    metric: str = "score",
    formulation: str = "",
) -> CurveFit:
    """Fit one measured learning curve: select a model, bootstrap it, derive the answers.

    See :func:`fit_curves` for the procedure; ``at_target`` and ``band`` are prediction
    intervals of a new mean over the runs.

    Parameters
    ----------
    train_sizes : array-like of shape (n_sizes,)
        Increasing training sizes.
    scores : array-like of shape (n_runs, n_sizes)
        Metric per run (outer fold of a repeat) and size; NaN where a job was not run.
    higher_is_better : bool, default=True
        False for a loss (fitted as ``1 - loss``).
    models : sequence of str
        Candidate models among ``MODELS`` (default: pow3, exp3, log2, mmf4, wbl4).
    n_bootstrap : int, default=200
        Bootstrap resamples of the runs; 0 gives point estimates without intervals.
    confidence : float, default=0.90
        Coverage of the intervals.
    max_train_size : int, optional
        Use only sizes <= this (to backtest the extrapolation).
    target_n : sequence of int
        Sizes at which to report the metric.
    target : float, optional
        Metric value whose sample size is wanted; None: the size at which the curve comes
        within 5% of its fitted asymptote ("saturation").
    random_state : int, default=0

    Returns
    -------
    CurveFit

    Examples
    --------
    >>> sizes = np.array([50, 100, 200, 400, 800])
    >>> truth = 0.8 - 1.5 * sizes ** -0.5
    >>> fit = fit_curve(sizes, np.tile(truth, (3, 1)), n_bootstrap=0, target_n=[8000])
    >>> fit.model, round(fit.at_target[8000].estimate, 3)
    ('pow3', 0.783)
    """
    owner = "fit_curve"
    train_sizes = np.asarray(train_sizes)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if train_sizes.ndim != 1 or scores.shape[1] != train_sizes.size:
        raise invalid_parameter(
            "scores", owner, f"an array of shape (n_runs, {train_sizes.size})", scores.shape
        )
    _check_common(owner, models, n_bootstrap, confidence, max_train_size, target_n)
    rng = np.random.default_rng(random_state)
    boot_rows = rng.integers(0, scores.shape[0], size=(n_bootstrap, scores.shape[0]))
    return _fit_curve(
        train_sizes, scores, formulation=formulation, metric=metric, higher_is_better=higher_is_better,
        models=models, boot_rows=boot_rows, confidence=confidence, max_train_size=max_train_size,
        target_n=[int(n) for n in target_n], target=target, with_samples_needed=True,
    )


# --------------------------------------------------------------------------- crossovers


def _leader(advantage: float, first: str, second: str) -> str:
    if not np.isfinite(advantage) or abs(advantage) < _EPS:
        return "tie"
    return first if advantage > 0 else second


def _sign_changes(diff: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per row, the first size where the sign of ``diff`` differs from its sign at grid[0]."""
    sign = np.sign(np.where(np.abs(diff) < _EPS, 0.0, diff))
    start = sign[:, :1]
    changed = (sign != start) & (sign != 0) & (start != 0)
    out = np.full(diff.shape[0], np.inf)
    for row in np.flatnonzero(changed.any(axis=1)):
        i = int(np.argmax(changed[row]))
        d0, d1 = diff[row, i - 1], diff[row, i]
        frac = d0 / (d0 - d1) if d0 != d1 else 0.0
        out[row] = math.exp(math.log(grid[i - 1]) + frac * (math.log(grid[i]) - math.log(grid[i - 1])))
    out[np.isnan(diff).any(axis=1)] = np.nan
    return out


def _crossover(first: CurveFit, second: CurveFit, confidence: float) -> Crossover:
    n_current = min(first.n_current, second.n_current)
    grid = np.geomspace(n_current, CROSSOVER_RANGE * n_current, 241)
    diff_point = (first.predict_score(grid) - second.predict_score(grid))[None, :]
    diff_boot = first.bootstrap_scores(grid) - second.bootstrap_scores(grid)
    n_point = float(_sign_changes(diff_point, grid)[0])
    n_boot = _sign_changes(diff_boot, grid)
    valid = n_boot[~np.isnan(n_boot)]
    beyond = CROSSOVER_RANGE * n_current * 10  # stands for "no crossover" inside the percentiles
    interval = _interval(n_point, np.where(np.isinf(n_boot), beyond, n_boot), confidence)
    interval = Interval(
        interval.estimate,
        math.inf if interval.low >= beyond else interval.low,
        math.inf if interval.high >= beyond else interval.high,
    )
    n_small = min(first.train_sizes[0], second.train_sizes[0])
    past = math.nan
    if n_small < n_current:
        measured = np.geomspace(n_small, n_current, 121)
        diff_measured = first.predict_score(measured) - second.predict_score(measured)
        sign = np.sign(np.where(np.abs(diff_measured) < _EPS, 0.0, diff_measured))
        flips = np.flatnonzero((sign[1:] != sign[:-1]) & (sign[1:] != 0) & (sign[:-1] != 0))
        if flips.size:
            past = float(measured[flips[-1] + 1])
    return Crossover(
        first=first.formulation,
        second=second.formulation,
        metric=first.metric,
        n_current=n_current,
        leader_at_current=_leader(diff_point[0, 0], first.formulation, second.formulation),
        leader_at_limit=_leader(diff_point[0, -1], first.formulation, second.formulation),
        status="crossover within 100x" if np.isfinite(n_point) else "none within 100x",
        n=interval,
        p_crossover=float(np.mean(np.isfinite(valid))) if valid.size else math.nan,
        past_crossover_n=past,
        advantage_at_current=_interval(diff_point[0, 0], diff_boot[:, 0], confidence),
        advantage_at_limit=_interval(diff_point[0, -1], diff_boot[:, -1], confidence),
    )


# --------------------------------------------------------------------------- entry point


def _check_common(owner, models, n_bootstrap, confidence, max_train_size, target_n) -> None:
    if isinstance(models, str) or not models or any(name not in MODEL_NAMES for name in models):
        raise invalid_parameter("models", owner, f"a non-empty subset of {list(MODEL_NAMES)}", models)
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 0:
        raise invalid_parameter("n_bootstrap", owner, "an int >= 0", n_bootstrap)
    if not isinstance(confidence, (float, int)) or not 0.0 < confidence < 1.0:
        raise invalid_parameter("confidence", owner, "within (0, 1)", confidence)
    if max_train_size is not None and (
        isinstance(max_train_size, bool) or not isinstance(max_train_size, (int, np.integer)) or max_train_size < 1
    ):
        raise invalid_parameter("max_train_size", owner, "None or an int >= 1", max_train_size)
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in target_n):
        raise invalid_parameter("target_n", owner, "a list of ints >= 1", list(target_n))


def _normalise_targets(target, owner: str) -> dict[str, float]:
    if target is None:
        return {}
    if isinstance(target, (int, float)) and not isinstance(target, bool):
        target = {HEADLINE_METRIC: float(target)}
    if not isinstance(target, dict):
        raise invalid_parameter("target", owner, "None, a float or a dict metric -> value", target)
    out = {}
    for metric, value in target.items():
        if metric not in METRICS and metric != COVERAGE:
            raise invalid_parameter("target", owner, f"keyed by metrics among {list(METRICS)}", target)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value < 1.0:
            raise invalid_parameter("target", owner, "values within (0, 1)", target)
        out[metric] = float(value)
    return out


def fit_curves(
    curves,
    *,
    target_n: Sequence[int] | None = None,
    target: float | dict[str, float] | None = None,
    models: Sequence[str] = ("pow3", "exp3", "log2", "mmf4", "wbl4"),
    n_bootstrap: int = 200,
    confidence: float = 0.90,
    max_train_size: int | None = None,
    random_state: int = 0,
) -> CurveFits:
    """Fit, select and extrapolate every learning curve of a :class:`LearningCurves`.

    For each formulation and metric: weighted nonlinear least squares (weights from the
    standard error of the fold mean, floored) for each candidate model; the model whose
    fit without the largest size predicts that size best is selected
    (``backtest_error``; ``last1_error`` is the naive baseline of predicting it with the
    second largest size) and refitted on all sizes. The whole procedure, selection
    included, is repeated on ``n_bootstrap`` resamples of the runs (the same resampled
    runs for every formulation, so crossovers are paired). ``at_target`` and ``band`` are
    prediction intervals of a measured mean of runs: bootstrap spread (small-sample
    expanded) and fold noise in quadrature, widened when the backtest's own interval
    missed the largest size (see the module docstring). With fewer than 3 sizes there is
    no backtest: 2 sizes get log2, 1 size the last value (``last1``). A ``last1`` curve
    makes no extrapolated claim: its slope verdict and samples-needed status are
    ``"unknown"`` (values NaN / None) and it takes part in no crossover.

    Parameters
    ----------
    curves : LearningCurves
        Output of :func:`feasibility.curves.learning_curves`.
    target_n : list of int, optional
        Training sizes at which to report every metric; default
        ``[n_samples, 10 * n_samples]``.
    target : float or dict, optional
        Target values for "samples needed": a dict metric -> value (a loss as a loss), or
        one float for the headline metric (``f1_micro``). Metrics without a target report
        the size at which they come within 5% of their fitted asymptote.
    models : sequence of str, default=("pow3", "exp3", "log2", "mmf4", "wbl4")
        Candidate models (see ``MODELS``).
    n_bootstrap : int, default=200
        Bootstrap resamples of the runs; 0 disables the intervals.
    confidence : float, default=0.90
        Coverage of every interval.
    max_train_size : int, optional
        Fit only sizes <= this: the self-backtest of the extrapolation.
    random_state : int, default=0
        Seed of the bootstrap.

    Returns
    -------
    CurveFits

    Raises
    ------
    ParameterError
        When an option is out of range.

    See Also
    --------
    fit_curve : the same for one curve given as arrays.
    feasibility.sample_size.analytic_sample_size : the analytic cross-check included here.
    """
    owner = "fit_curves"
    if not isinstance(curves, LearningCurves):
        raise wrong_input(
            owner, "a LearningCurves", curves,
            hint="Compute it with feasibility.learning_curves(dataset).",
        )
    if target_n is None:
        target_n = [int(curves.n_samples), 10 * int(curves.n_samples)]
    target_n = list(target_n)
    _check_common(owner, models, n_bootstrap, confidence, max_train_size, target_n)
    targets = _normalise_targets(target, owner)
    n_runs = len(curves.runs)
    if n_runs == 0:
        first = next(iter(curves.curves.values()), None)
        n_runs = 0 if first is None else int(first.unseen_labelset_share.shape[0])
    rng = np.random.default_rng(random_state)
    boot_rows = rng.integers(0, max(n_runs, 1), size=(n_bootstrap, max(n_runs, 1)))
    common = {
        "models": tuple(models), "boot_rows": boot_rows, "confidence": float(confidence),
        "max_train_size": max_train_size, "target_n": [int(n) for n in target_n],
    }
    notes: list[str] = []
    fits: dict[str, dict[str, CurveFit]] = {}
    coverage: dict[str, CurveFit] = {}
    for formulation in [f for f in FORMULATIONS if f in curves.curves]:
        curve = curves.curves[formulation]
        fits[formulation] = {}
        for metric in [m for m in METRICS if m in curve.scores]:
            fit = _fit_curve(
                curve.train_sizes, curve.scores[metric], formulation=formulation, metric=metric,
                higher_is_better=metric not in LOSS_METRICS, target=targets.get(metric),
                with_samples_needed=True, **common,
            )
            fits[formulation][metric] = fit
            notes.extend(f"{formulation} {metric}: {note}" for note in fit.notes)
        if formulation != "sigmoid":
            fit = _fit_curve(
                curve.train_sizes, 1.0 - np.asarray(curve.unseen_labelset_share, dtype=float),
                formulation=formulation, metric=COVERAGE, higher_is_better=True,
                target=targets.get(COVERAGE), with_samples_needed=True, **common,
            )
            coverage[formulation] = fit
            notes.extend(f"{formulation} {COVERAGE}: {note}" for note in fit.notes)

    crossover: dict[str, dict[str, Crossover]] = {}
    for metric in METRICS:
        for first, second in CROSSOVER_PAIRS:
            a, b = fits.get(first, {}).get(metric), fits.get(second, {}).get(metric)
            # no crossover claim from a constant fallback (one measured size)
            if a is None or b is None or a.model in (None, "last1") or b.model in (None, "last1"):
                continue
            crossover.setdefault(metric, {})[f"{first}_vs_{second}"] = _crossover(a, b, confidence)

    sample_size = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FeasibilityWarning)
        try:
            sample_size = analytic_sample_size(curves)
        except (AttributeError, ValueError) as error:
            notes.append(f"analytic sample size not computed: {error}")
    notes.extend(str(w.message) for w in caught if issubclass(w.category, FeasibilityWarning))
    if notes:
        summary = f"fit_curves: {len(notes)} note(s); first: {notes[0]}"
        warnings.warn(summary, FeasibilityWarning, stacklevel=2)
    return CurveFits(
        fits=fits,
        crossover=crossover,
        coverage=coverage,
        sample_size=sample_size,
        target_n=tuple(int(n) for n in target_n),
        targets=targets,
        headline_metric=HEADLINE_METRIC,
        confidence=float(confidence),
        options={
            "target_n": [int(n) for n in target_n],
            "target": targets,
            "models": list(models),
            "n_bootstrap": int(n_bootstrap),
            "confidence": float(confidence),
            "max_train_size": None if max_train_size is None else int(max_train_size),
            "random_state": int(random_state),
        },
        notes=tuple(notes),
    )



