"""An image classifier on digits with dropout, AdaptiveEarlyStopping and the OverfittingDetector.

The reference guides train a small CNN with dropout for a fixed number of
epochs (or with ``EarlyStopping(patience=...)``) and read the history plot by
eye to see whether it overfits. Here the same ``model.fit`` call gets two
callbacks: ``OverfittingDetector`` says whether and since when the model
overfits (and adds the generalization gap to the history), and
``AdaptiveEarlyStopping`` stops without a guessed patience and restores the
best epoch. The script prints the stop reason, the diagnosis with its report
and the test accuracy, and saves the history plots.

Run: ``python examples/image_classifier_callbacks.py [--quick] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector  # noqa: E402
from keras_boost.datasets import load_digits_images  # noqa: E402


def build_model():
    """The guides' small CNN with dropout."""
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="digits_cnn")


def plot_accuracy(history, detector, path):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3))
    axis = figure.subplots()
    axis.plot(history.history["accuracy"], label="accuracy")
    axis.plot(history.history["val_accuracy"], label="val_accuracy")
    if detector.onset_epoch is not None:
        axis.axvline(detector.onset_epoch, color="gray", linestyle="--", label="overfitting onset")
    axis.set_xlabel("epoch")
    axis.legend(loc="best")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (under ~30 s)")
    parser.add_argument("--output", type=Path,
                        default=Path("keras-boost-examples/image_classifier_callbacks"))
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    # A small training set makes overfitting visible within a few dozen epochs.
    (x_train, y_train), (x_test, y_test) = load_digits_images(n_train=200 if args.quick else 400)
    epochs = 40 if args.quick else 150

    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    detector = OverfittingDetector()  # warns once when overfitting starts
    stopper = AdaptiveEarlyStopping()  # no patience to guess
    history = model.fit(x_train, y_train, validation_split=0.25, epochs=epochs, batch_size=32,
                        verbose=0, callbacks=[detector, stopper])

    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Trained {len(history.history['loss'])} of {epochs} epochs.")
    print(stopper.summary(), "(epochs are numbered from 0, as in History)")
    print(f"Test accuracy of the restored model: {accuracy:.3f}")
    print(detector.report())
    detector.plot(args.output / "loss_and_gap.png")
    plot_accuracy(history, detector, args.output / "accuracy.png")
    print(f"Plots: {args.output / 'loss_and_gap.png'}, {args.output / 'accuracy.png'}")


if __name__ == "__main__":
    main()
