"""The layer contract passes on Keras' own layers and names each broken property."""

import keras
import pytest

from keras_boost.testing import ContractError, check_layer_contract


@keras.saving.register_keras_serializable(package="keras_boost_tests")
class AddNoise(keras.layers.Layer):
    """A correct augmentation layer: scaled Gaussian noise, identity at inference."""

    def __init__(self, factor=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        noise = keras.random.normal(keras.ops.shape(inputs), seed=self.seed_generator,
                                    dtype=self.compute_dtype)
        return inputs + self.factor * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_boost_tests")
class DropsArgument(AddNoise):
    def get_config(self):
        config = super().get_config()
        del config["factor"]
        return config


@keras.saving.register_keras_serializable(package="keras_boost_tests")
class ChangesAtInference(AddNoise):
    def call(self, inputs, training=False):
        return super().call(inputs, training=True)


@keras.saving.register_keras_serializable(package="keras_boost_tests")
class IgnoresSeed(AddNoise):
    def call(self, inputs, training=False):
        if not training:
            return inputs
        return inputs + self.factor * keras.random.normal(keras.ops.shape(inputs))


@keras.saving.register_keras_serializable(package="keras_boost_tests")
class WrongOutputShape(AddNoise):
    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


def test_passes_on_keras_random_contrast():
    check_layer_contract(keras.layers.RandomContrast, {"factor": 0.5, "seed": 1},
                         input_shape=(8, 8, 3))


def test_passes_on_keras_gaussian_noise():
    check_layer_contract(keras.layers.GaussianNoise, {"stddev": 0.1, "seed": 3},
                         input_shape=(10, 2))


def test_passes_on_a_correct_custom_layer():
    check_layer_contract(AddNoise, {"factor": 0.3, "seed": 7}, input_shape=(5, 2))


@pytest.mark.parametrize(
    ("layer_cls", "broken"),
    [
        (DropsArgument, "config"),
        (ChangesAtInference, "inference identity"),
        (IgnoresSeed, "seed"),
        (WrongOutputShape, "shape"),
    ],
)
def test_names_the_broken_property(layer_cls, broken):
    with pytest.raises(ContractError) as info:
        check_layer_contract(layer_cls, {"factor": 0.3, "seed": 7}, input_shape=(5, 2))
    assert broken in info.value.failures
    assert f"[{broken}]" in str(info.value)
    assert layer_cls.__name__ in str(info.value)


def test_dropped_argument_message_says_which_argument():
    with pytest.raises(ContractError) as info:
        check_layer_contract(DropsArgument, {"factor": 0.3, "seed": 7}, input_shape=(5, 2))
    assert "'factor'" in info.value.failures["config"]


def test_unknown_skip_name_is_a_value_error():
    with pytest.raises(ValueError, match="Valid names"):
        check_layer_contract(AddNoise, {}, input_shape=(3,), skip=["nope"])


def test_skip_leaves_a_check_out():
    check_layer_contract(WrongOutputShape, {"factor": 0.3, "seed": 7}, input_shape=(5, 2),
                         skip=["shape", "tf.data", "xla"])
