"""Plain-text summary of the learning curves and their fits (``feasibility curves SOURCE``).

Presentation only: every number shown was computed by :mod:`feasibility.curves` or
:mod:`feasibility.fit`. Works from the results' ``to_dict()`` form, so a summary can be
re-rendered from the JSON without recomputing.
"""

from __future__ import annotations

from ..vocab import FORMULATIONS
from .explain_notes import note_text
from .format import MISSING_TERMINAL, count, not_estimable, number
from .terminal import terminal_safe

_METRIC_ORDER = ("f1_micro", "subset_accuracy", "hamming_loss", "f1_macro", "f1_samples", "jaccard")
_FORMULATIONS = FORMULATIONS


def _as_dict(result) -> dict:
    if result is None:
        return {}
    if isinstance(result, dict):
        return result
    return result.to_dict()


def _num(value, digits: int = 3) -> str:
    return number(value, digits, missing=MISSING_TERMINAL)


def _count(value) -> str:
    return count(value, missing=MISSING_TERMINAL)


def _interval(entry: dict | None, digits: int = 3) -> str:
    if not entry or entry.get("estimate") is None:
        return "-"
    low, high = entry.get("low"), entry.get("high")
    if low is None and high is None:
        return _num(entry["estimate"], digits)
    return f"{_num(entry['estimate'], digits)} [{_num(low, digits)}, {_num(high, digits)}]"


def _n_interval(entry: dict | None, unbounded: str = ">cap", bound: str = "cap") -> str:
    """``estimate [low, high]`` of a size; None is ``unbounded`` only when flagged so.

    The JSON writes both "beyond the search range" and "unknown" as None; the
    ``<end>_beyond_<bound>`` flags tell them apart (absent flag: unknown, shown as "?").
    """
    if not entry:
        return "-"

    def end(key: str) -> str:
        if entry.get(key) is not None:
            return _count(entry[key])
        return unbounded if entry.get(f"{key}_beyond_{bound}") else "?"

    return f"{end('estimate')} [{end('low')}, {end('high')}]"


def _needed(entry: dict | None) -> str:
    if not entry:
        return "-"
    status = entry.get("status")
    if status == "unknown":
        return "unknown"
    p = f" (p={_num(entry.get('p_reachable'), 2)})" if entry.get("p_reachable") is not None else ""
    if status == "not_estimable":
        return not_estimable(entry.get("reason"))
    if status == "reached":
        return "reached with the data at hand"
    return _n_interval(entry.get("n")) + p


def _at(entry: dict, n: int, horizon: float) -> str:
    """The fitted metric at ``n`` with its interval, marked when past the horizon."""
    text = _interval(entry.get("at_target", {}).get(str(n)))
    sizes = entry.get("train_sizes") or []
    if sizes and n > horizon * sizes[-1]:
        text += " (beyond the validated horizon)"
    return text


def _slope(entry: dict | None) -> str:
    if not entry:
        return "-"
    return f"{_interval(entry.get('per_doubling'))} {entry.get('verdict', '')}".strip()


def _header(curves: dict) -> list[str]:
    name = terminal_safe(curves.get("dataset_name", "dataset"))
    parts = [f"Learning curves: {name}"]
    details = []
    for key, label in (
        ("n_samples", "samples"),
        ("n_labels", "labels"),
        ("n_features", "features"),
    ):
        if curves.get(key) is not None:
            details.append(f"{_count(curves[key])} {label}")
    if details:
        parts.append(f" ({', '.join(details)})")
    lines = ["".join(parts)]
    facts = []
    if curves.get("engine"):
        facts.append(f"engine {curves['engine']}")
    runs = curves.get("runs")
    if runs is not None:
        facts.append(f"{runs if isinstance(runs, int) else len(runs)} runs")
    if curves.get("n_train_full") is not None:
        facts.append(f"largest training size {_count(curves['n_train_full'])}")
    if facts:
        lines.append("  " + "; ".join(facts))
    return lines


