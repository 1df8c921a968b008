"""The bundled datasets load without a network, with the documented shapes."""

import numpy as np
import pytest

from keras_boost.datasets import BUNDLED_UCR_SETS, load_digits_images, load_ucr


def test_digits_subset_is_stratified_and_scaled():
    (x_train, y_train), (x_test, y_test) = load_digits_images(n_train=200, seed=1)
    assert x_train.shape == (200, 8, 8, 1) and x_train.dtype == np.float32
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert np.bincount(y_train).min() >= 19  # every class kept, ~20 each
    assert len(x_test) == len(y_test) == 450


@pytest.mark.parametrize("n_train", [1337, 1338, 1346, 1347])
def test_digits_subset_near_the_full_training_split(n_train):
    (x_train, y_train), _ = load_digits_images(n_train=n_train)
    assert len(x_train) == len(y_train) == n_train
    assert set(y_train) == set(range(10))


def test_digits_rejects_an_impossible_subset():
    with pytest.raises(ValueError, match="n_train=5"):
        load_digits_images(n_train=5)


@pytest.mark.parametrize("name", ["GunPoint", "BasicMotions", "JapaneseVowels"])
def test_ucr_sets_read_from_the_installed_wheel(name):
    assert name in BUNDLED_UCR_SETS
    (x_train, y_train), (x_test, y_test) = load_ucr(name)
    assert x_train.ndim == 3 and x_train.shape[1:] == x_test.shape[1:]
    assert np.isfinite(x_train).all()
    assert set(y_test) <= set(y_train) and y_train.min() == 0


def test_ucr_unknown_set_says_what_to_pass():
    with pytest.raises(FileNotFoundError, match="GunPoint"):
        load_ucr("NoSuchSet")


def test_ucr_regression_set_is_refused_not_turned_into_labels():
    # CardanoSentiment ships in aeon's wheel with one float target per series.
    from keras_boost.datasets import ucr_data_dir

    try:
        ucr_data_dir("CardanoSentiment")
    except FileNotFoundError:
        pytest.skip("this aeon wheel does not bundle CardanoSentiment")
    with pytest.raises(ValueError, match="regression set"):
        load_ucr("CardanoSentiment")
