"""Real (tiny) searches through the facade: every strategy, results, retraining, failures."""

import csv
import io
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from tuner_helpers import build_mlp, mlp_data

from keras_boost.tuners import ConsecutiveFailuresError, Tuner

pytestmark = pytest.mark.slow


# From /work/shared/references/building-better-models.txt, unchanged.
def model_builder(hp):
  model = tf.keras.Sequential()
  model.add(tf.keras.layers.Flatten(input_shape=(28, 28)))

  # Tune the number of units in the first Dense layer
  # Choose an optimal value between 32-512
  hp_units = hp.Int('units', min_value = 32, max_value = 512, step = 32)
  model.add(tf.keras.layers.Dense(units = hp_units, activation = 'relu'))
  model.add(tf.keras.layers.Dense(10))

  # Tune the learning rate for the optimizer
  # Choose an optimal value from 0.01, 0.001, or 0.0001
  hp_learning_rate = hp.Choice('learning_rate', values = [1e-2, 1e-3, 1e-4])

  model.compile(optimizer = tf.keras.optimizers.Adam(learning_rate = hp_learning_rate),
                loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits = True),
                metrics = ['accuracy'])

  return model


def test_guide_model_builder_runs_unchanged_and_exports_results(tmp_path, capsys):
    rng = np.random.default_rng(0)
    img_train = rng.random((40, 28, 28)).astype("float32")
    label_train = rng.integers(0, 10, 40)
    img_test, label_test = img_train[:16], label_train[:16]
    tuner = Tuner(model_builder, strategy="random", objective="val_accuracy", max_trials=2,
                  seed=3, directory=str(tmp_path), project_name="intro_to_kt")
    tuner.search(img_train, label_train, epochs=2, validation_data=(img_test, label_test),
                 early_stopping=False)

    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Trial ")]
    assert [line.split(":")[0] for line in lines] == ["Trial 1/2", "Trial 2/2"]
    assert "val_accuracy=" in lines[0] and "best" in lines[1] and "left" in lines[1]

    rows = tuner.results()
    assert [r["status"] for r in rows] == ["COMPLETED", "COMPLETED"]
    assert all(r["duration_s"] > 0 and 0 <= r["score"] <= 1 for r in rows)
    assert all(set(r["hyperparameters"]) == {"units", "learning_rate"} for r in rows)
    best = tuner.best_hyperparameters()[0]
    assert best.values == max(rows, key=lambda r: r["score"])["hyperparameters"]
    assert tuner.get_best_hyperparameters(1)[0].values == best.values  # keras-tuner's name

    text = tuner.results(format="csv", path=str(tmp_path / "r.csv"))
    table = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))
    assert text == (tmp_path / "r.csv").read_text()
    assert [int(t["hp.units"]) for t in table] == [r["hyperparameters"]["units"] for r in rows]
    assert json.loads(tuner.results(format="json")) == json.loads(json.dumps(rows))
    with pytest.raises(ValueError, match="format='csv'"):
        tuner.results(format="xlsx")

    model = tuner.best_model()
    assert model.predict(img_test, verbose=0).shape == (16, 10)
    retrained = tuner.retrain_best(img_train, label_train, verbose=0)
    assert retrained.layers[1].units == best.values["units"]
    best_step = max(rows, key=lambda r: r["score"])["best_step"]
    assert len(retrained.history.history["loss"]) == best_step + 1


class RecordingHyperModel:
    """Wraps build_mlp in a keras_tuner.HyperModel that records the callbacks of each fit."""

    def __new__(cls):
        import keras_tuner as kt

        class _Recording(kt.HyperModel):
            seen = []

            def build(self, hp):
                return build_mlp(hp)

            def fit(self, hp, model, *args, **kwargs):
                self.seen.append(sorted(type(c).__name__ for c in kwargs["callbacks"]))
                return model.fit(*args, **kwargs)

        return _Recording()


@pytest.mark.parametrize("strategy, options", [
    ("grid", {"max_trials": 2}),
    ("bayesian", {"max_trials": 2, "num_initial_points": 1}),
    ("hyperband", {"max_trials": 2, "max_epochs": 2}),
])
def test_each_strategy_runs_with_early_stopping_per_trial(tmp_path, strategy, options):
    hypermodel = RecordingHyperModel()
    x, y = mlp_data()
    tuner = Tuner(hypermodel, strategy=strategy, objective="val_accuracy", seed=0,
                  directory=str(tmp_path), **options)
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    rows = tuner.results()
    assert len(rows) == 2 and {r["status"] for r in rows} == {"COMPLETED"}
    assert all("AdaptiveEarlyStopping" in names for names in hypermodel.seen)
    assert isinstance(tuner.best_model(), keras.Model)


