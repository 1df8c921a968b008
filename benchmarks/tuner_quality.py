"""Search quality by strategy: best validation accuracy of an MLP on digits, 15 trials.

Random search, Bayesian optimization and Hyperband (all through
``kb.tuners.Tuner``, with its default per-trial early stopping) tune the
width, depth, dropout and learning rate of an MLP on scikit-learn's digits
(8x8 images, a stratified validation split), each with a budget of 15 trials
and up to 10 epochs a trial, for several seeds. Printed: the best validation
accuracy found (mean and min-max over seeds), the test accuracy of the best
trial's model, and the epochs trained in all (the search's cost).

    python benchmarks/tuner_quality.py [--seeds 0 1 2] [--trials 15] [--quick]
"""

import argparse
import os
import statistics
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost.datasets import load_digits_images  # noqa: E402
from keras_boost.tuners import Tuner  # noqa: E402


def build_model(hp):
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()])
    for i in range(hp.Int("layers", 1, 3)):
        model.add(keras.layers.Dense(hp.Int(f"units_{i}", 16, 256, step=16), activation="relu"))
        model.add(keras.layers.Dropout(hp.Float(f"dropout_{i}", 0.0, 0.5, step=0.1)))
    model.add(keras.layers.Dense(10))
    model.compile(keras.optimizers.Adam(hp.Float("learning_rate", 1e-4, 3e-2, sampling="log")),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


class CountEpochs(keras.callbacks.Callback):
    epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        CountEpochs.epochs += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="1 seed, 3 trials, 2 epochs")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.epochs = [0], 3, 2
    (x, y), (x_test, y_test) = load_digits_images()
    cut = len(x) * 4 // 5  # load_digits_images shuffles (stratified split): take the last fifth
    validation = (x[cut:], y[cut:])
    options = {"random": {}, "bayesian": {},
               "hyperband": {"max_epochs": args.epochs, "factor": 3}}
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for strategy, extra in options.items():
            val, test, epochs = [], [], []
            for seed in args.seeds:
                CountEpochs.epochs = 0
                keras.utils.set_random_seed(seed)
                tuner = Tuner(build_model, strategy=strategy, objective="val_accuracy",
                              max_trials=args.trials, seed=seed, directory=directory,
                              project_name=f"{strategy}_{seed}", **extra)
                tuner.search(x[:cut], y[:cut], epochs=args.epochs, validation_data=validation,
                             callbacks=[CountEpochs()], verbose=0)
                scores = [r["score"] for r in tuner.results() if r["score"] is not None]
                val.append(max(scores))
                logits = tuner.best_model().predict(x_test, verbose=0)
                test.append(float(np.mean(np.argmax(logits, axis=1) == y_test)))
                epochs.append(CountEpochs.epochs)
            rows.append((strategy, val, test, epochs))
    print(f"digits MLP (layers, units, dropout, learning rate), {args.trials} trials, "
          f"<= {args.epochs} epochs a trial, seeds {args.seeds}\n")
    print("| strategy | best val accuracy, mean (min-max) | test accuracy of best model, mean "
          "| epochs trained, mean |")
    print("|---|---|---|---|")
    for strategy, val, test, epochs in rows:
        print(f"| {strategy} | {statistics.mean(val):.4f} ({min(val):.4f}-{max(val):.4f}) | "
              f"{statistics.mean(test):.4f} | {statistics.mean(epochs):.0f} |")


if __name__ == "__main__":
    main()
