"""``audit(model)``: what in a model will hurt under mixed precision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import keras

_HALF = ("float16", "bfloat16")
_SQUASHING = ("softmax", "sigmoid", "log_softmax")

#: Finding codes, their severity and what they mean.
CODES = {
    "float16-output": ("error", "an output layer computes softmax/sigmoid in 16 bits"),
    "half-output": ("warning", "an output layer computes in 16 bits"),
    "no-loss-scaling": ("error", "float16 layers, but the compiled optimizer has no loss scaling"),
    "half-variable": ("error", "a trainable variable is stored in 16 bits"),
    "activity-regularizer": ("error", "activity_regularizer under a 16-bit policy crashes fit"),
    "policy-ignored": ("warning", "a custom layer's output dtype differs from its policy"),
    "hard-coded-dtype": ("warning", "a custom layer inside the model runs under another policy"),
}


class MixedPrecisionAuditError(ValueError):
    """``audit(model, raise_on=...)`` found a problem it was asked to raise on."""

    def __init__(self, report: AuditReport, matched: list[Finding]):
        self.report = report
        self.findings = matched
        super().__init__(f"`audit` found {len(matched)} mixed-precision problem(s) in model "
                         f"{report.model_name!r}:\n" + "\n".join(map(str, matched)))


@dataclass(frozen=True)
class Finding:
    """One problem: ``code`` (see ``CODES``), ``severity``, ``layer``, ``message``, ``fix``."""

    code: str
    severity: str
    layer: str | None
    message: str
    fix: str

    def __str__(self):
        where = f" [{self.layer}]" if self.layer else ""
        return f"{self.severity}: {self.code}{where}: {self.message} Fix: {self.fix}"


@dataclass(frozen=True)
class AuditReport:
    """All findings of ``audit`` for one model; empty means nothing to fix.

    Attributes:
        model_name: the audited model's name.
        policy: the model's own dtype policy name.
        findings: tuple of ``Finding``.
    """

    model_name: str
    policy: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when there is no error-level finding."""
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    def codes(self) -> set[str]:
        """The set of finding codes, e.g. ``{"float16-output"}``."""
        return {f.code for f in self.findings}

    def to_dicts(self) -> list[dict]:
        """The findings as plain dicts (JSON-ready)."""
        return [asdict(f) for f in self.findings]

    def __len__(self):
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    def __str__(self):
        head = f"mixed-precision audit of {self.model_name!r} (policy {self.policy}): "
        if not self.findings:
            return head + "no findings"
        return head + f"{len(self.findings)} finding(s)\n" + "\n".join(
            f"  {f}" for f in self.findings)


def _finding(code: str, layer, message: str, fix: str) -> Finding:
    return Finding(code, CODES[code][0], getattr(layer, "name", layer), message, fix)


def _output_layers(model: keras.Model) -> list:
    """The layers that produce the model's outputs, looking inside nested models.

    Subclassed models have no symbolic outputs: their last layer stands in.
    """
    layers = []
    for tensor in getattr(model, "outputs", None) or []:
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            continue
        layer = history[0]
        found = _output_layers(layer) if isinstance(layer, keras.Model) else [layer]
        layers.extend(x for x in found if x not in layers)
    if not layers and model.layers:
        last = model.layers[-1]
        layers = _output_layers(last) if isinstance(last, keras.Model) else [last]
    return layers


def _activation_name(layer) -> str:
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return ""
    return str(getattr(activation, "__name__", activation))


def _is_custom(layer) -> bool:
    return not type(layer).__module__.startswith(("keras.", "keras_hub.", "keras_boost."))


