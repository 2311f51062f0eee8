"""The report JSON: an :class:`~feasibility.result.AnalysisResult` with its words written out.

Stages return numbers and codes; the JSON written beside every report also carries what
the report says about them (the reasons, the checklist texts, head sizes in human units),
so that scripts and ``feasibility render`` read one self-explaining file.
``codes`` keeps the checklist and recommendation as the stages returned them, so
``AnalysisResult.from_dict`` rebuilds the typed result whole (it ignores the words).
:func:`curves_json` is the smaller JSON of ``feasibility curves --json``.
"""

from __future__ import annotations

from ..result import AnalysisResult
from .explain import annotate
from .text_profile import profile_json

__all__ = ["curves_json", "report_json"]


def report_json(result: AnalysisResult) -> dict:
    """Return the report JSON dict of an analysis (the keys of ``report.schema.json``).

    See Also
    --------
    feasibility.run_pipeline : runs every stage and returns this dict.
    """
    data = result.to_dict()
    data["profile"] = profile_json(result.profile)
    annotated = annotate(data)
    # the two parts whose codes become words, as codes too: from_dict rebuilds them whole
    annotated["codes"] = {
        "checklist": result.checklist.to_dict(),
        "recommendation": result.recommendation.to_dict(),
    }
    return annotated


def curves_json(curves, fits) -> dict:
    """Return the JSON of ``feasibility curves --json``: the curves and their fits in one dict.

    The keys of ``curves.to_dict()``, then those of ``fits.to_dict()``, with the fits'
    options under ``fit_options`` and the notes of both stages in one ``notes`` list.

    Parameters
    ----------
    curves : LearningCurves
    fits : CurveFits
        :func:`feasibility.fit.fit_curves` of ``curves`` (with the sample sizes).
    """
    data = curves.to_dict()
    fits_dict = fits.to_dict()
    data["fit_options"] = fits_dict.pop("options", {})
    data["notes"] = list(data.get("notes", [])) + list(fits_dict.pop("notes", []))
    data.update(fits_dict)
    return data
