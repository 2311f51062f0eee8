"""The pre-modelling checklist: a registry of small checks, :func:`build_checklist`.

Each check (one per item id, in :data:`CHECKS`) reads the stage results, compares one
number with its thresholds (all in :class:`CheckThresholds`, as ydata-profiling keeps its
alert thresholds in one settings object) and returns a :class:`CheckItem`: a status, the
value and the numbers its texts need. The report layer writes the texts
(:func:`feasibility.report.explain.checklist_json`). The checklist explains and warns; it
never overrules the curves.

Examples
--------
>>> list(CHECKS)[:3]
['label_positives', 'constant_labels', 'rare_labelsets']
>>> CheckThresholds().rare_share_fail
0.5
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..dataset import MultilabelDataset, require_dataset
from ..profile import conflicting_duplicates
from ..vocab import FORMULATIONS
from .codes import CheckStatus, Concern, DecisionWarning, Note, NoteCode
from .heads import prune_min_count, pruned_head
from .options import (
    DEFAULT_MEMORY_BUDGET,
    MIN_POSITIVES,
    RARE_LABELSET_COUNT,
    DecisionOptions,
    check_stage_results,
)
from .results import CheckItem, Checklist

__all__ = ["CHECKS", "CheckContext", "CheckThresholds", "build_checklist"]

PASS, WARN, FAIL = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL


@dataclass(frozen=True)
class CheckThresholds:
    """Every threshold of the checklist: generic, from the literature or plain arithmetic,
    never tuned on a dataset."""

    #: Positives a label needs for its sigmoid ...
    min_positives: int = MIN_POSITIVES
    #: ... and the item fails when more than this share of the labels are below it.
    most_labels_share: float = 0.5
    #: Labelsets seen fewer than this many times are "rare" for a powerset class.
    rare_count: int = RARE_LABELSET_COUNT
    #: Share of samples in rare labelsets above which a powerset is data-starved.
    rare_share_warn: float = 0.10
    rare_share_fail: float = 0.50
    #: Good-Turing unseen-labelset mass (share of new samples with a combination never
    #: seen) above which the powerset's blind spot matters.
    unseen_mass_warn: float = 0.05
    unseen_mass_fail: float = 0.20
    #: MeanIR above 1.5: the label set is imbalanced (Charte et al. 2015, "Addressing
    #: imbalance in multilabel classification", Neurocomputing 163).
    mean_ir_imbalanced: float = 1.5
    #: SCUMBLE above 0.1: rare and frequent labels concur in the same samples, which makes
    #: resampling hard (Charte et al. 2019, "Dealing with difficult minority labels in
    #: imbalanced multilabel data sets", Neurocomputing 326).
    scumble_hard: float = 0.1
    #: Share of samples in groups of identical feature rows with different labelsets
    #: above which the label noise caps every model (fail; any such sample warns).
    conflict_share_fail: float = 0.10
    #: Bytes allowed for the powerset output layer (float32 weights and biases).
    memory_budget: int = DEFAULT_MEMORY_BUDGET


@dataclass(frozen=True)
class CheckContext:
    """What every check reads: the dataset, the stage results and the thresholds."""

    dataset: MultilabelDataset
    profile: object  # LabelProfile
    curves: object | None  # LearningCurves: only its pruning level is read
    fits: object | None  # CurveFits: slopes, samples needed, analytic sample sizes
    metric: str
    thresholds: CheckThresholds
    notes: list[Note] = field(default_factory=list)  # a check may add a note


def _label_positives(ctx: CheckContext) -> CheckItem:
    t, profile = ctx.thresholds, ctx.profile
    counts = np.asarray(profile.label_counts)
    learnable = (counts > 0) & (counts < profile.n_samples)
    short = np.flatnonzero(learnable & (counts < t.min_positives))
    share_short = short.size / max(int(learnable.sum()), 1)
    status = PASS if short.size == 0 else (FAIL if share_short > t.most_labels_share else WARN)
    rarest = int(counts[learnable].min()) if learnable.any() else None
    return CheckItem(
        "label_positives",
        status,
        None if rarest is None else float(rarest),
        Concern.SIGMOID,
        {
            "min_positives": t.min_positives,
            "most_labels_share": t.most_labels_share,
            "rarest": rarest,
            "n_short": int(short.size),
            "n_learnable": int(learnable.sum()),
            "short": [[profile.label_names[j], int(counts[j])] for j in short[:10]],
        },
    )


def _constant_labels(ctx: CheckContext) -> CheckItem:
    counts, names = np.asarray(ctx.profile.label_counts), ctx.profile.label_names
    never = [names[j] for j in np.flatnonzero(counts == 0)]
    always = [names[j] for j in np.flatnonzero(counts == ctx.profile.n_samples)]
    n_constant = len(never) + len(always)
    # When no label varies there is nothing to learn at all: no positives anywhere, or the
    # label columns are not the labels. That stops the analysis rather than warning.
    status = FAIL if n_constant == len(names) else (WARN if n_constant else PASS)
    return CheckItem(
        "constant_labels",
        status,
        float(n_constant),
        Concern.DATA,
        {"n_labels": len(names), "never": never, "always": always},
    )


def _rare_labelsets(ctx: CheckContext) -> CheckItem:
    t, profile = ctx.thresholds, ctx.profile
    share, n_rare = profile.rare_labelsets(t.rare_count)
    status = PASS if share <= t.rare_share_warn else (WARN if share <= t.rare_share_fail else FAIL)
    return CheckItem(
        "rare_labelsets",
        status,
        share,
        Concern.POWERSET,
        {
            "share": share,
            "rare_count": t.rare_count,
            "n_rare": n_rare,
            "n_labelsets": profile.labelsets.n_labelsets,
            "warn": t.rare_share_warn,
            "fail": t.rare_share_fail,
            "labelset_median": profile.samples_per_class.labelset_median,
        },
    )


def _unseen_labelsets(ctx: CheckContext) -> CheckItem:
    t, unseen = ctx.thresholds, ctx.profile.unseen
    mass = unseen.unseen_labelset_mass
    status = PASS if mass <= t.unseen_mass_warn else (WARN if mass <= t.unseen_mass_fail else FAIL)
    return CheckItem(
        "unseen_labelsets",
        status,
        mass,
        Concern.POWERSET,
        {
            "mass": mass,
            "n_seen_once": unseen.n_labelsets_seen_once,
            "n_samples": ctx.profile.n_samples,
            "warn": t.unseen_mass_warn,
            "fail": t.unseen_mass_fail,
            "new_if_doubled": unseen.new_labelsets_if_doubled,
        },
    )


def _powerset_memory(ctx: CheckContext) -> CheckItem:
    heads, budget = ctx.profile.heads, ctx.thresholds.memory_budget
    outputs, params = pruned_head(ctx.profile, prune_min_count(ctx.curves))
    fits_memory = heads.powerset.float32_bytes <= budget
    return CheckItem(
        "powerset_memory",
        PASS if fits_memory else FAIL,
        float(heads.powerset.float32_bytes),
        Concern.POWERSET,
        {
            "powerset_bytes": heads.powerset.float32_bytes,
            "powerset_params": heads.powerset.n_params,
            "powerset_outputs": heads.powerset.n_outputs,
            "hidden": heads.hidden,
            "memory_budget": budget,
            "pruned_bytes": 4 * params,
            "pruned_outputs": outputs,
            "sigmoid_bytes": heads.sigmoid.float32_bytes,
            "n_labels": ctx.profile.n_labels,
            "full_bytes": heads.full_powerset.float32_bytes,
        },
    )


def _imbalance(ctx: CheckContext) -> CheckItem:
    limit, imbalance = ctx.thresholds.mean_ir_imbalanced, ctx.profile.imbalance
    mean_ir = imbalance.mean_ir
    status = PASS if not math.isfinite(mean_ir) or mean_ir <= limit else WARN
    return CheckItem(
        "imbalance",
        status,
        mean_ir,
        Concern.BOTH,
        {"mean_ir": mean_ir, "max_ir": imbalance.max_ir, "limit": limit},
    )


def _scumble(ctx: CheckContext) -> CheckItem:
    limit, scumble = ctx.thresholds.scumble_hard, ctx.profile.imbalance.scumble
    return CheckItem(
        "scumble",
        PASS if scumble <= limit else WARN,
        scumble,
        Concern.BOTH,
        {"scumble": scumble, "limit": limit},
    )


def _label_dependence(ctx: CheckContext) -> CheckItem:
    co = ctx.profile.cooccurrence
    return CheckItem(
        "label_dependence",
        WARN if co.n_dependent_pairs else PASS,
        float(co.n_dependent_pairs),
        Concern.SIGMOID,
        {"n_dependent": co.n_dependent_pairs, "n_tested": co.n_tested_pairs, "alpha": co.alpha},
    )


def _fit(ctx: CheckContext, formulation: str):
    return ctx.fits.fits.get(formulation, {}).get(ctx.metric) if ctx.fits is not None else None


def _curve_slope(ctx: CheckContext) -> CheckItem | None:
    slopes = [
        (name, fit.slope)
        for name in FORMULATIONS
        if (fit := _fit(ctx, name)) is not None and fit.slope is not None
    ]
    if not slopes:
        return None
    rising = [name for name, s in slopes if s.verdict != "flat"]
    finite = [
        abs(s.per_doubling.estimate) for _, s in slopes if math.isfinite(s.per_doubling.estimate)
    ]
    return CheckItem(
        "curve_slope",
        WARN if rising else PASS,
        max(finite) if finite else math.nan,
        Concern.BOTH,
        {
            "metric": ctx.metric,
            "rising": rising,
            "slopes": [
                {
                    "formulation": name,
                    "estimate": s.per_doubling.estimate,
                    "verdict": str(s.verdict),
                }
                for name, s in slopes
            ],
            "meaningful_gain": slopes[0][1].to_dict()["meaningful_gain"],
        },
    )


def _samples_needed(ctx: CheckContext, formulation: str) -> CheckItem | None:
    fit = _fit(ctx, formulation)
    if fit is None or fit.samples_needed is None:
        return None
    need = fit.samples_needed
    # only a measured fact passes; an extrapolation, or what the data cannot tell, warns
    # (never fails: "not estimable" is not evidence against the data)
    status = PASS if need.status == "reached" else WARN
    estimate = need.n.estimate
    # a sample count is stated only when the data can tell where the target is reached
    counted = need.status == "reachable" and math.isfinite(estimate)
    concerns = Concern.SIGMOID if formulation == "sigmoid" else Concern.POWERSET
    return CheckItem(
        f"samples_needed_{formulation}",
        status,
        estimate if counted else None,
        concerns,
        {
            "formulation": formulation,
            "metric": ctx.metric,
            "status": str(need.status),
            "target_kind": str(need.target_kind),
            "target": need.target,
            "estimate": estimate,
            "low": need.n.low,
            "high": need.n.high,
            "counted": counted,
            "reason": None if need.reason is None else str(need.reason),
            "n_samples": ctx.profile.n_samples,
        },
    )


def _analytic_sigmoid(ctx: CheckContext) -> CheckItem | None:
    analytic = ctx.fits.sample_size if ctx.fits is not None else None
    if analytic is None or analytic.sigmoid_n is None:
        return None
    binding = analytic.sigmoid_binding_label
    n = ctx.profile.n_samples
    reason = analytic.sigmoid_not_applicable
    return CheckItem(
        "analytic_sigmoid",
        # a criterion that does not apply never warns
        PASS if reason is not None or n >= analytic.sigmoid_n else WARN,
        None if reason is not None else float(analytic.sigmoid_n),
        Concern.SIGMOID,
        {
            "n_needed": analytic.sigmoid_n,
            "n_samples": n,
            "n_predictors": analytic.n_predictors,
            "label": ctx.profile.label_names[binding] if binding is not None else "?",
            "not_applicable": None if reason is None else str(reason),
        },
    )


def _analytic_powerset(ctx: CheckContext) -> CheckItem | None:
    analytic = ctx.fits.sample_size if ctx.fits is not None else None
    if analytic is None or analytic.powerset is None:
        return None
    n = ctx.profile.n_samples
    reason = analytic.powerset_not_applicable
    return CheckItem(
        "analytic_powerset",
        PASS if reason is not None or n >= analytic.powerset.n else WARN,
        None if reason is not None else float(analytic.powerset.n),
        Concern.POWERSET,
        {
            "n_needed": analytic.powerset.n,
            "n_samples": n,
            "n_categories": analytic.powerset.n_categories,
            "n_predictors": analytic.n_predictors,
            "not_applicable": None if reason is None else str(reason),
        },
    )


def _conflicting_duplicates(ctx: CheckContext) -> CheckItem:
    # The profile measured them; a profile rebuilt from JSON has not kept the rows.
    duplicates = ctx.profile.duplicates or conflicting_duplicates(ctx.dataset)
    share, limit = duplicates.share_conflicting, ctx.thresholds.conflict_share_fail
    if duplicates.n_conflicting_groups:
        ctx.notes.append(
            Note(
                NoteCode.CONFLICTING_DUPLICATES,
                {
                    "dataset": ctx.dataset.name,
                    "n_samples": duplicates.n_conflicting_samples,
                    "share": share,
                    "n_groups": duplicates.n_conflicting_groups,
                    "examples": [list(group) for group in duplicates.examples[:3]],
                },
            )
        )
    status = PASS if duplicates.n_conflicting_groups == 0 else (FAIL if share > limit else WARN)
    return CheckItem(
        "conflicting_duplicates",
        status,
        share,
        Concern.DATA,
        {
            "n_conflicting_samples": duplicates.n_conflicting_samples,
            "share": share,
            "n_conflicting_groups": duplicates.n_conflicting_groups,
            "n_duplicate_samples": duplicates.n_duplicate_samples,
            "n_duplicate_groups": duplicates.n_duplicate_groups,
            "fail": limit,
        },
    )


#: The checks in the checklist's order, by item id; each returns its item or None (not
#: applicable, e.g. without fits).
CHECKS: dict[str, Callable[[CheckContext], CheckItem | None]] = {
    "label_positives": _label_positives,
    "constant_labels": _constant_labels,
    "rare_labelsets": _rare_labelsets,
    "unseen_labelsets": _unseen_labelsets,
    "powerset_memory": _powerset_memory,
    "imbalance": _imbalance,
    "scumble": _scumble,
    "label_dependence": _label_dependence,
    "curve_slope": _curve_slope,
    **{
        f"samples_needed_{name}": partial(_samples_needed, formulation=name)
        for name in FORMULATIONS
    },
    "analytic_sigmoid": _analytic_sigmoid,
    "analytic_powerset": _analytic_powerset,
    "conflicting_duplicates": _conflicting_duplicates,
}


def build_checklist(
    dataset: MultilabelDataset,
    profile,
    curves,
    fits,
    *,
    min_positives: int = DecisionOptions.min_positives,
    memory_budget: int = DecisionOptions.memory_budget,
    rare_count: int = DecisionOptions.rare_count,
    metric: str = DecisionOptions.metric,
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
        ``conflicting_duplicates``. :func:`feasibility.report.explain.checklist_json`
        writes their texts.

    Raises
    ------
    ParameterError
        For a wrong stage result or an option out of range.

    Warns
    -----
    DecisionWarning
        A :class:`~feasibility.errors.FeasibilityWarning` when identical feature rows carry
        different labelsets (also in ``notes``).

    See Also
    --------
    recommend : the decision from the same results.
    """
    owner = "build_checklist"
    dataset = require_dataset(dataset, owner)
    check_stage_results(owner, profile, curves, fits, curves_optional=True)
    DecisionOptions.checked(
        owner,
        min_positives=min_positives,
        rare_count=rare_count,
        memory_budget=memory_budget,
        metric=metric,
    )
    thresholds = CheckThresholds(
        min_positives=int(min_positives),
        rare_count=int(rare_count),
        memory_budget=int(memory_budget),
    )
    ctx = CheckContext(dataset, profile, curves, fits, metric, thresholds)
    items = tuple(item for check in CHECKS.values() if (item := check(ctx)) is not None)
    for note in ctx.notes:
        warnings.warn(DecisionWarning(note), stacklevel=2)
    return Checklist(items=items, notes=tuple(ctx.notes))
