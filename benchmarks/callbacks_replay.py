"""Replay the curve bank through Keras' EarlyStopping and AdaptiveEarlyStopping.

Every run of ``benchmarks/data/curve_bank.json`` (real training runs with a
held-out test loss at every epoch) is fed epoch by epoch to the real callback
objects, with a stand-in model that records which epoch's weights were
restored (``keras_boost.testing.replay``). Cost is the number of epochs
trained; quality is the test loss (and, for classifiers, test accuracy) of the
restored epoch against the best test value over all epochs (regret).

    python benchmarks/callbacks_replay.py

Prints one table for all runs and one for the seed-1 runs only (the adaptive
rule's constants were chosen looking at the seed-0 runs).
"""

from __future__ import annotations

import os
import statistics
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from _curve_bank import bank_from_argv, epoch_logs, subsets  # noqa: E402

from keras_boost.callbacks import AdaptiveEarlyStopping  # noqa: E402
from keras_boost.testing.replay import replay  # noqa: E402

PATIENCES = (2, 3, 5, 10, 20, 30)


def policies():
    made = {f"Keras EarlyStopping(patience={k})":
            (lambda k=k: keras.callbacks.EarlyStopping(patience=k, restore_best_weights=True))
            for k in PATIENCES}
    # No stop at all, the best val_loss epoch restored: the regret every rule that
    # restores a val_loss minimum carries, however long it waits.
    made["Keras EarlyStopping(patience=inf) (reference: all epochs)"] = (
        lambda: keras.callbacks.EarlyStopping(patience=10**9, restore_best_weights=True))
    made["AdaptiveEarlyStopping()"] = AdaptiveEarlyStopping
    return made


def score(run, factory) -> dict:
    logs = epoch_logs(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = replay(factory(), logs)
    restored = result.restored_epoch
    if restored is None:
        restored = result.epochs_run - 1
    test_loss = np.asarray(run["history"]["test_loss"], dtype="float64")
    test_loss = np.where(np.isfinite(test_loss), test_loss, np.inf)
    best = float(np.min(test_loss))
    gain = max(float(test_loss[0]) - best, 0.1 * abs(float(test_loss[0])), 1e-12)
    row = {"epochs": result.epochs_run,
           "loss_regret": float(test_loss[restored] - best) / gain * 100}
    if run["metric"] == "accuracy":
        accuracy = np.nan_to_num(np.asarray(run["history"]["test_accuracy"], dtype="float64"))
        row["accuracy_regret"] = float(accuracy.max() - accuracy[restored]) * 100
    return row


def table(runs, title) -> str:
    rows = {name: [score(run, factory) for run in runs] for name, factory in policies().items()}
    reference = statistics.mean(r["epochs"] for r in rows["Keras EarlyStopping(patience=10)"])
    lines = [f"### {title} ({len(runs)} runs)", "",
             "| policy | mean epochs | epochs vs patience=10 | mean test-loss regret (% of gain) | "
             "median test-loss regret (% of gain) | mean test-accuracy regret (points) |",
             "|---|---|---|---|---|---|"]
    for name, scores in rows.items():
        epochs = statistics.mean(r["epochs"] for r in scores)
        loss = [r["loss_regret"] for r in scores]
        accuracy = [r["accuracy_regret"] for r in scores if "accuracy_regret" in r]
        lines.append(f"| {name} | {epochs:.1f} | {epochs / reference:.2f} | "
                     f"{statistics.mean(loss):.2f} | {statistics.median(loss):.2f} | "
                     f"{statistics.mean(accuracy):.2f} |")
    ours = rows["AdaptiveEarlyStopping()"]
    p10 = rows["Keras EarlyStopping(patience=10)"]
    regret_ok = (statistics.mean(r["loss_regret"] for r in ours)
                 <= statistics.mean(r["loss_regret"] for r in p10))
    epochs_ratio = statistics.mean(r["epochs"] for r in ours) / reference
    lines += ["", f"Target (regret <= patience=10's, epochs <= 0.70 of its): regret "
              f"{'met' if regret_ok else 'NOT met'}, epochs ratio {epochs_ratio:.2f} "
              f"({'met' if epochs_ratio <= 0.70 else 'NOT met'})."]
    return "\n".join(lines)


def main(argv=None):
    runs = bank_from_argv(argv, __doc__.splitlines()[0])
    print("\n\n".join(table(subset, title) for title, subset in subsets(runs)))


if __name__ == "__main__":
    main()
