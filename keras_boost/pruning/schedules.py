"""Pruning schedules: pure functions of the training step.

A schedule answers two questions for a step (1 for the first training batch):
should the masks be recomputed now, and to which sparsity? Our built-in
schedules are plain Python (no tensors), so the ``UpdatePruningStep`` callback
asks them once per batch at the cost of a few integer operations.

The names and arguments are those of ``tfmot.sparsity.keras``.
"""

from __future__ import annotations

import abc
import numbers

import keras

__all__ = ["PruningSchedule", "ConstantSparsity", "PolynomialDecay"]


def _check_int(name, value, low, example, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"`{owner}` expects `{name}` to be an integer >= {low}. "
                         f"Received: {name}={value!r}. Pass e.g. {name}={example}.")


def _check_sparsity(name, value, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"`{owner}` expects `{name}` in [0, 1). "
                         f"Received: {name}={value!r}. Pass e.g. {name}=0.8 for 80% zeros.")


class PruningSchedule(abc.ABC):
    """The base class of pruning schedules: subclass it for your own schedule.

    Use it when neither ``ConstantSparsity`` nor ``PolynomialDecay`` fits.
    Implement ``__call__(step) -> (should_prune, sparsity)`` as a plain Python
    function of the integer ``step`` (1 for the first training batch) and
    ``get_config()``; register the class with
    ``@keras.saving.register_keras_serializable()`` so a saved pruned model
    loads back with it.

    Example:

    >>> import keras
    >>> @keras.saving.register_keras_serializable(package="docs")
    ... class EveryTenSteps(PruningSchedule):
    ...     def __init__(self, target=0.5):
    ...         self.target = target
    ...     def __call__(self, step):
    ...         return step % 10 == 0, self.target
    ...     def get_config(self):
    ...         return {"target": self.target}
    >>> EveryTenSteps()(20)
    (True, 0.5)
    """

    @abc.abstractmethod
    def __call__(self, step: int) -> tuple[bool, float]:
        """Return ``(should_prune, sparsity)`` for training step ``step``."""

    @abc.abstractmethod
    def get_config(self) -> dict:
        """Return the constructor arguments as a JSON-serializable dict."""

    @classmethod
    def from_config(cls, config):
        """Rebuild a schedule from ``get_config()``."""
        return cls(**config)

    @staticmethod
    def _should_prune_in_step(step, begin_step, end_step, frequency):
        in_range = step >= begin_step and (end_step < 0 or step <= end_step)
        return in_range and (step - begin_step) % frequency == 0

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self), tuple(sorted(self.get_config().items()))))


@keras.saving.register_keras_serializable(package="keras_boost")
class ConstantSparsity(PruningSchedule):
    """Prune to a constant sparsity every ``frequency`` steps.

    Use it to fine-tune a trained model at a fixed sparsity. Masks are updated
    at steps ``begin_step + k * frequency`` (k = 0, 1, ...), where step 1 is
    the first training batch: with ``begin_step=0`` and ``frequency=100`` the
    first update is at step 100, and nothing is pruned before it (as in
    tfmot). For one-shot pruning, pass ``begin_step >= 1`` and a
    ``frequency`` larger than the number of training steps: a single update
    at ``begin_step``.

    Args:
        target_sparsity: fraction of zeros in each pruned weight, in [0, 1).
        begin_step: first step at which masks are updated (>= 0).
        end_step: last step of pruning, or -1 (default) to prune until training ends.
        frequency: steps between two mask updates (default 100).

    Raises:
        ValueError: sparsity outside [0, 1), negative steps, ``end_step < begin_step``
            or ``frequency < 1``.

    Example:

    >>> schedule = ConstantSparsity(0.5, begin_step=0, frequency=100)
    >>> schedule(100), schedule(101)
    ((True, 0.5), (False, 0.5))
    """

    def __init__(self, target_sparsity, begin_step, end_step=-1, frequency=100):
        owner = "ConstantSparsity"
        _check_sparsity("target_sparsity", target_sparsity, owner)
        _check_int("begin_step", begin_step, 0, 0, owner)
        if end_step != -1:
            _check_int("end_step", end_step, begin_step, begin_step + 1000, owner)
        _check_int("frequency", frequency, 1, 100, owner)
        self.target_sparsity = float(target_sparsity)
        self.begin_step = int(begin_step)
        self.end_step = int(end_step)
        self.frequency = int(frequency)

    def __call__(self, step):
        step = int(step)
        should = self._should_prune_in_step(step, self.begin_step, self.end_step, self.frequency)
        return should, self.target_sparsity

    def get_config(self):
        return {"target_sparsity": self.target_sparsity, "begin_step": self.begin_step,
                "end_step": self.end_step, "frequency": self.frequency}


