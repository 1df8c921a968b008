"""The built-in probe ``auto_policy()`` times on a CPU that has bfloat16 instructions.

Whether bfloat16 pays on a CPU is not certain from its flags: it depends on
TensorFlow's kernels (oneDNN), on XLA, on the model. When the user gives no
model, ``auto_policy()`` times this probe once per process: an MLP
784-1024-1024-10 at batch 128, big enough for the 16-bit units to matter and
small enough to time in 2-3 s on two cores. Like any timing by
``time_policies``, it leaves the global random state as it found it.
"""

from __future__ import annotations

import functools

import keras
import numpy as np

#: What the probe is, for the reason ``auto_policy`` gives.
PROBE = "a built-in MLP 784-1024-1024-10 at batch 128"
_WIDTH, _BATCH, _STEPS = 1024, 128, 10


def _build_probe(jit_compile: bool) -> keras.Model:
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(_WIDTH, activation="relu"),
        keras.layers.Dense(_WIDTH, activation="relu"),
        keras.layers.Dense(10, dtype="float32"),
    ])
    model.compile(keras.optimizers.Adam(), keras.losses.SparseCategoricalCrossentropy(
        from_logits=True), jit_compile=jit_compile)
    return model


@functools.cache
def time_probe(candidates: tuple[str, ...], jit_compile: bool):
    """``(speed, ratios)`` of the probe under ``candidates``, as ``time_policies`` returns them.

    Cached per process: the hardware does not change while it runs.

    Example:
        >>> from keras_boost.precision.probe import time_probe
        >>> speed, ratios = time_probe(("float32",), False)
        >>> sorted(speed)
        ['float32']
    """
    from keras_boost.precision.measure import time_policies

    rng = np.random.default_rng(0)
    sample = (rng.random((_BATCH, 784), dtype="float32"), rng.integers(0, 10, _BATCH))
    return time_policies(lambda: _build_probe(jit_compile), sample, candidates,
                         steps=_STEPS, with_ratios=True)
