"""Augmentation layers Keras lacks (time series, spectrograms, tabular data) and presets.

Every layer draws its randomness per sample from a ``keras.random.SeedGenerator``,
is the identity at inference (``training=False``), keeps static shapes so
``jit_compile=True`` works, accepts batched and unbatched input, and holds
its strength in a non-trainable variable that a callback can change
between epochs (``layer.sigma = 0.1``) without recompiling.

Example:

>>> import keras_boost as kb
>>> aug = kb.layers.augmentation_preset("timeseries", "medium", seed=0)
"""

from keras_boost.layers.magnitude import Jitter, MagnitudeWarp, RandomScaling
from keras_boost.layers.presets import (
    MODALITIES,
    PRESETS,
    STRENGTHS,
    AugmentationPreset,
    augmentation_preset,
)
from keras_boost.layers.segments import Permutation, RandomTimeMask, RandomTimeShift
from keras_boost.layers.spectrogram import SpecAugment
from keras_boost.layers.tabular import RandomFeatureMask, SwapNoise
from keras_boost.layers.warping import TimeWarp, WindowSlice, WindowWarp

__all__ = [
    "AugmentationPreset",
    "Jitter",
    "MODALITIES",
    "MagnitudeWarp",
    "PRESETS",
    "Permutation",
    "RandomFeatureMask",
    "RandomScaling",
    "RandomTimeMask",
    "RandomTimeShift",
    "STRENGTHS",
    "SpecAugment",
    "SwapNoise",
    "TimeWarp",
    "WindowSlice",
    "WindowWarp",
    "augmentation_preset",
]
