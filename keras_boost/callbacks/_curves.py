"""Private helpers shared by the callbacks: metric direction and curve statistics.

Everything here is a pure function of numbers (and, for the direction, of the
model's compiled metrics), so the live callbacks and the offline
``OverfittingDetector.diagnose`` compute the same things.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import numpy as np

_MAXIMIZED = ("accuracy", "acc", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "io_u", "r2_score", "top_k_categorical_accuracy", "specificity", "sensitivity",
              "pearson_correlation", "concordance_correlation")
_MINIMIZED = ("loss", "error", "mae", "mse", "mape", "msle", "rmse", "crossentropy", "hinge",
              "poisson", "divergence", "logcosh", "huber", "perplexity")


def _name_direction(name: str) -> str | None:
    base = name.removeprefix("val_").lower()
    if base.endswith("error"):
        return "min"
    for words, direction in ((_MAXIMIZED, "max"), (_MINIMIZED, "min")):
        for word in words:
            if base == word or base.endswith("_" + word):
                return direction
    return None


def _compiled_direction(name: str, model) -> str | None:
    base = name.removeprefix("val_")
    metrics = list(getattr(model, "metrics", None) or [])
    flat = []
    for metric in metrics:
        flat.extend(getattr(metric, "metrics", None) or [metric])
    for metric in flat:
        metric_name = getattr(metric, "name", None)
        direction = getattr(metric, "_direction", None)
        if metric_name and (base == metric_name or base.endswith("_" + metric_name)):
            if direction in ("up", "down"):
                return "max" if direction == "up" else "min"
    return None


def infer_mode(owner: str, monitor: str, mode: str, model=None) -> str:
    """``"min"`` or ``"max"`` for ``monitor``: from ``mode``, the name, else the model's metrics."""
    if mode in ("min", "max"):
        return mode
    direction = _name_direction(monitor)
    if direction is None and model is not None:
        direction = _compiled_direction(monitor, model)
    if direction is None:
        raise ValueError(
            f"`{owner}` cannot tell whether `monitor` should go down or up. Received: "
            f"monitor={monitor!r} (neither its name nor a compiled metric says). "
            "Pass mode='min' or mode='max'.")
    return direction


def check_mode(owner: str, mode) -> None:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"`{owner}` expects mode in {{'auto', 'min', 'max'}}. "
                         f"Received: mode={mode!r}. Pass e.g. mode='auto'.")


def as_float(value) -> float | None:
    """A log value as a Python float (None when it is not a number)."""
    if value is None:
        return None
    try:
        return float(np.asarray(value, dtype="float64").reshape(()))
    except (TypeError, ValueError):
        return None


def noise_level(values: Sequence[float], window: int = 60) -> float:
    """Robust epoch-to-epoch noise (std) of a curve, blind to its trend.

    The root mean square of the second differences of the last ``window``
    values (they cancel a locally linear trend), leaving out jumps beyond 3.5
    robust standard deviations; 0.0 with fewer than 4 values.
    """
    x = np.asarray(values[-window:], dtype="float64")
    x = x[np.isfinite(x)]
    if len(x) < 4:
        return 0.0
    second = x[2:] - 2 * x[1:-1] + x[:-2]
    robust = statistics.median(np.abs(second).tolist()) / 0.6745  # faster than np.median here
    kept = second[np.abs(second) <= 3.5 * robust] if robust > 0 else second
    return float(math.sqrt(np.mean(kept**2) / 6.0))


def local_trend(values: Sequence[float], window: int) -> tuple[float, float, float]:
    """Least-squares line over the last ``window`` values: (level now, slope, slope std err)."""
    y = np.asarray(values[-window:], dtype="float64")
    t = np.arange(len(y), dtype="float64")
    t -= t.mean()
    sxx = float(np.sum(t * t))
    if len(y) < 3 or sxx == 0.0:
        return float(y[-1]), 0.0, math.inf
    slope = float(np.sum(t * (y - y.mean())) / sxx)
    intercept = float(y.mean())
    residual = y - (intercept + slope * t)
    sigma = math.sqrt(float(np.sum(residual**2)) / max(len(y) - 2, 1))
    return intercept + slope * t[-1], slope, sigma / math.sqrt(sxx)


def centered_mean(values: Sequence[float], half_width: int) -> np.ndarray:
    """Centred moving average that shrinks its window at both ends."""
    x = np.asarray(values, dtype="float64")
    index = np.arange(len(x))
    lo = np.maximum(index - half_width, 0)
    hi = np.minimum(index + half_width + 1, len(x))
    cumulative = np.concatenate([[0.0], np.cumsum(x)])
    return (cumulative[hi] - cumulative[lo]) / (hi - lo)
