"""Private base of keras-boost's augmentation layers: seeds, strengths, input checks.

A *strength* (``sigma``, ``rate``, ``ratio`` ...) is held in a non-trainable
float32 variable. ``call`` reads the variable, so assigning a new value
(``layer.sigma = 0.1``, for example from a callback between epochs) takes
effect at the next step of an already compiled ``fit``: no rebuild, no
recompile. ``get_config`` reports the current value.
"""

from __future__ import annotations

import math
import numbers

import keras
import numpy as np
from keras import ops

from keras_boost.layers import _random


def check_number(owner, name, value, *, low=None, high=None, low_open=False, high_open=False,
                 integer=False, example):
    """Return ``value`` as float/int or raise a ValueError/TypeError that says how to fix it."""
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, numbers.Integral if integer else numbers.Real)
    if not ok_type or isinstance(value, bool):
        raise TypeError(f"`{owner}` expects `{name}` to be {kind}. Received: {name}={value!r} "
                        f"of type {type(value).__name__}. Pass e.g. {name}={example}.")
    given, value = value, int(value) if integer else float(value)
    if not integer and math.isinf(value):
        raise ValueError(f"`{owner}` expects `{name}` to be a finite number. Received: "
                         f"{name}={given!r}. Pass e.g. {name}={example}.")
    bad = ((low is not None and (value <= low if low_open else value < low))
           or (high is not None and (value >= high if high_open else value > high))
           or value != value)  # NaN
    if bad:
        bounds = []
        if low is not None:
            bounds.append(f"{name} {'>' if low_open else '>='} {low}")
        if high is not None:
            bounds.append(f"{name} {'<' if high_open else '<='} {high}")
        raise ValueError(f"`{owner}` expects {' and '.join(bounds)}. Received: {name}={given!r}. "
                         f"Pass e.g. {name}={example}.")
    return value


def check_choice(owner, name, value, choices):
    if value not in choices:
        raise ValueError(f"`{owner}` expects `{name}` to be one of {list(choices)}. "
                         f"Received: {name}={value!r}. Pass e.g. {name}={choices[0]!r}.")
    return value


def strength(name, **bounds):
    """A class-level property backed by the layer's non-trainable variable ``name``.

    ``bounds`` are the keyword arguments of ``check_number`` (``low``,
    ``high``, ``low_open``, ``high_open``, ``example``).
    """

    def getter(self):
        variable = self.__dict__.get("_strengths", {}).get(name)
        if variable is None:
            raise AttributeError(f"{name} is not set yet")
        current = float(ops.convert_to_numpy(variable))
        given = self.__dict__["_given"].get(name)
        # Report the value as given (0.1, not 0.10000000149) unless it was changed since.
        return given if given is not None and float(np.float32(given)) == current else current

    def setter(self, value):
        value = check_number(type(self).__name__, name, value, **bounds)
        self.__dict__.setdefault("_given", {})[name] = value
        variables = self.__dict__.setdefault("_strengths", {})
        if name in variables:
            variables[name].assign(value)
        else:
            variables[name] = self.add_weight(
                name=name, shape=(), dtype="float32", trainable=False, autocast=False,
                initializer=keras.initializers.Constant(value))

    return property(getter, setter, doc=f"The current `{name}` (a float32 variable).")


SHAPES_DOC = """
    Call arguments:
        inputs: float tensor of shape ``(batch, steps, channels)`` or one
            sample ``(steps, channels)``.
        training: augment when True (the default, like Keras' own
            augmentation layers, so the layer works in a ``tf.data`` map);
            ``fit`` passes True and ``predict``/``evaluate`` pass False, which
            returns the input unchanged.
"""

FIXED_STEPS_DOC = """
        The number of steps must be fixed (known when the model is built).
"""


