"""``Tuner``: grid, random, Bayesian and Hyperband search behind one class."""

from __future__ import annotations

import os
import warnings

from keras_boost.tuners import spaces


class ConsecutiveFailuresError(RuntimeError):
    """Raised when ``max_consecutive_failed_trials`` trials failed in a row.

    The message names the last failed trial, its hyperparameters and its error.
    """


class Tuner:
    """Hyperparameter search over keras-tuner, one class for four strategies.

    Use it where you would use ``keras_tuner.RandomSearch`` (or ``GridSearch``,
    ``BayesianOptimization``, ``Hyperband``): it takes the same
    ``build_model(hp)`` and the same ``search(x, y, ...)`` arguments as
    ``model.fit``, and runs keras-tuner's own search underneath. On top it
    adds early stopping per trial, one progress line per trial, a results
    table you can export, ``retrain_best`` (the best configuration trained
    from scratch on all the data), failed trials recorded with their error,
    and fixes for keras-tuner defects: ``seed=0`` is honoured, a grid search
    resumed after a crash runs its remaining points, Bayesian optimization
    does not re-run a point it already tried, and trials run without
    tensorboard installed. Resuming (``overwrite=False``) and keras-tuner's
    distributed mode (``KERASTUNER_TUNER_ID``, ``KERASTUNER_ORACLE_IP``,
    ``KERASTUNER_ORACLE_PORT``) work as in keras-tuner.

    Args:
        hypermodel: what keras-tuner takes: a ``build_model(hp)`` function
            that returns a compiled Keras model, or a ``keras_tuner.HyperModel``.
        strategy: "random" (default), "grid", "bayesian" or "hyperband".
        objective: the log name to optimise, e.g. "val_accuracy" (default
            "val_loss"), or a ``keras_tuner.Objective``; direction is inferred
            for Keras' own metric names.
        max_trials: number of configurations to try. Default: 10 for random
            and bayesian, the whole grid for grid, Hyperband's own schedule
            for hyperband (a number caps it).
        seed: seed of the search algorithm (0 included). Default None (random).
        directory: folder of the search state. Default "kb_tuning".
        project_name: sub-folder of this search. Default: the strategy name.
        overwrite: False (default) resumes the search found in the folder:
            finished trials are kept, an interrupted one is run again.
        executions_per_trial: models trained per configuration (scores are
            averaged). Default 1.
        max_consecutive_failed_trials: stop after this many failed trials in a
            row. Default 3.
        **strategy_options: forwarded to keras-tuner: ``hyperparameters``,
            ``allow_new_entries``, ``tune_new_entries``, ``max_retries_per_trial``;
            for "bayesian" ``num_initial_points``, ``alpha``, ``beta``; for
            "hyperband" ``max_epochs`` (default 100), ``factor``,
            ``hyperband_iterations``; and ``keras_tuner.Tuner``'s
            ``max_model_size``, ``optimizer``, ``loss``, ``metrics``,
            ``distribution_strategy``, ``tuner_id``.

    Raises:
        ValueError: unknown strategy, bad ``max_trials`` / ``seed`` / counts, a
            grid over a float without a step, an objective whose direction
            cannot be inferred.
        TypeError: a hypermodel that is not callable, an unknown option.

    Example:

    >>> import numpy as np, keras
    >>> from keras_boost.tuners import Tuner
    >>> def build_model(hp):
    ...     model = keras.Sequential([keras.Input((4,)),
    ...         keras.layers.Dense(hp.Choice("units", [4, 8]), activation="relu"),
    ...         keras.layers.Dense(1)])
    ...     model.compile("adam", "mse")
    ...     return model
    >>> tuner = Tuner(build_model, strategy="grid", directory="/tmp/kb_doctest", overwrite=True)
    >>> x, y = np.zeros((16, 4)), np.zeros((16, 1))
    >>> tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    >>> len(tuner.results())
    2
    """

    def __init__(self, hypermodel, *, strategy="random", objective="val_loss", max_trials=None,
                 seed=None, directory="kb_tuning", project_name=None, overwrite=False,
                 executions_per_trial=1, max_consecutive_failed_trials=3, **strategy_options):
        strategy = spaces.check_strategy(strategy)
        _check_count("max_trials", max_trials, optional=True)
        _check_count("executions_per_trial", executions_per_trial)
        _check_count("max_consecutive_failed_trials", max_consecutive_failed_trials)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"`Tuner` expects `seed` to be an int or None. Received: "
                             f"seed={seed!r}. Pass e.g. seed=0.")
        oracle_options, tuner_options = spaces.split_options(strategy, strategy_options)
        import keras_tuner as kt

        if not (callable(hypermodel) or isinstance(hypermodel, kt.HyperModel)):
            raise TypeError("`Tuner` expects `hypermodel` to be a build_model(hp) function or a "
                            f"keras_tuner.HyperModel. Received: {type(hypermodel).__name__}. "
                            "Pass the function itself, e.g. Tuner(build_model).")
        from keras_boost.tuners import _engine, _oracles

        if max_trials is not None:  # else keras-tuner's defaults: 10, or None for grid
            oracle_options["max_trials"] = max_trials
        self._oracle = _oracles.ORACLES[strategy](
            objective=objective, seed=seed,
            max_consecutive_failed_trials=max_consecutive_failed_trials, **oracle_options)
        self._tuner = _engine.make_tuner(
            strategy, hypermodel, self._oracle, directory=directory,
            project_name=project_name or strategy, overwrite=overwrite,
            executions_per_trial=executions_per_trial, **tuner_options)
        self.strategy = strategy
        if strategy == "grid":  # the grid oracle stops by itself once the grid is exhausted
            spaces.check_grid_space(self._oracle.get_space())

    # -- search --------------------------------------------------------------------------

    def search(self, *fit_args, early_stopping=True, verbose=1, **fit_kwargs):
        """Run the search; takes what ``model.fit`` takes.

        Args:
            *fit_args: positional arguments of ``model.fit`` (x, y, ...).
            early_stopping: True (default) adds
                ``keras_boost.callbacks.AdaptiveEarlyStopping`` on the objective
                to every trial (unless ``callbacks`` already hold an early
                stopping callback); False adds nothing.
            verbose: 0 silent, 1 (default) one line per trial (its score, the
                best so far, time left at the current pace), 2 also Keras'
                per-epoch lines.
            **fit_kwargs: keyword arguments of ``model.fit`` (epochs,
                validation_data, callbacks, batch_size...).

        Raises:
            ValueError: when the objective will not appear in the training logs
                (checked on two samples before any trial runs; with ``callbacks``,
                which may log it, a warning, then an error at the first epoch
                whose logs lack it).
            ConsecutiveFailuresError: after ``max_consecutive_failed_trials``
                failed trials in a row; names the last failure.
        """
        from keras_boost.tuners import _memory

        with _memory.gc_frozen():
            return self._search(fit_args, fit_kwargs, early_stopping, verbose)

    def _search(self, fit_args, fit_kwargs, early_stopping, verbose):
        fit_kwargs["verbose"] = 2 if verbose >= 2 else 0
        self._tuner.kb_progress = verbose >= 1
        if _is_chief():  # serves the oracle to the workers until the search is over
            return self._tuner.search(*fit_args, **fit_kwargs)
        from keras_boost.tuners import _engine

        objective = self._oracle.objective
        names = spaces.objective_names(objective)
        callbacks = list(fit_kwargs.get("callbacks") or [])
        if names and _engine.default_fit(self._tuner.hypermodel):
            # A user callback may write the objective into the logs: warn, the guard decides.
            _engine.check_objective_logged(self._tuner, names, fit_args, fit_kwargs,
                                           strict=not callbacks)
            callbacks.append(_engine.ObjectiveGuard(names))
        if (early_stopping and len(names) == 1
                and not any("EarlyStopping" in type(c).__name__ for c in callbacks)):
            from keras_boost.callbacks import AdaptiveEarlyStopping

            # A one-name MultiObjective has direction "min" whatever its metric's own.
            mode = getattr(objective, "name_to_direction", {}).get(names[0], objective.direction)
            callbacks.append(AdaptiveEarlyStopping(monitor=names[0], mode=mode))
        fit_kwargs["callbacks"] = callbacks
        try:
            self._tuner.search(*fit_args, **fit_kwargs)
        except RuntimeError as error:
            if "consecutive failures" not in str(error):
                raise
            message = self._abort_message()
            if message is None:
                raise
            raise ConsecutiveFailuresError(message) from error

    def _abort_message(self):
        """Name the trial that tripped the failure limit (None on a distributed worker)."""
        from keras_boost.tuners._results import last_line

        oracle = self._oracle
        failed = [oracle.trials[t] for t in oracle.end_order
                  if oracle.trials[t].status == "FAILED"]
        if not failed:  # a distributed worker: the chief holds the trials
            return None
        last = failed[-1]
        return (f"The search stopped after {oracle.max_consecutive_failed_trials} consecutive "
                f"failed trials. The last one, trial {last.trial_id} with hyperparameters "
                f"{last.hyperparameters.values}, raised: {last_line(last.message)}. Fix the "
                "build_model function or the fit arguments (tuner.results() lists every trial "
                "and its error), or pass a larger max_consecutive_failed_trials.")

    # -- results -------------------------------------------------------------------------

    def _best_trials(self, n, caller):
        _check_count("n", n)
        trials = [t for t in self._tuner.oracle.get_best_trials(n) if t.status == "COMPLETED"]
        if not trials:
            raise RuntimeError(f"`Tuner.{caller}` found no completed trial in "
                               f"{self._tuner.project_dir}. Run search() first; if it ran, "
                               "tuner.results() shows why the trials failed.")
        return trials

    def best_hyperparameters(self, n=1):
        """The ``n`` best ``keras_tuner.HyperParameters``, best first (a list).

        Raises:
            RuntimeError: when no trial has completed.
        """
        return [t.hyperparameters for t in self._best_trials(n, "best_hyperparameters")]

    def best_model(self):
        """The best trial's model, with the weights of its best epoch.

        For the final model prefer ``retrain_best`` (trained on all the data).

        Raises:
            RuntimeError: when no trial has completed.
        """
        trial = self._best_trials(1, "best_model")[0]
        with warnings.catch_warnings():  # keras-tuner restores weights, not optimizer slots
            warnings.filterwarnings("ignore", "Skipping variable loading for optimizer")
            return self._tuner.load_model(trial)

    def retrain_best(self, *fit_args, **fit_kwargs):
        """Train the best configuration from scratch on the data given; return the model.

        Takes what ``model.fit`` takes. Without ``epochs`` it trains for the
        number of epochs at which the best trial scored best (there is
        usually no validation data left to stop on). The model is built as
        keras-tuner builds a trial's: the tuner's ``optimizer``, ``loss`` and
        ``metrics`` apply, inside its ``distribution_strategy``.

        Raises:
            RuntimeError: when no trial has completed.
        """
        trial = self._best_trials(1, "retrain_best")[0]
        hp = trial.hyperparameters
        # keras-tuner's own trial build: the tuner's optimizer/loss/metrics and strategy apply.
        model = self._tuner._build_hypermodel(hp)
        if "epochs" not in fit_kwargs and trial.best_step is not None:
            fit_kwargs["epochs"] = int(trial.best_step) + 1
        self._tuner.hypermodel.fit(hp, model, *fit_args, **fit_kwargs)
        return model

    def results(self, format=None, path=None):
        """One row per trial: id, status, score, best_step, duration_s, tuner_id, error, hps.

        Args:
            format: None (default) returns a list of dicts; "csv" or "json"
                returns the text (CSV has one ``hp.<name>`` column each).
            path: also write the text to this file (needs ``format``).

        Raises:
            ValueError: unknown format, or a path without a format.
        """
        from keras_boost.tuners import _results

        if format is not None and format not in _results.FORMATS:
            raise ValueError(f"`Tuner.results` expects format None, 'csv' or 'json'. "
                             f"Received: format={format!r}. Pass e.g. format='csv'.")
        if path is not None and format is None:
            raise ValueError(f"`Tuner.results` needs a format to write {path!r}. Received: "
                             "format=None. Pass format='csv' or format='json'.")
        rows = _results.trial_rows(self._tuner)
        if format is None:
            return rows
        text = _results.export(rows, format)
        if path is not None:
            with open(path, "w") as f:
                f.write(text)
        return text

    # -- keras-tuner's names, so keras-tuner code runs after changing one line -----------

    @property
    def keras_tuner(self):
        """The keras-tuner ``Tuner`` underneath (a subclass of the strategy's class)."""
        return self._tuner

    @property
    def oracle(self):
        return self._tuner.oracle

    @property
    def hypermodel(self):
        return self._tuner.hypermodel

    @property
    def project_dir(self):
        return self._tuner.project_dir

    @property
    def remaining_trials(self):
        return self._tuner.remaining_trials

    def get_best_models(self, num_models=1):
        """keras-tuner's name: a list of the best trials' models."""
        return self._tuner.get_best_models(num_models)

    def get_best_hyperparameters(self, num_trials=1):
        """keras-tuner's name: a list of the best ``HyperParameters``."""
        return self._tuner.get_best_hyperparameters(num_trials)

    def search_space_summary(self, extended=False):
        self._tuner.search_space_summary(extended)

    def results_summary(self, num_trials=10):
        self._tuner.results_summary(num_trials)


def _check_count(name, value, optional=False):
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`Tuner` expects `{name}` to be an int >= 1"
                         f"{' or None' if optional else ''}. Received: {name}={value!r}. "
                         f"Pass e.g. {name}=3.")


def _is_chief():
    """keras-tuner's rule: a chief oracle when the tuner id contains 'chief'."""
    return ("KERASTUNER_ORACLE_IP" in os.environ
            and "chief" in os.environ.get("KERASTUNER_TUNER_ID", ""))
