"""A callback can change a layer's strength between epochs of one compiled fit."""

import keras
import numpy as np
import pytest

import keras_boost.layers as kbl


class SetStrength(keras.callbacks.Callback):
    def __init__(self, layer, name, value):
        super().__init__()
        self.layer, self.name, self.value = layer, name, value

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            setattr(self.layer, self.name, self.value)


def _fit_losses(layer, name, value, x, jit_compile):
    """Per-epoch MSE between the augmented input and the clean input, frozen weights."""
    model = keras.Sequential([keras.Input(x.shape[1:]), layer,
                              keras.layers.Identity()])
    model.compile(keras.optimizers.SGD(0.0), "mse", jit_compile=jit_compile)
    history = model.fit(x, x, batch_size=16, epochs=3, verbose=0,
                        callbacks=[SetStrength(layer, name, value)])
    return history.history["loss"], model


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
@pytest.mark.parametrize(("make", "name", "value", "shape"), [
    (lambda: kbl.Jitter(sigma=0.0, seed=0), "sigma", 0.5, (20, 2)),
    (lambda: kbl.WindowSlice(ratio=1.0, seed=0), "ratio", 0.5, (20, 2)),
    (lambda: kbl.SpecAugment(freq_width=0.0, time_width=0.0, seed=0), "time_width", 0.5,
     (12, 8)),
    (lambda: kbl.RandomFeatureMask(rate=0.0, seed=0), "rate", 0.5, (10,)),
], ids=["Jitter", "WindowSlice", "SpecAugment", "RandomFeatureMask"])
def test_strength_change_in_a_callback_takes_effect_next_epoch_under_xla(make, name, value,
                                                                         shape):
    _check_strength_change(make(), name, value, shape, jit_compile=True)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
def test_strength_change_in_a_callback_takes_effect_next_epoch_in_graph_mode():
    _check_strength_change(kbl.TimeWarp(sigma=0.0, seed=0), "sigma", 0.5, (20, 2),
                           jit_compile=False)


def _check_strength_change(layer, name, value, shape, jit_compile):
    x = np.random.default_rng(0).normal(size=(64, *shape)).astype("float32")
    losses, model = _fit_losses(layer, name, value, x, jit_compile)
    assert model.jit_compile is jit_compile
    assert losses[0] < 1e-6, "strength 0 (or ratio 1) must leave the data unchanged"
    assert losses[1] > 0.05 and losses[2] > 0.05
    assert getattr(layer, name) == pytest.approx(value)
    assert layer.get_config()[name] == pytest.approx(value)


def test_strength_survives_save_and_load(tmp_path):
    layer = kbl.TimeWarp(sigma=0.1, seed=0)
    model = keras.Sequential([keras.Input((20, 1)), layer])
    layer.sigma = 0.3
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].sigma == pytest.approx(0.3)


def test_strength_is_a_float32_non_trainable_variable():
    layer = kbl.SpecAugment(seed=0)
    names = {v.path.split("/")[-1]: v for v in layer.non_trainable_variables}
    for name in layer.strength_names:
        assert names[name].dtype == "float32"
    assert layer.trainable_variables == []
