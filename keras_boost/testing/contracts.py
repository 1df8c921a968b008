"""The layer contract: the properties every keras-boost layer must have.

``check_layer_contract`` builds fresh instances of a layer class and checks,
one named property at a time:

- ``config``: every constructor argument survives ``get_config``, and
  ``from_config`` plus a JSON round trip give the same config and outputs;
- ``shape``: inside ``Sequential`` and a functional model the output shape
  equals ``compute_output_shape``;
- ``tf.data``: the layer runs in a graph-mode ``tf.data`` map, batched and
  unbatched;
- ``inference identity`` (augmentation layers): ``training=False`` returns
  the input unchanged;
- ``save/load``: ``model.save("m.keras")`` then ``load_model`` gives the same
  outputs;
- ``deepcopy``: a deep copy has the same config and outputs and still trains;
- ``mixed_float16``: float16 outputs, float32 variables;
- ``seed``: two instances with the same seed give the same output;
- ``xla``: the layer keeps XLA on (``supports_jit``) and runs under
  ``jit_compile=True``.

All checks run; a failure raises ``ContractError`` naming every broken
property.

Example:

>>> import keras
>>> from keras_boost.testing import check_layer_contract
>>> check_layer_contract(keras.layers.GaussianNoise, {"stddev": 0.1, "seed": 3},
...                      input_shape=(8, 2))
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import keras
import numpy as np

ALL_LAYER_CHECKS = (
    "config",
    "shape",
    "tf.data",
    "inference identity",
    "save/load",
    "deepcopy",
    "mixed_float16",
    "seed",
    "xla",
)


class ContractError(AssertionError):
    """Raised when a layer or callback breaks one or more contract properties.

    ``failures`` maps each broken property to what went wrong.
    """

    def __init__(self, subject: str, failures: Mapping[str, str]):
        self.failures = dict(failures)
        lines = [f"{subject} breaks {len(self.failures)} contract propert"
                 f"{'y' if len(self.failures) == 1 else 'ies'}:"]
        lines += [f"  - [{name}] {message}" for name, message in self.failures.items()]
        super().__init__("\n".join(lines))


def normalize_config(value: Any) -> Any:
    """Return ``value`` as it looks after a JSON round trip (tuples -> lists)."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return keras.saving.serialize_keras_object(obj)


def _run_checks(subject: str, checks: Mapping[str, Callable[[], None]]) -> None:
    failures = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures[name] = f"{type(error).__name__}: {error}".strip()
    if failures:
        raise ContractError(subject, failures)


def _close(a, b, atol: float) -> bool:
    a = keras.ops.convert_to_numpy(a).astype("float64")
    b = keras.ops.convert_to_numpy(b).astype("float64")
    return a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=0)


