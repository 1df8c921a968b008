"""Time-series augmentations that change values, not timing: Jitter, RandomScaling, MagnitudeWarp.

Reference: T. T. Um et al., "Data Augmentation of Wearable Sensor Data for
Parkinson's Disease Monitoring using Convolutional Neural Networks", ICMI 2017.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_boost.layers._base import AugmentationLayer, check_number, strength
from keras_boost.layers._ops import spline_matrix


@keras.saving.register_keras_serializable(package="keras_boost")
class Jitter(AugmentationLayer):
    """Add Gaussian noise to every value of a time series.

    Use it when the sensor noise level varies between recordings; it is the
    mildest time-series augmentation. The noise is absolute, so scale your
    series first (UCR sets are z-normalised).

    Args:
        sigma: standard deviation of the noise, >= 0. Default 0.03.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments (``name``, ``dtype``).
    {shapes}
    Raises:
        ValueError: for ``sigma`` < 0 or an input of another rank.
        TypeError: for a non-numeric ``sigma``.

    Example:

    >>> import numpy as np
    >>> layer = Jitter(sigma=0.05, seed=1)
    >>> tuple(layer(np.zeros((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Um et al. 2017 ("jittering").
    """

    strength_names = ("sigma",)
    sigma = strength("sigma", low=0.0, example=0.03)

    def __init__(self, sigma=0.03, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.sigma = sigma

    def augment(self, x):
        noise = self.normal(ops.shape(x)) * self.value("sigma")
        return x + ops.cast(noise, x.dtype)


@keras.saving.register_keras_serializable(package="keras_boost")
class RandomScaling(AugmentationLayer):
    """Multiply each channel of each series by a random factor drawn from N(1, sigma).

    Use it when amplitudes differ between subjects or devices (gain changes).

    Args:
        sigma: standard deviation of the factor around 1, >= 0. Default 0.1.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}
    Raises:
        ValueError: for ``sigma`` < 0 or an input of another rank.
        TypeError: for a non-numeric ``sigma``.

    Example:

    >>> import numpy as np
    >>> layer = RandomScaling(sigma=0.2, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Um et al. 2017 ("scaling").
    """

    strength_names = ("sigma",)
    sigma = strength("sigma", low=0.0, example=0.1)

    def __init__(self, sigma=0.1, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.sigma = sigma

    def augment(self, x):
        shape = (ops.shape(x)[0], 1, ops.shape(x)[2])
        factor = 1.0 + self.normal(shape) * self.value("sigma")
        return x * ops.cast(factor, x.dtype)


@keras.saving.register_keras_serializable(package="keras_boost")
class MagnitudeWarp(AugmentationLayer):
    """Multiply each channel by a smooth random curve around 1 (a cubic spline).

    Use it for slow drifts in amplitude within one recording (a sensor
    warming up, a loosening strap). The curve passes through ``knots + 2``
    evenly spaced values drawn from N(1, sigma), per sample and channel.

    Args:
        sigma: standard deviation of the knot values around 1, >= 0. Default 0.2.
        knots: number of interior knots, an int >= 1 (more knots, faster
            changes). Default 4.
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.
    {shapes}
        The number of steps must be fixed (known when the model is built).

    Raises:
        ValueError: for ``sigma`` < 0, ``knots`` < 1, fewer than 2 steps, an
            unknown number of steps or an input of another rank.
        TypeError: for a non-numeric ``sigma`` or a non-integer ``knots``.

    Example:

    >>> import numpy as np
    >>> layer = MagnitudeWarp(sigma=0.2, knots=4, seed=1)
    >>> tuple(layer(np.ones((4, 100, 3), "float32")).shape)
    (4, 100, 3)

    Reference: Um et al. 2017 ("magnitude-warping").
    """

    min_steps = 2
    strength_names = ("sigma",)
    sigma = strength("sigma", low=0.0, example=0.2)

    def __init__(self, sigma=0.2, knots=4, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.knots = check_number("MagnitudeWarp", "knots", knots, low=1, integer=True,
                                  example=4)
        self.sigma = sigma

    def augment(self, x):
        steps = self.static_steps(x)
        basis = ops.convert_to_tensor(spline_matrix(steps, self.knots))
        values = self.normal((ops.shape(x)[0], self.knots + 2, ops.shape(x)[2]))
        curve = ops.einsum("tk,bkc->btc", basis, 1.0 + values * self.value("sigma"))
        return x * ops.cast(curve, x.dtype)

    def get_config(self):
        return {**super().get_config(), "knots": self.knots}
