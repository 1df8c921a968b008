"""What does ``apply_preset`` cost next to the manual way (clone_model + set_weights)?

The anchor is what a user writes by hand today to get a copy with its
weights: ``keras.models.clone_model(model)`` followed by
``copy.set_weights(model.get_weights())`` (no regularization at all).
``apply_preset`` does that plus the graph trace, the regularizers and the
dropout insertion. Both run on the same models in one process (all runs of
one, then all runs of the other), and the script prints the median times and
their ratio.

Run: ``nice -n 10 python benchmarks/regularization_apply_cost.py``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost.regularization import apply_preset  # noqa: E402


def manual_copy(model):
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def models():
    yield "MLP 3x256 (Sequential)", keras.Sequential(
        [keras.Input((64,))] + [keras.layers.Dense(256, activation="relu") for _ in range(3)]
        + [keras.layers.Dense(10)])
    yield "MobileNetV2 96x96 (functional, 156 layers)", keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), weights=None, classes=10)


def timed(fn, model, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(model)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"keras {keras.__version__}; median of {args.repeats} runs\n")
    print("| model | clone_model + set_weights (s) | apply_preset medium (s) | ratio |")
    print("|---|---|---|---|")
    for name, model in models():
        manual_copy(model), apply_preset(model, "medium")  # warm-up
        anchor = timed(manual_copy, model, args.repeats)
        ours = timed(lambda m: apply_preset(m, "medium"), model, args.repeats)
        print(f"| {name} | {anchor:.3f} | {ours:.3f} | {ours / anchor:.2f}x |", flush=True)
        keras.backend.clear_session()


if __name__ == "__main__":
    main()
