"""Result types of the fits, their JSON (``to_dict``) and back (``from_dict``).

``CurveFits.from_dict(fits.to_dict()).to_dict() == fits.to_dict()``: a report's JSON
rebuilds the typed result. What the JSON does not hold (the bootstrap curves, the scaling
of the sizes) is left empty in a rebuilt :class:`CurveFit`: its point curve
(:meth:`CurveFit.predict`) works from the reported ``params``, its bootstrap curves are
empty, so its prediction intervals are NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite_float, finite_floats, float_or_nan, floats_or_nan
from ..vocab import LOSS_METRICS
from .analytic import AnalyticSampleSize
from .bootstrap import _prediction_bounds
from .models import CURVE_MODELS, predict
from .notes import FitNote
from .status import (
    COVERAGE,
    CROSSOVER_RANGE,
    MEANINGFUL_GAIN,
    SEARCH_CAP,
    CrossoverStatus,
    NeedStatus,
    SlopeVerdict,
    TargetKind,
)

__all__ = ["Band", "Crossover", "CurveFit", "CurveFits", "Interval", "SamplesNeeded", "Slope"]


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided interval; NaN means unknown, inf unbounded."""

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict:
        """Return ``{"estimate", "low", "high"}`` with NaN and infinities as None."""
        return {
            "estimate": finite_float(self.estimate),
            "low": finite_float(self.low),
            "high": finite_float(self.high),
        }

    def flagged(self, bound: str) -> dict:
        """:meth:`to_dict` plus ``<end>_beyond_<bound>`` flags for ends at +inf.

        Both +inf ("beyond the search range") and NaN ("unknown") become None in JSON; the
        flags keep them apart.
        """
        out = self.to_dict()
        for key in ("estimate", "low", "high"):
            value = getattr(self, key)
            out[f"{key}_beyond_{bound}"] = bool(math.isinf(value) and value > 0)
        return out

    @classmethod
    def from_dict(cls, data: dict, bound: str | None = None) -> Interval:
        """Rebuild from :meth:`to_dict` (or :meth:`flagged` with the same ``bound``)."""

        def end(key: str) -> float:
            if data[key] is None and bound is not None and data.get(f"{key}_beyond_{bound}"):
                return math.inf
            return float_or_nan(data[key])

        return cls(end("estimate"), end("low"), end("high"))


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
    target_kind: TargetKind  # "user" or "saturation" (within 5% of the fitted asymptote)
    status: NeedStatus  # "reached", "reachable", "beyond_cap", "not_reachable" or "unknown"
    n: Interval  # inf: not reached by SEARCH_CAP; NaN: unknown
    p_reachable: float  # share of bootstrap fits that reach the target by SEARCH_CAP
    asymptote: Interval  # the metric at SEARCH_CAP samples (NaN when unknown)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict; ``n`` carries the ``*_beyond_cap`` flags."""
        return {
            "target": finite_float(self.target),
            "target_kind": str(self.target_kind),
            "status": str(self.status),
            "n": self.n.flagged("cap"),
            "p_reachable": finite_float(self.p_reachable),
            "asymptote": self.asymptote.to_dict(),
            "cap": SEARCH_CAP,
        }

    @classmethod
    def from_dict(cls, data: dict) -> SamplesNeeded:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            target=float_or_nan(data["target"]),
            target_kind=TargetKind(data["target_kind"]),
            status=NeedStatus(data["status"]),
            n=Interval.from_dict(data["n"], "cap"),
            p_reachable=float_or_nan(data["p_reachable"]),
            asymptote=Interval.from_dict(data["asymptote"]),
        )


@dataclass(frozen=True, eq=False)
class Slope:
    """How the metric changes around the largest measured size ``n``."""

    n: int
    per_doubling: Interval  # change of the metric (own units, signed) from n to 2n
    per_log_n: Interval  # d metric / d ln(n) at n
    # "helping" (gain >= MEANINGFUL_GAIN), "flat" (< it), "uncertain" (interval straddles
    # it) or "unknown" (constant fallback ``last1``: one measured size, nothing to
    # extrapolate; both intervals NaN)
    verdict: SlopeVerdict

    def to_dict(self) -> dict:
        """Return a JSON-safe dict."""
        return {
            "n": int(self.n),
            "per_doubling": self.per_doubling.to_dict(),
            "per_log_n": self.per_log_n.to_dict(),
            "verdict": str(self.verdict),
            "meaningful_gain": MEANINGFUL_GAIN,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Slope:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            n=int(data["n"]),
            per_doubling=Interval.from_dict(data["per_doubling"]),
            per_log_n=Interval.from_dict(data["per_log_n"]),
            verdict=SlopeVerdict(data["verdict"]),
        )


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

    @classmethod
    def from_dict(cls, data: dict) -> Band:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            n=np.array(data["n"], dtype=np.int64),
            low=floats_or_nan(data["low"]),
            mid=floats_or_nan(data["mid"]),
            high=floats_or_nan(data["high"]),
        )


