"""Robust Python API, command line and report writing (issue 9).

Covers: the report pair written atomically (a full disk leaves the previous pair), the
package's own errors for wrong inputs to ``load``, ``from_arrays`` and every stage,
``from_arrays`` on data frames, NaN and bad names, a dataset with nothing to learn,
options checked before any model is trained, control characters in names on a terminal,
one warning for many constant labels, integers beyond 2^53 in the JSON, and click's usage
errors as one line.
"""

from __future__ import annotations

import errno
import json
import os
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import feasibility
from feasibility import MultilabelDataset
from feasibility.cli import main
from feasibility.decide import build_checklist
from feasibility.errors import DatasetError, FeasibilityWarning, ParameterError
from feasibility.pipeline import run_pipeline
from feasibility.report.explain import item_texts
from feasibility.report.render import read_result, render_html, write_report
from feasibility.report.terminal import terminal_safe
from feasibility.report.text_report import checklist_text, verdict_text
from feasibility.result import Methods
from feasibility.synthetic import make_latent_class_labels

OSC = "a\x1b]0;pwned\x07b"  # would retitle the terminal if printed raw
MARKUP = "[bold]x[/bold]"  # rich markup must stay text
FAST_CURVES = {"folds": 2, "n_sizes": 2, "jobs": 1, "use_cache": False}


def _wide_dataset() -> MultilabelDataset:
    """60 labels, so that 2^L is beyond 2^53; two names carry terminal escapes."""
    base = make_latent_class_labels(200, n_features=5, n_labels=60, n_classes=6, random_state=0)
    names = [OSC, MARKUP, "<b>bold</b>"] + [f"l{j}" for j in range(57)]
    return MultilabelDataset.from_arrays(base.X, base.Y, label_names=names, name="wide")


@pytest.fixture(scope="module")
def wide_result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return run_pipeline(
            _wide_dataset(), curve_options=FAST_CURVES, fit_options={"n_bootstrap": 10}
        )


def _no_temporaries(folder) -> bool:
    return not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def _fail_second_fsync(monkeypatch) -> None:
    """The disk fills up while the second file of the pair is written."""
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) >= 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


# -- 1. the report pair: both files or neither ------------------------------------------------


