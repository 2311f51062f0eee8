"""feasibility.analyze: DataFrames and arrays give what the same CSV gives through the CLI."""

from __future__ import annotations

import html
import json
import re
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import feasibility
from feasibility.cli import main
from feasibility.errors import DatasetError, FeasibilityWarning
from feasibility.synthetic import make_latent_class_labels

OPTIONS = ["--folds", "3", "--n-sizes", "3", "--n-bootstrap", "20", "--jobs", "1"]
CURVES = {"folds": 3, "n_sizes": 3, "jobs": 1, "use_cache": False}
FITS = {"n_bootstrap": 20}


@pytest.fixture(scope="module")
def data():
    dataset = make_latent_class_labels(240, n_features=5, n_labels=4, n_classes=6)
    features = {name: dataset.X[:, j] for j, name in enumerate(dataset.feature_names)}
    tags = ["|".join(n for n, y in zip(dataset.label_names, row) if y) for row in dataset.Y]
    columns = {name: dataset.Y[:, j] for j, name in enumerate(dataset.label_names)}
    return dataset, features, tags, columns


def _numbers(report: dict) -> dict:
    """What must agree between two runs on the same data: scores, fits and verdict."""
    keep = {}
    for formulation, curve in report["curves"]["curves"].items():
        keep[f"scores {formulation}"] = curve["scores"]
    for formulation, by_metric in report["fits"]["fits"].items():
        for metric, fit in by_metric.items():
            keep[f"fit {formulation} {metric}"] = (fit["at_target"], fit["samples_needed"])
    rec = report["recommendation"]
    keep["verdict"] = (rec["formulation"], rec["too_close_to_call"], rec["per_metric"])
    keep["labels"] = report["dataset"]["label_names"]
    return json.loads(json.dumps(keep))


