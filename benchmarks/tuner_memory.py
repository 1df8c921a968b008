"""Resident memory of a long search: after trial 3 against after trial 30.

The same 30-trial random search (a small MLP on scikit-learn's digits, one
epoch a trial) runs in a fresh process for raw ``keras_tuner.RandomSearch``
and for ``kb.tuners.Tuner``; a callback records the process's resident set
size (RSS, psutil) at the end of each trial's ``fit``.

    python benchmarks/tuner_memory.py [--trials 30] [--quick]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def child(kind, trials, directory):
    import keras
    import keras_tuner as kt
    import psutil

    from keras_boost.datasets import load_digits_images
    from keras_boost.tuners import Tuner

    def build_model(hp):  # 32 x 3 = 96 points: enough for 30 distinct trials
        model = keras.Sequential([
            keras.Input((8, 8, 1)), keras.layers.Flatten(),
            keras.layers.Dense(hp.Int("units", 8, 256, step=8), activation="relu"),
            keras.layers.Dense(10)])
        model.compile(keras.optimizers.Adam(hp.Choice("learning_rate", [1e-2, 3e-3, 1e-3])),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        return model

    process, rss = psutil.Process(), []

    class RecordRSS(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            rss.append(process.memory_info().rss / 2**20)

    (x, y), validation = load_digits_images(n_train=600)
    fit = dict(epochs=1, validation_data=validation, callbacks=[RecordRSS()], verbose=0)
    if kind == "keras-tuner":
        tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=trials,
                                seed=7, directory=directory, project_name=kind)
        tuner.search(x, y, **fit)
    else:
        tuner = Tuner(build_model, objective="val_accuracy", max_trials=trials, seed=7,
                      directory=directory, project_name=kind)
        tuner.search(x, y, early_stopping=False, **fit)
    print(json.dumps(rss))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="6 trials")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.trials, args.directory)
    trials = 6 if args.quick else args.trials
    print(f"random search, {trials} trials x 1 epoch, digits MLP, one fresh process each; "
          "RSS at the end of a trial\n")
    print(f"| tuner | RSS after trial 3 (MiB) | RSS after trial {trials} (MiB) | growth (MiB) "
          "| per trial (MiB) |")
    print("|---|---|---|---|---|")
    for kind in ("keras-tuner", "kb.tuners.Tuner"):
        with tempfile.TemporaryDirectory() as directory:
            out = subprocess.run([sys.executable, __file__, "--child", kind, "--trials",
                                  str(trials), "--directory", directory],
                                 capture_output=True, text=True, check=True)
        rss = json.loads(out.stdout.strip().splitlines()[-1])
        growth = rss[trials - 1] - rss[2]
        print(f"| {kind} | {rss[2]:.0f} | {rss[trials - 1]:.0f} | {growth:+.0f} "
              f"| {growth / (trials - 3):+.2f} |")


if __name__ == "__main__":
    main()
