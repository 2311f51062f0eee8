"""The verdict card's sentences: the measured difference, what the runs could detect, the
tuned heads, what the plain decoding would have said, and the comparison at the dataset's
own size. They read the decision's ``to_dict()`` form (numbers and codes only)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .._json import float_or_nan
from .format import number, signed

__all__ = ["detectable_text", "verdict_card"]


def _interval(c: Mapping) -> str:
    low, high = (float_or_nan(end) for end in c["interval"])
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" [{signed(low)}, {signed(high)}]"


def _difference(c: Mapping) -> str:
    where = (
        f"measured at {c['train_size']:,} training samples, {c['n_runs']} paired runs"
        if c["basis"] == "measured"
        else f"fitted curves at {c['train_size']:,} training samples"
    )
    return (
        f"{c['candidate']} − sigmoid = {signed(c['difference'])}{_interval(c)} on "
        f"{c['metric']} ({where}; {100 * c['confidence']:.1f}% interval)"
    )


def detectable_text(c: Mapping) -> str | None:
    """'differences smaller than ±x cannot be detected with these runs', or None."""
    mde = float_or_nan(c.get("min_detectable_difference"))
    if not math.isfinite(mde):
        return None
    return (
        f"differences smaller than ±{number(mde)} cannot be detected with these runs "
        "(80% power at the same level)"
    )


def _plain_text(verdict: Mapping) -> str | None:
    plain = verdict.get("plain_decoding")
    if not plain:
        return None
    said = plain["formulation"] + (
        " (no detectable difference)" if plain["too_close_to_call"] else ""
    )
    same = plain["formulation"] == verdict["formulation"] and bool(
        plain["too_close_to_call"]
    ) == bool(verdict["too_close_to_call"])
    deciding = plain["comparisons"].get(plain.get("candidate") or "", None)
    numbers = f": {_difference(deciding)}" if deciding else ""
    return (
        f"With the plain decoding (sigmoid at 0.5, powerset by argmax) the verdict would be "
        f"{said}{numbers}" + (" — the same." if same else ".")
    )


def _at_n_text(verdict: Mapping) -> str | None:
    c = verdict.get("at_dataset_size")
    if not c:
        return None
    detectable = detectable_text(c)
    return (
        f"At the dataset's own size ({c['train_size']:,} samples, from the fitted curves): "
        f"{c['candidate']} − sigmoid = {signed(c['difference'])}{_interval(c)}"
        + (f"; {detectable}" if detectable else "")
        + "."
    )


def _tuning_text(head: Mapping) -> str:
    C = (
        f"C = {number(head['C_median'], 3)}"
        if head["C_low"] == head["C_high"]
        else f"C median {number(head['C_median'], 3)} (range {number(head['C_low'], 3)}–"
        f"{number(head['C_high'], 3)}{' over runs and labels' if head['formulation'] == 'sigmoid' else ' over runs'})"
    )
    edge = float_or_nan(head["C_at_edge_share"])
    edge_text = f"; {100 * edge:.0f}% at the edge of the grid" if edge > 0 else ""
    thresholds = ", ".join(
        f"{metric} {number(value, 2)}"
        for metric, value in head["thresholds"].items()
        if math.isfinite(float_or_nan(value)) and metric != "hamming_loss"
    )
    argmax = "; subset_accuracy by argmax" if head["formulation"] != "sigmoid" else ""
    return (
        f"{head['formulation']} at {head['train_size']:,} samples: {C}{edge_text}; "
        f"thresholds {thresholds or 'none'}{argmax}; hamming_loss at 0.5"
    )


def verdict_card(recommendation: Mapping) -> dict:
    """The card's lines for the headline metric: ``difference``, ``detectable``, ``plain``,
    ``at_dataset_size`` (each a sentence or None) and ``tuning`` (one line per head)."""
    verdict = recommendation["per_metric"][recommendation["metric"]]
    deciding = verdict["comparisons"].get(verdict.get("candidate") or "", None)
    return {
        "difference": _difference(deciding) if deciding else None,
        "detectable": detectable_text(deciding) if deciding else None,
        "plain": _plain_text(verdict),
        "at_dataset_size": _at_n_text(verdict),
        "tuning": [_tuning_text(head) for head in recommendation.get("tuning", ())],
    }
