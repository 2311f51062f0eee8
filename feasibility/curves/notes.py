"""The notes a learning-curve result carries: their codes, values, and which are warned.

Each note is a :class:`CurveNote`, a :class:`CurveNoteCode` and the numbers and names its
sentence needs (the sentences are in :mod:`feasibility.report.explain_notes`). The codes
in :data:`WARNING_CODES` are also warned about, on every run and on every cache hit.

Examples
--------
>>> note = size_capped_note(100, 80)
>>> note.to_dict()
{'code': 'size_capped', 'smallest': 100, 'n_train_full': 80}
>>> is_warning(note), is_warning(cache_note("/tmp/x.json"))
(False, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

import numpy as np

from ..notes import Note, warn_note
from ..vocab import FORMULATIONS

__all__ = ["WARNING_CODES", "CurveNote", "CurveNoteCode", "is_warning", "warn_about"]


class CurveNoteCode(StrEnum):
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
    CACHE_NOT_WRITTEN = "cache_not_written"  # warned only: the cache file could not be written


@dataclass(frozen=True)
class CurveNote(Note):
    """A note of the learning-curve stage."""

    codes: ClassVar[type[StrEnum]] = CurveNoteCode


#: Codes that are also warned about (a cache hit must not hide them).
WARNING_CODES = frozenset(
    {
        CurveNoteCode.CONSTANT_LABELS,
        CurveNoteCode.AUTO_BUDGET,
        CurveNoteCode.BUDGET,
        CurveNoteCode.NOT_CONVERGED,
    }
)
#: Constant labels named in their note (a dataset may have a thousand never-positive ones).
CONSTANT_LABELS_SHOWN = 5


def is_warning(note: CurveNote) -> bool:
    """Whether a note is also warned about (its code is in :data:`WARNING_CODES`)."""
    return note.code in WARNING_CODES


def warn_about(notes: Iterable[CurveNote], *, stacklevel: int) -> None:
    """Warn a :class:`~feasibility.notes.FeasibilityNoteWarning` for each warning note.

    ``stacklevel`` counts from the caller of this function, as in :func:`warnings.warn`.
    """
    for note in notes:
        if is_warning(note):
            warn_note(note, stacklevel=stacklevel + 1)


# -- the notes ----------------------------------------------------------------------------------


def auto_engine_note(
    engine_name: str, n_labelsets: int, *, threshold: int, torch_installed: bool
) -> CurveNote:
    """Which engine ``engine="auto"`` chose for ``n_labelsets`` powerset classes."""
    return CurveNote(
        CurveNoteCode.AUTO_ENGINE,
        {
            "engine": engine_name,
            "n_labelsets": int(n_labelsets),
            "threshold": int(threshold),
            "torch_installed": bool(torch_installed),
        },
    )


def size_capped_note(smallest: int, n_train_full: int) -> CurveNote:
    return CurveNote(
        CurveNoteCode.SIZE_CAPPED, {"smallest": int(smallest), "n_train_full": int(n_train_full)}
    )


def fewer_sizes_note(n_distinct: int, smallest: int, n_train_full: int, n_sizes: int) -> CurveNote:
    return CurveNote(
        CurveNoteCode.FEWER_SIZES,
        {
            "n_distinct": int(n_distinct),
            "smallest": int(smallest),
            "n_train_full": int(n_train_full),
            "n_sizes": int(n_sizes),
        },
    )


def sizes_merged_note(sizes: Sequence, train_sizes: np.ndarray) -> CurveNote:
    return CurveNote(
        CurveNoteCode.SIZES_MERGED, {"sizes": list(sizes), "train_sizes": train_sizes.tolist()}
    )


def constant_label_notes(label_names: Sequence[str], Y: np.ndarray) -> list[CurveNote]:
    """One note for all constant labels, naming the first few and their constant value."""
    constant = np.flatnonzero(Y.min(axis=0) == Y.max(axis=0))
    if not len(constant):
        return []
    shown = constant[:CONSTANT_LABELS_SHOWN]
    return [
        CurveNote(
            CurveNoteCode.CONSTANT_LABELS,
            {
                "n_labels": len(constant),
                "labels": [label_names[j] for j in shown],
                "values": [int(Y[0, j]) for j in shown],
            },
        )
    ]


def budget_note(
    skipped, tasks, *, budget, limit: float, predicted_grid, safety: float
) -> CurveNote:
    """The jobs a budget cut, per formulation and size (``skipped`` and ``tasks`` are
    :class:`~feasibility.curves.jobs.Task` lists): ``cut`` lists ``{"formulation",
    "train_size", "n_runs"}`` (runs cut at that size), ``n_runs`` the runs of the grid."""
    cut = []
    for formulation in FORMULATIONS:
        at = [t for t in skipped if t.formulation == formulation]
        cut += [
            {
                "formulation": str(formulation),
                "train_size": int(n),
                "n_runs": sum(t.size == n for t in at),
            }
            for n in sorted({t.size for t in at})
        ]
    values = {"cut": cut, "n_runs": len({t.run for t in tasks}), "limit": float(limit)}
    if budget is None:
        code = CurveNoteCode.AUTO_BUDGET
        values |= {"predicted_grid": float(predicted_grid), "safety": float(safety)}
    else:
        code = CurveNoteCode.BUDGET
    return CurveNote(code, values)


def not_converged_note(counts: Sequence[tuple[str, int, int]]) -> CurveNote:
    """``counts``: ``(formulation, jobs that hit the cap, jobs)`` per formulation."""
    return CurveNote(
        CurveNoteCode.NOT_CONVERGED,
        {
            "counts": [
                {"formulation": str(f), "n_not_converged": int(n), "n_jobs": int(total)}
                for f, n, total in counts
            ]
        },
    )


def cache_note(path) -> CurveNote:
    return CurveNote(CurveNoteCode.CACHE_HIT, {"path": str(path)})


def cache_not_written_note(path, error: OSError) -> CurveNote:
    return CurveNote(CurveNoteCode.CACHE_NOT_WRITTEN, {"path": str(path), "error": str(error)})
