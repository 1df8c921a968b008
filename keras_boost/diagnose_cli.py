"""``keras-boost diagnose RUN.csv [--plot out.png]``: diagnose a finished training run.

Reads the file that ``keras.callbacks.CSVLogger`` wrote, runs
``OverfittingDetector.diagnose`` on it (the same rule as the live callback),
prints the diagnosis, the evidence and next steps, and with ``--plot`` saves
the curves with the overfitting onset marked (its extension picks the format;
without one, ``.png`` is added and the real path printed). A missing, empty or
malformed file (missing columns, non-numeric values) or an unsupported plot
extension prints a clear message to stderr and exits with status 2.

Usage::

    keras-boost diagnose run.csv --plot curves.png
    python -m keras_boost.diagnose_cli run.csv --monitor accuracy
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

DESCRIPTION = ("Diagnose a training run from its CSVLogger file: overfitting, underfitting, "
               "diverging or a good fit, since which epoch, and what to do next.")


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", type=Path, help="the CSV file written by keras.callbacks.CSVLogger")
    parser.add_argument("--plot", type=Path, default=None, metavar="OUT.png",
                        help="save the curves with the onset marked to this image; the "
                             "extension picks the format (.png if none is given)")
    parser.add_argument("--monitor", default="loss",
                        help="training column to watch (default: loss)")
    parser.add_argument("--val-monitor", default=None,
                        help="its validation column (default: val_ + monitor)")
    parser.add_argument("--mode", choices=("auto", "min", "max"), default="auto",
                        help="whether lower or higher is better (default: from the name)")
    parser.set_defaults(handler=run)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``diagnose`` subcommand on an argparse ``subparsers`` object."""
    parser = subparsers.add_parser("diagnose", help="diagnose a run from its CSVLogger file",
                                   description=DESCRIPTION)
    _configure(parser)
    return parser


def _fail(message: str) -> int:
    print(f"keras-boost diagnose: error: {message}", file=sys.stderr)
    return 2


def _plot_path(plot: Path) -> Path:
    """The file the plot goes to: ``plot``, with ``.png`` added when it has no extension."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ValueError('--plot needs matplotlib: pip install "keras-boost[plot]"') from None
    if not plot.suffix:
        return plot.with_name(plot.name + ".png")
    formats = sorted(Figure().canvas.get_supported_filetypes())
    if plot.suffix[1:].lower() not in formats:
        raise ValueError(f"--plot {plot}: cannot save a plot as {plot.suffix!r}; expected one of "
                         f"{', '.join('.' + f for f in formats)}. Pass e.g. --plot curves.png.")
    return plot


def run(args) -> int:
    """Run the command for parsed ``args``; returns the exit status (0, or 2 for bad input)."""
    path = Path(args.csv)
    if not path.is_file():
        return _fail(f"{path} does not exist or is not a file; pass the CSV that "
                     "keras.callbacks.CSVLogger wrote.")
    try:
        plot = None if args.plot is None else _plot_path(Path(args.plot))
    except ValueError as error:
        return _fail(str(error))
    from keras_boost.callbacks import OverfittingDetector

    try:
        detector = OverfittingDetector.diagnose(path, monitor=args.monitor,
                                                val_monitor=args.val_monitor, mode=args.mode)
    except (ValueError, TypeError) as error:
        return _fail(str(error))
    print(f"{path}: {len(detector.gaps)} epochs")
    print(detector.report())
    if plot is not None:
        try:
            detector.plot(plot)
        except OSError as error:
            return _fail(f"cannot write the plot to {plot}: {error}")
        print(f"Plot written to {plot}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m keras_boost.diagnose_cli RUN.csv [--plot out.png]``."""
    parser = argparse.ArgumentParser(prog="keras-boost diagnose", description=DESCRIPTION)
    _configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
