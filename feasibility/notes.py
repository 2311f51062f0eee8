"""Notes: what a stage did that the user should know, as a code and the values it needs.

Stages return numbers and codes, never sentences (no stage imports
:mod:`feasibility.report`). A note is a code, a ``StrEnum`` member of its stage's enum
(``CurveNoteCode``, ``FitNoteCode``, ...), and its values: numbers, strings and lists of
them. Names from the data (labels, columns) stay values, so the report escapes them where
it shows them. The codes of all the stages are distinct, so a note's dict names its
sentence by itself: ``{"code": ..., **values}`` is what ``to_dict()`` and the report JSON
hold.

The sentences are the report layer's (:mod:`feasibility.report.explain_notes`); it
registers them here when imported, which the first sentence asked for does.
``str(note)`` and the message of a :class:`FeasibilityNoteWarning` are rendered through
that registry when they are shown, so a warning reads as the sentence the report prints.

Examples
--------
>>> from enum import StrEnum
>>> class DemoCode(StrEnum):
...     DEMO = "demo_only"
>>> class DemoNote(Note):
...     codes = DemoCode
>>> note = DemoNote(DemoCode.DEMO, {"n_rows": 3})
>>> note.to_dict()
{'code': 'demo_only', 'n_rows': 3}
>>> DemoNote.from_dict(note.to_dict()) == note
True
>>> str(note)  # no sentence registered for this code: the code and its values
"demo_only: {'n_rows': 3}"
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from ._json import json_safe
from .errors import FeasibilityWarning

__all__ = [
    "TEXT_NOTES_MESSAGE",
    "Coded",
    "Note",
    "FeasibilityNoteWarning",
    "find_text_notes",
    "register_note_texts",
    "registered_codes",
    "render_note",
    "warn_note",
]

#: Why a result JSON whose notes are sentences (written before notes became codes) is refused.
TEXT_NOTES_MESSAGE = (
    "its notes are sentences, as an older version of feasibility wrote them (notes are codes now)"
)

# ---- the sentences, registered by the report layer --------------------------------------

_TEXTS: dict[str, Callable[[Mapping], str]] = {}


def register_note_texts(texts: Mapping[str, Callable[[Mapping], str]]) -> None:
    """Register the function writing each code's sentence from the note's dict."""
    _TEXTS.update({str(code): render for code, render in texts.items()})


def registered_codes() -> frozenset[str]:
    """The codes that have a registered sentence."""
    return frozenset(_TEXTS)


def render_note(note: Mapping) -> str:
    """The sentence of a note's dict; ``"code: {values}"`` when none is registered."""
    if not _TEXTS:
        # ``import feasibility`` loads the report layer lazily: its sentences register now
        import importlib

        importlib.import_module("feasibility.report.explain_notes")
    render = _TEXTS.get(str(note["code"]))
    if render is None:
        values = {key: value for key, value in note.items() if key != "code"}
        return f"{note['code']}: {values}"
    return render(note)


# ---- coded results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Coded:
    """A code and the numbers (and names) its sentence needs."""

    codes: ClassVar[type[StrEnum]]
    code: StrEnum
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.values[key]

    def to_dict(self) -> dict:
        """Return ``{"code", **values}`` (JSON-safe)."""
        return {"code": str(self.code), **json_safe(dict(self.values))}

    @classmethod
    def from_dict(cls, data: Mapping):
        """Rebuild from :meth:`to_dict`'s form."""
        values = dict(data)
        return cls(cls.codes(values.pop("code")), values)


@dataclass(frozen=True)
class Note(Coded):
    """A note of a stage; each stage subclasses it with its own ``codes`` enum.

    ``str(note)`` is its sentence (see the module docstring).
    """

    def __str__(self) -> str:
        return render_note(self.to_dict())

    @classmethod
    def from_dicts(cls, items: Iterable) -> tuple:
        """Rebuild a result's notes from their dicts.

        Raises
        ------
        ValueError
            When a note is a sentence (:data:`TEXT_NOTES_MESSAGE`): an old result JSON or
            cache, whose notes cannot be rebuilt as codes.
        """
        items = list(items)
        if any(isinstance(item, str) for item in items):
            raise ValueError(TEXT_NOTES_MESSAGE)
        return tuple(cls.from_dict(item) for item in items)


def find_text_notes(data, path: str = "") -> str | None:
    """The place (``"dataset.notes"``) of the first ``notes`` list holding a sentence.

    >>> find_text_notes({"curves": {"notes": ["Loaded from the cache"]}})
    'curves.notes'
    >>> find_text_notes({"curves": {"notes": [{"code": "cache_hit"}]}}) is None
    True
    """
    if isinstance(data, Mapping):
        for key, value in data.items():
            place = f"{path}.{key}" if path else str(key)
            if (
                key == "notes"
                and isinstance(value, list)
                and any(isinstance(v, str) for v in value)
            ):
                return place
            found = find_text_notes(value, place)
            if found is not None:
                return found
    return None


# ---- warnings ---------------------------------------------------------------------------


class FeasibilityNoteWarning(FeasibilityWarning):
    """A :class:`Note`, warned; its message is the note's sentence (after ``where: ``)."""

    def __init__(self, note: Note, where: str | None = None):
        super().__init__(note, where)
        self.note = note
        self.where = where

    def __str__(self) -> str:
        text = render_note(self.note.to_dict())
        return text if self.where is None else f"{self.where}: {text}"


def warn_note(note: Note, *, stacklevel: int, where: str | None = None) -> None:
    """Warn ``note`` as a :class:`FeasibilityNoteWarning`.

    ``stacklevel`` counts from the caller of this function, as in :func:`warnings.warn`.
    """
    warnings.warn(FeasibilityNoteWarning(note, where), stacklevel=stacklevel + 1)
