"""Time-series augmentations that move or hide parts of a series: Permutation,
RandomTimeShift, RandomTimeMask.

References: T. T. Um et al., ICMI 2017 (permutation); T. DeVries, G. W.
Taylor, "Improved Regularization of Convolutional Neural Networks with
Cutout", 2017 (masking, here along time).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_boost.layers._base import AugmentationLayer, check_choice, check_number, strength
from keras_boost.layers._ops import band_mask, gather_rows, gather_steps


@keras.saving.register_keras_serializable(package="keras_boost")
class Permutation(AugmentationLayer):
    """Cut a series into random segments and shuffle their order.

    Use it only when the class depends on local patterns, not on their
    order (Iwana & Uchida 2021 find it hurts many UCR sets). Each permuted
    sample is cut at random points into 2 to ``max_segments`` segments.

    Args:
        max_segments: the most segments, an int >= 2. Default 5.
        rate: probability that a sample is permuted, in [0, 1]. Default 1.0.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}
    Raises:
        ValueError: for ``max_segments`` < 2, ``rate`` outside [0, 1] or an
            input of another rank.
        TypeError: for non-numeric arguments.

    Example:

    >>> layer = Permutation(max_segments=4, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Um et al. 2017 ("permutation").
    """

    strength_names = ("rate",)
    rate = strength("rate", low=0.0, high=1.0, example=1.0)

    def __init__(self, max_segments=5, rate=1.0, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.max_segments = check_number("Permutation", "max_segments", max_segments, low=2,
                                         integer=True, example=5)
        self.rate = rate

    def augment(self, x):
        steps, count = self.static_steps(x), self.max_segments
        batch = ops.shape(x)[0]
        used = 2.0 + ops.floor(self.uniform((batch, 1)) * (count - 1))  # 2..count segments
        draws = ops.floor(self.uniform((batch, count - 1)) * steps)
        slot = ops.convert_to_tensor(np.arange(1, count, dtype="float32")[None])
        # Keep used - 1 uniform cuts, then sort: unused segments are empty, at the end.
        cuts = ops.sort(ops.where(slot < used, draws, float(steps)), axis=1)
        zeros, full = ops.zeros((batch, 1)), ops.full((batch, 1), float(steps))
        starts = ops.concatenate([zeros, cuts], axis=1)
        lengths = ops.concatenate([cuts, full], axis=1) - starts
        order = ops.argsort(self.uniform((batch, count)), axis=1)
        keep = ops.convert_to_tensor(np.arange(count, dtype="int32")[None])
        order = ops.where(self.uniform((batch, 1)) < self.value("rate"), order, keep)
        new_lengths = ops.take_along_axis(lengths, order, axis=1)
        new_starts = ops.cumsum(new_lengths, axis=1) - new_lengths
        t = ops.convert_to_tensor(np.arange(steps, dtype="float32"))
        segment = ops.sum(ops.cast(t[None, :, None] >= new_starts[:, None, :], "int32"), -1) - 1
        source = (gather_rows(starts, gather_rows(order, segment))
                  + t[None] - gather_rows(new_starts, segment))
        index = ops.clip(ops.cast(source, "int32"), 0, steps - 1)
        return gather_steps(x, index)

    def get_config(self):
        return {**super().get_config(), "max_segments": self.max_segments}


@keras.saving.register_keras_serializable(package="keras_boost")
class RandomTimeShift(AugmentationLayer):
    """Shift each series in time by a random whole number of steps.

    Use it when the event can start anywhere in the window. Each sample
    moves by up to ``max_shift * steps`` steps either way; ``fill="wrap"``
    rolls the series around, ``fill="zeros"`` pads with zeros.

    Args:
        max_shift: the largest shift as a fraction of the series, in [0, 1].
            Default 0.1.
        fill: "wrap" or "zeros". Default "wrap".
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}
    Raises:
        ValueError: for ``max_shift`` outside [0, 1], an unknown ``fill`` or
            an input of another rank.
        TypeError: for a non-numeric ``max_shift``.

    Example:

    >>> layer = RandomTimeShift(max_shift=0.2, fill="zeros", seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)
    """

    strength_names = ("max_shift",)
    max_shift = strength("max_shift", low=0.0, high=1.0, example=0.1)

    def __init__(self, max_shift=0.1, fill="wrap", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.fill = check_choice("RandomTimeShift", "fill", fill, ("wrap", "zeros"))
        self.max_shift = max_shift

    def augment(self, x):
        steps = self.static_steps(x)
        reach = ops.floor(self.value("max_shift") * steps)
        shift = ops.floor(self.uniform((ops.shape(x)[0], 1)) * (2.0 * reach + 1.0)) - reach
        source = ops.convert_to_tensor(np.arange(steps, dtype="float32")[None]) - shift
        wrapped = ops.cast(ops.mod(source, float(steps)), "int32")
        out = gather_steps(x, wrapped)
        if self.fill == "zeros":
            inside = ops.logical_and(source >= 0, source < steps)
            out = out * ops.cast(ops.expand_dims(inside, -1), x.dtype)
        return out

    def get_config(self):
        return {**super().get_config(), "fill": self.fill}


@keras.saving.register_keras_serializable(package="keras_boost")
class RandomTimeMask(AugmentationLayer):
    """Set random time windows of each series to zero (cutout along time).

    Use it so the model does not rely on one short part of the series, or
    to simulate dropped sensor readings. Each sample gets ``count`` windows,
    each as wide as ``U(0, max_width) * steps``.

    Args:
        max_width: the widest window as a fraction of the series, in [0, 1].
            Default 0.1.
        count: number of windows per sample, an int >= 1. Default 1.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}
    Raises:
        ValueError: for ``max_width`` outside [0, 1], ``count`` < 1 or an
            input of another rank.
        TypeError: for non-numeric arguments.

    Example:

    >>> layer = RandomTimeMask(max_width=0.2, count=2, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: DeVries & Taylor 2017 (cutout), applied along time.
    """

    strength_names = ("max_width",)
    max_width = strength("max_width", low=0.0, high=1.0, example=0.1)

    def __init__(self, max_width=0.1, count=1, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.count = check_number("RandomTimeMask", "count", count, low=1, integer=True,
                                  example=1)
        self.max_width = max_width

    def augment(self, x):
        steps = self.static_steps(x)
        mask = band_mask(self, ops.shape(x)[0], steps, self.count, self.value("max_width"))
        return x * ops.cast(1.0 - ops.expand_dims(mask, -1), x.dtype)

    def get_config(self):
        return {**super().get_config(), "count": self.count}
