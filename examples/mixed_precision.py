"""The guide's wide MLP under mixed precision, with the policy picked and the model audited.

The reference guide ("Use Mixed Precision Training for large networks") sets
``mixed_float16`` globally, builds two wide Dense layers and keeps the output
softmax in float32. That recipe is only faster on hardware with 16-bit units
(recent NVIDIA GPUs, TPUs) and is slower elsewhere. Here:

1. ``auto_policy(measure=build_model, sample=batch)`` times a few training
   steps under each policy this machine could accelerate and picks the
   fastest (float32 unless a 16-bit policy is measurably faster);
2. the model is built inside ``mixed_precision(choice.policy)``, which
   restores the global policy afterwards;
3. ``audit(model, raise_on="error")`` checks it before ``fit`` (float32
   output, loss scaling, float32 variables);
4. the guide's mistake, a softmax output left in 16 bits, is shown to be
   caught by ``audit`` and repaired by ``fix_output_dtype``.

It trains on sklearn's 8x8 digits (flattened to 64 features) and prints the
choice, the measured speeds, the audit and the test accuracy.

Run: ``python examples/mixed_precision.py [--quick] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost.datasets import load_digits_images  # noqa: E402
from keras_boost.precision import (  # noqa: E402
    audit,
    auto_policy,
    fix_output_dtype,
    mixed_precision,
)


def build_model(width=1024, float32_output=True):
    """The guide's network: two wide ReLU layers, softmax output kept in float32."""
    inputs = keras.Input((64,))
    x = keras.layers.Dense(width, activation="relu")(inputs)
    x = keras.layers.Dense(width, activation="relu")(x)
    x = keras.layers.Dense(10)(x)
    dtype = "float32" if float32_output else None
    outputs = keras.layers.Activation("softmax", dtype=dtype)(x)
    model = keras.Model(inputs, outputs, name="wide_mlp")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="narrow model, few steps: smoke run")
    parser.add_argument("--output", default="keras-boost-examples/mixed_precision")
    args = parser.parse_args(argv)
    width, epochs, steps = (128, 2, 2) if args.quick else (1024, 10, 8)
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_digits_images()
    x_train, x_test = x_train.reshape(len(x_train), 64), x_test.reshape(len(x_test), 64)

    # 1. Which policy pays on this machine, for this model?
    choice = auto_policy(measure=lambda: build_model(width), sample=(x_train[:128], y_train[:128]),
                         steps=steps)
    print(f"policy: {choice.policy}\nreason: {choice.reason}")
    for policy, speed in choice.throughput.items():
        print(f"  {policy:>15}: {speed * 128:,.0f} samples/s")

    # 2. Build under it; the global policy is restored when the block ends.
    with mixed_precision(choice.policy):
        model = build_model(width)
    # 3. Check before a long fit: raises on NaN-prone outputs or missing loss scaling.
    print(audit(model, raise_on="error"))
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - start
    accuracy = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    print(f"{epochs} epochs in {seconds:.1f} s under {model.dtype_policy.name}: "
          f"test accuracy {accuracy:.3f}")

    # 4. The classic mistake, caught and repaired without touching the original.
    with mixed_precision("mixed_float16"):
        naive = build_model(width, float32_output=False)
    before = audit(naive)
    fixed = fix_output_dtype(naive)
    print(f"softmax left in 16 bits -> {sorted(before.codes())}; after fix_output_dtype -> "
          f"{sorted(audit(fixed).codes()) or 'no findings'}")

    results = {"policy": choice.policy, "reason": choice.reason,
               "samples_per_second": {p: s * 128 for p, s in choice.throughput.items()},
               "epochs": epochs, "fit_seconds": seconds, "test_accuracy": accuracy,
               "naive_model_findings": before.to_dicts()}
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {output / 'results.json'}")
    return results


if __name__ == "__main__":
    main()
