"""The sentences of the stages' notes: the curves', the fits', the profile's and the loaders'.

Each stage's result holds its notes as codes with their values (:mod:`feasibility.notes`);
this module writes the sentence of every code and registers it there when imported, so that
``str(note)`` and every warned note read as the report does. The decision stage's notes are
written in :mod:`.explain`, the loaders' in :mod:`.explain_load_notes`. :func:`note_text`
writes any note, from its object or from its dict in the report JSON.

Examples
--------
>>> note_text({"code": "size_capped", "smallest": 100, "n_train_full": 80})
'The smallest training size 100 exceeds the training part (80 rows); it was capped to 80.'
>>> note_text({"code": "one_size", "formulation": "sigmoid", "metric": "jaccard"})
'sigmoid jaccard: only 1 size: the curve is the last observed value (last1), nothing extrapolates.'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..curves.notes import CurveNoteCode
from ..fit.notes import FitNoteCode
from ..notes import register_note_texts, render_note
from ..profile.notes import ProfileNoteCode
from .explain_load_notes import LOAD_NOTE_TEXTS

__all__ = ["note_text", "note_texts"]


def note_text(note) -> str:
    """The sentence of a note (a stage's ``Note`` or its dict, ``{"code": ..., ...}``)."""
    return render_note(note.to_dict() if hasattr(note, "to_dict") else note)


def note_texts(notes: Iterable) -> list[str]:
    """The sentences of a list of notes."""
    return [note_text(note) for note in notes]


# ---- learning curves ------------------------------------------------------------------------

_AUTO_ENGINE = "engine='auto' chose"


def _auto_engine(note: Mapping) -> str:
    n, threshold = note["n_labelsets"], note["threshold"]
    if note["engine"] == "torch":
        return (
            f"{_AUTO_ENGINE} torch: the data has {n} labelsets (> {threshold}), where "
            f"scikit-learn's lbfgs softmax gets slow."
        )
    if n > threshold and not note["torch_installed"]:
        return (
            f"{_AUTO_ENGINE} scikit-learn: the data has {n} labelsets (> {threshold}) but torch "
            f"is not installed; the powerset fits may be slow (install the [torch] extra for a "
            f"faster engine)."
        )
    return f"{_AUTO_ENGINE} scikit-learn ({n} labelsets)."


def _constant_labels(note: Mapping) -> str:
    n, labels = note["n_labels"], note["labels"]
    shown = ", ".join(f"{name!r} (always {value})" for name, value in zip(labels, note["values"]))
    more = f" and {n - len(labels)} more" if n > len(labels) else ""
    plural = n > 1
    return (
        f"Constant label{f's in the data ({n})' if plural else ' in the data'}: {shown}{more}; "
        f"every formulation predicts {'them' if plural else 'it'} as that constant."
    )


def _budget(note: Mapping) -> str:
    if note["code"] == CurveNoteCode.AUTO_BUDGET:
        head = (
            f"No budget was given and the full grid was predicted to take about "
            f"{note['predicted_grid'] / 60:.0f} min, too close to the automatic limit of "
            f"{note['limit'] / 60:.0f} min once each job's predicted time gets a "
            f"{note['safety']:g}x safety margin, so only the jobs predicted to fit were run "
            f"(--budget SECONDS sets the limit, --budget 0 never cuts)."
        )
    else:
        head = f"Budget of {note['limit']:,.0f} s: only the jobs predicted to fit were run."
    by_formulation: dict[str, list[str]] = {}
    for cut in note["cut"]:
        by_formulation.setdefault(cut["formulation"], []).append(
            f"{cut['train_size']:,} ({cut['n_runs']} of {note['n_runs']} runs)"
        )
    parts = [f"{name} at {', '.join(sizes)}" for name, sizes in by_formulation.items()]
    return f"{head} Not run (left empty; the fitted curves extrapolate there): {'; '.join(parts)}."


def _not_converged(note: Mapping) -> str:
    counts = ", ".join(
        f"{c['formulation']}: {c['n_not_converged']} of {c['n_jobs']}" for c in note["counts"]
    )
    return (
        f"The solver did not converge within its iteration cap in some fits ({counts} jobs); "
        f"their scores may be slightly pessimistic."
    )


_CURVE_TEXTS: dict[str, Callable[[Mapping], str]] = {
    CurveNoteCode.AUTO_ENGINE: _auto_engine,
    CurveNoteCode.SIZE_CAPPED: lambda n: (
        f"The smallest training size {n['smallest']} exceeds the training part "
        f"({n['n_train_full']} rows); it was capped to {n['n_train_full']}."
    ),
    CurveNoteCode.FEWER_SIZES: lambda n: (
        f"Only {n['n_distinct']} distinct training sizes fit between {n['smallest']} and "
        f"{n['n_train_full']} rows (asked for {n['n_sizes']})."
    ),
    CurveNoteCode.SIZES_MERGED: lambda n: (
        f"Duplicate training sizes were merged: {list(n['sizes'])} -> {list(n['train_sizes'])}."
    ),
    CurveNoteCode.CONSTANT_LABELS: _constant_labels,
    CurveNoteCode.AUTO_BUDGET: _budget,
    CurveNoteCode.BUDGET: _budget,
    CurveNoteCode.NOT_CONVERGED: _not_converged,
    CurveNoteCode.CACHE_HIT: lambda n: (
        f"Loaded from the cache ({n['path']}); delete that file or pass use_cache=False to refit."
    ),
    CurveNoteCode.CACHE_NOT_WRITTEN: lambda n: (
        f"Could not write the learning-curve cache {n['path']}: {n['error']}"
    ),
}

# ---- fits and analytic sample sizes ---------------------------------------------------------

_LAST1 = "the last observed value is used (last1)."
_CURVE_FIT_TEXTS: dict[str, Callable[[Mapping], str]] = {
    FitNoteCode.MODEL_NOT_CONVERGED: lambda n: (
        f"{n['model']} did not converge on all sizes and is left out of the average."
    ),
    FitNoteCode.NO_MODEL_CONVERGED: lambda n: f"no candidate model converged; {_LAST1}",
    FitNoteCode.TWO_SIZES: lambda n: "only 2 sizes: log2 through both, no backtest possible.",
    FitNoteCode.TWO_SIZES_NOT_CONVERGED: lambda n: (
        f"only 2 sizes and log2 did not converge; {_LAST1}"
    ),
    FitNoteCode.ONE_SIZE: lambda n: (
        "only 1 size: the curve is the last observed value (last1), nothing extrapolates."
    ),
    FitNoteCode.NO_SIZE: lambda n: "no measured size: nothing to fit.",
    FitNoteCode.ONE_RUN: lambda n: (
        f"one run over {n['n_sizes']} sizes: its noise is its scatter about the fitted curve"
        + (
            "."
            if n["n_sizes"] > n.get("n_params", 3)
            else f"; with no more sizes than the model's {n.get('n_params', 3)} parameters "
            "the intervals are unknown."
        )
    ),
    FitNoteCode.FALLING: lambda n: (
        f"the measured {'score falls' if n['higher_is_better'] else 'loss rises'} as the data "
        f"grows ({n['first']:.3f} -> {n['last']:.3f}), and the curve models cannot follow that: "
        f"the fit stays flat at the end. If "
        f"{'lower' if n['higher_is_better'] else 'higher'} is better, pass "
        f"higher_is_better={not n['higher_is_better']}."
    ),
    FitNoteCode.TARGET_BEYOND_HORIZON: lambda n: (
        f"n = {', '.join(f'{size:,}' for size in n['sizes'])} beyond the validated horizon "
        f"({n['limit']:,}, 10x the largest training size): not validated, not for decisions."
    ),
    FitNoteCode.FEW_BOOTSTRAP_REFITS: lambda n: (
        f"only {n['n_converged']} of {n['n_bootstrap']} bootstrap refits converged; intervals "
        f"are rough."
    ),
}
_SAMPLE_SIZE_TEXTS: dict[str, Callable[[Mapping], str]] = {
    FitNoteCode.RILEY_CONSERVATIVE: lambda n: (
        f"{n['n_conservative']} of {n['n_labels']} labels: the apparent Cox-Snell R^2 could not "
        f"be adjusted for optimism (p={n['n_predictors']} predictors on n={n['n_fit']} "
        f"samples), so Riley's conservative Nagelkerke R^2 = {n['nagelkerke']} was assumed."
    ),
    FitNoteCode.PATE_CONSERVATIVE: lambda n: (
        f"powerset: the apparent Cox-Snell R^2 could not be adjusted for optimism "
        f"({n['n_labelsets']} labelsets x {n['n_predictors']} predictors on n={n['n_fit']}), "
        f"so Pate's conservative Nagelkerke R^2 = {n['nagelkerke']} was assumed."
    ),
    FitNoteCode.PATE_TOO_FEW_LABELSETS: lambda n: (
        "powerset: fewer than 2 labelsets, no multinomial model to size."
    ),
    FitNoteCode.SAMPLE_SIZE_FAILED: lambda n: f"analytic sample size not computed: {n['error']}",
    FitNoteCode.FIT_NOTES: lambda n: (
        f"fit_curves: {n['n_notes']} note(s); first: {note_text(n['first'])}"
    ),
}


def _about_curve(render: Callable[[Mapping], str]) -> Callable[[Mapping], str]:
    """A curve fit's sentence, after the curve it is about when the note names it."""

    def text(note: Mapping) -> str:
        if "formulation" in note and "metric" in note:
            return f"{note['formulation']} {note['metric']}: {render(note)}"
        return render(note)

    return text


# ---- the label profile ----------------------------------------------------------------------


def _some_labels(note: Mapping) -> str:
    """``"label 'a' is"`` or ``"7 labels ('a', 'b', ... and 2 more) are"``."""
    n, labels = note["n_labels"], note["labels"]
    if n == 1:
        return f"label {labels[0]!r} is"
    names = ", ".join(repr(name) for name in labels)
    more = f" and {n - len(labels):,} more" if n > len(labels) else ""
    return f"{n:,} labels ({names}{more}) are"


def _never_positive(note: Mapping) -> str:
    return (
        f"{_some_labels(note)} never positive in {note['dataset']}; a model cannot learn "
        f"{'it' if note['n_labels'] == 1 else 'them'} from this data (IRLbl set to 0, as mldr "
        f"does)."
    )


def _always_positive(note: Mapping) -> str:
    one = note["n_labels"] == 1
    return (
        f"{_some_labels(note)} positive in every sample of {note['dataset']}; "
        f"{'it carries' if one else 'they carry'} no information (predict "
        f"{'it' if one else 'them'} as a constant)."
    )


_PROFILE_TEXTS: dict[str, Callable[[Mapping], str]] = {
    ProfileNoteCode.NEVER_POSITIVE: _never_positive,
    ProfileNoteCode.ALWAYS_POSITIVE: _always_positive,
    ProfileNoteCode.RAKEL_SKIPPED: lambda n: (
        f"RAkEL k={n['k']} skipped: it exceeds the {n['n_labels']} labels."
    ),
}

register_note_texts(
    _CURVE_TEXTS
    | {code: _about_curve(render) for code, render in _CURVE_FIT_TEXTS.items()}
    | _SAMPLE_SIZE_TEXTS
    | _PROFILE_TEXTS
    | LOAD_NOTE_TEXTS
)
