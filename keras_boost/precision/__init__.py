"""Mixed precision that pays: pick the policy for the hardware, audit the model.

- ``auto_policy()``: the fastest safe policy for this machine, and why;
  ``auto_policy(measure=model_or_builder, sample=(x, y))`` times the candidates.
- ``mixed_precision(policy="auto")``: set the global policy, as a plain call
  or a context manager that restores the previous one.
- ``audit(model)``: float16 outputs, missing loss scaling, 16-bit variables,
  custom layers that ignore the policy.
- ``fix_output_dtype(model)``: a copy whose output layers compute in float32.

Example:
    >>> from keras_boost.precision import DeviceInfo, auto_policy
    >>> auto_policy([DeviceInfo("TPU")]).policy
    'mixed_bfloat16'
"""

from keras_boost.precision.audit import (
    CODES,
    AuditReport,
    Finding,
    MixedPrecisionAuditError,
    audit,
)
from keras_boost.precision.context import PolicyScope, mixed_precision
from keras_boost.precision.devices import DeviceInfo, cpu_flags, detect_devices, onednn_enabled
from keras_boost.precision.fix import fix_output_dtype
from keras_boost.precision.policy import POLICIES, PolicyChoice, auto_policy

__all__ = [
    "CODES",
    "POLICIES",
    "AuditReport",
    "DeviceInfo",
    "Finding",
    "MixedPrecisionAuditError",
    "PolicyChoice",
    "PolicyScope",
    "audit",
    "auto_policy",
    "cpu_flags",
    "detect_devices",
    "fix_output_dtype",
    "mixed_precision",
    "onednn_enabled",
]
