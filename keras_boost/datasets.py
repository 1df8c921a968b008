"""Small real datasets that ship inside installed packages: no download.

keras-boost's demo, examples and benchmarks run where there is no network, so
they use data that is already on disk:

- ``load_digits_images``: scikit-learn's bundled 8x8 handwritten digits
  (1,797 images, 10 classes), as images for a CNN;
- ``load_ucr``: the UCR/UEA time-series classification sets that the
  ``aeon`` (or ``sktime``) wheel bundles, read from the installed ``.ts``
  files.

The library itself never needs these: scikit-learn and aeon are only needed
by the functions that read their data (``pip install "keras-boost[dev]"``).

Example:

>>> from keras_boost.datasets import load_digits_images
>>> (x_train, y_train), (x_test, y_test) = load_digits_images(n_train=200)
>>> x_train.shape, x_test.shape
((200, 8, 8, 1), (450, 8, 8, 1))
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

BUNDLED_UCR_SETS = ("ACSF1", "ArrowHead", "BasicMotions", "GunPoint", "ItalyPowerDemand",
                    "JapaneseVowels", "OSULeaf")


def load_digits_images(n_train: int | None = None, seed: int = 0, test_fraction: float = 0.25):
    """Scikit-learn's digits as ``(n, 8, 8, 1)`` float32 images in [0, 1].

    Args:
        n_train: keep only this many training images (stratified), e.g. 200
            to make overfitting visible. Default: the whole training split.
        seed: seed of the stratified train/test split and of the subset.
        test_fraction: share of the 1,797 images held out for testing.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` with int64 labels 0-9.

    Raises:
        ImportError: when scikit-learn is not installed.
        ValueError: for an ``n_train`` outside [10, size of the training split].
    """
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits_images needs scikit-learn: "
                          'pip install "keras-boost[demo]"') from error
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int64")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=seed)
    if n_train is not None:
        if not 10 <= n_train <= len(x_train):
            raise ValueError(f"load_digits_images expects 10 <= n_train <= {len(x_train)}. "
                             f"Received: n_train={n_train}. Pass e.g. n_train=200.")
        if len(x_train) - n_train >= 10:  # a stratified split leaves one of each class out
            x_train, _, y_train, _ = train_test_split(
                x_train, y_train, train_size=n_train, stratify=y_train, random_state=seed)
        elif n_train < len(x_train):  # fewer than 10 left out: drop them at random
            keep = np.sort(np.random.default_rng(seed).permutation(len(x_train))[:n_train])
            x_train, y_train = x_train[keep], y_train[keep]
    return (x_train, y_train), (x_test, y_test)


def ucr_data_dir(name: str) -> Path:
    """The folder holding ``NAME_TRAIN.ts`` in the installed aeon or sktime."""
    for package, parts in (("aeon", ("datasets", "data")), ("sktime", ("datasets", "data"))):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts, name)
        if (folder / f"{name}_TRAIN.ts").exists():
            return folder
    raise FileNotFoundError(
        f"No bundled UCR/UEA set named {name!r} was found in an installed aeon or sktime. "
        f"Install one (pip install aeon) and pass one of {list(BUNDLED_UCR_SETS)}.")


def _parse_ts(path: Path):
    labels_declared, rows, labels = None, [], []
    in_data = False
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            lower = line.lower()
            if lower.startswith("@classlabel"):
                labels_declared = line.split()[2:]
            if lower.startswith("@targetlabel") and lower.split()[1:2] == ["true"]:
                raise ValueError(
                    f"{path.name} holds a regression set (@targetLabel: a number per series, "
                    "not a class). load_ucr reads classification sets. Pass one of "
                    f"{list(BUNDLED_UCR_SETS)}, or read it with aeon.datasets.load_regression.")
            in_data = lower.startswith("@data")
            continue
        *dims, label = line.split(":")
        rows.append([np.array([float(v) for v in d.split(",")], dtype="float32") for d in dims])
        labels.append(label.strip())
    return rows, labels, labels_declared


def _to_array(rows, length):
    out = np.zeros((len(rows), length, len(rows[0])), dtype="float32")
    for i, dims in enumerate(rows):
        for c, series in enumerate(dims):
            out[i, : len(series), c] = np.nan_to_num(series[:length])
    return out


def load_ucr(name: str):
    """A UCR/UEA classification set from the installed aeon (or sktime) wheel.

    Series are returned as ``(n, steps, channels)`` float32. Sets of unequal
    length (JapaneseVowels) are zero-padded at the end to the longest series;
    missing values become 0.

    Args:
        name: one of ``BUNDLED_UCR_SETS`` (others work if the wheel has them).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; labels are int64 0..k-1 in
        the order the file declares its classes.

    Raises:
        FileNotFoundError: when no installed package bundles ``name``.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_ucr("GunPoint")
    >>> x_train.shape
    (50, 150, 1)
    """
    folder = ucr_data_dir(name)
    train = _parse_ts(folder / f"{name}_TRAIN.ts")
    test = _parse_ts(folder / f"{name}_TEST.ts")
    classes = train[2] or sorted(set(train[1]) | set(test[1]))
    index = {label: i for i, label in enumerate(classes)}
    length = max(len(series) for rows, _, _ in (train, test) for dims in rows for series in dims)
    return tuple(
        (_to_array(rows, length), np.array([index[label] for label in labels], dtype="int64"))
        for rows, labels, _ in (train, test)
    )