@pytest.fixture(scope="module")
def cli_report(data, tmp_path_factory):
    dataset, features, tags, _ = data
    folder = tmp_path_factory.mktemp("csv")
    csv = folder / "latent.csv"
    pl.DataFrame({**features, "tags": tags}).write_csv(csv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        code = main(
            ["report", str(csv), "--label-column", "tags", "--label-sep", "|", "--no-cache"]
            + OPTIONS
            + ["--out", str(folder / "latent.html")]
        )
    assert code == 0
    return json.loads((folder / "latent.json").read_text())


def _analyze(data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FeasibilityWarning)
        return feasibility.analyze(
            data, name="latent", curve_options=CURVES, fit_options=FITS, progress=False, **kwargs
        )


def test_pandas_tags_and_polars_columns_give_the_csv_result(data, cli_report):
    _, features, tags, columns = data
    tagged = pd.DataFrame({**features, "tags": tags})
    from_pandas = _analyze(tagged, label_column="tags", label_sep="|")
    from_polars = _analyze(pl.DataFrame({**features, **columns}), labels=list(columns))
    expected = _numbers(cli_report)
    assert _numbers(from_pandas.to_dict()) == expected
    assert _numbers(from_polars.to_dict()) == expected
    assert from_pandas.recommendation.formulation == cli_report["recommendation"]["formulation"]


def test_arrays_keep_the_data_frames_names(data):
    dataset, *_ = data
    X = pd.DataFrame(dataset.X, columns=[f"feature {j}" for j in range(dataset.X.shape[1])])
    Y = pd.DataFrame(dataset.Y, columns=[f"<label {j}>" for j in range(dataset.Y.shape[1])])
    analysis = _analyze((X, Y))
    report = analysis.to_dict()
    assert report["dataset"]["label_names"] == list(Y.columns)
    assert analysis.result.dataset.n_samples == 240
    assert "Analysis('latent': " in repr(analysis)


def test_inline_report_is_sandboxed_offline_and_escaped(data, tmp_path):
    dataset, *_ = data
    Y = pd.DataFrame(dataset.Y, columns=["<script>alert(1)</script>", "b", "c", "d"])
    analysis = _analyze((pd.DataFrame(dataset.X), Y))
    inline = analysis._repr_html_()
    assert inline.startswith('<iframe sandbox="allow-scripts"') and inline.count("<") == 2
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', inline).group(1))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    written = analysis.to_html(tmp_path / "inline.html")
    assert written.read_text() == page
    assert json.loads((tmp_path / "inline.json").read_text()) == analysis.to_dict()
    assert json.loads(analysis.to_json(tmp_path / "only.json").read_text()) == analysis.to_dict()


def test_analyze_refuses_what_it_cannot_read_in_one_line(data):
    _, features, tags, _ = data
    with pytest.raises(
        DatasetError, match=r"holds text, not lists; pass label_sep .*label_sep='\|'"
    ):
        feasibility.analyze(pd.DataFrame({**features, "tags": tags}), label_column="tags")
    with pytest.raises(DatasetError, match="label 'nope' given by labels is not a column"):
        feasibility.analyze(pl.DataFrame(features), labels=["nope"])
    with pytest.raises(DatasetError, match="cannot analyse a list"):
        feasibility.analyze([[1, 0], [0, 1]])
    with pytest.raises(
        DatasetError, match=r"label .label_0. has values \{2\}; labels must be binary"
    ):
        feasibility.analyze((np.ones((5, 2)), np.full((5, 2), 2)))
    with pytest.raises(DatasetError, match="the labels are Y"):
        feasibility.analyze((np.ones((5, 2)), np.ones((5, 2))), labels=["a"])


class _BinaryOnly:
    """A classifier that refuses more than two classes (as some wrappers do)."""

    def __init__(self, C=1.0):
        self.C = C

    def get_params(self, deep=True):
        return {"C": self.C}

    def set_params(self, **params):
        self.C = params.get("C", self.C)
        return self

    def fit(self, X, y):
        if len(np.unique(y)) > 2:
            raise ValueError("only binary targets are supported")
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def test_own_estimator_trains_both_heads_from_its_clones(data):
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    dataset, *_ = data
    estimator = make_pipeline(StandardScaler(), KNeighborsClassifier())
    grid = {"kneighborsclassifier__n_neighbors": [3, 15]}
    analysis = _analyze((dataset.X, dataset.Y), estimator=estimator, param_grid=grid)
    curves = analysis.result.curves
    assert curves.engine == "estimator-KNeighborsClassifier"
    assert "KNeighborsClassifier" in curves.options["estimator"]
    for formulation, curve in curves.curves.items():
        scores = curve.scores["f1_micro"]
        assert np.isfinite(scores).any(), formulation
        # decoded on inner folds: f1_micro's thresholds were chosen, not all left at 0.5
        chosen = curve.tuning.thresholds["f1_micro"]
        assert np.isfinite(chosen).any() and np.nanmax(np.abs(chosen - 0.5)) > 0.01
    # the latent classes make the labelsets a 6-class problem a k-NN learns well
    assert np.nanmean(curves.curves["powerset"].scores["subset_accuracy"][:, -1]) > 0.5
    page = analysis.to_dict()
    assert "KNeighborsClassifier" in json.dumps(page["curves"]["options"])
    # Riley's and Pate's criteria size logistic models, not this one
    sizes = analysis.result.fits.sample_size
    assert sizes.sigmoid_not_applicable == sizes.powerset_not_applicable == "own_estimator"


def test_own_estimator_without_sparse_support_gets_a_dense_x(data):
    import scipy.sparse as sp
    from sklearn.ensemble import HistGradientBoostingClassifier

    dataset, *_ = data
    estimator = HistGradientBoostingClassifier(max_iter=10, random_state=0)
    analysis = _analyze((sp.csr_matrix(dataset.X), dataset.Y), estimator=estimator)
    for curve in analysis.result.curves.curves.values():
        assert np.isfinite(curve.scores["f1_micro"]).all()


def test_own_unseeded_estimator_gives_the_same_curves_on_every_run(data):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from feasibility.engines.estimator_engine import unset_random_states

    dataset, *_ = data
    # random_state left at None inside a pipeline: the forest would differ run to run
    estimator = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5))
    assert unset_random_states(estimator, 3) == {"randomforestclassifier__random_state": 3}
    first, second = (
        _analyze((dataset.X, dataset.Y), estimator=estimator).result.curves for _ in range(2)
    )
    for formulation, curve in first.curves.items():
        np.testing.assert_array_equal(
            curve.scores["f1_micro"], second.curves[formulation].scores["f1_micro"]
        )
    # the user's estimator itself is left as it was given
    assert estimator.get_params()["randomforestclassifier__random_state"] is None


def test_own_estimator_is_refused_in_one_line_when_it_cannot_be_a_head(data):
    from sklearn.svm import LinearSVC

    from feasibility.errors import ParameterError

    dataset, *_ = data
    with pytest.raises(ParameterError, match="LinearSVC has no predict_proba"):
        feasibility.analyze((dataset.X, dataset.Y), estimator=LinearSVC())
    with pytest.raises(ParameterError, match="_BinaryOnly cannot fit a multiclass problem on"):
        _analyze((dataset.X, dataset.Y), estimator=_BinaryOnly())
    with pytest.raises(ParameterError, match="param_grid"):
        feasibility.analyze((dataset.X, dataset.Y), param_grid={"C": [1.0]})
    from sklearn.neighbors import KNeighborsClassifier

    with pytest.raises(ParameterError, match="'param_grid' parameter does not fit the KNeighbors"):
        feasibility.analyze(
            (dataset.X, dataset.Y), estimator=KNeighborsClassifier(), param_grid={"k": [1]}
        )

    class Local(_BinaryOnly):  # defined in a function: pickle cannot send it to a worker
        pass

    with pytest.raises(ParameterError, match="Local cannot be pickled"):
        feasibility.analyze((dataset.X, dataset.Y), estimator=Local())


