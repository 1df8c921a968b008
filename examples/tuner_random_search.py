"""The guides' random search over units and learning rate, then the best retrained on all data.

building-better-models.txt tunes ``model_builder(hp)`` (the width of one
Dense layer and Adam's learning rate) with ``keras_tuner.RandomSearch`` and
advises to retrain the best configuration on the full dataset rather than
keep the search's model. Here the same ``model_builder`` (on sklearn's 8x8
digits instead of 28x28 MNIST, which cannot be downloaded here) runs through
``kb.tuners.Tuner``: one line changes. The search prints one line per trial,
writes its results table to CSV, and ``retrain_best`` trains the best
configuration from scratch on training + validation data. The script prints
the best hyperparameters and the test accuracy of the search's best model and
of the retrained one.

Run: ``python examples/tuner_random_search.py [--quick] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost.datasets import load_digits_images  # noqa: E402
from keras_boost.tuners import Tuner  # noqa: E402


def model_builder(hp):
    """The guide's model_builder, with 8x8 inputs."""
    model = keras.Sequential()
    model.add(keras.Input((8, 8)))
    model.add(keras.layers.Flatten())
    hp_units = hp.Int("units", min_value=32, max_value=512, step=32)
    model.add(keras.layers.Dense(units=hp_units, activation="relu"))
    model.add(keras.layers.Dense(10))
    hp_learning_rate = hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=hp_learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def test_accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 trials of 2 epochs: a smoke run")
    parser.add_argument("--output", default="keras-boost-examples/tuner_random_search")
    args = parser.parse_args(argv)
    max_trials, epochs = (3, 2) if args.quick else (10, 30)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)

    (x, y), (x_test, y_test) = load_digits_images(seed=0)
    x, x_test = x[..., 0], x_test[..., 0]  # (n, 8, 8), like the guide's (n, 28, 28)
    cut = len(x) * 4 // 5
    img_train, label_train, img_val, label_val = x[:cut], y[:cut], x[cut:], y[cut:]

    # Before: tuner = kt.RandomSearch(model_builder, objective='val_accuracy', max_trials=10,
    #                                 directory='random_search_starter', project_name='intro_to_kt')
    tuner = Tuner(model_builder, strategy="random", objective="val_accuracy",
                  max_trials=max_trials, seed=0, directory=str(output / "search"),
                  project_name="intro_to_kt", overwrite=True)
    tuner.search(img_train, label_train, epochs=epochs, validation_data=(img_val, label_val))

    best = tuner.best_hyperparameters()[0]
    tuner.results(format="csv", path=str(output / "results.csv"))
    search_model = tuner.best_model()
    final_model = tuner.retrain_best(x, y, verbose=0)  # all the training data, from scratch
    print(f"best hyperparameters: units={best['units']}, learning_rate={best['learning_rate']}")
    for name, model in (("the search's best model", search_model),
                        ("best retrained on all data", final_model)):
        print(f"test accuracy, {name}: {test_accuracy(model, x_test, y_test):.4f}")
    print(f"results table: {output / 'results.csv'}")


if __name__ == "__main__":
    main()
