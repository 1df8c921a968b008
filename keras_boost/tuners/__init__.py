"""Hyperparameter search: keras-tuner's four strategies behind one class.

``Tuner(build_model, strategy="random")`` takes what keras-tuner takes and
``search(x, y, ...)`` takes what ``model.fit`` takes. See docs/tuners.md.
"""

from keras_boost.tuners.facade import ConsecutiveFailuresError, Tuner

__all__ = ["ConsecutiveFailuresError", "Tuner"]
