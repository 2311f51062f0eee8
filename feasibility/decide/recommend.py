"""The decision: a verdict per metric and the headline, :func:`recommend`.

Sigmoid (one sigmoid output per label) is the default; a powerset softmax over label
combinations has to earn its place. For every metric each candidate is compared with
sigmoid at the target training size (:mod:`feasibility.decide.compare`). A powerset (or
pruned powerset) is recommended only when it is significantly better (Bonferroni over the
candidates compared), backed by at least :data:`MIN_PAIRED_RUNS` runs, and its output
layer fits the memory budget. When no comparison is significant the verdict is "too close
to call", and sigmoid stays. The reasons are codes with their numbers; the report layer
(:mod:`feasibility.report.explain`) writes them out.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np

from ..errors import invalid_parameter
from ..fit.status import CROSSOVER_RANGE, CrossoverStatus
from ..vocab import FORMULATIONS, LOSS_METRICS, METRICS
from .codes import Basis, DecisionWarning, Note, Place, Reason, ReasonCode, VerdictCode
from .compare import Plan, Setting, extrapolated_comparison, measured_comparison, plan
from .heads import head_bytes, head_table
from .options import CANDIDATES, MIN_PAIRED_RUNS, DecisionOptions, check_stage_results
from .results import Comparison, MetricVerdict, Recommendation
from .tuning import tuning_summary

__all__ = ["recommend"]


def _stays(metric: str, reason: Reason, *, place: Place | None = None) -> MetricVerdict:
    """Sigmoid, the default, stays: nothing (or nothing usable) was compared, which is not
    a tie, so not "too close to call"."""
    return MetricVerdict(
        metric=metric,
        formulation="sigmoid",
        too_close_to_call=False,
        lower_is_better=metric in LOSS_METRICS,
        deciding=None,
        comparisons={},
        reason=reason,
        compared_at=place,
    )


def _compare_metric(
    curves, fits, metric: str, options: DecisionOptions, heads: dict[str, int], notes: list[Note]
) -> MetricVerdict:
    if "sigmoid" not in curves.curves or metric not in curves.curves["sigmoid"].scores:
        measured = [name for name in curves.curves if metric in curves.curves[name].scores]
        return _stays(
            metric, Reason(VerdictCode.NO_SIGMOID_CURVE, {"metric": metric, "measured": measured})
        )
    available = [c for c in CANDIDATES if c in curves.curves and metric in curves.curves[c].scores]
    if not available:
        return _stays(metric, Reason(VerdictCode.NO_CANDIDATE_CURVE, {"metric": metric}))
    where = plan(curves, fits, ["sigmoid", *available], metric, options.target_n)
    if isinstance(where, Reason):
        return _stays(metric, where)
    if where.note is not None:
        notes.append(where.note)
    setting = Setting(
        metric=metric,
        sign=-1.0 if metric in LOSS_METRICS else 1.0,
        level=1.0 - options.alpha / len(available),  # Bonferroni over the candidates compared
        n_candidates=len(available),
        alpha=options.alpha,
        head_bytes=heads,
        memory_budget=options.memory_budget,
    )
    comparisons = _comparisons(curves, fits, available, where, setting, options.test, notes)
    if not comparisons:
        return _stays(
            metric,
            Reason(
                VerdictCode.NO_FITTED_CURVES, {"metric": metric, "train_size": where.train_size}
            ),
            place=where.place,
        )
    verdict = _decide(metric, comparisons, options.memory_budget, where.place)
    plain = None
    tuned = all(curves.curves[name].scores_plain for name in ["sigmoid", *available])
    if where.basis == Basis.MEASURED and tuned:
        plain_comparisons = _comparisons(
            curves, fits, available, where, setting, options.test, [], plain=True
        )
        plain = _decide(metric, plain_comparisons, options.memory_budget, where.place)
    at_n = None
    n = int(curves.n_samples)
    if fits is not None and where.basis == Basis.MEASURED and where.train_size < n:
        if options.target_n is None or options.target_n >= n:
            candidate = (verdict.deciding or next(iter(comparisons.values()))).candidate
            at_n, _ = extrapolated_comparison(curves, fits, candidate, n, setting)
    return replace(verdict, plain_decoding=plain, at_dataset_size=at_n)


def _comparisons(
    curves, fits, available, where: Plan, setting: Setting, test: str, notes, *, plain: bool = False
) -> dict[str, Comparison]:
    comparisons: dict[str, Comparison] = {}
    for candidate in available:
        if where.basis == Basis.MEASURED:
            comparison, note = measured_comparison(
                curves, candidate, where, setting, test=test, plain=plain
            )
        else:
            comparison, note = extrapolated_comparison(
                curves, fits, candidate, where.train_size, setting
            )
        if note is not None:
            notes.append(note)
        if comparison is not None:
            comparisons[candidate] = comparison
    return comparisons


def _decide(
    metric: str, comparisons: dict[str, Comparison], memory_budget: int, place: Place
) -> MetricVerdict:
    better = [c for c in comparisons.values() if c.decisive and c.advantage > 0]
    winners = [c for c in better if c.fits_memory_budget]
    worse = [c for c in comparisons.values() if c.decisive and c.advantage < 0]
    # The candidate whose comparison is inside the noise and closest to beating sigmoid.
    undecided = [c for c in comparisons.values() if not c.decisive] or list(comparisons.values())
    closest = max(undecided, key=lambda c: c.advantage if math.isfinite(c.advantage) else -math.inf)
    values: dict = {}
    if winners:
        deciding = max(winners, key=lambda c: c.advantage)
        formulation, close, code = deciding.candidate, False, VerdictCode.CANDIDATE_BETTER
    elif better:
        deciding = max(better, key=lambda c: c.advantage)
        formulation, close, code = "sigmoid", False, VerdictCode.OVER_BUDGET
        values = {"memory_budget": memory_budget}
    elif len(worse) == len(comparisons):
        deciding = max(worse, key=lambda c: c.advantage)
        formulation, close, code = "sigmoid", False, VerdictCode.SIGMOID_BETTER
    else:
        deciding, formulation, close = closest, "sigmoid", True
        if deciding.untestable:
            code = VerdictCode.CLOSE_UNTESTABLE
        elif deciding.significant and deciding.n_source_runs < MIN_PAIRED_RUNS:
            code, values = VerdictCode.CLOSE_FEW_RUNS, {"min_runs": MIN_PAIRED_RUNS}
        else:
            code = VerdictCode.CLOSE
    return MetricVerdict(
        metric=metric,
        formulation=formulation,
        too_close_to_call=close,
        lower_is_better=metric in LOSS_METRICS,
        deciding=deciding,
        comparisons=dict(comparisons),
        reason=Reason(code, values),
        compared_at=place,
    )


def recommend(
    profile,
    curves,
    fits,
    *,
    metric: str = DecisionOptions.metric,
    target_n: int | None = DecisionOptions.target_n,
    memory_budget: int = DecisionOptions.memory_budget,
    alpha: float = DecisionOptions.alpha,
    test: str = DecisionOptions.test,
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
        Headline metric (one of ``feasibility.vocab.METRICS``); every metric gets a
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
        Numbers and codes; :func:`feasibility.report.explain.recommendation_json` writes
        the reasons out.

    Raises
    ------
    ParameterError
        For an unknown metric or test, a non-positive budget or target, alpha outside
        (0, 1), or a ``target_n`` beyond the dataset without ``fits``.

    Warns
    -----
    DecisionWarning
        A :class:`~feasibility.errors.FeasibilityWarning` for each note (a size cut by
        the time budget, a difference without variance); also in ``notes``.

    See Also
    --------
    build_checklist : the pre-modelling checklist from the same results.
    """
    owner = "recommend"
    check_stage_results(owner, profile, curves, fits, curves_optional=False)
    options = DecisionOptions.checked(
        owner, metric=metric, test=test, alpha=alpha, memory_budget=memory_budget, target_n=target_n
    )
    target = int(profile.n_samples) if target_n is None else int(target_n)
    if target > curves.n_samples and fits is None:
        raise invalid_parameter(
            "target_n",
            owner,
            f"at most the dataset's {curves.n_samples:,} samples when no fits are given",
            target,
        )
    options = DecisionOptions(
        metric=metric,
        target_n=target,
        memory_budget=int(memory_budget),
        alpha=float(alpha),
        test=test,
    )
    return _recommendation(profile, curves, fits, options)