def test_write_report_disk_full_keeps_the_previous_pair(wide_result, tmp_path, monkeypatch):
    html_path, json_path = write_report(wide_result, tmp_path / "r.html")
    before = html_path.read_bytes(), json_path.read_bytes()
    newer = dict(wide_result, methods=dict(wide_result["methods"], command_line="newer run"))
    _fail_second_fsync(monkeypatch)
    with pytest.raises(DatasetError, match="No space left on device.*free some disk space"):
        write_report(newer, html_path)
    # not a new JSON beside the old HTML: the old pair, untouched, and no temporary file
    assert (html_path.read_bytes(), json_path.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json"]


def test_write_report_disk_full_writes_nothing(wide_result, tmp_path, monkeypatch):
    _fail_second_fsync(monkeypatch)
    with pytest.raises(DatasetError, match="No space left on device"):
        write_report(wide_result, tmp_path / "out" / "r.html")
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_render_disk_full_one_line_exit_2(wide_result, tmp_path, monkeypatch, capsys):
    html_path, json_path = write_report(wide_result, tmp_path / "r.html")
    before = html_path.read_bytes(), json_path.read_bytes()
    _fail_second_fsync(monkeypatch)
    assert main(["render", str(json_path), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("feasibility: error:")
    assert "No space left on device" in err and "Traceback" not in err
    assert (html_path.read_bytes(), json_path.read_bytes()) == before
    assert _no_temporaries(tmp_path)


# -- 2. the package's own errors for wrong inputs ---------------------------------------------


@pytest.mark.parametrize("source", [None, 123, 4.5])
def test_load_refuses_a_source_that_is_not_a_path(source):
    with pytest.raises(ParameterError, match=r"load expects a file path or an embedded dataset"):
        feasibility.load(source)


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        (np.zeros(3), [[0, 1], [1, 0], [1, 1]], r"X must be 2-D .*shape \(3,\).*reshape\(-1, 1\)"),
        (np.zeros((3, 2, 2)), [[0, 1], [1, 0], [1, 1]], r"X must be 2-D .*got shape \(3, 2, 2\)"),
        ([[1, 2], [3], [4, 5]], [[0, 1], [1, 0], [1, 1]], "X is ragged"),
        (np.zeros((3, 2)), [[0, 1], [1], [1, 1]], "Y is ragged"),
        (np.zeros((3, 2)), [0, 1, 1], r"Y must be 2-D \(n_samples, n_labels\)"),
        (np.zeros((3, 2)), [["a", "b"], ["c", "d"], ["e", "f"]], "not numbers .*'a'.*0/1"),
        (None, [[0, 1], [1, 0], [1, 1]], "X is None"),
    ],
)
def test_from_arrays_refuses_bad_shapes_with_the_package_error(X, Y, message):
    with pytest.raises(DatasetError, match=message):
        MultilabelDataset.from_arrays(X, Y)


def test_from_arrays_accepts_a_sparse_label_matrix():
    Y = np.array([[0, 1], [1, 0], [1, 1]])
    ds = MultilabelDataset.from_arrays(np.zeros((3, 2)), sp.csr_matrix(Y))
    assert isinstance(ds.Y, np.ndarray) and ds.Y.dtype == np.uint8
    assert ds.Y.tolist() == Y.tolist()
    with pytest.raises(DatasetError, match=r"label 'label_1' has values \{0,1,2\}"):
        MultilabelDataset.from_arrays(np.zeros((3, 2)), sp.csr_matrix([[0, 2], [1, 0], [1, 1]]))


def test_from_arrays_refuses_missing_labels_in_a_nullable_column():
    pd = pytest.importorskip("pandas")
    Y = pd.DataFrame({"a": pd.array([0, 1, None], dtype="Int64"), "b": [1, 0, 1]})
    with pytest.raises(DatasetError, match=r"missing label value.*row index 2, label 'a'"):
        MultilabelDataset.from_arrays(np.zeros((3, 2)), Y)


def test_from_arrays_refuses_a_text_feature_column_naming_it():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"size": [1.0, 2.0, 3.0], "colour": ["red", "green", "blue"]})
    with pytest.raises(DatasetError, match=r"X column 'colour' is not numeric.*'red'.*encode it"):
        MultilabelDataset.from_arrays(X, [[0, 1], [1, 0], [1, 1]])
    pl = pytest.importorskip("polars")
    with pytest.raises(DatasetError, match=r"X column 'colour' is not numeric"):
        MultilabelDataset.from_arrays(pl.from_pandas(X), [[0, 1], [1, 0], [1, 1]])


def _small_dataset() -> MultilabelDataset:
    return MultilabelDataset.from_arrays(np.eye(4), [[0, 1], [1, 0], [1, 1], [0, 1]])


def test_profile_given_a_name_says_to_load_it():
    message = (
        r"profile expects a MultilabelDataset; got the string 'emotions'\. "
        r"Load it first: feasibility\.load\('emotions'\)\."
    )
    with pytest.raises(ParameterError, match=message):
        feasibility.profile("emotions")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: feasibility.run_pipeline("emotions"), r"run_pipeline expects a MultilabelDataset"),
        (lambda: feasibility.profile(np.zeros((3, 2))), r"from_arrays\(X, Y\)"),
        (
            lambda: build_checklist("emotions", None, None, None),
            r"build_checklist expects a MultilabelDataset.*feasibility\.load\('emotions'\)",
        ),
        (
            lambda: build_checklist(_small_dataset(), "emotions", None, None),
            r"build_checklist expects a LabelProfile as 'profile'.*feasibility\.profile\(dataset\)",
        ),
        (
            lambda: feasibility.recommend("emotions", None, None),
            r"recommend expects a LabelProfile as 'profile'",
        ),
        (
            lambda: feasibility.recommend(feasibility.profile(_small_dataset()), {}, None),
            r"recommend expects a LearningCurves as 'curves'.*learning_curves\(dataset\)",
        ),
        (lambda: feasibility.render_html("emotions"), r"a report result must be a dict"),
    ],
)
def test_stages_given_the_wrong_object_raise_the_package_error(call, message):
    with pytest.raises((ParameterError, DatasetError), match=message):
        call()


