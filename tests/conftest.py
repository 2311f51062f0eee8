"""Shared test fixtures: where the real-dataset panel is, and a cache folder per test run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
needs_panel = pytest.mark.skipif(
    not PANEL.is_dir(), reason=f"panel datasets not found at {PANEL} (../shared/datasets)"
)


@pytest.fixture(autouse=True)
def _report_json_follows_the_schema(monkeypatch):
    """Every report JSON the tests write is checked against report.schema.json."""
    import feasibility
    from feasibility.report import render
    from feasibility.report.schema import validate_report_json

    write_report = render.write_report

    def write_and_check(*args, **kwargs):
        html_path, json_path = write_report(*args, **kwargs)
        validate_report_json(json.loads(json_path.read_text()), where=str(json_path))
        return html_path, json_path

    monkeypatch.setattr(render, "write_report", write_and_check)
    monkeypatch.setattr(feasibility, "build_report", write_and_check)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep learning-curve caches of tests out of the user's home."""
    monkeypatch.setenv("FEASIBILITY_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
