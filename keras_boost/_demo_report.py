"""The demo's outputs: the console table, the plots and ``report.md``."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

_ROWS = (
    ("test accuracy", lambda r: f"{r.test_accuracy:.4f}"),
    ("epochs trained (fit)", lambda r: str(r.epochs)),
    ("wall time (s)", lambda r: f"{r.wall_time:.1f}"),
    ("parameters", lambda r: f"{r.params:,}"),
)


def _rows(runs):
    extra = list(dict.fromkeys(key for run in runs for key in run.extra))
    rows = [(label, [fmt(r) for r in runs]) for label, fmt in _ROWS]
    rows += [(key, [str(r.extra.get(key, "-")) for r in runs]) for key in extra]
    return rows


def print_table(runs, console: Console) -> None:
    """Print the runs side by side as a rich table."""
    table = Table(title="keras-boost demo: digits CNN")
    table.add_column("")
    for run in runs:
        table.add_column(run.name, justify="right")
    for label, values in _rows(runs):
        table.add_row(label, *values)
    console.print(table)


def plot_learning_curves(runs, path: Path) -> Path:
    """Plot training and validation loss of every run into one PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6 * len(runs), 4), layout="constrained")
    axes = figure.subplots(1, len(runs), squeeze=False)[0]
    for ax, run in zip(axes, runs, strict=True):
        epochs = range(1, len(run.history["loss"]) + 1)
        ax.plot(epochs, run.history["loss"], label="training loss")
        if "val_loss" in run.history:
            ax.plot(epochs, run.history["val_loss"], label="validation loss")
        for marker in run.markers:
            onset = marker["label"] == "overfitting onset"
            ax.axvline(marker["epoch"], linestyle=":" if onset else "--",
                       linewidth=2.5 if onset else 1.5, color=marker.get("color", "gray"),
                       label=f"{marker['label']} (epoch {marker['epoch']})")
        ax.set(title=run.name, xlabel="epoch", ylabel="loss")
        ax.legend()
    figure.savefig(path, dpi=100)
    return path


def plot_sparsity(run, path: Path) -> Path:
    """Bar chart of the per-layer sparsity of a pruned run."""
    from matplotlib.figure import Figure

    rows = run.sparsity_rows
    figure = Figure(figsize=(6, 3), layout="constrained")
    ax = figure.subplots()
    ax.barh([row["layer"] for row in rows], [row["sparsity"] for row in rows])
    ax.set(xlim=(0, 1), xlabel="sparsity (share of zero weights)",
           title=f"{run.name}: per-layer sparsity")
    ax.invert_yaxis()
    figure.savefig(path, dpi=100)
    return path


def write_report(runs, settings, plots, path: Path) -> Path:
    """Write ``report.md``: the table, the settings, notes and the plots."""
    header = "| | " + " | ".join(r.name for r in runs) + " |"
    subset = settings.get("n_train")
    data_line = ("A small CNN on scikit-learn's bundled 8x8 digits images (no download), "
                 f"trained on a stratified subset of {subset} images so that overfitting, and "
                 "what keras-boost does about it, is visible; 450 held-out images for test."
                 if subset else "A small CNN on scikit-learn's bundled 8x8 digits images.")
    lines = ["# keras-boost demo report", "", data_line, "",
             "Wall time of keras-boost counts its final training and the pruning "
             "fine-tuning; the search is listed on its own row.", "",
             header, "|---" * (len(runs) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(values) + " |" for label, values in _rows(runs)]
    lines += ["", "## Settings", ""]
    lines += [f"- {key}: {value}" for key, value in settings.items()]
    for run in runs:
        if run.notes:
            lines += ["", f"## {run.name}", ""] + [f"- {note}" for note in run.notes]
    lines += ["", "## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots]
    path.write_text("\n".join(lines) + "\n")
    return path