# -- 3. from_arrays: names, data frames, missing features -------------------------------------


def test_from_arrays_imputes_nan_and_inf_with_a_note():
    X = np.array([[1.0, np.nan], [np.inf, 2.0], [3.0, 4.0]])
    with pytest.warns(FeasibilityWarning, match="imputed 2 missing, non-finite or beyond-float32"):
        ds = MultilabelDataset.from_arrays(X, [[0, 1], [1, 0], [1, 1]])
    assert np.isfinite(ds.X).all() and ds.X[0, 1] == 3.0 and ds.X[1, 0] == 2.0
    assert any("imputed 2" in str(note) for note in ds.notes)
    # finite but beyond float32 (e.g. 1e39) counts too, and the note says so
    with pytest.warns(FeasibilityWarning, match=r"beyond-float32 .*rescale"):
        MultilabelDataset.from_arrays(np.array([[1e39], [1.0], [2.0]]), [[0, 1], [1, 0], [1, 1]])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"label_names": ["a"]}, r"'label_names' parameter .*one name per column \(2\)"),
        ({"label_names": ["a", "a"]}, r"label name 'a' appears twice"),
        ({"label_names": "ab"}, r"must be a list of names"),
        ({"feature_names": ["f"]}, r"'feature_names' parameter .*one name per column \(2\)"),
    ],
)
def test_from_arrays_refuses_wrong_names(options, message):
    with pytest.raises(ParameterError, match=message):
        MultilabelDataset.from_arrays(np.zeros((3, 2)), [[0, 1], [1, 0], [1, 1]], **options)


def test_from_arrays_keeps_pandas_and_polars_column_names():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"height": [1.0, 2.0, 3.0], "weight": [0.5, None, 1.5]})
    Y = pd.DataFrame({"happy": [True, False, True], "sad": [0, 1, 1]})
    with pytest.warns(FeasibilityWarning, match="imputed 1"):
        ds = MultilabelDataset.from_arrays(X, Y)
    assert ds.feature_names == ("height", "weight") and ds.label_names == ("happy", "sad")
    assert ds.Y.tolist() == [[1, 0], [0, 1], [1, 1]]
    pl = pytest.importorskip("polars")
    with pytest.warns(FeasibilityWarning, match="imputed 1"):
        ds_pl = MultilabelDataset.from_arrays(pl.from_pandas(X), pl.from_pandas(Y))
    assert ds_pl.feature_names == ds.feature_names and ds_pl.label_names == ds.label_names
    np.testing.assert_array_equal(ds_pl.X, ds.X)
    # explicit names win over the columns
    named = MultilabelDataset.from_arrays(X.fillna(0), Y, label_names=["h", "s"])
    assert named.label_names == ("h", "s")


