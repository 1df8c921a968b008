"""What augmentation_preset builds, and that it avoids Keras' known image-layer defects."""

from pathlib import Path

import keras
import numpy as np
import pytest

import keras_boost.layers as kbl


@pytest.mark.parametrize("modality", kbl.MODALITIES)
@pytest.mark.parametrize("strength", kbl.STRENGTHS)
def test_preset_builds_the_documented_chain(modality, strength):
    preset = kbl.augmentation_preset(modality, strength, seed=1)
    expected = kbl.PRESETS[modality][strength]
    assert [type(layer) for layer in preset.layers] == [cls for cls, _ in expected]
    for layer, (cls, kwargs) in zip(preset.layers, expected, strict=True):
        config, reference = layer.get_config(), cls(**kwargs).get_config()
        for key in kwargs:
            assert config[key] == reference[key]


def test_heavier_presets_change_the_data_more():
    x = np.random.default_rng(0).normal(size=(128, 60, 2)).astype("float32")
    change = [np.abs(np.asarray(kbl.augmentation_preset("timeseries", s, seed=0)(x)) - x).mean()
              for s in kbl.STRENGTHS]
    assert change[0] < change[1] < change[2]


@pytest.mark.parametrize("strength", kbl.STRENGTHS)
def test_timeseries_presets_keep_the_timing(strength):
    # No preset time-warps: a change of speed cost 42 points on ACSF1 (docs/benchmarks.md).
    x = np.zeros((64, 200, 1), "float32")
    x[:, 37::40] = 1.0  # a spike every 40 steps: its timing is the class
    out = np.asarray(kbl.augmentation_preset("timeseries", strength, seed=0)(x, training=True))
    assert not np.allclose(out, x)  # it did augment...
    np.testing.assert_array_equal(out != 0, x != 0)  # ...but not move the spikes


def test_image_presets_flip_one_axis_only_and_light_does_not_flip():
    for strength in kbl.STRENGTHS:
        flips = [layer for layer in kbl.augmentation_preset("image", strength).layers
                 if isinstance(layer, keras.layers.RandomFlip)]
        assert [f.mode for f in flips] == ([] if strength == "light" else ["horizontal"])
    classes = {cls for chain in kbl.PRESETS["image"].values() for cls, _ in chain}
    assert keras.layers.RandAugment not in classes and keras.layers.RandomFlip in classes


def test_image_preset_flips_horizontally_per_sample():
    # A flip-only chain from the medium preset: half the images are mirrored left-right,
    # none upside down (Keras' default mode flips both axes together).
    flip = kbl.augmentation_preset("image", "medium", seed=0).layers[0]
    x = np.tile(np.arange(16, dtype="float32").reshape(1, 4, 4, 1), (200, 1, 1, 1))
    out = np.asarray(flip(x, training=True))
    mirrored = (out == x[:, :, ::-1]).all(axis=(1, 2, 3))
    same = (out == x).all(axis=(1, 2, 3))
    assert (mirrored | same).all()
    assert 0.35 < mirrored.mean() < 0.65


def test_image_preset_works_on_tiny_digits():
    x = np.random.default_rng(0).uniform(size=(16, 8, 8, 1)).astype("float32")
    out = np.asarray(kbl.augmentation_preset("image", "light", seed=0)(x, training=True))
    assert out.shape == x.shape and np.isfinite(out).all()
    assert not np.allclose(out, x)


def test_only_the_image_preset_turns_xla_off():
    for modality in kbl.MODALITIES:
        preset = kbl.augmentation_preset(modality)
        assert preset.supports_jit == (modality != "image")


def test_preset_strengths_can_be_changed_through_its_layers():
    preset = kbl.augmentation_preset("timeseries", "medium", seed=0)
    x = np.random.default_rng(0).normal(size=(16, 60, 2)).astype("float32")
    assert not np.allclose(np.asarray(preset(x, training=True)), x, atol=1e-4)
    for layer in preset.layers:
        layer.sigma = 0.0
    np.testing.assert_allclose(np.asarray(preset(x, training=True)), x, atol=1e-4)


@pytest.mark.slow
def test_timeseries_preset_trains_under_xla_in_fit():
    x = np.random.default_rng(0).normal(size=(32, 40, 2)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("int32")
    model = keras.Sequential([
        keras.Input((40, 2)),
        kbl.augmentation_preset("timeseries", seed=0),
        keras.layers.Conv1D(4, 5, activation="relu"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert model.jit_compile is True
    assert np.isfinite(history.history["loss"]).all()


def test_image_preset_turns_xla_off_in_compile():
    # The upstream defect the docs warn about: Keras drops jit_compile=True.
    model = keras.Sequential([keras.Input((8, 8, 1)), kbl.augmentation_preset("image"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("adam", "mse", jit_compile=True)
    assert model.jit_compile is False


def test_docs_table_lists_exactly_what_each_preset_contains():
    page = (Path(__file__).resolve().parents[2] / "docs" / "layers.md").read_text()
    for modality in kbl.MODALITIES:
        for strength in kbl.STRENGTHS:
            chain = ", ".join(
                f"`{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})`"
                for cls, kwargs in kbl.PRESETS[modality][strength])
            assert f"| {modality} | {strength} | {chain} |" in page
