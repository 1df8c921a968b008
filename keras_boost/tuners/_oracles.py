"""keras-tuner's four oracles with three upstream defects worked around.

- ``seed=0`` is honoured (upstream replaces any falsy seed with a random one);
- a ``GridSearch`` resumed after an interruption goes on with the points it had
  not run (upstream loses its queue of trials to extend and stops at once);
- Bayesian optimization does not re-propose a point it has already tried
  (upstream #608: once values are rounded to their step or choice the
  proposal is often an exact duplicate); it draws a fresh random point instead;
- the trial that reaches ``max_consecutive_failed_trials`` is saved before the
  search stops (upstream raises inside ``end_trial`` before saving it, so it
  stays RUNNING on disk and in the oracle's ongoing trials);
- a trial whose objective is NaN (the loss diverged) records why it failed
  (upstream marks it failed with no message).

Private module: imported by ``facade.py`` only when a ``Tuner`` is built, so
``import keras_boost`` does not import keras-tuner.
"""

from __future__ import annotations

import functools

import keras_tuner as kt
import numpy as np


class _FacadeOracle:
    """Mixin: honour the seed (0 included), keep keras-tuner's tables quiet, save the
    trial that trips the failure limit, say why a NaN trial failed.

    The facade prints its own line per trial, so the oracle's display stays
    silent whatever ``verbose`` keras-tuner's ``search`` hands it.
    """

    def __init__(self, *args, seed=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        self._honour_seed(seed)

    def _check_consecutive_failures(self):
        pass  # checked in end_trial, once upstream has saved the trial

    def end_trial(self, trial):
        super().end_trial(trial)
        try:
            kt.Oracle._check_consecutive_failures(self)
        except RuntimeError:
            self.save()  # upstream saved before it popped the ongoing trial
            raise

    def score_trial(self, trial):
        super().score_trial(trial)
        if trial.score is not None and np.isnan(trial.score) and not trial.message:
            # Upstream marks it INVALID (then FAILED) and records no message.
            trial.message = (
                f"The objective {self.objective.name!r} was NaN at every epoch: the loss "
                "became NaN or inf. Lower the learning rate, clip gradients "
                "(optimizer clipnorm=1.0) or check the data for NaN/inf values.")

    @property
    def verbose(self):
        return 0

    @verbose.setter
    def verbose(self, value):
        pass

    def _honour_seed(self, seed):
        self._display.verbose = 0
        if seed is None:
            return
        self.seed = seed
        self._seed_state = seed
        if hasattr(self, "_random_state"):  # Bayesian: its RNG and Gaussian process
            self._random_state = np.random.RandomState(seed)
            self.gpr = self._make_gpr()


class RandomOracle(_FacadeOracle, kt.oracles.RandomSearchOracle):
    pass


class GridOracle(_FacadeOracle, kt.oracles.GridSearchOracle):
    def set_state(self, state):
        super().set_state(state)
        self._rebuild_queue()

    def _rebuild_queue(self):
        """Rebuild the ordered list of trials and the queue upstream does not save.

        Every trial sits in the grid order; every ended trial goes back in the
        queue of trials whose successor may still be missing (the oracle skips
        those whose successor was already run), so no point is lost or repeated.
        """
        self._ordered_ids = type(self._ordered_ids)()
        order = functools.cmp_to_key(lambda a, b: self._compare(
            self.trials[a].hyperparameters.values, self.trials[b].hyperparameters.values))
        for trial_id in sorted(self.trials, key=order):
            self._ordered_ids.insert(trial_id)
        self._populate_next = [t for t in self.end_order if t in self.trials]


class BayesianOracle(_FacadeOracle, kt.oracles.BayesianOptimizationOracle):
    def populate_space(self, trial_id):
        response = super().populate_space(trial_id)
        values = response.get("values")
        if values is not None and self._duplicate(values):
            return self._random_populate_space()
        return response


class HyperbandOracle(_FacadeOracle, kt.oracles.HyperbandOracle):
    def __init__(self, *args, max_trials=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Upstream Hyperband has no trial budget; the base Oracle honours one.
        self.max_trials = max_trials


ORACLES = {"random": RandomOracle, "grid": GridOracle, "bayesian": BayesianOracle,
           "hyperband": HyperbandOracle}
