"""keras-tuner's four oracles with three upstream defects worked around.

- ``seed=0`` is honoured (upstream replaces any falsy seed with a random one);
- a ``GridSearch`` resumed after an interruption goes on with the points it had
  not run (upstream loses its queue of trials to extend and stops at once);
- Bayesian optimization does not re-propose a point it has already tried
  (upstream #608: once values are rounded to their step or choice the
  proposal is often an exact duplicate); it draws a fresh random point instead.

Private module: imported by ``facade.py`` only when a ``Tuner`` is built, so
``import keras_boost`` does not import keras-tuner.
"""

from __future__ import annotations

import functools

import keras_tuner as kt
import numpy as np


class _HonourSeed:
    """Mixin: use the seed the user gave (0 included); keep keras-tuner's tables quiet.

    The facade prints its own line per trial, so the oracle's display stays
    silent whatever ``verbose`` keras-tuner's ``search`` hands it.
    """

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


class RandomOracle(_HonourSeed, kt.oracles.RandomSearchOracle):
    def __init__(self, *args, seed=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        self._honour_seed(seed)


class GridOracle(_HonourSeed, kt.oracles.GridSearchOracle):
    def __init__(self, *args, seed=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        self._honour_seed(seed)

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


class BayesianOracle(_HonourSeed, kt.oracles.BayesianOptimizationOracle):
    def __init__(self, *args, seed=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        self._honour_seed(seed)

    def populate_space(self, trial_id):
        response = super().populate_space(trial_id)
        values = response.get("values")
        if values is not None and self._duplicate(values):
            return self._random_populate_space()
        return response


class HyperbandOracle(_HonourSeed, kt.oracles.HyperbandOracle):
    def __init__(self, *args, seed=None, max_trials=None, **kwargs):
        super().__init__(*args, seed=seed, **kwargs)
        self._honour_seed(seed)
        # Upstream Hyperband has no trial budget; the base Oracle honours one.
        self.max_trials = max_trials


ORACLES = {"random": RandomOracle, "grid": GridOracle, "bayesian": BayesianOracle,
           "hyperband": HyperbandOracle}
