"""``describe``: what ``apply_preset`` adds where, without building anything new."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras

from keras_boost.regularization._graph import input_names, noised_inputs, plan_dropout, trace
from keras_boost.regularization.apply import check_rebuildable, regularized_config
from keras_boost.regularization.presets import Preset, get_preset


@dataclass(frozen=True)
class RegularizationReport:
    """What a preset does to one model: one ``(layer, change)`` row per change.

    Returned by :func:`describe`; ``print`` it for a table, or read its rows
    to check a model in a test.

    Example:

    >>> import keras
    >>> from keras_boost.regularization import describe
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, name="h"),
    ...                           keras.layers.Dense(2, name="out")])
    >>> report = describe(model, "light")
    >>> report.changes[0]
    ('h', 'kernel_regularizer=L2(l2=1e-05)')

    Attributes:
        model: the model's name.
        preset: the resolved ``Preset``.
        changes: ``(layer name, what is added or kept)`` tuples, in layer order.
        suggestions: settings the preset suggests for your own ``compile``.
    """

    model: str
    preset: Preset
    changes: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)

    def added_layers(self) -> list:
        """Names of the layers after which dropout is inserted."""
        return [layer for layer, change in self.changes if "inserted after" in change]

    def __str__(self) -> str:
        width = max([len(layer) for layer, _ in self.changes] + [5])
        lines = [f"Preset {self.preset.name!r} on model {self.model!r}:"]
        lines += [f"  {layer:<{width}}  {change}" for layer, change in self.changes]
        if not self.changes:
            lines.append("  (nothing to change)")
        lines += [f"  suggestion: {text}" for text in self.suggestions]
        return "\n".join(lines)


def _weight_notes(model, preset, prefix=""):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _weight_notes(layer, preset, prefix=f"{prefix}{layer.name}/")
            continue
        _, notes = regularized_config(layer, preset)
        for note in notes:
            yield f"{prefix}{layer.name}", note


def describe(model, preset="medium") -> RegularizationReport:
    """List what ``apply_preset(model, preset)`` adds to ``model``, and where.

    Use it before (or after) ``apply_preset`` to see which kernels get a
    regularizer or constraint, where dropout goes, which blocks are left
    alone and why, and what the preset suggests for ``compile``.
    ``print(describe(model))`` shows a table.

    Args:
        model: a Sequential or functional ``keras.Model``.
        preset: a name from ``PRESETS`` or a ``Preset``. Default ``"medium"``.

    Returns:
        A ``RegularizationReport``.

    Raises:
        TypeError: for what ``apply_preset`` rejects (subclassed models...).
        ValueError: for an unknown preset name.

    Example:

    >>> import keras
    >>> from keras_boost.regularization import describe
    >>> model = keras.Sequential([keras.Input((8,)),
    ...                           keras.layers.Dense(32, activation="relu", name="hidden"),
    ...                           keras.layers.Dense(3, activation="softmax")])
    >>> describe(model, "medium").added_layers()
    ['hidden']
    """
    preset = get_preset(preset)
    check_rebuildable(model, "describe")
    calls, output_ids, input_ids = trace(model)
    insertions, skipped = plan_dropout(calls, output_ids, preset)
    changes = list(_weight_notes(model, preset))
    for insertion in insertions:
        kind = "SpatialDropout" + insertion.kind[-2:].upper() if "spatial" in insertion.kind \
            else "Dropout"
        place = insertion.after.name
        changes.append((place, f"{kind}({insertion.rate:g}) inserted after "
                               f"(end of the block of {insertion.block!r})"))
    if preset.dropout or preset.spatial_dropout:
        changes += [(name, f"no dropout: {why}") for name, why in skipped]
    if preset.input_noise:
        names, noised = input_names(model), noised_inputs(calls, input_ids)
        for tensor, has_noise in zip(keras.tree.flatten(model.inputs if model.built else []),
                                     noised, strict=False):
            name = names.get(id(tensor), tensor.name)
            if has_noise:
                changes.insert(0, (name, "no input noise: noise/dropout already on this input"))
            elif "float" in str(tensor.dtype):
                changes.insert(0, (name, f"GaussianNoise({preset.input_noise:g}) on this input"))
    order = {layer.name: i for i, layer in enumerate(model.layers)}
    changes.sort(key=lambda row: order.get(row[0].split("/")[0], -1))
    suggestions = []
    if preset.label_smoothing:
        suggestions.append(f"label_smoothing={preset.label_smoothing:g} in a categorical "
                           "cross-entropy you compile yourself")
    if preset.weight_decay:
        suggestions.append(f"AdamW(weight_decay={preset.weight_decay:g}) with l2=0 instead of "
                           "the L2 penalty, if you compile a new optimizer")
    return RegularizationReport(model.name, preset, changes, suggestions)
