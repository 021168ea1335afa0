"""Gradient: the same numbers as a hand-written GradientTape, for the input and a layer; one trace."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core import objectives as obj
from interpret.core.grad import Gradient
from interpret.core.probe import Probe


@pytest.fixture
def images():
    return np.random.default_rng(0).random((4, 16, 16, 3), dtype=np.float32)


def _tape_input_gradient(model, x, targets):
    from interpret._tf import tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        values = tf.gather(model(x), targets, batch_dims=1)
        total = tf.reduce_sum(values)
    return values.numpy(), tape.gradient(total, x).numpy()


def _tape_layer_gradient(model, x, targets, layer):
    """Run the Sequential model by hand, watching ``layer``'s output."""
    from interpret._tf import tf

    h = tf.constant(x)
    with tf.GradientTape() as tape:
        acts = None
        for lay in model.layers:
            h = lay(h)
            if lay.name == layer:
                acts = h
                tape.watch(acts)
        values = tf.gather(h, targets, batch_dims=1)
        total = tf.reduce_sum(values)
    return values.numpy(), acts.numpy(), tape.gradient(total, acts).numpy()


def test_input_gradient_equals_a_hand_written_tape(tiny_cnn, images):
    targets = np.array([0, 4, 2, 2], np.int32)
    values, grads = Gradient(Probe(tiny_cnn), obj.class_logit)(images, targets)
    want_values, want_grads = _tape_input_gradient(tiny_cnn, images, targets)
    np.testing.assert_allclose(values, want_values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads, want_grads, rtol=1e-4, atol=1e-6)
    assert np.abs(grads).max() > 0


def test_layer_gradient_equals_a_hand_written_tape(tiny_cnn, images):
    targets = np.array([1, 3, 0, 4], np.int32)
    cam = Gradient(Probe(tiny_cnn), obj.class_logit, wrt="c2")
    values, acts, grads = cam(images, targets)
    want_values, want_acts, want_grads = _tape_layer_gradient(tiny_cnn, images, targets, "c2")
    assert acts.shape == grads.shape == (4, 5, 5, 6)
    np.testing.assert_allclose(values, want_values, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(acts, want_acts, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads, want_grads, rtol=1e-4, atol=1e-6)


def test_a_fixed_objective_needs_no_targets(tiny_cnn, images):
    from interpret._tf import tf

    values, grads = Gradient(Probe(tiny_cnn), obj.channel("c1", 2))(images)
    x = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        want = tf.reduce_mean(tiny_cnn.get_layer("c1")(x)[..., 2], axis=[1, 2])
        total = tf.reduce_sum(want)
    np.testing.assert_allclose(values, want.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads, tape.gradient(total, x).numpy(), rtol=1e-4, atol=1e-7)


def test_one_trace_serves_every_batch_size_and_batches_agree(tiny_cnn, images):
    grad = Gradient(Probe(tiny_cnn), obj.class_logit, batch_size=3)
    outs = [grad(images[:n], np.arange(n) % 5) for n in (1, 2, 4)]
    assert grad.tensors.experimental_get_tracing_count() == 1
    whole = Gradient(Probe(tiny_cnn), obj.class_logit)(images, np.arange(4) % 5)
    for got, want in zip(outs[-1], whole):  # 4 images in batches of 3 and 1 = in one batch
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(outs[0][1], whole[1][:1], rtol=1e-5, atol=1e-7)


def test_a_scalar_target_is_broadcast_and_no_images_give_empty_arrays(tiny_cnn, images):
    grad = Gradient(Probe(tiny_cnn), obj.class_logit)
    values, _ = grad(images, 3)
    np.testing.assert_allclose(values, grad(images, [3, 3, 3, 3])[0])
    empty = Gradient(Probe(tiny_cnn), obj.class_logit, wrt="c1")(images[:0], [])
    assert len(empty) == 3 and all(len(a) == 0 for a in empty)


def test_an_unknown_layer_is_a_user_error(tiny_cnn):
    from interpret.core.errors import UserError

    with pytest.raises(UserError, match="unknown layer 'nope'"):
        Gradient(Probe(tiny_cnn), obj.class_logit, wrt="nope")
