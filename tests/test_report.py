"""The HTML report, its JSON and the text summaries (feasibility.report, feasibility.pipeline)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import altair as alt
import numpy as np
import pytest

from feasibility.dataset import MultilabelDataset
from feasibility.errors import DatasetError, FeasibilityWarning
from feasibility.pipeline import RESULT_KEYS, report_paths, run_pipeline
from feasibility.report.charts import report_charts
from feasibility.report.render import read_result, render_html, script_json, write_report
from feasibility.report.text_report import checklist_text, verdict_text
from feasibility.synthetic import make_latent_class_labels

EVIL = "<script>alert(1)</script>"


def _evil_dataset() -> MultilabelDataset:
    base = make_latent_class_labels(240, n_features=6, n_labels=4, n_classes=6, random_state=3)
    return MultilabelDataset.from_arrays(
        base.X,
        base.Y,
        label_names=[EVIL, "a&b", 'quote"d', "</script><b>x</b>"],
        feature_names=[f"<f{j}>" for j in range(6)],
        name="evil<name>",
    )


@pytest.fixture(scope="module")
def result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return run_pipeline(
            _evil_dataset(),
            curve_options={"folds": 3, "n_sizes": 3, "jobs": 2, "use_cache": False},
            fit_options={"n_bootstrap": 30},
            command_line="feasibility report evil --metric f1_micro",
        )


@pytest.fixture(scope="module")
def html(result):
    return render_html(result)


def test_run_pipeline_result_has_every_stage(result):
    # the stages' results, then the codes of the two parts written out in words
    assert tuple(result) == (*RESULT_KEYS, "codes")
    assert set(result["codes"]) == {"checklist", "recommendation"}
    json.dumps(result, allow_nan=False)
    assert result["dataset"]["n_samples"] == 240
    assert result["recommendation"]["metric"] == "f1_micro"
    assert result["recommendation"]["formulation"] in ("sigmoid", "powerset", "pruned-powerset")
    assert result["methods"]["command_line"].startswith("feasibility report")
    assert set(result["methods"]["timings"]) >= {
        "profile",
        "curves",
        "fits",
        "checklist",
        "recommend",
        "total",
    }
    assert result["methods"]["versions"]["numpy"] == np.__version__
    assert result["methods"]["seed"] == 0


def test_render_html_escapes_label_feature_and_file_names(html):
    assert EVIL not in html
    assert "</script><b>x</b>" not in html
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "evil&lt;name&gt;" in html
    # inside the JSON of the chart specs the label is \u003c-escaped
    specs = re.search(
        r'<script type="application/json" id="chart-specs">(.*?)</script>', html, re.S
    )
    assert specs and "\\u003cscript\\u003ealert(1)" in specs.group(1)
    assert EVIL in json.dumps(json.loads(specs.group(1)), ensure_ascii=False)


def test_render_html_writes_the_notes_and_escapes_their_names(result):
    page = json.loads(json.dumps(result))
    # notes are codes in the JSON; the page writes their sentences, names escaped
    page["profile"]["notes"] = [
        {"code": "never_positive", "n_labels": 1, "labels": [EVIL], "dataset": "evil<name>"}
    ]
    html = render_html(page)
    assert EVIL not in html
    assert (
        "label &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39; is never positive in evil&lt;name&gt;"
        in html
    )


def test_render_html_is_self_contained(html):
    assert html.count("window.vegaEmbed=") == 1  # the library is inlined once
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", html, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert '"$schema"' not in html
    assert 0.5e6 < len(html.encode()) < 3e6


def test_render_html_has_every_section_and_chart(result, html):
    for section in (
        "verdict",
        "overview",
        "labels",
        "cooccurrence",
        "longtail",
        "samples",
        "heads",
        "curves",
        "samples-needed",
        "checklist",
        "methods",
    ):
        assert f'<section id="{section}"' in html
    assert html.index('id="verdict"') < html.index('id="overview"')
    chart_ids = re.findall(r'<div class="chart" id="([^"]+)"', html)
    specs = json.loads(re.search(r'id="chart-specs">(.*?)</script>', html, re.S).group(1))
    assert sorted(chart_ids) == sorted(specs)
    for metric in result["curves"]["curves"]["sigmoid"]["scores"]:
        assert f"chart-curve-{metric}" in chart_ids
    assert "chart-coverage" in chart_ids
    # every checklist item and every metric verdict is in the page
    for item in result["checklist"]["items"]:
        assert item["title"].replace("'", "&#39;").replace('"', "&#34;") in html
    assert html.count("no detectable difference") >= sum(
        v["too_close_to_call"] for v in result["recommendation"]["per_metric"].values()
    )


def _data_rows(spec) -> list[dict]:
    """Every inline data row of a Vega-Lite spec (``data.values`` or ``datasets``)."""
    rows = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "values" and isinstance(value, list):
                rows += value
            elif key == "datasets":
                rows += [row for values in value.values() for row in values]
            else:
                rows += _data_rows(value)
    elif isinstance(spec, list):
        for value in spec:
            rows += _data_rows(value)
    return rows


def test_every_chart_is_valid_vega_lite(result):
    # The report skips altair's validation for speed; this is where it happens.
    import jsonschema

    schema = alt.load_schema()
    charts = report_charts(result)
    assert len(charts) >= 5
    for chart in charts:
        jsonschema.validate(chart["spec"], schema)
    broken = dict(charts[0]["spec"], mark={"type": "no-such-mark"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_charts_draw_the_result_numbers(result):
    from feasibility.report.charts import label_frequency_chart, learning_curve_chart

    values = _data_rows(label_frequency_chart(result["profile"]))
    assert sorted(v["count"] for v in values) == sorted(result["profile"]["label_counts"])
    rows = _data_rows(learning_curve_chart(result, "f1_micro"))
    measured = {
        (row["n"], row["mean"]) for row in rows if "mean" in row and row["formulation"] == "sigmoid"
    }
    curve = result["curves"]["curves"]["sigmoid"]
    assert sorted(measured) == list(zip(curve["train_sizes"], curve["scores"]["f1_micro"]["mean"]))
    band = result["fits"]["fits"]["sigmoid"]["f1_micro"]["band"]
    fitted = {
        (row["n"], row["mid"]) for row in rows if "mid" in row and row["formulation"] == "sigmoid"
    }
    assert fitted == set(zip(band["n"], band["mid"]))


def test_write_report_writes_html_and_json_atomically(result, tmp_path):
    html_path, json_path = write_report(result, tmp_path / "sub" / "r.html")
    assert html_path == tmp_path / "sub" / "r.html" and json_path == tmp_path / "sub" / "r.json"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["r.html", "r.json"]
    assert read_result(json_path) == json.loads(json.dumps(result))
    # re-rendering from the JSON gives the same page
    assert render_html(read_result(json_path)) == html_path.read_text(encoding="utf-8")


def test_write_report_failure_leaves_previous_files(result, tmp_path):
    html_path, json_path = write_report(result, tmp_path / "r.html")
    before = html_path.read_bytes(), json_path.read_bytes()
    broken = dict(result, methods=dict(result["methods"], seed=float("nan")))
    with pytest.raises(ValueError):
        write_report(broken, html_path)
    assert (html_path.read_bytes(), json_path.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json"]


def test_read_result_errors(tmp_path):
    with pytest.raises(DatasetError, match="file not found"):
        read_result(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DatasetError, match="not a JSON file"):
        read_result(bad)
    bad.write_text('{"dataset": {}}')
    with pytest.raises(DatasetError, match="'profile'"):
        read_result(bad)


def test_report_paths(tmp_path):
    assert report_paths("emotions") == (
        report_paths("emotions")[0],
        report_paths("emotions")[0].with_suffix(".json"),
    )
    html, js = report_paths("emotions")
    assert html.as_posix() == "reports/emotions.html" and js.as_posix() == "reports/emotions.json"
    html, js = report_paths("x", tmp_path / "d" / "x.html")
    assert js == tmp_path / "d" / "x.json"
    html, _ = report_paths("a/b c", tmp_path)
    assert html == tmp_path / "a_b_c.html"


def test_script_json_cannot_close_the_script_element():
    text = str(script_json({"k": "</script><!-- & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"k": "</script><!-- & \u2028"}


def test_text_report(result):
    text = verdict_text(result)
    rec = result["recommendation"]
    assert text.splitlines()[0].startswith(f"verdict for evil<name>: {rec['formulation']}")
    for metric in rec["per_metric"]:
        assert metric in text
    check = checklist_text(result["checklist"])
    lines = check.splitlines()
    assert len(lines) == len(result["checklist"]["items"]) + 1
    counts = result["checklist"]["counts"]
    assert (
        lines[-1]
        == f"checklist: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail"
    )


def test_headline_states_the_size_compared_not_the_dataset_size(result, html):
    rec = result["recommendation"]
    n_train_full = result["curves"]["n_train_full"]  # 3 folds of 240: at most 160 to train on
    assert n_train_full < 240 and rec["train_size"] == n_train_full
    phrase = f"measured at {n_train_full:,} training samples (the largest every fold reached; the dataset has 240)"
    assert rec["compared_at"] == phrase
    assert phrase in html and "f1_micro at 240 training samples" not in html
    assert phrase in verdict_text(result).splitlines()[1]


def _with_tiny_p_values(result: dict) -> dict:
    rec = json.loads(json.dumps(result["recommendation"]))
    for verdict in rec["per_metric"].values():
        verdict["p_value"], verdict["p_value_adjusted"] = 4e-6, 8e-6
        verdict["interval"] = [0.01, 0.02]
    return dict(result, recommendation=rec)


def test_p_values_never_print_as_zero(result):
    tiny = _with_tiny_p_values(result)
    text = verdict_text(tiny)
    # no p-value prints as 0.000 (an interval's end may: it is a difference, not a p)
    assert not re.search(r"\bp\s*=?\s*0\.000", text) and "p < 0.001" in text
    page = render_html(tiny)
    verdict = page[page.index('<section id="verdict"') : page.index('<section id="overview"')]
    assert "p &lt; 0.001" in verdict and "&lt; 0.001 (&lt; 0.001)" in verdict
    assert "0.000 (" not in verdict and "p = 0.000" not in verdict


def test_samples_needed_numbers_only_when_reached_or_reachable(result):
    fits = json.loads(json.dumps(result["fits"]))
    rec = json.loads(json.dumps(result["recommendation"]))
    need = {
        "target": 0.9,
        "target_kind": "user",
        "status": "not_estimable",
        "reason": "too_wide",
        "p_reachable": 0.0,
        "n": {"estimate": 987654.0, "low": 876543.0, "high": None},
        "asymptote": {},
        "cap": 10**9,
    }
    for by_metric in fits["fits"].values():
        for fit in by_metric.values():
            fit["samples_needed"] = need
    for row in rec["head_table"]:
        row["samples_needed"] = need if row["formulation"] != "full-powerset" else None
    page = render_html(dict(result, fits=fits, recommendation=rec))
    assert "987,654" not in page and "876,543" not in page
    assert "not estimable from this data: its interval spans more than 10x" in page


def test_samples_per_class_chart_counts_every_labelset():
    from feasibility.profile import profile
    from feasibility.report.charts import samples_per_class_chart

    rng = np.random.default_rng(5)
    Y = (rng.random((400, 12)) < 0.3).astype(np.uint8)  # hundreds of labelsets
    ds = MultilabelDataset.from_arrays(rng.normal(size=(400, 3)), Y)
    prof = profile(ds)
    d = prof.to_dict(max_labelsets=5)  # the frequency table is capped at 5 rows ...
    assert len(d["labelsets"]["table"]) == 5
    rows = _data_rows(samples_per_class_chart(d, prune_min_count=2, min_positives=10))
    classes = {}
    for row in rows:
        if "classes" in row:
            classes[row["formulation"]] = classes.get(row["formulation"], 0) + row["classes"]
    # ... but the chart still draws every labelset and every class the pruned powerset keeps
    assert classes["powerset"] == prof.labelsets.n_labelsets > 5
    kept = {level.min_count: level.n_labelsets for level in prof.pruning}
    assert classes["pruned-powerset"] == kept[2]
    assert classes["sigmoid"] == 12
    samples = sorted(row["samples"] for row in rows if row.get("formulation") == "powerset")
    assert samples == sorted(set(prof.labelsets.counts.tolist()))


def test_curve_charts_only_read_stored_fields(result):
    from feasibility.report.charts import coverage_chart, learning_curve_chart

    spec = learning_curve_chart(result, "f1_micro")
    bars = [layer for layer in spec["layer"] if layer["mark"] in ("errorbar", {"type": "errorbar"})]
    assert bars and bars[0]["encoding"]["yError"]["field"] == "std"  # mean +- sd drawn by Vega-Lite
    rows = _data_rows(coverage_chart(result))
    fit = result["fits"]["coverage"]["powerset"]
    measured = sorted(
        {
            (row["n"], row["mean"])
            for row in rows
            if "mean" in row and row["formulation"] == "powerset"
        }
    )
    assert measured == sorted(zip(fit["train_sizes"], fit["observed"]))
    spread = result["curves"]["curves"]["powerset"]["unseen_labelset_share"]["std"]
    stds = sorted(
        {
            (row["n"], row["std"])
            for row in rows
            if "std" in row and row["formulation"] == "powerset"
        }
    )
    assert stds == sorted(zip(result["curves"]["curves"]["powerset"]["train_sizes"], spread))


def test_the_stated_sizes_check_catches_a_wide_or_far_interval(result):
    from conftest import assert_sizes_only_where_the_data_can_tell

    assert_sizes_only_where_the_data_can_tell(result)  # the fixture's own report passes
    broken = json.loads(json.dumps(result))
    fit = next(iter(next(iter(broken["fits"]["fits"].values())).values()))
    n_current = fit["train_sizes"][-1]
    for n in (
        {"estimate": 2.0 * n_current, "low": 1.1 * n_current, "high": 20.0 * n_current},
        {"estimate": 2.0 * n_current, "low": 0.1 * n_current, "high": 3.0 * n_current},
        {"estimate": 2.0 * n_current, "low": 1.5 * n_current, "high": None},
    ):
        fit["samples_needed"] = {"status": "reachable", "n": n}
        with pytest.raises(AssertionError):
            assert_sizes_only_where_the_data_can_tell(broken)


def test_report_json_rebuilds_the_typed_result_whole(result, html):
    # before: the written-out reasons, places, tests and checklist details were lost, so
    # the rebuilt result had no reasons and render_html(rebuilt) raised a TypeError
    from feasibility import AnalysisResult
    from feasibility.report.result_json import report_json

    rebuilt = AnalysisResult.from_dict(json.loads(json.dumps(result)))
    assert len(rebuilt.recommendation.reasons) == len(result["recommendation"]["reasons"]) > 0
    assert json.loads(json.dumps(report_json(rebuilt))) == json.loads(json.dumps(result))
    assert render_html(rebuilt) == html


def test_render_reads_the_codes_so_a_hand_edited_word_cannot_change_the_page(result, tmp_path):
    # before: the page was drawn from the words while from_dict read the codes, so one
    # file could give two verdicts
    _, json_path = write_report(result, tmp_path / "r.html")
    data = json.loads(Path(json_path).read_text(encoding="utf-8"))
    real = data["recommendation"]["formulation"]
    data["recommendation"]["formulation"] = "powerset" if real != "powerset" else "sigmoid"
    Path(json_path).write_text(json.dumps(data), encoding="utf-8")
    assert read_result(json_path)["recommendation"]["formulation"] == real
