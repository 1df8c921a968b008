"""Read a training history (History, dict of lists, CSVLogger file) into per-epoch logs."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping

_MISSING = ("", "na", "none")


def _cell(text: str, column: str, line: int, path) -> float | None:
    text = text.strip()
    if text.lower() in _MISSING:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{path}: line {line}, column {column!r} holds {text!r}; expected a "
                         "number (or NA/empty for an epoch without it). Pass the file that "
                         "keras.callbacks.CSVLogger wrote.") from None


def read_csv(path) -> tuple[list[int], list[dict]]:
    """Epoch numbers and per-epoch logs from a ``CSVLogger`` file."""
    try:
        # utf-8-sig: also read files with the byte order mark that Excel writes.
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle, delimiter=_sniff_delimiter(handle)))
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"{path} is not a text CSV file ({error}); pass the file that "
                         "keras.callbacks.CSVLogger wrote.") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{path} is empty; expected a CSVLogger file with a header line "
                         "(epoch,loss,val_loss,...) and one line per epoch.")
    header = [name.strip() for name in rows[0]]
    if len(rows) < 2:
        raise ValueError(f"{path} has a header but no epochs; train for at least one epoch "
                         "with CSVLogger.")
    epochs, logs = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}: line {line} has {len(row)} values for {len(header)} "
                             "columns; expected a complete CSVLogger file.")
        values = {name: _cell(cell, name, line, path) for name, cell in zip(header, row,
                                                                            strict=True)}
        epoch = values.pop("epoch", None)
        if epoch is None or math.isnan(epoch):
            epoch = len(epochs)
        elif not epoch.is_integer():
            raise ValueError(f"{path}: line {line}, column 'epoch' holds "
                             f"{row[header.index('epoch')].strip()!r}; expected a whole epoch "
                             "number (0, 1, ...). Pass the file that keras.callbacks.CSVLogger "
                             "wrote.")
        epochs.append(int(epoch))
        logs.append({k: v for k, v in values.items() if v is not None})
    return epochs, logs


def _sniff_delimiter(handle) -> str:
    first = handle.readline()
    handle.seek(0)
    return ";" if first.count(";") > first.count(",") else ","


def to_epoch_logs(source) -> tuple[list[int], list[dict]]:
    """(epochs, per-epoch logs) from a ``History``, a dict of lists or a CSV path."""
    if isinstance(source, (str, os.PathLike)):
        return read_csv(source)
    history = getattr(source, "history", source)
    if not isinstance(history, Mapping):
        raise TypeError("`OverfittingDetector.diagnose` expects a keras History, a dict of lists "
                        "or the path of a CSVLogger file. Received: "
                        f"{type(source).__name__}. Pass e.g. model.fit(...) or 'run.csv'.")
    n = max((len(values) for values in history.values()), default=0)
    columns = {key: _align(key, list(values), n) for key, values in history.items()}
    logs = [{k: v[i] for k, v in columns.items() if v[i] is not None} for i in range(n)]
    epochs = list(getattr(source, "epoch", None) or range(n))
    return epochs[:n] if len(epochs) >= n else list(range(n)), logs


def _align(key, values, n):
    """Spread a shorter list (``validation_freq=f`` logs every f-th epoch) over n epochs."""
    m = len(values)
    if m == n:
        return values
    # validation_freq=f logs after epochs f, 2f, ...: n // f values. Several f can fit
    # (8 epochs, 2 values: f=3 or f=4), and then the History alone cannot tell.
    candidates = [f for f in range(1, n + 1) if m and n // f == m]
    if len(candidates) != 1:
        raise ValueError(f"`OverfittingDetector.diagnose` cannot place the {m} values of {key!r} "
                         f"among {n} epochs. Pass the History of one fit call (a shorter list "
                         "must come from validation_freq=f: one value every f epochs), or the "
                         "CSVLogger file, which marks epochs without validation.")
    freq = candidates[0]
    aligned = [None] * n
    for i, value in enumerate(values):
        aligned[(i + 1) * freq - 1] = value
    return aligned
