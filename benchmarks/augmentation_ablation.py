"""Which time-series layers help the FCN of augmentation_accuracy.py? One chain at a time.

The same model, recipe and seeds as ``augmentation_accuracy.py`` (3000
optimizer steps, Adam with cosine decay, same initial weights per seed), trained with
each augmentation chain below as its first layer. This is the evidence
behind what the time-series presets contain.

    python benchmarks/augmentation_ablation.py                       # GunPoint, ArrowHead
    python benchmarks/augmentation_ablation.py --datasets ArrowHead --chains none jitter

Needs aeon (the UCR/UEA files): pip install "keras-boost[dev]".
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
from augmentation_accuracy import STEPS, fcn_accuracies  # noqa: E402

import keras_boost.layers as kbl  # noqa: E402

# name -> list of (layer class, kwargs); inner layer i gets seed + i, as in a preset.
CHAINS = {
    "none": [],
    "jitter": [(kbl.Jitter, {"sigma": 0.03})],
    "time-warp": [(kbl.TimeWarp, {"sigma": 0.1})],
    "magnitude-warp": [(kbl.MagnitudeWarp, {"sigma": 0.1})],
    "magnitude-warp-0.05": [(kbl.MagnitudeWarp, {"sigma": 0.05})],
    "magnitude-warp-0.2": [(kbl.MagnitudeWarp, {"sigma": 0.2})],
    "magnitude-warp-0.2-time-mask": [(kbl.MagnitudeWarp, {"sigma": 0.2}),
                                     (kbl.RandomTimeMask, {"max_width": 0.1})],
    "scaling": [(kbl.RandomScaling, {"sigma": 0.1})],
    "window-warp": [(kbl.WindowWarp, {"ratio": 0.1})],
    "strong-warps": [(kbl.MagnitudeWarp, {"sigma": 0.2}), (kbl.TimeWarp, {"sigma": 0.2})],
    "light": kbl.PRESETS["timeseries"]["light"],
    "medium": kbl.PRESETS["timeseries"]["medium"],
    "heavy": kbl.PRESETS["timeseries"]["heavy"],
    # Earlier presets, before the changes this benchmark motivated.
    "old-medium": [(kbl.Jitter, {"sigma": 0.03}), (kbl.RandomScaling, {"sigma": 0.1}),
                   (kbl.MagnitudeWarp, {"sigma": 0.1}), (kbl.TimeWarp, {"sigma": 0.1})],
    "warps-0.05": [(kbl.MagnitudeWarp, {"sigma": 0.05}), (kbl.TimeWarp, {"sigma": 0.05})],
    "warps-0.1": [(kbl.MagnitudeWarp, {"sigma": 0.1}), (kbl.TimeWarp, {"sigma": 0.1})],
    "old-heavy": [(kbl.MagnitudeWarp, {"sigma": 0.2}), (kbl.TimeWarp, {"sigma": 0.2}),
                  (kbl.WindowWarp, {"ratio": 0.1})],
}


def chain_layer(chain, seed):
    if not chain:
        return None
    return keras.Sequential([cls(**kwargs, seed=seed + i) for i, (cls, kwargs) in enumerate(chain)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["GunPoint", "ArrowHead"])
    parser.add_argument("--chains", nargs="+", default=list(CHAINS), choices=list(CHAINS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=STEPS,
                        help="optimizer steps per run, the same for every set (default 3000)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="train this many epochs on every set instead of --steps")
    parser.add_argument("--quick", action="store_true", help="GunPoint, 2 seeds, 3 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.seeds, args.epochs = ["GunPoint"], 2, 3
    start = time.perf_counter()
    budget = f"{args.epochs} epochs" if args.epochs else f"{args.steps} optimizer steps"
    print(f"FCN, {budget}, seeds 0..{args.seeds - 1}: test accuracy mean (std), "
          "difference to none\n")
    print("| dataset | chain | layers | accuracy | vs none |")
    print("|---|---|---|---|---|")
    for name in args.datasets:
        base = None
        for short in args.chains:
            chain = CHAINS[short]
            _, scores = fcn_accuracies(name, lambda seed, chain=chain: chain_layer(chain, seed),
                                        range(args.seeds), args.epochs, args.steps)
            base = scores if short == "none" else base
            diff = "" if base is None else f"{scores.mean() - base.mean():+.3f}"
            layers = ", ".join(f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in kw.items())})"
                               for cls, kw in chain) or "-"
            print(f"| {name} | {short} | {layers} | {scores.mean():.3f} "
                  f"({scores.std():.3f}) | {diff} |", flush=True)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
