"""``OverfittingDetector``: is my model overfitting, since when, and what should I do?"""

from __future__ import annotations

import math
import statistics
import warnings
from typing import NamedTuple

import keras
import numpy as np

from keras_boost.callbacks import _curves, _history_io

DIAGNOSES = ("good_fit", "overfitting", "underfitting", "diverging", "inconclusive")
ACTIONS = ("warn", "stop", "reduce_lr")

# The detection rule (see the class docstring). Chosen on the curve bank; see docs/callbacks.md.
_MIN_EPOCHS = 5  # paired epochs before any diagnosis
_SUSTAIN = 3  # epochs past the validation minimum that must all stay above it
_NOISE_Z = 3.0  # the rise must exceed this many noise standard deviations...
_RELATIVE_RISE = 0.10  # ...and this share of the minimum (of the error, for accuracy-like)
_STILL_FALLING = 0.15  # underfitting: the last quarter of epochs brought this share of the drop
_SMOOTH = 0.3  # weight of the newest gap in the smoothed gap
_RECOVERED = 0.5  # an episode ends once the rise falls below this share of the margin


class OverfittingEpisode(NamedTuple):
    """One stretch of sustained overfitting: epochs count from 0 like ``History``."""

    onset_epoch: int
    detected_epoch: int
    recovered_epoch: int | None = None  # None while it lasts


def _next_steps(diagnosis: str, best_epoch) -> list[str]:
    if diagnosis == "overfitting":
        return [f"keep the weights of epoch {best_epoch}, the best validation epoch "
                "(AdaptiveEarlyStopping restores it), and stop training earlier",
                "regularize more: a stronger kb.regularization preset, more dropout or weight "
                "decay",
                "augment the data (kb.layers.augmentation_preset) or collect more of it",
                "lower the learning rate (action='reduce_lr' does it when overfitting starts)"]
    if diagnosis == "underfitting":
        return ["train longer: the training curve is still falling or barely moved",
                "give the model more capacity (wider or deeper layers)",
                "raise the learning rate or regularize less"]
    if diagnosis == "diverging":
        return ["lower the learning rate (e.g. by 10x)",
                "clip gradients (optimizer clipnorm=1.0) and check the data for NaN/inf",
                "use AdaptiveEarlyStopping: it stops on NaN and restores the best weights"]
    if diagnosis == "good_fit":
        return ["nothing urgent: validation stays within its noise (and 10%) of its best; "
                "keep the best epoch's weights",
                "a large generalization gap still leaves room for regularization or more data"]
    return ["train for more epochs with validation data (validation_split or "
            "validation_data) so there is a curve to judge"]