class _LayerChecks:
    def __init__(self, layer_cls, init_kwargs, input_shape, input_data, atol,
                 augmentation, supports_unbatched):
        self.layer_cls = layer_cls
        self.kwargs = dict(init_kwargs)
        self.input_shape = tuple(input_shape)
        self.x = np.asarray(input_data, dtype="float32")
        self.atol = atol
        self.augmentation = augmentation
        self.supports_unbatched = supports_unbatched

    def new(self, **overrides):
        return self.layer_cls(**{**self.kwargs, **overrides})

    def expected_shape(self, batch):
        layer = self.new()
        return tuple(layer.compute_output_shape((batch, *self.input_shape)))

    def train_out(self, layer):
        return keras.ops.convert_to_numpy(layer(self.x, training=True))

    def config(self):
        layer = self.new()
        config = normalize_config(layer.get_config())
        for key, value in self.kwargs.items():
            if key not in config:
                raise AssertionError(
                    f"get_config() drops the argument {key!r} (passed {key}={value!r}); "
                    f"add it to the dict that get_config() returns")
        rebuilt = self.layer_cls.from_config(layer.get_config())
        if normalize_config(rebuilt.get_config()) != config:
            raise AssertionError("from_config(get_config()) gives a different config")
        payload = json.dumps(keras.saving.serialize_keras_object(layer), default=_json_default)
        restored = keras.saving.deserialize_keras_object(json.loads(payload))
        if normalize_config(restored.get_config()) != config:
            raise AssertionError("the JSON round trip of serialize_keras_object changes the config")
        if not _close(self.train_out(layer), self.train_out(rebuilt), self.atol):
            raise AssertionError(
                "a layer rebuilt with from_config(get_config()) computes different outputs "
                "with the same seed: get_config() must hold every argument that matters")

    def shape(self):
        batch = self.x.shape[0]
        expected = self.expected_shape(batch)
        symbolic_expected = self.expected_shape(None)
        sequential = keras.Sequential([keras.Input(self.input_shape), self.new()])
        if tuple(sequential.output_shape) != symbolic_expected:
            raise AssertionError(f"Sequential output_shape is {sequential.output_shape}, "
                                 f"compute_output_shape gives {symbolic_expected}")
        inputs = keras.Input(self.input_shape)
        functional = keras.Model(inputs, self.new()(inputs))
        for name, model in (("Sequential", sequential), ("functional", functional)):
            for training in (True, False):
                got = tuple(model(self.x, training=training).shape)
                if got != expected:
                    raise AssertionError(
                        f"in a {name} model with training={training} the output shape is "
                        f"{got}, but compute_output_shape({(batch, *self.input_shape)}) "
                        f"gives {expected}")

    def tf_data(self):
        import tensorflow as tf

        layer = self.new()
        batch = max(1, self.x.shape[0] // 2)
        expected = self.expected_shape(batch)
        ds = tf.data.Dataset.from_tensor_slices(self.x).batch(batch, drop_remainder=True)
        for out in ds.map(lambda t: layer(t, training=True)).take(2):
            if tuple(out.shape) != expected:
                raise AssertionError(f"batched tf.data map gives shape {tuple(out.shape)}, "
                                     f"expected {expected}")
        if not self.supports_unbatched:
            return
        expected_one = self.expected_shape(1)[1:]
        ds = tf.data.Dataset.from_tensor_slices(self.x)
        for out in ds.map(lambda t: layer(t, training=True)).take(2):
            if tuple(out.shape) != expected_one:
                raise AssertionError(f"unbatched tf.data map gives shape {tuple(out.shape)}, "
                                     f"expected {expected_one}")

    def inference_identity(self):
        layer = self.new()
        for name, out in (("layer(x, training=False)", layer(self.x, training=False)),
                          ("Sequential.predict", keras.Sequential(
                              [keras.Input(self.input_shape), self.new()]).predict(
                              self.x, verbose=0))):
            if not _close(out, self.x, self.atol):
                raise AssertionError(f"{name} changes its input; an augmentation layer "
                                     "must be the identity at inference")

    def save_load(self):
        model = keras.Sequential([keras.Input(self.input_shape), self.new()])
        before = model.predict(self.x, verbose=0)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "contract.keras")
            model.save(path)
            loaded = keras.saving.load_model(path)
        after = loaded.predict(self.x, verbose=0)
        if not _close(before, after, self.atol):
            raise AssertionError("a model reloaded from .keras computes different outputs")
        original = normalize_config(model.layers[-1].get_config())
        if normalize_config(loaded.layers[-1].get_config()) != original:
            raise AssertionError("a model reloaded from .keras has a different layer config")

    def deepcopy(self):
        layer = self.new()
        layer(self.x, training=True)
        clone = copy.deepcopy(layer)
        if normalize_config(clone.get_config()) != normalize_config(layer.get_config()):
            raise AssertionError("copy.deepcopy changes the layer config")
        if not _close(clone(self.x, training=False), layer(self.x, training=False), self.atol):
            raise AssertionError("copy.deepcopy changes the inference output")
        if self.train_out(clone).shape != self.train_out(layer).shape:
            raise AssertionError("copy.deepcopy changes the training output shape")

    def mixed_float16(self):
        layer = self.new(dtype="mixed_float16")
        for training in (True, False):
            out = layer(self.x, training=training)
            if keras.backend.standardize_dtype(out.dtype) != "float16":
                raise AssertionError(f"under mixed_float16 the output dtype is {out.dtype} "
                                     f"with training={training}, expected float16")
        for variable in layer.variables:
            dtype = keras.backend.standardize_dtype(variable.dtype)
            if "float" in dtype and dtype != "float32":
                raise AssertionError(f"under mixed_float16 the variable {variable.path} is "
                                     f"{dtype}, expected float32")

    def seed(self):
        first, second = self.train_out(self.new()), self.train_out(self.new())
        if not _close(first, second, self.atol):
            raise AssertionError(
                f"two layers built with the same arguments ({self.kwargs}) give different "
                "training outputs: draw randomness from keras.random with a "
                "keras.random.SeedGenerator(seed)")

    def xla(self):
        import tensorflow as tf

        layer = self.new()
        if not getattr(layer, "supports_jit", True):
            raise AssertionError("supports_jit is False, which turns XLA off for every model "
                                 "that contains this layer")
        run = tf.function(lambda t: layer(t, training=True), jit_compile=True)
        expected = self.expected_shape(self.x.shape[0])
        got = tuple(run(tf.constant(self.x)).shape)
        if got != expected:
            raise AssertionError(f"under jit_compile=True the output shape is {got}, "
                                 f"expected {expected}")


