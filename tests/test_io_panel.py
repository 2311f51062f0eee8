"""Every file of the real panel (../shared/datasets) loads with the documented shape."""

from __future__ import annotations

import pytest
from conftest import PANEL, needs_panel

from feasibility import load

# file, load options, rows, labels (../shared/datasets/README.md), mldr's num.inputs where known
PANEL_FILES = [
    ("emotions.arff", {}, 592, 6, 71),
    ("scene.arff.bz2", {}, 2407, 6, 294),
    ("yeast.arff.bz2", {}, 2417, 14, 103),
    ("enron.arff.bz2", {}, 1702, 53, 1001),
    ("imdb.arff.bz2", {}, 120919, 28, 1001),
    ("birds.arff", {}, 645, 19, 260),
    ("genbase.arff", {}, 662, 27, 1186),
    ("medical.arff", {}, 978, 45, 1449),
    ("flags.csv", {"labels_last": 7}, 194, 7, 19),
    ("ng20.parquet", {}, 19300, 20, 1006),
]


@needs_panel
@pytest.mark.panel
@pytest.mark.parametrize("file, options, n_rows, n_labels, n_inputs", PANEL_FILES)
def test_panel_file_loads_with_expected_shape(file, options, n_rows, n_labels, n_inputs):
    ds = load(PANEL / file, **options)
    assert ds.n_samples == n_rows
    assert ds.n_labels == n_labels
    assert ds.n_inputs == n_inputs
    assert ds.X.shape[0] == n_rows
    assert ds.Y.sum(axis=0).min() >= 0 and ds.Y.max() == 1
    assert len(set(ds.label_names)) == n_labels


@needs_panel
@pytest.mark.panel
def test_panel_birds_label_names_with_apostrophes_and_nominal_features():
    ds = load(PANEL / "birds.arff")
    assert "Swainson's Thrush" in ds.label_names
    assert any(name.startswith("location=") for name in ds.feature_names)


@needs_panel
@pytest.mark.panel
def test_panel_sparse_files_use_the_fast_parser():
    for file in ("enron.arff.bz2", "imdb.arff.bz2", "medical.arff"):
        ds = load(PANEL / file)
        assert ds.is_sparse and "fast parser" in ds.format
