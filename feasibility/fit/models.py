"""The parametric learning-curve models: one registry, :data:`CURVE_MODELS`.

Every model is written in *score space* (higher is better, values in [0, 1]) as a
function of the scaled size ``x = n / scale``; ``unscale`` turns its fitted parameters
into the original units of ``formula`` (``n`` in samples). A new curve model goes here:
its formula, bounds, starting points and unscaling, plus its name in :data:`MODEL_NAMES`.

Examples
--------
>>> model = CURVE_MODELS["pow3"]
>>> model.formula, model.n_params
('a - b * n^(-c)', 3)
>>> round(float(predict(model, np.array([0.8, 0.2, 0.5]), np.array([4.0]))[0]), 6)
0.7
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["CURVE_MODELS", "DEFAULT_MODELS", "MODEL_NAMES", "CurveModel", "limit_score", "predict"]

#: Candidate models, in the order used to break ties (fewer parameters first).
MODEL_NAMES: tuple[str, ...] = ("log2", "pow3", "exp3", "pow4", "mmf4", "wbl4")
#: Members of the weighted average fitted by default (:mod:`feasibility.fit.average`). On
#: the developer half of LCDB (``benchmarks/lcdb.py --half 0``) this set extrapolated best
#: of the LCDB models; exp3 and log2 were the worst there, as in Mohr et al. (2022).
DEFAULT_MODELS: tuple[str, ...] = ("pow3", "pow4", "mmf4")


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
    return [
        np.array([a, rise * x[0] ** c, c]) for a in (top, min(1.0, top + 0.2)) for c in (0.3, 1.0)
    ]


def _starts_exp3(x, y):
    _, top, rise = _gap(y)
    return [np.array([top, rise * math.exp(c * x[0]), c]) for c in (2.0, 10.0)]


def _starts_log2(x, y):
    span = math.log(x[-1]) - math.log(x[0])
    slope = max((y[-1] - y[0]) / span, 1e-4) if span > 0 else 1e-4
    return [np.array([float(y[-1]) - slope * math.log(x[-1]), slope])]


def _starts_pow4(x, y):
    _, top, rise = _gap(y)
    return [
        np.array([a, rise * (x[0] + d) ** 0.5, 0.5, d])
        for a in (top, min(1.0, top + 0.2))
        for d in (0.0, float(x[0]))
    ]


def _starts_mmf4(x, y):
    first, top, _ = _gap(y)
    mid = float(x[len(x) // 2])
    return [np.array([first - 0.05, mid**d, top, d]) for d in (0.5, 1.0, 2.0)]


def _starts_wbl4(x, y):
    _, top, rise = _gap(y)
    return [np.array([a, rise * math.exp(a * x[0]), top, 1.0]) for a in (1.0, 5.0)]


CURVE_MODELS: dict[str, CurveModel] = {
    # LCDB pow3 (Mohr et al. 2022, table 2): a - b n^-c
    "pow3": CurveModel(
        "pow3",
        "a - b * n^(-c)",
        ("a", "b", "c"),
        lambda x, a, b, c: a - b * np.power(x, -c),
        (0.0, 0.0, 1e-3),
        (1.0, np.inf, 4.0),
        _starts_pow3,
        lambda p, s: np.array([p[0], p[1] * s ** p[2], p[2]]),
    ),
    # LCDB exp3 is a exp(-b n) + c; the same curve written as a rise to the asymptote a
    "exp3": CurveModel(
        "exp3",
        "a - b * exp(-c * n)",
        ("a", "b", "c"),
        lambda x, a, b, c: a - b * np.exp(-c * x),
        (0.0, 0.0, 1e-3),
        (1.0, np.inf, 200.0),
        _starts_exp3,
        lambda p, s: np.array([p[0], p[1], p[2] / s]),
    ),
    # LCDB log2 is -a log(n) + b for an error; for a score: a + b log(n)
    "log2": CurveModel(
        "log2",
        "a + b * log(n)",
        ("a", "b"),
        lambda x, a, b: a + b * np.log(x),
        (-2.0, 0.0),
        (2.0, 1.0),
        _starts_log2,
        lambda p, s: np.array([p[0] - p[1] * math.log(s), p[1]]),
    ),
    # LCDB pow4: pow3 with a shift d of the size, so the power law bends at small n
    "pow4": CurveModel(
        "pow4",
        "a - b * (n + d)^(-c)",
        ("a", "b", "c", "d"),
        lambda x, a, b, c, d: a - b * np.power(x + d, -c),
        (0.0, 0.0, 1e-3, 0.0),
        (1.0, np.inf, 4.0, np.inf),
        _starts_pow4,
        lambda p, s: np.array([p[0], p[1] * s ** p[2], p[2], p[3] * s]),
    ),
    # LCDB mmf4 (Morgan-Mercer-Flodin): (a b + c n^d) / (b + n^d); a at n=0, c the asymptote
    "mmf4": CurveModel(
        "mmf4",
        "(a * b + c * n^d) / (b + n^d)",
        ("a", "b", "c", "d"),
        lambda x, a, b, c, d: (a * b + c * np.power(x, d)) / (b + np.power(x, d)),
        (-1.0, 1e-9, 0.0, 1e-3),
        (1.0, np.inf, 1.0, 5.0),
        _starts_mmf4,
        lambda p, s: np.array([p[0], p[1] * s ** p[3], p[2], p[3]]),
    ),
    # LCDB wbl4 (Weibull): c - b exp(-a n^d)
    "wbl4": CurveModel(
        "wbl4",
        "c - b * exp(-a * n^d)",
        ("a", "b", "c", "d"),
        lambda x, a, b, c, d: c - b * np.exp(-a * np.power(x, d)),
        (1e-6, 0.0, 0.0, 1e-3),
        (np.inf, np.inf, 1.0, 5.0),
        _starts_wbl4,
        lambda p, s: np.array([p[0] * s ** (-p[3]), p[1], p[2], p[3]]),
    ),
    # LCDB last1: the last observed value, used only as a fallback (one measured size)
    "last1": CurveModel(
        "last1",
        "a",
        ("a",),
        lambda x, a: a + 0.0 * x,
        (0.0,),
        (1.0,),
        lambda x, y: [np.array([float(y[-1])])],
        lambda p, s: np.array([p[0]]),
    ),
}


def predict(model: CurveModel, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Evaluate ``model`` at scaled sizes ``x`` for params (k,) or (B, k); clipped to [0, 1]."""
    params = np.asarray(params, dtype=float)
    with np.errstate(all="ignore"):
        if params.ndim == 1:
            values = model.function(x, *params)
        else:
            values = model.function(
                x[None, :], *(params[:, j : j + 1] for j in range(params.shape[1]))
            )
    return np.clip(values, 0.0, 1.0)


def limit_score(model: str, scaled_params: np.ndarray) -> float:
    """Limit of the fitted curve as n -> infinity, in score space (clipped to [0, 1]).

    pow3 / exp3 / pow4: a; mmf4 / wbl4: c (every exponent is bounded above 0); log2 grows
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
