"""Behaviour of the time-series layers: what each does to a sample, drawn per sample."""

import numpy as np
import pytest
from layer_helpers import run

import keras_boost.layers as kbl


def test_jitter_noise_has_the_requested_std_and_differs_per_sample():
    x = np.zeros((256, 100, 2), "float32")
    out = run(kbl.Jitter(sigma=0.2, seed=0), x)
    assert out.std() == pytest.approx(0.2, rel=0.05)
    assert len(np.unique(out[:, 0, 0])) == 256


def test_random_scaling_is_one_factor_per_sample_and_channel():
    x = np.ones((512, 30, 2), "float32")
    out = run(kbl.RandomScaling(sigma=0.1, seed=0), x)
    assert np.allclose(out, out[:, :1, :])  # constant over time
    factors = out[:, 0, :]
    assert factors.mean() == pytest.approx(1.0, abs=0.02)
    assert factors.std() == pytest.approx(0.1, rel=0.1)
    assert not np.allclose(factors[:, 0], factors[:, 1])  # per channel too


def test_magnitude_warp_is_a_smooth_curve_through_random_knots():
    x = np.ones((512, 60, 1), "float32")
    out = run(kbl.MagnitudeWarp(sigma=0.2, knots=4, seed=0), x)[..., 0]
    # Both ends are knots, so their values are N(1, sigma), drawn per sample.
    assert out[:, 0].std() == pytest.approx(0.2, rel=0.15)
    assert out[:, -1].mean() == pytest.approx(1.0, abs=0.05)
    # Smooth: the step-to-step change is far smaller than the spread of the curve.
    assert np.abs(np.diff(out, axis=1)).max() < 0.5 * (out.max() - out.min())


def test_time_warp_keeps_order_and_ends_and_differs_per_sample(ramp):
    out = run(kbl.TimeWarp(sigma=0.3, seed=0), ramp)[..., 0]
    assert np.all(np.diff(out, axis=1) >= -1e-4)  # time still runs forwards
    assert np.allclose(out[:, 0], 0) and np.allclose(out[:, -1], 49, atol=1e-3)
    assert np.abs(out - ramp[..., 0]).max() > 1.0
    assert len(np.unique(np.round(out[:, 25], 3))) > 50


def test_window_slice_stretches_a_random_window(ramp):
    out = run(kbl.WindowSlice(ratio=0.8, seed=0), ramp)[..., 0]
    slopes = np.diff(out, axis=1)
    assert np.allclose(slopes, 0.8, atol=1e-3)
    starts = out[:, 0]
    assert starts.min() >= 0 and starts.max() <= 0.2 * 49 + 1e-3
    assert starts.std() > 2.0  # uniform over [0, 9.8] has std 2.8


def test_window_slice_ratio_one_is_the_identity(ramp):
    assert np.allclose(run(kbl.WindowSlice(ratio=1.0, seed=0), ramp), ramp, atol=1e-4)


def test_window_warp_keeps_ends_and_warps_one_window(ramp):
    out = run(kbl.WindowWarp(ratio=0.2, scales=(0.5, 2.0), seed=0), ramp)[..., 0]
    assert np.allclose(out[:, 0], 0) and np.allclose(out[:, -1], 49, atol=1e-3)
    assert np.all(np.diff(out, axis=1) >= -1e-4)
    slopes = np.diff(out, axis=1)
    # The window (9.8 steps) is stretched x2 (the series grows by 9.8 steps, so it
    # runs at 1.2 outside the window and 0.6 inside) or squeezed x0.5 (0.9 and 1.8).
    stretched = np.isclose(slopes.min(axis=1), 0.6, atol=0.01)
    squeezed = np.isclose(slopes.max(axis=1), 1.8, atol=0.01)
    assert np.all(stretched ^ squeezed)
    assert stretched.sum() > 15 and squeezed.sum() > 15


def test_permutation_reorders_segments_per_sample(ramp):
    out = run(kbl.Permutation(max_segments=5, seed=0), ramp)[..., 0]
    assert np.allclose(np.sort(out, axis=1), ramp[..., 0])  # same values, new order
    assert len({row.tobytes() for row in out}) > 30
    # Inside a segment the ramp still rises by one per step.
    assert (np.diff(out, axis=1) == 1).mean() > 0.8


def test_permutation_cuts_are_uniform_over_the_series():
    x = np.tile(np.arange(100, dtype="float32")[None, :, None], (2000, 1, 1))
    out = run(kbl.Permutation(max_segments=10, seed=0), x)[..., 0]
    jumps = np.diff(out, axis=1) != 1
    cuts = out[:, 1:][jumps]  # where each moved segment starts in the source
    cuts = cuts[cuts > 0]
    # Uniform cut points average half the series; sorting before masking gave about 31.
    assert abs(cuts.mean() - 50) < 3
    assert 0.15 < (cuts < 20).mean() < 0.25


def test_permutation_rate_zero_is_the_identity(ramp):
    assert np.array_equal(run(kbl.Permutation(rate=0.0, seed=0), ramp), ramp)


def test_time_shift_wrap_rolls_each_sample_within_bounds(ramp):
    out = run(kbl.RandomTimeShift(max_shift=0.1, seed=0), ramp)[..., 0]
    shifts = []
    for row in out:
        match = [s for s in range(-5, 6) if np.array_equal(row, np.roll(ramp[0, :, 0], s))]
        assert match, "each output must be the input rolled by at most 5 steps"
        shifts.append(match[0])
    assert len(set(shifts)) >= 8


def test_time_shift_zeros_pads_with_zeros(ramp):
    out = run(kbl.RandomTimeShift(max_shift=0.2, fill="zeros", seed=0), ramp + 1)[..., 0]
    for row in out:
        kept = row[row != 0]
        assert np.all(np.diff(kept) == 1)
        assert len(kept) >= 40


def test_time_mask_zeroes_one_contiguous_window_per_sample():
    x = np.ones((512, 100, 2), "float32")
    out = run(kbl.RandomTimeMask(max_width=0.2, count=1, seed=0), x)
    assert np.array_equal(out[..., 0], out[..., 1])  # all channels masked together
    for row in out[:, :, 0]:
        zeros = np.flatnonzero(row == 0)
        if len(zeros):
            assert zeros[-1] - zeros[0] + 1 == len(zeros) <= 20
    # Widths are uniform in [0, 20]: on average about 10% of the steps are masked.
    assert (out == 0).mean() == pytest.approx(0.1, abs=0.02)


@pytest.mark.parametrize("cls", [kbl.Jitter, kbl.TimeWarp, kbl.Permutation, kbl.RandomTimeMask])
def test_unbatched_input_gives_unbatched_output(cls):
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    assert run(cls(seed=0), x).shape == (40, 3)


def test_training_false_returns_the_input_unchanged(ramp):
    for cls in (kbl.TimeWarp, kbl.WindowWarp, kbl.Permutation):
        assert np.array_equal(np.asarray(cls(seed=0)(ramp, training=False)), ramp)


@pytest.mark.parametrize("cls", [kbl.TimeWarp, kbl.WindowSlice, kbl.WindowWarp, kbl.Permutation,
                                 kbl.RandomTimeShift])
def test_unknown_channel_count_in_a_dataset(cls):
    import tensorflow as tf

    def series():
        for channels in (2, 3):
            yield np.ones((4, 20, channels), "float32")

    data = tf.data.Dataset.from_generator(
        series, output_signature=tf.TensorSpec((None, 20, None), tf.float32))
    shapes = [tuple(batch.shape) for batch in data.map(cls(seed=0))]
    assert shapes == [(4, 20, 2), (4, 20, 3)]
