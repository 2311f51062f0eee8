"""The decision and the pre-modelling checklist: :func:`recommend` and :func:`build_checklist`.

Sigmoid (one sigmoid output per label) is the default; a powerset softmax over label
combinations has to earn its place. For every metric the learning curves are compared
fold by fold (paired, because every formulation was trained and tested on the same
splits) at the target training size:

- at the dataset's own size, with the scores measured at the largest training size and a
  paired t-test across runs (at least 3 runs, and a difference with zero variance across
  runs counts as untestable, not significant); by default the corrected resampled t-test of Nadeau &
  Bengio (2003), because cross-validation folds share training samples and the plain
  paired t-test then underestimates the variance of the mean difference;
- at a larger target size, with the fitted curves of :mod:`feasibility.fit`: the
  bootstrap over runs resamples the same runs for every formulation, so the difference
  of the two bootstrap curves at the target size is a paired bootstrap distribution.

A powerset (or pruned powerset) is recommended only when it is significantly better
(Bonferroni over the candidates compared) and its output layer fits the memory budget.
When no comparison is significant the verdict is "too close to call", with the interval,
and sigmoid stays. The checklist explains and warns; it never overrules the curves.

Every number comes from the results of :func:`feasibility.profile.profile`,
:func:`feasibility.curves.learning_curves` and :func:`feasibility.fit.fit_curves`, and
from the dataset itself (duplicate feature rows).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from ._json import fields_dict
from .dataset import MultilabelDataset, require_dataset
from .errors import FeasibilityWarning, invalid_parameter, wrong_input
from .profile import human_bytes
from .vocab import FORMULATIONS, LOSS_METRICS, METRICS

__all__ = [
    "CANDIDATES",
    "CheckItem",
    "Checklist",
    "Comparison",
    "DuplicateRows",
    "HeadRow",
    "MetricVerdict",
    "Recommendation",
    "TESTS",
    "build_checklist",
    "conflicting_duplicates",
    "recommend",
]

#: Formulations that must beat sigmoid to be recommended.
CANDIDATES: tuple[str, ...] = ("powerset", "pruned-powerset")
#: Paired tests across runs at the dataset's size (``test=`` option of :func:`recommend`).
TESTS: tuple[str, ...] = ("corrected-t", "paired-t")
_TEST_NAMES = {
    "corrected-t": "corrected resampled paired t-test (Nadeau & Bengio 2003)",
    "paired-t": "paired t-test",
    "bootstrap": "paired bootstrap of the fitted curves",
}

# ---- checklist thresholds: generic, from the literature or plain arithmetic, never tuned
#: A sigmoid needs at least this many positives of its label to be estimated at all
#: (the usual events-per-variable floor for one intercept plus a little signal).
MIN_POSITIVES = 10
#: ... and the checklist fails when more than this share of the labels are below it.
MOST_LABELS_SHARE = 0.5
#: Labelsets seen fewer than this many times are "rare" for a powerset class.
RARE_LABELSET_COUNT = 5
#: Share of samples in rare labelsets above which a powerset is data-starved (warn / fail).
RARE_SHARE_WARN = 0.10
RARE_SHARE_FAIL = 0.50
#: Good-Turing unseen-labelset mass (share of new samples with a combination never seen)
#: above which the powerset's blind spot matters (warn / fail).
UNSEEN_MASS_WARN = 0.05
UNSEEN_MASS_FAIL = 0.20
#: MeanIR above 1.5: the label set is imbalanced (Charte et al. 2015, "Addressing
#: imbalance in multilabel classification", Neurocomputing 163).
MEAN_IR_IMBALANCED = 1.5
#: SCUMBLE above 0.1: rare and frequent labels concur in the same samples, which makes
#: resampling hard (Charte et al. 2019, "Dealing with difficult minority labels in
#: imbalanced multilabel data sets", Neurocomputing 326).
SCUMBLE_HARD = 0.1
#: Share of samples in groups of identical feature rows with different labelsets
#: above which the label noise caps every model (fail; any such sample warns).
CONFLICT_SHARE_FAIL = 0.10
#: Default memory budget for the powerset output layer (float32 weights and biases).
DEFAULT_MEMORY_BUDGET = 2**30
#: Paired runs a comparison needs before a significant difference may decide the verdict:
#: with two runs the sd of the differences rests on one degree of freedom.
MIN_PAIRED_RUNS = 3

STATUSES: tuple[str, ...] = ("pass", "warn", "fail")
_FORMULATION_TITLES = {
    "sigmoid": "sigmoid",
    "powerset": "powerset",
    "pruned-powerset": "pruned-powerset",
    "full-powerset": "full 2^L powerset",
}


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------




@dataclass(frozen=True)
class Comparison:
    """One candidate formulation against sigmoid on one metric at one training size.

    ``difference`` is candidate minus sigmoid in the metric's own units (for
    ``hamming_loss`` a negative difference means the candidate is better); ``advantage``
    and ``effect_size`` carry the sign that makes positive mean "candidate better".
    """

    candidate: str
    metric: str
    basis: str  # "measured" or "extrapolated"
    train_size: int  # training size at which the two were compared
    test: str  # human name of the test
    n_runs: int  # paired runs (measured) or successful bootstrap pairs (extrapolated)
    candidate_score: float
    sigmoid_score: float
    difference: float
    advantage: float
    interval: tuple[float, float]  # of ``difference``, at ``confidence``
    confidence: float  # 1 - alpha / n_compared (Bonferroni)
    p_value: float  # unadjusted two-sided p-value
    p_value_adjusted: float  # Bonferroni over the candidates compared on this metric
    effect_size: float | None  # mean difference / sd of the differences (sign of ``advantage``)
    effect_size_kind: str
    significant: bool  # p_value_adjusted <= alpha
    fits_memory_budget: bool
    head_bytes: int  # float32 bytes of the candidate's output layer
    # runs behind the comparison: the paired runs (measured) or the runs the fitted
    # curves were bootstrapped over (extrapolated); fewer than MIN_PAIRED_RUNS never decide
    n_source_runs: int = 0
    # why the difference could not be tested ("" when it was): e.g. zero variance
    untestable: str = ""

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)

    @property
    def decisive(self) -> bool:
        """Significant, and backed by at least :data:`MIN_PAIRED_RUNS` runs."""
        return self.significant and self.n_source_runs >= MIN_PAIRED_RUNS


#: Fields of the deciding :class:`Comparison` that a metric's verdict repeats at top level.
_DECIDING_KEYS = (
    "candidate", "basis", "train_size", "test", "p_value", "p_value_adjusted", "difference",
    "interval", "confidence", "effect_size", "sigmoid_score", "candidate_score",
)


@dataclass(frozen=True)
class MetricVerdict:
    """The verdict on one metric and the comparison that decided it."""

    metric: str
    formulation: str
    too_close_to_call: bool
    lower_is_better: bool
    deciding: Comparison | None  # None when no candidate could be compared
    comparisons: dict[str, Comparison]  # candidate -> comparison
    reason: str
    # where the comparison was made, as a phrase: "measured at 468 training samples (...)"
    compared_at: str = ""

    def to_dict(self) -> dict:
        """Return ``{"formulation", "too_close_to_call", "p_value", "difference",
        "interval", "test", "effect_size", ...}`` (the deciding comparison flattened)."""
        deciding = self.deciding.to_dict() if self.deciding is not None else {"interval": [None, None]}
        return {
            "formulation": self.formulation,
            "too_close_to_call": bool(self.too_close_to_call),
            "lower_is_better": bool(self.lower_is_better),
            **{key: deciding.get(key) for key in _DECIDING_KEYS},
            "comparisons": {name: c.to_dict() for name, c in self.comparisons.items()},
            "reason": self.reason,
            "compared_at": self.compared_at,
        }


@dataclass(frozen=True)
class HeadRow:
    """One row of the head-size table: an output layer and what it would cost."""

    formulation: str  # sigmoid, powerset, pruned-powerset or full-powerset
    title: str
    n_outputs: int
    n_params: int  # exact, may exceed 2^63 for the full powerset
    float32_bytes: int
    float32_bytes_human: str
    samples_per_param: float
    fits_memory_budget: bool
    samples_needed: dict | None  # headline metric, from the fits (fits' to_dict form)

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


@dataclass(frozen=True)
class Recommendation:
    """Result of :func:`recommend`: the formulation to train and why."""

    metric: str
    formulation: str
    too_close_to_call: bool
    target_n: int  # the size the decision was asked for
    basis: str  # "measured" or "extrapolated": how the headline metric was compared
    reasons: tuple[str, ...]
    per_metric: dict[str, MetricVerdict]
    head_table: tuple[HeadRow, ...]
    memory_budget: int
    alpha: float
    test: str  # option value: "corrected-t" or "paired-t"
    notes: tuple[str, ...] = field(default_factory=tuple)
    # training size at which the headline metric was actually compared (None: not compared)
    train_size: int | None = None
    # that size as a phrase for the headline: "measured at 468 training samples (...)"
    compared_at: str = ""

    def to_dict(self) -> dict:
        """Return the JSON-safe dict.

        ``{"metric", "formulation", "too_close_to_call", "target_n", "train_size",
        "compared_at", "basis", "reasons":
        [...], "per_metric": {METRIC: {"formulation", "too_close_to_call", "p_value",
        "p_value_adjusted", "difference", "interval": [lo, hi], "confidence", "test",
        "effect_size", "candidate", "basis", "train_size", "sigmoid_score",
        "candidate_score", "lower_is_better", "comparisons": {CANDIDATE: {...}},
        "reason", "compared_at"}}, "head_table": [{"formulation", "title", "n_outputs", "n_params",
        "float32_bytes", "float32_bytes_human", "samples_per_param",
        "fits_memory_budget", "samples_needed"}], "memory_budget",
        "memory_budget_human", "alpha", "test", "notes"}``.
        """
        return {
            "metric": self.metric,
            "formulation": self.formulation,
            "too_close_to_call": bool(self.too_close_to_call),
            "target_n": int(self.target_n),
            "train_size": None if self.train_size is None else int(self.train_size),
            "compared_at": self.compared_at,
            "basis": self.basis,
            "reasons": list(self.reasons),
            "per_metric": {m: v.to_dict() for m, v in self.per_metric.items()},
            "head_table": [row.to_dict() for row in self.head_table],
            "memory_budget": int(self.memory_budget),
            "memory_budget_human": human_bytes(self.memory_budget),
            "alpha": float(self.alpha),
            "test": self.test,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class CheckItem:
    """One checklist item: a measured value against a documented threshold."""

    id: str
    title: str
    status: str  # "pass", "warn" or "fail"
    value: float | None
    value_text: str
    threshold: str
    explanation: str
    concerns: str  # "sigmoid", "powerset", "both" or "data"

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


@dataclass(frozen=True)
class Checklist:
    """Result of :func:`build_checklist`."""

    items: tuple[CheckItem, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """The worst status of any item ("pass" when empty)."""
        worst = max((STATUSES.index(item.status) for item in self.items), default=0)
        return STATUSES[worst]

    @property
    def failed(self) -> bool:
        """Whether any item failed (``feasibility check`` exits with 1)."""
        return self.status == "fail"

    def item(self, item_id: str) -> CheckItem:
        """Return the item with this id (KeyError when absent)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def to_dict(self) -> dict:
        """Return ``{"status", "counts": {"pass", "warn", "fail"}, "items": [...], "notes"}``."""
        counts = {status: 0 for status in STATUSES}
        for item in self.items:
            counts[item.status] += 1
        return {
            "status": self.status,
            "counts": counts,
            "items": [item.to_dict() for item in self.items],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class DuplicateRows:
    """Groups of identical feature rows, and those whose labelsets disagree."""

    n_duplicate_groups: int  # groups of >= 2 identical feature rows
    n_duplicate_samples: int  # samples in those groups
    n_conflicting_groups: int  # groups whose rows carry more than one labelset
    n_conflicting_samples: int
    share_conflicting: float  # n_conflicting_samples / n_samples
    examples: tuple[tuple[int, ...], ...]  # row indices of up to 5 conflicting groups

    def to_dict(self) -> dict:
        """Return a JSON-safe dict of the fields."""
        return fields_dict(self)


# --------------------------------------------------------------------------------------
# Formatting helpers for the reason sentences
# --------------------------------------------------------------------------------------


def _pct(share: float) -> str:
    if share is None or not math.isfinite(share):
        return "n/a"
    if 0 < share < 0.01:
        return f"{100 * share:.1f}%"
    return f"{100 * share:.0f}%"


def _num(value: float, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}f}"


