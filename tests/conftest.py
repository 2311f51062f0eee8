"""Shared test fixtures: where the real-dataset panel is, and a cache folder per test run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
needs_panel = pytest.mark.skipif(
    not PANEL.is_dir(), reason=f"panel datasets not found at {PANEL} (../shared/datasets)"
)


def assert_sizes_only_where_the_data_can_tell(result: dict, where: str = "report") -> None:
    """No stated samples-needed or crossover size has an interval wider than 10x or past the horizon.

    A size is stated when its status is "reachable" (samples needed) or "crossover"; the
    report prints numbers for exactly those (and "reached", which is measured).
    """
    fits = result.get("fits") or {}
    horizon, max_span = fits.get("horizon", 10.0), fits.get("max_span", 10.0)
    stated = []
    for by_metric in list((fits.get("fits") or {}).values()) + [fits.get("coverage") or {}]:
        for fit in by_metric.values() if "model" not in by_metric else [by_metric]:
            need = fit.get("samples_needed")
            if need and need["status"] == "reachable":
                stated.append((need["n"], fit["train_sizes"][-1]))
    for by_pair in (fits.get("crossover") or {}).values():
        for pair in by_pair.values():
            if pair["status"] == "crossover":
                stated.append((pair["n"], pair["n_current"]))
    for n, n_current in stated:
        low, high = n["low"], n["high"]
        assert low is not None and high is not None, f"{where}: an unbounded size is stated: {n}"
        assert high <= max_span * low + 1e-6, f"{where}: a stated size spans > {max_span}x: {n}"
        assert high <= horizon * n_current + 1e-6, (
            f"{where}: a stated size is past the horizon: {n}"
        )


@pytest.fixture(autouse=True)
def _report_json_follows_the_schema(monkeypatch):
    """Every report JSON the tests write follows report.schema.json, and states no size
    the data cannot support (:func:`assert_sizes_only_where_the_data_can_tell`)."""
    import feasibility
    from feasibility.report import render
    from feasibility.report.schema import validate_report_json

    write_report = render.write_report

    def write_and_check(*args, **kwargs):
        html_path, json_path = write_report(*args, **kwargs)
        written = json.loads(json_path.read_text())
        validate_report_json(written, where=str(json_path))
        assert_sizes_only_where_the_data_can_tell(written, where=str(json_path))
        return html_path, json_path

    monkeypatch.setattr(render, "write_report", write_and_check)
    monkeypatch.setattr(feasibility, "build_report", write_and_check)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep learning-curve caches of tests out of the user's home."""
    monkeypatch.setenv("FEASIBILITY_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
