"""mixed_precision: plain call, context manager, nesting, exceptions, bad names."""

import keras
import pytest

from keras_boost.precision import DeviceInfo, PolicyScope, mixed_precision


def current():
    return keras.config.dtype_policy().name


def test_plain_call_sets_the_global_policy_and_layers_follow():
    scope = mixed_precision("mixed_float16")
    assert isinstance(scope, PolicyScope)
    assert current() == "mixed_float16" and scope.previous.name == "float32"
    assert keras.layers.Dense(2).compute_dtype == "float16"
    scope.restore()
    assert current() == "float32"


def test_context_manager_restores_on_exit_and_on_exception():
    with mixed_precision("mixed_bfloat16") as scope:
        assert current() == "mixed_bfloat16" and scope.policy == "mixed_bfloat16"
        assert scope.reason == "requested"
    assert current() == "float32"
    with pytest.raises(RuntimeError, match="boom"):
        with mixed_precision("mixed_float16"):
            raise RuntimeError("boom")
    assert current() == "float32"


def test_nested_scopes_restore_in_order():
    with mixed_precision("mixed_float16"):
        with mixed_precision("mixed_bfloat16"):
            with mixed_precision("float32"):
                assert current() == "float32"
            assert current() == "mixed_bfloat16"
        assert current() == "mixed_float16"
    assert current() == "float32"


def test_restores_a_non_default_previous_policy():
    keras.config.set_dtype_policy("mixed_bfloat16")
    with mixed_precision(keras.DTypePolicy("mixed_float16")):
        assert current() == "mixed_float16"
    assert current() == "mixed_bfloat16"


def test_auto_uses_auto_policy_with_its_arguments():
    t4 = [DeviceInfo("GPU", "Tesla T4", compute_capability=(7, 5))]
    with mixed_precision("auto", devices=t4) as scope:
        assert current() == "mixed_float16" == scope.policy
        assert "Tesla T4" in scope.reason and scope.choice.policy == "mixed_float16"
    with mixed_precision(devices=[DeviceInfo("CPU")]) as scope:
        assert current() == "float32" and "CPU" in scope.reason
    assert current() == "float32"


def test_bad_policies_raise_and_change_nothing():
    keras.config.set_dtype_policy("mixed_bfloat16")
    with pytest.raises(ValueError) as info:
        mixed_precision("fp16")
    message = str(info.value)
    for name in ("'auto'", "'float32'", "'mixed_float16'", "'mixed_bfloat16'", "'fp16'"):
        assert name in message
    with pytest.raises(ValueError, match="Did you mean 'mixed_bfloat16'"):
        mixed_precision("mixed_bfloat")
    with pytest.raises(ValueError, match="Did you mean 'mixed_float16'"):
        mixed_precision("16-mixed")  # Lightning's name: a hint, not an alias
    with pytest.raises(ValueError, match="Did you mean 'mixed_float16'"):
        mixed_precision("float16")  # a valid Keras policy, but float16 variables
    with pytest.raises(TypeError, match="string or a keras.DTypePolicy"):
        mixed_precision(16)
    with pytest.raises(ValueError, match="only with policy='auto'"):
        mixed_precision("float32", devices=[DeviceInfo("CPU")])
    assert current() == "mixed_bfloat16"