def _recommendation(profile, curves, fits, options: DecisionOptions) -> Recommendation:
    """Every metric's verdict, the notes (warned once each) and the headline."""
    raw_notes: list[Note] = []
    heads = head_bytes(profile, curves)
    counts = np.asarray(profile.label_counts)
    if ((counts == 0) | (counts == profile.n_samples)).all():
        # every head can only predict constants: the scores tie by construction, and a
        # "no detectable difference" would suggest a comparison that never happened
        reason = {"n_labels": int(counts.size), "n_samples": int(profile.n_samples)}
        per_metric = {
            m: _stays(m, Reason(VerdictCode.NO_LABEL_VARIES, {"metric": m, **reason}))
            for m in METRICS
        }
    else:
        per_metric = {
            m: _compare_metric(curves, fits, m, options, heads, raw_notes) for m in METRICS
        }
    notes: list[Note] = []
    for note in raw_notes:  # the same size note comes once per metric
        if note not in notes:
            notes.append(note)
    for note in notes:
        warnings.warn(DecisionWarning(note), stacklevel=3)
    headline = per_metric[options.metric]
    deciding = headline.deciding
    reasons = _reasons(
        profile, curves, fits, headline, per_metric, options.memory_budget, options.rare_count
    )
    return Recommendation(
        metric=options.metric,
        formulation=headline.formulation,
        too_close_to_call=headline.too_close_to_call,
        target_n=options.target_n,
        basis=(
            deciding.basis
            if deciding is not None
            else Basis.EXTRAPOLATED
            if options.target_n > curves.n_samples
            else Basis.MEASURED
        ),
        reasons=tuple(reasons),
        per_metric=per_metric,
        head_table=head_table(profile, curves, fits, options.metric, options.memory_budget),
        memory_budget=options.memory_budget,
        alpha=options.alpha,
        test=options.test,
        notes=tuple(notes),
        train_size=None if deciding is None else int(deciding.train_size),
        compared_at=headline.compared_at,
        tuning=tuning_summary(curves, None if deciding is None else int(deciding.train_size)),
    )


