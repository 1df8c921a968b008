"""One row per trial, and its CSV / JSON export (private helper of ``facade.py``)."""

from __future__ import annotations

import csv
import glob
import io
import json
import math
import os

FORMATS = ("csv", "json")
COLUMNS = ("trial_id", "status", "score", "best_step", "duration_s", "tuner_id", "error")


#: Per-trial record of what keras-tuner does not keep (duration, worker).
SIDECAR = "keras_boost.json"


def load_trials(tuner):
    """The trials of a search: from the oracle, or from disk on a distributed worker."""
    trials = getattr(tuner.oracle, "trials", None)
    if trials is not None:
        return list(trials.values())
    from keras_tuner.engine.trial import Trial

    pattern = os.path.join(tuner.project_dir, "trial_*", "trial.json")
    return [Trial.load(path) for path in sorted(glob.glob(pattern))]


def trial_rows(tuner):
    """One dict per trial, ordered by trial id."""
    rows = []
    for trial in sorted(load_trials(tuner), key=lambda t: int(t.trial_id)):
        sidecar = os.path.join(tuner.project_dir, f"trial_{trial.trial_id}", SIDECAR)
        info = {}
        if os.path.exists(sidecar):
            with open(sidecar) as f:
                info = json.load(f)
        failed = trial.status in ("FAILED", "INVALID")
        rows.append({
            "trial_id": trial.trial_id,
            "status": trial.status,
            "score": _finite(trial.score),
            "best_step": trial.best_step,
            "duration_s": info.get("duration_s"),
            "tuner_id": info.get("tuner_id"),
            "error": last_line(trial.message) if failed else None,
            "hyperparameters": dict(trial.hyperparameters.values),
        })
    return rows


def export(rows, format):
    """The rows as CSV (one ``hp.<name>`` column per hyperparameter) or JSON text."""
    if format == "json":
        return json.dumps(rows, indent=2, default=str)
    names = []
    for row in rows:
        names += [n for n in row["hyperparameters"] if n not in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, *(f"hp.{n}" for n in names)])
    for row in rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS]
                        + [_cell(row["hyperparameters"].get(n)) for n in names])
    return buffer.getvalue()


def _finite(value):
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)


def last_line(message):
    """The last non-empty line of a trial's error message."""
    lines = [line for line in (message or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no error message recorded"


def _cell(value):
    return "" if value is None else value
