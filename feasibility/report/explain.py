"""Sentences from numbers: the decision's reasons, where it compared, its notes, and the
checklist's texts.

The decision stage (:mod:`feasibility.decide`) returns numbers, enum statuses and codes.
This module turns its ``to_dict()`` form into the report JSON, where every code becomes
the sentence the HTML page, the terminal and the Markdown index show:
:func:`recommendation_json`, :func:`checklist_json`, or :func:`annotate` on the whole
result dict. It also writes the sentence of each note of the decision stage (registered
with :mod:`feasibility.notes`, so it is also the message of a
:class:`feasibility.decide.DecisionWarning`); the notes stay codes in the report JSON, as
every stage's do (:mod:`.explain_notes`).

Examples
--------
>>> place_text({"code": "measured_at_target", "train_size": 468})
'measured at 468 training samples'
>>> note_text({"code": "no_fitted_curve", "metric": "f1_micro", "candidate": "powerset",
...            "train_size": 1000})
'f1_micro: no fitted curve for powerset or sigmoid; not compared at 1,000.'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .._json import float_or_nan, json_int
from ..decide.codes import NoteCode
from ..decide.options import MIN_PAIRED_RUNS
from ..notes import register_note_texts
from .explain_checks import item_texts
from .explain_notes import note_text
from .explain_verdict import detectable_text, verdict_card
from .format import count, human_bytes, number, p_phrase, percent, signed

__all__ = [
    "TEST_NAMES",
    "annotate",
    "checklist_json",
    "comparison_sentence",
    "decision_note_text",
    "item_texts",
    "note_text",
    "place_text",
    "reason_text",
    "recommendation_json",
    "verdict_reason",
]

#: Human names of the paired tests (``Comparison.test`` codes).
TEST_NAMES = {
    "corrected-t": "corrected resampled paired t-test (Nadeau & Bengio 2003)",
    "paired-t": "paired t-test",
    "bootstrap": "paired bootstrap of the fitted curves",
}
_EFFECT_SIZE_KINDS = {
    "run_sd": "mean difference / sd of the run differences (Cohen's d_z)",
    "bootstrap_sd": "difference / bootstrap sd of the difference",
}
_FORMULATION_TITLES = {
    "sigmoid": "sigmoid",
    "powerset": "powerset",
    "full-powerset": "full 2^L powerset",
}


# ---- where the comparison was made ----------------------------------------------------


def place_text(place: Mapping | None) -> str:
    """The phrase saying at which training size (and how) a metric was compared."""
    if not place:
        return ""
    code, size = place["code"], place["train_size"]
    if code == "extrapolated_beyond":
        return (
            f"extrapolated to {size:,} training samples from the fitted curves "
            f"(the dataset has {place['n_samples']:,})"
        )
    if code == "fitted_below_smallest":
        return (
            f"read from the fitted curves at {size:,} training samples (below the smallest "
            f"measured size, {place['smallest']:,})"
        )
    if code == "fitted_size_cut":
        return (
            f"read from the fitted curves at {size:,} training samples ({_cut_runs(place)}; "
            f"the dataset has {place['n_samples']:,})"
        )
    if code == "measured_at_target":
        return f"measured at {size:,} training samples"
    if code == "measured_below_target":
        return (
            f"measured at {size:,} training samples (the largest measured size at or below "
            f"the target {place['target_n']:,})"
        )
    why = {
        "measured_largest_common": "the largest size every formulation reached",
        "measured_largest_every_fold": "the largest every fold reached",
        "measured_largest": "the largest size measured",
    }[code]
    return f"measured at {size:,} training samples ({why}; the dataset has {place['n_samples']:,})"


# ---- notes --------------------------------------------------------------------------------


def _untestable_text(code: str, n_runs: int, difference) -> str:
    if code == "equal_runs":
        return (
            f"every one of the {n_runs} paired runs gave the same difference "
            f"({signed(difference)}), so there is no variance to test it against"
        )
    if code == "equal_bootstrap":
        return "every bootstrap refit gave the same difference, so there is no variance to test it against"
    return code or ""


def _cut_runs(values: Mapping) -> str:
    """What the budget cut at a size: a formulation never measured there, or too few runs
    measuring every formulation to decide (older report JSON has no run counts)."""
    cut, paired = values["cut_size"], values.get("paired_runs")
    if not paired:
        return f"not every formulation was measured at {cut:,}"
    return (
        f"only {paired} of {values['n_runs']} runs measured every formulation at {cut:,}, "
        f"fewer than the {MIN_PAIRED_RUNS} a verdict needs"
    )


def decision_note_text(note: Mapping) -> str:
    """The sentence of one note of the decision stage (also its warning's message)."""
    code = note["code"]
    if code == "size_cut_fitted":
        return (
            f"The time budget cut a training size ({_cut_runs(note)}), "
            f"so the formulations were compared on their fitted curves at "
            f"{note['train_size']:,} training samples, which draw on every run, instead of on "
            f"measured scores."
        )
    if code == "size_cut_earlier":
        return (
            f"The training size {note['cut_size']:,} was not run for every formulation (cut by the time "
            f"budget) and no fitted curves were given, so the formulations were compared at "
            f"{note['train_size']:,}, the largest size every one of them reached."
        )
    if code == "untestable":
        why = _untestable_text(note["untestable"], note["n_runs"], note["difference"])
        return (
            f"{note['metric']}: {note['candidate']} vs sigmoid at {note['train_size']:,} training "
            f"samples: {why}; the difference is treated as not significant."
        )
    if code == "no_fitted_curve":
        return (
            f"{note['metric']}: no fitted curve for {note['candidate']} or sigmoid; not compared at "
            f"{note['train_size']:,}."
        )
    if code == "conflicting_duplicates":
        rows = ", ".join(str(list(group)) for group in note["examples"])
        return (
            f"{note['dataset']}: {note['n_samples']:,} samples ({percent(note['share'])}) are in "
            f"{note['n_groups']:,} groups of identical feature rows with different labelsets "
            f"(first rows: {rows}); no model can separate them."
        )
    raise KeyError(f"unknown note code {code!r}")


# ---- a metric's verdict ---------------------------------------------------------------------


def comparison_sentence(c: Mapping) -> str:
    """The numbers of one comparison (a ``Comparison.to_dict()``) as one clause."""
    size = c["train_size"]
    where = (
        f"at {size:,} training samples (measured, {c['n_runs']} paired runs)"
        if c["basis"] == "measured"
        else f"at {size:,} training samples (from the fitted curves)"
    )
    difference = float_or_nan(c["difference"])
    low, high = (float_or_nan(end) for end in c["interval"])
    interval = (
        f"{100 * c['confidence']:.1f}% interval of the difference [{signed(low)}, {signed(high)}], "
        if math.isfinite(low) and math.isfinite(high)
        else ""
    )
    p, p_adjusted = c["p_value"], c["p_value_adjusted"]
    # a missing p-value (NaN) never equals its adjusted value: both are then shown
    adjusted = (
        f" (Bonferroni-adjusted p {p_phrase(p_adjusted)})" if p is None or p_adjusted != p else ""
    )
    return (
        f"{c['candidate']} scored {number(abs(difference))} {'lower' if difference < 0 else 'higher'} "
        f"{c['metric']} than sigmoid ({number(c['candidate_score'])} vs {number(c['sigmoid_score'])}) "
        f"{where}; {interval}{TEST_NAMES.get(c['test'], c['test'])} p {p_phrase(p)}{adjusted}, "
        f"effect size {number(c['effect_size'], 2)}"
    )


def verdict_reason(verdict: Mapping, reason: Mapping) -> str:
    """The reason of one metric's verdict (a ``MetricVerdict.to_dict()``) from its code."""
    code, metric = reason["code"], reason.get("metric")
    if code == "no_sigmoid_curve":
        measured = ", ".join(reason["measured"])
        return (
            f"No sigmoid curve was measured for {metric} (measured: {measured or 'none'}), so "
            "nothing could be compared with the default; sigmoid stays the recommendation, "
            "untested on this data. Measure sigmoid too (--formulations "
            "sigmoid,powerset,pruned-powerset) to compare."
        )
    if code == "no_label_varies":
        return (
            f"No label varies in this data (each of the {reason['n_labels']} is always 0 or "
            f"always 1 in the {reason['n_samples']:,} samples), so there is nothing to learn "
            f"and nothing was compared on {metric}; sigmoid is only the default. Check which "
            "columns are the labels (--labels, --labels-last, --label-column)."
        )
    if code == "no_candidate_curve":
        return f"No powerset or pruned-powerset curve was measured for {metric}, so sigmoid (the default) stays."
    why = {
        "different_sizes": "the formulations were measured at different training sizes",
        "no_size": f"no training size at or below {reason.get('bound', 0):,} was measured and no "
        "fitted curves were given",
        "no_paired_size": "no training size has at least 2 runs of every formulation",
    }.get(code)
    if why is not None:
        return f"Nothing could be compared on {metric}: {why}; sigmoid (the default) stays."
    if code == "beyond_horizon":
        return (
            f"Nothing is compared on {metric} at {reason['train_size']:,} training samples: "
            f"that is beyond the validated horizon ({reason['limit']:,}, 10x the largest "
            "training size), where extrapolated curves are not estimable from this data; "
            "sigmoid (the default) stays. Ask for a size within the horizon, or measure "
            "larger training sizes."
        )
    if code == "no_fitted_curves":
        return (
            f"No fitted curves to compare {metric} at {reason['train_size']:,} training samples; "
            "sigmoid (the default) stays."
        )
    c = verdict["comparisons"][verdict["candidate"]]
    numbers = comparison_sentence(c)
    if code == "candidate_better":
        return f"{numbers}: {verdict['formulation']} is significantly better and its output layer fits the memory budget."
    if code == "over_budget":
        return (
            f"{numbers}: {c['candidate']} is significantly better, but its output layer needs "
            f"{human_bytes(c['head_bytes'])}, over the {human_bytes(reason['memory_budget'])} memory "
            "budget, so sigmoid."
        )
    if code == "close_untestable":
        why = _untestable_text(c["untestable"], c["n_runs"], c["difference"])
        return f"{numbers}: too close to call ({why}), so sigmoid, the default."
    if code == "close_few_runs":
        return (
            f"{numbers}: too close to call (only {c['n_source_runs']} paired run(s); at least "
            f"{reason['min_runs']} are needed before a difference can decide), so sigmoid, the default."
        )
    if code == "close":
        detectable = detectable_text(c)
        limits = f"; {detectable}" if detectable else ""
        return (
            f"{numbers}: no detectable difference (the interval includes 0{limits}), "
            "so sigmoid as the cheaper default — not a finding that it is better."
        )
    return f"{numbers}: sigmoid is significantly better."


# ---- the reasons of the headline -------------------------------------------------------------


def reason_text(reason: Mapping, recommendation: Mapping) -> str:
    """One reason of the headline (a ``Reason.to_dict()``) as a sentence."""
    code = reason["code"]
    if code == "headline_verdict":
        verdict = recommendation["per_metric"][recommendation["metric"]]
        return (
            verdict["reason"]
            if isinstance(verdict["reason"], str)
            else verdict_reason(verdict, verdict["reason"])
        )
    if code == "sigmoid_default":
        return (
            f"Sigmoid is the default when the evidence is not clear: its head has "
            f"{reason['n_labels']} outputs against {reason['n_labelsets']:,} for the "
            "powerset, and it can predict label combinations never seen in training."
        )
    if code == "rare_labelsets":
        return (
            f"{percent(reason['share'])} of samples carry a label combination seen fewer than "
            f"{reason['rare_count']} times; a softmax over {reason['n_labelsets']:,} "
            f"combinations has {count(reason['labelset_median'])} samples per class on median, "
            f"against {count(reason['label_median'])} positives per label for the sigmoids "
            f"(rarest label: {reason['label_min']:,})."
        )
    if code == "unseen_labelsets":
        measured = (
            ""
            if reason["cv_train_size"] is None
            else (
                f"; in the cross-validation {percent(reason['cv_share'])} of test samples had a combination "
                f"absent from the {reason['cv_train_size']:,} training samples"
            )
        )
        return (
            f"Good-Turing estimates that {percent(reason['mass'])} of new samples carry a label "
            f"combination never seen before ({reason['n_seen_once']:,} combinations occur once)"
            f"{measured}; a powerset can never predict those exactly."
        )
    if code == "head_memory":
        return _head_memory_text(reason)
    if code == "label_dependence":
        return (
            f"{reason['n_dependent']:,} of {reason['n_tested']:,} label pairs are significantly "
            f"dependent (Benjamini-Hochberg q <= {reason['alpha']:g}; {reason['n_positive']:,} "
            f"co-occur more than chance, {reason['n_negative']:,} less)"
            + (
                "; without dependence a sigmoid per label loses nothing by ignoring it."
                if reason["n_dependent"] == 0
                else "; this is what a powerset could exploit, and the curves measure whether it does."
            )
        )
    if code == "slopes":
        parts = [
            f"{s['formulation']} {signed(s['estimate'])} [{signed(s['low'])}, {signed(s['high'])}] ({s['verdict']})"
            for s in reason["slopes"]
        ]
        return (
            f"Change of {reason['metric']} per doubling of the training data at the largest size: "
            + "; ".join(parts)
            + "."
        )
    if code == "crossover":
        return (
            f"The fitted {reason['metric']} curves of {reason['first']} and {reason['second']} cross "
            f"near {count(reason['n'])} training samples [{count(reason.get('low'))}, "
            f"{count(reason.get('high'))}], in {percent(reason.get('p_crossover'))} of the "
            f"bootstrap fits (leader now: {reason['leader_now']}; at the horizon, "
            f"{count(reason.get('limit'))}: {reason['leader_at_limit']})."
        )
    if code == "other_metrics":
        disagree = [
            f"{d['metric']}: {d['formulation']}"
            + (" (no detectable difference)" if d["too_close_to_call"] else "")
            for d in reason["disagree"]
        ]
        return "Other metrics give a different verdict: " + "; ".join(disagree) + "."
    raise KeyError(f"unknown reason code {code!r}")


def _head_memory_text(reason: Mapping) -> str:
    powerset_bytes = json_int(reason["powerset_bytes"])
    budget = json_int(reason["memory_budget"])
    within = "within" if powerset_bytes <= budget else "over"
    return (
        f"The powerset output layer has {json_int(reason['powerset_params']):,} parameters "
        f"({human_bytes(powerset_bytes)} in float32), {within} the {human_bytes(budget)} budget; "
        f"the sigmoid layer has {json_int(reason['sigmoid_params']):,} "
        f"({human_bytes(reason['sigmoid_bytes'])}) and the full 2^{reason['n_labels']} powerset "
        f"would need {human_bytes(reason['full_bytes'])}."
    )


# ---- the report JSON ------------------------------------------------------------------------


def _comparison_json(c: Mapping) -> dict:
    texts = {
        "test": TEST_NAMES.get(c["test"], c["test"]),
        "effect_size_kind": _EFFECT_SIZE_KINDS.get(c["effect_size_kind"], c["effect_size_kind"]),
        "untestable": _untestable_text(c["untestable"], c["n_runs"], c["difference"]),
    }
    return {key: texts.get(key, value) for key, value in c.items()}


def _verdict_json(verdict: Mapping) -> dict:
    out = dict(verdict)
    out["test"] = (
        None if verdict["test"] is None else TEST_NAMES.get(verdict["test"], verdict["test"])
    )
    out["comparisons"] = {name: _comparison_json(c) for name, c in verdict["comparisons"].items()}
    out["reason"] = verdict_reason(verdict, verdict["reason"])
    out["compared_at"] = place_text(verdict["compared_at"])
    if verdict.get("plain_decoding"):
        out["plain_decoding"] = _verdict_json(verdict["plain_decoding"])
    return out


def _head_row_json(row: Mapping) -> dict:
    name = row["formulation"]
    title = (
        f"pruned-powerset (labelsets seen >= {row['min_count']} times)"
        if name == "pruned-powerset"
        else _FORMULATION_TITLES[name]
    )
    return {
        "formulation": name,
        "title": title,
        "n_outputs": row["n_outputs"],
        "n_params": row["n_params"],
        "float32_bytes": row["float32_bytes"],
        "float32_bytes_human": human_bytes(row["float32_bytes"]),
        "samples_per_param": row["samples_per_param"],
        "fits_memory_budget": row["fits_memory_budget"],
        "samples_needed": row["samples_needed"],
    }


def recommendation_json(recommendation: Mapping) -> dict:
    """The report JSON's ``recommendation`` from ``Recommendation.to_dict()``: every code
    written out (``reasons``, ``compared_at``, each verdict's ``reason``, the tests' names,
    the head titles and ``memory_budget_human``); the notes stay codes."""
    rec = recommendation
    out = {
        key: rec[key]
        for key in ("metric", "formulation", "too_close_to_call", "target_n", "train_size")
    }
    out["compared_at"] = place_text(rec["compared_at"])
    out["basis"] = rec["basis"]
    out["reasons"] = [reason_text(reason, rec) for reason in rec["reasons"]]
    out["per_metric"] = {metric: _verdict_json(v) for metric, v in rec["per_metric"].items()}
    out["head_table"] = [_head_row_json(row) for row in rec["head_table"]]
    out["memory_budget"] = rec["memory_budget"]
    out["memory_budget_human"] = human_bytes(rec["memory_budget"])
    out.update(alpha=rec["alpha"], test=rec["test"], notes=[dict(n) for n in rec["notes"]])
    out["tuning"] = list(rec.get("tuning", ()))
    out["card"] = verdict_card(rec)
    return out


def checklist_json(checklist: Mapping) -> dict:
    """The report JSON's ``checklist`` from ``Checklist.to_dict()``: each item's title,
    value text, threshold and explanation written out (the notes stay codes).

    Items already written out (from a report JSON) are kept as they are.
    """
    items = []
    for item in checklist["items"]:
        if "details" not in item:
            items.append(dict(item))
            continue
        texts = item_texts(item)
        items.append(
            {
                "id": item["id"],
                "title": texts["title"],
                "status": item["status"],
                "value": item["value"],
                "value_text": texts["value_text"],
                "threshold": texts["threshold"],
                "explanation": texts["explanation"],
                "concerns": item["concerns"],
            }
        )
    return {
        "status": checklist["status"],
        "counts": dict(checklist["counts"]),
        "items": items,
        "notes": [dict(n) for n in checklist.get("notes", [])],
    }


def _is_coded(recommendation: Mapping) -> bool:
    return "memory_budget_human" not in recommendation


def annotate(result: dict) -> dict:
    """Write out the decision's codes in a result dict (in place), and return it.

    ``result["recommendation"]`` and ``result["checklist"]`` in their ``to_dict()`` form
    become the report JSON's form; parts that are already written out stay as they are.
    """
    if "recommendation" in result and _is_coded(result["recommendation"]):
        result["recommendation"] = recommendation_json(result["recommendation"])
    if "checklist" in result:
        result["checklist"] = checklist_json(result["checklist"])
    return result


register_note_texts({code: decision_note_text for code in NoteCode})
