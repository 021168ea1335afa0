"""The updates: each step rule and projection against its formula in NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.core.updates import Adam, Ball, L2Step, NormalisedStep, SignedStep


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    x0 = rng.uniform(0.2, 0.8, (3, 4, 4, 1)).astype(np.float32)
    g = rng.normal(size=x0.shape).astype(np.float32)
    return x0, g


def _apply(update, x0, g):
    from interpret._tf import tf

    x = tf.Variable(x0)
    update.build([x])
    update.apply([x], [tf.constant(g)], tf.constant(1, tf.int64))
    return x.numpy()


def test_signed_step_then_linf_projection_and_box(batch):
    x0, g = batch
    eps, size = 0.05, 0.1
    got = _apply(SignedStep(size, Ball("linf", x0, eps)), x0, g)
    want = np.clip(np.clip(x0 - size * np.sign(g), x0 - eps, x0 + eps), 0, 1)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert np.abs(got - x0).max() <= eps + 1e-6


def test_l2_step_is_normalised_per_image_and_projected_onto_the_ball(batch):
    x0, g = batch
    norms = np.sqrt((g**2).sum(axis=(1, 2, 3), keepdims=True))
    inside = _apply(L2Step(0.1, Ball("l2", x0, 10.0)), x0, g)  # a ball too big to matter
    np.testing.assert_allclose(inside, np.clip(x0 - 0.1 * g / norms, 0, 1), atol=1e-6)
    step = np.sqrt(((inside - x0) ** 2).sum(axis=(1, 2, 3)))
    assert np.all(step <= 0.1 + 1e-5) and np.all(step > 0.05)

    small = _apply(L2Step(1.0, Ball("l2", x0, 0.2)), x0, g)
    dist = np.sqrt(((small - x0) ** 2).sum(axis=(1, 2, 3)))
    assert np.all(dist <= 0.2 + 1e-5)


def test_ball_projection_formulas_and_set():
    from interpret._tf import tf

    x0 = np.array([[0.5, 0.5]], np.float32)
    far = tf.constant([[0.5 + 3.0, 0.5 + 4.0]])
    l2 = Ball("l2", x0, 0.5)
    np.testing.assert_allclose(l2.project(far).numpy(), [[0.8, 0.9]], atol=1e-6)  # scaled back
    np.testing.assert_allclose(l2.project(far - 4.0).numpy(), [[0.0, 0.5]])  # inside, then the box
    np.testing.assert_allclose(
        Ball("l2", [[0.0, 0.0]], 0.5).project(tf.constant([[0.3, 0.4]])).numpy(), [[0.3, 0.4]]
    )  # on the sphere: unchanged
    np.testing.assert_allclose(
        Ball("l2", [[0.0, 0.0]], 0.25).project(tf.constant([[0.3, 0.4]])).numpy(),
        [[0.15, 0.2]],
        atol=1e-6,
    )
    linf = Ball("linf", x0, 0.1)
    np.testing.assert_allclose(linf.project(far).numpy(), [[0.6, 0.6]], atol=1e-6)
    linf.set(np.zeros((3, 2), np.float32), 0.2)  # a new batch size and radius, same ball
    np.testing.assert_allclose(linf.project(tf.fill([3, 2], 0.9)).numpy(), np.full((3, 2), 0.2))


def test_normalised_step_tensorflow_and_numpy_forms_agree(batch):
    x0, score_grad = batch
    size = 0.02
    tf_form = _apply(NormalisedStep(size), x0, -score_grad)  # apply() gets the loss gradient
    np_form = NormalisedStep(size).step(x0.copy(), score_grad.copy(), float(score_grad.std()))
    np.testing.assert_allclose(tf_form, np_form, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        np_form, np.clip(x0 + size * score_grad / score_grad.std(), 0, 1), atol=1e-6
    )


def test_adam_first_step_moves_each_entry_by_the_learning_rate_and_reset_forgets():
    from interpret._tf import tf

    x = tf.Variable(np.zeros((2, 3), np.float32))
    adam = Adam(0.05)
    adam.build([x])
    g = tf.constant([[1.0, -2.0, 0.5], [3.0, -0.1, 1.0]])
    adam.apply([x], [g], tf.constant(1, tf.int64))
    np.testing.assert_allclose(x.numpy(), -0.05 * np.sign(g.numpy()), atol=1e-6)  # bias-corrected
    adam.reset()
    assert all(not np.any(s.numpy()) for pair in adam._slots for s in pair)


def test_describe_says_what_the_sidecar_records():
    assert Adam(0.05).describe() == {"update": "adam", "lr": 0.05}
    assert SignedStep(0.01, Ball("linf", [[0.0]], 0.1)).describe() == {
        "update": "signed",
        "step_size": pytest.approx(0.01),
        "norm": "linf",
    }
    assert L2Step(0.5, Ball("l2", [[0.0]], 1.0)).describe()["norm"] == "l2"
    assert NormalisedStep(0.01).describe() == {"update": "normalised", "step_size": 0.01}
