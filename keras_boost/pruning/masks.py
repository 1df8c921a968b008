"""Magnitude masks: which weights to keep, written with ``keras.ops``.

Each function takes weight values and returns a 0/1 mask of the same shape
(and, for unstructured pruning, the smallest kept magnitude). The number of
zeros is exact: ``round(size * sparsity)`` (tfmot keeps
``max(round(size * (1 - sparsity)), 1)`` weights; so do we), ties broken by
position, so the reached sparsity equals the target.
"""

from __future__ import annotations

from keras import ops


def _n_kept(size: int, sparsity: float) -> int:
    return max(int(round(size * (1.0 - float(sparsity)))), 1)


def _flat_mask(scores, sparsity):
    """Mask keeping the largest ``scores`` (flat), and the smallest kept score."""
    size = int(scores.shape[0])
    n_pruned = size - _n_kept(size, sparsity)
    order = ops.argsort(scores)
    threshold = ops.take(scores, order[n_pruned])
    if n_pruned == 0:
        return ops.ones((size,), dtype="float32"), threshold
    dropped = ops.scatter(ops.expand_dims(order[:n_pruned], 1),
                          ops.ones((n_pruned,), dtype="float32"), (size,))
    return 1.0 - dropped, threshold


def magnitude_mask(weight, sparsity):
    """Keep the ``1 - sparsity`` fraction of ``weight`` with the largest magnitude."""
    scores = ops.reshape(ops.abs(ops.cast(weight, "float32")), (-1,))
    mask, threshold = _flat_mask(scores, sparsity)
    return ops.reshape(mask, weight.shape), threshold


def block_mask(weight, sparsity, block_size, pooling="AVG"):
    """Prune whole ``block_size`` blocks of a rank-2 (after squeeze) weight by pooled magnitude."""
    shape = tuple(weight.shape)
    squeezed = tuple(d for d in shape if d != 1)
    bh, bw = block_size
    h, w = squeezed
    hp, wp = -(-h // bh) * bh, -(-w // bw) * bw
    magnitude = ops.reshape(ops.abs(ops.cast(weight, "float32")), (h, w))
    padded = ops.pad(magnitude, ((0, hp - h), (0, wp - w)))
    blocks = ops.reshape(padded, (hp // bh, bh, wp // bw, bw))
    if pooling == "MAX":
        pooled = ops.max(blocks, axis=(1, 3))
    else:
        valid = ops.reshape(ops.pad(ops.ones((h, w)), ((0, hp - h), (0, wp - w))),
                            (hp // bh, bh, wp // bw, bw))
        pooled = ops.sum(blocks, axis=(1, 3)) / ops.sum(valid, axis=(1, 3))
    flat, threshold = _flat_mask(ops.reshape(pooled, (-1,)), sparsity)
    grid = ops.reshape(flat, pooled.shape)
    full = ops.repeat(ops.repeat(grid, bh, axis=0), bw, axis=1)[:h, :w]
    return ops.reshape(full, shape), threshold


def m_by_n_mask(weight, m_by_n):
    """Zero the ``m`` smallest of every ``n`` consecutive input-channel weights.

    Groups run along the input-channel axis (the second-last axis of a Keras
    kernel, the only axis of a vector), the layout sparse tensor cores and
    TFLite expect: for a ``(in, out)`` Dense kernel, every 4 consecutive inputs
    of each output unit hold at least 2 zeros with ``m_by_n=(2, 4)``.
    """
    m, n = m_by_n
    shape = tuple(weight.shape)
    magnitude = ops.abs(ops.cast(weight, "float32"))
    if len(shape) == 1:
        moved = ops.reshape(magnitude, (1, shape[0]))
    else:
        moved = ops.moveaxis(magnitude, -1, 0)
    moved_shape = tuple(moved.shape)
    n_in = moved_shape[-1]
    rows = ops.reshape(moved, (-1, n_in))
    pad = -n_in % n
    rows = ops.pad(rows, ((0, 0), (0, pad)), constant_values=-1.0)
    groups = ops.reshape(rows, (rows.shape[0], -1, n))
    ranks = ops.argsort(ops.argsort(groups, axis=-1), axis=-1)
    keep = ops.cast(ranks >= m, "float32")
    keep = ops.reshape(keep, (rows.shape[0], -1))[:, :n_in]
    keep = ops.reshape(keep, moved_shape)
    if len(shape) == 1:
        return ops.reshape(keep, shape)
    return ops.moveaxis(keep, 0, -1)


def global_masks(weights, sparsity):
    """One magnitude threshold across all ``weights``: masks and the common threshold."""
    flats = [ops.reshape(ops.abs(ops.cast(w, "float32")), (-1,)) for w in weights]
    mask, threshold = _flat_mask(ops.concatenate(flats, axis=0), sparsity)
    masks, start = [], 0
    for w, flat in zip(weights, flats, strict=True):
        size = int(flat.shape[0])
        masks.append(ops.reshape(mask[start:start + size], w.shape))
        start += size
    return masks, threshold
