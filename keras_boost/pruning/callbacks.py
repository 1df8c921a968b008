"""``UpdatePruningStep`` (required to fit a pruned model) and ``PruningSummaries``."""

from __future__ import annotations

import os

import keras
import numpy as np
from keras import ops

from keras_boost.pruning import _tfmot
from keras_boost.pruning import masks as _masks
from keras_boost.pruning.wrapper import collect_prunable_layers


def _groups(layers):
    """Wrappers grouped by schedule (and kind), so each schedule is asked once per step."""
    groups = {}
    for layer in layers:
        key = (layer.pruning_schedule, layer.global_pruning, layer.sparsity_m_by_n is not None)
        groups.setdefault(key, []).append(layer)
    return [(schedule, is_global, members) for (schedule, is_global, _), members in groups.items()]


def _read_function(layers):
    """One function that returns the values of all pruned weights of ``layers``."""
    weights = [w for layer in layers for w, _, _ in layer.pruning_vars]

    def read():
        return [w.value for w in weights]

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(read, autograph=False)
    return read


def _assign_function(layers):
    """One function that stores all masks, thresholds and steps of ``layers`` and zeroes
    the pruned weights; compiled on TensorFlow, so an update is one call, not ~15 ops
    per layer."""
    triples = [triple for layer in layers for triple in layer.pruning_vars]
    steps = [layer.pruning_step for layer in layers]

    def assign(new_masks, thresholds, step):
        for (w, mask, threshold), new, t in zip(triples, new_masks, thresholds, strict=True):
            mask.assign(ops.cast(new, mask.dtype))
            threshold.assign(ops.cast(t, threshold.dtype))
            w.assign(ops.multiply(w.value, ops.cast(new, w.dtype)))
        for variable in steps:
            variable.assign(step)

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(assign, autograph=False)
    return assign


def _update_group(is_global, layers, sparsity, step, read, assign):
    values = [_masks.to_numpy(value) for value in read()]
    if is_global:
        new_masks, threshold = _masks.global_masks(values, sparsity)
        thresholds = [threshold] * len(new_masks)
    else:
        new_masks, thresholds, start = [], [], 0
        for layer in layers:
            count = len(layer.pruning_vars)
            layer_masks, layer_thresholds = layer.compute_masks(
                sparsity, values[start:start + count])
            new_masks.extend(layer_masks)
            thresholds.extend(layer_thresholds)
            start += count
    assign([np.asarray(m, dtype="float32") for m in new_masks],
           [np.asarray(t, dtype="float32") for t in thresholds], np.asarray(step, dtype="int64"))


