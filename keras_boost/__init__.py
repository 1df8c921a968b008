"""keras-boost: the missing batteries for ``model.fit``.

Every component is a plain Keras 3 object that drops into an existing
workflow: a callback, a layer, a function that takes a model and returns a
model, or a tuner that takes keras-tuner's ``build_model(hp)``.

The subpackages load on first use (``kb.callbacks``, ``kb.layers``...), so
``import keras_boost`` is quick. Importing has no side effects: it sets no
environment variable, no global dtype policy and no seed, and it never
imports ``tensorflow_model_optimization``.

Example:

>>> import keras_boost as kb
>>> callbacks = [kb.callbacks.OverfittingDetector(), kb.callbacks.AdaptiveEarlyStopping()]
"""

import importlib

__version__ = "0.1.0.dev0"

SUBPACKAGES = ("callbacks", "datasets", "layers", "precision", "pruning", "regularization",
               "testing", "tuners")

__all__ = ["__version__", *SUBPACKAGES]


def __getattr__(name):
    if name in SUBPACKAGES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'keras_boost' has no attribute {name!r}. "
                         f"Available: {', '.join(__all__)}.")


def __dir__():
    return sorted(set(globals()) | set(__all__))
