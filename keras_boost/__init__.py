"""keras-boost: the missing batteries for ``model.fit``.

Every component is a plain Keras 3 object that drops into an existing
workflow: a callback, a layer, a function that takes a model and returns a
model, or a tuner that takes keras-tuner's ``build_model(hp)``.

Importing ``keras_boost`` has no side effects: it sets no environment
variable, no global dtype policy and no seed, and it never imports
``tensorflow_model_optimization``.

Example:

>>> import keras_boost as kb
>>> kb.__version__
'0.1.0.dev0'
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
