"""auto_policy: the hardware decision table (devices injected) and the measured choice."""

import keras
import numpy as np
import pytest

from keras_boost.precision import (
    POLICIES,
    DeviceInfo,
    PolicyChoice,
    auto_policy,
    cpu_flags,
    detect_devices,
)
from keras_boost.precision.policy import _pick

CPU_PLAIN = DeviceInfo("CPU", "old", cpu_flags={"avx2", "sse4_2"})
CPU_BF16 = DeviceInfo("CPU", "zen4", cpu_flags={"avx512f", "avx512_bf16"})
CPU_AMX = DeviceInfo("CPU", "sapphire", cpu_flags={"amx_bf16", "amx_fp16", "avx512_fp16"})


def gpu(cc, name="NVIDIA X"):
    return DeviceInfo("GPU", name, compute_capability=cc)


TABLE = [  # (devices, prefer_bfloat16, expected policy)
    ([DeviceInfo("TPU"), CPU_PLAIN], False, "mixed_bfloat16"),
    ([gpu((9, 0)), CPU_PLAIN], False, "mixed_float16"),
    ([gpu((8, 0)), CPU_PLAIN], True, "mixed_bfloat16"),
    ([gpu((8, 6)), CPU_PLAIN], False, "mixed_float16"),
    ([gpu((7, 5)), CPU_PLAIN], True, "mixed_float16"),  # T4: no bfloat16 Tensor Cores
    ([gpu((7, 0)), CPU_PLAIN], False, "mixed_float16"),
    ([gpu((6, 1)), CPU_PLAIN], False, "float32"),  # Pascal: no Tensor Cores
    ([gpu((8, 0)), gpu((6, 0)), CPU_PLAIN], False, "float32"),  # the slowest GPU decides
    ([gpu(None, "AMD MI100"), CPU_PLAIN], False, "float32"),  # unknown capability
    ([CPU_PLAIN], False, "float32"),
    ([CPU_BF16], True, "float32"),  # CPUs only where measured faster
    ([CPU_AMX], False, "float32"),
]


def test_decision_table():
    # One test for the whole table: each test item costs a clear_session() in teardown.
    for devices, prefer_bf16, expected in TABLE:
        choice = auto_policy(devices, prefer_bfloat16=prefer_bf16)
        assert isinstance(choice, PolicyChoice)
        assert choice.policy == expected, (devices, prefer_bf16, choice)
        assert choice.reason and choice.throughput == {}
        policy, reason = choice
        assert (policy, reason) == (choice.policy, choice.reason)
        assert expected in str(choice)


def test_reasons_name_the_hardware_fact():
    assert "7.5" in auto_policy([gpu((7, 5), "Tesla T4")]).reason
    assert "Tesla T4" in auto_policy([gpu((7, 5), "Tesla T4")]).reason
    assert "avx512_bf16" in auto_policy([CPU_BF16]).reason
    assert "measure=" in auto_policy([CPU_BF16]).reason


def test_auto_policy_does_not_touch_the_global_policy():
    auto_policy([gpu((8, 0))])
    assert keras.config.dtype_policy().name == "float32"


def test_measured_pick_is_fastest_and_never_slower_than_float32():
    for speeds, expected in [
        ({"float32": 10.0, "mixed_bfloat16": 15.0}, "mixed_bfloat16"),
        ({"float32": 10.0, "mixed_bfloat16": 10.2}, "float32"),  # gain below min_gain
        ({"float32": 10.0, "mixed_bfloat16": 6.0, "mixed_float16": 0.1}, "float32"),
        ({"float32": 10.0, "mixed_bfloat16": 12.0, "mixed_float16": 13.0}, "mixed_float16"),
    ]:
        choice = _pick(speeds, min_gain=0.05)
        assert choice.policy == expected, speeds
        assert speeds[choice.policy] >= speeds["float32"]
        assert choice.throughput == speeds
        assert "1." in choice.reason or "0." in choice.reason  # the ratios are reported
    # A median gain built on a few lucky steps is not enough: it must win 3 steps in 4.
    lucky = {"mixed_bfloat16": [1.5, 1.4, 1.3, 0.8, 0.7, 0.6, 0.9]}
    steady = {"mixed_bfloat16": [1.3, 1.1, 1.2, 1.2, 0.98, 1.25, 1.2]}
    speeds = {"float32": 10.0, "mixed_bfloat16": 12.0}
    assert _pick(speeds, 0.05, lucky).policy == "float32"
    assert _pick(speeds, 0.05, steady).policy == "mixed_bfloat16"


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r"'float32', 'mixed_float16', 'mixed_bfloat16'.*"
                                         r"Received: policy='mixed_fp16'.*'mixed_float16'"):
        auto_policy([CPU_PLAIN], candidates=["mixed_fp16"])
    with pytest.raises(ValueError, match="steps >= 1"):
        auto_policy([CPU_PLAIN], steps=0)
    with pytest.raises(ValueError, match="min_gain >= 0"):
        auto_policy([CPU_PLAIN], min_gain=-1)
    with pytest.raises(ValueError, match="sample="):
        auto_policy([CPU_BF16], measure=lambda: None)
    with pytest.raises(TypeError, match="list of DeviceInfo"):
        auto_policy(["GPU"])
    with pytest.raises(ValueError, match="kind"):
        DeviceInfo("NPU")
    with pytest.raises(ValueError, match="compute_capability"):
        DeviceInfo("GPU", compute_capability=8.0)


