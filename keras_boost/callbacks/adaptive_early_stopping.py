"""``AdaptiveEarlyStopping``: early stopping that needs no patience."""

from __future__ import annotations

import enum
import math
import time
import warnings

import keras

from keras_boost.callbacks import _curves
from keras_boost.callbacks._weights import snapshot_weights


class StopReason(str, enum.Enum):
    """Why training ended; compares equal to its string value."""

    CONVERGED = "converged"
    NOT_FINITE = "not_finite"
    DIVERGED = "diverged"
    TIME_BUDGET = "time_budget"
    BASELINE_NOT_REACHED = "baseline_not_reached"
    COMPLETED = "completed"

    def __str__(self) -> str:
        return self.value


# The adaptive rule (see the class docstring). Chosen on the curve bank; see docs/callbacks.md.
_MIN_HISTORY = 5  # monitored epochs before the rule may stop
_MIN_WAIT = 2  # epochs without a new best before the rule may stop
_CONFIDENCE_Z = 0.5  # optimism of the extrapolated slope, in standard errors
_HORIZON_SHARE = 0.1  # extrapolate this share of the epochs seen so far...
_HORIZON_MIN, _HORIZON_MAX = 5, 30  # ...clipped to this range of epochs
_WINDOW_MIN, _WINDOW_MAX = 5, 15  # epochs in the local trend fit
_GAIN_NOISE = 1.0  # a gain worth waiting for: this many noise standard deviations...
_GAIN_RELATIVE = 0.01  # ...or this share of the best value


def _parse_min_delta(min_delta):
    if isinstance(min_delta, str):
        text = min_delta.strip()
        try:
            value = float(text.removesuffix("%")) / 100.0 if text.endswith("%") else None
        except ValueError:
            value = None
        if value is None or value < 0:
            raise ValueError("`AdaptiveEarlyStopping` expects `min_delta` as a float >= 0 or a "
                             f"percentage string. Received: min_delta={min_delta!r}. Pass e.g. "
                             "min_delta=0.001 (absolute) or min_delta='0.5%' (relative to best).")
        return value, True
    if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)) or min_delta < 0:
        raise ValueError("`AdaptiveEarlyStopping` expects `min_delta` >= 0 (a float, or a string "
                         f"like '0.5%'). Received: min_delta={min_delta!r}. Pass e.g. "
                         "min_delta=0.001.")
    return float(min_delta), False


def _check_optional_number(name, value, positive=False):
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (positive and value <= 0):
        expected = "a number > 0" if positive else "a number"
        raise ValueError(f"`AdaptiveEarlyStopping` expects `{name}` to be None or {expected}. "
                         f"Received: {name}={value!r}.")


def _check_count(name, value, minimum, example):
    if value is None and name == "patience":
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"`AdaptiveEarlyStopping` expects `{name}` to be an int >= {minimum}"
                         f"{' or None' if name == 'patience' else ''}. Received: {name}={value!r}. "
                         f"Pass e.g. {name}={example}.")


