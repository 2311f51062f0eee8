"""Plain-text summary of a loaded dataset (``feasibility info``)."""

from __future__ import annotations

from ..dataset import MultilabelDataset
from .explain_notes import note_text
from .terminal import terminal_safe


def dataset_text(dataset: MultilabelDataset, *, max_labels: int = 30) -> str:
    """Return the human summary printed by ``feasibility info``."""
    summary = dataset.to_dict()
    # Names come from the data: control characters are shown escaped, never obeyed.
    names = [terminal_safe(name) for name in summary["label_names"]]
    shown = ", ".join(names[:max_labels]) + (
        f", ... ({len(names) - max_labels} more)" if len(names) > max_labels else ""
    )
    lines = [
        f"dataset    {terminal_safe(summary['name'])}  ({terminal_safe(summary['source'])})",
        f"format     {terminal_safe(summary['format'])}",
        f"samples    {summary['n_samples']:,}",
        f"features   {summary['n_features']:,} columns ({'sparse' if summary['sparse'] else 'dense'}) "
        f"from {summary['n_inputs']:,} input attributes",
        f"labels     {summary['n_labels']}: {shown}",
    ]
    if summary["notes"]:
        lines.append("notes")
        lines.extend(f"  - {terminal_safe(note_text(note))}" for note in summary["notes"])
    return "\n".join(lines)
