"""The one-call Python API: :func:`analyze` any data, get an :class:`Analysis` back.

``analyze`` takes what a data scientist has at hand -- a path or embedded name, a
:class:`~feasibility.MultilabelDataset`, a pandas or polars DataFrame, or a tuple
``(X, Y)`` -- loads it with the loaders' rules and one-line errors, and runs every stage
(:func:`feasibility.run_analysis`). The :class:`Analysis` it returns holds the typed
result, writes the report (``to_html``, ``to_json``) and shows it inline in Jupyter
(``_repr_html_``). The README and ``docs/quickstart.ipynb`` show it at work.
"""

from __future__ import annotations

import html
import json
import os
import sys
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ._files import write_files_atomically
from ._validation import StrOptions, validate_params
from .dataset import MultilabelDataset
from .errors import DatasetError, FeasibilityWarning, ParameterError
from .io.frames import dataset_from_frame, is_frame
from .report.terminal import warning_line
from .result import AnalysisResult

__all__ = ["Analysis", "analyze"]

#: Height of the inline report's frame in a notebook, in CSS pixels.
INLINE_HEIGHT = 900


def _as_dataset(data, name: str | None, **reading):
    """Whatever ``analyze`` was given, as a MultilabelDataset (or a one-line error).

    ``reading`` is how a file or DataFrame names its labels: ``labels``, ``label_column``,
    ``label_sep`` and ``missing_labels``, passed on to the loaders as they are.
    """
    accepted = {"missing_labels": [StrOptions({"error", "drop"})]}
    validate_params({"missing_labels": reading["missing_labels"]}, accepted, owner="analyze")
    if isinstance(data, MultilabelDataset):
        return data
    if isinstance(data, str | os.PathLike):
        from .io import load

        return load(data, name=name, **reading)
    if is_frame(data):
        return dataset_from_frame(data, name=name or "dataframe", **reading)
    if isinstance(data, tuple) and len(data) == 2:
        labels, label_column = reading["labels"], reading["label_column"]
        if reading["missing_labels"] != "error":
            raise ParameterError(
                "analyze((X, Y)): missing_labels='drop' is for a file or DataFrame; drop the "
                "rows of X and Y whose labels are missing before passing the arrays."
            )
        if labels is not None or label_column is not None:
            raise DatasetError(
                "analyze((X, Y)): the labels are Y; labels= and label_column= are for a "
                "DataFrame that holds both."
            )
        X, Y = data
        return MultilabelDataset.from_arrays(X, Y, name=name or "arrays")
    raise DatasetError(
        f"analyze: cannot analyse a {type(data).__name__}; pass a path or embedded name, a "
        "MultilabelDataset, a pandas or polars DataFrame, or a tuple (X, Y)."
    )


def analyze(
    data,
    *,
    labels: list[str] | str | None = None,
    label_column: str | None = None,
    label_sep: str | None = None,
    missing_labels: str = "error",
    name: str | None = None,
    metric: str = "f1_micro",
    target_n: int | None = None,
    progress: bool = True,
    estimator=None,
    param_grid: dict | list | None = None,
    profile_options: dict | None = None,
    curve_options: dict | None = None,
    fit_options: dict | None = None,
    **decision_options,
) -> Analysis:
    """Analyse a multilabel dataset: sigmoid or powerset, and is there enough data?

    Parameters
    ----------
    data : path, str, MultilabelDataset, DataFrame or tuple (X, Y)
        A file (ARFF, CSV/TSV, Parquet) or embedded name (``"emotions"``); a dataset
        already loaded; a pandas or polars DataFrame whose label columns are named by
        ``labels`` or held as tags in ``label_column``; or features and 0/1 labels as
        arrays, scipy sparse matrices or DataFrames (column names are kept).
    labels : list of str or comma-separated str, optional
        The label columns of a file or DataFrame.
    label_column : str, optional
        The one column of a file or DataFrame holding each row's labels (lists, or text
        split on ``label_sep``).
    label_sep : str, optional
        Separator of the tags in ``label_column``.
    missing_labels : {"error", "drop"}, default="error"
        Rows with missing labels: refuse them, or drop them with a note.
    name : str, optional
        Dataset name in the report (default: the file stem, ``"dataframe"`` or
        ``"arrays"``).
    metric : str, default="f1_micro"
        The headline metric of the verdict.
    target_n : int, optional
        The training size the verdict is for (default: the dataset's size).
    progress : bool, default=True
        A progress bar while the learning curves run, where someone watches: a
        terminal, or a Jupyter notebook with ipywidgets; never into a file.
    estimator : scikit-learn classifier, optional
        Your own model for both heads instead of the built-in logistic regressions: one
        binary clone per label (sigmoid) and one multiclass clone over the labelsets
        (powerset), e.g. a ``Pipeline`` ending in ``HistGradientBoostingClassifier``. It
        needs ``predict_proba`` and multiclass support (refused in one line otherwise).
    param_grid : dict or list of dicts, optional
        Parameters of ``estimator`` searched per head on 3 inner folds of each training
        part (by out-of-fold log-likelihood), as the built-in heads' penalty is.
    profile_options, curve_options, fit_options : dict, optional
        Options of :func:`feasibility.profile`, :func:`feasibility.learning_curves` and
        :func:`feasibility.fit_curves` (e.g. ``curve_options={"folds": 3}``).
    **decision_options
        ``memory_budget`` and ``min_positives`` of :func:`feasibility.run_analysis`.

    Returns
    -------
    Analysis

    Raises
    ------
    DatasetError
        One line naming the file, column or row, for data that cannot be analysed.
    ParameterError
        For an option out of range, before any model is trained.
    """
    from .pipeline import run_analysis

    _check_options(curve_options, profile_options, fit_options, decision_options)
    curve_options = _curve_options(curve_options, progress, estimator, param_grid)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            dataset = _as_dataset(
                data,
                name,
                labels=labels,
                label_column=label_column,
                label_sep=label_sep,
                missing_labels=missing_labels,
            )
            result = run_analysis(
                dataset,
                profile_options=profile_options,
                curve_options=curve_options,
                fit_options=fit_options,
                metric=metric,
                target_n=target_n,
                command_line=f"feasibility.analyze({dataset.name!r})",
                **decision_options,
            )
    finally:
        _show(caught)  # after the recording ends; what was noted before a failure is said
    return Analysis(result)


