"""Helpers shared by the layer tests."""

import numpy as np


def run(layer, x):
    """The layer's training-mode output as a numpy array."""
    return np.asarray(layer(x, training=True))
