"""``fix_output_dtype``: a copy of a model whose output layers compute in float32."""

from __future__ import annotations

import keras

from keras_boost.precision.audit import _HALF, _output_layers
from keras_boost.precision.context import _clone_with_dtypes


def fix_output_dtype(model: keras.Model, dtype: str = "float32") -> keras.Model:
    """Return a copy of ``model`` whose output layers compute in ``dtype``; ``model`` is untouched.

    Use it when ``audit(model)`` reports ``float16-output``/``half-output``
    and you cannot (or would rather not) edit the code that builds the model.
    The copy has the same weights and the model's own policy (so ``compile``
    still adds loss scaling under ``mixed_float16``); it is compiled like the
    original when the original was compiled (fresh optimizer state).

    Args:
        model: a functional or Sequential ``keras.Model`` (nested functional and
            Sequential models are copied too).
        dtype: the policy for the output layers. Default ``"float32"``.

    Returns:
        A new ``keras.Model``, also when no output layer needed a change.

    Raises:
        TypeError: for a subclassed model (set ``dtype="float32"`` on its output
            layer in ``__init__`` instead) or a non-model.
        ValueError: for a ``dtype`` other than ``"float32"``/``"float64"``.

    Example:
        >>> import keras
        >>> from keras_boost.precision import fix_output_dtype, mixed_precision
        >>> with mixed_precision("mixed_float16"):
        ...     model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, "softmax")])
        >>> fixed = fix_output_dtype(model)
        >>> model.layers[-1].compute_dtype, fixed.layers[-1].compute_dtype
        ('float16', 'float32')
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`fix_output_dtype` expects a keras.Model. Received: "
                        f"{type(model).__name__}. Pass a functional or Sequential model.")
    if dtype not in ("float32", "float64"):
        raise ValueError(f"`fix_output_dtype` expects dtype 'float32' or 'float64'. Received: "
                         f"dtype={dtype!r}. Pass dtype='float32'.")
    targets = {id(layer) for layer in _output_layers(model) if layer.compute_dtype in _HALF}

    copy = _clone_with_dtypes(  # the copy keeps the model's own policy
        model, model.dtype_policy, lambda layer: dtype if id(layer) in targets else None,
        "`fix_output_dtype` can copy functional and Sequential models only. Received: {name} "
        "({error}). In a subclassed model, create the output layer with dtype='float32' "
        "instead.")
    copy.set_weights(model.get_weights())
    if getattr(model, "compiled", False) and model.optimizer is not None:
        copy.compile_from_config(model.get_compile_config())
    return copy
