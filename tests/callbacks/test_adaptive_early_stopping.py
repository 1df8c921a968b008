"""AdaptiveEarlyStopping: contract, the adaptive rule, the other stop reasons, bad input."""

import copy
import math
import warnings

import keras
import numpy as np
import pytest

from keras_boost.callbacks import AdaptiveEarlyStopping, StopReason
from keras_boost.testing import check_callback_contract
from keras_boost.testing.replay import replay


def u_curve(epochs=80, best=25, noise=0.01, seed=0):
    rng = np.random.default_rng(seed)
    return [{"loss": 1.0 / (1 + 0.2 * e),
             "val_loss": 0.5 + 0.003 * (e - best) ** 2 + rng.normal(0, noise)}
            for e in range(epochs)]


def slow_curve(epochs=80, noise=0.002, seed=0):
    rng = np.random.default_rng(seed)
    return [{"loss": 1.0 / (1 + 0.1 * e), "val_loss": 1.0 - 0.005 * e + rng.normal(0, noise)}
            for e in range(epochs)]


def test_contract_adaptive():
    check_callback_contract(AdaptiveEarlyStopping)


def test_contract_with_fixed_patience_and_accuracy():
    check_callback_contract(lambda: AdaptiveEarlyStopping("val_accuracy", patience=3),
                            skip=["fit"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stops_soon_after_the_minimum_of_a_u_curve_and_restores_it(seed):
    logs = u_curve(seed=seed)
    stopper = AdaptiveEarlyStopping()
    result = replay(stopper, logs)
    values = [log["val_loss"] for log in logs[: result.epochs_run]]
    assert stopper.stop_reason == StopReason.CONVERGED == "converged"
    assert 20 <= result.epochs_run <= 45
    assert result.restored_epoch == stopper.best_epoch == int(np.argmin(values))
    assert stopper.best_value == pytest.approx(min(values))


def test_keeps_going_while_a_noisy_curve_still_improves():
    stopper = AdaptiveEarlyStopping()
    result = replay(stopper, slow_curve())
    assert result.epochs_run == 80
    assert stopper.stop_reason == "completed" and stopper.stopped_epoch is None
    assert result.restored_epoch == stopper.best_epoch >= 70


def test_fixed_patience_matches_keras_early_stopping():
    for seed in range(4):
        logs = u_curve(noise=0.02, seed=seed)
        ours = replay(AdaptiveEarlyStopping(patience=5), logs)
        keras_es = replay(keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
                          logs)
        assert (ours.epochs_run, ours.restored_epoch) == (keras_es.epochs_run,
                                                          keras_es.restored_epoch)


def test_relative_min_delta_ignores_small_improvements():
    logs = [{"val_loss": 1.0 - 0.001 * e} for e in range(30)]
    stopper = AdaptiveEarlyStopping(patience=3, min_delta="1%")
    result = replay(stopper, logs)
    assert result.epochs_run == 4 and stopper.stop_reason == "converged"


def test_nan_stops_with_its_own_reason_and_restores_the_best_finite_epoch():
    logs = u_curve()[:12] + [{"loss": math.nan, "val_loss": math.nan}] + u_curve()[13:]
    stopper = AdaptiveEarlyStopping()
    result = replay(stopper, logs)
    assert stopper.stop_reason == StopReason.NOT_FINITE and stopper.stopped_epoch == 12
    assert result.epochs_run == 13 and result.restored_epoch == 11


def test_a_nan_first_value_is_never_the_best():
    logs = [{"val_loss": math.nan}] + [{"val_loss": 1.0 / (e + 1)} for e in range(1, 10)]
    stopper = AdaptiveEarlyStopping(check_finite=False)
    result = replay(stopper, logs)
    assert result.restored_epoch == stopper.best_epoch == 9
    keras_es = replay(keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True), logs)
    assert keras_es.restored_epoch == 0  # the upstream defect this callback avoids


def test_divergence_threshold():
    logs = [{"val_loss": 1.0 + 0.5 * e} for e in range(20)]
    stopper = AdaptiveEarlyStopping(divergence_threshold=2.0, patience=100)
    result = replay(stopper, logs)
    assert stopper.stop_reason == "diverged" and result.epochs_run == 4


def test_baseline_not_reached_after_warm_up():
    logs = [{"val_accuracy": 0.3 + 0.001 * e} for e in range(40)]
    stopper = AdaptiveEarlyStopping("val_accuracy", baseline=0.5, baseline_epochs=6, patience=50)
    result = replay(stopper, logs)
    assert stopper.stop_reason == "baseline_not_reached" and result.epochs_run == 6
    reached = AdaptiveEarlyStopping("val_accuracy", baseline=0.302, baseline_epochs=6,
                                    patience=50)
    assert replay(reached, logs).epochs_run == 40


def test_time_budget():
    stopper = AdaptiveEarlyStopping(max_time=1e-9)
    result = replay(stopper, u_curve())
    assert stopper.stop_reason == "time_budget" and result.epochs_run == 1


def test_epochs_without_the_monitor_are_skipped():
    logs = u_curve()
    sparse = [log if e % 2 else {"loss": log["loss"]} for e, log in enumerate(logs)]
    stopper = AdaptiveEarlyStopping()
    result = replay(stopper, sparse)
    assert stopper.best_epoch % 2 == 1 and result.restored_epoch == stopper.best_epoch


@pytest.mark.parametrize(("monitor", "key", "direction"), [
    ("val_accuracy", "val_accuracy", 1), ("val_out_a_loss", "val_out_a_loss", -1),
    ("val_auc", "val_auc", 1), ("val_mean_absolute_error", "val_mean_absolute_error", -1)])
def test_infers_the_direction_from_the_name(monitor, key, direction):
    logs = [{key: 0.5 - direction * 0.01 * abs(e - 10)} for e in range(40)]
    stopper = AdaptiveEarlyStopping(monitor)
    assert replay(stopper, logs).restored_epoch == 10


def test_unknown_direction_is_a_clear_error():
    with pytest.raises(ValueError, match="mode='min' or mode='max'"):
        replay(AdaptiveEarlyStopping("val_widgets"), [{"val_widgets": 1.0}])
    assert replay(AdaptiveEarlyStopping("val_widgets", mode="max"),
                  [{"val_widgets": 1.0}]).epochs_run == 1


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"patience": -1}, "patience"), ({"patience": 2.5}, "patience"),
    ({"min_delta": -0.1}, "min_delta"), ({"min_delta": "lots"}, "min_delta"),
    ({"mode": "up"}, "mode"), ({"max_time": 0}, "max_time"), ({"monitor": ""}, "monitor"),
    ({"baseline_epochs": 0}, "baseline_epochs"), ({"divergence_threshold": "x"}, "divergence")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"Received: {match}"):
        AdaptiveEarlyStopping(**kwargs)