_DECISION_OPTIONS = ("memory_budget", "min_positives")


def _check_options(curve_options, profile_options, fit_options, decision_options) -> None:
    """Refuse what ``run_analysis`` would otherwise refuse with a bare ``TypeError``: an
    option dict of another type, or a decision option it does not have."""
    dicts = {
        "curve_options": curve_options,
        "profile_options": profile_options,
        "fit_options": fit_options,
    }
    validate_params(dicts, dict.fromkeys(dicts, [None, dict]), owner="analyze")
    for key in decision_options:
        if key not in _DECISION_OPTIONS:
            raise ParameterError(
                f"analyze got an unknown option {key!r}; its options are those of its "
                f"signature and {', '.join(_DECISION_OPTIONS)}."
            )


def _curve_options(curve_options, progress, estimator, param_grid) -> dict:
    """The learning curves' options with analyze's own: the progress bar and the estimator."""
    curve_options = dict(curve_options or {})
    # shown only where someone watches (a terminal, a notebook): the curves' own rule
    curve_options.setdefault("progress", bool(progress))
    if estimator is not None or param_grid is not None:
        curve_options.update(estimator=estimator, param_grid=param_grid)
    return curve_options


def _show(caught: list[warnings.WarningMessage]) -> None:
    """Feasibility notes as escaped one-liners (as the CLI says them); others as they were."""
    for message in caught:
        if issubclass(message.category, FeasibilityWarning):
            print(warning_line(message.message), file=sys.stderr)
        else:
            warnings.showwarning(
                message.message, message.category, message.filename, message.lineno
            )


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result of :func:`analyze`: the typed result, the report, and its inline view."""

    result: AnalysisResult

    @property
    def recommendation(self):
        """The verdict (:class:`feasibility.Recommendation`)."""
        return self.result.recommendation

    @property
    def checklist(self):
        """The checklist (:class:`feasibility.Checklist`)."""
        return self.result.checklist

    @cached_property
    def _report(self) -> dict:
        from .report.result_json import report_json

        return report_json(self.result)

    def to_dict(self) -> dict:
        """The report's JSON dict (what ``feasibility report`` writes beside the HTML)."""
        return json.loads(json.dumps(self._report, allow_nan=False))

    def to_json(self, path: str | os.PathLike) -> Path:
        """Write the report's JSON to ``path`` (atomically); return the path."""
        path = Path(path)
        payload = json.dumps(self._report, indent=1, allow_nan=False, ensure_ascii=False)
        write_files_atomically({path: payload + "\n"}, what="report JSON")
        return path

    def to_html(self, path: str | os.PathLike) -> Path:
        """Write the offline HTML report to ``path`` and its JSON beside it; return the HTML path."""
        from .report import render

        html_path, _json_path = render.write_report(self._report, path)
        return html_path

    def _repr_html_(self) -> str:
        """The report inline in Jupyter: the same page, in a sandboxed frame.

        The page is the offline HTML file's (its names escaped there), placed in the
        ``srcdoc`` of an iframe, escaped once more as an attribute value; the sandbox
        lets its charts' scripts run but not reach the notebook.
        """
        from .report.render import render_html

        page = render_html(self._report)
        return (
            f'<iframe sandbox="allow-scripts" title="feasibility report" '
            f'style="width: 100%; height: {INLINE_HEIGHT}px; border: 1px solid #ddd;" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        rec = self.result.recommendation
        return (
            f"Analysis({self.result.dataset.name!r}: {rec.formulation} on {rec.metric}"
            f"{', no detectable difference' if rec.too_close_to_call else ''})"
        )
