"""Shared pytest set-up: quiet TensorFlow, deterministic seeds per test."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_keras_state():
    """Each test starts with float32 and a fresh session, whatever the last one did."""
    policy = keras.mixed_precision.global_policy()
    np.random.seed(0)
    yield
    keras.mixed_precision.set_global_policy(policy)
    keras.backend.clear_session()
