"""Drive a callback with recorded epoch logs instead of a real training run.

``ReplayModel`` stands in for a model: it exposes only what a keras-boost
callback may touch (``stop_training``, ``get_weights``/``set_weights``,
``optimizer`` and ``metrics``) and raises a clear ``AttributeError`` for
anything else. Its "weights" are the index of the epoch that produced them, so
after a replay ``restored_epoch`` says which epoch's weights a callback put
back.

Example:

>>> import keras
>>> from keras_boost.testing import replay
>>> logs = [{"loss": 1.0 / (e + 1), "val_loss": abs(e - 5) + 1.0} for e in range(30)]
>>> result = replay(keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True), logs)
>>> result.epochs_run, result.restored_epoch
(9, 5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

ALLOWED_MODEL_ATTRIBUTES = ("stop_training", "get_weights", "set_weights", "optimizer", "metrics")


class _ReplayOptimizer:
    """The part of an optimizer a callback may adjust: ``learning_rate``."""

    def __init__(self, learning_rate: float):
        self.learning_rate = learning_rate


class ReplayModel:
    """A stand-in model whose weights are the epoch that produced them."""

    def __init__(self, learning_rate: float = 1e-3):
        object.__setattr__(self, "_state", {
            "stop_training": False,
            "optimizer": _ReplayOptimizer(learning_rate),
            "metrics": [],
            "epoch": -1,
            "restored_epoch": None,
        })

    def get_weights(self):
        return [np.array([self._state["epoch"]], dtype="int64")]

    def set_weights(self, weights):
        self._state["restored_epoch"] = int(np.asarray(weights[0]).reshape(-1)[0])

    def __getattr__(self, name):
        state = object.__getattribute__(self, "_state")
        if name in state and name in ALLOWED_MODEL_ATTRIBUTES:
            return state[name]
        raise AttributeError(
            f"A keras-boost callback read model.{name}; callbacks may only use "
            f"{', '.join(ALLOWED_MODEL_ATTRIBUTES)} so that they work with any model.")

    def __setattr__(self, name, value):
        if name != "stop_training":
            raise AttributeError(f"A keras-boost callback set model.{name}; only "
                                 "model.stop_training may be set.")
        self._state["stop_training"] = value


def _as_float(value):
    """A learning rate as a float, whether a number or a Keras variable."""
    try:
        return float(np.asarray(value))
    except (TypeError, ValueError):
        return value


@dataclass
class ReplayResult:
    """What happened when a callback was driven through recorded logs."""

    epochs_run: int
    restored_epoch: int | None
    learning_rates: list


def replay(callback, epoch_logs: Sequence[Mapping[str, float]], *,
           model: ReplayModel | None = None, params: Mapping | None = None) -> ReplayResult:
    """Run ``callback`` through ``epoch_logs`` as ``fit`` would, one epoch each.

    Training stops early when the callback sets ``model.stop_training``.
    ``restored_epoch`` is the epoch whose weights were put back last (None if
    the callback never called ``set_weights``).
    """
    model = model or ReplayModel()
    callback.set_model(model)
    callback.set_params(dict(params or {"epochs": len(epoch_logs), "verbose": 0}))
    callback.on_train_begin({})
    epochs_run, learning_rates = 0, []
    for epoch, logs in enumerate(epoch_logs):
        model._state["epoch"] = epoch
        callback.on_epoch_begin(epoch, {})
        logs = dict(logs)
        callback.on_epoch_end(epoch, logs)
        epochs_run = epoch + 1
        learning_rates.append(_as_float(model.optimizer.learning_rate))
        if model.stop_training:
            break
    callback.on_train_end({})
    return ReplayResult(epochs_run, model._state["restored_epoch"], learning_rates)
