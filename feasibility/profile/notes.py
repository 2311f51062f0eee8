"""The notes of the label profile: :class:`ProfileNote` and its codes.

The sentences are in :mod:`feasibility.report.explain_notes`.

Examples
--------
>>> ProfileNote(ProfileNoteCode.RAKEL_SKIPPED, {"k": 4, "n_labels": 3}).to_dict()
{'code': 'rakel_skipped', 'k': 4, 'n_labels': 3}
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from ..notes import Note

__all__ = ["CONSTANT_LABELS_SHOWN", "ProfileNote", "ProfileNoteCode"]

#: Constant labels named in their note (a dataset can have thousands of them).
CONSTANT_LABELS_SHOWN = 5


class ProfileNoteCode(StrEnum):
    """What a note of :attr:`LabelProfile.notes <feasibility.profile.LabelProfile.notes>`
    is about."""

    NEVER_POSITIVE = "never_positive"  # labels never positive (also warned)
    ALWAYS_POSITIVE = "always_positive"  # labels positive in every sample (also warned)
    RAKEL_SKIPPED = "rakel_skipped"  # a RAkEL k larger than the number of labels


@dataclass(frozen=True)
class ProfileNote(Note):
    """A note of the profile stage."""

    codes: ClassVar[type[StrEnum]] = ProfileNoteCode