@dataclass(frozen=True, eq=False)
class CurveFit:
    """The selected fit of one learning curve and everything derived from it."""

    formulation: str
    metric: str  # a METRICS name or "coverage"
    higher_is_better: bool
    model: str | None  # None: no measured size at all
    params: dict[str, float]  # in the original units of ``CURVE_MODELS[model].formula``
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
    notes: tuple[FitNote, ...] = field(default_factory=tuple)
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
        return predict(CURVE_MODELS[self.model], self.scaled_params, n / self.scale)

    def bootstrap_scores(self, n) -> np.ndarray:
        """Bootstrap curves in score space, shape (n_bootstrap requested, len(n))."""
        n = np.atleast_1d(np.asarray(n, dtype=float))
        n_rows = self.bootstrap_params.shape[0]
        values = np.full((n_rows, n.size), np.nan)
        if self.model is None or n_rows == 0:
            return values
        names = np.array(self.bootstrap_models if self.bootstrap_models else [self.model] * n_rows)
        for name in np.unique(names[names != ""]):
            model = CURVE_MODELS[str(name)]
            rows = np.flatnonzero(names == name)
            params = self.bootstrap_params[rows, : model.n_params]
            rows, params = (
                rows[np.isfinite(params).all(axis=1)],
                params[np.isfinite(params).all(axis=1)],
            )
            if rows.size:
                values[rows] = predict(model, params, n / self.scale)
        return values

    def prediction_interval(self, n) -> tuple[np.ndarray, np.ndarray]:
        """Ends (score space) of the prediction interval of a new fold mean at sizes ``n``.

        See :func:`~feasibility.fit.bootstrap._prediction_bounds`; NaN without bootstrap
        replicates.
        """
        n = np.atleast_1d(np.asarray(n, dtype=float))
        return _prediction_bounds(
            self.predict_score(n),
            self.bootstrap_scores(n),
            confidence=self.confidence,
            expansion=self.expansion,
            noise_halfwidth=self.noise_halfwidth,
            calibration=self.calibration,
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
            "formula": None if self.model is None else CURVE_MODELS[self.model].formula,
            "params": {name: finite_float(value) for name, value in self.params.items()},
            "candidates": {name: finite_float(value) for name, value in self.candidates.items()},
            "backtest_error": finite_float(self.backtest_error),
            "last1_error": finite_float(self.last1_error),
            "train_sizes": [int(v) for v in self.train_sizes],
            "observed": finite_floats(self.observed),
            "n_runs": [int(v) for v in self.n_runs],
            "at_target": {str(n): interval.to_dict() for n, interval in self.at_target.items()},
            "samples_needed": None
            if self.samples_needed is None
            else self.samples_needed.to_dict(),
            "slope_at_current": None if self.slope is None else self.slope.to_dict(),
            "band": None if self.band is None else self.band.to_dict(),
            "n_bootstrap": int(self.n_bootstrap),
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_dict(
        cls, data: dict, *, formulation: str, metric: str, confidence: float = 0.90
    ) -> CurveFit:
        """Rebuild from :meth:`to_dict` (see the module docstring for what stays empty).

        The point curve is kept in the original units (``scale`` 1, ``scaled_params`` the
        reported ``params``), which is the same curve.
        """
        model = data["model"]
        params = {name: float_or_nan(value) for name, value in data["params"].items()}
        k = 0 if model is None else CURVE_MODELS[model].n_params
        scaled = (
            np.zeros(0)
            if model is None
            else np.array([params[p] for p in CURVE_MODELS[model].param_names])
        )
        return cls(
            formulation=formulation,
            metric=metric,
            higher_is_better=metric not in LOSS_METRICS,
            model=model,
            params=params,
            candidates={name: float_or_nan(value) for name, value in data["candidates"].items()},
            backtest_error=float_or_nan(data["backtest_error"]),
            last1_error=float_or_nan(data["last1_error"]),
            train_sizes=np.array(data["train_sizes"], dtype=np.int64),
            observed=floats_or_nan(data["observed"]),
            n_runs=np.array(data["n_runs"], dtype=np.int64),
            at_target={int(n): Interval.from_dict(value) for n, value in data["at_target"].items()},
            samples_needed=None
            if data["samples_needed"] is None
            else SamplesNeeded.from_dict(data["samples_needed"]),
            slope=None
            if data["slope_at_current"] is None
            else Slope.from_dict(data["slope_at_current"]),
            band=None if data["band"] is None else Band.from_dict(data["band"]),
            n_bootstrap=int(data["n_bootstrap"]),
            scale=1.0,
            scaled_params=scaled,
            bootstrap_params=np.zeros((0, k)),
            notes=FitNote.from_dicts(data["notes"]),
            confidence=confidence,
        )


@dataclass(frozen=True, eq=False)
class Crossover:
    """Where ``first`` and ``second`` swap places on one metric, from the fitted curves."""

    first: str
    second: str
    metric: str
    n_current: int
    leader_at_current: str  # formulation name or TIE
    leader_at_limit: str  # at CROSSOVER_RANGE x n_current
    status: CrossoverStatus  # "crossover within 100x" or "none within 100x"
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
            "status": str(self.status),
            "n": self.n.flagged("limit"),
            "p_crossover": finite_float(self.p_crossover),
            "past_crossover_n": finite_float(self.past_crossover_n),
            "advantage_at_current": self.advantage_at_current.to_dict(),
            "advantage_at_limit": self.advantage_at_limit.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict, *, metric: str) -> Crossover:
        """Rebuild from :meth:`to_dict`."""
        return cls(
            first=data["first"],
            second=data["second"],
            metric=metric,
            n_current=int(data["n_current"]),
            leader_at_current=data["leader_at_current"],
            leader_at_limit=data["leader_at_limit"],
            status=CrossoverStatus(data["status"]),
            n=Interval.from_dict(data["n"], "limit"),
            p_crossover=float_or_nan(data["p_crossover"]),
            past_crossover_n=float_or_nan(data["past_crossover_n"]),
            advantage_at_current=Interval.from_dict(data["advantage_at_current"]),
            advantage_at_limit=Interval.from_dict(data["advantage_at_limit"]),
        )


