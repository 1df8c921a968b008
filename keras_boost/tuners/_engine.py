"""keras-tuner's own Tuner classes with the facade's per-trial behaviour.

Each strategy's keras-tuner class (``RandomSearch``, ``GridSearch``,
``BayesianOptimization``, ``Hyperband``) is subclassed with one mixin that:

- prints one progress line per trial instead of keras-tuner's tables;
- records each trial's duration and worker in ``trial_*/keras_boost.json``;
- frees the traced graphs TensorFlow would keep after each trial (``_memory``);
- imports tensorboard only when a ``TensorBoard`` callback needs it, so the
  search runs where tensorboard is not installed (upstream imports it in
  every trial under TensorFlow and then fails every trial without it).

The oracle is one of ``_oracles.ORACLES`` (seed 0, grid resume, Bayesian
duplicates). Private module, imported lazily by ``facade.py``.
"""

from __future__ import annotations

import json
import os
import time
import warnings

import keras
import keras_tuner as kt

from keras_boost.tuners import _memory, spaces
from keras_boost.tuners._results import SIDECAR, last_line


class _FacadeMixin:
    """Overrides shared by the four strategies (see the module docstring)."""

    kb_progress = True

    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        if not any(type(c).__name__ == "TensorBoard" for c in callbacks):
            return
        try:
            super()._configure_tensorboard_dir(callbacks, trial, execution)
        except ImportError:
            warnings.warn("tensorboard is not installed: the TensorBoard callback logs this "
                          "trial but its hyperparameters are not logged for the HParams tab. "
                          "pip install tensorboard to get them.", stacklevel=2)

    def on_search_begin(self):
        super().on_search_begin()
        self._kb_search_start = time.monotonic()
        self._kb_durations = []

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self._kb_trial_start = time.monotonic()
        self._kb_gradients_before = _memory.custom_gradient_names()

    def on_trial_end(self, trial):
        duration = time.monotonic() - self._kb_trial_start
        self._kb_durations.append(duration)
        info = {"duration_s": round(duration, 3), "tuner_id": self.tuner_id}
        with open(os.path.join(self.get_trial_dir(trial.trial_id), SIDECAR), "w") as f:
            json.dump(info, f)
        super().on_trial_end(trial)
        _memory.release_custom_gradients(self._kb_gradients_before)
        if self.kb_progress:
            print(self._kb_progress_line(trial, duration), flush=True)

    def _kb_progress_line(self, trial, duration):
        ended = self.oracle.get_trial(trial.trial_id)
        name = self.oracle.objective.name
        number = int(trial.trial_id) + 1
        total, about = self.oracle.max_trials, ""
        if total is None and isinstance(self.oracle, kt.oracles.GridSearchOracle):
            # An estimate: hyperparameters created during the search add points.
            total, about = spaces.grid_size(self.oracle.get_space()), "~"
            total = total if total and total >= number else None
        head = f"Trial {number}/{about}{total}" if total else f"Trial {number}"
        if ended.status == kt.engine.trial.TrialStatus.COMPLETED:
            result = f"{name}={ended.score:.4g}"
        else:
            result = f"{ended.status}: {last_line(ended.message)}"
        best = self.oracle.get_best_trials(1)
        if best and best[0].status == kt.engine.trial.TrialStatus.COMPLETED:
            result += f" | best {best[0].score:.4g} (trial {int(best[0].trial_id) + 1})"
        line = f"{head}: {result} | {duration:.1f}s"
        if total:
            pace = sum(self._kb_durations) / len(self._kb_durations)
            line += f" | ~{_format_seconds(max(total - number, 0) * pace)} left"
        return line


def _format_seconds(seconds):
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class RandomSearch(_FacadeMixin, kt.RandomSearch):
    pass


class GridSearch(_FacadeMixin, kt.GridSearch):
    pass


class BayesianOptimization(_FacadeMixin, kt.BayesianOptimization):
    pass


class Hyperband(_FacadeMixin, kt.Hyperband):
    pass


TUNERS = {"random": RandomSearch, "grid": GridSearch, "bayesian": BayesianOptimization,
          "hyperband": Hyperband}


