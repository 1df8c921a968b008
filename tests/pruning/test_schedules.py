"""Schedules against their formulas, step by step, and their argument checks."""

import keras
import numpy as np
import pytest

from keras_boost.pruning import ConstantSparsity, PolynomialDecay, PruningSchedule


def test_constant_sparsity_updates_every_frequency_steps_in_range():
    schedule = ConstantSparsity(0.6, begin_step=10, end_step=50, frequency=20)
    updates = [step for step in range(0, 100) if schedule(step)[0]]
    assert updates == [10, 30, 50]
    assert all(schedule(step)[1] == 0.6 for step in range(100))


def test_constant_sparsity_without_end_prunes_forever():
    schedule = ConstantSparsity(0.5, begin_step=0, frequency=100)
    assert [s for s in range(1, 1001) if schedule(s)[0]] == list(range(100, 1001, 100))


@pytest.mark.parametrize("begin, end, power, freq", [(0, 471, 3, 100), (50, 300, 2, 7),
                                                     (0, 100, 1, 100)])
def test_polynomial_decay_follows_zhu_gupta_formula(begin, end, power, freq):
    s_i, s_f = 0.5, 0.8
    schedule = PolynomialDecay(s_i, s_f, begin, end, power=power, frequency=freq)
    for step in range(0, end + 60):
        p = np.clip((step - begin) / (end - begin), 0, 1)
        expected = s_f + (s_i - s_f) * (1 - p) ** power
        should, sparsity = schedule(step)
        assert sparsity == pytest.approx(expected, abs=1e-12)
        on_frequency = begin <= step <= end and (step - begin) % freq == 0
        assert should == (on_frequency or step == end), step


def test_polynomial_decay_last_update_reaches_the_target():
    # tfmot's last update here is at step 400, where the formula gives 0.799.
    schedule = PolynomialDecay(0.5, 0.8, begin_step=0, end_step=471)
    last = max(step for step in range(1, 472) if schedule(step)[0])
    assert last == 471 and schedule(last)[1] == pytest.approx(0.8)
    assert schedule(400)[1] < 0.7995


@pytest.mark.parametrize("kwargs, word", [
    (dict(target_sparsity=1.0, begin_step=0), "target_sparsity"),
    (dict(target_sparsity=-0.1, begin_step=0), "target_sparsity"),
    (dict(target_sparsity=0.5, begin_step=-1), "begin_step"),
    (dict(target_sparsity=0.5, begin_step=10, end_step=5), "end_step"),
    (dict(target_sparsity=0.5, begin_step=0, frequency=0), "frequency"),
])
def test_constant_sparsity_rejects_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=f"`{word}`.*Received.*Pass e.g."):
        ConstantSparsity(**kwargs)


@pytest.mark.parametrize("kwargs, word", [
    (dict(initial_sparsity=0.5, final_sparsity=1.2, begin_step=0, end_step=10), "final_sparsity"),
    (dict(initial_sparsity=0.5, final_sparsity=0.8, begin_step=10, end_step=10), "end_step"),
    (dict(initial_sparsity=0.5, final_sparsity=0.8, begin_step=0, end_step=10, power=0), "power"),
])
def test_polynomial_decay_rejects_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=f"`{word}`.*Received.*Pass e.g."):
        PolynomialDecay(**kwargs)


@pytest.mark.parametrize("schedule", [ConstantSparsity(0.3, 5, 90, 7),
                                      PolynomialDecay(0.1, 0.9, 3, 77, power=2, frequency=9)])
def test_schedules_round_trip_through_keras_serialization(schedule):
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(schedule))
    assert restored == schedule and restored is not schedule
    assert [restored(s) for s in range(100)] == [schedule(s) for s in range(100)]


def test_pruning_schedule_is_abstract():
    with pytest.raises(TypeError):
        PruningSchedule()
