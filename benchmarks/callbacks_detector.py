"""How well does OverfittingDetector find overfitting on real curves? Against two simple rules.

Ground truth comes from the held-out test loss that no detector sees: a run
overfits when its test loss rises at least 10% above its minimum and stays
there (all of the last 10% of epochs). Each detector reads only ``loss`` and ``val_loss``,
epoch by epoch, and may raise one alarm with an onset epoch:

- ``OverfittingDetector`` (keras-boost): ``onset_epoch`` of
  ``OverfittingDetector.diagnose`` at the end of the run (None when the last
  episode of overfitting recovered);
- "val_loss rose 3 epochs": the first epoch where val_loss rose three times
  in a row; onset = the first epoch of the rise;
- Prechelt GL5: generalization loss ``100 * (val_loss / best val_loss - 1) > 5``;
  onset = the epoch after the best val_loss;
- Prechelt GL5 at the last epoch: the same test on the final epoch only, a
  rule that, like OverfittingDetector, withdraws an alarm that did not last.

Recall is over overfitting runs, the false-alarm rate over the others, delay
is ``onset - epoch of the test-loss minimum`` (median over detected runs);
"alarm delay" is the epoch of the alarm minus that minimum.

    python benchmarks/callbacks_detector.py
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from _curve_bank import bank_from_argv, finite, subsets  # noqa: E402

from keras_boost.callbacks import OverfittingDetector  # noqa: E402

RISE = 0.10


def truth(test_loss) -> bool:
    """Test loss rises >= 10% above its minimum and stays there (the last 10% of epochs)."""
    x = np.asarray(test_loss, dtype="float64")
    tail = max(5, len(x) // 10)
    return bool(np.all(x[-tail:] >= (1 + RISE) * x.min()))


def ours(train, val):
    detector = OverfittingDetector.diagnose({"loss": train, "val_loss": val})
    if detector.onset_epoch is None:
        return None
    return detector.onset_epoch, detector.detected_epoch


def three_rises(train, val):
    for t in range(3, len(val)):
        if val[t] > val[t - 1] > val[t - 2] > val[t - 3]:
            return t - 2, t
    return None


def prechelt_gl5(train, val):
    best, best_epoch = np.inf, 0
    for t, v in enumerate(val):
        if v < best:
            best, best_epoch = v, t
        if best > 0 and 100 * (v / best - 1) > 5:
            return best_epoch + 1, t
    return None


def prechelt_gl5_last(train, val):
    best_epoch = int(np.argmin(val))
    if val[best_epoch] > 0 and 100 * (val[-1] / val[best_epoch] - 1) > 5:
        return best_epoch + 1, len(val) - 1
    return None


METHODS = {"OverfittingDetector": ours, "val_loss rose 3 epochs": three_rises,
           "Prechelt GL5": prechelt_gl5, "Prechelt GL5 at the last epoch": prechelt_gl5_last}


def evaluate(runs, method):
    hits, misses, alarms, quiet, delays, alarm_delays = 0, 0, 0, 0, [], []
    for run in runs:
        h = run["history"]
        positive = truth(h["test_loss"])
        found = method(h["loss"], h["val_loss"])
        if positive and found:
            hits += 1
            test_min = int(np.argmin(h["test_loss"]))
            delays.append(found[0] - test_min)
            alarm_delays.append(found[1] - test_min)
        elif positive:
            misses += 1
        elif found:
            alarms += 1
        else:
            quiet += 1
    recall = hits / max(hits + misses, 1)
    precision = hits / max(hits + alarms, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {"recall": recall, "false_alarms": alarms / max(alarms + quiet, 1), "f1": f1,
            "precision": precision,
            "delay": statistics.median(delays) if delays else float("nan"),
            "abs_delay": statistics.median(abs(d) for d in delays) if delays else float("nan"),
            "alarm_delay": statistics.median(alarm_delays) if alarm_delays else float("nan")}


def table(runs, title) -> str:
    positives = sum(truth(r["history"]["test_loss"]) for r in runs)
    lines = [f"### {title}: {len(runs)} runs, {positives} overfit, {len(runs) - positives} "
             "do not", "",
             "| detector | recall | false-alarm rate | precision | F1 | median delay (epochs) "
             "| median abs. delay | median alarm delay |", "|---|---|---|---|---|---|---|---|"]
    for name, method in METHODS.items():
        s = evaluate(runs, method)
        lines.append(f"| {name} | {s['recall']:.2f} | {s['false_alarms']:.2f} | "
                     f"{s['precision']:.2f} | {s['f1']:.2f} | {s['delay']:.1f} | "
                     f"{s['abs_delay']:.1f} | {s['alarm_delay']:.1f} |")
    disagree = sum(not truth(r["history"]["test_loss"]) and truth(r["history"]["val_loss"])
                   for r in runs)
    lines += ["", f"{disagree} of the {len(runs) - positives} runs that do not overfit on the "
              "test split do overfit on the validation split (the same 10%-and-stays rule "
              "applied to val_loss): a detector that reads val_loss cannot tell those apart."]
    return "\n".join(lines)


def main(argv=None):
    runs = bank_from_argv(argv, __doc__.splitlines()[0])
    usable = [r for r in runs if finite(r["history"]["loss"]) and finite(r["history"]["val_loss"])
              and finite(r["history"]["test_loss"])]
    print(f"{len(runs) - len(usable)} runs with NaN/inf left out (they diverge; no overfitting "
          "question to answer).\n")
    print("\n\n".join(table(subset, title) for title, subset in subsets(usable)))


if __name__ == "__main__":
    main()
