"""interpret._fast.adam: the fused kernel takes the textbook Adam step."""

from __future__ import annotations

import numpy as np

from interpret._fast.adam import apply_adam
from interpret._tf import tf


def test_matches_the_formula_over_several_steps():
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(3, 4)).astype("float32")
    var, m, v = tf.Variable(x0), tf.Variable(tf.zeros_like(x0)), tf.Variable(tf.zeros_like(x0))
    want, mm, vv = x0.astype("float64"), np.zeros_like(x0, "float64"), np.zeros_like(x0, "float64")
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    for t in range(1, 6):
        g = rng.normal(size=x0.shape).astype("float32")
        apply_adam(var, m, v, tf.constant(g), tf.constant(t), lr)
        mm = b1 * mm + (1 - b1) * g
        vv = b2 * vv + (1 - b2) * g.astype("float64") ** 2
        want = want - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * mm / (np.sqrt(vv) + eps)
    np.testing.assert_allclose(var.numpy(), want, rtol=1e-5, atol=1e-6)