def test_verbose_prints_one_line(capsys):
    replay(AdaptiveEarlyStopping(verbose=1), u_curve())
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "converged" in lines[0] and "restored epoch" in lines[0]


def test_deepcopy_of_a_used_callback_starts_fresh():
    stopper = AdaptiveEarlyStopping()
    replay(stopper, u_curve(seed=1))
    clone = copy.deepcopy(stopper)
    fresh = AdaptiveEarlyStopping()
    assert replay(clone, u_curve(seed=2)) == replay(fresh, u_curve(seed=2))


def test_a_misspelled_monitor_warns_once_and_never_stops():
    logs = [{"loss": 1.0, "val_accuracy": 0.5} for _ in range(10)]
    with pytest.warns(UserWarning, match="Available: \\['loss', 'val_accuracy'\\]") as caught:
        result = replay(AdaptiveEarlyStopping("val_acc"), logs)
    assert result.epochs_run == 10 and len(caught) == 1


def test_patience_zero_keeps_going_while_the_monitor_improves():
    logs = [{"val_loss": 1.0 / (e + 1)} for e in range(10)]
    stopper = AdaptiveEarlyStopping(patience=0)
    result = replay(stopper, logs)
    assert result.epochs_run == 10 and stopper.stop_reason == "completed"
    keras_es = replay(keras.callbacks.EarlyStopping(patience=0, restore_best_weights=True), logs)
    assert keras_es.epochs_run == 10


