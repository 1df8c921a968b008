"""Run in a fresh process: fit a pruned model under MirroredStrategy on two logical CPUs."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost import pruning  # noqa: E402

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
assert strategy.num_replicas_in_sync == 2
rng = np.random.default_rng(0)
x = rng.normal(size=(256, 12)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int32")
with strategy.scope():
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2)])
    pruned = pruning.prune_low_magnitude(
        model, pruning.PolynomialDecay(0.3, 0.75, begin_step=0, end_step=14, frequency=4))
    pruned.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
data = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
pruned.fit(data, epochs=2, verbose=0, callbacks=[pruning.UpdatePruningStep()])
for layer in pruned.layers:
    kernel = layer.layer.kernel
    per_replica = strategy.run(lambda k=kernel: tf.identity(k.value))
    replicas = strategy.experimental_local_results(per_replica)
    first, second = (np.asarray(r) for r in replicas)
    assert np.array_equal(first, second), "the replicas' kernels differ"
    print(f"{layer.name} {np.mean(first == 0):.4f}")
