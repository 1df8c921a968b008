"""Time a few training steps of one model under several dtype policies."""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Sequence

import keras
import numpy as np

from keras_boost.precision.context import _clone_with_dtypes, mixed_precision

#: A candidate whose step is this many times slower than float32 stops being timed.
_GIVE_UP_FACTOR = 3.0
#: Fast steps are timed in groups of at least this many seconds (scheduler noise).
_MIN_TIMED_SECONDS = 0.05


def _clone_under(model: keras.Model, policy: str) -> keras.Model:
    """A fresh copy of a compiled functional/Sequential ``model`` whose layers follow ``policy``.

    Layers that ran under the model's own policy follow ``policy``; layers the
    user pinned to another dtype (a float32 output layer) keep theirs.
    """
    own = model.dtype_policy.name
    copy = _clone_with_dtypes(
        model, policy, lambda layer: policy if layer.dtype_policy.name == own else None,
        "`auto_policy(measure=model)` can only rebuild functional and Sequential models under "
        "another policy. Received: {name} ({error}). Pass a function that builds and compiles "
        "the model instead: measure=build_model.")
    optimizer = model.optimizer
    inner = getattr(optimizer, "inner_optimizer", None)
    optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(inner or optimizer))
    copy.compile(optimizer=optimizer, loss=model.loss, jit_compile=model.jit_compile)
    return copy


@contextlib.contextmanager
def _random_state_kept():
    """Give back Python's and NumPy's global random state as they were.

    Building the timed models draws their initial weights' seeds from
    Python's ``random`` (Keras' default seeds come from it); without this a
    seeded script would get other initial weights depending on whether it
    timed.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def _build(measure, policy: str) -> keras.Model:
    if isinstance(measure, keras.Model):
        if not getattr(measure, "compiled", False) or measure.optimizer is None:
            raise ValueError("`auto_policy(measure=model)` expects a compiled model. Received: "
                             f"{measure.name!r}, not compiled. Call model.compile(...) first or "
                             "pass a function that builds and compiles it.")
        return _clone_under(measure, policy)
    with mixed_precision(policy):
        model = measure()
    if not isinstance(model, keras.Model) or not getattr(model, "compiled", False):
        raise TypeError("`auto_policy(measure=build)` expects build() to return a compiled "
                        f"keras.Model. Received: {type(model).__name__} "
                        f"(compiled={getattr(model, 'compiled', False)}). Call model.compile(...) "
                        "inside the function and return the model.")
    return model


def time_policies(measure: keras.Model | Callable[[], keras.Model], sample,
                  candidates: Sequence[str], steps: int = 5, *, with_ratios: bool = False):
    """Training steps per second of ``measure`` under each policy in ``candidates``.

    Returns ``{policy: steps per second}``; with ``with_ratios=True`` also
    ``{16-bit policy: [per-round speed-up over float32, ...]}``.

    The models are built first, warmed up with two steps each, then timed one
    step at a time in turn (steps shorter than 50 ms in groups), in
    alternating order, so that a busy machine slows
    all of them alike. float32 gets the inverse of its median step time; a
    16-bit candidate gets that times the median of its per-round speed-ups
    over float32 (paired measurements cancel the load of the moment). A
    candidate more than three times slower than float32 is dropped after two
    timed steps. The global policy and the global random state (Python,
    NumPy, and so Keras' default seeds) are the same afterwards as before.

    Raises:
        TypeError: for a ``measure`` that is neither a model nor a function,
            or a ``sample`` that is not an ``(x, y)`` pair.
    """
    if not (isinstance(measure, keras.Model) or callable(measure)):
        raise TypeError("`auto_policy` expects measure to be a compiled keras.Model or a "
                        f"function that builds one. Received: {type(measure).__name__}. "
                        "Pass e.g. measure=build_model.")
    if not isinstance(sample, tuple | list) or len(sample) != 2:
        raise TypeError("`auto_policy` expects sample=(x, y), one batch. Received: "
                        f"{type(sample).__name__}. Pass e.g. sample=(x[:256], y[:256]).")
    with _random_state_kept():
        speed, ratios = _time(measure, sample, candidates, steps)
    return (speed, ratios) if with_ratios else speed


def _time(measure, sample, candidates, steps):
    x, y = sample
    models = {policy: _build(measure, policy) for policy in candidates}
    for model in models.values():
        for _ in range(2):
            model.train_on_batch(x, y)
    start = time.perf_counter()
    models[candidates[0]].train_on_batch(x, y)
    reps = max(1, math.ceil(_MIN_TIMED_SECONDS / (time.perf_counter() - start)))
    times: dict[str, list[float]] = {policy: [] for policy in candidates}
    ratios: dict[str, list[float]] = {policy: [] for policy in candidates if policy != "float32"}
    order = list(models)
    for step in range(steps):
        for policy in order if step % 2 == 0 else order[::-1]:
            if policy != "float32" and len(ratios[policy]) >= 2 and (
                    np.median(ratios[policy]) < 1 / _GIVE_UP_FACTOR):
                continue
            start = time.perf_counter()
            for _ in range(reps):
                models[policy].train_on_batch(x, y)
            times[policy].append((time.perf_counter() - start) / reps)
        for policy in ratios:
            if len(times[policy]) == step + 1:
                ratios[policy].append(times["float32"][-1] / times[policy][-1])
    base = 1.0 / float(np.median(times["float32"]))
    speed = {"float32": base, **{p: base * float(np.median(r)) for p, r in ratios.items()}}
    return speed, ratios