def test_min_delta_is_measured_from_the_last_big_enough_improvement_like_keras():
    logs = [{"val_loss": 1.0 - 0.05 * e} for e in range(12)]  # steps of 0.05 < min_delta
    stopper = AdaptiveEarlyStopping(patience=2, min_delta=0.08)
    keras_es = keras.callbacks.EarlyStopping(patience=2, min_delta=0.08,
                                             restore_best_weights=True)
    assert replay(stopper, logs).epochs_run == replay(keras_es, logs).epochs_run == 12


class RelativeKerasEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras' EarlyStopping with min_delta as a share of its reference (what ``"1%"`` means)."""

    def __init__(self, share, **kwargs):
        super().__init__(**kwargs)
        self.share = share

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        margin = self.share * abs(reference_value)
        if self.monitor_op == keras.ops.less:
            return monitor_value < reference_value - margin
        return monitor_value > reference_value + margin


def synthetic_curves():
    rng = np.random.default_rng(7)
    e = np.arange(60)
    loss_like = {
        "improving": 1.0 - 0.012 * e,
        "decaying": 0.2 + 0.8 * np.exp(-e / 8),
        "noisy_u": 0.5 + 0.002 * (e - 25) ** 2 + rng.normal(0, 0.02, e.size),
        "noisy_slow": 1.0 - 0.004 * e + rng.normal(0, 0.01, e.size),
        "plateau_then_drop": np.where(e < 20, 0.8, 0.5) + rng.normal(0, 0.003, e.size),
    }
    for name, values in loss_like.items():
        yield name, "val_loss", "min", [{"val_loss": float(v)} for v in values]
    accuracy = 0.5 + 0.4 * (1 - np.exp(-e / 10)) + rng.normal(0, 0.01, e.size)
    yield "noisy_accuracy", "val_accuracy", "max", [{"val_accuracy": float(v)} for v in accuracy]


@pytest.mark.parametrize("patience", [0, 1, 3])
@pytest.mark.parametrize("min_delta", [0.0, 0.005, 0.03, "1%", "4%"])
def test_fixed_patience_runs_as_many_epochs_as_keras_on_synthetic_curves(patience, min_delta):
    for name, monitor, mode, logs in synthetic_curves():
        if isinstance(min_delta, str):
            keras_es = RelativeKerasEarlyStopping(float(min_delta[:-1]) / 100, monitor=monitor,
                                                  mode=mode, patience=patience,
                                                  restore_best_weights=True)
        else:
            keras_es = keras.callbacks.EarlyStopping(monitor, min_delta=min_delta, mode=mode,
                                                     patience=patience,
                                                     restore_best_weights=True)
        ours = AdaptiveEarlyStopping(monitor, mode=mode, patience=patience, min_delta=min_delta)
        expected, result = replay(keras_es, logs), replay(ours, logs)
        assert result.epochs_run == expected.epochs_run, name
        # Ours restores the strictly best epoch seen, whatever min_delta.
        seen = [log[monitor] * (1 if mode == "min" else -1) for log in logs[:result.epochs_run]]
        assert result.restored_epoch == ours.best_epoch == int(np.argmin(seen)), name
        if min_delta == 0.0:
            assert result.restored_epoch == expected.restored_epoch, name


def test_no_validation_data_warns_once_at_the_end():
    logs = [{"loss": 1.0 / (e + 1)} for e in range(5)]
    with pytest.warns(UserWarning, match="validation_data") as caught:
        result = replay(AdaptiveEarlyStopping(), logs)
    assert result.epochs_run == 5 and len(caught) == 1
    message = str(caught[0].message)
    assert "'val_loss'" in message and "['loss']" in message and "monitor=" in message


def test_validation_every_other_epoch_does_not_warn():
    logs = [{"loss": 1.0, "val_loss": 1.0 / (e + 1)} if e % 2 else {"loss": 1.0}
            for e in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert replay(AdaptiveEarlyStopping(patience=3), logs).epochs_run == 8
