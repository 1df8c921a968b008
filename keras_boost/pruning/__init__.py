"""Magnitude pruning for Keras 3 models: the ``tfmot.sparsity.keras`` API, on Keras 3.

tensorflow-model-optimization refuses Keras 3 models; this module gives the
same names and meanings, so migrating is an import change::

    from keras_boost import pruning as sparsity   # was: tfmot.sparsity.keras

Importing it never imports tensorflow-model-optimization: only a ``tf_keras``
(Keras 2) model is handed to tfmot, through ``keras_boost.pruning._tfmot``.

Example:

>>> import keras
>>> from keras_boost import pruning
>>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
>>> pruned = pruning.prune_low_magnitude(model, pruning.ConstantSparsity(0.8, begin_step=0))
>>> pruned.layers[0].__class__.__name__
'PruneLowMagnitude'
"""

from keras_boost.pruning.callbacks import PruningSummaries, UpdatePruningStep
from keras_boost.pruning.prune import prune_low_magnitude, prune_scope, strip_pruning
from keras_boost.pruning.registry import PrunableLayer
from keras_boost.pruning.report import SparsityReport, sparsity_report
from keras_boost.pruning.schedules import ConstantSparsity, PolynomialDecay, PruningSchedule
from keras_boost.pruning.wrapper import PruneLowMagnitude

__all__ = [
    "ConstantSparsity",
    "PolynomialDecay",
    "PrunableLayer",
    "PruneLowMagnitude",
    "PruningSchedule",
    "PruningSummaries",
    "SparsityReport",
    "UpdatePruningStep",
    "prune_low_magnitude",
    "prune_scope",
    "sparsity_report",
    "strip_pruning",
]
