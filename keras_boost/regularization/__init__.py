"""Regularization presets for models you already have (``kb.regularization``).

- ``Preset`` / ``PRESETS``: immutable, named regularization strengths
  (``"none"``, ``"light"``, ``"medium"``, ``"heavy"``);
- ``apply_preset(model, preset)``: a regularized copy of a Sequential or
  functional model, weights and compile settings carried over;
- ``describe(model, preset)``: what ``apply_preset`` adds where.
"""

from keras_boost.regularization.apply import apply_preset
from keras_boost.regularization.describe import RegularizationReport, describe
from keras_boost.regularization.presets import PRESETS, Preset, get_preset

__all__ = ["PRESETS", "Preset", "RegularizationReport", "apply_preset", "describe", "get_preset"]
