"""Keep a search's memory flat and its garbage collections cheap.

``gc_frozen``: keras-tuner runs two full garbage collections before every
trial (``clear_session()`` and ``gc.collect()``), each walking every object
TensorFlow and Keras hold. The facade freezes the objects that exist when the search starts
(``gc.freeze()``), so the collections in the search only walk what the
search itself created; everything is unfrozen when it ends.

``custom_gradient_names``/``release_custom_gradients``: free the graphs
TensorFlow keeps alive after each trial.

Every traced Keras train step registers a gradient function named
``CustomGradient-N`` in TensorFlow's global gradient registry (Keras' optimizer
sums gradients with ``tf.distribute``'s ``all_reduce``, which is a
``tf.custom_gradient`` in graph mode), and the registry never lets go of it:
the function's closure holds the whole traced graph. ``clear_session()`` and
``gc.collect()`` cannot free it, so a search grows by a few MiB a trial
(tensorflow#97697, keras#20245). Those entries are only read while the graph
is being differentiated, which is over once its trial has ended, so the
facade drops the ones a trial added. Entries that existed before the search
are left alone.

Private module: it reads TensorFlow's private registry and does nothing
where that is missing or the backend is not TensorFlow.
"""

from __future__ import annotations

import contextlib
import gc

import keras

_PREFIX = "CustomGradient-"


def _registry():
    if keras.backend.backend() != "tensorflow":
        return None
    try:
        from tensorflow.python.framework import ops
    except ImportError:
        return None
    registry = getattr(getattr(ops, "gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def custom_gradient_names() -> frozenset[str]:
    """The custom gradients registered so far in this process."""
    registry = _registry()
    return frozenset(k for k in registry if k.startswith(_PREFIX)) if registry else frozenset()


def release_custom_gradients(keep: frozenset[str]) -> int:
    """Drop the custom gradients registered since ``keep`` was taken; return how many."""
    registry = _registry()
    if not registry:
        return 0
    added = [k for k in registry if k.startswith(_PREFIX) and k not in keep]
    for name in added:
        registry.pop(name, None)
    return len(added)


@contextlib.contextmanager
def gc_frozen():
    """Leave the objects that exist now out of every garbage collection in the block.

    Does nothing when the caller has frozen objects itself. The objects are
    unfrozen on exit, also after an exception.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
