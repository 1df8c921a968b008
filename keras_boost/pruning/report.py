"""``sparsity_report(model)``: how sparse a model is and how small it zips."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import keras
import numpy as np
from keras import ops

from keras_boost.pruning import registry
from keras_boost.pruning.wrapper import PruneLowMagnitude, collect_prunable_layers


@dataclasses.dataclass
class SparsityReport:
    """Per-layer and total sparsity of a model, and zipped sizes.

    Attributes:
        layers: one dict per pruned (or prunable) layer: ``layer``, ``params``,
            ``nonzero``, ``sparsity`` (over the weights that get pruned).
        total_params: all parameters of the model.
        nonzero_params: parameters that are not exactly zero.
        sparsity: fraction of zeros over the prunable weights of all layers.
        zipped_bytes: the stripped model's weights zipped (deflate; see ``zipped_size``).
        dense_zipped_bytes: the same for ``dense_model`` when given, else None.
    """

    layers: list
    total_params: int
    nonzero_params: int
    sparsity: float
    zipped_bytes: int
    dense_zipped_bytes: int | None = None

    @property
    def size_ratio(self) -> float | None:
        """``zipped_bytes / dense_zipped_bytes`` (None without a dense model)."""
        if not self.dense_zipped_bytes:
            return None
        return self.zipped_bytes / self.dense_zipped_bytes

    def __str__(self):
        lines = [f"{'layer':<32} {'params':>10} {'non-zero':>10} {'sparsity':>9}"]
        for row in self.layers:
            lines.append(f"{row['layer']:<32} {row['params']:>10} {row['nonzero']:>10} "
                         f"{row['sparsity']:>9.3f}")
        lines.append(f"{'total (prunable weights)':<32} "
                     f"{sum(r['params'] for r in self.layers):>10} "
                     f"{sum(r['nonzero'] for r in self.layers):>10} {self.sparsity:>9.3f}")
        lines.append(f"model: {self.total_params} parameters, {self.nonzero_params} non-zero")
        size = f"zipped size: {self.zipped_bytes / 1024:.1f} KiB"
        if self.dense_zipped_bytes:
            size += (f" vs {self.dense_zipped_bytes / 1024:.1f} KiB dense "
                     f"({self.size_ratio:.2f}x)")
        lines.append(size)
        return "\n".join(lines)


def zipped_size(model) -> int:
    """Bytes of ``model``'s weights (no optimizer state), one ``.npy`` each, zipped (deflate).

    Works for Keras 3 and tf_keras models alike (it only needs ``get_weights()``).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, value in enumerate(model.get_weights()):
            array = io.BytesIO()
            np.save(array, np.asarray(value))
            archive.writestr(f"{number}.npy", array.getvalue())
    return len(buffer.getvalue())


def _rows(model):
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            rows.extend(_rows(layer))
            continue
        if isinstance(layer, PruneLowMagnitude):
            values = [ops.convert_to_numpy(w.value) * ops.convert_to_numpy(m.value)
                      for w, m, _ in layer.pruning_vars]
            name = layer.layer.name
        elif registry.supports(layer) and layer.built:
            values = [ops.convert_to_numpy(w.value) for w in registry.prunable_weights(layer)]
            name = layer.name
        else:
            continue
        params = int(sum(v.size for v in values))
        nonzero = int(sum(np.count_nonzero(v) for v in values))
        rows.append({"layer": name, "params": params, "nonzero": nonzero,
                     "sparsity": 1.0 - nonzero / params if params else 0.0})
    return rows


def sparsity_report(model, dense_model=None) -> SparsityReport:
    """Report per-layer and total sparsity, non-zero parameters and zipped size.

    Use it after pruning to check the sparsity reached and what it buys on
    disk. Works on a pruned model (wrappers are stripped first for the size)
    or on any Keras model (its prunable weights are counted).

    Args:
        model: a Keras model, pruned or not.
        dense_model: optional unpruned model to compare zipped sizes with; default None.

    Returns:
        A ``SparsityReport``; ``print(report)`` shows a table.

    Raises:
        TypeError: ``model`` is not a Keras model.

    Example:

    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, use_bias=False)])
    >>> model.set_weights([np.array([[0, 1], [0, 2], [0, 3], [0, 4]], "float32")])
    >>> sparsity_report(model).sparsity
    0.5
    """
    from keras_boost.pruning.prune import strip_pruning

    if not isinstance(model, keras.Model):
        raise TypeError("`sparsity_report` expects a Keras model. Received: "
                        f"{type(model).__name__}. Pass e.g. the model from prune_low_magnitude.")
    rows = _rows(model)
    params = sum(r["params"] for r in rows)
    nonzero = sum(r["nonzero"] for r in rows)
    stripped = strip_pruning(model) if collect_prunable_layers(model) else model
    weights = [ops.convert_to_numpy(w) for w in stripped.weights]
    return SparsityReport(
        layers=rows,
        total_params=int(sum(w.size for w in weights)),
        nonzero_params=int(sum(np.count_nonzero(w) for w in weights)),
        sparsity=1.0 - nonzero / params if params else 0.0,
        zipped_bytes=zipped_size(stripped),
        dense_zipped_bytes=zipped_size(dense_model) if dense_model is not None else None)