def check_layer_contract(
    layer_cls: type,
    init_kwargs: Mapping[str, Any] | None = None,
    *,
    input_shape: Iterable[int],
    input_data: np.ndarray | None = None,
    augmentation: bool = True,
    supports_unbatched: bool = True,
    skip: Iterable[str] = (),
    atol: float = 1e-5,
) -> None:
    """Check that a layer class honours the keras-boost layer contract.

    Args:
        layer_cls: the layer class; fresh instances are built from
            ``init_kwargs`` for each check.
        init_kwargs: constructor arguments. Include ``seed`` for random layers.
        input_shape: the shape of one sample, without the batch axis.
        input_data: a batch to use (default: 6 samples uniform in [0, 1)).
        augmentation: check that ``training=False`` is the identity.
        supports_unbatched: also map the layer over single samples in tf.data.
        skip: names of checks to leave out (see ``ALL_LAYER_CHECKS``).
        atol: tolerance when comparing outputs.

    Raises:
        ContractError: naming every property that the layer breaks.
        ValueError: for an unknown name in ``skip``.

    Example:

    >>> import keras
    >>> check_layer_contract(keras.layers.RandomContrast, {"factor": 0.5, "seed": 1},
    ...                      input_shape=(8, 8, 3))
    """
    unknown = set(skip) - set(ALL_LAYER_CHECKS)
    if unknown:
        raise ValueError(f"Unknown contract checks in skip: {sorted(unknown)}. "
                         f"Valid names: {list(ALL_LAYER_CHECKS)}.")
    input_shape = tuple(input_shape)
    if input_data is None:
        input_data = np.random.default_rng(0).uniform(size=(6, *input_shape))
    checks = _LayerChecks(layer_cls, init_kwargs or {}, input_shape, input_data, atol,
                          augmentation, supports_unbatched)
    methods = {
        "config": checks.config,
        "shape": checks.shape,
        "tf.data": checks.tf_data,
        "inference identity": checks.inference_identity,
        "save/load": checks.save_load,
        "deepcopy": checks.deepcopy,
        "mixed_float16": checks.mixed_float16,
        "seed": checks.seed,
        "xla": checks.xla,
    }
    if not augmentation:
        methods.pop("inference identity")
    for name in skip:
        methods.pop(name, None)
    _run_checks(f"Layer {layer_cls.__name__}", methods)