class AugmentationLayer(keras.layers.Layer):
    """Shared machinery: seed generator, strengths, rank checks, batched/unbatched input.

    Subclasses set ``strength_names`` (the properties made with ``strength``),
    ``ranks`` (accepted input ranks), ``unbatched_rank`` (the rank of one
    sample, or None when the layer needs a batch) and ``shape_text``, and
    implement ``augment(x)`` on batched input.
    """

    strength_names: tuple[str, ...] = ()
    min_steps = 1
    ranks: tuple[int, ...] = (2, 3)
    unbatched_rank: int | None = 2
    shape_text = "(batch, steps, channels) or (steps, channels)"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__doc__:  # None under python -OO
            cls.__doc__ = (cls.__doc__.replace("{shapes}", SHAPES_DOC)
                           .replace("{fixed}", FIXED_STEPS_DOC))

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None:
            seed = check_number(type(self).__name__, "seed", seed, low=0, integer=True,
                                example=42)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    # -- inputs -----------------------------------------------------------------
    def _check_rank(self, shape):
        if len(shape) not in self.ranks:
            raise ValueError(
                f"`{type(self).__name__}` expects input of shape {self.shape_text}. "
                f"Received: input with shape {tuple(shape)} (rank {len(shape)}). "
                f"{self.rank_hint}")
        if self.batch_when_first_axis_unknown and len(shape) == self.unbatched_rank \
                and shape[0] is None:
            raise ValueError(
                f"`{type(self).__name__}` expects input of shape {self.shape_text}. "
                f"Received: input with shape {tuple(shape)}, whose first axis is unknown: "
                "that is a batch of series without a channel axis (for example from "
                "keras.Input((steps,))), which would be augmented as one series across the "
                "batch. Add the channel axis: keras.Input((steps, 1)) or x[..., None]. For "
                "one series of unknown length, pad or crop it to a fixed length first.")

    rank_hint = "For a univariate series of shape (batch, steps) use x[..., None]."
    # A time series given unbatched is (steps, channels) with its steps known; a rank-2
    # input with an unknown first axis is a batch missing its channel axis.
    batch_when_first_axis_unknown = True
    # Scaling, noise and interpolation need floats (an int factor truncates to 0 or 1).
    float_input_only = True

    def build(self, input_shape):
        self._check_rank(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def call(self, inputs, training=True):
        self._check_rank(inputs.shape)
        if self.float_input_only and not keras.backend.is_float_dtype(inputs.dtype):
            raise TypeError(
                f"`{type(self).__name__}` expects float input. Received: dtype "
                f"{keras.backend.standardize_dtype(inputs.dtype)}. Cast it first, e.g. "
                "keras.ops.cast(x, 'float32') or x.astype('float32').")
        if not training:
            return inputs
        unbatched = len(inputs.shape) == self.unbatched_rank
        x = ops.expand_dims(inputs, 0) if unbatched else inputs
        out = self.augment(x)
        out = ops.cast(out, inputs.dtype)
        return ops.squeeze(out, 0) if unbatched else out

    def augment(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------
    def value(self, name):
        """The strength ``name`` as a float32 tensor (read inside the graph)."""
        return ops.convert_to_tensor(self._strengths[name])

    def uniform(self, shape, low=0.0, high=1.0):
        return _random.uniform(shape, low, high, self.seed_generator)

    def normal(self, shape):
        return _random.normal(shape, self.seed_generator)

    def static_steps(self, x, axis=1):
        steps = x.shape[axis]
        if steps is None:
            raise ValueError(
                f"`{type(self).__name__}` needs a fixed number of steps on axis {axis}. "
                f"Received: input with shape {tuple(x.shape)}. Give the model a fixed length, "
                "e.g. keras.Input((steps, channels)), or pad/crop the series first.")
        if steps < self.min_steps:
            raise ValueError(f"`{type(self).__name__}` needs at least {self.min_steps} steps. "
                             f"Received: input with shape {tuple(x.shape)}.")
        return int(steps)

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        for name in self.strength_names:
            config[name] = getattr(self, name)
        return config
