import numpy as np
import pytest


@pytest.fixture
def ramp():
    """64 identical copies of a ramp 0..49, shape (64, 50, 1): per-sample effects stand out."""
    return np.tile(np.arange(50, dtype="float32")[None, :, None], (64, 1, 1))
