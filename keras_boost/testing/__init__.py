"""Contract checks that every keras-boost layer and callback passes.

They are public so that users can hold their own custom layers and callbacks
to the same standard:

>>> from keras_boost.testing import check_layer_contract
>>> import keras
>>> check_layer_contract(keras.layers.GaussianNoise, {"stddev": 0.1, "seed": 1},
...                      input_shape=(4, 3))
"""

from keras_boost.testing.callback_contract import check_callback_contract
from keras_boost.testing.contracts import ContractError, check_layer_contract
from keras_boost.testing.replay import ReplayModel, ReplayResult, replay

__all__ = [
    "ContractError",
    "ReplayModel",
    "ReplayResult",
    "check_callback_contract",
    "check_layer_contract",
    "replay",
]
