"""The report in a real browser: headless Chromium, file:// URL, no network.

Skipped with a reason when no Chromium is installed (``.ci/run`` installs Debian's
``chromium``). Saves ``reports/screenshot.png``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from feasibility.errors import FeasibilityWarning
from feasibility.pipeline import run_pipeline
from feasibility.report.render import write_report

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
        if (path := shutil.which(name))
    ),
    None,
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium)"),
]
#: No network at all: every host resolves to nothing and every proxy is a dead port.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=20000",
    "--enable-logging=stderr",
    "--v=0",
)


def _chromium(url: str, profile_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *OFFLINE_FLAGS, f"--user-data-dir={profile_dir}", *extra, url],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from feasibility import load

    dataset = load("emotions")  # embedded: the screenshot shows a real report
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        result = run_pipeline(
            dataset,
            curve_options={"folds": 3, "n_sizes": 4, "jobs": 2, "use_cache": False},
            fit_options={"n_bootstrap": 100},
            command_line="feasibility report emotions --folds 3 --n-sizes 4",
        )
    html_path, _ = write_report(result, tmp_path_factory.mktemp("browser") / "emotions.html")
    return html_path


def test_report_renders_every_chart_offline(report, tmp_path):
    run = _chromium(report.as_uri(), tmp_path / "profile", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    chart_ids = re.findall(r'<div class="chart[^"]*" id="([^"]+)"', dom)  # vega-embed adds a class
    assert len(chart_ids) >= 10
    assert f'data-charts-rendered="{len(chart_ids)}"' in dom
    starts = [dom.index(f'id="{chart_id}"') for chart_id in chart_ids] + [len(dom)]
    for chart_id, start, end in zip(chart_ids, starts, starts[1:]):
        block = dom[start:end]
        assert "<svg" in block or "<canvas" in block, f"{chart_id} did not render"
    errors = re.search(r'<div id="render-errors">(.*?)</div>\s*<section', dom, re.S)
    assert errors is not None and errors.group(1).strip() == "", errors and errors.group(1)
    console = [
        line
        for line in run.stderr.splitlines()
        if "Uncaught" in line or (":CONSOLE" in line and "error" in line.lower())
    ]
    assert not console, console
    assert "Train: " in dom and "emotions" in dom


def test_report_screenshot(report, tmp_path):
    screenshot = ROOT / "reports" / "screenshot.png"
    screenshot.parent.mkdir(exist_ok=True)
    run = _chromium(
        report.as_uri(),
        tmp_path / "profile",
        "--hide-scrollbars",
        "--window-size=1280,3000",
        f"--screenshot={screenshot}",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
