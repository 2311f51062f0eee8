"""The answers derived from a fitted curve: intervals, samples needed, slope and band.

Small result types with their JSON (``to_dict``) and back (``from_dict``); the fits
themselves are in :mod:`feasibility.fit.results`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._json import finite_float, finite_floats, float_or_nan, floats_or_nan
from .status import MEANINGFUL_GAIN, SEARCH_CAP, NeedStatus, NotEstimable, SlopeVerdict, TargetKind

__all__ = ["Band", "Interval", "SamplesNeeded", "Slope"]


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
    """Training size at which a curve reaches a target, when the data can tell.

    ``status`` (see :func:`~feasibility.fit.samples_needed` for how ``n`` is found):

    - ``"reached"``: the measured mean at the largest size meets the target, or the
      fitted curve reaches it by that size;
    - ``"reachable"``: beyond the largest size, with ``n`` and its interval within the
      horizon (``HORIZON`` x the largest size) and an interval spanning at most
      ``MAX_SPAN``;
    - ``"not_estimable"``: the data cannot tell; ``reason`` says why
      (``"beyond_horizon"``, ``"too_wide"``, ``"levels_off"``). ``n`` keeps the numbers,
      which are not to be stated;
    - ``"unknown"``: nothing to extrapolate from -- the curve is the constant fallback
      ``last1`` (one measured size, or no model converged) -- or it is undefined.

    ``target_kind`` ``"flattening"``: no user target; ``n`` is where a doubling of the
    data gains less than ``MEANINGFUL_GAIN`` and ``target`` the metric there.
    ``asymptote`` is the fitted metric at the horizon (the name is kept for the JSON).
    In ``to_dict`` an infinite end of ``n`` ("beyond the search cap") and an unknown one
    are both None; the flags ``*_beyond_cap`` tell them apart.
    """

    target: float  # in the metric's own units; NaN for "flattening" of an unknown curve
    target_kind: TargetKind  # "user" or "flattening"
    status: NeedStatus  # "reached", "reachable", "not_estimable" or "unknown"
    n: Interval  # inf: not reached by SEARCH_CAP; NaN: unknown
    p_reachable: float  # share of bootstrap fits that reach the target within the horizon
    asymptote: Interval  # the metric at the horizon (NaN when unknown)
    reason: NotEstimable | None = None  # why "not_estimable"

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
            "reason": None if self.reason is None else str(self.reason),
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
            reason=None if data.get("reason") is None else NotEstimable(data["reason"]),
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
