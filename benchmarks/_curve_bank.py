"""Load the curve bank written by ``callbacks_curve_bank.py`` (for the callback benchmarks)."""

from __future__ import annotations

import json
import math
from pathlib import Path

BANK = Path(__file__).resolve().parent / "data" / "curve_bank.json"


def load_bank(path=BANK) -> list[dict]:
    """The runs of the bank, each with ``name``, ``config``, ``metric`` and ``history``."""
    return json.loads(Path(path).read_text())["runs"]


def epoch_logs(run) -> list[dict]:
    """What the callbacks see at each epoch: training and validation logs, never test ones."""
    history = {k: v for k, v in run["history"].items() if not k.startswith("test_")}
    n = len(history["loss"])
    return [{k: v[i] for k, v in history.items()} for i in range(n)]


def finite(values) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)
