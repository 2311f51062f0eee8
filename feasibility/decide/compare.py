"""Each candidate against sigmoid, paired: fold by fold at a measured size, or on the fitted
curves' paired bootstrap beyond the data.

- At a measured size the scores of every run are paired (every formulation was trained and
  tested on the same splits) and tested across runs: by default the corrected resampled
  t-test of Nadeau & Bengio (2003), because cross-validation folds share training samples
  and the plain paired t-test then underestimates the variance of the mean difference. A
  difference with zero variance across runs counts as untestable, not significant.
- On the fitted curves (:mod:`feasibility.fit`) the bootstrap over runs resamples the same
  runs for every formulation, so the difference of two bootstrap curves at a size is a
  paired bootstrap distribution.

Everything here returns numbers and codes; the sentences are the report's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from .._stats import percentile_interval
from ..fit.status import HORIZON
from .codes import (
    Basis,
    EffectSizeKind,
    Note,
    NoteCode,
    PairedTest,
    Place,
    PlaceCode,
    Reason,
    Untestable,
    VerdictCode,
)
from .options import MIN_PAIRED_RUNS
from .results import Comparison

__all__ = [
    "POWER",
    "Plan",
    "min_detectable_difference",
    "overlap_factor",
    "paired_standard_error",
    "bootstrap_p",
    "extrapolated_comparison",
    "measured_comparison",
    "paired_test",
    "plan",
]


#: The power the minimum detectable difference is stated at.
POWER = 0.8


def _paired_runs(curves, formulations: list[str], metric: str, index: int) -> int:
    """Runs with a finite ``metric`` score for every formulation at size column ``index``."""
    paired = np.ones(curves.curves["sigmoid"].scores[metric].shape[0], bool)
    for name in formulations:
        paired &= np.isfinite(curves.curves[name].scores[metric][:, index])
    return int(paired.sum())


@dataclass(frozen=True)
class Plan:
    """Where one metric is compared: a measured size column or the fitted curves."""

    basis: Basis
    train_size: int
    index: int | None  # column of the measured sizes (measured basis only)
    place: Place  # where, for the headline
    note: Note | None = None


def plan(curves, fits, formulations: list[str], metric: str, target_n: int) -> Plan | Reason:
    """Choose the size and basis of the comparison, or return why nothing can be compared.

    Above the dataset's size the fitted curves are compared at ``target_n``, up to the
    horizon (``HORIZON`` x the largest training size); beyond it nothing is. Otherwise
    the scores measured at the largest training size at or below
    ``min(target_n, n_train_full)`` are compared; when a budget cut left fewer paired
    runs there than :data:`MIN_PAIRED_RUNS` (too few to decide), the fitted curves are
    compared at that bound instead (or, without fits, the largest size below it that has
    two paired runs).
    """
    n = int(curves.n_samples)
    largest = int(curves.n_train_full)
    if target_n > HORIZON * largest:
        # extrapolations that far were never validated: no verdict rests on one
        return Reason(
            VerdictCode.BEYOND_HORIZON,
            {"metric": metric, "train_size": target_n, "limit": int(HORIZON * largest)},
        )
    if target_n > n:
        return Plan(
            Basis.EXTRAPOLATED,
            target_n,
            None,
            Place(PlaceCode.EXTRAPOLATED_BEYOND, {"train_size": target_n, "n_samples": n}),
        )
    sizes = curves.curves["sigmoid"].train_sizes
    if any(not np.array_equal(curves.curves[name].train_sizes, sizes) for name in formulations):
        return Reason(VerdictCode.DIFFERENT_SIZES, {"metric": metric})
    bound = min(target_n, int(curves.n_train_full))
    eligible = np.flatnonzero(sizes <= bound)
    have_fits = fits is not None
    if eligible.size == 0:
        if have_fits:
            return Plan(
                Basis.EXTRAPOLATED,
                bound,
                None,
                Place(
                    PlaceCode.FITTED_BELOW_SMALLEST,
                    {"train_size": bound, "smallest": int(sizes[0])},
                ),
            )
        return Reason(VerdictCode.NO_SIZE, {"metric": metric, "bound": bound})

    def measured(index: int, note: Note | None = None) -> Plan:
        size = int(sizes[index])
        values = {"train_size": size, "n_samples": n}
        if target_n >= int(curves.n_train_full):
            if note is not None:
                code = PlaceCode.MEASURED_LARGEST_COMMON
            elif size == bound:
                code = PlaceCode.MEASURED_LARGEST_EVERY_FOLD
            else:
                code = PlaceCode.MEASURED_LARGEST
        elif size == target_n:
            code, values = PlaceCode.MEASURED_AT_TARGET, {"train_size": size}
        else:
            code, values = (
                PlaceCode.MEASURED_BELOW_TARGET,
                {"train_size": size, "target_n": target_n},
            )
        return Plan(Basis.MEASURED, size, index, Place(code, values), note)

    index = int(eligible[-1])
    paired = _paired_runs(curves, formulations, metric, index)
    n_runs = int(curves.curves["sigmoid"].scores[metric].shape[0])
    # A budget cut that left fewer paired runs than can decide: those runs could only ever
    # say "no detectable difference", while the fitted curves draw on every run.
    too_few = paired < min(MIN_PAIRED_RUNS, n_runs)
    if paired >= 2 and not (have_fits and too_few):
        return measured(index)
    size = int(sizes[index])
    if have_fits:
        cut = {"cut_size": size, "paired_runs": paired, "n_runs": n_runs}
        return Plan(
            Basis.EXTRAPOLATED,
            bound,
            None,
            Place(PlaceCode.FITTED_SIZE_CUT, {"train_size": bound, "n_samples": n, **cut}),
            note=Note(NoteCode.SIZE_CUT_FITTED, {"train_size": bound, **cut}),
        )
    for earlier in range(index - 1, -1, -1):
        if _paired_runs(curves, formulations, metric, earlier) >= 2:
            return measured(
                earlier,
                note=Note(
                    NoteCode.SIZE_CUT_EARLIER, {"cut_size": size, "train_size": int(sizes[earlier])}
                ),
            )
    return Reason(VerdictCode.NO_PAIRED_SIZE, {"metric": metric})


def paired_standard_error(
    differences: np.ndarray, *, test: str, train_size: int, test_size: float
) -> float:
    """Standard error of the mean paired difference under ``test``.

    The plain paired t-test: ``s / sqrt(J)``. The corrected resampled t-test (Nadeau &
    Bengio 2003, Mach. Learn. 52:239): ``s sqrt(1 / J + n_test / n_train)``, because
    cross-validation runs share training rows.

    Examples
    --------
    >>> d = np.array([0.1, 0.12, 0.08])
    >>> round(paired_standard_error(d, test="paired-t", train_size=80, test_size=20), 5)
    0.01155
    """
    n = differences.size
    sd = float(np.std(differences, ddof=1)) if n >= 2 else math.nan
    if test == PairedTest.PAIRED_T:
        return sd / math.sqrt(n)
    return sd * math.sqrt(1.0 / n + test_size / max(train_size, 1))


def paired_test(
    differences: np.ndarray, *, test: str, train_size: int, test_size: float, level: float
) -> tuple[float, float, tuple[float, float], bool]:
    """Mean difference, two-sided p-value, interval, and whether the test was possible.

    Zero variance across the runs (every run gave the same difference) leaves nothing
    to test against: p = 1 and no interval, rather than p = 0 and an infinite effect.

    Examples
    --------
    >>> mean, p, (low, high), testable = paired_test(
    ...     np.array([0.1, 0.12, 0.08]), test="paired-t", train_size=80, test_size=20, level=0.95)
    >>> round(mean, 3), round(p, 4), testable
    (0.1, 0.0131, True)
    """
    stats_w = DescrStatsW(differences)
    mean = float(stats_w.mean)
    n = differences.size
    sd = float(np.std(differences, ddof=1)) if n >= 2 else math.nan
    if not sd > 0.0:
        return mean, 1.0, (math.nan, math.nan), False
    if test == PairedTest.PAIRED_T:
        _, p_value, _ = stats_w.ttest_mean(0.0)
        low, high = stats_w.tconfint_mean(alpha=1.0 - level)
        return mean, float(p_value), (float(low), float(high)), True
    # Corrected resampled t-test: t on J - 1 df with the corrected standard error.
    se = paired_standard_error(differences, test=test, train_size=train_size, test_size=test_size)
    t_stat = mean / se
    p_value = float(2.0 * stats.t.sf(abs(t_stat), df=n - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, df=n - 1)) * se
    return mean, p_value, (mean - half, mean + half), True


def bootstrap_p(differences: np.ndarray) -> float:
    """Two-sided bootstrap p-value of "no difference": twice the smaller tail share at 0.

    Examples
    --------
    >>> bootstrap_p(np.array([0.1, 0.2, -0.1, 0.3]))
    0.5
    """
    below = float(np.mean(differences <= 0.0))
    above = float(np.mean(differences >= 0.0))
    return min(1.0, 2.0 * min(below, above))


@dataclass(frozen=True)
class Setting:
    """What every comparison of one metric shares."""

    metric: str
    sign: float  # -1 for a loss (lower is better), else +1
    level: float  # 1 - alpha / n_candidates (Bonferroni)
    n_candidates: int
    alpha: float
    head_bytes: dict[str, int]
    memory_budget: int


def _scores(curve, metric: str, plain: bool) -> np.ndarray:
    return (curve.scores_plain if plain else curve.scores)[metric]


def min_detectable_difference(se: float, df: float | None, alpha: float, power: float) -> float:
    """The smallest true difference a two-sided test at ``alpha`` detects with ``power``.

    ``(q(1 - alpha / 2) + q(power)) * se``, with Student-t quantiles on ``df`` degrees of
    freedom, or normal quantiles when ``df`` is None (the usual power formula; e.g.
    Cohen 1988, ch. 2).

    Examples
    --------
    >>> round(min_detectable_difference(0.01, None, 0.05, 0.8), 4)
    0.028
    >>> round(min_detectable_difference(0.01, 4, 0.05, 0.8), 4)
    0.0372
    """
    if not (math.isfinite(se) and se > 0):
        return math.nan
    if df is None:
        return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se)
    return float((stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)) * se)


def overlap_factor(n_runs: int, test_size: float, train_size: float) -> float:
    """How much the spread over cross-validation runs understates the spread of their mean.

    Nadeau & Bengio's (2003) correction: ``var = (1 / J + n_test / n_train) s^2`` instead
    of ``s^2 / J``, i.e. a factor ``sqrt(1 + J n_test / n_train)`` on the standard error.
    """
    return math.sqrt(1.0 + n_runs * test_size / max(train_size, 1.0))


def _test_size(curves) -> float:
    folds = int(curves.options.get("folds", 0) or 0)
    return curves.n_samples / folds if folds >= 2 else curves.n_samples - curves.n_train_full


def measured_comparison(
    curves, candidate: str, plan_: Plan, setting: Setting, *, test: str, plain: bool = False
) -> tuple[Comparison, Note | None]:
    """Compare ``candidate`` with sigmoid on the scores measured at ``plan_``'s size
    (``plain``: on the scores of the plain decoding, 0.5 / argmax)."""
    metric, index = setting.metric, plan_.index
    sig = _scores(curves.curves["sigmoid"], metric, plain)[:, index]
    cand = _scores(curves.curves[candidate], metric, plain)[:, index]
    paired = np.isfinite(sig) & np.isfinite(cand)
    diffs = cand[paired] - sig[paired]
    test_size = _test_size(curves)
    train_size = int(curves.curves["sigmoid"].train_sizes[index])
    _, p_value, interval, testable = paired_test(
        diffs, test=test, train_size=train_size, test_size=test_size, level=setting.level
    )
    n_runs = int(paired.sum())
    mean = float(np.mean(diffs))
    note = None
    if testable:
        effect = setting.sign * mean / float(np.std(diffs, ddof=1))
        untestable = Untestable.NONE
    else:
        effect, untestable = None, Untestable.EQUAL_RUNS
        note = Note(
            NoteCode.UNTESTABLE,
            {
                "metric": metric,
                "candidate": candidate,
                "train_size": plan_.train_size,
                "untestable": untestable,
                "n_runs": n_runs,
                "difference": mean,
            },
        )
    p_adjusted = min(1.0, p_value * setting.n_candidates)
    mde = math.nan
    if testable:
        se = paired_standard_error(diffs, test=test, train_size=train_size, test_size=test_size)
        mde = min_detectable_difference(se, n_runs - 1, 1.0 - setting.level, POWER)
    comparison = Comparison(
        candidate=candidate,
        metric=metric,
        basis=Basis.MEASURED,
        train_size=plan_.train_size,
        test=PairedTest(test),
        n_runs=n_runs,
        candidate_score=float(np.mean(cand[paired])),
        sigmoid_score=float(np.mean(sig[paired])),
        difference=mean,
        advantage=setting.sign * mean,
        interval=interval,
        confidence=setting.level,
        p_value=p_value,
        p_value_adjusted=p_adjusted,
        effect_size=effect,
        effect_size_kind=EffectSizeKind.RUN_SD,
        significant=testable and p_adjusted <= setting.alpha,
        fits_memory_budget=setting.head_bytes[candidate] <= setting.memory_budget,
        head_bytes=setting.head_bytes[candidate],
        n_source_runs=n_runs,
        untestable=untestable,
        min_detectable_difference=mde,
    )
    return comparison, note


def extrapolated_comparison(
    curves, fits, candidate: str, size: int, setting: Setting
) -> tuple[Comparison | None, Note | None]:
    """Compare ``candidate`` with sigmoid on the fitted curves at ``size`` (paired bootstrap);
    None (and a note) when either has no fitted curve."""
    metric, sign, level = setting.metric, setting.sign, setting.level
    sig_fit = fits.fits.get("sigmoid", {}).get(metric) if fits is not None else None
    cand_fit = fits.fits.get(candidate, {}).get(metric) if fits is not None else None
    if sig_fit is None or cand_fit is None or sig_fit.model is None or cand_fit.model is None:
        return None, Note(
            NoteCode.NO_FITTED_CURVE, {"metric": metric, "candidate": candidate, "train_size": size}
        )
    point = float(cand_fit.predict_score([size])[0] - sig_fit.predict_score([size])[0])
    boot = cand_fit.bootstrap_scores([size])[:, 0] - sig_fit.bootstrap_scores([size])[:, 0]
    boot = boot[np.isfinite(boot)]  # score space: positive = candidate better
    # the runs the two bootstraps resampled: those with any score of both curves
    sig_rows = np.isfinite(curves.curves["sigmoid"].scores[metric]).any(axis=1)
    cand_rows = np.isfinite(curves.curves[candidate].scores[metric]).any(axis=1)
    untestable, note = Untestable.NONE, None
    effect: float | None
    mde = math.nan
    if boot.size >= 2 and float(np.std(boot, ddof=1)) > 0:
        # The runs overlap in their training rows, so the bootstrap over runs is too
        # narrow: widen it around its centre by the same factor as the measured test, and
        # take the interval and the p-value from that one distribution (so they agree).
        n_source = int((sig_rows & cand_rows).sum())
        factor = overlap_factor(n_source, _test_size(curves), curves.n_train_full)
        centre = float(np.mean(boot))
        boot = point + (boot - centre) * factor
        low, high = percentile_interval(boot, level)
        p_value = bootstrap_p(boot)
        sd_boot = float(np.std(boot, ddof=1))
        effect = point / sd_boot
        mde = min_detectable_difference(sd_boot, None, 1.0 - level, POWER)
    else:
        low = high = math.nan
        p_value, effect = (1.0, None) if boot.size >= 2 else (math.nan, None)
        if boot.size >= 2:
            untestable = Untestable.EQUAL_BOOTSTRAP
            note = Note(
                NoteCode.UNTESTABLE,
                {
                    "metric": metric,
                    "candidate": candidate,
                    "train_size": size,
                    "untestable": untestable,
                    "n_runs": int(boot.size),
                    "difference": sign * point,
                },
            )
    # Back to the metric's units: a loss flips the sign and swaps the ends.
    interval = (
        (sign * float(low), sign * float(high))
        if sign > 0
        else (sign * float(high), sign * float(low))
    )
    p_adjusted = min(1.0, p_value * setting.n_candidates) if math.isfinite(p_value) else math.nan
    comparison = Comparison(
        candidate=candidate,
        metric=metric,
        basis=Basis.EXTRAPOLATED,
        train_size=int(size),
        test=PairedTest.BOOTSTRAP,
        n_runs=int(boot.size),
        candidate_score=float(cand_fit.predict([size])[0]),
        sigmoid_score=float(sig_fit.predict([size])[0]),
        difference=sign * point,
        advantage=point,
        interval=interval,
        confidence=level,
        p_value=p_value,
        p_value_adjusted=p_adjusted,
        effect_size=effect,
        effect_size_kind=EffectSizeKind.BOOTSTRAP_SD,
        significant=bool(
            not untestable and math.isfinite(p_adjusted) and p_adjusted <= setting.alpha
        ),
        fits_memory_budget=setting.head_bytes[candidate] <= setting.memory_budget,
        head_bytes=setting.head_bytes[candidate],
        n_source_runs=int((sig_rows & cand_rows).sum()),
        untestable=untestable,
        min_detectable_difference=mde,
    )
    return comparison, note
