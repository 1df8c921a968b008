"""Private tensor helpers shared by the augmentation layers (keras.ops only, static shapes)."""

from __future__ import annotations

import numpy as np
from keras import ops


def spline_matrix(steps: int, knots: int) -> np.ndarray:
    """``(steps, knots + 2)`` matrix mapping knot values to a natural cubic spline.

    The ``knots + 2`` knots are evenly spaced over ``[0, steps - 1]`` (both
    ends included), as in Um et al. 2017. A spline is linear in its knot
    values, so ``W @ values`` evaluates it at every step.
    """
    k = knots + 2
    xk = np.linspace(0.0, steps - 1.0, k)
    h = xk[1] - xk[0]
    # Second derivatives at the knots: natural end conditions (M_0 = M_{k-1} = 0).
    second = np.zeros((k, k))
    if k > 2:
        a = (np.diag(np.full(k - 2, 4.0)) + np.diag(np.ones(k - 3), 1)
             + np.diag(np.ones(k - 3), -1)) * h / 6.0
        b = np.zeros((k - 2, k))
        for i in range(k - 2):
            b[i, i:i + 3] = np.array([1.0, -2.0, 1.0]) / h
        second[1:-1] = np.linalg.solve(a, b)
    t = np.arange(steps, dtype="float64")
    seg = np.clip(np.floor(t / h).astype(int), 0, k - 2)
    lo = (xk[seg + 1] - t) / h
    hi = (t - xk[seg]) / h
    eye = np.eye(k)
    out = (lo[:, None] * eye[seg] + hi[:, None] * eye[seg + 1]
           + ((lo**3 - lo)[:, None] * second[seg] + (hi**3 - hi)[:, None] * second[seg + 1])
           * h * h / 6.0)
    return out.astype("float32")


def gather_steps(x, index):
    """``x[b, index[b, t], c]`` for ``x`` of shape (batch, steps, channels), int ``index``.

    One row gather on the flattened batch: far cheaper than an element-wise
    ``take_along_axis`` with broadcast indices.
    """
    steps, channels = x.shape[1], x.shape[2]
    if channels is None:  # e.g. a tf.data map over batches of varying channels
        channels = ops.shape(x)[2]
    offsets = ops.expand_dims(ops.arange(ops.shape(x)[0], dtype="int32") * steps, 1)
    rows = ops.reshape(x, (-1, channels))
    return ops.take(rows, ops.cast(index, "int32") + offsets, axis=0)


def gather_rows(table, index):
    """``table[b, index[b, t]]`` for a 2-D ``table`` and int ``index`` (batch, n), by one gather."""
    width = table.shape[1]
    offsets = ops.expand_dims(ops.arange(ops.shape(table)[0], dtype="int32") * width, 1)
    return ops.take(ops.reshape(table, (-1,)), ops.cast(index, "int32") + offsets, axis=0)


def resample(x, positions):
    """Linear interpolation of ``x`` (batch, steps, channels) at float ``positions`` (batch, n)."""
    steps = x.shape[1]
    positions = ops.clip(positions, 0.0, steps - 1.0)
    lower = ops.floor(positions)
    weight = ops.cast(ops.expand_dims(positions - lower, -1), x.dtype)
    lower = ops.cast(lower, "int32")
    upper = ops.minimum(lower + 1, steps - 1)
    return gather_steps(x, lower) * (1 - weight) + gather_steps(x, upper) * weight


def band_mask(layer, batch, size, count, max_fraction):
    """A (batch, size) float32 mask, 1 inside ``count`` random bands per row.

    Each band has a width drawn uniformly in ``[0, max_fraction * size]`` and
    a start drawn uniformly so that it fits (SpecAugment, Park et al. 2019).
    """
    widths = ops.floor(layer.uniform((batch, count, 1)) * (max_fraction * size + 1.0))
    widths = ops.minimum(widths, float(size))
    starts = ops.floor(layer.uniform((batch, count, 1)) * (size - widths + 1.0))
    steps = ops.reshape(ops.arange(size, dtype="float32"), (1, 1, size))
    inside = ops.logical_and(steps >= starts, steps < starts + widths)
    return ops.max(ops.cast(inside, "float32"), axis=1)
