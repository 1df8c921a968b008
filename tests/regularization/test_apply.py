"""apply_preset: a regularized copy, original untouched, weights and compile carried over."""

import keras
import numpy as np
import pytest

from keras_boost.regularization import PRESETS, Preset, apply_preset, describe

DROPOUTS = (keras.layers.Dropout, keras.layers.GaussianNoise)


def mlp(dropout_after_first=False):
    layers = [keras.Input((6,), name="features"), keras.layers.Dense(16, activation="relu")]
    if dropout_after_first:
        layers.append(keras.layers.Dropout(0.25))
    layers += [keras.layers.Dense(16), keras.layers.ReLU(), keras.layers.Dense(3)]
    return keras.Sequential(layers, name="mlp")


def branched():
    """Two branches from one trunk, a layer shared by both, a concatenation, an output."""
    inputs = keras.Input((6,), name="features")
    trunk = keras.layers.Dense(8, activation="relu", name="trunk")(inputs)
    shared = keras.layers.Dense(8, activation="relu", name="shared")
    left = shared(keras.layers.Dense(8, activation="relu", name="left")(trunk))
    right = shared(keras.layers.Dense(8, activation="relu", name="right")(trunk))
    merged = keras.layers.Concatenate(name="merge")([left, right])
    outputs = keras.layers.Dense(2, activation="softmax", name="out")(merged)
    return keras.Model(inputs, outputs, name="branched")


def kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def data(n=16, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype("float32"), rng.integers(0, classes, n)


def test_sequential_gets_dropout_after_hidden_blocks_only():
    model = mlp()
    new = apply_preset(model, "medium")
    assert isinstance(new, keras.Sequential) and new is not model
    assert kinds(new) == ["Dense", "Dropout", "Dense", "ReLU", "Dropout", "Dense"]
    assert not isinstance(new.layers[-1], DROPOUTS)
    assert all(layer.rate == PRESETS["medium"].dropout for layer in new.layers
               if isinstance(layer, keras.layers.Dropout))


def test_regularization_losses_are_in_model_losses_and_match_the_kernels():
    new = apply_preset(mlp(), Preset(l2=1e-3))
    dense = [layer for layer in new.layers if isinstance(layer, keras.layers.Dense)]
    kernels = [layer.kernel.numpy() for layer in dense]
    assert len(new.losses) == 3
    expected = sum(1e-3 * float(np.sum(k**2)) for k in kernels)
    assert float(sum(new.losses)) == pytest.approx(expected, rel=1e-5)


def test_original_model_and_its_config_are_untouched():
    model = mlp()
    config, weights = model.get_config(), model.get_weights()
    apply_preset(model, "heavy")
    assert model.get_config() == config
    assert kinds(model) == ["Dense", "Dense", "ReLU", "Dense"] and model.losses == []
    assert all(layer.kernel_regularizer is None for layer in model.layers if layer.weights)
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.slow
def test_trained_weights_are_carried_over():
    model = mlp()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    model.fit(x, y, epochs=2, verbose=0)
    new = apply_preset(model, "heavy")
    original = {layer.name: layer.get_weights() for layer in model.layers}
    for layer in new.layers:
        for a, b in zip(layer.get_weights(), original.get(layer.name, []), strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(new.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.slow
def test_compiled_model_is_compiled_the_same_way_and_trains_at_once():
    model = mlp()
    model.compile(keras.optimizers.Adam(3e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    new = apply_preset(model, "medium")
    assert new.compiled and new.optimizer is not model.optimizer
    assert type(new.optimizer) is keras.optimizers.Adam
    assert float(new.optimizer.learning_rate) == pytest.approx(3e-3)
    assert new.get_compile_config() == model.get_compile_config()
    x, y = data()
    history = new.fit(x, y, epochs=2, verbose=0)
    assert {"loss", "accuracy"} <= set(history.history)
    assert np.isfinite(history.history["loss"]).all()


def test_uncompiled_model_stays_uncompiled():
    assert not apply_preset(mlp(), "light").compiled


def test_existing_dropout_is_not_doubled():
    new = apply_preset(mlp(dropout_after_first=True), "heavy")
    assert kinds(new) == ["GaussianNoise", "Dense", "Dropout", "Dense", "ReLU", "Dropout", "Dense"]
    assert new.layers[2].rate == 0.25  # the user's own, kept as it was


def test_functional_with_branch_and_shared_layer():
    model = branched()
    new = apply_preset(model, "medium", seed=3)
    assert not isinstance(new, keras.Sequential) and new.name == "branched"
    names = [layer.name for layer in new.layers]
    for block in ("trunk", "left", "right"):
        assert f"{block}_dropout" in names
    # the shared layer is still one layer, called twice, with a dropout after each call
    assert names.count("shared") == 1
    assert {"shared_dropout", "shared_dropout_1"} <= set(names)
    assert "out_dropout" not in names and not any(n.startswith("merge_drop") for n in names)
    assert len(new.losses) == 5  # trunk, left, right, shared (once), out
    x, _ = data()
    np.testing.assert_allclose(new.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_functional_input_noise_keeps_input_names_for_dict_data():
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    hidden = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, keras.layers.Dense(1)(hidden))
    new = apply_preset(model, "heavy")
    noise = [layer for layer in new.layers if isinstance(layer, keras.layers.GaussianNoise)]
    assert sorted(layer.name for layer in noise) == ["a_noise", "b_noise"]
    x = {"a": np.ones((2, 4), "float32"), "b": np.ones((2, 2), "float32")}
    np.testing.assert_allclose(new.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_conv_blocks_get_spatial_dropout_after_their_pooling():
    model = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(4, 3, padding="same"), keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"), keras.layers.MaxPooling2D(), keras.layers.Flatten(),
        keras.layers.Dense(3)])
    new = apply_preset(model, "medium")
    assert kinds(new) == ["Conv2D", "SpatialDropout2D", "Conv2D", "BatchNormalization",
                          "Activation", "MaxPooling2D", "SpatialDropout2D", "Flatten", "Dense"]
    assert new.layers[3].gamma_regularizer is None  # normalization is never regularized


def test_none_preset_is_an_exact_copy():
    model = branched()
    new = apply_preset(model, "none")
    assert kinds(new) == kinds(model) and new.losses == []
    x, _ = data()
    np.testing.assert_allclose(new.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_users_own_regularizer_and_frozen_layers_are_kept():
    own = keras.regularizers.L1(0.5)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, kernel_regularizer=own),
                              keras.layers.Dense(4, trainable=False, name="frozen"),
                              keras.layers.Dense(2)])
    new = apply_preset(model, "medium")
    assert type(new.layers[0].kernel_regularizer) is keras.regularizers.L1
    frozen = new.get_layer("frozen")
    assert not frozen.trainable and frozen.kernel_regularizer is None
    assert type(new.layers[-1].kernel_regularizer) is keras.regularizers.L2


def test_nested_model_is_regularized_inside_and_keeps_its_weights():
    inner = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu")],
                             name="backbone")
    inputs = keras.Input((6,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)))
    new = apply_preset(model, "medium")
    backbone = new.get_layer("backbone")
    assert backbone is not inner and backbone.layers[0].kernel_regularizer is not None
    assert "backbone_dropout" in [layer.name for layer in new.layers]
    np.testing.assert_array_equal(backbone.layers[0].kernel.numpy(),
                                  inner.layers[0].kernel.numpy())
    assert len(new.losses) == 2