class AdaptiveEarlyStopping(keras.callbacks.Callback):
    """Stop training when further improvement is unlikely; no patience to guess.

    A drop-in for ``keras.callbacks.EarlyStopping``. It learns how noisy the
    monitored value is while training (robust spread of its second
    differences), fits a line to the last 5-15 values and stops when even an
    optimistic extrapolation (slope minus half a standard error, over a horizon
    of 10% of the epochs seen, 5-30 epochs) would not beat the best value so
    far by a gain worth waiting for (one noise standard deviation, 1% of the
    best value, or ``min_delta`` if larger), and at least two epochs passed
    without a new best. A run that overfits
    stops a few epochs after its best epoch; a slow, steady one keeps going.
    Pass ``patience=`` to get Keras' fixed-count rule instead (the same epochs
    as ``keras.callbacks.EarlyStopping``; it still restores the strictly best
    epoch when ``min_delta > 0``, where Keras restores the last epoch that
    improved by ``min_delta``).

    It also stops, each with its own ``stop_reason``, on a NaN/inf value of the
    monitor or of ``loss`` (``"not_finite"``), a monitor worse than
    ``divergence_threshold`` (``"diverged"``), when the next epoch would
    overrun ``max_time`` seconds (``"time_budget"``) and when ``baseline`` is
    not reached within ``baseline_epochs`` monitored epochs
    (``"baseline_not_reached"``). A NaN value is never the best one. The best
    weights are restored at the end of training whether or not this callback
    stopped it. Epochs without the monitored value (``validation_freq > 1``)
    are skipped; a monitor that never appears (no validation data) gets one
    warning at the end of training. It works per epoch only.

    Args:
        monitor: the log to watch. Default ``"val_loss"``.
        mode: ``"auto"`` (default: from the name, e.g. ``*loss``/``*mae`` go
            down and ``*accuracy``/``*auc`` go up, else from the compiled
            metric), ``"min"`` or ``"max"``.
        patience: None (default: the adaptive rule) or Keras' fixed number of
            monitored epochs without improvement.
        min_delta: smallest change that counts as an improvement: a float
            (absolute) or a string like ``"0.5%"`` (relative to the value to
            beat). With ``patience``, as in Keras, the value to beat is the
            last one that improved by ``min_delta``. Default 0.
        restore_best_weights: put back the best epoch's weights at the end of
            training. Default True.
        check_finite: stop on NaN/inf. Default True.
        divergence_threshold: stop once the monitor is worse than this value.
            Default None.
        max_time: wall-clock budget in seconds for the whole ``fit``. Default
            None.
        baseline: a value the monitor must beat within ``baseline_epochs``
            monitored epochs, else stop. Default None.
        baseline_epochs: warm-up for ``baseline``. Default 10.
        start_from_epoch: epochs to ignore at the start (warm-up). Default 0.
        verbose: 1 prints one line at the end: why it stopped and which epoch
            it restored. Default 0.

    Attributes (after ``fit``; epochs count from 0 like ``History``):
        stop_reason: a ``StopReason`` (compares equal to its string).
        stopped_epoch: the epoch it stopped at, or None.
        best_epoch, best_value: the best monitored epoch and its value.
        noise: the estimated epoch-to-epoch noise of the monitor.

    Raises:
        ValueError: for a bad argument, or (at the first monitored epoch) when
            ``mode="auto"`` cannot tell the direction of ``monitor``.

    Example:

    >>> import keras, numpy as np
    >>> from keras_boost.callbacks import AdaptiveEarlyStopping
    >>> x = np.random.rand(64, 4); y = x.sum(axis=1)
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> stopper = AdaptiveEarlyStopping()
    >>> _ = model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[stopper])
    >>> stopper.stop_reason in ("converged", "completed")
    True

    Reference:
        Prechelt, "Early Stopping - But When?", Neural Networks: Tricks of the
        Trade, 1998 (stopping criteria GL, PQ, UP; this rule is in their
        spirit but scales with the measured noise instead of a fixed count).
    """

    def __init__(self, monitor="val_loss", mode="auto", patience=None, min_delta=0.0,
                 restore_best_weights=True, check_finite=True, divergence_threshold=None,
                 max_time=None, baseline=None, baseline_epochs=10, start_from_epoch=0,
                 verbose=0):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError("`AdaptiveEarlyStopping` expects `monitor` to be a log name. "
                             f"Received: monitor={monitor!r}. Pass e.g. monitor='val_loss'.")
        _curves.check_mode("AdaptiveEarlyStopping", mode)
        _check_count("patience", patience, 0, 10)
        self._delta, self._relative_delta = _parse_min_delta(min_delta)
        _check_optional_number("divergence_threshold", divergence_threshold)
        _check_optional_number("max_time", max_time, positive=True)
        _check_optional_number("baseline", baseline)
        _check_count("baseline_epochs", baseline_epochs, 1, 10)
        _check_count("start_from_epoch", start_from_epoch, 0, 0)
        self.monitor = monitor
        self.mode = mode
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = bool(restore_best_weights)
        self.check_finite = bool(check_finite)
        self.divergence_threshold = divergence_threshold
        self.max_time = max_time
        self.baseline = baseline
        self.baseline_epochs = baseline_epochs
        self.start_from_epoch = start_from_epoch
        self.verbose = verbose
        self._reset()

    def _reset(self):
        self.stop_reason = None
        self.stopped_epoch = None
        self.best_epoch = None
        self.best_value = None
        self.noise = 0.0
        self.wait = 0
        self._reference = None  # what the next value must beat by min_delta (Keras' `best`)
        self._direction = None
        self._values = []  # monitored values, sign-flipped so that lower is better
        self._best_weights = None
        self._start_time = None
        self._epoch_start = None
        self._warned_missing = False
        self._last_keys = None  # the last epoch's log names; None until an epoch ends
        self._seen_monitor = False

    # Keras hooks ---------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._reset()
        self._start_time = time.monotonic()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._last_keys = list(logs)
        self._seen_monitor = self._seen_monitor or self.monitor in logs
        reason = self._check(epoch, logs)
        if reason is None and self._over_time():
            reason = StopReason.TIME_BUDGET
        if reason is not None:
            self.stop_reason = reason
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stop_reason is None:
            self.stop_reason = StopReason.COMPLETED
        self._warn_never_seen()
        if self.restore_best_weights and self._best_weights is not None:
            self.model.set_weights(self._best_weights)
        self._best_weights = None  # restored (or not wanted): free the memory
        if self.verbose:
            print(self.summary())

    # The rules -----------------------------------------------------------------
    def _check(self, epoch, logs):
        current = _curves.as_float(logs.get(self.monitor))
        loss = _curves.as_float(logs.get("loss"))
        if self.check_finite and loss is not None and not math.isfinite(loss):
            return StopReason.NOT_FINITE
        if current is None:
            self._warn_missing(logs)
            return None
        if self.check_finite and not math.isfinite(current):
            return StopReason.NOT_FINITE
        if epoch < self.start_from_epoch or not math.isfinite(current):
            return None
        if self._direction is None:
            self._direction = _curves.infer_mode("AdaptiveEarlyStopping", self.monitor,
                                                 self.mode, self.model)
        value = current if self._direction == "min" else -current
        self._values.append(value)
        self.noise = _curves.noise_level(self._values)
        best = None if self.best_value is None else self._signed(self.best_value)
        if best is None or value < best:
            self.best_value, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self._best_weights = snapshot_weights(self.model)
        # Like Keras: only a gain of min_delta over the last such gain resets `wait`.
        reference = self._reference
        if reference is None or value < reference - self._min_delta(reference):
            self._reference, self.wait = value, 0
        else:
            self.wait += 1
        return self._limit_reason(value) or self._converged()

    def _limit_reason(self, value):
        threshold = self.divergence_threshold
        if threshold is not None and value > self._signed(threshold):
            return StopReason.DIVERGED
        if (self.baseline is not None and len(self._values) >= self.baseline_epochs
                and not self._signed(self.best_value) < self._signed(self.baseline)):
            return StopReason.BASELINE_NOT_REACHED
        return None

    def _converged(self):
        if self.patience is not None:
            # Only an epoch without improvement may stop, as in Keras (so patience=0 acts as 1).
            return StopReason.CONVERGED if self.wait >= max(self.patience, 1) else None
        n = len(self._values)
        since_best = n - 1 - self._values.index(min(self._values))
        if n < _MIN_HISTORY or since_best < _MIN_WAIT:
            return None
        window = max(_WINDOW_MIN, min(_WINDOW_MAX, n // 2))
        level, slope, stderr = _curves.local_trend(self._values, window)
        horizon = max(_HORIZON_MIN, min(_HORIZON_MAX, round(_HORIZON_SHARE * n)))
        optimistic = min(slope - _CONFIDENCE_Z * stderr, 0.0) if math.isfinite(stderr) else 0.0
        best = min(self._values)
        worth = max(self._min_delta(best), _GAIN_NOISE * self.noise, _GAIN_RELATIVE * abs(best))
        if level + optimistic * horizon > best - worth:
            return StopReason.CONVERGED
        return None

    # Helpers -------------------------------------------------------------------
    def _signed(self, value):
        return value if self._direction == "min" else -value

    def _min_delta(self, best):
        return self._delta * abs(best) if self._relative_delta else self._delta

    def _over_time(self):
        if self.max_time is None or self._start_time is None:
            return False
        now = time.monotonic()
        last = now - self._epoch_start if self._epoch_start is not None else 0.0
        return now - self._start_time + last > self.max_time

    def _warn_missing(self, logs):
        if self._warned_missing or not any(key.startswith("val_") for key in logs):
            return
        self._warned_missing = True
        warnings.warn(f"`AdaptiveEarlyStopping` monitors {self.monitor!r}, which is not in the "
                      f"logs. Available: {sorted(logs)}. Pass one of them as monitor=.",
                      stacklevel=2)

    def _warn_never_seen(self):
        if self._warned_missing or self._seen_monitor or self._last_keys is None:
            return
        self._warned_missing = True
        warnings.warn(f"`AdaptiveEarlyStopping` monitors {self.monitor!r}, which never appeared "
                      f"in the logs, so it could not stop training or restore the best weights. "
                      f"Available: {sorted(self._last_keys)}. Pass validation_data= or "
                      "validation_split= to fit, or one of the available names as monitor=.",
                      stacklevel=2)

    def summary(self) -> str:
        """One line: why training ended and which epoch's weights are in the model.

        Epochs count from 0, as in ``History`` and ``CSVLogger`` files.
        """
        reason = self.stop_reason or "not run"
        where = (f"stopped at epoch {self.stopped_epoch}" if self.stopped_epoch is not None
                 else "ran all epochs")
        if self.best_epoch is None:
            return f"AdaptiveEarlyStopping: {where} ({reason}); no finite {self.monitor} seen."
        kept = "restored" if self.restore_best_weights else "best was"
        return (f"AdaptiveEarlyStopping: {where} ({reason}); {kept} epoch "
                f"{self.best_epoch} ({self.monitor}={self.best_value:.4g}).")
