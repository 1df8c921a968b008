"""Do the presets cure overfitting on small data? none / light / medium / heavy side by side.

Four small-data tasks where a plain network overfits: sklearn digits with 200
training images (a small CNN), breast cancer and wine (a wide MLP), and the
bundled UCR set GunPoint (a 1-D CNN, 50 training series). For each seed the
plain model is built once; every preset is applied to that same model with
``apply_preset``, so all presets start from the same initial weights. Every
run makes the same number of optimizer steps (2000 on every task, so that the
plain networks get to overfit; ``--task-epochs`` for each task's own, shorter
epoch count), Adam 1e-3 with cosine decay to 0, batch 32. The anchor is the
plain model ("none"): the same copy with nothing added.

Accuracies are measured in inference mode (dropout off) after the last epoch.
Two gaps: the accuracy gap (train minus validation accuracy) and the loss gap
(validation minus train cross-entropy of the predictions, without the penalty
terms), which also shows how over-confident the model has become.
``--guide`` adds a row for the reference guides' hand recipe
(``kernel_regularizer=l2(0.01)`` and ``Dropout(0.5)`` after each hidden layer)
expressed as a Preset; ``--suggested`` a row for medium with its two
suggestions for ``compile`` followed (``AdamW(weight_decay=4e-3)`` instead of
the L2 penalty, ``label_smoothing=0.1``).

Run: ``nice -n 10 python benchmarks/regularization_presets.py --suggested``;
``--quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost.regularization import PRESETS, Preset, apply_preset  # noqa: E402

GUIDE = Preset(name="guide", l2=0.01, dropout=0.5, spatial_dropout=0.0)
# medium as docs/regularization.md tells a user to follow its suggestions: AdamW's
# decoupled weight decay instead of the L2 penalty, and label smoothing.
SUGGESTED = dataclasses.replace(PRESETS["medium"], l2=0.0, name="medium+suggestions")
PRESET_ORDER = ["none", "light", "medium", "heavy"]


def _split(x, y, first, seed):
    from sklearn.model_selection import train_test_split

    return train_test_split(x, y, train_size=first, stratify=y, random_state=seed)


def _standardize(*arrays):
    mean, std = arrays[0].mean(0), arrays[0].std(0) + 1e-8
    return [((a - mean) / std).astype("float32") for a in arrays]


def task_digits(seed):
    from keras_boost.datasets import load_digits_images

    (x_tr, y_tr), (x_rest, y_rest) = load_digits_images(n_train=200, seed=seed)
    x_val, x_te, y_val, y_te = _split(x_rest, y_rest, 150, seed)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    return model, (x_tr, y_tr), (x_val, y_val), (x_te, y_te)


def _mlp(features, classes):
    return keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(classes, activation="softmax"),
    ])


def _tabular(loader, n_train, n_val, seed):
    data = loader()
    x, y = data.data.astype("float32"), data.target.astype("int64")
    x_tr, x_rest, y_tr, y_rest = _split(x, y, n_train, seed)
    x_val, x_te, y_val, y_te = _split(x_rest, y_rest, n_val, seed)
    x_tr, x_val, x_te = _standardize(x_tr, x_val, x_te)
    model = _mlp(x.shape[1], int(y.max()) + 1)
    return model, (x_tr, y_tr), (x_val, y_val), (x_te, y_te)


def task_breast_cancer(seed):
    from sklearn.datasets import load_breast_cancer

    return _tabular(load_breast_cancer, 60, 150, seed)


def task_wine(seed):
    from sklearn.datasets import load_wine

    return _tabular(load_wine, 45, 45, seed)


def task_gunpoint(seed):
    from keras_boost.datasets import load_ucr

    (x_tr, y_tr), (x_rest, y_rest) = load_ucr("GunPoint")
    x_val, x_te, y_val, y_te = _split(x_rest, y_rest, 75, seed)
    model = keras.Sequential([
        keras.Input(x_tr.shape[1:]),
        keras.layers.Conv1D(16, 5, padding="same", activation="relu"),
        keras.layers.MaxPooling1D(2),
        keras.layers.Conv1D(32, 5, padding="same", activation="relu"),
        keras.layers.MaxPooling1D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(int(y_tr.max()) + 1, activation="softmax"),
    ])
    return model, (x_tr, y_tr), (x_val, y_val), (x_te, y_te)


TASKS = {"digits-200": (task_digits, 60), "breast-cancer": (task_breast_cancer, 100),
         "wine": (task_wine, 100), "ucr-GunPoint": (task_gunpoint, 150)}


def _scores(model, x, y):
    """Accuracy and data cross-entropy (no penalty terms) in inference mode."""
    probs = model.predict(x, verbose=0, batch_size=256)
    loss = float(np.mean(keras.losses.sparse_categorical_crossentropy(y, probs)))
    return float(np.mean(probs.argmax(-1) == y)), loss


def _batches(x, y, seed, classes=None):
    """Shuffled batches of 32, reshuffled every epoch, as one endless ``tf.data`` pipeline
    (NumPy input rebuilds an iterator every epoch, most of the run time at 2-7 steps an
    epoch). ``classes`` one-hots the labels for a label-smoothed loss."""
    import tensorflow as tf

    labels = y if classes is None else keras.utils.to_categorical(y, classes)
    return (tf.data.Dataset.from_tensor_slices((x, labels))
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(32).repeat())


def run_one(task, preset, seed, epochs=None, steps=None):
    """Test accuracy, accuracy gap and loss gap of one preset on one task and seed.

    Adam 1e-3 with cosine decay to 0 over the run, so that the scored last epoch
    comes from a settled model. ``SUGGESTED`` also follows the preset's two
    suggestions for ``compile``: ``AdamW(weight_decay)`` instead of the L2
    penalty, and a label-smoothed cross-entropy.
    """
    keras.utils.set_random_seed(seed)
    base, (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = TASKS[task][0](seed)
    suggested = preset.name == SUGGESTED.name
    model = apply_preset(base, preset, seed=seed)
    steps_per_epoch = -(-len(x_tr) // 32)
    if steps is not None:
        epochs = -(-steps // steps_per_epoch)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, epochs * steps_per_epoch)
    classes = int(base.outputs[0].shape[-1])
    if suggested:
        optimizer = keras.optimizers.AdamW(schedule, weight_decay=PRESETS["medium"].weight_decay)
        loss = keras.losses.CategoricalCrossentropy(
            label_smoothing=PRESETS["medium"].label_smoothing)
    else:
        optimizer, loss = keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy"
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    model.fit(_batches(x_tr, y_tr, seed, classes if suggested else None), epochs=epochs,
              steps_per_epoch=steps_per_epoch, shuffle=False, verbose=0)
    (train_acc, train_loss), (val_acc, val_loss), (test_acc, _) = (
        _scores(model, x, y) for x, y in ((x_tr, y_tr), (x_val, y_val), (x_te, y_te)))
    result = (test_acc, train_acc - val_acc, val_loss - train_loss)
    print(f"{task} {preset.name} seed {seed}: test {result[0]:.3f} acc gap {result[1]:+.3f} "
          f"loss gap {result[2]:+.3f}", file=sys.stderr, flush=True)
    return result, epochs


def _ratio(ours, base):
    return f"{ours / base:.2f}" if base > 0 else "n/a"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--guide", action="store_true", help="add the guides' recipe")
    parser.add_argument("--suggested", action="store_true",
                        help="add medium with its compile suggestions (AdamW, label smoothing)")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    # 2000 steps: enough for the plain networks to overfit (their loss gap grows from
    # 0.12-0.16 at each task's own epochs to 0.16-0.23), which is what a preset is for.
    parser.add_argument("--steps", type=int, default=2000,
                        help="optimizer steps per run, the same for every task (default 2000)")
    parser.add_argument("--task-epochs", action="store_true",
                        help="train each task for its own epoch count instead (60-150 epochs, "
                        "200-420 steps)")
    parser.add_argument("--presets", nargs="+", default=PRESET_ORDER, choices=PRESET_ORDER,
                        help="presets to compare ('none' is always included)")
    parser.add_argument("--quick", action="store_true", help="1 seed, 5 epochs: a smoke run")
    args = parser.parse_args(argv)
    seeds = 1 if args.quick else args.seeds
    presets = {name: PRESETS[name] for name in PRESET_ORDER
               if name == "none" or name in args.presets}
    if args.guide:
        presets["guide"] = GUIDE
    if args.suggested:
        presets[SUGGESTED.name] = SUGGESTED
    start = time.perf_counter()
    summary = []
    print(f"keras {keras.__version__}; {seeds} seeds; accuracy at the last epoch, "
          "mean ± std over seeds\n")
    for task in args.tasks:
        epochs = 5 if args.quick else TASKS[task][1]
        steps = None if args.quick or args.task_epochs else args.steps
        runs = {name: [run_one(task, p, s, epochs, steps) for s in range(seeds)]
                for name, p in presets.items()}
        results = {name: np.array([result for result, _ in r]) for name, r in runs.items()}
        epochs = runs["none"][0][1]
        base = results["none"].mean(0)
        budget = f", {steps} optimizer steps" if steps else ""
        print(f"### {task} ({epochs} epochs{budget})\n")
        print("| preset | test accuracy | accuracy gap | loss gap | test acc. vs none "
              "| accuracy gap / none | loss gap / none |")
        print("|---|---|---|---|---|---|---|")
        for name, r in results.items():
            mean, std = r.mean(0), r.std(0)
            print(f"| {name} | {mean[0]:.3f} ± {std[0]:.3f} | {mean[1]:.3f} ± {std[1]:.3f} | "
                  f"{mean[2]:.3f} ± {std[2]:.3f} | {mean[0] - base[0]:+.3f} | "
                  f"{_ratio(mean[1], base[1])} | {_ratio(mean[2], base[2])} |")
        print(flush=True)
        if "medium" not in results:
            continue
        med = results["medium"]
        summary.append((task, med[:, 0].mean() - base[0], _ratio(med[:, 1].mean(), base[1]),
                        _ratio(med[:, 2].mean(), base[2]),
                        int((med[:, 0] > results["none"][:, 0]).sum())))
    print("### medium vs none (target: test accuracy up on every task, gap at least halved)\n")
    print("| task | test accuracy gain | accuracy gap ratio | loss gap ratio "
          "| seeds where medium's test accuracy is higher |")
    print("|---|---|---|---|---|")
    for task, gain, acc_ratio, loss_ratio, wins in summary:
        print(f"| {task} | {gain:+.3f} | {acc_ratio} | {loss_ratio} | {wins}/{seeds} |")
    print(f"\ntotal wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
