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
    from interpret.attacks.ingraph import linf_steps

    x, y = batch
    start = random_start(x, 0.1, "linf", np.random.default_rng(1))
    shared, ran = projected_steps(grey_cnn, start, x, y, eps=0.1, step_size=step_size, steps=steps)
    mine = linf_steps(grey_cnn.logits, x, y, start, eps=0.1, step_size=step_size, steps=steps)
    assert ran == steps
    mine = np.asarray(mine)
    # identical arithmetic; a sign may differ only where a gradient entry is ~0
    assert np.mean(mine == shared) > 0.999
    np.testing.assert_allclose(mine, shared, atol=2 * step_size + 1e-6)
    assert np.abs(mine - x).max() <= 0.1 + 1e-6 and mine.min() >= 0 and mine.max() <= 1


def test_fgsm_rs_is_one_signed_step_from_the_start(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import linf_steps

    x, y = batch
    start = np.clip(x + 0.05, 0, 1)
    with tf.GradientTape() as tape:
        xs = tf.constant(start)
        tape.watch(xs)
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=grey_cnn.logits(xs))
        total = tf.reduce_sum(ce)
    g = tape.gradient(total, xs).numpy()
    expect = np.clip(np.clip(start + 0.375 * np.sign(g), x - 0.3, x + 0.3), 0, 1)
    out = linf_steps(grey_cnn.logits, x, y, start, eps=0.3, step_size=0.375, steps=1)
    np.testing.assert_allclose(np.asarray(out), expect, atol=1e-6)


def test_kl_steps_move_the_prediction_away_from_the_clean_one(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import linf_steps, normal_start, score

    x, y = batch
    p = tf.nn.softmax(grey_cnn.logits(x))
    start = normal_start(tf.random.Generator.from_seed(0), tf.constant(x))
    adv = linf_steps(
        grey_cnn.logits, x, y, start, eps=0.2, step_size=0.05, steps=8, loss="kl", p_clean=p
    )
    before = float(score(grey_cnn.logits(start), y, "kl", p))
    after = float(score(grey_cnn.logits(adv), y, "kl", p))
    assert after > before + 1e-3
    assert np.abs(np.asarray(adv) - x).max() <= 0.2 + 1e-6


def test_runs_inside_a_compiled_function_without_retracing(grey_cnn, batch):
    from interpret._tf import tf
    from interpret.attacks.ingraph import linf_steps, uniform_start

    gen = tf.random.Generator.from_seed(0)
    traces = []

    @tf.function(autograph=False, reduce_retracing=True)
    def attack(x, y, eps):
        traces.append(1)
        return linf_steps(grey_cnn.logits, x, y, uniform_start(gen, x, eps), eps=eps,
                          step_size=eps / 4, steps=3)  # fmt: skip

    x, y = batch
    for eps in (0.1, 0.2):
        adv = attack(x, y, tf.constant(eps))
        assert np.abs(adv.numpy() - x).max() <= eps + 1e-6
    assert len(traces) == 1
