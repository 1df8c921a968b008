"""The guides' L2 + dropout, done by one preset on the model you already have.

The reference guides regularize by hand: ``kernel_regularizer=l2(...)`` on
every Dense layer and ``Dropout`` after each hidden one, typed into the model
definition. Here the plain model is built and compiled the usual way, then
``apply_preset(model, "medium")`` returns a regularized copy (same initial
weights, same compile settings) and both are trained for the same epochs on
200 of sklearn's digits. The script prints what the preset added and the
test accuracy and train-validation gap of both.

Run: ``python examples/regularization_preset.py [--quick] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost.datasets import load_digits_images  # noqa: E402
from keras_boost.regularization import apply_preset, describe  # noqa: E402


def build_model():
    """The guides' MLP, without the hand-written regularization."""
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="guide_mlp")


def train(model, data, epochs):
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs, batch_size=32,
              verbose=0)
    accuracy = {name: model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
                for name, (x, y) in {"train": (x_train, y_train), "val": (x_val, y_val),
                                     "test": (x_test, y_test)}.items()}
    return {"test_accuracy": accuracy["test"], "gap": accuracy["train"] - accuracy["val"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs: a smoke run")
    parser.add_argument("--output", default="keras-boost-examples/regularization_preset")
    args = parser.parse_args(argv)
    epochs = 5 if args.quick else 80
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_rest, y_rest) = load_digits_images(n_train=200, seed=0)
    data = ((x_train, y_train), (x_rest[:150], y_rest[:150]), (x_rest[150:], y_rest[150:]))

    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # The one line: a regularized copy, same weights, compiled the same way.
    regularized = apply_preset(model, "medium", seed=0)
    print(describe(model, "medium"))

    results = {"plain": train(model, data, epochs), "medium": train(regularized, data, epochs)}
    print(f"\n{epochs} epochs on 200 digits | test accuracy | train - val gap")
    for name, result in results.items():
        print(f"{name:>6} | {result['test_accuracy']:.3f} | {result['gap']:+.3f}")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps({"epochs": epochs, **results}, indent=2))
    print(f"\nwrote {output / 'results.json'}")
    return results


if __name__ == "__main__":
    main()