def _curves_summary(curves) -> dict:
    """Pick the header facts from a LearningCurves object or its dict."""
    if isinstance(curves, dict):
        return curves
    summary = {}
    for key in (
        "dataset_name",
        "n_samples",
        "n_labels",
        "n_features",
        "n_train_full",
        "engine",
        "runs",
    ):
        value = getattr(curves, key, None)
        summary[key] = list(value) if key == "runs" and value is not None else value
    return summary


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in rows
    ]


def curves_text(curves, fits) -> str:
    """Render the human summary printed by ``feasibility curves SOURCE``.

    Parameters
    ----------
    curves : LearningCurves or dict
        The measured curves (only header facts are read).
    fits : CurveFits or dict
        Output of :func:`feasibility.fit.fit_curves` (or its ``to_dict()``).

    Returns
    -------
    str
        Per metric, one row per formulation: the measured score at the largest size, the
        curve model (``average`` of several) with its backtest error next to the naive
        last-point error, the fitted metric at each target size with its interval, the
        samples needed, and the change from doubling the data; then crossovers, the
        powerset's coverage, the analytic sample sizes and the notes.
    """
    fits_d = _as_dict(fits)
    lines = _header(_curves_summary(curves))
    confidence = fits_d.get("confidence", 0.9)
    target_n = fits_d.get("target_n", [])
    horizon = float(fits_d.get("horizon", 10.0))
    n_boot = fits_d.get("options", {}).get("n_bootstrap")
    lines.append(
        f"  {round(100 * confidence)}% prediction intervals"
        + (f" ({n_boot} bootstrap resamples of the runs" if n_boot else " (")
        + ", calibrated on LCDB learning curves beyond the data); 'backtest' = error "
        "predicting the largest size without the last 1-4, 'last1' = error of repeating "
        f"the second largest; sizes are stated up to the horizon, {horizon:g}x the largest."
    )
    fit_tables = fits_d.get("fits", {})
    targets = fits_d.get("targets", {})
    metrics = [m for m in _METRIC_ORDER if any(m in fit_tables.get(f, {}) for f in fit_tables)]
    for metric in metrics:
        direction = "lower is better" if metric == "hamming_loss" else "higher is better"
        target = targets.get(metric)
        need_label = (
            f"n for {_num(target)}" if target is not None else "n until a doubling gains < 0.01"
        )
        lines.append("")
        lines.append(f"{metric} ({direction})")
        header = ["formulation", "measured", "model", "backtest", "last1"]
        header += [f"at n={_count(n)}" for n in target_n] + [need_label, "per doubling"]
        rows = [header]
        for formulation in _FORMULATIONS:
            entry = fit_tables.get(formulation, {}).get(metric)
            if entry is None:
                continue
            sizes, observed = entry.get("train_sizes", []), entry.get("observed", [])
            measured = f"{_num(observed[-1])} @{_count(sizes[-1])}" if sizes else "-"
            row = [
                formulation,
                measured,
                entry.get("model") or "-",
                _num(entry.get("backtest_error")),
                _num(entry.get("last1_error")),
            ]
            row += [_at(entry, n, horizon) for n in target_n]
            row += [_needed(entry.get("samples_needed")), _slope(entry.get("slope_at_current"))]
            rows.append(row)
        lines.extend(_table(rows))
        for pair in fits_d.get("crossover", {}).get(metric, {}).values():
            lines.append("  " + _crossover_line(pair))

    coverage = fits_d.get("coverage", {})
    if coverage:
        lines.append("")
        lines.append(
            "coverage (share of test samples whose labelset was seen in training: "
            "a ceiling on the softmax's subset accuracy)"
        )
        rows = [
            ["formulation", "measured", "model"]
            + [f"at n={_count(n)}" for n in target_n]
            + ["at the horizon"]
        ]
        for formulation, entry in coverage.items():
            sizes, observed = entry.get("train_sizes", []), entry.get("observed", [])
            measured = f"{_num(observed[-1])} @{_count(sizes[-1])}" if sizes else "-"
            asymptote = (entry.get("samples_needed") or {}).get("asymptote")
            rows.append(
                [formulation, measured, entry.get("model") or "-"]
                + [_at(entry, n, horizon) for n in target_n]
                + [_interval(asymptote)]
            )
        lines.extend(_table(rows))

    lines.extend(_sample_size_lines(fits_d.get("sample_size")))
    notes = fits_d.get("notes", [])
    if notes:
        lines.append("")
        lines.append("notes")
        lines.extend(f"  - {terminal_safe(note_text(note))}" for note in notes)
    # Names from the data (binding label, notes) reach the terminal: controls shown escaped.
    return terminal_safe("\n".join(lines), keep_newlines=True) + "\n"


