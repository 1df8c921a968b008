"""``keras-boost demo``: the toolkit on a real dataset, in a few minutes on a CPU.

A small CNN is trained on scikit-learn's bundled 8x8 digits images (no
download). The run prints a table and writes ``report.md`` and the plots into
the output folder.

Example:

>>> from keras_boost.demo import run_demo
>>> result = run_demo("keras-boost-demo", quick=True)  # doctest: +SKIP
>>> result.runs[0].test_accuracy > 0.9  # doctest: +SKIP
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


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


@dataclass
class DemoResult:
    """What ``run_demo`` measured and where it wrote the report."""

    runs: list
    report_path: Path
    plot_paths: list
    settings: dict


def build_cnn(input_shape=(8, 8, 1), classes=10, width=32):
    """The demo's small CNN: two 3x3 convolutions, pooling and a dense head."""
    import keras

    return keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Conv2D(width // 2, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(width, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(2 * width, activation="relu"),
        keras.layers.Dense(classes, activation="softmax"),
    ], name="digits_cnn")


def _settings(quick: bool) -> dict:
    return {"epochs": 12 if quick else 40, "batch_size": 32, "n_train": None,
            "validation_split": 0.2, "learning_rate": 1e-3}


def _train_plain_keras(data, settings) -> RunResult:
    """The guides' way: fixed epochs, Keras EarlyStopping with a guessed patience."""
    import keras

    (x_train, y_train), (x_test, y_test) = data
    model = build_cnn()
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    early = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=settings["epochs"],
                        batch_size=settings["batch_size"],
                        validation_split=settings["validation_split"], callbacks=[early],
                        verbose=0)
    wall = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return RunResult("plain Keras", float(accuracy), len(history.history["loss"]), wall,
                     model.count_params(), history.history,
                     ["Keras EarlyStopping(patience=5, restore_best_weights=True)"])


def run_demo(output="keras-boost-demo", quick: bool = False, seed: int = 0,
             console: Console | None = None) -> DemoResult:
    """Train the demo models, print the table and write the report into ``output``.

    Args:
        output: folder for ``report.md`` and the PNG plots (created if needed).
        quick: fewer epochs, for CI (under a minute on 2 CPU cores).
        seed: seeds Python, NumPy and Keras for this run.

    Returns:
        A ``DemoResult`` with each run's figures and the paths written.
    """
    import keras

    from keras_boost import _demo_report
    from keras_boost.datasets import load_digits_images

    console = console or Console()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    settings = _settings(quick)
    keras.utils.set_random_seed(seed)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Loading scikit-learn's bundled digits", total=None)
        data = load_digits_images(n_train=settings["n_train"], seed=seed)
        progress.update(task, description="Training the plain Keras baseline")
        runs = [_train_plain_keras(data, settings)]
        progress.update(task, description="Writing the report")
        plots = [_demo_report.plot_learning_curves(runs, output / "learning_curves.png")]
        report = _demo_report.write_report(runs, settings, plots, output / "report.md")
    _demo_report.print_table(runs, console)
    console.print(f"Report: {report}")
    return DemoResult(runs, report, plots, settings)
