"""Behaviour of SpecAugment, SwapNoise and RandomFeatureMask."""

import numpy as np
import pytest
from layer_helpers import run

import keras_boost.layers as kbl


@pytest.mark.parametrize(("layout", "time_axis"), [("time_freq", 1), ("freq_time", 2)])
def test_spec_augment_masks_whole_bands_per_sample(layout, time_axis):
    x = np.ones((128, 40, 30), "float32")
    layer = kbl.SpecAugment(freq_width=0.2, time_width=0.2, freq_masks=1, time_masks=1,
                            layout=layout, seed=0)
    out = run(layer, x)
    freq_axis = 3 - time_axis
    masked_time = (out == 0).all(axis=freq_axis)  # (batch, n_time): frame fully masked
    masked_freq = (out == 0).all(axis=time_axis)
    assert np.array_equal(out == 0, np.logical_or(np.expand_dims(masked_time, freq_axis),
                                                  np.expand_dims(masked_freq, time_axis)))
    n_time, n_freq = x.shape[time_axis], x.shape[freq_axis]
    assert masked_time.sum(axis=1).max() <= 0.2 * n_time
    assert masked_freq.sum(axis=1).max() <= 0.2 * n_freq
    assert len({row.tobytes() for row in masked_freq}) > 5  # bands differ per sample


def test_spec_augment_accepts_a_channel_axis():
    out = run(kbl.SpecAugment(seed=0), np.ones((4, 20, 16, 2), "float32"))
    assert out.shape == (4, 20, 16, 2)
    assert np.array_equal(out[..., 0], out[..., 1])


def test_swap_noise_takes_values_from_the_same_column():
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(256, 6)) + 100 * np.arange(6)).astype("float32")
    out = run(kbl.SwapNoise(rate=0.3, seed=0), x)
    changed = out != x
    # Swapping with a random row (which can be the row itself) changes about rate * (1 - 1/n).
    assert changed.mean() == pytest.approx(0.3 * (1 - 1 / 256), abs=0.03)
    for column in range(6):
        assert np.isin(out[:, column], x[:, column]).all()
    assert changed.sum(axis=1).std() > 0.5  # how many values change varies per row


def test_feature_mask_zeroes_the_requested_share():
    out = run(kbl.RandomFeatureMask(rate=0.25, seed=0), np.ones((512, 20), "float32"))
    assert set(np.unique(out)) <= {0.0, 1.0}
    assert (out == 0).mean() == pytest.approx(0.25, abs=0.02)
    assert (out == 0).sum(axis=1).std() > 1.0
