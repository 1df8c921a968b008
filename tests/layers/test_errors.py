"""Out-of-range arguments and wrong input ranks raise errors that say how to fix them."""

import numpy as np
import pytest

import keras_boost.layers as kbl

BAD_ARGUMENTS = [
    (kbl.Jitter, {"sigma": -1}, ValueError, "`Jitter` expects sigma >= 0.0. Received: sigma=-1"),
    (kbl.TimeWarp, {"sigma": 1.5}, ValueError, "sigma < 1.0. Received: sigma=1.5"),
    (kbl.TimeWarp, {"knots": 0}, ValueError, "knots >= 1. Received: knots=0"),
    (kbl.MagnitudeWarp, {"knots": 2.5}, TypeError, "`knots` to be an integer"),
    (kbl.RandomScaling, {"sigma": "big"}, TypeError, "Received: sigma='big'"),
    (kbl.WindowSlice, {"ratio": 0.0}, ValueError, "ratio > 0.0"),
    (kbl.WindowWarp, {"scales": ()}, ValueError, "non-empty tuple"),
    (kbl.WindowWarp, {"scales": (0.5, -2)}, ValueError, "scales[i] > 0.0"),
    (kbl.Permutation, {"max_segments": 1}, ValueError, "max_segments >= 2"),
    (kbl.RandomTimeShift, {"fill": "edge"}, ValueError, "one of ['wrap', 'zeros']"),
    (kbl.RandomTimeMask, {"max_width": 2}, ValueError, "max_width <= 1.0"),
    (kbl.SpecAugment, {"layout": "channels_first"}, ValueError, "`layout`"),
    (kbl.SwapNoise, {"rate": 1.5}, ValueError, "rate <= 1.0. Received: rate=1.5"),
    (kbl.RandomFeatureMask, {"rate": True}, TypeError, "to be a number"),
    (kbl.Jitter, {"seed": -3}, ValueError, "seed >= 0"),
    (kbl.Jitter, {"sigma": float("inf")}, ValueError, "Received: sigma=inf"),
    (kbl.WindowWarp, {"scales": None}, ValueError, "non-empty tuple"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "text"), BAD_ARGUMENTS,
                         ids=lambda v: getattr(v, "__name__", None))
def test_bad_argument_message(cls, kwargs, error, text):
    with pytest.raises(error) as info:
        cls(**kwargs)
    message = str(info.value)
    assert text in message
    assert "Pass e.g." in message


def test_setting_a_bad_strength_later_is_refused_and_keeps_the_old_value():
    layer = kbl.Jitter(sigma=0.1)
    with pytest.raises(ValueError, match="Received: sigma=-0.5"):
        layer.sigma = -0.5
    assert layer.sigma == pytest.approx(0.1)


@pytest.mark.parametrize(("layer", "shape"), [
    (kbl.Jitter(), (4, 10, 2, 1)),
    (kbl.TimeWarp(), (10,)),
    (kbl.SwapNoise(), (10,)),
    (kbl.SpecAugment(), (2, 3, 4, 5, 6)),
    (kbl.RandomFeatureMask(), (2, 3, 4)),
])
def test_wrong_rank_says_which_shapes_are_expected(layer, shape):
    with pytest.raises(ValueError) as info:
        layer(np.zeros(shape, "float32"))
    message = str(info.value)
    assert f"`{type(layer).__name__}` expects input of shape" in message
    assert f"Received: input with shape {shape}" in message


def test_unknown_number_of_steps_is_a_clear_error():
    import tensorflow as tf

    layer = kbl.TimeWarp(seed=0)
    run = tf.function(lambda t: layer(t, training=True),
                      input_signature=[tf.TensorSpec((None, None, 1))])
    with pytest.raises(ValueError, match="needs a fixed number of steps"):
        run(np.zeros((2, 10, 1), "float32"))


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"modality": "audio"}, "`modality` to be one of ['image', 'timeseries'"),
    ({"modality": "image", "strength": "extreme"}, "`strength` to be one of ['light'"),
])
def test_preset_bad_arguments(kwargs, text):
    with pytest.raises(ValueError) as info:
        kbl.augmentation_preset(**kwargs)
    assert text in str(info.value)


def test_preset_wrong_rank():
    with pytest.raises(ValueError, match="augmentation_preset\\('tabular'\\)` expects input"):
        kbl.augmentation_preset("tabular")(np.zeros((2, 5, 3), "float32"))


@pytest.mark.parametrize("make", [lambda: kbl.TimeWarp(seed=0), lambda: kbl.Jitter(seed=0),
                                  lambda: kbl.augmentation_preset("timeseries", seed=0)])
def test_batch_without_a_channel_axis_is_refused(make):
    # keras.Input((steps,)) gives (batch, steps): not one (steps, channels) series.
    import keras

    with pytest.raises(ValueError, match=r"Add the channel axis: keras.Input\(\(steps, 1\)\)"):
        keras.Sequential([keras.Input((50,)), make()])


@pytest.mark.parametrize("cls", [kbl.Jitter, kbl.RandomScaling, kbl.MagnitudeWarp, kbl.TimeWarp,
                                 kbl.SpecAugment])
def test_integer_input_is_a_clear_type_error(cls):
    with pytest.raises(TypeError, match="expects float input. Received: dtype int32"):
        cls(seed=0)(np.ones((2, 20, 3), "int32"))


def test_tabular_layers_accept_integer_codes():
    codes = np.arange(60, dtype="int32").reshape(6, 10)
    out = np.asarray(kbl.SwapNoise(rate=0.5, seed=0)(codes))
    assert out.dtype == np.int32 and set(out.ravel()) <= set(codes.ravel())
