"""The in-graph attack of adversarial training: same images as the shared attack loop, ball, KL."""

from __future__ import annotations

import numpy as np
import pytest

from tests.maxi_models import small_cnn


@pytest.fixture(scope="module")
def grey_cnn():
    """A one-channel tiny CNN (its first conv takes the fast input-gradient route in the probe)."""
    from interpret.core.probe import Probe

    return Probe(small_cnn(channels=1, seed=3))


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (16, 12, 12, 1)).astype("float32")
    return x, rng.integers(0, 3, 16).astype("int32")


@pytest.mark.parametrize("steps,step_size", [(1, 0.1), (5, 0.03), (12, 0.02)])
def test_same_images_as_the_shared_pgd_for_fixed_weights(grey_cnn, batch, steps, step_size):
    from interpret.attacks.gradient import projected_steps, random_start
    from interpret.attacks.ingraph import ball_steps

    x, y = batch
    start = random_start(x, 0.1, "linf", np.random.default_rng(1))
    shared, ran = projected_steps(grey_cnn, start, x, y, eps=0.1, step_size=step_size, steps=steps)
    mine = ball_steps(grey_cnn.logits, x, y, start, eps=0.1, step_size=step_size, steps=steps)
    assert ran == steps
    mine = np.asarray(mine)
    # identical arithmetic; a sign may differ only where a gradient entry is ~0
    assert np.mean(mine == shared) > 0.999
    np.testing.assert_allclose(mine, shared, atol=2 * step_size + 1e-6)
    assert np.abs(mine - x).max() <= 0.1 + 1e-6 and mine.min() >= 0 and mine.max() <= 1


@pytest.mark.parametrize("steps,step_size", [(1, 0.5), (7, 0.3), (12, 0.2)])
def test_l2_steps_are_the_shared_l2_pgd_for_fixed_weights(grey_cnn, batch, steps, step_size):
    from interpret.attacks.gradient import projected_steps, random_start
    from interpret.attacks.ingraph import ball_steps

    x, y = batch
    start = random_start(x, 1.0, "l2", np.random.default_rng(1))
    shared, _ = projected_steps(
        grey_cnn, start, x, y, eps=1.0, step_size=step_size, steps=steps, norm="l2"
    )
    mine = np.asarray(
        ball_steps(
            grey_cnn.logits, x, y, start, eps=1.0, step_size=step_size, steps=steps, norm="l2"
        )  # fmt: skip
    )
    np.testing.assert_allclose(mine, shared, atol=1e-4)
    dist = np.sqrt(((mine - x) ** 2).reshape(len(x), -1).sum(1))
    assert dist.max() <= 1.0 + 1e-4 and mine.min() >= 0 and mine.max() <= 1
    moved = np.sqrt(((mine - start) ** 2).reshape(len(x), -1).sum(1))
    assert moved.min() > 0.1  # the steps moved every image from its start


def test_l2_start_is_in_the_ball_and_reaches_its_rim():
    from interpret._tf import tf
    from interpret.attacks.ingraph import uniform_start

    x = np.full((64, 12, 12, 1), 0.5, "float32")
    s = uniform_start(tf.random.Generator.from_seed(0), tf.constant(x), 0.4, "l2").numpy()
    dist = np.sqrt(((s - x) ** 2).reshape(len(x), -1).sum(1))
    # uniform in a 144-dimensional ball: radii crowd at the rim (median 0.4 * 0.5 ** (1/144))
    assert dist.max() <= 0.4 + 1e-5 and np.median(dist) > 0.39
    assert np.abs(s - x).max() < 0.4  # not a corner of the Linf box


def test_fgsm_rs_is_one_signed_step_from_the_start(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import ball_steps

    x, y = batch
    start = np.clip(x + 0.05, 0, 1)
    with tf.GradientTape() as tape:
        xs = tf.constant(start)
        tape.watch(xs)
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=grey_cnn.logits(xs))
        total = tf.reduce_sum(ce)
    g = tape.gradient(total, xs).numpy()
    expect = np.clip(np.clip(start + 0.375 * np.sign(g), x - 0.3, x + 0.3), 0, 1)
    out = ball_steps(grey_cnn.logits, x, y, start, eps=0.3, step_size=0.375, steps=1)
    np.testing.assert_allclose(np.asarray(out), expect, atol=1e-6)


def test_kl_steps_move_the_prediction_away_from_the_clean_one(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import ball_steps, normal_start, score

    x, y = batch
    p = tf.nn.softmax(grey_cnn.logits(x))
    start = normal_start(tf.random.Generator.from_seed(0), tf.constant(x))
    adv = ball_steps(
        grey_cnn.logits, x, y, start, eps=0.2, step_size=0.05, steps=8, loss="kl", p_clean=p
    )
    before = float(score(grey_cnn.logits(start), y, "kl", p))
    after = float(score(grey_cnn.logits(adv), y, "kl", p))
    assert after > before + 1e-3
    assert np.abs(np.asarray(adv) - x).max() <= 0.2 + 1e-6


def test_runs_inside_a_compiled_function_without_retracing(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import ball_steps, uniform_start

    gen = tf.random.Generator.from_seed(0)
    traces = []

    @tf.function(autograph=False, reduce_retracing=True)
    def attack(x, y, eps):
        traces.append(1)
        return ball_steps(grey_cnn.logits, x, y, uniform_start(gen, x, eps), eps=eps,
                          step_size=eps / 4, steps=3)  # fmt: skip

    x, y = batch
    for eps in (0.1, 0.2):
        adv = attack(x, y, tf.constant(eps))
        assert np.abs(adv.numpy() - x).max() <= eps + 1e-6
    assert len(traces) == 1
