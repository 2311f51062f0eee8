"""Plain-text summary of a label profile (``feasibility profile SOURCE``) and its JSON dict.

Presentation only: every number printed is a field of :class:`~feasibility.profile.LabelProfile`.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ..profile import LABELSET_TABLE_LIMIT, HeadSize, LabelProfile
from .explain_notes import note_text
from .format import human_bytes
from .terminal import terminal_safe

_INDENT = " " * 11


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _share(value: float | None) -> str:
    return "n/a" if _missing(value) else f"{value:.1%}"


def _number(value: float | None, digits: int = 3) -> str:
    if _missing(value):
        return "n/a"
    return f"{value:,.{digits}g}" if abs(value) < 1e6 else f"{value:.3g}"


def _p_value(value: float | None) -> str:
    if _missing(value):
        return "n/a"
    return "< 1e-300" if value < 1e-300 else f"{value:.2g}"


def _count_of(value: int, n_labels: int) -> str:
    # Exact up to 10^15, then as a power of two (2^L is the only huge count here).
    return f"{value:,}" if value < 10**15 else f"2^{n_labels}"


def _head_line(label: str, head: HeadSize, n_labels: int) -> str:
    outputs = _count_of(head.n_outputs, n_labels)
    params = f"{head.n_params:,}" if head.n_params < 10**15 else f"{Decimal(head.n_params):.2e}"
    return (
        f"{_INDENT}{label:<14}{outputs:>12} outputs {params:>16} params "
        f"{human_bytes(head.float32_bytes):>16}  {head.samples_per_param:.3g} samples/param"
    )


def profile_json(profile: LabelProfile, *, max_labelsets: int = LABELSET_TABLE_LIMIT) -> dict:
    """Return the profile's dict as the report JSON holds it.

    :meth:`LabelProfile.to_dict` holds numbers only; this adds each head's byte count in
    words (``heads.<head>.float32_bytes_human``, e.g. ``"1.2 TiB"``) after its
    ``float32_bytes``.

    Parameters
    ----------
    profile : LabelProfile
    max_labelsets : int, default=1000
        Longest labelset frequency table to list (see :meth:`LabelProfile.to_dict`).

    Returns
    -------
    dict
    """
    data = profile.to_dict(max_labelsets=max_labelsets)
    for name in ("sigmoid", "powerset", "full_powerset"):
        text = human_bytes(getattr(profile.heads, name).float32_bytes)
        head: dict = {}
        for key, value in data["heads"][name].items():
            head[key] = value
            if key == "float32_bytes":
                head["float32_bytes_human"] = text  # right after the number it spells out
        data["heads"][name] = head
    return data


def _imbalance_pair_head_lines(p: LabelProfile, *, max_pairs: int, max_labelsets: int) -> list[str]:
    """The imbalance, dependent-pair, head-size and top-labelset lines of the summary."""
    ls, L = p.labelsets, p.n_labels
    lines: list[str] = []
    imb = p.imbalance
    lines.append(
        f"imbalance  meanIR {_number(imb.mean_ir)}, maxIR {_number(imb.max_ir)}, "
        f"CVIR {_number(imb.cvir)}; SCUMBLE {_number(imb.scumble)} "
        f"(CV {_number(imb.scumble_cv)}); TCS {_number(p.tcs)}"
    )
    co = p.cooccurrence
    lines.append(
        f"pairs      {co.n_dependent_pairs:,} of {co.n_tested_pairs:,} testable pairs dependent "
        f"at FDR {co.alpha:g} (Benjamini-Hochberg; {co.n_chi2_tests:,} chi-square, "
        f"{co.n_fisher_tests:,} Fisher tests): {co.n_positive_dependent_pairs:,} co-occur "
        f"more, {co.n_negative_dependent_pairs:,} less than by chance"
    )
    if co.top_pairs and max_pairs > 0:
        lines.append(f"{_INDENT}strongest dependent pairs:")
        for pair in co.top_pairs[:max_pairs]:
            lines.append(
                f"{_INDENT}  {terminal_safe(pair.label_a)} & {terminal_safe(pair.label_b)}: "
                f"phi {pair.phi:+.3f}, lift "
                f"{_number(pair.lift)}, {pair.count:,} together vs {pair.expected:,.1f} "
                f"expected, P(b|a) {pair.p_b_given_a:.2f}, P(a|b) {pair.p_a_given_b:.2f}, "
                f"q {_p_value(pair.q_value)} ({pair.test})"
            )
    heads = p.heads
    lines.append(f"heads      output layer on a penultimate layer of width d = {heads.hidden:,}:")
    lines.append(_head_line("sigmoid", heads.sigmoid, L))
    lines.append(_head_line("powerset", heads.powerset, L))
    lines.append(_head_line("full powerset", heads.full_powerset, L))
    if max_labelsets > 0:
        lines.append("top labelsets")
        for k in range(min(max_labelsets, ls.counts.size)):
            names = ", ".join(terminal_safe(name) for name in ls.labelset(k)) or "(no label)"
            lines.append(f"{_INDENT}{ls.counts[k]:>9,}  {_share(ls.shares[k]):>6}  {names}")
    return lines


def profile_text(profile: LabelProfile, *, max_pairs: int = 10, max_labelsets: int = 10) -> str:
    """Return the human summary printed by ``feasibility profile``.

    Parameters
    ----------
    profile : LabelProfile
        Result of :func:`feasibility.profile.profile`.
    max_pairs : int, default=10
        How many of the listed dependent label pairs to print.
    max_labelsets : int, default=10
        How many of the most frequent labelsets to print.

    Returns
    -------
    str
        Lines of text, no trailing newline.

    See Also
    --------
    feasibility.profile.LabelProfile.to_dict : the full result for ``--json``.
    """
    p = profile
    ls = p.labelsets
    L = p.n_labels
    spc = p.samples_per_class
    lines = [
        (
            f"dataset    {terminal_safe(p.dataset_name)}: {p.n_samples:,} samples, {L:,} labels, "
            f"{p.n_features:,} features ({p.n_inputs:,} input attributes)"
        ),
        (
            f"labels     {p.cardinality:.3f} labels per sample (cardinality), density "
            f"{p.density:.4f}; {p.n_samples_without_labels:,} samples "
            f"({_share(p.share_without_labels)}) have no label"
        ),
        f"{_INDENT}positives per label: min {spc.label_min:,}, median {spc.label_median:,.1f}",
        (
            f"labelsets  {ls.n_labelsets:,} distinct of {_count_of(ls.n_possible_labelsets, L)} "
            f"possible (coverage {ls.powerset_coverage:.3g}, "
            f"log2 {ls.log2_powerset_coverage:.1f}); at most {ls.max_possible_labelsets:,} "
            f"can occur in {p.n_samples:,} samples"
        ),
        (
            f"{_INDENT}{ls.n_single_labelsets:,} occur once; the most frequent occurs "
            f"{ls.max_labelset_frequency:,} times"
        ),
        (
            f"{_INDENT}samples per labelset: min {spc.labelset_min:,}, 10th percentile "
            f"{spc.labelset_p10:,.1f}, median {spc.labelset_median:,.1f}"
        ),
        f"{_INDENT}samples whose labelset is seen fewer than k times: "
        + ", ".join(
            f"k={k} {_share(share)}" for k, share in zip(ls.tail_thresholds, ls.tail_shares)
        ),
        (
            f"unseen     a new sample carries an unseen labelset with probability "
            f"{_share(p.unseen.unseen_labelset_mass)} (Good-Turing N1/N)"
        ),
        (
            f"{_INDENT}doubling the data would add about "
            f"{p.unseen.new_labelsets_if_doubled:,.0f} new labelsets (Efron-Thisted; plain "
            f"Good-Toulmin: {p.unseen.new_labelsets_if_doubled_gt:,})"
        ),
        "pruned     "
        + "; ".join(
            f"count >= {level.min_count}: {level.n_labelsets:,} labelsets cover "
            f"{_share(level.share_of_samples)}"
            for level in p.pruning
        ),
    ]
    for i, r in enumerate(p.rakel):
        how = (
            f"{r.n_subsets_evaluated:,} of {r.n_subsets_total:,} subsets sampled"
            if r.sampled
            else f"all {r.n_subsets_total:,} subsets"
        )
        lines.append(
            f"{'RAkEL' if i == 0 else '':<11}k={r.k}: {r.mean_distinct_labelsets:,.1f} "
            f"combinations on average (max {r.max_distinct_labelsets:,}), "
            f"{r.mean_samples_per_labelset:,.1f} samples each ({how})"
        )
    lines.extend(_imbalance_pair_head_lines(p, max_pairs=max_pairs, max_labelsets=max_labelsets))
    if p.notes:
        lines.append("notes")
        lines.extend(f"  - {terminal_safe(note_text(note))}" for note in p.notes)
    return "\n".join(lines)
