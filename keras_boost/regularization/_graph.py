"""Where dropout goes: read a model's layer graph and plan the insertions.

The graph is read through the public API only: a Sequential model is its
``model.layers`` in order; a functional model is re-traced once with
``keras.models.clone_model(..., call_function=...)`` on throwaway clones, which
records every layer call with its input and output tensors. ``clone_model``
always runs on an uncompiled functional model over the same graph, because it
compiles its copy from the original's serialized compile config, which fails
for an unregistered loss function and drops settings such as Huber's delta. The plan is keyed
by (original layer, call number), so the real rebuild, which walks the graph
in the same order, finds each insertion point again.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import keras

_CONV_RANK = {
    keras.layers.Conv1D: 1, keras.layers.Conv2D: 2, keras.layers.Conv3D: 3,
    keras.layers.SeparableConv1D: 1, keras.layers.SeparableConv2D: 2,
    keras.layers.DepthwiseConv1D: 1, keras.layers.DepthwiseConv2D: 2,
    keras.layers.Conv1DTranspose: 1, keras.layers.Conv2DTranspose: 2,
    keras.layers.Conv3DTranspose: 3,
}
_POOL_RANK = {
    keras.layers.MaxPooling1D: 1, keras.layers.MaxPooling2D: 2, keras.layers.MaxPooling3D: 3,
    keras.layers.AveragePooling1D: 1, keras.layers.AveragePooling2D: 2,
    keras.layers.AveragePooling3D: 3,
}
_DENSE_LIKE = (keras.layers.Dense, keras.layers.EinsumDense, keras.layers.LSTM, keras.layers.GRU,
               keras.layers.SimpleRNN, keras.layers.Bidirectional, keras.Model)
# Element-wise layers that belong to the block of the weight layer before them.
_POST = (keras.layers.Activation, keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.PReLU,
         keras.layers.ELU, keras.layers.BatchNormalization, keras.layers.LayerNormalization,
         keras.layers.GroupNormalization)
DROPOUT_LIKE = (keras.layers.Dropout, keras.layers.GaussianDropout, keras.layers.AlphaDropout,
                keras.layers.GaussianNoise)


def conv_rank(layer) -> int:
    """1, 2 or 3 for a convolution layer, 0 for anything else."""
    for cls, rank in _CONV_RANK.items():
        if isinstance(layer, cls):
            return rank
    return 0


def is_block_start(layer) -> bool:
    """A weight layer after whose block dropout may go."""
    return bool(conv_rank(layer)) or isinstance(layer, _DENSE_LIKE)


_REBUILD_ADVICE = ("or regularize that model by hand with `**preset.layer_kwargs('dense')` and "
                   "`keras.layers.Dropout(preset.dropout)`.")


def rebuild(layer, config=None, owner="`apply_preset`", advice=_REBUILD_ADVICE):
    """A fresh copy of ``layer`` from ``config`` (default: its own), or a TypeError.

    A layer without weights that cannot be rebuilt (a ``Lambda`` holding a
    Python lambda, refused by Keras' safe mode) is returned itself: sharing a
    stateless layer with the copy changes nothing in the original model.
    ``owner`` and ``advice`` word the error for the caller.
    """
    try:
        return layer.__class__.from_config(layer.get_config() if config is None else config)
    except Exception as error:  # noqa: BLE001 - any failure means "cannot rebuild"
        if not layer.weights:
            return layer
        raise TypeError(
            f"{owner} cannot rebuild layer {layer.name!r} of class {type(layer).__name__} from "
            f"its config ({type(error).__name__}: {error}). Give the class a complete "
            "`get_config()` and register it (and any function it holds) with "
            f"`keras.saving.register_keras_serializable`, {advice}") from error


@functools.cache
def _functional_class():
    """The class ``keras.Model(inputs, outputs)`` returns (not public in Keras)."""
    inputs = keras.Input((1,))
    return type(keras.Model(inputs, inputs))


def is_plain_model(model) -> bool:
    """True for exactly ``keras.Sequential`` or a functional model, not a subclass of either."""
    return type(model) in (keras.Sequential, _functional_class())


def uncompiled(model):
    """An uncompiled functional model on ``model``'s own graph (layers shared, nothing copied)."""
    return keras.Model(model.input, model.output, name=model.name)


def input_names(model) -> dict:
    """id(input tensor) -> the name of its InputLayer (what fit's dict keys refer to)."""
    if isinstance(model, keras.Sequential):
        first = model.get_config()["layers"][0] if model.built else {}
        name = first.get("config", {}).get("name", "input")
        return {id(model.inputs[0]): name} if model.built else {}
    return {id(layer.output): layer.name for layer in model.layers
            if isinstance(layer, keras.layers.InputLayer)}


def clone(model, clone_function):
    """``keras.models.clone_model(model, clone_function=...)``, the copy left uncompiled."""
    if not isinstance(model, keras.Sequential):
        return keras.models.clone_model(uncompiled(model), clone_function=clone_function)
    layers = [clone_function(layer) for layer in model.layers]
    if model.built:
        spec, name = model.inputs[0], next(iter(input_names(model).values()))
        layers.insert(0, keras.Input(batch_shape=spec.shape, dtype=spec.dtype, name=name))
    return keras.Sequential(layers, name=model.name, trainable=model.trainable)


def compile_like(copy, model) -> None:
    """Compile ``copy`` as ``model`` was, if it was: the same loss and loss weight objects
    the user passed, new metric objects and a fresh optimizer with the same config."""
    if not model.compiled:
        return
    config = dict(model._compile_config.config)  # what the user passed to compile()
    optimizer = model.optimizer  # loss scaling included, if compile added it
    if optimizer is not None:
        optimizer = type(optimizer).from_config(optimizer.get_config())
    config.pop("optimizer")
    for key in ("metrics", "weighted_metrics"):
        config[key] = _fresh_metrics(config[key])
    copy.compile(optimizer=optimizer, auto_scale_loss=False, **config)
    if copy.built and copy.optimizer is not None:
        copy.optimizer.build(copy.trainable_variables)  # as compile_from_config does


def _fresh_metrics(metrics):
    """``metrics`` with each Metric object replaced by a new one of the same config.

    A metric keeps running totals, so the copy must not share the original's
    objects. A metric whose config does not round-trip (a custom class that
    drops an argument) is shared rather than rebuilt wrong; names and plain
    functions hold no state.
    """
    if isinstance(metrics, dict):
        return {key: _fresh_metrics(value) for key, value in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return type(metrics)(_fresh_metrics(value) for value in metrics)
    if isinstance(metrics, keras.metrics.Metric):
        try:
            fresh = type(metrics).from_config(metrics.get_config())
        except Exception:  # noqa: BLE001 - any failure: keep the user's object
            return metrics
        return fresh if fresh.get_config() == metrics.get_config() else metrics
    return metrics


def noised_inputs(calls, input_ids) -> list:
    """For each model input, whether it goes only into noise/dropout layers already."""
    consumers = defaultdict(list)
    for call in calls:
        for tensor in call.inputs:
            consumers[tensor].append(call.layer)
    return [bool(consumers[i]) and all(isinstance(c, DROPOUT_LIKE) for c in consumers[i])
            for i in input_ids]


@dataclass
class Call:
    """One call of a layer in the graph: tensors are identified by id()."""

    layer: object
    number: int
    inputs: list
    outputs: list


@dataclass(frozen=True)
class Insertion:
    """A dropout layer to put after call ``number`` of layer ``after``."""

    after: object
    number: int
    block: str
    kind: str  # "dropout" or "spatial_dropout{rank}d"
    rate: float
    data_format: str | None = None
    dtype: object = None  # the block's dtype policy, so a mixed model stays mixed


def _flat_ids(structure) -> list:
    return [id(t) for t in keras.tree.flatten(structure) if isinstance(t, keras.KerasTensor)]


def trace(model) -> tuple[list, set, list]:
    """The calls of ``model``'s top-level layers in graph order, its output ids, its input ids."""
    if isinstance(model, keras.Sequential):
        calls = [Call(layer, 0, [i], [i + 1]) for i, layer in enumerate(model.layers)]
        return calls, {len(calls)}, [0]
    origin, counts, calls = {}, defaultdict(int), []

    def clone_function(layer):
        copy = rebuild(layer)
        origin[id(copy)] = layer
        return copy

    def call_function(op, *args, **kwargs):
        outputs = op(*args, **kwargs)
        layer = origin[id(op)]
        calls.append(Call(layer, counts[id(layer)], _flat_ids((args, kwargs)), _flat_ids(outputs)))
        counts[id(layer)] += 1
        return outputs

    traced = keras.models.clone_model(uncompiled(model), clone_function=clone_function,
                                      call_function=call_function)
    return calls, set(_flat_ids(traced.outputs)), _flat_ids(traced.input)


def plan_dropout(calls: list, output_ids: set, preset) -> tuple[list, list]:
    """Insertions for ``preset`` and, for each block left alone, why.

    A block is a weight layer (Dense, ConvND, RNN, nested model...) followed by
    a single chain of activations, normalizations and, after a convolution,
    pooling of the same rank. Dropout goes after the block unless its output
    is a model output, no weight layer follows it (the output layer), or
    dropout already stands there.
    """
    consumers = defaultdict(list)
    for call in calls:
        for tensor in call.inputs:
            consumers[tensor].append(call)
    memo: dict = {}

    def weight_downstream(tensor) -> bool:
        if tensor not in memo:
            memo[tensor] = False
            memo[tensor] = any(is_block_start(c.layer) or any(map(weight_downstream, c.outputs))
                               for c in consumers[tensor])
        return memo[tensor]

    insertions, skipped = [], []
    for call in calls:
        if not is_block_start(call.layer) or len(call.outputs) != 1:
            continue
        rank, end, tensor = conv_rank(call.layer), call, call.outputs[0]
        while len(consumers[tensor]) == 1:
            nxt = consumers[tensor][0]
            pool = _POOL_RANK.get(type(nxt.layer), -1) == rank
            if not (isinstance(nxt.layer, _POST) or pool) or len(nxt.outputs) != 1:
                break
            end, tensor = nxt, nxt.outputs[0]
        name = call.layer.name
        rate = preset.spatial_dropout if rank else preset.dropout
        if tensor in output_ids or not weight_downstream(tensor):
            skipped.append((name, "output block: no dropout after it"))
        elif any(isinstance(c.layer, DROPOUT_LIKE) for c in consumers[tensor]):
            skipped.append((name, "dropout already follows it"))
        elif rate:
            data_format = getattr(call.layer, "data_format", None) if rank else None
            kind = f"spatial_dropout{rank}d" if rank else "dropout"
            if rank == 1 and data_format == "channels_first":
                kind, data_format = "dropout", None  # SpatialDropout1D is channels_last only
            insertions.append(Insertion(end.layer, end.number, name, kind, rate, data_format,
                                        end.layer.dtype_policy))
    return insertions, skipped


def make_dropout(insertion: Insertion, name: str, seed):
    """The Keras layer for one planned insertion."""
    kwargs = {"seed": seed, "name": name, "dtype": insertion.dtype}
    if insertion.kind == "dropout":
        return keras.layers.Dropout(insertion.rate, **kwargs)
    if insertion.kind == "spatial_dropout1d":
        return keras.layers.SpatialDropout1D(insertion.rate, **kwargs)
    cls = {"spatial_dropout2d": keras.layers.SpatialDropout2D,
           "spatial_dropout3d": keras.layers.SpatialDropout3D}[insertion.kind]
    return cls(insertion.rate, data_format=insertion.data_format, **kwargs)
