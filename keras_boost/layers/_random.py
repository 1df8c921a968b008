"""Random draws for the augmentation layers, fast under XLA too.

Keras' TensorFlow backend draws with ``tf.random.stateless_*`` and the
default ``alg="auto_select"``, which XLA on a CPU compiles to a generator
about 30x slower than Philox (``Jitter`` on 1024 x 1000 x 3 in
``benchmarks/augmentation_speed.py``: 695 ms before, 23.6 ms after).
Without XLA ``auto_select`` already is Philox, so naming it changes nothing
there. Other backends use ``keras.random`` as is.
"""

from __future__ import annotations

import keras


def _tf_seed(seed_generator):
    import tensorflow as tf

    seed = seed_generator.next()  # int64 state; stateless ops need int32 under XLA
    return tf.cast(tf.math.floormod(seed, tf.int32.max - 1), "int32")


def uniform(shape, low, high, seed_generator):
    """float32 values in ``[low, high)``, one draw of ``seed_generator``."""
    if keras.backend.backend() != "tensorflow":
        return keras.random.uniform(shape, low, high, dtype="float32", seed=seed_generator)
    import tensorflow as tf

    return tf.random.stateless_uniform(shape, _tf_seed(seed_generator),
                                       minval=tf.cast(low, "float32"),
                                       maxval=tf.cast(high, "float32"),
                                       dtype="float32", alg="philox")


def normal(shape, seed_generator):
    """Standard normal float32 values, one draw of ``seed_generator``."""
    if keras.backend.backend() != "tensorflow":
        return keras.random.normal(shape, dtype="float32", seed=seed_generator)
    import tensorflow as tf

    return tf.random.stateless_normal(shape, _tf_seed(seed_generator), dtype="float32",
                                      alg="philox")
