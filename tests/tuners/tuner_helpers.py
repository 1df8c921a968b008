"""Shared builders for the tuner tests: tiny models, tiny data."""

import numpy as np


def build_mlp(hp):
    """A 2-layer MLP on 8 features, 2 classes; tunes units and learning rate."""
    import keras

    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(hp.Choice("units", [4, 8]), activation="relu"),
        keras.layers.Dense(2),
    ])
    model.compile(keras.optimizers.Adam(hp.Choice("learning_rate", [1e-2, 1e-3])),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def mlp_data(n=48):
    rng = np.random.default_rng(0)
    x = rng.random((n, 8)).astype("float32")
    y = (x[:, 0] > 0.5).astype("int64")
    return x, y
