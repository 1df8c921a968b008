"""auto_policy() on this machine's CPU: the built-in probe decides bfloat16 vs float32."""

import sys

import keras
import numpy as np
import pytest

from keras_boost.precision import DeviceInfo, auto_policy, mixed_precision, policy, probe
from keras_boost.precision.devices import onednn_enabled

CPU_BF16 = DeviceInfo("CPU", "zen4", cpu_flags={"avx512f", "avx512_bf16"})


class FakeProbe:
    """Stands in for the two-second timing: returns the speed-up it was given."""

    def __init__(self, gain):
        self.gain, self.calls = gain, []

    def __call__(self, candidates, jit_compile):
        self.calls.append((candidates, jit_compile))
        speed = {"float32": 10.0, "mixed_bfloat16": 10.0 * self.gain}
        return speed, {"mixed_bfloat16": [self.gain] * 10}


@pytest.fixture
def on_machine(monkeypatch):
    """Pretend this machine is the given devices; return the fake probe installed."""

    def install(devices, gain=1.5):
        fake = FakeProbe(gain)
        monkeypatch.setattr(policy, "detect_devices", lambda: list(devices))
        monkeypatch.setattr(probe, "time_probe", fake)
        return fake

    return install


def test_a_bfloat16_cpu_gets_bfloat16_when_the_probe_measures_it_faster(on_machine):
    fake = on_machine([CPU_BF16], gain=1.5)
    choice = auto_policy()
    assert choice.policy == "mixed_bfloat16"
    assert "avx512_bf16" in choice.reason and "1.50x" in choice.reason
    assert "measure=" in choice.reason
    assert choice.throughput == {"float32": 10.0, "mixed_bfloat16": 15.0}
    assert fake.calls == [(("float32", "mixed_bfloat16"), False)]


def test_a_bfloat16_cpu_stays_float32_when_the_probe_gains_too_little(on_machine):
    on_machine([CPU_BF16], gain=1.02)
    choice = auto_policy()
    assert choice.policy == "float32"
    assert "1.02x" in choice.reason and "not 5% faster" in choice.reason


def test_the_probe_is_compiled_with_xla_when_the_model_will_be(on_machine):
    fake = on_machine([CPU_BF16])
    auto_policy(jit_compile=True)
    auto_policy(jit_compile="auto")  # Keras' "auto" is no XLA on a CPU
    assert [jit for _, jit in fake.calls] == [True, False]
    with pytest.raises(ValueError, match="jit_compile"):
        auto_policy(jit_compile="yes")


@pytest.mark.parametrize("devices, kwargs", [
    ([DeviceInfo("CPU", cpu_flags={"avx512_bf16"}, onednn=False)], {}),  # generic kernels
    ([CPU_BF16], {"probe": False}),
    ([DeviceInfo("CPU", cpu_flags={"avx2"})], {}),  # no bfloat16 instructions
    ([DeviceInfo("GPU", "T4", (7, 5)), CPU_BF16], {}),  # the GPU decides
])
def test_no_probe_where_the_hardware_answers_or_the_user_declines(on_machine, devices, kwargs):
    fake = on_machine(devices)
    choice = auto_policy(**kwargs)
    assert fake.calls == []
    assert choice.policy == ("mixed_float16" if devices[0].kind == "GPU" else "float32")


def test_onednn_off_is_named_in_the_reason(on_machine):
    on_machine([DeviceInfo("CPU", cpu_flags={"avx512_bf16"}, onednn=False)])
    assert "TF_ENABLE_ONEDNN_OPTS=0" in auto_policy().reason


def test_injected_devices_are_never_probed(on_machine):
    fake = on_machine([CPU_BF16])
    assert auto_policy([CPU_BF16]).policy == "float32"  # another machine: nothing to time
    assert fake.calls == []


def test_mixed_precision_auto_uses_the_probe(on_machine):
    on_machine([CPU_BF16], gain=2.0)
    with mixed_precision("auto") as scope:
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
        assert scope.choice.policy == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == "float32"


def test_the_real_probe_leaves_keras_random_state_and_policy_alone():
    probe.time_probe.cache_clear()
    keras.utils.set_random_seed(7)
    expected = keras.random.uniform((4,))
    keras.utils.set_random_seed(7)
    speed, ratios = probe.time_probe(("float32", "mixed_bfloat16"), False)
    np.testing.assert_array_equal(keras.random.uniform((4,)), expected)
    assert keras.config.dtype_policy().name == "float32"
    assert speed["float32"] > 0 and speed["mixed_bfloat16"] > 0
    assert len(ratios["mixed_bfloat16"]) == 10
    assert probe.time_probe(("float32", "mixed_bfloat16"), False) == (speed, ratios)  # cached


def test_onednn_state_falls_back_to_the_environment_switch(monkeypatch):
    import tensorflow.python.util as tf_util

    real = onednn_enabled()
    assert isinstance(real, bool)
    monkeypatch.delattr(tf_util, "_pywrap_util_port")
    monkeypatch.setitem(sys.modules, "tensorflow.python.util._pywrap_util_port", None)
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    assert onednn_enabled() is False
