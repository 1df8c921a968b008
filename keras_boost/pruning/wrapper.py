"""``PruneLowMagnitude``: the layer wrapper that holds the masks of one layer.

tfmot's semantics on Keras 3: one non-trainable ``mask`` and ``threshold``
variable per pruned weight and a ``pruning_step`` variable; masks are
recomputed only on the schedule's update steps (by the ``UpdatePruningStep``
callback, outside the training graph), and pruned weights are multiplied by
their mask and assigned back after every optimizer step (a variable
constraint the optimizer applies), so they never regrow. The forward pass is
the wrapped layer's own: no extra work per step beyond that multiply-assign.
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
from keras import ops

from keras_boost.pruning import masks as _masks
from keras_boost.pruning import registry
from keras_boost.pruning.schedules import ConstantSparsity, PruningSchedule

_MISSING_CALLBACK = (
    "A model pruned with `prune_low_magnitude` is being trained without the "
    "`keras_boost.pruning.UpdatePruningStep` callback, so its masks would never be "
    "updated. Received: fit without it. Pass it to fit: "
    "`model.fit(..., callbacks=[kb.pruning.UpdatePruningStep()])`.")


class _KeepMasked:
    """Variable constraint: ``w * mask`` after each optimizer step (then the user's own)."""

    def __init__(self, mask, inner=None):
        self.mask = mask
        self.inner = inner

    def __call__(self, w):
        w = ops.multiply(w, ops.cast(self.mask, w.dtype))
        return self.inner(w) if self.inner is not None else w


def _check_pair(name, value, example):
    try:
        pair = tuple(value)
    except TypeError:
        pair = None
    if (pair is None or len(pair) != 2
            or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0
                       for v in pair)):
        raise ValueError(f"`prune_low_magnitude` expects `{name}` to be a pair of positive "
                         f"integers. Received: {name}={value!r}. Pass e.g. {name}={example}.")
    return tuple(int(v) for v in pair)


def validate_params(pruning_schedule, block_size, block_pooling_type, sparsity_m_by_n):
    """Check the pruning arguments; return them normalised. Raises ValueError/TypeError."""
    if not isinstance(pruning_schedule, PruningSchedule):
        raise TypeError("`prune_low_magnitude` expects `pruning_schedule` to be a "
                        "`keras_boost.pruning.PruningSchedule`. Received: "
                        f"pruning_schedule={pruning_schedule!r}. Pass e.g. "
                        "pruning_schedule=ConstantSparsity(0.5, begin_step=0).")
    block_size = _check_pair("block_size", block_size, "(1, 4)")
    if block_pooling_type not in ("AVG", "MAX"):
        raise ValueError("`prune_low_magnitude` expects `block_pooling_type` 'AVG' or 'MAX'. "
                         f"Received: block_pooling_type={block_pooling_type!r}. "
                         "Pass e.g. block_pooling_type='AVG'.")
    if sparsity_m_by_n is not None:
        sparsity_m_by_n = _check_pair("sparsity_m_by_n", sparsity_m_by_n, "(2, 4)")
        if sparsity_m_by_n[0] >= sparsity_m_by_n[1]:
            raise ValueError("`prune_low_magnitude` expects `sparsity_m_by_n=(m, n)` with "
                             f"m < n. Received: sparsity_m_by_n={sparsity_m_by_n}. "
                             "Pass e.g. sparsity_m_by_n=(2, 4).")
    return pruning_schedule, block_size, block_pooling_type, sparsity_m_by_n


