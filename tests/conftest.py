"""Shared test fixtures: where the real-dataset panel is, and a cache folder per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
needs_panel = pytest.mark.skipif(
    not PANEL.is_dir(), reason=f"panel datasets not found at {PANEL} (../shared/datasets)"
)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep learning-curve caches of tests out of the user's home."""
    monkeypatch.setenv("FEASIBILITY_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
