"""Notes are codes with values; every code has its sentence in the report layer."""

from __future__ import annotations

import json
import pickle
import warnings

import pytest

import feasibility  # noqa: F401  (registers the sentences)
from feasibility.curves import CurveNote, CurveNoteCode
from feasibility.decide import Note as DecisionNote
from feasibility.decide import NoteCode as DecisionNoteCode
from feasibility.fit import FitNote, FitNoteCode
from feasibility.io import LoadNote, LoadNoteCode
from feasibility.notes import (
    FeasibilityNoteWarning,
    find_text_notes,
    registered_codes,
    render_note,
    warn_note,
)
from feasibility.profile import ProfileNote, ProfileNoteCode
from feasibility.report.explain_notes import note_text

#: Each stage's note class and its codes.
NOTE_CLASSES = {
    CurveNote: CurveNoteCode,
    FitNote: FitNoteCode,
    ProfileNote: ProfileNoteCode,
    LoadNote: LoadNoteCode,
    DecisionNote: DecisionNoteCode,
}

_SOME = {"n_columns": 5, "examples": ["a", "b", "c"]}
#: Values of one note per code: a code without an example fails the tests below.
EXAMPLES = {
    "auto_engine": {
        "engine": "torch",
        "n_labelsets": 753,
        "threshold": 300,
        "torch_installed": True,
    },
    "size_capped": {"smallest": 100, "n_train_full": 80},
    "fewer_sizes": {"n_distinct": 3, "smallest": 50, "n_train_full": 60, "n_sizes": 8},
    "sizes_merged": {"sizes": [0.5, 0.501], "train_sizes": [100]},
    "constant_labels": {"n_labels": 7, "labels": ["a", "b"], "values": [0, 1]},
    "auto_budget": {
        "cut": [{"formulation": "powerset", "train_size": 3200, "n_runs": 2}],
        "n_runs": 2,
        "limit": 900.0,
        "predicted_grid": 1800.0,
        "safety": 1.5,
    },
    "budget": {
        "cut": [
            {"formulation": "powerset", "train_size": 1600, "n_runs": 1},
            {"formulation": "powerset", "train_size": 3200, "n_runs": 2},
            {"formulation": "pruned-powerset", "train_size": 3200, "n_runs": 2},
        ],
        "n_runs": 2,
        "limit": 600.0,
    },
    "not_converged": {"counts": [{"formulation": "powerset", "n_not_converged": 3, "n_jobs": 40}]},
    "cache_hit": {"path": "/tmp/curves.json"},
    "cache_not_written": {"path": "/tmp/curves.json", "error": "[Errno 28] No space left"},
    "model_not_converged": {"model": "wbl4", "formulation": "sigmoid", "metric": "f1_micro"},
    "no_model_converged": {},
    "two_sizes": {},
    "two_sizes_not_converged": {},
    "one_size": {"formulation": "powerset", "metric": "coverage"},
    "no_size": {},
    "few_bootstrap_refits": {"n_converged": 10, "n_bootstrap": 200},
    "one_run": {"n_sizes": 3, "n_params": 4},
    "falling": {"first": 0.414, "last": 0.258, "higher_is_better": True},
    "target_beyond_horizon": {"sizes": [80000, 10**9], "limit": 8000},
    "riley_conservative": {
        "n_conservative": 16,
        "n_labels": 19,
        "n_predictors": 271,
        "n_fit": 516,
        "nagelkerke": 0.15,
    },
    "pate_conservative": {"n_labelsets": 54, "n_predictors": 19, "n_fit": 155, "nagelkerke": 0.15},
    "pate_too_few_labelsets": {},
    "sample_size_failed": {"error": "The 'prevalence' parameter must be within (0, 1)."},
    "fit_notes": {
        "n_notes": 2,
        "first": {"code": "two_sizes", "formulation": "sigmoid", "metric": "jaccard"},
    },
    "never_positive": {"n_labels": 1313, "labels": ["l3", "l4"], "dataset": "d"},
    "always_positive": {"n_labels": 1, "labels": ["l2"], "dataset": "d"},
    "rakel_skipped": {"k": 4, "n_labels": 3},
    "decoded": {"encoding": "UTF-16", "byte_order": "little", "bom": False},
    "not_utf8": {"line": 3, "byte": 0x80, "example": "caf\u20ac"},
    "blank_lines": {"n_lines": 1, "first_line": 3},
    "trailing_column": {},
    "label_sep_unused": {
        "label_sep": "|",
        "column": "tags",
        "example": "a;b",
        "guess": ";",
        "share": 0.5,
    },
    "missing_labels_dropped": {"n_rows": 2},
    "duplicate_feature_names": {"n_names": 1, "name": "x", "columns": [1, 2], "renamed": ["x.1"]},
    "row_index_dropped": {"columns": ["__index_level_0__"]},
    "text_one_hot": _SOME,
    "text_dropped": _SOME | {"max_categories": 50},
    "unsupported_dropped": _SOME | {"dtypes": ["Date", "Time", "Date"]},
    "empty_dropped": _SOME,
    "decimal_comma": _SOME,
    "nominal_one_hot": _SOME,
    "string_dropped": _SOME,
    "identifier_dropped": _SOME,
    "constant_nominal_dropped": _SOME,
    "imputed": {"n_values": 2, "n_columns": 1, "example": "x1"},
    "stored_sparse": {"density": 0.01},
    "size_cut_fitted": {"cut_size": 80, "train_size": 80},
    "size_cut_earlier": {"cut_size": 80, "train_size": 40},
    "untestable": {
        "metric": "f1_micro",
        "candidate": "powerset",
        "train_size": 40,
        "untestable": "equal_runs",
        "n_runs": 5,
        "difference": 0.125,
    },
    "no_fitted_curve": {"metric": "f1_micro", "candidate": "powerset", "train_size": 1000},
    "conflicting_duplicates": {
        "dataset": "scene",
        "n_samples": 4,
        "share": 0.002,
        "n_groups": 2,
        "examples": [[713, 1937], [1857, 2083]],
    },
}


