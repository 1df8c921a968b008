"""Process-level behaviour, each in a fresh interpreter: tfmot never imported for Keras 3,
the tf_keras bridge leaves TF_USE_LEGACY_KERAS as it was, MirroredStrategy on two CPUs."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def _run(code_or_path, env_extra=None, unset=()):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env_extra or {}))
    for name in unset:
        env.pop(name, None)
    args = [str(code_or_path)] if isinstance(code_or_path, Path) else [
        "-c", textwrap.dedent(code_or_path)]
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


SCRIPT = """
    import os, sys
    import numpy as np, keras
    import keras_boost
    from keras_boost import pruning

    # 1. Keras 3: tfmot is never imported, the environment is untouched.
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    pruned = pruning.prune_low_magnitude(model, pruning.ConstantSparsity(0.5, 0, frequency=1))
    pruned.compile("sgd", "mse")
    pruned.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0,
               callbacks=[pruning.UpdatePruningStep()])
    pruning.sparsity_report(pruning.strip_pruning(pruned))
    print("tfmot" if "tensorflow_model_optimization" in sys.modules else "no-tfmot")
    print(os.environ.get("TF_USE_LEGACY_KERAS", "unset"))

    # 2. tf_keras: handed to tfmot, the environment put back as it was.
    import tf_keras
    model = tf_keras.Sequential([tf_keras.layers.Dense(8, input_shape=(4,)),
                                 tf_keras.layers.Dense(2)])
    pruned = pruning.prune_low_magnitude(model, pruning.ConstantSparsity(0.5, 0, frequency=1))
    assert type(pruned.layers[0]).__module__.startswith("tensorflow_model_optimization")
    assert type(model.layers[0]).__name__ == "Dense"
    print("tfmot" if "tensorflow_model_optimization" in sys.modules else "no-tfmot")
    print(os.environ.get("TF_USE_LEGACY_KERAS", "unset"))
    pruned.compile("sgd", "mse")
    pruned.fit(np.ones((8, 4)), np.ones((8, 2)), verbose=0,
               callbacks=[pruning.UpdatePruningStep()])
    stripped = pruning.strip_pruning(pruned)
    print(float(np.mean(stripped.layers[0].get_weights()[0] == 0)))
    try:
        pruning.prune_low_magnitude(model, object())
    except TypeError as error:
        print("TypeError" if "tfmot" in str(error) else str(error))
    try:
        pruning.prune_low_magnitude(model, global_pruning=True)
    except ValueError as error:
        assert "no global pruning" in str(error), error
    os.environ["TF_USE_LEGACY_KERAS"] = "0"
    pruning.strip_pruning(pruned)
    print(os.environ.get("TF_USE_LEGACY_KERAS", "unset"))
"""


@pytest.mark.slow
def test_tfmot_only_for_tf_keras_models_and_the_environment_is_kept():
    out = _run(SCRIPT, unset=["TF_USE_LEGACY_KERAS"])
    assert out.split() == ["no-tfmot", "unset", "tfmot", "unset", "0.5", "TypeError", "0"]


@pytest.mark.slow
def test_mirrored_strategy_on_two_logical_cpus():
    out = _run(HERE / "_mirrored.py")
    sparsities = [float(line.split()[-1]) for line in out.strip().splitlines()]
    assert sparsities == [0.75, 0.75]
