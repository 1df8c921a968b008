"""``prune_low_magnitude``, ``strip_pruning`` and ``prune_scope`` for Keras 3 models.

Both functions work on copies: the user's model and its layer objects are
never touched, even when an error stops the work half way.
"""

from __future__ import annotations

import keras

from keras_boost.pruning import _tfmot, registry
from keras_boost.pruning.schedules import ConstantSparsity, PolynomialDecay, PruningSchedule
from keras_boost.pruning.wrapper import PruneLowMagnitude, validate_params
from keras_boost.regularization._graph import clone, is_plain_model, rebuild

_DEFAULT_SCHEDULE = ConstantSparsity(0.5, 0)


def _copy_layer(layer):
    """A new layer object with the same config and weights.

    A layer without weights that cannot be rebuilt (a ``Lambda`` holding a
    Python function, refused by Keras' safe mode) is returned itself, as tfmot
    does: sharing a stateless layer with the copy changes nothing in the original.
    """
    new = rebuild(layer, owner="Pruning", advice="or keep that layer out of the model you prune.")
    if new is layer:
        return layer
    if layer.built and not new.built:
        build_config = layer.get_build_config()
        if build_config:
            new.build_from_config(build_config)
    if layer.weights and new.built:
        new.set_weights(layer.get_weights())
    return new


def _check_model(model):
    if not is_plain_model(model):
        raise ValueError(
            "`prune_low_magnitude` prunes Sequential and functional models. Received: a "
            f"subclassed model ({type(model).__name__}), whose layer graph or own code "
            "(`call`, `train_step`...) a pruned copy cannot keep. To fix it, wrap the layers "
            "inside your model's `__init__` with `prune_low_magnitude(layer)`, or rebuild it "
            "as a plain `keras.Sequential` or functional `keras.Model(inputs, outputs)`.")
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            _check_model(layer)
        elif not isinstance(layer, PruneLowMagnitude):
            registry.check_supported(layer)


def prune_low_magnitude(to_prune, pruning_schedule=_DEFAULT_SCHEDULE, block_size=(1, 1),
                        block_pooling_type="AVG", sparsity_m_by_n=None, global_pruning=False,
                        **kwargs):
    """Return a copy of a layer, list of layers or model whose weights get pruned while training.

    The drop-in for ``tfmot.sparsity.keras.prune_low_magnitude`` on Keras 3:
    supported layers are wrapped in ``PruneLowMagnitude``, layers without
    weights and normalization layers are kept, and anything else with weights
    raises. Unlike tfmot, the object you pass is never modified (tfmot wraps
    your own layer objects, so your original model gets pruned too). As with
    tfmot, a pruned model is returned uncompiled, even if yours was compiled:
    compile it (loss, metrics and a new optimizer) and fit it with
    ``UpdatePruningStep``. A ``tf_keras`` (Keras 2) model is handed to tfmot itself.

    Args:
        to_prune: a Keras layer, a list of layers, or a Sequential/functional model.
        pruning_schedule: a ``PruningSchedule``; default ``ConstantSparsity(0.5, 0)``.
        block_size: ``(height, width)`` blocks pruned together in rank-2 weights;
            default ``(1, 1)``.
        block_pooling_type: ``"AVG"`` (default) or ``"MAX"``.
        sparsity_m_by_n: e.g. ``(2, 4)`` for 2 zeros in every 4 consecutive input
            weights (kept on save/load); default None.
        global_pruning: one magnitude threshold across all pruned layers of the model
            instead of the same sparsity in each layer; default False.
        **kwargs: passed to ``PruneLowMagnitude`` when ``to_prune`` is one layer (e.g. ``name``).

    Returns:
        The pruned copy: a wrapper, a list, or a new model (never compiled).

    Raises:
        ValueError: an unsupported layer with weights, a subclassed model, bad arguments.
        TypeError: ``to_prune`` of another type, ``pruning_schedule`` not a schedule, or a
            layer with weights that cannot be copied from its config.

    Example:

    >>> import keras
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    >>> pruned = prune_low_magnitude(model, ConstantSparsity(0.8, begin_step=0))
    >>> type(pruned.layers[0]).__name__, type(model.layers[0]).__name__
    ('PruneLowMagnitude', 'Dense')
    """
    if _tfmot.is_tf_keras(to_prune):
        if global_pruning:
            raise ValueError("tfmot, which prunes tf_keras models, has no global pruning. "
                             "Received: global_pruning=True with a tf_keras model. Rebuild "
                             "the model with Keras 3, or pass global_pruning=False.")
        return _tfmot.prune_low_magnitude(
            to_prune, pruning_schedule=pruning_schedule, block_size=block_size,
            block_pooling_type=block_pooling_type, sparsity_m_by_n=sparsity_m_by_n, **kwargs)
    pruning_schedule, block_size, block_pooling_type, sparsity_m_by_n = validate_params(
        pruning_schedule, block_size, block_pooling_type, sparsity_m_by_n)
    if global_pruning and (sparsity_m_by_n is not None or block_size != (1, 1)):
        raise ValueError("`prune_low_magnitude` ranks single weights across layers with "
                         "`global_pruning=True`. Received: global_pruning=True with "
                         f"block_size={block_size}, sparsity_m_by_n={sparsity_m_by_n}. "
                         "Pass global_pruning=False, or block_size=(1, 1) and "
                         "sparsity_m_by_n=None.")
    params = dict(pruning_schedule=pruning_schedule, block_size=block_size,
                  block_pooling_type=block_pooling_type, sparsity_m_by_n=sparsity_m_by_n,
                  global_pruning=bool(global_pruning))

    def wrap(layer, **extra):
        if isinstance(layer, keras.Model):
            return prune_model(layer)
        if isinstance(layer, PruneLowMagnitude):
            return _copy_layer(layer)
        if registry.supports(layer):
            return PruneLowMagnitude(_copy_layer(layer), **params, **extra)
        return _copy_layer(layer)

    def prune_model(model):
        _check_model(model)
        return clone(model, wrap)

    if isinstance(to_prune, (list, tuple)):
        for layer in to_prune:
            if not isinstance(layer, keras.layers.Layer) or isinstance(layer, keras.Model):
                raise TypeError("`prune_low_magnitude` expects a list of Keras layers. "
                                f"Received an item of type {type(layer).__name__}. Pass "
                                "the layers (e.g. model.layers), or the model itself.")
            if not isinstance(layer, PruneLowMagnitude):
                registry.check_supported(layer)
        return [wrap(layer) for layer in to_prune]
    if isinstance(to_prune, keras.Model):
        return prune_model(to_prune)
    if isinstance(to_prune, keras.layers.Layer):
        if not isinstance(to_prune, PruneLowMagnitude):
            registry.check_supported(to_prune)
        return wrap(to_prune, **kwargs)
    raise TypeError("`prune_low_magnitude` expects a Keras layer, a list of layers, or a "
                    f"Sequential/functional model. Received: {type(to_prune).__name__}. "
                    "Pass e.g. prune_low_magnitude(model).")


