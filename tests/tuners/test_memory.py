"""A search does not keep every trial's traced graphs alive (tensorflow#97697)."""

import gc

import keras
import tensorflow as tf
from tensorflow.python.framework.func_graph import FuncGraph
from tuner_helpers import build_mlp, mlp_data

from keras_boost.tuners import Tuner, _memory


def _live_graphs():
    keras.backend.clear_session()
    gc.collect()
    return sum(isinstance(o, FuncGraph) for o in gc.get_objects())


def test_trials_leave_no_traced_graph_or_gradient_behind(tmp_path):
    x, y = mlp_data()
    graphs, gradients = _live_graphs(), _memory.custom_gradient_names()
    tuner = Tuner(build_mlp, max_trials=3, seed=0, directory=str(tmp_path))
    tuner.search(x, y, validation_split=0.25, epochs=1, verbose=0)
    assert len(tuner.results()) == 3
    # Without the release every trial keeps its graphs through the gradient registry.
    assert _memory.custom_gradient_names() <= gradients
    assert _live_graphs() <= graphs


def test_release_drops_only_what_was_registered_since():
    keep = _memory.custom_gradient_names()

    @tf.custom_gradient
    def double(v):
        return 2 * v, lambda upstream: 2 * upstream

    @tf.function
    def grad(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            out = double(v)
        return tape.gradient(out, v)

    assert float(grad(tf.constant(1.0))) == 2.0
    added = _memory.custom_gradient_names() - keep
    assert len(added) == 1
    assert _memory.release_custom_gradients(keep) == 1
    assert _memory.custom_gradient_names() == keep
    assert _memory.release_custom_gradients(keep) == 0


def test_gc_frozen_freezes_what_exists_and_always_unfreezes():
    with _memory.gc_frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    try:
        with _memory.gc_frozen():
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.get_freeze_count() == 0


def test_gc_frozen_leaves_a_callers_own_freeze_alone():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _memory.gc_frozen():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_search_runs_its_trials_with_the_heap_frozen(tmp_path):
    x, y = mlp_data()
    seen = []

    class RecordFreeze(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(gc.get_freeze_count())

    tuner = Tuner(build_mlp, max_trials=2, seed=0, directory=str(tmp_path))
    tuner.search(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[RecordFreeze()])
    assert len(seen) == 2 and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0
