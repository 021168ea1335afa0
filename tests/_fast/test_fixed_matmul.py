import numpy as np
import pytest

from interpret._fast.fixed_matmul import fixed_matmul
from interpret._tf import tf


@pytest.mark.parametrize(
    "a_shape, x_shape",
    [((4, 3), (3, 5)), ((2, 4, 3), (2, 3, 5)), ((2, 4, 3), (3, 5)), ((2, 4, 3), (6, 2, 3, 5))],
)
@pytest.mark.parametrize("transpose_x", [False, True])
def test_value_and_gradient_match_matmul(a_shape, x_shape, transpose_x):
    rng = np.random.default_rng(0)
    if transpose_x:  # x^T @ a: a's rows meet x's rows
        a_shape = (*a_shape[:-2], x_shape[-2], a_shape[-2])
    a = tf.constant(rng.standard_normal(a_shape).astype("float32"))
    x = tf.constant(rng.standard_normal(x_shape).astype("float32"))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        want = tf.matmul(tf.linalg.matrix_transpose(x), a) if transpose_x else tf.matmul(a, x)
        got = fixed_matmul(a, x, transpose_x=transpose_x)
        weights = tf.constant(rng.standard_normal(want.shape).astype("float32"))
        loss_want, loss_got = tf.reduce_sum(want * weights), tf.reduce_sum(got * weights)
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-5)
    g_want, g_got = tape.gradient(loss_want, x), tape.gradient(loss_got, x)
    assert g_got.shape == x.shape
    np.testing.assert_allclose(g_got.numpy(), g_want.numpy(), atol=1e-4)


def test_no_gradient_for_the_fixed_factor():
    a = tf.Variable(tf.ones((2, 2)))
    x = tf.Variable(tf.ones((2, 3)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(fixed_matmul(a, x))
    ga, gx = tape.gradient(loss, [a, x])
    assert ga is None and gx is not None
