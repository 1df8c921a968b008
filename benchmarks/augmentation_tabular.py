"""Tabular: a small MLP on scikit-learn's breast cancer and wine, SwapNoise against none.

For each dataset and seed (the seed sets the stratified 75/25 split, the
initial weights and the augmentation), the same MLP is trained twice for
the same epochs: without augmentation and with ``SwapNoise(rate)`` as its
first layer. Prints mean (std over seeds) test accuracy and log loss.

    python benchmarks/augmentation_tabular.py            # 2 sets x 5 seeds
    python benchmarks/augmentation_tabular.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_wine  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import keras_boost.layers as kbl  # noqa: E402

DATASETS = {"breast_cancer": load_breast_cancer, "wine": load_wine}


def split(name, seed):
    data = DATASETS[name]()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.25, stratify=data.target, random_state=seed)
    scaler = StandardScaler().fit(x_train)
    return ((scaler.transform(x_train).astype("float32"), y_train),
            (scaler.transform(x_test).astype("float32"), y_test))


def train(data, rate, seed, epochs):
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(seed)
    layers = [keras.Input(x_train.shape[1:])]
    if rate:
        layers.append(kbl.SwapNoise(rate=rate, seed=seed))
    layers += [keras.layers.Dense(64, activation="relu"),
               keras.layers.Dense(64, activation="relu"),
               keras.layers.Dense(int(y_train.max()) + 1, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    keras.backend.clear_session()
    return accuracy, loss


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0.15)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 5 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.epochs = 2, 5
    start = time.perf_counter()
    print(f"MLP 64-64, {args.epochs} epochs, seeds 0..{args.seeds - 1}: mean (std over seeds)\n")
    print(f"| dataset | accuracy none | accuracy SwapNoise({args.rate}) | log loss none | "
          f"log loss SwapNoise({args.rate}) | seeds better/worse (accuracy) |")
    print("|---|---|---|---|---|---|")
    for name in DATASETS:
        results = {0.0: [], args.rate: []}
        for seed in range(args.seeds):
            data = split(name, seed)
            for rate in results:
                results[rate].append(train(data, rate, seed, args.epochs))
        base, swap = np.array(results[0.0]), np.array(results[args.rate])
        diff = swap[:, 0] - base[:, 0]
        print(f"| {name} | {base[:, 0].mean():.3f} ({base[:, 0].std():.3f}) | "
              f"{swap[:, 0].mean():.3f} ({swap[:, 0].std():.3f}) | "
              f"{base[:, 1].mean():.3f} ({base[:, 1].std():.3f}) | "
              f"{swap[:, 1].mean():.3f} ({swap[:, 1].std():.3f}) | "
              f"{(diff > 0).sum()}/{(diff < 0).sum()} |", flush=True)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
