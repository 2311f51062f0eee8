"""The command line: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from feasibility.cli import main
from feasibility.curves import CurveOptions
from feasibility.fit import FitOptions


def test_info_embedded_text(capsys):
    assert main(["info", "emotions"]) == 0
    out = capsys.readouterr().out
    assert "samples    592" in out and "labels     6:" in out


def test_info_json_has_documented_keys(capsys):
    assert main(["info", "flags", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    for key in (
        "name",
        "n_samples",
        "n_features",
        "n_inputs",
        "n_labels",
        "label_names",
        "format",
        "notes",
    ):
        assert key in payload
    assert payload["n_labels"] == 7 and payload["n_samples"] == 194


def test_bad_input_one_line_error_exit_2(tmp_path, capsys):
    assert main(["info", str(tmp_path / "missing.arff")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("feasibility: error:") and "missing.arff" in err
    bad = tmp_path / "bad.arff"
    bad.write_text("@relation 'r: -C 2'\n@attribute a {0,1}\n@attribute b {0,1}\n@data\n0,1\n1\n")
    assert main(["info", str(bad)]) == 2
    assert "line 6" in capsys.readouterr().err


def test_usage_error_exit_2(capsys):
    assert main(["info", "emotions", "--missing-labels", "zero"]) == 2


def test_console_script_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "feasibility", "info", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_profile_text_and_json(capsys):
    assert main(["profile", "emotions"]) == 0
    out = capsys.readouterr().out
    assert "27 distinct of 64 possible" in out and "heads" in out
    assert main(["profile", "flags", "--json", "--max-pairs", "3"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["labelsets"]["n_labelsets"] == 54  # mldr's num.labelsets for flags
    assert len(payload["cooccurrence"]["top_pairs"]) <= 3


FAST = ["--folds", "3", "--n-sizes", "3", "--jobs", "1", "--n-bootstrap", "20"]


def test_report_open_opens_the_written_report_in_the_browser(tmp_path, capsys, monkeypatch):
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda uri: opened.append(uri) or True)
    html = tmp_path / "flags-open.html"
    assert main(["report", "flags", "--out", str(html), "--open", *FAST]) == 0
    assert opened == [html.resolve().as_uri()]
    monkeypatch.setattr(webbrowser, "open", lambda uri: False)  # no browser on this machine
    assert main(["report", "flags", "--out", str(html), "--open", *FAST]) == 0
    assert "no web browser to open" in capsys.readouterr().err


def test_report_check_render_end_to_end(tmp_path, capsys):
    html = tmp_path / "out" / "flags-report.html"
    assert main(["report", "flags", "--out", str(html), *FAST]) == 0
    out = capsys.readouterr().out
    assert "verdict for flags:" in out and str(html) in out
    result = json.loads(html.with_suffix(".json").read_text())
    for key in ("dataset", "profile", "curves", "fits", "checklist", "recommendation", "methods"):
        assert key in result
    assert result["recommendation"]["formulation"] in ("sigmoid", "powerset", "pruned-powerset")
    assert set(result["recommendation"]["per_metric"]) >= {
        "f1_micro",
        "subset_accuracy",
        "hamming_loss",
    }
    assert not list(html.parent.glob(".*.tmp"))  # no temp file left behind
    # Re-render from the JSON alone.
    html.unlink()
    assert main(["render", str(html.with_suffix(".json"))]) == 0
    assert html.is_file() and "<svg" not in html.read_text()[:100]
    # The checklist alone: exit 0 when nothing fails, 1 when something fails.
    code = main(["check", "flags", "--labels-only"])
    out = capsys.readouterr().out
    assert code in (0, 1) and "checklist:" in out
    assert code == (1 if "FAIL" in out else 0)


def test_check_fails_with_exit_1_on_a_failing_dataset(tmp_path, capsys):
    # Two labels with 3 positives each: both below the 10-positive minimum -> fail.
    rows = ["x,a,b"] + [f"{i},{int(i < 3)},{int(i >= 37)}" for i in range(40)]
    path = tmp_path / "rare.csv"
    path.write_text("\n".join(rows) + "\n")
    assert main(["check", str(path), "--labels-last", "2", "--labels-only"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_render_rejects_a_json_that_is_not_a_report(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    assert main(["render", str(bad)]) == 2
    assert "x.json" in capsys.readouterr().err


def test_panel_index_escapes_names():
    from feasibility.report.index import error_row, index_markdown, render_index

    page = render_index([error_row("<script>alert(1)</script>", "failed <b>")])
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "failed" in index_markdown([error_row("x", "failed")])


def test_bad_curve_and_report_options_are_one_line_errors(tmp_path, capsys):
    for args, message in [
        (["--sizes", "nan"], "--sizes must be positive"),
        (["--sizes", "100.7,200"], "all whole counts or all fractions"),
        (["--memory-budget", "1e400"], "positive, finite size"),
        (
            [
                "--out",
                "/proc/no/such/x.html",
                "--folds",
                "2",
                "--n-sizes",
                "2",
                "--n-bootstrap",
                "10",
            ],
            "cannot write there",
        ),
    ]:
        assert main(["report", "flags", *args]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def test_render_directory_and_incomplete_result(tmp_path, capsys):
    folder = tmp_path / "dir.json"
    folder.mkdir()
    assert main(["render", str(folder)]) == 2
    assert "cannot be read" in capsys.readouterr().err
    partial = tmp_path / "partial.json"
    keys = ("dataset", "profile", "curves", "fits", "checklist", "recommendation", "methods")
    partial.write_text(json.dumps({key: {} for key in keys}))
    assert main(["render", str(partial)]) == 2
    assert "not a complete report result" in capsys.readouterr().err


def test_panel_index_links_are_relative_and_encoded():
    from feasibility.report.index import index_row

    result = {
        "dataset": {"name": "x", "n_samples": 1, "n_labels": 2},
        "profile": {"labelsets": {"n_labelsets": 1}},
        "checklist": {"counts": {}},
        "recommendation": {
            "formulation": "sigmoid",
            "too_close_to_call": True,
            "metric": "f1_micro",
        },
    }
    assert (
        index_row(result, "javascript:alert(1).html")["href"] == "./javascript%3Aalert%281%29.html"
    )


def test_curve_option_ranges_are_the_librarys_and_errors_name_the_flag(capsys):
    # --n-sizes 1 is valid for the library, so it is for the CLI (no range of its own).
    assert main(["curves", "flags", "--n-sizes", "0", "--jobs", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "feasibility: error: --n-sizes must be an int >= 1. Got 0 instead."
    )
    assert main(["report", "flags", "--n-bootstrap", "-1"]) == 2
    assert "--n-bootstrap must be an int >= 0" in capsys.readouterr().err
    assert main(["curves", "flags", "--model", "mlp", "--hidden-layers", "0"]) == 2
    assert "--hidden-layers must be" in capsys.readouterr().err


class _Stop(Exception):
    """Raised by a stand-in stage: the options it was called with are all a test needs."""


def test_cli_curve_options_are_the_librarys_defaults(monkeypatch, tmp_path):
    received = []

    def stage(dataset, **options):
        received.append(options)
        raise _Stop

    monkeypatch.setattr("feasibility.cli.learning_curves", stage)
    monkeypatch.setattr("feasibility.cli.run_pipeline", stage)
    for command in (
        ["curves", "flags"],
        ["report", "flags", "--out", str(tmp_path)],
        ["check", "flags"],
    ):
        with pytest.raises(_Stop):
            main(command)
    curves, report, check = received
    for curve_options in (curves, report["curve_options"], check["curve_options"]):
        # no flag given: the library's defaults (a progress bar only at a terminal)
        assert curve_options | {"progress": False} == CurveOptions.defaults()
    library = {"n_bootstrap": FitOptions().n_bootstrap, "random_state": 0, "target": None}
    assert report["fit_options"] == check["fit_options"] == library
