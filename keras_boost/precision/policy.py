"""``auto_policy``: the fastest safe dtype policy for this machine, and why."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import keras
import numpy as np

from keras_boost.precision.devices import (
    BF16_CPU_FLAGS,
    FP16_CPU_FLAGS,
    DeviceInfo,
    detect_devices,
)

#: The dtype policies keras-boost chooses between (Keras names).
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")

# Names users bring from elsewhere (Lightning's precision=, Accelerate, pure 16-bit
# Keras policies), answered with a hint only: the Keras name is the one accepted.
_HINTS = {"float16": "mixed_float16", "fp16": "mixed_float16", "16": "mixed_float16",
          "16-mixed": "mixed_float16", "half": "mixed_float16", "bfloat16": "mixed_bfloat16",
          "bf16": "mixed_bfloat16", "bf16-mixed": "mixed_bfloat16", "fp32": "float32",
          "32": "float32", "32-true": "float32"}


def check_policy(policy, *, allow_auto: bool = False, where: str = "mixed_precision") -> str:
    """Return the policy name of ``policy`` (a name or a ``keras.DTypePolicy``), or raise.

    Raises:
        TypeError: for anything that is not a string or a ``keras.DTypePolicy``.
        ValueError: for an unknown name; the message lists the valid ones.
    """
    valid = (("auto",) if allow_auto else ()) + POLICIES
    if isinstance(policy, keras.DTypePolicy):
        policy = policy.name
    if not isinstance(policy, str):
        raise TypeError(f"`{where}` expects policy to be a string or a keras.DTypePolicy, one "
                        f"of {', '.join(map(repr, valid))}. Received: policy={policy!r} "
                        f"(of type {type(policy).__name__}). Pass e.g. policy='mixed_float16'.")
    if policy not in valid:
        close = ([_HINTS[policy.lower()]] if policy.lower() in _HINTS
                 else difflib.get_close_matches(policy, valid, n=1, cutoff=0.5))
        hint = f"Did you mean {close[0]!r}?" if close else "Pass e.g. policy='mixed_float16'."
        raise ValueError(f"`{where}` expects policy to be one of {', '.join(map(repr, valid))}. "
                         f"Received: policy={policy!r}. {hint}")
    return policy


@dataclass(frozen=True)
class PolicyChoice:
    """The policy ``auto_policy`` chose, the reason, and what it measured.

    Unpacks as ``policy, reason = auto_policy()``; ``str()`` gives a one-line
    summary for logs and reports.

    Attributes:
        policy: one of ``"float32"``, ``"mixed_float16"``, ``"mixed_bfloat16"``.
        reason: why, in one sentence.
        throughput: training steps per second of each measured candidate;
            empty when nothing was measured.
    """

    policy: str
    reason: str
    throughput: dict[str, float] = field(default_factory=dict)

    def __iter__(self):
        return iter((self.policy, self.reason))

    def __str__(self):
        return f"{self.policy} ({self.reason})"


def _cc(device: DeviceInfo) -> str:
    return ".".join(map(str, device.compute_capability))


def _hardware(devices: Sequence[DeviceInfo], prefer_bfloat16: bool):
    """(policy, reason, candidates worth timing) from the device list alone."""
    tpus = [d for d in devices if d.kind == "TPU"]
    gpus = [d for d in devices if d.kind == "GPU"]
    if tpus:
        return ("mixed_bfloat16", "TPU: bfloat16 is the native format of its matrix units",
                ("float32", "mixed_bfloat16"))
    if gpus:
        if any(d.compute_capability is None for d in gpus):
            unknown = next(d for d in gpus if d.compute_capability is None)
            return ("float32", f"GPU {unknown.name or '?'} has no known NVIDIA compute "
                    "capability, so a 16-bit speed-up is not certain; pass measure= to time it",
                    POLICIES)
        slowest = min(gpus, key=lambda d: d.compute_capability)
        name = slowest.name or "NVIDIA GPU"
        if slowest.compute_capability >= (8, 0):
            if prefer_bfloat16:
                return ("mixed_bfloat16", f"{name} (compute capability {_cc(slowest)} >= 8.0) "
                        "has bfloat16 Tensor Cores and bfloat16 was preferred", POLICIES)
            return ("mixed_float16", f"{name} (compute capability {_cc(slowest)} >= 8.0) has "
                    "float16 Tensor Cores; prefer_bfloat16=True picks bfloat16 on it", POLICIES)
        if slowest.compute_capability >= (7, 0):
            note = " (bfloat16 needs compute capability >= 8.0)" if prefer_bfloat16 else ""
            return ("mixed_float16", f"{name} (compute capability {_cc(slowest)} >= 7.0) has "
                    f"float16 Tensor Cores{note}", ("float32", "mixed_float16"))
        return ("float32", f"{name} (compute capability {_cc(slowest)} < 7.0) has no Tensor "
                "Cores, 16-bit would not be faster", ("float32", "mixed_float16"))
    cpus = [d for d in devices if d.kind == "CPU"]
    flags = frozenset().union(*(d.cpu_flags for d in cpus))
    candidates = ("float32",)
    if flags & set(BF16_CPU_FLAGS):
        candidates += ("mixed_bfloat16",)
    if flags & set(FP16_CPU_FLAGS):
        candidates += ("mixed_float16",)
    if len(candidates) > 1:
        found = ", ".join(sorted(flags & set(BF16_CPU_FLAGS + FP16_CPU_FLAGS)))
        if not all(d.onednn for d in cpus):
            return ("float32", f"CPU only: it has {found}, but TensorFlow's oneDNN kernels are "
                    "off (TF_ENABLE_ONEDNN_OPTS=0), so 16-bit math runs on slower generic "
                    "kernels", candidates)
        return ("float32", f"CPU only: it has {found}, but whether 16-bit is faster depends on "
                "the model; pass measure= to time it", candidates)
    return ("float32", "CPU only, without bfloat16/float16 instructions (avx512_bf16, amx_bf16, "
            "avx512_fp16, amx_fp16): 16-bit would be slower", candidates)


def auto_policy(devices: Sequence[DeviceInfo] | None = None, *, prefer_bfloat16: bool = False,
                measure: keras.Model | Callable[[], keras.Model] | None = None,
                sample=None, candidates: Iterable[str] | None = None, steps: int = 10,
                min_gain: float = 0.05, probe: bool = True,
                jit_compile: bool | str = False) -> PolicyChoice:
    """Pick the fastest safe dtype policy for this machine and say why.

    Use it before building a model (or through ``mixed_precision("auto")``)
    instead of hard-coding ``"mixed_float16"``, which is slower than float32 on
    CPUs and old GPUs. Decision table, from the hardware alone:

    - TPU: ``mixed_bfloat16``;
    - NVIDIA GPU of compute capability >= 8.0: ``mixed_float16``, or
      ``mixed_bfloat16`` with ``prefer_bfloat16=True``;
    - NVIDIA GPU of compute capability >= 7.0: ``mixed_float16``;
    - older or unknown GPUs: ``float32``;
    - this machine's CPU with ``avx512_bf16``/``amx_bf16`` and TensorFlow's
      oneDNN kernels: ``mixed_bfloat16`` if a built-in probe (an MLP
      784-1024-1024-10, timed once per process, 2-3 s) trains at
      least ``min_gain`` faster under it, else ``float32``;
    - other CPUs: ``float32`` (never a policy that may be slower than float32).

    With ``measure=`` it times ``steps`` training steps of each candidate
    (float32 and the 16-bit policies the hardware supports; on a CPU the ones
    its instruction set accelerates) on ``sample`` and returns the fastest; a
    16-bit policy must beat float32 by ``min_gain`` (median of paired
    per-step speed-ups) and be faster in at least three steps out of four to
    be chosen, so noise on a busy machine does not pick a slower policy.

    Args:
        devices: the hardware to decide for. Default: ``detect_devices()``.
        prefer_bfloat16: pick bfloat16 over float16 on GPUs that have both
            (no loss scaling needed, same range as float32). Default False.
        measure: a compiled functional/Sequential model (cloned under each
            policy, weights re-initialised; the model itself is not touched)
            or a function that builds and compiles one under the current
            global policy. Default None: decide from the hardware.
        sample: one batch ``(x, y)`` to time ``train_on_batch`` on; required
            with ``measure``.
        candidates: policies to time, instead of those the hardware suggests;
            float32 is always timed. Default None.
        steps: timed steps per candidate, after two warm-up steps. Default 10.
        min_gain: the relative speed-up over float32 a 16-bit policy needs
            to be chosen. Default 0.05.
        probe: on this machine's CPU with bfloat16 instructions, time the
            built-in probe when no ``measure`` is given. False: decide from
            the flags alone (float32). Default True.
        jit_compile: whether the model will be compiled with XLA
            (``jit_compile=True``); the probe is compiled the same way. XLA on
            a CPU does not use the bfloat16 instructions the way oneDNN does.
            A ``measure`` model keeps its own setting. Default False;
            ``"auto"`` counts as False (Keras' ``"auto"`` is no XLA on a CPU).

    Returns:
        A ``PolicyChoice`` (``policy``, ``reason``, ``throughput``).

    Raises:
        ValueError: for an unknown candidate name, ``steps`` < 1, a negative
            ``min_gain`` or ``measure`` without ``sample``.
        TypeError: for a ``measure`` that is neither a model nor a function,
            or a subclassed model (pass a builder function).

    Example:
        >>> from keras_boost.precision import DeviceInfo, auto_policy
        >>> policy, reason = auto_policy([DeviceInfo("GPU", "T4", (7, 5))])
        >>> policy
        'mixed_float16'

    Reference:
        Micikevicius et al., "Mixed Precision Training", ICLR 2018.
    """
    local = devices is None
    if local:
        devices = detect_devices()
    devices = list(devices)
    if not devices or not all(isinstance(d, DeviceInfo) for d in devices):
        raise TypeError("`auto_policy` expects devices as a non-empty list of DeviceInfo. "
                        f"Received: devices={devices!r}. Pass e.g. "
                        "devices=[DeviceInfo('GPU', 'T4', (7, 5))] or leave it out.")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"`auto_policy` expects steps >= 1. Received: steps={steps!r}. "
                         "Pass e.g. steps=10.")
    if not isinstance(min_gain, int | float) or min_gain < 0:
        raise ValueError(f"`auto_policy` expects min_gain >= 0. Received: min_gain={min_gain!r}. "
                         "Pass e.g. min_gain=0.05.")
    if jit_compile not in (True, False, "auto"):
        raise ValueError("`auto_policy` expects jit_compile to be True, False or 'auto', as in "
                         f"model.compile. Received: jit_compile={jit_compile!r}.")
    policy, reason, suggested = _hardware(devices, prefer_bfloat16)
    worth_probing = (local and probe and measure is None and "mixed_bfloat16" in suggested
                     and all(d.kind == "CPU" and d.onednn for d in devices))
    if isinstance(candidates, str):  # one policy name, not its characters
        candidates = [candidates]
    if candidates is not None:
        suggested = ("float32",) + tuple(
            p for p in dict.fromkeys(check_policy(c, where="auto_policy") for c in candidates)
            if p != "float32")
    if worth_probing:
        return _probe_choice(devices, min_gain, jit_compile is True)
    if measure is None:
        return PolicyChoice(policy, reason)
    if sample is None:
        raise ValueError("`auto_policy` needs sample=(x, y), one batch to time, when measure= "
                         "is given. Received: sample=None. Pass e.g. sample=(x[:256], y[:256]).")
    if len(suggested) == 1:
        return PolicyChoice("float32", reason + "; nothing else worth timing")
    from keras_boost.precision.measure import time_policies

    speed, ratios = time_policies(measure, sample, suggested, steps=steps, with_ratios=True)
    return _pick(speed, min_gain, ratios)


def _pick(speed: dict[str, float], min_gain: float,
          ratios: dict[str, list[float]] | None = None) -> PolicyChoice:
    """The fastest policy, if its median gain is >= min_gain and it won 3 rounds in 4."""
    base = speed["float32"]
    table = ", ".join(f"{p} {s / base:.2f}x" for p, s in speed.items() if p != "float32")
    eligible = {p: s for p, s in speed.items() if p == "float32" or (
        s >= base * (1 + min_gain) and (ratios is None or np.percentile(ratios[p], 25) >= 1.0))}
    best = max(eligible, key=eligible.get)
    if best != "float32":
        reason = f"measured fastest: {table} float32 training-step throughput"
        return PolicyChoice(best, reason, dict(speed))
    reason = (f"measured: no 16-bit policy beats float32 by {min_gain:.0%} in most steps "
              f"({table} float32 training-step throughput)")
    return PolicyChoice("float32", reason, dict(speed))


def _probe_choice(cpus: Sequence[DeviceInfo], min_gain: float, jit_compile: bool) -> PolicyChoice:
    """float32 or mixed_bfloat16 on this CPU, from timing the built-in probe."""
    from keras_boost.precision import probe

    speed, ratios = probe.time_probe(("float32", "mixed_bfloat16"), jit_compile)
    picked = _pick(speed, min_gain, ratios)
    flags = ", ".join(sorted(frozenset().union(*(d.cpu_flags for d in cpus))
                             & set(BF16_CPU_FLAGS)))
    gain = speed["mixed_bfloat16"] / speed["float32"]
    xla = ", with XLA" if jit_compile else ""
    verdict = ("the fastest" if picked.policy != "float32"
               else f"not {min_gain:.0%} faster than float32 in most steps")
    reason = (f"CPU with {flags} and oneDNN{xla}: mixed_bfloat16 trained {probe.PROBE} at "
              f"{gain:.2f}x float32's speed, {verdict} (pass measure= to time your own model)")
    return PolicyChoice(picked.policy, reason, picked.throughput)
