"""Every ``>>>`` example in keras_boost's docstrings runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import keras_boost

MODULES = sorted(info.name for info in pkgutil.walk_packages(keras_boost.__path__, "keras_boost.")
                 if not info.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
