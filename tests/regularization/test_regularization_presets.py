"""Preset, PRESETS and Preset.layer_kwargs: the data and its guards."""

import dataclasses

import keras
import numpy as np
import pytest

from keras_boost.regularization import PRESETS, Preset, get_preset


def test_presets_grow_stronger_from_none_to_heavy():
    order = [PRESETS[name] for name in ("none", "light", "medium", "heavy")]
    assert order[0].is_noop and not any(p.is_noop for p in order[1:])
    for field in ("l2", "dropout", "spatial_dropout"):
        values = [getattr(p, field) for p in order]
        assert values == sorted(values) and values[0] == 0 < values[-1], field
    assert all(p.name == name for name, p in PRESETS.items())


def test_presets_are_immutable_and_read_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRESETS["medium"].dropout = 0.9
    with pytest.raises(TypeError):
        PRESETS["medium"] = Preset()
    derived = dataclasses.replace(PRESETS["medium"], dropout=0.2)
    assert derived.dropout == 0.2 and PRESETS["medium"].dropout != 0.2


@pytest.mark.parametrize("kwargs, word", [
    ({"dropout": 1.0}, "dropout"), ({"dropout": -0.1}, "dropout"),
    ({"spatial_dropout": float("nan")}, "spatial_dropout"), ({"l2": -1e-4}, "l2"),
    ({"l1": "big"}, "l1"), ({"max_norm": 0}, "max_norm"), ({"max_norm": True}, "max_norm"),
    ({"input_noise": 1.5}, "input_noise"), ({"label_smoothing": 1}, "label_smoothing"),
])
def test_bad_values_say_what_was_expected_received_and_how_to_fix(kwargs, word):
    with pytest.raises(ValueError) as info:
        Preset(**kwargs)
    message = str(info.value)
    assert f"Received: {word}=" in message and "Pass e.g." in message


def test_layer_kwargs_regularize_a_new_dense_layer():
    layer = keras.layers.Dense(4, **PRESETS["heavy"].layer_kwargs("dense"))
    model = keras.Sequential([keras.Input((3,)), layer])
    kernel = layer.kernel.numpy()
    expected = PRESETS["heavy"].l2 * float(np.sum(kernel**2))
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)
    assert layer.kernel_constraint.get_config()["max_value"] == PRESETS["heavy"].max_norm


def test_layer_kwargs_use_the_right_max_norm_axis_for_convolutions():
    kwargs = PRESETS["medium"].layer_kwargs("conv2d")
    assert kwargs["kernel_constraint"].get_config()["axis"] == [0, 1, 2]
    big = np.full((3, 3, 2, 4), 10.0, dtype="float32")
    norms = np.sqrt((kwargs["kernel_constraint"](big).numpy() ** 2).sum(axis=(0, 1, 2)))
    np.testing.assert_allclose(norms, PRESETS["medium"].max_norm, rtol=1e-5)


def test_layer_kwargs_are_fresh_objects_and_empty_for_none():
    medium = PRESETS["medium"]
    assert medium.layer_kwargs("dense")["kernel_regularizer"] is not \
        medium.layer_kwargs("dense")["kernel_regularizer"]
    assert PRESETS["none"].layer_kwargs("conv1d") == {}
    l1l2 = Preset(l1=1e-3, l2=1e-4).layer_kwargs("dense")["kernel_regularizer"]
    assert l1l2.get_config() == pytest.approx({"l1": 1e-3, "l2": 1e-4})


def test_unknown_kind_or_preset_name_is_refused_clearly():
    with pytest.raises(ValueError, match="kind in .*Received: kind='lstm'"):
        PRESETS["light"].layer_kwargs("lstm")
    with pytest.raises(ValueError, match="Received: preset='strong'.*Pass e.g. preset='medium'"):
        get_preset("strong")
    with pytest.raises(TypeError, match="preset name or a `Preset`"):
        get_preset(0.5)
    assert get_preset(PRESETS["light"]) is PRESETS["light"]
