"""Result types of the fits, their JSON (``to_dict``) and back (``from_dict``).

``CurveFits.from_dict(fits.to_dict()).to_dict() == fits.to_dict()``: a report's JSON
rebuilds the typed result. What the JSON does not hold (the bootstrap curves, the scaling
of the sizes) is left empty in a rebuilt :class:`CurveFit`: its point curve
(:meth:`CurveFit.predict`) works from the reported ``params`` and ``weights``, its
bootstrap curves are empty, so its prediction intervals are the calibrated part alone
(without the fold noise). The answer types are in :mod:`feasibility.fit.answers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._json import finite_float, finite_floats, float_or_nan, floats_or_nan
from ..vocab import LOSS_METRICS
from .analytic import AnalyticSampleSize
from .answers import Band, Interval, SamplesNeeded, Slope
from .average import member_slices
from .bootstrap import _prediction_bounds
from .extrapolation import extrapolation_quantiles
from .models import CURVE_MODELS, predict
from .notes import FitNote
from .status import COVERAGE, CROSSOVER_RANGE, HORIZON, MAX_SPAN, CrossoverStatus, NotEstimable

__all__ = ["Band", "Crossover", "CurveFit", "CurveFits", "Interval", "SamplesNeeded", "Slope"]


@dataclass(frozen=True, eq=False)
class CurveFit:
    """The fitted curve of one formulation and metric, and everything derived from it.

    The curve is a weighted average of curve models (``weights``; one model with weight
    1 when only one could be fitted). Beyond the largest measured size it never falls
    (score space): it stays at least at its own value there, so it is continuous.
    """

    formulation: str
    metric: str  # a METRICS name or "coverage"
    higher_is_better: bool
    model: str | None  # "average", one model's name, "last1"; None: no measured size
    params: dict[str, float]  # original units, "<model>.<param>" for each member
    candidates: dict[str, float]  # model -> backtest error (mean |error|; NaN: none possible)
    backtest_error: float  # the members' backtest errors, weighted root mean square
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
    scaled_params: np.ndarray  # the members' params for n / scale, concatenated
    bootstrap_params: np.ndarray  # (n_bootstrap requested, len(scaled_params)); NaN: failed
    notes: tuple[FitNote, ...] = field(default_factory=tuple)
    # model -> weight in the average, in the order of ``scaled_params``
    weights: dict[str, float] = field(default_factory=dict)
    # typical extrapolation error (score units, :func:`~feasibility.fit.extrapolation.error_scale`)
    error_scale: float = math.nan
    # half-width (score space, at ``confidence``) of the fold-to-fold noise of one new
    # fold mean, added in quadrature to the curve's interval for ``at_target`` and ``band``
    noise_halfwidth: float = 0.0
    # small-sample expansion of the bootstrap deviations (Hesterberg's expanded percentile)
    expansion: float = 1.0
    confidence: float = 0.90

    @property
    def n_current(self) -> int:
        """Largest size with data (0 when none)."""
        return int(self.train_sizes[-1]) if self.train_sizes.size else 0

    def _members(self):
        names = list(self.weights) if self.weights else [self.model]
        weights = np.array(list(self.weights.values())) if self.weights else np.ones(1)
        return names, weights, member_slices(names)

    def _average(self, params: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The curve at sizes ``n`` for params (k,) or (B, k): shape (len(n),) or (B, len(n))."""
        names, weights, slices = self._members()
        # the largest measured size is evaluated too: beyond it the curve never falls
        x = np.append(n, self.n_current) / self.scale
        params = np.asarray(params, dtype=float)
        total = 0.0
        for name, weight, where in zip(names, weights, slices, strict=True):
            total = total + weight * predict(CURVE_MODELS[name], params[..., where], x)
        total, at_current = total[..., :-1], total[..., -1:]
        return np.where(n > self.n_current, np.maximum(total, at_current), total)

    def predict_score(self, n) -> np.ndarray:
        """Fitted curve in score space (higher is better, [0, 1]) at sizes ``n``."""
        n = np.atleast_1d(np.asarray(n, dtype=float))
        if self.model is None:
            return np.full(n.shape, np.nan)
        return self._average(self.scaled_params, n)

    def bootstrap_scores(self, n) -> np.ndarray:
        """Bootstrap curves in score space, shape (n_bootstrap requested, len(n))."""
        n = np.atleast_1d(np.asarray(n, dtype=float))
        n_rows = self.bootstrap_params.shape[0]
        values = np.full((n_rows, n.size), np.nan)
        if self.model is None or n_rows == 0:
            return values
        ok = np.isfinite(self.bootstrap_params).all(axis=1)
        if ok.any():
            values[ok] = self._average(self.bootstrap_params[ok], n)
        return values

    def prediction_interval(self, n) -> tuple[np.ndarray, np.ndarray]:
        """Ends (score space) of the prediction interval of a new fold mean at sizes ``n``.

        The wider, per side, of two intervals: the bootstrap's
        (:func:`~feasibility.fit.bootstrap._prediction_bounds`: the curve's sampling
        uncertainty and the noise of a new fold mean) and the calibrated one
        (:mod:`~feasibility.fit.extrapolation`: the error of extrapolating this far,
        learned on real learning curves, and the same noise). Inside the measured sizes
        the second is the noise alone. NaN when neither is available.
        """
        n = np.atleast_1d(np.asarray(n, dtype=float))
        point = self.predict_score(n)
        low, high = _prediction_bounds(
            point,
            self.bootstrap_scores(n),
            confidence=self.confidence,
            expansion=self.expansion,
            noise_halfwidth=self.noise_halfwidth,
        )
        if self.n_current and math.isfinite(self.error_scale):
            below, above = extrapolation_quantiles(n / self.n_current, self.confidence)
            calibrated_low = point - np.hypot(-below * self.error_scale, self.noise_halfwidth)
            calibrated_high = point + np.hypot(above * self.error_scale, self.noise_halfwidth)
            low = np.fmin(low, np.clip(calibrated_low, 0.0, 1.0))
            high = np.fmax(high, np.clip(calibrated_high, 0.0, 1.0))
        return low, high

    def predict(self, n) -> np.ndarray:
        """Fitted metric in its own units at sizes ``n``."""
        return self._to_metric(self.predict_score(n))

    def _to_metric(self, score):
        return score if self.higher_is_better else 1.0 - score

    def to_dict(self) -> dict:
        """Return a JSON-safe dict (see :meth:`CurveFits.to_dict`)."""
        return {
            "model": self.model,
            "formula": None if self.model is None else self._formula(),
            "params": {name: finite_float(value) for name, value in self.params.items()},
            "weights": {name: float(value) for name, value in self.weights.items()},
            "candidates": {name: finite_float(value) for name, value in self.candidates.items()},
            "backtest_error": finite_float(self.backtest_error),
            "error_scale": finite_float(self.error_scale),
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

    def _formula(self) -> str:
        names, weights, _ = self._members()
        if len(names) == 1:
            return CURVE_MODELS[names[0]].formula
        terms = " + ".join(
            f"{weight:.2f} {name}" for name, weight in zip(names, weights, strict=True)
        )
        return f"{terms}; never falling beyond the largest measured size"

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
        weights = {name: float(value) for name, value in data.get("weights", {}).items()}
        higher_is_better = metric not in LOSS_METRICS
        if model is None:
            scaled = np.zeros(0)
        else:
            names = list(weights) if weights else [model]
            scaled = np.array(
                [
                    params[_param_key(name, p, len(names))]
                    for name in names
                    for p in CURVE_MODELS[name].param_names
                ]
            )
        return cls(
            formulation=formulation,
            metric=metric,
            higher_is_better=higher_is_better,
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
            bootstrap_params=np.zeros((0, scaled.size)),
            notes=FitNote.from_dicts(data["notes"]),
            weights=weights,
            error_scale=float_or_nan(data.get("error_scale")),
            confidence=confidence,
        )


def _param_key(model: str, param: str, n_members: int) -> str:
    """Key of one parameter in ``CurveFit.params``: ``a``, or ``pow3.a`` in an average."""
    return param if n_members == 1 else f"{model}.{param}"


@dataclass(frozen=True, eq=False)
class Crossover:
    """Where ``first`` and ``second`` swap places on one metric, from the fitted curves."""

    first: str
    second: str
    metric: str
    n_current: int
    leader_at_current: str  # formulation name or TIE
    leader_at_limit: str  # at the horizon, CROSSOVER_RANGE x n_current
    status: CrossoverStatus  # "crossover", "none" or "not_estimable" (within the horizon)
    n: Interval  # first size after n_current where the leader changes; inf: none
    p_crossover: float  # share of bootstrap fits that cross within the horizon
    past_crossover_n: float  # last change of leader within the measured sizes (NaN: none)
    advantage_at_current: Interval  # first minus second in score space (positive: first better)
    advantage_at_limit: Interval
    reason: NotEstimable | None = None  # why "not_estimable"

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
            "reason": None if self.reason is None else str(self.reason),
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
            reason=None if data.get("reason") is None else NotEstimable(data["reason"]),
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
            "horizon": HORIZON,
            "max_span": MAX_SPAN,
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
