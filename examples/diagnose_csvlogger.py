"""Train with CSVLogger, then ask ``keras-boost diagnose`` what happened.

Many workflows from the reference guides already log every epoch with
``keras.callbacks.CSVLogger``. This script trains an MLP on a small subset of
scikit-learn's digits that way (no keras-boost callback in the ``fit`` call),
then runs the diagnose command on the CSV file, as you would after any
finished run::

    keras-boost diagnose run.csv --plot curves.png

Run: ``python examples/diagnose_csvlogger.py [--quick] [--output DIR]``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from keras_boost import diagnose_cli  # noqa: E402
from keras_boost.datasets import load_digits_images  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (under ~30 s)")
    parser.add_argument("--output", type=Path,
                        default=Path("keras-boost-examples/diagnose_csvlogger"))
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)
    (x_train, y_train), _ = load_digits_images(n_train=100)

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    csv_path = args.output / "run.csv"
    model.fit(x_train, y_train, validation_split=0.3, epochs=60 if args.quick else 150,
              batch_size=32, verbose=0, callbacks=[keras.callbacks.CSVLogger(str(csv_path))])
    print(f"CSVLogger wrote {csv_path}\n$ keras-boost diagnose {csv_path} --plot "
          f"{args.output / 'curves.png'}")
    status = diagnose_cli.main([str(csv_path), "--plot", str(args.output / "curves.png")])
    raise SystemExit(status)


if __name__ == "__main__":
    main()