class UpdatePruningStep(keras.callbacks.Callback):
    """Advance the pruning step and update the masks on the schedule's update steps.

    Required when fitting a model from ``prune_low_magnitude``: without it
    ``fit`` raises a ValueError that says to add it. Masks are
    recomputed outside the training graph, only on update steps (every
    ``frequency`` steps), so the cost per batch is a few Python integer
    operations. The step is stored in the model (``pruning_step``) at each
    epoch end, so a second ``fit`` or a reloaded model continues the schedule.
    A ``tf_keras`` model (pruned by tfmot through the bridge) is handed to
    tfmot's own ``UpdatePruningStep``, so the same callback serves both.

    Example:

    >>> import keras, numpy as np
    >>> from keras_boost.pruning import ConstantSparsity, prune_low_magnitude
    >>> model = prune_low_magnitude(
    ...     keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)]),
    ...     ConstantSparsity(0.75, begin_step=1, frequency=1))
    >>> model.compile("sgd", "mse")
    >>> _ = model.fit(np.ones((8, 8)), np.ones((8, 4)), verbose=0,
    ...               callbacks=[UpdatePruningStep()])
    >>> float(np.mean(model.layers[0].layer.kernel.numpy() == 0))
    0.75
    """

    # tf_keras' fit asks every callback for these (the tf_keras path is tfmot's).
    _supports_tf_logs = False

    def _implements_train_batch_hooks(self):
        return True

    def _implements_test_batch_hooks(self):
        return False

    def _implements_predict_batch_hooks(self):
        return False

    def __init__(self):
        super().__init__()
        self.prunable_layers = []
        self.step = 0
        self._tfmot_callback = None

    def __deepcopy__(self, memo):
        # keras-tuner copies callbacks per trial: a copy is a fresh callback (no model,
        # no compiled functions), the step aside.
        fresh = type(self)()
        fresh.step = self.step
        return fresh

    def on_train_begin(self, logs=None):
        self._tfmot_callback = None
        if _tfmot.is_tf_keras(self.model):
            self._tfmot_callback = _tfmot.update_pruning_step()
            self._tfmot_callback.set_model(self.model)
            self._tfmot_callback.on_train_begin(logs)
            return
        self.prunable_layers = collect_prunable_layers(self.model)
        self._groups = [(schedule, is_global, layers, _read_function(layers),
                         _assign_function(layers))
                        for schedule, is_global, layers in _groups(self.prunable_layers)]
        stored = [int(ops.convert_to_numpy(layer.pruning_step.value))
                  for layer in self.prunable_layers]
        self.step = max([0, *stored])
        self._epoch_base = self.step
        self._span = int(getattr(self.model, "steps_per_execution", 1) or 1)
        for layer in self.prunable_layers:
            layer.pruning_step.assign(self.step)
            layer._callback_seen = True

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_base = self.step

    def on_train_batch_begin(self, batch, logs=None):
        if self._tfmot_callback is not None:
            return
        # One call covers `steps_per_execution` steps, except the shorter last one of
        # an epoch: count no further than the epoch's own number of steps.
        last = batch + self._span
        steps_per_epoch = (self.params or {}).get("steps")
        if steps_per_epoch:
            last = min(last, steps_per_epoch)
        first = self._epoch_base + batch + 1
        self.step = self._epoch_base + last
        for schedule, is_global, layers, read, assign in self._groups:
            for step in range(self.step, first - 1, -1):
                should, sparsity = schedule(step)
                if should or (step == 1 and layers[0].sparsity_m_by_n is not None):
                    _update_group(is_global, layers, float(sparsity), step, read, assign)
                    break

    def _store_step(self):
        for layer in self.prunable_layers:
            layer.pruning_step.assign(self.step)

    def on_epoch_end(self, epoch, logs=None):
        if self._tfmot_callback is not None:
            self._tfmot_callback.on_epoch_end(epoch, logs)
        self._store_step()

    def on_train_end(self, logs=None):
        self._store_step()


class PruningSummaries(keras.callbacks.TensorBoard):
    """TensorBoard logging plus each pruned weight's sparsity and threshold per epoch.

    Use it next to ``UpdatePruningStep`` to watch sparsity grow while training.
    Scalars are written under ``log_dir/metrics`` (as tfmot does).

    Args:
        log_dir: a non-empty folder path for the event files.
        update_freq: passed to ``keras.callbacks.TensorBoard``; default ``"epoch"``.
        **kwargs: passed to ``keras.callbacks.TensorBoard``.

    Raises:
        ValueError: ``log_dir`` is not a non-empty string or path.

    Example:

    >>> callback = PruningSummaries(log_dir="logs/pruning")
    """

    def __init__(self, log_dir, update_freq="epoch", **kwargs):
        if not isinstance(log_dir, (str, os.PathLike)) or not str(log_dir):
            raise ValueError("`PruningSummaries` expects `log_dir` to be a non-empty folder "
                             f"path. Received: log_dir={log_dir!r}. Pass e.g. log_dir='logs'.")
        super().__init__(log_dir=str(log_dir), update_freq=update_freq, **kwargs)
        self._pruning_writer = None

    def pruning_logs(self):
        """``{"<mask path>/sparsity": ..., "<threshold path>/threshold": ...}`` for the model."""
        logs = {}
        for layer in collect_prunable_layers(self.model):
            for _, mask, threshold in layer.pruning_vars:
                logs[f"{mask.path}/sparsity"] = 1.0 - float(np.mean(
                    ops.convert_to_numpy(mask.value)))
                logs[f"{threshold.path}/threshold"] = float(ops.convert_to_numpy(threshold.value))
        return logs

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        import tensorflow as tf

        if self._pruning_writer is None:
            self._pruning_writer = tf.summary.create_file_writer(
                os.path.join(self.log_dir, "metrics"))
        step = int(ops.convert_to_numpy(self.model.optimizer.iterations))
        with self._pruning_writer.as_default():
            for name, value in self.pruning_logs().items():
                tf.summary.scalar(name, value, step=step)
        self._pruning_writer.flush()

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        if self._pruning_writer is not None:
            self._pruning_writer.close()
            self._pruning_writer = None
