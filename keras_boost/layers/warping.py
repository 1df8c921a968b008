"""Time-series augmentations that change timing: TimeWarp, WindowSlice, WindowWarp.

References: T. T. Um et al., ICMI 2017 (time warping); A. Le Guennec, S.
Malinowski, R. Tavenard, "Data Augmentation for Time Series Classification
using Convolutional Neural Networks", AALTD 2016 (window slicing, window
warping); B. K. Iwana, S. Uchida, "An empirical survey of data augmentation
for time series classification with neural networks", PLOS ONE 2021.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_boost.layers._base import AugmentationLayer, check_number, strength
from keras_boost.layers._ops import resample, spline_matrix


@keras.saving.register_keras_serializable(package="keras_boost")
class TimeWarp(AugmentationLayer):
    """Speed a series up and slow it down smoothly along a random curve.

    Use it when the same event happens at varying speed (gestures, gait,
    heartbeats). The speed follows a cubic spline through ``knots + 2`` values
    drawn from N(1, sigma) per sample; its running sum is the new time axis,
    rescaled to the same start and end, and the series is resampled there
    (linear interpolation). All channels share the warp.

    Args:
        sigma: standard deviation of the speed around 1, in [0, 1). Default 0.2.
        knots: number of interior knots, an int >= 1. Default 4.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}{fixed}
    Raises:
        ValueError: for ``sigma`` outside [0, 1), ``knots`` < 1, an unknown
            number of steps or an input of another rank.
        TypeError: for a non-numeric ``sigma`` or a non-integer ``knots``.

    Example:

    >>> layer = TimeWarp(sigma=0.2, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Um et al. 2017 ("time-warping").
    """

    min_steps = 2
    strength_names = ("sigma",)
    sigma = strength("sigma", low=0.0, high=1.0, high_open=True, example=0.2)

    def __init__(self, sigma=0.2, knots=4, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.knots = check_number("TimeWarp", "knots", knots, low=1, integer=True, example=4)
        self.sigma = sigma

    def augment(self, x):
        steps = self.static_steps(x)
        basis = ops.convert_to_tensor(spline_matrix(steps, self.knots))
        values = 1.0 + self.normal((ops.shape(x)[0], self.knots + 2)) * self.value("sigma")
        speed = ops.maximum(ops.einsum("tk,bk->bt", basis, values), 0.05)
        clock = ops.cumsum(speed, axis=1)
        clock = clock - clock[:, :1]
        positions = clock / ops.maximum(clock[:, -1:], 1e-6) * (steps - 1.0)
        return resample(x, positions)

    def get_config(self):
        return {**super().get_config(), "knots": self.knots}


@keras.saving.register_keras_serializable(package="keras_boost")
class WindowSlice(AugmentationLayer):
    """Crop a random window of each series and stretch it back to full length.

    Use it when the class does not depend on the exact start and end of a
    recording (Le Guennec et al. slice 90%). The window start is drawn per
    sample; the output keeps the input shape.

    Args:
        ratio: length of the window as a fraction of the series, in (0, 1].
            1 is the identity. Default 0.9.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}{fixed}
    Raises:
        ValueError: for ``ratio`` outside (0, 1], an unknown number of steps
            or an input of another rank.
        TypeError: for a non-numeric ``ratio``.

    Example:

    >>> layer = WindowSlice(ratio=0.9, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Le Guennec et al. 2016 ("window slicing").
    """

    strength_names = ("ratio",)
    ratio = strength("ratio", low=0.0, low_open=True, high=1.0, example=0.9)

    def __init__(self, ratio=0.9, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.ratio = ratio

    def augment(self, x):
        steps = self.static_steps(x)
        length = self.value("ratio") * (steps - 1.0)
        start = self.uniform((ops.shape(x)[0], 1)) * (steps - 1.0 - length)
        grid = ops.convert_to_tensor(np.linspace(0.0, 1.0, steps, dtype="float32")[None])
        return resample(x, start + grid * length)


@keras.saving.register_keras_serializable(package="keras_boost")
class WindowWarp(AugmentationLayer):
    """Speed up or slow down one random window of each series, then resize to full length.

    Use it when parts of an event vary in duration. A window of
    ``ratio * steps`` is stretched by a factor drawn per sample from
    ``scales`` (Le Guennec et al. use 0.5 and 2); the warped series is
    resampled back to the original length.

    Args:
        ratio: window length as a fraction of the series, in [0, 1). 0 is
            the identity. Default 0.1.
        scales: tuple of positive stretch factors to draw from. Default (0.5, 2.0).
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}{fixed}
    Raises:
        ValueError: for ``ratio`` outside [0, 1), an empty ``scales`` or a
            scale <= 0, an unknown number of steps or an input of another rank.
        TypeError: for non-numeric arguments.

    Example:

    >>> layer = WindowWarp(ratio=0.1, scales=(0.5, 2.0), seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Le Guennec et al. 2016 ("window warping").
    """

    min_steps = 2
    strength_names = ("ratio",)
    ratio = strength("ratio", low=0.0, high=1.0, high_open=True, example=0.1)

    def __init__(self, ratio=0.1, scales=(0.5, 2.0), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not isinstance(scales, (tuple, list, np.ndarray)) or not len(scales):
            raise ValueError("`WindowWarp` expects `scales` to be a non-empty tuple of positive "
                             f"numbers. Received: scales={scales!r}. Pass e.g. scales=(0.5, 2.0).")
        self.scales = tuple(check_number("WindowWarp", "scales[i]", s, low=0.0, low_open=True,
                                         example=0.5) for s in scales)
        self.ratio = ratio

    def augment(self, x):
        steps = self.static_steps(x)
        batch = ops.shape(x)[0]
        last = steps - 1.0
        width = self.value("ratio") * last
        start = self.uniform((batch, 1)) * (last - width)
        choice = ops.cast(ops.floor(self.uniform((batch, 1)) * len(self.scales)), "int32")
        choice = ops.minimum(choice, len(self.scales) - 1)
        scale = ops.take(ops.convert_to_tensor(self.scales, dtype="float32"), choice)
        # Output step u maps to v on the warped axis (length last + width * (scale - 1)),
        # and v maps back to a source position, piece by piece.
        grid = ops.convert_to_tensor(np.arange(steps, dtype="float32")[None])
        v = grid * (last + width * (scale - 1.0)) / last
        source = ops.where(v < start, v,
                           ops.where(v < start + width * scale, start + (v - start) / scale,
                                     v - width * (scale - 1.0)))
        return resample(x, source)

    def get_config(self):
        return {**super().get_config(), "scales": list(self.scales)}
