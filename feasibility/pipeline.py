"""The whole analysis in one call: profile, learning curves, fits, checklist, recommendation.

:func:`run_pipeline` returns the result dict that the JSON beside every report holds and
that :func:`feasibility.report.render.render_html` draws, so ``feasibility render x.json``
re-renders a report without recomputing anything.
"""

from __future__ import annotations

import datetime as _datetime
import os
import platform
import re
import time
from importlib import metadata
from pathlib import Path

from .curves import learning_curves
from .dataset import MultilabelDataset
from .errors import invalid_parameter
from .fit import fit_curves
from .profile import profile as profile_labels
from .recommend import DEFAULT_MEMORY_BUDGET, MIN_POSITIVES, build_checklist, recommend

__all__ = ["RESULT_KEYS", "REPORTS_DIR", "report_paths", "run_pipeline"]

#: Top-level keys of the result dict (and of the JSON written beside a report).
RESULT_KEYS: tuple[str, ...] = (
    "dataset", "profile", "curves", "fits", "checklist", "recommendation", "methods",
)
#: Default folder of the reports, relative to the working directory.
REPORTS_DIR = Path("reports")
_VERSIONED = (
    "numpy", "scipy", "scikit-learn", "statsmodels", "polars", "altair", "vl-convert-python",
    "jinja2", "joblib", "iterative-stratification", "torch",
)


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("feasibility", *_VERSIONED):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def run_pipeline(
    dataset: MultilabelDataset,
    *,
    profile_options: dict | None = None,
    curve_options: dict | None = None,
    fit_options: dict | None = None,
    metric: str = "f1_micro",
    target_n: int | None = None,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    min_positives: int = MIN_POSITIVES,
    command_line: str | None = None,
) -> dict:
    """Run every stage on a dataset and return the full, JSON-safe result dict.

    Parameters
    ----------
    dataset : MultilabelDataset
    profile_options : dict, optional
        Keyword options of :func:`feasibility.profile.profile`.
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
    dict
        ``{"dataset", "profile", "curves", "fits", "checklist", "recommendation",
        "methods"}``; each value is the stage result's ``to_dict()``; ``methods`` holds
        ``versions``, ``seed``, ``command_line``, ``timings`` (seconds per stage),
        ``options``, ``engine``, ``created`` and ``platform``.

    See Also
    --------
    feasibility.report.render.write_report : write the HTML and this dict as JSON.
    """
    owner = "run_pipeline"
    if not isinstance(dataset, MultilabelDataset):
        raise invalid_parameter("dataset", owner, "a MultilabelDataset", type(dataset).__name__)
    profile_options = dict(profile_options or {})
    curve_options = dict(curve_options or {})
    fit_options = dict(fit_options or {})
    if target_n is not None and "target_n" not in fit_options:
        n = dataset.n_samples
        fit_options["target_n"] = sorted({n, 10 * n, int(target_n)})
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
    checklist = timed(
        "checklist", build_checklist, dataset, label_profile, curves, fits,
        min_positives=min_positives, memory_budget=memory_budget, metric=metric,
    )
    recommendation = timed(
        "recommend", recommend, label_profile, curves, fits,
        metric=metric, target_n=target_n, memory_budget=memory_budget,
    )
    timings["total"] = time.perf_counter() - started
    # Each stage is turned into its dict once: fits and profile dicts are not small.
    profile_dict = label_profile.to_dict()
    curves_dict = curves.to_dict()
    fits_dict = fits.to_dict()
    return {
        "dataset": dataset.to_dict(),
        "profile": profile_dict,
        "curves": curves_dict,
        "fits": fits_dict,
        "checklist": checklist.to_dict(),
        "recommendation": recommendation.to_dict(),
        "methods": {
            "versions": _versions(),
            "seed": curves_dict.get("options", {}).get("seed"),
            "command_line": command_line,
            "timings": timings,
            "curve_timings": curves_dict.get("timings", {}),
            "engine": curves_dict.get("engine"),
            "options": {
                "profile": profile_dict.get("options", {}),
                "curves": curves_dict.get("options", {}),
                "fits": fits_dict.get("options", {}),
                "metric": metric,
                "target_n": recommendation.target_n,
                "memory_budget": int(memory_budget),
                "min_positives": int(min_positives),
            },
            "created": _datetime.datetime.now(_datetime.UTC).isoformat(timespec="seconds"),
            "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        },
    }


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
