"""Fitting pruned models: masks, schedules, m-by-n, global pruning, strip, save/load."""

import copy

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_boost import pruning
from keras_boost.pruning import PruneLowMagnitude
from keras_boost.testing import check_callback_contract

L = keras.layers


def _data(n=64, d=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x[:, :4].sum(axis=1) > 0).astype("int32")
    return x, y


def _mlp(d=16, name=None):
    return keras.Sequential([keras.Input((d,)), L.Dense(24, activation="relu"), L.Dense(2)],
                            name=name)


def _compiled(model, optimizer="adam"):
    model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _kernels(model):
    return [keras.ops.convert_to_numpy(layer.layer.kernel.value) for layer in model.layers
            if isinstance(layer, PruneLowMagnitude)]


def test_masked_weights_never_regrow_between_mask_updates():
    x, y = _data()
    # One mask update at step 1, then 23 Adam steps with no update.
    pruned = _compiled(pruning.prune_low_magnitude(
        _mlp(), pruning.ConstantSparsity(0.7, begin_step=1, frequency=1000)))
    pruned.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    zeros_after_update = [k == 0 for k in _kernels(pruned)]
    trained_before = _kernels(pruned)
    pruned.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    for zeros, before, after in zip(zeros_after_update, trained_before, _kernels(pruned),
                                    strict=True):
        assert np.all(after[zeros] == 0)
        assert np.mean(zeros) == pytest.approx(0.7, abs=0.01)
        assert not np.allclose(before[~zeros], after[~zeros])  # the rest keeps training


def test_fitting_without_the_callback_fails_with_a_clear_error():
    x, y = _data()
    pruned = _compiled(pruning.prune_low_magnitude(_mlp()))
    with pytest.raises(ValueError, match="without.*UpdatePruningStep.*callbacks="):
        pruned.fit(x, y, epochs=1, verbose=0)
    xla = pruning.prune_low_magnitude(_mlp())
    xla.compile("adam", "mse", jit_compile=True)
    with pytest.raises(ValueError, match="UpdatePruningStep"):  # XLA drops graph asserts
        xla.fit(x, y[:, None].astype("float32"), epochs=1, verbose=0)
    # Inference needs no callback.
    assert pruned.predict(x[:4], verbose=0).shape == (4, 2)


def test_polynomial_decay_ends_exactly_at_the_target_and_step_persists():
    x, y = _data()
    steps = 3 * 8  # 3 epochs of 8 batches; with tfmot's rule the last update is at step 20
    schedule = pruning.PolynomialDecay(0.5, 0.8, begin_step=0, end_step=steps, frequency=5)
    pruned = _compiled(pruning.prune_low_magnitude(_mlp(), schedule))
    callback = pruning.UpdatePruningStep()
    pruned.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[callback])
    assert callback.step == steps
    for kernel in _kernels(pruned):  # exactly the target, up to rounding to whole weights
        assert np.count_nonzero(kernel) == round(kernel.size * 0.2)
    steps_stored = {int(layer.pruning_step.numpy()) for layer in pruned.layers}
    assert steps_stored == {steps}
    pruned.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[callback])  # reused
    assert callback.step == steps + 8


def test_m_by_n_pattern_holds_through_training_and_save_load(tmp_path):
    x, y = _data()
    pruned = _compiled(pruning.prune_low_magnitude(_mlp(), sparsity_m_by_n=(2, 4)))
    pruned.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])

    def check(model):
        for kernel in _kernels(model):
            groups = kernel.T.reshape(kernel.shape[1], -1, 4)  # 4 consecutive inputs per unit
            assert np.all((groups == 0).sum(axis=-1) >= 2)

    check(pruned)
    pruned.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert [layer.sparsity_m_by_n for layer in loaded.layers] == [(2, 4), (2, 4)]
    loaded.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    loaded.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    check(loaded)


@keras.saving.register_keras_serializable(package="tests")
class EveryOtherStep(pruning.PruningSchedule):
    def __init__(self, target):
        self.target = target

    def __call__(self, step):
        return step % 2 == 0, self.target

    def get_config(self):
        return {"target": self.target}