@keras.saving.register_keras_serializable(package="keras_boost")
class PolynomialDecay(PruningSchedule):
    """Raise sparsity from ``initial_sparsity`` to ``final_sparsity`` (Zhu & Gupta).

    ``s(step) = s_f + (s_i - s_f) * (1 - p) ** power`` with
    ``p = clip((step - begin_step) / (end_step - begin_step), 0, 1)``: sparsity
    grows fast first, then levels off. Masks are updated every ``frequency``
    steps from ``begin_step`` **and at ``end_step``**, so the model ends at
    exactly ``final_sparsity`` (tfmot skips that last update when
    ``end_step - begin_step`` is not a multiple of ``frequency`` and stops at
    e.g. 0.799 for a 0.80 target).

    Use it to prune while training (from scratch or fine-tuning): set
    ``end_step`` to the number of training steps, e.g.
    ``epochs * ceil(n_samples / batch_size)``.

    Args:
        initial_sparsity: sparsity at ``begin_step``, in [0, 1).
        final_sparsity: sparsity from ``end_step`` on, in [0, 1).
        begin_step: step at which pruning starts (>= 0).
        end_step: step at which ``final_sparsity`` is reached (> ``begin_step``).
        power: exponent of the decay (default 3).
        frequency: steps between two mask updates (default 100).

    Raises:
        ValueError: sparsities outside [0, 1), ``end_step <= begin_step``,
            ``frequency < 1`` or ``power <= 0``.

    Example:

    >>> schedule = PolynomialDecay(0.5, 0.8, begin_step=0, end_step=471)
    >>> schedule(471)
    (True, 0.8)

    Reference:
        Zhu & Gupta, "To prune, or not to prune: exploring the efficacy of pruning
        for model compression", 2017. https://arxiv.org/abs/1710.01878
    """

    def __init__(self, initial_sparsity, final_sparsity, begin_step, end_step, power=3,
                 frequency=100):
        owner = "PolynomialDecay"
        _check_sparsity("initial_sparsity", initial_sparsity, owner)
        _check_sparsity("final_sparsity", final_sparsity, owner)
        _check_int("begin_step", begin_step, 0, 0, owner)
        _check_int("end_step", end_step, begin_step + 1, begin_step + 1000, owner)
        _check_int("frequency", frequency, 1, 100, owner)
        if isinstance(power, bool) or not isinstance(power, numbers.Real) or power <= 0:
            raise ValueError(f"`PolynomialDecay` expects `power` > 0. Received: power={power!r}. "
                             "Pass e.g. power=3.")
        self.initial_sparsity = float(initial_sparsity)
        self.final_sparsity = float(final_sparsity)
        self.begin_step = int(begin_step)
        self.end_step = int(end_step)
        self.power = power
        self.frequency = int(frequency)

    def sparsity(self, step):
        """The target sparsity at ``step`` (a float)."""
        span = self.end_step - self.begin_step
        p = min(1.0, max(0.0, (int(step) - self.begin_step) / span))
        return self.final_sparsity + (self.initial_sparsity - self.final_sparsity) * (
            (1.0 - p) ** self.power)

    def __call__(self, step):
        step = int(step)
        should = (self._should_prune_in_step(step, self.begin_step, self.end_step,
                                             self.frequency) or step == self.end_step)
        return should, self.sparsity(step)

    def get_config(self):
        return {"initial_sparsity": self.initial_sparsity,
                "final_sparsity": self.final_sparsity, "begin_step": self.begin_step,
                "end_step": self.end_step, "power": self.power, "frequency": self.frequency}
