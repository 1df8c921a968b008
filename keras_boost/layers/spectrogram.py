"""SpecAugment: random frequency and time masks on spectrograms (Park et al. 2019)."""

from __future__ import annotations

import keras
from keras import ops

from keras_boost.layers._base import AugmentationLayer, check_choice, check_number, strength
from keras_boost.layers._ops import band_mask


@keras.saving.register_keras_serializable(package="keras_boost")
class SpecAugment(AugmentationLayer):
    """Mask random bands of frequencies and of time frames in a spectrogram.

    Use it on (log-)mel spectrograms for speech and audio classification:
    the model learns not to rely on one frequency band or one moment. Each
    sample gets ``freq_masks`` frequency bands, each as wide as
    ``U(0, freq_width) * n_freq``, and ``time_masks`` time bands as wide as
    ``U(0, time_width) * n_time``, set to zero (normalise your spectrograms
    so that zero is the mean, as Park et al. do). Time warping from the
    paper is left out (its authors found it the least useful); use
    ``TimeWarp`` on the time axis if you want it.

    Args:
        freq_width: widest frequency band as a fraction of the bins, in [0, 1].
            Default 0.15 (Park et al.: 27 of 80 mel bins is 0.34).
        time_width: widest time band as a fraction of the frames, in [0, 1].
            Default 0.1.
        freq_masks: frequency bands per sample, an int >= 0. Default 2.
        time_masks: time bands per sample, an int >= 0. Default 2.
        layout: "time_freq" for ``(batch, time, freq[, channels])`` (the
            layout of ``tf.signal.stft`` and ``keras.layers.STFTSpectrogram``)
            or "freq_time" for ``(batch, freq, time[, channels])`` (the
            layout of ``keras.layers.MelSpectrogram``). Default "time_freq".
        seed: int seed of the layer's ``keras.random.SeedGenerator``. Default None.
        **kwargs: base ``keras.layers.Layer`` arguments.

    Call arguments:
        inputs: float tensor of rank 3 ``(batch, a, b)`` or rank 4
            ``(batch, a, b, channels)``, or one sample of rank 2 ``(a, b)``,
            where ``(a, b)`` is ``(time, freq)`` or ``(freq, time)`` as set
            by ``layout``. Rank 3 is always read as batched.
        training: augment when True (default); False returns the input.

    Raises:
        ValueError: for widths outside [0, 1], negative mask counts, an
            unknown ``layout`` or an input of another rank.
        TypeError: for non-numeric arguments.

    Example:

    >>> import numpy as np
    >>> layer = SpecAugment(freq_width=0.2, time_width=0.1, seed=1)
    >>> tuple(layer(np.ones((4, 100, 64), "float32")).shape)
    (4, 100, 64)

    Reference: D. S. Park et al., "SpecAugment: A Simple Data Augmentation
    Method for Automatic Speech Recognition", Interspeech 2019.
    """

    strength_names = ("freq_width", "time_width")
    ranks = (2, 3, 4)
    shape_text = "(batch, time, freq), (batch, time, freq, channels) or (time, freq)"
    rank_hint = "Squeeze or add axes so the spectrogram has one of these shapes."
    batch_when_first_axis_unknown = False
    freq_width = strength("freq_width", low=0.0, high=1.0, example=0.15)
    time_width = strength("time_width", low=0.0, high=1.0, example=0.1)

    def __init__(self, freq_width=0.15, time_width=0.1, freq_masks=2, time_masks=2,
                 layout="time_freq", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.freq_masks = check_number("SpecAugment", "freq_masks", freq_masks, low=0,
                                       integer=True, example=2)
        self.time_masks = check_number("SpecAugment", "time_masks", time_masks, low=0,
                                       integer=True, example=2)
        self.layout = check_choice("SpecAugment", "layout", layout, ("time_freq", "freq_time"))
        self.freq_width = freq_width
        self.time_width = time_width

    def augment(self, x):
        batch = ops.shape(x)[0]
        time_axis, freq_axis = (1, 2) if self.layout == "time_freq" else (2, 1)
        keep = ops.ones((), "float32")
        for axis, count, name in ((time_axis, self.time_masks, "time_width"),
                                  (freq_axis, self.freq_masks, "freq_width")):
            if count == 0:
                continue
            size = self.static_steps(x, axis)
            mask = band_mask(self, batch, size, count, self.value(name))
            shape = [batch, 1, 1] + [1] * (len(x.shape) - 3)
            shape[axis] = size
            keep = keep * (1.0 - ops.reshape(mask, shape))
        return x * ops.cast(keep, x.dtype)

    def get_config(self):
        return {**super().get_config(), "freq_masks": self.freq_masks,
                "time_masks": self.time_masks, "layout": self.layout}
