"""The ``keras-boost`` command.

Usage::

    keras-boost --version
    keras-boost demo [--output DIR] [--quick] [--seed N]
    keras-boost diagnose RUN.csv [--plot out.png]

Bad arguments print a clear message and exit with status 2, never a
traceback. TensorFlow is imported only when a command needs it, so
``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from keras_boost import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own error() exits 2; keep it, add a hint
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\nRun '{self.prog} --help' for usage.\n")


def _output_dir(value: str) -> Path:
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} exists and is not a folder; pass a folder "
                                         "to write the report into")
    return path


def _seed(value: str) -> int:
    try:
        seed = int(value)
    except ValueError:
        seed = None
    if seed is None or not 0 <= seed < 2**32:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to 2**32 - 1, got {value!r}")
    return seed


def _writable(folder: Path) -> str | None:
    """None when ``folder`` can be created and written to, else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".keras-boost-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        return f"{error.strerror or error} ({folder})"
    return None


def _add_demo(subparsers) -> None:
    demo = subparsers.add_parser(
        "demo", help="train a small CNN on bundled digits, plain Keras against keras-boost",
        description="Train the same small CNN on scikit-learn's bundled digits images, the "
                    "plain Keras way and with keras-boost, print a comparison table and write "
                    "report.md with plots into --output.")
    demo.add_argument("--output", type=_output_dir, default=Path("keras-boost-demo"),
                      help="folder for report.md and the plots (default: ./keras-boost-demo)")
    demo.add_argument("--quick", action="store_true",
                      help="small settings that finish in under a minute (for CI)")
    demo.add_argument("--seed", type=_seed, default=0,
                      help="random seed, 0 to 2**32 - 1 (default: 0)")
    demo.set_defaults(handler=_run_demo)


def _run_demo(args) -> int:
    from keras_boost.demo import run_demo

    problem = _writable(args.output)
    if problem is not None:  # say so before any training, not after it
        print(f"keras-boost demo: error: cannot write the report into --output: {problem}. "
              "Pass a folder you can write to, e.g. --output ./keras-boost-demo.",
              file=sys.stderr)
        return 2
    run_demo(output=args.output, quick=args.quick, seed=args.seed)
    return 0


def _add_diagnose(subparsers) -> None:
    from keras_boost import diagnose_cli

    diagnose_cli.add_parser(subparsers)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``keras-boost`` command."""
    parser = _Parser(prog="keras-boost",
                     description="keras-boost: the missing batteries for Keras model.fit.")
    parser.add_argument("--version", action="version", version=f"keras-boost {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_demo(subparsers)
    _add_diagnose(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