@keras.saving.register_keras_serializable(package="keras_boost")
class PruneLowMagnitude(keras.layers.Wrapper):
    """Wrap a layer so that its weights are pruned by magnitude while training.

    You normally get it from ``prune_low_magnitude``; create it directly only
    to build a model layer by layer. Train with the ``UpdatePruningStep``
    callback; remove the wrappers with ``strip_pruning`` before export.

    Args:
        layer: the layer to prune (a supported Keras layer or a ``PrunableLayer``).
        pruning_schedule: a ``PruningSchedule``; default ``ConstantSparsity(0.5, 0)``.
        block_size: ``(height, width)`` blocks pruned together in rank-2 weights;
            default ``(1, 1)`` (single weights).
        block_pooling_type: ``"AVG"`` (default) or ``"MAX"``: how a block's magnitude
            is pooled.
        sparsity_m_by_n: e.g. ``(2, 4)``: 2 zeros in every 4 consecutive input weights
            instead of the schedule's sparsity; default None.
        global_pruning: rank this layer's weights together with every other wrapper that
            has ``global_pruning=True`` (one threshold for all); default False.

    Raises:
        ValueError: unsupported layer, bad block or m-by-n arguments, block pruning of a
            weight that is not rank 2.

    Example:

    >>> import keras
    >>> layer = PruneLowMagnitude(keras.layers.Dense(4))
    >>> layer.build((None, 8))
    >>> [w.name for w in layer.non_trainable_weights]
    ['mask', 'threshold', 'pruning_step']
    """

    def __init__(self, layer, pruning_schedule=None, block_size=(1, 1),
                 block_pooling_type="AVG", sparsity_m_by_n=None, global_pruning=False,
                 inner_build_config=None, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise TypeError("`PruneLowMagnitude` expects a Keras layer. Received: "
                            f"{type(layer).__name__}. Pass e.g. keras.layers.Dense(10).")
        if pruning_schedule is None:
            pruning_schedule = ConstantSparsity(0.5, 0)
        if isinstance(pruning_schedule, dict):
            pruning_schedule = keras.saving.deserialize_keras_object(pruning_schedule)
        (pruning_schedule, block_size, block_pooling_type,
         sparsity_m_by_n) = validate_params(pruning_schedule, block_size, block_pooling_type,
                                            sparsity_m_by_n)
        if not registry.supports(layer):
            registry.check_supported(layer)
            raise ValueError(f"`PruneLowMagnitude` expects a layer with weights to prune. "
                             f"Received: '{layer.name}' ({type(layer).__name__}), which "
                             "has none. Leave it unwrapped.")
        kwargs.setdefault("name", f"prune_low_magnitude_{layer.name}")
        super().__init__(layer, **kwargs)
        self.pruning_schedule = pruning_schedule
        self.block_size = block_size
        self.block_pooling_type = block_pooling_type
        self.sparsity_m_by_n = sparsity_m_by_n
        self.global_pruning = bool(global_pruning)
        self.pruning_vars = []
        self._callback_seen = False
        if inner_build_config and not layer.built:
            layer.build_from_config(inner_build_config)
        if layer.built:
            self._create_pruning_vars()

    def __call__(self, *args, **kwargs):
        if not self.layer.built:
            # Build the wrapped layer from all its inputs (e.g. MultiHeadAttention's query
            # and value), which Keras would not pass to a wrapper's build().
            self.layer(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
        if not self.pruning_vars:
            self._create_pruning_vars()

    def _create_pruning_vars(self):
        weights = registry.prunable_weights(self.layer)
        if self.block_size != (1, 1) and self.sparsity_m_by_n is None:
            for w in weights:
                if len([d for d in w.shape if d != 1]) != 2:
                    raise ValueError(
                        f"`prune_low_magnitude` prunes blocks only in rank-2 weights. Received: "
                        f"block_size={self.block_size} for '{self.layer.name}', whose weight "
                        f"'{w.path}' has shape {tuple(w.shape)}. Pass block_size=(1, 1) for "
                        "this layer (prune it in a separate call).")
        pruning_vars = []
        for w in weights:
            mask = self.add_weight(shape=w.shape, initializer="ones", trainable=False,
                                   dtype=w.dtype, name="mask")
            threshold = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                        dtype=w.dtype, name="threshold")
            pruning_vars.append((w, mask, threshold))
        self.pruning_step = self.add_weight(shape=(), initializer=keras.initializers.Constant(-1),
                                            trainable=False, dtype="int64", name="pruning_step")
        for w, mask, _ in pruning_vars:
            if not isinstance(w.constraint, _KeepMasked):
                w.constraint = _KeepMasked(mask, w.constraint)
        self.pruning_vars = pruning_vars
        self.prunable_weights = [w for w, _, _ in pruning_vars]
        self.built = True

    def call(self, inputs, *args, training=None, **kwargs):
        # Checked in Python while the training step is traced (after the callbacks'
        # on_train_begin), so it costs nothing per step and also holds under XLA.
        if training and not self._callback_seen and not isinstance(inputs, keras.KerasTensor):
            raise ValueError(_MISSING_CALLBACK)
        return self.layer(inputs, *args, training=training, **kwargs)

    def compute_mask(self, inputs, mask=None):
        return self.layer.compute_mask(inputs, mask)

    # --- mask maintenance, called by UpdatePruningStep outside the training graph ---

    def compute_masks(self, sparsity, values=None):
        """New ``(masks, thresholds)`` for ``sparsity`` from the current weights (or ``values``)."""
        new_masks, thresholds = [], []
        if values is None:
            values = [_masks.to_numpy(w) for w, _, _ in self.pruning_vars]
        for value in values:
            if self.sparsity_m_by_n is not None:
                new_masks.append(_masks.m_by_n_mask(value, self.sparsity_m_by_n))
                thresholds.append(0.0)
            elif self.block_size != (1, 1):
                mask, threshold = _masks.block_mask(value, sparsity, self.block_size,
                                                    self.block_pooling_type)
                new_masks.append(mask)
                thresholds.append(threshold)
            else:
                mask, threshold = _masks.magnitude_mask(value, sparsity)
                new_masks.append(mask)
                thresholds.append(threshold)
        return new_masks, thresholds

    def assign_masks(self, new_masks, thresholds):
        """Store masks and thresholds and zero the pruned weights at once."""
        for (w, mask, threshold), new, t in zip(self.pruning_vars, new_masks, thresholds,
                                                strict=True):
            new = np.asarray(new, dtype="float32")
            mask.assign(new.astype(mask.dtype))
            threshold.assign(np.asarray(t, dtype=threshold.dtype))
            w.assign((_masks.to_numpy(w) * new).astype(w.dtype))

    def get_config(self):
        config = super().get_config()
        config.update({
            "pruning_schedule": keras.saving.serialize_keras_object(self.pruning_schedule),
            "block_size": list(self.block_size),
            "block_pooling_type": self.block_pooling_type,
            "sparsity_m_by_n": (list(self.sparsity_m_by_n) if self.sparsity_m_by_n else None),
            "global_pruning": self.global_pruning,
            "inner_build_config": self.layer.get_build_config() if self.layer.built else None,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = keras.saving.deserialize_keras_object(config.pop("layer"),
                                                      custom_objects=custom_objects)
        schedule = keras.saving.deserialize_keras_object(config.pop("pruning_schedule"),
                                                         custom_objects=custom_objects)
        return cls(layer, pruning_schedule=schedule, **config)


def collect_prunable_layers(model) -> list[PruneLowMagnitude]:
    """All ``PruneLowMagnitude`` wrappers in ``model``, nested models included."""
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, PruneLowMagnitude):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(collect_prunable_layers(layer))
    return found