def _signed(value: float, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:+.{digits}f}"


def _count(value: float) -> str:
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{int(round(float(value))):,}"


def _p(value: float) -> str:
    """``"= 0.123"`` or ``"< 0.001"``, to follow a "p"."""
    if value is None or not math.isfinite(value):
        return "= n/a"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


# --------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------


def _paired_runs(curves, formulations: list[str], metric: str, index: int) -> int:
    """Runs with a finite ``metric`` score for every formulation at size column ``index``."""
    paired = np.ones(curves.curves["sigmoid"].scores[metric].shape[0], bool)
    for name in formulations:
        paired &= np.isfinite(curves.curves[name].scores[metric][:, index])
    return int(paired.sum())


@dataclass(frozen=True)
class _Plan:
    """Where one metric is compared: a measured size column or the fitted curves."""

    basis: str  # "measured" or "extrapolated"
    train_size: int
    index: int | None  # column of the measured sizes (measured basis only)
    compared_at: str  # phrase for the headline
    note: str = ""


def _plan(curves, fits, formulations: list[str], metric: str, target_n: int) -> _Plan | str:
    """Choose the size and basis of the comparison, or return why nothing can be compared.

    Above the dataset's size the fitted curves are compared at ``target_n``. Otherwise
    the scores measured at the largest training size at or below
    ``min(target_n, n_train_full)`` are compared; when that size was not run for every
    formulation (a budget cut), the fitted curves are compared at that bound instead
    (or, without fits, the largest size below it that has paired runs).
    """
    n = int(curves.n_samples)
    if target_n > n:
        return _Plan(
            "extrapolated", target_n, None,
            f"extrapolated to {target_n:,} training samples from the fitted curves "
            f"(the dataset has {n:,})",
        )
    sizes = curves.curves["sigmoid"].train_sizes
    if any(not np.array_equal(curves.curves[name].train_sizes, sizes) for name in formulations):
        return "the formulations were measured at different training sizes"
    bound = min(target_n, int(curves.n_train_full))
    eligible = np.flatnonzero(sizes <= bound)
    have_fits = fits is not None
    if eligible.size == 0:
        if have_fits:
            return _Plan(
                "extrapolated", bound, None,
                f"read from the fitted curves at {bound:,} training samples (below the smallest "
                f"measured size, {int(sizes[0]):,})",
            )
        return f"no training size at or below {bound:,} was measured and no fitted curves were given"

    def measured(index: int, note: str = "") -> _Plan:
        size = int(sizes[index])
        if target_n >= int(curves.n_train_full):
            if note:
                why = "the largest size every formulation reached"
            elif size == bound:
                why = "the largest every fold reached"
            else:
                why = "the largest size measured"
            text = f"measured at {size:,} training samples ({why}; the dataset has {n:,})"
        elif size == target_n:
            text = f"measured at {size:,} training samples"
        else:
            text = (
                f"measured at {size:,} training samples (the largest measured size at or below "
                f"the target {target_n:,})"
            )
        return _Plan("measured", size, index, text, note)

    index = int(eligible[-1])
    if _paired_runs(curves, formulations, metric, index) >= 2:
        return measured(index)
    size = int(sizes[index])
    if have_fits:
        return _Plan(
            "extrapolated", bound, None,
            f"read from the fitted curves at {bound:,} training samples (not every formulation was "
            f"measured at {size:,}; the dataset has {n:,})",
            note=(
                f"The training size {size:,} was not run for every formulation (cut by the time "
                f"budget), so the formulations were compared on their fitted curves at {bound:,} "
                "training samples instead of on measured scores."
            ),
        )
    for earlier in range(index - 1, -1, -1):
        if _paired_runs(curves, formulations, metric, earlier) >= 2:
            return measured(earlier, note=(
                f"The training size {size:,} was not run for every formulation (cut by the time "
                f"budget) and no fitted curves were given, so the formulations were compared at "
                f"{int(sizes[earlier]):,}, the largest size every one of them reached."
            ))
    return "no training size has at least 2 runs of every formulation"


