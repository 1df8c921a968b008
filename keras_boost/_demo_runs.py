"""The two training runs of ``keras-boost demo``: plain Keras and boosted."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np

LOSS = "sparse_categorical_crossentropy"


@dataclass
class RunResult:
    """One training run of the demo, as the report shows it."""

    name: str
    test_accuracy: float
    epochs: int
    wall_time: float
    params: int
    history: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    markers: list = field(default_factory=list)
    sparsity_rows: list = field(default_factory=list)


def build_cnn(input_shape=(8, 8, 1), classes=10, width=32, augmentation=None):
    """The demo's small CNN: two 3x3 convolutions, pooling and a dense head.

    ``augmentation`` (a layer) goes first, so it runs on the fly during
    ``fit`` and is the identity at inference.
    """
    head = [augmentation] if augmentation is not None else []
    return keras.Sequential([
        keras.Input(input_shape),
        *head,
        keras.layers.Conv2D(width // 2, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(width, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(2 * width, activation="relu"),
        keras.layers.Dense(classes, activation="softmax", dtype="float32"),
    ], name="digits_cnn")


def _markers(onset_epoch, restored_epoch):
    """Plot markers (1-based epochs) for the overfitting onset and the restored epoch."""
    markers = []
    if onset_epoch is not None:
        markers.append({"epoch": onset_epoch + 1, "label": "overfitting onset",
                        "color": "tab:red"})
    if restored_epoch is not None:
        markers.append({"epoch": restored_epoch + 1, "label": "restored epoch",
                        "color": "tab:green"})
    return markers


def _size_figures(model):
    from keras_boost.pruning import sparsity_report

    report = sparsity_report(model)
    return report, {"non-zero parameters": f"{report.nonzero_params:,}",
                    "zipped size (KiB)": f"{report.zipped_bytes / 1024:.1f}"}


def train_plain_keras(data, settings) -> RunResult:
    """The guides' way: a fixed epoch budget and EarlyStopping with a guessed patience."""
    from keras_boost.callbacks import OverfittingDetector

    (x_train, y_train), (x_test, y_test) = data
    model = build_cnn()
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]), loss=LOSS,
                  metrics=["accuracy"])
    early = keras.callbacks.EarlyStopping(patience=settings["patience"],
                                          restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=settings["epochs"],
                        batch_size=settings["batch_size"],
                        validation_split=settings["validation_split"], callbacks=[early],
                        verbose=0)
    wall = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    detector = OverfittingDetector.diagnose(history.history)
    markers = _markers(detector.onset_epoch, early.best_epoch)
    _, extra = _size_figures(model)
    extra["diagnosis"] = detector.diagnosis
    return RunResult(
        "plain Keras", float(accuracy), len(history.history["loss"]), wall,
        model.count_params(), history.history,
        [f"Keras EarlyStopping(patience={settings['patience']}, restore_best_weights=True), "
         f"at most {settings['epochs']} epochs, Adam({settings['learning_rate']}).",
         f"Diagnosis of its history by OverfittingDetector.diagnose: {detector.diagnosis}."],
        extra, markers)


def make_hypermodel(settings, seed, policy="float32"):
    """The tuner's ``build_model(hp)``: preset-regularized, augmented CNN.

    The dtype policy is set inside the build function because keras-tuner
    calls ``clear_session()`` before each trial, which resets the global policy.
    """
    from keras_boost.layers import augmentation_preset
    from keras_boost.precision import mixed_precision
    from keras_boost.regularization import apply_preset

    def build_model(hp):
        width = hp.Choice("width", settings["widths"])
        learning_rate = hp.Choice("learning_rate", settings["learning_rates"])
        with mixed_precision(policy):
            augmentation = augmentation_preset("image", settings["augmentation"], seed=seed)
            model = build_cnn(width=width, augmentation=augmentation)
            model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=LOSS,
                          metrics=["accuracy"])
            return apply_preset(model, settings["regularization"], seed=seed)

    return build_model