def _walk(model: keras.Model):
    """Every layer, nested models' layers included, without the models themselves."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _walk(layer)
        else:
            yield layer


def _check_outputs(model, findings):
    for layer in _output_layers(model):
        if layer.compute_dtype not in _HALF:
            continue
        activation = _activation_name(layer)
        if activation in _SQUASHING:
            findings.append(_finding(
                "float16-output", layer, f"output layer computes {activation} in "
                f"{layer.compute_dtype}: probabilities saturate to 0 and 1 and the loss can "
                "become inf/NaN.", "create it with dtype='float32', or use "
                "fix_output_dtype(model)."))
        else:
            findings.append(_finding(
                "half-output", layer, f"output layer computes in {layer.compute_dtype}: "
                "predictions keep only 3 significant digits (2 in bfloat16) and float16 "
                "overflows above 65504.", "create it with dtype='float32' (or end with "
                "keras.layers.Activation('linear', dtype='float32')), or use "
                "fix_output_dtype(model)."))


def _check_loss_scaling(model, layers, findings):
    float16 = [layer.name for layer in layers if layer.compute_dtype == "float16"]
    optimizer = getattr(model, "optimizer", None)
    if not float16 or optimizer is None:
        return
    if not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        findings.append(_finding(
            "no-loss-scaling", None, f"{len(float16)} layer(s) compute in float16 (e.g. "
            f"{float16[0]!r}) but the optimizer is {type(optimizer).__name__}: small gradients "
            "underflow to 0. compile() adds loss scaling only when the model's own policy is "
            "mixed_float16.", "build the model under mixed_precision('mixed_float16') or compile "
            "with keras.mixed_precision.LossScaleOptimizer(optimizer)."))


def _check_layers(model, layers, findings):
    own = model.dtype_policy.name
    outputs = set(map(id, _output_layers(model)))
    for layer in layers:
        half = [v for v in layer.trainable_weights if v.dtype in _HALF]
        if half:
            findings.append(_finding(
                "half-variable", layer, f"{len(half)} trainable variable(s) stored in "
                f"{half[0].dtype} (e.g. {half[0].path!r}): small updates round away.",
                "use a mixed_* policy (float32 variables, 16-bit compute) instead of "
                "dtype='float16', and no 16-bit dtype= in add_weight."))
        if layer.compute_dtype in _HALF and getattr(layer, "activity_regularizer", None):
            findings.append(_finding(
                "activity-regularizer", layer, f"activity_regularizer under {layer.compute_dtype}"
                " compute crashes fit with a dtype TypeError (Keras 3).",
                "give this layer dtype='float32' or move the penalty to a kernel_regularizer."))
        if not _is_custom(layer):
            continue
        output = _output_dtype(layer)
        if output is not None and output != layer.compute_dtype and "float" in output:
            findings.append(_finding(
                "policy-ignored", layer, f"custom layer {type(layer).__name__} outputs {output} "
                f"although its policy computes in {layer.compute_dtype}.", "compute in "
                "self.compute_dtype (cast constants with ops.cast(c, self.compute_dtype)) and "
                "do not hard-code dtypes in call()."))
        if (own in ("mixed_float16", "mixed_bfloat16") and layer.dtype_policy.name != own
                and id(layer) not in outputs):
            findings.append(_finding(
                "hard-coded-dtype", layer, f"custom layer {type(layer).__name__} runs under "
                f"{layer.dtype_policy.name} inside a {own} model.", "pass **kwargs (with dtype) "
                "on to super().__init__ instead of a fixed dtype=."))


def _output_dtype(layer) -> str | None:
    try:
        output = layer.output
    except (AttributeError, ValueError, RuntimeError):
        return None
    dtypes = {keras.backend.standardize_dtype(t.dtype) for t in keras.tree.flatten(output)}
    return dtypes.pop() if len(dtypes) == 1 else None


def audit(model: keras.Model, raise_on: str | Iterable[str] | None = None) -> AuditReport:
    """List what will hurt ``model`` under mixed precision, without changing it.

    Use it after building (and ideally compiling) a model under a 16-bit
    policy, before a long ``fit``: it finds the mistakes that give NaN losses
    or silently slow or stall training. Findings (``CODES``):

    - ``float16-output`` (error): a softmax/sigmoid output computed in 16 bits;
    - ``half-output`` (warning): another output layer computed in 16 bits;
    - ``no-loss-scaling`` (error): float16 layers but no ``LossScaleOptimizer``
      in the compiled optimizer;
    - ``half-variable`` (error): trainable variables stored in 16 bits;
    - ``activity-regularizer`` (error): crashes ``fit`` under a 16-bit policy;
    - ``policy-ignored`` (warning): a custom layer whose output dtype is not
      its compute dtype (a hard-coded cast in ``call``);
    - ``hard-coded-dtype`` (warning): a custom layer pinned to another policy
      inside a mixed model (a fixed ``dtype=`` in its ``__init__``).

    Args:
        model: a built ``keras.Model`` (functional, Sequential or subclassed;
            output checks on subclassed models look at the last layer).
        raise_on: None (default: only report), ``"error"``, ``"warning"``
            (errors and warnings) or an iterable of finding codes to raise on.

    Returns:
        An ``AuditReport``; ``report.ok`` is True when there is no error.

    Raises:
        MixedPrecisionAuditError: (a ``ValueError``) when a finding matches ``raise_on``.
        TypeError: when ``model`` is not a ``keras.Model``.
        ValueError: for an unknown ``raise_on`` value.

    Example:
        >>> import keras
        >>> from keras_boost.precision import audit, mixed_precision
        >>> with mixed_precision("mixed_float16"):
        ...     model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, "softmax")])
        >>> sorted(audit(model).codes())
        ['float16-output']
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`audit` expects a keras.Model. Received: {type(model).__name__}. "
                        "Pass the model you are about to fit.")
    wanted = _raise_codes(raise_on)
    layers = list(_walk(model))
    findings: list[Finding] = []
    _check_outputs(model, findings)
    _check_loss_scaling(model, layers, findings)
    _check_layers(model, layers, findings)
    report = AuditReport(model.name, model.dtype_policy.name, tuple(findings))
    matched = [f for f in findings if f.code in wanted]
    if matched:
        raise MixedPrecisionAuditError(report, matched)
    return report


def _raise_codes(raise_on) -> set[str]:
    if raise_on is None:
        return set()
    if raise_on == "error":
        return {c for c, (severity, _) in CODES.items() if severity == "error"}
    if raise_on == "warning":
        return set(CODES)
    codes = {raise_on} if isinstance(raise_on, str) else set(raise_on)
    unknown = codes - set(CODES)
    if unknown:
        raise ValueError(f"`audit` expects raise_on to be None, 'error', 'warning' or finding "
                         f"codes from {sorted(CODES)}. Received: raise_on={raise_on!r}. Pass e.g. "
                         "raise_on='error'.")
    return codes
