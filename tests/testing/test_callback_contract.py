"""The callback contract passes on Keras' EarlyStopping and names each broken property."""

import threading

import keras
import pytest

from keras_boost.testing import ContractError, check_callback_contract
from keras_boost.testing.replay import ReplayModel, replay


class CountsEpochs(keras.callbacks.Callback):
    """A correct callback: counts epochs, stops after ten."""

    def on_train_begin(self, logs=None):
        self.epochs_seen = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen += 1
        if self.epochs_seen >= 10:
            self.model.stop_training = True


class ReadsLayers(CountsEpochs):
    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        self.n_layers = len(self.model.layers)


class NeverResets(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs_seen = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen += 1


class WorksPerBatch(CountsEpochs):
    def on_train_batch_end(self, batch, logs=None):
        pass


class HoldsALock(CountsEpochs):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()


def test_passes_on_keras_early_stopping():
    check_callback_contract(
        lambda: keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True))


def test_passes_on_a_correct_custom_callback():
    check_callback_contract(CountsEpochs)


@pytest.mark.parametrize(
    ("factory", "broken"),
    [
        (ReadsLayers, "model access"),
        (NeverResets, "reuse"),
        (WorksPerBatch, "per epoch"),
        (HoldsALock, "deepcopy"),
    ],
)
def test_names_the_broken_property(factory, broken):
    with pytest.raises(ContractError) as info:
        check_callback_contract(factory, skip=["fit"])
    assert broken in info.value.failures
    assert f"[{broken}]" in str(info.value)


def test_replay_records_the_restored_epoch_and_stop():
    logs = [{"loss": 1.0, "val_loss": abs(epoch - 5) + 1.0} for epoch in range(30)]
    result = replay(keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True), logs)
    assert (result.epochs_run, result.restored_epoch) == (9, 5)


def test_replay_model_refuses_other_attributes():
    with pytest.raises(AttributeError, match="model.layers"):
        ReplayModel().layers  # noqa: B018
