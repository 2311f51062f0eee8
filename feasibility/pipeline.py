"""The whole analysis in one call: profile, learning curves, fits, checklist, recommendation.

:func:`run_pipeline` returns the result dict that the JSON beside every report holds and
that :func:`feasibility.report.render.render_html` draws, so ``feasibility render x.json``
re-renders a report without recomputing anything.
"""

from __future__ import annotations

import datetime as _datetime
import inspect
import os
import platform
import re
import time
from importlib import metadata
from pathlib import Path

from ._json import LARGE_INTEGERS_NOTE
from .curves import CurveOptions, learning_curves
from .dataset import MultilabelDataset, require_dataset
from .decide import Checklist, DecisionOptions, build_checklist, recommend
from .errors import invalid_parameter
from .fit import FitOptions, fit_curves, with_sample_size
from .profile import ProfileOptions
from .profile import profile as profile_labels
from .result import RESULT_KEYS, AnalysisResult, DatasetSummary, Methods

__all__ = [
    "RESULT_KEYS",
    "REPORTS_DIR",
    "check_decision_options",
    "check_fit_options",
    "labels_checklist",
    "report_paths",
    "run_analysis",
    "run_pipeline",
]

#: Default folder of the reports, relative to the working directory.
REPORTS_DIR = Path("reports")
_VERSIONED = (
    "numpy",
    "scipy",
    "scikit-learn",
    "statsmodels",
    "polars",
    "altair",
    "vl-convert-python",
    "jinja2",
    "joblib",
    "iterative-stratification",
    "torch",
)


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("feasibility", *_VERSIONED):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def run_analysis(
    dataset: MultilabelDataset,
    *,
    profile_options: dict | None = None,
    curve_options: dict | None = None,
    fit_options: dict | None = None,
    metric: str = "f1_micro",
    target_n: int | None = None,
    memory_budget: int = DecisionOptions.memory_budget,
    min_positives: int = DecisionOptions.min_positives,
    command_line: str | None = None,
) -> AnalysisResult:
    """Run every stage on a dataset and return the typed result.

    The cross-stage rules live here: every option is checked before any model is trained,
    the profile's pruning levels include the pruned-powerset curve's, the target size joins
    the fits' target sizes, and the analytic sample sizes run as their own stage after the
    fits.

    Parameters
    ----------
    dataset : MultilabelDataset
    profile_options : dict, optional
        Keyword options of :func:`feasibility.profile.profile`. Without ``prune_counts``,
        the profile's pruning table gets the curves' ``prune_min_count`` beside its default
        levels, so that the profile describes the labelsets the pruned-powerset curve keeps.
    curve_options : dict, optional
        Keyword options of :func:`feasibility.curves.learning_curves` (cached curves
        are reused through its ``cache_dir`` / ``use_cache``).
    fit_options : dict, optional
        Keyword options of :func:`feasibility.fit.fit_curves`. When ``target_n`` is
        given and ``fit_options`` has no ``target_n``, the fits report the dataset size,
        10x it and ``target_n``.
    metric : str, default="f1_micro"
        Headline metric of the recommendation.
    target_n : int, optional
        Training size the recommendation is for (default: the dataset's size).
    memory_budget : int, default=2**30
        Bytes allowed for the powerset output layer (float32).
    min_positives : int, default=10
        Positives each label needs (checklist).
    command_line : str, optional
        Recorded in the methods section.

    Returns
    -------
    AnalysisResult
        One stage result per field; ``methods`` holds ``versions``, ``seed``,
        ``command_line``, ``timings`` (seconds per stage), ``options``, ``engine``,
        ``created``, ``platform`` and ``large_integers``. :func:`run_pipeline` returns its
        report JSON dict.

    Raises
    ------
    ParameterError
        For an option out of range or unknown to its stage, checked before any model is
        trained; for a ``dataset`` that is not a MultilabelDataset.
    """
    dataset = require_dataset(dataset, "run_pipeline")
    profile_options, curve_options, fit_options = _checked_options(
        dataset,
        profile_options,
        curve_options,
        fit_options,
        metric=metric,
        target_n=target_n,
        memory_budget=memory_budget,
        min_positives=min_positives,
    )
    # Only checked options reach the stages: nothing trains on a value that fails later.
    return _run_stages(
        dataset,
        profile_options,
        curve_options,
        fit_options,
        metric=metric,
        target_n=target_n,
        memory_budget=memory_budget,
        min_positives=min_positives,
        command_line=command_line,
    )


