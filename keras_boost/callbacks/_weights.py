"""Private helper: a cheap snapshot of a model's weights for a later ``set_weights``.

On TensorFlow, reading a CPU variable gives a tensor that shares the
variable's buffer until the next write, which then copies it (TensorFlow's
copy-on-write for resource variables). So a snapshot costs one read per
variable now, and the copy happens inside the next training step instead of
in a callback hook, with no more memory than ``get_weights``' NumPy copies
and no NumPy conversion. Variables on an accelerator (their
snapshot must not take accelerator memory), distributed ones, other backends
and stand-in models keep ``model.get_weights()``.

>>> import keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> saved = snapshot_weights(model)
>>> model.set_weights([w * 0 for w in model.get_weights()])
>>> model.set_weights(saved)  # back to the weights at the snapshot
"""

from __future__ import annotations

import keras


def snapshot_weights(model) -> list:
    """The model's weights now, as values ``model.set_weights`` accepts later."""
    if not isinstance(model, keras.Model) or keras.backend.backend() != "tensorflow":
        return model.get_weights()
    import tensorflow as tf

    values = []
    for variable in model.weights:
        value = getattr(variable, "value", None)
        if (not isinstance(value, tf.Variable)
                or isinstance(value, tf.distribute.DistributedValues)
                or "CPU" not in value.device):
            return model.get_weights()
        values.append(tf.raw_ops.ReadVariableOp(resource=value.handle, dtype=value.dtype))
    return values
