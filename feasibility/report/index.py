"""The panel index page: one row per dataset with its size and the verdict per metric."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import jinja2

from ..vocab import METRICS
from .render import atomic_write

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>feasibility panel</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:14px}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
td.num{text-align:right}.close{color:#777}.err{color:#a00}
</style></head><body>
<h1>feasibility panel</h1>
<p>One report per dataset; the verdict per metric at the dataset's own size ("~" = no detectable difference, sigmoid as the cheaper default).</p>
<table>
<tr><th>dataset</th><th>samples</th><th>labels</th><th>labelsets</th><th>headline</th>
{% for metric in metrics %}<th>{{ metric }}</th>{% endfor %}<th>checklist</th></tr>
{% for row in rows %}<tr>
<td>{% if row.href %}<a href="{{ row.href }}">{{ row.name }}</a>{% else %}{{ row.name }}{% endif %}</td>
{% if row.error %}<td colspan="{{ 5 + metrics|length }}" class="err">{{ row.error }}</td>{% else %}
<td class="num">{{ "{:,}".format(row.n_samples) }}</td><td class="num">{{ row.n_labels }}</td>
<td class="num">{{ "{:,}".format(row.n_labelsets) }}</td>
<td><b>{{ row.formulation }}</b>{{ mark(row.per_metric.get(row.metric)) }} ({{ row.metric }})</td>
{% for metric in metrics %}{% set verdict = row.per_metric.get(metric) %}
<td>{% if verdict %}{{ verdict.formulation }}{{ mark(verdict) }}{% endif %}</td>
{% endfor %}<td>{{ row.checklist }}</td>{% endif %}
</tr>{% endfor %}
</table></body></html>
"""


def index_row(result: dict, href: str | None) -> dict:
    """Summarise one report result (the JSON beside a report) as an index row.

    ``href`` is a file name beside the index; it is made a relative, percent-encoded URL
    so that no file name can become a ``javascript:`` link or break the page.
    """
    recommendation = result["recommendation"]
    counts = result["checklist"].get("counts", {})
    return {
        "name": result["dataset"]["name"],
        "href": None if href is None else "./" + quote(href),
        "error": None,
        "n_samples": result["dataset"]["n_samples"],
        "n_labels": result["dataset"]["n_labels"],
        "n_labelsets": result["profile"]["labelsets"]["n_labelsets"],
        "formulation": recommendation["formulation"],
        "too_close": recommendation["too_close_to_call"],
        "metric": recommendation["metric"],
        "per_metric": recommendation.get("per_metric", {}),
        "checklist": ", ".join(f"{counts.get(k, 0)} {k}" for k in ("pass", "warn", "fail")),
    }


def error_row(name: str, message: str) -> dict:
    """An index row for a dataset whose report could not be made."""
    return {"name": name, "href": None, "error": message}


def verdict_mark(verdict: dict | None) -> str:
    """`` ~`` for no detectable difference, `` (none compared)`` when nothing was compared.

    Examples
    --------
    >>> verdict_mark({"too_close_to_call": True, "candidate": "powerset"})
    ' ~'
    >>> verdict_mark({"too_close_to_call": False, "candidate": None})
    ' (none compared)'
    """
    if not verdict:
        return ""
    if verdict.get("too_close_to_call"):
        return " ~"
    return " (none compared)" if verdict.get("candidate") is None else ""


def render_index(rows: list[dict]) -> str:
    """Return the index page HTML (every name escaped)."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.globals["mark"] = verdict_mark
    return environment.from_string(_TEMPLATE).render(rows=rows, metrics=METRICS)


def index_markdown(rows: list[dict]) -> str:
    """The same table as Markdown (for the README)."""
    header = "| dataset | samples | labels | labelsets | headline | " + " | ".join(METRICS) + " |"
    lines = [header, "|" + "---|" * (5 + len(METRICS))]
    for row in rows:
        if row["error"]:
            lines.append(f"| {row['name']} | {row['error']} |" + " |" * (3 + len(METRICS)))
            continue
        cells = [
            f"{v['formulation']}{verdict_mark(v)}"
            for v in (row["per_metric"].get(metric, {"formulation": ""}) for metric in METRICS)
        ]
        headline = f"**{row['formulation']}**{verdict_mark(row['per_metric'].get(row['metric']))}"
        lines.append(
            f"| {row['name']} | {row['n_samples']:,} | {row['n_labels']} | {row['n_labelsets']:,} | "
            f"{headline} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def write_index(rows: list[dict], path: str | os.PathLike) -> Path:
    """Write the index page atomically and return its path."""
    path = Path(path)
    atomic_write(path, render_index(rows))
    return path
