"""feasibility: sigmoid or powerset? Measure a multilabel dataset before modelling it.

The pipeline, one stage per module::

    dataset = load("emotions")                          # feasibility.io
    label_profile = profile(dataset)                    # feasibility.profile
    curves = learning_curves(dataset)                   # feasibility.curves
    fits = fit_curves(curves)                           # feasibility.fit
    fits = with_sample_size(fits, curves)               # analytic Riley / Pate cross-check
    checklist = build_checklist(dataset, label_profile, curves, fits)
    recommendation = recommend(label_profile, curves, fits)   # feasibility.decide
    result = run_analysis(dataset)                      # all of the above: an AnalysisResult
    analysis = analyze(frame, labels=[...])             # any data (path, DataFrame, (X, Y)): an Analysis
    report = run_pipeline(dataset)                      # its report JSON dict (words written out)
    build_report(result, "reports/emotions.html")       # HTML + JSON beside it
"""

from typing import TYPE_CHECKING

# ``profile`` is also the name of a subpackage: importing it (as any stage may) would set
# the package attribute to the module, so the function is bound here, after it.
from .profile import LabelProfile, profile

# The public names are imported on first use (PEP 562): a job process, or
# ``feasibility --help``, then loads only the modules it needs, not the report's libraries.
_LAZY = {
    "Analysis": ".analysis",
    "analyze": ".analysis",
    "LearningCurves": ".curves",
    "learning_curves": ".curves",
    "MultilabelDataset": ".dataset",
    "Checklist": ".decide",
    "Recommendation": ".decide",
    "build_checklist": ".decide",
    "recommend": ".decide",
    "DatasetError": ".errors",
    "FeasibilityError": ".errors",
    "FeasibilityWarning": ".errors",
    "ParameterError": ".errors",
    "CurveFits": ".fit",
    "fit_curve": ".fit",
    "fit_curves": ".fit",
    "with_sample_size": ".fit",
    "load": ".io",
    "run_analysis": ".pipeline",
    "run_pipeline": ".pipeline",
    "render_html": ".report.render",
    "build_report": ".report.render",
    "AnalysisResult": ".result",
}
_RENAMED = {"build_report": "write_report"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'feasibility' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name], __name__), _RENAMED.get(name, name))
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:
    from .analysis import Analysis, analyze
    from .curves import LearningCurves, learning_curves
    from .dataset import MultilabelDataset
    from .decide import Checklist, Recommendation, build_checklist, recommend
    from .errors import DatasetError, FeasibilityError, FeasibilityWarning, ParameterError
    from .fit import CurveFits, fit_curve, fit_curves, with_sample_size
    from .io import load
    from .pipeline import run_analysis, run_pipeline
    from .report.render import render_html
    from .report.render import write_report as build_report
    from .result import AnalysisResult

__all__ = [
    "analyze",
    "Analysis",
    "load",
    "profile",
    "learning_curves",
    "fit_curves",
    "fit_curve",
    "with_sample_size",
    "run_analysis",
    "AnalysisResult",
    "build_checklist",
    "recommend",
    "run_pipeline",
    "build_report",
    "render_html",
    "MultilabelDataset",
    "LabelProfile",
    "LearningCurves",
    "CurveFits",
    "Checklist",
    "Recommendation",
    "DatasetError",
    "FeasibilityError",
    "FeasibilityWarning",
    "ParameterError",
]
__version__ = "0.1.0"
