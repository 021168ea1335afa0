"""interpret._fast.conv_grad: the depthwise input gradient equals TensorFlow's, and covers only what it can."""

from __future__ import annotations

import numpy as np
import pytest


def _conv(kernel: int, padding: str, filters: int = 6, channels: int = 1, **kw):
    from interpret._tf import keras

    keras.utils.set_random_seed(3)
    layer = keras.layers.Conv2D(filters, kernel, padding=padding, activation="relu", **kw)
    layer.build((None, 11, 12, channels))
    return layer


def _input_grad(layer, x, seed: int = 0):
    """Gradient of a fixed random weighting of the layer's output, w.r.t. its input."""
    from interpret._tf import tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        w = tf.random.stateless_normal(tf.shape(y), [seed, 1])
        loss = tf.reduce_sum(w * y)
    return y.numpy(), tape.gradient(loss, x).numpy()


@pytest.mark.parametrize(
    "kernel,padding", [(5, "same"), (3, "valid"), (4, "same"), ((2, 5), "same"), (4, "valid")]
)
def test_same_output_and_same_input_gradient_as_keras(monkeypatch, kernel, padding):
    monkeypatch.setenv("INTERPRET_CONV_GRAD", "depthwise")
    from interpret._fast.conv_grad import fast_input_grad

    layer = _conv(kernel, padding)
    fast = fast_input_grad(layer)
    assert fast is not layer
    x = np.random.default_rng(0).random((3, 11, 12, 1), dtype=np.float32)
    y_ref, g_ref = _input_grad(layer, x)
    y, g = _input_grad(fast, x)
    np.testing.assert_allclose(y, y_ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g, g_ref, rtol=1e-4, atol=1e-4)
    assert np.abs(g).max() > 0.1  # a real gradient, not zeros on both sides


def test_the_kernel_gradient_is_kept(monkeypatch):
    monkeypatch.setenv("INTERPRET_CONV_GRAD", "depthwise")
    from interpret._fast.conv_grad import fast_input_grad
    from interpret._tf import tf

    layer = _conv(3, "same")
    x = tf.constant(np.random.default_rng(1).random((2, 11, 12, 1), dtype=np.float32))
    grads = []
    for f in (layer, fast_input_grad(layer)):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(f(x) ** 2)
        grads.append(tape.gradient(loss, layer.kernel).numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "kw", [{"channels": 3}, {"strides": 2}, {"dilation_rate": 2}, {"padding": "causal"}]
)
def test_layers_it_does_not_cover_come_back_unchanged(kw):
    from interpret._fast.conv_grad import covers, fast_input_grad

    kw = dict(kw)
    padding = kw.pop("padding", "same")
    if padding == "causal":  # Conv2D has no causal padding: a Conv1D stands in for "other"
        from interpret._tf import keras

        layer = keras.layers.Conv1D(4, 3, padding="causal")
        layer.build((None, 10, 1))
    else:
        layer = _conv(3, padding, **kw)
    assert not covers(layer)
    assert fast_input_grad(layer) is layer


def test_the_probe_uses_it_and_matches_the_model(monkeypatch):
    """A greyscale CNN: the extractor's gradient equals the plain model's."""
    monkeypatch.setenv("INTERPRET_CONV_GRAD", "depthwise")
    from interpret._tf import keras, tf
    from interpret.core.probe import Probe

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(5, 5, padding="same", activation="relu", name="c1"),
            keras.layers.Flatten(),
            keras.layers.Dense(3, name="out"),
        ]
    )
    probe = Probe(model)
    ext = probe.extractor((), logits=True)
    assert any(layer.name == "c1_fastgrad" for layer in ext.model.layers)
    x = tf.constant(np.random.default_rng(2).random((4, 12, 12, 1), dtype=np.float32))
    grads = []
    for f in (lambda v: ext(v)[0], model):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(f(x) * tf.constant([1.0, -2.0, 0.5]))
        grads.append(tape.gradient(loss, x).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("asked,wrapped", [("depthwise", True), ("tensorflow", False)])
def test_the_route_can_be_pinned(monkeypatch, asked, wrapped):
    from interpret._fast.conv_grad import fast_input_grad

    monkeypatch.setenv("INTERPRET_CONV_GRAD", asked)
    layer = _conv(3, "same")
    assert (fast_input_grad(layer) is not layer) == wrapped


def test_auto_keeps_the_route_the_timing_picked(monkeypatch):
    from interpret._fast import conv_grad

    monkeypatch.delenv("INTERPRET_CONV_GRAD", raising=False)
    calls = []

    def pick(kernel, spatial, padding):
        calls.append((kernel, spatial, padding))
        return picked

    monkeypatch.setattr(conv_grad, "depthwise_is_faster", pick)
    layer = _conv(3, "same")
    for picked in (True, False):
        assert (conv_grad.fast_input_grad(layer) is not layer) == picked
    assert calls[0] == ((3, 3, 1, 6), (32, 32), "same")  # a built layer with no graph input


def test_the_timing_compares_both_routes(monkeypatch):
    from interpret._fast import conv_grad

    times = iter([1.0, 2.0, 2.0, 1.0])  # ours, theirs; then ours slower

    monkeypatch.setattr(conv_grad, "_best_time", lambda fn, arg: next(times))
    conv_grad.depthwise_is_faster.cache_clear()
    assert conv_grad.depthwise_is_faster((3, 3, 1, 4), (8, 8), "same", batch=2)
    assert not conv_grad.depthwise_is_faster((3, 3, 1, 4), (8, 8), "valid", batch=2)
    conv_grad.depthwise_is_faster.cache_clear()


def test_an_unknown_route_is_one_clear_error(monkeypatch):
    from interpret._fast.conv_grad import fast_input_grad
    from interpret.core.errors import UserError

    monkeypatch.setenv("INTERPRET_CONV_GRAD", "fastest")
    with pytest.raises(UserError, match="INTERPRET_CONV_GRAD='fastest'.*depthwise"):
        fast_input_grad(_conv(3, "same"))
