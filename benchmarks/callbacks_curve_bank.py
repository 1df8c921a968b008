"""Generate the curve bank: real Keras training runs with train, validation and test curves.

Each run trains a small MLP with plain ``model.fit`` for a fixed number of
epochs (no early stopping) and records, at every epoch, the training
loss/metric from the logs, the validation loss/metric (``validation_data``)
and the loss/metric on a held-out test split that no callback ever sees.
The runs span bundled datasets (digits, a 150-image digits subset, breast
cancer, wine, diabetes, generated data with label noise), widths, dropout,
Adam and SGD at several learning rates and several seeds, so the bank holds
runs that overfit hard, noisy ones, slow ones and ones that never overfit.

The replay and detector benchmarks read the JSON; regenerate it with::

    nice -n 10 python benchmarks/callbacks_curve_bank.py \
        --output benchmarks/data/curve_bank.json

Use ``--runs N`` for a subset (the first N specs), ``--epochs`` to change
the length of every run and ``--seeds 2 3`` for the held-out bank
(``benchmarks/data/curve_bank_seeds_2_3.json``): the same configurations with
seeds no rule was tuned on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

DATASETS = ("digits", "digits_small", "breast_cancer", "wine", "diabetes", "noisy_blobs")


def _split(x, y, seed, stratify):
    from sklearn.model_selection import train_test_split

    strat = y if stratify else None
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.3, random_state=seed,
                                                      stratify=strat)
    strat = y_rest if stratify else None
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.25,
                                                      random_state=seed, stratify=strat)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def load(name: str, seed: int):
    """Return ``task, (train, val, test)`` with standardised float32 features."""
    from sklearn import datasets
    from sklearn.preprocessing import StandardScaler

    task = "classification"
    if name in ("digits", "digits_small"):
        x, y = datasets.load_digits(return_X_y=True)
        x = x / 16.0
    elif name == "breast_cancer":
        x, y = datasets.load_breast_cancer(return_X_y=True)
    elif name == "wine":
        x, y = datasets.load_wine(return_X_y=True)
    elif name == "diabetes":
        x, y = datasets.load_diabetes(return_X_y=True)
        y = (y - y.mean()) / y.std()
        task = "regression"
    elif name == "noisy_blobs":
        x, y = datasets.make_classification(n_samples=900, n_features=20, n_informative=6,
                                            n_classes=3, flip_y=0.25, random_state=seed)
    else:
        raise ValueError(f"unknown dataset {name!r}; expected one of {DATASETS}")
    train, val, test = _split(x, y, seed, stratify=task == "classification")
    if name == "digits_small":
        train = (train[0][:150], train[1][:150])
    if name != "digits" and name != "digits_small":
        scaler = StandardScaler().fit(train[0])
        train, val, test = [(scaler.transform(a), b) for a, b in (train, val, test)]
    cast = [(a.astype("float32"), b.astype("float32" if task == "regression" else "int64"))
            for a, b in (train, val, test)]
    return task, cast


def specs(seeds=(0, 1)):
    """The run specifications: a fixed, shuffled slice of the full grid.

    Other ``seeds`` (two of them) pick the same configurations with those
    seeds instead: a held-out bank for rules whose constants were chosen on
    the default one.
    """
    grid = list(itertools.product(
        DATASETS, (16, 256), (0.0, 0.4),
        (("adam", 1e-3), ("adam", 1e-2), ("sgd", 1e-2), ("sgd", 1e-1)), tuple(seeds)))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(grid))
    picked, per_dataset = [], dict.fromkeys(DATASETS, 0)
    for index in order:
        dataset, width, dropout, (optimizer, lr), seed = grid[index]
        if per_dataset[dataset] < 12:
            per_dataset[dataset] += 1
            picked.append({"dataset": dataset, "width": width, "dropout": dropout,
                           "optimizer": optimizer, "learning_rate": lr, "seed": seed})
    return picked


def _model(task, n_features, n_outputs, spec):
    import keras

    keras.utils.set_random_seed(spec["seed"])
    layers = [keras.Input((n_features,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(spec["width"], activation="relu"))
        if spec["dropout"]:
            layers.append(keras.layers.Dropout(spec["dropout"]))
    layers.append(keras.layers.Dense(n_outputs))
    model = keras.Sequential(layers)
    optimizer = (keras.optimizers.Adam(spec["learning_rate"]) if spec["optimizer"] == "adam"
                 else keras.optimizers.SGD(spec["learning_rate"], momentum=0.9))
    if task == "classification":
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    else:
        model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def _test_scores(model, task, x, y):
    out = np.asarray(model.predict_on_batch(x), dtype="float64")
    if task == "regression":
        err = out[:, 0] - y
        return float(np.mean(err**2)), float(np.mean(np.abs(err)))
    out -= out.max(axis=1, keepdims=True)
    log_p = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(y)), y])), float(np.mean(out.argmax(1) == y))


def train_one(spec, epochs):
    import keras

    task, (train, val, test) = load(spec["dataset"], spec["seed"])
    n_outputs = 1 if task == "regression" else int(train[1].max()) + 1
    model = _model(task, train[0].shape[1], n_outputs, spec)
    metric = "accuracy" if task == "classification" else "mae"
    test_curves = {"test_loss": [], f"test_{metric}": []}

    class RecordTest(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            test_loss, test_metric = _test_scores(self.model, task, *test)
            test_curves["test_loss"].append(test_loss)
            test_curves[f"test_{metric}"].append(test_metric)

    import tensorflow as tf

    batch = 32 if len(train[0]) < 400 else 64
    train_data = (tf.data.Dataset.from_tensor_slices(train).cache()
                  .shuffle(len(train[0]), seed=spec["seed"]).batch(batch))
    val_data = tf.data.Dataset.from_tensor_slices(val).batch(1024).cache()
    history = model.fit(train_data, validation_data=val_data, epochs=epochs, verbose=0,
                        callbacks=[RecordTest()])
    curves = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    curves.update(test_curves)
    rounded = {k: [float(f"{v:.5g}") for v in vals] for k, vals in curves.items()}
    return {"config": dict(spec, task=task, epochs=epochs, batch_size=batch,
                           n_train=len(train[0]), n_val=len(val[0]), n_test=len(test[0])),
            "metric": metric, "history": rounded}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("benchmarks/data/curve_bank.json"))
    parser.add_argument("--runs", type=int, default=None, help="only the first N specs")
    parser.add_argument("--epochs", type=int, default=160)
    parser.add_argument("--seeds", type=int, nargs=2, default=[0, 1],
                        help="the two seeds of the grid (default 0 1; e.g. 2 3 for a "
                        "held-out bank)")
    args = parser.parse_args(argv)
    import keras

    runs = []
    todo = specs(args.seeds)[: args.runs]
    start = time.perf_counter()
    for number, spec in enumerate(todo, start=1):
        run = train_one(spec, args.epochs)
        run["name"] = "{dataset}-w{width}-d{dropout}-{optimizer}{learning_rate}-s{seed}".format(
            **spec)
        runs.append(run)
        keras.backend.clear_session()
        print(f"[{number}/{len(todo)}] {run['name']} "
              f"({time.perf_counter() - start:.0f} s elapsed)", flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    bank = {"generator": "benchmarks/callbacks_curve_bank.py",
            "command": f"python benchmarks/callbacks_curve_bank.py --epochs {args.epochs} "
                       f"--seeds {args.seeds[0]} {args.seeds[1]}",
            "versions": {"keras": keras.__version__}, "runs": runs}
    args.output.write_text(json.dumps(bank, separators=(",", ":")))
    print(f"wrote {len(runs)} runs to {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
