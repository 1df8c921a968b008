"""Wall time of a search through ``kb.tuners.Tuner`` against raw keras-tuner.

The same random search (same seed, so the same trials: this is checked) on
scikit-learn's digits with a small MLP, run by ``keras_tuner.RandomSearch``
and by ``Tuner(strategy="random")`` in one process, alternating the order.
Wall time is the target; the process CPU time (all threads) is printed
beside it because it is less disturbed by other processes on a shared
machine. The facade runs with ``early_stopping=False`` so both train the
same epochs. It runs twice: as shipped, and with its garbage-collection
saving (``_memory.gc_frozen``) switched off, which leaves its extra work
alone (the pre-search objective check, progress lines, per-trial records,
freeing each trial's graphs). Target: ratio <= 1.05.

    python benchmarks/tuner_overhead.py [--trials 10] [--epochs 3] [--repeats 3] [--quick]
"""

import argparse
import contextlib
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402

from keras_boost.datasets import load_digits_images  # noqa: E402
from keras_boost.tuners import Tuner, _memory  # noqa: E402

GC_FROZEN = _memory.gc_frozen


def build_model(hp):
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(hp.Int("units", 16, 128, step=16), activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(keras.optimizers.Adam(hp.Choice("learning_rate", [1e-2, 3e-3, 1e-3])),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


RAW, OURS, OURS_UNFROZEN = "keras-tuner", "kb.tuners.Tuner", "kb.tuners.Tuner, no gc freeze"


def run(kind, data, args, directory):
    (x, y), validation = data
    unfrozen = kind == OURS_UNFROZEN
    if unfrozen:  # the facade's own work alone, without its garbage-collection saving
        _memory.gc_frozen = contextlib.nullcontext
    start, cpu = time.perf_counter(), time.process_time()
    if kind == RAW:
        tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=args.trials,
                                seed=7, directory=directory, project_name=kind, overwrite=True)
        tuner.search(x, y, epochs=args.epochs, validation_data=validation, verbose=0)
        trials = tuner.oracle.trials.values()
    else:
        tuner = Tuner(build_model, strategy="random", objective="val_accuracy",
                      max_trials=args.trials, seed=7, directory=directory, project_name=kind,
                      overwrite=True)
        tuner.search(x, y, epochs=args.epochs, validation_data=validation, verbose=0,
                     early_stopping=False)
        trials = tuner.oracle.trials.values()
    seconds = (time.perf_counter() - start, time.process_time() - cpu)
    _memory.gc_frozen = GC_FROZEN
    return seconds, [tuple(sorted(t.hyperparameters.values.items())) for t in trials]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3 trials, 1 epoch, 1 repeat")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.epochs, args.repeats = 3, 1, 1
    (x, y), validation = load_digits_images(n_train=600)
    data = ((x, y), validation)
    times = {RAW: [], OURS: [], OURS_UNFROZEN: []}
    with tempfile.TemporaryDirectory() as directory:
        for repeat in range(args.repeats):
            order = list(times) if repeat % 2 == 0 else list(times)[::-1]
            trials = {}
            for kind in order:
                seconds, trials[kind] = run(kind, data, args, directory)
                times[kind].append(seconds)
            assert trials[RAW] == trials[OURS] == trials[OURS_UNFROZEN], "not the same trials"
    print(f"random search, {args.trials} trials x {args.epochs} epochs, digits MLP "
          f"(600 training images), {args.repeats} repeats, same trials checked, "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| tuner | median wall (s) | wall, all runs (s) | median CPU (s) | CPU, all runs (s) |")
    print("|---|---|---|---|---|")
    for kind, values in times.items():
        wall, cpu = zip(*values, strict=True)
        print(f"| {kind} | {statistics.median(wall):.2f} | {', '.join(f'{v:.2f}' for v in wall)} "
              f"| {statistics.median(cpu):.2f} | {', '.join(f'{v:.2f}' for v in cpu)} |")
    print()
    for kind in (OURS, OURS_UNFROZEN):
        for i, name in ((0, "wall time"), (1, "CPU time")):
            raw, ours = (statistics.median(v[i] for v in times[k]) for k in (RAW, kind))
            print(f"ratio {kind} / keras-tuner, median {name}: {ours / raw:.3f}"
                  f"{' (target <= 1.05)' if i == 0 else ''}")


if __name__ == "__main__":
    main()
