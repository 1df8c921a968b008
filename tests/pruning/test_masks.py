"""Mask functions: exact sparsity, largest magnitudes kept, block and m-by-n structure."""

import numpy as np
import pytest
from keras import ops

from keras_boost.pruning import masks


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("shape, sparsity", [((30, 20), 0.5), ((3, 3, 4, 5), 0.8), ((7,), 0.9)])
def test_magnitude_mask_keeps_the_largest_and_hits_the_count(shape, sparsity):
    rng = np.random.default_rng(1)
    w = rng.normal(size=shape).astype("float32")
    mask, threshold = masks.magnitude_mask(w, sparsity)
    mask = _np(mask)
    kept = max(round(w.size * (1 - sparsity)), 1)
    assert mask.shape == shape and mask.sum() == kept
    assert np.abs(w[mask == 1]).min() >= np.abs(w[mask == 0]).max()
    assert float(_np(threshold)) == pytest.approx(np.abs(w[mask == 1]).min())


def test_block_mask_prunes_whole_blocks_by_pooled_magnitude():
    rng = np.random.default_rng(2)
    w = rng.normal(size=(8, 6)).astype("float32")
    for pooling, pool in (("AVG", np.mean), ("MAX", np.max)):
        mask = _np(masks.block_mask(w, 0.5, (2, 3), pooling)[0])
        blocks = mask.reshape(4, 2, 2, 3)
        assert np.all(blocks.min(axis=(1, 3)) == blocks.max(axis=(1, 3)))  # constant per block
        assert blocks[:, 0, :, 0].sum() == 4  # half of the 8 blocks kept
        scores = pool(np.abs(w).reshape(4, 2, 2, 3), axis=(1, 3))
        kept = blocks[:, 0, :, 0] == 1
        assert scores[kept].min() >= scores[~kept].max()


def test_block_mask_handles_shapes_not_multiple_of_the_block():
    w = np.arange(1, 36, dtype="float32").reshape(5, 7)
    mask = _np(masks.block_mask(w, 0.5, (2, 2))[0])
    assert mask.shape == (5, 7) and set(np.unique(mask)) <= {0.0, 1.0}
    assert mask[-1, -1] == 1 and mask[0, 0] == 0  # largest weights are bottom right


@pytest.mark.parametrize("shape", [(8, 5), (3, 3, 12, 4), (9, 3)])
def test_m_by_n_mask_zeroes_m_of_every_n_inputs(shape):
    rng = np.random.default_rng(3)
    w = rng.normal(size=shape).astype("float32")
    mask = _np(masks.m_by_n_mask(w, (2, 4)))
    rows = np.moveaxis(mask, -1, 0).reshape(-1, shape[-2])
    magnitudes = np.moveaxis(np.abs(w), -1, 0).reshape(-1, shape[-2])
    for row, mag in zip(rows, magnitudes, strict=True):
        for start in range(0, len(row), 4):
            group, values = row[start:start + 4], mag[start:start + 4]
            assert (group == 0).sum() == min(2, max(len(group) - 2, 0))
            if (group == 0).any():
                assert values[group == 1].min() >= values[group == 0].max()


def test_global_masks_use_one_threshold_across_weights():
    small = np.full((10, 10), 0.01, "float32")
    large = np.ones((5, 4), "float32")
    (m_small, m_large), _ = masks.global_masks([small, large], 0.5)
    assert _np(m_small).sum() == 40 and _np(m_large).sum() == 20