def _strip_layer(wrapper: PruneLowMagnitude):
    layer = _copy_layer(wrapper.layer)
    new_weights = registry.prunable_weights(layer) if layer.built else []
    for new, (_, mask, _) in zip(new_weights, wrapper.pruning_vars, strict=False):
        new.assign(new.value * keras.ops.cast(mask.value, new.dtype))
    return layer


def strip_pruning(model):
    """Return a copy of ``model`` without pruning wrappers, its pruned weights exactly zero.

    Use it after training, before saving for deployment or compressing: the
    result is the original architecture with sparse weights (smaller once
    zipped), and loads without keras-boost. The pruned model is left as it is.

    Args:
        model: a Keras model (or one ``PruneLowMagnitude`` layer) from ``prune_low_magnitude``.

    Returns:
        A new model (or layer) with the same architecture as before pruning, not
        compiled (as with tfmot); layers without weights that cannot be copied
        (a ``Lambda`` with a Python function) are the pruned model's own objects.

    Raises:
        TypeError: ``model`` is not a Keras model or layer, or holds a layer with weights
            that cannot be copied from its config.

    Example:

    >>> import keras
    >>> pruned = prune_low_magnitude(keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)]))
    >>> [type(layer).__name__ for layer in strip_pruning(pruned).layers]
    ['Dense']
    """
    if _tfmot.is_tf_keras(model):
        return _tfmot.strip_pruning(model)
    if isinstance(model, PruneLowMagnitude):
        return _strip_layer(model)
    if not isinstance(model, keras.Model):
        raise TypeError("`strip_pruning` expects a Keras model returned by "
                        f"`prune_low_magnitude`. Received: {type(model).__name__}. "
                        "Pass the pruned model.")

    def strip(layer):
        if isinstance(layer, keras.Model):
            return strip_pruning(layer)
        if isinstance(layer, PruneLowMagnitude):
            return _strip_layer(layer)
        return _copy_layer(layer)

    return clone(model, strip)


def prune_scope(custom_objects=None):
    """A scope in which pruned models load, with your own schedule classes added.

    Kept for tfmot compatibility: keras-boost's classes are registered, so
    ``keras.saving.load_model`` works without it. Pass your unregistered
    schedule classes in ``custom_objects``.

    Args:
        custom_objects: optional dict of extra names to classes, default None.

    Returns:
        A ``keras.saving.custom_object_scope`` context manager.

    Example:

    >>> with prune_scope():
    ...     pass
    """
    objects = {"PruneLowMagnitude": PruneLowMagnitude, "ConstantSparsity": ConstantSparsity,
               "PolynomialDecay": PolynomialDecay, "PruningSchedule": PruningSchedule}
    objects.update(custom_objects or {})
    return keras.saving.custom_object_scope(objects)