def _every_note():
    for cls, codes in NOTE_CLASSES.items():
        for code in codes:
            yield cls(code, EXAMPLES.get(str(code), {"missing": "example"}))


def test_note_codes_are_distinct_across_the_stages():
    codes = [str(code) for codes in NOTE_CLASSES.values() for code in codes]
    assert len(codes) == len(set(codes))  # a note's dict names its sentence by its code


@pytest.mark.parametrize("note", list(_every_note()), ids=lambda n: str(n.code))
def test_every_note_code_has_a_sentence(note):
    assert str(note.code) in EXAMPLES, f"add an example of {note.code!r} to EXAMPLES"
    assert str(note.code) in registered_codes(), f"no sentence for {note.code!r} in report/"
    text = note_text(note)
    assert text and not text.startswith(f"{note.code}:") and "{" not in text
    assert text == str(note) == note_text(note.to_dict())


@pytest.mark.parametrize("note", list(_every_note()), ids=lambda n: str(n.code))
def test_every_note_round_trips_through_its_json(note):
    data = json.loads(json.dumps(note.to_dict(), allow_nan=False))
    assert data["code"] == note.code
    again = type(note).from_dict(data)
    assert again == note and again.to_dict() == note.to_dict()
    assert type(note).from_dicts([data, data]) == (note, note)


def test_note_sentences_keep_their_wording():
    def text(code, **values):
        return render_note({"code": code, **values})

    assert (
        text(
            "auto_engine",
            engine="sklearn-linear",
            n_labelsets=27,
            threshold=300,
            torch_installed=False,
        )
        == "engine='auto' chose scikit-learn (27 labelsets)."
    )
    assert text("budget", **EXAMPLES["budget"]) == (
        "Budget of 600 s: only the jobs predicted to fit were run. Not run (left empty; the "
        "fitted curves extrapolate there): powerset at 1,600 (1 of 2 runs), 3,200 (2 of 2 "
        "runs); pruned-powerset at 3,200 (2 of 2 runs)."
    )
    assert text("constant_labels", n_labels=1, labels=["never"], values=[0]) == (
        "Constant label in the data: 'never' (always 0); every formulation predicts it as that "
        "constant."
    )
    assert text("model_not_converged", **EXAMPLES["model_not_converged"]) == (
        "sigmoid f1_micro: wbl4 did not converge on all sizes and is left out of the average."
    )
    assert text("never_positive", **EXAMPLES["never_positive"]).startswith(
        "1,313 labels ('l3', 'l4' and 1,311 more) are never positive in d;"
    )
    assert text("constant_nominal_dropped", **_SOME) == (
        "dropped 5 nominal attribute(s) declaring a single value (constant): 'a', 'b', 'c' and "
        "2 more"
    )
    assert text("unsupported_dropped", **EXAMPLES["unsupported_dropped"]).endswith(
        "unsupported type: 'a (Date)', 'b (Time)', 'c (Date)' and 2 more"
    )
    assert text("not_utf8", **EXAMPLES["not_utf8"]).startswith(
        "the file is not valid UTF-8 (first at line 3, byte 0x80); read those bytes as "
        "Windows-1252/Latin-1 (e.g. 'caf\u20ac')"
    )


def test_a_code_without_a_sentence_is_shown_as_its_code_and_values():
    assert render_note({"code": "from_a_newer_version", "n": 3}) == "from_a_newer_version: {'n': 3}"


def test_from_dicts_refuses_notes_written_as_sentences():
    with pytest.raises(ValueError, match="notes are sentences"):
        CurveNote.from_dicts([{"code": "cache_hit", "path": "x"}, "Loaded from the cache (x)."])
    assert find_text_notes({"fits": {"fits": {"sigmoid": {"notes": []}}, "notes": ["a"]}}) == (
        "fits.notes"
    )


def test_a_warned_note_renders_its_sentence_after_where():
    note = LoadNote(LoadNoteCode.BLANK_LINES, {"n_lines": 1, "first_line": 3})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_note(note, where="data.csv", stacklevel=1)
    (warning,) = caught
    assert warning.category is FeasibilityNoteWarning and warning.filename == __file__
    assert issubclass(warning.category, feasibility.FeasibilityWarning)
    assert str(warning.message) == "data.csv: skipped 1 blank line(s) (the first is line 3)"
    copy = pickle.loads(pickle.dumps(warning.message))  # e.g. from a worker process
    assert str(copy) == str(warning.message) and copy.note == note
