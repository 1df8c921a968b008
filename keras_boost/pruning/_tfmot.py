"""The lazy bridge to tensorflow-model-optimization for ``tf_keras`` (Keras 2) models.

tfmot only prunes Keras 2 models, and importing it sets
``os.environ["TF_USE_LEGACY_KERAS"] = "1"``, which flips ``tf.keras`` to
Keras 2 for the rest of the process. So it is imported here only, only for
an object that already is a ``tf_keras`` object, and the variable is put
back as it was right after the import.
"""

from __future__ import annotations

import contextlib
import os

_ENV = "TF_USE_LEGACY_KERAS"


def is_tf_keras(obj) -> bool:
    """True for a ``tf_keras`` layer or model (or a list starting with one); imports nothing."""
    if isinstance(obj, (list, tuple)) and obj:
        obj = obj[0]
    return any(cls.__module__.split(".")[0] == "tf_keras" for cls in type(obj).__mro__)


@contextlib.contextmanager
def _environment_kept():
    saved = os.environ.get(_ENV)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(_ENV, None)
        else:
            os.environ[_ENV] = saved


def sparsity_module():
    """``tfmot.sparsity.keras``, imported with the user's environment left as it was."""
    with _environment_kept():
        import tensorflow_model_optimization as tfmot

        return tfmot.sparsity.keras


def _tfmot_schedule(schedule, sparsity):
    from keras_boost.pruning.schedules import ConstantSparsity, PolynomialDecay

    if type(schedule) is ConstantSparsity:
        return sparsity.ConstantSparsity(**schedule.get_config())
    if type(schedule) is PolynomialDecay:
        return sparsity.PolynomialDecay(**schedule.get_config())
    if isinstance(schedule, sparsity.PruningSchedule):
        return schedule
    raise TypeError("A tf_keras model is pruned by tfmot, which takes `ConstantSparsity`, "
                    f"`PolynomialDecay` or a tfmot schedule. Received: {schedule!r}. Pass one "
                    "of those, or rebuild the model with Keras 3 to use your own schedule.")


def prune_low_magnitude(to_prune, pruning_schedule, **params):
    """tfmot's ``prune_low_magnitude`` on a tf_keras object, our schedules translated."""
    sparsity = sparsity_module()
    schedule = _tfmot_schedule(pruning_schedule, sparsity)
    with _environment_kept():
        return sparsity.prune_low_magnitude(to_prune, pruning_schedule=schedule, **params)


def strip_pruning(model):
    """tfmot's ``strip_pruning`` on a tf_keras model."""
    sparsity = sparsity_module()
    with _environment_kept():
        return sparsity.strip_pruning(model)


def update_pruning_step():
    """tfmot's ``UpdatePruningStep`` callback, for a tf_keras model."""
    return sparsity_module().UpdatePruningStep()
