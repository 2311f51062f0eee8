"""The report JSON follows report.schema.json; a stored report re-renders without recomputing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from feasibility import DatasetError, render_html
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
