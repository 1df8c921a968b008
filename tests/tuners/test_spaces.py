"""Checks that run before any trial: strategy, options, grid space, arguments."""

import keras_tuner as kt
import pytest
from tuner_helpers import build_mlp

from keras_boost.tuners import Tuner, spaces


def test_check_strategy_accepts_names_and_aliases():
    assert [spaces.check_strategy(s) for s in ("Grid", "random_search", "bayesian_optimization",
                                               "hyperband")] == ["grid", "random", "bayesian",
                                                                 "hyperband"]


def test_unknown_strategy_is_refused_before_any_file_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"strategy='evolution'.*strategy='random'"):
        Tuner(build_mlp, strategy="evolution", directory=str(tmp_path / "t"))
    assert not (tmp_path / "t").exists()


def test_option_of_another_strategy_is_a_type_error_listing_the_valid_ones(tmp_path):
    match = r"unknown option\(s\) \['max_epochs'\].*num_initial_points"
    with pytest.raises(TypeError, match=match):
        Tuner(build_mlp, strategy="bayesian", max_epochs=3, directory=str(tmp_path))


@pytest.mark.parametrize("kwargs, match", [
    ({"max_trials": 0}, r"max_trials.*Received: max_trials=0"),
    ({"seed": 1.5}, r"seed.*Received: seed=1.5"),
    ({"executions_per_trial": True}, r"executions_per_trial.*Received"),
    ({"max_consecutive_failed_trials": -1}, r"max_consecutive_failed_trials=-1"),
])
def test_bad_arguments_say_what_was_expected(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        Tuner(build_mlp, directory=str(tmp_path), **kwargs)


def test_hypermodel_must_be_callable(tmp_path):
    with pytest.raises(TypeError, match="build_model.*Received: int"):
        Tuner(3, directory=str(tmp_path))


def _float_space(hp):
    hp.Float("dropout", 0.0, 0.5)
    return build_mlp(hp)


def test_grid_over_a_float_without_step_is_refused_before_any_trial(tmp_path):
    with pytest.raises(ValueError, match=r"'dropout' is hp.Float\(0.0, 0.5\) without a step"):
        Tuner(_float_space, strategy="grid", directory=str(tmp_path))
    assert not list(tmp_path.rglob("trial_*"))
    # The same space is fine for random search, and a float with a step is fine for a grid.
    Tuner(_float_space, strategy="random", directory=str(tmp_path), overwrite=True)


def test_grid_size_counts_the_points_but_does_not_cap_the_grid(tmp_path):
    def stepped(hp):
        hp.Float("dropout", 0.0, 0.5, step=0.25)
        return build_mlp(hp)

    tuner = Tuner(stepped, strategy="grid", directory=str(tmp_path))
    assert spaces.grid_size(tuner.oracle.get_space()) == 3 * 2 * 2
    # The grid oracle stops when the grid is exhausted: later hyperparameters count too.
    assert tuner.oracle.max_trials is None
    assert Tuner(stepped, strategy="grid", max_trials=5, directory=str(tmp_path),
                 overwrite=True).oracle.max_trials == 5


def test_objective_names_and_missing_objective_message():
    assert spaces.objective_names(kt.Objective("val_auc", "max")) == ["val_auc"]
    with pytest.raises(ValueError, match=r"'val_auc' never appears.*\['loss', 'val_loss'\]"):
        spaces.check_objective_in(["val_auc"], {"loss", "val_loss"}, "a test")
