"""prune_low_magnitude on every supported layer kind, copies only, clear errors."""

import keras
import numpy as np
import pytest

from keras_boost import pruning
from keras_boost.pruning import PruneLowMagnitude

L = keras.layers


def _conv2d():
    return keras.Sequential([keras.Input((6, 6, 3)), L.Conv2D(4, 3), L.DepthwiseConv2D(3),
                             L.SeparableConv2D(4, 1), L.Conv2DTranspose(2, 3), L.MaxPooling2D(),
                             L.Flatten(), L.Dense(3)]), np.random.rand(16, 6, 6, 3)


def _conv1d():
    return keras.Sequential([keras.Input((8, 3)), L.Conv1D(4, 3), L.DepthwiseConv1D(3),
                             L.SeparableConv1D(4, 1), L.Conv1DTranspose(2, 3),
                             L.BatchNormalization(), L.GlobalAveragePooling1D(),
                             L.Dense(3)]), np.random.rand(16, 8, 3)


def _conv3d():
    return keras.Sequential([keras.Input((4, 4, 4, 1)), L.Conv3D(2, 2), L.Conv3DTranspose(2, 2),
                             L.Flatten(), L.Dense(3)]), np.random.rand(16, 4, 4, 4, 1)


def _recurrent():
    return keras.Sequential([keras.Input((5,), dtype="int32"), L.Embedding(20, 8),
                             L.LSTM(4, return_sequences=True), L.GRU(4, return_sequences=True),
                             L.SimpleRNN(4), L.Dense(2)]), np.random.randint(0, 20, (16, 5))


def _attention():
    inputs = keras.Input((4, 8))
    attended = L.MultiHeadAttention(2, 4)(inputs, inputs)
    outputs = L.EinsumDense("abc,cd->abd", (4, 3))(L.Add()([inputs, attended]))
    return keras.Model(inputs, outputs), np.random.rand(16, 4, 8)


KINDS = {"conv2d": (_conv2d, 5), "conv1d": (_conv1d, 5), "conv3d": (_conv3d, 3),
         "recurrent": (_recurrent, 5), "attention": (_attention, 2)}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_supported_layer_is_pruned_to_the_target(kind):
    build, n_wrapped = KINDS[kind]
    model, x = build()
    y = model.predict(x, verbose=0)
    before = [w.copy() for w in model.get_weights()]
    pruned = pruning.prune_low_magnitude(model, pruning.ConstantSparsity(0.6, 0, frequency=1))
    wrappers = [layer for layer in pruned.layers if isinstance(layer, PruneLowMagnitude)]
    assert len(wrappers) == n_wrapped
    pruned.compile("adam", "mse")
    pruned.fit(x, y, epochs=1, batch_size=16, verbose=0,
               callbacks=[pruning.UpdatePruningStep()])
    for wrapper in wrappers:
        for weight, mask, _ in wrapper.pruning_vars:
            value = keras.ops.convert_to_numpy(weight.value)
            expected = 1 - max(round(value.size * 0.4), 1) / value.size
            assert np.mean(value == 0) == pytest.approx(expected), weight.path
            assert np.array_equal(value == 0, keras.ops.convert_to_numpy(mask.value) == 0)
    # The user's model and its layer objects are untouched.
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    assert not any(isinstance(layer, PruneLowMagnitude) for layer in model.layers)
    assert not set(map(id, model.layers)) & {id(w.layer) for w in wrappers}


def test_weightless_and_normalization_layers_pass_through():
    model, _ = _conv1d()
    pruned = pruning.prune_low_magnitude(model)
    kinds = [type(layer).__name__ for layer in pruned.layers]
    assert kinds[-3:] == ["BatchNormalization", "GlobalAveragePooling1D", "PruneLowMagnitude"]


class Scale(L.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale


class PrunableScale(Scale, pruning.PrunableLayer):
    def get_prunable_weights(self):
        return [self.scale]


def test_unsupported_layer_with_weights_raises_and_leaves_the_model_alone():
    model = keras.Sequential([keras.Input((4,)), L.Dense(4), Scale()])
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match="Scale.*PrunableLayer.*list"):
        pruning.prune_low_magnitude(model)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Scale"]
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    assert model.layers[0].kernel.constraint is None


def test_prunable_layer_subclass_is_wrapped_and_pruned():
    layer = PrunableScale()
    layer.build((None, 10))
    layer.set_weights([np.arange(1, 11, dtype="float32")])
    wrapped = pruning.prune_low_magnitude(layer, pruning.ConstantSparsity(0.5, 0))
    wrapped.assign_masks(*wrapped.compute_masks(0.5))
    assert np.array_equal(keras.ops.convert_to_numpy(wrapped.layer.scale.value),
                          [0, 0, 0, 0, 0, 6, 7, 8, 9, 10])
    assert np.array_equal(layer.get_weights()[0], np.arange(1, 11))  # original untouched


