"""Tabular augmentations: SwapNoise and RandomFeatureMask, input ``(batch, features)``."""

from __future__ import annotations

import keras
from keras import ops

from keras_boost.layers._base import AugmentationLayer, strength


@keras.saving.register_keras_serializable(package="keras_boost")
class SwapNoise(AugmentationLayer):
    """Replace a random fraction of each row's values with the same column of other rows.

    Use it to regularise MLPs (and denoising autoencoders) on tabular data:
    the swapped values keep each column's own distribution, unlike Gaussian
    noise. Each value is swapped with probability ``rate`` for the value in
    the same column of a row drawn uniformly from the batch (which can be
    the row itself), so it needs batches of a reasonable size.

    Args:
        rate: probability that a value is swapped, in [0, 1]. Default 0.15
            (the Porto Seguro winning solution used 0.15).
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.

    Call arguments:
        inputs: float tensor ``(batch, features)``. In ``tf.data`` map it
            after ``.batch()``.
        training: augment when True (default); False returns the input.

    Raises:
        ValueError: for ``rate`` outside [0, 1] or an input that is not 2-D.
        TypeError: for a non-numeric ``rate``.

    Example:

    >>> import numpy as np
    >>> layer = SwapNoise(rate=0.15, seed=1)
    >>> tuple(layer(np.random.rand(32, 10).astype("float32")).shape)
    (32, 10)

    Reference: M. Jahrer, 1st place solution of Kaggle's "Porto Seguro's Safe
    Driver Prediction" (2017), "swap noise" for denoising autoencoders.
    """

    strength_names = ("rate",)
    ranks = (2,)
    unbatched_rank = None
    shape_text = "(batch, features)"
    rank_hint = "SwapNoise mixes rows of a batch: apply it to batches (after .batch() in tf.data)."
    float_input_only = False  # swapping keeps integer codes valid
    rate = strength("rate", low=0.0, high=1.0, example=0.15)

    def __init__(self, rate=0.15, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = rate

    def augment(self, x):
        shape = ops.shape(x)
        rows = ops.cast(ops.floor(self.uniform(shape) * ops.cast(shape[0], "float32")), "int32")
        rows = ops.minimum(rows, shape[0] - 1)
        swapped = ops.take_along_axis(x, rows, axis=0)
        return ops.where(self.uniform(shape) < self.value("rate"), swapped, x)


@keras.saving.register_keras_serializable(package="keras_boost")
class RandomFeatureMask(AugmentationLayer):
    """Set a random fraction of each row's features to zero, without rescaling.

    Use it so a tabular model copes with missing features; unlike
    ``Dropout`` it does not rescale the kept values and is meant for the
    input (standardise features so that zero means "average").

    Args:
        rate: probability that a feature is masked, in [0, 1]. Default 0.1.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.

    Call arguments:
        inputs: float tensor ``(batch, features)`` or one row ``(features,)``.
        training: augment when True (default); False returns the input.

    Raises:
        ValueError: for ``rate`` outside [0, 1] or an input of another rank.
        TypeError: for a non-numeric ``rate``.

    Example:

    >>> import numpy as np
    >>> layer = RandomFeatureMask(rate=0.1, seed=1)
    >>> tuple(layer(np.ones((32, 10), "float32")).shape)
    (32, 10)
    """

    strength_names = ("rate",)
    ranks = (1, 2)
    unbatched_rank = 1
    shape_text = "(batch, features) or (features,)"
    rank_hint = "Flatten the features first, e.g. with keras.layers.Flatten()."
    batch_when_first_axis_unknown = False
    float_input_only = False  # masking keeps integer codes valid
    rate = strength("rate", low=0.0, high=1.0, example=0.1)

    def __init__(self, rate=0.1, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = rate

    def augment(self, x):
        keep = self.uniform(ops.shape(x)) >= self.value("rate")
        return x * ops.cast(keep, x.dtype)
