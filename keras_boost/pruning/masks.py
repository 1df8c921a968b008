"""Magnitude masks: which weights to keep.

Each function takes weight values (arrays, tensors or variables) and returns
a 0/1 float32 NumPy mask of the same shape (and, for magnitude ranking, the
smallest kept score). Masks are computed outside the training graph, only on
update steps, with ``np.argpartition`` (linear time, no full sort). The number
of zeros is exact: tfmot's rule keeps ``max(round(size * (1 - sparsity)), 1)``
weights and so do we, ties broken by position, so the sparsity reached is the
target.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


def to_numpy(value) -> np.ndarray:
    """A float32 NumPy copy of a weight (Keras variable, tensor or array)."""
    if isinstance(value, keras.Variable):
        value = value.value
    return np.asarray(ops.convert_to_numpy(value), dtype="float32")


def _n_kept(size: int, sparsity: float) -> int:
    return max(int(round(size * (1.0 - float(sparsity)))), 1)


def _flat_mask(scores: np.ndarray, sparsity: float):
    """Keep the largest ``scores`` (flat); return the mask and the smallest kept score."""
    size = scores.size
    n_pruned = size - _n_kept(size, sparsity)
    mask = np.ones(size, dtype="float32")
    if n_pruned == 0:
        return mask, float(scores.min())
    order = np.argpartition(scores, n_pruned)
    mask[order[:n_pruned]] = 0.0
    return mask, float(scores[order[n_pruned]])


def magnitude_mask(weight, sparsity):
    """Keep the ``1 - sparsity`` fraction of ``weight`` with the largest magnitude."""
    w = to_numpy(weight)
    mask, threshold = _flat_mask(np.abs(w).ravel(), sparsity)
    return mask.reshape(w.shape), threshold


def block_mask(weight, sparsity, block_size, pooling="AVG"):
    """Prune whole ``block_size`` blocks of a rank-2 (after squeeze) weight by pooled magnitude."""
    w = to_numpy(weight)
    magnitude = np.abs(w.reshape([d for d in w.shape if d != 1]))
    bh, bw = block_size
    h, wd = magnitude.shape
    hp, wp = -(-h // bh) * bh, -(-wd // bw) * bw
    padded = np.pad(magnitude, ((0, hp - h), (0, wp - wd)))
    blocks = padded.reshape(hp // bh, bh, wp // bw, bw)
    if pooling == "MAX":
        pooled = blocks.max(axis=(1, 3))
    else:
        valid = np.pad(np.ones((h, wd)), ((0, hp - h), (0, wp - wd)))
        pooled = blocks.sum(axis=(1, 3)) / valid.reshape(blocks.shape).sum(axis=(1, 3))
    flat, threshold = _flat_mask(pooled.ravel(), sparsity)
    grid = flat.reshape(pooled.shape)
    full = np.repeat(np.repeat(grid, bh, axis=0), bw, axis=1)[:h, :wd]
    return np.ascontiguousarray(full).reshape(w.shape), threshold


def m_by_n_mask(weight, m_by_n):
    """Zero the ``m`` smallest of every ``n`` consecutive input-channel weights.

    Groups run along the input-channel axis (the second-last axis of a Keras
    kernel, the only axis of a vector), the layout sparse tensor cores and
    TFLite expect: for a ``(in, out)`` Dense kernel, every 4 consecutive inputs
    of each output unit hold at least 2 zeros with ``m_by_n=(2, 4)``. A last,
    shorter group keeps its ``n - m`` largest weights.
    """
    m, n = m_by_n
    w = to_numpy(weight)
    moved = np.abs(w).reshape(1, -1) if w.ndim == 1 else np.moveaxis(np.abs(w), -1, 0)
    n_in = moved.shape[-1]
    rows = moved.reshape(-1, n_in)
    rows = np.pad(rows, ((0, 0), (0, -n_in % n)), constant_values=-1.0)
    groups = rows.reshape(rows.shape[0], -1, n)
    ranks = np.argsort(np.argsort(groups, axis=-1, kind="stable"), axis=-1, kind="stable")
    keep = (ranks >= m).astype("float32").reshape(rows.shape[0], -1)[:, :n_in]
    keep = keep.reshape(moved.shape)
    return keep.reshape(w.shape) if w.ndim == 1 else np.moveaxis(keep, 0, -1)


def global_masks(weights, sparsity):
    """One magnitude ranking across all ``weights``: their masks and the common threshold."""
    arrays = [to_numpy(w) for w in weights]
    mask, threshold = _flat_mask(np.concatenate([np.abs(a).ravel() for a in arrays]), sparsity)
    masks, start = [], 0
    for a in arrays:
        masks.append(mask[start:start + a.size].reshape(a.shape))
        start += a.size
    return masks, threshold