def test_pruned_and_stripped_models_save_and_load_with_equal_outputs(tmp_path):
    x, y = _data()
    inputs = keras.Input((16,))
    outputs = L.Dense(2)(L.Dropout(0.1)(L.Dense(24, activation="relu")(inputs)))
    pruned = _compiled(pruning.prune_low_magnitude(keras.Model(inputs, outputs),
                                                   EveryOtherStep(0.6)))
    pruned.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    expected = pruned.predict(x, verbose=0)

    pruned.save(tmp_path / "pruned.keras")
    loaded = keras.saving.load_model(tmp_path / "pruned.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6)
    assert loaded.layers[1].pruning_schedule == EveryOtherStep(0.6)

    stripped = pruning.strip_pruning(loaded)
    assert not any(isinstance(layer, PruneLowMagnitude) for layer in stripped.layers)
    assert isinstance(loaded.layers[1], PruneLowMagnitude)  # strip works on a copy
    np.testing.assert_allclose(stripped.predict(x, verbose=0), expected, atol=1e-6)
    assert np.mean(stripped.layers[1].kernel.numpy() == 0) == pytest.approx(0.6, abs=0.01)
    stripped.save(tmp_path / "stripped.keras")
    reloaded = keras.saving.load_model(tmp_path / "stripped.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, atol=1e-6)


def test_custom_schedule_reloads_inside_prune_scope_without_registration(tmp_path):
    class Unregistered(EveryOtherStep):
        pass

    pruned = pruning.prune_low_magnitude(_mlp(), Unregistered(0.5))
    pruned.save(tmp_path / "m.keras")
    with pruning.prune_scope({"Unregistered": Unregistered}):
        loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[0].pruning_schedule) is Unregistered


def test_global_pruning_ranks_all_layers_together():
    x, y = _data()
    inputs = keras.Input((16,))
    small = L.Dense(24, kernel_initializer=keras.initializers.RandomNormal(stddev=0.01))(inputs)
    outputs = L.Dense(2, kernel_initializer=keras.initializers.RandomNormal(stddev=1.0))(small)
    pruned = _compiled(pruning.prune_low_magnitude(
        keras.Model(inputs, outputs), pruning.ConstantSparsity(0.5, 1, frequency=1000),
        global_pruning=True), optimizer="sgd")
    pruned.fit(x, y, batch_size=64, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    report = pruning.sparsity_report(pruned)
    assert report.sparsity == pytest.approx(0.5, abs=1e-3)
    by_layer = {row["layer"]: row["sparsity"] for row in report.layers}
    assert by_layer["dense"] > 0.5 > by_layer["dense_1"]
    with pytest.raises(ValueError, match="global_pruning"):
        pruning.prune_low_magnitude(_mlp(), global_pruning=True, sparsity_m_by_n=(2, 4))


def test_tf_data_and_sparsity_report():
    x, y = _data(n=128)
    dense = _compiled(_mlp())
    dense.fit(x, y, epochs=1, verbose=0)
    pruned = _compiled(pruning.prune_low_magnitude(
        dense, pruning.ConstantSparsity(0.8, 0, frequency=4)))
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    pruned.fit(data, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    report = pruning.sparsity_report(pruned, dense_model=dense)
    assert [row["layer"] for row in report.layers] == ["dense", "dense_1"]
    assert report.layers[0]["nonzero"] == round(16 * 24 * 0.2)
    assert report.sparsity == pytest.approx(0.8, abs=0.01)
    assert report.nonzero_params == report.total_params - sum(
        row["params"] - row["nonzero"] for row in report.layers)
    assert report.zipped_bytes < report.dense_zipped_bytes
    assert "total" in str(report) and "zipped" in str(report)
    with pytest.raises(TypeError, match="sparsity_report.*Received"):
        pruning.sparsity_report([1])


def test_pruning_summaries_write_sparsity(tmp_path):
    x, y = _data()
    pruned = _compiled(pruning.prune_low_magnitude(
        _mlp(), pruning.ConstantSparsity(0.5, 0, frequency=2)))
    summaries = pruning.PruningSummaries(log_dir=tmp_path / "logs")
    pruned.fit(x, y, batch_size=8, epochs=1, verbose=0,
               callbacks=[pruning.UpdatePruningStep(), summaries])
    logs = summaries.pruning_logs()
    assert any(name.endswith("mask/sparsity") and value == pytest.approx(0.5, abs=0.01)
               for name, value in logs.items())
    assert list((tmp_path / "logs" / "metrics").iterdir())
    with pytest.raises(ValueError, match="log_dir.*Received"):
        pruning.PruningSummaries(log_dir="")


def test_update_pruning_step_callback_contract():
    check_callback_contract(pruning.UpdatePruningStep, per_batch=True, skip=["model access"])
    x, y = _data()
    pruned = _compiled(pruning.prune_low_magnitude(_mlp()))
    callback = pruning.UpdatePruningStep()
    pruned.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[callback])
    copied = copy.deepcopy(callback)  # after use, with compiled update functions inside
    assert copied.step == callback.step == 4 and copied.prunable_layers == []


def test_steps_per_execution_and_mixed_float16():
    keras.mixed_precision.set_global_policy("mixed_float16")
    x, y = _data()
    schedule = pruning.PolynomialDecay(0.2, 0.5, begin_step=0, end_step=16, frequency=3)
    pruned = pruning.prune_low_magnitude(_mlp(), schedule)
    pruned.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   steps_per_execution=4)
    callback = pruning.UpdatePruningStep()
    pruned.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[callback])
    assert callback.step == 16
    for layer, kernel in zip(pruned.layers, _kernels(pruned), strict=True):
        assert layer.pruning_vars[0][1].dtype == "float32"
        assert np.count_nonzero(kernel) == round(kernel.size * 0.5)
    assert pruned.predict(x[:2], verbose=0).dtype == np.float16


def test_block_sparsity_prunes_whole_blocks_while_training():
    x, y = _data()
    pruned = _compiled(pruning.prune_low_magnitude(
        _mlp(), pruning.ConstantSparsity(0.5, 0, frequency=2), block_size=(1, 4),
        block_pooling_type="MAX"))
    pruned.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[pruning.UpdatePruningStep()])
    kernel = _kernels(pruned)[0]  # (16, 24): rows of six 1x4 blocks
    blocks = (kernel == 0).reshape(16, 6, 4)
    assert np.all(blocks.all(axis=-1) == blocks.any(axis=-1))
    assert blocks.all(axis=-1).mean() == pytest.approx(0.5)


def test_step_follows_the_optimizer_when_steps_per_execution_does_not_divide_an_epoch():
    model = pruning.prune_low_magnitude(
        keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]),
        pruning.ConstantSparsity(0.5, 0, frequency=1))
    model.compile("sgd", "mse", steps_per_execution=3)  # 8 steps an epoch: 3 + 3 + 2
    callback = pruning.UpdatePruningStep()
    model.fit(np.ones((64, 4)), np.ones((64, 3)), batch_size=8, epochs=3, verbose=0,
              callbacks=[callback])
    assert callback.step == int(model.optimizer.iterations.numpy()) == 24