class _NanProba(_BinaryOnly):
    """Fits anything and answers NaN probabilities."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((X.shape[0], len(self.classes_)), np.nan)


class _NanWhenLarge(_NanProba):
    """Sensible probabilities on the first 60 rows (the pre-check), NaN when fitted on more."""

    def fit(self, X, y):
        self.n_fit_ = X.shape[0]
        return super().fit(X, y)

    def predict_proba(self, X):
        uniform = np.full((X.shape[0], len(self.classes_)), 1.0 / len(self.classes_))
        return super().predict_proba(X) if self.n_fit_ > 60 else uniform


def test_own_estimator_failing_in_a_job_is_one_line_naming_where(data):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    from feasibility.errors import ParameterError

    dataset, *_ = data
    xy = (dataset.X, dataset.Y)
    # before: sklearn's own ValueError from inside a worker, 18 frames deep
    with pytest.raises(ParameterError, match=r"KNeighborsClassifier failed on the \w+ head at"):
        _analyze(xy, estimator=KNeighborsClassifier(n_neighbors=55))
    with pytest.raises(ParameterError, match=r"LogisticRegression with \{'C': -1.0\} failed"):
        _analyze(xy, estimator=LogisticRegression(), param_grid={"C": [-1.0]})
    # before: "The 'param_grid' parameter does not fit the type"
    with pytest.raises(ParameterError, match=r"an instance .*\(e\.g\. LogisticRegression\(\)\)"):
        _analyze(xy, estimator=LogisticRegression)
    # before: accepted, and every head scored alike into a verdict
    with pytest.raises(ParameterError, match="_NanProba gave non-finite probabilities"):
        _analyze(xy, estimator=_NanProba())
    # NaN only past the pre-check's rows: caught in the job, not scored into a verdict
    with pytest.raises(ParameterError, match=r"_NanWhenLarge gave non-finite .* on \d+ training"):
        _analyze(xy, estimator=_NanWhenLarge())


def test_the_packages_own_error_in_a_job_is_not_blamed_on_the_estimator(data, monkeypatch):
    from sklearn.linear_model import LogisticRegression

    def broken(*args, **kwargs):
        raise ValueError("a bug of the package")

    monkeypatch.setattr("feasibility.curves.jobs.choose_thresholds", broken)
    dataset, *_ = data
    with pytest.raises(ValueError, match="a bug of the package") as raised:
        _analyze((dataset.X, dataset.Y), estimator=LogisticRegression())
    assert "estimator" not in str(raised.value)


def test_load_notes_of_analyze_are_escaped_one_liners(data, capsys):
    dataset, *_ = data
    X = np.array(dataset.X, dtype=float)
    X[0, 0] = np.nan
    # before: a Python warning with file and line, the dataset name's escape bytes raw
    feasibility.analyze(
        (X, dataset.Y), name="\x1b[2Jpwned", curve_options=CURVES, fit_options=FITS, progress=False
    )
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "feasibility: warning: \\x1b[2Jpwned: imputed 1 missing" in err


def test_a_pandas_index_repeated_names_and_categories_are_read_as_a_csv_would_be():
    frame = pd.DataFrame(
        {
            "x": [0.1, 0.5, 0.9, 0.3, 0.7],
            "colour": pd.Categorical(list("uvuwu")),
            1: [1, 0, 1, 0, 1],
        },
        index=pd.Index([10, 11, 12, 13, 14], name="id"),
    )
    frame["tags"] = pd.Categorical(["a|b", "b", "a", "a", "b"])
    from feasibility.io.frames import dataset_from_frame

    by_columns = dataset_from_frame(frame.assign(B=[1, 1, 0, 0, 1]), labels=[1, "B"])
    assert by_columns.label_names == ("1", "B")
    assert "id" not in by_columns.feature_names  # the index is not a feature
    assert set(by_columns.feature_names) >= {"x", "colour=u", "colour=v", "colour=w"}
    tagged = dataset_from_frame(frame.drop(columns=[1]), label_column="tags", label_sep="|")
    assert tagged.label_names == ("a", "b") and tagged.Y.tolist()[0] == [1, 1]
    repeated = pd.DataFrame([[0.1, 0.2, 1, 0], [0.3, 0.4, 0, 1]], columns=["x", "x", "A", "B"])
    # a note, not silence: the user learns that a column was renamed
    with pytest.warns(FeasibilityWarning, match=r"'x' names columns 1, 2.*renamed 'x\.1'"):
        renamed = dataset_from_frame(repeated, labels=["A", "B"])
    assert renamed.feature_names == ("x", "x.1")
