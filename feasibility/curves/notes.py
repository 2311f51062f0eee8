"""The notes a learning-curve result carries, written in one place, and their kinds.

A result's ``notes`` are plain sentences (that is what its JSON holds), so a note read back
from the cache is recognised by how it starts: :func:`note_kind`. The kinds in
:data:`WARNING_KINDS` are also warned about, on every run and on every cache hit.

Examples
--------
>>> note_kind("Budget of 60 s: only the jobs predicted to fit were run.")
<NoteKind.BUDGET: 'budget'>
>>> is_warning(cache_note("/tmp/x.json")), note_kind("something else") is None
(False, True)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from enum import StrEnum

import numpy as np

from ..errors import FeasibilityWarning
from ..vocab import FORMULATIONS

__all__ = ["WARNING_KINDS", "NoteKind", "is_warning", "note_kind", "warn_about"]


class NoteKind(StrEnum):
    """What a note of :attr:`LearningCurves.notes <feasibility.curves.LearningCurves.notes>`
    is about."""

    AUTO_ENGINE = "auto_engine"  # which engine engine="auto" chose, and why
    SIZE_CAPPED = "size_capped"  # the smallest training size exceeded the training part
    FEWER_SIZES = "fewer_sizes"  # fewer distinct geometric sizes than asked for
    SIZES_MERGED = "sizes_merged"  # duplicate training sizes merged
    CONSTANT_LABELS = "constant_labels"  # labels constant in the whole data
    AUTO_BUDGET = "auto_budget"  # no budget given, the automatic limit cut jobs
    BUDGET = "budget"  # the given budget cut jobs
    NOT_CONVERGED = "not_converged"  # some fits hit their iteration cap
    CACHE_HIT = "cache_hit"  # the result was read from the cache


#: How each kind of note starts (notes come back from the cache as plain text).
_PREFIXES: dict[NoteKind, str] = {
    NoteKind.AUTO_ENGINE: "engine='auto' chose",
    NoteKind.SIZE_CAPPED: "The smallest training size",
    NoteKind.FEWER_SIZES: "Only ",
    NoteKind.SIZES_MERGED: "Duplicate training sizes were merged",
    NoteKind.CONSTANT_LABELS: "Constant label",
    NoteKind.AUTO_BUDGET: "No budget was given and",
    NoteKind.BUDGET: "Budget of",
    NoteKind.NOT_CONVERGED: "The solver did not converge",
    NoteKind.CACHE_HIT: "Loaded from the cache",
}
#: Kinds that are also warned about (a cache hit must not hide them).
WARNING_KINDS = frozenset(
    {NoteKind.CONSTANT_LABELS, NoteKind.AUTO_BUDGET, NoteKind.BUDGET, NoteKind.NOT_CONVERGED}
)


def note_kind(note: str) -> NoteKind | None:
    """Return the kind of a note written by this module (None for any other text)."""
    return next((kind for kind, prefix in _PREFIXES.items() if note.startswith(prefix)), None)


def is_warning(note: str) -> bool:
    """Whether a note is also warned about (its kind is in :data:`WARNING_KINDS`)."""
    return note_kind(note) in WARNING_KINDS


def warn_about(notes: Iterable[str], *, stacklevel: int) -> None:
    """Warn a :class:`FeasibilityWarning` for each warning note.

    ``stacklevel`` counts from the caller of this function, as in :func:`warnings.warn`.
    """
    for note in notes:
        if is_warning(note):
            warnings.warn(note, FeasibilityWarning, stacklevel=stacklevel + 1)


# -- the sentences ------------------------------------------------------------------------------


def auto_engine_note(
    engine_name: str, n_labelsets: int, *, threshold: int, torch_installed: bool
) -> str:
    """Say which engine ``engine="auto"`` chose for ``n_labelsets`` powerset classes."""
    prefix = _PREFIXES[NoteKind.AUTO_ENGINE]
    if engine_name == "torch":
        return (
            f"{prefix} torch: the data has {n_labelsets} labelsets "
            f"(> {threshold}), where scikit-learn's lbfgs softmax gets slow."
        )
    if n_labelsets > threshold and not torch_installed:
        return (
            f"{prefix} scikit-learn: the data has {n_labelsets} labelsets "
            f"(> {threshold}) but torch is not installed; the powerset fits "
            f"may be slow (install the [torch] extra for a faster engine)."
        )
    return f"{prefix} scikit-learn ({n_labelsets} labelsets)."


def size_capped_note(smallest: int, n_train_full: int) -> str:
    return (
        f"{_PREFIXES[NoteKind.SIZE_CAPPED]} {smallest} exceeds the training part "
        f"({n_train_full} rows); it was capped to {n_train_full}."
    )


def fewer_sizes_note(n_distinct: int, smallest: int, n_train_full: int, n_sizes: int) -> str:
    return (
        f"{_PREFIXES[NoteKind.FEWER_SIZES]}{n_distinct} distinct training sizes fit between "
        f"{smallest} and {n_train_full} rows (asked for {n_sizes})."
    )


def sizes_merged_note(sizes: Sequence, train_sizes: np.ndarray) -> str:
    return f"{_PREFIXES[NoteKind.SIZES_MERGED]}: {list(sizes)} -> {train_sizes.tolist()}."


def constant_label_notes(label_names: Sequence[str], Y: np.ndarray) -> list[str]:
    """One note for all constant labels (a dataset may have a thousand never-positive ones)."""
    constant = np.flatnonzero(Y.min(axis=0) == Y.max(axis=0))
    if not len(constant):
        return []
    shown = ", ".join(f"{label_names[j]!r} (always {int(Y[0, j])})" for j in constant[:5])
    more = f" and {len(constant) - 5} more" if len(constant) > 5 else ""
    plural = len(constant) > 1
    return [
        f"{_PREFIXES[NoteKind.CONSTANT_LABELS]}"
        f"{f's in the data ({len(constant)})' if plural else ' in the data'}: "
        f"{shown}{more}; "
        f"every formulation predicts {'them' if plural else 'it'} as that constant."
    ]


def budget_note(skipped, tasks, *, budget, limit: float, predicted_grid, safety: float) -> str:
    """Name the jobs a budget cut, per formulation and size (``skipped`` and ``tasks`` are
    :class:`~feasibility.curves.jobs.Task` lists)."""
    n_runs = len({t.run for t in tasks})
    parts = []
    for formulation in FORMULATIONS:
        cut = [t for t in skipped if t.formulation == formulation]
        if not cut:
            continue
        sizes = sorted({t.size for t in cut})
        described = ", ".join(
            f"{n:,} ({sum(t.size == n for t in cut)} of {n_runs} runs)" for n in sizes
        )
        parts.append(f"{formulation} at {described}")
    if budget is None:
        head = (
            f"{_PREFIXES[NoteKind.AUTO_BUDGET]} the full grid was predicted to take about "
            f"{predicted_grid / 60:.0f} min, too close to the automatic limit of "
            f"{limit / 60:.0f} min once each job's predicted time gets a {safety:g}x safety "
            f"margin, so only the jobs predicted to fit were run (--budget SECONDS sets the "
            f"limit, --budget 0 never cuts)."
        )
    else:
        head = (
            f"{_PREFIXES[NoteKind.BUDGET]} {limit:,.0f} s: only the jobs predicted to fit "
            f"were run."
        )
    return f"{head} Not run (left empty; the fitted curves extrapolate there): {'; '.join(parts)}."


def not_converged_note(counts: str) -> str:
    """``counts`` is e.g. ``"powerset: 3 of 40"``, per formulation."""
    return (
        f"{_PREFIXES[NoteKind.NOT_CONVERGED]} within its iteration cap in some fits "
        f"({counts} jobs); their scores may be slightly pessimistic."
    )


def cache_note(path) -> str:
    return (
        f"{_PREFIXES[NoteKind.CACHE_HIT]} ({path}); delete that file or pass use_cache=False "
        f"to refit."
    )
