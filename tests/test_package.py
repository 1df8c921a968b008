"""Importing keras_boost changes nothing in the process and never imports tfmot."""

import json
import subprocess
import sys
from importlib.metadata import version

import keras_boost

_PROBE = r"""
import json, os, pkgutil, random, sys
import numpy as np
import keras
env_before = dict(os.environ)
np_state = np.random.get_state()[1].copy()
py_state = random.getstate()
policy = keras.mixed_precision.global_policy().name
import keras_boost
modules = []
for info in pkgutil.walk_packages(keras_boost.__path__, "keras_boost."):
    __import__(info.name)
    modules.append(info.name)
print(json.dumps({
    "env_changed": sorted(k for k in set(os.environ) | set(env_before)
                          if os.environ.get(k) != env_before.get(k)),
    "numpy_seeded": bool((np.random.get_state()[1] != np_state).any()),
    "python_seeded": random.getstate() != py_state,
    "policy": keras.mixed_precision.global_policy().name,
    "policy_before": policy,
    "tfmot_imported": any(m.startswith("tensorflow_model_optimization") for m in sys.modules),
    "tf_keras_imported": "tf_keras" in sys.modules,
    "modules": modules,
}))
"""


def test_import_has_no_side_effects():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         check=True, env={"TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin"})
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert "keras_boost.testing.contracts" in report["modules"]
    assert report["env_changed"] == []
    assert not report["numpy_seeded"] and not report["python_seeded"]
    assert report["policy"] == report["policy_before"] == "float32"
    assert not report["tfmot_imported"], "importing keras_boost must not import tfmot"
    assert not report["tf_keras_imported"]


def test_subpackages_load_on_attribute_access():
    for name in keras_boost.SUBPACKAGES:
        assert getattr(keras_boost, name).__name__ == f"keras_boost.{name}"
    try:
        keras_boost.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "callbacks" in str(error)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")


def test_version_matches_the_installed_distribution():
    assert keras_boost.__version__ == version("keras-boost")
    assert "__version__" in keras_boost.__all__