def test_early_stopping_false_adds_no_callback(tmp_path):
    hypermodel = RecordingHyperModel()
    hypermodel.seen.clear()
    x, y = mlp_data()
    tuner = Tuner(hypermodel, max_trials=1, directory=str(tmp_path))
    tuner.search(x, y, epochs=1, validation_split=0.25, early_stopping=False, verbose=0)
    assert not any("EarlyStopping" in n for names in hypermodel.seen for n in names)


def _fails_for_large_units(hp):
    model = build_mlp(hp)
    if hp.get("units") == 8:  # the default units=4 must build: keras-tuner builds it first
        raise ValueError("units=8 is too large for this test")
    return model


def test_failed_trial_is_recorded_and_the_search_goes_on(tmp_path):
    x, y = mlp_data()
    tuner = Tuner(_fails_for_large_units, strategy="grid", directory=str(tmp_path))
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    rows = tuner.results()
    assert [r["status"] for r in rows] == ["COMPLETED", "COMPLETED", "FAILED", "FAILED"]
    assert rows[2]["error"] == "ValueError: units=8 is too large for this test"
    assert rows[2]["score"] is None and rows[0]["error"] is None
    assert tuner.best_hyperparameters()[0].values["units"] == 4


def _always_fails(hp):
    """Builds (keras-tuner builds once up front) but every fit raises."""
    model = build_mlp(hp)
    units = hp.get("units")

    def broken_loss(y_true, y_pred):
        raise RuntimeError(f"broken loss with units={units}")

    model.compile("adam", broken_loss)
    return model


def test_consecutive_failures_stop_with_an_error_naming_the_last_one(tmp_path):
    x, y = mlp_data()
    tuner = Tuner(_always_fails, strategy="grid", max_consecutive_failed_trials=2,
                  directory=str(tmp_path))
    with pytest.raises(ConsecutiveFailuresError,
                       match=r"2 consecutive.*trial 0*1 .*RuntimeError: broken loss with units=4"):
        tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert [r["status"] for r in tuner.results()] == ["FAILED", "FAILED"]
    with pytest.raises(RuntimeError, match="no completed trial"):
        tuner.best_model()
    # Both saved as FAILED (upstream leaves the last one RUNNING on disk).
    with open(os.path.join(tuner.keras_tuner.project_dir, "oracle.json")) as f:
        assert json.load(f)["ongoing_trials"] == {}
    reloaded = Tuner(_always_fails, strategy="grid", max_consecutive_failed_trials=2,
                     directory=str(tmp_path))
    assert [r["status"] for r in reloaded.results()] == ["FAILED", "FAILED"]


def test_objective_missing_from_generator_logs_stops_after_the_first_epoch(tmp_path):
    x, y = mlp_data()

    def batches():
        while True:
            yield x[:8], y[:8]

    tuner = Tuner(build_mlp, objective="val_auc", max_trials=1, directory=str(tmp_path))
    with pytest.raises(ValueError, match="val_auc"):
        tuner.search(batches(), steps_per_epoch=2, validation_data=batches(),
                     validation_steps=1, epochs=2, verbose=0)


def test_objective_missing_from_the_logs_is_an_error_before_any_trial(tmp_path):
    x, y = mlp_data()
    tuner = Tuner(build_mlp, objective="val_auc", max_trials=1, directory=str(tmp_path))
    with pytest.raises(ValueError, match=r"'val_auc' never appears.*'val_accuracy'"):
        tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    with pytest.raises(ValueError, match=r"'val_loss' needs validation data.*validation_split"):
        Tuner(build_mlp, max_trials=1, directory=str(tmp_path), overwrite=True).search(x, y)
    assert not list(tmp_path.rglob("trial_*"))