def test_cpu_flags_reads_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx512f avx512_bf16\n\n")
    assert cpu_flags(info) == {"fpu", "avx512f", "avx512_bf16"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_detect_devices_describes_this_machine():
    devices = detect_devices()
    cpus = [d for d in devices if d.kind == "CPU"]
    assert len(cpus) == 1 and cpus[0].cpu_flags == cpu_flags()
    assert auto_policy(devices).policy in POLICIES


def _build():
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax", dtype="float32")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


SAMPLE = (np.random.default_rng(0).random((32, 16), dtype="float32"), np.arange(32) % 3)


@pytest.mark.slow
def test_measure_with_a_builder_times_every_candidate():
    choice = auto_policy([CPU_PLAIN], measure=_build, sample=SAMPLE, steps=2,
                         candidates=["mixed_bfloat16", "mixed_float16"])
    assert set(choice.throughput) == set(POLICIES)
    assert all(speed > 0 for speed in choice.throughput.values())
    best = max(choice.throughput.values())
    assert choice.throughput[choice.policy] >= choice.throughput["float32"]
    assert choice.policy == "float32" or choice.throughput[choice.policy] == best
    assert "float32" in choice.reason
    assert keras.config.dtype_policy().name == "float32"


@pytest.mark.slow
def test_measure_with_a_model_leaves_the_model_alone():
    model = _build()
    before = [w.copy() for w in model.get_weights()]
    choice = auto_policy([CPU_PLAIN], measure=model, sample=SAMPLE, steps=1,
                         candidates=["mixed_bfloat16"])
    assert set(choice.throughput) == {"float32", "mixed_bfloat16"}
    assert [layer.dtype_policy.name for layer in model.layers] == ["float32", "float32"]
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    assert keras.config.dtype_policy().name == "float32"


def test_measure_rejects_what_it_cannot_rebuild():
    uncompiled = keras.Sequential([keras.Input((16,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="compiled model"):
        auto_policy([CPU_BF16], measure=uncompiled, sample=SAMPLE)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    sub = Sub()
    sub.compile("sgd", "mse")
    with pytest.raises(TypeError, match="measure=build_model"):
        auto_policy([CPU_BF16], measure=sub, sample=SAMPLE)
    with pytest.raises(TypeError, match="compiled keras.Model"):
        auto_policy([CPU_BF16], measure=lambda: uncompiled, sample=SAMPLE)
    with pytest.raises(TypeError, match=r"sample=\(x, y\)"):
        auto_policy([CPU_BF16], measure=_build, sample=SAMPLE[0])
    assert keras.config.dtype_policy().name == "float32"


def test_measuring_leaves_the_random_state_as_it_was():
    import random

    def draws():
        return (random.random(), float(np.random.rand()),
                keras.ops.convert_to_numpy(keras.random.uniform((3,))).tolist())

    def build():
        model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8),
                                  keras.layers.Dropout(0.5), keras.layers.Dense(3)])
        model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    keras.utils.set_random_seed(3)
    expected = draws()
    keras.utils.set_random_seed(3)
    auto_policy([CPU_PLAIN], measure=build, sample=SAMPLE, steps=1,
                candidates=["mixed_bfloat16"])
    assert draws() == expected


def test_strings_are_read_as_names_not_characters():
    flags = DeviceInfo("CPU", "zen4", cpu_flags="avx512f avx512_bf16").cpu_flags
    assert flags == CPU_BF16.cpu_flags
    assert (auto_policy([CPU_BF16], candidates="mixed_bfloat16").policy
            == auto_policy([CPU_BF16], candidates=["mixed_bfloat16"]).policy)