def _paired_test(
    differences: np.ndarray, *, test: str, train_size: int, test_size: float, level: float
) -> tuple[float, float, tuple[float, float], bool]:
    """Mean difference, two-sided p-value, interval, and whether the test was possible.

    Zero variance across the runs (every run gave the same difference) leaves nothing
    to test against: p = 1 and no interval, rather than p = 0 and an infinite effect.
    """
    stats_w = DescrStatsW(differences)
    mean = float(stats_w.mean)
    n = differences.size
    sd = float(np.std(differences, ddof=1)) if n >= 2 else math.nan
    if not sd > 0.0:
        return mean, 1.0, (math.nan, math.nan), False
    if test == "paired-t":
        _, p_value, _ = stats_w.ttest_mean(0.0)
        low, high = stats_w.tconfint_mean(alpha=1.0 - level)
        return mean, float(p_value), (float(low), float(high)), True
    # Corrected resampled t-test (Nadeau & Bengio 2003, Mach. Learn. 52:239):
    # var(mean) = (1 / J + n_test / n_train) s^2 with J runs, t on J - 1 df.
    se = sd * math.sqrt(1.0 / n + test_size / max(train_size, 1))
    t_stat = mean / se
    p_value = float(2.0 * stats.t.sf(abs(t_stat), df=n - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, df=n - 1)) * se
    return mean, p_value, (mean - half, mean + half), True


def _measured_comparison(
    curves, candidate: str, metric: str, index: int, *, test: str, level: float
) -> tuple[np.ndarray, float, float, float, tuple[float, float], int, bool]:
    sig = curves.curves["sigmoid"].scores[metric][:, index]
    cand = curves.curves[candidate].scores[metric][:, index]
    paired = np.isfinite(sig) & np.isfinite(cand)
    differences = cand[paired] - sig[paired]
    folds = int(curves.options.get("folds", 0) or 0)
    test_size = curves.n_samples / folds if folds >= 2 else curves.n_samples - curves.n_train_full
    train_size = int(curves.curves["sigmoid"].train_sizes[index])
    mean, p_value, interval, testable = _paired_test(
        differences, test=test, train_size=train_size, test_size=test_size, level=level
    )
    return (
        differences, float(np.mean(cand[paired])), float(np.mean(sig[paired])), p_value, interval,
        int(paired.sum()), testable,
    )


def _bootstrap_p(differences: np.ndarray) -> float:
    """Two-sided bootstrap p-value of "no difference": twice the smaller tail share at 0."""
    below = float(np.mean(differences <= 0.0))
    above = float(np.mean(differences >= 0.0))
    return min(1.0, 2.0 * min(below, above))


# --------------------------------------------------------------------------------------
# Heads and memory
# --------------------------------------------------------------------------------------


def _prune_min_count(curves) -> int:
    value = curves.options.get("prune_min_count", 2) if curves is not None else 2
    return int(value) if value else 2


def _pruned_head(profile, min_count: int) -> tuple[int, int]:
    """(outputs, params) of the pruned-powerset head at Read's p = min_count."""
    for level in profile.pruning:
        if level.min_count == min_count:
            return level.n_labelsets, level.n_params
    n_kept = int(np.count_nonzero(profile.labelsets.counts >= min_count))
    d = profile.heads.hidden
    return n_kept, d * n_kept + n_kept  # dense layer: weights plus biases


def _head_bytes(profile, curves) -> dict[str, int]:
    outputs, params = _pruned_head(profile, _prune_min_count(curves))
    return {
        "sigmoid": profile.heads.sigmoid.float32_bytes,
        "powerset": profile.heads.powerset.float32_bytes,
        "pruned-powerset": 4 * params,
    }


def _head_table(profile, curves, fits, metric: str, memory_budget: int) -> tuple[HeadRow, ...]:
    heads = profile.heads
    n = profile.n_samples
    outputs, params = _pruned_head(profile, _prune_min_count(curves))

    def needed(formulation: str) -> dict | None:
        if fits is None:
            return None
        fit = fits.fits.get(formulation, {}).get(metric)
        if fit is None or fit.samples_needed is None:
            return None
        return fit.samples_needed.to_dict()

    rows = []
    for name, head in (
        ("sigmoid", heads.sigmoid),
        ("powerset", heads.powerset),
        ("full-powerset", heads.full_powerset),
    ):
        rows.append(
            HeadRow(
                formulation=name,
                title=_FORMULATION_TITLES[name],
                n_outputs=head.n_outputs,
                n_params=head.n_params,
                float32_bytes=head.float32_bytes,
                float32_bytes_human=head.float32_bytes_human,
                samples_per_param=head.samples_per_param,
                fits_memory_budget=head.float32_bytes <= memory_budget,
                samples_needed=None if name == "full-powerset" else needed(name),
            )
        )
    rows.insert(
        2,
        HeadRow(
            formulation="pruned-powerset",
            title=f"pruned-powerset (labelsets seen >= {_prune_min_count(curves)} times)",
            n_outputs=outputs,
            n_params=params,
            float32_bytes=4 * params,
            float32_bytes_human=human_bytes(4 * params),
            samples_per_param=n / params if params else math.inf,
            fits_memory_budget=4 * params <= memory_budget,
            samples_needed=needed("pruned-powerset"),
        ),
    )
    return tuple(rows)


# --------------------------------------------------------------------------------------
# The decision
# --------------------------------------------------------------------------------------


