"""Altair chart specifications for the HTML report, built from the result dicts only.

Presentation only: every value drawn here was computed by a pipeline stage and stored in
the result dict (``profile``, ``curves``, ``fits``, ``recommendation``), so a report can be
re-rendered from its JSON. Each function returns a Vega-Lite spec as a plain dict (the
``$schema`` URL removed, so that the page references no external address).
"""

from __future__ import annotations

import functools

import altair as alt

from ..vocab import FORMULATIONS

FORMULATION_ORDER: tuple[str, ...] = FORMULATIONS
FORMULATION_COLORS: tuple[str, ...] = ("#1f77b4", "#d62728", "#ff7f0e")
#: Labels shown in the frequency bar chart (most frequent first) before it is cut.
MAX_LABEL_BARS = 80
_WIDTH = 560


def _spec(chart: alt.TopLevelMixin) -> dict:
    # Validating against the Vega-Lite schema takes seconds per report; the tests validate
    # every chart the report draws instead (test_report.py).
    spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    return spec


def _color(title: str = "formulation") -> alt.Color:
    return alt.Color(
        "formulation:N",
        title=title,
        scale=alt.Scale(domain=list(FORMULATION_ORDER), range=list(FORMULATION_COLORS)),
    )


def label_frequency_chart(profile: dict) -> dict:
    """Horizontal bars: positives per label, most frequent first."""
    rows = [
        {"label": name, "count": int(count), "share": share}
        for name, count, share in zip(
            profile["label_names"], profile["label_counts"], profile["label_frequencies"]
        )
    ]
    rows.sort(key=lambda row: -row["count"])
    shown = rows[:MAX_LABEL_BARS]
    title = "Positives per label" + (
        f" (the {MAX_LABEL_BARS} most frequent of {len(rows)})"
        if len(rows) > MAX_LABEL_BARS
        else ""
    )
    chart = (
        alt.Chart(alt.Data(values=shown), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("count:Q", title="samples with the label"),
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(width=_WIDTH, height=alt.Step(14))
    )
    return _spec(chart)


def cooccurrence_chart(profile: dict) -> dict:
    """Heatmap of the lift (observed / expected co-occurrence), counts in the tooltip.

    With the full matrices (few labels) every pair is drawn; otherwise only the
    strongest dependent pairs that the profile kept (``top_pairs``).
    """
    co = profile["cooccurrence"]
    names = profile["label_names"]
    rows = []
    if co.get("matrices_included") and co.get("lift") is not None:
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if i == j:
                    continue
                rows.append(
                    {
                        "label_a": a,
                        "label_b": b,
                        "lift": co["lift"][i][j],
                        "count": co["counts"][i][j],
                        "p_b_given_a": co["conditional"][i][j],
                        "phi": co["phi"][i][j],
                        "q_value": co["q_values"][i][j],
                    }
                )
        title = "Label co-occurrence: lift (observed / expected under independence)"
        order = list(names)
    else:
        for pair in co.get("top_pairs", []):
            for a, b, cond in (
                (pair["label_a"], pair["label_b"], pair["p_b_given_a"]),
                (pair["label_b"], pair["label_a"], pair["p_a_given_b"]),
            ):
                rows.append(
                    {
                        "label_a": a,
                        "label_b": b,
                        "lift": pair["lift"],
                        "count": pair["count"],
                        "p_b_given_a": cond,
                        "phi": pair["phi"],
                        "q_value": pair["q_value"],
                    }
                )
        title = f"Label co-occurrence: lift of the {len(co.get('top_pairs', []))} strongest dependent pairs"
        order = sorted({row["label_a"] for row in rows})
    size = max(10, min(40, 640 // max(len(order), 1)))
    chart = (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_rect()
        .encode(
            x=alt.X("label_b:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("label_a:N", sort=order, title=None),
            color=alt.Color(
                "lift:Q",
                title="lift",
                scale=alt.Scale(type="symlog", scheme="blueorange", domainMid=1),
            ),
            tooltip=[
                alt.Tooltip("label_a:N", title="label"),
                alt.Tooltip("label_b:N", title="with"),
                alt.Tooltip("count:Q", title="samples with both", format=","),
                alt.Tooltip("lift:Q", format=".2f"),
                alt.Tooltip("p_b_given_a:Q", title="P(with | label)", format=".2f"),
                alt.Tooltip("phi:Q", format=".2f"),
                alt.Tooltip("q_value:Q", title="BH q", format=".2g"),
            ],
        )
        .properties(width=alt.Step(size), height=alt.Step(size))
    )
    return _spec(chart)


def labelset_rank_chart(profile: dict) -> dict:
    """Rank-frequency of the labelsets on log-log axes (the long tail)."""
    table = profile["labelsets"]["table"]
    rows = [
        {
            "rank": k + 1,
            "count": entry["count"],
            "share": entry["share"],
            "labels": ", ".join(entry["labels"]) or "(no label)",
        }
        for k, entry in enumerate(table)
    ]
    listed = len(rows)
    total = profile["labelsets"]["n_labelsets"]
    title = "Labelsets by rank: how many samples each combination has" + (
        f" (the {listed:,} most frequent of {total:,})" if listed < total else ""
    )
    chart = (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("rank:Q", scale=alt.Scale(type="log"), title="rank of the labelset"),
            y=alt.Y("count:Q", scale=alt.Scale(type="log"), title="samples"),
            tooltip=[
                alt.Tooltip("rank:Q"),
                alt.Tooltip("labels:N", title="labelset"),
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("share:Q", format=".2%"),
            ],
        )
        .properties(width=_WIDTH, height=260)
    )
    return _spec(chart)


def samples_per_class_chart(profile: dict, *, prune_min_count: int, min_positives: int) -> dict:
    """Samples each class learns from: positives per label vs samples per labelset.

    Reads the class-size histograms of the profile (every labelset, not the capped
    frequency table): one dot per (formulation, samples per class), its area the number
    of classes that learn from that many samples. The pruned powerset is the profile's
    histogram at ``prune_min_count``; it is left out when the profile has no such level.
    """
    histograms = profile["samples_per_class"].get("histograms", [])
    rows = []
    pruned_found = False
    for histogram in histograms:
        if histogram["formulation"] == "pruned-powerset":
            if histogram["min_count"] != prune_min_count:
                continue
            pruned_found = True
        rows += [
            {"formulation": histogram["formulation"], "samples": samples, "classes": n_classes}
            for samples, n_classes in zip(histogram["samples"], histogram["n_classes"])
        ]
    dots = (
        alt.Chart(alt.Data(values=rows))
        .mark_circle(opacity=0.6)
        .encode(
            x=alt.X("samples:Q", scale=alt.Scale(type="log"), title="samples per class (log)"),
            y=alt.Y("formulation:N", sort=list(FORMULATION_ORDER), title=None),
            color=_color(),
            size=alt.Size(
                "classes:Q", title="classes", scale=alt.Scale(type="sqrt", range=[12, 600])
            ),
            tooltip=[
                alt.Tooltip("formulation:N"),
                alt.Tooltip("samples:Q", title="samples per class", format=","),
                alt.Tooltip("classes:Q", title="classes with that many", format=","),
            ],
        )
    )
    rule = (
        alt.Chart(alt.Data(values=[{"samples": min_positives, "what": f"{min_positives} samples"}]))
        .mark_rule(strokeDash=[4, 3], color="#555")
        .encode(x="samples:Q", tooltip=[alt.Tooltip("what:N", title="threshold")])
    )
    title = "Samples per class: how many sigmoid labels or powerset classes learn from each count"
    if not pruned_found:
        title += f" (no profile of the pruned powerset at {prune_min_count})"
    chart = alt.layer(dots, rule, title=title)
    return _spec(chart.properties(width=_WIDTH, height=150))


#: Stand-ins for the texts of a curve chart in its template (see :func:`_curve_template`).
_Y_TITLE, _TITLE = "\x00y-title", "\x00title"


def _curve_layers(
    observed: list[dict], band: list[dict], y_title: str, x_marks: list[dict], title: str
) -> dict:
    """A learning-curve chart: the template with this chart's data and titles.

    altair builds the layered chart in about 0.4 s; a report draws seven, which differ only
    in their rows and two titles, so altair builds it once and the rows go into the spec's
    named ``datasets``.
    """
    # _substitute builds new containers: the cached template is never changed
    spec = _substitute(_curve_template(), {_Y_TITLE: y_title, _TITLE: title})
    spec["datasets"] = {
        "band": band,
        "observed": observed,
        "errorbars": [row for row in observed if row["std"] is not None],
        "marks": x_marks,
    }
    return spec


def _substitute(value, texts: dict[str, str]):
    """``value`` with every string equal to a key of ``texts`` replaced by its value."""
    if isinstance(value, dict):
        return {key: _substitute(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, texts) for item in value]
    return texts.get(value, value) if isinstance(value, str) else value


@functools.cache
def _curve_template() -> dict:
    """The layered curve chart over the named datasets, with stand-in titles."""
    y_title, title = _Y_TITLE, _TITLE
    x = alt.X("n:Q", scale=alt.Scale(type="log"), title="training samples (log)")
    base_band = alt.Chart(alt.NamedData(name="band"))
    area = base_band.mark_area(opacity=0.18).encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=_color()
    )
    y_axis = alt.Y("mid:Q", title=y_title)
    line = base_band.mark_line().encode(
        x=x,
        y=y_axis,
        color=_color(),
        strokeDash=alt.StrokeDash(
            "part:N",
            title="fitted curve",
            scale=alt.Scale(domain=["fit", "extrapolation"], range=[[1, 0], [5, 4]]),
        ),
        detail="part:N",
        tooltip=[
            alt.Tooltip("formulation:N"),
            alt.Tooltip("n:Q", format=","),
            alt.Tooltip("mid:Q", title="fitted", format=".3f"),
            alt.Tooltip("low:Q", title="band low", format=".3f"),
            alt.Tooltip("high:Q", title="band high", format=".3f"),
        ],
    )
    base_obs = alt.Chart(alt.NamedData(name="observed"))
    points = base_obs.mark_point(filled=True, size=40).encode(
        x=x,
        y=alt.Y("mean:Q", title=y_title),
        color=_color(),
        tooltip=[
            alt.Tooltip("formulation:N"),
            alt.Tooltip("n:Q", format=","),
            alt.Tooltip("mean:Q", title="measured mean", format=".3f"),
            alt.Tooltip("std:Q", title="sd over runs", format=".3f"),
        ],
    )
    # mean +- 1 sd drawn by Vega-Lite from the two stored fields (pre-computed error bars).
    bars = (
        alt.Chart(alt.NamedData(name="errorbars"))
        .mark_errorbar()
        .encode(x=x, y=alt.Y("mean:Q", title=y_title), yError="std:Q", color=_color())
    )
    rules = (
        alt.Chart(alt.NamedData(name="marks"))
        .mark_rule(color="#444", strokeDash=[2, 2])
        .encode(x="n:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("n:Q", format=",")])
    )
    labels = (
        alt.Chart(alt.NamedData(name="marks"))
        .mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#444")
        .encode(x="n:Q", y=alt.value(8), text="what:N")
    )
    chart = alt.layer(area, line, bars, points, rules, labels, title=title)
    return _spec(chart.properties(width=_WIDTH, height=280))


def _horizon(result: dict) -> float:
    """The validated horizon (multiple of the largest training size) the fits recorded."""
    return float((result.get("fits") or {}).get("horizon", 10.0))


def _band_rows(
    formulation: str, band: dict | None, n_current: int, horizon: float = 10.0
) -> list[dict]:
    """The band's rows up to the validated horizon (nothing farther is drawn)."""
    if not band:
        return []
    rows = []
    for n, low, mid, high in zip(band["n"], band["low"], band["mid"], band["high"]):
        if n > horizon * n_current * (1 + 1e-9):
            break
        part = "fit" if n <= n_current else "extrapolation"
        rows.append(
            {"formulation": formulation, "n": n, "low": low, "mid": mid, "high": high, "part": part}
        )
        if part == "extrapolation" and rows and len(rows) >= 2 and rows[-2]["part"] == "fit":
            # Repeat the joint so the dashed part starts where the solid part ends.
            joint = dict(rows[-2], part="extrapolation")
            rows.insert(len(rows) - 1, joint)
    return rows


def _observed_rows(formulation: str, sizes: list[int], means: list, stds: list) -> list[dict]:
    return [
        {"formulation": formulation, "n": n, "mean": mean, "std": std}
        for n, mean, std in zip(sizes, means, stds)
        if mean is not None
    ]


def _x_marks(result: dict) -> list[dict]:
    marks = [{"n": result["dataset"]["n_samples"], "what": "dataset size"}]
    target = result.get("recommendation", {}).get("target_n")
    if target and target != result["dataset"]["n_samples"]:
        marks.append({"n": target, "what": "target size"})
    return marks


def learning_curve_chart(result: dict, metric: str) -> dict:
    """Measured means (with sd over runs), fitted model, its band and the extrapolation."""
    curves = result["curves"]["curves"]
    fits = (result.get("fits") or {}).get("fits", {})
    observed, band = [], []
    for name in FORMULATION_ORDER:
        curve = curves.get(name)
        if curve is None or metric not in curve["scores"]:
            continue
        summary = curve["scores"][metric]
        observed += _observed_rows(name, curve["train_sizes"], summary["mean"], summary["std"])
        fit = fits.get(name, {}).get(metric)
        if fit:
            current = max(fit.get("train_sizes") or [0])
            band += _band_rows(name, fit.get("band"), current, _horizon(result))
    lower = " (lower is better)" if metric == "hamming_loss" else ""
    return _curve_layers(
        observed, band, metric, _x_marks(result), f"Learning curves: {metric}{lower}"
    )


def coverage_chart(result: dict) -> dict:
    """Share of test samples whose labelset was seen in training (a powerset's ceiling).

    The measured coverage per size is the ``observed`` field of the coverage fit; its sd
    over runs is the sd of ``unseen_labelset_share`` in the curves (coverage is one minus
    that share, so the two spreads are the same number).
    """
    curves = result["curves"]["curves"]
    coverage = (result.get("fits") or {}).get("coverage", {})
    observed, band = [], []
    for name in FORMULATION_ORDER[1:]:
        curve, fit = curves.get(name), coverage.get(name)
        if curve is None or not fit:
            continue
        std_at = dict(zip(curve["train_sizes"], curve["unseen_labelset_share"]["std"]))
        observed += _observed_rows(
            name, fit["train_sizes"], fit["observed"], [std_at.get(n) for n in fit["train_sizes"]]
        )
        band += _band_rows(
            name, fit.get("band"), max(fit.get("train_sizes") or [0]), _horizon(result)
        )
    return _curve_layers(
        observed,
        band,
        "labelset coverage",
        _x_marks(result),
        "Coverage: share of test samples whose labelset occurs in the training part",
    )


def report_charts(result: dict, *, min_positives: int = 10) -> list[dict]:
    """Every chart of the report as ``{"id", "section", "spec"}``, in page order."""
    profile = result["profile"]
    prune = int((result.get("curves") or {}).get("options", {}).get("prune_min_count", 2) or 2)
    charts = [
        {"id": "chart-labels", "section": "labels", "spec": label_frequency_chart(profile)},
        {
            "id": "chart-cooccurrence",
            "section": "cooccurrence",
            "spec": cooccurrence_chart(profile),
        },
        {"id": "chart-longtail", "section": "longtail", "spec": labelset_rank_chart(profile)},
        {
            "id": "chart-samples-per-class",
            "section": "samples",
            "spec": samples_per_class_chart(
                profile, prune_min_count=prune, min_positives=min_positives
            ),
        },
    ]
    curves = (result.get("curves") or {}).get("curves", {})
    metrics = []
    for curve in curves.values():
        metrics += [m for m in curve["scores"] if m not in metrics]
    headline = result.get("recommendation", {}).get("metric")
    if headline in metrics:
        metrics.remove(headline)
        metrics.insert(0, headline)
    for metric in metrics:
        charts.append(
            {
                "id": f"chart-curve-{metric}",
                "section": "curves",
                "spec": learning_curve_chart(result, metric),
            }
        )
    if any(name in curves for name in FORMULATION_ORDER[1:]):
        charts.append({"id": "chart-coverage", "section": "curves", "spec": coverage_chart(result)})
    return charts