@dataclass(frozen=True, eq=False)
class CurveFits:
    """Result of :func:`~feasibility.fit.fit_curves`."""

    fits: dict[str, dict[str, CurveFit]]  # formulation -> metric -> fit
    crossover: dict[str, dict[str, Crossover]]  # metric -> "first_vs_second" -> crossover
    coverage: dict[str, CurveFit]  # formulation (not sigmoid) -> fit of 1 - unseen_labelset_share
    # the analytic cross-check, attached by feasibility.fit.with_sample_size (None before)
    sample_size: AnalyticSampleSize | None
    target_n: tuple[int, ...]
    targets: dict[str, float]  # metric -> user target (own units)
    headline_metric: str
    confidence: float
    options: dict
    # each curve fit's notes with the curve they are about, then the sample sizes' notes
    notes: tuple[FitNote, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """Return the JSON-safe dict.

        ``{"fits": {FORMULATION: {METRIC: {"model", "formula", "params", "candidates",
        "backtest_error", "last1_error", "train_sizes", "observed", "n_runs", "at_target":
        {N: {"estimate", "low", "high"}}, "samples_needed", "slope_at_current", "band":
        {"n", "low", "mid", "high"}, "n_bootstrap", "notes"}}}, "crossover": {METRIC:
        {"sigmoid_vs_powerset": {...}, ...}}, "coverage": {FORMULATION: {... as a fit}},
        "sample_size": {"riley": ..., "pate": ...}, "target_n", "targets",
        "headline_metric", "confidence", "options", "notes"}``; every note is
        ``{"code", ...}`` (:class:`~feasibility.fit.notes.FitNote`).
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
            "notes": [note.to_dict() for note in self.notes],
        }

    @classmethod
    def from_dict(cls, data: dict) -> CurveFits:
        """Rebuild from :meth:`to_dict`: ``CurveFits.from_dict(d).to_dict() == d``."""
        confidence = float(data["confidence"])
        return cls(
            fits={
                formulation: {
                    metric: CurveFit.from_dict(
                        entry, formulation=formulation, metric=metric, confidence=confidence
                    )
                    for metric, entry in by_metric.items()
                }
                for formulation, by_metric in data["fits"].items()
            },
            crossover={
                metric: {
                    pair: Crossover.from_dict(entry, metric=metric)
                    for pair, entry in by_pair.items()
                }
                for metric, by_pair in data["crossover"].items()
            },
            coverage={
                formulation: CurveFit.from_dict(
                    entry, formulation=formulation, metric=COVERAGE, confidence=confidence
                )
                for formulation, entry in data["coverage"].items()
            },
            sample_size=None
            if data["sample_size"] is None
            else AnalyticSampleSize.from_dict(data["sample_size"]),
            target_n=tuple(int(n) for n in data["target_n"]),
            targets={metric: float(value) for metric, value in data["targets"].items()},
            headline_metric=data["headline_metric"],
            confidence=confidence,
            options=dict(data["options"]),
            notes=FitNote.from_dicts(data["notes"]),
        )
