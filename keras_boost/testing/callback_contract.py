"""The callback contract: the properties every keras-boost callback must have.

``check_callback_contract`` builds fresh callbacks from a factory and checks:

- ``model access``: driven through synthetic logs, the callback touches only
  ``model.stop_training``, ``get_weights``/``set_weights``, ``optimizer`` and
  ``metrics``;
- ``reuse``: ``on_train_begin`` resets the state, so a second run on the same
  instance ends in the same state as a first run on a fresh one;
- ``deepcopy``: ``copy.deepcopy`` (what keras-tuner does per trial) works
  before and after use, and the copy behaves like a fresh callback;
- ``per epoch``: no per-batch hooks (they cost time on every step);
- ``fit``: a real ``fit`` on a tiny Sequential model, a functional model and a
  ``tf.data`` dataset with validation data, reused across two calls.

Example:

>>> import keras
>>> from keras_boost.testing import check_callback_contract
>>> check_callback_contract(lambda: keras.callbacks.EarlyStopping(patience=2))
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence

import keras
import numpy as np

from keras_boost.testing.contracts import _run_checks
from keras_boost.testing.replay import replay

ALL_CALLBACK_CHECKS = ("model access", "reuse", "deepcopy", "per epoch", "fit")
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


def synthetic_logs(epochs: int = 40, seed: int = 0) -> list[dict[str, float]]:
    """Noisy logs of a run that overfits: val_loss bottoms out at epoch 15."""
    rng = np.random.default_rng(seed)
    logs = []
    for epoch in range(epochs):
        loss = 1.0 / (1.0 + 0.3 * epoch)
        val_loss = 0.4 + 0.002 * (epoch - 15) ** 2 + rng.normal(0, 0.01)
        logs.append({"loss": loss, "val_loss": val_loss,
                     "accuracy": 1 - loss / 2, "val_accuracy": 1 - val_loss / 2})
    return logs


def public_state(callback) -> dict:
    """The callback's public attributes, the ones a user reads after fit."""
    skip = {"model", "params", "validation_data"}
    return {k: v for k, v in vars(callback).items() if not k.startswith("_") and k not in skip}


def _same(a, b) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if callable(a) or callable(b) or type(a).__module__ not in ("builtins", "numpy"):
        return type(a) is type(b)
    return a == b


def _differences(a: dict, b: dict) -> list[str]:
    keys = sorted(set(a) | set(b))
    return [k for k in keys if k not in a or k not in b or not _same(a[k], b[k])]


def _tiny_data(n: int = 48):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def _tiny_models():
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                                   keras.layers.Dense(1)])
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(3)(inputs)))
    for model in (sequential, functional):
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return {"Sequential": sequential, "functional": functional}


class _CallbackChecks:
    def __init__(self, factory, logs, per_batch):
        self.factory = factory
        self.logs = logs
        self.per_batch = per_batch

    def model_access(self):
        replay(self.factory(), self.logs)

    def reuse(self):
        fresh, reused = self.factory(), self.factory()
        replay(fresh, self.logs)
        replay(reused, self.logs[: len(self.logs) // 2])
        replay(reused, self.logs)
        diff = _differences(public_state(fresh), public_state(reused))
        if diff:
            raise AssertionError(f"after a second run the attributes {diff} differ from a "
                                 "fresh callback's: reset them in on_train_begin")

    def deepcopy(self):
        original, fresh = self.factory(), self.factory()
        copied_before = copy.deepcopy(original)
        replay(original, self.logs[: len(self.logs) // 2])
        copied_after = copy.deepcopy(original)
        replay(fresh, self.logs)
        for label, clone in (("before", copied_before), ("after", copied_after)):
            replay(clone, self.logs)
            diff = _differences(public_state(fresh), public_state(clone))
            if diff:
                raise AssertionError(f"a copy.deepcopy made {label} use ends with different "
                                     f"{diff} than a fresh callback")

    def per_epoch(self):
        if self.per_batch:
            return
        callback = self.factory()
        base = keras.callbacks.Callback
        overridden = [hook for hook in _BATCH_HOOKS
                      if getattr(type(callback), hook) is not getattr(base, hook)]
        if overridden:
            raise AssertionError(f"overrides per-batch hooks {overridden}; work per epoch "
                                 "(pass per_batch=True if a batch hook is truly needed)")

    def fit(self):
        import tensorflow as tf

        x, y = _tiny_data()
        for model in _tiny_models().values():
            callback = self.factory()
            for _ in range(2):
                model.fit(x, y, validation_split=0.25, epochs=3, batch_size=16, verbose=0,
                          callbacks=[callback])
        train = tf.data.Dataset.from_tensor_slices((x[:36], y[:36])).batch(12)
        val = tf.data.Dataset.from_tensor_slices((x[36:], y[36:])).batch(12)
        model = _tiny_models()["Sequential"]
        model.fit(train, validation_data=val, epochs=3, verbose=0, shuffle=False,
                  callbacks=[self.factory()])


def check_callback_contract(
    factory: Callable[[], keras.callbacks.Callback],
    *,
    logs: Sequence[Mapping[str, float]] | None = None,
    per_batch: bool = False,
    skip: Iterable[str] = (),
) -> None:
    """Check that callbacks made by ``factory`` honour the keras-boost contract.

    Args:
        factory: a zero-argument callable that returns a new callback.
        logs: per-epoch logs to replay (default: ``synthetic_logs()``, a noisy
            run that overfits after epoch 15, with loss, val_loss, accuracy and
            val_accuracy).
        per_batch: allow per-batch hooks.
        skip: names of checks to leave out (see ``ALL_CALLBACK_CHECKS``).

    Raises:
        ContractError: naming every property that the callback breaks.
        ValueError: for an unknown name in ``skip``.
    """
    unknown = set(skip) - set(ALL_CALLBACK_CHECKS)
    if unknown:
        raise ValueError(f"Unknown contract checks in skip: {sorted(unknown)}. "
                         f"Valid names: {list(ALL_CALLBACK_CHECKS)}.")
    checks = _CallbackChecks(factory, list(logs or synthetic_logs()), per_batch)
    methods = {
        "model access": checks.model_access,
        "reuse": checks.reuse,
        "deepcopy": checks.deepcopy,
        "per epoch": checks.per_epoch,
        "fit": checks.fit,
    }
    for name in skip:
        methods.pop(name, None)
    _run_checks(f"Callback {type(factory()).__name__}", methods)
