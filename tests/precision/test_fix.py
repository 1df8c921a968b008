"""fix_output_dtype: a corrected copy, the original untouched; mixed_float16 trains finitely."""

import keras
import numpy as np
import pytest

from keras_boost.precision import audit, fix_output_dtype, mixed_precision


def softmax_model():
    with mixed_precision("mixed_float16"):
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fix_returns_a_corrected_copy_and_leaves_the_original():
    model = softmax_model()
    weights = [w.copy() for w in model.get_weights()]
    fixed = fix_output_dtype(model)
    assert fixed is not model
    assert audit(model).codes() == {"float16-output"}
    assert audit(fixed).codes() == set()
    assert model.layers[-1].compute_dtype == "float16"
    assert fixed.layers[-1].compute_dtype == "float32"
    assert fixed.layers[0].compute_dtype == "float16"  # only the output layer changes
    assert fixed.dtype_policy.name == "mixed_float16"
    assert isinstance(fixed.optimizer, keras.optimizers.LossScaleOptimizer)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights(), strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(weights, fixed.get_weights(), strict=True))
    x = np.random.default_rng(0).random((5, 6), dtype="float32")
    np.testing.assert_allclose(fixed.predict(x, verbose=0),
                               model.predict(x, verbose=0).astype("float32"), atol=2e-3)
    assert keras.config.dtype_policy().name == "float32"


def test_fix_rejects_what_it_cannot_copy():
    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    sub = Sub()
    sub(np.ones((1, 2), "float32"))
    with pytest.raises(TypeError, match="dtype='float32'"):
        fix_output_dtype(sub)
    with pytest.raises(ValueError, match="dtype 'float32'"):
        fix_output_dtype(softmax_model(), dtype="float16")
    with pytest.raises(TypeError, match="keras.Model"):
        fix_output_dtype("model")


@pytest.mark.slow
def test_fixed_mixed_float16_model_trains_to_a_finite_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0)
    fixed = fix_output_dtype(softmax_model())
    history = fixed.fit(x, y, batch_size=16, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert isinstance(fixed.optimizer, keras.optimizers.LossScaleOptimizer)


def test_nested_output_model_is_audited_and_fixed_inside():
    with mixed_precision("mixed_float16"):
        head = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
        inputs = keras.Input((4,))
        model = keras.Model(inputs, head(keras.layers.Dense(8)(inputs)))
    [finding] = audit(model)
    assert (finding.code, finding.layer) == ("float16-output", head.layers[-1].name)
    fixed = fix_output_dtype(model)
    assert fixed.layers[-1].layers[-1].compute_dtype == "float32"
    assert head.layers[-1].compute_dtype == "float16"
    assert audit(fixed).codes() == set()
    assert all(np.array_equal(a, b)
               for a, b in zip(model.get_weights(), fixed.get_weights(), strict=True))
