"""Shared pytest set-up: quiet TensorFlow, deterministic seeds per test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


class _TrainStepSequential(keras.Sequential):
    def train_step(self, data):
        raise RuntimeError("the user's own training step")


class _FunctionalSubclass(keras.Model):
    def __init__(self, **kwargs):
        inputs = keras.Input((4,))
        super().__init__(inputs, keras.layers.Dense(2)(keras.layers.Dense(8)(inputs)), **kwargs)


@pytest.fixture(params=["sequential", "functional"])
def subclassed_model(request):
    """A user's subclass of keras.Sequential (own train_step) or of a functional keras.Model."""
    if request.param == "sequential":
        return _TrainStepSequential([keras.Input((4,)), keras.layers.Dense(8),
                                     keras.layers.Dense(2)])
    return _FunctionalSubclass()


@pytest.fixture(autouse=True)
def _clean_keras_state():
    """Each test starts with float32 and a fresh session, whatever the last one did."""
    policy = keras.mixed_precision.global_policy()
    np.random.seed(0)
    yield
    keras.mixed_precision.set_global_policy(policy)
    keras.backend.clear_session()
