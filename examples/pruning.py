"""Prune a trained digits CNN to 80% sparsity and compare zipped sizes.

The workflow of "improving a trained model": train a dense model, fine-tune it
while pruning (keras-boost's drop-in for tfmot's ``prune_low_magnitude`` on
Keras 3), strip the wrappers, then compare test accuracy and the zipped size
of the weights with the dense model.

Run:  python examples/pruning.py [--quick] [--output DIR]
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost import pruning  # noqa: E402
from keras_boost.datasets import load_digits_images  # noqa: E402


def build_cnn():
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10),
    ])


def compile_(model):
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (about 20 s)")
    parser.add_argument("--output", default="keras-boost-examples/pruning",
                        help="folder for the stripped model and the report")
    parser.add_argument("--sparsity", type=float, default=0.8)
    args = parser.parse_args(argv)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)

    (x, y), (x_test, y_test) = load_digits_images()
    dense_epochs, prune_epochs, batch = (4, 3, 32) if args.quick else (15, 10, 32)

    dense = compile_(build_cnn())
    dense.fit(x, y, batch_size=batch, epochs=dense_epochs, verbose=0)
    dense_accuracy = dense.evaluate(x_test, y_test, verbose=0)[1]

    end_step = prune_epochs * math.ceil(len(x) / batch)
    schedule = pruning.PolynomialDecay(0.0, args.sparsity, begin_step=0, end_step=end_step,
                                       frequency=10)
    pruned = compile_(pruning.prune_low_magnitude(dense, schedule))
    pruned.fit(x, y, batch_size=batch, epochs=prune_epochs, verbose=0,
               callbacks=[pruning.UpdatePruningStep()])
    stripped = compile_(pruning.strip_pruning(pruned))
    pruned_accuracy = stripped.evaluate(x_test, y_test, verbose=0)[1]

    report = pruning.sparsity_report(stripped, dense_model=dense)
    text = (f"{report}\n\ntest accuracy: dense {dense_accuracy:.4f}, "
            f"pruned to {report.sparsity:.0%} {pruned_accuracy:.4f}\n"
            f"zipped weights: {report.zipped_bytes} bytes vs {report.dense_zipped_bytes} dense "
            f"({report.size_ratio:.2f}x)")
    print(text)
    stripped.save(output / "pruned_stripped.keras")
    (output / "report.txt").write_text(text + "\n")
    print(f"wrote {output / 'pruned_stripped.keras'} and {output / 'report.txt'}")
    assert np.isfinite(pruned_accuracy)


if __name__ == "__main__":
    main()