# -- 4. nothing to learn ----------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["all_zero", "mixed"])
def test_checklist_fails_when_every_label_is_constant(constant):
    Y = np.zeros((40, 3), dtype=int)
    if constant == "mixed":
        Y[:, 1] = 1
    ds = MultilabelDataset.from_arrays(np.arange(80.0).reshape(40, 2), Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        checklist = build_checklist(ds, feasibility.profile(ds), None, None)
    item = checklist.item("constant_labels")
    assert checklist.status == "fail" and item.status == "fail"
    texts = item_texts(item.to_dict())
    assert "nothing to learn" in texts["explanation"] and "nothing to learn" in texts["value_text"]
    assert "FAIL  No label is constant" in checklist_text(checklist.to_dict())


def test_check_command_exits_1_and_report_says_nothing_to_learn(tmp_path, capsys):
    rows = ["x,a,b"] + [f"{i},0,0" for i in range(40)]
    path = tmp_path / "empty.csv"
    path.write_text("\n".join(rows) + "\n")
    assert main(["check", str(path), "--labels-last", "2", "--labels-only"]) == 1
    assert "nothing to learn" in capsys.readouterr().out
    ds = feasibility.load(path, labels_last=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        result = run_pipeline(ds, curve_options=FAST_CURVES, fit_options={"n_bootstrap": 10})
    assert result["checklist"]["status"] == "fail"
    assert "nothing to learn" in render_html(result)
    # no verdict pretends a comparison happened: before, 0 vs 0 gave "no detectable difference"
    rec = result["recommendation"]
    assert not rec["too_close_to_call"]
    assert all(v["candidate"] is None for v in rec["per_metric"].values())
    assert "nothing to learn and nothing was compared" in rec["reasons"][0]
    headline = verdict_text(result).splitlines()[0]
    assert headline.endswith("sigmoid (nothing was compared: only the default)")
    assert "nothing was compared: only the default" in render_html(result)


# -- 5. options checked before any model is trained -------------------------------------------


def _no_training(*args, **kwargs):
    raise AssertionError("a model was trained before the options were checked")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fit_options": {"target": 2.0}}, r"'target' parameter of fit_curves .*within \(0, 1\)"),
        ({"fit_options": {"n_bootstrap": -1}}, r"'n_bootstrap' parameter of fit_curves"),
        ({"fit_options": {"nonsense": 1}}, r"'fit_options' parameter of run_pipeline"),
        ({"curve_options": {"fold": 3}}, r"'curve_options' parameter of run_pipeline"),
        ({"metric": "accuracy"}, r"'metric' parameter of run_pipeline"),
        ({"target_n": 0}, r"'target_n' parameter of run_pipeline"),
        ({"memory_budget": 0}, r"'memory_budget' parameter of run_pipeline"),
        ({"min_positives": 0}, r"'min_positives' parameter of run_pipeline"),
    ],
)
def test_run_pipeline_checks_every_option_before_training(options, message, monkeypatch):
    monkeypatch.setattr("feasibility.pipeline.learning_curves", _no_training)
    with pytest.raises(ParameterError, match=message):
        run_pipeline(_small_dataset(), **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # before: TypeError "run_analysis() got an unexpected keyword argument 'foo'"
        ({"foo": 1}, r"analyze got an unknown option 'foo'.*memory_budget, min_positives"),
        # before: TypeError "cannot convert dictionary update sequence element #0"
        ({"curve_options": [1]}, r"'curve_options' parameter of analyze must be None or a dict"),
        ({"fit_options": "x"}, r"'fit_options' parameter of analyze"),
        # before: accepted and ignored
        ({"missing_labels": "zz"}, r"'missing_labels' parameter of analyze must be one of"),
        ({"missing_labels": "drop"}, r"missing_labels='drop' is for a file or DataFrame"),
    ],
)
def test_analyze_checks_its_own_options_before_training(options, message, monkeypatch):
    monkeypatch.setattr("feasibility.pipeline.learning_curves", _no_training)
    dataset = _small_dataset()
    with pytest.raises(ParameterError, match=message):
        feasibility.analyze((dataset.X, dataset.Y), progress=False, **options)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "flags", "--target", "2"],
        ["report", "flags", "--target", "nonsense=0.5"],
        ["curves", "flags", "--target", "2"],
        ["check", "flags", "--memory-budget", "0"],
    ],
)
def test_cli_bad_decision_options_fail_before_training(args, monkeypatch, capsys):
    monkeypatch.setattr("feasibility.pipeline.learning_curves", _no_training)
    monkeypatch.setattr("feasibility.curves.learning_curves", _no_training)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("feasibility: error:")


def test_cli_report_unwritable_out_fails_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("feasibility.pipeline.learning_curves", _no_training)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["report", "flags", "--out", str(blocker / "x.html")]) == 2
    assert "cannot write there" in capsys.readouterr().err


# -- 6. names on a terminal -------------------------------------------------------------------


