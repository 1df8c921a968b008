"""Callbacks for ``model.fit``: early stopping without a patience to guess, and an
overfitting detector that says whether, since when and what to do.

Example:

>>> from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector
>>> callbacks = [OverfittingDetector(), AdaptiveEarlyStopping()]
"""

from keras_boost.callbacks.adaptive_early_stopping import AdaptiveEarlyStopping, StopReason
from keras_boost.callbacks.overfitting_detector import (
    DIAGNOSES,
    OverfittingDetector,
    OverfittingEpisode,
)

__all__ = ["DIAGNOSES", "AdaptiveEarlyStopping", "OverfittingDetector", "OverfittingEpisode",
           "StopReason"]
