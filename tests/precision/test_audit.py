"""audit: findings on deliberately bad models, none on a correct one, raise_on."""

import json

import keras
import numpy as np
import pytest
from keras import ops

from keras_boost.precision import (
    CODES,
    AuditReport,
    MixedPrecisionAuditError,
    audit,
    mixed_precision,
)


class HardCodedDtype(keras.layers.Layer):
    """A custom layer that pins itself to float32 whatever the policy."""

    def __init__(self, **kwargs):
        kwargs.pop("dtype", None)
        super().__init__(dtype="float32", **kwargs)

    def call(self, x):
        return x * 2.0


class CastsToFloat32(keras.layers.Layer):
    """A custom layer that follows the policy but casts its output to float32."""

    def call(self, x):
        return ops.cast(x, "float32") + 1.0


def good_model():
    with mixed_precision("mixed_float16"):
        inputs = keras.Input((6,))
        x = keras.layers.Dense(8, activation="relu")(inputs)
        x = keras.layers.Dense(3)(x)
        outputs = keras.layers.Activation("softmax", dtype="float32")(x)
        model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def test_a_correct_mixed_float16_model_has_no_findings():
    report = audit(good_model(), raise_on="warning")
    assert isinstance(report, AuditReport)
    assert report.ok and len(report) == 0 and report.policy == "mixed_float16"
    assert "no findings" in str(report)


def test_bad_model_gets_every_finding_and_is_left_unchanged():
    with mixed_precision("mixed_float16"):
        model = keras.Sequential([
            keras.Input((6,)),
            keras.layers.Dense(8, activity_regularizer="l2"),
            HardCodedDtype(),
            CastsToFloat32(),
            keras.layers.Dense(8, dtype="float16"),
            keras.layers.Dense(3, activation="softmax"),
        ])
    model.compile("adam", "sparse_categorical_crossentropy")
    weights = [w.copy() for w in model.get_weights()]
    policies = [layer.dtype_policy.name for layer in model.layers]
    report = audit(model)
    by_code = {f.code: f for f in report}
    assert set(by_code) == {"float16-output", "activity-regularizer", "hard-coded-dtype",
                            "policy-ignored", "half-variable"}
    assert by_code["float16-output"].layer == model.layers[-1].name
    assert by_code["hard-coded-dtype"].layer == model.layers[1].name
    assert by_code["policy-ignored"].layer == model.layers[2].name
    assert by_code["half-variable"].layer == model.layers[3].name
    assert not report.ok and len(report.errors) == 3 and len(report.warnings) == 2
    assert all(f.severity == CODES[f.code][0] and f.fix for f in report)
    assert json.loads(json.dumps(report.to_dicts()))[0]["code"] in CODES
    assert "float16-output" in str(report)
    assert [layer.dtype_policy.name for layer in model.layers] == policies
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights(), strict=True))


def test_float16_layers_without_loss_scaling():
    # compile() adds loss scaling only when the *model's* policy is mixed_float16.
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, dtype="mixed_float16"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    assert audit(model).codes() == {"no-loss-scaling"}
    model.compile(keras.mixed_precision.LossScaleOptimizer(keras.optimizers.Adam()),
                  "sparse_categorical_crossentropy")
    assert audit(model).codes() == set()


def test_linear_and_sigmoid_outputs_of_a_functional_model():
    with mixed_precision("mixed_bfloat16"):
        inputs = keras.Input((6,))
        logits = keras.layers.Dense(3, name="logits")(inputs)
        gate = keras.layers.Dense(1, activation="sigmoid", name="gate")(inputs)
        model = keras.Model(inputs, [logits, gate])
    found = {(f.code, f.layer) for f in audit(model)}
    assert found == {("half-output", "logits"), ("float16-output", "gate")}


def test_raise_on():
    with mixed_precision("mixed_float16"):
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(MixedPrecisionAuditError, match="float16-output") as info:
        audit(model, raise_on="error")
    assert isinstance(info.value, ValueError)
    assert info.value.report.codes() == {"float16-output"}
    assert audit(model, raise_on=["half-output"]).codes() == {"float16-output"}
    with pytest.raises(ValueError, match="raise_on.*'error'"):
        audit(model, raise_on="errors")
    with pytest.raises(TypeError, match="keras.Model"):
        audit(keras.layers.Dense(3))


@pytest.mark.slow
def test_the_activity_regularizer_finding_is_real():
    # The upstream defect audit warns about: fit crashes with a dtype TypeError.
    with mixed_precision("mixed_bfloat16"):
        model = keras.Sequential([keras.Input((4,)),
                                  keras.layers.Dense(4, activity_regularizer="l2"),
                                  keras.layers.Dense(1, dtype="float32")])
    model.compile("sgd", "mse")
    assert audit(model).codes() == {"activity-regularizer"}
    with pytest.raises(TypeError):
        model.fit(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"), verbose=0)
