"""The learning-curve cache: one JSON file per (dataset, options, engine), keyed by content.

A file holds ``{"key": ..., "result": LearningCurves.to_dict()}``; it is used only when its
key equals the key asked for, so a changed dataset, option or engine never reads a stale
result. :data:`CACHE_VERSION` changes when the meaning of cached numbers does.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .._json import json_safe
from ..notes import warn_note
from .notes import cache_not_written_note, cache_note
from .results import LearningCurves

__all__ = ["CACHE_VERSION", "cache_key", "cache_path", "default_cache_dir", "read_cache"]

#: Bump when the meaning or the form of cached results changes.
CACHE_VERSION = 6  # 2: empty-vs-empty samples score 1 in f1_samples and jaccard; 3: notes are
# codes; 4: tuned heads, metric-specific decoding, scores_plain; 5: preconditioned solver, MLP
# and grouped pruned-powerset tuning, torch softmax validation on learnable classes; 6: torch
# heads searched from C = 0.01 with fused Adam and larger linear batches, torch MLP tuned


def default_cache_dir() -> Path:
    """Return ``$FEASIBILITY_CACHE`` or ``~/.cache/feasibility``."""
    return Path(os.environ.get("FEASIBILITY_CACHE") or Path.home() / ".cache" / "feasibility")


def cache_key(dataset_hash: str, options: dict, engine) -> dict:
    """The JSON-safe key of a result: what defines its numbers.

    ``options`` is :meth:`CurveOptions.experiment_dict
    <feasibility.curves.CurveOptions.experiment_dict>`: how the jobs run (jobs, backend)
    does not change the numbers and is not part of the key. The engine is keyed by its
    ``repr``, which lists its settings.
    """
    return json_safe(
        {
            "version": CACHE_VERSION,
            "dataset_hash": dataset_hash,
            "options": options,
            "engine": repr(engine),
        }
    )


def cache_path(cache_dir, dataset_name: str, key: dict) -> Path:
    """``curves-<name>-<digest>.json`` in ``cache_dir`` (None: :func:`default_cache_dir`)."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in dataset_name)[:40]
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return folder / f"curves-{safe_name}-{digest}.json"


def read_cache(path: Path, key: dict) -> LearningCurves | None:
    """Return the cached result with a note saying so, or None (missing, stale or broken)."""
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if stored.get("key") != key:
        return None
    try:
        curves = LearningCurves.from_dict(stored["result"])
    except (KeyError, TypeError, ValueError):
        return None
    return LearningCurves(**{**curves.__dict__, "notes": curves.notes + (cache_note(path),)})


def write_cache(path: Path, key: dict, result: LearningCurves, *, stacklevel: int) -> None:
    """Write a result; a cache that cannot be written is a warning, not an error.

    ``stacklevel`` counts from the caller of this function, as in :func:`warnings.warn`.
    """
    payload = json.dumps({"key": key, "result": result.to_dict()}, allow_nan=False)
    handle = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a concurrent reader never sees half a file. (Not
        # feasibility._files.write_files_atomically: its error names --out and is an error.)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
        ) as handle:
            handle.write(payload)
        os.replace(handle.name, path)
    except OSError as error:
        if handle is not None:  # a full disk must not leave half a cache file behind
            Path(handle.name).unlink(missing_ok=True)
        warn_note(cache_not_written_note(path, error), stacklevel=stacklevel + 1)
