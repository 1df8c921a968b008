"""A small 1-D CNN on a bundled UCR set, with and without the time-series augmentation preset.

The reference guides' advice for time series is "time warping, random
shifting and added noise"; Keras has no layer for any of them. Here the
same fixed 1-D CNN (a small FCN, Wang et al. 2017) is trained twice on
GunPoint (50 training series of 150 steps, from the aeon wheel) for the same
epochs: once as is, once with ``augmentation_preset("timeseries")`` as its
first layer. The preset is the identity at inference, so ``evaluate`` and
``predict`` see the original series. The script prints both test
accuracies and writes them to ``results.csv``.

Run: ``python examples/timeseries_augmentation.py [--quick] [--output DIR]``
(needs aeon: ``pip install "keras-boost[dev]"``).
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost.datasets import load_ucr  # noqa: E402
from keras_boost.layers import augmentation_preset  # noqa: E402

BATCH = 16


def build_model(input_shape, classes, decay_steps, augmentation=None):
    """The fixed 1-D CNN; ``augmentation`` (a layer) goes first when given."""
    layers = [keras.Input(input_shape)] + ([augmentation] if augmentation else [])
    # BatchNormalization(momentum=0.9): with 3-17 steps an epoch, Keras' default 0.99
    # leaves the moving statistics behind the weights and inference accuracy collapses.
    for filters, width in ((32, 8), (64, 5), (32, 3)):
        layers += [keras.layers.Conv1D(filters, width, padding="same"),
                   keras.layers.BatchNormalization(momentum=0.9), keras.layers.ReLU()]
    layers += [keras.layers.GlobalAveragePooling1D(),
               keras.layers.Dense(classes, activation="softmax")]
    model = keras.Sequential(layers)
    # Decay the learning rate to 0 so that the last epoch's weights are settled.
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps)
    model.compile(keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (under ~30 s)")
    parser.add_argument("--output", type=Path,
                        default=Path("keras-boost-examples/timeseries_augmentation"))
    parser.add_argument("--dataset", default="GunPoint")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--strength", default="medium", choices=["light", "medium", "heavy"])
    args = parser.parse_args(argv)
    epochs = 3 if args.quick else args.epochs

    (x_train, y_train), (x_test, y_test) = load_ucr(args.dataset)
    mean, std = x_train.mean(axis=(0, 1)), x_train.std(axis=(0, 1)) + 1e-8
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    classes = int(y_train.max()) + 1
    print(f"{args.dataset}: train {x_train.shape}, test {x_test.shape}, {classes} classes, "
          f"{epochs} epochs")

    results = []
    for name in ("none", f"augmentation_preset('timeseries', '{args.strength}')"):
        keras.utils.set_random_seed(0)  # same initial weights and batches for both
        augmentation = None if name == "none" else augmentation_preset(
            "timeseries", args.strength, seed=0)
        steps = epochs * -(-len(x_train) // BATCH)
        model = build_model(x_train.shape[1:], classes, steps, augmentation)
        model.fit(x_train, y_train, batch_size=BATCH, epochs=epochs, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
        results.append((name, accuracy))
        print(f"  {name:45s} test accuracy {accuracy:.3f}")
        keras.backend.clear_session()

    args.output.mkdir(parents=True, exist_ok=True)
    with open(args.output / "results.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "augmentation", "epochs", "test_accuracy"])
        writer.writerows((args.dataset, name, epochs, f"{acc:.4f}") for name, acc in results)
    print(f"wrote {args.output / 'results.csv'} (one seed: see "
          "benchmarks/augmentation_accuracy.py for 5 seeds on 5 sets)")


if __name__ == "__main__":
    main()
