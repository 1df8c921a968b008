"""A small grid search run as its own process by test_processes.py.

python search_script.py DIRECTORY LOG [--hang-on-fit N] [--results PATH]

Every fit appends "<tuner id> begin|end <units>-<learning rate>" to LOG; with
--hang-on-fit N the N-th fit of this process hangs (to be killed); the chief
of a distributed search (KERASTUNER_TUNER_ID=chief) writes results() to PATH.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
from tuner_helpers import build_mlp, mlp_data  # noqa: E402

from keras_boost.tuners import Tuner  # noqa: E402


class LogFits(keras.callbacks.Callback):
    fits = 0  # fits started in this process (class attribute: keras-tuner copies callbacks)

    def __init__(self, path, hang_on_fit):
        super().__init__()
        self.path, self.hang_on_fit = path, hang_on_fit

    def _log(self, event):
        key = f"{self.model.layers[0].units}-{float(self.model.optimizer.learning_rate):g}"
        with open(self.path, "a") as f:
            f.write(f"{os.environ.get('KERASTUNER_TUNER_ID', 'tuner0')} {event} {key}\n")

    def on_train_begin(self, logs=None):
        LogFits.fits += 1
        self._log("begin")
        if LogFits.fits == self.hang_on_fit:
            time.sleep(600)

    def on_train_end(self, logs=None):
        self._log("end")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("log")
    parser.add_argument("--hang-on-fit", type=int, default=0)
    parser.add_argument("--max-trials", type=int, default=None)
    parser.add_argument("--results")
    args = parser.parse_args()
    x, y = mlp_data()
    tuner = Tuner(build_mlp, strategy="grid", max_trials=args.max_trials,
                  directory=args.directory, project_name="search")
    tuner.search(x, y, epochs=1, validation_split=0.25, early_stopping=False,
                 callbacks=[LogFits(args.log, args.hang_on_fit)])
    if args.results:
        tuner.results(format="json", path=args.results)


if __name__ == "__main__":
    main()
