"""The report JSON follows report.schema.json; a stored report re-renders without recomputing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from feasibility import AnalysisResult, DatasetError, render_html, run_analysis, run_pipeline
from feasibility.report.schema import validate_report_json

STORED = Path(__file__).parent / "data" / "flags-small.json"


@pytest.fixture(scope="module")
def stored_result() -> dict:
    return json.loads(STORED.read_text())


def test_stored_report_follows_the_schema(stored_result):
    validate_report_json(stored_result)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("recommendation", "formulation"), "softmax", "softmax"),
        (("recommendation", "per_metric", "f1_micro", "too_close_to_call"), "yes", "boolean"),
        (("profile", "labelsets", "n_possible_labelsets"), 2.5, "2.5"),
        (("checklist", "items", 0, "status"), "maybe", "maybe"),
    ],
)
def test_schema_rejects_a_broken_report(stored_result, path, value, message):
    broken = copy.deepcopy(stored_result)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(DatasetError, match=message):
        validate_report_json(broken)


def test_schema_rejects_a_missing_stage(stored_result):
    broken = {key: value for key, value in stored_result.items() if key != "fits"}
    with pytest.raises(DatasetError, match="'fits' is a required property"):
        validate_report_json(broken)


def test_stored_report_renders_without_recomputing(stored_result):
    html = render_html(stored_result)
    assert "flags" in html and "sigmoid" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # self-contained


# ----------------------------------------------------------------------------- typed result


def test_analysis_result_rebuilds_from_the_report_json(stored_result):
    from feasibility.report.render import rebuild_result

    rebuilt = rebuild_result(stored_result)
    assert isinstance(rebuilt, AnalysisResult)
    assert rebuilt.dataset.name == "flags" and rebuilt.dataset.n_labels == 7
    assert rebuilt.recommendation.formulation == stored_result["recommendation"]["formulation"]
    # The numeric parts round-trip through their dicts.
    again = AnalysisResult.from_dict(rebuilt.to_dict())
    assert again.to_dict() == rebuilt.to_dict()
    for stage in ("dataset", "curves", "fits", "methods"):
        assert rebuilt.to_dict()[stage] == json.loads(json.dumps(stored_result[stage])), stage


def test_run_analysis_round_trips_and_its_report_json_matches_run_pipeline():
    from feasibility.report.result_json import report_json
    from feasibility.synthetic import make_latent_class_labels

    data = make_latent_class_labels(240, n_labels=4, n_classes=5, random_state=3)
    options = {
        "curve_options": {"folds": 3, "n_sizes": 3, "jobs": 1, "use_cache": False},
        "fit_options": {"n_bootstrap": 20},
    }
    result = run_analysis(data, **options)
    as_dict = result.to_dict()
    assert AnalysisResult.from_dict(as_dict).to_dict() == as_dict
    written = json.loads(json.dumps(report_json(result)))
    validate_report_json(written)
    from_pipeline = json.loads(json.dumps(run_pipeline(data, **options)))
    for stage in ("dataset", "profile", "curves", "fits", "checklist", "recommendation"):
        assert _without_timings(written[stage]) == _without_timings(from_pipeline[stage]), stage


def _without_timings(value):
    """Drop the measured seconds, which differ between two runs of the same analysis."""
    if isinstance(value, dict):
        return {
            key: _without_timings(item)
            for key, item in value.items()
            if "seconds" not in key and "timings" not in key
        }
    if isinstance(value, list):
        return [_without_timings(item) for item in value]
    return value


def test_render_refuses_a_json_that_cannot_be_rebuilt(stored_result, tmp_path):
    from feasibility.cli import main

    broken = copy.deepcopy(stored_result)
    del broken["curves"]["curves"]["sigmoid"]["scores"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    assert main(["render", str(path)]) == 2
    assert not (tmp_path / "broken.html").exists()


def test_render_refuses_a_json_with_notes_written_as_sentences(stored_result, tmp_path, capsys):
    """A report JSON of a version before notes were codes: one line, no traceback."""
    from feasibility.cli import main

    old = copy.deepcopy(stored_result)
    old["curves"]["notes"] = ["engine='auto' chose scikit-learn (54 labelsets)."]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    assert main(["render", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "notes are sentences" in err and "curves.notes" in err
    assert not (tmp_path / "old.html").exists()
    with pytest.raises(DatasetError, match="is not of type 'object'"):
        validate_report_json(old)
