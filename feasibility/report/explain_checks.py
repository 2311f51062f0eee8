"""The checklist's texts: title, value text, threshold and explanation of each item.

One function per item id (:data:`ITEM_TEXTS`, the counterpart of
:data:`feasibility.decide.CHECKS`), each reading the item's status and ``details`` (the
numbers the check measured, with its thresholds). A new check adds its function here.

Examples
--------
>>> texts = item_texts({"id": "scumble", "status": "warn", "value": 0.2,
...                     "details": {"scumble": 0.2, "limit": 0.1}})
>>> texts["value_text"], texts["threshold"]
('SCUMBLE 0.200', '<= 0.1 (Charte et al. 2019)')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .._json import json_int
from .format import count, human_bytes, not_estimable, number, percent, signed

__all__ = ["ITEM_TEXTS", "item_texts"]

_SAMPLES_NEEDED = "samples_needed_"


def _texts(title: str, value_text: str, threshold: str, explanation: str) -> dict[str, str]:
    return {
        "title": title,
        "value_text": value_text,
        "threshold": threshold,
        "explanation": explanation,
    }


def _label_positives(item: Mapping, d: Mapping) -> dict[str, str]:
    minimum, rarest = d["min_positives"], d["rarest"]
    listed = ", ".join(f"{name!r} ({positives})" for name, positives in d["short"])
    return _texts(
        f"Every label has at least {minimum} positives",
        f"rarest label: {f'{rarest:,} positives' if rarest is not None else 'n/a'}; "
        f"{d['n_short']} of {d['n_learnable']} labels below {minimum}",
        f">= {minimum} positives per label (fail when more than {percent(d['most_labels_share'])} of "
        "the labels are below)",
        "Every label has enough positives for its own sigmoid."
        if d["n_short"] == 0
        else f"These labels have too few positives for a reliable sigmoid: {listed}"
        + (" ..." if d["n_short"] > 10 else "")
        + ". Their scores will be noisy whatever the formulation.",
    )


def _constant_labels(item: Mapping, d: Mapping) -> dict[str, str]:
    n_labels = d["n_labels"]
    constant = [f"{name!r} (never positive)" for name in d["never"]] + [
        f"{name!r} (always positive)" for name in d["always"]
    ]
    nothing_to_learn = len(constant) == n_labels
    if nothing_to_learn:
        explanation = (
            f"Every one of the {n_labels:,} labels is constant"
            + (" (there is no positive label at all)" if len(d["never"]) == n_labels else "")
            + ": the dataset has nothing to learn. Check that the right columns were taken as "
            "labels (--labels, --labels-last, --label-column) and that the file is complete."
        )
    elif constant:
        explanation = (
            "Constant labels carry no information; drop them or predict them as constants: "
            + ", ".join(constant[:10])
            + ("..." if len(constant) > 10 else "")
            + "."
        )
    else:
        explanation = "Every label has both positive and negative samples."
    return _texts(
        "No label is constant",
        f"{len(constant):,} of {n_labels:,} labels constant"
        + (": nothing to learn" if nothing_to_learn else ""),
        "0 constant labels (fail when every label is constant: nothing to learn)",
        explanation,
    )


def _rare_labelsets(item: Mapping, d: Mapping) -> dict[str, str]:
    share, rare = percent(d["share"]), d["rare_count"]
    return _texts(
        f"Few samples in labelsets seen fewer than {rare} times",
        f"{share} of samples ({d['n_rare']:,} of {d['n_labelsets']:,} labelsets)",
        f"<= {percent(d['warn'])} pass, <= {percent(d['fail'])} warn, above fail",
        f"A powerset softmax has one class per labelset; {share} of the samples belong "
        f"to classes with fewer than {rare} examples, which it can barely learn "
        f"(median {count(d['labelset_median'])} samples per labelset).",
    )


def _unseen_labelsets(item: Mapping, d: Mapping) -> dict[str, str]:
    mass = d["mass"]
    capped = None if mass is None else 1 - mass
    return _texts(
        "Small chance of label combinations never seen in training",
        f"{percent(mass)} (Good-Turing N1/N = {d['n_seen_once']:,}/{d['n_samples']:,})",
        f"<= {percent(d['warn'])} pass, <= {percent(d['fail'])} warn, above fail",
        f"About {percent(mass)} of new samples will carry a label combination absent from the "
        "training data; a powerset cannot predict it exactly (its subset accuracy is capped at "
        f"about {percent(capped)}), a sigmoid per label can. Doubling the data would reveal about "
        f"{count(d['new_if_doubled'])} new combinations (Efron-Thisted).",
    )


def _powerset_memory(item: Mapping, d: Mapping) -> dict[str, str]:
    powerset_bytes, budget = json_int(d["powerset_bytes"]), json_int(d["memory_budget"])
    return _texts(
        "The powerset output layer fits the memory budget",
        f"{human_bytes(powerset_bytes)} ({json_int(d['powerset_params']):,} float32 parameters)",
        f"<= {human_bytes(budget)}",
        f"{json_int(d['powerset_outputs']):,} outputs on a {d['hidden']:,}-wide input; the pruned "
        f"powerset needs {human_bytes(d['pruned_bytes'])} ({d['pruned_outputs']:,} outputs), sigmoid "
        f"{human_bytes(d['sigmoid_bytes'])}, the full 2^{d['n_labels']} powerset "
        f"{human_bytes(d['full_bytes'])}."
        + (
            ""
            if powerset_bytes <= budget
            else " The powerset cannot be recommended under this budget."
        ),
    )


def _imbalance(item: Mapping, d: Mapping) -> dict[str, str]:
    return _texts(
        "Labels are not strongly imbalanced (MeanIR)",
        f"MeanIR {number(d['mean_ir'], 2)} (MaxIR {number(d['max_ir'], 1)})",
        f"<= {d['limit']} (Charte et al. 2015)",
        "MeanIR is the mean over labels of (count of the most frequent label / count of the "
        f"label). Above {d['limit']} the label set is imbalanced: rare labels get low recall unless "
        "weighted or resampled, and macro-F1 suffers first.",
    )


def _scumble(item: Mapping, d: Mapping) -> dict[str, str]:
    return _texts(
        "Rare and frequent labels rarely concur (SCUMBLE)",
        f"SCUMBLE {number(d['scumble'], 3)}",
        f"<= {d['limit']} (Charte et al. 2019)",
        "SCUMBLE measures how often rare labels appear together with frequent ones in the "
        f"same sample. Above {d['limit']}, resampling the rare labels also duplicates frequent ones, "
        "so imbalance is hard to fix by resampling.",
    )


def _label_dependence(item: Mapping, d: Mapping) -> dict[str, str]:
    return _texts(
        "Label dependence that a sigmoid per label ignores",
        f"{d['n_dependent']:,} of {d['n_tested']:,} pairs dependent",
        f"0 dependent pairs at Benjamini-Hochberg q <= {d['alpha']:g}",
        "No pair of labels is significantly dependent: independent sigmoids lose nothing by ignoring it."
        if d["n_dependent"] == 0
        else "Dependent labels are what a powerset (or a classifier chain) can exploit; whether that "
        "pays off on this data is what the learning curves measure.",
    )


def _curve_slope(item: Mapping, d: Mapping) -> dict[str, str]:
    rising = d["rising"]
    return _texts(
        f"Learning curves flat at the current size ({d['metric']})",
        "; ".join(
            f"{s['formulation']}: unknown (too few measured sizes)"
            if s["verdict"] == "unknown"
            else f"{s['formulation']}: {signed(s['estimate'])} per doubling ({s['verdict']})"
            for s in d["slopes"]
        ),
        f"gain per doubling < {d['meaningful_gain']} (upper 90% bound)",
        "More data would still improve "
        + ", ".join(rising)
        + "; the verdict may change with more samples (see the extrapolation)."
        if rising
        else "Every curve has flattened: more samples of the same kind would not change the scores much.",
    )


_REACHES = {
    "reached": "with the data at hand.",
    "reachable": "only with more data (extrapolated from the fitted curve, within the validated horizon).",
}


def _samples_needed(item: Mapping, d: Mapping) -> dict[str, str]:
    name, metric, status, n = d["formulation"], d["metric"], d["status"], d["n_samples"]
    kind = (
        "the target"
        if d["target_kind"] == "user"
        else "the size from which a doubling of the data gains less than 0.01"
    )
    target, said = number(d["target"]), status.replace("_", " ")
    if d["counted"]:
        value_text = (
            f"{count(d['estimate'])} needed [{count(d['low'])}, {count(d['high'])}] "
            f"for {metric} {target}; {n:,} available ({said})"
        )
    elif status == "reached":
        value_text = f"{metric} {target} reached with the {n:,} samples available"
    elif status == "unknown":
        value_text = f"unknown: too few measured training sizes to fit a curve; {n:,} available"
    else:
        value_text = f"{metric} {target}: {not_estimable(d.get('reason'))}; {n:,} available"
    return _texts(
        f"Samples needed by {name} vs available ({metric})",
        value_text,
        f"{kind} reached with the {n:,} samples available",
        f"Measure more training sizes (--n-sizes, or more data) to estimate what {name} needs."
        if status == "unknown"
        else f"{name} reaches {metric} {target} ({kind}) " + _REACHES[status]
        if status in _REACHES
        else f"How many samples {name} needs is {not_estimable(d.get('reason'))}; measure "
        "larger training sizes to narrow it.",
    )


_NOT_APPLICABLE = {
    "many_predictors": "the {p:,} predictors are more than a tenth of the {n:,} samples",
    "conservative_r2": "the data gave no usable R^2, so its number would only restate the "
    "conservative default R^2 it had to assume",
    "own_estimator": "the heads are your own estimator, not the logistic models it sizes",
}
_UNPENALISED = (
    " Both analytic criteria assume an unpenalised maximum-likelihood model; the heads "
    "measured here are penalised and tuned."
)


def _analytic_value(d: Mapping, needed: str) -> str:
    reason = d.get("not_applicable")
    if reason:
        why = _NOT_APPLICABLE[reason].format(p=d["n_predictors"], n=d["n_samples"])
        return f"not applicable: {why}"
    return f"{needed}; {d['n_samples']:,} available"


def _analytic_sigmoid(item: Mapping, d: Mapping) -> dict[str, str]:
    return _texts(
        "Riley's minimum sample size for the sigmoids",
        _analytic_value(d, f"{d['n_needed']:,} needed (label {d['label']!r})"),
        "n_samples >= Riley et al. (2020) minimum for every label's logistic model",
        f"Analytic cross-check for a logistic model per label with {d['n_predictors']:,} "
        "predictors (shrinkage >= 0.9, small optimism, precise intercept)." + _UNPENALISED,
    )


def _analytic_powerset(item: Mapping, d: Mapping) -> dict[str, str]:
    return _texts(
        "Pate's minimum sample size for the powerset softmax",
        _analytic_value(d, f"{d['n_needed']:,} needed"),
        "n_samples >= Pate et al. (2023) minimum for the multinomial model",
        "Analytic cross-check for a multinomial logistic model over the "
        f"{d['n_categories']:,} labelsets the pruned powerset keeps, with "
        f"{d['n_predictors']:,} predictors." + _UNPENALISED,
    )


def _conflicting_duplicates(item: Mapping, d: Mapping) -> dict[str, str]:
    share = percent(d["share"])
    return _texts(
        "No identical feature rows with different labels",
        f"{d['n_conflicting_samples']:,} samples ({share}) in {d['n_conflicting_groups']:,} conflicting "
        f"groups; {d['n_duplicate_samples']:,} samples in {d['n_duplicate_groups']:,} duplicate groups",
        f"0 pass, <= {percent(d['fail'])} of samples warn, above fail",
        "Identical inputs with different labelsets are label noise (or missing features): "
        "they cap every model's subset accuracy."
        if d["n_conflicting_groups"]
        else "No two samples with identical features disagree on their labels.",
    )


#: The texts of each checklist item, by item id (``samples_needed_<formulation>`` share one).
ITEM_TEXTS: dict[str, Callable[[Mapping, Mapping], dict[str, str]]] = {
    "label_positives": _label_positives,
    "constant_labels": _constant_labels,
    "rare_labelsets": _rare_labelsets,
    "unseen_labelsets": _unseen_labelsets,
    "powerset_memory": _powerset_memory,
    "imbalance": _imbalance,
    "scumble": _scumble,
    "label_dependence": _label_dependence,
    "curve_slope": _curve_slope,
    _SAMPLES_NEEDED: _samples_needed,
    "analytic_sigmoid": _analytic_sigmoid,
    "analytic_powerset": _analytic_powerset,
    "conflicting_duplicates": _conflicting_duplicates,
}


def item_texts(item: Mapping) -> dict[str, str]:
    """``{"title", "value_text", "threshold", "explanation"}`` of one ``CheckItem.to_dict()``."""
    key = _SAMPLES_NEEDED if item["id"].startswith(_SAMPLES_NEEDED) else item["id"]
    return ITEM_TEXTS[key](item, item["details"])