def _compare_metric(
    profile, curves, fits, metric: str, *, target_n: int, test: str, alpha: float,
    head_bytes: dict[str, int], memory_budget: int, notes: list[str],
) -> MetricVerdict:
    lower_is_better = metric in LOSS_METRICS
    sign = -1.0 if lower_is_better else 1.0

    def stays(reason: str, *, close: bool, compared_at: str = "") -> MetricVerdict:
        return MetricVerdict(
            metric=metric, formulation="sigmoid", too_close_to_call=close,
            lower_is_better=lower_is_better, deciding=None, comparisons={}, reason=reason,
            compared_at=compared_at,
        )

    if "sigmoid" not in curves.curves or metric not in curves.curves["sigmoid"].scores:
        measured = ", ".join(name for name in curves.curves if metric in curves.curves[name].scores)
        return stays(
            f"No sigmoid curve was measured for {metric} (measured: {measured or 'none'}), so "
            "nothing could be compared with the default; sigmoid stays the recommendation, "
            "untested on this data. Measure sigmoid too (--formulations "
            "sigmoid,powerset,pruned-powerset) to compare.",
            close=False,
        )
    available = [
        c for c in CANDIDATES
        if c in curves.curves and metric in curves.curves[c].scores
    ]
    if not available:
        return stays(
            f"No powerset or pruned-powerset curve was measured for {metric}, so sigmoid (the default) stays.",
            close=False,
        )
    level = 1.0 - alpha / len(available)  # Bonferroni over the candidates compared
    plan = _plan(curves, fits, ["sigmoid", *available], metric, target_n)
    if isinstance(plan, str):
        return stays(f"Nothing could be compared on {metric}: {plan}; sigmoid (the default) stays.", close=True)
    if plan.note:
        notes.append(plan.note)
    comparisons: dict[str, Comparison] = {}
    if plan.basis == "measured":
        for candidate in available:
            diffs, cand_score, sig_score, p_value, interval, n_runs, testable = _measured_comparison(
                curves, candidate, metric, plan.index, test=test, level=level
            )
            mean = float(np.mean(diffs))
            untestable = ""
            if testable:
                effect = sign * mean / float(np.std(diffs, ddof=1))
            else:
                effect = None
                untestable = (
                    f"every one of the {n_runs} paired runs gave the same difference "
                    f"({_signed(mean)}), so there is no variance to test it against"
                )
                notes.append(
                    f"{metric}: {candidate} vs sigmoid at {plan.train_size:,} training samples: "
                    f"{untestable}; the difference is treated as not significant."
                )
            p_adjusted = min(1.0, p_value * len(available))
            comparisons[candidate] = Comparison(
                candidate=candidate, metric=metric, basis="measured", train_size=plan.train_size,
                test=_TEST_NAMES[test], n_runs=n_runs, candidate_score=cand_score,
                sigmoid_score=sig_score, difference=mean, advantage=sign * mean,
                interval=interval, confidence=level, p_value=p_value,
                p_value_adjusted=p_adjusted,
                effect_size=effect,
                effect_size_kind="mean difference / sd of the run differences (Cohen's d_z)",
                significant=testable and p_adjusted <= alpha,
                fits_memory_budget=head_bytes[candidate] <= memory_budget,
                head_bytes=head_bytes[candidate],
                n_source_runs=n_runs,
                untestable=untestable,
            )
    else:
        size = plan.train_size
        for candidate in available:
            sig_fit = fits.fits.get("sigmoid", {}).get(metric) if fits is not None else None
            cand_fit = fits.fits.get(candidate, {}).get(metric) if fits is not None else None
            if sig_fit is None or cand_fit is None or sig_fit.model is None or cand_fit.model is None:
                notes.append(f"{metric}: no fitted curve for {candidate} or sigmoid; not compared at {size:,}.")
                continue
            point = float(cand_fit.predict_score([size])[0] - sig_fit.predict_score([size])[0])
            boot = cand_fit.bootstrap_scores([size])[:, 0] - sig_fit.bootstrap_scores([size])[:, 0]
            boot = boot[np.isfinite(boot)]  # score space: positive = candidate better
            cand_score = float(cand_fit.predict([size])[0])
            sig_score = float(sig_fit.predict([size])[0])
            # the runs the two bootstraps resampled: those with any score of both curves
            sig_rows = np.isfinite(curves.curves["sigmoid"].scores[metric]).any(axis=1)
            cand_rows = np.isfinite(curves.curves[candidate].scores[metric]).any(axis=1)
            n_source = int((sig_rows & cand_rows).sum())
            untestable = ""
            effect: float | None
            if boot.size >= 2 and float(np.std(boot, ddof=1)) > 0:
                tail = 100.0 * (1.0 - level) / 2.0
                low, high = np.percentile(boot, [tail, 100.0 - tail])
                p_value = _bootstrap_p(boot)
                effect = point / float(np.std(boot, ddof=1))
            else:
                low = high = math.nan
                p_value, effect = (1.0, None) if boot.size >= 2 else (math.nan, None)
                if boot.size >= 2:
                    untestable = (
                        "every bootstrap refit gave the same difference, so there is no "
                        "variance to test it against"
                    )
                    notes.append(
                        f"{metric}: {candidate} vs sigmoid at {size:,} training samples: "
                        f"{untestable}; the difference is treated as not significant."
                    )
            # Back to the metric's units: a loss flips the sign and swaps the ends.
            interval = (sign * float(low), sign * float(high)) if sign > 0 else (sign * float(high), sign * float(low))
            p_adjusted = min(1.0, p_value * len(available)) if math.isfinite(p_value) else math.nan
            comparisons[candidate] = Comparison(
                candidate=candidate, metric=metric, basis="extrapolated", train_size=int(size),
                test=_TEST_NAMES["bootstrap"], n_runs=int(boot.size), candidate_score=cand_score,
                sigmoid_score=sig_score, difference=sign * point, advantage=point,
                interval=interval, confidence=level, p_value=p_value, p_value_adjusted=p_adjusted,
                effect_size=effect,
                effect_size_kind="difference / bootstrap sd of the difference",
                significant=bool(not untestable and math.isfinite(p_adjusted) and p_adjusted <= alpha),
                fits_memory_budget=head_bytes[candidate] <= memory_budget,
                head_bytes=head_bytes[candidate],
                n_source_runs=n_source,
                untestable=untestable,
            )
        if not comparisons:
            return stays(
                f"No fitted curves to compare {metric} at {size:,} training samples; sigmoid (the default) stays.",
                close=True, compared_at=plan.compared_at,
            )
    verdict = _decide(metric, comparisons, lower_is_better, alpha, memory_budget)
    return MetricVerdict(
        metric=verdict.metric, formulation=verdict.formulation,
        too_close_to_call=verdict.too_close_to_call, lower_is_better=verdict.lower_is_better,
        deciding=verdict.deciding, comparisons=verdict.comparisons, reason=verdict.reason,
        compared_at=plan.compared_at,
    )


def _decide(metric, comparisons, lower_is_better, alpha, memory_budget) -> MetricVerdict:
    better = [c for c in comparisons.values() if c.decisive and c.advantage > 0]
    winners = [c for c in better if c.fits_memory_budget]
    worse = [c for c in comparisons.values() if c.decisive and c.advantage < 0]
    # The candidate whose comparison is inside the noise and closest to beating sigmoid.
    undecided = [c for c in comparisons.values() if not c.decisive] or list(comparisons.values())
    closest = max(undecided, key=lambda c: c.advantage if math.isfinite(c.advantage) else -math.inf)
    if winners:
        deciding = max(winners, key=lambda c: c.advantage)
        formulation, close = deciding.candidate, False
    elif better:
        deciding = max(better, key=lambda c: c.advantage)
        formulation, close = "sigmoid", False
    elif len(worse) == len(comparisons):
        deciding = max(worse, key=lambda c: c.advantage)
        formulation, close = "sigmoid", False
    else:
        deciding, formulation, close = closest, "sigmoid", True
    return MetricVerdict(
        metric=metric, formulation=formulation, too_close_to_call=close,
        lower_is_better=lower_is_better, deciding=deciding, comparisons=dict(comparisons),
        reason=_comparison_sentence(deciding, formulation, close, memory_budget),
    )


def _comparison_sentence(c: Comparison, formulation: str, close: bool, memory_budget: int) -> str:
    where = (
        f"at {c.train_size:,} training samples (measured, {c.n_runs} paired runs)"
        if c.basis == "measured"
        else f"at {c.train_size:,} training samples (from the fitted curves)"
    )
    direction = "lower" if c.difference < 0 else "higher"
    interval = (
        f"{100 * c.confidence:.1f}% interval of the difference [{_signed(c.interval[0])}, "
        f"{_signed(c.interval[1])}], "
        if math.isfinite(c.interval[0]) and math.isfinite(c.interval[1])
        else ""
    )
    numbers = (
        f"{c.candidate} scored {_num(abs(c.difference))} {direction} {c.metric} than sigmoid "
        f"({_num(c.candidate_score)} vs {_num(c.sigmoid_score)}) {where}; "
        f"{interval}{c.test} p {_p(c.p_value)}"
        + (f" (Bonferroni-adjusted p {_p(c.p_value_adjusted)})" if c.p_value_adjusted != c.p_value else "")
        + f", effect size {_num(c.effect_size, 2)}"
    )
    if formulation != "sigmoid":
        return f"{numbers}: {formulation} is significantly better and its output layer fits the memory budget."
    if c.decisive and c.advantage > 0:
        return (
            f"{numbers}: {c.candidate} is significantly better, but its output layer needs "
            f"{human_bytes(c.head_bytes)}, over the {human_bytes(memory_budget)} memory budget, so sigmoid."
        )
    if close:
        if c.untestable:
            return f"{numbers}: too close to call ({c.untestable}), so sigmoid, the default."
        if c.significant and c.n_source_runs < MIN_PAIRED_RUNS:
            return (
                f"{numbers}: too close to call (only {c.n_source_runs} paired run(s); at least "
                f"{MIN_PAIRED_RUNS} are needed before a difference can decide), so sigmoid, the default."
            )
        return f"{numbers}: too close to call (the interval includes 0), so sigmoid, the default."
    return f"{numbers}: sigmoid is significantly better."



