"""Training-step throughput under float32, mixed_bfloat16 and mixed_float16, and auto_policy's pick.

Anchor: Keras' own dtype policies (keras.config.set_dtype_policy), as the
Keras mixed-precision guide uses them. The guide's kind of models: an MLP
784-2048-2048-10 and a small CNN (28x28x1 -> conv32 -> conv64 -> pool ->
dense128 -> 10), plus a narrow MLP 784-64-64-10 where 16-bit should not pay;
batch 256, output layer in float32 under every policy. All runs happen in one process; the three
policies' models are built first, warmed up, then timed one step at a time
in turn (keras_boost.precision.measure.time_policies) so that a busy machine
slows all of them alike; a ratio is the median of the per-round float32/16-bit
step-time ratios (higher is faster), float32's speed its median step.

Then it asks keras-boost: ``auto_policy()`` without a model (the hardware,
and on a CPU with bfloat16 instructions its built-in probe), and
``auto_policy(measure=build, sample=batch)``, which times the candidates
itself (a separate measurement), and reports how far each pick is from the
best policy measured here.

Runs unchanged on a CPU-only machine or a GPU machine (there, Keras' default
``jit_compile="auto"`` means XLA).

    nice -n 10 python benchmarks/precision_throughput.py            # ~2 min on 2 CPU cores
    nice -n 10 python benchmarks/precision_throughput.py --xla      # jit_compile=True
    python benchmarks/precision_throughput.py --quick               # smoke test, seconds
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_boost.precision import POLICIES, auto_policy, detect_devices  # noqa: E402
from keras_boost.precision.devices import RECORDED_CPU_FLAGS, cpu_flags  # noqa: E402
from keras_boost.precision.measure import time_policies  # noqa: E402


def mlp(width: int, jit) -> keras.Model:
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(10),
        keras.layers.Activation("softmax", dtype="float32"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=jit)
    return model


def cnn(filters: int, jit) -> keras.Model:
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(filters, 3, activation="relu"),
        keras.layers.Conv2D(2 * filters, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
        keras.layers.Activation("softmax", dtype="float32"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=jit)
    return model


def _verdict(speed: dict[str, float], policy: str, own: dict[str, float] | None = None) -> str:
    text = f"{policy} ({speed[policy] / max(speed.values()):.0%} of best"
    if own:  # what auto_policy's own, separate measurement saw
        text += "; it measured " + ", ".join(
            f"{p.removeprefix('mixed_')} {s / own['float32']:.2f}x" for p, s in own.items()
            if p != "float32")
    return text + ")"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny models, 2 steps: smoke test")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per policy")
    parser.add_argument("--xla", action="store_true", help="compile with jit_compile=True")
    args = parser.parse_args(argv)
    steps = 2 if args.quick else args.steps
    jit = True if args.xla else "auto"
    batch = 256
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, batch)
    width, filters = (64, 4) if args.quick else (2048, 32)
    cases = {
        f"MLP 784-{width}-{width}-10": (lambda: mlp(width, jit),
                                        rng.random((batch, 784), dtype="float32")),
        f"CNN conv{filters}-conv{2 * filters}-dense128": (
            lambda: cnn(filters, jit), rng.random((batch, 28, 28, 1), dtype="float32")),
        # Too small for 16-bit units to pay: the measured pick must stay float32 here.
        "MLP 784-64-64-10": (lambda: mlp(64, jit), rng.random((batch, 784), dtype="float32")),
    }

    devices = detect_devices()
    flags = cpu_flags()
    print(f"python {platform.python_version()}, keras {keras.__version__}, "
          f"backend {keras.backend.backend()}, jit_compile={jit}, batch {batch}, "
          f"{steps} timed steps per policy (median, paired ratios)")
    print("devices: " + "; ".join(
        f"{d.kind} {d.name}" + (f" (compute capability {d.compute_capability})"
                                if d.compute_capability else "") for d in devices))
    print("CPU flags: " + ", ".join(f"{f}={'yes' if f in flags else 'no'}"
                                    for f in RECORDED_CPU_FLAGS))
    hardware = auto_policy(jit_compile=jit)
    print(f"auto_policy(jit_compile={jit!r}): {hardware}")
    print()
    print("| model | " + " | ".join(POLICIES) + " | best | auto_policy() | "
          "auto_policy(measure=...) |")
    print("|---|" + "---|" * (len(POLICIES) + 3))
    worst = worst_plain = 0.0
    for name, (build, x) in cases.items():
        speed = time_policies(build, (x, y), POLICIES, steps=steps)
        best = max(speed, key=speed.get)
        measured = auto_policy(devices, measure=build, sample=(x, y), steps=max(3, steps // 3))
        cells = [f"{speed[p] * batch:,.0f} samples/s ({speed[p] / speed['float32']:.2f}x)"
                 for p in POLICIES]
        worst = max(worst, 1 - speed[measured.policy] / speed[best])
        worst_plain = max(worst_plain, 1 - speed[hardware.policy] / speed[best])
        picks = [_verdict(speed, hardware.policy),
                 _verdict(speed, measured.policy, measured.throughput)]
        print(f"| {name} | " + " | ".join(cells + [best] + picks) + " |")
        keras.backend.clear_session()
    print()
    for label, gap in (("auto_policy()", worst_plain), ("auto_policy(measure=...)", worst)):
        print(f"{label} pick vs best measured here: worst shortfall {gap:.1%} "
              f"({'within' if gap <= 0.05 else 'NOT within'} 5%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
