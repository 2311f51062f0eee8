"""Output layers and their memory: the head-size table of the decision.

A powerset softmax has one output per labelset; the memory budget is about its float32
weights and biases. The pruned powerset's head depends on Read's pruning level ``p``
(labelsets seen at least ``p`` times), the level the pruned-powerset curve was measured at.
"""

from __future__ import annotations

import math

from ..vocab import Formulation
from .results import HeadRow

__all__ = ["head_bytes", "head_table", "prune_min_count", "pruned_head"]

#: The full 2^L powerset: every labelset that could exist, not only those seen.
FULL_POWERSET = "full-powerset"


def prune_min_count(curves) -> int:
    """Read's pruning level of the pruned-powerset curve (2 without curves)."""
    value = curves.options.get("prune_min_count", 2) if curves is not None else 2
    return int(value) if value else 2


def pruned_head(profile, min_count: int) -> tuple[int, int]:
    """(outputs, params) of the pruned-powerset head at Read's p = min_count."""
    level = profile.prune_level(min_count)
    return level.n_labelsets, level.n_params


def head_bytes(profile, curves) -> dict[str, int]:
    """float32 bytes of each formulation's output layer."""
    _, params = pruned_head(profile, prune_min_count(curves))
    return {
        str(Formulation.SIGMOID): profile.heads.sigmoid.float32_bytes,
        str(Formulation.POWERSET): profile.heads.powerset.float32_bytes,
        str(Formulation.PRUNED_POWERSET): 4 * params,
    }


def head_table(profile, curves, fits, metric: str, memory_budget: int) -> tuple[HeadRow, ...]:
    """Rows for sigmoid, powerset, pruned powerset and the full powerset, in that order."""
    heads = profile.heads
    min_count = prune_min_count(curves)
    outputs, params = pruned_head(profile, min_count)

    def needed(formulation: str) -> dict | None:
        if fits is None:
            return None
        fit = fits.fits.get(formulation, {}).get(metric)
        if fit is None or fit.samples_needed is None:
            return None
        return fit.samples_needed.to_dict()

    def row(name: str, head) -> HeadRow:
        return HeadRow(
            formulation=name,
            min_count=None,
            n_outputs=head.n_outputs,
            n_params=head.n_params,
            float32_bytes=head.float32_bytes,
            samples_per_param=head.samples_per_param,
            fits_memory_budget=head.float32_bytes <= memory_budget,
            samples_needed=None if name == FULL_POWERSET else needed(name),
        )

    pruned = HeadRow(
        formulation=str(Formulation.PRUNED_POWERSET),
        min_count=min_count,
        n_outputs=outputs,
        n_params=params,
        float32_bytes=4 * params,
        samples_per_param=profile.n_samples / params if params else math.inf,
        fits_memory_budget=4 * params <= memory_budget,
        samples_needed=needed(str(Formulation.PRUNED_POWERSET)),
    )
    return (
        row(str(Formulation.SIGMOID), heads.sigmoid),
        row(str(Formulation.POWERSET), heads.powerset),
        pruned,
        row(FULL_POWERSET, heads.full_powerset),
    )
