"""OverfittingDetector: contract, diagnoses on synthetic curves, actions, offline diagnose."""

import csv
import math
import warnings

import numpy as np
import pytest

from keras_boost.callbacks import DIAGNOSES, OverfittingDetector
from keras_boost.testing import check_callback_contract
from keras_boost.testing.replay import ReplayModel, replay


def curves(kind, epochs=60, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    e = np.arange(epochs)
    train = 1.0 / (1 + 0.2 * e)
    if kind == "overfit":
        val = 0.5 + 0.002 * (e - 20) ** 2
    elif kind == "plateau":
        train = 0.3 + 0.7 * np.exp(-e / 4)
        val = 0.45 + 0.6 * np.exp(-e / 4)
    elif kind == "spike":
        train = 0.3 + 0.7 * np.exp(-e / 4)
        val = 0.45 + 0.6 * np.exp(-e / 4)
        val[40] += 0.3
    elif kind == "slow":
        train = 2.0 - 0.02 * e
        val = 2.1 - 0.02 * e
    elif kind == "diverge":
        train = 0.5 + 0.001 * (e - 10) ** 2
        val = train + 0.1
    val = val + rng.normal(0, noise, epochs)
    return [{"loss": float(t), "val_loss": float(v)} for t, v in zip(train, val, strict=True)]


def as_dict(logs):
    return {key: [log[key] for log in logs] for key in logs[0]}


def test_contract():
    check_callback_contract(lambda: OverfittingDetector(action=None))
    check_callback_contract(lambda: OverfittingDetector(action="reduce_lr"), skip=["fit"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_overfitting_is_found_near_the_validation_minimum(seed):
    detector = OverfittingDetector.diagnose(as_dict(curves("overfit", seed=seed)))
    assert detector.diagnosis == "overfitting"
    assert 18 <= detector.onset_epoch <= 25
    assert detector.onset_epoch < detector.detected_epoch <= 35


@pytest.mark.parametrize(("kind", "expected"), [
    ("plateau", "good_fit"), ("spike", "good_fit"), ("slow", "underfitting"),
    ("diverge", "diverging")])
def test_other_diagnoses(kind, expected):
    detector = OverfittingDetector.diagnose(as_dict(curves(kind)))
    assert detector.diagnosis == expected
    assert detector.onset_epoch is None and expected in DIAGNOSES


def test_too_few_epochs_is_inconclusive_and_nan_is_diverging():
    logs = curves("overfit")
    assert OverfittingDetector.diagnose(as_dict(logs[:4])).diagnosis == "inconclusive"
    logs[10] = {"loss": math.nan, "val_loss": math.nan}
    assert OverfittingDetector.diagnose(as_dict(logs[:11])).diagnosis == "diverging"


def test_accuracy_pair_goes_up():
    logs = curves("overfit")
    acc = [{"accuracy": 1 - log["loss"] / 2, "val_accuracy": 1 - log["val_loss"] / 2}
           for log in logs]
    detector = OverfittingDetector.diagnose(as_dict(acc), monitor="accuracy")
    assert detector.diagnosis == "overfitting" and 18 <= detector.onset_epoch <= 25
    assert detector.gaps[-1] > 0  # positive gap: worse on validation


def test_gap_is_added_to_the_logs():
    logs = curves("overfit")
    seen = []

    class Spy(OverfittingDetector):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            seen.append(dict(logs))

    replay(Spy(action=None), logs)
    assert seen[5]["generalization_gap"] == pytest.approx(logs[5]["val_loss"] - logs[5]["loss"])
    assert "generalization_gap_smoothed" in seen[5]


def test_detectors_with_other_monitors_log_their_own_gap_keys():
    logs = [{**log, "out_a_loss": log["loss"], "val_out_a_loss": log["val_loss"] + 0.1,
             "out_b_loss": log["loss"], "val_out_b_loss": log["val_loss"] + 0.2}
            for log in curves("overfit", epochs=8)]
    default = OverfittingDetector(action=None)
    first = OverfittingDetector("out_a_loss", action=None)
    second = OverfittingDetector("out_b_loss", action=None)
    for detector in (default, first, second):
        detector.set_model(ReplayModel())
        detector.on_train_begin({})
    for epoch, log in enumerate(logs):
        for detector in (default, first, second):
            detector.on_epoch_end(epoch, log)
        assert log["generalization_gap"] == pytest.approx(default.gap)
        assert log["out_a_loss_generalization_gap"] == pytest.approx(first.gap)
        assert log["out_b_loss_generalization_gap"] == pytest.approx(second.gap)
        assert log["out_b_loss_generalization_gap_smoothed"] == pytest.approx(
            second.smoothed_gap)
    assert (default.gap_key, first.gap_key) == ("generalization_gap",
                                                "out_a_loss_generalization_gap")
    assert second.gap == pytest.approx(default.gap + 0.2)


def test_live_and_offline_agree_on_the_same_numbers(tmp_path):
    for kind in ("overfit", "plateau", "slow"):
        logs = curves(kind, noise=0.03, seed=3)
        live = OverfittingDetector(action=None)
        replay(live, logs)
        path = tmp_path / f"{kind}.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["epoch", "loss", "val_loss"])
            writer.writerows([e, repr(log["loss"]), repr(log["val_loss"])]
                             for e, log in enumerate(logs))
        for source in (as_dict(logs), path):
            offline = OverfittingDetector.diagnose(source)
            assert (offline.diagnosis, offline.onset_epoch, offline.gaps) == (
                live.diagnosis, live.onset_epoch, live.gaps)


def test_warns_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        replay(OverfittingDetector(), curves("overfit"))
    messages = [str(w.message) for w in caught if "OverfittingDetector" in str(w.message)]
    assert len(messages) == 1 and "overfitting since epoch" in messages[0]


def test_stop_action_stops_at_detection():
    detector = OverfittingDetector(action="stop")
    result = replay(detector, curves("overfit"))
    assert result.epochs_run == detector.detected_epoch + 1


def test_reduce_lr_action_lowers_the_rate_once_with_a_floor():
    detector = OverfittingDetector(action="reduce_lr", factor=0.1, min_lr=5e-4)
    result = replay(detector, curves("overfit"), model=ReplayModel(learning_rate=1e-3))
    rates = result.learning_rates
    assert rates[detector.detected_epoch - 1] == 1e-3
    assert rates[detector.detected_epoch] == rates[-1] == 5e-4


def test_callable_action_gets_the_detector_epoch_and_logs():
    calls = []
    detector = OverfittingDetector(action=lambda d, epoch, logs: calls.append(
        (d.onset_epoch, epoch, "generalization_gap" in logs)))
    replay(detector, curves("overfit"))
    assert calls == [(detector.onset_epoch, detector.detected_epoch, True)]


def test_report_gives_evidence_and_next_steps():
    text = OverfittingDetector.diagnose(as_dict(curves("overfit"))).report()
    assert "Diagnosis: overfitting" in text and "Overfitting since epoch" in text
    assert "regulariz" in text and "Next steps" in text


def test_plot_writes_an_image(tmp_path):
    pytest.importorskip("matplotlib")
    detector = OverfittingDetector.diagnose(as_dict(curves("overfit")))
    detector.plot(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(("source", "error", "match"), [
    (42, TypeError, "History, a dict of lists"),
    ({"loss": [1.0, 0.5]}, ValueError, "no 'val_loss' values"),
    ({"loss": [1.0, 0.9, 0.8], "val_loss": [1.0, 2.0]}, ValueError, "cannot place"),
    # 8 epochs and 2 values fit validation_freq=3 and =4: refuse rather than guess.
    ({"loss": [1.0] * 8, "val_loss": [1.0, 2.0]}, ValueError, "cannot place")])
def test_diagnose_rejects_bad_histories(source, error, match):
    with pytest.raises(error, match=match):
        OverfittingDetector.diagnose(source)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"action": "shout"}, "action"), ({"factor": 1.5}, "factor"), ({"min_lr": -1}, "min_lr"),
    ({"mode": "down"}, "mode"), ({"monitor": ""}, "monitor")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"Received: {match}"):
        OverfittingDetector(**kwargs)


@pytest.mark.parametrize(("rise", "expected"), [(0.04, "good_fit"), (0.25, "overfitting")])
def test_a_rise_must_be_large_relative_to_the_minimum(rise, expected):
    e = np.arange(60)
    val = 0.5 + rise * 0.5 * np.clip((e - 30) / 10, 0, 1) + 0.4 * np.exp(-e / 5)
    history = {"loss": list(0.2 + 0.8 * np.exp(-e / 5)), "val_loss": list(val)}
    assert OverfittingDetector.diagnose(history).diagnosis == expected


def test_accuracy_rise_is_relative_to_the_error_rate():
    e = np.arange(60)
    error = 0.05 + 0.02 * np.clip((e - 30) / 10, 0, 1) + 0.5 * np.exp(-e / 5)  # 5% -> 7%
    history = {"accuracy": list(1 - 0.5 * np.exp(-e / 5)), "val_accuracy": list(1 - error)}
    detector = OverfittingDetector.diagnose(history, monitor="accuracy")
    assert detector.diagnosis == "overfitting" and 25 <= detector.onset_epoch <= 33


def test_reduce_lr_sets_a_real_keras_optimizer():
    import keras

    model = ReplayModel()
    model._state["optimizer"] = optimizer = keras.optimizers.Adam(1e-3)
    replay(OverfittingDetector(action="reduce_lr"), curves("overfit"), model=model)
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(5e-4)


def test_diagnose_places_validation_freq_values_on_their_epochs():
    logs = curves("overfit")
    history = {"loss": [log["loss"] for log in logs],
               "val_loss": [log["val_loss"] for log in logs[1::2]]}  # validation_freq=2
    live = OverfittingDetector(action=None)
    replay(live, [log if e % 2 else {"loss": log["loss"]} for e, log in enumerate(logs)])
    offline = OverfittingDetector.diagnose(history)
    assert offline.onset_epoch == live.onset_epoch and offline.onset_epoch % 2 == 1
    assert offline.gaps == live.gaps and len(offline.gaps) == 30


def bump_curves(bumps, epochs=100):
    """A training curve that keeps falling and a validation curve with rises that go away."""
    e = np.arange(epochs)
    val = 0.5 + 0.5 * np.exp(-e / 4) - 0.0005 * e
    for start, stop in bumps:
        val += 0.15 * np.clip(np.minimum(e - start, stop - e) / 5, 0, 1)
    return {"loss": list(0.1 + 0.9 * np.exp(-e / 4)), "val_loss": list(val)}


def test_an_episode_that_goes_away_is_withdrawn_and_kept_in_the_record():
    detector = OverfittingDetector.diagnose(bump_curves([(30, 50)]))
    assert detector.diagnosis == "good_fit" and detector.onset_epoch is None
    [episode] = detector.episodes
    assert 27 <= episode.onset_epoch <= 32 < episode.detected_epoch < episode.recovered_epoch < 52
    assert f"until val_loss came back at epoch {episode.recovered_epoch}" in detector.report()


def test_a_rise_that_lasts_stays_open():
    detector = OverfittingDetector.diagnose(bump_curves([(30, 200)]))
    assert detector.diagnosis == "overfitting"
    assert detector.episodes == [(detector.onset_epoch, detector.detected_epoch, None)]


def test_the_action_runs_once_per_episode():
    calls = []
    detector = OverfittingDetector(action=lambda d, epoch, logs: calls.append(d.onset_epoch))
    history = bump_curves([(20, 40), (60, 200)])
    replay(detector, [{"loss": t, "val_loss": v}
                      for t, v in zip(history["loss"], history["val_loss"], strict=True)])
    assert len(detector.episodes) == 2 and detector.episodes[0].recovered_epoch is not None
    assert calls == [episode.onset_epoch for episode in detector.episodes]
    assert detector.onset_epoch == detector.episodes[1].onset_epoch


def test_plot_shades_an_episode_that_ended(tmp_path):
    pytest.importorskip("matplotlib")
    figure = OverfittingDetector.diagnose(bump_curves([(30, 50)])).plot(tmp_path / "c.png")
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "overfitting that ended" in labels and "overfitting onset" not in labels
