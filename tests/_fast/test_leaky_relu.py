"""interpret._fast.leaky_relu: the same values and gradients as the plain max(x, slope * x)."""

from __future__ import annotations

import numpy as np
import pytest

from interpret._fast.leaky_relu import leaky_relu
from interpret._tf import tf


def test_leaky_relu_value_and_gradient():
    x = tf.constant([-2.0, -0.5, 0.5, 3.0])
    slope = tf.constant(0.1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = leaky_relu(x, slope)
        loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(y.numpy(), [-0.2, -0.05, 0.5, 3.0], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [0.1, 0.2, 3.0, 4.0], rtol=1e-6)
    # at 0 the value is 0 and the slope is the gradient; with slope 0 it is the ReLU's
    for s, want_grad in ((0.1, [0.1, 0.1, 1.0]), (0.0, [0.0, 0.0, 1.0])):
        x = tf.constant([-1.0, 0.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = leaky_relu(x, tf.constant(s))
        np.testing.assert_allclose(y.numpy(), [-s, 0.0, 2.0], rtol=1e-6)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want_grad, rtol=1e-6)


@pytest.mark.parametrize("slope", [0.0, 0.05, 0.3, 1.0])
def test_equals_the_plain_form(slope):
    x = tf.constant(np.random.default_rng(0).normal(size=(4, 5, 5, 3)).astype("float32"))
    s = tf.constant(slope)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        fast = leaky_relu(x, s)
        plain = tf.maximum(x, s * x)
    np.testing.assert_array_equal(fast.numpy(), plain.numpy())
    np.testing.assert_array_equal(tape.gradient(fast, x).numpy(), tape.gradient(plain, x).numpy())