def test_list_of_layers_and_single_layer():
    layers = [L.Dense(8, activation="relu"), L.Dropout(0.1), L.Dense(2)]
    wrapped = pruning.prune_low_magnitude(layers)
    assert [type(layer).__name__ for layer in wrapped] == ["PruneLowMagnitude", "Dropout",
                                                           "PruneLowMagnitude"]
    assert all(new is not old for new, old in zip(wrapped, layers, strict=True))
    model = keras.Sequential([keras.Input((3,)), *wrapped])
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 2)
    single = pruning.prune_low_magnitude(L.Dense(3), name="pruned_dense")
    assert isinstance(single, PruneLowMagnitude) and single.name == "pruned_dense"


def test_subclassed_model_and_bad_inputs_raise():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(np.ones((1, 3)))
    with pytest.raises(ValueError, match="Received: a subclassed model"):
        pruning.prune_low_magnitude(net)
    with pytest.raises(TypeError, match="expects a Keras layer.*Received: str"):
        pruning.prune_low_magnitude("model")
    with pytest.raises(TypeError, match="pruning_schedule.*Received"):
        pruning.prune_low_magnitude(L.Dense(2), pruning_schedule=0.5)
    with pytest.raises(ValueError, match="block_pooling_type.*Received"):
        pruning.prune_low_magnitude(L.Dense(2), block_pooling_type="MIN")
    with pytest.raises(ValueError, match="m < n"):
        pruning.prune_low_magnitude(L.Dense(2), sparsity_m_by_n=(4, 2))
    conv = keras.Sequential([keras.Input((5, 5, 2)), L.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="rank-2 weights.*block_size"):
        pruning.prune_low_magnitude(conv, block_size=(2, 2))
    with pytest.raises(TypeError, match="strip_pruning.*Received: int"):
        pruning.strip_pruning(3)


def test_nested_model_is_pruned_inside():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(4)], name="inner")
    inputs = keras.Input((4,))
    outer = keras.Model(inputs, L.Dense(2)(inner(inputs)))
    pruned = pruning.prune_low_magnitude(outer)
    assert isinstance(pruned.get_layer("inner").layers[0], PruneLowMagnitude)
    assert isinstance(outer.get_layer("inner").layers[0], L.Dense)


def test_unbuilt_multi_input_layer_builds_from_all_its_inputs(tmp_path):
    inputs = keras.Input((4, 8))
    attention = pruning.prune_low_magnitude(L.MultiHeadAttention(2, 4))
    model = keras.Model(inputs, attention(inputs, inputs))
    assert len(attention.pruning_vars) == 4
    model.save(tmp_path / "m.keras")
    x = np.random.rand(2, 4, 8)
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "m.keras").predict(x, verbose=0),
                               model.predict(x, verbose=0), atol=1e-6)


def test_a_wrapped_layer_is_copied_not_refused():
    wrapped = pruning.prune_low_magnitude(keras.layers.Dense(3))
    again = pruning.prune_low_magnitude(wrapped)
    assert isinstance(again, PruneLowMagnitude) and again is not wrapped


def my_loss(y_true, y_pred):  # a plain function, never registered with Keras
    return keras.ops.mean(keras.ops.square(y_true - y_pred))


@pytest.mark.parametrize("loss", [my_loss, "mse"])
def test_compiled_models_are_pruned_stripped_and_reported_and_come_back_uncompiled(loss):
    model = keras.Sequential([keras.Input((4,)), L.Dense(8), L.Dense(2)])
    model.compile("adam", loss)
    pruned = pruning.prune_low_magnitude(model)
    assert not pruned.compiled and isinstance(pruned.layers[0], PruneLowMagnitude)
    pruned.compile("adam", loss)
    stripped = pruning.strip_pruning(pruned)
    assert not stripped.compiled and [type(layer) for layer in stripped.layers] == [L.Dense] * 2
    assert pruning.sparsity_report(pruned).layers


def double(tensor):  # a named function, never registered with Keras
    return tensor * 2


@pytest.mark.parametrize("function", [lambda t: t * 2, double])
def test_lambda_layers_are_kept_as_they_are(function):
    lam = L.Lambda(function)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, L.Dense(2)(lam(L.Dense(4)(inputs))))
    pruned = pruning.prune_low_magnitude(model)
    stripped = pruning.strip_pruning(pruned)
    assert pruned.layers[2] is lam and stripped.layers[2] is lam
    x = np.random.rand(3, 4)
    np.testing.assert_allclose(stripped.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_subclasses_of_sequential_and_functional_models_are_refused(subclassed_model):
    model = subclassed_model
    with pytest.raises(ValueError, match=f"subclassed model.*{type(model).__name__}.*own code"):
        pruning.prune_low_magnitude(model)
