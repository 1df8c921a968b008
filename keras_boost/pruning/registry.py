"""Which weights of which Keras 3 layers get pruned.

``prunable_weights(layer)`` returns the variables to prune for a supported
layer; ``pass_through(layer)`` says a layer is kept as it is (no weights, or
only normalization/bias-like weights); anything else with weights is
unsupported and gets a clear error from ``check_supported``.
"""

from __future__ import annotations

import abc

import keras

L = keras.layers

# Attribute paths of the weights to prune, per built-in layer class.
_WEIGHTS = {
    L.Dense: ("kernel",),
    L.EinsumDense: ("kernel",),
    L.Conv1D: ("kernel",),
    L.Conv2D: ("kernel",),
    L.Conv3D: ("kernel",),
    L.Conv1DTranspose: ("kernel",),
    L.Conv2DTranspose: ("kernel",),
    L.Conv3DTranspose: ("kernel",),
    L.SeparableConv1D: ("pointwise_kernel",),
    L.SeparableConv2D: ("pointwise_kernel",),
    L.DepthwiseConv1D: ("kernel",),
    L.DepthwiseConv2D: ("kernel",),
    L.Embedding: ("embeddings",),
    L.MultiHeadAttention: ("query_dense.kernel", "key_dense.kernel", "value_dense.kernel",
                           "output_dense.kernel"),
    L.LSTM: ("cell.kernel", "cell.recurrent_kernel"),
    L.GRU: ("cell.kernel", "cell.recurrent_kernel"),
    L.SimpleRNN: ("cell.kernel", "cell.recurrent_kernel"),
}

# Layers with weights that are kept dense (tfmot does the same).
_KEEP_DENSE = (L.BatchNormalization, L.LayerNormalization, L.GroupNormalization,
               L.UnitNormalization, L.Normalization)

# Layers that never have weights; known without building them.
_WEIGHTLESS = tuple(getattr(L, name) for name in (
    "InputLayer", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Dropout",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Flatten", "Reshape",
    "Permute", "RepeatVector", "Lambda", "Masking", "Identity", "Rescaling",
    "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Add", "Subtract",
    "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "MaxPooling1D",
    "MaxPooling2D", "MaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "GlobalMaxPooling3D") if hasattr(L, name))


class PrunableLayer(abc.ABC):
    """Mark a custom layer as prunable by naming the weights to prune.

    Use it for your own layers: inherit from it (next to ``keras.layers.Layer``)
    or simply define a ``get_prunable_weights()`` method; ``prune_low_magnitude``
    then wraps the layer and prunes the variables it returns.

    Example:

    >>> import keras
    >>> class MyDense(keras.layers.Dense, PrunableLayer):
    ...     def get_prunable_weights(self):
    ...         return [self.kernel]
    >>> layer = MyDense(4)
    >>> layer.build((None, 3))
    >>> [tuple(w.shape) for w in layer.get_prunable_weights()]
    [(3, 4)]
    """

    @abc.abstractmethod
    def get_prunable_weights(self):
        """Return the list of variables to prune (built layer)."""


def _exact_class(layer):
    return type(layer) if type(layer) in _WEIGHTS else None


def is_custom_prunable(layer) -> bool:
    """True for a `PrunableLayer` or a layer with a ``get_prunable_weights`` method."""
    return isinstance(layer, PrunableLayer) or callable(getattr(layer, "get_prunable_weights",
                                                                 None))


def supports(layer) -> bool:
    """True when ``layer`` has weights that ``prune_low_magnitude`` knows how to prune."""
    return is_custom_prunable(layer) or _exact_class(layer) is not None


def pass_through(layer) -> bool:
    """True when ``layer`` is kept as it is: weightless or normalization."""
    if supports(layer):
        return False
    if isinstance(layer, _KEEP_DENSE) or type(layer) in _WEIGHTLESS:
        return True
    return bool(layer.built) and not layer.weights


def _resolve(obj, path):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def prunable_weights(layer) -> list:
    """The variables of a built, supported ``layer`` to prune."""
    if is_custom_prunable(layer):
        return list(layer.get_prunable_weights())
    return [_resolve(layer, path) for path in _WEIGHTS[type(layer)]]


def check_supported(layer) -> None:
    """Raise a ValueError naming ``layer`` when it can be neither pruned nor passed through."""
    if supports(layer) or pass_through(layer):
        return
    names = ", ".join(sorted(c.__name__ for c in _WEIGHTS))
    raise ValueError(
        f"`prune_low_magnitude` does not know which weights of layer '{layer.name}' "
        f"({type(layer).__name__}) to prune. Supported layers: {names}; layers without weights "
        "and normalization layers are kept as they are. Received: a "
        f"{type(layer).__name__} with weights. To fix it, subclass "
        "`keras_boost.pruning.PrunableLayer` (or add a `get_prunable_weights()` method "
        "returning the variables to prune), or prune only the supported layers by passing "
        "them as a list to `prune_low_magnitude`.")
