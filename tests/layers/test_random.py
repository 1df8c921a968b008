"""The layers' random draws: right distribution, seeded, with and without XLA."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_boost.layers import _random


@pytest.mark.parametrize("jit_compile", [False, True])
def test_draws_have_the_asked_distribution(jit_compile):
    generator = keras.random.SeedGenerator(7)

    @tf.function(jit_compile=jit_compile)
    def draw():
        return (_random.normal((20000,), generator),
                _random.uniform((20000,), -2.0, 3.0, generator))

    normal, uniform = (np.asarray(v) for v in draw())
    assert normal.dtype == uniform.dtype == np.float32
    assert abs(normal.mean()) < 0.03 and abs(normal.std() - 1) < 0.03
    assert uniform.min() >= -2.0 and uniform.max() < 3.0
    assert abs(uniform.mean() - 0.5) < 0.05
    again = [np.asarray(v) for v in draw()]
    assert not np.array_equal(again[0], normal)  # the generator moved on


def test_same_seed_same_draws():
    first, second = keras.random.SeedGenerator(3), keras.random.SeedGenerator(3)
    np.testing.assert_array_equal(_random.normal((5,), first), _random.normal((5,), second))
    np.testing.assert_array_equal(_random.uniform((5,), 0.0, 1.0, first),
                                  _random.uniform((5,), 0.0, 1.0, second))