def test_seeded_copies_drop_the_same_units():
    x, _ = data()
    one, two = (apply_preset(mlp(), "heavy", seed=7) for _ in range(2))
    two.set_weights(one.get_weights())
    np.testing.assert_array_equal(one(x, training=True).numpy(), two(x, training=True).numpy())


def test_applying_twice_adds_nothing_more():
    once = apply_preset(mlp(), "medium")
    twice = apply_preset(once, "heavy")
    assert kinds(twice) == ["GaussianNoise"] + kinds(once)  # only heavy's input noise is new
    assert [type(layer.kernel_regularizer) for layer in twice.layers if hasattr(layer, "kernel")] \
        == [type(layer.kernel_regularizer) for layer in once.layers if hasattr(layer, "kernel")]
    assert twice.layers[1].kernel_regularizer.get_config()["l2"] == PRESETS["medium"].l2


def test_stateless_layer_that_cannot_be_rebuilt_is_shared_not_copied():
    lam = keras.layers.Lambda(lambda t: 2.0 * t)  # Keras' safe mode refuses to rebuild it
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4), lam, keras.layers.Dense(2)])
    new = apply_preset(model, "light")
    assert new.layers[2] is lam and kinds(new) == ["Dense", "Dropout", "Lambda", "Dense"]
    x, _ = data()
    np.testing.assert_allclose(new.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_unbuilt_sequential_gives_an_unbuilt_regularized_copy():
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    new = apply_preset(model, "medium")
    assert not new.built and kinds(new) == ["Dense", "Dropout", "Dense"]
    new.build((None, 5))
    assert len(new.losses) == 2


def test_inserted_dropout_follows_the_blocks_dtype_policy():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    model = mlp()
    keras.mixed_precision.set_global_policy("float32")
    new = apply_preset(model, "medium")
    dropouts = [layer for layer in new.layers if isinstance(layer, keras.layers.Dropout)]
    assert dropouts and all(layer.dtype_policy.name == "mixed_bfloat16" for layer in dropouts)
    x, _ = data()
    assert new(x).dtype == model(x).dtype


@pytest.mark.slow
def test_compiled_functional_copy_trains_and_survives_save_and_load(tmp_path):
    model = branched()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    new = apply_preset(model, "heavy", seed=0)
    assert new.compiled and new.get_compile_config() == model.get_compile_config()
    x, y = data(classes=2)
    assert np.isfinite(new.fit(x, y, epochs=1, verbose=0).history["loss"]).all()
    new.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), new.predict(x, verbose=0), atol=1e-6)
    assert len(loaded.losses) == len(new.losses) == 5