def _run_stages(
    dataset,
    profile_options,
    curve_options,
    fit_options,
    *,
    metric,
    target_n,
    memory_budget,
    min_positives,
    command_line,
) -> AnalysisResult:
    """Run the stages in order on checked options, timing each, and assemble the result."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def timed(stage: str, function, *args, **kwargs):
        begin = time.perf_counter()
        value = function(*args, **kwargs)
        timings[stage] = time.perf_counter() - begin
        return value

    label_profile = timed("profile", profile_labels, dataset, **profile_options)
    curves = timed("curves", learning_curves, dataset, **curve_options)
    fits = timed("fits", fit_curves, curves, **fit_options)
    # the analytic sample sizes are a stage of their own; the JSON keeps them in the fits
    fits = with_sample_size(fits, curves)
    checklist = timed(
        "checklist",
        build_checklist,
        dataset,
        label_profile,
        curves,
        fits,
        min_positives=min_positives,
        memory_budget=memory_budget,
        metric=metric,
    )
    recommendation = timed(
        "recommend",
        recommend,
        label_profile,
        curves,
        fits,
        metric=metric,
        target_n=target_n,
        memory_budget=memory_budget,
    )
    timings["total"] = time.perf_counter() - started
    methods = _methods(
        curves,
        fits,
        label_profile,
        recommendation,
        timings,
        command_line=command_line,
        metric=metric,
        memory_budget=memory_budget,
        min_positives=min_positives,
    )
    return AnalysisResult(
        dataset=DatasetSummary.of(dataset),
        profile=label_profile,
        curves=curves,
        fits=fits,
        checklist=checklist,
        recommendation=recommendation,
        methods=methods,
    )


def _checked_options(
    dataset,
    profile_options,
    curve_options,
    fit_options,
    *,
    metric,
    target_n,
    memory_budget,
    min_positives,
) -> tuple[dict, dict, dict]:
    """Every option checked before the learning curves spend minutes training."""
    owner = "run_pipeline"
    profile_options = _stage_options(profile_options, "profile_options", profile_labels)
    curve_options = _stage_options(curve_options, "curve_options", learning_curves)
    fit_options = _stage_options(fit_options, "fit_options", fit_curves)
    # Every option is checked here, before the learning curves spend minutes training:
    # a bad --target must not surface after the whole run.
    check_decision_options(
        metric=metric,
        target_n=target_n,
        memory_budget=memory_budget,
        min_positives=min_positives,
        owner=owner,
    )
    if "prune_min_count" in curve_options and "prune_counts" not in profile_options:
        level = CurveOptions(**curve_options).prune_min_count  # a bad one is said as the curves'
        profile_options["prune_counts"] = sorted({*ProfileOptions.prune_counts, level})
    if target_n is not None and "target_n" not in fit_options:
        n = dataset.n_samples
        fit_options["target_n"] = sorted({n, 10 * n, int(target_n)})
    if "jobs" in curve_options and "jobs" not in fit_options:
        fit_options["jobs"] = curve_options["jobs"]  # one --jobs for every stage that can use it
    check_fit_options(fit_options)
    return profile_options, curve_options, fit_options


def _methods(
    curves,
    fits,
    label_profile,
    recommendation,
    timings,
    *,
    command_line,
    metric,
    memory_budget,
    min_positives,
) -> Methods:
    """How the result was computed: versions, seed, options of every stage, timings."""
    curves_dict = curves.to_dict()
    return Methods(
        versions=_versions(),
        seed=curves_dict.get("options", {}).get("seed"),
        command_line=command_line,
        timings=timings,
        curve_timings=curves_dict.get("timings", {}),
        engine=curves_dict.get("engine"),
        options={
            "profile": label_profile.to_dict().get("options", {}),
            "curves": curves_dict.get("options", {}),
            "fits": fits.to_dict().get("options", {}),
            "metric": metric,
            "target_n": recommendation.target_n,
            "memory_budget": int(memory_budget),
            "min_positives": int(min_positives),
        },
        created=_datetime.datetime.now(_datetime.UTC).isoformat(timespec="seconds"),
        platform=f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        large_integers=LARGE_INTEGERS_NOTE,
    )


def labels_checklist(
    dataset: MultilabelDataset,
    *,
    metric: str = DecisionOptions.metric,
    memory_budget: int = DecisionOptions.memory_budget,
    min_positives: int = DecisionOptions.min_positives,
) -> Checklist:
    """Return the checklist items that the labels alone answer, without learning curves.

    The dataset is profiled with the default options and the checklist is built without
    curves or fits, so the items that need them are left out (``feasibility check
    --labels-only``).

    Parameters
    ----------
    dataset : MultilabelDataset
    metric : str, default="f1_micro"
    memory_budget : int, default=2**30
        Bytes allowed for the powerset output layer (float32).
    min_positives : int, default=10
        Positives each label needs (checklist).

    See Also
    --------
    run_analysis : every stage, with the whole checklist.

    Examples
    --------
    >>> from feasibility import load
    >>> labels_checklist(load("flags")).to_dict()["counts"]
    {'pass': 5, 'warn': 4, 'fail': 0}
    """
    dataset = require_dataset(dataset, "labels_checklist")
    return build_checklist(
        dataset,
        profile_labels(dataset),
        None,
        None,
        min_positives=min_positives,
        memory_budget=memory_budget,
        metric=metric,
    )


def run_pipeline(dataset: MultilabelDataset, **options) -> dict:
    """Run every stage and return the report JSON dict (what ``feasibility report`` writes).

    Takes the options of :func:`run_analysis`; the dict is
    ``feasibility.report.result_json.report_json(run_analysis(dataset, **options))``: the
    typed result with the report's words written out.

    Returns
    -------
    dict
        ``{"dataset", "profile", "curves", "fits", "checklist", "recommendation",
        "methods"}`` (see ``feasibility/report/report.schema.json``).
    """
    from .report.result_json import report_json  # the words are the report layer's

    return report_json(run_analysis(dataset, **options))


def _stage_options(options, parameter: str, stage) -> dict:
    """Copy a stage's keyword options, refusing a non-dict or a keyword the stage lacks."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise invalid_parameter(parameter, "run_pipeline", "a dict of keyword options", options)
    accepted = [
        name
        for name, p in inspect.signature(stage).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(str(key) for key in options if key not in accepted)
    if unknown:
        raise invalid_parameter(
            parameter,
            "run_pipeline",
            f"keyword options of {stage.__name__} ({', '.join(accepted)})",
            unknown,
        )
    return dict(options)


def check_fit_options(fit_options: dict) -> None:
    """Check :func:`feasibility.fit.fit_curves` options without any curves to fit.

    Raises
    ------
    ParameterError
        The error ``fit_curves`` itself would raise, only before the curves are measured.
    """
    # FitOptions holds fit_curves' defaults and checks, so the messages and ranges are its own.
    FitOptions(**fit_options)


def check_decision_options(
    *, metric, target_n, memory_budget, min_positives, owner: str = "run_pipeline"
) -> None:
    """Check the options of :func:`build_checklist` and :func:`recommend` up front.

    Raises
    ------
    ParameterError
        For an unknown metric, a ``target_n`` below 1, a non-positive memory budget or
        ``min_positives`` below 1.
    """
    DecisionOptions.checked(
        owner,
        metric=metric,
        target_n=target_n,
        memory_budget=memory_budget,
        min_positives=min_positives,
    )


def _file_stem(name: str) -> str:
    """A file-system safe stem for a dataset name (the name itself is shown escaped)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return stem or "dataset"


def report_paths(name: str, out: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Return the (HTML, JSON) paths of a report.

    Parameters
    ----------
    name : str
        Dataset name; characters other than letters, digits, ``.``, ``_`` and ``-``
        become ``_``.
    out : path-like, optional
        The HTML path; the JSON goes beside it with the suffix ``.json``. An existing
        folder gets ``<name>.html`` inside it. Default: ``reports/<name>.html`` in the
        working directory.

    Examples
    --------
    >>> [str(p) for p in report_paths("emotions")]
    ['reports/emotions.html', 'reports/emotions.json']
    >>> [str(p) for p in report_paths("x", "out/y.html")]
    ['out/y.html', 'out/y.json']
    """
    if out is None:
        html = REPORTS_DIR / f"{_file_stem(name)}.html"
    elif Path(out).is_dir():
        html = Path(out) / f"{_file_stem(name)}.html"
    else:
        html = Path(out)
    if html.suffix.lower() not in (".html", ".htm"):
        html = html.with_name(html.name + ".html")
    return html, html.with_suffix(".json")
