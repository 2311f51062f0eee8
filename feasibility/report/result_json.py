"""The report JSON: an :class:`~feasibility.result.AnalysisResult` with its words written out.

Stages return numbers and codes; the JSON written beside every report also carries what
the report says about them (the reasons, the checklist texts, head sizes in human units),
so that scripts and ``feasibility render`` read one self-explaining file.
``AnalysisResult.from_dict`` reads the numbers back and ignores the words.
"""

from __future__ import annotations

from ..result import AnalysisResult
from .explain import annotate
from .text_profile import profile_json


def report_json(result: AnalysisResult) -> dict:
    """Return the report JSON dict of an analysis (the keys of ``report.schema.json``).

    See Also
    --------
    feasibility.run_pipeline : runs every stage and returns this dict.
    """
    data = result.to_dict()
    data["profile"] = profile_json(result.profile)
    return annotate(data)
