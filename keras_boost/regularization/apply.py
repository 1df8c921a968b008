"""``apply_preset``: a regularized copy of a Sequential or functional model."""

from __future__ import annotations

import itertools
import numbers
from collections import defaultdict

import keras

from keras_boost.regularization._graph import (
    clone,
    compile_like,
    input_names,
    is_plain_model,
    make_dropout,
    noised_inputs,
    plan_dropout,
    rebuild,
    trace,
    uncompiled,
)
from keras_boost.regularization.presets import get_preset

_KIND = ((keras.layers.Dense, "dense"), (keras.layers.Conv1D, "conv1d"),
         (keras.layers.Conv2D, "conv2d"), (keras.layers.Conv3D, "conv3d"))
_REGULARIZER_KEYS = ("kernel_regularizer", "depthwise_regularizer", "pointwise_regularizer")


def check_rebuildable(model, what: str = "apply_preset") -> None:
    """Raise a TypeError for anything but a Sequential or functional Keras 3 model."""
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`{what}` expects a Keras 3 `keras.Model` (Sequential or functional). "
            f"Received: {type(model).__module__}.{type(model).__name__}. For a single new layer "
            "use `keras.layers.Dense(64, **preset.layer_kwargs('dense'))`; a tf_keras (Keras 2) "
            "model must be rebuilt with Keras 3 first.")
    if not is_plain_model(model):
        raise TypeError(
            f"`{what}` can rebuild Sequential and functional models only. Received: the "
            f"subclassed model {model.name!r} of class {type(model).__name__}, whose layer graph "
            "or own code (`call`, `train_step`...) a rebuilt copy cannot keep. Regularize it "
            "where its layers are created: `keras.layers.Dense(64, "
            "**preset.layer_kwargs('dense'))` and `keras.layers.Dropout(preset.dropout)` in "
            "`__init__`/`call`, or rewrite it as a plain `keras.Sequential` or functional "
            "`keras.Model(inputs, outputs)`.")
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            check_rebuildable(layer, what)


def regularized_config(layer, preset) -> tuple[dict, list]:
    """``layer``'s config with the preset's regularizer/constraint, and notes on what changed."""
    config, notes = layer.get_config(), []
    if not layer.trainable:
        return config, ["frozen: left as is"] if layer.weights else []
    for key in _REGULARIZER_KEYS:
        if key not in config:
            continue
        if config[key] is not None:
            notes.append(f"kept its own {key}")
        elif preset.kernel_regularizer() is not None:
            config[key] = preset.kernel_regularizer()
            notes.append(f"{key}={_short(config[key])}")
    kind = next((k for cls, k in _KIND if isinstance(layer, cls)), None)
    if kind and preset.max_norm is not None:
        if config.get("kernel_constraint") is not None:
            notes.append("kept its own kernel_constraint")
        else:
            config["kernel_constraint"] = preset.kernel_constraint(kind)
            notes.append(f"kernel_constraint=MaxNorm({preset.max_norm:g})")
    return config, notes


def _short(regularizer) -> str:
    values = ", ".join(f"{k}={v:g}" for k, v in regularizer.get_config().items())
    return f"{type(regularizer).__name__}({values})"


class _Rebuilder:
    """Clones layers with the preset applied and remembers (original, copy) pairs."""

    def __init__(self, preset):
        self.preset = preset
        self.pairs = []
        self.origin = {}

    def clone(self, layer):
        if isinstance(layer, keras.Model):  # nested model: regularize inside, no new dropout
            copy = clone(layer, self.clone)
        else:
            copy = rebuild(layer, regularized_config(layer, self.preset)[0])
            self.pairs.append((layer, copy))
        self.origin[id(copy)] = layer
        return copy

    def copy_weights(self) -> None:
        for original, copy in self.pairs:
            if original.weights:
                copy.set_weights(original.get_weights())


def _unique(name: str, used: set) -> str:
    candidate, i = name, 1
    while candidate in used:
        candidate, i = f"{name}_{i}", i + 1
    used.add(candidate)
    return candidate