def search(data, settings, seed, directory, policy="float32"):
    """A short random search over width and learning rate."""
    from keras_boost.tuners import Tuner

    (x_train, y_train), _ = data
    tuner = Tuner(make_hypermodel(settings, seed, policy), strategy="random",
                  objective="val_loss",
                  max_trials=settings["trials"], seed=seed, directory=str(directory),
                  project_name="demo", overwrite=True)
    tuner.search(x_train, y_train, epochs=settings["trial_epochs"],
                 batch_size=settings["batch_size"],
                 validation_split=settings["validation_split"], verbose=0)
    return tuner


def train_boosted(data, settings, tuner, policy) -> RunResult:
    """Best tuned configuration + adaptive stopping and the detector, then pruning."""
    from keras_boost import pruning
    from keras_boost.callbacks import AdaptiveEarlyStopping, OverfittingDetector
    from keras_boost.precision import audit

    (x_train, y_train), (x_test, y_test) = data
    best = tuner.best_hyperparameters()[0]
    model = tuner.hypermodel.build(best)
    findings = audit(model)
    early, detector = AdaptiveEarlyStopping(), OverfittingDetector()
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=settings["epochs"],
                        batch_size=settings["batch_size"],
                        validation_split=settings["validation_split"],
                        callbacks=[detector, early], verbose=0)
    fit_epochs = len(history.history["loss"])
    pruned = _prune_hidden_layers(model, x_train, settings)
    pruned.compile(optimizer=keras.optimizers.Adam(best["learning_rate"]), loss=LOSS,
                   metrics=["accuracy"])
    pruned.fit(x_train, y_train, epochs=settings["prune_epochs"],
               batch_size=settings["batch_size"], callbacks=[pruning.UpdatePruningStep()],
               verbose=0)
    final = pruning.strip_pruning(pruned)
    final.compile(loss=LOSS, metrics=["accuracy"])
    wall = time.perf_counter() - start
    _, accuracy = final.evaluate(x_test, y_test, verbose=0)
    report, extra = _size_figures(final)
    extra["diagnosis"] = detector.diagnosis
    markers = _markers(detector.onset_epoch, early.best_epoch)
    notes = [
        f"Policy: {policy.policy} ({policy.reason}); audit: {findings}",
        f"Tuned: width={best['width']}, learning_rate={best['learning_rate']} "
        f"({settings['trials']} random-search trials, {settings['trial_epochs']} epochs each).",
        f"Augmentation: augmentation_preset('image', '{settings['augmentation']}'); "
        f"regularization: apply_preset(model, '{settings['regularization']}').",
        f"AdaptiveEarlyStopping stopped after {fit_epochs} epochs ({early.stop_reason}) and "
        f"restored epoch {None if early.best_epoch is None else early.best_epoch + 1}.",
        f"Pruned the hidden Conv2D/Dense layers to {settings['sparsity']:.0%} with "
        f"PolynomialDecay({settings['initial_sparsity']} -> {settings['sparsity']}) while "
        f"fine-tuning {settings['prune_epochs']} epochs on the whole training subset, then "
        f"strip_pruning: measured sparsity of the pruned layers {report.sparsity:.3f}. "
        "The first convolution and the output layer stay dense, as tfmot's guide advises.",
        "OverfittingDetector: " + detector.report().splitlines()[0],
    ]
    extra["pruning fine-tune epochs"] = str(settings["prune_epochs"])
    return RunResult("keras-boost", float(accuracy), fit_epochs, wall, final.count_params(),
                     history.history, notes, extra, markers, report.layers)


def _prune_hidden_layers(model, x_train, settings):
    """Wrap every weighted layer but the first and the last for pruning."""
    from keras_boost import pruning

    steps_per_epoch = int(np.ceil(len(x_train) / settings["batch_size"]))
    ramp_epochs = max(1, (2 * settings["prune_epochs"]) // 3)  # then recover at the target
    schedule = pruning.PolynomialDecay(settings["initial_sparsity"], settings["sparsity"],
                                       begin_step=0, end_step=steps_per_epoch * ramp_epochs - 1,
                                       frequency=max(1, steps_per_epoch // 2))
    weighted = [layer for layer in model.layers if layer.trainable_weights]
    hidden = weighted[1:-1]

    def wrap(layer):
        return pruning.prune_low_magnitude(layer, schedule) if layer in hidden else layer

    return keras.models.clone_model(model, clone_function=wrap)
