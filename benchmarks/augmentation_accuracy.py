"""Accuracy: a fixed small 1-D CNN on bundled UCR/UEA sets, with and without augmentation.

For each dataset and seed, the same model (same initial weights, same
optimizer steps, same batches) is trained twice: once without augmentation and once
with ``kb.layers.augmentation_preset("timeseries", STRENGTH)`` as its first
layer. Prints mean (and std over seeds) test accuracy per dataset and the
paired difference.

    python benchmarks/augmentation_accuracy.py                # 5 small sets x 5 seeds
    python benchmarks/augmentation_accuracy.py --quick        # smoke run
    python benchmarks/augmentation_accuracy.py --epochs 300   # the earlier budget, per epoch

Every set trains for the same number of optimizer steps (``--steps``, default
3000: 1000 epochs of ArrowHead's 36 series, 177 of JapaneseVowels' 270). A
fixed epoch count gives the smallest sets the fewest steps: at 300 epochs
ArrowHead's baseline was still undertrained (0.738, against 0.830 at 3000
steps; docs/benchmarks.md), so the comparison measured how fast each arm
converged rather than how well it generalised.

Needs aeon (the UCR/UEA files): pip install "keras-boost[dev]".
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_boost.layers as kbl  # noqa: E402
from keras_boost.datasets import BUNDLED_UCR_SETS, load_ucr  # noqa: E402

# OSULeaf (200 x 427) and ACSF1 (100 x 1460) take 10-30 minutes each on two CPU
# cores (both arms, 5 seeds); pass them with --datasets when you have the time.
SMALL_SETS = ("ItalyPowerDemand", "GunPoint", "ArrowHead", "BasicMotions", "JapaneseVowels")
BATCH = 16
STEPS = 3000


def epochs_for(n_train, epochs=None, steps=STEPS):
    """Epochs to train: ``epochs`` if given, else enough to make ``steps`` optimizer steps."""
    return epochs if epochs is not None else -(-steps // -(-n_train // BATCH))


def standardize(x_train, x_test):
    mean = x_train.mean(axis=(0, 1), keepdims=True)
    std = x_train.std(axis=(0, 1), keepdims=True) + 1e-8
    return (x_train - mean) / std, (x_test - mean) / std


def build_model(input_shape, classes, augmentation, seed, decay_steps):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(input_shape)]
    if augmentation is not None:
        layers.append(augmentation)
    # BatchNormalization(momentum=0.9): with 3-17 steps an epoch, Keras' default 0.99
    # leaves the moving statistics behind the weights and inference accuracy collapses.
    for filters, width in ((32, 8), (64, 5), (32, 3)):  # a small FCN (Wang et al. 2017)
        layers += [keras.layers.Conv1D(filters, width, padding="same"),
                   keras.layers.BatchNormalization(momentum=0.9), keras.layers.ReLU()]
    layers += [
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(classes, activation="softmax"),
    ]
    model = keras.Sequential(layers)
    # Cosine decay to zero: the last epoch's weights, which are scored, come from a
    # settled run rather than wherever a constant learning rate left them.
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps)
    model.compile(keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def batches(x, y, seed):
    """Shuffled batches of 16, reshuffled every epoch, as one endless ``tf.data`` pipeline.

    The same batches as ``fit(x, y, shuffle=True)`` would draw, in another
    order, without the per-epoch iterator that NumPy input costs: with 3-17
    steps an epoch, building it took about 60% of the run time here.
    """
    return (tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(BATCH).repeat())


def fcn_accuracies(name, make_augmentation, seeds, epochs=None, steps=STEPS):
    """Test accuracy per seed of the FCN on UCR set ``name``.

    ``make_augmentation(seed)`` returns the first layer, or None for no
    augmentation. A seed fixes the initial weights and the batches, so every
    arm trained with the same seed starts from the same model. It trains
    ``epochs`` epochs, or by default as many as make ``steps`` optimizer steps.
    """
    (x_train, y_train), (x_test, y_test) = load_ucr(name)
    x_train, x_test = standardize(x_train, x_test)
    classes = int(max(y_train.max(), y_test.max()) + 1)
    epochs = epochs_for(len(x_train), epochs, steps)
    steps = epochs * -(-len(x_train) // BATCH)
    scores = []
    steps_per_epoch = -(-len(x_train) // BATCH)
    for seed in seeds:
        model = build_model(x_train.shape[1:], classes, make_augmentation(seed), seed, steps)
        model.fit(batches(x_train, y_train, seed), epochs=epochs, steps_per_epoch=steps_per_epoch,
                  shuffle=False, verbose=0)  # the pipeline shuffles
        scores.append(model.evaluate(x_test, y_test, verbose=0)[1])
        keras.backend.clear_session()
    return x_train.shape, np.array(scores)


def run(name, seeds, epochs, steps, strength):
    shape, base = fcn_accuracies(name, lambda seed: None, seeds, epochs, steps)
    _, aug = fcn_accuracies(
        name, lambda seed: kbl.augmentation_preset("timeseries", strength, seed=seed),
        seeds, epochs, steps)
    return shape, {"none": base, strength: aug}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(SMALL_SETS),
                        help=f"default: the five small sets; all bundled: {BUNDLED_UCR_SETS}")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=STEPS,
                        help="optimizer steps per run, the same for every set (default 3000)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="train this many epochs on every set instead of --steps")
    parser.add_argument("--strength", default="medium", choices=kbl.STRENGTHS)
    parser.add_argument("--quick", action="store_true", help="2 small sets, 2 seeds, 5 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.seeds, args.epochs = ["ItalyPowerDemand", "GunPoint"], 2, 5
    start = time.perf_counter()
    budget = f"{args.epochs} epochs" if args.epochs else f"{args.steps} optimizer steps"
    print(f"1-D CNN, {budget} (Adam 1e-3, cosine decay to 0), seeds "
          f"0..{args.seeds - 1}, test accuracy mean (std over seeds)\n")
    print(f"| dataset | train shape | epochs | none | preset '{args.strength}' | diff | "
          "seeds better/worse |")
    print("|---|---|---|---|---|---|---|")
    diffs = []
    for name in args.datasets:
        shape, scores = run(name, range(args.seeds), args.epochs, args.steps, args.strength)
        base, aug = np.array(scores["none"]), np.array(scores[args.strength])
        diff = aug - base
        diffs.append(diff.mean())
        epochs = epochs_for(shape[0], args.epochs, args.steps)
        print(f"| {name} | {shape} | {epochs} | {base.mean():.3f} ({base.std():.3f}) | "
              f"{aug.mean():.3f} ({aug.std():.3f}) | {diff.mean():+.3f} | "
              f"{(diff > 0).sum()}/{(diff < 0).sum()} |", flush=True)
    diffs = np.array(diffs)
    print(f"\nmean difference over {len(diffs)} datasets: {100 * diffs.mean():+.1f} points; "
          f"better on {(diffs > 0).sum()}, worse on {(diffs < 0).sum()}; "
          f"worst {100 * diffs.min():+.1f} points. ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
