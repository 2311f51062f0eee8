"""feasibility.profile against the values mldr published for the panel datasets.

``reference_measures.json`` holds the measures the R package mldr computed for birds,
genbase, medical, flags and ng20; the profile must reproduce each to 1e-9 relative error.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"

pytestmark = [
    pytest.mark.panel,
    pytest.mark.skipif(not PANEL.is_dir(), reason="panel datasets not found at ../shared/datasets"),
]

# How each panel file is loaded (the MULAN ARFFs find their XML beside them).
LOAD_OPTIONS = {
    "birds": ("birds.arff", {}),
    "genbase": ("genbase.arff", {}),
    "medical": ("medical.arff", {}),
    "flags": ("flags.csv", {"labels_last": 7}),
    "ng20": ("ng20.parquet", {}),
}

# mldr's measure name -> how to read it from a LabelProfile.
MEASURES = {
    "num.instances": lambda p: p.n_samples,
    "num.labels": lambda p: p.n_labels,
    "num.inputs": lambda p: p.n_inputs,
    "cardinality": lambda p: p.cardinality,
    "density": lambda p: p.density,
    "num.labelsets": lambda p: p.n_labelsets,
    "num.single.labelsets": lambda p: p.n_single_labelsets,
    "max.frequency": lambda p: p.max_labelset_frequency,
    "meanIR": lambda p: p.mean_ir,
    "scumble": lambda p: p.scumble,
    "scumble.cv": lambda p: p.imbalance.scumble_cv,
    "tcs": lambda p: p.tcs,
}


def _reference() -> dict:
    return json.loads((PANEL / "reference_measures.json").read_text(encoding="utf-8"))["datasets"]


@pytest.fixture(scope="module")
def profiles():
    from feasibility import load
    from feasibility.profile import profile

    out = {}
    for name, (filename, options) in LOAD_OPTIONS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[name] = profile(load(PANEL / filename, **options))
    return out


@pytest.mark.parametrize("dataset", sorted(LOAD_OPTIONS))
@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_profile_reproduces_mldr_reference_measures(profiles, dataset, measure):
    expected = _reference()[dataset][measure]
    got = MEASURES[measure](profiles[dataset])
    assert got == pytest.approx(expected, rel=1e-9, abs=0), f"{dataset} {measure}"


def test_profile_imdb_is_json_safe_and_consistent():
    from feasibility import load
    from feasibility.profile import profile

    p = profile(load(PANEL / "imdb.arff.bz2"))
    assert (p.n_samples, p.n_labels) == (120919, 28)
    assert p.labelsets.counts.sum() == p.n_samples
    assert p.n_labelsets == len(p.labelsets.counts) == 4503
    # The cooccurrence diagonal is the label counts; the heads follow from K and L.
    assert p.cooccurrence.counts.diagonal().tolist() == p.label_counts.tolist()
    d = p.heads.hidden
    assert p.heads.powerset.n_params == d * p.n_labelsets + p.n_labelsets
    assert p.heads.full_powerset.n_params == (d + 1) * 2**28
    text = json.dumps(p.to_dict(), allow_nan=False)
    assert json.loads(text)["labelsets"]["n_labelsets_not_listed"] == 4503 - 1000