class OverfittingDetector(keras.callbacks.Callback):
    """Watch the train/validation gap and say whether, and since when, a model overfits.

    Use it in any ``model.fit`` with validation data instead of reading the
    history plot by eye. Each epoch it adds ``generalization_gap`` (validation
    minus training value, oriented so that positive means "worse on
    validation") and ``generalization_gap_smoothed`` to the logs, so History,
    CSVLogger and TensorBoard record them (put it before those callbacks).
    For a monitor other than ``loss``/``val_loss`` the keys are prefixed with
    it (``out_a_loss_generalization_gap``, ``..._smoothed``), so several
    detectors can run side by side; ``gap_key`` holds the name.

    Overfitting is declared when the validation values of the last 3 epochs
    all lie above the minimum of the validation curve (smoothed over 5 epochs)
    and their median exceeds it by more than 3 times the measured noise and
    10% of the minimum (of the error rate ``1 - score`` for accuracy-like
    scores in [0, 1]), while the training curve did not get worse. A single
    bad epoch is not overfitting. ``onset_epoch`` is the first epoch after the
    validation minimum. An episode of overfitting ends when validation comes
    back to within half that margin of its best (or below it): the diagnosis
    then reflects the curve as it is now, and ``episodes`` keeps the record.
    Other diagnoses: ``diverging`` (NaN, or
    the training curve itself rising), ``underfitting`` (training and
    validation curves both still improving: the last quarter of the epochs
    brought 15% of the training curve's drop), ``good_fit``, ``inconclusive``
    (fewer than 5 epochs with both values).

    Args:
        monitor: the training log to watch. Default ``"loss"``.
        val_monitor: its validation counterpart. Default ``"val_" + monitor``.
        mode: ``"auto"`` (default: from the name or compiled metric), ``"min"``
            or ``"max"``.
        action: what to do when an episode of overfitting is detected (once
            per episode, never every epoch):
            ``"warn"`` (default), ``"stop"`` (set ``model.stop_training``),
            ``"reduce_lr"`` (multiply the optimizer's learning rate by
            ``factor``, not below ``min_lr``), None (only diagnose) or a
            callable ``action(detector, epoch, logs)``.
        factor: learning-rate factor for ``"reduce_lr"``. Default 0.5.
        min_lr: floor for ``"reduce_lr"``. Default 1e-6.

    Attributes (live during ``fit``; epochs count from 0 like ``History``):
        diagnosis: one of ``DIAGNOSES``.
        onset_epoch: first epoch of the current episode of overfitting, or
            None when the model is not overfitting now.
        detected_epoch: the epoch at which that episode was detected, or None.
        episodes: every episode so far, as ``OverfittingEpisode(onset_epoch,
            detected_epoch, recovered_epoch)`` (``recovered_epoch`` is None
            while it lasts).
        gap, smoothed_gap: the latest gap and its exponential average.
        gaps: the gap at every epoch that had both values.
        gap_key: the log name of the gap (``"generalization_gap"`` for
            ``loss``/``val_loss``, else ``monitor + "_generalization_gap"``).

    Raises:
        ValueError: for a bad argument, or when ``mode="auto"`` cannot tell the
            direction of ``monitor``.

    Example:

    >>> from keras_boost.callbacks import OverfittingDetector
    >>> history = {"loss": [1 / (e + 1) for e in range(30)],
    ...            "val_loss": [0.5 + 0.01 * (e - 10) ** 2 for e in range(30)]}
    >>> detector = OverfittingDetector.diagnose(history)
    >>> detector.diagnosis, detector.onset_epoch
    ('overfitting', 11)

    Reference:
        CatBoost's overfitting detector (od_type="IncToDec"/"Iter") for
        gradient-boosted trees; Prechelt, "Early Stopping - But When?", 1998
        (the generalization-loss criterion GL).
    """

    def __init__(self, monitor="loss", val_monitor=None, mode="auto", action="warn",
                 factor=0.5, min_lr=1e-6):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError("`OverfittingDetector` expects `monitor` to be a training log name. "
                             f"Received: monitor={monitor!r}. Pass e.g. monitor='loss'.")
        _curves.check_mode("OverfittingDetector", mode)
        if not (action is None or callable(action) or action in ACTIONS):
            raise ValueError(f"`OverfittingDetector` expects `action` in {ACTIONS}, None or a "
                             f"callable(detector, epoch, logs). Received: action={action!r}. "
                             "Pass e.g. action='warn'.")
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
            raise ValueError("`OverfittingDetector` expects 0 < `factor` < 1. Received: "
                             f"factor={factor!r}. Pass e.g. factor=0.5.")
        if isinstance(min_lr, bool) or not isinstance(min_lr, (int, float)) or min_lr < 0:
            raise ValueError("`OverfittingDetector` expects `min_lr` >= 0. Received: "
                             f"min_lr={min_lr!r}. Pass e.g. min_lr=1e-6.")
        if val_monitor is None:
            monitor = monitor.removeprefix("val_")
            val_monitor = "val_" + monitor
        self.monitor = monitor
        self.val_monitor = val_monitor
        # The default pair keeps the historical key; others get their own, so that
        # several detectors (one per output of a multi-output model) do not collide.
        default_pair = (monitor, val_monitor) == ("loss", "val_loss")
        self.gap_key = "generalization_gap" if default_pair else f"{monitor}_generalization_gap"
        self.mode = mode
        self.action = action
        self.factor = float(factor)
        self.min_lr = float(min_lr)
        self._reset()

    def _reset(self):
        self.diagnosis = "inconclusive"
        self.onset_epoch = None
        self.detected_epoch = None
        self.gap = None
        self.smoothed_gap = None
        self.gaps = []
        self.episodes = []
        self._direction = None
        self._epochs, self._train, self._val = [], [], []
        self._evidence = {}

    # Keras hooks ---------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        newly_detected = self._update(epoch, logs, model=self.model)
        if newly_detected:
            self._act(epoch, logs)

    # Offline -------------------------------------------------------------------
    @classmethod
    def diagnose(cls, history, **kwargs) -> OverfittingDetector:
        """Diagnose a finished run: the same rule, epoch by epoch, as the live callback.

        Args:
            history: a ``keras.callbacks.History`` (what ``fit`` returns), a
                dict of per-epoch lists, or the path of a ``CSVLogger`` file.
            **kwargs: ``monitor``, ``val_monitor``, ``mode`` as for the callback.

        Returns:
            a detector whose ``diagnosis``, ``onset_epoch``, ``gaps`` and
            ``report()`` describe the run.

        Raises:
            ValueError: when the columns are missing, empty or not numbers.
            TypeError: for anything that is not a history.
        """
        detector = cls(action=None, **kwargs)
        epochs, logs = _history_io.to_epoch_logs(history)
        for name in (detector.monitor, detector.val_monitor):
            if not any(name in log for log in logs):
                available = sorted({key for log in logs for key in log})
                raise ValueError(f"The history has no {name!r} values. Available: {available}. "
                                 "Pass monitor= (and val_monitor=) naming a training metric "
                                 "and its validation counterpart.")
        for epoch, log in zip(epochs, logs, strict=True):
            detector._update(epoch, dict(log))
        return detector

    # The rule ------------------------------------------------------------------
    def _update(self, epoch, logs, model=None) -> bool:
        train = _curves.as_float(logs.get(self.monitor))
        val = _curves.as_float(logs.get(self.val_monitor))
        if train is None or val is None:
            return False
        if self._direction is None:
            self._direction = _curves.infer_mode("OverfittingDetector", self.val_monitor,
                                                 self.mode, model)
        sign = 1.0 if self._direction == "min" else -1.0
        self._epochs.append(epoch)
        self._train.append(sign * train)
        self._val.append(sign * val)
        self.gap = sign * (val - train)
        self.gaps.append(self.gap)
        if self.smoothed_gap is None or not math.isfinite(self.smoothed_gap):
            self.smoothed_gap = self.gap
        else:
            self.smoothed_gap = _SMOOTH * self.gap + (1 - _SMOOTH) * self.smoothed_gap
        logs[self.gap_key] = self.gap
        logs[self.gap_key + "_smoothed"] = self.smoothed_gap
        episodes = len(self.episodes)
        self.diagnosis = self._classify()
        return len(self.episodes) > episodes

    def _classify(self) -> str:
        train, val = np.asarray(self._train), np.asarray(self._val)
        if not (math.isfinite(train[-1]) and math.isfinite(val[-1])):
            return "diverging"
        finite = np.isfinite(train) & np.isfinite(val)
        train, val = train[finite], val[finite]
        epochs = np.asarray(self._epochs)[finite]
        if len(val) < _MIN_EPOCHS:
            return "inconclusive"
        smooth_val, smooth_train = _curves.centered_mean(val, 2), _curves.centered_mean(train, 2)
        best = int(np.argmin(smooth_val))
        noise = _curves.noise_level(val)
        rise = statistics.median(val[-_SUSTAIN:].tolist()) - float(smooth_val[best])
        margin = max(_NOISE_Z * noise, _RELATIVE_RISE * self._scale(smooth_val[best]))
        train_noise = _curves.noise_level(train)
        train_rise = float(smooth_train[-1] - np.min(smooth_train))
        train_worse = train_rise > max(3 * train_noise, 0.1 * abs(np.min(smooth_train)))
        train_since_best = float(smooth_train[-1] - smooth_train[best])
        self._evidence = {"epochs": len(val), "best_epoch": int(epochs[best]),
                          "best_val": float(smooth_val[best]), "last_val": float(val[-1]),
                          "rise": rise, "margin": margin, "noise": noise}
        if train_worse:
            return "diverging"
        sustained = (len(val) - 1 - best >= _SUSTAIN and rise > margin
                     and bool(np.all(val[-_SUSTAIN:] > smooth_val[best]))
                     and train_since_best <= 2 * train_noise)
        if self.onset_epoch is None and sustained:
            self.onset_epoch = int(epochs[best + 1])
            self.detected_epoch = int(epochs[-1])
            self.episodes.append(OverfittingEpisode(self.onset_epoch, self.detected_epoch))
        elif self.onset_epoch is not None and rise <= _RECOVERED * margin:
            # Validation came back near (or below) its best: the episode is over.
            self.episodes[-1] = self.episodes[-1]._replace(recovered_epoch=int(epochs[-1]))
            self.onset_epoch = self.detected_epoch = None
        if self.onset_epoch is not None:
            return "overfitting"
        quarter = max(_MIN_EPOCHS, len(train) // 4)
        recent_drop = float(smooth_train[-quarter] - smooth_train[-1])
        total_drop = float(smooth_train[0] - np.min(smooth_train))
        val_still_improving = len(val) - 1 - best < quarter
        if total_drop <= 0 or (recent_drop > _STILL_FALLING * total_drop
                               and val_still_improving):
            return "underfitting"
        return "good_fit"

    def _scale(self, best) -> float:
        """What a relative rise is relative to: the value, or the error of a [0, 1] score."""
        if self._direction == "max" and all(-1.0 <= v <= 0.0 for v in self._val):
            return 1.0 + best  # best is -score: the error rate 1 - score
        return abs(best)

    # Acting --------------------------------------------------------------------
    def _act(self, epoch, logs):
        action = self.action
        if action is None:
            return
        if callable(action):
            action(self, epoch, logs)
        elif action == "warn":
            warnings.warn(f"OverfittingDetector: overfitting since epoch {self.onset_epoch} "
                          f"({self.val_monitor} rose {self._evidence['rise']:.3g} above its "
                          f"best while {self.monitor} did not). Call .report() for next steps.",
                          stacklevel=2)
        elif action == "stop":
            self.model.stop_training = True
        elif action == "reduce_lr":
            self._reduce_lr()

    def _reduce_lr(self):
        optimizer = self.model.optimizer
        current = float(np.asarray(keras.ops.convert_to_numpy(optimizer.learning_rate)))
        new = max(current * self.factor, self.min_lr)
        try:
            optimizer.learning_rate = new
        except (TypeError, ValueError, AttributeError) as error:
            warnings.warn(f"OverfittingDetector could not lower the learning rate ({error}); "
                          "it is probably a schedule. Use action='warn' or 'stop'.", stacklevel=2)

    # Reporting -----------------------------------------------------------------
    def report(self) -> str:
        """The diagnosis, the evidence behind it and concrete next steps, as text."""
        lines = [f"Diagnosis: {self.diagnosis}"]
        e = self._evidence
        if e:
            lines.append(f"Evidence: {e['epochs']} epochs with {self.monitor} and "
                         f"{self.val_monitor}; {self.val_monitor} (smoothed) was best at epoch "
                         f"{e['best_epoch']} ({self._show(e['best_val'])}), last "
                         f"{self._show(e['last_val'])}; epoch-to-epoch noise "
                         f"{e['noise']:.3g}, rise needed {e['margin']:.3g}.")
        if self.gap is not None:
            lines.append(f"Generalization gap: {self.gap:.4g} now, smoothed "
                         f"{self.smoothed_gap:.4g}.")
        for episode in self.episodes:
            if episode.recovered_epoch is not None:
                lines.append(f"Overfitting from epoch {episode.onset_epoch} (detected at epoch "
                             f"{episode.detected_epoch}) until {self.val_monitor} came back "
                             f"at epoch {episode.recovered_epoch}.")
        if self.onset_epoch is not None:
            lines.append(f"Overfitting since epoch {self.onset_epoch} (detected at epoch "
                         f"{self.detected_epoch}).")
        lines.append("Next steps:")
        lines.extend(f"  - {step}" for step in _next_steps(self.diagnosis, e.get("best_epoch")))
        return "\n".join(lines)

    def plot(self, path=None):
        """Plot the curves with the onset marked and the gap below; save to ``path`` if given.

        Episodes of overfitting that ended are shaded.

        Needs matplotlib (``pip install "keras-boost[plot]"``). Returns the figure.
        """
        from matplotlib.figure import Figure

        sign = 1.0 if self._direction != "max" else -1.0
        figure = Figure(figsize=(7, 5))
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        top.plot(self._epochs, [sign * v for v in self._train], label=self.monitor)
        top.plot(self._epochs, [sign * v for v in self._val], label=self.val_monitor)
        bottom.plot(self._epochs, self.gaps, color="tab:red", label=self.gap_key)
        for axis in (top, bottom):
            ended = (e for e in self.episodes if e.recovered_epoch is not None)
            for number, episode in enumerate(ended):
                axis.axvspan(episode.onset_epoch, episode.recovered_epoch, color="gray",
                             alpha=0.15, label="overfitting that ended"
                             if axis is top and number == 0 else None)
            if self.onset_epoch is not None:
                axis.axvline(self.onset_epoch, color="gray", linestyle="--",
                             label="overfitting onset" if axis is top else None)
            axis.legend(loc="best")
        top.set_title(f"diagnosis: {self.diagnosis}")
        bottom.set_xlabel("epoch")
        figure.tight_layout()
        if path is not None:
            figure.savefig(path, dpi=100)
        return figure

    def _show(self, value):
        return f"{value if self._direction == 'min' else -value:.4g}"