def _crossover_line(pair: dict) -> str:
    first, second = pair.get("first"), pair.get("second")
    now, later = pair.get("leader_at_current"), pair.get("leader_at_limit")
    text = f"{first} vs {second}: {now} leads at n={_count(pair.get('n_current'))}"
    p_cross = f"{_num(100 * (pair.get('p_crossover') or 0.0), 0)}% of bootstrap fits"
    if pair.get("status") == "crossover":
        other = second if now == first else first
        text += (
            f"; {other} overtakes at n={_n_interval(pair.get('n'), unbounded='>horizon', bound='limit')} "
            f"(in {p_cross})"
        )
    elif pair.get("status") == "not_estimable":
        text += (
            f"; the fitted curves cross, but where they cross is {not_estimable(pair.get('reason'))} "
            f"({p_cross} cross within the horizon)"
        )
    else:
        text += f"; none up to the horizon (leader at n={_count(pair.get('limit'))}: {later}; {p_cross} cross)"
    if pair.get("past_crossover_n") is not None:
        text += f"; the leader changed near n={_count(pair['past_crossover_n'])} within the measured sizes"
    return text


_NOT_APPLICABLE_SHORT = {
    "many_predictors": "more predictors than a tenth of the samples",
    "conservative_r2": "its R^2 was assumed (the conservative default), not measured",
    "own_estimator": "the heads are your own estimator, not logistic models",
}


def _sample_size_lines(sample_size: dict | None) -> list[str]:
    if not sample_size:
        return []
    title = (
        "analytic minimum sample size (unpenalised logistic models, "
        f"p={_count(sample_size.get('n_predictors'))} predictor parameters)"
    )
    lines = ["", title]
    riley = sample_size.get("riley") or {}
    if riley.get("n") is not None and riley.get("not_applicable"):
        lines.append(
            "  sigmoid (Riley et al. 2020, per label): not applicable, "
            + _NOT_APPLICABLE_SHORT[riley["not_applicable"]]
        )
    elif riley.get("n") is not None:
        binding = next(
            (
                entry
                for entry in riley.get("per_label", [])
                if entry.get("label") == riley.get("binding_label")
            ),
            {},
        )
        criteria = binding.get("criteria", {})
        lines.append(
            f"  sigmoid (Riley et al. 2020, per label): n >= {_count(riley['n'])}, set by label "
            f"{terminal_safe(riley.get('binding_label'))} "
            f"(shrinkage {_count(criteria.get('shrinkage'))}, optimism "
            f"{_count(criteria.get('optimism'))}, intercept {_count(criteria.get('intercept'))}; "
            f"R^2 {binding.get('r2_source', '-')})"
        )
    pate = sample_size.get("pate")
    if pate and pate.get("not_applicable"):
        lines.append(
            f"  powerset (Pate et al. 2023, {_count(pate.get('n_categories'))} labelsets): "
            "not applicable, " + _NOT_APPLICABLE_SHORT[pate["not_applicable"]]
        )
    elif pate:
        criteria = pate.get("criteria", {})
        lines.append(
            f"  powerset (Pate et al. 2023, {_count(pate.get('n_categories'))} labelsets): n >= "
            f"{_count(pate.get('n'))} (pairwise shrinkage {_count(criteria.get('shrinkage'))}, optimism "
            f"{_count(criteria.get('optimism'))}, proportions {_count(criteria.get('proportions'))}; "
            f"R^2 {pate.get('r2_source', '-')})"
        )
    return lines
