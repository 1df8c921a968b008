"""Callbacks for ``model.fit``: early stopping without a patience to guess.

Example:

>>> from keras_boost.callbacks import AdaptiveEarlyStopping
>>> AdaptiveEarlyStopping().monitor
'val_loss'
"""

from keras_boost.callbacks.adaptive_early_stopping import AdaptiveEarlyStopping, StopReason

__all__ = ["AdaptiveEarlyStopping", "StopReason"]