#: How to make each stage result, for the message when a stage gets something else.
_MADE_BY = {
    "profile": "feasibility.profile(dataset)",
    "curves": "feasibility.learning_curves(dataset)",
    "fits": "feasibility.fit_curves(curves)",
}


def _check_stage_results(owner: str, profile, curves, fits, *, curves_optional: bool) -> None:
    """Refuse a name, a dict or a dataset where a stage result is expected, saying how to
    compute it (an AttributeError deep inside would not)."""
    from .curves import LearningCurves
    from .fit import CurveFits
    from .profile import LabelProfile

    expected = (
        ("profile", profile, LabelProfile, False),
        ("curves", curves, LearningCurves, curves_optional),
        ("fits", fits, CurveFits, True),
    )
    for parameter, value, kind, optional in expected:
        if isinstance(value, kind) or (optional and value is None):
            continue
        on = f" on feasibility.load({value!r})" if isinstance(value, str) else ""
        raise wrong_input(
            owner, f"a {kind.__name__}{' or None' if optional else ''} as {parameter!r}", value,
            hint=f"Compute it with {_MADE_BY[parameter]}{on}.",
        )


def recommend(
    profile,
    curves,
    fits,
    *,
    metric: str = "f1_micro",
    target_n: int | None = None,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    alpha: float = 0.05,
    test: str = "corrected-t",
) -> Recommendation:
    """Decide between sigmoid, powerset and pruned-powerset, with reasons.

    Parameters
    ----------
    profile : LabelProfile
        Output of :func:`feasibility.profile.profile`.
    curves : LearningCurves
        Output of :func:`feasibility.curves.learning_curves`.
    fits : CurveFits or None
        Output of :func:`feasibility.fit.fit_curves`; needed when ``target_n`` exceeds
        the dataset's size (the comparison then uses the fitted curves).
    metric : str, default="f1_micro"
        Headline metric (one of ``feasibility.curves.METRICS``); every metric gets a
        verdict in ``per_metric``.
    target_n : int or None, default=None
        Training size the decision is for; None is the dataset's size. Up to the
        dataset's size the scores measured at the largest training size at or below
        ``min(target_n, n_train_full)`` are compared (cross-validation never trains on
        more than ``n_train_full`` samples); when that size was not run for every
        formulation (a budget cut) the fitted curves are compared at that bound
        instead. A size beyond the dataset uses the fitted curves and their paired
        bootstrap. ``Recommendation.train_size`` and ``compared_at`` say which size was
        compared.
    memory_budget : int, default=2**30
        Bytes allowed for the powerset output layer in float32 (weights and biases).
    alpha : float, default=0.05
        Significance level; Bonferroni-adjusted over the candidates compared per metric.
    test : {"corrected-t", "paired-t"}, default="corrected-t"
        Paired test across runs at the dataset's size: the corrected resampled t-test of
        Nadeau & Bengio (2003) (cross-validation folds overlap, so the plain paired
        t-test is too liberal), or the plain paired t-test (statsmodels).

    Returns
    -------
    Recommendation

    Raises
    ------
    ParameterError
        For an unknown metric or test, a non-positive budget or target, alpha outside
        (0, 1), or a ``target_n`` beyond the dataset without ``fits``.

    See Also
    --------
    build_checklist : the pre-modelling checklist from the same results.
    """
    owner = "recommend"
    _check_stage_results(owner, profile, curves, fits, curves_optional=False)
    if metric not in METRICS:
        raise invalid_parameter("metric", owner, f"one of {list(METRICS)}", metric)
    if test not in TESTS:
        raise invalid_parameter("test", owner, f"one of {list(TESTS)}", test)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise invalid_parameter("alpha", owner, "a float in (0, 1)", alpha)
    if isinstance(memory_budget, bool) or not isinstance(memory_budget, (int, np.integer)) or memory_budget <= 0:
        raise invalid_parameter("memory_budget", owner, "an int > 0 (bytes)", memory_budget)
    if target_n is None:
        target_n = int(profile.n_samples)
    if isinstance(target_n, bool) or not isinstance(target_n, (int, np.integer)) or target_n < 1:
        raise invalid_parameter("target_n", owner, "None or an int >= 1", target_n)
    target_n = int(target_n)
    if target_n > curves.n_samples and fits is None:
        raise invalid_parameter(
            "target_n", owner,
            f"at most the dataset's {curves.n_samples:,} samples when no fits are given", target_n,
        )
    memory_budget = int(memory_budget)
    raw_notes: list[str] = []
    head_bytes = _head_bytes(profile, curves)
    per_metric = {
        m: _compare_metric(
            profile, curves, fits, m, target_n=target_n, test=test, alpha=float(alpha),
            head_bytes=head_bytes, memory_budget=memory_budget, notes=raw_notes,
        )
        for m in METRICS
    }
    notes = list(dict.fromkeys(raw_notes))  # the same size note comes once per metric
    for message in notes:
        warnings.warn(message, FeasibilityWarning, stacklevel=2)
    headline = per_metric[metric]
    deciding = headline.deciding
    reasons = _reasons(profile, curves, fits, headline, per_metric, memory_budget, head_bytes)
    return Recommendation(
        metric=metric,
        formulation=headline.formulation,
        too_close_to_call=headline.too_close_to_call,
        target_n=target_n,
        basis=(
            deciding.basis if deciding is not None
            else "extrapolated" if target_n > curves.n_samples else "measured"
        ),
        reasons=tuple(reasons),
        per_metric=per_metric,
        head_table=_head_table(profile, curves, fits, metric, memory_budget),
        memory_budget=memory_budget,
        alpha=float(alpha),
        test=test,
        notes=tuple(notes),
        train_size=None if deciding is None else int(deciding.train_size),
        compared_at=headline.compared_at,
    )


