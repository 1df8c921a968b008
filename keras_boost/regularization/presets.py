"""Named regularization presets: the data, nothing that touches a model.

A :class:`Preset` is an immutable description of how strongly to regularize
a network. :data:`PRESETS` holds the four named ones (``"none"``, ``"light"``,
``"medium"``, ``"heavy"``). :func:`keras_boost.regularization.apply_preset`
puts a preset onto a model you already have; :meth:`Preset.layer_kwargs`
puts it onto layers you are writing.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

import keras

# Axes over which MaxNorm measures the incoming weight vector of one unit:
# Dense kernels are (in, out); ConvND kernels are (*window, in, out).
_MAX_NORM_AXES = {
    "dense": 0,
    "conv1d": [0, 1],
    "conv2d": [0, 1, 2],
    "conv3d": [0, 1, 2, 3],
}
KINDS = tuple(_MAX_NORM_AXES)


def _check_rate(name: str, value, upper_open: bool = True) -> None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (upper_open and value >= 1):
        bound = "0 <= {} < 1" if upper_open else "{} >= 0"
        raise ValueError(f"`Preset` expects {bound.format(name)}. Received: {name}={value!r}. "
                         f"Pass e.g. {name}=0.1, or 0 to turn it off.")


@dataclass(frozen=True)
class Preset:
    """An immutable recipe of regularization strengths for one network.

    Use one of :data:`PRESETS` by name, or derive your own with
    ``dataclasses.replace(PRESETS["medium"], dropout=0.2)``. The first six
    fields are what :func:`apply_preset` adds to a model; ``label_smoothing``
    and ``weight_decay`` are suggestions for your own ``compile`` call
    (``apply_preset`` keeps the loss and optimizer you compiled with).

    Args:
        name: a label shown in reports. Default ``"custom"``.
        l1: L1 factor of the kernel regularizer (Keras convention: adds
            ``l1 * sum(|w|)`` to the loss). Default 0.
        l2: L2 factor of the kernel regularizer (adds ``l2 * sum(w**2)``).
            Biases and normalization layers are never regularized. Default 0.
        dropout: rate of the ``Dropout`` put after each hidden dense block.
            Default 0.
        spatial_dropout: rate of the ``SpatialDropout1D/2D/3D`` put after each
            hidden convolution block (drops whole feature maps). Default 0.
        input_noise: standard deviation (in [0, 1), the range Keras'
            ``GaussianNoise`` accepts) of a ``GaussianNoise`` put on each
            float input (active in training only). Default 0.
        max_norm: bound ``c`` of a ``MaxNorm`` constraint on the incoming
            weights of each Dense/ConvND unit, or None. Default None.
        label_smoothing: suggested ``label_smoothing`` for a categorical
            cross-entropy you compile yourself. Default 0.
        weight_decay: suggested decoupled weight decay for ``AdamW`` if you
            compile a new optimizer. Use it *instead of* ``l2`` (pass
            ``l2=0``): under Adam an L2 penalty is not weight decay
            (Loshchilov & Hutter). Default 0.

    Raises:
        ValueError: for a rate outside [0, 1), a negative factor, or a
            ``max_norm`` that is not positive.

    Example:

    >>> import dataclasses
    >>> from keras_boost.regularization import PRESETS
    >>> mine = dataclasses.replace(PRESETS["medium"], dropout=0.2, name="mine")
    >>> mine.dropout, mine.l2
    (0.2, 0.0001)

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 2014. Loshchilov & Hutter, "Decoupled Weight
        Decay Regularization", ICLR 2019.
    """

    name: str = "custom"
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    spatial_dropout: float = 0.0
    input_noise: float = 0.0
    max_norm: float | None = None
    label_smoothing: float = 0.0
    weight_decay: float = 0.0

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"`Preset` expects `name` to be a str. Received: name={self.name!r}. "
                            "Pass e.g. name='mine'.")
        for rate in ("dropout", "spatial_dropout", "label_smoothing"):
            _check_rate(rate, getattr(self, rate))
        for factor in ("l1", "l2", "weight_decay"):
            _check_rate(factor, getattr(self, factor), upper_open=False)
        _check_rate("input_noise", self.input_noise)
        if self.max_norm is not None:
            value = self.max_norm
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
                raise ValueError("`Preset` expects `max_norm` > 0 or None. "
                                 f"Received: max_norm={value!r}. Pass e.g. max_norm=3.0.")

    @property
    def is_noop(self) -> bool:
        """True when the preset adds nothing to a model."""
        return not (self.l1 or self.l2 or self.dropout or self.spatial_dropout
                    or self.input_noise or self.max_norm)

    def kernel_regularizer(self):
        """A fresh Keras regularizer for kernels, or None when l1 = l2 = 0."""
        if self.l1 and self.l2:
            return keras.regularizers.L1L2(l1=self.l1, l2=self.l2)
        if self.l2:
            return keras.regularizers.L2(self.l2)
        if self.l1:
            return keras.regularizers.L1(self.l1)
        return None

    def kernel_constraint(self, kind: str):
        """A fresh ``MaxNorm`` for a layer of ``kind``, or None without max_norm."""
        _check_kind(kind)
        if self.max_norm is None:
            return None
        return keras.constraints.MaxNorm(max_value=self.max_norm, axis=_MAX_NORM_AXES[kind])

    def layer_kwargs(self, kind: str) -> dict:
        """Keyword arguments that regularize a new layer of ``kind`` like the preset.

        Args:
            kind: one of ``"dense"``, ``"conv1d"``, ``"conv2d"``, ``"conv3d"``.

        Returns:
            A dict with ``kernel_regularizer`` and/or ``kernel_constraint``
            (fresh objects on every call); empty for the ``"none"`` preset.
            Dropout is a layer of its own: add ``keras.layers.Dropout(
            preset.dropout)`` after the block.

        Raises:
            ValueError: for an unknown ``kind``.

        Example:

        >>> import keras
        >>> from keras_boost.regularization import PRESETS
        >>> layer = keras.layers.Dense(64, **PRESETS["medium"].layer_kwargs("dense"))
        >>> type(layer.kernel_regularizer).__name__
        'L2'
        """
        _check_kind(kind)
        kwargs = {}
        regularizer = self.kernel_regularizer()
        if regularizer is not None:
            kwargs["kernel_regularizer"] = regularizer
        constraint = self.kernel_constraint(kind)
        if constraint is not None:
            kwargs["kernel_constraint"] = constraint
        return kwargs


def _check_kind(kind) -> None:
    if kind not in _MAX_NORM_AXES:
        raise ValueError(f"`Preset.layer_kwargs` expects kind in {list(KINDS)}. "
                         f"Received: kind={kind!r}. Pass e.g. kind='dense'.")


PRESETS = MappingProxyType({
    "none": Preset(name="none"),
    "light": Preset(name="light", l2=1e-5, dropout=0.1, spatial_dropout=0.05,
                    label_smoothing=0.05, weight_decay=1e-3),
    "medium": Preset(name="medium", l2=1e-4, dropout=0.3, spatial_dropout=0.1, max_norm=4.0,
                     label_smoothing=0.1, weight_decay=4e-3),
    "heavy": Preset(name="heavy", l2=1e-3, dropout=0.5, spatial_dropout=0.2, input_noise=0.1,
                    max_norm=3.0, label_smoothing=0.1, weight_decay=5e-2),
})
"""The named presets, read-only. See docs/regularization.md for the table."""


def get_preset(preset) -> Preset:
    """Resolve a preset name or a :class:`Preset` to a :class:`Preset`.

    Use it where your own code accepts ``preset="medium"`` the way
    ``apply_preset`` does.

    Args:
        preset: a key of :data:`PRESETS` or a ``Preset`` (returned as is).

    Raises:
        ValueError: for an unknown name.
        TypeError: for anything that is neither a str nor a Preset.

    Example:

    >>> from keras_boost.regularization import get_preset
    >>> get_preset("heavy").dropout
    0.5
    """
    if isinstance(preset, Preset):
        return preset
    if isinstance(preset, str):
        if preset in PRESETS:
            return PRESETS[preset]
        raise ValueError(f"Unknown regularization preset. Expected one of {list(PRESETS)}. "
                         f"Received: preset={preset!r}. Pass e.g. preset='medium'.")
    raise TypeError("Expected `preset` to be a preset name or a `Preset`. "
                    f"Received: preset={preset!r} of type {type(preset).__name__}. "
                    "Pass e.g. preset='medium' or preset=Preset(dropout=0.2).")
