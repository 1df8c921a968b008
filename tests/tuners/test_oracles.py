"""The upstream defects the facade works around, driven through the oracle (no training)."""

import keras_tuner as kt
from tuner_helpers import build_mlp

from keras_boost.tuners import Tuner


def _run(tuner, n, fake_score=lambda v: v["units"] * v["learning_rate"]):
    """Run up to n trials with a made-up score; return the values of those run."""
    ran = []
    for _ in range(n):
        trial = tuner.oracle.create_trial("tuner0")
        if trial.status != "RUNNING":
            break
        tuner.oracle.update_trial(trial.trial_id,
                                  {"val_loss": fake_score(trial.hyperparameters.values)})
        trial.status = "COMPLETED"
        tuner.oracle.end_trial(trial)
        getattr(tuner, "keras_tuner", tuner).save()
        ran.append(tuple(sorted(trial.hyperparameters.values.items())))
    return ran


def test_seed_zero_is_honoured_and_reproducible(tmp_path):
    # Upstream replaces seed=0 by a random seed in 1..10000.
    assert kt.oracles.RandomSearchOracle(seed=0).seed != 0
    runs = []
    for name in ("a", "b"):
        tuner = Tuner(build_mlp, strategy="random", seed=0, max_trials=3,
                      directory=str(tmp_path), project_name=name)
        assert tuner.oracle.seed == 0
        runs.append(_run(tuner, 3))
    assert runs[0] == runs[1] and len(set(runs[0])) == 3


def test_grid_resumed_after_interruption_runs_the_remaining_points(tmp_path):
    first = Tuner(build_mlp, strategy="grid", directory=str(tmp_path), project_name="ours")
    done = _run(first, 2)
    resumed = Tuner(build_mlp, strategy="grid", directory=str(tmp_path), project_name="ours")
    rest = _run(resumed, 10)
    assert len(rest) == 2 and not set(done) & set(rest)
    assert len(set(done + rest)) == 4  # the whole 2 x 2 grid, each point once

    # Upstream keras-tuner stops at once on resume, with two points never run.
    raw = kt.GridSearch(build_mlp, objective="val_loss", directory=str(tmp_path),
                        project_name="raw")
    _run(raw, 2)
    raw = kt.GridSearch(build_mlp, objective="val_loss", directory=str(tmp_path),
                        project_name="raw")
    assert _run(raw, 10) == []


def test_grid_resumed_after_a_kill_mid_trial_reruns_only_that_trial(tmp_path):
    first = Tuner(build_mlp, strategy="grid", directory=str(tmp_path))
    done = _run(first, 1)
    killed = first.oracle.create_trial("tuner0")  # started, never ended: the process dies
    resumed = Tuner(build_mlp, strategy="grid", directory=str(tmp_path))
    rest = _run(resumed, 10)
    assert rest[0] == tuple(sorted(killed.hyperparameters.values.items()))
    assert sorted(done + rest) == sorted(set(done + rest)) and len(done + rest) == 4


def test_bayesian_does_not_rerun_a_point_it_already_tried(tmp_path):
    def unique_runs(tuner):
        return len(set(_run(tuner, 4)))

    ours = Tuner(build_mlp, strategy="bayesian", max_trials=4, seed=1, num_initial_points=1,
                 directory=str(tmp_path), project_name="ours")
    assert unique_runs(ours) == 4
    raw = kt.BayesianOptimization(build_mlp, objective="val_loss", max_trials=4, seed=1,
                                  num_initial_points=1, directory=str(tmp_path),
                                  project_name="raw")
    assert unique_runs(raw) < 4  # upstream #608, with this seed