def my_loss(y_true, y_pred):  # a plain function, never registered with Keras
    return keras.ops.mean(keras.ops.square(y_true - y_pred))


@pytest.mark.parametrize("loss", [my_loss, lambda y, p: keras.ops.mean(keras.ops.abs(y - p)),
                                  keras.losses.Huber(delta=5.0)])
def test_the_copy_is_compiled_with_the_users_own_loss_objects(loss):
    model = mlp()
    model.compile("adam", loss, loss_weights=0.5, metrics=["mae"])
    new = apply_preset(model, "none")
    assert new.compiled and new.loss is loss and new.get_compile_config() is not None
    x = np.full((4, 6), 3.0, "float32")
    y = np.full((4, 3), 40.0, "float32")  # errors far above Huber's delta: 5.0 and 1.0 differ
    np.testing.assert_allclose(new.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-5)
    assert describe(model).model == "mlp"


def test_the_copy_gets_a_fresh_optimizer_and_every_other_compile_setting():
    model = branched()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model.compile(keras.optimizers.SGD(schedule, momentum=0.9), my_loss,
                  steps_per_execution=3, run_eagerly=True)
    new = apply_preset(model, "medium")
    assert new.optimizer is not model.optimizer and type(new.optimizer) is keras.optimizers.SGD
    assert new.optimizer.get_config() == model.optimizer.get_config()
    assert new.steps_per_execution == 3 and new.run_eagerly and new.loss is my_loss
    x, y = data(classes=2)
    new.fit(x, keras.ops.one_hot(y, 2), epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 0  # the user's optimizer is not the copy's


def test_the_copy_has_its_own_metric_objects_with_the_same_settings():
    model = branched()
    auc = keras.metrics.AUC(num_thresholds=37, name="my_auc")
    model.compile("adam", "categorical_crossentropy", metrics=[auc, "accuracy"])
    new = apply_preset(model, "medium")
    x, y = data(classes=2)
    new.fit(x, keras.ops.one_hot(y, 2), epochs=1, verbose=0)
    fresh = new._compile_config.config["metrics"][0]
    assert fresh is not auc and fresh.get_config() == auc.get_config()
    assert float(auc.result()) == 0.0  # training the copy left the user's metric alone


@pytest.mark.parametrize("build", [mlp, branched])
def test_applying_heavy_twice_adds_no_second_input_noise(build):
    once = apply_preset(build(), "heavy")
    twice = apply_preset(once, "heavy")
    assert [layer.name for layer in twice.layers] == [layer.name for layer in once.layers]
    assert not [row for row in describe(once, "heavy").changes if "GaussianNoise" in row[1]]


def test_subclasses_of_sequential_and_functional_models_are_refused(subclassed_model):
    model = subclassed_model
    for function in (apply_preset, describe):
        with pytest.raises(TypeError, match=f"class {type(model).__name__}.*own code"):
            function(model)


def test_the_copy_of_a_mixed_precision_model_keeps_loss_scaling():
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = mlp()
    keras.mixed_precision.set_global_policy("float32")
    model.compile(keras.optimizers.Adam(0.02), my_loss)
    new = apply_preset(model, "medium")
    assert isinstance(new.optimizer, keras.optimizers.LossScaleOptimizer)
    assert new.optimizer.inner_optimizer is not model.optimizer.inner_optimizer
    assert float(new.optimizer.inner_optimizer.learning_rate) == pytest.approx(0.02)
