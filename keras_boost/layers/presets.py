"""``augmentation_preset``: one layer with sensible augmentation for a modality and strength."""

from __future__ import annotations

import keras

from keras_boost.layers._base import check_choice, check_number
from keras_boost.layers.magnitude import MagnitudeWarp
from keras_boost.layers.spectrogram import SpecAugment
from keras_boost.layers.tabular import RandomFeatureMask, SwapNoise

MODALITIES = ("image", "timeseries", "spectrogram", "tabular")
STRENGTHS = ("light", "medium", "heavy")


def _image(strength):
    # RandomFlip's default mode draws one mask for both axes (flips both ways or
    # not at all), so the presets ask for "horizontal" explicitly. Light has no
    # flip at all, for digits and text. RandAugment is left out: it chooses its
    # operations once per batch.
    translate, rotate, zoom, contrast = {
        "light": (0.1, 0.03, 0.0, 0.1),
        "medium": (0.1, 0.05, 0.1, 0.2),
        "heavy": (0.15, 0.1, 0.2, 0.3),
    }[strength]
    specs = [] if strength == "light" else [(keras.layers.RandomFlip, {"mode": "horizontal"})]
    specs += [(keras.layers.RandomTranslation, {"height_factor": translate,
                                                "width_factor": translate}),
              (keras.layers.RandomRotation, {"factor": rotate})]
    if zoom:
        specs.append((keras.layers.RandomZoom, {"height_factor": zoom}))
    specs.append((keras.layers.RandomContrast, {"factor": contrast}))
    return specs


PRESETS = {
    "image": {s: _image(s) for s in STRENGTHS},
    "timeseries": {
        # MagnitudeWarp only: alone, Jitter and RandomScaling cost a small FCN 5.3 and 2.7
        # points on ArrowHead, MagnitudeWarp(0.2) + RandomTimeMask 12.8; TimeWarp cost
        # ACSF1 (appliances' power draw) 16.6 points alone, the earlier heavy chain with
        # TimeWarp and WindowWarp 42.2 (benchmarks/augmentation_ablation.py,
        # docs/benchmarks.md).
        "light": [(MagnitudeWarp, {"sigma": 0.05})],
        "medium": [(MagnitudeWarp, {"sigma": 0.1})],
        "heavy": [(MagnitudeWarp, {"sigma": 0.2})],
    },
    "spectrogram": {
        "light": [(SpecAugment, {"freq_width": 0.1, "time_width": 0.05,
                                 "freq_masks": 1, "time_masks": 1})],
        "medium": [(SpecAugment, {"freq_width": 0.15, "time_width": 0.1,
                                  "freq_masks": 2, "time_masks": 2})],
        "heavy": [(SpecAugment, {"freq_width": 0.3, "time_width": 0.2,
                                 "freq_masks": 2, "time_masks": 2})],
    },
    "tabular": {
        "light": [(SwapNoise, {"rate": 0.05})],
        "medium": [(SwapNoise, {"rate": 0.1})],
        "heavy": [(SwapNoise, {"rate": 0.15}), (RandomFeatureMask, {"rate": 0.05})],
    },
}
"""What each preset contains: ``PRESETS[modality][strength]`` is a list of (class, kwargs)."""

_RANKS = {"image": ((3, 4), "(batch, height, width, channels) or (height, width, channels)"),
          "timeseries": ((2, 3), "(batch, steps, channels) or (steps, channels)"),
          "spectrogram": ((2, 3, 4), "(batch, time, freq[, channels]) or (time, freq)"),
          "tabular": ((2,), "(batch, features)")}


@keras.saving.register_keras_serializable(package="keras_boost")
class AugmentationPreset(keras.layers.Layer):
    """The layer that ``augmentation_preset`` returns: a fixed chain of augmentation layers.

    Its config is just ``modality``, ``strength`` and ``seed``; the chain is
    ``PRESETS[modality][strength]``, applied in order. The inner layers are
    in ``.layers``: change their strengths there (``preset.layers[0].sigma``).

    Args:
        modality: "image", "timeseries", "spectrogram" or "tabular".
        strength: "light", "medium" or "heavy". Default "medium".
        seed: int seed; inner layer ``i`` gets ``seed + i``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Raises:
        ValueError: for an unknown modality or strength, or an input of the
            wrong rank for the modality.
    """

    def __init__(self, modality, strength="medium", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.modality = check_choice("augmentation_preset", "modality", modality, MODALITIES)
        self.strength = check_choice("augmentation_preset", "strength", strength, STRENGTHS)
        if seed is not None:
            seed = check_number("augmentation_preset", "seed", seed, low=0, integer=True,
                                example=42)
        self.seed = seed
        self.layers = [
            cls(**kwargs_, seed=None if seed is None else seed + i, dtype=self.dtype_policy)
            for i, (cls, kwargs_) in enumerate(PRESETS[modality][strength])
        ]
        # Keras' geometric image layers turn XLA off; say so instead of hiding it.
        self.supports_jit = all(getattr(layer, "supports_jit", True) for layer in self.layers)

    def build(self, input_shape):
        ranks, text = _RANKS[self.modality]
        if len(input_shape) not in ranks:
            raise ValueError(
                f"`augmentation_preset('{self.modality}')` expects input of shape {text}. "
                f"Received: input with shape {tuple(input_shape)}. Pick the modality that "
                "matches your data, or reshape it.")
        shape = tuple(input_shape)
        for layer in self.layers:
            layer.build(shape)
            shape = tuple(layer.compute_output_shape(shape))
        self.built = True

    def call(self, inputs, training=True):
        x = inputs
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "modality": self.modality, "strength": self.strength,
                "seed": self.seed}


def augmentation_preset(modality, strength="medium", seed=None):
    """One serializable Keras layer with the augmentation that suits a modality.

    Use it as the first layer of a model (it is the identity at inference)
    or in a ``tf.data`` map (call it with ``training=True``, the default).
    The exact contents of every preset are in ``PRESETS`` and in
    docs/layers.md. The image preset composes Keras' own layers
    (RandomFlip in "horizontal" mode only, RandomTranslation, RandomRotation,
    RandomZoom, RandomContrast); because Keras' geometric layers set
    ``supports_jit=False``, a model containing it trains without XLA. The
    other presets use keras-boost's layers and keep XLA on.

    Args:
        modality: "image" (``(batch, height, width, channels)``),
            "timeseries" (``(batch, steps, channels)``), "spectrogram"
            (``(batch, time, freq[, channels])``) or "tabular"
            (``(batch, features)``).
        strength: "light", "medium" or "heavy". Default "medium". The
            "light" image preset has no flip (for digits and text).
        seed: int seed for reproducible augmentation. Default None.

    Returns:
        An ``AugmentationPreset`` layer.

    Raises:
        ValueError: for an unknown modality or strength, a negative seed,
            or (when called) an input of the wrong rank.

    Example:

    >>> import keras
    >>> model = keras.Sequential([
    ...     keras.Input((150, 1)),
    ...     augmentation_preset("timeseries", "medium", seed=0),
    ...     keras.layers.Conv1D(16, 7, activation="relu"),
    ...     keras.layers.GlobalAveragePooling1D(),
    ...     keras.layers.Dense(2, activation="softmax"),
    ... ])
    """
    return AugmentationPreset(modality, strength, seed=seed)