def _reasons(profile, curves, fits, headline, per_metric, memory_budget, head_bytes) -> list[str]:
    reasons = [headline.reason]
    if headline.too_close_to_call:
        reasons.append(
            f"Sigmoid is the default when the evidence is not clear: its head has "
            f"{profile.n_labels} outputs against {profile.labelsets.n_labelsets:,} for the "
            "powerset, and it can predict label combinations never seen in training."
        )
    # Powerset data starvation.
    tail = dict(zip(profile.labelsets.tail_thresholds, profile.labelsets.tail_shares))
    spc = profile.samples_per_class
    rare_share = tail.get(RARE_LABELSET_COUNT)
    if rare_share is None:
        rare_share = float(profile.labelsets.counts[profile.labelsets.counts < RARE_LABELSET_COUNT].sum()) / profile.n_samples
    reasons.append(
        f"{_pct(rare_share)} of samples carry a label combination seen fewer than "
        f"{RARE_LABELSET_COUNT} times; a softmax over {profile.labelsets.n_labelsets:,} "
        f"combinations has {_count(spc.labelset_median)} samples per class on median, "
        f"against {_count(spc.label_median)} positives per label for the sigmoids "
        f"(rarest label: {spc.label_min:,})."
    )
    # Unseen labelsets.
    unseen = profile.unseen
    measured = ""
    for name in ("powerset",):
        if name in curves.curves:
            share = curves.curves[name].unseen_labelset_share
            if share.size and np.isfinite(share[:, -1]).any():
                measured = (
                    f"; in the cross-validation {_pct(float(np.nanmean(share[:, -1])))} of test "
                    f"samples had a combination absent from the {int(curves.curves[name].train_sizes[-1]):,} "
                    "training samples"
                )
    reasons.append(
        f"Good-Turing estimates that {_pct(unseen.unseen_labelset_mass)} of new samples carry a "
        f"label combination never seen before ({unseen.n_labelsets_seen_once:,} combinations occur "
        f"once){measured}; a powerset can never predict those exactly."
    )
    # Memory.
    ps = profile.heads.powerset
    fits_budget = ps.float32_bytes <= memory_budget
    reasons.append(
        f"The powerset output layer has {ps.n_params:,} parameters ({ps.float32_bytes_human} in "
        f"float32), {'within' if fits_budget else 'over'} the {human_bytes(memory_budget)} budget; "
        f"the sigmoid layer has {profile.heads.sigmoid.n_params:,} ({profile.heads.sigmoid.float32_bytes_human})"
        f" and the full 2^{profile.n_labels} powerset would need {profile.heads.full_powerset.float32_bytes_human}."
    )
    # Label dependence.
    co = profile.cooccurrence
    if co.n_tested_pairs:
        reasons.append(
            f"{co.n_dependent_pairs:,} of {co.n_tested_pairs:,} label pairs are significantly dependent "
            f"(Benjamini-Hochberg q <= {co.alpha:g}; {co.n_positive_dependent_pairs:,} co-occur more "
            f"than chance, {co.n_negative_dependent_pairs:,} less)"
            + (
                "; without dependence a sigmoid per label loses nothing by ignoring it."
                if co.n_dependent_pairs == 0
                else "; this is what a powerset could exploit, and the curves measure whether it does."
            )
        )
    # Slopes and crossovers of the headline metric.
    if fits is not None:
        parts = []
        for name in FORMULATIONS:
            fit = fits.fits.get(name, {}).get(headline.metric)
            if fit is None or fit.slope is None:
                continue
            gain = fit.slope.per_doubling
            parts.append(
                f"{name} {_signed(gain.estimate)} [{_signed(gain.low)}, {_signed(gain.high)}] ({fit.slope.verdict})"
            )
        if parts:
            reasons.append(
                f"Change of {headline.metric} per doubling of the training data at the largest size: "
                + "; ".join(parts) + "."
            )
        for crossing in fits.crossover.get(headline.metric, {}).values():
            if crossing.status.startswith("crossover") and math.isfinite(crossing.n.estimate):
                reasons.append(
                    f"The fitted {headline.metric} curves of {crossing.first} and {crossing.second} cross "
                    f"near {_count(crossing.n.estimate)} training samples (leader now: "
                    f"{crossing.leader_at_current}; at {_count(100 * crossing.n_current)}: {crossing.leader_at_limit})."
                )
    # Other metrics that disagree.
    disagree = [
        f"{m}: {v.formulation}" + (" (too close to call)" if v.too_close_to_call else "")
        for m, v in per_metric.items()
        if m != headline.metric and v.formulation != headline.formulation
    ]
    if disagree:
        reasons.append("Other metrics give a different verdict: " + "; ".join(disagree) + ".")
    return reasons


# --------------------------------------------------------------------------------------
# Duplicate feature rows
# --------------------------------------------------------------------------------------


def _row_bytes(X) -> list[bytes]:
    """Exact byte key of each feature row (indices and values for CSR)."""
    if sp.issparse(X):
        csr = X.tocsr()
        csr.sum_duplicates()
        csr.eliminate_zeros()
        csr.sort_indices()
        indptr, indices = csr.indptr, csr.indices.astype(np.int32)
        data = csr.data.astype(np.float32)
        return [
            indices[a:b].tobytes() + b"|" + data[a:b].tobytes()
            for a, b in zip(indptr[:-1], indptr[1:])
        ]
    dense = np.ascontiguousarray(X, dtype=np.float32)
    dense = dense + np.float32(0.0)  # folds -0.0 into 0.0 so equal values hash equal
    return [row.tobytes() for row in dense]


def conflicting_duplicates(dataset: MultilabelDataset, *, max_examples: int = 5) -> DuplicateRows:
    """Find identical feature rows and those that carry different labelsets.

    Rows are grouped by a vectorised 64-bit hash and the candidate groups are then
    confirmed by comparing the exact bytes of the rows, so collisions cannot merge rows.

    Parameters
    ----------
    dataset : MultilabelDataset
    max_examples : int, default=5
        How many conflicting groups to list (their row indices).

    Returns
    -------
    DuplicateRows

    Examples
    --------
    >>> X = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [2, 2]])
    >>> Y = np.array([[1, 0], [0, 1], [1, 1], [1, 1], [0, 0]])
    >>> d = conflicting_duplicates(MultilabelDataset.from_arrays(X, Y))
    >>> d.n_duplicate_groups, d.n_conflicting_groups, d.n_conflicting_samples, d.examples
    (2, 1, 2, ((0, 1),))
    """
    X, Y = dataset.X, np.asarray(dataset.Y, dtype=np.uint8)
    n = dataset.n_samples
    candidates = _hash_candidates(X)
    label_keys = [row.tobytes() for row in np.packbits(Y, axis=1)] if n else []
    groups: dict[bytes, list[int]] = {}
    if candidates.size:
        keys = _row_bytes(X[candidates])
        for row, key in zip(candidates.tolist(), keys):
            groups.setdefault(key, []).append(row)
    duplicate_groups = [rows for rows in groups.values() if len(rows) >= 2]
    conflicting = [rows for rows in duplicate_groups if len({label_keys[r] for r in rows}) > 1]
    conflicting.sort(key=lambda rows: rows[0])
    n_conflicting = sum(len(rows) for rows in conflicting)
    return DuplicateRows(
        n_duplicate_groups=len(duplicate_groups),
        n_duplicate_samples=sum(len(rows) for rows in duplicate_groups),
        n_conflicting_groups=len(conflicting),
        n_conflicting_samples=n_conflicting,
        share_conflicting=n_conflicting / n if n else 0.0,
        examples=tuple(tuple(rows) for rows in conflicting[:max_examples]),
    )


def _hash_candidates(X) -> np.ndarray:
    """Rows whose 64-bit row hash is shared with another row (superset of duplicates)."""
    rng = np.random.default_rng(12345)
    n_rows, n_cols = X.shape
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64)
    # Two independent random projections of the row; equal rows give equal values, and
    # unequal rows almost never do. Exactness is restored by the byte comparison after.
    weights = rng.standard_normal((n_cols, 2))
    if sp.issparse(X):
        projection = np.asarray(X.tocsr().astype(np.float64) @ weights)
    else:
        projection = np.asarray(X, dtype=np.float64) @ weights
    projection = np.round(projection, 6) + 0.0
    _, inverse, counts = np.unique(projection, axis=0, return_inverse=True, return_counts=True)
    inverse = np.asarray(inverse).ravel()
    return np.flatnonzero(counts[inverse] >= 2)


# --------------------------------------------------------------------------------------
# The checklist
# --------------------------------------------------------------------------------------


