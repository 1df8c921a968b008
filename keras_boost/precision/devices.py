"""What the machine offers for mixed precision: a small, injectable description.

``auto_policy`` decides from a list of ``DeviceInfo``. ``detect_devices()``
builds that list from ``tf.config`` and ``/proc/cpuinfo``; tests and users on
other machines can pass their own list instead, e.g. to ask what ``auto`` would
pick on an A100 from a laptop.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

_KINDS = ("CPU", "GPU", "TPU")

#: CPU instruction-set flags (as named in /proc/cpuinfo) that give 16-bit math a fast path.
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
FP16_CPU_FLAGS = ("amx_fp16", "avx512_fp16")
RECORDED_CPU_FLAGS = ("avx512f", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16",
                      "amx_int8", "amx_fp16")


@dataclass(frozen=True)
class DeviceInfo:
    """One accelerator or CPU, as far as mixed precision is concerned.

    Use it to tell ``auto_policy(devices=[...])`` about hardware other than the
    one this process runs on (tests, planning a run on another machine).

    Args:
        kind: ``"CPU"``, ``"GPU"`` or ``"TPU"``.
        name: human-readable model name, e.g. ``"NVIDIA A100-SXM4-40GB"``. Default ``""``.
        compute_capability: ``(major, minor)`` for NVIDIA GPUs, e.g. ``(8, 0)``;
            ``None`` where unknown or not NVIDIA. Default ``None``.
        cpu_flags: instruction-set flags of a CPU, e.g.
            ``frozenset({"avx512_bf16"})``, or one string of space-separated
            names as in ``/proc/cpuinfo``. Default empty.
        onednn: whether TensorFlow runs this CPU's math on its oneDNN kernels,
            the ones that use the bfloat16 instructions (on by default on
            x86; ``TF_ENABLE_ONEDNN_OPTS=0`` turns them off). Default True.

    Raises:
        ValueError: for an unknown ``kind`` or a malformed ``compute_capability``.

    Example:
        >>> from keras_boost.precision import DeviceInfo
        >>> DeviceInfo("GPU", "NVIDIA T4", compute_capability=(7, 5)).compute_capability
        (7, 5)
    """

    kind: str
    name: str = ""
    compute_capability: tuple[int, int] | None = None
    cpu_flags: frozenset[str] = field(default_factory=frozenset)
    onednn: bool = True

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"`DeviceInfo` expects kind in {_KINDS}. Received: "
                             f"kind={self.kind!r}. Pass e.g. kind='GPU'.")
        cc = self.compute_capability
        if cc is not None:
            if (not isinstance(cc, tuple | list) or len(cc) != 2
                    or not all(isinstance(v, int) for v in cc)):
                raise ValueError("`DeviceInfo` expects compute_capability as (major, minor) "
                                 f"integers or None. Received: compute_capability={cc!r}. "
                                 "Pass e.g. compute_capability=(8, 0).")
            object.__setattr__(self, "compute_capability", tuple(cc))
        flags = self.cpu_flags
        if isinstance(flags, str):  # "avx2 avx512_bf16", as in /proc/cpuinfo: not characters
            flags = flags.split()
        object.__setattr__(self, "cpu_flags", frozenset(flags))


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> frozenset[str]:
    """The instruction-set flags of this CPU (empty where ``/proc/cpuinfo`` is missing).

    Example:
        >>> from keras_boost.precision import cpu_flags
        >>> isinstance(cpu_flags(), frozenset)
        True
    """
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def _cpu_name(cpuinfo: str | Path = "/proc/cpuinfo") -> str:
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return ""


def onednn_enabled() -> bool:
    """Whether this TensorFlow runs CPU math on oneDNN kernels.

    Example:
        >>> from keras_boost.precision import onednn_enabled
        >>> isinstance(onednn_enabled(), bool)
        True
    """
    try:
        from tensorflow.python.util import _pywrap_util_port

        return bool(_pywrap_util_port.IsMklEnabled())
    except (ImportError, AttributeError):  # private API: fall back to TF's documented switch
        on_by_default = platform.machine().lower() in ("x86_64", "amd64")
        return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1" if on_by_default else "0") != "0"


def detect_devices() -> list[DeviceInfo]:
    """The devices TensorFlow sees in this process, with what matters for mixed precision.

    Listing physical devices neither allocates accelerator memory nor changes
    any setting.

    Returns:
        A list of ``DeviceInfo``: one per GPU/TPU, and one for the CPU.

    Example:
        >>> from keras_boost.precision import detect_devices
        >>> any(d.kind == "CPU" for d in detect_devices())
        True
    """
    import tensorflow as tf

    devices = []
    for device in tf.config.list_physical_devices():
        if device.device_type == "GPU":
            try:
                details = tf.config.experimental.get_device_details(device)
            except Exception:  # noqa: BLE001 - details are optional, the device is not
                details = {}
            cc = details.get("compute_capability")
            devices.append(DeviceInfo("GPU", details.get("device_name", device.name),
                                      tuple(cc) if cc else None))
        elif device.device_type == "TPU":
            devices.append(DeviceInfo("TPU", device.name))
    devices.append(DeviceInfo("CPU", _cpu_name(), cpu_flags=cpu_flags(),
                              onednn=onednn_enabled()))
    return devices
