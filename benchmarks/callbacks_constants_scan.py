"""Could other constants of AdaptiveEarlyStopping's rule meet the replay target? A grid scan.

Replays the curve bank (as ``callbacks_replay.py`` does) for every setting of
four of the rule's constants and prints the settings that meet the issue's
target there (mean test-loss regret <= Keras ``EarlyStopping(patience=10)``'s
at <= 0.70 of its epochs), then the ten with the lowest regret among those
within 0.72 of the epochs. Run it on the tuning bank; check any setting it
suggests on the held-out one (``--bank``) before adopting it.

    python benchmarks/callbacks_constants_scan.py
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
from _curve_bank import bank_from_argv  # noqa: E402
from callbacks_replay import score  # noqa: E402

import keras_boost.callbacks.adaptive_early_stopping as rule  # noqa: E402

GRID = {"_CONFIDENCE_Z": (0.0, 0.25, 0.5, 1.0), "_HORIZON_SHARE": (0.05, 0.1, 0.15),
        "_MIN_WAIT": (1, 2, 3), "_GAIN_NOISE": (0.5, 1.0, 1.5)}


def replay_with(runs, constants):
    """Mean epochs, mean and median loss regret, mean accuracy regret with ``constants``."""
    saved = {name: getattr(rule, name) for name in constants}
    for name, value in constants.items():
        setattr(rule, name, value)
    try:
        rows = [score(run, rule.AdaptiveEarlyStopping) for run in runs]
    finally:
        for name, value in saved.items():
            setattr(rule, name, value)
    loss = [row["loss_regret"] for row in rows]
    accuracy = [row["accuracy_regret"] for row in rows if "accuracy_regret" in row]
    return (statistics.mean(row["epochs"] for row in rows), statistics.mean(loss),
            statistics.median(loss), statistics.mean(accuracy))


def main(argv=None):
    runs = bank_from_argv(argv, __doc__.splitlines()[0])
    patience = [score(run, lambda: keras.callbacks.EarlyStopping(
        patience=10, restore_best_weights=True)) for run in runs]
    epochs_ref = statistics.mean(row["epochs"] for row in patience)
    regret_ref = statistics.mean(row["loss_regret"] for row in patience)
    rows = []
    for values in itertools.product(*GRID.values()):
        constants = dict(zip(GRID, values, strict=True))
        epochs, regret, median, accuracy = replay_with(runs, constants)
        rows.append((constants, epochs / epochs_ref, regret, median, accuracy))
    defaults = {name: getattr(rule, name) for name in GRID}
    print(f"{len(runs)} runs; patience=10: {epochs_ref:.1f} epochs, mean regret "
          f"{regret_ref:.2f}; defaults {defaults}\n")
    print("| constants | epochs vs patience=10 | mean loss regret | median loss regret "
          "| mean accuracy regret |\n|---|---|---|---|---|")
    meeting = [row for row in rows if row[1] <= 0.70 and row[2] <= regret_ref]
    near = sorted((row for row in rows if row[1] <= 0.72), key=lambda row: row[2])[:10]
    for constants, ratio, regret, median, accuracy in meeting or near:
        print(f"| {constants} | {ratio:.3f} | {regret:.2f} | {median:.2f} | {accuracy:.2f} |")
    print(f"\n{len(rows)} settings; {len(meeting)} meet both halves of the target"
          + ("" if meeting else "; the table shows the ten lowest regrets within 0.72 of "
             "the epochs"))


if __name__ == "__main__":
    main()
