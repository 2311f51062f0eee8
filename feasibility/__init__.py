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
    report = run_pipeline(dataset)                      # its report JSON dict (words written out)
    build_report(result, "reports/emotions.html")       # HTML + JSON beside it
"""

from .curves import LearningCurves, learning_curves
from .dataset import MultilabelDataset
from .decide import Checklist, Recommendation, build_checklist, recommend
from .errors import DatasetError, FeasibilityError, FeasibilityWarning, ParameterError
from .fit import CurveFits, fit_curves, with_sample_size
from .io import load
from .pipeline import run_analysis, run_pipeline
from .profile import LabelProfile, profile
from .report.render import render_html
from .report.render import write_report as build_report
from .result import AnalysisResult

__all__ = [
    "load",
    "profile",
    "learning_curves",
    "fit_curves",
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
