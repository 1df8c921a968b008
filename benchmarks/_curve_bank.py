"""Load the curve bank written by ``callbacks_curve_bank.py`` (for the callback benchmarks)."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

BANK = Path(__file__).resolve().parent / "data" / "curve_bank.json"
HELD_OUT = BANK.with_name("curve_bank_seeds_2_3.json")


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


def bank_from_argv(argv, description) -> list[dict]:
    """The runs of the banks named by ``--bank`` (default: the tuning bank)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--bank", type=Path, nargs="+", default=[BANK],
                        help=f"curve bank JSON files (default {BANK.name}; the held-out one "
                        f"is {HELD_OUT.name}; several are pooled)")
    return [run for path in parser.parse_args(argv).bank for run in load_bank(path)]


def subsets(runs):
    """``(title, runs)`` pairs to print: all runs, then those no constant was chosen on."""
    seeds = sorted({run["config"]["seed"] for run in runs})
    if 0 not in seeds:
        yield (f"All runs (seeds {', '.join(map(str, seeds))}: held out, no constant was "
               "chosen on them)"), runs
        return
    yield "All runs", runs
    held = [seed for seed in seeds if seed != 0]
    if held:
        yield (f"Seed-{', '.join(map(str, held))} runs only (the constants were chosen on "
               "the seed-0 runs)", [run for run in runs if run["config"]["seed"] != 0])
