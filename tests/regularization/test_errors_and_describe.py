"""What apply_preset refuses, and what describe reports."""

import keras
import pytest

from keras_boost.regularization import apply_preset, describe


class Subclassed(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)


class NoConfig(keras.layers.Layer):
    """A custom layer with a weight, whose get_config forgets an __init__ argument."""

    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale * self.units


def test_subclassed_model_gets_a_typeerror_that_says_what_to_do():
    model = Subclassed()
    model(keras.ops.ones((1, 3)))
    with pytest.raises(TypeError) as info:
        apply_preset(model, "medium")
    message = str(info.value)
    assert "Subclassed" in message and "layer_kwargs('dense')" in message
    assert "functional" in message


def test_nested_subclassed_model_is_refused_and_the_outer_model_is_untouched():
    inner = Subclassed(name="inner")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)))
    config = model.get_config()
    with pytest.raises(TypeError, match="'inner' of class Subclassed"):
        apply_preset(model, "medium")
    assert model.get_config() == config


def test_a_layer_that_cannot_be_rebuilt_is_named_in_the_error():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(NoConfig(3)(inputs)))
    with pytest.raises(TypeError, match="cannot rebuild layer .* of class NoConfig"):
        apply_preset(model, "light")


@pytest.mark.parametrize("thing", [keras.layers.Dense(2), "model", None])
def test_anything_but_a_keras_model_is_refused(thing):
    with pytest.raises(TypeError, match="expects a Keras 3 `keras.Model`"):
        apply_preset(thing)


def test_bad_seed_and_bad_preset_are_refused():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match="Received: seed=1.5"):
        apply_preset(model, "light", seed=1.5)
    with pytest.raises(ValueError, match="Received: preset='Medium'"):
        apply_preset(model, "Medium")


def test_describe_lists_what_apply_preset_adds_where():
    model = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Flatten(),
        keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.2),
        keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)], name="cnn")
    report = describe(model, "heavy")
    assert report.added_layers() == ["max_pooling2d", "dense_1"]
    new = apply_preset(model, "heavy")
    inserted = [new.layers[i - 1].name for i, layer in enumerate(new.layers)
                if isinstance(layer, keras.layers.Dropout) and layer.name.endswith("_dropout")]
    assert inserted == report.added_layers()
    text = str(report)
    assert "GaussianNoise(0.1)" in text and "SpatialDropout2D(0.2)" in text
    assert "dropout already follows it" in text and "output block" in text
    assert "AdamW(weight_decay=" in text
    assert describe(model, "none").changes == []
