"""Plain-text verdict and checklist for the command line (``feasibility report`` / ``check``).

Presentation only: works from the result dicts, so it can be printed from the JSON.
"""

from __future__ import annotations

from .explain import checklist_json
from .format import MISSING_TERMINAL, number, p_value
from .terminal import terminal_safe

_STATUS_MARK = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}


def _num(value, digits: int = 3) -> str:
    return number(value, digits, missing=MISSING_TERMINAL)


def _p(value) -> str:
    """A p-value with two significant digits, or ``"< 0.001"`` (never a bare 0.000).

    >>> _p(0.0123), _p(0.00004), _p(1.0), _p(None)
    ('0.012', '< 0.001', '1', '-')
    """
    return p_value(value)


def checklist_text(checklist: dict) -> str:
    """Return the checklist as aligned text lines, one item per line plus its numbers.

    Parameters
    ----------
    checklist : dict
        The report JSON's ``checklist``, or ``Checklist.to_dict()`` (its texts are then
        written by :func:`feasibility.report.explain.checklist_json`).

    Examples
    --------
    >>> print(checklist_text({"status": "warn", "counts": {"pass": 0, "warn": 1, "fail": 0},
    ...     "items": [{"id": "scumble", "title": "SCUMBLE low", "status": "warn",
    ...                "value_text": "SCUMBLE 0.200", "threshold": "<= 0.1"}]}))
    WARN  SCUMBLE low: SCUMBLE 0.200 (threshold <= 0.1)
    checklist: 0 pass, 1 warn, 0 fail
    """
    checklist = checklist_json(checklist)
    lines = [
        f"{_STATUS_MARK.get(item['status'], item['status'].upper())}  {item['title']}: "
        f"{item['value_text']} (threshold {item['threshold']})"
        for item in checklist["items"]
    ]
    counts = checklist["counts"]
    lines.append(f"checklist: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail")
    return "\n".join(terminal_safe(line) for line in lines)


def verdict_text(result: dict) -> str:
    """Return the verdict, its reasons and the per-metric table as text.

    Parameters
    ----------
    result : dict
        The full result dict (``run_pipeline``) or just its ``recommendation`` part.
    """
    rec = result.get("recommendation", result)
    name = terminal_safe(result.get("dataset", {}).get("name") or "")
    headline = rec["per_metric"][rec["metric"]]
    qualifier = (
        " (no detectable difference: the cheaper default)"
        if rec["too_close_to_call"]
        else " (nothing was compared: only the default)"
        if headline.get("candidate") is None
        else ""
    )
    lines = [
        f"verdict{f' for {name}' if name else ''}: {rec['formulation']}{qualifier}",
        f"  {rec['metric']} {rec['compared_at']}"
        if rec.get("compared_at")
        else f"  {rec['metric']} ({rec['basis']})",
    ]
    if headline.get("interval") and headline["interval"][0] is not None:
        lines.append(
            f"  {headline['candidate']} - sigmoid = {_num(headline['difference'])} "
            f"[{_num(headline['interval'][0])}, {_num(headline['interval'][1])}], "
            f"p {'' if _p(headline['p_value']).startswith('<') else '= '}{_p(headline['p_value'])} "
            f"({headline['test']})"
        )
    card = rec.get("card") or {}
    for key in ("detectable", "at_dataset_size", "plain"):
        if card.get(key):
            lines.append(f"  {terminal_safe(card[key])}")
    if card.get("tuning"):
        lines.append("tuned heads:")
        lines.extend(f"  {terminal_safe(line)}" for line in card["tuning"])
    lines.append("reasons:")
    lines.extend(f"  - {terminal_safe(reason)}" for reason in rec["reasons"])
    lines.append("every metric:")
    width = max(len(metric) for metric in rec["per_metric"])
    for metric, verdict in rec["per_metric"].items():
        interval = verdict.get("interval") or [None, None]
        lines.append(
            f"  {metric:<{width}}  {verdict['formulation']:<15}"
            f"{' no detectable difference' if verdict['too_close_to_call'] else ' ' * 25}"
            f"  diff {_num(verdict.get('difference'))} [{_num(interval[0])}, {_num(interval[1])}]"
            f"  p {_p(verdict.get('p_value'))}"
        )
    return "\n".join(lines)
