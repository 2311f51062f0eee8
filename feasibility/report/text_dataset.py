"""Plain-text summary of a loaded dataset (``feasibility info``)."""

from __future__ import annotations

from ..dataset import MultilabelDataset


def dataset_text(dataset: MultilabelDataset, *, max_labels: int = 30) -> str:
    """Return the human summary printed by ``feasibility info``."""
    summary = dataset.to_dict()
    names = summary["label_names"]
    shown = ", ".join(names[:max_labels]) + (f", ... ({len(names) - max_labels} more)" if len(names) > max_labels else "")
    lines = [
        f"dataset    {summary['name']}  ({summary['source']})",
        f"format     {summary['format']}",
        f"samples    {summary['n_samples']:,}",
        f"features   {summary['n_features']:,} columns ({'sparse' if summary['sparse'] else 'dense'}) "
        f"from {summary['n_inputs']:,} input attributes",
        f"labels     {summary['n_labels']}: {shown}",
    ]
    if summary["notes"]:
        lines.append("notes")
        lines.extend(f"  - {note}" for note in summary["notes"])
    return "\n".join(lines)
