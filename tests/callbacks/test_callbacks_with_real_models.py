"""Both callbacks in real ``fit`` calls: NaN, validation_freq, multi-output, CSVLogger, Mirrored."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector

pytestmark = pytest.mark.slow


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, :1] * 2 + 0.3 * rng.normal(size=(n, 1))).astype("float32")


def mlp():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    return model


def two_output_model():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, {"out_a": keras.layers.Dense(1, name="out_a")(hidden),
                                 "out_b": keras.layers.Dense(1, name="out_b")(hidden)})
    model.compile(optimizer="adam", loss={"out_a": "mse", "out_b": "mae"})
    return model


class PoisonAt(keras.callbacks.Callback):
    """Makes the weights NaN at the start of one epoch (a test-only helper)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.model.set_weights([np.full_like(w, np.nan) for w in self.model.get_weights()])


def test_nan_stops_and_restores_finite_weights():
    x, y = data()
    model, stopper = mlp(), AdaptiveEarlyStopping()
    history = model.fit(x, y, validation_split=0.25, epochs=20, verbose=0,
                        callbacks=[PoisonAt(4), stopper])
    assert stopper.stop_reason == "not_finite" and stopper.stopped_epoch == 4
    assert len(history.history["loss"]) == 5 and stopper.best_epoch < 4
    assert np.all(np.isfinite(model.predict(x, verbose=0)))


class ScoreAndWeights(keras.callbacks.Callback):
    """Writes a chosen `score` into the logs and keeps a copy of each epoch's weights."""

    def __init__(self, scores):
        super().__init__()
        self.scores, self.weights = scores, []

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.scores[epoch]
        self.weights.append([np.array(w, copy=True) for w in self.model.get_weights()])


@pytest.mark.parametrize("jit_compile", [False, True])
def test_restores_exactly_the_best_epochs_weights_after_more_training(jit_compile):
    x, y = data()
    model = mlp()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", jit_compile=jit_compile)
    recorder = ScoreAndWeights([5.0, 4.0, 1.0, 3.0, 2.0, 2.5, 2.0, 1.5])  # best: epoch 2
    stopper = AdaptiveEarlyStopping("score", mode="min", patience=100)
    model.fit(x, y, epochs=8, verbose=0, callbacks=[recorder, stopper])
    assert stopper.best_epoch == 2
    assert not np.allclose(recorder.weights[2][0], recorder.weights[-1][0])  # it kept training
    for restored, best in zip(model.get_weights(), recorder.weights[2], strict=True):
        np.testing.assert_array_equal(restored, best)


def test_validation_freq_two_and_both_callbacks_reused():
    x, y = data()
    model = mlp()
    stopper, detector = AdaptiveEarlyStopping(patience=50), OverfittingDetector(action=None)
    for _ in range(2):
        history = model.fit(x, y, validation_split=0.25, epochs=8, validation_freq=2, verbose=0,
                            callbacks=[detector, stopper])
        assert stopper.stop_reason == "completed" and stopper.best_epoch % 2 == 1
        assert len(detector.gaps) == 4
        assert OverfittingDetector.diagnose(history).gaps == pytest.approx(detector.gaps)
        val = history.history["val_loss"]
        assert stopper.best_value == pytest.approx(min(val))


def test_multi_output_monitor():
    x, y = data()
    model = two_output_model()
    stopper = AdaptiveEarlyStopping("val_out_a_loss")
    detector = OverfittingDetector("out_b_loss", action=None)
    history = model.fit(x, {"out_a": y, "out_b": -y}, validation_split=0.25, epochs=6,
                        verbose=0, callbacks=[detector, stopper])
    values = history.history["val_out_a_loss"]
    assert stopper.best_value == pytest.approx(min(values))
    assert detector.gap == pytest.approx(history.history["val_out_b_loss"][-1]
                                         - history.history["out_b_loss"][-1])


def test_fit_without_validation_data_warns_once():
    x, y = data()
    with pytest.warns(UserWarning, match="validation_split") as caught:
        mlp().fit(x, y, epochs=3, verbose=0, callbacks=[AdaptiveEarlyStopping()])
    ours = [w for w in caught if "AdaptiveEarlyStopping" in str(w.message)]
    assert len(ours) == 1 and "'val_loss'" in str(ours[0].message)


def test_two_detectors_on_a_multi_output_model_keep_both_gaps():
    x, y = data()
    model = two_output_model()
    first = OverfittingDetector("out_a_loss", action=None)
    second = OverfittingDetector("out_b_loss", action=None)
    history = model.fit(x, {"out_a": y, "out_b": -y}, validation_split=0.25, epochs=4,
                        verbose=0, callbacks=[first, second])
    assert history.history["out_a_loss_generalization_gap"] == pytest.approx(first.gaps)
    assert history.history["out_b_loss_generalization_gap"] == pytest.approx(second.gaps)
    assert "generalization_gap" not in history.history
    assert OverfittingDetector.diagnose(history, monitor="out_a_loss").gaps == pytest.approx(
        first.gaps)


def test_history_and_csvlogger_record_the_gap_and_offline_agrees(tmp_path):
    x, y = data(n=40)
    model = mlp()
    detector = OverfittingDetector(action=None)
    path = tmp_path / "run.csv"
    history = model.fit(x, y, validation_split=0.5, epochs=15, verbose=0,
                        callbacks=[detector, keras.callbacks.CSVLogger(str(path))])
    assert history.history["generalization_gap"] == pytest.approx(detector.gaps)
    for source in (history, path):
        offline = OverfittingDetector.diagnose(source)
        assert (offline.diagnosis, offline.onset_epoch) == (detector.diagnosis,
                                                            detector.onset_epoch)
        assert offline.gaps == pytest.approx(detector.gaps)


def test_under_mirrored_strategy_with_two_cpus():
    script = textwrap.dedent("""
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import keras
        from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        y = x[:, :1]
        stopper = AdaptiveEarlyStopping(verbose=1)
        detector = OverfittingDetector(action="reduce_lr")
        h = model.fit(x, y, validation_split=0.25, epochs=6, batch_size=16, verbose=0,
                      callbacks=[detector, stopper])
        assert stopper.stop_reason in ("completed", "converged"), stopper.stop_reason
        assert model.get_weights()[0].shape == (4, 1)
        print("OK", stopper.best_epoch, len(detector.gaps))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "OK" in done.stdout and "AdaptiveEarlyStopping:" in done.stdout
