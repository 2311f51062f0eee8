"""The public ``feasibility.fit_curve`` on other people's curves: its checks and its honesty.

Each bad input gets a ParameterError naming the parameter (not an error from inside
numpy); a one-run curve gets intervals from its own scatter instead of zero widths; sizes
asked for past the validated horizon are flagged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from feasibility import fit_curve
from feasibility.errors import ParameterError
from feasibility.report.explain_notes import note_text

SIZES = np.array([50, 100, 200, 400, 800, 1600])


def curve(n_runs: int = 4, sd: float = 0.01, seed: int = 0) -> np.ndarray:
    truth = 0.8 - 1.5 * SIZES**-0.5
    return truth + np.random.default_rng(seed).normal(0.0, sd, (n_runs, SIZES.size))


@pytest.mark.parametrize(
    ("sizes", "parameter"),
    [
        ([0, 100, 200, 400, 800, 1600], "train_sizes"),  # was numpy's "Geometric sequence"
        ([0.1, 0.2, 0.4, 0.6, 0.8, 1.0], "train_sizes"),  # fractions, silently made 0
        ([50.5, 100, 200, 400, 800, 1600], "train_sizes"),  # silently truncated
        ([-50, 100, 200, 400, 800, 1600], "train_sizes"),
        ([50, 100, math.nan, 400, 800, 1600], "train_sizes"),  # became int64's minimum
        ([1600, 800, 400, 200, 100, 50], "train_sizes"),  # changed the answer
        ([50, 100, 100, 400, 800, 1600], "train_sizes"),
        (list("abcdef"), "train_sizes"),
        ([], "train_sizes"),
        ([1e19, 2e19, 4e19, 8e19, 1.6e20, 3.2e20], "train_sizes"),  # overflowed int64
    ],
)
def test_bad_train_sizes_name_the_parameter(sizes, parameter):
    scores = curve() if len(sizes) == SIZES.size else np.zeros((3, len(sizes)))
    with pytest.raises(ParameterError, match=f"'{parameter}' parameter of fit_curve"):
        fit_curve(sizes, scores)


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (0.5, "run 0 at size 50"),  # a loss above 1 was clipped to 1 without a word
        (-1.0, "run 0 at size 50"),
        (math.inf, "run 0 at size 50"),  # gave NaN interval ends
    ],
)
def test_scores_outside_0_1_are_refused_naming_the_cell(change, shown):
    scores = curve()
    scores[0, 0] += change
    with pytest.raises(ParameterError, match=f"'scores' parameter.*{shown}"):
        fit_curve(SIZES, scores, higher_is_better=False)


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"max_train_size": 10}, "max_train_size"),  # nothing left: numpy's fmax error
        ({"target_n": [10**30]}, "target_n"),  # a ufunc TypeError
        ({"target": -1.0}, "target"),  # said "reached at 50"
        ({"target": math.nan}, "target"),
        ({"higher_is_better": "no"}, "higher_is_better"),  # a truthy string
    ],
)
def test_bad_options_name_the_parameter(options, parameter):
    with pytest.raises(ParameterError, match=f"'{parameter}' parameter of fit_curve"):
        fit_curve(SIZES, curve(), **options)


def test_one_target_size_may_be_given_as_an_int():
    fit = fit_curve(SIZES, curve(), target_n=3200, n_bootstrap=0)
    assert list(fit.at_target) == [3200]


def test_one_run_gets_its_noise_from_its_scatter_not_a_zero_width_interval():
    one = curve(n_runs=1, sd=0.01)
    fit = fit_curve(SIZES, one, target_n=[1600, 3200], n_bootstrap=50)
    assert [note.code for note in fit.notes] == ["one_run"]
    measured = fit.at_target[1600]
    # before: low == estimate == high at every measured size, and the scale of the
    # extrapolation error was the fit's weight 1.0, so 3200 got [0, 1]
    assert measured.high - measured.low > 0.005
    assert measured.low < measured.estimate < measured.high
    assert fit.at_target[3200].high - fit.at_target[3200].low < 0.2
    assert math.isfinite(fit.error_scale) and fit.error_scale < 0.1
    assert "scatter about the fitted curve" in note_text(fit.notes[0])


@pytest.mark.parametrize(("n_sizes", "models"), [(3, ("pow3",)), (4, ("mmf4",)), (4, None)])
def test_one_run_with_no_more_sizes_than_parameters_has_unknown_intervals(n_sizes, models):
    # 4 sizes and a 4-parameter model: the fit can pass through every point, so its
    # residuals say nothing (before: 1 degree of freedom assumed, a zero-width interval)
    options = {} if models is None else {"models": models}
    one = curve(n_runs=1)[:, :n_sizes]
    fit = fit_curve(SIZES[:n_sizes], one, target_n=[200], n_bootstrap=20, **options)
    interval = fit.at_target[200]
    assert math.isfinite(interval.estimate)
    assert math.isnan(interval.low) and math.isnan(interval.high)
    assert "intervals are unknown" in note_text(fit.notes[-1])


def test_one_run_intervals_cover_a_new_run_as_often_as_they_say():
    # 60 one-run curves, 6 sizes, fold noise 0.01: a second run at the largest size falls
    # in the 90% interval about as often (before the leverage and the largest model's
    # parameters were counted: 63-80% in a review's simulations)
    inside = 0
    for seed in range(60):
        runs = curve(n_runs=2, seed=seed)
        fit = fit_curve(SIZES, runs[:1], target_n=[1600], n_bootstrap=0)
        interval = fit.at_target[1600]
        inside += interval.low <= runs[1, -1] <= interval.high
    assert inside >= 50


def test_a_falling_one_run_curve_of_3_sizes_is_named():
    loss = 0.25 + 1.5 * SIZES[:3] ** -0.5
    fit = fit_curve(SIZES[:3], loss[None, :], n_bootstrap=0)
    assert "falling" in [note.code for note in fit.notes]


def test_two_runs_are_not_a_one_run_curve():
    fit = fit_curve(SIZES, curve(n_runs=2), target_n=[1600], n_bootstrap=50)
    assert "one_run" not in [note.code for note in fit.notes]


def test_sizes_past_the_horizon_are_flagged():
    fit = fit_curve(SIZES, curve(), target_n=[3200, 80_000, 10**9], n_bootstrap=0)
    notes = [note for note in fit.notes if note.code == "target_beyond_horizon"]
    assert [note.values for note in notes] == [{"sizes": [80_000, 10**9], "limit": 16_000}]
    assert "80,000, 1,000,000,000 beyond the validated horizon (16,000" in note_text(notes[0])
    within = fit_curve(SIZES, curve(), target_n=[16_000], n_bootstrap=0)
    assert not [note for note in within.notes if note.code == "target_beyond_horizon"]


def test_a_loss_passed_as_a_score_is_named():
    loss = 0.25 + 1.5 * SIZES**-0.5 + np.random.default_rng(1).normal(0.0, 0.005, (4, SIZES.size))
    as_score = fit_curve(SIZES, loss, n_bootstrap=20)
    notes = [note for note in as_score.notes if note.code == "falling"]
    assert len(notes) == 1 and notes[0].values["higher_is_better"] is True
    assert "pass higher_is_better=False" in note_text(notes[0])
    assert "falling" not in [n.code for n in fit_curve(SIZES, loss, higher_is_better=False).notes]
    accuracy = 1.0 - loss
    as_loss = fit_curve(SIZES, accuracy, higher_is_better=False, n_bootstrap=20)
    assert "loss rises" in note_text(next(n for n in as_loss.notes if n.code == "falling"))
    assert "falling" not in [n.code for n in fit_curve(SIZES, accuracy, n_bootstrap=20).notes]


def test_a_noisy_flat_curve_is_not_called_falling():
    flat = 0.7 + np.random.default_rng(2).normal(0.0, 0.01, (4, SIZES.size))
    assert "falling" not in [n.code for n in fit_curve(SIZES, flat, n_bootstrap=20).notes]