def _layers_in_a_loop(hp):
    """The units of the second layer exist only once a trial has built two layers."""
    model = keras.Sequential([keras.Input((8,))])
    for i in range(hp.Int("layers", 1, 2)):
        model.add(keras.layers.Dense(hp.Choice(f"units_{i}", [2, 4]), activation="relu"))
    model.add(keras.layers.Dense(2))
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_grid_runs_every_point_including_hyperparameters_created_in_loops(tmp_path, capsys):
    x, y = mlp_data(16)
    tuner = Tuner(_layers_in_a_loop, strategy="grid", directory=str(tmp_path))
    tuner.search(x, y, epochs=1, validation_split=0.25, early_stopping=False)
    points = {tuple(sorted(r["hyperparameters"].items())) for r in tuner.results()}
    assert len(points) == len(tuner.results()) == 6  # 2 with one layer, 4 with two
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Trial ")]
    assert len(lines) == 6  # a grid's total is shown as an estimate, never as exact
    assert all(line.startswith(f"Trial {n}:") or line.startswith(f"Trial {n}/~")
               for n, line in enumerate(lines, 1))


class _F1Logger(keras.callbacks.Callback):
    """A user callback that writes its own metric into the logs (a common Keras pattern)."""

    def on_epoch_end(self, epoch, logs=None):
        logs["val_f1"] = 0.5 + epoch


def _no_metrics(hp):
    model = build_mlp(hp)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_objective_logged_by_a_callback_or_tuner_metrics_is_accepted(tmp_path):
    import keras_tuner as kt

    x, y = mlp_data(16)
    tuner = Tuner(_no_metrics, objective=kt.Objective("val_f1", "max"), max_trials=1,
                  directory=str(tmp_path), project_name="callback")
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0, callbacks=[_F1Logger()])
    assert [(r["status"], r["score"]) for r in tuner.results()] == [("COMPLETED", 0.5)]

    tuner = Tuner(_no_metrics, objective="val_accuracy", metrics=["accuracy"], max_trials=1,
                  directory=str(tmp_path), project_name="metrics")
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert [r["status"] for r in tuner.results()] == ["COMPLETED"]
    assert 0 <= tuner.results()[0]["score"] <= 1


def test_retrain_best_applies_the_tuner_optimizer_loss_and_metrics(tmp_path):
    def sgd_no_logits(hp):
        model = build_mlp(hp)
        model.compile("sgd", "sparse_categorical_crossentropy")
        return model

    x, y = mlp_data(16)
    tuner = Tuner(sgd_no_logits, max_trials=1, directory=str(tmp_path),
                  optimizer=keras.optimizers.RMSprop(1e-2), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    model = tuner.retrain_best(x, y, epochs=1, verbose=0)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert model.loss.from_logits is True
    assert "accuracy" in model.history.history


class _ModeRecorder:
    """A keras_tuner.HyperModel that records (callback, mode) of each fit."""

    def __new__(cls):
        import keras_tuner as kt

        class _Recorder(kt.HyperModel):
            seen = []

            def build(self, hp):
                return build_mlp(hp)

            def fit(self, hp, model, *args, **kwargs):
                self.seen.extend((type(c).__name__, getattr(c, "mode", None))
                                 for c in kwargs["callbacks"])
                return model.fit(*args, **kwargs)

        return _Recorder()


def test_one_element_objective_list_stops_trials_in_the_metric_direction(tmp_path):
    hypermodel = _ModeRecorder()
    x, y = mlp_data(16)
    tuner = Tuner(hypermodel, objective=["val_accuracy"], max_trials=1, directory=str(tmp_path))
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert ("AdaptiveEarlyStopping", "max") in hypermodel.seen
    assert ("AdaptiveEarlyStopping", "min") not in hypermodel.seen


def _nan_when_bad(hp):
    model = build_mlp(hp)
    if hp.Choice("bad", [1, 0]):  # the grid runs the default (1) first
        model = keras.Sequential([model, keras.layers.Lambda(lambda t: t * float("nan"))])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_trial_whose_loss_became_nan_says_so(tmp_path):
    x, y = mlp_data(16)
    tuner = Tuner(_nan_when_bad, strategy="grid", max_trials=2, directory=str(tmp_path))
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    rows = tuner.results()
    assert rows[0]["hyperparameters"]["bad"] == 1 and rows[0]["status"] == "FAILED"
    assert "NaN" in rows[0]["error"] and "val_loss" in rows[0]["error"]
    assert rows[1]["status"] == "COMPLETED"