def _reasons(
    profile, curves, fits, headline, per_metric, memory_budget: int, rare_count: int
) -> list[Reason]:
    """The reasons behind the headline, as codes with their numbers, in reading order."""
    reasons = [Reason(ReasonCode.HEADLINE_VERDICT)]
    labelsets = profile.labelsets
    if headline.too_close_to_call:
        reasons.append(
            Reason(
                ReasonCode.SIGMOID_DEFAULT,
                {"n_labels": profile.n_labels, "n_labelsets": labelsets.n_labelsets},
            )
        )
    # Powerset data starvation.
    rare_share, _ = profile.rare_labelsets(rare_count)
    spc = profile.samples_per_class
    reasons.append(
        Reason(
            ReasonCode.RARE_LABELSETS,
            {
                "share": float(rare_share),
                "rare_count": rare_count,
                "n_labelsets": labelsets.n_labelsets,
                "labelset_median": spc.labelset_median,
                "label_median": spc.label_median,
                "label_min": spc.label_min,
            },
        )
    )
    reasons.append(_unseen_reason(profile, curves))
    heads = profile.heads
    reasons.append(
        Reason(
            ReasonCode.HEAD_MEMORY,
            {
                "powerset_params": heads.powerset.n_params,
                "powerset_bytes": heads.powerset.float32_bytes,
                "memory_budget": memory_budget,
                "sigmoid_params": heads.sigmoid.n_params,
                "sigmoid_bytes": heads.sigmoid.float32_bytes,
                "n_labels": profile.n_labels,
                "full_bytes": heads.full_powerset.float32_bytes,
            },
        )
    )
    co = profile.cooccurrence
    if co.n_tested_pairs:
        reasons.append(
            Reason(
                ReasonCode.LABEL_DEPENDENCE,
                {
                    "n_dependent": co.n_dependent_pairs,
                    "n_tested": co.n_tested_pairs,
                    "alpha": co.alpha,
                    "n_positive": co.n_positive_dependent_pairs,
                    "n_negative": co.n_negative_dependent_pairs,
                },
            )
        )
    if fits is not None:
        reasons.extend(_fit_reasons(fits, headline.metric))
    disagree = [
        {"metric": m, "formulation": v.formulation, "too_close_to_call": bool(v.too_close_to_call)}
        for m, v in per_metric.items()
        if m != headline.metric and v.formulation != headline.formulation
    ]
    if disagree:
        reasons.append(Reason(ReasonCode.OTHER_METRICS, {"disagree": disagree}))
    return reasons


def _unseen_reason(profile, curves) -> Reason:
    """Good-Turing's unseen mass, and the share the cross-validation actually met."""
    values = {
        "mass": profile.unseen.unseen_labelset_mass,
        "n_seen_once": profile.unseen.n_labelsets_seen_once,
        "cv_share": None,
        "cv_train_size": None,
    }
    curve = curves.curves.get("powerset")
    if curve is not None:
        share = curve.unseen_labelset_share
        if share.size and np.isfinite(share[:, -1]).any():
            values["cv_share"] = float(np.nanmean(share[:, -1]))
            values["cv_train_size"] = int(curve.train_sizes[-1])
    return Reason(ReasonCode.UNSEEN_LABELSETS, values)


def _fit_reasons(fits, metric: str) -> list[Reason]:
    """Slopes at the largest size and crossovers of the headline metric's fitted curves."""
    reasons = []
    slopes = []
    for name in FORMULATIONS:
        fit = fits.fits.get(name, {}).get(metric)
        if fit is None or fit.slope is None:
            continue
        gain = fit.slope.per_doubling
        slopes.append(
            {
                "formulation": name,
                "estimate": gain.estimate,
                "low": gain.low,
                "high": gain.high,
                "verdict": str(fit.slope.verdict),
            }
        )
    if slopes:
        reasons.append(Reason(ReasonCode.SLOPES, {"metric": metric, "slopes": slopes}))
    for crossing in fits.crossover.get(metric, {}).values():
        # only a crossover the data can place: within the horizon, interval at most 10x
        if crossing.status == CrossoverStatus.CROSSOVER:
            reasons.append(
                Reason(
                    ReasonCode.CROSSOVER,
                    {
                        "metric": metric,
                        "first": crossing.first,
                        "second": crossing.second,
                        "n": crossing.n.estimate,
                        "low": crossing.n.low,
                        "high": crossing.n.high,
                        "p_crossover": crossing.p_crossover,
                        "leader_now": crossing.leader_at_current,
                        "n_current": crossing.n_current,
                        "limit": CROSSOVER_RANGE * crossing.n_current,
                        "leader_at_limit": crossing.leader_at_limit,
                    },
                )
            )
    return reasons