def make_tuner(strategy, hypermodel, oracle, **kwargs):
    """Build the strategy's keras-tuner class around our ``oracle``.

    The keras-tuner classes build their own oracle in ``__init__``; we skip
    that and run ``keras_tuner.Tuner.__init__`` with ours (that is all their
    ``__init__`` does besides building the oracle).
    """
    cls = TUNERS[strategy]
    tuner = cls.__new__(cls)
    tuner.seed = oracle.seed
    kt.Tuner.__init__(tuner, oracle=oracle, hypermodel=hypermodel, **kwargs)
    return tuner


def default_fit(hypermodel):
    """True when the hypermodel trains with plain ``model.fit`` (logs hold the objective)."""
    return type(hypermodel).fit is kt.HyperModel.fit


class ObjectiveGuard(keras.callbacks.Callback):
    """Stops the search at the first epoch whose logs lack the objective.

    A backstop for inputs the pre-search check cannot sample (generators).
    """

    def __init__(self, names):
        super().__init__()
        self.names = list(names)

    def on_epoch_end(self, epoch, logs=None):
        try:
            spaces.check_objective_in(self.names, logs or {}, "the first epoch")
        except ValueError as error:
            raise kt.errors.FatalValueError(str(error)) from None


def check_objective_logged(tuner, names, fit_args, fit_kwargs, strict=True):
    """Raise a ValueError, before any trial, when ``fit`` will not log the objective.

    Builds the default configuration as keras-tuner builds a trial's model (the
    tuner's optimizer, loss and metrics apply) and evaluates it on two samples
    to learn the metric names. Skipped (the guard callback catches it later)
    when the data cannot be sampled or the default model does not build. With
    ``strict=False`` (user callbacks, which may log the objective themselves)
    it warns instead of raising.
    """
    try:
        _check_objective_logged(tuner, names, fit_args, fit_kwargs)
    except ValueError as error:
        if strict:
            raise
        warnings.warn(f"{error} (Not raised because search() got callbacks, which may add "
                      "it to the logs; the search stops at the first epoch whose logs lack "
                      "it.)", stacklevel=4)


def _check_objective_logged(tuner, names, fit_args, fit_kwargs):
    has_validation = (fit_kwargs.get("validation_data") is not None
                      or bool(fit_kwargs.get("validation_split")))
    if not has_validation:
        for name in names:
            if name.startswith("val_"):
                raise ValueError(
                    f"`Tuner` objective {name!r} needs validation data, but search() got "
                    "none. Received: no validation_data and no validation_split. Pass "
                    "validation_data=(x_val, y_val) or validation_split=0.2 to search(), or "
                    f"objective={name[4:]!r}.")
    x = fit_args[0] if fit_args else fit_kwargs.get("x")
    y = fit_args[1] if len(fit_args) > 1 else fit_kwargs.get("y")
    sample = _head(x), _head(y)
    if sample[0] is None:
        return
    try:
        model = tuner._build_hypermodel(tuner.oracle.get_space())
        model.run_eagerly = True  # two samples: tracing a graph would cost more than running
        logs = model.evaluate(*sample, verbose=0, return_dict=True)
    except Exception:  # noqa: BLE001 - the trial itself will record the error
        return
    finally:
        try:  # keras-tuner collects garbage before the first trial's build anyway
            keras.backend.clear_session(free_memory=False)
        except TypeError:  # Keras < 3.6
            keras.backend.clear_session()
    logged = set(logs) | ({f"val_{n}" for n in logs} if has_validation else set())
    spaces.check_objective_in(names, logged, "a model built with the default hyperparameters")


def _head(data):
    """Two samples of ``data`` (arrays, tensors, dicts or lists of them, a tf.data.Dataset)."""
    if data is None:
        return None
    if hasattr(data, "element_spec") and hasattr(data, "take"):
        return data.take(1)
    leaves = keras.tree.flatten(data)
    if not leaves or not all(hasattr(a, "shape") and len(a.shape) > 0 for a in leaves):
        return None
    return keras.tree.map_structure(lambda a: a[:2], data)
