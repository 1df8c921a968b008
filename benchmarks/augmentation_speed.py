"""Speed: each time-series layer against tsaug, or a numpy reference where tsaug has none.

One process, the same float32 batch of 1024 x 1000 x 3 for everyone. Ours
runs the layer with ``training=True`` inside ``tf.function(jit_compile=True)``
(how ``fit`` runs it with XLA) and inside a plain ``tf.function``; the
anchor is tsaug's ``augment`` (or the numpy reference, the same algorithm
written with numpy). Each is timed as the median of several runs after a
warm-up; the ratio is anchor time / our time (> 1: ours is faster).

    python benchmarks/augmentation_speed.py            # 1024 x 1000 x 3, 5 runs
    python benchmarks/augmentation_speed.py --quick    # 64 x 200 x 3, 2 runs

Needs tsaug for the tsaug rows (pip install "keras-boost[dev]").
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_boost.layers as kbl  # noqa: E402
from keras_boost.layers._ops import spline_matrix  # noqa: E402

RNG = np.random.default_rng(0)


def np_resample(x, pos):
    """Linear interpolation of x (n, t, c) at pos (n, t') with numpy."""
    pos = np.clip(pos, 0, x.shape[1] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, x.shape[1] - 1)
    w = (pos - lo)[..., None]
    return (np.take_along_axis(x, lo[..., None], 1) * (1 - w)
            + np.take_along_axis(x, hi[..., None], 1) * w)


def np_scaling(x):
    return x * RNG.normal(1.0, 0.1, (x.shape[0], 1, x.shape[2])).astype(x.dtype)


def np_magnitude_warp(x):
    basis = spline_matrix(x.shape[1], 4)
    curve = np.einsum("tk,nkc->ntc", basis, RNG.normal(1.0, 0.2, (x.shape[0], 6, x.shape[2])))
    return x * curve.astype(x.dtype)


def np_window_warp(x, ratio=0.1, scales=(0.5, 2.0)):
    n, t = x.shape[:2]
    last = t - 1.0
    width = ratio * last
    start = RNG.uniform(0, last - width, (n, 1))
    scale = RNG.choice(scales, (n, 1))
    v = np.arange(t)[None] * (last + width * (scale - 1)) / last
    src = np.where(v < start, v, np.where(v < start + width * scale,
                                          start + (v - start) / scale, v - width * (scale - 1)))
    return np_resample(x, src)


def np_permutation(x, max_segments=5):
    # As in Iwana & Uchida's reference code: a loop over samples.
    out = np.empty_like(x)
    for i, series in enumerate(x):
        count = RNG.integers(2, max_segments + 1)
        cuts = np.sort(RNG.choice(np.arange(1, x.shape[1]), count - 1, replace=False))
        parts = np.split(series, cuts)
        out[i] = np.concatenate([parts[j] for j in RNG.permutation(len(parts))])
    return out


def np_time_shift(x, max_shift=0.1):
    reach = int(max_shift * x.shape[1])
    shift = RNG.integers(-reach, reach + 1, (x.shape[0], 1))
    index = (np.arange(x.shape[1])[None] - shift) % x.shape[1]
    return np.take_along_axis(x, index[..., None], 1)


def np_time_mask(x, max_width=0.1):
    t = x.shape[1]
    width = np.floor(RNG.uniform(size=(x.shape[0], 1)) * (max_width * t + 1))
    start = np.floor(RNG.uniform(size=(x.shape[0], 1)) * (t - width + 1))
    steps = np.arange(t)[None]
    return x * ~((steps >= start) & (steps < start + width))[..., None]


def cases():
    """(layer, anchor name, anchor function) per row."""
    rows = []
    try:
        import tsaug
    except ImportError:  # pragma: no cover - depends on the environment
        tsaug = None
        print("tsaug is not installed: its rows are skipped (pip install tsaug)\n")
    if tsaug is not None:
        rows += [
            (kbl.Jitter(0.03, seed=0), "tsaug AddNoise(scale=0.03, normalize=False)",
             tsaug.AddNoise(scale=0.03, normalize=False, seed=0).augment),
            (kbl.TimeWarp(0.2, seed=0), "tsaug TimeWarp(n_speed_change=4, max_speed_ratio=2)",
             tsaug.TimeWarp(n_speed_change=4, max_speed_ratio=2.0, seed=0).augment),
        ]

        def crop(x):
            return tsaug.Crop(size=int(0.9 * x.shape[1]), resize=x.shape[1], seed=0).augment(x)

        rows.append((kbl.WindowSlice(0.9, seed=0), "tsaug Crop(size=0.9 T, resize=T)", crop))
    rows += [
        (kbl.RandomScaling(0.1, seed=0), "numpy reference", np_scaling),
        (kbl.MagnitudeWarp(0.2, seed=0), "numpy reference (same spline)", np_magnitude_warp),
        (kbl.WindowWarp(0.1, seed=0), "numpy reference", np_window_warp),
        (kbl.Permutation(5, seed=0), "numpy reference (loop, as Iwana & Uchida)",
         np_permutation),
        (kbl.RandomTimeShift(0.1, seed=0), "numpy reference", np_time_shift),
        (kbl.RandomTimeMask(0.1, seed=0), "numpy reference", np_time_mask),
    ]
    return rows


def median_time(fn, repeats):
    fn()  # warm-up (tracing, compilation)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs=3, default=(1024, 1000, 3))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.shape, args.repeats = (64, 200, 3), 2
    x = RNG.normal(size=args.shape).astype("float32")
    tx = tf.constant(x)
    print(f"batch {tuple(args.shape)} float32, median of {args.repeats} runs, "
          f"{tf.config.threading.get_inter_op_parallelism_threads() or 'default'} TF threads, "
          f"{os.cpu_count()} CPUs\n")
    print("| layer | anchor | anchor ms | ours XLA ms | ratio XLA | ours tf.function ms | "
          "ratio tf.function |")
    print("|---|---|---|---|---|---|---|")
    for layer, name, anchor in cases():
        xla = tf.function(lambda t, layer=layer: layer(t, training=True), jit_compile=True)
        graph = tf.function(lambda t, layer=layer: layer(t, training=True))
        t_anchor = median_time(lambda anchor=anchor: anchor(x), args.repeats)
        t_xla = median_time(lambda xla=xla: xla(tx).numpy(), args.repeats)
        t_graph = median_time(lambda graph=graph: graph(tx).numpy(), args.repeats)
        print(f"| {type(layer).__name__} | {name} | {1e3 * t_anchor:.1f} | {1e3 * t_xla:.1f} | "
              f"{t_anchor / t_xla:.1f}x | {1e3 * t_graph:.1f} | {t_anchor / t_graph:.1f}x |",
              flush=True)


if __name__ == "__main__":
    main()
