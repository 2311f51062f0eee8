"""The command line: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys

from feasibility.cli import main


def test_info_embedded_text(capsys):
    assert main(["info", "emotions"]) == 0
    out = capsys.readouterr().out
    assert "samples    592" in out and "labels     6:" in out


def test_info_json_has_documented_keys(capsys):
    assert main(["info", "flags", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    for key in ("name", "n_samples", "n_features", "n_inputs", "n_labels", "label_names", "format", "notes"):
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
        capture_output=True, text=True,
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