def test_terminal_safe_escapes_controls_and_leaves_markup():
    assert terminal_safe(OSC) == "a\\x1b]0;pwned\\x07b"
    assert terminal_safe("two\nlines\r") == "two\\nlines\\r"
    assert terminal_safe("keep\nthis", keep_newlines=True) == "keep\nthis"
    assert terminal_safe("\u202eevil") == "\\u202eevil"
    assert terminal_safe(MARKUP) == MARKUP


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def test_cli_shows_control_characters_in_names_escaped(tmp_path, capsys):
    names = [OSC, MARKUP, "c\nFAKE LINE"]
    rows = ["f1,f2," + ",".join(f'"{n}"' for n in names)]
    rows += [f"{i},{i % 7},{int(i % 2 == 0)},{int(i % 3 == 0)},0" for i in range(40)]
    path = tmp_path / "names.csv"
    path.write_text("\n".join(rows) + "\n")
    for command in ("info", "profile"):
        assert main([command, str(path), "--labels-last", "3"]) == 0
        captured = capsys.readouterr()
        assert not _raw_controls(captured.out) and not _raw_controls(captured.err)
        assert "a\\x1b]0;pwned\\x07b" in captured.out and MARKUP in captured.out
        assert "c\\nFAKE LINE" in captured.out + captured.err
        assert not any(line.startswith("FAKE LINE") for line in captured.out.splitlines())
    # the warning about the never-positive label is one escaped line
    assert main(["check", str(path), "--labels-last", "3", "--labels-only"]) in (0, 1)
    err = capsys.readouterr().err
    assert not _raw_controls(err) and "'c\\nFAKE LINE'" in err and err.count("\n") == 1


def test_html_report_escapes_names(wide_result):
    html = render_html(wide_result)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


# -- 7. many constant labels: one warning -----------------------------------------------------


def test_many_never_positive_labels_give_one_warning():
    rng = np.random.default_rng(0)
    Y = np.zeros((50, 1316), dtype=np.uint8)
    Y[:, 0] = rng.integers(0, 2, 50)
    Y[:, 1] = 1 - Y[:, 0]
    Y[:, 2] = 1
    ds = MultilabelDataset.from_arrays(rng.normal(size=(50, 3)), Y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        label_profile = feasibility.profile(ds)
    messages = [str(w.message) for w in caught if issubclass(w.category, FeasibilityWarning)]
    assert len(messages) == 2  # one for the 1,313 never positive, one for the always positive
    assert messages[0].startswith("1,313 labels ('label_3', 'label_4'")
    assert "and 1,308 more) are never positive" in messages[0] and len(messages[0]) < 300
    assert "label 'label_2' is positive in every sample" in messages[1]
    assert len([n for n in label_profile.notes if "never positive" in str(n)]) == 1


# -- 8. integers beyond 2^53 in the JSON ------------------------------------------------------


def test_to_dict_writes_integers_beyond_2_53_as_strings():
    # every result's to_dict follows the rule; the methods' free-form options show it plainly
    options = {
        "below": 2**53 - 1,
        "negative": -(2**53) + 1,
        "at": 2**53,
        "nested": {"n": 2**60},
        "numpy": np.uint64(2**63),
        "flag": True,
    }
    methods = Methods(
        versions={},
        seed=None,
        command_line=None,
        timings={},
        curve_timings={},
        engine=None,
        options=options,
        created="",
        platform="",
    )
    written = methods.to_dict()["options"]
    assert written == {
        "below": 2**53 - 1,
        "negative": -(2**53) + 1,
        "at": str(2**53),
        "nested": {"n": str(2**60)},
        "numpy": str(2**63),
        "flag": True,
    }
    assert written["flag"] is True  # a bool stays a bool (True == 1 above would not tell)


def test_report_json_keeps_2_to_the_L_exact_for_javascript(wide_result, tmp_path):
    assert wide_result["profile"]["labelsets"]["n_possible_labelsets"] == str(2**60)
    assert wide_result["profile"]["heads"]["full_powerset"]["n_outputs"] == str(2**60)
    assert "2^53" in wide_result["methods"]["large_integers"]
    _, json_path = write_report(wide_result, tmp_path / "w.html")
    # a reader whose numbers are doubles (JavaScript's JSON.parse) still gets the exact value
    as_javascript = json.loads(json_path.read_text(), parse_int=float)
    assert as_javascript["profile"]["labelsets"]["n_possible_labelsets"] == str(2**60)
    html = render_html(read_result(json_path))
    assert "1.153 × 10^18" in html  # the 2^60 full-powerset outputs, read back from a string


# -- 9. click's usage errors: one line --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", "emotions", "--no-such-option"], "No such option: --no-such-option"),
        (["info"], "Missing argument"),
        (["info", "emotions", "--missing-labels", "zero"], "Invalid value for '--missing-labels'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["report", "flags", "--metric", "accuracy"], "Invalid value for '--metric'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("feasibility: error:")
    assert message in err and "Usage:" not in err and "--help" in err
