"""``mixed_precision``: set the global dtype policy, for a block or for the script."""

from __future__ import annotations

from contextlib import contextmanager

import keras

from keras_boost.precision.policy import PolicyChoice, auto_policy, check_policy


class PolicyScope:
    """The policy ``mixed_precision`` set, and the one it replaced.

    Returned by ``mixed_precision``; as a context manager it puts the previous
    global policy back on exit, also when the block raises.

    Attributes:
        policy: the policy name now in force.
        reason: why it was chosen (``"requested"`` for an explicit name).
        previous: the global ``keras.DTypePolicy`` before the call.
        choice: the ``PolicyChoice`` behind ``"auto"``, else None.
    """

    def __init__(self, policy: str, reason: str, previous: keras.DTypePolicy,
                 choice: PolicyChoice | None = None):
        self.policy = policy
        self.reason = reason
        self.previous = previous
        self.choice = choice

    def restore(self) -> None:
        """Put the previous global policy back."""
        keras.config.set_dtype_policy(self.previous)

    def __enter__(self) -> PolicyScope:
        return self

    def __exit__(self, *exc_info) -> bool:
        self.restore()
        return False

    def __repr__(self):
        return (f"PolicyScope(policy={self.policy!r}, previous={self.previous.name!r}, "
                f"reason={self.reason!r})")


def mixed_precision(policy="auto", **auto_policy_kwargs) -> PolicyScope:
    """Set Keras' global dtype policy now; in a ``with`` block, only for the block.

    Use it around the code that *builds* the model (layers take the global
    policy when they are created): as a plain call at the top of a script, or
    as a context manager so the rest of the program keeps its policy. The
    ``with`` form restores the previous policy on exit, also after an
    exception, and nests. Keep the output layer in float32
    (``dtype="float32"``); ``audit(model)`` checks that.

    Keras keeps the global policy per thread, and ``keras.backend.clear_session()``
    resets it to float32 (also inside the block).

    Args:
        policy: ``"auto"`` (``auto_policy()`` decides), ``"float32"``,
            ``"mixed_float16"``, ``"mixed_bfloat16"`` or a ``keras.DTypePolicy``
            of one of these. Default ``"auto"``.
        **auto_policy_kwargs: passed to ``auto_policy`` with ``"auto"``
            (``devices=``, ``prefer_bfloat16=``, ``measure=``, ``sample=``...).

    Returns:
        A ``PolicyScope`` with ``policy``, ``reason`` and ``previous``.

    Raises:
        ValueError: for an unknown policy name (the message lists the valid
            ones), or ``auto_policy_kwargs`` with an explicit policy.
        TypeError: for a policy that is neither a string nor a ``keras.DTypePolicy``.

    Example:
        >>> import keras
        >>> from keras_boost.precision import mixed_precision
        >>> with mixed_precision("mixed_bfloat16") as scope:
        ...     layer = keras.layers.Dense(4)
        >>> layer.compute_dtype, keras.config.dtype_policy().name
        ('bfloat16', 'float32')
    """
    name = check_policy(policy, allow_auto=True)
    choice = None
    if name == "auto":
        choice = auto_policy(**auto_policy_kwargs)
        name, reason = choice.policy, choice.reason
    elif auto_policy_kwargs:
        raise ValueError(f"`mixed_precision` takes auto_policy arguments only with policy='auto'. "
                         f"Received: policy={name!r} with {sorted(auto_policy_kwargs)}. Drop them "
                         "or pass policy='auto'.")
    else:
        reason = "requested"
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    return PolicyScope(name, reason, previous, choice)


@contextmanager
def _global_policy(policy):
    """Internal: any Keras policy as the global one for a block (clones take it as theirs)."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _clone_with_dtypes(model, global_policy, dtype_for, subclassed_message):
    """Internal: a copy of ``model`` built under ``global_policy``.

    ``dtype_for(layer)`` gives the dtype policy name a layer's copy gets, or
    None to keep its own. A subclassed model raises ``TypeError`` with
    ``subclassed_message`` (``{name}`` and ``{error}`` are filled in).
    """

    def clone_layer(layer):
        config = layer.get_config()
        dtype = dtype_for(layer)
        if dtype is not None:
            config["dtype"] = dtype
        return layer.__class__.from_config(config)

    try:
        with _global_policy(global_policy):
            return keras.models.clone_model(model, clone_function=clone_layer, recursive=True)
    except ValueError as error:
        raise TypeError(subclassed_message.format(name=type(model).__name__,
                                                  error=error)) from error