def build_checklist(
    dataset: MultilabelDataset,
    profile,
    curves,
    fits,
    *,
    min_positives: int = MIN_POSITIVES,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    rare_count: int = RARE_LABELSET_COUNT,
    metric: str = "f1_micro",
) -> Checklist:
    """Build the pre-modelling checklist: each item a number against a documented threshold.

    Parameters
    ----------
    dataset : MultilabelDataset
        Used for what only the data can tell: duplicate feature rows with conflicting labels.
    profile : LabelProfile
    curves : LearningCurves or None
        Used for nothing here but the pruning level (``prune_min_count``); may be None.
    fits : CurveFits or None
        Slopes and samples needed; their items are left out when None.
    min_positives : int, default=10
        Positives a label needs for its sigmoid.
    memory_budget : int, default=2**30
        Bytes allowed for the powerset output layer (float32).
    rare_count : int, default=5
        Labelsets seen fewer times than this are rare.
    metric : str, default="f1_micro"
        Metric of the slope and samples-needed items.

    Returns
    -------
    Checklist
        Items (in this order): ``label_positives``, ``constant_labels``,
        ``rare_labelsets``, ``unseen_labelsets``, ``powerset_memory``, ``imbalance``,
        ``scumble``, ``label_dependence``, ``curve_slope``,
        ``samples_needed_<formulation>``, ``analytic_sigmoid``, ``analytic_powerset``,
        ``conflicting_duplicates``.

    Warns
    -----
    FeasibilityWarning
        When identical feature rows carry different labelsets (also in ``notes``).

    See Also
    --------
    recommend : the decision from the same results.
    """
    owner = "build_checklist"
    dataset = require_dataset(dataset, owner)
    _check_stage_results(owner, profile, curves, fits, curves_optional=True)
    for name, value, minimum in (("min_positives", min_positives, 1), ("rare_count", rare_count, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise invalid_parameter(name, owner, f"an int >= {minimum}", value)
    if isinstance(memory_budget, bool) or not isinstance(memory_budget, (int, np.integer)) or memory_budget <= 0:
        raise invalid_parameter("memory_budget", owner, "an int > 0 (bytes)", memory_budget)
    if metric not in METRICS:
        raise invalid_parameter("metric", owner, f"one of {list(METRICS)}", metric)
    items: list[CheckItem] = []
    notes: list[str] = []
    n = profile.n_samples
    names = profile.label_names
    counts = np.asarray(profile.label_counts)

    # Positives per label.
    learnable = (counts > 0) & (counts < n)
    short = np.flatnonzero(learnable & (counts < min_positives))
    share_short = short.size / max(int(learnable.sum()), 1)
    status = "pass" if short.size == 0 else ("fail" if share_short > MOST_LABELS_SHARE else "warn")
    listed = ", ".join(f"{names[j]!r} ({counts[j]})" for j in short[:10])
    items.append(CheckItem(
        id="label_positives",
        title=f"Every label has at least {min_positives} positives",
        status=status,
        value=float(counts[learnable].min()) if learnable.any() else None,
        value_text=f"rarest label: {f'{int(counts[learnable].min()):,} positives' if learnable.any() else 'n/a'}; "
        f"{short.size} of {int(learnable.sum())} labels below {min_positives}",
        threshold=f">= {min_positives} positives per label (fail when more than "
        f"{_pct(MOST_LABELS_SHARE)} of the labels are below)",
        explanation=(
            "Every label has enough positives for its own sigmoid."
            if short.size == 0
            else f"These labels have too few positives for a reliable sigmoid: {listed}"
            + (" ..." if short.size > 10 else "") + ". Their scores will be noisy whatever the formulation."
        ),
        concerns="sigmoid",
    ))

    # Constant labels.
    never = np.flatnonzero(counts == 0)
    always = np.flatnonzero(counts == n)
    constant = [f"{names[j]!r} (never positive)" for j in never] + [
        f"{names[j]!r} (always positive)" for j in always
    ]
    # When no label varies there is nothing to learn at all: no positives anywhere, or the
    # label columns are not the labels. That stops the analysis rather than warning.
    nothing_to_learn = len(constant) == len(names)
    if nothing_to_learn:
        explanation = (
            f"Every one of the {len(names):,} labels is constant"
            + (" (there is no positive label at all)" if never.size == len(names) else "")
            + ": the dataset has nothing to learn. Check that the right columns were taken as "
            "labels (--labels, --labels-last, --label-column) and that the file is complete."
        )
    elif constant:
        explanation = (
            "Constant labels carry no information; drop them or predict them as constants: "
            + ", ".join(constant[:10]) + ("..." if len(constant) > 10 else "") + "."
        )
    else:
        explanation = "Every label has both positive and negative samples."
    items.append(CheckItem(
        id="constant_labels",
        title="No label is constant",
        status="fail" if nothing_to_learn else ("warn" if constant else "pass"),
        value=float(len(constant)),
        value_text=f"{len(constant):,} of {len(names):,} labels constant"
        + (": nothing to learn" if nothing_to_learn else ""),
        threshold="0 constant labels (fail when every label is constant: nothing to learn)",
        explanation=explanation,
        concerns="data",
    ))

    # Rare labelsets (powerset data starvation).
    ls_counts = profile.labelsets.counts
    rare_share = float(ls_counts[ls_counts < rare_count].sum()) / n
    n_rare = int(np.count_nonzero(ls_counts < rare_count))
    items.append(CheckItem(
        id="rare_labelsets",
        title=f"Few samples in labelsets seen fewer than {rare_count} times",
        status="pass" if rare_share <= RARE_SHARE_WARN else ("warn" if rare_share <= RARE_SHARE_FAIL else "fail"),
        value=rare_share,
        value_text=f"{_pct(rare_share)} of samples ({n_rare:,} of {profile.labelsets.n_labelsets:,} labelsets)",
        threshold=f"<= {_pct(RARE_SHARE_WARN)} pass, <= {_pct(RARE_SHARE_FAIL)} warn, above fail",
        explanation=(
            f"A powerset softmax has one class per labelset; {_pct(rare_share)} of the samples belong "
            f"to classes with fewer than {rare_count} examples, which it can barely learn "
            f"(median {_count(profile.samples_per_class.labelset_median)} samples per labelset)."
        ),
        concerns="powerset",
    ))

    # Unseen labelsets (Good-Turing).
    mass = profile.unseen.unseen_labelset_mass
    items.append(CheckItem(
        id="unseen_labelsets",
        title="Small chance of label combinations never seen in training",
        status="pass" if mass <= UNSEEN_MASS_WARN else ("warn" if mass <= UNSEEN_MASS_FAIL else "fail"),
        value=mass,
        value_text=f"{_pct(mass)} (Good-Turing N1/N = {profile.unseen.n_labelsets_seen_once:,}/{n:,})",
        threshold=f"<= {_pct(UNSEEN_MASS_WARN)} pass, <= {_pct(UNSEEN_MASS_FAIL)} warn, above fail",
        explanation=(
            f"About {_pct(mass)} of new samples will carry a label combination absent from the "
            "training data; a powerset cannot predict it exactly (its subset accuracy is capped at "
            f"about {_pct(1 - mass)}), a sigmoid per label can. Doubling the data would reveal about "
            f"{_count(profile.unseen.new_labelsets_if_doubled)} new combinations (Efron-Thisted)."
        ),
        concerns="powerset",
    ))

    # Powerset head memory.
    ps = profile.heads.powerset
    fits_memory = ps.float32_bytes <= memory_budget
    outputs, params = _pruned_head(profile, _prune_min_count(curves))
    items.append(CheckItem(
        id="powerset_memory",
        title="The powerset output layer fits the memory budget",
        status="pass" if fits_memory else "fail",
        value=float(ps.float32_bytes),
        value_text=f"{ps.float32_bytes_human} ({ps.n_params:,} float32 parameters)",
        threshold=f"<= {human_bytes(memory_budget)}",
        explanation=(
            f"{ps.n_outputs:,} outputs on a {profile.heads.hidden:,}-wide input; the pruned "
            f"powerset needs {human_bytes(4 * params)} ({outputs:,} outputs), sigmoid "
            f"{profile.heads.sigmoid.float32_bytes_human}, the full 2^{profile.n_labels} powerset "
            f"{profile.heads.full_powerset.float32_bytes_human}."
            + ("" if fits_memory else " The powerset cannot be recommended under this budget.")
        ),
        concerns="powerset",
    ))

    # Imbalance and SCUMBLE.
    mean_ir = profile.imbalance.mean_ir
    items.append(CheckItem(
        id="imbalance",
        title="Labels are not strongly imbalanced (MeanIR)",
        status="pass" if not math.isfinite(mean_ir) or mean_ir <= MEAN_IR_IMBALANCED else "warn",
        value=mean_ir,
        value_text=f"MeanIR {_num(mean_ir, 2)} (MaxIR {_num(profile.imbalance.max_ir, 1)})",
        threshold=f"<= {MEAN_IR_IMBALANCED} (Charte et al. 2015)",
        explanation=(
            "MeanIR is the mean over labels of (count of the most frequent label / count of the "
            "label). Above 1.5 the label set is imbalanced: rare labels get low recall unless "
            "weighted or resampled, and macro-F1 suffers first."
        ),
        concerns="both",
    ))
    scumble = profile.imbalance.scumble
    items.append(CheckItem(
        id="scumble",
        title="Rare and frequent labels rarely concur (SCUMBLE)",
        status="pass" if scumble <= SCUMBLE_HARD else "warn",
        value=scumble,
        value_text=f"SCUMBLE {_num(scumble, 3)}",
        threshold=f"<= {SCUMBLE_HARD} (Charte et al. 2019)",
        explanation=(
            "SCUMBLE measures how often rare labels appear together with frequent ones in the "
            "same sample. Above 0.1, resampling the rare labels also duplicates frequent ones, "
            "so imbalance is hard to fix by resampling."
        ),
        concerns="both",
    ))

    # Label dependence.
    co = profile.cooccurrence
    items.append(CheckItem(
        id="label_dependence",
        title="Label dependence that a sigmoid per label ignores",
        status="warn" if co.n_dependent_pairs else "pass",
        value=float(co.n_dependent_pairs),
        value_text=f"{co.n_dependent_pairs:,} of {co.n_tested_pairs:,} pairs dependent",
        threshold=f"0 dependent pairs at Benjamini-Hochberg q <= {co.alpha:g}",
        explanation=(
            "No pair of labels is significantly dependent: independent sigmoids lose nothing by ignoring it."
            if co.n_dependent_pairs == 0
            else "Dependent labels are what a powerset (or a classifier chain) can exploit; whether that "
            "pays off on this data is what the learning curves measure."
        ),
        concerns="sigmoid",
    ))

    # Curves: slope and samples needed.
    if fits is not None:
        slopes = []
        for name in FORMULATIONS:
            fit = fits.fits.get(name, {}).get(metric)
            if fit is not None and fit.slope is not None:
                slopes.append((name, fit.slope))
        if slopes:
            rising = [(name, s) for name, s in slopes if s.verdict != "flat"]
            largest = max(abs(s.per_doubling.estimate) for _, s in slopes if math.isfinite(s.per_doubling.estimate)) if any(math.isfinite(s.per_doubling.estimate) for _, s in slopes) else math.nan
            items.append(CheckItem(
                id="curve_slope",
                title=f"Learning curves flat at the current size ({metric})",
                status="warn" if rising else "pass",
                value=largest,
                value_text="; ".join(
                    f"{name}: unknown (too few measured sizes)" if s.verdict == "unknown"
                    else f"{name}: {_signed(s.per_doubling.estimate)} per doubling ({s.verdict})"
                    for name, s in slopes
                ),
                threshold=f"gain per doubling < {slopes[0][1].to_dict()['meaningful_gain']} (upper 90% bound)",
                explanation=(
                    "More data would still improve "
                    + ", ".join(name for name, _ in rising)
                    + "; the verdict may change with more samples (see the extrapolation)."
                    if rising
                    else "Every curve has flattened: more samples of the same kind would not change the scores much."
                ),
                concerns="both",
            ))
        for name in FORMULATIONS:
            fit = fits.fits.get(name, {}).get(metric)
            if fit is None or fit.samples_needed is None:
                continue
            need = fit.samples_needed
            kind = "the target" if need.target_kind == "user" else "95% of its fitted asymptote"
            if need.status == "reached":
                status = "pass"
            elif need.status in ("reachable", "unknown"):
                # unknown: too few measured sizes to fit a curve; not a failure of the data
                status = "warn"
            else:
                status = "fail" if need.target_kind == "user" else "warn"
            estimate = need.n.estimate
            # a sample count is only meaningful when the target is (or will be) reached
            counted = need.status in ("reached", "reachable") and math.isfinite(estimate)
            items.append(CheckItem(
                id=f"samples_needed_{name}",
                title=f"Samples needed by {name} vs available ({metric})",
                status=status,
                value=estimate if counted else None,
                value_text=(
                    f"{_count(estimate)} needed [{_count(need.n.low)}, {_count(need.n.high)}] "
                    f"for {metric} {_num(need.target)}; {n:,} available ({need.status.replace('_', ' ')})"
                    if counted
                    else f"unknown: too few measured training sizes to fit a curve; {n:,} available"
                    if need.status == "unknown"
                    else f"{metric} {_num(need.target)} not reachable"
                    + (" within a billion samples" if need.status == "beyond_cap" else "")
                    + f"; {n:,} available ({need.status.replace('_', ' ')})"
                ),
                threshold=f"{kind} reached with the {n:,} samples available",
                explanation=(
                    f"Measure more training sizes (--n-sizes, or more data) to estimate what {name} needs."
                    if need.status == "unknown"
                    else f"{name} reaches {metric} {_num(need.target)} ({kind}) "
                    + {
                        "reached": "with the data at hand.",
                        "reachable": "only with more data (extrapolated from the fitted curve).",
                        "beyond_cap": "only beyond a billion samples, if at all.",
                        "not_reachable": "never: the fitted asymptote stays below it.",
                    }.get(need.status, ".")
                ),
                concerns="sigmoid" if name == "sigmoid" else "powerset",
            ))
        analytic = fits.sample_size
        if analytic is not None and analytic.sigmoid_n is not None:
            label = names[analytic.sigmoid_binding_label] if analytic.sigmoid_binding_label is not None else "?"
            items.append(CheckItem(
                id="analytic_sigmoid",
                title="Riley's minimum sample size for the sigmoids",
                status="pass" if n >= analytic.sigmoid_n else "warn",
                value=float(analytic.sigmoid_n),
                value_text=f"{analytic.sigmoid_n:,} needed (label {label!r}); {n:,} available",
                threshold="n_samples >= Riley et al. (2020) minimum for every label's logistic model",
                explanation=(
                    f"Analytic cross-check for a logistic model per label with {analytic.n_predictors:,} "
                    "predictors (shrinkage >= 0.9, small optimism, precise intercept)."
                ),
                concerns="sigmoid",
            ))
        if analytic is not None and analytic.powerset is not None:
            items.append(CheckItem(
                id="analytic_powerset",
                title="Pate's minimum sample size for the powerset softmax",
                status="pass" if n >= analytic.powerset.n else "warn",
                value=float(analytic.powerset.n),
                value_text=f"{analytic.powerset.n:,} needed; {n:,} available",
                threshold="n_samples >= Pate et al. (2023) minimum for the multinomial model",
                explanation=(
                    f"Analytic cross-check for a multinomial logistic model over "
                    f"{analytic.powerset.n_categories:,} labelsets with {analytic.n_predictors:,} predictors."
                ),
                concerns="powerset",
            ))

    # Conflicting duplicates.
    duplicates = conflicting_duplicates(dataset)
    share = duplicates.share_conflicting
    if duplicates.n_conflicting_groups:
        message = (
            f"{dataset.name}: {duplicates.n_conflicting_samples:,} samples ({_pct(share)}) are in "
            f"{duplicates.n_conflicting_groups:,} groups of identical feature rows with different "
            f"labelsets (first rows: {', '.join(str(list(g)) for g in duplicates.examples[:3])}); no model "
            "can separate them."
        )
        notes.append(message)
        warnings.warn(message, FeasibilityWarning, stacklevel=2)
    items.append(CheckItem(
        id="conflicting_duplicates",
        title="No identical feature rows with different labels",
        status="pass" if duplicates.n_conflicting_groups == 0 else (
            "fail" if share > CONFLICT_SHARE_FAIL else "warn"
        ),
        value=share,
        value_text=(
            f"{duplicates.n_conflicting_samples:,} samples ({_pct(share)}) in "
            f"{duplicates.n_conflicting_groups:,} conflicting groups; "
            f"{duplicates.n_duplicate_samples:,} samples in {duplicates.n_duplicate_groups:,} duplicate groups"
        ),
        threshold=f"0 pass, <= {_pct(CONFLICT_SHARE_FAIL)} of samples warn, above fail",
        explanation=(
            "Identical inputs with different labelsets are label noise (or missing features): "
            "they cap every model's subset accuracy."
            if duplicates.n_conflicting_groups
            else "No two samples with identical features disagree on their labels."
        ),
        concerns="data",
    ))
    return Checklist(items=tuple(items), notes=tuple(notes))
