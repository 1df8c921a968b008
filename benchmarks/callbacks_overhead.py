"""Overhead of AdaptiveEarlyStopping + OverfittingDetector on a plain ``fit``.

The same small model on scikit-learn's digits is trained for a fixed number of
epochs, plain and with both callbacks, in alternation in one process (a
helper callback placed last keeps training going, so both run the same
epochs). Prints the median wall time of each, their ratio, and the time spent
inside the two callbacks' hooks as a share of the ``fit`` time (the steadier
figure on a busy machine).

    python benchmarks/callbacks_overhead.py [--repeats 7] [--epochs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector  # noqa: E402


class KeepGoing(keras.callbacks.Callback):
    """Undo any stop request so both variants train the same number of epochs."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = False


def timed(callback_class):
    """A subclass of ``callback_class`` that adds up the time spent in its hooks."""

    class Timed(callback_class):
        def on_train_begin(self, logs=None):
            self.hook_seconds = 0.0
            self._time(super().on_train_begin, logs)

        def _time(self, hook, *args):
            start = time.perf_counter()
            hook(*args)
            self.hook_seconds += time.perf_counter() - start

        def on_epoch_begin(self, epoch, logs=None):
            self._time(super().on_epoch_begin, epoch, logs)

        def on_epoch_end(self, epoch, logs=None):
            self._time(super().on_epoch_end, epoch, logs)

        def on_train_end(self, logs=None):
            self._time(super().on_train_end, logs)

    return Timed


def data():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y


def model():
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dropout(0.2), keras.layers.Dense(10)])
    m.compile(optimizer="adam", metrics=["accuracy"],
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return m


def run(x, y, epochs, boosted):
    m = model()
    extra = []
    if boosted:
        extra = [timed(OverfittingDetector)(action=None), timed(AdaptiveEarlyStopping)()]
    start = time.perf_counter()
    m.fit(x, y, validation_split=0.2, epochs=epochs, batch_size=64, verbose=0,
          callbacks=[*extra, KeepGoing()])
    seconds = time.perf_counter() - start
    return seconds, sum(cb.hook_seconds for cb in extra)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    x, y = data()
    run(x, y, 2, True)  # warm-up: tracing, imports
    plain, boosted, hooks = [], [], []
    for _ in range(args.repeats):
        plain.append(run(x, y, args.epochs, False)[0])
        seconds, hook_seconds = run(x, y, args.epochs, True)
        boosted.append(seconds)
        hooks.append(hook_seconds / seconds)
    p, b = statistics.median(plain), statistics.median(boosted)
    print(f"digits MLP, {args.epochs} epochs, {args.repeats} alternating repeats, "
          f"keras {keras.__version__}\n")
    print("| fit | median wall time (s) | ratio to plain |")
    print("|---|---|---|")
    print(f"| plain | {p:.3f} | 1.000 |")
    print(f"| + OverfittingDetector + AdaptiveEarlyStopping | {b:.3f} | {b / p:.3f} |")
    print(f"\nTime inside the two callbacks' hooks: median {100 * statistics.median(hooks):.3f}% "
          f"of the fit (max {100 * max(hooks):.3f}%). Pairwise ratios: "
          f"{', '.join(f'{bb / pp:.3f}' for pp, bb in zip(plain, boosted, strict=True))}.")
    print(f"Target (<= 1% overhead): hook time {'met' if np.median(hooks) <= 0.01 else 'NOT met'}.")


if __name__ == "__main__":
    main()
