"""``keras-boost demo``: the whole toolkit on a real dataset, in minutes on a CPU.

The same small CNN is trained twice on scikit-learn's bundled 8x8 digits
images (no download), on a small training subset so that overfitting, and so
the benefit, is visible:

- plain Keras, the way the guides teach: a fixed epoch budget and Keras'
  EarlyStopping with a guessed patience;
- keras-boost: the policy from ``kb.precision.auto_policy()``, a short
  random search over width and learning rate (``kb.tuners.Tuner``), the image
  augmentation preset, the "medium" regularization preset,
  ``AdaptiveEarlyStopping`` and the ``OverfittingDetector``, then pruning to
  80% sparsity.

It prints a table and writes ``report.md``, ``learning_curves.png`` and
``sparsity.png`` into the output folder.

Example:

>>> from keras_boost.demo import run_demo
>>> result = run_demo("keras-boost-demo", quick=True)  # doctest: +SKIP
>>> [run.name for run in result.runs]  # doctest: +SKIP
['plain Keras', 'keras-boost']
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from keras_boost._demo_runs import RunResult, build_cnn

__all__ = ["DemoResult", "RunResult", "build_cnn", "demo_settings", "run_demo"]


@dataclass
class DemoResult:
    """What ``run_demo`` measured and where it wrote the report."""

    runs: list
    report_path: Path
    plot_paths: list
    settings: dict


def demo_settings(quick: bool = False) -> dict:
    """The demo's settings; ``quick`` keeps the run under a minute on 2 CPU cores."""
    settings = {
        "n_train": 500, "epochs": 150, "patience": 10, "batch_size": 32,
        "validation_split": 0.2, "learning_rate": 1e-3,
        "trials": 4, "trial_epochs": 15, "widths": [16, 24], "learning_rates": [1e-3, 3e-3],
        "augmentation": "light", "regularization": "medium",
        "initial_sparsity": 0.5, "sparsity": 0.8, "prune_epochs": 12,
    }
    if quick:
        settings.update(n_train=300, epochs=40, trials=2, trial_epochs=5, prune_epochs=6)
    return settings


def run_demo(output="keras-boost-demo", quick: bool = False, seed: int = 0,
             console: Console | None = None) -> DemoResult:
    """Train both runs, print the table and write the report into ``output``.

    Args:
        output: folder for ``report.md`` and the PNG plots (created if needed).
        quick: smaller settings, for CI (under a minute on 2 CPU cores).
        seed: seeds Python, NumPy and Keras for this run.

    Returns:
        A ``DemoResult`` with each run's figures and the paths written.
    """
    import keras

    from keras_boost import _demo_report, _demo_runs
    from keras_boost.datasets import load_digits_images
    from keras_boost.precision import auto_policy, mixed_precision

    console = console or Console()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(quick)
    keras.utils.set_random_seed(seed)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        stage = progress.add_task("Loading scikit-learn's bundled digits", total=None)
        data = load_digits_images(n_train=settings["n_train"], seed=seed)
        progress.update(stage, description="Training the plain Keras baseline")
        baseline = _demo_runs.train_plain_keras(data, settings)
        progress.update(stage, description="Choosing the precision policy")
        policy = auto_policy()
        progress.update(stage, description="Tuning width and learning rate")
        start = time.perf_counter()
        tuner = _demo_runs.search(data, settings, seed, output / "tuning", policy.policy)
        search_time = time.perf_counter() - start
        progress.update(stage, description="Training and pruning the boosted model")
        with mixed_precision(policy.policy):
            boosted = _demo_runs.train_boosted(data, settings, tuner, policy)
        boosted.extra["search time (s)"] = f"{search_time:.1f}"
        runs = [baseline, boosted]
        progress.update(stage, description="Writing the report")
        plots = [_demo_report.plot_learning_curves(runs, output / "learning_curves.png"),
                 _demo_report.plot_sparsity(boosted, output / "sparsity.png")]
        report = _demo_report.write_report(runs, settings, plots, output / "report.md")
    _demo_report.print_table(runs, console)
    console.print(f"Policy: {policy.policy} ({policy.reason})")
    console.print(f"Report: {report}")
    return DemoResult(runs, report, plots, settings)