def apply_preset(model, preset="medium", seed=None):
    """Return a regularized copy of a Sequential or functional Keras model.

    Use it on the model you already have, trained or not, right before
    ``fit``: the copy has the preset's kernel regularizer (and max-norm
    constraint) on every trainable Dense/Conv kernel, ``Dropout`` after each
    hidden dense block, ``SpatialDropout`` after each hidden convolution block
    and, if the preset says so, ``GaussianNoise`` on float inputs. Dropout is
    never put after the output block nor where dropout already stands.
    Shared layers stay shared, branches stay branches, nested models are
    regularized inside. The weights are copied over (optimizer state is not),
    and a compiled model's copy is compiled with the same loss and loss weight
    objects, new metric objects of the same config, a fresh optimizer of the
    same config (learning-rate schedule included) and the same
    ``steps_per_execution``, ``jit_compile`` and ``run_eagerly``, so ``fit``
    works at once.
    The original model is never modified. Kernels that already have a
    regularizer or constraint keep it; frozen layers are left as they are.

    Args:
        model: a built ``keras.Sequential`` or functional ``keras.Model``.
        preset: a name from ``PRESETS`` (``"none"``, ``"light"``,
            ``"medium"``, ``"heavy"``) or a ``Preset``. Default ``"medium"``.
        seed: int seed for the added dropout/noise layers (each gets
            ``seed + i``), or None for unseeded. Default None.

    Returns:
        A new model of the same kind; ``describe(model, preset)`` lists what
        was added where.

    Raises:
        TypeError: for a subclassed model, anything that is not a Keras 3
            model, or a layer that cannot be rebuilt from its config.
        ValueError: for an unknown preset name.

    Example:

    >>> import keras
    >>> from keras_boost.regularization import apply_preset
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation="relu"),
    ...                           keras.layers.Dense(3, activation="softmax")])
    >>> regularized = apply_preset(model, "medium")
    >>> [type(layer).__name__ for layer in regularized.layers]
    ['Dense', 'Dropout', 'Dense']
    >>> len(regularized.losses)
    2

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 2014; Tompson et al., "Efficient Object
        Localization Using Convolutional Networks", CVPR 2015 (spatial dropout).
    """
    preset = get_preset(preset)
    check_rebuildable(model)
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"`apply_preset` expects `seed` to be an int or None. Received: "
                            f"seed={seed!r}. Pass e.g. seed=0.")
        seed = int(seed)
    calls, output_ids, input_ids = trace(model)
    insertions, _ = plan_dropout(calls, output_ids, preset)
    noised = noised_inputs(calls, input_ids)
    planned = {(id(i.after), i.number): i for i in insertions}
    used = {layer.name for layer in model.layers}
    rebuilder = _Rebuilder(preset)
    seeds = itertools.count(seed) if seed is not None else itertools.repeat(None)
    counts = defaultdict(int)

    def after(original):
        number = counts[id(original)]
        counts[id(original)] += 1
        insertion = planned.get((id(original), number))
        if insertion is None:
            return None
        return make_dropout(insertion, _unique(f"{original.name}_dropout", used), next(seeds))

    def noise(index, name, dtype):
        # No noise on an input that has it already: a second application adds none.
        if not preset.input_noise or noised[index] or "float" not in str(dtype):
            return None
        return keras.layers.GaussianNoise(preset.input_noise, seed=next(seeds),
                                          name=_unique(f"{name}_noise", used))

    if isinstance(model, keras.Sequential):
        new_model = _rebuild_sequential(model, rebuilder, after, noise)
    else:
        new_model = _rebuild_functional(model, rebuilder, after, noise)
    rebuilder.copy_weights()
    compile_like(new_model, model)
    return new_model


def _rebuild_sequential(model, rebuilder, after, noise):
    layers = []
    if model.built:
        spec, name = model.inputs[0], next(iter(input_names(model).values()))
        layers.append(keras.Input(batch_shape=spec.shape, dtype=spec.dtype, name=name))
        noise_layer = noise(0, name, spec.dtype)
        if noise_layer is not None:
            layers.append(noise_layer)
    for layer in model.layers:
        layers.append(rebuilder.clone(layer))
        dropout = after(layer)
        if dropout is not None:
            layers.append(dropout)
    return keras.Sequential(layers, name=model.name, trainable=model.trainable)


def _rebuild_functional(model, rebuilder, after, noise):
    names = input_names(model)
    inputs = keras.tree.map_structure(
        lambda x: keras.Input(batch_shape=x.shape, dtype=x.dtype, name=names.get(id(x), x.name)),
        model.input)
    noised = {}
    for index, tensor in enumerate(keras.tree.flatten(inputs)):
        layer = noise(index, tensor.name, tensor.dtype)
        if layer is not None:
            noised[id(tensor)] = layer(tensor)

    def call_function(op, *args, **kwargs):
        if noised:
            args, kwargs = keras.tree.map_structure(lambda t: noised.get(id(t), t), (args, kwargs))
        outputs = op(*args, **kwargs)
        dropout = after(rebuilder.origin[id(op)])
        return outputs if dropout is None else dropout(outputs)

    return keras.models.clone_model(uncompiled(model), input_tensors=inputs,
                                    clone_function=rebuilder.clone, call_function=call_function)
