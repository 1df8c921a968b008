"""Search strategies, their options, and the checks run before any trial.

The ``Tuner`` facade accepts one ``strategy`` name and forwards
``**strategy_options`` to the keras-tuner class behind it. This module holds
that table and the checks that turn a silent misconfiguration into a clear
error before the search spends any time: an unknown strategy, an option the
strategy does not take, a grid over a float without a step, an objective that
the training logs will never contain.

Example:

>>> from keras_boost.tuners.spaces import STRATEGIES, check_strategy
>>> STRATEGIES
('grid', 'random', 'bayesian', 'hyperband')
>>> check_strategy("Random")
'random'
"""

from __future__ import annotations

import math

STRATEGIES = ("grid", "random", "bayesian", "hyperband")

# Options every keras-tuner oracle takes.
_ORACLE_OPTIONS = ("hyperparameters", "allow_new_entries", "tune_new_entries",
                   "max_retries_per_trial")
# Options of each strategy's own algorithm.
_STRATEGY_OPTIONS = {
    "grid": (),
    "random": (),
    "bayesian": ("num_initial_points", "alpha", "beta"),
    "hyperband": ("max_epochs", "factor", "hyperband_iterations"),
}
# Options of keras_tuner.Tuner itself (how each trial builds and trains).
TUNER_OPTIONS = ("max_model_size", "optimizer", "loss", "metrics", "distribution_strategy",
                 "tuner_id")


def check_strategy(strategy):
    """Return the canonical strategy name or raise a ValueError naming the choices."""
    name = strategy.lower().strip() if isinstance(strategy, str) else strategy
    aliases = {"bayesian_optimization": "bayesian", "gridsearch": "grid",
               "randomsearch": "random", "grid_search": "grid", "random_search": "random"}
    name = aliases.get(name, name)
    if name not in STRATEGIES:
        raise ValueError(f"`Tuner` expects `strategy` to be one of {list(STRATEGIES)}. "
                         f"Received: strategy={strategy!r}. Pass e.g. strategy='random'.")
    return name


def split_options(strategy, options):
    """Split ``**strategy_options`` into (oracle options, keras_tuner.Tuner options).

    Raises:
        TypeError: for an option the strategy does not take, listing those it takes.
    """
    oracle_names = _ORACLE_OPTIONS + _STRATEGY_OPTIONS[strategy]
    unknown = sorted(set(options) - set(oracle_names) - set(TUNER_OPTIONS))
    if unknown:
        raise TypeError(f"`Tuner(strategy={strategy!r})` got unknown option(s) {unknown}. "
                        f"It accepts {sorted(oracle_names + TUNER_OPTIONS)}. Remove them or "
                        "pick the strategy they belong to (e.g. max_epochs is for 'hyperband').")
    oracle = {k: v for k, v in options.items() if k in oracle_names}
    tuner = {k: v for k, v in options.items() if k in TUNER_OPTIONS}
    return oracle, tuner


def check_grid_space(hyperparameters):
    """Raise a ValueError for a hyperparameter a grid cannot enumerate.

    keras-tuner silently replaces a ``hp.Float`` (or a log-sampled ``hp.Int``)
    without ``step`` by 10 evenly spaced samples; a grid search should say so
    instead of searching points the user never asked for.
    """
    for hp in hyperparameters.space:
        if hasattr(hp, "min_value") and getattr(hp, "step", 1) is None:
            kind = type(hp).__name__
            raise ValueError(
                f"`Tuner(strategy='grid')` needs a finite grid, but hyperparameter "
                f"{hp.name!r} is hp.{kind}({hp.min_value}, {hp.max_value}) without a step. "
                f"Received: step=None. Pass a step, e.g. hp.{kind}({hp.name!r}, "
                f"{hp.min_value}, {hp.max_value}, step=...), use hp.Choice({hp.name!r}, "
                "[...]) or pick strategy='random'.")


def grid_size(hyperparameters):
    """Number of points of a grid without conditional hyperparameters, else None."""
    if any(hp.conditions for hp in hyperparameters.space):
        return None
    return math.prod(len(list(hp.values)) for hp in hyperparameters.space
                     if hasattr(hp, "values"))


def objective_names(objective):
    """The log names a keras-tuner objective reads (empty for the default objective)."""
    if hasattr(objective, "name_to_direction"):  # MultiObjective
        return list(objective.name_to_direction)
    if type(objective).__name__ == "DefaultObjective":
        return []
    return [objective.name]


def check_objective_in(names, logged, where):
    """Raise a ValueError when an objective name is not among the logged names."""
    missing = [name for name in names if name not in logged]
    if missing:
        raise ValueError(
            f"`Tuner` objective {missing[0]!r} never appears in the training logs, so no "
            f"trial could be scored. Received: the logs of {where} hold {sorted(logged)}. "
            "Pass one of those as objective=..., or add the metric to compile(metrics=[...]) "
            "and validation_data=... to search() for a 'val_' objective.")
