"""keras-boost pruning (Keras 3) against tfmot (tf_keras), side by side in one process.

Same architecture, initial weights, data, optimizer and schedule:

1. MLP 784-300-100-10 on 20k x 784 generated inputs (labels from a random
   teacher network), batch 128, 3 epochs, ``PolynomialDecay(0.5 -> 0.8)`` at
   the default frequency (100): ``fit`` time of the pruned model over the
   unpruned one for each library, final sparsity, test accuracy and the
   zipped size of the stripped model against the dense one.
2. A small CNN on scikit-learn's digits: a dense model is trained, then
   pruned while fine-tuning to 50, 80 and 90% (``PolynomialDecay(0 -> s)``),
   test accuracy averaged over seeds, for each library.

Run:  nice -n 10 python benchmarks/pruning_vs_tfmot.py [--quick] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_boost import pruning  # noqa: E402
from keras_boost.pruning import _tfmot  # noqa: E402
from keras_boost.pruning.report import zipped_size  # noqa: E402

tfmot_sparsity = _tfmot.sparsity_module()  # the bridge: os.environ left as it was
import tf_keras  # noqa: E402


def teacher_data(n, d=784, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    w1 = rng.normal(size=(d, 64)) / np.sqrt(d)
    w2 = rng.normal(size=(64, classes)) / 8
    y = np.argmax(np.tanh(x @ w1) @ w2 + 0.1 * rng.normal(size=(n, classes)), axis=1)
    return x, y.astype("int32")


def mlp(lib, d=784):
    layers = lib.layers
    return lib.Sequential([lib.Input((d,)), layers.Dense(300, activation="relu"),
                           layers.Dense(100, activation="relu"), layers.Dense(10)])


def cnn(lib):
    layers = lib.layers
    return lib.Sequential([lib.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu"),
                           layers.Conv2D(32, 3, activation="relu"), layers.Flatten(),
                           layers.Dense(64, activation="relu"), layers.Dense(10)])


def compile_(model, lib):
    model.compile(lib.optimizers.Adam(1e-3),
                  lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def epoch_clock(lib):
    """A callback (of ``lib``) that records when each epoch starts and ends."""

    class Clock(lib.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.stamps = []

        def on_epoch_begin(self, epoch, logs=None):
            self.stamps.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            self.stamps.append(time.perf_counter())

    return Clock()


def timed_fit(model, x, y, epochs, batch, callbacks=()):
    """Seconds of the whole ``fit`` and of the epochs after the first (no tracing)."""
    lib = tf_keras if type(model).__module__.startswith("tf_keras") else keras
    clock = epoch_clock(lib)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True,
              callbacks=[*callbacks, clock])
    total = time.perf_counter() - start
    return total, (clock.stamps[-1] - clock.stamps[2]) if epochs > 1 else total


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, verbose=0, batch_size=1024), 1) == y))


def kernel_sparsity(model):
    kernels = [w for w in model.get_weights() if w.ndim > 1]
    return 1.0 - sum(np.count_nonzero(k) for k in kernels) / sum(k.size for k in kernels)


def run_pair(build, x, y, xt, yt, epochs, batch, ours_schedule, tfmot_schedule, init=None):
    """Dense and pruned fits for both libraries from the same initial weights."""
    init = init if init is not None else build(keras).get_weights()
    out = {}
    dense = build(keras)
    dense.set_weights(init)
    out["ours_dense_s"], out["ours_dense_later_s"] = timed_fit(compile_(dense, keras), x, y,
                                                                epochs, batch)
    pruned = pruning.prune_low_magnitude(_with_weights(build(keras), init), ours_schedule)
    out["ours_pruned_s"], out["ours_pruned_later_s"] = timed_fit(
        compile_(pruned, keras), x, y, epochs, batch, [pruning.UpdatePruningStep()])
    stripped = pruning.strip_pruning(pruned)
    out.update(ours_acc=accuracy(pruned, xt, yt), ours_sparsity=kernel_sparsity(stripped),
               ours_zip=zipped_size(stripped), dense_zip=zipped_size(dense),
               ours_dense_acc=accuracy(dense, xt, yt))

    tdense = _with_weights(build(tf_keras), init)
    out["tfmot_dense_s"], out["tfmot_dense_later_s"] = timed_fit(compile_(tdense, tf_keras), x,
                                                                  y, epochs, batch)
    tpruned = tfmot_sparsity.prune_low_magnitude(_with_weights(build(tf_keras), init),
                                                 pruning_schedule=tfmot_schedule)
    out["tfmot_pruned_s"], out["tfmot_pruned_later_s"] = timed_fit(
        compile_(tpruned, tf_keras), x, y, epochs, batch, [tfmot_sparsity.UpdatePruningStep()])
    tstripped = tfmot_sparsity.strip_pruning(tpruned)
    out.update(tfmot_acc=accuracy(tpruned, xt, yt), tfmot_sparsity=kernel_sparsity(tstripped),
               tfmot_zip=zipped_size(tstripped), tfmot_dense_zip=zipped_size(tdense),
               tfmot_dense_acc=accuracy(tdense, xt, yt))
    return out


def _with_weights(model, weights):
    model.set_weights(weights)
    return model


def mlp_benchmark(n, epochs, batch, repeats):
    x, y = teacher_data(n + 4000)
    x, y, xt, yt = x[:n], y[:n], x[n:], y[n:]
    end = epochs * int(np.ceil(n / batch))
    ours = pruning.PolynomialDecay(0.5, 0.8, begin_step=0, end_step=end)
    theirs = tfmot_sparsity.PolynomialDecay(0.5, 0.8, begin_step=0, end_step=end)
    runs = []
    for repeat in range(repeats):
        keras.utils.set_random_seed(repeat)
        runs.append(run_pair(mlp, x, y, xt, yt, epochs, batch, ours, theirs))
    best = {k: min(r[k] for r in runs) for k in runs[0] if k.endswith("_s")}
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    last = runs[-1]
    print(f"\n### MLP 784-300-100-10, {n} x 784 generated, batch {batch}, {epochs} epochs, "
          f"PolynomialDecay(0.5 -> 0.8, end_step={end}, frequency=100); times: best of "
          f"{repeats}, accuracy: mean of {repeats}\n")
    print("| | unpruned fit (s) | pruned fit (s) | pruned / unpruned | same, epochs 2+ "
          "| final sparsity | test accuracy pruned (dense) | zipped stripped / dense |")
    print("|---|---|---|---|---|---|---|---|")
    ratios = {}
    for lib, name in (("tfmot", "tfmot 0.8.1 (tf_keras)"), ("ours", "keras-boost (Keras 3)")):
        ratio = best[f"{lib}_pruned_s"] / best[f"{lib}_dense_s"]
        later = best[f"{lib}_pruned_later_s"] / best[f"{lib}_dense_later_s"]
        ratios[lib] = ratio
        dense_zip = last["dense_zip"] if lib == "ours" else last["tfmot_dense_zip"]
        print(f"| {name} | {best[f'{lib}_dense_s']:.2f} | {best[f'{lib}_pruned_s']:.2f} | "
              f"{ratio:.3f}x | {later:.3f}x | {last[f'{lib}_sparsity']:.4f} | "
              f"{mean[f'{lib}_acc']:.4f} ({mean[f'{lib}_dense_acc']:.4f}) | "
              f"{last[f'{lib}_zip'] / dense_zip:.3f} |")
    print(f"\nours / tfmot overhead ratio: {ratios['ours'] / ratios['tfmot']:.3f}; "
          f"zipped weights (bytes): ours {last['ours_zip']} vs dense {last['dense_zip']}, "
          f"tfmot {last['tfmot_zip']} vs dense {last['tfmot_dense_zip']}")


def cnn_benchmark(seeds, dense_epochs, prune_epochs, targets):
    from keras_boost.datasets import load_digits_images

    (x, y), (xt, yt) = load_digits_images()
    batch = 32
    end = prune_epochs * int(np.ceil(len(x) / batch))
    rows, dense_accuracy = {}, []
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        dense = compile_(cnn(keras), keras)
        dense.fit(x, y, batch_size=batch, epochs=dense_epochs, verbose=0)
        dense_accuracy.append(accuracy(dense, xt, yt))
        trained = dense.get_weights()
        for target in targets:
            ours = pruning.PolynomialDecay(0.0, target, 0, end, frequency=10)
            theirs = tfmot_sparsity.PolynomialDecay(0.0, target, 0, end, frequency=10)
            r = run_pair(cnn, x, y, xt, yt, prune_epochs, batch, ours, theirs, init=trained)
            rows.setdefault(target, []).append(r)
    print(f"\n### Small CNN on digits ({len(x)} train / {len(xt)} test), dense {dense_epochs} "
          f"epochs then pruned while fine-tuning {prune_epochs} epochs, "
          f"PolynomialDecay(0 -> s, frequency=10); mean of {seeds} seeds\n")
    print("| target | tfmot accuracy | ours accuracy | difference (points) | tfmot sparsity "
          "| ours sparsity | tfmot pruned/unpruned time | ours pruned/unpruned time |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| dense | {np.mean(dense_accuracy):.4f} | {np.mean(dense_accuracy):.4f} | | | | | |")
    for target, runs in rows.items():
        m = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        print(f"| {target:.0%} | {m['tfmot_acc']:.4f} | {m['ours_acc']:.4f} | "
              f"{100 * (m['ours_acc'] - m['tfmot_acc']):+.2f} | {m['tfmot_sparsity']:.4f} | "
              f"{m['ours_sparsity']:.4f} | {m['tfmot_pruned_s'] / m['tfmot_dense_s']:.3f}x | "
              f"{m['ours_pruned_s'] / m['ours_dense_s']:.3f}x |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (smoke run)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--skip-mlp", action="store_true")
    parser.add_argument("--skip-cnn", action="store_true")
    args = parser.parse_args(argv)
    print(f"tensorflow {tf.__version__}, keras {keras.__version__}, "
          f"tf_keras {tf_keras.__version__}, tfmot 0.8.1; CPU threads: {os.cpu_count()}")
    if not args.skip_mlp:
        if args.quick:
            mlp_benchmark(n=2000, epochs=1, batch=128, repeats=1)
        else:
            mlp_benchmark(n=20000, epochs=3, batch=128, repeats=args.repeats)
    if not args.skip_cnn:
        if args.quick:
            cnn_benchmark(seeds=1, dense_epochs=1, prune_epochs=1, targets=(0.8,))
        else:
            cnn_benchmark(seeds=args.seeds, dense_epochs=10, prune_epochs=10,
                          targets=(0.5, 0.8, 0.9))


if __name__ == "__main__":
    main()
