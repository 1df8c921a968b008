"""Where Jitter's time goes: TensorFlow's random draws against tsaug's whole AddNoise.

Jitter is ``x + sigma * normal(x.shape)``. This times, on the same float32
batch of 1024 x 1000 x 3, in one process: tsaug's ``AddNoise`` (the anchor),
TensorFlow's Philox normal draw plus the add (what ``Jitter`` does), a Philox
uniform draw turned normal with a hand-written Box-Muller, and the Philox
uniform draw alone (a floor for any generator built on it). Each runs in
``tf.function`` with and without XLA; medians of 7 runs after a warm-up.

    python benchmarks/random_draws.py

Needs tsaug (pip install "keras-boost[dev]").
"""

from __future__ import annotations

import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

SHAPE = (1024, 1000, 3)
SIGMA = 0.03


def philox_normal(x, seed):
    return x + SIGMA * tf.random.stateless_normal(tf.shape(x), seed, alg="philox")


def uniform_box_muller(x, seed):
    half = tf.size(x) // 2  # SHAPE has an even size
    u = tf.random.stateless_uniform([2, half], seed, minval=1e-7, maxval=1.0, alg="philox")
    radius, angle = tf.sqrt(-2.0 * tf.math.log(u[0])), 2.0 * math.pi * u[1]
    z = tf.concat([radius * tf.cos(angle), radius * tf.sin(angle)], axis=0)
    return x + SIGMA * tf.reshape(z, tf.shape(x))


def philox_uniform_only(x, seed):
    return x + SIGMA * tf.random.stateless_uniform(tf.shape(x), seed, alg="philox")


def median_ms(call, runs=7):
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    import tsaug

    x_np = np.random.default_rng(0).normal(size=SHAPE).astype("float32")
    x, seed = tf.constant(x_np), tf.constant([1, 2], tf.int32)
    noise = tsaug.AddNoise(scale=SIGMA, normalize=False)
    anchor = median_ms(lambda: noise.augment(x_np))
    print(f"{SHAPE[0]} x {SHAPE[1]} x {SHAPE[2]} float32; tsaug AddNoise: {anchor:.1f} ms\n")
    print("| draw | XLA ms | ratio to tsaug | tf.function ms | ratio to tsaug |")
    print("|---|---|---|---|---|")
    for name, fn in (("Philox normal + add (Jitter)", philox_normal),
                     ("Philox uniform + Box-Muller + add", uniform_box_muller),
                     ("Philox uniform + add (floor)", philox_uniform_only)):
        timings = []
        for jit in (True, False):
            compiled = tf.function(fn, jit_compile=jit)
            timings.append(median_ms(lambda compiled=compiled: compiled(x, seed).numpy()))
        print(f"| {name} | {timings[0]:.1f} | {anchor / timings[0]:.1f}x | {timings[1]:.1f} | "
              f"{anchor / timings[1]:.1f}x |")


if __name__ == "__main__":
    main()
